use crate::exchange::Scheme;
use crate::report::{Finding, Severity};
use crate::rules::cookies::{finding, shown};
use crate::rules::cors::Origin;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags cookies with `Secure` set by a response known to be plain HTTP (a URL, a
    /// HAR entry, or `--scheme http`; bare headers are assumed HTTPS and never fire).
    ///
    /// ## Why is this bad?
    /// Browsers refuse to store a `Secure` cookie that arrives over plain HTTP (RFC
    /// 6265bis §5.7; Chrome 52+, Firefox 52+): the login that sets it appears to work and
    /// the next request is anonymous again. It usually means the app runs behind a TLS
    /// proxy but was reached directly, or the proxy does not forward
    /// `X-Forwarded-Proto` and the app builds `http://` URLs; either way part of the
    /// traffic is plain HTTP. Chrome and Firefox treat `http://localhost` as secure
    /// and accept such cookies there (Safari does not), so on localhost this is a note.
    ///
    /// ## Example
    /// ```http
    /// GET http://example.com/login
    /// Set-Cookie: session=abc; Secure; HttpOnly
    /// ```
    ///
    /// ## Use instead
    /// Serve the app over HTTPS only and redirect plain HTTP to it; behind a proxy, tell
    /// Flask the original scheme.
    /// ```python
    /// from werkzeug.middleware.proxy_fix import ProxyFix
    /// app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)
    /// ```
    ///
    /// ## References
    /// - [RFC 6265bis §5.7: Storage Model (secure-only from non-secure origins)](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-storage-model)
    /// - [Chrome Platform Status: Strict Secure Cookies](https://chromestatus.com/feature/4506322921848832)
    /// - [Werkzeug: ProxyFix](https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/)
    pub static COOKIE_SECURE_OVER_HTTP = {
        id: "cookie-secure-over-http",
        title: "Secure cookie set over plain HTTP (browsers drop it)",
        severity: Medium,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_secure_over_http),
        fixes: {
            flask: "from werkzeug.middleware.proxy_fix import ProxyFix\napp.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)\n# and redirect HTTP to HTTPS at the proxy (or Talisman(app, force_https=True))",
            policy: "[https]\nredirect = true",
            nginx: "server {\n    listen 80;\n    return 301 https://$host$request_uri;\n}",
        },
    };
}

/// Hosts that Chrome and Firefox treat as secure contexts over plain HTTP.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn cookie_secure_over_http(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.scheme != Scheme::Http || ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    let loopback = Origin::of_response(ctx).is_some_and(|o| is_loopback(&o.host));
    for c in ctx.cookies().iter().filter(|c| c.secure) {
        let (severity, detail) = if loopback {
            (
                Severity::Info,
                format!(
                    "{} has `Secure` on a plain-HTTP localhost response: Chrome and Firefox accept it there, Safari drops it; in production it must come over HTTPS.",
                    shown(c)
                ),
            )
        } else {
            (
                Severity::Medium,
                format!(
                    "{} has `Secure` but came over plain HTTP: browsers drop it, so whatever it carries (a login, a CSRF token) is lost.",
                    shown(c)
                ),
            )
        };
        out.push(finding(&COOKIE_SECURE_OVER_HTTP, c, detail).severity(severity));
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires_with_scheme, not_applicable_with_scheme, report_with};
    use crate::{CheckOptions, Scheme};

    const ID: &str = "cookie-secure-over-http";

    #[test]
    fn fires_on_secure_cookie_over_http() {
        fires_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=a; Secure; HttpOnly\r\n\r\n",
            Scheme::Http,
        );
    }

    #[test]
    fn quiet_without_secure_over_http() {
        let r = report_with(
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=a; HttpOnly\r\n\r\n",
            &CheckOptions {
                scheme: Some(Scheme::Http),
                ..Default::default()
            },
        );
        assert!(r.exchanges[0].findings.iter().all(|f| f.rule != ID));
        assert!(r.exchanges[0].passed.contains(&ID));
    }

    #[test]
    fn not_applicable_over_https() {
        not_applicable_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=a; Secure\r\n\r\n",
            Scheme::Https,
        );
    }

    #[test]
    fn loopback_hosts() {
        assert!(super::is_loopback("localhost"));
        assert!(super::is_loopback("127.0.0.1"));
        assert!(super::is_loopback("[::1]"));
        assert!(!super::is_loopback("example.com"));
    }
}
