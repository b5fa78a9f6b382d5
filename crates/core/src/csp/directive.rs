//! The directives headwarden knows, as one table: name, kind, fetch-directive fallback
//! list (CSP3 §6.8.3 "Get fetch directive fallback list"), value grammar, whether a
//! `<meta>` policy ignores it (CSP3 §3.3), and whether it is deprecated.

use std::fmt;
use std::str::FromStr;

/// The groups of CSP3 §6 ("Content Security Policy Directives").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DirectiveKind {
    /// §6.1: control where resources may be loaded from.
    Fetch,
    /// §6.3: govern the properties of a document (`base-uri`, `sandbox`).
    Document,
    /// §6.4: govern where a document may navigate or be embedded.
    Navigation,
    /// §6.5: where violation reports go.
    Reporting,
    /// Everything else (§6.2 and directives defined in other documents).
    Other,
}

impl DirectiveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveKind::Fetch => "fetch",
            DirectiveKind::Document => "document",
            DirectiveKind::Navigation => "navigation",
            DirectiveKind::Reporting => "reporting",
            DirectiveKind::Other => "other",
        }
    }
}

/// How a directive's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueGrammar {
    /// `serialized-source-list` (CSP3 §2.3.1).
    SourceList,
    /// `ancestor-source-list` (CSP3 §6.4.2): hosts, schemes, `'self'`, `'none'`.
    AncestorSourceList,
    /// Sandboxing flag tokens (HTML "sandboxing flag set"), ASCII case-insensitive.
    SandboxFlags,
    /// `uri-reference *( RWS uri-reference )` (`report-uri`).
    UriReferences,
    /// One `token` (`report-to`).
    Token,
    /// No value at all.
    Empty,
    /// `'allow'` or `'block'` (`webrtc`).
    WebRtc,
    /// Trusted Types policy names, `*`, `'allow-duplicates'`, `'none'`.
    TrustedTypes,
    /// `'script'` (`require-trusted-types-for`).
    RequireTrustedTypesFor,
    /// MIME types (`plugin-types`).
    MediaTypes,
    /// Bare tokens of an obsolete grammar, not validated.
    LegacyTokens,
}

/// Whether a directive is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Standard,
    /// Still parsed by some browsers but on its way out (or gone); the text says what to
    /// use instead.
    Deprecated(&'static str),
}

/// One row of [`TABLE`].
#[derive(Debug, PartialEq, Eq)]
pub struct DirectiveDef {
    pub id: DirectiveId,
    pub name: &'static str,
    pub kind: DirectiveKind,
    /// CSP3 §6.8.3: the directives consulted, most relevant first, including itself.
    /// Empty for directives that never fall back.
    pub fallback: &'static [DirectiveId],
    pub value: ValueGrammar,
    /// CSP3 §3.3: `report-uri`, `frame-ancestors` and `sandbox` are not supported in a
    /// `<meta>` policy and are removed from it.
    pub ignored_in_meta: bool,
    pub status: Status,
    /// Where it is specified.
    pub spec: &'static str,
}

macro_rules! directives {
    ($( $id:ident = $name:literal ),* $(,)?) => {
        /// Every directive headwarden knows (see [`TABLE`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DirectiveId { $($id),* }

        impl DirectiveId {
            /// Every id, in table order.
            pub const ALL: &'static [DirectiveId] = &[$(DirectiveId::$id),*];
            /// How many ids there are.
            pub const COUNT: usize = [$(DirectiveId::$id),*].len();
            /// Names and ids, compact for [`DirectiveId::lookup`].
            const NAMES: &'static [(&'static str, DirectiveId)] = &[$(($name, DirectiveId::$id)),*];

            /// The directive's name (lowercase).
            pub fn as_str(self) -> &'static str {
                match self { $(DirectiveId::$id => $name),* }
            }
        }
    };
}

directives! {
    ChildSrc = "child-src",
    ConnectSrc = "connect-src",
    DefaultSrc = "default-src",
    FencedFrameSrc = "fenced-frame-src",
    FontSrc = "font-src",
    FrameSrc = "frame-src",
    ImgSrc = "img-src",
    ManifestSrc = "manifest-src",
    MediaSrc = "media-src",
    ObjectSrc = "object-src",
    PrefetchSrc = "prefetch-src",
    ScriptSrc = "script-src",
    ScriptSrcAttr = "script-src-attr",
    ScriptSrcElem = "script-src-elem",
    StyleSrc = "style-src",
    StyleSrcAttr = "style-src-attr",
    StyleSrcElem = "style-src-elem",
    WorkerSrc = "worker-src",
    Webrtc = "webrtc",
    BaseUri = "base-uri",
    Sandbox = "sandbox",
    PluginTypes = "plugin-types",
    DisownOpener = "disown-opener",
    FormAction = "form-action",
    FrameAncestors = "frame-ancestors",
    NavigateTo = "navigate-to",
    ReportUri = "report-uri",
    ReportTo = "report-to",
    UpgradeInsecureRequests = "upgrade-insecure-requests",
    BlockAllMixedContent = "block-all-mixed-content",
    RequireTrustedTypesFor = "require-trusted-types-for",
    TrustedTypes = "trusted-types",
    RequireSriFor = "require-sri-for",
    Referrer = "referrer",
    ReflectedXss = "reflected-xss",
}

/// Longest known directive name, for lowercasing into a stack buffer.
const MAX_NAME_LEN: usize = 32;

impl DirectiveId {
    /// Looks a directive name up, ASCII case-insensitively (CSP3 §2.2.1 step 3.4), without
    /// allocating.
    pub fn lookup(name: &str) -> Option<DirectiveId> {
        if name.is_empty() || name.len() > MAX_NAME_LEN {
            return None;
        }
        DirectiveId::NAMES
            .iter()
            .find(|(known, _)| known.len() == name.len() && known.eq_ignore_ascii_case(name))
            .map(|(_, id)| *id)
    }

    /// The table row.
    pub fn def(self) -> &'static DirectiveDef {
        // TABLE is written in `DirectiveId` order; a test checks it.
        &TABLE[self as usize]
    }

    pub fn kind(self) -> DirectiveKind {
        self.def().kind
    }

    /// CSP3 §6.8.3, including the directive itself; empty for non-fetch directives.
    pub fn fallback(self) -> &'static [DirectiveId] {
        self.def().fallback
    }

    pub fn is_fetch(self) -> bool {
        self.kind() == DirectiveKind::Fetch
    }

    /// Whether `'strict-dynamic'`, nonces and hashes apply to this directive's loads
    /// (the "script-like" destinations of CSP3 §6.7.1).
    pub fn is_script_like(self) -> bool {
        matches!(
            self,
            DirectiveId::ScriptSrc
                | DirectiveId::ScriptSrcElem
                | DirectiveId::ScriptSrcAttr
                | DirectiveId::WorkerSrc
        )
    }
}

impl fmt::Display for DirectiveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A directive name that is not in [`TABLE`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a known CSP directive")]
pub struct UnknownDirective(pub String);

impl FromStr for DirectiveId {
    type Err = UnknownDirective;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DirectiveId::lookup(s).ok_or_else(|| UnknownDirective(s.to_string()))
    }
}

use DirectiveId as D;

const SCRIPT_SRC_ELEM_FALLBACK: &[DirectiveId] = &[D::ScriptSrcElem, D::ScriptSrc, D::DefaultSrc];
const SCRIPT_SRC_ATTR_FALLBACK: &[DirectiveId] = &[D::ScriptSrcAttr, D::ScriptSrc, D::DefaultSrc];
const STYLE_SRC_ELEM_FALLBACK: &[DirectiveId] = &[D::StyleSrcElem, D::StyleSrc, D::DefaultSrc];
const STYLE_SRC_ATTR_FALLBACK: &[DirectiveId] = &[D::StyleSrcAttr, D::StyleSrc, D::DefaultSrc];
const WORKER_SRC_FALLBACK: &[DirectiveId] =
    &[D::WorkerSrc, D::ChildSrc, D::ScriptSrc, D::DefaultSrc];
const FRAME_SRC_FALLBACK: &[DirectiveId] = &[D::FrameSrc, D::ChildSrc, D::DefaultSrc];
/// Fenced Frame spec: `fenced-frame-src` falls back like `frame-src`.
const FENCED_FRAME_SRC_FALLBACK: &[DirectiveId] =
    &[D::FencedFrameSrc, D::FrameSrc, D::ChildSrc, D::DefaultSrc];
// `script-src` and `style-src` themselves: used for string compilation (CSP3 §4.4.1
// "EnsureCSPDoesNotBlockStringCompilation" reads script-src, then default-src) and by
// the evaluator when it asks what `script-src` effectively is.
const SCRIPT_SRC_FALLBACK: &[DirectiveId] = &[D::ScriptSrc, D::DefaultSrc];
const STYLE_SRC_FALLBACK: &[DirectiveId] = &[D::StyleSrc, D::DefaultSrc];

macro_rules! to_default {
    ($id:ident) => {
        &[D::$id, D::DefaultSrc]
    };
}

/// Every known directive, in [`DirectiveId`] order.
pub static TABLE: [DirectiveDef; DirectiveId::COUNT] = [
    fetch(D::ChildSrc, "child-src", to_default!(ChildSrc), "CSP3 §6.1.1"),
    fetch(D::ConnectSrc, "connect-src", to_default!(ConnectSrc), "CSP3 §6.1.2"),
    fetch(D::DefaultSrc, "default-src", &[D::DefaultSrc], "CSP3 §6.1.3"),
    fetch(
        D::FencedFrameSrc,
        "fenced-frame-src",
        FENCED_FRAME_SRC_FALLBACK,
        "Fenced Frame (WICG) §csp-integration",
    ),
    fetch(D::FontSrc, "font-src", to_default!(FontSrc), "CSP3 §6.1.4"),
    fetch(D::FrameSrc, "frame-src", FRAME_SRC_FALLBACK, "CSP3 §6.1.5"),
    fetch(D::ImgSrc, "img-src", to_default!(ImgSrc), "CSP3 §6.1.6"),
    fetch(D::ManifestSrc, "manifest-src", to_default!(ManifestSrc), "CSP3 §6.1.7"),
    fetch(D::MediaSrc, "media-src", to_default!(MediaSrc), "CSP3 §6.1.8"),
    fetch(D::ObjectSrc, "object-src", to_default!(ObjectSrc), "CSP3 §6.1.9"),
    DirectiveDef {
        status: Status::Deprecated(
            "removed from CSP3 and from browsers; prefetches fall under default-src",
        ),
        ..fetch(D::PrefetchSrc, "prefetch-src", to_default!(PrefetchSrc), "CSP3 (2016 draft)")
    },
    fetch(D::ScriptSrc, "script-src", SCRIPT_SRC_FALLBACK, "CSP3 §6.1.10"),
    fetch(D::ScriptSrcAttr, "script-src-attr", SCRIPT_SRC_ATTR_FALLBACK, "CSP3 §6.1.12"),
    fetch(D::ScriptSrcElem, "script-src-elem", SCRIPT_SRC_ELEM_FALLBACK, "CSP3 §6.1.11"),
    fetch(D::StyleSrc, "style-src", STYLE_SRC_FALLBACK, "CSP3 §6.1.13"),
    fetch(D::StyleSrcAttr, "style-src-attr", STYLE_SRC_ATTR_FALLBACK, "CSP3 §6.1.15"),
    fetch(D::StyleSrcElem, "style-src-elem", STYLE_SRC_ELEM_FALLBACK, "CSP3 §6.1.14"),
    fetch(D::WorkerSrc, "worker-src", WORKER_SRC_FALLBACK, "CSP3 §6.2.2"),
    other(D::Webrtc, "webrtc", ValueGrammar::WebRtc, "CSP3 §6.2.1"),
    DirectiveDef {
        kind: DirectiveKind::Document,
        ..other(D::BaseUri, "base-uri", ValueGrammar::SourceList, "CSP3 §6.3.1")
    },
    DirectiveDef {
        kind: DirectiveKind::Document,
        ignored_in_meta: true,
        ..other(D::Sandbox, "sandbox", ValueGrammar::SandboxFlags, "CSP3 §6.3.2")
    },
    DirectiveDef {
        kind: DirectiveKind::Document,
        status: Status::Deprecated(
            "removed from CSP3 and from browsers (plugins are gone); use object-src 'none'",
        ),
        ..other(D::PluginTypes, "plugin-types", ValueGrammar::MediaTypes, "CSP2 §7.12")
    },
    DirectiveDef {
        kind: DirectiveKind::Document,
        status: Status::Deprecated(
            "never shipped and removed from CSP3; use Cross-Origin-Opener-Policy",
        ),
        ..other(D::DisownOpener, "disown-opener", ValueGrammar::Empty, "CSP3 (2016 draft)")
    },
    DirectiveDef {
        kind: DirectiveKind::Navigation,
        ..other(D::FormAction, "form-action", ValueGrammar::SourceList, "CSP3 §6.4.1")
    },
    DirectiveDef {
        kind: DirectiveKind::Navigation,
        ignored_in_meta: true,
        ..other(
            D::FrameAncestors,
            "frame-ancestors",
            ValueGrammar::AncestorSourceList,
            "CSP3 §6.4.2",
        )
    },
    DirectiveDef {
        kind: DirectiveKind::Navigation,
        status: Status::Deprecated("removed from CSP3 before any browser shipped it"),
        ..other(D::NavigateTo, "navigate-to", ValueGrammar::SourceList, "CSP3 (2019 draft)")
    },
    DirectiveDef {
        kind: DirectiveKind::Reporting,
        ignored_in_meta: true,
        ..other(D::ReportUri, "report-uri", ValueGrammar::UriReferences, "CSP3 §6.5.1")
    },
    DirectiveDef {
        kind: DirectiveKind::Reporting,
        ..other(D::ReportTo, "report-to", ValueGrammar::Token, "CSP3 §6.5.2")
    },
    other(
        D::UpgradeInsecureRequests,
        "upgrade-insecure-requests",
        ValueGrammar::Empty,
        "Upgrade Insecure Requests §3.1",
    ),
    DirectiveDef {
        status: Status::Deprecated(
            "obsolete: browsers upgrade or block mixed content on their own; use upgrade-insecure-requests",
        ),
        ..other(
            D::BlockAllMixedContent,
            "block-all-mixed-content",
            ValueGrammar::Empty,
            "Mixed Content (2016) §6.1",
        )
    },
    other(
        D::RequireTrustedTypesFor,
        "require-trusted-types-for",
        ValueGrammar::RequireTrustedTypesFor,
        "Trusted Types §4.2",
    ),
    other(
        D::TrustedTypes,
        "trusted-types",
        ValueGrammar::TrustedTypes,
        "Trusted Types §4.1",
    ),
    DirectiveDef {
        status: Status::Deprecated("never shipped without a flag; use Subresource Integrity attributes"),
        ..other(
            D::RequireSriFor,
            "require-sri-for",
            ValueGrammar::LegacyTokens,
            "SRI Level 2 (draft)",
        )
    },
    DirectiveDef {
        status: Status::Deprecated("removed in CSP2; use the Referrer-Policy header"),
        ..other(D::Referrer, "referrer", ValueGrammar::LegacyTokens, "CSP 1.1 (draft)")
    },
    DirectiveDef {
        status: Status::Deprecated("removed in CSP2; modern browsers have no XSS auditor"),
        ..other(
            D::ReflectedXss,
            "reflected-xss",
            ValueGrammar::LegacyTokens,
            "CSP 1.1 (draft)",
        )
    },
];

const fn fetch(
    id: DirectiveId,
    name: &'static str,
    fallback: &'static [DirectiveId],
    spec: &'static str,
) -> DirectiveDef {
    DirectiveDef {
        id,
        name,
        kind: DirectiveKind::Fetch,
        fallback,
        value: ValueGrammar::SourceList,
        ignored_in_meta: false,
        status: Status::Standard,
        spec,
    }
}

const fn other(
    id: DirectiveId,
    name: &'static str,
    value: ValueGrammar,
    spec: &'static str,
) -> DirectiveDef {
    DirectiveDef {
        id,
        name,
        kind: DirectiveKind::Other,
        fallback: &[],
        value,
        ignored_in_meta: false,
        status: Status::Standard,
        spec,
    }
}

/// HTML's sandboxing flags that `sandbox` accepts (HTML §7.1.5 "sandboxing flag set"),
/// lowercase.
pub const SANDBOX_FLAGS: &[&str] = &[
    "allow-downloads",
    "allow-forms",
    "allow-modals",
    "allow-orientation-lock",
    "allow-pointer-lock",
    "allow-popups",
    "allow-popups-to-escape-sandbox",
    "allow-presentation",
    "allow-same-origin",
    "allow-scripts",
    "allow-storage-access-by-user-activation",
    "allow-top-navigation",
    "allow-top-navigation-by-user-activation",
    "allow-top-navigation-to-custom-protocols",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_id_order_and_names_round_trip() {
        for (i, def) in TABLE.iter().enumerate() {
            assert_eq!(def.id as usize, i, "{}", def.name);
            assert_eq!(def.id.as_str(), def.name);
            assert_eq!(def.name.parse::<DirectiveId>(), Ok(def.id));
            assert!(def.name.len() <= MAX_NAME_LEN);
            if def.kind == DirectiveKind::Fetch {
                assert_eq!(def.fallback.first(), Some(&def.id), "{}", def.name);
                assert_eq!(def.fallback.last(), Some(&D::DefaultSrc), "{}", def.name);
            } else {
                assert!(def.fallback.is_empty());
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive_and_rejects_the_rest() {
        assert_eq!(DirectiveId::lookup("SCRIPT-src"), Some(D::ScriptSrc));
        assert_eq!(DirectiveId::lookup("script-src:"), None);
        assert_eq!(DirectiveId::lookup(""), None);
        assert_eq!(DirectiveId::lookup(&"a".repeat(100)), None);
        assert_eq!(DirectiveId::lookup("scrİpt-src"), None);
        assert!("nope".parse::<DirectiveId>().is_err());
    }

    #[test]
    fn meta_ignores_exactly_the_three_directives_of_csp3_section_3_3() {
        let ignored: Vec<&str> = TABLE
            .iter()
            .filter(|d| d.ignored_in_meta)
            .map(|d| d.name)
            .collect();
        assert_eq!(ignored, ["sandbox", "frame-ancestors", "report-uri"]);
    }

    #[test]
    fn fallback_lists_follow_section_6_8_3() {
        assert_eq!(
            D::WorkerSrc.fallback(),
            &[D::WorkerSrc, D::ChildSrc, D::ScriptSrc, D::DefaultSrc]
        );
        assert_eq!(
            D::ScriptSrcElem.fallback(),
            &[D::ScriptSrcElem, D::ScriptSrc, D::DefaultSrc]
        );
        assert_eq!(
            D::FrameSrc.fallback(),
            &[D::FrameSrc, D::ChildSrc, D::DefaultSrc]
        );
        assert!(D::BaseUri.fallback().is_empty());
        assert!(D::FrameAncestors.fallback().is_empty());
    }
}
