//! Real reports against the published schemas: every fixture is parsed, checked and
//! rendered as JSON (validated against schemas/report.schema.json) and as SARIF (validated
//! against the vendored SARIF 2.1.0 schema, schemas/sarif-2.1.0.json).

mod common;

use common::{fixture_files, rel, root};
use headwarden_core::report::{json, sarif, Evidence, Finding};
use headwarden_core::{check, parse, CheckOptions, Policy, Scheme};
use serde_json::Value;

fn load_schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas").join(name)).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name} is a valid schema: {e}"))
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(20)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}",
        errors.join("\n")
    );
}

fn fixture_inputs() -> Vec<std::path::PathBuf> {
    let files = fixture_files(&["http", "har"]);
    assert!(!files.is_empty(), "no fixtures");
    files
}

#[test]
fn json_reports_of_every_fixture_match_the_schema() {
    let validator = load_schema("report.schema.json");
    let mut checked = 0;
    for file in fixture_inputs() {
        let bytes = std::fs::read(&file).expect("fixture readable");
        let Ok(parsed) = parse(&bytes) else {
            // The parsers' own tests cover which inputs they accept.
            continue;
        };
        for scheme in [None, Some(Scheme::Http), Some(Scheme::Https)] {
            let options = CheckOptions {
                scheme,
                ..CheckOptions::full_report()
            };
            let report = check(&parsed, &Policy::default(), &options);
            let value: Value = serde_json::from_str(&json::render(&report)).expect("JSON");
            assert_valid(&validator, &value, &rel(&file));
            checked += 1;
        }
    }
    assert!(checked > 0, "no fixture could be parsed");
}

#[test]
fn sarif_of_every_fixture_matches_the_sarif_schema() {
    let validator = load_schema("sarif-2.1.0.json");
    for file in fixture_inputs() {
        let bytes = std::fs::read(&file).expect("fixture readable");
        let Ok(parsed) = parse(&bytes) else { continue };
        let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
        let path = rel(&file);
        for artifact in [Some(path.as_str()), None] {
            let log: Value =
                serde_json::from_str(&sarif::render(&report, artifact)).expect("SARIF JSON");
            assert_valid(&validator, &log, &path);
        }
    }
}

/// A report that uses every optional part of the contract (each kind of evidence, a
/// finding's own fix, notes, a known URL) still matches both schemas.
#[test]
fn a_report_with_every_optional_field_matches() {
    let input = b"HTTP/1.1 200 OK\r\nServer: nginx/1.25.3\r\nContent-Type: text/html\r\n\r\n";
    let parsed = parse(input).expect("parses");
    let mut report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
    let rule = headwarden_core::rules::all()[0];
    let exchange = &mut report.exchanges[0];
    exchange.url = Some("https://example.com/a?b=c".into());
    exchange.method = Some("GET".into());
    exchange.findings.push(
        Finding::new(rule, "header evidence with a line")
            .evidence(Evidence::Header {
                header: "Server".into(),
                value: "nginx/1.25.3".into(),
                line: Some(2),
            })
            .directive("script-src")
            .source("'unsafe-inline'")
            .cookie("session")
            .fix("Set it to `max-age=63072000`."),
    );
    exchange
        .findings
        .push(Finding::new(rule, "body evidence").evidence(Evidence::body("<h1>It works!</h1>")));
    exchange.findings.push(
        Finding::new(rule, "across responses").evidence(Evidence::Exchanges { exchanges: vec![0] }),
    );
    report
        .rules
        .entry(rule.id)
        .or_insert_with(|| headwarden_core::RuleDoc::of(rule));
    report.notes.push("a note".into());
    let value: Value = serde_json::from_str(&json::render(&report)).expect("JSON");
    assert_valid(
        &load_schema("report.schema.json"),
        &value,
        "synthetic report",
    );
    // The CLI percent-encodes paths into URI references (`in put.http` → `in%20put.http`).
    let log: Value =
        serde_json::from_str(&sarif::render(&report, Some("in%20put.http"))).expect("SARIF");
    assert_valid(&load_schema("sarif-2.1.0.json"), &log, "synthetic SARIF");
}

/// The schema rejects what the contract forbids: nulls in optional fields, unknown
/// severities, missing required fields.
#[test]
fn the_schema_rejects_contract_violations() {
    let validator = load_schema("report.schema.json");
    let parsed = parse(b"HTTP/1.1 200 OK\r\n\r\n").expect("parses");
    let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
    let good: Value = serde_json::from_str(&json::render(&report)).expect("JSON");
    assert_valid(&validator, &good, "baseline");

    let mut bad = good.clone();
    bad["exchanges"][0]["findings"] = serde_json::json!([{
        "rule": "hsts-missing", "severity": "high", "title": "t", "detail": "d", "fix": null
    }]);
    assert!(!validator.is_valid(&bad), "null fix must be rejected");

    let mut bad = good.clone();
    bad["exchanges"][0]["findings"] = serde_json::json!([{
        "rule": "hsts-missing", "severity": "severe", "title": "t", "detail": "d"
    }]);
    assert!(
        !validator.is_valid(&bad),
        "unknown severity must be rejected"
    );

    let mut bad = good.clone();
    if let Some(obj) = bad.as_object_mut() {
        obj.remove("worst_grade");
    }
    assert!(
        !validator.is_valid(&bad),
        "missing worst_grade must be rejected"
    );

    let mut bad = good;
    bad["exchanges"][0]["grade"] = Value::from("E");
    assert!(!validator.is_valid(&bad), "unknown grade must be rejected");
}
