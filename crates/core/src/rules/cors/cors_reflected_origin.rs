use crate::report::{Finding, Severity};
use crate::rules::cors::{allow_origin, allows_credentials, request_origin, Origin};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// When the input carries the request (HAR, `curl -v`), compares the request's
    /// `Origin` with the response's `Access-Control-Allow-Origin`. It fires when the
    /// response allows exactly the origin that asked and that origin is not the
    /// response's own.
    ///
    /// One exchange cannot tell "echoes any origin" from "this origin is on the
    /// allowlist", so the severity follows how foreign the origin is:
    ///
    /// - another site (different registrable domain) with
    ///   `Access-Control-Allow-Credentials: true`: **high**;
    /// - another site without credentials: low (anyone may read what an anonymous
    ///   request gets, as with `*`);
    /// - a sibling on the same site (`app.example.com` → `api.example.com`): info, most
    ///   likely an allowlist.
    ///
    /// To test a server, send an origin it cannot have listed:
    /// `curl -sv -H 'Origin: https://evil.example' https://your.site/api 2>&1 | headwarden check -`.
    ///
    /// ## Why is this bad?
    /// A server that copies `Origin` into `Access-Control-Allow-Origin` and allows
    /// credentials lets every website read the logged-in user's responses: the
    /// attacker's page calls your API with `fetch(url, {credentials: "include"})`, the
    /// browser attaches the session cookie, and the CORS check passes because the
    /// response names the attacker's own origin. It is the CORS equivalent of having no
    /// same-origin policy. Without `Vary: Origin`, a shared cache can also serve one
    /// origin's answer to another.
    ///
    /// ## Example
    /// ```http
    /// GET /api/me HTTP/1.1
    /// Origin: https://evil.example
    ///
    /// HTTP/1.1 200 OK
    /// Access-Control-Allow-Origin: https://evil.example
    /// Access-Control-Allow-Credentials: true
    /// ```
    ///
    /// ## Use instead
    /// Answer only origins from a fixed list, and send `Vary: Origin`:
    /// ```http
    /// Access-Control-Allow-Origin: https://app.example.com
    /// Access-Control-Allow-Credentials: true
    /// Vary: Origin
    /// ```
    ///
    /// ## References
    /// - [PortSwigger: CORS, server-generated ACAO header from client-specified Origin](https://portswigger.net/web-security/cors#server-generated-acao-header-from-client-specified-origin-header)
    /// - [Fetch standard: CORS protocol and credentials](https://fetch.spec.whatwg.org/#cors-protocol-and-credentials)
    /// - [flask-cors: origins and supports_credentials](https://flask-cors.readthedocs.io/en/latest/api.html)
    pub static CORS_REFLECTED_ORIGIN = {
        id: "cors-reflected-origin",
        title: "CORS allows the requesting origin (reflected Origin)",
        severity: High,
        family: Cors,
        since: "0.1.0",
        check: Check::Exchange(cors_reflected_origin),
        fixes: {
            flask: "from flask_cors import CORS\n# a fixed list, never origins='*' or a regex that matches everything, with credentials\nCORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)",
            nginx: "map $http_origin $cors_origin {\n    default \"\";\n    \"https://app.example.com\" $http_origin;\n}\nadd_header Access-Control-Allow-Origin $cors_origin always;\nadd_header Vary Origin always;",
        },
    };
}

fn cors_reflected_origin(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(asked) = request_origin(ctx) else {
        return Outcome::NotApplicable;
    };
    let Some((name, allowed)) = allow_origin(ctx) else {
        return Outcome::Checked;
    };
    // `null` and `*` have their own rules.
    if allowed == "*"
        || allowed.eq_ignore_ascii_case("null")
        || !allowed.eq_ignore_ascii_case(asked)
    {
        return Outcome::Checked;
    }
    let own = Origin::of_response(ctx);
    let asking = Origin::parse(asked);
    if let (Some(own), Some(asking)) = (&own, &asking) {
        if own.same_origin(asking) {
            return Outcome::Checked;
        }
    }
    let same_site = matches!((&own, &asking), (Some(o), Some(a)) if o.same_site(a));
    let credentials = allows_credentials(ctx);
    let vary_origin = ctx.headers().get_all("vary").any(|h| {
        h.value
            .split(',')
            .any(|v| v.trim().eq_ignore_ascii_case("origin") || v.trim() == "*")
    });
    let (severity, mut detail) = match (same_site, credentials) {
        (true, _) => (
            Severity::Info,
            format!("The response allows `{asked}`, a sibling on the same site; probably an allowlist. Send a foreign `Origin` to check that it is not echoed."),
        ),
        (false, true) => (
            Severity::High,
            format!("The response allows `{asked}`, the origin that asked, with credentials: if any origin is echoed like this, every website can read this user's authenticated responses."),
        ),
        (false, false) => (
            Severity::Low,
            format!("The response allows `{asked}`, the origin that asked (without credentials): if any origin is echoed, every website can read what an anonymous request gets."),
        ),
    };
    if !vary_origin {
        detail.push_str(" There is no `Vary: Origin`, so a shared cache can serve this answer to other origins.");
    }
    out.push(
        Finding::new(&CORS_REFLECTED_ORIGIN, detail)
            .severity(severity)
            .header_evidence(name, allowed),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::cors::test_support::{check_one, finding, passed};
    use crate::rules::testing::not_applicable_with_scheme;

    const ID: &str = "cors-reflected-origin";

    #[test]
    fn fires_high_on_foreign_origin_with_credentials() {
        let r = check_one(
            "https://api.example.com/me",
            &[("Origin", "https://evil.example")],
            &[
                ("Access-Control-Allow-Origin", "https://evil.example"),
                ("Access-Control-Allow-Credentials", "true"),
            ],
        );
        let f = finding(&r, ID).expect("fires");
        assert_eq!(f.severity, Severity::High);
        assert!(f.detail.contains("Vary: Origin"));
    }

    #[test]
    fn milder_without_credentials_or_same_site() {
        let r = check_one(
            "https://api.example.com/",
            &[("Origin", "https://evil.example")],
            &[
                ("Access-Control-Allow-Origin", "https://evil.example"),
                ("Vary", "Origin"),
            ],
        );
        assert_eq!(finding(&r, ID).unwrap().severity, Severity::Low);
        let r = check_one(
            "https://api.example.com/",
            &[("Origin", "https://app.example.com")],
            &[
                ("Access-Control-Allow-Origin", "https://app.example.com"),
                ("Access-Control-Allow-Credentials", "true"),
            ],
        );
        assert_eq!(finding(&r, ID).unwrap().severity, Severity::Info);
    }

    #[test]
    fn quiet_on_own_or_other_origin() {
        let r = check_one(
            "https://app.example.com/",
            &[("Origin", "https://app.example.com")],
            &[("Access-Control-Allow-Origin", "https://app.example.com")],
        );
        assert!(finding(&r, ID).is_none() && passed(&r, ID));
        let r = check_one(
            "https://api.example.com/",
            &[("Origin", "https://evil.example")],
            &[("Access-Control-Allow-Origin", "https://app.example.com")],
        );
        assert!(finding(&r, ID).is_none() && passed(&r, ID));
    }

    #[test]
    fn not_applicable_without_request_origin() {
        not_applicable_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://evil.example\r\nAccess-Control-Allow-Credentials: true\r\n\r\n",
            crate::Scheme::Https,
        );
    }
}
