//! The web checker's static site: cargo (wasm32, `wasm-release` profile) → wasm-bindgen
//! `--target web` → wasm-opt with `npm::WASM_OPT_FLAGS` (npm binaryen, TOOLCHAIN.md §2)
//! → the static files of `web/static/`, with the Content-Security-Policy filled in, and
//! `rules.json` (the rules' docs, which the wasm leaves out:
//! `crates/wasm/examples/rules_json.rs`).
//!
//! The CSP pins the page's one inline script (the bootstrap in `index.html`) by its
//! sha256, with `'strict-dynamic'` so the module script it inserts (`app.js`) and that
//! script's imports may load, and `'wasm-unsafe-eval'` for WebAssembly. The same policy
//! goes into `_headers` (what the host sends) and, minus the directives a `<meta>`
//! policy cannot carry, into `index.html` (for hosts that ignore `_headers`).

use std::fs;
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::util;

/// The files copied from `web/static/`.
const STATIC_FILES: &[&str] = &[
    "index.html",
    "style.css",
    "app.js",
    "audit-worker.js",
    "_headers",
];
/// The base name of wasm-bindgen's output (`headwarden_web.js`, `headwarden_web_bg.wasm`).
const OUT_NAME: &str = "headwarden_web";
/// The Trusted Types policies the page creates (bootstrap: the `app.js` script URL;
/// app.js: the worker URL). Naming them makes any other policy creation fail.
const TRUSTED_TYPES_POLICIES: &str = "headwarden-bootstrap headwarden-worker";
const CSP_PLACEHOLDER: &str = "{{CSP}}";
const META_CSP_PLACEHOLDER: &str = "{{META_CSP}}";

/// Builds the site into `out` (replacing what was there). `release` uses the
/// `wasm-release` profile, wasm-opt and minified JS; otherwise a quick debug build.
pub fn build(release: bool, out: &Path) -> Result<()> {
    let root = util::root();
    let profile = if release { "wasm-release" } else { "dev" };
    util::run(util::cargo().args([
        "build",
        "-p",
        "headwarden-web",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
    ]))?;
    let wasm = util::target_dir()
        .join("wasm32-unknown-unknown")
        .join(if release { "wasm-release" } else { "debug" })
        .join(format!("{OUT_NAME}.wasm"));
    if !wasm.is_file() {
        bail!("cargo did not produce {}", wasm.display());
    }

    if out.exists() {
        fs::remove_dir_all(out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;

    util::run(
        util::cmd(util::cargo_bin().join("wasm-bindgen"))
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--out-name",
                OUT_NAME,
                "--out-dir",
            ])
            .arg(out)
            .arg(&wasm),
    )?;
    let bg = out.join(format!("{OUT_NAME}_bg.wasm"));
    if release {
        let wasm_opt = util::tools_bin().join("wasm-opt");
        if !wasm_opt.is_file() {
            bail!(
                "{} is missing: run `cargo xtask setup` (npm binaryen; never apt's, TOOLCHAIN.md §2)",
                wasm_opt.display()
            );
        }
        util::run(
            util::cmd(&wasm_opt)
                .args(crate::npm::WASM_OPT_FLAGS)
                .arg(&bg)
                .arg("-o")
                .arg(&bg),
        )?;
    }

    let static_dir = root.join("web").join("static");
    for name in STATIC_FILES {
        fs::copy(static_dir.join(name), out.join(name))
            .with_context(|| format!("cannot copy web/static/{name}"))?;
    }
    // The rules' docs: the wasm is built without them, app.js fetches this file.
    fs::write(out.join("rules.json"), crate::npm::rules_json()?)?;
    if release {
        minify_js(out)?;
    }
    write_csp(out)?;
    print_sizes(out)?;
    Ok(())
}

/// The headers the site's `_headers` file gives `url_path` (e.g. `/` or `/app.js`), in
/// file order, for a static server that serves `site_dir`.
// For the demo's static server (the lead wires it); until then only the tests call it.
#[allow(dead_code)]
pub fn headers_for(site_dir: &Path, url_path: &str) -> Vec<(String, String)> {
    let text = fs::read_to_string(site_dir.join("_headers")).unwrap_or_default();
    header_rules(&text)
        .into_iter()
        .filter(|(pattern, _)| pattern_matches(pattern, url_path))
        .flat_map(|(_, headers)| headers)
        .collect()
}

#[allow(dead_code)]
/// `(pattern, headers)` blocks of a `_headers` file (Cloudflare Pages / Netlify format):
/// an unindented URL pattern, then indented `Name: value` lines; `#` starts a comment.
fn header_rules(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut rules: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            rules.push((trimmed.to_string(), Vec::new()));
        } else if let (Some((_, headers)), Some((name, value))) =
            (rules.last_mut(), trimmed.split_once(':'))
        {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    rules
}

#[allow(dead_code)]
/// `/*` style patterns: a trailing `*` matches any rest; otherwise the path must be equal.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

/// Minifies the JS in place with esbuild (no bundling: the files keep their imports).
fn minify_js(out: &Path) -> Result<()> {
    let esbuild = util::tools_bin().join("esbuild");
    if !esbuild.is_file() {
        eprintln!("web: esbuild not installed; the JS is not minified");
        return Ok(());
    }
    let files = [
        format!("{OUT_NAME}.js"),
        "app.js".into(),
        "audit-worker.js".into(),
    ];
    for file in &files {
        util::run(
            util::cmd(&esbuild)
                .arg(out.join(file))
                .args([
                    "--minify",
                    "--format=esm",
                    "--target=es2022",
                    "--log-level=warning",
                    "--allow-overwrite",
                ])
                .arg(format!("--outfile={}", out.join(file).display())),
        )?;
    }
    Ok(())
}

/// The inline bootstrap of `index.html` (the text between `<script>` and `</script>`).
fn inline_script(html: &str) -> Result<&str> {
    let start = html
        .find("<script>")
        .context("index.html has no inline <script> bootstrap")?
        + "<script>".len();
    let len = html[start..]
        .find("</script>")
        .context("index.html: unterminated <script>")?;
    if html[start + len..].contains("<script") {
        bail!("index.html must have exactly one script (the CSP pins one hash)");
    }
    Ok(&html[start..start + len])
}

/// `'sha256-…'` of a script's text, as CSP hash sources are written.
fn hash_source(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page's policy. `meta` leaves out what a `<meta>` policy cannot hold
/// (`frame-ancestors` is ignored there, with a console error).
pub fn csp(script_hash: &str, meta: bool) -> String {
    let mut directives = vec![
        "default-src 'none'".to_string(),
        // 'unsafe-inline' and https: are fallbacks for browsers without CSP Level 3; the
        // hash and 'strict-dynamic' make current browsers ignore both.
        format!(
            "script-src {script_hash} 'strict-dynamic' 'wasm-unsafe-eval' 'unsafe-inline' https:"
        ),
        "style-src 'self'".into(),
        // The favicon is a data: URL in index.html, so the page fetches no icon after load.
        "img-src data:".into(),
        // app.js fetches the wasm; nothing else is fetched.
        "connect-src 'self'".into(),
        "worker-src 'self'".into(),
        "manifest-src 'none'".into(),
        "object-src 'none'".into(),
        "base-uri 'none'".into(),
        "form-action 'none'".into(),
    ];
    if !meta {
        directives.push("frame-ancestors 'none'".into());
    }
    directives.push("require-trusted-types-for 'script'".into());
    directives.push(format!("trusted-types {TRUSTED_TYPES_POLICIES}"));
    directives.join("; ")
}

fn write_csp(out: &Path) -> Result<()> {
    let index_path = out.join("index.html");
    let index = fs::read_to_string(&index_path)?;
    let hash = hash_source(inline_script(&index)?);
    if index.matches(META_CSP_PLACEHOLDER).count() != 1 {
        bail!(
            "web/static/index.html must hold the {META_CSP_PLACEHOLDER} placeholder exactly once"
        );
    }
    // The meta tag sits in <head>, outside the hashed script, so filling it in does not
    // change the hash.
    let index = index.replace(META_CSP_PLACEHOLDER, &csp(&hash, true));
    fs::write(&index_path, index)?;
    let headers_path = out.join("_headers");
    let headers = fs::read_to_string(&headers_path)?;
    fs::write(
        &headers_path,
        headers.replace(CSP_PLACEHOLDER, &csp(&hash, false)),
    )?;
    Ok(())
}

/// Prints each file's size and gzipped size, and the wasm+JS total the budget is about.
fn print_sizes(out: &Path) -> Result<()> {
    let mut names: Vec<String> = fs::read_dir(out)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut code_gz = 0;
    for name in &names {
        let data = fs::read(out.join(name))?;
        let gz = util::gzip_len(&data);
        if name.ends_with(".wasm") || name.ends_with(".js") {
            code_gz += gz;
        }
        println!("web: {name:<26} {:>9} bytes, gzipped {gz:>8}", data.len());
    }
    println!("web: gzipped wasm+js = {code_gz} bytes");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_file() {
        let rules =
            header_rules("# c\n/*\n  X-A: 1\n  Content-Security-Policy: a; b\n/app.js\n  X-B: 2\n");
        assert_eq!(rules.len(), 2);
        assert!(pattern_matches("/*", "/app.js"));
        assert!(pattern_matches("/app.js", "/app.js"));
        assert!(!pattern_matches("/app.js", "/"));
        assert_eq!(
            rules[0].1[1],
            ("Content-Security-Policy".into(), "a; b".into())
        );
    }

    #[test]
    fn headers_for_a_path() {
        let dir = std::env::temp_dir().join(format!("hw-web-headers-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("_headers"), "/*\n  X-A: 1\n/app.js\n  X-B: 2\n").unwrap();
        assert_eq!(
            headers_for(&dir, "/"),
            vec![("X-A".to_string(), "1".to_string())]
        );
        assert_eq!(headers_for(&dir, "/app.js").len(), 2);
        assert!(headers_for(&dir.join("missing"), "/").is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn hashes_the_one_inline_script() {
        let html = "<head><meta content=\"{{META_CSP}}\"></head><script>alert(1)</script>";
        assert_eq!(inline_script(html).unwrap(), "alert(1)");
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            hash_source("alert(1)"),
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
        assert!(inline_script("<script>a</script><script src=x></script>").is_err());
        let policy = csp("'sha256-x'", true);
        assert!(!policy.contains("frame-ancestors"));
        assert!(csp("'sha256-x'", false).contains("frame-ancestors 'none'"));
    }
}
