use crate::headers::xfo::{FrameEffect, FrameOptions};
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

use super::FrameAncestors;

crate::declare_rule! {
    /// ## What it does
    /// Checks that `X-Frame-Options` holds exactly one of `DENY` or `SAMEORIGIN`
    /// (ASCII case-insensitive), sent once.
    ///
    /// Browsers follow the HTML Standard: the values of every `X-Frame-Options` line are
    /// split on commas; one `DENY`/`SAMEORIGIN` applies; several different values that
    /// include a known one block all framing; anything else is ignored.
    ///
    /// ## Why is this bad?
    /// An ignored header leaves the page open to clickjacking while its owner believes it
    /// is protected. The classic case is `ALLOW-FROM https://partner.example`: obsolete,
    /// no current browser supports it, so every site may frame the page.
    ///
    /// Severities:
    /// - **medium** when browsers ignore the header (`ALLOW-FROM`, `ALLOWALL`, a typo,
    ///   an empty value) and no CSP `frame-ancestors` protects the page: it is as if
    ///   framing protection were missing (`framing-unprotected`);
    /// - **low** for conflicting values (`DENY, SAMEORIGIN`): browsers block all
    ///   framing, which may break the site's own frames, and old browsers disagree;
    /// - **info** when the same value is sent twice, or when an enforced
    ///   `frame-ancestors` is present (browsers then ignore `X-Frame-Options`).
    ///
    /// Only responses a browser renders as a page are checked.
    ///
    /// ## Example
    /// ```http
    /// X-Frame-Options: ALLOW-FROM https://partner.example
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: frame-ancestors 'self' https://partner.example
    /// X-Frame-Options: SAMEORIGIN
    /// ```
    ///
    /// ## References
    /// - [HTML Standard: the X-Frame-Options header](https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header)
    /// - [RFC 7034: HTTP Header Field X-Frame-Options](https://www.rfc-editor.org/rfc/rfc7034)
    /// - [MDN: X-Frame-Options](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Frame-Options)
    pub static XFO_INVALID = {
        id: "xfo-invalid",
        title: "X-Frame-Options is invalid",
        severity: Medium,
        family: Framing,
        since: "0.1.0",
        check: Check::Exchange(xfo_invalid),
        fixes: {
            flask: "Talisman(app, frame_options='SAMEORIGIN')  # or 'DENY'; for partners use CSP frame-ancestors\n# or:\n@app.after_request\ndef xfo(resp):\n    resp.headers['X-Frame-Options'] = 'SAMEORIGIN'  # replaces any other value\n    return resp",
            policy: "[frame]\nx_frame_options = \"SAMEORIGIN\"",
            nginx: "add_header X-Frame-Options SAMEORIGIN always;\n# if the app sends its own too: proxy_hide_header X-Frame-Options;",
        },
    };
}

fn xfo_invalid(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.renders_document() {
        return Outcome::NotApplicable;
    }
    let mut lines = ctx.headers().get_all("x-frame-options").peekable();
    let Some(first) = lines.peek().copied() else {
        return Outcome::NotApplicable;
    };
    let options = FrameOptions::parse(lines.map(|h| h.value.as_str()));
    if options.values.len() <= 1
        && matches!(options.effect, FrameEffect::Deny | FrameEffect::SameOrigin)
    {
        return Outcome::Checked;
    }
    let shown = options.values.join(", ");
    let (severity, detail) = match options.effect {
        FrameEffect::Deny | FrameEffect::SameOrigin => (
            Severity::Info,
            format!("X-Frame-Options is sent {} times with the same value; send it once.", options.values.len()),
        ),
        FrameEffect::ConflictBlocksAll => (
            Severity::Low,
            format!("X-Frame-Options has conflicting values (`{shown}`); browsers then block all framing, the site's own frames included. Pick one."),
        ),
        FrameEffect::Ignored => (Severity::Medium, ignored_detail(&options, &shown)),
    };
    let severity = match super::frame_ancestors(ctx) {
        FrameAncestors::Absent => severity,
        // Browsers ignore X-Frame-Options when the CSP has frame-ancestors.
        _ => Severity::Info,
    };
    out.push(
        Finding::new(&XFO_INVALID, detail)
            .severity(severity)
            .header_evidence(&first.name, &shown),
    );
    Outcome::Checked
}

fn ignored_detail(options: &FrameOptions<'_>, shown: &str) -> String {
    let first = options.values.first().copied().unwrap_or("");
    let lower = first.to_ascii_lowercase();
    if options.distinct > 1 {
        format!("X-Frame-Options has several unknown values (`{shown}`); browsers ignore the header, so any site may frame the page.")
    } else if lower.starts_with("allow-from") {
        "ALLOW-FROM is obsolete and ignored by every current browser, so any site may frame the page; use CSP frame-ancestors to allow specific origins.".to_string()
    } else if lower == "allowall" {
        "ALLOWALL is not a standard value and allows any site to frame the page; if that is intended, say so with CSP `frame-ancestors *`.".to_string()
    } else if first.is_empty() {
        "X-Frame-Options is empty; browsers ignore it, so any site may frame the page.".to_string()
    } else {
        format!("`{first}` is not DENY or SAMEORIGIN; browsers ignore the header, so any site may frame the page.")
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, exchange, one, run};

    const ID: &str = "xfo-invalid";

    fn html(extra: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{extra}\r\n")
    }

    #[test]
    fn fires_on_values_browsers_ignore() {
        for (xfo, needle) in [
            ("ALLOW-FROM https://partner.example", "obsolete"),
            ("ALLOWALL", "ALLOWALL"),
            ("deny-all", "`deny-all`"),
            ("", "empty"),
            ("foo, bar", "several unknown"),
        ] {
            let report = fires(ID, &html(&format!("X-Frame-Options: {xfo}\r\n")));
            let f = one(&report, ID);
            assert_eq!(f.severity, Severity::Medium, "{xfo}");
            assert!(f.detail.contains(needle), "{xfo}: {}", f.detail);
        }
    }

    #[test]
    fn conflicts_and_repeats() {
        let report = fires(
            ID,
            &html("X-Frame-Options: DENY\r\nX-Frame-Options: SAMEORIGIN\r\n"),
        );
        assert_eq!(one(&report, ID).severity, Severity::Low);
        let report = fires(
            ID,
            &html("X-Frame-Options: DENY\r\nX-Frame-Options: deny\r\n"),
        );
        assert_eq!(one(&report, ID).severity, Severity::Info);
    }

    #[test]
    fn info_when_frame_ancestors_takes_over() {
        let report = fires(
            ID,
            &html("X-Frame-Options: ALLOW-FROM https://a.example\r\nContent-Security-Policy: frame-ancestors https://a.example\r\n"),
        );
        assert_eq!(one(&report, ID).severity, Severity::Info);
    }

    #[test]
    fn quiet_on_deny_or_sameorigin() {
        quiet(ID, &html("X-Frame-Options: DENY\r\n"));
        quiet(ID, &html("X-Frame-Options: sameorigin\r\n"));
    }

    #[test]
    fn not_applicable_without_the_header_or_on_json() {
        assert_not_applicable(
            &run(exchange(200, &[("Content-Type", "text/html")], None), None),
            ID,
        );
        let api = exchange(
            200,
            &[
                ("Content-Type", "application/json"),
                ("X-Frame-Options", "nope"),
            ],
            None,
        );
        assert_not_applicable(&run(api, None), ID);
    }
}
