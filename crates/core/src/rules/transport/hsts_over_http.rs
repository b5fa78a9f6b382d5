use crate::exchange::Scheme;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports `Strict-Transport-Security` sent on a response served over plain HTTP.
    /// It only applies when the scheme is known to be `http`.
    ///
    /// ## Why is this bad?
    /// RFC 6797 says a server must not send HSTS over plain HTTP and browsers must ignore
    /// it there: an attacker on the network could otherwise inject the header to make a
    /// site unreachable, or strip it. So the header does nothing on this response, and
    /// the site may look protected when it is not. Users only get HSTS once an HTTPS
    /// response sends it, which needs the site to redirect HTTP to HTTPS first.
    ///
    /// Severity is **info**: the header is harmless, just ineffective; the real problem
    /// (a page on plain HTTP) is `https-not-used`. Some middleware (helmet) sends HSTS on
    /// every response by design.
    ///
    /// ## Example
    /// ```http
    /// GET http://example.com/
    ///
    /// HTTP/1.1 200 OK
    /// Strict-Transport-Security: max-age=31536000
    /// ```
    ///
    /// ## Use instead
    /// Redirect plain HTTP to HTTPS and send HSTS on the HTTPS responses:
    /// ```http
    /// HTTP/1.1 301 Moved Permanently
    /// Location: https://example.com/
    /// ```
    ///
    /// ## References
    /// - [RFC 6797 §7.2: HTTP request type](https://www.rfc-editor.org/rfc/rfc6797#section-7.2)
    /// - [RFC 6797 §8.1: Strict-Transport-Security response header field processing](https://www.rfc-editor.org/rfc/rfc6797#section-8.1)
    /// - [MDN: Strict-Transport-Security](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security)
    pub static HSTS_OVER_HTTP = {
        id: "hsts-over-http",
        title: "Strict-Transport-Security is sent over plain HTTP",
        severity: Info,
        family: Transport,
        since: "0.1.0",
        check: Check::Exchange(hsts_over_http),
        fixes: {
            flask: "# Talisman sends HSTS only on HTTPS requests; by hand:\n@app.after_request\ndef hsts(resp):\n    if request.is_secure:  # with ProxyFix(x_proto=1) behind a proxy\n        resp.headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains'\n    return resp",
            policy: "[https]\nredirect = true  # the worker redirects HTTP and adds HSTS to HTTPS responses only",
            nginx: "# in the `listen 443 ssl` server block only; the port-80 block just redirects\nadd_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;",
        },
    };
}

fn hsts_over_http(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.scheme != Scheme::Http {
        return Outcome::NotApplicable;
    }
    if let Some(line) = ctx.headers().get_header("strict-transport-security") {
        out.push(
            Finding::new(
                &HSTS_OVER_HTTP,
                "Browsers ignore Strict-Transport-Security on plain-HTTP responses; send it over HTTPS.",
            )
            .header_evidence(&line.name, &line.value),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires_with_scheme, not_applicable_with_scheme};
    use crate::rules::transport::testkit::{assert_quiet, run_input};
    use crate::Scheme;

    const ID: &str = "hsts-over-http";

    #[test]
    fn fires_on_hsts_over_http() {
        fires_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000\r\n\r\n",
            Scheme::Http,
        );
    }

    #[test]
    fn quiet_over_http_without_hsts() {
        assert_quiet(&run_input("HTTP/1.1 200 OK\r\n\r\n", Scheme::Http), ID);
    }

    #[test]
    fn not_applicable_over_https() {
        not_applicable_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000\r\n\r\n",
            Scheme::Https,
        );
    }
}
