//! Policy rules: where a response departs from the policy the user chose.

use crate::rules::Rule;

mod policy_mismatch;

pub use policy_mismatch::POLICY_MISMATCH;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[&POLICY_MISMATCH];
