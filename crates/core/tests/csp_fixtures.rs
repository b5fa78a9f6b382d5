//! The CSP rules on captured responses (tests/fixtures/) and on a HAR whose entries share
//! a nonce.

use std::collections::BTreeSet;
use std::path::PathBuf;

use headwarden_core::{check, parse, CheckOptions, Policy};

fn csp_rules(input: &[u8]) -> Vec<BTreeSet<&'static str>> {
    let parsed = parse(input).expect("input parses");
    let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
    report
        .exchanges
        .iter()
        .map(|e| {
            e.findings
                .iter()
                .map(|f| f.rule)
                .filter(|r| r.starts_with("csp-"))
                .collect()
        })
        .collect()
}

#[test]
fn flask_talisman_default_policy() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/flask-talisman-index.http");
    let Ok(input) = std::fs::read(&path) else {
        panic!("missing fixture {}", path.display());
    };
    let parsed = parse(&input).unwrap();
    let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
    let exchange = &report.exchanges[0];
    let rules: BTreeSet<&str> = exchange
        .findings
        .iter()
        .map(|f| f.rule)
        .filter(|r| r.starts_with("csp-"))
        .collect();
    // Talisman's default `default-src 'self'; object-src 'none'`: enforced, but 'self'
    // is an allowlist, and framing, forms, reporting and Trusted Types are not covered.
    assert_eq!(
        rules,
        BTreeSet::from([
            "csp-allowlist-bypass",
            "csp-missing-form-action",
            "csp-missing-frame-ancestors",
            "csp-reporting-missing",
            "csp-trusted-types-missing",
        ])
    );
    // The page's inline script has no nonce, but the policy uses none either.
    assert!(exchange.passed.contains(&"csp-missing"));
    let view = &exchange.csp;
    assert_eq!(view.len(), 1);
    let json = serde_json::to_value(view).unwrap();
    assert_eq!(json[0]["disposition"], "enforce");
    assert_eq!(json[0]["directives"][0]["name"], "default-src");
    assert_eq!(json[0]["directives"][0]["sources"][0]["verdict"], "low");
}

#[test]
fn nonce_reused_across_har_entries() {
    let entry = |url: &str, nonce: &str| {
        format!(
            r#"{{"request": {{"method": "GET", "url": "{url}", "headers": []}},
               "response": {{"status": 200, "statusText": "OK", "headers": [
                 {{"name": "Content-Security-Policy", "value": "script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'; base-uri 'none'"}},
                 {{"name": "Content-Type", "value": "text/html"}}],
                 "content": {{"mimeType": "text/html", "text": "<script nonce=\"{nonce}\">go()</script>"}}}}}}"#
        )
    };
    let har = format!(
        r#"{{"log": {{"version": "1.2", "creator": {{"name": "t", "version": "1"}}, "entries": [{}, {}, {}]}}}}"#,
        entry("https://example.com/", "c3RhdGljLW5vbmNlLXZhbHVl"),
        entry("https://example.com/a", "c3RhdGljLW5vbmNlLXZhbHVl"),
        entry("https://example.com/b", "ZnJlc2gtbm9uY2UtdmFsdWUx"),
    );
    let rules = csp_rules(har.as_bytes());
    assert_eq!(rules.len(), 3);
    assert!(rules[0].contains("csp-nonce-reused"));
    assert!(rules[1].contains("csp-nonce-reused"));
    assert!(!rules[2].contains("csp-nonce-reused"));
    assert!(rules.iter().all(|r| !r.contains("csp-nonce-mismatch")));
}
