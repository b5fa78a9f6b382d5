//! The size of `check_csp` reports over the anchor corpus (`anchors/csp/corpus.txt`):
//! no finding quotes the whole policy, so a report grows with the policy (its view) and
//! the number of findings, not with their product.
//!
//! `cargo test -p headwarden-core --test csp_report_size -- --nocapture` prints the total
//! JSON bytes of one pass over the corpus and the largest report.

use std::path::PathBuf;

use headwarden_core::csp::check_csp;

fn corpus() -> Option<String> {
    let dir = match std::env::var_os("HEADWARDEN_CSP_ANCHOR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/anchors/csp"),
    };
    std::fs::read_to_string(dir.join("corpus.txt")).ok()
}

/// Most bytes one finding may take in JSON: its detail, fix and evidence are all short
/// (the corpus's largest takes 900).
const MAX_FINDING_JSON: usize = 1024;
/// The one finding per policy that carries the suggested policy: at most this many bytes
/// per byte of the policy, plus [`SUGGESTION_CONSTANT`].
const SUGGESTION_PER_POLICY_BYTE: usize = 2;
const SUGGESTION_CONSTANT: usize = 2048;
/// The whole report: its view lists every directive and source (a few JSON fields per
/// token) and shows the suggested policy once; each finding adds at most
/// [`MAX_FINDING_JSON`].
const REPORT_PER_POLICY_BYTE: usize = 16;
const REPORT_CONSTANT: usize = 4096;

#[test]
fn reports_grow_with_the_policy_not_with_findings_times_policy() {
    let Some(text) = corpus() else {
        eprintln!("anchor corpus not found; skipped");
        return;
    };
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let mut total = 0;
    let mut largest = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let report = check_csp(line).report();
        let json = serde_json::to_string(&report).unwrap();
        total += json.len();
        if json.len() > largest.1 {
            largest = (n + 1, json.len(), line.len(), report.findings.len());
        }
        let mut long_findings = 0;
        for f in &report.findings {
            let size = serde_json::to_string(f).unwrap().len();
            if size > MAX_FINDING_JSON {
                long_findings += 1;
                if size > SUGGESTION_PER_POLICY_BYTE * line.len() + SUGGESTION_CONSTANT {
                    failures.push(format!(
                        "line {}: a `{}` finding takes {size} bytes for a {}-byte policy",
                        n + 1,
                        f.rule,
                        line.len()
                    ));
                }
            }
        }
        if long_findings > report.policies.len() {
            failures.push(format!(
                "line {}: {long_findings} findings of over {MAX_FINDING_JSON} bytes",
                n + 1
            ));
        }
        let bound = REPORT_PER_POLICY_BYTE * line.len()
            + MAX_FINDING_JSON * report.findings.len()
            + REPORT_CONSTANT;
        if json.len() > bound {
            failures.push(format!(
                "line {}: {} bytes of report for a {}-byte policy with {} findings (bound {bound})",
                n + 1,
                json.len(),
                line.len(),
                report.findings.len()
            ));
        }
    }
    eprintln!(
        "check_csp over the corpus: {total} bytes of JSON; largest: line {} ({} bytes, {}-byte policy, {} findings)",
        largest.0, largest.1, largest.2, largest.3
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Without the corpus too: a long allowlist gives one finding per host, none of which
/// quotes the policy; the suggested policy is written once in the findings and once in
/// the view.
#[test]
fn a_long_allowlist_is_suggested_once_and_quoted_nowhere_whole() {
    let hosts: String = (0..300)
        .map(|i| format!(" https://cdn{i}.example.com"))
        .collect();
    let policy = format!("default-src 'self'; script-src 'self' 'unsafe-inline'{hosts}");
    let report = check_csp(&policy).report();
    assert!(report.findings.len() > 250, "{}", report.findings.len());
    let carrying: Vec<_> = report
        .findings
        .iter()
        .filter(|f| {
            f.fix
                .as_deref()
                .is_some_and(|x| x.contains("Talisman(app,"))
        })
        .collect();
    assert_eq!(carrying.len(), 1);
    for f in &report.findings {
        let size = serde_json::to_string(f).unwrap().len();
        assert!(
            size <= MAX_FINDING_JSON || std::ptr::eq(f, carrying[0]),
            "{size}: {f:?}"
        );
    }
    let suggested = report.policies[0].suggested.as_ref().unwrap();
    let fix = carrying[0].fix.as_deref().unwrap();
    assert!(fix.contains(&suggested.header) && fix.contains(&suggested.talisman));
}
