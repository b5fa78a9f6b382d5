//! `headwarden enforce`: apply a policy to a response (what the worker does on every
//! response) and print the result in `curl -i` form, with the list of changes on request.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use headwarden_core::policy::{enforce_with, nonce_from_bytes, Change, Mode};
use headwarden_core::{parse_as, InputFormat, Request};

use crate::policy_cmd::{load_policy_spec, read_bytes};
use crate::EXIT_OK;

const ENFORCE_HELP: &str = "\
Examples:
  curl -si https://example.com/ | headwarden enforce --changes
  headwarden enforce --policy strict capture.http
  headwarden enforce --policy headwarden.toml response.http | headwarden check --policy headwarden.toml

The output is the enforced response in `curl -i` form (a status line first, `HTTP/1.1
200 OK` when the input had none), one response after another for several. --changes
lists what changed and why on standard error, so standard output stays a response.

Exit codes:
  0  done
  2  usage error, invalid policy, unreadable or unrecognised input";

/// Apply a policy to a response and print the enforced response.
#[derive(Args, Debug)]
#[command(after_help = ENFORCE_HELP)]
pub struct EnforceArgs {
    /// A file with the response(s), or - for standard input (the default).
    #[arg(value_name = "FILE|-")]
    input: Option<String>,

    /// The policy: a preset name (balanced, strict, flask-talisman) or a TOML or JSON file.
    #[arg(long, value_name = "FILE|PRESET", default_value = "balanced")]
    policy: String,

    /// Also list the changes (on standard error).
    #[arg(long)]
    changes: bool,

    /// How --changes are written.
    #[arg(long, value_enum, default_value_t = ChangesFormat::Text, value_name = "FORMAT")]
    changes_format: ChangesFormat,

    /// Report-only mode (the worker's MODE=report-only): only add the policy's CSP as
    /// Content-Security-Policy-Report-Only; --changes shows what enforcing would change.
    #[arg(long)]
    report_only: bool,

    /// The scheme the response was served over (HSTS and Secure cookies depend on it).
    /// Default: the input's URL, else https.
    #[arg(long, value_enum)]
    scheme: Option<SchemeArg>,

    /// Input format (detected when not given): raw, curl-verbose, devtools, har, json.
    #[arg(long, value_name = "FORMAT")]
    input_format: Option<String>,

    /// Use this CSP nonce instead of a random one (for reproducible output in tests and
    /// docs; never in production: a nonce must be unpredictable).
    #[arg(long, value_name = "NONCE")]
    nonce: Option<String>,

    /// Write the enforced response(s) to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// `--changes-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ChangesFormat {
    /// One line per change.
    Text,
    /// One JSON object per change per line (as the worker's audit log).
    Json,
}

/// `--scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemeArg {
    Http,
    Https,
}

pub fn run(args: EnforceArgs) -> anyhow::Result<ExitCode> {
    let policy = load_policy_spec(&args.policy)?;
    let input = args.input.as_deref().unwrap_or("-");
    let bytes = read_bytes(input)?;
    let forced: Option<InputFormat> = match args.input_format.as_deref() {
        Some(f) => Some(f.parse().map_err(anyhow::Error::msg)?),
        None => None,
    };
    let parsed = parse_as(&bytes, forced).with_context(|| format!("cannot read {input}"))?;
    let mode = if args.report_only {
        Mode::ReportOnly
    } else {
        Mode::Enforce
    };
    let mut out: Vec<u8> = Vec::new();
    let mut all_changes: Vec<(usize, Change)> = Vec::new();
    let mut nonce_source = || match &args.nonce {
        Some(n) => n.clone(),
        None => random_nonce(),
    };
    for (i, exchange) in parsed.exchanges.into_iter().enumerate() {
        let mut response = exchange.response;
        let request = request_for(exchange.request, args.scheme);
        let result = enforce_with(
            &mut response,
            request.as_ref(),
            &policy,
            mode,
            &mut nonce_source,
        );
        let bytes = response.to_curl_bytes();
        if i > 0 && !out.ends_with(b"\n") {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(&bytes);
        all_changes.extend(result.changes.into_iter().map(|c| (i, c)));
    }
    match &args.output {
        Some(path) => std::fs::write(path, &out)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            let written = stdout.write_all(&out).and_then(|()| stdout.flush());
            // `| head` closing the pipe early is not an error.
            match written {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
        }
    }
    if args.changes {
        let mut stderr = std::io::stderr().lock();
        if all_changes.is_empty() {
            writeln!(
                stderr,
                "no changes: the response already satisfies the policy"
            )?;
        }
        for (i, c) in &all_changes {
            match args.changes_format {
                ChangesFormat::Text => writeln!(stderr, "{}", describe(*i, c))?,
                ChangesFormat::Json => {
                    let mut v = serde_json::to_value(c)?;
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("exchange".into(), (*i).into());
                    }
                    writeln!(stderr, "{v}")?;
                }
            }
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// The request `enforce` sees: the input's, with `--scheme` forcing the URL's scheme.
fn request_for(request: Option<Request>, scheme: Option<SchemeArg>) -> Option<Request> {
    let Some(scheme) = scheme else {
        return request;
    };
    let mut request = request.unwrap_or_default();
    let prefix = match scheme {
        SchemeArg::Http => "http://",
        SchemeArg::Https => "https://",
    };
    let rest = match request.url.as_deref() {
        Some(url) => match url.split_once("://") {
            Some((_, rest)) => rest.to_string(),
            None => format!(
                "localhost{}",
                if url.starts_with('/') {
                    url.to_string()
                } else {
                    format!("/{url}")
                }
            ),
        },
        None => "localhost/".to_string(),
    };
    request.url = Some(format!("{prefix}{rest}"));
    Some(request)
}

fn describe(exchange: usize, c: &Change) -> String {
    let what = match (&c.header, &c.cookie) {
        (_, Some(cookie)) => format!("cookie {cookie}"),
        (Some(h), None) => h.clone(),
        (None, None) => "body".to_string(),
    };
    let action = serde_json::to_value(c.action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut line = format!("[{exchange}] {action} {what}");
    if let Some(after) = &c.after {
        line.push_str(&format!(": {after}"));
    }
    if !c.applied {
        line.push_str(" (not applied: report-only)");
    }
    line.push_str(&format!("\n      why: {}", c.reason));
    if !c.before.is_empty() {
        line.push_str(&format!("\n      was: {}", c.before.join(" | ")));
    }
    line
}

/// 18 random bytes from the OS, base64: a fresh CSP nonce per response.
fn random_nonce() -> String {
    let mut bytes = [0u8; 18];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: better a unique-looking nonce than none (preview output only).
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (seed >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
        }
    }
    nonce_from_bytes(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_overrides_the_request_url() {
        let r = request_for(None, Some(SchemeArg::Http)).unwrap();
        assert_eq!(r.url.as_deref(), Some("http://localhost/"));
        let with = Request {
            url: Some("https://shop.example/login?x".into()),
            ..Default::default()
        };
        let r = request_for(Some(with.clone()), Some(SchemeArg::Http)).unwrap();
        assert_eq!(r.url.as_deref(), Some("http://shop.example/login?x"));
        let relative = Request {
            url: Some("/login".into()),
            ..Default::default()
        };
        let r = request_for(Some(relative), Some(SchemeArg::Https)).unwrap();
        assert_eq!(r.url.as_deref(), Some("https://localhost/login"));
        assert_eq!(request_for(Some(with.clone()), None), Some(with));
    }

    #[test]
    fn nonces_are_fresh_base64() {
        let (a, b) = (random_nonce(), random_nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 24);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/'));
    }
}
