use crate::csp::evaluate::{Arg, CspFinding, Fix, Step};
use crate::csp::parse::ListFlags;
use crate::csp::{DirectiveId, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks how the script directives use `'strict-dynamic'`:
    /// - a host or scheme allowlist without `'strict-dynamic'` (and a nonce or hash):
    ///   the policy relies on an allowlist, which is usually bypassable;
    /// - `'strict-dynamic'` without any nonce or hash: nothing can bootstrap, so every
    ///   script is blocked.
    ///
    /// (Google CSP Evaluator: `STRICT_DYNAMIC`, `STRICT_DYNAMIC_NOT_STANDALONE`.)
    ///
    /// ## Why is this bad?
    /// `'strict-dynamic'` lets scripts that a nonce or hash trusts load further scripts,
    /// and makes browsers ignore host allowlists — the combination that makes a CSP
    /// robust (CSP3 §8.2). Without it, the allowlist is the defence; without a nonce or
    /// hash, it breaks the page.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'self' https://cdn.example.com
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-{random}' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'self'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §8.2: Usage of 'strict-dynamic'](https://www.w3.org/TR/CSP3/#strict-dynamic-usage)
    /// - [web.dev: Strict CSP](https://web.dev/articles/strict-csp)
    pub static CSP_STRICT_DYNAMIC_MISUSE = {
        id: "csp-strict-dynamic-misuse",
        title: "Content-Security-Policy is not a strict (nonce + 'strict-dynamic') policy",
        severity: Info,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app,\n    content_security_policy={'script-src': [\"'strict-dynamic'\", 'https:', \"'unsafe-inline'\"], 'object-src': \"'none'\", 'base-uri': \"'self'\"},\n    content_security_policy_nonce_in=['script-src'])\n# templates: <script nonce=\"{{ csp_nonce() }}\">",
            policy: "[csp]\nnonce = true\n[csp.directives]\nscript-src = \"'strict-dynamic'\"",
            nginx: "add_header Content-Security-Policy \"script-src 'sha256-{hash}' 'strict-dynamic'; object-src 'none'; base-uri 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

const NO_NONCE: &str = "no-nonce";

/// Google CSP Evaluator `checkStrictDynamic` and `checkStrictDynamicNotStandalone`.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        let combine = list.policies.len() <= crate::csp::effective::MAX_COMBINED_POLICIES;
        let strict_elsewhere = |me: usize| {
            combine
                && super::policies_of(list, disposition)
                    .any(|(i, p)| i != me && p.has_strict_scripts())
        };
        for (pi, policy) in super::policies_of(list, disposition) {
            for (_, d) in
                policy.effective_distinct(&[DirectiveId::ScriptSrc, DirectiveId::ScriptSrcElem])
            {
                let f = d.flags();
                if f.has(ListFlags::STRICT_DYNAMIC) {
                    if !f.has(ListFlags::NONCE | ListFlags::HASH) {
                        out.push(
                            CspFinding::new(&CSP_STRICT_DYNAMIC_MISUSE, detail)
                                .at(pi, &d)
                                .arg(Arg::Text(NO_NONCE))
                                .fix(Fix::Strict(Step::AddNonceOnly)),
                        );
                    }
                } else if f.has(ListFlags::HOST | ListFlags::SCHEME) && !strict_elsewhere(pi) {
                    out.push(
                        CspFinding::new(&CSP_STRICT_DYNAMIC_MISUSE, detail)
                            .at(pi, &d)
                            .fix(Fix::Strict(Step::AddNonce)),
                    );
                }
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    if f.arg == Arg::Text(NO_NONCE) {
        format!("`{name}` has 'strict-dynamic' but no nonce or hash, so no script can be trusted and every script is blocked. Add the response's nonce.")
    } else {
        format!("`{name}` relies on a host allowlist, which can frequently be bypassed; use a nonce or hash with 'strict-dynamic' instead.")
    }
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_allowlists_and_lone_strict_dynamic() {
        fires(
            "csp-strict-dynamic-misuse",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self' https://cdn.example.com\r\n\r\n",
        );
        let c = check_csp("script-src 'strict-dynamic'");
        assert!(c.rule_ids().any(|id| id == "csp-strict-dynamic-misuse"));
    }

    #[test]
    fn quiet_on_a_strict_policy() {
        quiet(
            "csp-strict-dynamic-misuse",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic' https:\r\n\r\n",
        );
        // An allowlist next to an enforced strict policy is harmless.
        assert!(!check_csp(
            "script-src https://cdn.example.com, script-src 'nonce-abcdefghij' 'strict-dynamic'"
        )
        .rule_ids()
        .any(|id| id == "csp-strict-dynamic-misuse"));
    }
}
