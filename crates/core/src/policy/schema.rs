//! The keys a policy file may hold, with their types and one-line docs, in one table.
//! The loader validates against it (unknown keys with "did you mean", wrong types, allowed
//! values), `to_toml_string` takes its comments from it, and
//! `schemas/policy.schema.json` is generated from it ([`json_schema`]).

use serde_json::{json, Map, Value};

/// One key of a table.
#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub ty: Ty,
    pub doc: &'static str,
    /// The table is incomplete without it (unless a preset gives it).
    pub required: bool,
}

/// What a key holds.
#[derive(Debug)]
pub enum Ty {
    Bool,
    /// A non-negative integer up to `max`.
    UInt {
        max: u64,
    },
    /// Any string (checked further by the loader where it has a grammar).
    Str,
    /// One of these strings, ASCII case ignored; normalised to the spelling listed.
    OneOf(&'static [&'static str]),
    /// A list of strings.
    StrList,
    /// One string or a list of strings.
    StrOrList,
    /// A section: a table of these keys. It may also hold `enabled = false`, which turns
    /// the section (inherited from a preset) off.
    Section(&'static [Key]),
    /// A plain table of these keys.
    Table(&'static [Key]),
    /// An array of tables (`[[cookies]]`).
    TableList(&'static [Key]),
    /// `[csp.directives]`: directive name → source list (string or list of strings),
    /// `true` for a directive without value, `false` to drop one inherited from a preset.
    Directives,
}

impl Ty {
    /// How the type reads in an error message.
    pub fn expected(&self) -> String {
        match self {
            Ty::Bool => "true or false".into(),
            Ty::UInt { max } => format!("a whole number from 0 to {max}"),
            Ty::Str => "a string".into(),
            Ty::OneOf(values) => format!("one of {}", quoted_list(values)),
            Ty::StrList => "a list of strings".into(),
            Ty::StrOrList => "a string or a list of strings".into(),
            Ty::Section(_) | Ty::Table(_) | Ty::Directives => "a table".into(),
            Ty::TableList(_) => "an array of tables ([[...]])".into(),
        }
    }
}

/// `"a", "b" or "c"`.
pub fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

const U32: u64 = u32::MAX as u64;
/// HSTS max-age and cookie lifetimes: up to 100 years, far past anything browsers keep.
const SECONDS: u64 = 3_155_760_000;

pub const PRESET_NAMES: &[&str] = &["strict", "balanced", "flask-talisman"];

pub const GRADES: &[&str] = &["A+", "A", "B", "C", "D", "F"];

/// The top level of a policy.
pub static ROOT: &[Key] = &[
    Key {
        name: "preset",
        ty: Ty::OneOf(PRESET_NAMES),
        doc: "Start from this preset; the keys below override it.",
        required: false,
    },
    Key {
        name: "hsts",
        ty: Ty::Section(HSTS),
        doc: "Strict-Transport-Security: the minimum expected, and the header enforced.",
        required: false,
    },
    Key {
        name: "csp",
        ty: Ty::Section(CSP),
        doc: "Content-Security-Policy: the policy the site intends.",
        required: false,
    },
    Key {
        name: "frame",
        ty: Ty::Section(FRAME),
        doc: "X-Frame-Options.",
        required: false,
    },
    Key {
        name: "content_type",
        ty: Ty::Section(CONTENT_TYPE),
        doc: "X-Content-Type-Options.",
        required: false,
    },
    Key {
        name: "referrer",
        ty: Ty::Section(REFERRER),
        doc: "Referrer-Policy.",
        required: false,
    },
    Key {
        name: "permissions",
        ty: Ty::Section(PERMISSIONS),
        doc: "Permissions-Policy.",
        required: false,
    },
    Key {
        name: "cross_origin",
        ty: Ty::Section(CROSS_ORIGIN),
        doc: "Cross-origin isolation headers (COOP, CORP, COEP).",
        required: false,
    },
    Key {
        name: "cache",
        ty: Ty::Section(CACHE),
        doc: "Responses that must not be cached.",
        required: false,
    },
    Key {
        name: "cookies",
        ty: Ty::TableList(COOKIE),
        doc: "Cookie rules by name pattern; the first that matches applies.",
        required: false,
    },
    Key {
        name: "remove",
        ty: Ty::Section(REMOVE),
        doc: "Response headers to remove.",
        required: false,
    },
    Key {
        name: "flask",
        ty: Ty::Section(FLASK),
        doc: "Flask and Werkzeug specifics.",
        required: false,
    },
    Key {
        name: "limits",
        ty: Ty::Section(LIMITS),
        doc: "Request limits (enforced by the worker).",
        required: false,
    },
    Key {
        name: "csrf",
        ty: Ty::Section(CSRF),
        doc: "CSRF guard for unsafe methods (enforced by the worker).",
        required: false,
    },
    Key {
        name: "rate_limit",
        ty: Ty::TableList(RATE_LIMIT),
        doc: "Rate limits by path (enforced by the worker with a rate-limiting binding).",
        required: false,
    },
    Key {
        name: "https",
        ty: Ty::Section(HTTPS),
        doc: "HTTP to HTTPS redirect (enforced by the worker).",
        required: false,
    },
    Key {
        name: "scoring",
        ty: Ty::Table(SCORING),
        doc: "How findings turn into a score and a grade.",
        required: false,
    },
];

static HSTS: &[Key] = &[
    Key {
        name: "max_age",
        ty: Ty::UInt { max: SECONDS },
        doc: "Seconds; the smallest max-age accepted, and the value enforced.",
        required: true,
    },
    Key {
        name: "include_subdomains",
        ty: Ty::Bool,
        doc: "Add includeSubDomains.",
        required: false,
    },
    Key {
        name: "preload",
        ty: Ty::Bool,
        doc: "Add preload (needs include_subdomains and max_age >= 31536000).",
        required: false,
    },
];

static CSP: &[Key] = &[
    Key {
        name: "nonce",
        ty: Ty::Bool,
        doc: "A fresh nonce per response, added to script-src and to every <script>.",
        required: false,
    },
    Key {
        name: "nonce_scripts",
        ty: Ty::OneOf(&["all", "marked"]),
        doc: "Which <script> tags get the nonce: \"all\", or \"marked\" (only those that already have a nonce attribute).",
        required: false,
    },
    Key {
        name: "nonce_styles",
        ty: Ty::Bool,
        doc: "Also add the nonce to style-src and to every <style>.",
        required: false,
    },
    Key {
        name: "report_only",
        ty: Ty::Bool,
        doc: "Send Content-Security-Policy-Report-Only instead (blocks nothing).",
        required: false,
    },
    Key {
        name: "report_uri",
        ty: Ty::Str,
        doc: "Where browsers send violation reports (report-uri).",
        required: false,
    },
    Key {
        name: "directives",
        ty: Ty::Directives,
        doc: "Directive name = source list.",
        required: false,
    },
];

static FRAME: &[Key] = &[Key {
    name: "x_frame_options",
    ty: Ty::OneOf(&["DENY", "SAMEORIGIN"]),
    doc: "DENY or SAMEORIGIN.",
    required: true,
}];

static CONTENT_TYPE: &[Key] = &[Key {
    name: "nosniff",
    ty: Ty::Bool,
    doc: "Send X-Content-Type-Options: nosniff.",
    required: true,
}];

static REFERRER: &[Key] = &[Key {
    name: "policy",
    ty: Ty::Str,
    doc: "The Referrer-Policy value (a token, or a comma list of fallbacks).",
    required: true,
}];

static PERMISSIONS: &[Key] = &[Key {
    name: "policy",
    ty: Ty::Str,
    doc: "The Permissions-Policy value, e.g. \"camera=(), geolocation=(self)\".",
    required: true,
}];

pub const COOP_VALUES: &[&str] = &[
    "same-origin",
    "same-origin-allow-popups",
    "noopener-allow-popups",
    "unsafe-none",
];
pub const CORP_VALUES: &[&str] = &["same-origin", "same-site", "cross-origin"];
pub const COEP_VALUES: &[&str] = &["require-corp", "credentialless", "unsafe-none"];

static CROSS_ORIGIN: &[Key] = &[
    Key {
        name: "opener",
        ty: Ty::OneOf(COOP_VALUES),
        doc: "Cross-Origin-Opener-Policy.",
        required: false,
    },
    Key {
        name: "resource",
        ty: Ty::OneOf(CORP_VALUES),
        doc: "Cross-Origin-Resource-Policy.",
        required: false,
    },
    Key {
        name: "embedder",
        ty: Ty::OneOf(COEP_VALUES),
        doc: "Cross-Origin-Embedder-Policy.",
        required: false,
    },
];

static CACHE: &[Key] = &[
    Key {
        name: "sensitive_paths",
        ty: Ty::StrList,
        doc: "Request paths (exact, or a prefix ending in *) whose responses are not stored.",
        required: false,
    },
    Key {
        name: "cache_control",
        ty: Ty::Str,
        doc: "The Cache-Control value sent on them.",
        required: false,
    },
];

static COOKIE: &[Key] = &[
    Key {
        name: "pattern",
        ty: Ty::StrOrList,
        doc: "Cookie name glob(s): * any run, ? one character, case ignored.",
        required: true,
    },
    Key {
        name: "secure",
        ty: Ty::Bool,
        doc: "Ensure Secure.",
        required: false,
    },
    Key {
        name: "http_only",
        ty: Ty::Bool,
        doc: "Ensure HttpOnly (a * pattern: on session-like cookies only; leave false for cookies scripts must read).",
        required: false,
    },
    Key {
        name: "same_site",
        ty: Ty::OneOf(&["Strict", "Lax", "None"]),
        doc: "The weakest SameSite accepted; weaker or missing values are raised to it.",
        required: false,
    },
    Key {
        name: "max_age",
        ty: Ty::UInt { max: SECONDS },
        doc: "Longest lifetime allowed, seconds.",
        required: false,
    },
    Key {
        name: "prefix",
        ty: Ty::OneOf(&["__Host-", "__Secure-"]),
        doc: "Rename matching cookies with this prefix (the app must expect the new name).",
        required: false,
    },
];

static REMOVE: &[Key] = &[Key {
    name: "headers",
    ty: Ty::StrList,
    doc: "Header names, any case.",
    required: false,
}];

static FLASK: &[Key] = &[
    Key {
        name: "block_debugger",
        ty: Ty::Bool,
        doc: "Replace Werkzeug debugger pages by a generic 500; block /console and __debugger__.",
        required: false,
    },
    Key {
        name: "hide_dev_server",
        ty: Ty::Bool,
        doc: "Remove a Server: Werkzeug/... header.",
        required: false,
    },
];

static LIMITS: &[Key] = &[
    Key {
        name: "methods",
        ty: Ty::StrList,
        doc: "Allowed request methods; others get 405.",
        required: false,
    },
    Key {
        name: "max_body_bytes",
        ty: Ty::UInt { max: u64::MAX >> 1 },
        doc: "Largest request body; larger ones get 413.",
        required: false,
    },
];

static CSRF: &[Key] = &[
    Key {
        name: "allowed_origins",
        ty: Ty::StrList,
        doc: "Other origins allowed to send unsafe requests (https://app.example.com).",
        required: false,
    },
    Key {
        name: "exempt_paths",
        ty: Ty::StrList,
        doc: "Paths the guard skips (exact, or a prefix ending in *).",
        required: false,
    },
];

static RATE_LIMIT: &[Key] = &[
    Key {
        name: "path",
        ty: Ty::Str,
        doc: "Request path (exact, or a prefix ending in *).",
        required: true,
    },
    Key {
        name: "method",
        ty: Ty::Str,
        doc: "Only this method (any when left out).",
        required: false,
    },
    Key {
        name: "binding",
        ty: Ty::Str,
        doc: "Name of the rate-limiting binding in wrangler.toml.",
        required: true,
    },
    Key {
        name: "limit",
        ty: Ty::UInt { max: U32 },
        doc: "Requests per period (documents the binding's simple.limit).",
        required: false,
    },
    Key {
        name: "period",
        ty: Ty::UInt { max: U32 },
        doc: "Seconds (documents the binding's simple.period: 10 or 60).",
        required: false,
    },
];

static HTTPS: &[Key] = &[
    Key {
        name: "redirect",
        ty: Ty::Bool,
        doc: "Redirect plain-HTTP requests to HTTPS.",
        required: true,
    },
    Key {
        name: "permanent",
        ty: Ty::Bool,
        doc: "301/308 instead of 302/307.",
        required: false,
    },
];

static SCORING: &[Key] = &[
    Key {
        name: "critical",
        ty: Ty::UInt { max: 100 },
        doc: "Points lost per critical finding.",
        required: false,
    },
    Key {
        name: "high",
        ty: Ty::UInt { max: 100 },
        doc: "Points lost per high finding.",
        required: false,
    },
    Key {
        name: "medium",
        ty: Ty::UInt { max: 100 },
        doc: "Points lost per medium finding.",
        required: false,
    },
    Key {
        name: "low",
        ty: Ty::UInt { max: 100 },
        doc: "Points lost per low finding.",
        required: false,
    },
    Key {
        name: "info",
        ty: Ty::UInt { max: 100 },
        doc: "Points lost per info finding.",
        required: false,
    },
    Key {
        name: "critical_cap",
        ty: Ty::OneOf(GRADES),
        doc: "Best grade possible with a critical finding.",
        required: false,
    },
    Key {
        name: "high_cap",
        ty: Ty::OneOf(GRADES),
        doc: "Best grade possible with a high finding.",
        required: false,
    },
];

/// The key table at `path` (dotted, e.g. `csp`, `cookies`), for docs and suggestions.
pub fn keys_at(path: &str) -> Option<&'static [Key]> {
    let mut keys = ROOT;
    if path.is_empty() {
        return Some(keys);
    }
    for seg in path.split('.') {
        let key = keys.iter().find(|k| k.name == seg)?;
        keys = match key.ty {
            Ty::Section(k) | Ty::Table(k) | Ty::TableList(k) => k,
            _ => return None,
        };
    }
    Some(keys)
}

/// The JSON Schema (draft 2020-12) of a policy document, as checked in at
/// `schemas/policy.schema.json`.
pub fn json_schema() -> Value {
    let mut root = table_schema(ROOT, false);
    if let Value::Object(map) = &mut root {
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert(
            "$id".into(),
            json!("https://headwarden.invalid/schemas/policy.schema.json"),
        );
        head.insert("title".into(), json!("headwarden policy"));
        head.insert(
            "description".into(),
            json!("What a site should send (checked) and what the worker makes it send (enforced). Generated from crates/core/src/policy/schema.rs; do not edit by hand."),
        );
        head.append(map);
        root = Value::Object(head);
    }
    root
}

fn table_schema(keys: &'static [Key], section: bool) -> Value {
    let mut props = Map::new();
    for k in keys {
        let mut s = ty_schema(&k.ty);
        if let Value::Object(m) = &mut s {
            m.insert("description".into(), json!(k.doc));
        }
        props.insert(k.name.into(), s);
    }
    if section {
        props.insert(
            "enabled".into(),
            json!({"type": "boolean", "description": "false turns the section (inherited from a preset) off."}),
        );
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Value::Object(props));
    out.insert("additionalProperties".into(), json!(false));
    out.into()
}

fn ty_schema(ty: &Ty) -> Value {
    match ty {
        Ty::Bool => json!({"type": "boolean"}),
        Ty::UInt { max } => json!({"type": "integer", "minimum": 0, "maximum": max}),
        Ty::Str => json!({"type": "string"}),
        Ty::OneOf(values) => json!({"type": "string", "enum": values}),
        Ty::StrList => json!({"type": "array", "items": {"type": "string"}}),
        Ty::StrOrList => json!({"oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}, "minItems": 1}
        ]}),
        Ty::Section(keys) => table_schema(keys, true),
        Ty::Table(keys) => table_schema(keys, false),
        Ty::TableList(keys) => {
            // List items do not inherit from a preset (a list replaces the preset's), so
            // their required keys are required in the file too.
            let mut item = table_schema(keys, false);
            let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
            if let Value::Object(m) = &mut item {
                m.insert("required".into(), json!(required));
            }
            json!({"type": "array", "items": item})
        }
        Ty::Directives => json!({
            "type": "object",
            "propertyNames": {"pattern": "^[a-z][a-z-]*$"},
            "additionalProperties": {"oneOf": [
                {"type": "string"},
                {"type": "boolean"},
                {"type": "array", "items": {"type": "string"}}
            ]}
        }),
    }
}
