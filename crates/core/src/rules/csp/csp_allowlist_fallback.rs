use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::parse::ListFlags;
use crate::csp::{DirectiveId, HostPattern, PolicyList, SourceExpression};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// For a `script-src` with `'strict-dynamic'`, checks that it also lists `https:` (or
    /// hosts) as a fallback for browsers that predate CSP Level 3. Browsers that support
    /// `'strict-dynamic'` ignore it (CSP3 §8.2).
    ///
    /// (Google CSP Evaluator, strict-CSP checks: `ALLOWLIST_FALLBACK`.)
    ///
    /// ## Why is this bad?
    /// A CSP2 browser ignores `'strict-dynamic'`, so the scripts that nonce'd scripts load
    /// are blocked there. It is a compatibility note, not a weakness.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic' https: 'unsafe-inline'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §8.2: Usage of 'strict-dynamic'](https://www.w3.org/TR/CSP3/#strict-dynamic-usage)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_ALLOWLIST_FALLBACK = {
        id: "csp-allowlist-fallback",
        title: "'strict-dynamic' policy lacks the https: fallback",
        severity: Info,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy={'script-src': [\"'strict-dynamic'\", 'https:', \"'unsafe-inline'\"]},\n    content_security_policy_nonce_in=['script-src'])",
            policy: "[csp.directives]\nscript-src = \"'strict-dynamic' https: 'unsafe-inline'\"",
            nginx: "add_header Content-Security-Policy \"script-src 'sha256-{hash}' 'strict-dynamic' https: 'unsafe-inline'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkAllowlistFallback`.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        for (pi, policy) in super::policies_of(list, disposition) {
            let Some(d) = policy.effective(DirectiveId::ScriptSrc) else {
                continue;
            };
            if !d.flags().has(ListFlags::STRICT_DYNAMIC) {
                continue;
            }
            let has_fallback = d.sources().any(|(v, e)| match e {
                SourceExpression::Scheme(s) => {
                    s.eq_ignore_ascii_case("https") || s.eq_ignore_ascii_case("http")
                }
                SourceExpression::Host(h) => h.host == HostPattern::Any || v.text().contains('.'),
                _ => false,
            });
            if !has_fallback {
                out.push(
                    CspFinding::new(&CSP_ALLOWLIST_FALLBACK, detail)
                        .at(pi, &d)
                        .fix(Fix::Text("Add https: to the 'strict-dynamic' script-src; browsers that support 'strict-dynamic' ignore it.")),
                );
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    format!("`{name}` uses 'strict-dynamic' without an https: fallback: browsers without 'strict-dynamic' support block the scripts your nonce'd scripts load. Adding https: is safe (ignored next to 'strict-dynamic').")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_https_fallback() {
        fires(
            "csp-allowlist-fallback",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_https_fallback() {
        quiet(
            "csp-allowlist-fallback",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic' https:\r\n\r\n",
        );
    }
}
