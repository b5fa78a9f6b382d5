//! What kind of body a response carries, from `Content-Type` (RFC 9110 §8.3) and, when
//! that is absent, from the body's first bytes.

use crate::exchange::Response;

/// What a response's body is, as far as the security headers care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `text/html` or `application/xhtml+xml`, or no `Content-Type` and a body that
    /// starts like HTML: a document browsers render.
    Html,
    /// Any other declared type (JSON, images, scripts, …).
    Other,
    /// No `Content-Type` and no body to look at (bare pasted headers): could be anything.
    Unknown,
}

/// The media type of a `Content-Type` value (`text/html; charset=utf-8` → `text/html`),
/// trimmed, case preserved.
pub fn media_type(content_type: &str) -> &str {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim_matches([' ', '\t'])
}

/// Whether `media_type` is an HTML document type.
pub fn is_html_type(media_type: &str) -> bool {
    media_type.eq_ignore_ascii_case("text/html")
        || media_type.eq_ignore_ascii_case("application/xhtml+xml")
}

impl BodyKind {
    pub fn of(response: &Response) -> BodyKind {
        match response.headers.get("content-type").map(media_type) {
            Some(mt) if is_html_type(mt) => BodyKind::Html,
            Some(mt) if !mt.is_empty() => BodyKind::Other,
            _ => match response.body.as_deref() {
                Some(body) if !body.is_empty() => {
                    if crate::html::looks_like_html(body) {
                        BodyKind::Html
                    } else {
                        BodyKind::Other
                    }
                }
                _ => BodyKind::Unknown,
            },
        }
    }
}

/// Whether a browser uses this response's content (as a page, script, image, data…):
/// not a redirect (3xx with `Location`, which is followed instead), `1xx`, `204` or `304`.
pub fn carries_content(response: &Response) -> bool {
    !(response.is_redirect() || matches!(response.status, Some(100..=199 | 204 | 304)))
}

/// Whether a browser would render this response as a page: an HTML (or unknown) body on
/// a response that [carries content](carries_content).
pub fn renders_document(response: &Response) -> bool {
    carries_content(response) && BodyKind::of(response) != BodyKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(ct: Option<&str>, body: Option<&[u8]>) -> Response {
        let mut r = Response {
            status: Some(200),
            body: body.map(<[u8]>::to_vec),
            ..Default::default()
        };
        if let Some(ct) = ct {
            r.headers.append("Content-Type", ct);
        }
        r
    }

    #[test]
    fn kinds() {
        assert_eq!(
            BodyKind::of(&response(Some("TEXT/HTML; charset=utf-8"), None)),
            BodyKind::Html
        );
        assert_eq!(
            BodyKind::of(&response(Some("application/xhtml+xml"), None)),
            BodyKind::Html
        );
        assert_eq!(
            BodyKind::of(&response(Some("application/json"), Some(b"<html>"))),
            BodyKind::Other
        );
        assert_eq!(
            BodyKind::of(&response(None, Some(b"<!doctype html><p>"))),
            BodyKind::Html
        );
        assert_eq!(BodyKind::of(&response(None, Some(b"{}"))), BodyKind::Other);
        assert_eq!(BodyKind::of(&response(None, None)), BodyKind::Unknown);
        assert_eq!(BodyKind::of(&response(Some(""), None)), BodyKind::Unknown);
    }

    #[test]
    fn documents() {
        assert!(renders_document(&response(Some("text/html"), None)));
        assert!(renders_document(&response(None, None)));
        assert!(!renders_document(&response(Some("application/json"), None)));
        let mut redirect = response(Some("text/html"), None);
        redirect.status = Some(302);
        redirect.headers.append("Location", "/x");
        assert!(!renders_document(&redirect));
    }
}
