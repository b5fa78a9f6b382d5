//! `Set-Cookie` analysis on top of the `cookie` crate.
//!
//! The crate splits the name-value pair; everything after it is read by our own
//! attribute scan, because the crate is lenient where a checker must not be: it drops
//! unknown attributes, invalid `SameSite` values, unparseable `Expires` and `Max-Age`
//! without a word, keeps no record of duplicates, and rejects the nameless cookies that
//! browsers do store. The scan follows the storage model of RFC 6265bis §5.6 (what a
//! browser ends up storing) and records, beside it, every departure from the grammar
//! of §4.1 as a [`CookieProblem`].
//!
//! Decisions worth knowing:
//! - **Prefixes** (`__Secure-`, `__Host-`, and the newer `__Http-`, `__Host-Http-`) are
//!   recognised case-insensitively. RFC 6265bis (since draft 15) and current browsers
//!   (Firefox's `CookiePrefixes::Check`, Chrome since 2024) match them that way, so that a
//!   server which folds cookie names to lower case cannot be tricked by `__host-`. Older
//!   browsers matched case-sensitively; [`PrefixMatch::exact_case`] says whether the
//!   name uses the canonical spelling.
//! - **Lifetime** needs a reference time and `core` has no clock (it runs in wasm). We
//!   use `Max-Age` when present (it wins over `Expires` in browsers); otherwise
//!   `Expires` minus the response's `Date` header. With `Expires` but no `Date`, the
//!   lifetime is [`Lifetime::Unknown`]; only an `Expires` before the year 2000 (the
//!   `Thu, 01 Jan 1970` deletion idiom) is then read as a deletion.
//! - **Deleted** cookies (`Max-Age` ≤ 0, or `Expires` not after `Date`) are logout and
//!   cleanup responses: rules about missing flags skip them.
//! - **Class**: session/auth-like, CSRF (meant to be read by JavaScript), or other, by
//!   name (see [`classify`]) and, for unrecognised names, by a value that looks like a
//!   Flask or Express signed session or a JWT.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::Serialize;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::exchange::Headers;
use crate::headers::is_tchar;
use crate::report::Finding;
use crate::rules::Context;

/// Browsers ignore a cookie whose name and value together exceed this (RFC 6265bis §5.6).
pub const MAX_NAME_VALUE_BYTES: usize = 4096;
/// Browsers ignore an attribute whose value exceeds this (RFC 6265bis §5.6).
pub const MAX_ATTRIBUTE_VALUE_BYTES: usize = 1024;
/// Attributes recorded per cookie; a header with thousands of `;` stays bounded.
pub const MAX_ATTRIBUTES: usize = 64;
/// Problems recorded per cookie.
pub const MAX_PROBLEMS: usize = 16;
/// Browsers cap a cookie's lifetime at 400 days (RFC 6265bis §5.6.1, Chrome 104+).
pub const BROWSER_MAX_LIFETIME_SECS: i64 = 400 * 86_400;

/// The `SameSite` attribute as written. Browsers treat [`SameSite::Invalid`] as if the
/// attribute were absent (the crate drops it silently; we keep it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SameSite {
    Strict,
    Lax,
    None,
    /// Any other value, as written (empty for a bare `SameSite` or `SameSite=`).
    Invalid(String),
}

impl SameSite {
    pub fn is_valid(&self) -> bool {
        !matches!(self, SameSite::Invalid(_))
    }
}

impl FromStr for SameSite {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(if s.eq_ignore_ascii_case("strict") {
            SameSite::Strict
        } else if s.eq_ignore_ascii_case("lax") {
            SameSite::Lax
        } else if s.eq_ignore_ascii_case("none") {
            SameSite::None
        } else {
            SameSite::Invalid(s.to_string())
        })
    }
}

impl fmt::Display for SameSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
            SameSite::Invalid(s) => s,
        })
    }
}

impl Serialize for SameSite {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Chrome's non-standard `Priority` attribute (eviction order).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Priority {
    Low,
    Medium,
    High,
    Invalid(String),
}

impl FromStr for Priority {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(if s.eq_ignore_ascii_case("low") {
            Priority::Low
        } else if s.eq_ignore_ascii_case("medium") {
            Priority::Medium
        } else if s.eq_ignore_ascii_case("high") {
            Priority::High
        } else {
            Priority::Invalid(s.to_string())
        })
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
            Priority::Invalid(s) => s,
        })
    }
}

impl Serialize for Priority {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A cookie name prefix that makes browsers enforce attributes (RFC 6265bis §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// `__Secure-`: needs `Secure`, set from a secure origin.
    Secure,
    /// `__Host-`: needs `Secure`, `Path=/` and no `Domain`.
    Host,
    /// `__Http-`: needs `Secure` and `HttpOnly` (newer drafts; Firefox).
    Http,
    /// `__Host-Http-`: the `__Host-` rules plus `HttpOnly` (newer drafts; Firefox).
    HostHttp,
}

impl Prefix {
    /// Longest first, so `__Host-Http-` is not read as `__Host-`.
    pub const ALL: [Prefix; 4] = [Prefix::HostHttp, Prefix::Secure, Prefix::Host, Prefix::Http];

    pub fn as_str(self) -> &'static str {
        match self {
            Prefix::Secure => "__Secure-",
            Prefix::Host => "__Host-",
            Prefix::Http => "__Http-",
            Prefix::HostHttp => "__Host-Http-",
        }
    }

    /// Whether the prefix carries the `__Host-` rules (Path=/, no Domain).
    pub fn is_host(self) -> bool {
        matches!(self, Prefix::Host | Prefix::HostHttp)
    }

    /// Whether the prefix requires `HttpOnly`.
    pub fn needs_http_only(self) -> bool {
        matches!(self, Prefix::Http | Prefix::HostHttp)
    }

    /// The prefix `name` starts with, matched case-insensitively as browsers now do.
    pub fn of(name: &str) -> Option<PrefixMatch> {
        let bytes = name.as_bytes();
        Prefix::ALL.into_iter().find_map(|prefix| {
            let p = prefix.as_str().as_bytes();
            let head = bytes.get(..p.len())?;
            head.eq_ignore_ascii_case(p).then(|| PrefixMatch {
                prefix,
                exact_case: head == p,
            })
        })
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Prefix {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Prefix::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown cookie prefix `{s}` (expected __Secure-, __Host-, __Http- or __Host-Http-)")
            })
    }
}

impl Serialize for Prefix {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A prefix found on a cookie name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PrefixMatch {
    pub prefix: Prefix,
    /// `false` for `__host-`, `__SECURE-`…: current browsers enforce the rules anyway,
    /// older ones (case-sensitive matching) do not.
    pub exact_case: bool,
}

/// What a cookie is for, as far as its name (or value) tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieClass {
    /// Session ids, auth and remember-me tokens, JWTs: stealing one is logging in.
    Session,
    /// Anti-CSRF tokens that JavaScript must read by design (double submit).
    Csrf,
    /// Preferences, analytics, load-balancer affinity, anything else.
    Other,
}

impl CookieClass {
    pub fn as_str(self) -> &'static str {
        match self {
            CookieClass::Session => "session",
            CookieClass::Csrf => "csrf",
            CookieClass::Other => "other",
        }
    }
}

impl fmt::Display for CookieClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CookieClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [CookieClass::Session, CookieClass::Csrf, CookieClass::Other]
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown cookie class `{s}` (expected session, csrf or other)"))
    }
}

/// How long the browser keeps the cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lifetime {
    /// Neither `Max-Age` nor `Expires`: kept until the browser session ends.
    BrowserSession,
    /// Seconds from the response (`Max-Age`, or `Expires` minus `Date`).
    Seconds(i64),
    /// `Max-Age` ≤ 0 or `Expires` in the past: the response deletes the cookie.
    Deleted,
    /// `Expires` without a `Date` header to measure it from.
    Unknown,
}

impl Lifetime {
    pub fn seconds(self) -> Option<i64> {
        match self {
            Lifetime::Seconds(s) => Some(s),
            _ => None,
        }
    }
}

/// The attributes RFC 6265bis and browsers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributeKind {
    Expires,
    MaxAge,
    Domain,
    Path,
    Secure,
    HttpOnly,
    SameSite,
    Partitioned,
    Priority,
    Unknown,
}

impl AttributeKind {
    const KNOWN: [AttributeKind; 9] = [
        AttributeKind::Expires,
        AttributeKind::MaxAge,
        AttributeKind::Domain,
        AttributeKind::Path,
        AttributeKind::Secure,
        AttributeKind::HttpOnly,
        AttributeKind::SameSite,
        AttributeKind::Partitioned,
        AttributeKind::Priority,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::Expires => "Expires",
            AttributeKind::MaxAge => "Max-Age",
            AttributeKind::Domain => "Domain",
            AttributeKind::Path => "Path",
            AttributeKind::Secure => "Secure",
            AttributeKind::HttpOnly => "HttpOnly",
            AttributeKind::SameSite => "SameSite",
            AttributeKind::Partitioned => "Partitioned",
            AttributeKind::Priority => "Priority",
            AttributeKind::Unknown => "unknown",
        }
    }

    /// Attributes that are flags (no value).
    pub fn is_flag(self) -> bool {
        matches!(
            self,
            AttributeKind::Secure | AttributeKind::HttpOnly | AttributeKind::Partitioned
        )
    }

    /// Case-insensitive, as browsers match attribute names.
    pub fn of(name: &str) -> AttributeKind {
        AttributeKind::KNOWN
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
            .unwrap_or(AttributeKind::Unknown)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for AttributeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AttributeKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match AttributeKind::of(s) {
            AttributeKind::Unknown => Err(format!("unknown cookie attribute `{s}`")),
            k => Ok(k),
        }
    }
}

/// One attribute as written in the header; [`SetCookie::attribute_text`] gives its text.
/// Kept as byte ranges into [`SetCookie::raw`], so recording attributes costs no
/// allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub kind: AttributeKind,
    name: Range<usize>,
    value: Option<Range<usize>>,
}

/// What an unknown attribute probably is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnknownHint {
    /// A misspelling of a known attribute (`Http-Only`, `Same_Site`, `MaxAge`):
    /// the protection the author meant is not there.
    Misspelt(AttributeKind),
    /// An RFC 2109/2965 leftover (`Version`, `Comment`, …) or a retired Chrome
    /// experiment (`SameParty`): harmless.
    Obsolete,
    None,
}

/// A departure from the `Set-Cookie` grammar (RFC 6265bis §4.1) or something browsers
/// drop or read differently than the author likely meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CookieProblem {
    #[error("the header holds no cookie (empty name and value); browsers ignore it")]
    Empty,
    #[error("the name-value pair has no `=`: browsers store a cookie with an empty name and the value `{0}`")]
    NoEquals(String),
    #[error("the cookie name is empty (`={0}`); browsers store a nameless cookie, many servers ignore it")]
    EmptyName(String),
    #[error("control character {0:#04x} in the header: browsers ignore the whole cookie")]
    ControlCharacter(u8),
    #[error("the name contains `{0}`, which a cookie name (an HTTP token) may not contain")]
    InvalidNameCharacter(char),
    #[error("the value contains `{0}`, outside the characters RFC 6265 allows in a cookie value; some servers and proxies mangle it")]
    InvalidValueCharacter(char),
    #[error("name and value are {0} bytes; browsers ignore cookies over 4096 bytes")]
    TooLarge(usize),
    #[error("several cookies seem folded into one header with `,` (near `{0}`); browsers read them as one broken cookie")]
    Folded(String),
    #[error("unknown attribute `{name}`{}", match hint {
        UnknownHint::Misspelt(k) => format!(": a misspelling of `{k}`? Browsers ignore it, so that protection is missing"),
        UnknownHint::Obsolete => " (obsolete, ignored by browsers)".to_string(),
        UnknownHint::None => " (ignored by browsers)".to_string(),
    })]
    UnknownAttribute { name: String, hint: UnknownHint },
    #[error("`{0}` appears more than once; browsers use the last one")]
    DuplicateAttribute(AttributeKind),
    #[error("`{0}` takes no value; browsers ignore `={1}` and set the flag anyway")]
    FlagWithValue(AttributeKind, String),
    #[error("`Max-Age={0}` is not a whole number of seconds; browsers ignore it")]
    InvalidMaxAge(String),
    #[error("`Expires={0}` is not a date browsers can read; they ignore it")]
    InvalidExpires(String),
    #[error("`{0}` has no value; browsers ignore it")]
    EmptyAttributeValue(AttributeKind),
    #[error("`Path={0}` does not start with `/`; browsers use the default path instead")]
    InvalidPath(String),
    #[error("`Priority={0}` is not Low, Medium or High; Chrome ignores it")]
    InvalidPriority(String),
    #[error("the `{0}` value is longer than 1024 bytes; browsers ignore the attribute")]
    AttributeTooLong(AttributeKind),
    #[error("more than {MAX_ATTRIBUTES} attributes; the rest were not recorded")]
    TooManyAttributes,
}

/// How much a [`CookieProblem`] matters (the `cookie-parse-error` rule uses it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemWeight {
    /// Cosmetic; browsers read the cookie as meant.
    Cosmetic,
    /// Browsers read it, but not as written (ignored attribute, last-one-wins).
    Ignored,
    /// Browsers drop the cookie, or a protection the author wrote is not there.
    Broken,
}

impl CookieProblem {
    pub fn weight(&self) -> ProblemWeight {
        use CookieProblem as P;
        match self {
            P::Empty | P::NoEquals(_) | P::ControlCharacter(_) | P::TooLarge(_) | P::Folded(_) => {
                ProblemWeight::Broken
            }
            P::UnknownAttribute {
                hint: UnknownHint::Misspelt(_),
                ..
            } => ProblemWeight::Broken,
            P::FlagWithValue(..)
            | P::UnknownAttribute {
                hint: UnknownHint::None,
                ..
            }
            | P::EmptyName(_)
            | P::InvalidNameCharacter(_)
            | P::InvalidMaxAge(_)
            | P::InvalidExpires(_)
            | P::EmptyAttributeValue(_)
            | P::InvalidPath(_)
            | P::InvalidPriority(_)
            | P::AttributeTooLong(_)
            | P::TooManyAttributes => ProblemWeight::Ignored,
            P::DuplicateAttribute(kind) if !kind.is_flag() => ProblemWeight::Ignored,
            P::DuplicateAttribute(_)
            | P::UnknownAttribute {
                hint: UnknownHint::Obsolete,
                ..
            }
            | P::InvalidValueCharacter(_) => ProblemWeight::Cosmetic,
        }
    }
}

/// One `Set-Cookie` header, parsed the way a browser stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// The header value as sent.
    pub raw: String,
    /// The header name as sent (`Set-Cookie`, `set-cookie`), for evidence.
    pub header: Cow<'static, str>,
    pub secure: bool,
    pub http_only: bool,
    /// The last `SameSite` attribute (browsers use the last one), invalid values kept.
    pub same_site: Option<SameSite>,
    /// The last non-empty `Domain`, as written (a leading `.` kept).
    pub domain: Option<String>,
    /// The last valid `Path` (starting with `/`), as written.
    pub path: Option<String>,
    /// The last valid `Max-Age`, in seconds (negative values kept as written).
    pub max_age: Option<i64>,
    /// The last readable `Expires`, as written.
    pub expires: Option<String>,
    /// [`SetCookie::expires`] as a UTC time.
    pub expires_at: Option<OffsetDateTime>,
    pub partitioned: bool,
    pub priority: Option<Priority>,
    pub prefix: Option<PrefixMatch>,
    pub class: CookieClass,
    pub lifetime: Lifetime,
    /// Every attribute as written, in order (at most [`MAX_ATTRIBUTES`]).
    pub attributes: Vec<Attribute>,
    /// Why the header could not be read as a cookie, or what in it is malformed.
    pub problems: Vec<CookieProblem>,
}

impl SetCookie {
    /// The name and value of `attr` as written (trimmed).
    pub fn attribute_text(&self, attr: &Attribute) -> (&str, Option<&str>) {
        (
            self.raw.get(attr.name.clone()).unwrap_or(""),
            attr.value.clone().and_then(|r| self.raw.get(r)),
        )
    }

    /// The response deletes the cookie (logout, cleanup).
    pub fn is_deleted(&self) -> bool {
        self.lifetime == Lifetime::Deleted
    }

    /// Whether browsers store this cookie at all, as far as the header alone tells
    /// (the scheme and host can still make them refuse it).
    pub fn is_storable(&self) -> bool {
        !self.problems.iter().any(|p| {
            matches!(
                p,
                CookieProblem::Empty
                    | CookieProblem::ControlCharacter(_)
                    | CookieProblem::TooLarge(_)
            )
        })
    }

    /// The `Domain` as browsers use it: lower case, without the leading dot.
    pub fn domain_normalized(&self) -> Option<String> {
        let d = self.domain.as_deref()?.trim_start_matches('.');
        (!d.is_empty()).then(|| d.to_ascii_lowercase())
    }

    /// `Path=/` (what `__Host-` requires).
    pub fn has_root_path(&self) -> bool {
        self.path.as_deref() == Some("/")
    }
}

/// Parses every `Set-Cookie` header of a response. A value holding several lines (a HAR
/// that joined repeated headers with `\n`) counts as one cookie per line. `Date`, when
/// present, is the reference time for `Expires`.
pub fn parse_all(headers: &Headers) -> Vec<SetCookie> {
    let date = headers.get("date").and_then(parse_cookie_date);
    let mut out = Vec::new();
    for h in headers.get_all("set-cookie") {
        if memchr::memchr(b'\n', h.value.as_bytes()).is_some() {
            out.extend(
                h.value
                    .split('\n')
                    .map(|l| l.trim_end_matches('\r'))
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| parse_with(l, &h.name, date)),
            );
        } else {
            out.push(parse_with(&h.value, &h.name, date));
        }
    }
    out
}

/// Parses one `Set-Cookie` value (no reference time for `Expires`).
pub fn parse(raw: &str) -> SetCookie {
    parse_with(raw, "Set-Cookie", None)
}

/// Parses one `Set-Cookie` value sent under header name `header`, measuring `Expires`
/// from `date` (the response's `Date`).
pub fn parse_with(raw: &str, header: &str, date: Option<OffsetDateTime>) -> SetCookie {
    let mut c = SetCookie {
        name: String::new(),
        value: String::new(),
        raw: raw.to_string(),
        header: match header {
            // The usual spellings, without an allocation.
            "Set-Cookie" => Cow::Borrowed("Set-Cookie"),
            "set-cookie" => Cow::Borrowed("set-cookie"),
            other => Cow::Owned(other.to_string()),
        },
        secure: false,
        http_only: false,
        same_site: None,
        domain: None,
        path: None,
        max_age: None,
        expires: None,
        expires_at: None,
        partitioned: false,
        priority: None,
        prefix: None,
        class: CookieClass::Other,
        lifetime: Lifetime::BrowserSession,
        attributes: Vec::new(),
        problems: Vec::new(),
    };
    let mut problems = Problems(Vec::new());

    if let Some(ch) = first_char_failing(raw, is_not_control) {
        problems.push(CookieProblem::ControlCharacter(ch as u8));
    }

    let (pair, attrs) = match memchr::memchr(b';', raw.as_bytes()) {
        Some(i) => (&raw[..i], Some(&raw[i + 1..])),
        None => (raw, None),
    };
    read_pair(pair, &mut c, &mut problems);
    if let Some(attrs) = attrs {
        read_attributes(raw, attrs, &mut c, &mut problems);
    }

    c.prefix = Prefix::of(&c.name);
    c.class = classify(&c.name, &c.value);
    c.lifetime = lifetime(c.max_age, c.expires_at, date);
    c.problems = problems.0;
    c
}

struct Problems(Vec<CookieProblem>);

impl Problems {
    fn push(&mut self, p: CookieProblem) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(p);
        }
    }
}

/// The name-value pair, split at the first `=` and trimmed (as the `cookie` crate and
/// browsers do); nameless pairs are read as browsers do. Split by hand: the crate's
/// parser also parses `Expires` with `time`'s format machinery, which would weigh on the
/// wasm builds for no gain here.
fn read_pair(pair: &str, c: &mut SetCookie, problems: &mut Problems) {
    match pair.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            c.name = name.trim().to_string();
            c.value = value.trim().to_string();
        }
        Some((_, value)) => {
            let value = value.trim();
            c.value = value.to_string();
            if value.is_empty() {
                problems.push(CookieProblem::Empty);
            } else {
                problems.push(CookieProblem::EmptyName(excerpt(value)));
            }
        }
        None => {
            let value = pair.trim();
            c.value = value.to_string();
            if value.is_empty() {
                problems.push(CookieProblem::Empty);
            } else {
                problems.push(CookieProblem::NoEquals(excerpt(value)));
            }
        }
    }
    if let Some(ch) = first_char_failing(&c.name, is_tchar) {
        problems.push(CookieProblem::InvalidNameCharacter(ch));
    }
    let bare = c
        .value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(&c.value);
    if let Some(at) = folded_at(bare) {
        problems.push(CookieProblem::Folded(excerpt(at)));
    } else if let Some(ch) = first_char_failing(bare, is_cookie_octet) {
        problems.push(CookieProblem::InvalidValueCharacter(ch));
    }
    let size = c.name.len() + c.value.len();
    if size > MAX_NAME_VALUE_BYTES {
        problems.push(CookieProblem::TooLarge(size));
    }
}

/// `str::split` on an ASCII byte, with the memchr crate's vectorised search.
struct SplitByte<'a> {
    rest: Option<&'a str>,
    byte: u8,
}

impl<'a> SplitByte<'a> {
    fn new(s: &'a str, byte: u8) -> Self {
        SplitByte {
            rest: Some(s),
            byte,
        }
    }
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match memchr::memchr(self.byte, rest.as_bytes()) {
            // `byte` is ASCII, so both sides are on char boundaries.
            Some(i) => {
                self.rest = rest.get(i + 1..);
                rest.get(..i)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// The byte range of `part`, a subslice of `whole`, within `whole`.
fn span(whole: &str, part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    start..start + part.len()
}

fn read_attributes(raw: &str, attrs: &str, c: &mut SetCookie, problems: &mut Problems) {
    let mut seen: u16 = 0;
    let mut overflow = false;
    for av in SplitByte::new(attrs, b';') {
        let av = av.trim();
        if av.is_empty() {
            continue; // `a=b; Path=/;`: a trailing `;` is harmless
        }
        let (name, value) = match memchr::memchr(b'=', av.as_bytes()) {
            Some(i) => (av[..i].trim(), Some(av[i + 1..].trim())),
            None => (av, None),
        };
        if let Some(at) = folded_at(av) {
            problems.push(CookieProblem::Folded(excerpt(at)));
        }
        let kind = AttributeKind::of(name);
        if c.attributes.len() < MAX_ATTRIBUTES {
            c.attributes.push(Attribute {
                kind,
                name: span(raw, name),
                value: value.map(|v| span(raw, v)),
            });
        } else if !overflow {
            overflow = true;
            problems.push(CookieProblem::TooManyAttributes);
        }
        if kind != AttributeKind::Unknown {
            if seen & kind.bit() != 0 {
                problems.push(CookieProblem::DuplicateAttribute(kind));
            }
            seen |= kind.bit();
        }
        if value.is_some_and(|v| v.len() > MAX_ATTRIBUTE_VALUE_BYTES) {
            problems.push(CookieProblem::AttributeTooLong(kind));
            continue;
        }
        apply_attribute(kind, name, value, c, problems);
    }
}

fn apply_attribute(
    kind: AttributeKind,
    name: &str,
    value: Option<&str>,
    c: &mut SetCookie,
    problems: &mut Problems,
) {
    let nonempty = value.filter(|v| !v.is_empty());
    match kind {
        AttributeKind::Secure | AttributeKind::HttpOnly | AttributeKind::Partitioned => {
            match kind {
                AttributeKind::Secure => c.secure = true,
                AttributeKind::HttpOnly => c.http_only = true,
                _ => c.partitioned = true,
            }
            if let Some(v) = value {
                problems.push(CookieProblem::FlagWithValue(kind, excerpt(v)));
            }
        }
        AttributeKind::SameSite => {
            let v = value.unwrap_or("");
            c.same_site = Some(v.parse().unwrap_or(SameSite::Invalid(String::new())));
        }
        AttributeKind::Domain => match nonempty {
            Some(d) => c.domain = Some(d.to_string()),
            None => problems.push(CookieProblem::EmptyAttributeValue(kind)),
        },
        AttributeKind::Path => match nonempty {
            Some(p) if p.starts_with('/') => c.path = Some(p.to_string()),
            Some(p) => {
                c.path = None;
                problems.push(CookieProblem::InvalidPath(excerpt(p)));
            }
            None => {
                c.path = None;
                problems.push(CookieProblem::EmptyAttributeValue(kind));
            }
        },
        AttributeKind::MaxAge => match nonempty {
            Some(v) => match parse_max_age(v) {
                Some(n) => c.max_age = Some(n),
                None => problems.push(CookieProblem::InvalidMaxAge(excerpt(v))),
            },
            None => problems.push(CookieProblem::EmptyAttributeValue(kind)),
        },
        AttributeKind::Expires => match nonempty {
            Some(v) => match parse_cookie_date(v) {
                Some(at) => {
                    c.expires = Some(v.to_string());
                    c.expires_at = Some(at);
                }
                None => problems.push(CookieProblem::InvalidExpires(excerpt(v))),
            },
            None => problems.push(CookieProblem::EmptyAttributeValue(kind)),
        },
        AttributeKind::Priority => {
            let p: Priority = value
                .unwrap_or("")
                .parse()
                .unwrap_or(Priority::Invalid(String::new()));
            if let Priority::Invalid(v) = &p {
                problems.push(CookieProblem::InvalidPriority(excerpt(v)));
            } else {
                c.priority = Some(p);
            }
        }
        AttributeKind::Unknown => problems.push(CookieProblem::UnknownAttribute {
            name: excerpt(name),
            hint: unknown_hint(name),
        }),
    }
}

/// `Max-Age` per RFC 6265bis §5.6.2: an optional `-` then digits; huge values saturate.
fn parse_max_age(v: &str) -> Option<i64> {
    let (negative, digits) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if negative { -n } else { n })
}

fn unknown_hint(name: &str) -> UnknownHint {
    const OBSOLETE: [&str; 6] = [
        "version",
        "comment",
        "commenturl",
        "discard",
        "port",
        "sameparty",
    ];
    let squashed: Vec<u8> = name
        .bytes()
        .filter(|b| !matches!(b, b'-' | b'_' | b' ' | b'.'))
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if OBSOLETE.iter().any(|o| o.as_bytes() == squashed.as_slice()) {
        return UnknownHint::Obsolete;
    }
    AttributeKind::KNOWN
        .into_iter()
        .find(|k| {
            let canon: Vec<u8> = k
                .as_str()
                .bytes()
                .filter(|&b| b != b'-')
                .map(|b| b.to_ascii_lowercase())
                .collect();
            // Equal once separators are gone (`Http-Only`, `MaxAge`), or one typo away
            // for the longer names (`Secured`, `HttpOnyl`, `SameSites`).
            canon == squashed || (canon.len() >= 6 && within_one_edit(&canon, &squashed))
        })
        .map_or(UnknownHint::None, UnknownHint::Misspelt)
}

/// Whether `a` and `b` differ by at most one inserted, deleted or replaced byte.
fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let common = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short.get(common + 1..) == long.get(common + 1..)
    } else {
        short.get(common..) == long.get(common + 1..)
    }
}

/// Where `s` holds `, name=` — a second cookie folded into the line. Dates in `Expires`
/// have commas too, but never an `=` after one.
fn folded_at(s: &str) -> Option<&str> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(off) = memchr::memchr(b',', bytes.get(from..)?) {
        let comma = from + off;
        let rest = &s[comma + 1..];
        let token = rest.trim_start_matches([' ', '\t']);
        let len = token.bytes().take_while(|&b| is_tchar(b)).count();
        if len > 0 && token.as_bytes().get(len) == Some(&b'=') {
            return Some(rest.trim_start());
        }
        from = comma + 1;
    }
    None
}

/// `cookie-octet` of RFC 6265 §4.1.1: visible ASCII except `"` `,` `;` `\`.
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e)
}

/// The first character of `s` whose first byte fails `ok` (ASCII tests: any non-ASCII
/// character fails them).
fn first_char_failing(s: &str, ok: fn(u8) -> bool) -> Option<char> {
    // A branch-free pass first (it vectorises); the common case stops here.
    if s.bytes().fold(true, |all, b| all & ok(b)) {
        return None;
    }
    let at = s.bytes().position(|b| !ok(b))?;
    s.get(at..)?.chars().next()
}

/// Not a control character that makes browsers ignore the cookie (RFC 6265bis §5.6:
/// %x00-08, %x0A-1F, %x7F; a tab is allowed). Bytes of non-ASCII characters pass.
fn is_not_control(b: u8) -> bool {
    (b >= 0x20 || b == b'\t') & (b != 0x7f)
}

/// At most 60 chars of `s`, for problem messages.
fn excerpt(s: &str) -> String {
    crate::report::shorten(s, 60).into_owned()
}

fn lifetime(
    max_age: Option<i64>,
    expires: Option<OffsetDateTime>,
    date: Option<OffsetDateTime>,
) -> Lifetime {
    if let Some(secs) = max_age {
        return if secs <= 0 {
            Lifetime::Deleted
        } else {
            Lifetime::Seconds(secs)
        };
    }
    let Some(expires) = expires else {
        return Lifetime::BrowserSession;
    };
    match date {
        Some(date) => {
            let secs = (expires - date).whole_seconds();
            if secs <= 0 {
                Lifetime::Deleted
            } else {
                Lifetime::Seconds(secs)
            }
        }
        // No clock in core: only the unmistakable deletion idiom is recognised.
        None if expires.year() < 2000 => Lifetime::Deleted,
        None => Lifetime::Unknown,
    }
}

/// `at` in RFC 3339 (`2026-11-23T13:14:09Z`, `Z` for UTC), as `time`'s `Rfc3339` format
/// writes it; `None` for years outside 0–9999. Written by hand: `time`'s formatting
/// machinery is large in the wasm builds.
pub fn rfc3339(at: OffsetDateTime) -> Option<String> {
    use std::fmt::Write as _;
    if !(0..=9999).contains(&at.year()) {
        return None;
    }
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    if at.nanosecond() != 0 {
        let frac = format!("{:09}", at.nanosecond());
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    let (h, m, s) = at.offset().as_hms();
    if s != 0 {
        return None;
    }
    if h == 0 && m == 0 {
        out.push('Z');
    } else {
        let sign = if h < 0 || m < 0 { '-' } else { '+' };
        let _ = write!(out, "{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs());
    }
    Some(out)
}

/// Parses a date the way browsers read `Expires` (RFC 6265 §5.1.1): tokens in any order,
/// so IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`), RFC 850 (`Wednesday, 21-Oct-15
/// 07:28:00 GMT`), asctime (`Wed Oct 21 07:28:00 2015`) and the Netscape variants all
/// read. Also used for the `Date` header, whose formats (RFC 9110) are a subset.
pub fn parse_cookie_date(s: &str) -> Option<OffsetDateTime> {
    parse_imf_fixdate(s).or_else(|| parse_cookie_date_general(s))
}

/// RFC 6265 §5.1.1 in full.
fn parse_cookie_date_general(s: &str) -> Option<OffsetDateTime> {
    let mut time: Option<(u8, u8, u8)> = None;
    let mut day: Option<u8> = None;
    let mut month: Option<u8> = None;
    let mut year: Option<i32> = None;
    let is_delimiter =
        |b: u8| matches!(b, 0x09 | 0x20..=0x2f | 0x3b..=0x40 | 0x5b..=0x60 | 0x7b..=0x7e);
    for token in s.as_bytes().split(|&b| is_delimiter(b)) {
        if token.is_empty() {
            continue;
        }
        if time.is_none() {
            if let Some(t) = date_time_token(token) {
                time = Some(t);
                continue;
            }
        }
        let digits = token.iter().take_while(|b| b.is_ascii_digit()).count();
        let digits_then_non_digit = |min: usize, max: usize| (min..=max).contains(&digits);
        if day.is_none() && digits_then_non_digit(1, 2) {
            day = Some(decimal(&token[..digits]) as u8);
            continue;
        }
        if month.is_none() && token.len() >= 3 {
            if let Some(m) = month_token(&token[..3]) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() && digits_then_non_digit(2, 4) {
            year = Some(decimal(&token[..digits]) as i32);
            continue;
        }
    }
    let (hour, minute, second) = time?;
    let mut year = year?;
    if (70..=99).contains(&year) {
        year += 1900;
    } else if (0..=69).contains(&year) {
        year += 2000;
    }
    if year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let date = Date::from_calendar_date(year, Month::try_from(month?).ok()?, day?).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// The fast path for the one format servers are asked to send (RFC 9110 IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`); anything else takes the general algorithm.
pub(crate) fn parse_imf_fixdate(s: &str) -> Option<OffsetDateTime> {
    let b: &[u8; 29] = s.trim().as_bytes().try_into().ok()?;
    if b[3] != b','
        || b[4] != b' '
        || b[7] != b' '
        || b[11] != b' '
        || b[16] != b' '
        || b[19] != b':'
        || b[22] != b':'
        || &b[25..] != b" GMT"
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let d = b.get(r)?;
        d.iter().all(u8::is_ascii_digit).then(|| decimal(d))
    };
    let day = u8::try_from(num(5..7)?).ok()?;
    let month = month_token(&b[8..11])?;
    let year = i32::try_from(num(12..16)?).ok()?;
    let (hour, minute, second) = (num(17..19)?, num(20..22)?, num(23..25)?);
    if year < 1601 {
        return None;
    }
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let time = Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

fn decimal(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// `hms-time = time-field ":" time-field ":" time-field` (1–2 digits each), then
/// nothing or a non-digit.
fn date_time_token(token: &[u8]) -> Option<(u8, u8, u8)> {
    let mut fields = [0u8; 3];
    let mut rest = token;
    for (i, field) in fields.iter_mut().enumerate() {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=2).contains(&n) {
            return None;
        }
        *field = decimal(&rest[..n]) as u8;
        rest = &rest[n..];
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        }
    }
    Some((fields[0], fields[1], fields[2]))
}

fn month_token(t: &[u8]) -> Option<u8> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    MONTHS
        .iter()
        .position(|m| t.eq_ignore_ascii_case(*m))
        .map(|i| i as u8 + 1)
}

/// Classifies a cookie by its name, then (for names that say nothing) by its value.
///
/// - CSRF: the name contains `csrf`, `xsrf`, `antiforgery` or
///   `requestverificationtoken` (Django `csrftoken`, `csrf_token`, Angular `XSRF-TOKEN`,
///   `_csrf`, Tornado `_xsrf`, ASP.NET antiforgery).
/// - Other: load-balancer affinity (`heroku-session-affinity`, `ARRAffinity`), whatever
///   else the name says.
/// - Session: the name contains `sess` (`session`, `sessionid`, `PHPSESSID`,
///   `JSESSIONID`, `laravel_session`, `_app_session`), `token`, `auth` (not `author`),
///   `login`, `logged_in`, `jwt` or `remember`; ends with `sid` (`sid`, `connect.sid`,
///   `SAPISID`); is a WordPress auth cookie or `.AspNetCore.Cookies`; or its value is a
///   Flask/itsdangerous signed session, an Express `s:` signed id, or a JWT.
pub fn classify(name: &str, value: &str) -> CookieClass {
    let bare = match Prefix::of(name) {
        Some(m) => name.get(m.prefix.as_str().len()..).unwrap_or(""),
        None => name,
    };
    // Names are short: lower-case them on the stack.
    let mut buf = [0u8; 64];
    let owned;
    let lower: &str = match buf.get_mut(..bare.len()) {
        Some(dst) => {
            dst.copy_from_slice(bare.as_bytes());
            dst.make_ascii_lowercase();
            std::str::from_utf8(dst).unwrap_or("")
        }
        None => {
            owned = bare.to_ascii_lowercase();
            &owned
        }
    };
    // Needles are short and names too: a plain scan beats a searcher's setup.
    let has = |w: &str| {
        let (hay, needle) = (lower.as_bytes(), w.as_bytes());
        hay.windows(needle.len())
            .any(|win| win[0] == needle[0] && win == needle)
    };
    if has("csrf") || has("xsrf") || has("antiforgery") || has("requestverificationtoken") {
        return CookieClass::Csrf;
    }
    if has("affinity") {
        return CookieClass::Other;
    }
    let auth =
        has("auth") && (!has("author") || has("authoriz") || has("authoris") || has("authent"));
    if auth
        || ["sess", "token", "login", "logged_in", "jwt", "remember"]
            .iter()
            .any(|w| has(w))
        || lower.ends_with("sid")
        || lower.starts_with("sid_")
        || lower.starts_with("sid-")
        || lower == "aspnetcore.cookies"
        || lower == ".aspnetcore.cookies"
        || (lower.starts_with("wordpress_") && !has("test_cookie"))
        || looks_like_session_value(value)
    {
        return CookieClass::Session;
    }
    CookieClass::Other
}

/// Flask/itsdangerous (`[.]payload.timestamp.signature`, 27-char SHA-1 signature),
/// Express (`s:id.signature`, raw or percent-encoded) or a JWT (`eyJ….eyJ….sig`).
fn looks_like_session_value(value: &str) -> bool {
    let v = value.trim_matches('"');
    if v.starts_with("s:") || v.starts_with("s%3A") {
        return v.contains('.');
    }
    let b64url = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let mut parts = v.trim_start_matches('.').split('.');
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if !(b64url(a) && b64url(b) && b64url(c)) {
        return false;
    }
    let jwt = a.starts_with("eyJ") && b.starts_with("eyJ");
    let itsdangerous = (4..=8).contains(&b.len()) && c.len() == 27;
    jwt || itsdangerous
}

/// The registrable part of a host (its "site"), approximated: the last two labels, or
/// three under a known multi-label public suffix (`co.uk`, `github.io`, …). IP
/// addresses and single labels are returned whole.
pub fn registrable_domain(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    let labels_from_end = |n: usize| -> &str {
        let mut idx = host.len();
        for _ in 0..n {
            match host[..idx].rfind('.') {
                Some(i) => idx = i,
                None => return host,
            }
        }
        &host[idx + 1..]
    };
    let two = labels_from_end(2);
    if is_known_multi_label_suffix(two) {
        labels_from_end(3)
    } else {
        two
    }
}

/// A `Domain` that browsers refuse because it is a public suffix, approximated: a single
/// label (`com`, `localhost`) or a well-known multi-label suffix (`co.uk`, `github.io`).
pub fn is_public_suffix_like(domain: &str) -> bool {
    let d = domain.trim_matches('.');
    d.parse::<std::net::IpAddr>().is_err() && (!d.contains('.') || is_known_multi_label_suffix(d))
}

fn is_known_multi_label_suffix(d: &str) -> bool {
    // A small sample of the Public Suffix List: the suffixes small apps deploy under.
    const SUFFIXES: [&str; 32] = [
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "com.au",
        "net.au",
        "org.au",
        "co.nz",
        "co.jp",
        "co.in",
        "co.za",
        "com.br",
        "com.cn",
        "com.mx",
        "com.tr",
        "github.io",
        "gitlab.io",
        "herokuapp.com",
        "appspot.com",
        "pages.dev",
        "workers.dev",
        "netlify.app",
        "vercel.app",
        "azurewebsites.net",
        "cloudfront.net",
        "blogspot.com",
        "web.app",
        "firebaseapp.com",
        "onrender.com",
        "fly.dev",
        "ngrok.io",
        "pythonanywhere.com",
    ];
    SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(d))
}

/// The cookie table of one exchange, for the JSON report and the web app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CookieView {
    pub name: String,
    pub class: CookieClass,
    pub attributes: CookieAttributesView,
    /// The response deletes this cookie (`Max-Age=0`, `Expires` in the past).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// Ids of the rules that fired for this cookie.
    pub verdicts: Vec<&'static str>,
    /// Parse problems, as sentences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// The attributes as browsers store them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CookieAttributesView {
    pub secure: bool,
    pub http_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<SameSite>,
    /// `false` when `same_site` is a value browsers ignore.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site_valid: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i64>,
    /// `Expires` as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// `Expires` as an RFC 3339 UTC time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Seconds the cookie lives (`Max-Age`, or `Expires` minus `Date`); absent for
    /// browser-session cookies, deletions and `Expires` without `Date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_seconds: Option<i64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partitioned: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<Prefix>,
}

impl CookieView {
    pub fn of(cookie: &SetCookie, findings: &[Finding]) -> Self {
        let mut verdicts: Vec<&'static str> = findings
            .iter()
            .filter(|f| f.cookie.as_deref() == Some(cookie.name.as_str()))
            .map(|f| f.rule)
            .collect();
        verdicts.sort_unstable();
        verdicts.dedup();
        let expires_at = cookie.expires_at.and_then(rfc3339);
        CookieView {
            name: cookie.name.clone(),
            class: cookie.class,
            attributes: CookieAttributesView {
                secure: cookie.secure,
                http_only: cookie.http_only,
                same_site_valid: cookie.same_site.as_ref().map(SameSite::is_valid),
                same_site: cookie.same_site.clone(),
                domain: cookie.domain.clone(),
                path: cookie.path.clone(),
                max_age: cookie.max_age,
                expires: cookie.expires.clone(),
                expires_at,
                lifetime_seconds: cookie.lifetime.seconds(),
                partitioned: cookie.partitioned,
                priority: cookie.priority.clone(),
                prefix: cookie.prefix.map(|p| p.prefix),
            },
            deleted: cookie.is_deleted(),
            verdicts,
            problems: cookie.problems.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The cookie table of one exchange. `findings` are that exchange's findings: verdicts
/// come from them (matched on the finding's `cookie` name), rules are not re-run. Two
/// `Set-Cookie` lines with the same name (a deletion and a new value) share verdicts,
/// since findings name cookies, not lines.
pub fn cookie_views(ctx: &Context<'_>, findings: &[Finding]) -> Vec<CookieView> {
    ctx.cookies()
        .iter()
        .map(|c| CookieView::of(c, findings))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(raw: &str) -> Vec<CookieProblem> {
        parse(raw).problems
    }

    #[test]
    fn reads_flask_session_cookie() {
        let c = parse(
            "session=eyJfZnJlc2giOmZhbHNlfQ.awQ8Hw.6GBb6nBbcSMvSjJ-8AUUmFcm8cw; HttpOnly; Path=/",
        );
        assert_eq!(c.name, "session");
        assert!(c.http_only && !c.secure);
        assert_eq!(c.path.as_deref(), Some("/"));
        assert_eq!(c.class, CookieClass::Session);
        assert_eq!(c.lifetime, Lifetime::BrowserSession);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.attributes.len(), 2);
        assert_eq!(c.attribute_text(&c.attributes[1]), ("Path", Some("/")));
        assert_eq!(c.attributes[0].kind, AttributeKind::HttpOnly);
    }

    #[test]
    fn reads_django_csrf_cookie_with_two_spaces() {
        let c = parse("  csrftoken=wBf7uAno81xHnzvy98aKCqqrSWTBtOZu; expires=Mon, 22 Nov 2027 13:14:09 GMT; Max-Age=31449600; Path=/; SameSite=Lax");
        assert_eq!(c.name, "csrftoken");
        assert_eq!(c.class, CookieClass::Csrf);
        assert_eq!(c.same_site, Some(SameSite::Lax));
        assert_eq!(c.lifetime, Lifetime::Seconds(31_449_600));
        assert!(c.expires_at.is_some());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
    }

    #[test]
    fn invalid_same_site_is_kept() {
        let c = parse("a=b; SameSite=Bogus");
        assert_eq!(c.same_site, Some(SameSite::Invalid("Bogus".into())));
        assert_eq!(
            parse("a=b; SameSite").same_site,
            Some(SameSite::Invalid(String::new()))
        );
        assert_eq!(
            parse("a=b; samesite=STRICT").same_site,
            Some(SameSite::Strict)
        );
        // Last one wins, as in browsers.
        assert_eq!(
            parse("a=b; SameSite=Lax; SameSite=x").same_site,
            Some(SameSite::Invalid("x".into()))
        );
        assert_eq!("none".parse::<SameSite>().unwrap().to_string(), "None");
    }

    #[test]
    fn nameless_and_empty_pairs() {
        let c = parse("secure; httponly");
        assert_eq!(c.name, "");
        assert_eq!(c.value, "secure");
        assert!(c.http_only);
        assert!(matches!(c.problems[0], CookieProblem::NoEquals(_)));
        assert!(matches!(problems("=abc")[0], CookieProblem::EmptyName(_)));
        assert_eq!(problems(""), vec![CookieProblem::Empty]);
        assert_eq!(problems("="), vec![CookieProblem::Empty]);
        assert!(!parse("").is_storable());
    }

    #[test]
    fn unknown_duplicate_and_misspelt_attributes() {
        let p = problems("a=b; Http-Only; Secure; Secure; Version=1; Foo=bar; Path=/; Path=/x");
        assert!(p.contains(&CookieProblem::UnknownAttribute {
            name: "Http-Only".into(),
            hint: UnknownHint::Misspelt(AttributeKind::HttpOnly)
        }));
        assert!(p.contains(&CookieProblem::DuplicateAttribute(AttributeKind::Secure)));
        assert!(p.contains(&CookieProblem::DuplicateAttribute(AttributeKind::Path)));
        assert!(p.contains(&CookieProblem::UnknownAttribute {
            name: "Version".into(),
            hint: UnknownHint::Obsolete
        }));
        assert!(p.contains(&CookieProblem::UnknownAttribute {
            name: "Foo".into(),
            hint: UnknownHint::None
        }));
        let p = problems("a=b; Secured; SameSites=Lax; MaxAge=5");
        assert!(
            p.iter().all(|p| p.weight() == ProblemWeight::Broken),
            "{p:?}"
        );
    }

    #[test]
    fn flag_with_value_still_sets_flag() {
        let c = parse("a=b; Secure=false; HttpOnly=0");
        assert!(c.secure && c.http_only);
        assert_eq!(c.problems.len(), 2);
    }

    #[test]
    fn control_characters_and_folding() {
        assert_eq!(problems("a=b\x01c")[0], CookieProblem::ControlCharacter(1));
        assert!(problems("a=1, b=2; Path=/")
            .iter()
            .any(|p| matches!(p, CookieProblem::Folded(_))));
        assert!(problems("a=1; Path=/, b=2; HttpOnly")
            .iter()
            .any(|p| matches!(p, CookieProblem::Folded(_))));
        assert!(problems("a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT, b=2")
            .iter()
            .any(|p| matches!(p, CookieProblem::Folded(_))));
        // The comma of a date is not folding.
        assert!(problems("a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT").is_empty());
    }

    #[test]
    fn value_characters() {
        assert!(problems("a=\"quoted\"").is_empty());
        assert_eq!(
            problems("a=b c"),
            vec![CookieProblem::InvalidValueCharacter(' ')]
        );
        assert_eq!(
            problems("a b=c"),
            vec![CookieProblem::InvalidNameCharacter(' ')]
        );
        let big = format!("a={}", "x".repeat(5000));
        assert!(matches!(problems(&big)[0], CookieProblem::TooLarge(5001)));
    }

    #[test]
    fn max_age_parsing() {
        assert_eq!(parse("a=b; Max-Age=0").lifetime, Lifetime::Deleted);
        assert_eq!(parse("a=b; Max-Age=-1").lifetime, Lifetime::Deleted);
        assert_eq!(parse("a=b; Max-Age=60").lifetime, Lifetime::Seconds(60));
        assert_eq!(
            parse("a=b; Max-Age=99999999999999999999999").max_age,
            Some(i64::MAX)
        );
        let c = parse("a=b; Max-Age=1h");
        assert_eq!(c.max_age, None);
        assert_eq!(c.problems, vec![CookieProblem::InvalidMaxAge("1h".into())]);
        // Max-Age wins over Expires.
        let c = parse("a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=10");
        assert_eq!(c.lifetime, Lifetime::Seconds(10));
    }

    #[test]
    fn cookie_dates_in_every_format() {
        let want = parse_cookie_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        for s in [
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
            "Wed, 21-Oct-2015 07:28:00 GMT",
            "21 Oct 2015 07:28:00",
            "Wed, 21 Oct 2015 07:28:00 +0000",
            "wed, 21 OCT 2015 07:28:00 gmt",
        ] {
            assert_eq!(parse_cookie_date(s), Some(want), "{s}");
        }
        assert_eq!(parse_cookie_date("Wed, 31 Feb 2015 07:28:00 GMT"), None);
        assert_eq!(parse_cookie_date("Wed, 21 Oct 2015 25:28:00 GMT"), None);
        assert_eq!(parse_cookie_date("tomorrow"), None);
        assert_eq!(parse_cookie_date("Wed, 21 Oct 1500 07:28:00 GMT"), None);
        assert_eq!(parse_cookie_date(""), None);
    }

    #[test]
    fn fast_and_general_date_paths_agree() {
        for s in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Tue, 29 Feb 2028 23:59:59 GMT",
            "Tue, 30 Feb 2028 23:59:59 GMT",
            "Tue, 23 Nov 2027 24:00:00 GMT",
            "Tue, 23 Xyz 2027 13:14:07 GMT",
        ] {
            assert_eq!(parse_imf_fixdate(s), parse_cookie_date_general(s), "{s}");
        }
        let split: Vec<&str> = SplitByte::new("a;b;;c;", b';').collect();
        assert_eq!(split, vec!["a", "b", "", "c", ""]);
    }

    #[test]
    fn expires_relative_to_date_header() {
        let mut h = Headers::new();
        h.append("Date", "Mon, 23 Nov 2026 13:14:07 GMT");
        h.append(
            "Set-Cookie",
            "remember_token=1|abc; Expires=Tue, 23 Nov 2027 13:14:07 GMT; HttpOnly; Path=/",
        );
        h.append(
            "Set-Cookie",
            "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
        );
        h.append("Set-Cookie", "old=1; Expires=Sun, 22 Nov 2026 13:14:07 GMT");
        let cs = parse_all(&h);
        assert_eq!(cs[0].lifetime, Lifetime::Seconds(365 * 86_400));
        assert_eq!(cs[0].class, CookieClass::Session);
        assert!(cs[1].is_deleted());
        assert!(cs[2].is_deleted());
        // Without Date: unknown, except the 1970 idiom.
        assert_eq!(
            parse("a=b; Expires=Tue, 23 Nov 2027 13:14:07 GMT").lifetime,
            Lifetime::Unknown
        );
        assert!(parse("a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT").is_deleted());
        let c = parse("a=b; Expires=soon");
        assert_eq!(
            c.problems,
            vec![CookieProblem::InvalidExpires("soon".into())]
        );
        assert_eq!(c.lifetime, Lifetime::BrowserSession);
    }

    #[test]
    fn multi_line_values_are_split() {
        let mut h = Headers::new();
        h.append("set-cookie", "a=1; Secure\nb=2; HttpOnly");
        let cs = parse_all(&h);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[1].name, "b");
        assert_eq!(cs[1].header, "set-cookie");
    }

    #[test]
    fn prefixes_case_insensitive() {
        let m = Prefix::of("__Host-sid").unwrap();
        assert_eq!(m.prefix, Prefix::Host);
        assert!(m.exact_case);
        let m = Prefix::of("__host-sid").unwrap();
        assert_eq!(m.prefix, Prefix::Host);
        assert!(!m.exact_case);
        assert_eq!(
            Prefix::of("__Host-Http-x").unwrap().prefix,
            Prefix::HostHttp
        );
        assert_eq!(Prefix::of("__Secure-x").unwrap().prefix, Prefix::Secure);
        assert_eq!(Prefix::of("__Http-x").unwrap().prefix, Prefix::Http);
        assert_eq!(Prefix::of("_Host-x"), None);
        assert_eq!(Prefix::of("__H"), None);
        assert_eq!("__host-".parse::<Prefix>(), Ok(Prefix::Host));
    }

    #[test]
    fn classification() {
        use CookieClass::*;
        for (name, class) in [
            ("session", Session),
            ("sessionid", Session),
            ("sid", Session),
            ("connect.sid", Session),
            ("JSESSIONID", Session),
            ("PHPSESSID", Session),
            ("laravel_session", Session),
            ("_myapp_session", Session),
            ("remember_token", Session),
            ("auth", Session),
            ("auth_token", Session),
            ("access_token", Session),
            ("jwt", Session),
            ("__Host-session", Session),
            ("wordpress_logged_in_abc", Session),
            (".AspNetCore.Cookies", Session),
            ("csrftoken", Csrf),
            ("csrf_token", Csrf),
            ("XSRF-TOKEN", Csrf),
            ("_csrf", Csrf),
            ("__Host-csrf", Csrf),
            ("heroku-session-affinity", Other),
            ("_ga", Other),
            ("theme", Other),
            ("author_name", Other),
            ("lang", Other),
        ] {
            assert_eq!(classify(name, "x"), class, "{name}");
        }
        // Unrecognised names with session-like values.
        assert_eq!(
            classify(
                "myapp",
                "eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE"
            ),
            Session
        );
        assert_eq!(classify("x", "s%3Aabc.def"), Session);
        assert_eq!(
            classify("x", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"),
            Session
        );
        assert_eq!(classify("x", "1.2.3"), Other);
        assert_eq!("csrf".parse::<CookieClass>(), Ok(Csrf));
    }

    #[test]
    fn domains() {
        assert_eq!(registrable_domain("app.example.com"), "example.com");
        assert_eq!(registrable_domain("www.example.co.uk"), "example.co.uk");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
        assert_eq!(registrable_domain("localhost"), "localhost");
        assert!(is_public_suffix_like("com"));
        assert!(is_public_suffix_like(".co.uk"));
        assert!(!is_public_suffix_like("example.com"));
        assert!(!is_public_suffix_like("10.0.0.1"));
        assert_eq!(
            parse("a=b; Domain=.Example.COM")
                .domain_normalized()
                .as_deref(),
            Some("example.com")
        );
        assert_eq!(
            problems("a=b; Domain="),
            vec![CookieProblem::EmptyAttributeValue(AttributeKind::Domain)]
        );
    }

    #[test]
    fn bounded_attributes() {
        let raw = format!("a=b{}", "; x".repeat(1000));
        let c = parse(&raw);
        assert_eq!(c.attributes.len(), MAX_ATTRIBUTES);
        assert!(c.problems.len() <= MAX_PROBLEMS);
    }

    #[test]
    fn view_serializes() {
        let c = parse("__Host-sid=x; Secure; Path=/; SameSite=bogus; Max-Age=60");
        let v = CookieView::of(&c, &[]);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["name"], "__Host-sid");
        assert_eq!(json["class"], "session");
        assert_eq!(json["attributes"]["same_site"], "bogus");
        assert_eq!(json["attributes"]["same_site_valid"], false);
        assert_eq!(json["attributes"]["prefix"], "__Host-");
        assert_eq!(json["attributes"]["lifetime_seconds"], 60);
        assert!(json.get("deleted").is_none());
    }

    #[test]
    fn rfc3339_matches_time_crate() {
        use time::format_description::well_known::Rfc3339;
        use time::UtcOffset;
        let base = [
            0i64,
            1_795_000_000,
            -62_167_219_200,
            253_402_300_799,
            951_782_400,
        ];
        for s in base {
            let at = OffsetDateTime::from_unix_timestamp(s).unwrap();
            for at in [
                Some(at),
                at.replace_nanosecond(120_000_000).ok(),
                at.checked_to_offset(UtcOffset::from_hms(5, 30, 0).unwrap()),
                at.checked_to_offset(UtcOffset::from_hms(-3, 0, 0).unwrap()),
            ]
            .into_iter()
            .flatten()
            {
                assert_eq!(rfc3339(at), at.format(&Rfc3339).ok(), "{at}");
            }
        }
        let far = OffsetDateTime::from_unix_timestamp(-62_167_219_201).unwrap();
        assert_eq!(rfc3339(far), None);
    }

    #[test]
    fn pair_split_like_the_cookie_crate() {
        let c = parse(" sid = abc def ; Secure");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("sid", "abc def"));
        let c = parse("a==b");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("a", "=b"));
        let c = parse(" =v");
        assert_eq!(c.name, "");
        assert_eq!(c.value, "v");
    }
}
