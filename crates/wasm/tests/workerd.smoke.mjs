// The package under workerd: `wrangler dev --local` runs workerd-worker.mjs, which imports
// the installed package (its "workerd" export). wrangler comes from the repository's
// worker/node_modules (pinned there by the worker's package.json); HEADWARDEN_WRANGLER may
// point at another wrangler binary. Skipped, with the reason, when there is none.

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawn } from "node:child_process";

const ROOT = process.env.HEADWARDEN_ROOT ?? path.resolve(process.cwd(), "../..");
const WRANGLER = process.env.HEADWARDEN_WRANGLER ?? path.join(ROOT, "worker/node_modules/.bin/wrangler");
const HERE = path.dirname(new URL(import.meta.url).pathname);

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitFor(url, deadline, log) {
  let last;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the worker did not answer at ${url}: ${last}\n--- wrangler output ---\n${log()}`);
}

test("the package works under workerd (wrangler dev --local)", { timeout: 180_000 }, async (t) => {
  if (!fs.existsSync(WRANGLER)) {
    return t.skip(`no wrangler at ${WRANGLER}: install the worker's pinned tools (cd worker && npm ci, or cargo xtask setup)`);
  }
  const config = path.join(HERE, "wrangler.smoke.toml");
  fs.writeFileSync(
    config,
    'name = "headwarden-npm-smoke"\nmain = "workerd-worker.mjs"\ncompatibility_date = "2025-01-01"\n',
  );
  const port = await freePort();
  let output = "";
  const child = spawn(WRANGLER, ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--config", config, "--show-interactive-dev-session=false"], {
    cwd: HERE,
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  try {
    const t0 = Date.now();
    const res = await waitFor(`http://127.0.0.1:${port}/`, Date.now() + 120_000, () => output);
    const out = await res.json();
    assert.equal(out.grade, "F");
    assert.ok(out.rules > 3);
    assert.ok(out.fromResponse > 0);
    assert.ok(out.csp.includes("csp-unsafe-inline"));
    assert.equal(out.secret, "dev");
    assert.equal(out.errorCode, "INPUT_EMPTY");
    const enforced = await fetch(`http://127.0.0.1:${port}/enforce`);
    const nonce = /'nonce-([^']+)'/.exec(enforced.headers.get("content-security-policy"))[1];
    assert.equal(enforced.headers.get("server"), null);
    assert.equal(await enforced.text(), `<!doctype html><p>hi</p><script nonce="${nonce}">go()</script>`);
    console.log(`# workerd: first answer after ${Date.now() - t0} ms (version ${out.version})`);
  } finally {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    fs.rmSync(config, { force: true });
  }
});
