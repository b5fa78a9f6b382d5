//! `cargo xtask demo`: the sample Flask app under gunicorn, the CLI's report on it, the web
//! checker, and (once it lands) the worker in front of Flask, with URLs printed.

use std::time::Duration;

use anyhow::{bail, Result};

use crate::setup::{self, venv_bin, Needs};
use crate::util::{self, cargo, run, Guard};

/// Starts the sample Flask app under gunicorn on 127.0.0.1; returns its guard and port.
pub fn start_flask(app: &str) -> Result<(Guard, u16)> {
    let port = util::free_port()?;
    let guard = Guard::spawn(
        "gunicorn",
        util::cmd(venv_bin().join("gunicorn"))
            .args(["--workers", "2", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--chdir")
            .arg(util::root().join("tests/apps/flask_app"))
            .args(["--access-logfile", "-", app]),
    )?;
    util::wait_for_port(port, Duration::from_secs(30))?;
    Ok((guard, port))
}

pub fn demo(check_only: bool) -> Result<()> {
    setup::setup(Needs {
        wasm: true,
        worker: true,
        browser: false,
        python: true,
        fuzz: false,
    })?;
    run(cargo().args(["build", "--quiet", "-p", "headwarden-cli"]))?;
    let cli = util::root().join("target/debug/headwarden");

    let (_flask, flask_port) = start_flask("app:app")?;
    let flask_url = format!("http://127.0.0.1:{flask_port}/");
    println!("\n== headwarden check {flask_url}\n");
    let status = util::cmd(&cli).args(["check", &flask_url]).status()?;
    if status.code() == Some(2) {
        bail!("the CLI could not check {flask_url}");
    }

    // The web checker, served with the headers of its `_headers` file.
    let site = util::target_dir().join("dist/web");
    crate::web::build(true, &site)?;
    let web_port = crate::serve::spawn(site, 0)?;
    let web_url = format!("http://127.0.0.1:{web_port}/");
    println!("\n== headwarden check --scheme https {web_url}  (the checker's own headers)\n");
    let status = util::cmd(&cli)
        .args(["check", "--scheme", "https", "--min-grade", "A+", &web_url])
        .status()?;
    if !status.success() {
        bail!("the web checker's own headers do not earn A+");
    }

    // The edge worker in front of the same Flask app, enforcing the balanced preset.
    let (_worker, worker_port) =
        crate::worker::start(&format!("http://127.0.0.1:{flask_port}"), &[])?;
    let worker_url = format!("https://127.0.0.1:{worker_port}/");
    println!("\n== headwarden check {worker_url}  (Flask through the worker)\n");
    let through = util::output(util::cmd("curl").args(["-sik", &worker_url]))?;
    let mut checked = util::cmd(&cli)
        .args(["check", "--scheme", "https", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    {
        use std::io::Write;
        let mut stdin = checked.stdin.take().expect("piped stdin");
        stdin.write_all(through.as_bytes())?;
    }
    checked.wait()?;
    println!(
        "\nThe worker fixes headers, cookies and the CSP; it cannot fix SECRET_KEY=dev \
         (critical, so the grade stays F): rotate the key. `tests/e2e/worker.test.mjs` \
         runs Flask with a random key, and the worker then earns an A or better."
    );

    println!("\nheadwarden demo is running:");
    println!("  sample Flask app (gunicorn):  {flask_url}");
    println!("  web checker:                  {web_url}");
    println!("  worker in front of Flask:     {worker_url}  (self-signed certificate)");
    if check_only {
        println!("demo: everything answered; stopping (--check).");
        return Ok(());
    }
    println!("Press Ctrl-C to stop.");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
