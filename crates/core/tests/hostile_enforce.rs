//! Hostile responses through `enforce`: header injection (CR, LF, NUL inside values, from
//! every input path and from a live origin) must not pass through, and the HTML rewriter
//! stays bounded on hostile bodies.

mod hostile_support;

use headwarden_core::policy::rewrite::MAX_REWRITER_MEMORY;
use headwarden_core::policy::{
    enforce_with, rewrite_html, Action, Mode, NonceOptions, NonceScripts,
};
use headwarden_core::{parse, Header, Policy, Request, Response};
use hostile_support::{alone, assert_bounded, measure};

#[global_allocator]
static ALLOC: hostile_support::Counting = hostile_support::Counting;

const PRESETS: [&str; 3] = ["strict", "balanced", "flask-talisman"];

fn nonce() -> impl FnMut() -> String {
    || "HOSTILENONCEAAAAAAAAAAAA".to_string()
}

/// No header line of `response` can split into two on the wire or carry a NUL.
#[track_caller]
fn assert_sendable(response: &Response, what: &str) {
    for h in response.headers.iter() {
        assert!(!h.name.is_empty(), "{what}: an empty header name");
        assert!(
            !h.name.contains(['\r', '\n', '\0', ':', ' ']),
            "{what}: header name {:?}",
            h.name
        );
        assert!(
            !h.value.contains(['\r', '\n', '\0']),
            "{what}: {} value {:?}",
            h.name,
            h.value
        );
        if let Some(raw) = &h.raw_value {
            assert!(
                !raw.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)),
                "{what}: {} raw bytes {:?}",
                h.name,
                raw
            );
        }
    }
    let wire = response.to_curl_bytes();
    let head_end = wire
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(wire.len(), |i| i + 2);
    assert!(
        !wire[..head_end].contains(&0),
        "{what}: NUL on the wire:\n{}",
        String::from_utf8_lossy(&wire)
    );
    for line in wire[..head_end].split(|&b| b == b'\n').skip(1) {
        assert!(
            line.is_empty() || line == b"\r" || line.ends_with(b"\r"),
            "{what}: a bare LF splits a header line on the wire:\n{}",
            String::from_utf8_lossy(&wire)
        );
    }
}

/// A live origin's response, as the worker hands it over: values as sent.
fn injected_response() -> Response {
    let mut r = Response {
        version: Some("HTTP/1.1".into()),
        status: Some(200),
        ..Default::default()
    };
    let values = [
        ("Location", "/next\r\nSet-Cookie: evil=1; Path=/"),
        ("X-Lf", "a\nX-Injected: 1"),
        ("X-Cr", "a\rb"),
        ("X-Nul", "a\0b"),
        ("Set-Cookie", "session=1; Path=/\r\nX-Evil: 1"),
        ("Set-Cookie", "theme=dark\0; Secure"),
        ("Content-Security-Policy", "default-src 'self'\r\nX-Evil: 1"),
        ("Server", "Werkzeug/3.1.3\0Python"),
        ("X-Only-Breaks", "\r\n\r\n"),
        ("Bad Name", "v"),
        ("Bad\r\nName", "v"),
        ("", "no name"),
        ("Content-Type", "text/html\r\n\r\n<script>alert(1)</script>"),
    ];
    for (name, value) in values {
        r.headers.push(Header::new(name, value));
    }
    let mut raw = Header::new("X-Raw", "a\u{FFFD}b");
    raw.raw_value = Some(b"a\0b".to_vec());
    r.headers.push(raw);
    let mut raw_crlf = Header::new("X-Raw-Crlf", "a\u{FFFD}\u{FFFD}b");
    raw_crlf.raw_value = Some(b"a\r\nX-Evil: 1".to_vec());
    r.headers.push(raw_crlf);
    r.body = Some(b"<!doctype html><script>x()</script>".to_vec());
    r
}

/// The same injections through the parsers: raw with a lone CR and a NUL, HAR and JSON
/// with escaped CR, LF and NUL in values.
fn parsed_injections() -> Vec<(String, Response, Option<Request>)> {
    let mut out = Vec::new();
    let raw = b"HTTP/1.1 200 OK\r\nX-Cr: a\rX-Evil: 1\r\nX-Nul: a\0b\r\nSet-Cookie: s=1\0; Path=/\r\nContent-Type: text/html\r\n\r\n<p>".to_vec();
    let har = br#"{"log": {"entries": [{"request": {"method": "GET", "url": "https://a.example/login"}, "response": {"status": 200, "headers": [
        {"name": "Location", "value": "/x\r\nSet-Cookie: evil=1"},
        {"name": "X-Nul", "value": "a\u0000b"},
        {"name": "Set-Cookie", "value": "a=1\nb=2\r\nc=3\u0000"},
        {"name": "X-Cr", "value": "a\rb"}]}}]}}"#
        .to_vec();
    let json = br#"{"status": 200, "headers": {"Location": "/x\r\nX-Evil: 1", "X-Nul": "a\u0000b", "Set-Cookie": ["a=1\r\nb=2", "c\u0000=3"]}}"#.to_vec();
    for (what, input) in [("raw", raw), ("har", har), ("json", json)] {
        let parsed = parse(&input).unwrap_or_else(|e| panic!("{what}: {e}"));
        for e in parsed.exchanges {
            out.push((what.to_string(), e.response, e.request));
        }
    }
    out
}

#[test]
fn header_injection_does_not_pass_through_enforce() {
    let _alone = alone();
    let mut cases = vec![("live origin".to_string(), injected_response(), None)];
    cases.extend(parsed_injections());
    let requests = [
        None,
        Some(Request {
            method: Some("GET".into()),
            url: Some("http://a.example/".into()),
            ..Default::default()
        }),
    ];
    for preset in PRESETS {
        let policy = Policy::load(preset).unwrap();
        for (what, response, parsed_request) in &cases {
            for request in requests.iter().cloned().chain([parsed_request.clone()]) {
                for mode in [Mode::Enforce, Mode::ReportOnly] {
                    let what = format!("{what}, {preset}, {mode:?}, {request:?}");
                    let mut r = response.clone();
                    enforce_with(&mut r, request.as_ref(), &policy, mode, &mut nonce());
                    assert_sendable(&r, &what);
                }
            }
        }
    }
    // Even the empty policy (nothing to enforce) cleans the head.
    for (what, response, request) in &cases {
        let mut r = response.clone();
        enforce_with(
            &mut r,
            request.as_ref(),
            &Policy::empty(),
            Mode::Enforce,
            &mut nonce(),
        );
        assert_sendable(&r, &format!("{what}, empty policy"));
    }
}

#[test]
fn injected_lines_keep_their_header_name() {
    let _alone = alone();
    // The pieces of an injected value stay under the original name: nothing injected
    // becomes a header of its own.
    let policy = Policy::load("balanced").unwrap();
    let mut r = injected_response();
    enforce_with(&mut r, None, &policy, Mode::Enforce, &mut nonce());
    assert!(!r.headers.contains("x-injected"));
    assert!(!r.headers.contains("x-evil"));
    assert!(!r
        .headers
        .get_all("set-cookie")
        .any(|h| h.value.starts_with("evil=")));
}

#[test]
fn the_rewriter_is_bounded_on_hostile_bodies() {
    let _alone = alone();
    let options = NonceOptions {
        nonce: Some("HOSTILENONCEAAAAAAAAAAAA".into()),
        scripts: Some(NonceScripts::All),
        styles: Some(NonceScripts::All),
        remove_meta_csp: true,
        keep_existing: false,
    };
    // Many scripts: every one rewritten, output about the input's size.
    let many = "<script nonce=old>1</script><style>p{}</style>".repeat(40_000);
    let (result, cost) = measure(|| rewrite_html(many.as_bytes(), &options));
    let (out, stats) = result.unwrap();
    assert_eq!(stats.scripts, 40_000);
    assert!(out.len() < many.len() * 3, "{}", out.len());
    assert_bounded("80,000 script/style tags", cost, many.len(), 8);

    // One start tag that never ends, far larger than the rewriter may buffer: an error,
    // not unbounded buffering.
    let mut open = b"<!doctype html><script a=\"".to_vec();
    open.resize(MAX_REWRITER_MEMORY * 2, b'x');
    let (result, cost) = measure(|| rewrite_html(&open, &options));
    assert!(result.is_err(), "an unterminated 16 MiB tag was rewritten");
    assert!(result.unwrap_err().to_string().contains("HTML rewriter"));
    assert_bounded("a 16 MiB unterminated tag", cost, open.len(), 3);

    // Unclosed elements, NULs and invalid UTF-8: rewritten.
    let mut junk = "<div><p><td>".repeat(10_000).into_bytes();
    junk.extend_from_slice(b"<script>\0\xff\xfe</script><scr\0ipt nonce=\xff>x</script>");
    let (result, cost) = measure(|| rewrite_html(&junk, &options));
    assert!(result.is_ok(), "{:?}", result.err());
    assert_bounded("30,000 unclosed elements", cost, junk.len(), 8);

    // lol_html counts its stack of open elements against the memory limit: about
    // 100,000 unclosed elements (`<p>` or `<td>` with implied end tags, 300 KB of HTML)
    // pass it. The rewrite then fails with a clear error, and enforce leaves the body as
    // it was and says so (the nonce CSP then blocks the page's inline scripts: safe, not
    // silent).
    let deep = "<p>".repeat(100_000);
    let (result, cost) = measure(|| rewrite_html(deep.as_bytes(), &options));
    let err = result.unwrap_err();
    assert!(err.to_string().contains("memory limit"), "{err}");
    assert_bounded("100,000 unclosed <p>", cost, deep.len(), 40);
    let mut r = Response {
        status: Some(200),
        body: Some(deep.into_bytes()),
        ..Default::default()
    };
    r.headers.push(Header::new("Content-Type", "text/html"));
    let policy = Policy::load("strict").unwrap();
    let changes = enforce_with(&mut r, None, &policy, Mode::Enforce, &mut nonce()).changes;
    assert!(
        changes
            .iter()
            .any(|c| c.action == Action::SkipBody && c.reason.contains("memory limit")),
        "{changes:#?}"
    );
}

#[test]
fn enforce_on_a_large_html_response_is_bounded() {
    let _alone = alone();
    let policy = Policy::load("strict").unwrap();
    let mut body = b"<!doctype html>".to_vec();
    while body.len() < headwarden_core::limits::MAX_BODY_BYTES {
        body.extend_from_slice(b"<script>a()</script><p>text</p>");
    }
    let mut r = Response {
        status: Some(200),
        body: Some(body),
        ..Default::default()
    };
    r.headers.push(Header::new("Content-Type", "text/html"));
    let len = r.body.as_ref().map_or(0, Vec::len);
    let (changes, cost) =
        measure(|| enforce_with(&mut r, None, &policy, Mode::Enforce, &mut nonce()).changes);
    assert!(!changes.is_empty());
    assert_bounded("enforce, 2 MiB HTML body", cost, len, 6);
}
