//! Reading a policy from TOML or JSON: syntax, then every key against the table in
//! [`super::schema`] (unknown keys with "did you mean", wrong types, allowed values), then
//! the preset named by `preset` underneath, then settings that contradict each other.
//! Every error says where (line and column when the text tells) and what is allowed.

use std::fmt;
use std::ops::Range;

use serde_json::{Map, Value};
use thiserror::Error;

use super::model::{CookiePrefix, Policy, SameSite, XFrameOptions};
use super::schema::{self, Key, Ty, ROOT};

/// Largest policy text accepted.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// One year, in seconds: the HSTS preload list's minimum `max-age`.
pub const ONE_YEAR: u64 = 31_536_000;

/// Which syntax a policy text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Json,
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// What kind of problem a [`PolicyError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid TOML or JSON.
    Syntax,
    /// A key the policy does not have.
    UnknownKey,
    /// A value of the wrong type.
    WrongType,
    /// A value of the right type that is not allowed.
    InvalidValue,
    /// A required key is missing.
    Missing,
    /// Settings that contradict each other.
    Contradiction,
    /// The text is too large or empty.
    Input,
}

/// One problem in a policy text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub kind: ErrorKind,
    /// The key path (`hsts.max_age`, `cookies[1].same_site`), when the problem has one.
    pub path: Option<String>,
    pub location: Option<Location>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = self.location {
            write!(f, "{loc}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Why a policy could not be loaded: every problem found, in text order.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct LoadError {
    pub errors: Vec<PolicyError>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl LoadError {
    fn one(kind: ErrorKind, message: impl Into<String>) -> Self {
        LoadError {
            errors: vec![PolicyError {
                kind,
                path: None,
                location: None,
                message: message.into(),
            }],
        }
    }

    /// The errors rendered `file:line:col: message`, one per line (for the CLI).
    pub fn render(&self, file: &str) -> String {
        let mut out = String::new();
        for e in &self.errors {
            out.push_str(file);
            out.push(':');
            if let Some(loc) = e.location {
                out.push_str(&format!("{loc}:"));
            }
            out.push(' ');
            out.push_str(&e.message);
            out.push('\n');
        }
        out
    }
}

/// Loads a policy: a preset name, TOML, or JSON (detected).
pub fn load(text: &str) -> Result<Policy, LoadError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(LoadError::one(
            ErrorKind::Input,
            format!(
                "the policy is empty: give a preset name ({}) or a TOML or JSON policy",
                schema::PRESET_NAMES.join(", ")
            ),
        ));
    }
    if is_bare_word(trimmed) {
        return super::presets::preset(trimmed)
            .map(|mut p| {
                p.explicit = true;
                p
            })
            .ok_or_else(|| {
                LoadError::one(ErrorKind::InvalidValue, unknown_preset_message(trimmed))
            });
    }
    if trimmed.starts_with('{') {
        from_json_str(text)
    } else {
        from_toml_str(text)
    }
}

fn is_bare_word(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn unknown_preset_message(name: &str) -> String {
    let mut msg = format!("unknown preset `{name}`");
    if let Some(s) = did_you_mean(name, schema::PRESET_NAMES.iter().copied()) {
        msg.push_str(&format!(" (did you mean `{s}`?)"));
    }
    msg.push_str(&format!(
        "; presets: {}",
        schema::quoted_list(schema::PRESET_NAMES)
    ));
    msg
}

/// Loads a TOML policy.
pub fn from_toml_str(text: &str) -> Result<Policy, LoadError> {
    load_syntax(text, Syntax::Toml, None)
}

/// Loads a JSON policy (same keys as TOML).
pub fn from_json_str(text: &str) -> Result<Policy, LoadError> {
    load_syntax(text, Syntax::Json, None)
}

/// Loads `text`. `own_preset` is for the preset files themselves: their `preset` line
/// names them, and they load on an empty base.
pub(crate) fn load_syntax(
    text: &str,
    syntax: Syntax,
    own_preset: Option<&str>,
) -> Result<Policy, LoadError> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(LoadError::one(
            ErrorKind::Input,
            format!(
                "the policy is {} bytes; the limit is {MAX_POLICY_BYTES} bytes",
                text.len()
            ),
        ));
    }
    let doc = match syntax {
        Syntax::Toml => parse_toml(text)?,
        Syntax::Json => parse_json(text)?,
    };
    let mut loader = Loader {
        text,
        syntax,
        doc: &doc,
        errors: Vec::new(),
    };
    let policy = loader.run(own_preset);
    let Loader { mut errors, .. } = loader;
    match policy {
        Some(p) if errors.is_empty() => Ok(p),
        _ => {
            errors.sort_by_key(|e| e.location);
            errors.dedup();
            if errors.is_empty() {
                errors.push(PolicyError {
                    kind: ErrorKind::InvalidValue,
                    path: None,
                    location: None,
                    message: "the policy is invalid".into(),
                });
            }
            Err(LoadError { errors })
        }
    }
}

// ---------------------------------------------------------------------------------------
// A syntax-neutral tree with spans.

#[derive(Debug)]
struct Node {
    span: Option<Range<usize>>,
    value: NodeValue,
}

#[derive(Debug)]
enum NodeValue {
    Str(String),
    Int(i128),
    Float,
    Bool(bool),
    Datetime,
    Null,
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

#[derive(Debug)]
struct Entry {
    key: String,
    key_span: Option<Range<usize>>,
    node: Node,
}

impl NodeValue {
    fn type_name(&self) -> &'static str {
        match self {
            NodeValue::Str(_) => "a string",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float => "a decimal number",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Datetime => "a date",
            NodeValue::Null => "null",
            NodeValue::Array(_) => "a list",
            NodeValue::Table(_) => "a table",
        }
    }
}

fn parse_toml(text: &str) -> Result<Node, LoadError> {
    match toml::de::DeTable::parse(text) {
        Ok(table) => {
            let span = table.span();
            Ok(Node {
                span: Some(span),
                value: NodeValue::Table(toml_table(table.get_ref())),
            })
        }
        Err(e) => Err(LoadError {
            errors: vec![PolicyError {
                kind: ErrorKind::Syntax,
                path: None,
                location: e.span().map(|s| location_of(text, s.start)),
                message: format!("invalid TOML: {}", e.message().trim_end()),
            }],
        }),
    }
}

fn toml_table(table: &toml::de::DeTable<'_>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_span: Some(k.span()),
            node: toml_node(v),
        })
        .collect();
    // The parser's map is sorted by key; errors read better in text order.
    entries.sort_by_key(|e| e.key_span.as_ref().map_or(0, |s| s.start));
    entries
}

fn toml_node(v: &toml::Spanned<toml::de::DeValue<'_>>) -> Node {
    use toml::de::DeValue;
    let value = match v.get_ref() {
        DeValue::String(s) => NodeValue::Str(s.to_string()),
        DeValue::Integer(i) => match i128::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => NodeValue::Int(n),
            Err(_) => NodeValue::Float,
        },
        DeValue::Float(_) => NodeValue::Float,
        DeValue::Boolean(b) => NodeValue::Bool(*b),
        DeValue::Datetime(_) => NodeValue::Datetime,
        DeValue::Array(a) => NodeValue::Array(a.iter().map(toml_node).collect()),
        DeValue::Table(t) => NodeValue::Table(toml_table(t)),
    };
    Node {
        span: Some(v.span()),
        value,
    }
}

fn parse_json(text: &str) -> Result<Node, LoadError> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok(json_node(v)),
        Err(e) => Err(LoadError {
            errors: vec![PolicyError {
                kind: ErrorKind::Syntax,
                path: None,
                location: (e.line() > 0).then(|| Location {
                    line: e.line(),
                    column: e.column(),
                }),
                message: format!("invalid JSON: {}", strip_json_position(&e.to_string())),
            }],
        }),
    }
}

/// serde_json appends " at line L column C"; the location is reported separately.
fn strip_json_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

fn json_node(v: Value) -> Node {
    let value = match v {
        Value::Null => NodeValue::Null,
        Value::Bool(b) => NodeValue::Bool(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => NodeValue::Int(i128::from(i)),
            None => match n.as_u64() {
                Some(u) => NodeValue::Int(i128::from(u)),
                None => NodeValue::Float,
            },
        },
        Value::String(s) => NodeValue::Str(s),
        Value::Array(a) => NodeValue::Array(a.into_iter().map(json_node).collect()),
        Value::Object(m) => NodeValue::Table(
            m.into_iter()
                .map(|(key, v)| Entry {
                    key,
                    key_span: None,
                    node: json_node(v),
                })
                .collect(),
        ),
    };
    Node { span: None, value }
}

/// 1-based line and column of byte `offset` in `text`.
pub fn location_of(text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let mut cut = offset;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &text[..cut];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

// ---------------------------------------------------------------------------------------
// Paths.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn path_string(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// `[hsts]`, `[csp.directives]`, `[[cookies]]` for messages.
fn table_label(path: &[Seg]) -> String {
    if path.is_empty() {
        return "the top level".into();
    }
    let is_list_item = matches!(path.last(), Some(Seg::Index(_)));
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    if is_list_item {
        format!("[[{}]]", keys.join("."))
    } else {
        format!("[{}]", keys.join("."))
    }
}

fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push(Seg::Key(rest[..i].to_string()));
            rest = &rest[i..];
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').unwrap_or(r.len());
                if let Ok(n) = r[..end].parse() {
                    out.push(Seg::Index(n));
                }
                rest = r.get(end + 1..).unwrap_or("");
            }
        } else if !rest.is_empty() {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The loader.

struct Loader<'a> {
    text: &'a str,
    syntax: Syntax,
    doc: &'a Node,
    errors: Vec<PolicyError>,
}

impl Loader<'_> {
    fn run(&mut self, own_preset: Option<&str>) -> Option<Policy> {
        let NodeValue::Table(_) = &self.doc.value else {
            self.error(
                ErrorKind::WrongType,
                &[],
                self.doc.span.clone(),
                format!(
                    "a policy is a table of sections, found {}",
                    self.doc.value.type_name()
                ),
            );
            return None;
        };
        let normalized = self.walk_table(self.doc, ROOT, &mut Vec::new(), false);
        if !self.errors.is_empty() {
            return None;
        }
        let Value::Object(mut patch) = normalized else {
            return None;
        };
        let preset_name = patch
            .remove("preset")
            .and_then(|v| v.as_str().map(str::to_string));
        let base_policy = match (&preset_name, own_preset) {
            (_, Some(_)) | (None, None) => None,
            (Some(name), None) => Some(super::presets::preset(name)?),
        };
        let mut merged = match &base_policy {
            Some(p) => serde_json::to_value(p).unwrap_or(Value::Object(Map::new())),
            None => Value::Object(Map::new()),
        };
        merge(&mut merged, Value::Object(patch));
        self.check_required(&merged);
        if !self.errors.is_empty() {
            return None;
        }
        let mut policy = match serde_json::from_value::<Policy>(merged) {
            Ok(p) => p,
            Err(e) => {
                self.error(ErrorKind::InvalidValue, &[], None, e.to_string());
                return None;
            }
        };
        policy.preset = own_preset.map(str::to_string).or(preset_name);
        policy.explicit = own_preset.is_none();
        self.check_semantics(&policy);
        Some(policy)
    }

    fn error(
        &mut self,
        kind: ErrorKind,
        path: &[Seg],
        span: Option<Range<usize>>,
        message: String,
    ) {
        let location = match span {
            Some(s) => Some(location_of(self.text, s.start)),
            None => self.locate(path),
        };
        self.errors.push(PolicyError {
            kind,
            path: (!path.is_empty()).then(|| path_string(path)),
            location,
            message,
        });
    }

    /// Where `path` is in the text: the key's span, else the closest ancestor's.
    fn locate(&self, path: &[Seg]) -> Option<Location> {
        match self.syntax {
            Syntax::Toml => {
                let mut node = self.doc;
                let mut best = None;
                for seg in path {
                    match (seg, &node.value) {
                        (Seg::Key(k), NodeValue::Table(entries)) => {
                            let Some(e) = entries.iter().find(|e| &e.key == k) else {
                                break;
                            };
                            best = e.key_span.clone().or(best);
                            node = &e.node;
                        }
                        (Seg::Index(i), NodeValue::Array(items)) => {
                            let Some(item) = items.get(*i) else { break };
                            best = item.span.clone().or(best);
                            node = item;
                        }
                        _ => break,
                    }
                }
                best.map(|s| location_of(self.text, s.start))
            }
            Syntax::Json => locate_json(self.text, path),
        }
    }

    fn walk(&mut self, node: &Node, ty: &Ty, path: &mut Vec<Seg>) -> Value {
        match (ty, &node.value) {
            (Ty::Bool, NodeValue::Bool(b)) => Value::Bool(*b),
            (Ty::UInt { max }, NodeValue::Int(n)) => {
                if *n < 0 || *n > i128::from(*max) {
                    self.error(
                        ErrorKind::InvalidValue,
                        path,
                        node.span.clone(),
                        format!("`{}` = {n}: expected {}", path_string(path), ty.expected()),
                    );
                    Value::Null
                } else {
                    Value::from(*n as u64)
                }
            }
            (Ty::Str, NodeValue::Str(s)) => Value::String(s.clone()),
            (Ty::OneOf(values), NodeValue::Str(s)) => {
                match values.iter().find(|v| v.eq_ignore_ascii_case(s.trim())) {
                    Some(v) => Value::String((*v).to_string()),
                    None => {
                        let mut msg = format!("`{}` = \"{s}\" is not allowed", path_string(path));
                        if let Some(d) = did_you_mean(s, values.iter().copied()) {
                            msg.push_str(&format!(" (did you mean \"{d}\"?)"));
                        }
                        msg.push_str(&format!("; expected {}", ty.expected()));
                        self.error(ErrorKind::InvalidValue, path, node.span.clone(), msg);
                        Value::Null
                    }
                }
            }
            (Ty::StrList, NodeValue::Array(items)) => Value::Array(self.walk_strings(items, path)),
            (Ty::StrOrList, NodeValue::Str(s)) => Value::String(s.clone()),
            (Ty::StrOrList, NodeValue::Array(items)) => {
                if items.is_empty() {
                    self.error(
                        ErrorKind::InvalidValue,
                        path,
                        node.span.clone(),
                        format!("`{}` is an empty list", path_string(path)),
                    );
                }
                Value::Array(self.walk_strings(items, path))
            }
            (Ty::Section(keys), NodeValue::Table(_)) => self.walk_table(node, keys, path, true),
            (Ty::Table(keys), NodeValue::Table(_)) => self.walk_table(node, keys, path, false),
            (Ty::TableList(keys), NodeValue::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    if let NodeValue::Table(entries) = &item.value {
                        let v = self.walk_table(item, keys, path, false);
                        for req in keys.iter().filter(|k| k.required) {
                            if !entries.iter().any(|e| e.key == req.name) {
                                self.error(
                                    ErrorKind::Missing,
                                    path,
                                    item.span.clone(),
                                    format!(
                                        "{} is missing `{}` ({})",
                                        table_label(path),
                                        req.name,
                                        req.doc
                                    ),
                                );
                            }
                        }
                        out.push(v);
                    } else {
                        self.error(
                            ErrorKind::WrongType,
                            path,
                            item.span.clone(),
                            format!(
                                "`{}` must be a table, found {}",
                                path_string(path),
                                item.value.type_name()
                            ),
                        );
                    }
                    path.pop();
                }
                Value::Array(out)
            }
            (Ty::Directives, NodeValue::Table(entries)) => {
                let mut out = Map::new();
                for e in entries {
                    path.push(Seg::Key(e.key.clone()));
                    let name = e.key.to_ascii_lowercase();
                    if let Some(msg) = unknown_directive_message(&name) {
                        self.error(ErrorKind::UnknownKey, path, e.key_span.clone(), msg);
                    }
                    let value = match &e.node.value {
                        NodeValue::Str(s) => Value::String(s.trim().to_string()),
                        NodeValue::Bool(true) => Value::String(String::new()),
                        NodeValue::Bool(false) => Value::Null,
                        NodeValue::Array(items) => {
                            let strings = self.walk_strings(items, path);
                            let joined: Vec<&str> =
                                strings.iter().filter_map(Value::as_str).collect();
                            Value::String(joined.join(" "))
                        }
                        other => {
                            self.error(
                                ErrorKind::WrongType,
                                path,
                                e.node.span.clone(),
                                format!(
                                    "`{}` must be a source list (a string or a list of strings), true or false; found {}",
                                    path_string(path),
                                    other.type_name()
                                ),
                            );
                            Value::Null
                        }
                    };
                    out.insert(name, value);
                    path.pop();
                }
                Value::Object(out)
            }
            (_, other) => {
                self.error(
                    ErrorKind::WrongType,
                    path,
                    node.span.clone(),
                    format!(
                        "`{}` must be {}, found {}",
                        path_string(path),
                        ty.expected(),
                        other.type_name()
                    ),
                );
                Value::Null
            }
        }
    }

    fn walk_strings(&mut self, items: &[Node], path: &mut Vec<Seg>) -> Vec<Value> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match &item.value {
                NodeValue::Str(s) => out.push(Value::String(s.clone())),
                other => {
                    path.push(Seg::Index(i));
                    self.error(
                        ErrorKind::WrongType,
                        path,
                        item.span.clone(),
                        format!(
                            "`{}` must be a string, found {}",
                            path_string(path),
                            other.type_name()
                        ),
                    );
                    path.pop();
                }
            }
        }
        out
    }

    /// Walks a table against `keys`. For a section, `enabled = false` yields `null`
    /// (which removes the preset's section when merged).
    fn walk_table(
        &mut self,
        node: &Node,
        keys: &'static [Key],
        path: &mut Vec<Seg>,
        section: bool,
    ) -> Value {
        let NodeValue::Table(entries) = &node.value else {
            return Value::Null;
        };
        let mut out = Map::new();
        let mut disabled = false;
        for e in entries {
            path.push(Seg::Key(e.key.clone()));
            if section && e.key == "enabled" {
                match e.node.value {
                    NodeValue::Bool(b) => disabled = !b,
                    ref other => self.error(
                        ErrorKind::WrongType,
                        path,
                        e.node.span.clone(),
                        format!(
                            "`{}` must be true or false, found {}",
                            path_string(path),
                            other.type_name()
                        ),
                    ),
                }
                path.pop();
                continue;
            }
            match keys.iter().find(|k| k.name == e.key) {
                Some(key) => {
                    let v = self.walk(&e.node, &key.ty, path);
                    out.insert(e.key.clone(), v);
                }
                None => {
                    let parent = &path[..path.len() - 1];
                    let msg = unknown_key_message(&e.key, parent, keys, section);
                    self.error(ErrorKind::UnknownKey, path, e.key_span.clone(), msg);
                }
            }
            path.pop();
        }
        if disabled {
            Value::Null
        } else {
            Value::Object(out)
        }
    }

    /// Required keys of every section present after the preset is merged in.
    fn check_required(&mut self, merged: &Value) {
        let Some(obj) = merged.as_object() else {
            return;
        };
        for key in ROOT {
            let (Ty::Section(keys), Some(Value::Object(section))) = (&key.ty, obj.get(key.name))
            else {
                continue;
            };
            for req in keys.iter().filter(|k| k.required) {
                if !section.contains_key(req.name) {
                    let path = [Seg::Key(key.name.into())];
                    self.error(
                        ErrorKind::Missing,
                        &path,
                        None,
                        format!("[{}] is missing `{}` ({})", key.name, req.name, req.doc),
                    );
                }
            }
        }
    }

    fn invalid(&mut self, path: &str, message: String) {
        let segs = parse_path(path);
        self.error(ErrorKind::InvalidValue, &segs, None, message);
    }

    fn contradiction(&mut self, path: &str, message: String) {
        let segs = parse_path(path);
        self.error(ErrorKind::Contradiction, &segs, None, message);
    }

    /// Values with a grammar, and settings that contradict each other.
    fn check_semantics(&mut self, p: &Policy) {
        if let Some(h) = &p.hsts {
            if h.max_age == 0 {
                self.invalid(
                    "hsts.max_age",
                    "`hsts.max_age` = 0 tells browsers to forget HSTS; to stop sending it, write `enabled = false` in [hsts]".into(),
                );
            }
            if h.preload && h.max_age < ONE_YEAR {
                self.contradiction(
                    "hsts.max_age",
                    format!(
                        "`hsts.preload` = true needs `hsts.max_age` >= {ONE_YEAR} (one year), the preload list's minimum; found {}",
                        h.max_age
                    ),
                );
            }
            if h.preload && !h.include_subdomains {
                self.contradiction(
                    "hsts.include_subdomains",
                    "`hsts.preload` = true needs `hsts.include_subdomains` = true (the preload list requires includeSubDomains)".into(),
                );
            }
        }
        if let Some(csp) = &p.csp {
            self.check_csp(csp);
        }
        if let (Some(frame), Some(csp)) = (&p.frame, &p.csp) {
            if let Some(fa) = csp.directives.get("frame-ancestors") {
                let fa_none = fa.trim().eq_ignore_ascii_case("'none'");
                match frame.x_frame_options {
                    XFrameOptions::Deny if !fa_none => self.contradiction(
                        "frame.x_frame_options",
                        format!(
                            "`frame.x_frame_options` = \"DENY\" contradicts frame-ancestors {fa}: browsers that know frame-ancestors follow it, older ones follow X-Frame-Options. Use DENY with frame-ancestors 'none', or SAMEORIGIN with 'self'"
                        ),
                    ),
                    XFrameOptions::SameOrigin if fa_none => self.contradiction(
                        "frame.x_frame_options",
                        "`frame.x_frame_options` = \"SAMEORIGIN\" contradicts frame-ancestors 'none'; use DENY".into(),
                    ),
                    _ => {}
                }
            }
        }
        if let Some(r) = &p.referrer {
            if let Err(msg) = validate_referrer(&r.policy) {
                self.invalid("referrer.policy", msg);
            }
        }
        if let Some(perm) = &p.permissions {
            if let Err(msg) = validate_permissions(&perm.policy) {
                self.invalid("permissions.policy", msg);
            }
        }
        if let Some(cache) = &p.cache {
            for (i, path) in cache.sensitive_paths.iter().enumerate() {
                if let Err(msg) = validate_path_pattern(path) {
                    self.invalid(
                        &format!("cache.sensitive_paths[{i}]"),
                        format!("`cache.sensitive_paths` entry \"{path}\": {msg}"),
                    );
                }
            }
            if let Err(msg) = validate_header_value(&cache.cache_control) {
                self.invalid(
                    "cache.cache_control",
                    format!("`cache.cache_control`: {msg}"),
                );
            }
        }
        for (i, rule) in p.cookies.iter().enumerate() {
            let at = |k: &str| format!("cookies[{i}].{k}");
            for pat in &rule.pattern.0 {
                if pat.is_empty()
                    || !pat
                        .bytes()
                        .all(|b| b == b'*' || b == b'?' || is_token_byte(b))
                {
                    self.invalid(
                        &at("pattern"),
                        format!("cookie pattern \"{pat}\" is not a cookie name glob (letters, digits, !#$%&'*+-.^_`|~ and ? )"),
                    );
                }
            }
            if rule.same_site == Some(SameSite::None) && !rule.secure {
                self.contradiction(
                    &at("same_site"),
                    "`same_site` = \"None\" needs `secure` = true: browsers reject SameSite=None cookies without Secure".into(),
                );
            }
            if let Some(prefix) = rule.prefix {
                if !rule.secure {
                    self.contradiction(
                        &at("prefix"),
                        format!(
                            "`prefix` = \"{}\" needs `secure` = true: browsers reject {}cookies without Secure",
                            prefix.as_str(),
                            prefix.as_str()
                        ),
                    );
                }
                if prefix == CookiePrefix::Host && rule.pattern.is_catch_all() {
                    self.invalid(
                        &at("prefix"),
                        "`prefix` on a catch-all pattern would rename every cookie; name the cookies to rename".into(),
                    );
                }
            }
            if rule.max_age == Some(0) {
                self.invalid(
                    &at("max_age"),
                    "`max_age` = 0 would delete every matching cookie; give the longest lifetime allowed, in seconds".into(),
                );
            }
        }
        if let Some(remove) = &p.remove {
            let sent = sent_headers(p);
            for (i, name) in remove.headers.iter().enumerate() {
                if name.is_empty() || !name.bytes().all(is_token_byte) {
                    self.invalid(
                        &format!("remove.headers[{i}]"),
                        format!("\"{name}\" is not a header name"),
                    );
                } else if let Some(s) = sent.iter().find(|s| s.eq_ignore_ascii_case(name)) {
                    self.contradiction(
                        &format!("remove.headers[{i}]"),
                        format!("`remove.headers` lists {s}, which this policy also sets"),
                    );
                }
            }
        }
        if let Some(limits) = &p.limits {
            for (i, m) in limits.methods.iter().flatten().enumerate() {
                if m.is_empty() || !m.bytes().all(is_token_byte) {
                    self.invalid(
                        &format!("limits.methods[{i}]"),
                        format!("\"{m}\" is not an HTTP method"),
                    );
                } else if m.bytes().any(|b| b.is_ascii_lowercase()) {
                    self.invalid(
                        &format!("limits.methods[{i}]"),
                        format!(
                            "methods are case-sensitive: write \"{}\"",
                            m.to_ascii_uppercase()
                        ),
                    );
                }
            }
            if limits.max_body_bytes == Some(0) {
                self.invalid(
                    "limits.max_body_bytes",
                    "`limits.max_body_bytes` = 0 would refuse every request with a body".into(),
                );
            }
        }
        if let Some(csrf) = &p.csrf {
            for (i, o) in csrf.allowed_origins.iter().enumerate() {
                if let Err(msg) = validate_origin(o) {
                    self.invalid(
                        &format!("csrf.allowed_origins[{i}]"),
                        format!("\"{o}\" is not an origin: {msg}"),
                    );
                }
            }
            for (i, path) in csrf.exempt_paths.iter().enumerate() {
                if let Err(msg) = validate_path_pattern(path) {
                    self.invalid(
                        &format!("csrf.exempt_paths[{i}]"),
                        format!("`csrf.exempt_paths` entry \"{path}\": {msg}"),
                    );
                }
            }
        }
        for (i, rl) in p.rate_limit.iter().enumerate() {
            if let Err(msg) = validate_path_pattern(&rl.path) {
                self.invalid(
                    &format!("rate_limit[{i}].path"),
                    format!("`path` \"{}\": {msg}", rl.path),
                );
            }
            let b = rl.binding.as_bytes();
            if b.is_empty()
                || b[0].is_ascii_digit()
                || !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                self.invalid(
                    &format!("rate_limit[{i}].binding"),
                    format!(
                        "`binding` \"{}\" is not a binding name (letters, digits, _)",
                        rl.binding
                    ),
                );
            }
            if let Some(m) = &rl.method {
                if m.is_empty() || !m.bytes().all(|c| c.is_ascii_uppercase()) {
                    self.invalid(
                        &format!("rate_limit[{i}].method"),
                        format!("`method` \"{m}\" must be an upper-case HTTP method"),
                    );
                }
            }
            if let Some(period) = rl.period {
                if period != 10 && period != 60 {
                    self.invalid(
                        &format!("rate_limit[{i}].period"),
                        format!("`period` = {period}: the Workers rate-limiting binding supports 10 or 60 seconds"),
                    );
                }
            }
        }
    }

    fn check_csp(&mut self, csp: &super::model::Csp) {
        if let Some(uri) = &csp.report_uri {
            if uri.is_empty()
                || uri
                    .bytes()
                    .any(|b| b.is_ascii_whitespace() || b == b';' || b == b',')
                || validate_header_value(uri).is_err()
            {
                self.invalid(
                    "csp.report_uri",
                    format!("`csp.report_uri` \"{uri}\" must be a URL or path without spaces, `;` or `,`"),
                );
            }
        }
        if csp.directives.is_empty() {
            self.invalid(
                "csp.directives",
                "[csp.directives] is empty: a CSP needs at least one directive (e.g. default-src = \"'self'\")".into(),
            );
        }
        for (name, value) in &csp.directives {
            let path = format!("csp.directives.{name}");
            if let Err(msg) = validate_header_value(value) {
                self.invalid(&path, format!("`{name}`: {msg}"));
                continue;
            }
            if let Some(c) = value.chars().find(|c| *c == ';' || *c == ',') {
                self.invalid(
                    &path,
                    format!("`{name}` contains `{c}`, which would end the directive; list sources separated by spaces"),
                );
                continue;
            }
            if let Err(msg) = validate_directive_value(name, value) {
                self.invalid(&path, format!("`{name}`: {msg}"));
            }
        }
        let script = csp.directives.get("script-src");
        if csp.nonce && script.is_none() {
            self.contradiction(
                "csp.nonce",
                "`csp.nonce` = true needs a script-src directive (the nonce is added to it); add script-src = \"'strict-dynamic'\"".into(),
            );
        }
        if csp.nonce_styles && !csp.directives.contains_key("style-src") {
            self.contradiction(
                "csp.nonce_styles",
                "`csp.nonce_styles` = true needs a style-src directive (the nonce is added to it)"
                    .into(),
            );
        }
        if let Some(script) = script {
            let has_hash = script.split_ascii_whitespace().any(|t| {
                t.starts_with("'sha256-") || t.starts_with("'sha384-") || t.starts_with("'sha512-")
            });
            let strict_dynamic = script
                .split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("'strict-dynamic'"));
            if strict_dynamic && !csp.nonce && !has_hash {
                self.contradiction(
                    "csp.directives.script-src",
                    "'strict-dynamic' without a nonce or hash blocks every script; set `csp.nonce` = true".into(),
                );
            }
        }
    }
}

/// Header names the policy sends (a `remove` entry must not undo one).
fn sent_headers(p: &Policy) -> Vec<&'static str> {
    let mut out = Vec::new();
    if p.hsts.is_some() {
        out.push("Strict-Transport-Security");
    }
    if let Some(csp) = &p.csp {
        out.push(csp.header_name());
    }
    if p.frame.is_some() {
        out.push("X-Frame-Options");
    }
    if p.content_type.as_ref().is_some_and(|c| c.nosniff) {
        out.push("X-Content-Type-Options");
    }
    if p.referrer.is_some() {
        out.push("Referrer-Policy");
    }
    if p.permissions.is_some() {
        out.push("Permissions-Policy");
    }
    if let Some(co) = &p.cross_origin {
        if co.opener.is_some() {
            out.push("Cross-Origin-Opener-Policy");
        }
        if co.resource.is_some() {
            out.push("Cross-Origin-Resource-Policy");
        }
        if co.embedder.is_some() {
            out.push("Cross-Origin-Embedder-Policy");
        }
    }
    if p.cache
        .as_ref()
        .is_some_and(|c| !c.sensitive_paths.is_empty())
    {
        out.push("Cache-Control");
    }
    if !p.cookies.is_empty() {
        out.push("Set-Cookie");
    }
    out
}

/// Deep merge: tables merge key by key, `null` removes, anything else replaces.
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match v {
                    Value::Null => {
                        b.remove(&k);
                    }
                    Value::Object(_) if b.get(&k).is_some_and(Value::is_object) => {
                        if let Some(slot) = b.get_mut(&k) {
                            merge(slot, v);
                        }
                    }
                    v => {
                        b.insert(k, strip_nulls(v));
                    }
                }
            }
        }
        (b, p) => *b = strip_nulls(p),
    }
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Best-effort position of `path` in a JSON text: each key is searched after the
/// previous one. (serde_json keeps no spans.)
fn locate_json(text: &str, path: &[Seg]) -> Option<Location> {
    let mut from = 0;
    let mut found = None;
    for seg in path {
        let Seg::Key(k) = seg else { continue };
        let needle = format!("\"{k}\"");
        let mut search = from;
        let pos = loop {
            let p = search + text.get(search..)?.find(&needle)?;
            let after = text[p + needle.len()..].trim_start();
            if after.starts_with(':') {
                break p;
            }
            search = p + needle.len();
        };
        found = Some(pos);
        from = pos + needle.len();
    }
    found.map(|p| location_of(text, p))
}

// ---------------------------------------------------------------------------------------
// "Did you mean".

/// The candidate closest to `word`, if it is close enough to be a typo. `-`, `_` and
/// case differences count as near misses.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if word.len() > 64 {
        return None;
    }
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let w = norm(word);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = if norm(c) == w {
            0
        } else {
            crate::spelling::edit_distance(&w, &norm(c))
        };
        let limit = (c.len().max(word.len()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn unknown_key_message(key: &str, parent: &[Seg], keys: &[Key], section: bool) -> String {
    let label = table_label(parent);
    let mut msg = format!("unknown key `{key}` in {label}");
    let names = keys
        .iter()
        .map(|k| k.name)
        .chain(section.then_some("enabled"));
    if let Some(s) = did_you_mean(key, names) {
        msg.push_str(&format!(" (did you mean `{s}`?)"));
    } else if let Some(home) = home_of(key) {
        msg.push_str(&format!(" (`{key}` belongs in {home})"));
    }
    let allowed: Vec<&str> = keys.iter().map(|k| k.name).collect();
    msg.push_str(&format!("; allowed: {}", allowed.join(", ")));
    if section {
        msg.push_str(", enabled");
    }
    msg
}

/// The sections that have a key named `key` (for a key written in the wrong place).
fn home_of(key: &str) -> Option<String> {
    let mut homes = Vec::new();
    for k in ROOT {
        match &k.ty {
            Ty::Section(keys) | Ty::Table(keys) if keys.iter().any(|s| s.name == key) => {
                homes.push(format!("[{}]", k.name));
            }
            Ty::TableList(keys) if keys.iter().any(|s| s.name == key) => {
                homes.push(format!("[[{}]]", k.name));
            }
            _ => {}
        }
    }
    (!homes.is_empty()).then(|| homes.join(" or "))
}

// ---------------------------------------------------------------------------------------
// Value grammars.

/// CSP Level 3 directives (and a few widely deployed extensions).
pub const CSP_DIRECTIVES: &[&str] = &[
    "default-src",
    "script-src",
    "script-src-elem",
    "script-src-attr",
    "style-src",
    "style-src-elem",
    "style-src-attr",
    "img-src",
    "font-src",
    "connect-src",
    "media-src",
    "object-src",
    "frame-src",
    "child-src",
    "worker-src",
    "manifest-src",
    "fenced-frame-src",
    "base-uri",
    "sandbox",
    "form-action",
    "frame-ancestors",
    "report-uri",
    "report-to",
    "require-trusted-types-for",
    "trusted-types",
    "upgrade-insecure-requests",
    "webrtc",
];

/// Deprecated directives and what replaces them.
const DEPRECATED_DIRECTIVES: &[(&str, &str)] = &[
    (
        "block-all-mixed-content",
        "browsers now block mixed content themselves; use upgrade-insecure-requests",
    ),
    (
        "plugin-types",
        "plugins are gone from browsers; use object-src 'none'",
    ),
    ("referrer", "use the Referrer-Policy header ([referrer])"),
    ("prefetch-src", "it was removed from CSP Level 3"),
    ("navigate-to", "it was removed from CSP Level 3"),
    ("require-sri-for", "it was never shipped by browsers"),
    ("reflected-xss", "it was never shipped by browsers"),
    (
        "disown-opener",
        "use Cross-Origin-Opener-Policy ([cross_origin] opener)",
    ),
];

fn unknown_directive_message(name: &str) -> Option<String> {
    if CSP_DIRECTIVES.contains(&name) {
        return None;
    }
    if let Some((_, why)) = DEPRECATED_DIRECTIVES.iter().find(|(d, _)| *d == name) {
        return Some(format!("the CSP directive `{name}` is deprecated: {why}"));
    }
    let mut msg = format!("unknown CSP directive `{name}`");
    if let Some(s) = did_you_mean(name, CSP_DIRECTIVES.iter().copied()) {
        msg.push_str(&format!(" (did you mean `{s}`?)"));
    }
    Some(msg)
}

const SOURCE_KEYWORDS: &[&str] = &[
    "self",
    "none",
    "unsafe-inline",
    "unsafe-eval",
    "strict-dynamic",
    "unsafe-hashes",
    "report-sample",
    "wasm-unsafe-eval",
    "unsafe-allow-redirects",
    "inline-speculation-rules",
];

/// Directives whose value is not a source list.
const NON_SOURCE_DIRECTIVES: &[&str] = &[
    "sandbox",
    "report-uri",
    "report-to",
    "require-trusted-types-for",
    "trusted-types",
    "upgrade-insecure-requests",
    "webrtc",
];

fn validate_directive_value(name: &str, value: &str) -> Result<(), String> {
    let tokens: Vec<&str> = value.split_ascii_whitespace().collect();
    match name {
        "upgrade-insecure-requests" => {
            return if tokens.is_empty() {
                Ok(())
            } else {
                Err("takes no value; write `upgrade-insecure-requests = true`".into())
            };
        }
        "require-trusted-types-for" => {
            return if tokens == ["'script'"] {
                Ok(())
            } else {
                Err("the only value is \"'script'\"".into())
            };
        }
        "webrtc" => {
            return if tokens == ["'allow'"] || tokens == ["'block'"] {
                Ok(())
            } else {
                Err("expected \"'allow'\" or \"'block'\"".into())
            };
        }
        "sandbox" => {
            for t in &tokens {
                if !t.starts_with("allow-") {
                    return Err(format!(
                        "`{t}` is not a sandbox flag (allow-scripts, allow-forms, ...)"
                    ));
                }
            }
            return Ok(());
        }
        "report-uri" => {
            return Err("set `csp.report_uri` instead; it is added as report-uri".into());
        }
        _ if NON_SOURCE_DIRECTIVES.contains(&name) => {
            return if tokens.is_empty() {
                Err("needs a value".into())
            } else {
                Ok(())
            };
        }
        _ => {}
    }
    if tokens.is_empty() {
        return Err("an empty source list; write \"'none'\" to allow nothing".into());
    }
    if tokens.len() > 1 && tokens.iter().any(|t| t.eq_ignore_ascii_case("'none'")) {
        return Err("'none' cannot be combined with other sources".into());
    }
    for t in tokens {
        let lower = t.to_ascii_lowercase();
        if SOURCE_KEYWORDS.contains(&lower.as_str()) {
            return Err(format!(
                "`{t}` must be quoted: write \"'{lower}'\" (unquoted, it names a host)"
            ));
        }
        if ["nonce-", "sha256-", "sha384-", "sha512-"]
            .iter()
            .any(|p| lower.starts_with(p))
        {
            return Err(format!("`{t}` must be quoted: write \"'{t}'\""));
        }
        if let Some(inner) = t.strip_prefix('\'') {
            let Some(inner) = inner.strip_suffix('\'') else {
                return Err(format!("`{t}` has an unmatched quote"));
            };
            let inner_lower = inner.to_ascii_lowercase();
            if inner_lower.starts_with("nonce-") {
                return Err(format!(
                    "`{t}`: a fixed nonce would be the same on every response; set `csp.nonce` = true and the nonce is added per response"
                ));
            }
            if ["sha256-", "sha384-", "sha512-"]
                .iter()
                .any(|p| inner_lower.starts_with(p))
            {
                continue;
            }
            if !SOURCE_KEYWORDS.contains(&inner_lower.as_str()) {
                let mut msg = format!("`{t}` is not a CSP keyword");
                if let Some(s) = did_you_mean(inner, SOURCE_KEYWORDS.iter().copied()) {
                    msg.push_str(&format!(" (did you mean \"'{s}'\"?)"));
                }
                return Err(msg);
            }
            continue;
        }
        if t.contains('\'') || t.contains('"') {
            return Err(format!("`{t}` is not a source expression"));
        }
    }
    Ok(())
}

const REFERRER_TOKENS: &[&str] = &[
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

fn validate_referrer(value: &str) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for token in value.split(',').map(str::trim) {
        if !REFERRER_TOKENS.contains(&token) {
            let mut msg = format!("`referrer.policy`: `{token}` is not a Referrer-Policy token");
            if let Some(s) = did_you_mean(token, REFERRER_TOKENS.iter().copied()) {
                msg.push_str(&format!(" (did you mean \"{s}\"?)"));
            }
            msg.push_str(&format!("; allowed: {}", REFERRER_TOKENS.join(", ")));
            return Err(msg);
        }
        if seen.contains(&token) {
            return Err(format!("`referrer.policy`: `{token}` is listed twice"));
        }
        seen.push(token);
    }
    Ok(())
}

fn validate_permissions(value: &str) -> Result<(), String> {
    validate_header_value(value).map_err(|m| format!("`permissions.policy`: {m}"))?;
    if value.trim().is_empty() {
        return Err("`permissions.policy` is empty".into());
    }
    for item in value.split(',').map(str::trim) {
        let Some((feature, allow)) = item.split_once('=') else {
            return Err(format!(
                "`permissions.policy`: `{item}` should be feature=(allowlist), e.g. camera=()"
            ));
        };
        let feature = feature.trim();
        if feature.is_empty()
            || !feature
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!(
                "`permissions.policy`: `{feature}` is not a feature name"
            ));
        }
        let allow = allow.trim();
        let ok = allow == "*"
            || allow == "self"
            || (allow.starts_with('(')
                && allow.ends_with(')')
                && !allow[1..allow.len() - 1].contains(['(', ')']));
        if !ok {
            return Err(format!(
                "`permissions.policy`: `{feature}={allow}`: the allowlist is `()` (nobody), `(self)`, `(self \"https://example.com\")` or `*`"
            ));
        }
    }
    Ok(())
}

fn validate_path_pattern(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err("paths start with /".into());
    }
    if path.trim_end_matches('*').contains('*') {
        return Err("`*` is only allowed at the end (a prefix)".into());
    }
    validate_header_value(path)
}

fn validate_origin(origin: &str) -> Result<(), String> {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err("expected scheme://host[:port]".into());
    };
    if scheme != "https" && scheme != "http" {
        return Err("the scheme is http or https".into());
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err("an origin has no path, query or trailing slash".into());
    }
    Ok(())
}

/// A value that goes into a header: visible ASCII and spaces only.
fn validate_header_value(value: &str) -> Result<(), String> {
    match value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
        Some(c) => Err(format!(
            "{c:?} cannot appear in a header value (visible ASCII and spaces only)"
        )),
        None => Ok(()),
    }
}

/// RFC 9110 `tchar`.
pub(crate) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_suggests_near_names() {
        assert_eq!(
            did_you_mean("max-age", ["max_age", "preload"].into_iter()),
            Some("max_age")
        );
        assert_eq!(
            did_you_mean("balance", schema::PRESET_NAMES.iter().copied()),
            Some("balanced")
        );
        assert_eq!(did_you_mean("zzz", ["max_age"].into_iter()), None);
    }

    #[test]
    fn locations() {
        let text = "a\nbé c\n";
        assert_eq!(location_of(text, 0), Location { line: 1, column: 1 });
        assert_eq!(location_of(text, 2), Location { line: 2, column: 1 });
        assert_eq!(location_of(text, 5), Location { line: 2, column: 3 });
    }

    #[test]
    fn json_locations_follow_the_path() {
        let text = "{\n  \"csp\": {\"nonce\": true},\n  \"hsts\": {\n    \"max_age\": -1\n  }\n}";
        let path = parse_path("hsts.max_age");
        assert_eq!(
            locate_json(text, &path),
            Some(Location { line: 4, column: 5 })
        );
    }

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("cookies[1].same_site"),
            vec![
                Seg::Key("cookies".into()),
                Seg::Index(1),
                Seg::Key("same_site".into())
            ]
        );
    }
}
