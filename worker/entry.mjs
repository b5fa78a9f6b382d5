// The Worker's entry point: the Rust worker (built by worker-build into build/worker/),
// wrapped so that nothing escapes as an uncaught exception. The Rust code answers every
// error it can see itself (ON_ERROR); what reaches this catch is a trap (a panic aborts the
// wasm instance, which the shim then re-creates). The origin's response is gone by then,
// so the answer is a 502 whatever ON_ERROR says, and a JSON log line.
import { WorkerEntrypoint } from "cloudflare:workers";
import Headwarden from "./build/worker/shim.mjs";

export default class extends WorkerEntrypoint {
  async fetch(request) {
    try {
      return await new Headwarden(this.ctx, this.env).fetch(request);
    } catch (e) {
      console.error(
        JSON.stringify({
          headwarden: "entry",
          outcome: "trap",
          method: request.method,
          path: new URL(request.url).pathname,
          status: 502,
          error: String((e && e.stack) || e).slice(0, 2000),
        }),
      );
      return new Response('{"error":"internal","status":502}\n', {
        status: 502,
        headers: {
          "Content-Type": "application/json",
          "Cache-Control": "no-store",
          "X-Content-Type-Options": "nosniff",
        },
      });
    }
  }
}
