//! Decoding Flask's client-side session cookie.
//!
//! Flask signs the session with itsdangerous (`URLSafeTimedSerializer`, salt
//! `cookie-session`): the cookie is `[.]payload.timestamp.signature`, each part base64url
//! without padding. A leading `.` means the payload is zlib-compressed. The payload is JSON
//! written by Flask's `TaggedJSONSerializer`, which marks tuples, bytes, `Markup`, UUIDs and
//! datetimes with one-key objects such as `{" t": [...]}`. The cookie is signed, not
//! encrypted: anyone holding it can read it, which is what this module shows.
//!
//! Decompression is bounded ([`MAX_SESSION_JSON_BYTES`]): a zlib bomb stops with
//! [`SessionError::TooLarge`] after that many bytes, whatever it would expand to.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{Map, Value};

/// Most bytes of JSON a compressed payload may expand to. Browsers keep at most about
/// 4 KiB per cookie, so a real session is far below this.
pub const MAX_SESSION_JSON_BYTES: usize = 256 * 1024;

/// Longest cookie value [`decode_flask_session`] looks at.
pub const MAX_COOKIE_CHARS: usize = 1024 * 1024;

/// One of the three dot-separated parts of a signed cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookiePart {
    Payload,
    Timestamp,
    Signature,
}

impl fmt::Display for CookiePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CookiePart::Payload => "payload",
            CookiePart::Timestamp => "timestamp",
            CookiePart::Signature => "signature",
        })
    }
}

/// Why a value could not be decoded as a Flask session cookie.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("the cookie value is empty")]
    Empty,
    #[error("the cookie value is {len} bytes long; at most {max} are decoded")]
    TooLong { len: usize, max: usize },
    #[error(
        "not a Flask session cookie: expected [.]payload.timestamp.signature, found {parts} dot-separated part(s)"
    )]
    Shape { parts: usize },
    #[error("the {0} is not valid base64url")]
    Base64(CookiePart),
    #[error("the timestamp is {len} bytes long; itsdangerous writes at most 8")]
    Timestamp { len: usize },
    #[error("the compressed payload is not valid zlib data: {0}")]
    Zlib(String),
    #[error(
        "the compressed payload expands to more than {limit} bytes (a zlib bomb?); decoding stopped there"
    )]
    TooLarge { limit: usize },
    #[error("the payload is not JSON: {0}")]
    Json(String),
}

impl SessionError {
    /// True when the value had the shape of a signed Flask cookie (the payload was found and
    /// the timestamp read) and only its content failed: it is still a Flask cookie.
    pub fn is_content_error(&self) -> bool {
        matches!(
            self,
            SessionError::Zlib(_) | SessionError::TooLarge { .. } | SessionError::Json(_)
        )
    }
}

/// A decoded Flask session cookie.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaskSession {
    /// The payload for display: Flask's tags resolved (tuples as arrays, bytes as `b'…'`,
    /// UUIDs and datetimes as strings).
    pub payload: Value,
    /// The JSON text as signed (after decompression).
    pub json: String,
    /// True when the payload held Flask tags (`{" t": …}`, …).
    pub tagged: bool,
    /// Seconds since the Unix epoch when the cookie was signed.
    pub timestamp: u64,
    /// The signing time in ISO 8601 (RFC 3339, UTC), when representable.
    pub signed_at: Option<String>,
    /// True when the payload was zlib-compressed (the cookie starts with `.`).
    pub compressed: bool,
    /// Length of the cookie value in bytes.
    pub size: usize,
    /// The raw signature bytes (20 for Flask's HMAC-SHA1).
    pub signature: Vec<u8>,
}

/// The parts of a `[.]payload.timestamp.signature` value, not yet decoded.
pub(crate) struct SignedParts<'a> {
    pub compressed: bool,
    pub payload: &'a str,
    pub timestamp: &'a str,
    pub signature: &'a str,
    /// What the signature covers: everything before the last `.`, leading `.` included.
    pub message: &'a str,
}

/// Splits an itsdangerous value into its parts.
pub(crate) fn split_signed(value: &str) -> Result<SignedParts<'_>, SessionError> {
    let (compressed, body) = match value.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let parts = body.split('.').count();
    let mut it = body.rsplitn(3, '.');
    let (Some(signature), Some(timestamp), Some(payload)) = (it.next(), it.next(), it.next())
    else {
        return Err(SessionError::Shape { parts });
    };
    if parts != 3 || payload.is_empty() || timestamp.is_empty() || signature.is_empty() {
        return Err(SessionError::Shape { parts });
    }
    let message = &value[..value.len() - signature.len() - 1];
    Ok(SignedParts {
        compressed,
        payload,
        timestamp,
        signature,
        message,
    })
}

/// Reads itsdangerous' timestamp: base64url of a big-endian integer, at most 8 bytes.
pub(crate) fn decode_timestamp(part: &str) -> Result<u64, SessionError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| SessionError::Base64(CookiePart::Timestamp))?;
    if bytes.len() > 8 {
        return Err(SessionError::Timestamp { len: bytes.len() });
    }
    Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// Decodes a Flask session cookie value: its JSON payload, signing time and size.
///
/// Accepts the value alone (`eyJ1…`), optionally in double quotes. It does not check the
/// signature (see [`crate::flask::audit_secret`]).
///
/// ```
/// let s = headwarden_core::decode_flask_session(
///     "eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE",
/// ).unwrap();
/// assert_eq!(s.payload["user"], "alice");
/// assert_eq!(s.signed_at.as_deref(), Some("2026-11-23T13:14:09Z"));
/// ```
pub fn decode_flask_session(cookie: &str) -> Result<FlaskSession, SessionError> {
    let value = unquote(cookie.trim());
    if value.is_empty() {
        return Err(SessionError::Empty);
    }
    if value.len() > MAX_COOKIE_CHARS {
        return Err(SessionError::TooLong {
            len: value.len(),
            max: MAX_COOKIE_CHARS,
        });
    }
    let parts = split_signed(value)?;
    let timestamp = decode_timestamp(parts.timestamp)?;
    let signature = URL_SAFE_NO_PAD
        .decode(parts.signature)
        .map_err(|_| SessionError::Base64(CookiePart::Signature))?;
    let raw = URL_SAFE_NO_PAD
        .decode(parts.payload)
        .map_err(|_| SessionError::Base64(CookiePart::Payload))?;
    let json_bytes = if parts.compressed {
        inflate_bounded(&raw, MAX_SESSION_JSON_BYTES)?
    } else {
        raw
    };
    let json = String::from_utf8(json_bytes)
        .map_err(|_| SessionError::Json("the payload is not UTF-8".to_string()))?;
    let parsed: Value =
        serde_json::from_str(&json).map_err(|e| SessionError::Json(e.to_string()))?;
    let mut tagged = false;
    let payload = untag(parsed, &mut tagged);
    Ok(FlaskSession {
        payload,
        json,
        tagged,
        timestamp,
        signed_at: iso8601(timestamp),
        compressed: parts.compressed,
        size: value.len(),
        signature,
    })
}

/// Removes one pair of surrounding double quotes (RFC 6265 allows a quoted cookie value).
pub(crate) fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// zlib-inflates `data`, failing once the output would pass `limit` bytes. Memory stays
/// within `limit` plus the decoder's fixed state, whatever the input expands to.
pub fn inflate_bounded(data: &[u8], limit: usize) -> Result<Vec<u8>, SessionError> {
    // miniz_oxide directly (flate2's backend): flate2's `Read` adapters bring `std::io`'s
    // machinery into the wasm builds for nothing. The output grows to `limit` at most.
    use miniz_oxide::inflate::{decompress_to_vec_zlib_with_limit, TINFLStatus};
    decompress_to_vec_zlib_with_limit(data, limit).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => SessionError::TooLarge { limit },
        _ => SessionError::Zlib(e.to_string().to_ascii_lowercase()),
    })
}

/// `seconds` since the epoch as RFC 3339 in UTC (`2026-11-23T13:14:09Z`).
pub fn iso8601(seconds: u64) -> Option<String> {
    let seconds = i64::try_from(seconds).ok()?;
    let at = time::OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    crate::cookies::rfc3339(at)
}

/// Flask's JSON tags (`flask.json.tag`): each is a one-key object.
const TAG_TUPLE: &str = " t";
const TAG_BYTES: &str = " b";
const TAG_MARKUP: &str = " m";
const TAG_UUID: &str = " u";
const TAG_DATETIME: &str = " d";
const TAG_DICT: &str = " di";
const TAGS: [&str; 6] = [
    TAG_TUPLE,
    TAG_BYTES,
    TAG_MARKUP,
    TAG_UUID,
    TAG_DATETIME,
    TAG_DICT,
];

/// Resolves Flask's tags for display. Sets `tagged` when one was found.
pub fn untag(value: Value, tagged: &mut bool) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(|v| untag(v, tagged)).collect()),
        Value::Object(map) => {
            if map.len() == 1 {
                let key = map.keys().next().map(String::as_str).unwrap_or("");
                if TAGS.contains(&key) {
                    *tagged = true;
                    let key = key.to_string();
                    let mut map = map;
                    let inner = map.remove(&key).unwrap_or(Value::Null);
                    return untag_one(&key, inner, tagged);
                }
            }
            // In place: collecting into a new map would also instantiate a sort for it.
            let mut map = map;
            for v in map.values_mut() {
                *v = untag(std::mem::take(v), tagged);
            }
            Value::Object(map)
        }
        other => other,
    }
}

fn untag_one(tag: &str, inner: Value, tagged: &mut bool) -> Value {
    match (tag, inner) {
        (TAG_TUPLE, Value::Array(items)) => {
            Value::Array(items.into_iter().map(|v| untag(v, tagged)).collect())
        }
        (TAG_BYTES, Value::String(b64)) => match STANDARD.decode(b64.as_bytes()) {
            Ok(bytes) => Value::String(python_bytes_repr(&bytes)),
            Err(_) => Value::String(b64),
        },
        (TAG_MARKUP, Value::String(s)) => Value::String(s),
        (TAG_UUID, Value::String(hex)) => Value::String(format_uuid(&hex).unwrap_or(hex)),
        (TAG_DATETIME, Value::String(date)) => {
            Value::String(http_date_to_iso(&date).unwrap_or(date))
        }
        (TAG_DICT, Value::Object(map)) => {
            // `{" di": {"key__": value}}` stands for `{"key": value}` where `key` is a tag.
            let mut out = Map::new();
            for (k, v) in map {
                let k = k.strip_suffix("__").map(str::to_string).unwrap_or(k);
                out.insert(k, untag(v, tagged));
            }
            Value::Object(out)
        }
        (tag, other) => {
            // Not a well-formed tag: show it as written.
            let mut map = Map::new();
            map.insert(tag.to_string(), untag(other, tagged));
            Value::Object(map)
        }
    }
}

/// `bytes` the way Python prints them: `b'abc\x00'`.
pub fn python_bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(quote);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

fn format_uuid(hex: &str) -> Option<String> {
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// Flask writes datetimes as HTTP dates (`Mon, 23 Nov 2026 13:14:09 GMT`, IMF-fixdate).
/// Read with the cookie module's strict IMF-fixdate reader rather than `time`'s RFC 2822
/// parser, whose format machinery is large in the wasm builds.
fn http_date_to_iso(date: &str) -> Option<String> {
    crate::cookies::rfc3339(crate::cookies::parse_imf_fixdate(date)?)
}

/// How sensitive a value kept in a readable session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sensitivity {
    /// Flask-WTF's raw CSRF token: readable by whoever holds the cookie anyway.
    CsrfToken,
    /// Personal data (email address, phone number).
    PersonalData,
    /// A bearer token or API token.
    Token,
    /// A password, secret or key.
    Credential,
}

impl Sensitivity {
    pub fn describe(self) -> &'static str {
        match self {
            Sensitivity::CsrfToken => "raw CSRF token",
            Sensitivity::PersonalData => "personal data",
            Sensitivity::Token => "token",
            Sensitivity::Credential => "credential",
        }
    }
}

/// One sensitive entry found in a session payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveEntry {
    /// Where it is: `password`, `user.email`, `cart[2].token`.
    pub path: String,
    pub kind: Sensitivity,
}

/// Most sensitive entries reported for one session.
const MAX_SENSITIVE: usize = 20;

/// Finds passwords, tokens, raw CSRF secrets and email addresses in a session payload.
pub fn sensitive_entries(payload: &Value) -> Vec<SensitiveEntry> {
    let mut out = Vec::new();
    walk(payload, &mut String::new(), &mut out);
    out
}

fn walk(value: &Value, path: &mut String, out: &mut Vec<SensitiveEntry>) {
    if out.len() >= MAX_SENSITIVE {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let by_key = classify_key(key).filter(|_| !is_empty_value(v));
                let by_value = v
                    .as_str()
                    .filter(|s| looks_like_email(s))
                    .map(|_| Sensitivity::PersonalData);
                if let Some(kind) = by_key.max(by_value) {
                    out.push(SensitiveEntry {
                        path: path.clone(),
                        kind,
                    });
                } else {
                    walk(v, path, out);
                }
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                if let Some(s) = v.as_str().filter(|s| looks_like_email(s)) {
                    let _ = s;
                    out.push(SensitiveEntry {
                        path: path.clone(),
                        kind: Sensitivity::PersonalData,
                    });
                } else {
                    walk(v, path, out);
                }
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) => true,
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// Classifies a session key by name (`api_token`, `Password`, `csrf-token`, `e_mail`).
pub fn classify_key(key: &str) -> Option<Sensitivity> {
    let norm: String = key
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let has = |s: &str| norm.contains(s);
    if has("csrf") || has("xsrf") {
        return Some(Sensitivity::CsrfToken);
    }
    if has("password")
        || has("passwd")
        || has("passphrase")
        || norm == "pwd"
        || norm == "pass"
        || has("secret")
        || has("privatekey")
        || has("apikey")
        || has("creditcard")
        || has("cardnumber")
        || norm == "cvv"
        || norm == "ssn"
    {
        return Some(Sensitivity::Credential);
    }
    if has("token") || has("jwt") || has("bearer") || norm == "otp" || has("totp") {
        return Some(Sensitivity::Token);
    }
    if has("email") || norm == "mail" || has("phone") {
        return Some(Sensitivity::PersonalData);
    }
    None
}

/// `local@domain.tld`, loosely.
fn looks_like_email(s: &str) -> bool {
    if s.len() > 254 || s.contains(char::is_whitespace) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::testdata::{fixture_cookie, fixture_cookies};

    #[test]
    fn decodes_every_flask_fixture_cookie() {
        for c in fixture_cookies() {
            if c["kind"] != "flask-session" {
                continue;
            }
            let cookie = c["cookie"].as_str().unwrap();
            let s = decode_flask_session(cookie).unwrap_or_else(|e| panic!("{}: {e}", c["name"]));
            assert_eq!(s.payload, c["payload"], "{}", c["name"]);
            if let Some(ts) = c["timestamp"].as_u64() {
                assert_eq!(s.timestamp, ts);
            }
            if let Some(compressed) = c["compressed"].as_bool() {
                assert_eq!(s.compressed, compressed);
            }
            if let Some(json) = c["json"].as_str() {
                assert_eq!(s.json, json);
            }
            assert_eq!(s.signature.len(), 20);
            assert_eq!(s.size, cookie.len());
        }
    }

    #[test]
    fn shows_signing_time_in_iso8601() {
        let s = decode_flask_session(&fixture_cookie("flask-dev-simple")).unwrap();
        assert_eq!(s.signed_at.as_deref(), Some("2026-11-23T13:14:09Z"));
        assert!(!s.compressed);
        assert!(!s.tagged);
    }

    #[test]
    fn rejects_values_that_are_not_signed_cookies() {
        assert_eq!(decode_flask_session(""), Err(SessionError::Empty));
        assert_eq!(
            decode_flask_session("abc"),
            Err(SessionError::Shape { parts: 1 })
        );
        assert_eq!(
            decode_flask_session("a.b.c.d"),
            Err(SessionError::Shape { parts: 4 })
        );
        assert_eq!(
            decode_flask_session("e30.!!!.sig"),
            Err(SessionError::Base64(CookiePart::Timestamp))
        );
        // A JWT has three base64url parts, but its middle part is far longer than 8 bytes.
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert!(matches!(
            decode_flask_session(jwt),
            Err(SessionError::Timestamp { .. })
        ));
        assert!(matches!(
            decode_flask_session("bm90IGpzb24.awQ8IQ.c2ln"),
            Err(SessionError::Json(_))
        ));
        assert!(matches!(
            decode_flask_session(".bm90IHpsaWI.awQ8IQ.c2ln"),
            Err(SessionError::Zlib(_))
        ));
    }

    #[test]
    fn resolves_flask_json_tags() {
        // What Flask's TaggedJSONSerializer writes for a tuple, bytes, Markup, a UUID, a
        // datetime, and a dict whose only key collides with a tag.
        let json = r#"{"_flashes":[{" t":["message","Logged in"]}],"raw":{" b":"AGFi"},"m":{" m":"<b>hi</b>"},"id":{" u":"6c7c8a0f5e8e4c1bb1d6b1f1a2a3a4a5"},"at":{" d":"Mon, 23 Nov 2026 13:14:09 GMT"},"odd":{" di":{" t__":1}}}"#;
        let cookie = format!(
            "{}.awQ8IQ.c2lnbmF0dXJl",
            URL_SAFE_NO_PAD.encode(json.as_bytes())
        );
        let s = decode_flask_session(&cookie).unwrap();
        assert!(s.tagged);
        assert_eq!(
            s.payload,
            serde_json::json!({
                "_flashes": [["message", "Logged in"]],
                "raw": "b'\\x00ab'",
                "m": "<b>hi</b>",
                "id": "6c7c8a0f-5e8e-4c1b-b1d6-b1f1a2a3a4a5",
                "at": "2026-11-23T13:14:09Z",
                "odd": {" t": 1},
            })
        );
    }

    #[test]
    fn zlib_bomb_stops_at_the_cap_with_a_clear_error() {
        use flate2::write::ZlibEncoder;
        use std::io::Write;
        // 100 MB of zeros, compressed in streaming fashion: about 100 KB.
        let mut enc = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..100 {
            enc.write_all(&zeros).unwrap();
        }
        let compressed = enc.finish().unwrap();
        assert!(compressed.len() < 200_000, "{}", compressed.len());
        let cookie = format!(".{}.awQ8IQ.c2ln", URL_SAFE_NO_PAD.encode(&compressed));
        let started = std::time::Instant::now();
        let err = decode_flask_session(&cookie).unwrap_err();
        assert_eq!(
            err,
            SessionError::TooLarge {
                limit: MAX_SESSION_JSON_BYTES
            }
        );
        assert!(err.to_string().contains("zlib bomb"));
        assert!(err.is_content_error());
        // Only the first MAX_SESSION_JSON_BYTES are ever inflated.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn inflate_bounded_keeps_memory_at_the_limit() {
        use flate2::write::ZlibEncoder;
        use std::io::Write;
        let mut enc = ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&[b'a'; 5000]).unwrap();
        let data = enc.finish().unwrap();
        assert_eq!(inflate_bounded(&data, 5000).unwrap().len(), 5000);
        assert_eq!(
            inflate_bounded(&data, 4999),
            Err(SessionError::TooLarge { limit: 4999 })
        );
    }

    #[test]
    fn flags_sensitive_keys() {
        let s = decode_flask_session(&fixture_cookie("flask-dev-sensitive")).unwrap();
        let found = sensitive_entries(&s.payload);
        let get = |p: &str| found.iter().find(|e| e.path == p).map(|e| e.kind);
        assert_eq!(get("password"), Some(Sensitivity::Credential));
        assert_eq!(get("email"), Some(Sensitivity::PersonalData));
        assert_eq!(get("csrf_token"), Some(Sensitivity::CsrfToken));
        assert_eq!(get("api_token"), Some(Sensitivity::Token));
        assert_eq!(get("user"), None);
        let plain = decode_flask_session(&fixture_cookie("flask-changeme")).unwrap();
        assert!(sensitive_entries(&plain.payload).is_empty());
        let nested = serde_json::json!({"profile": {"contact": "a@b.org"}, "tags": ["x@y.io"]});
        assert_eq!(sensitive_entries(&nested).len(), 2);
    }

    #[test]
    fn bytes_repr_matches_python() {
        assert_eq!(python_bytes_repr(b"ab\x00\n'"), "b\"ab\\x00\\n'\"");
        assert_eq!(python_bytes_repr(b"a'\""), "b'a\\'\"'");
    }
}
