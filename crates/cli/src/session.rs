//! `headwarden session`: decode a Flask session cookie, and audit the secret that signed a
//! Flask session, Flask-Login remember token or Express `connect.sid` cookie.
//!
//! `audit` tries headwarden's built-in list of weak secrets first, then each `--wordlist`
//! (flask-unsign's format: one secret per line, Python string literals decoded), on every
//! core. Exit 1 when a secret is found, 0 when none is, 2 on bad input.

use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand, ValueEnum};
use headwarden_core::flask::session::{sensitive_entries, FlaskSession};
use headwarden_core::flask::view::CookieSource;
use headwarden_core::flask::wordlist::{display_secret, parse_line, strip_newline};
use headwarden_core::flask::{
    decode_flask_session, CookieArg, SessionCookie, SignedCookie, SignedKind,
};

const SESSION_HELP: &str = "\
Examples:
  headwarden session decode 'eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE'
  headwarden session decode 'session=.eJyd0j0O…' --format json
  headwarden session audit 'eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE'
  headwarden session audit 's%3AhUYb….kT%2B8…' --wordlist all.txt --no-builtin

Exit codes:
  0  decoded; or audited and no secret found
  1  `audit` found the secret
  2  usage error, not a recognised cookie, unreadable wordlist";

/// Decode a Flask session cookie, or find the weak secret that signed a session cookie.
#[derive(Args, Debug)]
#[command(after_help = SESSION_HELP)]
pub struct SessionArgs {
    #[command(subcommand)]
    command: SessionCommand,
}

#[derive(Subcommand, Debug)]
enum SessionCommand {
    /// Show what a Flask session cookie holds: JSON payload, signing time, size.
    Decode(DecodeArgs),
    /// Try the built-in weak secrets and wordlists against a signed cookie (Flask session,
    /// Flask-Login remember_token, Express connect.sid).
    Audit(AuditArgs),
}

#[derive(Args, Debug)]
struct DecodeArgs {
    /// The cookie value, `name=value`, a `Set-Cookie:` line, or - for standard input.
    #[arg(value_name = "COOKIE")]
    cookie: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args, Debug)]
struct AuditArgs {
    /// The cookie value, `name=value`, a `Set-Cookie:` line, or - for standard input.
    #[arg(value_name = "COOKIE")]
    cookie: String,
    /// A wordlist: one secret per line (trailing \r\n stripped); lines written as Python
    /// string literals ('…', b'…') are decoded, as flask-unsign does. `-` reads standard
    /// input. May be given several times.
    #[arg(long, short = 'w', value_name = "FILE")]
    wordlist: Vec<PathBuf>,
    /// Do not try the built-in list of weak secrets.
    #[arg(long)]
    no_builtin: bool,
    /// Take every wordlist line as written (no Python literal decoding), like
    /// flask-unsign's --no-literal-eval.
    #[arg(long)]
    no_literal_eval: bool,
    /// Worker threads; 0 uses every core.
    #[arg(long, default_value_t = 0, value_name = "N")]
    threads: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// No progress bar, even on a terminal.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs `headwarden session …`; an error means exit 2.
pub fn run(args: SessionArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        SessionCommand::Decode(a) => decode(a),
        SessionCommand::Audit(a) => audit(a),
    }
}

/// A cookie argument (`-` reads it from standard input) in any form
/// [`CookieArg`] reads. Returns the cookie name (given, or the usual one for the kind of
/// value) and the value.
fn read_cookie_arg(arg: &str) -> anyhow::Result<(String, String)> {
    let text = if arg == "-" {
        let mut s = String::new();
        std::io::stdin()
            .take(1 << 20)
            .read_to_string(&mut s)
            .context("cannot read the cookie from standard input")?;
        s
    } else {
        arg.to_string()
    };
    let cookie = CookieArg::parse(&text).context("no cookie value given")?;
    Ok((
        cookie.name_or_default().to_string(),
        cookie.value.to_string(),
    ))
}

fn decode(args: DecodeArgs) -> anyhow::Result<ExitCode> {
    let (name, value) = read_cookie_arg(&args.cookie)?;
    let Some(cookie) = SessionCookie::examine(&name, &value, CookieSource::Cookie, "", false)
        .filter(|c| c.kind != headwarden_core::flask::SessionKind::Opaque)
    else {
        // Say why it is not a Flask session when it has some of the shape.
        let reason = decode_flask_session(&value)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        bail!(
            "not a Flask session, Flask-Login remember token or Express connect.sid value ({reason})"
        );
    };
    if let Some(Err(e)) = &cookie.decoded {
        bail!("cannot decode the Flask session: {e}");
    }
    let mut out = String::new();
    match args.format {
        Format::Json => {
            let mut view = serde_json::to_value(cookie.view())?;
            if let Some(obj) = view.as_object_mut() {
                obj.remove("audited");
                if let Some(s) = cookie.flask() {
                    obj.insert("timestamp".into(), s.timestamp.into());
                    obj.insert("json_size".into(), s.json.len().into());
                    obj.insert("tagged".into(), s.tagged.into());
                }
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&view)?)?;
        }
        Format::Text => match cookie.flask() {
            Some(session) => write_flask_text(&mut out, &cookie.name, session)?,
            None => write_signed_text(&mut out, &cookie)?,
        },
    }
    emit(&out)?;
    Ok(ExitCode::from(crate::EXIT_OK))
}

/// Writes `text` to standard output; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn write_flask_text(out: &mut String, name: &str, s: &FlaskSession) -> std::fmt::Result {
    let compressed = if s.compressed {
        ", zlib-compressed"
    } else {
        ""
    };
    writeln!(
        out,
        "cookie:     {name} (Flask session, itsdangerous{compressed})"
    )?;
    match &s.signed_at {
        Some(at) => writeln!(out, "signed at:  {at} ({})", s.timestamp)?,
        None => writeln!(out, "signed at:  {} (not a valid date)", s.timestamp)?,
    }
    let json = if s.compressed {
        format!(", {} bytes of JSON", s.json.len())
    } else {
        String::new()
    };
    writeln!(out, "size:       {} bytes{json}", s.size)?;
    writeln!(
        out,
        "signature:  {} bytes{}",
        s.signature.len(),
        if s.signature.len() == 20 {
            " (HMAC-SHA1)"
        } else {
            ""
        }
    )?;
    if s.tagged {
        writeln!(
            out,
            "note:       Flask JSON tags resolved (tuples, bytes, Markup, UUID, datetime)"
        )?;
    }
    for e in sensitive_entries(&s.payload) {
        writeln!(out, "sensitive:  {} ({})", e.path, e.kind.describe())?;
    }
    writeln!(out, "payload:")?;
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&s.payload).unwrap_or_default()
    )
}

fn write_signed_text(out: &mut String, cookie: &SessionCookie) -> std::fmt::Result {
    let view = cookie.view();
    let (what, field, scheme) = match cookie.kind {
        headwarden_core::flask::SessionKind::FlaskRemember => {
            ("Flask-Login remember token", "user_id", "HMAC-SHA512, hex")
        }
        _ => (
            "express-session cookie",
            "session_id",
            "HMAC-SHA256, base64",
        ),
    };
    writeln!(out, "cookie:     {} ({what})", cookie.name)?;
    if let Some(id) = view
        .payload
        .as_ref()
        .and_then(|p| p.get(field))
        .and_then(|v| v.as_str())
    {
        writeln!(out, "{:<11} {id}", format!("{}:", field.replace('_', " ")))?;
    }
    writeln!(out, "size:       {} bytes", view.size)?;
    writeln!(out, "signature:  {scheme}")
}

/// A secret found by `audit`, and where.
struct Found {
    value: Vec<u8>,
    /// `built-in list (group)` or the wordlist path.
    source: String,
    /// 1-based line in the wordlist.
    line: Option<usize>,
}

fn audit(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let (name, value) = read_cookie_arg(&args.cookie)?;
    let Some(signed) = SignedCookie::parse(&value) else {
        bail!(
            "not a cookie headwarden can audit: expected a Flask session \
             ([.]payload.timestamp.signature with an HMAC-SHA1 signature), a Flask-Login \
             remember token (id|128 hex digits) or an Express connect.sid (s:id.signature)"
        );
    };
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let progress = !args.quiet && args.format == Format::Text && std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut tried: u64 = 0;
    let mut found = None;
    if !args.no_builtin {
        tried += headwarden_core::flask::wordlist::builtin_secrets().len() as u64;
        found = signed.find_builtin().map(|s| Found {
            value: s.value,
            source: format!("built-in list ({})", s.origin.unwrap_or("weak secrets")),
            line: None,
        });
    }
    for path in &args.wordlist {
        if found.is_some() {
            break;
        }
        let data = read_wordlist(path)?;
        let search = Search {
            signed: &signed,
            data: &data,
            literal: !args.no_literal_eval,
            threads,
            progress: progress.then(|| progress_bar(data.len() as u64, path)),
        };
        let (hit, n) = search.run();
        tried += n;
        found = hit.map(|(offset, value)| Found {
            value,
            source: path.display().to_string(),
            line: Some(line_number(&data, offset)),
        });
    }
    let elapsed = started.elapsed();
    report(&args, &name, &signed, found.as_ref(), tried, elapsed)?;
    Ok(ExitCode::from(if found.is_some() {
        crate::EXIT_GATE_FAILED
    } else {
        crate::EXIT_OK
    }))
}

fn report(
    args: &AuditArgs,
    name: &str,
    signed: &SignedCookie,
    found: Option<&Found>,
    tried: u64,
    elapsed: Duration,
) -> anyhow::Result<()> {
    let mut out = String::new();
    let rate = tried as f64 / elapsed.as_secs_f64().max(1e-9);
    match args.format {
        Format::Json => {
            let mut doc = serde_json::json!({
                "cookie": name,
                "kind": signed.kind().as_str(),
                "found": found.is_some(),
                "tried": tried,
                "elapsed_ms": elapsed.as_secs_f64() * 1e3,
            });
            if let (Some(f), Some(obj)) = (found, doc.as_object_mut()) {
                obj.insert("secret".into(), display_secret(&f.value).into());
                obj.insert("source".into(), f.source.clone().into());
                if let Some(line) = f.line {
                    obj.insert("line".into(), line.into());
                }
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Text => match found {
            Some(f) => {
                let at = f.line.map(|l| format!(", line {l}")).unwrap_or_default();
                writeln!(
                    out,
                    "weak secret found: {}\n  cookie: {name} ({})\n  from:   {}{at}",
                    display_secret(&f.value),
                    signed.kind().describe(),
                    f.source
                )?;
                writeln!(out, "\n{}", fix_for(signed.kind()))?;
            }
            None => writeln!(
                out,
                "no secret found: {tried} candidates tried in {:.1} ms ({:.0} keys/s)",
                elapsed.as_secs_f64() * 1e3,
                rate
            )?,
        },
    }
    emit(&out)
}

fn fix_for(kind: SignedKind) -> &'static str {
    match kind {
        SignedKind::ExpressSession => {
            "Fix: generate a secret (node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"),\n\
             load it from the environment (session({ secret: process.env.SESSION_SECRET })), and do not keep\n\
             the old one in the rotation array."
        }
        SignedKind::FlaskSession | SignedKind::FlaskRemember => {
            "Fix: generate a key (python -c 'import secrets; print(secrets.token_hex(32))'), load it from the\n\
             environment (app.config['SECRET_KEY'] = os.environ['SECRET_KEY']), and do not list the old key in\n\
             SECRET_KEY_FALLBACKS: every session it signed may be forged, let them all expire."
        }
    }
}

/// Largest wordlist read into memory.
const MAX_WORDLIST_BYTES: u64 = 4 * 1024 * 1024 * 1024;

fn read_wordlist(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let mut data = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_WORDLIST_BYTES)
            .read_to_end(&mut data)
            .context("cannot read the wordlist from standard input")?;
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open wordlist {}", path.display()))?;
        file.take(MAX_WORDLIST_BYTES)
            .read_to_end(&mut data)
            .with_context(|| format!("cannot read wordlist {}", path.display()))?;
    }
    Ok(data)
}

fn line_number(data: &[u8], offset: usize) -> usize {
    data.get(..offset)
        .map_or(0, |d| d.iter().filter(|&&b| b == b'\n').count())
        + 1
}

fn progress_bar(len: u64, path: &std::path::Path) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(
        "{prefix} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(path.file_name().map_or_else(
        || "wordlist".to_string(),
        |n| n.to_string_lossy().into_owned(),
    ));
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
    bar
}

/// Bytes of wordlist per work item: small enough to balance cores and stop early, large
/// enough that the shared counters are not contended.
const CHUNK_BYTES: usize = 64 * 1024;

/// One wordlist searched on `threads` threads.
struct Search<'a> {
    signed: &'a SignedCookie,
    data: &'a [u8],
    literal: bool,
    threads: usize,
    progress: Option<indicatif::ProgressBar>,
}

impl Search<'_> {
    /// The byte offset of the matching line and its secret (the first in file order among
    /// those found), and how many candidates were tried.
    fn run(&self) -> (Option<(usize, Vec<u8>)>, u64) {
        let chunks = chunk_bounds(self.data, CHUNK_BYTES);
        let next = AtomicUsize::new(0);
        // Index of the earliest chunk with a hit: later chunks need not be searched, earlier
        // ones still must (the first match in file order wins).
        let hit_chunk = AtomicUsize::new(usize::MAX);
        let tried = AtomicU64::new(0);
        let best: Mutex<Option<(usize, Vec<u8>)>> = Mutex::new(None);
        let started = Instant::now();
        let worker = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(start, end)) = chunks.get(i) else {
                break;
            };
            if i > hit_chunk.load(Ordering::Relaxed) {
                break;
            }
            let (hit, n) = search_chunk(self.signed, self.data, start, end, self.literal);
            let total = tried.fetch_add(n, Ordering::Relaxed) + n;
            if let Some((offset, secret)) = hit {
                hit_chunk.fetch_min(i, Ordering::Relaxed);
                let mut best = best.lock().unwrap_or_else(|e| e.into_inner());
                if best.as_ref().is_none_or(|(o, _)| offset < *o) {
                    *best = Some((offset, secret));
                }
            }
            if let Some(bar) = &self.progress {
                bar.inc((end - start) as u64);
                let rate = total as f64 / started.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(format!("{total} keys, {} keys/s", human(rate)));
            }
        };
        if self.threads <= 1 {
            worker();
        } else {
            std::thread::scope(|s| {
                for _ in 0..self.threads {
                    s.spawn(worker);
                }
            });
        }
        if let Some(bar) = &self.progress {
            bar.finish_and_clear();
        }
        let best = best.into_inner().unwrap_or_else(|e| e.into_inner());
        (best, tried.into_inner())
    }
}

/// Tries every line of `data[start..end]`; returns the first hit (offset, secret) and the
/// number of candidates tried.
fn search_chunk(
    signed: &SignedCookie,
    data: &[u8],
    start: usize,
    end: usize,
    literal: bool,
) -> (Option<(usize, Vec<u8>)>, u64) {
    let mut tried = 0u64;
    let mut offset = start;
    let chunk = &data[start..end];
    for raw in chunk.split(|&b| b == b'\n') {
        let line_offset = offset;
        offset += raw.len() + 1;
        let line = strip_newline(raw);
        if line.is_empty() {
            continue;
        }
        let candidate = if literal {
            parse_line(line)
        } else {
            std::borrow::Cow::Borrowed(line)
        };
        tried += 1;
        if signed.verify(&candidate) {
            return (Some((line_offset, candidate.into_owned())), tried);
        }
    }
    (None, tried)
}

/// Splits `data` into ranges of about `size` bytes that end after a newline.
fn chunk_bounds(data: &[u8], size: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(data.len() / size + 1);
    let mut start = 0;
    while start < data.len() {
        let mut end = (start + size).min(data.len());
        if end < data.len() {
            end = data[end..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(data.len(), |p| end + p + 1);
        }
        out.push((start, end));
        start = end;
    }
    out
}

fn human(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.2}M", rate / 1e6)
    } else if rate >= 1e3 {
        format!("{:.0}k", rate / 1e3)
    } else {
        format!("{rate:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_arguments() {
        let v = "eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE";
        assert_eq!(read_cookie_arg(v).unwrap(), ("session".into(), v.into()));
        assert_eq!(read_cookie_arg(&format!("sess={v}")).unwrap().0, "sess");
        assert_eq!(
            read_cookie_arg(&format!("Set-Cookie: session={v}; HttpOnly; Path=/"))
                .unwrap()
                .1,
            v
        );
        assert_eq!(
            read_cookie_arg(&format!("Cookie: theme=dark; session={v}")).unwrap(),
            ("session".into(), v.into())
        );
        let sid =
            "s%3AhUYbA2lK3GQv6lilhib2OQHuooKnPQom.kT%2B8pbicqPpy2nlIhgopRJNlI0Lwb%2F2ZKhhlCk81yv0";
        assert_eq!(
            read_cookie_arg(&format!("connect.sid={sid}")).unwrap().1,
            sid
        );
        assert!(read_cookie_arg(" ; ").is_err());
    }

    #[test]
    fn chunks_end_on_line_boundaries() {
        let data = b"aaa\nbbbb\ncc\nd";
        assert_eq!(chunk_bounds(data, 5), vec![(0, 9), (9, 13)]);
        assert_eq!(
            chunk_bounds(data, 2),
            vec![(0, 4), (4, 9), (9, 12), (12, 13)]
        );
        assert!(chunk_bounds(b"", 5).is_empty());
    }

    #[test]
    fn finds_the_first_matching_line_on_several_threads() {
        let cookie = "eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE";
        let signed = SignedCookie::parse(cookie).unwrap();
        let mut data = Vec::new();
        for i in 0..20_000 {
            data.extend_from_slice(format!("candidate-{i}\r\n").as_bytes());
        }
        data.extend_from_slice(b"'dev'\n");
        data.extend_from_slice(b"dev\n");
        for threads in [1, 3] {
            let search = Search {
                signed: &signed,
                data: &data,
                literal: true,
                threads,
                progress: None,
            };
            let (hit, tried) = search.run();
            let (offset, secret) = hit.unwrap();
            assert_eq!(secret, b"dev");
            assert_eq!(line_number(&data, offset), 20_001);
            assert!(tried >= 20_001);
        }
        // Without literal decoding, `'dev'` is not `dev`: the next line matches.
        let search = Search {
            signed: &signed,
            data: &data,
            literal: false,
            threads: 2,
            progress: None,
        };
        let (hit, _) = search.run();
        assert_eq!(line_number(&data, hit.unwrap().0), 20_002);
    }
}
