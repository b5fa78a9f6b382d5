// Memory does not grow across many calls: the wasm linear memory (which never shrinks, so
// any leak shows as growth) and the JS heap after a full GC. HEADWARDEN_MEMORY_CALLS sets
// the number of check() calls (default 200,000; set 1000000 for the full run).

import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { check, checkCsp } from "headwarden";

const require = createRequire(import.meta.url);
// 1,000,000 calls took 311 s on the shared 2-core VM under load (3,210 checks/s, memory flat);
// the default keeps the test near a minute there.
const CALLS = Number(process.env.HEADWARDEN_MEMORY_CALLS ?? 200_000);
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");

// The wasm exports (memory) of the instance the package initialised: initSync returns them.
const glue = await import(pathToFileURL(path.join(path.dirname(require.resolve("headwarden/package.json")), "wasm/headwarden.js")).href);
const memory = glue.initSync().memory;

const INPUT = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: session=abc; Path=/\r\n\r\n";

test(`memory is flat across ${CALLS.toLocaleString("en-US")} check() calls`, { timeout: 30 * 60 * 1000 }, () => {
  for (let i = 0; i < 20_000; i++) check(INPUT); // reach the steady state (caches, allocator pools)
  gc();
  const wasmBefore = memory.buffer.byteLength;
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let findings = 0;
  for (let i = 0; i < CALLS; i++) findings += check(INPUT).exchanges[0].findings.length;
  const seconds = (performance.now() - t0) / 1000;
  gc();
  const wasmAfter = memory.buffer.byteLength;
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(
    `# ${CALLS} checks in ${seconds.toFixed(1)} s (${Math.round(CALLS / seconds)}/s); wasm memory ${wasmBefore} -> ${wasmAfter} B; JS heap ${(heapBefore / 1e6).toFixed(1)} -> ${(heapAfter / 1e6).toFixed(1)} MB`,
  );
  assert.equal(findings, CALLS * check(INPUT).exchanges[0].findings.length);
  assert.equal(wasmAfter, wasmBefore, "the wasm memory grew");
  assert.ok(heapAfter < heapBefore + 8e6, `the JS heap grew by ${heapAfter - heapBefore} B`);
});

test("memory is flat across checkCsp and error calls", () => {
  for (let i = 0; i < 5_000; i++) checkCsp("script-src 'self' https://www.google.com");
  const before = memory.buffer.byteLength;
  for (let i = 0; i < 100_000; i++) {
    checkCsp("script-src 'self' https://www.google.com");
    try {
      check("");
    } catch {}
  }
  assert.equal(memory.buffer.byteLength, before);
});
