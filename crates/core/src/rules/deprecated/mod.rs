//! Deprecated headers: ones browsers have dropped, kept by habit or old middleware.
//! They apply to every response.

use crate::rules::Rule;

mod deprecated_expect_ct;
mod deprecated_feature_policy;
mod deprecated_hpkp;
mod deprecated_x_xss_protection;

pub use deprecated_expect_ct::DEPRECATED_EXPECT_CT;
pub use deprecated_feature_policy::DEPRECATED_FEATURE_POLICY;
pub use deprecated_hpkp::DEPRECATED_HPKP;
pub use deprecated_x_xss_protection::DEPRECATED_X_XSS_PROTECTION;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[
    &DEPRECATED_X_XSS_PROTECTION,
    &DEPRECATED_HPKP,
    &DEPRECATED_EXPECT_CT,
    &DEPRECATED_FEATURE_POLICY,
];
