//! Test helpers for rules that need more than `rules::testing` offers: exchanges built by
//! hand (a request with headers, a body, a URL) and "quiet over HTTP".

use crate::exchange::{Exchange, Request, Response};
use crate::report::{Finding, Report};
use crate::{check_exchanges, CheckOptions, InputFormat, Policy, Scheme};

/// An exchange with `status`, response `headers` and optionally a body.
pub fn exchange(status: u16, headers: &[(&str, &str)], body: Option<&str>) -> Exchange {
    let mut response = Response {
        status: Some(status),
        body: body.map(|b| b.as_bytes().to_vec()),
        ..Default::default()
    };
    for (k, v) in headers {
        response.headers.append(*k, *v);
    }
    Exchange {
        request: None,
        response,
    }
}

/// Adds a request (method, URL, headers) to `ex`.
pub fn with_request(
    mut ex: Exchange,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
) -> Exchange {
    let mut request = Request {
        method: Some(method.to_string()),
        url: Some(url.to_string()),
        ..Default::default()
    };
    for (k, v) in headers {
        request.headers.append(*k, *v);
    }
    ex.request = Some(request);
    ex
}

/// Checks one exchange with the default policy, optionally forcing the scheme.
pub fn run(ex: Exchange, scheme: Option<Scheme>) -> Report {
    let options = CheckOptions {
        scheme,
        ..Default::default()
    };
    check_exchanges(&[ex], InputFormat::Raw, &[], &Policy::default(), &options)
}

/// Checks one exchange against `policy` (a preset name, or TOML).
pub fn run_with_policy(ex: Exchange, policy: &str) -> Report {
    let policy = Policy::load(policy).unwrap_or_else(|e| panic!("policy: {e:?}"));
    check_exchanges(
        &[ex],
        InputFormat::Raw,
        &[],
        &policy,
        &CheckOptions::default(),
    )
}

/// Checks raw input (any format) with a forced scheme.
pub fn run_input(input: &str, scheme: Scheme) -> Report {
    let parsed = crate::parse(input.as_bytes()).expect("input parses");
    let options = CheckOptions {
        scheme: Some(scheme),
        ..Default::default()
    };
    crate::check(&parsed, &Policy::default(), &options)
}

/// The findings of rule `id` in the first exchange.
pub fn findings<'r>(report: &'r Report, id: &str) -> Vec<&'r Finding> {
    report.exchanges[0]
        .findings
        .iter()
        .filter(|f| f.rule == id)
        .collect()
}

/// The one finding of rule `id`; panics (with the findings) when there is not exactly one.
#[track_caller]
pub fn one<'r>(report: &'r Report, id: &str) -> &'r Finding {
    let found = findings(report, id);
    assert_eq!(
        found.len(),
        1,
        "expected one `{id}` finding, got: {:#?}",
        report.exchanges[0].findings
    );
    found[0]
}

/// Whether rule `id` was evaluated on the first exchange and held.
pub fn passed(report: &Report, id: &str) -> bool {
    report.exchanges[0].passed.contains(&id)
}

/// Asserts that `id` was evaluated and held.
#[track_caller]
pub fn assert_quiet(report: &Report, id: &str) {
    assert!(
        findings(report, id).is_empty(),
        "expected `{id}` to stay quiet, got: {:#?}",
        report.exchanges[0].findings
    );
    assert!(passed(report, id), "expected `{id}` to be listed as passed");
}

/// Asserts that `id` neither fired nor passed.
#[track_caller]
pub fn assert_not_applicable(report: &Report, id: &str) {
    assert!(
        findings(report, id).is_empty(),
        "expected `{id}` not to fire, got: {:#?}",
        report.exchanges[0].findings
    );
    assert!(!passed(report, id), "expected `{id}` not to apply");
}

/// A captured fixture from `tests/fixtures/` at the repository root.
pub fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
#[ignore = "timing, run by hand"]
fn time_header_rules() {
    use crate::rules::{Check, Context};
    let input = fixture("flask-talisman-index.http");
    let input = input.replace(
        "Referrer-Policy:",
        "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\nX-XSS-Protection: 1; mode=block\r\nCross-Origin-Opener-Policy: same-origin\r\nReferrer-Policy:",
    );
    let parsed = crate::parse(input.as_bytes()).unwrap();
    let policy = Policy::default();
    let options = CheckOptions::default();
    let families: Vec<&crate::rules::Rule> = [
        crate::rules::transport::RULES,
        crate::rules::framing::RULES,
        crate::rules::isolation::RULES,
        crate::rules::deprecated::RULES,
        crate::rules::caching::RULES,
    ]
    .concat();
    let n = 20_000;
    let start = std::time::Instant::now();
    let mut count = 0;
    for _ in 0..n {
        let ctx = Context::new(
            &parsed.exchanges[0],
            0,
            Scheme::AssumedHttps,
            &policy,
            &options,
        );
        let mut out = Vec::new();
        for rule in &families {
            if let Check::Exchange(f) = rule.check {
                f(&ctx, &mut out);
            }
        }
        count += out.len();
    }
    let per = start.elapsed() / n;
    let mut each = vec![std::time::Duration::ZERO; families.len()];
    for _ in 0..n / 10 {
        let ctx = Context::new(
            &parsed.exchanges[0],
            0,
            Scheme::AssumedHttps,
            &policy,
            &options,
        );
        let _ = (ctx.csp(), ctx.cookies(), ctx.html(), ctx.hsts());
        let mut out = Vec::new();
        for (i, rule) in families.iter().enumerate() {
            if let Check::Exchange(f) = rule.check {
                let t = std::time::Instant::now();
                f(&ctx, &mut out);
                each[i] += t.elapsed();
            }
        }
    }
    for (rule, d) in families.iter().zip(&each) {
        eprintln!("  {:32} {:?}", rule.id, *d / (n / 10));
    }
    eprintln!(
        "{} rules, {count} findings total, {per:?} per response",
        families.len()
    );
    let start = std::time::Instant::now();
    for _ in 0..n {
        let ctx = Context::new(
            &parsed.exchanges[0],
            0,
            Scheme::AssumedHttps,
            &policy,
            &options,
        );
        count += ctx.csp().policies.len() + ctx.cookies().len();
    }
    eprintln!(
        "shared parsing alone (html, csp, cookies): {:?} per response ({count})",
        start.elapsed() / n
    );
}
