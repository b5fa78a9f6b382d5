use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports the `Feature-Policy` header, replaced by `Permissions-Policy`.
    ///
    /// ## Why is this bad?
    /// `Feature-Policy` was the first version of what is now `Permissions-Policy`, with
    /// a different syntax (`camera 'none'; geolocation 'self'`). Only Chromium-based
    /// browsers ever read the header, and they ignore it for every feature that
    /// `Permissions-Policy` also names; Firefox and Safari never did. A site that sends
    /// only `Feature-Policy` restricts features in some browsers and not others.
    ///
    /// Severities: **low** when `Permissions-Policy` is absent (the restrictions depend
    /// on the browser); **info** when it is present (the old header is dead weight).
    ///
    /// ## Example
    /// ```http
    /// Feature-Policy: camera 'none'; microphone 'none'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Permissions-Policy: camera=(), microphone=()
    /// ```
    ///
    /// ## References
    /// - [MDN: Feature-Policy (deprecated)](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Feature-Policy)
    /// - [Permissions Policy explainer (changes since Feature-Policy)](https://github.com/w3c/webappsec-permissions-policy/blob/main/permissions-policy-explainer.md)
    /// - [OWASP Secure Headers Project: Feature-Policy (deprecated)](https://owasp.org/www-project-secure-headers/#feature-policy)
    pub static DEPRECATED_FEATURE_POLICY = {
        id: "deprecated-feature-policy",
        title: "Feature-Policy is replaced by Permissions-Policy",
        severity: Info,
        family: Deprecated,
        since: "0.1.0",
        check: Check::Exchange(deprecated_feature_policy),
        fixes: {
            flask: "Talisman(app, feature_policy={},  # stop sending it\n         permissions_policy={'camera': '()', 'microphone': '()'})",
            policy: "[remove]\nheaders = [\"Feature-Policy\"]\n\n[permissions]\npolicy = \"camera=(), microphone=(), geolocation=()\"",
            nginx: "proxy_hide_header Feature-Policy;\nadd_header Permissions-Policy \"camera=(), microphone=(), geolocation=()\" always;",
        },
    };
}

fn deprecated_feature_policy(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(line) = ctx.headers().get_header("feature-policy") else {
        return Outcome::Checked;
    };
    let finding = if ctx.headers().contains("permissions-policy") {
        Finding::new(
            &DEPRECATED_FEATURE_POLICY,
            "Feature-Policy is obsolete and overridden by the Permissions-Policy this response also sends. Remove it.",
        )
    } else {
        Finding::new(
            &DEPRECATED_FEATURE_POLICY,
            "Feature-Policy is obsolete and only read by Chromium-based browsers; send Permissions-Policy instead.",
        )
        .severity(Severity::Low)
    };
    out.push(finding.header_evidence(&line.name, &line.value));
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::one;

    const ID: &str = "deprecated-feature-policy";

    #[test]
    fn fires_on_feature_policy() {
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nFeature-Policy: camera 'none'\r\n\r\n",
        );
        assert_eq!(one(&report, ID).severity, Severity::Low);
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nFeature-Policy: camera 'none'\r\nPermissions-Policy: camera=()\r\n\r\n",
        );
        assert_eq!(one(&report, ID).severity, Severity::Info);
    }

    #[test]
    fn quiet_without_it() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nPermissions-Policy: camera=()\r\n\r\n",
        );
    }
}
