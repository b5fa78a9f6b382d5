//! `headwarden rules [ID]`: the rule list, or one rule's documentation and fixes, both
//! generated from the rules' code.

use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use headwarden_core::rules::{self, Rule};
use serde_json::json;

use crate::output::emit;
use crate::EXIT_OK;

/// List the rules, or show one rule's documentation and fixes.
#[derive(Args, Debug)]
pub struct RulesArgs {
    /// A rule id (e.g. hsts-missing); without it, every rule is listed.
    #[arg(value_name = "ID")]
    id: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    let text = match &args.id {
        None => match args.format {
            RulesFormat::Text => list_text(rules::all()),
            RulesFormat::Json => list_json(rules::all()),
        },
        Some(id) => {
            let Some(rule) = rules::by_id(id.trim()) else {
                bail!("{}", unknown_rule_message(id));
            };
            match args.format {
                RulesFormat::Text => rule_text(rule),
                RulesFormat::Json => pretty(&rule.doc_json()),
            }
        }
    };
    emit(&text, None)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// "unknown rule `x`", with the closest ids as suggestions.
pub fn unknown_rule_message(id: &str) -> String {
    let suggestions = suggest(id, rules::all().iter().map(|r| r.id));
    match suggestions.as_slice() {
        [] => format!("unknown rule `{id}` (`headwarden rules` lists them)"),
        [one] => format!("unknown rule `{id}`; did you mean `{one}`?"),
        many => format!(
            "unknown rule `{id}`; did you mean one of: {}?",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Up to three ids close to `wanted`: by edit distance, or containing it.
fn suggest<'a>(wanted: &str, ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = wanted.trim().to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = ids
        .filter_map(|id| {
            let distance = headwarden_core::spelling::edit_distance(&wanted, id);
            let close = distance <= (id.len() / 4).max(2);
            let contains = wanted.len() >= 4 && id.contains(wanted.as_str());
            (close || contains).then_some((if close { distance } else { 100 }, id))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

fn list_text(all: &[&Rule]) -> String {
    let id_width = all.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let family_width = all
        .iter()
        .map(|r| family_name(r).len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = format!(
        "{:<id_width$}  {:<8}  {:<family_width$}  TITLE\n",
        "ID", "SEVERITY", "FAMILY"
    );
    for rule in all {
        out.push_str(&format!(
            "{:<id_width$}  {:<8}  {:<family_width$}  {}\n",
            rule.id,
            rule.severity.as_str(),
            family_name(rule),
            rule.title
        ));
    }
    out.push_str(&format!(
        "\n{} rules. `headwarden rules <ID>` shows one rule's documentation and fixes.",
        all.len()
    ));
    out
}

fn list_json(all: &[&Rule]) -> String {
    let list: Vec<serde_json::Value> = all
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "title": rule.title,
                "severity": rule.severity,
                "family": rule.family,
                "since": rule.since,
                "summary": rule.summary(),
            })
        })
        .collect();
    pretty(&serde_json::Value::Array(list))
}

fn rule_text(rule: &Rule) -> String {
    let mut out = format!(
        "{}: {}\nseverity {} · family {} · since {}\n\n{}\n",
        rule.id,
        rule.title,
        rule.severity,
        rule.family.title(),
        rule.since,
        rule.docs()
    );
    let mut fixes = rule.fixes.iter().peekable();
    if fixes.peek().is_some() {
        out.push_str("\n## Fixes\n");
        for (tab, snippet) in fixes {
            out.push_str(&format!("\n### {tab}\n"));
            for line in snippet.lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn family_name(rule: &Rule) -> String {
    serde_json::to_value(rule.family)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids() {
        let ids = [
            "hsts-missing",
            "hsts-invalid",
            "csp-missing",
            "xcto-missing",
        ];
        assert_eq!(
            suggest("hsts-mising", ids.into_iter()),
            vec!["hsts-missing"]
        );
        assert!(suggest("completely-unrelated-thing", ids.into_iter()).is_empty());
        assert_eq!(suggest("xcto", ids.into_iter()), vec!["xcto-missing"]);
    }
}
