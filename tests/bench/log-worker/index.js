// The pass-through Worker plus the one thing issue #7 requires of every request that costs
// the most under `wrangler dev`: a JSON log line (`console.log`), built per request with the
// fields and size of the headwarden worker's line for GET / (≈ 1.5 KB). Nothing else: the
// response is the origin's, as it is.
import { logLine } from "../log-line.js";

const CHANGES = [
  { action: "remove-header", header: "Server", before: ["gunicorn"] },
  { action: "set-header", header: "Strict-Transport-Security", after: "max-age=31536000; includeSubDomains" },
  {
    action: "set-header",
    header: "Content-Security-Policy",
    after:
      "default-src 'self'; script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA==' 'strict-dynamic'; style-src 'self' https: 'unsafe-inline'; " +
      "img-src 'self' data: https:; font-src 'self' https: data:; object-src 'none'; base-uri 'none'; " +
      "frame-ancestors 'self'; form-action 'self'; report-uri /__headwarden/csp-report",
  },
  { action: "set-header", header: "X-Frame-Options", after: "SAMEORIGIN" },
  { action: "set-header", header: "X-Content-Type-Options", after: "nosniff" },
  { action: "set-header", header: "Referrer-Policy", after: "strict-origin-when-cross-origin" },
  { action: "set-header", header: "Permissions-Policy", after: "camera=(), microphone=(), geolocation=()" },
  { action: "set-header", header: "Cross-Origin-Opener-Policy", after: "same-origin" },
  { action: "set-header", header: "Cache-Control", after: "no-store" },
  {
    action: "harden-cookie",
    header: "Set-Cookie",
    cookie: "session",
    before: ["session=…; HttpOnly; Path=/"],
    after: "session=…; HttpOnly; Path=/; Secure; SameSite=Lax",
  },
];

export default {
  async fetch(request, env, ctx) {
    const started = Date.now();
    const url = new URL(request.url);
    const response = await fetch(new Request(env.ORIGIN_URL + url.pathname + url.search, request));
    ctx.waitUntil(
      Promise.resolve().then(() =>
        logLine({ who: "log-only", request, url, status: response.status, started, changes: CHANGES, scripts: 1, body: "complete" }),
      ),
    );
    return response;
  },
};
