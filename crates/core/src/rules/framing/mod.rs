//! Framing and types: X-Frame-Options / `frame-ancestors`, X-Content-Type-Options.

use crate::rules::Rule;

mod xcto_missing;

pub use xcto_missing::XCTO_MISSING;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[&XCTO_MISSING];
