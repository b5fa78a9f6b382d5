//! Secret wordlists: the built-in list (`data/weak-secrets.txt`) and user files in
//! flask-unsign's format.
//!
//! One secret per line; the trailing `\n` / `\r\n` is not part of it. A line written as a
//! Python string literal (`'…'`, `"…"`, `b'…'`) is decoded like Python does, since that is how
//! flask-unsign's lists (`all.txt`) hold keys with quotes, newlines or raw bytes: a `str`
//! literal gives its UTF-8 encoding (what itsdangerous signs with), a `bytes` literal its
//! bytes. Any other line is the secret as written, byte for byte.

use std::borrow::Cow;
use std::sync::OnceLock;

/// The built-in list, as shipped.
pub const BUILTIN_TEXT: &str = include_str!("data/weak-secrets.txt");

/// One entry of the built-in list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinSecret {
    pub value: Vec<u8>,
    /// The group it comes from (`Flask documentation and tutorial`).
    pub origin: &'static str,
}

/// The built-in weak secrets, parsed once, duplicates removed, in file order.
pub fn builtin_secrets() -> &'static [BuiltinSecret] {
    static LIST: OnceLock<Vec<BuiltinSecret>> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut out: Vec<BuiltinSecret> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut origin = "built-in list";
        for line in BUILTIN_TEXT.lines() {
            if let Some(group) = line.strip_prefix("# ==") {
                origin = group.trim();
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let value = parse_line(line.as_bytes()).into_owned();
            if seen.insert(value.clone()) {
                out.push(BuiltinSecret { value, origin });
            }
        }
        out
    })
}

/// Strips one trailing `\n` or `\r\n` (and a lone trailing `\r`).
pub fn strip_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The secret a wordlist line stands for (see the module docs). `line` is without its
/// newline.
pub fn parse_line(line: &[u8]) -> Cow<'_, [u8]> {
    python_literal(line.trim_ascii()).unwrap_or(Cow::Borrowed(line))
}

/// Decodes a complete Python string literal (`'a\n'`, `b"\xec"`, `r'\d'`); `None` when `s`
/// is not exactly one. Triple-quoted and f-strings are not literals here. A literal without
/// backslashes is borrowed (most lines of a wordlist).
pub fn python_literal(s: &[u8]) -> Option<Cow<'_, [u8]>> {
    let prefix_len = s
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let (prefix, rest) = s.split_at(prefix_len);
    let mut bytes_literal = false;
    let mut raw = false;
    for &p in prefix {
        match p.to_ascii_lowercase() {
            b'b' if !bytes_literal => bytes_literal = true,
            b'r' if !raw => raw = true,
            b'u' if prefix.len() == 1 => {}
            _ => return None,
        }
    }
    let (&quote, rest) = rest.split_first()?;
    if quote != b'\'' && quote != b'"' {
        return None;
    }
    let body = rest.strip_suffix(&[quote])?;
    if body.starts_with(&[quote, quote]) && rest.len() >= 2 {
        // `'''…'''`: not supported, take the line as written.
        return None;
    }
    if bytes_literal && !body.is_ascii() {
        return None; // Python rejects non-ASCII characters in bytes literals.
    }
    let text = std::str::from_utf8(body).ok()?;
    if !body.contains(&b'\\') {
        // No escapes: the literal is its body, unless a bare quote ends it early.
        return (!body.contains(&quote)).then_some(Cow::Borrowed(body));
    }
    let mut out = Vec::with_capacity(body.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == quote as char {
            return None; // an unescaped quote ends the literal early: not one literal
        }
        if c != '\\' {
            push_char(&mut out, c);
            continue;
        }
        let Some(e) = chars.next() else {
            return None; // a trailing backslash escapes the closing quote
        };
        if raw {
            out.push(b'\\');
            push_char(&mut out, e);
            continue;
        }
        match e {
            '\n' => {}
            '\\' => out.push(b'\\'),
            '\'' => out.push(b'\''),
            '"' => out.push(b'"'),
            'a' => out.push(0x07),
            'b' => out.push(0x08),
            'f' => out.push(0x0c),
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'v' => out.push(0x0b),
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                push_code(&mut out, value, bytes_literal)?;
            }
            'x' => {
                let value = hex_digits(&mut chars, 2)?;
                push_code(&mut out, value, bytes_literal)?;
            }
            'u' if !bytes_literal => {
                let value = hex_digits(&mut chars, 4)?;
                push_char(&mut out, char::from_u32(value)?);
            }
            'U' if !bytes_literal => {
                let value = hex_digits(&mut chars, 8)?;
                push_char(&mut out, char::from_u32(value)?);
            }
            'N' if !bytes_literal => return None, // named escapes need Unicode's name table
            other => {
                // Python keeps unknown escapes as written.
                out.push(b'\\');
                push_char(&mut out, other);
            }
        }
    }
    Some(Cow::Owned(out))
}

fn hex_digits(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize) -> Option<u32> {
    let mut value = 0u32;
    for _ in 0..n {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}

/// A `\x`/octal escape: a byte in a bytes literal, a code point (UTF-8 encoded) in a str.
fn push_code(out: &mut Vec<u8>, value: u32, bytes_literal: bool) -> Option<()> {
    if bytes_literal {
        out.push(u8::try_from(value).ok()?);
    } else {
        push_char(out, char::from_u32(value)?);
    }
    Some(())
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// A secret for display: as text when it is printable UTF-8, else as a Python bytes literal
/// (`b'_5#y2L"F4Q8z\n\xec]/'`), so it can be pasted back into a config file.
pub fn display_secret(secret: &[u8]) -> String {
    match std::str::from_utf8(secret) {
        Ok(s) if !s.is_empty() && !s.chars().any(char::is_control) => s.to_string(),
        _ => super::session::python_bytes_repr(secret),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_python_literals_like_flask_unsign() {
        assert_eq!(
            python_literal(br#"b'_5#y2L"F4Q8z\n\xec]/'"#)
                .unwrap()
                .as_ref(),
            b"_5#y2L\"F4Q8z\n\xec]/"
        );
        // In a str literal \xec is U+00EC, which itsdangerous encodes as UTF-8.
        assert_eq!(
            python_literal(br"'\xec'").unwrap().as_ref(),
            "\u{ec}".as_bytes()
        );
        assert_eq!(python_literal(br#""it's""#).unwrap().as_ref(), b"it's");
        assert_eq!(python_literal(br"'a\'b'").unwrap().as_ref(), b"a'b");
        assert_eq!(
            python_literal(br"'\2\1thisismyscretkey\1\2\e\y\y\h'")
                .unwrap()
                .as_ref(),
            b"\x02\x01thisismyscretkey\x01\x02\\e\\y\\y\\h"
        );
        assert_eq!(python_literal(br"r'\d+'").unwrap().as_ref(), b"\\d+");
        assert_eq!(
            python_literal(br"'\u00e9'").unwrap().as_ref(),
            "é".as_bytes()
        );
        assert_eq!(python_literal(b"''").unwrap().as_ref(), b"");
        for not_one in [
            &b"dev"[..],
            b"'unterminated",
            b"'a' + 'b'",
            b"'a'b'",
            b"x'abc'",
            b"'\\'",
            b"'\\x4'",
            b"123",
        ] {
            assert_eq!(
                python_literal(not_one),
                None,
                "{:?}",
                String::from_utf8_lossy(not_one)
            );
        }
    }

    #[test]
    fn lines_are_raw_unless_they_are_literals() {
        assert_eq!(parse_line(b"keyboard cat").as_ref(), b"keyboard cat");
        assert_eq!(parse_line(b" padded ").as_ref(), b" padded ");
        assert_eq!(parse_line(b"  'quoted'  ").as_ref(), b"quoted");
        assert_eq!(strip_newline(b"dev\r\n"), b"dev");
        assert_eq!(strip_newline(b"dev\n"), b"dev");
        assert_eq!(strip_newline(b"dev "), b"dev ");
    }

    #[test]
    fn builtin_list_has_hundreds_of_unique_entries_with_origins() {
        let list = builtin_secrets();
        assert!(list.len() >= 300, "{}", list.len());
        let find = |v: &[u8]| list.iter().find(|s| s.value == v);
        assert_eq!(
            find(b"dev").unwrap().origin,
            "Flask documentation and tutorial"
        );
        assert!(find(b"_5#y2L\"F4Q8z\n\xec]/").is_some());
        assert!(
            find(b"192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf").is_some()
        );
        for s in [
            "changeme",
            "change-me",
            "secret",
            "you-will-never-guess",
            "keyboard cat",
            "super-secret",
            "hard to guess string",
        ] {
            assert!(find(s.as_bytes()).is_some(), "{s}");
        }
        assert!(list.iter().all(|s| !s.origin.is_empty()));
    }

    #[test]
    fn displays_secrets_as_text_or_bytes_literal() {
        assert_eq!(display_secret(b"dev"), "dev");
        assert_eq!(
            display_secret(b"_5#y2L\"F4Q8z\n\xec]/"),
            "b'_5#y2L\"F4Q8z\\n\\xec]/'"
        );
        assert_eq!(display_secret(b""), "b''");
    }
}
