use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the response enforces a Content-Security-Policy, from a header or a
    /// `<meta http-equiv>` tag.
    ///
    /// ## Why is this bad?
    /// A CSP is the main defence in depth against cross-site scripting: even when an
    /// attacker gets markup into a page, the browser refuses to run scripts the policy does
    /// not allow. Without one, any injection runs with the user's session.
    /// A `Content-Security-Policy-Report-Only` header alone does not count: it blocks
    /// nothing (see `csp-report-only`).
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: text/html
    /// ```
    ///
    /// ## Use instead
    /// A nonce-based strict policy:
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-{random}' 'strict-dynamic'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'
    /// ```
    ///
    /// ## References
    /// - [CSP Level 3](https://www.w3.org/TR/CSP3/)
    /// - [web.dev: Mitigate XSS with a strict CSP](https://web.dev/articles/strict-csp)
    pub static CSP_MISSING = {
        id: "csp-missing",
        title: "Content-Security-Policy is missing",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(csp_missing),
        fixes: {
            flask: "Talisman(app,\n    content_security_policy={'script-src': [], 'object-src': \"'none'\", 'base-uri': \"'none'\"},\n    content_security_policy_nonce_in=['script-src'])\n# templates: <script nonce=\"{{ csp_nonce() }}\">",
            policy: "[csp]\nnonce = true\ndirectives = { script-src = \"'strict-dynamic'\", object-src = \"'none'\", base-uri = \"'none'\" }",
            nginx: "add_header Content-Security-Policy \"object-src 'none'; base-uri 'none'; frame-ancestors 'self'\" always;",
        },
    };
}

fn csp_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.csp().enforced().next().is_some() {
        return Outcome::Checked;
    }
    out.push(Finding::new(
        &CSP_MISSING,
        "The response enforces no Content-Security-Policy.",
    ));
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_a_policy() {
        fires("csp-missing", "HTTP/1.1 200 OK\r\n\r\n");
    }

    #[test]
    fn fires_with_report_only() {
        fires(
            "csp-missing",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy-Report-Only: default-src 'self'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_a_policy() {
        quiet(
            "csp-missing",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'\r\n\r\n",
        );
    }
}
