use crate::flask::detect::{django_debug_page, find, strip_markup, window, DjangoDebugPage};
use crate::report::{Evidence, Finding, Severity};
use crate::rules::flask::body_text;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Recognises Django's technical error pages, which Django renders only with
    /// `DEBUG = True`: the technical 500 page (traceback, local variables, settings,
    /// request data) and the technical 404 page (the project's URL patterns).
    ///
    /// Severity: high for the 500 page, medium for the 404 page.
    ///
    /// ## Why is this bad?
    /// The 500 page shows source code with local variables of every frame, the request
    /// with its cookies, and the settings (Django masks values whose names look secret,
    /// but not everything sensitive has such a name). The 404 page maps every route of the
    /// project. `DEBUG = True` also keeps every SQL query in memory.
    ///
    /// ## Example
    /// ```html
    /// You're seeing this error because you have <code>DEBUG = True</code> in your
    /// Django settings file.
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// # settings.py
    /// DEBUG = False
    /// ALLOWED_HOSTS = ["example.com"]
    /// ```
    ///
    /// ## References
    /// - [Django: DEBUG setting](https://docs.djangoproject.com/en/stable/ref/settings/#debug)
    /// - [Django: Deployment checklist](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/)
    pub static DJANGO_DEBUG_PAGE = {
        id: "django-debug-page",
        title: "Django debug page (DEBUG = True)",
        severity: High,
        family: Flask,
        since: "0.1.0",
        check: Check::Exchange(django_debug_page_rule),
        fixes: {
            flask: "# Django settings.py\nDEBUG = False\nALLOWED_HOSTS = [\"example.com\"]\n# check with: python manage.py check --deploy",
            nginx: "proxy_intercept_errors on;\nerror_page 404 /404.html;\nerror_page 500 502 503 504 /50x.html;",
        },
    };
}

fn django_debug_page_rule(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(body) = body_text(ctx) else {
        return Outcome::NotApplicable;
    };
    let Some(page) = django_debug_page(&body) else {
        return Outcome::Checked;
    };
    let (detail, severity) = match page {
        DjangoDebugPage::ServerError => (
            "The response is Django's technical 500 page: traceback with local variables, \
             request data and settings, shown because DEBUG = True.",
            Severity::High,
        ),
        DjangoDebugPage::NotFound => (
            "The response is Django's technical 404 page, which lists the project's URL \
             patterns, shown because DEBUG = True.",
            Severity::Medium,
        ),
    };
    let at = find(&body, "<code>DEBUG = True</code>").unwrap_or(0);
    let excerpt = strip_markup(window(&body, at.saturating_sub(60), 140));
    let excerpt = excerpt.split_whitespace().collect::<Vec<_>>().join(" ");
    out.push(
        Finding::new(&DJANGO_DEBUG_PAGE, detail)
            .severity(severity)
            .evidence(Evidence::body(&excerpt)),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::flask::fixtures::{findings_of, fires_exactly_on};
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_the_django_debug_fixtures_only() {
        fires_exactly_on(
            "django-debug-page",
            &["django-runserver-404.http", "django-runserver-500.http"],
        );
        assert_eq!(
            findings_of("django-debug-page", "django-runserver-500.http")[0].severity,
            Severity::High
        );
        assert_eq!(
            findings_of("django-debug-page", "django-runserver-404.http")[0].severity,
            Severity::Medium
        );
    }

    #[test]
    fn fires_and_stays_quiet() {
        fires(
            "django-debug-page",
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>Django tried these URL patterns</p><p>you have <code>DEBUG = True</code> in</p>",
        );
        quiet(
            "django-debug-page",
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<h1>Not Found</h1>",
        );
    }
}
