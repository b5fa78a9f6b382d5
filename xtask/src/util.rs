//! Running commands with the project's tool paths, and small helpers shared by the tasks.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

/// `../shared` beside the checkout, where the reference anchors live.
pub fn shared() -> PathBuf {
    root().join("..").join("shared")
}

/// `tools/node_modules/.bin`, where `npm ci` puts wasm-opt, esbuild and tsc.
/// Where cargo writes its output: `CARGO_TARGET_DIR` (relative to the repository root when
/// relative, since xtask runs cargo from there), else `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

pub fn tools_bin() -> PathBuf {
    root().join("tools").join("node_modules").join(".bin")
}

pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/root/.cargo"))
        .join("bin")
}

/// PATH with our tools first: npm binaryen's wasm-opt must win over any apt one
/// (TOOLCHAIN.md §2: apt binaryen 108 silently breaks wasm-bindgen output).
pub fn tool_path() -> std::ffi::OsString {
    let mut paths = vec![tools_bin(), cargo_bin()];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).expect("valid PATH")
}

/// A command with the tool environment set (PATH, worker-build overrides, no telemetry).
pub fn cmd(program: impl AsRef<OsStr>) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root())
        .env("PATH", tool_path())
        .env("WASM_BINDGEN_BIN", cargo_bin().join("wasm-bindgen"))
        .env("WASM_OPT_BIN", tools_bin().join("wasm-opt"))
        .env("ESBUILD_BIN", tools_bin().join("esbuild"))
        .env("WRANGLER_SEND_METRICS", "false")
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    c
}

pub fn cargo() -> Command {
    cmd(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `c`, echoing it; fails when it exits non-zero.
pub fn run(c: &mut Command) -> Result<()> {
    eprintln!("$ {}", display(c));
    let status = c
        .status()
        .with_context(|| format!("cannot start `{}`", display(c)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", display(c));
    }
    Ok(())
}

/// Runs `c` and returns its stdout; fails when it exits non-zero.
pub fn output(c: &mut Command) -> Result<String> {
    let out = c
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot start `{}`", display(c)))?;
    if !out.status.success() {
        bail!("`{}` failed ({})", display(c), out.status);
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True when `program --version` (or the given args) runs and prints `expect`.
pub fn tool_reports(program: &Path, args: &[&str], expect: &str) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(expect))
        .unwrap_or(false)
}

pub fn display(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// A child process that is killed (with its process group) when dropped, so a failing
/// test never leaves a server behind.
pub struct Guard {
    pub name: String,
    pub child: Child,
}

impl Guard {
    /// Spawns `c` in its own process group.
    pub fn spawn(name: &str, c: &mut Command) -> Result<Guard> {
        use std::os::unix::process::CommandExt;
        eprintln!("$ {} &", display(c));
        c.process_group(0);
        let child = c.spawn().with_context(|| format!("cannot start {name}"))?;
        Ok(Guard {
            name: name.to_string(),
            child,
        })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let pid = self.child.id() as i32;
        eprintln!("stopping {} (pid {pid})", self.name);
        // Negative pid: the whole group (gunicorn workers, wrangler's workerd).
        let _ = Command::new("kill")
            .arg("--")
            .arg(format!("-{pid}"))
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill")
            .args(["-9", "--"])
            .arg(format!("-{pid}"))
            .status();
        let _ = self.child.wait();
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Waits until something accepts connections on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nothing listens on 127.0.0.1:{port} after {timeout:?}")
}

/// The version of a crate in Cargo.lock.
pub fn locked_version(krate: &str) -> Option<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).ok()?;
    let needle = format!("name = \"{krate}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    let end = lock[start..].find('"')? + start;
    Some(lock[start..end].to_string())
}

/// Size of `data` after gzip -9.
pub fn gzip_len(data: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("in-memory write");
    enc.finish().expect("in-memory write").len()
}
