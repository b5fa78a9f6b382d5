#!/usr/bin/env node
// The npm package `headwarden` side by side with its JS peers, each pair in one Node
// process on the same inputs (`cargo xtask bench` runs `node tests/bench/npm-vs-peers.mjs`
// from the repository root):
//
//   1. checkCsp vs Google's CSP Evaluator 1.1.8 (npm csp_evaluator) over
//      ../shared/anchors/csp/corpus.txt, harness as anchors/csp/bench.mjs ("core" mode:
//      parse + evaluate, which returns findings only; ours: checkCsp(line), a plain JS
//      object of the findings + each policy as written, and for reference checkCsp(line,
//      { view: true }), which adds the per-policy view of the reports).
//   2. check vs the MDN HTTP Observatory 1.4.8 (npm @mdn/mdn-http-observatory, offline
//      scorer of anchors/observatory) on the anchor's 2,000 synthetic responses; ours:
//      check({url, status, headers, body}) returning the full report object.
//   Each pair also prints a ceiling: V8's JSON.parse building the same result objects from
//   their JSON text, no checking at all. No API that returns these objects can pass it, so
//   it bounds the ratio any implementation of the same output could reach here.
//   3. Sizes of the package's wasm files (gzip -9) and of lib/rules.mjs (the rules' docs,
//      left out of the wasm), the cold import + first check time in a fresh process, and
//      the mean report size (the JS<->wasm conversion grows with it).
//
// The package is taken from target/npm/headwarden (what `cargo xtask dist` assembles) or
// unpacked from target/dist/headwarden-<version>.tgz (HEADWARDEN_PKG=dir overrides); the
// peers from tools/node_modules.
// Usage: node tests/bench/npm-vs-peers.mjs [--quick] [--n 2000] [--runs 3]

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const QUICK = args.includes("--quick");
const N = Number(opt("n", QUICK ? 500 : 2000));
const RUNS = Number(opt("runs", 3));

// ---------------------------------------------------------------------------------------
// Locate the package and the peers.

function findPackage() {
  if (process.env.HEADWARDEN_PKG) return path.resolve(process.env.HEADWARDEN_PKG);
  const assembled = path.join(ROOT, "target/npm/headwarden");
  if (fs.existsSync(path.join(assembled, "package.json")) && fs.existsSync(path.join(assembled, "node.mjs"))) {
    return assembled;
  }
  const dist = path.join(ROOT, "target/dist");
  const tgz = fs.existsSync(dist) ? fs.readdirSync(dist).filter((f) => /^headwarden-.*\.tgz$/.test(f)).sort().pop() : null;
  if (!tgz) {
    console.error("npm-vs-peers: no package: run `cargo xtask dist` first (target/npm/headwarden or target/dist/headwarden-*.tgz)");
    process.exit(2);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "headwarden-bench-"));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  execFileSync("tar", ["-xzf", path.join(dist, tgz), "-C", dir]);
  return path.join(dir, "package");
}

const PKG = findPackage();
const toolsRequire = createRequire(path.join(ROOT, "tools/package.json"));
const toolsImport = (spec) => import(pathToFileURL(toolsRequire.resolve(spec)).href);

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString("en-US");
const line = (s = "") => console.log(s);

/** Rate (items/s) of `fn` over `items`: warm-up, then RUNS timed runs of >= minSeconds. */
function rate(items, fn, minSeconds = QUICK ? 0.5 : 1.5) {
  for (let i = 0; i < Math.min(items.length * 2, 2000); i++) fn(items[i % items.length]);
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    let secs = 0;
    do {
      for (const x of items) fn(x);
      n += items.length;
      secs = Number(process.hrtime.bigint() - t0) / 1e9;
    } while (secs < minSeconds);
    rates.push(n / secs);
  }
  return { median: median(rates), rates };
}

line(`headwarden npm package: ${PKG}`);
line(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);

// ---------------------------------------------------------------------------------------
// Cold import + first check, in a fresh process (what a CLI tool or a cold function pays).

function coldStart() {
  const script = `
    const t0 = performance.now();
    const m = await import(${JSON.stringify(pathToFileURL(path.join(PKG, "node.mjs")).href)});
    const t1 = performance.now();
    const r = m.check("HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\nServer: Werkzeug/3.1.3 Python/3.12.1\\r\\n\\r\\n");
    const t2 = performance.now();
    m.checkCsp("script-src 'self'");
    const t3 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, firstCheckMs: t2 - t1, firstCheckCspMs: t3 - t2, grade: r.worst_grade }));`;
  const runs = [];
  for (let i = 0; i < 5; i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })));
  }
  return {
    importMs: median(runs.map((r) => r.importMs)),
    firstCheckMs: median(runs.map((r) => r.firstCheckMs)),
    firstCheckCspMs: median(runs.map((r) => r.firstCheckCspMs)),
  };
}

const cold = coldStart();
const hw = await import(pathToFileURL(path.join(PKG, "node.mjs")).href);

line();
line("== package");
for (const f of fs.readdirSync(path.join(PKG, "wasm")).filter((f) => f.endsWith(".wasm")).sort()) {
  const bytes = fs.readFileSync(path.join(PKG, "wasm", f));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  const budget = f.includes("rewrite") ? 400 : 150;
  line(`${f.padEnd(30)} ${fmt(bytes.length).padStart(10)} B, gzip -9 ${fmt(gz).padStart(9)} B = ${(gz / 1024).toFixed(1)} KiB (budget ${budget} KiB${gz / 1024 <= budget ? "" : ", OVER"})`);
}
const rulesModule = path.join(PKG, "lib/rules.mjs");
if (fs.existsSync(rulesModule)) {
  const bytes = fs.readFileSync(rulesModule);
  line(`${"lib/rules.mjs (docs, not wasm)".padEnd(30)} ${fmt(bytes.length).padStart(10)} B, gzip -9 ${fmt(zlib.gzipSync(bytes, { level: 9 }).length).padStart(9)} B`);
}
line(`cold import (node.mjs, fresh process, median of 5): ${cold.importMs.toFixed(1)} ms; first check ${cold.firstCheckMs.toFixed(1)} ms; first checkCsp ${cold.firstCheckCspMs.toFixed(1)} ms`);

// ---------------------------------------------------------------------------------------
// 1. checkCsp vs csp_evaluator

const corpusFile = path.join(ROOT, "../shared/anchors/csp/corpus.txt");
let corpusText = fs.readFileSync(corpusFile, "utf8");
if (corpusText.endsWith("\n")) corpusText = corpusText.slice(0, -1);
const corpus = corpusText.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));

const { CspEvaluator } = await toolsImport("csp_evaluator/dist/evaluator.js");
const { CspParser } = await toolsImport("csp_evaluator/dist/parser.js");
let sink = 0;
const google = rate(corpus, (l) => {
  try {
    sink += new CspEvaluator(new CspParser(l).csp).evaluate().length;
  } catch {
    sink++;
  }
});
const ours = rate(corpus, (l) => {
  sink += hw.checkCsp(l).findings.length;
});
const oursView = rate(corpus, (l) => {
  sink += hw.checkCsp(l, { view: true }).findings.length;
});
line();
line(`== checkCsp vs csp_evaluator 1.1.8 (${corpus.length} policies of anchors/csp/corpus.txt; policies/s, median of ${RUNS} runs)`);
line(`csp_evaluator (parse + evaluate)        ${fmt(google.median).padStart(10)} /s   runs ${google.rates.map(fmt).join(", ")}`);
line(`headwarden checkCsp (JS object)         ${fmt(ours.median).padStart(10)} /s   runs ${ours.rates.map(fmt).join(", ")}`);
line(`ratio: ${(ours.median / google.median).toFixed(1)}x (budget >= 50x)`);
line(`headwarden checkCsp, { view: true }      ${fmt(oursView.median).padStart(10)} /s   runs ${oursView.rates.map(fmt).join(", ")}`);
// A ceiling no JS API returning these objects can pass: V8's own JSON.parse building the
// same result objects from their JSON text, with no checking at all.
const cspTexts = corpus.map((l) => JSON.stringify(hw.checkCsp(l)));
const cspParse = rate(cspTexts, (t) => {
  sink += JSON.parse(t).findings.length;
});
line(
  `ceiling: JSON.parse of the same results  ${fmt(cspParse.median).padStart(10)} /s   = ${(cspParse.median / google.median).toFixed(1)}x csp_evaluator ` +
    `(mean result ${fmt(cspTexts.reduce((s, t) => s + t.length, 0) / cspTexts.length)} B of JSON)`,
);

// ---------------------------------------------------------------------------------------
// 2. check vs the MDN HTTP Observatory 1.4.8

const harness = await import(pathToFileURL(path.join(ROOT, "tests/bench/observatory-harness.mjs")).href);
const inputs = harness.makeInputs(N, "mixed");
const asCheckInput = (x) => ({ url: x.url, status: x.status, headers: x.headers, body: x.body });
const ourInputs = inputs.map(asCheckInput);

const checkRate = rate(ourInputs, (x) => {
  sink += hw.check(x).exchanges[0].score;
});
const withoutRules = (r) => JSON.stringify({ ...r, rules: undefined });
const reportBytes = ourInputs.reduce((s, x) => s + withoutRules(hw.check(x)).length, 0) / ourInputs.length;
// Without the rules section: check() shares those objects from a cache, so building them
// is not part of its cost either.
const reportTexts = ourInputs.map((x) => withoutRules(hw.check(x)));
const reportParse = rate(reportTexts, (t) => {
  sink += JSON.parse(t).exchanges[0].score;
});

// The Observatory: the anchor's method (300 warm-up scorings, then one timed pass).
const WARMUP = QUICK ? 50 : 300;
for (let i = 0; i < WARMUP; i++) await harness.scoreInput(inputs[i % N]);
const t0 = process.hrtime.bigint();
for (const input of inputs) sink += (await harness.scoreInput(input)).score ?? 0;
const observatory = N / (Number(process.hrtime.bigint() - t0) / 1e9);

line();
line(`== check vs MDN HTTP Observatory 1.4.8 (${N} synthetic responses of anchors/observatory/bench.mjs, mean body ${Math.round(inputs.reduce((s, x) => s + x.body.length, 0) / N)} B; responses/s)`);
line(`Observatory 1.4.8 (scan via score.mjs)  ${fmt(observatory).padStart(10)} /s   (one pass after ${WARMUP} warm-up scorings)`);
line(`headwarden check(object) -> report      ${fmt(checkRate.median).padStart(10)} /s   runs ${checkRate.rates.map(fmt).join(", ")}`);
line(`ratio: ${(checkRate.median / observatory).toFixed(0)}x (budget >= 450x)`);
line(`mean report ${fmt(reportBytes)} B of JSON without the rules section (built in JS from the wasm's result tape)`);
line(
  `ceiling: JSON.parse of the same reports  ${fmt(reportParse.median).padStart(10)} /s   = ${(reportParse.median / observatory).toFixed(0)}x the Observatory ` +
    "(V8 building the same report objects, rules section aside, from JSON text, with no checking at all)",
);
line(`loadavg after: ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}${sink > 0 ? "" : " (sink empty)"}`);
