// Example code compiled with `tsc --noEmit --strict` against the shipped index.d.ts (never
// run). It must type-check exactly as written in the package README.
import {
  check,
  checkCsp,
  enforce,
  decodeFlaskSession,
  auditSecret,
  rules,
  presets,
  HeadwardenError,
  VERSION,
  type Report,
  type Finding,
  type CspReport,
  type CspSummary,
  type FoundSecret,
  type Change,
  type CheckOptions,
} from "headwarden";

const version: string = VERSION;

// check: raw text, bytes, Headers, plain objects: synchronous.
const report: Report = check("HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.3\r\n\r\n");
const grade: "A+" | "A" | "B" | "C" | "D" | "F" = report.worst_grade;
for (const exchange of report.exchanges) {
  const status: number | null = exchange.status;
  for (const f of exchange.findings) {
    const finding: Finding = f;
    const doc = report.rules[f.rule];
    console.log(status, finding.severity, finding.detail, doc?.title, doc?.fixes.flask ?? "");
    if (f.evidence && "header" in f.evidence) console.log(f.evidence.header, f.evidence.line);
  }
}
check(new Uint8Array([1, 2, 3]));
check(new Headers({ "content-type": "text/html" }), { scheme: "http" });
check({ "Content-Security-Policy": "default-src 'self'", "Set-Cookie": ["a=1", "b=2"] });
check({ status: 302, url: "http://a.example/", headers: [["location", "https://a.example/"]] });
const options: CheckOptions = { policy: "strict", ignore: ["csp-reporting-missing"], secretAudit: false };
check("x", options);

// check: a Response is synchronous without { body: true }, a Promise with it.
async function fromFetch(res: Response): Promise<number> {
  const headersOnly: Report = check(res);
  const withBody: Report = await check(res, { body: true, policy: presets()[0].policy });
  return headersOnly.exchanges[0].score + withBody.exchanges[0].score;
}

const csp: CspReport = checkCsp("script-src 'self'", { view: true });
csp.findings.forEach((f) => f.directive?.toUpperCase());
csp.policies[0]?.directives.map((d) => d.sources.map((s) => s.verdict));
const summary: CspSummary = checkCsp("script-src 'self'");
summary.policies[0]?.directives.map((d) => d.sources.map((s) => s.toUpperCase()));
// @ts-expect-error: without { view: true } the sources are strings
checkCsp("script-src 'self'").policies[0]?.directives[0]?.sources[0]?.verdict;

const session = decodeFlaskSession("session=eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE");
const signedAt: string | undefined = session.signed_at;
const ts: number | undefined = session.timestamp;

async function audit(words: string[]): Promise<string> {
  const found: FoundSecret | null = await auditSecret("eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE", words, {
    onProgress: ({ tried, total, rate }) => console.log(tried, total ?? "?", rate.toFixed(0)),
    signal: AbortSignal.timeout(10_000),
  });
  return found ? found.display : "none";
}

async function proxy(request: Request): Promise<Response> {
  const upstream = await fetch(request);
  let log: Change[] = [];
  const res: Response = await enforce(upstream, "balanced", { onChanges: (c) => (log = c) });
  const other: Response = await enforce(upstream, { preset: "strict", hsts: { max_age: 63072000 } }, { mode: "report-only" });
  console.log(log.map((c) => `${c.action} ${c.header ?? ""}`), other.status);
  return res;
}

try {
  check("");
} catch (e) {
  if (e instanceof HeadwardenError && e.code === "INPUT_EMPTY") console.log(e.message);
}

for (const rule of rules()) console.log(rule.id, rule.severity, rule.summary);

// @ts-expect-error: checkCsp takes a string
checkCsp(42);
// @ts-expect-error: a Response with { body: true } gives a Promise, not a Report
const wrong: Report = check(new Response(""), { body: true });
// @ts-expect-error: the report is not writable where it is shared
report.rules["csp-missing"].title = "x";

export { version, grade, fromFetch, signedAt, ts, audit, proxy, wrong };
