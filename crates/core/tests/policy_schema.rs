//! `schemas/policy.schema.json` is generated from the loader's key table; the presets (as
//! written, and as serialized) validate against it. Regenerate the file with
//! `HEADWARDEN_UPDATE_SCHEMAS=1 cargo test -p headwarden-core --test policy_schema`.

use std::path::PathBuf;

use headwarden_core::policy::{presets, schema, Policy};
use serde_json::Value;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/policy.schema.json")
}

fn generated() -> String {
    serde_json::to_string_pretty(&schema::json_schema()).unwrap() + "\n"
}

#[test]
fn the_checked_in_schema_is_the_generated_one() {
    let path = schema_path();
    if std::env::var_os("HEADWARDEN_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, generated()).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated(),
        "schemas/policy.schema.json is out of date; regenerate it with\n  HEADWARDEN_UPDATE_SCHEMAS=1 cargo test -p headwarden-core --test policy_schema"
    );
}

fn toml_to_json(v: toml::Value) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn presets_validate_against_the_schema() {
    let schema: Value = serde_json::from_str(&generated()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    for p in presets() {
        let written = toml_to_json(toml::from_str(p.toml).unwrap());
        let serialized = serde_json::to_value(Policy::preset(p.name).unwrap()).unwrap();
        for (what, instance) in [("file", written), ("serialized", serialized)] {
            let errors: Vec<String> = validator
                .iter_errors(&instance)
                .map(|e| format!("  at {}: {e}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "preset {} ({what}):\n{}",
                p.name,
                errors.join("\n")
            );
        }
    }
    // And the schema rejects what the loader rejects structurally.
    let bad: Value = serde_json::json!({"hsts": {"max_agee": 1}});
    assert!(!validator.is_valid(&bad));
    let bad: Value = serde_json::json!({"frame": {"x_frame_options": "ALLOWALL"}});
    assert!(!validator.is_valid(&bad));
}
