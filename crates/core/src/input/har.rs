//! HAR 1.2 (`log.entries[]`): every entry with a response is one exchange.
//!
//! Read in one streaming pass after the depth pre-scan of [`super::json::check_depth`]
//! (serde_json's own recursion limit stays on behind it): each entry is deserialised into
//! small typed structs (unknown fields ignored, missing or `null` fields defaulted) and
//! converted at once, so memory holds the exchanges and one entry, never the document.
//! Header lists stop storing past [`limits::MAX_HEADERS`].

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::json::check_depth;
use super::text::{self, Pseudo};
use super::{bounded_body, count_headers, InputError, InputFormat, Location, Notes};
use crate::exchange::{Exchange, Headers, Request, Response};
use crate::limits;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entry {
    #[serde(deserialize_with = "nullable")]
    request: HarRequest,
    #[serde(deserialize_with = "nullable")]
    response: HarResponse,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarRequest {
    #[serde(deserialize_with = "lenient_string")]
    method: String,
    #[serde(deserialize_with = "lenient_string")]
    url: String,
    headers: HarHeaders,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct HarResponse {
    #[serde(deserialize_with = "lenient_string")]
    status: String,
    #[serde(deserialize_with = "lenient_string")]
    status_text: String,
    #[serde(deserialize_with = "lenient_string")]
    http_version: String,
    headers: HarHeaders,
    #[serde(deserialize_with = "nullable")]
    content: Content,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Content {
    #[serde(deserialize_with = "lenient_string")]
    text: String,
    #[serde(deserialize_with = "lenient_string")]
    encoding: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarHeader {
    #[serde(deserialize_with = "lenient_string")]
    name: String,
    #[serde(deserialize_with = "lenient_string")]
    value: String,
}

/// A header list that keeps at most [`limits::MAX_HEADERS`] items and skips the rest
/// (without storing them), remembering that it did.
#[derive(Default)]
struct HarHeaders {
    list: Vec<HarHeader>,
    overflow: bool,
}

impl<'de> Deserialize<'de> for HarHeaders {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(HarHeadersVisitor)
    }
}

struct HarHeadersVisitor;

impl<'de> Visitor<'de> for HarHeadersVisitor {
    type Value = HarHeaders;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of {\"name\": …, \"value\": …} objects")
    }
    fn visit_unit<E: de::Error>(self) -> Result<HarHeaders, E> {
        Ok(HarHeaders::default())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HarHeaders, A::Error> {
        let mut headers = HarHeaders::default();
        while headers.list.len() < limits::MAX_HEADERS {
            match seq.next_element::<HarHeader>()? {
                Some(h) => headers.list.push(h),
                None => return Ok(headers),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {
            headers.overflow = true;
        }
        Ok(headers)
    }
}

/// `null` → the default value.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string, a number or a boolean as text; `null` → empty.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(LenientString)
}

pub(super) struct LenientString;

impl Visitor<'_> for LenientString {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
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
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
}

/// Base64 as HAR writers produce it: padding optional, stray trailing bits tolerated.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Converts HAR headers. A value with newlines (repeats joined by some exporters) gives
/// one header per line. Pseudo headers go to `pseudo`.
fn convert_headers(
    list: HarHeaders,
    path: &str,
    pseudo: &mut Pseudo,
    notes: &mut Notes,
) -> Result<Headers, InputError> {
    let too_many = || InputError::TooManyHeaders {
        at: Location::Path(path.to_string()),
        limit: limits::MAX_HEADERS,
    };
    if list.overflow {
        return Err(too_many());
    }
    let mut headers = Headers::new();
    for (j, h) in list.list.into_iter().enumerate() {
        if h.name.trim().is_empty() {
            continue;
        }
        let size = h.name.len() + 2 + h.value.len();
        if size > limits::MAX_HEADER_LINE_BYTES {
            return Err(InputError::LineTooLong {
                at: Location::Path(format!("{path}[{j}]")),
                size,
                limit: limits::MAX_HEADER_LINE_BYTES,
            });
        }
        let name = text::trim(h.name.as_bytes());
        let parts: Vec<&[u8]> = if h.value.contains('\n') {
            h.value
                .split('\n')
                .map(|p| text::trim(p.as_bytes()))
                .filter(|p| !p.is_empty())
                .collect()
        } else {
            vec![text::trim(h.value.as_bytes())]
        };
        for part in parts {
            let header = text::make_header(name, part, None, || format!("{path}[{j}]"), notes);
            if pseudo.record(&header.name, &header.value) {
                continue;
            }
            if headers.len() >= limits::MAX_HEADERS {
                return Err(too_many());
            }
            headers.push(header);
        }
    }
    Ok(headers)
}

/// The response body: `content.text`, base64-decoded when `encoding` says so.
fn body(content: Content, path: &str, notes: &mut Notes) -> Option<Vec<u8>> {
    if content.text.is_empty() {
        return None;
    }
    let bytes = if content.encoding.eq_ignore_ascii_case("base64") {
        let compact: Vec<u8> = content
            .text
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        match BASE64.decode(&compact) {
            Ok(decoded) => decoded,
            Err(e) => {
                notes.push(format!(
                    "{path}.response.content: the text is marked base64 but does not decode ({e}); it was kept as text"
                ));
                content.text.into_bytes()
            }
        }
    } else {
        content.text.into_bytes()
    };
    bounded_body(bytes, || format!("{path}.response"), notes)
}

/// What the streaming reader has built so far.
struct HarReader<'n> {
    notes: &'n mut Notes,
    exchanges: Vec<Exchange>,
    entries_seen: usize,
    header_lines: usize,
    /// The first few entries skipped for having no response, and how many in all.
    skipped: Vec<usize>,
    skipped_count: usize,
    /// Why reading stopped, when it was our limit or conversion rather than the JSON.
    failure: Option<InputError>,
}

impl HarReader<'_> {
    /// Converts one entry into an exchange.
    fn take(&mut self, entry: Entry) -> Result<(), InputError> {
        let i = self.entries_seen;
        self.entries_seen += 1;
        if i >= limits::MAX_EXCHANGES {
            return Err(InputError::TooManyExchanges {
                at: Location::Path(format!("log.entries[{i}]")),
                limit: limits::MAX_EXCHANGES,
            });
        }
        let path = format!("log.entries[{i}]");
        let response = entry.response;
        let status = text::status_code(response.status.trim().as_bytes());
        if status.is_none() && response.headers.list.is_empty() && !response.headers.overflow {
            if self.skipped.len() < 10 {
                self.skipped.push(i);
            }
            self.skipped_count += 1;
            return Ok(());
        }
        let notes = &mut *self.notes;
        let mut response_pseudo = Pseudo::default();
        let response_headers = convert_headers(
            response.headers,
            &format!("{path}.response.headers"),
            &mut response_pseudo,
            notes,
        )?;
        let mut request_pseudo = Pseudo::default();
        let request = entry.request;
        let request_headers = convert_headers(
            request.headers,
            &format!("{path}.request.headers"),
            &mut request_pseudo,
            notes,
        )?;
        let url = Some(request.url)
            .filter(|u| !u.is_empty())
            .or_else(|| request_pseudo.url());
        let method = Some(request.method)
            .filter(|m| !m.is_empty())
            .or(request_pseudo.method);
        let exchange = Exchange {
            request: Some(Request {
                method,
                url,
                headers: request_headers,
            }),
            response: Response {
                version: Some(response.http_version).filter(|v| !v.is_empty()),
                status: status.or(response_pseudo.status),
                reason: Some(response.status_text).filter(|r| !r.is_empty()),
                headers: response_headers,
                body: body(response.content, &path, notes),
            },
        };
        count_headers(&mut self.header_lines, &exchange, || Location::Path(path))?;
        self.exchanges.push(exchange);
        Ok(())
    }
}

/// The document: `{"log": …}` (other keys ignored).
struct Root<'r, 'n>(&'r mut HarReader<'n>);

impl<'de> DeserializeSeed<'de> for Root<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a HAR object with a `log`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_log = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" && !saw_log {
                saw_log = true;
                map.next_value_seed(LogSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !saw_log {
            return Err(de::Error::missing_field("log"));
        }
        Ok(())
    }
}

/// `log`: `{"entries": […]}` (other keys ignored), or `null`.
struct LogSeed<'r, 'n>(&'r mut HarReader<'n>);

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a `log` object with `entries`")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_entries = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" && !saw_entries {
                saw_entries = true;
                map.next_value_seed(EntriesSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `log.entries`: converted one by one as they are read.
struct EntriesSeed<'r, 'n>(&'r mut HarReader<'n>);

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of HAR entries")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<Entry>()? {
            if let Err(e) = self.0.take(entry) {
                self.0.failure = Some(e);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// Parses a HAR document.
pub(super) fn parse(input: &[u8], notes: &mut Notes) -> Result<Vec<Exchange>, InputError> {
    check_depth(input)?;
    read(input, notes)
}

/// [`parse`] without the depth pre-scan.
fn read(input: &[u8], notes: &mut Notes) -> Result<Vec<Exchange>, InputError> {
    let mut reader = HarReader {
        notes,
        exchanges: Vec::new(),
        entries_seen: 0,
        header_lines: 0,
        skipped: Vec::new(),
        skipped_count: 0,
        failure: None,
    };
    let mut de = serde_json::Deserializer::from_slice(input);
    let read = Root(&mut reader)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if let Some(failure) = reader.failure.take() {
        return Err(failure);
    }
    read.map_err(|e| InputError::from_json(&e))?;
    if reader.entries_seen == 0 {
        return Err(InputError::WrongFormat {
            format: InputFormat::Har,
            message: "log.entries is empty or missing".into(),
        });
    }
    if reader.skipped_count > 0 {
        let shown: Vec<String> = reader
            .skipped
            .iter()
            .map(|i| format!("log.entries[{i}]"))
            .collect();
        let more = if reader.skipped_count > shown.len() {
            ", …"
        } else {
            ""
        };
        reader.notes.push(format!(
            "skipped {} HAR entries without a response (status 0: blocked, cancelled or cached): {}{more}",
            reader.skipped_count,
            shown.join(", ")
        ));
    }
    if reader.exchanges.is_empty() {
        return Err(InputError::WrongFormat {
            format: InputFormat::Har,
            message: "no entry has a response (every status is 0)".into(),
        });
    }
    Ok(reader.exchanges)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json does alone, without the pre-scan: deep nesting where an entry is
    /// expected is a type error (the entry structs have a fixed depth), a generic value hits
    /// serde_json's recursion limit (128), and deep nesting in a field the reader ignores is
    /// skipped iteratively (no error, no stack overflow). The pre-scan turns every case into
    /// `TooDeep`.
    #[test]
    fn serde_alone_never_overflows_and_the_prescan_rejects() {
        let depth = 10_000;
        let (open, close) = ("[".repeat(depth), "]".repeat(depth));
        let deep_entries = format!("{{\"log\": {{\"entries\": [{open}{close}]}}}}");
        let deep_ignored = format!("{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200}}, \"_x\": {open}{close}}}]}}}}");
        let err = read(deep_entries.as_bytes(), &mut Notes::default()).expect_err("type error");
        assert!(matches!(err, InputError::Json { .. }), "{err:?}");
        assert_eq!(
            read(deep_ignored.as_bytes(), &mut Notes::default()).map(|e| e.len()),
            Ok(1)
        );
        let err = serde_json::from_str::<serde_json::Value>(&format!("{open}{close}"))
            .expect_err("limit");
        assert!(err.to_string().contains("recursion limit"), "{err}");
        for doc in [deep_entries, deep_ignored] {
            let err = parse(doc.as_bytes(), &mut Notes::default()).err();
            assert!(matches!(err, Some(InputError::TooDeep { .. })), "{err:?}");
        }
    }
}
