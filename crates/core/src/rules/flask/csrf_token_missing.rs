use crate::flask::csrf::{has_meta_token, unprotected_forms, url_host};
use crate::flask::detect::window;
use crate::report::{Evidence, Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Finds HTML forms with `method="post"` that carry no CSRF token field: Flask-WTF's
    /// `csrf_token`, Django's `csrfmiddlewaretoken`, `_csrf` (csurf, Spring),
    /// `authenticity_token` (Rails), `__RequestVerificationToken` (ASP.NET), `_token`
    /// (Laravel), or any field whose name contains `csrf` or `xsrf`. Forms that post to
    /// another host are skipped.
    ///
    /// Severity: medium; low when the page offers a token in `<meta name="csrf-token">`
    /// (which scripts may add to the post).
    ///
    /// ## Why is this bad?
    /// Any site the user visits can submit that form in the background with the user's
    /// cookies: subscribe them, change their email, transfer money. `SameSite=Lax`
    /// cookies (the browser default in Chrome) block cross-site POSTs in most cases, but
    /// not for cookies set less than two minutes before, not in every browser, and not
    /// from same-site subdomains. A per-session token that the attacker cannot read closes
    /// the gap.
    ///
    /// ## Example
    /// ```html
    /// <form method="post" action="/newsletter">
    ///   <input name="email" type="email">
    /// </form>
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask_wtf.csrf import CSRFProtect
    /// csrf = CSRFProtect(app)
    /// ```
    /// ```html
    /// <form method="post" action="/newsletter">
    ///   <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
    ///   <input name="email" type="email">
    /// </form>
    /// ```
    ///
    /// ## References
    /// - [Flask-WTF: CSRF Protection](https://flask-wtf.readthedocs.io/en/stable/csrf/)
    /// - [OWASP CSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub static CSRF_TOKEN_MISSING = {
        id: "csrf-token-missing",
        title: "POST form without a CSRF token",
        severity: Medium,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(csrf_token_missing),
        fixes: {
            flask: "from flask_wtf.csrf import CSRFProtect\ncsrf = CSRFProtect(app)   # every POST must carry the token\n# in each form:\n<input type=\"hidden\" name=\"csrf_token\" value=\"{{ csrf_token() }}\">",
            policy: "[csrf]\nallowed_origins = [\"https://example.com\"]   # the worker rejects cross-site POSTs (Sec-Fetch-Site, then Origin)\nexempt_paths = []",
        },
    };
}

fn csrf_token_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(doc) = ctx.html() else {
        return Outcome::NotApplicable;
    };
    let has_post_form = doc.elements("form").any(|f| {
        f.attr("method")
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("post"))
    });
    if !has_post_form {
        return Outcome::NotApplicable;
    }
    let host = ctx.exchange.url().and_then(url_host);
    let forms = unprotected_forms(doc, host);
    if forms.is_empty() {
        return Outcome::Checked;
    }
    let meta = has_meta_token(doc);
    for form in forms {
        let target = if form.action.is_empty() {
            "the page itself".to_string()
        } else {
            format!("`{}`", form.action)
        };
        let fields = if form.fields.is_empty() {
            String::new()
        } else {
            format!(" (fields: {})", form.fields.join(", "))
        };
        let mut detail = format!(
            "A form posting to {target}{fields} has no CSRF token field, so another site can \
             submit it with the user's cookies."
        );
        let mut severity = Severity::Medium;
        if meta {
            detail.push_str(
                " The page has a csrf-token <meta> tag: if a script adds it to this post, \
                 the form is protected.",
            );
            severity = Severity::Low;
        }
        let end = doc.text()[form.offset..]
            .find('>')
            .map_or(120, |i| i + 1)
            .min(200);
        out.push(
            Finding::new(&CSRF_TOKEN_MISSING, detail)
                .severity(severity)
                .evidence(Evidence::body(window(doc.text(), form.offset, end))),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::flask::fixtures::{findings_of, fires_exactly_on};
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_the_form_without_csrf_only() {
        fires_exactly_on("csrf-token-missing", &["flask-gunicorn-form-no-csrf.http"]);
        let f = &findings_of("csrf-token-missing", "flask-gunicorn-form-no-csrf.http")[0];
        assert!(f.detail.contains("`/form-no-csrf`"), "{}", f.detail);
        assert!(f.detail.contains("fields: email"), "{}", f.detail);
        assert_eq!(
            serde_json::to_value(&f.evidence).unwrap()["body"],
            "<form method=\"post\" action=\"/form-no-csrf\">"
        );
    }

    #[test]
    fn quiet_with_a_token() {
        quiet(
            "csrf-token-missing",
            &crate::flask::testdata::fixture_text("flask-gunicorn-index.http"),
        );
        quiet(
            "csrf-token-missing",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<form method=post><input type=hidden name=csrfmiddlewaretoken value=x></form>",
        );
    }

    #[test]
    fn meta_token_lowers_severity() {
        let report = fires(
            "csrf-token-missing",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<meta name=csrf-token content=abc><form method=post action=/x><input name=q></form>",
        );
        let f = report.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "csrf-token-missing")
            .unwrap();
        assert_eq!(f.severity, Severity::Low);
    }
}
