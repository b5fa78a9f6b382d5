use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

use super::FrameAncestors;

crate::declare_rule! {
    /// ## What it does
    /// Checks that a page limits who may frame it, with a `frame-ancestors` directive in
    /// an enforced `Content-Security-Policy` header or with `X-Frame-Options`.
    ///
    /// `default-src` does **not** cover `frame-ancestors` (it is not a fetch directive),
    /// `frame-ancestors` in a `<meta>` policy is ignored by browsers, and a report-only
    /// policy protects nothing. A `frame-ancestors` that allows any site (`*`, `https:`)
    /// counts as no protection, and since it makes browsers ignore `X-Frame-Options`, it
    /// cancels that header too. A present but invalid `X-Frame-Options` is
    /// `xfo-invalid`'s business.
    ///
    /// Only responses a browser renders as a page are checked: HTML, or an unknown type
    /// (bare headers); not JSON, images or redirects.
    ///
    /// ## Why is this bad?
    /// Any site can load the page in an invisible `<iframe>` and trick the user into
    /// clicking its buttons (clickjacking): changing settings, confirming a payment,
    /// granting a permission, all with the user's session.
    ///
    /// Severity is **medium**: the attack needs user interaction and a page with
    /// state-changing actions. The MDN Observatory deducts 20 points for missing framing
    /// protection; headwarden weighs it like OWASP ZAP (medium), without capping the grade.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: text/html
    /// Content-Security-Policy: default-src 'self'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: default-src 'self'; frame-ancestors 'self'
    /// X-Frame-Options: SAMEORIGIN
    /// ```
    /// `frame-ancestors 'none'` (with `X-Frame-Options: DENY`) if the page is never
    /// framed; `X-Frame-Options` covers browsers without CSP Level 2.
    ///
    /// ## References
    /// - [CSP Level 3: frame-ancestors](https://www.w3.org/TR/CSP3/#directive-frame-ancestors)
    /// - [HTML Standard: the X-Frame-Options header](https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header)
    /// - [MDN: CSP frame-ancestors](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/frame-ancestors)
    /// - [OWASP: Clickjacking Defense Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Clickjacking_Defense_Cheat_Sheet.html)
    pub static FRAMING_UNPROTECTED = {
        id: "framing-unprotected",
        title: "The page can be framed by any site",
        severity: Medium,
        family: Framing,
        since: "0.1.0",
        check: Check::Exchange(framing_unprotected),
        fixes: {
            flask: "Talisman(app, frame_options='DENY',\n         content_security_policy={'default-src': \"'self'\", 'frame-ancestors': \"'none'\"})\n# or:\n@app.after_request\ndef no_framing(resp):\n    resp.headers['X-Frame-Options'] = 'DENY'\n    return resp",
            policy: "[frame]\nx_frame_options = \"DENY\"\n\n[csp.directives]\nframe-ancestors = \"'none'\"",
            nginx: "add_header X-Frame-Options DENY always;\nadd_header Content-Security-Policy \"frame-ancestors 'none'\" always;",
        },
    };
}

fn framing_unprotected(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.renders_document() {
        return Outcome::NotApplicable;
    }
    match super::frame_ancestors(ctx) {
        FrameAncestors::Restricts => {}
        FrameAncestors::AllowsAny(source) => out.push(
            Finding::new(
                &FRAMING_UNPROTECTED,
                format!(
                    "The CSP's frame-ancestors allows any site (`{source}`), and browsers then ignore X-Frame-Options."
                ),
            )
            .directive("frame-ancestors")
            .source(source),
        ),
        FrameAncestors::Absent if ctx.headers().contains("x-frame-options") => {}
        FrameAncestors::Absent => out.push(Finding::new(
            &FRAMING_UNPROTECTED,
            "Neither X-Frame-Options nor a CSP frame-ancestors directive limits who may frame this page.",
        )),
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, exchange, one, run};

    const ID: &str = "framing-unprotected";

    fn html(extra: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{extra}\r\n")
    }

    #[test]
    fn fires_without_any_protection() {
        fires(ID, &html(""));
        // default-src does not cover frame-ancestors.
        fires(ID, &html("Content-Security-Policy: default-src 'none'\r\n"));
        // Report-only protects nothing.
        fires(
            ID,
            &html("Content-Security-Policy-Report-Only: frame-ancestors 'none'\r\n"),
        );
        // Bare headers: the type is unknown, the page may be HTML.
        fires(ID, "HTTP/1.1 200 OK\r\n\r\n");
    }

    #[test]
    fn fires_when_frame_ancestors_allows_everyone() {
        let report = fires(
            ID,
            &html("Content-Security-Policy: frame-ancestors *\r\nX-Frame-Options: DENY\r\n"),
        );
        let f = one(&report, ID);
        assert_eq!(f.source.as_deref(), Some("*"));
    }

    #[test]
    fn frame_ancestors_in_meta_is_ignored() {
        let ex = exchange(
            200,
            &[("Content-Type", "text/html")],
            Some("<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"frame-ancestors 'none'\">"),
        );
        one(&run(ex, None), ID);
    }

    #[test]
    fn quiet_with_xfo_or_frame_ancestors() {
        quiet(ID, &html("X-Frame-Options: SAMEORIGIN\r\n"));
        quiet(
            ID,
            &html("Content-Security-Policy: default-src 'self'; Frame-Ancestors 'self'\r\n"),
        );
        quiet(ID, &html("Content-Security-Policy: frame-ancestors\r\n"));
        // Two policies in one header: the second restricts.
        quiet(
            ID,
            &html("Content-Security-Policy: frame-ancestors *, frame-ancestors 'self'\r\n"),
        );
        quiet(
            ID,
            &crate::rules::transport::testkit::fixture("flask-talisman-index.http"),
        );
    }

    #[test]
    fn not_applicable_to_json_or_redirects() {
        let api = exchange(200, &[("Content-Type", "application/json")], Some("{}"));
        assert_not_applicable(&run(api, None), ID);
        let redirect = exchange(
            302,
            &[("Location", "/login"), ("Content-Type", "text/html")],
            None,
        );
        assert_not_applicable(&run(redirect, None), ID);
    }
}
