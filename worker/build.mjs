// Builds the worker into build/: worker-build (profile wasm-release: opt-level z, LTO, panic
// abort) with the local tools, then one wasm-opt -Oz pass that also drops the names section
// (worker-build's own pass keeps it; its pass is off in Cargo.toml). Nothing is downloaded:
// wasm-bindgen comes from cargo's bin directory, wasm-opt and esbuild from ../tools
// (`cargo xtask setup` installs all three).
//
//   node build.mjs            (what `wrangler dev` runs, see wrangler.toml)
//
// With HEADWARDEN_WORKER_PREBUILT set and build/ present it does nothing: `cargo xtask`
// builds once, then starts several `wrangler dev` from the same output.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
const shim = path.join(here, "build", "worker", "shim.mjs");
const wasm = path.join(here, "build", "index_bg.wasm");

if (process.env.HEADWARDEN_WORKER_PREBUILT && fs.existsSync(shim) && fs.existsSync(wasm)) {
  console.log("headwarden worker: prebuilt (HEADWARDEN_WORKER_PREBUILT), not rebuilding");
  process.exit(0);
}

const cargoBin = path.join(process.env.CARGO_HOME ?? path.join(os.homedir(), ".cargo"), "bin");
const toolsBin = path.resolve(here, "..", "tools", "node_modules", ".bin");
const env = {
  ...process.env,
  WASM_BINDGEN_BIN: process.env.WASM_BINDGEN_BIN ?? path.join(cargoBin, "wasm-bindgen"),
  WASM_OPT_BIN: process.env.WASM_OPT_BIN ?? path.join(toolsBin, "wasm-opt"),
  ESBUILD_BIN: process.env.ESBUILD_BIN ?? path.join(toolsBin, "esbuild"),
  PATH: [toolsBin, cargoBin, process.env.PATH].join(path.delimiter),
};
for (const tool of ["WASM_BINDGEN_BIN", "WASM_OPT_BIN", "ESBUILD_BIN"]) {
  if (!fs.existsSync(env[tool])) {
    console.error(`headwarden worker: ${tool}=${env[tool]} does not exist; run \`cargo xtask setup\``);
    process.exit(1);
  }
}

const run = (cmd, args) => execFileSync(cmd, args, { cwd: here, env, stdio: "inherit" });
try {
  run("worker-build", ["--profile", "wasm-release"]);
  // The features worker-build enables (what workerd supports), so wasm-opt emits nothing newer.
  const features = ["mutable-globals", "sign-ext", "nontrapping-float-to-int", "bulk-memory", "multivalue", "reference-types", "exception-handling"];
  run(env.WASM_OPT_BIN, ["-Oz", "--strip-debug", ...features.map((f) => `--enable-${f}`), wasm, "-o", wasm]);
} catch (e) {
  console.error(`headwarden worker: build failed (${e.message})`);
  process.exit(1);
}
const bytes = fs.readFileSync(wasm);
const gz = zlib.gzipSync(bytes, { level: 9 }).length;
console.log(`headwarden worker: build/index_bg.wasm ${bytes.length} bytes, ${gz} gzipped`);
