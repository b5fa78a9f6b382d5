use std::borrow::Cow;

use crate::headers::permissions::{looks_like_feature_policy, PermissionsPolicy};
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `Permissions-Policy` is a valid Structured Field Dictionary
    /// (RFC 8941) of `feature=allowlist` members, and that each allowlist means what it
    /// seems to: `()`, `*`, `self`, or a list of `self` and quoted origins.
    ///
    /// Feature names are not checked against a list: browsers skip the ones they do not
    /// know, and new features ship often.
    ///
    /// ## Why is this bad?
    /// When the value does not parse, browsers drop the **whole** header: nothing is
    /// restricted while the site believes it is. Common causes:
    /// - the older Feature-Policy syntax: `camera 'none'; microphone 'self'`;
    /// - `;` between members (RFC 8941 needs `,`): `camera=(); microphone=()`;
    /// - uppercase feature names (`Camera=()`) or quoted keywords (`('self')`).
    ///
    /// Members that parse can still be misread: `camera=none` is not `()` by name but
    /// ends up empty, an unquoted origin (`(https://a.example)`) or `"self"` in quotes is
    /// skipped, a repeated feature keeps only its last value.
    ///
    /// Severities: **low** when the header is dropped (it is defence in depth, see
    /// `permissions-policy-missing`); **info** for members read differently from what
    /// they seem to say.
    ///
    /// ## Example
    /// ```http
    /// Permissions-Policy: camera 'none'; geolocation 'self'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Permissions-Policy: camera=(), geolocation=(self)
    /// ```
    ///
    /// ## References
    /// - [W3C Permissions Policy §5.2: the Permissions-Policy HTTP header field](https://www.w3.org/TR/permissions-policy/#permissions-policy-http-header-field)
    /// - [RFC 8941 §3.2: Dictionaries](https://www.rfc-editor.org/rfc/rfc8941#section-3.2)
    /// - [MDN: Permissions-Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy)
    pub static PERMISSIONS_POLICY_INVALID = {
        id: "permissions-policy-invalid",
        title: "Permissions-Policy is malformed",
        severity: Low,
        family: Isolation,
        since: "0.1.0",
        check: Check::Exchange(permissions_policy_invalid),
        fixes: {
            flask: "# Talisman serialises a dict to the right syntax:\nTalisman(app, permissions_policy={'camera': '()', 'geolocation': '(self)'})\n# or:\n@app.after_request\ndef permissions(resp):\n    resp.headers['Permissions-Policy'] = 'camera=(), geolocation=(self)'\n    return resp",
            policy: "[permissions]\npolicy = \"camera=(), microphone=(), geolocation=()\"",
            nginx: "add_header Permissions-Policy \"camera=(), geolocation=(self)\" always;",
        },
    };
}

/// Most member issues spelled out in one finding.
const MAX_ISSUES_SHOWN: usize = 3;

fn permissions_policy_invalid(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if !ctx.renders_document() {
        return Outcome::NotApplicable;
    }
    let mut lines = ctx.headers().get_all("permissions-policy");
    let Some(first) = lines.next() else {
        return Outcome::NotApplicable;
    };
    // Browsers parse every line together, joined with ", " (RFC 8941 §4.2).
    let value: Cow<'_, str> = match lines.next() {
        None => Cow::Borrowed(first.value.as_str()),
        Some(_) => Cow::Owned(
            ctx.headers()
                .get_all("permissions-policy")
                .map(|h| h.value.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    let policy = match PermissionsPolicy::parse(&value) {
        Ok(policy) => policy,
        Err(error) => {
            let detail = if looks_like_feature_policy(&value) {
                "Permissions-Policy uses the old Feature-Policy syntax (`feature 'value'; …`); browsers drop the whole header. Write `feature=(), other=(self)`.".to_string()
            } else {
                let quotes = if value.contains('\'') {
                    " Keywords are bare (`self`), origins double-quoted (`\"https://a.example\"`); single quotes are not allowed."
                } else {
                    ""
                };
                format!("Permissions-Policy is not a valid structured dictionary ({error}); browsers drop the whole header.{quotes}")
            };
            out.push(
                Finding::new(&PERMISSIONS_POLICY_INVALID, detail)
                    .header_evidence(&first.name, &value),
            );
            return Outcome::Checked;
        }
    };
    let issues = policy.issues();
    if !issues.is_empty() {
        let mut detail = issues
            .iter()
            .take(MAX_ISSUES_SHOWN)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        if issues.len() > MAX_ISSUES_SHOWN {
            detail.push_str(&format!(" (and {} more)", issues.len() - MAX_ISSUES_SHOWN));
        }
        detail.push('.');
        out.push(
            Finding::new(&PERMISSIONS_POLICY_INVALID, detail)
                .severity(Severity::Info)
                .header_evidence(&first.name, &value),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, exchange, one, run};

    const ID: &str = "permissions-policy-invalid";

    fn page(value: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nPermissions-Policy: {value}\r\n\r\n")
    }

    #[test]
    fn fires_when_browsers_drop_the_header() {
        let report = fires(ID, &page("camera 'none'; geolocation 'self'"));
        let f = one(&report, ID);
        assert_eq!(f.severity, Severity::Low);
        assert!(f.detail.contains("Feature-Policy syntax"), "{}", f.detail);
        let report = fires(ID, &page("camera=('self')"));
        assert!(one(&report, ID).detail.contains("single quotes"));
        for value in [
            "camera=(); microphone=()",
            "Camera=()",
            "camera=('self')",
            "camera=(),",
        ] {
            let report = fires(ID, &page(value));
            let f = one(&report, ID);
            assert_eq!(f.severity, Severity::Low, "{value}");
            assert!(
                f.detail.contains("structured dictionary"),
                "{value}: {}",
                f.detail
            );
        }
    }

    #[test]
    fn members_that_mean_something_else_are_info() {
        let report = fires(ID, &page("camera=none, geolocation=(self https://maps.example), mic=(\"self\"), usb=(), usb=*"));
        let f = one(&report, ID);
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("`camera=none`"));
        assert!(f.detail.contains("must be quoted"));
        assert!(f.detail.contains("and 1 more"));
    }

    #[test]
    fn several_lines_are_read_together() {
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nPermissions-Policy: camera=()\r\nPermissions-Policy: camera=*\r\n\r\n",
        );
        assert!(one(&report, ID).detail.contains("more than once"));
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nPermissions-Policy: camera=()\r\nPermissions-Policy: geolocation=(self)\r\n\r\n",
        );
    }

    #[test]
    fn quiet_on_valid_policies() {
        quiet(ID, &page("camera=(), microphone=(), geolocation=()"));
        quiet(
            ID,
            &page("geolocation=(self \"https://maps.example\"), fullscreen=*, sync-xhr=self"),
        );
        quiet(ID, &page("browsing-topics=()"));
        quiet(ID, &page("geolocation=(self);report-to=main"));
        quiet(
            ID,
            &crate::rules::transport::testkit::fixture("flask-talisman-index.http"),
        );
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
                ("Permissions-Policy", "x y"),
            ],
            None,
        );
        assert_not_applicable(&run(api, None), ID);
    }
}
