//! JSON headers: an object of header name → string, number or array of those; a wrapper
//! object with `headers` (and optionally `status`, `url`, `method`, `reason`, `body`); or
//! an array of wrappers, or of `[name, value]` pairs. Key order and repeated keys are kept
//! (the visitors below read the document in order, without building a map).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::text::{self, Pseudo};
use super::{bounded_body, InputError, InputFormat, Location, Notes};
use crate::exchange::{Exchange, Headers, Request, Response};
use crate::limits;

/// Fails when `input` nests objects and arrays deeper than [`limits::MAX_JSON_DEPTH`].
/// One linear pass that skips strings; the error gives line and column.
pub(super) fn check_depth(input: &[u8]) -> Result<(), InputError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in input.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limits::MAX_JSON_DEPTH {
                    let before = input.get(..i).unwrap_or_default();
                    let line = 1 + memchr::memchr_iter(b'\n', before).count();
                    let line_start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
                    return Err(InputError::TooDeep {
                        line,
                        column: i - line_start + 1,
                        limit: limits::MAX_JSON_DEPTH,
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Where a header value was expected.
enum FieldValue {
    Text(String),
    List(Vec<String>),
    Null,
}

impl FieldValue {
    /// How many header lines this value gives.
    fn lines(&self) -> usize {
        match self {
            FieldValue::Text(_) => 1,
            FieldValue::List(list) => list.len(),
            FieldValue::Null => 0,
        }
    }
}

/// One object of the input: its keys in order, and `headers` when it is a wrapper.
struct JsonObject {
    fields: Vec<(String, FieldValue)>,
    headers: Option<Vec<(String, String)>>,
}

enum Element {
    Object(JsonObject),
    Pair(String, String),
}

enum Document {
    One(JsonObject),
    Many(Vec<Element>),
}

/// Values stored for the whole document. Past [`limits::MAX_TOTAL_HEADERS`] nothing more
/// is stored (the rest is only checked as JSON) and [`parse`] fails; per object, past
/// [`limits::MAX_HEADERS`] likewise. So memory stays bounded whatever the document holds.
struct Budget {
    stored: Cell<usize>,
}

impl Budget {
    /// Room for one more value in the document.
    fn has_room(&self) -> bool {
        self.stored.get() <= limits::MAX_TOTAL_HEADERS
    }

    fn spend(&self, n: usize) {
        self.stored.set(self.stored.get().saturating_add(n));
    }
}

/// Values one object may still store: one past the limit, so going over is visible.
fn object_room(stored_in_object: usize) -> usize {
    (limits::MAX_HEADERS + 1).saturating_sub(stored_in_object)
}

/// A string, number or boolean as text.
struct Scalar<'a> {
    key: &'a str,
}

impl<'de> DeserializeSeed<'de> for Scalar<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for Scalar<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string or a number for `{}`", self.key)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(super::float_text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// A header value: a scalar, an array of scalars (at most `room` kept), or null.
struct Field<'a> {
    key: &'a str,
    room: usize,
    budget: &'a Budget,
}

impl<'de> DeserializeSeed<'de> for Field<'_> {
    type Value = FieldValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FieldValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Field<'_> {
    type Value = FieldValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a string, a number or an array of strings for `{}`",
            self.key
        )
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(super::float_text(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<FieldValue, E> {
        Ok(FieldValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<FieldValue, E> {
        Ok(FieldValue::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldValue, A::Error> {
        let mut list = Vec::new();
        while let Some(v) = seq.next_element_seed(Scalar { key: self.key })? {
            if list.len() < self.room && self.budget.has_room() {
                self.budget.spend(1);
                list.push(v);
            }
        }
        Ok(FieldValue::List(list))
    }
}

/// Expands `name → value(s)` into header pairs; `null` is skipped.
fn expand(name: String, value: FieldValue, out: &mut Vec<(String, String)>) {
    match value {
        FieldValue::Text(v) => out.push((name, v)),
        FieldValue::List(list) => out.extend(list.into_iter().map(|v| (name.clone(), v))),
        FieldValue::Null => {}
    }
}

/// The value of `headers`: an object of name → value(s), or an array of `[name, value]`
/// pairs or `{"name": …, "value": …}` objects.
struct HeaderList<'a> {
    budget: &'a Budget,
}

impl<'de> DeserializeSeed<'de> for HeaderList<'_> {
    type Value = Vec<(String, String)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for HeaderList<'_> {
    type Value = Vec<(String, String)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of header names and values, or an array of [name, value] pairs")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let room = object_room(out.len());
            if room == 0 || !self.budget.has_room() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value = map.next_value_seed(Field {
                key: &key,
                room,
                budget: self.budget,
            })?;
            if let FieldValue::Text(_) = value {
                self.budget.spend(1);
            }
            expand(key, value, &mut out);
        }
        Ok(out)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(pair) = seq.next_element_seed(PairSeed)? {
            if object_room(out.len()) > 0 && self.budget.has_room() {
                self.budget.spend(1);
                out.push(pair);
            }
        }
        Ok(out)
    }
}

/// `[name, value]` or `{"name": …, "value": …}`.
struct PairSeed;

impl<'de> DeserializeSeed<'de> for PairSeed {
    type Value = (String, String);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn read_pair<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(String, String), A::Error> {
    let name: String = seq
        .next_element_seed(Scalar { key: "name" })?
        .ok_or_else(|| de::Error::invalid_length(0, &"a [name, value] pair"))?;
    let value: String = seq
        .next_element_seed(Scalar { key: &name })?
        .ok_or_else(|| de::Error::invalid_length(1, &"a [name, value] pair"))?;
    if seq.next_element::<IgnoredAny>()?.is_some() {
        return Err(de::Error::invalid_length(3, &"a [name, value] pair"));
    }
    Ok((name, value))
}

impl<'de> Visitor<'de> for PairSeed {
    type Value = (String, String);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a [name, value] pair or a {\"name\": …, \"value\": …} object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        read_pair(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut name, mut value) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => name = Some(map.next_value_seed(Scalar { key: "name" })?),
                "value" => value = Some(map.next_value_seed(Scalar { key: "value" })?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let name = name.ok_or_else(|| de::Error::missing_field("name"))?;
        Ok((name, value.unwrap_or_default()))
    }
}

fn read_object<'de, A: MapAccess<'de>>(
    mut map: A,
    budget: &Budget,
) -> Result<JsonObject, A::Error> {
    let mut object = JsonObject {
        fields: Vec::new(),
        headers: None,
    };
    let mut stored = 0usize;
    while let Some(key) = map.next_key::<String>()? {
        if key == "headers" && object.headers.is_none() {
            object.headers = Some(map.next_value_seed(HeaderList { budget })?);
        } else if key == "log" {
            return Err(de::Error::custom(
                "a top-level `log` key: this looks like a HAR file (use --input-format har)",
            ));
        } else if object_room(stored) == 0 || !budget.has_room() {
            map.next_value::<IgnoredAny>()?;
        } else {
            let value = map.next_value_seed(Field {
                key: &key,
                room: object_room(stored),
                budget,
            })?;
            if let FieldValue::Text(_) = value {
                budget.spend(1);
            }
            stored += value.lines().max(1);
            object.fields.push((key, value));
        }
    }
    Ok(object)
}

/// An element of a top-level array.
struct ElementSeed<'a> {
    budget: &'a Budget,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = Element;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Element, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_> {
    type Value = Element;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of headers or a [name, value] pair")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Element, A::Error> {
        read_object(map, self.budget).map(Element::Object)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        self.budget.spend(1);
        read_pair(seq).map(|(n, v)| Element::Pair(n, v))
    }
}

struct DocumentSeed<'a> {
    budget: &'a Budget,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = Document;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Document, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = Document;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of header names and values, or an array of such objects")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Document, A::Error> {
        read_object(map, self.budget).map(Document::One)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document, A::Error> {
        let mut elements = Vec::new();
        loop {
            // One past the limit is kept, so going over is visible; the rest is only read.
            if elements.len() > limits::MAX_EXCHANGES || !self.budget.has_room() {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
                continue;
            }
            match seq.next_element_seed(ElementSeed {
                budget: self.budget,
            })? {
                Some(e) => elements.push(e),
                None => break,
            }
        }
        Ok(Document::Many(elements))
    }
}

fn wrong(message: impl Into<String>) -> InputError {
    InputError::WrongFormat {
        format: InputFormat::Json,
        message: message.into(),
    }
}

fn text_field(key: &str, value: FieldValue, at: &str) -> Result<Option<String>, InputError> {
    match value {
        FieldValue::Text(t) => Ok(Some(t)),
        FieldValue::Null => Ok(None),
        FieldValue::List(_) => Err(wrong(format!(
            "{at}{key}: expected a string, found an array"
        ))),
    }
}

/// Turns one object into an exchange. `at` prefixes paths (`[3].`).
fn to_exchange(object: JsonObject, at: &str, notes: &mut Notes) -> Result<Exchange, InputError> {
    let mut pairs = Vec::new();
    let mut response = Response::default();
    let mut request = Request::default();
    let headers_path;
    match object.headers {
        Some(headers) => {
            headers_path = format!("{at}headers");
            pairs = headers;
            for (key, value) in object.fields {
                match key.to_ascii_lowercase().as_str() {
                    "status" => {
                        if let Some(s) = text_field(&key, value, at)? {
                            let code = text::status_code(s.trim().as_bytes()).ok_or_else(|| {
                                wrong(format!(
                                    "{at}{key}: expected a status code such as 200, found `{}`",
                                    crate::report::shorten(&s, 40)
                                ))
                            })?;
                            response.status = Some(code);
                        }
                    }
                    "reason" | "statustext" | "status_text" => {
                        response.reason = text_field(&key, value, at)?
                    }
                    "version" | "httpversion" | "http_version" => {
                        response.version = text_field(&key, value, at)?
                    }
                    "url" => request.url = text_field(&key, value, at)?,
                    "method" => request.method = text_field(&key, value, at)?,
                    "body" => {
                        if let Some(b) = text_field(&key, value, at)? {
                            response.body =
                                bounded_body(b.into_bytes(), || format!("{at}body"), notes);
                        }
                    }
                    _ => notes.push(format!("{at}{key}: not a key of the JSON wrapper; ignored")),
                }
            }
        }
        None => {
            if object.fields.is_empty() {
                return Err(wrong(format!(
                    "{}the object is empty: expected header names and values",
                    at
                )));
            }
            headers_path = if at.is_empty() {
                "the JSON object".to_string()
            } else {
                at.trim_end_matches('.').to_string()
            };
            for (key, value) in object.fields {
                if matches!(value, FieldValue::Null) {
                    notes.push(format!(
                        "{at}{key}: the value is null; the header was left out"
                    ));
                }
                expand(key, value, &mut pairs);
            }
        }
    }
    if pairs.len() > limits::MAX_HEADERS {
        return Err(InputError::TooManyHeaders {
            at: Location::Path(headers_path),
            limit: limits::MAX_HEADERS,
        });
    }
    let mut pseudo = Pseudo::default();
    let mut headers = Headers::new();
    for (name, value) in pairs {
        let size = name.len() + 2 + value.len();
        let path = || format!("{at}headers[{name:?}]");
        if size > limits::MAX_HEADER_LINE_BYTES {
            return Err(InputError::LineTooLong {
                at: Location::Path(path()),
                size,
                limit: limits::MAX_HEADER_LINE_BYTES,
            });
        }
        let header = text::make_header(
            text::trim(name.as_bytes()),
            text::trim(value.as_bytes()),
            None,
            path,
            notes,
        );
        if !pseudo.record(&header.name, &header.value) {
            headers.push(header);
        }
    }
    response.headers = headers;
    response.status = response.status.or(pseudo.status);
    if request.url.is_none() {
        request.url = pseudo.url();
    }
    let has_request = request.url.is_some() || request.method.is_some();
    Ok(Exchange {
        request: has_request.then_some(request),
        response,
    })
}

/// Parses the JSON header forms.
pub(super) fn parse(input: &[u8], notes: &mut Notes) -> Result<Vec<Exchange>, InputError> {
    check_depth(input)?;
    let budget = Budget {
        stored: Cell::new(0),
    };
    let mut de = serde_json::Deserializer::from_slice(input);
    let document = DocumentSeed { budget: &budget }
        .deserialize(&mut de)
        .and_then(|d| de.end().map(|()| d))
        .map_err(|e| InputError::from_json(&e))?;
    if !budget.has_room() {
        return Err(InputError::TooManyHeadersTotal {
            at: Location::Path("the JSON document".into()),
            limit: limits::MAX_TOTAL_HEADERS,
        });
    }
    match document {
        Document::One(object) => Ok(vec![to_exchange(object, "", notes)?]),
        Document::Many(elements) => {
            if elements.is_empty() {
                return Err(wrong("the array is empty"));
            }
            if elements.len() > limits::MAX_EXCHANGES {
                return Err(InputError::TooManyExchanges {
                    at: Location::Path(format!("[{}]", limits::MAX_EXCHANGES)),
                    limit: limits::MAX_EXCHANGES,
                });
            }
            let pairs = elements
                .iter()
                .filter(|e| matches!(e, Element::Pair(..)))
                .count();
            if pairs == elements.len() {
                let headers = elements
                    .into_iter()
                    .filter_map(|e| match e {
                        Element::Pair(n, v) => Some((n, v)),
                        Element::Object(_) => None,
                    })
                    .collect();
                let object = JsonObject {
                    fields: Vec::new(),
                    headers: Some(headers),
                };
                return Ok(vec![to_exchange(object, "", notes)?]);
            }
            if pairs > 0 {
                return Err(wrong("the array mixes objects and [name, value] pairs"));
            }
            elements
                .into_iter()
                .enumerate()
                .filter_map(|(i, e)| match e {
                    Element::Object(o) => Some(to_exchange(o, &format!("[{i}]."), notes)),
                    Element::Pair(..) => None,
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_skips_strings_and_reports_position() {
        assert!(check_depth(
            b"{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}"
        )
        .is_ok());
        let deep = format!("{{\"a\":\n  {}", "[".repeat(100));
        assert_eq!(
            check_depth(deep.as_bytes()),
            Err(InputError::TooDeep {
                line: 2,
                column: 3 + limits::MAX_JSON_DEPTH - 1,
                limit: limits::MAX_JSON_DEPTH
            })
        );
    }
}
