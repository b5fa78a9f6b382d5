//! What `check` returns: findings with severity and evidence, a score and grade per
//! exchange, and the renderers (JSON, SARIF, Markdown, text) that every surface shares.
//!
//! The JSON shape is the output contract in DESIGN.md, described by
//! `schemas/report.schema.json` at the repository root.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::exchange::Scheme;
use crate::input::InputFormat;
use crate::rules::Rule;

pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected critical, high, medium, low or info)")
            })
    }
}

/// A letter grade. Ordered from worst to best: `F < D < C < B < A < A+`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    F,
    D,
    C,
    B,
    A,
    APlus,
}

impl Grade {
    pub const ALL: [Grade; 6] = [
        Grade::APlus,
        Grade::A,
        Grade::B,
        Grade::C,
        Grade::D,
        Grade::F,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::APlus => "A+",
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::F => "F",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Grade {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Grade::ALL
            .into_iter()
            .find(|g| {
                g.as_str().eq_ignore_ascii_case(s)
                    || (*g == Grade::APlus && s.eq_ignore_ascii_case("a-plus"))
            })
            .ok_or_else(|| format!("unknown grade `{s}` (expected A+, A, B, C, D or F)"))
    }
}

impl Serialize for Grade {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Grade {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a finding points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Evidence {
    /// A header line (name as sent, value possibly shortened), with its 1-based line in
    /// the input when known (filled in by `check`; SARIF regions use it).
    Header {
        header: String,
        value: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
    },
    /// An excerpt of the body.
    Body { body: String },
    /// Several exchanges of the same input (indexes into `exchanges`).
    Exchanges { exchanges: Vec<usize> },
}

/// Longest evidence value quoted in a report; longer ones are cut with an ellipsis.
pub const MAX_EVIDENCE_CHARS: usize = 300;

impl Evidence {
    pub fn header(name: &str, value: &str) -> Self {
        Evidence::Header {
            header: name.to_string(),
            value: shorten(value, MAX_EVIDENCE_CHARS).into_owned(),
            line: None,
        }
    }

    /// Evidence quoting one header line of the input, keeping its line number.
    pub fn from_header(header: &crate::exchange::Header) -> Self {
        Evidence::Header {
            header: header.name.clone(),
            value: shorten(&header.value, MAX_EVIDENCE_CHARS).into_owned(),
            line: header.line,
        }
    }

    /// Fills in the line of header evidence that lacks one, from the header line of
    /// `headers` it quotes (same name and value, else the first line with that name).
    pub fn locate_in(&mut self, headers: &crate::exchange::Headers) {
        let Evidence::Header {
            header,
            value,
            line: line @ None,
        } = self
        else {
            return;
        };
        let quoted = |h: &&crate::exchange::Header| {
            h.is(header) && (h.value == *value || shorten(&h.value, MAX_EVIDENCE_CHARS) == *value)
        };
        *line = headers
            .iter()
            .find(quoted)
            .or_else(|| headers.get_header(header))
            .and_then(|h| h.line);
    }

    pub fn body(excerpt: &str) -> Self {
        Evidence::Body {
            body: shorten(excerpt, MAX_EVIDENCE_CHARS).into_owned(),
        }
    }
}

/// Cuts `s` to at most `max` chars (on a char boundary), adding `…`.
pub fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    // No more bytes than `max` means no more chars: skip the char walk (the common case).
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}…", &s[..cut])),
    }
}

/// One problem found in one exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable rule id (`hsts-missing`).
    pub rule: &'static str,
    pub severity: Severity,
    pub title: Cow<'static, str>,
    /// What exactly is wrong here, in one or two sentences.
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directive: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// A fix that depends on this finding (the secret that matched, a rewritten CSP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    /// A finding of `rule` with its default severity and title.
    pub fn new(rule: &'static Rule, detail: impl Into<String>) -> Self {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            title: Cow::Borrowed(rule.title),
            detail: detail.into(),
            directive: None,
            source: None,
            cookie: None,
            evidence: None,
            fix: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn title(mut self, title: impl Into<Cow<'static, str>>) -> Self {
        self.title = title.into();
        self
    }

    pub fn directive(mut self, directive: impl Into<String>) -> Self {
        self.directive = Some(directive.into());
        self
    }

    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub fn cookie(mut self, cookie: impl Into<String>) -> Self {
        self.cookie = Some(cookie.into());
        self
    }

    pub fn evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = Some(evidence);
        self
    }

    /// Evidence pointing at a header line.
    pub fn header_evidence(self, name: &str, value: &str) -> Self {
        self.evidence(Evidence::header(name, value))
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// The report for one exchange.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeReport {
    pub url: Option<String>,
    pub method: Option<String>,
    pub status: Option<u16>,
    pub scheme: Scheme,
    pub grade: Grade,
    pub score: u8,
    pub findings: Vec<Finding>,
    /// Rule ids that were evaluated on this exchange and held.
    pub passed: Vec<&'static str>,
    /// Structured views for the UI and JSON consumers (CSP policies, cookies, sessions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub csp: Vec<crate::csp::PolicyView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<crate::cookies::CookieView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<crate::flask::SessionView>,
}

impl ExchangeReport {
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Notes about the input as a whole (assumed scheme, truncated bodies, skipped entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub message: String,
}

/// The whole report for one input.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub worst_grade: Grade,
    pub input_format: InputFormat,
    pub exchanges: Vec<ExchangeReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Rule text and fixes, once, for the ids that occur in findings.
    pub rules: BTreeMap<&'static str, RuleDoc>,
}

/// The report's self-description of the producing tool.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "headwarden",
            version: crate::VERSION,
        }
    }
}

/// A rule's documentation as it appears in reports.
#[derive(Debug, Clone, Serialize)]
pub struct RuleDoc {
    pub title: &'static str,
    pub severity: Severity,
    pub docs: String,
    pub fixes: BTreeMap<&'static str, &'static str>,
}

impl RuleDoc {
    pub fn of(rule: &Rule) -> Self {
        RuleDoc {
            title: rule.title,
            severity: rule.severity,
            docs: rule.docs(),
            // Inserted one by one: `collect` into a map instantiates a sort for it.
            fixes: rule
                .fixes
                .iter()
                .fold(BTreeMap::new(), |mut fixes, (k, v)| {
                    fixes.insert(k, v);
                    fixes
                }),
        }
    }
}

/// Sorts findings worst first, keeping the order of equal severities. Every caller uses
/// this one function: each `sort_by_key` closure is another copy of the sort in the wasm.
pub fn sort_worst_first(findings: &mut [Finding]) {
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
}

impl Report {
    /// The most severe finding over all exchanges.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.exchanges
            .iter()
            .filter_map(ExchangeReport::worst_severity)
            .max()
    }

    /// Total number of findings over all exchanges.
    pub fn finding_count(&self) -> usize {
        self.exchanges.iter().map(|e| e.findings.len()).sum()
    }
}
