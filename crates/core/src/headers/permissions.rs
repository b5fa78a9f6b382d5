//! `Permissions-Policy` (W3C Permissions Policy §5.2): a Structured Field Dictionary
//! (RFC 8941 §3.2) of feature name → allowlist.
//!
//! ```text
//! Permissions-Policy: camera=(), geolocation=(self "https://maps.example"), fullscreen=*
//! ```
//!
//! [`PermissionsPolicy::parse`] implements RFC 8941's dictionary parsing (§4.2.2, with
//! inner lists, bare items and parameters), so it fails exactly where a browser drops
//! the whole header. [`PermissionsPolicy::issues`] then lists members that parse but
//! that browsers read differently from what the author likely meant (the allowlist
//! algorithm of §9.2 "Construct policy from dictionary and origin").
//!
//! Feature names are not checked against a list: browsers skip names they do not know,
//! and new features appear every few months.

use super::structured::{self, BareItem, MemberValue, StructuredFieldError};

/// A Permissions-Policy value that is a valid structured dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct PermissionsPolicy<'a> {
    /// The members in order, duplicates included (the last one wins).
    pub features: Vec<Feature<'a>>,
}

/// One `feature=allowlist` member.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature<'a> {
    pub name: &'a str,
    pub value: MemberValue<'a>,
}

/// A member that parses but does not mean what it seems to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue<'a> {
    pub feature: &'a str,
    pub kind: IssueKind<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind<'a> {
    /// `camera=none`, `camera`, `camera="https://a.example"`: not `*`, `self` or a list,
    /// so the allowlist is empty: the feature is disabled everywhere.
    NotAnAllowlist(&'a str),
    /// A token other than `self` or `*` in a list (`none`, or an unquoted origin):
    /// skipped.
    UnknownToken(&'a str),
    /// A string that is not an absolute URL with an origin (`"self"`, `"example.com"`):
    /// skipped.
    NotAnOrigin(&'a str),
    /// A list item that is neither a token nor a string: skipped.
    NotAnOriginOrKeyword,
    /// The feature appears again later; only the last member counts.
    Duplicate,
}

impl std::fmt::Display for Issue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.feature;
        match &self.kind {
            IssueKind::NotAnAllowlist(v) => write!(
                f,
                "`{name}={v}` is not an allowlist (`()`, `*`, `self` or a list): browsers read it as `{name}=()`"
            ),
            IssueKind::UnknownToken(t) if t.contains("://") => write!(
                f,
                "`{name}`: origins must be quoted strings, `{t}` is ignored (write `\"{t}\"`)"
            ),
            IssueKind::UnknownToken(t) => write!(
                f,
                "`{name}`: `{t}` is not `self` or `*` and is ignored"
            ),
            IssueKind::NotAnOrigin(s) => write!(
                f,
                "`{name}`: \"{s}\" is not an origin such as \"https://example.com\" and is ignored{}",
                if s.eq_ignore_ascii_case("self") { " (write the token self, unquoted)" } else { "" }
            ),
            IssueKind::NotAnOriginOrKeyword => write!(
                f,
                "`{name}`: a list item that is neither an origin string nor `self` is ignored"
            ),
            IssueKind::Duplicate => write!(f, "`{name}` appears more than once; only the last one counts"),
        }
    }
}

impl<'a> PermissionsPolicy<'a> {
    /// Parses `value` as an RFC 8941 dictionary.
    pub fn parse(value: &'a str) -> Result<Self, StructuredFieldError> {
        let features = structured::parse_dictionary(value)?
            .into_iter()
            .map(|(name, value)| Feature { name, value })
            .collect();
        Ok(PermissionsPolicy { features })
    }

    /// Members that browsers read differently from what they seem to say.
    pub fn issues(&self) -> Vec<Issue<'a>> {
        let mut out = Vec::new();
        for (n, f) in self.features.iter().enumerate() {
            if self.features[n + 1..].iter().any(|g| g.name == f.name) {
                out.push(Issue {
                    feature: f.name,
                    kind: IssueKind::Duplicate,
                });
                continue;
            }
            match &f.value {
                MemberValue::Item(BareItem::Token(t)) if *t == "*" || *t == "self" => {}
                MemberValue::Item(item) => out.push(Issue {
                    feature: f.name,
                    kind: IssueKind::NotAnAllowlist(item_text(item)),
                }),
                MemberValue::InnerList(items) => {
                    if items
                        .iter()
                        .any(|i| matches!(i, BareItem::Token(t) if *t == "*"))
                    {
                        continue;
                    }
                    for item in items {
                        let kind = match item {
                            BareItem::Token("self") => continue,
                            BareItem::Token(t) => IssueKind::UnknownToken(t),
                            BareItem::String(s) if is_origin_url(s) => continue,
                            BareItem::String(s) => IssueKind::NotAnOrigin(s),
                            _ => IssueKind::NotAnOriginOrKeyword,
                        };
                        out.push(Issue {
                            feature: f.name,
                            kind,
                        });
                    }
                }
            }
        }
        out
    }
}

/// The text of a bare item for messages (`none`, `?1`, `"x"` shown without quotes).
fn item_text<'a>(item: &BareItem<'a>) -> &'a str {
    match item {
        BareItem::Token(t) | BareItem::String(t) | BareItem::ByteSequence(t) => t,
        BareItem::Boolean(true) => "?1",
        BareItem::Boolean(false) => "?0",
        BareItem::Integer(_) | BareItem::Decimal(_) => "a number",
    }
}

/// A URL the URL parser accepts with a non-opaque origin, approximately: a special
/// scheme followed by `://` and a host.
fn is_origin_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    ["https", "http", "wss", "ws", "ftp"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(scheme))
        && !rest.is_empty()
        && !rest.starts_with('/')
}

/// Whether `value` looks like the older Feature-Policy syntax (`camera 'none'; geolocation 'self'`).
pub fn looks_like_feature_policy(value: &str) -> bool {
    value.split(';').any(|part| {
        let part = part.trim();
        match part.find(|c: char| c.is_ascii_whitespace()) {
            Some(ws) => !part[..ws].contains('=') && !part[..ws].contains(','),
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<PermissionsPolicy<'_>, StructuredFieldError> {
        PermissionsPolicy::parse(s)
    }

    #[test]
    fn parses_the_usual_policies() {
        let p =
            parse("camera=(), geolocation=(self \"https://maps.example\"), fullscreen=*").unwrap();
        assert_eq!(p.features.len(), 3);
        assert_eq!(p.features[0].name, "camera");
        assert_eq!(p.features[0].value, MemberValue::InnerList(vec![]));
        assert_eq!(
            p.features[1].value,
            MemberValue::InnerList(vec![
                BareItem::Token("self"),
                BareItem::String("https://maps.example")
            ])
        );
        assert_eq!(p.features[2].value, MemberValue::Item(BareItem::Token("*")));
        assert!(p.issues().is_empty());

        let p =
            parse("geolocation=(self);report-to=main,  sync-xhr=self\t, x=1.5, y=:aGk=:").unwrap();
        assert_eq!(p.features.len(), 4);
        assert_eq!(parse("").unwrap().features.len(), 0);
    }

    #[test]
    fn rejects_what_browsers_drop() {
        for bad in [
            "Camera=()",                        // keys are lowercase
            "camera 'none'; microphone 'none'", // Feature-Policy syntax
            "camera=(); microphone=()",         // `;` starts a parameter, `()` is no bare item
            "camera=(),",                       // trailing comma
            "camera=('self')",
            "camera=(self",
            "camera=(self\"https://a.example\")",
            "camera=\"unterminated",
            "camera=1234567890123456",
            "camera=1.2345",
            "camera=?2",
            "camera=:abc",
            "camera=()x",
            "camera=é",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse("camera=(),"),
            Err(StructuredFieldError::TrailingComma)
        );
    }

    #[test]
    fn finds_members_that_mean_something_else() {
        let p = parse("camera=none, mic, a=(https://a.example), b=(\"self\"), c=(1), d=\"https://x.example\", e=(), e=*").unwrap();
        let kinds: Vec<_> = p
            .issues()
            .into_iter()
            .map(|i| (i.feature, i.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("camera", IssueKind::NotAnAllowlist("none")),
                ("mic", IssueKind::NotAnAllowlist("?1")),
                ("a", IssueKind::UnknownToken("https://a.example")),
                ("b", IssueKind::NotAnOrigin("self")),
                ("c", IssueKind::NotAnOriginOrKeyword),
                ("d", IssueKind::NotAnAllowlist("https://x.example")),
                ("e", IssueKind::Duplicate),
            ]
        );
        // `*` anywhere in a list allows everything; other items do not matter.
        assert!(parse("a=(* none)").unwrap().issues().is_empty());
    }

    #[test]
    fn spots_feature_policy_syntax() {
        assert!(looks_like_feature_policy(
            "camera 'none'; microphone 'none'"
        ));
        assert!(looks_like_feature_policy("geolocation none"));
        assert!(!looks_like_feature_policy("camera=(), microphone=()"));
        assert!(!looks_like_feature_policy(
            "camera=(self \"https://a.example\")"
        ));
        assert!(!looks_like_feature_policy("camera=('self')"));
    }
}
