//! Flask and friends: Werkzeug and Django development servers and debug pages, stock server
//! pages and stack traces ([`detect`]), the Flask session cookie ([`session`]), the
//! weak-secret audit of Flask, Flask-Login and Express cookies ([`secrets`], [`wordlist`]),
//! the session view of reports ([`view`]) and forms without CSRF tokens ([`csrf`]).
//!
//! The rules built on these live in `rules/flask/` (and three body-based disclosure rules in
//! `rules/disclosure/`).

pub mod cookie_arg;
pub mod csrf;
pub mod detect;
pub mod raw_hmac;
pub mod secrets;
pub mod session;
pub mod view;
pub mod wordlist;

pub use cookie_arg::CookieArg;
pub use secrets::{audit_builtin, audit_secret, Secret, SignedCookie, SignedKind};
pub use session::{decode_flask_session, FlaskSession, SessionError};
pub use view::{session_cookies, SessionCookie, SessionKind, SessionView};

#[cfg(test)]
pub(crate) mod testdata {
    //! The real fixtures of `tests/fixtures/`.

    use std::path::PathBuf;

    pub fn fixtures_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
    }

    /// A fixture file as text.
    pub fn fixture_text(name: &str) -> String {
        let path = fixtures_dir().join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The body of a `curl -i` fixture (after the blank line).
    pub fn fixture_body(name: &str) -> String {
        let text = fixture_text(name);
        let at = text
            .find("\r\n\r\n")
            .map(|i| i + 4)
            .or_else(|| text.find("\n\n").map(|i| i + 2))
            .unwrap_or(text.len());
        text[at..].to_string()
    }

    /// The entries of `flask-session-cookies.json`.
    pub fn fixture_cookies() -> Vec<serde_json::Value> {
        let v: serde_json::Value =
            serde_json::from_str(&fixture_text("flask-session-cookies.json")).unwrap();
        v["cookies"].as_array().unwrap().clone()
    }

    /// The `cookie` of the entry named `name`.
    pub fn fixture_cookie(name: &str) -> String {
        fixture_cookies()
            .into_iter()
            .find(|c| c["name"] == name)
            .and_then(|c| c["cookie"].as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("no fixture cookie {name}"))
    }
}

#[cfg(test)]
mod no_panic {
    //! Every reader of this module takes arbitrary input without panicking.

    use proptest::prelude::*;

    fn exercise(s: &str) {
        let _ = super::decode_flask_session(s);
        let _ = super::SignedCookie::parse(s);
        let _ = super::audit_secret(s, [&b"dev"[..]].into_iter());
        let _ = super::wordlist::parse_line(s.as_bytes());
        let _ = super::detect::werkzeug_debugger(s);
        let _ = super::detect::django_debug_page(s);
        let _ = super::detect::stack_trace(s);
        let _ = super::detect::default_server_page(s);
        let _ = super::detect::server_status_page(s);
        let doc = crate::html::Document::scan(s.as_bytes());
        let _ = super::csrf::unprotected_forms(&doc, Some("a.example"));
        let _ = super::SessionCookie::examine(
            "session",
            s,
            super::view::CookieSource::Cookie,
            s,
            false,
        );
    }

    proptest! {
        #[test]
        fn arbitrary_text(s in "\\PC{0,200}") {
            exercise(&s);
        }

        #[test]
        fn cookie_like_text(s in "[.]?[A-Za-z0-9_\\-é|%:s.]{0,80}") {
            exercise(&s);
        }

        #[test]
        fn trace_like_text(s in "(at |File \"|\\.js:|\\.php|\\.rb:|\\.go:|\\.java:|\\.cs:line |<br>|\\\\n|\n|[0-9]|[()/:é ]){0,60}") {
            exercise(&s);
        }
    }
}
