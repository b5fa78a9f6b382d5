use crate::flask::SessionKind;
use crate::report::{shorten, Finding};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Decodes every Flask session cookie (`[.]payload.timestamp.signature`, base64url,
    /// zlib-compressed when it starts with `.`) and shows its JSON payload, when it was
    /// signed, and its size. An opaque server-side session id (Flask-Session, Django's
    /// `sessionid`) does not fire this rule: there is nothing to read.
    ///
    /// Severity: info. This is how Flask's default sessions work; the finding is here so
    /// you see what every visitor can see.
    ///
    /// ## Why is this bad?
    /// Flask's session is *signed*, not *encrypted*. Anyone who holds the cookie (the user,
    /// a shared computer, a proxy log, a browser extension) can read everything in it.
    /// That is fine for a user id and a CSRF token; it is not for secrets, personal data
    /// or anything you would not print on the page (`flask-session-sensitive-data`). The
    /// signature stops changes only while `SECRET_KEY` stays secret
    /// (`flask-session-weak-secret`). Large sessions also travel with every request:
    /// browsers drop cookies past about 4 KB.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: session=eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE; HttpOnly; Path=/
    /// ```
    /// decodes to `{"user": "alice"}`, signed 2026-11-23T13:14:09Z.
    ///
    /// ## Use instead
    /// Keep only identifiers in the cookie session. For anything confidential, use
    /// server-side sessions, where the cookie holds a random id:
    /// ```python
    /// from flask_session import Session
    /// app.config["SESSION_TYPE"] = "redis"
    /// Session(app)
    /// ```
    ///
    /// ## References
    /// - [Flask: Sessions](https://flask.palletsprojects.com/en/stable/quickstart/#sessions)
    /// - [Flask-Session](https://flask-session.readthedocs.io/)
    /// - [itsdangerous: URLSafeTimedSerializer](https://itsdangerous.palletsprojects.com/en/stable/url_safe/)
    pub static FLASK_SESSION_READABLE = {
        id: "flask-session-readable",
        title: "Flask session cookie is readable by anyone who holds it",
        severity: Info,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(flask_session_readable),
        fixes: {
            flask: "# Store ids, not data: session['user_id'] = user.id\n# For confidential data, server-side sessions (pip install Flask-Session):\napp.config['SESSION_TYPE'] = 'redis'\nSession(app)",
        },
    };
}

/// Longest payload quoted in the finding's detail (the session view has all of it).
const PAYLOAD_CHARS: usize = 200;

fn flask_session_readable(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let mut applicable = false;
    for cookie in ctx
        .sessions()
        .iter()
        .filter(|s| s.kind == SessionKind::Flask)
    {
        let Some(session) = cookie.flask() else {
            continue;
        };
        applicable = true;
        let json = serde_json::to_string(&session.payload).unwrap_or_default();
        let mut facts = Vec::new();
        if let Some(at) = &session.signed_at {
            facts.push(format!("signed {at}"));
        }
        facts.push(format!("{} bytes", session.size));
        if session.compressed {
            facts.push(format!(
                "zlib-compressed, {} bytes of JSON",
                session.json.len()
            ));
        }
        out.push(
            Finding::new(
                &FLASK_SESSION_READABLE,
                format!(
                    "The Flask session cookie `{}` is signed, not encrypted: anyone holding it \
                     reads {} ({}).",
                    cookie.name,
                    shorten(&json, PAYLOAD_CHARS),
                    facts.join(", ")
                ),
            )
            .cookie(&cookie.name)
            .header_evidence(cookie.source.header(), &cookie.header_value),
        );
    }
    if applicable {
        Outcome::Checked
    } else {
        Outcome::NotApplicable
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::flask::fixtures::{findings_of, fires_exactly_on};
    use crate::rules::testing::{fires, not_applicable_with_scheme};

    #[test]
    fn fires_on_fixtures_with_a_flask_session() {
        fires_exactly_on(
            "flask-session-readable",
            &[
                "flask-dev-index.http",
                "flask-gunicorn-index.http",
                "flask-gunicorn-login-post.http",
                "flask-talisman-index.http",
            ],
        );
        let f = &findings_of("flask-session-readable", "flask-gunicorn-login-post.http")[0];
        assert!(f.detail.contains("\"_user_id\":\"1\""), "{}", f.detail);
        assert!(f.detail.contains("zlib-compressed"), "{}", f.detail);
        assert!(
            f.detail.contains("signed 2026-11-23T13:14:07Z"),
            "{}",
            f.detail
        );
        assert_eq!(f.cookie.as_deref(), Some("session"));
    }

    #[test]
    fn opaque_server_side_ids_do_not_fire() {
        fires(
            "flask-session-readable",
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE; HttpOnly\r\n\r\n",
        );
        not_applicable_with_scheme(
            "flask-session-readable",
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=4f0b3b8e-6d0c-4e9a-9c52-0a4f7d1e2b3c; HttpOnly\r\n\r\n",
            crate::Scheme::Https,
        );
    }
}
