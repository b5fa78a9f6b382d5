use crate::headers::hsts::SIX_MONTHS;
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `Strict-Transport-Security`'s `max-age` is at least the expected
    /// minimum: the policy's `[hsts] max_age`, or one year (31536000 seconds) without
    /// one.
    ///
    /// ## Why is this bad?
    /// HSTS protects a user only while the browser remembers it. With a short `max-age`
    /// the entry expires between visits, and the next visit starts with a clear-text
    /// request that an attacker can intercept (SSL stripping), exactly as without HSTS.
    /// One year is what hstspreload.org requires and what current guidance recommends;
    /// two years is common.
    ///
    /// Severities:
    /// - **high** for `max-age=0`, which tells browsers to *forget* HSTS for the host;
    /// - **medium** below six months (15552000 s), where the MDN Observatory deducts 10
    ///   points;
    /// - **low** between six months and the expected minimum.
    ///
    /// Only valid headers on HTTPS responses are checked; a malformed one is
    /// `hsts-invalid`.
    ///
    /// ## Example
    /// ```http
    /// Strict-Transport-Security: max-age=86400
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Strict-Transport-Security: max-age=31536000; includeSubDomains
    /// ```
    /// Raise `max-age` in steps (a week, a month, then a year or two) when first rolling
    /// HSTS out, to limit the damage of a mistake.
    ///
    /// ## References
    /// - [RFC 6797 §6.1.1: the max-age directive](https://www.rfc-editor.org/rfc/rfc6797#section-6.1.1)
    /// - [RFC 6797 §11.2: using HSTS in conjunction with self-signed public-key certificates](https://www.rfc-editor.org/rfc/rfc6797#section-11.2)
    /// - [MDN: Strict-Transport-Security](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security)
    /// - [hstspreload.org: deployment recommendations](https://hstspreload.org/#deployment-recommendations)
    pub static HSTS_MAX_AGE_LOW = {
        id: "hsts-max-age-low",
        title: "Strict-Transport-Security max-age is too short",
        severity: Medium,
        family: Transport,
        since: "0.1.0",
        check: Check::Exchange(hsts_max_age_low),
        fixes: {
            flask: "Talisman(app, strict_transport_security_max_age=31536000)  # one year (Talisman's default)\n# or:\n@app.after_request\ndef hsts(resp):\n    if request.is_secure:\n        resp.headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains'\n    return resp",
            policy: "[hsts]\nmax_age = 31536000",
            nginx: "add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;",
        },
    };
}

fn hsts_max_age_low(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.scheme.is_https() {
        return Outcome::NotApplicable;
    }
    let Some(Ok(hsts)) = ctx.hsts() else {
        return Outcome::NotApplicable;
    };
    let minimum = super::min_max_age(ctx);
    if hsts.max_age >= minimum {
        return Outcome::Checked;
    }
    let (severity, detail) = if hsts.max_age == 0 {
        (
            Severity::High,
            "max-age=0 tells browsers to forget HSTS for this host: the next visit may start over plain HTTP.".to_string(),
        )
    } else {
        (
            if hsts.max_age < SIX_MONTHS {
                Severity::Medium
            } else {
                Severity::Low
            },
            format!(
                "max-age={} ({}) is below the expected minimum of {minimum} ({}).",
                hsts.max_age,
                human(hsts.max_age),
                human(minimum)
            ),
        )
    };
    let mut finding = Finding::new(&HSTS_MAX_AGE_LOW, detail).severity(severity);
    if let Some(line) = ctx.headers().get_header("strict-transport-security") {
        finding = finding.header_evidence(&line.name, &line.value);
    }
    out.push(finding);
    Outcome::Checked
}

/// `86400` → `1 day`, `31536000` → `365 days`.
fn human(seconds: u64) -> String {
    const DAY: u64 = 86_400;
    match seconds {
        s if s >= DAY => {
            let days = s / DAY;
            format!("{days} day{}", if days == 1 { "" } else { "s" })
        }
        s if s >= 3600 => format!("{} h", s / 3600),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, not_applicable_with_scheme, quiet};
    use crate::rules::transport::testkit::one;
    use crate::Scheme;

    const ID: &str = "hsts-max-age-low";

    fn hsts(value: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nStrict-Transport-Security: {value}\r\n\r\n")
    }

    #[test]
    fn severity_follows_how_short_it_is() {
        for (value, severity) in [
            ("max-age=0", Severity::High),
            ("max-age=86400", Severity::Medium),
            ("max-age=15551999", Severity::Medium),
            ("max-age=15552000", Severity::Low),
            ("max-age=31535999; includeSubDomains", Severity::Low),
        ] {
            let report = fires(ID, &hsts(value));
            assert_eq!(one(&report, ID).severity, severity, "{value}");
        }
        let report = fires(ID, &hsts("max-age=86400"));
        assert!(one(&report, ID).detail.contains("1 day"));
    }

    #[test]
    fn quiet_at_one_year_or_more() {
        quiet(ID, &hsts("max-age=31536000"));
        quiet(ID, &hsts("max-age=63072000; includeSubDomains; preload"));
        quiet(ID, &hsts("max-age=99999999999999999999999"));
    }

    #[test]
    fn the_policy_sets_the_minimum() {
        use crate::rules::transport::testkit::{assert_quiet, exchange, run_with_policy};
        let one_year = || {
            exchange(
                200,
                &[("Strict-Transport-Security", "max-age=31536000")],
                None,
            )
        };
        let report = run_with_policy(one_year(), "strict");
        let f = one(&report, ID);
        assert_eq!(f.severity, Severity::Low);
        assert!(f.detail.contains("63072000"), "{}", f.detail);
        let lenient = "[hsts]\nmax_age = 86400\ninclude_subdomains = true\n";
        let day = exchange(200, &[("Strict-Transport-Security", "max-age=86400")], None);
        assert_quiet(&run_with_policy(day, lenient), ID);
        assert_quiet(&run_with_policy(one_year(), "balanced"), ID);
    }

    #[test]
    fn not_applicable_without_a_valid_header_or_over_http() {
        not_applicable_with_scheme(ID, "HTTP/1.1 200 OK\r\n\r\n", Scheme::Https);
        not_applicable_with_scheme(ID, &hsts("max-age=1y"), Scheme::Https);
        not_applicable_with_scheme(ID, &hsts("max-age=60"), Scheme::Http);
    }
}
