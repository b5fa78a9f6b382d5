//! `cargo xtask dist`: every artifact, in `target/dist/` (nothing else there is removed):
//! `web/` (the static site), `headwarden-<version>.tgz` (npm), `worker/` (the upload
//! bundle). Prints the gzipped size of every .wasm.

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::setup::{self, Needs};
use crate::util;

pub fn dist() -> Result<()> {
    setup::setup(Needs {
        wasm: true,
        worker: true,
        browser: false,
        python: false,
        fuzz: false,
    })?;
    let out = util::target_dir().join("dist");
    std::fs::create_dir_all(&out)?;
    crate::web::build(true, &out.join("web"))?;
    let tarball = crate::npm::build(&out)?;
    crate::worker::build()?;
    let bundle = out.join("worker");
    if bundle.exists() {
        std::fs::remove_dir_all(&bundle)?;
    }
    copy_dir(&util::root().join("worker/build"), &bundle)?;

    println!("\ndist: {}", out.display());
    println!("  npm tarball: {}", tarball.display());
    for dir in ["web", "worker"] {
        print_wasm_sizes(&out.join(dir))?;
    }
    print_wasm_sizes(&crate::npm::package_dir())?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("{} is missing", from.display()))?
    {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn print_wasm_sizes(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            print_wasm_sizes(&path)?;
        } else if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path)?;
            println!(
                "  {}: {} bytes, {} gzipped",
                path.strip_prefix(util::root()).unwrap_or(&path).display(),
                bytes.len(),
                util::gzip_len(&bytes)
            );
        }
    }
    Ok(())
}
