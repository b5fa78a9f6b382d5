//! The data model every parser produces and every rule reads: an [`Exchange`] is one
//! response, with the request that produced it when the input told us.
//!
//! Header lines are kept as they came (original casing, repeats, order, bytes `http`
//! would reject) so evidence can quote them; lookups are ASCII-case-insensitive.
//! [`Headers::to_header_map`] gives the normalised `http::HeaderMap` view for callers that
//! hand the response on (the worker).

use std::fmt;

use serde::Serialize;

/// One header line as it appeared in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The name with its original casing (`Set-Cookie`, `set-cookie`, `SET-COOKIE`).
    pub name: String,
    /// The value, leading/trailing whitespace removed. Invalid UTF-8 is replaced
    /// (U+FFFD) here; `raw_value` keeps the bytes.
    pub value: String,
    /// The original bytes when they were not valid UTF-8 or held control bytes.
    #[serde(skip)]
    pub raw_value: Option<Vec<u8>>,
    /// 1-based line number in the input, when the input had lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Header {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            name: name.into(),
            value: value.into(),
            raw_value: None,
            line: None,
        }
    }

    /// True when this header's name is `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// The header lines of a request or response, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Headers {
    lines: Vec<Header>,
}

impl Headers {
    pub fn new() -> Self {
        Headers::default()
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Header> {
        self.lines.iter()
    }

    /// The first header named `name`.
    pub fn get_header(&self, name: &str) -> Option<&Header> {
        self.lines.iter().find(|h| h.is(name))
    }

    /// The value of the first header named `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_header(name).map(|h| h.value.as_str())
    }

    /// Every header named `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Header> + 'a {
        self.lines.iter().filter(move |h| h.is(name))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get_header(name).is_some()
    }

    /// Appends a header line (repeats allowed).
    pub fn append(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.lines.push(Header::new(name, value));
    }

    pub fn push(&mut self, header: Header) {
        self.lines.push(header);
    }

    /// Replaces every `name` header with one line holding `value`, kept at the position
    /// of the first one (or appended). Returns the values it replaced.
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> Vec<String> {
        let value = value.into();
        let mut old = Vec::new();
        let mut placed = false;
        self.lines.retain_mut(|h| {
            if !h.is(name) {
                return true;
            }
            old.push(std::mem::take(&mut h.value));
            if placed {
                return false;
            }
            placed = true;
            h.value = value.clone();
            h.raw_value = None;
            true
        });
        if !placed {
            self.lines.push(Header::new(name, value));
        }
        old
    }

    /// Removes every `name` header; returns the removed values.
    pub fn remove(&mut self, name: &str) -> Vec<String> {
        let mut old = Vec::new();
        self.lines.retain_mut(|h| {
            if h.is(name) {
                old.push(std::mem::take(&mut h.value));
                false
            } else {
                true
            }
        });
        old
    }

    /// Mutable access to the lines, for callers that rewrite values in place
    /// (cookie hardening keeps each `Set-Cookie` where it was).
    pub fn lines_mut(&mut self) -> &mut Vec<Header> {
        &mut self.lines
    }

    /// The normalised view: lines whose name or value `http` rejects are left out.
    pub fn to_header_map(&self) -> http::HeaderMap {
        let mut map = http::HeaderMap::with_capacity(self.lines.len());
        for h in &self.lines {
            let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(h.name.as_bytes()),
                http::HeaderValue::from_str(&h.value),
            ) else {
                continue;
            };
            map.append(name, value);
        }
        map
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;
    fn into_iter(self) -> Self::IntoIter {
        self.lines.iter()
    }
}

impl FromIterator<Header> for Headers {
    fn from_iter<I: IntoIterator<Item = Header>>(iter: I) -> Self {
        Headers {
            lines: iter.into_iter().collect(),
        }
    }
}

/// The request side of an exchange, as far as the input tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Request {
    /// `GET`, `POST`, … (as written).
    pub method: Option<String>,
    /// Absolute URL when known (`https://example.com/path?q`), else the request target.
    pub url: Option<String>,
    pub headers: Headers,
}

/// A response: status line, headers and (when the input had one) the body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Response {
    /// `HTTP/1.1`, `HTTP/2`, … when a status line was present.
    pub version: Option<String>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub headers: Headers,
    /// Body bytes (possibly truncated to [`crate::limits::MAX_BODY_BYTES`]).
    #[serde(skip)]
    pub body: Option<Vec<u8>>,
}

impl Response {
    /// The body as text (lossy), when there is one.
    pub fn body_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.body.as_deref().map(String::from_utf8_lossy)
    }

    /// True for 3xx responses with a `Location`.
    pub fn is_redirect(&self) -> bool {
        matches!(self.status, Some(300..=399)) && self.headers.contains("location")
    }

    /// True when the response declares an HTML body (or has none declared but looks like HTML).
    pub fn is_html(&self) -> bool {
        match self.headers.get("content-type") {
            Some(ct) => {
                let ct = ct.trim_start();
                // `get`: the value may hold a multi-byte character (U+FFFD) before byte 9.
                ct.get(..9)
                    .is_some_and(|t| t.eq_ignore_ascii_case("text/html"))
                    || ct.to_ascii_lowercase().starts_with("application/xhtml")
            }
            None => false,
        }
    }
}

/// One request/response pair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Exchange {
    pub request: Option<Request>,
    pub response: Response,
}

impl Exchange {
    pub fn url(&self) -> Option<&str> {
        self.request.as_ref()?.url.as_deref()
    }

    pub fn method(&self) -> Option<&str> {
        self.request.as_ref()?.method.as_deref()
    }

    /// The scheme the URL names, if it names one we know.
    pub fn url_scheme(&self) -> Option<Scheme> {
        let url = self.url()?;
        let (scheme, _) = url.split_once("://")?;
        if scheme.eq_ignore_ascii_case("https") {
            Some(Scheme::Https)
        } else if scheme.eq_ignore_ascii_case("http") {
            Some(Scheme::Http)
        } else {
            None
        }
    }
}

/// The scheme an exchange was served over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    Https,
    Http,
    /// Bare pasted headers: we assume HTTPS (the stricter reading) and say so.
    AssumedHttps,
}

impl Scheme {
    /// HTTPS rules (HSTS, `Secure` cookies) apply.
    pub fn is_https(self) -> bool {
        matches!(self, Scheme::Https | Scheme::AssumedHttps)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
            Scheme::AssumedHttps => "assumed-https",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Scheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "https" => Ok(Scheme::Https),
            "http" => Ok(Scheme::Http),
            other => Err(format!("unknown scheme `{other}` (expected http or https)")),
        }
    }
}
