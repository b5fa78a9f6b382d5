//! Content-Security-Policy rules. Parsing and the effective policy live in `crate::csp`;
//! each rule here reads them through [`Context::csp`].

use crate::rules::{Context, Rule};

mod csp_missing;

pub use csp_missing::CSP_MISSING;

/// The rules of this family, in report order.
pub static RULES: &[&Rule] = &[&CSP_MISSING];

/// Whether the enforced CSP's `script-src` is strict enough for an A+ (DESIGN "Scoring"):
/// nonce- or hash-based with `'strict-dynamic'`, no effective `'unsafe-inline'`, no host
/// allowlist.
pub fn has_strict_script_policy(ctx: &Context<'_>) -> bool {
    ctx.csp().enforced().any(|p| {
        let text = p.text.to_ascii_lowercase();
        text.contains("'strict-dynamic'") && (text.contains("'nonce-") || text.contains("'sha"))
    })
}
