//! `curl -v` output, written as curl 7.x and 8.x print it (`> `/`< ` lines end in CRLF,
//! `* ` lines in LF; stdout and stderr captured together with `2>&1`).

use headwarden_core::{parse, parse_as, InputError, InputFormat, Parsed, Scheme};

fn crlf_prefixed(text: &str) -> String {
    // `> ` and `< ` lines carry the CR of the header line; `* ` lines and body do not.
    text.lines()
        .map(|l| {
            if l.starts_with("> ") || l.starts_with("< ") || l == ">" || l == "<" {
                format!("{l}\r\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

fn ok(text: &str) -> Parsed {
    let input = crlf_prefixed(text);
    let parsed = parse(input.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{input}"));
    assert_eq!(parsed.format, InputFormat::CurlVerbose);
    parsed
}

/// curl 8.5.0 (Ubuntu 24.04), `curl -v http://127.0.0.1:5000/` against `flask run`.
const FLASK_DEV_HTTP: &str = "\
*   Trying 127.0.0.1:5000...
* Connected to 127.0.0.1 (127.0.0.1) port 5000
> GET / HTTP/1.1
> Host: 127.0.0.1:5000
> User-Agent: curl/8.5.0
> Accept: */*
> 
< HTTP/1.1 200 OK
< Server: Werkzeug/3.1.3 Python/3.12.3
< Date: Mon, 23 Nov 2026 13:14:07 GMT
< Content-Type: text/html; charset=utf-8
< Content-Length: 18
< Vary: Cookie
< Set-Cookie: session=eyJ1c2VyIjoiYWxpY2UifQ.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE; HttpOnly; Path=/
< Connection: close
< 
<h1>Tea shop</h1>
* Closing connection
";

/// curl 8.5.0, `curl -vL https://shop.example/account`: HTTP/2 over TLS, a redirect, the
/// body of the last response without a final newline.
const HTTPS_H2_REDIRECT: &str = "\
* Host shop.example:443 was resolved.
* IPv6: (none)
* IPv4: 203.0.113.10
*   Trying 203.0.113.10:443...
* Connected to shop.example (203.0.113.10) port 443
* ALPN: curl offers h2,http/1.1
* TLSv1.3 (OUT), TLS handshake, Client hello (1):
*  CAfile: /etc/ssl/certs/ca-certificates.crt
*  CApath: /etc/ssl/certs
* TLSv1.3 (IN), TLS handshake, Server hello (2):
* TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):
* TLSv1.3 (IN), TLS handshake, Certificate (11):
* TLSv1.3 (IN), TLS handshake, CERT verify (15):
* TLSv1.3 (IN), TLS handshake, Finished (20):
* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):
* TLSv1.3 (OUT), TLS handshake, Finished (20):
* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519 / RSASSA-PSS
* ALPN: server accepted h2
* Server certificate:
*  subject: CN=shop.example
*  start date: Oct  1 00:00:00 2026 GMT
*  expire date: Dec 30 23:59:59 2026 GMT
*  subjectAltName: host \"shop.example\" matched cert's \"shop.example\"
*  issuer: C=US; O=Let's Encrypt; CN=R11
*  SSL certificate verify ok.
*   Certificate level 0: Public key type RSA (2048/112 Bits/secBits), signed using sha256WithRSAEncryption
* using HTTP/2
* [HTTP/2] [1] OPENED stream for https://shop.example/account
* [HTTP/2] [1] [:method: GET]
* [HTTP/2] [1] [:scheme: https]
* [HTTP/2] [1] [:authority: shop.example]
* [HTTP/2] [1] [:path: /account]
* [HTTP/2] [1] [user-agent: curl/8.5.0]
* [HTTP/2] [1] [accept: */*]
> GET /account HTTP/2
> Host: shop.example
> User-Agent: curl/8.5.0
> Accept: */*
> 
* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):
< HTTP/2 302 
< server: nginx
< date: Mon, 23 Nov 2026 13:14:07 GMT
< content-type: text/html; charset=utf-8
< content-length: 229
< location: /login?next=%2Faccount
< vary: Cookie
< set-cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly; Path=/
< strict-transport-security: max-age=31536000; includeSubDomains
< 
* Ignoring the response-body
* Connection #0 to host shop.example left intact
* Issue another request to this URL: 'https://shop.example/login?next=%2Faccount'
* Found bundle for host: 0x5581e0f4a6b0 [can multiplex]
* Re-using existing connection with host shop.example
* [HTTP/2] [3] OPENED stream for https://shop.example/login?next=%2Faccount
* [HTTP/2] [3] [:method: GET]
* [HTTP/2] [3] [:scheme: https]
* [HTTP/2] [3] [:authority: shop.example]
* [HTTP/2] [3] [:path: /login?next=%2Faccount]
* [HTTP/2] [3] [user-agent: curl/8.5.0]
* [HTTP/2] [3] [accept: */*]
> GET /login?next=%2Faccount HTTP/2
> Host: shop.example
> User-Agent: curl/8.5.0
> Accept: */*
> 
< HTTP/2 200 
< server: nginx
< date: Mon, 23 Nov 2026 13:14:07 GMT
< content-type: text/html; charset=utf-8
< content-length: 49
< content-security-policy: default-src 'self'; frame-ancestors 'none'
< content-security-policy: script-src 'nonce-r4nd0m' 'strict-dynamic'
< x-content-type-options: nosniff
< 
<!doctype html><title>Log in</title><form></form>* Connection #0 to host shop.example left intact
";

/// curl 7.68.0 (Ubuntu 20.04), `curl -v -X POST --data-binary @big http://localhost:8000/upload`
/// against gunicorn: a `Note:`, `(#0)` suffixes, `Mark bundle` lines inside the response
/// head, and a `100 Continue` interim response.
const OLD_CURL_POST_100_CONTINUE: &str = "\
Note: Unnecessary use of -X or --request, POST is already inferred.
*   Trying 127.0.0.1:8000...
* TCP_NODELAY set
* Connected to localhost (127.0.0.1) port 8000 (#0)
> POST /upload HTTP/1.1
> Host: localhost:8000
> User-Agent: curl/7.68.0
> Accept: */*
> Content-Length: 2000000
> Content-Type: application/x-www-form-urlencoded
> Expect: 100-continue
> 
* Mark bundle as not supporting multiuse
< HTTP/1.1 100 Continue
< 
* We are completely uploaded and fine
* Mark bundle as not supporting multiuse
< HTTP/1.1 201 CREATED
< Server: gunicorn
< Date: Mon, 23 Nov 2026 13:14:07 GMT
< Connection: close
< Content-Type: application/json
< Content-Length: 16
< 
{\"stored\": true}
* Closing connection 0
";

/// curl 7.81.0 through an HTTP proxy to an HTTPS site (`https_proxy=…`).
const THROUGH_PROXY: &str = "\
*   Trying 10.0.0.1:3128...
* Connected to proxy.internal (10.0.0.1) port 3128 (#0)
* allocate connect buffer!
* Establish HTTP proxy tunnel to shop.example:443
> CONNECT shop.example:443 HTTP/1.1
> Host: shop.example:443
> User-Agent: curl/7.81.0
> Proxy-Connection: Keep-Alive
> 
< HTTP/1.1 200 Connection established
< 
* Proxy replied 200 to CONNECT request
* CONNECT phase completed!
* ALPN, offering h2
* ALPN, offering http/1.1
*  CAfile: /etc/ssl/certs/ca-certificates.crt
*  CApath: /etc/ssl/certs
* TLSv1.3 (OUT), TLS handshake, Client hello (1):
* TLSv1.3 (IN), TLS handshake, Server hello (2):
* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384
* ALPN, server accepted to use http/1.1
> GET / HTTP/1.1
> Host: shop.example
> User-Agent: curl/7.81.0
> Accept: */*
> 
< HTTP/1.1 200 OK
< Server: nginx
< Content-Type: text/html
< Content-Length: 3
< 
ok
* Connection #0 to host proxy.internal left intact
";

#[test]
fn plain_http_flask_dev_server() {
    let parsed = ok(FLASK_DEV_HTTP);
    assert_eq!(parsed.exchanges.len(), 1);
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.method(), Some("GET"));
    assert_eq!(ex.url(), Some("http://127.0.0.1:5000/"));
    assert_eq!(ex.url_scheme(), Some(Scheme::Http));
    let request = ex.request.as_ref().unwrap();
    assert_eq!(request.headers.get("user-agent"), Some("curl/8.5.0"));
    assert_eq!(ex.response.status, Some(200));
    assert_eq!(ex.response.headers.len(), 7);
    assert_eq!(
        ex.response.headers.get("server"),
        Some("Werkzeug/3.1.3 Python/3.12.3")
    );
    assert!(ex.response.headers.iter().all(|h| !h.value.ends_with('\r')));
    assert_eq!(ex.response.body.as_deref(), Some(&b"<h1>Tea shop</h1>"[..]));
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
}

#[test]
fn https_http2_redirect_chain() {
    let parsed = ok(HTTPS_H2_REDIRECT);
    assert_eq!(parsed.exchanges.len(), 2);
    let (first, second) = (&parsed.exchanges[0], &parsed.exchanges[1]);
    assert_eq!(first.url(), Some("https://shop.example/account"));
    assert_eq!(first.url_scheme(), Some(Scheme::Https));
    assert_eq!(first.response.version.as_deref(), Some("HTTP/2"));
    assert_eq!(first.response.status, Some(302));
    assert_eq!(
        first.response.headers.get("location"),
        Some("/login?next=%2Faccount")
    );
    assert_eq!(first.response.body, None);
    assert_eq!(
        second.url(),
        Some("https://shop.example/login?next=%2Faccount")
    );
    assert_eq!(second.response.status, Some(200));
    let csp: Vec<&str> = second
        .response
        .headers
        .get_all("content-security-policy")
        .map(|h| h.value.as_str())
        .collect();
    assert_eq!(csp.len(), 2);
    assert_eq!(
        second.response.body.as_deref(),
        Some(&b"<!doctype html><title>Log in</title><form></form>"[..])
    );
}

#[test]
fn old_curl_with_100_continue() {
    let parsed = ok(OLD_CURL_POST_100_CONTINUE);
    assert_eq!(parsed.exchanges.len(), 1);
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.method(), Some("POST"));
    assert_eq!(ex.url(), Some("http://localhost:8000/upload"));
    assert_eq!(ex.response.status, Some(201));
    assert_eq!(ex.response.headers.get("server"), Some("gunicorn"));
    assert_eq!(
        ex.response.body.as_deref(),
        Some(&br#"{"stored": true}"#[..])
    );
}

#[test]
fn proxy_connect_is_skipped_and_tls_gives_https() {
    let parsed = ok(THROUGH_PROXY);
    assert_eq!(parsed.exchanges.len(), 1);
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.url(), Some("https://shop.example/"));
    assert_eq!(ex.response.body.as_deref(), Some(&b"ok"[..]));
    assert!(
        parsed.notes.iter().any(|n| n.contains("CONNECT")),
        "{:?}",
        parsed.notes
    );
}

#[test]
fn only_response_lines() {
    let parsed = ok("< HTTP/1.1 200 OK\n< Content-Type: text/html\n< X-Frame-Options: DENY\n<\n");
    assert_eq!(parsed.exchanges.len(), 1);
    assert!(parsed.exchanges[0].request.is_none());
    assert_eq!(parsed.exchanges[0].response.headers.len(), 2);
}

#[test]
fn request_lines_without_connection_info_keep_the_target() {
    let parsed = ok("> GET /a HTTP/1.1\n> Host: x.example\n>\n< HTTP/1.1 204 No Content\n<\n");
    let ex = &parsed.exchanges[0];
    assert_eq!(ex.url(), Some("/a"));
    assert_eq!(ex.url_scheme(), None);
}

#[test]
fn verbose_with_include_skips_the_copied_head() {
    let text = "\
* Connected to localhost (127.0.0.1) port 5000 (#0)
> GET / HTTP/1.1
> Host: localhost:5000
> 
< HTTP/1.1 200 OK
< Content-Type: text/plain
< Content-Length: 2
< 
HTTP/1.1 200 OK
Content-Type: text/plain
Content-Length: 2

hi
* Closing connection 0
";
    let parsed = ok(text);
    assert_eq!(
        parsed.exchanges[0].response.body.as_deref(),
        Some(&b"hi"[..])
    );
}

#[test]
fn header_line_before_status_is_an_error_naming_the_line() {
    let err = parse(b"* Connected to a (1.2.3.4) port 80\n< Server: x\n").unwrap_err();
    assert!(matches!(err, InputError::Malformed { .. }));
    assert!(err.to_string().starts_with("line 2:"), "{err}");
}

#[test]
fn no_response_is_an_error() {
    let err = parse(b"*   Trying 127.0.0.1:5000...\n* connect to 127.0.0.1 port 5000 failed: Connection refused\n").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::WrongFormat {
                format: InputFormat::CurlVerbose,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn forced_curl_verbose() {
    let input = crlf_prefixed(FLASK_DEV_HTTP);
    let parsed = parse_as(input.as_bytes(), Some(InputFormat::CurlVerbose)).unwrap();
    assert_eq!(parsed.exchanges.len(), 1);
    // A raw head forced as curl -v has no `< ` lines.
    assert!(parse_as(b"HTTP/1.1 200 OK\r\n\r\n", Some(InputFormat::CurlVerbose)).is_err());
}
