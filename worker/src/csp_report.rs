//! The CSP violation report endpoint (`/__headwarden/csp-report`): browsers POST either the
//! old `application/csp-report` body (`report-uri`) or Reporting API batches
//! (`application/reports+json`). Both are validated, bounded, and reduced to the fields
//! worth a log line.

use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

/// The path the worker answers (the presets' `report_uri`).
pub const REPORT_PATH: &str = "/__headwarden/csp-report";
/// Largest report body accepted (413 past it).
pub const MAX_REPORT_BYTES: usize = 64 * 1024;
/// Most violations logged from one batch.
pub const MAX_REPORTS: usize = 100;
/// Longest string kept from a report field.
const MAX_FIELD_CHARS: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReportError {
    #[error(
        "unsupported Content-Type `{0}`: send application/csp-report or application/reports+json"
    )]
    UnsupportedType(String),
    #[error("invalid report: {0}")]
    Invalid(String),
}

impl ReportError {
    pub fn status(&self) -> u16 {
        match self {
            ReportError::UnsupportedType(_) => 415,
            ReportError::Invalid(_) => 400,
        }
    }
}

/// One violation, in the Reporting API's names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Violation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_directive: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u64>,
}

/// Parses a report body of `content_type`. Reporting API entries of other types
/// (deprecation, intervention, …) are skipped.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Violation>, ReportError> {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let batch = match mime.as_str() {
        "application/csp-report" | "application/json" => false,
        "application/reports+json" => true,
        _ => return Err(ReportError::UnsupportedType(truncate(content_type))),
    };
    if body.len() > MAX_REPORT_BYTES {
        return Err(ReportError::Invalid("body too large".into()));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ReportError::Invalid(e.to_string()))?;
    if batch {
        let entries = value
            .as_array()
            .ok_or_else(|| ReportError::Invalid("expected a JSON array of reports".into()))?;
        let mut out = Vec::new();
        for entry in entries {
            let obj = entry
                .as_object()
                .ok_or_else(|| ReportError::Invalid("a report is not an object".into()))?;
            if obj.get("type").and_then(Value::as_str) != Some("csp-violation") {
                continue;
            }
            let body = obj
                .get("body")
                .and_then(Value::as_object)
                .ok_or_else(|| ReportError::Invalid("a csp-violation report has no body".into()))?;
            if out.len() < MAX_REPORTS {
                out.push(Violation {
                    document_url: text(body.get("documentURL")),
                    blocked_url: text(body.get("blockedURL")),
                    effective_directive: text(body.get("effectiveDirective")),
                    disposition: text(body.get("disposition")),
                    source_file: text(body.get("sourceFile")),
                    line_number: body.get("lineNumber").and_then(Value::as_u64),
                    column_number: body.get("columnNumber").and_then(Value::as_u64),
                    sample: text(body.get("sample")),
                    status_code: body.get("statusCode").and_then(Value::as_u64),
                });
            }
        }
        Ok(out)
    } else {
        let report = value
            .get("csp-report")
            .and_then(Value::as_object)
            .ok_or_else(|| ReportError::Invalid("expected {\"csp-report\": {...}}".into()))?;
        let directive = text(report.get("effective-directive"))
            .or_else(|| text(report.get("violated-directive")));
        Ok(vec![Violation {
            document_url: text(report.get("document-uri")),
            blocked_url: text(report.get("blocked-uri")),
            effective_directive: directive,
            disposition: text(report.get("disposition")),
            source_file: text(report.get("source-file")),
            line_number: report.get("line-number").and_then(Value::as_u64),
            column_number: report.get("column-number").and_then(Value::as_u64),
            sample: text(report.get("script-sample")),
            status_code: report.get("status-code").and_then(Value::as_u64),
        }])
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(truncate)
}

fn truncate(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(MAX_FIELD_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_report() {
        let body = br#"{"csp-report":{"document-uri":"https://app.example/","violated-directive":"script-src-elem","blocked-uri":"inline","line-number":12,"disposition":"enforce"}}"#;
        let v = parse("application/csp-report", body).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].blocked_url.as_deref(), Some("inline"));
        assert_eq!(v[0].effective_directive.as_deref(), Some("script-src-elem"));
        assert_eq!(v[0].line_number, Some(12));
    }

    #[test]
    fn reporting_api_batch_skips_other_types() {
        let body = br#"[{"type":"deprecation","body":{}},{"type":"csp-violation","age":1,"url":"https://a/","body":{"documentURL":"https://a/","blockedURL":"https://evil/x.js","effectiveDirective":"script-src-elem","disposition":"report","statusCode":200}}]"#;
        let v = parse("application/reports+json; charset=utf-8", body).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].blocked_url.as_deref(), Some("https://evil/x.js"));
        assert_eq!(v[0].disposition.as_deref(), Some("report"));
    }

    #[test]
    fn invalid_reports() {
        assert_eq!(parse("text/plain", b"{}").unwrap_err().status(), 415);
        assert_eq!(
            parse("application/csp-report", b"{").unwrap_err().status(),
            400
        );
        assert_eq!(
            parse("application/csp-report", b"{}").unwrap_err().status(),
            400
        );
        assert_eq!(
            parse("application/reports+json", b"{}")
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(
            parse("application/reports+json", br#"[{"type":"csp-violation"}]"#)
                .unwrap_err()
                .status(),
            400
        );
    }

    #[test]
    fn fields_are_bounded() {
        let long = "x".repeat(5000);
        let body = format!(r#"{{"csp-report":{{"blocked-uri":"{long}"}}}}"#);
        let v = parse("application/csp-report", body.as_bytes()).unwrap();
        assert_eq!(
            v[0].blocked_url.as_ref().map(String::len),
            Some(MAX_FIELD_CHARS)
        );
    }
}
