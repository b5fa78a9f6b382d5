//! Hostile input to `parse` and `check`: far past every limit, in every format. Each case
//! must end quickly with a clear error (or a report), using memory bounded by a small
//! multiple of the input size (`hostile_support` counts every heap byte).
//!
//! The limits themselves are tested at, below and above in `input_limits.rs` and
//! `hostile_limits.rs`; here the inputs are the absurd ones.

mod hostile_support;

use headwarden_core::report::{json, markdown, sarif, text};
use headwarden_core::{check, parse, parse_as, CheckOptions, InputError, InputFormat, Policy};
use hostile_support::{alone, assert_bounded, measure};

#[global_allocator]
static ALLOC: hostile_support::Counting = hostile_support::Counting;

fn checked(input: &[u8]) -> Result<String, InputError> {
    let parsed = parse(input)?;
    let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
    Ok(json::render(&report))
}

#[test]
fn a_50_mb_paste_is_refused_before_it_is_read() {
    let _alone = alone();
    let paste = vec![b'a'; 50_000_000];
    let (result, cost) = measure(|| checked(&paste));
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the input is 50000000 bytes; the limit is 33554432 bytes"
    );
    // Nothing proportional to the input is allocated.
    assert_bounded("50 MB paste", cost, paste.len(), 0);
    // The same bytes as a headers-shaped paste, in every forced format.
    let mut headers = b"HTTP/1.1 200 OK\r\n".to_vec();
    while headers.len() < 50_000_000 {
        headers.extend_from_slice(b"X-A: b\r\n");
    }
    for format in InputFormat::ALL {
        let (result, cost) = measure(|| parse_as(&headers, Some(format)));
        assert!(matches!(result, Err(InputError::TooLarge { .. })));
        assert_bounded("50 MB headers", cost, headers.len(), 0);
    }
}

#[test]
fn a_1_mb_header_line_fails_in_every_format() {
    let _alone = alone();
    let long = "v".repeat(1 << 20);
    let cases: Vec<(&str, String)> = vec![
        ("raw", format!("HTTP/1.1 200 OK\r\nX-Long: {long}\r\n\r\n")),
        ("bare headers", format!("Content-Type: text/html\nX-Long: {long}\n")),
        ("curl -v", format!("< HTTP/1.1 200 OK\n< X-Long: {long}\n<\n")),
        ("devtools", format!("content-type\ntext/html\nx-long\n{long}\n")),
        (
            "har",
            format!(
                "{{\"log\": {{\"entries\": [{{\"request\": {{\"url\": \"https://a.example/\"}}, \"response\": {{\"status\": 200, \"headers\": [{{\"name\": \"X-Long\", \"value\": \"{long}\"}}]}}}}]}}}}"
            ),
        ),
        ("json", format!("{{\"X-Long\": \"{long}\"}}")),
        ("json pairs", format!("[[\"X-Long\", \"{long}\"]]")),
    ];
    for (what, input) in cases {
        let (result, cost) = measure(|| checked(input.as_bytes()));
        let err = result.expect_err(what);
        assert!(
            matches!(err, InputError::LineTooLong { .. }),
            "{what}: {err:?}"
        );
        assert!(
            err.to_string().contains("the limit is 65536 bytes"),
            "{what}: {err}"
        );
        assert_bounded(what, cost, input.len(), 4);
    }
}

#[test]
fn a_hundred_thousand_headers_fail_in_every_format() {
    let _alone = alone();
    let n = 100_000;
    let lines =
        |prefix: &str| -> String { (0..n).map(|i| format!("{prefix}x-h{i}: v\n")).collect() };
    let har_headers: Vec<String> = (0..n)
        .map(|i| format!("{{\"name\": \"x-h{i}\", \"value\": \"v\"}}"))
        .collect();
    let cases: Vec<(&str, String)> = vec![
        ("raw", format!("HTTP/1.1 200 OK\n{}\n", lines(""))),
        ("bare headers", lines("")),
        ("curl -v", format!("< HTTP/1.1 200 OK\n{}<\n", lines("< "))),
        ("devtools", format!(":status: 200\n{}", lines(""))),
        (
            "har",
            format!(
                "{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200, \"headers\": [{}]}}}}]}}}}",
                har_headers.join(",")
            ),
        ),
        (
            "json",
            format!(
                "{{{}}}",
                (0..n)
                    .map(|i| format!("\"x-{i}\": \"v\""))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ),
        (
            "json, one name with 100,000 values",
            format!("{{\"Set-Cookie\": [{}]}}", vec!["\"a=1\""; n].join(",")),
        ),
    ];
    for (what, input) in cases {
        let (result, cost) = measure(|| checked(input.as_bytes()));
        let err = result.expect_err(what);
        assert!(
            matches!(err, InputError::TooManyHeaders { limit: 1000, .. }),
            "{what}: {err:?}"
        );
        assert!(
            err.to_string()
                .contains("more than 1000 header lines in one message"),
            "{what}: {err}"
        );
        assert_bounded(what, cost, input.len(), 4);
    }
}

/// A HAR entry like a browser writes one, with a dozen headers each way and cookies.
fn har_entry(i: usize) -> String {
    let header =
        |name: &str, value: &str| format!("{{\"name\": \"{name}\", \"value\": \"{value}\"}}");
    let request_headers = [
        header("Host", "shop.example"),
        header(
            "User-Agent",
            "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0",
        ),
        header("Accept", "text/html,application/xhtml+xml"),
        header("Cookie", &format!("session=s{i}; theme=dark")),
    ];
    let response_headers = [
        header("Server", "gunicorn"),
        header("Content-Type", "text/html; charset=utf-8"),
        header("Set-Cookie", &format!("sid={i}; Path=/; HttpOnly")),
        header("Strict-Transport-Security", "max-age=63072000"),
        header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' https://cdn.example",
        ),
        header("X-Frame-Options", "DENY"),
        header("Cache-Control", "no-store"),
    ];
    format!(
        "{{\"startedDateTime\": \"2026-11-23T13:14:09.701Z\", \"time\": 1, \"request\": {{\"method\": \"GET\", \"url\": \"https://shop.example/p/{i}\", \"httpVersion\": \"HTTP/1.1\", \"headers\": [{}], \"cookies\": [], \"queryString\": [], \"headersSize\": -1, \"bodySize\": 0}}, \"response\": {{\"status\": 200, \"statusText\": \"OK\", \"httpVersion\": \"HTTP/1.1\", \"headers\": [{}], \"cookies\": [], \"content\": {{\"size\": 0, \"mimeType\": \"text/html\", \"text\": \"<!doctype html><p>{i}</p>\"}}, \"redirectURL\": \"\", \"headersSize\": -1, \"bodySize\": 0}}, \"cache\": {{}}, \"timings\": {{\"send\": 0, \"wait\": 1, \"receive\": 0}}}}",
        request_headers.join(", "),
        response_headers.join(", ")
    )
}

#[test]
fn a_har_of_10_000_entries_parses_and_checks_in_bounded_time_and_memory() {
    let _alone = alone();
    let entries: Vec<String> = (0..10_000).map(har_entry).collect();
    let har = format!(
        "{{\"log\": {{\"version\": \"1.2\", \"creator\": {{\"name\": \"t\", \"version\": \"1\"}}, \"entries\": [{}]}}}}",
        entries.join(",\n")
    );
    let (parsed, cost) = measure(|| parse(har.as_bytes()));
    let parsed = parsed.unwrap();
    assert_eq!(parsed.format, InputFormat::Har);
    assert_eq!(parsed.exchanges.len(), 10_000);
    assert_bounded("HAR of 10,000 entries: parse", cost, har.len(), 4);
    // The whole check with every rule, the weak-secret audit included.
    let (report, cost) =
        measure(|| check(&parsed, &Policy::default(), &CheckOptions::full_report()));
    assert_eq!(report.exchanges.len(), 10_000);
    assert_bounded("HAR of 10,000 entries: check", cost, har.len(), 24);
}

#[test]
fn rendering_the_report_of_a_large_har_is_linear() {
    let _alone = alone();
    // The report is larger than the HAR (findings with their evidence, the CSP view,
    // every passed rule id, per exchange; about 13 times the HAR as pretty JSON), so each
    // renderer is bounded by the document it writes. 1,000 entries keep the unoptimised
    // pretty-printers well inside the time bound.
    let entries: Vec<String> = (0..1_000).map(har_entry).collect();
    let har = format!("{{\"log\": {{\"entries\": [{}]}}}}", entries.join(","));
    let parsed = parse(har.as_bytes()).unwrap();
    let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
    // SARIF is built as a `serde_json::Value` tree first, which costs about ten times the
    // text it becomes.
    type Renderer = (&'static str, fn(&headwarden_core::Report) -> String, usize);
    let renderers: [Renderer; 4] = [
        ("json", json::render, 3),
        ("sarif", |r| sarif::render(r, Some("big.har")), 12),
        ("markdown", markdown::render, 3),
        ("text", |r| text::render(r, false, 100), 3),
    ];
    for (name, render, factor) in renderers {
        let (doc, cost) = measure(|| render(&report));
        assert!(!doc.is_empty());
        assert_bounded(
            &format!("report of 1,000 exchanges as {name}"),
            cost,
            doc.len(),
            factor,
        );
    }
}

#[test]
fn a_har_nested_10_000_deep_fails_without_recursing() {
    let _alone = alone();
    // Deep inside a valid-looking HAR, where serde would recurse.
    let deep = |open: &str, close: &str| {
        format!(
            "{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200, \"_x\": {}{}}}}}]}}}}",
            open.repeat(10_000),
            close.repeat(10_000)
        )
    };
    for input in [deep("[", "]"), deep("{\"a\":", "}"), "[".repeat(10_000)] {
        let (result, cost) = measure(|| checked(input.as_bytes()));
        let err = result.unwrap_err();
        assert!(
            matches!(err, InputError::TooDeep { limit: 64, .. }),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .contains("JSON nested deeper than 64 levels"));
        assert_bounded("HAR nested 10,000 deep", cost, input.len(), 2);
        for format in [InputFormat::Har, InputFormat::Json] {
            let err = parse_as(input.as_bytes(), Some(format)).unwrap_err();
            assert!(
                matches!(err, InputError::TooDeep { .. }),
                "{format}: {err:?}"
            );
        }
    }
}

/// `i` in base 62: distinct cookie names of at most 3 characters below 238,328.
fn short_name(mut i: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(DIGITS[i % 62]);
        i /= 62;
        if i == 0 {
            break;
        }
    }
    String::from_utf8(name).unwrap_or_default()
}

#[test]
fn ten_thousand_cookies() {
    let _alone = alone();
    // 10,000 Set-Cookie lines in one response: past the header limit, a clear error.
    let mut raw = String::from("HTTP/1.1 200 OK\r\n");
    for i in 0..10_000 {
        raw.push_str(&format!(
            "Set-Cookie: c{i}=v{i}; Path=/; Secure; HttpOnly\r\n"
        ));
    }
    raw.push_str("\r\n");
    let (result, cost) = measure(|| checked(raw.as_bytes()));
    assert!(matches!(
        result,
        Err(InputError::TooManyHeaders { limit: 1000, .. })
    ));
    assert_bounded("10,000 Set-Cookie lines", cost, raw.len(), 4);

    // 10,000 cookies joined by newlines in one HAR header value (as some exporters join
    // repeats): one header per line, so also past the limit.
    let joined: Vec<String> = (0..10_000).map(|i| format!("c{i}=v; Secure")).collect();
    let har = format!(
        "{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200, \"headers\": [{{\"name\": \"Set-Cookie\", \"value\": \"{}\"}}]}}}}]}}}}",
        joined.join("\\n")
    );
    let (result, cost) = measure(|| checked(har.as_bytes()));
    assert!(result.is_err(), "{result:?}");
    assert_bounded("10,000 cookies in one HAR value", cost, har.len(), 4);

    // 10,000 cookies in one request `Cookie` header that fits the line limit, and the
    // most Set-Cookie lines a response may have: a report, in bounded time.
    let pairs: Vec<String> = (0..10_000)
        .map(|i| format!("{}=1", short_name(i)))
        .collect();
    let cookie_line = format!("Cookie: {}", pairs.join(";"));
    assert!(cookie_line.len() <= headwarden_core::limits::MAX_HEADER_LINE_BYTES);
    let mut both =
        format!("GET / HTTP/1.1\r\nHost: a.example\r\n{cookie_line}\r\n\r\nHTTP/1.1 200 OK\r\n");
    for i in 0..999 {
        both.push_str(&format!(
            "Set-Cookie: session{i}=eyJ1IjoxfQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE{i}; Path=/\r\n"
        ));
    }
    both.push_str("\r\n");
    let (result, cost) = measure(|| checked(both.as_bytes()));
    let doc = result.unwrap();
    assert!(doc.contains("cookie-missing-secure"));
    // Each Set-Cookie line gets a few findings with their detail and evidence (at most
    // 300 characters each): the report, not the parse, is most of this.
    assert_bounded(
        "10,000 request cookies + 999 Set-Cookie",
        cost,
        both.len(),
        80,
    );
}

#[test]
fn invalid_utf8_everywhere() {
    let _alone = alone();
    let bad = b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\xed\xa0\x80";
    let mut raw = Vec::new();
    raw.extend_from_slice(b"HTTP/1.1 200 O");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"\r\nX-");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b": v\r\nServer: Werkzeug/3.1.3 ");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"\r\nSet-Cookie: session=");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"; Domain=");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"\r\nContent-Security-Policy: script-src ");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b" 'nonce-");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"'\r\nLocation: https://");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"/\r\nContent-Type: text/html\r\n\r\n<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"\"><script nonce=\"");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"\">");
    raw.extend_from_slice(bad);
    raw.extend_from_slice(b"</script>");
    let (result, cost) = measure(|| checked(&raw));
    let doc = result.expect("invalid UTF-8 in a response is reported on, not refused");
    assert!(serde_json::from_str::<serde_json::Value>(&doc).is_ok());
    assert_bounded("invalid UTF-8 in a raw response", cost, raw.len(), 4);

    // The same bytes in a curl -v log and in DevTools form.
    let mut curl = b"* Connected to a.example (1.2.3.4) port 443\n> GET /".to_vec();
    curl.extend_from_slice(bad);
    curl.extend_from_slice(b" HTTP/1.1\n> Host: a.example\n>\n< HTTP/1.1 200 OK\n< X: ");
    curl.extend_from_slice(bad);
    curl.extend_from_slice(b"\n<\n");
    curl.extend_from_slice(bad);
    assert!(checked(&curl).is_ok());
    let mut devtools = b"content-type\ntext/html\nx-a\n".to_vec();
    devtools.extend_from_slice(bad);
    assert!(checked(&devtools).is_ok());

    // JSON and HAR must be UTF-8: a clear error with the place.
    let mut har = b"{\"log\": {\"entries\": [{\"response\": {\"status\": 200, \"headers\": [{\"name\": \"X\", \"value\": \"".to_vec();
    har.extend_from_slice(bad);
    har.extend_from_slice(b"\"}]}}]}}");
    let err = checked(&har).unwrap_err();
    assert!(!err.to_string().is_empty());
    let mut json = b"{\"X\": \"".to_vec();
    json.extend_from_slice(bad);
    json.extend_from_slice(b"\"}");
    assert!(parse_as(&json, Some(InputFormat::Json)).is_err());

    // Only invalid bytes: refused as binary or unrecognised, never a panic.
    let noise: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 | 0x80)
        .collect();
    let (result, cost) = measure(|| checked(&noise));
    assert!(result.is_err());
    assert_bounded("100 KB of non-UTF-8 bytes", cost, noise.len(), 4);
}
