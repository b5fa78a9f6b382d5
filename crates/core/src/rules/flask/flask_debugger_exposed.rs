use crate::flask::detect::{werkzeug_debugger, window};
use crate::report::{Evidence, Finding, Severity};
use crate::rules::flask::body_text;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Recognises the Werkzeug interactive debugger in a response body: the traceback
    /// page Flask shows on an error with `debug=True`, and the `/console` page. It reads
    /// the page's script variables: `EVALEX` (code execution enabled), `CONSOLE_MODE`,
    /// `EVALEX_TRUSTED`, and the leaked debugger `SECRET`.
    ///
    /// Severity: critical when `EVALEX` is on (the default with `debug=True`), high for a
    /// traceback-only page.
    ///
    /// ## Why is this bad?
    /// With `EVALEX`, every frame of the traceback and the `/console` page run arbitrary
    /// Python on the server, as the app's user. A PIN protects it, but the PIN is derived
    /// from values an attacker can often read (user name, module path, MAC address,
    /// machine id) through another bug, and the page hands out the `SECRET` that
    /// authenticates debugger commands. Even without `EVALEX`, the page shows source
    /// code, file paths and local variables. Exposed Werkzeug debuggers are a classic
    /// path to remote code execution.
    ///
    /// ## Example
    /// ```html
    /// <title>RuntimeError: boom // Werkzeug Debugger</title>
    /// <script>
    ///   var CONSOLE_MODE = false, EVALEX = true, EVALEX_TRUSTED = false,
    ///       SECRET = "TAQsD6GHRAR3UJ2FzEhi";
    /// </script>
    /// ```
    ///
    /// ## Use instead
    /// Never run with the debugger outside your machine: no `debug=True`, no
    /// `FLASK_DEBUG=1`, no `DebuggedApplication` in production. Serve with gunicorn and
    /// let errors render a generic 500 page.
    ///
    /// ## References
    /// - [Werkzeug: Debugging Applications](https://werkzeug.palletsprojects.com/en/stable/debug/)
    /// - [Flask: Debug Mode](https://flask.palletsprojects.com/en/stable/quickstart/#debug-mode)
    /// - [HackTricks: Werkzeug console PIN exploit](https://book.hacktricks.wiki/en/network-services-pentesting/pentesting-web/werkzeug.html)
    pub static FLASK_DEBUGGER_EXPOSED = {
        id: "flask-debugger-exposed",
        title: "Werkzeug interactive debugger exposed",
        severity: Critical,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(flask_debugger_exposed),
        fixes: {
            flask: "# Never enable the debugger in production:\napp.run(debug=False)   # or better: gunicorn 'app:create_app()'\n# and unset FLASK_DEBUG / FLASK_ENV=development in the service environment.\n@app.errorhandler(500)\ndef internal_error(e):\n    return render_template('500.html'), 500",
            policy: "[flask]\nblock_debugger = true   # the worker blocks /console and ?__debugger__ URLs and replaces debugger pages with a plain 500",
            nginx: "location = /console { return 404; }\nif ($arg___debugger__) { return 404; }",
        },
    };
}

fn flask_debugger_exposed(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(body) = body_text(ctx) else {
        return Outcome::NotApplicable;
    };
    let Some(page) = werkzeug_debugger(&body) else {
        return Outcome::Checked;
    };
    let what = if page.console_mode {
        "the Werkzeug debugger console (/console)"
    } else {
        "a Werkzeug debugger traceback page"
    };
    let mut detail = format!("The response is {what}.");
    if page.evalex {
        detail.push_str(
            " EVALEX is on: once its PIN is entered, anyone can run Python on the server, \
             and the PIN is derived from machine values other leaks can reveal.",
        );
    } else {
        detail.push_str(" It shows source code, file paths and local variables.");
    }
    if page.evalex_trusted {
        detail.push_str(" EVALEX_TRUSTED is on: the PIN was already accepted.");
    }
    if let Some(secret) = &page.secret {
        let shown: String = secret.chars().take(4).collect();
        detail.push_str(&format!(
            " The page leaks the debugger SECRET ({shown}…) that authenticates its commands."
        ));
    }
    let severity = if page.evalex {
        Severity::Critical
    } else {
        Severity::High
    };
    let excerpt = window(&body, page.offset, 160);
    out.push(
        Finding::new(&FLASK_DEBUGGER_EXPOSED, detail)
            .severity(severity)
            .evidence(Evidence::body(&redact_secret(
                excerpt,
                page.secret.as_deref(),
            ))),
    );
    Outcome::Checked
}

/// Keeps the first 4 characters of the secret in evidence, which is enough to recognise.
fn redact_secret(excerpt: &str, secret: Option<&str>) -> String {
    let collapsed: String = excerpt.split_whitespace().collect::<Vec<_>>().join(" ");
    match secret {
        Some(s) if s.len() > 4 && s.is_char_boundary(4) => {
            collapsed.replace(s, &format!("{}…", &s[..4]))
        }
        _ => collapsed,
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::flask::fixtures::{findings_of, fires_exactly_on};
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_the_debugger_fixtures_only() {
        fires_exactly_on(
            "flask-debugger-exposed",
            &["flask-dev-boom.http", "flask-dev-console.http"],
        );
    }

    #[test]
    fn is_critical_with_evalex_and_redacts_the_secret() {
        for name in ["flask-dev-boom.http", "flask-dev-console.http"] {
            let f = &findings_of("flask-debugger-exposed", name)[0];
            assert_eq!(f.severity, Severity::Critical);
            assert!(f.detail.contains("EVALEX is on"), "{}", f.detail);
            assert!(f.detail.contains("TAQs…"), "{}", f.detail);
            let evidence = serde_json::to_string(&f.evidence).unwrap();
            assert!(evidence.contains("EVALEX = true"), "{evidence}");
            assert!(!evidence.contains("TAQsD6GHRAR3UJ2FzEhi"), "{evidence}");
        }
        let console = &findings_of("flask-debugger-exposed", "flask-dev-console.http")[0];
        assert!(console.detail.contains("/console"));
    }

    #[test]
    fn traceback_only_page_is_high() {
        let report = fires(
            "flask-debugger-exposed",
            "HTTP/1.1 500 INTERNAL SERVER ERROR\r\nContent-Type: text/html\r\n\r\n<title>KeyError // Werkzeug Debugger</title><script>var CONSOLE_MODE = false, EVALEX = false, SECRET = \"abcdefgh\";</script>",
        );
        assert_eq!(
            report.exchanges[0]
                .findings
                .iter()
                .find(|f| f.rule == "flask-debugger-exposed")
                .unwrap()
                .severity,
            Severity::High
        );
        quiet(
            "flask-debugger-exposed",
            "HTTP/1.1 500 INTERNAL SERVER ERROR\r\nContent-Type: text/html\r\n\r\n<title>500 Internal Server Error</title>",
        );
    }
}
