//! # headwarden-core
//!
//! The engine behind every headwarden surface (CLI, npm package, web checker, edge
//! worker). Pure Rust, no I/O: bytes in, reports and rewritten responses out. It builds
//! natively and for `wasm32-unknown-unknown`.
//!
//! ```
//! let input = b"HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.3 Python/3.11.7\r\nContent-Type: text/html\r\n\r\n";
//! let parsed = headwarden_core::parse(input).unwrap();
//! let report = headwarden_core::check(&parsed, &Default::default(), &Default::default());
//! assert_eq!(report.worst_grade.as_str(), "F");
//! assert!(report.rules.is_empty()); // see `CheckOptions::full_report` for docs and views
//! ```

pub mod cookies;
pub mod csp;
pub mod exchange;
pub mod flask;
pub mod headers;
pub mod html;
pub mod input;
pub mod limits;
pub mod policy;
pub mod report;
pub mod rules;
pub mod score;
pub mod spelling;

use std::collections::BTreeMap;

pub use exchange::{Exchange, Header, Headers, Request, Response, Scheme};
pub use flask::{audit_secret, decode_flask_session, FlaskSession, Secret, SessionError};
pub use input::{parse, parse_as, parse_with, InputError, InputFormat, ParseOptions, Parsed};
pub use policy::{enforce, Change, Policy};
pub use report::{Evidence, ExchangeReport, Finding, Grade, Report, RuleDoc, Severity};
pub use rules::{Context, Rule};

/// The version of headwarden (all crates share it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Options for [`check`] that are not part of the policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Overrides the scheme of every exchange (`--scheme`). Without it, the URL tells, and
    /// bare headers are assumed to be HTTPS.
    pub scheme: Option<Scheme>,
    /// Skip the built-in weak-secret audit of session cookies (the worker does).
    pub skip_secret_audit: bool,
    /// Rule ids not to run.
    pub disabled_rules: Vec<String>,
    /// Build each exchange's structured views (`csp`, `cookies`, `sessions`). Only the
    /// surfaces that show them ask (JSON output, npm, web page): grading alone (the
    /// worker, `policy suggest`) does not pay for them.
    pub views: bool,
    /// Fill the report's `rules` (docs and fixes of the rules that fired), for renderers
    /// that print them (CLI, web page).
    pub rule_docs: bool,
}

impl CheckOptions {
    /// Everything a full report shows: views and rule docs.
    pub fn full_report() -> Self {
        CheckOptions {
            views: true,
            rule_docs: true,
            ..Default::default()
        }
    }

    /// Whether rule `id` runs.
    pub fn is_enabled(&self, id: &str) -> bool {
        !self.disabled_rules.iter().any(|d| d == id)
    }
}

/// Grades every exchange of one input against `policy`.
pub fn check(parsed: &Parsed, policy: &Policy, options: &CheckOptions) -> Report {
    check_exchanges(
        &parsed.exchanges,
        parsed.format,
        &parsed.notes,
        policy,
        options,
    )
}

/// [`check`] for exchanges that did not come from [`parse`] (the worker's live responses).
pub fn check_exchanges(
    exchanges: &[Exchange],
    format: InputFormat,
    notes: &[String],
    policy: &Policy,
    options: &CheckOptions,
) -> Report {
    let contexts: Vec<Context<'_>> = exchanges
        .iter()
        .enumerate()
        .map(|(i, ex)| {
            let scheme = options
                .scheme
                .or_else(|| ex.url_scheme())
                .unwrap_or(Scheme::AssumedHttps);
            Context::new(ex, i, scheme, policy, options)
        })
        .collect();
    let results = rules::run(&contexts);
    let mut notes = notes.to_vec();
    if contexts.iter().any(|c| c.scheme == Scheme::AssumedHttps) {
        notes.push(
            "The input does not say which scheme was used; it was graded as HTTPS. \
             Use --scheme http (CLI) or the `scheme` option to change that."
                .to_string(),
        );
    }
    let mut rule_docs = BTreeMap::new();
    let mut exchange_reports = Vec::with_capacity(contexts.len());
    for (ctx, result) in contexts.iter().zip(results) {
        let rules::RuleResults {
            mut findings,
            passed,
            capped,
        } = result;
        for (rule, left_out) in capped {
            notes.push(format!(
                "Exchange {}: `{rule}` found {left_out} more problems than the {} reported.",
                ctx.index + 1,
                rules::MAX_FINDINGS_PER_RULE
            ));
        }
        report::sort_worst_first(&mut findings);
        for f in &mut findings {
            if let Some(evidence) = f.evidence.as_mut() {
                evidence.locate_in(ctx.headers());
            }
            if !options.rule_docs {
                continue;
            }
            if let Some(rule) = rules::by_id(f.rule) {
                rule_docs.entry(f.rule).or_insert_with(|| RuleDoc::of(rule));
            }
        }
        let strict = rules::csp::has_strict_script_policy(ctx);
        let (score, grade) = policy.scoring.grade(&findings, strict);
        let (csp, cookie_table, sessions) = if options.views {
            (
                ctx.csp().view(),
                cookies::cookie_views(ctx, &findings),
                ctx.sessions()
                    .iter()
                    .map(flask::SessionCookie::view)
                    .collect(),
            )
        } else {
            Default::default()
        };
        exchange_reports.push(ExchangeReport {
            url: ctx.exchange.url().map(str::to_string),
            method: ctx.exchange.method().map(str::to_string),
            status: ctx.status(),
            scheme: ctx.scheme,
            grade,
            score,
            findings,
            passed,
            csp,
            cookies: cookie_table,
            sessions,
        });
    }
    let worst_grade = exchange_reports
        .iter()
        .map(|e| e.grade)
        .min()
        .unwrap_or(Grade::F);
    Report {
        schema_version: 1,
        tool: report::Tool::default(),
        worst_grade,
        input_format: format,
        exchanges: exchange_reports,
        notes,
        rules: rule_docs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Views and rule docs are opt-in; asking for them changes nothing else.
    #[test]
    fn views_and_docs_only_when_asked() {
        let input = include_bytes!("../../../tests/fixtures/flask-talisman-index.http");
        let parsed = parse(input).unwrap();
        let policy = Policy::default();
        let lean = check(&parsed, &policy, &CheckOptions::default());
        let full = check(&parsed, &policy, &CheckOptions::full_report());
        let (l, f) = (&lean.exchanges[0], &full.exchanges[0]);
        assert!(l.csp.is_empty() && l.cookies.is_empty() && l.sessions.is_empty());
        assert!(lean.rules.is_empty());
        assert!(!f.csp.is_empty() && !f.cookies.is_empty() && !f.sessions.is_empty());
        assert!(f.findings.iter().all(|x| full.rules.contains_key(x.rule)));
        assert_eq!(l.findings, f.findings);
        assert_eq!((l.grade, l.score, &l.passed), (f.grade, f.score, &f.passed));
        assert_eq!(lean.notes, full.notes);
    }
}
