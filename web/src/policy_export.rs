//! Policy export: a headwarden policy (TOML) built from the report by core's
//! `policy::suggest_from_report`, edited by the user, downloaded as a file the worker and
//! `headwarden policy check` take. Validation is core's own policy loader, so the page
//! says exactly what `headwarden policy check` would.

use headwarden_core::{Exchange, Policy, Report};

/// The `balanced` preset's file, what the export shows before there is a report (the
/// text `headwarden policy init` writes; no parsing needed).
pub fn preset_text() -> &'static str {
    headwarden_core::policy::presets::preset_toml("balanced").unwrap_or_default()
}

/// A policy for the site the report describes (the `balanced` preset without one), as
/// commented TOML.
pub fn suggest(analysis: Option<(&[Exchange], &Report)>) -> String {
    match analysis {
        Some((exchanges, report)) => {
            headwarden_core::policy::suggest_from_report(exchanges, report).to_toml_string()
        }
        None => Policy::balanced().to_toml_string(),
    }
}

/// Whether `text` is a valid policy; the error says where it is wrong.
pub fn validate(text: &str) -> Result<(), String> {
    Policy::from_toml_str(text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_valid_policies() {
        assert_eq!(validate(&suggest(None)), Ok(()));
        assert_eq!(suggest(None), preset_text());
        let parsed = headwarden_core::parse(include_bytes!(
            "../../tests/fixtures/flask-gunicorn-login-post.http"
        ))
        .unwrap();
        let report = headwarden_core::check(&parsed, &Policy::default(), &Default::default());
        let text = suggest(Some((&parsed.exchanges, &report)));
        assert_eq!(validate(&text), Ok(()));
        assert!(text.contains("[hsts]"));
        assert!(validate("[hsts\nmax_age = 1").is_err());
        assert!(validate("[hsts]\nmax_agee = 1").is_err());
    }
}
