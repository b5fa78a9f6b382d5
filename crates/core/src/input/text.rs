//! Line scanning and header-line helpers shared by the text formats (raw, curl -v,
//! DevTools). Everything here is linear in its input and never panics.

use memchr::memchr;

use super::{InputError, Location, Notes};
use crate::exchange::Header;
use crate::limits;

/// One line of the input.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    /// The line without its `\n` and without one trailing `\r`.
    pub bytes: &'a [u8],
    /// 1-based line number.
    pub number: usize,
    /// Byte offset of the line's first byte in the input.
    pub start: usize,
}

impl Line<'_> {
    /// Fails when this line is longer than [`limits::MAX_HEADER_LINE_BYTES`].
    pub fn check_header_length(&self) -> Result<(), InputError> {
        if self.bytes.len() > limits::MAX_HEADER_LINE_BYTES {
            return Err(InputError::LineTooLong {
                at: Location::Line(self.number),
                size: self.bytes.len(),
                limit: limits::MAX_HEADER_LINE_BYTES,
            });
        }
        Ok(())
    }
}

/// Splits input into lines (LF or CRLF), tracking line numbers and offsets.
#[derive(Debug, Clone)]
pub(super) struct Lines<'a> {
    input: &'a [u8],
    pos: usize,
    /// Newlines before `pos`.
    newlines: usize,
}

impl<'a> Lines<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Lines {
            input,
            pos: 0,
            newlines: 0,
        }
    }

    /// Byte offset of the next line.
    pub fn offset(&self) -> usize {
        self.pos
    }

    pub fn peek(&self) -> Option<Line<'a>> {
        self.clone().next()
    }

    /// Moves to `offset` (not before the current one), counting the lines skipped.
    pub fn skip_to(&mut self, offset: usize) {
        let offset = offset.min(self.input.len());
        if offset <= self.pos {
            return;
        }
        let skipped = self.input.get(self.pos..offset).unwrap_or_default();
        self.newlines += memchr::memchr_iter(b'\n', skipped).count();
        self.pos = offset;
    }

    /// Skips blank lines; returns the next line that is not blank.
    pub fn next_non_blank(&mut self) -> Option<Line<'a>> {
        self.by_ref().find(|line| !is_blank(line.bytes))
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let rest = self.input.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let start = self.pos;
        let number = self.newlines + 1;
        let (mut bytes, advance) = match memchr(b'\n', rest) {
            Some(i) => {
                self.newlines += 1;
                (&rest[..i], i + 1)
            }
            None => (rest, rest.len()),
        };
        if let Some(stripped) = bytes.strip_suffix(b"\r") {
            bytes = stripped;
        }
        self.pos += advance;
        Some(Line {
            bytes,
            number,
            start,
        })
    }
}

/// Space, tab, CR or form feed (what a "blank" line may hold).
pub(super) fn is_blank_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0c)
}

pub(super) fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| is_blank_byte(b))
}

/// Leading spaces and tabs.
pub(super) fn indent(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

pub(super) fn trim(bytes: &[u8]) -> &[u8] {
    trim_end(trim_start(bytes))
}

pub(super) fn trim_start(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|&&b| is_blank_byte(b)).count();
    bytes.get(n..).unwrap_or_default()
}

pub(super) fn trim_end(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .rev()
        .take_while(|&&b| is_blank_byte(b))
        .count();
    bytes.get(..bytes.len() - n).unwrap_or_default()
}

/// RFC 9110 `tchar`.
pub(super) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

pub(super) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// A byte that never appears in text: C0 controls other than tab, LF, CR, FF and ESC.
pub(super) fn is_binary_byte(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)
}

/// Splits `Name: value` (leading whitespace already removed). An HTTP/2 pseudo header
/// (`:status: 200`) keeps its leading colon in the name. The name is trimmed at its end
/// (`Name : value` is tolerated), the value at both ends (`Set-Cookie:  x=y`).
pub(super) fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let search_from = usize::from(line.first() == Some(&b':'));
    let colon = search_from + memchr(b':', line.get(search_from..)?)?;
    let name = trim_end(line.get(..colon)?);
    if name.is_empty() || name == b":" {
        return None;
    }
    let value = trim(line.get(colon + 1..).unwrap_or_default());
    Some((name, value))
}

/// Text for display: lossy UTF-8 with control characters (other than tab) replaced by
/// U+FFFD, so a pasted escape sequence cannot reach a terminal.
pub(super) fn display_text(bytes: &[u8]) -> String {
    let lossy = String::from_utf8_lossy(bytes);
    if lossy.chars().any(|c| c.is_control() && c != '\t') {
        lossy
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect()
    } else {
        lossy.into_owned()
    }
}

/// What is odd about a value's bytes.
fn value_issue(bytes: &[u8]) -> Option<&'static str> {
    if let Some(b) = bytes
        .iter()
        .find(|&&b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        return Some(if *b == 0 {
            "holds a NUL byte"
        } else {
            "holds control bytes"
        });
    }
    match std::str::from_utf8(bytes) {
        Err(_) => Some("is not valid UTF-8"),
        Ok(s) if s.chars().any(|c| c.is_control() && c != '\t') => Some("holds control characters"),
        Ok(_) => None,
    }
}

/// Builds a header from its name and value bytes. Odd bytes (invalid UTF-8, NUL and other
/// control bytes) are replaced in `value`, kept in `raw_value`, and noted with `at`.
pub(super) fn make_header(
    name: &[u8],
    value: &[u8],
    line: Option<usize>,
    at: impl FnOnce() -> String,
    notes: &mut Notes,
) -> Header {
    let display_name = display_text(name);
    let mut header = Header::new(display_name, display_text(value));
    header.line = line.and_then(|n| u32::try_from(n).ok());
    let name_issue = value_issue(name);
    let issue = value_issue(value);
    if issue.is_some() || name_issue.is_some() {
        let what = match (name_issue, issue) {
            (Some(n), _) => format!("the name of header `{}` {n}", header.name),
            (None, Some(v)) => format!("the value of `{}` {v}", header.name),
            (None, None) => String::new(),
        };
        notes.push(format!(
            "{}: {what}; it is shown with U+FFFD and the original bytes are kept",
            at()
        ));
    }
    if issue.is_some() {
        header.raw_value = Some(value.to_vec());
    }
    header
}

/// A parsed status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StatusLine {
    pub version: String,
    pub status: u16,
    pub reason: Option<String>,
}

/// Version part after `HTTP/`: digits and dots, at most 8 bytes (`1.1`, `2`, `3`).
fn version_len(bytes: &[u8]) -> Option<usize> {
    let n = bytes
        .iter()
        .take(9)
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    (1..=8).contains(&n).then_some(n)
}

/// Three ASCII digits as a status code (100–999).
pub(super) fn status_code(bytes: &[u8]) -> Option<u16> {
    let digits = bytes.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if bytes.get(3).is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    let code = digits
        .iter()
        .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    (100..=999).contains(&code).then_some(code)
}

/// True when `bytes` starts with a status line (`HTTP/1.1 200`…). Looks at a bounded
/// prefix only, so scanning a body for the next response stays linear.
pub(super) fn starts_with_status_line(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(b"HTTP/") else {
        return false;
    };
    let Some(v) = version_len(rest) else {
        return false;
    };
    let rest = rest.get(v..).unwrap_or_default();
    let spaces = rest.iter().take(8).take_while(|&&b| b == b' ').count();
    spaces > 0 && rest.get(spaces..).and_then(status_code).is_some()
}

/// Parses a line that starts with `HTTP/`. The error says what is wrong.
pub(super) fn parse_status_line(line: &[u8]) -> Result<StatusLine, String> {
    let shown = || crate::report::shorten(&display_text(line), 60).into_owned();
    let rest = line.strip_prefix(b"HTTP/").ok_or_else(|| {
        format!(
            "expected a status line such as `HTTP/1.1 200 OK`, found `{}`",
            shown()
        )
    })?;
    let v = version_len(rest)
        .ok_or_else(|| format!("status line `{}` has no valid HTTP version", shown()))?;
    let version = format!("HTTP/{}", String::from_utf8_lossy(&rest[..v]));
    let after = rest.get(v..).unwrap_or_default();
    let code_part = trim_start(after);
    if code_part.is_empty() {
        return Err(format!("status line `{}` has no status code", shown()));
    }
    if code_part.len() == after.len() {
        return Err(format!(
            "status line `{}`: expected a space after the version",
            shown()
        ));
    }
    let status = status_code(code_part).ok_or_else(|| {
        format!(
            "status line `{}`: the status code must be three digits",
            shown()
        )
    })?;
    let reason = trim(code_part.get(3..).unwrap_or_default());
    let reason = (!reason.is_empty()).then(|| display_text(reason));
    Ok(StatusLine {
        version,
        status,
        reason,
    })
}

/// A request line: `METHOD target HTTP/x`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RequestLine {
    pub method: String,
    pub target: String,
}

/// Parses `GET /path HTTP/1.1`. The method is 1–20 uppercase letters; the target has no
/// spaces and is at most 8 KiB (so scanning line starts stays linear).
pub(super) fn parse_request_line(line: &[u8]) -> Option<RequestLine> {
    let m = line
        .iter()
        .take(21)
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    if !(1..=20).contains(&m) || line.get(m) != Some(&b' ') {
        return None;
    }
    let rest = line.get(m + 1..)?;
    let t = rest
        .iter()
        .take(8 * 1024 + 1)
        .take_while(|&&b| b != b' ' && b != b'\t')
        .count();
    if t == 0 || t > 8 * 1024 {
        return None;
    }
    let after = rest.get(t..)?;
    let spaces = indent(after);
    let version = after.get(spaces..)?.strip_prefix(b"HTTP/")?;
    if spaces == 0 {
        return None;
    }
    version_len(version)?;
    Some(RequestLine {
        method: String::from_utf8_lossy(&line[..m]).into_owned(),
        target: display_text(&rest[..t]),
    })
}

/// How a line of pasted headers reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HeaderLine<'a> {
    /// `name: value` with a token name (or `:pseudo`) and a non-empty value.
    /// `spaced` = whitespace after the colon (`a: b`, not `https://…`).
    Full {
        name: &'a [u8],
        value: &'a [u8],
        spaced: bool,
    },
    /// A token alone, optionally with a trailing colon: a name whose value may be on the
    /// next line (DevTools) or is empty.
    NameOnly { name: &'a [u8], colon: bool },
    /// Anything else.
    Other,
}

/// Classifies a trimmed line, requiring a token name (DevTools and detection use this).
pub(super) fn classify(line: &[u8]) -> HeaderLine<'_> {
    let pseudo = usize::from(line.first() == Some(&b':'));
    let body = line.get(pseudo..).unwrap_or_default();
    match memchr(b':', body) {
        None => {
            if is_token(body) {
                HeaderLine::NameOnly {
                    name: line,
                    colon: false,
                }
            } else {
                HeaderLine::Other
            }
        }
        Some(i) => {
            let name_part = body.get(..i).unwrap_or_default();
            if !is_token(trim_end(name_part)) {
                return HeaderLine::Other;
            }
            let name = trim_end(line.get(..pseudo + i).unwrap_or_default());
            let after = body.get(i + 1..).unwrap_or_default();
            let value = trim(after);
            if value.is_empty() {
                HeaderLine::NameOnly { name, colon: true }
            } else {
                HeaderLine::Full {
                    name,
                    value,
                    spaced: after.first().is_some_and(|b| *b == b' ' || *b == b'\t'),
                }
            }
        }
    }
}

/// Request pseudo headers (`:method`, `:scheme`, `:authority`, `:path`) collected from
/// HTTP/2 style input.
#[derive(Debug, Clone, Default)]
pub(super) struct Pseudo {
    pub method: Option<String>,
    pub scheme: Option<String>,
    pub authority: Option<String>,
    pub path: Option<String>,
    pub status: Option<u16>,
}

impl Pseudo {
    /// Records a pseudo header; false when `name` is not one.
    pub fn record(&mut self, name: &str, value: &str) -> bool {
        if !name.starts_with(':') {
            return false;
        }
        let value = Some(value.to_string());
        match name.to_ascii_lowercase().as_str() {
            ":method" => self.method = value,
            ":scheme" => self.scheme = value,
            ":authority" => self.authority = value,
            ":path" => self.path = value,
            ":status" => self.status = value.as_deref().and_then(|v| status_code(v.as_bytes())),
            _ => {}
        }
        true
    }

    /// `scheme://authority/path` when all three are known.
    pub fn url(&self) -> Option<String> {
        let (s, a) = (self.scheme.as_deref()?, self.authority.as_deref()?);
        Some(format!("{s}://{a}{}", self.path.as_deref().unwrap_or("/")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_handle_crlf_lf_and_offsets() {
        let input = b"a\r\nbb\n\nccc";
        let lines: Vec<_> = Lines::new(input)
            .map(|l| (l.bytes, l.number, l.start))
            .collect();
        assert_eq!(
            lines,
            vec![
                (&b"a"[..], 1, 0),
                (&b"bb"[..], 2, 3),
                (&b""[..], 3, 6),
                (&b"ccc"[..], 4, 7)
            ]
        );
    }

    #[test]
    fn skip_to_counts_lines() {
        let mut lines = Lines::new(b"a\nb\nc\nd");
        lines.skip_to(4);
        let l = lines.next().unwrap();
        assert_eq!((l.bytes, l.number), (&b"c"[..], 3));
    }

    #[test]
    fn status_lines() {
        let s = parse_status_line(b"HTTP/1.1 200 OK").unwrap();
        assert_eq!(
            (s.version.as_str(), s.status, s.reason.as_deref()),
            ("HTTP/1.1", 200, Some("OK"))
        );
        let s = parse_status_line(b"HTTP/2 200 ").unwrap();
        assert_eq!(
            (s.version.as_str(), s.status, s.reason),
            ("HTTP/2", 200, None)
        );
        assert!(parse_status_line(b"HTTP/1.1")
            .unwrap_err()
            .contains("no status code"));
        assert!(parse_status_line(b"HTTP/1.1 20").is_err());
        assert!(parse_status_line(b"HTTP/1.1 2000 OK").is_err());
        assert!(parse_status_line(b"HTTP/x 200").is_err());
        assert!(starts_with_status_line(b"HTTP/1.0 404 Not Found"));
        assert!(starts_with_status_line(b"HTTP/3 204"));
        assert!(!starts_with_status_line(b"HTTP/1.1"));
        assert!(!starts_with_status_line(b"HTTP/HTTP/HTTP/"));
    }

    #[test]
    fn request_lines() {
        let r = parse_request_line(b"GET /a?b=c HTTP/1.1").unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/a?b=c"));
        assert!(parse_request_line(b"get / HTTP/1.1").is_none());
        assert!(parse_request_line(b"GET / HTTQ/1.1").is_none());
        assert!(parse_request_line(b"GET").is_none());
    }

    #[test]
    fn header_splitting() {
        assert_eq!(
            split_header(b"Set-Cookie:  x=y "),
            Some((&b"Set-Cookie"[..], &b"x=y"[..]))
        );
        assert_eq!(
            split_header(b":status: 200"),
            Some((&b":status"[..], &b"200"[..]))
        );
        assert_eq!(split_header(b"Name : v"), Some((&b"Name"[..], &b"v"[..])));
        assert_eq!(split_header(b"X-Empty:"), Some((&b"X-Empty"[..], &b""[..])));
        assert_eq!(split_header(b": v"), None);
        assert_eq!(split_header(b"no colon"), None);
    }

    #[test]
    fn classification() {
        assert!(matches!(
            classify(b"content-type"),
            HeaderLine::NameOnly { colon: false, .. }
        ));
        assert!(matches!(
            classify(b":authority:"),
            HeaderLine::NameOnly { colon: true, .. }
        ));
        assert!(matches!(
            classify(b"date: Mon, 1 Jan"),
            HeaderLine::Full { spaced: true, .. }
        ));
        assert!(matches!(
            classify(b"https://x"),
            HeaderLine::Full { spaced: false, .. }
        ));
        assert!(matches!(
            classify(b"Mon, 23 Nov 2026 13:14:07 GMT"),
            HeaderLine::Other
        ));
        assert!(matches!(
            classify(b"text/html; charset=utf-8"),
            HeaderLine::Other
        ));
    }

    #[test]
    fn odd_bytes_are_replaced_and_kept() {
        let mut notes = Notes::default();
        let h = make_header(
            b"X-A",
            b"a\0b\xffc",
            Some(3),
            || "line 3".into(),
            &mut notes,
        );
        assert_eq!(h.value, "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(h.raw_value.as_deref(), Some(&b"a\0b\xffc"[..]));
        assert_eq!(h.line, Some(3));
        assert_eq!(notes.list.len(), 1);
        assert!(notes.list[0].contains("NUL"), "{:?}", notes.list);
        let h = make_header(b"X-B", b"plain", None, || unreachable!(), &mut notes);
        assert_eq!(h.raw_value, None);
    }
}
