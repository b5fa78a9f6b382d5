use crate::headers::content_type::carries_content;
use crate::headers::cross_origin::CrossOriginResourcePolicy;
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a response sends a valid `Cross-Origin-Resource-Policy`
    /// (`same-origin`, `same-site` or `cross-origin`), which tells the browser whether
    /// other sites may load it with `<img>`, `<script>`, `<link>` and other no-CORS
    /// requests.
    ///
    /// Every response with content is checked (pages, JSON, images, scripts); not
    /// redirects, `204` or `304`.
    ///
    /// ## Why is this bad?
    /// Without CORP, another site can make the browser load the resource, with the
    /// user's cookies, into the attacker's page. It cannot read it directly, but side
    /// channels (Spectre, sizes, errors, timing) can leak its content, such as a JSON
    /// answer with personal data. CORP lets the browser refuse to hand the response to a
    /// foreign page at all. It is also what cross-origin isolated pages
    /// (`Cross-Origin-Embedder-Policy: require-corp`) need from the resources they embed.
    ///
    /// Severities: **info** when missing (defence in depth; the MDN Observatory gives a
    /// bonus for `same-origin`/`same-site` and nothing off when it is missing); **low**
    /// when present but ignored, as the MDN Observatory deducts 5 points for an invalid
    /// value. Values are case-sensitive, and the header sent twice is invalid.
    /// `cross-origin` is a valid, deliberate choice for public assets and APIs.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Content-Type: application/json
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Cross-Origin-Resource-Policy: same-origin
    /// ```
    /// `same-site` if subdomains load it; `cross-origin` for assets on a CDN used by
    /// other sites.
    ///
    /// ## References
    /// - [Fetch Standard: Cross-Origin-Resource-Policy header](https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header)
    /// - [MDN: Cross-Origin-Resource-Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cross-Origin-Resource-Policy)
    /// - [XS-Leaks wiki: Cross-Origin-Resource-Policy](https://xsleaks.dev/docs/defenses/opt-in/corp/)
    pub static CORP_MISSING = {
        id: "corp-missing",
        title: "Cross-Origin-Resource-Policy is missing",
        severity: Info,
        family: Isolation,
        since: "0.1.0",
        check: Check::Exchange(corp_missing),
        fixes: {
            flask: "# flask-talisman does not set CORP:\n@app.after_request\ndef corp(resp):\n    resp.headers['Cross-Origin-Resource-Policy'] = 'same-origin'\n    return resp",
            policy: "[cross_origin]\nresource = \"same-origin\"",
            nginx: "add_header Cross-Origin-Resource-Policy same-origin always;",
        },
    };
}

fn corp_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !carries_content(&ctx.exchange.response) {
        return Outcome::NotApplicable;
    }
    let mut lines = ctx.headers().get_all("cross-origin-resource-policy");
    let Some(first) = lines.next() else {
        out.push(Finding::new(
            &CORP_MISSING,
            "The response does not send Cross-Origin-Resource-Policy, so any site can load it with the user's cookies.",
        ));
        return Outcome::Checked;
    };
    let detail = if lines.next().is_some() {
        "Cross-Origin-Resource-Policy is sent more than once; the combined value is invalid and browsers ignore it.".to_string()
    } else {
        match first.value.parse::<CrossOriginResourcePolicy>() {
            Ok(_) => return Outcome::Checked,
            Err(error) => format!("Cross-Origin-Resource-Policy is ignored by browsers: {error}."),
        }
    };
    out.push(
        Finding::new(&CORP_MISSING, detail)
            .severity(Severity::Low)
            .header_evidence(&first.name, &first.value),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, exchange, one, run};

    const ID: &str = "corp-missing";

    #[test]
    fn missing_is_info_invalid_is_low() {
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n",
        );
        assert_eq!(one(&report, ID).severity, Severity::Info);
        for extra in [
            "Cross-Origin-Resource-Policy: SAME-ORIGIN\r\n",
            "Cross-Origin-Resource-Policy: same-origin\r\nCross-Origin-Resource-Policy: same-origin\r\n",
            "Cross-Origin-Resource-Policy: same-origin; foo\r\n",
        ] {
            let report = fires(ID, &format!("HTTP/1.1 200 OK\r\n{extra}\r\n"));
            assert_eq!(one(&report, ID).severity, Severity::Low, "{extra}");
        }
    }

    #[test]
    fn quiet_with_a_valid_value() {
        for value in ["same-origin", "same-site", "cross-origin"] {
            quiet(
                ID,
                &format!("HTTP/1.1 200 OK\r\nCross-Origin-Resource-Policy: {value}\r\n\r\n"),
            );
        }
    }

    #[test]
    fn not_applicable_without_content() {
        assert_not_applicable(&run(exchange(204, &[], None), None), ID);
        assert_not_applicable(&run(exchange(304, &[], None), None), ID);
        assert_not_applicable(&run(exchange(302, &[("Location", "/")], None), None), ID);
    }
}
