//! Referrer, permissions, isolation: Referrer-Policy, Permissions-Policy,
//! Cross-Origin-Opener-Policy, Cross-Origin-Resource-Policy.

use crate::rules::Rule;

mod coop_missing;
mod corp_missing;
mod permissions_policy_invalid;
mod permissions_policy_missing;
mod referrer_policy_missing;
mod referrer_policy_unsafe;

pub use coop_missing::COOP_MISSING;
pub use corp_missing::CORP_MISSING;
pub use permissions_policy_invalid::PERMISSIONS_POLICY_INVALID;
pub use permissions_policy_missing::PERMISSIONS_POLICY_MISSING;
pub use referrer_policy_missing::REFERRER_POLICY_MISSING;
pub use referrer_policy_unsafe::REFERRER_POLICY_UNSAFE;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &REFERRER_POLICY_MISSING,
    &REFERRER_POLICY_UNSAFE,
    &PERMISSIONS_POLICY_MISSING,
    &PERMISSIONS_POLICY_INVALID,
    &COOP_MISSING,
    &CORP_MISSING,
];

/// The `content` of the last `<meta name="referrer">` of an HTML body (the one that
/// wins), with the tag's text for evidence.
pub(crate) fn meta_referrer<'d>(ctx: &'d crate::rules::Context<'_>) -> Option<&'d str> {
    let doc = ctx.html()?;
    doc.elements("meta")
        .filter(|m| {
            m.attr("name")
                .is_some_and(|n| n.trim().eq_ignore_ascii_case("referrer"))
        })
        .filter_map(|m| m.attr("content"))
        .filter(|c| crate::headers::ReferrerPolicy::from_meta(c).is_some())
        .last()
}
