use crate::csp::parse::ListFlags;
use crate::csp::{DirectiveId, SourceExpression};
use crate::report::{Evidence, Finding};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// For an HTML response whose enforced policy trusts scripts by nonce, compares the
    /// `nonce` attributes of the body's `<script>` tags with the policy's nonces. Fires
    /// when a script carries a nonce the policy does not list (often a stale, cached page
    /// or a template filling a different variable), or when inline scripts carry none.
    ///
    /// (Not checked by Google CSP Evaluator, which never sees the page.)
    ///
    /// ## Why is this bad?
    /// Those scripts are blocked: the page breaks, and the usual "fix" is to add
    /// `'unsafe-inline'` or a host allowlist, undoing the policy. A page whose nonce
    /// differs from the header's is also often served from a cache, where the nonce was
    /// reused across users (see `csp-nonce-reused`).
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA' 'strict-dynamic'
    ///
    /// <script nonce="BBBBBBBBBBBBBBBBBBBBBB">init()</script>
    /// ```
    ///
    /// ## Use instead
    /// Render the same per-response nonce into the header and every script tag:
    /// ```html
    /// <script nonce="{{ csp_nonce() }}">init()</script>
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.7.3.3: Does element match source list?](https://www.w3.org/TR/CSP3/#match-element-to-source-list)
    /// - [Flask-Talisman: csp_nonce()](https://github.com/wntrblm/flask-talisman#content-security-policy)
    pub static CSP_NONCE_MISMATCH = {
        id: "csp-nonce-mismatch",
        title: "Script nonces in the page do not match the Content-Security-Policy",
        severity: Medium,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy=csp, content_security_policy_nonce_in=['script-src'])\n# every script tag in the Jinja templates:\n# <script nonce=\"{{ csp_nonce() }}\">…</script>\n# and never cache HTML that embeds a nonce",
            policy: "[csp]\nnonce = true   # the worker rewrites the header and every <script> with the same nonce",
            nginx: "# nginx cannot keep a header nonce and the page in sync; use the headwarden worker or hashes",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(doc) = ctx.html() else {
        return Outcome::NotApplicable;
    };
    let list = ctx.csp();
    let mut applicable = false;
    for policy in list.enforced() {
        let Some(d) = policy.effective(DirectiveId::ScriptSrcElem) else {
            continue;
        };
        let nonces: std::collections::HashSet<&str> = d
            .sources()
            .filter_map(|(_, e)| match e {
                SourceExpression::Nonce(n) => Some(n),
                _ => None,
            })
            .collect();
        if nonces.is_empty() {
            continue;
        }
        applicable = true;
        let strict_dynamic = d.flags().has(ListFlags::STRICT_DYNAMIC);
        let has_hash = d.flags().has(ListFlags::HASH);
        let mut wrong = Vec::new();
        let mut missing = 0usize;
        let mut first_bad = None;
        let mut scripts = 0usize;
        for tag in doc.elements("script") {
            scripts += 1;
            match tag.attr("nonce") {
                Some(n) if nonces.contains(n.trim()) => {}
                Some(n) => {
                    wrong.push(n.trim().to_string());
                    first_bad.get_or_insert(tag);
                }
                // Without a nonce, an inline script is blocked (unless a hash matches), and
                // so is any parser-inserted script under 'strict-dynamic'.
                None if !has_hash && (strict_dynamic || !tag.has_attr("src")) => {
                    missing += 1;
                    first_bad.get_or_insert(tag);
                }
                None => {}
            }
        }
        if wrong.is_empty() && missing == 0 {
            continue;
        }
        let header_nonce = d
            .sources()
            .find_map(|(_, e)| match e {
                SourceExpression::Nonce(n) => Some(n),
                _ => None,
            })
            .unwrap_or_default();
        let mut detail = String::new();
        if !wrong.is_empty() {
            wrong.dedup();
            detail.push_str(&format!(
                "{} of {scripts} <script> tags carry a nonce the policy does not list (`{}`; the header has `{header_nonce}`)",
                wrong.len(),
                wrong.iter().take(3).cloned().collect::<Vec<_>>().join("`, `"),
            ));
        }
        if missing > 0 {
            if !detail.is_empty() {
                detail.push_str("; ");
            }
            detail.push_str(&format!(
                "{missing} of {scripts} <script> tags have no nonce attribute"
            ));
        }
        detail
            .push_str(": browsers block them. Render the response's nonce into every script tag.");
        let mut finding = Finding::new(&CSP_NONCE_MISMATCH, detail)
            .directive(d.name())
            .source(format!("'nonce-{header_nonce}'"));
        if let Some(tag) = first_bad {
            let start = tag.offset;
            let text = doc.text();
            let end = text[start..]
                .find('>')
                .map_or(text.len(), |e| start + e + 1);
            finding = finding.evidence(Evidence::body(text.get(start..end).unwrap_or("")));
        }
        out.push(finding);
    }
    if applicable {
        Outcome::Checked
    } else {
        Outcome::NotApplicable
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Security-Policy: script-src 'nonce-QUFBQUFBQUFBQUFB' 'strict-dynamic'; object-src 'none'; base-uri 'none'\r\n\r\n";

    #[test]
    fn fires_on_a_stale_nonce() {
        fires(
            "csp-nonce-mismatch",
            &format!("{HEAD}<!doctype html><script nonce=\"QkJCQkJCQkJCQkJC\">init()</script>"),
        );
    }

    #[test]
    fn fires_on_inline_script_without_nonce() {
        fires(
            "csp-nonce-mismatch",
            &format!("{HEAD}<!doctype html><script nonce=\"QUFBQUFBQUFBQUFB\"></script><script>x()</script>"),
        );
    }

    #[test]
    fn quiet_when_every_script_carries_the_nonce() {
        quiet(
            "csp-nonce-mismatch",
            &format!("{HEAD}<!doctype html><script nonce=\"QUFBQUFBQUFBQUFB\" src=\"/a.js\"></script><script nonce=\"QUFBQUFBQUFBQUFB\">b()</script>"),
        );
    }
}
