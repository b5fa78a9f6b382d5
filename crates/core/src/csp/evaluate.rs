//! The evaluator: the `csp-*` rules that read only policies produce compact
//! [`CspFinding`]s (spans into the policy text, a function that writes the detail), which
//! become report [`Finding`]s only when rendered. [`check_csp`] runs them over one header
//! value — the entry point of the npm package's `checkCsp` and of the benchmark.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::report::{shorten, Evidence, Finding, Severity, MAX_EVIDENCE_CHARS};
use crate::rules::Rule;

use super::directive::{DirectiveId, Status};
use super::effective::{DirectiveRef, ValueRef};
use super::parse::{Directive, ListFlags, Policy, Span};
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

/// A fix that depends on the finding, rendered into [`Finding::fix`]: what to change in
/// the finding's own directive, short. No fix quotes the whole policy, except the one
/// finding per policy that carries its [`SuggestedPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    None,
    /// This change to the finding's directive, on the way to the policy's nonce +
    /// `'strict-dynamic'` equivalent ([`suggested_policy`]). The first such finding of a
    /// policy carries the suggested policy; the others point to it.
    Strict(Step),
    /// Add this directive to the policy.
    Append(&'static str),
    /// A fixed sentence.
    Text(&'static str),
}

/// What to change in the finding's directive, towards a nonce-based policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Remove the finding's source from its directive.
    RemoveSource,
    /// Add a nonce and `'strict-dynamic'` to the finding's directive.
    AddNonce,
    /// Add a nonce to the finding's directive (it has `'strict-dynamic'` already).
    AddNonceOnly,
    /// Add a nonce-based `script-src` (the policy has none).
    AddScriptSrc,
}

/// Longest source or directive name quoted in a fix or next to an ellipsis in evidence.
const MAX_FIX_QUOTE_CHARS: usize = 120;

/// A directive as evidence quotes it: whole when short; else its name and the finding's
/// source (`script-src … https://a.example …`), so the evidence shows what the finding
/// is about however long the list; else its start.
fn directive_excerpt<'p>(policy: &'p Policy, d: &Directive, source: Option<Span>) -> Cow<'p, str> {
    let text = policy.str(d.token);
    let whole = shorten(text, MAX_EVIDENCE_CHARS);
    if matches!(whole, Cow::Borrowed(_)) {
        return whole;
    }
    let Some(source) = source.filter(|s| s.start > d.name.end && s.end <= d.token.end) else {
        return whole;
    };
    let name = shorten(policy.str(d.name), MAX_FIX_QUOTE_CHARS);
    let value = shorten(policy.str(source), MAX_FIX_QUOTE_CHARS);
    let first = policy.values_of(d).first().map(|v| v.span.start) == Some(source.start);
    let last = source.end == d.token.end;
    Cow::Owned(format!(
        "{name} {}{value}{}",
        if first { "" } else { "… " },
        if last { "" } else { " …" }
    ))
}

impl Step {
    fn sentence(self, f: &CspFinding, list: &PolicyList) -> String {
        let directive = f.directive_name(list).unwrap_or_default();
        let directive = shorten(&directive, MAX_FIX_QUOTE_CHARS);
        match self {
            Step::RemoveSource => {
                let source = shorten(f.source_text(list).unwrap_or_default(), MAX_FIX_QUOTE_CHARS);
                format!("Remove `{source}` from `{directive}`.")
            }
            Step::AddNonce => format!(
                "Add `'nonce-{{RANDOM}}' 'strict-dynamic'` to `{directive}` (browsers that support them then ignore 'unsafe-inline' and host sources there) and give your scripts the nonce."
            ),
            Step::AddNonceOnly => format!(
                "Add the response's nonce (`'nonce-{{RANDOM}}'`) to `{directive}` and give your scripts the nonce."
            ),
            Step::AddScriptSrc => {
                "Add `script-src 'nonce-{RANDOM}' 'strict-dynamic'` and give your scripts the nonce."
                    .to_string()
            }
        }
    }
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

    /// The evidence: the directive the finding is about (name and sources, shortened),
    /// quoted from the header line (or `<meta>`) that delivered `policy`; the policy's
    /// text when the finding is about no directive written in it.
    fn evidence(&self, policy: &Policy) -> Evidence {
        let index = self
            .directive_index
            .map(|i| i as usize)
            .or(match self.arg {
                Arg::Directive(i) => Some(i),
                _ => None,
            })
            .or_else(|| match self.directive {
                Some(FindingDirective::Known(id)) => policy.index_of(id),
                _ => None,
            })
            .filter(|_| self.policy.is_some());
        let directive = index.and_then(|i| policy.directives.get(i));
        let quoted = match directive {
            Some(d) => directive_excerpt(policy, d, self.source),
            None => shorten(&policy.text, MAX_EVIDENCE_CHARS),
        };
        match policy.source {
            PolicySource::Header => Evidence::Header {
                header: policy.header.clone(),
                value: quoted.into_owned(),
                line: policy.line,
            },
            PolicySource::Meta => {
                // Ellipses where the policy has more than the quoted directive.
                let (before, after) = directive.map_or((false, false), |d| {
                    let outside = |s: &str| !s.trim_matches([';', ' ', '\t']).is_empty();
                    let (start, end) = (d.token.start as usize, d.token.end as usize);
                    (
                        policy.text.get(..start).is_some_and(outside),
                        policy.text.get(end..).is_some_and(outside),
                    )
                });
                Evidence::body(&format!(
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"{}{quoted}{}\">",
                    if before { "…" } else { "" },
                    if after { "…" } else { "" },
                ))
            }
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
            f = f.evidence(self.evidence(p));
        }
        let policy_index = self
            .policy
            .or_else(|| list.enforced_indexed().next().map(|(i, _)| i));
        let fix = match (self.fix, policy_index) {
            _ if self.omitted > 0 => None,
            (Fix::Strict(step), Some(i)) => {
                let mut fix = step.sentence(self, list);
                match fixes.suggest(list, i, self.rule.id) {
                    Suggestion::Here(suggested) => {
                        fix.push_str("\n\n");
                        fix.push_str(&suggested.fix_text());
                    }
                    Suggestion::Given(rule) => {
                        let _ = write!(fix, " See the suggested policy in the `{rule}` finding.");
                    }
                    Suggestion::None => {}
                }
                Some(fix)
            }
            (Fix::Strict(step), None) => Some(step.sentence(self, list)),
            (Fix::Append(directive), Some(i))
                if list.policies.get(i).is_some_and(|p| !p.is_empty()) =>
            {
                Some(format!("Add `{directive}` to the policy."))
            }
            (Fix::Append(directive), _) => Some(format!("Content-Security-Policy: {directive}")),
            (Fix::Text(text), _) => Some(text.to_string()),
            _ => None,
        };
        if let Some(fix) = fix {
            f = f.fix(fix);
        }
        f
    }
}

/// Policy length past which a suggested policy's buffers are not sized up front.
const MAX_SUGGESTED_POLICY_BYTES: usize = 4096;

/// Which finding carries each policy's suggested nonce-based policy: the first rendered
/// finding that suggests it, so the policy is written out once, not once per finding.
#[derive(Debug, Default)]
pub struct FixCache {
    /// Policy index → the rule whose finding carries the suggestion.
    given: HashMap<usize, &'static str>,
}

/// Where a policy's suggested policy goes, for one finding.
enum Suggestion {
    /// In this finding.
    Here(SuggestedPolicy),
    /// Already in a finding of this rule.
    Given(&'static str),
    None,
}

impl FixCache {
    fn suggest(&mut self, list: &PolicyList, index: usize, rule: &'static str) -> Suggestion {
        if let Some(given) = self.given.get(&index) {
            return Suggestion::Given(given);
        }
        let Some(policy) = list.policies.get(index) else {
            return Suggestion::None;
        };
        self.given.insert(index, rule);
        Suggestion::Here(suggested_policy(policy))
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

/// A policy's nonce + `'strict-dynamic'` equivalent (see [`suggested_policy`]), shown
/// once per policy: in the CSP view and in one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuggestedPolicy {
    /// The header line, `{RANDOM}` standing for a fresh nonce per response.
    pub header: String,
    /// The same policy as Flask-Talisman settings (Talisman adds the nonce).
    pub talisman: String,
}

impl SuggestedPolicy {
    /// As the fix text of the finding that carries it.
    pub fn fix_text(&self) -> String {
        format!(
            "Nonce-based equivalent ({{RANDOM}} = a fresh random value per response, which Talisman adds):\n{}\n\nWith Flask-Talisman:\n{}",
            self.header, self.talisman
        )
    }
}

/// The nonce + `'strict-dynamic'` equivalent of a policy, as a header line and as
/// Flask-Talisman settings: `script-src` becomes nonce-based (with `https:` and
/// `'unsafe-inline'` kept only as fallbacks that modern browsers ignore), `object-src`
/// becomes `'none'`, `base-uri` is added, and the other directives are kept.
pub fn suggested_policy(policy: &Policy) -> SuggestedPolicy {
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
    let capacity = 256 + policy.text.len().min(MAX_SUGGESTED_POLICY_BYTES);
    let mut header = String::with_capacity(capacity);
    header.push_str("Content-Security-Policy: ");
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
    let mut talisman = String::with_capacity(capacity);
    talisman.push_str("Talisman(app,\n    content_security_policy={\n");
    for (name, values) in &directives {
        let mut values = values.iter().filter(|v| !v.starts_with("'nonce-"));
        let (first, second) = (values.next(), values.next());
        let _ = match (first, second) {
            (None, _) => writeln!(talisman, "        '{name}': '',"),
            (Some(one), None) => writeln!(talisman, "        '{name}': \"{one}\","),
            (Some(one), Some(two)) => {
                let _ = write!(talisman, "        '{name}': [\"{one}\", \"{two}\"");
                for v in values {
                    let _ = write!(talisman, ", \"{v}\"");
                }
                writeln!(talisman, "],")
            }
        };
    }
    talisman.push_str(
        "    },\n    content_security_policy_nonce_in=['script-src'])\n\
         # templates: <script nonce=\"{{ csp_nonce() }}\">…</script>",
    );
    SuggestedPolicy { header, talisman }
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
    let mut out = Vec::with_capacity(findings.len());
    render_into(list, findings, &mut FixCache::default(), &mut out);
    out
}

/// Renders findings into `out`, reusing the rewrites in `fixes` (one per policy, shared
/// by every rule that suggests it).
pub fn render_into(
    list: &PolicyList,
    findings: &[CspFinding],
    fixes: &mut FixCache,
    out: &mut Vec<Finding>,
) {
    out.extend(findings.iter().map(|f| f.to_finding(list, fixes)));
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
        // The first finding that suggests the nonce-based policy carries it whole.
        let fix = inline.fix.as_deref().unwrap();
        assert!(
            fix.starts_with("Add `'nonce-{RANDOM}' 'strict-dynamic'` to `script-src`"),
            "{fix}"
        );
        assert!(fix.contains("script-src 'nonce-{RANDOM}' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'self'"), "{fix}");
        assert!(
            fix.contains("content_security_policy_nonce_in=['script-src']"),
            "{fix}"
        );
        assert!(fix.contains("csp_nonce()"), "{fix}");
        // The others say what to change in their directive and point to it.
        let bypass = findings
            .iter()
            .find(|f| f.rule == "csp-allowlist-bypass" && f.severity == Severity::High)
            .unwrap();
        assert_eq!(bypass.source.as_deref(), Some("https://www.google.com"));
        let fix = bypass.fix.as_deref().unwrap();
        assert!(
            fix.starts_with("Remove `https://www.google.com` from `script-src`"),
            "{fix}"
        );
        assert!(fix.contains("in the `csp-unsafe-inline` finding"), "{fix}");
        assert!(!fix.contains("Content-Security-Policy:"), "{fix}");
        let suggesting = findings
            .iter()
            .filter(|f| f.fix.as_deref().is_some_and(|x| x.contains("Talisman(")))
            .count();
        assert_eq!(suggesting, 1);
        let view = check.view();
        let suggested = view[0].suggested.as_ref().unwrap();
        assert!(suggested
            .header
            .starts_with("Content-Security-Policy: script-src 'nonce-{RANDOM}'"));
        assert!(suggested.talisman.starts_with("Talisman(app,"));
    }

    #[test]
    fn evidence_quotes_the_directive_and_fixes_stay_short() {
        let hosts: String = (0..100).map(|i| format!(" https://h{i}.example")).collect();
        let policy = format!("default-src 'self'; script-src 'unsafe-inline'{hosts}; object-src *");
        let findings = check_csp(&policy).findings();
        let trusted = findings
            .iter()
            .find(|f| f.rule == "csp-trusted-types-missing")
            .unwrap();
        assert_eq!(
            trusted.fix.as_deref(),
            Some("Add `require-trusted-types-for 'script'` to the policy.")
        );
        let host = findings
            .iter()
            .find(|f| f.source.as_deref() == Some("https://h7.example"))
            .unwrap();
        let Some(Evidence::Header { header, value, .. }) = &host.evidence else {
            panic!("{host:?}");
        };
        assert_eq!(header, "Content-Security-Policy");
        assert_eq!(value, "script-src … https://h7.example …");
        let inline = findings
            .iter()
            .find(|f| f.rule == "csp-unsafe-inline")
            .unwrap();
        let Some(Evidence::Header { value, .. }) = &inline.evidence else {
            panic!("{inline:?}");
        };
        assert_eq!(value, "script-src 'unsafe-inline' …");
        let wildcard = findings
            .iter()
            .find(|f| f.rule == "csp-wildcard-source")
            .unwrap();
        let Some(Evidence::Header { value, .. }) = &wildcard.evidence else {
            panic!("{wildcard:?}");
        };
        assert_eq!(value, "object-src *");
        let Some(Evidence::Header { value, .. }) = &trusted.evidence else {
            panic!("{trusted:?}");
        };
        assert!(
            value.starts_with("default-src 'self'; script-src"),
            "{value}"
        );
        for f in &findings {
            let fix = f.fix.as_deref().unwrap_or_default();
            if !fix.contains("Talisman(") {
                assert!(fix.len() < 400, "{}: {fix}", f.rule);
            }
        }
    }

    #[test]
    fn exchange_evidence_keeps_the_header_line_and_marks_cut_meta_policies() {
        let r = crate::rules::testing::report(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Security-Policy: object-src 'none'\r\nContent-Security-Policy: object-src 'none'; script-src 'self' https://a.example\r\n\r\n<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"object-src 'none'; script-src https://a.example; base-uri 'none'\"></head></html>",
        );
        let evidence: Vec<_> = r.exchanges[0]
            .findings
            .iter()
            .filter(|f| {
                f.rule == "csp-allowlist-bypass" && f.source.as_deref() == Some("https://a.example")
            })
            .filter_map(|f| f.evidence.clone())
            .collect();
        assert_eq!(
            evidence,
            [
                Evidence::Header {
                    header: "Content-Security-Policy".into(),
                    value: "script-src 'self' https://a.example".into(),
                    line: Some(4),
                },
                Evidence::Body {
                    body: "<meta http-equiv=\"Content-Security-Policy\" content=\"…script-src https://a.example…\">".into()
                }
            ]
        );
    }

    #[test]
    fn suggested_policy_keeps_other_directives() {
        let list = PolicyList::from_header_value(
            "default-src 'self'; script-src https://cdn.example; img-src 'self' data:; base-uri 'none'; referrer no-referrer",
            Disposition::Enforce,
        );
        let s = suggested_policy(&list.policies[0]);
        assert_eq!(s.header, "Content-Security-Policy: script-src 'nonce-{RANDOM}' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'; default-src 'self'; img-src 'self' data:");
        assert!(
            s.talisman.contains("'img-src': [\"'self'\", \"data:\"],"),
            "{s:?}"
        );
        assert!(is_allowlist_based(&list.policies[0]));
    }
}
