//! Hostile session cookies: a zlib bomb that expands to 1 GiB, the same bomb cut to fit
//! the decoder's length limit, bombs inside a pasted response, and the weak-secret audit
//! on the largest cookies a paste can hold.

mod hostile_support;

use std::io::Write;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use headwarden_core::flask::session::{MAX_COOKIE_CHARS, MAX_SESSION_JSON_BYTES};
use headwarden_core::report::json;
use headwarden_core::{
    audit_secret, check, decode_flask_session, parse, CheckOptions, Policy, SessionError,
};
use hostile_support::{alone, assert_bounded, measure};

#[global_allocator]
static ALLOC: hostile_support::Counting = hostile_support::Counting;

const MIB: usize = 1 << 20;

/// A zlib stream that inflates to `mib` MiB of zeros, built chunk by chunk so this test
/// never holds the expanded data. Compressing 1 GiB with the dev profile's unoptimised
/// deflate would take minutes, so only the first chunks go through flate2: once the
/// window is all zeros, every sync-flushed 1 MiB chunk compresses to the same bytes, which
/// are then repeated; the stream ends with flate2's final block and the Adler-32 of
/// `mib` MiB of zeros. [`the_bomb_builder_is_exact`] inflates a small one in full.
fn zlib_bomb(mib: usize) -> Vec<u8> {
    assert!(mib >= 3);
    let zeros = vec![0u8; MIB];
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::best());
    let chunk_bytes = |enc: &mut ZlibEncoder<Vec<u8>>| {
        let before = enc.get_ref().len();
        enc.write_all(&zeros).unwrap();
        enc.flush().unwrap(); // sync flush: the chunk ends on a byte boundary
        enc.get_ref()[before..].to_vec()
    };
    chunk_bytes(&mut enc);
    let steady = chunk_bytes(&mut enc);
    assert_eq!(
        chunk_bytes(&mut enc),
        steady,
        "deflate of zeros is not steady"
    );
    let mut out = enc.get_ref().clone();
    let prefix_len = out.len();
    for _ in 3..mib {
        out.extend_from_slice(&steady);
    }
    // The final (empty) block: what `finish` adds after the flushes, minus its Adler-32.
    let finished = enc.finish().unwrap();
    out.extend_from_slice(&finished[prefix_len..finished.len() - 4]);
    // Adler-32 of n zeros: a = 1, b = n mod 65521.
    let n = (mib as u64) * (MIB as u64);
    let adler = ((n % 65_521) << 16) | 1;
    out.extend_from_slice(&(adler as u32).to_be_bytes());
    out
}

fn cookie_of(compressed: &[u8]) -> String {
    format!(
        ".{}.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE",
        URL_SAFE_NO_PAD.encode(compressed)
    )
}

#[test]
fn the_bomb_builder_is_exact() {
    let _alone = alone();
    use std::io::Read;
    let bomb = zlib_bomb(8);
    let mut inflated = Vec::new();
    flate2::read::ZlibDecoder::new(&bomb[..])
        .read_to_end(&mut inflated)
        .expect("a valid zlib stream with a correct checksum");
    assert_eq!(inflated.len(), 8 * MIB);
    assert!(inflated.iter().all(|&b| b == 0));
}

#[test]
fn a_1_gib_zlib_bomb_in_a_session_cookie() {
    let _alone = alone();
    let bomb = zlib_bomb(1024);
    let cookie = cookie_of(&bomb);
    // About 1 MB compressed: past the longest cookie value the decoder reads.
    assert!(cookie.len() > MAX_COOKIE_CHARS, "{}", cookie.len());
    let (result, cost) = measure(|| decode_flask_session(&cookie));
    let err = result.unwrap_err();
    assert!(matches!(err, SessionError::TooLong { .. }), "{err:?}");
    assert!(
        err.to_string().contains("at most 1048576 are decoded"),
        "{err}"
    );
    assert_bounded("1 GiB bomb, whole", cost, cookie.len(), 0);

    // The longest prefix of the stream that fits: it still expands to hundreds of MiB,
    // and inflating stops at the JSON limit with the zlib-bomb error.
    let fits = (MAX_COOKIE_CHARS - 64) / 4 * 3;
    let cookie = cookie_of(&bomb[..fits]);
    assert!(cookie.len() <= MAX_COOKIE_CHARS);
    let (result, cost) = measure(|| decode_flask_session(&cookie));
    assert_eq!(
        result.unwrap_err(),
        SessionError::TooLarge {
            limit: MAX_SESSION_JSON_BYTES
        }
    );
    assert_bounded("1 GiB bomb, cut to 1 MiB", cost, cookie.len(), 2);
    // The audit does not inflate; it hashes the cookie once per candidate.
    let (found, cost) = measure(|| audit_secret(&cookie, [&b"dev"[..], b"secret"].into_iter()));
    assert!(found.is_none());
    assert_bounded("audit of the cut bomb", cost, cookie.len(), 3);
}

#[test]
fn a_bomb_inside_a_pasted_response_is_reported_not_expanded() {
    let _alone = alone();
    // The largest cookie a header line allows (64 KiB): a bomb of about 50 MiB.
    let bomb = zlib_bomb(40);
    let cookie = cookie_of(&bomb);
    assert!(cookie.len() < 64_000, "{}", cookie.len());
    let input = format!(
        "GET / HTTP/1.1\r\nHost: a.example\r\nCookie: session={cookie}\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: session={cookie}; HttpOnly; Path=/\r\n\r\n"
    );
    let (doc, cost) = measure(|| {
        let parsed = parse(input.as_bytes()).unwrap();
        json::render(&check(
            &parsed,
            &Policy::default(),
            &CheckOptions::full_report(),
        ))
    });
    assert!(
        doc.contains("zlib bomb"),
        "the session view names the error"
    );
    assert_bounded("bomb in a Set-Cookie and a Cookie", cost, input.len(), 40);
}

#[test]
fn many_large_session_cookies_keep_the_audit_bounded() {
    let _alone = alone();
    // Flask-shaped cookies of about 60 KB each, every one different, in 8 MB of responses.
    // The built-in audit hashes a cookie once per built-in secret (about 600): over all of
    // them that was 5 GB of SHA-1 (minutes). Cookies longer than browsers keep
    // (`limits::MAX_AUDITED_COOKIE_BYTES`) are decoded and shown, not audited.
    let mut input = String::new();
    let mut i = 0;
    while input.len() < 8 * MIB {
        let payload = URL_SAFE_NO_PAD.encode(format!("{{\"u\":\"{}{i}\"}}", "x".repeat(44_000)));
        input.push_str(&format!(
            "HTTP/1.1 200 OK\r\nSet-Cookie: session={payload}.awQ8IQ.eikxmOYh5FZb_EkCxiJMuG_qNfE; HttpOnly\r\n\r\n"
        ));
        i += 1;
    }
    let (report, cost) = measure(|| {
        let parsed = parse(input.as_bytes()).unwrap();
        check(&parsed, &Policy::default(), &CheckOptions::full_report())
    });
    assert_eq!(report.exchanges.len(), i);
    for exchange in &report.exchanges {
        assert_eq!(exchange.sessions.len(), 1);
        assert_eq!(exchange.sessions[0].audited, Some(false));
        assert!(exchange.sessions[0].payload.is_some(), "still decoded");
    }
    assert_bounded(
        &format!("{i} session cookies of 60 KB"),
        cost,
        input.len(),
        12,
    );
}
