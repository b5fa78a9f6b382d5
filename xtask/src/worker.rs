//! The edge worker: build it (worker/build.mjs: worker-build + wasm-opt with the local
//! tools), run it under `wrangler dev` in front of an origin, and run its end-to-end test.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};

use crate::setup;
use crate::util::{self, cargo, run, Guard};

/// Budget for the gzipped wasm the worker uploads.
pub const UPLOAD_BUDGET_GZ: usize = 500 * 1024;

fn worker_dir() -> std::path::PathBuf {
    util::root().join("worker")
}

/// Builds the worker into `worker/build/` (≈70 s cold, 10–20 s warm) and prints the size
/// of the wasm, raw and gzipped.
pub fn build() -> Result<()> {
    setup::npm_ci(&worker_dir())?;
    run(util::cmd("node")
        .current_dir(worker_dir())
        .arg("build.mjs")
        .env_remove("HEADWARDEN_WORKER_PREBUILT"))?;
    let wasm = worker_dir().join("build/index_bg.wasm");
    let bytes = std::fs::read(&wasm).with_context(|| format!("{} is missing", wasm.display()))?;
    let gz = util::gzip_len(&bytes);
    println!(
        "worker: {} {} bytes, {} gzipped (budget {UPLOAD_BUDGET_GZ}){}",
        wasm.display(),
        bytes.len(),
        gz,
        if gz > UPLOAD_BUDGET_GZ {
            " OVER BUDGET"
        } else {
            ""
        }
    );
    Ok(())
}

/// Starts the built worker under `wrangler dev --local-protocol https` on a free
/// 127.0.0.1 port in front of `origin_url`, with extra `--var NAME:VALUE`s (`POLICY`,
/// `MODE`, …). Its output (one JSON audit line per request) is echoed with a `[worker]`
/// prefix. Returns once it serves requests; the worker's URL is
/// `https://127.0.0.1:<port>/` (self-signed certificate).
pub fn start(origin_url: &str, vars: &[(&str, &str)]) -> Result<(Guard, u16)> {
    let dir = worker_dir();
    if !dir.join("build/worker/shim.mjs").exists() {
        build()?;
    }
    setup::npm_ci(&dir)?;
    let port = util::free_port()?;
    let inspector = util::free_port()?;
    let persist = util::root()
        .join("target/worker-dev")
        .join(port.to_string());
    let mut c = util::cmd(dir.join("node_modules/.bin/wrangler"));
    c.current_dir(&dir)
        .args(["dev", "--ip", "127.0.0.1", "--port", &port.to_string()])
        .args(["--inspector-port", &inspector.to_string()])
        .args([
            "--local-protocol",
            "https",
            "--show-interactive-dev-session=false",
        ])
        .arg("--persist-to")
        .arg(&persist)
        .arg("--var")
        .arg(format!("ORIGIN_URL:{origin_url}"));
    for (name, value) in vars {
        c.arg("--var").arg(format!("{name}:{value}"));
    }
    c.env("HEADWARDEN_WORKER_PREBUILT", "1")
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut guard = Guard::spawn("wrangler dev", &mut c)?;
    let output = Arc::new(Mutex::new(String::new()));
    for stream in [
        guard
            .child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        guard
            .child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let output = Arc::clone(&output);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                println!("[worker] {line}");
                if let Ok(mut out) = output.lock() {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
        });
    }
    // wrangler runs the (skipped) build a second time once its file watcher is ready, then
    // reloads: wait for that reload too, so no request lands in the middle of it.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Ok(Some(status)) = guard.child.try_wait() {
            bail!("wrangler dev exited ({status}) before it was ready");
        }
        let settled = output.lock().map(|o| settled(&o)).unwrap_or(false);
        if settled && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((guard, port));
        }
        if Instant::now() > deadline {
            bail!("wrangler dev did not get ready on port {port} in 180 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Both custom builds ran and the last server (re)start has finished.
fn settled(output: &str) -> bool {
    let builds = output.matches("[custom build] Running").count();
    let restart = ["Starting local server", "Reloading local server"]
        .iter()
        .filter_map(|m| output.rfind(m))
        .max();
    let ready = ["Ready on", "updated and ready"]
        .iter()
        .filter_map(|m| output.rfind(m))
        .max();
    builds >= 2 && ready.is_some() && ready > restart
}

/// The end-to-end tests: builds the CLI and the worker, then runs, one file at a time,
/// `tests/e2e/worker-runtime.test.mjs` (the worker's JS glue under Node's streams),
/// `tests/e2e/worker.test.mjs` (gunicorn, the Werkzeug dev server and five `wrangler dev`
/// on free ports) and `tests/e2e/worker-faults.test.mjs` (a faulty origin, two
/// `wrangler dev`, a bounded mixed load); each kills its servers itself, failed or not.
pub fn test() -> Result<()> {
    setup::python_venv()?;
    run(cargo().args(["build", "--quiet", "-p", "headwarden-cli"]))?;
    build()?;
    run(util::cmd("node")
        .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .arg(util::root().join("tests/e2e/worker-runtime.test.mjs"))
        .arg(util::root().join("tests/e2e/worker.test.mjs"))
        .arg(util::root().join("tests/e2e/worker-faults.test.mjs"))
        .env(
            "HEADWARDEN_CLI",
            util::target_dir().join("debug/headwarden"),
        ))
}

/// `cargo xtask worker-dev [--check]`: the sample app under gunicorn with the worker in
/// front, until Ctrl-C (`--check`: one request through it, then stop).
pub fn dev(check_only: bool) -> Result<()> {
    let (_flask, flask_port) = crate::demo::start_flask("app:app")?;
    let origin = format!("http://127.0.0.1:{flask_port}");
    let (_worker, port) = start(&origin, &[])?;
    println!(
        "\nworker:  https://127.0.0.1:{port}/  (self-signed certificate) in front of {origin}/"
    );
    if check_only {
        let out = util::output(
            util::cmd("curl")
                .args(["-sk", "-o", "/dev/null", "-w", "%{http_code}"])
                .arg(format!("https://127.0.0.1:{port}/")),
        )?;
        if out.trim() != "200" {
            bail!("GET / through the worker answered {out}");
        }
        println!("worker: GET / answered 200; stopping (--check).");
        return Ok(());
    }
    println!("Press Ctrl-C to stop.");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

#[cfg(test)]
mod tests {
    use super::settled;

    #[test]
    fn waits_for_the_watcher_rebuild() {
        let first = "[custom build] Running: node build.mjs\n⎔ Starting local server...\n[wrangler:info] Ready on https://127.0.0.1:1\n";
        assert!(!settled(first));
        let second =
            format!("{first}[custom build] Running: node build.mjs\n⎔ Reloading local server...\n");
        assert!(!settled(&second));
        assert!(settled(&format!(
            "{second}⎔ Local server updated and ready\n"
        )));
    }
}
