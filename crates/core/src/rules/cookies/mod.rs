//! Rules of this family: one file per rule.

use crate::rules::Rule;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[];
