use crate::flask::detect::server_status_page;
use crate::report::{Evidence, Finding, Severity};
use crate::rules::flask::body_text;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Recognises server status pages: Apache `mod_status` (`/server-status`, HTML or
    /// `?auto`), Apache `mod_info` (`/server-info`), nginx `stub_status` and PHP-FPM's
    /// status page.
    ///
    /// Severity: medium; high for Apache's extended status, which lists every worker's
    /// client address, virtual host and request line.
    ///
    /// ## Why is this bad?
    /// The page gives the exact server version and modules, uptime and load, and with
    /// `ExtendedStatus On` the live requests of other users: their IP addresses and the
    /// URLs they fetch, query strings (tokens, password-reset links) included. `mod_info`
    /// prints the whole configuration.
    ///
    /// ## Example
    /// ```html
    /// <title>Apache Status</title>
    /// <h1>Apache Server Status for example.com (via 10.0.0.5)</h1>
    /// ```
    ///
    /// ## Use instead
    /// Restrict the handler to local or admin addresses:
    /// ```apache
    /// <Location "/server-status">
    ///     SetHandler server-status
    ///     Require local
    /// </Location>
    /// ```
    /// Behind a reverse proxy, `Require local` sees the proxy's address: block the path at
    /// the proxy as well.
    ///
    /// ## References
    /// - [Apache mod_status](https://httpd.apache.org/docs/2.4/mod/mod_status.html)
    /// - [nginx ngx_http_stub_status_module](https://nginx.org/en/docs/http/ngx_http_stub_status_module.html)
    pub static SERVER_STATUS_EXPOSED = {
        id: "server-status-exposed",
        title: "Server status page exposed",
        severity: Medium,
        family: Disclosure,
        since: "0.1.0",
        check: Check::Exchange(server_status_exposed),
        fixes: {
            nginx: "location = /server-status { return 404; }   # when Apache sits behind this proxy\nlocation = /nginx_status {\n    stub_status;\n    allow 127.0.0.1;\n    deny all;\n}",
        },
    };
}

fn server_status_exposed(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let Some(body) = body_text(ctx) else {
        return Outcome::NotApplicable;
    };
    let Some(page) = server_status_page(&body) else {
        return Outcome::Checked;
    };
    let (detail, severity) = if page.extended {
        (
            format!(
                "The response is an {} page with extended status: it lists the client \
                 addresses and request lines of live requests.",
                page.module
            ),
            Severity::High,
        )
    } else {
        (
            format!(
                "The response is a {} page: server version, load and traffic figures.",
                page.module
            ),
            Severity::Medium,
        )
    };
    out.push(
        Finding::new(&SERVER_STATUS_EXPOSED, detail)
            .severity(severity)
            .evidence(Evidence::body(page.module)),
    );
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::flask::fixtures::{findings_of, fires_exactly_on};
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_apache_server_status_only() {
        fires_exactly_on("server-status-exposed", &["apache-server-status.http"]);
        assert_eq!(
            findings_of("server-status-exposed", "apache-server-status.http")[0].severity,
            Severity::High
        );
    }

    #[test]
    fn nginx_stub_status_fires_plain_page_does_not() {
        fires(
            "server-status-exposed",
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nActive connections: 1 \nserver accepts handled requests\n 5 5 7 \nReading: 0 Writing: 1 Waiting: 0 \n",
        );
        quiet(
            "server-status-exposed",
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nAll systems nominal.\n",
        );
    }
}
