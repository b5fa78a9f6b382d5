use crate::cookies::{classify, CookieClass};
use crate::headers::content_type::media_type;
use crate::headers::CacheControl;
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a response carrying private data sends `Cache-Control: no-store`.
    /// A response counts as private when:
    /// - it sets a session or auth cookie (session ids, remember-me and auth tokens,
    ///   JWTs; not CSRF or preference cookies, and not a cookie being deleted);
    /// - its request carried credentials: an `Authorization` header, or a session cookie
    ///   in `Cookie` (static assets such as scripts, styles, images and fonts excepted);
    /// - its path is one of the policy's `[cache] sensitive_paths`.
    ///
    /// Responses that no cache stores anyway are skipped: `1xx`, `304`, and statuses that
    /// are not cacheable by default (`302`, `303`, `307`, `401`, `403`, `500`, …) unless
    /// they carry explicit freshness (`max-age`, `s-maxage`, `public`, `Expires`).
    ///
    /// What is accepted: only `no-store`. `private` keeps proxies and CDNs from storing
    /// the response but not the browser, and `no-cache` only means "revalidate before
    /// reuse": both still write the page to disk.
    ///
    /// ## Why is this bad?
    /// Without `no-store`, an account page, an API answer with personal data, or the
    /// response that set the session cookie may be kept in a shared cache (a corporate
    /// proxy, a misconfigured CDN) and served to the next user, or left in the browser's
    /// disk cache where the next person on a shared computer finds it with the Back
    /// button after logout.
    ///
    /// Severities:
    /// - **high** when the response says shared caches may store it (`public` or
    ///   `s-maxage`, without `private`/`no-store`): one user's data can be served to
    ///   another;
    /// - **medium** when there is no `Cache-Control` (or only a lifetime): caches decide
    ///   for themselves, heuristically;
    /// - **low** for `private` or `no-cache` without `no-store`: shared caches are kept
    ///   out, the browser's disk cache is not.
    ///
    /// The MDN Observatory does not check caching; OWASP's Secure Headers Project
    /// recommends `Cache-Control: no-store, max-age=0`.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: text/html
    /// Set-Cookie: session=…; Secure; HttpOnly; SameSite=Lax
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Cache-Control: no-store
    /// ```
    ///
    /// ## References
    /// - [RFC 9111 §5.2.2.5: no-store](https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.5)
    /// - [RFC 9111 §3: storing responses in caches](https://www.rfc-editor.org/rfc/rfc9111#section-3)
    /// - [MDN: Cache-Control](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cache-Control)
    /// - [OWASP Session Management Cheat Sheet: web content caching](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#web-content-caching)
    pub static CACHE_CONTROL_MISSING_SENSITIVE = {
        id: "cache-control-missing-sensitive",
        title: "A private response may be cached",
        severity: Medium,
        family: Caching,
        since: "0.1.0",
        check: Check::Exchange(cache_control_missing_sensitive),
        fixes: {
            flask: "@app.after_request\ndef no_store_private(resp):\n    # pages that depend on the user (session, login, API with credentials)\n    if session or request.authorization or request.path in ('/login', '/account'):\n        resp.headers['Cache-Control'] = 'no-store'\n    return resp",
            policy: "[cache]\nsensitive_paths = [\"/login\", \"/account\"]",
            nginx: "location ~ ^/(login|account) {\n    add_header Cache-Control \"no-store\" always;\n    proxy_pass http://app;\n}",
        },
    };
}

/// Why a response counts as private.
enum Reason<'a> {
    SensitivePath(&'a str),
    SetsSessionCookie(&'a str),
    Authorization,
    SessionCookieSent(&'a str),
}

fn cache_control_missing_sensitive(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let response = &ctx.exchange.response;
    let headers = ctx.headers();
    if matches!(response.status, Some(100..=199 | 304)) {
        return Outcome::NotApplicable;
    }
    let cc = CacheControl::parse(headers.get_all("cache-control").map(|h| h.value.as_str()));
    if !storable(response.status, &cc, headers.contains("expires")) {
        return Outcome::NotApplicable;
    }
    let Some(reason) = sensitive(ctx) else {
        return Outcome::NotApplicable;
    };
    if cc.no_store {
        return Outcome::Checked;
    }
    let why = match reason {
        Reason::SensitivePath(path) => {
            format!("answers `{path}`, listed in the policy's `[cache] sensitive_paths`")
        }
        Reason::SetsSessionCookie(name) => format!("sets the session cookie `{name}`"),
        Reason::Authorization => "answers a request with an Authorization header".to_string(),
        Reason::SessionCookieSent(name) => {
            format!("answers a request that carried the session cookie `{name}`")
        }
    };
    let (severity, what) = if cc.shareable() {
        (
            Severity::High,
            "its Cache-Control lets shared caches store it and serve it to other users",
        )
    } else if cc.private || cc.no_cache {
        (
            Severity::Low,
            "`private`/`no-cache` keep shared caches out, but the browser still stores it on disk",
        )
    } else if cc.present {
        (
            Severity::Medium,
            "its Cache-Control does not say `no-store`, so caches may keep it",
        )
    } else {
        (
            Severity::Medium,
            "without Cache-Control, caches decide for themselves whether to keep it",
        )
    };
    let mut finding = Finding::new(
        &CACHE_CONTROL_MISSING_SENSITIVE,
        format!("The response {why}, but {what}; send `Cache-Control: no-store`."),
    )
    .severity(severity);
    if let Some(line) = headers.get_header("cache-control") {
        finding = finding.header_evidence(&line.name, &line.value);
    }
    // No `.cookie(name)`: the cookie is fine, the response's caching is not, and the
    // report's cookie table lists findings that name a cookie as that cookie's verdicts.
    out.push(finding);
    Outcome::Checked
}

/// Whether any cache would store the response (RFC 9111 §3 and §4.2.2): statuses that
/// are heuristically cacheable (RFC 9110 §15.1), or any status with explicit freshness.
fn storable(status: Option<u16>, cc: &CacheControl, has_expires: bool) -> bool {
    let heuristic = match status {
        None => true,
        Some(s) => matches!(
            s,
            200 | 203 | 204 | 206 | 300 | 301 | 308 | 404 | 405 | 410 | 414 | 501
        ),
    };
    heuristic || cc.public || cc.max_age.is_some() || cc.s_maxage.is_some() || has_expires
}

fn sensitive<'c>(ctx: &'c Context<'_>) -> Option<Reason<'c>> {
    if let Some(path) = request_path(ctx).filter(|p| policy_sensitive_path(ctx, p)) {
        return Some(Reason::SensitivePath(path));
    }
    if let Some(cookie) = ctx
        .cookies()
        .iter()
        .find(|c| c.class == CookieClass::Session && !c.is_deleted() && !c.value.is_empty())
    {
        return Some(Reason::SetsSessionCookie(&cookie.name));
    }
    let request = ctx.exchange.request.as_ref()?;
    if is_static_asset(ctx) {
        return None;
    }
    if request.headers.contains("authorization") {
        return Some(Reason::Authorization);
    }
    request
        .headers
        .get_all("cookie")
        .flat_map(|h| h.value.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.trim(), value.trim()))
        .find(|(name, value)| classify(name, value) == CookieClass::Session && !value.is_empty())
        .map(|(name, _)| Reason::SessionCookieSent(name))
}

/// The path of the request URL (`https://h/a/b?q` → `/a/b`, `/a?q` → `/a`).
fn request_path<'c>(ctx: &'c Context<'_>) -> Option<&'c str> {
    let url = ctx.exchange.url()?;
    let after_scheme = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let end = after_scheme.find(['?', '#']).unwrap_or(after_scheme.len());
    Some(&after_scheme[..end])
}

/// Whether the policy lists `path` under `[cache] sensitive_paths`.
fn policy_sensitive_path(ctx: &Context<'_>, path: &str) -> bool {
    ctx.policy.is_sensitive_path(path)
}

/// Scripts, styles, images, fonts, media and wasm: served the same to everyone, so a
/// session cookie on their request does not make them private.
fn is_static_asset(ctx: &Context<'_>) -> bool {
    let Some(ct) = ctx.headers().get("content-type") else {
        return false;
    };
    let mt = media_type(ct);
    let starts = |prefix: &str| {
        mt.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    let ends = |suffix: &str| {
        mt.len() >= suffix.len()
            && mt
                .get(mt.len() - suffix.len()..)
                .is_some_and(|s| s.eq_ignore_ascii_case(suffix))
    };
    starts("image/")
        || starts("font/")
        || starts("audio/")
        || starts("video/")
        || mt.eq_ignore_ascii_case("text/css")
        || ends("javascript")
        || mt.eq_ignore_ascii_case("application/wasm")
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{
        assert_not_applicable, assert_quiet, exchange, one, run, with_request,
    };

    const ID: &str = "cache-control-missing-sensitive";

    const SESSION: &str = "session=eyJfZnJlc2giOmZhbHNlfQ.awQ8IA.nBSGEcDDGlx7iCvCi0mcvXxzaBk; Secure; HttpOnly; Path=/";

    fn page(extra: &str) -> String {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: {SESSION}\r\n{extra}\r\n"
        )
    }

    #[test]
    fn severity_follows_what_caches_may_do() {
        for (cc, severity) in [
            ("", Severity::Medium),
            ("Cache-Control: max-age=600\r\n", Severity::Medium),
            ("Cache-Control: private\r\n", Severity::Low),
            ("Cache-Control: no-cache\r\n", Severity::Low),
            ("Cache-Control: public, max-age=600\r\n", Severity::High),
            ("Cache-Control: s-maxage=600\r\n", Severity::High),
        ] {
            let report = fires(ID, &page(cc));
            let f = one(&report, ID);
            assert_eq!(f.severity, severity, "{cc}");
            assert!(f.detail.contains("`session`"), "{}", f.detail);
        }
    }

    #[test]
    fn quiet_with_no_store() {
        quiet(ID, &page("Cache-Control: no-store\r\n"));
        quiet(
            ID,
            &page("Cache-Control: private\r\nCache-Control: No-Store, max-age=0\r\n"),
        );
    }

    #[test]
    fn requests_with_credentials_count() {
        let ex = with_request(
            exchange(200, &[("Content-Type", "application/json")], Some("{}")),
            "GET",
            "https://api.example/me",
            &[("Authorization", "Bearer abc")],
        );
        let report = run(ex, None);
        assert!(one(&report, ID).detail.contains("Authorization"));

        let ex = with_request(
            exchange(200, &[("Content-Type", "text/html")], None),
            "GET",
            "https://example.com/dashboard",
            &[("Cookie", "theme=dark; sessionid=abc123")],
        );
        let report = run(ex, None);
        assert!(one(&report, ID).detail.contains("`sessionid`"));
    }

    #[test]
    fn the_policy_names_sensitive_paths() {
        use crate::rules::transport::testkit::run_with_policy;
        let account = || {
            with_request(
                exchange(200, &[("Content-Type", "text/html")], None),
                "GET",
                "https://example.com/account/settings?tab=1",
                &[],
            )
        };
        // balanced lists "/account/*".
        let report = run_with_policy(account(), "balanced");
        assert!(one(&report, ID).detail.contains("`/account/settings`"));
        let policy = "[cache]\nsensitive_paths = [\"/login\"]\n";
        assert_not_applicable(&run_with_policy(account(), policy), ID);
        let stored = with_request(
            exchange(200, &[("Cache-Control", "no-store")], None),
            "GET",
            "/account",
            &[],
        );
        assert_quiet(&run_with_policy(stored, "balanced"), ID);
    }

    #[test]
    fn static_assets_and_plain_cookies_do_not_count() {
        let asset = with_request(
            exchange(200, &[("Content-Type", "application/javascript")], None),
            "GET",
            "https://example.com/static/app.js",
            &[("Cookie", "session=abc")],
        );
        assert_not_applicable(&run(asset, None), ID);
        let analytics = with_request(
            exchange(200, &[("Content-Type", "text/html")], None),
            "GET",
            "https://example.com/",
            &[("Cookie", "_ga=GA1.2.3; theme=dark; csrftoken=abc")],
        );
        assert_not_applicable(&run(analytics, None), ID);
    }

    #[test]
    fn not_applicable_when_nothing_is_private_or_nothing_is_stored() {
        assert_not_applicable(
            &run(exchange(200, &[("Content-Type", "text/html")], None), None),
            ID,
        );
        // Deleting the session (logout) carries nothing private.
        let logout = exchange(200, &[("Set-Cookie", "session=; Max-Age=0; Path=/")], None);
        assert_not_applicable(&run(logout, None), ID);
        // A 302 without explicit freshness is not stored by any cache.
        let login = crate::rules::transport::testkit::fixture("flask-gunicorn-login-post.http");
        let report = crate::rules::transport::testkit::run_input(&login, crate::Scheme::Https);
        assert_not_applicable(&report, ID);
        // ...unless it says it may be.
        let cached_redirect = exchange(
            302,
            &[
                ("Location", "/me"),
                ("Set-Cookie", SESSION),
                ("Cache-Control", "max-age=60"),
            ],
            None,
        );
        one(&run(cached_redirect, None), ID);
        let not_modified = exchange(304, &[("Set-Cookie", SESSION)], None);
        assert_not_applicable(&run(not_modified, None), ID);
    }

    #[test]
    fn the_talisman_fixture_sets_a_session_without_no_store() {
        let page = crate::rules::transport::testkit::fixture("flask-talisman-index.http");
        let report = fires(ID, &page);
        assert_eq!(one(&report, ID).severity, Severity::Medium);
        assert_quiet(
            &run(
                exchange(
                    200,
                    &[("Set-Cookie", SESSION), ("Cache-Control", "no-store")],
                    None,
                ),
                None,
            ),
            ID,
        );
    }
}
