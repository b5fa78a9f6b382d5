use crate::csp::evaluate::{Arg, CspFinding, Fix};
use crate::csp::{DirectiveId, Disposition, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each enforced policy says where to send violation reports: `report-uri`
    /// (supported everywhere) and/or `report-to` (Chromium-based browsers). A policy with
    /// `report-to` only is noted too.
    ///
    /// (Google CSP Evaluator's `checkHasConfiguredReporting`, used by Lighthouse:
    /// `REPORTING_DESTINATION_MISSING`, `REPORT_TO_ONLY`.)
    ///
    /// ## Why is this bad?
    /// Without reports, nobody learns that the policy blocks a legitimate script after a
    /// deploy, or that someone is probing for XSS. Reporting is how a CSP is maintained.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; report-uri /csp-report; report-to csp
    /// Reporting-Endpoints: csp="/csp-report"
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.5: Reporting directives](https://www.w3.org/TR/CSP3/#directives-reporting)
    /// - [MDN: report-to](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/report-to)
    pub static CSP_REPORTING_MISSING = {
        id: "csp-reporting-missing",
        title: "Content-Security-Policy has no reporting endpoint",
        severity: Info,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy=csp,\n    content_security_policy_report_uri='/csp-report')\n\n@app.post('/csp-report')\ndef csp_report():\n    app.logger.warning('CSP violation: %s', request.get_data(as_text=True)[:2000])\n    return '', 204",
            policy: "[csp]\nreport_uri = \"/__headwarden/csp-report\"",
            nginx: "add_header Content-Security-Policy \"...; report-uri /csp-report\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

const REPORT_TO_ONLY: &str = "report-to-only";

/// Google CSP Evaluator `checkHasConfiguredReporting`, per enforced policy.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    let mut any = false;
    for (i, p) in super::policies_of(list, Disposition::Enforce) {
        if p.is_empty() {
            continue;
        }
        any = true;
        let has_values = |id| p.get(id).is_some_and(|d| d.values().next().is_some());
        if has_values(DirectiveId::ReportUri) {
            continue;
        }
        let finding = if has_values(DirectiveId::ReportTo) {
            CspFinding::new(&CSP_REPORTING_MISSING, detail)
                .policy(i)
                .known_directive(DirectiveId::ReportTo)
                .arg(Arg::Text(REPORT_TO_ONLY))
                .fix(Fix::Append("report-uri /csp-report"))
        } else {
            CspFinding::new(&CSP_REPORTING_MISSING, detail)
                .policy(i)
                .known_directive(DirectiveId::ReportUri)
                .fix(Fix::Append("report-uri /csp-report"))
        };
        out.push(finding);
    }
    if any {
        Outcome::Checked
    } else {
        Outcome::NotApplicable
    }
}

fn detail(f: &CspFinding, _: &PolicyList) -> String {
    if f.arg == Arg::Text(REPORT_TO_ONLY) {
        "The policy reports only through report-to, which only Chromium-based browsers support; add report-uri too so other browsers report as well.".to_string()
    } else {
        "The policy sends no violation reports (no report-uri or report-to), so breakages and attacks go unnoticed.".to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_reporting() {
        fires(
            "csp-reporting-missing",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; report-to csp\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_report_uri() {
        quiet(
            "csp-reporting-missing",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; report-uri /csp\r\n\r\n",
        );
    }
}
