use crate::headers::content_type::carries_content;
use crate::headers::list_values;
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `X-Content-Type-Options` is exactly `nosniff` (ASCII
    /// case-insensitive), sent once.
    ///
    /// Browsers follow the Fetch Standard: the values of every line are split on
    /// commas, and `nosniff` applies only if the **first** one is `nosniff`. Checked on
    /// every response with content (not redirects, `204` or `304`).
    ///
    /// ## Why is this bad?
    /// Any other value (`no-sniff`, `nosniff;`, `true`) is ignored, so browsers may again
    /// run a user upload or a JSON answer as a script or stylesheet (MIME sniffing),
    /// as if the header were missing.
    ///
    /// Severities: **medium** when browsers ignore it (as `xcto-missing`; the MDN
    /// Observatory deducts 5 points for an invalid value as for a missing one);
    /// **info** when the first value is `nosniff` but more follow (the header sent twice):
    /// browsers are fine, but tools that read the folded value (`nosniff, nosniff`), the
    /// MDN Observatory among them, call it invalid.
    ///
    /// ## Example
    /// ```http
    /// X-Content-Type-Options: no-sniff
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// X-Content-Type-Options: nosniff
    /// ```
    ///
    /// ## References
    /// - [Fetch Standard: X-Content-Type-Options](https://fetch.spec.whatwg.org/#x-content-type-options-header)
    /// - [MDN: X-Content-Type-Options](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Content-Type-Options)
    pub static XCTO_INVALID = {
        id: "xcto-invalid",
        title: "X-Content-Type-Options is not `nosniff`",
        severity: Medium,
        family: Framing,
        since: "0.1.0",
        check: Check::Exchange(xcto_invalid),
        fixes: {
            flask: "Talisman(app)  # sends X-Content-Type-Options: nosniff\n# or:\n@app.after_request\ndef nosniff(resp):\n    resp.headers['X-Content-Type-Options'] = 'nosniff'  # replaces any other value\n    return resp",
            policy: "[content_type]\nnosniff = true",
            nginx: "add_header X-Content-Type-Options nosniff always;\n# if the app sends its own too: proxy_hide_header X-Content-Type-Options;",
        },
    };
}

fn xcto_invalid(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !carries_content(&ctx.exchange.response) {
        return Outcome::NotApplicable;
    }
    let Some(line) = ctx.headers().get_header("x-content-type-options") else {
        return Outcome::NotApplicable;
    };
    let mut values = list_values(ctx.headers(), "x-content-type-options");
    let first = values.next();
    let more = values.count();
    let finding = match first {
        Some(v) if v.eq_ignore_ascii_case("nosniff") && more == 0 => return Outcome::Checked,
        Some(v) if v.eq_ignore_ascii_case("nosniff") => Finding::new(
            &XCTO_INVALID,
            "X-Content-Type-Options is sent more than once; browsers use the first value (nosniff), but send it once.",
        )
        .severity(Severity::Info),
        Some(v) => Finding::new(
            &XCTO_INVALID,
            format!("`{}` is not `nosniff`; browsers ignore the header and may sniff content types.", crate::report::shorten(v, 60)),
        ),
        None => Finding::new(
            &XCTO_INVALID,
            "X-Content-Type-Options is empty; browsers ignore it and may sniff content types.",
        ),
    };
    out.push(finding.header_evidence(&line.name, &line.value));
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, one, run_input};

    const ID: &str = "xcto-invalid";

    #[test]
    fn fires_on_values_browsers_ignore() {
        for value in ["no-sniff", "nosniff;", "true", "", "sniff, nosniff"] {
            let report = fires(
                ID,
                &format!("HTTP/1.1 200 OK\r\nX-Content-Type-Options: {value}\r\n\r\n"),
            );
            assert_eq!(one(&report, ID).severity, Severity::Medium, "{value}");
        }
    }

    #[test]
    fn repeated_nosniff_is_info() {
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nX-Content-Type-Options: nosniff\r\nX-Content-Type-Options: nosniff\r\n\r\n",
        );
        assert_eq!(one(&report, ID).severity, Severity::Info);
    }

    #[test]
    fn quiet_on_nosniff() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nX-Content-Type-Options: nosniff\r\n\r\n",
        );
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nx-content-type-options: NoSniff\r\n\r\n",
        );
    }

    #[test]
    fn not_applicable_without_the_header() {
        assert_not_applicable(
            &run_input("HTTP/1.1 200 OK\r\n\r\n", crate::Scheme::Https),
            ID,
        );
        assert_not_applicable(
            &run_input(
                "HTTP/1.1 301 Moved\r\nLocation: /x\r\nX-Content-Type-Options: x\r\n\r\n",
                crate::Scheme::Https,
            ),
            ID,
        );
    }
}
