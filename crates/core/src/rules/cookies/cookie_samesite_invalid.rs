use crate::cookies::SameSite;
use crate::report::{Finding, Severity};
use crate::rules::cookies::{by_class, finding, fix_for, live, shown, Setting};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags a `SameSite` attribute whose value is not `Strict`, `Lax` or `None`
    /// (compared case-insensitively): `SameSite=true`, `SameSite="Lax"`,
    /// `SameSite=lax-ish`, or a bare `SameSite` with no value. When the attribute is
    /// repeated, browsers use the last one, and so does this rule.
    ///
    /// ## Why is this bad?
    /// Browsers ignore an invalid value and fall back to their default, as if the
    /// attribute were missing (Lax in Chrome, None in Firefox and Safari). The author
    /// believes the cookie is protected; in half the browsers it is not. Many cookie
    /// libraries (including the `cookie` crate) drop the bad value silently, so it goes
    /// unnoticed in tests.
    ///
    /// Severity: medium for session/auth cookies, low otherwise.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: session=abc; Secure; HttpOnly; SameSite=true
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: session=abc; Secure; HttpOnly; SameSite=Lax
    /// ```
    ///
    /// ## References
    /// - [RFC 6265bis §5.6.7: The SameSite Attribute](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-the-samesite-attribute-2)
    /// - [MDN: Set-Cookie, SameSite](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value)
    pub static COOKIE_SAMESITE_INVALID = {
        id: "cookie-samesite-invalid",
        title: "SameSite has a value browsers ignore",
        severity: Low,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_samesite_invalid),
        fixes: {
            flask: "app.config['SESSION_COOKIE_SAMESITE'] = 'Lax'  # 'Strict', 'Lax' or 'None' (a string)\n# other cookies:\nresp.set_cookie('name', value, samesite='Lax')",
            policy: "[[cookies]]\npattern = \"*\"\nsame_site = \"Lax\"",
            nginx: "proxy_cookie_flags ~ samesite=lax;  # nginx >= 1.19.3",
        },
    };
}

fn cookie_samesite_invalid(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    for c in live(ctx) {
        let Some(SameSite::Invalid(value)) = &c.same_site else {
            continue;
        };
        let written = if value.is_empty() {
            "`SameSite` has no value".to_string()
        } else {
            format!("`SameSite={value}` is not Strict, Lax or None")
        };
        out.push(
            finding(
                &COOKIE_SAMESITE_INVALID,
                c,
                format!(
                    "{written}: browsers ignore it and apply their default to {} (Lax in Chrome, None in Firefox and Safari).",
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
    use crate::rules::testing::{fires, quiet};

    const ID: &str = "cookie-samesite-invalid";

    #[test]
    fn fires_on_invalid_values() {
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=a; Secure; HttpOnly; SameSite=true\r\n\r\n",
        );
        fires(ID, "HTTP/1.1 200 OK\r\nSet-Cookie: a=b; SameSite\r\n\r\n");
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: a=b; SameSite=Lax; SameSite=\"Strict\"\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_valid_values() {
        quiet(ID, "HTTP/1.1 200 OK\r\nSet-Cookie: a=b; SameSite=lax\r\nSet-Cookie: c=d; SameSite=STRICT\r\n\r\n");
        quiet(ID, "HTTP/1.1 200 OK\r\nSet-Cookie: a=b\r\n\r\n");
    }
}
