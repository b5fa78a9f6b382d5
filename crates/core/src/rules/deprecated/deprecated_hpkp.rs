use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports `Public-Key-Pins` (HPKP) and `Public-Key-Pins-Report-Only`.
    ///
    /// ## Why is this bad?
    /// HTTP Public Key Pinning told browsers to accept only certificates with given
    /// public keys. It was removed (Chrome 72, Firefox 72; Safari and Edge never shipped
    /// it) because one mistake, a lost key or a changed CA, locked every visitor out for
    /// `max-age`, and an attacker who briefly controlled the site could pin keys of their
    /// own ("HPKP suicide" and ransom). Today it does nothing in current browsers, but
    /// any legacy client that still honours it keeps that risk, and the header suggests
    /// a protection the site does not have. Certificate Transparency, enforced by
    /// browsers, replaced it.
    ///
    /// Severities: **low** for `Public-Key-Pins` (the risk is real wherever it is still
    /// honoured); **info** for the report-only variant, which never blocked anything.
    ///
    /// ## Example
    /// ```http
    /// Public-Key-Pins: pin-sha256="…"; pin-sha256="…"; max-age=5184000
    /// ```
    ///
    /// ## Use instead
    /// Remove the header. For pinning inside your own apps, pin in the client (mobile
    /// app), not through HTTP.
    ///
    /// ## References
    /// - [RFC 7469: Public Key Pinning Extension for HTTP](https://www.rfc-editor.org/rfc/rfc7469)
    /// - [MDN: HTTP Public Key Pinning (deprecated)](https://developer.mozilla.org/en-US/docs/Glossary/HPKP)
    /// - [OWASP Secure Headers Project: Public-Key-Pins (deprecated)](https://owasp.org/www-project-secure-headers/#public-key-pins)
    pub static DEPRECATED_HPKP = {
        id: "deprecated-hpkp",
        title: "Public-Key-Pins (HPKP) is obsolete",
        severity: Low,
        family: Deprecated,
        since: "0.1.0",
        check: Check::Exchange(deprecated_hpkp),
        fixes: {
            flask: "@app.after_request\ndef drop_hpkp(resp):\n    resp.headers.pop('Public-Key-Pins', None)\n    resp.headers.pop('Public-Key-Pins-Report-Only', None)\n    return resp",
            policy: "[remove]\nheaders = [\"Public-Key-Pins\", \"Public-Key-Pins-Report-Only\"]",
            nginx: "# remove any `add_header Public-Key-Pins …` line, and hide the app's:\nproxy_hide_header Public-Key-Pins;\nproxy_hide_header Public-Key-Pins-Report-Only;",
        },
    };
}

fn deprecated_hpkp(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if let Some(line) = ctx.headers().get_header("public-key-pins") {
        out.push(
            Finding::new(
                &DEPRECATED_HPKP,
                "Public-Key-Pins is ignored by current browsers, and where it is still honoured a lost or changed key locks visitors out. Remove it.",
            )
            .header_evidence(&line.name, &line.value),
        );
    }
    if let Some(line) = ctx.headers().get_header("public-key-pins-report-only") {
        out.push(
            Finding::new(
                &DEPRECATED_HPKP,
                "Public-Key-Pins-Report-Only is ignored by current browsers. Remove it.",
            )
            .severity(Severity::Info)
            .header_evidence(&line.name, &line.value),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::one;

    const ID: &str = "deprecated-hpkp";

    #[test]
    fn fires_on_hpkp() {
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nPublic-Key-Pins: pin-sha256=\"x\"; max-age=60\r\n\r\n",
        );
        assert_eq!(one(&report, ID).severity, Severity::Low);
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\npublic-key-pins-report-only: pin-sha256=\"x\"\r\n\r\n",
        );
        assert_eq!(one(&report, ID).severity, Severity::Info);
    }

    #[test]
    fn quiet_without_hpkp() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000\r\n\r\n",
        );
    }
}
