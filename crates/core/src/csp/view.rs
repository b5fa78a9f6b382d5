//! The structured view of each policy, for the web app's directive table and JSON
//! consumers: directives with their state, each source with its verdict, and the
//! effective sources per fetch directive.

use std::collections::HashMap;

use serde::Serialize;

use crate::report::{shorten, Severity};

use super::directive::{DirectiveId, DirectiveKind, Status};
use super::evaluate::{suggested_policy, CspFinding, FindingDirective, Fix, SuggestedPolicy};
use super::parse::{DirectiveState, PolicyIssue, ValueKind};
use super::{Disposition, PolicyList, PolicySource};

/// Longest policy text quoted in a view.
pub const MAX_VIEW_TEXT_CHARS: usize = 4096;

/// One policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyView {
    pub disposition: Disposition,
    pub source: PolicySource,
    /// The header name as sent, or `meta`.
    pub header: String,
    /// The serialized policy (shortened past [`MAX_VIEW_TEXT_CHARS`]).
    pub text: String,
    /// False when browsers drop the policy (no directive).
    pub applied: bool,
    pub directives: Vec<DirectiveView>,
    /// Directives past [`MAX_VIEW_DIRECTIVES`], not listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted_directives: usize,
    /// For each fetch directive, the directive that governs it and the sources that take
    /// effect (CSP3 §6.8.3, with what `'strict-dynamic'` and nonces/hashes disable).
    pub effective: Vec<EffectiveView>,
    /// The policy's nonce + `'strict-dynamic'` equivalent, when a finding suggests moving
    /// to it (the findings themselves only say what to change in their directive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested: Option<SuggestedPolicy>,
}

/// One directive token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectiveView {
    /// Lowercase name.
    pub name: String,
    /// `None` for an unknown directive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DirectiveKind>,
    /// `active`, `duplicate`, `non-ascii` or `ignored-in-meta`.
    pub state: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The worst finding about the directive itself (unknown, deprecated, missing …).
    pub verdict: Verdict,
    /// The rule ids of the findings about this directive or its sources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<&'static str>,
    pub sources: Vec<SourceView>,
    /// Sources past [`MAX_VIEW_SOURCES`], not listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted_sources: usize,
}

/// `skip_serializing_if` for counts of what a view left out (also used by the npm
/// package's policy summary).
pub fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl super::Policy {
    /// The serialized policy as views quote it: shortened past [`MAX_VIEW_TEXT_CHARS`].
    pub fn view_text(&self) -> std::borrow::Cow<'_, str> {
        shorten(&self.text, MAX_VIEW_TEXT_CHARS)
    }

    /// False when browsers drop the policy (it has no directive).
    pub fn is_applied(&self) -> bool {
        !self.issues.contains(&PolicyIssue::Empty)
    }
}

/// Most directives listed in one policy's view.
pub const MAX_VIEW_DIRECTIVES: usize = 256;
/// Most sources listed for one directive (and in one effective list).
pub const MAX_VIEW_SOURCES: usize = 512;

/// One value token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceView {
    pub text: String,
    /// `keyword`, `nonce`, `hash`, `scheme`, `host`, `token` or `invalid`.
    pub kind: &'static str,
    pub verdict: Verdict,
    /// Why it is ignored or invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What headwarden thinks of a source or directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    /// Browsers ignore it (duplicate, disabled by `'strict-dynamic'`, …).
    Ignored,
    Info,
    Low,
    Medium,
    High,
    Critical,
    /// Not valid syntax: browsers drop it.
    Invalid,
}

impl Verdict {
    fn of(severity: Severity) -> Verdict {
        match severity {
            Severity::Info => Verdict::Info,
            Severity::Low => Verdict::Low,
            Severity::Medium => Verdict::Medium,
            Severity::High => Verdict::High,
            Severity::Critical => Verdict::Critical,
        }
    }
}

/// What governs one fetch directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveView {
    pub directive: &'static str,
    /// The directive that governs it; `None` when nothing restricts it.
    pub from: Option<&'static str>,
    pub sources: Vec<String>,
}

/// The fetch directives listed under `effective`, in display order.
const EFFECTIVE_TARGETS: &[DirectiveId] = &[
    DirectiveId::ScriptSrcElem,
    DirectiveId::ScriptSrcAttr,
    DirectiveId::ScriptSrc,
    DirectiveId::StyleSrcElem,
    DirectiveId::StyleSrcAttr,
    DirectiveId::ObjectSrc,
    DirectiveId::WorkerSrc,
    DirectiveId::ConnectSrc,
    DirectiveId::ImgSrc,
    DirectiveId::FontSrc,
    DirectiveId::MediaSrc,
    DirectiveId::FrameSrc,
    DirectiveId::ManifestSrc,
];

/// The view of every policy of `list`, with verdicts from `findings`.
pub fn view(list: &PolicyList, findings: &[CspFinding]) -> Vec<PolicyView> {
    // Findings about the list as a whole are rendered against the first enforced policy.
    let first_enforced = list.enforced_indexed().next().map(|(i, _)| i);
    list.indexed()
        .map(|(pi, policy)| {
            // Index this policy's findings by directive token and by source token, so the
            // view stays linear in the number of findings.
            let mut by_directive: HashMap<usize, Vec<&CspFinding>> = HashMap::new();
            let mut by_source: HashMap<u32, Vec<&CspFinding>> = HashMap::new();
            for f in findings.iter().filter(|f| f.policy == Some(pi)) {
                let index = f
                    .directive_index
                    .map(|i| i as usize)
                    .or_else(|| match f.directive {
                        Some(FindingDirective::Known(id)) => policy.index_of(id),
                        _ => None,
                    });
                if let Some(index) = index {
                    by_directive.entry(index).or_default().push(f);
                }
                if let Some(span) = f.source {
                    by_source.entry(span.start).or_default().push(f);
                }
            }
            let omitted_directives = policy.directives.len().saturating_sub(MAX_VIEW_DIRECTIVES);
            let directives = policy
                .all_directives()
                .take(MAX_VIEW_DIRECTIVES)
                .map(|d| {
                    let state = match d.state() {
                        DirectiveState::Active => "active",
                        DirectiveState::Duplicate { .. } => "duplicate",
                        DirectiveState::NonAscii { .. } => "non-ascii",
                        DirectiveState::IgnoredInMeta => "ignored-in-meta",
                    };
                    let name = d.name().to_ascii_lowercase();
                    let mut rules: Vec<&'static str> = Vec::new();
                    let mut verdict = Verdict::Ok;
                    let token = d.directive().token;
                    let in_token = |f: &CspFinding| {
                        f.source
                            .is_some_and(|s| s.start >= token.start && s.end <= token.end)
                    };
                    let about: &[&CspFinding] =
                        by_directive.get(&d.index).map_or(&[], Vec::as_slice);
                    for f in about {
                        if f.source.is_none() || in_token(f) {
                            if !rules.contains(&f.rule.id) {
                                rules.push(f.rule.id);
                            }
                            if f.source.is_none() {
                                verdict = verdict.max(Verdict::of(f.severity));
                            }
                        }
                    }
                    if d.state() != DirectiveState::Active {
                        verdict = verdict.max(Verdict::Ignored);
                    }
                    let target = d.id().unwrap_or(DirectiveId::DefaultSrc);
                    let omitted_sources = d.values().len().saturating_sub(MAX_VIEW_SOURCES);
                    let sources = d
                        .values()
                        .take(MAX_VIEW_SOURCES)
                        .map(|v| {
                            let value = v.value();
                            let (kind, mut verdict, mut note) = match value.kind {
                                ValueKind::Source(e) => {
                                    let e = policy.expr(e);
                                    let ignored = if value.duplicate {
                                        Some(super::effective::Ignored::Duplicate)
                                    } else {
                                        d.ignored(target, &e)
                                    };
                                    match ignored {
                                        Some(i) => (
                                            e.kind_name(),
                                            Verdict::Ignored,
                                            Some(i.describe().to_string()),
                                        ),
                                        None => (e.kind_name(), Verdict::Ok, None),
                                    }
                                }
                                ValueKind::Token => ("token", Verdict::Ok, None),
                                ValueKind::Invalid(err) => {
                                    ("invalid", Verdict::Invalid, Some(err.to_string()))
                                }
                            };
                            let about: &[&CspFinding] =
                                by_source.get(&value.span.start).map_or(&[], Vec::as_slice);
                            for f in about.iter().filter(|f| f.source == Some(value.span)) {
                                if verdict != Verdict::Invalid {
                                    verdict = verdict.max(Verdict::of(f.severity));
                                }
                                if note.is_none() {
                                    note = Some(f.detail(list));
                                }
                            }
                            if d.state() != DirectiveState::Active && verdict == Verdict::Ok {
                                verdict = Verdict::Ignored;
                            }
                            SourceView {
                                text: v.text().to_string(),
                                kind,
                                verdict,
                                note,
                            }
                        })
                        .collect();
                    DirectiveView {
                        name,
                        kind: d.id().map(DirectiveId::kind),
                        state,
                        deprecated: d
                            .id()
                            .is_some_and(|id| matches!(id.def().status, Status::Deprecated(_))),
                        verdict,
                        rules,
                        sources,
                        omitted_sources,
                    }
                })
                .collect();
            let effective = EFFECTIVE_TARGETS
                .iter()
                .map(|&target| {
                    let governing = policy.effective(target);
                    EffectiveView {
                        directive: target.as_str(),
                        from: governing.and_then(|d| d.id()).map(DirectiveId::as_str),
                        sources: governing
                            .map(|d| {
                                d.effective_sources(target)
                                    .take(MAX_VIEW_SOURCES)
                                    .map(|(v, _)| v.text().to_string())
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let suggested = findings
                .iter()
                .any(|f| {
                    matches!(f.fix, Fix::Strict(_))
                        && f.omitted == 0
                        && f.policy.or(first_enforced) == Some(pi)
                })
                .then(|| suggested_policy(policy));
            PolicyView {
                disposition: policy.disposition,
                source: policy.source,
                header: policy.header.clone(),
                text: policy.view_text().into_owned(),
                applied: policy.is_applied(),
                directives,
                omitted_directives,
                effective,
                suggested,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;

    use super::*;

    #[test]
    fn sources_carry_verdicts_and_effective_lists_drop_ignored_sources() {
        let check = check_csp(
            "script-src 'nonce-r4nd0mR4nd0mR4nd0m' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; img-src *; foo-src x",
        );
        let view = check.view();
        let p = &view[0];
        let script = &p.directives[0];
        assert_eq!(script.name, "script-src");
        let verdicts: Vec<(&str, Verdict)> = script
            .sources
            .iter()
            .map(|s| (s.text.as_str(), s.verdict))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("'nonce-r4nd0mR4nd0mR4nd0m'", Verdict::Ok),
                ("'strict-dynamic'", Verdict::Ok),
                ("https:", Verdict::Ignored),
                ("'unsafe-inline'", Verdict::Ignored),
            ]
        );
        let elem = p
            .effective
            .iter()
            .find(|e| e.directive == "script-src-elem")
            .unwrap();
        assert_eq!(elem.from, Some("script-src"));
        assert_eq!(
            elem.sources,
            ["'nonce-r4nd0mR4nd0mR4nd0m'", "'strict-dynamic'"]
        );
        let style = p
            .effective
            .iter()
            .find(|e| e.directive == "style-src-elem")
            .unwrap();
        assert_eq!(style.from, None);
        let unknown = p.directives.iter().find(|d| d.name == "foo-src").unwrap();
        assert_eq!(unknown.kind, None);
        assert!(unknown.rules.contains(&"csp-unknown-directive"));
        assert_eq!(unknown.verdict, Verdict::Medium);
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json[0]["disposition"], "enforce");
        assert_eq!(json[0]["source"], "header");
    }
}
