use crate::flask::SessionKind;
use crate::report::Finding;
use crate::rules::flask::weak_secret_findings;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Verifies express-session's `connect.sid` cookies (`s:<id>.<signature>`, usually
    /// URL-encoded as `s%3A…`) against the built-in list of weak secrets, starting with
    /// `keyboard cat`, the secret of express-session's README that countless apps ship.
    /// cookie-signature computes `base64(HMAC-SHA256(secret, id))` without padding.
    ///
    /// ## Why is this bad?
    /// The signature is what stops a client from choosing its session id. With the
    /// secret, an attacker signs any id: a session id learnt from a log or a fixation
    /// attack becomes usable, and cookies signed by cookie-parser with the same secret
    /// (`req.signedCookies`) can be forged outright.
    ///
    /// ## Example
    /// ```js
    /// app.use(session({ secret: "keyboard cat" }));
    /// ```
    ///
    /// ## Use instead
    /// ```js
    /// // node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"
    /// app.use(session({ secret: process.env.SESSION_SECRET, cookie: { secure: true, httpOnly: true, sameSite: "lax" } }));
    /// ```
    /// express-session accepts an array of secrets to rotate (`[newSecret, oldSecret]`);
    /// do not keep a public one in it.
    ///
    /// ## References
    /// - [express-session: secret](https://github.com/expressjs/session#secret)
    /// - [cookie-signature](https://github.com/tj/node-cookie-signature)
    pub static EXPRESS_SESSION_WEAK_SECRET = {
        id: "express-session-weak-secret",
        title: "Express session cookie signed with a well-known secret",
        severity: High,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(express_session_weak_secret),
        fixes: {},
    };
}

fn express_fix(secret: &str) -> String {
    format!(
        "The session secret is `{secret}`, a published value.\n\
         1. Generate one: node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"\n\
         2. app.use(session({{ secret: process.env.SESSION_SECRET, ... }}))\n\
         3. Do not keep `{secret}` in the secret array for rotation: drop it, and the \
         sessions it signed end."
    )
}

fn express_session_weak_secret(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    weak_secret_findings(
        ctx,
        out,
        SessionKind::Express,
        &EXPRESS_SESSION_WEAK_SECRET,
        "Anyone can sign session ids of their choice, and forge cookies signed with the same secret.",
        express_fix,
    )
}

#[cfg(test)]
mod tests {
    use crate::flask::testdata::fixture_cookie;
    use crate::rules::testing::{fires, quiet};

    fn with(c: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nX-Powered-By: Express\r\nSet-Cookie: connect.sid={c}; Path=/; HttpOnly\r\n\r\n")
    }

    #[test]
    fn keyboard_cat_fires_random_secret_does_not() {
        let report = fires(
            "express-session-weak-secret",
            &with(&fixture_cookie("connect-sid-keyboard-cat")),
        );
        let f = report.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "express-session-weak-secret")
            .unwrap();
        assert_eq!(f.source.as_deref(), Some("keyboard cat"));
        assert!(f.fix.as_deref().unwrap().contains("`keyboard cat`"));
        quiet(
            "express-session-weak-secret",
            &with(&fixture_cookie("connect-sid-random-key")),
        );
    }
}
