// Cloudflare Workers (workerd, bundled by wrangler): .wasm files are imported as compiled
// WebAssembly.Module objects, which is the only way Workers run wasm (no runtime compile).
// The rewriting wasm is imported too but instantiated on the first enforce() only.
import { initSync } from "./wasm/headwarden.js";
import * as rewrite from "./wasm/headwarden_rewrite.js";
import mainModule from "./wasm/headwarden_bg.wasm";
import rewriteModule from "./wasm/headwarden_rewrite_bg.wasm";
import { setPlatform } from "./lib/api.mjs";

initSync({ module: mainModule });
setPlatform({
  loadRewrite: async () => {
    rewrite.initSync({ module: rewriteModule });
    return rewrite;
  },
});

export { check, checkCsp, enforce, decodeFlaskSession, auditSecret, rules, presets, HeadwardenError, VERSION } from "./lib/api.mjs";
