use crate::csp::directive::Status;
use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::parse::Facts;
use crate::csp::PolicyList;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports directives that browsers no longer support or never shipped:
    /// `reflected-xss`, `referrer`, `disown-opener`, `prefetch-src` (as Google CSP
    /// Evaluator does), and also `block-all-mixed-content`, `plugin-types`, `navigate-to`
    /// and `require-sri-for`.
    ///
    /// (Google CSP Evaluator: `DEPRECATED_DIRECTIVE`, for the first four.)
    ///
    /// ## Why is this bad?
    /// They do nothing in current browsers, so whatever they were meant to achieve is
    /// not achieved; the header says more than it does.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: default-src 'self'; referrer no-referrer; block-all-mixed-content
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: default-src 'self'; upgrade-insecure-requests
    /// Referrer-Policy: no-referrer
    /// ```
    ///
    /// ## References
    /// - [CSP3 §1.3: Changes from Level 2](https://www.w3.org/TR/CSP3/#changes-from-level-2)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_DEPRECATED_DIRECTIVE = {
        id: "csp-deprecated-directive",
        title: "Content-Security-Policy uses a deprecated directive",
        severity: Info,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# drop the directive from Talisman's content_security_policy dict;\n# referrer → Talisman(referrer_policy='strict-origin-when-cross-origin')",
            policy: "[csp.directives]\n# remove the deprecated directive\n[referrer]\npolicy = \"strict-origin-when-cross-origin\"",
            nginx: "# remove the directive from add_header Content-Security-Policy",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkDeprecatedDirective`, with headwarden's longer list.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::every_policy(list, out, |pi, policy, out| {
        // At most MAX_FINDINGS_PER_RULE per policy; the rest are summed up.
        let mut out = super::Capped::new(out);
        if !policy.facts.has(Facts::DEPRECATED) {
            return;
        }
        for d in policy.active_directives() {
            if let Some(Status::Deprecated(_)) = d.id().map(|id| id.def().status) {
                out.push(
                    CspFinding::new(&CSP_DEPRECATED_DIRECTIVE, detail)
                        .at(pi, &d)
                        .fix(Fix::Text("Remove the directive.")),
                );
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    let why = name
        .parse::<crate::csp::DirectiveId>()
        .ok()
        .and_then(|id| match id.def().status {
            Status::Deprecated(why) => Some(why),
            Status::Standard => None,
        })
        .unwrap_or("deprecated");
    format!("`{name}` is deprecated: {why}.")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_referrer() {
        fires(
            "csp-deprecated-directive",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; referrer no-referrer\r\n\r\n",
        );
    }

    #[test]
    fn quiet_on_current_directives() {
        quiet(
            "csp-deprecated-directive",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; upgrade-insecure-requests; report-uri /csp\r\n\r\n",
        );
    }
}
