use crate::flask::detect::is_werkzeug_server;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags responses served by Werkzeug's development server, recognised by its
    /// `Server: Werkzeug/<version> Python/<version>` header (what `flask run` and
    /// `app.run()` answer with).
    ///
    /// ## Why is this bad?
    /// The development server is written for one developer on one machine. Werkzeug's
    /// own documentation says not to use it in production: it is not hardened against
    /// slow or malformed clients, it runs one process, and the setups that use it often
    /// run with `debug=True` too, which exposes the interactive debugger
    /// (`flask-debugger-exposed`). The header also names exact Werkzeug and Python
    /// versions.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Server: Werkzeug/3.1.9 Python/3.11.7
    /// ```
    ///
    /// ## Use instead
    /// Serve the app with a production WSGI server behind a proxy:
    /// ```sh
    /// gunicorn -w 4 -b 127.0.0.1:8000 'app:create_app()'
    /// ```
    ///
    /// ## References
    /// - [Flask: Deploying to Production](https://flask.palletsprojects.com/en/stable/deploying/)
    /// - [Werkzeug: Development Server](https://werkzeug.palletsprojects.com/en/stable/serving/)
    pub static FLASK_DEV_SERVER = {
        id: "flask-dev-server",
        title: "Served by the Werkzeug development server",
        severity: Medium,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(flask_dev_server),
        fixes: {
            flask: "# Never `flask run` or `app.run()` in production; use a WSGI server:\n#   pip install gunicorn\n#   gunicorn -w 4 -b 127.0.0.1:8000 'app:create_app()'\n# (waitress-serve --port=8000 app:app on Windows)",
            policy: "[flask]\nhide_dev_server = true   # the worker drops Werkzeug's Server header; still deploy with gunicorn",
            nginx: "# Put the app under gunicorn and proxy to it; nginx does not forward the\n# upstream Server header by default.\nlocation / {\n    proxy_pass http://127.0.0.1:8000;\n}",
        },
    };
}

fn flask_dev_server(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(header) = ctx
        .headers()
        .get_all("server")
        .find(|h| is_werkzeug_server(&h.value))
    else {
        return Outcome::Checked;
    };
    out.push(
        Finding::new(
            &FLASK_DEV_SERVER,
            format!(
                "The response comes from Werkzeug's development server (`{}`), which is \
                 meant for local development only (`flask run`, `app.run()`).",
                header.value
            ),
        )
        .header_evidence(&header.name, &header.value),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::flask::fixtures::fires_exactly_on;
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_the_flask_dev_fixtures_only() {
        fires_exactly_on(
            "flask-dev-server",
            &[
                "flask-dev-boom.http",
                "flask-dev-console.http",
                "flask-dev-index.http",
            ],
        );
    }

    #[test]
    fn fires_and_stays_quiet() {
        fires(
            "flask-dev-server",
            "HTTP/1.1 200 OK\r\nServer: Werkzeug/2.0.1 Python/3.9.2\r\n\r\n",
        );
        quiet(
            "flask-dev-server",
            "HTTP/1.1 200 OK\r\nServer: gunicorn\r\n\r\n",
        );
    }
}
