use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::parse::ListFlags;
use crate::csp::{DirectiveId, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a nonce-based policy (or a hash-based one with `'strict-dynamic'`)
    /// also restricts `base-uri`. `base-uri` does not fall back to `default-src`.
    /// Allowlist-only policies are not concerned: a `<base>` pointing elsewhere only makes
    /// their scripts fail to load.
    ///
    /// (Google CSP Evaluator: `MISSING_DIRECTIVES` on `base-uri`.)
    ///
    /// ## Why is this bad?
    /// An injected `<base href="https://evil.example/">` changes where every relative
    /// URL points. A page's own nonce'd `<script src="/app.js">` then loads
    /// `https://evil.example/app.js` — with the valid nonce, so the policy lets it run.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; base-uri 'self'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.3.1: base-uri](https://www.w3.org/TR/CSP3/#directive-base-uri)
    /// - [web.dev: Strict CSP](https://web.dev/articles/strict-csp)
    pub static CSP_MISSING_BASE_URI = {
        id: "csp-missing-base-uri",
        title: "Nonce-based Content-Security-Policy without base-uri",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy={..., 'base-uri': \"'self'\"},\n    content_security_policy_nonce_in=['script-src'])",
            policy: "[csp.directives]\nbase-uri = \"'self'\"",
            nginx: "add_header Content-Security-Policy \"...; base-uri 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkMultipleMissingBaseUriDirective`.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        let mut needs = None;
        for (i, p) in super::policies_of(list, disposition) {
            if p.get(DirectiveId::BaseUri).is_some() {
                return;
            }
            let Some(d) = p.effective(DirectiveId::ScriptSrcElem) else {
                continue;
            };
            let f = d.flags();
            if f.has(ListFlags::NONCE)
                || (f.has(ListFlags::HASH) && f.has(ListFlags::STRICT_DYNAMIC))
            {
                needs.get_or_insert(i);
            }
        }
        if let Some(i) = needs {
            out.push(
                CspFinding::new(&CSP_MISSING_BASE_URI, detail)
                    .policy(i)
                    .known_directive(DirectiveId::BaseUri)
                    .fix(Fix::Append("base-uri 'self'")),
            );
        }
    })
}

fn detail(_: &CspFinding, _: &PolicyList) -> String {
    "The policy trusts scripts by nonce (or hash with 'strict-dynamic') but has no base-uri: an injected <base href> can make the page's own nonce'd scripts load from the attacker's server. Add base-uri 'self' (or 'none').".to_string()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_nonce_policy_without_base_uri() {
        fires(
            "csp-missing-base-uri",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic'; object-src 'none'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_base_uri_or_allowlist() {
        quiet(
            "csp-missing-base-uri",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij'; base-uri 'none'\r\n\r\n",
        );
        quiet(
            "csp-missing-base-uri",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self' 'sha256-abc='\r\n\r\n",
        );
    }
}
