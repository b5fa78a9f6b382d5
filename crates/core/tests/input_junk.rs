//! Junk never panics, and gives an error that says where.

use headwarden_core::{parse, parse_as, InputError, InputFormat};
use proptest::prelude::*;

/// Deterministic pseudo-random bytes (xorshift), no dependency on a RNG crate.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn random_bytes() {
    for seed in 1..200 {
        let bytes = noise(seed, 4096);
        let result = parse(&bytes);
        if let Err(e) = &result {
            assert!(!e.to_string().is_empty());
        }
    }
    // A typical binary blob: its first line holds control bytes.
    let err = parse(&noise(7, 4096)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unrecognised input: binary data at byte "),
        "{err}"
    );
}

#[test]
fn binary_files() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(parse(png), Err(InputError::Binary { offset: 0 }));
    let gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00";
    assert_eq!(parse(gzip), Err(InputError::Binary { offset: 0 }));
    assert_eq!(parse(b"\0\0\0\0"), Err(InputError::Binary { offset: 0 }));
    assert_eq!(
        parse(b"\n\n   Server\x00: x").unwrap_err().to_string(),
        "unrecognised input: binary data at byte 11"
    );
}

#[test]
fn invalid_utf8_alone() {
    assert_eq!(
        parse(b"\xff\xfe\xfd\xfc\xfb"),
        Err(InputError::Binary { offset: 0 })
    );
    assert_eq!(parse(b"abc\xc3\x28"), Err(InputError::Binary { offset: 3 }));
}

#[test]
fn empty_and_whitespace() {
    assert_eq!(parse(b""), Err(InputError::Empty));
    assert_eq!(parse(b"   \r\n\t\n  "), Err(InputError::Empty));
    assert_eq!(parse(b"\xEF\xBB\xBF\n"), Err(InputError::Empty));
    for format in InputFormat::ALL {
        assert_eq!(
            parse_as(b" \n", Some(format)),
            Err(InputError::Empty),
            "{format}"
        );
    }
}

#[test]
fn lone_version_and_prose() {
    assert!(matches!(
        parse(b"HTTP/1.1"),
        Err(InputError::Malformed { .. })
    ));
    assert!(matches!(
        parse(b"HTTP/1.1\n"),
        Err(InputError::Malformed { .. })
    ));
    assert!(matches!(parse(b"HTTP/"), Err(InputError::Malformed { .. })));
    let err = parse(b"Dear server, please be secure.").unwrap_err();
    assert!(matches!(err, InputError::Unrecognised(_)), "{err:?}");
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn nul_inside_values_is_not_junk() {
    let parsed = parse(b"HTTP/1.1 200 OK\r\nX-A: \x00\x00\r\n\r\n").unwrap();
    assert_eq!(
        parsed.exchanges[0]
            .response
            .headers
            .get_header("x-a")
            .unwrap()
            .raw_value
            .as_deref(),
        Some(&b"\0\0"[..])
    );
    assert_eq!(parsed.notes.len(), 1);
}

/// Lines that exercise every parser's branches.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("HTTP/1.1 200 OK".to_string()),
        Just("HTTP/2 302".to_string()),
        Just("HTTP/1.1 100 Continue".to_string()),
        Just("HTTP/1.1".to_string()),
        Just("GET / HTTP/1.1".to_string()),
        Just("Content-Length: 5".to_string()),
        Just("Content-Length: 99999999999999999999".to_string()),
        Just("Location: ../../x".to_string()),
        Just("Set-Cookie:  a=b".to_string()),
        Just("  folded continuation".to_string()),
        Just(":status: 200".to_string()),
        Just(":authority:".to_string()),
        Just("content-type".to_string()),
        Just("Response Headers".to_string()),
        Just("General".to_string()),
        Just("Request URL:".to_string()),
        Just("Status Code: 200 OK".to_string()),
        Just("* Connected to a (1.2.3.4) port 443".to_string()),
        Just("* [HTTP/2] [1] OPENED stream for https://a/".to_string()),
        Just("> GET /x HTTP/2".to_string()),
        Just("> Host: a".to_string()),
        Just(">".to_string()),
        Just("< HTTP/2 200".to_string()),
        Just("< server: x".to_string()),
        Just("<".to_string()),
        Just("{\"log\": {\"entries\": [".to_string()),
        Just("{\"a\": [\"b\", 1]}".to_string()),
        Just("[[\"a\", \"b\"]]".to_string()),
        Just(String::new()),
        "[ -~]{0,40}",
        any::<String>(),
    ]
}

fn document() -> impl Strategy<Value = String> {
    (prop::collection::vec(fragment(), 0..40), any::<bool>())
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

fn check_invariants(input: &[u8]) {
    for format in std::iter::once(None).chain(InputFormat::ALL.map(Some)) {
        if let Ok(parsed) = parse_as(input, format) {
            assert!(!parsed.exchanges.is_empty());
            for ex in &parsed.exchanges {
                for h in &ex.response.headers {
                    assert!(
                        !h.value.chars().any(|c| c.is_control() && c != '\t'),
                        "{:?}",
                        h.value
                    );
                }
                let _ = ex.url_scheme();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_invariants(&bytes);
    }

    #[test]
    fn line_structured_text_never_panics(doc in document()) {
        check_invariants(doc.as_bytes());
    }

    #[test]
    fn line_structured_bytes_with_noise_never_panic(doc in document(), at in any::<prop::sample::Index>(), junk in prop::collection::vec(any::<u8>(), 0..16)) {
        let mut bytes = doc.into_bytes();
        let i = at.index(bytes.len() + 1);
        bytes.splice(i..i, junk);
        check_invariants(&bytes);
    }
}
