use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::parse::ListFlags;
use crate::csp::{Allowance, DirectiveId, Keyword, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks whether the policy allows `'unsafe-eval'`: string-to-code functions
    /// (`eval()`, `new Function()`, `setTimeout("…")`). Browsers read this from
    /// `script-src`, or `default-src` when there is no `script-src` (CSP3 §4.4.1
    /// "EnsureCSPDoesNotBlockStringCompilation"); `'strict-dynamic'` and nonces do not
    /// disable it. `'wasm-unsafe-eval'` (WebAssembly only) is not reported.
    ///
    /// (Google CSP Evaluator: `SCRIPT_UNSAFE_EVAL`.)
    ///
    /// ## Why is this bad?
    /// Code that passes attacker-influenced strings to `eval()` or to a template engine
    /// that compiles them (AngularJS, older Vue builds) turns data into script; the CSP
    /// no longer stops it. It is "maybe exploitable": it depends on the page's code.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'self' 'unsafe-eval'
    /// ```
    ///
    /// ## Use instead
    /// Remove `'unsafe-eval'` and replace the code that needs it (use `JSON.parse`, pass
    /// functions instead of strings to `setTimeout`, use precompiled templates):
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-{random}' 'strict-dynamic'; object-src 'none'; base-uri 'self'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §4.4.1: EnsureCSPDoesNotBlockStringCompilation](https://www.w3.org/TR/CSP3/#can-compile-strings)
    /// - [MDN: unsafe-eval](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/script-src#unsafe_eval_expressions)
    pub static CSP_UNSAFE_EVAL = {
        id: "csp-unsafe-eval",
        title: "Content-Security-Policy allows eval()",
        severity: Low,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# remove \"'unsafe-eval'\" from the script-src list given to Talisman\nTalisman(app, content_security_policy={'script-src': [\"'strict-dynamic'\"]},\n    content_security_policy_nonce_in=['script-src'])",
            policy: "[csp.directives]\nscript-src = \"'strict-dynamic'\"   # no 'unsafe-eval'",
            nginx: "add_header Content-Security-Policy \"script-src 'self'; object-src 'none'; base-uri 'self'\" always;   # no 'unsafe-eval'",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkScriptUnsafeEval`, on the directive that governs string
/// compilation.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        for (pi, policy) in super::policies_of(list, disposition) {
            let Some(d) = policy.effective(DirectiveId::ScriptSrc) else {
                continue;
            };
            if !d.flags().has(ListFlags::UNSAFE_EVAL) {
                continue;
            }
            let Some(v) = d.find_keyword(Keyword::UnsafeEval) else {
                continue;
            };
            if list.blocked_by_another(pi, DirectiveId::ScriptSrc, &Allowance::Eval) {
                continue;
            }
            out.push(
                CspFinding::new(&CSP_UNSAFE_EVAL, detail)
                    .at(pi, &d)
                    .source(&v)
                    .fix(Fix::Text("Remove 'unsafe-eval' and replace eval(), new Function() and string arguments to setTimeout/setInterval.")),
            );
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    format!("'unsafe-eval' in `{name}` lets eval(), new Function() and setTimeout(string) run code built from strings; any of them reached by attacker data becomes script injection.")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_unsafe_eval() {
        fires(
            "csp-unsafe-eval",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abcdefghij' 'strict-dynamic' 'unsafe-eval'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_on_wasm_unsafe_eval_and_elem_only() {
        quiet(
            "csp-unsafe-eval",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self' 'wasm-unsafe-eval'; script-src-elem 'self' 'unsafe-eval'\r\n\r\n",
        );
    }
}
