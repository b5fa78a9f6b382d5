//! A size floor, not a product: the one export runs the whole engine (every input format,
//! every rule, the built-in weak-secret audit, the default policy) and returns a number,
//! so nothing of the report's JSON or JS conversion is linked in. Whatever this wasm
//! weighs, any package that can `check()` weighs at least as much.

use headwarden_core::{check, parse, CheckOptions, Policy};
use wasm_bindgen::prelude::*;

/// Grades raw input; returns the sum of scores and finding counts (0 when it does not parse).
#[wasm_bindgen]
pub fn check_score(input: &[u8]) -> u32 {
    let Ok(parsed) = parse(input) else {
        return 0;
    };
    let report = check(&parsed, &Policy::default(), &CheckOptions::default());
    report
        .exchanges
        .iter()
        .map(|e| u32::from(e.score) + e.findings.len() as u32)
        .sum()
}
