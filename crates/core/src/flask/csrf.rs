//! HTML forms that post without a CSRF token field.
//!
//! Reads the tags of [`crate::html::Document`]: a `<form>` owns the fields between its start
//! tag and the next `</form>` (or the next `<form>`, since forms do not nest), plus fields
//! elsewhere whose `form="id"` attribute names it.

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

/// Every POST form of `doc` that submits no CSRF token. Forms that post to another host
/// (`action="https://…"` with a host other than `page_host`, or any absolute URL when the
/// page's host is unknown) are skipped: their protection is that site's business.
pub fn unprotected_forms(doc: &Document, page_host: Option<&str>) -> Vec<UnprotectedForm> {
    let text = doc.text();
    let forms: Vec<(usize, &Tag)> = doc
        .tags
        .iter()
        .enumerate()
        .filter(|(_, t)| t.name == "form")
        .collect();
    let mut out = Vec::new();
    for (n, &(index, form)) in forms.iter().enumerate() {
        let method = form.attr("method").unwrap_or("get").trim();
        if !method.eq_ignore_ascii_case("post") {
            continue;
        }
        let action = form.attr("action").unwrap_or("").trim();
        if posts_elsewhere(action, page_host) {
            continue;
        }
        let next_form = forms.get(n + 1).map_or(text.len(), |(_, t)| t.offset);
        let end = find_form_end(doc, form.offset)
            .unwrap_or(text.len())
            .min(next_form);
        let id = form.attr("id");
        let mut fields = Vec::new();
        let mut protected = false;
        for (i, tag) in doc.tags.iter().enumerate() {
            if !matches!(
                tag.name.as_str(),
                "input" | "button" | "select" | "textarea"
            ) {
                continue;
            }
            let inside = i > index && tag.offset < end;
            let linked = id.is_some() && tag.attr("form") == id;
            if !inside && !linked {
                continue;
            }
            let Some(name) = tag.attr("name").filter(|n| !n.is_empty()) else {
                continue;
            };
            if is_token_field(name) {
                protected = true;
                break;
            }
            if fields.len() < 20 {
                fields.push(name.to_string());
            }
        }
        if !protected {
            out.push(UnprotectedForm {
                offset: form.offset,
                action: action.to_string(),
                fields,
            });
        }
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

/// The offset of the `</form` that closes the form at `from`, skipping raw-text content
/// (`<script>`, `<textarea>`, …) where `</form` is not markup.
fn find_form_end(doc: &Document, from: usize) -> Option<usize> {
    let text = doc.text().as_bytes();
    let mut i = from;
    loop {
        let rel = find_ci(text.get(i..)?, b"</form")?;
        let at = i + rel;
        let in_raw_text = doc
            .tags
            .iter()
            .filter_map(|t| t.content.as_ref())
            .any(|r| r.contains(&at));
        if !in_raw_text {
            return Some(at);
        }
        i = at + 6;
    }
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
        // Unclosed form runs to the next form.
        assert_eq!(
            scan(
                "<form method=post><input name=a><form method=post><input name=authenticity_token>"
            )
            .len(),
            1
        );
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
