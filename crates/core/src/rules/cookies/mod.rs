//! Cookies: the flags, prefixes, scope, lifetime and syntax of every `Set-Cookie`.
//!
//! Parsing and classification live in [`crate::cookies`]; each rule here reads
//! `ctx.cookies()`. Findings name the cookie (`.cookie(name)`) and quote its header.
//! Cookies that the response deletes (logout: `Max-Age=0`, `Expires` in the past) are
//! not flagged for missing flags, scope or lifetime, only for what makes browsers
//! reject the deletion itself (prefix rules, `SameSite=None` without `Secure`, `Secure`
//! over HTTP) and for syntax.

use crate::cookies::{CookieClass, SetCookie};
use crate::report::{Finding, Severity};
use crate::rules::{Context, Rule};

mod cookie_broad_domain;
mod cookie_long_lifetime;
mod cookie_missing_httponly;
mod cookie_missing_samesite;
mod cookie_missing_secure;
mod cookie_parse_error;
mod cookie_prefix_violation;
mod cookie_samesite_invalid;
mod cookie_samesite_none_insecure;
mod cookie_secure_over_http;

pub use cookie_broad_domain::COOKIE_BROAD_DOMAIN;
pub use cookie_long_lifetime::COOKIE_LONG_LIFETIME;
pub use cookie_missing_httponly::COOKIE_MISSING_HTTPONLY;
pub use cookie_missing_samesite::COOKIE_MISSING_SAMESITE;
pub use cookie_missing_secure::COOKIE_MISSING_SECURE;
pub use cookie_parse_error::COOKIE_PARSE_ERROR;
pub use cookie_prefix_violation::COOKIE_PREFIX_VIOLATION;
pub use cookie_samesite_invalid::COOKIE_SAMESITE_INVALID;
pub use cookie_samesite_none_insecure::COOKIE_SAMESITE_NONE_INSECURE;
pub use cookie_secure_over_http::COOKIE_SECURE_OVER_HTTP;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &COOKIE_MISSING_SECURE,
    &COOKIE_MISSING_HTTPONLY,
    &COOKIE_MISSING_SAMESITE,
    &COOKIE_SAMESITE_NONE_INSECURE,
    &COOKIE_SAMESITE_INVALID,
    &COOKIE_PREFIX_VIOLATION,
    &COOKIE_LONG_LIFETIME,
    &COOKIE_BROAD_DOMAIN,
    &COOKIE_SECURE_OVER_HTTP,
    &COOKIE_PARSE_ERROR,
];

/// Cookies the response sets (not deletes) and browsers would store. Nameless cookies
/// (`Set-Cookie: secure; httponly`) are left to `cookie-parse-error`: flag rules say
/// nothing useful about them, and enforcement does not touch them either.
pub(crate) fn live<'c>(ctx: &'c Context<'_>) -> impl Iterator<Item = &'c SetCookie> + 'c {
    ctx.cookies()
        .iter()
        .filter(|c| !c.is_deleted() && c.is_storable() && !c.name.is_empty())
}

/// A finding of `rule` about `cookie`, quoting its header.
pub(crate) fn finding(rule: &'static Rule, cookie: &SetCookie, detail: String) -> Finding {
    Finding::new(rule, detail)
        .cookie(cookie.name.as_str())
        .header_evidence(&cookie.header, &cookie.raw)
}

/// `name` for messages (a nameless cookie is shown as such).
pub(crate) fn shown(cookie: &SetCookie) -> String {
    if cookie.name.is_empty() {
        "the nameless cookie".to_string()
    } else {
        format!("`{}`", cookie.name)
    }
}

/// The response sends a valid HSTS header with a positive `max-age` (an invalid one
/// is ignored by browsers): browsers that saw it will not make plain-HTTP requests to
/// this host, which narrows (not closes) the window in which a cookie without `Secure`
/// leaks.
pub(crate) fn hsts_enabled(ctx: &Context<'_>) -> bool {
    // Browsers process only the first header (RFC 6797 §8.1), which `ctx.hsts()` holds.
    ctx.hsts()
        .is_some_and(|sts| sts.as_ref().is_ok_and(|sts| sts.max_age > 0))
}

/// One step less severe (HSTS or another mitigation in place).
pub(crate) fn milder(sev: Severity) -> Severity {
    match sev {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}

/// What a fix changes (the order indexes the fix tables below).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    Secure = 0,
    HttpOnly = 1,
    SameSite = 2,
    Lifetime = 3,
    Domain = 4,
    Prefix = 5,
}

/// Who sets a cookie of this name, so the fix can name the exact setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// Flask's `session` (SESSION_COOKIE_*).
    FlaskSession,
    /// flask-login's `remember_token` (REMEMBER_COOKIE_*).
    FlaskLogin,
    /// Django's `sessionid` (SESSION_COOKIE_* in settings.py).
    DjangoSession,
    /// Django's `csrftoken` (CSRF_COOKIE_*).
    DjangoCsrf,
    /// Anything else: `resp.set_cookie(...)`.
    App,
}

fn owner(name: &str) -> Owner {
    let bare = crate::cookies::Prefix::of(name)
        .and_then(|m| name.get(m.prefix.as_str().len()..))
        .unwrap_or(name);
    match bare {
        "session" => Owner::FlaskSession,
        "remember_token" => Owner::FlaskLogin,
        "sessionid" => Owner::DjangoSession,
        "csrftoken" => Owner::DjangoCsrf,
        _ => Owner::App,
    }
}

/// Flask-style config fixes for one cookie family (`SESSION_COOKIE`, `REMEMBER_COOKIE`),
/// indexed by [`Setting`]; built at compile time.
macro_rules! flask_fixes {
    ($p:literal, $extra:literal, $lifetime:expr, $base:literal) => {
        [
            concat!("app.config['", $p, "_SECURE'] = True", $extra),
            concat!("app.config['", $p, "_HTTPONLY'] = True", $extra),
            concat!("app.config['", $p, "_SAMESITE'] = 'Lax'", $extra),
            $lifetime,
            concat!(
                "app.config['",
                $p,
                "_DOMAIN'] = None  # host-only cookie (the default since Flask 2.3)",
                $extra
            ),
            concat!(
                "app.config['",
                $p,
                "_NAME'] = '__Host-",
                $base,
                "'\n",
                "app.config['",
                $p,
                "_SECURE'] = True\n",
                "app.config['",
                $p,
                "_PATH'] = '/'\n",
                "app.config['",
                $p,
                "_DOMAIN'] = None",
                $extra
            ),
        ]
    };
}

/// Django settings fixes, indexed by [`Setting`].
macro_rules! django_fixes {
    ($p:literal, $base:literal) => {
        [
            concat!($p, "_SECURE = True  # settings.py"),
            concat!($p, "_HTTPONLY = True  # settings.py"),
            concat!($p, "_SAMESITE = 'Lax'  # settings.py"),
            concat!($p, "_AGE = 60 * 60 * 24 * 7  # settings.py"),
            concat!($p, "_DOMAIN = None  # settings.py"),
            concat!(
                $p,
                "_NAME = '__Host-",
                $base,
                "'\n",
                $p,
                "_SECURE = True\n",
                $p,
                "_PATH = '/'\n",
                $p,
                "_DOMAIN = None  # settings.py"
            ),
        ]
    };
}

static FLASK_SESSION: [&str; 6] = flask_fixes!(
    "SESSION_COOKIE",
    "",
    "from datetime import timedelta\napp.config['PERMANENT_SESSION_LIFETIME'] = timedelta(days=7)",
    "session"
);
static FLASK_LOGIN: [&str; 6] = flask_fixes!(
    "REMEMBER_COOKIE",
    "  # flask-login",
    "from datetime import timedelta\napp.config['REMEMBER_COOKIE_DURATION'] = timedelta(days=14)  # flask-login",
    "remember_token"
);
static DJANGO_SESSION: [&str; 6] = django_fixes!("SESSION_COOKIE", "sessionid");
static DJANGO_CSRF: [&str; 6] = django_fixes!("CSRF_COOKIE", "csrftoken");

/// The fix for `cookie`, in the words of the framework that most likely set it (Flask
/// config keys for `session`, flask-login's for `remember_token`, Django's settings for
/// `sessionid`/`csrftoken`, else `resp.set_cookie`).
pub(crate) fn fix_for(cookie: &SetCookie, setting: Setting) -> String {
    let name = cookie.name.as_str();
    let table = match owner(name) {
        Owner::FlaskSession => &FLASK_SESSION,
        Owner::FlaskLogin => &FLASK_LOGIN,
        Owner::DjangoSession => &DJANGO_SESSION,
        Owner::DjangoCsrf => &DJANGO_CSRF,
        Owner::App => {
            let args = match setting {
                Setting::Secure => "secure=True",
                Setting::HttpOnly => "httponly=True",
                Setting::SameSite => "samesite='Lax'",
                Setting::Lifetime => "max_age=7 * 24 * 3600",
                Setting::Domain => "domain=None",
                Setting::Prefix => {
                    let bare = crate::cookies::Prefix::of(name)
                        .and_then(|m| name.get(m.prefix.as_str().len()..))
                        .unwrap_or(name);
                    return format!(
                        "resp.set_cookie('__Host-{bare}', value, secure=True, path='/')  # and no domain="
                    );
                }
            };
            return format!("resp.set_cookie('{name}', value, {args})");
        }
    };
    table[setting as usize].to_string()
}

/// Severity by what the cookie is for: a session/auth cookie, a CSRF token, or other.
pub(crate) fn by_class(
    class: CookieClass,
    session: Severity,
    csrf: Severity,
    other: Severity,
) -> Severity {
    match class {
        CookieClass::Session => session,
        CookieClass::Csrf => csrf,
        CookieClass::Other => other,
    }
}

/// Days, for messages.
pub(crate) fn days(secs: i64) -> String {
    let d = secs / 86_400;
    if d >= 1 {
        format!("{d} day{}", if d == 1 { "" } else { "s" })
    } else {
        format!("{} hours", secs / 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cookies::parse;

    #[test]
    fn fixes_name_the_framework_setting() {
        assert_eq!(
            fix_for(&parse("session=x"), Setting::Secure),
            "app.config['SESSION_COOKIE_SECURE'] = True"
        );
        assert!(fix_for(&parse("remember_token=x"), Setting::HttpOnly)
            .starts_with("app.config['REMEMBER_COOKIE_HTTPONLY'] = True"));
        assert!(
            fix_for(&parse("session=x"), Setting::Lifetime).contains("PERMANENT_SESSION_LIFETIME")
        );
        assert!(fix_for(&parse("remember_token=x"), Setting::Lifetime)
            .contains("REMEMBER_COOKIE_DURATION"));
        assert!(fix_for(&parse("session=x"), Setting::Prefix).contains("'__Host-session'"));
        assert!(fix_for(&parse("csrftoken=x"), Setting::Secure).starts_with("CSRF_COOKIE_SECURE"));
        assert_eq!(
            fix_for(&parse("theme=x"), Setting::SameSite),
            "resp.set_cookie('theme', value, samesite='Lax')"
        );
        assert!(fix_for(&parse("__secure-sid=x"), Setting::Prefix).contains("'__Host-sid'"));
    }

    #[test]
    fn helpers() {
        assert_eq!(milder(Severity::High), Severity::Medium);
        assert_eq!(milder(Severity::Info), Severity::Info);
        assert_eq!(days(86_400 * 31), "31 days");
    }
}

/// The rules of this module and of `cors`/`disclosure` on captures of real servers
/// (`tests/fixtures/`, written by `tests/capture/capture.py`).
#[cfg(test)]
mod fixtures {
    use crate::report::{Report, Severity};
    use crate::rules::testing::report;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../../../tests/fixtures/", $name))
        };
    }

    fn fired(r: &Report, id: &str) -> Vec<(Option<String>, Severity)> {
        r.exchanges
            .iter()
            .flat_map(|e| e.findings.iter())
            .filter(|f| f.rule == id)
            .map(|f| (f.cookie.clone(), f.severity))
            .collect()
    }

    #[test]
    fn flask_dev_server_session_cookie() {
        let r = report(fixture!("flask-dev-index.http"));
        let session = Some("session".to_string());
        assert_eq!(
            fired(&r, "cookie-missing-secure"),
            vec![(session.clone(), Severity::High)]
        );
        assert_eq!(
            fired(&r, "cookie-missing-samesite"),
            vec![(session, Severity::Medium)]
        );
        assert!(fired(&r, "cookie-missing-httponly").is_empty());
        assert!(fired(&r, "cookie-parse-error").is_empty());
        assert_eq!(fired(&r, "info-leak-server-version").len(), 1);
        let table = &r.exchanges[0].cookies;
        assert_eq!(table.len(), 1);
        assert_eq!(table[0].name, "session");
        assert!(table[0].verdicts.contains(&"cookie-missing-secure"));
    }

    #[test]
    fn talisman_session_cookie_passes() {
        let r = report(fixture!("flask-talisman-index.http"));
        for id in [
            "cookie-missing-secure",
            "cookie-missing-httponly",
            "cookie-missing-samesite",
            "cookie-parse-error",
            "cookie-broad-domain",
        ] {
            assert!(fired(&r, id).is_empty(), "{id}");
            assert!(r.exchanges[0].passed.contains(&id), "{id} passed");
        }
        assert_eq!(fired(&r, "info-leak-server-product").len(), 1);
        // Other families (the Flask session audit) may judge it; no cookie rule does.
        assert!(r.exchanges[0].cookies[0]
            .verdicts
            .iter()
            .all(|v| !v.starts_with("cookie-")));
    }

    #[test]
    fn django_csrf_cookie() {
        let r = report(fixture!("django-runserver-index.http"));
        let csrf = Some("csrftoken".to_string());
        assert_eq!(
            fired(&r, "cookie-missing-secure"),
            vec![(csrf, Severity::Medium)]
        );
        assert!(fired(&r, "cookie-missing-httponly").is_empty());
        assert!(fired(&r, "cookie-long-lifetime").is_empty());
        assert!(fired(&r, "cookie-parse-error").is_empty());
        assert_eq!(
            r.exchanges[0].cookies[0].class,
            crate::cookies::CookieClass::Csrf
        );
    }

    #[test]
    fn gunicorn_login_sets_remember_token() {
        let r = report(fixture!("flask-gunicorn-login-post.http"));
        let table = &r.exchanges[0].cookies;
        let remember = table.iter().find(|c| c.name == "remember_token").unwrap();
        assert_eq!(remember.attributes.lifetime_seconds, Some(365 * 86_400));
        assert_eq!(remember.class, crate::cookies::CookieClass::Session);
        assert!(fired(&r, "cookie-missing-httponly").is_empty());
        assert_eq!(fired(&r, "cookie-missing-secure").len(), 2);
    }

    #[test]
    fn har_over_http() {
        let r = report(fixture!("three-entries.har"));
        assert!(fired(&r, "cookie-missing-secure").is_empty());
        assert!(fired(&r, "cookie-secure-over-http").is_empty());
        assert!(fired(&r, "cors-reflected-origin").is_empty());
        assert!(fired(&r, "cookie-missing-samesite").len() >= 2);
    }

    #[test]
    fn server_headers_of_real_servers() {
        for (name, input) in [
            ("apache", fixture!("apache-default.http")),
            ("nginx", fixture!("nginx-default.http")),
            ("django", fixture!("django-runserver-404.http")),
        ] {
            let r = report(input);
            assert_eq!(fired(&r, "info-leak-server-version").len(), 1, "{name}");
        }
        let r = report(fixture!("flask-gunicorn-api.http"));
        assert!(fired(&r, "info-leak-server-version").is_empty());
        assert_eq!(fired(&r, "info-leak-server-product").len(), 1);
    }
}
