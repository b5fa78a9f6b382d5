use crate::headers::{HstsError, StrictTransportSecurity};
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `Strict-Transport-Security` follows the grammar of RFC 6797 §6.1:
    /// exactly one `max-age=<seconds>`, optional `includeSubDomains` (no value) and
    /// `preload`, separated by `;`, each directive at most once, in one header.
    ///
    /// ## Why is this bad?
    /// Browsers **ignore the whole header** when it breaks the grammar: a missing or
    /// repeated `max-age`, a value that is not digits (`max-age=1y`, `max-age=-1`), a
    /// comma (two headers folded into one line), a directive with a stray value. The site
    /// then has no HSTS at all while its owner believes it does.
    ///
    /// Severities:
    /// - **high** when the header is ignored: it is as if HSTS were missing (the MDN
    ///   Observatory deducts 20 points for an invalid header, as for a missing one);
    /// - **medium** when several `Strict-Transport-Security` headers disagree: browsers
    ///   use the first, but any proxy that folds them into one line makes the result
    ///   invalid, and the disagreement shows two layers fighting over the value;
    /// - **low** for unknown directives, which browsers skip (usually a misspelling such
    ///   as `includeSubDomain`, which silently leaves subdomains unprotected).
    ///
    /// Only HTTPS responses are checked: browsers ignore HSTS over plain HTTP.
    ///
    /// ## Example
    /// ```http
    /// Strict-Transport-Security: max-age=31536000, includeSubDomains
    /// Strict-Transport-Security: maxage=31536000
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Strict-Transport-Security: max-age=31536000; includeSubDomains
    /// ```
    ///
    /// ## References
    /// - [RFC 6797 §6.1: Strict-Transport-Security response header field](https://www.rfc-editor.org/rfc/rfc6797#section-6.1)
    /// - [RFC 6797 §8.1: processing of the STS header field](https://www.rfc-editor.org/rfc/rfc6797#section-8.1)
    /// - [MDN: Strict-Transport-Security](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security)
    pub static HSTS_INVALID = {
        id: "hsts-invalid",
        title: "Strict-Transport-Security is malformed",
        severity: High,
        family: Transport,
        since: "0.1.0",
        check: Check::Exchange(hsts_invalid),
        fixes: {
            flask: "Talisman(app, strict_transport_security=True,\n         strict_transport_security_max_age=31536000,\n         strict_transport_security_include_subdomains=True)\n# or, without Talisman (send it once, from one place):\n@app.after_request\ndef hsts(resp):\n    if request.is_secure:\n        resp.headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains'\n    return resp",
            policy: "[hsts]\nmax_age = 31536000\ninclude_subdomains = true",
            nginx: "# once, in the `listen 443 ssl` server block; remove other copies (and proxy_hide_header\n# Strict-Transport-Security if the app sends its own)\nadd_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;",
        },
    };
}

fn hsts_invalid(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.scheme.is_https() {
        return Outcome::NotApplicable;
    }
    let Some(first) = ctx.hsts() else {
        // No header at all is `hsts-missing`.
        return Outcome::NotApplicable;
    };
    let mut lines = ctx.headers().get_all("strict-transport-security");
    let Some(first_line) = lines.next() else {
        return Outcome::NotApplicable;
    };
    match first {
        Err(error) => out.push(
            Finding::new(
                &HSTS_INVALID,
                format!("Browsers ignore this Strict-Transport-Security header: {error}."),
            )
            .header_evidence(&first_line.name, &first_line.value),
        ),
        Ok(hsts) if !hsts.unknown_directives.is_empty() => {
            out.push(unknown_directives(
                hsts,
                &first_line.name,
                &first_line.value,
            ));
        }
        Ok(_) => {}
    }
    if let Some(other) = lines.find(|line| !same_meaning(first, &line.value)) {
        out.push(
            Finding::new(
                &HSTS_INVALID,
                format!(
                    "Several Strict-Transport-Security headers with different values; browsers use only the first (`{}`), and a proxy that folds them into one line makes HSTS invalid.",
                    crate::report::shorten(&first_line.value, 80)
                ),
            )
            .severity(Severity::Medium)
            .header_evidence(&other.name, &other.value),
        );
    }
    Outcome::Checked
}

fn same_meaning(first: &Result<StrictTransportSecurity, HstsError>, value: &str) -> bool {
    match (first, value.parse::<StrictTransportSecurity>()) {
        (Ok(a), Ok(b)) => *a == b,
        (Err(a), Err(b)) => *a == b,
        _ => false,
    }
}

fn unknown_directives(hsts: &StrictTransportSecurity, name: &str, value: &str) -> Finding {
    let list = hsts
        .unknown_directives
        .iter()
        .map(|d| format!("`{d}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = if !hsts.include_subdomains
        && hsts
            .unknown_directives
            .iter()
            .any(|d| d.to_ascii_lowercase().starts_with("include"))
    {
        " The directive is spelt `includeSubDomains`; as written, subdomains are not covered."
    } else {
        ""
    };
    Finding::new(
        &HSTS_INVALID,
        format!("Browsers skip the unknown directive(s) {list}.{hint}"),
    )
    .severity(Severity::Low)
    .header_evidence(name, value)
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, not_applicable_with_scheme, quiet};
    use crate::rules::transport::testkit::one;

    const ID: &str = "hsts-invalid";

    #[test]
    fn fires_when_browsers_ignore_the_header() {
        for value in [
            "max-age=31536000, includeSubDomains",
            "maxage=31536000",
            "max-age=1y",
            "max-age=-1",
            "max-age=1; max-age=2",
            "includeSubDomains",
            "",
            "max-age=31536000; includeSubDomains=yes",
        ] {
            let report = fires(
                ID,
                &format!("HTTP/1.1 200 OK\r\nStrict-Transport-Security: {value}\r\n\r\n"),
            );
            let f = one(&report, ID);
            assert_eq!(f.severity, Severity::High, "{value}");
        }
    }

    #[test]
    fn names_the_misspelt_max_age() {
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: maxage=31536000\r\n\r\n",
        );
        assert!(one(&report, ID).detail.contains("spelt `max-age`"));
    }

    #[test]
    fn unknown_directives_are_low() {
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000; includeSubDomain\r\n\r\n",
        );
        let f = one(&report, ID);
        assert_eq!(f.severity, Severity::Low);
        assert!(f.detail.contains("includeSubDomains"));
    }

    #[test]
    fn conflicting_headers_are_medium() {
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000\r\nStrict-Transport-Security: max-age=0\r\n\r\n",
        );
        let f = one(&report, ID);
        assert_eq!(f.severity, Severity::Medium);
        assert!(
            matches!(&f.evidence, Some(crate::Evidence::Header { value, .. }) if value == "max-age=0")
        );
    }

    #[test]
    fn quiet_on_valid_headers() {
        quiet(ID, "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n\r\n");
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=\"31536000\"\r\n\r\n",
        );
        // The same value twice (a proxy and the app) means the same thing.
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000\r\nstrict-transport-security: MAX-AGE=31536000\r\n\r\n",
        );
    }

    #[test]
    fn not_applicable_without_hsts_or_over_http() {
        not_applicable_with_scheme(ID, "HTTP/1.1 200 OK\r\n\r\n", crate::Scheme::Https);
        not_applicable_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: junk\r\n\r\n",
            crate::Scheme::Http,
        );
    }
}
