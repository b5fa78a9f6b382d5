//! The request-side checks the policy asks for, as pure functions of the request's facts:
//! HTTPS redirect, method allowlist, Werkzeug debugger URLs, body size, CSRF (Fetch
//! Metadata, else `Origin`), and which rate limits apply. The worker runs them in that
//! order and answers the first one that refuses.

use headwarden_core::policy::model::path_matches;
use headwarden_core::policy::RateLimit;
use headwarden_core::Policy;

/// What the guards need to know about a request.
#[derive(Debug, Clone, Default)]
pub struct RequestFacts<'a> {
    /// As sent (`GET`, `post`, …).
    pub method: &'a str,
    /// `http` or `https`: the scheme of the request URL (never `X-Forwarded-Proto`).
    pub scheme: &'a str,
    /// `host[:port]` of the request URL.
    pub host: &'a str,
    /// The path, still percent-encoded, starting with `/`.
    pub path: &'a str,
    /// The query without `?` (empty when none).
    pub query: &'a str,
    pub content_length: Option<u64>,
    pub sec_fetch_site: Option<&'a str>,
    pub origin: Option<&'a str>,
}

impl RequestFacts<'_> {
    /// `scheme://host[:port]` of the request URL, default port left out.
    pub fn own_origin(&self) -> String {
        normalize_origin(&format!("{}://{}", self.scheme, self.host))
    }

    fn is_unsafe_method(&self) -> bool {
        ["POST", "PUT", "PATCH", "DELETE"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(self.method))
    }
}

/// Why a request is answered by the worker instead of the origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `[https] redirect`: 308 (or 307 when not permanent) to `location`.
    Redirect { status: u16, location: String },
    /// `[limits] methods`: 405 with `Allow`.
    MethodNotAllowed { allow: String },
    /// `[flask] block_debugger`: a debugger URL gets 404.
    Debugger,
    /// `[limits] max_body_bytes`: 413.
    TooLarge { limit: u64 },
    /// `[csrf]`: 403.
    CrossSite { reason: String },
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Redirect { status, .. } => *status,
            Refusal::MethodNotAllowed { .. } => 405,
            Refusal::Debugger => 404,
            Refusal::TooLarge { .. } => 413,
            Refusal::CrossSite { .. } => 403,
        }
    }

    /// The guard's name in the log.
    pub fn guard(&self) -> &'static str {
        match self {
            Refusal::Redirect { .. } => "https-redirect",
            Refusal::MethodNotAllowed { .. } => "method",
            Refusal::Debugger => "debugger",
            Refusal::TooLarge { .. } => "body-size",
            Refusal::CrossSite { .. } => "csrf",
        }
    }

    /// A short plain-text body.
    pub fn body(&self) -> String {
        match self {
            Refusal::Redirect { location, .. } => format!("Redirecting to {location}\n"),
            Refusal::MethodNotAllowed { .. } => "405 Method Not Allowed\n".into(),
            Refusal::Debugger => "404 Not Found\n".into(),
            Refusal::TooLarge { limit } => {
                format!("413 Payload Too Large: the limit is {limit} bytes\n")
            }
            Refusal::CrossSite { .. } => "403 Forbidden: cross-site request refused\n".into(),
        }
    }
}

/// Every guard but rate limiting (which needs the binding), in order.
pub fn check_request(policy: &Policy, req: &RequestFacts<'_>) -> Option<Refusal> {
    https_redirect(policy, req)
        .or_else(|| method_not_allowed(policy, req))
        .or_else(|| debugger_url(policy, req))
        .or_else(|| too_large(policy, req.content_length))
        .or_else(|| cross_site(policy, req))
}

fn https_redirect(policy: &Policy, req: &RequestFacts<'_>) -> Option<Refusal> {
    let https = policy.https.as_ref().filter(|h| h.redirect)?;
    if !req.scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let mut location = format!("https://{}{}", strip_port(req.host, "80"), req.path);
    if !req.query.is_empty() {
        location.push('?');
        location.push_str(req.query);
    }
    Some(Refusal::Redirect {
        status: if https.permanent { 308 } else { 307 },
        location,
    })
}

fn strip_port<'a>(host: &'a str, port: &str) -> &'a str {
    match host.rsplit_once(':') {
        Some((h, p)) if p == port => h,
        _ => host,
    }
}

fn method_not_allowed(policy: &Policy, req: &RequestFacts<'_>) -> Option<Refusal> {
    let methods = policy.limits.as_ref()?.methods.as_ref()?;
    if methods.iter().any(|m| m.eq_ignore_ascii_case(req.method)) {
        return None;
    }
    Some(Refusal::MethodNotAllowed {
        allow: methods
            .iter()
            .map(|m| m.to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn debugger_url(policy: &Policy, req: &RequestFacts<'_>) -> Option<Refusal> {
    if !policy.blocks_debugger() {
        return None;
    }
    // Werkzeug decodes both before routing, so an encoded `_` must not slip through.
    let path = percent_decode(req.path);
    let console = path.trim_end_matches('/') == "/console";
    let debugger_query = req.query.split('&').any(|pair| {
        let key = pair.split('=').next().unwrap_or(pair);
        percent_decode(&key.replace('+', " ")) == "__debugger__"
    });
    (console || debugger_query).then_some(Refusal::Debugger)
}

fn too_large(policy: &Policy, content_length: Option<u64>) -> Option<Refusal> {
    let limit = policy.limits.as_ref()?.max_body_bytes?;
    (content_length? > limit).then_some(Refusal::TooLarge { limit })
}

/// The body limit the policy sets, if any (for bodies without `Content-Length`).
pub fn body_limit(policy: &Policy) -> Option<u64> {
    policy.limits.as_ref()?.max_body_bytes
}

fn cross_site(policy: &Policy, req: &RequestFacts<'_>) -> Option<Refusal> {
    let csrf = policy.csrf.as_ref()?;
    if !req.is_unsafe_method() || csrf.exempt_paths.iter().any(|p| path_matches(p, req.path)) {
        return None;
    }
    let own = req.own_origin();
    let origin = req.origin.map(|o| normalize_origin(o.trim()));
    let allowed = |o: &str| {
        o == own
            || csrf
                .allowed_origins
                .iter()
                .any(|a| normalize_origin(a.trim()) == o)
    };
    match req.sec_fetch_site.map(str::trim) {
        Some(site) if site.eq_ignore_ascii_case("cross-site") => {
            if origin.as_deref().is_some_and(allowed) {
                return None;
            }
            Some(Refusal::CrossSite {
                reason: format!(
                    "Sec-Fetch-Site: cross-site from {}",
                    origin.as_deref().unwrap_or("an unknown origin")
                ),
            })
        }
        // The browser says same-origin, same-site or none (typed URL): trust it.
        Some(_) => None,
        // No Fetch Metadata (older browser or a non-browser client): Origin decides.
        None => match origin {
            Some(o) if !allowed(&o) => Some(Refusal::CrossSite {
                reason: format!("Origin {o} is not {own} nor an allowed origin"),
            }),
            _ => None,
        },
    }
}

/// `Scheme://Host:443/` → `scheme://host`; anything else lowercased without a trailing
/// slash (`null` stays `null`).
pub fn normalize_origin(origin: &str) -> String {
    let o = origin.trim_end_matches('/').to_ascii_lowercase();
    if let Some(rest) = o.strip_prefix("https://") {
        return format!("https://{}", strip_port(rest, "443"));
    }
    if let Some(rest) = o.strip_prefix("http://") {
        return format!("http://{}", strip_port(rest, "80"));
    }
    o
}

/// The `[[rate_limit]]` rules that apply to this request.
pub fn rate_limits<'p>(policy: &'p Policy, req: &RequestFacts<'_>) -> Vec<&'p RateLimit> {
    policy
        .rate_limit
        .iter()
        .filter(|r| {
            path_matches(&r.path, req.path)
                && r.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(req.method))
        })
        .collect()
}

/// Percent-decodes (lossy UTF-8); malformed escapes stay as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balanced() -> Policy {
        Policy::balanced()
    }

    fn req<'a>(method: &'a str, path: &'a str) -> RequestFacts<'a> {
        RequestFacts {
            method,
            scheme: "https",
            host: "app.example:8443",
            path,
            ..RequestFacts::default()
        }
    }

    #[test]
    fn plain_get_passes() {
        assert_eq!(check_request(&balanced(), &req("GET", "/")), None);
    }

    #[test]
    fn http_is_redirected_permanently_with_query() {
        let r = RequestFacts {
            scheme: "http",
            host: "app.example:80",
            query: "a=1",
            ..req("POST", "/login")
        };
        assert_eq!(
            check_request(&balanced(), &r),
            Some(Refusal::Redirect {
                status: 308,
                location: "https://app.example/login?a=1".into()
            })
        );
    }

    #[test]
    fn methods_outside_the_allowlist_get_405() {
        let r = check_request(&balanced(), &req("TRACE", "/")).unwrap();
        assert_eq!(r.status(), 405);
        match r {
            Refusal::MethodNotAllowed { allow } => assert!(allow.contains("GET, HEAD")),
            other => panic!("{other:?}"),
        }
        assert_eq!(check_request(&balanced(), &req("get", "/")), None);
    }

    #[test]
    fn debugger_urls_get_404() {
        let p = balanced();
        for (path, query) in [
            ("/console", ""),
            ("/console/", ""),
            ("/%63onsole", ""),
            ("/", "__debugger__=yes&cmd=resource&f=style.css"),
            ("/boom", "x=1&%5F%5Fdebugger%5F%5F=yes"),
            ("/", "__debugger__"),
        ] {
            let r = RequestFacts {
                query,
                ..req("GET", path)
            };
            assert_eq!(
                check_request(&p, &r),
                Some(Refusal::Debugger),
                "{path}?{query}"
            );
        }
        let ok = RequestFacts {
            query: "q=__debugger__",
            ..req("GET", "/consoles")
        };
        assert_eq!(check_request(&p, &ok), None);
    }

    #[test]
    fn large_bodies_get_413() {
        let r = RequestFacts {
            content_length: Some(10 * 1024 * 1024 + 1),
            sec_fetch_site: Some("same-origin"),
            ..req("POST", "/upload")
        };
        assert_eq!(
            check_request(&balanced(), &r),
            Some(Refusal::TooLarge { limit: 10485760 })
        );
    }

    #[test]
    fn csrf_fetch_metadata() {
        let p = balanced();
        let cross = RequestFacts {
            sec_fetch_site: Some("cross-site"),
            origin: Some("https://evil.example"),
            ..req("POST", "/login")
        };
        assert_eq!(check_request(&p, &cross).map(|r| r.status()), Some(403));
        for site in ["same-origin", "same-site", "none"] {
            let r = RequestFacts {
                sec_fetch_site: Some(site),
                ..req("POST", "/login")
            };
            assert_eq!(check_request(&p, &r), None, "{site}");
        }
        // Safe methods are never refused.
        let get = RequestFacts {
            method: "GET",
            ..cross.clone()
        };
        assert_eq!(check_request(&p, &get), None);
    }

    #[test]
    fn csrf_origin_without_fetch_metadata() {
        let p = balanced();
        let own = RequestFacts {
            origin: Some("HTTPS://app.example:8443"),
            ..req("POST", "/login")
        };
        assert_eq!(check_request(&p, &own), None);
        let other = RequestFacts {
            origin: Some("https://evil.example"),
            ..req("DELETE", "/x")
        };
        assert_eq!(check_request(&p, &other).map(|r| r.status()), Some(403));
        let null = RequestFacts {
            origin: Some("null"),
            ..req("PUT", "/x")
        };
        assert_eq!(check_request(&p, &null).map(|r| r.status()), Some(403));
        // Neither header: a non-browser client, passes.
        assert_eq!(check_request(&p, &req("POST", "/login")), None);
    }

    #[test]
    fn csrf_allowed_origins_and_exempt_paths() {
        let p = Policy::load(
            "preset = \"balanced\"\n[csrf]\nallowed_origins = [\"https://front.example\"]\nexempt_paths = [\"/hooks/*\"]\n",
        )
        .unwrap();
        let allowed = RequestFacts {
            sec_fetch_site: Some("cross-site"),
            origin: Some("https://front.example/"),
            ..req("POST", "/api")
        };
        assert_eq!(check_request(&p, &allowed), None);
        let hook = RequestFacts {
            sec_fetch_site: Some("cross-site"),
            origin: Some("https://payments.example"),
            ..req("POST", "/hooks/stripe")
        };
        assert_eq!(check_request(&p, &hook), None);
    }

    #[test]
    fn rate_limits_match_path_and_method() {
        let p = Policy::load(
            "preset = \"balanced\"\n[[rate_limit]]\npath = \"/login\"\nmethod = \"POST\"\nbinding = \"LOGIN_LIMITER\"\n",
        )
        .unwrap();
        assert_eq!(rate_limits(&p, &req("POST", "/login")).len(), 1);
        assert_eq!(rate_limits(&p, &req("post", "/login/")).len(), 1);
        assert!(rate_limits(&p, &req("GET", "/login")).is_empty());
        assert!(rate_limits(&p, &req("POST", "/logout")).is_empty());
    }

    #[test]
    fn origins_normalize() {
        assert_eq!(
            normalize_origin("HTTPS://A.example:443/"),
            "https://a.example"
        );
        assert_eq!(normalize_origin("http://a:80"), "http://a");
        assert_eq!(normalize_origin("http://a:8080"), "http://a:8080");
        assert_eq!(normalize_origin("null"), "null");
    }

    #[test]
    fn percent_decoding_is_lossless_on_bad_escapes() {
        assert_eq!(percent_decode("%5f%5F%zz%4"), "__%zz%4");
    }
}
