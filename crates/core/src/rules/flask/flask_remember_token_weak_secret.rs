use crate::flask::SessionKind;
use crate::report::Finding;
use crate::rules::flask::{rotate_flask_secret_fix, weak_secret_findings};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Verifies Flask-Login `remember_token` cookies (`<user id>|<hex HMAC-SHA512>`)
    /// against the built-in list of weak secrets. Flask-Login signs them with the app's
    /// `SECRET_KEY`: `hex(HMAC-SHA512(SECRET_KEY, user_id))`.
    ///
    /// ## Why is this bad?
    /// The remember cookie is a long-lived login. With the key, anyone mints one for any
    /// user id (`1|…` is usually the first account, often the admin) and is logged in on
    /// the next request, with no password and for as long as `REMEMBER_COOKIE_DURATION`
    /// (365 days by default).
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: remember_token=1|be93bd1d…742d; Expires=Tue, 23 Nov 2027 13:14:07 GMT; HttpOnly; Path=/
    /// ```
    /// signed with `SECRET_KEY = "dev"`.
    ///
    /// ## Use instead
    /// A random `SECRET_KEY` from the environment (see `flask-session-weak-secret`).
    /// Changing it invalidates every remember cookie. To revoke tokens per user later,
    /// make `get_id()` return an alternative id that you rotate on logout or password
    /// change.
    ///
    /// ## References
    /// - [Flask-Login: Remember Me](https://flask-login.readthedocs.io/en/latest/#remember-me)
    /// - [Flask-Login: Alternative Tokens](https://flask-login.readthedocs.io/en/latest/#alternative-tokens)
    pub static FLASK_REMEMBER_TOKEN_WEAK_SECRET = {
        id: "flask-remember-token-weak-secret",
        title: "Flask-Login remember token signed with a well-known SECRET_KEY",
        severity: Critical,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(flask_remember_token_weak_secret),
        fixes: {
            flask: "# python -c 'import secrets; print(secrets.token_hex(32))'\napp.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n# Changing the key invalidates every remember_token signed with the old one.",
        },
    };
}

fn flask_remember_token_weak_secret(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    weak_secret_findings(
        ctx,
        out,
        SessionKind::FlaskRemember,
        &FLASK_REMEMBER_TOKEN_WEAK_SECRET,
        "Anyone can mint a remember cookie for any user id and be logged in as that user.",
        rotate_flask_secret_fix,
    )
}

#[cfg(test)]
mod tests {
    use crate::flask::testdata::fixture_cookie;
    use crate::rules::flask::fixtures::{findings_of, fires_exactly_on};
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_the_captured_login() {
        fires_exactly_on(
            "flask-remember-token-weak-secret",
            &["flask-gunicorn-login-post.http"],
        );
        let f = &findings_of(
            "flask-remember-token-weak-secret",
            "flask-gunicorn-login-post.http",
        )[0];
        assert_eq!(f.cookie.as_deref(), Some("remember_token"));
        assert!(f.fix.as_deref().unwrap().contains("`dev`"));
    }

    #[test]
    fn weak_key_fires_random_key_does_not() {
        let with = |c: &str| {
            format!(
                "HTTP/1.1 302 FOUND\r\nSet-Cookie: remember_token={c}; HttpOnly; Path=/\r\n\r\n"
            )
        };
        fires(
            "flask-remember-token-weak-secret",
            &with(&fixture_cookie("remember-dev")),
        );
        quiet(
            "flask-remember-token-weak-secret",
            &with(&fixture_cookie("remember-random-key")),
        );
    }
}
