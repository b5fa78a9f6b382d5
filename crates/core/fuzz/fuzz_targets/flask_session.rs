//! The Flask session decoder (base64url, zlib with a bounded inflate, tagged JSON) and the
//! signed-cookie audit, on arbitrary strings.
#![no_main]

use headwarden_core::flask::session::MAX_SESSION_JSON_BYTES;
use headwarden_core::flask::view::CookieSource;
use headwarden_core::flask::{audit_builtin, SessionCookie, SignedCookie};
use headwarden_core::{audit_secret, decode_flask_session};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(session) = decode_flask_session(&text) {
        assert!(session.json.len() <= MAX_SESSION_JSON_BYTES);
        let _ = serde_json::to_string(&session.payload);
    }
    let candidates: [&[u8]; 4] = [b"dev", b"secret", b"", data];
    let _ = audit_secret(&text, candidates.into_iter());
    if let Some(signed) = SignedCookie::parse(&text) {
        let _ = (signed.kind(), signed.message(), signed.signature());
        let _ = signed.verify(b"dev");
    }
    // The built-in list (cached per value) only for a slice of the inputs: it is the slow
    // part, and the fast paths above need the executions.
    if data.first().is_some_and(|b| b % 8 == 0) {
        let _ = audit_builtin(&text);
    }
    for name in ["session", "remember_token", "connect.sid", "x"] {
        let _ = SessionCookie::examine(name, &text, CookieSource::SetCookie, &text, false)
            .map(|c| c.view());
    }
});
