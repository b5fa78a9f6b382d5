use crate::csp::evaluate::{Arg, CspFinding, Fix};
use crate::csp::{Allowance, DirectiveId, InlineKind, Keyword, PolicyList};
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks whether `'unsafe-inline'` is in effect for styles: in the directive that
    /// governs `<style>` elements (`style-src-elem`, `style-src`, `default-src`), low; only
    /// for `style` attributes (`style-src-attr`), info. A nonce or hash in the list
    /// disables it (`'strict-dynamic'` does not apply to styles).
    ///
    /// (Not checked by Google CSP Evaluator.)
    ///
    /// ## Why is this bad?
    /// Injected CSS cannot run script, but it can read the page: attribute selectors
    /// with background URLs leak CSRF tokens and other secrets character by character,
    /// and injected styles can redress the page for phishing. It is the weaker sibling of
    /// `csp-unsafe-inline`.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: default-src 'self'; style-src 'self' 'unsafe-inline'
    /// ```
    ///
    /// ## Use instead
    /// Nonce the `<style>` blocks and move `style=` attributes to classes:
    /// ```http
    /// Content-Security-Policy: default-src 'self'; style-src 'self' 'nonce-{random}'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.1.13: style-src](https://www.w3.org/TR/CSP3/#directive-style-src)
    /// - [PortSwigger: CSS injection](https://portswigger.net/research/blind-css-exfiltration)
    pub static CSP_STYLE_UNSAFE_INLINE = {
        id: "csp-style-unsafe-inline",
        title: "Content-Security-Policy allows inline styles",
        severity: Low,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy={..., 'style-src': \"'self'\"},\n    content_security_policy_nonce_in=['script-src', 'style-src'])\n# templates: <style nonce=\"{{ csp_nonce() }}\">…</style>",
            policy: "[csp.directives]\nstyle-src = \"'self'\"",
            nginx: "add_header Content-Security-Policy \"...; style-src 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        for (pi, policy) in super::policies_of(list, disposition) {
            let mut elements_done = None;
            for (target, kind) in [
                (DirectiveId::StyleSrcElem, InlineKind::Style),
                (DirectiveId::StyleSrcAttr, InlineKind::StyleAttribute),
            ] {
                let Some(d) = policy.effective(target) else {
                    continue;
                };
                if elements_done == Some(d.index)
                    || !d.allows_all_inline(kind)
                    || list.blocked_by_another(pi, target, &Allowance::Inline(kind))
                {
                    continue;
                }
                let Some(v) = d.find_keyword(Keyword::UnsafeInline) else {
                    continue;
                };
                let finding = CspFinding::new(&CSP_STYLE_UNSAFE_INLINE, detail)
                    .at(pi, &d)
                    .source(&v)
                    .fix(Fix::Text("Give <style> elements the response's nonce (or pin them by hash) and replace style= attributes with classes."));
                if kind == InlineKind::Style {
                    elements_done = Some(d.index);
                    out.push(finding);
                } else {
                    out.push(
                        finding
                            .severity(Severity::Info)
                            .arg(Arg::Text("attributes")),
                    );
                }
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    if f.arg == Arg::Text("attributes") {
        format!("'unsafe-inline' in `{name}` allows inline style attributes; injected ones can restyle the page.")
    } else {
        format!("'unsafe-inline' in `{name}` allows any inline <style>: injected CSS can exfiltrate tokens through attribute selectors and redress the page.")
    }
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;
    use crate::rules::testing::{fires, quiet};

    fn found(policy: &str) -> Vec<String> {
        check_csp(policy)
            .findings()
            .into_iter()
            .filter(|f| f.rule == "csp-style-unsafe-inline")
            .map(|f| format!("{} {}", f.directive.unwrap_or_default(), f.severity))
            .collect()
    }

    #[test]
    fn fires_on_style_unsafe_inline() {
        fires(
            "csp-style-unsafe-inline",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; style-src 'self' 'unsafe-inline'\r\n\r\n",
        );
        assert_eq!(
            found("style-src 'self'; style-src-attr 'unsafe-inline'"),
            ["style-src-attr info"]
        );
        assert_eq!(
            found("default-src 'self' 'unsafe-inline'"),
            ["default-src low"]
        );
    }

    #[test]
    fn quiet_with_a_style_nonce() {
        quiet(
            "csp-style-unsafe-inline",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: style-src 'self' 'nonce-abcdefghij' 'unsafe-inline'\r\n\r\n",
        );
    }
}
