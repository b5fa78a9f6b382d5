//! The invariant that ties headwarden together (DESIGN.md): for every preset P and any
//! response R, `check(enforce(R, P), P)` reports nothing P covers. Also: enforce is
//! idempotent apart from the nonce, and it never drops a cookie or a body byte it did not
//! mean to change.

use headwarden_core::policy::{
    enforce, is_werkzeug_debugger_page, NonceOptions, NonceScripts, Policy,
};
use headwarden_core::{
    check_exchanges, CheckOptions, Exchange, Header, InputFormat, Request, Response,
};
use proptest::prelude::*;

const PRESETS: [&str; 3] = ["strict", "balanced", "flask-talisman"];

fn header_name_case(name: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(name.to_string()),
        Just(name.to_ascii_lowercase()),
        Just(name.to_ascii_uppercase()),
    ]
}

fn pick(values: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(values).prop_map(str::to_string)
}

fn known_header() -> impl Strategy<Value = Header> {
    let pairs: Vec<(&'static str, &'static [&'static str])> = vec![
        (
            "Strict-Transport-Security",
            &[
                "max-age=0",
                "max-age=31536000",
                "max-age=63072000; includeSubDomains; preload",
                "max-age=abc",
                "",
                "max-age=10; preload",
                "max-age=31536000; includeSubDomains; includeSubDomains",
            ],
        ),
        (
            "Content-Security-Policy",
            &[
                "default-src 'self'",
                "script-src 'unsafe-inline' *",
                "object-src 'none'; script-src 'nonce-abc' 'strict-dynamic'",
                "garbage;;;",
                "frame-ancestors 'none'",
            ],
        ),
        (
            "Content-Security-Policy-Report-Only",
            &["default-src 'none'", "script-src 'self'"],
        ),
        (
            "X-Frame-Options",
            &[
                "DENY",
                "SAMEORIGIN",
                "ALLOW-FROM https://x.example",
                "deny, sameorigin",
                "",
            ],
        ),
        ("X-Content-Type-Options", &["nosniff", "nosnif", ""]),
        (
            "Referrer-Policy",
            &[
                "no-referrer",
                "unsafe-url",
                "strict-origin-when-cross-origin",
                "bogus",
            ],
        ),
        (
            "Permissions-Policy",
            &[
                "camera=()",
                "camera=*",
                "geolocation=(self",
                "interest-cohort=()",
            ],
        ),
        (
            "Cross-Origin-Opener-Policy",
            &["same-origin", "unsafe-none", "nope"],
        ),
        (
            "Cross-Origin-Resource-Policy",
            &["cross-origin", "same-origin"],
        ),
        (
            "Server",
            &[
                "Werkzeug/3.1.3 Python/3.11.7",
                "nginx/1.25.3",
                "gunicorn",
                "Apache/2.4.62 (Debian)",
            ],
        ),
        ("X-Powered-By", &["Express", "PHP/8.2.1"]),
        ("X-XSS-Protection", &["1; mode=block", "0"]),
        (
            "Cache-Control",
            &["public, max-age=600", "no-store", "private"],
        ),
        (
            "Content-Type",
            &[
                "text/html; charset=utf-8",
                "application/json",
                "text/plain",
                "TEXT/HTML",
            ],
        ),
        ("Date", &["Mon, 23 Nov 2026 13:14:07 GMT"]),
        ("Access-Control-Allow-Origin", &["*", "null"]),
        ("Expect-CT", &["max-age=0"]),
        ("Location", &["https://example.com/", "/next"]),
    ];
    proptest::sample::select(pairs).prop_flat_map(|(name, values)| {
        (header_name_case(name), pick(values)).prop_map(|(n, v)| Header::new(n, v))
    })
}

fn cookie_header() -> impl Strategy<Value = Header> {
    let names = prop_oneof![
        pick(&[
            "session",
            "sid",
            "csrftoken",
            "remember_token",
            "theme",
            "__Host-id",
            "__secure-x",
            "_ga",
            "XSRF-TOKEN",
            "sessionid",
            "__Host-Http-t"
        ]),
        "[a-z]{1,6}",
    ];
    let attrs = proptest::collection::vec(
        pick(&[
            "Secure",
            "HttpOnly",
            "SameSite=None",
            "SameSite=Lax",
            "SameSite=Strict",
            "SameSite=bogus",
            "SameSite",
            "Max-Age=0",
            "Max-Age=99999999",
            "Max-Age=60",
            "Max-Age=abc",
            "max-age=-5",
            "Expires=Wed, 21 Oct 2099 07:28:00 GMT",
            "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            "Path=/",
            "Path=/app",
            "Domain=example.com",
            "Domain=",
            "secure=1",
            "HTTPONLY",
            "Partitioned",
            "Foo=bar",
        ]),
        0..6,
    );
    (
        names,
        "[a-zA-Z0-9]{0,8}",
        attrs,
        header_name_case("Set-Cookie"),
    )
        .prop_map(|(n, v, attrs, hn)| {
            let mut value = format!("{n}={v}");
            for a in attrs {
                value.push_str("; ");
                value.push_str(&a);
            }
            Header::new(hn, value)
        })
}

fn junk_header() -> impl Strategy<Value = Header> {
    (
        "[A-Za-z][A-Za-z0-9-]{0,10}( x)?",
        "[ -~]{0,12}(\r\n|\n|\0|\u{7f})?[ -~]{0,8}",
    )
        .prop_map(|(n, v)| Header::new(n, v))
}

fn body() -> impl Strategy<Value = Option<Vec<u8>>> {
    let fragments = pick(&[
        "<!doctype html>",
        "<p>hi</p>",
        "<script>var a = 1 < 2;</script>",
        "<script nonce=\"abc\">x()</script>",
        "<script src=/a.js></script>",
        "<SCRIPT NONCE=old>y</SCRIPT>",
        "<script type=module\n  src=\"/m.js\" async></script>",
        "<style>p{}</style>",
        "<style nonce=s>q{}</style>",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'unsafe-inline'\">",
        "<!-- <script>no</script> -->",
        "text & more",
        "<div onclick=\"x()\">",
        "é ☃",
        "<a href=x>",
        "<form action=/login method=post><input name=u></form>",
        "\u{FFFD}",
        "<title>boom // Werkzeug Debugger</title><script>var CONSOLE_MODE = false, EVALEX = true, SECRET = \"abc\";</script>",
    ]);
    proptest::option::of(
        proptest::collection::vec(fragments, 0..10).prop_map(|f| f.concat().into_bytes()),
    )
}

fn response() -> impl Strategy<Value = Response> {
    let headers = proptest::collection::vec(
        prop_oneof![4 => known_header(), 3 => cookie_header(), 1 => junk_header()],
        0..14,
    );
    (
        proptest::option::of(pick(&["200", "301", "404", "500"])),
        headers,
        body(),
    )
        .prop_map(|(status, headers, body)| Response {
            version: status.as_ref().map(|_| "HTTP/1.1".to_string()),
            status: status.and_then(|s| s.parse().ok()),
            reason: None,
            headers: headers.into_iter().collect(),
            body,
        })
}

fn request() -> impl Strategy<Value = Option<Request>> {
    proptest::option::of(
        (
            pick(&["https://shop.example", "http://shop.example", ""]),
            pick(&["/", "/login", "/account/settings", "/api/x"]),
        )
            .prop_map(|(origin, path)| Request {
                method: Some("GET".into()),
                url: Some(format!("{origin}{path}")),
                ..Default::default()
            }),
    )
}

fn check_options() -> CheckOptions {
    CheckOptions {
        skip_secret_audit: true,
        ..Default::default()
    }
}

/// Findings among what `policy` covers, after checking `exchange` against it.
fn covered_findings(exchange: &Exchange, policy: &Policy) -> Vec<String> {
    let report = check_exchanges(
        std::slice::from_ref(exchange),
        InputFormat::Raw,
        &[],
        policy,
        &check_options(),
    );
    let covers = policy.covers_for(report.exchanges[0].scheme);
    report.exchanges[0]
        .findings
        .iter()
        .filter(|f| covers.contains(&f.rule))
        .map(|f| format!("{}: {}", f.rule, f.detail))
        .collect()
}

/// The body with nonce attributes and `<meta>` CSPs taken out and every script/style
/// start tag re-serialized the same way, so two bodies compare on what enforce may not
/// change.
fn canonical_body(body: &[u8]) -> Vec<u8> {
    use lol_html::html_content::Element;
    use lol_html::{element, HtmlRewriter, Settings};
    let mut out = Vec::new();
    let strip = |el: &mut Element| {
        el.set_attribute("data-canon", "")?;
        el.remove_attribute("data-canon");
        el.remove_attribute("nonce");
        Ok(())
    };
    let settings = Settings::new()
        .with_strict(false)
        .append_element_content_handler(element!("script", strip))
        .append_element_content_handler(element!("style", strip))
        .append_element_content_handler(element!("meta[http-equiv]", |el| {
            if el
                .get_attribute("http-equiv")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("content-security-policy"))
            {
                el.remove();
            }
            Ok(())
        }));
    let mut rw = HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
    rw.write(body).unwrap();
    rw.end().unwrap();
    out
}

fn counter_nonce() -> impl FnMut() -> String {
    let mut n = 0u32;
    move || {
        n += 1;
        format!("TESTNONCE{n:04}AAAAAAAAAA")
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn enforced_responses_pass_their_policy(r in response(), req in request(), preset in 0usize..3) {
        let policy = Policy::load(PRESETS[preset]).unwrap();
        let mut response = r;
        enforce(&mut response, req.as_ref(), &policy, &mut counter_nonce());
        let exchange = Exchange { request: req, response };
        let left = covered_findings(&exchange, &policy);
        prop_assert!(left.is_empty(), "{} left {:#?}\n{}", PRESETS[preset], left, exchange.response.to_curl_string());
    }

    #[test]
    fn enforce_is_idempotent_apart_from_the_nonce(r in response(), req in request(), preset in 0usize..3) {
        let policy = Policy::load(PRESETS[preset]).unwrap();
        let mut once = r;
        enforce(&mut once, req.as_ref(), &policy, &mut || "FIRSTNONCEAAAAAAAAAAAA".to_string());
        let mut twice = once.clone();
        enforce(&mut twice, req.as_ref(), &policy, &mut || "SECONDNONCEBBBBBBBBBBB".to_string());
        let same = |s: &str| s.replace("SECONDNONCEBBBBBBBBBBB", "FIRSTNONCEAAAAAAAAAAAA");
        let first: Vec<(String, String)> = once.headers.iter().map(|h| (h.name.clone(), h.value.clone())).collect();
        let second: Vec<(String, String)> = twice.headers.iter().map(|h| (h.name.clone(), same(&h.value))).collect();
        prop_assert_eq!(first, second);
        prop_assert_eq!(once.status, twice.status);
        let b1 = once.body.as_deref().map(String::from_utf8_lossy).map(|s| s.into_owned());
        let b2 = twice.body.as_deref().map(String::from_utf8_lossy).map(|s| same(&s));
        prop_assert_eq!(b1, b2);
    }

    #[test]
    fn enforce_keeps_every_cookie_and_body_byte(r in response(), req in request(), preset in 0usize..3) {
        let policy = Policy::load(PRESETS[preset]).unwrap();
        let original = r.clone();
        let mut enforced = r;
        enforce(&mut enforced, req.as_ref(), &policy, &mut counter_nonce());
        // Cookies: every name the site set is still set (possibly with a prefix added).
        let names = |resp: &Response| -> Vec<String> {
            resp.headers
                .get_all("set-cookie")
                .flat_map(|h| h.value.split(['\r', '\n']).map(str::to_string).collect::<Vec<_>>())
                .filter_map(|v| v.split_once('=').map(|(n, _)| n.trim().to_string()))
                .filter(|n| !n.is_empty())
                .collect()
        };
        let after = names(&enforced);
        for name in names(&original) {
            prop_assert!(
                after.iter().any(|a| *a == name || a.ends_with(&format!("-{name}"))),
                "cookie {} dropped: {:?}", name, after
            );
        }
        // Body: the same bytes once nonces and <meta> CSPs are set aside, unless it was
        // a debugger page that `[flask] block_debugger` replaced on purpose.
        let replaced = policy.blocks_debugger()
            && original.body.as_deref().is_some_and(is_werkzeug_debugger_page);
        if let (Some(before), Some(now), false) = (&original.body, &enforced.body, replaced) {
            prop_assert_eq!(canonical_body(before), canonical_body(now));
        }
        prop_assert_eq!(original.body.is_some(), enforced.body.is_some());
    }
}

#[test]
fn the_canonical_form_ignores_only_nonces() {
    let a = canonical_body(b"<script nonce=x>1</script><p>");
    let b = canonical_body(b"<script>1</script><p>");
    assert_eq!(a, b);
    assert_ne!(
        canonical_body(b"<script>1</script>"),
        canonical_body(b"<script>2</script>")
    );
    let _ = NonceOptions {
        nonce: None,
        scripts: Some(NonceScripts::All),
        styles: None,
        remove_meta_csp: false,
        keep_existing: false,
    };
}

#[test]
fn the_property_is_not_vacuous() {
    // Before enforcing, a bare response has findings every preset covers.
    let bare = Exchange {
        request: None,
        response: Response {
            headers: [
                Header::new("Set-Cookie", "sid=1"),
                Header::new("Server", "Werkzeug/3.1 Python/3.11"),
            ]
            .into_iter()
            .collect(),
            ..Response::default()
        },
    };
    for name in PRESETS {
        let policy = Policy::load(name).unwrap();
        let left = covered_findings(&bare, &policy);
        assert!(left.len() >= 5, "{name}: {left:#?}");
    }
}
