// Types of the npm package `headwarden` (hand-kept; `cargo xtask test` compiles example
// code against this file with `tsc --noEmit --strict`). The report types follow the output
// contract of DESIGN.md and schemas/report.schema.json.

/** The package version. */
export declare const VERSION: string;

/** Stable error codes (`err.code`). */
export type ErrorCode =
  | "ARGUMENT_INVALID"
  | "OPTION_INVALID"
  | "INPUT_EMPTY"
  | "INPUT_TOO_LARGE"
  | "INPUT_INVALID"
  | "POLICY_INVALID"
  | "SESSION_INVALID"
  | "BODY_USED"
  | "BODY_UNREADABLE"
  | "ABORTED"
  | "REWRITER_UNAVAILABLE"
  | "REWRITE_FAILED"
  | "INTERNAL";

/** Every error the package throws. Test `err.code` (also across ESM and CommonJS copies). */
export declare class HeadwardenError extends Error {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown });
  readonly name: "HeadwardenError";
  readonly code: ErrorCode;
}

export type Severity = "critical" | "high" | "medium" | "low" | "info";
export type Grade = "A+" | "A" | "B" | "C" | "D" | "F";
export type InputFormat = "raw" | "curl-verbose" | "devtools" | "har" | "json";
export type Scheme = "https" | "http" | "assumed-https";

export type Evidence =
  | { header: string; value: string; line?: number }
  | { body: string }
  | { exchanges: number[] };

export interface Finding {
  /** Stable rule id, e.g. "csp-missing". */
  rule: string;
  severity: Severity;
  title: string;
  detail: string;
  directive?: string;
  source?: string;
  cookie?: string;
  evidence?: Evidence;
  /** A fix that depends on this finding; the rule's general fixes are in `Report.rules`. */
  fix?: string;
}

export interface RuleDoc {
  readonly title: string;
  readonly severity: Severity;
  /** Markdown: what it does, why it is bad, example, fix, references. */
  readonly docs: string;
  readonly fixes: { readonly flask?: string; readonly policy?: string; readonly nginx?: string };
}

export type Verdict = "ok" | "ignored" | "info" | "low" | "medium" | "high" | "critical" | "invalid";

/** One Content-Security-Policy, parsed. */
export interface PolicyView {
  disposition: "enforce" | "report";
  source: "header" | "meta";
  header: string;
  text: string;
  applied: boolean;
  directives: Array<{
    name: string;
    kind?: string;
    state: string;
    deprecated?: boolean;
    verdict: Verdict;
    rules?: string[];
    sources: Array<{ text: string; kind: string; verdict: Verdict; note?: string }>;
  }>;
  effective: Array<{ directive: string; from: string | null; sources: string[] }>;
  /** The policy's nonce + 'strict-dynamic' equivalent, once per policy, when a finding suggests it. */
  suggested?: { header: string; talisman: string };
}

/** One Set-Cookie, parsed, with the ids of the rules that fired for it. */
export interface CookieView {
  name: string;
  class: string;
  attributes: {
    secure: boolean;
    http_only: boolean;
    same_site?: string;
    same_site_valid?: boolean;
    domain?: string;
    path?: string;
    max_age?: number;
    expires?: string;
    expires_at?: string;
    lifetime_seconds?: number;
    [key: string]: unknown;
  };
  deleted?: boolean;
  verdicts: string[];
  problems?: string[];
}

export type SessionKind = "flask" | "flask-remember" | "express" | "opaque";

/** A session cookie: what it reveals and whether a weak secret signed it. */
export interface SessionView {
  cookie: string;
  kind: SessionKind;
  source: "set-cookie" | "cookie";
  payload?: unknown;
  signed_at?: string;
  size: number;
  compressed?: boolean;
  sensitive_keys?: string[];
  audited?: boolean;
  secret?: string;
  secret_origin?: string;
  error?: string;
}

export interface ExchangeReport {
  url: string | null;
  method: string | null;
  status: number | null;
  scheme: Scheme;
  grade: Grade;
  score: number;
  findings: Finding[];
  /** Rule ids that were evaluated and held. */
  passed: string[];
  csp?: PolicyView[];
  cookies?: CookieView[];
  sessions?: SessionView[];
}

/** What check() returns: the same document as `headwarden check --format json`. */
export interface Report {
  schema_version: 1;
  tool: { name: "headwarden"; version: string };
  worst_grade: Grade;
  input_format: InputFormat;
  exchanges: ExchangeReport[];
  notes?: string[];
  /** Docs and fixes, once, for each rule id in the findings (frozen, shared between reports). */
  rules: { readonly [ruleId: string]: RuleDoc };
}

/** A policy: a preset name ("strict", "balanced", "flask-talisman"), TOML or JSON text, or an object with the same keys. */
export type PolicyInput = string | Record<string, unknown>;

export interface CheckOptions {
  /** What to grade against. Default: the "balanced" preset. */
  policy?: PolicyInput;
  /** The scheme the response was served over; overrides the URL's. Bare headers are graded as HTTPS. */
  scheme?: "http" | "https";
  /** Run the built-in weak-secret audit of session cookies (default true). */
  secretAudit?: boolean;
  /** Rule ids not to run. */
  ignore?: string[];
  /** Force the input format of a string or bytes input (detected by default). */
  format?: InputFormat;
  /** The URL of the first request, when the input does not tell it. */
  url?: string;
  /** For a Response: also read (a copy of) the body; check() then returns a Promise. */
  body?: boolean;
}

/** A header list as a plain object: name → value(s), or [name, value] pairs. */
export type HeaderRecord = Record<string, string | number | Array<string | number>>;
export type HeaderPairs = Array<[string, string]>;

/** The plain-object input: a header record, or a response with a status, URL, headers and body. */
export type ResponseObject =
  | HeaderRecord
  | {
      status?: number;
      url?: string;
      method?: string;
      reason?: string;
      headers: HeaderRecord | HeaderPairs | Array<{ name: string; value: string }> | Headers;
      body?: string | Uint8Array | ArrayBuffer;
    };

/** Anything check() reads. Strings and bytes may be raw headers, curl -i / -v output, DevTools copies, HAR or JSON. */
export type CheckInput = string | Uint8Array | ArrayBuffer | Headers | Response | ResponseObject | ResponseObject[];

/** Grades a response. Synchronous, except for a Response with `{ body: true }`. */
export declare function check(input: Response, options: CheckOptions & { body: true }): Promise<Report>;
export declare function check(input: CheckInput, options?: CheckOptions & { body?: false }): Report;
export declare function check(input: CheckInput, options?: CheckOptions): Report | Promise<Report>;

/** One Content-Security-Policy as written: what checkCsp returns without `{ view: true }`. */
export interface PolicySummary {
  disposition: "enforce" | "report";
  text: string;
  /** False when browsers drop the policy (no directive). */
  applied: boolean;
  /** In order, duplicates included; names lowercase, sources as written. */
  directives: Array<{ name: string; sources: string[]; omitted_sources?: number }>;
  omitted_directives?: number;
}

/** checkCsp(policy): the findings and each policy as written. */
export interface CspSummary {
  /** Worst first. */
  findings: Finding[];
  policies: PolicySummary[];
}

/** checkCsp(policy, { view: true }): the findings and the reports' per-policy view. */
export interface CspReport {
  /** Worst first. */
  findings: Finding[];
  policies: PolicyView[];
}

export interface CheckCspOptions {
  /** Return each policy as the reports' PolicyView (each source's verdict, the effective sources). Default false. */
  view?: boolean;
}

/** Evaluates one Content-Security-Policy header value (comma-separated policies allowed). */
export declare function checkCsp(policy: string, options: CheckCspOptions & { view: true }): CspReport;
export declare function checkCsp(policy: string, options?: CheckCspOptions & { view?: false }): CspSummary;
export declare function checkCsp(policy: string, options?: CheckCspOptions): CspSummary | CspReport;

/** A decoded session cookie (the report's SessionView plus the Flask details). */
export interface DecodedSession extends SessionView {
  /** Seconds since the Unix epoch when a Flask session was signed. */
  timestamp?: number;
  /** Bytes of JSON in a Flask payload (after decompression). */
  json_size?: number;
  /** True when the Flask payload used Flask's tagged JSON (tuples, bytes, dates…). */
  tagged?: boolean;
}

/**
 * Decodes a Flask session cookie: `value`, `name=value`, a `Cookie:` or `Set-Cookie:` line.
 * Flask-Login remember tokens and express-session ids are read too. The signature is not checked.
 */
export declare function decodeFlaskSession(cookie: string): DecodedSession;

export interface AuditProgress {
  /** Candidates tried so far. */
  tried: number;
  /** How many there are, when the iterable tells (an array, a Set). */
  total: number | undefined;
  /** Candidates per second. */
  rate: number;
}

export interface AuditOptions {
  /** Called after each chunk. */
  onProgress?: (progress: AuditProgress) => void;
  /** Stops the audit between chunks (rejects with code "ABORTED"). */
  signal?: AbortSignal;
  /** Try the built-in list of weak secrets first (default true). */
  builtin?: boolean;
  /** Candidates per chunk between two yields to the event loop (default 2000). */
  chunkSize?: number;
}

export interface FoundSecret {
  /** The secret as given (a candidate) or as text (a built-in one; bytes when not UTF-8). */
  secret: string | Uint8Array;
  /** The secret for display (a Python bytes literal for non-text keys). */
  display: string;
  kind: "flask" | "flask-remember" | "express";
  source: "builtin" | "candidates";
  /** Its position in the built-in list or in `candidates`. */
  index: number;
  /** The group of the built-in list it comes from. */
  group?: string;
  /** Candidates tried, this one included. */
  tried: number;
  elapsedMs: number;
}

/**
 * Finds the secret that signed a Flask session, Flask-Login remember token or express-session
 * cookie, if it is a known weak one or among `candidates`. Yields to the event loop between chunks.
 * Resolves to null when none verifies.
 */
export declare function auditSecret(
  cookie: string,
  candidates?: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> | null,
  options?: AuditOptions,
): Promise<FoundSecret | null>;

export type ChangeAction =
  | "set-header"
  | "replace-header"
  | "remove-header"
  | "drop-header"
  | "sanitize-header"
  | "harden-cookie"
  | "rename-cookie"
  | "rewrite-body"
  | "replace-body"
  | "skip-body";

/** One change enforce() made (or, in report-only mode, would have made). */
export interface Change {
  action: ChangeAction;
  header?: string;
  cookie?: string;
  before?: string[];
  after?: string;
  reason: string;
  applied: boolean;
}

export interface EnforceOptions {
  /** "report-only": change nothing but add the policy's CSP as Content-Security-Policy-Report-Only. */
  mode?: "enforce" | "report-only";
  /** The CSP nonce to use (default: 18 random bytes, base64). */
  nonce?: string;
  /** The response's URL when `response.url` is empty (tells the scheme and path). */
  url?: string;
  /** Receives every change, once known (after the body for rewritten HTML). */
  onChanges?: (changes: Change[]) => void;
}

/**
 * A new Response that satisfies `policy` (default "balanced"): headers set and removed, cookies
 * hardened, a fresh CSP nonce in the header and on the HTML body's scripts (streamed), Werkzeug
 * debugger pages replaced by a generic 500.
 */
export declare function enforce(response: Response, policy?: PolicyInput, options?: EnforceOptions): Promise<Response>;

export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly family: string;
  readonly since: string;
  /** The first paragraph of the docs. */
  readonly summary: string;
  readonly docs: string;
  readonly fixes: { readonly flask?: string; readonly policy?: string; readonly nginx?: string };
}

/** Every rule (frozen). */
export declare function rules(): readonly RuleInfo[];

export interface Preset {
  readonly name: string;
  readonly description: string;
  /** The commented TOML (what `headwarden policy init` writes). */
  readonly toml: string;
  /** The policy as an object (usable as `options.policy`). */
  readonly policy: Readonly<Record<string, unknown>>;
}

/** The built-in policy presets (frozen). */
export declare function presets(): readonly Preset[];
