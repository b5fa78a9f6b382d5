// Node (ESM, Node >= 18, no bundler): the wasm is read from disk and compiled synchronously,
// so `import { check } from "headwarden"` is ready at once.
import { readFileSync } from "node:fs";
import { randomFillSync } from "node:crypto";
import { initSync } from "./wasm/headwarden.js";
import { setPlatform } from "./lib/api.mjs";

initSync({ module: readFileSync(new URL("./wasm/headwarden_bg.wasm", import.meta.url)) });
setPlatform({
  randomFill: (bytes) => randomFillSync(bytes),
  loadRewrite: async () => {
    const rewrite = await import("./wasm/headwarden_rewrite.js");
    rewrite.initSync({ module: readFileSync(new URL("./wasm/headwarden_rewrite_bg.wasm", import.meta.url)) });
    return rewrite;
  },
});

export { check, checkCsp, enforce, decodeFlaskSession, auditSecret, rules, presets, HeadwardenError, VERSION } from "./lib/api.mjs";
