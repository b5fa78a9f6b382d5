use crate::csp::evaluate::CspFinding;
use crate::csp::parse::ListFlags;
use crate::csp::{Allowance, PolicyList, SourceExpression};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

use super::csp_wildcard_source::{fix_for, XSS_TARGETS};

crate::declare_rule! {
    /// ## What it does
    /// Checks for the bare schemes `https:`, `http:` and `data:` in the directives that
    /// decide whether an attacker can run script (`script-src-elem`, `script-src`,
    /// `default-src`, `object-src`, `base-uri`). Schemes that `'strict-dynamic'` makes the
    /// browser ignore (kept as a fallback for old browsers) are not reported.
    ///
    /// (Google CSP Evaluator: `PLAIN_URL_SCHEMES`.)
    ///
    /// ## Why is this bad?
    /// `https:` allows scripts from any HTTPS host (anyone can get one); `data:` lets an
    /// injected `<script src="data:…">` carry its own code. Either makes the script policy
    /// as good as absent.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'self' https: data:
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-{random}' 'strict-dynamic' https:; object-src 'none'; base-uri 'self'
    /// ```
    /// (`https:` is harmless here: `'strict-dynamic'` makes modern browsers ignore it.)
    ///
    /// ## References
    /// - [CSP3 §2.3.1: scheme-source](https://www.w3.org/TR/CSP3/#grammardef-scheme-source)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_PLAIN_SCHEME = {
        id: "csp-plain-scheme",
        title: "Content-Security-Policy allows a whole URL scheme for scripts",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app,\n    content_security_policy={'script-src': [\"'strict-dynamic'\", 'https:'], 'object-src': \"'none'\", 'base-uri': \"'self'\"},\n    content_security_policy_nonce_in=['script-src'])",
            policy: "[csp.directives]\nscript-src = \"'strict-dynamic' https:\"   # https: is ignored next to 'strict-dynamic'\nobject-src = \"'none'\"",
            nginx: "add_header Content-Security-Policy \"script-src 'self'; object-src 'none'; base-uri 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// The schemes Google's evaluator treats as allowing XSS.
const SCHEMES: &[&str] = &["data", "http", "https"];

/// Google CSP Evaluator `checkPlainUrlSchemes`, on the effective policy.
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
                if !d.flags().has(ListFlags::SCHEME) {
                    continue;
                }
                let schemes = d.effective_sources_matching(target, |e| {
                    matches!(e, SourceExpression::Scheme(_))
                });
                for (v, e) in schemes {
                    let SourceExpression::Scheme(s) = e else {
                        continue;
                    };
                    if !SCHEMES.iter().any(|x| x.eq_ignore_ascii_case(s))
                        || reported.contains(&v.index)
                        || list.blocked_by_another(pi, target, &Allowance::Source(e))
                    {
                        continue;
                    }
                    reported.push(v.index);
                    out.push(
                        CspFinding::new(&CSP_PLAIN_SCHEME, detail)
                            .at(pi, &d)
                            .source(&v)
                            .fix(fix_for(target)),
                    );
                }
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    let source = f.source_text(list).unwrap_or_default().to_ascii_lowercase();
    let what = if source == "data:" {
        "an injected tag can carry its own code in a data: URL"
    } else {
        "an injected tag can load script from any host on that scheme, the attacker's included"
    };
    format!("`{source}` in `{name}` allows every URL of the scheme: {what}.")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_https_and_data() {
        fires(
            "csp-plain-scheme",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self' HTTPS: data:; object-src 'none'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_on_fallbacks_next_to_strict_dynamic_and_other_directives() {
        quiet(
            "csp-plain-scheme",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic' https: http:; object-src 'none'; img-src data: https:\r\n\r\n",
        );
    }
}
