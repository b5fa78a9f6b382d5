//! The Markdown renderer, for pull-request comments and CI summaries (GitHub-flavoured).
//!
//! Everything that comes from the input (URLs, header values, cookie names, and the
//! details that quote them) is escaped, so a hostile header cannot inject markup, HTML,
//! links or table cells: free text is backslash-escaped with `<`, `>` and `&` as entities,
//! evidence goes in code spans whose fence is longer than any backtick run inside, and
//! fixes go in fenced blocks chosen the same way.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::report::{Evidence, ExchangeReport, Finding, Report, Severity};

/// The report as GitHub-flavoured Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let exchanges = report.exchanges.len();
    let _ = writeln!(out, "## headwarden report\n");
    let _ = writeln!(
        out,
        "Worst grade: **{}** · {} {} · input format: {} · headwarden {}\n",
        escape_text(report.worst_grade.as_str()),
        exchanges,
        if exchanges == 1 {
            "exchange"
        } else {
            "exchanges"
        },
        report.input_format,
        escape_text(report.tool.version),
    );
    summary_table(&mut out, report);
    for note in &report.notes {
        let _ = writeln!(out, "> **Note:** {}\n", escape_text(note));
    }
    // Rule fixes are shown in full at a rule's first finding only, to keep long inputs
    // (HAR files, redirect chains) within a comment's size.
    let mut fixes_shown = BTreeSet::new();
    for (index, exchange) in report.exchanges.iter().enumerate() {
        exchange_section(&mut out, report, index, exchange, &mut fixes_shown);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn summary_table(out: &mut String, report: &Report) {
    out.push_str("| # | Exchange | Grade | Score | Critical | High | Medium | Low | Info |\n");
    out.push_str("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (index, exchange) in report.exchanges.iter().enumerate() {
        let counts = severity_counts(&exchange.findings);
        let _ = write!(
            out,
            "| {} | {} | **{}** | {} |",
            index + 1,
            exchange_label(exchange, index, true),
            escape_text(exchange.grade.as_str()),
            exchange.score
        );
        for severity in Severity::ALL {
            let _ = write!(out, " {} |", counts[severity as usize]);
        }
        out.push('\n');
    }
    out.push('\n');
}

fn exchange_section(
    out: &mut String,
    report: &Report,
    index: usize,
    exchange: &ExchangeReport,
    fixes_shown: &mut BTreeSet<&'static str>,
) {
    let _ = writeln!(
        out,
        "### {}. {} · grade {} · score {}/100\n",
        index + 1,
        exchange_label(exchange, index, false),
        escape_text(exchange.grade.as_str()),
        exchange.score
    );
    let _ = writeln!(
        out,
        "Scheme: {} · {} {} · {} passed\n",
        exchange.scheme,
        exchange.findings.len(),
        if exchange.findings.len() == 1 {
            "finding"
        } else {
            "findings"
        },
        exchange.passed.len()
    );
    for severity in Severity::ALL {
        let group: Vec<&Finding> = exchange
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "#### {} ({})\n",
            severity_heading(severity),
            group.len()
        );
        for finding in group {
            finding_block(out, report, finding, fixes_shown);
        }
    }
    if !exchange.passed.is_empty() {
        let passed: Vec<String> = exchange.passed.iter().map(|id| code_span(id)).collect();
        let _ = writeln!(
            out,
            "<details>\n<summary>Passed checks ({})</summary>\n\n{}\n\n</details>\n",
            passed.len(),
            passed.join(", ")
        );
    }
}

fn finding_block(
    out: &mut String,
    report: &Report,
    finding: &Finding,
    fixes_shown: &mut BTreeSet<&'static str>,
) {
    let _ = writeln!(
        out,
        "**{}** {}\n",
        code_span(finding.rule),
        escape_text(&finding.title)
    );
    let _ = writeln!(out, "{}\n", escape_text(&finding.detail));
    let mut facts = Vec::new();
    if let Some(evidence) = &finding.evidence {
        facts.push(format!("Evidence: {}", evidence_markdown(evidence)));
    }
    if let Some(directive) = &finding.directive {
        facts.push(format!("Directive: {}", code_span(directive)));
    }
    if let Some(source) = &finding.source {
        facts.push(format!("Source: {}", code_span(source)));
    }
    if let Some(cookie) = &finding.cookie {
        facts.push(format!("Cookie: {}", code_span(cookie)));
    }
    if !facts.is_empty() {
        // Two trailing spaces: a hard line break between the facts of one paragraph.
        let _ = writeln!(out, "{}\n", facts.join("  \n"));
    }
    let rule_fixes = report.rules.get(finding.rule).map(|doc| &doc.fixes);
    let first_time = fixes_shown.insert(finding.rule);
    let has_rule_fixes = rule_fixes.is_some_and(|f| !f.is_empty());
    if finding.fix.is_none() && !has_rule_fixes {
        return;
    }
    out.push_str("<details>\n<summary>How to fix</summary>\n\n");
    if let Some(fix) = &finding.fix {
        out.push_str("For this finding:\n\n");
        out.push_str(&fenced(fix, ""));
    }
    if let Some(fixes) = rule_fixes.filter(|f| !f.is_empty()) {
        if first_time {
            for (tab, snippet) in fixes {
                let _ = writeln!(out, "{}:\n", fix_tab_title(tab));
                out.push_str(&fenced(snippet, fix_language(tab)));
            }
        } else {
            let _ = writeln!(
                out,
                "The fixes for {} are shown at its first finding above.\n",
                code_span(finding.rule)
            );
        }
    }
    out.push_str("</details>\n\n");
}

fn severity_heading(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

fn fix_tab_title(tab: &str) -> &str {
    match tab {
        "flask" => "Flask",
        "policy" => "headwarden policy",
        "nginx" => "nginx",
        other => other,
    }
}

fn fix_language(tab: &str) -> &'static str {
    match tab {
        "flask" => "python",
        "policy" => "toml",
        "nginx" => "nginx",
        _ => "",
    }
}

/// `GET` `https://…` → 200, with every input-derived part escaped.
fn exchange_label(exchange: &ExchangeReport, index: usize, in_table: bool) -> String {
    let span = if in_table { table_code_span } else { code_span };
    let mut label = String::new();
    if let Some(method) = &exchange.method {
        label.push_str(&span(method));
        label.push(' ');
    }
    match &exchange.url {
        Some(url) => label.push_str(&span(url)),
        None => {
            let _ = write!(label, "response {}", index + 1);
        }
    }
    if let Some(status) = exchange.status {
        let _ = write!(label, " → {status}");
    }
    label
}

fn evidence_markdown(evidence: &Evidence) -> String {
    match evidence {
        Evidence::Header {
            header,
            value,
            line,
        } => {
            let quoted = code_span(&format!("{header}: {value}"));
            match line {
                Some(line) => format!("{quoted} (line {line})"),
                None => quoted,
            }
        }
        Evidence::Body { body } => format!("body {}", code_span(body)),
        Evidence::Exchanges { exchanges } => {
            let list: Vec<String> = exchanges.iter().map(|i| (i + 1).to_string()).collect();
            format!("exchanges {}", list.join(", "))
        }
    }
}

/// Counts of findings by severity, indexed by `Severity as usize`.
fn severity_counts(findings: &[Finding]) -> [usize; 5] {
    let mut counts = [0; 5];
    for f in findings {
        counts[f.severity as usize] += 1;
    }
    counts
}

/// Replaces characters a renderer must never pass through: control characters (they
/// would end a line or drive a terminal) and bidirectional overrides (they reorder what
/// the reader sees). Tabs become spaces.
pub(crate) fn sanitize(s: &str, keep_newlines: bool) -> String {
    s.chars()
        .map(|c| match c {
            '\n' if keep_newlines => '\n',
            '\t' => ' ',
            c if c.is_control() || is_bidi_control(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Free text (one line) with every character that could start Markdown or HTML escaped.
pub(crate) fn escape_text(s: &str) -> String {
    let clean = sanitize(s, false);
    let mut out = String::with_capacity(clean.len() + 8);
    let mut at_start = true;
    let mut leading_digits = false;
    let mut chars = clean.chars().peekable();
    while let Some(c) = chars.next() {
        let next_ends_word = chars.peek().is_none_or(|n| *n == ' ');
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '!' | '{' | '}' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            // Only special at the start of a line: headings, lists, quotes, setext rules.
            '#' | '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            // `1. ` at the start would open an ordered list (`1)` is escaped above).
            '.' if leading_digits && next_ends_word => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        leading_digits = c.is_ascii_digit() && (at_start || leading_digits);
        at_start = at_start && c == ' ';
    }
    out
}

/// An inline code span holding `s` literally, whatever backticks it contains.
pub(crate) fn code_span(s: &str) -> String {
    let clean = sanitize(s, false);
    if clean.is_empty() {
        return "` `".to_string();
    }
    let fence = "`".repeat(longest_backtick_run(&clean) + 1);
    // Spaces keep a leading or trailing backtick off the fence, and protect content that
    // both starts and ends with a space: Markdown strips one space from each side when
    // both are present.
    let pad = clean.starts_with('`')
        || clean.ends_with('`')
        || (clean.starts_with(' ') && clean.ends_with(' '));
    if pad {
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

/// A code span for a table cell: GFM splits cells on `|` before it reads code spans, so
/// pipes are escaped (the backslash is removed with the cell split).
fn table_code_span(s: &str) -> String {
    code_span(s).replace('|', "\\|")
}

/// A fenced code block holding `s` literally, ending with a blank line.
pub(crate) fn fenced(s: &str, language: &str) -> String {
    let clean = sanitize(s, true);
    let fence = "`".repeat(longest_backtick_run(&clean).max(2) + 1);
    let mut out = String::with_capacity(clean.len() + 16);
    let _ = writeln!(out, "{fence}{language}");
    out.push_str(clean.trim_end_matches('\n'));
    let _ = writeln!(out, "\n{fence}\n");
    out
}

fn longest_backtick_run(s: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::report;

    #[test]
    fn escapes_html_and_markdown_in_text() {
        assert_eq!(
            escape_text("<script>alert(1)</script>"),
            "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
        );
        assert_eq!(
            escape_text("a *b* [c](d) | e"),
            "a \\*b\\* \\[c\\]\\(d\\) \\| e"
        );
        assert_eq!(escape_text("# title"), "\\# title");
        assert_eq!(escape_text("1. item"), "1\\. item");
        assert_eq!(escape_text("same-origin 1.5"), "same-origin 1.5");
        assert_eq!(escape_text("0.1.0"), "0.1.0");
        assert_eq!(escape_text("&amp;"), "&amp;amp;");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code_span("max-age=0"), "`max-age=0`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        assert_eq!(code_span(" x "), "`  x  `");
        assert_eq!(code_span("a|b"), "`a|b`");
        assert_eq!(table_code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("x\ny\u{1b}[31m"), "`x\u{FFFD}y\u{FFFD}[31m`");
    }

    #[test]
    fn fences_are_longer_than_any_backtick_run() {
        let block = fenced("a ```` b", "toml");
        assert!(block.starts_with("`````toml\n"));
        assert!(block.ends_with("\n`````\n\n"));
    }

    #[test]
    fn hostile_values_cannot_inject_markup() {
        let mut r = report("HTTP/1.1 200 OK\r\n\r\n");
        let hostile_value = "<script>alert(1)</script> `x` | **bold**";
        let hostile_url = "https://example.com/<img src=x onerror=alert(1)>|`";
        r.exchanges[0].url = Some(hostile_url.to_string());
        r.exchanges[0].findings.push(
            Finding::new(
                &crate::rules::transport::HSTS_MISSING,
                format!("The server sent {hostile_value}."),
            )
            .header_evidence("Server", hostile_value)
            .cookie("<b>c</b>"),
        );
        let md = render(&r);
        let evidence = code_span(&format!("Server: {hostile_value}"));
        assert!(md.contains(&evidence), "{md}");
        assert!(
            md.contains("&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
            "{md}"
        );
        // Fenced blocks hold the rules' own fix snippets, literally.
        let mut in_fence = false;
        let outside_fences: String = md
            .lines()
            .filter(|l| {
                if l.starts_with("```") {
                    in_fence = !in_fence;
                    return false;
                }
                !in_fence
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let rest = outside_fences
            .replace(&evidence, "")
            .replace(&code_span(hostile_url), "")
            .replace(&table_code_span(hostile_url), "")
            .replace(&code_span("<b>c</b>"), "");
        for tag in ["<script", "<img", "<b>", "**bold**"] {
            assert!(!rest.contains(tag), "{tag} escaped the code spans:\n{md}");
        }
    }

    #[test]
    fn summary_table_counts_findings() {
        let r = report("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
        let md = render(&r);
        assert!(md.starts_with("## headwarden report\n"));
        assert!(md.contains("| # | Exchange | Grade | Score |"));
        let total: usize = r.exchanges[0].findings.len();
        let row = md
            .lines()
            .find(|l| l.starts_with("| 1 |"))
            .expect("a row for the exchange");
        let counted: usize = row
            .split('|')
            .rev()
            .skip(1)
            .take(5)
            .filter_map(|c| c.trim().parse::<usize>().ok())
            .sum();
        assert_eq!(counted, total, "{row}");
    }

    #[test]
    fn fixes_are_collapsible() {
        let r = report("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
        let md = render(&r);
        if r.finding_count() > 0 {
            assert!(md.contains("<details>\n<summary>How to fix</summary>\n\n"));
            assert_eq!(
                md.matches("<details>").count(),
                md.matches("</details>").count()
            );
        }
    }
}
