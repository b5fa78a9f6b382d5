//! `cargo xtask test csp-differential`: Google's CSP Evaluator, run live, against our engine.
//!
//! 1. Runs the reference harness (`../shared/anchors/csp/eval.mjs`, with npm
//!    `csp_evaluator` 1.1.8 from `tools/node_modules`) over the anchor's `corpus.txt`
//!    through `tests/csp/differential.mjs`, and checks that what it prints today is the
//!    committed `corpus.expected.jsonl` that `crates/core/tests/csp_parity.rs` judges:
//!    the parity figure is then a comparison with the evaluator itself, not with a file.
//! 2. Runs the parity test, which fails on any difference not listed in
//!    `tests/csp/divergences.toml`, and prints the agreement figure.
//! 3. Runs the reference over our own tricky policies (`tests/csp/tricky.toml`) and prints
//!    how our findings compare there (reported, not judged: tricky.toml holds our own
//!    expected results, tested in `crates/core/tests/csp_tricky.rs`).

use std::path::Path;

use anyhow::{bail, Context as _, Result};

use crate::util::{self, cargo, run};

/// `crates/core/tests/csp_parity.rs`, printing its comparison.
const PARITY_TEST: [&str; 8] = [
    "test",
    "--quiet",
    "-p",
    "headwarden-core",
    "--test",
    "csp_parity",
    "--",
    "--nocapture",
];

pub fn differential() -> Result<()> {
    let anchor = util::shared().join("anchors/csp");
    let work = util::root().join("target/csp-reference");
    let reference = work.join("anchor");
    install_reference(&anchor, &reference)?;

    let live = work.join("corpus");
    run(differential_mjs(&reference)
        .arg(anchor.join("corpus.txt"))
        .arg(&live))?;
    let committed = read(&anchor.join("corpus.expected.jsonl"))?;
    let today = read(&live.join("corpus.expected.jsonl"))?;
    same_lines(&committed, &today)?;
    eprintln!(
        "csp-differential: the evaluator's output today is the committed corpus.expected.jsonl ({} policies)",
        committed.lines().count()
    );

    run(cargo().args(PARITY_TEST))?;

    let tricky = work.join("tricky");
    run(differential_mjs(&reference).arg("--tricky").arg(&tricky))?;
    run(cargo()
        .args(PARITY_TEST)
        .env("HEADWARDEN_CSP_ANCHOR", &tricky))
}

/// The anchor's harness beside a `node_modules` that holds the pinned evaluator (the
/// anchor folder itself has no install, and is not ours to write to).
fn install_reference(anchor: &Path, reference: &Path) -> Result<()> {
    let modules = util::root().join("tools/node_modules");
    if !modules.join("csp_evaluator/package.json").exists() {
        bail!(
            "{} has no csp_evaluator: run `cargo xtask setup`",
            modules.display()
        );
    }
    std::fs::create_dir_all(reference)?;
    std::fs::copy(anchor.join("eval.mjs"), reference.join("eval.mjs"))
        .with_context(|| format!("copying {}", anchor.join("eval.mjs").display()))?;
    let link = reference.join("node_modules");
    if std::fs::symlink_metadata(&link).is_err() {
        std::os::unix::fs::symlink(&modules, &link)
            .with_context(|| format!("linking {}", link.display()))?;
    }
    Ok(())
}

fn differential_mjs(reference: &Path) -> std::process::Command {
    let mut c = util::cmd("node");
    c.arg("tests/csp/differential.mjs")
        .current_dir(util::root())
        .env("CSP_ANCHOR_DIR", reference);
    c
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Line by line, as JSON values (the reference's key order is not ours to pin).
fn same_lines(committed: &str, today: &str) -> Result<()> {
    let (a, b): (Vec<&str>, Vec<&str>) = (committed.lines().collect(), today.lines().collect());
    if a.len() != b.len() {
        bail!(
            "the evaluator printed {} lines today, the committed output has {}",
            b.len(),
            a.len()
        );
    }
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        let x: serde_json::Value = serde_json::from_str(x).context("committed output")?;
        let y: serde_json::Value = serde_json::from_str(y).context("today's output")?;
        if x != y {
            bail!(
                "line {}: the evaluator's output differs from the committed corpus.expected.jsonl\n  committed: {x}\n  today:     {y}",
                i + 1
            );
        }
    }
    Ok(())
}
