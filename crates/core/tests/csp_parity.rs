//! Differential test against Google CSP Evaluator 1.1.8 (the reference).
//!
//! Reads `anchors/csp/corpus.txt` and `corpus.expected.jsonl` (the evaluator's committed
//! output: default + strict check sets, one JSON line per policy; node is not needed
//! here) and compares, per policy, the reference findings — `IGNORED` notes dropped,
//! mapped to headwarden rule ids through `csp::GOOGLE_CHECK_MAP` — with what
//! `csp::check_csp` finds. "Matched" = same rule id on the same directive.
//!
//! Every difference must be listed in `tests/csp/divergences.toml` with the reason
//! headwarden is right; an unlisted difference (or a listed one that no longer occurs)
//! fails the test. Set `HEADWARDEN_CSP_ANCHOR` to a directory holding another
//! `corpus.txt` + `corpus.expected.jsonl` pair (made with `tests/csp/differential.mjs`)
//! to print the comparison on it (differences are reported, not judged, there).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use headwarden_core::csp::{check_csp, google_rule, google_severity, GOOGLE_CHECK_MAP};
use serde::Deserialize;

/// Rules whose Google check is not run by the reference harness (`eval.mjs` runs the
/// default and strict sets only): their findings cannot be compared.
const NOT_IN_REFERENCE_HARNESS: &[&str] = &["csp-reporting-missing"];

#[derive(Deserialize)]
struct ExpectedLine {
    csp: String,
    findings: Vec<ExpectedFinding>,
    #[serde(default)]
    failed_checks: Vec<String>,
}

#[derive(Deserialize)]
struct ExpectedFinding {
    #[serde(rename = "type")]
    kind: String,
    severity: u32,
    directive: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
struct Divergences {
    divergence: Vec<Divergence>,
}

#[derive(Deserialize)]
struct Divergence {
    line: usize,
    policy: String,
    #[serde(default)]
    missing: Vec<String>,
    #[serde(default)]
    extra: Vec<String>,
    reason: String,
}

fn anchor_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HEADWARDEN_CSP_ANCHOR") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/anchors/csp")
}

/// The corpus lines, read as `eval.mjs` reads them.
fn read_lines(text: &str) -> Vec<&str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// `rule directive` — the unit of matching.
fn key(rule: &str, directive: Option<&str>) -> String {
    format!("{rule} {}", directive.unwrap_or("-"))
}

#[test]
fn csp_parity_with_google_csp_evaluator() {
    let dir = anchor_dir();
    let corpus = std::fs::read_to_string(dir.join("corpus.txt")).unwrap_or_else(|e| {
        panic!(
            "cannot read {}/corpus.txt ({e}); set HEADWARDEN_CSP_ANCHOR",
            dir.display()
        )
    });
    let expected = std::fs::read_to_string(dir.join("corpus.expected.jsonl"))
        .unwrap_or_else(|e| panic!("cannot read {}/corpus.expected.jsonl ({e})", dir.display()));
    let divergences: Divergences = toml::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/csp/divergences.toml"),
        )
        .expect("tests/csp/divergences.toml"),
    )
    .expect("divergences.toml parses");
    let using_default_anchor = std::env::var_os("HEADWARDEN_CSP_ANCHOR").is_none();
    let mut listed: BTreeMap<usize, &Divergence> = BTreeMap::new();
    if using_default_anchor {
        for d in &divergences.divergence {
            assert!(
                !d.reason.trim().is_empty(),
                "line {}: a divergence needs a reason",
                d.line
            );
            assert!(
                listed.insert(d.line, d).is_none(),
                "line {} listed twice",
                d.line
            );
        }
    }

    let comparable: BTreeSet<&str> = GOOGLE_CHECK_MAP
        .iter()
        .map(|m| m.rule)
        .filter(|r| !NOT_IN_REFERENCE_HARNESS.contains(r))
        .collect();

    let lines = read_lines(&corpus);
    let expected: Vec<ExpectedLine> = expected
        .lines()
        .map(|l| serde_json::from_str(l).expect("expected line is JSON"))
        .collect();
    assert_eq!(
        lines.len(),
        expected.len(),
        "corpus and expected output differ in length"
    );

    let mut total = 0usize;
    let mut matched = 0usize;
    let mut in_listed = 0usize;
    let mut with_source = (0usize, 0usize);
    let mut same_severity = (0usize, 0usize);
    let mut problems = Vec::new();
    let mut seen_lines = BTreeSet::new();
    let verbose = std::env::var_os("HEADWARDEN_CSP_PARITY_VERBOSE").is_some();

    for (i, (line, exp)) in lines.iter().zip(&expected).enumerate() {
        let n = i + 1;
        assert_eq!(
            *line, exp.csp,
            "line {n}: corpus and expected output disagree"
        );
        // Reference unavailable for checks that crashed the evaluator on this line.
        let unavailable: BTreeSet<&str> = exp
            .failed_checks
            .iter()
            .filter_map(|c| c.split_once(':').map(|(_, f)| f))
            .flat_map(|f| {
                GOOGLE_CHECK_MAP
                    .iter()
                    .filter(move |m| m.function == f)
                    .map(|m| m.rule)
            })
            .collect();

        let check = check_csp(line);
        let ours = check.findings();
        let our_keys: BTreeSet<String> = ours
            .iter()
            .filter(|f| comparable.contains(f.rule))
            .map(|f| key(f.rule, f.directive.as_deref()))
            .collect();

        let mut reference_keys = BTreeSet::new();
        let mut line_missing = BTreeSet::new();
        for f in &exp.findings {
            let Some(severity) = google_severity(f.severity) else {
                continue; // IGNORED notes are not findings
            };
            let rule = google_rule(&f.kind, f.directive.as_deref()).unwrap_or_else(|| {
                panic!("line {n}: no mapping for {} on {:?}", f.kind, f.directive)
            });
            total += 1;
            let k = key(rule, f.directive.as_deref());
            reference_keys.insert(k.clone());
            if our_keys.contains(&k) {
                matched += 1;
                if let Some(value) = &f.value {
                    with_source.1 += 1;
                    let candidates = || {
                        ours.iter().filter(|o| {
                            o.rule == rule
                                && o.directive.as_deref() == f.directive.as_deref()
                                && o.source
                                    .as_deref()
                                    .is_some_and(|s| s.eq_ignore_ascii_case(value))
                        })
                    };
                    let same = candidates()
                        .find(|o| o.severity == severity)
                        .or_else(|| candidates().next());
                    match same {
                        Some(o) => {
                            with_source.0 += 1;
                            same_severity.1 += 1;
                            if o.severity == severity {
                                same_severity.0 += 1;
                            } else if verbose {
                                println!(
                                    "line {n}: {rule} {value}: reference {severity}, ours {}",
                                    o.severity
                                );
                            }
                        }
                        None if verbose => println!(
                            "line {n}: {rule} on {:?}: no finding names {value:?}",
                            f.directive
                        ),
                        None => {}
                    }
                }
            } else {
                line_missing.insert(k);
            }
        }
        let line_extra: BTreeSet<String> = our_keys
            .iter()
            .filter(|k| !reference_keys.contains(*k))
            .filter(|k| !unavailable.iter().any(|r| k.starts_with(&format!("{r} "))))
            .cloned()
            .collect();
        line_missing.retain(|k| !unavailable.iter().any(|r| k.starts_with(&format!("{r} "))));

        let (allowed_missing, allowed_extra) = match listed.get(&n) {
            Some(d) => {
                assert_eq!(
                    d.policy, *line,
                    "divergences.toml line {n}: policy text differs from the corpus"
                );
                seen_lines.insert(n);
                (
                    d.missing.iter().cloned().collect::<BTreeSet<_>>(),
                    d.extra.iter().cloned().collect::<BTreeSet<_>>(),
                )
            }
            None => Default::default(),
        };
        in_listed += exp
            .findings
            .iter()
            .filter(|f| google_severity(f.severity).is_some())
            .filter_map(|f| {
                google_rule(&f.kind, f.directive.as_deref()).map(|r| key(r, f.directive.as_deref()))
            })
            .filter(|k| allowed_missing.contains(k) && line_missing.contains(k))
            .count();
        if line_missing != allowed_missing || line_extra != allowed_extra {
            problems.push(format!(
                "line {n}: {line:?}\n    missing (reference has, we do not): {:?}\n    listed missing: {:?}\n    extra (we have, reference does not): {:?}\n    listed extra: {:?}",
                line_missing, allowed_missing, line_extra, allowed_extra
            ));
        }
    }
    for n in listed.keys() {
        if !seen_lines.contains(n) {
            problems.push(format!(
                "divergences.toml lists line {n}, which the corpus does not have"
            ));
        }
    }

    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    println!(
        "csp parity: {matched}/{total} reference findings matched ({:.1}%); {} of the rest in {} listed divergences ({:.1}% matched or listed)",
        pct(matched, total),
        in_listed,
        listed.len(),
        pct(matched + in_listed, total),
    );
    println!(
        "csp parity: {}/{} matched findings with a value name the same source; {}/{} of those have the DESIGN-mapped severity",
        with_source.0, with_source.1, same_severity.0, same_severity.1
    );
    if !using_default_anchor {
        // Another corpus (tests/csp/differential.mjs): report, do not judge.
        println!("{}", problems.join("\n"));
        return;
    }
    assert!(
        problems.is_empty(),
        "unlisted divergences:\n{}",
        problems.join("\n")
    );
}
