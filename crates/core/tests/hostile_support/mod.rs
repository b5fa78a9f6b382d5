//! Shared by the `hostile_*` test binaries: a counting global allocator that tracks the
//! peak of live heap bytes, and [`measure`], which reports the peak heap use of one piece
//! of work above what was live before, and its wall time. The counters are process-wide,
//! so every test starts with `let _alone = alone();`: the tests of one binary then run one
//! at a time and their allocations do not mix.
//!
//! Each binary installs the allocator itself:
//! `#[global_allocator] static ALLOC: hostile_support::Counting = hostile_support::Counting;`
//!
//! Bounds are generous (CPU time < 5 s in the dev profile, memory a small multiple of the
//! input plus a fixed allowance) so that they never flake, yet a quadratic loop or an
//! allocation proportional to what a bomb expands to fails them by orders of magnitude.

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Counts live heap bytes and their peak; the work is done by the system allocator.
pub struct Counting;

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(by: usize) {
    LIVE.fetch_sub(by, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// What one piece of work cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// Peak live heap bytes above those live when the work started.
    pub peak_bytes: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// CPU time of the calling thread (Linux), which the time bound applies to: on a
    /// shared machine the wall time also counts other processes' work.
    pub cpu: Option<Duration>,
}

impl Cost {
    /// The time the bound applies to: CPU time when known, else wall time.
    pub fn time(&self) -> Duration {
        self.cpu.unwrap_or(self.elapsed)
    }
}

/// Generous enough never to flake in the dev profile on a shared 2-core machine.
pub const TIME_BOUND: Duration = Duration::from_secs(5);

/// CPU time (user + system) of the calling thread, from `/proc/thread-self/stat`
/// (fields 14 and 15, in clock ticks of 1/100 s); `None` where there is no procfs.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

/// Fixed allowance on top of the per-byte multiple: lazily built tables (rule registry,
/// precomputed secret states, regexes of other crates), a report's fixed parts.
pub const FIXED_ALLOWANCE: usize = 4 * 1024 * 1024;

/// Holds the binary's test lock for the rest of the test.
pub fn alone() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `work` and measures it (call [`alone`] first).
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Cost) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let cpu_before = thread_cpu_time();
    let started = Instant::now();
    let out = work();
    let elapsed = started.elapsed();
    let cpu = thread_cpu_time()
        .zip(cpu_before)
        .map(|(a, b)| a.saturating_sub(b));
    let peak_bytes = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (
        out,
        Cost {
            peak_bytes,
            elapsed,
            cpu,
        },
    )
}

/// Asserts `cost` is within [`TIME_BOUND`] and `factor` × `input_len` + [`FIXED_ALLOWANCE`].
#[track_caller]
pub fn assert_bounded(what: &str, cost: Cost, input_len: usize, factor: usize) {
    let limit = factor.saturating_mul(input_len) + FIXED_ALLOWANCE;
    eprintln!(
        "{what}: {} bytes in, peak {} bytes ({:.2}x), {:.0} ms CPU, {:.0} ms wall",
        input_len,
        cost.peak_bytes,
        cost.peak_bytes as f64 / input_len.max(1) as f64,
        cost.time().as_secs_f64() * 1000.0,
        cost.elapsed.as_secs_f64() * 1000.0
    );
    assert!(
        cost.time() < TIME_BOUND,
        "{what}: took {:?} of CPU time (bound {TIME_BOUND:?})",
        cost.time()
    );
    assert!(
        cost.peak_bytes <= limit,
        "{what}: peak heap {} bytes for {input_len} bytes of input (bound {limit} = {factor}x + {FIXED_ALLOWANCE})",
        cost.peak_bytes
    );
}
