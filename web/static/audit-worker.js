// Work kept off the page's main thread. The page creates this worker at load and sends
// it the compiled wasm module. Two jobs:
// - the wordlist audit: each run tries the user's wordlist against a signed cookie in
//   small steps, reporting progress and noticing "cancel" between steps;
// - large inputs (web/src/offload.rs): "check" parses and grades the whole input and
//   keeps it, answering with a summary of every response and the selected one as a
//   one-entry HAR; "exchange" asks for another response of it. Each answer carries the
//   page's id for the input, so the page drops answers about an older one.
import { initSync, Auditor, BackgroundCheck, permalink } from "./headwarden_web.js";

const STEP = 512; // candidates per call into wasm
const SLICE_MS = 40; // work between progress messages (and chances to cancel)

let cancelled = false;
let running = false;

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
const describe = (e) => String(e && e.message ? e.message : e);

// The large input last checked: { id, check, input, scheme }.
let checked = null;
// The newest "check" not started yet: inputs typed while a check runs replace each other.
let nextCheck = null;

function exchange(id, index) {
  const har = checked.check.exchange(index);
  return { id, index, har: har ?? "", findings: checked.check.inputFindings(index) };
}

function runCheck() {
  const msg = nextCheck;
  nextCheck = null;
  if (!msg) return;
  if (checked) {
    checked.check.free();
    checked = null;
  }
  const id = msg.id;
  try {
    const check = new BackgroundCheck(String(msg.input), String(msg.scheme));
    checked = { id, check, input: msg.input, scheme: msg.scheme };
    let index = msg.index >>> 0;
    let har = check.exchange(index);
    if (har === undefined) {
      index = 0; // fewer responses than the page's selection
      har = check.exchange(index);
    }
    self.postMessage({ type: "checked", id, index, summary: check.summary(), har: har ?? "", findings: check.inputFindings(index) });
  } catch (e) {
    self.postMessage({ type: "check-failed", id, message: describe(e) });
    return;
  }
  // The policy suggestion and the permalink (deflating megabytes) come after the report,
  // and after any message already waiting.
  setTimeout(() => {
    if (!checked || checked.id !== id || nextCheck) return;
    try {
      const policy = checked.check.policy();
      const fragment = permalink(String(checked.input), String(checked.scheme)) ?? null;
      checked.input = null;
      self.postMessage({ type: "extras", id, policy, fragment });
    } catch (e) {
      self.postMessage({ type: "extras", id, policy: null, fragment: null });
    }
  }, 0);
}

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
    case "check":
      nextCheck = msg;
      setTimeout(runCheck, 0);
      break;
    case "exchange":
      if (checked && checked.id === msg.id) {
        try {
          self.postMessage({ type: "exchange", ...exchange(msg.id, msg.index >>> 0) });
        } catch (e) {
          self.postMessage({ type: "check-failed", id: msg.id, message: describe(e) });
        }
      }
      break;
  }
};
