//! The JSON renderer: DESIGN's output contract (`schemas/report.schema.json`).

use crate::report::Report;

/// The report as pretty-printed JSON.
pub fn render(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report always serializes")
}
