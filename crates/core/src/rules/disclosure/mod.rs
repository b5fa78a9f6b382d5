//! Disclosure: what the response says about the software behind it.
//!
//! Header-based rules live here (`Server`, `X-Powered-By` and friends), and the body-based
//! ones (stack traces, default pages, server-status), whose detectors are in
//! `crate::flask::detect`.

use crate::rules::Rule;

mod default_server_page;
mod info_leak_server_product;
mod info_leak_server_version;
mod info_leak_stack_trace;
mod info_leak_x_powered_by;
mod server_status_exposed;

pub use default_server_page::DEFAULT_SERVER_PAGE;
pub use info_leak_server_product::INFO_LEAK_SERVER_PRODUCT;
pub use info_leak_server_version::INFO_LEAK_SERVER_VERSION;
pub use info_leak_stack_trace::INFO_LEAK_STACK_TRACE;
pub use info_leak_x_powered_by::INFO_LEAK_X_POWERED_BY;
pub use server_status_exposed::SERVER_STATUS_EXPOSED;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &INFO_LEAK_SERVER_VERSION,
    &INFO_LEAK_SERVER_PRODUCT,
    &INFO_LEAK_X_POWERED_BY,
    &INFO_LEAK_STACK_TRACE,
    &DEFAULT_SERVER_PAGE,
    &SERVER_STATUS_EXPOSED,
];

/// One product token of a `Server`-like value: `Apache/2.4.57`, `gunicorn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Product<'a> {
    pub name: &'a str,
    pub version: Option<&'a str>,
}

impl std::fmt::Display for Product<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.version {
            Some(v) => write!(f, "{} {v}", self.name),
            None => f.write_str(self.name),
        }
    }
}

/// The product tokens of a `Server` value (RFC 9110 §10.2.4: `product *( RWS ( product
/// / comment ) )`), comments dropped. At most 16.
pub(crate) fn products(value: &str) -> Vec<Product<'_>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start: Option<usize> = None;
    for (i, ch) in value.char_indices() {
        match ch {
            '(' => {
                if depth == 0 {
                    push_product(value, start.take(), i, &mut out);
                }
                depth += 1;
            }
            ')' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() && depth == 0 => {
                push_product(value, start.take(), i, &mut out);
            }
            c if c.is_whitespace() => {}
            _ if depth == 0 && start.is_none() => start = Some(i),
            _ => {}
        }
    }
    push_product(value, start, value.len(), &mut out);
    out
}

fn push_product<'a>(value: &'a str, from: Option<usize>, to: usize, out: &mut Vec<Product<'a>>) {
    let Some(token) = from.and_then(|from| value.get(from..to)) else {
        return;
    };
    if out.len() >= 16 || token.is_empty() {
        return;
    }
    let (name, version) = match token.split_once('/') {
        Some((n, v)) => (n, (!v.is_empty()).then_some(v)),
        None => (token, None),
    };
    if !name.is_empty() {
        out.push(Product { name, version });
    }
}

/// Version numbers in a value: a product version starting with a digit
/// (`nginx/1.25.3`), or a dotted number anywhere (`Apache 2.4`, `Jetty(9.4.z)`).
pub(crate) fn versions(value: &str) -> Vec<String> {
    let mut out: Vec<String> = products(value)
        .into_iter()
        .filter(|p| {
            p.version
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        })
        .map(|p| p.to_string())
        .collect();
    if out.is_empty() {
        out.extend(
            value
                .split(|c: char| c.is_whitespace() || "/();,".contains(c))
                .filter(|t| is_dotted_number(t))
                .take(4)
                .map(str::to_string),
        );
    }
    out
}

/// `2.4`, `10.0.17763`, `9.4.z-SNAPSHOT`: a digit, a dot, a digit.
fn is_dotted_number(token: &str) -> bool {
    let b = token.as_bytes();
    b.first().is_some_and(u8::is_ascii_digit)
        && b.windows(2).any(|w| w[0] == b'.' && w[1].is_ascii_digit())
}

/// `Server` values set by CDNs and hosting edges, which the site cannot change and
/// which say nothing about the app.
pub(crate) fn is_edge_server(value: &str) -> bool {
    const EDGES: [&str; 14] = [
        "cloudflare",
        "akamaighost",
        "akamainetstorage",
        "amazons3",
        "cloudfront",
        "google frontend",
        "gws",
        "esf",
        "gse",
        "vercel",
        "netlify",
        "github.com",
        "awselb/2.0",
        "gfe/2.0",
    ];
    let v = value.trim().to_ascii_lowercase();
    EDGES.contains(&v.as_str()) || v.starts_with("ecs (") || v.starts_with("ats/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_products_and_versions() {
        let p = products("Apache/2.4.57 (Debian) OpenSSL/3.0.11");
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[0],
            Product {
                name: "Apache",
                version: Some("2.4.57")
            }
        );
        assert_eq!(p[1].to_string(), "OpenSSL 3.0.11");
        assert_eq!(
            versions("Werkzeug/3.1.3 Python/3.11.7"),
            vec!["Werkzeug 3.1.3", "Python 3.11.7"]
        );
        assert_eq!(versions("WSGIServer/0.2 CPython/3.11.7").len(), 2);
        assert_eq!(versions("Microsoft-IIS/10.0"), vec!["Microsoft-IIS 10.0"]);
        assert_eq!(versions("Jetty(9.4.z-SNAPSHOT)"), vec!["9.4.z-SNAPSHOT"]);
        assert_eq!(versions("Apache 2.4"), vec!["2.4"]);
        assert!(versions("gunicorn").is_empty());
        assert!(versions("nginx").is_empty());
        assert!(versions("AmazonS3").is_empty());
        assert!(versions("Apache (Debian)").is_empty());
        assert!(products("((((").is_empty());
        assert!(products("").is_empty());
        assert!(is_edge_server("cloudflare"));
        assert!(is_edge_server("ECS (dcb/7F84)"));
        assert!(!is_edge_server("nginx"));
    }
}
