//! `parse_as` with the format forced (no detection), so every input reaches this parser.
//! An error is fine; a panic, a hang or unbounded memory is not. What parses is checked.
#![no_main]

use headwarden_core::{check, parse_as, CheckOptions, InputFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [InputFormat::CurlVerbose] {
        let Ok(parsed) = parse_as(data, Some(format)) else {
            continue;
        };
        assert_eq!(parsed.format, format);
        assert!(parsed.notes.len() <= headwarden_core::limits::MAX_NOTES + 1);
        assert!(parsed.exchanges.len() <= headwarden_core::limits::MAX_EXCHANGES);
        let options = CheckOptions {
            skip_secret_audit: true,
            ..Default::default()
        };
        let _ = check(&parsed, &headwarden_core_fuzz::policies()[1], &options);
    }
});
