// Fault injection for the edge worker under workerd: a deliberately faulty origin (a raw
// `net` server on 127.0.0.1, one path per fault) behind the real worker under
// `wrangler dev --local-protocol https`, with a short ORIGIN_TIMEOUT_MS. Each fault gets the
// answer DESIGN "Worker" asks for (502 unreachable, 504 slow, origin 5xx through enforce,
// ON_ERROR for our own errors, mid-body faults abort the stream) within a time bound and one
// log line; then a bounded mixed load of good and faulty requests ends with no unexpected
// status and nothing stuck.
//
//   node --test tests/e2e/worker-faults.test.mjs        (cargo xtask test worker-e2e runs it)
//
// Needs the worker built (worker/build/) and worker/node_modules. Every server is on a free
// 127.0.0.1 port and stopped at the end, failed or not.
import assert from "node:assert/strict";
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { after, before, test } from "node:test";

import { execFileSync } from "node:child_process";

import {
  CLI,
  ROOT,
  WORKER_BUILT,
  WRANGLER,
  freePort,
  headerValues,
  logLines,
  saveLogs,
  sleep,
  startWrangler,
  stopAll,
  waitFor,
} from "./worker-harness.mjs";

const TIMEOUT_MS = 1000; // ORIGIN_TIMEOUT_MS of the workers under test
// Every answer (head and body, or the abort) comes within the timeout plus this slack.
const SLACK_MS = 4000;
// Past the worker's limits: the HTML 5xx it inspects (8 MiB) and the memory workerd's
// HTMLRewriter may use to buffer a tag (a 9 MiB start tag exceeds it).
const OVER_LIMIT = 9 * 1024 * 1024;
const LOAD_REQUESTS = Number(process.env.FAULT_LOAD_REQUESTS ?? 500);
const LOAD_CONCURRENCY = 8;
// What the faulty origin declares as the Content-Length of a body it then breaks off.
const DECLARED = 100000;

// Markup where nonce rewriting can go wrong, for the worker-vs-CLI comparison: CSP <meta>s
// in odd case and spacing (and a report-only one, which stays), scripts with and without
// nonces, script-like text in comments, raw text and foreign content, non-ASCII text.
const PARITY_PAGE = `<!doctype html><html><head>
<meta http-equiv=" Content-Security-Policy " content="script-src 'none'">
<META HTTP-EQUIV="content-security-policy" content="default-src 'none'">
<meta http-equiv="Content-Security-Policy-Report-Only" content="script-src 'none'">
<meta charset=utf-8><style>p{color:red}</style><style nonce="old">b{}</style>
</head><body>
<SCRIPT src=/a.js></SCRIPT><script nonce=old-nonce>1</script><script type="module" nonce="">2</script>
<!-- <script>in a comment</script> --><textarea><script>not a tag</script></textarea>
<svg><script>svg</script></svg><script>if (a<b) document.write("<script>x<\/script>")</script>
<p a = 1>é ü 日本 <b>bold</p><script
 async
>split</script>
</body></html>
`;

const PAGE = '<!doctype html><html><head><title>ok</title></head><body><h1>ok</h1><script>console.log("hi")</script></body></html>\n';

/** A raw HTTP/1.1 response head. */
function head(status, reason, headers) {
  let text = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [n, v] of headers) text += `${n}: ${v}\r\n`;
  return text + "Connection: close\r\n\r\n";
}

const sockets = new Set();

/** What the faulty origin does for each first path segment. */
const FAULTS = {
  ok: (s) => s.end(head(200, "OK", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", Buffer.byteLength(PAGE)]]) + PAGE),
  parity: (s) => s.end(head(200, "OK", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", Buffer.byteLength(PARITY_PAGE)]]) + PARITY_PAGE),
  json: (s) => s.end(head(200, "OK", [["Content-Type", "application/json"], ["Content-Length", 12]]) + '{"ok": true}'),
  // Connection reset before any response.
  reset: (s) => s.resetAndDestroy(),
  // Closed before any response.
  close: (s) => s.end(),
  // Not HTTP: a header line without a colon, and a status line that is not one.
  malformed: (s) => s.end("HTTP/1.1 200 OK\r\nthis is not a header line\r\n\r\nhello"),
  garbage: (s) => s.end("SSH-2.0-OpenSSH_9.2\r\n\r\n"),
  // A 1 MiB header value.
  "huge-headers": (s) => s.end(head(200, "OK", [["Content-Type", "text/plain"], ["X-Huge", "a".repeat(1 << 20)], ["Content-Length", 2]]) + "ok"),
  // Accepts, never answers.
  stall: () => {},
  // The head and part of the body, then nothing (HTML: through the rewriter; JSON: passed on).
  "stall-body": (s) => s.write(head(200, "OK", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", DECLARED]]) + PAGE),
  "stall-body-json": (s) => s.write(head(200, "OK", [["Content-Type", "application/json"], ["Content-Length", DECLARED]]) + '{"a": "' + "x".repeat(1000)),
  // The head and part of the body, then the connection closes.
  "close-body": (s) => s.end(head(200, "OK", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", DECLARED]]) + PAGE),
  // An origin error page: a response like any other.
  "5xx": (s) => {
    const body = "<!doctype html><title>Service Unavailable</title><h1>Service Unavailable</h1>\n";
    s.end(head(503, "Service Unavailable", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", Buffer.byteLength(body)], ["Retry-After", "5"]]) + body);
  },
  // An HTML 5xx is read whole to look for a debugger page before its head goes out, so a
  // fault in its body is the origin's error: it stalls (504) or breaks off (502).
  "stall-5xx-body": (s) => s.write(head(500, "Internal Server Error", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", DECLARED]]) + PAGE),
  "close-5xx-body": (s) => s.end(head(500, "Internal Server Error", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", DECLARED]]) + PAGE),
  // An HTML 5xx too long to inspect for a debugger page: our own error (ON_ERROR).
  "big-5xx": (s) => {
    s.write(head(500, "Internal Server Error", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", OVER_LIMIT]]));
    s.end(Buffer.alloc(OVER_LIMIT, "a"));
  },
  // A start tag longer than HTMLRewriter may buffer: fails mid-body.
  "huge-tag": (s) => {
    const start = '<!doctype html><p>before</p><script data-x="';
    const len = start.length + OVER_LIMIT + 11;
    s.write(head(200, "OK", [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", len]]) + start);
    s.end(Buffer.concat([Buffer.alloc(OVER_LIMIT, "a"), Buffer.from('"></script>')]));
  },
};

/**
 * What the client must get for each fault (`aborted`: a head, then a broken body). The
 * worker errors the stream; under `wrangler dev` the client then sees the body end early
 * (wrangler's proxy hop ends the response instead of resetting the connection), so a
 * broken body is one that is incomplete or shorter than what the origin declared.
 */
const EXPECT = {
  ok: { status: 200 },
  json: { status: 200 },
  reset: { status: 502 },
  close: { status: 502 },
  malformed: { status: 502 },
  garbage: { status: 502 },
  "huge-headers": { status: 502 },
  stall: { status: 504 },
  "stall-body": { status: 200, aborted: true },
  "stall-body-json": { status: 200, aborted: true },
  "close-body": { status: 200, aborted: true },
  "5xx": { status: 503 },
  "stall-5xx-body": { status: 504 },
  "close-5xx-body": { status: 502 },
};

function startFaultyOrigin(port) {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let seen = "";
    const onData = (d) => {
      seen += d.toString("latin1");
      if (!seen.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      const target = seen.split(" ")[1] ?? "/";
      const kind = target.split("/")[1] ?? "";
      (FAULTS[kind] ?? FAULTS.ok)(socket);
    };
    socket.on("data", onData);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

/**
 * One GET over a new connection; never rejects. Resolves to { status, headers, rawHeaders,
 * body, complete (the whole body came), error, ms, stuck (no end in `timeoutMs`) }.
 */
function get(url, timeoutMs = TIMEOUT_MS + SLACK_MS + 5000) {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const done = (v) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, ...v });
    };
    const req = https.request(url, { agent: false, rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", () => {});
      res.on("close", () =>
        done({
          status: res.statusCode,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
          complete: res.complete,
        }),
      );
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ stuck: true });
    }, timeoutMs);
    req.on("error", (e) => done({ error: e.message }));
    req.end();
  });
}

const truncated = (res, declared = DECLARED) => res.complete === false || (res.body?.length ?? 0) < declared;

/** The body is what `kind` expects: broken off for the mid-body faults, whole otherwise. */
const bodyAsExpected = (kind, res) => (EXPECT[kind].aborted ? truncated(res) : res.complete === true);

/** Asserts `res` is what `kind` expects, in time. */
function assertAnswer(kind, res, where = kind) {
  const want = EXPECT[kind];
  assert.ok(!res.stuck, `${where}: no answer within the bound`);
  assert.equal(res.error, undefined, `${where}: ${res.error}`);
  assert.equal(res.status, want.status, `${where}: status ${res.status}, body ${res.body?.toString().slice(0, 200)}`);
  assert.ok(bodyAsExpected(kind, res), `${where}: complete=${res.complete}, ${res.body.length} bytes`);
  assert.ok(res.ms < TIMEOUT_MS + SLACK_MS, `${where}: took ${res.ms.toFixed(0)} ms`);
}

/** Exactly one log line for `reqPath` (the worker writes it once the body has ended). */
async function oneLogLine(worker, reqPath) {
  const line = await waitFor(`the log line of ${reqPath}`, () => logLines(worker).find((l) => l.path === reqPath), 10000);
  await sleep(200);
  const lines = logLines(worker).filter((l) => l.path === reqPath);
  assert.equal(lines.length, 1, `${reqPath}: ${lines.length} log lines: ${JSON.stringify(lines)}`);
  return line;
}

const s = {};
let origin;
let seq = 0;
const uniq = (kind) => `/${kind}/${++seq}`;

before(async () => {
  for (const [file, hint] of [
    [WRANGLER, "run `cd worker && npm ci` (or `cargo xtask setup`)"],
    [WORKER_BUILT, "build the worker: `cargo xtask worker-build`"],
  ]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${hint}`);
  }
  const originPort = await freePort();
  origin = await startFaultyOrigin(originPort);
  const vars = { ORIGIN_URL: `http://127.0.0.1:${originPort}`, ORIGIN_TIMEOUT_MS: String(TIMEOUT_MS), POLICY: "balanced" };
  [s.open, s.closed] = await Promise.all([
    startWrangler({ name: "wrangler-faults-open", port: await freePort(), vars: { ...vars, ON_ERROR: "fail-open" } }),
    startWrangler({ name: "wrangler-faults-closed", port: await freePort(), vars: { ...vars, ON_ERROR: "fail-closed" } }),
  ]);
});

after(async () => {
  await stopAll();
  saveLogs(path.join(ROOT, "target", "e2e-logs", "worker-faults"));
  for (const socket of sockets) socket.destroy();
  await new Promise((r) => (origin ? origin.close(r) : r()));
});

for (const kind of Object.keys(EXPECT)) {
  test(`origin fault "${kind}": ${EXPECT[kind].status}${EXPECT[kind].aborted ? ", body aborted" : ""}, in time, one log line`, async () => {
    const p = uniq(kind);
    const res = await get(`${s.open.url}${p}`);
    assertAnswer(kind, res);
    const line = await oneLogLine(s.open, p);
    assert.equal(line.status, EXPECT[kind].status);
    const outcome = {
      ok: "proxied",
      json: "proxied",
      "5xx": "proxied",
      stall: "origin-timeout",
      "stall-5xx-body": "origin-timeout",
      "stall-body": "body-aborted",
      "stall-body-json": "body-aborted",
      "close-body": "body-aborted",
    }[kind] ?? "origin-error";
    assert.equal(line.outcome, outcome, JSON.stringify(line));
    if (EXPECT[kind].aborted) {
      assert.equal(line.body, "aborted");
      assert.ok(line.error, "the fault is named");
    }
    if (kind === "ok") {
      assert.equal(line.body, "complete");
      assert.match(res.body.toString(), /<script nonce="/);
      assert.deepEqual(line.rewritten, { scripts: 1, styles: 0, meta_csp_removed: 0 });
    }
    if (kind !== "5xx" && res.status >= 502 && res.status <= 504) {
      assert.equal(res.headers["content-type"], "application/json");
      assert.equal(JSON.parse(res.body.toString()).status, res.status);
    }
    if (kind === "stall" || kind === "stall-5xx-body") assert.ok(res.ms >= TIMEOUT_MS * 0.9, `504 after ${res.ms} ms, before the timeout`);
  });
}

test("an origin 5xx goes through enforce (the policy's headers, the origin's status and body)", async () => {
  const res = await get(`${s.open.url}${uniq("5xx")}`);
  assert.equal(res.status, 503);
  assert.match(res.body.toString(), /Service Unavailable/);
  assert.equal(headerValues(res, "retry-after")[0], "5");
  assert.match(headerValues(res, "strict-transport-security")[0] ?? "", /max-age=\d+/);
  assert.equal(headerValues(res, "x-content-type-options")[0], "nosniff");
  assert.equal(headerValues(res, "content-security-policy").length, 1);
});

test("our own error before the head: fail-open passes the origin response untouched, fail-closed answers 502", async () => {
  const pOpen = uniq("big-5xx");
  const open = await get(`${s.open.url}${pOpen}`, 60000);
  assert.equal(open.status, 500);
  assert.ok(open.complete, "the whole body");
  assert.equal(open.body.length, OVER_LIMIT);
  assert.equal(headerValues(open, "content-security-policy").length, 0, "untouched: no policy headers");
  assert.equal(headerValues(open, "strict-transport-security").length, 0, "untouched: no policy headers");
  const openLine = await oneLogLine(s.open, pOpen);
  assert.equal(openLine.outcome, "fail-open");
  assert.match(openLine.error, /over \d+ bytes/);

  const pClosed = uniq("big-5xx");
  const closed = await get(`${s.closed.url}${pClosed}`, 60000);
  assert.equal(closed.status, 502);
  assert.ok(closed.body.length < 1024, "not the origin's body");
  const closedLine = await oneLogLine(s.closed, pClosed);
  assert.equal(closedLine.outcome, "fail-closed");
  assert.match(closedLine.error, /over \d+ bytes/);
});

test("HTMLRewriter's memory limit mid-body aborts the stream, whatever ON_ERROR says", async () => {
  for (const w of [s.open, s.closed]) {
    const p = uniq("huge-tag");
    const res = await get(`${w.url}${p}`, 60000);
    assert.ok(!res.stuck && !res.error, JSON.stringify({ stuck: res.stuck, error: res.error }));
    assert.equal(res.status, 200);
    assert.ok(truncated(res, OVER_LIMIT), "the client sees a broken body");
    assert.match(res.body.toString(), /^<!doctype html><p>before<\/p>/, "what came before the tag");
    const line = await oneLogLine(w, p);
    assert.equal(line.outcome, "body-aborted");
    assert.equal(line.body, "aborted");
    // workerd's own message (lol_html's MemoryLimitExceededError).
    assert.match(line.error, /HTML rewriter: .*memory limit has been exceeded/i);
    assert.deepEqual(line.rewritten, { scripts: 0, styles: 0, meta_csp_removed: 0 }, "the tag never completed");
  }
});

test("the worker's HTMLRewriter and the CLI's enforce (core's lol_html) rewrite a page alike", async () => {
  const p = uniq("parity");
  const res = await get(`${s.open.url}${p}`);
  assertAnswer("ok", res, p);
  const nonce = headerValues(res, "content-security-policy")[0]?.match(/'nonce-([A-Za-z0-9+/=]+)'/)?.[1];
  assert.ok(nonce, "a nonce in the CSP");
  const FIXED = "AAAAAAAAAAAAAAAAAAAAAA==";
  const worker = res.body.toString().split(nonce).join(FIXED);
  const raw = `HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${PARITY_PAGE}`;
  const out = execFileSync(CLI, ["enforce", "--policy", "balanced", "--nonce", FIXED, "-"], { input: raw }).toString();
  const cli = out.slice(out.search(/\r?\n\r?\n/)).replace(/^\r?\n\r?\n/, "");
  assert.equal(worker, cli);
  assert.notEqual(cli, PARITY_PAGE, "the page was rewritten at all");
  // The log line counts what the rewriter did: every nonce the CLI put on a <script>, the
  // two CSP <meta>s.
  const line = await oneLogLine(s.open, p);
  const given = (cli.match(new RegExp(`<script\\b[^>]*nonce="${FIXED}"`, "gi")) ?? []).length;
  assert.ok(given >= 4, `${given} scripts with the nonce`);
  assert.deepEqual(line.rewritten, { scripts: given, styles: 0, meta_csp_removed: 2 });
  assert.doesNotMatch(cli, /http-equiv=" Content-Security-Policy "|HTTP-EQUIV="content-security-policy"/);
  assert.match(cli, /Content-Security-Policy-Report-Only/);
});

test(`bounded mixed load: ${LOAD_REQUESTS} requests, concurrency ${LOAD_CONCURRENCY}, no unexpected status, none stuck, one log line each`, async () => {
  const kinds = Object.keys(EXPECT);
  // Mostly good requests, every fault among them.
  const plan = Array.from({ length: LOAD_REQUESTS }, (_, i) => (i % 2 === 0 ? (i % 4 === 0 ? "ok" : "json") : kinds[(i >> 1) % kinds.length]));
  const results = new Array(plan.length);
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < plan.length) {
      const i = next++;
      const p = `/${plan[i]}/load/${i}`;
      results[i] = { kind: plan[i], path: p, res: await get(`${s.open.url}${p}`) };
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, lane));
  const seconds = (performance.now() - started) / 1000;

  const stuck = results.filter((r) => r.res.stuck);
  const wrong = results.filter((r) => !r.res.stuck && (r.res.status !== EXPECT[r.kind].status || !bodyAsExpected(r.kind, r.res)));
  const unexpected5xx = wrong.filter((r) => r.res.status >= 500 || r.res.error);
  const slow = results.filter((r) => !r.res.stuck && r.res.ms >= TIMEOUT_MS + SLACK_MS);
  const counts = {};
  for (const r of results) {
    const key = `${r.kind} ${r.res.stuck ? "stuck" : (r.res.status ?? r.res.error)}${EXPECT[r.kind].aborted && truncated(r.res) ? " broken" : ""}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  console.log(`mixed load: ${plan.length} requests in ${seconds.toFixed(1)} s; ${JSON.stringify(counts)}`);
  const show = (list) => JSON.stringify(list.slice(0, 5).map((r) => ({ path: r.path, status: r.res.status, error: r.res.error, complete: r.res.complete, ms: Math.round(r.res.ms) })));
  assert.equal(stuck.length, 0, `stuck: ${show(stuck)}`);
  assert.equal(unexpected5xx.length, 0, `unexpected 5xx: ${show(unexpected5xx)}`);
  assert.equal(wrong.length, 0, `unexpected answers: ${show(wrong)}`);
  assert.equal(slow.length, 0, `over the time bound: ${show(slow)}`);

  // One log line per request.
  const paths = new Set(results.map((r) => r.path));
  const logged = () => logLines(s.open).filter((l) => paths.has(l.path));
  await waitFor(`${paths.size} log lines`, () => logged().length >= paths.size, 20000);
  await sleep(300);
  const perPath = new Map();
  for (const l of logged()) perPath.set(l.path, (perPath.get(l.path) ?? 0) + 1);
  const notOne = [...paths].filter((p) => perPath.get(p) !== 1);
  assert.deepEqual(notOne.slice(0, 5), [], `paths without exactly one log line (${notOne.length})`);
  for (const l of logged()) {
    const kind = l.path.split("/")[1];
    assert.equal(l.status, EXPECT[kind].status, JSON.stringify(l));
  }
});
