//! The built-in presets. Each is a commented TOML file in `presets/` (the text `policy
//! init` prints), embedded at build time and parsed once.

use std::sync::OnceLock;

use super::load::{load_syntax, Syntax};
use super::model::Policy;

/// One built-in preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub name: &'static str,
    /// One line for listings.
    pub description: &'static str,
    /// The commented TOML file.
    pub toml: &'static str,
}

/// Every preset, strictest first.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "strict",
        description: "Nonce CSP with 'strict-dynamic' and Trusted Types, HSTS 2 years + preload, COOP/CORP same-origin, no referrer, powerful features off.",
        toml: include_str!("presets/strict.toml"),
    },
    Preset {
        name: "balanced",
        description: "What a Flask app with server-rendered templates can deploy today behind the worker: nonce CSP, HSTS 1 year, hardened cookies, debugger blocked. The default.",
        toml: include_str!("presets/balanced.toml"),
    },
    Preset {
        name: "flask-talisman",
        description: "flask-talisman 1.1.0's defaults (Talisman(app)), for comparison: default-src 'self' CSP without nonce, HSTS, SAMEORIGIN.",
        toml: include_str!("presets/flask-talisman.toml"),
    },
];

/// Every preset (name, one-line description, commented TOML).
pub fn presets() -> &'static [Preset] {
    PRESETS
}

/// The preset named `name` (ASCII case ignored).
pub fn preset(name: &str) -> Option<Policy> {
    static PARSED: OnceLock<Vec<Option<Policy>>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        PRESETS
            .iter()
            .map(|p| load_syntax(p.toml, Syntax::Toml, Some(p.name)).ok())
            .collect()
    });
    let index = PRESETS
        .iter()
        .position(|p| p.name.eq_ignore_ascii_case(name.trim()))?;
    parsed.get(index)?.clone()
}

/// The commented TOML of the preset named `name`.
pub fn preset_toml(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
        .map(|p| p.toml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_loads() {
        for p in PRESETS {
            if let Err(e) = load_syntax(p.toml, Syntax::Toml, Some(p.name)) {
                panic!("preset {} does not load:\n{e}", p.name);
            }
            let policy = preset(p.name).unwrap();
            assert_eq!(policy.preset.as_deref(), Some(p.name));
        }
    }
}
