//! Property tests: the CSP engine never panics, whatever the input, and what it reports
//! points back into the input.

use headwarden_core::csp::{check_csp, source};
use proptest::prelude::*;

/// Strings built from the characters that matter to a CSP parser.
fn csp_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("script-src".to_string()),
            Just("default-src".to_string()),
            Just("object-src".to_string()),
            Just("frame-ancestors".to_string()),
            Just("'self'".to_string()),
            Just("'none'".to_string()),
            Just("'unsafe-inline'".to_string()),
            Just("'strict-dynamic'".to_string()),
            Just("'nonce-abc'".to_string()),
            Just("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='".to_string()),
            Just("https://www.google.com".to_string()),
            Just("*.googleapis.com".to_string()),
            Just("https:".to_string()),
            "[ ;,:/*.'\"=+%\\[\\]\t\u{a0}\u{1}a-z0-9-]{0,12}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let check = check_csp(&s);
        let _ = check.findings();
        let _ = check.view();
    }

    #[test]
    fn csp_like_strings_never_panic_and_sources_point_into_the_input(s in csp_like()) {
        let check = check_csp(&s);
        for f in check.findings() {
            if let Some(source) = &f.source {
                prop_assert!(s.contains(source.as_str()), "{source:?} not in {s:?}");
            }
            prop_assert!(!f.detail.is_empty());
        }
        let _ = serde_json::to_string(&check.report()).unwrap();
    }

    #[test]
    fn source_parser_never_panics(s in any::<String>()) {
        if let Ok(expr) = source::parse(&s) {
            // What parses prints back (keywords normalised to lowercase).
            let printed = expr.to_string();
            prop_assert!(printed.eq_ignore_ascii_case(&s), "{printed:?} vs {s:?}");
        }
    }

    #[test]
    fn whole_responses_never_panic(policy in csp_like(), meta in csp_like()) {
        let input = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Security-Policy: {}\r\nContent-Security-Policy-Report-Only: {}\r\n\r\n<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{}\"></head><script nonce=\"abc\"></script>",
            policy.replace(['\r', '\n'], " "),
            meta.replace(['\r', '\n'], " "),
            meta.replace('"', "&quot;"),
        );
        if let Ok(parsed) = headwarden_core::parse(input.as_bytes()) {
            let report = headwarden_core::check(
                &parsed,
                &Default::default(),
                &headwarden_core::CheckOptions::full_report(),
            );
            let _ = serde_json::to_string(&report.exchanges).unwrap();
        }
    }
}
