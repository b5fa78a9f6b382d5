use crate::flask::detect::stack_trace;
use crate::report::{Evidence, Finding};
use crate::rules::flask::body_text;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Looks for a stack trace with source file paths in the response body: Python
    /// tracebacks (`File "/app/views.py", line 12`, including Werkzeug's and Django's debug
    /// pages), Node.js/Express (`at handler (/app/server.js:10:5)`), Java, PHP, Ruby,
    /// .NET and Go traces, in HTML, JSON or plain text.
    ///
    /// ## Why is this bad?
    /// A trace tells an attacker the language, framework and library versions, the
    /// directory layout of the server, the names of your modules and functions, and often
    /// the input that broke them. It turns a blind probe into a guided one, and it usually
    /// means the app runs in a debug or development mode.
    ///
    /// ## Example
    /// ```text
    /// Error: boom
    ///     at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    /// ```
    ///
    /// ## Use instead
    /// Log the trace on the server and answer with a generic error page. Flask:
    /// ```python
    /// @app.errorhandler(500)
    /// def internal_error(e):
    ///     app.logger.exception(e)
    ///     return render_template("500.html"), 500
    /// ```
    /// Express: run with `NODE_ENV=production` (the default error handler then hides the
    /// stack) and register your own error middleware.
    ///
    /// ## References
    /// - [OWASP WSTG: Testing for Stack Traces](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/08-Testing_for_Error_Handling/02-Testing_for_Stack_Traces)
    /// - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    /// - [Flask: Handling Application Errors](https://flask.palletsprojects.com/en/stable/errorhandling/)
    pub static INFO_LEAK_STACK_TRACE = {
        id: "info-leak-stack-trace",
        title: "Stack trace with file paths in the response",
        severity: Medium,
        family: Disclosure,
        since: "0.1.0",
        check: Check::Exchange(info_leak_stack_trace),
        fixes: {
            flask: "app.config['DEBUG'] = False   # and no FLASK_DEBUG=1\n@app.errorhandler(500)\ndef internal_error(e):\n    app.logger.exception(e)\n    return render_template('500.html'), 500",
            nginx: "proxy_intercept_errors on;\nerror_page 500 502 503 504 /50x.html;",
        },
    };
}

fn info_leak_stack_trace(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(body) = body_text(ctx) else {
        return Outcome::NotApplicable;
    };
    let Some(trace) = stack_trace(&body) else {
        return Outcome::Checked;
    };
    out.push(
        Finding::new(
            &INFO_LEAK_STACK_TRACE,
            format!(
                "The body contains a {} stack trace with server file paths.",
                trace.language
            ),
        )
        .evidence(Evidence::body(&trace.frame)),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::flask::fixtures::{findings_of, fires_exactly_on};
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_debug_pages_with_traces_only() {
        fires_exactly_on(
            "info-leak-stack-trace",
            &["flask-dev-boom.http", "django-runserver-500.http"],
        );
        let f = &findings_of("info-leak-stack-trace", "flask-dev-boom.http")[0];
        assert!(f.detail.contains("Python"));
    }

    #[test]
    fn fires_on_an_express_stack_trace() {
        let report = fires(
            "info-leak-stack-trace",
            "HTTP/1.1 500 Internal Server Error\r\nX-Powered-By: Express\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: boom<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/route.js:149:13)</pre>\n</body>\n</html>\n",
        );
        let f = report.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "info-leak-stack-trace")
            .unwrap();
        assert!(f.detail.contains("Node.js"));
        assert_eq!(
            serde_json::to_value(&f.evidence).unwrap()["body"],
            "at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)"
        );
    }

    #[test]
    fn quiet_on_a_generic_error_page() {
        quiet(
            "info-leak-stack-trace",
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\n\r\n<h1>Internal Server Error</h1>",
        );
    }
}
