//! Structured Field Values for HTTP (RFC 8941): the parsing algorithms of §4.2 for
//! dictionaries and items, enough to say whether a browser accepts a value and to read
//! its members. Linear, no recursion beyond one inner-list level, borrows the input.

use super::is_tchar;

/// A dictionary member's value.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberValue<'a> {
    Item(BareItem<'a>),
    InnerList(Vec<BareItem<'a>>),
}

/// An RFC 8941 bare item. Strings keep their escapes as written.
#[derive(Debug, Clone, PartialEq)]
pub enum BareItem<'a> {
    Integer(i64),
    Decimal(f64),
    String(&'a str),
    Token(&'a str),
    ByteSequence(&'a str),
    Boolean(bool),
}

/// Why a value is not a valid structured field (browsers then ignore the whole header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructuredFieldError {
    #[error("expected {expected} at byte {at}, found `{found}`")]
    Unexpected {
        at: usize,
        expected: &'static str,
        found: char,
    },
    #[error("expected {expected} at byte {at}, found the end of the value")]
    UnexpectedEnd { at: usize, expected: &'static str },
    #[error("the value ends with a comma")]
    TrailingComma,
    #[error("a number at byte {at} is too long or malformed")]
    Number { at: usize },
}

/// One dictionary member: key and value (parameters are checked, then dropped).
pub type Member<'a> = (&'a str, MemberValue<'a>);

/// Parses `value` as a dictionary (RFC 8941 §4.2.2). Duplicate keys are kept in order;
/// per the RFC the last one wins.
pub fn parse_dictionary(value: &str) -> Result<Vec<Member<'_>>, StructuredFieldError> {
    let mut p = Parser {
        s: value,
        b: value.as_bytes(),
        i: 0,
    };
    p.skip_sp();
    let mut members = Vec::new();
    while p.i < p.b.len() {
        let key = p.key()?;
        let member = if p.peek() == Some(b'=') {
            p.i += 1;
            p.item_or_inner_list()?
        } else {
            p.parameters()?;
            MemberValue::Item(BareItem::Boolean(true))
        };
        members.push((key, member));
        p.skip_ows();
        if p.i >= p.b.len() {
            break;
        }
        p.expect(b',', "`,` between members")?;
        p.skip_ows();
        if p.i >= p.b.len() {
            return Err(StructuredFieldError::TrailingComma);
        }
    }
    Ok(members)
}

/// Parses `value` as an item (RFC 8941 §4.2.3): a bare item with optional parameters,
/// nothing else. Returns the bare item.
pub fn parse_item(value: &str) -> Result<BareItem<'_>, StructuredFieldError> {
    let mut p = Parser {
        s: value,
        b: value.as_bytes(),
        i: 0,
    };
    p.skip_sp();
    let item = p.bare_item()?;
    p.parameters()?;
    p.skip_sp();
    if p.i < p.b.len() {
        return Err(p.fail("the end of the value"));
    }
    Ok(item)
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn fail(&self, expected: &'static str) -> StructuredFieldError {
        match self.s.get(self.i..).and_then(|r| r.chars().next()) {
            Some(found) => StructuredFieldError::Unexpected {
                at: self.i,
                expected,
                found,
            },
            None => StructuredFieldError::UnexpectedEnd {
                at: self.i,
                expected,
            },
        }
    }

    fn expect(&mut self, b: u8, expected: &'static str) -> Result<(), StructuredFieldError> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.fail(expected))
        }
    }

    /// `key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )`
    fn key(&mut self) -> Result<&'a str, StructuredFieldError> {
        let start = self.i;
        if !matches!(self.peek(), Some(b'a'..=b'z' | b'*')) {
            return Err(self.fail("a lowercase feature name"));
        }
        self.i += 1;
        while matches!(
            self.peek(),
            Some(b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'*')
        ) {
            self.i += 1;
        }
        Ok(&self.s[start..self.i])
    }

    fn item_or_inner_list(&mut self) -> Result<MemberValue<'a>, StructuredFieldError> {
        if self.peek() != Some(b'(') {
            let item = self.bare_item()?;
            self.parameters()?;
            return Ok(MemberValue::Item(item));
        }
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_sp();
            if self.peek() == Some(b')') {
                self.i += 1;
                self.parameters()?;
                return Ok(MemberValue::InnerList(items));
            }
            if self.peek().is_none() {
                return Err(self.fail("`)` to close the list"));
            }
            items.push(self.bare_item()?);
            self.parameters()?;
            if !matches!(self.peek(), Some(b' ' | b')')) {
                return Err(self.fail("a space or `)` after a list item"));
            }
        }
    }

    fn parameters(&mut self) -> Result<(), StructuredFieldError> {
        while self.peek() == Some(b';') {
            self.i += 1;
            self.skip_sp();
            self.key()?;
            if self.peek() == Some(b'=') {
                self.i += 1;
                self.bare_item()?;
            }
        }
        Ok(())
    }

    fn bare_item(&mut self) -> Result<BareItem<'a>, StructuredFieldError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'"') => self.string(),
            Some(b':') => self.byte_sequence(),
            Some(b'?') => {
                self.i += 1;
                match self.peek() {
                    Some(b'0') => {
                        self.i += 1;
                        Ok(BareItem::Boolean(false))
                    }
                    Some(b'1') => {
                        self.i += 1;
                        Ok(BareItem::Boolean(true))
                    }
                    _ => Err(self.fail("`0` or `1` after `?`")),
                }
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'*' => {
                let start = self.i;
                self.i += 1;
                while self
                    .peek()
                    .is_some_and(|b| is_tchar(b) || b == b':' || b == b'/')
                {
                    self.i += 1;
                }
                Ok(BareItem::Token(&self.s[start..self.i]))
            }
            _ => Err(self.fail("`self`, `*`, a quoted origin or `(`")),
        }
    }

    /// RFC 8941 §4.2.4: integers of at most 15 digits, decimals of at most 12 + 3.
    fn number(&mut self) -> Result<BareItem<'a>, StructuredFieldError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.fail("a digit"));
        }
        let digits_start = self.i;
        let mut dot: Option<usize> = None;
        while let Some(b) = self.peek() {
            if b.is_ascii_digit() {
                self.i += 1;
            } else if b == b'.' && dot.is_none() {
                dot = Some(self.i);
                self.i += 1;
            } else {
                break;
            }
        }
        let text = &self.s[start..self.i];
        let bad = StructuredFieldError::Number { at: start };
        match dot {
            None => {
                if self.i - digits_start > 15 {
                    return Err(bad);
                }
                text.parse().map(BareItem::Integer).map_err(|_| bad)
            }
            Some(d) => {
                let int_len = d - digits_start;
                let frac_len = self.i - d - 1;
                if int_len > 12 || frac_len == 0 || frac_len > 3 {
                    return Err(bad);
                }
                // At most 15 digits: exact as f64 (and so is 10^frac_len), and one
                // correctly rounded division gives what `str::parse::<f64>` would, without
                // pulling core's float parser into the wasm builds.
                let digits: String = text.chars().filter(|&c| c != '.').collect();
                let scaled: i64 = digits.parse().map_err(|_| bad)?;
                let divisor = [10.0, 100.0, 1000.0][frac_len - 1];
                Ok(BareItem::Decimal(scaled as f64 / divisor))
            }
        }
    }

    fn string(&mut self) -> Result<BareItem<'a>, StructuredFieldError> {
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek() {
                None => return Err(self.fail("`\"` to close the string")),
                Some(b'\\') => {
                    self.i += 1;
                    if !matches!(self.peek(), Some(b'"' | b'\\')) {
                        return Err(self.fail("`\"` or `\\` after `\\`"));
                    }
                    self.i += 1;
                }
                Some(b'"') => {
                    let inner = &self.s[start..self.i];
                    self.i += 1;
                    return Ok(BareItem::String(inner));
                }
                Some(0x20..=0x7e) => self.i += 1,
                Some(_) => return Err(self.fail("a printable ASCII character in the string")),
            }
        }
    }

    fn byte_sequence(&mut self) -> Result<BareItem<'a>, StructuredFieldError> {
        self.i += 1;
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        {
            self.i += 1;
        }
        let inner = &self.s[start..self.i];
        self.expect(b':', "`:` to close the byte sequence")?;
        Ok(BareItem::ByteSequence(inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items() {
        assert_eq!(
            parse_item("same-origin"),
            Ok(BareItem::Token("same-origin"))
        );
        assert_eq!(
            parse_item(" same-origin; report-to=\"coop\" "),
            Ok(BareItem::Token("same-origin"))
        );
        assert_eq!(parse_item("?1"), Ok(BareItem::Boolean(true)));
        assert_eq!(parse_item("-12"), Ok(BareItem::Integer(-12)));
        assert_eq!(parse_item("1.25"), Ok(BareItem::Decimal(1.25)));
        for text in ["0.1", "-0.3", "123456789012.999", "7.007", "999999999999.9"] {
            let expected: f64 = text.parse().unwrap();
            assert_eq!(parse_item(text), Ok(BareItem::Decimal(expected)), "{text}");
        }
        assert!(parse_item("same-origin, same-origin").is_err());
        assert!(parse_item("").is_err());
        assert!(parse_item("a b").is_err());
    }

    #[test]
    fn dictionaries() {
        let d = parse_dictionary("a=1, b, c=(x \"y\");p=?0").unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(d[1], ("b", MemberValue::Item(BareItem::Boolean(true))));
        assert_eq!(
            d[2].1,
            MemberValue::InnerList(vec![BareItem::Token("x"), BareItem::String("y")])
        );
        assert_eq!(
            parse_dictionary("a,"),
            Err(StructuredFieldError::TrailingComma)
        );
        assert!(parse_dictionary("A=1").is_err());
    }

    #[test]
    fn never_panics_on_junk() {
        for junk in [
            "(",
            "a=(",
            "a=\"\\",
            "a=-",
            "a=:",
            "a=?",
            "a=1.",
            "a=((",
            "\u{fffd}",
            "a=(\u{fffd})",
            "a;",
            "a;b=",
            "*",
        ] {
            let _ = parse_dictionary(junk);
            let _ = parse_item(junk);
        }
    }
}
