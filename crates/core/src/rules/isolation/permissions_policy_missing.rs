use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a page sends `Permissions-Policy`, which switches off browser
    /// features (camera, microphone, geolocation, payment, USB, …) for the page and
    /// the frames it embeds.
    ///
    /// Only responses a browser renders as a page are checked (HTML, or an unknown type).
    ///
    /// ## Why is this bad?
    /// Without it, a script injected into the page (XSS, a compromised third-party
    /// script) or an embedded ad frame can ask the user for powerful features in the
    /// site's name, and users trust a prompt shown on a site they know.
    ///
    /// Severity is **info**: the header is defence in depth. The features still need the
    /// user's permission, embedded frames need `allow=` to get most of them, and the
    /// attacker must already run code in the page. Firefox and Safari support it only
    /// partly; the MDN Observatory does not score it, and helmet declined to send it by
    /// default. Worth adding once the rest is in order.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: text/html
    /// ```
    ///
    /// ## Use instead
    /// Deny what the site does not use:
    /// ```http
    /// Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()
    /// ```
    ///
    /// ## References
    /// - [W3C Permissions Policy](https://www.w3.org/TR/permissions-policy/)
    /// - [MDN: Permissions-Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy)
    /// - [OWASP Secure Headers Project: Permissions-Policy](https://owasp.org/www-project-secure-headers/#permissions-policy)
    pub static PERMISSIONS_POLICY_MISSING = {
        id: "permissions-policy-missing",
        title: "Permissions-Policy is missing",
        severity: Info,
        family: Isolation,
        since: "0.1.0",
        check: Check::Exchange(permissions_policy_missing),
        fixes: {
            flask: "Talisman(app, permissions_policy={'camera': '()', 'microphone': '()', 'geolocation': '()'})\n# or:\n@app.after_request\ndef permissions(resp):\n    resp.headers['Permissions-Policy'] = 'camera=(), microphone=(), geolocation=()'\n    return resp",
            policy: "[permissions]\npolicy = \"camera=(), microphone=(), geolocation=()\"",
            nginx: "add_header Permissions-Policy \"camera=(), microphone=(), geolocation=()\" always;",
        },
    };
}

fn permissions_policy_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.renders_document() {
        return Outcome::NotApplicable;
    }
    if ctx.headers().contains("permissions-policy") {
        return Outcome::Checked;
    }
    out.push(Finding::new(
        &PERMISSIONS_POLICY_MISSING,
        "The page does not send Permissions-Policy, so it and its frames may request every browser feature.",
    ));
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, exchange, run};

    const ID: &str = "permissions-policy-missing";

    #[test]
    fn fires_without_the_header() {
        fires(ID, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
        // Feature-Policy alone does not count (see deprecated-feature-policy).
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nFeature-Policy: camera 'none'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_the_header() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nPermissions-Policy: camera=()\r\n\r\n",
        );
    }

    #[test]
    fn not_applicable_to_json() {
        let ex = exchange(200, &[("Content-Type", "application/json")], None);
        assert_not_applicable(&run(ex, None), ID);
    }
}
