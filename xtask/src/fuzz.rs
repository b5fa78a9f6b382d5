//! `cargo xtask fuzz`: the cargo-fuzz targets of `crates/core/fuzz`, seeded from the
//! project's own fixtures, and `cargo deny check licenses bans`.
//!
//! - `cargo xtask fuzz` / `--minutes N`: every target, N minutes in total (default 12),
//!   split evenly; `cargo xtask fuzz csp --minutes 30` runs one target for 30 minutes.
//! - `cargo xtask fuzz --smoke [--seconds S]`: what `cargo xtask test` runs: each target
//!   from its seeds alone (a fresh corpus), with a fixed random seed, for its executions in
//!   [`TARGETS`] or S seconds (default [`SMOKE_SECONDS`]), whichever ends first. The same
//!   commit then explores the same inputs on every machine, so CI cannot fail on a crash
//!   nobody could have seen before pushing; finding new bugs is what the long runs are for.
//! - `cargo xtask fuzz deny`: installs cargo-deny if missing and checks licenses and bans
//!   (the advisory database is not reachable offline, so advisories are not checked).
//!
//! Seeds are copied into `crates/core/fuzz/corpus/<target>/` (gitignored) before each run;
//! libFuzzer adds what it finds there, so later runs start from a richer corpus. A crash
//! leaves its input in `crates/core/fuzz/artifacts/<target>/`: turn it into a test in
//! `crates/core/tests/regressions.rs`, then fix the bug.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context as _, Result};

use crate::util::{self, cargo, run};

/// The time cap per target in the smoke run of `cargo xtask test`; the run counts of
/// [`TARGETS`] end each one sooner (the issue asks for about 30 s per target).
pub const SMOKE_SECONDS: u64 = 60;

/// The random seed of the smoke run (any fixed value: see the module docs).
const SMOKE_SEED: u64 = 20261123;

/// How long a run goes on.
#[derive(Clone, Copy)]
enum Length {
    /// Reproducible: seeds only, a fixed random seed, at most this many executions.
    Smoke { seconds: u64 },
    /// Exploring: the corpus found so far, a random seed.
    Explore { seconds: u64 },
}

impl Length {
    fn seconds(self) -> u64 {
        match self {
            Length::Smoke { seconds } | Length::Explore { seconds } => seconds,
        }
    }
}

/// Default total for `cargo xtask fuzz` without `--minutes`.
const DEFAULT_MINUTES: u64 = 12;

/// cargo-deny, pinned (0.20.2 needs rustc 1.88).
pub const CARGO_DENY_VERSION: &str = "0.20.2";

/// Every target, with the seeds it starts from and its executions in the smoke run: about
/// 20 s under the address sanitizer on a busy machine of this kind (measured with
/// `cargo xtask fuzz --smoke`), so a machine that is not busy finishes them all well within
/// [`SMOKE_SECONDS`] and explores exactly the same inputs.
const TARGETS: [(&str, Seeds, u64); 12] = [
    ("input_detect", Seeds::Inputs, 3_000),
    ("input_raw", Seeds::Inputs, 10_000),
    ("input_curl_verbose", Seeds::Inputs, 20_000),
    ("input_har", Seeds::Inputs, 30_000),
    ("input_json", Seeds::Inputs, 30_000),
    ("csp", Seeds::Csp, 10_000),
    ("cookies", Seeds::Cookies, 30_000),
    ("flask_session", Seeds::Sessions, 30_000),
    ("policy_load", Seeds::Policies, 30_000),
    ("enforce", Seeds::Responses, 5_000),
    ("html_rewrite", Seeds::Bodies, 2_500),
    ("roundtrip", Seeds::Responses, 2_000),
];

#[derive(Clone, Copy)]
enum Seeds {
    /// Every fixture as it is (`.http`, `.har`) plus small samples of each format.
    Inputs,
    /// CSP header values: the shared anchor corpus, `tests/csp/tricky.toml`, fixtures.
    Csp,
    /// `Set-Cookie` values from the fixtures and the signed cookies.
    Cookies,
    /// The signed cookies of `flask-session-cookies.json`.
    Sessions,
    /// The preset files, their names, a JSON policy.
    Policies,
    /// A selector byte (policy, request, mode: see the fuzz crate) + a fixture.
    Responses,
    /// A selector byte + the body of each HTML fixture.
    Bodies,
}

const USAGE: &str =
    "usage: cargo xtask fuzz [TARGET…] [--minutes N] | --smoke [--seconds S] | deny";

/// `cargo xtask fuzz …` (see the module docs).
pub fn cli(args: &[String]) -> Result<()> {
    let mut minutes = None;
    let mut seconds = None;
    let mut smoke_run = false;
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "deny" => return deny(),
            "--smoke" => smoke_run = true,
            "--minutes" => minutes = Some(number(it.next(), "--minutes")?),
            "--seconds" => seconds = Some(number(it.next(), "--seconds")?),
            "-h" | "--help" => {
                println!("{USAGE}\ntargets: {}", target_names().join(", "));
                return Ok(());
            }
            name if TARGETS.iter().any(|(t, ..)| *t == name) => targets.push(name.to_string()),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    if smoke_run {
        return smoke(seconds.unwrap_or(SMOKE_SECONDS));
    }
    let minutes = minutes.unwrap_or(DEFAULT_MINUTES);
    if targets.is_empty() {
        run_minutes(minutes)
    } else {
        let per_target = (minutes * 60 / targets.len() as u64).max(10);
        fuzz_targets(
            &targets,
            Length::Explore {
                seconds: per_target,
            },
        )
    }
}

fn number(arg: Option<&String>, flag: &str) -> Result<u64> {
    arg.with_context(|| format!("{flag} needs a number"))?
        .parse()
        .with_context(|| format!("{flag} needs a whole number"))
}

fn target_names() -> Vec<String> {
    TARGETS.iter().map(|(t, ..)| t.to_string()).collect()
}

/// Every target for `seconds_per_target` seconds (the `cargo xtask test` step).
pub fn smoke(seconds_per_target: u64) -> Result<()> {
    fuzz_targets(
        &target_names(),
        Length::Smoke {
            seconds: seconds_per_target,
        },
    )
}

/// Every target, `minutes` in total split evenly (at least 10 s each).
pub fn run_minutes(minutes: u64) -> Result<()> {
    let per_target = (minutes * 60 / TARGETS.len() as u64).max(10);
    fuzz_targets(
        &target_names(),
        Length::Explore {
            seconds: per_target,
        },
    )
}

fn fuzz_dir() -> PathBuf {
    util::root().join("crates/core/fuzz")
}

/// `cargo fuzz …`, run from `crates/core` (where `fuzz/` is), on the machine's one
/// toolchain: a fresh machine has stable only and cannot fetch nightly, so the `-Z` flags
/// cargo-fuzz passes (sanitizer, coverage) are unlocked with `RUSTC_BOOTSTRAP=1`.
fn cargo_fuzz() -> Command {
    let mut c = util::cmd("cargo");
    c.current_dir(util::root().join("crates/core"))
        .env("RUSTC_BOOTSTRAP", "1")
        // The binaries are looked up in `fuzz/target` (see `fuzz_bin_dir`).
        .env_remove("CARGO_TARGET_DIR")
        .arg("fuzz");
    c
}

fn fuzz_targets(targets: &[String], length: Length) -> Result<()> {
    let seconds = length.seconds();
    crate::setup::setup(crate::setup::Needs {
        wasm: false,
        worker: false,
        browser: false,
        python: false,
        fuzz: true,
    })?;
    let started = Instant::now();
    run(cargo_fuzz().arg("build"))?;
    let mut results = Vec::new();
    for target in targets {
        let corpus = match length {
            // A fresh corpus: what earlier local runs found must not change the smoke run.
            Length::Smoke { .. } => util::root().join("target/fuzz-smoke").join(target),
            Length::Explore { .. } => fuzz_dir().join("corpus").join(target),
        };
        if matches!(length, Length::Smoke { .. }) && corpus.exists() {
            std::fs::remove_dir_all(&corpus)?;
        }
        let seeds = seed(target, &corpus)?;
        let outcome = fuzz_one(target, &corpus, length)?;
        eprintln!(
            "fuzz {target}: {} after {} executions ({seeds} seeds, {seconds}s)",
            if outcome.crash.is_some() {
                "CRASHED"
            } else {
                "ok"
            },
            outcome.runs
        );
        results.push((target.clone(), outcome));
    }
    println!("\nfuzz: {seconds}s per target");
    for (target, o) in &results {
        println!(
            "  {target:<20} {:>10} executions  {}",
            o.runs,
            o.crash.as_deref().unwrap_or("ok")
        );
    }
    println!("fuzz: done in {:.0}s", started.elapsed().as_secs_f64());
    let crashed: Vec<&str> = results
        .iter()
        .filter(|(_, o)| o.crash.is_some())
        .map(|(t, _)| t.as_str())
        .collect();
    if !crashed.is_empty() {
        bail!(
            "fuzz targets crashed: {} (inputs in {}; add each to crates/core/tests/regressions.rs)",
            crashed.join(", "),
            fuzz_dir().join("artifacts").display()
        );
    }
    Ok(())
}

struct Outcome {
    runs: u64,
    /// The artifact path (or the reason) when the target failed.
    crash: Option<String>,
}

/// The target binaries `cargo fuzz build` wrote (release, for the host).
fn fuzz_bin_dir() -> Result<PathBuf> {
    let version = util::output(Command::new("rustc").arg("-vV"))?;
    let host = version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .context("`rustc -vV` names no host")?;
    Ok(fuzz_dir().join("target").join(host.trim()).join("release"))
}

fn fuzz_one(target: &str, corpus: &Path, length: Length) -> Result<Outcome> {
    let artifacts = fuzz_dir().join("artifacts").join(target);
    std::fs::create_dir_all(&artifacts)?;
    // The binary of the one build at the start, not `cargo fuzz run`, which would rebuild
    // whenever a source file changed meanwhile.
    let mut c = Command::new(fuzz_bin_dir()?.join(target));
    c.current_dir(fuzz_dir())
        .env("ASAN_OPTIONS", "detect_odr_violation=0")
        .arg(corpus)
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(format!("-max_total_time={}", length.seconds()))
        // A slow input is a bug (everything is linear); libFuzzer's default is 20 minutes.
        .arg("-timeout=10")
        // The hostile-input suite bounds memory precisely; this catches a runaway.
        .arg("-rss_limit_mb=2048")
        .arg("-print_final_stats=1")
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped());
    if let Length::Smoke { .. } = length {
        let runs = TARGETS
            .iter()
            .find(|(t, ..)| *t == target)
            .map_or(1_000, |(.., runs)| *runs);
        c.arg(format!("-seed={SMOKE_SEED}"))
            .arg(format!("-runs={runs}"));
    }
    eprintln!("$ {}", util::display(&c));
    let mut child = c
        .spawn()
        .with_context(|| format!("cannot start fuzz run {target}"))?;
    let mut runs = 0;
    let mut crash = None;
    let mut tail: Vec<String> = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap_or_default();
            // "Done 580471 runs in 31 second(s)", or "stat::number_of_executed_units: N".
            if let Some(n) = line
                .strip_prefix("Done ")
                .and_then(|r| r.split_whitespace().next())
                .or_else(|| {
                    line.strip_prefix("stat::number_of_executed_units:")
                        .map(str::trim)
                })
                .and_then(|n| n.parse().ok())
            {
                runs = n;
            }
            if let Some(path) = line.split("Test unit written to ").nth(1) {
                crash = Some(path.trim().to_string());
            }
            tail.push(line);
            if tail.len() > 60 {
                tail.remove(0);
            }
        }
    }
    let status = child.wait()?;
    if !status.success() && crash.is_none() {
        crash = Some(format!("{target} exited with {status} before fuzzing"));
    }
    if crash.is_some() {
        eprintln!("---- last lines of {target} ----\n{}", tail.join("\n"));
    }
    Ok(Outcome { runs, crash })
}

/// Copies the seeds of `target` into `dir`; returns how many there are.
fn seed(target: &str, dir: &Path) -> Result<usize> {
    let kind = TARGETS
        .iter()
        .find(|(t, ..)| *t == target)
        .map(|(_, k, _)| *k)
        .context("unknown target")?;
    std::fs::create_dir_all(dir)?;
    let seeds = seeds(kind)?;
    for (name, bytes) in &seeds {
        let path = dir.join(format!("seed-{name}"));
        if std::fs::read(&path).ok().as_deref() != Some(&bytes[..]) {
            std::fs::write(&path, bytes)?;
        }
    }
    Ok(seeds.len())
}

fn fixtures() -> Result<Vec<(String, Vec<u8>)>> {
    let dir = util::root().join("tests/fixtures");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "http" | "har") {
            out.push((file_name(&path), std::fs::read(&path)?));
        }
    }
    out.sort();
    Ok(out)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Small samples of the formats the fixtures do not show.
const FORMAT_SAMPLES: [(&str, &str); 6] = [
    (
        "curl-verbose",
        "*   Trying 127.0.0.1:443...\n* Connected to shop.example (127.0.0.1) port 443\n> GET /login HTTP/1.1\n> Host: shop.example\n> \n< HTTP/1.1 302 FOUND\n< Location: /next\n< Set-Cookie: session=eyJ1IjoxfQ.Z.sig; Path=/\n< \n",
    ),
    (
        "json-object",
        "{\"Content-Type\": \"text/html\", \"Set-Cookie\": [\"a=1\", \"b=2; Secure\"], \"Content-Security-Policy\": \"script-src 'self'\"}",
    ),
    (
        "json-wrapper",
        "[{\"status\": 200, \"url\": \"https://shop.example/\", \"method\": \"GET\", \"headers\": [[\"Server\", \"Werkzeug/3.1.3\"], [\"X-Frame-Options\", \"DENY\"]], \"body\": \"<script>x</script>\"}]",
    ),
    (
        "devtools",
        "Request URL: https://shop.example/\nRequest Method: GET\nStatus Code: 200 OK\n\nResponse Headers\ncontent-type\ntext/html\nstrict-transport-security\nmax-age=63072000\n",
    ),
    (
        "curl-il-chain",
        "$ curl -iL http://shop.example/\nHTTP/1.1 301 Moved Permanently\nLocation: https://shop.example/\n\nHTTP/2 200\ncontent-type: text/html\n\n<!doctype html><p>hi",
    ),
    (
        "bare-headers",
        "Server: nginx/1.25.3\nX-Powered-By: PHP/8.2\nSet-Cookie: PHPSESSID=abc; path=/\n",
    ),
];

fn seeds(kind: Seeds) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    match kind {
        Seeds::Inputs => {
            out.extend(fixtures()?);
            out.extend(
                FORMAT_SAMPLES
                    .iter()
                    .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec())),
            );
        }
        Seeds::Csp => {
            let anchors = util::shared().join("anchors/csp/corpus.txt");
            if let Ok(text) = std::fs::read_to_string(&anchors) {
                out.extend(
                    text.lines()
                        .filter(|l| !l.trim().is_empty())
                        .enumerate()
                        .map(|(i, l)| (format!("anchor-{i:03}"), l.as_bytes().to_vec())),
                );
            }
            let tricky = util::root().join("tests/csp/tricky.toml");
            if let Ok(text) = std::fs::read_to_string(&tricky) {
                for (i, line) in text.lines().enumerate() {
                    if let Some(v) = line.strip_prefix("policy = ") {
                        let value: String = serde_json::from_str(v).unwrap_or_default();
                        out.push((format!("tricky-{i:04}"), value.into_bytes()));
                    }
                }
            }
            out.extend(header_values(&["content-security-policy"])?);
        }
        Seeds::Cookies => {
            let mut all = header_values(&["set-cookie"])?;
            for (name, cookie) in signed_cookies()? {
                all.push((
                    name,
                    format!("session={cookie}; HttpOnly; Path=/; SameSite=Lax").into_bytes(),
                ));
            }
            // The cookies target reads line 1 as the Date header.
            out.extend(all.into_iter().map(|(n, v)| {
                let mut seed = b"Mon, 23 Nov 2026 13:14:07 GMT\n".to_vec();
                seed.extend_from_slice(&v);
                (n, seed)
            }));
        }
        Seeds::Sessions => {
            out.extend(
                signed_cookies()?
                    .into_iter()
                    .map(|(n, c)| (n, c.into_bytes())),
            );
        }
        Seeds::Policies => {
            let dir = util::root().join("crates/core/src/policy/presets");
            for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
                let path = entry?.path();
                out.push((file_name(&path), std::fs::read(&path)?));
            }
            for name in ["strict", "balanced", "flask-talisman"] {
                out.push((format!("name-{name}"), name.as_bytes().to_vec()));
            }
            out.push((
                "json".into(),
                br#"{"preset": "balanced", "hsts": {"max_age": 63072000, "preload": true}, "cookies": [{"pattern": "session", "secure": true, "http_only": true, "same_site": "Strict"}], "remove": {"headers": ["Server"]}}"#.to_vec(),
            ));
        }
        Seeds::Responses => {
            // Selector byte: bits 0-1 policy, 2-3 request, 4 direct build, 5 report-only.
            for (name, bytes) in fixtures()? {
                for selector in [0x00u8, 0x05, 0x0a, 0x1f, 0x21] {
                    let mut seed = vec![selector];
                    seed.extend_from_slice(&bytes);
                    out.push((format!("{selector:02x}-{name}"), seed));
                }
            }
            out.push((
                "direct-injection".into(),
                b"\x11HTTP/1.1 200 OK\nSet-Cookie: a=1\r\nX-Injected: 1\nX-Nul: a\0b\nLocation: /x\\nSet-Cookie: evil=1\n\n<script>x</script>".to_vec(),
            ));
        }
        Seeds::Bodies => {
            for (name, bytes) in fixtures()? {
                let body = split_body(&bytes);
                if body.is_empty() {
                    continue;
                }
                for selector in [0x25u8, 0x5a, 0x16] {
                    let mut seed = vec![selector];
                    seed.extend_from_slice(body);
                    out.push((format!("{selector:02x}-{name}"), seed));
                }
            }
        }
    }
    Ok(out)
}

/// The part of an `.http` fixture after the first blank line.
fn split_body(bytes: &[u8]) -> &[u8] {
    for sep in [&b"\r\n\r\n"[..], b"\n\n"] {
        if let Some(i) = bytes.windows(sep.len()).position(|w| w == sep) {
            return &bytes[i + sep.len()..];
        }
    }
    &[]
}

/// The values of the named headers in every `.http` fixture.
fn header_values(names: &[&str]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for (file, bytes) in fixtures()? {
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            if names.iter().any(|n| name.trim().eq_ignore_ascii_case(n)) {
                out.push((format!("{file}-{i}"), value.trim().as_bytes().to_vec()));
            }
        }
    }
    Ok(out)
}

/// The `cookie` values of `tests/fixtures/flask-session-cookies.json`.
fn signed_cookies() -> Result<Vec<(String, String)>> {
    let path = util::root().join("tests/fixtures/flask-session-cookies.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    let doc: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}", path.display()))?;
    Ok(doc["cookies"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| {
            Some((
                c["name"].as_str()?.to_string(),
                c["cookie"].as_str()?.to_string(),
            ))
        })
        .collect())
}

/// Installs cargo-deny when missing, then `cargo deny check licenses bans` (deny.toml at
/// the root). Advisories need the advisory database from github.com: not checked here.
pub fn deny() -> Result<()> {
    let bin = util::cargo_bin().join("cargo-deny");
    if !util::tool_reports(&bin, &["--version"], CARGO_DENY_VERSION) {
        run(cargo().args([
            "install",
            "cargo-deny",
            "--version",
            &format!("={CARGO_DENY_VERSION}"),
            "--locked",
        ]))?;
    }
    run(cargo().args(["deny", "check", "licenses", "bans"]))
}
