//! `Set-Cookie` analysis on top of the `cookie` crate, with our own checks where the
//! crate is lenient (unknown attributes, invalid `SameSite`, broken pairs).

use crate::exchange::Headers;

/// One `Set-Cookie` header, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// The header value as sent.
    pub raw: String,
    pub secure: bool,
    pub http_only: bool,
    /// The `SameSite` value as written (`Lax`, `strict`, `bogus`).
    pub same_site: Option<String>,
    pub domain: Option<String>,
    pub path: Option<String>,
    pub max_age: Option<i64>,
    pub expires: Option<String>,
    /// Why the header could not be read as a cookie, or what in it is malformed.
    pub problems: Vec<String>,
}

/// Parses every `Set-Cookie` header of a response.
pub fn parse_all(headers: &Headers) -> Vec<SetCookie> {
    headers
        .get_all("set-cookie")
        .map(|h| parse(&h.value))
        .collect()
}

/// Parses one `Set-Cookie` value.
pub fn parse(raw: &str) -> SetCookie {
    let mut out = SetCookie {
        name: String::new(),
        value: String::new(),
        raw: raw.to_string(),
        secure: false,
        http_only: false,
        same_site: None,
        domain: None,
        path: None,
        max_age: None,
        expires: None,
        problems: Vec::new(),
    };
    match cookie::Cookie::parse(raw) {
        Ok(c) => {
            out.name = c.name().to_string();
            out.value = c.value().to_string();
            out.secure = c.secure().unwrap_or(false);
            out.http_only = c.http_only().unwrap_or(false);
            out.same_site = c.same_site().map(|s| s.to_string());
            out.domain = c.domain().map(str::to_string);
            out.path = c.path().map(str::to_string);
            out.max_age = c.max_age().map(|d| d.whole_seconds());
        }
        Err(e) => out.problems.push(e.to_string()),
    }
    out
}
