//! The SARIF 2.1.0 renderer, for code-scanning dashboards (GitHub, Azure DevOps, …).
//!
//! One run; `tool.driver.rules` holds the metadata of every rule that has a finding, with
//! its Markdown docs and fixes (generated from the rule's code, like every other docs
//! surface). Each finding is one result. Its location is the input file (the caller names
//! it) with the header's line when the evidence quotes a header whose line is known (line 1
//! otherwise: GitHub code scanning needs a line), and the exchange's URL as a logical
//! location. Without an input file (a fetched URL), the exchange's URL is the artifact.
//!
//! Levels and GitHub's `security-severity` follow the finding's severity:
//! critical and high → `error`, medium → `warning`, low and info → `note`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::report::{Evidence, ExchangeReport, Finding, Report, RuleDoc, Severity};
use crate::rules::{self, Rule};

/// The `$schema` written into every SARIF log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where users read about headwarden (`tool.driver.informationUri`).
pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// The SARIF `level` of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score (0.0–10.0) of a severity.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.0",
        Severity::High => "7.5",
        Severity::Medium => "5.0",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The report as a SARIF 2.1.0 log (pretty-printed JSON). `artifact_uri` names the input
/// file (a relative path or URI as the caller wants it to appear); without it, results of
/// an exchange whose URL is known are located at that URL.
pub fn render(report: &Report, artifact_uri: Option<&str>) -> String {
    let log = to_value(report, artifact_uri);
    serde_json::to_string_pretty(&log).unwrap_or_else(|_| log.to_string())
}

/// The SARIF log as a JSON value.
pub fn to_value(report: &Report, artifact_uri: Option<&str>) -> Value {
    // Rules in the order of report.rules (by id), so ruleIndex is stable.
    let rule_index: BTreeMap<&str, usize> = report
        .rules
        .keys()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|(id, doc)| rule_descriptor(id, doc, rules::by_id(id)))
        .collect();
    let mut results = Vec::new();
    for (index, exchange) in report.exchanges.iter().enumerate() {
        for finding in &exchange.findings {
            results.push(result(
                finding,
                index,
                exchange,
                artifact_uri,
                rule_index.get(finding.rule).copied(),
            ));
        }
    }
    let mut run = Map::new();
    run.insert(
        "tool".into(),
        json!({
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        }),
    );
    if let Some(uri) = artifact_uri {
        run.insert(
            "artifacts".into(),
            json!([{ "location": { "uri": uri }, "roles": ["analysisTarget"] }]),
        );
    }
    run.insert(
        "invocations".into(),
        json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": report.notes.iter().map(|note| json!({
                "level": "note",
                "message": { "text": note },
            })).collect::<Vec<_>>(),
        }]),
    );
    run.insert("results".into(), Value::Array(results));
    run.insert(
        "properties".into(),
        json!({
            "worstGrade": report.worst_grade.as_str(),
            "inputFormat": report.input_format.as_str(),
            "exchanges": report.exchanges.iter().map(|e| json!({
                "url": e.url,
                "grade": e.grade.as_str(),
                "score": e.score,
            })).collect::<Vec<_>>(),
        }),
    );
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [Value::Object(run)],
    })
}

fn rule_descriptor(id: &str, doc: &RuleDoc, rule: Option<&Rule>) -> Value {
    let summary = rule.map(Rule::summary).filter(|s| !s.is_empty());
    let mut tags = vec![Value::from("security")];
    if let Some(rule) = rule {
        tags.push(family_tag(rule));
    }
    let mut descriptor = json!({
        "id": id,
        "name": rule_name(id),
        "shortDescription": { "text": doc.title },
        "fullDescription": {
            "text": summary.as_deref().unwrap_or(doc.title),
            "markdown": doc.docs,
        },
        "help": {
            "text": help_text(doc),
            "markdown": help_markdown(doc),
        },
        "defaultConfiguration": { "level": level(doc.severity) },
        "properties": {
            "tags": tags,
            "precision": "high",
            "problem.severity": problem_severity(doc.severity),
            "security-severity": security_severity(doc.severity),
        },
    });
    if let (Some(rule), Some(props)) = (
        rule,
        descriptor
            .get_mut("properties")
            .and_then(Value::as_object_mut),
    ) {
        props.insert("since".into(), Value::from(rule.since));
    }
    descriptor
}

fn family_tag(rule: &Rule) -> Value {
    serde_json::to_value(rule.family).unwrap_or(Value::Null)
}

/// `hsts-missing` → `HstsMissing` (SARIF's `name` is an identifier-like label).
fn rule_name(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// GitHub reads `problem.severity` (error, warning, recommendation) for non-security tools
/// and `security-severity` for security ones; both are given.
fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "recommendation",
    }
}

fn help_text(doc: &RuleDoc) -> String {
    let mut text = doc.title.to_string();
    for (tab, snippet) in &doc.fixes {
        text.push_str("\n\n");
        text.push_str(tab);
        text.push_str(":\n");
        text.push_str(snippet);
    }
    text
}

fn help_markdown(doc: &RuleDoc) -> String {
    let mut md = doc.docs.clone();
    if !doc.fixes.is_empty() {
        md.push_str("\n\n## Fixes\n");
        for (tab, snippet) in &doc.fixes {
            let language = match *tab {
                "flask" => "python",
                "policy" => "toml",
                "nginx" => "nginx",
                _ => "",
            };
            md.push_str(&format!("\n### {tab}\n\n"));
            md.push_str(&super::markdown::fenced(snippet, language));
        }
    }
    md.trim_end().to_string()
}

fn result(
    finding: &Finding,
    exchange_index: usize,
    exchange: &ExchangeReport,
    artifact_uri: Option<&str>,
    rule_index: Option<usize>,
) -> Value {
    let mut result = Map::new();
    result.insert("ruleId".into(), Value::from(finding.rule));
    if let Some(i) = rule_index {
        result.insert("ruleIndex".into(), Value::from(i));
    }
    result.insert("level".into(), Value::from(level(finding.severity)));
    result.insert("message".into(), json!({ "text": message(finding) }));
    let location = location(finding, exchange_index, exchange, artifact_uri);
    if !location.is_empty() {
        result.insert("locations".into(), json!([Value::Object(location)]));
    }
    let mut props = Map::new();
    props.insert("severity".into(), Value::from(finding.severity.as_str()));
    props.insert("exchange".into(), Value::from(exchange_index));
    for (key, value) in [
        ("directive", &finding.directive),
        ("source", &finding.source),
        ("cookie", &finding.cookie),
        ("fix", &finding.fix),
    ] {
        if let Some(value) = value {
            props.insert(key.into(), Value::from(value.as_str()));
        }
    }
    if let Some(evidence) = &finding.evidence {
        props.insert(
            "evidence".into(),
            serde_json::to_value(evidence).unwrap_or(Value::Null),
        );
    }
    result.insert("properties".into(), Value::Object(props));
    // Lets dashboards follow one finding across runs: same rule, exchange and subject.
    let subject = finding
        .cookie
        .as_deref()
        .or(finding.directive.as_deref())
        .unwrap_or("");
    result.insert(
        "partialFingerprints".into(),
        json!({
            "headwarden/v1": format!(
                "{}|{}|{}|{}",
                finding.rule,
                exchange.url.as_deref().unwrap_or(""),
                subject,
                finding.source.as_deref().unwrap_or("")
            )
        }),
    );
    Value::Object(result)
}

fn message(finding: &Finding) -> String {
    let mut text = finding.detail.clone();
    if let Some(Evidence::Header { header, value, .. }) = &finding.evidence {
        text.push_str(&format!(" Evidence: `{header}: {value}`."));
    }
    text
}

fn location(
    finding: &Finding,
    exchange_index: usize,
    exchange: &ExchangeReport,
    artifact_uri: Option<&str>,
) -> Map<String, Value> {
    let mut location = Map::new();
    let uri = artifact_uri.or(exchange.url.as_deref().filter(|u| u.contains("://")));
    if let Some(uri) = uri {
        let mut physical = Map::new();
        physical.insert("artifactLocation".into(), json!({ "uri": uri }));
        // In the input file: the quoted header's line when known, else line 1 (the finding
        // is about the response as a whole). GitHub code scanning requires a startLine.
        if artifact_uri.is_some() {
            let line = match &finding.evidence {
                Some(Evidence::Header { line: Some(l), .. }) if *l > 0 => *l,
                _ => 1,
            };
            physical.insert("region".into(), json!({ "startLine": line }));
        }
        location.insert("physicalLocation".into(), Value::Object(physical));
    }
    let name = match &exchange.url {
        Some(url) => url.clone(),
        None => format!("exchange {}", exchange_index + 1),
    };
    location.insert(
        "logicalLocations".into(),
        json!([{ "fullyQualifiedName": name, "kind": "resource" }]),
    );
    location
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::report;

    #[test]
    fn levels_and_security_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(security_severity(Severity::High), "7.5");
        assert_eq!(security_severity(Severity::Info), "0.0");
    }

    #[test]
    fn rule_names_are_camel_case() {
        assert_eq!(rule_name("hsts-missing"), "HstsMissing");
        assert_eq!(rule_name("csp-unsafe-inline"), "CspUnsafeInline");
    }

    #[test]
    fn results_reference_rules_and_lines() {
        let r = report("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
        let log = to_value(&r, Some("response.http"));
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "headwarden");
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), r.finding_count());
        for result in results {
            let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            let physical = &result["locations"][0]["physicalLocation"];
            assert_eq!(physical["artifactLocation"]["uri"], "response.http");
            assert!(physical["region"]["startLine"]
                .as_u64()
                .is_some_and(|l| l >= 1));
        }
        for rule in rules {
            assert!(rule["help"]["markdown"].as_str().is_some());
            assert!(rule["properties"]["security-severity"].as_str().is_some());
        }
    }

    #[test]
    fn header_evidence_gives_a_region() {
        let mut r = report("HTTP/1.1 200 OK\r\nServer: nginx/1.2.3\r\n\r\n");
        let finding =
            Finding::new(&crate::rules::transport::HSTS_MISSING, "x").evidence(Evidence::Header {
                header: "Server".into(),
                value: "nginx/1.2.3".into(),
                line: Some(2),
            });
        r.exchanges[0].findings = vec![finding];
        let log = to_value(&r, Some("a.http"));
        let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 2);
        // Without a file, there is no line to point at.
        let log = to_value(&r, None);
        assert!(log["runs"][0]["results"][0]["locations"][0]
            .get("physicalLocation")
            .is_none());
    }
}
