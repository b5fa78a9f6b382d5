// The worker's JavaScript glue (worker/src/runtime.js) under Node's own web streams and
// Headers: header lists through one string each way, and the body watch (complete, stall,
// origin error, client cancel). The e2e tests run the same code under workerd.
//
//   node --test tests/e2e/worker-runtime.test.mjs
import assert from "node:assert/strict";
import test from "node:test";

import { guardBody, headerLines, headersFrom } from "../../worker/src/runtime.js";

const bytes = (s) => new TextEncoder().encode(s);

/** A stream that yields `chunks`, then ends, errors or hangs as `then` says. */
function source(chunks, then = "end") {
  let i = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (i < chunks.length) return ctrl.enqueue(bytes(chunks[i++]));
      if (then === "end") return ctrl.close();
      if (then === "error") return ctrl.error(new Error("connection reset"));
      return new Promise(() => {}); // hang
    },
  });
}

async function readAll(stream) {
  const reader = stream.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += new TextDecoder().decode(value);
  }
}

test("header lines: one string each way, Set-Cookie lines kept apart, values with colons", () => {
  const h = new Headers([
    ["Content-Type", "text/html; charset=utf-8"],
    ["Set-Cookie", "a=1; Path=/"],
    ["Set-Cookie", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT"],
    ["X-Time", "12:30:00"],
  ]);
  const lines = headerLines(h);
  assert.equal(
    lines,
    "content-type:text/html; charset=utf-8\nx-time:12:30:00\n" +
      "set-cookie:a=1; Path=/\nset-cookie:b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT\n",
  );
  const back = headersFrom(lines);
  assert.deepEqual(back.getSetCookie(), ["a=1; Path=/", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT"]);
  assert.equal(back.get("x-time"), "12:30:00");
  assert.equal(headersFrom("").get("x"), null);
  assert.throws(() => headersFrom("bad name:x\n"), TypeError, "an invalid name is an error, not skipped");
});

test("a body that ends is passed whole and ends complete", async () => {
  const controller = new AbortController();
  const { stream, ended } = guardBody(source(["<p>", "hello", "</p>"]), 1000, "origin body", controller);
  assert.equal(await readAll(stream), "<p>hello</p>");
  assert.deepEqual(await ended, { how: "complete" });
  assert.equal(controller.signal.aborted, false);
});

test("a body that stalls is aborted after the idle period, the origin fetch too", async () => {
  const controller = new AbortController();
  const started = Date.now();
  const { stream, ended } = guardBody(source(["first"], "hang"), 150, "origin body", controller);
  // `stalled` is how the worker's HTML 5xx read tells a 504 from a 502.
  await assert.rejects(readAll(stream), (e) => /stalled: nothing for 150 ms/.test(e.message) && e.stalled === true);
  const took = Date.now() - started;
  assert.ok(took >= 140 && took < 2000, `aborted after ${took} ms`);
  assert.deepEqual(await ended, { how: "aborted", error: "the origin body stalled: nothing for 150 ms" });
  assert.equal(controller.signal.aborted, true);
});

test("chunks slower than one idle period in total but never idle for one pass", async () => {
  let i = 0;
  const slow = new ReadableStream({
    async pull(ctrl) {
      await new Promise((r) => setTimeout(r, 60));
      if (i++ < 5) ctrl.enqueue(bytes("x"));
      else ctrl.close();
    },
  });
  const { stream, ended } = guardBody(slow, 150, "origin body", new AbortController());
  assert.equal(await readAll(stream), "xxxxx");
  assert.deepEqual(await ended, { how: "complete" });
});

test("an origin error mid-body errors the stream and is what the log gets", async () => {
  const controller = new AbortController();
  const { stream, ended } = guardBody(source(["part"], "error"), 1000, "origin body or HTML rewriter", controller);
  await assert.rejects(readAll(stream), (e) => /origin body or HTML rewriter: connection reset/.test(e.message) && e.stalled === false);
  assert.deepEqual(await ended, { how: "aborted", error: "origin body or HTML rewriter: connection reset" });
  assert.equal(controller.signal.aborted, true);
});

test("a client that goes away cancels the body and the origin fetch", async () => {
  const controller = new AbortController();
  const { stream, ended } = guardBody(source(["a", "b"], "hang"), 60000, "origin body", controller);
  const reader = stream.getReader();
  await reader.read();
  await reader.cancel("client gone");
  assert.deepEqual(await ended, { how: "cancelled" });
  assert.equal(controller.signal.aborted, true);
});
