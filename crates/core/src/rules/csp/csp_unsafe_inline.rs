use crate::csp::evaluate::{CspFinding, Fix, Step};
use crate::csp::parse::ListFlags;
use crate::csp::{Allowance, DirectiveId, InlineKind, Keyword, PolicyList, SourceExpression};
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks whether the policy lets inline scripts or event handlers run: `'unsafe-inline'`
    /// in the directive that governs scripts (`script-src-elem`, `script-src-attr`,
    /// `script-src`, or `default-src` when those are absent) that is *in effect*. A nonce or
    /// hash in the same list disables `'unsafe-inline'`, and so does `'strict-dynamic'`
    /// for scripts (CSP3 §6.7.3.2), so `'unsafe-inline'` kept as a fallback for old browsers
    /// next to a nonce is fine. Also reports `'unsafe-hashes'` (low), which lets event
    /// handlers whose hash is listed run.
    ///
    /// (Google CSP Evaluator: `SCRIPT_UNSAFE_INLINE`, `SCRIPT_UNSAFE_HASHES`.)
    ///
    /// ## Why is this bad?
    /// Most XSS injects an inline `<script>` or an `onerror=` attribute. With
    /// `'unsafe-inline'` in effect the browser runs them, and the CSP gives no protection
    /// against script injection at all.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'self' 'unsafe-inline'
    /// ```
    ///
    /// ## Use instead
    /// Give each legitimate inline script a per-response nonce and let it load the rest:
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-{random}' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'self'
    /// ```
    /// (`https:` and `'unsafe-inline'` are ignored by browsers that understand nonces and
    /// `'strict-dynamic'`; they only keep very old browsers working.) Move `onclick=…`
    /// handlers into a nonce'd script with `addEventListener`.
    ///
    /// ## References
    /// - [CSP3 §6.7.3.2: Does a source list allow all inline behavior?](https://www.w3.org/TR/CSP3/#allow-all-inline)
    /// - [web.dev: Mitigate XSS with a strict CSP](https://web.dev/articles/strict-csp)
    /// - [Flask-Talisman: nonces](https://github.com/wntrblm/flask-talisman#content-security-policy)
    pub static CSP_UNSAFE_INLINE = {
        id: "csp-unsafe-inline",
        title: "Content-Security-Policy allows inline scripts",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app,\n    content_security_policy={\n        # 'unsafe-inline' and https: are ignored by browsers that support nonces\n        'script-src': [\"'strict-dynamic'\", 'https:', \"'unsafe-inline'\"],\n        'object-src': \"'none'\",\n        'base-uri': \"'self'\",\n    },\n    content_security_policy_nonce_in=['script-src'])\n# templates: <script nonce=\"{{ csp_nonce() }}\">…</script>\n# and replace onclick=\"…\" with addEventListener in such a script",
            policy: "[csp]\nnonce = true\n[csp.directives]\nscript-src = \"'strict-dynamic'\"   # the worker adds the nonce",
            nginx: "# nginx cannot mint a per-response nonce; pin inline scripts by hash instead:\nadd_header Content-Security-Policy \"script-src 'sha256-{hash of the script}' 'strict-dynamic'; object-src 'none'; base-uri 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkScriptUnsafeInline`, on the effective policy.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        for (pi, policy) in super::policies_of(list, disposition) {
            for (target, d) in policy.effective_distinct(&[
                DirectiveId::ScriptSrc,
                DirectiveId::ScriptSrcAttr,
                DirectiveId::ScriptSrcElem,
            ]) {
                let Some(kind) = InlineKind::of(target) else {
                    continue;
                };
                if d.allows_all_inline(kind)
                    && !list.blocked_by_another(pi, target, &Allowance::Inline(kind))
                {
                    if let Some(v) = d.find_keyword(Keyword::UnsafeInline) {
                        out.push(
                            CspFinding::new(&CSP_UNSAFE_INLINE, inline_detail)
                                .at(pi, &d)
                                .source(&v)
                                .fix(Fix::Strict(Step::AddNonce)),
                        );
                    }
                }
                if !d.flags().has(ListFlags::UNSAFE_HASHES) {
                    continue;
                }
                let hashes = Allowance::Source(SourceExpression::Keyword(Keyword::UnsafeHashes));
                if let Some(v) = d.find_keyword(Keyword::UnsafeHashes) {
                    if !list.blocked_by_another(pi, target, &hashes) {
                        out.push(
                            CspFinding::new(&CSP_UNSAFE_INLINE, hashes_detail)
                                .at(pi, &d)
                                .source(&v)
                                .severity(Severity::Low),
                        );
                    }
                }
            }
        }
    })
}

fn inline_detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    if name == "script-src-attr" {
        format!("'unsafe-inline' in `{name}` lets every inline event handler (onclick=, onerror=) run, injected ones included.")
    } else {
        format!("'unsafe-inline' in `{name}` lets every inline script and event handler run, injected ones included: the policy does not stop script injection. Use a nonce or hash (with 'strict-dynamic') instead; 'unsafe-inline' is then ignored.")
    }
}

fn hashes_detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    format!("'unsafe-hashes' in `{name}` lets inline event handlers and javascript: URLs whose hash is listed run; safer than 'unsafe-inline', but better replaced by handlers attached from a nonce'd script.")
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;
    use crate::rules::testing::{fires, quiet};

    fn ids(policy: &str) -> Vec<String> {
        check_csp(policy)
            .findings()
            .into_iter()
            .filter(|f| f.rule == "csp-unsafe-inline")
            .map(|f| format!("{} {}", f.directive.unwrap_or_default(), f.severity))
            .collect()
    }

    #[test]
    fn fires_on_effective_unsafe_inline() {
        fires(
            "csp-unsafe-inline",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self' 'unsafe-inline'\r\n\r\n",
        );
        assert_eq!(
            ids("script-src 'self'; script-src-attr 'unsafe-inline'"),
            ["script-src-attr high"]
        );
        assert_eq!(
            ids("script-src 'self' 'unsafe-hashes' 'sha256-abc='"),
            ["script-src low"]
        );
    }

    #[test]
    fn quiet_when_a_nonce_hash_or_strict_dynamic_disables_it() {
        quiet(
            "csp-unsafe-inline",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefgh12' 'unsafe-inline'\r\n\r\n",
        );
        assert!(ids("script-src 'strict-dynamic' 'unsafe-inline'").is_empty());
        assert!(ids("script-src 'sha256-abc=' 'unsafe-inline'").is_empty());
        // A second enforced policy that blocks inline scripts wins (CSP3 §8.1).
        assert!(ids("script-src 'unsafe-inline', script-src 'self'").is_empty());
    }
}
