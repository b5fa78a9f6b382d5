//! A minimal Markdown reader for rule docs, rendered as Yew nodes.
//!
//! Safety: every piece of text ends up in a text node. Nothing is ever parsed as HTML and
//! no `href` is produced: a link shows its text and its address as plain text, so a doc (or
//! anything else passed in) can never inject markup or a `javascript:` URL.
//!
//! Supported: `#` headings, paragraphs, fenced code blocks, `-`/`*`/`1.` lists, inline
//! `code`, `**strong**`, `[text](url)`. Everything else stays literal text.

use yew::prelude::*;

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    Code(String),
    List { ordered: bool, items: Vec<String> },
}

/// One inline run of a paragraph, heading or list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Link { text: String, url: String },
}

/// Splits `doc` into blocks. Linear in the input.
pub fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let mut code: Option<Vec<&str>> = None;

    fn flush_paragraph(out: &mut Vec<Block>, paragraph: &mut Vec<&str>) {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
    }
    fn flush_list(out: &mut Vec<Block>, list: &mut Option<(bool, Vec<String>)>) {
        if let Some((ordered, items)) = list.take() {
            out.push(Block::List { ordered, items });
        }
    }

    for line in doc.lines() {
        if let Some(lines) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                out.push(Block::Code(lines.join("\n")));
                code = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush_paragraph(&mut out, &mut paragraph);
            flush_list(&mut out, &mut list);
            code = Some(Vec::new());
            continue;
        }
        if trimmed.is_empty() {
            flush_paragraph(&mut out, &mut paragraph);
            flush_list(&mut out, &mut list);
            continue;
        }
        if let Some((level, text)) = heading(trimmed) {
            flush_paragraph(&mut out, &mut paragraph);
            flush_list(&mut out, &mut list);
            out.push(Block::Heading(level, text.to_string()));
            continue;
        }
        if let Some((ordered, item)) = list_item(trimmed) {
            flush_paragraph(&mut out, &mut paragraph);
            match list.as_mut() {
                Some((o, items)) if *o == ordered => items.push(item.to_string()),
                _ => {
                    flush_list(&mut out, &mut list);
                    list = Some((ordered, vec![item.to_string()]));
                }
            }
            continue;
        }
        // A continuation line of a list item, or paragraph text.
        if let Some((_, items)) = list.as_mut() {
            if line.starts_with(' ') || line.starts_with('\t') {
                if let Some(last) = items.last_mut() {
                    last.push(' ');
                    last.push_str(trimmed);
                    continue;
                }
            }
            flush_list(&mut out, &mut list);
        }
        paragraph.push(trimmed);
    }
    if let Some(lines) = code {
        out.push(Block::Code(lines.join("\n")));
    }
    flush_paragraph(&mut out, &mut paragraph);
    flush_list(&mut out, &mut list);
    out
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = line.get(hashes..)?;
    let text = rest.strip_prefix(' ')?;
    Some((hashes as u8, text.trim()))
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest.trim()));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        let rest = line.get(digits..)?;
        if let Some(item) = rest.strip_prefix(". ") {
            return Some((true, item.trim()));
        }
    }
    None
}

/// Splits a line of text into inline runs. Unmatched markers stay literal.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '`' => {
                if let Some(end) = rest[1..].find('`') {
                    push_text(&mut out, &mut plain);
                    out.push(Inline::Code(rest[1..1 + end].to_string()));
                    rest = &rest[end + 2..];
                    continue;
                }
            }
            '*' if rest.starts_with("**") => {
                if let Some(end) = rest[2..].find("**") {
                    push_text(&mut out, &mut plain);
                    out.push(Inline::Strong(rest[2..2 + end].to_string()));
                    rest = &rest[end + 4..];
                    continue;
                }
            }
            '[' => {
                if let Some((link, used)) = link(rest) {
                    push_text(&mut out, &mut plain);
                    out.push(link);
                    rest = &rest[used..];
                    continue;
                }
            }
            _ => {}
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    push_text(&mut out, &mut plain);
    out
}

fn push_text(out: &mut Vec<Inline>, plain: &mut String) {
    if !plain.is_empty() {
        out.push(Inline::Text(std::mem::take(plain)));
    }
}

/// `[text](url)` at the start of `s`: the link and the bytes it used.
fn link(s: &str) -> Option<(Inline, usize)> {
    let close = s.find("](")?;
    let text = s.get(1..close)?;
    if text.contains('[') || text.contains(']') {
        return None;
    }
    let after = s.get(close + 2..)?;
    let end = after.find(')')?;
    let url = after.get(..end)?;
    if url.contains(char::is_whitespace) {
        return None;
    }
    Some((
        Inline::Link {
            text: text.to_string(),
            url: url.to_string(),
        },
        close + 2 + end + 1,
    ))
}

/// One line of text with inline code, strong and links (as text), for details and notes.
pub fn inline(text: &str) -> Html {
    render_inlines(text)
}

fn render_inlines(text: &str) -> Html {
    inlines(text)
        .into_iter()
        .map(|run| match run {
            Inline::Text(t) => html! { {t} },
            Inline::Code(c) => html! { <code>{c}</code> },
            Inline::Strong(s) => html! { <strong>{s}</strong> },
            // Shown, never followed: the address is text the reader can copy.
            Inline::Link { text, url } => html! {
                <span class="md-link">{text}{" ("}<span class="md-url">{url}</span>{")"}</span>
            },
        })
        .collect()
}

/// Renders `doc` as text nodes inside block elements. `heading_offset` shifts heading
/// levels so a doc's `##` fits under the page's own headings.
pub fn render(doc: &str, heading_offset: u8) -> Html {
    blocks(doc)
        .into_iter()
        .map(|block| match block {
            Block::Heading(level, text) => {
                let tag = match level.saturating_add(heading_offset).clamp(1, 6) {
                    1 => "h1",
                    2 => "h2",
                    3 => "h3",
                    4 => "h4",
                    5 => "h5",
                    _ => "h6",
                };
                html! { <@{tag} class="md-heading">{render_inlines(&text)}</@> }
            }
            Block::Paragraph(text) => html! { <p>{render_inlines(&text)}</p> },
            Block::Code(code) => html! { <pre class="code"><code>{code}</code></pre> },
            Block::List { ordered, items } => {
                let items: Html = items
                    .iter()
                    .map(|i| html! { <li>{render_inlines(i)}</li> })
                    .collect();
                if ordered {
                    html! { <ol>{items}</ol> }
                } else {
                    html! { <ul>{items}</ul> }
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks() {
        let doc = "## What it does\nChecks `x`.\nMore.\n\n- one\n- two\n  cont\n\n```toml\n[a]\nb = 1\n```\n1. first\n";
        assert_eq!(
            blocks(doc),
            vec![
                Block::Heading(2, "What it does".into()),
                Block::Paragraph("Checks `x`. More.".into()),
                Block::List {
                    ordered: false,
                    items: vec!["one".into(), "two cont".into()]
                },
                Block::Code("[a]\nb = 1".into()),
                Block::List {
                    ordered: true,
                    items: vec!["first".into()]
                },
            ]
        );
    }

    #[test]
    fn reads_inlines_and_keeps_markup_literal() {
        assert_eq!(
            inlines("see [MDN](https://x.test/a) and `code` **bold** <script>"),
            vec![
                Inline::Text("see ".into()),
                Inline::Link {
                    text: "MDN".into(),
                    url: "https://x.test/a".into()
                },
                Inline::Text(" and ".into()),
                Inline::Code("code".into()),
                Inline::Text(" ".into()),
                Inline::Strong("bold".into()),
                Inline::Text(" <script>".into()),
            ]
        );
        assert_eq!(
            inlines("a ` b ** [c"),
            vec![Inline::Text("a ` b ** [c".into())]
        );
        assert_eq!(
            inlines("é`ü`"),
            vec![Inline::Text("é".into()), Inline::Code("ü".into())]
        );
    }

    #[test]
    fn unterminated_code_block_is_kept() {
        assert_eq!(blocks("```\nx"), vec![Block::Code("x".into())]);
    }
}
