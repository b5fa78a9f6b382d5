use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a page states its referrer policy, with a `Referrer-Policy` header
    /// or a `<meta name="referrer">` tag.
    ///
    /// Only responses a browser renders as a page are checked (HTML, or an unknown type).
    ///
    /// ## Why is this bad?
    /// Without one, the browser's default decides what the `Referer` header reveals when
    /// a user follows a link or the page loads a third-party resource. Current browsers
    /// default to `strict-origin-when-cross-origin` (only the origin leaves the site), but
    /// older ones sent the full URL, with paths and query strings that can hold
    /// search terms, ids, or reset tokens, to every other site.
    ///
    /// Severity is **info**: with today's browser default, nothing leaks that a stated
    /// policy would protect; the MDN Observatory does not deduct points either. Setting
    /// it makes the behaviour explicit and the same in every browser.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: text/html
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Referrer-Policy: strict-origin-when-cross-origin
    /// ```
    /// or `no-referrer` / `same-origin` for pages whose URLs are private.
    ///
    /// ## References
    /// - [W3C Referrer Policy](https://www.w3.org/TR/referrer-policy/)
    /// - [MDN: Referrer-Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Referrer-Policy)
    /// - [OWASP Secure Headers Project: Referrer-Policy](https://owasp.org/www-project-secure-headers/#referrer-policy)
    pub static REFERRER_POLICY_MISSING = {
        id: "referrer-policy-missing",
        title: "Referrer-Policy is missing",
        severity: Info,
        family: Isolation,
        since: "0.1.0",
        check: Check::Exchange(referrer_policy_missing),
        fixes: {
            flask: "Talisman(app, referrer_policy='strict-origin-when-cross-origin')  # Talisman's default\n# or:\n@app.after_request\ndef referrer(resp):\n    resp.headers['Referrer-Policy'] = 'strict-origin-when-cross-origin'\n    return resp",
            policy: "[referrer]\npolicy = \"strict-origin-when-cross-origin\"",
            nginx: "add_header Referrer-Policy strict-origin-when-cross-origin always;",
        },
    };
}

fn referrer_policy_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.renders_document() {
        return Outcome::NotApplicable;
    }
    if ctx.headers().contains("referrer-policy") || super::meta_referrer(ctx).is_some() {
        // A present but unusable value is `referrer-policy-unsafe`'s business.
        return Outcome::Checked;
    }
    out.push(Finding::new(
        &REFERRER_POLICY_MISSING,
        "The page does not state a referrer policy; the browser's default decides what the Referer header reveals.",
    ));
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, assert_quiet, exchange, run};

    const ID: &str = "referrer-policy-missing";

    #[test]
    fn fires_without_a_policy() {
        fires(ID, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
    }

    #[test]
    fn quiet_with_a_header_or_meta() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nReferrer-Policy: no-referrer\r\n\r\n",
        );
        let ex = exchange(
            200,
            &[("Content-Type", "text/html")],
            Some("<!doctype html><meta name=\"Referrer\" content=\"same-origin\"><p>hi"),
        );
        assert_quiet(&run(ex, None), ID);
    }

    #[test]
    fn not_applicable_to_json() {
        let ex = exchange(200, &[("Content-Type", "application/json")], Some("{}"));
        assert_not_applicable(&run(ex, None), ID);
    }
}
