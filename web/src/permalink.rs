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
    // base64 gives 4 chars per 3 bytes.
    let packed = deflate_bounded(input.as_bytes(), MAX_FRAGMENT_CHARS / 4 * 3)?;
    let mut out = String::with_capacity(PREFIX.len() + 8 + packed.len() * 4 / 3 + 4);
    out.push_str(PREFIX);
    out.push_str(scheme.as_str());
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(&packed, &mut out);
    (out.len() <= MAX_FRAGMENT_CHARS).then_some(out)
}

/// `input`, raw-deflated at level 9, or `None` once the output passes `max` bytes: a
/// large input stops there instead of being compressed whole (seconds for megabytes).
fn deflate_bounded(mut input: &[u8], max: usize) -> Option<Vec<u8>> {
    use miniz_oxide::deflate::core::{
        compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
    };
    let mut compressor = CompressorOxide::new(create_comp_flags_from_zip_params(9, 0, 0));
    let mut output = vec![0; max.min(input.len() + 64)];
    let mut written = 0;
    loop {
        let out = output.get_mut(written..)?;
        let (status, read, wrote) = compress(&mut compressor, input, out, TDEFLFlush::Finish);
        written += wrote;
        match status {
            TDEFLStatus::Done => {
                output.truncate(written);
                return Some(output);
            }
            TDEFLStatus::Okay if read + wrote > 0 => {
                input = input.get(read..)?;
                if written + 30 > output.len() {
                    if output.len() >= max {
                        return None;
                    }
                    output.resize((output.len() * 2).min(max), 0);
                }
            }
            _ => return None,
        }
    }
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
    fn large_inputs_stop_at_the_bound() {
        // Incompressible: far past the bound, so no link (and no full compression).
        let mut state = 0x2545_f491_u32;
        let noise: String = (0..MAX_FRAGMENT_CHARS * 2)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                char::from(b'!' + (state % 90) as u8)
            })
            .collect();
        assert_eq!(encode(&noise, SchemeChoice::Auto), None);
        // Compressible megabytes still make a link, and it decodes to the same input.
        let har = "{\"name\": \"Content-Type\", \"value\": \"text/html\"},\n".repeat(100_000);
        let frag = encode(&har, SchemeChoice::Https).unwrap();
        assert!(frag.len() <= MAX_FRAGMENT_CHARS);
        assert_eq!(decode(&frag).unwrap(), (har, SchemeChoice::Https));
        // Tiny and empty inputs round-trip.
        for input in ["", "a", "HTTP/1.1 204 No Content\r\n\r\n"] {
            let frag = encode(input, SchemeChoice::Auto).unwrap();
            assert_eq!(decode(&frag).unwrap().0, input);
        }
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
