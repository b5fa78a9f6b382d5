// The API of the `headwarden` package, shared by every entry (node.mjs, node.cjs,
// index.mjs, workerd.mjs). The entry initialises the wasm before anything here runs, and
// tells this module how to load the second wasm (HTML rewriting) with `setPlatform`.
//
// Arguments are checked here, before they reach the wasm: a wrong type is a
// HeadwardenError with code ARGUMENT_INVALID, never a trap inside the wasm.

import * as wasm from "../wasm/headwarden.js";
// Every rule's docs and fixes as JSON text (generated when the package is assembled): the
// wasm is built without them, to stay small. Parsed on first use.
import { RULES_JSON } from "./rules.mjs";

/** The package version (replaced when the package is assembled). */
export const VERSION = "__HEADWARDEN_VERSION__";

/** Every error this package throws: an Error with a stable `code`. */
export class HeadwardenError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = "HeadwardenError";
    this.code = code;
  }
}

function fail(code, message) {
  throw new HeadwardenError(code, message);
}

/** Turns what the wasm threw (an Error with `code`) into a HeadwardenError. */
function rethrow(e) {
  if (e instanceof HeadwardenError) throw e;
  if (e && typeof e.code === "string") throw new HeadwardenError(e.code, e.message);
  throw new HeadwardenError("INTERNAL", `headwarden failed: ${e && e.message ? e.message : e}`, { cause: e });
}

// ---------------------------------------------------------------------------------------
// Platform hooks (set by the entry file).

const platform = {
  /** Resolves to the initialised rewrite glue module (wasm/headwarden_rewrite.js). */
  loadRewrite: null,
  /** Fills a Uint8Array with random bytes. */
  randomFill: (bytes) => globalThis.crypto.getRandomValues(bytes),
};

/** @internal Used by the entry files only (not re-exported). */
export function setPlatform(hooks) {
  Object.assign(platform, hooks);
}

// ---------------------------------------------------------------------------------------
// Small type checks.

const isObject = (v) => typeof v === "object" && v !== null;
const isPlainObject = (v) => {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const isHeaders = (v) =>
  (typeof Headers === "function" && v instanceof Headers) ||
  (isObject(v) && typeof v.get === "function" && typeof v.has === "function" &&
    typeof v.forEach === "function" && typeof v[Symbol.iterator] === "function" && !("status" in v));
const isResponse = (v) =>
  (typeof Response === "function" && v instanceof Response) ||
  (isObject(v) && typeof v.status === "number" && isHeaders(v.headers) && typeof v.arrayBuffer === "function");

function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (isObject(v)) return `a ${v.constructor && v.constructor.name ? v.constructor.name : "object"}`;
  return `a ${typeof v}`;
}

function argument(name, expected, got) {
  fail("ARGUMENT_INVALID", `${name} must be ${expected}, not ${describe(got)}`);
}

function toBytes(v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** `[name, value]` pairs of a Headers object, every Set-Cookie line kept apart. */
function headerPairs(headers) {
  const pairs = [];
  let cookieAt = -1;
  for (const [name, value] of headers) {
    if (name.toLowerCase() === "set-cookie") {
      if (cookieAt < 0) cookieAt = pairs.length;
      else continue;
    }
    pairs.push([name, value]);
  }
  // Runtimes without spec iteration join Set-Cookie lines with ", "; getSetCookie() has them apart.
  if (cookieAt >= 0 && typeof headers.getSetCookie === "function") {
    const cookies = headers.getSetCookie().map((c) => ["set-cookie", c]);
    const tail = pairs.slice(cookieAt + 1).filter(([n]) => n.toLowerCase() !== "set-cookie");
    pairs.length = cookieAt;
    pairs.push(...cookies, ...tail);
  }
  return pairs;
}

function flat(pairs) {
  const out = new Array(pairs.length * 2);
  for (let i = 0; i < pairs.length; i++) {
    out[2 * i] = String(pairs[i][0]);
    out[2 * i + 1] = String(pairs[i][1]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Results: the wasm writes each result on a tape (crates/wasm/src/tape.rs) and returns the
// address of its header; readTape builds the plain objects and arrays. Strings the wasm
// sent before come from `strings`, which mirrors the wasm's table in the same order.

const strings = [];
let memory = null;
let memoryBuffer = null;
let words = null;
let numbers = null;
let bytes = null;
// Cursors of the tape being read.
let at = 0;
let numberAt = 0;
let bytesBase = 0;

/** One string of the bytes buffer (short ASCII ones without a TextDecoder call). */
function tapeString(offset, len) {
  const start = bytesBase + offset;
  if (len <= 24) {
    let s = "";
    for (let i = start; i < start + len; i++) {
      const b = bytes[i];
      if (b > 0x7f) return decoder.decode(bytes.subarray(start, start + len));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, start + len));
}

function tapeValue() {
  for (;;) {
    const op = words[at++];
    switch (op) {
      case 0:
        return null;
      case 1:
        return false;
      case 2:
        return true;
      case 3:
        return numbers[numberAt++];
      case 4:
        return strings[words[at++]];
      case 5: {
        const s = tapeString(words[at], words[at + 1]);
        at += 2;
        strings.push(s);
        return s;
      }
      case 6: {
        const s = tapeString(words[at], words[at + 1]);
        at += 2;
        return s;
      }
      case 7: {
        const n = words[at++];
        const a = new Array(n);
        for (let i = 0; i < n; i++) a[i] = tapeValue();
        return a;
      }
      case 8: {
        const n = words[at++];
        const o = {};
        for (let i = 0; i < n; i++) {
          const key = tapeValue();
          const value = tapeValue();
          // An own "__proto__" property, as JSON.parse makes (a decoded session payload
          // may hold any key); assigning it would set the object's prototype instead.
          if (key === "__proto__") Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
          else o[key] = value;
        }
        return o;
      }
      case 9:
        strings.length = 0;
        continue;
      default:
        throw new HeadwardenError("INTERNAL", `headwarden: bad result tape (op ${op})`);
    }
  }
}

/**
 * The result of `call` (a wasm export that writes a tape). When the string tables of the
 * two sides disagree (a result was written but never read here), the wasm is told to
 * clear them and the call runs again.
 */
function tapeResult(call) {
  let header;
  try {
    header = call();
    if (!tapeInSync(header)) {
      wasm.tapeReset();
      header = call();
    }
  } catch (e) {
    rethrow(e);
  }
  try {
    return readTape(header);
  } catch (e) {
    strings.length = 0;
    wasm.tapeReset();
    rethrow(e);
  }
}

function tapeInSync(header) {
  mapMemory();
  const h = header >>> 2;
  return words[words[h] >>> 2] === 9 || words[h + 6] === strings.length;
}

function mapMemory() {
  memory ??= wasm.tapeMemory();
  if (memory.buffer !== memoryBuffer) {
    // The memory grew: its old views are detached.
    memoryBuffer = memory.buffer;
    words = new Uint32Array(memoryBuffer);
    numbers = new Float64Array(memoryBuffer);
    bytes = new Uint8Array(memoryBuffer);
  }
}

/** The value the wasm wrote on the tape whose header is at `header`. */
function readTape(header) {
  mapMemory();
  const h = header >>> 2;
  at = words[h] >>> 2;
  numberAt = words[h + 2] >>> 3;
  bytesBase = words[h + 4];
  return tapeValue();
}

// ---------------------------------------------------------------------------------------
// Rule docs: the report's `rules` section comes from lib/rules.mjs (the wasm has no docs
// and leaves the section empty, which keeps every report crossing from wasm small), as
// frozen objects shared between reports.

let rulesCache = null;
let ruleDocs = null;

/** Every rule, parsed once from RULES_JSON. */
function ruleList() {
  return (rulesCache ??= deepFreeze(JSON.parse(RULES_JSON)));
}

function deepFreeze(v) {
  if (isObject(v) && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

/** A rule's entry in the report's `rules` section (the schema's RuleDoc), or null. */
function ruleDoc(id) {
  if (ruleDocs === null) {
    ruleDocs = new Map();
    for (const r of ruleList()) {
      ruleDocs.set(r.id, Object.freeze({ title: r.title, severity: r.severity, docs: r.docs, fixes: r.fixes }));
    }
  }
  return ruleDocs.get(id) ?? null;
}

function finishReport(report) {
  let ids = null;
  for (const exchange of report.exchanges) {
    for (const finding of exchange.findings) {
      (ids ??= new Set()).add(finding.rule);
    }
  }
  if (ids !== null) {
    const rules = {};
    for (const id of [...ids].sort()) {
      const doc = ruleDoc(id);
      if (doc !== null) rules[id] = doc;
    }
    report.rules = rules;
  }
  return report;
}

// ---------------------------------------------------------------------------------------
// Options → a cached wasm Checker.

const CHECK_OPTIONS = new Set(["policy", "scheme", "secretAudit", "ignore", "format", "url", "body"]);
const MAX_CACHED = 16;
let defaultChecker = null;
// Keyed by the options' content, not the object: a caller may change an options object.
const checkersByKey = new Map();

function policyText(policy, name = "options.policy") {
  if (policy === undefined || policy === null) return undefined;
  if (typeof policy === "string") return policy;
  if (isPlainObject(policy)) return JSON.stringify(policy);
  argument(name, "a preset name, TOML or JSON text, or a policy object", policy);
}

function optionalString(v, name) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") argument(name, "a string", v);
  return v;
}

function checkerFor(options) {
  if (options === undefined || options === null) {
    if (defaultChecker === null) defaultChecker = newChecker(undefined, undefined, true, [], undefined, undefined);
    return defaultChecker;
  }
  if (!isObject(options)) argument("options", "an object", options);
  for (const k of Object.keys(options)) {
    if (!CHECK_OPTIONS.has(k)) fail("OPTION_INVALID", `unknown option \`${k}\` (expected one of ${[...CHECK_OPTIONS].join(", ")})`);
  }
  const policy = policyText(options.policy);
  const scheme = optionalString(options.scheme, "options.scheme");
  const format = optionalString(options.format, "options.format");
  const url = optionalString(options.url, "options.url");
  const audit = options.secretAudit;
  if (audit !== undefined && typeof audit !== "boolean") argument("options.secretAudit", "a boolean", audit);
  const ignore = options.ignore ?? [];
  if (!Array.isArray(ignore) || ignore.some((id) => typeof id !== "string")) {
    argument("options.ignore", "an array of rule ids", ignore);
  }
  if (options.body !== undefined && typeof options.body !== "boolean") argument("options.body", "a boolean", options.body);
  const key = JSON.stringify([policy, scheme, audit !== false, ignore, format, url]);
  let checker = checkersByKey.get(key);
  if (checker === undefined) {
    checker = newChecker(policy, scheme, audit !== false, ignore, format, url);
    if (checkersByKey.size >= MAX_CACHED) {
      // Forget the oldest; the FinalizationRegistry of wasm-bindgen frees it once unreachable.
      checkersByKey.delete(checkersByKey.keys().next().value);
    }
    checkersByKey.set(key, checker);
  }
  return checker;
}

function newChecker(policy, scheme, audit, ignore, format, url) {
  try {
    return new wasm.Checker(policy, scheme, audit, ignore, format, url);
  } catch (e) {
    rethrow(e);
  }
}

// ---------------------------------------------------------------------------------------
// check

function runCheck(checker, text, json) {
  return finishReport(tapeResult(() => checker.check(text, json)));
}

/** The JSON input the core reads for a Response, Headers or plain object. */
function responseJson(response, body) {
  const doc = { status: response.status };
  if (typeof response.statusText === "string" && response.statusText) doc.reason = response.statusText;
  if (typeof response.url === "string" && response.url) doc.url = response.url;
  doc.headers = headerPairs(response.headers);
  if (body !== undefined && body !== "") doc.body = body;
  return JSON.stringify(doc);
}

function objectJson(input) {
  // A Headers or a byte body inside a plain object: make them JSON first.
  if (isPlainObject(input) && (isHeaders(input.headers) || toBytes(input.body) !== null)) {
    const copy = { ...input };
    if (isHeaders(copy.headers)) copy.headers = headerPairs(copy.headers);
    const bytes = toBytes(copy.body);
    if (bytes !== null) copy.body = decoder.decode(bytes);
    input = copy;
  }
  return JSON.stringify(input);
}

/**
 * Checks a response: raw text (any format the CLI reads), bytes, a Headers, a Response
 * or a plain object. Synchronous, except for a Response with `{ body: true }`.
 */
export function check(input, options) {
  const checker = checkerFor(options);
  if (typeof input === "string") return runCheck(checker, input, false);
  const bytes = toBytes(input);
  if (bytes !== null) {
    return finishReport(tapeResult(() => checker.check_bytes(bytes)));
  }
  if (isResponse(input)) {
    if (options && options.body) {
      return readBody(input).then((body) => runCheck(checker, responseJson(input, body), true));
    }
    return runCheck(checker, responseJson(input), true);
  }
  if (isHeaders(input)) return runCheck(checker, JSON.stringify({ headers: headerPairs(input) }), true);
  if (isPlainObject(input) || Array.isArray(input)) return runCheck(checker, objectJson(input), true);
  argument("input", "a string, bytes, a Headers, a Response or a plain object", input);
}

/** The body of a copy of `response` as text (the caller's response stays readable). */
async function readBody(response) {
  const copy = typeof response.clone === "function" && !response.bodyUsed ? response.clone() : response;
  if (copy.bodyUsed) fail("BODY_USED", "the response body was already read; pass a fresh Response or omit { body: true }");
  try {
    return await copy.text();
  } catch (e) {
    throw new HeadwardenError("BODY_UNREADABLE", `cannot read the response body: ${e && e.message}`, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------
// checkCsp

/**
 * Evaluates one Content-Security-Policy header value: `{ findings, policies }`, each
 * policy as written, or with `{ view: true }` as the report's per-policy view.
 */
export function checkCsp(policy, options) {
  if (typeof policy !== "string") argument("policy", "a string", policy);
  let view = false;
  if (options !== undefined && options !== null) {
    if (!isObject(options)) argument("options", "an object", options);
    for (const k of Object.keys(options)) {
      if (k !== "view") fail("OPTION_INVALID", `unknown option \`${k}\` (expected view)`);
    }
    if (options.view !== undefined && typeof options.view !== "boolean") argument("options.view", "a boolean", options.view);
    view = options.view === true;
  }
  return tapeResult(() => wasm.check_csp(policy, view));
}

// ---------------------------------------------------------------------------------------
// Sessions

/** Decodes a Flask session cookie (the signature is not checked). */
export function decodeFlaskSession(cookie) {
  if (typeof cookie !== "string") argument("cookie", "a string", cookie);
  let out;
  try {
    out = wasm.decode_session(cookie);
  } catch (e) {
    rethrow(e);
  }
  return JSON.parse(out);
}

/** Resolves after a macrotask, so timers, I/O and rendering get their turn. */
const macrotask = (() => {
  if (typeof setImmediate === "function") return () => new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === "function") {
    // Not setTimeout(0): browsers clamp nested timeouts to 4 ms.
    let channel = null;
    const waiting = [];
    return () =>
      new Promise((resolve) => {
        if (channel === null) {
          channel = new MessageChannel();
          channel.port1.onmessage = () => waiting.shift()?.();
        }
        waiting.push(resolve);
        channel.port2.postMessage(null);
      });
  }
  return () => new Promise((resolve) => setTimeout(resolve, 0));
})();

const now = () => (typeof performance === "object" && performance ? performance.now() : Date.now());

/**
 * Looks for the secret that signed a Flask session, Flask-Login remember token or
 * express-session cookie: the built-in list of weak secrets first, then `candidates`, in
 * chunks, yielding to the event loop between chunks.
 */
export async function auditSecret(cookie, candidates, options = {}) {
  if (typeof cookie !== "string") argument("cookie", "a string", cookie);
  if (!isObject(options)) argument("options", "an object", options);
  const { onProgress, signal, builtin = true, chunkSize = 2000 } = options;
  if (onProgress !== undefined && typeof onProgress !== "function") argument("options.onProgress", "a function", onProgress);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) argument("options.chunkSize", "a positive integer", chunkSize);
  let source = null;
  if (candidates !== undefined && candidates !== null) {
    if (typeof candidates === "string" || !(typeof candidates[Symbol.iterator] === "function" || typeof candidates[Symbol.asyncIterator] === "function")) {
      argument("candidates", "an iterable of strings or Uint8Arrays", candidates);
    }
    source = candidates;
  }
  let auditor;
  try {
    auditor = new wasm.Auditor(cookie);
  } catch (e) {
    rethrow(e);
  }
  const started = now();
  const kind = auditor.kind();
  const result = (secret, display, from, index, tried, group) => {
    const found = { secret, display, kind, source: from, index, tried, elapsedMs: now() - started };
    if (group) found.group = group;
    return found;
  };
  try {
    if (builtin) {
      const hit = auditor.builtin();
      if (hit !== undefined) {
        const b = JSON.parse(hit);
        const secret = b.text ?? Uint8Array.from(b.bytes);
        return result(secret, b.display, "builtin", b.index, b.index + 1, b.group);
      }
    }
    if (source === null) return null;
    const total = Array.isArray(source) ? source.length : typeof source.size === "number" ? source.size : undefined;
    const iterator = typeof source[Symbol.iterator] === "function" ? source[Symbol.iterator]() : source[Symbol.asyncIterator]();
    let buffer = new Uint8Array(64 * 1024);
    const ends = new Uint32Array(chunkSize);
    const batch = new Array(chunkSize);
    let tried = 0;
    let done = false;
    while (!done) {
      if (signal && signal.aborted) {
        throw new HeadwardenError("ABORTED", "the audit was aborted", { cause: signal.reason });
      }
      let n = 0;
      let used = 0;
      while (n < chunkSize) {
        let step = iterator.next();
        if (step && typeof step.then === "function") step = await step;
        if (step.done) {
          done = true;
          break;
        }
        const candidate = step.value;
        const bytes = typeof candidate === "string" ? null : toBytes(candidate);
        if (typeof candidate !== "string" && bytes === null) {
          argument(`candidates[${tried + n}]`, "a string or a Uint8Array", candidate);
        }
        const need = used + (bytes ? bytes.length : candidate.length * 3);
        if (need > buffer.length) {
          const bigger = new Uint8Array(Math.max(need, buffer.length * 2));
          bigger.set(buffer.subarray(0, used));
          buffer = bigger;
        }
        if (bytes) {
          buffer.set(bytes, used);
          used += bytes.length;
        } else {
          used += encoder.encodeInto(candidate, buffer.subarray(used)).written;
        }
        ends[n] = used;
        batch[n] = candidate;
        n++;
      }
      if (n > 0) {
        const at = auditor.try_packed(buffer.subarray(0, used), ends.subarray(0, n));
        if (at >= 0) {
          const secret = batch[at];
          const display = typeof secret === "string" ? secret : decoder.decode(secret);
          return result(secret, display, "candidates", tried + at, tried + at + 1);
        }
        tried += n;
        batch.fill(undefined, 0, n);
      }
      if (onProgress) {
        const seconds = (now() - started) / 1000;
        onProgress({ tried, total, rate: seconds > 0 ? tried / seconds : 0 });
      }
      if (!done) await macrotask();
    }
    return null;
  } finally {
    auditor.free();
  }
}

// ---------------------------------------------------------------------------------------
// rules, presets

let presetsCache = null;

/** Every rule: id, title, severity, family, since, summary, docs, fixes. */
export function rules() {
  return ruleList();
}

/** The built-in policy presets: name, description, TOML text and the policy object. */
export function presets() {
  return (presetsCache ??= deepFreeze(JSON.parse(wasm.presets_json())));
}

// ---------------------------------------------------------------------------------------
// enforce

const ENFORCE_OPTIONS = new Set(["mode", "nonce", "url", "onChanges"]);
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
let defaultEnforcer = null;
const enforcersByKey = new Map();

function enforcerFor(policy) {
  const text = policyText(policy, "policy");
  try {
    if (text === undefined) return (defaultEnforcer ??= new wasm.Enforcer(undefined));
    let enforcer = enforcersByKey.get(text);
    if (enforcer === undefined) {
      enforcer = new wasm.Enforcer(text);
      if (enforcersByKey.size >= MAX_CACHED) enforcersByKey.delete(enforcersByKey.keys().next().value);
      enforcersByKey.set(text, enforcer);
    }
    return enforcer;
  } catch (e) {
    rethrow(e);
  }
}

function makeNonce() {
  const bytes = new Uint8Array(18);
  platform.randomFill(bytes);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

let rewriteModule = null;

function loadRewrite() {
  if (rewriteModule === null) {
    if (typeof platform.loadRewrite !== "function") {
      return Promise.reject(new HeadwardenError("INTERNAL", "this entry point cannot load the HTML rewriter"));
    }
    rewriteModule = platform.loadRewrite().catch((e) => {
      rewriteModule = null;
      throw new HeadwardenError("REWRITER_UNAVAILABLE", `cannot load the HTML rewriter: ${e && e.message}`, { cause: e });
    });
  }
  return rewriteModule;
}

function rewriteChange(stats, nonce) {
  const [scripts, styles, metas] = stats;
  const what = [];
  if (scripts > 0) what.push(`nonce on ${scripts} <script>`);
  if (styles > 0) what.push(`nonce on ${styles} <style>`);
  if (metas > 0) what.push(`${metas} <meta> CSP removed (the header CSP replaces it)`);
  if (what.length === 0) return null;
  const change = { action: "rewrite-body", reason: `[csp]: ${what.join(", ")}`, applied: true };
  if (nonce) change.after = nonce;
  return change;
}

function newRewriter(mod, o) {
  return new mod.HtmlRewriter(o.nonce ?? undefined, o.scripts ?? undefined, o.styles ?? undefined, o.remove_meta_csp, o.keep_existing);
}

/** A stream that rewrites an HTML body chunk by chunk; `done(change)` at its end. */
function rewriteStream(mod, o, done, failed) {
  let rewriter = null;
  const release = () => {
    if (rewriter !== null) {
      rewriter.free();
      rewriter = null;
    }
  };
  return new TransformStream({
    start() {
      rewriter = newRewriter(mod, o);
    },
    transform(chunk, controller) {
      const bytes = typeof chunk === "string" ? encoder.encode(chunk) : toBytes(chunk);
      try {
        const out = rewriter.write(bytes);
        if (out.length > 0) controller.enqueue(out);
      } catch (e) {
        release();
        failed(e);
        throw new HeadwardenError("REWRITE_FAILED", `the HTML rewriter stopped: ${e && e.message}`, { cause: e });
      }
    },
    flush(controller) {
      try {
        const out = rewriter.end();
        if (out.length > 0) controller.enqueue(out);
        done(rewriteChange(rewriter.stats(), o.nonce));
      } catch (e) {
        failed(e);
        throw new HeadwardenError("REWRITE_FAILED", `the HTML rewriter stopped: ${e && e.message}`, { cause: e });
      } finally {
        release();
      }
    },
  });
}

/**
 * Returns a new Response that satisfies `policy` (default: the balanced preset): headers
 * set and removed, cookies hardened, a fresh CSP nonce on the header and on the HTML
 * body's scripts (streamed through the rewriting wasm), Werkzeug debugger pages replaced.
 */
export async function enforce(response, policy, options = {}) {
  if (!isResponse(response)) argument("response", "a Response", response);
  if (!isObject(options)) argument("options", "an object", options);
  for (const k of Object.keys(options)) {
    if (!ENFORCE_OPTIONS.has(k)) fail("OPTION_INVALID", `unknown option \`${k}\` (expected one of ${[...ENFORCE_OPTIONS].join(", ")})`);
  }
  const { mode = "enforce", onChanges } = options;
  if (mode !== "enforce" && mode !== "report-only") fail("OPTION_INVALID", `options.mode must be "enforce" or "report-only", not ${JSON.stringify(mode)}`);
  if (onChanges !== undefined && typeof onChanges !== "function") argument("options.onChanges", "a function", onChanges);
  const url = optionalString(options.url, "options.url") ?? (response.url || undefined);
  const nonce = optionalString(options.nonce, "options.nonce") ?? makeNonce();
  if (response.status < 200 || response.status > 599) {
    fail("ARGUMENT_INVALID", `cannot enforce on a response with status ${response.status} (an opaque or error response)`);
  }
  const enforcer = enforcerFor(policy);
  let head;
  try {
    head = JSON.parse(enforcer.head(response.status, url, flat(headerPairs(response.headers)), nonce, mode === "report-only"));
  } catch (e) {
    rethrow(e);
  }
  let status = response.status;
  let statusText = response.statusText;
  let headers = head.headers;
  let changes = head.changes;
  let rewrite = head.rewrite;
  let body = response.body;
  if (head.inspect_body && body !== null) {
    // An HTML 5xx that may be a Werkzeug debugger page: it must be read whole to tell.
    const bytes = new Uint8Array(await response.arrayBuffer());
    const replaced = wasm.replace_debugger(status, flat(headers), bytes);
    if (replaced !== undefined) {
      const r = JSON.parse(replaced);
      status = r.status;
      statusText = "Internal Server Error";
      headers = r.headers;
      changes = changes.concat(r.changes);
      body = r.body;
      rewrite = null;
    } else {
      body = bytes;
    }
  }
  let pending = false;
  if (rewrite && body !== null && !NULL_BODY_STATUS.has(status)) {
    const mod = await loadRewrite();
    headers = headers.filter(([name]) => name.toLowerCase() !== "content-length");
    if (body instanceof Uint8Array) {
      const rewriter = newRewriter(mod, rewrite);
      try {
        const first = rewriter.write(body);
        const last = rewriter.end();
        const whole = new Uint8Array(first.length + last.length);
        whole.set(first);
        whole.set(last, first.length);
        body = whole;
        const change = rewriteChange(rewriter.stats(), rewrite.nonce);
        if (change) changes.push(change);
      } catch (e) {
        throw new HeadwardenError("REWRITE_FAILED", `the HTML rewriter stopped: ${e && e.message}`, { cause: e });
      } finally {
        rewriter.free();
      }
    } else {
      pending = true;
      body = body.pipeThrough(
        rewriteStream(
          mod,
          rewrite,
          (change) => {
            if (change) changes.push(change);
            if (onChanges) onChanges(changes);
          },
          (e) => {
            changes.push({ action: "skip-body", reason: `[csp]: the HTML rewriter stopped: ${e && e.message}`, applied: false });
            if (onChanges) onChanges(changes);
          },
        ),
      );
    }
  }
  if (NULL_BODY_STATUS.has(status)) body = null;
  const out = new Response(body, { status, statusText, headers });
  if (!pending && onChanges) onChanges(changes);
  return out;
}
