use crate::report::{Finding, Severity};
use crate::rules::disclosure::versions;
use crate::rules::{Check, Context, Outcome};

/// Headers whose only job is to name the software (the header-based part of the OWASP
/// Secure Headers Project's removal list). `X-Runtime`, `Via` and `X-Served-By` are left
/// out: they carry timings and cache node names, not product names.
pub const FINGERPRINT_HEADERS: [&str; 22] = [
    "X-Powered-By",
    "X-AspNet-Version",
    "X-AspNetMvc-Version",
    "X-Generator",
    "X-Generated-By",
    "X-Drupal-Cache",
    "X-Drupal-Dynamic-Cache",
    "X-Php-Version",
    "X-Powered-CMS",
    "X-Powered-By-Plesk",
    "X-Server-Powered-By",
    "X-CF-Powered-By",
    "Powered-By",
    "X-Joomla-Version",
    "X-Umbraco-Version",
    "X-OWA-Version",
    "X-Framework",
    "X-Redirect-By",
    "X-Mod-Pagespeed",
    "X-Page-Speed",
    "X-Turbo-Charged-By",
    "X-Content-Encoded-By",
];

crate::declare_rule! {
    /// ## What it does
    /// Flags headers that exist only to name the software: `X-Powered-By`,
    /// `X-AspNet-Version`, `X-AspNetMvc-Version`, `X-Generator`, `X-Generated-By`,
    /// `X-Drupal-Cache`, `X-Drupal-Dynamic-Cache`, `X-Php-Version`, `X-Powered-CMS`,
    /// `X-Powered-By-Plesk`, `X-Server-Powered-By`, `X-CF-Powered-By`, `Powered-By`,
    /// `X-Joomla-Version`, `X-Umbraco-Version`, `X-OWA-Version`, `X-Framework`,
    /// `X-Redirect-By`, `X-Mod-Pagespeed`, `X-Page-Speed`, `X-Turbo-Charged-By`,
    /// `X-Content-Encoded-By`. One finding per header line.
    ///
    /// Severity: low when the value (or the header name) carries a version, info
    /// otherwise.
    ///
    /// ## Why is this bad?
    /// Same as a versioned `Server` header: `X-Powered-By: PHP/8.1.2` or
    /// `X-AspNet-Version: 4.0.30319` points scanners at the exact CVEs to try, and no
    /// browser or client needs the header. Flask does not send any of these; when one
    /// shows up, it comes from another layer (a PHP or Express front, a CMS, a proxy).
    ///
    /// ## Example
    /// ```http
    /// X-Powered-By: PHP/8.1.2
    /// X-AspNet-Version: 4.0.30319
    /// ```
    ///
    /// ## Use instead
    /// Remove them at the layer that adds them, or at the proxy.
    ///
    /// ## References
    /// - [OWASP Secure Headers Project: headers to remove](https://owasp.org/www-project-secure-headers/#div-headers)
    /// - [OWASP WSTG: Fingerprint Web Application Framework](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/08-Fingerprint_Web_Application_Framework)
    pub static INFO_LEAK_X_POWERED_BY = {
        id: "info-leak-x-powered-by",
        title: "Header reveals the framework or platform (X-Powered-By and similar)",
        severity: Low,
        family: Disclosure,
        since: "0.1.0",
        check: Check::Exchange(info_leak_x_powered_by),
        fixes: {
            flask: "@app.after_request\ndef drop_fingerprints(resp):\n    for name in ('X-Powered-By', 'X-Generator'):\n        resp.headers.pop(name, None)\n    return resp",
            policy: "[remove]\nheaders = [\"Server\", \"X-Powered-By\", \"X-AspNet-Version\", \"X-AspNetMvc-Version\", \"X-Generator\"]",
            nginx: "proxy_hide_header X-Powered-By;\nproxy_hide_header X-AspNet-Version;\nproxy_hide_header X-Generator;",
        },
    };
}

fn info_leak_x_powered_by(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    for h in ctx.headers() {
        let value = h.value.trim();
        if value.is_empty() || !FINGERPRINT_HEADERS.iter().any(|n| h.is(n)) {
            continue;
        }
        let found = versions(value);
        let versioned = !found.is_empty() || h.name.to_ascii_lowercase().ends_with("-version");
        let detail = if found.is_empty() {
            format!(
                "`{}: {value}` tells every client which software serves the site.",
                h.name
            )
        } else {
            format!(
                "`{}: {value}` names {}: anyone can look up the known vulnerabilities of exactly these versions.",
                h.name,
                found.join(", ")
            )
        };
        out.push(
            Finding::new(&INFO_LEAK_X_POWERED_BY, detail)
                .severity(if versioned {
                    Severity::Low
                } else {
                    Severity::Info
                })
                .header_evidence(&h.name, value),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet, report};

    const ID: &str = "info-leak-x-powered-by";

    fn severities(input: &str) -> Vec<Severity> {
        report(input).exchanges[0]
            .findings
            .iter()
            .filter(|f| f.rule == ID)
            .map(|f| f.severity)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    #[test]
    fn fires_on_fingerprint_headers() {
        fires(ID, "HTTP/1.1 200 OK\r\nX-Powered-By: PHP/8.1.2\r\n\r\n");
        assert_eq!(
            severities("HTTP/1.1 200 OK\r\nx-powered-by: Express\r\nX-AspNet-Version: 4.0.30319\r\nX-Generator: Drupal 10 (https://www.drupal.org)\r\n\r\n"),
            vec![Severity::Info, Severity::Low]
        );
    }

    #[test]
    fn quiet_without_them() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nServer: gunicorn\r\nX-Powered-By: \r\n\r\n",
        );
    }
}
