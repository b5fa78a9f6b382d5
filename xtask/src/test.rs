//! `cargo xtask test`: installs what is missing, then runs every check CI relies on and
//! ends with one `N passed, M failed` line. A failed step does not stop the others, so
//! one run shows everything that is broken. `cargo xtask test <step>` runs one step.

use std::time::Instant;

use anyhow::{bail, Result};

use crate::setup::{self, Needs};
use crate::util::{self, cargo, run};

type Step = (&'static str, fn() -> Result<()>);

const STEPS: &[Step] = &[
    ("fmt", fmt),
    ("clippy", clippy),
    ("wasm32-build", wasm32_build),
    ("cargo-test", cargo_test),
    ("csp-differential", crate::csp::differential),
    ("web-e2e", web_e2e),
    ("npm-e2e", npm_e2e),
    ("worker-e2e", crate::worker::test),
    ("fuzz-smoke", fuzz_smoke),
    ("cargo-deny", crate::fuzz::deny),
    ("demo-check", demo_check),
];

pub fn test(args: &[String]) -> Result<()> {
    let only: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    for name in &only {
        if !STEPS.iter().any(|(n, _)| n == name) {
            let names: Vec<_> = STEPS.iter().map(|(n, _)| *n).collect();
            bail!("no test step named `{name}` (steps: {})", names.join(", "));
        }
    }
    setup::setup(Needs::ALL)?;
    let mut failed = Vec::new();
    let mut passed = 0;
    for (name, step) in STEPS
        .iter()
        .filter(|(n, _)| only.is_empty() || only.contains(n))
    {
        let started = Instant::now();
        eprintln!("\n==> xtask test: {name}");
        match step() {
            Ok(()) => {
                passed += 1;
                eprintln!("==> {name}: ok ({:.1}s)", started.elapsed().as_secs_f64());
            }
            Err(e) => {
                eprintln!(
                    "==> {name}: FAILED ({:.1}s): {e:#}",
                    started.elapsed().as_secs_f64()
                );
                failed.push(*name);
            }
        }
    }
    println!("\nxtask test: {passed} passed, {} failed", failed.len());
    if !failed.is_empty() {
        bail!("failed steps: {}", failed.join(", "));
    }
    Ok(())
}

fn fmt() -> Result<()> {
    run(cargo().args(["fmt", "--all", "--check"]))
}

fn clippy() -> Result<()> {
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ]))
}

/// The core builds for wasm32 with and without HTML rewriting (the npm main wasm and
/// the web app use it without).
fn wasm32_build() -> Result<()> {
    let wasm = [
        "build",
        "--quiet",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "headwarden-core",
    ];
    run(cargo().args(wasm))?;
    run(cargo().args(wasm).arg("--no-default-features"))
}

fn cargo_test() -> Result<()> {
    run(cargo().args(["test", "--workspace", "--quiet"]))
}

/// The web checker in real Chromium against the release build of the site.
fn web_e2e() -> Result<()> {
    let site = util::target_dir().join("dist/web");
    crate::web::build(true, &site)?;
    run(cargo().args(["build", "--quiet", "-p", "headwarden-cli"]))?;
    run(util::cmd("node")
        .args(["--test", "tests/e2e/web.test.mjs"])
        .env("HEADWARDEN_WEB_DIR", &site))
}

/// Builds and packs the npm package, then tests the tarball as a user would.
fn npm_e2e() -> Result<()> {
    crate::npm::build(&util::target_dir().join("dist"))?;
    crate::npm::test()
}

fn fuzz_smoke() -> Result<()> {
    crate::fuzz::smoke(crate::fuzz::SMOKE_SECONDS)
}

fn demo_check() -> Result<()> {
    crate::demo::demo(true)
}
