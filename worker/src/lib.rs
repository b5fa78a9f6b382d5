//! # headwarden-worker
//!
//! A Cloudflare Worker (workers-rs) that sits in front of a Flask app and enforces a
//! headwarden policy on every exchange: the request guards of [`guard`] (HTTPS redirect,
//! method allowlist, Werkzeug debugger URLs, body size, CSRF, rate limits), then the
//! core's `enforce` on the origin's response (headers, cookies, a CSP nonce streamed into
//! the HTML by the runtime's `HTMLRewriter` ([`nonce`]), debugger pages replaced), one JSON log line per request ([`audit`]), and a
//! CSP report endpoint ([`csp_report`]).
//!
//! Configuration comes from vars ([`config`]): `ORIGIN_URL`, `POLICY`, `MODE`, `ON_ERROR`,
//! `ORIGIN_TIMEOUT_MS`. Everything but [`edge`] (the runtime glue) is plain Rust, tested
//! natively.

pub mod audit;
pub mod config;
pub mod csp_report;
mod edge;
pub mod forward;
pub mod guard;
pub mod nonce;

// The default allocator (dlmalloc) is slower and no smaller in our measurements.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
