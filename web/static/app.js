// Loaded by the inline bootstrap in index.html as a non-parser-inserted module script
// (allowed by 'strict-dynamic'). Compiles the wasm once, hands the same module to the
// worker (the wordlist audit and the check of large inputs; created now, at page load, so
// the page makes no request later), then mounts the app.
import init, { start } from "./headwarden_web.js";

const WORKER_URL = "./audit-worker.js";
const policy = self.trustedTypes
  ? self.trustedTypes.createPolicy("headwarden-worker", {
      createScriptURL(url) {
        if (url === WORKER_URL) return url;
        throw new TypeError(`unexpected worker script ${url}`);
      },
    })
  : null;

let worker = null;
try {
  worker = new Worker(policy ? policy.createScriptURL(WORKER_URL) : WORKER_URL, { type: "module" });
} catch (e) {
  worker = null; // The app says the audit is unavailable.
}

// The rules' docs (left out of the wasm to keep it small), fetched while the wasm compiles.
const ruleDocs = fetch(new URL("./rules.json", import.meta.url)).then((r) =>
  r.ok ? r.text() : Promise.reject(new Error(`rules.json: HTTP ${r.status}`)),
);
ruleDocs.catch(() => {}); // The app shows the failure where the docs would be.

const root = document.getElementById("app");
try {
  const module = await WebAssembly.compileStreaming(fetch(new URL("./headwarden_web_bg.wasm", import.meta.url)));
  await init({ module_or_path: module });
  if (worker) worker.postMessage({ type: "init", module });
  root.textContent = "";
  start(root, worker, ruleDocs);
} catch (e) {
  root.textContent = `The checker could not start in this browser: ${e && e.message ? e.message : e}`;
  root.className = "load-error";
}
