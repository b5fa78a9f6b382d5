//! How a request is forwarded to the origin and how the origin's `Location` comes back:
//! pure functions over header lists, so they are tested natively.

/// Request headers that belong to one connection, or that we set ourselves.
const DROPPED_REQUEST_HEADERS: [&str; 13] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
];

/// What the origin is told about the client.
#[derive(Debug, Clone)]
pub struct ClientFacts<'a> {
    /// `CF-Connecting-IP` (set by the edge; absent under some local setups).
    pub ip: Option<&'a str>,
    /// `host[:port]` of the request URL: the public host.
    pub host: &'a str,
    /// `http` or `https` of the request URL.
    pub scheme: &'a str,
}

/// The parts of an absolute request URL the worker needs (workerd hands it normalized).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Lowercase `http` or `https`.
    pub scheme: String,
    /// `host[:port]`.
    pub host: &'a str,
    /// Starts with `/`; still percent-encoded.
    pub path: &'a str,
    /// Without `?`; empty when none.
    pub query: &'a str,
}

/// Splits `scheme://host[:port]/path?query#fragment` (the fragment is dropped).
pub fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (host, rest) = rest.split_at(host_end);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, q),
        None => (rest, ""),
    };
    if host.is_empty() {
        return None;
    }
    Some(UrlParts {
        scheme: scheme.to_ascii_lowercase(),
        host,
        path: if path.is_empty() { "/" } else { path },
        query,
    })
}

/// The origin URL for a request path and query.
pub fn origin_url(origin: &str, base_path: &str, path: &str, query: &str) -> String {
    let mut url =
        String::with_capacity(origin.len() + base_path.len() + path.len() + query.len() + 2);
    url.push_str(origin);
    url.push_str(base_path);
    if path.starts_with('/') {
        url.push_str(path);
    } else {
        url.push('/');
        url.push_str(path);
    }
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// The headers sent to the origin: the client's, minus hop-by-hop ones and any
/// `X-Forwarded-*` it sent (a client must not choose what the origin trusts), plus ours.
pub fn forward_headers(
    incoming: &[(String, String)],
    client: &ClientFacts<'_>,
) -> Vec<(String, String)> {
    // `Connection: x, y` names more hop-by-hop headers.
    let named: Vec<String> = incoming
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_ascii_lowercase()))
        .filter(|s| !s.is_empty())
        .collect();
    let mut out: Vec<(String, String)> = incoming
        .iter()
        .filter(|(n, _)| {
            let lower = n.to_ascii_lowercase();
            !DROPPED_REQUEST_HEADERS.contains(&lower.as_str()) && !named.contains(&lower)
        })
        .cloned()
        .collect();
    if let Some(ip) = client.ip.map(str::trim).filter(|ip| !ip.is_empty()) {
        out.push(("X-Forwarded-For".into(), ip.to_string()));
    }
    out.push(("X-Forwarded-Host".into(), client.host.to_string()));
    out.push(("X-Forwarded-Proto".into(), client.scheme.to_string()));
    out
}

/// `Location` pointing at the origin (`http://127.0.0.1:8000/me`) → the same place on the
/// public host (`https://app.example/me`). Other locations are left alone (`None`).
pub fn rewrite_location(
    location: &str,
    origin: &str,
    base_path: &str,
    public_origin: &str,
) -> Option<String> {
    let loc = location.trim();
    let prefix_len = origin.len();
    let head = loc.get(..prefix_len)?;
    if !head.eq_ignore_ascii_case(origin) {
        return None;
    }
    let rest = &loc[prefix_len..];
    if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
        return None; // http://127.0.0.1:80001 is another origin
    }
    let rest = match rest.strip_prefix(base_path) {
        Some(r) if !base_path.is_empty() && (r.is_empty() || r.starts_with(['/', '?', '#'])) => r,
        _ => rest,
    };
    let rest = if rest.starts_with('/') {
        rest.to_string()
    } else {
        format!("/{rest}")
    };
    Some(format!("{public_origin}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn urls_split() {
        let u = split_url("HTTPS://127.0.0.1:8787/a/b?x=1&y#frag").unwrap();
        assert_eq!(
            u,
            UrlParts {
                scheme: "https".into(),
                host: "127.0.0.1:8787",
                path: "/a/b",
                query: "x=1&y"
            }
        );
        let bare = split_url("http://example.com?q").unwrap();
        assert_eq!((bare.path, bare.query), ("/", "q"));
        assert_eq!(split_url("/relative"), None);
        assert_eq!(split_url("http:///x"), None);
    }

    #[test]
    fn origin_urls() {
        assert_eq!(
            origin_url("http://o:1", "", "/a/b", "x=1"),
            "http://o:1/a/b?x=1"
        );
        assert_eq!(origin_url("http://o:1", "/app", "/", ""), "http://o:1/app/");
    }

    #[test]
    fn forwarded_headers_are_ours() {
        let incoming = h(&[
            ("Host", "app.example"),
            ("Cookie", "session=1"),
            ("X-Forwarded-For", "6.6.6.6"),
            ("X-Forwarded-Proto", "https"),
            ("Connection", "keep-alive, X-Secret"),
            ("X-Secret", "1"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ]);
        let out = forward_headers(
            &incoming,
            &ClientFacts {
                ip: Some("203.0.113.9"),
                host: "app.example",
                scheme: "http",
            },
        );
        assert_eq!(
            out,
            h(&[
                ("Cookie", "session=1"),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("X-Forwarded-For", "203.0.113.9"),
                ("X-Forwarded-Host", "app.example"),
                ("X-Forwarded-Proto", "http"),
            ])
        );
    }

    #[test]
    fn locations_to_the_origin_come_back_public() {
        let r = |loc| rewrite_location(loc, "http://127.0.0.1:8000", "", "https://app.example");
        assert_eq!(
            r("http://127.0.0.1:8000/me").as_deref(),
            Some("https://app.example/me")
        );
        assert_eq!(
            r("HTTP://127.0.0.1:8000").as_deref(),
            Some("https://app.example/")
        );
        assert_eq!(
            r("http://127.0.0.1:8000?x").as_deref(),
            Some("https://app.example/?x")
        );
        assert_eq!(r("http://127.0.0.1:80001/"), None);
        assert_eq!(r("/me"), None);
        assert_eq!(r("https://elsewhere.example/"), None);
        let based = rewrite_location("http://o/app/me", "http://o", "/app", "https://p");
        assert_eq!(based.as_deref(), Some("https://p/me"));
    }
}
