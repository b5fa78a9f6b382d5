use crate::headers::content_type::carries_content;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the response sends `X-Content-Type-Options: nosniff`.
    ///
    /// ## Why is this bad?
    /// Without `nosniff`, browsers may guess ("sniff") a response's type from its bytes
    /// and run an uploaded text file or JSON answer as a script or stylesheet. With it,
    /// scripts and styles are only used when their `Content-Type` says so.
    ///
    /// Every response with content is checked, whatever its type; not redirects, `204`
    /// or `304`, whose bodies browsers never use. Severity is **medium**: MIME sniffing
    /// turns an upload or a reflected JSON value into stored XSS or a script gadget. The
    /// MDN Observatory deducts 5 points.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: application/json
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// X-Content-Type-Options: nosniff
    /// ```
    ///
    /// ## References
    /// - [Fetch standard: X-Content-Type-Options](https://fetch.spec.whatwg.org/#x-content-type-options-header)
    /// - [MDN: X-Content-Type-Options](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Content-Type-Options)
    pub static XCTO_MISSING = {
        id: "xcto-missing",
        title: "X-Content-Type-Options: nosniff is missing",
        severity: Medium,
        family: Framing,
        since: "0.1.0",
        check: Check::Exchange(xcto_missing),
        fixes: {
            flask: "Talisman(app)  # sends nosniff by default\n# or:\n@app.after_request\ndef nosniff(resp):\n    resp.headers['X-Content-Type-Options'] = 'nosniff'\n    return resp",
            policy: "[content_type]\nnosniff = true",
            nginx: "add_header X-Content-Type-Options nosniff always;",
        },
    };
}

fn xcto_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !carries_content(&ctx.exchange.response) {
        return Outcome::NotApplicable;
    }
    if ctx.headers().contains("x-content-type-options") {
        // A present but wrong value is `xcto-invalid`'s business.
        return Outcome::Checked;
    }
    out.push(Finding::new(
        &XCTO_MISSING,
        "The response does not send X-Content-Type-Options: nosniff.",
    ));
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_the_header() {
        fires("xcto-missing", "HTTP/1.1 200 OK\r\n\r\n");
    }

    #[test]
    fn not_applicable_to_redirects_and_empty_responses() {
        use crate::rules::transport::testkit::{assert_not_applicable, exchange, run};
        for ex in [
            exchange(302, &[("Location", "https://example.com/")], None),
            exchange(204, &[], None),
            exchange(304, &[], None),
        ] {
            assert_not_applicable(&run(ex, None), "xcto-missing");
        }
    }

    #[test]
    fn quiet_with_nosniff() {
        quiet(
            "xcto-missing",
            "HTTP/1.1 200 OK\r\nX-Content-Type-Options: nosniff\r\n\r\n",
        );
    }
}
