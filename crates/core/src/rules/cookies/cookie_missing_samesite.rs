use crate::report::{Finding, Severity};
use crate::rules::cookies::{by_class, finding, fix_for, live, shown, Setting};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every cookie the response sets has a `SameSite` attribute. Cookies
    /// with an invalid value are `cookie-samesite-invalid`; deleted cookies are skipped.
    ///
    /// ## Why is this bad?
    /// `SameSite` decides whether the browser attaches the cookie to requests that
    /// another site starts: a form that posts to your `/transfer`, an `<img>` that hits
    /// `/logout`. Without it, each browser applies its own default:
    ///
    /// - Chrome and Edge treat a cookie without `SameSite` as `Lax`, except that for the
    ///   first two minutes after it is set it is still sent on cross-site top-level
    ///   `POST` (the "Lax+POST" allowance kept for single-sign-on flows). A login that
    ///   sets the session cookie and is followed by a cross-site form post within those
    ///   two minutes is not protected.
    /// - Firefox tried Lax-by-default and rolled it back; Safari never adopted it. Both
    ///   send such a cookie on cross-site requests (third-party contexts are partitioned
    ///   or blocked, but a top-level cross-site form post still carries it).
    ///
    /// So the cookie's CSRF protection depends on the visitor's browser. Setting
    /// `SameSite=Lax` (or `Strict`) explicitly gives every browser the same rule.
    ///
    /// Severity: medium for session/auth cookies, low otherwise.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: session=abc; Secure; HttpOnly; Path=/
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: session=abc; Secure; HttpOnly; Path=/; SameSite=Lax
    /// ```
    ///
    /// ## References
    /// - [RFC 6265bis §8.8: SameSite cookies](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-samesite-cookies)
    /// - [Chromium: SameSite Updates (Lax by default, Lax+POST)](https://www.chromium.org/updates/same-site/)
    /// - [MDN: Set-Cookie, SameSite](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value)
    /// - [Flask: SESSION_COOKIE_SAMESITE](https://flask.palletsprojects.com/en/stable/config/#SESSION_COOKIE_SAMESITE)
    pub static COOKIE_MISSING_SAMESITE = {
        id: "cookie-missing-samesite",
        title: "Cookie set without SameSite",
        severity: Low,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_missing_samesite),
        fixes: {
            flask: "app.config['SESSION_COOKIE_SAMESITE'] = 'Lax'\napp.config['REMEMBER_COOKIE_SAMESITE'] = 'Lax'  # flask-login\n# other cookies:\nresp.set_cookie('name', value, secure=True, httponly=True, samesite='Lax')",
            policy: "[[cookies]]\npattern = \"*\"\nsame_site = \"Lax\"",
            nginx: "proxy_cookie_flags ~ samesite=lax;  # nginx >= 1.19.3",
        },
    };
}

fn cookie_missing_samesite(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    for c in live(ctx).filter(|c| c.same_site.is_none()) {
        out.push(
            finding(
                &COOKIE_MISSING_SAMESITE,
                c,
                format!(
                    "{} has no `SameSite`: Chrome treats it as Lax (but still sends it on cross-site POST for two minutes after it is set); Firefox and Safari send it on cross-site requests.",
                    shown(c)
                ),
            )
            .severity(by_class(c.class, Severity::Medium, Severity::Low, Severity::Low))
            .fix(fix_for(c, Setting::SameSite)),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};

    const ID: &str = "cookie-missing-samesite";

    #[test]
    fn fires_without_samesite() {
        let r = fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Secure; HttpOnly\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(
            f.fix.as_deref(),
            Some("app.config['SESSION_COOKIE_SAMESITE'] = 'Lax'")
        );
    }

    #[test]
    fn quiet_with_samesite_invalid_or_deleted() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Secure; HttpOnly; SameSite=Strict\r\n\r\n",
        );
        // An invalid value is the other rule's business.
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: a=b; Secure; SameSite=bogus\r\n\r\n",
        );
        quiet(ID, "HTTP/1.1 200 OK\r\nSet-Cookie: a=; Max-Age=0\r\n\r\n");
    }
}
