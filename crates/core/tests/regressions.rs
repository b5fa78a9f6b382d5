//! One test per crash or invariant break found by fuzzing (`cargo xtask fuzz`) or by the
//! hostile-input suite. Each names the target that found it and keeps the input (minimised
//! where that made it clearer) so the bug cannot come back.

use headwarden_core::policy::{enforce, Policy};
use headwarden_core::{check, parse, parse_as, CheckOptions, Header, InputFormat, Response};

/// Parses and checks `input` in every format; the point is that nothing panics.
fn check_everywhere(input: &[u8]) {
    let options = CheckOptions::default();
    for format in [None].into_iter().chain(InputFormat::ALL.map(Some)) {
        if let Ok(parsed) = parse_as(input, format) {
            let _ = check(&parsed, &Policy::default(), &options);
        }
    }
}

/// fuzz `input_detect` and `input_raw`, first minutes: `Response::is_html` sliced the
/// `Content-Type` value at byte 9, inside a U+FFFD that stood for invalid UTF-8
/// (`end byte index 9 is not a char boundary`).
#[test]
fn content_type_with_a_multibyte_character_before_byte_9() {
    check_everywhere(
        b"HTTP/1.1 500 INTERNAL SERVER ERROR\r\nContent-Type: text/h/\0\0\0\0\0\0\0tml\r\n\r\n<p>",
    );
    check_everywhere(b"HTTP/1.1 200 OK\r\nContent-Type: text/h\xff\xfftml\r\n\r\n<!doctype html>");
    check_everywhere("HTTP/1.1 200 OK\r\nContent-Type: text/ht\u{e9}ml\r\n\r\n".as_bytes());
    let mut r = Response::default();
    r.headers
        .push(Header::new("Content-Type", "text/h\u{FFFD}ml"));
    assert!(!r.is_html());
    r.headers.set("Content-Type", "TEXT/HTML; charset=utf-8");
    assert!(r.is_html());
    // The fuzzer's own input.
    let found: &[u8] = b"HTTP/1.1 500 INTERNAL SERVER ERROR\r\nServer: gunicorn\r\nDate: Mon, 23 Nov 2026 13:14:07 GMT\r\nConnection: close\r\nContent-Type: text/h/\0\0\0\0\0\0\0tml; charset=utf-8\r\nCon]t\xd1E\x17]t\x01gth: 265\r\nVary: Cooki\xef\xef\xef\xef\xef\xef\xefe\r\n\r\n<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\x08<h1>Internal \xff\xff\xff\xff Server Error</h1>\n";
    assert!(parse(found).is_ok());
    check_everywhere(found);
}

/// hostile_enforce (header injection): a NUL kept in `Header::raw_value` (the parsers
/// show it as U+FFFD in `value` and keep the bytes) went through `enforce` and out of
/// `to_curl_bytes`, which writes the raw bytes. Now the raw bytes are dropped.
#[test]
fn a_nul_in_raw_header_bytes_does_not_survive_enforce() {
    let parsed =
        parse(b"HTTP/1.1 200 OK\r\nX-Nul: a\0b\r\nSet-Cookie: s=1\0; Path=/\r\n\r\n").unwrap();
    let mut response = parsed.exchanges[0].response.clone();
    assert!(response
        .headers
        .iter()
        .any(|h| h.raw_value.as_deref().is_some_and(|r| r.contains(&0))));
    for preset in ["strict", "balanced", "flask-talisman"] {
        let policy = Policy::load(preset).unwrap();
        let mut r = response.clone();
        enforce(&mut r, None, &policy, &mut || {
            "REGRESSIONNONCEAAAAAAAA".to_string()
        });
        let wire = r.to_curl_bytes();
        assert!(
            !wire.contains(&0),
            "{preset}: {}",
            String::from_utf8_lossy(&wire)
        );
        assert!(r
            .headers
            .iter()
            .all(|h| h.raw_value.is_none()
                || !h.raw_value.as_deref().unwrap_or_default().contains(&0)));
    }
    // Also with the empty policy.
    enforce(&mut response, None, &Policy::empty(), &mut String::new);
    assert!(!response.to_curl_bytes().contains(&0));
}
