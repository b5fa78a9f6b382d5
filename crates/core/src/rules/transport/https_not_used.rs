use crate::exchange::Scheme;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a response served over plain HTTP is a redirect to an `https://` URL.
    /// It only applies when the scheme is known to be `http` (from the URL, or
    /// `--scheme http`); bare pasted headers are graded as HTTPS.
    ///
    /// ## Why is this bad?
    /// Everything sent over plain HTTP can be read and changed by anyone on the network
    /// path: public Wi-Fi, a compromised router, an ISP. An attacker can inject script
    /// into the page, steal session cookies and credentials, or rewrite links and forms
    /// so that the user never reaches HTTPS (SSL stripping). HSTS cannot help here:
    /// browsers ignore it on plain-HTTP responses.
    ///
    /// Severity is **high**: the MDN HTTP Observatory deducts 20 points both for a site
    /// without HTTPS and for an HTTP site that does not redirect to HTTPS.
    ///
    /// ## Example
    /// ```http
    /// GET http://example.com/account
    ///
    /// HTTP/1.1 200 OK
    /// Content-Type: text/html
    /// ```
    ///
    /// ## Use instead
    /// Serve the site over HTTPS, and answer every plain-HTTP request with a permanent
    /// redirect to the same URL on `https://`:
    /// ```http
    /// HTTP/1.1 301 Moved Permanently
    /// Location: https://example.com/account
    /// ```
    ///
    /// ## References
    /// - [RFC 9110 §4.2.2: the https URI scheme](https://www.rfc-editor.org/rfc/rfc9110#section-4.2.2)
    /// - [RFC 6797 §7.2: HTTP request type](https://www.rfc-editor.org/rfc/rfc6797#section-7.2)
    /// - [MDN: Transport Layer Security](https://developer.mozilla.org/en-US/docs/Web/Security/Transport_Layer_Security)
    /// - [MDN Observatory: redirection](https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring)
    pub static HTTPS_NOT_USED = {
        id: "https-not-used",
        title: "The response is served over plain HTTP",
        severity: High,
        family: Transport,
        since: "0.1.0",
        check: Check::Exchange(https_not_used),
        fixes: {
            flask: "from flask_talisman import Talisman\nTalisman(app, force_https=True, force_https_permanent=True)\n# Behind a proxy, trust its X-Forwarded-Proto so Flask knows the request was HTTPS:\nfrom werkzeug.middleware.proxy_fix import ProxyFix\napp.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)",
            policy: "[https]\nredirect = true",
            nginx: "server {\n    listen 80;\n    server_name example.com;\n    return 301 https://$host$request_uri;\n}",
        },
    };
}

fn https_not_used(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.scheme != Scheme::Http {
        return Outcome::NotApplicable;
    }
    let response = &ctx.exchange.response;
    if super::https_redirect_target(response).is_some() {
        return Outcome::Checked;
    }
    let finding = match response.headers.get_header("location") {
        Some(location) if response.is_redirect() => Finding::new(
            &HTTPS_NOT_USED,
            "The plain-HTTP response redirects, but not to an https:// URL, so the user stays on plain HTTP.",
        )
        .header_evidence(&location.name, &location.value),
        _ => Finding::new(
            &HTTPS_NOT_USED,
            match ctx.exchange.url() {
                Some(url) => format!(
                    "{url} is answered over plain HTTP instead of redirecting to HTTPS."
                ),
                None => "The response is served over plain HTTP instead of redirecting to HTTPS."
                    .to_string(),
            },
        ),
    };
    out.push(finding);
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires_with_scheme, not_applicable_with_scheme};
    use crate::rules::transport::testkit::{
        assert_quiet, exchange, one, run, run_input, with_request,
    };
    use crate::Scheme;

    const ID: &str = "https-not-used";

    #[test]
    fn fires_on_a_page_over_http() {
        fires_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
            Scheme::Http,
        );
    }

    #[test]
    fn fires_on_a_redirect_that_stays_on_http() {
        let report = run_input(
            "HTTP/1.1 302 FOUND\r\nLocation: http://example.com/me\r\n\r\n",
            Scheme::Http,
        );
        let f = one(&report, ID);
        assert!(f.detail.contains("not to an https://"));
        // A relative Location keeps the scheme, so it stays on HTTP too.
        let report = run_input("HTTP/1.1 302 FOUND\r\nLocation: /me\r\n\r\n", Scheme::Http);
        one(&report, ID);
    }

    #[test]
    fn quiet_on_a_redirect_to_https() {
        for status in [
            "301 Moved Permanently",
            "302 Found",
            "308 Permanent Redirect",
        ] {
            let report = run_input(
                &format!("HTTP/1.1 {status}\r\nLocation: HTTPS://example.com/\r\n\r\n"),
                Scheme::Http,
            );
            assert_quiet(&report, ID);
        }
    }

    #[test]
    fn the_url_tells_the_scheme() {
        let ex = with_request(exchange(200, &[], None), "GET", "http://example.com/", &[]);
        let report = run(ex, None);
        assert!(one(&report, ID).detail.contains("http://example.com/"));
    }

    #[test]
    fn not_applicable_over_https_or_unknown_scheme() {
        not_applicable_with_scheme(ID, "HTTP/1.1 200 OK\r\n\r\n", Scheme::Https);
        not_applicable_with_scheme(ID, "HTTP/1.1 200 OK\r\n\r\n", Scheme::AssumedHttps);
    }
}
