//! Caching: responses that carry private data must not be stored.

use crate::rules::Rule;

mod cache_control_missing_sensitive;

pub use cache_control_missing_sensitive::CACHE_CONTROL_MISSING_SENSITIVE;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[&CACHE_CONTROL_MISSING_SENSITIVE];
