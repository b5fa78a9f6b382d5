// Browsers, bundlers and other runtimes with fetch: the wasm is fetched next to this file
// (bundlers that understand `new URL(..., import.meta.url)` copy it) and instantiated with
// top-level await, so the exports are ready when the import resolves.
import init from "./wasm/headwarden.js";
import { setPlatform } from "./lib/api.mjs";

await init({ module_or_path: new URL("./wasm/headwarden_bg.wasm", import.meta.url) });
setPlatform({
  loadRewrite: async () => {
    const rewrite = await import("./wasm/headwarden_rewrite.js");
    await rewrite.default({ module_or_path: new URL("./wasm/headwarden_rewrite_bg.wasm", import.meta.url) });
    return rewrite;
  },
});

export { check, checkCsp, enforce, decodeFlaskSession, auditSecret, rules, presets, HeadwardenError, VERSION } from "./lib/api.mjs";
