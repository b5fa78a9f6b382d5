//! Native benchmarks of headwarden-core. `cargo xtask bench` runs this in release and
//! prints its lines beside the peers' figures. Each figure is the median of several
//! timed batches, so one slow batch (a noisy neighbour on the 2-core machine) does not
//! move it.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use headwarden_core::{check, parse, CheckOptions, Policy};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let only = std::env::args().nth(1);
    let run = |name: &str| only.as_deref().is_none_or(|o| name.starts_with(o));
    if run("check") {
        bench_check(&root);
    }
}

/// Median time per call of `f`, over `batches` batches of `per_batch` calls.
fn median_per_call(batches: usize, per_batch: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..per_batch.min(1000) {
        f(); // warm-up
    }
    let mut times: Vec<Duration> = (0..batches)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..per_batch {
                f();
            }
            t.elapsed() / per_batch as u32
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn fixture(root: &Path, name: &str) -> Vec<u8> {
    let p: PathBuf = root.join("tests/fixtures").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `check()` on realistic responses: 15–25 headers, a CSP, 1–3 cookies.
fn bench_check(root: &Path) {
    let policy = Policy::default();
    let plain = CheckOptions {
        skip_secret_audit: true,
        ..Default::default()
    };
    let audited = CheckOptions::default();
    let cases: [(&str, &str, &CheckOptions); 4] = [
        (
            "talisman index (CSP, 1 cookie, no audit)",
            "flask-talisman-index.http",
            &plain,
        ),
        (
            "django index (CSP-less, csrftoken cookie)",
            "django-runserver-index.http",
            &plain,
        ),
        ("strict synthetic (20 headers, CSP, 2 cookies)", "", &plain),
        (
            "login POST with Flask session + remember_token, built-in secret audit",
            "flask-gunicorn-login-post.http",
            &audited,
        ),
    ];
    for (label, file, options) in cases {
        let bytes = if file.is_empty() {
            synthetic_strict().into_bytes()
        } else {
            fixture(root, file)
        };
        let parsed = parse(&bytes).expect("fixture parses");
        let t = median_per_call(25, 2_000, || {
            black_box(check(black_box(&parsed), &policy, options));
        });
        let tp = median_per_call(25, 2_000, || {
            black_box(parse(black_box(&bytes)).ok());
        });
        println!(
            "check: {:>8.2} µs/response (+ parse {:.2} µs)  {label}",
            t.as_secs_f64() * 1e6,
            tp.as_secs_f64() * 1e6
        );
    }
}

fn synthetic_strict() -> String {
    [
        "HTTP/2 200",
        "content-type: text/html; charset=utf-8",
        "content-length: 5120",
        "date: Mon, 23 Nov 2026 12:00:00 GMT",
        "cache-control: no-store",
        "strict-transport-security: max-age=63072000; includeSubDomains; preload",
        "content-security-policy: script-src 'nonce-r4nd0mN0nceV4lue01' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'; report-uri /csp",
        "x-content-type-options: nosniff",
        "x-frame-options: SAMEORIGIN",
        "referrer-policy: strict-origin-when-cross-origin",
        "permissions-policy: camera=(), microphone=(), geolocation=()",
        "cross-origin-opener-policy: same-origin",
        "cross-origin-resource-policy: same-origin",
        "set-cookie: __Host-session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax",
        "set-cookie: prefs=dark; Path=/; Secure; SameSite=Lax; Max-Age=31536000",
        "vary: Accept-Encoding, Cookie",
        "etag: \"5f3c-1a2b\"",
        "server: edge",
        "x-request-id: 7d1e5c9a-3b2f-4e8a-9c6d-0f1e2d3c4b5a",
        "alt-svc: h3=\":443\"; ma=86400",
        "",
        "",
    ]
    .join("\r\n")
}
