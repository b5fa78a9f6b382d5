//! Helpers for rule tests: run the whole engine on an input and look for one rule id.

use crate::{check, parse, CheckOptions, Policy, Report, Scheme};

/// Checks `input` (any supported format) with the default policy and options.
pub fn report(input: &str) -> Report {
    report_with(input, &CheckOptions::full_report())
}

pub fn report_with(input: &str, options: &CheckOptions) -> Report {
    let parsed =
        parse(input.as_bytes()).unwrap_or_else(|e| panic!("input does not parse: {e}\n{input}"));
    check(&parsed, &Policy::default(), options)
}

fn fired(report: &Report, id: &str) -> bool {
    report
        .exchanges
        .iter()
        .any(|e| e.findings.iter().any(|f| f.rule == id))
}

fn passed(report: &Report, id: &str) -> bool {
    report.exchanges.iter().all(|e| e.passed.contains(&id))
}

/// Asserts that rule `id` fires on `input`.
#[track_caller]
pub fn fires(id: &str, input: &str) -> Report {
    let report = report(input);
    assert!(
        fired(&report, id),
        "expected `{id}` to fire on:\n{input}\nfindings: {:#?}",
        report.exchanges[0].findings
    );
    report
}

/// Asserts that rule `id` was evaluated on `input` and held.
#[track_caller]
pub fn quiet(id: &str, input: &str) -> Report {
    let report = report(input);
    assert!(
        !fired(&report, id),
        "expected `{id}` to stay quiet on:\n{input}\nfindings: {:#?}",
        report.exchanges[0].findings
    );
    assert!(
        passed(&report, id),
        "expected `{id}` to be listed as passed on:\n{input}"
    );
    report
}

/// Asserts that rule `id` fires on `input` graded with `scheme`.
#[track_caller]
pub fn fires_with_scheme(id: &str, input: &str, scheme: Scheme) -> Report {
    let report = report_with(
        input,
        &CheckOptions {
            scheme: Some(scheme),
            ..CheckOptions::full_report()
        },
    );
    assert!(
        fired(&report, id),
        "expected `{id}` to fire over {scheme} on:\n{input}"
    );
    report
}

/// Asserts that rule `id` neither fires nor passes (it does not apply) with `scheme`.
#[track_caller]
pub fn not_applicable_with_scheme(id: &str, input: &str, scheme: Scheme) -> Report {
    let report = report_with(
        input,
        &CheckOptions {
            scheme: Some(scheme),
            ..CheckOptions::full_report()
        },
    );
    assert!(
        !fired(&report, id),
        "expected `{id}` not to fire over {scheme} on:\n{input}"
    );
    assert!(
        !report.exchanges.iter().any(|e| e.passed.contains(&id)),
        "expected `{id}` not to apply over {scheme}"
    );
    report
}
