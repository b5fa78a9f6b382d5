//! Raw response heads and `curl -i` / `curl -I` output (one or several messages), and
//! headers copied from browser DevTools.

use memchr::memmem;

use super::detect::{self, GeneralLabel, Section};
use super::text::{self, HeaderLine, Line, Lines, Pseudo};
use super::{bounded_body_slice, check_exchange_count, count_headers, InputError, Location, Notes};
use crate::exchange::{Exchange, Header, Headers, Request, Response};
use crate::limits;

/// Header lines being collected for one message; handles obs-fold and the limits.
struct HeaderCollector {
    lines: Vec<PendingHeader>,
    physical_lines: usize,
}

/// A header line whose value may still grow (obs-fold).
struct PendingHeader {
    name: Vec<u8>,
    value: Vec<u8>,
    line: usize,
}

impl HeaderCollector {
    fn new() -> Self {
        HeaderCollector {
            lines: Vec::new(),
            physical_lines: 0,
        }
    }

    /// Counts one more physical line against [`limits::MAX_HEADERS`].
    fn count(&mut self, line: &Line<'_>) -> Result<(), InputError> {
        self.physical_lines += 1;
        if self.physical_lines > limits::MAX_HEADERS {
            return Err(InputError::TooManyHeaders {
                at: Location::Line(line.number),
                limit: limits::MAX_HEADERS,
            });
        }
        Ok(())
    }

    fn push(&mut self, name: &[u8], value: &[u8], line: usize) {
        self.lines.push(PendingHeader {
            name: name.to_vec(),
            value: value.to_vec(),
            line,
        });
    }

    /// Appends an obs-fold continuation to the last header; false when there is none.
    fn fold(&mut self, continuation: &[u8]) -> bool {
        let Some(last) = self.lines.last_mut() else {
            return false;
        };
        if !continuation.is_empty() {
            if !last.value.is_empty() {
                last.value.push(b' ');
            }
            last.value.extend_from_slice(continuation);
        }
        true
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Builds the headers; pseudo headers go to `pseudo` instead.
    fn finish(self, pseudo: &mut Pseudo, notes: &mut Notes) -> Headers {
        let mut headers = Headers::new();
        for p in self.lines {
            let header = text::make_header(
                &p.name,
                &p.value,
                Some(p.line),
                || format!("line {}", p.line),
                notes,
            );
            if !pseudo.record(&header.name, &header.value) {
                headers.push(header);
            }
        }
        headers
    }
}

/// Reads header lines until a blank line (consumed) or the end. `first` is a header line
/// already taken from `lines`, if any. Stops without consuming a line that starts a new
/// message (a status line right after the headers, no blank line between).
fn read_header_block(
    lines: &mut Lines<'_>,
    first: Option<Line<'_>>,
    mut baseline_indent: Option<usize>,
) -> Result<HeaderCollector, InputError> {
    let mut collector = HeaderCollector::new();
    let mut pending_first = first;
    loop {
        let line = match pending_first.take() {
            Some(l) => l,
            None => match lines.peek() {
                None => break,
                Some(l) => {
                    if text::is_blank(l.bytes) {
                        lines.next();
                        break;
                    }
                    let trimmed = text::trim_start(l.bytes);
                    if text::starts_with_status_line(trimmed) {
                        break;
                    }
                    lines.next();
                    l
                }
            },
        };
        line.check_header_length()?;
        collector.count(&line)?;
        let indent = text::indent(line.bytes);
        let trimmed = text::trim(line.bytes);
        // obs-fold: deeper than the block's own indentation continues the previous value.
        let base = *baseline_indent.get_or_insert(indent);
        if indent > base && collector.fold(trimmed) {
            continue;
        }
        if collector.is_empty() && indent > 0 && indent != base {
            baseline_indent = Some(indent);
        }
        let Some((name, value)) = text::split_header(trimmed) else {
            return Err(InputError::malformed(
                line.number,
                format!(
                    "expected `Name: value`, found `{}`",
                    crate::report::shorten(&text::display_text(trimmed), 60)
                ),
            ));
        };
        collector.push(name, value, line.number);
    }
    Ok(collector)
}

/// `Content-Length` when every copy agrees and parses.
fn content_length(headers: &Headers) -> Option<usize> {
    let mut found: Option<usize> = None;
    for h in headers.get_all("content-length") {
        let n: usize = h.value.trim().parse().ok()?;
        if found.is_some_and(|f| f != n) {
            return None;
        }
        found = Some(n);
    }
    found
}

/// Finds where the next message starts at or after `from`: a status line at a line start,
/// a status line in the middle of a line when the line after it reads as a header (a
/// body without a final newline, `curl -iL`), or a request line at a line start when
/// `requests` is set. Bounded work per candidate keeps this linear.
fn next_message_start(input: &[u8], from: usize, requests: bool) -> usize {
    let at_line_start = |i: usize| i == 0 || input.get(i - 1) == Some(&b'\n');
    let status = memmem::find_iter(input.get(from..).unwrap_or_default(), b"HTTP/")
        .map(|i| i + from)
        .find(|&i| {
            let rest = input.get(i..).unwrap_or_default();
            text::starts_with_status_line(rest)
                && (at_line_start(i) || next_line_reads_as_header(rest))
        })
        .unwrap_or(input.len());
    if !requests {
        return status;
    }
    let mut pos = from;
    while pos < status {
        if at_line_start(pos)
            && text::parse_request_line(input.get(pos..status).unwrap_or_default()).is_some()
        {
            return pos;
        }
        match memchr::memchr(b'\n', input.get(pos..status).unwrap_or_default()) {
            Some(i) => pos += i + 1,
            None => break,
        }
    }
    status
}

/// For a status line found mid-line: the line after it (within 256 bytes) is `Name: value`
/// or blank.
fn next_line_reads_as_header(status_line: &[u8]) -> bool {
    let window = status_line.get(..256).unwrap_or(status_line);
    let Some(nl) = memchr::memchr(b'\n', window) else {
        return false;
    };
    let next = status_line.get(nl + 1..).unwrap_or_default();
    let next = next.get(..256).unwrap_or(next);
    let next = match memchr::memchr(b'\n', next) {
        Some(i) => &next[..i],
        None => next,
    };
    let next = text::trim(next);
    next.is_empty()
        || matches!(
            text::classify(next),
            HeaderLine::Full { .. } | HeaderLine::NameOnly { colon: true, .. }
        )
}

/// Where the body that starts at `start` ends. With a `Content-Length` that fits and is
/// followed by the end or the next message, that; else up to the next message.
fn body_end(input: &[u8], start: usize, length: Option<usize>, requests: bool) -> usize {
    let rest = input.get(start..).unwrap_or_default();
    // `curl -I`: no body although Content-Length says one.
    if text::starts_with_status_line(rest) {
        return start;
    }
    if let Some(n) = length {
        if n <= rest.len() {
            let after = text::trim_start(rest.get(n..).unwrap_or_default());
            if after.is_empty()
                || text::starts_with_status_line(after)
                || (requests && text::parse_request_line(after).is_some())
            {
                return start + n;
            }
        }
    }
    next_message_start(input, start, requests)
}

/// Parses raw response heads / `curl -i` output.
pub(super) fn parse(input: &[u8], notes: &mut Notes) -> Result<Vec<Exchange>, InputError> {
    let mut lines = Lines::new(input);
    let mut exchanges: Vec<Exchange> = Vec::new();
    let mut request: Option<Request> = None;
    let mut seen_request_line = false;
    let mut responses_read = 0usize;
    let mut header_lines = 0usize;
    while let Some(first) = lines.next_non_blank() {
        first.check_header_length()?;
        let indent = text::indent(first.bytes);
        let line = text::trim(first.bytes);
        if line.starts_with(b"HTTP/") {
            let status = text::parse_status_line(line)
                .map_err(|m| InputError::malformed(first.number, m))?;
            let collector = read_header_block(&mut lines, None, Some(indent))?;
            let mut pseudo = Pseudo::default();
            let headers = collector.finish(&mut pseudo, notes);
            let body_start = lines.offset();
            let end = body_end(
                input,
                body_start,
                content_length(&headers),
                seen_request_line,
            );
            let body = input.get(body_start..end).unwrap_or_default();
            lines.skip_to(end);
            responses_read += 1;
            if status.status < 200 && status.status != 101 {
                if status.status != 100 {
                    notes.push(format!(
                        "line {}: skipped the interim response `{} {}`",
                        first.number, status.version, status.status
                    ));
                }
                continue;
            }
            if status.status == 200
                && status
                    .reason
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case("connection established"))
                && body.is_empty()
            {
                notes.push(format!(
                    "line {}: skipped a proxy's `200 Connection established` response",
                    first.number
                ));
                continue;
            }
            check_exchange_count(exchanges.len(), || Location::Line(first.number))?;
            let response = Response {
                version: Some(status.version),
                status: Some(status.status),
                reason: status.reason,
                headers,
                body: bounded_body_slice(
                    body,
                    || format!("the response at line {}", first.number),
                    notes,
                ),
            };
            let exchange = Exchange {
                request: request.take(),
                response,
            };
            count_headers(&mut header_lines, &exchange, || {
                Location::Line(first.number)
            })?;
            exchanges.push(exchange);
        } else if let Some(request_line) = text::parse_request_line(line) {
            seen_request_line = true;
            let collector = read_header_block(&mut lines, None, Some(indent))?;
            let mut pseudo = Pseudo::default();
            let headers = collector.finish(&mut pseudo, notes);
            let body_start = lines.offset();
            let end = body_end(input, body_start, content_length(&headers), true);
            lines.skip_to(end);
            request = Some(Request {
                method: Some(request_line.method),
                url: Some(request_line.target),
                headers,
            });
        } else if exchanges.is_empty()
            && request.is_none()
            && responses_read == 0
            && matches!(
                text::classify(line),
                HeaderLine::Full { .. } | HeaderLine::NameOnly { colon: true, .. }
            )
        {
            // Bare headers, no status line.
            let collector = read_header_block(&mut lines, Some(first), Some(indent))?;
            let mut pseudo = Pseudo::default();
            let headers = collector.finish(&mut pseudo, notes);
            let body_start = lines.offset();
            let end = body_end(
                input,
                body_start,
                content_length(&headers),
                seen_request_line,
            );
            let body = input.get(body_start..end).unwrap_or_default();
            lines.skip_to(end);
            responses_read += 1;
            exchanges.push(Exchange {
                request: None,
                response: Response {
                    status: pseudo.status,
                    headers,
                    body: bounded_body_slice(body, || "the response".to_string(), notes),
                    ..Response::default()
                },
            });
        } else {
            return Err(InputError::malformed(
                first.number,
                format!(
                    "expected a status line such as `HTTP/1.1 200 OK` or `Name: value` headers, found `{}`",
                    crate::report::shorten(&text::display_text(line), 60)
                ),
            ));
        }
    }
    if exchanges.is_empty() {
        let message = if request.is_some() {
            "a request was found but no response"
        } else {
            "no response found (only interim or proxy responses)"
        };
        return Err(InputError::WrongFormat {
            format: super::InputFormat::Raw,
            message: message.into(),
        });
    }
    Ok(exchanges)
}

/// What a DevTools paste is building.
#[derive(Default)]
struct DevtoolsExchange {
    url: Option<String>,
    /// The target of a request line (`GET /path HTTP/1.1`).
    target: Option<String>,
    method: Option<String>,
    status: Option<u16>,
    reason: Option<String>,
    version: Option<String>,
    response: Vec<Header>,
    request: Vec<Header>,
    response_pseudo: Pseudo,
    request_pseudo: Pseudo,
}

impl DevtoolsExchange {
    fn add(
        &mut self,
        section: Section,
        name: &[u8],
        value: &[u8],
        line: &Line<'_>,
        notes: &mut Notes,
    ) -> Result<(), InputError> {
        let number = line.number;
        let header = text::make_header(
            name,
            value,
            Some(number),
            || format!("line {number}"),
            notes,
        );
        let (list, pseudo) = match section {
            Section::Request => (&mut self.request, &mut self.request_pseudo),
            Section::Response | Section::General => (&mut self.response, &mut self.response_pseudo),
        };
        if pseudo.record(&header.name, &header.value) {
            return Ok(());
        }
        if list.len() >= limits::MAX_HEADERS {
            return Err(InputError::TooManyHeaders {
                at: Location::Line(number),
                limit: limits::MAX_HEADERS,
            });
        }
        list.push(header);
        Ok(())
    }

    fn general(&mut self, label: GeneralLabel, value: &[u8]) {
        let value = text::display_text(value);
        match label {
            GeneralLabel::Url => self.url = Some(value),
            GeneralLabel::Method => self.method = Some(value),
            GeneralLabel::Status => {
                // `200 OK`, `200`, `200 OK (from disk cache)`
                self.status = text::status_code(value.as_bytes());
                let reason = value.get(3..).unwrap_or("").trim();
                if !reason.is_empty() {
                    self.reason = Some(reason.to_string());
                }
            }
            GeneralLabel::Ignored => {}
        }
    }

    fn finish(self) -> Result<Exchange, InputError> {
        let status = self.status.or(self.response_pseudo.status);
        if self.response.is_empty() && status.is_none() {
            return Err(InputError::WrongFormat {
                format: super::InputFormat::Devtools,
                message: if self.request.is_empty() {
                    "no response headers found".into()
                } else {
                    "only request headers were found; copy the response headers too".into()
                },
            });
        }
        let url = self
            .url
            .or_else(|| self.request_pseudo.url())
            .or(self.target);
        let method = self.method.or(self.request_pseudo.method.clone());
        let request =
            (url.is_some() || method.is_some() || !self.request.is_empty()).then(|| Request {
                method,
                url,
                headers: self.request.into_iter().collect(),
            });
        Ok(Exchange {
            request,
            response: Response {
                version: self.version,
                status,
                reason: self.reason,
                headers: self.response.into_iter().collect(),
                body: None,
            },
        })
    }
}

/// Parses headers copied from DevTools: `name: value` lines or name and value on separate
/// lines, optional status line, optional Chrome `General` / `Response Headers` /
/// `Request Headers` sections. Blank lines are ignored; the result is one exchange.
pub(super) fn parse_devtools(input: &[u8], notes: &mut Notes) -> Result<Vec<Exchange>, InputError> {
    // Streamed (a peek of one line is all the layout needs), so memory stays bounded.
    let mut lines = Lines::new(input)
        .filter(|l| !text::is_blank(l.bytes))
        .peekable();
    let mut out = DevtoolsExchange::default();
    let mut section = Section::Response;
    // Whether this section writes `name: value` on one line (then `name:` alone is an
    // empty value) or name and value on separate lines.
    let mut one_line_layout: Option<bool> = None;
    while let Some(line) = lines.next() {
        let line = &line;
        line.check_header_length()?;
        let t = text::trim(line.bytes);
        if let Some(s) = detect::section_title(t) {
            section = s;
            one_line_layout = None;
            continue;
        }
        if detect::is_ui_noise(t) {
            continue;
        }
        if t.starts_with(b"HTTP/") {
            let status =
                text::parse_status_line(t).map_err(|m| InputError::malformed(line.number, m))?;
            out.version = Some(status.version);
            out.status = Some(status.status);
            out.reason = status.reason;
            section = Section::Response;
            continue;
        }
        if let Some(request_line) = text::parse_request_line(t) {
            // Firefox's raw request headers start with the request line.
            out.method.get_or_insert(request_line.method);
            out.target = Some(request_line.target);
            section = Section::Request;
            continue;
        }
        if section != Section::Request {
            if let Some((label, value)) = detect::general_label(t) {
                if value.is_empty() {
                    if let Some(next) = lines.next() {
                        next.check_header_length()?;
                        out.general(label, text::trim(next.bytes));
                    }
                } else {
                    out.general(label, value);
                }
                continue;
            }
        }
        let section_for_header = if section == Section::General {
            Section::Response
        } else {
            section
        };
        match text::classify(t) {
            HeaderLine::Full { name, value, .. } => {
                one_line_layout.get_or_insert(true);
                out.add(section_for_header, name, value, line, notes)?;
            }
            HeaderLine::NameOnly { name, colon } => {
                let next = lines.peek().copied();
                let next_starts_header = next.is_some_and(|n| {
                    let nt = text::trim(n.bytes);
                    detect::section_title(nt).is_some()
                        || nt.starts_with(b"HTTP/")
                        || matches!(text::classify(nt), HeaderLine::Full { spaced: true, .. })
                });
                let empty_value = match next {
                    None => colon,
                    Some(_) => colon && (next_starts_header || one_line_layout == Some(true)),
                };
                if empty_value {
                    out.add(section_for_header, name, b"", line, notes)?;
                } else if let Some(next) = lines.next() {
                    next.check_header_length()?;
                    one_line_layout.get_or_insert(false);
                    out.add(
                        section_for_header,
                        name,
                        text::trim(next.bytes),
                        line,
                        notes,
                    )?;
                } else {
                    return Err(InputError::malformed(
                        line.number,
                        format!(
                            "`{}` has no value (expected `name: value`, or the value on the next line)",
                            crate::report::shorten(&text::display_text(t), 60)
                        ),
                    ));
                }
            }
            HeaderLine::Other => {
                return Err(InputError::malformed(
                    line.number,
                    format!(
                        "expected a header (`name: value`, or the name alone with the value on the next line), found `{}`",
                        crate::report::shorten(&text::display_text(t), 60)
                    ),
                ));
            }
        }
    }
    Ok(vec![out.finish()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Vec<Exchange> {
        parse(s.as_bytes(), &mut Notes::default()).unwrap()
    }

    #[test]
    fn mid_line_status_after_unterminated_body() {
        let ex =
            raw("HTTP/1.1 302 FOUND\nLocation: /a\n\n<p>moved</p>HTTP/1.1 200 OK\nServer: x\n\nhi");
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].response.body.as_deref(), Some(&b"<p>moved</p>"[..]));
        assert_eq!(ex[1].response.headers.get("server"), Some("x"));
    }

    #[test]
    fn status_text_in_a_body_line_does_not_split() {
        let ex =
            raw("HTTP/1.1 200 OK\nContent-Type: text/plain\n\nsee HTTP/1.1 404 for details\nbye\n");
        assert_eq!(ex.len(), 1);
    }

    #[test]
    fn indented_paste() {
        let ex = raw("    HTTP/1.1 200 OK\n    Server: a\n    X-Folded: one\n      two\n");
        assert_eq!(ex[0].response.headers.get("server"), Some("a"));
        assert_eq!(ex[0].response.headers.get("x-folded"), Some("one two"));
    }

    #[test]
    fn headers_indented_under_an_unindented_status_line() {
        let ex = raw("HTTP/1.1 200 OK\n        Server: a\n        Vary: b\n");
        assert_eq!(ex[0].response.headers.len(), 2);
    }
}
