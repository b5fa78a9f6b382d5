//! `headwarden check`: read or fetch, grade, render, and apply the CI gates.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context as _};
use clap::{Args, ValueEnum};
use headwarden_core::limits::MAX_INPUT_BYTES;
use headwarden_core::report::{json, markdown, sarif, text};
use headwarden_core::{
    check, check_exchanges, parse_as, CheckOptions, Grade, InputFormat, Policy, Report, Scheme,
    Severity,
};

use crate::fetch::{fetch_chain, parse_header_arg, FetchOptions};
use crate::output::{emit, text_width, use_colour, ColorWhen};
use crate::{EXIT_GATE_FAILED, EXIT_OK};

const CHECK_HELP: &str = "\
Examples:
  curl -si https://example.com/ | headwarden check
  headwarden check https://example.com/ --fail-on high
  headwarden check capture.har --format sarif --output headwarden.sarif
  headwarden check https://app.example/account -H 'Cookie: session=…' --min-grade B

Gates: without --fail-on or --min-grade, findings alone exit 0.
  --fail-on SEVERITY  exit 1 when any finding is at SEVERITY or worse
  --min-grade GRADE   exit 1 when any exchange grades below GRADE

Exit codes:
  0  ran, no gate failed
  1  a gate failed (the worst exchange counts)
  2  usage error, unreadable or unrecognised input, input past a limit, network failure";

/// Check a response (file, URL, or - for standard input) and print a report.
#[derive(Args, Debug)]
#[command(after_help = CHECK_HELP)]
pub struct CheckArgs {
    /// A file, `-` for standard input (the default), or an http:// or https:// URL to fetch
    /// (redirects are followed and every hop is graded).
    #[arg(value_name = "FILE|URL|-")]
    input: Option<String>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Input format (detected when not given).
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<InputFormatArg>,

    /// Exit 1 when a finding has this severity or worse: critical, high, medium, low, info.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,

    /// Exit 1 when an exchange grades below this: A+, A, B, C, D, F.
    #[arg(long, value_name = "GRADE", value_parser = parse_grade)]
    min_grade: Option<Grade>,

    /// A policy to grade against: a preset name (balanced, strict, flask-talisman) or a
    /// TOML or JSON policy file. Default: the balanced preset.
    #[arg(long, value_name = "FILE|PRESET")]
    policy: Option<String>,

    /// The scheme the response was served over; overrides the URL's. Bare headers are
    /// graded as HTTPS unless this says otherwise.
    #[arg(long, value_enum)]
    scheme: Option<SchemeArg>,

    /// Skip the built-in weak-secret audit of session cookies.
    #[arg(long)]
    no_secret_audit: bool,

    /// Do not run this rule (repeatable).
    #[arg(long = "ignore", value_name = "RULE")]
    ignore: Vec<String>,

    /// Extra request header for URL input, e.g. -H 'Cookie: session=…' for a logged-in
    /// page (repeatable). Sent to the URL's own origin only, not to other hosts a
    /// redirect leads to.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,

    /// Timeout per request for URL input, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    timeout: u64,

    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Colour the text report: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a terminal: grade, findings by severity, one fix line each.
    Text,
    /// The output contract (schemas/report.schema.json).
    Json,
    /// For pull-request comments.
    Markdown,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// A raw response head, or `curl -i` / `-I` output (several responses for `-L`).
    Raw,
    /// `curl -v` output.
    CurlVerbose,
    /// Headers copied from browser DevTools.
    Devtools,
    /// A HAR 1.2 file.
    Har,
    /// A JSON object of header name → value(s).
    Json,
}

impl From<InputFormatArg> for InputFormat {
    fn from(arg: InputFormatArg) -> Self {
        match arg {
            InputFormatArg::Raw => InputFormat::Raw,
            InputFormatArg::CurlVerbose => InputFormat::CurlVerbose,
            InputFormatArg::Devtools => InputFormat::Devtools,
            InputFormatArg::Har => InputFormat::Har,
            InputFormatArg::Json => InputFormat::Json,
        }
    }
}

/// `--scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    Http,
    Https,
}

impl From<SchemeArg> for Scheme {
    fn from(arg: SchemeArg) -> Self {
        match arg {
            SchemeArg::Http => Scheme::Http,
            SchemeArg::Https => Scheme::Https,
        }
    }
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_grade(s: &str) -> Result<Grade, String> {
    s.parse()
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let policy = load_policy(args.policy.as_deref())?;
    for id in &args.ignore {
        if headwarden_core::rules::by_id(id).is_none() {
            bail!("{}", crate::rules_cmd::unknown_rule_message(id));
        }
    }
    let options = CheckOptions {
        scheme: args.scheme.map(Scheme::from),
        skip_secret_audit: args.no_secret_audit,
        disabled_rules: args.ignore.clone(),
        views: true,
        rule_docs: true,
    };
    let input = args.input.as_deref().unwrap_or("-");
    let (report, artifact_uri) = if is_url(input) {
        if args.input_format.is_some() {
            bail!("--input-format applies to files and standard input, not to a URL");
        }
        let fetch_options = FetchOptions {
            headers: args
                .headers
                .iter()
                .map(|h| parse_header_arg(h))
                .collect::<anyhow::Result<_>>()?,
            timeout: Duration::from_secs(args.timeout.max(1)),
        };
        let (exchanges, notes) = fetch_chain(input, &fetch_options)?;
        let report = check_exchanges(&exchanges, InputFormat::Raw, &notes, &policy, &options);
        (report, None)
    } else {
        if !args.headers.is_empty() {
            bail!("-H/--header applies to URL input only");
        }
        let bytes = read_input(input)?;
        let parsed = parse_as(&bytes, args.input_format.map(InputFormat::from))
            .with_context(|| format!("cannot read {}", describe(input)))?;
        let uri = (input != "-").then(|| path_to_uri(input));
        (check(&parsed, &policy, &options), uri)
    };

    let to_file = args.output.is_some();
    let rendered = match args.format {
        Format::Text => text::render(
            &report,
            use_colour(args.color, to_file),
            text_width(to_file),
        ),
        Format::Json => json::render(&report),
        Format::Markdown => markdown::render(&report),
        Format::Sarif => sarif::render(&report, artifact_uri.as_deref()),
    };
    emit(&rendered, args.output.as_deref())?;

    let failures = gate_failures(&report, args.fail_on, args.min_grade);
    for failure in &failures {
        eprintln!("headwarden: gate failed: {failure}");
    }
    Ok(ExitCode::from(if failures.is_empty() {
        EXIT_OK
    } else {
        EXIT_GATE_FAILED
    }))
}

/// Why each gate failed (empty when none did).
pub fn gate_failures(
    report: &Report,
    fail_on: Option<Severity>,
    min_grade: Option<Grade>,
) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(threshold) = fail_on {
        let count = report
            .exchanges
            .iter()
            .flat_map(|e| &e.findings)
            .filter(|f| f.severity >= threshold)
            .count();
        if count > 0 {
            failures.push(format!(
                "{count} finding{} at severity {threshold} or worse (--fail-on {threshold})",
                if count == 1 { "" } else { "s" }
            ));
        }
    }
    if let Some(min) = min_grade {
        if report.worst_grade < min {
            failures.push(format!(
                "worst grade {} is below {min} (--min-grade {min})",
                report.worst_grade
            ));
        }
    }
    failures
}

/// The policy named by `--policy` (a preset name, or a TOML or JSON file), or the
/// balanced preset.
fn load_policy(spec: Option<&str>) -> anyhow::Result<Policy> {
    match spec {
        None => Ok(Policy::default()),
        Some(spec) => crate::policy_cmd::load_policy_spec(spec),
    }
}

fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn describe(input: &str) -> String {
    if input == "-" {
        "standard input".to_string()
    } else {
        input.to_string()
    }
}

/// Reads a file or stdin, refusing more than MAX_INPUT_BYTES without reading it all.
fn read_input(input: &str) -> anyhow::Result<Vec<u8>> {
    let limit = MAX_INPUT_BYTES as u64;
    let mut bytes = Vec::new();
    if input == "-" {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            bail!(
                "no input: give a file, a URL, or pipe a response in \
                 (e.g. `curl -si https://example.com/ | headwarden check`)"
            );
        }
        stdin
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        let path = Path::new(input);
        let file = std::fs::File::open(path).with_context(|| format!("cannot read {input}"))?;
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {input}"))?;
    }
    if bytes.len() as u64 > limit {
        bail!(
            "{} is larger than {} MiB, the most headwarden reads",
            describe(input),
            MAX_INPUT_BYTES / (1024 * 1024)
        );
    }
    Ok(bytes)
}

/// A file path as a relative or absolute URI reference for SARIF's `artifactLocation`.
fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut uri = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_files() {
        assert!(is_url("https://example.com"));
        assert!(is_url("HTTP://example.com"));
        assert!(!is_url("http.txt"));
        assert!(!is_url("-"));
        assert!(!is_url("ñ"));
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            path_to_uri("./tests/fixtures/a b.http"),
            "tests/fixtures/a%20b.http"
        );
        assert_eq!(path_to_uri("dir/x#1?.http"), "dir/x%231%3F.http");
    }
}
