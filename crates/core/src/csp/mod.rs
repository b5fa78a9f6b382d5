//! Content-Security-Policy: the parser (CSP Level 3 §2.2 "Policies", §2.3 "Directives",
//! §3 "Policy Delivery"), the effective policy (§6.8), the evaluator behind the `csp-*`
//! rules, and the structured view of each policy for reports.
//!
//! - [`parse`]: §2.2.1 "parse a serialized CSP", §2.2.2 "parse a response's CSP list",
//!   `<meta>` policies (§3.3).
//! - [`source`]: source expressions (§2.3.1), typed, with precise errors.
//! - [`directive`]: the table of directives (kind, fallback list, meta, deprecation).
//! - [`effective`]: which directive governs a load and which of its sources count.
//! - [`evaluate`]: findings of the `csp-*` rules on a policy list, and [`check_csp`].
//! - [`bypass`]: Google CSP Evaluator's JSONP / AngularJS / Flash bypass lists.
//! - [`view`]: the per-policy view (directives, sources with verdicts, effective
//!   sources) that reports carry.
//!
//! The rules themselves live in `crate::rules::csp`, one file each.

pub mod bypass;
pub mod directive;
pub mod effective;
pub mod evaluate;
pub mod parse;
pub mod source;
pub mod view;

pub use directive::{DirectiveId, DirectiveKind};
pub use effective::{Allowance, DirectiveRef, Ignored, InlineKind, ValueRef};
pub use evaluate::{check_csp, CspCheck, CspFinding, CspReport};
pub use parse::{DeliveredPolicy, DeliveryIssue, Policy, PolicyIssue, Span, ValueError};
pub use source::{
    HashAlgorithm, HostPattern, HostSource, Keyword, Port, SourceError, SourceExpression,
};
pub use view::PolicyView;

use crate::exchange::Response;
use crate::html::Document;
use crate::report::Severity;

/// Whether a policy is enforced or only reported (CSP3 §2.2 "disposition").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Disposition {
    Enforce,
    Report,
}

/// Where a policy was delivered (CSP3 §2.2 "source").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicySource {
    Header,
    Meta,
}

/// Every policy a response delivers (CSP3 §2.2 "CSP list"), in the order of §2.2.2:
/// `Content-Security-Policy` members, then `-Report-Only` members, then `<meta>` ones.
/// Unlike a browser's list it also keeps empty policies (marked
/// [`PolicyIssue::Empty`]) and notes `<meta>` tags that browsers ignore, so they can be
/// reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyList {
    pub policies: Vec<Policy>,
    pub delivery_issues: Vec<DeliveryIssue>,
}

impl PolicyList {
    /// Collects the policies of a response's headers and of `<meta http-equiv>` in its body.
    pub fn from_response(response: &Response, html: Option<&Document>) -> Self {
        parse::parse_response_csp(response, html)
    }

    /// The policies of one `Content-Security-Policy` header value (comma-separated
    /// members), as `disposition`.
    pub fn from_header_value(value: &str, disposition: Disposition) -> Self {
        let header = match disposition {
            Disposition::Enforce => "Content-Security-Policy",
            Disposition::Report => "Content-Security-Policy-Report-Only",
        };
        let mut list = PolicyList::default();
        for member in parse::split_header_list(value) {
            list.push_bounded(|| {
                parse::parse_serialized_csp(member, PolicySource::Header, disposition, header)
            });
        }
        list
    }

    /// The enforced policies browsers keep (at least one directive).
    pub fn enforced(&self) -> impl Iterator<Item = &Policy> {
        self.policies
            .iter()
            .filter(|p| p.disposition == Disposition::Enforce && !p.is_empty())
    }

    /// The report-only policies browsers keep.
    pub fn report_only(&self) -> impl Iterator<Item = &Policy> {
        self.policies
            .iter()
            .filter(|p| p.disposition == Disposition::Report && !p.is_empty())
    }

    /// Every delivered enforced policy with its index, empty ones included (what the
    /// evaluator checks).
    pub fn enforced_indexed(&self) -> impl Iterator<Item = (usize, &Policy)> {
        self.policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.disposition == Disposition::Enforce)
    }

    /// Every delivered policy with its index.
    pub fn indexed(&self) -> impl Iterator<Item = (usize, &Policy)> {
        self.policies.iter().enumerate()
    }

    /// Whether the enforced policies make scripts strict (DESIGN "Scoring", the A+
    /// condition): some enforced policy is nonce- or hash-based with no effective
    /// `'unsafe-inline'` and no effective host allowlist. One such policy is enough, since
    /// a script must pass every enforced policy.
    pub fn has_strict_scripts(&self) -> bool {
        self.enforced().any(Policy::has_strict_scripts)
    }

    /// The `frame-ancestors` directives that browsers apply: those of enforced header
    /// policies (a `<meta>` policy cannot carry one, CSP3 §3.3).
    pub fn frame_ancestors(&self) -> impl Iterator<Item = DirectiveRef<'_>> {
        self.enforced()
            .filter_map(|p| p.get(DirectiveId::FrameAncestors))
    }

    /// The structured view of every policy, with the verdicts of the `csp-*` rules.
    pub fn view(&self) -> Vec<PolicyView> {
        view::view(self, &evaluate::evaluate_all(self))
    }
}

/// How one finding type of Google's CSP Evaluator maps to a headwarden rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoogleCheck {
    /// The evaluator's `Type` enum name.
    pub google_type: &'static str,
    /// For `MISSING_DIRECTIVES`, the directive it names (one rule per directive).
    pub directive: Option<&'static str>,
    /// The evaluator's check function (as named in `failed_checks`).
    pub function: &'static str,
    /// The headwarden rule id.
    pub rule: &'static str,
}

const fn g(
    google_type: &'static str,
    directive: Option<&'static str>,
    function: &'static str,
    rule: &'static str,
) -> GoogleCheck {
    GoogleCheck {
        google_type,
        directive,
        function,
        rule,
    }
}

/// The one mapping from Google CSP Evaluator findings to headwarden rule ids (see
/// `anchors/csp/CHECKS.md`); the parity test and the docs read it. `IGNORED` notes have
/// no entry: they are not findings.
pub static GOOGLE_CHECK_MAP: &[GoogleCheck] = &[
    g(
        "SCRIPT_UNSAFE_INLINE",
        None,
        "checkScriptUnsafeInline",
        "csp-unsafe-inline",
    ),
    g(
        "SCRIPT_UNSAFE_HASHES",
        None,
        "checkScriptUnsafeInline",
        "csp-unsafe-inline",
    ),
    g(
        "SCRIPT_UNSAFE_EVAL",
        None,
        "checkScriptUnsafeEval",
        "csp-unsafe-eval",
    ),
    g(
        "PLAIN_URL_SCHEMES",
        None,
        "checkPlainUrlSchemes",
        "csp-plain-scheme",
    ),
    g(
        "PLAIN_WILDCARD",
        None,
        "checkWildcards",
        "csp-wildcard-source",
    ),
    g(
        "MISSING_DIRECTIVES",
        Some("object-src"),
        "checkMissingDirectives",
        "csp-missing-object-src",
    ),
    g(
        "MISSING_DIRECTIVES",
        Some("script-src"),
        "checkMissingDirectives",
        "csp-missing-script-src",
    ),
    g(
        "MISSING_DIRECTIVES",
        Some("base-uri"),
        "checkMissingDirectives",
        "csp-missing-base-uri",
    ),
    g(
        "SCRIPT_ALLOWLIST_BYPASS",
        None,
        "checkScriptAllowlistBypass",
        "csp-allowlist-bypass",
    ),
    g(
        "OBJECT_ALLOWLIST_BYPASS",
        None,
        "checkFlashObjectAllowlistBypass",
        "csp-allowlist-bypass",
    ),
    g("IP_SOURCE", None, "checkIpSource", "csp-ip-source"),
    g("NONCE_LENGTH", None, "checkNonceLength", "csp-nonce-weak"),
    g("NONCE_CHARSET", None, "checkNonceLength", "csp-nonce-weak"),
    g("SRC_HTTP", None, "checkSrcHttp", "csp-insecure-scheme"),
    g(
        "DEPRECATED_DIRECTIVE",
        None,
        "checkDeprecatedDirective",
        "csp-deprecated-directive",
    ),
    g(
        "UNKNOWN_DIRECTIVE",
        None,
        "checkUnknownDirective",
        "csp-unknown-directive",
    ),
    g(
        "MISSING_SEMICOLON",
        None,
        "checkMissingSemicolon",
        "csp-parse-error",
    ),
    g(
        "INVALID_KEYWORD",
        None,
        "checkInvalidKeyword",
        "csp-invalid-keyword",
    ),
    g(
        "STRICT_DYNAMIC",
        None,
        "checkStrictDynamic",
        "csp-strict-dynamic-misuse",
    ),
    g(
        "STRICT_DYNAMIC_NOT_STANDALONE",
        None,
        "checkStrictDynamicNotStandalone",
        "csp-strict-dynamic-misuse",
    ),
    g(
        "UNSAFE_INLINE_FALLBACK",
        None,
        "checkUnsafeInlineFallback",
        "csp-unsafe-inline-fallback",
    ),
    g(
        "ALLOWLIST_FALLBACK",
        None,
        "checkAllowlistFallback",
        "csp-allowlist-fallback",
    ),
    g(
        "REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS",
        None,
        "checkRequiresTrustedTypesForScripts",
        "csp-trusted-types-missing",
    ),
    g(
        "REPORTING_DESTINATION_MISSING",
        None,
        "checkHasConfiguredReporting",
        "csp-reporting-missing",
    ),
    g(
        "REPORT_TO_ONLY",
        None,
        "checkHasConfiguredReporting",
        "csp-reporting-missing",
    ),
];

/// The headwarden rule for a Google finding type (and, for `MISSING_DIRECTIVES`, its
/// directive).
pub fn google_rule(google_type: &str, directive: Option<&str>) -> Option<&'static str> {
    GOOGLE_CHECK_MAP
        .iter()
        .find(|m| {
            m.google_type == google_type && (m.directive.is_none() || m.directive == directive)
        })
        .map(|m| m.rule)
}

/// DESIGN's severity mapping of Google's numeric severities: HIGH (10) → high,
/// SYNTAX (20) → medium, MEDIUM (30) → medium, HIGH_MAYBE (40, never emitted) → medium,
/// STRICT_CSP (45) → info, MEDIUM_MAYBE (50) → low, INFO (60) → info; NONE (100, the
/// `IGNORED` notes) is not a finding.
pub fn google_severity(severity: u32) -> Option<Severity> {
    Some(match severity {
        10 => Severity::High,
        20 | 30 | 40 => Severity::Medium,
        45 => Severity::Info,
        50 => Severity::Low,
        60 => Severity::Info,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapped_rule_exists_in_the_csp_family() {
        for m in GOOGLE_CHECK_MAP {
            let rule = crate::rules::by_id(m.rule).unwrap_or_else(|| panic!("{}", m.rule));
            assert_eq!(rule.family, crate::rules::Family::Csp);
        }
        assert_eq!(
            google_rule("MISSING_DIRECTIVES", Some("base-uri")),
            Some("csp-missing-base-uri")
        );
        assert_eq!(google_rule("IGNORED", Some("script-src")), None);
        assert_eq!(google_severity(100), None);
        assert_eq!(google_severity(50), Some(Severity::Low));
    }

    #[test]
    fn header_values_with_commas_are_several_policies() {
        let list = PolicyList::from_header_value(
            "default-src 'self', script-src 'none'",
            Disposition::Enforce,
        );
        assert_eq!(list.policies.len(), 2);
        assert_eq!(list.policies[1].text, "script-src 'none'");
        assert_eq!(list.enforced().count(), 2);
    }
}
