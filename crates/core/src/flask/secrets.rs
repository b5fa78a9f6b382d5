//! The weak-secret audit: does a signed cookie verify with a well-known key?
//!
//! Three signing schemes, detected from the cookie's shape:
//!
//! - **Flask session** (itsdangerous `URLSafeTimedSerializer`, salt `cookie-session`,
//!   key derivation `hmac`, digest SHA-1): `key = HMAC-SHA1(secret, "cookie-session")`,
//!   `signature = HMAC-SHA1(key, "[.]payload.timestamp")`, base64url without padding.
//! - **Flask-Login remember token**: `id|hex(HMAC-SHA512(secret, id))`.
//! - **Express `connect.sid`** (cookie-signature): `s:id.base64(HMAC-SHA256(secret, id))`
//!   without padding; the cookie as sent is often URL-encoded (`s%3A…`).
//!
//! The built-in list ([`super::wordlist::builtin_secrets`]) runs inside every `check`, so
//! what does not depend on the cookie is computed once per process: for every built-in
//! secret, the pre-keyed HMAC state of each scheme (for Flask, keyed with the *derived* key,
//! as raw hash states: [`super::raw_hmac`]). The cookie's message is padded once, so a
//! candidate costs the message's blocks plus one outer block, nothing else. Results are
//! cached per cookie value. A wordlist (CLI, web worker) cannot be precomputed:
//! [`SignedCookie::verify`] derives and signs without allocating, and compares hash state
//! words with the signature decoded once.

use std::fmt;
use std::sync::{Mutex, OnceLock};

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::Serialize;

use super::raw_hmac::{Sha1Hmac, Sha1Padded, Sha256Hmac, Sha256Padded, Sha512Hmac, Sha512Padded};
use super::session::{decode_timestamp, split_signed, unquote};
use super::wordlist::{builtin_secrets, display_secret};

/// The salt Flask's session interface gives itsdangerous.
pub const FLASK_SESSION_SALT: &[u8] = b"cookie-session";

/// Which signing scheme a cookie uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SignedKind {
    /// Flask's session cookie (itsdangerous, HMAC-SHA1).
    #[serde(rename = "flask")]
    FlaskSession,
    /// Flask-Login's `remember_token` (HMAC-SHA512, hex).
    #[serde(rename = "flask-remember")]
    FlaskRemember,
    /// express-session's `connect.sid` (HMAC-SHA256, base64).
    #[serde(rename = "express")]
    ExpressSession,
}

impl SignedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignedKind::FlaskSession => "flask",
            SignedKind::FlaskRemember => "flask-remember",
            SignedKind::ExpressSession => "express",
        }
    }

    /// What the cookie is, for sentences.
    pub fn describe(self) -> &'static str {
        match self {
            SignedKind::FlaskSession => "Flask session cookie",
            SignedKind::FlaskRemember => "Flask-Login remember token",
            SignedKind::ExpressSession => "express-session cookie",
        }
    }
}

impl fmt::Display for SignedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secret that verifies a cookie's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub kind: SignedKind,
    /// The secret's bytes (what `SECRET_KEY` holds, UTF-8 encoded when it is a `str`).
    pub value: Vec<u8>,
    /// Where it was found: the group of the built-in list, or `None` for a caller's list.
    pub origin: Option<&'static str>,
    /// Its position (0-based) in the candidates that were tried.
    pub index: usize,
}

impl Secret {
    /// The secret for display: text, or a Python bytes literal for non-text keys.
    pub fn display(&self) -> String {
        display_secret(&self.value)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Longest signature kept (SHA-512).
const MAX_SIGNATURE: usize = 64;

/// A cookie value split into what was signed and the signature, ready to test secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCookie {
    kind: SignedKind,
    message: Vec<u8>,
    signature: [u8; MAX_SIGNATURE],
    signature_len: usize,
    /// Prepared once for every candidate.
    prepared: Option<Prepared>,
}

/// The salt's padded block, the same for every Flask cookie.
fn salt_block() -> &'static Sha1Padded {
    static SALT: OnceLock<Sha1Padded> = OnceLock::new();
    SALT.get_or_init(|| Sha1Padded::new(FLASK_SESSION_SALT))
}

impl SignedCookie {
    /// Recognises a Flask session, Flask-Login remember token or Express `connect.sid`
    /// value. `None` for anything else (an opaque session id, a JWT, a plain value).
    pub fn parse(cookie: &str) -> Option<SignedCookie> {
        let value = unquote(cookie.trim());
        if value.is_empty() || value.len() > super::session::MAX_COOKIE_CHARS {
            return None;
        }
        Self::parse_remember(value)
            .or_else(|| Self::parse_express(value))
            .or_else(|| Self::parse_flask(value))
    }

    fn parse_flask(value: &str) -> Option<SignedCookie> {
        let parts = split_signed(value).ok()?;
        if !is_base64url(parts.payload) {
            return None;
        }
        decode_timestamp(parts.timestamp).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(parts.signature).ok()?;
        if signature.len() != 20 {
            return None; // not HMAC-SHA1: another itsdangerous digest
        }
        Some(Self::new(
            SignedKind::FlaskSession,
            parts.message.as_bytes(),
            &signature,
        ))
    }

    fn parse_remember(value: &str) -> Option<SignedCookie> {
        let (id, digest) = value.rsplit_once('|')?;
        if id.is_empty() || digest.len() != 128 {
            return None;
        }
        let mut signature = [0u8; 64];
        for (i, pair) in digest.as_bytes().chunks_exact(2).enumerate() {
            let hi = hex_value(pair[0])?;
            let lo = hex_value(pair[1])?;
            *signature.get_mut(i)? = (hi << 4) | lo;
        }
        Some(Self::new(
            SignedKind::FlaskRemember,
            id.as_bytes(),
            &signature,
        ))
    }

    fn parse_express(value: &str) -> Option<SignedCookie> {
        let decoded;
        let value = if value
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("s%3a"))
        {
            decoded = percent_decode(value)?;
            decoded.as_str()
        } else {
            value
        };
        let signed = value.strip_prefix("s:")?;
        let (id, b64) = signed.rsplit_once('.')?;
        let signature = STANDARD_NO_PAD.decode(b64.trim_end_matches('=')).ok()?;
        if id.is_empty() || signature.len() != 32 {
            return None;
        }
        Some(Self::new(
            SignedKind::ExpressSession,
            id.as_bytes(),
            &signature,
        ))
    }

    fn new(kind: SignedKind, message: &[u8], signature: &[u8]) -> SignedCookie {
        let mut sig = [0u8; MAX_SIGNATURE];
        let len = signature.len().min(MAX_SIGNATURE);
        sig[..len].copy_from_slice(&signature[..len]);
        let prepared = Prepared::new(kind, message, signature);
        SignedCookie {
            kind,
            message: message.to_vec(),
            signature: sig,
            signature_len: len,
            prepared,
        }
    }

    pub fn kind(&self) -> SignedKind {
        self.kind
    }

    /// What the signature covers.
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature[..self.signature_len]
    }

    /// True when `secret` signed this cookie.
    #[inline]
    pub fn verify(&self, secret: &[u8]) -> bool {
        match &self.prepared {
            Some(Prepared::Flask(padded, expected)) => {
                let key = Sha1Hmac::new(secret).mac(salt_block());
                Sha1Hmac::new(&key).mac_words(padded) == *expected
            }
            Some(Prepared::Remember(padded, expected)) => {
                Sha512Hmac::new(secret).mac_words(padded) == *expected
            }
            Some(Prepared::Express(padded, expected)) => {
                Sha256Hmac::new(secret).mac_words(padded) == *expected
            }
            None => false,
        }
    }

    /// The first candidate that verifies, with its index.
    pub fn find<'a, I>(&self, candidates: I) -> Option<(usize, &'a [u8])>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        candidates
            .into_iter()
            .enumerate()
            .find(|(_, secret)| self.verify(secret))
    }

    /// The built-in secret that verifies, using the precomputed keyed states: each
    /// candidate costs the message's blocks and one outer block.
    pub fn find_builtin(&self) -> Option<Secret> {
        let index = match self.prepared.as_ref()? {
            Prepared::Flask(padded, expected) => precomputed_flask()
                .iter()
                .position(|keyed| keyed.mac_words(padded) == *expected),
            Prepared::Remember(padded, expected) => precomputed_remember()
                .iter()
                .position(|keyed| keyed.mac_words(padded) == *expected),
            Prepared::Express(padded, expected) => precomputed_express()
                .iter()
                .position(|keyed| keyed.mac_words(padded) == *expected),
        }?;
        let builtin = builtin_secrets().get(index)?;
        Some(Secret {
            kind: self.kind,
            value: builtin.value.clone(),
            origin: Some(builtin.origin),
            index,
        })
    }
}

/// What every candidate of one cookie shares: the signed message padded for the inner hash,
/// and the signature as hash state words.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Prepared {
    Flask(Sha1Padded, [u32; 8]),
    Remember(Sha512Padded, [u64; 8]),
    Express(Sha256Padded, [u32; 8]),
}

impl Prepared {
    fn new(kind: SignedKind, message: &[u8], signature: &[u8]) -> Option<Prepared> {
        Some(match kind {
            SignedKind::FlaskSession => {
                Prepared::Flask(Sha1Padded::new(message), Sha1Hmac::digest_words(signature)?)
            }
            SignedKind::FlaskRemember => Prepared::Remember(
                Sha512Padded::new(message),
                Sha512Hmac::digest_words(signature)?,
            ),
            SignedKind::ExpressSession => Prepared::Express(
                Sha256Padded::new(message),
                Sha256Hmac::digest_words(signature)?,
            ),
        })
    }
}

/// Builds, once, the keyed states of every built-in secret.
fn keyed_builtins<K>(key: impl Fn(&[u8]) -> K) -> Vec<K> {
    builtin_secrets().iter().map(|s| key(&s.value)).collect()
}

/// For each built-in secret, the HMAC states keyed with its derived session key.
fn precomputed_flask() -> &'static [Sha1Hmac] {
    static KEYED: OnceLock<Vec<Sha1Hmac>> = OnceLock::new();
    KEYED.get_or_init(|| keyed_builtins(|s| Sha1Hmac::new(&flask_derive_key(s))))
}

fn precomputed_remember() -> &'static [Sha512Hmac] {
    static KEYED: OnceLock<Vec<Sha512Hmac>> = OnceLock::new();
    KEYED.get_or_init(|| keyed_builtins(Sha512Hmac::new))
}

fn precomputed_express() -> &'static [Sha256Hmac] {
    static KEYED: OnceLock<Vec<Sha256Hmac>> = OnceLock::new();
    KEYED.get_or_init(|| keyed_builtins(Sha256Hmac::new))
}

/// itsdangerous' `derive_key` with `key_derivation="hmac"`: HMAC-SHA1(secret, salt).
pub fn flask_derive_key(secret: &[u8]) -> [u8; 20] {
    Sha1Hmac::new(secret).mac(salt_block())
}

/// Signs `message` the way Flask does with `secret` (base64url signature, no padding).
pub fn flask_sign(secret: &[u8], message: &[u8]) -> String {
    let key = flask_derive_key(secret);
    URL_SAFE_NO_PAD.encode(Sha1Hmac::new(&key).mac(&Sha1Padded::new(message)))
}

/// Tries `candidates` against a Flask session, Flask-Login remember token or Express
/// `connect.sid` value (the kind is detected). Returns the first secret that verifies.
///
/// ```
/// let cookie = "eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE";
/// let found = headwarden_core::audit_secret(cookie, [&b"nope"[..], b"dev"].into_iter()).unwrap();
/// assert_eq!(found.value, b"dev");
/// assert_eq!(found.index, 1);
/// ```
pub fn audit_secret<'a>(
    cookie: &str,
    candidates: impl Iterator<Item = &'a [u8]>,
) -> Option<Secret> {
    let signed = SignedCookie::parse(cookie)?;
    let (index, value) = signed.find(candidates)?;
    Some(Secret {
        kind: signed.kind,
        value: value.to_vec(),
        origin: None,
        index,
    })
}

/// Tries the built-in weak secrets on `cookie` (cached per cookie value). This is what
/// `check` runs.
pub fn audit_builtin(cookie: &str) -> Option<Secret> {
    let key = unquote(cookie.trim());
    if let Some(hit) = cache_get(key) {
        return hit;
    }
    let result = audit_builtin_uncached(key);
    cache_put(key, &result);
    result
}

/// [`audit_builtin`] without the cache (for benchmarks).
pub fn audit_builtin_uncached(cookie: &str) -> Option<Secret> {
    SignedCookie::parse(cookie)?.find_builtin()
}

/// Builds the precomputed keyed states now rather than on the first cookie (for benchmarks
/// and long-running hosts that want a steady first request).
pub fn warm_up() {
    let _ = precomputed_flask();
    let _ = precomputed_remember();
    let _ = precomputed_express();
}

/// Cookie values remembered by [`audit_builtin`].
const CACHE_ENTRIES: usize = 256;
/// Longer values are not cached (they are not real cookies, and keys would cost memory).
const CACHE_MAX_KEY: usize = 8 * 1024;

type CacheEntries = Vec<(Box<str>, Option<Secret>)>;

/// Small FIFO cache. `std::sync::Mutex` works on wasm32 too (single-threaded there).
static CACHE: Mutex<CacheEntries> = Mutex::new(Vec::new());

fn cache_get(key: &str) -> Option<Option<Secret>> {
    let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .iter()
        .rev()
        .find(|(k, _)| k.as_ref() == key)
        .map(|(_, v)| v.clone())
}

fn cache_put(key: &str, value: &Option<Secret>) {
    if key.len() > CACHE_MAX_KEY {
        return;
    }
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= CACHE_ENTRIES {
        cache.remove(0);
    }
    cache.push((key.into(), value.clone()));
}

fn is_base64url(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `%XX` decoding (what `encodeURIComponent` produced); `None` on a malformed escape or
/// non-UTF-8 result.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push((hi << 4) | lo);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::testdata::{fixture_cookie, fixture_cookies};

    fn secret_of(c: &serde_json::Value) -> Option<Vec<u8>> {
        c["secret"].as_str().map(|s| s.as_bytes().to_vec())
    }

    #[test]
    fn detects_the_kind_of_every_fixture_cookie() {
        for c in fixture_cookies() {
            let expected = match c["kind"].as_str().unwrap() {
                "flask-session" => SignedKind::FlaskSession,
                "flask-login-remember" => SignedKind::FlaskRemember,
                "express-connect-sid" => SignedKind::ExpressSession,
                other => panic!("unknown kind {other}"),
            };
            let cookie = c["cookie"].as_str().unwrap();
            let signed = SignedCookie::parse(cookie).unwrap_or_else(|| panic!("{}", c["name"]));
            assert_eq!(signed.kind(), expected, "{}", c["name"]);
            if let Some(value) = c["value"].as_str() {
                assert_eq!(SignedCookie::parse(value), Some(signed));
            }
        }
    }

    #[test]
    fn the_known_secret_verifies_and_the_random_key_is_the_real_one() {
        for c in fixture_cookies() {
            let cookie = c["cookie"].as_str().unwrap();
            let signed = SignedCookie::parse(cookie).unwrap();
            let key = secret_of(&c).or_else(|| {
                c["key_for_verification"]
                    .as_str()
                    .map(|s| s.as_bytes().to_vec())
            });
            let key = key.unwrap_or_else(|| panic!("{} has no key", c["name"]));
            assert!(signed.verify(&key), "{}", c["name"]);
            assert!(!signed.verify(b"not the key"), "{}", c["name"]);
        }
    }

    #[test]
    fn builtin_list_finds_weak_secrets_and_not_random_keys() {
        for c in fixture_cookies() {
            let cookie = c["cookie"].as_str().unwrap();
            let found = audit_builtin_uncached(cookie);
            match secret_of(&c) {
                Some(secret) => {
                    let found = found.unwrap_or_else(|| panic!("{}: not found", c["name"]));
                    assert_eq!(found.value, secret, "{}", c["name"]);
                    assert!(found.origin.is_some());
                }
                None => assert_eq!(found, None, "{}", c["name"]),
            }
            // Cached and uncached agree, twice.
            assert_eq!(audit_builtin(cookie), audit_builtin_uncached(cookie));
            assert_eq!(audit_builtin(cookie), audit_builtin_uncached(cookie));
        }
    }

    #[test]
    fn audit_secret_works_for_each_kind() {
        let dev = fixture_cookie("flask-dev-simple");
        let hit = audit_secret(&dev, [&b"a"[..], b"dev"].into_iter()).unwrap();
        assert_eq!(
            (hit.kind, hit.index, hit.value.as_slice()),
            (SignedKind::FlaskSession, 1, &b"dev"[..])
        );
        assert_eq!(hit.display(), "dev");
        let remember = fixture_cookie("remember-dev");
        let hit = audit_secret(&remember, [&b"dev"[..]].into_iter()).unwrap();
        assert_eq!(hit.kind, SignedKind::FlaskRemember);
        let sid = fixture_cookie("connect-sid-keyboard-cat");
        assert!(sid.starts_with("s%3A"));
        let hit = audit_secret(&sid, [&b"x"[..], b"keyboard cat"].into_iter()).unwrap();
        assert_eq!(hit.kind, SignedKind::ExpressSession);
        assert_eq!(audit_secret(&sid, [&b"x"[..]].into_iter()), None);
        assert_eq!(
            audit_secret("not-a-cookie", [&b"dev"[..]].into_iter()),
            None
        );
    }

    #[test]
    fn bytes_secret_from_the_flask_docs_is_found() {
        let secret: &[u8] = b"_5#y2L\"F4Q8z\n\xec]/";
        let message = b"eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ";
        let cookie = format!(
            "{}.{}",
            std::str::from_utf8(message).unwrap(),
            flask_sign(secret, message)
        );
        let found = audit_builtin_uncached(&cookie).unwrap();
        assert_eq!(found.value, secret);
        assert_eq!(found.display(), "b'_5#y2L\"F4Q8z\\n\\xec]/'");
    }

    #[test]
    fn flask_signing_matches_the_hmac_crate() {
        use hmac::{Hmac, Mac};
        let mut derive = Hmac::<sha1::Sha1>::new_from_slice(b"dev").unwrap();
        derive.update(FLASK_SESSION_SALT);
        let key = derive.finalize().into_bytes();
        assert_eq!(flask_derive_key(b"dev").as_slice(), key.as_slice());
        let mut sign = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
        sign.update(b"eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ");
        assert_eq!(
            flask_sign(b"dev", b"eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ"),
            URL_SAFE_NO_PAD.encode(sign.finalize().into_bytes())
        );
        assert_eq!(
            flask_sign(b"dev", b"eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ"),
            "eikxmOYh5FZb_EkCxiJMuG_qNfE"
        );
    }

    #[test]
    fn rejects_lookalikes() {
        for value in [
            "",
            "abc",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlMDAwMA",
            "1|abc",
            "s:abc",
            "s:abc.short",
            "s%3Aabc.%ZZ",
            "a.b.c",
            "s%\u{e9}abc",
            "\u{e9}\u{e9}|x",
        ] {
            assert_eq!(SignedCookie::parse(value), None, "{value}");
        }
    }
}
