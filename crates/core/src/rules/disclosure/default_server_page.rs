use crate::flask::detect::default_server_page;
use crate::report::{Evidence, Finding};
use crate::rules::flask::body_text;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Recognises the stock welcome pages web servers install: nginx ("Welcome to
    /// nginx!"), Apache httpd (Debian/Ubuntu "Apache2 Default Page", "It works!", the
    /// RHEL/Fedora test page), Caddy, IIS, OpenResty and Tomcat.
    ///
    /// ## Why is this bad?
    /// A default page means a virtual host answers that nobody configured: usually the
    /// catch-all server that gets requests by IP address or for an unknown `Host`. It
    /// names the server (and often the distribution), shows that the box is not managed
    /// closely, and that default virtual host may expose other defaults (`/server-status`,
    /// directory listings, sample apps).
    ///
    /// ## Example
    /// ```html
    /// <title>Welcome to nginx!</title>
    /// ```
    ///
    /// ## Use instead
    /// Remove the default site and make the catch-all server refuse unknown hosts:
    /// ```nginx
    /// server {
    ///     listen 80 default_server;
    ///     listen 443 ssl default_server;
    ///     ssl_reject_handshake on;
    ///     return 444;
    /// }
    /// ```
    /// Apache: `a2dissite 000-default` and a first `<VirtualHost>` that denies everything.
    ///
    /// ## References
    /// - [nginx: How nginx processes a request](https://nginx.org/en/docs/http/request_processing.html)
    /// - [OWASP WSTG: Enumerate Applications on Webserver](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/04-Enumerate_Applications_on_Webserver)
    pub static DEFAULT_SERVER_PAGE = {
        id: "default-server-page",
        title: "Web server's default page",
        severity: Low,
        family: Disclosure,
        since: "0.1.0",
        check: Check::Exchange(default_server_page_rule),
        fixes: {
            nginx: "# rm /etc/nginx/sites-enabled/default, then a catch-all that refuses unknown hosts:\nserver {\n    listen 80 default_server;\n    return 444;\n}",
        },
    };
}

fn default_server_page_rule(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(body) = body_text(ctx) else {
        return Outcome::NotApplicable;
    };
    let Some(page) = default_server_page(&body) else {
        return Outcome::Checked;
    };
    out.push(
        Finding::new(
            &DEFAULT_SERVER_PAGE,
            format!(
                "The response is {}'s default page: a virtual host nobody configured answers here.",
                page.server
            ),
        )
        .evidence(Evidence::body(page.marker)),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::flask::fixtures::fires_exactly_on;
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_the_nginx_and_apache_defaults_only() {
        fires_exactly_on(
            "default-server-page",
            &["nginx-default.http", "apache-default.http"],
        );
    }

    #[test]
    fn fires_and_stays_quiet() {
        fires(
            "default-server-page",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><h1>It works!</h1></body></html>\n",
        );
        quiet(
            "default-server-page",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><h1>Our shop works!</h1></body></html>\n",
        );
    }
}
