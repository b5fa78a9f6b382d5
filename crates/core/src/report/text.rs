//! The text renderer, for a terminal: per exchange a grade badge and score, then the
//! findings grouped by severity with their evidence, one fix line and a pointer to
//! `headwarden rules <id>`. Colour (ANSI) is optional; without it the output reads the
//! same, since nothing is said by colour alone. Lines are wrapped to a width the caller
//! chooses (the CLI uses the terminal's, or 100 columns).
//!
//! Input-derived text is cleaned of control characters (an escape sequence in a header
//! value must not drive the reader's terminal) and of bidirectional overrides.

use std::fmt::Write as _;

use crate::report::markdown::sanitize;
use crate::report::{Evidence, ExchangeReport, Finding, Grade, Report, Severity};

/// The width used when the caller has none (not a terminal).
pub const DEFAULT_WIDTH: usize = 100;
/// Narrowest width honoured; below it, lines would hold a word or two.
const MIN_WIDTH: usize = 40;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

/// The report as terminal text, `width` columns wide, with ANSI colour when `colour`.
pub fn render(report: &Report, colour: bool, width: usize) -> String {
    let width = width.max(MIN_WIDTH);
    let p = Painter { colour };
    let mut out = String::new();
    let n = report.exchanges.len();
    let grade = report.worst_grade.to_string();
    let header = format!(
        "headwarden {} · {} · {n} {} · worst grade {grade}",
        clean(report.tool.version),
        report.input_format,
        if n == 1 { "exchange" } else { "exchanges" },
    );
    let mut lines = wrap_lines(&header, width, width.saturating_sub(2));
    if p.colour {
        if let Some(first) = lines.first_mut() {
            *first = first.replacen("headwarden", &p.paint(BOLD, "headwarden"), 1);
        }
        if let Some(last) = lines.last_mut() {
            if let Some(stem) = last.strip_suffix(grade.as_str()) {
                let badge = p.paint(grade_style(report.worst_grade), &format!(" {grade} "));
                *last = format!("{stem}{badge}");
            }
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(out, "{}{line}", if i == 0 { "" } else { "  " });
    }
    for (index, exchange) in report.exchanges.iter().enumerate() {
        out.push('\n');
        exchange_text(&mut out, &p, index, exchange, width);
    }
    if !report.notes.is_empty() {
        out.push('\n');
        for note in &report.notes {
            wrap_into(
                &mut out,
                &format!("note: {}", clean(note)),
                "",
                "      ",
                width,
            );
        }
    }
    out
}

struct Painter {
    colour: bool,
}

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.colour {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

fn grade_style(grade: Grade) -> &'static str {
    match grade {
        Grade::APlus | Grade::A => "\x1b[1;30;42m", // black on green
        Grade::B | Grade::C => "\x1b[1;30;43m",     // black on yellow
        Grade::D | Grade::F => "\x1b[1;97;41m",     // white on red
    }
}

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\x1b[1;95m", // bold bright magenta
        Severity::High => "\x1b[1;91m",     // bold bright red
        Severity::Medium => "\x1b[1;33m",   // bold yellow
        Severity::Low => "\x1b[1;36m",      // bold cyan
        Severity::Info => "\x1b[1;2m",      // bold dim
    }
}

fn exchange_text(out: &mut String, p: &Painter, index: usize, ex: &ExchangeReport, width: usize) {
    // The badge is padded so the grade stands out with or without colour: `[ F ]`.
    let badge = if p.colour {
        p.paint(
            grade_style(ex.grade),
            &format!(" {:<2} ", ex.grade.as_str()),
        )
    } else {
        format!("[{}]", ex.grade)
    };
    let mut title = String::new();
    if let Some(method) = &ex.method {
        title.push_str(&clean(method));
        title.push(' ');
    }
    match &ex.url {
        Some(url) => title.push_str(&clean(url)),
        None => {
            let _ = write!(title, "response {}", index + 1);
        }
    }
    if let Some(status) = ex.status {
        let _ = write!(title, " → {status}");
    }
    // The badge takes at most 4 columns (`[A+]`, or ` A+ ` in colour) and a space.
    let lines = wrap_lines(&title, width.saturating_sub(5), width.saturating_sub(6));
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "{badge} {}", p.paint(BOLD, line));
        } else {
            let _ = writeln!(out, "      {}", p.paint(BOLD, line));
        }
    }
    let counts = severity_counts(&ex.findings);
    let mut line = format!("score {}/100 · {}", ex.score, ex.scheme);
    for severity in Severity::ALL {
        let count = counts[severity as usize];
        if count > 0 {
            let _ = write!(line, " · {count} {severity}");
        }
    }
    let _ = write!(line, " · {} passed", ex.passed.len());
    wrap_into(out, &line, "      ", "      ", width);
    if ex.findings.is_empty() {
        let _ = writeln!(out, "\n      {}", p.paint(DIM, "no findings"));
        return;
    }
    for severity in Severity::ALL {
        let group: Vec<&Finding> = ex
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let heading = format!(
            "{} ({})",
            severity.as_str().to_ascii_uppercase(),
            group.len()
        );
        let _ = writeln!(out, "\n  {}", p.paint(severity_style(severity), &heading));
        for finding in group {
            finding_text(out, p, finding, width);
        }
    }
}

fn finding_text(out: &mut String, p: &Painter, f: &Finding, width: usize) {
    const INDENT: &str = "      ";
    let plain_head = format!("{} {}", f.rule, clean(&f.title));
    let mut head = String::new();
    wrap_into(&mut head, &plain_head, "    ● ", INDENT, width);
    if p.colour {
        // Style the marker and rule id after wrapping, so escape codes never count as width.
        let styled = format!(
            "{} {}",
            p.paint(severity_style(f.severity), "●"),
            p.paint(BOLD, f.rule)
        );
        head = head.replacen(&format!("● {}", f.rule), &styled, 1);
    }
    out.push_str(&head);
    wrap_into(out, &clean(&f.detail), INDENT, INDENT, width);
    let mut subject = Vec::new();
    if let Some(d) = &f.directive {
        subject.push(format!("directive {}", clean(d)));
    }
    if let Some(s) = &f.source {
        subject.push(format!("source {}", clean(s)));
    }
    if let Some(c) = &f.cookie {
        subject.push(format!("cookie {}", clean(c)));
    }
    if !subject.is_empty() {
        wrap_into(out, &subject.join(" · "), INDENT, INDENT, width);
    }
    if let Some(evidence) = &f.evidence {
        let text = match evidence {
            Evidence::Header {
                header,
                value,
                line,
            } => match line {
                Some(line) => format!("{}: {}  (line {line})", clean(header), clean(value)),
                None => format!("{}: {}", clean(header), clean(value)),
            },
            Evidence::Body { body } => format!("body: {}", clean(body)),
            Evidence::Exchanges { exchanges } => {
                let list: Vec<String> = exchanges.iter().map(|i| (i + 1).to_string()).collect();
                format!("in responses {}", list.join(", "))
            }
        };
        let mut block = String::new();
        wrap_into(&mut block, &text, "      > ", "        ", width);
        out.push_str(&paint_lines(p, DIM, &block));
    }
    if let Some(fix) = fix_line(f) {
        wrap_into(out, &fix, INDENT, "        ", width);
    }
    let hint = format!("more: headwarden rules {}", f.rule);
    let mut block = String::new();
    wrap_into(&mut block, &hint, INDENT, INDENT, width);
    out.push_str(&paint_lines(p, DIM, &block));
}

/// The one-line fix: the finding's own, else the first of the rule's Flask, nginx and
/// policy snippets that fits on one line, else the first line of the first snippet.
fn fix_line(f: &Finding) -> Option<String> {
    let rule_fixes = crate::rules::by_id(f.rule).map(|r| r.fixes);
    let candidates: Vec<(&str, &'static str)> = [
        ("flask", rule_fixes.and_then(|x| x.flask)),
        ("nginx", rule_fixes.and_then(|x| x.nginx)),
        ("policy", rule_fixes.and_then(|x| x.policy)),
    ]
    .into_iter()
    .filter_map(|(tab, snippet)| Some((tab, snippet?)))
    .collect();
    let code_lines = |snippet: &'static str| {
        snippet
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
    };
    let label = |tab: &str| {
        if tab.is_empty() {
            "fix:".to_string()
        } else {
            format!("fix ({tab}):")
        }
    };
    if let Some(fix) = f.fix.as_deref() {
        let first = fix.lines().map(str::trim).find(|l| !l.is_empty())?;
        let more = fix.lines().filter(|l| !l.trim().is_empty()).count() > 1;
        return Some(format!(
            "{} {}{}",
            label(""),
            clean(first),
            if more { " …" } else { "" }
        ));
    }
    for (tab, snippet) in &candidates {
        let mut lines = code_lines(snippet);
        if let (Some(only), None) = (lines.next(), lines.next()) {
            return Some(format!("{} {}", label(tab), clean(only)));
        }
    }
    let (tab, snippet) = candidates.first()?;
    let first = code_lines(snippet).next()?;
    Some(format!("{} {} …", label(tab), clean(first)))
}

fn paint_lines(p: &Painter, style: &str, block: &str) -> String {
    if !p.colour {
        return block.to_string();
    }
    block
        .lines()
        .map(|l| format!("{}\n", p.paint(style, l)))
        .collect()
}

fn clean(s: &str) -> String {
    sanitize(s, false)
}

fn severity_counts(findings: &[Finding]) -> [usize; 5] {
    let mut counts = [0; 5];
    for f in findings {
        counts[f.severity as usize] += 1;
    }
    counts
}

/// Appends `text` word-wrapped to `width` columns (counted in chars), the first line
/// prefixed by `first`, the others by `rest`.
fn wrap_into(out: &mut String, text: &str, first: &str, rest: &str, width: usize) {
    let room = |prefix: &str| width.saturating_sub(prefix.chars().count());
    for (i, line) in wrap_lines(text, room(first), room(rest)).iter().enumerate() {
        let prefix = if i == 0 { first } else { rest };
        let _ = writeln!(out, "{prefix}{line}");
    }
}

/// `text` split into lines of at most `first` chars (the first line) and `rest` chars (the
/// others), at spaces; words longer than a line are cut. Always at least one line.
fn wrap_lines(text: &str, first: usize, rest: usize) -> Vec<String> {
    // Below 10 columns a line would hold almost nothing; overflow rather than loop.
    let (first, rest) = (first.max(10), rest.max(10));
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_len = 0;
    let room = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: &str = word;
        loop {
            let word_len = word.chars().count();
            let space = usize::from(line_len > 0);
            if line_len + space + word_len <= room(&lines) {
                if space == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                line_len += space + word_len;
                break;
            }
            if line_len > 0 {
                lines.push(std::mem::take(&mut line));
                line_len = 0;
                continue;
            }
            // A word longer than a whole line: cut it.
            let cut = word
                .char_indices()
                .nth(room(&lines))
                .map_or(word.len(), |(i, _)| i);
            lines.push(word[..cut].to_string());
            word = &word[cut..];
            if word.is_empty() {
                break;
            }
        }
    }
    if line_len > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::report;

    #[test]
    fn wraps_to_width() {
        let mut out = String::new();
        let text = "one two three four five six seven eight nine ten eleven twelve";
        wrap_into(&mut out, text, "  ", "  ", 20);
        assert!(out.lines().all(|l| l.chars().count() <= 20), "{out}");
        assert_eq!(out.split_whitespace().collect::<Vec<_>>().join(" "), text);
    }

    #[test]
    fn splits_words_longer_than_a_line() {
        let mut out = String::new();
        wrap_into(&mut out, &"x".repeat(50), "", "", 20);
        assert_eq!(out.lines().count(), 3);
        assert!(out.lines().all(|l| l.chars().count() <= 20));
    }

    #[test]
    fn without_colour_there_are_no_escape_sequences() {
        let r = report("HTTP/1.1 200 OK\r\nServer: evil\u{1b}[31m\r\n\r\n");
        let text = render(&r, false, 100);
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(
            text.contains(&format!("[{}]", r.exchanges[0].grade)),
            "{text}"
        );
        let coloured = render(&r, true, 100);
        assert!(coloured.contains("\x1b[0m"));
    }

    #[test]
    fn hostile_escape_sequences_are_neutralised() {
        let mut r = report("HTTP/1.1 200 OK\r\n\r\n");
        r.exchanges[0].findings.push(
            Finding::new(
                &crate::rules::transport::HSTS_MISSING,
                "bad \u{1b}]0;owned\u{7}",
            )
            .header_evidence("X", "\u{1b}[2J\u{202E}abc"),
        );
        let text = render(&r, true, 100);
        assert!(!text.contains("\u{1b}]0;"), "{text:?}");
        assert!(!text.contains("\u{1b}[2J"), "{text:?}");
        assert!(!text.contains('\u{202E}'));
    }

    #[test]
    fn lists_findings_with_fix_and_hint() {
        let r = report("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
        let text = render(&r, false, 100);
        for f in &r.exchanges[0].findings {
            assert!(text.contains(f.rule), "{text}");
            assert!(text.contains(&format!("headwarden rules {}", f.rule)));
        }
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    }
}
