//! The session cookies of one exchange: found once per exchange (rules and the report's
//! `sessions` view share it, through [`crate::rules::Context::sessions`]).

use serde::Serialize;

use super::secrets::{audit_builtin, Secret, SignedCookie, SignedKind};
use super::session::{decode_flask_session, sensitive_entries, FlaskSession, SessionError};
use crate::cookies::SetCookie;
use crate::exchange::Exchange;

/// What kind of session cookie a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionKind {
    /// Flask's signed client-side session (itsdangerous).
    Flask,
    /// Flask-Login's `remember_token`.
    FlaskRemember,
    /// express-session's signed `connect.sid`.
    Express,
    /// A session id with no readable content (server-side sessions: Flask-Session,
    /// Django's `sessionid`, `PHPSESSID`, …).
    Opaque,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Flask => "flask",
            SessionKind::FlaskRemember => "flask-remember",
            SessionKind::Express => "express",
            SessionKind::Opaque => "opaque",
        }
    }
}

impl From<SignedKind> for SessionKind {
    fn from(kind: SignedKind) -> Self {
        match kind {
            SignedKind::FlaskSession => SessionKind::Flask,
            SignedKind::FlaskRemember => SessionKind::FlaskRemember,
            SignedKind::ExpressSession => SessionKind::Express,
        }
    }
}

/// Where a cookie was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CookieSource {
    /// A `Set-Cookie` of the response.
    SetCookie,
    /// The request's `Cookie` header.
    Cookie,
}

impl CookieSource {
    /// The header name, for evidence.
    pub fn header(self) -> &'static str {
        match self {
            CookieSource::SetCookie => "Set-Cookie",
            CookieSource::Cookie => "Cookie",
        }
    }
}

/// One session cookie of an exchange, decoded and audited.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionCookie {
    pub name: String,
    pub value: String,
    pub source: CookieSource,
    /// The header value it came from (for evidence).
    pub header_value: String,
    pub kind: SessionKind,
    /// For Flask sessions: the decoded payload, or why it could not be decoded.
    pub decoded: Option<Result<FlaskSession, SessionError>>,
    /// True for signed cookies whose secret can be audited (Flask sessions signed with
    /// HMAC-SHA1, remember tokens, `connect.sid`).
    pub auditable: bool,
    /// True when the built-in weak-secret audit ran on it.
    pub audited: bool,
    /// The built-in weak secret that signed it.
    pub weak_secret: Option<Secret>,
}

/// Most session cookies examined per exchange (each new one costs an audit).
pub const MAX_SESSION_COOKIES: usize = 16;

impl SessionCookie {
    /// Classifies and decodes one cookie; `None` when it is not a session cookie.
    pub fn examine(
        name: &str,
        value: &str,
        source: CookieSource,
        header_value: &str,
        audit: bool,
    ) -> Option<SessionCookie> {
        let value = value.trim();
        if value.is_empty() {
            return None; // a deletion (`session=; Expires=…1970`)
        }
        let signed = SignedCookie::parse(value);
        let (kind, decoded) = match signed.as_ref().map(SignedCookie::kind) {
            Some(SignedKind::FlaskSession) => {
                (SessionKind::Flask, Some(decode_flask_session(value)))
            }
            Some(kind) => (kind.into(), None),
            None => match decode_flask_session(value) {
                // Signed with another digest: readable, not auditable.
                Ok(s) => (SessionKind::Flask, Some(Ok(s))),
                Err(e) if e.is_content_error() => (SessionKind::Flask, Some(Err(e))),
                Err(_) if is_session_like_name(name) => (SessionKind::Opaque, None),
                Err(_) => return None,
            },
        };
        let auditable = signed.is_some();
        let audited = audit && auditable;
        let weak_secret = if audited { audit_builtin(value) } else { None };
        Some(SessionCookie {
            name: name.to_string(),
            value: value.to_string(),
            source,
            header_value: header_value.to_string(),
            kind,
            decoded,
            auditable,
            audited,
            weak_secret,
        })
    }

    /// The decoded Flask session, when it decoded.
    pub fn flask(&self) -> Option<&FlaskSession> {
        self.decoded.as_ref()?.as_ref().ok()
    }

    /// The view of this cookie for reports.
    pub fn view(&self) -> SessionView {
        let flask = self.flask();
        let payload = match self.kind {
            SessionKind::Flask => flask.map(|s| s.payload.clone()),
            SessionKind::FlaskRemember => self
                .value
                .rsplit_once('|')
                .map(|(id, _)| serde_json::json!({ "user_id": id })),
            SessionKind::Express => {
                express_session_id(&self.value).map(|id| serde_json::json!({ "session_id": id }))
            }
            SessionKind::Opaque => None,
        }
        .filter(|p| !p.is_null()); // reports hold no nulls at the top level of a view
        SessionView {
            cookie: self.name.clone(),
            kind: self.kind,
            source: self.source,
            payload,
            signed_at: flask.and_then(|s| s.signed_at.clone()),
            size: self.value.len(),
            compressed: flask.map(|s| s.compressed),
            sensitive_keys: flask
                .map(|s| {
                    sensitive_entries(&s.payload)
                        .into_iter()
                        .map(|e| e.path)
                        .collect()
                })
                .unwrap_or_default(),
            audited: (self.kind != SessionKind::Opaque).then_some(self.audited),
            secret: self.weak_secret.as_ref().map(Secret::display),
            secret_origin: self.weak_secret.as_ref().and_then(|s| s.origin),
            error: match &self.decoded {
                Some(Err(e)) => Some(e.to_string()),
                _ => None,
            },
        }
    }
}

/// A session cookie as reports show it (`ExchangeReport.sessions`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionView {
    /// The cookie name.
    pub cookie: String,
    pub kind: SessionKind,
    /// `set-cookie` (the response set it) or `cookie` (the request sent it).
    pub source: CookieSource,
    /// The readable content: the Flask session's JSON (tags resolved), the remember
    /// token's user id, the Express session id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<serde_json::Value>,
    /// When a Flask session was signed (ISO 8601, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<String>,
    /// Length of the cookie value in bytes.
    pub size: usize,
    /// Whether the Flask payload was zlib-compressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compressed: Option<bool>,
    /// Paths of payload entries that should not be in a readable cookie.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sensitive_keys: Vec<String>,
    /// Whether the built-in weak-secret audit ran (absent for opaque ids).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audited: Option<bool>,
    /// The weak secret that signed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Where that secret comes from (a group of the built-in list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_origin: Option<&'static str>,
    /// Why a Flask-shaped value could not be decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The session cookies of an exchange: its `Set-Cookie`s, then cookies of the request's
/// `Cookie` header that the response does not set again; audited against the built-in
/// weak secrets when `audit` is set.
pub fn session_cookies(
    exchange: &Exchange,
    set_cookies: &[SetCookie],
    audit: bool,
) -> Vec<SessionCookie> {
    let mut cookies = collect(exchange, set_cookies);
    if audit {
        audit_all(&mut cookies);
    }
    cookies
}

/// Runs the built-in audit on every signed cookie. Flask-Login signs remember tokens with
/// the app's `SECRET_KEY`, the key of the Flask session: when the exchange also has an
/// audited Flask session, its result settles the remember token with one HMAC (found: verify
/// that secret; not found: the key is not in the list either), which spares a full pass of
/// SHA-512 over the list on every login response.
fn audit_all(cookies: &mut [SessionCookie]) {
    let mut flask_key: Option<Option<Secret>> = None;
    // Cookies longer than browsers keep are not audited: the audit costs one hash of the
    // cookie per built-in secret (`limits::MAX_AUDITED_COOKIE_BYTES`).
    let in_bounds = |c: &SessionCookie| c.value.len() <= crate::limits::MAX_AUDITED_COOKIE_BYTES;
    for c in cookies
        .iter_mut()
        .filter(|c| c.kind == SessionKind::Flask && c.auditable && in_bounds(c))
    {
        c.weak_secret = audit_builtin(&c.value);
        c.audited = true;
        if flask_key.as_ref().is_none_or(Option::is_none) {
            flask_key = Some(c.weak_secret.clone());
        }
    }
    for c in cookies
        .iter_mut()
        .filter(|c| c.auditable && c.kind != SessionKind::Flask && in_bounds(c))
    {
        c.audited = true;
        c.weak_secret = match (&flask_key, c.kind) {
            (Some(Some(key)), SessionKind::FlaskRemember) => {
                let signed = SignedCookie::parse(&c.value);
                if signed.is_some_and(|s| s.verify(&key.value)) {
                    Some(Secret {
                        kind: SignedKind::FlaskRemember,
                        ..key.clone()
                    })
                } else {
                    audit_builtin(&c.value)
                }
            }
            (Some(None), SessionKind::FlaskRemember) => None,
            _ => audit_builtin(&c.value),
        };
    }
}

fn collect(exchange: &Exchange, set_cookies: &[SetCookie]) -> Vec<SessionCookie> {
    let mut out: Vec<SessionCookie> = Vec::new();
    for c in set_cookies {
        if out.len() >= MAX_SESSION_COOKIES {
            return out;
        }
        if let Some(s) =
            SessionCookie::examine(&c.name, &c.value, CookieSource::SetCookie, &c.raw, false)
        {
            out.push(s);
        }
    }
    let Some(request) = exchange.request.as_ref() else {
        return out;
    };
    for header in request.headers.get_all("cookie") {
        for pair in header.value.split(';') {
            if out.len() >= MAX_SESSION_COOKIES {
                return out;
            }
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if set_cookies.iter().any(|c| c.name == name) || out.iter().any(|s| s.name == name) {
                continue;
            }
            if let Some(s) =
                SessionCookie::examine(name, value, CookieSource::Cookie, &header.value, false)
            {
                out.push(s);
            }
        }
    }
    out
}

/// Names that hold session ids (`session`, `sessionid`, `PHPSESSID`, `connect.sid`,
/// `remember_token`).
pub fn is_session_like_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("sess")
        || lower == "sid"
        || lower.ends_with(".sid")
        || lower.ends_with("_sid")
        || lower.contains("remember")
}

fn express_session_id(value: &str) -> Option<String> {
    let value = value.trim();
    let decoded = value.replace("%3A", ":").replace("%3a", ":");
    let signed = decoded.strip_prefix("s:")?;
    Some(signed.rsplit_once('.')?.0.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::testdata::fixture_cookie;

    #[test]
    fn classifies_cookies() {
        let flask = SessionCookie::examine(
            "session",
            &fixture_cookie("flask-dev-simple"),
            CookieSource::SetCookie,
            "",
            true,
        )
        .unwrap();
        assert_eq!(flask.kind, SessionKind::Flask);
        assert_eq!(flask.weak_secret.as_ref().unwrap().value, b"dev");
        let view = flask.view();
        assert_eq!(view.payload.unwrap()["user"], "alice");
        assert_eq!(view.secret.as_deref(), Some("dev"));
        assert_eq!(view.signed_at.as_deref(), Some("2026-11-23T13:14:09Z"));
        assert_eq!(view.compressed, Some(false));

        let remember = SessionCookie::examine(
            "remember_token",
            &fixture_cookie("remember-dev"),
            CookieSource::SetCookie,
            "",
            true,
        )
        .unwrap();
        assert_eq!(remember.kind, SessionKind::FlaskRemember);
        assert_eq!(remember.view().payload.unwrap()["user_id"], "1");

        let sid = SessionCookie::examine(
            "connect.sid",
            &fixture_cookie("connect-sid-keyboard-cat"),
            CookieSource::Cookie,
            "",
            false,
        )
        .unwrap();
        assert_eq!(sid.kind, SessionKind::Express);
        assert_eq!(sid.weak_secret, None);
        assert!(!sid.audited);
        assert_eq!(
            sid.view().payload.unwrap()["session_id"],
            "hUYbA2lK3GQv6lilhib2OQHuooKnPQom"
        );

        // Flask-Session's server-side id: opaque, nothing to decode or audit.
        let opaque = SessionCookie::examine(
            "session",
            "6f1ed002-ab5f-4c6e-8c9b-0b4c1e0c5d1e",
            CookieSource::SetCookie,
            "",
            true,
        )
        .unwrap();
        assert_eq!(opaque.kind, SessionKind::Opaque);
        assert_eq!(opaque.view().audited, None);
        assert!(
            SessionCookie::examine("theme", "dark", CookieSource::SetCookie, "", true).is_none()
        );
        assert!(SessionCookie::examine("session", "", CookieSource::SetCookie, "", true).is_none());
    }

    #[test]
    fn remember_token_follows_the_flask_session_key() {
        let set = |pairs: &[(&str, String)]| -> Vec<SetCookie> {
            pairs
                .iter()
                .map(|(n, v)| crate::cookies::parse(&format!("{n}={v}; HttpOnly; Path=/")))
                .collect()
        };
        let ex = Exchange::default();
        // Same key (dev) for both: found through the session, with its origin.
        let both = set(&[
            ("session", fixture_cookie("flask-dev-simple")),
            ("remember_token", fixture_cookie("remember-dev")),
        ]);
        let found = session_cookies(&ex, &both, true);
        let remember = found
            .iter()
            .find(|c| c.kind == SessionKind::FlaskRemember)
            .unwrap();
        let secret = remember.weak_secret.as_ref().unwrap();
        assert_eq!(
            (secret.kind, secret.value.as_slice()),
            (SignedKind::FlaskRemember, &b"dev"[..])
        );
        assert!(secret.origin.is_some());
        // A session with a strong key: the remember token is settled without a pass.
        let strong = set(&[
            ("session", fixture_cookie("flask-random-key")),
            ("remember_token", fixture_cookie("remember-random-key")),
        ]);
        let found = session_cookies(&ex, &strong, true);
        assert!(found.iter().all(|c| c.audited && c.weak_secret.is_none()));
        // A remember token alone gets the full audit.
        let alone = set(&[("remember_token", fixture_cookie("remember-dev"))]);
        assert!(session_cookies(&ex, &alone, true)[0].weak_secret.is_some());
        // Keys that differ (a custom setup): the remember token is audited on its own.
        let mixed = set(&[
            ("session", fixture_cookie("flask-changeme")),
            ("remember_token", fixture_cookie("remember-dev")),
        ]);
        let found = session_cookies(&ex, &mixed, true);
        assert_eq!(found[1].weak_secret.as_ref().unwrap().value, b"dev");
        assert!(session_cookies(&ex, &mixed, false)
            .iter()
            .all(|c| !c.audited));
    }

    #[test]
    fn view_serializes_without_empty_fields() {
        let s = SessionCookie::examine(
            "session",
            &fixture_cookie("flask-dev-sensitive"),
            CookieSource::SetCookie,
            "",
            true,
        )
        .unwrap();
        let json = serde_json::to_value(s.view()).unwrap();
        assert_eq!(json["kind"], "flask");
        assert_eq!(json["source"], "set-cookie");
        assert_eq!(json["compressed"], true);
        assert_eq!(json["secret"], "dev");
        assert!(json["sensitive_keys"].as_array().unwrap().len() >= 4);
        assert!(json.get("error").is_none());
    }
}
