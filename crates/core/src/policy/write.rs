//! Commented TOML for any policy (the presets print their own files). Comments come from
//! the key table in [`super::schema`], so every key written is documented.

use serde_json::Value;

use super::model::Policy;
use super::schema::{Key, Ty, ROOT};

/// Writes `policy` as commented TOML that loads back to the same policy. It names no
/// preset: every section is spelled out, and what is not written is off.
pub fn to_toml(policy: &Policy, header: &str) -> String {
    let value = serde_json::to_value(policy).unwrap_or(Value::Null);
    let Value::Object(root) = value else {
        return String::new();
    };
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    for key in ROOT {
        let Some(v) = root.get(key.name) else {
            continue;
        };
        match (&key.ty, v) {
            (Ty::Section(keys) | Ty::Table(keys), Value::Object(_)) => {
                out.push('\n');
                comment(&mut out, key.doc);
                out.push_str(&format!("[{}]\n", key.name));
                write_table(&mut out, key.name, keys, v);
            }
            (Ty::TableList(keys), Value::Array(items)) => {
                for item in items {
                    out.push('\n');
                    comment(&mut out, key.doc);
                    out.push_str(&format!("[[{}]]\n", key.name));
                    write_table(&mut out, key.name, keys, item);
                }
            }
            (_, v) => {
                comment(&mut out, key.doc);
                out.push_str(&format!("{} = {}\n", key.name, scalar(v)));
            }
        }
    }
    out
}

fn comment(out: &mut String, doc: &str) {
    out.push_str("# ");
    out.push_str(doc);
    out.push('\n');
}

fn write_table(out: &mut String, name: &str, keys: &[Key], v: &Value) {
    let Value::Object(map) = v else { return };
    let mut subtables = Vec::new();
    for key in keys {
        let Some(v) = map.get(key.name) else { continue };
        if let Ty::Directives = key.ty {
            subtables.push((key, v));
            continue;
        }
        comment(out, key.doc);
        out.push_str(&format!("{} = {}\n", key.name, scalar(v)));
    }
    for (key, v) in subtables {
        let Value::Object(directives) = v else {
            continue;
        };
        out.push('\n');
        comment(out, key.doc);
        out.push_str(&format!("[{name}.{}]\n", key.name));
        for (d, value) in directives {
            out.push_str(&format!("{} = {}\n", bare_or_quoted(d), scalar(value)));
        }
    }
}

fn bare_or_quoted(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        key.to_string()
    } else {
        toml_string(key)
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => toml_string(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(scalar).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", bare_or_quoted(k), scalar(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Null => "\"\"".to_string(),
    }
}

/// A TOML basic string.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
