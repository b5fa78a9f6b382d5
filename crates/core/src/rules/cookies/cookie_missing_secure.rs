use crate::cookies::CookieClass;
use crate::report::{Finding, Severity};
use crate::rules::cookies::{
    by_class, finding, fix_for, hsts_enabled, live, milder, shown, Setting,
};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every cookie an HTTPS response sets carries the `Secure` attribute.
    /// Applies to HTTPS responses and to bare headers (assumed HTTPS); cookies the
    /// response deletes and prefixed cookies (see `cookie-prefix-violation`) are skipped.
    ///
    /// ## Why is this bad?
    /// Without `Secure`, the browser also sends the cookie with plain-HTTP requests to
    /// the host: a link to `http://`, a mixed-content image, or an attacker on the network
    /// who injects one. Whoever sees that request reads the cookie; for a session cookie
    /// that is the login. HSTS narrows the window (the browser upgrades requests to the
    /// host it has seen HSTS from) but not on the first visit, nor for subdomains without
    /// `includeSubDomains`, so the finding is one step milder with HSTS, not gone.
    ///
    /// Severity: high for session/auth cookies, medium for CSRF tokens, low for other
    /// cookies; one step lower when the response sends HSTS.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: session=eyJ1c2VyIjoiYWxpY2UifQ.ZxQ8Hw.sig; HttpOnly; Path=/
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: session=eyJ1c2VyIjoiYWxpY2UifQ.ZxQ8Hw.sig; Secure; HttpOnly; Path=/; SameSite=Lax
    /// ```
    ///
    /// ## References
    /// - [RFC 6265bis §4.1.2.5: The Secure Attribute](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-the-secure-attribute)
    /// - [MDN: Set-Cookie, Secure](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#secure)
    /// - [Flask: SESSION_COOKIE_SECURE](https://flask.palletsprojects.com/en/stable/config/#SESSION_COOKIE_SECURE)
    pub static COOKIE_MISSING_SECURE = {
        id: "cookie-missing-secure",
        title: "Cookie set without Secure",
        severity: High,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_missing_secure),
        fixes: {
            flask: "app.config['SESSION_COOKIE_SECURE'] = True\napp.config['REMEMBER_COOKIE_SECURE'] = True  # flask-login\n# other cookies:\nresp.set_cookie('name', value, secure=True, httponly=True, samesite='Lax')",
            policy: "[[cookies]]\npattern = \"*\"\nsecure = true",
            nginx: "proxy_cookie_flags ~ secure;  # nginx >= 1.19.3",
        },
    };
}

fn cookie_missing_secure(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.scheme.is_https() || ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    let hsts = hsts_enabled(ctx);
    for c in live(ctx).filter(|c| !c.secure && c.prefix.is_none()) {
        let base = by_class(c.class, Severity::High, Severity::Medium, Severity::Low);
        let severity = if hsts { milder(base) } else { base };
        let what = match c.class {
            CookieClass::Session => "a session/auth cookie: whoever reads it is logged in",
            CookieClass::Csrf => "a CSRF token: an attacker who reads it can forge requests",
            CookieClass::Other => "readable by anyone on the network",
        };
        let hsts_note = if hsts {
            " HSTS on this response lowers the risk, but not on a first visit or for other hosts."
        } else {
            ""
        };
        out.push(
            finding(
                &COOKIE_MISSING_SECURE,
                c,
                format!(
                    "{} is set without `Secure`, so browsers also send it over plain HTTP ({what}).{hsts_note}",
                    shown(c)
                ),
            )
            .severity(severity)
            .fix(fix_for(c, Setting::Secure)),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, not_applicable_with_scheme, quiet, report};

    const ID: &str = "cookie-missing-secure";

    #[test]
    fn fires_on_session_cookie_without_secure() {
        let r = fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; HttpOnly; Path=/\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.cookie.as_deref(), Some("session"));
        assert_eq!(
            f.fix.as_deref(),
            Some("app.config['SESSION_COOKIE_SECURE'] = True")
        );
    }

    #[test]
    fn milder_with_hsts_and_for_other_cookies() {
        let r = report("HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000\r\nSet-Cookie: session=abc; HttpOnly\r\nSet-Cookie: theme=dark\r\n\r\n");
        let sev: Vec<_> = r.exchanges[0]
            .findings
            .iter()
            .filter(|f| f.rule == ID)
            .map(|f| (f.cookie.clone().unwrap(), f.severity))
            .collect();
        assert!(sev.contains(&("session".into(), Severity::Medium)));
        assert!(sev.contains(&("theme".into(), Severity::Info)));
    }

    #[test]
    fn quiet_with_secure_or_deleted() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Secure; HttpOnly\r\n\r\n",
        );
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=; Max-Age=0; Path=/\r\n\r\n",
        );
    }

    #[test]
    fn not_applicable_over_http() {
        not_applicable_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=abc\r\n\r\n",
            crate::Scheme::Http,
        );
    }
}
