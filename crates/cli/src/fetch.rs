//! `headwarden check <URL>`: fetches a URL natively and follows redirects by hand, so each
//! hop of the chain becomes one exchange (with its request URL) and is graded on its own,
//! as `curl -iL` would show it.

use std::collections::HashSet;
use std::io::Read;
use std::time::Duration;

use anyhow::{bail, Context as _};
use headwarden_core::exchange::{Exchange, Header, Headers, Request, Response};
use headwarden_core::limits::MAX_BODY_BYTES;

/// Most redirects followed before giving up (curl's default is 50; browsers use 20).
pub const MAX_REDIRECTS: usize = 10;

/// What to send and how long to wait.
pub struct FetchOptions {
    /// Extra request headers (`-H 'Cookie: session=…'`). They are sent to the first URL's
    /// origin only, so a redirect to another host does not receive the user's cookies.
    pub headers: Vec<(String, String)>,
    /// Per request, connect to last body byte.
    pub timeout: Duration,
}

/// The exchanges of the redirect chain starting at `url`, and notes for the report.
pub fn fetch_chain(
    url: &str,
    options: &FetchOptions,
) -> anyhow::Result<(Vec<Exchange>, Vec<String>)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(options.timeout))
        .user_agent(format!("headwarden/{}", headwarden_core::VERSION))
        .build()
        .into();
    let origin = origin_of(url).with_context(|| format!("not an http(s) URL: {url}"))?;
    let mut exchanges = Vec::new();
    let mut notes = Vec::new();
    let mut seen = HashSet::new();
    let mut current = url.to_string();
    loop {
        seen.insert(current.clone());
        let same_origin = origin_of(&current).as_deref() == Some(origin.as_str());
        let extra: &[(String, String)] = if same_origin { &options.headers } else { &[] };
        let exchange = fetch_one(&agent, &current, extra, &mut notes)?;
        let location = exchange
            .response
            .is_redirect()
            .then(|| {
                exchange
                    .response
                    .headers
                    .get("location")
                    .map(str::to_string)
            })
            .flatten();
        exchanges.push(exchange);
        let Some(location) = location else {
            break;
        };
        let Some(next) = resolve(&current, &location) else {
            notes.push(format!(
                "The redirect to `{location}` was not followed (not an http or https URL)."
            ));
            break;
        };
        if seen.contains(&next) {
            notes.push(format!(
                "The redirect chain loops back to {next}; stopped there."
            ));
            break;
        }
        if exchanges.len() > MAX_REDIRECTS {
            notes.push(format!(
                "Stopped after {MAX_REDIRECTS} redirects; the chain goes on to {next}."
            ));
            break;
        }
        current = next;
    }
    Ok((exchanges, notes))
}

fn fetch_one(
    agent: &ureq::Agent,
    url: &str,
    extra: &[(String, String)],
    notes: &mut Vec<String>,
) -> anyhow::Result<Exchange> {
    let mut request = agent.get(url);
    let mut request_headers = Headers::new();
    for (name, value) in extra {
        request = request.header(name.as_str(), value.as_str());
        request_headers.append(name.clone(), value.clone());
    }
    let mut response = request
        .call()
        .with_context(|| format!("cannot fetch {url}"))?;
    let mut headers = Headers::new();
    for (name, value) in response.headers() {
        let raw = value.as_bytes();
        let mut header = Header::new(name.as_str(), String::from_utf8_lossy(raw).trim());
        if std::str::from_utf8(raw).is_err() {
            header.raw_value = Some(raw.to_vec());
        }
        headers.push(header);
    }
    let status = response.status();
    let version = format!("{:?}", response.version());
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .with_context(|| format!("cannot read the body of {url}"))?;
    // Like the parsers, keep the first MAX_BODY_BYTES and say so: the body only feeds the
    // HTML checks (meta CSP, script nonces, debugger pages), the headers are all there.
    if body.len() > MAX_BODY_BYTES {
        body.truncate(MAX_BODY_BYTES);
        notes.push(format!(
            "The body of {url} is larger than {} MiB; only its first {} MiB were read.",
            MAX_BODY_BYTES / (1024 * 1024),
            MAX_BODY_BYTES / (1024 * 1024)
        ));
    }
    Ok(Exchange {
        request: Some(Request {
            method: Some("GET".into()),
            url: Some(url.to_string()),
            headers: request_headers,
        }),
        response: Response {
            version: Some(version),
            status: Some(status.as_u16()),
            reason: status.canonical_reason().map(str::to_string),
            headers,
            body: Some(body),
        },
    })
}

/// `scheme://authority` of an http(s) URL, lowercased.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// Resolves a `Location` against the URL it came from (the core's RFC 3986 §5.2
/// resolution), without its fragment. `None` when the target is not an http or https URL.
pub fn resolve(base: &str, location: &str) -> Option<String> {
    let url = headwarden_core::input::resolve_url(base, location)?;
    let url = url.split('#').next().unwrap_or_default();
    origin_of(url).map(|_| url.to_string())
}

pub fn parse_header_arg(arg: &str) -> anyhow::Result<(String, String)> {
    let Some((name, value)) = arg.split_once(':') else {
        bail!("-H expects `Name: value`, got `{arg}`");
    };
    let name = name.trim();
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name {
        bail!("-H: `{name}` is not a valid header name");
    }
    let value = value.trim();
    if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        bail!("-H: the value of `{name}` holds control characters");
    }
    Ok((name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_locations() {
        let base = "https://example.com/a/b?q=1";
        assert_eq!(
            resolve(base, "https://other.org/x").as_deref(),
            Some("https://other.org/x")
        );
        assert_eq!(
            resolve(base, "//cdn.example.com/y").as_deref(),
            Some("https://cdn.example.com/y")
        );
        assert_eq!(
            resolve(base, "/login").as_deref(),
            Some("https://example.com/login")
        );
        assert_eq!(
            resolve(base, "c").as_deref(),
            Some("https://example.com/a/c")
        );
        assert_eq!(
            resolve(base, "../c?x=2").as_deref(),
            Some("https://example.com/c?x=2")
        );
        assert_eq!(
            resolve(base, "?page=2").as_deref(),
            Some("https://example.com/a/b?page=2")
        );
        assert_eq!(
            resolve("http://h:8080", "next").as_deref(),
            Some("http://h:8080/next")
        );
        assert_eq!(
            resolve(base, "/x#frag").as_deref(),
            Some("https://example.com/x")
        );
        assert_eq!(resolve(base, "ftp://example.com/"), None);
        assert_eq!(resolve(base, "javascript:alert(1)"), None);
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("HTTPS://Example.com:443/x").as_deref(),
            Some("https://example.com:443")
        );
        assert_eq!(origin_of("file:///etc/passwd"), None);
        assert_eq!(origin_of("http://"), None);
    }

    #[test]
    fn header_args() {
        assert_eq!(
            parse_header_arg("Cookie: session=abc; x=y").ok(),
            Some(("Cookie".into(), "session=abc; x=y".into()))
        );
        assert!(parse_header_arg("no colon").is_err());
        assert!(parse_header_arg("Bad Name: x").is_err());
        assert!(parse_header_arg("X: a\rb").is_err());
    }
}
