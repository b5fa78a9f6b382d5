//! `cargo xtask <task>`: the project's automation, in Rust rather than shell scripts.
//!
//! - `setup`: install every tool the build and tests need (idempotent).
//! - `test`:  setup, then fmt, clippy, native and wasm32 builds, every test (unit,
//!   end-to-end with real Flask/gunicorn, workerd and Chromium). Ends with `N passed, M failed`.
//! - `demo`:  the main job: a sample Flask app under gunicorn, the CLI's report on it,
//!   the web checker and the edge worker in front of Flask, with their URLs. Runs until
//!   Ctrl-C (`--check` starts everything, verifies it answers, and stops).
//! - `bench`: the benchmarks, with ratios against the peers measured in the same run.
//! - `dist`:  the web site, the npm tarball and the worker bundle in `target/dist/`.

mod bench;
mod csp;
mod demo;
mod dist;
mod fuzz;
mod npm;
mod serve;
mod setup;
mod test;
mod util;
mod web;
mod worker;

use anyhow::{bail, Result};

const USAGE: &str =
    "usage: cargo xtask <setup|test [STEP...]|demo [--check]|bench [native|secrets|size|npm|worker]|fuzz [--minutes N]|dist>
one part alone: cargo xtask <web-build [--dev]|npm-build|worker-build|worker-dev [--check]>";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = dispatch(&args) {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}

fn dispatch(args: &[String]) -> Result<()> {
    let rest = &args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("setup") => setup::setup(setup::Needs::ALL),
        Some("test") => test::test(rest),
        Some("demo") => demo::demo(rest.iter().any(|a| a == "--check")),
        Some("bench") => bench::bench(rest),
        Some("fuzz") => fuzz::cli(rest),
        Some("dist") => dist::dist(),
        // One part alone, for working on it (`dist` and `test` build them all).
        Some("web-build") => web::build(
            !rest.iter().any(|a| a == "--dev"),
            &util::target_dir().join("dist/web"),
        ),
        Some("npm-build") => npm::build(&util::target_dir().join("dist")).map(|_| ()),
        Some("worker-build") => worker::build(),
        Some("worker-dev") => worker::dev(rest.iter().any(|a| a == "--check")),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task `{other}`\n{USAGE}"),
    }
}
