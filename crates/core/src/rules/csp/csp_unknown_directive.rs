use crate::csp::directive::TABLE;
use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::parse::Facts;
use crate::csp::PolicyList;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports directive names that are not CSP directives: typos (`script-scr`), a
    /// trailing colon (`default-src:`), another header pasted into the policy
    /// (`X-Frame-Options DENY`, `Content-Security-Policy: …`), or made-up names. It
    /// suggests the closest real directive.
    ///
    /// (Google CSP Evaluator: `UNKNOWN_DIRECTIVE`.)
    ///
    /// ## Why is this bad?
    /// Browsers ignore unknown directives, so the restriction the author meant is not
    /// there — and the directive that was mistyped is missing.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: default-src: 'self'; script-scr 'self'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: default-src 'self'; script-src 'self'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6: Content Security Policy Directives](https://www.w3.org/TR/CSP3/#csp-directives)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_UNKNOWN_DIRECTIVE = {
        id: "csp-unknown-directive",
        title: "Content-Security-Policy has an unknown directive",
        severity: Medium,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# check the keys of Talisman's content_security_policy dict: 'script-src', not 'script_src' or 'script-src:'",
            policy: "[csp.directives]\nscript-src = \"'self'\"   # keys are CSP directive names",
            nginx: "# one header per mechanism: X-Frame-Options is its own header, not a CSP directive",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkUnknownDirective`.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::every_policy(list, out, |pi, policy, out| {
        // At most MAX_FINDINGS_PER_RULE per policy; the rest are summed up.
        let mut out = super::Capped::new(out);
        if !policy.facts.has(Facts::UNKNOWN) {
            return;
        }
        for d in policy.active_directives() {
            if d.id().is_none() {
                out.push(
                    CspFinding::new(&CSP_UNKNOWN_DIRECTIVE, detail)
                        .at(pi, &d)
                        .fix(Fix::Text("Fix the name or remove the directive.")),
                );
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    if let Some(base) = name.strip_suffix(':') {
        if crate::csp::DirectiveId::lookup(base).is_some() {
            return format!("`{name}`: CSP directives are not followed by a colon (write `{base} …`); browsers ignore this one.");
        }
        return format!("`{name}` is not a CSP directive (a header name pasted into the policy?); browsers ignore it.");
    }
    match closest(&name) {
        Some(known) => {
            format!("`{name}` is not a CSP directive; browsers ignore it. Did you mean `{known}`?")
        }
        None => format!("`{name}` is not a CSP directive; browsers ignore it."),
    }
}

/// The known directive within two edits of `name`, if any.
fn closest(name: &str) -> Option<&'static str> {
    if name.len() > 40 {
        return None;
    }
    TABLE
        .iter()
        .filter(|d| d.name.len().abs_diff(name.len()) <= 2)
        .map(|d| (crate::spelling::edit_distance(name, d.name), d.name))
        .filter(|(dist, _)| *dist <= 2)
        .min_by_key(|(dist, _)| *dist)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_with_a_suggestion() {
        fires(
            "csp-unknown-directive",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; x-frame-options deny\r\n\r\n",
        );
        let f = check_csp("Script-Scr 'self'; default-src: 'self'").findings();
        let details: Vec<&str> = f
            .iter()
            .filter(|f| f.rule == "csp-unknown-directive")
            .map(|f| f.detail.as_str())
            .collect();
        assert!(
            details[0].contains("Did you mean `script-src`?"),
            "{details:?}"
        );
        assert!(
            details[1].contains("not followed by a colon"),
            "{details:?}"
        );
    }

    #[test]
    fn quiet_on_known_directives() {
        quiet(
            "csp-unknown-directive",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: DEFAULT-SRC 'self'; fenced-frame-src 'none'\r\n\r\n",
        );
    }
}
