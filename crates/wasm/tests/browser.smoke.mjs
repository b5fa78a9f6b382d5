// The package in headless Chromium, without a bundler: a tiny static server on 127.0.0.1
// serves a page and the installed package; the page imports index.mjs (fetch + top-level
// await), checks, evaluates a CSP, enforces (which fetches the rewriting wasm on first use)
// and audits a secret. playwright-core comes from the repository's tools/node_modules.

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";

const ROOT = process.env.HEADWARDEN_ROOT ?? path.resolve(process.cwd(), "../..");
const CHROMIUM = "/usr/bin/chromium";
const require = createRequire(import.meta.url);
const PKG = path.dirname(require.resolve("headwarden/package.json"));

const PAGE = `<!doctype html><meta charset="utf-8"><title>headwarden smoke</title>
<script type="module">
  const out = {};
  try {
    const t0 = performance.now();
    const hw = await import("/pkg/index.mjs");
    out.importMs = performance.now() - t0;
    const r = hw.check("HTTP/1.1 200 OK\\r\\nServer: Werkzeug/3.1.3 Python/3.11.7\\r\\n\\r\\n");
    out.grade = r.worst_grade;
    out.rules = Object.keys(r.rules).length;
    out.fromHeaders = hw.check(new Headers({ "content-type": "text/html" })).exchanges[0].findings.length;
    out.csp = hw.checkCsp("script-src 'unsafe-inline'").findings.map((f) => f.rule);
    const res = await hw.enforce(new Response("<p>hi</p><script>go()<\\/script>", { headers: { "content-type": "text/html" } }), "balanced");
    out.enforcedCsp = res.headers.get("content-security-policy");
    out.enforcedBody = await res.text();
    const found = await hw.auditSecret("eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE");
    out.secret = found && found.secret;
    try { hw.check(""); } catch (e) { out.errorCode = e.code; out.errorIsError = e instanceof Error; }
    out.version = hw.VERSION;
  } catch (e) {
    out.error = String(e && e.stack || e);
  }
  window.__result = out;
</script>`;

const TYPES = { ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".json": "application/json" };

function serve() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    requests.push(url.pathname);
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(PAGE);
    }
    if (url.pathname.startsWith("/pkg/")) {
      const file = path.join(PKG, path.normalize(decodeURIComponent(url.pathname.slice(5))));
      if (file.startsWith(PKG + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
        return res.end(fs.readFileSync(file));
      }
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, requests, port: server.address().port })));
}

test("the package works in headless Chromium (no bundler)", { timeout: 120_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) return t.skip(`${CHROMIUM} is missing (cargo xtask setup installs it)`);
  let chromium;
  try {
    ({ chromium } = createRequire(path.join(ROOT, "tools/package.json"))("playwright-core"));
  } catch {
    return t.skip("playwright-core is missing from tools/node_modules (cargo xtask setup)");
  }
  const { server, requests, port } = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const requestsBefore = () => `requests: ${requests.join(", ")}; page errors: ${errors.join("; ")}`;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60_000 }).catch((e) => {
      throw new Error(`${e.message} (${requestsBefore()})`);
    });
    const out = await page.evaluate(() => window.__result);
    assert.equal(out.error, undefined, out.error);
    assert.deepEqual(errors, []);
    assert.equal(out.grade, "F");
    assert.ok(out.rules > 3);
    assert.ok(out.fromHeaders > 0);
    assert.ok(out.csp.includes("csp-unsafe-inline"));
    const nonce = /'nonce-([^']+)'/.exec(out.enforcedCsp)[1];
    assert.equal(out.enforcedBody, `<p>hi</p><script nonce="${nonce}">go()</script>`);
    assert.equal(out.secret, "dev");
    assert.equal(out.errorCode, "INPUT_EMPTY");
    assert.equal(out.errorIsError, true);
    assert.ok(requests.includes("/pkg/wasm/headwarden_bg.wasm"));
    assert.ok(requests.includes("/pkg/wasm/headwarden_rewrite_bg.wasm"), "the rewriting wasm loads on the first enforce");
    console.log(`# Chromium: import ${out.importMs.toFixed(1)} ms, version ${out.version}`);
  } finally {
    await browser.close();
    server.close();
  }
});
