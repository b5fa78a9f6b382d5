//! Prints every rule's documentation as JSON: the `rules.json` that the npm package
//! (`lib/rules.mjs`) and the web page ship beside their wasm, which is built without
//! core's `docs` feature. Run natively by `cargo xtask npm-build` / `web-build`:
//! `cargo run -p headwarden-wasm --example rules_json`.
//!
//! Each entry: id, title, severity, family, since, summary, docs (Markdown), fixes.

use serde_json::Value;

fn main() {
    let list: Vec<Value> = headwarden_core::rules::all()
        .iter()
        .map(|rule| rule.doc_json())
        .collect();
    assert!(
        list.iter()
            .all(|r| r["docs"].as_str().is_some_and(|d| !d.is_empty())),
        "built without the docs feature of headwarden-core"
    );
    println!("{}", Value::Array(list));
}
