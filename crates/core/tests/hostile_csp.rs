//! Hostile Content-Security-Policies: 1 MB policies of every shape through `check_csp`
//! (the npm `checkCsp` and the web app's CSP box take a value of any length), the largest
//! CSP header a paste may hold through `check`, and `<meta>` CSPs in a large body.

mod hostile_support;

use headwarden_core::csp::check_csp;
use headwarden_core::report::json;
use headwarden_core::{check, parse, CheckOptions, InputError, Policy};
use hostile_support::{alone, assert_bounded, measure};

#[global_allocator]
static ALLOC: hostile_support::Counting = hostile_support::Counting;

const ONE_MB: usize = 1_000_000;

fn fill(unit: &str, prefix: &str) -> String {
    let mut s = String::from(prefix);
    while s.len() < ONE_MB {
        s.push_str(unit);
    }
    s
}

#[test]
fn one_megabyte_policies_of_every_shape() {
    let _alone = alone();
    let shapes = [
        (
            "one directive, 70,000 hosts",
            fill(" https://a.example", "script-src"),
        ),
        ("50,000 directives", fill("script-src 'self';", "")),
        ("50,000 distinct unknown directives", {
            let mut s = String::new();
            let mut i = 0;
            while s.len() < ONE_MB {
                s.push_str(&format!("x-{i} a;"));
                i += 1;
            }
            s
        }),
        ("one 1 MB token", fill("a", "script-src ")),
        (
            "100,000 nonces",
            fill(" 'nonce-abcdefgh'", "script-src 'strict-dynamic'"),
        ),
        (
            "100,000 hashes",
            fill(
                " 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
                "script-src",
            ),
        ),
        (
            "quotes and keywords",
            fill(" 'unsafe-inline' 'self' 'none' '", "default-src"),
        ),
        ("50,000 comma-separated policies", fill("script-src *,", "")),
        ("semicolons only", fill(";", "")),
        ("spaces only", fill(" ", "")),
        (
            "non-ASCII",
            fill(" https://ex\u{e4}mple.\u{1F600}/\u{FFFD}", "img-src"),
        ),
        (
            "ports and paths",
            fill(" https://*.a.example:*/p/a/t/h?q#f", "connect-src"),
        ),
        (
            "bypass hosts",
            fill(
                " https://www.google.com https://ajax.googleapis.com/ajax/libs/angularjs/",
                "script-src 'self'",
            ),
        ),
    ];
    for (what, policy) in &shapes {
        let (findings, cost) = measure(|| {
            let checked = check_csp(policy);
            let report = checked.report();
            serde_json::to_string(&report).map(|s| s.len())
        });
        let rendered = findings.unwrap();
        // A report, not an echo of every value: the view shortens long text.
        assert!(rendered < 64 * ONE_MB, "{what}: {rendered} bytes of report");
        assert_bounded(what, cost, policy.len(), 40);
    }
}

#[test]
fn a_one_megabyte_csp_header_in_a_paste_is_a_clear_error() {
    let _alone = alone();
    let policy = fill(" https://a.example", "script-src");
    let input = format!("HTTP/1.1 200 OK\r\nContent-Security-Policy: {policy}\r\n\r\n");
    let (result, cost) = measure(|| parse(input.as_bytes()));
    let err = result.unwrap_err();
    assert!(matches!(err, InputError::LineTooLong { .. }), "{err:?}");
    assert!(err.to_string().starts_with("line 2: a header line is"));
    assert_bounded("1 MB CSP header", cost, input.len(), 2);
}

#[test]
fn the_largest_csp_headers_a_paste_may_hold() {
    let _alone = alone();
    // 200 CSP headers of 60 KB each (12 MB): each one parsed, evaluated and reported.
    let one = {
        let mut s = String::from("script-src 'self'");
        while s.len() < 60_000 {
            s.push_str(" https://cdn.example http: 'unsafe-inline'");
        }
        s
    };
    let mut input = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");
    for _ in 0..200 {
        input.push_str(&format!("Content-Security-Policy: {one}\r\n"));
    }
    input.push_str("\r\n");
    let (doc, cost) = measure(|| {
        let parsed = parse(input.as_bytes()).unwrap();
        json::render(&check(
            &parsed,
            &Policy::default(),
            &CheckOptions::default(),
        ))
    });
    assert!(doc.contains("csp-unsafe-inline"));
    assert_bounded("200 CSP headers of 60 KB", cost, input.len(), 40);
}

#[test]
fn meta_policies_in_a_large_body() {
    let _alone = alone();
    let meta = "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'unsafe-inline' https://a.example; object-src *\">";
    let mut body = String::from("<!doctype html><head>");
    while body.len() < headwarden_core::limits::MAX_BODY_BYTES - meta.len() {
        body.push_str(meta);
    }
    let input = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{body}");
    let (doc, cost) = measure(|| {
        let parsed = parse(input.as_bytes()).unwrap();
        json::render(&check(
            &parsed,
            &Policy::default(),
            &CheckOptions::default(),
        ))
    });
    assert!(doc.contains("\"source\":\"meta\"") || doc.contains("\"meta\""));
    assert_bounded("2 MiB of <meta> CSPs", cost, input.len(), 60);
}
