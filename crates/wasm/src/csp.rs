//! What `checkCsp(policy)` returns by default: the findings and each policy as written
//! (directive names with their source texts). The per-policy view of the reports (each
//! source's verdict and note, the effective sources of 13 fetch directives) is about as
//! large again as the findings, so it is made only for `checkCsp(policy, { view: true })`.

use std::borrow::Cow;

use headwarden_core::csp::view::{is_zero, MAX_VIEW_DIRECTIVES, MAX_VIEW_SOURCES};
use headwarden_core::csp::{CspCheck, Disposition, Policy};
use headwarden_core::report::Finding;
use serde::Serialize;

/// `{findings, policies}` with the policies as written.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub findings: Vec<Finding>,
    pub policies: Vec<PolicySummary<'a>>,
}

/// One policy as written.
#[derive(Debug, Serialize)]
pub struct PolicySummary<'a> {
    pub disposition: Disposition,
    /// The serialized policy (shortened past `MAX_VIEW_TEXT_CHARS`, as in the view).
    pub text: Cow<'a, str>,
    /// False when browsers drop the policy (no directive).
    pub applied: bool,
    pub directives: Vec<DirectiveSummary<'a>>,
    /// Directives past `MAX_VIEW_DIRECTIVES`, not listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted_directives: usize,
}

/// One directive as written: its lowercase name and its source texts.
#[derive(Debug, Serialize)]
pub struct DirectiveSummary<'a> {
    pub name: String,
    pub sources: Vec<&'a str>,
    /// Sources past `MAX_VIEW_SOURCES`, not listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted_sources: usize,
}

impl<'a> Summary<'a> {
    pub fn of(check: &'a CspCheck) -> Self {
        Summary {
            findings: check.findings(),
            policies: check
                .policies
                .policies
                .iter()
                .map(PolicySummary::of)
                .collect(),
        }
    }
}

impl<'a> PolicySummary<'a> {
    fn of(policy: &'a Policy) -> Self {
        let directives = policy
            .directives
            .iter()
            .take(MAX_VIEW_DIRECTIVES)
            .map(|d| {
                let values = policy.values_of(d);
                DirectiveSummary {
                    name: policy.str(d.name).to_ascii_lowercase(),
                    sources: values
                        .iter()
                        .take(MAX_VIEW_SOURCES)
                        .map(|v| policy.str(v.span))
                        .collect(),
                    omitted_sources: values.len().saturating_sub(MAX_VIEW_SOURCES),
                }
            })
            .collect();
        PolicySummary {
            disposition: policy.disposition,
            text: policy.view_text(),
            applied: policy.is_applied(),
            directives,
            omitted_directives: policy.directives.len().saturating_sub(MAX_VIEW_DIRECTIVES),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_each_directive_with_its_sources_as_written() {
        let check = headwarden_core::csp::check_csp(
            "Script-Src 'self' https://cdn.example; object-src 'none', script-src *",
        );
        let summary = Summary::of(&check);
        assert_eq!(summary.policies.len(), 2);
        let first = &summary.policies[0];
        assert!(first.applied);
        assert_eq!(first.directives[0].name, "script-src");
        assert_eq!(
            first.directives[0].sources,
            ["'self'", "https://cdn.example"]
        );
        assert_eq!(first.directives[1].name, "object-src");
        assert_eq!(summary.policies[1].directives[0].sources, ["*"]);
        assert!(summary
            .findings
            .iter()
            .any(|f| f.rule == "csp-allowlist-bypass"));
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["policies"][0]["disposition"], "enforce");
        assert!(json["policies"][0].get("effective").is_none());
    }

    #[test]
    fn an_empty_policy_is_not_applied() {
        let check = headwarden_core::csp::check_csp(" ");
        let summary = Summary::of(&check);
        assert!(summary.policies.iter().all(|p| !p.applied));
    }
}
