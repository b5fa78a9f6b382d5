//! The four renderers over every real fixture and over arbitrary header values: they never
//! panic, text output stays within its width and free of control characters, Markdown keeps
//! its `<details>` balanced, SARIF has one result per finding, JSON round-trips.

use std::path::PathBuf;

use headwarden_core::report::{json, markdown, sarif, text};
use headwarden_core::{check, parse, CheckOptions, Policy, Report};
use proptest::prelude::*;

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "http" || e == "har"));
    files.sort();
    files
}

fn check_all_renderers(report: &Report, what: &str) {
    for width in [40, 100, 160] {
        let plain = text::render(report, false, width);
        for line in plain.lines() {
            assert!(
                line.chars().count() <= width,
                "{what}: line wider than {width}: {line:?}"
            );
            assert!(
                !line.chars().any(char::is_control),
                "{what}: control character in text output: {line:?}"
            );
        }
    }
    let coloured = text::render(report, true, 100);
    assert!(coloured.contains('\u{1b}'), "{what}: colour requested");

    let md = markdown::render(report);
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count(),
        "{what}"
    );
    assert!(!md.chars().any(|c| c.is_control() && c != '\n'), "{what}");

    let log: serde_json::Value =
        serde_json::from_str(&sarif::render(report, Some("input.http"))).expect("SARIF is JSON");
    let results = log["runs"][0]["results"].as_array().map_or(0, Vec::len);
    assert_eq!(results, report.finding_count(), "{what}");

    let value: serde_json::Value = serde_json::from_str(&json::render(report)).expect("JSON");
    assert_eq!(value, json::to_value(report), "{what}");
}

#[test]
fn every_fixture_renders_in_every_format() {
    let files = fixtures();
    assert!(!files.is_empty(), "fixtures present");
    let mut rendered = 0;
    for file in files {
        let bytes = std::fs::read(&file).expect("fixture readable");
        let Ok(parsed) = parse(&bytes) else { continue };
        let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
        check_all_renderers(&report, &file.display().to_string());
        rendered += 1;
    }
    assert!(rendered > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn hostile_header_values_render_safely(
        value in "[ -~\u{1b}\u{7}\u{202e}\u{a0}-\u{2fff}`|<>*_]{0,120}",
        name in prop::sample::select(vec!["Server", "X-Powered-By", "Set-Cookie",
            "Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options"]),
    ) {
        let input = format!("HTTP/1.1 200 OK\r\n{name}: {value}\r\nContent-Type: text/html\r\n\r\n");
        if let Ok(parsed) = parse(input.as_bytes()) {
            let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
            check_all_renderers(&report, &input);
        }
    }
}
