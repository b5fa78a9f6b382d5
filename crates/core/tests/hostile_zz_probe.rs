mod hostile_support;
use hostile_support::{alone, measure};
#[global_allocator]
static ALLOC: hostile_support::Counting = hostile_support::Counting;
#[test]
fn probe() {
    let _a = alone();
    for size in [16usize << 10, 64 << 10, 256 << 10] {
        for unit in [
            " a",
            " 'self'",
            ";a",
            ",a",
            " https://a.example",
            " 'nonce-abcdefgh'",
        ] {
            let mut s = String::from("script-src");
            while s.len() < size {
                s.push_str(unit);
            }
            let (c, cost) = measure(|| headwarden_core::csp::check_csp(&s));
            let (f, cost1) = measure(|| c.findings().len());
            let (v, cost3) = measure(|| c.view().len());
            eprintln!("{size} {unit:?}: parse+eval peak {:.1}x cpu {:?} raw {}; findings {f} peak {:.1}x {:?}; view {v} peak {:.1}x {:?}", cost.peak_bytes as f64 / s.len() as f64, cost.time(), c.raw.len(), cost1.peak_bytes as f64 / s.len() as f64, cost1.time(), cost3.peak_bytes as f64 / s.len() as f64, cost3.time());
        }
    }
}
