use crate::headers::cross_origin::CrossOriginOpenerPolicy;
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an HTML page sends a valid `Cross-Origin-Opener-Policy` that isolates
    /// it from the windows of other sites (`same-origin`, `same-origin-allow-popups` or
    /// `noopener-allow-popups`).
    ///
    /// Only responses a browser renders as a page are checked; COOP means nothing on
    /// JSON, images or redirects.
    ///
    /// ## Why is this bad?
    /// Without COOP, a page opened from another site (a popup, a link with `target`)
    /// shares a browsing context group with its opener: each keeps a handle on the
    /// other's window. The attacker can count its frames, watch it navigate and redirect
    /// it (tabnabbing, XS-Leaks that reveal login state or search results), and the page
    /// may share a process with the attacker's, which is what Spectre-style attacks need.
    ///
    /// Severity is **low**: it takes a user visiting the attacker's page and the leaks
    /// are indirect. The MDN Observatory scores COOP since 2026 (a bonus for a good
    /// value, a small deduction for an invalid one). Values are case-sensitive; an invalid
    /// value, or the header sent twice, is ignored (browsers use `unsafe-none`).
    /// `same-origin` breaks OAuth or payment popups that need `window.opener`;
    /// `same-origin-allow-popups` keeps them working.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: text/html
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Cross-Origin-Opener-Policy: same-origin
    /// ```
    ///
    /// ## References
    /// - [HTML Standard: cross-origin opener policies](https://html.spec.whatwg.org/multipage/browsers.html#cross-origin-opener-policies)
    /// - [MDN: Cross-Origin-Opener-Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cross-Origin-Opener-Policy)
    /// - [XS-Leaks wiki: Cross-Origin-Opener-Policy](https://xsleaks.dev/docs/defenses/opt-in/coop/)
    pub static COOP_MISSING = {
        id: "coop-missing",
        title: "Cross-Origin-Opener-Policy is missing",
        severity: Low,
        family: Isolation,
        since: "0.1.0",
        check: Check::Exchange(coop_missing),
        fixes: {
            flask: "# flask-talisman does not set COOP:\n@app.after_request\ndef coop(resp):\n    resp.headers['Cross-Origin-Opener-Policy'] = 'same-origin'\n    return resp",
            policy: "[cross_origin]\nopener = \"same-origin\"",
            nginx: "add_header Cross-Origin-Opener-Policy same-origin always;",
        },
    };
}

fn coop_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.renders_document() {
        return Outcome::NotApplicable;
    }
    let mut lines = ctx.headers().get_all("cross-origin-opener-policy");
    let Some(first) = lines.next() else {
        out.push(Finding::new(
            &COOP_MISSING,
            "The page does not send Cross-Origin-Opener-Policy, so windows of other sites can keep a handle on it.",
        ));
        return Outcome::Checked;
    };
    let finding = if lines.next().is_some() {
        Finding::new(
            &COOP_MISSING,
            "Cross-Origin-Opener-Policy is sent more than once; browsers read the combined value as invalid and ignore it.",
        )
    } else {
        match first.value.parse::<CrossOriginOpenerPolicy>() {
            Ok(CrossOriginOpenerPolicy::UnsafeNone) => Finding::new(
                &COOP_MISSING,
                "Cross-Origin-Opener-Policy is `unsafe-none`, the default: the page is not isolated from other sites' windows.",
            )
            .severity(Severity::Info),
            Ok(_) => return Outcome::Checked,
            Err(error) => Finding::new(
                &COOP_MISSING,
                format!("Cross-Origin-Opener-Policy is ignored by browsers: {error}."),
            ),
        }
    };
    out.push(finding.header_evidence(&first.name, &first.value));
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, exchange, one, run};

    const ID: &str = "coop-missing";

    fn page(extra: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{extra}\r\n")
    }

    #[test]
    fn fires_when_missing_or_ignored() {
        fires(ID, &page(""));
        for coop in ["Same-Origin", "same_origin", "\"same-origin\""] {
            let report = fires(
                ID,
                &page(&format!("Cross-Origin-Opener-Policy: {coop}\r\n")),
            );
            assert_eq!(one(&report, ID).severity, Severity::Low, "{coop}");
        }
        fires(
            ID,
            &page("Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Opener-Policy: same-origin\r\n"),
        );
        let report = fires(ID, &page("Cross-Origin-Opener-Policy: unsafe-none\r\n"));
        assert_eq!(one(&report, ID).severity, Severity::Info);
    }

    #[test]
    fn quiet_with_an_isolating_value() {
        quiet(ID, &page("Cross-Origin-Opener-Policy: same-origin\r\n"));
        quiet(
            ID,
            &page("Cross-Origin-Opener-Policy: same-origin-allow-popups\r\n"),
        );
        quiet(
            ID,
            &page("Cross-Origin-Opener-Policy: noopener-allow-popups\r\n"),
        );
        quiet(
            ID,
            &page("Cross-Origin-Opener-Policy: same-origin; report-to=\"coop\"\r\n"),
        );
    }

    #[test]
    fn not_applicable_to_json_or_redirects() {
        let api = exchange(
            200,
            &[("Content-Type", "application/json")],
            Some("{\"a\":1}"),
        );
        assert_not_applicable(&run(api, None), ID);
        let redirect = exchange(301, &[("Location", "https://example.com/")], None);
        assert_not_applicable(&run(redirect, None), ID);
    }
}
