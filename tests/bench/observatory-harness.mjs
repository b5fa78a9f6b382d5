// The MDN HTTP Observatory 1.4.8 side of tests/bench/npm-vs-peers.mjs: the synthetic
// responses and the offline scorer of ../shared/anchors/observatory (bench.mjs and
// score.mjs), ported so that they resolve the package from tools/node_modules (where
// `cargo xtask setup` installs it) instead of next to the anchor. The generator, its seed
// and the scoring path are unchanged, so the inputs and rates compare with the anchor's
// BENCHMARK.md.

import { register, createRequire } from "node:module";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TOOLS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../tools");

// --- The synthetic responses (anchors/observatory/bench.mjs).

// Small deterministic PRNG (mulberry32).
let seed = 0x5eed1234;
function rnd() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;

const CSPS = [
  null,
  null,
  "default-src 'self'",
  "default-src 'self'; object-src 'none'",
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline'",
  "default-src 'none'; script-src 'nonce-abc123' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
  "default-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'",
  "default-src https:; script-src https: 'unsafe-eval'; img-src * data:",
  "default-src 'self' http://cdn.example.org; object-src 'none'",
  "script-src 'self'",
  "upgrade-insecure-requests",
  "default-src 'self'; img-src 'self' http://img.example.org; object-src 'none'",
];
const HSTS = [null, null, "max-age=300", "max-age=31536000", "max-age=63072000; includeSubDomains; preload", "max-age=31556926; includeSubDomains"];
const XFO = [null, null, "DENY", "SAMEORIGIN", "ALLOW-FROM https://example.org", "allowall"];
const REFERRER = [null, null, "no-referrer", "strict-origin-when-cross-origin", "same-origin", "unsafe-url", "no-referrer-when-downgrade", "bogus"];
const CORP = [null, null, null, "same-origin", "same-site", "cross-origin"];
const COOKIE_NAMES = ["session", "sessionid", "csrftoken", "csrf_token", "remember_token", "_ga", "prefs", "login_hint", "__Host-session"];
const SERVERS = ["Werkzeug/3.0.1 Python/3.11.9", "gunicorn", "nginx/1.25.3", "uvicorn", null];
const SCRIPTS = [
  '<script src="/static/app.js"></script>',
  '<script src="/static/vendor.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC" crossorigin="anonymous"></script>',
  '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js"></script>',
  '<script src="https://cdn.jsdelivr.net/npm/htmx.org@1.9.12" integrity="sha384-ujb1lZYygJmzgSwoxRggbCHcjc0rB2XoQrxeTUQyRjrOnlCoYta87iKBWq3EsdM2" crossorigin="anonymous"></script>',
  '<script src="http://code.jquery.com/jquery-1.12.4.min.js"></script>',
  '<script src="//unpkg.com/alpinejs" defer></script>',
  "<script>window.dataLayer = window.dataLayer || [];</script>",
];
const FILLER =
  '<div class="card"><div class="card-body"><h5 class="card-title">Item</h5><p class="card-text">Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p><a href="/item/1" class="btn btn-primary">Open</a></div></div>\n';

function cookie() {
  const name = pick(COOKIE_NAMES);
  let c = `${name}=${Math.floor(rnd() * 1e12).toString(36)}; Path=/`;
  if (name.startsWith("__Host-") || chance(0.5)) c += "; Secure";
  if (chance(0.6)) c += "; HttpOnly";
  if (chance(0.4)) c += `; SameSite=${pick(["Lax", "Strict", "None", "lax"])}`;
  if (chance(0.2)) c += "; Max-Age=2592000";
  return c;
}

let BODY = "mixed";

function body(kind) {
  if (BODY === "none") return "";
  if (kind === "json") return '{"status": "ok", "items": [1, 2, 3]}';
  const n = Math.floor(rnd() * 7);
  const scripts = Array.from({ length: n }, () => pick(SCRIPTS)).join("\n");
  let filler = FILLER.repeat(1 + Math.floor(rnd() * 8));
  if (BODY === "large") filler = FILLER.repeat(Math.ceil(50000 / FILLER.length));
  const meta = chance(0.1) ? `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">` : "";
  const metaRef = chance(0.1) ? '<meta name="referrer" content="no-referrer">' : "";
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">${meta}${metaRef}<title>App</title><link rel="stylesheet" href="/static/app.css"></head>\n<body><main>${filler}</main>\n${scripts}\n</body></html>\n`;
}

function makeInput(i) {
  const https = chance(0.9);
  const host = pick(["app.example.com", "example.org", "www.shop.example.co.uk", "api.example.net"]);
  const kind = chance(0.15) ? "json" : "html";
  const headers = [];
  const server = pick(SERVERS);
  if (server) headers.push(["Server", server]);
  headers.push(["Content-Type", kind === "json" ? "application/json" : "text/html; charset=utf-8"]);
  const csp = pick(CSPS);
  if (csp) headers.push([chance(0.1) ? "Content-Security-Policy-Report-Only" : "Content-Security-Policy", csp]);
  const hsts = pick(HSTS);
  if (hsts) headers.push(["Strict-Transport-Security", hsts]);
  const xfo = pick(XFO);
  if (xfo) headers.push(["X-Frame-Options", xfo]);
  const ref = pick(REFERRER);
  if (ref) headers.push(["Referrer-Policy", ref]);
  if (chance(0.5)) headers.push(["X-Content-Type-Options", chance(0.9) ? "nosniff" : "no-sniff"]);
  const corp = pick(CORP);
  if (corp) headers.push(["Cross-Origin-Resource-Policy", corp]);
  if (chance(0.15)) {
    headers.push(["Access-Control-Allow-Origin", pick(["*", "https://http-observatory.security.mozilla.org", "https://app.example.com"])]);
    if (chance(0.5)) headers.push(["Access-Control-Allow-Credentials", "true"]);
  }
  const nCookies = Math.floor(rnd() * 4);
  for (let k = 0; k < nCookies; k++) headers.push(["Set-Cookie", cookie()]);
  headers.push(["Vary", "Cookie"]);
  return {
    url: `${https ? "https" : "http"}://${host}/`,
    status: pick([200, 200, 200, 200, 302, 401, 403]),
    headers,
    body: body(kind),
    hstsPreloaded: https && chance(0.05),
  };
}


/** The anchor's batch: `n` responses from its fixed seed (`body`: mixed, none or large). */
export function makeInputs(n = 2000, bodyKind = "mixed") {
  seed = 0x5eed1234;
  BODY = bodyKind;
  return Array.from({ length: n }, (_, i) => makeInput(i));
}

// --- The offline scorer (anchors/observatory/score.mjs).

const localRequire = createRequire(path.join(TOOLS_DIR, "package.json"));
const PKG_JSON = localRequire.resolve("@mdn/mdn-http-observatory/package.json");
const PKG_DIR = path.dirname(PKG_JSON);
const pkgRequire = createRequire(PKG_JSON);
const pkgFile = (rel) => pathToFileURL(path.join(PKG_DIR, rel)).href;

// --- 1. Swap the package's retriever for a stub (only when imported by scanner/index.js).
const STUB_URL =
  "data:text/javascript," +
  encodeURIComponent(
    "export async function retrieve() {" +
      " const r = globalThis.__observatoryOfflineRequests;" +
      " globalThis.__observatoryOfflineRequests = null; return r; }"
  );
const HOOKS =
  `const TARGET = ${JSON.stringify(pkgFile("src/retriever/retriever.js"))};\n` +
  `const PARENT = ${JSON.stringify(pkgFile("src/scanner/index.js"))};\n` +
  `const STUB = ${JSON.stringify(STUB_URL)};\n` +
  "export async function resolve(specifier, context, next) {\n" +
  "  const r = await next(specifier, context);\n" +
  "  if (r.url === TARGET && context.parentURL === PARENT) return { url: STUB, shortCircuit: true };\n" +
  "  return r;\n" +
  "}\n";
register("data:text/javascript," + encodeURIComponent(HOOKS));

const { scan } = await import(pkgFile("src/scanner/index.js"));
const { Requests } = await import(pkgFile("src/types.js"));
const { parseHttpEquivHeaders } = await import(pkgFile("src/retriever/utils.js"));
const { hsts } = await import(pkgFile("src/analyzer/hsts.js"));
const { CONFIG } = await import(pkgFile("src/config.js"));
const { AxiosHeaders } = pkgRequire("axios");
const { CookieJar } = pkgRequire("tough-cookie");

// --- 2. HSTS preload list. The package's postinstall downloads it (network); when it is
// absent, load an empty list (so only "hstsPreloaded": true inputs count as preloaded).
const PRELOAD_FILE = path.join(PKG_DIR, "conf", "hsts-preload.json");
export const PRELOAD_LIST_PRESENT = fs.existsSync(PRELOAD_FILE);
let preloadMap;
if (PRELOAD_LIST_PRESENT) {
  preloadMap = hsts();
} else {
  const orig = fs.readFileSync;
  fs.readFileSync = function (p, ...rest) {
    if (typeof p === "string" && path.resolve(p) === PRELOAD_FILE) return "{}";
    return orig.call(this, p, ...rest);
  };
  try {
    preloadMap = hsts();
  } finally {
    fs.readFileSync = orig;
  }
}

// --- 3. Build the synthetic "requests" object.
const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);

function headerPairs(h) {
  if (!h) return [];
  if (Array.isArray(h)) return h.map(([n, v]) => [String(n), String(v)]);
  return Object.entries(h).flatMap(([n, v]) =>
    (Array.isArray(v) ? v : [v]).map((x) => [n, String(x)])
  );
}

// Node's own rules for folding repeated header lines (Set-Cookie -> array, most others
// joined with ", ", a few keep only the first), i.e. what axios would hand the package.
function nodeHeaders(pairs) {
  const msg = new http.IncomingMessage(null);
  const raw = pairs.flatMap(([n, v]) => [n, v.trim()]);
  msg._addHeaderLines(raw, raw.length);
  return new AxiosHeaders(msg.headers);
}

// axios parses any string body that is valid JSON (default transitional settings).
function axiosData(body) {
  if (typeof body !== "string" || body === "") return body ?? "";
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export function buildRequests(input, opts = {}) {
  if (!input || typeof input.url !== "string") throw new Error("input.url is required");
  const finalUrl = new URL(input.url);
  const host = (input.host ?? finalUrl.hostname).toLowerCase();
  const isHttps = finalUrl.protocol === "https:";
  const status = input.status ?? 200;
  const verified = input.certValid !== false;
  const pairs = headerPairs(input.headers);
  const data = axiosData(input.body ?? "");

  const response = {
    status,
    statusText: http.STATUS_CODES[status] ?? "",
    headers: nodeHeaders(pairs),
    data,
    config: { url: finalUrl.href, headers: new AxiosHeaders() },
    request: {},
    verified,
  };

  const r = new Requests(host);
  r.responses.auto = response;
  r.responses.https = isHttps ? response : null;

  let chain;
  if (input.redirects) {
    chain = input.redirects.map((e) => ({ url: new URL(e.url), status: e.status ?? 301 }));
  } else if (isHttps) {
    const start = new URL(`https://${host}/`);
    chain = [{ url: new URL(`http://${host}/`), status: 301 }];
    if (start.href === finalUrl.href) chain.push({ url: start, status });
    else chain.push({ url: start, status: 301 }, { url: finalUrl, status });
  } else {
    chain = [{ url: finalUrl, status }];
  }
  const httpListening = input.httpListening !== false;
  r.responses.http = httpListening
    ? { ...response, status: chain.length ? chain[chain.length - 1].status : status }
    : null;
  r.responses.httpRedirects = httpListening ? chain : [];
  r.responses.httpsRedirects = r.responses.httpRedirects; // the live retriever does the same

  const corsPairs = input.corsHeaders ? headerPairs(input.corsHeaders) : pairs;
  r.responses.cors = {
    status: 200,
    statusText: "OK",
    headers: nodeHeaders(corsPairs),
    data: "",
    config: { url: finalUrl.href, headers: new AxiosHeaders() },
    request: opts.asDesignedCors
      ? { headers: new AxiosHeaders({ Origin: CONFIG.retriever.corsOrigin }) }
      : {},
    verified,
  };

  const jar = new CookieJar();
  const setCookies = response.headers["set-cookie"];
  for (const c of [setCookies ?? []].flat()) {
    jar.setCookieSync(c, finalUrl.href, { ignoreError: true });
  }
  r.session = { url: new URL(`${isHttps ? "https" : "http"}://${host}/`), jar };

  r.resources.path = data;
  const ctype = response.headers["content-type"];
  response.httpEquiv =
    typeof ctype === "string" && HTML_TYPES.has(ctype.split(";")[0]) && data
      ? parseHttpEquivHeaders(data, r.session.url.href)
      : new Map();
  return r;
}

// --- 4. Score one input with the package's scan().
export async function scoreInput(input, opts = {}) {
  const r = buildRequests(input, opts);
  const host = r.hostname;
  const previous = preloadMap.get(host);
  if (input.hstsPreloaded) {
    preloadMap.set(host, {
      includeSubDomains: true,
      includeSubDomainsForPinning: true,
      mode: "force-https",
      pinned: false,
    });
  }
  globalThis.__observatoryOfflineRequests = r;
  try {
    const res = await scan(host);
    const tests = {};
    for (const [name, t] of Object.entries(res.tests)) {
      tests[name] = { result: t.result, pass: t.pass, scoreModifier: t.scoreModifier };
    }
    return { score: res.scan.score, grade: res.scan.grade, tests };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    globalThis.__observatoryOfflineRequests = null;
    if (input.hstsPreloaded) {
      if (previous) preloadMap.set(host, previous);
      else preloadMap.delete(host);
    }
  }
}

