//! `cargo xtask setup`: installs every tool the build and the tests need, from the
//! package registries only (TOOLCHAIN.md). Idempotent: each step checks first and costs
//! well under a second when its tool is already there.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result};

use crate::util::{self, cargo, cmd, run, tool_reports};

pub const WORKER_BUILD_VERSION: &str = "0.8.7";
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// What to install; `all` for `xtask setup`, narrower sets for `demo`.
#[derive(Clone, Copy)]
pub struct Needs {
    pub wasm: bool,
    pub worker: bool,
    pub browser: bool,
    pub python: bool,
    pub fuzz: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        wasm: true,
        worker: true,
        browser: true,
        python: true,
        fuzz: true,
    };
}

pub fn setup(needs: Needs) -> Result<()> {
    let started = std::time::Instant::now();
    if needs.wasm {
        wasm_target()?;
        wasm_bindgen_cli()?;
        npm_ci(&util::root().join("tools"))?;
    }
    if needs.worker && util::root().join("worker/package.json").exists() {
        worker_build()?;
        npm_ci(&util::root().join("worker"))?;
    }
    if needs.browser {
        chromium()?;
    }
    if needs.python {
        python_venv()?;
    }
    if needs.fuzz && util::root().join("crates/core/fuzz/Cargo.toml").exists() {
        cargo_fuzz()?;
    }
    eprintln!("setup: done in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

fn wasm_target() -> Result<()> {
    let installed = util::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// wasm-bindgen-cli must equal the `wasm-bindgen` crate in Cargo.lock exactly.
fn wasm_bindgen_cli() -> Result<()> {
    let Some(version) = util::locked_version("wasm-bindgen") else {
        return Ok(()); // nothing uses wasm-bindgen yet
    };
    let bin = util::cargo_bin().join("wasm-bindgen");
    if tool_reports(&bin, &["--version"], &version) {
        return Ok(());
    }
    let pinned = format!("={version}");
    // `--locked` fails on this mirror (webpki-roots gap, TOOLCHAIN.md §9): fall back.
    let locked = run(cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &pinned,
        "--locked",
    ]));
    if locked.is_err() {
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &pinned]))?;
    }
    Ok(())
}

fn worker_build() -> Result<()> {
    let bin = util::cargo_bin().join("worker-build");
    if tool_reports(&bin, &["--version"], WORKER_BUILD_VERSION) {
        return Ok(());
    }
    run(cargo().args([
        "install",
        "worker-build",
        "--version",
        &format!("={WORKER_BUILD_VERSION}"),
        "--locked",
    ]))
}

fn cargo_fuzz() -> Result<()> {
    let bin = util::cargo_bin().join("cargo-fuzz");
    if tool_reports(&bin, &["fuzz", "--version"], CARGO_FUZZ_VERSION) {
        return Ok(());
    }
    run(cargo().args([
        "install",
        "cargo-fuzz",
        "--version",
        &format!("={CARGO_FUZZ_VERSION}"),
        "--locked",
    ]))
}

/// `npm ci` in `dir` unless `node_modules` already matches the lockfile.
pub fn npm_ci(dir: &Path) -> Result<()> {
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules").join(".xtask-lock");
    let wanted = std::fs::read(&lock).with_context(|| format!("{} is missing", lock.display()))?;
    if std::fs::read(&stamp).ok().as_deref() == Some(&wanted[..]) {
        return Ok(());
    }
    run(cmd("npm")
        .current_dir(dir)
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"]))?;
    std::fs::write(&stamp, &wanted)?;
    Ok(())
}

/// Debian's Chromium and ChromeDriver (never a browser download: TOOLCHAIN.md §6).
fn chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    let sudo = |args: &[&str]| {
        let mut c = if is_root() {
            Command::new(args[0])
        } else {
            let mut c = Command::new("sudo");
            c.arg(args[0]);
            c
        };
        c.args(&args[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut sudo(&["apt-get", "update", "-qq"]))?;
    run(&mut sudo(&[
        "apt-get",
        "install",
        "-y",
        "-qq",
        "chromium",
        "chromium-driver",
    ]))
}

fn is_root() -> bool {
    util::output(Command::new("id").arg("-u"))
        .map(|s| s.trim() == "0")
        .unwrap_or(false)
}

/// A venv in `target/pyvenv` with the sample apps' pinned requirements.
pub fn python_venv() -> Result<()> {
    let root = util::root();
    let venv = root.join("target/pyvenv");
    let req = root.join("tests/apps/requirements.txt");
    let wanted = std::fs::read(&req)?;
    let stamp = venv.join(".xtask-requirements");
    if std::fs::read(&stamp).ok().as_deref() == Some(&wanted[..]) {
        return Ok(());
    }
    if !venv.join("bin/python").exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "-q", "--disable-pip-version-check", "-r"])
        .arg(&req))?;
    std::fs::write(&stamp, &wanted)?;
    Ok(())
}

/// The venv's bin directory (gunicorn, flask, python).
pub fn venv_bin() -> std::path::PathBuf {
    util::root().join("target/pyvenv/bin")
}
