use crate::csp::evaluate::{Arg, CspFinding};
use crate::csp::parse::Facts;
use crate::csp::PolicyList;
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks each `'nonce-…'` value: shorter than 8 characters (medium), characters
    /// outside base64/base64url — often an unrendered template like `{{ nonce }}`, which
    /// browsers reject (info) — or too little randomness for its length, such as a
    /// 10-digit hex string (≈40 bits; low).
    ///
    /// (Google CSP Evaluator: `NONCE_LENGTH`, `NONCE_CHARSET`; the entropy estimate is
    /// headwarden's.)
    ///
    /// ## Why is this bad?
    /// A nonce is a bearer secret: whoever can guess it can run script. CSP3 asks for at
    /// least 128 bits from a secure random generator, fresh for every response. A short
    /// or low-entropy nonce can be guessed; a template placeholder means the real nonce
    /// never reached the header.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-abc123' 'strict-dynamic'
    /// ```
    ///
    /// ## Use instead
    /// 16 random bytes, base64-encoded (Flask-Talisman does this for you):
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-k3JhbGx5LXJhbmRvbSEhIQ' 'strict-dynamic'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §7.1: Nonce reuse](https://www.w3.org/TR/CSP3/#security-nonces)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_NONCE_WEAK = {
        id: "csp-nonce-weak",
        title: "Content-Security-Policy nonce is weak",
        severity: Medium,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# let Flask-Talisman mint the nonce (secrets.token_urlsafe under the hood)\nTalisman(app, content_security_policy=csp, content_security_policy_nonce_in=['script-src'])\n# or by hand: nonce = secrets.token_urlsafe(16)",
            policy: "[csp]\nnonce = true   # the worker mints 128-bit nonces per response",
            nginx: "# nginx has no secure per-response nonce; use a hash-based policy or the headwarden worker",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

const SHORT: &str = "short";
const CHARSET: &str = "charset";
const LOW_ENTROPY: &str = "low-entropy";

/// Google CSP Evaluator `checkNonceLength` (every directive), plus an entropy estimate.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::every_policy(list, out, |pi, policy, out| {
        // At most MAX_FINDINGS_PER_RULE per policy; the rest are summed up.
        let mut out = super::Capped::new(out);
        if !policy.facts.has(Facts::NONCE) {
            return;
        }
        for d in policy.active_directives() {
            if !d.directive().facts.has(Facts::NONCE) {
                continue;
            }
            for v in d.values() {
                if v.value().duplicate || !v.value().facts.has(Facts::NONCE) {
                    continue;
                }
                let Some(nonce) = nonce_value(v.text()) else {
                    continue;
                };
                let at = |kind, severity| {
                    CspFinding::new(&CSP_NONCE_WEAK, detail)
                        .at(pi, &d)
                        .source(&v)
                        .arg(Arg::Text(kind))
                        .severity(severity)
                };
                let length = nonce.chars().count();
                if length < 8 {
                    out.push(at(SHORT, Severity::Medium));
                }
                if !is_base64_value(nonce) {
                    out.push(at(CHARSET, Severity::Info));
                } else if length >= 8 && estimated_bits(nonce) < 64 {
                    out.push(at(LOW_ENTROPY, Severity::Low));
                }
            }
        }
    })
}

/// The value of a `'nonce-…'` token, however malformed (Google's `^'nonce-(.+)'$`).
fn nonce_value(token: &str) -> Option<&str> {
    let head = token.get(..7)?;
    if !head.eq_ignore_ascii_case("'nonce-") || token.len() < 9 || !token.ends_with('\'') {
        return None;
    }
    token.get(7..token.len() - 1)
}

fn is_base64_value(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    s.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

/// Bits of randomness a nonce can carry at most, judging by its alphabet.
fn estimated_bits(s: &str) -> usize {
    let body = s.trim_end_matches('=');
    let per_char = if body.bytes().all(|b| b.is_ascii_digit()) {
        3
    } else if body.bytes().all(|b| b.is_ascii_hexdigit()) {
        4
    } else {
        6
    };
    body.len() * per_char
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let source = f.source_text(list).unwrap_or_default();
    let nonce = nonce_value(source).unwrap_or_default();
    match f.arg {
        Arg::Text(SHORT) => format!("The nonce in `{source}` is {} characters long; use at least 16 random bytes (22 base64 characters), new for every response.", nonce.chars().count()),
        Arg::Text(CHARSET) => format!("The nonce in `{source}` is not base64 (it looks like a template that was not rendered?): browsers ignore it, and scripts that carry it are blocked."),
        _ => format!("The nonce in `{source}` can hold at most about {} bits of randomness; use at least 128 bits from a secure random generator.", estimated_bits(nonce)),
    }
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;
    use crate::rules::testing::{fires, quiet};

    fn kinds(policy: &str) -> Vec<String> {
        check_csp(policy)
            .findings()
            .into_iter()
            .filter(|f| f.rule == "csp-nonce-weak")
            .map(|f| f.severity.to_string())
            .collect()
    }

    #[test]
    fn fires_on_short_templated_and_hex_nonces() {
        fires(
            "csp-nonce-weak",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-abc123'\r\n\r\n",
        );
        assert_eq!(kinds("script-src 'nonce-$nonce'"), ["medium", "info"]);
        assert_eq!(kinds("script-src 'nonce-{{NONCE}}'"), ["info"]);
        assert_eq!(kinds("script-src 'nonce-2726c7f26c'"), ["low"]);
        assert!(kinds("script-src 'nonce-'").is_empty());
    }

    #[test]
    fn quiet_on_a_random_nonce() {
        quiet(
            "csp-nonce-weak",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'nonce-k3JhbGx5LXJhbmRvbQ==' 'strict-dynamic'\r\n\r\n",
        );
    }
}
