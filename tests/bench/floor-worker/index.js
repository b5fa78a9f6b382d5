// The floor of the worker benchmark: only the work issue #7 requires on every proxied HTML
// response, with every decision hard-coded, so it costs what the platform charges for that
// work and nothing more. No policy engine (the balanced preset's headers are written out
// below), no request guards, no grading (the log line carries fixed grades), no config.
//
// Per request: forward with the headers copied natively; the response headers set, the
// `Server` header removed and each cookie given `Secure; SameSite=Lax`; a fresh 128-bit
// nonce in the CSP and on every <script> through workerd's HTMLRewriter; the body watched
// for stalls and faults by the worker's own guardBody (worker/src/runtime.js); one JSON log
// line of the same fields as the headwarden worker's, written once the body has ended.
//
// Whatever the real worker adds on top of this is the cost of deciding instead of knowing.
import { guardBody } from "../../../worker/src/runtime.js";
import { logLine } from "../log-line.js";

const HEADERS = [
  ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=()"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cache-Control", "no-store"],
];
const CSP_AFTER_NONCE =
  "' 'strict-dynamic'; style-src 'self' https: 'unsafe-inline'; img-src 'self' data: https:; " +
  "font-src 'self' https: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; " +
  "form-action 'self'; report-uri /__headwarden/csp-report";

export default {
  async fetch(request, env, ctx) {
    const started = Date.now();
    const url = new URL(request.url);
    const controller = new AbortController();
    const origin = await fetch(new Request(env.ORIGIN_URL + url.pathname + url.search, request), {
      redirect: "manual",
      signal: controller.signal,
    });
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    const nonce = btoa(String.fromCharCode(...bytes));

    const headers = new Headers(origin.headers);
    const changes = [];
    const server = headers.get("server");
    if (server !== null) {
      headers.delete("server");
      changes.push({ action: "remove-header", header: "Server", before: [server] });
    }
    const csp = "default-src 'self'; script-src 'nonce-" + nonce + CSP_AFTER_NONCE;
    for (const [name, value] of [HEADERS[0], ["Content-Security-Policy", csp], ...HEADERS.slice(1)]) {
      headers.set(name, value);
      changes.push({ action: "set-header", header: name, after: value });
    }
    const cookies = headers.getSetCookie();
    headers.delete("set-cookie");
    for (const cookie of cookies) {
      const hardened = cookie + "; Secure; SameSite=Lax";
      headers.append("Set-Cookie", hardened);
      const name = cookie.slice(0, cookie.indexOf("="));
      const redact = (c) => name + "=…" + (c.includes(";") ? c.slice(c.indexOf(";")) : "");
      changes.push({ action: "harden-cookie", header: "Set-Cookie", cookie: name, before: [redact(cookie)], after: redact(hardened) });
    }
    headers.delete("content-length");

    let scripts = 0;
    const rewritten = new HTMLRewriter()
      .on("script", {
        element(el) {
          if (el.getAttribute("nonce") !== nonce) {
            el.setAttribute("nonce", nonce);
            scripts++;
          }
        },
      })
      .transform(new Response(origin.body));
    const { stream, ended } = guardBody(rewritten.body, 10000, "origin body or HTML rewriter", controller);
    ctx.waitUntil(
      ended.then((end) =>
        logLine({ who: "floor", request, url, status: origin.status, started, changes, scripts, body: end.how }),
      ),
    );
    return new Response(stream, { status: origin.status, headers });
  },
};
