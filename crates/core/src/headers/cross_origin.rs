//! `Cross-Origin-Opener-Policy`
//! (<https://html.spec.whatwg.org/multipage/browsers.html#cross-origin-opener-policies>) and
//! `Cross-Origin-Resource-Policy`
//! (<https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header>).
//!
//! COOP is a structured-field item: a token, optionally with parameters
//! (`same-origin; report-to="coop"`). CORP is compared byte for byte with its three
//! values; a repeated header folds to `same-origin, same-origin`, which matches none and
//! is ignored. Both are case-sensitive.

use std::fmt;
use std::str::FromStr;

use super::structured::{self, BareItem};

/// A `Cross-Origin-Opener-Policy` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossOriginOpenerPolicy {
    SameOrigin,
    SameOriginAllowPopups,
    NoopenerAllowPopups,
    /// The default: no isolation.
    UnsafeNone,
}

/// A value browsers ignore (they fall back to `unsafe-none`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CrossOriginError {
    #[error("`{0}` is not a valid value (values are lowercase and case-sensitive)")]
    Unknown(String),
    #[error("not a structured-field token: {0}")]
    Syntax(#[from] structured::StructuredFieldError),
}

impl CrossOriginOpenerPolicy {
    pub const ALL: [CrossOriginOpenerPolicy; 4] = [
        CrossOriginOpenerPolicy::SameOrigin,
        CrossOriginOpenerPolicy::SameOriginAllowPopups,
        CrossOriginOpenerPolicy::NoopenerAllowPopups,
        CrossOriginOpenerPolicy::UnsafeNone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CrossOriginOpenerPolicy::SameOrigin => "same-origin",
            CrossOriginOpenerPolicy::SameOriginAllowPopups => "same-origin-allow-popups",
            CrossOriginOpenerPolicy::NoopenerAllowPopups => "noopener-allow-popups",
            CrossOriginOpenerPolicy::UnsafeNone => "unsafe-none",
        }
    }
}

impl fmt::Display for CrossOriginOpenerPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CrossOriginOpenerPolicy {
    type Err = CrossOriginError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let token = match structured::parse_item(s)? {
            BareItem::Token(t) => t,
            _ => return Err(CrossOriginError::Unknown(s.trim().to_string())),
        };
        CrossOriginOpenerPolicy::ALL
            .into_iter()
            .find(|p| p.as_str() == token)
            .ok_or_else(|| CrossOriginError::Unknown(token.to_string()))
    }
}

/// A `Cross-Origin-Resource-Policy` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossOriginResourcePolicy {
    SameOrigin,
    SameSite,
    /// Explicitly shareable with every site (public APIs, CDNs).
    CrossOrigin,
}

impl CrossOriginResourcePolicy {
    pub const ALL: [CrossOriginResourcePolicy; 3] = [
        CrossOriginResourcePolicy::SameOrigin,
        CrossOriginResourcePolicy::SameSite,
        CrossOriginResourcePolicy::CrossOrigin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CrossOriginResourcePolicy::SameOrigin => "same-origin",
            CrossOriginResourcePolicy::SameSite => "same-site",
            CrossOriginResourcePolicy::CrossOrigin => "cross-origin",
        }
    }
}

impl fmt::Display for CrossOriginResourcePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CrossOriginResourcePolicy {
    type Err = CrossOriginError;

    /// `s` is the combined value of every header line (Fetch "get").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim_matches([' ', '\t']);
        CrossOriginResourcePolicy::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| CrossOriginError::Unknown(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coop() {
        assert_eq!(
            "same-origin".parse(),
            Ok(CrossOriginOpenerPolicy::SameOrigin)
        );
        assert_eq!(
            "same-origin-allow-popups; report-to=\"x\"".parse(),
            Ok(CrossOriginOpenerPolicy::SameOriginAllowPopups)
        );
        assert!("Same-Origin".parse::<CrossOriginOpenerPolicy>().is_err());
        assert!("same-origin, same-origin"
            .parse::<CrossOriginOpenerPolicy>()
            .is_err());
        assert!("\"same-origin\""
            .parse::<CrossOriginOpenerPolicy>()
            .is_err());
        for p in CrossOriginOpenerPolicy::ALL {
            assert_eq!(p.to_string().parse(), Ok(p));
        }
    }

    #[test]
    fn corp() {
        assert_eq!(
            " same-site ".parse(),
            Ok(CrossOriginResourcePolicy::SameSite)
        );
        assert!("same-origin, same-origin"
            .parse::<CrossOriginResourcePolicy>()
            .is_err());
        assert!("SAME-ORIGIN".parse::<CrossOriginResourcePolicy>().is_err());
        for p in CrossOriginResourcePolicy::ALL {
            assert_eq!(p.to_string().parse(), Ok(p));
        }
    }
}
