//! The rules. One file per rule, grouped in one folder per family (`rules/transport/`,
//! `rules/cookies/`, …). Each file declares its rule with [`declare_rule!`] — id, title,
//! severity, family, the version it became stable, fixes, and the doc comment that
//! becomes its documentation (`headwarden rules <id>`, SARIF metadata, the web app) —
//! and a check function.
//!
//! Rule ids are stable: tests and CI gates depend on them. Never rename one.

use crate::report::{Finding, Severity};

pub mod context;
pub use context::Context;

pub mod caching;
pub mod cookies;
pub mod cors;
pub mod csp;
pub mod deprecated;
pub mod disclosure;
pub mod flask;
pub mod framing;
pub mod isolation;
pub mod policy;
pub mod transport;

#[cfg(test)]
pub(crate) mod testing;

/// Declares one rule: a `pub static` [`Rule`] whose documentation is the doc comment.
///
/// Write the doc comment like ruff does: `## What it does`, `## Why is this bad?`,
/// `## Example`, `## Use instead`, `## References`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            id: $id:literal,
            title: $title:literal,
            severity: $sev:ident,
            family: $fam:ident,
            since: $since:literal,
            check: $check:expr,
            fixes: { $($k:ident: $v:expr),* $(,)? } $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        #[allow(clippy::needless_update)] // `..NONE` is needed only when a fix is left out
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            title: $title,
            severity: $crate::report::Severity::$sev,
            family: $crate::rules::Family::$fam,
            since: $since,
            // Without the `docs` feature (the wasm builds) the text stays out of the
            // binary; the npm package and the web page load it from rules.json.
            #[cfg(feature = "docs")]
            raw_docs: concat!($($doc, "\n"),*),
            #[cfg(not(feature = "docs"))]
            raw_docs: "",
            check: $check,
            fixes: $crate::rules::Fixes { $($k: Some($v),)* ..$crate::rules::Fixes::NONE },
        };
    };
}

/// The families of DESIGN.md's rule table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Transport,
    Csp,
    Framing,
    Isolation,
    Cors,
    Cookies,
    Disclosure,
    Caching,
    Policy,
    Deprecated,
    Flask,
}

impl Family {
    pub fn title(self) -> &'static str {
        match self {
            Family::Transport => "Transport",
            Family::Csp => "Content-Security-Policy",
            Family::Framing => "Framing and types",
            Family::Isolation => "Referrer, permissions, isolation",
            Family::Cors => "CORS",
            Family::Cookies => "Cookies",
            Family::Disclosure => "Disclosure",
            Family::Caching => "Caching",
            Family::Policy => "Policy",
            Family::Deprecated => "Deprecated",
            Family::Flask => "Flask and friends",
        }
    }
}

/// Fix snippets for each way of deploying the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixes {
    /// Flask config, flask-talisman, or an `after_request` hook.
    pub flask: Option<&'static str>,
    /// The headwarden policy key (TOML) that makes the worker fix it.
    pub policy: Option<&'static str>,
    pub nginx: Option<&'static str>,
}

impl Fixes {
    pub const NONE: Fixes = Fixes {
        flask: None,
        policy: None,
        nginx: None,
    };

    /// `(tab name, snippet)` for each fix present.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        [
            ("flask", self.flask),
            ("policy", self.policy),
            ("nginx", self.nginx),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
    }
}

/// Whether a rule had something to evaluate on this exchange. A rule that was
/// evaluated and emitted nothing is listed under `passed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Checked,
    NotApplicable,
}

/// A check over every exchange of an input; findings carry their exchange's index.
pub type InputCheck = fn(&[Context<'_>], &mut Vec<(usize, Finding)>) -> Outcome;

/// How a rule is evaluated.
#[derive(Clone, Copy)]
pub enum Check {
    /// Runs on each exchange alone.
    Exchange(fn(&Context<'_>, &mut Vec<Finding>) -> Outcome),
    /// Runs once over every exchange of the input (e.g. a nonce reused across
    /// responses). Returns findings with the index of the exchange they belong to.
    Input(InputCheck),
    /// Findings come from another part of the engine (CLI-only audits); never run by `check`.
    External,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Check::Exchange(_) => "Check::Exchange",
            Check::Input(_) => "Check::Input",
            Check::External => "Check::External",
        })
    }
}

/// One rule: its stable id, documentation and check.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub family: Family,
    /// The headwarden version in which the rule became stable.
    pub since: &'static str,
    /// The doc comment as written (`///` lines), see [`Rule::docs`].
    pub raw_docs: &'static str,
    pub check: Check,
    pub fixes: Fixes,
}

impl Rule {
    /// The rule's documentation as Markdown. Built once per doc text, then cloned: every
    /// report carries the docs of the rules that fired, and building them was most of the
    /// time of a `check` in wasm.
    pub fn docs(&self) -> String {
        use std::collections::HashMap;
        use std::sync::{Mutex, OnceLock, PoisonError};
        static BUILT: OnceLock<Mutex<HashMap<(usize, usize), String>>> = OnceLock::new();
        let key = (self.raw_docs.as_ptr() as usize, self.raw_docs.len());
        let mut built = BUILT
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        built
            .entry(key)
            .or_insert_with(|| self.build_docs())
            .clone()
    }

    fn build_docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim_end().to_string()
    }

    /// The rule and its documentation as one JSON object (id, title, severity, family,
    /// since, summary, docs, fixes): `headwarden rules ID --format json`, and each entry
    /// of the `rules.json` the npm package and the web page ship beside their wasm.
    pub fn doc_json(&self) -> serde_json::Value {
        let fixes: serde_json::Map<String, serde_json::Value> = self
            .fixes
            .iter()
            .map(|(tab, snippet)| (tab.to_string(), serde_json::json!(snippet)))
            .collect();
        serde_json::json!({
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "family": self.family,
            "since": self.since,
            "summary": self.summary(),
            "docs": self.docs(),
            "fixes": fixes,
        })
    }

    /// The first paragraph under "What it does", for one-line listings.
    pub fn summary(&self) -> String {
        let docs = self.docs();
        let body = docs
            .split_once("## What it does")
            .map_or(docs.as_str(), |(_, rest)| rest);
        body.trim_start()
            .split("\n\n")
            .next()
            .unwrap_or("")
            .replace('\n', " ")
            .trim()
            .to_string()
    }
}

/// Every rule, in the order reports list them (family by family).
pub fn all() -> &'static [&'static Rule] {
    static ALL: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut v = Vec::new();
        v.extend_from_slice(transport::RULES);
        v.extend_from_slice(csp::RULES);
        v.extend_from_slice(framing::RULES);
        v.extend_from_slice(isolation::RULES);
        v.extend_from_slice(cors::RULES);
        v.extend_from_slice(cookies::RULES);
        v.extend_from_slice(disclosure::RULES);
        v.extend_from_slice(caching::RULES);
        v.extend_from_slice(policy::RULES);
        v.extend_from_slice(deprecated::RULES);
        v.extend_from_slice(flask::RULES);
        v
    })
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}

/// Most findings one rule reports on one exchange. Hostile input (thousands of `<meta>`
/// CSPs, 10,000 cookies) would otherwise make a report, and every renderer after it,
/// grow with the attack; the rest are counted in a note.
pub const MAX_FINDINGS_PER_RULE: usize = 100;

/// What [`run`] returns for one exchange.
#[derive(Default)]
pub(crate) struct RuleResults {
    pub findings: Vec<Finding>,
    /// Rules that were evaluated and held.
    pub passed: Vec<&'static str>,
    /// Rules that found more than [`MAX_FINDINGS_PER_RULE`], with how many were left out.
    pub capped: Vec<(&'static str, usize)>,
}

/// Runs every rule over the exchanges of one input.
pub(crate) fn run(contexts: &[Context<'_>]) -> Vec<RuleResults> {
    let mut results: Vec<RuleResults> = contexts.iter().map(|_| RuleResults::default()).collect();
    let mut scratch = Vec::new();
    let mut across = Vec::new();
    for rule in all() {
        match rule.check {
            Check::Exchange(check) => {
                for (ctx, result) in contexts.iter().zip(results.iter_mut()) {
                    if !ctx.options.is_enabled(rule.id) {
                        continue;
                    }
                    scratch.clear();
                    if check(ctx, &mut scratch) == Outcome::Checked && scratch.is_empty() {
                        result.passed.push(rule.id);
                    }
                    if scratch.len() > MAX_FINDINGS_PER_RULE {
                        result
                            .capped
                            .push((rule.id, scratch.len() - MAX_FINDINGS_PER_RULE));
                        scratch.truncate(MAX_FINDINGS_PER_RULE);
                    }
                    result.findings.append(&mut scratch);
                }
            }
            Check::Input(check) => {
                let Some(first) = contexts.first() else {
                    continue;
                };
                if !first.options.is_enabled(rule.id) {
                    continue;
                }
                across.clear();
                if check(contexts, &mut across) == Outcome::NotApplicable {
                    continue;
                }
                let mut hit = vec![false; contexts.len()];
                for (index, finding) in across.drain(..) {
                    if let Some(result) = results.get_mut(index) {
                        hit[index] = true;
                        result.findings.push(finding);
                    }
                }
                for (i, result) in results.iter_mut().enumerate() {
                    if !hit[i] {
                        result.passed.push(rule.id);
                    }
                }
            }
            Check::External => {}
        }
    }
    results
}
