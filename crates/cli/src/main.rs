//! The `headwarden` command line: grade the HTTP security headers of a response (a file,
//! standard input, or a live URL), list and explain the rules, and the policy, session and
//! enforce tools. Every subcommand shares one exit-code contract ([`EXIT_CODES`]).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check_cmd;
mod enforce_cmd;
mod fetch;
mod output;
mod policy_cmd;
mod rules_cmd;
mod session;

/// Exit status: the command ran and no gate failed.
pub const EXIT_OK: u8 = 0;
/// Exit status: a gate failed (`--fail-on`, `--min-grade`), a weak secret was found, or a
/// policy file is invalid.
pub const EXIT_GATE_FAILED: u8 = 1;
/// Exit status: usage error, unreadable or unrecognised input, input past a limit, or a
/// network failure. clap uses the same status for the usage errors it reports.
pub const EXIT_ERROR: u8 = 2;

/// The exit-code contract, shown at the end of `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  the command ran and no gate failed (findings alone exit 0 unless --fail-on or
     --min-grade is given)
  1  a gate failed: a finding at or above --fail-on, or an exchange graded below
     --min-grade (the worst exchange counts); `session audit` found a weak secret;
     `policy check` found the policy invalid
  2  usage error, unreadable or unrecognised input, input past a limit, or a network
     failure";

#[derive(Parser)]
#[command(
    name = "headwarden",
    version,
    about = "Grade and enforce the HTTP security headers of a web app",
    long_about = "Grade and enforce the HTTP security headers of a web app.\n\n\
                  Reads a response (raw headers, `curl -i`/`-v` output, DevTools headers, a HAR \
                  file, a JSON object of headers) or fetches a URL, grades it, and explains \
                  every finding with a fix.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands. To add one: a `mod` line above, a variant here, an arm in `main`.
#[derive(Subcommand)]
enum Command {
    /// Check a response (file, URL, or - for standard input) and print a report.
    Check(check_cmd::CheckArgs),
    /// List the rules, or show one rule's documentation and fixes.
    Rules(rules_cmd::RulesArgs),
    /// Decode a Flask session cookie, or find the weak secret that signed a session cookie.
    Session(session::SessionArgs),
    /// Write, validate or derive a policy (init, check, suggest, list).
    Policy(policy_cmd::PolicyArgs),
    /// Apply a policy to a response and print the enforced response (curl -i form).
    Enforce(enforce_cmd::EnforceArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check_cmd::run(args),
        Command::Rules(args) => rules_cmd::run(args),
        Command::Session(args) => session::run(args),
        Command::Policy(args) => policy_cmd::run(args),
        Command::Enforce(args) => enforce_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
