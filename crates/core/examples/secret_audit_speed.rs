//! How fast the weak-secret audit is. Run in release:
//!
//! ```sh
//! cargo run --release -p headwarden-core --example secret_audit_speed [-- WORDLIST]
//! ```
//!
//! Prints keys/s over a wordlist (flask-unsign's `all.txt` when given, else 56,000
//! generated lines) with one thread and with every core, the cost of the built-in list on
//! one cookie of each kind, and the time of `check()` on a login response (Flask session +
//! Flask-Login remember token) signed by an unknown key, so the built-in list is tried in
//! full: the worst case.
//!
//! Each figure is the best of several runs and is given twice: wall-clock time, and the
//! CPU time of the measuring threads (Linux `/proc/thread-self/schedstat`), which stays
//! meaningful on a machine shared with other jobs.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use headwarden_core::flask::raw_hmac::{Sha512Hmac, Sha512Padded};
use headwarden_core::flask::secrets::{audit_builtin_uncached, flask_sign, warm_up};
use headwarden_core::flask::wordlist::{builtin_secrets, parse_line, strip_newline};
use headwarden_core::flask::SignedCookie;
use headwarden_core::{check, parse, CheckOptions, Policy};

/// A random key, in no list (tests/fixtures: flask-random-key).
const KEY: &[u8] = b"236bf5c95b5be6989ac4d04b614cddf308fcef836a2cccde57f8ba22377fbf97";

/// Wall-clock and CPU time of one measurement.
#[derive(Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

/// CPU time of the calling thread so far; `None` off Linux.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Runs `f` (which returns the CPU time it used beyond the calling thread, for work done
/// on other threads), `runs` times; keeps the best wall and the best CPU time.
fn best_of(runs: usize, mut f: impl FnMut() -> Duration) -> Took {
    let mut best = Took {
        wall: Duration::MAX,
        cpu: Duration::MAX,
    };
    for _ in 0..runs {
        let cpu0 = thread_cpu();
        let t = Instant::now();
        let others = f();
        let wall = t.elapsed();
        let cpu = match (cpu0, thread_cpu()) {
            (Some(a), Some(b)) => b.saturating_sub(a) + others,
            _ => wall,
        };
        best.wall = best.wall.min(wall);
        best.cpu = best.cpu.min(cpu);
    }
    best
}

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
    let n = lines.len() as f64;
    // A Flask cookie signed with a key in no list (tests/fixtures: flask-random-key).
    let cookie = "eyJ1c2VyIjoiYWxpY2UiLCJfZnJlc2giOnRydWV9.awQ8IQ.fEqTXeqdq-gcC-K_M5PQcPrviN0";
    let signed = SignedCookie::parse(cookie).expect("fixture cookie");

    let single = best_of(7, || {
        let hits = lines
            .iter()
            .filter(|l| signed.verify(&parse_line(l)))
            .count();
        assert_eq!(hits, 0);
        Duration::ZERO
    });
    println!(
        "wordlist, 1 thread: {} keys: wall {:.1} ms = {:.0} keys/s; CPU {:.1} ms = {:.0} keys/s",
        lines.len(),
        ms(single.wall),
        n / single.wall.as_secs_f64(),
        ms(single.cpu),
        n / single.cpu.as_secs_f64()
    );

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let all = best_of(7, || {
        let per = lines.len().div_ceil(cores);
        // Wall time on an idle machine is the slowest thread's CPU time.
        let slowest = std::thread::scope(|s| {
            let handles: Vec<_> = lines
                .chunks(per.max(1))
                .map(|part| {
                    let signed = &signed;
                    s.spawn(move || {
                        let c0 = thread_cpu();
                        let hits = part
                            .iter()
                            .filter(|l| signed.verify(&parse_line(l)))
                            .count();
                        assert_eq!(hits, 0);
                        c0.zip(thread_cpu())
                            .map_or(Duration::ZERO, |(a, b)| b.saturating_sub(a))
                    })
                })
                .collect();
            handles
                .into_iter()
                .filter_map(|h| h.join().ok())
                .max()
                .unwrap_or_default()
        });
        // Report the slowest thread as "CPU": main thread did nothing but wait.
        slowest
    });
    println!(
        "wordlist, {cores} threads: wall {:.1} ms = {:.0} keys/s; slowest thread CPU {:.1} ms = {:.0} keys/s",
        ms(all.wall),
        n / all.wall.as_secs_f64(),
        ms(all.cpu),
        n / all.cpu.as_secs_f64()
    );

    let warm = Instant::now();
    warm_up();
    println!(
        "precomputing the built-in keyed states: {:.2} ms (once per process)",
        ms(warm.elapsed())
    );
    println!("built-in list: {} secrets", builtin_secrets().len());
    for (label, value) in [
        ("Flask session", cookie),
        ("remember_token", "1|2f1cc3d83176b899e7fb0d286b6e3fc641451d4be40d83f06905805a1445df1573fa9c454e3ddab5b613880d614bf8aa65578c9e2ca4c79718977e2c25ca6664"),
        ("connect.sid", "s%3ATMBuVIpu3uIOfg0iSwrChhn_aaLoyyCB.eDTnzczu%2F4CwzVmoEDf5rOL5Bf%2FuNQ2YtTKg7J1Ureg"),
    ] {
        let took = best_of(7, || {
            for _ in 0..100 {
                assert!(audit_builtin_uncached(value).is_none());
            }
            Duration::ZERO
        });
        println!(
            "built-in list on one {label}: wall {:.1} µs, CPU {:.1} µs",
            us(took.wall) / 100.0,
            us(took.cpu) / 100.0
        );
    }

    // check() on login responses (Flask session + remember token, as Flask-Login sends
    // them) whose cookies are new each time (no cache hit).
    let responses: Vec<_> = (0..3_000u32)
        .map(|i| {
            let payload = URL_SAFE_NO_PAD.encode(format!("{{\"user\":\"alice\",\"n\":{i}}}"));
            let ts = URL_SAFE_NO_PAD.encode(1_795_439_649u32.wrapping_add(i).to_be_bytes());
            let message = format!("{payload}.{ts}");
            let sig = flask_sign(KEY, message.as_bytes());
            let id = i.to_string();
            let digest = Sha512Hmac::new(KEY).mac(&Sha512Padded::new(id.as_bytes()));
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            let http = format!(
                "HTTP/1.1 302 FOUND\r\nServer: gunicorn\r\nContent-Type: text/html; charset=utf-8\r\nLocation: /me\r\nVary: Cookie\r\nSet-Cookie: remember_token={id}|{hex}; HttpOnly; Path=/\r\nSet-Cookie: session={message}.{sig}; HttpOnly; Path=/\r\n\r\n"
            );
            parse(http.as_bytes()).expect("parses")
        })
        .collect();
    let policy = Policy::default();
    let audited = CheckOptions::default();
    let skipped = CheckOptions {
        skip_secret_audit: true,
        ..Default::default()
    };
    let per_response = |take: &dyn Fn(usize) -> usize, options: &CheckOptions| {
        let mut next = 0;
        let took = best_of(3, || {
            for _ in 0..1_000 {
                std::hint::black_box(check(&responses[take(next)], &policy, options));
                next += 1;
            }
            Duration::ZERO
        });
        (us(took.wall) / 1_000.0, us(took.cpu) / 1_000.0)
    };
    let new = per_response(&|i| i % responses.len(), &audited);
    let cached = per_response(&|i| i % 8, &audited);
    let skip = per_response(&|i| i % responses.len(), &skipped);
    for (label, (wall, cpu)) in [
        ("new session + remember_token", new),
        ("cached cookies", cached),
        ("skip_secret_audit", skip),
    ] {
        println!("check(), {label}: wall {wall:.1} µs, CPU {cpu:.1} µs per response");
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
