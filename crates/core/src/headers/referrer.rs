//! `Referrer-Policy` (W3C Referrer Policy §4 and §8.1).
//!
//! The header is a comma-separated list; browsers keep the **last** token they know
//! (so a site can list a fallback first: `no-referrer, strict-origin-when-cross-origin`)
//! and ignore the rest. When no token is known, the header is ignored and the browser
//! default applies (`strict-origin-when-cross-origin` in current browsers).

use std::fmt;
use std::str::FromStr;

/// One referrer policy (W3C Referrer Policy §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferrerPolicy {
    NoReferrer,
    NoReferrerWhenDowngrade,
    SameOrigin,
    Origin,
    StrictOrigin,
    OriginWhenCrossOrigin,
    StrictOriginWhenCrossOrigin,
    UnsafeUrl,
}

/// What a policy lets other sites see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exposure {
    /// Nothing leaves the origin, or only the origin and never over plain HTTP.
    Private,
    /// The origin (never path or query) is sent, even from HTTPS to plain HTTP.
    OriginOnDowngrade,
    /// The full URL (path and query) goes to every other HTTPS origin.
    FullUrlCrossOrigin,
    /// The full URL goes everywhere, plain HTTP included.
    FullUrlEverywhere,
}

impl ReferrerPolicy {
    pub const ALL: [ReferrerPolicy; 8] = [
        ReferrerPolicy::NoReferrer,
        ReferrerPolicy::NoReferrerWhenDowngrade,
        ReferrerPolicy::SameOrigin,
        ReferrerPolicy::Origin,
        ReferrerPolicy::StrictOrigin,
        ReferrerPolicy::OriginWhenCrossOrigin,
        ReferrerPolicy::StrictOriginWhenCrossOrigin,
        ReferrerPolicy::UnsafeUrl,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferrerPolicy::NoReferrer => "no-referrer",
            ReferrerPolicy::NoReferrerWhenDowngrade => "no-referrer-when-downgrade",
            ReferrerPolicy::SameOrigin => "same-origin",
            ReferrerPolicy::Origin => "origin",
            ReferrerPolicy::StrictOrigin => "strict-origin",
            ReferrerPolicy::OriginWhenCrossOrigin => "origin-when-cross-origin",
            ReferrerPolicy::StrictOriginWhenCrossOrigin => "strict-origin-when-cross-origin",
            ReferrerPolicy::UnsafeUrl => "unsafe-url",
        }
    }

    pub fn exposure(self) -> Exposure {
        match self {
            ReferrerPolicy::NoReferrer
            | ReferrerPolicy::SameOrigin
            | ReferrerPolicy::StrictOrigin
            | ReferrerPolicy::StrictOriginWhenCrossOrigin => Exposure::Private,
            ReferrerPolicy::Origin | ReferrerPolicy::OriginWhenCrossOrigin => {
                Exposure::OriginOnDowngrade
            }
            ReferrerPolicy::NoReferrerWhenDowngrade => Exposure::FullUrlCrossOrigin,
            ReferrerPolicy::UnsafeUrl => Exposure::FullUrlEverywhere,
        }
    }

    /// The policy a `<meta name="referrer">` value means, including the legacy
    /// keywords the HTML standard maps (`never`, `default`, `always`,
    /// `origin-when-crossorigin`).
    pub fn from_meta(content: &str) -> Option<ReferrerPolicy> {
        let content = content.trim();
        let legacy = [
            ("never", ReferrerPolicy::NoReferrer),
            ("default", ReferrerPolicy::StrictOriginWhenCrossOrigin),
            ("always", ReferrerPolicy::UnsafeUrl),
            (
                "origin-when-crossorigin",
                ReferrerPolicy::OriginWhenCrossOrigin,
            ),
        ];
        legacy
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(content))
            .map(|&(_, p)| p)
            .or_else(|| content.parse().ok())
    }
}

impl fmt::Display for ReferrerPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token that is not a referrer policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a referrer policy")]
pub struct UnknownReferrerPolicy(pub String);

impl FromStr for ReferrerPolicy {
    type Err = UnknownReferrerPolicy;

    /// ASCII case-insensitive, as browsers match it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        ReferrerPolicy::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownReferrerPolicy(s.to_string()))
    }
}

/// The tokens of one or more `Referrer-Policy` header lines, read as browsers read them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferrerPolicyList<'a> {
    /// The last valid token: the policy browsers apply. `None` when no token is valid.
    pub effective: Option<ReferrerPolicy>,
    /// Tokens that are not referrer policies (browsers skip them), at most
    /// [`ReferrerPolicyList::MAX_UNKNOWN`] kept.
    pub unknown: Vec<&'a str>,
    /// How many tokens there were (valid or not).
    pub tokens: usize,
}

impl<'a> ReferrerPolicyList<'a> {
    /// Most unknown tokens remembered (for the report); the count goes on.
    pub const MAX_UNKNOWN: usize = 8;

    /// Reads the combined list of `values` (one per header line).
    pub fn parse(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut list = ReferrerPolicyList::default();
        for value in values {
            for token in super::split_list(value) {
                list.tokens += 1;
                match token.parse::<ReferrerPolicy>() {
                    Ok(p) => list.effective = Some(p),
                    Err(_) if list.unknown.len() < Self::MAX_UNKNOWN => list.unknown.push(token),
                    Err(_) => {}
                }
            }
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_valid_token_wins() {
        let l = ReferrerPolicyList::parse(["no-referrer, unsafe-url"]);
        assert_eq!(l.effective, Some(ReferrerPolicy::UnsafeUrl));
        let l = ReferrerPolicyList::parse(["unsafe-url", "bogus, Strict-Origin"]);
        assert_eq!(l.effective, Some(ReferrerPolicy::StrictOrigin));
        assert_eq!(l.unknown, ["bogus"]);
        assert_eq!(l.tokens, 3);
        let l = ReferrerPolicyList::parse(["no-referrer, 'self'"]);
        assert_eq!(l.effective, Some(ReferrerPolicy::NoReferrer));
        assert_eq!(l.unknown, ["'self'"]);
    }

    #[test]
    fn nothing_valid() {
        let l = ReferrerPolicyList::parse(["", " , "]);
        assert_eq!(l.effective, None);
        assert_eq!(l.tokens, 0);
        let l = ReferrerPolicyList::parse(["strict-origin-when-crossorigin"]);
        assert_eq!(l.effective, None);
    }

    #[test]
    fn meta_keywords() {
        assert_eq!(
            ReferrerPolicy::from_meta("always"),
            Some(ReferrerPolicy::UnsafeUrl)
        );
        assert_eq!(
            ReferrerPolicy::from_meta(" same-origin "),
            Some(ReferrerPolicy::SameOrigin)
        );
        assert_eq!(ReferrerPolicy::from_meta("nope"), None);
    }

    #[test]
    fn exposure_order() {
        assert!(
            ReferrerPolicy::UnsafeUrl.exposure()
                > ReferrerPolicy::NoReferrerWhenDowngrade.exposure()
        );
        assert_eq!(
            ReferrerPolicy::StrictOriginWhenCrossOrigin.exposure(),
            Exposure::Private
        );
        for p in ReferrerPolicy::ALL {
            assert_eq!(p.as_str().parse::<ReferrerPolicy>(), Ok(p));
        }
    }
}
