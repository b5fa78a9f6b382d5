// The worker of workerd.smoke.mjs: it imports the installed package the way a Workers
// project does (wrangler picks the "workerd" export, which imports the .wasm as modules).
import { check, checkCsp, enforce, auditSecret, VERSION } from "headwarden";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/enforce") {
      const origin = new Response("<!doctype html><p>hi</p><script>go()</script>", {
        headers: { "content-type": "text/html", server: "Werkzeug/3.1.3 Python/3.11.7" },
      });
      return enforce(origin, "balanced", { url: "https://app.example/" });
    }
    const report = check("HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.3 Python/3.11.7\r\nContent-Type: text/html\r\n\r\n");
    const fromResponse = check(new Response("", { headers: { "content-type": "text/html" } }));
    const found = await auditSecret("eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE", ["x", "dev"], { builtin: false });
    let errorCode = null;
    try {
      check("");
    } catch (e) {
      errorCode = e.code;
    }
    return Response.json({
      version: VERSION,
      grade: report.worst_grade,
      rules: Object.keys(report.rules).length,
      fromResponse: fromResponse.exchanges[0].findings.length,
      csp: checkCsp("script-src 'unsafe-inline'").findings.map((f) => f.rule),
      secret: found && found.secret,
      errorCode,
    });
  },
};
