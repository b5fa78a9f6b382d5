//! Helpers shared by the fuzz targets: fuzzer bytes → a response, a request, a policy; and
//! the invariants several targets assert.
//!
//! Every target takes plain bytes so that the seed corpora can be the project's own
//! fixtures (`.http`, `.har`, cookies, CSPs, policies) copied in by `cargo xtask fuzz`.

use std::sync::OnceLock;

use headwarden_core::policy::Mode;
use headwarden_core::{Header, Policy, Request, Response};

/// The presets every policy-driven target runs with, plus the empty policy.
pub const PRESETS: [&str; 3] = ["strict", "balanced", "flask-talisman"];

/// The presets, loaded once per process.
pub fn policies() -> &'static [Policy; 4] {
    static POLICIES: OnceLock<[Policy; 4]> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let load = |name: &str| Policy::load(name).expect("a built-in preset loads");
        [
            load(PRESETS[0]),
            load(PRESETS[1]),
            load(PRESETS[2]),
            Policy::empty(),
        ]
    })
}

/// What the first byte of an enforce/round-trip input selects.
#[derive(Debug, Clone, Copy)]
pub struct Selector {
    /// Index into [`policies`].
    pub policy: usize,
    /// 0: no request; 1: `https://…/login`; 2: `http://…/`; 3: relative `/account/x`.
    pub request: u8,
    /// Build the response from the bytes directly (values may hold CR, LF, NUL) rather
    /// than through `headwarden_core::parse`.
    pub direct: bool,
    pub mode: Mode,
}

impl Selector {
    pub fn of(byte: u8) -> Selector {
        Selector {
            policy: usize::from(byte & 0b11),
            request: (byte >> 2) & 0b11,
            direct: byte & 0b1_0000 != 0,
            mode: if byte & 0b10_0000 != 0 {
                Mode::ReportOnly
            } else {
                Mode::Enforce
            },
        }
    }

    pub fn policy(&self) -> &'static Policy {
        &policies()[self.policy]
    }

    pub fn request(&self) -> Option<Request> {
        let url = match self.request {
            0 => return None,
            1 => "https://shop.example/login",
            2 => "http://shop.example/",
            _ => "/account/settings",
        };
        Some(Request {
            method: Some("GET".into()),
            url: Some(url.into()),
            ..Default::default()
        })
    }
}

/// The responses to enforce: parsed from `data` (`headwarden_core::parse`, so every input
/// format reaches enforce) or built from it directly ([`response_from_bytes`]).
pub fn responses(data: &[u8], direct: bool) -> Vec<(Option<Request>, Response)> {
    if direct {
        return vec![(None, response_from_bytes(data))];
    }
    match headwarden_core::parse(data) {
        Ok(parsed) => parsed
            .exchanges
            .into_iter()
            .take(8)
            .map(|e| (e.request, e.response))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// A response built without the parser's cleaning, as a live origin could send it to the
/// worker: `[HTTP/x NNN]` line, then `name:value` lines split on `\n` only (so values keep
/// CR and NUL; the two characters `\n` in a value become a line feed), then, after an empty
/// line, the body.
pub fn response_from_bytes(data: &[u8]) -> Response {
    let (head, body) = match find(data, b"\n\n") {
        Some(i) => (&data[..i], Some(data[i + 2..].to_vec())),
        None => (data, None),
    };
    let mut response = Response {
        body,
        ..Default::default()
    };
    for (i, line) in head.split(|&b| b == b'\n').enumerate() {
        if i == 0 && line.starts_with(b"HTTP/") {
            let text = String::from_utf8_lossy(line);
            let mut words = text.split_whitespace();
            response.version = words.next().map(str::to_string);
            response.status = words.next().and_then(|s| s.parse().ok());
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = String::from_utf8_lossy(&line[..colon]).into_owned();
        let value = String::from_utf8_lossy(&line[colon + 1..]).replace("\\n", "\n");
        let mut header = Header::new(name, value.trim_start_matches(' '));
        if std::str::from_utf8(&line[colon + 1..]).is_err() {
            header.raw_value = Some(line[colon + 1..].to_vec());
        }
        response.headers.push(header);
    }
    response
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A fixed nonce source (the value does not matter to the invariants).
pub fn nonce() -> impl FnMut() -> String {
    let mut n = 0u32;
    move || {
        n += 1;
        format!("FUZZNONCE{n:04}AAAAAAAAAAAA")
    }
}

/// Header injection must not pass through enforce: no value (nor the raw bytes kept
/// beside it) holds CR, LF or NUL, and every name is non-empty.
pub fn assert_sendable(response: &Response) {
    for h in response.headers.iter() {
        assert!(!h.name.is_empty(), "empty header name after enforce");
        assert!(
            !h.value.contains(['\r', '\n', '\0']),
            "header {:?} value {:?} still holds CR/LF/NUL after enforce",
            h.name,
            h.value
        );
        if let Some(raw) = &h.raw_value {
            assert!(
                !raw.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)),
                "header {:?} raw bytes {:?} still hold CR/LF/NUL after enforce",
                h.name,
                raw
            );
        }
    }
}
