//! The JSON renderer: DESIGN's output contract, described by `schemas/report.schema.json`.
//!
//! The shape comes from the `Serialize` impls of [`Report`] and its parts: optional fields
//! are left out rather than written as `null`, except an exchange's `url`, `method` and
//! `status`, which the contract shows as `null` when the input does not tell them.

use crate::report::Report;

/// The report as pretty-printed JSON (two-space indent, no trailing newline).
pub fn render(report: &Report) -> String {
    // A report holds only strings, numbers and string-keyed maps, so serializing cannot
    // fail; the fallback keeps this function total all the same.
    serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("the report could not be serialized: {e}") })
            .to_string()
    })
}

/// The report as a JSON value (for callers that embed it in a larger document).
pub fn to_value(report: &Report) -> serde_json::Value {
    serde_json::to_value(report).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::report;

    #[test]
    fn follows_the_output_contract() {
        let r = report("HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.3 Python/3.11.7\r\n\r\n");
        let v: serde_json::Value = serde_json::from_str(&render(&r)).expect("valid JSON");
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["tool"]["name"], "headwarden");
        let ex = &v["exchanges"][0];
        // url/method/status are shown as null when unknown, per the contract.
        assert!(ex["url"].is_null() && ex.get("url").is_some());
        assert!(ex["method"].is_null() && ex.get("method").is_some());
        assert_eq!(ex["status"], 200);
        assert_eq!(ex["scheme"], "assumed-https");
        assert!(ex["findings"].is_array());
        assert!(ex["passed"].is_array());
    }

    #[test]
    fn optional_fields_are_left_out_not_null() {
        let r = report("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
        let text = render(&r);
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        fn no_null(v: &serde_json::Value, path: &str) {
            match v {
                serde_json::Value::Null => panic!("null at {path}"),
                serde_json::Value::Array(a) => {
                    a.iter()
                        .enumerate()
                        .for_each(|(i, x)| no_null(x, &format!("{path}[{i}]")));
                }
                serde_json::Value::Object(o) => {
                    for (k, x) in o {
                        let allowed = path.starts_with(".exchanges[")
                            && !path.contains(".findings")
                            && matches!(k.as_str(), "url" | "method" | "status");
                        if !(allowed && x.is_null()) {
                            no_null(x, &format!("{path}.{k}"));
                        }
                    }
                }
                _ => {}
            }
        }
        no_null(&v, "");
    }

    #[test]
    fn header_evidence_carries_its_line() {
        let r = report("HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.3 Python/3.11.7\r\n\r\n");
        let v = to_value(&r);
        let with_line = v["exchanges"][0]["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("evidence"))
            .filter(|e| e.get("header").is_some())
            .all(|e| e.get("line").is_some_and(serde_json::Value::is_u64));
        assert!(with_line);
    }
}
