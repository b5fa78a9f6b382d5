//! The policy: one serde type, read from TOML or JSON, that says what a site should send.
//! The checker grades against it; the worker enforces it.

use serde::{Deserialize, Serialize};

use crate::score::Weights;

/// A headwarden policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The preset this policy starts from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// How findings turn into a score.
    #[serde(default)]
    pub scoring: Weights,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::balanced()
    }
}

impl Policy {
    /// What most Flask sites can deploy today; the default everywhere.
    pub fn balanced() -> Self {
        Policy {
            preset: Some("balanced".into()),
            scoring: Weights::default(),
        }
    }
}
