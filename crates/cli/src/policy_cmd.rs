//! `headwarden policy`: write a commented policy (`init`), validate one (`check`), derive
//! one from a response (`suggest`), list the presets (`list`).

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand, ValueEnum};
use headwarden_core::limits::MAX_INPUT_BYTES;
use headwarden_core::policy::{self, load::MAX_POLICY_BYTES};
use headwarden_core::{parse_as, InputFormat, Policy};

use crate::{EXIT_GATE_FAILED, EXIT_OK};

const POLICY_HELP: &str = "\
Examples:
  headwarden policy init --preset balanced -o headwarden.toml
  headwarden policy check headwarden.toml
  curl -si https://example.com/ | headwarden policy suggest > headwarden.toml
  headwarden policy list

A policy is TOML (or JSON with the same keys). `preset = \"balanced\"` on top starts from a
preset; the keys below override it. Give it to `check --policy`, `enforce --policy`, or
the worker's POLICY variable.

Exit codes:
  0  done (policy check: the policy is valid)
  1  policy check: the policy is invalid (each error as file:line:col: message)
  2  usage error, unreadable file or input";

/// Write, validate or derive a policy.
#[derive(Args, Debug)]
#[command(after_help = POLICY_HELP)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Subcommand, Debug)]
enum PolicyCommand {
    /// Print a commented policy file to start from.
    Init {
        /// The preset to start from: strict, balanced, flask-talisman.
        #[arg(long, default_value = "balanced", value_name = "NAME")]
        preset: String,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Validate a policy file (TOML or JSON, or a preset name); exit 1 when invalid.
    Check {
        /// The policy file, or - for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
        /// Also list the rule ids that enforcing the policy resolves.
        #[arg(long)]
        covers: bool,
    },
    /// Derive a policy that fixes what `check` finds in a response.
    Suggest {
        /// A file with the response(s), or - for standard input (the default).
        #[arg(value_name = "FILE|-")]
        input: Option<String>,
        /// Output syntax.
        #[arg(long, value_enum, default_value_t = Syntax::Toml)]
        format: Syntax,
        /// Input format (detected when not given): raw, curl-verbose, devtools, har, json.
        #[arg(long, value_name = "FORMAT")]
        input_format: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// List the presets with a one-line description.
    List,
}

/// `policy suggest --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Syntax {
    Toml,
    Json,
}

pub fn run(args: PolicyArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PolicyCommand::Init {
            preset,
            output,
            force,
        } => init(&preset, output.as_deref(), force),
        PolicyCommand::Check { file, covers } => check(&file, covers),
        PolicyCommand::Suggest {
            input,
            format,
            input_format,
            output,
        } => suggest(
            input.as_deref().unwrap_or("-"),
            format,
            input_format.as_deref(),
            output.as_deref(),
        ),
        PolicyCommand::List => {
            for p in policy::presets() {
                println!("{:<16} {}", p.name, p.description);
            }
            Ok(ExitCode::from(EXIT_OK))
        }
    }
}

fn init(preset: &str, output: Option<&Path>, force: bool) -> anyhow::Result<ExitCode> {
    let Some(text) = policy::presets::preset_toml(preset) else {
        let names: Vec<&str> = policy::presets().iter().map(|p| p.name).collect();
        bail!("unknown preset `{preset}`; presets: {}", names.join(", "));
    };
    write_output(text, output, force)?;
    if let Some(path) = output {
        eprintln!(
            "wrote {} (preset {preset}); check it with: headwarden policy check {}",
            path.display(),
            path.display()
        );
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn check(file: &str, covers: bool) -> anyhow::Result<ExitCode> {
    let (text, shown) = if file == "-" {
        (read_stdin(MAX_POLICY_BYTES)?, "<stdin>".to_string())
    } else if Path::new(file).exists() {
        (read_file(file, MAX_POLICY_BYTES)?, file.to_string())
    } else if policy::presets().iter().any(|p| p.name == file) {
        (file.to_string(), file.to_string())
    } else {
        bail!("cannot read {file}: no such file (and not a preset name)");
    };
    match Policy::load(&text) {
        Ok(p) => {
            let preset = p
                .preset
                .as_deref()
                .map_or(String::new(), |n| format!(" (preset {n})"));
            println!("{shown}: valid{preset}");
            if covers {
                println!("enforcing it resolves: {}", p.covers().join(", "));
            }
            Ok(ExitCode::from(EXIT_OK))
        }
        Err(e) => {
            eprint!("{}", e.render(&shown));
            let n = e.errors.len();
            eprintln!(
                "{shown}: invalid ({n} error{})",
                if n == 1 { "" } else { "s" }
            );
            Ok(ExitCode::from(EXIT_GATE_FAILED))
        }
    }
}

fn suggest(
    input: &str,
    format: Syntax,
    input_format: Option<&str>,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let bytes = read_bytes(input)?;
    let forced: Option<InputFormat> = match input_format {
        Some(f) => Some(f.parse().map_err(anyhow::Error::msg)?),
        None => None,
    };
    let parsed =
        parse_as(&bytes, forced).with_context(|| format!("cannot read {}", shown(input)))?;
    let suggested = policy::suggest(&parsed.exchanges);
    let text = match format {
        Syntax::Toml => suggested.to_toml_string(),
        Syntax::Json => suggested.to_json_string() + "\n",
    };
    write_output(&text, output, true)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// Loads `--policy`: a file holding TOML or JSON, else a preset name. Errors name the file
/// and every problem (`file:line:col: message`). `check` and `enforce` share it.
pub fn load_policy_spec(spec: &str) -> anyhow::Result<Policy> {
    let path = Path::new(spec);
    if path.exists() {
        let text = read_file(spec, MAX_POLICY_BYTES)?;
        return Policy::load(&text)
            .map_err(|e| anyhow::anyhow!("invalid policy:\n{}", e.render(spec).trim_end()));
    }
    Policy::load(spec).map_err(|e| {
        anyhow::anyhow!(
            "--policy {spec}: no such file, and not a preset: {}",
            e.to_string().trim_end()
        )
    })
}

fn shown(input: &str) -> String {
    if input == "-" {
        "standard input".into()
    } else {
        input.into()
    }
}

/// Reads a file or standard input (refusing more than MAX_INPUT_BYTES).
pub fn read_bytes(input: &str) -> anyhow::Result<Vec<u8>> {
    let limit = MAX_INPUT_BYTES as u64;
    let mut bytes = Vec::new();
    if input == "-" {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            eprintln!("reading a response from standard input (end with Ctrl-D)…");
        }
        stdin
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        std::fs::File::open(input)
            .with_context(|| format!("cannot read {input}"))?
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {input}"))?;
    }
    if bytes.len() as u64 > limit {
        bail!(
            "{} is larger than {MAX_INPUT_BYTES} bytes, the input limit",
            shown(input)
        );
    }
    Ok(bytes)
}

fn read_file(path: &str, limit: usize) -> anyhow::Result<String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .with_context(|| format!("cannot read {path}"))?
        .take(limit as u64 + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {path} (a policy is UTF-8 text)"))?;
    if text.len() > limit {
        bail!("{path} is larger than {limit} bytes, the policy size limit");
    }
    Ok(text)
}

fn read_stdin(limit: usize) -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .take(limit as u64 + 1)
        .read_to_string(&mut text)
        .context("cannot read standard input (a policy is UTF-8 text)")?;
    if text.len() > limit {
        bail!("standard input is larger than {limit} bytes, the policy size limit");
    }
    Ok(text)
}

fn write_output(text: &str, output: Option<&Path>, force: bool) -> anyhow::Result<()> {
    match output {
        None => {
            print!("{text}");
            Ok(())
        }
        Some(path) => {
            if path.exists() && !force {
                bail!("{} exists; use --force to overwrite it", path.display());
            }
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
    }
}
