//! Permalinks: the input, deflated and base64url-encoded, in the URL fragment.
//!
//! The fragment is never sent to a server, so sharing a link shares the report without
//! the pasted headers ever leaving the browser of either reader.
//!
//! Format: `#v1.<scheme>.<base64url(raw deflate(input))>`, scheme one of `auto`, `https`,
//! `http`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::SchemeChoice;

const PREFIX: &str = "v1.";

/// Longest fragment we write; past it the input is too large to share as a link.
pub const MAX_FRAGMENT_CHARS: usize = 256 * 1024;

/// Why a fragment could not be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermalinkError {
    NotAPermalink,
    BadEncoding,
    TooLarge,
}

impl std::fmt::Display for PermalinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PermalinkError::NotAPermalink => "the link does not hold a headwarden input",
            PermalinkError::BadEncoding => "the link's input is damaged (it did not decompress)",
            PermalinkError::TooLarge => "the link's input is larger than the checker accepts",
        })
    }
}

/// The fragment (without `#`) for `input`, or `None` when it would be too long.
pub fn encode(input: &str, scheme: SchemeChoice) -> Option<String> {
    let packed = miniz_oxide::deflate::compress_to_vec(input.as_bytes(), 9);
    let mut out = String::with_capacity(PREFIX.len() + 8 + packed.len() * 4 / 3 + 4);
    out.push_str(PREFIX);
    out.push_str(scheme.as_str());
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(&packed, &mut out);
    (out.len() <= MAX_FRAGMENT_CHARS).then_some(out)
}

/// The input and scheme a fragment (with or without `#`) holds.
pub fn decode(fragment: &str) -> Result<(String, SchemeChoice), PermalinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let rest = fragment
        .strip_prefix(PREFIX)
        .ok_or(PermalinkError::NotAPermalink)?;
    let (scheme, data) = rest.split_once('.').ok_or(PermalinkError::NotAPermalink)?;
    let scheme = scheme
        .parse::<SchemeChoice>()
        .map_err(|_| PermalinkError::NotAPermalink)?;
    if data.len() > MAX_FRAGMENT_CHARS {
        return Err(PermalinkError::TooLarge);
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| PermalinkError::BadEncoding)?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(
        &packed,
        headwarden_core::limits::MAX_INPUT_BYTES,
    )
    .map_err(|e| match e.status {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => PermalinkError::TooLarge,
        _ => PermalinkError::BadEncoding,
    })?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), scheme))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let input =
            "HTTP/1.1 200 OK\r\nServer: gunicorn\r\nX-Evil: <script>alert(1)</script>\r\n\r\n";
        let frag = encode(input, SchemeChoice::Http).unwrap();
        assert!(frag.starts_with("v1.http."));
        assert!(frag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
        assert_eq!(
            decode(&format!("#{frag}")).unwrap(),
            (input.to_string(), SchemeChoice::Http)
        );
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(decode(""), Err(PermalinkError::NotAPermalink));
        assert_eq!(decode("#v1.ftp.AAAA"), Err(PermalinkError::NotAPermalink));
        assert_eq!(decode("#v1.auto.!!!"), Err(PermalinkError::BadEncoding));
        assert_eq!(decode("#v1.auto.AAAA"), Err(PermalinkError::BadEncoding));
    }

    #[test]
    fn bounds_decompressed_size() {
        let big = "a".repeat(headwarden_core::limits::MAX_INPUT_BYTES + 10);
        let packed = miniz_oxide::deflate::compress_to_vec(big.as_bytes(), 9);
        let frag = format!("v1.auto.{}", URL_SAFE_NO_PAD.encode(packed));
        assert_eq!(decode(&frag), Err(PermalinkError::TooLarge));
    }
}
