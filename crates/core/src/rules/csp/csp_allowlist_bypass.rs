use crate::csp::bypass::{flash_bypass, script_bypass};
use crate::csp::evaluate::{Arg, CspFinding, Fix, Step};
use crate::csp::parse::ListFlags;
use crate::csp::{Allowance, DirectiveId, Keyword, Policy, PolicyList, SourceExpression};
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks every source a host-allowlist policy trusts for scripts and plugins against
    /// Google CSP Evaluator's lists of hosts known to serve JSONP endpoints or AngularJS
    /// builds (123 + 41 URLs) and Flash files (2): a match is high. Every other allowlisted
    /// script host (and `'self'`) is low: it is safe only if it serves no JSONP, no
    /// AngularJS and no user uploads. Each explicit `object-src` source other than
    /// `'none'` is low too. Sources that `'strict-dynamic'` makes the browser ignore are
    /// not reported. The lists are data (`csp/data/*.txt`), matched by host lookup.
    ///
    /// (Google CSP Evaluator: `SCRIPT_ALLOWLIST_BYPASS`, `OBJECT_ALLOWLIST_BYPASS`.)
    ///
    /// ## Why is this bad?
    /// An allowlisted host that answers `/jsonp?callback=alert(1)//` with script, or that
    /// hosts an old AngularJS (whose templates evaluate expressions), lets an attacker who
    /// can inject markup run code without breaking the policy. Most large CDNs and Google
    /// domains do. Studies of real policies found that almost all allowlists can be
    /// bypassed this way.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'self' https://www.google.com https://ajax.googleapis.com; object-src 'none'
    /// ```
    ///
    /// ## Use instead
    /// Trust scripts by nonce, and let them load what they need:
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-{random}' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'self'
    /// ```
    ///
    /// ## References
    /// - [Weichselbaum et al., "CSP Is Dead, Long Live CSP!" (CCS 2016)](https://research.google/pubs/pub45542/)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    /// - [CSP3 §8.2: Usage of 'strict-dynamic'](https://www.w3.org/TR/CSP3/#strict-dynamic-usage)
    pub static CSP_ALLOWLIST_BYPASS = {
        id: "csp-allowlist-bypass",
        title: "Content-Security-Policy allowlist can be bypassed",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app,\n    content_security_policy={\n        'script-src': [\"'strict-dynamic'\", 'https:', \"'unsafe-inline'\"],  # no host allowlist\n        'object-src': \"'none'\",\n        'base-uri': \"'self'\",\n    },\n    content_security_policy_nonce_in=['script-src'])\n# templates: <script nonce=\"{{ csp_nonce() }}\" src=\"https://cdn.example.com/lib.js\"></script>",
            policy: "[csp]\nnonce = true\n[csp.directives]\nscript-src = \"'strict-dynamic'\"\nobject-src = \"'none'\"",
            nginx: "# pin scripts by hash instead of by host\nadd_header Content-Security-Policy \"script-src 'sha256-{hash}' 'strict-dynamic'; object-src 'none'; base-uri 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkScriptAllowlistBypass` and `checkFlashObjectAllowlistBypass`.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        for (pi, policy) in super::policies_of(list, disposition) {
            script_bypasses(list, pi, policy, &mut super::Capped::new(out));
            object_bypass(list, pi, &mut super::Capped::new(out));
        }
    })
}

/// At most `MAX_FINDINGS_PER_RULE` findings per policy; the rest are summed up.
fn script_bypasses(list: &PolicyList, pi: usize, policy: &Policy, out: &mut super::Capped<'_>) {
    for (target, d) in
        policy.effective_distinct(&[DirectiveId::ScriptSrc, DirectiveId::ScriptSrcElem])
    {
        let unsafe_eval = d.flags().has(ListFlags::UNSAFE_EVAL);
        if !d.flags().has(ListFlags::HOST | ListFlags::SELF) {
            continue;
        }
        let candidates = d.effective_sources_matching(target, |e| {
            matches!(
                e,
                SourceExpression::Host(_) | SourceExpression::Keyword(Keyword::SelfOrigin)
            )
        });
        for (v, e) in candidates {
            if list.blocked_by_another(pi, target, &Allowance::Source(e)) {
                continue;
            }
            let base = CspFinding::new(&CSP_ALLOWLIST_BYPASS, script_detail)
                .at(pi, &d)
                .source(&v)
                .fix(Fix::Strict(Step::RemoveSource));
            match e {
                SourceExpression::Keyword(Keyword::SelfOrigin) => {
                    out.push(base.severity(Severity::Low).arg(Arg::Text("'self'")));
                }
                // Google skips schemes and dotless hosts (localhost, intranet names).
                SourceExpression::Host(h) if v.text().contains('.') => {
                    match script_bypass(h.host, h.path, unsafe_eval) {
                        Some(b) => out.push(base.arg(Arg::Text(b.host().unwrap_or("")))),
                        None => out.push(base.severity(Severity::Low)),
                    }
                }
                _ => {}
            }
        }
    }
}

fn object_bypass(list: &PolicyList, pi: usize, out: &mut super::Capped<'_>) {
    let Some(policy) = list.policies.get(pi) else {
        return;
    };
    let Some(d) = policy.effective(DirectiveId::ObjectSrc) else {
        return;
    };
    // Flash is the only bypass known here; a plugin-types without it rules it out.
    if let Some(types) = policy.get(DirectiveId::PluginTypes) {
        if !types.values().any(|v| {
            v.text()
                .eq_ignore_ascii_case("application/x-shockwave-flash")
        }) {
            return;
        }
    }
    let explicit = d.id() == Some(DirectiveId::ObjectSrc);
    for (v, e) in d.effective_sources(DirectiveId::ObjectSrc) {
        if e.is_keyword(Keyword::None)
            || list.blocked_by_another(pi, DirectiveId::ObjectSrc, &Allowance::Source(e))
        {
            continue;
        }
        let base = CspFinding::new(&CSP_ALLOWLIST_BYPASS, object_detail)
            .at(pi, &d)
            .source(&v)
            .fix(Fix::Text("Set object-src 'none': plugins are obsolete."));
        let flash = match e {
            SourceExpression::Host(h) => flash_bypass(h.host, h.path),
            _ => None,
        };
        match flash {
            Some(host) => out.push(base.arg(Arg::Text(host))),
            None if explicit => out.push(base.severity(Severity::Low)),
            None => {}
        }
    }
}

fn script_detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    let source = f.source_text(list).unwrap_or_default();
    match f.arg {
        Arg::Text("'self'") => format!("'self' in `{name}` is only safe if this origin serves no JSONP endpoints, no AngularJS and no user-uploaded files; otherwise an injected <script src> on the same origin runs."),
        Arg::Text(host) if f.severity == Severity::High => format!("`{source}` in `{name}` trusts {host}, which is known to host JSONP endpoints or AngularJS that let an attacker run any script under this policy."),
        _ => format!("`{source}` in `{name}`: no known bypass, but make sure this host serves no JSONP endpoints, AngularJS or user uploads; host allowlists are frequently bypassable."),
    }
}

fn object_detail(f: &CspFinding, list: &PolicyList) -> String {
    let source = f.source_text(list).unwrap_or_default();
    match f.arg {
        Arg::Text(host) if f.severity == Severity::High => format!("`{source}` lets plugins load from {host}, which hosts Flash files that bypass this policy."),
        _ => format!("`{source}` in `object-src`: can object-src be 'none'? Plugins are obsolete and a plugin source is a way around the script policy."),
    }
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};

    fn found(policy: &str) -> Vec<(String, Severity)> {
        check_csp(policy)
            .findings()
            .into_iter()
            .filter(|f| f.rule == "csp-allowlist-bypass")
            .map(|f| (f.source.unwrap_or_default(), f.severity))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    #[test]
    fn fires_high_on_known_jsonp_and_angular_hosts() {
        fires(
            "csp-allowlist-bypass",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src https://ajax.googleapis.com; object-src 'none'\r\n\r\n",
        );
        let f = found("script-src 'self' https://www.google.com https://cdn.example.com localhost; object-src https://vk.com");
        assert_eq!(
            f,
            [
                ("'self'".to_string(), Severity::Low),
                ("https://cdn.example.com".to_string(), Severity::Low),
                ("https://vk.com".to_string(), Severity::High),
                ("https://www.google.com".to_string(), Severity::High),
            ]
        );
    }

    #[test]
    fn quiet_on_strict_dynamic_and_none() {
        quiet(
            "csp-allowlist-bypass",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic' https://www.google.com 'self'; object-src 'none'\r\n\r\n",
        );
    }
}
