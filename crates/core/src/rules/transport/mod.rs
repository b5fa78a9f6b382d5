//! Transport: HTTPS and Strict-Transport-Security.

use crate::rules::Rule;

mod hsts_missing;

pub use hsts_missing::HSTS_MISSING;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[&HSTS_MISSING];
