use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::parse::ListFlags;
use crate::csp::{DirectiveId, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// For a nonce- or hash-based `script-src`, checks that `'unsafe-inline'` is listed as
    /// a fallback for browsers that predate CSP Level 2. Browsers that understand nonces
    /// ignore it (CSP3 §6.7.3.2), so it costs nothing.
    ///
    /// (Google CSP Evaluator, strict-CSP checks: `UNSAFE_INLINE_FALLBACK`.)
    ///
    /// ## Why is this bad?
    /// A browser that does not know nonces blocks every inline script of a policy
    /// without `'unsafe-inline'`, breaking the page there. It is a compatibility note,
    /// not a weakness.
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
    /// - [web.dev: Strict CSP, backward compatibility](https://web.dev/articles/strict-csp#step_4_add_fallbacks_to_support_safari_and_older_browsers)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_UNSAFE_INLINE_FALLBACK = {
        id: "csp-unsafe-inline-fallback",
        title: "Nonce-based Content-Security-Policy lacks the 'unsafe-inline' fallback",
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

/// Google CSP Evaluator `checkUnsafeInlineFallback`.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        for (pi, policy) in super::policies_of(list, disposition) {
            let Some(d) = policy.effective(DirectiveId::ScriptSrc) else {
                continue;
            };
            let f = d.flags();
            if f.has(ListFlags::NONCE | ListFlags::HASH) && !f.has(ListFlags::UNSAFE_INLINE) {
                out.push(
                    CspFinding::new(&CSP_UNSAFE_INLINE_FALLBACK, detail)
                        .at(pi, &d)
                        .fix(Fix::Text("Add 'unsafe-inline' to the nonce-based script-src; browsers that support nonces ignore it.")),
                );
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    format!("`{name}` is nonce/hash-based without 'unsafe-inline': browsers older than CSP Level 2 block its inline scripts. Adding it is safe (ignored when a nonce or hash is present).")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_the_fallback() {
        fires(
            "csp-unsafe-inline-fallback",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_the_fallback() {
        quiet(
            "csp-unsafe-inline-fallback",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic' 'unsafe-inline'\r\n\r\n",
        );
    }
}
