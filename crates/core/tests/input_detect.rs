//! Auto-detection of each format, forcing a format, and a timing sanity check.

use std::time::Instant;

use headwarden_core::input::detect;
use headwarden_core::{parse, parse_as, InputFormat};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const CURL_V: &str = "*   Trying 127.0.0.1:5000...\n* Connected to 127.0.0.1 (127.0.0.1) port 5000\n> GET / HTTP/1.1\r\n> Host: 127.0.0.1:5000\r\n>\r\n< HTTP/1.1 200 OK\r\n< Server: Werkzeug/3.1.3 Python/3.12.3\r\n<\r\n";
const DEVTOOLS: &str = "content-type\ntext/html; charset=utf-8\nserver\nnginx\n";
const JSON: &str = "{\"Content-Type\": \"text/html\", \"Server\": \"nginx\"}";

#[test]
fn each_format_is_detected() {
    let samples: [(&[u8], InputFormat); 8] = [
        (&fixture("flask-dev-index.http"), InputFormat::Raw),
        (
            b"Content-Type: text/html\r\nServer: nginx\r\n",
            InputFormat::Raw,
        ),
        (
            b"\r\n  HTTP/2 200\r\nserver: nginx\r\n\r\n",
            InputFormat::Raw,
        ),
        (CURL_V.as_bytes(), InputFormat::CurlVerbose),
        (DEVTOOLS.as_bytes(), InputFormat::Devtools),
        (
            b":status: 200\ncontent-type: text/html\n",
            InputFormat::Devtools,
        ),
        (&fixture("three-entries.har"), InputFormat::Har),
        (JSON.as_bytes(), InputFormat::Json),
    ];
    for (input, want) in samples {
        assert_eq!(
            detect(input),
            Ok(want),
            "{}",
            String::from_utf8_lossy(&input[..input.len().min(80)])
        );
        let parsed = parse(input).unwrap();
        assert_eq!(parsed.format, want);
    }
}

#[test]
fn forced_formats_parse_their_own_input() {
    let samples: [(&[u8], InputFormat); 5] = [
        (&fixture("flask-dev-index.http"), InputFormat::Raw),
        (CURL_V.as_bytes(), InputFormat::CurlVerbose),
        (DEVTOOLS.as_bytes(), InputFormat::Devtools),
        (&fixture("three-entries.har"), InputFormat::Har),
        (JSON.as_bytes(), InputFormat::Json),
    ];
    for (input, format) in samples {
        let parsed = parse_as(input, Some(format)).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(parsed.format, format);
        // Every other forced format fails cleanly, or reads something (raw bare headers
        // are valid DevTools lines): never a panic.
        for other in InputFormat::ALL {
            let _ = parse_as(input, Some(other));
        }
    }
    // JSON headers forced as HAR: no `log`.
    assert!(parse_as(JSON.as_bytes(), Some(InputFormat::Har)).is_err());
    // Bare headers forced as DevTools read the same.
    let raw = parse(b"Server: a\nVary: b\n").unwrap();
    let devtools = parse_as(b"Server: a\nVary: b\n", Some(InputFormat::Devtools)).unwrap();
    assert_eq!(raw.exchanges, devtools.exchanges);
}

#[test]
fn format_names_round_trip() {
    for format in InputFormat::ALL {
        assert_eq!(format.as_str().parse::<InputFormat>(), Ok(format));
    }
    assert_eq!("curl".parse::<InputFormat>(), Ok(InputFormat::Raw));
    assert!("xml".parse::<InputFormat>().is_err());
}

/// Not an assertion: prints how long a typical 20-header response takes to parse
/// (`cargo test -p headwarden-core --test input_detect -- --nocapture timing`).
#[test]
fn timing_of_a_typical_response() {
    let mut input = String::from("HTTP/1.1 200 OK\r\n");
    for (name, value) in [
        ("Server", "nginx/1.24.0"),
        ("Date", "Mon, 23 Nov 2026 13:14:07 GMT"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "0"),
        ("Connection", "keep-alive"),
        ("Vary", "Accept-Encoding, Cookie"),
        ("Cache-Control", "private, max-age=0"),
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
        ("Content-Security-Policy", "default-src 'self'; script-src 'nonce-abc' 'strict-dynamic'; object-src 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Set-Cookie", "session=eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE; Secure; HttpOnly; Path=/; SameSite=Lax"),
        ("Set-Cookie", "csrftoken=abcdef; Secure; Path=/; SameSite=Lax"),
        ("ETag", "\"33a64df551425fcc55e4d42a148795d9f25f89d4\""),
        ("Last-Modified", "Mon, 23 Nov 2026 12:00:00 GMT"),
        ("X-Request-Id", "2f1c7d3e-8a9b-4c5d-9e0f-1a2b3c4d5e6f"),
    ] {
        input.push_str(&format!("{name}: {value}\r\n"));
    }
    input.push_str("\r\n");
    let runs = 2_000;
    let start = Instant::now();
    for _ in 0..runs {
        let parsed = parse(input.as_bytes()).unwrap();
        assert_eq!(parsed.exchanges[0].response.headers.len(), 20);
    }
    let each = start.elapsed() / runs;
    println!(
        "timing: parse of a 20-header response ({} bytes): {each:?} each (this profile)",
        input.len()
    );
}
