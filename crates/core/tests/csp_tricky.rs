//! headwarden's own corpus of tricky policies (`tests/csp/tricky.toml`): each case gives
//! a policy (evaluated with `csp::check_csp`), a whole response (evaluated with
//! `check`), or a generated input, and the exact set of `csp-*` rule ids expected.
//! `HEADWARDEN_TRICKY_PRINT=1` prints what each case produces instead of failing, to
//! help write new cases.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use headwarden_core::csp::check_csp;
use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    /// A `Content-Security-Policy` header value.
    policy: Option<String>,
    /// A whole response (`curl -i` form); only `csp-*` findings are compared.
    response: Option<String>,
    /// A generated policy: `megabyte`, `ten-thousand-sources`, `control-characters`.
    generate: Option<String>,
    expect: Vec<String>,
    /// Whether the enforced policy is strict enough for A+ (DESIGN "Scoring").
    strict: Option<bool>,
    /// Substrings that some finding's detail must contain.
    #[serde(default)]
    details: Vec<String>,
}

fn generated(kind: &str) -> String {
    match kind {
        // ~1 MB: a long allowlist plus junk, with an unterminated quote at the end.
        "megabyte" => {
            let mut s = String::from("default-src 'self'; script-src 'self'");
            let mut i = 0;
            while s.len() < 1_000_000 {
                s.push_str(&format!(" https://cdn{i}.example.com/js/"));
                i += 1;
            }
            s.push_str(" 'unterminated; object-src 'none'");
            s
        }
        "ten-thousand-sources" => {
            let mut s = String::from("script-src 'nonce-r4nd0mR4nd0mR4nd0m' 'strict-dynamic'");
            for i in 0..10_000 {
                s.push_str(&format!(" https://h{i}.example.net"));
            }
            s.push_str("; object-src 'none'; base-uri 'none'");
            s
        }
        "control-characters" => {
            "default-src 'self'\u{1}; script-src 'self' https://a.example\u{7f}; object-src 'none'\u{0}".to_string()
        }
        other => panic!("unknown generator {other}"),
    }
}

#[test]
fn tricky_policies() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/csp/tricky.toml");
    let corpus: Corpus = toml::from_str(&std::fs::read_to_string(&path).expect("tricky.toml"))
        .expect("tricky.toml parses");
    let print = std::env::var_os("HEADWARDEN_TRICKY_PRINT").is_some();
    let mut failures = Vec::new();
    assert!(
        corpus.case.len() >= 30,
        "the corpus has {} cases",
        corpus.case.len()
    );
    for case in &corpus.case {
        let start = Instant::now();
        let (ids, details, strict): (BTreeSet<String>, Vec<String>, bool) = if let Some(response) =
            &case.response
        {
            let parsed = headwarden_core::parse(response.as_bytes())
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let report = headwarden_core::check(&parsed, &Default::default(), &Default::default());
            let findings: Vec<_> = report
                .exchanges
                .iter()
                .flat_map(|e| e.findings.iter())
                .filter(|f| f.rule.starts_with("csp-"))
                .collect();
            let strict = parsed.exchanges.iter().any(|e| {
                headwarden_core::csp::PolicyList::from_response(
                    &e.response,
                    e.response
                        .body
                        .as_deref()
                        .map(headwarden_core::html::Document::scan)
                        .as_ref(),
                )
                .has_strict_scripts()
            });
            (
                findings.iter().map(|f| f.rule.to_string()).collect(),
                findings.iter().map(|f| f.detail.clone()).collect(),
                strict,
            )
        } else {
            let text = match (&case.policy, &case.generate) {
                (Some(p), _) => p.clone(),
                (None, Some(g)) => generated(g),
                _ => panic!("{}: needs policy, response or generate", case.name),
            };
            let check = check_csp(&text);
            let findings = check.findings();
            let _ = check.view();
            (
                findings.iter().map(|f| f.rule.to_string()).collect(),
                findings.iter().map(|f| f.detail.clone()).collect(),
                check.policies.has_strict_scripts(),
            )
        };
        let elapsed = start.elapsed();
        if print {
            println!(
                "[[case]] {}\nexpect = {:?}\nstrict = {strict}\n",
                case.name,
                ids.iter().collect::<Vec<_>>()
            );
            continue;
        }
        let expected: BTreeSet<String> = case.expect.iter().cloned().collect();
        if ids != expected {
            failures.push(format!(
                "{}:\n    expected {:?}\n    got      {:?}",
                case.name, expected, ids
            ));
        }
        if let Some(want) = case.strict {
            if want != strict {
                failures.push(format!("{}: strict = {strict}, expected {want}", case.name));
            }
        }
        for needle in &case.details {
            if !details.iter().any(|d| d.contains(needle.as_str())) {
                failures.push(format!(
                    "{}: no detail contains {needle:?}: {details:#?}",
                    case.name
                ));
            }
        }
        // Generous bound for debug builds on a shared machine: the point is "linear",
        // a quadratic parser takes minutes on the 1 MB case.
        if elapsed > Duration::from_secs(20) {
            failures.push(format!("{}: took {elapsed:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
