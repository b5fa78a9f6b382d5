//! The policy: one serde type, read from TOML or JSON, that says what a site should send.
//! The checker grades against it; the worker enforces it ([`enforce`]).
//!
//! - [`model`]: the types (`[hsts]`, `[csp]`, `[[cookies]]`, …).
//! - [`presets`]: `strict`, `balanced` (the default everywhere), `flask-talisman`, each a
//!   commented TOML file.
//! - [`load`]: TOML/JSON loading with errors that point at line and column.
//! - [`enforce()`]: rewrite a response to satisfy a policy; [`rewrite`] streams HTML.
//! - [`suggest()`]: derive a policy from what a response needs.
//! - [`Policy::covers`]: the rule ids enforcing a policy resolves.

use std::str::FromStr;

pub mod covers;
pub mod enforce;
pub mod load;
pub mod model;
pub mod presets;
pub mod rewrite;
pub mod schema;
pub mod suggest;
mod write;

pub use enforce::{
    enforce, enforce_with, is_werkzeug_debugger_page, nonce_from_bytes, replace_debugger_page,
    Action, Change, Enforcement, Mode,
};
pub use load::{ErrorKind, LoadError, Location, PolicyError};
pub use model::{
    Cache, ContentType, CookiePrefix, CookieRule, CrossOrigin, Csp, Csrf, Flask, Frame, Hsts,
    Https, Limits, NamePatterns, NonceScripts, Permissions, Policy, RateLimit, Referrer, Remove,
    SameSite, XFrameOptions,
};
pub use presets::{presets, Preset};
#[cfg(feature = "rewrite")]
pub use rewrite::{rewrite_html, NonceRewriter};
pub use rewrite::{NonceOptions, RewriteError, RewriteStats};
pub use suggest::{suggest, suggest_from_report};

impl Default for Policy {
    /// The `balanced` preset: what every surface uses when no policy is given.
    fn default() -> Self {
        Policy::balanced()
    }
}

impl Policy {
    /// What most Flask sites can deploy today; the default everywhere.
    pub fn balanced() -> Self {
        presets::preset("balanced").unwrap_or_else(Policy::empty)
    }

    /// The built-in preset named `name` (`strict`, `balanced`, `flask-talisman`), marked
    /// [`explicit`](Policy::explicit) (chosen by the user).
    pub fn preset(name: &str) -> Option<Policy> {
        presets::preset(name).map(|mut p| {
            p.explicit = true;
            p
        })
    }

    /// A TOML policy.
    pub fn from_toml_str(text: &str) -> Result<Policy, LoadError> {
        load::from_toml_str(text)
    }

    /// A JSON policy (the same keys as TOML).
    pub fn from_json_str(text: &str) -> Result<Policy, LoadError> {
        load::from_json_str(text)
    }

    /// A preset name, or a TOML or JSON policy (detected): what `--policy` and the
    /// worker's `POLICY` take.
    pub fn load(text: &str) -> Result<Policy, LoadError> {
        load::load(text)
    }

    /// Commented TOML. An unmodified preset prints its own file (the text `policy init`
    /// writes); any other policy is written out in full, every key with a comment.
    pub fn to_toml_string(&self) -> String {
        if let Some(name) = &self.preset {
            if let (Some(text), Some(preset)) = (presets::preset_toml(name), presets::preset(name))
            {
                if preset == *self {
                    return text.to_string();
                }
            }
        }
        let header = match &self.preset {
            Some(name) => format!(
                "headwarden policy, derived from the `{name}` preset.\nEvery section is spelled out; a section that is not written is off."
            ),
            None => "headwarden policy.\nEvery section is spelled out; a section that is not written is off.".to_string(),
        };
        write::to_toml(self, &header)
    }

    /// JSON (the same keys as TOML; what the web app exports).
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl FromStr for Policy {
    type Err = LoadError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Policy::load(s)
    }
}
