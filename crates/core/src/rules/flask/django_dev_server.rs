use crate::flask::detect::is_wsgiref_server;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags responses served by Python's `wsgiref` server, which Django's `manage.py
    /// runserver` uses, recognised by `Server: WSGIServer/<version> CPython/<version>`.
    ///
    /// ## Why is this bad?
    /// Django's documentation is explicit: `runserver` has not gone through security
    /// audits or performance tests and must not be used in production. It usually comes
    /// with `DEBUG = True`, whose error pages show settings, source and local variables
    /// (`django-debug-page`). The header also names exact Python versions.
    ///
    /// ## Example
    /// ```http
    /// HTTP/1.1 200 OK
    /// Server: WSGIServer/0.2 CPython/3.11.7
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// gunicorn -w 4 -b 127.0.0.1:8000 myproject.wsgi
    /// ```
    ///
    /// ## References
    /// - [Django: django-admin runserver](https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver)
    /// - [Django: How to deploy with WSGI](https://docs.djangoproject.com/en/stable/howto/deployment/wsgi/)
    pub static DJANGO_DEV_SERVER = {
        id: "django-dev-server",
        title: "Served by Django's development server (runserver)",
        severity: Medium,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(django_dev_server),
        fixes: {
            flask: "# Django: serve with a WSGI server, not `manage.py runserver`:\n#   gunicorn -w 4 -b 127.0.0.1:8000 myproject.wsgi\n# settings.py\nDEBUG = False",
            policy: "[remove]\nheaders = [\"Server\"]   # hides the header only; deploy with gunicorn",
            nginx: "location / {\n    proxy_pass http://127.0.0.1:8000;   # gunicorn\n}",
        },
    };
}

fn django_dev_server(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(header) = ctx
        .headers()
        .get_all("server")
        .find(|h| is_wsgiref_server(&h.value))
    else {
        return Outcome::Checked;
    };
    out.push(
        Finding::new(
            &DJANGO_DEV_SERVER,
            format!(
                "The response comes from Python's wsgiref server (`{}`), the one Django's \
                 `runserver` uses: a development server, not audited for production.",
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
    fn fires_on_the_django_fixtures_only() {
        fires_exactly_on(
            "django-dev-server",
            &[
                "django-runserver-404.http",
                "django-runserver-500.http",
                "django-runserver-index.http",
            ],
        );
    }

    #[test]
    fn fires_and_stays_quiet() {
        fires(
            "django-dev-server",
            "HTTP/1.1 200 OK\r\nServer: WSGIServer/0.2 CPython/3.12.1\r\n\r\n",
        );
        quiet(
            "django-dev-server",
            "HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n",
        );
    }
}
