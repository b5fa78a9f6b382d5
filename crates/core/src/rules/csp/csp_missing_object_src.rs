use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::{DirectiveId, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

use super::csp_missing_script_src::missing;

crate::declare_rule! {
    /// ## What it does
    /// Checks that the policy restricts plugins: it has `object-src`, or `default-src` to
    /// fall back on. An empty `object-src` counts: it blocks everything, like `'none'`
    /// (CSP3 §6.7.2.7).
    ///
    /// (Google CSP Evaluator: `MISSING_DIRECTIVES` on `object-src`.)
    ///
    /// ## Why is this bad?
    /// `<object>` and `<embed>` can load plugin content that runs script in the page's
    /// origin, around `script-src`. Plugins are gone from modern browsers, but an
    /// unrestricted `object-src` is still a classic bypass of script policies.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'self'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'self'; object-src 'none'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.1.9: object-src](https://www.w3.org/TR/CSP3/#directive-object-src)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_MISSING_OBJECT_SRC = {
        id: "csp-missing-object-src",
        title: "Content-Security-Policy does not restrict plugins (object-src)",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy={..., 'object-src': \"'none'\"})",
            policy: "[csp.directives]\nobject-src = \"'none'\"",
            nginx: "add_header Content-Security-Policy \"...; object-src 'none'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkMissingObjectSrcDirective`, over the policy list.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        missing(
            list,
            disposition,
            out,
            DirectiveId::ObjectSrc,
            &CSP_MISSING_OBJECT_SRC,
            detail,
            Fix::Append("object-src 'none'"),
        );
    })
}

fn detail(_: &CspFinding, _: &PolicyList) -> String {
    "The policy has neither object-src nor default-src, so <object> and <embed> can load plugins from anywhere. Add object-src 'none'.".to_string()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_object_src() {
        let r = fires(
            "csp-missing-object-src",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self'\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "csp-missing-object-src")
            .unwrap();
        assert_eq!(
            f.fix.as_deref(),
            Some("Add `object-src 'none'` to the policy.")
        );
    }

    #[test]
    fn quiet_with_an_empty_object_src() {
        quiet(
            "csp-missing-object-src",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self'; object-src\r\n\r\n",
        );
    }
}
