//! Small typed parsers for the values of security headers, each following its spec's
//! grammar closely enough to say what a browser would do with a value: keep it, ignore
//! it, or read only part of it.
//!
//! Every parser is linear in the input, never panics, and allocates nothing on the
//! common (valid) path; errors carry what is needed to explain them.

pub mod cache_control;
pub mod content_type;
pub mod cross_origin;
pub mod hsts;
pub mod permissions;
pub mod referrer;
pub mod structured;
pub mod xfo;

pub use cache_control::CacheControl;
pub use content_type::BodyKind;
pub use cross_origin::{CrossOriginOpenerPolicy, CrossOriginResourcePolicy};
pub use hsts::{HstsError, StrictTransportSecurity};
pub use permissions::PermissionsPolicy;
pub use referrer::{ReferrerPolicy, ReferrerPolicyList};
pub use structured::StructuredFieldError;
pub use xfo::{FrameOptions, XFrameOptions};

/// `tchar` of RFC 9110 §5.6.2: the characters of a `token`.
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// Optional whitespace (RFC 9110 §5.6.3).
pub(crate) fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The elements of a comma-separated list value (RFC 9110 §5.6.1), trimmed, empty
/// elements skipped. Commas inside a quoted string do not split.
pub fn split_list(value: &str) -> ListItems<'_> {
    ListItems { rest: value }
}

/// Iterator returned by [`split_list`].
#[derive(Debug, Clone)]
pub struct ListItems<'a> {
    rest: &'a str,
}

impl<'a> Iterator for ListItems<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let bytes = self.rest.as_bytes();
            let mut in_quotes = false;
            let mut escaped = false;
            let mut end = bytes.len();
            for (i, &b) in bytes.iter().enumerate() {
                if in_quotes {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_quotes = false;
                    }
                } else if b == b'"' {
                    in_quotes = true;
                } else if b == b',' {
                    end = i;
                    break;
                }
            }
            // `end` is at a `,` (one byte) or at the end: both are char boundaries.
            let item = self.rest.get(..end).unwrap_or("").trim_matches(is_ows_char);
            self.rest = self.rest.get(end + 1..).unwrap_or("");
            if !item.is_empty() {
                return Some(item);
            }
        }
    }
}

fn is_ows_char(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The values of every header line named `name`, split as one comma-separated list
/// (the combined field value of RFC 9110 §5.3).
pub fn list_values<'a>(
    headers: &'a crate::exchange::Headers,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(name)
        .flat_map(|h| split_list(h.value.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lists_outside_quotes() {
        let items: Vec<_> = split_list(" a , ,b=\"x, y\",c,").collect();
        assert_eq!(items, ["a", "b=\"x, y\"", "c"]);
        assert_eq!(split_list("").count(), 0);
        assert_eq!(split_list(" , ").count(), 0);
        let items: Vec<_> = split_list("é,\"unterminated, x").collect();
        assert_eq!(items, ["é", "\"unterminated, x"]);
    }
}
