use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `Strict-Transport-Security` carries `includeSubDomains`.
    ///
    /// ## Why is this bad?
    /// Without it, HSTS covers only the exact host that sent it. An attacker on the
    /// network can lure the browser to `http://anything.example.com` (a subdomain that
    /// need not even exist) and, from that clear-text response, set or overwrite cookies
    /// for the parent domain (cookie tossing), which can fix a session or defeat
    /// double-submit CSRF tokens. `includeSubDomains` is also required for HSTS
    /// preloading.
    ///
    /// Severity is **low**: the host itself is protected, and the attack needs an active
    /// network attacker plus an app that trusts parent-domain cookies. Before adding it,
    /// make sure every subdomain (intranet hosts included) serves HTTPS.
    ///
    /// Only valid headers on HTTPS responses are checked, and not `max-age=0` (which
    /// removes HSTS; see `hsts-max-age-low`), nor when the policy says
    /// `[hsts] include_subdomains = false` (a site that keeps some subdomains on HTTP).
    ///
    /// ## Example
    /// ```http
    /// Strict-Transport-Security: max-age=31536000
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Strict-Transport-Security: max-age=31536000; includeSubDomains
    /// ```
    ///
    /// ## References
    /// - [RFC 6797 §6.1.2: the includeSubDomains directive](https://www.rfc-editor.org/rfc/rfc6797#section-6.1.2)
    /// - [RFC 6797 §14.4: the need for includeSubDomains](https://www.rfc-editor.org/rfc/rfc6797#section-14.4)
    /// - [MDN: Strict-Transport-Security](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security)
    pub static HSTS_NO_INCLUDESUBDOMAINS = {
        id: "hsts-no-includesubdomains",
        title: "Strict-Transport-Security does not cover subdomains",
        severity: Low,
        family: Transport,
        since: "0.1.0",
        check: Check::Exchange(hsts_no_includesubdomains),
        fixes: {
            flask: "Talisman(app, strict_transport_security_include_subdomains=True)  # Talisman's default",
            policy: "[hsts]\ninclude_subdomains = true",
            nginx: "add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;",
        },
    };
}

fn hsts_no_includesubdomains(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.scheme.is_https() {
        return Outcome::NotApplicable;
    }
    let Some(Ok(hsts)) = ctx.hsts() else {
        return Outcome::NotApplicable;
    };
    // A policy may keep subdomains out on purpose (some still serve plain HTTP).
    if ctx
        .policy
        .hsts
        .as_ref()
        .is_some_and(|h| !h.include_subdomains)
    {
        return Outcome::NotApplicable;
    }
    if hsts.max_age == 0 {
        return Outcome::NotApplicable;
    }
    if hsts.include_subdomains {
        return Outcome::Checked;
    }
    let mut finding = Finding::new(
        &HSTS_NO_INCLUDESUBDOMAINS,
        "Strict-Transport-Security lacks includeSubDomains, so subdomains can still be reached over plain HTTP.",
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
    use crate::Scheme;

    const ID: &str = "hsts-no-includesubdomains";

    fn hsts(value: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nStrict-Transport-Security: {value}\r\n\r\n")
    }

    #[test]
    fn fires_without_includesubdomains() {
        fires(ID, &hsts("max-age=31536000"));
        fires(ID, &hsts("max-age=31536000; preload"));
        // A misspelling does not count.
        fires(ID, &hsts("max-age=31536000; includeSubDomain"));
    }

    #[test]
    fn quiet_with_includesubdomains() {
        quiet(ID, &hsts("max-age=31536000; includeSubDomains"));
        quiet(ID, &hsts("max-age=31536000;INCLUDESUBDOMAINS"));
    }

    #[test]
    fn not_applicable_when_the_policy_leaves_subdomains_out() {
        use crate::rules::transport::testkit::{assert_not_applicable, exchange, run_with_policy};
        let ex = exchange(
            200,
            &[("Strict-Transport-Security", "max-age=31536000")],
            None,
        );
        let policy = "[hsts]\nmax_age = 31536000\ninclude_subdomains = false\n";
        assert_not_applicable(&run_with_policy(ex, policy), ID);
    }

    #[test]
    fn not_applicable_when_hsts_is_off_invalid_or_over_http() {
        not_applicable_with_scheme(ID, &hsts("max-age=0"), Scheme::Https);
        not_applicable_with_scheme(ID, &hsts("max-age=x"), Scheme::Https);
        not_applicable_with_scheme(ID, &hsts("max-age=31536000"), Scheme::Http);
    }
}
