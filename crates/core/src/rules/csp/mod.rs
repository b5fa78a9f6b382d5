//! Content-Security-Policy rules. Parsing and the effective policy live in `crate::csp`;
//! each rule here reads them through [`Context::csp`].
//!
//! Most rules only read policies: each exposes an `evaluate(&PolicyList, &mut
//! Vec<CspFinding>)` that [`POLICY_RULES`] lists, so [`crate::csp::check_csp`] runs the
//! very same code on a bare header value. Their `Check::Exchange` function renders those
//! findings for the exchange. Four rules need more than the policy text: `csp-missing`
//! and `csp-nonce-mismatch` (the response and its body), `csp-nonce-reused` (every
//! exchange of the input), `csp-missing-frame-ancestors` (looks at X-Frame-Options).
//!
//! Rules that judge what a policy allows evaluate the enforced policies together (a load
//! must pass all of them, so a finding about one policy is dropped when another blocks
//! the same thing), then the report-only policies, whose findings are kept at info
//! severity and say so. Rules about the text (syntax, unknown or deprecated directives,
//! nonce strength) read every delivered policy.

use crate::csp::evaluate::{render_into, CspFinding, MAX_FINDINGS_PER_RULE};
use crate::csp::{Disposition, Policy, PolicyList};
use crate::report::{Finding, Severity};
use crate::rules::{Context, Outcome, Rule};

mod csp_allowlist_bypass;
mod csp_allowlist_fallback;
mod csp_deprecated_directive;
mod csp_insecure_scheme;
mod csp_invalid_keyword;
mod csp_ip_source;
mod csp_missing;
mod csp_missing_base_uri;
mod csp_missing_form_action;
mod csp_missing_frame_ancestors;
mod csp_missing_object_src;
mod csp_missing_script_src;
mod csp_nonce_mismatch;
mod csp_nonce_reused;
mod csp_nonce_weak;
mod csp_parse_error;
mod csp_plain_scheme;
mod csp_report_only;
mod csp_reporting_missing;
mod csp_strict_dynamic_misuse;
mod csp_style_unsafe_inline;
mod csp_trusted_types_missing;
mod csp_unknown_directive;
mod csp_unsafe_eval;
mod csp_unsafe_inline;
mod csp_unsafe_inline_fallback;
mod csp_wildcard_source;

pub use csp_allowlist_bypass::CSP_ALLOWLIST_BYPASS;
pub use csp_allowlist_fallback::CSP_ALLOWLIST_FALLBACK;
pub use csp_deprecated_directive::CSP_DEPRECATED_DIRECTIVE;
pub use csp_insecure_scheme::CSP_INSECURE_SCHEME;
pub use csp_invalid_keyword::CSP_INVALID_KEYWORD;
pub use csp_ip_source::CSP_IP_SOURCE;
pub use csp_missing::CSP_MISSING;
pub use csp_missing_base_uri::CSP_MISSING_BASE_URI;
pub use csp_missing_form_action::CSP_MISSING_FORM_ACTION;
pub use csp_missing_frame_ancestors::CSP_MISSING_FRAME_ANCESTORS;
pub use csp_missing_object_src::CSP_MISSING_OBJECT_SRC;
pub use csp_missing_script_src::CSP_MISSING_SCRIPT_SRC;
pub use csp_nonce_mismatch::CSP_NONCE_MISMATCH;
pub use csp_nonce_reused::CSP_NONCE_REUSED;
pub use csp_nonce_weak::CSP_NONCE_WEAK;
pub use csp_parse_error::CSP_PARSE_ERROR;
pub use csp_plain_scheme::CSP_PLAIN_SCHEME;
pub use csp_report_only::CSP_REPORT_ONLY;
pub use csp_reporting_missing::CSP_REPORTING_MISSING;
pub use csp_strict_dynamic_misuse::CSP_STRICT_DYNAMIC_MISUSE;
pub use csp_style_unsafe_inline::CSP_STYLE_UNSAFE_INLINE;
pub use csp_trusted_types_missing::CSP_TRUSTED_TYPES_MISSING;
pub use csp_unknown_directive::CSP_UNKNOWN_DIRECTIVE;
pub use csp_unsafe_eval::CSP_UNSAFE_EVAL;
pub use csp_unsafe_inline::CSP_UNSAFE_INLINE;
pub use csp_unsafe_inline_fallback::CSP_UNSAFE_INLINE_FALLBACK;
pub use csp_wildcard_source::CSP_WILDCARD_SOURCE;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &CSP_MISSING,
    &CSP_REPORT_ONLY,
    &CSP_PARSE_ERROR,
    &CSP_UNSAFE_INLINE,
    &CSP_UNSAFE_EVAL,
    &CSP_WILDCARD_SOURCE,
    &CSP_PLAIN_SCHEME,
    &CSP_INSECURE_SCHEME,
    &CSP_ALLOWLIST_BYPASS,
    &CSP_MISSING_SCRIPT_SRC,
    &CSP_MISSING_OBJECT_SRC,
    &CSP_MISSING_BASE_URI,
    &CSP_MISSING_FRAME_ANCESTORS,
    &CSP_MISSING_FORM_ACTION,
    &CSP_NONCE_WEAK,
    &CSP_NONCE_REUSED,
    &CSP_NONCE_MISMATCH,
    &CSP_STYLE_UNSAFE_INLINE,
    &CSP_DEPRECATED_DIRECTIVE,
    &CSP_UNKNOWN_DIRECTIVE,
    &CSP_INVALID_KEYWORD,
    &CSP_IP_SOURCE,
    &CSP_STRICT_DYNAMIC_MISUSE,
    &CSP_UNSAFE_INLINE_FALLBACK,
    &CSP_ALLOWLIST_FALLBACK,
    &CSP_TRUSTED_TYPES_MISSING,
    &CSP_REPORTING_MISSING,
];

/// A rule that reads only the policy list.
pub(crate) type Evaluate = fn(&PolicyList, &mut Vec<CspFinding>) -> Outcome;

/// The policy-level rules and their evaluators: what [`crate::csp::check_csp`] runs.
pub(crate) static POLICY_RULES: &[(&Rule, Evaluate)] = &[
    (&CSP_REPORT_ONLY, csp_report_only::evaluate),
    (&CSP_PARSE_ERROR, csp_parse_error::evaluate),
    (&CSP_UNSAFE_INLINE, csp_unsafe_inline::evaluate),
    (&CSP_UNSAFE_EVAL, csp_unsafe_eval::evaluate),
    (&CSP_WILDCARD_SOURCE, csp_wildcard_source::evaluate),
    (&CSP_PLAIN_SCHEME, csp_plain_scheme::evaluate),
    (&CSP_INSECURE_SCHEME, csp_insecure_scheme::evaluate),
    (&CSP_ALLOWLIST_BYPASS, csp_allowlist_bypass::evaluate),
    (&CSP_MISSING_SCRIPT_SRC, csp_missing_script_src::evaluate),
    (&CSP_MISSING_OBJECT_SRC, csp_missing_object_src::evaluate),
    (&CSP_MISSING_BASE_URI, csp_missing_base_uri::evaluate),
    (
        &CSP_MISSING_FRAME_ANCESTORS,
        csp_missing_frame_ancestors::evaluate,
    ),
    (&CSP_MISSING_FORM_ACTION, csp_missing_form_action::evaluate),
    (&CSP_NONCE_WEAK, csp_nonce_weak::evaluate),
    (&CSP_STYLE_UNSAFE_INLINE, csp_style_unsafe_inline::evaluate),
    (
        &CSP_DEPRECATED_DIRECTIVE,
        csp_deprecated_directive::evaluate,
    ),
    (&CSP_UNKNOWN_DIRECTIVE, csp_unknown_directive::evaluate),
    (&CSP_INVALID_KEYWORD, csp_invalid_keyword::evaluate),
    (&CSP_IP_SOURCE, csp_ip_source::evaluate),
    (
        &CSP_STRICT_DYNAMIC_MISUSE,
        csp_strict_dynamic_misuse::evaluate,
    ),
    (
        &CSP_UNSAFE_INLINE_FALLBACK,
        csp_unsafe_inline_fallback::evaluate,
    ),
    (&CSP_ALLOWLIST_FALLBACK, csp_allowlist_fallback::evaluate),
    (
        &CSP_TRUSTED_TYPES_MISSING,
        csp_trusted_types_missing::evaluate,
    ),
    (&CSP_REPORTING_MISSING, csp_reporting_missing::evaluate),
];

/// Runs a policy-level rule on the exchange's policies and renders its findings.
pub(crate) fn check_exchange(
    ctx: &Context<'_>,
    evaluate: Evaluate,
    out: &mut Vec<Finding>,
) -> Outcome {
    let list = ctx.csp();
    let mut found = Vec::new();
    let outcome = evaluate(list, &mut found);
    render_into(list, &found, &mut ctx.csp_fixes(), out);
    outcome
}

/// Runs `body` on the enforced policies, then on the report-only ones (their findings
/// at info severity, marked report-only). Not applicable when nothing was delivered.
pub(crate) fn by_disposition(
    list: &PolicyList,
    out: &mut Vec<CspFinding>,
    body: impl Fn(&PolicyList, Disposition, &mut Vec<CspFinding>),
) -> Outcome {
    if list.policies.is_empty() {
        return Outcome::NotApplicable;
    }
    body(list, Disposition::Enforce, out);
    let start = out.len();
    body(list, Disposition::Report, out);
    for f in &mut out[start..] {
        f.severity = Severity::Info;
        f.report_only = true;
    }
    Outcome::Checked
}

/// The delivered policies of one disposition, with their indexes.
pub(crate) fn policies_of(
    list: &PolicyList,
    disposition: Disposition,
) -> impl Iterator<Item = (usize, &Policy)> {
    list.indexed()
        .filter(move |(_, p)| p.disposition == disposition)
}

/// Runs `body` on every delivered policy; not applicable when there is none.
pub(crate) fn every_policy(
    list: &PolicyList,
    out: &mut Vec<CspFinding>,
    mut body: impl FnMut(usize, &Policy, &mut Vec<CspFinding>),
) -> Outcome {
    if list.policies.is_empty() {
        return Outcome::NotApplicable;
    }
    for (i, p) in list.indexed() {
        body(i, p, out);
    }
    Outcome::Checked
}

/// Collects one rule's findings about one policy, keeping at most
/// [`MAX_FINDINGS_PER_RULE`] and summing up the rest in one more finding when dropped.
pub(crate) struct Capped<'o> {
    out: &'o mut Vec<CspFinding>,
    kept: usize,
    first_omitted: Option<CspFinding>,
    omitted: usize,
}

impl<'o> Capped<'o> {
    pub(crate) fn new(out: &'o mut Vec<CspFinding>) -> Self {
        Capped {
            out,
            kept: 0,
            first_omitted: None,
            omitted: 0,
        }
    }

    pub(crate) fn push(&mut self, finding: CspFinding) {
        if self.kept < MAX_FINDINGS_PER_RULE {
            self.kept += 1;
            self.out.push(finding);
        } else {
            self.omitted += 1;
            self.first_omitted.get_or_insert(finding);
        }
    }
}

impl Drop for Capped<'_> {
    fn drop(&mut self) {
        if let Some(mut summary) = self.first_omitted.take() {
            summary.omitted = self.omitted;
            self.out.push(summary);
        }
    }
}

/// Whether the enforced CSP's `script-src` is strict enough for an A+ (DESIGN "Scoring"):
/// nonce- or hash-based, no effective `'unsafe-inline'` (it is ignored next to a nonce or
/// hash, and next to `'strict-dynamic'`), and no effective host allowlist (none listed,
/// or all ignored because of `'strict-dynamic'`). See [`Policy::has_strict_scripts`].
pub fn has_strict_script_policy(ctx: &Context<'_>) -> bool {
    ctx.csp().has_strict_scripts()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::report;

    #[test]
    fn every_policy_rule_is_in_the_family_and_vice_versa() {
        for (rule, _) in super::POLICY_RULES {
            assert!(super::RULES.iter().any(|r| r.id == rule.id), "{}", rule.id);
        }
        let context_only = ["csp-missing", "csp-nonce-reused", "csp-nonce-mismatch"];
        for rule in super::RULES {
            assert!(
                context_only.contains(&rule.id)
                    || super::POLICY_RULES.iter().any(|(r, _)| r.id == rule.id),
                "{}",
                rule.id
            );
        }
        assert_eq!(super::RULES.len(), 27);
    }

    #[test]
    fn floods_of_findings_are_capped_per_rule_and_policy() {
        let policy: String = (0..300).map(|i| format!("x-{i} a; ")).collect();
        let check = crate::csp::check_csp(&policy);
        let unknown: Vec<_> = check
            .findings()
            .into_iter()
            .filter(|f| f.rule == "csp-unknown-directive")
            .collect();
        assert_eq!(
            unknown.len(),
            crate::csp::evaluate::MAX_FINDINGS_PER_RULE + 1
        );
        let summary = unknown.last().unwrap();
        assert!(
            summary
                .detail
                .contains("44 more `csp-unknown-directive` findings"),
            "{summary:?}"
        );
        let view = check.view();
        assert_eq!(
            view[0].directives.len(),
            crate::csp::view::MAX_VIEW_DIRECTIVES
        );
        let many: String = (0..300).map(|_| ";a").collect();
        let view = crate::csp::check_csp(&many).view();
        assert_eq!(
            view[0].directives.len(),
            crate::csp::view::MAX_VIEW_DIRECTIVES
        );
        assert_eq!(
            view[0].omitted_directives,
            300 - crate::csp::view::MAX_VIEW_DIRECTIVES
        );
    }

    #[test]
    fn strict_policy_earns_a_plus_and_allowlist_does_not() {
        let strict = "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=63072000\r\n\
            Content-Security-Policy: script-src 'nonce-r4nd0mR4nd0mR4nd0m' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'; require-trusted-types-for 'script'; report-uri /csp\r\n\r\n";
        let r = report(strict);
        assert!(crate::csp::PolicyList::from_response(
            &crate::parse(strict.as_bytes()).unwrap().exchanges[0].response,
            None
        )
        .has_strict_scripts());
        assert!(
            r.exchanges[0]
                .findings
                .iter()
                .all(|f| f.rule != "csp-unsafe-inline" && !f.rule.starts_with("csp-missing")),
            "{:#?}",
            r.exchanges[0].findings
        );
        let allowlist = "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self' https://cdn.example.com; object-src 'none'\r\n\r\n";
        let r = report(allowlist);
        assert_ne!(r.exchanges[0].grade, crate::Grade::APlus);
    }
}
