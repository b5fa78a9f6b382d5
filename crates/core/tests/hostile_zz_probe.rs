mod hostile_support;
use headwarden_core::report::json;
use headwarden_core::{check, parse, CheckOptions, Policy};
use hostile_support::{alone, measure};
#[global_allocator]
static ALLOC: hostile_support::Counting = hostile_support::Counting;

#[test]
fn probe() {
    let _a = alone();
    let entry = std::fs::read_to_string("/tmp/entry.json").unwrap();
    let n = 1000;
    let har = format!("{{\"log\": {{\"entries\": [{}]}}}}", vec![entry.as_str(); n].join(","));
    let parsed = parse(har.as_bytes()).unwrap();
    for (name, opts) in [("default", CheckOptions::default()), ("no audit", CheckOptions { skip_secret_audit: true, ..Default::default() })] {
        let (report, cost) = measure(|| check(&parsed, &Policy::default(), &opts));
        eprintln!("{name}: check peak {} cpu {:?}", cost.peak_bytes, cost.time());
        let (doc, cost) = measure(|| json::render(&report));
        eprintln!("{name}: render peak {} len {} cpu {:?}", cost.peak_bytes, doc.len(), cost.time());
        let (_, cost) = measure(|| drop(report));
        eprintln!("dropped {}", cost.peak_bytes);
    }
    eprintln!("har {}", har.len());
}
