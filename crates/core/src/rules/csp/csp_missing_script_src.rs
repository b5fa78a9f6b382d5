use crate::csp::evaluate::{CspFinding, Fix, Step};
use crate::csp::{DirectiveId, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the policy restricts scripts: it has `script-src`, or `default-src` to
    /// fall back on. `script-src-elem` alone does not count (it leaves `eval`, workers and
    /// event handlers unrestricted). With several enforced policies, one that restricts
    /// scripts is enough.
    ///
    /// (Google CSP Evaluator: `MISSING_DIRECTIVES` on `script-src`.)
    ///
    /// ## Why is this bad?
    /// Without `script-src` or `default-src`, the policy lets any script run: inline,
    /// from any host. It may still do other useful things (`frame-ancestors`,
    /// `upgrade-insecure-requests`), but it does nothing against XSS.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: frame-ancestors 'self'; upgrade-insecure-requests
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-{random}' 'strict-dynamic'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'; upgrade-insecure-requests
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.1.10: script-src](https://www.w3.org/TR/CSP3/#directive-script-src)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_MISSING_SCRIPT_SRC = {
        id: "csp-missing-script-src",
        title: "Content-Security-Policy does not restrict scripts",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app,\n    content_security_policy={'script-src': [\"'strict-dynamic'\", 'https:', \"'unsafe-inline'\"], 'object-src': \"'none'\", 'base-uri': \"'self'\"},\n    content_security_policy_nonce_in=['script-src'])\n# templates: <script nonce=\"{{ csp_nonce() }}\">",
            policy: "[csp]\nnonce = true\n[csp.directives]\nscript-src = \"'strict-dynamic'\"",
            nginx: "add_header Content-Security-Policy \"script-src 'self'; object-src 'none'; base-uri 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkMissingScriptSrcDirective`, over the policy list.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        missing(
            list,
            disposition,
            out,
            DirectiveId::ScriptSrc,
            &CSP_MISSING_SCRIPT_SRC,
            detail,
            Fix::Strict(Step::AddScriptSrc),
        );
    })
}

/// Pushes a finding of `rule` when policies of `disposition` exist and none has a
/// directive governing `target`.
pub(crate) fn missing(
    list: &PolicyList,
    disposition: crate::csp::Disposition,
    out: &mut Vec<CspFinding>,
    target: DirectiveId,
    rule: &'static crate::rules::Rule,
    detail: crate::csp::evaluate::Detail,
    fix: Fix,
) {
    let mut first = None;
    for (i, p) in super::policies_of(list, disposition) {
        if p.effective(target).is_some() {
            return;
        }
        first.get_or_insert(i);
    }
    if let Some(i) = first {
        out.push(
            CspFinding::new(rule, detail)
                .policy(i)
                .known_directive(target)
                .fix(fix),
        );
    }
}

fn detail(_: &CspFinding, _: &PolicyList) -> String {
    "The policy has neither script-src nor default-src, so it does not restrict scripts at all: inline and third-party scripts run freely.".to_string()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_script_src_or_default_src() {
        fires(
            "csp-missing-script-src",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src-elem 'self'; object-src 'none'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_default_src() {
        quiet(
            "csp-missing-script-src",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_when_another_policy_restricts_scripts() {
        quiet(
            "csp-missing-script-src",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: frame-ancestors 'none'\r\nContent-Security-Policy: script-src 'self'\r\n\r\n",
        );
    }
}
