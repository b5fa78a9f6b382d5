//! wasm-bindgen bindings of `headwarden-core`: the main wasm of the npm package
//! `headwarden` (`crates/wasm/npm/`).
//!
//! These exports are the package's internals, not its API: the JS in `npm/api.mjs` checks
//! argument types, builds the input, caches one [`Checker`] per set of options, fills the
//! report's `rules` section from `lib/rules.mjs` (this wasm is built without core's `docs`
//! feature; `examples/rules_json.rs` generates that text natively), and turns the error
//! objects thrown here (`Error` with a `code` property) into `HeadwardenError`s.
//!
//! Reports cross the boundary on a [`tape`]: the exports return the address of the
//! result's header and `readTape` in `npm/lib/api.mjs` builds the JS objects (plain
//! objects and arrays, as `JSON.parse` would give) with one call into the wasm and the
//! strings it already saw taken from its table. Small results (sessions, presets, enforce)
//! are serde_json text.
//!
//! Nothing here panics on any input (the package is built with `panic = "abort"`, where a
//! panic would be a trap): every failure is a thrown error with a code.

mod csp;
mod tape;

// The default allocator (dlmalloc) is slower and no smaller in our measurements.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use std::fmt::Display;

use headwarden_core::flask::view::CookieSource;
use headwarden_core::flask::{
    decode_flask_session, CookieArg, SessionCookie, SessionKind, SignedCookie,
};
use headwarden_core::input::{InputError, InputFormat, ParseOptions};
use headwarden_core::policy::{enforce_with, replace_debugger_page, Mode, NonceScripts};
use headwarden_core::{
    check, limits, parse_with, rules, CheckOptions, Header, Headers, Policy, Request, Response,
    Scheme,
};
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// The version of headwarden this wasm was built from.
#[wasm_bindgen]
pub fn version() -> String {
    headwarden_core::VERSION.to_string()
}

// ---------------------------------------------------------------------------------------
// Errors.

#[wasm_bindgen]
extern "C" {
    /// JS `Error` (imported here rather than from js-sys, which the wasm does not need).
    #[wasm_bindgen(js_name = Error)]
    type CodedError;

    #[wasm_bindgen(constructor, js_class = "Error")]
    fn new(message: &str) -> CodedError;

    #[wasm_bindgen(method, setter = code)]
    fn set_code(this: &CodedError, code: &str);
}

/// A JS `Error` carrying `code`; the JS side rethrows it as a `HeadwardenError`.
fn error(code: &str, message: impl Display) -> JsValue {
    let e = CodedError::new(&message.to_string());
    e.set_code(code);
    e.into()
}

fn input_error(e: &InputError) -> JsValue {
    let code = match e {
        InputError::Empty => "INPUT_EMPTY",
        InputError::TooLarge { .. }
        | InputError::LineTooLong { .. }
        | InputError::TooManyHeaders { .. }
        | InputError::TooManyHeadersTotal { .. }
        | InputError::TooManyExchanges { .. }
        | InputError::TooDeep { .. } => "INPUT_TOO_LARGE",
        _ => "INPUT_INVALID",
    };
    error(code, e)
}

fn to_json(value: &impl Serialize) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| error("INTERNAL", e))
}

/// Writes `value` to the tape; returns the address `readTape` reads it from.
fn to_tape(value: &(impl Serialize + ?Sized)) -> Result<u32, JsValue> {
    tape::write(value).map_err(|e| error("INTERNAL", e))
}

/// Clears the result tape's string table on both sides at the next result (JS lost track).
#[wasm_bindgen(js_name = tapeReset)]
pub fn tape_reset() {
    tape::reset();
}

/// The wasm's memory, where `readTape` reads results.
#[wasm_bindgen(js_name = tapeMemory)]
pub fn tape_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// A policy from a preset name, TOML or JSON text; `None` is the balanced preset.
fn load_policy(policy: Option<String>) -> Result<Policy, JsValue> {
    match policy {
        None => Ok(Policy::default()),
        Some(text) => Policy::load(&text).map_err(|e| error("POLICY_INVALID", e)),
    }
}

// ---------------------------------------------------------------------------------------
// check

/// A policy and check options, parsed once and reused for every `check` with them.
#[wasm_bindgen]
pub struct Checker {
    policy: Policy,
    options: CheckOptions,
    parse: ParseOptions,
}

#[wasm_bindgen]
impl Checker {
    /// `policy`: preset name, TOML or JSON (default: balanced). `scheme`: `http` or
    /// `https`. `ignore`: rule ids not to run. `format`: force an input format. `url`:
    /// the URL of the first request when the input does not say.
    #[wasm_bindgen(constructor)]
    pub fn new(
        policy: Option<String>,
        scheme: Option<String>,
        secret_audit: bool,
        ignore: Vec<String>,
        format: Option<String>,
        url: Option<String>,
    ) -> Result<Checker, JsValue> {
        let policy = load_policy(policy)?;
        let scheme = match scheme.as_deref() {
            None => None,
            Some("http") => Some(Scheme::Http),
            Some("https") => Some(Scheme::Https),
            Some(other) => {
                return Err(error(
                    "OPTION_INVALID",
                    format!("unknown scheme `{other}` (expected \"http\" or \"https\")"),
                ))
            }
        };
        if let Some(unknown) = ignore.iter().find(|id| rules::by_id(id).is_none()) {
            return Err(error(
                "OPTION_INVALID",
                format!("unknown rule id `{unknown}` in `ignore` (see rules())"),
            ));
        }
        let format = format
            .map(|f| f.parse::<InputFormat>())
            .transpose()
            .map_err(|e| error("OPTION_INVALID", e))?;
        Ok(Checker {
            policy,
            options: CheckOptions {
                scheme,
                skip_secret_audit: !secret_audit,
                disabled_rules: ignore,
                // `rules` stays empty: JS fills it from its cache.
                views: true,
                rule_docs: false,
            },
            parse: ParseOptions { format, url },
        })
    }

    /// Checks text. `json`: the JS side built this JSON from a `Headers`, a `Response` or
    /// a plain object (the format is then JSON whatever the options say). Returns the
    /// report on the tape, with an empty `rules` section (JS fills it from its cache).
    pub fn check(&self, input: &str, json: bool) -> Result<u32, JsValue> {
        to_tape(&self.report(input.as_bytes(), json)?)
    }

    /// Checks bytes (a `Uint8Array` input: any format the CLI reads, invalid UTF-8 kept).
    pub fn check_bytes(&self, input: &[u8]) -> Result<u32, JsValue> {
        to_tape(&self.report(input, false)?)
    }

    /// The report without its `rules` section.
    fn report(&self, input: &[u8], json: bool) -> Result<headwarden_core::Report, JsValue> {
        let parsed = if json {
            let options = ParseOptions {
                format: Some(InputFormat::Json),
                url: self.parse.url.clone(),
            };
            parse_with(input, &options)
        } else {
            parse_with(input, &self.parse)
        }
        .map_err(|e| input_error(&e))?;
        Ok(check(&parsed, &self.policy, &self.options))
    }
}

/// The built-in policy presets: name, description, the commented TOML, and the policy as
/// a JSON object.
#[wasm_bindgen]
pub fn presets_json() -> Result<String, JsValue> {
    let list: Vec<Value> = headwarden_core::policy::presets()
        .iter()
        .map(|p| {
            let policy = Policy::preset(p.name)
                .and_then(|policy| serde_json::from_str::<Value>(&policy.to_json_string()).ok())
                .unwrap_or(Value::Null);
            json!({
                "name": p.name,
                "description": p.description,
                "toml": p.toml,
                "policy": policy,
            })
        })
        .collect();
    to_json(&list)
}

/// Loads a policy (preset name, TOML or JSON) and returns it as JSON: `validatePolicy`.
#[wasm_bindgen]
pub fn policy_json(policy: &str) -> Result<String, JsValue> {
    let policy = Policy::load(policy).map_err(|e| error("POLICY_INVALID", e))?;
    Ok(policy.to_json_string())
}

// ---------------------------------------------------------------------------------------
// checkCsp

/// Evaluates one `Content-Security-Policy` value: `{findings, policies}` on the tape.
/// `view`: the policies as the report's per-policy view (directives with each source's
/// verdict, effective sources …); else as written (directive names and source texts).
#[wasm_bindgen]
pub fn check_csp(policy: &str, view: bool) -> Result<u32, JsValue> {
    csp_limit(policy)?;
    let check = headwarden_core::csp::check_csp(policy);
    if view {
        to_tape(&check.report())
    } else {
        to_tape(&csp::Summary::of(&check))
    }
}

fn csp_limit(policy: &str) -> Result<(), JsValue> {
    if policy.len() > limits::MAX_INPUT_BYTES {
        return Err(error(
            "INPUT_TOO_LARGE",
            format!(
                "the policy is {} bytes; the limit is {} bytes",
                policy.len(),
                limits::MAX_INPUT_BYTES
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Sessions

/// Longest cookie argument read (the CLI reads at most this from standard input too).
const MAX_COOKIE_ARG: usize = 1 << 20;

/// Decodes a Flask session cookie (also a Flask-Login remember token or an express-session
/// id, as `headwarden session decode` does): the report's session view plus `timestamp`,
/// `json_size` and `tagged`. The signature is not checked.
#[wasm_bindgen]
pub fn decode_session(cookie: &str) -> Result<String, JsValue> {
    if cookie.len() > MAX_COOKIE_ARG {
        return Err(error(
            "INPUT_TOO_LARGE",
            format!(
                "the cookie is {} bytes; the limit is {MAX_COOKIE_ARG} bytes",
                cookie.len()
            ),
        ));
    }
    let Some(arg) = CookieArg::parse(cookie).filter(|a| !a.value.is_empty()) else {
        return Err(error("INPUT_EMPTY", "the cookie value is empty"));
    };
    let (name, value) = (arg.name_or_default(), arg.value);
    let examined = SessionCookie::examine(name, value, CookieSource::Cookie, "", false)
        .filter(|c| c.kind != SessionKind::Opaque);
    let Some(session) = examined else {
        let reason = decode_flask_session(value)
            .err()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        return Err(error(
            "SESSION_INVALID",
            format!(
                "not a Flask session, Flask-Login remember token or express-session value{reason}"
            ),
        ));
    };
    if let Some(Err(e)) = &session.decoded {
        return Err(error(
            "SESSION_INVALID",
            format!("cannot decode the Flask session: {e}"),
        ));
    }
    let mut view = serde_json::to_value(session.view()).map_err(|e| error("INTERNAL", e))?;
    if let Some(obj) = view.as_object_mut() {
        obj.remove("audited");
        if let Some(s) = session.flask() {
            obj.insert("timestamp".into(), s.timestamp.into());
            obj.insert("json_size".into(), s.json.len().into());
            obj.insert("tagged".into(), s.tagged.into());
        }
    }
    to_json(&view)
}

/// The weak-secret audit of one signed cookie (Flask session, Flask-Login remember token,
/// express-session id). JS drives it in chunks so the event loop keeps turning.
#[wasm_bindgen]
pub struct Auditor {
    signed: SignedCookie,
}

#[wasm_bindgen]
impl Auditor {
    #[wasm_bindgen(constructor)]
    pub fn new(cookie: &str) -> Result<Auditor, JsValue> {
        if cookie.len() > MAX_COOKIE_ARG {
            return Err(error(
                "INPUT_TOO_LARGE",
                format!(
                    "the cookie is {} bytes; the limit is {MAX_COOKIE_ARG} bytes",
                    cookie.len()
                ),
            ));
        }
        let Some(value) = CookieArg::parse(cookie)
            .map(|a| a.value)
            .filter(|v| !v.is_empty())
        else {
            return Err(error("INPUT_EMPTY", "the cookie value is empty"));
        };
        SignedCookie::parse(value)
            .map(|signed| Auditor { signed })
            .ok_or_else(|| {
                error(
                    "SESSION_INVALID",
                    "not a signed Flask session, Flask-Login remember token or express-session value",
                )
            })
    }

    /// `flask`, `flask-remember` or `express`.
    pub fn kind(&self) -> String {
        self.signed.kind().as_str().to_string()
    }

    /// The built-in weak secret that signed the cookie, as JSON `{text | bytes, display,
    /// group, index, tried}`, or `None`.
    pub fn builtin(&self) -> Option<String> {
        let secret = self.signed.find_builtin()?;
        let text = std::str::from_utf8(&secret.value).ok();
        let mut doc = json!({
            "display": secret.display(),
            "group": secret.origin,
            "index": secret.index,
        });
        if let Some(obj) = doc.as_object_mut() {
            match text {
                Some(t) => obj.insert("text".into(), t.into()),
                None => obj.insert("bytes".into(), secret.value.clone().into()),
            };
        }
        serde_json::to_string(&doc).ok()
    }

    /// How many built-in secrets `builtin` tries.
    pub fn builtin_count() -> usize {
        headwarden_core::flask::wordlist::builtin_secrets().len()
    }

    /// Tries packed candidates: `data` holds them back to back and candidate `i` ends at
    /// `ends[i]`. Returns the index of the first that verifies, or -1.
    pub fn try_packed(&self, data: &[u8], ends: &[u32]) -> i32 {
        let mut start = 0usize;
        for (i, &end) in ends.iter().enumerate() {
            let end = end as usize;
            let Some(candidate) = data.get(start..end) else {
                return -1;
            };
            if self.signed.verify(candidate) {
                return i32::try_from(i).unwrap_or(-1);
            }
            start = end;
        }
        -1
    }
}

// ---------------------------------------------------------------------------------------
// enforce (headers; the body goes through the rewrite wasm)

/// Header lines from `[name0, value0, name1, value1, …]`.
fn headers_from(flat: &[String]) -> Headers {
    let mut headers = Headers::new();
    for pair in flat.chunks(2) {
        if let [name, value] = pair {
            headers.push(Header::new(name.as_str(), value.as_str()));
        }
    }
    headers
}

fn headers_to_json(headers: &Headers) -> Value {
    Value::Array(headers.iter().map(|h| json!([h.name, h.value])).collect())
}

fn scripts_str(which: Option<NonceScripts>) -> Value {
    match which {
        Some(NonceScripts::All) => json!("all"),
        Some(NonceScripts::Marked) => json!("marked"),
        None => Value::Null,
    }
}

/// A policy parsed once for every `enforce` with it.
#[wasm_bindgen]
pub struct Enforcer {
    policy: Policy,
}

#[wasm_bindgen]
impl Enforcer {
    #[wasm_bindgen(constructor)]
    pub fn new(policy: Option<String>) -> Result<Enforcer, JsValue> {
        Ok(Enforcer {
            policy: load_policy(policy)?,
        })
    }

    /// Enforces the policy on a response head (the body stays in JS). `url`: the
    /// response's URL (scheme and path; none means HTTPS). Returns JSON `{headers,
    /// changes, nonce, rewrite, inspect_body}`: `rewrite` says how to rewrite an HTML
    /// body (or is null), `inspect_body` asks for the body to look for a debugger page.
    pub fn head(
        &self,
        status: Option<u16>,
        url: Option<String>,
        headers: Vec<String>,
        nonce: String,
        report_only: bool,
    ) -> Result<String, JsValue> {
        let mut response = Response {
            status,
            headers: headers_from(&headers),
            ..Response::default()
        };
        let request = url.map(|url| Request {
            method: None,
            url: Some(url),
            headers: Headers::new(),
        });
        let mode = if report_only {
            Mode::ReportOnly
        } else {
            Mode::Enforce
        };
        let mut give_nonce = || nonce.clone();
        let out = enforce_with(
            &mut response,
            request.as_ref(),
            &self.policy,
            mode,
            &mut give_nonce,
        );
        let rewrite = out.rewrite_body.map(|o| {
            json!({
                "nonce": o.nonce,
                "scripts": scripts_str(o.scripts),
                "styles": scripts_str(o.styles),
                "remove_meta_csp": o.remove_meta_csp,
                "keep_existing": o.keep_existing,
            })
        });
        to_json(&json!({
            "headers": headers_to_json(&response.headers),
            "changes": out.changes,
            "nonce": out.nonce,
            "rewrite": rewrite,
            "inspect_body": out.inspect_body,
        }))
    }
}

/// When `body` is a Werkzeug debugger page: the generic 500 that replaces it, as JSON
/// `{status, headers, body, changes}`. `None` otherwise.
#[wasm_bindgen]
pub fn replace_debugger(status: Option<u16>, headers: Vec<String>, body: &[u8]) -> Option<String> {
    let mut response = Response {
        status,
        headers: headers_from(&headers),
        body: Some(body.to_vec()),
        ..Response::default()
    };
    let changes = replace_debugger_page(&mut response);
    if changes.is_empty() {
        return None;
    }
    let body = response
        .body
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    serde_json::to_string(&json!({
        "status": response.status,
        "headers": headers_to_json(&response.headers),
        "body": body,
        "changes": changes,
    }))
    .ok()
}
