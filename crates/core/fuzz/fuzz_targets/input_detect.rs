//! Auto-detection and every parser behind it, then the whole check (every rule) and the
//! renderers on whatever parses. Any panic is a bug: input is untrusted bytes.
#![no_main]

use headwarden_core::report::{json, markdown, sarif, text};
use headwarden_core::{check, parse, CheckOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = parse(data) else {
        return;
    };
    // The secret audit is its own target (flask_session); here it only slows the rules.
    let options = CheckOptions {
        skip_secret_audit: true,
        ..Default::default()
    };
    let report = check(&parsed, headwarden_fuzz_policy(), &options);
    let doc = json::render(&report);
    assert!(serde_json::from_str::<serde_json::Value>(&doc).is_ok());
    // The other renderers on one input in eight: they are slow under the sanitizer and
    // the parsers need the executions.
    if data.first().is_some_and(|b| b & 7 == 0) {
        let _ = sarif::render(&report, None);
        let _ = markdown::render(&report);
        let _ = text::render(&report, false, 80);
    }
});

fn headwarden_fuzz_policy() -> &'static headwarden_core::Policy {
    &headwarden_core_fuzz::policies()[1]
}
