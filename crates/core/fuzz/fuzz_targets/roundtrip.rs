//! The invariant of DESIGN.md: for every policy P and response R,
//! `check(enforce(R, P), P)` reports nothing that P covers.
#![no_main]

use headwarden_core::policy::{enforce_with, Mode};
use headwarden_core::{check_exchanges, CheckOptions, Exchange, InputFormat};
use headwarden_core_fuzz::{nonce, responses, Selector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let sel = Selector::of(first);
    let policy = sel.policy();
    let options = CheckOptions {
        skip_secret_audit: true,
        ..Default::default()
    };
    for (parsed_request, mut response) in responses(rest, sel.direct) {
        let request = sel.request().or(parsed_request);
        enforce_with(
            &mut response,
            request.as_ref(),
            policy,
            Mode::Enforce,
            &mut nonce(),
        );
        let exchange = Exchange { request, response };
        let report = check_exchanges(
            std::slice::from_ref(&exchange),
            InputFormat::Raw,
            &[],
            policy,
            &options,
        );
        let covers = policy.covers_for(report.exchanges[0].scheme);
        let left: Vec<String> = report.exchanges[0]
            .findings
            .iter()
            .filter(|f| covers.contains(&f.rule))
            .map(|f| format!("{}: {}", f.rule, f.detail))
            .collect();
        assert!(
            left.is_empty(),
            "enforce left covered findings {left:#?}\n{}",
            exchange.response.to_curl_string()
        );
    }
});
