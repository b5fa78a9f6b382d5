//! HTML forms that post without a CSRF token field.
//!
//! Reads the tags of [`crate::html::Document`]: a `<form>` owns the fields between its start
//! tag and its `</form>` (a `<form>` inside an open form is ignored, as the HTML parser
//! does), plus fields elsewhere whose `form="id"` attribute names it.

use crate::html::{Document, Tag};

/// Field names that carry a CSRF token in common frameworks, compared ASCII-case-insensitively.
/// Any name containing `csrf` or `xsrf` counts as well.
pub const TOKEN_FIELDS: &[&str] = &[
    "csrf_token",                 // Flask-WTF, Flask-SeaSurf (`_csrf_token`)
    "csrfmiddlewaretoken",        // Django
    "_csrf",                      // Express csurf, Spring Security
    "authenticity_token",         // Rails
    "__requestverificationtoken", // ASP.NET
    "_token",                     // Laravel
    "anticsrf",
    "__csrf_magic", // PHP csrf-magic
    "form_key",     // Magento
    "_wpnonce",     // WordPress
    "nonce",
];

/// A `<form method="post">` with no CSRF token field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnprotectedForm {
    /// Byte offset of the `<form` tag.
    pub offset: usize,
    /// The `action` attribute as written (empty: posts to the page itself).
    pub action: String,
    /// Names of the fields it submits.
    pub fields: Vec<String>,
}

/// True when `name` is a CSRF token field name.
pub fn is_token_field(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("csrf") || lower.contains("xsrf") || TOKEN_FIELDS.contains(&lower.as_str())
}

/// Most forms reported for one page.
pub const MAX_REPORTED_FORMS: usize = 10;

/// Every POST form of `doc` that submits no CSRF token (at most [`MAX_REPORTED_FORMS`]).
/// Forms that post to another host (`action="https://…"` with a host other than
/// `page_host`, or any absolute URL when the page's host is unknown) are skipped: their
/// protection is that site's business. Linear in the number of tags.
pub fn unprotected_forms(doc: &Document, page_host: Option<&str>) -> Vec<UnprotectedForm> {
    let text = doc.text();
    // Forms in document order: (tag index, tag).
    let forms: Vec<(usize, &Tag)> = doc
        .tags
        .iter()
        .enumerate()
        .filter(|(_, t)| t.name == "form")
        .collect();
    if forms.is_empty() {
        return Vec::new();
    }
    let closes = form_closes(doc);
    // As the HTML parser does: a `<form>` inside an open form is ignored (its fields belong
    // to the open one); a form without `</form>` runs to the end of the document.
    let mut open: Vec<(usize, &Tag, usize)> = Vec::new(); // (tag index, tag, end offset)
    for &(index, form) in &forms {
        if open.last().is_some_and(|&(_, _, end)| form.offset < end) {
            continue;
        }
        let i = closes.partition_point(|&c| c <= form.offset);
        let end = closes.get(i).copied().unwrap_or(text.len());
        open.push((index, form, end));
    }
    let forms: Vec<(usize, &Tag)> = open.iter().map(|&(i, t, _)| (i, t)).collect();
    let ends: Vec<usize> = open.iter().map(|&(_, _, end)| end).collect();
    let ids: std::collections::HashMap<&str, usize> = forms
        .iter()
        .enumerate()
        .filter_map(|(n, (_, f))| f.attr("id").filter(|id| !id.is_empty()).map(|id| (id, n)))
        .collect();
    let mut protected = vec![false; forms.len()];
    let mut fields: Vec<Vec<String>> = vec![Vec::new(); forms.len()];
    let mut current = 0usize; // the last form that starts before the tag
    for (i, tag) in doc.tags.iter().enumerate() {
        while forms.get(current + 1).is_some_and(|(index, _)| *index < i) {
            current += 1;
        }
        if !matches!(
            tag.name.as_str(),
            "input" | "button" | "select" | "textarea"
        ) {
            continue;
        }
        let owner = match tag.attr("form") {
            Some(id) => ids.get(id).copied(),
            None => forms
                .get(current)
                .filter(|(index, _)| *index < i)
                .and_then(|_| (tag.offset < ends[current]).then_some(current)),
        };
        let (Some(owner), Some(name)) = (owner, tag.attr("name").filter(|n| !n.is_empty())) else {
            continue;
        };
        if is_token_field(name) {
            protected[owner] = true;
        } else if fields[owner].len() < 20 {
            fields[owner].push(name.to_string());
        }
    }
    let mut out = Vec::new();
    for (n, (_, form)) in forms.iter().enumerate() {
        if out.len() >= MAX_REPORTED_FORMS {
            break;
        }
        let method = form.attr("method").unwrap_or("get").trim();
        let action = form.attr("action").unwrap_or("").trim();
        if protected[n]
            || !method.eq_ignore_ascii_case("post")
            || posts_elsewhere(action, page_host)
        {
            continue;
        }
        out.push(UnprotectedForm {
            offset: form.offset,
            action: action.to_string(),
            fields: std::mem::take(&mut fields[n]),
        });
    }
    out
}

/// True when the page offers a token for scripts to send (`<meta name="csrf-token">`,
/// Rails and Laravel), which some apps add to form posts in JavaScript.
pub fn has_meta_token(doc: &Document) -> bool {
    doc.elements("meta")
        .any(|m| m.attr("name").is_some_and(is_token_field) && m.has_attr("content"))
}

fn posts_elsewhere(action: &str, page_host: Option<&str>) -> bool {
    let lower = action.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else if let Some(r) = lower.strip_prefix("//") {
        r
    } else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    match page_host {
        Some(page) => !host.eq_ignore_ascii_case(page),
        None => true,
    }
}

/// Offsets of every `</form` that is markup, in order: those inside raw-text content
/// (`<script>`, `<textarea>`, …) are not. One pass over the text.
fn form_closes(doc: &Document) -> Vec<usize> {
    let text = doc.text().as_bytes();
    let raw: Vec<&std::ops::Range<usize>> =
        doc.tags.iter().filter_map(|t| t.content.as_ref()).collect();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = text.get(from..).and_then(|rest| find_ci(rest, b"</form")) {
        let at = from + rel;
        // Raw-text ranges are in document order and do not overlap.
        let i = raw.partition_point(|r| r.end <= at);
        if !raw.get(i).is_some_and(|r| r.contains(&at)) {
            out.push(at);
        }
        from = at + 6;
    }
    out
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    let mut start = 0;
    while let Some(p) = memchr::memchr(b'<', &hay[start..]) {
        let at = start + p;
        if hay.len() - at >= needle.len() && hay[at..at + needle.len()].eq_ignore_ascii_case(needle)
        {
            return Some(at);
        }
        start = at + 1;
    }
    None
}

/// The host (with port) of an absolute URL.
pub fn url_host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(authority.rsplit('@').next().unwrap_or(authority))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::testdata::fixture_body;

    fn scan(html: &str) -> Vec<UnprotectedForm> {
        unprotected_forms(&Document::scan(html.as_bytes()), Some("shop.example"))
    }

    #[test]
    fn fixtures() {
        let no_csrf = Document::scan(fixture_body("flask-gunicorn-form-no-csrf.http").as_bytes());
        let found = unprotected_forms(&no_csrf, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].action, "/form-no-csrf");
        assert_eq!(found[0].fields, ["email"]);
        for protected in [
            "flask-gunicorn-index.http",
            "django-runserver-index.http",
            "django-runserver-500.http",
            "flask-dev-boom.http",
        ] {
            let doc = Document::scan(fixture_body(protected).as_bytes());
            assert!(unprotected_forms(&doc, None).is_empty(), "{protected}");
        }
    }

    #[test]
    fn fields_belong_to_their_form() {
        // The token of the second form does not protect the first.
        let two = scan(
            "<form method=post action=/a><input name=q></form>\
             <form method=POST action=/b><input type=hidden name=csrf_token value=x></form>",
        );
        assert_eq!(two.len(), 1);
        assert_eq!(two[0].action, "/a");
        // `form="id"` links a field from outside.
        assert!(scan("<form id=f method=post></form><input form=f name=_csrf value=1>").is_empty());
        // A form inside an open form is ignored, as browsers do: its field is the outer's.
        assert!(scan(
            "<form method=post><input name=a><form method=post action=/x><input name=authenticity_token>"
        )
        .is_empty());
        assert_eq!(
            scan("<form method=post><input name=a><form method=post><input name=b>").len(),
            1
        );
        // Hostile pages stay linear and the report stays short.
        let many = "<form method=post><input name=q></form>".repeat(50_000);
        let started = std::time::Instant::now();
        assert_eq!(scan(&many).len(), MAX_REPORTED_FORMS);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // `</form>` inside a script does not close the form.
        assert!(scan(
            "<form method=post><script>x='</form>'</script><input name=csrfmiddlewaretoken></form>"
        )
        .is_empty());
    }

    #[test]
    fn get_forms_and_external_actions_are_skipped() {
        assert!(scan("<form action=/search><input name=q></form>").is_empty());
        assert!(scan("<form method=get><input name=q></form>").is_empty());
        assert!(
            scan("<form method=post action=https://dpaste.com/><input name=content></form>")
                .is_empty()
        );
        assert_eq!(
            scan("<form method=post action=https://shop.example/buy><input name=sku></form>").len(),
            1
        );
        assert!(unprotected_forms(
            &Document::scan(b"<form method=post action=https://shop.example/buy></form>"),
            None
        )
        .is_empty());
    }

    #[test]
    fn token_names() {
        for name in [
            "csrf_token",
            "csrfmiddlewaretoken",
            "_csrf",
            "authenticity_token",
            "__RequestVerificationToken",
            "X-XSRF-TOKEN",
            "_token",
        ] {
            assert!(is_token_field(name), "{name}");
        }
        assert!(!is_token_field("email"));
        assert_eq!(
            url_host("https://user@shop.example:8443/x?y"),
            Some("shop.example:8443")
        );
    }
}
