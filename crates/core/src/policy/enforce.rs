//! `enforce`: rewrite a response so that it satisfies a policy, and say what changed.
//!
//! Headers the policy sets are set (replacing every earlier line of the same name),
//! headers it removes are removed, cookies are hardened by name pattern (never weakened,
//! never dropped), the CSP gets a fresh nonce per response and the HTML body gets it on
//! its `<script>` tags, Werkzeug debugger pages become a generic 500, and no header line
//! carrying CR, LF or NUL goes through. Every change is a [`Change`] for the audit log.
//!
//! The worker uses [`enforce_with`] with a [`Mode`]: in report-only mode it gets the same
//! list of changes (not applied) and only the policy's CSP is added, as
//! `Content-Security-Policy-Report-Only`.

use std::borrow::Cow;

use serde::Serialize;

use super::model::{Hsts, Policy, SameSite};
use super::rewrite::NonceOptions;
use crate::exchange::{Request, Response};

/// Whether changes are applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Apply every change.
    #[default]
    Enforce,
    /// Change nothing but add the policy's CSP as `Content-Security-Policy-Report-Only`;
    /// report what enforcing would have changed.
    ReportOnly,
}

/// What a [`Change`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// A header the response lacked was added.
    SetHeader,
    /// Existing lines of a header were replaced by the policy's value.
    ReplaceHeader,
    /// Header lines were removed.
    RemoveHeader,
    /// A header line was dropped because it could not be sent safely (CR/LF/NUL, bad name).
    DropHeader,
    /// Control characters were removed from a header value.
    SanitizeHeader,
    /// Cookie attributes were added or tightened.
    HardenCookie,
    /// A cookie was given a `__Host-`/`__Secure-` prefix.
    RenameCookie,
    /// The HTML body was rewritten (nonces, `<meta>` CSP).
    RewriteBody,
    /// The body was replaced (a Werkzeug debugger page).
    ReplaceBody,
    /// The body should have been rewritten but was not (encoded, or rewriting failed).
    SkipBody,
}

/// One change made (or, in report-only mode, that would have been made) to a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie: Option<String>,
    /// The values before (every line, for headers with repeats).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Why, in words: the policy key and what it protects against.
    pub reason: Cow<'static, str>,
    /// False in report-only mode for everything but the report-only CSP.
    pub applied: bool,
}

impl Change {
    fn new(action: Action, reason: impl Into<Cow<'static, str>>) -> Self {
        Change {
            action,
            header: None,
            cookie: None,
            before: Vec::new(),
            after: None,
            reason: reason.into(),
            applied: true,
        }
    }

    fn header(mut self, name: &str) -> Self {
        self.header = Some(name.to_string());
        self
    }
}

/// The result of [`enforce_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enforcement {
    pub mode: Mode,
    pub changes: Vec<Change>,
    /// The nonce the CSP carries, if any.
    pub nonce: Option<String>,
    /// Set when the response is HTML but its body was not passed in (streaming): feed the
    /// body through [`super::rewrite::NonceRewriter`] with these options.
    pub rewrite_body: Option<NonceOptions>,
    /// Set when the body was not passed in and the response may be a Werkzeug debugger
    /// page (HTML 5xx with `[flask] block_debugger`): buffer the body and call
    /// [`replace_debugger_page`] on the response (or `enforce` again with the body).
    pub inspect_body: bool,
}

/// Rewrites `response` to satisfy `policy`; returns what changed. `request` tells the
/// scheme (HSTS, `Secure` cookies; none or a relative URL means HTTPS, as in `check`) and
/// the path (`[cache] sensitive_paths`). `nonce` is called once per response when the
/// policy uses a nonce; it must return fresh random base64 (16 bytes or more).
pub fn enforce(
    response: &mut Response,
    request: Option<&Request>,
    policy: &Policy,
    nonce: &mut dyn FnMut() -> String,
) -> Vec<Change> {
    enforce_with(response, request, policy, Mode::Enforce, nonce).changes
}

/// [`enforce`] with a [`Mode`], returning everything the worker needs.
pub fn enforce_with(
    response: &mut Response,
    request: Option<&Request>,
    policy: &Policy,
    mode: Mode,
    nonce: &mut dyn FnMut() -> String,
) -> Enforcement {
    let nonce = policy
        .csp
        .as_ref()
        .filter(|c| c.nonce || c.nonce_styles)
        .map(|_| clean_nonce(&nonce()))
        .filter(|n| !n.is_empty());
    let https = request.is_none_or(|r| !url_is_plain_http(r.url.as_deref()));
    let path = request.and_then(|r| r.url.as_deref()).map(url_path);
    let enforcer = Enforcer {
        policy,
        https,
        path,
        nonce: nonce.clone(),
    };
    match mode {
        Mode::Enforce => {
            let out = enforcer.run(response, false);
            Enforcement {
                mode,
                changes: out.changes,
                nonce,
                rewrite_body: out.rewrite_body,
                inspect_body: out.inspect_body,
            }
        }
        Mode::ReportOnly => {
            // Making the head sendable is not a policy change, so it applies in this mode
            // too: an injected line break or NUL must not pass through either mode.
            let mut sanitized = Vec::new();
            sanitize_headers(response, &mut sanitized);
            let mut dry = response.clone();
            let mut planned = enforcer.run(&mut dry, false);
            for c in &mut planned.changes {
                c.applied = false;
            }
            // What is applied: the policy's CSP as report-only, and the nonce on scripts
            // that lack one (so the reports show what enforcing would block, not every
            // inline script).
            let mut changes = sanitized;
            changes.extend(planned.changes);
            let mut rewrite_body = None;
            if let Some(csp) = &policy.csp {
                let mut ro = csp.clone();
                ro.report_only = true;
                let report_policy = Policy {
                    csp: Some(ro),
                    ..Policy::empty()
                };
                let applied = Enforcer {
                    policy: &report_policy,
                    https,
                    path: None,
                    nonce: nonce.clone(),
                }
                .run(response, true);
                changes.extend(applied.changes);
                rewrite_body = applied.rewrite_body;
            }
            Enforcement {
                mode,
                changes,
                nonce,
                rewrite_body,
                inspect_body: false,
            }
        }
    }
}

/// A CSP nonce from random bytes (base64; give it 16 bytes or more from a CSPRNG).
pub fn nonce_from_bytes(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Keeps only characters a CSP nonce may hold (base64 and base64url).
fn clean_nonce(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
        .take(256)
        .collect()
}

fn url_is_plain_http(url: Option<&str>) -> bool {
    url.and_then(|u| u.split_once("://"))
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("http"))
}

/// The path (and query) of an absolute or relative URL.
fn url_path(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('/') => rest[i..].to_string(),
            Some(i) => format!("/{}", &rest[i..]),
            None => "/".to_string(),
        },
        None => url.to_string(),
    }
}

struct Enforcer<'a> {
    policy: &'a Policy,
    https: bool,
    path: Option<String>,
    nonce: Option<String>,
}

#[derive(Default)]
struct RunOutput {
    changes: Vec<Change>,
    rewrite_body: Option<NonceOptions>,
    inspect_body: bool,
}

const HSTS: &str = "Strict-Transport-Security";

impl Enforcer<'_> {
    fn run(&self, r: &mut Response, keep_existing_nonces: bool) -> RunOutput {
        let mut out = RunOutput::default();
        let changes = &mut out.changes;
        let p = self.policy;
        sanitize_headers(r, changes);
        let mut body_changed = false;

        if p.blocks_debugger() {
            if r.body.as_deref().is_some_and(is_werkzeug_debugger_page) {
                replace_debugger_page_inner(r, changes);
                body_changed = true;
            } else if r.body.is_none() && r.is_html() && r.status.is_some_and(|s| s >= 500) {
                out.inspect_body = true;
            }
        }

        if let Some(remove) = &p.remove {
            for name in &remove.headers {
                let before = r.headers.remove(name);
                if !before.is_empty() {
                    let mut c = Change::new(
                        Action::RemoveHeader,
                        "[remove] headers: the policy removes this header",
                    )
                    .header(name);
                    c.before = before;
                    changes.push(c);
                }
            }
        }
        if p.hides_dev_server() {
            let mut before = Vec::new();
            r.headers.lines_mut().retain(|h| {
                let werkzeug = h.is("server") && contains_ci(&h.value, "werkzeug");
                if werkzeug {
                    before.push(h.value.clone());
                }
                !werkzeug
            });
            if !before.is_empty() {
                let mut c = Change::new(
                    Action::RemoveHeader,
                    "[flask] hide_dev_server: do not advertise the Werkzeug development server",
                )
                .header("Server");
                c.before = before;
                changes.push(c);
            }
        }

        if let Some(h) = &p.hsts {
            if self.https {
                let lines: Vec<&str> = r.headers.get_all(HSTS).map(|l| l.value.as_str()).collect();
                let keep = matches!(lines.as_slice(), [one] if hsts_satisfies(one, h));
                if !keep {
                    set_header(
                        r,
                        changes,
                        HSTS,
                        &h.header_value(),
                        "[hsts]: browsers must use HTTPS for this host (SSL stripping)",
                    );
                }
            } else {
                let before = r.headers.remove(HSTS);
                if !before.is_empty() {
                    let mut c = Change::new(
                        Action::RemoveHeader,
                        "[hsts]: browsers ignore Strict-Transport-Security over plain HTTP; it is sent over HTTPS",
                    )
                    .header(HSTS);
                    c.before = before;
                    changes.push(c);
                }
            }
        }

        if let Some(csp) = &p.csp {
            let value = csp.header_value(self.nonce.as_deref());
            ensure_header(
                r,
                changes,
                csp.header_name(),
                &value,
                if csp.report_only {
                    "[csp] report_only: the policy's CSP, reported but not enforced"
                } else {
                    "[csp]: the policy's Content-Security-Policy (defence in depth against XSS)"
                },
                |a, b| a == b,
            );
            if !csp.report_only {
                // The policy's CSP replaces the site's, report-only included: a report-only
                // policy tested a CSP that is no longer the one sent.
                let before = r.headers.remove("content-security-policy-report-only");
                if !before.is_empty() {
                    let mut c = Change::new(
                        Action::RemoveHeader,
                        "[csp]: the policy's CSP replaces the site's, whose report-only policy tested another one",
                    )
                    .header("Content-Security-Policy-Report-Only");
                    c.before = before;
                    changes.push(c);
                }
            }
            let options = NonceOptions {
                nonce: self.nonce.clone(),
                scripts: csp.nonce.then_some(csp.nonce_scripts),
                styles: csp.nonce_styles.then_some(csp.nonce_scripts),
                remove_meta_csp: !csp.report_only,
                keep_existing: keep_existing_nonces,
            };
            if options.nonce.is_some() || options.remove_meta_csp {
                match r.body.as_deref() {
                    None if r.is_html() => out.rewrite_body = Some(options),
                    Some(body)
                        if !body.is_empty()
                            && (r.is_html() || crate::html::looks_like_html(body)) =>
                    {
                        body_changed |= rewrite_body(r, &options, changes);
                    }
                    _ => {}
                }
            }
        }

        if let Some(frame) = &p.frame {
            ensure_header(
                r,
                changes,
                "X-Frame-Options",
                frame.x_frame_options.as_str(),
                "[frame] x_frame_options: other sites must not frame the page (clickjacking)",
                |a, b| a.trim().eq_ignore_ascii_case(b),
            );
        }
        if p.content_type.as_ref().is_some_and(|c| c.nosniff) {
            ensure_header(
                r,
                changes,
                "X-Content-Type-Options",
                "nosniff",
                "[content_type] nosniff: browsers must not guess content types (script via upload)",
                |a, b| a.trim().eq_ignore_ascii_case(b),
            );
        }
        if let Some(referrer) = &p.referrer {
            ensure_header(
                r,
                changes,
                "Referrer-Policy",
                &referrer.policy,
                "[referrer] policy: what URLs other sites see in Referer",
                same_list,
            );
        }
        if let Some(perm) = &p.permissions {
            ensure_header(
                r,
                changes,
                "Permissions-Policy",
                &perm.policy,
                "[permissions] policy: powerful browser features this site does not use are off",
                same_list,
            );
        }
        if let Some(co) = &p.cross_origin {
            let headers = [
                (
                    "Cross-Origin-Opener-Policy",
                    &co.opener,
                    "[cross_origin] opener: other origins cannot reach this window (XS-Leaks)",
                ),
                (
                    "Cross-Origin-Resource-Policy",
                    &co.resource,
                    "[cross_origin] resource: other origins cannot load this response (Spectre)",
                ),
                (
                    "Cross-Origin-Embedder-Policy",
                    &co.embedder,
                    "[cross_origin] embedder: cross-origin isolation",
                ),
            ];
            for (name, value, reason) in headers {
                if let Some(v) = value {
                    ensure_header(r, changes, name, v, reason, |a, b| {
                        a.trim().eq_ignore_ascii_case(b)
                    });
                }
            }
        }
        if let Some(cache) = &p.cache {
            // The same responses `cache-control-missing-sensitive` calls private from the
            // response alone: a sensitive path, or a live session cookie being set (a
            // shared cache would hand that cookie to the next user).
            let reason = if self
                .path
                .as_deref()
                .is_some_and(|path| p.is_sensitive_path(path))
            {
                Some("[cache] sensitive_paths: this page must not be stored by browsers or shared caches")
            } else if sets_session_cookie(r) {
                Some("[cache]: the response sets a session cookie, so no cache may store it")
            } else {
                None
            };
            if let Some(reason) = reason {
                let lines: Vec<&str> = r
                    .headers
                    .get_all("cache-control")
                    .map(|h| h.value.as_str())
                    .collect();
                let keep = matches!(lines.as_slice(), [one]
                    if one.eq_ignore_ascii_case(&cache.cache_control)
                        || one.split(',').any(|d| d.trim().eq_ignore_ascii_case("no-store")));
                if !keep {
                    set_header(r, changes, "Cache-Control", &cache.cache_control, reason);
                }
            }
        }

        if !p.cookies.is_empty() {
            harden_cookies(r, p, self.https, changes);
        }

        if body_changed {
            let len = r.body.as_ref().map_or(0, Vec::len).to_string();
            if r.headers.contains("content-length") {
                let before = r.headers.set("Content-Length", len.clone());
                if before.iter().any(|b| *b != len) {
                    let mut c = Change::new(Action::ReplaceHeader, "the body changed length")
                        .header("Content-Length");
                    c.before = before;
                    c.after = Some(len);
                    changes.push(c);
                }
            }
        }
        out
    }
}

/// Sets `name` to `value` unless exactly one line already holds an equal value.
fn ensure_header(
    r: &mut Response,
    changes: &mut Vec<Change>,
    name: &str,
    value: &str,
    reason: &'static str,
    same: impl Fn(&str, &str) -> bool,
) {
    let already = {
        let mut lines = r.headers.get_all(name);
        matches!((lines.next(), lines.next()), (Some(one), None) if same(&one.value, value))
    };
    if !already {
        set_header(r, changes, name, value, reason);
    }
}

/// Whether the response sets a live session cookie (what `cache-control-missing-sensitive`
/// counts as private: not a CSRF or preference cookie, not one being deleted).
fn sets_session_cookie(r: &Response) -> bool {
    crate::cookies::parse_all(&r.headers).iter().any(|c| {
        c.class == crate::cookies::CookieClass::Session && !c.is_deleted() && !c.value.is_empty()
    })
}

fn set_header(
    r: &mut Response,
    changes: &mut Vec<Change>,
    name: &str,
    value: &str,
    reason: &'static str,
) {
    let before = r.headers.set(name, value);
    let action = if before.is_empty() {
        Action::SetHeader
    } else {
        Action::ReplaceHeader
    };
    let mut c = Change::new(action, reason).header(name);
    c.before = before;
    c.after = Some(value.to_string());
    changes.push(c);
}

/// Comma lists compared item by item, ignoring case and spaces.
fn same_list(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> Vec<String> {
        s.split(',')
            .map(|i| {
                i.chars()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase()
            })
            .collect()
    };
    norm(a) == norm(b)
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase().contains(needle)
}

/// Makes every header line sendable: a value never spans lines (a value holding line
/// breaks, from header injection or from a HAR that joined repeated headers, becomes one
/// line per piece under the same name, so nothing injected becomes a header of its own),
/// control characters go, and a line whose name is not a token is dropped. Raw bytes kept
/// beside a value (`raw_value`) that hold control bytes (a NUL from a paste or the network)
/// are dropped too, so only the cleaned value can be written out.
fn sanitize_headers(r: &mut Response, changes: &mut Vec<Change>) {
    let is_ctl = |c: char| (c < ' ' && c != '\t') || c == '\x7f';
    let raw_has_ctl = |h: &crate::exchange::Header| {
        h.raw_value
            .as_deref()
            .is_some_and(|raw| raw.iter().any(|&b| is_ctl(char::from(b))))
    };
    let needs_work = r.headers.iter().any(|h| {
        h.name.is_empty()
            || !h.name.bytes().all(super::load::is_token_byte)
            || h.value.contains(is_ctl)
            || raw_has_ctl(h)
    });
    if !needs_work {
        return;
    }
    let lines = std::mem::take(r.headers.lines_mut());
    let mut out = Vec::with_capacity(lines.len());
    for mut h in lines {
        if h.name.is_empty() || !h.name.bytes().all(super::load::is_token_byte) {
            let mut c = Change::new(
                Action::DropHeader,
                "the header name is not a token, so the line cannot be sent",
            )
            .header(&h.name);
            c.before = vec![h.value.clone()];
            changes.push(c);
            continue;
        }
        if !h.value.contains(is_ctl) {
            if raw_has_ctl(&h) {
                let mut c = Change::new(
                    Action::SanitizeHeader,
                    "control characters cannot appear in a header value",
                )
                .header(&h.name);
                c.before =
                    vec![
                        String::from_utf8_lossy(h.raw_value.as_deref().unwrap_or_default())
                            .into_owned(),
                    ];
                c.after = Some(h.value.clone());
                changes.push(c);
                h.raw_value = None;
            }
            out.push(h);
            continue;
        }
        let before = h.value.clone();
        let pieces: Vec<String> = h
            .value
            .split(['\r', '\n'])
            .map(|piece| piece.chars().filter(|c| !is_ctl(*c)).collect::<String>())
            .map(|piece| piece.trim().to_string())
            .filter(|piece| !piece.is_empty())
            .collect();
        let mut c = Change::new(
            Action::SanitizeHeader,
            if before.contains(['\r', '\n']) {
                "the value held line breaks (header injection, or joined repeats): one line per piece"
            } else {
                "control characters cannot appear in a header value"
            },
        )
        .header(&h.name);
        c.before = vec![before];
        c.after = Some(pieces.join("\n"));
        changes.push(c);
        h.raw_value = None;
        for piece in pieces {
            let mut line = h.clone();
            line.value = piece;
            out.push(line);
        }
    }
    *r.headers.lines_mut() = out;
}

/// Whether an existing HSTS value meets the policy: well-formed (only `max-age`,
/// `includeSubDomains`, `preload`, each once), `max-age` at least the policy's, the flags
/// the policy asks for, and preload only when eligible.
fn hsts_satisfies(value: &str, policy: &Hsts) -> bool {
    let mut max_age = None;
    let (mut sub, mut preload) = (false, false);
    for d in value.split(';') {
        let d = d.trim();
        let (name, v) = match d.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
            None => (d, None),
        };
        if name.eq_ignore_ascii_case("max-age") {
            let Some(n) = v.and_then(|v| v.parse::<u64>().ok()) else {
                return false;
            };
            if max_age.replace(n).is_some() {
                return false;
            }
        } else if name.eq_ignore_ascii_case("includesubdomains") && v.is_none() && !sub {
            sub = true;
        } else if name.eq_ignore_ascii_case("preload") && v.is_none() && !preload {
            preload = true;
        } else {
            return false;
        }
    }
    let Some(max_age) = max_age else { return false };
    max_age >= policy.max_age
        && (sub || !policy.include_subdomains)
        && (preload || !policy.preload)
        && (!preload || (max_age >= super::load::ONE_YEAR && sub))
}

#[cfg(feature = "rewrite")]
fn rewrite_body(r: &mut Response, options: &NonceOptions, changes: &mut Vec<Change>) -> bool {
    if let Some(enc) = r
        .headers
        .get("content-encoding")
        .filter(|e| !e.trim().eq_ignore_ascii_case("identity"))
    {
        changes.push(Change::new(
            Action::SkipBody,
            format!("the body is {enc}-encoded: decode it before enforce so scripts get the nonce"),
        ));
        return false;
    }
    let Some(body) = r.body.as_deref() else {
        return false;
    };
    match super::rewrite::rewrite_html(body, options) {
        Ok((new, stats)) if stats.changed() => {
            r.body = Some(new);
            let mut what = Vec::new();
            if stats.scripts > 0 {
                what.push(format!("nonce on {} <script>", stats.scripts));
            }
            if stats.styles > 0 {
                what.push(format!("nonce on {} <style>", stats.styles));
            }
            if stats.meta_csp_removed > 0 {
                what.push(format!(
                    "{} <meta> CSP removed (the header CSP replaces it)",
                    stats.meta_csp_removed
                ));
            }
            let mut c = Change::new(Action::RewriteBody, format!("[csp]: {}", what.join(", ")));
            c.after = options.nonce.clone();
            changes.push(c);
            true
        }
        Ok(_) => false,
        Err(e) => {
            changes.push(Change::new(Action::SkipBody, format!("[csp]: {e}")));
            false
        }
    }
}

#[cfg(not(feature = "rewrite"))]
fn rewrite_body(_r: &mut Response, _options: &NonceOptions, changes: &mut Vec<Change>) -> bool {
    changes.push(Change::new(
        Action::SkipBody,
        "[csp]: built without the `rewrite` feature; scripts did not get the nonce",
    ));
    false
}

// ---------------------------------------------------------------------------------------
// Werkzeug debugger pages.

/// Whether `body` is a Werkzeug debugger page (traceback or `/console`), by the same
/// detector as the `flask-debugger-exposed` rule, so what `check` reports is what
/// `[flask] block_debugger` replaces.
pub fn is_werkzeug_debugger_page(body: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(body, needle).is_some();
    // Cheap pre-filter on bytes: every page the detector accepts names Werkzeug or its
    // debugger.
    (has(b"Werkzeug") || has(b"__debugger__=yes"))
        && crate::flask::detect::werkzeug_debugger(&String::from_utf8_lossy(body)).is_some()
}

/// The generic page that replaces a debugger page.
pub const GENERIC_500_HTML: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>500 Internal Server Error</title></head>\n<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to complete your request.</p></body>\n</html>\n";

/// Replaces a Werkzeug debugger page by a generic 500 (for callers that buffered the
/// body after [`Enforcement::inspect_body`]). Returns what changed (nothing when the body
/// is not a debugger page).
pub fn replace_debugger_page(response: &mut Response) -> Vec<Change> {
    let mut changes = Vec::new();
    if response
        .body
        .as_deref()
        .is_some_and(is_werkzeug_debugger_page)
    {
        replace_debugger_page_inner(response, &mut changes);
        if response.headers.contains("content-length") {
            let len = GENERIC_500_HTML.len().to_string();
            response.headers.set("Content-Length", len);
        }
    }
    changes
}

fn replace_debugger_page_inner(r: &mut Response, changes: &mut Vec<Change>) {
    let before_status = r.status;
    r.status = Some(500);
    r.reason = Some("Internal Server Error".into());
    r.body = Some(GENERIC_500_HTML.as_bytes().to_vec());
    for name in [
        "content-encoding",
        "etag",
        "last-modified",
        "content-disposition",
    ] {
        r.headers.remove(name);
    }
    r.headers.set("Content-Type", "text/html; charset=utf-8");
    let mut c = Change::new(
        Action::ReplaceBody,
        "[flask] block_debugger: a Werkzeug debugger page runs Python for whoever sees it; replaced by a generic 500",
    );
    c.before = before_status.map(|s| s.to_string()).into_iter().collect();
    c.after = Some("500".into());
    changes.push(c);
}

// ---------------------------------------------------------------------------------------
// Cookies.

/// A `Set-Cookie` value split into its pair and attributes, edited in place so that
/// untouched attributes keep their original text and order.
struct EditableCookie {
    pair: String,
    /// `(lowercased name, value, original text)`.
    attrs: Vec<(String, Option<String>, String)>,
}

impl EditableCookie {
    fn parse(raw: &str) -> Self {
        let mut parts = raw.split(';');
        let pair = parts.next().unwrap_or("").trim().to_string();
        let attrs = parts
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let (name, value) = match s.split_once('=') {
                    Some((n, v)) => (n.trim(), Some(v.trim().to_string())),
                    None => (s, None),
                };
                (name.to_ascii_lowercase(), value, s.to_string())
            })
            .collect();
        EditableCookie { pair, attrs }
    }

    fn name(&self) -> &str {
        self.pair.split_once('=').map_or("", |(n, _)| n.trim())
    }

    fn has(&self, name: &str) -> bool {
        self.attrs.iter().any(|(n, _, _)| n == name)
    }

    /// The value of the last attribute named `name` (browsers let the last one win).
    fn last(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v.as_deref().unwrap_or(""))
    }

    fn count(&self, name: &str) -> usize {
        self.attrs.iter().filter(|(n, _, _)| n == name).count()
    }

    fn remove(&mut self, name: &str) {
        self.attrs.retain(|(n, _, _)| n != name);
    }

    fn push(&mut self, name: &str, value: Option<&str>) {
        let text = match value {
            Some(v) => format!("{name}={v}"),
            None => name.to_string(),
        };
        self.attrs
            .push((name.to_ascii_lowercase(), value.map(str::to_string), text));
    }

    fn render(&self) -> String {
        let mut out = self.pair.clone();
        for (_, _, text) in &self.attrs {
            out.push_str("; ");
            out.push_str(text);
        }
        out
    }
}

fn parse_same_site(v: &str) -> Option<SameSite> {
    v.parse().ok()
}

fn harden_cookies(r: &mut Response, p: &Policy, https: bool, changes: &mut Vec<Change>) {
    use crate::cookies::{CookieClass, Prefix};
    let date = r
        .headers
        .get("date")
        .and_then(crate::cookies::parse_cookie_date);
    for h in r.headers.lines_mut().iter_mut() {
        if !h.is("set-cookie") {
            continue;
        }
        // The shared parser decides (class, lifetime, prefix) exactly as `check` does;
        // the edits keep every untouched attribute as written.
        let parsed = crate::cookies::parse_with(&h.value, &h.name, date);
        if parsed.name.is_empty() {
            // A line the cookie grammar cannot name (see `cookie-parse-error`).
            continue;
        }
        let name = parsed.name.clone();
        let mut cookie = EditableCookie::parse(&h.value);
        let mut did: Vec<String> = Vec::new();
        let rule = p.cookie_rule(&name);
        let mut renamed = false;
        if let Some(prefix) = rule.and_then(|r| r.prefix).filter(|_| https) {
            if Prefix::of(&name).is_none() {
                cookie.pair = format!("{}{}", prefix.as_str(), cookie.pair);
                renamed = true;
                did.push(format!("renamed to {}{name}", prefix.as_str()));
            }
        }
        if let Some(rule) = rule {
            if rule.secure && https && !parsed.secure {
                cookie.push("Secure", None);
                did.push("added Secure".into());
            }
            let wants_http_only = rule.http_only
                && (!rule.pattern.is_catch_all() || parsed.class == CookieClass::Session);
            if wants_http_only && !parsed.http_only {
                cookie.push("HttpOnly", None);
                did.push("added HttpOnly".into());
            }
            if let Some(min) = rule.same_site {
                let current = cookie.last("samesite").and_then(parse_same_site);
                let target = current.map_or(min, |c| c.max(min));
                if current != Some(target) || cookie.count("samesite") != 1 {
                    cookie.remove("samesite");
                    cookie.push("SameSite", Some(target.as_str()));
                    did.push(match current {
                        Some(c) if c < min => format!("SameSite raised from {c} to {target}"),
                        Some(_) => format!("one SameSite={target} kept"),
                        None => format!("SameSite={target} set"),
                    });
                }
            }
            if let (Some(max), Some(secs)) = (rule.max_age, parsed.lifetime.seconds()) {
                if u64::try_from(secs).is_ok_and(|s| s > max) {
                    cookie.remove("max-age");
                    cookie.push("Max-Age", Some(&max.to_string()));
                    did.push(format!("lifetime cut to Max-Age={max}"));
                }
            }
        }
        // SameSite=None is only accepted with Secure (whatever the scheme: without it
        // Chrome rejects the cookie anyway).
        let same_site_none =
            cookie.last("samesite").and_then(parse_same_site) == Some(SameSite::None);
        let has_secure = parsed.secure || cookie.has("secure");
        if same_site_none && !has_secure {
            cookie.push("Secure", None);
            did.push("added Secure (SameSite=None requires it)".into());
        }
        // Prefixed names carry requirements browsers enforce by rejecting the cookie.
        let current_name = cookie.name().to_string();
        if let (Some(m), true) = (Prefix::of(&current_name), https) {
            if !(parsed.secure || cookie.has("secure")) {
                cookie.push("Secure", None);
                did.push(format!("added Secure (required by {})", m.prefix));
            }
            if m.prefix.needs_http_only() && !(parsed.http_only || cookie.has("httponly")) {
                cookie.push("HttpOnly", None);
                did.push(format!("added HttpOnly (required by {})", m.prefix));
            }
            if m.prefix.is_host() {
                if cookie.has("domain") {
                    cookie.remove("domain");
                    did.push(format!(
                        "removed Domain ({} cookies are host-only)",
                        m.prefix
                    ));
                }
                if cookie.last("path") != Some("/") || cookie.count("path") != 1 {
                    cookie.remove("path");
                    cookie.push("Path", Some("/"));
                    did.push(format!("set Path=/ (required by {})", m.prefix));
                }
            }
        }
        if did.is_empty() {
            continue;
        }
        let before = std::mem::replace(&mut h.value, cookie.render());
        h.raw_value = None;
        let pattern = rule.map_or_else(String::new, |r| r.pattern.0.join(", "));
        let mut c = Change::new(
            if renamed {
                Action::RenameCookie
            } else {
                Action::HardenCookie
            },
            if pattern.is_empty() {
                did.join("; ")
            } else {
                format!("[[cookies]] pattern {pattern:?}: {}", did.join("; "))
            },
        )
        .header("Set-Cookie");
        c.cookie = Some(name);
        c.before = vec![before];
        c.after = Some(h.value.clone());
        changes.push(c);
    }
}

// ---------------------------------------------------------------------------------------
// Serialization.

impl Response {
    /// The response in `curl -i` form: a status line (`HTTP/1.1 200 OK` when the input had
    /// none), the header lines, a blank line, the body bytes. Lines end in CRLF as on the
    /// wire.
    pub fn to_curl_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.body.as_ref().map_or(0, Vec::len));
        let version = self.version.as_deref().unwrap_or("HTTP/1.1");
        let status = self.status.unwrap_or(200);
        out.extend_from_slice(version.as_bytes());
        out.extend_from_slice(format!(" {status}").as_bytes());
        let reason = self.reason.clone().or_else(|| {
            if version.starts_with("HTTP/2") || version.starts_with("HTTP/3") {
                None
            } else {
                http::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map(str::to_string)
            }
        });
        if let Some(reason) = reason.filter(|r| !r.is_empty()) {
            out.push(b' ');
            out.extend_from_slice(reason.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        for h in &self.headers {
            out.extend_from_slice(h.name.as_bytes());
            out.extend_from_slice(b": ");
            match &h.raw_value {
                Some(raw) if !raw.iter().any(|b| matches!(b, b'\r' | b'\n')) => {
                    out.extend_from_slice(raw)
                }
                _ => out.extend_from_slice(h.value.replace(['\r', '\n'], " ").as_bytes()),
            }
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if let Some(body) = &self.body {
            out.extend_from_slice(body);
        }
        out
    }

    /// [`Response::to_curl_bytes`] as text (invalid UTF-8 replaced).
    pub fn to_curl_string(&self) -> String {
        String::from_utf8_lossy(&self.to_curl_bytes()).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_values() {
        let p = Hsts {
            max_age: 31536000,
            include_subdomains: true,
            preload: false,
        };
        assert!(hsts_satisfies("max-age=63072000; includeSubDomains", &p));
        assert!(hsts_satisfies("max-age=\"31536000\";includesubdomains", &p));
        assert!(!hsts_satisfies("max-age=100; includeSubDomains", &p));
        assert!(!hsts_satisfies("max-age=63072000", &p));
        assert!(!hsts_satisfies(
            "max-age=63072000; max-age=1; includeSubDomains",
            &p
        ));
        assert!(!hsts_satisfies("max-age=63072000; includeSubDomains;", &p));
        assert!(!hsts_satisfies(
            "max-age=63072000; includeSubDomains; foo",
            &p
        ));
        assert!(hsts_satisfies(
            "max-age=63072000; includeSubDomains; preload",
            &p
        ));
        assert!(!hsts_satisfies(
            "max-age=63072000; preload",
            &Hsts {
                include_subdomains: false,
                ..p
            }
        ));
    }

    #[test]
    fn url_paths() {
        assert_eq!(url_path("https://a.example/login?x=1"), "/login?x=1");
        assert_eq!(url_path("https://a.example"), "/");
        assert_eq!(url_path("https://a.example?x"), "/?x");
        assert_eq!(url_path("/x"), "/x");
    }

    #[test]
    fn nonces_are_cleaned() {
        assert_eq!(clean_nonce("ab+/=_-\"' <x>"), "ab+/=_-x");
    }

    /// Enforces the balanced preset on `raw` for `url`; the Cache-Control sent, and whether
    /// `check` still reports `cache-control-missing-sensitive` on the result.
    fn cache_after_enforce(raw: &str, url: &str) -> (Option<String>, bool) {
        let mut exchange = crate::parse(raw.as_bytes()).unwrap().exchanges.remove(0);
        let request = Request {
            method: Some("GET".into()),
            url: Some(url.into()),
            ..Default::default()
        };
        let policy = Policy::balanced();
        enforce(&mut exchange.response, Some(&request), &policy, &mut || {
            "AAAAAAAAAAAAAAAAAAAAAA==".into()
        });
        let cache_control = exchange
            .response
            .headers
            .get("cache-control")
            .map(str::to_string);
        exchange.request = Some(request);
        let options = crate::CheckOptions {
            skip_secret_audit: true,
            ..Default::default()
        };
        let report = crate::check_exchanges(
            std::slice::from_ref(&exchange),
            crate::InputFormat::Raw,
            &[],
            &policy,
            &options,
        );
        let fires = report.exchanges[0]
            .findings
            .iter()
            .any(|f| f.rule == "cache-control-missing-sensitive");
        (cache_control, fires)
    }

    #[test]
    fn responses_that_set_a_session_cookie_are_not_stored_and_the_rule_agrees() {
        let session =
            "session=eyJfZnJlc2giOmZhbHNlfQ.awQ8IA.nBSGEcDDGlx7iCvCi0mcvXxzaBk; HttpOnly; Path=/";
        // A page that is not among the sensitive paths, with no Cache-Control or a weak one.
        for cc in [
            "",
            "Cache-Control: private\r\n",
            "Cache-Control: public, max-age=600\r\n",
        ] {
            let raw = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{cc}Set-Cookie: {session}\r\n\r\n"
            );
            let (sent, fires) = cache_after_enforce(&raw, "https://app.example/");
            assert_eq!(sent.as_deref(), Some("no-store"), "{cc}");
            assert!(!fires, "{cc}: the rule still fires after enforce");
        }
        // Already no-store: left as the origin sent it.
        let raw = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nCache-Control: no-store, max-age=0\r\nSet-Cookie: {session}\r\n\r\n");
        let (sent, fires) = cache_after_enforce(&raw, "https://app.example/");
        assert_eq!(sent.as_deref(), Some("no-store, max-age=0"));
        assert!(!fires);
        // Not private: a preference cookie, a session cookie being deleted (logout).
        for cookie in [
            "theme=dark; Path=/",
            "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
        ] {
            let raw = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nCache-Control: max-age=60\r\nSet-Cookie: {cookie}\r\n\r\n");
            let (sent, fires) = cache_after_enforce(&raw, "https://app.example/");
            assert_eq!(sent.as_deref(), Some("max-age=60"), "{cookie}");
            assert!(!fires, "{cookie}");
        }
    }

    #[test]
    fn debugger_pages_are_recognised() {
        assert!(is_werkzeug_debugger_page(
            b"<script src=\"?__debugger__=yes&cmd=resource&f=debugger.js\"></script><script>var EVALEX = true"
        ));
        assert!(!is_werkzeug_debugger_page(
            b"<h1>Internal Server Error</h1>"
        ));
    }
}
