//! Raw response heads and `curl -i` / `curl -I` / `curl -iL` output.

use headwarden_core::input::{parse_with, ParseOptions};
use headwarden_core::{parse, parse_as, Exchange, InputError, InputFormat, Parsed, Scheme};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ok(input: &str) -> Parsed {
    parse(input.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{input}"))
}

fn values<'a>(ex: &'a Exchange, name: &'a str) -> Vec<&'a str> {
    ex.response
        .headers
        .get_all(name)
        .map(|h| h.value.as_str())
        .collect()
}

#[test]
fn every_http_fixture_parses_with_its_body() {
    let dir = format!("{}/../../tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("http") {
            continue;
        }
        seen += 1;
        let bytes = std::fs::read(&path).unwrap();
        let parsed = parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(parsed.format, InputFormat::Raw, "{}", path.display());
        assert_eq!(parsed.exchanges.len(), 1, "{}", path.display());
        let response = &parsed.exchanges[0].response;
        assert!(response.status.is_some());
        if let Some(length) = response.headers.get("content-length") {
            let length: usize = length.parse().unwrap();
            assert_eq!(
                response.body.as_ref().map_or(0, Vec::len),
                length,
                "{}",
                path.display()
            );
        }
    }
    assert!(seen >= 10, "fixtures missing from {dir}");
}

#[test]
fn flask_dev_server_fixture() {
    let parsed = parse(&fixture("flask-dev-index.http")).unwrap();
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.response.version.as_deref(), Some("HTTP/1.1"));
    assert_eq!(ex.response.status, Some(200));
    assert_eq!(ex.response.reason.as_deref(), Some("OK"));
    assert_eq!(
        ex.response.headers.get("server"),
        Some("Werkzeug/3.1.9 Python/3.11.7")
    );
    let cookie = ex.response.headers.get_header("set-cookie").unwrap();
    assert_eq!(cookie.name, "Set-Cookie");
    assert!(cookie.value.starts_with("session=eyJ"));
    assert_eq!(cookie.line, Some(7));
    assert!(ex
        .response
        .body_text()
        .unwrap()
        .contains("Wonderland tea shop"));
    assert!(ex.request.is_none());
    assert_eq!(ex.url_scheme(), None);
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
}

#[test]
fn curl_il_redirect_chain_is_split_by_content_length() {
    // curl -iL -d … http://…/login: gunicorn 302 to /me, then the page.
    let mut chain = fixture("flask-gunicorn-login-post.http");
    chain.extend(fixture("flask-gunicorn-index.http"));
    let parsed = parse(&chain).unwrap();
    assert_eq!(parsed.exchanges.len(), 2);
    let (first, second) = (&parsed.exchanges[0], &parsed.exchanges[1]);
    assert_eq!(first.response.status, Some(302));
    assert_eq!(first.response.headers.get("location"), Some("/me"));
    assert_eq!(
        values(first, "set-cookie").len(),
        2,
        "both cookies, in order"
    );
    assert!(values(first, "set-cookie")[0].starts_with("remember_token="));
    assert!(values(first, "set-cookie")[1].starts_with("session="));
    assert!(first
        .response
        .body_text()
        .unwrap()
        .ends_with("click the link.\n"));
    assert_eq!(second.response.status, Some(200));
    assert!(second.response.body_text().unwrap().contains("<html"));
    // Without a known first URL, a relative Location tells nothing.
    assert_eq!(second.url(), None);

    let known = parse_with(
        &chain,
        &ParseOptions {
            url: Some("http://127.0.0.1:8000/login".into()),
            ..ParseOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        known.exchanges[0].url(),
        Some("http://127.0.0.1:8000/login")
    );
    assert_eq!(known.exchanges[1].url(), Some("http://127.0.0.1:8000/me"));
    assert_eq!(known.exchanges[1].url_scheme(), Some(Scheme::Http));
}

#[test]
fn http_to_https_chain_with_absolute_location() {
    let input = "HTTP/1.1 301 Moved Permanently\r\n\
                 Server: nginx/1.24.0\r\n\
                 Date: Mon, 23 Nov 2026 13:14:07 GMT\r\n\
                 Content-Type: text/html\r\n\
                 Content-Length: 169\r\n\
                 Connection: keep-alive\r\n\
                 Location: https://shop.example/\r\n\
                 \r\n\
                 <html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n\
                 <center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n\
                 </body>\r\n</html>\r\n\
                 HTTP/2 200 \r\n\
                 server: nginx/1.24.0\r\n\
                 content-type: text/html; charset=utf-8\r\n\
                 strict-transport-security: max-age=63072000\r\n\
                 \r\n\
                 <!doctype html><title>shop</title>\n";
    let parsed = ok(input);
    assert_eq!(parsed.exchanges.len(), 2);
    assert_eq!(
        parsed.exchanges[0].response.body.as_ref().unwrap().len(),
        169
    );
    assert_eq!(parsed.exchanges[0].url(), None);
    let second = &parsed.exchanges[1];
    assert_eq!(second.response.version.as_deref(), Some("HTTP/2"));
    assert_eq!(second.response.reason, None);
    assert_eq!(second.url(), Some("https://shop.example/"));
    assert_eq!(second.url_scheme(), Some(Scheme::Https));
    assert_eq!(
        second.response.headers.get("Strict-Transport-Security"),
        Some("max-age=63072000")
    );
    assert_eq!(
        second
            .response
            .headers
            .get_header("strict-transport-security")
            .unwrap()
            .name,
        "strict-transport-security"
    );
}

#[test]
fn curl_head_chain_has_no_bodies() {
    // curl -IL: Content-Length is announced but no body follows.
    let input = "HTTP/1.1 301 Moved Permanently\r\nContent-Length: 162\r\nLocation: https://a.example/\r\n\r\n\
                 HTTP/2 200\r\ncontent-length: 1256\r\ncontent-type: text/html\r\n\r\n";
    let parsed = ok(input);
    assert_eq!(parsed.exchanges.len(), 2);
    assert!(parsed.exchanges.iter().all(|e| e.response.body.is_none()));
    assert_eq!(
        parsed.exchanges[1].response.headers.get("content-type"),
        Some("text/html")
    );
}

#[test]
fn interim_responses_are_skipped() {
    let input = "HTTP/1.1 100 Continue\r\n\r\n\
                 HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n\
                 HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
    let parsed = ok(input);
    assert_eq!(parsed.exchanges.len(), 1);
    assert_eq!(parsed.exchanges[0].response.status, Some(201));
    assert_eq!(
        parsed.exchanges[0].response.body.as_deref(),
        Some(&b"ok"[..])
    );
    assert_eq!(
        parsed.notes.len(),
        1,
        "103 is noted, 100 is not: {:?}",
        parsed.notes
    );
    assert!(parsed.notes[0].contains("103"));
}

#[test]
fn proxy_connection_established_is_skipped() {
    let parsed = ok("HTTP/1.1 200 Connection established\r\n\r\nHTTP/2 200\r\ncontent-type: text/plain\r\n\r\nhi\n");
    assert_eq!(parsed.exchanges.len(), 1);
    assert_eq!(parsed.exchanges[0].response.headers.len(), 1);
}

#[test]
fn wrong_content_length_falls_back_to_the_next_status_line() {
    // `curl -i --compressed`: Content-Length is the compressed size.
    let input = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello world, decompressed\n\
                 HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    let parsed = ok(input);
    assert_eq!(parsed.exchanges.len(), 2);
    assert_eq!(
        parsed.exchanges[0].response.body.as_deref(),
        Some(&b"hello world, decompressed\n"[..])
    );
    assert_eq!(parsed.exchanges[1].response.status, Some(404));
}

#[test]
fn no_content_length_body_runs_to_the_next_status_line() {
    let input = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\nline one\nline two\nHTTP/1.1 304 Not Modified\nETag: \"x\"\n\n";
    let parsed = ok(input);
    assert_eq!(parsed.exchanges.len(), 2);
    assert_eq!(
        parsed.exchanges[0].response.body.as_deref(),
        Some(&b"line one\nline two\n"[..])
    );
}

#[test]
fn repeated_headers_names_and_whitespace() {
    let input = "HTTP/1.1 200 OK\r\n\
                 content-security-policy: default-src 'self'\r\n\
                 Set-Cookie:  csrftoken=abc; Path=/; SameSite=Lax\r\n\
                 SET-COOKIE:sessionid=xyz; HttpOnly\r\n\
                 X-Spaces :   padded value   \r\n\
                 Content-Security-Policy: frame-ancestors 'none'\r\n\r\n";
    let parsed = ok(input);
    let ex = &parsed.exchanges[0];
    assert_eq!(
        values(ex, "set-cookie"),
        [
            "csrftoken=abc; Path=/; SameSite=Lax",
            "sessionid=xyz; HttpOnly"
        ]
    );
    assert_eq!(
        values(ex, "Content-Security-Policy"),
        ["default-src 'self'", "frame-ancestors 'none'"]
    );
    let names: Vec<&str> = ex
        .response
        .headers
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "content-security-policy",
            "Set-Cookie",
            "SET-COOKIE",
            "X-Spaces",
            "Content-Security-Policy"
        ]
    );
    assert_eq!(ex.response.headers.get("x-spaces"), Some("padded value"));
    let map = ex.response.headers.to_header_map();
    assert_eq!(map.get_all("set-cookie").iter().count(), 2);
}

#[test]
fn obs_fold_continues_the_previous_value() {
    let input = "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self';\r\n  script-src 'self'\r\n\tobject-src 'none'\r\nServer: x\r\n\r\n";
    let parsed = ok(input);
    let ex = &parsed.exchanges[0];
    assert_eq!(
        ex.response.headers.get("content-security-policy"),
        Some("default-src 'self'; script-src 'self' object-src 'none'")
    );
    assert_eq!(ex.response.headers.len(), 2);
}

#[test]
fn lf_and_crlf_give_the_same_headers() {
    let crlf = ok("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n");
    let lf = ok("HTTP/1.1 200 OK\nA: 1\nB: 2\n\n");
    assert_eq!(crlf.exchanges, lf.exchanges);
}

#[test]
fn bare_headers_without_status_line() {
    let parsed = ok("Content-Type: text/html\nX-Frame-Options: DENY\n");
    assert_eq!(parsed.format, InputFormat::Raw);
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.response.status, None);
    assert_eq!(ex.response.headers.len(), 2);
    assert_eq!(
        ex.response
            .headers
            .get_header("x-frame-options")
            .unwrap()
            .line,
        Some(2)
    );
}

#[test]
fn head_without_trailing_blank_line_and_without_headers() {
    let parsed = ok("HTTP/1.1 204 No Content");
    assert_eq!(parsed.exchanges[0].response.status, Some(204));
    assert!(parsed.exchanges[0].response.headers.is_empty());
}

#[test]
fn request_then_response_gives_the_request() {
    let input = "POST /login HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nuser=al\
                 HTTP/1.1 302 Found\r\nLocation: /me\r\nContent-Length: 0\r\n\r\n";
    let parsed = ok(input);
    assert_eq!(parsed.exchanges.len(), 1);
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.method(), Some("POST"));
    assert_eq!(ex.url(), Some("/login"));
    assert_eq!(
        ex.request.as_ref().unwrap().headers.get("host"),
        Some("shop.example")
    );
    assert_eq!(ex.response.status, Some(302));
}

#[test]
fn invalid_utf8_and_nul_are_kept_and_noted() {
    let input = b"HTTP/1.1 200 OK\r\nX-Latin1: caf\xe9\r\nX-Nul: a\x00b\r\nServer: ok\r\n\r\n";
    let parsed = parse(input).unwrap();
    let headers = &parsed.exchanges[0].response.headers;
    let latin = headers.get_header("x-latin1").unwrap();
    assert_eq!(latin.value, "caf\u{FFFD}");
    assert_eq!(latin.raw_value.as_deref(), Some(&b"caf\xe9"[..]));
    let nul = headers.get_header("x-nul").unwrap();
    assert_eq!(nul.value, "a\u{FFFD}b");
    assert_eq!(nul.raw_value.as_deref(), Some(&b"a\x00b"[..]));
    assert_eq!(headers.get_header("server").unwrap().raw_value, None);
    assert_eq!(parsed.notes.len(), 2, "{:?}", parsed.notes);
    assert!(parsed.notes[0].starts_with("line 2:"), "{:?}", parsed.notes);
    assert!(parsed.notes[1].contains("NUL"), "{:?}", parsed.notes);
    // The normalised view leaves out what `http` would reject only when it must.
    assert!(headers.to_header_map().contains_key("server"));
}

#[test]
fn escape_sequences_never_reach_the_value() {
    let parsed = parse(b"HTTP/1.1 200 OK\r\nX-Evil: \x1b[2Jgone\r\n\r\n").unwrap();
    let h = parsed.exchanges[0]
        .response
        .headers
        .get_header("x-evil")
        .unwrap();
    assert!(!h.value.contains('\u{1b}'));
    assert_eq!(h.raw_value.as_deref(), Some(&b"\x1b[2Jgone"[..]));
}

#[test]
fn body_is_cut_at_the_limit_with_a_note() {
    let limit = headwarden_core::limits::MAX_BODY_BYTES;
    let mut input = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".to_vec();
    input.resize(input.len() + limit + 10, b'a');
    let parsed = parse(&input).unwrap();
    assert_eq!(
        parsed.exchanges[0].response.body.as_ref().unwrap().len(),
        limit
    );
    assert_eq!(parsed.notes.len(), 1);
    assert!(
        parsed.notes[0].contains("only the first"),
        "{:?}",
        parsed.notes
    );
}

#[test]
fn malformed_header_line_is_named() {
    let err = parse(b"HTTP/1.1 200 OK\r\nServer: x\r\nthis is not a header\r\n\r\n").unwrap_err();
    assert!(matches!(&err, InputError::Malformed { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("line 3: expected `Name: value`"),
        "{err}"
    );
}

#[test]
fn lone_status_line_without_code_is_an_error() {
    let err = parse(b"HTTP/1.1").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1: status line `HTTP/1.1` has no status code"
    );
    let err = parse(b"\n\nHTTP/1.1 2x0 OK\n").unwrap_err();
    assert!(err.to_string().starts_with("line 3:"), "{err}");
}

#[test]
fn forced_raw_on_other_formats_fails_clearly() {
    let err = parse_as(b"{\"Server\": \"x\"}", Some(InputFormat::Raw)).unwrap_err();
    assert!(err.to_string().starts_with("line 1:"), "{err}");
    let ok = parse_as(
        b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n",
        Some(InputFormat::Raw),
    )
    .unwrap();
    assert_eq!(ok.format, InputFormat::Raw);
}

#[test]
fn utf8_bom_and_utf16_are_read() {
    let parsed = parse(b"\xEF\xBB\xBFHTTP/1.1 200 OK\r\nServer: x\r\n\r\n").unwrap();
    assert_eq!(
        parsed.exchanges[0].response.headers.get("server"),
        Some("x")
    );
    let utf16: Vec<u8> = "\u{feff}HTTP/1.1 200 OK\r\nServer: y\r\n\r\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let parsed = parse(&utf16).unwrap();
    assert_eq!(
        parsed.exchanges[0].response.headers.get("server"),
        Some("y")
    );
    assert_eq!(parsed.notes.len(), 1);
}

#[test]
fn pasted_command_line_gives_the_first_url() {
    let mut input = b"me@laptop:~$ curl -iL -d 'user=al' http://127.0.0.1:8000/login\n".to_vec();
    input.extend(fixture("flask-gunicorn-login-post.http"));
    input.extend(fixture("flask-gunicorn-index.http"));
    let parsed = parse(&input).unwrap();
    assert_eq!(parsed.format, InputFormat::Raw);
    assert_eq!(
        parsed.exchanges[0].url(),
        Some("http://127.0.0.1:8000/login")
    );
    assert_eq!(parsed.exchanges[1].url(), Some("http://127.0.0.1:8000/me"));
    assert!(
        parsed.notes[0].starts_with("line 1: skipped the command line"),
        "{:?}",
        parsed.notes
    );
    // Line numbers still count the command line.
    assert_eq!(
        parsed.exchanges[0]
            .response
            .headers
            .get_header("server")
            .unwrap()
            .line,
        Some(3)
    );
    // Only a command line: nothing to read.
    assert_eq!(
        parse(b"$ curl -i https://a.example/\n"),
        Err(InputError::Empty)
    );
    // PowerShell prompt, HTTPie.
    let parsed =
        parse(b"PS C:\\Users\\me> curl.exe -I https://a.example/\r\nHTTP/1.1 200 OK\r\n\r\n")
            .unwrap();
    assert_eq!(parsed.exchanges[0].url_scheme(), Some(Scheme::Https));
    let parsed =
        parse(b"$ http --headers https://a.example/\nHTTP/1.1 200 OK\nServer: x\n").unwrap();
    assert_eq!(parsed.exchanges[0].url(), Some("https://a.example/"));
}

#[test]
fn colourised_output_is_read() {
    // `http --pretty=all -h https://a.example/ > out.txt` (HTTPie colours).
    let input = b"\x1b[34mHTTP\x1b[39m\x1b[35m/\x1b[39m\x1b[34m1.1\x1b[39m \x1b[34m200\x1b[39m \x1b[36mOK\x1b[39m\r\n\x1b[36mContent-Type\x1b[39m:\x1b[33m text/html\x1b[39m\r\n\r\n";
    let parsed = parse(input).unwrap();
    assert_eq!(parsed.exchanges[0].response.status, Some(200));
    assert_eq!(
        parsed.exchanges[0].response.headers.get("content-type"),
        Some("text/html")
    );
    assert_eq!(parsed.notes.len(), 1);
}
