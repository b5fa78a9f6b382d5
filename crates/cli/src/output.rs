//! Where reports go and how they look there: colour (`--color`, `NO_COLOR`, whether
//! standard output is a terminal), terminal width, and writing to stdout or `--output`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context as _;
use clap::ValueEnum;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when writing to a terminal, unless NO_COLOR is set or TERM is `dumb`.
    Auto,
    Always,
    Never,
}

/// Whether to colour output written to stdout (`to_file` = `--output` was given).
pub fn use_colour(when: ColorWhen, to_file: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            !to_file && !no_color && !dumb && std::io::stdout().is_terminal()
        }
    }
}

/// The width to wrap text to: the terminal's when stdout is one, else 100 columns.
pub fn text_width(to_file: bool) -> usize {
    if to_file {
        return headwarden_core::report::text::DEFAULT_WIDTH;
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(terminal_size::Width(w), _)| usize::from(w))
        .filter(|w| *w > 0)
        .map_or(headwarden_core::report::text::DEFAULT_WIDTH, |w| w.min(200))
}

/// Writes `text` (plus a final newline when it lacks one) to `path`, or to stdout.
/// A closed pipe on stdout (`| head`) is not an error.
pub fn emit(text: &str, path: Option<&Path>) -> anyhow::Result<()> {
    let mut text = text.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match path {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write to standard output"),
            }
        }
    }
}
