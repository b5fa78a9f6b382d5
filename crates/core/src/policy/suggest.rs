//! Deriving a policy from what a site sends: start from `balanced` (which fixes what
//! `check` reports), keep what the site already does better (a longer HSTS, a stricter
//! referrer or framing rule), keep the resource allowlists of its own CSP so images,
//! styles and API calls keep loading, keep cookies it deliberately shares cross-site, and
//! remove the disclosure headers the report found. The CLI's `policy suggest` and the web
//! app's export both use it.

use crate::exchange::Exchange;
use crate::input::InputFormat;
use crate::report::{Evidence, Report};
use crate::rules::Family;
use crate::CheckOptions;

use super::load::{is_token_byte, ONE_YEAR};
use super::model::{CookieRule, NamePatterns, Policy, Remove, SameSite, XFrameOptions};

/// CSP directives whose allowlists are carried over from the site's own policy.
const RESOURCE_DIRECTIVES: [&str; 9] = [
    "img-src",
    "style-src",
    "font-src",
    "connect-src",
    "media-src",
    "frame-src",
    "worker-src",
    "manifest-src",
    "child-src",
];

/// A policy that fixes what `check` finds in `exchanges`.
pub fn suggest(exchanges: &[Exchange]) -> Policy {
    let options = CheckOptions {
        skip_secret_audit: true,
        ..CheckOptions::default()
    };
    let report = crate::check_exchanges(
        exchanges,
        InputFormat::Raw,
        &[],
        &Policy::default(),
        &options,
    );
    suggest_from_report(exchanges, &report)
}

/// [`suggest`] for callers that already have the report of `exchanges`.
pub fn suggest_from_report(exchanges: &[Exchange], report: &Report) -> Policy {
    let base = Policy::balanced();
    let mut p = base.clone();
    for (i, ex) in exchanges.iter().enumerate() {
        let headers = &ex.response.headers;
        if let (Some(hsts), Some(value)) = (&mut p.hsts, headers.get("strict-transport-security")) {
            let (max_age, sub, preload) = read_hsts(value);
            if let Some(m) = max_age {
                hsts.max_age = hsts.max_age.max(m.min(3_155_760_000));
                if sub {
                    hsts.include_subdomains = true;
                }
                if preload && sub && m >= ONE_YEAR {
                    hsts.preload = true;
                    hsts.include_subdomains = true;
                }
            }
        }
        if let Some(value) = headers.get("referrer-policy") {
            let v = value.trim().to_ascii_lowercase();
            if ["no-referrer", "same-origin", "strict-origin"].contains(&v.as_str()) {
                if let Some(r) = &mut p.referrer {
                    r.policy = v;
                }
            }
        }
        let xfo_deny = headers
            .get("x-frame-options")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("deny"));
        for h in headers.get_all("content-security-policy") {
            merge_site_csp(&mut p, &h.value);
        }
        let fa_none = p
            .csp
            .as_ref()
            .and_then(|c| c.directives.get("frame-ancestors"))
            .is_some_and(|v| v == "'none'");
        if xfo_deny || fa_none {
            if let Some(f) = &mut p.frame {
                f.x_frame_options = XFrameOptions::Deny;
            }
            if let Some(csp) = &mut p.csp {
                csp.directives
                    .insert("frame-ancestors".into(), "'none'".into());
            }
        }
        for cookie in crate::cookies::parse_all(headers) {
            let same_site_none = cookie.same_site == Some(crate::cookies::SameSite::None);
            if same_site_none && !cookie.name.is_empty() && cookie.name.bytes().all(is_token_byte) {
                keep_cross_site_cookie(&mut p, &cookie.name, cookie.http_only);
            }
        }
        let Some(er) = report.exchanges.get(i) else {
            continue;
        };
        for f in &er.findings {
            let family = crate::rules::by_id(f.rule).map(|r| r.family);
            if matches!(family, Some(Family::Disclosure | Family::Deprecated)) {
                if let Some(Evidence::Header { header, .. }) = &f.evidence {
                    add_removed_header(&mut p, header);
                }
            }
            if f.rule == "cache-control-missing-sensitive" {
                if let (Some(cache), Some(url)) = (&mut p.cache, ex.url()) {
                    let path = path_of(url);
                    if !path.is_empty() && !cache.sensitive_paths.contains(&path) {
                        cache.sensitive_paths.push(path);
                    }
                }
            }
        }
    }
    // What is suggested must load; a site's odd CSP tokens could spoil a directive.
    match Policy::from_toml_str(&p.to_toml_string()) {
        Ok(_) => p,
        Err(_) => base,
    }
}

fn read_hsts(value: &str) -> (Option<u64>, bool, bool) {
    let mut max_age = None;
    let (mut sub, mut preload) = (false, false);
    for d in value.split(';').map(str::trim) {
        if let Some((n, v)) = d.split_once('=') {
            if n.trim().eq_ignore_ascii_case("max-age") {
                max_age = v.trim().trim_matches('"').parse().ok();
            }
        } else if d.eq_ignore_ascii_case("includesubdomains") {
            sub = true;
        } else if d.eq_ignore_ascii_case("preload") {
            preload = true;
        }
    }
    (max_age, sub, preload)
}

/// Adds the site's resource allowlists (never script sources, nonces or hashes) to the
/// policy's directives, and a `frame-ancestors 'none'` it already sends.
fn merge_site_csp(p: &mut Policy, text: &str) {
    let Some(csp) = &mut p.csp else { return };
    let default = csp
        .directives
        .get("default-src")
        .cloned()
        .unwrap_or_default();
    for directive in text.split(';') {
        let mut tokens = directive.split_ascii_whitespace();
        let Some(name) = tokens.next().map(str::to_ascii_lowercase) else {
            continue;
        };
        if name == "frame-ancestors" {
            let rest: Vec<&str> = tokens.collect();
            if rest.len() == 1 && rest[0].eq_ignore_ascii_case("'none'") {
                csp.directives
                    .insert("frame-ancestors".into(), "'none'".into());
            }
            continue;
        }
        if !RESOURCE_DIRECTIVES.contains(&name.as_str()) {
            continue;
        }
        let entry = csp
            .directives
            .entry(name)
            .or_insert_with(|| default.clone());
        let mut current: Vec<String> = entry.split_ascii_whitespace().map(str::to_string).collect();
        for t in tokens {
            let lower = t.to_ascii_lowercase();
            let is_keyword_ok =
                ["'self'", "'unsafe-inline'", "data:", "https:", "blob:"].contains(&lower.as_str());
            let is_host = !t.starts_with('\'') && !t.contains(['"', '\'', ',', ';']) && t != "*";
            if (is_keyword_ok || is_host) && !current.iter().any(|c| c.eq_ignore_ascii_case(t)) {
                if current.len() == 1 && current[0] == "'none'" {
                    current.clear();
                }
                current.push(t.to_string());
            }
        }
        *entry = current.join(" ");
    }
}

/// Puts a rule for a cookie the site sends with `SameSite=None` ahead of the others, so
/// enforcing does not break its cross-site use.
fn keep_cross_site_cookie(p: &mut Policy, name: &str, http_only: bool) {
    if p.cookies
        .iter()
        .any(|r| r.pattern.0.iter().any(|n| n == name))
    {
        return;
    }
    let max_age = p.cookie_rule(name).and_then(|r| r.max_age);
    p.cookies.insert(
        0,
        CookieRule {
            pattern: NamePatterns(vec![name.to_string()]),
            secure: true,
            http_only,
            same_site: Some(SameSite::None),
            max_age,
            prefix: None,
        },
    );
}

fn add_removed_header(p: &mut Policy, header: &str) {
    let header = header.trim();
    if header.is_empty() || !header.bytes().all(is_token_byte) {
        return;
    }
    // Never remove a header the policy itself sets.
    let sets = [
        "strict-transport-security",
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
        "cross-origin-embedder-policy",
        "cache-control",
        "set-cookie",
        "content-type",
    ];
    if sets.iter().any(|s| s.eq_ignore_ascii_case(header)) {
        return;
    }
    let remove = p.remove.get_or_insert_with(|| Remove {
        headers: Vec::new(),
    });
    if !remove
        .headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case(header))
    {
        remove.headers.push(header.to_string());
    }
}

fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = match rest.find('/') {
        Some(i) if url.contains("://") => &rest[i..],
        _ if url.starts_with('/') => url,
        _ => return String::new(),
    };
    path.split(['?', '#']).next().unwrap_or("").to_string()
}
