//! Session cookies: decoding a Flask session for display, and testing candidate secrets
//! (the user's wordlist, run in the Web Worker by [`crate::Auditor`]).
//!
//! HOOK(flask): these are stand-ins until core's `headwarden_core::flask::decode_flask_session`
//! and `headwarden_core::flask::audit_secret` land; then `decode` and `SignedCookie::verifies`
//! call them (and the worker gains every kind core knows, e.g. Express `connect.sid`).
//! The built-in weak-secret list already runs inside `check` once core has it, so the
//! finding appears on its own in the report.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Largest decompressed payload we show (Flask caps cookies near 4 KB anyway).
const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// A Flask session cookie, decoded (not verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedSession {
    /// The payload as pretty-printed JSON (or the raw text when it is not JSON).
    pub payload: String,
    pub compressed: bool,
    /// Seconds since the Unix epoch, from itsdangerous' timestamp.
    pub timestamp: Option<u64>,
}

/// Whether `value` has the shape of an itsdangerous-signed Flask session.
pub fn looks_like_flask_session(value: &str) -> bool {
    let body = value.strip_prefix('.').unwrap_or(value);
    let mut parts = body.split('.');
    let (Some(p), Some(t), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let b64 = |x: &str| {
        !x.is_empty()
            && x
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    b64(p) && b64(t) && b64(s) && (4..=8).contains(&t.len()) && s.len() >= 20
}

/// Decodes a Flask session's payload (HOOK(flask): `decode_flask_session`).
pub fn decode(value: &str) -> Result<DecodedSession, String> {
    let value = value.trim().trim_matches('"');
    if !looks_like_flask_session(value) {
        return Err("not a Flask session cookie (expected [.]payload.timestamp.signature)".into());
    }
    let compressed = value.starts_with('.');
    let body = value.strip_prefix('.').unwrap_or(value);
    let mut parts = body.split('.');
    let payload = parts.next().unwrap_or_default();
    let timestamp = parts.next().unwrap_or_default();
    let raw = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| format!("the payload is not base64url: {e}"))?;
    let json = if compressed {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&raw, MAX_PAYLOAD_BYTES)
            .map_err(|_| "the compressed payload did not inflate".to_string())?
    } else {
        raw
    };
    let text = String::from_utf8_lossy(&json).into_owned();
    let payload = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or(text);
    let timestamp = URL_SAFE_NO_PAD
        .decode(timestamp)
        .ok()
        .filter(|b| b.len() <= 8)
        .map(|b| b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)));
    Ok(DecodedSession {
        payload,
        compressed,
        timestamp,
    })
}

/// A signed cookie whose secret can be tested (HOOK(flask): `audit_secret`).
#[derive(Debug, Clone)]
pub enum SignedCookie {
    /// Flask/itsdangerous: key = HMAC-SHA1(secret, "cookie-session"),
    /// signature = HMAC-SHA1(key, everything before the last `.`).
    FlaskSession { signed: Vec<u8>, signature: Vec<u8> },
    /// Flask-Login `remember_token`: `id|hex(HMAC-SHA512(secret, id))`.
    RememberToken { id: Vec<u8>, digest: Vec<u8> },
}

impl SignedCookie {
    /// Reads a cookie value; `None` when it is not a kind we can audit.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim().trim_matches('"');
        if looks_like_flask_session(value) {
            let (signed, signature) = value.rsplit_once('.')?;
            let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
            return Some(SignedCookie::FlaskSession {
                signed: signed.as_bytes().to_vec(),
                signature,
            });
        }
        let (id, hex) = value.split_once('|')?;
        if hex.len() != 128 {
            return None;
        }
        let digest = (0..64)
            .map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        Some(SignedCookie::RememberToken {
            id: id.as_bytes().to_vec(),
            digest,
        })
    }

    /// What kind of cookie this is, for the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            SignedCookie::FlaskSession { .. } => "Flask session",
            SignedCookie::RememberToken { .. } => "Flask-Login remember_token",
        }
    }

    /// Whether `secret` signed this cookie.
    pub fn verifies(&self, secret: &[u8]) -> bool {
        match self {
            SignedCookie::FlaskSession { signed, signature } => {
                let Ok(mut derive) = Hmac::<Sha1>::new_from_slice(secret) else {
                    return false;
                };
                derive.update(b"cookie-session");
                let key = derive.finalize().into_bytes();
                let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&key) else {
                    return false;
                };
                mac.update(signed);
                mac.verify_slice(signature).is_ok()
            }
            SignedCookie::RememberToken { id, digest } => {
                let Ok(mut mac) = Hmac::<sha2::Sha512>::new_from_slice(secret) else {
                    return false;
                };
                mac.update(id);
                mac.verify_slice(digest).is_ok()
            }
        }
    }
}

/// Walks a wordlist (one candidate per line) in bounded steps, so the worker can report
/// progress and notice a cancel between steps.
#[derive(Debug)]
pub struct WordlistAudit {
    cookie: SignedCookie,
    words: Vec<u8>,
    pos: usize,
    tried: u64,
    found: Option<String>,
}

impl WordlistAudit {
    pub fn new(cookie: SignedCookie, words: Vec<u8>) -> Self {
        WordlistAudit {
            cookie,
            words,
            pos: 0,
            tried: 0,
            found: None,
        }
    }

    /// Tries up to `max` candidates; returns true when the audit is over.
    pub fn step(&mut self, max: u32) -> bool {
        let mut left = max;
        while left > 0 && self.found.is_none() && self.pos < self.words.len() {
            let rest = &self.words[self.pos..];
            let (line, used) = match memchr_newline(rest) {
                Some(i) => (&rest[..i], i + 1),
                None => (rest, rest.len()),
            };
            self.pos += used;
            let candidate = line.strip_suffix(b"\r").unwrap_or(line);
            if candidate.is_empty() {
                continue;
            }
            left -= 1;
            self.tried += 1;
            if self.cookie.verifies(candidate) {
                self.found = Some(String::from_utf8_lossy(candidate).into_owned());
            }
        }
        self.is_done()
    }

    pub fn is_done(&self) -> bool {
        self.found.is_some() || self.pos >= self.words.len()
    }

    pub fn tried(&self) -> u64 {
        self.tried
    }

    /// How far through the wordlist we are, 0.0 to 1.0.
    pub fn fraction(&self) -> f64 {
        if self.words.is_empty() {
            1.0
        } else {
            self.pos as f64 / self.words.len() as f64
        }
    }

    pub fn found(&self) -> Option<&str> {
        self.found.as_deref()
    }

    pub fn kind(&self) -> &'static str {
        self.cookie.kind()
    }
}

fn memchr_newline(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    // From tests/fixtures/flask-session-cookies.json (signed by real Flask with `dev`).
    const DEV_SIMPLE: &str = "eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE";

    fn fixture(name: &str) -> String {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/flask-session-cookies.json"
        ))
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["cookie"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn decodes_plain_and_compressed() {
        let d = decode(DEV_SIMPLE).unwrap();
        assert!(!d.compressed);
        assert!(d.payload.contains("\"user\": \"alice\""));
        assert_eq!(d.timestamp, Some(1795439649));
        let d = decode(&fixture("flask-dev-compressed")).unwrap();
        assert!(d.compressed);
        assert!(d.payload.contains("Darjeeling"));
        assert!(decode("not.a.cookie").is_err());
        assert!(decode("").is_err());
    }

    #[test]
    fn finds_the_secret_in_a_wordlist() {
        let cookie = SignedCookie::parse(DEV_SIMPLE).unwrap();
        let mut audit = WordlistAudit::new(cookie, b"a\r\nb\n\nsecret\ndev\nlast".to_vec());
        assert!(!audit.step(2));
        assert!(audit.step(10));
        assert_eq!(audit.found(), Some("dev"));
        assert_eq!(audit.tried(), 4);
    }

    #[test]
    fn remember_token_and_compressed_session_verify() {
        let remember = SignedCookie::parse(&fixture("remember-dev")).unwrap();
        assert!(remember.verifies(b"dev"));
        assert!(!remember.verifies(b"devx"));
        let compressed = SignedCookie::parse(&fixture("flask-dev-compressed")).unwrap();
        assert!(compressed.verifies(b"dev"));
        let random = SignedCookie::parse(&fixture("flask-random-key")).unwrap();
        let mut audit = WordlistAudit::new(random, b"dev\nchangeme\nsecret".to_vec());
        assert!(audit.step(100));
        assert_eq!(audit.found(), None);
        assert_eq!(audit.fraction(), 1.0);
    }
}
