use crate::report::{Finding, Severity};
use crate::rules::cors::{allow_origin, allows_credentials};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags `Access-Control-Allow-Origin: *` on responses that look personal:
    ///
    /// - **medium** when the response sets cookies, the request carried `Cookie` or
    ///   `Authorization`, or the response says it varies by them (`Vary: Cookie`,
    ///   `Vary: Authorization`, `Cache-Control: private`);
    /// - **info** on other responses (an API that may well be public by design);
    /// - nothing on static assets (images, fonts, stylesheets, scripts, media), where
    ///   `*` is the normal way to serve a CDN.
    ///
    /// With `Access-Control-Allow-Credentials: true` as well, see
    /// `cors-credentials-any-origin` instead.
    ///
    /// ## Why is this bad?
    /// `*` lets every website read the response. Browsers send such cross-origin
    /// requests without cookies, so what leaks is what an anonymous request gets:
    /// harmless for public data, a leak when the server trusts something else, such as
    /// the network (an intranet app, an internal API reachable from the victim's
    /// browser) or the IP address. And a response that sets cookies or depends on the
    /// caller's identity was rarely meant to be readable by every site: `*` is usually
    /// a copy-pasted default (`CORS(app)` in flask-cors) rather than a decision.
    ///
    /// ## Example
    /// ```http
    /// Access-Control-Allow-Origin: *
    /// Set-Cookie: session=…; Secure; HttpOnly
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Access-Control-Allow-Origin: https://app.example.com
    /// Vary: Origin
    /// ```
    ///
    /// ## References
    /// - [MDN: Access-Control-Allow-Origin](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Access-Control-Allow-Origin)
    /// - [PortSwigger: CORS vulnerabilities, intranets and CORS without credentials](https://portswigger.net/web-security/cors#intranets-and-cors-without-credentials)
    /// - [flask-cors: resources and origins](https://flask-cors.readthedocs.io/en/latest/api.html)
    pub static CORS_WILDCARD = {
        id: "cors-wildcard",
        title: "CORS allows any origin (*) on a non-public response",
        severity: Medium,
        family: Cors,
        since: "0.1.0",
        check: Check::Exchange(cors_wildcard),
        fixes: {
            flask: "from flask_cors import CORS\n# instead of CORS(app): name the origins, and only the routes that need CORS\nCORS(app, resources={r\"/api/*\": {\"origins\": [\"https://app.example.com\"]}})",
            nginx: "# only on the locations that serve public data:\nlocation /public/ {\n    add_header Access-Control-Allow-Origin * always;\n}",
        },
    };
}

/// What makes a response look personal, for the message.
fn personal_signal(ctx: &Context<'_>) -> Option<&'static str> {
    let headers = ctx.headers();
    if headers.contains("set-cookie") {
        return Some("it sets cookies");
    }
    if let Some(request) = &ctx.exchange.request {
        if request.headers.contains("cookie") {
            return Some("the request carried cookies");
        }
        if request.headers.contains("authorization") {
            return Some("the request carried an Authorization header");
        }
    }
    let has_token = |name: &str, token: &str| {
        headers.get_all(name).any(|h| {
            h.value.split(',').any(|v| {
                v.trim()
                    .split(['=', ' '])
                    .next()
                    .is_some_and(|t| t.eq_ignore_ascii_case(token))
            })
        })
    };
    if has_token("vary", "cookie") || has_token("vary", "authorization") {
        return Some("it varies by cookie or Authorization");
    }
    if has_token("cache-control", "private") {
        return Some("it is marked `Cache-Control: private`");
    }
    None
}

/// Images, fonts, stylesheets, scripts, media and wasm: what CDNs serve with `*`.
fn is_static_asset(ctx: &Context<'_>) -> bool {
    if let Some(ct) = ctx.headers().get("content-type") {
        let ct = ct.trim().to_ascii_lowercase();
        const TYPES: [&str; 11] = [
            "image/",
            "font/",
            "video/",
            "audio/",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/x-javascript",
            "application/font",
            "application/x-font",
            "application/wasm",
        ];
        return TYPES.iter().any(|t| ct.starts_with(t));
    }
    let Some(url) = ctx.exchange.url() else {
        return false;
    };
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    const EXTENSIONS: [&str; 14] = [
        ".js", ".mjs", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".woff",
        ".woff2", ".ttf", ".wasm",
    ];
    EXTENSIONS.iter().any(|e| path.ends_with(e))
}

fn cors_wildcard(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some((name, value)) = allow_origin(ctx) else {
        return Outcome::NotApplicable;
    };
    if value != "*" || allows_credentials(ctx) {
        return Outcome::Checked;
    }
    let (severity, detail) = match personal_signal(ctx) {
        Some(signal) => (
            Severity::Medium,
            format!("`Access-Control-Allow-Origin: *` lets every website read this response, and {signal}: check that nothing in it depends on who is asking or where from."),
        ),
        None if is_static_asset(ctx) => return Outcome::Checked,
        None => (
            Severity::Info,
            "`Access-Control-Allow-Origin: *` lets every website read this response; fine for public data, a leak if the server trusts the network (intranet) or the IP.".to_string(),
        ),
    };
    out.push(
        Finding::new(&CORS_WILDCARD, detail)
            .severity(severity)
            .header_evidence(name, value),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::cors::test_support::{check_one, finding, passed};
    use crate::rules::testing::{fires, quiet, report};

    const ID: &str = "cors-wildcard";

    #[test]
    fn medium_when_cookies_are_set() {
        let r = fires(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nSet-Cookie: session=a; Secure; HttpOnly\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert_eq!(f.severity, Severity::Medium);
        let r = check_one(
            "https://api.example.com/me",
            &[("Cookie", "session=a")],
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Content-Type", "application/json"),
            ],
        );
        assert_eq!(finding(&r, ID).unwrap().severity, Severity::Medium);
    }

    #[test]
    fn info_on_plain_api_response() {
        let r = report("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\n\r\n");
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn quiet_on_static_assets_and_credentials() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nContent-Type: font/woff2\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
        );
        let r = check_one(
            "https://cdn.example.com/app.js",
            &[],
            &[("Access-Control-Allow-Origin", "*")],
        );
        assert!(finding(&r, ID).is_none() && passed(&r, ID));
        // `*` with credentials is cors-credentials-any-origin's.
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\nSet-Cookie: a=b\r\n\r\n",
        );
    }
}
