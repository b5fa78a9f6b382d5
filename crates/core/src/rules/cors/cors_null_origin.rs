use crate::report::{Finding, Severity};
use crate::rules::cors::{allow_origin, allows_credentials};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags `Access-Control-Allow-Origin: null`.
    ///
    /// ## Why is this bad?
    /// `null` is not "nobody". Browsers send `Origin: null` from sandboxed iframes
    /// (`<iframe sandbox="allow-scripts" srcdoc="…">`), `data:` and `file:` documents
    /// and some cross-origin redirects, and any site can create a sandboxed iframe. So
    /// allowing `null` allows every site that bothers to wrap its script in one. With
    /// `Access-Control-Allow-Credentials: true`, that site reads the user's
    /// authenticated responses. It usually comes from an allowlist that contains `null`
    /// "for local testing", or from reflecting `Origin` verbatim.
    ///
    /// Severity: high with credentials, medium without.
    ///
    /// ## Example
    /// ```http
    /// Access-Control-Allow-Origin: null
    /// Access-Control-Allow-Credentials: true
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Access-Control-Allow-Origin: https://app.example.com
    /// Access-Control-Allow-Credentials: true
    /// Vary: Origin
    /// ```
    ///
    /// ## References
    /// - [PortSwigger: CORS, whitelisted null origin value](https://portswigger.net/web-security/cors#whitelisted-null-origin-value)
    /// - [Fetch standard: `Origin` header, opaque origins serialise as `null`](https://fetch.spec.whatwg.org/#origin-header)
    /// - [W3C webappsec-cors-for-developers: avoid returning `null`](https://w3c.github.io/webappsec-cors-for-developers/#avoid-returning-access-control-allow-origin-null)
    pub static CORS_NULL_ORIGIN = {
        id: "cors-null-origin",
        title: "CORS allows the null origin",
        severity: Medium,
        family: Cors,
        since: "0.1.0",
        check: Check::Exchange(cors_null_origin),
        fixes: {
            flask: "from flask_cors import CORS\n# never list \"null\" among the origins\nCORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)",
            nginx: "# do not echo $http_origin when it is \"null\"\nmap $http_origin $cors_origin {\n    default \"\";\n    \"https://app.example.com\" $http_origin;\n}\nadd_header Access-Control-Allow-Origin $cors_origin always;",
        },
    };
}

fn cors_null_origin(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some((name, value)) = allow_origin(ctx) else {
        return Outcome::NotApplicable;
    };
    if !value.eq_ignore_ascii_case("null") {
        return Outcome::Checked;
    }
    let (severity, detail) = if allows_credentials(ctx) {
        (
            Severity::High,
            "`Access-Control-Allow-Origin: null` with credentials: any site can send `Origin: null` from a sandboxed iframe and read this user's authenticated responses.",
        )
    } else {
        (
            Severity::Medium,
            "`Access-Control-Allow-Origin: null`: any site can send `Origin: null` from a sandboxed iframe and read this response.",
        )
    };
    out.push(
        Finding::new(&CORS_NULL_ORIGIN, detail)
            .severity(severity)
            .header_evidence(name, value),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};

    const ID: &str = "cors-null-origin";

    #[test]
    fn fires_on_null() {
        let r = fires(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: null\r\nAccess-Control-Allow-Credentials: true\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert_eq!(f.severity, Severity::High);
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: null\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_a_real_origin() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example.com\r\n\r\n",
        );
    }
}
