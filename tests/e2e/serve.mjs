// A tiny static server for the e2e tests: serves a directory on 127.0.0.1 with the
// headers its `_headers` file names (Cloudflare Pages / Netlify format).
//
//   node tests/e2e/serve.mjs <dir> [--port 0] [--timeout 600]
//
// Prints `listening http://127.0.0.1:<port>/` once bound. It exits by itself after
// --timeout seconds, so a crashed test run never leaves it behind.
import { createServer } from "node:http";
import { readFileSync, statSync, createReadStream } from "node:fs";
import path from "node:path";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".toml": "application/toml",
};

/** `[pattern, [[name, value], …]]` blocks of a `_headers` file. */
export function parseHeadersFile(text) {
  const rules = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    if (!/^[ \t]/.test(line)) {
      rules.push([trimmed, []]);
    } else if (rules.length) {
      const i = trimmed.indexOf(":");
      if (i > 0) rules[rules.length - 1][1].push([trimmed.slice(0, i).trim(), trimmed.slice(i + 1).trim()]);
    }
  }
  return rules;
}

/** The headers `_headers` gives `urlPath`. */
export function headersFor(rules, urlPath) {
  const out = [];
  for (const [pattern, headers] of rules) {
    const match = pattern.endsWith("*") ? urlPath.startsWith(pattern.slice(0, -1)) : urlPath === pattern;
    if (match) out.push(...headers);
  }
  return out;
}

function main() {
  const args = process.argv.slice(2);
  const dir = path.resolve(args[0] || ".");
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
  };
  const port = opt("--port", 0);
  const timeout = opt("--timeout", 600);
  let rules = [];
  try {
    rules = parseHeadersFile(readFileSync(path.join(dir, "_headers"), "utf8"));
  } catch {
    // No _headers: serve without extra headers.
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url || "/", "http://127.0.0.1");
    let urlPath;
    try {
      urlPath = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const rel = urlPath.endsWith("/") ? urlPath + "index.html" : urlPath;
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir + path.sep) || path.basename(file) === "_headers") {
      res.writeHead(404).end();
      return;
    }
    let stat;
    try {
      stat = statSync(file);
    } catch {
      stat = null;
    }
    const extra = headersFor(rules, urlPath);
    if (!stat || !stat.isFile()) {
      res.writeHead(404, [["Content-Type", "text/plain; charset=utf-8"], ...extra]).end("not found");
      return;
    }
    const headers = [
      ["Content-Type", MIME[path.extname(file)] || "application/octet-stream"],
      ["Content-Length", String(stat.size)],
      ["Cache-Control", "no-cache"],
      ...extra,
    ];
    res.writeHead(200, headers);
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  server.listen(port, "127.0.0.1", () => {
    process.stdout.write(`listening http://127.0.0.1:${server.address().port}/\n`);
  });
  setTimeout(() => process.exit(0), timeout * 1000).unref();
  for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => process.exit(0));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
