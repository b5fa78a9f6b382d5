//! Hard limits on input. Past a limit, parsing fails with a clear error
//! ([`crate::input::InputError`]) rather than producing a partial report.
//! They are documented in the README; each is tested at, below and above.

/// Largest input accepted by [`crate::parse`]: 32 MiB.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;
/// Longest header line: 64 KiB (servers reject far less: nginx 8 KiB, Node 16 KiB in all).
pub const MAX_HEADER_LINE_BYTES: usize = 64 * 1024;
/// Most header lines in one request or response.
pub const MAX_HEADERS: usize = 1_000;
/// Most exchanges in one input (HAR entries, responses in a `curl -iL` chain).
pub const MAX_EXCHANGES: usize = 20_000;
/// Body bytes kept per response; the rest is cut (and the report notes it).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Deepest JSON nesting accepted (HAR or JSON headers).
pub const MAX_JSON_DEPTH: usize = 64;
