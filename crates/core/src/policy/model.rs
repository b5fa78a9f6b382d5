//! The policy's serde types. Every section is optional: a section that is absent is
//! neither enforced nor expected. [`crate::policy::load`] is the validating way in (presets,
//! errors with line and column); deserializing these types directly skips validation.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::score::Weights;

/// A headwarden policy: what a site should send (the checker's expectations) and what the
/// worker makes it send (enforcement). `Policy::default()` is the `balanced` preset.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The user chose this policy (`Policy::load` and friends set it; `Policy::default()`
    /// does not). Only then does `policy-mismatch` report where a response departs from
    /// it, so a site is not reported for merely differing from the implicit default.
    /// Ignored by `==`.
    #[serde(skip)]
    pub explicit: bool,
    /// The preset this policy started from, for display. Not serialized: a serialized
    /// policy spells out every section, so it reads back the same without its preset.
    #[serde(default, skip_serializing)]
    pub preset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hsts: Option<Hsts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csp: Option<Csp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Frame>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<ContentType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<Referrer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_origin: Option<CrossOrigin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<Cache>,
    /// Cookie rules; the first whose pattern matches a cookie's name applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<CookieRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove: Option<Remove>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flask: Option<Flask>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf: Option<Csrf>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limit: Vec<RateLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https: Option<Https>,
    /// How findings turn into a score.
    #[serde(default)]
    pub scoring: Weights,
}

impl Policy {
    /// A policy that expects and enforces nothing (scoring weights at their defaults).
    pub fn empty() -> Policy {
        Policy {
            explicit: false,
            preset: None,
            hsts: None,
            csp: None,
            frame: None,
            content_type: None,
            referrer: None,
            permissions: None,
            cross_origin: None,
            cache: None,
            cookies: Vec::new(),
            remove: None,
            flask: None,
            limits: None,
            csrf: None,
            rate_limit: Vec::new(),
            https: None,
            scoring: Weights::default(),
        }
    }

    /// The first cookie rule whose pattern matches `cookie_name`. Rules read this for
    /// their thresholds (`cookie-long-lifetime` against `max_age`, …).
    pub fn cookie_rule(&self, cookie_name: &str) -> Option<&CookieRule> {
        self.cookies.iter().find(|r| r.matches(cookie_name))
    }

    /// The smallest HSTS `max-age` the policy accepts, when it has an `[hsts]` section.
    pub fn hsts_min_max_age(&self) -> Option<u64> {
        self.hsts.as_ref().map(|h| h.max_age)
    }

    /// Whether `path` (of a request URL) is one of `[cache] sensitive_paths`.
    pub fn is_sensitive_path(&self, path: &str) -> bool {
        self.cache
            .as_ref()
            .is_some_and(|c| c.sensitive_paths.iter().any(|p| path_matches(p, path)))
    }

    /// Whether the policy asks to remove response header `name`.
    pub fn removes_header(&self, name: &str) -> bool {
        self.remove
            .as_ref()
            .is_some_and(|r| r.headers.iter().any(|h| h.eq_ignore_ascii_case(name)))
    }

    /// Whether Werkzeug debugger pages (and URLs) are blocked.
    pub fn blocks_debugger(&self) -> bool {
        self.flask.as_ref().is_some_and(|f| f.block_debugger)
    }

    /// Whether a Werkzeug `Server` header is hidden.
    pub fn hides_dev_server(&self) -> bool {
        self.flask.as_ref().is_some_and(|f| f.hide_dev_server)
    }
}

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        // Destructured so that a new field cannot be forgotten here.
        let Policy {
            explicit: _,
            preset,
            hsts,
            csp,
            frame,
            content_type,
            referrer,
            permissions,
            cross_origin,
            cache,
            cookies,
            remove,
            flask,
            limits,
            csrf,
            rate_limit,
            https,
            scoring,
        } = self;
        *preset == other.preset
            && *hsts == other.hsts
            && *csp == other.csp
            && *frame == other.frame
            && *content_type == other.content_type
            && *referrer == other.referrer
            && *permissions == other.permissions
            && *cross_origin == other.cross_origin
            && *cache == other.cache
            && *cookies == other.cookies
            && *remove == other.remove
            && *flask == other.flask
            && *limits == other.limits
            && *csrf == other.csrf
            && *rate_limit == other.rate_limit
            && *https == other.https
            && *scoring == other.scoring
    }
}

/// `[hsts]`: the minimum expected, and the header enforced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hsts {
    /// Seconds. The smallest `max-age` the checker accepts, and the value enforced.
    pub max_age: u64,
    #[serde(default)]
    pub include_subdomains: bool,
    #[serde(default)]
    pub preload: bool,
}

impl Hsts {
    /// The header value this section enforces.
    pub fn header_value(&self) -> String {
        let mut v = format!("max-age={}", self.max_age);
        if self.include_subdomains {
            v.push_str("; includeSubDomains");
        }
        if self.preload {
            v.push_str("; preload");
        }
        v
    }
}

/// `[csp]`: the Content-Security-Policy the site intends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Csp {
    /// A fresh nonce per response, added to `script-src` and to every `<script>`.
    #[serde(default)]
    pub nonce: bool,
    /// Which `<script>` elements get the nonce: all of them, or only those that already
    /// carry a `nonce` attribute (marked as trusted by the templates).
    #[serde(default)]
    pub nonce_scripts: NonceScripts,
    /// Also add the nonce to `style-src` and every `<style>`.
    #[serde(default)]
    pub nonce_styles: bool,
    /// Send the policy as `Content-Security-Policy-Report-Only` (blocks nothing).
    #[serde(default)]
    pub report_only: bool,
    /// Where browsers send violation reports (`report-uri`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_uri: Option<String>,
    /// Directive name → source list (`''` for directives without a value).
    #[serde(default)]
    pub directives: BTreeMap<String, String>,
}

/// Which `<script>` elements the nonce goes on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NonceScripts {
    /// Every `<script>`: inline scripts keep working without template changes, but a
    /// `<script>` injected into the HTML gets the nonce too.
    #[default]
    All,
    /// Only scripts that already have a `nonce` attribute (any value, e.g.
    /// `nonce="{{ csp_nonce() }}"`): injected scripts stay blocked.
    Marked,
}

/// Order in which directives are written (the rest follow alphabetically).
const DIRECTIVE_ORDER: [&str; 12] = [
    "default-src",
    "script-src",
    "style-src",
    "img-src",
    "font-src",
    "connect-src",
    "media-src",
    "frame-src",
    "object-src",
    "base-uri",
    "frame-ancestors",
    "form-action",
];

impl Csp {
    /// The serialized policy, with `nonce` added where the section asks for it, and the
    /// `report-uri` last.
    pub fn header_value(&self, nonce: Option<&str>) -> String {
        // DIRECTIVE_ORDER first, then the others by name (the map's order): no sort
        // routine needed.
        let names: Vec<&str> = DIRECTIVE_ORDER
            .iter()
            .filter_map(|d| self.directives.get_key_value(*d).map(|(k, _)| k.as_str()))
            .chain(
                self.directives
                    .keys()
                    .map(String::as_str)
                    .filter(|n| !DIRECTIVE_ORDER.contains(n)),
            )
            .collect();
        let mut out = String::new();
        for name in names {
            let value = self.directives.get(name).map_or("", |v| v.trim());
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(name);
            let nonce_here = nonce.filter(|_| {
                (self.nonce && name == "script-src") || (self.nonce_styles && name == "style-src")
            });
            if let Some(n) = nonce_here {
                out.push_str(" 'nonce-");
                out.push_str(n);
                out.push('\'');
            }
            if !value.is_empty() {
                out.push(' ');
                out.push_str(value);
            }
        }
        if let Some(uri) = self.report_uri.as_deref().filter(|u| !u.is_empty()) {
            if !self.directives.contains_key("report-uri") {
                if !out.is_empty() {
                    out.push_str("; ");
                }
                out.push_str("report-uri ");
                out.push_str(uri);
            }
        }
        out
    }

    /// The header this section sends: `Content-Security-Policy` or its report-only twin.
    pub fn header_name(&self) -> &'static str {
        if self.report_only {
            "Content-Security-Policy-Report-Only"
        } else {
            "Content-Security-Policy"
        }
    }
}

/// `X-Frame-Options` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum XFrameOptions {
    #[serde(rename = "DENY")]
    Deny,
    #[serde(rename = "SAMEORIGIN")]
    SameOrigin,
}

impl XFrameOptions {
    pub fn as_str(self) -> &'static str {
        match self {
            XFrameOptions::Deny => "DENY",
            XFrameOptions::SameOrigin => "SAMEORIGIN",
        }
    }
}

impl fmt::Display for XFrameOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for XFrameOptions {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            s if s.eq_ignore_ascii_case("deny") => Ok(XFrameOptions::Deny),
            s if s.eq_ignore_ascii_case("sameorigin") => Ok(XFrameOptions::SameOrigin),
            other => Err(format!(
                "unknown X-Frame-Options value `{other}` (expected DENY or SAMEORIGIN)"
            )),
        }
    }
}

/// `[frame]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frame {
    pub x_frame_options: XFrameOptions,
}

/// `[content_type]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentType {
    /// Send `X-Content-Type-Options: nosniff`.
    pub nosniff: bool,
}

/// `[referrer]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referrer {
    /// The `Referrer-Policy` value (one token, or a comma list of fallbacks).
    pub policy: String,
}

/// `[permissions]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permissions {
    /// The `Permissions-Policy` value.
    pub policy: String,
}

/// `[cross_origin]`: the isolation headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossOrigin {
    /// `Cross-Origin-Opener-Policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opener: Option<String>,
    /// `Cross-Origin-Resource-Policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `Cross-Origin-Embedder-Policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedder: Option<String>,
}

/// `[cache]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cache {
    /// Request paths whose responses must not be stored (`/login`, `/account/*`).
    #[serde(default)]
    pub sensitive_paths: Vec<String>,
    /// The `Cache-Control` value sent on them.
    #[serde(default = "default_cache_control")]
    pub cache_control: String,
}

fn default_cache_control() -> String {
    "no-store".to_string()
}

/// `SameSite` values, ordered from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SameSite {
    None,
    Lax,
    Strict,
}

impl SameSite {
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::None => "None",
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
        }
    }
}

impl fmt::Display for SameSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SameSite {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            s if s.eq_ignore_ascii_case("none") => Ok(SameSite::None),
            s if s.eq_ignore_ascii_case("lax") => Ok(SameSite::Lax),
            s if s.eq_ignore_ascii_case("strict") => Ok(SameSite::Strict),
            other => Err(format!(
                "unknown SameSite value `{other}` (expected Strict, Lax or None)"
            )),
        }
    }
}

/// Cookie name prefixes (RFC 6265bis §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CookiePrefix {
    #[serde(rename = "__Host-")]
    Host,
    #[serde(rename = "__Secure-")]
    Secure,
}

impl CookiePrefix {
    pub fn as_str(self) -> &'static str {
        match self {
            CookiePrefix::Host => "__Host-",
            CookiePrefix::Secure => "__Secure-",
        }
    }
}

/// Cookie name glob(s): `*` matches any run of characters, `?` one; ASCII case is ignored.
/// Written as one string or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePatterns(pub Vec<String>);

impl NamePatterns {
    pub fn matches(&self, name: &str) -> bool {
        self.0.iter().any(|p| glob_matches(p, name))
    }

    /// True when one of the patterns matches every name.
    pub fn is_catch_all(&self) -> bool {
        self.0
            .iter()
            .any(|p| !p.is_empty() && p.bytes().all(|b| b == b'*'))
    }
}

impl Serialize for NamePatterns {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_str(one),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for NamePatterns {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor rather than an untagged enum: serde's buffering for untagged enums is
        // large in the wasm builds.
        struct OneOrMany;
        impl<'de> serde::de::Visitor<'de> for OneOrMany {
            type Value = NamePatterns;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a cookie name pattern or a list of them")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<NamePatterns, E> {
                Ok(NamePatterns(vec![s.to_string()]))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<NamePatterns, E> {
                Ok(NamePatterns(vec![s]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<NamePatterns, A::Error> {
                let mut patterns = Vec::new();
                while let Some(p) = seq.next_element::<String>()? {
                    patterns.push(p);
                }
                Ok(NamePatterns(patterns))
            }
        }
        d.deserialize_any(OneOrMany)
    }
}

/// `[[cookies]]`: how cookies whose name matches `pattern` must be set. `true` means
/// "ensure"; `false` leaves the attribute as the site sent it (enforce never weakens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CookieRule {
    pub pattern: NamePatterns,
    #[serde(default)]
    pub secure: bool,
    /// Ensure `HttpOnly`. A catch-all pattern (`*`) applies it to session-like cookies
    /// only (session ids, auth and remember-me tokens): scripts may need to read the
    /// others. A pattern that names cookies applies it to them all.
    #[serde(default)]
    pub http_only: bool,
    /// The weakest `SameSite` accepted (`None` < `Lax` < `Strict`); weaker ones are raised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<SameSite>,
    /// Longest lifetime allowed, seconds; longer `Max-Age`s are cut to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
    /// Rename matching cookies with this prefix. The app then sees the new name: only
    /// use it when the proxy also renames the request's `Cookie` header, or the app
    /// already expects it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<CookiePrefix>,
}

impl CookieRule {
    /// Whether the rule applies to `cookie_name`: the pattern matches it, or, for a rule
    /// that renames with a prefix, the name without that prefix (so a renamed cookie keeps
    /// its rule).
    pub fn matches(&self, cookie_name: &str) -> bool {
        self.pattern.matches(cookie_name)
            || self.prefix.is_some_and(|p| {
                cookie_name
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| self.pattern.matches(rest))
            })
    }
}

/// `[remove]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remove {
    /// Response headers to remove (any case).
    #[serde(default)]
    pub headers: Vec<String>,
}

/// `[flask]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flask {
    /// Block Werkzeug debugger URLs and replace debugger pages by a generic 500.
    #[serde(default)]
    pub block_debugger: bool,
    /// Remove a `Server: Werkzeug/…` header.
    #[serde(default)]
    pub hide_dev_server: bool,
}

/// `[limits]` (enforced by the worker on requests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Allowed request methods; others get 405.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<String>>,
    /// Largest request body; larger ones get 413.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_body_bytes: Option<u64>,
}

/// `[csrf]` (enforced by the worker on unsafe requests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Csrf {
    /// Origins, besides the site's own, allowed to send unsafe requests.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Paths the guard skips (webhooks).
    #[serde(default)]
    pub exempt_paths: Vec<String>,
}

/// `[[rate_limit]]` (enforced by the worker with a Workers rate-limiting binding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The name of the rate-limiting binding in `wrangler.toml`.
    pub binding: String,
    /// Requests per period: documentation of the binding's `simple.limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Seconds: documentation of the binding's `simple.period` (10 or 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
}

/// `[https]` (enforced by the worker on requests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Https {
    /// Redirect plain-HTTP requests to HTTPS.
    pub redirect: bool,
    /// Use a permanent redirect (308 for unsafe methods, 301 otherwise) instead of 302/307.
    #[serde(default = "yes")]
    pub permanent: bool,
}

fn yes() -> bool {
    true
}

/// `*`/`?` glob, ASCII case-insensitive, linear time in practice (backtracks only to the
/// last `*`).
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let p = pattern.as_bytes();
    let n = name.as_bytes();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&n[ni]) => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&b| b == b'*')
}

/// A `sensitive_paths` entry matches `path` exactly, or as a prefix when it ends in `*`.
/// The query string is ignored.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => path == pattern || path.strip_suffix('/') == Some(pattern),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches("*", "session"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("sess*", "Session"));
        assert!(glob_matches("*sess*", "my_session_id"));
        assert!(glob_matches("a?c", "abc"));
        assert!(!glob_matches("a?c", "ac"));
        assert!(!glob_matches("csrf*", "xcsrf"));
        assert!(glob_matches("*.*", "a.b"));
        assert!(!glob_matches("", "a"));
        assert!(glob_matches("", ""));
    }

    #[test]
    fn paths() {
        assert!(path_matches("/login", "/login"));
        assert!(path_matches("/login", "/login?next=/"));
        assert!(path_matches("/login", "/login/"));
        assert!(!path_matches("/login", "/login2"));
        assert!(path_matches("/account/*", "/account/settings"));
        assert!(!path_matches("/account/*", "/accounts"));
    }

    #[test]
    fn csp_header_puts_the_nonce_in_script_src() {
        let mut directives = BTreeMap::new();
        directives.insert("script-src".into(), "'strict-dynamic'".into());
        directives.insert("object-src".into(), "'none'".into());
        directives.insert("upgrade-insecure-requests".into(), String::new());
        let csp = Csp {
            nonce: true,
            nonce_scripts: NonceScripts::All,
            nonce_styles: false,
            report_only: false,
            report_uri: Some("/r".into()),
            directives,
        };
        assert_eq!(
            csp.header_value(Some("abc")),
            "script-src 'nonce-abc' 'strict-dynamic'; object-src 'none'; upgrade-insecure-requests; report-uri /r"
        );
    }
}
