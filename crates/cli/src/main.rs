//! The `headwarden` command line.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use headwarden_core::{check, parse_as, CheckOptions, InputFormat, Policy, Scheme};

#[derive(Parser)]
#[command(
    name = "headwarden",
    version,
    about = "Grade and enforce the HTTP security of a web app"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a response (file, URL or - for stdin) and print a report.
    Check {
        /// A file, `-` for standard input, or an http(s) URL.
        input: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long)]
        input_format: Option<InputFormat>,
        #[arg(long)]
        scheme: Option<Scheme>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
    Sarif,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            input,
            format,
            input_format,
            scheme,
        } => {
            let mut buf = Vec::new();
            match input.as_deref() {
                None | Some("-") => {
                    std::io::stdin().read_to_end(&mut buf).ok();
                }
                Some(path) => match std::fs::read(path) {
                    Ok(b) => buf = b,
                    Err(e) => {
                        eprintln!("error: cannot read {path}: {e}");
                        return ExitCode::from(2);
                    }
                },
            }
            let parsed = match parse_as(&buf, input_format) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let options = CheckOptions {
                scheme,
                ..Default::default()
            };
            let report = check(&parsed, &Policy::default(), &options);
            let _ = format;
            println!("{}", headwarden_core::report::json::render(&report));
            ExitCode::SUCCESS
        }
    }
}
