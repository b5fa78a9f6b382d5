//! Loading policies: presets, TOML and JSON, and errors that say where and what is allowed.

use headwarden_core::policy::{
    presets, schema, ErrorKind, LoadError, Location, NonceScripts, Policy, SameSite, XFrameOptions,
};

fn err(text: &str) -> LoadError {
    match Policy::from_toml_str(text) {
        Ok(p) => panic!("expected an error, got {p:#?}"),
        Err(e) => e,
    }
}

fn at(e: &LoadError, line: usize, column: usize) -> &str {
    e.errors
        .iter()
        .find(|x| x.location == Some(Location { line, column }))
        .map(|x| x.message.as_str())
        .unwrap_or_else(|| panic!("no error at {line}:{column} in:\n{e}"))
}

#[test]
fn default_is_balanced_and_not_explicit() {
    let d = Policy::default();
    assert_eq!(d.preset.as_deref(), Some("balanced"));
    assert!(!d.explicit);
    assert_eq!(d, Policy::preset("balanced").unwrap());
    assert!(Policy::preset("balanced").unwrap().explicit);
    assert!(Policy::load("balanced").unwrap().explicit);
    let csp = d.csp.as_ref().unwrap();
    assert!(csp.nonce);
    assert_eq!(csp.directives["script-src"], "'strict-dynamic'");
    assert_eq!(csp.directives["frame-ancestors"], "'self'");
    assert_eq!(d.hsts.as_ref().unwrap().max_age, 31_536_000);
    assert_eq!(
        d.frame.as_ref().unwrap().x_frame_options,
        XFrameOptions::SameOrigin
    );
    assert!(d.blocks_debugger() && d.hides_dev_server());
    assert!(d.removes_header("server") && d.removes_header("X-POWERED-BY"));
}

#[test]
fn presets_are_listed_and_distinct() {
    let names: Vec<&str> = presets().iter().map(|p| p.name).collect();
    assert_eq!(names, ["strict", "balanced", "flask-talisman"]);
    let strict = Policy::preset("strict").unwrap();
    let hsts = strict.hsts.as_ref().unwrap();
    assert!(hsts.preload && hsts.include_subdomains && hsts.max_age >= 63_072_000);
    assert_eq!(
        strict.csp.as_ref().unwrap().nonce_scripts,
        NonceScripts::Marked
    );
    assert_eq!(
        strict.cross_origin.as_ref().unwrap().resource.as_deref(),
        Some("same-origin")
    );
    let talisman = Policy::preset("flask-talisman").unwrap();
    assert_eq!(
        talisman.csp.as_ref().unwrap().header_value(None),
        "default-src 'self'; object-src 'none'"
    );
    assert_eq!(
        talisman.hsts.as_ref().unwrap().header_value(),
        "max-age=31556926; includeSubDomains"
    );
    assert!(talisman.cross_origin.is_none() && talisman.remove.is_none());
    assert!(Policy::preset("nope").is_none());
}

#[test]
fn a_file_overrides_its_preset() {
    let p = Policy::from_toml_str(
        "preset = \"balanced\"\n\
         [hsts]\nmax_age = 63072000\n\
         [cross_origin]\nenabled = false\n\
         [csp.directives]\nimg-src = [\"'self'\", \"https://cdn.example\"]\nfont-src = false\nupgrade-insecure-requests = true\n\
         [[cookies]]\npattern = \"sid\"\nsecure = true\nsame_site = \"strict\"\n",
    )
    .unwrap();
    assert!(p.explicit);
    assert_eq!(p.preset.as_deref(), Some("balanced"));
    let hsts = p.hsts.as_ref().unwrap();
    assert_eq!(hsts.max_age, 63_072_000);
    assert!(hsts.include_subdomains, "kept from the preset");
    assert!(
        p.cross_origin.is_none(),
        "enabled = false turns the section off"
    );
    let d = &p.csp.as_ref().unwrap().directives;
    assert_eq!(d["img-src"], "'self' https://cdn.example");
    assert!(!d.contains_key("font-src"));
    assert_eq!(d["upgrade-insecure-requests"], "");
    assert_eq!(d["script-src"], "'strict-dynamic'", "kept from the preset");
    assert_eq!(p.cookies.len(), 1, "a list replaces the preset's");
    assert_eq!(p.cookies[0].same_site, Some(SameSite::Strict));
}

#[test]
fn without_a_preset_only_what_is_written_applies() {
    let p = Policy::from_toml_str("[content_type]\nnosniff = true\n").unwrap();
    assert!(p.hsts.is_none() && p.csp.is_none() && p.cookies.is_empty());
    assert!(p.content_type.unwrap().nosniff);
    assert!(Policy::from_toml_str("").unwrap().csp.is_none());
}

#[test]
fn unknown_keys_get_a_suggestion_and_the_allowed_list() {
    let e = err("preset = \"balanced\"\n[hsts]\nmax_agee = 5\n");
    assert_eq!(e.errors[0].kind, ErrorKind::UnknownKey);
    let msg = at(&e, 3, 1);
    assert!(msg.contains("unknown key `max_agee` in [hsts]"), "{msg}");
    assert!(msg.contains("did you mean `max_age`?"), "{msg}");
    assert!(
        msg.contains("allowed: max_age, include_subdomains, preload"),
        "{msg}"
    );

    let e = err("max_age = 1\n");
    assert!(
        e.errors[0]
            .message
            .contains("belongs in [hsts] or [[cookies]]"),
        "{e}"
    );

    let e = err("[cookie]\npattern = \"*\"\n");
    assert!(
        e.errors[0].message.contains("did you mean `cookies`"),
        "{e}"
    );
}

#[test]
fn wrong_types_and_values_say_what_is_allowed() {
    let e = err("[hsts]\nmax_age = \"one year\"\n");
    let msg = at(&e, 2, 11);
    assert!(msg.contains("must be a whole number"), "{msg}");
    assert!(msg.contains("found a string"), "{msg}");

    let e = err("[frame]\nx_frame_options = \"ALLOW-FROM x\"\n");
    let msg = at(&e, 2, 19);
    assert!(msg.contains("\"DENY\" or \"SAMEORIGIN\""), "{msg}");

    let e = err("[cross_origin]\nopener = \"same-orign\"\n");
    assert!(
        e.errors[0].message.contains("did you mean \"same-origin\""),
        "{e}"
    );

    let e = err("[hsts]\nmax_age = -1\n");
    assert_eq!(e.errors[0].kind, ErrorKind::InvalidValue);

    let e = err("preset = \"balance\"\n");
    assert!(
        e.errors[0].message.contains("did you mean \"balanced\""),
        "{e}"
    );
}

#[test]
fn contradictions_fail_at_load_time() {
    let e = err("[hsts]\nmax_age = 86400\ninclude_subdomains = true\npreload = true\n");
    assert_eq!(e.errors[0].kind, ErrorKind::Contradiction);
    assert!(
        at(&e, 2, 1).contains("needs `hsts.max_age` >= 31536000"),
        "{e}"
    );

    let e = err("[hsts]\nmax_age = 31536000\npreload = true\n");
    assert!(e.errors[0].message.contains("include_subdomains"), "{e}");

    let e = err("[[cookies]]\npattern = \"*\"\nsame_site = \"None\"\n");
    assert!(e.errors[0].message.contains("needs `secure` = true"), "{e}");
    assert_eq!(e.errors[0].location, Some(Location { line: 3, column: 1 }));

    let e = err("preset = \"balanced\"\n[frame]\nx_frame_options = \"DENY\"\n");
    assert!(
        e.errors[0]
            .message
            .contains("contradicts frame-ancestors 'self'"),
        "{e}"
    );

    let e = err("preset = \"balanced\"\n[remove]\nheaders = [\"Content-Security-Policy\"]\n");
    assert!(
        e.errors[0].message.contains("which this policy also sets"),
        "{e}"
    );

    let e = err("[csp]\nnonce = false\n[csp.directives]\nscript-src = \"'strict-dynamic'\"\n");
    assert!(e.errors[0].message.contains("blocks every script"), "{e}");
}

#[test]
fn csp_directives_are_validated_like_helmet_does() {
    let cases = [
        ("scrpt-src = \"'self'\"", "did you mean `script-src`"),
        ("script-src = \"self\"", "must be quoted: write \"'self'\""),
        ("script-src = \"'nonce-abc'\"", "set `csp.nonce` = true"),
        ("script-src = \"'self'; object-src *\"", "contains `;`"),
        ("script-src = \"'sefl'\"", "did you mean \"'self'\""),
        ("block-all-mixed-content = true", "deprecated"),
        ("object-src = \"'none' 'self'\"", "cannot be combined"),
        ("script-src = \"\"", "empty source list"),
    ];
    for (line, expected) in cases {
        let e = err(&format!("[csp]\n[csp.directives]\n{line}\n"));
        assert!(
            e.errors.iter().any(|x| x.message.contains(expected)),
            "{line}: expected {expected:?} in:\n{e}"
        );
        assert_eq!(e.errors[0].location.map(|l| l.line), Some(3), "{line}: {e}");
    }
}

#[test]
fn syntax_errors_point_at_the_place() {
    let e = err("[hsts]\nmax_age = = 3\n");
    assert_eq!(e.errors[0].kind, ErrorKind::Syntax);
    assert_eq!(e.errors[0].location.map(|l| l.line), Some(2));
    assert!(e.errors[0].message.starts_with("invalid TOML"));

    let e = Policy::from_json_str("{\n  \"hsts\": {\"max_age\": }\n}").unwrap_err();
    assert_eq!(e.errors[0].location.map(|l| l.line), Some(2));
    assert!(e.errors[0].message.starts_with("invalid JSON"));
}

#[test]
fn json_policies_use_the_same_keys() {
    let p = Policy::from_json_str(
        r#"{"preset": "strict", "referrer": {"policy": "same-origin"}, "csp": {"directives": {"img-src": "'self' https:"}}}"#,
    )
    .unwrap();
    assert_eq!(p.referrer.unwrap().policy, "same-origin");
    assert_eq!(p.csp.unwrap().directives["img-src"], "'self' https:");
    let e = Policy::from_json_str("{\n  \"hsts\": {\n    \"max_agee\": 1\n  }\n}").unwrap_err();
    assert_eq!(e.errors[0].location, Some(Location { line: 3, column: 5 }));
    assert!(e.errors[0].message.contains("did you mean `max_age`"));
}

#[test]
fn load_detects_the_syntax_and_takes_preset_names() {
    assert_eq!(
        Policy::load(" strict\n").unwrap(),
        Policy::preset("strict").unwrap()
    );
    assert!(Policy::load("{\"content_type\": {\"nosniff\": true}}").is_ok());
    assert!(Policy::load("[content_type]\nnosniff = true").is_ok());
    let e = Policy::load("stict").unwrap_err();
    assert!(e.to_string().contains("did you mean `strict`"), "{e}");
    assert!(Policy::load("   ").is_err());
    assert_eq!("balanced".parse::<Policy>().unwrap(), Policy::default());
}

#[test]
fn every_error_is_reported_in_text_order() {
    let e = err("[hsts]\nmax_age = \"x\"\nfoo = 1\n[frame]\nx_frame_options = \"NO\"\n");
    let lines: Vec<usize> = e
        .errors
        .iter()
        .filter_map(|x| x.location.map(|l| l.line))
        .collect();
    assert_eq!(lines, [2, 3, 5]);
    let rendered = e.render("site.toml");
    assert!(rendered.starts_with("site.toml:2:11: "), "{rendered}");
}

#[test]
fn presets_print_their_own_commented_file() {
    for p in presets() {
        let policy = Policy::preset(p.name).unwrap();
        assert_eq!(policy.to_toml_string(), p.toml);
        assert!(p.toml.lines().filter(|l| l.starts_with('#')).count() > 10);
        // The file, read back as a user file, is the same policy.
        assert_eq!(Policy::from_toml_str(p.toml).unwrap(), policy);
    }
}

#[test]
fn any_policy_round_trips_through_commented_toml_and_json() {
    let mut p = Policy::from_toml_str(
        "preset = \"strict\"\n[referrer]\npolicy = \"same-origin\"\n[cross_origin]\nembedder = \"credentialless\"\n",
    )
    .unwrap();
    let toml = p.to_toml_string();
    assert!(toml.contains("# Strict-Transport-Security"), "{toml}");
    assert!(
        !toml.contains("preset ="),
        "a derived policy is written out in full"
    );
    let back = Policy::from_toml_str(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    p.preset = None;
    assert_eq!(back, p);
    let json = p.to_json_string();
    assert_eq!(Policy::from_json_str(&json).unwrap(), p);
}

#[test]
fn covers_follows_the_sections() {
    let balanced = Policy::default().covers();
    for id in [
        "hsts-missing",
        "hsts-max-age-low",
        "csp-missing",
        "csp-missing-object-src",
        "xcto-missing",
        "framing-unprotected",
        "cookie-missing-secure",
        "cookie-missing-httponly",
        "info-leak-x-powered-by",
        "flask-debugger-exposed",
        "policy-mismatch",
    ] {
        assert!(balanced.contains(&id), "balanced should cover {id}");
    }
    assert!(
        !balanced.contains(&"corp-missing"),
        "balanced sends no CORP"
    );
    let strict = Policy::preset("strict").unwrap();
    assert!(strict.covers_rule("corp-missing"));
    assert!(strict.covers_rule("deprecated-x-xss-protection"));
    let talisman = Policy::preset("flask-talisman").unwrap();
    assert!(
        !talisman.covers_rule("cookie-missing-secure"),
        "only the session cookie is hardened"
    );
    assert!(!talisman.covers_rule("csp-missing-base-uri"));
    assert!(Policy::from_toml_str("").unwrap().covers() == ["policy-mismatch"]);
}

#[test]
fn every_key_of_the_schema_table_loads() {
    // A policy with every key set: the loader's table and the serde types agree.
    let text = r#"
preset = "balanced"
[hsts]
enabled = true
max_age = 31536000
include_subdomains = true
preload = true
[csp]
nonce = true
nonce_scripts = "marked"
nonce_styles = true
report_only = true
report_uri = "https://r.example/csp"
[csp.directives]
script-src = "'strict-dynamic'"
style-src = "'self'"
[frame]
x_frame_options = "SAMEORIGIN"
[content_type]
nosniff = true
[referrer]
policy = "no-referrer, strict-origin-when-cross-origin"
[permissions]
policy = "geolocation=(self \"https://maps.example\"), camera=()"
[cross_origin]
opener = "same-origin-allow-popups"
resource = "same-site"
embedder = "require-corp"
[cache]
sensitive_paths = ["/login", "/account/*"]
cache_control = "no-store, max-age=0"
[[cookies]]
pattern = ["session", "remember_*"]
secure = true
http_only = true
same_site = "Lax"
max_age = 86400
prefix = "__Host-"
[remove]
headers = ["Server"]
[flask]
block_debugger = true
hide_dev_server = false
[limits]
methods = ["GET", "POST"]
max_body_bytes = 1000
[csrf]
allowed_origins = ["https://app.example", "http://localhost:5000"]
exempt_paths = ["/hooks/*"]
[[rate_limit]]
path = "/login"
method = "POST"
binding = "LOGIN_LIMITER"
limit = 10
period = 60
[https]
redirect = true
permanent = false
[scoring]
critical = 50
high = 20
medium = 10
low = 5
info = 0
critical_cap = "F"
high_cap = "C"
"#;
    let p = Policy::from_toml_str(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.scoring.critical, 50);
    assert_eq!(p.rate_limit[0].binding, "LOGIN_LIMITER");
    assert!(p.cookie_rule("remember_token").is_some());
    assert!(
        p.cookie_rule("__Host-session").is_some(),
        "a renamed cookie keeps its rule"
    );
    assert!(p.is_sensitive_path("/account/x?y") && !p.is_sensitive_path("/"));
    // Every key of the table is exercised above.
    let mut missing = Vec::new();
    for key in schema::ROOT {
        if !text.contains(key.name) {
            missing.push(key.name);
        }
        if let Some(keys) = schema::keys_at(key.name) {
            for k in keys {
                if !text.contains(k.name) {
                    missing.push(k.name);
                }
            }
        }
    }
    assert!(missing.is_empty(), "not exercised: {missing:?}");
}
