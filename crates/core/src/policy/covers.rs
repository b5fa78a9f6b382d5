//! The rule ids a policy resolves when it is enforced: after `enforce(R, P)`, `check`
//! against `P` reports none of `P.covers()` (a property test and the worker's end-to-end
//! test assert it). A rule is listed only when enforcement guarantees it, whatever the
//! response: a cookie rule, for instance, only when a catch-all pattern makes it apply to
//! every cookie.

use super::model::{CookieRule, Policy};
use crate::exchange::Scheme;

impl Policy {
    /// The rule ids enforcing this policy resolves on HTTPS responses (what the worker
    /// serves), sorted.
    pub fn covers(&self) -> Vec<&'static str> {
        self.covers_for(Scheme::Https)
    }

    /// The rule ids enforcing this policy resolves on responses served over `scheme`.
    /// Over plain HTTP a `__Host-`/`__Secure-` cookie can never be valid, so
    /// `cookie-prefix-violation` is not among them.
    pub fn covers_for(&self, scheme: Scheme) -> Vec<&'static str> {
        let mut ids: Vec<&'static str> = Vec::new();
        if let Some(h) = &self.hsts {
            ids.extend([
                "hsts-missing",
                "hsts-invalid",
                "hsts-max-age-low",
                "hsts-preload-ineligible",
                "hsts-over-http",
            ]);
            if h.include_subdomains {
                ids.push("hsts-no-includesubdomains");
            }
        }
        if let Some(csp) = self.csp.as_ref().filter(|c| !c.report_only) {
            ids.extend([
                "csp-missing",
                "csp-parse-error",
                "csp-invalid-keyword",
                "csp-unknown-directive",
                "csp-deprecated-directive",
                "csp-strict-dynamic-misuse",
            ]);
            let d = &csp.directives;
            let has = |name: &str| d.contains_key(name);
            let tokens = |name: &str| -> Vec<String> {
                d.get(name)
                    .map(|v| {
                        v.split_ascii_whitespace()
                            .map(str::to_ascii_lowercase)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let script = if has("script-src") {
                tokens("script-src")
            } else {
                tokens("default-src")
            };
            let style = if has("style-src") {
                tokens("style-src")
            } else {
                tokens("default-src")
            };
            let any = |t: &str| {
                d.values()
                    .any(|v| v.split_ascii_whitespace().any(|s| s == t))
            };
            if has("script-src") || has("default-src") {
                ids.push("csp-missing-script-src");
                if !script.iter().any(|t| t == "'unsafe-inline'") {
                    ids.push("csp-unsafe-inline");
                }
                if !script.iter().any(|t| t == "'unsafe-eval'") {
                    ids.push("csp-unsafe-eval");
                }
            }
            if (has("style-src") || has("default-src"))
                && !style.iter().any(|t| t == "'unsafe-inline'")
            {
                ids.push("csp-style-unsafe-inline");
            }
            if has("object-src") || has("default-src") {
                ids.push("csp-missing-object-src");
            }
            for (directive, id) in [
                ("base-uri", "csp-missing-base-uri"),
                ("frame-ancestors", "csp-missing-frame-ancestors"),
                ("form-action", "csp-missing-form-action"),
                ("require-trusted-types-for", "csp-trusted-types-missing"),
            ] {
                if has(directive) {
                    ids.push(id);
                }
            }
            if !any("*") {
                ids.push("csp-wildcard-source");
            }
            if !d.values().any(|v| {
                v.split_ascii_whitespace()
                    .any(|s| s.to_ascii_lowercase().starts_with("http:"))
            }) {
                ids.push("csp-insecure-scheme");
            }
            if csp.report_uri.is_some() {
                ids.push("csp-reporting-missing");
            }
            if csp.nonce
                && csp.nonce_scripts == super::model::NonceScripts::All
                && cfg!(feature = "rewrite")
            {
                ids.push("csp-nonce-mismatch");
            }
            if has("frame-ancestors") {
                ids.push("framing-unprotected");
            }
        }
        if self.frame.is_some() {
            ids.extend(["framing-unprotected", "xfo-invalid"]);
        }
        if self.content_type.as_ref().is_some_and(|c| c.nosniff) {
            ids.extend(["xcto-missing", "xcto-invalid"]);
        }
        if let Some(r) = &self.referrer {
            ids.push("referrer-policy-missing");
            const SAFE: [&str; 4] = [
                "no-referrer",
                "same-origin",
                "strict-origin",
                "strict-origin-when-cross-origin",
            ];
            if r.policy.split(',').all(|t| SAFE.contains(&t.trim())) {
                ids.push("referrer-policy-unsafe");
            }
        }
        if self.permissions.is_some() {
            ids.extend(["permissions-policy-missing", "permissions-policy-invalid"]);
        }
        if let Some(co) = &self.cross_origin {
            if co.opener.is_some() {
                ids.push("coop-missing");
            }
            if co.resource.is_some() {
                ids.push("corp-missing");
            }
        }
        if !self.cookies.is_empty() {
            if scheme.is_https() {
                ids.push("cookie-prefix-violation");
            }
            let all = |f: &dyn Fn(&CookieRule) -> bool| every_cookie(&self.cookies, f);
            let secure = all(&|r| r.secure);
            if secure {
                ids.push("cookie-missing-secure");
            }
            if all(&|r| r.http_only || is_csrf_rule(r)) {
                ids.push("cookie-missing-httponly");
            }
            if all(&|r| r.same_site.is_some()) {
                ids.extend(["cookie-missing-samesite", "cookie-samesite-invalid"]);
            }
            if secure
                || all(&|r| {
                    r.same_site
                        .is_some_and(|s| s > super::model::SameSite::None)
                })
            {
                ids.push("cookie-samesite-none-insecure");
            }
            if all(&|r| r.max_age.is_some()) {
                ids.push("cookie-long-lifetime");
            }
        }
        if let Some(remove) = &self.remove {
            let removes = |name: &str| remove.headers.iter().any(|h| h.eq_ignore_ascii_case(name));
            if removes("server") {
                ids.extend(["info-leak-server-version", "info-leak-server-product"]);
            }
            for (header, id) in [
                ("x-powered-by", "info-leak-x-powered-by"),
                ("x-xss-protection", "deprecated-x-xss-protection"),
                ("public-key-pins", "deprecated-hpkp"),
                ("expect-ct", "deprecated-expect-ct"),
                ("feature-policy", "deprecated-feature-policy"),
            ] {
                if removes(header) {
                    ids.push(id);
                }
            }
        }
        if self.blocks_debugger() {
            ids.push("flask-debugger-exposed");
        }
        if self.hides_dev_server() || self.removes_header("server") {
            ids.push("flask-dev-server");
        }
        ids.push("policy-mismatch");
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Whether enforcing this policy resolves rule `id`.
    pub fn covers_rule(&self, id: &str) -> bool {
        self.covers().contains(&id)
    }
}

/// True when every cookie name gets a rule satisfying `f`: the rules up to the first
/// catch-all pattern all do (cookies matching none of them fall through to the catch-all).
fn every_cookie(rules: &[CookieRule], f: &dyn Fn(&CookieRule) -> bool) -> bool {
    let Some(catch_all) = rules.iter().position(|r| r.pattern.is_catch_all()) else {
        return false;
    };
    rules[..=catch_all].iter().all(f)
}

/// A rule that only names CSRF cookies (which JavaScript reads by design, so they are not
/// session-like and `cookie-missing-httponly` does not apply to them).
fn is_csrf_rule(rule: &CookieRule) -> bool {
    rule.pattern.0.iter().all(|p| {
        let p = p.to_ascii_lowercase();
        !p.contains('*') && !p.contains('?') && (p.contains("csrf") || p.contains("xsrf"))
    })
}
