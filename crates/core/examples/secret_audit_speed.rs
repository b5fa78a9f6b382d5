//! How fast the weak-secret audit is. Run in release:
//!
//! ```sh
//! cargo run --release -p headwarden-core --example secret_audit_speed [-- WORDLIST]
//! ```
//!
//! Prints keys/s over a wordlist (flask-unsign's `all.txt` when given, else 56,000
//! generated lines) with one thread and with every core, and the time of `check()` on a
//! response with a Flask session cookie signed by an unknown key (the built-in list is tried
//! in full: the worst case), uncached and cached.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use headwarden_core::flask::raw_hmac::{Sha512Hmac, Sha512Padded};
use headwarden_core::flask::secrets::{audit_builtin_uncached, flask_sign, warm_up};

/// A random key, in no list (tests/fixtures: flask-random-key).
const KEY: &[u8] = b"236bf5c95b5be6989ac4d04b614cddf308fcef836a2cccde57f8ba22377fbf97";
use headwarden_core::flask::wordlist::{parse_line, strip_newline};
use headwarden_core::flask::SignedCookie;
use headwarden_core::{check, parse, CheckOptions, Policy};

fn main() {
    let wordlist = match std::env::args().nth(1) {
        Some(path) => std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
        None => (0..56_000)
            .flat_map(|i| format!("generated-secret-{i}\n").into_bytes())
            .collect(),
    };
    let lines: Vec<&[u8]> = wordlist
        .split(|&b| b == b'\n')
        .map(strip_newline)
        .filter(|l| !l.is_empty())
        .collect();
    // A Flask cookie signed with a key in no list (tests/fixtures: flask-random-key).
    let cookie = "eyJ1c2VyIjoiYWxpY2UiLCJfZnJlc2giOnRydWV9.awQ8IQ.fEqTXeqdq-gcC-K_M5PQcPrviN0";
    let signed = SignedCookie::parse(cookie).expect("fixture cookie");

    let single = best_of(5, || {
        let hits = lines
            .iter()
            .filter(|l| signed.verify(&parse_line(l)))
            .count();
        assert_eq!(hits, 0);
    });
    println!(
        "wordlist, 1 thread:  {} keys in {:.1} ms = {:.0} keys/s",
        lines.len(),
        ms(single),
        lines.len() as f64 / single.as_secs_f64()
    );

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let all = best_of(5, || {
        let per = lines.len().div_ceil(cores);
        std::thread::scope(|s| {
            for part in lines.chunks(per.max(1)) {
                let signed = &signed;
                s.spawn(move || {
                    part.iter()
                        .filter(|l| signed.verify(&parse_line(l)))
                        .count()
                });
            }
        });
    });
    println!(
        "wordlist, {cores} threads: {} keys in {:.1} ms = {:.0} keys/s",
        lines.len(),
        ms(all),
        lines.len() as f64 / all.as_secs_f64()
    );

    // check() on login responses (Flask session + remember token, as Flask-Login sends
    // them) whose cookies are new each time (no cache hit).
    let warm = Instant::now();
    warm_up();
    println!(
        "precomputing the built-in keyed states: {:.2} ms (once per process)",
        ms(warm.elapsed())
    );
    let responses: Vec<_> = (0..2_000u32)
        .map(|i| {
            let payload = URL_SAFE_NO_PAD.encode(format!("{{\"user\":\"alice\",\"n\":{i}}}"));
            let ts = URL_SAFE_NO_PAD.encode(1_795_439_649u32.wrapping_add(i).to_be_bytes());
            let message = format!("{payload}.{ts}");
            let sig = flask_sign(KEY, message.as_bytes());
            // Flask-Login's remember token for user i, with the same key.
            let id = i.to_string();
            let digest = Sha512Hmac::new(KEY).mac(&Sha512Padded::new(id.as_bytes()));
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            let http = format!(
                "HTTP/1.1 302 FOUND\r\nServer: gunicorn\r\nContent-Type: text/html; charset=utf-8\r\nLocation: /me\r\nVary: Cookie\r\nSet-Cookie: remember_token={id}|{hex}; HttpOnly; Path=/\r\nSet-Cookie: session={message}.{sig}; HttpOnly; Path=/\r\n\r\n"
            );
            (parse(http.as_bytes()).expect("parses"), format!("{message}.{sig}"))
        })
        .collect();
    let policy = Policy::default();
    let audited = CheckOptions::default();
    let skipped = CheckOptions {
        skip_secret_audit: true,
        ..Default::default()
    };
    let per_call = |f: &mut dyn FnMut(usize)| {
        let t = Instant::now();
        for i in 0..responses.len() {
            f(i);
        }
        t.elapsed() / responses.len() as u32
    };
    let audit_only = per_call(&mut |i| {
        assert!(audit_builtin_uncached(&responses[i].1).is_none());
    });
    let uncached = per_call(&mut |i| {
        std::hint::black_box(check(&responses[i].0, &policy, &audited));
    });
    let cached = per_call(&mut |i| {
        std::hint::black_box(check(&responses[i % 8].0, &policy, &audited));
    });
    let without = per_call(&mut |i| {
        std::hint::black_box(check(&responses[i].0, &policy, &skipped));
    });
    // Other kinds: one cookie each, timed uncached (the key is not in the list).
    let other = |cookie: &str| {
        let t = Instant::now();
        for _ in 0..200 {
            assert!(audit_builtin_uncached(cookie).is_none());
        }
        t.elapsed() / 200
    };
    let remember = other("1|2f1cc3d83176b899e7fb0d286b6e3fc641451d4be40d83f06905805a1445df1573fa9c454e3ddab5b613880d614bf8aa65578c9e2ca4c79718977e2c25ca6664");
    let express = other(
        "s%3ATMBuVIpu3uIOfg0iSwrChhn_aaLoyyCB.eDTnzczu%2F4CwzVmoEDf5rOL5Bf%2FuNQ2YtTKg7J1Ureg",
    );
    let builtin = headwarden_core::flask::wordlist::builtin_secrets().len();
    println!("built-in list: {builtin} secrets");
    println!(
        "audit_builtin (uncached, full list): {:.1} µs/cookie",
        us(audit_only)
    );
    println!(
        "audit_builtin, remember_token:       {:.1} µs/cookie",
        us(remember)
    );
    println!(
        "audit_builtin, connect.sid:          {:.1} µs/cookie",
        us(express)
    );
    println!(
        "check(), new session + remember_token: {:.1} µs/response",
        us(uncached)
    );
    println!(
        "check(), cached cookies:              {:.1} µs/response",
        us(cached)
    );
    println!(
        "check(), skip_secret_audit:           {:.1} µs/response",
        us(without)
    );
}

fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
