// Source of node.cjs (CommonJS, `require("headwarden")`): esbuild bundles this file, the
// API and the wasm-bindgen glue into one CommonJS file when the package is assembled.
// `__dirname` is then the package root.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomFillSync } from "node:crypto";
import { initSync } from "../wasm/headwarden.js";
import * as rewrite from "../wasm/headwarden_rewrite.js";
import { setPlatform } from "./api.mjs";

initSync({ module: readFileSync(join(__dirname, "wasm", "headwarden_bg.wasm")) });
setPlatform({
  randomFill: (bytes) => randomFillSync(bytes),
  loadRewrite: async () => {
    rewrite.initSync({ module: readFileSync(join(__dirname, "wasm", "headwarden_rewrite_bg.wasm")) });
    return rewrite;
  },
});

export { check, checkCsp, enforce, decodeFlaskSession, auditSecret, rules, presets, HeadwardenError, VERSION } from "./api.mjs";
