//! `cargo xtask test`: installs what is missing, then runs every check CI relies on and
//! ends with one `N passed, M failed` line. A failed step does not stop the others, so
//! one run shows everything that is broken.

use std::time::Instant;

use anyhow::{bail, Result};

use crate::setup::{self, Needs};
use crate::util::{self, cargo, run};

type Step = (&'static str, Box<dyn Fn() -> Result<()>>);

pub fn test(args: &[String]) -> Result<()> {
    setup::setup(Needs::ALL)?;
    let only: Option<&str> = args.iter().find(|a| !a.starts_with('-')).map(String::as_str);
    let mut steps: Vec<Step> = vec![
        ("fmt", Box::new(|| run(cargo().args(["fmt", "--all", "--check"])))),
        (
            "clippy",
            Box::new(|| {
                run(cargo().args([
                    "clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings",
                ]))
            }),
        ),
        (
            "wasm32-build",
            Box::new(|| {
                run(cargo().args([
                    "build", "--quiet", "--target", "wasm32-unknown-unknown", "-p", "headwarden-core",
                ]))?;
                run(cargo().args([
                    "build", "--quiet", "--target", "wasm32-unknown-unknown", "-p", "headwarden-core",
                    "--no-default-features",
                ]))
            }),
        ),
        ("cargo-test", Box::new(|| run(cargo().args(["test", "--workspace", "--quiet"])))),
        ("demo-check", Box::new(|| crate::demo::demo(true))),
    ];
    if let Some(only) = only {
        steps.retain(|(name, _)| *name == only);
        if steps.is_empty() {
            bail!("no test step named `{only}`");
        }
    }
    let mut failed = Vec::new();
    let mut passed = 0;
    for (name, step) in &steps {
        let started = Instant::now();
        eprintln!("\n==> xtask test: {name}");
        match step() {
            Ok(()) => {
                passed += 1;
                eprintln!("==> {name}: ok ({:.1}s)", started.elapsed().as_secs_f64());
            }
            Err(e) => {
                eprintln!("==> {name}: FAILED ({:.1}s): {e:#}", started.elapsed().as_secs_f64());
                failed.push(*name);
            }
        }
    }
    let _ = util::root();
    println!("\nxtask test: {passed} passed, {} failed", failed.len());
    if !failed.is_empty() {
        bail!("failed steps: {}", failed.join(", "));
    }
    Ok(())
}
