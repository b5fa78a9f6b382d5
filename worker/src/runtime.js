// The per-request glue that is cheaper in JavaScript than through wasm-bindgen: header
// lists in one string each way (one crossing instead of two per header), and the watch on
// a streamed body (one JS read per chunk; through Rust, every chunk cost a future, a
// promise and several crossings). src/edge.rs binds these; the policy stays in Rust.

/** Every header as `name:value\n` lines (names lowercase, each Set-Cookie on its own line). */
export function headerLines(headers) {
  let out = "";
  for (const [name, value] of headers) {
    if (name !== "set-cookie") out += name + ":" + value + "\n";
  }
  for (const cookie of headers.getSetCookie()) out += "set-cookie:" + cookie + "\n";
  return out;
}

/** `Headers` from `name:value\n` lines (a value may hold `:`, never a newline). */
export function headersFrom(lines) {
  const headers = new Headers();
  let start = 0;
  while (start < lines.length) {
    let end = lines.indexOf("\n", start);
    if (end < 0) end = lines.length;
    const colon = lines.indexOf(":", start);
    if (colon > start && colon < end) headers.append(lines.slice(start, colon), lines.slice(colon + 1, end));
    start = end + 1;
  }
  return headers;
}

class Stalled extends Error {}

/**
 * `input` on its way to the client, watched: no chunk for `idleMs` (counted from when the
 * client asks for one), or a read error (the origin broke off, or the rewriter stopped),
 * errors the stream (the client sees an aborted response) and aborts `controller` (the
 * origin fetch); a client that goes away cancels it. Returns the stream and a promise of
 * how the body ended: `{ how: "complete" | "aborted" | "cancelled", error? }`.
 *
 * One timer per idle period, not per chunk: it is armed on the first wait, and when it
 * fires early (chunks came meanwhile) it is armed again for what is left.
 */
export function guardBody(input, idleMs, what, controller) {
  const reader = input.getReader();
  let settle;
  const ended = new Promise((resolve) => (settle = resolve));
  let open = true;
  let timer = null;
  let waitStarted = 0;
  let stall = null; // rejects the current wait
  const onTimer = () => {
    timer = null;
    if (!stall) return; // nobody waiting: armed again on the next wait
    const left = idleMs - (Date.now() - waitStarted);
    if (left > 0) timer = setTimeout(onTimer, left);
    else stall(new Stalled());
  };
  const finish = (how, error) => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (open) {
      open = false;
      settle(error === undefined ? { how } : { how, error });
    }
  };
  const stream = new ReadableStream(
    {
      async pull(ctrl) {
        waitStarted = Date.now();
        const stalled = new Promise((_, reject) => (stall = reject));
        if (timer === null) timer = setTimeout(onTimer, idleMs);
        try {
          const { value, done } = await Promise.race([reader.read(), stalled]);
          stall = null;
          if (done) {
            finish("complete");
            ctrl.close();
          } else {
            ctrl.enqueue(value);
          }
        } catch (e) {
          stall = null;
          const error =
            e instanceof Stalled
              ? `the origin body stalled: nothing for ${idleMs} ms`
              : `${what}: ${(e && e.message) || e}`;
          controller.abort();
          finish("aborted", error);
          // `stalled` tells a reader in Rust (the HTML 5xx read, src/edge.rs) a 504 from a 502.
          ctrl.error(Object.assign(new Error(error), { stalled: e instanceof Stalled }));
          reader.cancel().catch(() => {});
        }
      },
      cancel(reason) {
        controller.abort();
        finish("cancelled");
        return reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, ended };
}
