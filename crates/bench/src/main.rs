//! Native benchmarks of headwarden-core. `cargo xtask bench` runs this in release and
//! prints its lines beside the peers' figures. Each figure is the median of several
//! timed batches, so one slow batch (a noisy neighbour on the 2-core machine) does not
//! move it. Budgets are printed next to the figures, never asserted: a busy machine must
//! not fail a build.
//!
//! `headwarden-bench [check|csp]` runs one group; `headwarden-bench profile <case> <n>`
//! runs one `check` case (or `csp`, the corpus) `n` times untimed, for
//! `valgrind --tool=callgrind`, which counts instructions repeatably on a shared machine.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use headwarden_core::csp::check_csp;
use headwarden_core::{check, parse, CheckOptions, Policy};

/// Issue #3: median `check()` per response without a signed session cookie.
const BUDGET_CHECK_PLAIN_US: f64 = 10.0;
/// Issue #3: with a Flask session cookie, the built-in weak-secret audit included.
const BUDGET_CHECK_SESSION_US: f64 = 100.0;
/// Issue #4: CSP evaluations per second on the anchor corpus.
const BUDGET_CSP_PER_S: f64 = 500_000.0;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("profile") {
        profile(&root, &args[1..]);
        return;
    }
    let only = args.first();
    let run = |name: &str| only.is_none_or(|o| name.starts_with(o.as_str()));
    if run("check") {
        bench_check(&root);
    }
    if run("csp") {
        bench_csp(&root);
    }
}

/// Time per call of `f`, over `batches` batches of `per_batch` calls: the median batch
/// by wall clock, and the mean CPU time of this thread over all batches when Linux tells
/// it (its clock ticks may be coarse, so it is summed, not taken per batch).
fn median_per_call(batches: usize, per_batch: usize, mut f: impl FnMut()) -> PerCall {
    for _ in 0..per_batch.min(1000) {
        f(); // warm-up
    }
    let mut wall = Vec::with_capacity(batches);
    let cpu_start = cpu_time_ns();
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        wall.push(t.elapsed() / per_batch as u32);
    }
    let calls = (batches * per_batch) as u32;
    let cpu = cpu_start
        .zip(cpu_time_ns())
        .map(|(a, b)| Duration::from_nanos(b.saturating_sub(a)) / calls);
    wall.sort();
    PerCall {
        wall: wall[wall.len() / 2],
        cpu,
    }
}

struct PerCall {
    wall: Duration,
    cpu: Option<Duration>,
}

impl PerCall {
    fn wall_us(&self) -> f64 {
        self.wall.as_secs_f64() * 1e6
    }

    fn cpu_us(&self) -> Option<f64> {
        self.cpu.map(|c| c.as_secs_f64() * 1e6)
    }
}

fn fixture(root: &Path, name: &str) -> Vec<u8> {
    let p: PathBuf = root.join("tests/fixtures").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// One `check` benchmark case.
struct Case {
    name: &'static str,
    label: &'static str,
    /// A fixture under `tests/fixtures`, or `None` for [`synthetic_strict`].
    fixture: Option<&'static str>,
    /// Whether it carries a signed session cookie that the built-in audit tries.
    audited: bool,
}

/// Realistic responses: 15–25 headers, a CSP, 1–3 cookies.
const CASES: &[Case] = &[
    Case {
        name: "talisman",
        label: "talisman index (CSP, 1 cookie, no audit)",
        fixture: Some("flask-talisman-index.http"),
        audited: false,
    },
    Case {
        name: "django",
        label: "django index (CSP-less, csrftoken cookie)",
        fixture: Some("django-runserver-index.http"),
        audited: false,
    },
    Case {
        name: "strict",
        label: "strict synthetic (20 headers, CSP, 2 cookies)",
        fixture: None,
        audited: false,
    },
    Case {
        name: "session",
        label: "login POST with Flask session + remember_token, built-in secret audit",
        fixture: Some("flask-gunicorn-login-post.http"),
        audited: true,
    },
];

impl Case {
    fn bytes(&self, root: &Path) -> Vec<u8> {
        match self.fixture {
            Some(file) => fixture(root, file),
            None => synthetic_strict().into_bytes(),
        }
    }

    fn options(&self) -> CheckOptions {
        CheckOptions {
            skip_secret_audit: !self.audited,
            ..Default::default()
        }
    }
}

fn bench_check(root: &Path) {
    let policy = Policy::default();
    let (mut plain, mut plain_cpu) = (Vec::new(), Vec::new());
    let (mut audited, mut audited_cpu) = (Vec::new(), Vec::new());
    for case in CASES {
        let bytes = case.bytes(root);
        let options = case.options();
        let parsed = parse(&bytes).expect("fixture parses");
        let t = median_per_call(25, 2_000, || {
            black_box(check(black_box(&parsed), &policy, &options));
        });
        let tp = median_per_call(25, 2_000, || {
            black_box(parse(black_box(&bytes)).ok());
        });
        let (walls, cpus) = if case.audited {
            (&mut audited, &mut audited_cpu)
        } else {
            (&mut plain, &mut plain_cpu)
        };
        walls.push(t.wall_us());
        cpus.extend(t.cpu_us());
        println!(
            "check: {:>8.2} µs/response{} (+ parse {:.2} µs)  {}",
            t.wall_us(),
            t.cpu_us()
                .map_or(String::new(), |c| format!(" ({c:.2} µs CPU)")),
            tp.wall_us(),
            case.label
        );
    }
    let cpu = |v: &mut Vec<f64>| {
        if v.is_empty() {
            String::new()
        } else {
            format!(" ({:.2} µs CPU)", median(v))
        }
    };
    let (plain_wall, audited_wall) = (median(&mut plain), median(&mut audited));
    println!(
        "check: median {plain_wall:.2} µs{} without a session audit (budget ≤ {BUDGET_CHECK_PLAIN_US} µs: {}); \
         {audited_wall:.2} µs{} with a Flask session and the built-in audit (budget ≤ {BUDGET_CHECK_SESSION_US} µs: {})",
        cpu(&mut plain_cpu),
        verdict(plain_wall <= BUDGET_CHECK_PLAIN_US),
        cpu(&mut audited_cpu),
        verdict(audited_wall <= BUDGET_CHECK_SESSION_US),
    );
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn verdict(within: bool) -> &'static str {
    if within {
        "within"
    } else {
        "OVER"
    }
}

fn corpus(root: &Path) -> (PathBuf, String) {
    let path = std::env::var_os("HEADWARDEN_CSP_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/anchors/csp/corpus.txt"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set HEADWARDEN_CSP_CORPUS)", path.display()));
    (path, text)
}

fn corpus_lines(text: &str) -> Vec<&str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// CPU time this thread has run, from Linux's `/proc/thread-self/schedstat` (the wall
/// clock alone understates throughput on a busy shared machine).
fn cpu_time_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// `check_csp` (parse and evaluate, findings not rendered) over the anchor corpus, as
/// `anchors/csp/bench.mjs` does for Google's CSP Evaluator ("core" mode), and the same
/// per byte of policy to show it is linear in policy size.
fn bench_csp(root: &Path) {
    let (path, text) = corpus(root);
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let lines = corpus_lines(&text);
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    let passes = 200_000usize.div_ceil(lines.len().max(1));
    let evaluations = passes * lines.len();
    let pass = || {
        for l in &lines {
            black_box(check_csp(black_box(l)).raw.len());
        }
    };
    for _ in 0..2 {
        pass(); // warm-up
    }
    let mut wall = Vec::new();
    let cpu_start = cpu_time_ns();
    let runs = 5;
    for _ in 0..runs {
        let t = Instant::now();
        for _ in 0..passes {
            pass();
        }
        wall.push(evaluations as f64 / t.elapsed().as_secs_f64());
    }
    let wall = median(&mut wall);
    let cpu = cpu_start
        .zip(cpu_time_ns())
        .map_or(String::new(), |(a, b)| {
            let secs = b.saturating_sub(a) as f64 / 1e9;
            format!(
                ", {:.0}/s per CPU-second",
                (runs * evaluations) as f64 / secs
            )
        });
    println!(
        "csp: {wall:.0} policies/s wall{cpu} = {:.0} MB/s of policy text ({} policies, {bytes} bytes, {})  \
         (budget ≥ {BUDGET_CSP_PER_S:.0}/s: {})",
        wall * bytes as f64 / lines.len() as f64 / 1e6,
        lines.len(),
        path.display(),
        verdict(wall >= BUDGET_CSP_PER_S),
    );
    // Linearity: time per byte for short, medium and long policies alike.
    let mut by_size: Vec<&str> = lines.clone();
    by_size.sort_by_key(|l| l.len());
    let third = by_size.len().div_ceil(3);
    let mut per_byte = Vec::new();
    for group in by_size.chunks(third.max(1)) {
        let group_bytes: usize = group.iter().map(|l| l.len()).sum::<usize>().max(1);
        let reps = (2_000_000 / group_bytes).max(1);
        let t = median_per_call(7, reps, || {
            for l in group {
                black_box(check_csp(black_box(l)).raw.len());
            }
        });
        let spent = t.cpu.unwrap_or(t.wall);
        per_byte.push(format!(
            "{}–{} B: {:.1} ns/B",
            group.first().map_or(0, |l| l.len()),
            group.last().map_or(0, |l| l.len()),
            spent.as_secs_f64() * 1e9 / group_bytes as f64
        ));
    }
    println!(
        "csp: CPU time by policy size (linear if ns/B does not grow with size): {}",
        per_byte.join(", ")
    );
}

/// Runs one case `n` times with no timing, for instruction-counting profilers.
fn profile(root: &Path, args: &[String]) {
    let name = args.first().map_or("talisman", String::as_str);
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000);
    if name == "csp" {
        let (_, text) = corpus(root);
        let lines = corpus_lines(&text);
        for _ in 0..n {
            for l in &lines {
                black_box(check_csp(black_box(l)).raw.len());
            }
        }
        return;
    }
    let case = CASES
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("unknown case `{name}`; one of: csp, {}", case_names()));
    let bytes = case.bytes(root);
    let parsed = parse(&bytes).expect("fixture parses");
    let policy = Policy::default();
    let options = case.options();
    for _ in 0..n {
        black_box(check(black_box(&parsed), &policy, &options));
    }
}

fn case_names() -> String {
    CASES.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
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
