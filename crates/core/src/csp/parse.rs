//! The CSP parser, after CSP Level 3:
//! - §2.2.1 "Parse a serialized CSP" ([`parse_serialized_csp`]),
//! - §2.2.2 "Parse a response's Content Security Policies" ([`parse_response_csp`]),
//!   with Fetch's "get, decode, and split" for comma-separated header values
//!   ([`split_header_list`]),
//! - §3.3 "The `<meta>` element" (with HTML's `http-equiv` "Content security policy state"),
//!
//! plus the per-directive value grammars of §6 and [`super::source`]. Everything a browser
//! would silently drop (a duplicate directive, a directive with a non-ASCII character, a
//! `frame-ancestors` in a `<meta>` policy, an invalid source) is kept and marked, so the
//! rules can say what was dropped and why.
//!
//! Linear in the input; a policy is stored as its text plus spans (no per-token strings).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use crate::exchange::Response;
use crate::html::Document;

use super::directive::{DirectiveId, ValueGrammar, SANDBOX_FLAGS};
use super::source::{self, Escaped, HostPattern, Keyword, SourceError, SourceExpression};
use super::{Disposition, PolicyList, PolicySource};

/// Longest serialized policy parsed (spans are `u32`); the rest is cut and reported.
pub const MAX_POLICY_BYTES: usize = 64 * 1024 * 1024;

/// Most policies read from one response or header value (header members and `<meta>`
/// elements together). Real responses carry one to three; past this, the rest are counted
/// and reported ([`DeliveryIssue::TooManyPolicies`]) instead of parsed, which keeps the
/// findings and views of a hostile input bounded.
pub const MAX_POLICIES: usize = 32;

/// A byte range in a policy's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The span of `part`, a subslice of `base`.
    fn of(base: &str, part: &str) -> Span {
        let start = (part.as_ptr() as usize).saturating_sub(base.as_ptr() as usize);
        Span {
            start: start as u32,
            end: (start + part.len()) as u32,
        }
    }
}

/// What a directive's value token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A valid source expression (source-list directives, and unknown directives, whose
    /// values are read as source lists for the keyword checks).
    Source(SourceExpression<Span>),
    /// A valid token of another grammar (a sandbox flag, a report URI, …).
    Token,
    /// Invalid: browsers ignore it (or, for unknown directives, it is only reported).
    Invalid(ValueError),
}

/// Why a value token is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("{0}")]
    Source(#[from] SourceError),
    #[error("'none' has no effect next to other sources (CSP3 §6.7.2.7); remove it or the others")]
    NoneWithOtherSources,
    #[error("{0} is not allowed in frame-ancestors (hosts, schemes, 'self' and 'none' only)")]
    NotAnAncestorSource(Keyword),
    #[error("nonces and hashes are not allowed in frame-ancestors")]
    NonceInAncestorList,
    #[error("this directive takes no value")]
    UnexpectedValue,
    #[error("not a sandbox flag (allow-scripts, allow-forms, …)")]
    UnknownSandboxFlag,
    #[error("report-to takes a single endpoint name")]
    ExtraToken,
    #[error("{} at position {at} is not allowed in a report URI", Escaped(*ch))]
    UriCharacter { at: usize, ch: char },
    #[error("{} at position {at} is not allowed in a token", Escaped(*ch))]
    TokenCharacter { at: usize, ch: char },
    #[error("{} at position {at} is not allowed in a Trusted Types policy name", Escaped(*ch))]
    PolicyNameCharacter { at: usize, ch: char },
    #[error("trusted-types accepts policy names, '*', 'allow-duplicates' and 'none'")]
    TrustedTypesKeyword,
    #[error("require-trusted-types-for accepts only 'script' (with single quotes)")]
    RequireTrustedTypesValue,
    #[error("webrtc accepts only 'allow' or 'block' (with single quotes)")]
    WebRtcValue,
    #[error("not a MIME type (type/subtype)")]
    NotAMediaType,
}

impl ValueError {
    /// Whether the problem is about quoting or keywords (`csp-invalid-keyword`) rather
    /// than general syntax (`csp-parse-error`).
    pub fn is_keyword_error(&self) -> bool {
        match self {
            ValueError::Source(e) => matches!(
                e,
                SourceError::DoubleQuoted
                    | SourceError::UnterminatedQuote
                    | SourceError::AfterClosingQuote { .. }
                    | SourceError::UnknownKeyword
                    | SourceError::EmptyNonce
                    | SourceError::NonceCharacter { .. }
                    | SourceError::EmptyHash
                    | SourceError::HashCharacter { .. }
                    | SourceError::UnsupportedHashAlgorithm
                    | SourceError::UnquotedNonceOrHash
            ),
            ValueError::TrustedTypesKeyword
            | ValueError::RequireTrustedTypesValue
            | ValueError::WebRtcValue => true,
            _ => false,
        }
    }
}

/// One value token of a directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    pub span: Span,
    pub kind: ValueKind,
    /// An earlier token of the same directive has the same text (ASCII case-insensitive).
    pub duplicate: bool,
    pub facts: Facts,
}

/// Whether browsers apply a directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveState {
    Active,
    /// CSP3 §2.2.1 step 3.5: a directive of the same name came first; this one is ignored.
    Duplicate {
        first: u32,
    },
    /// CSP3 §2.2.1 step 3.2: the token holds a non-ASCII character; the whole directive is
    /// ignored. `at` is the byte offset in the directive token.
    NonAscii {
        at: u32,
        ch: char,
    },
    /// CSP3 §3.3: not supported in a `<meta>` policy.
    IgnoredInMeta,
}

/// Summary bits of a directive's valid sources, computed once at parse time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListFlags(u32);

impl ListFlags {
    pub const SELF: u32 = 1 << 0;
    pub const UNSAFE_INLINE: u32 = 1 << 1;
    pub const UNSAFE_EVAL: u32 = 1 << 2;
    pub const STRICT_DYNAMIC: u32 = 1 << 3;
    pub const UNSAFE_HASHES: u32 = 1 << 4;
    pub const NONCE: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    /// `*` (with or without a scheme).
    pub const WILDCARD: u32 = 1 << 7;
    /// Any host-source, `*` included.
    pub const HOST: u32 = 1 << 8;
    pub const SCHEME: u32 = 1 << 9;
    /// `'none'` alone.
    pub const NONE: u32 = 1 << 10;
    pub const WASM_UNSAFE_EVAL: u32 = 1 << 11;

    pub fn has(self, bits: u32) -> bool {
        self.0 & bits != 0
    }

    fn set(&mut self, bits: u32) {
        self.0 |= bits;
    }

    fn of(expr: &SourceExpression<Span>) -> u32 {
        match expr {
            SourceExpression::Keyword(k) => match k {
                Keyword::SelfOrigin => Self::SELF,
                Keyword::UnsafeInline => Self::UNSAFE_INLINE,
                Keyword::UnsafeEval => Self::UNSAFE_EVAL,
                Keyword::StrictDynamic => Self::STRICT_DYNAMIC,
                Keyword::UnsafeHashes | Keyword::UnsafeHashedAttributes => Self::UNSAFE_HASHES,
                Keyword::None => Self::NONE,
                Keyword::WasmUnsafeEval | Keyword::WasmEval => Self::WASM_UNSAFE_EVAL,
                _ => 0,
            },
            SourceExpression::Nonce(_) => Self::NONCE,
            SourceExpression::Hash { .. } => Self::HASH,
            SourceExpression::Scheme(_) => Self::SCHEME,
            SourceExpression::Host(h) if h.host == HostPattern::Any => Self::HOST | Self::WILDCARD,
            SourceExpression::Host(_) => Self::HOST,
        }
    }
}

/// Lexical facts about tokens, computed once while parsing so that the rules can skip
/// what cannot concern them. A value has the token bits; a directive ORs its values'
/// bits with its own; a policy ORs its directives'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts(u16);

impl Facts {
    /// Starts with a clear-text scheme (`http://`, `ws://`).
    pub const CLEAR_TEXT: u16 = 1 << 0;
    /// Its host, read lexically, looks like an IP address.
    pub const IP: u16 = 1 << 1;
    /// A quoted `'nonce-…'`, valid or not.
    pub const NONCE: u16 = 1 << 2;
    /// A keyword name, `nonce-…` or `sha256-…` without quotes.
    pub const BARE_KEYWORD: u16 = 1 << 3;
    /// The name of a known directive.
    pub const DIRECTIVE_NAME: u16 = 1 << 4;
    /// An invalid value.
    pub const INVALID: u16 = 1 << 5;
    /// A directive that browsers do not apply (duplicate, non-ASCII, meta-ignored).
    pub const INACTIVE: u16 = 1 << 6;
    /// A directive headwarden does not know.
    pub const UNKNOWN: u16 = 1 << 7;
    /// A deprecated directive.
    pub const DEPRECATED: u16 = 1 << 8;

    pub fn has(self, bits: u16) -> bool {
        self.0 & bits != 0
    }

    fn set(&mut self, bits: u16) {
        self.0 |= bits;
    }

    /// The token facts of one value (`parsed` is its parse, borrowing `word`'s text).
    fn of_token(word: &str, parsed: &Parsed<'_>) -> Facts {
        let mut f = Facts::default();
        match parsed {
            // A valid source: read the facts off its parts.
            Parsed::Source(SourceExpression::Host(h)) => {
                if h.scheme
                    .is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("ws"))
                {
                    f.set(Facts::CLEAR_TEXT);
                }
                match h.host {
                    HostPattern::Exact(host) => {
                        if host.as_bytes().first().is_some_and(u8::is_ascii_digit)
                            && source::looks_like_ip(host)
                        {
                            f.set(Facts::IP);
                        }
                        if h.scheme.is_none() && h.port.is_none() && h.path.is_none() {
                            f.0 |= Facts::of_word(word).0;
                        }
                    }
                    HostPattern::Wildcard(_) | HostPattern::Any => {}
                }
                return f;
            }
            Parsed::Source(SourceExpression::Nonce(_)) => {
                f.set(Facts::NONCE);
                return f;
            }
            Parsed::Source(_) => return f,
            Parsed::Invalid(_) => f.set(Facts::INVALID),
            Parsed::Token => {}
        }
        let b = word.as_bytes();
        if b.first() == Some(&b'\'') {
            if b.len() > 7 && b[..7].eq_ignore_ascii_case(b"'nonce-") {
                f.set(Facts::NONCE);
            }
            return f;
        }
        let prefix = |p: &[u8]| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p);
        if prefix(b"http://") || prefix(b"ws://") {
            f.set(Facts::CLEAR_TEXT);
        }
        let host = source::lexical_host(word);
        if host
            .as_bytes()
            .first()
            .is_some_and(|c| c.is_ascii_digit() || *c == b'[')
            && source::looks_like_ip(host)
        {
            f.set(Facts::IP);
        }
        f.0 |= Facts::of_word(word).0;
        f
    }

    /// Facts of a bare word: a keyword or directive name, or a nonce/hash prefix.
    fn of_word(word: &str) -> Facts {
        let mut f = Facts::default();
        let b = word.as_bytes();
        if b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-') {
            if source::unquoted_keyword_name(word).is_some() {
                f.set(Facts::BARE_KEYWORD);
            }
            if b.iter().all(|c| c.is_ascii_alphabetic() || *c == b'-')
                && DirectiveId::lookup(word).is_some()
            {
                f.set(Facts::DIRECTIVE_NAME);
            }
        }
        if source::looks_like_unquoted_nonce_or_hash(word) {
            f.set(Facts::BARE_KEYWORD);
        }
        f
    }
}

/// One directive token of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The directive token, stripped.
    pub token: Span,
    /// The name as written.
    pub name: Span,
    /// `None` for a directive headwarden does not know.
    pub id: Option<DirectiveId>,
    pub state: DirectiveState,
    /// Range of this directive's tokens in [`Policy::values`].
    pub values: Range<u32>,
    pub flags: ListFlags,
    pub facts: Facts,
}

/// Problems with a policy as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyIssue {
    /// No directive at all: browsers drop the policy (CSP3 §2.2.2 step 2.2).
    Empty,
    /// The text was longer than [`MAX_POLICY_BYTES`] and was cut.
    Truncated,
}

/// One parsed policy (CSP3 §2.2 "policy"): the serialized text and its directives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The serialized policy: one comma-separated member of a header value, or a `<meta>`
    /// element's `content`.
    pub text: String,
    pub disposition: Disposition,
    pub source: PolicySource,
    /// The header name as sent (`Content-Security-Policy`), or `meta`.
    pub header: String,
    /// The 1-based line of the header in the input, when known (for evidence).
    pub line: Option<u32>,
    pub directives: Vec<Directive>,
    pub values: Vec<Value>,
    pub issues: Vec<PolicyIssue>,
    /// What the directives hold, for quick skips.
    pub facts: Facts,
    /// `1 + index` of the active directive with each id, `0` when absent.
    active: [u16; DirectiveId::COUNT],
}

/// The name the engine uses for the per-response policy list entries (kept for callers
/// written before the parser landed).
pub type DeliveredPolicy = Policy;

impl Policy {
    /// The text of a span.
    pub fn str(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// Whether browsers keep this policy (it has at least one directive).
    pub fn is_empty(&self) -> bool {
        !self.directives.iter().any(|d| {
            d.state != DirectiveState::IgnoredInMeta
                && !matches!(d.state, DirectiveState::NonAscii { .. })
        })
    }

    /// The index of the active directive `id`.
    pub fn index_of(&self, id: DirectiveId) -> Option<usize> {
        match self.active.get(id as usize).copied().unwrap_or(0) {
            0 => None,
            n => Some(usize::from(n) - 1),
        }
    }

    /// A directive's value tokens.
    pub fn values_of(&self, directive: &Directive) -> &[Value] {
        let r = directive.values.start as usize..directive.values.end as usize;
        self.values.get(r).unwrap_or(&[])
    }

    /// A stored source expression, with its text borrowed from the policy.
    pub fn expr(&self, expr: SourceExpression<Span>) -> SourceExpression<&str> {
        expr.map(|s| self.str(s))
    }
}

/// CSP3 §2.2.1 "parse a serialized CSP", with `source` and `disposition`. `header` is the
/// header name as sent (or `meta`), kept for evidence.
pub fn parse_serialized_csp(
    serialized: &str,
    source: PolicySource,
    disposition: Disposition,
    header: &str,
) -> Policy {
    let mut issues = Vec::new();
    let text = match serialized.get(..MAX_POLICY_BYTES) {
        Some(_) if serialized.len() > MAX_POLICY_BYTES => {
            issues.push(PolicyIssue::Truncated);
            let mut cut = MAX_POLICY_BYTES;
            while !serialized.is_char_boundary(cut) {
                cut -= 1;
            }
            &serialized[..cut]
        }
        _ => serialized,
    };
    // One allocation each for directives and values in the common case (an estimate; a
    // token takes at least two bytes with its separator).
    let semicolons = text.len() / 24;
    let spaces = text.len() / 12;
    let mut policy = Policy {
        text: text.to_owned(),
        disposition,
        source,
        header: header.to_owned(),
        line: None,
        directives: Vec::with_capacity(semicolons + 1),
        values: Vec::with_capacity(spaces + 1),
        issues,
        facts: Facts::default(),
        active: [0; DirectiveId::COUNT],
    };
    let mut parser = DirectiveParser::default();
    // Step 3: strictly split on ";".
    let base = text;
    let mut start = 0;
    for end in memchr::memchr_iter(b';', base.as_bytes()).chain([base.len()]) {
        // ';' is ASCII, so `start..end` are char boundaries.
        let raw = base.get(start..end).unwrap_or("");
        start = end + 1;
        // 3.1: strip leading and trailing ASCII whitespace.
        let token = trim_ascii_whitespace(raw);
        // 3.2: skip empty tokens (non-ASCII ones are kept, marked, below).
        if token.is_empty() {
            continue;
        }
        parser.directive(&mut policy, base, token);
    }
    if policy.is_empty() {
        policy.issues.push(PolicyIssue::Empty);
    }
    policy
}

/// Per-policy state for duplicate detection (linear overall: names and values are looked
/// up in hash maps once a directive or policy has many of them).
struct DirectiveParser {
    /// `1 + index` of the first directive with each known name.
    seen_known: [u32; DirectiveId::COUNT],
    /// Hash of lowercase unknown names → directive index (allocated only when needed).
    unknown_names: Option<HashMap<u64, u32, BuildHasherDefault<Prehashed>>>,
    /// Hash of lowercase value text → value index, for long directives.
    seen_values: HashMap<u64, u32, BuildHasherDefault<Prehashed>>,
}

impl Default for DirectiveParser {
    fn default() -> Self {
        DirectiveParser {
            seen_known: [0; DirectiveId::COUNT],
            unknown_names: None,
            seen_values: HashMap::default(),
        }
    }
}

/// Up to this many values, duplicates are found by a linear scan (cheaper than hashing).
const LINEAR_DUPLICATE_SCAN: usize = 16;

impl DirectiveParser {
    fn directive(&mut self, policy: &mut Policy, base: &str, token: &str) {
        // 3.3-3.4: the name is the run of non-whitespace code points, ASCII-lowercased.
        let name_end = token
            .bytes()
            .position(is_ascii_whitespace)
            .unwrap_or(token.len());
        let name = &token[..name_end];
        let id = DirectiveId::lookup(name);
        let index = policy.directives.len() as u32;
        let values_start = policy.values.len();
        let mut directive = Directive {
            token: Span::of(base, token),
            name: Span::of(base, name),
            id,
            state: DirectiveState::Active,
            values: values_start as u32..values_start as u32,
            flags: ListFlags::default(),
            facts: Facts::default(),
        };
        // 3.2: a token that is not ASCII is skipped (the whole directive).
        if !token.is_ascii() {
            if let Some((at, ch)) = token.char_indices().find(|(_, c)| !c.is_ascii()) {
                directive.state = DirectiveState::NonAscii { at: at as u32, ch };
            }
            directive.facts.set(Facts::INACTIVE);
            policy.facts.set(Facts::INACTIVE);
            policy.directives.push(directive);
            return;
        }
        // 3.5: a duplicate name is skipped.
        if let Some(first) = self.first_with_name(policy, id, name, index) {
            directive.state = DirectiveState::Duplicate { first };
        } else if let Some(id) = id {
            if policy.source == PolicySource::Meta && id.def().ignored_in_meta {
                directive.state = DirectiveState::IgnoredInMeta;
            } else if let Some(slot) = policy.active.get_mut(id as usize) {
                *slot = u16::try_from(index + 1).unwrap_or(0);
            }
        }
        // 3.6: the value is the rest of the token split on ASCII whitespace.
        let grammar = id.map(|i| i.def().value);
        self.seen_values.clear();
        let mut saw_none = None;
        let mut other_sources = 0usize;
        for word in split_ascii_whitespace(&token[name_end..]) {
            let position = policy.values.len() - values_start;
            let parsed = parse_value(grammar, word, position);
            let facts = Facts::of_token(word, &parsed);
            let kind = parsed.into_kind(base);
            let duplicate = self.is_duplicate_value(policy, base, values_start, word);
            directive.facts.set(facts.0);
            if let ValueKind::Source(expr) = &kind {
                if !duplicate {
                    if expr.is_keyword(Keyword::None) {
                        saw_none.get_or_insert(policy.values.len());
                    } else {
                        other_sources += 1;
                    }
                }
            }
            policy.values.push(Value {
                span: Span::of(base, word),
                kind,
                duplicate,
                facts,
            });
        }
        let values_end = policy.values.len();
        directive.values = values_start as u32..values_end as u32;
        // CSP3 §6.7.2.7 step 3: 'none' matches nothing only when it is alone.
        if let (Some(none_at), true) = (saw_none, other_sources > 0) {
            if matches!(
                grammar,
                Some(ValueGrammar::SourceList | ValueGrammar::AncestorSourceList)
            ) {
                if let Some(v) = policy.values.get_mut(none_at) {
                    v.kind = ValueKind::Invalid(ValueError::NoneWithOtherSources);
                    v.facts.set(Facts::INVALID);
                    directive.facts.set(Facts::INVALID);
                }
            }
        }
        let mut flags = ListFlags::default();
        for v in &policy.values[values_start..values_end] {
            if let (ValueKind::Source(expr), false) = (&v.kind, v.duplicate) {
                flags.set(ListFlags::of(expr));
            }
        }
        directive.flags = flags;
        match id {
            None => directive.facts.set(Facts::UNKNOWN),
            Some(id) if matches!(id.def().status, super::directive::Status::Deprecated(_)) => {
                directive.facts.set(Facts::DEPRECATED);
            }
            Some(_) => {}
        }
        if directive.state != DirectiveState::Active {
            directive.facts.set(Facts::INACTIVE);
        }
        policy.facts.set(directive.facts.0);
        policy.directives.push(directive);
    }

    /// The index of an earlier directive with the same (lowercase) name. Directives
    /// dropped for being non-ASCII never entered the directive set, so they do not count;
    /// meta-ignored ones did (they are removed after parsing, §3.3).
    fn first_with_name(
        &mut self,
        policy: &Policy,
        id: Option<DirectiveId>,
        name: &str,
        index: u32,
    ) -> Option<u32> {
        if let Some(id) = id {
            let slot = self.seen_known.get_mut(id as usize)?;
            if *slot == 0 {
                *slot = index + 1;
                return None;
            }
            return Some(*slot - 1);
        }
        let map = self.unknown_names.get_or_insert_with(HashMap::default);
        let key = hash_lowercase(name);
        match map.get(&key) {
            Some(&first) => {
                let earlier = policy.directives.get(first as usize)?;
                policy
                    .str(earlier.name)
                    .eq_ignore_ascii_case(name)
                    .then_some(first)
            }
            None => {
                map.insert(key, index);
                None
            }
        }
    }

    /// Whether an earlier value of the current directive (from `start`) has this text.
    fn is_duplicate_value(
        &mut self,
        policy: &Policy,
        base: &str,
        start: usize,
        word: &str,
    ) -> bool {
        let earlier = &policy.values[start..];
        let text = |v: &Value| base.get(v.span.range()).unwrap_or("");
        if earlier.len() < LINEAR_DUPLICATE_SCAN {
            let len = word.len() as u32;
            return earlier
                .iter()
                .any(|v| v.span.end - v.span.start == len && text(v).eq_ignore_ascii_case(word));
        }
        if self.seen_values.is_empty() {
            self.seen_values.reserve(4 * LINEAR_DUPLICATE_SCAN);
            for (i, v) in earlier.iter().enumerate() {
                self.seen_values
                    .entry(hash_lowercase(text(v)))
                    .or_insert(i as u32);
            }
        }
        let key = hash_lowercase(word);
        match self.seen_values.get(&key) {
            Some(&i) => earlier
                .get(i as usize)
                .is_some_and(|v| text(v).eq_ignore_ascii_case(word)),
            None => {
                self.seen_values.insert(key, earlier.len() as u32);
                false
            }
        }
    }
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A case-insensitive hash of `s` (Fx-style multiply-rotate).
///
/// Eight bytes at a time, each byte ORed with 0x20: ASCII letters fold to lowercase (other
/// bytes may collide, which only costs a text comparison).
fn hash_lowercase(s: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = s.as_bytes();
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ (u64::from_le_bytes(word) | 0x2020_2020_2020_2020)).wrapping_mul(K);
    }
    for b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b | 0x20)).wrapping_mul(K);
    }
    h
}

/// Infra "ASCII whitespace": TAB, LF, FF, CR, SPACE.
fn is_ascii_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Infra "strip leading and trailing ASCII whitespace".
fn trim_ascii_whitespace(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b
        .iter()
        .position(|c| !is_ascii_whitespace(*c))
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !is_ascii_whitespace(*c))
        .map_or(start, |e| e + 1);
    // Whitespace is ASCII, so both ends are char boundaries.
    s.get(start..end).unwrap_or("")
}

/// Infra "split a string on ASCII whitespace": the non-empty runs between whitespace.
fn split_ascii_whitespace(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while b.get(i).is_some_and(|c| is_ascii_whitespace(*c)) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        // Skip to the next whitespace byte; a control byte (also <= 0x20) stays in the token.
        loop {
            i = next_byte_at_most_space(b, i);
            match b.get(i) {
                Some(c) if !is_ascii_whitespace(*c) => i += 1,
                _ => break,
            }
        }
        // Whitespace is ASCII, so the run's ends are char boundaries.
        s.get(start..i)
    })
}

/// The first index at or after `i` whose byte is <= 0x20 (ASCII whitespace and
/// controls), or `b.len()`. Eight bytes at a time: tokens such as hashes are long.
fn next_byte_at_most_space(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // "Has a byte less than 0x21" (Bit Twiddling Hacks' `hasless`, exact for n <= 128).
        if x.wrapping_sub(ONES * 0x21) & !x & HIGH_BITS != 0 {
            break;
        }
        i += 8;
    }
    while b.get(i).is_some_and(|c| *c > 0x20) {
        i += 1;
    }
    i
}

/// A value as parsed, borrowing the policy text.
enum Parsed<'a> {
    Source(SourceExpression<&'a str>),
    Token,
    Invalid(ValueError),
}

impl Parsed<'_> {
    fn into_kind(self, base: &str) -> ValueKind {
        match self {
            Parsed::Source(expr) => ValueKind::Source(expr.map(|s| Span::of(base, s))),
            Parsed::Token => ValueKind::Token,
            Parsed::Invalid(e) => ValueKind::Invalid(e),
        }
    }
}

/// Parses one value token by the directive's grammar (`None`: unknown directive).
fn parse_value(grammar: Option<ValueGrammar>, word: &str, position: usize) -> Parsed<'_> {
    let source = || match source::parse(word) {
        Ok(expr) => Parsed::Source(expr),
        Err(e) => Parsed::Invalid(e.into()),
    };
    let Some(grammar) = grammar else {
        return source();
    };
    match grammar {
        ValueGrammar::SourceList => source(),
        ValueGrammar::AncestorSourceList => match source::parse(word) {
            Ok(SourceExpression::Keyword(k))
                if !matches!(k, Keyword::SelfOrigin | Keyword::None) =>
            {
                Parsed::Invalid(ValueError::NotAnAncestorSource(k))
            }
            Ok(SourceExpression::Nonce(_) | SourceExpression::Hash { .. }) => {
                Parsed::Invalid(ValueError::NonceInAncestorList)
            }
            Ok(expr) => Parsed::Source(expr),
            Err(e) => Parsed::Invalid(e.into()),
        },
        ValueGrammar::Empty => Parsed::Invalid(ValueError::UnexpectedValue),
        ValueGrammar::SandboxFlags => {
            if SANDBOX_FLAGS.iter().any(|f| f.eq_ignore_ascii_case(word)) {
                Parsed::Token
            } else {
                Parsed::Invalid(ValueError::UnknownSandboxFlag)
            }
        }
        ValueGrammar::UriReferences => match word.char_indices().find(|(_, c)| !is_uri_char(*c)) {
            Some((at, ch)) => Parsed::Invalid(ValueError::UriCharacter { at, ch }),
            None => Parsed::Token,
        },
        ValueGrammar::Token => {
            if position > 0 {
                return Parsed::Invalid(ValueError::ExtraToken);
            }
            match word.char_indices().find(|(_, c)| !is_tchar(*c)) {
                Some((at, ch)) => Parsed::Invalid(ValueError::TokenCharacter { at, ch }),
                None => Parsed::Token,
            }
        }
        ValueGrammar::WebRtc => {
            if word.eq_ignore_ascii_case("'allow'") || word.eq_ignore_ascii_case("'block'") {
                Parsed::Token
            } else {
                Parsed::Invalid(ValueError::WebRtcValue)
            }
        }
        ValueGrammar::RequireTrustedTypesFor => {
            if word.eq_ignore_ascii_case("'script'") {
                Parsed::Token
            } else {
                Parsed::Invalid(ValueError::RequireTrustedTypesValue)
            }
        }
        ValueGrammar::TrustedTypes => {
            if word.starts_with('\'') {
                if word.eq_ignore_ascii_case("'allow-duplicates'")
                    || word.eq_ignore_ascii_case("'none'")
                {
                    Parsed::Token
                } else {
                    Parsed::Invalid(ValueError::TrustedTypesKeyword)
                }
            } else if word == "*" {
                Parsed::Token
            } else {
                // tt-policy-name = 1*( ALPHA / DIGIT / "-" / "#" / "=" / "_" / "/" / "@" / "." / "%")
                match word
                    .char_indices()
                    .find(|(_, c)| !(c.is_ascii_alphanumeric() || "-#=_/@.%".contains(*c)))
                {
                    Some((at, ch)) => Parsed::Invalid(ValueError::PolicyNameCharacter { at, ch }),
                    None => Parsed::Token,
                }
            }
        }
        ValueGrammar::MediaTypes => match word.split_once('/') {
            Some((t, s))
                if !t.is_empty()
                    && !s.is_empty()
                    && t.chars().all(is_tchar)
                    && s.chars().all(is_tchar) =>
            {
                Parsed::Token
            }
            _ => Parsed::Invalid(ValueError::NotAMediaType),
        },
        ValueGrammar::LegacyTokens => Parsed::Token,
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '#'
                | '$'
                | '%'
                | '&'
                | '\''
                | '*'
                | '+'
                | '-'
                | '.'
                | '^'
                | '_'
                | '`'
                | '|'
                | '~'
        )
}

/// Characters of an RFC 3986 URI reference (unreserved, reserved, `%`).
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.'
                | '_'
                | '~'
                | ':'
                | '/'
                | '?'
                | '#'
                | '['
                | ']'
                | '@'
                | '!'
                | '$'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | '+'
                | ','
                | ';'
                | '='
                | '%'
        )
}

/// Fetch's "get, decode, and split" on a header value: splits on commas that are not
/// inside a double-quoted string, and strips HTTP tab or space from each member.
pub fn split_header_list(value: &str) -> impl Iterator<Item = &str> {
    let bytes = value.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut in_quotes = false;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while i < bytes.len() {
            // Jump to the next byte that matters.
            let Some(skip) = bytes
                .get(i..)
                .and_then(|rest| memchr::memchr3(b',', b'"', b'\\', rest))
            else {
                break;
            };
            i += skip;
            match bytes[i] {
                b'"' => in_quotes = !in_quotes,
                b'\\' if in_quotes => i += 1,
                b',' if !in_quotes => {
                    let member = &value[start..i];
                    i += 1;
                    start = i;
                    return Some(member.trim_matches([' ', '\t']));
                }
                _ => {}
            }
            i += 1;
        }
        done = true;
        Some(value.get(start..).unwrap_or("").trim_matches([' ', '\t']))
    })
}

/// Something about how a policy was delivered that makes browsers ignore it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryIssue {
    /// `<meta http-equiv="Content-Security-Policy-Report-Only">`: not supported (CSP3 §3.3).
    MetaReportOnly { content: String },
    /// A CSP `<meta>` that is not in `<head>` (HTML `http-equiv` processing, step 1).
    MetaOutsideHead { content: String },
    /// A CSP `<meta>` without a `content` (or with an empty one).
    MetaWithoutContent,
    /// More than [`MAX_POLICIES`] policies: `dropped` were not checked.
    TooManyPolicies { dropped: usize },
}

impl PolicyList {
    /// Appends a policy unless [`MAX_POLICIES`] are already there (then counts it as
    /// dropped).
    pub(crate) fn push_bounded(&mut self, policy: impl FnOnce() -> Policy) {
        if self.policies.len() < MAX_POLICIES {
            self.policies.push(policy());
            return;
        }
        match self.delivery_issues.last_mut() {
            Some(DeliveryIssue::TooManyPolicies { dropped }) => *dropped += 1,
            _ => self
                .delivery_issues
                .push(DeliveryIssue::TooManyPolicies { dropped: 1 }),
        }
    }
}

/// CSP3 §2.2.2 "parse a response's Content Security Policies", plus `<meta>` policies of
/// the body (§3.3). Every comma-separated member of every header becomes a policy (also
/// the empty ones, marked [`PolicyIssue::Empty`], so they can be reported).
pub fn parse_response_csp(response: &Response, html: Option<&Document>) -> PolicyList {
    let mut list = PolicyList::default();
    // Step 2 (enforce) before step 3 (report), each in header order.
    for (name, disposition) in [
        ("content-security-policy", Disposition::Enforce),
        ("content-security-policy-report-only", Disposition::Report),
    ] {
        for header in response.headers.iter().filter(|h| h.is(name)) {
            for member in split_header_list(&header.value) {
                list.push_bounded(|| Policy {
                    line: header.line,
                    ..parse_serialized_csp(member, PolicySource::Header, disposition, &header.name)
                });
            }
        }
    }
    if let Some(doc) = html {
        parse_meta_policies(doc, &mut list);
    }
    list
}

/// Tags that may appear in `<head>`; anything else opens the body (approximately the
/// HTML "in head" insertion mode).
const HEAD_TAGS: &[&str] = &[
    "html", "head", "meta", "title", "link", "style", "script", "base", "noscript", "template",
];

fn parse_meta_policies(doc: &Document, list: &mut PolicyList) {
    let mut in_head = true;
    for tag in &doc.tags {
        if !HEAD_TAGS.contains(&tag.name.as_str()) {
            in_head = false;
        }
        if tag.name != "meta" {
            continue;
        }
        let Some(equiv) = tag.attr("http-equiv") else {
            continue;
        };
        let content = tag.attr("content").map(decode_entities);
        if equiv.eq_ignore_ascii_case("content-security-policy-report-only") {
            list.delivery_issues.push(DeliveryIssue::MetaReportOnly {
                content: content.unwrap_or_default(),
            });
            continue;
        }
        if !equiv.eq_ignore_ascii_case("content-security-policy") {
            continue;
        }
        let Some(content) = content.filter(|c| !c.is_empty()) else {
            list.delivery_issues.push(DeliveryIssue::MetaWithoutContent);
            continue;
        };
        if !in_head {
            list.delivery_issues
                .push(DeliveryIssue::MetaOutsideHead { content });
            continue;
        }
        list.push_bounded(|| {
            parse_serialized_csp(&content, PolicySource::Meta, Disposition::Enforce, "meta")
        });
    }
}

/// Decodes the character references an attribute value is likely to hold (`&#39;`,
/// `&apos;`, `&quot;`, `&amp;`, numeric ones); others are left as written.
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => '&',
                "apos" => '\'',
                "quot" => '"',
                "lt" => '<',
                "gt" => '>',
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Policy {
        parse_serialized_csp(
            text,
            PolicySource::Header,
            Disposition::Enforce,
            "Content-Security-Policy",
        )
    }

    fn names(p: &Policy) -> Vec<(String, DirectiveState)> {
        p.directives
            .iter()
            .map(|d| (p.str(d.name).to_string(), d.state))
            .collect()
    }

    #[test]
    fn splits_directives_and_values_on_ascii_whitespace() {
        let p = parse("  default-src\t'self'  ;;; SCRIPT-SRC 'self' https://a.example ;");
        assert_eq!(p.directives.len(), 2);
        assert_eq!(p.index_of(DirectiveId::ScriptSrc), Some(1));
        let script = &p.directives[1];
        let values: Vec<&str> = p.values_of(script).iter().map(|v| p.str(v.span)).collect();
        assert_eq!(values, ["'self'", "https://a.example"]);
        assert!(script.flags.has(ListFlags::SELF | ListFlags::HOST));
        assert!(!p.is_empty());
    }

    #[test]
    fn first_duplicate_wins() {
        let p = parse("script-src 'unsafe-inline'; Script-Src 'self'; x-a 1; X-A 2");
        assert_eq!(
            names(&p),
            [
                ("script-src".into(), DirectiveState::Active),
                ("Script-Src".into(), DirectiveState::Duplicate { first: 0 }),
                ("x-a".into(), DirectiveState::Active),
                ("X-A".into(), DirectiveState::Duplicate { first: 2 }),
            ]
        );
        assert_eq!(p.index_of(DirectiveId::ScriptSrc), Some(0));
    }

    #[test]
    fn non_ascii_directive_is_dropped_whole() {
        let p = parse("script-src 'self'\u{a0}https://cdn.example; object-src 'none'");
        assert_eq!(
            p.directives[0].state,
            DirectiveState::NonAscii {
                at: 17,
                ch: '\u{a0}'
            }
        );
        assert_eq!(p.index_of(DirectiveId::ScriptSrc), None);
        assert_eq!(p.index_of(DirectiveId::ObjectSrc), Some(1));
        // A later script-src is the first one browsers see.
        let p = parse("script-src ‘self’; script-src 'none'");
        assert_eq!(p.index_of(DirectiveId::ScriptSrc), Some(1));
    }

    #[test]
    fn none_with_other_sources_is_marked() {
        let p = parse("object-src 'none' https://vk.com");
        let v = p.values_of(&p.directives[0]);
        assert_eq!(
            v[0].kind,
            ValueKind::Invalid(ValueError::NoneWithOtherSources)
        );
        assert!(!p.directives[0].flags.has(ListFlags::NONE));
    }

    #[test]
    fn grammars_of_other_directives() {
        let p = parse(
            "sandbox allow-scripts allow-nothing; report-to a b; upgrade-insecure-requests 1; \
             require-trusted-types-for script; trusted-types a#b 'allow-duplicates' 'x'; \
             frame-ancestors 'self' 'unsafe-inline'; webrtc 'block'",
        );
        let errors: Vec<(String, ValueError)> = p
            .values
            .iter()
            .filter_map(|v| match v.kind {
                ValueKind::Invalid(e) => Some((p.str(v.span).to_string(), e)),
                _ => None,
            })
            .collect();
        assert_eq!(
            errors,
            [
                ("allow-nothing".into(), ValueError::UnknownSandboxFlag),
                ("b".into(), ValueError::ExtraToken),
                ("1".into(), ValueError::UnexpectedValue),
                ("script".into(), ValueError::RequireTrustedTypesValue),
                ("'x'".into(), ValueError::TrustedTypesKeyword),
                (
                    "'unsafe-inline'".into(),
                    ValueError::NotAnAncestorSource(Keyword::UnsafeInline)
                ),
            ]
        );
    }

    #[test]
    fn empty_policies_are_marked() {
        for text in ["", ";", "   ", " ; ; "] {
            assert_eq!(parse(text).issues, [PolicyIssue::Empty], "{text:?}");
        }
    }

    #[test]
    fn header_lists_split_on_commas_outside_quotes() {
        let members: Vec<&str> = split_header_list("a, b ,c,\"x,y\" z,").collect();
        assert_eq!(members, ["a", "b", "c", "\"x,y\" z", ""]);
        assert_eq!(split_header_list("").collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn entities_in_meta_content() {
        assert_eq!(
            decode_entities("script-src &#39;self&#x27; &apos;none&apos; &amp;&bogus;&"),
            "script-src 'self' 'none' &&bogus;&"
        );
    }
}
