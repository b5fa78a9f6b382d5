//! Headers copied from browser DevTools, in the layouts Chrome and Firefox produce.

use headwarden_core::{parse, parse_as, InputError, InputFormat, Parsed, Scheme};

fn ok(input: &str) -> Parsed {
    let parsed = parse(input.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{input}"));
    assert_eq!(parsed.format, InputFormat::Devtools, "{input}");
    parsed
}

/// Chrome, whole Headers pane selected and copied (name and value on separate lines),
/// HTTP/2 site: General, Response Headers, Request Headers with pseudo headers.
const CHROME_PANE: &str = "\
General
Request URL:
https://shop.example/account
Request Method:
GET
Status Code:
200 OK
Remote Address:
203.0.113.10:443
Referrer Policy:
strict-origin-when-cross-origin
Response Headers
Raw
cache-control:
private
content-encoding:
br
content-security-policy:
default-src 'self'; frame-ancestors 'none'
content-type:
text/html; charset=utf-8
date:
Mon, 23 Nov 2026 13:14:07 GMT
server:
nginx
set-cookie:
session=abc; Secure; HttpOnly; Path=/; SameSite=Lax
set-cookie:
theme=dark; Path=/
strict-transport-security:
max-age=63072000; includeSubDomains; preload
vary:
Cookie
x-frame-options:
SAMEORIGIN
Request Headers
Raw
:authority:
shop.example
:method:
GET
:path:
/account
:scheme:
https
accept:
text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8
accept-encoding:
gzip, deflate, br, zstd
cookie:
session=abc; theme=dark
user-agent:
Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36
";

#[test]
fn chrome_headers_pane_with_sections() {
    let parsed = ok(CHROME_PANE);
    assert_eq!(parsed.exchanges.len(), 1);
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.url(), Some("https://shop.example/account"));
    assert_eq!(ex.url_scheme(), Some(Scheme::Https));
    assert_eq!(ex.method(), Some("GET"));
    assert_eq!(ex.response.status, Some(200));
    assert_eq!(ex.response.reason.as_deref(), Some("OK"));
    let headers = &ex.response.headers;
    assert_eq!(headers.len(), 11);
    assert_eq!(headers.get("date"), Some("Mon, 23 Nov 2026 13:14:07 GMT"));
    assert_eq!(headers.get("x-frame-options"), Some("SAMEORIGIN"));
    assert_eq!(headers.get_all("set-cookie").count(), 2);
    assert!(
        !headers.contains("referrer policy"),
        "a General label is not a header"
    );
    let request = ex.request.as_ref().unwrap();
    assert_eq!(request.headers.len(), 4, "pseudo headers are not headers");
    assert_eq!(
        request.headers.get("cookie"),
        Some("session=abc; theme=dark")
    );
}

#[test]
fn chrome_copy_response_headers_http2_without_status() {
    // Right click → Copy → Copy response headers on an HTTP/2 request.
    let parsed = ok(":status: 200\ncontent-type: text/html; charset=utf-8\ndate: Mon, 23 Nov 2026 13:14:07 GMT\nserver: gunicorn\nx-content-type-options: nosniff\n");
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.response.status, Some(200));
    assert_eq!(ex.response.headers.len(), 4);
    assert!(ex.request.is_none());
}

#[test]
fn chrome_pairs_without_colons() {
    // Selecting the Response Headers rows (name and value cells) and copying.
    let parsed = ok("content-length\n1256\ncontent-type\ntext/html\naccept-ranges\nbytes\nx-frame-options\nDENY\n");
    let headers = &parsed.exchanges[0].response.headers;
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("content-length", "1256"),
            ("content-type", "text/html"),
            ("accept-ranges", "bytes"),
            ("x-frame-options", "DENY")
        ]
    );
    assert_eq!(headers.get_header("content-type").unwrap().line, Some(3));
}

#[test]
fn firefox_raw_response_headers_with_status_line() {
    // Firefox: Response Headers, "Raw" toggle on, copied. No DevTools-only sign: read as raw.
    let input = "HTTP/2 200 OK\r\ncontent-type: text/html; charset=utf-8\r\nstrict-transport-security: max-age=31536000\r\nx-content-type-options: nosniff\r\ndate: Mon, 23 Nov 2026 13:14:07 GMT\r\n";
    let parsed = parse(input.as_bytes()).unwrap();
    assert_eq!(parsed.format, InputFormat::Raw);
    assert_eq!(parsed.exchanges[0].response.status, Some(200));
    let forced = parse_as(input.as_bytes(), Some(InputFormat::Devtools)).unwrap();
    assert_eq!(forced.exchanges[0].response, parsed.exchanges[0].response);
}

#[test]
fn firefox_section_title_with_size_and_status_line() {
    let parsed = ok("Response Headers (412 B)\nHTTP/1.1 404 Not Found\nServer: nginx\nContent-Type: text/html\n\nRequest Headers (380 B)\nGET /nope HTTP/1.1\nHost: a.example\n");
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.response.status, Some(404));
    assert_eq!(ex.response.headers.len(), 2);
    // The raw request line in the request section is not a header.
    assert!(ex.request.is_some());
}

#[test]
fn empty_value_in_one_line_layout() {
    let parsed = ok(":status: 204\nx-empty:\nserver: a\n");
    let headers = &parsed.exchanges[0].response.headers;
    assert_eq!(headers.get("x-empty"), Some(""));
    assert_eq!(headers.get("server"), Some("a"));
}

#[test]
fn status_code_from_cache() {
    let parsed = ok("Request URL: https://a.example/app.js\nRequest Method: GET\nStatus Code: 200 OK (from disk cache)\ncontent-type: text/javascript\n");
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.response.status, Some(200));
    assert_eq!(ex.url(), Some("https://a.example/app.js"));
}

#[test]
fn only_request_headers_is_an_error() {
    let err =
        parse(b"Request Headers\n:authority: a.example\n:method: GET\naccept: */*\n").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::WrongFormat {
                format: InputFormat::Devtools,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("only request headers"), "{err}");
}

#[test]
fn junk_line_is_named() {
    let err = parse(b"content-type\ntext/html\nthis is, sadly, prose\n").unwrap_err();
    assert!(err.to_string().starts_with("line 3:"), "{err}");
}

#[test]
fn name_without_value_at_the_end_is_an_error() {
    let err = parse(b"content-type\ntext/html\nserver\n").unwrap_err();
    assert!(err.to_string().starts_with("line 3:"), "{err}");
}
