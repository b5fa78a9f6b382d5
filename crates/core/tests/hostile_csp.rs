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

fn assert_checks_within(what: &str, policy: &str, factor: usize) {
    let (rendered, cost) = measure(|| {
        let checked = check_csp(policy);
        let report = checked.report();
        serde_json::to_string(&report).map(|s| s.len())
    });
    let rendered = rendered.unwrap();
    assert!(rendered < 64 * ONE_MB, "{what}: {rendered} bytes of report");
    assert_bounded(what, cost, policy.len(), factor);
}

#[test]
fn one_megabyte_policies_of_few_directives() {
    let _alone = alone();
    let shapes = [
        (
            "one directive, 55,000 hosts",
            fill(" https://a.example", "script-src"),
        ),
        ("one 1 MB token", fill("a", "script-src ")),
        (
            "60,000 nonces",
            fill(" 'nonce-abcdefgh'", "script-src 'strict-dynamic'"),
        ),
        (
            "19,000 hashes",
            fill(
                " 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
                "script-src",
            ),
        ),
        (
            "quotes and keywords",
            fill(" 'unsafe-inline' 'self' 'none' '", "default-src"),
        ),
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
    // The report quotes a source in full in each finding about it and in the view, so a
    // 1 MB token appears a few dozen times in it (measured 28x to 66x the policy).
    for (what, policy) in &shapes {
        assert_checks_within(what, policy, 100);
    }
}

/// Many directives or many policies in one value. (Found by this suite: the CSP view once
/// grouped findings by directive name, so N duplicate directives cost N², and every
/// duplicate or unknown directive had its own rendered finding: a 64 KiB `a;a;a;…` header
/// took 37 s in the dev profile.)
#[test]
fn one_megabyte_policies_of_many_directives() {
    let _alone = alone();
    let shapes = [
        (
            "50,000 duplicate directives",
            fill("script-src 'self';", ""),
        ),
        ("500,000 one-letter directives", fill(";a", "")),
        ("50,000 distinct unknown directives", {
            let mut s = String::new();
            let mut i = 0;
            while s.len() < ONE_MB {
                s.push_str(&format!("x-{i} a;"));
                i += 1;
            }
            s
        }),
        ("50,000 comma-separated policies", fill("script-src *,", "")),
        ("semicolons only", fill(";", "")),
    ];
    for (what, policy) in &shapes {
        assert_checks_within(what, policy, 60);
    }
}

/// The same shapes at the size a pasted header may have (64 KiB): this is what `check`
/// meets.
#[test]
fn header_sized_policies_of_many_directives() {
    let _alone = alone();
    let size = 60_000;
    let fill_to = |unit: &str| {
        let mut s = String::new();
        while s.len() < size {
            s.push_str(unit);
        }
        s
    };
    for (what, unit) in [
        ("duplicates", ";a"),
        ("policies", ",a"),
        ("script-src", "script-src 'self';"),
    ] {
        let policy = fill_to(unit);
        let input = format!("HTTP/1.1 200 OK\r\nContent-Security-Policy: {policy}\r\n\r\n");
        let (doc, cost) = measure(|| {
            let parsed = parse(input.as_bytes()).unwrap();
            json::render(&check(
                &parsed,
                &Policy::default(),
                &CheckOptions::full_report(),
            ))
        });
        assert!(doc.contains("csp-"));
        assert_bounded(
            &format!("60 KB CSP header of {what}"),
            cost,
            input.len(),
            60,
        );
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

/// (Found by this suite: once 408 MB peak, 34x, and 8 s of CPU in the dev profile, most of
/// it rendered findings, one per repeated source.)
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
            &CheckOptions::full_report(),
        ))
    });
    assert!(doc.contains("csp-unsafe-inline"));
    assert_bounded("200 CSP headers of 60 KB", cost, input.len(), 40);
}

/// (Found by this suite: 17,000 `<meta>` policies in a 2 MiB body once took 460 MB, 220x,
/// and 30 s of CPU in the dev profile.)
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
            &CheckOptions::full_report(),
        ))
    });
    assert!(doc.contains("\"source\":\"meta\"") || doc.contains("\"meta\""));
    assert_bounded("2 MiB of <meta> CSPs", cost, input.len(), 60);
}
