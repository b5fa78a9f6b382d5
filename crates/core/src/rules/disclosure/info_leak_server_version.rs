use crate::report::Finding;
use crate::rules::disclosure::{is_edge_server, versions};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags a `Server` header that carries version numbers: `Werkzeug/3.1.3
    /// Python/3.11.7`, `nginx/1.25.3`, `gunicorn/19.9.0`, `Apache/2.4.57 (Debian)
    /// OpenSSL/3.0.11`, `WSGIServer/0.2 CPython/3.11.7`. Each `Server` line is read (a
    /// middleware that blanks the header can leave the server's own line in place).
    /// CDN and hosting edge values (`cloudflare`, `AmazonS3`, `GFE/2.0`) are skipped.
    ///
    /// ## Why is this bad?
    /// A version number turns "which software is this?" into a lookup in a CVE
    /// database. Scanners index the internet by these strings and come back when an
    /// exploit for that version appears. Hiding the version fixes nothing by itself, but
    /// it removes the free targeting, and the header serves no purpose for clients. A
    /// `Werkzeug` or `WSGIServer` version also says the development server is answering
    /// (see `flask-dev-server`, `django-dev-server`).
    ///
    /// ## Example
    /// ```http
    /// Server: Werkzeug/3.1.3 Python/3.11.7
    /// ```
    ///
    /// ## Use instead
    /// Run the app under a production server behind a proxy that removes or shortens
    /// the header:
    /// ```http
    /// Server: nginx
    /// ```
    ///
    /// ## References
    /// - [RFC 9110 §10.2.4: Server](https://www.rfc-editor.org/rfc/rfc9110#section-10.2.4)
    /// - [OWASP WSTG: Fingerprint Web Server](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/02-Fingerprint_Web_Server)
    /// - [nginx: server_tokens](https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens)
    pub static INFO_LEAK_SERVER_VERSION = {
        id: "info-leak-server-version",
        title: "Server header reveals software versions",
        severity: Low,
        family: Disclosure,
        since: "0.1.0",
        check: Check::Exchange(info_leak_server_version),
        fixes: {
            flask: "# Werkzeug's dev server is not for production: serve with gunicorn behind a proxy.\n# gunicorn.conf.py (gunicorn >= 20.1 already sends no version):\nimport gunicorn\ngunicorn.SERVER = 'web'",
            policy: "[remove]\nheaders = [\"Server\", \"X-Powered-By\"]",
            nginx: "server_tokens off;  # `Server: nginx`, no version\n# Apache: ServerTokens Prod and ServerSignature Off",
        },
    };
}

fn info_leak_server_version(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let mut any = false;
    for h in ctx.headers().get_all("server") {
        let value = h.value.trim();
        if value.is_empty() || is_edge_server(value) {
            continue;
        }
        any = true;
        let found = versions(value);
        if found.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                &INFO_LEAK_SERVER_VERSION,
                format!(
                    "`Server: {value}` names {}: anyone can look up the known vulnerabilities of exactly these versions.",
                    found.join(", ")
                ),
            )
            .header_evidence(&h.name, value),
        );
    }
    if any {
        Outcome::Checked
    } else {
        Outcome::NotApplicable
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, not_applicable_with_scheme, quiet};

    const ID: &str = "info-leak-server-version";

    #[test]
    fn fires_on_versions() {
        let r = fires(
            ID,
            "HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.9 Python/3.11.7\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert!(
            f.detail.contains("Werkzeug 3.1.9, Python 3.11.7"),
            "{}",
            f.detail
        );
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian) OpenSSL/3.0.11\r\n\r\n",
        );
        fires(ID, "HTTP/1.1 200 OK\r\nServer: nginx/1.25.3\r\n\r\n");
        // Talisman-style blank line next to the server's own.
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nServer: \r\nServer: gunicorn/19.9.0\r\n\r\n",
        );
    }

    #[test]
    fn quiet_without_version() {
        quiet(ID, "HTTP/1.1 200 OK\r\nServer: gunicorn\r\n\r\n");
        quiet(ID, "HTTP/1.1 200 OK\r\nServer: Apache (Debian)\r\n\r\n");
    }

    #[test]
    fn not_applicable_without_server_or_at_an_edge() {
        not_applicable_with_scheme(ID, "HTTP/1.1 200 OK\r\n\r\n", crate::Scheme::Https);
        not_applicable_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nServer: cloudflare\r\n\r\n",
            crate::Scheme::Https,
        );
    }
}
