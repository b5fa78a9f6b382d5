// The wordlist audit, off the main thread. The page creates this worker at load and
// sends it the compiled wasm module; each run tries the user's wordlist against a signed
// cookie in small steps, reporting progress and noticing "cancel" between steps.
import { initSync, Auditor } from "./headwarden_web.js";

const STEP = 512; // candidates per call into wasm
const SLICE_MS = 40; // work between progress messages (and chances to cancel)

let cancelled = false;
let running = false;

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

async function run(cookie, wordlist) {
  let auditor;
  try {
    auditor = new Auditor(cookie, new Uint8Array(wordlist));
  } catch (e) {
    self.postMessage({ type: "error", message: String(e && e.message ? e.message : e) });
    return;
  }
  running = true;
  cancelled = false;
  const started = performance.now();
  try {
    let done = false;
    while (!done && !cancelled) {
      const slice = performance.now();
      while (!done && performance.now() - slice < SLICE_MS) done = auditor.step(STEP);
      const seconds = (performance.now() - started) / 1000;
      const tried = auditor.tried();
      self.postMessage({ type: "progress", tried, fraction: auditor.fraction(), rate: seconds > 0 ? tried / seconds : 0 });
      if (!done) await pause(); // lets a "cancel" message in
    }
    const seconds = (performance.now() - started) / 1000;
    self.postMessage({
      type: "done",
      cancelled: cancelled && !done,
      found: auditor.found() ?? null,
      tried: auditor.tried(),
      seconds,
    });
  } finally {
    auditor.free();
    running = false;
  }
}

self.onmessage = (event) => {
  const msg = event.data || {};
  switch (msg.type) {
    case "init":
      try {
        initSync({ module: msg.module });
        self.postMessage({ type: "ready" });
      } catch (e) {
        self.postMessage({ type: "error", message: `the worker could not start: ${e && e.message ? e.message : e}` });
      }
      break;
    case "run":
      if (running) {
        self.postMessage({ type: "error", message: "an audit is already running" });
      } else {
        run(String(msg.cookie || ""), msg.wordlist);
      }
      break;
    case "cancel":
      cancelled = true;
      break;
  }
};
