use crate::cookies::SameSite;
use crate::report::Finding;
use crate::rules::cookies::{finding, fix_for, shown, Setting};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags cookies set with `SameSite=None` but without `Secure`, including deletions
    /// (a rejected deletion leaves the old cookie in place).
    ///
    /// ## Why is this bad?
    /// `SameSite=None` asks the browser to send the cookie on cross-site requests.
    /// Chromium-based browsers (Chrome 80+, Edge) accept that only together with
    /// `Secure` and **reject the cookie outright** otherwise, so the feature that needed
    /// it (an embedded widget, a cross-site login) breaks for most visitors. Browsers
    /// that do accept it send the cookie cross-site and over plain HTTP, the worst of
    /// both.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: widget_session=abc; SameSite=None; HttpOnly
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: widget_session=abc; SameSite=None; Secure; HttpOnly; Partitioned
    /// ```
    ///
    /// ## References
    /// - [Chromium: SameSite Updates (None requires Secure)](https://www.chromium.org/updates/same-site/)
    /// - [web.dev: SameSite cookies explained](https://web.dev/articles/samesite-cookies-explained)
    /// - [MDN: SameSite=None requires Secure](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#none)
    pub static COOKIE_SAMESITE_NONE_INSECURE = {
        id: "cookie-samesite-none-insecure",
        title: "SameSite=None without Secure (browsers reject the cookie)",
        severity: Medium,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_samesite_none_insecure),
        fixes: {
            flask: "app.config['SESSION_COOKIE_SECURE'] = True  # SESSION_COOKIE_SAMESITE = 'None' needs it\n# other cookies:\nresp.set_cookie('name', value, secure=True, samesite='None')",
            policy: "[[cookies]]\npattern = \"*\"\nsecure = true",
            nginx: "proxy_cookie_flags ~ secure;  # nginx >= 1.19.3",
        },
    };
}

fn cookie_samesite_none_insecure(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    for c in ctx
        .cookies()
        .iter()
        .filter(|c| c.same_site == Some(SameSite::None) && !c.secure && !c.name.is_empty())
    {
        let what = if c.is_deleted() {
            "so the deletion is ignored and the old cookie stays"
        } else {
            "so the cookie is never stored"
        };
        out.push(
            finding(
                &COOKIE_SAMESITE_NONE_INSECURE,
                c,
                format!(
                    "{} is set with `SameSite=None` but without `Secure`: Chrome and Edge reject it, {what}; other browsers send it cross-site over plain HTTP.",
                    shown(c)
                ),
            )
            .fix(fix_for(c, Setting::Secure)),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    const ID: &str = "cookie-samesite-none-insecure";

    #[test]
    fn fires_on_none_without_secure() {
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: w=1; SameSite=None\r\n\r\n",
        );
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: w=; SameSite=none; Max-Age=0\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_secure_or_other_values() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: w=1; SameSite=None; Secure\r\n\r\n",
        );
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: w=1; SameSite=Lax\r\n\r\n",
        );
    }
}
