//! Transport: HTTPS and Strict-Transport-Security.
//!
//! The `hsts-*` rules apply to HTTPS responses (and to bare headers, which are graded as
//! HTTPS); browsers ignore HSTS received over plain HTTP (RFC 6797 §8.1), so a plain-HTTP
//! response gets `https-not-used` (unless it redirects to HTTPS) and `hsts-over-http`
//! instead.

use crate::exchange::Response;
use crate::rules::{Context, Rule};

mod hsts_invalid;
mod hsts_max_age_low;
mod hsts_missing;
mod hsts_no_includesubdomains;
mod hsts_over_http;
mod hsts_preload_ineligible;
mod https_not_used;
mod https_redirect_not_permanent;

#[cfg(test)]
pub(crate) mod testkit;

pub use hsts_invalid::HSTS_INVALID;
pub use hsts_max_age_low::HSTS_MAX_AGE_LOW;
pub use hsts_missing::HSTS_MISSING;
pub use hsts_no_includesubdomains::HSTS_NO_INCLUDESUBDOMAINS;
pub use hsts_over_http::HSTS_OVER_HTTP;
pub use hsts_preload_ineligible::HSTS_PRELOAD_INELIGIBLE;
pub use https_not_used::HTTPS_NOT_USED;
pub use https_redirect_not_permanent::HTTPS_REDIRECT_NOT_PERMANENT;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &HTTPS_NOT_USED,
    &HTTPS_REDIRECT_NOT_PERMANENT,
    &HSTS_MISSING,
    &HSTS_INVALID,
    &HSTS_MAX_AGE_LOW,
    &HSTS_NO_INCLUDESUBDOMAINS,
    &HSTS_PRELOAD_INELIGIBLE,
    &HSTS_OVER_HTTP,
];

/// The `Location` of a redirect that leads to an `https://` URL.
pub(crate) fn https_redirect_target(response: &Response) -> Option<&str> {
    if !response.is_redirect() {
        return None;
    }
    let location = response.headers.get("location")?.trim();
    let scheme = location.get(..8)?;
    scheme.eq_ignore_ascii_case("https://").then_some(location)
}

/// The smallest `max-age` expected: the policy's `[hsts] max_age`, else one year.
pub(crate) fn min_max_age(ctx: &Context<'_>) -> u64 {
    ctx.policy
        .hsts_min_max_age()
        .unwrap_or(crate::headers::hsts::ONE_YEAR)
}
