use crate::cookies::CookieClass;
use crate::report::Finding;
use crate::rules::cookies::{finding, fix_for, live, shown, Setting};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that session and auth cookies (`session`, `sessionid`, `sid`, `*sess*`,
    /// `remember_token`, `auth*`, `*token*`, JWTs, Flask and Express signed sessions)
    /// carry `HttpOnly`.
    ///
    /// Other cookies are checked when a `[[cookies]]` rule names them explicitly (not a
    /// catch-all `*`) with `http_only = true`.
    ///
    /// CSRF cookies (`csrftoken`, `csrf_token`, `XSRF-TOKEN`, `_csrf`) are exempt: in the
    /// double-submit pattern JavaScript must read them to copy the token into a header,
    /// and a script that can read them can already send forged requests itself.
    /// Preference and analytics cookies are not checked either. Cookies the response
    /// deletes are skipped, and so are `__Http-`/`__Host-Http-` cookies, whose missing
    /// `HttpOnly` is a `cookie-prefix-violation`.
    ///
    /// ## Why is this bad?
    /// Without `HttpOnly`, any script running in the page reads the cookie through
    /// `document.cookie`. One XSS flaw, or one compromised third-party script, then
    /// sends the session to the attacker, who keeps using it after the page is closed.
    /// With `HttpOnly` the same flaw is still bad, but the session id does not leave the
    /// browser.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: sessionid=k2l3j4; Secure; Path=/; SameSite=Lax
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: sessionid=k2l3j4; Secure; HttpOnly; Path=/; SameSite=Lax
    /// ```
    ///
    /// ## References
    /// - [OWASP: HttpOnly](https://owasp.org/www-community/HttpOnly)
    /// - [MDN: Set-Cookie, HttpOnly](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#httponly)
    /// - [Flask: SESSION_COOKIE_HTTPONLY](https://flask.palletsprojects.com/en/stable/config/#SESSION_COOKIE_HTTPONLY)
    /// - [Django: CSRF_COOKIE_HTTPONLY (why CSRF cookies are exempt)](https://docs.djangoproject.com/en/stable/ref/settings/#csrf-cookie-httponly)
    pub static COOKIE_MISSING_HTTPONLY = {
        id: "cookie-missing-httponly",
        title: "Session cookie readable by JavaScript (no HttpOnly)",
        severity: Medium,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_missing_httponly),
        fixes: {
            flask: "app.config['SESSION_COOKIE_HTTPONLY'] = True  # Flask's default; check it is not overridden\napp.config['REMEMBER_COOKIE_HTTPONLY'] = True  # flask-login\n# other cookies:\nresp.set_cookie('sid', value, secure=True, httponly=True, samesite='Lax')",
            policy: "[[cookies]]\npattern = \"*\"\nhttp_only = true  # session-like cookies; CSRF cookies are exempt",
            nginx: "proxy_cookie_flags ~ httponly;  # nginx >= 1.19.3; exclude CSRF cookies JS must read",
        },
    };
}

fn cookie_missing_httponly(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    // Session cookies always; other (non-CSRF) cookies when a policy rule names them
    // explicitly and asks for HttpOnly (a catch-all `*` rule is not read as "this
    // preference cookie is secret").
    let needs_it = |c: &&crate::cookies::SetCookie| {
        let named_by_policy = c.class == CookieClass::Other
            && ctx
                .policy
                .cookie_rule(&c.name)
                .is_some_and(|r| r.http_only && !r.pattern.is_catch_all());
        (c.class == CookieClass::Session || named_by_policy)
            && !c.http_only
            && !c.prefix.is_some_and(|m| m.prefix.needs_http_only())
    };
    for c in live(ctx).filter(needs_it) {
        out.push(
            finding(
                &COOKIE_MISSING_HTTPONLY,
                c,
                format!(
                    "{} looks like a session or auth cookie and is set without `HttpOnly`: any script in the page (one XSS flaw, one compromised dependency) can read it and send it away.",
                    shown(c)
                ),
            )
            .fix(fix_for(c, Setting::HttpOnly)),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    const ID: &str = "cookie-missing-httponly";

    #[test]
    fn fires_on_session_cookie() {
        let r = fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: sessionid=abc; Secure; Path=/\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert_eq!(
            f.fix.as_deref(),
            Some("SESSION_COOKIE_HTTPONLY = True  # settings.py")
        );
    }

    #[test]
    fn fires_on_signed_value_under_any_name() {
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: myapp=eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE; Secure\r\n\r\n",
        );
    }

    #[test]
    fn quiet_for_csrf_and_other_cookies() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: csrftoken=abc; Secure; SameSite=Lax\r\nSet-Cookie: XSRF-TOKEN=x; Secure\r\nSet-Cookie: theme=dark\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_httponly_or_on_logout() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Secure; HttpOnly\r\n\r\n",
        );
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/\r\n\r\n",
        );
    }
}
