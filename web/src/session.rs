//! Session cookies: decoding a pasted value for display, and the user's wordlist audit
//! (run in the Web Worker by [`crate::Auditor`]), both on top of core's
//! `headwarden_core::flask` (the same decoder and verifier the CLI's `session` command uses).
//!
//! The built-in weak-secret list runs inside `check`; its result is in the report's
//! `sessions` view and findings, so nothing here repeats it.

use headwarden_core::flask::{decode_flask_session, wordlist, SignedCookie};

/// A Flask session decoded for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedSession {
    /// The payload as pretty-printed JSON (Flask's tags resolved by core).
    pub payload: String,
    pub compressed: bool,
    /// When it was signed (ISO 8601, UTC).
    pub signed_at: Option<String>,
}

/// The value as pasted, without surrounding whitespace and quotes.
fn clean(value: &str) -> &str {
    value.trim().trim_matches('"')
}

/// Decodes a Flask session cookie value.
pub fn decode(value: &str) -> Result<DecodedSession, String> {
    let session = decode_flask_session(clean(value)).map_err(|e| e.to_string())?;
    Ok(DecodedSession {
        payload: pretty(&session.payload),
        compressed: session.compressed,
        signed_at: session.signed_at,
    })
}

/// JSON for display, indented.
pub fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// What kind of signed cookie `value` is (`None` when it cannot be audited).
pub fn signed_kind(value: &str) -> Option<&'static str> {
    SignedCookie::parse(clean(value)).map(|c| c.kind().describe())
}

/// Walks a wordlist (one secret a line, flask-unsign's format: Python literals such as
/// `b'\xec'` are decoded like core's CLI does) in bounded steps, so the worker can report
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
    /// `None` when `cookie` is not a signed cookie core can audit.
    pub fn new(cookie: &str, words: Vec<u8>) -> Option<Self> {
        Some(WordlistAudit {
            cookie: SignedCookie::parse(clean(cookie))?,
            words,
            pos: 0,
            tried: 0,
            found: None,
        })
    }

    /// Tries up to `max` candidates; returns true when the audit is over.
    pub fn step(&mut self, max: u32) -> bool {
        let mut left = max;
        while left > 0 && self.found.is_none() && self.pos < self.words.len() {
            let rest = &self.words[self.pos..];
            let line = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => &rest[..=i],
                None => rest,
            };
            self.pos += line.len();
            let line = wordlist::strip_newline(line);
            if line.is_empty() {
                continue;
            }
            let candidate = wordlist::parse_line(line);
            left -= 1;
            self.tried += 1;
            if self.cookie.verify(&candidate) {
                self.found = Some(wordlist::display_secret(&candidate));
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
        self.cookie.kind().describe()
    }
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
        let d = decode(&format!("\"{DEV_SIMPLE}\"")).unwrap();
        assert!(!d.compressed);
        assert!(d.payload.contains("\"user\": \"alice\""));
        assert!(d.signed_at.is_some());
        let d = decode(&fixture("flask-dev-compressed")).unwrap();
        assert!(d.compressed);
        assert!(d.payload.contains("Darjeeling"));
        assert!(decode("not.a.cookie").is_err());
        assert!(decode("").is_err());
    }

    #[test]
    fn finds_the_secret_in_a_wordlist() {
        let mut audit =
            WordlistAudit::new(DEV_SIMPLE, b"a\r\nb\n\nsecret\n'dev'\nlast".to_vec()).unwrap();
        assert!(!audit.step(2));
        assert!(audit.step(10));
        assert_eq!(audit.found(), Some("dev"));
        assert_eq!(audit.tried(), 4);
    }

    #[test]
    fn audits_every_kind_core_knows() {
        for name in [
            "remember-dev",
            "flask-dev-compressed",
            "connect-sid-keyboard-cat",
        ] {
            let cookie = fixture(name);
            assert!(signed_kind(&cookie).is_some(), "{name}");
            let mut audit =
                WordlistAudit::new(&cookie, b"nope\ndev\nkeyboard cat\n".to_vec()).unwrap();
            assert!(audit.step(100));
            assert!(audit.found().is_some(), "{name}");
        }
        let mut audit =
            WordlistAudit::new(&fixture("flask-random-key"), b"dev\nchangeme".to_vec()).unwrap();
        assert!(audit.step(100));
        assert_eq!(audit.found(), None);
        assert_eq!(audit.fraction(), 1.0);
        assert!(WordlistAudit::new("plain-value", Vec::new()).is_none());
    }
}
