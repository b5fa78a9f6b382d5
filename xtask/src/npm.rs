//! The npm package `headwarden` (crates/wasm): build it into `target/npm/headwarden/`, pack
//! it into `headwarden-<version>.tgz`, and test the packed tarball the way a user gets it.
//!
//! Build: cargo (wasm32, `wasm-release` profile) for the two wasms, each in its own cargo
//! run so that core's `rewrite` feature (lol_html) stays out of the main one →
//! wasm-bindgen `--target web` → wasm-opt (npm binaryen, TOOLCHAIN.md §2) → the JS entry
//! files of `crates/wasm/npm/`, `node.cjs` bundled by esbuild → `npm pack`.
//!
//! Test: install the tarball into a fresh temporary project, then run there the Node tests
//! of `crates/wasm/tests/` (ESM and CommonJS), the `tsc --strict` check of the shipped
//! `.d.ts`, the Chromium smoke test and, when `worker/node_modules` has wrangler, the
//! workerd smoke test.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use crate::util;

/// `(crate, the .wasm cargo writes, the name of the wasm-bindgen output in the package)`.
const WASMS: [(&str, &str, &str); 2] = [
    ("headwarden-wasm", "headwarden_wasm.wasm", "headwarden"),
    (
        "headwarden-wasm-rewrite",
        "headwarden_wasm_rewrite.wasm",
        "headwarden_rewrite",
    ),
];

/// Files copied from `crates/wasm/npm/` as they are.
const COPIED: &[&str] = &[
    "index.mjs",
    "node.mjs",
    "workerd.mjs",
    "index.d.ts",
    "README.md",
    "lib/node-cjs.mjs",
];

/// The wasm-opt pass, for the npm wasms and the web page's. `-Os` came out smaller
/// gzipped than `-Oz` (main wasm 384.1 KB against 385.6 KB, 2026-11-23); `--converge`
/// saved under 1 KB for twice the time. `opt-level = 3` ran `check` about 2× faster than
/// `"z"` for 17 % more bytes, so only the bindings crate is built at 3 (root Cargo.toml).
pub(crate) const WASM_OPT_FLAGS: &[&str] = &["-Os"];

/// Builds the package into `target/npm/headwarden/` and packs it into
/// `out_dir/headwarden-<version>.tgz`; prints the gzipped size of each wasm. Returns the
/// tarball's path.
pub fn build(out_dir: &Path) -> Result<PathBuf> {
    let root = util::root();
    let version = package_version()?;
    let target = util::target_dir();
    for (krate, _, _) in WASMS {
        util::run(util::cargo().args([
            "build",
            "-p",
            krate,
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ]))?;
    }

    let pkg = package_dir();
    if pkg.exists() {
        fs::remove_dir_all(&pkg).with_context(|| format!("cannot clear {}", pkg.display()))?;
    }
    fs::create_dir_all(pkg.join("wasm"))?;
    fs::create_dir_all(pkg.join("lib"))?;

    let wasm_opt = util::tools_bin().join("wasm-opt");
    if !wasm_opt.is_file() {
        bail!(
            "{} is missing: run `cargo xtask setup` (npm binaryen; never apt's, TOOLCHAIN.md §2)",
            wasm_opt.display()
        );
    }
    let built = target.join("wasm32-unknown-unknown").join("wasm-release");
    for (_, file, name) in WASMS {
        let input = built.join(file);
        if !input.is_file() {
            bail!("cargo did not produce {}", input.display());
        }
        util::run(
            util::cmd(util::cargo_bin().join("wasm-bindgen"))
                .args([
                    "--target",
                    "web",
                    "--no-typescript",
                    "--out-name",
                    name,
                    "--out-dir",
                ])
                .arg(pkg.join("wasm"))
                .arg(&input),
        )?;
        let bg = pkg.join("wasm").join(format!("{name}_bg.wasm"));
        util::run(
            util::cmd(&wasm_opt)
                .args(WASM_OPT_FLAGS)
                .arg(&bg)
                .arg("-o")
                .arg(&bg),
        )?;
    }

    let npm = root.join("crates/wasm/npm");
    for file in COPIED {
        fs::copy(npm.join(file), pkg.join(file))
            .with_context(|| format!("cannot copy crates/wasm/npm/{file}"))?;
    }
    fs::copy(npm.join("index.d.ts"), pkg.join("index.d.cts"))?;
    fs::write(pkg.join("lib/rules.mjs"), rules_module(&rules_json()?)?)?;
    let api = fs::read_to_string(npm.join("lib/api.mjs"))?;
    if !api.contains("__HEADWARDEN_VERSION__") {
        bail!("crates/wasm/npm/lib/api.mjs lost its __HEADWARDEN_VERSION__ placeholder");
    }
    fs::write(
        pkg.join("lib/api.mjs"),
        api.replace("__HEADWARDEN_VERSION__", &version),
    )?;
    // Text replacement, not a serde_json round trip: the order of the `exports` conditions
    // matters, and serde_json would sort the keys.
    let manifest = fs::read_to_string(npm.join("package.json"))?;
    let placeholder = "\"version\": \"0.0.0-set-by-xtask\"";
    if !manifest.contains(placeholder) {
        bail!("crates/wasm/npm/package.json lost its {placeholder} line");
    }
    fs::write(
        pkg.join("package.json"),
        manifest.replace(placeholder, &format!("\"version\": \"{version}\"")),
    )?;
    for license in ["LICENSE", "LICENSE-MIT", "LICENSE-APACHE"] {
        if root.join(license).is_file() {
            fs::copy(root.join(license), pkg.join(license))?;
        }
    }

    // CommonJS: one file with the API and the glue, initialised with readFileSync.
    util::run(
        util::cmd(util::tools_bin().join("esbuild"))
            .current_dir(&pkg)
            .args([
                "lib/node-cjs.mjs",
                "--bundle",
                "--platform=node",
                "--format=cjs",
                "--target=node18",
                "--outfile=node.cjs",
                "--log-level=warning",
                // The glue's fetch-based init uses import.meta.url; node.cjs never calls it.
                "--log-override:empty-import-meta=silent",
            ]),
    )?;
    fs::remove_file(pkg.join("lib/node-cjs.mjs"))?;

    fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let out_dir = out_dir.canonicalize()?;
    util::run(
        util::cmd("npm")
            .current_dir(&pkg)
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&out_dir),
    )?;
    let tarball = out_dir.join(format!("headwarden-{version}.tgz"));
    if !tarball.is_file() {
        bail!("npm pack did not write {}", tarball.display());
    }

    for (_, _, name) in WASMS {
        let data = fs::read(pkg.join("wasm").join(format!("{name}_bg.wasm")))?;
        println!(
            "npm: wasm/{name}_bg.wasm {} B, gzip -9 {} B",
            data.len(),
            util::gzip_len(&data)
        );
    }
    println!(
        "npm: {} ({} B)",
        tarball.strip_prefix(&root).unwrap_or(&tarball).display(),
        fs::metadata(&tarball)?.len()
    );
    Ok(tarball)
}

/// Every rule's docs and fixes as JSON (`crates/wasm/examples/rules_json.rs`, run natively
/// with core's `docs` feature, which the wasm builds leave out to stay small).
pub fn rules_json() -> Result<String> {
    let json = util::output(util::cargo().args([
        "run",
        "--quiet",
        "-p",
        "headwarden-wasm",
        "--example",
        "rules_json",
    ]))?;
    let rules: serde_json::Value =
        serde_json::from_str(&json).context("examples/rules_json.rs printed invalid JSON")?;
    match rules.as_array() {
        Some(list) if !list.is_empty() => Ok(json.trim_end().to_string()),
        _ => bail!("examples/rules_json.rs printed no rules"),
    }
}

/// `lib/rules.mjs`: the rules' JSON as one string, which the API parses on first use
/// (a module, not a .json file, so that Node, bundlers, browsers and workerd all load it
/// the same way, and a string, which JS engines scan faster than an object literal).
fn rules_module(json: &str) -> Result<String> {
    Ok(format!(
        "// Generated by `cargo xtask npm-build` from the rules' doc comments \
         (crates/wasm/examples/rules_json.rs).\nexport const RULES_JSON = {};\n",
        serde_json::to_string(json)?
    ))
}

/// Installs the packed tarball (building it first when it is missing) into a fresh
/// temporary project and runs the package's tests there.
pub fn test() -> Result<()> {
    let root = util::root();
    let version = package_version()?;
    let dist = util::target_dir().join("dist");
    let tarball = dist.join(format!("headwarden-{version}.tgz"));
    let tarball = if tarball.is_file() {
        tarball
    } else {
        build(&dist)?
    };

    let project = std::env::temp_dir().join(format!("headwarden-npm-test-{}", std::process::id()));
    if project.exists() {
        fs::remove_dir_all(&project)?;
    }
    fs::create_dir_all(project.join("tests"))?;
    fs::write(
        project.join("package.json"),
        "{\n  \"name\": \"headwarden-npm-test\",\n  \"private\": true,\n  \"type\": \"module\"\n}\n",
    )?;
    util::run(
        util::cmd("npm")
            .current_dir(&project)
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--prefer-offline",
            ])
            .arg(&tarball),
    )?;
    let tests_src = root.join("crates/wasm/tests");
    let mut unit = Vec::new();
    let mut smoke = Vec::new();
    for entry in fs::read_dir(&tests_src)? {
        let path = entry?.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        fs::copy(&path, project.join("tests").join(&name))?;
        if name.ends_with(".test.mjs") || name.ends_with(".test.cjs") {
            unit.push(format!("tests/{name}"));
        } else if name.ends_with(".smoke.mjs") {
            smoke.push(format!("tests/{name}"));
        }
    }
    unit.sort();
    smoke.sort();
    fs::write(
        project.join("tsconfig.json"),
        r#"{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "lib": ["es2022", "dom"],
    "types": []
  },
  "files": ["tests/types.test.ts", "tests/types-cjs.test.cts"]
}
"#,
    )?;

    let node_test = |files: &[String]| -> Result<()> {
        util::run(
            util::cmd("node")
                .current_dir(&project)
                .env("HEADWARDEN_ROOT", &root)
                .arg("--test")
                .arg("--test-concurrency=1")
                .args(files),
        )
    };
    node_test(&unit).context("the npm package's Node tests failed")?;
    util::run(
        util::cmd(util::tools_bin().join("tsc"))
            .current_dir(&project)
            .args(["-p", "tsconfig.json"]),
    )
    .context("tsc --strict rejected the example code against index.d.ts")?;
    node_test(&smoke).context("the npm package's browser / workerd smoke tests failed")?;

    let _ = fs::remove_dir_all(&project);
    println!(
        "npm: tests passed ({})",
        tarball.strip_prefix(&root).unwrap_or(&tarball).display()
    );
    Ok(())
}

/// Where the package is assembled.
pub fn package_dir() -> PathBuf {
    util::target_dir().join("npm").join("headwarden")
}

/// The version of `crates/wasm` (its own `version`, else the workspace's).
pub fn package_version() -> Result<String> {
    let root = util::root();
    let own = fs::read_to_string(root.join("crates/wasm/Cargo.toml"))?;
    if let Some(v) = toml_string(&own, "version") {
        return Ok(v);
    }
    let workspace = fs::read_to_string(root.join("Cargo.toml"))?;
    let section = workspace
        .split("[workspace.package]")
        .nth(1)
        .context("no [workspace.package] in Cargo.toml")?;
    let section = section.split("\n[").next().unwrap_or(section);
    toml_string(section, "version").context("no version in [workspace.package]")
}

/// The string value of `key = "…"` at the start of a line.
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line
            .trim_start()
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix('=')?;
        let rest = rest.trim().strip_prefix('"')?;
        Some(rest.split('"').next()?.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_toml_strings() {
        assert_eq!(
            toml_string("name = \"x\"\nversion = \"1.2.3\"\n", "version").as_deref(),
            Some("1.2.3")
        );
        assert_eq!(toml_string("version.workspace = true\n", "version"), None);
    }

    #[test]
    fn the_rules_module_holds_the_json_as_one_string() {
        let json = r###"[{"id":"a","docs":"## What\n`x` \"q\" \u2028"}]"###;
        let module = rules_module(json).unwrap();
        let literal = module
            .lines()
            .find_map(|l| l.strip_prefix("export const RULES_JSON = "))
            .and_then(|l| l.strip_suffix(';'))
            .unwrap();
        assert_eq!(serde_json::from_str::<String>(literal).unwrap(), json);
    }

    #[test]
    fn the_package_has_a_version() {
        assert!(package_version().unwrap().split('.').count() >= 3);
    }
}
