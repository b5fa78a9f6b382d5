//! One test per crash or invariant break found by fuzzing (`cargo xtask fuzz`) or by the
//! hostile-input suite. Each names the target that found it and keeps the input (minimised
//! where that made it clearer) so the bug cannot come back.

use headwarden_core::policy::{enforce, Policy};
use headwarden_core::{check, parse, parse_as, CheckOptions, Header, InputFormat, Response};

/// Parses and checks `input` in every format; the point is that nothing panics.
fn check_everywhere(input: &[u8]) {
    let options = CheckOptions::full_report();
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

/// fuzz `enforce` (report-only mode, empty policy): report-only changed nothing at all
/// when the policy had no CSP, so a NUL kept in a header's raw bytes went out. Making the
/// head sendable now happens in both modes.
#[test]
fn report_only_mode_also_makes_the_head_sendable() {
    use headwarden_core::policy::{enforce_with, Mode};
    let parsed =
        parse(b"X-Content-Type-Options: nosniff\r\nReferrer-Policy: a\x1f\0\0b\r\n").unwrap();
    for policy in [Policy::empty(), Policy::load("balanced").unwrap()] {
        let mut r = parsed.exchanges[0].response.clone();
        enforce_with(&mut r, None, &policy, Mode::ReportOnly, &mut || {
            "REGRESSIONNONCEAAAAAAAA".to_string()
        });
        assert!(!r.to_curl_bytes().contains(&0));
        assert!(r.headers.iter().all(|h| h.raw_value.is_none()));
    }
}

/// fuzz `roundtrip`: the reading HTML scanner took a `<script>` inside an end tag
/// (`</x a="b" <script>`, where the tokenizer reads `<script` as an attribute of the end
/// tag) for an element, while the rewriter (lol_html, like browsers) did not: the
/// checker then reported `csp-nonce-mismatch` on a response enforce had just fixed.
#[test]
fn a_script_inside_an_end_tag_or_a_bogus_comment_is_no_element() {
    use headwarden_core::html::Document;
    for body in [
        &b"<p>x</scrin: /x\nSet-Cookie: evil=1\n\n<script>a()</script>"[..],
        b"</p a='>' <script>a()</script>",
        b"<!doctype html <script>a()</script>",
        b"<? <script>a() ?>",
        b"</ <script>a()</script>",
    ] {
        let doc = Document::scan(body);
        assert_eq!(
            doc.elements("script").count(),
            0,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    // A real script after an end tag is still seen.
    let doc = Document::scan(b"<p>x</p><script>a()</script></div><script src=/b.js></script>");
    assert_eq!(doc.elements("script").count(), 2);
    // And the round trip holds on the fuzzer's input.
    let found = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<!doctype html><saript>\xff</scrin: /x\nSet-Cookie: evil=1\n\n<script>\xff</2e742d; Path=/\n";
    let parsed = parse(found).unwrap();
    let policy = Policy::load("balanced").unwrap();
    let mut exchange = parsed.exchanges[0].clone();
    enforce(&mut exchange.response, None, &policy, &mut || {
        "REGRESSIONNONCEAAAAAAAA".to_string()
    });
    let report = headwarden_core::check_exchanges(
        std::slice::from_ref(&exchange),
        InputFormat::Raw,
        &[],
        &policy,
        &CheckOptions::full_report(),
    );
    assert!(
        !report.exchanges[0]
            .findings
            .iter()
            .any(|f| f.rule == "csp-nonce-mismatch"),
        "{:#?}",
        report.exchanges[0].findings
    );
}

/// fuzz `roundtrip` again: `</title0` was taken for the end of a `<title>`, so a
/// `<script>` inside the title text counted as an element (the tokenizer, and lol_html,
/// need whitespace, `/` or `>` after the end tag's name).
#[test]
fn a_raw_text_element_ends_only_at_a_real_end_tag() {
    use headwarden_core::html::Document;
    let doc = Document::scan(b"<title>Redirecting...</title0\n<script>a()</script>");
    assert_eq!(doc.elements("script").count(), 0);
    let doc = Document::scan(b"<script>a = '</scripts>'; b()</script ><script>c()</script>");
    let scripts: Vec<_> = doc.elements("script").collect();
    assert_eq!(scripts.len(), 2);
    assert_eq!(doc.content_of(scripts[0]), Some("a = '</scripts>'; b()"));
    for close in ["</title>", "</TITLE >", "</title/>", "</title\t>"] {
        let body = format!("<title>t{close}<script>a()</script>");
        assert_eq!(
            Document::scan(body.as_bytes()).elements("script").count(),
            1,
            "{close}"
        );
    }
}
