//! Flask and friends: development servers and debuggers (Werkzeug, Django), the Flask
//! session cookie (readable, weak secret, sensitive data), Flask-Login and Express signed
//! cookies, and forms without CSRF tokens. The detectors live in [`crate::flask`].

use std::borrow::Cow;

use crate::rules::{Context, Rule};

mod csrf_token_missing;
mod django_debug_page;
mod django_dev_server;
mod express_session_weak_secret;
mod flask_debugger_exposed;
mod flask_dev_server;
mod flask_remember_token_weak_secret;
mod flask_session_readable;
mod flask_session_sensitive_data;
mod flask_session_weak_secret;

pub use csrf_token_missing::CSRF_TOKEN_MISSING;
pub use django_debug_page::DJANGO_DEBUG_PAGE;
pub use django_dev_server::DJANGO_DEV_SERVER;
pub use express_session_weak_secret::EXPRESS_SESSION_WEAK_SECRET;
pub use flask_debugger_exposed::FLASK_DEBUGGER_EXPOSED;
pub use flask_dev_server::FLASK_DEV_SERVER;
pub use flask_remember_token_weak_secret::FLASK_REMEMBER_TOKEN_WEAK_SECRET;
pub use flask_session_readable::FLASK_SESSION_READABLE;
pub use flask_session_sensitive_data::FLASK_SESSION_SENSITIVE_DATA;
pub use flask_session_weak_secret::FLASK_SESSION_WEAK_SECRET;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &FLASK_DEV_SERVER,
    &FLASK_DEBUGGER_EXPOSED,
    &FLASK_SESSION_READABLE,
    &FLASK_SESSION_WEAK_SECRET,
    &FLASK_SESSION_SENSITIVE_DATA,
    &FLASK_REMEMBER_TOKEN_WEAK_SECRET,
    &DJANGO_DEBUG_PAGE,
    &DJANGO_DEV_SERVER,
    &EXPRESS_SESSION_WEAK_SECRET,
    &CSRF_TOKEN_MISSING,
];

/// The response body as text: the scanned HTML's text when there is one, else the raw
/// body (lossy; borrowed when it is valid UTF-8).
pub(crate) fn body_text<'c>(ctx: &'c Context<'_>) -> Option<Cow<'c, str>> {
    if let Some(doc) = ctx.html() {
        return Some(Cow::Borrowed(doc.text()));
    }
    let body = ctx.exchange.response.body.as_deref()?;
    if body.is_empty() {
        return None;
    }
    Some(String::from_utf8_lossy(body))
}

/// Reports every audited cookie of `kind` whose signature verified with a built-in weak
/// secret. Not applicable when the audit is off or no such cookie was seen.
pub(crate) fn weak_secret_findings(
    ctx: &Context<'_>,
    out: &mut Vec<crate::report::Finding>,
    kind: crate::flask::SessionKind,
    rule: &'static Rule,
    impact: &str,
    fix: fn(&str) -> String,
) -> crate::rules::Outcome {
    use crate::rules::Outcome;
    let mut applicable = false;
    for cookie in ctx
        .sessions()
        .iter()
        .filter(|s| s.kind == kind && s.audited)
    {
        applicable = true;
        let Some(secret) = &cookie.weak_secret else {
            continue;
        };
        let shown = secret.display();
        let origin = secret
            .origin
            .map(|o| format!(" (built-in list: {o})"))
            .unwrap_or_default();
        out.push(
            crate::report::Finding::new(
                rule,
                format!(
                    "The {} `{}` is signed with the well-known secret `{shown}`{origin}. {impact}",
                    secret.kind.describe(),
                    cookie.name,
                ),
            )
            .cookie(&cookie.name)
            .source(shown.clone())
            .header_evidence(cookie.source.header(), &cookie.header_value)
            .fix(fix(&shown)),
        );
    }
    if applicable {
        Outcome::Checked
    } else {
        Outcome::NotApplicable
    }
}

/// The fix every weak-secret finding shares, naming the secret that matched.
pub(crate) fn rotate_flask_secret_fix(secret: &str) -> String {
    format!(
        "SECRET_KEY is `{secret}`, a published value: anyone can sign cookies with it.\n\
         1. Generate a new key and load it from the environment:\n   \
         python -c 'import secrets; print(secrets.token_hex(32))'\n   \
         app.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n\
         2. Rotate: Flask >= 3.1 reads SECRET_KEY_FALLBACKS to accept cookies signed with \
         older keys during a rotation, but never list `{secret}` there: every cookie signed \
         with it may be forged, so let them all become invalid (users sign in again).\n\
         3. Anything that trusted the session (user ids, roles) since the key was set must \
         be treated as attacker-controlled."
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Rule tests on the real captures of `tests/fixtures/`.

    use crate::flask::testdata::fixture_text;

    /// Every `.http` fixture, by file name.
    pub const ALL: [&str; 15] = [
        "apache-default.http",
        "apache-server-status.http",
        "django-runserver-404.http",
        "django-runserver-500.http",
        "django-runserver-index.http",
        "flask-dev-boom.http",
        "flask-dev-console.http",
        "flask-dev-index.http",
        "flask-gunicorn-api.http",
        "flask-gunicorn-boom.http",
        "flask-gunicorn-form-no-csrf.http",
        "flask-gunicorn-index.http",
        "flask-gunicorn-login-post.http",
        "flask-talisman-index.http",
        "nginx-default.http",
    ];

    /// Asserts that `id` fires on exactly the fixtures in `fires_on` among [`ALL`].
    #[track_caller]
    pub fn fires_exactly_on(id: &str, fires_on: &[&str]) {
        for name in ALL {
            let report = crate::rules::testing::report(&fixture_text(name));
            let fired = report
                .exchanges
                .iter()
                .any(|e| e.findings.iter().any(|f| f.rule == id));
            let expected = fires_on.contains(&name);
            assert_eq!(
                fired,
                expected,
                "`{id}` on {name}: fired = {fired}, expected {expected}; findings: {:#?}",
                report.exchanges.first().map(|e| &e.findings)
            );
        }
    }

    /// The findings of `id` on a fixture.
    pub fn findings_of(id: &str, name: &str) -> Vec<crate::report::Finding> {
        let report = crate::rules::testing::report(&fixture_text(name));
        report
            .exchanges
            .into_iter()
            .flat_map(|e| e.findings)
            .filter(|f| f.rule == id)
            .collect()
    }
}
