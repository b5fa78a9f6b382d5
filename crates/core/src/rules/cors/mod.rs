//! CORS: what `Access-Control-Allow-Origin` and `-Allow-Credentials` let other sites
//! read.
//!
//! One response shows one decision of the server's CORS code. A reflected origin can
//! only be told from an allowlisted one when the input carries the request (HAR,
//! `curl -v`) and its `Origin` is foreign; send one to test:
//! `curl -sv -H 'Origin: https://evil.example' https://your.site/api 2>&1 | headwarden check -`.

use crate::cookies::registrable_domain;
use crate::rules::{Context, Rule};

mod cors_credentials_any_origin;
mod cors_null_origin;
mod cors_reflected_origin;
mod cors_wildcard;

pub use cors_credentials_any_origin::CORS_CREDENTIALS_ANY_ORIGIN;
pub use cors_null_origin::CORS_NULL_ORIGIN;
pub use cors_reflected_origin::CORS_REFLECTED_ORIGIN;
pub use cors_wildcard::CORS_WILDCARD;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &CORS_CREDENTIALS_ANY_ORIGIN,
    &CORS_NULL_ORIGIN,
    &CORS_REFLECTED_ORIGIN,
    &CORS_WILDCARD,
];

const ACAO: &str = "Access-Control-Allow-Origin";

/// The response's `Access-Control-Allow-Origin` (first header, trimmed), with the
/// header name as sent.
pub(crate) fn allow_origin<'a>(ctx: &Context<'a>) -> Option<(&'a str, &'a str)> {
    let h = ctx.headers().get_header(ACAO)?;
    Some((h.name.as_str(), h.value.trim()))
}

/// `Access-Control-Allow-Credentials: true` (browsers accept exactly `true`).
pub(crate) fn allows_credentials(ctx: &Context<'_>) -> bool {
    ctx.headers()
        .get("access-control-allow-credentials")
        .is_some_and(|v| v.trim() == "true")
}

/// The request's `Origin` header, when the input has the request.
pub(crate) fn request_origin<'a>(ctx: &Context<'a>) -> Option<&'a str> {
    let v = ctx.exchange.request.as_ref()?.headers.get("origin")?.trim();
    (!v.is_empty()).then_some(v)
}

/// A web origin: scheme, host and port (RFC 6454), normalised to lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
}

impl Origin {
    /// Reads `scheme://host[:port]` from an origin or URL (path, query, userinfo
    /// ignored). `null` and relative URLs give `None`.
    pub fn parse(s: &str) -> Option<Origin> {
        let (scheme, rest) = s.trim().split_once("://")?;
        if scheme.is_empty()
            || !scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            return None;
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = split_host_port(authority)?;
        if host.is_empty() {
            return None;
        }
        Some(Origin {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// The origin of the response: the request URL, or its `Host` header with the
    /// exchange's scheme.
    pub fn of_response(ctx: &Context<'_>) -> Option<Origin> {
        let request = ctx.exchange.request.as_ref()?;
        if let Some(o) = request.url.as_deref().and_then(Origin::parse) {
            return Some(o);
        }
        let host = request.headers.get("host")?.trim();
        let scheme = if ctx.scheme.is_https() {
            "https"
        } else {
            "http"
        };
        Origin::parse(&format!("{scheme}://{host}"))
    }

    fn port_or_default(&self) -> Option<u16> {
        self.port.or(match self.scheme.as_str() {
            "https" | "wss" => Some(443),
            "http" | "ws" => Some(80),
            _ => None,
        })
    }

    pub fn same_origin(&self, other: &Origin) -> bool {
        self.scheme == other.scheme
            && self.host == other.host
            && self.port_or_default() == other.port_or_default()
    }

    /// Schemeful same-site: same scheme and registrable domain (approximated, see
    /// [`registrable_domain`]).
    pub fn same_site(&self, other: &Origin) -> bool {
        self.scheme == other.scheme
            && registrable_domain(&self.host) == registrable_domain(&other.host)
    }
}

fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.starts_with('[') {
        let end = authority.find(']')?;
        let host = &authority[..=end];
        let port = match authority[end + 1..].strip_prefix(':') {
            Some(p) if !p.is_empty() => Some(p.parse().ok()?),
            _ => None,
        };
        return Some((host, port));
    }
    match authority.rsplit_once(':') {
        Some((host, "")) => Some((host, None)),
        Some((host, port)) => Some((host, Some(port.parse().ok()?))),
        None => Some((authority, None)),
    }
}

/// Builds exchanges with a request, for tests of rules that read it (the input parsers
/// are tested on their own).
#[cfg(test)]
pub(crate) mod test_support {
    use crate::exchange::{Exchange, Headers, Request, Response};
    use crate::report::{Finding, Report};

    pub(crate) fn headers(lines: &[(&str, &str)]) -> Headers {
        let mut h = Headers::new();
        for (n, v) in lines {
            h.append(*n, *v);
        }
        h
    }

    /// Checks one exchange: a GET of `url` with `request` headers, answered by `response`.
    pub(crate) fn check_one(
        url: &str,
        request: &[(&str, &str)],
        response: &[(&str, &str)],
    ) -> Report {
        let exchange = Exchange {
            request: Some(Request {
                method: Some("GET".into()),
                url: Some(url.into()),
                headers: headers(request),
            }),
            response: Response {
                status: Some(200),
                headers: headers(response),
                ..Default::default()
            },
        };
        crate::check_exchanges(
            &[exchange],
            crate::InputFormat::Har,
            &[],
            &Default::default(),
            &Default::default(),
        )
    }

    /// The finding of rule `id`, if it fired.
    pub(crate) fn finding<'r>(report: &'r Report, id: &str) -> Option<&'r Finding> {
        report.exchanges[0].findings.iter().find(|f| f.rule == id)
    }

    pub(crate) fn passed(report: &Report, id: &str) -> bool {
        report.exchanges[0].passed.contains(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::Origin;

    #[test]
    fn origins() {
        let a = Origin::parse("https://App.Example.com:443/path?q").unwrap();
        let b = Origin::parse("https://app.example.com").unwrap();
        assert!(a.same_origin(&b));
        let c = Origin::parse("https://api.example.com").unwrap();
        assert!(!a.same_origin(&c) && a.same_site(&c));
        let d = Origin::parse("http://api.example.com").unwrap();
        assert!(!a.same_site(&d));
        let e = Origin::parse("https://evil.example").unwrap();
        assert!(!a.same_site(&e));
        assert_eq!(Origin::parse("null"), None);
        assert_eq!(Origin::parse("/relative"), None);
        assert_eq!(Origin::parse("http://[::1]:8080/").unwrap().host, "[::1]");
        assert_eq!(Origin::parse("http://u:p@h:1/").unwrap().port, Some(1));
        assert_eq!(Origin::parse("http://h:x/"), None);
    }
}
