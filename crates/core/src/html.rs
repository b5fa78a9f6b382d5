//! The one HTML scanner used for *reading* bodies: `<meta http-equiv>` CSP, `<script nonce>`,
//! forms and their fields, debugger pages. It is a tolerant tokenizer of start tags in the
//! spirit of the HTML spec's tokenizer (comments, raw-text elements such as `<script>` and
//! `<style>` whose content is not markup), not a tree builder: rules only need tags,
//! attributes and where they are. Rewriting uses `lol_html` (see `policy::rewrite`); a
//! test runs both over the same fixtures and asserts they see the same `<script>` elements.
//!
//! Linear in the body size; bodies are already capped by [`crate::limits::MAX_BODY_BYTES`].

use std::ops::Range;

/// One start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lowercased tag name.
    pub name: String,
    /// Attributes in order; names lowercased, values with entities left as written.
    pub attrs: Vec<(String, String)>,
    /// Byte offset of the `<` in the body.
    pub offset: usize,
    /// For raw-text elements (`script`, `style`, `textarea`, `title`): the content's byte range.
    pub content: Option<Range<usize>>,
}

impl Tag {
    /// The value of attribute `name` (lowercase), if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has_attr(&self, name: &str) -> bool {
        self.attrs.iter().any(|(k, _)| k == name)
    }
}

/// A scanned HTML body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub tags: Vec<Tag>,
    text: String,
}

/// Most tags recorded for one document; the rest of a larger body is not scanned.
pub const MAX_TAGS: usize = 100_000;

const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

impl Document {
    /// Scans `body` (any bytes; invalid UTF-8 is replaced).
    pub fn scan(body: &[u8]) -> Document {
        // `from_utf8` checks ASCII a word at a time; the lossy walk only when needed.
        let text = match std::str::from_utf8(body) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(body).into_owned(),
        };
        let tags = scan_tags(&text);
        Document { tags, text }
    }

    /// The body as text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Tags named `name` (lowercase).
    pub fn elements<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Tag> + 'a {
        self.tags.iter().filter(move |t| t.name == name)
    }

    /// The raw content of a raw-text element.
    pub fn content_of(&self, tag: &Tag) -> Option<&str> {
        tag.content.clone().and_then(|r| self.text.get(r))
    }
}

/// True when `body` starts (after whitespace and a BOM) like an HTML document.
pub fn looks_like_html(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 15)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<head")
        || lower.starts_with(b"<!--")
        || lower.starts_with(b"<meta")
        || lower.starts_with(b"<body")
}

fn scan_tags(s: &str) -> Vec<Tag> {
    let bytes = s.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(rel) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + rel;
        i = lt + 1;
        if tags.len() >= MAX_TAGS {
            break;
        }
        if bytes[i..].starts_with(b"!--") {
            // Comment: skip to `-->` (or the end).
            i = find(bytes, i + 3, b"-->").map_or(bytes.len(), |p| p + 3);
            continue;
        }
        let Some(&first) = bytes.get(i) else { break };
        if !first.is_ascii_alphabetic() {
            // As the HTML tokenizer does (and lol_html with it): an end tag runs to its `>`
            // with any attributes, quoted values included; `<!doctype …>`, `<?…>` and other
            // bogus comments run to the next `>`. A `<script>` inside them is no element.
            // A stray `<` is text.
            match (first, bytes.get(i + 1)) {
                (b'/', Some(c)) if c.is_ascii_alphabetic() => i = skip_tag(s, i),
                (b'/' | b'!' | b'?', _) => {
                    i = memchr::memchr(b'>', &bytes[i..]).map_or(bytes.len(), |p| i + p + 1);
                }
                _ => {}
            }
            continue;
        }
        let (tag, end) = read_start_tag(s, lt);
        i = end;
        let mut tag = tag;
        if RAW_TEXT.contains(&tag.name.as_str()) {
            let close = format!("</{}", tag.name);
            let content_end = find_ascii_ci(bytes, i, close.as_bytes()).unwrap_or(bytes.len());
            tag.content = Some(i..content_end);
            i = content_end;
        }
        tags.push(tag);
    }
    tags
}

/// Reads the start tag whose `<` is at `lt`; returns it and the offset after its `>`.
fn read_start_tag(s: &str, lt: usize) -> (Tag, usize) {
    let mut attrs: Vec<(String, String)> = Vec::new();
    let (name, end) = read_tag(s, lt, |key, value| {
        // HTML keeps the first of duplicate attributes.
        if !attrs.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            attrs.push((key.to_ascii_lowercase(), value.to_string()));
        }
    });
    let tag = Tag {
        name: name.to_ascii_lowercase(),
        attrs,
        offset: lt,
        content: None,
    };
    (tag, end)
}

/// The offset after the `>` of the tag at `lt`, read like a start tag but not built (an
/// end tag).
fn skip_tag(s: &str, lt: usize) -> usize {
    read_tag(s, lt, |_, _| {}).1
}

/// Tokenizes the tag whose `<` is at `lt`, giving each attribute (name and value as
/// written) to `attr`; returns the name as written and the offset after the `>`.
fn read_tag<'s>(s: &'s str, lt: usize, mut attr: impl FnMut(&'s str, &'s str)) -> (&'s str, usize) {
    let bytes = s.as_bytes();
    let mut i = lt + 1;
    let name_start = i;
    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name = &s[name_start..i];
    loop {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        let key_start = i;
        while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'>' | b'=' | b'/') {
            i += 1;
        }
        if i == key_start {
            // A lone `=`: skip it so we always make progress.
            i += 1;
            continue;
        }
        let key = &s[key_start..i];
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let start = i + 1;
                    let end = memchr::memchr(q, &bytes[start..]).map_or(bytes.len(), |p| start + p);
                    value = &s[start..end];
                    i = (end + 1).min(bytes.len());
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = &s[start..i];
                }
            }
        }
        attr(key, value);
    }
    (name, i)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| from + p)
}

/// Where the end tag `needle` (`</script`, any case) closing a raw-text element starts:
/// as in the HTML tokenizer, the name must be followed by whitespace, `/` or `>`
/// (`</title0` does not close a `<title>`).
fn find_ascii_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = find(hay, i, b"</") {
        let candidate = &hay[p..];
        let ends_name = |b: u8| b == b'/' || b == b'>' || is_space(b);
        if candidate.len() > needle.len()
            && candidate[..needle.len()].eq_ignore_ascii_case(needle)
            && ends_name(candidate[needle.len()])
        {
            return Some(p);
        }
        i = p + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_scripts_with_nonces_and_skips_their_content() {
        let doc = Document::scan(
            b"<!doctype html><script nonce=\"abc\">if (a<b) { x('<div>') }</script>\
              <!-- <script nonce=x> --><SCRIPT src=/a.js NONCE='def'></SCRIPT><p>",
        );
        let scripts: Vec<_> = doc.elements("script").collect();
        assert_eq!(scripts.len(), 2);
        assert_eq!(scripts[0].attr("nonce"), Some("abc"));
        assert_eq!(doc.content_of(scripts[0]), Some("if (a<b) { x('<div>') }"));
        assert_eq!(scripts[1].attr("nonce"), Some("def"));
        assert_eq!(scripts[1].attr("src"), Some("/a.js"));
        assert_eq!(doc.elements("p").count(), 1);
        assert_eq!(doc.elements("div").count(), 0);
    }

    #[test]
    fn survives_truncated_markup() {
        for junk in [
            &b"<"[..],
            b"<a",
            b"<a b='",
            b"<script>",
            b"<!--",
            b"<a =>",
            b"<\xff\xfe",
        ] {
            let _ = Document::scan(junk);
        }
    }
}
