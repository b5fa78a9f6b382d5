//! `Strict-Transport-Security` (RFC 6797 §6.1).
//!
//! ```text
//! Strict-Transport-Security = [ directive ] *( ";" [ directive ] )
//! directive                 = directive-name [ "=" directive-value ]
//! directive-name            = token
//! directive-value           = token / quoted-string
//! ```
//!
//! A browser ignores the whole header when it breaks this grammar, lacks `max-age`, or
//! repeats a directive (§6.1 items 2 and 4); it ignores directives it does not know
//! (item 5). [`StrictTransportSecurity::from_str`] fails exactly in the first case and
//! records unknown directives in the second, so a rule can tell "ignored entirely" from
//! "partly ignored".

use std::fmt;
use std::str::FromStr;

use super::{is_ows, is_tchar};

/// One year in seconds: the minimum `max-age` hstspreload.org accepts, and the
/// threshold headwarden expects by default.
pub const ONE_YEAR: u64 = 31_536_000;

/// 180 days in seconds: below this the MDN Observatory deducts points.
pub const SIX_MONTHS: u64 = 15_552_000;

/// A valid `Strict-Transport-Security` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictTransportSecurity {
    /// `max-age` in seconds (saturated at `u64::MAX`; browsers clamp far lower).
    pub max_age: u64,
    pub include_subdomains: bool,
    /// The `preload` directive of hstspreload.org (not part of RFC 6797; browsers
    /// ignore it, the preload list submission form reads it).
    pub preload: bool,
    /// Well-formed directives RFC 6797 does not define, as written; browsers ignore
    /// them (often a misspelling such as `includeSubDomain`).
    pub unknown_directives: Vec<String>,
}

/// Why a `Strict-Transport-Security` value is ignored by browsers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HstsError {
    #[error("the value is empty")]
    Empty,
    #[error("`max-age` is missing; it is the one required directive{}", similar_hint(.similar))]
    MissingMaxAge {
        /// An unknown directive that looks like a misspelt `max-age` (`maxage`).
        similar: Option<String>,
    },
    #[error("`{0}` appears more than once; each directive may appear only once")]
    DuplicateDirective(String),
    #[error("`max-age` must be a number of seconds (digits only), found `{0}`")]
    InvalidMaxAge(String),
    #[error("`{0}` takes no value")]
    UnexpectedValue(String),
    #[error("`{0}=` has no value")]
    MissingValue(String),
    #[error("a comma: HSTS takes one value, not a list (two headers folded into one line?)")]
    Comma,
    #[error("a quoted string is not closed")]
    UnterminatedQuote,
    #[error("unexpected `{found}` at byte {at}; directives are `name[=value]` separated by `;`")]
    Syntax { at: usize, found: char },
}

fn similar_hint(similar: &Option<String>) -> String {
    match similar {
        Some(name) => format!(" (found `{name}`; the directive is spelt `max-age`)"),
        None => String::new(),
    }
}

impl StrictTransportSecurity {
    /// Whether hstspreload.org would accept this value (its header requirements:
    /// `max-age` of at least one year, `includeSubDomains` and `preload`).
    pub fn is_preload_eligible(&self) -> bool {
        self.max_age >= ONE_YEAR && self.include_subdomains && self.preload
    }
}

impl FromStr for StrictTransportSecurity {
    type Err = HstsError;

    fn from_str(value: &str) -> Result<Self, HstsError> {
        let bytes = value.as_bytes();
        if bytes.iter().all(|&b| is_ows(b)) {
            return Err(HstsError::Empty);
        }
        let mut max_age: Option<u64> = None;
        let mut include_subdomains = false;
        let mut preload = false;
        let mut unknown_directives: Vec<String> = Vec::new();
        let mut i = 0;
        loop {
            i = skip_ows(bytes, i);
            let Some(&b) = bytes.get(i) else { break };
            match b {
                b';' => {
                    // An empty directive is allowed by the grammar.
                    i += 1;
                    continue;
                }
                b',' => return Err(HstsError::Comma),
                _ => {}
            }
            let name_start = i;
            while bytes.get(i).is_some_and(|&b| is_tchar(b)) {
                i += 1;
            }
            if i == name_start {
                return Err(syntax(value, i));
            }
            let name = &value[name_start..i];
            i = skip_ows(bytes, i);
            let mut directive_value: Option<&str> = None;
            if bytes.get(i) == Some(&b'=') {
                i = skip_ows(bytes, i + 1);
                match bytes.get(i) {
                    Some(b'"') => {
                        let (inner, next) = quoted(value, i)?;
                        directive_value = Some(inner);
                        i = next;
                    }
                    _ => {
                        let start = i;
                        while bytes.get(i).is_some_and(|&b| is_tchar(b)) {
                            i += 1;
                        }
                        if i == start {
                            return match bytes.get(i) {
                                None | Some(b';') => Err(HstsError::MissingValue(name.into())),
                                Some(b',') => Err(HstsError::Comma),
                                Some(_) => Err(syntax(value, i)),
                            };
                        }
                        directive_value = Some(&value[start..i]);
                    }
                }
                i = skip_ows(bytes, i);
            }
            match bytes.get(i) {
                None | Some(b';') => {}
                Some(b',') => return Err(HstsError::Comma),
                Some(_) => return Err(syntax(value, i)),
            }
            if name.eq_ignore_ascii_case("max-age") {
                if max_age.is_some() {
                    return Err(HstsError::DuplicateDirective("max-age".into()));
                }
                let digits = directive_value.ok_or(HstsError::MissingValue("max-age".into()))?;
                max_age = Some(parse_seconds(digits)?);
            } else if name.eq_ignore_ascii_case("includesubdomains") {
                if include_subdomains {
                    return Err(HstsError::DuplicateDirective("includeSubDomains".into()));
                }
                if directive_value.is_some() {
                    return Err(HstsError::UnexpectedValue("includeSubDomains".into()));
                }
                include_subdomains = true;
            } else if name.eq_ignore_ascii_case("preload") && directive_value.is_none() {
                if preload {
                    return Err(HstsError::DuplicateDirective("preload".into()));
                }
                preload = true;
            } else if !unknown_directives
                .iter()
                .any(|u| u.eq_ignore_ascii_case(name))
            {
                unknown_directives.push(name.to_string());
            }
        }
        let Some(max_age) = max_age else {
            let similar = unknown_directives
                .iter()
                .find(|u| u.to_ascii_lowercase().contains("max"))
                .cloned();
            return Err(HstsError::MissingMaxAge { similar });
        };
        Ok(StrictTransportSecurity {
            max_age,
            include_subdomains,
            preload,
            unknown_directives,
        })
    }
}

impl fmt::Display for StrictTransportSecurity {
    /// The canonical form (`max-age=31536000; includeSubDomains; preload`); unknown
    /// directives are left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "max-age={}", self.max_age)?;
        if self.include_subdomains {
            f.write_str("; includeSubDomains")?;
        }
        if self.preload {
            f.write_str("; preload")?;
        }
        Ok(())
    }
}

fn skip_ows(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|&b| is_ows(b)) {
        i += 1;
    }
    i
}

fn syntax(value: &str, at: usize) -> HstsError {
    let found = value
        .get(at..)
        .and_then(|s| s.chars().next())
        .unwrap_or('?');
    HstsError::Syntax { at, found }
}

/// Reads the quoted string starting at `start` (the `"`); returns its inner text (escapes
/// left in place) and the offset after the closing quote.
fn quoted(value: &str, start: usize) -> Result<(&str, usize), HstsError> {
    let bytes = value.as_bytes();
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Ok((&value[start + 1..i], i + 1)),
            _ => i += 1,
        }
    }
    Err(HstsError::UnterminatedQuote)
}

/// `delta-seconds = 1*DIGIT` (RFC 6797 §6.1.1), saturating like browsers do.
fn parse_seconds(s: &str) -> Result<u64, HstsError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HstsError::InvalidMaxAge(s.to_string()));
    }
    Ok(s.bytes().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<StrictTransportSecurity, HstsError> {
        s.parse()
    }

    #[test]
    fn reads_the_usual_values() {
        let h = parse("max-age=63072000; includeSubDomains; preload").unwrap();
        assert_eq!(h.max_age, 63_072_000);
        assert!(h.include_subdomains && h.preload && h.is_preload_eligible());
        assert!(h.unknown_directives.is_empty());
        assert_eq!(
            h.to_string(),
            "max-age=63072000; includeSubDomains; preload"
        );

        let h = parse("MAX-AGE = \"31536000\" ;INCLUDESUBDOMAINS;;").unwrap();
        assert_eq!(h.max_age, ONE_YEAR);
        assert!(h.include_subdomains && !h.preload);

        assert_eq!(parse("max-age=0").unwrap().max_age, 0);
        assert_eq!(
            parse("max-age=99999999999999999999999999").unwrap().max_age,
            u64::MAX
        );
    }

    #[test]
    fn keeps_unknown_directives() {
        let h = parse("max-age=31536000; includeSubDomain; foo=\"a;b\"; Foo").unwrap();
        assert_eq!(h.unknown_directives, ["includeSubDomain", "foo"]);
        assert!(!h.include_subdomains);
    }

    #[test]
    fn rejects_what_browsers_ignore() {
        assert_eq!(parse(""), Err(HstsError::Empty));
        assert_eq!(parse("  "), Err(HstsError::Empty));
        assert_eq!(
            parse("includeSubDomains"),
            Err(HstsError::MissingMaxAge { similar: None })
        );
        assert_eq!(
            parse("maxage=31536000"),
            Err(HstsError::MissingMaxAge {
                similar: Some("maxage".into())
            })
        );
        assert_eq!(
            parse("max-age=1; max-age=2"),
            Err(HstsError::DuplicateDirective("max-age".into()))
        );
        assert_eq!(
            parse("max-age=1; includeSubDomains; includesubdomains"),
            Err(HstsError::DuplicateDirective("includeSubDomains".into()))
        );
        assert_eq!(
            parse("max-age=-1"),
            Err(HstsError::InvalidMaxAge("-1".into()))
        );
        assert_eq!(
            parse("max-age=(1)"),
            Err(HstsError::Syntax { at: 8, found: '(' })
        );
        assert_eq!(
            parse("max-age=1y"),
            Err(HstsError::InvalidMaxAge("1y".into()))
        );
        assert_eq!(
            parse("max-age=\"\""),
            Err(HstsError::InvalidMaxAge(String::new()))
        );
        assert_eq!(
            parse("max-age=; includeSubDomains"),
            Err(HstsError::MissingValue("max-age".into()))
        );
        assert_eq!(
            parse("max-age=1; includeSubDomains=true"),
            Err(HstsError::UnexpectedValue("includeSubDomains".into()))
        );
        assert_eq!(parse("max-age=1, max-age=2"), Err(HstsError::Comma));
        assert_eq!(parse("max-age=\"1"), Err(HstsError::UnterminatedQuote));
        assert_eq!(
            parse("max-age=1 includeSubDomains"),
            Err(HstsError::Syntax { at: 10, found: 'i' })
        );
        assert!(parse("max-age=1; é").is_err());
    }

    #[test]
    fn never_panics_on_junk() {
        for junk in [
            "=",
            ";=",
            "max-age=\"\\",
            "\u{fffd}=1",
            "a=\"é",
            "max-age =",
            "\"",
            "max-age=1;\\",
        ] {
            let _ = parse(junk);
        }
    }
}
