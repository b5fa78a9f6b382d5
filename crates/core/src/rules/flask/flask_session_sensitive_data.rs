use crate::flask::session::{sensitive_entries, Sensitivity};
use crate::flask::SessionKind;
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Looks inside every readable Flask session for entries that should not be there:
    /// passwords, secrets and API keys; bearer or API tokens; personal data such as email
    /// addresses (by key name or by value); and Flask-WTF's raw CSRF token.
    ///
    /// Severity: high for credentials, medium for tokens, low for personal data, info for
    /// a raw CSRF token alone.
    ///
    /// ## Why is this bad?
    /// The Flask session is readable by whoever holds the cookie (`flask-session-readable`),
    /// and cookies end up in browser profiles, proxy and load-balancer logs, HAR files
    /// attached to bug reports, and screenshots of developer tools. A password or API
    /// token in the session leaks with it and cannot be revoked by logging out. Flask-WTF
    /// keeps the raw CSRF token in the session by design: that one only matters together
    /// with another leak, hence info.
    ///
    /// ## Example
    /// ```json
    /// {"user": "alice", "password": "wonderland", "api_token": "sk_live_5f21…"}
    /// ```
    ///
    /// ## Use instead
    /// Keep only an id in the session and look the rest up on the server, or use
    /// server-side sessions (Flask-Session) for anything confidential.
    ///
    /// ## References
    /// - [Flask: Sessions](https://flask.palletsprojects.com/en/stable/quickstart/#sessions)
    /// - [OWASP Session Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html)
    pub static FLASK_SESSION_SENSITIVE_DATA = {
        id: "flask-session-sensitive-data",
        title: "Sensitive data in a readable Flask session",
        severity: Medium,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(flask_session_sensitive_data),
        fixes: {
            flask: "# Keep ids only; never passwords or tokens:\nsession['user_id'] = user.id\n# For confidential data use server-side sessions (pip install Flask-Session):\napp.config['SESSION_TYPE'] = 'redis'\nSession(app)",
        },
    };
}

fn severity_of(kind: Sensitivity) -> Severity {
    match kind {
        Sensitivity::Credential => Severity::High,
        Sensitivity::Token => Severity::Medium,
        Sensitivity::PersonalData => Severity::Low,
        Sensitivity::CsrfToken => Severity::Info,
    }
}

fn flask_session_sensitive_data(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
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
        let entries = sensitive_entries(&session.payload);
        let Some(worst) = entries.iter().map(|e| e.kind).max() else {
            continue;
        };
        let listed: Vec<String> = entries
            .iter()
            .map(|e| format!("`{}` ({})", e.path, e.kind.describe()))
            .collect();
        let detail = if worst == Sensitivity::CsrfToken {
            format!(
                "The readable Flask session `{}` holds {}: Flask-WTF keeps it there by design; \
                 it only matters if the cookie leaks.",
                cookie.name,
                listed.join(", ")
            )
        } else {
            format!(
                "The readable Flask session `{}` holds {}. Anyone holding the cookie can read them.",
                cookie.name,
                listed.join(", ")
            )
        };
        out.push(
            Finding::new(&FLASK_SESSION_SENSITIVE_DATA, detail)
                .severity(severity_of(worst))
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
    use crate::flask::testdata::fixture_cookie;
    use crate::report::Severity;
    use crate::rules::flask::fixtures::findings_of;
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn credentials_are_high() {
        let input = format!(
            "HTTP/1.1 200 OK\r\nSet-Cookie: session={}; HttpOnly; Path=/\r\n\r\n",
            fixture_cookie("flask-dev-sensitive")
        );
        let report = fires("flask-session-sensitive-data", &input);
        let f = report.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "flask-session-sensitive-data")
            .unwrap();
        assert_eq!(f.severity, Severity::High);
        for key in [
            "`password` (credential)",
            "`api_token` (token)",
            "`email` (personal data)",
            "`csrf_token` (raw CSRF token)",
        ] {
            assert!(f.detail.contains(key), "{key}: {}", f.detail);
        }
    }

    #[test]
    fn flask_wtf_csrf_token_alone_is_info() {
        let f = findings_of("flask-session-sensitive-data", "flask-gunicorn-index.http");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn plain_sessions_are_quiet() {
        let input = format!(
            "HTTP/1.1 200 OK\r\nSet-Cookie: session={}; HttpOnly; Path=/\r\n\r\n",
            fixture_cookie("flask-changeme")
        );
        quiet("flask-session-sensitive-data", &input);
    }
}
