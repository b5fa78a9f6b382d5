//! `cargo xtask bench`: every benchmark, with the peers measured in the same run and the
//! ratios printed. Figures, not tests: nothing here fails on a slow machine.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::setup::{self, Needs};
use crate::util::{self, cargo, run};

pub fn bench(args: &[String]) -> Result<()> {
    let only = args.first().map(String::as_str);
    let want = |name: &str| only.is_none_or(|o| o == name);
    // `bench native` needs nothing but cargo.
    if only != Some("native") {
        setup::setup(Needs {
            wasm: true,
            worker: true,
            browser: true,
            python: true,
            fuzz: false,
        })?;
    }
    if want("native") {
        println!("\n== native (headwarden-core, release): check() per response, CSP evaluations");
        run(cargo().args(["run", "--quiet", "--release", "-p", "headwarden-bench"]))?;
    }
    if want("secrets") {
        secrets_vs_flask_unsign()?;
    }
    if want("size") {
        size_floor()?;
    }
    for (name, script) in [
        ("npm", "tests/bench/npm-vs-peers.mjs"),
        ("worker", "tests/bench/worker-load.mjs"),
    ] {
        let path = util::root().join(script);
        if want(name) && path.exists() {
            println!("\n== {name}");
            run(util::cmd("node").arg(&path))?;
        }
    }
    Ok(())
}

/// The gzipped size of `crates/bench/wasm-floor`: the engine's `check()` alone, built and
/// optimized as the npm main wasm is. Any wasm that can check weighs at least this much,
/// so it shows how much of the npm and web budgets the engine leaves for the rest.
fn size_floor() -> Result<()> {
    println!("\n== size floor: check() alone, as a wasm (crates/bench/wasm-floor)");
    run(cargo().args([
        "build",
        "--quiet",
        "-p",
        "headwarden-wasm-floor",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let built =
        util::target_dir().join("wasm32-unknown-unknown/wasm-release/headwarden_wasm_floor.wasm");
    let out = util::target_dir().join("wasm-floor");
    run(util::cmd(util::cargo_bin().join("wasm-bindgen"))
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(&built))?;
    let wasm = out.join("headwarden_wasm_floor_bg.wasm");
    run(util::cmd(util::tools_bin().join("wasm-opt"))
        .args(crate::npm::WASM_OPT_FLAGS)
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm))?;
    let bytes = std::fs::read(&wasm).with_context(|| format!("cannot read {}", wasm.display()))?;
    let gz = util::gzip_len(&bytes);
    println!(
        "check() alone: {} bytes, gzip -9 {gz} bytes = {:.1} KiB (npm main wasm budget 150 KiB; web page budget 250 KiB for wasm + JS)",
        bytes.len(),
        gz as f64 / 1024.0
    );
    Ok(())
}

/// `flask-unsign --unsign` vs `headwarden session audit` over flask-unsign's own wordlist,
/// with a cookie whose key is not in the list (so both try every candidate).
fn secrets_vs_flask_unsign() -> Result<()> {
    println!("\n== secret audit: headwarden vs flask-unsign 1.2.1");
    let venv = bench_venv()?;
    let wordlist = find_wordlist(&venv)?;
    let count = std::fs::read(&wordlist)?
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    // A cookie signed by real Flask with a random key (tests/fixtures/flask-session-cookies.json).
    let cookies =
        std::fs::read_to_string(util::root().join("tests/fixtures/flask-session-cookies.json"))?;
    let cookie =
        random_key_cookie(&cookies).context("no random-key Flask cookie in the fixtures")?;

    let t = Instant::now();
    let out = Command::new(venv.join("bin/flask-unsign"))
        .args(["--unsign", "--no-literal-eval", "--wordlist"])
        .arg(&wordlist)
        .args(["--cookie", &cookie])
        .output()?;
    let peer = t.elapsed().as_secs_f64();
    let _ = out;
    println!(
        "flask-unsign: {count} keys in {peer:.2} s = {:.0} keys/s",
        count as f64 / peer
    );

    run(cargo().args(["build", "--quiet", "--release", "-p", "headwarden-cli"]))?;
    let cli = util::root().join("target/release/headwarden");
    for threads in ["1", "0"] {
        let t = Instant::now();
        let status = util::cmd(&cli)
            .args([
                "session",
                "audit",
                &cookie,
                "--no-builtin",
                "--threads",
                threads,
                "--wordlist",
            ])
            .arg(&wordlist)
            .status()?;
        let ours = t.elapsed().as_secs_f64();
        let label = if threads == "1" {
            "1 thread"
        } else {
            "all cores"
        };
        println!(
            "headwarden session audit ({label}): {count} keys in {:.1} ms = {:.0} keys/s, {:.0}x flask-unsign (exit {})",
            ours * 1e3,
            count as f64 / ours,
            peer / ours,
            status.code().unwrap_or(-1)
        );
    }
    Ok(())
}

fn bench_venv() -> Result<PathBuf> {
    let venv = util::root().join("target/benchvenv");
    let req = util::root().join("tests/bench/requirements.txt");
    let stamp = venv.join(".xtask-requirements");
    let wanted = std::fs::read(&req)?;
    if std::fs::read(&stamp).ok().as_deref() != Some(&wanted[..]) {
        if !venv.join("bin/python").exists() {
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        }
        run(Command::new(venv.join("bin/pip"))
            .args(["install", "-q", "--disable-pip-version-check", "-r"])
            .arg(&req))?;
        std::fs::write(&stamp, &wanted)?;
    }
    Ok(venv)
}

fn find_wordlist(venv: &std::path::Path) -> Result<PathBuf> {
    let lib = venv.join("lib");
    for entry in std::fs::read_dir(&lib)? {
        let p = entry?
            .path()
            .join("site-packages/flask_unsign_wordlist/wordlists/all.txt");
        if p.exists() {
            return Ok(p);
        }
    }
    anyhow::bail!(
        "flask-unsign-wordlist's all.txt not found under {}",
        lib.display()
    )
}

/// The first Flask session cookie in the fixtures whose secret is not a known one.
fn random_key_cookie(json: &str) -> Option<String> {
    // The fixture is a JSON array of objects; find `"secret": null` entries of kind flask.
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let list = v.as_array().or_else(|| v.get("cookies")?.as_array())?;
    list.iter()
        .find(|c| {
            c.get("secret").is_some_and(|s| s.is_null())
                && c.get("kind")
                    .and_then(|k| k.as_str())
                    .is_none_or(|k| k.contains("flask") && !k.contains("remember"))
        })
        .and_then(|c| c.get("cookie")?.as_str().map(str::to_string))
}
