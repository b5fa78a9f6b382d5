// End-to-end test of the edge worker, with real parts only: the sample Flask app under
// gunicorn (and the Werkzeug dev server with its debugger for the debugger checks), the
// worker under `wrangler dev --local-protocol https` (workerd) in front of them, requests
// over real HTTP(S), and the headwarden CLI grading the real responses.
//
//   node --test tests/e2e/worker.test.mjs        (cargo xtask test runs it)
//
// Needs: the worker built (worker/build/, `cargo xtask` builds it; built here through
// wrangler if missing), worker/node_modules (npm ci), target/pyvenv with gunicorn and the
// app's requirements, and target/debug/headwarden. Every process is started in its own
// process group on a free 127.0.0.1 port and killed by group at the end, failed or not.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";

import {
  CLI,
  VENV,
  WORKER_BUILT,
  WRANGLER,
  curlForm,
  freePort,
  headerValues,
  logLines,
  request,
  ROOT,
  saveLogs,
  sleep,
  startGunicorn,
  startWerkzeugDebug,
  startWrangler,
  stop,
  stopAll,
  tmpDir,
  waitFor,
} from "./worker-harness.mjs";

// The policy under test: the balanced preset, with a 64 KiB body limit, plus a rate limit on POST /login (the
// LOGIN_LIMITER binding of worker/wrangler.toml: 10 requests per 60 s), plus /me among the
// sensitive paths (its JSON depends on the session cookie the request carries, which the
// response alone does not show). Pages that set the session cookie (the home page, /login)
// get no-store from enforce without being listed.
const POLICY = `preset = "balanced"

[cache]
sensitive_paths = ["/login", "/logout", "/me", "/account", "/account/*", "/admin/*"]

[limits]
max_body_bytes = 65536

[[rate_limit]]
path = "/login"
method = "POST"
binding = "LOGIN_LIMITER"
limit = 10
period = 60
`;
const RATE_LIMIT = 10;

const work = tmpDir("headwarden-worker-e2e-");
const policyFile = path.join(work, "policy.toml");
fs.writeFileSync(policyFile, POLICY);
// A strong key: the secret audit must not be what decides the grades here.
const secretKey = crypto.randomBytes(24).toString("hex");

const s = {}; // servers
let slowServer;
const slowSockets = new Set();

function requirePresent(file, hint) {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${hint}`);
}

before(async () => {
  requirePresent(WRANGLER, "run `cd worker && npm ci` (or `cargo xtask setup`)");
  requirePresent(path.join(VENV, "bin", "gunicorn"), "run `cargo xtask setup` (Python venv)");
  requirePresent(CLI, "run `cargo build -p headwarden-cli`");

  const [gunicornPort, debugPort, slowPort] = await Promise.all([freePort(), freePort(), freePort()]);
  slowServer = net.createServer((socket) => {
    // Accepts and never answers (nor reads): a hung origin.
    slowSockets.add(socket);
    socket.on("close", () => slowSockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise((r) => slowServer.listen(slowPort, "127.0.0.1", r));

  [s.gunicorn, s.debug] = await Promise.all([
    startGunicorn({ port: gunicornPort, secretKey }),
    startWerkzeugDebug({ port: debugPort, secretKey }),
  ]);
  s.gunicornUrl = `http://127.0.0.1:${gunicornPort}`;
  s.debugUrl = `http://127.0.0.1:${debugPort}`;

  // Build once (through wrangler's build command) if nothing is built yet.
  const prebuilt = fs.existsSync(WORKER_BUILT);
  const workers = [
    ["enforce", { ORIGIN_URL: s.gunicornUrl, POLICY }],
    ["reportOnly", { ORIGIN_URL: s.gunicornUrl, POLICY, MODE: "report-only" }],
    ["debugFront", { ORIGIN_URL: s.debugUrl }],
    ["slowFront", { ORIGIN_URL: `http://127.0.0.1:${slowPort}`, ORIGIN_TIMEOUT_MS: "1000" }],
    // Plain HTTP (no --local-protocol https): for the HTTP -> HTTPS redirect.
    ["httpFront", { ORIGIN_URL: s.gunicornUrl }, false],
  ];
  const launch = async ([name, vars, https = true], built) =>
    (s[name] = await startWrangler({
      name: `wrangler-${name}`,
      port: await freePort(),
      vars,
      https,
      prebuilt: built,
      timeoutMs: built ? 180000 : 900000,
    }));
  if (!prebuilt) await launch(workers.shift(), false);
  await Promise.all(workers.map((w) => launch(w, true)));
});

after(async () => {
  await stopAll();
  // The servers' output, for when something failed: target/e2e-logs/worker/.
  saveLogs(path.join(ROOT, "target", "e2e-logs", "worker"));
  for (const socket of slowSockets) socket.destroy();
  await new Promise((r) => (slowServer ? slowServer.close(r) : r()));
  fs.rmSync(work, { recursive: true, force: true });
});

/** The headwarden CLI's report of one response (exchange 0), graded as served over HTTPS. */
function grade(res, policy = "balanced") {
  const out = execFileSync(CLI, ["check", "--format", "json", "--scheme", "https", "--policy", policy, "-"], {
    input: curlForm(res),
    maxBuffer: 64 << 20,
  });
  const report = JSON.parse(out.toString());
  return report.exchanges[0];
}

function rules(exchange) {
  return exchange.findings.map((f) => f.rule);
}

/** The rule ids enforcing the policy resolves (`headwarden policy check --covers`). */
function covers() {
  const out = execFileSync(CLI, ["policy", "check", policyFile, "--covers"]).toString();
  const line = out.split("\n").find((l) => l.startsWith("enforcing it resolves:"));
  assert.ok(line, out);
  return line.replace("enforcing it resolves:", "").split(",").map((r) => r.trim()).filter(Boolean);
}

const GOOD = ["A+", "A"];
const sameOrigin = (w) => ({ "Sec-Fetch-Site": "same-origin", Origin: w.url });

test("direct to Flask (gunicorn) grades F with the expected findings", async () => {
  const res = await request(`${s.gunicornUrl}/`);
  assert.equal(res.status, 200);
  const ex = grade(res);
  assert.equal(ex.grade, "F");
  for (const id of ["csp-missing", "hsts-missing", "xcto-missing", "framing-unprotected", "cookie-missing-secure", "cookie-missing-samesite"]) {
    assert.ok(rules(ex).includes(id), `${id} not in ${rules(ex)}`);
  }
});

test("through the worker: A or better, and none of the findings the policy covers", async () => {
  const covered = covers();
  assert.ok(covered.includes("csp-missing") && covered.includes("hsts-missing"), covered.join(","));
  for (const p of ["/", "/login", "/api/data", "/me", "/logout"]) {
    const res = await request(`${s.enforce.url}${p}`);
    assert.ok([200, 302, 401].includes(res.status), `${p}: ${res.status}`);
    const ex = grade(res, policyFile);
    assert.ok(GOOD.includes(ex.grade), `${p}: grade ${ex.grade} (${rules(ex)})`);
    const left = rules(ex).filter((r) => covered.includes(r));
    assert.deepEqual(left, [], `${p}: covered findings remain`);
    assert.ok(!rules(ex).includes("cache-control-missing-sensitive"), `${p}: may be cached (${headerValues(res, "cache-control")})`);
  }
  // The home page sets the session cookie without being a sensitive path: not stored either.
  const home = await request(`${s.enforce.url}/`);
  assert.ok(headerValues(home, "set-cookie").some((c) => c.startsWith("session=")), "/ sets the session cookie");
  assert.match(headerValues(home, "cache-control").join(", "), /no-store/);
});

test("the CSP nonce in the header is on every <script> and differs between responses", async () => {
  const nonces = [];
  for (let i = 0; i < 3; i++) {
    const res = await request(`${s.enforce.url}/`);
    const csp = headerValues(res, "content-security-policy");
    assert.equal(csp.length, 1, "one CSP header");
    const m = csp[0].match(/'nonce-([A-Za-z0-9+/=_-]+)'/);
    assert.ok(m, csp[0]);
    const nonce = m[1];
    assert.ok(Buffer.from(nonce, "base64").length >= 16, "128-bit nonce");
    const scripts = res.body.toString().match(/<script\b[^>]*>/gi) ?? [];
    assert.ok(scripts.length >= 1, "the page has scripts");
    for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), `${tag} lacks nonce ${nonce}`);
    nonces.push(nonce);
  }
  assert.equal(new Set(nonces).size, nonces.length, `nonces repeat: ${nonces}`);
});

test("the Werkzeug debugger is unreachable through the worker", async () => {
  // Sanity: the origin really exposes it.
  const direct = await request(`${s.debugUrl}/boom`);
  assert.equal(direct.status, 500);
  assert.match(direct.body.toString(), /SECRET/);

  for (const w of [s.enforce, s.debugFront]) {
    assert.equal((await request(`${w.url}/console`)).status, 404, "/console");
    assert.equal((await request(`${w.url}/?__debugger__=yes&cmd=resource&f=style.css`)).status, 404);
    assert.equal((await request(`${w.url}/boom?%5f%5fdebugger%5f%5f=yes`)).status, 404);
  }
  const res = await request(`${s.debugFront.url}/boom`);
  assert.equal(res.status, 500);
  const body = res.body.toString();
  for (const leak of ["SECRET", "__debugger__", "Werkzeug", "Traceback", "boom: deliberate"]) {
    assert.ok(!body.includes(leak), `the 500 page leaks ${leak}`);
  }
  assert.match(body, /Internal Server Error/);
});

test("a cross-site POST is refused (403), a same-site one passes", async () => {
  const form = "email=alice%40example.com";
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  const cross = await request(`${s.enforce.url}/form-no-csrf`, {
    method: "POST",
    body: form,
    headers: { ...headers, "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
  });
  assert.equal(cross.status, 403);
  const noMetadata = await request(`${s.enforce.url}/form-no-csrf`, {
    method: "POST",
    body: form,
    headers: { ...headers, Origin: "https://evil.example" },
  });
  assert.equal(noMetadata.status, 403, "Origin alone decides without Fetch Metadata");
  const same = await request(`${s.enforce.url}/form-no-csrf`, {
    method: "POST",
    body: form,
    headers: { ...headers, ...sameOrigin(s.enforce) },
  });
  assert.equal(same.status, 200);
  assert.match(same.body.toString(), /alice@example\.com/);
});

test("other request guards: methods and body size", async () => {
  const trace = await request(`${s.enforce.url}/`, { method: "TRACE" });
  assert.equal(trace.status, 405);
  assert.ok(headerValues(trace, "allow")[0].includes("GET"));
  const body = Buffer.alloc(100 * 1024, "a");
  const headers = { ...sameOrigin(s.enforce), "Content-Type": "text/plain" };
  const withLength = await request(`${s.enforce.url}/form-no-csrf`, { method: "POST", headers, body });
  assert.equal(withLength.status, 413, "Content-Length over the limit");
  const chunked = await request(`${s.enforce.url}/form-no-csrf`, {
    method: "POST",
    headers: { ...headers, "Transfer-Encoding": "chunked" },
    body,
  });
  assert.equal(chunked.status, 413, "a chunked body over the limit");
  const small = await request(`${s.enforce.url}/form-no-csrf`, {
    method: "POST",
    headers: { ...headers, "Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded" },
    body: "email=small%40example.com",
  });
  assert.equal(small.status, 200, "a chunked body under the limit reaches the origin");
  assert.match(small.body.toString(), /small@example\.com/);
});

function cookies(res) {
  return headerValues(res, "set-cookie");
}

function cookieJar(res, jar = new Map()) {
  for (const c of cookies(res)) {
    const [pair] = c.split(";");
    const i = pair.indexOf("=");
    jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
  }
  return jar;
}

const cookieHeader = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

test("cookies are hardened and the login still works (session round trip)", async () => {
  const w = s.enforce;
  const page = await request(`${w.url}/login`);
  assert.equal(page.status, 200);
  const jar = cookieJar(page);
  assert.ok(jar.has("session"), "the login page sets the session cookie");
  for (const c of cookies(page)) {
    assert.match(c, /;\s*Secure/i, c);
    assert.match(c, /;\s*HttpOnly/i, c);
    assert.match(c, /;\s*SameSite=(Lax|Strict)/i, c);
  }
  const token = page.body.toString().match(/name="csrf_token" type="hidden" value="([^"]+)"/)?.[1];
  assert.ok(token, "CSRF token in the form");
  const form = new URLSearchParams({ csrf_token: token, username: "alice", password: "wonderland" }).toString();
  const login = await request(`${w.url}/login`, {
    method: "POST",
    body: form,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: cookieHeader(jar),
      "CF-Connecting-IP": "198.51.100.1",
      ...sameOrigin(w),
    },
  });
  assert.equal(login.status, 302, login.body.toString());
  const location = headerValues(login, "location")[0];
  assert.ok(!location.includes(new URL(s.gunicornUrl).host), `Location points at the origin: ${location}`);
  assert.match(location, /\/me$/);
  cookieJar(login, jar);
  assert.ok(jar.has("remember_token"), "flask-login sets remember_token");
  for (const c of cookies(login)) {
    assert.match(c, /;\s*Secure/i, c);
    assert.match(c, /;\s*HttpOnly/i, c);
    assert.match(c, /;\s*SameSite=(Lax|Strict)/i, c);
  }
  const me = await request(`${w.url}/me`, { headers: { Cookie: cookieHeader(jar) } });
  assert.equal(me.status, 200);
  assert.deepEqual(JSON.parse(me.body.toString()), { user: "alice" });
});

test("POST /login answers 429 with Retry-After once its limit is spent", async () => {
  const statuses = [];
  let limited;
  for (let i = 0; i < RATE_LIMIT + 10 && !limited; i++) {
    const res = await request(`${s.enforce.url}/login`, {
      method: "POST",
      body: "username=alice&password=nope",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "CF-Connecting-IP": "198.51.100.77",
        ...sameOrigin(s.enforce),
      },
    });
    statuses.push(res.status);
    if (res.status === 429) limited = res;
  }
  assert.ok(limited, `no 429 in ${statuses}`);
  assert.notEqual(statuses[0], 429, "the first request is not limited");
  assert.match(headerValues(limited, "retry-after")[0] ?? "", /^\d+$/);
  // GET /login is not limited.
  assert.equal((await request(`${s.enforce.url}/login`, { headers: { "CF-Connecting-IP": "198.51.100.77" } })).status, 200);
});

// Headers that describe the connection or the transfer, not the response.
const TRANSPORT = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);

test("report-only mode adds only the Report-Only CSP and blocks nothing", async () => {
  const direct = await request(`${s.gunicornUrl}/`);
  const res = await request(`${s.reportOnly.url}/`);
  assert.equal(res.status, 200);
  const names = (r) => [...new Set(r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()))].filter((n) => !TRANSPORT.has(n)).sort();
  const added = names(res).filter((n) => !names(direct).includes(n));
  const removed = names(direct).filter((n) => !names(res).includes(n));
  assert.deepEqual(added, ["content-security-policy-report-only"]);
  assert.deepEqual(removed, []);
  assert.match(headerValues(res, "content-security-policy-report-only")[0], /report-uri \/__headwarden\/csp-report/);
  for (const c of cookies(res)) assert.doesNotMatch(c, /;\s*Secure/i, "cookies untouched");
  // Guards only log: a cross-site POST and /console reach the origin.
  const cross = await request(`${s.reportOnly.url}/form-no-csrf`, {
    method: "POST",
    body: "email=x",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
  });
  assert.equal(cross.status, 200);
  await sleep(300);
  const logged = logLines(s.reportOnly).find((l) => l.path === "/form-no-csrf" && l.would_refuse);
  assert.equal(logged?.would_refuse?.guard, "csrf", "the refusal it would have made is logged");
});

test("CSP report endpoint: both formats, validated, bounded", async () => {
  const url = `${s.enforce.url}/__headwarden/csp-report`;
  const legacy = JSON.stringify({
    "csp-report": { "document-uri": `${s.enforce.url}/`, "violated-directive": "script-src-elem", "blocked-uri": "inline", disposition: "enforce" },
  });
  assert.equal((await request(url, { method: "POST", body: legacy, headers: { "Content-Type": "application/csp-report" } })).status, 204);
  const batch = JSON.stringify([
    { type: "csp-violation", age: 0, url: `${s.enforce.url}/`, body: { documentURL: `${s.enforce.url}/`, blockedURL: "https://evil.example/x.js", effectiveDirective: "script-src-elem", disposition: "enforce" } },
  ]);
  assert.equal((await request(url, { method: "POST", body: batch, headers: { "Content-Type": "application/reports+json" } })).status, 204);
  assert.equal((await request(url, { method: "POST", body: "{", headers: { "Content-Type": "application/csp-report" } })).status, 400);
  const huge = JSON.stringify({ "csp-report": { "blocked-uri": "x".repeat(70 * 1024) } });
  assert.equal((await request(url, { method: "POST", body: huge, headers: { "Content-Type": "application/csp-report" } })).status, 413);
  assert.equal((await request(url)).status, 405);
  await sleep(300);
  const reports = logLines(s.enforce).filter((l) => l.outcome === "csp-report" && l.csp_reports?.length);
  assert.ok(reports.some((l) => l.csp_reports.some((v) => v.blocked_url === "https://evil.example/x.js")), "the report is logged");
});

test("one JSON log line per request, with the changes and the grade before/after", async () => {
  await request(`${s.enforce.url}/api/data?probe=log`);
  await sleep(300);
  const line = logLines(s.enforce).find((l) => l.path === "/api/data" && l.outcome === "proxied");
  assert.ok(line, "a log line for /api/data");
  assert.equal(line.method, "GET");
  assert.equal(line.status, 200);
  assert.equal(typeof line.duration_ms, "number");
  assert.equal(line.grade_before, "F");
  assert.ok(GOOD.includes(line.grade_after), line.grade_after);
  assert.ok(line.changes.some((c) => c.header === "Strict-Transport-Security"));
  assert.ok(!JSON.stringify(logLines(s.enforce)).includes(secretKey));
});

test("plain HTTP is redirected to HTTPS with 308 (X-Forwarded-Proto is not trusted)", async () => {
  const url = new URL(s.httpFront.url);
  for (const headers of [{}, { "X-Forwarded-Proto": "https" }]) {
    const res = await request(`${s.httpFront.url}/login?next=%2Fme`, { method: "POST", headers, body: "" });
    assert.equal(res.status, 308);
    assert.equal(headerValues(res, "location")[0], `https://${url.host}/login?next=%2Fme`);
  }
});

test("a slow origin gets 504 after ORIGIN_TIMEOUT_MS", async () => {
  const res = await request(`${s.slowFront.url}/`, { timeoutMs: 20000 });
  assert.equal(res.status, 504);
  assert.ok(res.ms >= 900 && res.ms < 10000, `${res.ms} ms`);
  assert.equal(JSON.parse(res.body.toString()).error, "origin-timeout");
});

test("a stopped origin gets 502 with a JSON body", async () => {
  await stop(s.debug);
  const res = await request(`${s.debugFront.url}/`);
  assert.equal(res.status, 502);
  assert.equal(JSON.parse(res.body.toString()).error, "origin-unreachable");
  await waitFor("the 502 log line", () => logLines(s.debugFront).find((l) => l.outcome === "origin-error"), 5000);
});
