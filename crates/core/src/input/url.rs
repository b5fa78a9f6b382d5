//! Just enough URL handling for request URLs: is it absolute, resolve a `Location`
//! against it (RFC 3986 §5.2), and fill a redirect chain.

use crate::exchange::{Exchange, Request};

/// Length of `scheme:` at the start of `s`, when it has one.
fn scheme_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    for (i, c) in chars {
        match c {
            ':' => return Some(i),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {}
            _ => return None,
        }
    }
    None
}

/// True for `http://…`, `https://…` and other `scheme://` URLs.
pub(super) fn is_absolute(s: &str) -> bool {
    scheme_len(s).is_some_and(|n| s.get(n..).is_some_and(|r| r.starts_with("://")))
}

/// The parts of an absolute URL: (`https:`, `//host:port`, path, `?query#fragment`).
fn split(base: &str) -> Option<(&str, &str, &str, &str)> {
    let n = scheme_len(base)?;
    let (scheme, rest) = base.split_at(n + 1);
    let rest_after = rest.strip_prefix("//")?;
    let auth_end = rest_after.find(['/', '?', '#']).unwrap_or(rest_after.len());
    let authority = &rest[..2 + auth_end];
    let tail = &rest[2 + auth_end..];
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    Some((scheme, authority, &tail[..path_end], &tail[path_end..]))
}

/// RFC 3986 §5.2.4 on a path (no query or fragment).
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

/// Resolves `reference` (a `Location` value) against the absolute URL `base` (RFC 3986
/// §5.2). `None` when `base` is not absolute.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    if scheme_len(reference).is_some() {
        return Some(reference.to_string());
    }
    let (scheme, authority, base_path, base_tail) = split(base)?;
    if reference.starts_with("//") {
        return Some(format!("{scheme}{reference}"));
    }
    let ref_path_end = reference.find(['?', '#']).unwrap_or(reference.len());
    let (ref_path, ref_tail) = reference.split_at(ref_path_end);
    let path = if ref_path.is_empty() {
        if ref_tail.is_empty() || ref_tail.starts_with('#') {
            let base_query = base_tail.split('#').next().unwrap_or("");
            return Some(format!(
                "{scheme}{authority}{base_path}{base_query}{ref_tail}"
            ));
        }
        base_path.to_string()
    } else if ref_path.starts_with('/') {
        remove_dot_segments(ref_path)
    } else {
        let dir = match base_path.rfind('/') {
            Some(i) => &base_path[..=i],
            None => "/",
        };
        remove_dot_segments(&format!("{dir}{ref_path}"))
    };
    Some(format!("{scheme}{authority}{path}{ref_tail}"))
}

/// Fills request URLs the input did not give: the first exchange's from `first_url`, each
/// next one from the previous redirect's `Location` (when it can be resolved). A relative
/// URL is resolved against the URL known for the exchange before it.
pub(super) fn fill_redirect_chain(exchanges: &mut [Exchange], first_url: Option<&str>) {
    let mut next: Option<String> = first_url.map(str::to_string);
    for exchange in exchanges.iter_mut() {
        let known = exchange.url().map(str::to_string);
        let url = match (known, next.take()) {
            (Some(u), _) if is_absolute(&u) => Some(u),
            (Some(relative), Some(base)) => resolve(&base, &relative).or(Some(relative)),
            (Some(relative), None) => Some(relative),
            (None, guess) => guess,
        };
        if let Some(url) = &url {
            let request = exchange.request.get_or_insert_with(Request::default);
            if request.url.as_deref() != Some(url.as_str()) {
                request.url = Some(url.clone());
            }
        }
        let response = &exchange.response;
        if response.is_redirect() {
            let location = response.headers.get("location").unwrap_or_default();
            next = match &url {
                Some(u) if is_absolute(u) => resolve(u, location),
                _ if is_absolute(location) => Some(location.trim().to_string()),
                _ => None,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_rfc3986() {
        let base = "http://a/b/c/d;p?q";
        for (r, want) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../../g", "http://a/g"),
            ("https://x.test/y", "https://x.test/y"),
        ] {
            assert_eq!(resolve(base, r).as_deref(), Some(want), "{r}");
        }
        assert_eq!(
            resolve("https://h.test", "login").as_deref(),
            Some("https://h.test/login")
        );
        assert_eq!(resolve("/relative", "x"), None);
    }

    #[test]
    fn absolute_urls() {
        assert!(is_absolute("https://example.com/"));
        assert!(!is_absolute("/path"));
        assert!(!is_absolute("example.com:443"));
    }
}
