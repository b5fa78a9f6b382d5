// The npm package as a user gets it: `cargo xtask test` installs the packed tarball into a
// fresh project and runs this file there (`import ... from "headwarden"` resolves to the
// installed package's "node" export). HEADWARDEN_ROOT points at the repository, for the
// fixtures and the CLI.

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import {
  check,
  checkCsp,
  enforce,
  decodeFlaskSession,
  auditSecret,
  rules,
  presets,
  HeadwardenError,
  VERSION,
} from "headwarden";

const ROOT = process.env.HEADWARDEN_ROOT ?? path.resolve(process.cwd(), "../..");
const fixture = (name) => fs.readFileSync(path.join(ROOT, "tests/fixtures", name));
const cookies = JSON.parse(fixture("flask-session-cookies.json")).cookies;
const cookie = (name) => cookies.find((c) => c.name === name).cookie;
const require = createRequire(import.meta.url);

const WERKZEUG = "HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.3 Python/3.11.7\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";

function assertCode(fn, code) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof HeadwardenError, `not a HeadwardenError: ${e}`);
    assert.ok(e instanceof Error);
    assert.equal(e.code, code, e.message);
    assert.equal(e.name, "HeadwardenError");
    return true;
  });
}

async function assertRejects(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof HeadwardenError, `not a HeadwardenError: ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

const ids = (report, i = 0) => report.exchanges[i].findings.map((f) => f.rule);

test("VERSION is the package's version", () => {
  const pkg = JSON.parse(fs.readFileSync(require.resolve("headwarden/package.json"), "utf8"));
  assert.equal(VERSION, pkg.version);
  assert.equal(check(WERKZEUG).tool.version, pkg.version);
});

test("check(raw string) follows the output contract", () => {
  const r = check(WERKZEUG);
  assert.equal(r.schema_version, 1);
  assert.equal(r.tool.name, "headwarden");
  assert.equal(r.input_format, "raw");
  assert.equal(r.worst_grade, "F");
  const ex = r.exchanges[0];
  assert.equal(ex.url, null);
  assert.equal(ex.method, null);
  assert.equal(ex.status, 200);
  assert.equal(ex.scheme, "assumed-https");
  assert.ok(ids(r).includes("flask-dev-server"));
  assert.ok(ids(r).includes("csp-missing"));
  assert.ok(Array.isArray(ex.passed));
  // `rules`: exactly the ids of the findings, sorted, with docs and fixes.
  assert.deepEqual(Object.keys(r.rules), [...new Set(ids(r))].sort());
  const doc = r.rules["csp-missing"];
  assert.equal(typeof doc.title, "string");
  assert.match(doc.docs, /## What it does/);
  assert.ok(Object.isFrozen(doc), "rule docs are shared, so frozen");
  // JSON-compatible: survives a round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

test("check gives the CLI's JSON for every fixture", (t) => {
  const cli = [path.join(ROOT, "target/debug/headwarden"), path.join(ROOT, "target/release/headwarden")].find((p) =>
    fs.existsSync(p),
  );
  if (!cli) return t.skip("no CLI binary in target/ (cargo build -p headwarden-cli)");
  const names = fs.readdirSync(path.join(ROOT, "tests/fixtures")).filter((f) => /\.(http|har)$/.test(f));
  assert.ok(names.length > 0);
  for (const name of names) {
    const file = path.join(ROOT, "tests/fixtures", name);
    let expected;
    try {
      expected = JSON.parse(execFileSync(cli, ["check", file, "--format", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    } catch (e) {
      if (e.stdout) expected = JSON.parse(e.stdout);
      else throw e;
    }
    // The CLI binary may be older than the wasm; compare when both come from the same version.
    if (expected.tool.version !== VERSION) return t.skip(`CLI ${expected.tool.version} vs package ${VERSION}`);
    const ours = check(fs.readFileSync(file));
    assert.deepEqual(ours, expected, name);
  }
});

test("check reads bytes, Headers, Response and plain objects", async () => {
  const bytes = check(new TextEncoder().encode(WERKZEUG));
  assert.deepEqual(ids(bytes), ids(check(WERKZEUG)));
  assert.equal(check(new TextEncoder().encode(WERKZEUG).buffer).worst_grade, "F");

  const headers = new Headers({ "content-type": "text/html", server: "Werkzeug/3.1.3 Python/3.11.7" });
  headers.append("set-cookie", "session=abc; Path=/");
  headers.append("set-cookie", "prefs=dark; Path=/");
  const fromHeaders = check(headers);
  assert.equal(fromHeaders.input_format, "json");
  assert.ok(ids(fromHeaders).includes("flask-dev-server"));
  assert.equal(fromHeaders.exchanges[0].cookies.length, 2, "two Set-Cookie lines stay two cookies");

  const response = new Response("<!doctype html><script>alert(1)</script>", {
    status: 404,
    headers: { "content-type": "text/html", "strict-transport-security": "max-age=63072000; includeSubDomains" },
  });
  const fromResponse = check(response);
  assert.equal(fromResponse.exchanges[0].status, 404);
  assert.ok(!ids(fromResponse).includes("hsts-missing"));
  assert.equal(response.bodyUsed, false, "without { body: true } the body is not read");
  const withBody = check(response, { body: true });
  assert.ok(withBody instanceof Promise);
  const awaited = await withBody;
  assert.equal(awaited.exchanges[0].status, 404);
  assert.equal(response.bodyUsed, false, "the body is read from a copy");
  assert.equal(await response.text(), "<!doctype html><script>alert(1)</script>");

  const record = check({ "Content-Type": "text/html", "Set-Cookie": ["a=1", "session=2; Secure"] });
  assert.equal(record.input_format, "json");
  assert.equal(record.exchanges[0].cookies.length, 2);

  const wrapper = check({
    status: 200,
    url: "http://app.example/login",
    headers: [["Content-Type", "text/html"], ["Server", "gunicorn"]],
    body: new TextEncoder().encode("<form method=post><input name=password type=password></form>"),
  });
  assert.equal(wrapper.exchanges[0].url, "http://app.example/login");
  assert.equal(wrapper.exchanges[0].scheme, "http");
  assert.ok(ids(wrapper).includes("https-not-used"));

  const withHeaders = check({ status: 301, headers: new Headers({ location: "https://x.example/" }) });
  assert.equal(withHeaders.exchanges[0].status, 301);

  const several = check([
    { status: 200, headers: { "Content-Type": "text/plain" } },
    { status: 404, headers: { "Content-Type": "text/plain" } },
  ]);
  assert.equal(several.exchanges.length, 2);
});

test("check options: policy, scheme, ignore, format, url, secretAudit", () => {
  const strict = check(WERKZEUG, { policy: "strict" });
  const balanced = check(WERKZEUG);
  assert.ok(strict.exchanges[0].score <= balanced.exchanges[0].score);

  const preset = presets().find((p) => p.name === "strict");
  assert.deepEqual(check(WERKZEUG, { policy: preset.policy }), strict, "a policy object = the same preset");
  assert.deepEqual(check(WERKZEUG, { policy: preset.toml }), strict, "TOML text = the same preset");

  const http = check(WERKZEUG, { scheme: "http" });
  assert.equal(http.exchanges[0].scheme, "http");
  assert.ok(!ids(http).includes("hsts-missing"));

  const ignored = check(WERKZEUG, { ignore: ["csp-missing", "flask-dev-server"] });
  assert.ok(!ids(ignored).includes("csp-missing"));
  assert.ok(!ids(ignored).includes("flask-dev-server"));

  assert.equal(check("content-type: text/html\nserver: nginx\n", { format: "devtools" }).input_format, "devtools");
  assert.equal(check(WERKZEUG, { url: "https://app.example/" }).exchanges[0].url, "https://app.example/");

  const login = fixture("flask-gunicorn-login-post.http");
  const audited = check(login);
  const sessions = audited.exchanges.flatMap((e) => e.sessions ?? []);
  assert.ok(sessions.some((s) => s.secret === "dev"), "the built-in audit finds `dev`");
  const notAudited = check(login, { secretAudit: false });
  assert.ok(!notAudited.exchanges.flatMap((e) => e.sessions ?? []).some((s) => s.secret));
});

test("errors are HeadwardenErrors with a code, never a trap", () => {
  assertCode(() => check(""), "INPUT_EMPTY");
  assertCode(() => check("   \n\n"), "INPUT_EMPTY");
  assertCode(() => check("x".repeat(32 * 1024 * 1024 + 1)), "INPUT_TOO_LARGE");
  assertCode(() => check("Name: " + "v".repeat(70 * 1024) + "\n"), "INPUT_TOO_LARGE");
  assertCode(() => check("{ not json"), "INPUT_INVALID");
  for (const bad of [42, null, undefined, true, () => 1, Symbol("x"), new Date()]) {
    assertCode(() => check(bad), "ARGUMENT_INVALID");
  }
  assertCode(() => check(WERKZEUG, { policy: "no-such-preset" }), "POLICY_INVALID");
  assertCode(() => check(WERKZEUG, { policy: "[hsts]\nmax_age = 'soon'\n" }), "POLICY_INVALID");
  assertCode(() => check(WERKZEUG, { policy: 7 }), "ARGUMENT_INVALID");
  assertCode(() => check(WERKZEUG, { scheme: "gopher" }), "OPTION_INVALID");
  assertCode(() => check(WERKZEUG, { ignore: ["no-such-rule"] }), "OPTION_INVALID");
  assertCode(() => check(WERKZEUG, { format: "yaml" }), "OPTION_INVALID");
  assertCode(() => check(WERKZEUG, { colour: true }), "OPTION_INVALID");
  assertCode(() => check(WERKZEUG, "strict"), "ARGUMENT_INVALID");
  assertCode(() => checkCsp(undefined), "ARGUMENT_INVALID");
  assertCode(() => decodeFlaskSession("not-a-session"), "SESSION_INVALID");
  assertCode(() => decodeFlaskSession(""), "INPUT_EMPTY");
  assertCode(() => decodeFlaskSession({}), "ARGUMENT_INVALID");
  // Still usable after every error above.
  assert.equal(check(WERKZEUG).worst_grade, "F");
});

test("arbitrary input never traps", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = "HTTP/1.1 200 OK\r\n:;=,\"'{}[]<>\\\0\x7f\u00e9\ud83d\ude00 abcSet-Cookie: Content-Security-Policy: script-src";
  for (let i = 0; i < 2000; i++) {
    let s = "";
    const n = Math.floor(rnd() * 200);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    for (const f of [() => check(s), () => checkCsp(s), () => decodeFlaskSession(s)]) {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof HeadwardenError && e.code !== "INTERNAL", `${JSON.stringify(s)}: ${e}`);
      }
    }
  }
  const bytes = new Uint8Array(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
  try {
    check(bytes);
  } catch (e) {
    assert.ok(e instanceof HeadwardenError && e.code !== "INTERNAL", String(e));
  }
});

test("checkCsp", () => {
  const r = checkCsp("script-src 'self' 'unsafe-inline' https://www.google.com");
  const inline = r.findings.find((f) => f.rule === "csp-unsafe-inline");
  assert.equal(inline.directive, "script-src");
  assert.equal(inline.source, "'unsafe-inline'");
  assert.ok(r.findings.some((f) => f.rule === "csp-allowlist-bypass"));
  assert.equal(r.policies.length, 1);
  assert.deepEqual(r.policies[0], {
    disposition: "enforce",
    text: "script-src 'self' 'unsafe-inline' https://www.google.com",
    applied: true,
    directives: [{ name: "script-src", sources: ["'self'", "'unsafe-inline'", "https://www.google.com"] }],
  });
  const strict = checkCsp("script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; base-uri 'none'");
  assert.ok(!strict.findings.some((f) => f.severity === "high"));
  assert.equal(checkCsp("a, b").policies.length, 2, "comma-separated policies");
});

test("checkCsp with { view: true }: the reports' per-policy view", () => {
  const policy = "script-src 'nonce-r4nd0m' 'unsafe-inline'; object-src 'none'";
  const r = checkCsp(policy, { view: true });
  assert.deepEqual(r.findings, checkCsp(policy).findings);
  const [view] = r.policies;
  assert.equal(view.header, "Content-Security-Policy");
  const inline = view.directives[0].sources.find((s) => s.text === "'unsafe-inline'");
  assert.equal(inline.verdict, "ignored");
  const elem = view.effective.find((e) => e.directive === "script-src-elem");
  assert.deepEqual(elem, { directive: "script-src-elem", from: "script-src", sources: ["'nonce-r4nd0m'"] });
  // The same view the report of a response carries.
  const report = check(`HTTP/1.1 200 OK\r\nContent-Security-Policy: ${policy}\r\n\r\n`);
  assert.deepEqual(report.exchanges[0].csp, r.policies);
  assert.equal(checkCsp(policy, { view: false }).policies[0].effective, undefined);
  assertCode(() => checkCsp(policy, { views: true }), "OPTION_INVALID");
  assertCode(() => checkCsp(policy, { view: "yes" }), "ARGUMENT_INVALID");
  assertCode(() => checkCsp(policy, 1), "ARGUMENT_INVALID");
});

test("results keep every string right across the wasm's string table resets", async () => {
  // Each policy brings new strings (its text, its nonce): far more than the table holds
  // (8,192 strings), so it is cleared many times on both sides meanwhile.
  for (let i = 0; i < 30_000; i++) {
    const policy = `script-src 'nonce-n${i}x' 'unsafe-eval' https://h${i}.example`;
    const r = checkCsp(policy);
    assert.equal(r.policies[0].text, policy);
    assert.deepEqual(r.policies[0].directives[0].sources, [`'nonce-n${i}x'`, "'unsafe-eval'", `https://h${i}.example`]);
    const evalFinding = r.findings.find((f) => f.rule === "csp-unsafe-eval");
    assert.equal(evalFinding.evidence.value, policy);
    assert.equal(evalFinding.source, "'unsafe-eval'");
  }
  // A result the wasm wrote but nobody read (the glue called directly): the tables
  // disagree, which the next call notices and mends.
  const glue = await import(pathToFileURL(path.join(path.dirname(require.resolve("headwarden/package.json")), "wasm/headwarden.js")).href);
  glue.check_csp("script-src 'nonce-unread' https://unread.example", false);
  const after = "script-src 'nonce-read' https://read.example";
  assert.equal(checkCsp(after).policies[0].text, after);
  assert.equal(checkCsp(after).findings[0].evidence.value, after);
  // Long strings (not interned) and non-ASCII text come through whole.
  const long = `script-src 'self' ${"https://a.example/".repeat(200)}`;
  assert.equal(checkCsp(long).policies[0].text, long);
  const accents = "script-src 'self' https://café.example";
  assert.equal(checkCsp(accents).policies[0].text, accents);
});

test("decodeFlaskSession", () => {
  const s = decodeFlaskSession(cookie("flask-dev-simple"));
  assert.equal(s.kind, "flask");
  assert.deepEqual(s.payload, { user: "alice" });
  assert.equal(s.timestamp, 1795439649);
  assert.equal(typeof s.signed_at, "string");
  assert.equal(s.compressed, false);
  const compressed = decodeFlaskSession(`session=${cookie("flask-dev-compressed")}`);
  assert.equal(compressed.compressed, true);
  assert.equal(compressed.cookie, "session");
  assert.equal(compressed.payload.user, "alice");
  const fromHeader = decodeFlaskSession(`Set-Cookie: session=${cookie("flask-dev-simple")}; HttpOnly; Path=/`);
  assert.deepEqual(fromHeader.payload, { user: "alice" });
  const sensitive = decodeFlaskSession(cookie("flask-dev-sensitive"));
  assert.ok(sensitive.sensitive_keys.length > 0);
  assert.equal(decodeFlaskSession(cookie("remember-dev")).kind, "flask-remember");
});

test("auditSecret: built-in list, candidates, progress, yielding, abort", async () => {
  const builtin = await auditSecret(cookie("flask-dev-simple"));
  assert.equal(builtin.secret, "dev");
  assert.equal(builtin.source, "builtin");
  assert.equal(builtin.kind, "flask");
  assert.equal(await auditSecret(cookie("flask-random-key")), null);

  const key = cookies.find((c) => c.name === "flask-random-key").key_for_verification;
  const words = Array.from({ length: 9999 }, (_, i) => `candidate-${i}`);
  words.push(key);
  const progress = [];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const found = await auditSecret(cookie("flask-random-key"), words, {
    onProgress: (p) => progress.push({ ...p, ticks }),
  });
  clearInterval(timer);
  assert.equal(found.secret, key);
  assert.equal(found.index, 9999);
  assert.equal(found.source, "candidates");
  assert.equal(found.tried, 10000);
  assert.equal(progress.length, 4, "chunks of 2,000: progress after each of the first four");
  assert.deepEqual(progress.map((p) => p.tried), [2000, 4000, 6000, 8000]);
  assert.ok(progress.every((p) => p.total === 10000 && p.rate > 0));
  assert.ok(progress[progress.length - 1].ticks > 0, "timers ran between chunks");

  // Bytes, async iterables, other kinds, no built-in list.
  const express = await auditSecret(cookie("connect-sid-keyboard-cat"), [new TextEncoder().encode("keyboard cat")], { builtin: false });
  assert.equal(express.kind, "express");
  assert.ok(express.secret instanceof Uint8Array);
  async function* lines() {
    yield "nope";
    yield "changeme";
  }
  const fromAsync = await auditSecret(cookie("flask-changeme"), lines(), { builtin: false, chunkSize: 1 });
  assert.equal(fromAsync.secret, "changeme");
  assert.equal(fromAsync.index, 1);
  assert.equal(await auditSecret(cookie("remember-random-key"), ["a", "b"], { builtin: false }), null);

  const controller = new AbortController();
  const aborted = auditSecret(cookie("flask-random-key"), words, {
    builtin: false,
    chunkSize: 100,
    onProgress: () => controller.abort(),
    signal: controller.signal,
  });
  await assertRejects(aborted, "ABORTED");
  await assertRejects(auditSecret("plain-value"), "SESSION_INVALID");
  await assertRejects(auditSecret(cookie("flask-dev-simple"), "dev"), "ARGUMENT_INVALID");
  await assertRejects(auditSecret(cookie("flask-dev-simple"), [42], { builtin: false }), "ARGUMENT_INVALID");
});

test("rules() and presets()", () => {
  const all = rules();
  assert.ok(all.length > 50);
  const csp = all.find((r) => r.id === "csp-missing");
  assert.equal(csp.severity, "high");
  assert.match(csp.docs, /## What it does/);
  assert.ok(Object.isFrozen(all) && Object.isFrozen(csp));
  assert.equal(rules(), all, "cached");
  const names = presets().map((p) => p.name);
  for (const n of ["strict", "balanced", "flask-talisman"]) assert.ok(names.includes(n), n);
  for (const p of presets()) {
    assert.match(p.toml, /\[hsts\]|preset/);
    assert.equal(typeof p.policy, "object");
  }
});

const PAGE =
  '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src *">' +
  "<title>t</title></head><body><script>var a = 1;</script><script src=/app.js></script></body></html>";

test("enforce: headers, cookies, nonce on scripts (streamed), and check agrees", async () => {
  const origin = new Response(PAGE, {
    headers: [
      ["content-type", "text/html; charset=utf-8"],
      ["server", "Werkzeug/3.1.3 Python/3.11.7"],
      ["x-powered-by", "Flask"],
      ["content-length", String(PAGE.length)],
      ["set-cookie", "session=abc; Path=/"],
    ],
  });
  let changes = null;
  const out = await enforce(origin, undefined, { url: "https://app.example/", onChanges: (c) => (changes = c) });
  assert.ok(out instanceof Response);
  const csp = out.headers.get("content-security-policy");
  const nonce = /'nonce-([^']+)'/.exec(csp)[1];
  assert.ok(nonce.length >= 22);
  assert.equal(out.headers.get("server"), null);
  assert.equal(out.headers.get("content-length"), null, "the body changes length");
  assert.match(out.headers.get("set-cookie"), /Secure/);
  assert.match(out.headers.get("set-cookie"), /HttpOnly/i);
  assert.ok(out.headers.get("strict-transport-security"));
  const body = await out.text();
  assert.equal(body.split(`nonce="${nonce}"`).length - 1, 2, body);
  assert.ok(!body.includes("http-equiv"), "the <meta> CSP is removed");
  assert.ok(changes.some((c) => c.action === "rewrite-body"));
  assert.ok(changes.some((c) => c.action === "remove-header" && c.header === "Server"));

  // What enforce produced passes what the policy covers.
  const after = check({ status: 200, url: "https://app.example/", headers: out.headers, body });
  for (const id of ["csp-missing", "hsts-missing", "flask-dev-server", "cookie-missing-secure", "xcto-missing", "framing-unprotected"]) {
    assert.ok(!ids(after).includes(id), `${id} still fires after enforce`);
  }
});

test("enforce: debugger pages, report-only, fixed nonce, policies, errors", async () => {
  const debuggerPage =
    '<html><head><script src="/?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>' +
    '<script>var CONSOLE_MODE = false, EVALEX = true, SECRET = "abc";</script></head><body>Traceback</body></html>';
  const replaced = await enforce(new Response(debuggerPage, { status: 500, headers: { "content-type": "text/html" } }));
  assert.equal(replaced.status, 500);
  const text = await replaced.text();
  assert.ok(!text.includes("__debugger__"));
  assert.match(text, /Internal Server Error/);

  const plain500 = await enforce(new Response("<p>oops</p><script>x()</script>", { status: 502, headers: { "content-type": "text/html" } }), "balanced", { nonce: "Zml4ZWQtbm9uY2UtZm9yLXRlc3Q" });
  assert.equal(plain500.status, 502);
  assert.match(await plain500.text(), /<script nonce="Zml4ZWQtbm9uY2UtZm9yLXRlc3Q">/);

  const reportOnly = await enforce(new Response("{}", { headers: { "content-type": "application/json" } }), "strict", { mode: "report-only" });
  assert.ok(reportOnly.headers.get("content-security-policy-report-only"));
  assert.equal(reportOnly.headers.get("content-security-policy"), null);

  const noContent = await enforce(new Response(null, { status: 204 }));
  assert.equal(noContent.status, 204);

  await assertRejects(enforce("not a response"), "ARGUMENT_INVALID");
  await assertRejects(enforce(new Response("x"), "no-such-preset"), "POLICY_INVALID");
  await assertRejects(enforce(new Response("x"), undefined, { mode: "loud" }), "OPTION_INVALID");
});
