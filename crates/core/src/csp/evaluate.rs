//! The evaluator: the `csp-*` rules that read only policies produce compact
//! [`CspFinding`]s (spans into the policy text, a function that writes the detail), which
//! become report [`Finding`]s only when rendered. [`check_csp`] runs them over one header
//! value — the entry point of the npm package's `checkCsp` and of the benchmark.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::report::{Evidence, Finding, Severity};
use crate::rules::Rule;

use super::directive::{DirectiveId, Status};
use super::effective::{DirectiveRef, ValueRef};
use super::parse::{ListFlags, Policy, Span};
use super::view::PolicyView;
use super::{Disposition, PolicyList, PolicySource};

/// Writes a finding's detail sentence.
pub type Detail = fn(&CspFinding, &PolicyList) -> String;

/// The directive a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingDirective {
    Known(DirectiveId),
    /// An unknown directive: its name as written in the policy.
    Written(Span),
}

/// Extra data a detail sentence needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    None,
    Text(&'static str),
    Count(usize),
    /// Index of the directive token in its policy.
    Directive(usize),
    /// Index in [`PolicyList::delivery_issues`].
    Delivery(usize),
}

/// A fix that depends on the finding, rendered into [`Finding::fix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    None,
    /// The policy's nonce + `'strict-dynamic'` equivalent.
    StrictPolicy,
    /// The policy with this directive appended.
    Append(&'static str),
    /// A fixed sentence.
    Text(&'static str),
}

/// One finding of a policy-level rule, before rendering.
#[derive(Debug, Clone, Copy)]
pub struct CspFinding {
    pub rule: &'static Rule,
    pub severity: Severity,
    /// Index in [`PolicyList::policies`]; `None` for findings about the list as a whole.
    pub policy: Option<usize>,
    pub directive: Option<FindingDirective>,
    /// The index of the directive token it is about, in its policy.
    pub directive_index: Option<u32>,
    /// The value token it is about, in the policy's text.
    pub source: Option<Span>,
    pub arg: Arg,
    pub fix: Fix,
    /// About a report-only policy: shown at info severity, with the detail saying so.
    pub report_only: bool,
    /// When not 0, this finding stands for that many findings of its rule in its policy
    /// that were left out (past [`MAX_FINDINGS_PER_RULE`]).
    pub omitted: usize,
    detail: Detail,
}

impl CspFinding {
    /// A finding of `rule` at its default severity.
    pub fn new(rule: &'static Rule, detail: Detail) -> Self {
        CspFinding {
            rule,
            severity: rule.severity,
            policy: None,
            directive: None,
            directive_index: None,
            source: None,
            arg: Arg::None,
            fix: Fix::None,
            report_only: false,
            omitted: 0,
            detail,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn policy(mut self, index: usize) -> Self {
        self.policy = Some(index);
        self
    }

    /// About this directive (and its policy).
    pub fn at(mut self, policy: usize, directive: &DirectiveRef<'_>) -> Self {
        self.policy = Some(policy);
        self.directive = Some(match directive.id() {
            Some(id) => FindingDirective::Known(id),
            None => FindingDirective::Written(directive.directive().name),
        });
        self.directive_index = u32::try_from(directive.index).ok();
        self
    }

    pub fn known_directive(mut self, id: DirectiveId) -> Self {
        self.directive = Some(FindingDirective::Known(id));
        self
    }

    /// About this value token (of the finding's policy).
    pub fn source(mut self, value: &ValueRef<'_>) -> Self {
        self.source = Some(value.value().span);
        self
    }

    pub fn arg(mut self, arg: Arg) -> Self {
        self.arg = arg;
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = fix;
        self
    }

    pub fn rule_id(&self) -> &'static str {
        self.rule.id
    }

    pub fn policy_of<'l>(&self, list: &'l PolicyList) -> Option<&'l Policy> {
        list.policies.get(self.policy?)
    }

    /// The directive name, lowercase.
    pub fn directive_name<'l>(&self, list: &'l PolicyList) -> Option<Cow<'l, str>> {
        match self.directive? {
            FindingDirective::Known(id) => Some(Cow::Borrowed(id.as_str())),
            FindingDirective::Written(span) => {
                let name = self.policy_of(list)?.str(span);
                Some(if name.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(name.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(name)
                })
            }
        }
    }

    /// The value token the finding is about.
    pub fn value<'l>(&self, list: &'l PolicyList) -> Option<&'l super::parse::Value> {
        let policy = self.policy_of(list)?;
        let span = self.source?;
        let i = policy
            .values
            .binary_search_by_key(&span.start, |v| v.span.start)
            .ok()?;
        policy.values.get(i)
    }

    /// The directive the finding is about, when `arg` holds its index.
    pub fn directive_at<'l>(&self, list: &'l PolicyList) -> Option<DirectiveRef<'l>> {
        let policy = self.policy_of(list)?;
        match self.arg {
            Arg::Directive(index) if index < policy.directives.len() => {
                Some(DirectiveRef { policy, index })
            }
            _ => None,
        }
    }

    /// The value token, as written.
    pub fn source_text<'l>(&self, list: &'l PolicyList) -> Option<&'l str> {
        Some(self.policy_of(list)?.str(self.source?))
    }

    /// The detail sentence.
    pub fn detail(&self, list: &PolicyList) -> String {
        if self.omitted > 0 {
            return format!(
                "…and {} more `{}` findings in this policy, not listed.",
                self.omitted, self.rule.id
            );
        }
        let detail = (self.detail)(self, list);
        if self.report_only {
            format!("In the report-only policy (nothing is blocked yet): {detail}")
        } else {
            detail
        }
    }

    /// The report finding: detail, directive, source, evidence and fix.
    pub fn to_finding(&self, list: &PolicyList, fixes: &mut FixCache) -> Finding {
        let mut f = Finding::new(self.rule, self.detail(list)).severity(self.severity);
        if let Some(d) = self.directive_name(list) {
            f = f.directive(d.into_owned());
        }
        if let Some(s) = self.source_text(list).filter(|_| self.omitted == 0) {
            f = f.source(s);
        }
        let policy = self
            .policy_of(list)
            .or_else(|| list.enforced_indexed().next().map(|(_, p)| p));
        if let Some(p) = policy {
            f = f.evidence(match p.source {
                PolicySource::Header => Evidence::header(&p.header, &p.text),
                PolicySource::Meta => Evidence::body(&format!(
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
                    p.text
                )),
            });
        }
        let policy_index = self
            .policy
            .or_else(|| list.enforced_indexed().next().map(|(i, _)| i));
        let fix = match (self.fix, policy_index) {
            _ if self.omitted > 0 => None,
            (Fix::StrictPolicy, Some(i)) => fixes.strict(list, i),
            (Fix::Append(directive), Some(i)) => list.policies.get(i).map(|p| {
                let text = p.text.trim().trim_end_matches(';').trim_end();
                if text.is_empty() {
                    format!("Content-Security-Policy: {directive}")
                } else if text.len() > MAX_FIX_POLICY_BYTES {
                    format!("Add `{directive}` to the policy.")
                } else {
                    format!("Content-Security-Policy: {text}; {directive}")
                }
            }),
            (Fix::Append(directive), None) => Some(format!("Content-Security-Policy: {directive}")),
            (Fix::Text(text), _) => Some(text.to_string()),
            _ => None,
        };
        if let Some(fix) = fix {
            f = f.fix(fix);
        }
        f
    }
}

/// Longest policy quoted whole in a fix.
const MAX_FIX_POLICY_BYTES: usize = 1024;

/// Rendered nonce-based rewrites, one per policy.
#[derive(Debug, Default)]
pub struct FixCache {
    strict: HashMap<usize, String>,
}

impl FixCache {
    fn strict(&mut self, list: &PolicyList, index: usize) -> Option<String> {
        if let Some(s) = self.strict.get(&index) {
            return Some(s.clone());
        }
        let s = strict_rewrite(list.policies.get(index)?);
        self.strict.insert(index, s.clone());
        Some(s)
    }
}

/// Most values of one directive written out in a suggested policy.
const MAX_REWRITE_VALUES: usize = 24;

/// Whether a policy's scripts rely on a host/scheme/`'self'` allowlist.
pub fn is_allowlist_based(policy: &Policy) -> bool {
    let Some(d) = policy.effective(DirectiveId::ScriptSrcElem) else {
        return false;
    };
    d.effective_sources(DirectiveId::ScriptSrcElem)
        .any(|(_, e)| e.is_url_based())
}

/// The nonce + `'strict-dynamic'` equivalent of a policy, as a header line and as
/// Flask-Talisman settings: `script-src` becomes nonce-based (with `https:` and
/// `'unsafe-inline'` kept only as fallbacks that modern browsers ignore), `object-src`
/// becomes `'none'`, `base-uri` is added, and the other directives are kept.
pub fn strict_rewrite(policy: &Policy) -> String {
    let script = [
        "'nonce-{RANDOM}'",
        "'strict-dynamic'",
        "https:",
        "'unsafe-inline'",
    ];
    let base_uri = policy
        .get(DirectiveId::BaseUri)
        .filter(|d| {
            !d.flags()
                .has(ListFlags::WILDCARD | ListFlags::SCHEME | ListFlags::HOST)
        })
        .map(|d| d.sources().map(|(v, _)| v.text()).collect::<Vec<_>>())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vec!["'self'"]);
    let mut directives: Vec<(&str, Vec<&str>)> = vec![
        ("script-src", script.to_vec()),
        ("object-src", vec!["'none'"]),
        ("base-uri", base_uri),
    ];
    for d in policy.active_directives() {
        let Some(id) = d.id() else { continue };
        if matches!(
            id,
            DirectiveId::ScriptSrc
                | DirectiveId::ScriptSrcElem
                | DirectiveId::ScriptSrcAttr
                | DirectiveId::ObjectSrc
                | DirectiveId::BaseUri
        ) || matches!(id.def().status, Status::Deprecated(_))
        {
            continue;
        }
        let mut values: Vec<&str> = d
            .values()
            .filter(|v| {
                !v.value().duplicate
                    && !matches!(v.value().kind, super::parse::ValueKind::Invalid(_))
            })
            .map(|v| v.text())
            .take(MAX_REWRITE_VALUES + 1)
            .collect();
        if values.len() > MAX_REWRITE_VALUES {
            values.truncate(MAX_REWRITE_VALUES);
            values.push("…");
        }
        directives.push((id.as_str(), values));
    }
    let mut header = String::from("Content-Security-Policy: ");
    for (i, (name, values)) in directives.iter().enumerate() {
        if i > 0 {
            header.push_str("; ");
        }
        header.push_str(name);
        for v in values {
            header.push(' ');
            header.push_str(v);
        }
    }
    let mut talisman = String::from("Talisman(app,\n    content_security_policy={\n");
    for (name, values) in &directives {
        let values: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| !v.starts_with("'nonce-"))
            .collect();
        let _ = match values.as_slice() {
            [] => writeln!(talisman, "        '{name}': '',"),
            [one] => writeln!(talisman, "        '{name}': \"{one}\","),
            many => {
                let quoted: Vec<String> = many.iter().map(|v| format!("\"{v}\"")).collect();
                writeln!(talisman, "        '{name}': [{}],", quoted.join(", "))
            }
        };
    }
    talisman.push_str(
        "    },\n    content_security_policy_nonce_in=['script-src'])\n\
         # templates: <script nonce=\"{{ csp_nonce() }}\">…</script>",
    );
    format!(
        "Nonce-based equivalent ({{RANDOM}} = a fresh random value per response, which Talisman adds):\n{header}\n\nWith Flask-Talisman:\n{talisman}"
    )
}

/// Runs every policy-level `csp-*` rule over `list`.
pub fn evaluate_all(list: &PolicyList) -> Vec<CspFinding> {
    let mut out = Vec::with_capacity(16);
    for (_, evaluate) in crate::rules::csp::POLICY_RULES {
        evaluate(list, &mut out);
    }
    out
}

/// Renders findings for a report.
pub fn render(list: &PolicyList, findings: &[CspFinding]) -> Vec<Finding> {
    let mut fixes = FixCache::default();
    findings
        .iter()
        .map(|f| f.to_finding(list, &mut fixes))
        .collect()
}

/// Most findings of one rule kept for one policy; the rest are summed up in one more
/// finding (see [`CspFinding::omitted`]), so a hostile policy (50,000 duplicate
/// directives) cannot blow the findings or the report up.
pub const MAX_FINDINGS_PER_RULE: usize = 256;

/// The result of [`check_csp`]: the parsed policies and the compact findings. Render them
/// with [`CspCheck::findings`], [`CspCheck::view`] or [`CspCheck::report`].
#[derive(Debug, Clone)]
pub struct CspCheck {
    pub policies: PolicyList,
    pub raw: Vec<CspFinding>,
}

/// What `checkCsp` returns (JSON): the findings and the per-policy view.
#[derive(Debug, Clone, Serialize)]
pub struct CspReport {
    pub findings: Vec<Finding>,
    pub policies: Vec<PolicyView>,
}

impl CspCheck {
    /// The rule ids found, in evaluation order (with repeats).
    pub fn rule_ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.raw.iter().map(|f| f.rule.id)
    }

    /// The findings, rendered, worst first.
    pub fn findings(&self) -> Vec<Finding> {
        let mut v = render(&self.policies, &self.raw);
        crate::report::sort_worst_first(&mut v);
        v
    }

    /// The structured view of the policies.
    pub fn view(&self) -> Vec<PolicyView> {
        super::view::view(&self.policies, &self.raw)
    }

    pub fn report(&self) -> CspReport {
        CspReport {
            findings: self.findings(),
            policies: self.view(),
        }
    }
}

/// Evaluates one `Content-Security-Policy` header value (comma-separated policies
/// allowed) as an enforced header policy, with every policy-level `csp-*` rule. Linear in
/// the length of the value; the findings are not rendered until asked for.
pub fn check_csp(policy_text: &str) -> CspCheck {
    let policies = PolicyList::from_header_value(policy_text, Disposition::Enforce);
    let raw = evaluate_all(&policies);
    CspCheck { policies, raw }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_csp_renders_findings_with_directive_source_and_evidence() {
        let check = check_csp("script-src 'self' 'unsafe-inline' https://www.google.com");
        let findings = check.findings();
        let inline = findings
            .iter()
            .find(|f| f.rule == "csp-unsafe-inline")
            .unwrap();
        assert_eq!(inline.directive.as_deref(), Some("script-src"));
        assert_eq!(inline.source.as_deref(), Some("'unsafe-inline'"));
        assert!(matches!(inline.evidence, Some(Evidence::Header { .. })));
        let bypass = findings
            .iter()
            .find(|f| f.rule == "csp-allowlist-bypass" && f.severity == Severity::High)
            .unwrap();
        assert_eq!(bypass.source.as_deref(), Some("https://www.google.com"));
        let fix = bypass.fix.as_deref().unwrap();
        assert!(fix.contains("script-src 'nonce-{RANDOM}' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'self'"), "{fix}");
        assert!(
            fix.contains("content_security_policy_nonce_in=['script-src']"),
            "{fix}"
        );
        assert!(fix.contains("csp_nonce()"), "{fix}");
    }

    #[test]
    fn strict_rewrite_keeps_other_directives() {
        let list = PolicyList::from_header_value(
            "default-src 'self'; script-src https://cdn.example; img-src 'self' data:; base-uri 'none'; referrer no-referrer",
            Disposition::Enforce,
        );
        let s = strict_rewrite(&list.policies[0]);
        assert!(s.contains("Content-Security-Policy: script-src 'nonce-{RANDOM}' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'; default-src 'self'; img-src 'self' data:\n"), "{s}");
        assert!(s.contains("'img-src': [\"'self'\", \"data:\"],"), "{s}");
        assert!(is_allowlist_based(&list.policies[0]));
    }
}
