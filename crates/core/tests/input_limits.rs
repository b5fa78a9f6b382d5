//! Every limit of `headwarden_core::limits`, tested below, at and above, in each format it
//! applies to.

use headwarden_core::input::Location;
use headwarden_core::limits::{
    MAX_BODY_BYTES, MAX_EXCHANGES, MAX_HEADERS, MAX_HEADER_LINE_BYTES, MAX_INPUT_BYTES,
    MAX_JSON_DEPTH, MAX_NOTES,
};
use headwarden_core::{parse, InputError};

/// A raw response of `total` bytes exactly: status line, one header, body filler.
fn raw_of_size(total: usize) -> Vec<u8> {
    let mut input = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".to_vec();
    input.resize(total, b'x');
    input
}

#[test]
fn input_size() {
    assert!(parse(&raw_of_size(MAX_INPUT_BYTES - 1)).is_ok());
    assert!(parse(&raw_of_size(MAX_INPUT_BYTES)).is_ok());
    assert_eq!(
        parse(&raw_of_size(MAX_INPUT_BYTES + 1)),
        Err(InputError::TooLarge {
            size: MAX_INPUT_BYTES + 1,
            limit: MAX_INPUT_BYTES
        })
    );
    // A 50 MB paste.
    let big = vec![b'a'; 50_000_000];
    assert!(matches!(
        parse(&big),
        Err(InputError::TooLarge {
            size: 50_000_000,
            ..
        })
    ));
}

fn raw_with_line(line_bytes: usize) -> Vec<u8> {
    // `X-Long: vvv…` is exactly `line_bytes` long (CRLF not counted).
    let mut line = b"X-Long: ".to_vec();
    line.resize(line_bytes, b'v');
    let mut input = b"HTTP/1.1 200 OK\r\n".to_vec();
    input.extend_from_slice(&line);
    input.extend_from_slice(b"\r\n\r\n");
    input
}

#[test]
fn header_line_length_raw() {
    assert!(parse(&raw_with_line(MAX_HEADER_LINE_BYTES - 1)).is_ok());
    assert!(parse(&raw_with_line(MAX_HEADER_LINE_BYTES)).is_ok());
    assert_eq!(
        parse(&raw_with_line(MAX_HEADER_LINE_BYTES + 1)),
        Err(InputError::LineTooLong {
            at: Location::Line(2),
            size: MAX_HEADER_LINE_BYTES + 1,
            limit: MAX_HEADER_LINE_BYTES
        })
    );
    let err = parse(&raw_with_line(1024 * 1024)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: a header line is 1048576 bytes; the limit is 65536 bytes"
    );
}

#[test]
fn header_line_length_other_text_formats() {
    let long = "v".repeat(MAX_HEADER_LINE_BYTES);
    // curl -v: the `< ` prefix counts.
    let curl = format!(
        "< HTTP/1.1 200 OK\n< X: {}\n<\n",
        &long[..MAX_HEADER_LINE_BYTES - 5]
    );
    assert!(parse(curl.as_bytes()).is_ok());
    let curl = format!(
        "< HTTP/1.1 200 OK\n< X: {}\n<\n",
        &long[..MAX_HEADER_LINE_BYTES - 4]
    );
    assert!(matches!(
        parse(curl.as_bytes()),
        Err(InputError::LineTooLong {
            at: Location::Line(2),
            ..
        })
    ));
    // DevTools, value on its own line.
    let devtools = format!("content-type\ntext/html\nx-long\n{long}\n");
    assert!(parse(devtools.as_bytes()).is_ok());
    let devtools = format!("content-type\ntext/html\nx-long\n{long}v\n");
    assert!(matches!(
        parse(devtools.as_bytes()),
        Err(InputError::LineTooLong {
            at: Location::Line(4),
            ..
        })
    ));
}

#[test]
fn body_lines_are_not_header_lines() {
    let mut input = b"HTTP/1.1 200 OK\r\nContent-Type: application/javascript\r\n\r\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    assert!(parse(&input).is_ok());
}

fn raw_with_headers(count: usize) -> String {
    let mut input = String::from("HTTP/1.1 200 OK\r\n");
    for i in 0..count {
        input.push_str(&format!("X-H{i}: v\r\n"));
    }
    input.push_str("\r\n");
    input
}

#[test]
fn header_count() {
    assert!(parse(raw_with_headers(MAX_HEADERS - 1).as_bytes()).is_ok());
    assert_eq!(
        parse(raw_with_headers(MAX_HEADERS).as_bytes())
            .unwrap()
            .exchanges[0]
            .response
            .headers
            .len(),
        MAX_HEADERS
    );
    assert_eq!(
        parse(raw_with_headers(MAX_HEADERS + 1).as_bytes()),
        Err(InputError::TooManyHeaders {
            at: Location::Line(MAX_HEADERS + 2),
            limit: MAX_HEADERS
        })
    );
    assert!(matches!(
        parse(raw_with_headers(10_000).as_bytes()),
        Err(InputError::TooManyHeaders { .. })
    ));
}

#[test]
fn header_count_other_formats() {
    let lines = |n: usize, prefix: &str| -> String {
        (0..n).map(|i| format!("{prefix}x-h{i}: v\n")).collect()
    };
    let curl = |n| format!("< HTTP/1.1 200 OK\n{}<\n", lines(n, "< "));
    assert!(parse(curl(MAX_HEADERS).as_bytes()).is_ok());
    assert!(matches!(
        parse(curl(MAX_HEADERS + 1).as_bytes()),
        Err(InputError::TooManyHeaders { .. })
    ));
    let devtools = |n| format!(":status: 200\n{}", lines(n, ""));
    assert!(parse(devtools(MAX_HEADERS).as_bytes()).is_ok());
    assert!(matches!(
        parse(devtools(MAX_HEADERS + 1).as_bytes()),
        Err(InputError::TooManyHeaders { .. })
    ));
    let json = |n: usize| {
        format!(
            "{{{}}}",
            (0..n)
                .map(|i| format!("\"x-{i}\": \"v\""))
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    assert!(parse(json(MAX_HEADERS).as_bytes()).is_ok());
    assert!(matches!(
        parse(json(MAX_HEADERS + 1).as_bytes()),
        Err(InputError::TooManyHeaders { .. })
    ));
}

#[test]
fn exchange_count_raw_and_curl_verbose() {
    let raw = |n: usize| "HTTP/1.1 200 OK\n\n".repeat(n);
    assert_eq!(
        parse(raw(MAX_EXCHANGES).as_bytes())
            .unwrap()
            .exchanges
            .len(),
        MAX_EXCHANGES
    );
    assert_eq!(
        parse(raw(MAX_EXCHANGES + 1).as_bytes()),
        Err(InputError::TooManyExchanges {
            at: Location::Line(2 * MAX_EXCHANGES + 1),
            limit: MAX_EXCHANGES
        })
    );
    // Skipped interim responses do not count.
    let with_interim = "HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\n\n".repeat(MAX_EXCHANGES);
    assert_eq!(
        parse(with_interim.as_bytes()).unwrap().exchanges.len(),
        MAX_EXCHANGES
    );
    let curl = |n: usize| "< HTTP/1.1 200 OK\n<\n".repeat(n);
    assert!(parse(curl(MAX_EXCHANGES).as_bytes()).is_ok());
    assert!(matches!(
        parse(curl(MAX_EXCHANGES + 1).as_bytes()),
        Err(InputError::TooManyExchanges { .. })
    ));
}

#[test]
fn exchange_count_har_and_json() {
    let har = |n: usize| {
        let entry =
            "{\"request\": {\"url\": \"https://a.example/\"}, \"response\": {\"status\": 204}}";
        format!(
            "{{\"log\": {{\"entries\": [{}]}}}}",
            vec![entry; n].join(",")
        )
    };
    assert_eq!(
        parse(har(MAX_EXCHANGES).as_bytes())
            .unwrap()
            .exchanges
            .len(),
        MAX_EXCHANGES
    );
    assert_eq!(
        parse(har(MAX_EXCHANGES + 1).as_bytes()),
        Err(InputError::TooManyExchanges {
            at: Location::Path(format!("log.entries[{MAX_EXCHANGES}]")),
            limit: MAX_EXCHANGES
        })
    );
    let json = |n: usize| format!("[{}]", vec!["{\"headers\": {\"a\": \"b\"}}"; n].join(","));
    assert_eq!(
        parse(json(MAX_EXCHANGES).as_bytes())
            .unwrap()
            .exchanges
            .len(),
        MAX_EXCHANGES
    );
    assert!(matches!(
        parse(json(MAX_EXCHANGES + 1).as_bytes()),
        Err(InputError::TooManyExchanges { .. })
    ));
}

fn nested(depth: usize) -> String {
    // The header object is depth 1; each wrapping array adds one.
    format!(
        "{}{{\"a\": \"b\"}}{}",
        "[".repeat(depth - 1),
        "]".repeat(depth - 1)
    )
}

#[test]
fn json_depth() {
    // Depths below and at the limit pass the depth check (and then fail as JSON headers,
    // since arrays of arrays are not a header form), above it is `TooDeep`.
    for depth in [MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH] {
        let err = parse(nested(depth).as_bytes()).err();
        assert!(
            !matches!(err, Some(InputError::TooDeep { .. })),
            "{depth}: {err:?}"
        );
    }
    assert_eq!(
        parse(nested(MAX_JSON_DEPTH + 1).as_bytes()),
        Err(InputError::TooDeep {
            line: 1,
            column: MAX_JSON_DEPTH + 1,
            limit: MAX_JSON_DEPTH
        })
    );
    assert!(matches!(
        parse(nested(10_000).as_bytes()),
        Err(InputError::TooDeep { .. })
    ));
    // A valid HAR nests 6 deep; with an extension field at the limit it still parses.
    let ext = |depth: usize| {
        format!(
            "{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200}}}}], \"_x\": {}{}}}}}",
            "[".repeat(depth - 2),
            "]".repeat(depth - 2)
        )
    };
    assert!(parse(ext(MAX_JSON_DEPTH).as_bytes()).is_ok());
    assert!(matches!(
        parse(ext(MAX_JSON_DEPTH + 1).as_bytes()),
        Err(InputError::TooDeep { .. })
    ));
}

#[test]
fn body_bytes() {
    let with_body = |n: usize| {
        let mut input = format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n").into_bytes();
        input.resize(input.len() + n, b'b');
        input
    };
    for n in [MAX_BODY_BYTES - 1, MAX_BODY_BYTES] {
        let parsed = parse(&with_body(n)).unwrap();
        assert_eq!(parsed.exchanges[0].response.body.as_ref().unwrap().len(), n);
        assert!(parsed.notes.is_empty());
    }
    let parsed = parse(&with_body(MAX_BODY_BYTES + 1)).unwrap();
    assert_eq!(
        parsed.exchanges[0].response.body.as_ref().unwrap().len(),
        MAX_BODY_BYTES
    );
    assert_eq!(parsed.notes.len(), 1);
}

#[test]
fn notes_are_capped() {
    let note_lines = |n: usize| -> String {
        let mut s = String::from("HTTP/1.1 200 OK\n");
        for i in 0..n {
            s.push_str(&format!("X-{i}: a\u{1}b\n"));
        }
        s
    };
    assert_eq!(
        parse(note_lines(MAX_NOTES).as_bytes()).unwrap().notes.len(),
        MAX_NOTES
    );
    let parsed = parse(note_lines(MAX_NOTES + 5).as_bytes()).unwrap();
    assert_eq!(parsed.notes.len(), MAX_NOTES + 1);
    assert!(
        parsed.notes[MAX_NOTES].contains("5 more"),
        "{:?}",
        parsed.notes.last()
    );
}

#[test]
fn total_header_lines() {
    use headwarden_core::limits::MAX_TOTAL_HEADERS;
    // Raw: full messages of MAX_HEADERS tiny lines until the total is passed.
    let message = format!("HTTP/1.1 200 OK\n{}\n", "a: b\n".repeat(MAX_HEADERS));
    let messages = MAX_TOTAL_HEADERS / MAX_HEADERS;
    assert!(parse(message.repeat(messages).as_bytes()).is_ok());
    let err = parse(message.repeat(messages + 1).as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            InputError::TooManyHeadersTotal {
                at: Location::Line(_),
                ..
            }
        ),
        "{err:?}"
    );
    // JSON: storing stops at the limit; the error says the document.
    let object = format!("{{{}}}", vec!["\"a\": \"b\""; MAX_HEADERS].join(","));
    let doc = |n: usize| format!("[{}]", vec![object.as_str(); n].join(","));
    assert!(parse(doc(messages).as_bytes()).is_ok());
    assert_eq!(
        parse(doc(messages + 1).as_bytes()),
        Err(InputError::TooManyHeadersTotal {
            at: Location::Path("the JSON document".into()),
            limit: MAX_TOTAL_HEADERS
        })
    );
}

#[test]
fn oversized_lists_are_not_stored() {
    // A JSON array value far past the limit: an error, without storing a million strings.
    let doc = format!("{{\"Set-Cookie\": [{}]}}", vec!["1"; 1_000_000].join(","));
    assert!(matches!(
        parse(doc.as_bytes()),
        Err(InputError::TooManyHeaders { .. })
    ));
    // Same for HAR headers.
    let har = format!(
        "{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200, \"headers\": [{}]}}}}]}}}}",
        vec!["{\"name\": \"a\"}"; 200_000].join(",")
    );
    assert!(matches!(
        parse(har.as_bytes()),
        Err(InputError::TooManyHeaders { .. })
    ));
}
