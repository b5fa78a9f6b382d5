//! Policy export: a headwarden policy (TOML) built from a report, edited by the user,
//! downloaded as a file the worker and `headwarden policy check` take.
//!
//! HOOK(policy): when core's `headwarden_core::policy::suggest` lands, `suggest` returns its
//! output serialized to TOML, and `validate` uses core's policy parser instead of a TOML
//! syntax check. Until then we start from the `balanced` preset's documented shape.

use headwarden_core::Report;

/// The `balanced` preset as documented (the keys the policy engineer defined).
const BALANCED_TEMPLATE: &str = r#"preset = "balanced"                 # start from a preset; keys below override it

[hsts]
max_age = 31536000                  # seconds; minimum expected, and the value enforced
include_subdomains = true
preload = false

[csp]
nonce = true                        # fresh nonce per response, injected into <script>
report_only = false
report_uri = "/__headwarden/csp-report"

[csp.directives]
default-src = "'self'"
script-src = "'strict-dynamic'"     # the nonce is added when nonce = true
object-src = "'none'"
base-uri = "'none'"
frame-ancestors = "'self'"
form-action = "'self'"

[frame]
x_frame_options = "DENY"

[content_type]
nosniff = true

[referrer]
policy = "strict-origin-when-cross-origin"

[permissions]
policy = "camera=(), microphone=(), geolocation=()"

[cross_origin]
opener = "same-origin"
resource = "same-origin"

[cache]
sensitive_paths = ["/login", "/account"]

[[cookies]]
pattern = "*"
secure = true
http_only = true
same_site = "Lax"
max_age = 2592000

[remove]
headers = ["Server", "X-Powered-By"]

[flask]
block_debugger = true
hide_dev_server = true

[https]
redirect = true
"#;

/// A policy for the site the report describes, as TOML.
pub fn suggest(report: Option<&Report>) -> String {
    // HOOK(policy): `headwarden_core::policy::suggest(report)` → `toml::to_string_pretty`.
    let mut out = String::from(
        "# headwarden policy, exported by the web checker.\n\
         # Check it with `headwarden policy check policy.toml`; the edge worker takes it as POLICY.\n",
    );
    if let Some(report) = report {
        let mut ids: Vec<&str> = report
            .exchanges
            .iter()
            .flat_map(|e| e.findings.iter().map(|f| f.rule))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        if !ids.is_empty() {
            out.push_str("# Built for a report with: ");
            out.push_str(&ids.join(", "));
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(BALANCED_TEMPLATE);
    out
}

/// Whether `text` is a policy we can export; the error says where it is wrong.
pub fn validate(text: &str) -> Result<(), String> {
    // HOOK(policy): parse with core's policy reader to check keys and values, not only syntax.
    toml::from_str::<toml::Table>(text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestion_is_valid_toml() {
        let text = suggest(None);
        assert_eq!(validate(&text), Ok(()));
        assert!(text.contains("[hsts]"));
        assert!(validate("[hsts\nmax_age = 1").is_err());
    }
}
