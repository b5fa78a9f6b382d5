//! The worker's settings, read from its vars (`wrangler.toml` `[vars]`, `wrangler dev --var
//! NAME:VALUE`): parsed and validated once per isolate, and either complete or an error that
//! names the var. A request never runs under half a configuration.

use std::fmt;
use std::rc::Rc;
use std::str::FromStr;

use headwarden_core::policy::{LoadError, Mode};
use headwarden_core::Policy;
use thiserror::Error;

/// `ORIGIN_TIMEOUT_MS` when unset.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Longest `ORIGIN_TIMEOUT_MS` accepted (a Worker's wall-clock budget is minutes, not hours).
pub const MAX_TIMEOUT_MS: u32 = 600_000;

/// What to do when our own code fails before the response head is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Pass the origin's response through untouched.
    FailOpen,
    /// Answer 502.
    FailClosed,
}

impl FromStr for OnError {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "fail-open" => Ok(OnError::FailOpen),
            "fail-closed" => Ok(OnError::FailClosed),
            _ => Err(()),
        }
    }
}

impl fmt::Display for OnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OnError::FailOpen => "fail-open",
            OnError::FailClosed => "fail-closed",
        })
    }
}

/// The raw var values (`None` = unset), as read from the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    pub origin_url: Option<String>,
    pub policy: Option<String>,
    pub mode: Option<String>,
    pub on_error: Option<String>,
    pub origin_timeout_ms: Option<String>,
}

/// A var that cannot be used; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("ORIGIN_URL is not set: give the origin's base URL, e.g. --var ORIGIN_URL:http://127.0.0.1:8000")]
    OriginMissing,
    #[error("ORIGIN_URL `{0}` is not an absolute http:// or https:// URL")]
    OriginInvalid(String),
    #[error("POLICY is invalid: {0}")]
    Policy(String),
    #[error("POLICY names rate-limit binding `{0}`, which is not bound: add it to [[ratelimits]] in wrangler.toml")]
    RateLimitBinding(String),
    #[error("MODE `{0}` is invalid: use `enforce` or `report-only`")]
    Mode(String),
    #[error("ON_ERROR `{0}` is invalid: use `fail-open` or `fail-closed`")]
    OnError(String),
    #[error("ORIGIN_TIMEOUT_MS `{0}` is invalid: use a whole number of milliseconds from 1 to {MAX_TIMEOUT_MS}")]
    Timeout(String),
}

impl ConfigError {
    /// The var the error is about.
    pub fn var(&self) -> &'static str {
        match self {
            ConfigError::OriginMissing | ConfigError::OriginInvalid(_) => "ORIGIN_URL",
            ConfigError::Policy(_) | ConfigError::RateLimitBinding(_) => "POLICY",
            ConfigError::Mode(_) => "MODE",
            ConfigError::OnError(_) => "ON_ERROR",
            ConfigError::Timeout(_) => "ORIGIN_TIMEOUT_MS",
        }
    }
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `scheme://host[:port]` of the origin, no trailing slash.
    pub origin: String,
    /// A path prefix of `ORIGIN_URL` (empty, or `/app` without a trailing slash).
    pub origin_base_path: String,
    pub policy: Rc<Policy>,
    pub mode: Mode,
    pub on_error: OnError,
    pub timeout_ms: u32,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Config {
    /// Validates `vars`. `is_bound(name)` tells whether a rate-limit binding exists.
    pub fn from_vars(vars: &Vars, is_bound: &dyn Fn(&str) -> bool) -> Result<Config, ConfigError> {
        let origin_url = non_empty(&vars.origin_url).ok_or(ConfigError::OriginMissing)?;
        let (origin, origin_base_path) = split_origin(origin_url)
            .ok_or_else(|| ConfigError::OriginInvalid(origin_url.to_string()))?;

        let policy_text = non_empty(&vars.policy).unwrap_or("balanced");
        let policy = Policy::load(policy_text)
            .map_err(|e: LoadError| ConfigError::Policy(e.to_string().replace('\n', "; ")))?;
        for rule in &policy.rate_limit {
            if !is_bound(&rule.binding) {
                return Err(ConfigError::RateLimitBinding(rule.binding.clone()));
            }
        }

        let mode = match non_empty(&vars.mode).unwrap_or("enforce") {
            "enforce" => Mode::Enforce,
            "report-only" => Mode::ReportOnly,
            other => return Err(ConfigError::Mode(other.to_string())),
        };
        let on_error = match non_empty(&vars.on_error) {
            None => OnError::FailOpen,
            Some(v) => v
                .parse()
                .map_err(|()| ConfigError::OnError(v.to_string()))?,
        };
        let timeout_ms = match non_empty(&vars.origin_timeout_ms) {
            None => DEFAULT_TIMEOUT_MS,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|ms| (1..=MAX_TIMEOUT_MS).contains(ms))
                .ok_or_else(|| ConfigError::Timeout(v.to_string()))?,
        };
        Ok(Config {
            origin,
            origin_base_path,
            policy: Rc::new(policy),
            mode,
            on_error,
            timeout_ms,
        })
    }
}

/// Splits an absolute http(s) URL into its origin (`http://host:port`) and path prefix.
/// A query or fragment in `ORIGIN_URL` is refused: where would the request's go?
fn split_origin(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if rest.contains(['?', '#']) || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    // `host:port`, `[v6]:port`, or no port (a `[v6]` alone has no digit-only tail).
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    if host.is_empty() {
        return None;
    }
    let base = path.trim_end_matches('/').to_string();
    Some((
        format!("{scheme}://{}", authority.to_ascii_lowercase()),
        base,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(origin: &str) -> Vars {
        Vars {
            origin_url: Some(origin.into()),
            ..Vars::default()
        }
    }

    fn bound(_: &str) -> bool {
        true
    }

    #[test]
    fn defaults() {
        let c = Config::from_vars(&vars("http://127.0.0.1:8000"), &bound).unwrap();
        assert_eq!(c.origin, "http://127.0.0.1:8000");
        assert_eq!(c.origin_base_path, "");
        assert_eq!(c.mode, Mode::Enforce);
        assert_eq!(c.on_error, OnError::FailOpen);
        assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
        assert_eq!(c.policy.preset.as_deref(), Some("balanced"));
    }

    #[test]
    fn origin_with_base_path() {
        let c = Config::from_vars(&vars("https://Example.com/app/"), &bound).unwrap();
        assert_eq!(c.origin, "https://example.com");
        assert_eq!(c.origin_base_path, "/app");
    }

    #[test]
    fn each_bad_var_is_named() {
        let cases: Vec<(Vars, &str)> = vec![
            (Vars::default(), "ORIGIN_URL"),
            (vars("ftp://x"), "ORIGIN_URL"),
            (vars("http://x/?q"), "ORIGIN_URL"),
            (vars("127.0.0.1:8000"), "ORIGIN_URL"),
            (
                Vars {
                    policy: Some("[hsts]\nmax_age = \"long\"".into()),
                    ..vars("http://x")
                },
                "POLICY",
            ),
            (
                Vars {
                    policy: Some("no-such-preset".into()),
                    ..vars("http://x")
                },
                "POLICY",
            ),
            (
                Vars {
                    mode: Some("block".into()),
                    ..vars("http://x")
                },
                "MODE",
            ),
            (
                Vars {
                    on_error: Some("open".into()),
                    ..vars("http://x")
                },
                "ON_ERROR",
            ),
            (
                Vars {
                    origin_timeout_ms: Some("0".into()),
                    ..vars("http://x")
                },
                "ORIGIN_TIMEOUT_MS",
            ),
            (
                Vars {
                    origin_timeout_ms: Some("1.5s".into()),
                    ..vars("http://x")
                },
                "ORIGIN_TIMEOUT_MS",
            ),
        ];
        for (v, name) in cases {
            let err = Config::from_vars(&v, &bound).unwrap_err();
            assert_eq!(err.var(), name, "{v:?}: {err}");
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn rate_limit_bindings_must_exist() {
        let v = Vars {
            policy: Some(
                "preset = \"balanced\"\n[[rate_limit]]\npath = \"/login\"\nmethod = \"POST\"\nbinding = \"LOGIN_LIMITER\"\n"
                    .into(),
            ),
            ..vars("http://x")
        };
        let err = Config::from_vars(&v, &|_| false).unwrap_err();
        assert_eq!(err, ConfigError::RateLimitBinding("LOGIN_LIMITER".into()));
        let ok = Config::from_vars(&v, &|name| name == "LOGIN_LIMITER").unwrap();
        assert_eq!(ok.policy.rate_limit.len(), 1);
        // The preset underneath still applies.
        assert!(ok.policy.csp.is_some());
    }

    #[test]
    fn report_only_and_fail_closed() {
        let v = Vars {
            mode: Some("report-only".into()),
            on_error: Some("fail-closed".into()),
            origin_timeout_ms: Some("1000".into()),
            ..vars("http://127.0.0.1:1")
        };
        let c = Config::from_vars(&v, &bound).unwrap();
        assert_eq!(c.mode, Mode::ReportOnly);
        assert_eq!(c.on_error, OnError::FailClosed);
        assert_eq!(c.timeout_ms, 1000);
    }
}
