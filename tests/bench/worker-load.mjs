// Load benchmark of the edge worker: the sample Flask app under gunicorn, measured direct,
// through a minimal pass-through JavaScript Worker (tests/bench/passthrough-worker), and
// through the headwarden worker, all on 127.0.0.1, with the same bounded load: a warm-up,
// then REQUESTS requests of GET / (HTML: the nonce rewriter runs) at a fixed concurrency over
// keep-alive connections. Prints p50/p99 latency and requests/s of each, the ratios, the
// budget verdicts, and the gzipped upload size.
//
//   node tests/bench/worker-load.mjs      (cargo xtask bench runs it, from the repo root)
//
// It builds nothing: the worker must be built (cargo xtask worker-build, or a run of
// `wrangler dev` in worker/). Both Workers run under `wrangler dev --local-protocol https`.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import zlib from "node:zlib";

import {
  ROOT,
  VENV,
  WORKER_BUILT,
  WORKER_DIR,
  WRANGLER,
  freePort,
  keepAliveAgent,
  request,
  startGunicorn,
  startWrangler,
  stopAll,
} from "../e2e/worker-harness.mjs";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP = 200;
const PATH = process.env.BENCH_PATH ?? "/";
// Budgets (issue #7): ours adds at most 1 ms to the pass-through's p50 and keeps 80 % of its
// throughput; the gzipped upload is at most 500 KB.
const BUDGET_P50_MS = 1;
const BUDGET_THROUGHPUT = 0.8;
const BUDGET_UPLOAD_GZ = 500 * 1024;

for (const [file, hint] of [
  [WORKER_BUILT, "build the worker first: cargo xtask worker-build"],
  [WRANGLER, "cd worker && npm ci (or cargo xtask setup)"],
  [path.join(VENV, "bin", "gunicorn"), "cargo xtask setup (Python venv)"],
]) {
  if (!fs.existsSync(file)) {
    console.error(`worker-load: ${file} is missing: ${hint}`);
    process.exit(2);
  }
}

/** One keep-alive GET; resolves to its latency in ms (rejects on a non-2xx). */
function get(url, agent) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : http;
    const started = performance.now();
    const req = mod.request(u, { agent, rejectUnauthorized: false, timeout: 30000 }, (res) => {
      res.on("data", () => {});
      res.on("error", reject);
      res.on("end", () => {
        if (res.statusCode < 200 || res.statusCode > 299) reject(new Error(`${url}: ${res.statusCode}`));
        else resolve(performance.now() - started);
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${url}: timeout`)));
    req.on("error", reject);
    req.end();
  });
}

/** `count` requests with `CONCURRENCY` in flight; latencies and wall time. */
async function load(url, count) {
  const agent = keepAliveAgent(new URL(url).protocol, CONCURRENCY);
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      next++;
      latencies.push(await get(url, agent));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { p50: pick(0.5), p99: pick(0.99), rps: count / seconds };
}

function uploadSize() {
  const build = path.join(WORKER_DIR, "build");
  const files = [path.join(build, "index_bg.wasm"), path.join(build, "index.js"), path.join(build, "worker", "shim.mjs"), path.join(WORKER_DIR, "entry.mjs")];
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    raw += bytes.length;
    gz += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  const wasm = fs.readFileSync(files[0]);
  return { raw, gz, wasmRaw: wasm.length, wasmGz: zlib.gzipSync(wasm, { level: 9 }).length };
}

const fmt = (r) => `p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   ${r.rps.toFixed(0).padStart(6)} req/s`;

let failed = false;
try {
  const gunicornPort = await freePort();
  await startGunicorn({ port: gunicornPort, workers: 2, secretKey: "bench-" + process.pid });
  const origin = `http://127.0.0.1:${gunicornPort}`;
  const [passthrough, ours] = await Promise.all([
    startWrangler({
      name: "wrangler-passthrough",
      dir: path.join(ROOT, "tests", "bench", "passthrough-worker"),
      port: await freePort(),
      vars: { ORIGIN_URL: origin },
      customBuild: false,
      probePath: "/api/data",
    }),
    startWrangler({ name: "wrangler-headwarden", port: await freePort(), vars: { ORIGIN_URL: origin } }),
  ]);
  // Sanity: ours really rewrites what it serves.
  const page = await request(`${ours.url}${PATH}`);
  if (PATH === "/" && !/nonce="/.test(page.body.toString())) throw new Error("the headwarden worker did not add nonces");

  console.log(`worker-load: GET ${PATH}, ${REQUESTS} requests, concurrency ${CONCURRENCY}, keep-alive, 127.0.0.1 (warm-up ${WARMUP})`);
  const targets = [
    ["direct gunicorn", `${origin}${PATH}`],
    ["pass-through JS worker", `${passthrough.url}${PATH}`],
    ["headwarden worker", `${ours.url}${PATH}`],
  ];
  const results = {};
  for (const [name, url] of targets) {
    await load(url, WARMUP);
    results[name] = await load(url, REQUESTS);
    console.log(`${name.padEnd(24)} ${fmt(results[name])}`);
  }
  const base = results["pass-through JS worker"];
  const our = results["headwarden worker"];
  const direct = results["direct gunicorn"];
  const addedP50 = our.p50 - base.p50;
  const share = our.rps / base.rps;
  console.log(
    `ratios: pass-through/direct p50 ${(base.p50 / direct.p50).toFixed(2)}x, ours/pass-through p50 ${(our.p50 / base.p50).toFixed(2)}x, ` +
      `ours/direct p50 ${(our.p50 / direct.p50).toFixed(2)}x`,
  );
  const p50ok = addedP50 <= BUDGET_P50_MS;
  const rpsOk = share >= BUDGET_THROUGHPUT;
  console.log(`added p50 over the pass-through: ${addedP50.toFixed(2)} ms (budget <= ${BUDGET_P50_MS} ms): ${p50ok ? "ok" : "OVER"}`);
  console.log(`throughput vs the pass-through: ${(share * 100).toFixed(1)} % (budget >= ${BUDGET_THROUGHPUT * 100} %): ${rpsOk ? "ok" : "UNDER"}`);
} catch (e) {
  failed = true;
  console.error(`worker-load: ${e.stack ?? e}`);
} finally {
  await stopAll();
}
const size = uploadSize();
console.log(
  `upload: wasm ${size.wasmRaw} bytes (gzip ${(size.wasmGz / 1024).toFixed(1)} KiB); wasm + JS ${size.raw} bytes, ` +
    `gzip ${(size.gz / 1024).toFixed(1)} KiB (budget <= ${BUDGET_UPLOAD_GZ / 1024} KiB): ${size.gz <= BUDGET_UPLOAD_GZ ? "ok" : "OVER"}`,
);
process.exit(failed ? 1 : 0);
