//! `curl -v` output: `* ` info lines (connection, TLS), `> ` request lines, `< ` response
//! lines, and the body text after a response head (when stdout and stderr were captured
//! together). With `-L`, several request/response pairs.

use super::text::{self, Line, Lines, Pseudo, RequestLine};
use super::url::is_absolute;
use super::{
    bounded_body, check_exchange_count, count_headers, InputError, InputFormat, Location, Notes,
};
use crate::exchange::{Exchange, Header, Headers, Request, Response};
use crate::limits;

/// What the `* ` lines told about the current connection.
#[derive(Debug, Clone, Default)]
struct Connection {
    /// A `* Connected to …` line was seen.
    known: bool,
    host: Option<String>,
    port: Option<u16>,
    /// TLS handshake lines were seen on this connection.
    tls: bool,
    /// `* [HTTP/2] [1] OPENED stream for https://…` (curl 8).
    opened_url: Option<String>,
    /// `* [HTTP/2] [1] [:authority: host]`.
    authority: Option<String>,
}

impl Connection {
    fn scheme(&self) -> Option<&'static str> {
        if self.tls || self.port == Some(443) {
            Some("https")
        } else if self.known {
            Some("http")
        } else {
            None
        }
    }
}

/// A request being read.
struct PendingRequest {
    line: RequestLine,
    headers: Vec<Header>,
    connection: Connection,
    /// The URL curl announced for this request (`Issue another request to this URL`).
    announced: Option<String>,
    head_open: bool,
}

/// A response being read.
struct PendingResponse {
    line: usize,
    version: String,
    status: u16,
    reason: Option<String>,
    headers: Vec<Header>,
    head_open: bool,
    body: Vec<u8>,
    /// Lines appended to `body`.
    body_lines: usize,
    /// Any line after the head was seen.
    body_seen: bool,
    /// Skipping a copy of the head printed by `-i` together with `-v`.
    skipping_copied_head: bool,
}

#[derive(Default)]
struct Reader {
    connection: Connection,
    announced: Option<String>,
    request: Option<PendingRequest>,
    response: Option<PendingResponse>,
    exchanges: Vec<Exchange>,
    header_lines: usize,
}

/// Info lines that only appear on a TLS connection.
/// (OpenSSL: `TLSv1.3 (OUT), TLS handshake…`, `SSL connection using…`; Secure Transport:
/// `TLS 1.2 connection using…`; Windows: `schannel:`; all: `ALPN`, `Server certificate`.)
const TLS_HINTS: [&str; 7] = [
    "ALPN",
    "TLS",
    "SSL",
    "schannel",
    "Server certificate",
    "CAfile:",
    "successfully set certificate verify locations",
];

/// Text curl writes after a body that does not end in a newline.
const TRAILING_INFO: [&[u8]; 4] = [
    b"* Connection #",
    b"* Closing connection",
    b"* shutting down connection",
    b"* Connection died",
];

impl Reader {
    fn info(&mut self, info: &str) {
        let info = info.trim();
        if let Some(rest) = info
            .strip_prefix("Connected to ")
            .or_else(|| info.strip_prefix("Established connection to "))
        {
            let host = rest.split([' ', '(']).next().unwrap_or("").to_string();
            let port = rest
                .split_once("port ")
                .and_then(|(_, p)| p.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|p| p.parse().ok());
            self.connection = Connection {
                known: true,
                host: (!host.is_empty()).then_some(host),
                port,
                ..Connection::default()
            };
        } else if TLS_HINTS.iter().any(|h| info.starts_with(h)) {
            self.connection.tls = true;
        } else if let Some(rest) = info.strip_prefix("Issue another request to this URL: ") {
            self.announced = Some(rest.trim_matches(['\'', '"']).to_string());
        } else if info.starts_with("[HTTP/") {
            // `[HTTP/2] [1] OPENED stream for URL`, `[HTTP/2] [1] [:scheme: https]`
            if let Some((_, url)) = info.split_once("OPENED stream for ") {
                self.connection.opened_url = Some(url.trim().to_string());
            } else if let Some(rest) = info.split_once("[:scheme: ").map(|(_, r)| r) {
                self.connection.tls = rest.trim_end_matches(']').eq_ignore_ascii_case("https");
            } else if let Some(rest) = info.split_once("[:authority: ").map(|(_, r)| r) {
                self.connection.authority = Some(rest.trim_end_matches(']').to_string());
            }
        }
    }

    fn finish_response(&mut self, notes: &mut Notes) -> Result<(), InputError> {
        let Some(response) = self.response.take() else {
            return Ok(());
        };
        if response.status < 200 && response.status != 101 {
            if response.status != 100 {
                notes.push(format!(
                    "line {}: skipped the interim response `{} {}`",
                    response.line, response.version, response.status
                ));
            }
            return Ok(());
        }
        let request = self.request.take();
        if let Some(r) = &request {
            if r.line.method == "CONNECT" {
                notes.push(format!(
                    "line {}: skipped the proxy's answer to CONNECT {}",
                    response.line, r.line.target
                ));
                return Ok(());
            }
        }
        check_exchange_count(self.exchanges.len(), || Location::Line(response.line))?;
        let line = response.line;
        let body = bounded_body(
            response.body,
            || format!("the response at line {line}"),
            notes,
        );
        let exchange = Exchange {
            request: request.map(PendingRequest::into_request),
            response: Response {
                version: Some(response.version),
                status: Some(response.status),
                reason: response.reason,
                headers: response.headers.into_iter().collect(),
                body,
            },
        };
        count_headers(&mut self.header_lines, &exchange, || Location::Line(line))?;
        self.exchanges.push(exchange);
        Ok(())
    }
}

impl PendingRequest {
    fn into_request(self) -> Request {
        let mut pseudo = Pseudo::default();
        let headers: Headers = self
            .headers
            .into_iter()
            .filter(|h| !pseudo.record(&h.name, &h.value))
            .collect();
        let target = self.line.target;
        let url = if is_absolute(&target) {
            target
        } else {
            let conn = &self.connection;
            let from_curl = [conn.opened_url.as_deref(), self.announced.as_deref()]
                .into_iter()
                .flatten()
                .find(|u| is_absolute(u) && (u.ends_with(&target) || target == "*"));
            let authority = headers
                .get("host")
                .map(str::to_string)
                .or_else(|| pseudo.authority.clone())
                .or_else(|| conn.authority.clone())
                .or_else(|| {
                    let host = conn.host.as_deref()?;
                    Some(match (conn.port, conn.scheme()) {
                        (Some(443), Some("https")) | (Some(80), Some("http")) | (None, _) => {
                            host.to_string()
                        }
                        (Some(p), _) => format!("{host}:{p}"),
                    })
                });
            match (from_curl, conn.scheme(), authority) {
                (Some(u), _, _) => u.to_string(),
                (None, Some(scheme), Some(authority)) => format!("{scheme}://{authority}{target}"),
                _ => target,
            }
        };
        Request {
            method: Some(self.line.method),
            url: Some(url),
            headers,
        }
    }
}

/// The part of a line after a `> `/`< `/`* ` marker, or `None` when it has another one.
fn after_marker(bytes: &[u8], marker: u8) -> Option<&[u8]> {
    match bytes {
        [m] if *m == marker => Some(&[]),
        [m, b' ', rest @ ..] if *m == marker => Some(rest),
        [m, b'\t', rest @ ..] if *m == marker => Some(rest),
        _ => None,
    }
}

/// Adds a header line (or an obs-fold continuation) to `headers`.
fn push_header(
    headers: &mut Vec<Header>,
    rest: &[u8],
    line: &Line<'_>,
    notes: &mut Notes,
) -> Result<(), InputError> {
    line.check_header_length()?;
    if rest.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
        if let Some(last) = headers.last_mut() {
            let continuation = text::display_text(text::trim(rest));
            if !continuation.is_empty() {
                last.value.push(' ');
                last.value.push_str(&continuation);
                if let Some(raw) = &mut last.raw_value {
                    raw.push(b' ');
                    raw.extend_from_slice(text::trim(rest));
                }
            }
            return Ok(());
        }
    }
    if headers.len() >= limits::MAX_HEADERS {
        return Err(InputError::TooManyHeaders {
            at: Location::Line(line.number),
            limit: limits::MAX_HEADERS,
        });
    }
    let trimmed = text::trim(rest);
    let (name, value) = text::split_header(trimmed).ok_or_else(|| {
        InputError::malformed(
            line.number,
            format!(
                "expected `Name: value`, found `{}`",
                crate::report::shorten(&text::display_text(trimmed), 60)
            ),
        )
    })?;
    let number = line.number;
    headers.push(text::make_header(
        name,
        value,
        Some(number),
        || format!("line {number}"),
        notes,
    ));
    Ok(())
}

/// Parses `curl -v` output.
pub(super) fn parse(input: &[u8], notes: &mut Notes) -> Result<Vec<Exchange>, InputError> {
    let mut reader = Reader::default();
    for line in Lines::new(input) {
        let in_body = reader.response.as_ref().is_some_and(|r| !r.head_open);
        let bytes = if in_body {
            line.bytes
        } else {
            text::trim_start(line.bytes)
        };
        if let Some(info) = after_marker(bytes, b'*') {
            reader.info(&String::from_utf8_lossy(info));
            continue;
        }
        if bytes.starts_with(b"{ [") || bytes.starts_with(b"} [") {
            continue;
        }
        if let Some(rest) = after_marker(bytes, b'>') {
            if let Some(request_line) = text::parse_request_line(text::trim(rest)) {
                reader.finish_response(notes)?;
                reader.request = Some(PendingRequest {
                    line: request_line,
                    headers: Vec::new(),
                    connection: reader.connection.clone(),
                    announced: reader.announced.take(),
                    head_open: true,
                });
                continue;
            }
            match &mut reader.request {
                Some(request) if request.head_open => {
                    if text::is_blank(rest) {
                        request.head_open = false;
                    } else {
                        push_header(&mut request.headers, rest, &line, notes)?;
                    }
                    continue;
                }
                _ if text::is_blank(rest) => continue,
                _ if in_body => {}
                _ => {
                    return Err(InputError::malformed(
                        line.number,
                        "a `> ` request header line before any `> GET / HTTP/1.1` request line",
                    ))
                }
            }
        }
        if let Some(rest) = after_marker(bytes, b'<') {
            let trimmed = text::trim(rest);
            if trimmed.starts_with(b"HTTP/") {
                let status = text::parse_status_line(trimmed)
                    .map_err(|m| InputError::malformed(line.number, m))?;
                reader.finish_response(notes)?;
                reader.response = Some(PendingResponse {
                    line: line.number,
                    version: status.version,
                    status: status.status,
                    reason: status.reason,
                    headers: Vec::new(),
                    head_open: true,
                    body: Vec::new(),
                    body_lines: 0,
                    body_seen: false,
                    skipping_copied_head: false,
                });
                continue;
            }
            match &mut reader.response {
                Some(response) if response.head_open => {
                    if text::is_blank(rest) {
                        response.head_open = false;
                    } else {
                        push_header(&mut response.headers, rest, &line, notes)?;
                    }
                    continue;
                }
                _ if text::is_blank(rest) => continue,
                _ if in_body => {}
                _ => {
                    return Err(InputError::malformed(
                        line.number,
                        "a `< ` response header line before any `< HTTP/1.1 200 OK` status line",
                    ))
                }
            }
        }
        // Anything else: body text after a response head, or noise (progress meter, notes).
        if let Some(response) = reader.response.as_mut().filter(|r| !r.head_open) {
            let mut bytes = line.bytes;
            if !response.body_seen && text::starts_with_status_line(bytes) {
                response.skipping_copied_head = true;
            }
            response.body_seen = true;
            if response.skipping_copied_head {
                response.skipping_copied_head = !text::is_blank(bytes);
                continue;
            }
            if let Some(cut) = TRAILING_INFO
                .iter()
                .filter_map(|marker| memchr::memmem::find(bytes, marker))
                .min()
            {
                bytes = &bytes[..cut];
            }
            if response.body_lines > 0 {
                response.body.push(b'\n');
            }
            response.body.extend_from_slice(bytes);
            response.body_lines += 1;
        }
    }
    reader.finish_response(notes)?;
    if reader.exchanges.is_empty() {
        return Err(InputError::WrongFormat {
            format: InputFormat::CurlVerbose,
            message: "no response (`< HTTP/1.1 200 OK` lines) found".into(),
        });
    }
    Ok(reader.exchanges)
}
