use crate::csp::evaluate::{CspFinding, Fix, Step};
use crate::csp::parse::ListFlags;
use crate::csp::{Allowance, DirectiveId, HostPattern, PolicyList, SourceExpression};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks for a bare wildcard (`*`, `https://*`) in the directives that decide
    /// whether an attacker can run script: the ones governing `<script>` loads
    /// (`script-src-elem`, `script-src`, `default-src`), `object-src` and `base-uri`.
    /// Wildcards that `'strict-dynamic'` makes the browser ignore are not reported.
    ///
    /// (Google CSP Evaluator: `PLAIN_WILDCARD`.)
    ///
    /// ## Why is this bad?
    /// `*` matches every HTTP(S) host, the attacker's own server included: an injected
    /// `<script src="https://evil.example/x.js">`, `<object>` or `<base href>` is allowed.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: default-src *; object-src 'none'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: default-src 'self'; script-src 'nonce-{random}' 'strict-dynamic'; object-src 'none'; base-uri 'self'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.7.2.8: Does url match expression?](https://www.w3.org/TR/CSP3/#match-url-to-source-expression)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_WILDCARD_SOURCE = {
        id: "csp-wildcard-source",
        title: "Content-Security-Policy allows any host for scripts, objects or base URIs",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app,\n    content_security_policy={'default-src': \"'self'\", 'script-src': [\"'strict-dynamic'\"], 'object-src': \"'none'\", 'base-uri': \"'self'\"},\n    content_security_policy_nonce_in=['script-src'])",
            policy: "[csp.directives]\ndefault-src = \"'self'\"\nscript-src = \"'strict-dynamic'\"\nobject-src = \"'none'\"\nbase-uri = \"'self'\"",
            nginx: "add_header Content-Security-Policy \"default-src 'self'; object-src 'none'; base-uri 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// The directives through which a source can lead to script execution (Google's
/// `DIRECTIVES_CAUSING_XSS`; `script-src-attr` governs only inline handlers, so URL
/// sources there mean nothing).
pub(crate) const XSS_TARGETS: &[DirectiveId] = &[
    DirectiveId::ScriptSrc,
    DirectiveId::ScriptSrcElem,
    DirectiveId::ObjectSrc,
    DirectiveId::BaseUri,
];

/// Google CSP Evaluator `checkWildcards`, on the effective policy.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        for (pi, policy) in super::policies_of(list, disposition) {
            // At most MAX_FINDINGS_PER_RULE per policy; the rest are summed up.
            let mut out = super::Capped::new(out);
            let mut reported: Vec<usize> = Vec::new();
            for &target in XSS_TARGETS {
                let Some(d) = policy.effective(target) else {
                    continue;
                };
                if !d.flags().has(ListFlags::WILDCARD) {
                    continue;
                }
                let wildcards = d.effective_sources_matching(
                    target,
                    |e| matches!(e, SourceExpression::Host(h) if h.host == HostPattern::Any),
                );
                for (v, e) in wildcards {
                    let SourceExpression::Host(h) = e else {
                        continue;
                    };
                    if h.host != HostPattern::Any
                        || reported.contains(&v.index)
                        || list.blocked_by_another(pi, target, &Allowance::Source(e))
                    {
                        continue;
                    }
                    reported.push(v.index);
                    out.push(
                        CspFinding::new(&CSP_WILDCARD_SOURCE, detail)
                            .at(pi, &d)
                            .source(&v)
                            .fix(fix_for(target)),
                    );
                }
            }
        }
    })
}

/// The finding's own fix for a source that is too broad in `target`.
pub(crate) fn fix_for(target: DirectiveId) -> Fix {
    match target {
        DirectiveId::ObjectSrc => Fix::Text("Set object-src 'none': plugins are obsolete."),
        DirectiveId::BaseUri => Fix::Text("Set base-uri 'self' (or 'none')."),
        _ => Fix::Strict(Step::RemoveSource),
    }
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    let source = f.source_text(list).unwrap_or_default();
    format!("`{source}` in `{name}` matches every host, so an injected tag can load script (or a plugin, or a <base>) from the attacker's server.")
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_a_wildcard_script_source() {
        fires(
            "csp-wildcard-source",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self' https://*; object-src 'none'\r\n\r\n",
        );
        let c = check_csp("object-src *; base-uri *; script-src 'none'");
        assert_eq!(
            c.rule_ids()
                .filter(|id| *id == "csp-wildcard-source")
                .count(),
            2
        );
    }

    #[test]
    fn quiet_on_subdomain_wildcards_and_strict_dynamic() {
        quiet(
            "csp-wildcard-source",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic' *; object-src 'none'; img-src *\r\n\r\n",
        );
        assert_eq!(
            check_csp("script-src *.example.com")
                .rule_ids()
                .filter(|id| *id == "csp-wildcard-source")
                .count(),
            0
        );
    }
}
