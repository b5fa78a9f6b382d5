use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::{DirectiveId, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

use super::csp_missing_script_src::missing;

crate::declare_rule! {
    /// ## What it does
    /// Checks that the policy sets `form-action`, which restricts where forms may be
    /// submitted. It does not fall back to `default-src`.
    ///
    /// (Not checked by Google CSP Evaluator.)
    ///
    /// ## Why is this bad?
    /// Markup injection without script is still enough to add a `<form
    /// action="https://evil.example">` around a page's inputs, or to change the `action`
    /// of a login form, and harvest what the user types (browsers' password managers
    /// happily fill it in). `form-action 'self'` blocks that.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: default-src 'self'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: default-src 'self'; form-action 'self'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.4.1: form-action](https://www.w3.org/TR/CSP3/#directive-form-action)
    /// - [MDN: form-action](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/form-action)
    pub static CSP_MISSING_FORM_ACTION = {
        id: "csp-missing-form-action",
        title: "Content-Security-Policy does not restrict form targets (form-action)",
        severity: Low,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy={..., 'form-action': \"'self'\"})",
            policy: "[csp.directives]\nform-action = \"'self'\"",
            nginx: "add_header Content-Security-Policy \"...; form-action 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        missing(
            list,
            disposition,
            out,
            DirectiveId::FormAction,
            &CSP_MISSING_FORM_ACTION,
            detail,
            Fix::Append("form-action 'self'"),
        );
    })
}

fn detail(_: &CspFinding, _: &PolicyList) -> String {
    "The policy has no form-action, so injected markup can send forms (and what users type in them) anywhere. Add form-action 'self'.".to_string()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_form_action() {
        fires(
            "csp-missing-form-action",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_form_action() {
        quiet(
            "csp-missing-form-action",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; form-action 'self'\r\n\r\n",
        );
    }
}
