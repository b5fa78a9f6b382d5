//! The audit log: one JSON line per request (what happened, what changed, the grade of the
//! response headers before and after), and the grading itself.

use std::cell::Cell;
use std::rc::Rc;

use headwarden_core::input::InputFormat;
use headwarden_core::policy::{Action, Change, RewriteStats};
use headwarden_core::{check_exchanges, CheckOptions, Exchange, Policy, Request, Response};
use serde::Serialize;

use crate::csp_report::Violation;

/// The grade and score of a response head (no body: the worker streams it), with the
/// secret audit off (it is for people reading a report, not for every request).
pub fn grade(head: &Exchange, policy: &Policy) -> (String, u8) {
    let options = CheckOptions {
        skip_secret_audit: true,
        ..CheckOptions::default()
    };
    let report = check_exchanges(
        std::slice::from_ref(head),
        InputFormat::Raw,
        &[],
        policy,
        &options,
    );
    report
        .exchanges
        .first()
        .map(|e| (e.grade.as_str().to_string(), e.score))
        .unwrap_or_else(|| ("F".to_string(), 0))
}

/// The request with a response's head: what [`grade`] reads.
fn head_exchange(request: &Request, response: &Response) -> Exchange {
    Exchange {
        request: Some(request.clone()),
        // Field by field: `..response.clone()` would copy the body only to drop it.
        response: Response {
            version: response.version.clone(),
            status: response.status,
            reason: response.reason.clone(),
            headers: response.headers.clone(),
            body: None,
        },
    }
}

/// The grading of one proxied response, done after the response has gone out (it is for
/// the log, not for the client).
#[derive(Debug, Clone)]
pub struct PendingGrades {
    /// The request with the origin's response head.
    pub before: Exchange,
    /// The request with the head the worker sent.
    pub after: Exchange,
    pub policy: Rc<Policy>,
}

impl PendingGrades {
    pub fn new(request: &Request, before: &Response, after: &Response, policy: Rc<Policy>) -> Self {
        PendingGrades {
            before: head_exchange(request, before),
            after: head_exchange(request, after),
            policy,
        }
    }

    /// Grades both heads into `log`.
    pub fn apply(self, log: &mut LogLine) {
        let (before, score_before) = grade(&self.before, &self.policy);
        let (after, score_after) = grade(&self.after, &self.policy);
        log.grade_before = Some(before);
        log.score_before = Some(score_before);
        log.grade_after = Some(after);
        log.score_after = Some(score_after);
    }
}

/// What the worker did with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Forwarded; the response went through enforce.
    Proxied,
    /// A guard answered (redirect, 403, 404, 405, 413).
    Refused,
    RateLimited,
    CspReport,
    /// The origin could not be reached (502).
    OriginError,
    /// The origin did not answer in time (504).
    OriginTimeout,
    /// A var is invalid (500).
    ConfigError,
    /// Our code failed; the origin's response went out untouched.
    FailOpen,
    /// Our code failed; 502.
    FailClosed,
    /// The response head went out, then the body failed (the origin broke off or stalled,
    /// or the rewriter hit a limit): the stream was aborted.
    BodyAborted,
}

/// How a streamed response body ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEnd {
    Complete,
    /// A fault mid-body; the client sees an aborted response.
    Aborted(String),
    /// The client went away before the end.
    Cancelled,
}

/// One log line.
#[derive(Serialize)]
pub struct LogLine {
    pub headwarden: &'static str,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub duration_ms: f64,
    pub mode: &'static str,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Report-only mode: the guard that would have refused the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub would_refuse: Option<WouldRefuse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_before: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_after: Option<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<LoggedChange>,
    /// The HTML body streamed through the nonce rewriter: what it changed (`<script>` and
    /// `<style>` elements given the nonce, `<meta>` CSPs removed), counted to the body's end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewritten: Option<RewriteStats>,
    /// How the streamed body ended: `complete`, `aborted` or `cancelled` (the line is
    /// written once it has).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<&'static str>,
    /// Milliseconds from the request to the end of the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub csp_reports: Vec<Violation>,
    /// Grades still to compute (see [`PendingGrades`]).
    #[serde(skip)]
    pub pending: Option<PendingGrades>,
    /// Resolves when the streamed body has ended (the line waits for it).
    #[serde(skip)]
    pub body_end: Option<futures_util::future::LocalBoxFuture<'static, BodyEnd>>,
    /// The rewriter's running counts, read into `rewritten` when the body has ended.
    #[serde(skip)]
    pub rewrite_counts: Option<Rc<Cell<RewriteStats>>>,
}

/// A [`Change`] as logged: what and where, without the explanation (the same for every
/// request, and the log line is written for each), cookie values redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedChange {
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Only written when false (report-only mode: what would have changed).
    #[serde(skip_serializing_if = "is_true")]
    pub applied: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A guard that report-only mode let through.
#[derive(Debug, Clone, Serialize)]
pub struct WouldRefuse {
    pub guard: &'static str,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl LogLine {
    pub fn new(method: &str, path: &str, mode: &'static str) -> Self {
        LogLine {
            headwarden: env!("CARGO_PKG_VERSION"),
            method: method.chars().take(32).collect(),
            path: path.chars().take(2048).collect(),
            status: 0,
            duration_ms: 0.0,
            mode,
            outcome: Outcome::Proxied,
            guard: None,
            reason: None,
            would_refuse: None,
            origin_status: None,
            grade_before: None,
            grade_after: None,
            score_before: None,
            score_after: None,
            changes: Vec::new(),
            rewritten: None,
            body: None,
            body_ms: None,
            error: None,
            csp_reports: Vec::new(),
            pending: None,
            body_end: None,
            rewrite_counts: None,
        }
    }

    /// Records how the body ended; a fault mid-body becomes the outcome and the error.
    pub fn set_body_end(&mut self, end: BodyEnd, body_ms: f64) {
        self.body_ms = Some(body_ms);
        self.rewritten = self.rewrite_counts.take().map(|c| c.get());
        self.body = Some(match end {
            BodyEnd::Complete => "complete",
            BodyEnd::Cancelled => "cancelled",
            BodyEnd::Aborted(error) => {
                self.outcome = Outcome::BodyAborted;
                self.error = Some(match self.error.take() {
                    Some(before) => format!("{before}; body: {error}"),
                    None => error,
                });
                "aborted"
            }
        });
    }

    /// Records `changes` with cookie values redacted: a log is no place for session tokens.
    pub fn set_changes(&mut self, changes: &[Change]) {
        self.changes = changes.iter().map(redact).collect();
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!("{{\"headwarden\":\"log\",\"error\":\"cannot serialize the log line: {e}\"}}")
        })
    }
}

fn redact(change: &Change) -> LoggedChange {
    let is_cookie = change.cookie.is_some()
        || matches!(change.action, Action::HardenCookie | Action::RenameCookie)
        || change
            .header
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case("set-cookie"));
    let value = |v: &str| {
        if is_cookie {
            redact_cookie(v)
        } else {
            v.to_string()
        }
    };
    LoggedChange {
        action: change.action,
        header: change.header.clone(),
        cookie: change.cookie.clone(),
        before: change.before.iter().map(|v| value(v)).collect(),
        after: change.after.as_deref().map(value),
        applied: change.applied,
    }
}

/// `name=value; Path=/` → `name=…; Path=/`.
fn redact_cookie(set_cookie: &str) -> String {
    let (pair, attrs) = match set_cookie.find(';') {
        Some(i) => set_cookie.split_at(i),
        None => (set_cookie, ""),
    };
    let name = pair.split('=').next().unwrap_or("").trim();
    format!("{name}=…{attrs}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use headwarden_core::Headers;

    fn response(headers: &[(&str, &str)]) -> Response {
        let mut h = Headers::new();
        for (n, v) in headers {
            h.append(*n, *v);
        }
        Response {
            status: Some(200),
            headers: h,
            ..Response::default()
        }
    }

    fn https_get() -> Request {
        Request {
            method: Some("GET".into()),
            url: Some("https://app.example/".into()),
            headers: Headers::new(),
        }
    }

    #[test]
    fn bare_flask_headers_grade_f_and_enforced_ones_grade_well() {
        let policy = Policy::balanced();
        let mut r = response(&[
            ("Server", "gunicorn"),
            ("Content-Type", "text/html; charset=utf-8"),
        ]);
        let (before, _) = grade(&head_exchange(&https_get(), &r), &policy);
        assert_eq!(before, "F");
        let changes = headwarden_core::enforce(&mut r, Some(&https_get()), &policy, &mut || {
            "AAAAAAAAAAAAAAAAAAAAAA==".into()
        });
        assert!(!changes.is_empty());
        let (after, score) = grade(&head_exchange(&https_get(), &r), &policy);
        assert!(after == "A" || after == "A+", "{after} {score}");
    }

    #[test]
    fn cookie_values_are_redacted() {
        let mut line = LogLine::new("GET", "/", "enforce");
        let mut r = response(&[("Set-Cookie", "session=SECRETVALUE; Path=/")]);
        let changes =
            headwarden_core::enforce(&mut r, Some(&https_get()), &Policy::balanced(), &mut || {
                "AAAAAAAAAAAAAAAAAAAAAA==".into()
            });
        line.set_changes(&changes);
        let json = line.to_json();
        assert!(json.contains("session=…"), "{json}");
        assert!(!json.contains("SECRETVALUE"), "{json}");
    }

    #[test]
    fn a_body_fault_is_the_outcome_of_the_one_line() {
        let mut line = LogLine::new("GET", "/", "enforce");
        line.status = 200;
        line.set_body_end(BodyEnd::Aborted("the origin body stalled".into()), 12.5);
        let v: serde_json::Value = serde_json::from_str(&line.to_json()).unwrap();
        assert_eq!(v["outcome"], "body-aborted");
        assert_eq!(v["body"], "aborted");
        assert_eq!(v["error"], "the origin body stalled");
        assert_eq!(v["body_ms"], 12.5);
        assert!(v.get("rewritten").is_none(), "not HTML: no rewriter counts");
        let mut fine = LogLine::new("GET", "/", "enforce");
        let counts = Rc::new(Cell::new(RewriteStats::default()));
        fine.rewrite_counts = Some(Rc::clone(&counts));
        // The rewriter counts until the body ends; the line reads the counts then.
        counts.set(RewriteStats {
            scripts: 2,
            styles: 0,
            meta_csp_removed: 1,
        });
        fine.set_body_end(BodyEnd::Complete, 1.0);
        let v: serde_json::Value = serde_json::from_str(&fine.to_json()).unwrap();
        assert_eq!(
            (v["outcome"].as_str(), v["body"].as_str()),
            (Some("proxied"), Some("complete"))
        );
        assert_eq!(v["rewritten"]["scripts"], 2);
        assert_eq!(v["rewritten"]["meta_csp_removed"], 1);
    }
}
