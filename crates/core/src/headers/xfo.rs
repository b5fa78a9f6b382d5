//! `X-Frame-Options`, as the HTML Standard specifies it (it replaced RFC 7034 with what
//! browsers do): <https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header>.
//!
//! The values of every header line are split on commas and lowercased into a set:
//! - one value, `deny` or `sameorigin`: framing is limited accordingly;
//! - several distinct values, any of them `deny`, `sameorigin` or `allowall`: framing is
//!   blocked entirely (as if `DENY`);
//! - anything else (`ALLOW-FROM uri`, `allowall`, typos, several unknown values): the
//!   header is ignored and framing is allowed.
//!
//! A CSP `frame-ancestors` directive in an enforced policy makes browsers ignore
//! `X-Frame-Options` altogether; that is for the caller to check.

use std::fmt;
use std::str::FromStr;

/// One `X-Frame-Options` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XFrameOptions {
    Deny,
    SameOrigin,
    /// `ALLOWALL`: explicitly allows framing by anyone (the HTML Standard recognises it).
    AllowAll,
    /// `ALLOW-FROM <uri>`: obsolete; no current browser supports it, all ignore it.
    AllowFrom,
}

/// A value that is not an `X-Frame-Options` keyword.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an X-Frame-Options value (DENY or SAMEORIGIN)")]
pub struct UnknownFrameOption(pub String);

impl FromStr for XFrameOptions {
    type Err = UnknownFrameOption;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("deny") {
            Ok(XFrameOptions::Deny)
        } else if s.eq_ignore_ascii_case("sameorigin") {
            Ok(XFrameOptions::SameOrigin)
        } else if s.eq_ignore_ascii_case("allowall") {
            Ok(XFrameOptions::AllowAll)
        } else if s
            .get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case("allow-from"))
        {
            Ok(XFrameOptions::AllowFrom)
        } else {
            Err(UnknownFrameOption(s.to_string()))
        }
    }
}

impl fmt::Display for XFrameOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            XFrameOptions::Deny => "DENY",
            XFrameOptions::SameOrigin => "SAMEORIGIN",
            XFrameOptions::AllowAll => "ALLOWALL",
            XFrameOptions::AllowFrom => "ALLOW-FROM",
        })
    }
}

/// What every `X-Frame-Options` line of a response amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameOptions<'a> {
    pub effect: FrameEffect,
    /// The values in order, as written (at most [`FrameOptions::MAX_VALUES`] kept).
    pub values: Vec<&'a str>,
    /// How many distinct values (ASCII case-insensitive) there were.
    pub distinct: usize,
}

/// What browsers do with the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameEffect {
    /// No framing at all.
    Deny,
    /// Framing by same-origin pages only.
    SameOrigin,
    /// Several distinct values including a known one: browsers block all framing.
    ConflictBlocksAll,
    /// The header is ignored (unknown, obsolete `ALLOW-FROM`, `ALLOWALL`, empty, or
    /// several unknown values): framing is allowed.
    Ignored,
}

impl<'a> FrameOptions<'a> {
    /// Most values kept for the report.
    pub const MAX_VALUES: usize = 8;

    /// Reads the values of every `X-Frame-Options` line (one `&str` per line).
    pub fn parse(lines: impl IntoIterator<Item = &'a str>) -> Self {
        let mut values: Vec<&'a str> = Vec::new();
        let mut distinct = 0;
        let mut known_in_set = false;
        for line in lines {
            for value in super::split_list(line) {
                let seen = values.iter().any(|v| v.eq_ignore_ascii_case(value));
                if !seen {
                    distinct += 1;
                    // `allow-from x` is not one of the three keywords of the rule.
                    if matches!(
                        value.parse(),
                        Ok(XFrameOptions::Deny
                            | XFrameOptions::SameOrigin
                            | XFrameOptions::AllowAll)
                    ) {
                        known_in_set = true;
                    }
                }
                if values.len() < Self::MAX_VALUES {
                    values.push(value);
                }
            }
        }
        let effect = if distinct > 1 {
            if known_in_set {
                FrameEffect::ConflictBlocksAll
            } else {
                FrameEffect::Ignored
            }
        } else {
            match values.first().map(|v| v.parse()) {
                Some(Ok(XFrameOptions::Deny)) => FrameEffect::Deny,
                Some(Ok(XFrameOptions::SameOrigin)) => FrameEffect::SameOrigin,
                _ => FrameEffect::Ignored,
            }
        };
        FrameOptions {
            effect,
            values,
            distinct,
        }
    }

    /// Whether browsers limit framing because of this header.
    pub fn protects(&self) -> bool {
        self.effect != FrameEffect::Ignored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_values() {
        assert_eq!(FrameOptions::parse(["DENY"]).effect, FrameEffect::Deny);
        assert_eq!(
            FrameOptions::parse([" sameorigin "]).effect,
            FrameEffect::SameOrigin
        );
        assert_eq!(
            FrameOptions::parse(["ALLOW-FROM https://example.com"]).effect,
            FrameEffect::Ignored
        );
        assert_eq!(
            FrameOptions::parse(["ALLOWALL"]).effect,
            FrameEffect::Ignored
        );
        assert_eq!(
            FrameOptions::parse(["deny-all"]).effect,
            FrameEffect::Ignored
        );
        assert_eq!(FrameOptions::parse([""]).effect, FrameEffect::Ignored);
    }

    #[test]
    fn several_values() {
        // Repeats of one value are one value.
        let f = FrameOptions::parse(["DENY", "deny"]);
        assert_eq!(
            (f.effect, f.distinct, f.values.len()),
            (FrameEffect::Deny, 1, 2)
        );
        assert_eq!(
            FrameOptions::parse(["DENY, SAMEORIGIN"]).effect,
            FrameEffect::ConflictBlocksAll
        );
        assert_eq!(
            FrameOptions::parse(["SAMEORIGIN", "ALLOW-FROM https://a.example"]).effect,
            FrameEffect::ConflictBlocksAll
        );
        assert_eq!(
            FrameOptions::parse(["foo, bar"]).effect,
            FrameEffect::Ignored
        );
    }

    #[test]
    fn keyword_parsing() {
        assert_eq!("Deny".parse(), Ok(XFrameOptions::Deny));
        assert_eq!("allow-from https://x".parse(), Ok(XFrameOptions::AllowFrom));
        assert!("allow".parse::<XFrameOptions>().is_err());
        assert!("é".parse::<XFrameOptions>().is_err());
    }
}
