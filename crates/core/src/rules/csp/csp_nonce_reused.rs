use std::collections::HashMap;

use crate::csp::SourceExpression;
use crate::report::{Evidence, Finding};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Across the responses of one input (a HAR file, a `curl -iL` chain, several pasted
    /// responses), checks that no CSP nonce appears in more than one response.
    ///
    /// (Not checked by Google CSP Evaluator, which sees one policy at a time.)
    ///
    /// ## Why is this bad?
    /// A nonce is only worth something if the attacker cannot know it in advance. A
    /// nonce that is the same on every response (hard-coded in a template or a config
    /// file, or cached with the page) can be read once and then put on an injected
    /// `<script nonce=…>`: the policy lets it run. CSP3 requires a fresh nonce for every
    /// response.
    ///
    /// ## Example
    /// Two responses of the same HAR:
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-c3RhdGljLW5vbmNl' 'strict-dynamic'
    /// ```
    ///
    /// ## Use instead
    /// Generate the nonce per response, and do not cache HTML that embeds it:
    /// ```python
    /// Talisman(app, content_security_policy=csp, content_security_policy_nonce_in=['script-src'])
    /// ```
    ///
    /// ## References
    /// - [CSP3 §7.1: Nonce reuse](https://www.w3.org/TR/CSP3/#security-nonces)
    pub static CSP_NONCE_REUSED = {
        id: "csp-nonce-reused",
        title: "Content-Security-Policy nonce is reused across responses",
        severity: High,
        family: Csp,
        since: "0.1.0",
        check: Check::Input(check),
        fixes: {
            flask: "# a fresh nonce per response: let Flask-Talisman mint it\nTalisman(app, content_security_policy=csp, content_security_policy_nonce_in=['script-src'])\n# templates: <script nonce=\"{{ csp_nonce() }}\">\n# and do not cache the HTML (Cache-Control: no-store) if it carries the nonce",
            policy: "[csp]\nnonce = true   # the worker mints a new nonce for every response",
            nginx: "# a static nonce in add_header is always reused; use hashes or the headwarden worker",
        },
    };
}

fn check(contexts: &[Context<'_>], out: &mut Vec<(usize, Finding)>) -> Outcome {
    // Per nonce, in the order nonces are first seen: (exchange index, directive, token) of
    // its first sighting in each exchange. First-seen order needs no sort afterwards (one
    // less sort routine in the wasm) and does not depend on the hash map's order.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<(usize, &str, &str)>> = Vec::new();
    let mut any = false;
    for ctx in contexts {
        // A 304 carries no fresh body; its headers may legitimately repeat.
        if ctx.status() == Some(304) {
            continue;
        }
        for policy in &ctx.csp().policies {
            for d in policy.active_directives() {
                for (v, e) in d.sources() {
                    let SourceExpression::Nonce(nonce) = e else {
                        continue;
                    };
                    any = true;
                    let group = *seen.entry(nonce).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    });
                    // Exchanges come in order: only the last sighting can be this one's.
                    if let Some(entry) = groups.get_mut(group) {
                        if entry.last().is_none_or(|(i, _, _)| *i != ctx.index) {
                            entry.push((ctx.index, d.name(), v.text()));
                        }
                    }
                }
            }
        }
    }
    if !any {
        return Outcome::NotApplicable;
    }
    for sightings in groups.into_iter().filter(|v| v.len() > 1) {
        let indexes: Vec<usize> = sightings.iter().map(|(i, _, _)| *i).collect();
        for &(index, directive, token) in &sightings {
            out.push((
                index,
                Finding::new(
                    &CSP_NONCE_REUSED,
                    format!(
                        "The nonce `{token}` appears in {} responses of this input (exchanges {}); an attacker who reads it once can put it on injected scripts.",
                        indexes.len(),
                        indexes.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    ),
                )
                .directive(directive)
                .source(token)
                .evidence(Evidence::Exchanges { exchanges: indexes.clone() }),
            ));
        }
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::report;

    #[test]
    fn fires_when_two_responses_share_a_nonce() {
        let input = "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-c3RhdGljLW5vbmNl'\r\n\r\n\
                     HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-c3RhdGljLW5vbmNl'\r\n\r\n";
        let r = report(input);
        assert_eq!(r.exchanges.len(), 2);
        assert!(r
            .exchanges
            .iter()
            .all(|e| e.findings.iter().any(|f| f.rule == "csp-nonce-reused")));
    }

    #[test]
    fn quiet_with_fresh_nonces() {
        let r = report(
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-Zm9vYmFyYmF6cXV4'\r\n\r\n",
        );
        assert!(r.exchanges[0].passed.contains(&"csp-nonce-reused"));
    }
}
