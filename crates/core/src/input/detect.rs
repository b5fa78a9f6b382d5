//! Format detection from the first lines, and the byte-level clean-up done before any
//! parser runs (byte order marks, UTF-16).

use std::borrow::Cow;

use super::text::{self, HeaderLine, Lines};
use super::{InputError, InputFormat, Notes};

/// How many non-blank lines of the first block [`detect`] looks at for DevTools signs.
const SIGN_LINES: usize = 64;

/// Guesses the format of `input` from its first lines.
///
/// `{` starts HAR (when the first key is `log`) or JSON, `[` JSON; `* `, `> `, `< ` lines
/// are `curl -v`; a DevTools layout (section titles such as `Response Headers`, pseudo
/// headers, a name alone on its line with the value on the next) is `devtools`; a status
/// line, a request line or `Name: value` lines are `raw`.
pub fn detect(input: &[u8]) -> Result<InputFormat, InputError> {
    let decoded = decode(input, &mut Notes::default());
    detect_decoded(&decoded)
}

/// Strips a UTF-8 byte order mark, converts UTF-16 (with a BOM, or ASCII text with every
/// other byte NUL) to UTF-8, and removes terminal colour codes from colourised output.
pub(super) fn decode<'a>(input: &'a [u8], notes: &mut Notes) -> Cow<'a, [u8]> {
    let text = decode_text(input, notes);
    match strip_colours(&text) {
        Some(plain) => {
            notes.push("the input held terminal colour codes; they were removed");
            Cow::Owned(plain)
        }
        None => text,
    }
}

/// Removes ANSI escape sequences (`ESC [ … m` and other CSI sequences) when the first
/// non-blank line holds one: colourised tool output (`http --pretty=all`, `script`).
fn strip_colours(input: &[u8]) -> Option<Vec<u8>> {
    let first = Lines::new(input).next_non_blank()?;
    memchr::memmem::find(first.bytes, b"\x1b[")?;
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        if b == 0x1b && input.get(i + 1) == Some(&b'[') {
            // Parameters and intermediates (0x20–0x3F), then one final byte (0x40–0x7E).
            let params = input
                .get(i + 2..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| (0x20..=0x3f).contains(*c))
                .count();
            let end = i + 2 + params;
            if input.get(end).is_some_and(|c| (0x40..=0x7e).contains(c)) {
                i = end + 1;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    Some(out)
}

/// Byte order marks and UTF-16.
fn decode_text<'a>(input: &'a [u8], notes: &mut Notes) -> Cow<'a, [u8]> {
    if let Some(rest) = input.strip_prefix(b"\xEF\xBB\xBF") {
        return Cow::Borrowed(rest);
    }
    let utf16 = if let Some(rest) = input.strip_prefix(b"\xFF\xFE") {
        Some((rest, false))
    } else if let Some(rest) = input.strip_prefix(b"\xFE\xFF") {
        Some((rest, true))
    } else if looks_like_utf16le(input) {
        Some((input, false))
    } else {
        None
    };
    let Some((bytes, big_endian)) = utf16 else {
        return Cow::Borrowed(input);
    };
    let units = bytes.chunks_exact(2).map(|pair| {
        let (a, b) = (u16::from(pair[0]), u16::from(pair[1]));
        if big_endian {
            a << 8 | b
        } else {
            b << 8 | a
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect();
    // Every format starts with ASCII; anything else was not UTF-16 text after all.
    if !text
        .trim_start()
        .chars()
        .next()
        .is_none_or(|c| c.is_ascii())
    {
        return Cow::Borrowed(input);
    }
    notes.push("the input was UTF-16 text; it was converted to UTF-8");
    Cow::Owned(text.into_bytes())
}

/// `H\0T\0T\0P\0`: printable ASCII in the low byte, NUL in the high byte, for 4 units.
fn looks_like_utf16le(input: &[u8]) -> bool {
    input.len() >= 8
        && input
            .chunks_exact(2)
            .take(4)
            .all(|p| p[1] == 0 && (p[0].is_ascii_graphic() || p[0] == b' '))
}

/// Commands whose output the text formats read.
const COMMANDS: [&str; 5] = ["curl", "curl.exe", "http", "https", "xh"];

/// The words after the command on a pasted shell command line (`$ curl -iL https://…`,
/// `PS C:\> curl.exe -i …`): the command is the first word or follows a prompt word
/// ending in `$`, `#`, `%` or `>`.
fn command_args(line: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = line.split_whitespace().take(64).collect();
    let at = words.iter().enumerate().take(4).position(|(i, w)| {
        COMMANDS.contains(w)
            && (i == 0
                || words
                    .get(i - 1)
                    .is_some_and(|p| p.ends_with(['$', '#', '%', '>'])))
    })?;
    let args = words.get(at + 1..)?;
    (!args.is_empty()).then(|| args.to_vec())
}

/// Blanks out a shell command line pasted before the output (so line numbers and offsets
/// stay the same) and returns the first `http(s)://` URL on it.
pub(super) fn blank_command_line<'a>(
    input: Cow<'a, [u8]>,
    notes: &mut Notes,
) -> (Cow<'a, [u8]>, Option<String>) {
    let Some(first) = Lines::new(&input).next_non_blank() else {
        return (input, None);
    };
    let (start, len, number) = (first.start, first.bytes.len(), first.number);
    let line = String::from_utf8_lossy(first.bytes);
    let Some(args) = command_args(&line) else {
        return (input, None);
    };
    let url = args
        .iter()
        .map(|a| a.trim_matches(['\'', '"']))
        .find(|a| {
            let lower = a.get(..8).unwrap_or(a).to_ascii_lowercase();
            lower.starts_with("http://") || lower.starts_with("https://")
        })
        .map(str::to_string);
    notes.push(match &url {
        Some(u) => format!(
            "line {number}: skipped the command line; {u} is taken as the first request's URL"
        ),
        None => format!("line {number}: skipped the command line"),
    });
    let mut owned = input.into_owned();
    if let Some(bytes) = owned.get_mut(start..start + len) {
        bytes.fill(b' ');
    }
    (Cow::Owned(owned), url)
}

/// [`detect`] on input that went through [`decode`].
pub(super) fn detect_decoded(input: &[u8]) -> Result<InputFormat, InputError> {
    let mut lines = Lines::new(input);
    let first = lines.next_non_blank().ok_or(InputError::Empty)?;
    let line = text::trim(first.bytes);
    let line_offset = first.start + (first.bytes.len() - text::trim_start(first.bytes).len());
    match line.first() {
        Some(b'{') => {
            let rest = input.get(line_offset..).unwrap_or_default();
            return Ok(if first_key_is_log(rest) {
                InputFormat::Har
            } else {
                InputFormat::Json
            });
        }
        Some(b'[') => return Ok(InputFormat::Json),
        _ => {}
    }
    if is_curl_verbose_line(line) {
        return Ok(InputFormat::CurlVerbose);
    }
    if is_devtools_line(line) {
        return Ok(InputFormat::Devtools);
    }
    let structured = line.starts_with(b"HTTP/")
        || text::parse_request_line(line).is_some()
        || matches!(
            text::classify(line),
            HeaderLine::Full { .. } | HeaderLine::NameOnly { colon: true, .. }
        );
    if structured {
        let from = input.get(first.start..).unwrap_or_default();
        return Ok(if has_devtools_signs(from) {
            InputFormat::Devtools
        } else {
            InputFormat::Raw
        });
    }
    if let Some(offset) = first_binary_offset(line) {
        return Err(InputError::Binary {
            offset: line_offset + offset,
        });
    }
    Err(InputError::Unrecognised(format!(
        "line {}: expected a status line (`HTTP/1.1 200 OK`), `Name: value` headers, curl -v \
         output, HAR or JSON; found `{}`",
        first.number,
        crate::report::shorten(&text::display_text(line), 40)
    )))
}

/// The offset of the first control byte or invalid UTF-8 sequence in `line`.
fn first_binary_offset(line: &[u8]) -> Option<usize> {
    let control = line.iter().position(|&b| text::is_binary_byte(b));
    let invalid = std::str::from_utf8(line).err().map(|e| e.valid_up_to());
    match (control, invalid) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `{ "log" :` (whitespace allowed).
fn first_key_is_log(input: &[u8]) -> bool {
    let rest = text::trim_start(input.strip_prefix(b"{").unwrap_or_default());
    let Some(after) = rest.strip_prefix(b"\"log\"") else {
        return false;
    };
    text::trim_start(after).first() == Some(&b':')
}

/// A line only `curl -v` writes: `* info`, `> request`, `< response`, a `Note:` warning or
/// the progress meter's header.
pub(super) fn is_curl_verbose_line(line: &[u8]) -> bool {
    matches!(line, [b'*' | b'>' | b'<'])
        || matches!(line, [b'*' | b'>' | b'<', b' ' | b'\t', ..])
        || line.starts_with(b"Note: ")
        || line.starts_with(b"% Total")
}

/// A DevTools section title: `General`, `Response Headers`, `Request Headers`, possibly
/// followed by a count, a size or a toggle label (`Response Headers (1.2 kB)`,
/// `Response Headers  view source`).
pub(super) fn section_title(line: &[u8]) -> Option<Section> {
    if line.len() > 80 {
        return None;
    }
    let lower = String::from_utf8_lossy(line).trim().to_ascii_lowercase();
    if lower == "general" {
        return Some(Section::General);
    }
    let (section, rest) = if let Some(rest) = lower.strip_prefix("response headers") {
        (Section::Response, rest)
    } else if let Some(rest) = lower.strip_prefix("request headers") {
        (Section::Request, rest)
    } else {
        return None;
    };
    let rest = rest.trim();
    let ok = rest.is_empty()
        || rest.starts_with('(')
        || is_ui_noise(rest.as_bytes())
        || rest.chars().all(|c| c.is_ascii_digit());
    ok.then_some(section)
}

/// Which part of a DevTools Headers pane a line is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    General,
    Response,
    Request,
}

/// Labels DevTools shows beside the headers that are not headers.
pub(super) fn is_ui_noise(line: &[u8]) -> bool {
    if line.len() > 80 {
        return false;
    }
    let lower = String::from_utf8_lossy(line).trim().to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "raw" | "view source" | "view parsed" | "learn more" | "filter headers"
    ) || lower.starts_with("provisional headers are shown")
        || lower.starts_with("disable cache to see full headers")
}

/// Chrome's `General` labels: `Request URL`, `Request Method`, `Status Code`, `Remote
/// Address`, `Referrer Policy` (value on the same line after `:` or on the next line).
pub(super) fn general_label(line: &[u8]) -> Option<(GeneralLabel, &[u8])> {
    let (label, value) = match memchr::memchr(b':', line) {
        Some(i) => (&line[..i], text::trim(&line[i + 1..])),
        None => (line, &b""[..]),
    };
    let label = text::trim(label);
    if label.len() > 16 {
        return None;
    }
    let label = String::from_utf8_lossy(label).to_ascii_lowercase();
    let which = match label.as_str() {
        "request url" => GeneralLabel::Url,
        "request method" => GeneralLabel::Method,
        "status code" => GeneralLabel::Status,
        "remote address" | "referrer policy" => GeneralLabel::Ignored,
        _ => return None,
    };
    Some((which, value))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GeneralLabel {
    Url,
    Method,
    Status,
    Ignored,
}

/// A first line that only DevTools produces.
fn is_devtools_line(line: &[u8]) -> bool {
    section_title(line).is_some()
        || general_label(line).is_some()
        || line.starts_with(b":")
        || matches!(
            text::classify(line),
            HeaderLine::NameOnly { colon: false, .. }
        )
}

/// Looks at the first block (up to the first blank line) for DevTools layouts: pseudo
/// headers, section titles, a name alone on its line followed by a value line.
fn has_devtools_signs(input: &[u8]) -> bool {
    let block: Vec<(usize, &[u8])> = Lines::new(input)
        .map(|l| (text::indent(l.bytes), text::trim(l.bytes)))
        .take_while(|(_, l)| !l.is_empty())
        .take(SIGN_LINES)
        .collect();
    let base = block.first().map_or(0, |(indent, _)| *indent);
    // A line indented deeper than the first is an obs-fold continuation, never a sign.
    let is_fold = |i: usize| block.get(i).is_some_and(|(indent, _)| *indent > base);
    block.iter().enumerate().any(|(i, (_, line))| {
        if is_fold(i) {
            return false;
        }
        if line.starts_with(b":") || section_title(line).is_some() || general_label(line).is_some()
        {
            return true;
        }
        match text::classify(line) {
            HeaderLine::NameOnly { colon: false, .. } => true,
            HeaderLine::NameOnly { colon: true, .. } => {
                !is_fold(i + 1)
                    && block.get(i + 1).is_some_and(|(_, next)| {
                        !matches!(
                            text::classify(next),
                            HeaderLine::Full { spaced: true, .. } | HeaderLine::NameOnly { .. }
                        )
                    })
            }
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Result<InputFormat, InputError> {
        detect(s.as_bytes())
    }

    #[test]
    fn detects_each_format() {
        assert_eq!(
            d("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n"),
            Ok(InputFormat::Raw)
        );
        assert_eq!(d("\n\n  Content-Type: text/html\n"), Ok(InputFormat::Raw));
        assert_eq!(
            d("GET / HTTP/1.1\nHost: a\n\nHTTP/1.1 200 OK\n"),
            Ok(InputFormat::Raw)
        );
        assert_eq!(
            d("*   Trying 127.0.0.1:5000...\n"),
            Ok(InputFormat::CurlVerbose)
        );
        assert_eq!(d("> GET / HTTP/1.1\n"), Ok(InputFormat::CurlVerbose));
        assert_eq!(
            d(":status: 200\ncontent-type: text/html\n"),
            Ok(InputFormat::Devtools)
        );
        assert_eq!(d("content-type\ntext/html\n"), Ok(InputFormat::Devtools));
        assert_eq!(
            d("HTTP/2 200\ncontent-type:\ntext/html\n"),
            Ok(InputFormat::Devtools)
        );
        assert_eq!(
            d("General\nRequest URL: https://a/\n"),
            Ok(InputFormat::Devtools)
        );
        assert_eq!(d("{ \"log\" : {\"entries\": []}}"), Ok(InputFormat::Har));
        assert_eq!(
            d("{\"Content-Type\": \"text/html\"}"),
            Ok(InputFormat::Json)
        );
        assert_eq!(d("[{\"headers\": {}}]"), Ok(InputFormat::Json));
    }

    #[test]
    fn empty_line_value_followed_by_header_stays_raw() {
        assert_eq!(
            d("HTTP/1.1 200 OK\nX-Empty:\nServer: x\n"),
            Ok(InputFormat::Raw)
        );
        assert_eq!(
            d("HTTP/1.1 200 OK\nCSP:\n  default-src 'self'\nVary:\n bytes\n"),
            Ok(InputFormat::Raw)
        );
    }

    #[test]
    fn binary_and_unrecognised() {
        assert_eq!(d("\x01\x02\x03"), Err(InputError::Binary { offset: 0 }));
        assert_eq!(d("  ab\0cd"), Err(InputError::Binary { offset: 4 }));
        assert!(matches!(d("hello world"), Err(InputError::Unrecognised(_))));
        assert_eq!(d(" \n\t"), Err(InputError::Empty));
    }

    #[test]
    fn utf16_is_converted() {
        let utf16: Vec<u8> = "\u{feff}HTTP/1.1 200 OK\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(detect(&utf16), Ok(InputFormat::Raw));
    }
}
