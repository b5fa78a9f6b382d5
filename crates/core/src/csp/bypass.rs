//! Known allowlist bypasses: hosts that serve JSONP endpoints, AngularJS builds or Flash
//! files with which an attacker can run script under a host-allowlist CSP. The lists are
//! Google CSP Evaluator's (see the header of each file in `csp/data/`), kept as data and
//! parsed once into hash maps, so a lookup costs a hash probe and a short bucket scan
//! rather than a pass over every URL.
//!
//! Matching follows the evaluator's `matchWildcardUrls`: scheme and port of the CSP
//! source are ignored; an exact host must equal a listed host; `*.example.com` matches
//! listed hosts that end in `.example.com`; a path ending in `/` matches listed paths
//! under it, any other path must be equal. The first listed entry that matches is the
//! one reported (the list order decides which JSONP host needs `'unsafe-eval'`).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::source::HostPattern;

const JSONP: &str = include_str!("data/jsonp.txt");
const JSONP_NEEDS_EVAL: &str = include_str!("data/jsonp_needs_eval.txt");
const ANGULAR: &str = include_str!("data/angular.txt");
const FLASH: &str = include_str!("data/flash.txt");

/// A multiply-rotate hash, eight bytes at a time: the keys are short host names hashed on
/// every lookup, and SipHash's DoS resistance is not needed for a fixed, built-in key set.
#[derive(Default)]
struct HostHasher(u64);

impl Hasher for HostHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
        self.0 = h;
    }
}

type HostMap<K, V> = HashMap<K, V, BuildHasherDefault<HostHasher>>;

/// One listed URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Lowercase host.
    pub host: &'static str,
    /// The path, `/` when the URL has none.
    pub path: &'static str,
}

/// One list, indexed by exact host and by every parent domain of each host.
#[derive(Debug, Default)]
pub struct BypassList {
    entries: Vec<Entry>,
    /// host → indexes of its entries, in list order.
    by_host: HostMap<&'static str, Vec<u16>>,
    /// `example.com` → indexes of entries whose host ends in `.example.com`, in list order.
    by_parent: HostMap<&'static str, Vec<u16>>,
}

impl BypassList {
    fn parse(data: &'static str) -> BypassList {
        let mut list = BypassList::default();
        for line in data.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let url = line.strip_prefix("//").unwrap_or(line);
            let (host, path) = match url.find('/') {
                Some(i) => (&url[..i], &url[i..]),
                None => (url, "/"),
            };
            let index = list.entries.len() as u16;
            list.entries.push(Entry { host, path });
            list.by_host.entry(host).or_default().push(index);
            for (i, _) in host.match_indices('.') {
                list.by_parent
                    .entry(&host[i + 1..])
                    .or_default()
                    .push(index);
            }
        }
        list
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first listed entry matched by a CSP host source with this host and path.
    pub fn find(&self, host: HostPattern<&str>, path: Option<&str>) -> Option<&Entry> {
        let mut buf = [0u8; 253];
        let (map, h) = match host {
            HostPattern::Any => return None,
            HostPattern::Exact(h) => (&self.by_host, lowercase_if_needed(h, &mut buf)?),
            HostPattern::Wildcard(h) => (&self.by_parent, lowercase_if_needed(h, &mut buf)?),
        };
        let bucket = map.get(h)?;
        // A path of "/" (or none) matches every entry of the host.
        let path = path.filter(|p| *p != "/");
        bucket
            .iter()
            .filter_map(|&i| self.entries.get(usize::from(i)))
            .find(|e| match path {
                None => true,
                Some(p) if p.ends_with('/') => e.path.starts_with(p),
                Some(p) => e.path == p,
            })
    }
}

/// `s` itself when it has no uppercase letter, else its ASCII-lowercase copy in `buf`;
/// `None` when it does not fit (no listed host is that long).
fn lowercase_if_needed<'b>(s: &'b str, buf: &'b mut [u8; 253]) -> Option<&'b str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        lowercase(s, buf)
    } else {
        Some(s)
    }
}

/// ASCII-lowercases `s` into `buf`; `None` when it does not fit.
fn lowercase<'b>(s: &str, buf: &'b mut [u8; 253]) -> Option<&'b str> {
    let out = buf.get_mut(..s.len())?;
    for (d, b) in out.iter_mut().zip(s.bytes()) {
        *d = b.to_ascii_lowercase();
    }
    std::str::from_utf8(out).ok()
}

/// The three lists and the JSONP hosts that need `'unsafe-eval'`.
#[derive(Debug)]
pub struct Bypasses {
    pub jsonp: BypassList,
    pub angular: BypassList,
    pub flash: BypassList,
    needs_eval: Vec<&'static str>,
    /// Every host and parent domain of the JSONP and AngularJS lists: one probe rules out
    /// the (usual) host that is on neither.
    script_keys: HostMap<&'static str, ()>,
}

impl Bypasses {
    /// Whether a JSONP bypass on `host` only works when `'unsafe-eval'` is allowed.
    pub fn jsonp_needs_eval(&self, host: &str) -> bool {
        self.needs_eval.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// The lists, parsed on first use.
pub fn bypasses() -> &'static Bypasses {
    static LISTS: OnceLock<Bypasses> = OnceLock::new();
    LISTS.get_or_init(|| {
        let jsonp = BypassList::parse(JSONP);
        let angular = BypassList::parse(ANGULAR);
        let script_keys = [&jsonp, &angular]
            .iter()
            .flat_map(|l| l.by_host.keys().chain(l.by_parent.keys()))
            .map(|k| (*k, ()))
            .collect();
        Bypasses {
            jsonp,
            angular,
            flash: BypassList::parse(FLASH),
            needs_eval: JSONP_NEEDS_EVAL
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect(),
            script_keys,
        }
    })
}

/// What a script host source is known to bypass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptBypass {
    /// The listed JSONP host, when it counts (with `'unsafe-eval'` where needed).
    pub jsonp: Option<&'static str>,
    /// The listed AngularJS host.
    pub angular: Option<&'static str>,
}

impl ScriptBypass {
    /// The host to name in a message (Google's evaluator names the AngularJS one when
    /// both match).
    pub fn host(&self) -> Option<&'static str> {
        self.angular.or(self.jsonp)
    }
}

/// Google `checkScriptAllowlistBypass` for one host source; `unsafe_eval` says whether
/// the same source list allows `'unsafe-eval'`.
pub fn script_bypass(
    host: HostPattern<&str>,
    path: Option<&str>,
    unsafe_eval: bool,
) -> Option<ScriptBypass> {
    let lists = bypasses();
    let mut buf = [0u8; 253];
    let key = match host {
        HostPattern::Any => return None,
        HostPattern::Exact(h) | HostPattern::Wildcard(h) => lowercase_if_needed(h, &mut buf)?,
    };
    if !lists.script_keys.contains_key(key) {
        return None;
    }
    let jsonp = lists
        .jsonp
        .find(host, path)
        .filter(|e| unsafe_eval || !lists.jsonp_needs_eval(e.host))
        .map(|e| e.host);
    let angular = lists.angular.find(host, path).map(|e| e.host);
    (jsonp.is_some() || angular.is_some()).then_some(ScriptBypass { jsonp, angular })
}

/// Google `checkFlashObjectAllowlistBypass` for one host source: the listed host.
pub fn flash_bypass(host: HostPattern<&str>, path: Option<&str>) -> Option<&'static str> {
    bypasses().flash.find(host, path).map(|e| e.host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_have_the_sizes_of_csp_evaluator_1_1_8() {
        let b = bypasses();
        assert_eq!(b.jsonp.len(), 123);
        assert_eq!(b.angular.len(), 41);
        assert_eq!(b.flash.len(), 2);
        assert_eq!(b.needs_eval.len(), 6);
    }

    #[test]
    fn exact_wildcard_and_path_matching() {
        let e = HostPattern::Exact;
        let w = HostPattern::Wildcard;
        let hit = |h, p| script_bypass(h, p, false);
        assert_eq!(
            hit(e("www.google.com"), None).unwrap().host(),
            Some("www.google.com")
        );
        assert_eq!(
            hit(e("WWW.Google.COM"), None).unwrap().jsonp,
            Some("www.google.com")
        );
        assert_eq!(hit(e("google.com"), None), None);
        assert!(hit(w("google.com"), None).is_some());
        assert!(hit(e("www.google.com"), Some("/tools/feedback/")).is_some());
        assert_eq!(hit(e("www.google.com"), Some("/recaptcha/")), None);
        assert_eq!(hit(e("www.google.com"), Some("/tools/feedback")), None);
        assert_eq!(hit(HostPattern::Any, None), None);
        // AngularJS on cdnjs only under its path.
        assert!(hit(
            e("cdnjs.cloudflare.com"),
            Some("/ajax/libs/angular.js/1.2.16/angular.min.js")
        )
        .is_some());
        assert_eq!(
            hit(e("cdnjs.cloudflare.com"), Some("/ajax/libs/jquery/")),
            None
        );
    }

    #[test]
    fn some_jsonp_hosts_need_unsafe_eval() {
        let h = HostPattern::Exact("www.googletagmanager.com");
        assert_eq!(script_bypass(h, None, false), None);
        assert_eq!(
            script_bypass(h, None, true).unwrap().jsonp,
            Some("www.googletagmanager.com")
        );
        // googleadservices is also on the AngularJS list, which needs no eval.
        let h = HostPattern::Exact("www.googleadservices.com");
        assert_eq!(
            script_bypass(h, None, false).unwrap().angular,
            Some("www.googleadservices.com")
        );
    }

    #[test]
    fn flash() {
        assert_eq!(
            flash_bypass(HostPattern::Exact("vk.com"), None),
            Some("vk.com")
        );
        assert_eq!(flash_bypass(HostPattern::Exact("api.vk.com"), None), None);
    }
}
