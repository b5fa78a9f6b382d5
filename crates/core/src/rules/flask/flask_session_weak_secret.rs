use crate::flask::SessionKind;
use crate::report::Finding;
use crate::rules::flask::{rotate_flask_secret_fix, weak_secret_findings};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Verifies every Flask session cookie against headwarden's built-in list of weak
    /// secrets: framework and tutorial defaults (`dev`, the Flask quickstart's
    /// `b'_5#y2L"F4Q8z\n\xec]/'`), documentation examples (`you-will-never-guess`,
    /// `hard to guess string`), and placeholders (`change-me`, `secret`). The list is a
    /// few hundred entries, checked in microseconds with precomputed keys. The CLI
    /// (`headwarden session audit --wordlist`) and the web app try your own wordlists.
    ///
    /// Flask signs with itsdangerous: `key = HMAC-SHA1(SECRET_KEY, "cookie-session")`,
    /// `signature = HMAC-SHA1(key, payload "." timestamp)`.
    ///
    /// ## Why is this bad?
    /// Whoever knows `SECRET_KEY` signs any session they like: `{"_user_id": "1"}` logs
    /// them in as the first user, `{"is_admin": true}` makes them an admin. Tools such as
    /// flask-unsign do this in one command, and these keys are the first they try.
    /// Flask-Login's remember cookie and Flask-WTF's CSRF tokens use the same key.
    ///
    /// ## Example
    /// ```python
    /// app.config["SECRET_KEY"] = "dev"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// # python -c 'import secrets; print(secrets.token_hex(32))'
    /// app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    /// ```
    /// Changing the key invalidates existing sessions, which is what you want when the
    /// old key was public. `SECRET_KEY_FALLBACKS` (Flask 3.1+) is for rotating keys that
    /// were never exposed; do not put a weak key there.
    ///
    /// ## References
    /// - [Flask: SECRET_KEY](https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY)
    /// - [Flask: SECRET_KEY_FALLBACKS](https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY_FALLBACKS)
    /// - [itsdangerous: Signing Interface](https://itsdangerous.palletsprojects.com/en/stable/signer/)
    /// - [Paradoxis/Flask-Unsign](https://github.com/Paradoxis/Flask-Unsign)
    pub static FLASK_SESSION_WEAK_SECRET = {
        id: "flask-session-weak-secret",
        title: "Flask session signed with a well-known SECRET_KEY",
        severity: Critical,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(flask_session_weak_secret),
        fixes: {
            flask: "# python -c 'import secrets; print(secrets.token_hex(32))'\napp.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n# The old key was public: do not list it in SECRET_KEY_FALLBACKS; let its sessions expire.",
        },
    };
}

fn flask_session_weak_secret(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    weak_secret_findings(
        ctx,
        out,
        SessionKind::Flask,
        &FLASK_SESSION_WEAK_SECRET,
        "Anyone can forge a session with it: log in as any user, change any value the app \
         trusts.",
        rotate_flask_secret_fix,
    )
}

#[cfg(test)]
mod tests {
    use crate::flask::testdata::fixture_cookie;
    use crate::report::Severity;
    use crate::rules::flask::fixtures::{findings_of, fires_exactly_on};
    use crate::rules::testing::{fires, not_applicable_with_scheme, quiet, report_with};
    use crate::CheckOptions;

    fn response_with(cookie: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nSet-Cookie: session={cookie}; HttpOnly; Path=/\r\n\r\n")
    }

    #[test]
    fn fires_on_the_captured_sessions_signed_with_dev() {
        // The sample app runs with SECRET_KEY = "dev".
        fires_exactly_on(
            "flask-session-weak-secret",
            &[
                "flask-dev-index.http",
                "flask-gunicorn-index.http",
                "flask-gunicorn-login-post.http",
                "flask-talisman-index.http",
            ],
        );
        let f = &findings_of(
            "flask-session-weak-secret",
            "flask-gunicorn-login-post.http",
        )[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.source.as_deref(), Some("dev"));
        assert!(f.detail.contains("`dev`"), "{}", f.detail);
        let fix = f.fix.as_deref().unwrap();
        assert!(fix.contains("SECRET_KEY is `dev`"), "{fix}");
        assert!(fix.contains("secrets.token_hex(32)"), "{fix}");
        assert!(fix.contains("SECRET_KEY_FALLBACKS"), "{fix}");
    }

    #[test]
    fn weak_keys_fire_random_keys_do_not() {
        for name in [
            "flask-dev-simple",
            "flask-dev-compressed",
            "flask-dev-sensitive",
            "flask-changeme",
        ] {
            fires(
                "flask-session-weak-secret",
                &response_with(&fixture_cookie(name)),
            );
        }
        quiet(
            "flask-session-weak-secret",
            &response_with(&fixture_cookie("flask-random-key")),
        );
    }

    #[test]
    fn the_audit_can_be_turned_off() {
        let report = report_with(
            &response_with(&fixture_cookie("flask-dev-simple")),
            &CheckOptions {
                skip_secret_audit: true,
                ..Default::default()
            },
        );
        let e = &report.exchanges[0];
        assert!(!e
            .findings
            .iter()
            .any(|f| f.rule == "flask-session-weak-secret"));
        assert!(!e.passed.contains(&"flask-session-weak-secret"));
        not_applicable_with_scheme(
            "flask-session-weak-secret",
            "HTTP/1.1 200 OK\r\nSet-Cookie: theme=dark\r\n\r\n",
            crate::Scheme::Https,
        );
    }

    #[test]
    fn request_cookies_are_audited_too() {
        let input = format!(
            "GET / HTTP/1.1\r\nHost: shop.example\r\nCookie: theme=dark; session={}\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhi",
            fixture_cookie("flask-changeme")
        );
        let parsed = crate::parse(input.as_bytes()).unwrap();
        assert!(parsed.exchanges[0].request.is_some());
        let report = crate::check(
            &parsed,
            &crate::Policy::default(),
            &CheckOptions::full_report(),
        );
        let e = &report.exchanges[0];
        let f = e
            .findings
            .iter()
            .find(|f| f.rule == "flask-session-weak-secret")
            .expect("weak secret of the request cookie");
        assert_eq!(f.source.as_deref(), Some("changeme"));
        assert_eq!(e.sessions.len(), 1);
        assert_eq!(
            e.sessions[0].source,
            crate::flask::view::CookieSource::Cookie
        );
    }
}
