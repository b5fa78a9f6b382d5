use crate::cookies::{CookieClass, SetCookie, BROWSER_MAX_LIFETIME_SECS};
use crate::report::{Finding, Severity};
use crate::rules::cookies::{days, finding, fix_for, live, shown, Setting};
use crate::rules::{Check, Context, Outcome};

/// Longest lifetime accepted for a session/auth cookie when the policy sets none.
pub const DEFAULT_MAX_SESSION_LIFETIME_SECS: i64 = 30 * 86_400;

crate::declare_rule! {
    /// ## What it does
    /// Flags cookies that live longer than the policy allows: the `max_age` of the first
    /// `[[cookies]]` rule whose pattern matches the name (the `balanced` preset allows a
    /// year). Session and auth cookies that no rule limits are held to 30 days.
    ///
    /// The lifetime is `Max-Age` when present (browsers prefer it), otherwise `Expires`
    /// minus the response's `Date` header. With `Expires` and no `Date` there is nothing
    /// to measure from (headwarden has no clock of its own) and the cookie is not
    /// judged. Without a policy limit, CSRF, preference and analytics cookies are not
    /// judged (a year-long CSRF cookie, Django's default, is fine); cookies the
    /// response deletes are skipped.
    ///
    /// ## Why is this bad?
    /// A persistent session cookie stays on the disk of every device that ever logged
    /// in, and a stolen copy works until it expires unless the server tracks and revokes
    /// sessions. Flask's signed session cookie cannot be revoked at all short of
    /// rotating `SECRET_KEY`: its lifetime is the attacker's window. Browsers cap
    /// lifetimes at 400 days anyway.
    ///
    /// Severity for session/auth cookies: low, medium beyond a year. Info for other
    /// cookies over the policy's limit.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: remember_token=1|9f2c…; Expires=Tue, 23 Nov 2027 13:14:07 GMT; HttpOnly; Path=/
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: remember_token=1|9f2c…; Max-Age=1209600; Secure; HttpOnly; Path=/; SameSite=Lax
    /// ```
    ///
    /// ## References
    /// - [OWASP Session Management Cheat Sheet: Session Expiration](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-expiration)
    /// - [RFC 6265bis §5.6.1: cookie lifetime limits](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-cookie-lifetime-limits)
    /// - [Flask: PERMANENT_SESSION_LIFETIME](https://flask.palletsprojects.com/en/stable/config/#PERMANENT_SESSION_LIFETIME)
    /// - [Flask-Login: REMEMBER_COOKIE_DURATION](https://flask-login.readthedocs.io/en/latest/#cookie-settings)
    pub static COOKIE_LONG_LIFETIME = {
        id: "cookie-long-lifetime",
        title: "Cookie lives too long",
        severity: Low,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_long_lifetime),
        fixes: {
            flask: "from datetime import timedelta\napp.config['PERMANENT_SESSION_LIFETIME'] = timedelta(days=7)\napp.config['REMEMBER_COOKIE_DURATION'] = timedelta(days=14)  # flask-login",
            policy: "[[cookies]]\npattern = \"session\"\nmax_age = 604800  # longest allowed lifetime, seconds",
        },
    };
}

/// Where a lifetime limit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    /// `[[cookies]] max_age` of the matching rule.
    Policy(i64),
    /// [`DEFAULT_MAX_SESSION_LIFETIME_SECS`], for session cookies no rule limits.
    Default(i64),
}

/// The longest lifetime allowed for `cookie`, if it is judged at all.
fn limit_for(ctx: &Context<'_>, cookie: &SetCookie) -> Option<Limit> {
    let policy = ctx
        .policy
        .cookie_rule(&cookie.name)
        .and_then(|r| r.max_age)
        .map(|s| Limit::Policy(i64::try_from(s).unwrap_or(i64::MAX)));
    policy.or_else(|| {
        (cookie.class == CookieClass::Session)
            .then_some(Limit::Default(DEFAULT_MAX_SESSION_LIFETIME_SECS))
    })
}

fn cookie_long_lifetime(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    for c in live(ctx) {
        let (Some(limit), Some(secs)) = (limit_for(ctx, c), c.lifetime.seconds()) else {
            continue;
        };
        let (limit, whose) = match limit {
            Limit::Policy(l) => (l, "the policy's `[[cookies]] max_age`"),
            Limit::Default(l) => (l, "headwarden's default for session cookies"),
        };
        if secs <= limit {
            continue;
        }
        let measured = if c.max_age.is_some() {
            "Max-Age"
        } else {
            "Expires minus the response's Date"
        };
        let cap = if secs > BROWSER_MAX_LIFETIME_SECS {
            " (browsers cap it at 400 days)"
        } else {
            ""
        };
        let (severity, what) = match c.class {
            CookieClass::Session if secs > 365 * 86_400 => {
                (Severity::Medium, "a session/auth cookie")
            }
            CookieClass::Session => (Severity::Low, "a session/auth cookie"),
            _ => (Severity::Info, "a cookie"),
        };
        let risk = if c.class == CookieClass::Session {
            " A stolen copy stays valid that long."
        } else {
            ""
        };
        out.push(
            finding(
                &COOKIE_LONG_LIFETIME,
                c,
                format!(
                    "{} is {what} that lives {} ({measured}){cap}; the limit is {} ({whose}).{risk}",
                    shown(c),
                    days(secs),
                    days(limit)
                ),
            )
            .severity(severity)
            .fix(fix_for(c, Setting::Lifetime)),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::{Report, Severity};
    use crate::rules::testing::{fires, quiet, report};
    use crate::{check, parse, CheckOptions, Policy};

    const ID: &str = "cookie-long-lifetime";

    fn with_policy(toml: &str, input: &str) -> Report {
        let policy = Policy::from_toml_str(toml).expect("policy");
        check(
            &parse(input.as_bytes()).unwrap(),
            &policy,
            &CheckOptions::default(),
        )
    }

    const LOGIN: &str = "HTTP/1.1 302 FOUND\r\nDate: Mon, 23 Nov 2026 13:14:07 GMT\r\nSet-Cookie: remember_token=1|be93; Expires=Tue, 23 Nov 2027 13:14:07 GMT; HttpOnly; Path=/\r\n\r\n";

    #[test]
    fn fires_past_the_default_session_limit() {
        // A policy without cookie rules: session cookies get 30 days.
        let r = with_policy("[hsts]\nmax_age = 31536000", LOGIN);
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .expect("fires");
        assert_eq!(f.severity, Severity::Low);
        assert!(
            f.detail.contains("365 days") && f.detail.contains("30 days"),
            "{}",
            f.detail
        );
        assert!(f
            .fix
            .as_deref()
            .unwrap()
            .contains("REMEMBER_COOKIE_DURATION"));
    }

    #[test]
    fn policy_limit_wins() {
        // The balanced preset allows a year: flask-login's default passes.
        quiet(ID, LOGIN);
        let r = with_policy(
            "[[cookies]]\npattern = \"*\"\nmax_age = 604800",
            "HTTP/1.1 200 OK\r\nSet-Cookie: _ga=GA1.2.3; Max-Age=63072000\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .expect("fires");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("max_age"), "{}", f.detail);
    }

    #[test]
    fn medium_beyond_a_year() {
        let r = fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: sid=1; Max-Age=63072000\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert_eq!(f.severity, Severity::Medium);
        assert!(f.detail.contains("400 days"));
    }

    #[test]
    fn quiet_for_short_unknown_or_non_session() {
        // Django's defaults: 14-day session, 1-year CSRF cookie.
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: sessionid=x; Max-Age=1209600; HttpOnly\r\nSet-Cookie: csrftoken=y; Max-Age=31449600\r\n\r\n",
        );
        // Expires without Date: not measurable.
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: sid=1; Expires=Tue, 23 Nov 2099 13:14:07 GMT\r\n\r\n",
        );
        let _ = report("HTTP/1.1 200 OK\r\n\r\n");
    }
}
