use crate::exchange::Scheme;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a plain-HTTP response redirecting to HTTPS uses a permanent redirect
    /// (`301 Moved Permanently` or `308 Permanent Redirect`) rather than `302`, `303` or
    /// `307`.
    ///
    /// ## Why is this bad?
    /// Browsers cache permanent redirects, so after the first visit an `http://` link
    /// or bookmark goes straight to HTTPS without a clear-text request. A temporary
    /// redirect is asked for again on every such visit, and each of those clear-text
    /// requests (with its URL and any non-`Secure` cookies) is a chance for an attacker on
    /// the network to answer instead of the server. Search engines also keep indexing
    /// the `http://` URLs.
    ///
    /// Severity is **low**: the redirect does move users to HTTPS, and
    /// `Strict-Transport-Security` is what truly removes the clear-text request.
    /// flask-talisman redirects with `302` unless `force_https_permanent=True`.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 302 Found
    /// Location: https://example.com/
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// HTTP/1.1 301 Moved Permanently
    /// Location: https://example.com/
    /// ```
    ///
    /// ## References
    /// - [RFC 9110 §15.4: Redirection 3xx](https://www.rfc-editor.org/rfc/rfc9110#section-15.4)
    /// - [MDN: Redirections in HTTP](https://developer.mozilla.org/en-US/docs/Web/HTTP/Redirections)
    pub static HTTPS_REDIRECT_NOT_PERMANENT = {
        id: "https-redirect-not-permanent",
        title: "The redirect to HTTPS is temporary",
        severity: Low,
        family: Transport,
        since: "0.1.0",
        check: Check::Exchange(https_redirect_not_permanent),
        fixes: {
            flask: "Talisman(app, force_https=True, force_https_permanent=True)  # 301 instead of 302",
            policy: "[https]\nredirect = true  # the worker answers plain HTTP with a permanent redirect",
            nginx: "server {\n    listen 80;\n    server_name example.com;\n    return 301 https://$host$request_uri;\n}",
        },
    };
}

fn https_redirect_not_permanent(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.scheme != Scheme::Http {
        return Outcome::NotApplicable;
    }
    let response = &ctx.exchange.response;
    let Some(location) = super::https_redirect_target(response) else {
        return Outcome::NotApplicable;
    };
    let status = response.status.unwrap_or(0);
    if matches!(status, 301 | 308) {
        return Outcome::Checked;
    }
    out.push(
        Finding::new(
            &HTTPS_REDIRECT_NOT_PERMANENT,
            format!(
                "The redirect to HTTPS uses status {status}, which browsers do not cache; use 301 or 308."
            ),
        )
        .header_evidence("Location", location),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::not_applicable_with_scheme;
    use crate::rules::transport::testkit::{assert_quiet, one, run_input};
    use crate::Scheme;

    const ID: &str = "https-redirect-not-permanent";

    #[test]
    fn fires_on_temporary_redirects_to_https() {
        for status in ["302 FOUND", "303 See Other", "307 Temporary Redirect"] {
            let report = run_input(
                &format!("HTTP/1.1 {status}\r\nLocation: https://example.com/\r\n\r\n"),
                Scheme::Http,
            );
            let f = one(&report, ID);
            assert!(f.detail.contains(&status[..3]));
        }
    }

    #[test]
    fn quiet_on_permanent_redirects() {
        for status in ["301 Moved Permanently", "308 Permanent Redirect"] {
            let report = run_input(
                &format!("HTTP/1.1 {status}\r\nLocation: https://example.com/\r\n\r\n"),
                Scheme::Http,
            );
            assert_quiet(&report, ID);
        }
    }

    #[test]
    fn not_applicable_unless_http_to_https() {
        let to_https = "HTTP/1.1 302 Found\r\nLocation: https://example.com/\r\n\r\n";
        not_applicable_with_scheme(ID, to_https, Scheme::Https);
        not_applicable_with_scheme(ID, to_https, Scheme::AssumedHttps);
        not_applicable_with_scheme(
            ID,
            "HTTP/1.1 302 Found\r\nLocation: /next\r\n\r\n",
            Scheme::Http,
        );
        not_applicable_with_scheme(ID, "HTTP/1.1 200 OK\r\n\r\n", Scheme::Http);
    }
}
