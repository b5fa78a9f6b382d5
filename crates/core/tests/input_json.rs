//! The JSON header forms.

use headwarden_core::input::Location;
use headwarden_core::{limits, parse, parse_as, InputError, InputFormat, Parsed, Scheme};

fn ok(input: &str) -> Parsed {
    let parsed = parse(input.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{input}"));
    assert_eq!(parsed.format, InputFormat::Json);
    parsed
}

fn pairs(parsed: &Parsed, i: usize) -> Vec<(String, String)> {
    parsed.exchanges[i]
        .response
        .headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect()
}

fn p(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

#[test]
fn object_of_names_to_values_keeps_order_and_repeats() {
    // Node's `res.headers` shape: arrays for repeated headers, numbers allowed.
    let parsed = ok(r#"{
        "Content-Type": "text/html; charset=utf-8",
        "set-cookie": ["session=abc; HttpOnly", "csrftoken=x; SameSite=Lax"],
        "Content-Length": 1234,
        "X-Frame-Options": "DENY",
        "Set-Cookie": "late=1"
    }"#);
    assert_eq!(
        pairs(&parsed, 0),
        [
            p("Content-Type", "text/html; charset=utf-8"),
            p("set-cookie", "session=abc; HttpOnly"),
            p("set-cookie", "csrftoken=x; SameSite=Lax"),
            p("Content-Length", "1234"),
            p("X-Frame-Options", "DENY"),
            p("Set-Cookie", "late=1"),
        ]
    );
    assert!(parsed.exchanges[0].request.is_none());
    assert_eq!(parsed.exchanges[0].response.status, None);
}

#[test]
fn duplicate_keys_are_all_kept() {
    let parsed = ok(r#"{"Set-Cookie": "a=1", "Set-Cookie": "b=2"}"#);
    assert_eq!(
        pairs(&parsed, 0),
        [p("Set-Cookie", "a=1"), p("Set-Cookie", "b=2")]
    );
}

#[test]
fn wrapper_with_status_url_and_headers() {
    let parsed = ok(
        r#"{"status": 302, "url": "http://localhost:5000/login", "method": "POST", "reason": "FOUND",
        "headers": {"Location": "/me", "Set-Cookie": ["remember_token=1|abc; HttpOnly"]},
        "body": "<p>Redirecting</p>"}"#,
    );
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.response.status, Some(302));
    assert_eq!(ex.response.reason.as_deref(), Some("FOUND"));
    assert_eq!(ex.method(), Some("POST"));
    assert_eq!(ex.url_scheme(), Some(Scheme::Http));
    assert_eq!(
        ex.response.body.as_deref(),
        Some(&b"<p>Redirecting</p>"[..])
    );
    assert_eq!(
        pairs(&parsed, 0),
        [
            p("Location", "/me"),
            p("Set-Cookie", "remember_token=1|abc; HttpOnly")
        ]
    );
}

#[test]
fn wrapper_headers_as_pairs_or_name_value_objects() {
    let parsed = ok(
        r#"{"headers": [["content-type", "text/html"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]], "status": "200"}"#,
    );
    assert_eq!(pairs(&parsed, 0).len(), 3);
    assert_eq!(parsed.exchanges[0].response.status, Some(200));
    let parsed = ok(
        r#"{"headers": [{"name": "Server", "value": "gunicorn"}, {"name": "Vary", "value": "Cookie", "comment": ""}]}"#,
    );
    assert_eq!(
        pairs(&parsed, 0),
        [p("Server", "gunicorn"), p("Vary", "Cookie")]
    );
}

#[test]
fn array_of_wrappers_is_several_exchanges() {
    let parsed = ok(
        r#"[{"url": "https://a.example/", "status": 301, "headers": {"Location": "https://a.example/home"}},
                        {"url": "https://a.example/home", "status": 200, "headers": {"Content-Type": "text/html"}}]"#,
    );
    assert_eq!(parsed.exchanges.len(), 2);
    assert_eq!(parsed.exchanges[1].url(), Some("https://a.example/home"));
}

#[test]
fn array_of_pairs_is_one_exchange() {
    // `JSON.stringify([...response.headers])` in a browser.
    let parsed = ok(r#"[["content-type", "text/html"], ["x-content-type-options", "nosniff"]]"#);
    assert_eq!(parsed.exchanges.len(), 1);
    assert_eq!(pairs(&parsed, 0).len(), 2);
}

#[test]
fn null_values_are_left_out_with_a_note_and_unknown_wrapper_keys_noted() {
    let parsed = ok(r#"{"Server": null, "Vary": "Cookie"}"#);
    assert_eq!(pairs(&parsed, 0), [p("Vary", "Cookie")]);
    assert_eq!(parsed.notes.len(), 1);
    let parsed = ok(r#"{"headers": {"Vary": "Cookie"}, "timing": 3}"#);
    assert!(parsed.notes[0].contains("timing"), "{:?}", parsed.notes);
}

#[test]
fn errors_give_line_and_column() {
    let err = parse(b"{\n  \"Server\": \"x\",\n  \"Vary\": \n}").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Json {
                line: 4,
                column: 1,
                ..
            }
        ),
        "{err:?}"
    );
    let err = parse(b"{\"Server\": {\"nested\": \"object\"}}").unwrap_err();
    assert!(matches!(err, InputError::Json { line: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("`Server`"), "{err}");
    let err = parse(b"{\"Server\": [\"a\", [\"b\"]]}").unwrap_err();
    assert!(matches!(err, InputError::Json { .. }), "{err:?}");
    let err = parse(b"{\"headers\": {}, \"status\": \"two hundred\"}").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::WrongFormat {
                format: InputFormat::Json,
                ..
            }
        ),
        "{err:?}"
    );
    let err = parse(b"{}").unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = parse(b"[]").unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = parse(b"[[\"a\", \"b\"], {\"c\": \"d\"}]").unwrap_err();
    assert!(err.to_string().contains("mixes"), "{err}");
    let err = parse_as(b"\"just a string\"", Some(InputFormat::Json)).unwrap_err();
    assert!(matches!(err, InputError::Json { .. }), "{err:?}");
}

#[test]
fn har_pasted_with_log_not_first_points_to_har() {
    let err = parse(b"{\"$schema\": \"x\", \"log\": {\"entries\": []}}").unwrap_err();
    assert!(err.to_string().contains("HAR"), "{err}");
}

#[test]
fn limits_name_the_path() {
    let many: Vec<String> = (0..=limits::MAX_HEADERS)
        .map(|i| format!("\"x-{i}\": \"v\""))
        .collect();
    let err = parse(format!("{{{}}}", many.join(",")).as_bytes()).unwrap_err();
    assert_eq!(
        err,
        InputError::TooManyHeaders {
            at: Location::Path("the JSON object".into()),
            limit: limits::MAX_HEADERS
        }
    );
    let long = "v".repeat(limits::MAX_HEADER_LINE_BYTES);
    let err =
        parse(format!("[{{\"headers\": {{\"X-Long\": \"{long}\"}}}}]").as_bytes()).unwrap_err();
    assert!(
        matches!(&err, InputError::LineTooLong { at: Location::Path(p), .. } if p == "[0].headers[\"X-Long\"]"),
        "{err:?}"
    );
    let deep = format!("{{\"a\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(matches!(
        parse(deep.as_bytes()),
        Err(InputError::TooDeep { .. })
    ));
}
