//! The limits outside `crate::limits` (CSP, cookies, sessions, policies, HTML), each at,
//! below and above. The input limits of `crate::limits` are in `input_limits.rs`.

mod hostile_support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use headwarden_core::cookies::{
    self, CookieProblem, MAX_ATTRIBUTES, MAX_ATTRIBUTE_VALUE_BYTES, MAX_NAME_VALUE_BYTES,
    MAX_PROBLEMS,
};
use headwarden_core::csp::parse::MAX_POLICY_BYTES as MAX_CSP_BYTES;
use headwarden_core::csp::{check_csp, PolicyIssue};
use headwarden_core::flask::secrets::flask_sign;
use headwarden_core::flask::session::{MAX_COOKIE_CHARS, MAX_SESSION_JSON_BYTES};
use headwarden_core::flask::view::MAX_SESSION_COOKIES;
use headwarden_core::html::{Document, MAX_TAGS};
use headwarden_core::limits::MAX_AUDITED_COOKIE_BYTES;
use headwarden_core::policy::load::MAX_POLICY_BYTES;
use headwarden_core::report::MAX_EVIDENCE_CHARS;
use headwarden_core::{check, decode_flask_session, parse, CheckOptions, Policy, SessionError};
use hostile_support::{alone, assert_bounded, measure};

#[global_allocator]
static ALLOC: hostile_support::Counting = hostile_support::Counting;

/// 64 MiB policies take several seconds each in the dev profile (longer than the rest of
/// this file together), so this runs on demand:
/// `cargo test -p headwarden-core --release --test hostile_limits -- --ignored`.
#[test]
#[ignore = "three 64 MiB policies: slow in the dev profile"]
fn csp_policy_length() {
    let _alone = alone();
    // A policy of `n` bytes: one directive whose one source is a long host name
    // (whitespace at the end would be trimmed before the length is measured).
    let of_len = |n: usize| {
        let mut s = String::from("script-src 'self' ");
        s.extend(std::iter::repeat_n('a', n - s.len()));
        s
    };
    for n in [MAX_CSP_BYTES - 1, MAX_CSP_BYTES] {
        let text = of_len(n);
        let (checked, cost) = measure(|| check_csp(&text));
        assert!(checked.policies.policies[0].issues.is_empty(), "{n}");
        assert!(!checked.rule_ids().any(|r| r == "csp-parse-error"), "{n}");
        // Measured 7.3x: the one 64 MiB source is copied into the policy, the view and the
        // findings that quote it.
        assert_bounded("CSP at its length limit", cost, n, 8);
    }
    let text = of_len(MAX_CSP_BYTES + 1);
    let (checked, cost) = measure(|| check_csp(&text));
    assert_eq!(
        checked.policies.policies[0].issues,
        vec![PolicyIssue::Truncated]
    );
    let finding = checked
        .findings()
        .into_iter()
        .find(|f| f.rule == "csp-parse-error")
        .expect("a cut policy is reported");
    assert!(
        finding.detail.contains("only the start was checked"),
        "{}",
        finding.detail
    );
    assert_bounded("CSP past its length limit", cost, text.len(), 8);
}

fn set_cookie_problems(value: &str) -> Vec<CookieProblem> {
    cookies::parse(value).problems
}

#[test]
fn cookie_name_value_size() {
    let _alone = alone();
    let of_size = |n: usize| format!("id={}", "v".repeat(n - 2));
    let too_large = |p: &[CookieProblem]| p.iter().any(|p| matches!(p, CookieProblem::TooLarge(_)));
    assert!(!too_large(&set_cookie_problems(&of_size(
        MAX_NAME_VALUE_BYTES - 1
    ))));
    assert!(!too_large(&set_cookie_problems(&of_size(
        MAX_NAME_VALUE_BYTES
    ))));
    let problems = set_cookie_problems(&of_size(MAX_NAME_VALUE_BYTES + 1));
    assert!(problems.contains(&CookieProblem::TooLarge(MAX_NAME_VALUE_BYTES + 1)));
    assert!(problems.iter().any(|p| p
        .to_string()
        .contains("browsers ignore cookies over 4096 bytes")));
}

#[test]
fn cookie_attribute_value_size() {
    let _alone = alone();
    let with_path = |n: usize| format!("id=1; Path=/{}", "p".repeat(n - 1));
    let too_long = |p: &[CookieProblem]| {
        p.iter()
            .any(|p| matches!(p, CookieProblem::AttributeTooLong(_)))
    };
    for n in [MAX_ATTRIBUTE_VALUE_BYTES - 1, MAX_ATTRIBUTE_VALUE_BYTES] {
        let c = cookies::parse(&with_path(n));
        assert!(!too_long(&c.problems), "{n}");
        assert_eq!(c.path.as_ref().map(String::len), Some(n));
    }
    let c = cookies::parse(&with_path(MAX_ATTRIBUTE_VALUE_BYTES + 1));
    assert!(too_long(&c.problems));
    assert_eq!(
        c.path, None,
        "an over-long attribute is ignored, as browsers do"
    );
}

#[test]
fn cookie_attribute_count() {
    let _alone = alone();
    let with_attrs = |n: usize| {
        let mut s = String::from("id=1");
        for _ in 0..n {
            s.push_str("; Secure");
        }
        s
    };
    for n in [MAX_ATTRIBUTES - 1, MAX_ATTRIBUTES] {
        let c = cookies::parse(&with_attrs(n));
        assert_eq!(c.attributes.len(), n);
        assert!(!c.problems.contains(&CookieProblem::TooManyAttributes));
    }
    let c = cookies::parse(&with_attrs(MAX_ATTRIBUTES + 1));
    assert_eq!(c.attributes.len(), MAX_ATTRIBUTES);
    assert!(c.secure, "the flags past the limit still count");
    // Each repeated `Secure` is a duplicate-attribute problem, so the problem list is full
    // (MAX_PROBLEMS) long before the attribute limit, and the `TooManyAttributes` problem
    // is never recorded (reported in issue #10's reliability notes).
    assert_eq!(c.problems.len(), MAX_PROBLEMS);
    // Far past it: bounded.
    let huge = with_attrs(100_000);
    let (c, cost) = measure(|| cookies::parse(&huge));
    assert_eq!(c.attributes.len(), MAX_ATTRIBUTES);
    assert_bounded("Set-Cookie with 100,000 attributes", cost, huge.len(), 3);
}

#[test]
fn cookie_problem_count() {
    let _alone = alone();
    // Each `Bogus<i>` attribute is one unknown-attribute problem.
    let with_unknown = |n: usize| {
        let mut s = String::from("id=1");
        for i in 0..n {
            s.push_str(&format!("; Bogus{i}"));
        }
        s
    };
    for n in [MAX_PROBLEMS - 1, MAX_PROBLEMS] {
        assert_eq!(cookies::parse(&with_unknown(n)).problems.len(), n);
    }
    assert_eq!(
        cookies::parse(&with_unknown(MAX_PROBLEMS + 1))
            .problems
            .len(),
        MAX_PROBLEMS
    );
    assert_eq!(
        cookies::parse(&with_unknown(10_000)).problems.len(),
        MAX_PROBLEMS
    );
}

#[test]
fn session_cookie_length() {
    let _alone = alone();
    // Right shape, `n` bytes long: decodes up to the limit (to a JSON error, since the
    // payload is filler), past it `TooLong` before any decoding.
    let of_len = |n: usize| {
        let tail = ".awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE";
        format!("{}{tail}", "e".repeat(n - tail.len()))
    };
    for n in [MAX_COOKIE_CHARS - 1, MAX_COOKIE_CHARS] {
        let err = decode_flask_session(&of_len(n)).unwrap_err();
        assert!(!matches!(err, SessionError::TooLong { .. }), "{n}: {err:?}");
    }
    let err = decode_flask_session(&of_len(MAX_COOKIE_CHARS + 1)).unwrap_err();
    assert_eq!(
        err,
        SessionError::TooLong {
            len: MAX_COOKIE_CHARS + 1,
            max: MAX_COOKIE_CHARS
        }
    );
}

/// A compressed Flask cookie whose JSON is exactly `n` bytes.
fn compressed_session(n: usize) -> String {
    use std::io::Write;
    let json = format!("{{\"a\":\"{}\"}}", "x".repeat(n - 8));
    assert_eq!(json.len(), n);
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(json.as_bytes()).unwrap();
    let compressed = enc.finish().unwrap();
    format!(
        ".{}.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE",
        URL_SAFE_NO_PAD.encode(compressed)
    )
}

#[test]
fn session_json_size() {
    let _alone = alone();
    for n in [MAX_SESSION_JSON_BYTES - 1, MAX_SESSION_JSON_BYTES] {
        let s = decode_flask_session(&compressed_session(n)).unwrap();
        assert_eq!(s.json.len(), n);
        assert!(s.compressed);
    }
    let err = decode_flask_session(&compressed_session(MAX_SESSION_JSON_BYTES + 1)).unwrap_err();
    assert_eq!(
        err,
        SessionError::TooLarge {
            limit: MAX_SESSION_JSON_BYTES
        }
    );
    assert!(err.to_string().contains("zlib bomb"), "{err}");
}

#[test]
fn session_cookies_per_exchange() {
    let _alone = alone();
    let with_sessions = |n: usize| {
        let mut s = String::from("HTTP/1.1 200 OK\r\n");
        for i in 0..n {
            let payload = URL_SAFE_NO_PAD.encode(format!("{{\"u\":{i}}}"));
            s.push_str(&format!(
                "Set-Cookie: session{i}={payload}.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE; Secure; HttpOnly\r\n"
            ));
        }
        s.push_str("\r\n");
        s
    };
    let sessions = |n: usize| {
        let parsed = parse(with_sessions(n).as_bytes()).unwrap();
        let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
        report.exchanges[0].sessions.len()
    };
    assert_eq!(sessions(MAX_SESSION_COOKIES - 1), MAX_SESSION_COOKIES - 1);
    assert_eq!(sessions(MAX_SESSION_COOKIES), MAX_SESSION_COOKIES);
    assert_eq!(sessions(MAX_SESSION_COOKIES + 1), MAX_SESSION_COOKIES);
    // 999 of them: still 16 examined and audited, in bounded time.
    let (count, cost) = measure(|| sessions(999));
    assert_eq!(count, MAX_SESSION_COOKIES);
    assert_bounded("999 session cookies", cost, with_sessions(999).len(), 40);
}

#[test]
fn policy_text_size() {
    let _alone = alone();
    // A valid TOML policy padded with a comment to exactly `n` bytes.
    let of_len = |n: usize| {
        let head = "preset = \"balanced\"\n#";
        let mut s = String::from(head);
        s.extend(std::iter::repeat_n('x', n - head.len() - 1));
        s.push('\n');
        assert_eq!(s.len(), n);
        s
    };
    for n in [MAX_POLICY_BYTES - 1, MAX_POLICY_BYTES] {
        let text = of_len(n);
        assert!(Policy::from_toml_str(&text).is_ok(), "{n}");
        assert!(Policy::load(&text).is_ok(), "{n}");
    }
    let text = of_len(MAX_POLICY_BYTES + 1);
    let err = Policy::load(&text).unwrap_err();
    assert!(
        err.to_string()
            .contains("the policy is 1048577 bytes; the limit is 1048576 bytes"),
        "{err}"
    );
    let json = format!(
        "{{\"preset\": \"balanced\", \"x\": \"{}\"}}",
        "y".repeat(MAX_POLICY_BYTES)
    );
    assert!(Policy::from_json_str(&json)
        .unwrap_err()
        .to_string()
        .contains("the limit is 1048576 bytes"));
    // 50 MB: refused at once.
    let huge = of_len(50_000_000);
    let (result, cost) = measure(|| Policy::load(&huge));
    assert!(result.is_err());
    assert_bounded("50 MB policy", cost, huge.len(), 0);
}

#[test]
fn html_tags_scanned() {
    let _alone = alone();
    let of_tags = |n: usize| "<p>".repeat(n);
    assert_eq!(
        Document::scan(of_tags(MAX_TAGS - 1).as_bytes()).tags.len(),
        MAX_TAGS - 1
    );
    assert_eq!(
        Document::scan(of_tags(MAX_TAGS).as_bytes()).tags.len(),
        MAX_TAGS
    );
    assert_eq!(
        Document::scan(of_tags(MAX_TAGS + 1).as_bytes()).tags.len(),
        MAX_TAGS
    );
    let body = of_tags(700_000);
    let (doc, cost) = measure(|| Document::scan(body.as_bytes()));
    assert_eq!(doc.tags.len(), MAX_TAGS);
    assert_bounded("700,000 tags", cost, body.len(), 60);
}

#[test]
fn evidence_length() {
    let _alone = alone();
    use headwarden_core::report::Evidence;
    let quoted = |n: usize| match Evidence::header("Server", &"é".repeat(n)) {
        Evidence::Header { value, .. } => value,
        other => panic!("{other:?}"),
    };
    for n in [MAX_EVIDENCE_CHARS - 1, MAX_EVIDENCE_CHARS] {
        assert_eq!(quoted(n), "é".repeat(n));
    }
    // Past it: the first MAX_EVIDENCE_CHARS characters and an ellipsis.
    assert_eq!(
        quoted(MAX_EVIDENCE_CHARS + 1),
        format!("{}…", "é".repeat(MAX_EVIDENCE_CHARS))
    );
    // Through a report: a 60 KB Server header is quoted in 301 characters.
    let input = format!(
        "HTTP/1.1 200 OK\r\nServer: Apache/2.4.1 {}\r\n\r\n",
        "x".repeat(60_000)
    );
    let parsed = parse(input.as_bytes()).unwrap();
    let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
    let doc = serde_json::to_value(&report.exchanges[0].findings).unwrap();
    let value = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "info-leak-server-version")
        .and_then(|f| f["evidence"]["value"].as_str())
        .expect("the version is reported")
        .to_string();
    assert_eq!(value.chars().count(), MAX_EVIDENCE_CHARS + 1);
}

/// A Flask session cookie signed with `dev` (a built-in weak secret), `n` bytes long.
fn weak_session_of_len(n: usize) -> String {
    // payload.timestamp.signature; the signature is 27 characters. A base64 text cannot be
    // 1 more than a multiple of 4 long, so the timestamp takes 6 or 7 characters.
    let ts = if (n - 35) % 4 == 1 {
        "awQ8IQA"
    } else {
        "awQ8IQ"
    };
    let payload_len = n - 2 - ts.len() - 27;
    let json_len = payload_len * 3 / 4;
    let json = format!("{{\"u\":\"{}\"}}", "x".repeat(json_len - 8));
    let payload = URL_SAFE_NO_PAD.encode(json);
    assert_eq!(payload.len(), payload_len);
    let message = format!("{payload}.{ts}");
    let cookie = format!("{message}.{}", flask_sign(b"dev", message.as_bytes()));
    assert_eq!(cookie.len(), n);
    cookie
}

#[test]
fn audited_cookie_length() {
    let _alone = alone();
    let audit = |n: usize| {
        let input = format!(
            "HTTP/1.1 200 OK\r\nSet-Cookie: session={}; Secure; HttpOnly\r\n\r\n",
            weak_session_of_len(n)
        );
        let parsed = parse(input.as_bytes()).unwrap();
        let report = check(&parsed, &Policy::default(), &CheckOptions::full_report());
        let session = report.exchanges[0].sessions[0].clone();
        let weak = report.exchanges[0]
            .findings
            .iter()
            .any(|f| f.rule == "flask-session-weak-secret");
        (session.audited, session.secret, weak)
    };
    for n in [MAX_AUDITED_COOKIE_BYTES - 1, MAX_AUDITED_COOKIE_BYTES] {
        assert_eq!(audit(n), (Some(true), Some("dev".to_string()), true), "{n}");
    }
    let (audited, secret, weak) = audit(MAX_AUDITED_COOKIE_BYTES + 1);
    assert_eq!((audited, secret, weak), (Some(false), None, false));
    // The explicit audit has no such bound.
    let long = weak_session_of_len(MAX_AUDITED_COOKIE_BYTES * 4);
    assert!(headwarden_core::audit_secret(&long, [&b"dev"[..]].into_iter()).is_some());
}
