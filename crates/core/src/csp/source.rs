//! Source expressions (CSP3 §2.3.1 "Source Lists"): the grammar, as a typed enum, and a
//! parser with precise errors.
//!
//! ```text
//! source-expression = scheme-source / host-source / keyword-source / nonce-source / hash-source
//! scheme-source     = scheme-part ":"
//! host-source       = [ scheme-part "://" ] host-part [ ":" port-part ] [ path-part ]
//! host-part         = "*" / [ "*." ] 1*host-char *( "." 1*host-char ) [ "." ]
//! port-part         = 1*DIGIT / "*"
//! nonce-source      = "'nonce-" base64-value "'"
//! hash-source       = "'" hash-algorithm "-" base64-value "'"
//! base64-value      = 1*( ALPHA / DIGIT / "+" / "/" / "-" / "_" ) *2( "=" )
//! ```
//!
//! ABNF string literals are case-insensitive (RFC 5234 §2.3), so `'SELF'`, `'Nonce-…'` and
//! `'SHA256-…'` are valid; browsers agree.
//!
//! [`SourceExpression`] is generic over how it holds text: `SourceExpression<&str>` borrows
//! the policy (what [`parse`] returns, no allocation), `SourceExpression<Span>` is how a
//! parsed policy stores it, and `SourceExpression<String>` owns it (its [`FromStr`]).

use std::fmt;
use std::str::FromStr;

macro_rules! keywords {
    ($( $(#[$doc:meta])* $id:ident = $text:literal ),* $(,)?) => {
        /// The quoted keywords (`keyword-source`, plus `'none'`), and a few that browsers
        /// still accept under older names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Keyword { $( $(#[$doc])* $id ),* }

        impl Keyword {
            pub const ALL: &'static [Keyword] = &[$(Keyword::$id),*];

            /// The keyword without its quotes, lowercase (`self`).
            pub fn name(self) -> &'static str {
                match self { $(Keyword::$id => $text),* }
            }

            /// The keyword for a name without quotes, ASCII case-insensitively.
            pub fn from_name(name: &str) -> Option<Keyword> {
                const NAMES: &[(&str, Keyword)] = &[$(($text, Keyword::$id)),*];
                NAMES
                    .iter()
                    .find(|(n, _)| n.len() == name.len() && n.eq_ignore_ascii_case(name))
                    .map(|(_, k)| *k)
            }
        }
    };
}

keywords! {
    None = "none",
    SelfOrigin = "self",
    UnsafeInline = "unsafe-inline",
    UnsafeEval = "unsafe-eval",
    StrictDynamic = "strict-dynamic",
    UnsafeHashes = "unsafe-hashes",
    ReportSample = "report-sample",
    UnsafeAllowRedirects = "unsafe-allow-redirects",
    WasmUnsafeEval = "wasm-unsafe-eval",
    TrustedTypesEval = "trusted-types-eval",
    ReportSha256 = "report-sha256",
    ReportSha384 = "report-sha384",
    ReportSha512 = "report-sha512",
    UnsafeWebtransportHashes = "unsafe-webtransport-hashes",
    /// Chromium: allows inline `<script type="speculationrules">`.
    InlineSpeculationRules = "inline-speculation-rules",
    /// Chromium's name for `'wasm-unsafe-eval'` before it was standardised.
    WasmEval = "wasm-eval",
    /// CSP3 drafts' name for `'unsafe-hashes'`.
    UnsafeHashedAttributes = "unsafe-hashed-attributes",
}

impl Keyword {
    /// Whether this is an older spelling that still works but has a standard name.
    pub fn standard_name(self) -> Option<Keyword> {
        match self {
            Keyword::WasmEval => Some(Keyword::WasmUnsafeEval),
            Keyword::UnsafeHashedAttributes => Some(Keyword::UnsafeHashes),
            _ => Option::None,
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.name())
    }
}

impl FromStr for Keyword {
    type Err = SourceError;
    /// Parses the quoted form (`'self'`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse(s)? {
            SourceExpression::Keyword(k) => Ok(k),
            _ => Err(SourceError::UnknownKeyword),
        }
    }
}

/// `hash-algorithm` (CSP3 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HashAlgorithm {
    type Err = SourceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ]
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(s))
        .ok_or(SourceError::UnsupportedHashAlgorithm)
    }
}

/// `port-part`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Port {
    /// `:*`
    Any,
    Number(u16),
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Port::Any => f.write_str("*"),
            Port::Number(n) => write!(f, "{n}"),
        }
    }
}

/// `host-part`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostPattern<S> {
    /// `*`: any host.
    Any,
    /// `*.example.com`: any subdomain of the given host (not the host itself).
    Wildcard(S),
    Exact(S),
}

/// `host-source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostSource<S> {
    /// `scheme-part`, without `://`.
    pub scheme: Option<S>,
    pub host: HostPattern<S>,
    pub port: Option<Port>,
    /// `path-part`, starting with `/`.
    pub path: Option<S>,
}

/// One parsed source expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceExpression<S> {
    Keyword(Keyword),
    /// `'nonce-…'`: the base64-value.
    Nonce(S),
    /// `'sha256-…'`: the algorithm and the base64-value.
    Hash {
        algorithm: HashAlgorithm,
        digest: S,
    },
    /// `https:`: the scheme, without the colon.
    Scheme(S),
    Host(HostSource<S>),
}

impl<S> SourceExpression<S> {
    /// Converts the text it holds (e.g. from spans to `&str`).
    pub fn map<T>(self, mut f: impl FnMut(S) -> T) -> SourceExpression<T> {
        match self {
            SourceExpression::Keyword(k) => SourceExpression::Keyword(k),
            SourceExpression::Nonce(s) => SourceExpression::Nonce(f(s)),
            SourceExpression::Hash { algorithm, digest } => SourceExpression::Hash {
                algorithm,
                digest: f(digest),
            },
            SourceExpression::Scheme(s) => SourceExpression::Scheme(f(s)),
            SourceExpression::Host(h) => SourceExpression::Host(HostSource {
                scheme: h.scheme.map(&mut f),
                host: match h.host {
                    HostPattern::Any => HostPattern::Any,
                    HostPattern::Wildcard(s) => HostPattern::Wildcard(f(s)),
                    HostPattern::Exact(s) => HostPattern::Exact(f(s)),
                },
                port: h.port,
                path: h.path.map(f),
            }),
        }
    }

    pub fn keyword(&self) -> Option<Keyword> {
        match self {
            SourceExpression::Keyword(k) => Some(*k),
            _ => Option::None,
        }
    }

    pub fn is_keyword(&self, keyword: Keyword) -> bool {
        self.keyword() == Some(keyword)
    }

    /// A nonce or a hash: what disables `'unsafe-inline'` (CSP3 §6.7.3.2).
    pub fn is_nonce_or_hash(&self) -> bool {
        matches!(
            self,
            SourceExpression::Nonce(_) | SourceExpression::Hash { .. }
        )
    }

    /// A URL-matching expression: host, scheme, or `'self'` — what `'strict-dynamic'`
    /// makes the browser ignore for scripts (CSP3 §8.2).
    pub fn is_url_based(&self) -> bool {
        matches!(
            self,
            SourceExpression::Host(_)
                | SourceExpression::Scheme(_)
                | SourceExpression::Keyword(Keyword::SelfOrigin)
        )
    }

    /// What kind of expression this is, for views and messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            SourceExpression::Keyword(_) => "keyword",
            SourceExpression::Nonce(_) => "nonce",
            SourceExpression::Hash { .. } => "hash",
            SourceExpression::Scheme(_) => "scheme",
            SourceExpression::Host(_) => "host",
        }
    }
}

impl<S: AsRef<str>> fmt::Display for SourceExpression<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceExpression::Keyword(k) => k.fmt(f),
            SourceExpression::Nonce(n) => write!(f, "'nonce-{}'", n.as_ref()),
            SourceExpression::Hash { algorithm, digest } => {
                write!(f, "'{algorithm}-{}'", digest.as_ref())
            }
            SourceExpression::Scheme(s) => write!(f, "{}:", s.as_ref()),
            SourceExpression::Host(h) => {
                if let Some(scheme) = &h.scheme {
                    write!(f, "{}://", scheme.as_ref())?;
                }
                match &h.host {
                    HostPattern::Any => f.write_str("*")?,
                    HostPattern::Wildcard(s) => write!(f, "*.{}", s.as_ref())?,
                    HostPattern::Exact(s) => f.write_str(s.as_ref())?,
                }
                if let Some(port) = h.port {
                    write!(f, ":{port}")?;
                }
                if let Some(path) = &h.path {
                    f.write_str(path.as_ref())?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for SourceExpression<String> {
    type Err = SourceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s).map(|e| e.map(str::to_owned))
    }
}

/// Why a token is not a valid source expression. Positions are byte offsets in the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("empty source expression")]
    Empty,
    #[error("non-ASCII character {} at position {at}", Escaped(*ch))]
    NonAscii { at: usize, ch: char },
    #[error("control character {} at position {at}", Escaped(*ch))]
    ControlCharacter { at: usize, ch: char },
    #[error("double quotes: CSP keywords, nonces and hashes take single quotes ('…')")]
    DoubleQuoted,
    #[error("opening single quote without a closing one")]
    UnterminatedQuote,
    #[error("unexpected {} after the closing quote at position {at}", Escaped(*ch))]
    AfterClosingQuote { at: usize, ch: char },
    #[error("not a CSP keyword")]
    UnknownKeyword,
    #[error("nonce without a value")]
    EmptyNonce,
    #[error("{} at position {at} is not allowed in a nonce (base64 or base64url characters only, then up to two '=')", Escaped(*ch))]
    NonceCharacter { at: usize, ch: char },
    #[error("hash without a digest")]
    EmptyHash,
    #[error("{} at position {at} is not allowed in a hash digest (base64 or base64url characters only, then up to two '=')", Escaped(*ch))]
    HashCharacter { at: usize, ch: char },
    #[error("unsupported hash algorithm: CSP accepts sha256, sha384 and sha512")]
    UnsupportedHashAlgorithm,
    #[error("looks like a nonce or hash without its single quotes")]
    UnquotedNonceOrHash,
    #[error("{} at position {at} is not allowed in a scheme", Escaped(*ch))]
    SchemeCharacter { at: usize, ch: char },
    #[error("no host after the scheme")]
    EmptyHost,
    #[error("{} at position {at} is not allowed in a host (letters, digits, '-' and '.' only; IDNs must be punycode)", Escaped(*ch))]
    HostCharacter { at: usize, ch: char },
    #[error("empty label in the host at position {at}")]
    EmptyHostLabel { at: usize },
    #[error("wildcard at position {at}: '*' is allowed only alone or as the leftmost label ('*.example.com')")]
    MisplacedWildcard { at: usize },
    #[error("IP-literal hosts ('[…]') are not allowed in CSP sources")]
    Ipv6Literal,
    #[error("':' without a port")]
    EmptyPort,
    #[error("{} at position {at} is not allowed in a port (digits or '*')", Escaped(*ch))]
    PortCharacter { at: usize, ch: char },
    #[error("port {0} is out of range (0-65535)")]
    PortOutOfRange(u64),
    #[error("{} at position {at} is not allowed in a path", Escaped(*ch))]
    PathCharacter { at: usize, ch: char },
    #[error("'%' at position {at} does not start a percent-encoded byte (%XX)")]
    BadPercentEncoding { at: usize },
}

/// Writes a character for an error message: printable ASCII quoted, the rest as U+XXXX.
pub(crate) struct Escaped(pub char);

impl fmt::Display for Escaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        if c.is_ascii_graphic() {
            write!(f, "'{c}'")
        } else {
            write!(f, "U+{:04X}", u32::from(c))
        }
    }
}

/// Parses one source expression. Never allocates; `O(token length)`.
pub fn parse(token: &str) -> Result<SourceExpression<&str>, SourceError> {
    if token.is_empty() {
        return Err(SourceError::Empty);
    }
    check_characters(token)?;
    let bytes = token.as_bytes();
    match bytes[0] {
        b'\'' => parse_quoted(token),
        b'"' => Err(SourceError::DoubleQuoted),
        _ => parse_unquoted(token),
    }
}

/// Rejects non-ASCII and control characters (a serialized policy is an ASCII string of
/// VCHARs and whitespace, CSP3 §2.2).
fn check_characters(token: &str) -> Result<(), SourceError> {
    // Branch-free over the whole token (vectorizes); the slow path finds the culprit.
    if token
        .bytes()
        .fold(true, |ok, b| ok & (b > 0x20) & (b < 0x7f))
    {
        return Ok(());
    }
    match token
        .char_indices()
        .find(|(_, c)| !c.is_ascii() || c.is_ascii_control())
    {
        Some((at, ch)) if !ch.is_ascii() => Err(SourceError::NonAscii { at, ch }),
        Some((at, ch)) => Err(SourceError::ControlCharacter { at, ch }),
        Option::None => Ok(()),
    }
}

fn parse_quoted(token: &str) -> Result<SourceExpression<&str>, SourceError> {
    // token[0] is the opening quote; find the closing one.
    // Tokens are short: a plain scan beats memchr's setup.
    let Some(close) = token
        .bytes()
        .skip(1)
        .position(|b| b == b'\'')
        .map(|i| i + 1)
    else {
        return Err(SourceError::UnterminatedQuote);
    };
    if close + 1 < token.len() {
        let at = close + 1;
        let ch = token[at..].chars().next().unwrap_or('\'');
        return Err(SourceError::AfterClosingQuote { at, ch });
    }
    let inner = &token[1..close];
    if let Some(keyword) = Keyword::from_name(inner) {
        return Ok(SourceExpression::Keyword(keyword));
    }
    if let Some(value) = strip_prefix_ci(inner, "nonce-") {
        return match check_base64_value(value, 1 + 6) {
            Ok(()) => Ok(SourceExpression::Nonce(value)),
            Err(Base64Error::Empty) => Err(SourceError::EmptyNonce),
            Err(Base64Error::Character { at, ch }) => Err(SourceError::NonceCharacter { at, ch }),
        };
    }
    if let Some((algorithm, digest)) = inner
        .bytes()
        .position(|b| b == b'-')
        .map(|i| (&inner[..i], &inner[i + 1..]))
    {
        if let Ok(algorithm) = algorithm.parse::<HashAlgorithm>() {
            return match check_base64_value(digest, 1 + 7) {
                Ok(()) => Ok(SourceExpression::Hash { algorithm, digest }),
                Err(Base64Error::Empty) => Err(SourceError::EmptyHash),
                Err(Base64Error::Character { at, ch }) => {
                    Err(SourceError::HashCharacter { at, ch })
                }
            };
        }
        if is_other_hash_algorithm(algorithm) {
            return Err(SourceError::UnsupportedHashAlgorithm);
        }
    }
    Err(SourceError::UnknownKeyword)
}

/// `sha1`, `sha224`, `md5`, …: digest names browsers do not accept in CSP.
fn is_other_hash_algorithm(name: &str) -> bool {
    let lower = |p: &str| name.len() >= p.len() && name[..p.len()].eq_ignore_ascii_case(p);
    (lower("sha") || lower("md"))
        && name.len() <= 8
        && name.bytes().skip(2).any(|b| b.is_ascii_digit())
}

enum Base64Error {
    Empty,
    Character { at: usize, ch: char },
}

/// `base64-value = 1*( ALPHA / DIGIT / "+" / "/" / "-" / "_" ) *2( "=" )`; `offset` is
/// where `value` starts in the token (for error positions).
fn check_base64_value(value: &str, offset: usize) -> Result<(), Base64Error> {
    let bytes = value.as_bytes();
    let body = bytes
        .iter()
        .position(|b| !is_base64_char(*b))
        .unwrap_or(bytes.len());
    if body == 0 {
        return match bytes.first() {
            Option::None => Err(Base64Error::Empty),
            Some(_) if bytes[0] == b'=' => Err(Base64Error::Empty),
            Some(_) => Err(Base64Error::Character {
                at: offset,
                ch: first_char(value),
            }),
        };
    }
    let padding = bytes[body..].iter().take_while(|b| **b == b'=').count();
    let end = body + padding.min(2);
    if end < bytes.len() {
        return Err(Base64Error::Character {
            at: offset + end,
            ch: first_char(&value[end..]),
        });
    }
    Ok(())
}

fn first_char(s: &str) -> char {
    s.chars().next().unwrap_or('\0')
}

fn is_base64_char(b: u8) -> bool {
    BASE64_CHARS[usize::from(b)]
}

/// `ALPHA / DIGIT / "+" / "/" / "-" / "_"`, as a table (hashes are long; one load per byte).
const BASE64_CHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'-' || b == b'_';
        i += 1;
    }
    t
};

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986 §3.1).
fn check_scheme(scheme: &str) -> Result<(), SourceError> {
    for (at, b) in scheme.bytes().enumerate() {
        let ok = if at == 0 {
            b.is_ascii_alphabetic()
        } else {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
        };
        if !ok {
            return Err(SourceError::SchemeCharacter { at, ch: b as char });
        }
    }
    Ok(())
}

fn parse_unquoted(token: &str) -> Result<SourceExpression<&str>, SourceError> {
    // scheme-source: "https:"
    if let Some(scheme) = token.strip_suffix(':') {
        if !scheme.is_empty() && check_scheme(scheme).is_ok() {
            return Ok(SourceExpression::Scheme(scheme));
        }
    }
    let host_result = parse_host_source(token);
    if host_result.is_err() && looks_like_unquoted_nonce_or_hash(token) {
        return Err(SourceError::UnquotedNonceOrHash);
    }
    host_result.map(SourceExpression::Host)
}

/// The position of the first `://` (no substring searcher: tokens are short).
fn find_scheme_separator(token: &str) -> Option<usize> {
    let b = token.as_bytes();
    let mut from = 0;
    while let Some(i) = b.get(from..)?.iter().position(|c| *c == b':') {
        let at = from + i;
        if b.get(at + 1..at + 3) == Some(b"//") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn parse_host_source(token: &str) -> Result<HostSource<&str>, SourceError> {
    let (scheme, rest, rest_at) = match find_scheme_separator(token) {
        Some(i) => {
            let scheme = &token[..i];
            if scheme.is_empty() {
                return Err(SourceError::SchemeCharacter { at: 0, ch: ':' });
            }
            check_scheme(scheme)?;
            (Some(scheme), &token[i + 3..], i + 3)
        }
        Option::None => (Option::None, token, 0),
    };
    if rest.starts_with('[') {
        return Err(SourceError::Ipv6Literal);
    }
    let (host, host_end) = parse_host_part(rest, rest_at)?;
    let mut after = &rest[host_end..];
    let mut after_at = rest_at + host_end;
    let mut port = Option::None;
    if let Some(p) = after.strip_prefix(':') {
        let port_end = p.bytes().position(|b| b == b'/').unwrap_or(p.len());
        port = Some(parse_port(&p[..port_end], after_at + 1)?);
        after = &p[port_end..];
        after_at += 1 + port_end;
    }
    let path = if after.is_empty() {
        Option::None
    } else {
        check_path(after, after_at)?;
        Some(after)
    };
    Ok(HostSource {
        scheme,
        host,
        port,
        path,
    })
}

/// Parses the `host-part` at the start of `rest` (up to `:` or `/`) in one pass; returns
/// it and where it ends. `offset` is where `rest` starts in the token.
fn parse_host_part(rest: &str, offset: usize) -> Result<(HostPattern<&str>, usize), SourceError> {
    let b = rest.as_bytes();
    let (wildcard, start) = match b {
        [b'*'] | [b'*', b':' | b'/', ..] => return Ok((HostPattern::Any, 1)),
        [b'*', b'.', ..] => (true, 2),
        _ => (false, 0),
    };
    let mut i = start;
    let mut label_len = 0usize;
    while let Some(&c) = b.get(i) {
        if HOST_CHARS[usize::from(c)] {
            label_len += 1;
        } else {
            let at = offset + i;
            match c {
                b':' | b'/' => break,
                b'.' if label_len == 0 => return Err(SourceError::EmptyHostLabel { at }),
                b'.' => label_len = 0,
                b'*' => return Err(SourceError::MisplacedWildcard { at }),
                _ => {
                    return Err(SourceError::HostCharacter {
                        at,
                        ch: first_char(&rest[i..]),
                    })
                }
            }
        }
        i += 1;
    }
    if i == 0 {
        return Err(SourceError::EmptyHost);
    }
    // A host may end with one "." (a fully-qualified name); "*." needs a label.
    if label_len == 0 && (i == start || b[i - 1] != b'.') {
        return Err(SourceError::EmptyHostLabel { at: offset + i });
    }
    let host = &rest[start..i];
    Ok((
        if wildcard {
            HostPattern::Wildcard(host)
        } else {
            HostPattern::Exact(host)
        },
        i,
    ))
}

/// `ALPHA / DIGIT / "-"` (`host-char`), as a table.
const HOST_CHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'-';
        i += 1;
    }
    t
};

fn parse_port(port: &str, offset: usize) -> Result<Port, SourceError> {
    if port.is_empty() {
        return Err(SourceError::EmptyPort);
    }
    if port == "*" {
        return Ok(Port::Any);
    }
    let mut value: u64 = 0;
    for (i, b) in port.bytes().enumerate() {
        if !b.is_ascii_digit() {
            return Err(SourceError::PortCharacter {
                at: offset + i,
                ch: first_char(&port[i..]),
            });
        }
        value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    u16::try_from(value)
        .map(Port::Number)
        .map_err(|_| SourceError::PortOutOfRange(value))
}

/// `path-absolute` (RFC 3986 §3.3) without `;` and `,`. A query or fragment is not part
/// of the grammar, but browsers only warn and drop it, so it is accepted here.
fn check_path(path: &str, offset: usize) -> Result<(), SourceError> {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'?' | b'#' => return Ok(()),
            b'%' => {
                let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return Err(SourceError::BadPercentEncoding { at: offset + i });
                }
                i += 3;
                continue;
            }
            b if b.is_ascii_alphanumeric() => {}
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b'=' | b':' | b'@' | b'/' => {}
            _ => {
                return Err(SourceError::PathCharacter {
                    at: offset + i,
                    ch: first_char(&path[i..]),
                })
            }
        }
        i += 1;
    }
    Ok(())
}

/// `nonce-…`, `sha256-…`, `sha384-…` or `sha512-…` without the quotes (what Google's
/// evaluator calls "forgot the single-ticks").
pub fn looks_like_unquoted_nonce_or_hash(token: &str) -> bool {
    ["nonce-", "sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|p| strip_prefix_ci(token, p).is_some())
}

/// A bare token that is a keyword's name (`self`, `unsafe-inline`): almost always a
/// keyword written without its single quotes. Includes the `webrtc` values.
pub fn unquoted_keyword_name(token: &str) -> Option<&'static str> {
    if let Some(k) = Keyword::from_name(token) {
        return Some(k.name());
    }
    ["allow", "block"]
        .into_iter()
        .find(|w| w.eq_ignore_ascii_case(token))
}

/// The host of a URL-like token, found lexically (no validation): the scheme and `//`
/// removed, up to the port or path; an IP-literal keeps its brackets. Used by checks that
/// look at what a source *says* even when browsers would reject it.
pub fn lexical_host(token: &str) -> &str {
    let mut rest = token;
    if let Some(i) = find_scheme_separator(rest) {
        if i > 0 && check_scheme(&rest[..i]).is_ok() {
            rest = &rest[i + 3..];
        }
    }
    rest = rest.strip_prefix("//").unwrap_or(rest);
    if rest.starts_with('[') {
        return match rest.find(']') {
            Some(end) => &rest[..=end],
            Option::None => rest,
        };
    }
    let end = rest
        .bytes()
        .position(|b| matches!(b, b':' | b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Dotted-quad IPv4 (`\d{1,3}` four times) or a bracketed IPv6 literal.
pub fn looks_like_ip(host: &str) -> bool {
    if host.starts_with('[') && host.ends_with(']') {
        return true;
    }
    let mut parts = 0;
    for part in host.split('.') {
        parts += 1;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    parts == 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use SourceError as E;

    fn host(token: &str) -> HostSource<&str> {
        match parse(token) {
            Ok(SourceExpression::Host(h)) => h,
            other => panic!("{token}: {other:?}"),
        }
    }

    #[test]
    fn keywords_are_case_insensitive_and_round_trip() {
        assert_eq!(
            parse("'SELF'"),
            Ok(SourceExpression::Keyword(Keyword::SelfOrigin))
        );
        assert_eq!("'strict-dynamic'".parse(), Ok(Keyword::StrictDynamic));
        for k in Keyword::ALL {
            assert_eq!(k.to_string().parse::<Keyword>(), Ok(*k));
        }
        assert_eq!(parse("'unsafe-dynamic'"), Err(E::UnknownKeyword));
    }

    #[test]
    fn nonces_and_hashes() {
        assert_eq!(
            parse("'nonce-abc+/_-=='"),
            Ok(SourceExpression::Nonce("abc+/_-=="))
        );
        assert_eq!(parse("'NONCE-abc'"), Ok(SourceExpression::Nonce("abc")));
        assert_eq!(parse("'nonce-'"), Err(E::EmptyNonce));
        assert_eq!(
            parse("'nonce-{{NONCE}}'"),
            Err(E::NonceCharacter { at: 7, ch: '{' })
        );
        assert_eq!(
            parse("'nonce-ab=c'"),
            Err(E::NonceCharacter { at: 10, ch: 'c' })
        );
        assert_eq!(
            parse("'nonce-abc==='"),
            Err(E::NonceCharacter { at: 12, ch: '=' })
        );
        assert_eq!(
            parse("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"),
            Ok(SourceExpression::Hash {
                algorithm: HashAlgorithm::Sha256,
                digest: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
            })
        );
        assert_eq!(
            parse("'sha1-2jmj7l5rSw0yVb='"),
            Err(E::UnsupportedHashAlgorithm)
        );
        assert_eq!(parse("'sha256-'"), Err(E::EmptyHash));
        assert_eq!(parse("'sha256-not"), Err(E::UnterminatedQuote));
    }

    #[test]
    fn quoting_mistakes() {
        assert_eq!(parse("'self"), Err(E::UnterminatedQuote));
        assert_eq!(
            parse("'self''"),
            Err(E::AfterClosingQuote { at: 6, ch: '\'' })
        );
        assert_eq!(
            parse("'self',"),
            Err(E::AfterClosingQuote { at: 6, ch: ',' })
        );
        assert_eq!(parse("\"self\""), Err(E::DoubleQuoted));
        assert_eq!(parse("'"), Err(E::UnterminatedQuote));
        assert_eq!(
            parse("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
            Err(E::UnquotedNonceOrHash)
        );
        // Grammatically a host named "self": valid, flagged by csp-invalid-keyword.
        assert!(matches!(parse("self"), Ok(SourceExpression::Host(_))));
        assert_eq!(
            unquoted_keyword_name("Unsafe-Inline"),
            Some("unsafe-inline")
        );
    }

    #[test]
    fn schemes_and_hosts() {
        assert_eq!(parse("https:"), Ok(SourceExpression::Scheme("https")));
        assert_eq!(parse("HTTPS:"), Ok(SourceExpression::Scheme("HTTPS")));
        assert_eq!(host("*").host, HostPattern::Any);
        let h = host("https://*.example.com:*/js/");
        assert_eq!(h.scheme, Some("https"));
        assert_eq!(h.host, HostPattern::Wildcard("example.com"));
        assert_eq!(h.port, Some(Port::Any));
        assert_eq!(h.path, Some("/js/"));
        let h = host("127.0.0.1:8080");
        assert_eq!(h.host, HostPattern::Exact("127.0.0.1"));
        assert_eq!(h.port, Some(Port::Number(8080)));
        assert_eq!(
            host("example.com.").host,
            HostPattern::Exact("example.com.")
        );
        assert_eq!(host("example.com/js/*.js").path, Some("/js/*.js"));
    }

    #[test]
    fn host_errors_say_where() {
        assert_eq!(parse("https://"), Err(E::EmptyHost));
        assert_eq!(
            parse("https://cdn.example.com:abc"),
            Err(E::PortCharacter { at: 24, ch: 'a' })
        );
        assert_eq!(
            parse("https://cdn.example.com:99999/js/"),
            Err(E::PortOutOfRange(99999))
        );
        assert_eq!(
            parse("https://%zz.example.com"),
            Err(E::HostCharacter { at: 8, ch: '%' })
        );
        assert_eq!(parse("http://[::1]:8080"), Err(E::Ipv6Literal));
        assert_eq!(
            parse("https://*.*.example.com"),
            Err(E::MisplacedWildcard { at: 10 })
        );
        assert_eq!(
            parse("https://cdn.*.example.com"),
            Err(E::MisplacedWildcard { at: 12 })
        );
        assert_eq!(parse("a..b"), Err(E::EmptyHostLabel { at: 2 }));
        assert_eq!(parse("*."), Err(E::EmptyHostLabel { at: 2 }));
        assert_eq!(
            parse("https://a.com/x%zz"),
            Err(E::BadPercentEncoding { at: 15 })
        );
        assert_eq!(
            parse("https://a.com/a b"),
            Err(E::PathCharacter { at: 15, ch: ' ' })
        );
        assert_eq!(
            parse("'self'\u{200b}"),
            Err(E::NonAscii {
                at: 6,
                ch: '\u{200b}'
            })
        );
        assert_eq!(
            parse("a\u{1}b"),
            Err(E::ControlCharacter { at: 1, ch: '\u{1}' })
        );
        assert_eq!(
            parse("1ttp://x").unwrap_err(),
            E::SchemeCharacter { at: 0, ch: '1' }
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "'self'",
            "'nonce-abc'",
            "'sha384-abc='",
            "data:",
            "https://*.example.com:443/a/b",
            "*",
            "example.com",
        ] {
            let parsed: SourceExpression<String> = s.parse().unwrap();
            assert_eq!(parsed.to_string(), s);
        }
    }

    #[test]
    fn lexical_helpers() {
        assert_eq!(lexical_host("http://[::1]:8080"), "[::1]");
        assert_eq!(lexical_host("https://203.0.113.7/static/"), "203.0.113.7");
        assert_eq!(lexical_host("127.0.0.1:*"), "127.0.0.1");
        assert!(looks_like_ip("10.0.0.5"));
        assert!(looks_like_ip("[2001:db8::1]"));
        assert!(!looks_like_ip("1"));
        assert!(!looks_like_ip("example.com"));
    }
}
