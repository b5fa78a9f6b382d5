//! `Cache-Control` response directives (RFC 9111 §5.2.2), as far as they decide whether a
//! response may be stored.

use super::{is_tchar, split_list};

/// The storage-relevant directives of every `Cache-Control` line of a response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheControl {
    /// `no-store`: no cache, shared or private (the browser's), may store it.
    pub no_store: bool,
    /// Unqualified `private`: shared caches (proxies, CDNs) must not store it.
    pub private: bool,
    /// Unqualified `no-cache`: stored, but revalidated before each reuse.
    pub no_cache: bool,
    /// `public`: shared caches may store it, even for authenticated requests.
    pub public: bool,
    pub max_age: Option<u64>,
    /// `s-maxage`: a lifetime for shared caches, which also allows them to store it.
    pub s_maxage: Option<u64>,
    /// Whether any `Cache-Control` line was present.
    pub present: bool,
}

impl CacheControl {
    /// Reads the directives of every `Cache-Control` value (one per header line).
    /// Unknown directives are ignored (RFC 9111 §5.2.3); a directive written with a
    /// field-name list (`private="Set-Cookie"`) only covers those fields, so it does not
    /// count as the unqualified form.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> CacheControl {
        let mut cc = CacheControl::default();
        for value in values {
            cc.present = true;
            for directive in split_list(value) {
                let (name, arg) = match directive.split_once('=') {
                    Some((n, a)) => (n.trim_end(), Some(a.trim_start())),
                    None => (directive, None),
                };
                if !name.bytes().all(is_tchar) {
                    continue;
                }
                let is = |n: &str| name.eq_ignore_ascii_case(n);
                if is("no-store") {
                    cc.no_store = true;
                } else if is("private") && arg.is_none() {
                    cc.private = true;
                } else if is("no-cache") && arg.is_none() {
                    cc.no_cache = true;
                } else if is("public") {
                    cc.public = true;
                } else if is("max-age") {
                    cc.max_age = arg.and_then(seconds).or(cc.max_age);
                } else if is("s-maxage") {
                    cc.s_maxage = arg.and_then(seconds).or(cc.s_maxage);
                }
            }
        }
        cc
    }

    /// Whether a shared cache may store the response and serve it to someone else.
    pub fn shareable(&self) -> bool {
        !self.no_store && !self.private && (self.public || self.s_maxage.is_some())
    }
}

/// `delta-seconds`, optionally quoted (caches accept `max-age="60"`), saturating.
fn seconds(arg: &str) -> Option<u64> {
    let arg = arg.trim_matches('"');
    if arg.is_empty() || !arg.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(arg.bytes().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        let cc = CacheControl::parse(["No-Store, max-age=0"]);
        assert!(cc.no_store && cc.present);
        assert_eq!(cc.max_age, Some(0));

        let cc = CacheControl::parse(["private", "no-cache"]);
        assert!(cc.private && cc.no_cache && !cc.no_store && !cc.shareable());

        let cc = CacheControl::parse([
            "private=\"Set-Cookie, X-Y\", no-cache=\"Set-Cookie\", s-maxage=\"600\"",
        ]);
        assert!(!cc.private && !cc.no_cache && cc.shareable());
        assert_eq!(cc.s_maxage, Some(600));

        assert!(CacheControl::parse(["public, max-age=60"]).shareable());
        assert!(!CacheControl::parse(["public, no-store"]).shareable());
        assert!(!CacheControl::parse(Vec::<&str>::new()).present);
        assert_eq!(CacheControl::parse(["max-age=abc"]).max_age, None);
    }
}
