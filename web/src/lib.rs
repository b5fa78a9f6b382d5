//! # headwarden web checker
//!
//! A Yew single-page app compiled to WebAssembly. Everything runs in the browser: the
//! pasted input is parsed and graded by `headwarden-core` inside this wasm, and nothing
//! the user pastes is ever sent anywhere (the permalink lives in the URL fragment, which
//! browsers do not send to servers).
//!
//! The page loads in three steps (see `static/`): the inline bootstrap in `index.html`
//! (pinned by its sha256 in the CSP) inserts `app.js` as a non-parser-inserted module
//! script, which `'strict-dynamic'` allows; `app.js` compiles this wasm, creates the
//! Web Worker (`audit-worker.js`, which instantiates the same wasm module and drives
//! [`Auditor`] for the wordlist audit and [`BackgroundCheck`] for large inputs), and
//! calls [`start`].

use std::fmt;
use std::str::FromStr;

use headwarden_core::Scheme;
use wasm_bindgen::prelude::*;

pub mod app;
mod dom;
pub mod markdown;
pub mod offload;
pub mod permalink;
pub mod policy_export;
mod rule_docs;
mod rules_reference;
pub mod session;
mod views;

/// The scheme the user asks the checker to assume (`--scheme` in the CLI).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SchemeChoice {
    /// The URL tells; bare headers are graded as HTTPS.
    #[default]
    Auto,
    Https,
    Http,
}

impl SchemeChoice {
    pub const ALL: [SchemeChoice; 3] =
        [SchemeChoice::Auto, SchemeChoice::Https, SchemeChoice::Http];

    pub fn as_str(self) -> &'static str {
        match self {
            SchemeChoice::Auto => "auto",
            SchemeChoice::Https => "https",
            SchemeChoice::Http => "http",
        }
    }

    /// The override to pass to `check`.
    pub fn scheme(self) -> Option<Scheme> {
        match self {
            SchemeChoice::Auto => None,
            SchemeChoice::Https => Some(Scheme::Https),
            SchemeChoice::Http => Some(Scheme::Http),
        }
    }
}

impl fmt::Display for SchemeChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchemeChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SchemeChoice::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown scheme `{s}` (expected auto, https or http)"))
    }
}

/// Mounts the app on `root`. `worker` is the Web Worker (wordlist audit, large inputs)
/// created by `app.js` at page load (`None` when the browser could not create it; large
/// inputs are then checked on the page, slowly); `rule_docs` the
/// pending text of `rules.json` (the rules' docs, which this wasm leaves out).
#[wasm_bindgen]
pub fn start(
    root: web_sys::Element,
    worker: Option<web_sys::Worker>,
    rule_docs: Option<js_sys::Promise>,
) {
    let rule_docs = rule_docs.map(JsValue::from);
    yew::Renderer::<app::App>::with_root_and_props(root, app::Props { worker, rule_docs }).render();
}

/// The wordlist audit, driven step by step by `audit-worker.js` inside the Web Worker.
#[wasm_bindgen]
pub struct Auditor(session::WordlistAudit);

#[wasm_bindgen]
impl Auditor {
    /// `cookie` is the signed cookie value; `words` the wordlist file (one secret a line).
    #[wasm_bindgen(constructor)]
    pub fn new(cookie: &str, words: Vec<u8>) -> Result<Auditor, JsError> {
        session::WordlistAudit::new(cookie, words)
            .map(Auditor)
            .ok_or_else(|| {
                JsError::new(
                    "not a signed cookie this checker can audit (a Flask session, a Flask-Login remember_token or an express-session connect.sid)",
                )
            })
    }

    /// Tries up to `max` candidates; true when the audit is over.
    pub fn step(&mut self, max: u32) -> bool {
        self.0.step(max)
    }

    pub fn tried(&self) -> f64 {
        self.0.tried() as f64
    }

    pub fn fraction(&self) -> f64 {
        self.0.fraction()
    }

    /// The secret that verified, if any.
    pub fn found(&self) -> Option<String> {
        self.0.found().map(str::to_string)
    }

    pub fn kind(&self) -> String {
        self.0.kind().to_string()
    }
}

/// A large input parsed and checked in the Web Worker (`audit-worker.js`), which keeps it
/// to answer the page: the summary, then the response the user selects (see [`offload`]).
#[wasm_bindgen]
pub struct BackgroundCheck(offload::Checked);

#[wasm_bindgen]
impl BackgroundCheck {
    /// Parses and checks `input`; `scheme` is `auto`, `https` or `http`. Fails with the
    /// parser's message.
    #[wasm_bindgen(constructor)]
    pub fn new(input: &str, scheme: &str) -> Result<BackgroundCheck, JsError> {
        let scheme = scheme.parse().unwrap_or_default();
        offload::Checked::new(input, scheme)
            .map(BackgroundCheck)
            .map_err(|e| JsError::new(&e))
    }

    /// Every response's row, as JSON ([`offload::Summary`]).
    pub fn summary(&self) -> String {
        self.0.summary_json()
    }

    /// Response `index` as a one-entry HAR.
    pub fn exchange(&self, index: usize) -> Option<String> {
        self.0.exchange_har(index)
    }

    /// The findings of response `index` from input-wide rules, as JSON.
    #[wasm_bindgen(js_name = inputFindings)]
    pub fn input_findings(&self, index: usize) -> String {
        self.0.input_findings_json(index)
    }

    /// The policy suggested for the whole input (TOML).
    pub fn policy(&self) -> String {
        self.0.policy()
    }
}

/// The permalink fragment of `input` (`None` when too large), computed in the worker for
/// large inputs: deflating megabytes would block the page.
#[wasm_bindgen(js_name = permalink)]
pub fn permalink_fragment(input: &str, scheme: &str) -> Option<String> {
    permalink::encode(input, scheme.parse().unwrap_or_default())
}

// The default allocator (dlmalloc) is slower and no smaller in our measurements.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
