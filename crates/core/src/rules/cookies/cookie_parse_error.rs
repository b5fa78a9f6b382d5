use crate::cookies::ProblemWeight;
use crate::report::{Finding, Severity};
use crate::rules::cookies::{finding, shown};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reads every `Set-Cookie` the way browsers do (RFC 6265bis §5.6) and reports what
    /// in it is malformed or read differently than written, one finding per header:
    ///
    /// - the cookie is dropped: control characters, empty header, name and value over
    ///   4096 bytes; or several cookies folded into one line with `,`;
    /// - a protection the author wrote is not there: a misspelt attribute (`Http-Only`,
    ///   `SameSites=Lax`, `MaxAge`), a pair without `=` (`Set-Cookie: secure; httponly`
    ///   stores a nameless cookie whose *value* is `secure`);
    /// - browsers ignore part of it: unknown attributes, a value on a flag
    ///   (`Secure=false` still sets `Secure`), an unreadable `Expires` or `Max-Age`,
    ///   `Path` not starting with `/`, empty `Domain`, duplicate attributes (the last
    ///   one wins);
    /// - cosmetic: characters outside RFC 6265's cookie-value set, repeated flags,
    ///   obsolete RFC 2109 attributes (`Version`, `Comment`).
    ///
    /// Invalid `SameSite` values have their own rule (`cookie-samesite-invalid`).
    ///
    /// Severity: medium when the cookie is dropped or a protection is lost, low when
    /// browsers ignore part of it, info when cosmetic.
    ///
    /// ## Why is this bad?
    /// Lenient parsers (browsers, the `cookie` crate, most frameworks) do not complain:
    /// they drop what they cannot read. The result is a cookie without the flag the code
    /// seems to set, or no cookie at all, and nothing in the logs.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: session=abc; Http-Only; Secure=false; Expires=in 2 days
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: session=abc; HttpOnly; Secure; Max-Age=172800
    /// ```
    ///
    /// ## References
    /// - [RFC 6265bis §4.1.1: Set-Cookie syntax](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-syntax)
    /// - [RFC 6265bis §5.6: The Set-Cookie Header Field (how browsers parse it)](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-the-set-cookie-header-field)
    pub static COOKIE_PARSE_ERROR = {
        id: "cookie-parse-error",
        title: "Malformed Set-Cookie header",
        severity: Low,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_parse_error),
        fixes: {
            flask: "# let Werkzeug build the header instead of writing it by hand:\nresp.set_cookie('name', value, max_age=3600, secure=True, httponly=True, samesite='Lax')",
        },
    };
}

fn cookie_parse_error(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    for c in ctx.cookies() {
        let Some(worst) = c.problems.iter().map(|p| p.weight()).max() else {
            continue;
        };
        let severity = match worst {
            ProblemWeight::Broken => Severity::Medium,
            ProblemWeight::Ignored => Severity::Low,
            ProblemWeight::Cosmetic => Severity::Info,
        };
        let problems: Vec<String> = c.problems.iter().map(ToString::to_string).collect();
        out.push(
            finding(
                &COOKIE_PARSE_ERROR,
                c,
                format!(
                    "In the Set-Cookie of {}: {}.",
                    shown(c),
                    problems.join("; ")
                ),
            )
            .severity(severity),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet, report};

    const ID: &str = "cookie-parse-error";

    fn severity(input: &str) -> Severity {
        report(input).exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .map(|f| f.severity)
            .expect("finding")
    }

    #[test]
    fn fires_on_broken_headers() {
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: secure; httponly\r\n\r\n",
        );
        assert_eq!(
            severity("HTTP/1.1 200 OK\r\nSet-Cookie: session=a; Http-Only\r\n\r\n"),
            Severity::Medium
        );
        assert_eq!(
            severity("HTTP/1.1 200 OK\r\nSet-Cookie: a=b; Expires=tomorrow; Foo=bar\r\n\r\n"),
            Severity::Low
        );
        assert_eq!(
            severity("HTTP/1.1 200 OK\r\nSet-Cookie: a=b; Version=1\r\n\r\n"),
            Severity::Info
        );
    }

    #[test]
    fn quiet_on_well_formed_cookies() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=eyJ4IjoxfQ.ZxQ8Hw.abc; Secure; HttpOnly; Path=/; SameSite=Lax;\r\nSet-Cookie:  csrftoken=wBf7; expires=Mon, 22 Nov 2027 13:14:09 GMT; Max-Age=31449600; Path=/; SameSite=Lax\r\n\r\n",
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        for raw in [
            "=",
            ";;;",
            "a=b; =; ==; Expires=; Max-Age=-; Domain=.",
            "\u{fffd}=\u{fffd}; SameSite=\u{fffd}",
            "a=b; Max-Age=99999999999999999999999999",
        ] {
            let _ = report(&format!("HTTP/1.1 200 OK\r\nSet-Cookie: {raw}\r\n\r\n"));
        }
    }
}
