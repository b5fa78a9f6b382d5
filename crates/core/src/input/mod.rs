//! Input: bytes in, [`Exchange`]s out. The format is auto-detected ([`detect`]) or forced
//! ([`parse_as`], `--input-format`).
//!
//! # What is accepted
//!
//! - **`raw`**: a raw response head (`HTTP/1.1 200 OK` + headers), with or without a body,
//!   or bare `Name: value` lines with no status line. This is also `curl -i` / `curl -I` /
//!   `curl -D -` output, including several responses in a row (`curl -iL` redirect chains):
//!   each `HTTP/…` block is one exchange, a body is split off by its `Content-Length` when
//!   that fits, else it runs to the next status line. Interim responses (`100 Continue`,
//!   `103 Early Hints`) and a proxy's `200 Connection established` are skipped. A request
//!   head (`GET / HTTP/1.1` + headers) before a response is read as that response's request.
//!   HTTP/2 lowercase names and `HTTP/2 200` status lines are fine.
//! - **`curl-verbose`**: `curl -v` output. `* ` info lines give the connection (host, port,
//!   TLS), `> ` lines the request (method, target, `Host`), `< ` lines the response; text
//!   after a response head is its body. Several request/response pairs (`-L`) give several
//!   exchanges. The request URL is absolute when the output tells the scheme.
//! - **`devtools`**: headers copied from browser DevTools: `name: value` lines (HTTP/2
//!   pseudo headers such as `:status: 200` included), or name and value on separate lines
//!   (`content-type` then `text/html`), with or without a status line, optionally the whole
//!   Headers pane (Chrome's `General` section with `Request URL`, `Request Method`,
//!   `Status Code`, then `Response Headers` and `Request Headers`).
//! - **`har`**: HAR 1.2. Every entry is one exchange (request method, URL, headers;
//!   response status, headers, `content.text`, base64-decoded when `encoding` is `base64`).
//!   Entries without a response (status 0) are skipped with a note. A header value holding
//!   newlines (repeated headers joined by some exporters) becomes one header per line.
//! - **`json`**: `{"Content-Type": "text/html", "Set-Cookie": ["a=1", "b=2"]}`: header
//!   name → string, number, or array of those (one header line per element), in order.
//!   Or a wrapper `{"status": 200, "url": "https://…", "method": "GET", "reason": "OK",
//!   "body": "…", "headers": …}` where `headers` is such an object, an array of
//!   `[name, value]` pairs, or an array of `{"name": …, "value": …}` objects. Or a
//!   top-level array of wrappers (one exchange each), or of `[name, value]` pairs.
//!
//! Header lines keep their order, repeats and original names. Values are trimmed; obs-fold
//! continuation lines are joined with one space. Invalid UTF-8 and control bytes are shown
//! as U+FFFD in [`crate::Header::value`]; the bytes are kept in
//! [`crate::Header::raw_value`] and a note says so. A UTF-8 byte order mark is ignored;
//! UTF-16 input (PowerShell redirects) is converted; terminal colour codes (colourised
//! output saved to a file) are removed. A shell command line pasted before
//! the output (`$ curl -iL https://…`, also `curl.exe`, HTTPie `http`/`https`, `xh`) is
//! skipped, and its `http(s)://` URL is taken as the first request's URL (see
//! [`ParseOptions::url`]).
//!
//! Every limit in [`crate::limits`] is an error ([`InputError`]) naming where, never a
//! partial result.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

use crate::exchange::Exchange;
use crate::limits;

mod curl_verbose;
mod detect;
mod har;
mod json;
mod raw;
mod text;
mod url;

pub use detect::detect;
pub use url::resolve as resolve_url;

/// The formats [`parse`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// A raw response head or `curl -i` output (one or several responses).
    Raw,
    /// `curl -v` output (`> ` request lines, `< ` response lines).
    CurlVerbose,
    /// Headers copied from browser DevTools (with or without a status line).
    Devtools,
    /// HAR 1.2.
    Har,
    /// A JSON object of header name → value or array of values.
    Json,
}

impl InputFormat {
    pub const ALL: [InputFormat; 5] = [
        InputFormat::Raw,
        InputFormat::CurlVerbose,
        InputFormat::Devtools,
        InputFormat::Har,
        InputFormat::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Raw => "raw",
            InputFormat::CurlVerbose => "curl-verbose",
            InputFormat::Devtools => "devtools",
            InputFormat::Har => "har",
            InputFormat::Json => "json",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s || (s == "curl" && *f == InputFormat::Raw))
            .ok_or_else(|| {
                format!("unknown input format `{s}` (expected raw, curl-verbose, devtools, har or json)")
            })
    }
}

/// Where in the input an error is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A 1-based line of a text input.
    Line(usize),
    /// A path into a JSON document (`log.entries[3].response.headers`).
    Path(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Path(p) => f.write_str(p),
        }
    }
}

/// Why an input could not be read. Every variant that can name a place does (line, byte
/// offset, line and column, or JSON path).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("the input is empty")]
    Empty,
    #[error("the input is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("unrecognised input: binary data at byte {offset}")]
    Binary { offset: usize },
    #[error("{at}: a header line is {size} bytes; the limit is {limit} bytes")]
    LineTooLong {
        at: Location,
        size: usize,
        limit: usize,
    },
    #[error("{at}: more than {limit} header lines in one message")]
    TooManyHeaders { at: Location, limit: usize },
    #[error("{at}: more than {limit} header lines in the whole input")]
    TooManyHeadersTotal { at: Location, limit: usize },
    #[error("{at}: more than {limit} exchanges in one input")]
    TooManyExchanges { at: Location, limit: usize },
    #[error("line {line}, column {column}: JSON nested deeper than {limit} levels")]
    TooDeep {
        line: usize,
        column: usize,
        limit: usize,
    },
    #[error("{at}: {message}")]
    Malformed { at: Location, message: String },
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a {format} input: {message}")]
    WrongFormat {
        format: InputFormat,
        message: String,
    },
    #[error("unrecognised input: {0}")]
    Unrecognised(String),
}

impl InputError {
    pub(crate) fn malformed(line: usize, message: impl Into<String>) -> Self {
        InputError::Malformed {
            at: Location::Line(line),
            message: message.into(),
        }
    }

    pub(crate) fn from_json(e: &serde_json::Error) -> Self {
        let full = e.to_string();
        // serde_json appends " at line L column C"; the variant carries those.
        let message = match full.rfind(" at line ") {
            Some(cut) if e.line() > 0 => full[..cut].to_string(),
            _ => full,
        };
        InputError::Json {
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

/// What [`parse`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub format: InputFormat,
    pub exchanges: Vec<Exchange>,
    /// Things the reader should know (a body cut at the limit, skipped entries, control
    /// bytes in a value). At most [`limits::MAX_NOTES`], then one line counting the rest.
    pub notes: Vec<String>,
}

/// Options for [`parse_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Force a format instead of detecting it.
    pub format: Option<InputFormat>,
    /// The URL of the first request, when the caller knows it and the input does not say
    /// (`curl -iL https://…` output). Each redirect's `Location` is then resolved against
    /// it to give the next exchange's URL. HAR input ignores it.
    pub url: Option<String>,
}

/// Parses `input`, detecting its format.
pub fn parse(input: &[u8]) -> Result<Parsed, InputError> {
    parse_with(input, &ParseOptions::default())
}

/// Parses `input` in `format`, or detects the format when `None`.
pub fn parse_as(input: &[u8], format: Option<InputFormat>) -> Result<Parsed, InputError> {
    parse_with(input, &ParseOptions { format, url: None })
}

/// Parses `input` with `options` (forced format, known first URL).
pub fn parse_with(input: &[u8], options: &ParseOptions) -> Result<Parsed, InputError> {
    if input.len() > limits::MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            size: input.len(),
            limit: limits::MAX_INPUT_BYTES,
        });
    }
    let mut notes = Notes::default();
    let decoded: Cow<'_, [u8]> = detect::decode(input, &mut notes);
    let (decoded, command_url) = detect::blank_command_line(decoded, &mut notes);
    let input = &*decoded;
    if input.iter().all(|&b| text::is_blank_byte(b)) {
        return Err(InputError::Empty);
    }
    let format = match options.format {
        Some(f) => f,
        None => detect::detect_decoded(input)?,
    };
    let mut exchanges = match format {
        InputFormat::Raw => raw::parse(input, &mut notes)?,
        InputFormat::Devtools => raw::parse_devtools(input, &mut notes)?,
        InputFormat::CurlVerbose => curl_verbose::parse(input, &mut notes)?,
        InputFormat::Har => har::parse(input, &mut notes)?,
        InputFormat::Json => json::parse(input, &mut notes)?,
    };
    if exchanges.is_empty() {
        return Err(InputError::WrongFormat {
            format,
            message: "no response found".into(),
        });
    }
    if format != InputFormat::Har {
        let first_url = options.url.as_deref().or(command_url.as_deref());
        url::fill_redirect_chain(&mut exchanges, first_url);
    }
    Ok(Parsed {
        format,
        exchanges,
        notes: notes.finish(),
    })
}

/// Notes collected while parsing, capped at [`limits::MAX_NOTES`].
#[derive(Debug, Default)]
pub(crate) struct Notes {
    list: Vec<String>,
    dropped: usize,
}

impl Notes {
    pub(crate) fn push(&mut self, note: impl Into<String>) {
        if self.list.len() < limits::MAX_NOTES {
            self.list.push(note.into());
        } else {
            self.dropped += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.list
                .push(format!("… and {} more notes like these", self.dropped));
        }
        self.list
    }
}

/// A JSON number that is not an integer, as header text: serde_json's float printer
/// (`1.5`, `1e+21`, `1e-7`), whole numbers without `.0` (`100`), as JavaScript's
/// `String(n)` writes them. `f64`'s `Display` would pull core's float printer into the
/// wasm builds.
pub(crate) fn float_text(v: f64) -> String {
    match serde_json::Number::from_f64(v) {
        Some(n) => {
            let text = n.to_string();
            match text.strip_suffix(".0") {
                Some(whole) => whole.to_string(),
                None => text,
            }
        }
        // JSON has no NaN or infinities; for completeness, JavaScript's spelling.
        None if v.is_nan() => "NaN".to_string(),
        None if v > 0.0 => "Infinity".to_string(),
        None => "-Infinity".to_string(),
    }
}

/// Checks the exchange count before one more is added.
pub(crate) fn check_exchange_count(
    count: usize,
    at: impl FnOnce() -> Location,
) -> Result<(), InputError> {
    if count >= limits::MAX_EXCHANGES {
        return Err(InputError::TooManyExchanges {
            at: at(),
            limit: limits::MAX_EXCHANGES,
        });
    }
    Ok(())
}

/// Adds the header lines of `exchange` to `total`, failing past
/// [`limits::MAX_TOTAL_HEADERS`].
pub(crate) fn count_headers(
    total: &mut usize,
    exchange: &Exchange,
    at: impl FnOnce() -> Location,
) -> Result<(), InputError> {
    let request = exchange.request.as_ref().map_or(0, |r| r.headers.len());
    *total += request + exchange.response.headers.len();
    if *total > limits::MAX_TOTAL_HEADERS {
        return Err(InputError::TooManyHeadersTotal {
            at: at(),
            limit: limits::MAX_TOTAL_HEADERS,
        });
    }
    Ok(())
}

/// Keeps at most [`limits::MAX_BODY_BYTES`] of `body`, noting a cut. Empty → `None`.
pub(crate) fn bounded_body(
    mut body: Vec<u8>,
    whose: impl FnOnce() -> String,
    notes: &mut Notes,
) -> Option<Vec<u8>> {
    if body.is_empty() {
        return None;
    }
    if body.len() > limits::MAX_BODY_BYTES {
        notes.push(format!(
            "{}: the body is {} bytes; only the first {} bytes were kept",
            whose(),
            body.len(),
            limits::MAX_BODY_BYTES
        ));
        body.truncate(limits::MAX_BODY_BYTES);
        body.shrink_to_fit();
    }
    Some(body)
}

/// [`bounded_body`] for a borrowed slice: copies at most the limit.
pub(crate) fn bounded_body_slice(
    body: &[u8],
    whose: impl FnOnce() -> String,
    notes: &mut Notes,
) -> Option<Vec<u8>> {
    if body.is_empty() {
        return None;
    }
    if body.len() > limits::MAX_BODY_BYTES {
        notes.push(format!(
            "{}: the body is {} bytes; only the first {} bytes were kept",
            whose(),
            body.len(),
            limits::MAX_BODY_BYTES
        ));
        return Some(body[..limits::MAX_BODY_BYTES].to_vec());
    }
    Some(body.to_vec())
}

#[cfg(test)]
mod float_text_tests {
    use super::float_text;

    #[test]
    fn floats_read_as_javascript_writes_them() {
        let cases = [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (100.0, "100"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (-2.25, "-2.25"),
        ];
        for (v, text) in cases {
            assert_eq!(float_text(v), text);
        }
        assert_eq!(float_text(f64::NAN), "NaN");
        assert_eq!(float_text(f64::NEG_INFINITY), "-Infinity");
    }
}
