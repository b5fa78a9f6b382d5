//! HAR 1.2 input.

use std::time::Instant;

use headwarden_core::input::Location;
use headwarden_core::{limits, parse, parse_as, InputError, InputFormat, Scheme};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn three_entries_fixture() {
    let parsed = parse(&fixture("three-entries.har")).unwrap();
    assert_eq!(parsed.format, InputFormat::Har);
    assert_eq!(parsed.exchanges.len(), 3);
    let methods: Vec<_> = parsed
        .exchanges
        .iter()
        .map(|e| e.method().unwrap())
        .collect();
    assert_eq!(methods, ["GET", "GET", "POST"]);
    let statuses: Vec<_> = parsed
        .exchanges
        .iter()
        .map(|e| e.response.status.unwrap())
        .collect();
    assert_eq!(statuses, [200, 200, 302]);
    let first = &parsed.exchanges[0];
    assert!(first.url().unwrap().starts_with("http://127.0.0.1:"));
    assert_eq!(first.url_scheme(), Some(Scheme::Http));
    assert_eq!(first.response.reason.as_deref(), Some("OK"));
    assert_eq!(first.response.version.as_deref(), Some("HTTP/1.1"));
    assert_eq!(first.response.headers.get("server"), Some("gunicorn"));
    assert!(first
        .response
        .headers
        .get("set-cookie")
        .unwrap()
        .starts_with("session="));
    assert_eq!(
        first
            .request
            .as_ref()
            .unwrap()
            .headers
            .get("host")
            .map(|h| h.starts_with("127.0.0.1:")),
        Some(true)
    );
    let body = first.response.body_text().unwrap();
    assert!(body.contains("Wonderland tea shop"));
    let length: usize = first
        .response
        .headers
        .get("content-length")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(first.response.body.as_ref().unwrap().len(), length);
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
}

/// Written the way Chrome 131 exports (HTTP/2: lowercase names, request pseudo headers,
/// `_`-prefixed extensions, a blocked request with status 0, a base64 image body), plus a
/// `set-cookie` value joined with `\n` as CDP-based exporters write repeats.
const CHROME_HAR: &str = r#"{
  "log": {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [{"startedDateTime": "2026-11-23T13:14:07.000Z", "id": "page_1", "title": "https://shop.example/", "pageTimings": {"onContentLoad": 120.5, "onLoad": 250.1}}],
    "entries": [
      {
        "_initiator": {"type": "other"},
        "_priority": "VeryHigh",
        "_resourceType": "document",
        "cache": {},
        "connection": "443",
        "pageref": "page_1",
        "request": {
          "method": "GET",
          "url": "https://shop.example/",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": ":authority", "value": "shop.example"},
            {"name": ":method", "value": "GET"},
            {"name": ":path", "value": "/"},
            {"name": ":scheme", "value": "https"},
            {"name": "accept", "value": "text/html"},
            {"name": "user-agent", "value": "Mozilla/5.0 Chrome/131.0.0.0"}
          ],
          "queryString": [],
          "cookies": [],
          "headersSize": -1,
          "bodySize": 0
        },
        "response": {
          "status": 200,
          "statusText": "",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": "content-type", "value": "text/html; charset=utf-8"},
            {"name": "set-cookie", "value": "session=abc; Secure; HttpOnly\ntheme=dark; Path=/"},
            {"name": "strict-transport-security", "value": "max-age=63072000"}
          ],
          "cookies": [],
          "content": {"size": 30, "mimeType": "text/html", "compression": 0, "text": "<!doctype html><title>x</title>"},
          "redirectURL": "",
          "headersSize": -1,
          "bodySize": -1,
          "_transferSize": 512,
          "_error": null
        },
        "serverIPAddress": "203.0.113.10",
        "startedDateTime": "2026-11-23T13:14:07.000Z",
        "time": 42.1,
        "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 40, "receive": 1}
      },
      {
        "request": {"method": "GET", "url": "https://tracker.example/pixel.gif", "httpVersion": "", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 0, "statusText": "", "httpVersion": "", "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": "", "headersSize": -1, "bodySize": -1, "_error": "net::ERR_BLOCKED_BY_CLIENT"},
        "startedDateTime": "2026-11-23T13:14:07.100Z", "time": 0, "timings": {}
      },
      {
        "request": {"method": "GET", "url": "https://shop.example/logo.png", "httpVersion": "http/2.0", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {
          "status": 200, "statusText": "", "httpVersion": "http/2.0",
          "headers": [{"name": "content-type", "value": "image/png"}],
          "cookies": [],
          "content": {"size": 8, "mimeType": "image/png", "text": "iVBORw0KGgo=", "encoding": "base64"},
          "redirectURL": "", "headersSize": -1, "bodySize": -1
        },
        "startedDateTime": "2026-11-23T13:14:07.200Z", "time": 3, "timings": {}
      }
    ]
  }
}"#;

#[test]
fn chrome_style_har() {
    let parsed = parse(CHROME_HAR.as_bytes()).unwrap();
    assert_eq!(parsed.format, InputFormat::Har);
    assert_eq!(parsed.exchanges.len(), 2, "the blocked entry is skipped");
    assert_eq!(parsed.notes.len(), 1);
    assert!(
        parsed.notes[0].contains("log.entries[1]"),
        "{:?}",
        parsed.notes
    );
    let page = &parsed.exchanges[0];
    assert_eq!(page.url_scheme(), Some(Scheme::Https));
    assert_eq!(page.response.reason, None);
    assert_eq!(page.response.version.as_deref(), Some("http/2.0"));
    let cookies: Vec<_> = page
        .response
        .headers
        .get_all("set-cookie")
        .map(|h| h.value.as_str())
        .collect();
    assert_eq!(
        cookies,
        ["session=abc; Secure; HttpOnly", "theme=dark; Path=/"]
    );
    let request = page.request.as_ref().unwrap();
    assert_eq!(request.headers.len(), 2, "pseudo headers are dropped");
    let image = &parsed.exchanges[1];
    assert_eq!(
        image.response.body.as_deref(),
        Some(&b"\x89PNG\r\n\x1a\n"[..])
    );
}

#[test]
fn nulls_and_missing_fields_are_tolerated() {
    let har = r#"{"log": {"entries": [{"request": {"method": null, "url": "https://a.example/", "headers": null},
        "response": {"status": "301", "statusText": null, "headers": [{"name": "Location", "value": "https://b.example/"}], "content": null}}]}}"#;
    let parsed = parse(har.as_bytes()).unwrap();
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.response.status, Some(301));
    assert_eq!(ex.method(), None);
    assert_eq!(ex.response.body, None);
}

#[test]
fn bad_base64_is_kept_as_text_with_a_note() {
    let har = r#"{"log": {"entries": [{"request": {"url": "https://a.example/"},
        "response": {"status": 200, "headers": [{"name": "a", "value": "b"}], "content": {"text": "not base64!", "encoding": "base64"}}}]}}"#;
    let parsed = parse(har.as_bytes()).unwrap();
    assert_eq!(
        parsed.exchanges[0].response.body.as_deref(),
        Some(&b"not base64!"[..])
    );
    assert!(
        parsed.notes[0].contains("log.entries[0]"),
        "{:?}",
        parsed.notes
    );
}

#[test]
fn errors_name_the_place() {
    let err = parse(b"{\"log\": {\"entries\": [}}").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Json {
                line: 1,
                column: 22,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "invalid JSON at line 1, column 22: expected value"
    );
    let err = parse(b"{\"log\": {\"entries\": []}}").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::WrongFormat {
                format: InputFormat::Har,
                ..
            }
        ),
        "{err:?}"
    );
    let err = parse(b"{\"log\": {\"entries\": [{\"response\": {\"status\": 0}}]}}").unwrap_err();
    assert!(err.to_string().contains("status is 0"), "{err}");
    let err = parse(b"{\"log\": {\"entries\": [{\"response\": {\"status\": 200, \"headers\": {\"a\": \"b\"}}}]}}").unwrap_err();
    assert!(matches!(err, InputError::Json { .. }), "{err:?}");
    let err = parse(b"{\"log\": 3}").unwrap_err();
    assert!(matches!(err, InputError::Json { .. }), "{err:?}");
}

#[test]
fn forced_har_on_a_raw_head() {
    let err = parse_as(b"HTTP/1.1 200 OK\r\n\r\n", Some(InputFormat::Har)).unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Json {
                line: 1,
                column: 1,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn nested_ten_thousand_deep_is_an_error() {
    let depth = 10_000;
    let doc = format!(
        "{{\"log\": {{\"entries\": [{}{}]}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let err = parse(doc.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        InputError::TooDeep {
            line: 1,
            column: 22 + limits::MAX_JSON_DEPTH - 3,
            limit: limits::MAX_JSON_DEPTH
        }
    );
    let in_extension = format!(
        "{{\"log\": {{\"entries\": [], \"_x\": {}{}}}}}",
        "{\"a\":".repeat(depth),
        "}".repeat(depth)
    );
    assert!(matches!(
        parse(in_extension.as_bytes()),
        Err(InputError::TooDeep { .. })
    ));
}

fn har_entry(i: usize) -> String {
    format!(
        r#"{{"startedDateTime": "2026-11-23T13:14:07.000Z", "time": 12, "request": {{"method": "GET", "url": "https://shop.example/item/{i}", "httpVersion": "HTTP/1.1",
 "headers": [{{"name": "Host", "value": "shop.example"}}, {{"name": "User-Agent", "value": "Mozilla/5.0"}}, {{"name": "Accept", "value": "*/*"}}],
 "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0}},
 "response": {{"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [
  {{"name": "Server", "value": "nginx"}}, {{"name": "Date", "value": "Mon, 23 Nov 2026 13:14:07 GMT"}},
  {{"name": "Content-Type", "value": "application/json"}}, {{"name": "Content-Length", "value": "13"}},
  {{"name": "Cache-Control", "value": "no-store"}}, {{"name": "X-Content-Type-Options", "value": "nosniff"}},
  {{"name": "Strict-Transport-Security", "value": "max-age=63072000; includeSubDomains"}},
  {{"name": "Content-Security-Policy", "value": "default-src 'none'; frame-ancestors 'none'"}},
  {{"name": "Set-Cookie", "value": "sid={i}; Secure; HttpOnly; SameSite=Lax"}}, {{"name": "Vary", "value": "Accept-Encoding"}}],
 "cookies": [], "content": {{"size": 13, "mimeType": "application/json", "text": "{{\"id\": {i:05}}}"}}, "redirectURL": "", "headersSize": -1, "bodySize": 13}},
 "cache": {{}}, "timings": {{"send": 0, "wait": 10, "receive": 2}}}}"#
    )
}

pub fn har_with(entries: usize) -> String {
    let mut doc = String::from("{\"log\": {\"version\": \"1.2\", \"creator\": {\"name\": \"test\", \"version\": \"1\"}, \"entries\": [\n");
    for i in 0..entries {
        if i > 0 {
            doc.push_str(",\n");
        }
        doc.push_str(&har_entry(i));
    }
    doc.push_str("]}}\n");
    doc
}

#[test]
fn ten_thousand_entries_work() {
    let doc = har_with(10_000);
    let start = Instant::now();
    let parsed = parse(doc.as_bytes()).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(parsed.exchanges.len(), 10_000);
    assert_eq!(
        parsed.exchanges[9_999].url(),
        Some("https://shop.example/item/9999")
    );
    assert_eq!(
        parsed.exchanges[9_999].response.body.as_deref(),
        Some(&b"{\"id\": 09999}"[..])
    );
    println!(
        "timing: HAR of 10,000 entries ({:.1} MB) parsed in {elapsed:?} (this profile)",
        doc.len() as f64 / 1e6
    );
}

#[test]
fn entry_limits_name_the_entry() {
    let mut headers = Vec::new();
    for i in 0..=limits::MAX_HEADERS {
        headers.push(format!("{{\"name\": \"x-{i}\", \"value\": \"v\"}}"));
    }
    let doc = format!(
        "{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200, \"headers\": [{}]}}}}]}}}}",
        headers.join(",")
    );
    let err = parse(doc.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        InputError::TooManyHeaders {
            at: Location::Path("log.entries[0].response.headers".into()),
            limit: limits::MAX_HEADERS
        }
    );
    let long = "a".repeat(limits::MAX_HEADER_LINE_BYTES);
    let doc = format!("{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200, \"headers\": [{{\"name\": \"x\", \"value\": \"{long}\"}}]}}}}]}}}}");
    let err = parse(doc.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, InputError::LineTooLong { at: Location::Path(p), .. } if p == "log.entries[0].response.headers[0]"),
        "{err:?}"
    );
}
