//! Policy loading from TOML, JSON or a preset name. Whatever loads must write itself out
//! and load back as the same policy (TOML and JSON).
#![no_main]

use headwarden_core::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Policy::from_toml_str(text).map_err(|e| e.render("fuzz.toml"));
    let _ = Policy::from_json_str(text).map_err(|e| e.render("fuzz.json"));
    let Ok(mut policy) = Policy::load(text) else {
        return;
    };
    let _ = policy.covers();
    policy.preset = None;
    let toml = policy.to_toml_string();
    let back = Policy::from_toml_str(&toml).unwrap_or_else(|e| {
        panic!(
            "written TOML does not load: {}\n{toml}",
            e.render("out.toml")
        )
    });
    assert_eq!(back, policy, "TOML round trip changed the policy\n{toml}");
    let json = policy.to_json_string();
    let back = Policy::from_json_str(&json).unwrap_or_else(|e| {
        panic!(
            "written JSON does not load: {}\n{json}",
            e.render("out.json")
        )
    });
    assert_eq!(back, policy, "JSON round trip changed the policy\n{json}");
});
