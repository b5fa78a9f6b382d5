// CommonJS: `require("headwarden")` resolves to node.cjs (esbuild bundle, initSync).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const hw = require("headwarden");

test("require() gives the same API, ready at once", () => {
  for (const name of ["check", "checkCsp", "enforce", "decodeFlaskSession", "auditSecret", "rules", "presets"]) {
    assert.equal(typeof hw[name], "function", name);
  }
  assert.equal(typeof hw.VERSION, "string");
  const r = hw.check("HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.3 Python/3.11.7\r\n\r\n");
  assert.equal(r.worst_grade, "F");
  assert.ok(r.rules["flask-dev-server"]);
  assert.ok(hw.checkCsp("script-src 'unsafe-inline'").findings.length > 0);
});

test("errors carry a code in CommonJS too", () => {
  assert.throws(() => hw.check(""), (e) => e instanceof hw.HeadwardenError && e.code === "INPUT_EMPTY");
  assert.throws(() => hw.check(1), (e) => e.code === "ARGUMENT_INVALID");
});

test("enforce loads the rewriting wasm from CommonJS", async () => {
  const res = await hw.enforce(
    new Response("<script>1</script>", { headers: { "content-type": "text/html" } }),
    "balanced",
  );
  const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy"))[1];
  assert.equal(await res.text(), `<script nonce="${nonce}">1</script>`);
});

test("auditSecret in CommonJS", async () => {
  const found = await hw.auditSecret("eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE", ["x", "dev"], { builtin: false });
  assert.equal(found.secret, "dev");
  assert.equal(found.index, 1);
});

test("the ESM and CommonJS builds agree", async () => {
  const esm = await import("headwarden");
  const input = { status: 200, url: "https://a.example/", headers: [["content-security-policy", "script-src 'self'"]] };
  assert.deepEqual(hw.check(input), esm.check(input));
  assert.equal(hw.VERSION, esm.VERSION);
});
