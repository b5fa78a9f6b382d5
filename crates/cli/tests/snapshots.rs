//! Snapshots of the rendered reports for the real-server fixtures, end to end through the
//! binary. The fixtures hold dates and cookies that change when they are re-captured, so
//! what is snapshotted is the report (deterministic for a given file), not the capture.
//!
//! Rule docs are left out of the JSON snapshots (see `without_rule_docs`). When rules
//! change, review and accept with:
//! `INSTA_UPDATE=always cargo test -p headwarden-cli --test snapshots` (then `git diff`).

mod common;

use common::{assert_exit, fixture_files, headwarden, rel, stdout};

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn name_of(file: &std::path::Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().replace('.', "_"))
        .unwrap_or_default()
}

/// The report with each rule's `docs` (Markdown pages, the same for every fixture, and
/// tested in core) replaced by a marker, so the snapshots track findings, not prose.
fn without_rule_docs(json: &str) -> String {
    let mut report: serde_json::Value = serde_json::from_str(json).expect("JSON report");
    if let Some(rules) = report["rules"].as_object_mut() {
        for (id, doc) in rules.iter_mut() {
            if let Some(docs) = doc.get_mut("docs") {
                *docs = serde_json::Value::from(format!("(docs of {id})"));
            }
        }
    }
    serde_json::to_string_pretty(&report).expect("serializes")
}

/// The SARIF log with each rule's Markdown docs and help replaced by markers.
fn sarif_without_rule_docs(sarif: &str) -> String {
    let mut log: serde_json::Value = serde_json::from_str(sarif).expect("SARIF");
    if let Some(rules) = log["runs"][0]["tool"]["driver"]["rules"].as_array_mut() {
        for rule in rules {
            let id = rule["id"].as_str().unwrap_or_default().to_string();
            rule["fullDescription"] = serde_json::json!({
                "text": format!("(summary of {id})"),
                "markdown": format!("(docs of {id})"),
            });
            rule["help"] = serde_json::json!({
                "text": format!("(help of {id})"),
                "markdown": format!("(help of {id})"),
            });
        }
    }
    serde_json::to_string_pretty(&log).expect("serializes")
}

#[test]
fn json_reports_of_the_fixtures() {
    let files = fixture_files(&["http", "har"]);
    assert!(!files.is_empty());
    snapshot_settings().bind(|| {
        for file in files {
            let path = rel(&file);
            let out = headwarden(&["check", &path, "--format", "json"], None);
            assert_exit(&out, 0);
            insta::assert_snapshot!(
                format!("json__{}", name_of(&file)),
                without_rule_docs(&stdout(&out))
            );
        }
    });
}

#[test]
fn other_formats_of_two_fixtures() {
    let wanted = ["flask-dev-index.http", "flask-talisman-index.http"];
    let files: Vec<_> = fixture_files(&["http"])
        .into_iter()
        .filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| wanted.contains(&n))
        })
        .collect();
    assert_eq!(files.len(), wanted.len(), "fixtures present");
    snapshot_settings().bind(|| {
        for file in files {
            let path = rel(&file);
            for format in ["text", "markdown", "sarif"] {
                let out = headwarden(
                    &["check", &path, "--format", format, "--color", "never"],
                    None,
                );
                assert_exit(&out, 0);
                let rendered = if format == "sarif" {
                    sarif_without_rule_docs(&stdout(&out))
                } else {
                    stdout(&out)
                };
                insta::assert_snapshot!(format!("{format}__{}", name_of(&file)), rendered);
            }
        }
    });
}
