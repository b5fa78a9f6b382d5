mod hostile_support;
use hostile_support::{alone, measure};
#[global_allocator]
static ALLOC: hostile_support::Counting = hostile_support::Counting;
#[test]
fn probe() {
    let _a = alone();
    for unit in [" a", " 'self'", ";a", ",a", " https://a.example"] {
        let mut s = String::from("script-src");
        while s.len() < 8 << 20 { s.push_str(unit); }
        let (c, cost) = measure(|| headwarden_core::csp::check_csp(&s));
        let (r, cost2) = measure(|| serde_json::to_string(&c.report()).unwrap().len());
        eprintln!("{unit:?}: check peak {:.1}x cpu {:?}; report peak {:.1}x len {r} cpu {:?}", cost.peak_bytes as f64 / s.len() as f64, cost.time(), cost2.peak_bytes as f64 / s.len() as f64, cost2.time());
    }
}
