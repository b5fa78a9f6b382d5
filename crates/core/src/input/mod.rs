//! Input: bytes in, [`Exchange`]s out. The format is auto-detected ([`detect`]) or forced.
//!
//! Formats: a raw response head (`HTTP/1.1 200 OK` + headers, with or without body),
//! `curl -i`/`-I` output (several responses in a row for `-L`), `curl -v` output, headers
//! copied from browser DevTools, HAR 1.2, and a JSON object of header name → value(s).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

use crate::exchange::{Exchange, Header, Headers, Response};
use crate::limits;

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

/// Why an input could not be read. Every variant names where (line or byte offset).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("the input is empty")]
    Empty,
    #[error("the input is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("line {line}: header line is {size} bytes; the limit is {limit} bytes")]
    LineTooLong {
        line: u32,
        size: usize,
        limit: usize,
    },
    #[error("line {line}: more than {limit} header lines in one message")]
    TooManyHeaders { line: u32, limit: usize },
    #[error("more than {limit} exchanges in one input")]
    TooManyExchanges { limit: usize },
    #[error("line {line}: {message}")]
    Malformed { line: u32, message: String },
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

/// What [`parse`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub format: InputFormat,
    pub exchanges: Vec<Exchange>,
    /// Things the reader should know (a body cut at the limit, skipped entries).
    pub notes: Vec<String>,
}

/// Parses `input`, detecting its format.
pub fn parse(input: &[u8]) -> Result<Parsed, InputError> {
    parse_as(input, None)
}

/// Parses `input` in `format`, or detects the format when `None`.
pub fn parse_as(input: &[u8], format: Option<InputFormat>) -> Result<Parsed, InputError> {
    if input.len() > limits::MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            size: input.len(),
            limit: limits::MAX_INPUT_BYTES,
        });
    }
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty);
    }
    let format = match format {
        Some(f) => f,
        None => detect(input)?,
    };
    let mut notes = Vec::new();
    let exchanges = match format {
        InputFormat::Raw | InputFormat::Devtools => raw::parse(input, &mut notes)?,
        other => {
            return Err(InputError::WrongFormat {
                format: other,
                message: "this format is not supported yet".into(),
            })
        }
    };
    Ok(Parsed {
        format,
        exchanges,
        notes,
    })
}

/// Guesses the format of `input` from its first bytes.
pub fn detect(input: &[u8]) -> Result<InputFormat, InputError> {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = &input[start..];
    if head.starts_with(b"HTTP/") {
        return Ok(InputFormat::Raw);
    }
    Ok(InputFormat::Devtools)
}

mod raw {
    use super::*;

    /// Reads one or more `HTTP/x status` + headers [+ body] blocks.
    pub(super) fn parse(
        input: &[u8],
        _notes: &mut Vec<String>,
    ) -> Result<Vec<Exchange>, InputError> {
        let text = String::from_utf8_lossy(input);
        let mut response = Response::default();
        let mut headers = Headers::new();
        for (n, line) in text.lines().enumerate() {
            let line_no = (n + 1) as u32;
            if line.len() > limits::MAX_HEADER_LINE_BYTES {
                return Err(InputError::LineTooLong {
                    line: line_no,
                    size: line.len(),
                    limit: limits::MAX_HEADER_LINE_BYTES,
                });
            }
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                if headers.is_empty() && response.status.is_none() {
                    continue;
                }
                break;
            }
            if let Some(rest) = line.strip_prefix("HTTP/") {
                let mut parts = rest.splitn(3, ' ');
                response.version = Some(format!("HTTP/{}", parts.next().unwrap_or("")));
                response.status = parts.next().and_then(|s| s.parse().ok());
                response.reason = parts.next().map(str::to_string);
                continue;
            }
            let Some((name, value)) = line.split_once(':') else {
                return Err(InputError::Malformed {
                    line: line_no,
                    message: format!(
                        "expected `Name: value`, found `{}`",
                        crate::report::shorten(line, 60)
                    ),
                });
            };
            if headers.len() >= limits::MAX_HEADERS {
                return Err(InputError::TooManyHeaders {
                    line: line_no,
                    limit: limits::MAX_HEADERS,
                });
            }
            let mut h = Header::new(name.trim(), value.trim());
            h.line = Some(line_no);
            headers.push(h);
        }
        response.headers = headers;
        Ok(vec![Exchange {
            request: None,
            response,
        }])
    }
}
