//! Hard limits on input. Past a limit, parsing fails with a clear error
//! ([`crate::input::InputError`]) naming where, rather than producing a partial report.
//! They are documented in the README; each is tested at, below and above
//! (`crates/core/tests/input_limits.rs`).
//!
//! Together they bound memory (a small constant factor of the input size) and time
//! (linear in the input size) on every surface, including the 128 MiB-ish wasm heap of a
//! browser tab or an edge worker.

/// Largest input accepted by [`crate::parse`]: 32 MiB (33,554,432 bytes).
///
/// Far above any response head or `curl -v` paste, and above most HAR exports with bodies
/// (a HAR of 10,000 entries without bodies is around 15 MB). Larger input fails with
/// `TooLarge` before anything is read.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// Longest header line: 64 KiB (65,536 bytes), name, colon and value together.
///
/// Servers reject far less (nginx 8 KiB per line by default, Node 16 KiB for the whole
/// head, Apache 8 KiB); 64 KiB leaves room for the largest real CSP headers. A longer line
/// fails with `LineTooLong` naming the line (or the HAR/JSON path). Body lines are not
/// header lines and are not limited by this.
pub const MAX_HEADER_LINE_BYTES: usize = 64 * 1024;

/// Most header lines in one request or response: 1,000.
///
/// Browsers and servers stop near 100 (Apache `LimitRequestFields` 100, Node 2,000 as a
/// parser bound). More fails with `TooManyHeaders`. obs-fold continuation lines count.
pub const MAX_HEADERS: usize = 1_000;

/// Most header lines in the whole input, all messages together: 1,000,000.
///
/// A HAR of 20,000 entries with 25 request and 25 response headers each. Keeps memory
/// bounded (about 150 MB at worst, measured) even for input made of tiny header lines,
/// where each 5-byte `a: b` line becomes a header record of about 140 bytes; realistic
/// input needs about twice its own size. More fails with `TooManyHeadersTotal`.
pub const MAX_TOTAL_HEADERS: usize = 1_000_000;

/// Most exchanges in one input: 20,000 (HAR entries, responses in a `curl -iL` chain or a
/// `curl -v -L` log, items of a JSON array). Skipped interim responses do not count.
///
/// A HAR of a long browsing session holds a few thousand entries; 20,000 keeps the report
/// bounded. More fails with `TooManyExchanges`.
pub const MAX_EXCHANGES: usize = 20_000;

/// Body bytes kept per response: 2 MiB (2,097,152 bytes). The rest is cut and a note says
/// so; this is not an error. Enough for any HTML page the body rules read (debugger pages,
/// `<meta>` CSP, `<script nonce>`).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Deepest JSON nesting accepted (HAR or JSON headers): 64 levels of objects and arrays.
///
/// A HAR needs 6, the JSON header forms 3. Checked by a linear pre-scan before
/// deserialising, so a document nested 10,000 deep fails with `TooDeep` (line and column)
/// and never exhausts the stack; serde_json's own recursion limit (128) stays on behind it.
pub const MAX_JSON_DEPTH: usize = 64;

/// Most notes (body cut, skipped entries, control bytes…) kept in a parse result: 100; the
/// rest are counted in one final note. Not an error.
pub const MAX_NOTES: usize = 100;

/// Longest cookie value the built-in weak-secret audit of [`crate::check`] tries: 4 KiB
/// (4,096 bytes), the most browsers store for a cookie's name and value together.
///
/// The audit hashes the cookie once per built-in secret (about 600), so it costs 600 times
/// the cookie's length: without this bound a 32 MiB paste of large session cookies took
/// minutes. A browser drops a longer cookie anyway. Longer cookies are still decoded and
/// shown, with `audited: false`; not an error. Explicit audits (`audit_secret`, the CLI's
/// `session audit`) are not bounded by it.
pub const MAX_AUDITED_COOKIE_BYTES: usize = 4096;
