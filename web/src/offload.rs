//! Large inputs, checked in the Web Worker so the page stays responsive.
//!
//! Parsing and grading a 5 MB HAR takes hundreds of milliseconds, far too long for the
//! page's main thread. Past [`OFFLOAD_ABOVE_BYTES`] the page sends the text to the Web
//! Worker ([`crate::BackgroundCheck`]), which parses and checks the whole input and keeps
//! it. The page gets back a compact [`Summary`] (one [`Row`] per response: what the list of
//! responses shows) and, for the response the user selects, that one exchange as a
//! one-entry HAR plus its findings from input-wide rules ([`Detail`]). The page checks
//! that small HAR itself (milliseconds) for the detailed views, and [`Detail::check`] puts
//! back what a one-exchange check cannot see: the input-wide findings (a nonce reused
//! across responses) and the grade the whole input gives.
//!
//! Everything crosses as JSON read through `serde_json::Value`: no `Deserialize` derive
//! for the report types, which keeps the wasm small.

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use headwarden_core::input::InputFormat;
use headwarden_core::report::{Evidence, Finding, RuleDoc};
use headwarden_core::rules::{self, Check};
use headwarden_core::{CheckOptions, Exchange, Grade, Headers, Parsed, Policy, Report};
use serde_json::{json, Value};

use crate::SchemeChoice;

/// Inputs at least this long are checked in the Web Worker, after a pause in typing.
/// Below it the check takes a few milliseconds and runs on every keystroke.
pub const OFFLOAD_ABOVE_BYTES: usize = 256 * 1024;

/// One response of a large input, as the list of responses shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub url: Option<String>,
    pub method: Option<String>,
    pub status: Option<u16>,
    pub grade: Grade,
    pub score: u8,
}

/// What the worker found in a large input.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub format: InputFormat,
    pub rows: Vec<Row>,
    /// The report's notes about the input as a whole.
    pub notes: Vec<String>,
}

/// The options both sides check with: the page's full report, the worker's lean one (the
/// summary and the policy suggestion read findings only). Findings and grades are the same.
pub fn options(scheme: SchemeChoice, full: bool) -> CheckOptions {
    let base = if full {
        CheckOptions::full_report()
    } else {
        CheckOptions::default()
    };
    CheckOptions {
        scheme: scheme.scheme(),
        ..base
    }
}

/// A whole large input, parsed and checked (kept in the worker).
pub struct Checked {
    pub parsed: Parsed,
    pub report: Report,
}

impl Checked {
    pub fn new(input: &str, scheme: SchemeChoice) -> Result<Checked, String> {
        let parsed = headwarden_core::parse(input.as_bytes()).map_err(|e| e.to_string())?;
        let report = headwarden_core::check(&parsed, &Policy::default(), &options(scheme, false));
        Ok(Checked { parsed, report })
    }

    /// The summary, as JSON: `{format, notes, rows: [[url, method, status, grade, score]]}`.
    pub fn summary_json(&self) -> String {
        let rows: Vec<Value> = self
            .report
            .exchanges
            .iter()
            .map(|er| json!([er.url, er.method, er.status, er.grade.as_str(), er.score]))
            .collect();
        json!({
            "format": self.parsed.format.as_str(),
            "notes": self.report.notes,
            "rows": rows,
        })
        .to_string()
    }

    /// Exchange `index` as a one-entry HAR.
    pub fn exchange_har(&self, index: usize) -> Option<String> {
        self.parsed.exchanges.get(index).map(to_har)
    }

    /// The findings of exchange `index` from input-wide rules, as a JSON array.
    pub fn input_findings_json(&self, index: usize) -> String {
        let findings: Vec<&Finding> = self
            .report
            .exchanges
            .get(index)
            .map(|er| {
                er.findings
                    .iter()
                    .filter(|f| is_input_wide(f.rule))
                    .collect()
            })
            .unwrap_or_default();
        serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into())
    }

    /// The policy suggested for the whole input (TOML).
    pub fn policy(&self) -> String {
        crate::policy_export::suggest(Some((&self.parsed.exchanges, &self.report)))
    }
}

impl Summary {
    pub fn from_json(text: &str) -> Result<Summary, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let format = v["format"]
            .as_str()
            .and_then(|f| f.parse().ok())
            .ok_or("the worker's summary names no input format")?;
        let notes = strings(&v["notes"]);
        let rows = v["rows"]
            .as_array()
            .ok_or("the worker's summary has no rows")?
            .iter()
            .map(|r| {
                Some(Row {
                    url: r[0].as_str().map(str::to_string),
                    method: r[1].as_str().map(str::to_string),
                    status: r[2].as_u64().and_then(|s| u16::try_from(s).ok()),
                    grade: r[3].as_str()?.parse().ok()?,
                    score: r[4].as_u64().and_then(|s| u8::try_from(s).ok())?,
                })
            })
            .collect::<Option<Vec<Row>>>()
            .ok_or("the worker's summary has a malformed row")?;
        Ok(Summary {
            format,
            rows,
            notes,
        })
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether rule `id` runs over the whole input rather than one exchange at a time.
fn is_input_wide(id: &str) -> bool {
    rules::by_id(id).is_some_and(|r| matches!(r.check, Check::Input(_)))
}

/// An exchange as a one-entry HAR, which core's HAR reader turns back into the same
/// exchange (the body base64-encoded, so its bytes survive).
pub fn to_har(ex: &Exchange) -> String {
    let headers = |h: &Headers| -> Vec<Value> {
        h.iter()
            .map(|h| json!({"name": h.name, "value": h.value}))
            .collect()
    };
    let request = ex.request.as_ref();
    let response = &ex.response;
    let mut content = json!({});
    if let Some(body) = &response.body {
        content = json!({"text": STANDARD.encode(body), "encoding": "base64"});
    }
    json!({"log": {"version": "1.2", "entries": [{
        "request": {
            "method": request.and_then(|r| r.method.as_deref()).unwrap_or_default(),
            "url": request.and_then(|r| r.url.as_deref()).unwrap_or_default(),
            "headers": request.map(|r| headers(&r.headers)).unwrap_or_default(),
        },
        "response": {
            "status": response.status.map_or(Value::Null, |s| json!(s)),
            "statusText": response.reason.as_deref().unwrap_or_default(),
            "httpVersion": response.version.as_deref().unwrap_or_default(),
            "headers": headers(&response.headers),
            "content": content,
        },
    }]}})
    .to_string()
}

/// One response of a large input, as the worker sends it for the detailed views.
pub struct Detail<'a> {
    /// The exchange as a one-entry HAR ([`to_har`]).
    pub har: &'a str,
    /// Its findings from input-wide rules ([`Checked::input_findings_json`]).
    pub input_findings: &'a str,
    /// Its row of the summary: the grade and score the whole input gives it.
    pub row: &'a Row,
}

impl Detail<'_> {
    /// Checks the exchange for the detailed views; the report's one exchange gets the
    /// whole input's findings and grade.
    pub fn check(&self, scheme: SchemeChoice, policy: &Policy) -> Result<(Parsed, Report), String> {
        let parsed = headwarden_core::parse_as(self.har.as_bytes(), Some(InputFormat::Har))
            .map_err(|e| e.to_string())?;
        if parsed.exchanges.len() != 1 {
            return Err("the worker sent no response to show".into());
        }
        let mut report = headwarden_core::check(&parsed, policy, &options(scheme, true));
        let Some(er) = report.exchanges.first_mut() else {
            return Err("the worker sent no response to show".into());
        };
        let input_findings: Value =
            serde_json::from_str(self.input_findings).map_err(|e| e.to_string())?;
        let input_findings: Vec<Finding> = input_findings
            .as_array()
            .map(|a| a.iter().filter_map(finding_from).collect())
            .unwrap_or_default();
        er.findings.retain(|f| !is_input_wide(f.rule));
        er.passed
            .retain(|id| input_findings.iter().all(|f| f.rule != *id));
        for f in input_findings {
            if let Some(rule) = rules::by_id(f.rule) {
                report
                    .rules
                    .entry(rule.id)
                    .or_insert_with(|| RuleDoc::of(rule));
            }
            // Where `sort_worst_first` would put it (a sort here is another copy of the
            // sort in the wasm): after the findings at least as severe.
            let at = er
                .findings
                .iter()
                .position(|g| g.severity < f.severity)
                .unwrap_or(er.findings.len());
            er.findings.insert(at, f);
        }
        er.grade = self.row.grade;
        er.score = self.row.score;
        report.worst_grade = self.row.grade;
        Ok((parsed, report))
    }
}

/// A finding read back from its JSON form (the report's `findings[]` items).
fn finding_from(v: &Value) -> Option<Finding> {
    let rule = rules::by_id(v["rule"].as_str()?)?;
    let text = |k: &str| v[k].as_str().map(str::to_string);
    let mut f = Finding::new(rule, text("detail").unwrap_or_default());
    f.severity = v["severity"].as_str()?.parse().ok()?;
    if let Some(title) = text("title").filter(|t| t != rule.title) {
        f.title = Cow::Owned(title);
    }
    f.directive = text("directive");
    f.source = text("source");
    f.cookie = text("cookie");
    f.fix = text("fix");
    let e = &v["evidence"];
    f.evidence = if let Some(list) = e["exchanges"].as_array() {
        let indexes = list.iter().filter_map(|i| i.as_u64()?.try_into().ok());
        Some(Evidence::Exchanges {
            exchanges: indexes.collect(),
        })
    } else if let Some(body) = e["body"].as_str() {
        Some(Evidence::Body {
            body: body.to_string(),
        })
    } else {
        e["header"].as_str().map(|header| Evidence::Header {
            header: header.to_string(),
            value: e["value"].as_str().unwrap_or_default().to_string(),
            line: e["line"].as_u64().and_then(|l| u32::try_from(l).ok()),
        })
    };
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    }

    /// What the page shows of one response: grade, score, findings, views. (Not the
    /// line numbers of header evidence: a HAR has no lines, and the page shows none.)
    fn shown(
        er: &headwarden_core::ExchangeReport,
    ) -> (Grade, u8, Vec<Finding>, usize, usize, usize) {
        let mut findings = er.findings.clone();
        for f in &mut findings {
            if let Some(Evidence::Header { line, .. }) = &mut f.evidence {
                *line = None;
            }
        }
        (
            er.grade,
            er.score,
            findings,
            er.cookies.len(),
            er.sessions.len(),
            er.csp.len(),
        )
    }

    /// Every response of `input`, shown through the worker's path, matches the report of
    /// the whole input checked at once on the page.
    fn same_as_whole(input: &str, scheme: SchemeChoice) {
        let policy = Policy::default();
        let parsed = headwarden_core::parse(input.as_bytes()).unwrap();
        let whole = headwarden_core::check(&parsed, &policy, &options(scheme, true));
        let checked = Checked::new(input, scheme).unwrap();
        let summary = Summary::from_json(&checked.summary_json()).unwrap();
        assert_eq!(summary.format, parsed.format);
        assert_eq!(summary.notes, whole.notes);
        assert_eq!(summary.rows.len(), whole.exchanges.len());
        for (i, (row, er)) in summary.rows.iter().zip(&whole.exchanges).enumerate() {
            assert_eq!(
                (&row.url, &row.method, row.status),
                (&er.url, &er.method, er.status)
            );
            assert_eq!((row.grade, row.score), (er.grade, er.score), "exchange {i}");
            let har = checked.exchange_har(i).unwrap();
            let findings = checked.input_findings_json(i);
            let detail = Detail {
                har: &har,
                input_findings: &findings,
                row,
            };
            let (one, report) = detail.check(scheme, &policy).unwrap();
            let mut response = parsed.exchanges[i].response.clone();
            for h in response.headers.lines_mut() {
                h.line = None; // a HAR has no lines
            }
            assert_eq!(one.exchanges[0].response, response, "exchange {i}");
            let mine = &report.exchanges[0];
            assert_eq!(shown(mine), shown(er), "exchange {i}");
            let mut ids = mine.passed.clone();
            let mut want = er.passed.clone();
            ids.sort_unstable();
            want.sort_unstable();
            assert_eq!(ids, want, "exchange {i}");
            for f in &mine.findings {
                assert!(report.rules.contains_key(f.rule), "no docs for {}", f.rule);
            }
        }
    }

    #[test]
    fn a_har_shows_the_same_reports_through_the_worker() {
        same_as_whole(&fixture("three-entries.har"), SchemeChoice::Auto);
        same_as_whole(&fixture("three-entries.har"), SchemeChoice::Http);
    }

    #[test]
    fn raw_responses_with_cookies_and_bodies_show_the_same_reports() {
        let login = fixture("flask-gunicorn-login-post.http");
        let talisman = fixture("flask-talisman-index.http");
        same_as_whole(&format!("{login}{talisman}"), SchemeChoice::Auto);
        same_as_whole(&talisman, SchemeChoice::Https);
    }

    #[test]
    fn input_wide_findings_and_grades_come_back() {
        // Two responses sharing a nonce: `csp-nonce-reused`, which a one-exchange check
        // cannot see, must still show on each.
        let one = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Security-Policy: script-src 'nonce-c3RhdGljLW5vbmNl' 'strict-dynamic'; object-src 'none'; base-uri 'none'\r\n\r\n";
        let input = format!("{one}{one}");
        let checked = Checked::new(&input, SchemeChoice::Auto).unwrap();
        assert!(checked.input_findings_json(1).contains("csp-nonce-reused"));
        same_as_whole(&input, SchemeChoice::Auto);
    }

    #[test]
    fn bodies_survive_byte_for_byte() {
        let mut ex = Exchange::default();
        ex.response.status = Some(200);
        ex.response.headers.append("Content-Type", "text/html");
        ex.response.body = Some(vec![0xff, 0xfe, b'<', b'p', b'>', 0, b'\n']);
        let back = headwarden_core::parse(to_har(&ex).as_bytes()).unwrap();
        assert_eq!(back.exchanges[0].response.body, ex.response.body);
    }

    #[test]
    fn bad_input_is_an_error_not_a_summary() {
        assert!(Checked::new("{\"log\": {\"entries\": [", SchemeChoice::Auto).is_err());
        assert!(Summary::from_json("{}").is_err());
        assert!(
            Summary::from_json("{\"format\":\"har\",\"rows\":[[null,null,null,\"Z\",1]]}").is_err()
        );
    }
}
