use crate::report::Finding;
use crate::rules::cors::{allow_origin, allows_credentials};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags `Access-Control-Allow-Origin: *` sent together with
    /// `Access-Control-Allow-Credentials: true`.
    ///
    /// A specific origin echoed back with credentials is `cors-reflected-origin`;
    /// `null` with credentials is `cors-null-origin`.
    ///
    /// ## Why is this bad?
    /// The Fetch standard forbids the combination: for a request with credentials the
    /// browser refuses a `*` response, so the header does not open anything by itself.
    /// But it shows that the server was configured to "allow credentials from any
    /// origin". Cross-origin calls with cookies fail, and the usual next step — echoing
    /// the request's `Origin` to make the browser accept it — turns the same intent into
    /// a real hole that lets every site read authenticated responses. Fix the intent:
    /// list the origins that may call with credentials.
    ///
    /// ## Example
    /// ```http
    /// Access-Control-Allow-Origin: *
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
    /// - [Fetch standard: CORS check](https://fetch.spec.whatwg.org/#cors-check)
    /// - [MDN: CORS, credentialed requests and wildcards](https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#credentialed_requests_and_wildcards)
    /// - [flask-cors: supports_credentials](https://flask-cors.readthedocs.io/en/latest/api.html)
    pub static CORS_CREDENTIALS_ANY_ORIGIN = {
        id: "cors-credentials-any-origin",
        title: "CORS allows credentials from any origin (*)",
        severity: Medium,
        family: Cors,
        since: "0.1.0",
        check: Check::Exchange(cors_credentials_any_origin),
        fixes: {
            flask: "from flask_cors import CORS\nCORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)",
            nginx: "map $http_origin $cors_origin {\n    default \"\";\n    \"https://app.example.com\" $http_origin;\n}\nadd_header Access-Control-Allow-Origin $cors_origin always;\nadd_header Access-Control-Allow-Credentials true always;\nadd_header Vary Origin always;",
        },
    };
}

fn cors_credentials_any_origin(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some((name, value)) = allow_origin(ctx) else {
        return Outcome::NotApplicable;
    };
    if value == "*" && allows_credentials(ctx) {
        out.push(
            Finding::new(
                &CORS_CREDENTIALS_ANY_ORIGIN,
                "`Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`: browsers refuse this combination, so credentialed cross-origin calls fail; list the allowed origins instead of echoing whatever `Origin` arrives.",
            )
            .header_evidence(name, value),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    const ID: &str = "cors-credentials-any-origin";

    #[test]
    fn fires_on_wildcard_with_credentials() {
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\n\r\n",
        );
    }

    #[test]
    fn quiet_without_credentials_or_with_a_listed_origin() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
        );
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example.com\r\nAccess-Control-Allow-Credentials: true\r\n\r\n",
        );
    }
}
