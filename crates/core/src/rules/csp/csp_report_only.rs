use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::{Disposition, PolicyList};
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports `Content-Security-Policy-Report-Only` policies: low when it is the only
    /// policy (nothing is enforced), info next to an enforced one.
    ///
    /// ## Why is this bad?
    /// A report-only policy is a monitoring tool: the browser reports what the policy
    /// would block, and blocks nothing (CSP3 §3.2). It is the right first step when
    /// rolling out a CSP, but it gives no protection against injected scripts until an
    /// enforced `Content-Security-Policy` carries the same directives. headwarden still
    /// evaluates report-only policies and shows their findings at info severity.
    ///
    /// A report-only policy in a `<meta>` element is not supported at all (see
    /// `csp-parse-error`).
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy-Report-Only: script-src 'nonce-r4nd0m' 'strict-dynamic'; report-uri /csp
    /// ```
    ///
    /// ## Use instead
    /// Once the reports are clean, send the same policy enforced:
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; base-uri 'none'; report-uri /csp
    /// ```
    ///
    /// ## References
    /// - [CSP3 §3.2: Content-Security-Policy-Report-Only](https://www.w3.org/TR/CSP3/#cspro-header)
    /// - [MDN: Content-Security-Policy-Report-Only](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy-Report-Only)
    pub static CSP_REPORT_ONLY = {
        id: "csp-report-only",
        title: "Content-Security-Policy is report-only",
        severity: Low,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# Flask-Talisman: enforce instead of only reporting\nTalisman(app, content_security_policy=csp,\n    content_security_policy_report_only=False,\n    content_security_policy_nonce_in=['script-src'])",
            policy: "[csp]\nreport_only = false",
            nginx: "# send the policy as Content-Security-Policy (keep report-uri to go on receiving reports)\nadd_header Content-Security-Policy \"...; report-uri /csp-report\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    let enforced = list.enforced().next().is_some();
    if let Some((i, _)) = list
        .indexed()
        .find(|(_, p)| p.disposition == Disposition::Report && !p.is_empty())
    {
        let severity = if enforced {
            Severity::Info
        } else {
            Severity::Low
        };
        out.push(
            CspFinding::new(&CSP_REPORT_ONLY, detail)
                .policy(i)
                .severity(severity)
                .fix(Fix::Text(
                    "Send the same directives in a Content-Security-Policy header (keep report-uri or report-to to go on receiving reports).",
                )),
        );
    }
    Outcome::Checked
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let reported = list.report_only().count();
    let subject = if reported == 1 {
        "A report-only policy".to_string()
    } else {
        format!("{reported} report-only policies")
    };
    if f.severity == Severity::Info {
        format!("{subject} is only monitored, next to the enforced policy: it blocks nothing.")
    } else {
        format!("{subject} is the only CSP: browsers report violations but block nothing.")
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_low_when_only_report_only() {
        let r = fires(
            "csp-report-only",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy-Report-Only: script-src 'self'\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "csp-report-only")
            .unwrap();
        assert_eq!(f.severity, Severity::Low);
    }

    #[test]
    fn fires_info_next_to_an_enforced_policy() {
        let r = fires(
            "csp-report-only",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: object-src 'none'\r\nContent-Security-Policy-Report-Only: script-src 'self'\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "csp-report-only")
            .unwrap();
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn quiet_when_enforced() {
        quiet(
            "csp-report-only",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'\r\n\r\n",
        );
    }
}
