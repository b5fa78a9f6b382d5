use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an HTTPS response sends `Strict-Transport-Security`.
    ///
    /// ## Why is this bad?
    /// Without HSTS, a user who types `example.com` or follows an `http://` link makes
    /// the first request in clear text. An attacker on the network can answer it and keep
    /// the user on HTTP (SSL stripping), reading and changing everything, session cookies
    /// included. HSTS tells the browser to use HTTPS for the host for `max-age` seconds.
    ///
    /// Only HTTPS responses are checked: browsers ignore HSTS sent over plain HTTP
    /// (see `https-not-used` and `hsts-over-http`).
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: text/html
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Strict-Transport-Security: max-age=63072000; includeSubDomains
    /// ```
    ///
    /// ## References
    /// - [RFC 6797: HTTP Strict Transport Security](https://www.rfc-editor.org/rfc/rfc6797)
    /// - [MDN: Strict-Transport-Security](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security)
    pub static HSTS_MISSING = {
        id: "hsts-missing",
        title: "Strict-Transport-Security is missing",
        severity: High,
        family: Transport,
        since: "0.1.0",
        check: Check::Exchange(hsts_missing),
        fixes: {
            flask: "Talisman(app, strict_transport_security=True, strict_transport_security_max_age=63072000)\n# or, without Talisman:\n@app.after_request\ndef hsts(resp):\n    resp.headers['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains'\n    return resp",
            policy: "[hsts]\nmax_age = 63072000\ninclude_subdomains = true",
            nginx: "add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;",
        },
    };
}

fn hsts_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.scheme.is_https() {
        return Outcome::NotApplicable;
    }
    if ctx.headers().contains("strict-transport-security") {
        return Outcome::Checked;
    }
    out.push(Finding::new(
        &HSTS_MISSING,
        "The response does not send Strict-Transport-Security, so browsers may reach the site over plain HTTP.",
    ));
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_https_without_hsts() {
        fires(
            "hsts-missing",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_hsts() {
        quiet(
            "hsts-missing",
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=63072000\r\n\r\n",
        );
    }

    #[test]
    fn not_applicable_over_http() {
        crate::rules::testing::not_applicable_with_scheme(
            "hsts-missing",
            "HTTP/1.1 200 OK\r\n\r\n",
            crate::Scheme::Http,
        );
    }
}
