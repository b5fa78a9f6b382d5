//! `enforce` on real captures and on the cases the property test cannot aim at.

use std::path::PathBuf;

use headwarden_core::html::Document;
use headwarden_core::policy::{
    enforce, enforce_with, replace_debugger_page, rewrite_html, Action, Mode, NonceOptions,
    NonceRewriter, NonceScripts, Policy,
};
use headwarden_core::{
    check_exchanges, parse, CheckOptions, Exchange, InputFormat, Request, Response, Scheme,
};

fn fixture(name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    std::fs::read(path).ok()
}

fn response(text: &str) -> Response {
    parse(text.as_bytes()).unwrap().exchanges.remove(0).response
}

fn fixed(n: &'static str) -> impl FnMut() -> String {
    move || n.to_string()
}

/// Rule ids among `policy.covers()` that `check` still reports on `exchange`.
fn uncovered(exchange: &Exchange, policy: &Policy) -> Vec<String> {
    let options = CheckOptions {
        skip_secret_audit: true,
        ..Default::default()
    };
    let report = check_exchanges(
        std::slice::from_ref(exchange),
        InputFormat::Raw,
        &[],
        policy,
        &options,
    );
    let scheme = report.exchanges[0].scheme;
    let covers = policy.covers_for(scheme);
    report.exchanges[0]
        .findings
        .iter()
        .filter(|f| covers.contains(&f.rule))
        .map(|f| format!("{}: {}", f.rule, f.detail))
        .collect()
}

#[test]
fn balanced_hardens_the_flask_dev_server_page() {
    let Some(bytes) = fixture("flask-dev-index.http") else {
        return;
    };
    let mut ex = parse(&bytes).unwrap().exchanges.remove(0);
    let policy = Policy::load("balanced").unwrap();
    let changes = enforce(&mut ex.response, None, &policy, &mut fixed("TESTNONCE"));
    let h = &ex.response.headers;
    assert!(h.get("server").is_none(), "Werkzeug banner removed");
    assert_eq!(
        h.get("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
    let csp = h.get("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'nonce-TESTNONCE' 'strict-dynamic'"),
        "{csp}"
    );
    let cookie = h.get("set-cookie").unwrap();
    assert!(
        cookie.ends_with("; HttpOnly; Path=/; Secure; SameSite=Lax"),
        "{cookie}"
    );
    let body = String::from_utf8(ex.response.body.clone().unwrap()).unwrap();
    assert!(body.contains("<script nonce=\"TESTNONCE\">"), "{body}");
    assert_eq!(
        h.get("content-length"),
        Some(
            ex.response
                .body
                .as_ref()
                .unwrap()
                .len()
                .to_string()
                .as_str()
        )
    );
    assert!(changes.iter().any(|c| c.action == Action::RewriteBody));
    assert!(changes.iter().all(|c| c.applied && !c.reason.is_empty()));
    assert!(
        uncovered(&ex, &policy).is_empty(),
        "{:#?}",
        uncovered(&ex, &policy)
    );
}

#[test]
fn every_fixture_is_clean_after_enforcing_every_preset() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "http") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let Ok(parsed) = parse(&bytes) else { continue };
        for name in ["strict", "balanced", "flask-talisman"] {
            let policy = Policy::load(name).unwrap();
            for ex in &parsed.exchanges {
                let mut ex = ex.clone();
                enforce(
                    &mut ex.response,
                    ex.request.as_ref(),
                    &policy,
                    &mut fixed("Zm9vYmFyYmF6cXV4cXV1eA=="),
                );
                let left = uncovered(&ex, &policy);
                assert!(left.is_empty(), "{} with {name}: {left:#?}", path.display());
            }
        }
    }
}

#[test]
fn debugger_pages_become_a_generic_500() {
    let Some(bytes) = fixture("flask-dev-boom.http") else {
        return;
    };
    let mut ex = parse(&bytes).unwrap().exchanges.remove(0);
    let changes = enforce(&mut ex.response, None, &Policy::default(), &mut fixed("N"));
    assert_eq!(ex.response.status, Some(500));
    let body = String::from_utf8(ex.response.body.clone().unwrap()).unwrap();
    assert!(
        !body.contains("__debugger__") && !body.contains("SECRET"),
        "{body}"
    );
    assert!(changes.iter().any(|c| c.action == Action::ReplaceBody));

    // Streaming callers buffer 5xx HTML and ask again.
    let mut head = parse(&bytes).unwrap().exchanges.remove(0).response;
    let body = head.body.take();
    let e = enforce_with(
        &mut head,
        None,
        &Policy::default(),
        Mode::Enforce,
        &mut fixed("N"),
    );
    assert!(e.inspect_body);
    head.body = body;
    assert_eq!(replace_debugger_page(&mut head).len(), 1);
    assert_eq!(head.status, Some(500));
}

#[test]
fn header_injection_never_passes() {
    let mut r = response("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
    r.headers.append("X-Note", "a\r\nSet-Cookie: evil=1");
    r.headers.append("Set-Cookie", "a=1\nb=2");
    r.headers.append("X-Nul", "x\0y");
    r.headers.append("Bad Name", "v");
    let changes = enforce(&mut r, None, &Policy::default(), &mut fixed("N"));
    for h in &r.headers {
        assert!(!h.value.contains(['\r', '\n', '\0']), "{h:?}");
        assert!(!h.name.contains(' '));
    }
    // The injected line stays a value of X-Note; the joined cookies become two lines.
    let notes: Vec<&str> = r
        .headers
        .get_all("x-note")
        .map(|h| h.value.as_str())
        .collect();
    assert_eq!(notes, ["a", "Set-Cookie: evil=1"]);
    let cookies: Vec<&str> = r
        .headers
        .get_all("set-cookie")
        .map(|h| h.value.as_str())
        .collect();
    assert_eq!(cookies.len(), 2);
    assert!(cookies.iter().all(|c| !c.starts_with("evil")));
    assert_eq!(r.headers.get("x-nul"), Some("xy"));
    assert!(changes.iter().any(|c| c.action == Action::DropHeader));
    let wire = r.to_curl_string();
    assert_eq!(wire.matches("\r\n").count(), r.headers.len() + 2);
}

#[test]
fn report_only_mode_adds_only_the_report_only_csp() {
    let text = "HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1\r\nContent-Type: text/html\r\nSet-Cookie: session=1\r\n\r\n<script nonce=site>a()</script><script>b()</script>";
    let mut r = response(text);
    let before = r.clone();
    let e = enforce_with(
        &mut r,
        None,
        &Policy::default(),
        Mode::ReportOnly,
        &mut fixed("RO"),
    );
    assert_eq!(e.mode, Mode::ReportOnly);
    let applied: Vec<_> = e.changes.iter().filter(|c| c.applied).collect();
    assert!(applied
        .iter()
        .any(|c| c.header.as_deref() == Some("Content-Security-Policy-Report-Only")));
    assert!(e
        .changes
        .iter()
        .any(|c| !c.applied && c.header.as_deref() == Some("Server")));
    assert_eq!(r.headers.get("server"), before.headers.get("server"));
    assert_eq!(r.headers.get("set-cookie"), Some("session=1"));
    assert!(r.headers.get("content-security-policy").is_none());
    let ro = r
        .headers
        .get("content-security-policy-report-only")
        .unwrap();
    assert!(
        ro.contains("'nonce-RO'") && ro.contains("report-uri /__headwarden/csp-report"),
        "{ro}"
    );
    // The site's own nonce stays (its enforced CSP may expect it); others get ours.
    let body = String::from_utf8(r.body.unwrap()).unwrap();
    assert_eq!(
        body,
        "<script nonce=site>a()</script><script nonce=\"RO\">b()</script>"
    );
}

#[test]
fn a_second_pass_only_renews_the_nonce() {
    let text = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 40\r\nSet-Cookie: sid=1; SameSite=None\r\nX-Frame-Options: DENY\r\nX-Frame-Options: DENY\r\n\r\n<script>x()</script><SCRIPT src=a></SCRIPT>";
    let policy = Policy::default();
    let mut r = response(text);
    enforce(&mut r, None, &policy, &mut fixed("AAAA"));
    let once = r.clone();
    let changes = enforce(&mut r, None, &policy, &mut fixed("BBBB"));
    assert!(
        changes
            .iter()
            .all(|c| matches!(c.action, Action::ReplaceHeader | Action::RewriteBody)),
        "{changes:#?}"
    );
    let swap = |s: &str| s.replace("BBBB", "AAAA");
    let again: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|h| (h.name.clone(), swap(&h.value)))
        .collect();
    let first: Vec<(String, String)> = once
        .headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect();
    assert_eq!(again, first);
    assert_eq!(
        swap(&String::from_utf8(r.body.unwrap()).unwrap()),
        String::from_utf8(once.body.unwrap()).unwrap()
    );
}

#[test]
fn cookies_are_hardened_not_weakened_and_never_dropped() {
    let text = "HTTP/1.1 200 OK\r\nDate: Mon, 23 Nov 2026 13:14:07 GMT\r\n\
        Set-Cookie: session=abc; SameSite=Strict; HttpOnly\r\n\
        Set-Cookie: theme=dark\r\n\
        Set-Cookie: csrftoken=t; Max-Age=99999999\r\n\
        Set-Cookie: remember_token=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT\r\n\
        Set-Cookie: __Host-id=1; Domain=example.com; Path=/app\r\n\
        Set-Cookie: gone=; Max-Age=0\r\n\r\n";
    let mut r = response(text);
    enforce(&mut r, None, &Policy::default(), &mut fixed("N"));
    let cookies: Vec<&str> = r
        .headers
        .get_all("set-cookie")
        .map(|h| h.value.as_str())
        .collect();
    assert_eq!(cookies.len(), 6);
    assert_eq!(
        cookies[0], "session=abc; SameSite=Strict; HttpOnly; Secure",
        "Strict kept"
    );
    assert_eq!(
        cookies[1], "theme=dark; Secure; SameSite=Lax",
        "scripts may read it: no HttpOnly"
    );
    assert_eq!(
        cookies[2],
        "csrftoken=t; Secure; SameSite=Lax; Max-Age=31536000"
    );
    assert!(
        cookies[3].ends_with("HttpOnly; SameSite=Lax; Max-Age=31536000"),
        "{}",
        cookies[3]
    );
    assert_eq!(cookies[4], "__Host-id=1; Secure; SameSite=Lax; Path=/");
    assert!(cookies[5].starts_with("gone=; Max-Age=0"), "{}", cookies[5]);
}

#[test]
fn over_plain_http_hsts_goes_and_secure_is_not_added() {
    let mut r = response(
        "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=5\r\nSet-Cookie: sid=1\r\n\r\n",
    );
    let request = Request {
        method: Some("GET".into()),
        url: Some("http://example.com/".into()),
        ..Default::default()
    };
    enforce(&mut r, Some(&request), &Policy::default(), &mut fixed("N"));
    assert!(r.headers.get("strict-transport-security").is_none());
    assert_eq!(
        r.headers.get("set-cookie"),
        Some("sid=1; HttpOnly; SameSite=Lax")
    );
}

#[test]
fn sensitive_paths_get_no_store() {
    let request = Request {
        url: Some("https://shop.example/login?next=/".into()),
        ..Default::default()
    };
    let mut r = response("HTTP/1.1 200 OK\r\nCache-Control: public, max-age=600\r\n\r\n");
    enforce(&mut r, Some(&request), &Policy::default(), &mut fixed("N"));
    assert_eq!(r.headers.get("cache-control"), Some("no-store"));
    let mut other = response("HTTP/1.1 200 OK\r\nCache-Control: public, max-age=600\r\n\r\n");
    let home = Request {
        url: Some("https://shop.example/".into()),
        ..Default::default()
    };
    enforce(&mut other, Some(&home), &Policy::default(), &mut fixed("N"));
    assert_eq!(
        other.headers.get("cache-control"),
        Some("public, max-age=600")
    );
}

#[test]
fn streaming_and_whole_body_rewrites_agree() {
    let options = NonceOptions {
        nonce: Some("S".into()),
        scripts: Some(NonceScripts::All),
        styles: Some(NonceScripts::All),
        remove_meta_csp: true,
        keep_existing: false,
    };
    let body = b"<html><head><meta http-equiv=content-security-policy content=\"x\"><style>a{}</style></head><body><script\n src=/x.js></script><p>text</p><script>if (a < b && c > d) {}</script></body></html>";
    let (whole, stats) = rewrite_html(body, &options).unwrap();
    assert_eq!(
        (stats.scripts, stats.styles, stats.meta_csp_removed),
        (2, 1, 1)
    );
    for size in [1, 2, 7, 64] {
        let mut streamed = Vec::new();
        let mut rw = NonceRewriter::new(options.clone(), |c: &[u8]| streamed.extend_from_slice(c));
        for chunk in body.chunks(size) {
            rw.write(chunk).unwrap();
        }
        rw.end().unwrap();
        assert_eq!(streamed, whole, "chunks of {size}");
    }
}

/// DESIGN: one scanner reads, lol_html rewrites; both must see the same `<script>`s.
#[test]
fn the_reader_and_the_rewriter_see_the_same_scripts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let options = NonceOptions {
        nonce: Some("CMP".into()),
        scripts: Some(NonceScripts::All),
        styles: None,
        remove_meta_csp: false,
        keep_existing: false,
    };
    let mut bodies: Vec<Vec<u8>> = vec![
        b"<script>1</script><!-- <script>2</script> --><textarea><script>3</script></textarea><SCRIPT type=module>4</SCRIPT><style><script>5</script></style>".to_vec(),
    ];
    for entry in entries.flatten() {
        if let Ok(parsed) = parse(&std::fs::read(entry.path()).unwrap_or_default()) {
            bodies.extend(parsed.exchanges.into_iter().filter_map(|e| e.response.body));
        }
    }
    for body in bodies {
        let read = Document::scan(&body).elements("script").count();
        let (rewritten, stats) = rewrite_html(&body, &options).unwrap();
        assert_eq!(stats.scripts, read, "{}", String::from_utf8_lossy(&body));
        let after = Document::scan(&rewritten);
        assert!(after
            .elements("script")
            .all(|s| s.attr("nonce") == Some("CMP")));
    }
}

#[test]
fn responses_print_in_curl_form() {
    let r = Response::default();
    assert_eq!(r.to_curl_string(), "HTTP/1.1 200 OK\r\n\r\n");
    let r = response("HTTP/2 404\r\nx: y\r\n\r\n");
    assert_eq!(r.to_curl_string(), "HTTP/2 404\r\nx: y\r\n\r\n");
    let mut r = response("HTTP/1.1 302 FOUND\r\n\r\n");
    r.body = Some(b"hi".to_vec());
    assert_eq!(r.to_curl_string(), "HTTP/1.1 302 FOUND\r\n\r\nhi");
    // What enforce prints reads back as the same response.
    let mut e = response("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 18\r\n\r\n<script>1</script>");
    enforce(&mut e, None, &Policy::default(), &mut fixed("N"));
    let back = parse(&e.to_curl_bytes())
        .unwrap()
        .exchanges
        .remove(0)
        .response;
    assert_eq!(back.body, e.body);
    assert_eq!(back.headers.len(), e.headers.len());
}

#[test]
fn suggest_keeps_what_the_site_does_better() {
    let text = "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n\
        Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\nX-AspNet-Version: 4.0.30319\r\n\
        Content-Security-Policy: default-src 'self'; img-src 'self' https://img.example; script-src https://cdn.example\r\n\
        Set-Cookie: widget=1; SameSite=None; Secure\r\n\r\n";
    let exchanges = parse(text.as_bytes()).unwrap().exchanges;
    let p = headwarden_core::policy::suggest(&exchanges);
    let hsts = p.hsts.as_ref().unwrap();
    assert!(hsts.preload && hsts.max_age == 63_072_000);
    assert_eq!(p.referrer.as_ref().unwrap().policy, "no-referrer");
    let csp = p.csp.as_ref().unwrap();
    assert_eq!(
        csp.directives["img-src"],
        "'self' data: https: https://img.example"
    );
    assert_eq!(
        csp.directives["script-src"], "'strict-dynamic'",
        "no host allowlist for scripts"
    );
    assert_eq!(csp.directives["frame-ancestors"], "'none'");
    assert_eq!(
        p.cookie_rule("widget").unwrap().same_site,
        Some(headwarden_core::policy::SameSite::None)
    );
    assert!(p.removes_header("x-aspnet-version"));
    // It loads back, and enforcing it leaves nothing it covers.
    let back = Policy::from_toml_str(&p.to_toml_string()).unwrap();
    let mut ex = exchanges[0].clone();
    enforce(&mut ex.response, None, &back, &mut fixed("Zm9vYmFy"));
    assert!(
        uncovered(&ex, &back).is_empty(),
        "{:#?}",
        uncovered(&ex, &back)
    );
    let _ = Scheme::Https;
}
