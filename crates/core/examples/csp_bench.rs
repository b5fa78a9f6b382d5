//! Throughput of `csp::check_csp` over the anchor corpus, in the three modes of
//! `anchors/csp/bench.mjs` (Google CSP Evaluator's harness):
//! - `core`: parse and evaluate (compact findings, nothing rendered);
//! - `strict`: the same (headwarden's rules include the strict-CSP checks);
//! - `harness`: plus rendering every finding and the policy view, serialised to JSON.
//!
//! `cargo run --release -p headwarden-core --example csp_bench [CORPUS] [TARGET] [RUNS]`
//! `[MODE]` (defaults: `../shared/anchors/csp/corpus.txt`, 200000 evaluations per run, 3
//! runs, every mode);
//! prints the median evaluations per second of each mode.

use std::hint::black_box;
use std::time::Instant;

use headwarden_core::csp::check_csp;

/// CPU time this thread has run, from Linux's `/proc/thread-self/schedstat` (the wall
/// clock alone understates throughput on a busy shared machine).
fn cpu_time_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/anchors/csp/corpus.txt"
        )
        .to_string()
    });
    let target: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let only = args.next();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let passes = target.div_ceil(lines.len().max(1));
    let evaluations = passes * lines.len();
    println!(
        "corpus: {} policies ({path}); {passes} passes = {evaluations} evaluations per run; {runs} runs",
        lines.len()
    );

    type Mode = (&'static str, fn(&str) -> usize);
    let modes: [Mode; 3] = [
        ("core", |l| check_csp(l).raw.len()),
        ("strict", |l| check_csp(l).raw.len()),
        ("harness", |l| {
            let report = check_csp(l).report();
            serde_json::to_string(&report).map_or(0, |s| s.len())
        }),
    ];
    for (name, run) in modes {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        // Warm-up: two passes.
        for _ in 0..2 {
            for l in &lines {
                black_box(run(black_box(l)));
            }
        }
        let mut rates = Vec::with_capacity(runs);
        let mut cpu_rates = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let cpu_start = cpu_time_ns();
            for _ in 0..passes {
                for l in &lines {
                    black_box(run(black_box(l)));
                }
            }
            rates.push(evaluations as f64 / start.elapsed().as_secs_f64());
            if let (Some(a), Some(b)) = (cpu_start, cpu_time_ns()) {
                cpu_rates.push(evaluations as f64 / ((b - a) as f64 / 1e9));
            }
        }
        rates.sort_by(|a, b| a.total_cmp(b));
        cpu_rates.sort_by(|a, b| a.total_cmp(b));
        let shown: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
        let cpu = cpu_rates
            .get(cpu_rates.len() / 2)
            .map_or(String::new(), |r| format!("; per CPU-second {r:.0}/s"));
        println!(
            "{name:8} median {:>10.0} policies/s wall clock{cpu}   (runs: {})",
            rates[rates.len() / 2],
            shown.join(" / ")
        );
    }
}
