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
    /// nothing (see `csp-report-only`). Neither does an empty header, which browsers drop
    /// (CSP3 §2.2.2).
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
            flask: "Talisman(app,\n    content_security_policy={'script-src': [\"'strict-dynamic'\", 'https:', \"'unsafe-inline'\"], 'object-src': \"'none'\", 'base-uri': \"'self'\", 'frame-ancestors': \"'self'\", 'form-action': \"'self'\"},\n    content_security_policy_nonce_in=['script-src'])\n# templates: <script nonce=\"{{ csp_nonce() }}\">",
            policy: "[csp]\nnonce = true\n[csp.directives]\nscript-src = \"'strict-dynamic'\"\nobject-src = \"'none'\"\nbase-uri = \"'self'\"\nframe-ancestors = \"'self'\"\nform-action = \"'self'\"",
            nginx: "add_header Content-Security-Policy \"object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'\" always;",
        },
    };
}

fn csp_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let list = ctx.csp();
    if list.enforced().next().is_some() {
        return Outcome::Checked;
    }
    let detail = if let Some(p) = list.report_only().next() {
        format!(
            "The response enforces no Content-Security-Policy; the `{}` header only reports violations.",
            p.header
        )
    } else if let Some(p) = list.policies.first() {
        format!(
            "The `{}` header holds no directive, so browsers ignore it: nothing is enforced.",
            p.header
        )
    } else if !list.delivery_issues.is_empty() {
        "The response enforces no Content-Security-Policy; its <meta> CSP is ignored by browsers (see csp-parse-error).".to_string()
    } else {
        "The response enforces no Content-Security-Policy.".to_string()
    };
    out.push(Finding::new(&CSP_MISSING, detail));
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
    fn fires_with_an_empty_header() {
        fires(
            "csp-missing",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: ;\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_a_policy() {
        quiet(
            "csp-missing",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_a_meta_policy() {
        quiet(
            "csp-missing",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<!doctype html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"></head></html>",
        );
    }
}
