//! Measures `enforce` once: a headers-only response (target ≤ 20 µs) and HTML nonce
//! rewriting throughput (target ≥ 200 MB/s).
//!
//! ```sh
//! cargo run --release -p headwarden-core --example enforce_bench
//! ```

use std::hint::black_box;
use std::time::Instant;

use headwarden_core::policy::{enforce, rewrite_html, NonceOptions, NonceScripts, Policy};
use headwarden_core::{parse, Response};

const HEAD: &str = "HTTP/1.1 200 OK\r\n\
Server: Werkzeug/3.1.9 Python/3.11.7\r\n\
Date: Mon, 23 Nov 2026 13:14:07 GMT\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Length: 991\r\n\
Vary: Cookie\r\n\
X-Powered-By: Flask\r\n\
Set-Cookie: session=eyJfZnJlc2giOmZhbHNlfQ.awQ8Hw.6GBb6nBbcSMvSjJ-8AUUmFcm8cw; HttpOnly; Path=/\r\n\
Set-Cookie: csrftoken=abc; Path=/\r\n\
Set-Cookie: remember_token=1|abc; Expires=Tue, 23 Nov 2027 13:14:07 GMT; HttpOnly; Path=/\r\n\
Connection: close\r\n\r\n";

/// Nanoseconds this thread has run on a CPU (Linux), so figures stay meaningful on a
/// loaded machine where wall time also counts waiting for a core.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Wall seconds and, when known, CPU seconds since `start`.
struct Clock {
    wall: Instant,
    cpu: Option<u64>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu_ns(),
        }
    }

    fn stop(&self) -> (f64, Option<f64>) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = match (self.cpu, cpu_ns()) {
            (Some(a), Some(b)) => Some((b.saturating_sub(a)) as f64 / 1e9),
            _ => None,
        };
        (wall, cpu)
    }
}

/// A server-rendered page: text, markup, a few inline and external scripts.
fn page(bytes: usize) -> Vec<u8> {
    let chunk = "<div class=\"card\"><h2>Darjeeling</h2><p>A light tea with a muscatel flavour, \
                 picked in spring &amp; summer. <a href=\"/tea/1\">More</a></p>\
                 <img src=\"/img/1.png\" alt=\"\"><form action=\"/cart\" method=\"post\">\
                 <input type=\"hidden\" name=\"csrf_token\" value=\"abc\"><button>Add</button></form></div>\n";
    let mut out = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Shop</title>\
                                <script src=\"/static/app.js\" defer></script></head><body>\n",
    );
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(chunk);
        n += 1;
        if n % 20 == 0 {
            out.push_str("<script>window.cards = (window.cards || 0) + 1;</script>\n");
        }
    }
    out.push_str("</body></html>\n");
    out.into_bytes()
}

fn main() {
    // `headers` or `rewrite` runs one part (for `perf stat`); nothing runs both.
    let only = std::env::args().nth(1);
    let want = |part: &str| only.as_deref().is_none_or(|o| o == part);
    let policy = Policy::default();
    let head: Response = parse(HEAD.as_bytes()).unwrap().exchanges.remove(0).response;
    let mut nonce = || "cmFuZG9tLW5vbmNlLTE2Qg==".to_string();

    // Headers only (the worker's case: the body streams through NonceRewriter).
    let iterations = if want("headers") { 200_000 } else { 0 };
    for _ in 0..1_000 {
        let mut r = head.clone();
        black_box(enforce(&mut r, None, &policy, &mut nonce));
    }
    if iterations > 0 {
        let t = Clock::start();
        for _ in 0..iterations {
            let mut r = black_box(head.clone());
            black_box(enforce(&mut r, None, &policy, &mut nonce));
        }
        let (wall, cpu) = t.stop();
        let per = |s: f64| s / f64::from(iterations) * 1e6;
        let cpu = cpu.map_or(String::new(), |c| format!(", {:.2} µs of CPU time", per(c)));
        println!(
            "enforce, headers only (balanced, 11 headers, 3 cookies, input clone included): {:.2} µs per response (wall){cpu}",
            per(wall)
        );
    }

    // HTML rewriting throughput.
    let options = NonceOptions {
        nonce: Some("cmFuZG9tLW5vbmNlLTE2Qg==".into()),
        scripts: Some(NonceScripts::All),
        styles: None,
        remove_meta_csp: true,
        keep_existing: false,
    };
    let sizes: &[usize] = if want("rewrite") {
        &[16 * 1024, 1024 * 1024]
    } else {
        &[]
    };
    for &size in sizes {
        let body = page(size);
        let rounds = (256 * 1024 * 1024 / body.len()).max(4);
        black_box(rewrite_html(&body, &options).unwrap());
        let t = Clock::start();
        let mut scripts = 0;
        for _ in 0..rounds {
            let (out, stats) = rewrite_html(black_box(&body), &options).unwrap();
            scripts = stats.scripts;
            black_box(out);
        }
        let (wall, cpu) = t.stop();
        let mb_s = |secs: f64| (body.len() * rounds) as f64 / secs / 1e6;
        let cpu = cpu.map_or(String::new(), |c| {
            format!(", {:.0} MB/s of CPU time", mb_s(c))
        });
        println!(
            "rewrite_html, {} KiB page ({scripts} scripts): {:.0} MB/s (wall){cpu}",
            body.len() / 1024,
            mb_s(wall)
        );
    }

    // Whole enforce with a body (what the CLI does).
    let mut with_body = head.clone();
    with_body.body = Some(page(64 * 1024));
    let rounds = if only.is_none() { 2_000 } else { 0 };
    if rounds > 0 {
        let t = Clock::start();
        for _ in 0..rounds {
            let mut r = black_box(with_body.clone());
            black_box(enforce(&mut r, None, &policy, &mut nonce));
        }
        let (wall, cpu) = t.stop();
        let per = |s: f64| s / f64::from(rounds) * 1e6;
        let cpu = cpu.map_or(String::new(), |c| format!(", {:.1} µs of CPU time", per(c)));
        println!(
            "enforce with a 64 KiB HTML body: {:.1} µs per response (wall){cpu}",
            per(wall)
        );
    }
}
