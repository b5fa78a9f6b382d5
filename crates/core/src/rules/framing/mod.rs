//! Framing and types: X-Frame-Options / `frame-ancestors`, X-Content-Type-Options.

use crate::rules::{Context, Rule};

mod framing_unprotected;
mod xcto_invalid;
mod xcto_missing;
mod xfo_invalid;

pub use framing_unprotected::FRAMING_UNPROTECTED;
pub use xcto_invalid::XCTO_INVALID;
pub use xcto_missing::XCTO_MISSING;
pub use xfo_invalid::XFO_INVALID;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &FRAMING_UNPROTECTED,
    &XFO_INVALID,
    &XCTO_MISSING,
    &XCTO_INVALID,
];

/// What the enforced CSP says about who may frame the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FrameAncestors {
    /// No enforced, header-delivered policy has `frame-ancestors`.
    Absent,
    /// At least one enforced policy limits framing.
    Restricts,
    /// Every `frame-ancestors` present allows any site (`*`, `https:`); the source
    /// that does it is kept for the report.
    AllowsAny(String),
}

/// Reads `frame-ancestors` from the enforced policies delivered in headers. Browsers
/// ignore `frame-ancestors` in `<meta>` policies (CSP3 §6.4.2), and any enforced
/// `frame-ancestors` makes them ignore `X-Frame-Options`.
///
/// TODO(csp): switch to the CSP engine's parsed directives once its API settles; for now
/// this reads each policy's text with a small tolerant split (policies on `,`, directives
/// on `;`, the first occurrence of a directive wins, names ASCII case-insensitive).
pub(crate) fn frame_ancestors(ctx: &Context<'_>) -> FrameAncestors {
    let mut result = FrameAncestors::Absent;
    for delivered in ctx.csp().enforced() {
        if delivered.source != crate::csp::PolicySource::Header {
            continue;
        }
        for policy in delivered.text.split(',') {
            let Some(sources) = directive_value(policy, "frame-ancestors") else {
                continue;
            };
            match sources.split_ascii_whitespace().find(|s| allows_any(s)) {
                Some(source) => {
                    if result == FrameAncestors::Absent {
                        result = FrameAncestors::AllowsAny(source.to_string());
                    }
                }
                None => return FrameAncestors::Restricts,
            }
        }
    }
    result
}

/// The value of the first directive named `name` in one serialized policy.
fn directive_value<'p>(policy: &'p str, name: &str) -> Option<&'p str> {
    policy.split(';').find_map(|directive| {
        let directive = directive.trim_matches(|c: char| c.is_ascii_whitespace());
        let (directive_name, value) = directive
            .split_once(|c: char| c.is_ascii_whitespace())
            .unwrap_or((directive, ""));
        directive_name.eq_ignore_ascii_case(name).then_some(value)
    })
}

/// A `frame-ancestors` source that matches every site.
fn allows_any(source: &str) -> bool {
    ["*", "https:", "http:", "https://*", "http://*"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(source))
}

#[cfg(test)]
mod tests {
    use super::directive_value;

    #[test]
    fn finds_directives_case_insensitively() {
        assert_eq!(
            directive_value(
                "default-src 'self'; FRAME-ANCESTORS 'none'",
                "frame-ancestors"
            ),
            Some("'none'")
        );
        assert_eq!(
            directive_value("frame-ancestors", "frame-ancestors"),
            Some("")
        );
        assert_eq!(
            directive_value("frame-ancestors a; frame-ancestors *", "frame-ancestors"),
            Some("a")
        );
        assert_eq!(
            directive_value("default-src 'none'", "frame-ancestors"),
            None
        );
        assert_eq!(
            directive_value("frame-ancestors-x 'none'", "frame-ancestors"),
            None
        );
    }
}
