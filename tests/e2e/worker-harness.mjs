// Helpers shared by the worker's end-to-end test and its benchmark: child processes in their
// own process groups (killed by group, also when the test fails or is interrupted), free
// ports, waiting, raw HTTP(S) requests, and the servers involved (gunicorn, the Werkzeug
// dev server, `wrangler dev`).
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const WORKER_DIR = path.join(ROOT, "worker");
export const WRANGLER = path.join(WORKER_DIR, "node_modules", ".bin", "wrangler");
export const VENV = process.env.HEADWARDEN_PYVENV ?? path.join(ROOT, "target", "pyvenv");
export const CLI = process.env.HEADWARDEN_CLI ?? path.join(ROOT, "target", "debug", "headwarden");
export const FLASK_DIR = path.join(ROOT, "tests", "apps", "flask_app");
export const WORKER_BUILT = path.join(WORKER_DIR, "build", "worker", "shim.mjs");

const children = new Set();
const KEPT_OUTPUT = 8 << 20;

function killGroup(proc, signal) {
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    // already gone
  }
}

// Last resort: whatever is still running when node exits is killed with its group.
process.on("exit", () => {
  for (const p of children) killGroup(p, "SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.once(sig, () => {
    for (const p of children) killGroup(p, "SIGKILL");
    process.exit(130);
  });
}

/** Starts `cmd` in its own process group; output is kept (the last 8 MiB: the tests read the audit lines from it). */
export function start(name, cmd, args, options = {}) {
  const child = spawn(cmd, args, {
    ...options,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Chunks, joined when read: cutting one 8 MiB string per chunk (a log line per request)
  // cost the load generator more CPU than the Worker it measured.
  let chunks = [];
  let kept = 0;
  const proc = {
    name,
    child,
    exited: false,
    exitCode: null,
    get output() {
      if (chunks.length > 1) chunks = [chunks.join("")];
      return chunks[0] ?? "";
    },
  };
  const keep = (d) => {
    const text = d.toString();
    chunks.push(text);
    kept += text.length;
    while (chunks.length > 1 && kept - chunks[0].length >= KEPT_OUTPUT) kept -= chunks.shift().length;
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("exit", (code, signal) => {
    proc.exited = true;
    proc.exitCode = code ?? signal;
    children.delete(proc);
  });
  child.on("error", (e) => {
    proc.exited = true;
    keep(`\n[spawn error] ${e.message}\n`);
    children.delete(proc);
  });
  children.add(proc);
  startedProcs.push(proc);
  return proc;
}

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader has exited. */
export async function stop(proc, graceMs = 5000) {
  if (!proc || proc.exited) return;
  const gone = new Promise((resolve) => proc.child.once("exit", resolve));
  killGroup(proc, "SIGTERM");
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs, "timeout"));
  if ((await Promise.race([gone, timer])) === "timeout") {
    killGroup(proc, "SIGKILL");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
  }
  // Children that outlived the leader (gunicorn workers, workerd) go with the group.
  killGroup(proc, "SIGKILL");
  if (proc.tmp) fs.rmSync(proc.tmp, { recursive: true, force: true });
}

export async function stopAll() {
  await Promise.all([...children].map((p) => stop(p)));
}

const startedProcs = [];

/** Writes every started process's output to `dir/<name>.log` (for a failed run). */
export function saveLogs(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const p of startedProcs) fs.writeFileSync(path.join(dir, `${p.name}.log`), p.output);
  return dir;
}

/** A TCP port nothing listens on (127.0.0.1). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value; fails after `timeoutMs`. */
export async function waitFor(what, probe, timeoutMs, proc) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (proc?.exited) {
      throw new Error(`${proc.name} exited (${proc.exitCode}) before ${what}:\n${proc.output.slice(-4000)}`);
    }
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  const tail = proc ? `\n${proc.name} output:\n${proc.output.slice(-4000)}` : "";
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last.message})` : ""}${tail}`);
}

const agentOptions = { rejectUnauthorized: false }; // wrangler's self-signed certificate

// What wrangler dev's proxy answers (503) to a non-GET request that was in flight while its
// runtime restarted (a file-watcher reload): not the worker's answer, so sent again.
const WRANGLER_RESTARTED = "Your worker restarted mid-request";

/**
 * One request over a new connection, nothing followed or decoded.
 * Resolves to { status, statusMessage, rawHeaders, headers, body: Buffer, ms }.
 * A 503 from wrangler's proxy saying the runtime restarted mid-request is retried.
 */
export async function request(url, options = {}) {
  for (let attempt = 1; ; attempt++) {
    const res = await requestOnce(url, options);
    const restarted = res.status === 503 && res.body.toString().startsWith(WRANGLER_RESTARTED);
    if (!restarted || attempt === 3) return res;
  }
}

function requestOnce(url, { method = "GET", headers = {}, body, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : http;
    const started = performance.now();
    const req = mod.request(
      u,
      { method, headers, agent: false, timeout: timeoutMs, ...agentOptions },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode,
            statusMessage: res.statusMessage,
            rawHeaders: res.rawHeaders,
            headers: res.headers,
            body: Buffer.concat(chunks),
            ms: performance.now() - started,
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Keep-alive agents for load tests. */
export function keepAliveAgent(protocol, maxSockets) {
  const mod = protocol === "https:" ? https : http;
  return new mod.Agent({ keepAlive: true, maxSockets, ...agentOptions });
}

/** The response in `curl -i` form (what the headwarden CLI reads). */
export function curlForm(res) {
  let text = `HTTP/1.1 ${res.status} ${res.statusMessage ?? ""}`.trimEnd() + "\r\n";
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    text += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  }
  return Buffer.concat([Buffer.from(text + "\r\n"), res.body]);
}

/** Every value of header `name` (case-insensitive), in order. */
export function headerValues(res, name) {
  const out = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    if (res.rawHeaders[i].toLowerCase() === name.toLowerCase()) out.push(res.rawHeaders[i + 1]);
  }
  return out;
}

export function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** gunicorn serving the sample app on 127.0.0.1. */
export async function startGunicorn({ port, workers = 2, secretKey, app = "app:app" }) {
  const proc = start(
    "gunicorn",
    path.join(VENV, "bin", "gunicorn"),
    ["--workers", String(workers), "--bind", `127.0.0.1:${port}`, "--chdir", FLASK_DIR, app],
    { env: { ...process.env, SECRET_KEY: secretKey ?? "dev" } },
  );
  await waitFor(`gunicorn on ${port}`, () => request(`http://127.0.0.1:${port}/api/data`), 30000, proc);
  return proc;
}

/** The Werkzeug development server with the debugger on. */
export async function startWerkzeugDebug({ port, secretKey }) {
  const proc = start(
    "flask-debug",
    path.join(VENV, "bin", "flask"),
    ["--app", "app", "run", "--debug", "--no-reload", "--host", "127.0.0.1", "--port", String(port)],
    { cwd: FLASK_DIR, env: { ...process.env, SECRET_KEY: secretKey ?? "dev", FLASK_DEBUG: "1" } },
  );
  await waitFor(`flask --debug on ${port}`, () => request(`http://127.0.0.1:${port}/api/data`), 30000, proc);
  return proc;
}

function toolEnv(extra) {
  const cargoBin = path.join(process.env.CARGO_HOME ?? path.join(os.homedir(), ".cargo"), "bin");
  const toolsBin = path.join(ROOT, "tools", "node_modules", ".bin");
  return {
    ...process.env,
    PATH: [toolsBin, cargoBin, process.env.PATH].join(path.delimiter),
    WRANGLER_SEND_METRICS: "false",
    CI: "true",
    FORCE_COLOR: "0",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * `wrangler dev` on 127.0.0.1:`port` in `dir` (default worker/), with `--var`s. HTTPS by
 * default (`--local-protocol https`, self-signed). With `prebuilt`, the worker's build
 * command is skipped (build/ must exist). Resolves once it answers `probePath`.
 */
export async function startWrangler({
  name = "wrangler",
  dir = WORKER_DIR,
  port,
  vars = {},
  https: useHttps = true,
  prebuilt = true,
  probePath = "/__headwarden/csp-report",
  timeoutMs = 180000,
  extraArgs = [],
  customBuild = true,
}) {
  const inspector = await freePort();
  const persist = tmpDir("headwarden-wrangler-");
  const args = [
    "dev",
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--inspector-port", String(inspector),
    "--local-protocol", useHttps ? "https" : "http",
    "--persist-to", persist,
    "--show-interactive-dev-session=false",
    ...extraArgs,
  ];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const proc = start(name, WRANGLER, args, {
    cwd: dir,
    env: toolEnv(prebuilt ? { HEADWARDEN_WORKER_PREBUILT: "1" } : {}),
  });
  proc.tmp = persist;
  proc.inspectorPort = inspector; // wrangler's inspector proxy (CPU profiles: Profiler.*)
  const scheme = useHttps ? "https" : "http";
  proc.url = `${scheme}://127.0.0.1:${port}`;
  // With a custom build, wrangler runs it a second time once its file watcher is ready, and
  // then reloads the server: requests made during that reload fail (503) or stall. Ready
  // means: both builds ran and the last (re)start has finished.
  const settled = () => {
    if (!customBuild) return true;
    const out = proc.output;
    if ((out.match(/\[custom build\] Running/g) ?? []).length < 2) return false;
    const restart = Math.max(out.lastIndexOf("Starting local server"), out.lastIndexOf("Reloading local server"));
    const readyAt = Math.max(out.lastIndexOf("Ready on"), out.lastIndexOf("updated and ready"));
    return readyAt > restart;
  };
  await waitFor(
    `${name} on ${port}`,
    async () => settled() && (await request(proc.url + probePath, { timeoutMs: 10000 })),
    timeoutMs,
    proc,
  );
  return proc;
}

/** JSON lines a worker logged (its stdout), parsed; other lines skipped. */
export function logLines(proc) {
  const out = [];
  for (const line of proc.output.split("\n")) {
    const i = line.indexOf("{");
    if (i < 0) continue;
    try {
      const v = JSON.parse(line.slice(i));
      if (v && typeof v === "object" && "headwarden" in v) out.push(v);
    } catch {
      // not a log line
    }
  }
  return out;
}
