use crate::csp::directive::ValueGrammar;
use crate::csp::evaluate::{Arg, CspFinding, Fix};
use crate::csp::parse::{Facts, ValueKind};
use crate::csp::PolicyList;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports keywords, nonces and hashes that are written wrong:
    /// - without their single quotes (`self`, `unsafe-inline`, `nonce-…`, `sha256-…`):
    ///   `self` then means a host named "self";
    /// - with the wrong quotes (`"self"`, `‘self’`) or a missing quote (`'self`);
    /// - quoted but unknown (`'unsafe-dynamic'`, `'sha1-…'`), or a nonce/hash whose value
    ///   is not base64;
    /// - values a directive does not accept (`require-trusted-types-for 'scripts'`,
    ///   `frame-ancestors 'unsafe-inline'`, `webrtc block`).
    ///
    /// (Google CSP Evaluator: `INVALID_KEYWORD`.)
    ///
    /// ## Why is this bad?
    /// Browsers ignore what they cannot parse, or read it as something else, so the
    /// policy does not do what it says: a `'none'` that is not `'none'`, a nonce that
    /// never matches.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src self 'nonce-{{NONCE}}'; object-src "none"
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'self' 'nonce-k3JhbGx5LXJhbmRvbQ'; object-src 'none'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §2.3.1: Source lists](https://www.w3.org/TR/CSP3/#framework-directive-source-list)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_INVALID_KEYWORD = {
        id: "csp-invalid-keyword",
        title: "Content-Security-Policy has an invalid keyword",
        severity: Medium,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# in Python, wrap keywords in both kinds of quotes: \"'self'\", \"'none'\"\nTalisman(app, content_security_policy={'default-src': \"'self'\", 'object-src': \"'none'\"})",
            policy: "[csp.directives]\ndefault-src = \"'self'\"   # TOML string holding the single-quoted keyword",
            nginx: "add_header Content-Security-Policy \"default-src 'self'; object-src 'none'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

const UNQUOTED: &str = "unquoted";

/// Google CSP Evaluator `checkInvalidKeyword`, on each directive's own grammar.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::every_policy(list, out, |pi, policy, out| {
        // At most MAX_FINDINGS_PER_RULE per policy; the rest are summed up.
        let mut out = super::Capped::new(out);
        if !policy.facts.has(Facts::BARE_KEYWORD | Facts::INVALID) {
            return;
        }
        for d in policy.active_directives() {
            if !d
                .directive()
                .facts
                .has(Facts::BARE_KEYWORD | Facts::INVALID)
            {
                continue;
            }
            // Grammars where bare words are legitimate values (sandbox flags, URLs, …).
            let bare_words_ok = matches!(
                d.id().map(|id| id.def().value),
                Some(
                    ValueGrammar::SandboxFlags
                        | ValueGrammar::UriReferences
                        | ValueGrammar::Token
                        | ValueGrammar::MediaTypes
                        | ValueGrammar::LegacyTokens
                        | ValueGrammar::Empty
                )
            );
            for v in d.values() {
                let value = v.value();
                if value.duplicate {
                    continue;
                }
                let finding = CspFinding::new(&CSP_INVALID_KEYWORD, detail)
                    .at(pi, &d)
                    .source(&v)
                    .fix(Fix::Text("Write keywords, nonces and hashes in single quotes: 'self', 'none', 'nonce-…', 'sha256-…'."));
                match value.kind {
                    ValueKind::Invalid(e) if e.is_keyword_error() => out.push(finding),
                    _ if !bare_words_ok && value.facts.has(Facts::BARE_KEYWORD) => {
                        out.push(finding.arg(Arg::Text(UNQUOTED)));
                    }
                    _ => {}
                }
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    let text = f.source_text(list).unwrap_or_default();
    if f.arg == Arg::Text(UNQUOTED) {
        return format!("`{text}` in `{name}` is missing its single quotes: write `'{text}'`. Unquoted, browsers read it as a host name.");
    }
    match f.value(list).map(|v| v.kind) {
        Some(ValueKind::Invalid(e)) => {
            format!("`{text}` in `{name}` is not valid: {e}. Browsers ignore it.")
        }
        _ => format!("`{text}` in `{name}` is not a valid keyword."),
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
            .filter(|f| f.rule == "csp-invalid-keyword")
            .map(|f| f.source.unwrap_or_default())
            .collect()
    }

    #[test]
    fn fires_on_quoting_mistakes() {
        fires(
            "csp-invalid-keyword",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src self\r\n\r\n",
        );
        assert_eq!(
            found("script-src 'self 'unsafe-dynamic' \"self\" nonce-abc 'sha1-abc='; require-trusted-types-for script; trusted-types 'x'; sandbox allow-scripts; referrer none"),
            ["'self", "'unsafe-dynamic'", "\"self\"", "nonce-abc", "'sha1-abc='", "script", "'x'"]
        );
    }

    #[test]
    fn quiet_on_valid_keywords() {
        quiet(
            "csp-invalid-keyword",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'SELF' 'nonce-abc' 'strict-dynamic' 'wasm-unsafe-eval'; webrtc 'block'; require-trusted-types-for 'script'\r\n\r\n",
        );
    }
}
