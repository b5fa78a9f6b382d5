use crate::headers::hsts::ONE_YEAR;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `Strict-Transport-Security` header that asks for preloading
    /// (`preload`) meets the header requirements of hstspreload.org: `max-age` of at
    /// least 31536000 seconds (one year) and `includeSubDomains`.
    ///
    /// It checks the header only. hstspreload.org also requires a valid certificate, a
    /// redirect from HTTP to HTTPS on the same host, and HTTPS on every subdomain; and
    /// this rule does not (and cannot, offline) tell whether the domain is on the list.
    ///
    /// ## Why is this bad?
    /// `preload` says "put this domain in the list built into browsers", which protects
    /// even the very first visit. With a shorter `max-age` or without
    /// `includeSubDomains`, the submission is refused, and a domain already on the list
    /// that starts sending such a header is flagged for removal. The owner believes the
    /// first visit is protected; it is not.
    ///
    /// Severity is **low**: the HSTS the header does give still works, and
    /// `hsts-max-age-low` / `hsts-no-includesubdomains` report the weaknesses themselves.
    ///
    /// ## Example
    /// ```http
    /// Strict-Transport-Security: max-age=86400; preload
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Strict-Transport-Security: max-age=63072000; includeSubDomains; preload
    /// ```
    /// Or drop `preload` until the domain is ready: preloading is hard to undo.
    ///
    /// ## References
    /// - [hstspreload.org: submission requirements](https://hstspreload.org/#submission-requirements)
    /// - [hstspreload.org: removal](https://hstspreload.org/#removal)
    /// - [MDN: Strict-Transport-Security, preloading](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security#preloading_strict_transport_security)
    pub static HSTS_PRELOAD_INELIGIBLE = {
        id: "hsts-preload-ineligible",
        title: "Strict-Transport-Security asks for preload but is not eligible",
        severity: Low,
        family: Transport,
        since: "0.1.0",
        check: Check::Exchange(hsts_preload_ineligible),
        fixes: {
            flask: "Talisman(app, strict_transport_security_preload=True,\n         strict_transport_security_max_age=63072000,\n         strict_transport_security_include_subdomains=True)",
            policy: "[hsts]\nmax_age = 63072000\ninclude_subdomains = true\npreload = true",
            nginx: "add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains; preload\" always;",
        },
    };
}

fn hsts_preload_ineligible(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.scheme.is_https() {
        return Outcome::NotApplicable;
    }
    let Some(Ok(hsts)) = ctx.hsts() else {
        return Outcome::NotApplicable;
    };
    if !hsts.preload {
        return Outcome::NotApplicable;
    }
    if hsts.is_preload_eligible() {
        return Outcome::Checked;
    }
    let missing = match (hsts.max_age >= ONE_YEAR, hsts.include_subdomains) {
        (false, false) => format!(
            "max-age is {} (at least {ONE_YEAR} is required) and includeSubDomains is missing",
            hsts.max_age
        ),
        (false, true) => format!(
            "max-age is {} (at least {ONE_YEAR} is required)",
            hsts.max_age
        ),
        _ => "includeSubDomains is missing".to_string(),
    };
    let mut finding = Finding::new(
        &HSTS_PRELOAD_INELIGIBLE,
        format!("The header asks for preloading, but hstspreload.org would refuse it: {missing}."),
    );
    if let Some(line) = ctx.headers().get_header("strict-transport-security") {
        finding = finding.header_evidence(&line.name, &line.value);
    }
    out.push(finding);
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, not_applicable_with_scheme, quiet};
    use crate::rules::transport::testkit::one;
    use crate::Scheme;

    const ID: &str = "hsts-preload-ineligible";

    fn hsts(value: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nStrict-Transport-Security: {value}\r\n\r\n")
    }

    #[test]
    fn fires_when_a_requirement_is_missing() {
        let r = fires(ID, &hsts("max-age=31536000; preload"));
        assert!(one(&r, ID).detail.contains("includeSubDomains is missing"));
        let r = fires(ID, &hsts("max-age=86400; includeSubDomains; preload"));
        assert!(one(&r, ID).detail.contains("max-age is 86400"));
        fires(ID, &hsts("max-age=0; preload"));
    }

    #[test]
    fn quiet_when_eligible() {
        quiet(ID, &hsts("max-age=31536000; includeSubDomains; preload"));
        quiet(ID, &hsts("Preload; max-age=63072000; includesubdomains"));
    }

    #[test]
    fn not_applicable_without_preload() {
        not_applicable_with_scheme(ID, &hsts("max-age=60"), Scheme::Https);
        not_applicable_with_scheme(ID, &hsts("max-age=60; preload"), Scheme::Http);
        not_applicable_with_scheme(ID, &hsts("preload"), Scheme::Https);
    }
}
