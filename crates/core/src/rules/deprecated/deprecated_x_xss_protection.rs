use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports `X-XSS-Protection` with any value other than `0`.
    ///
    /// ## Why is this bad?
    /// The header controlled the "XSS auditor" of old Chrome, Safari, Edge and Internet
    /// Explorer. Every current browser has dropped it (Chrome removed it in version 78,
    /// Edge and Safari followed, Firefox never had one) because it did more harm than
    /// good: attackers could
    /// trigger it on purpose to disable a page's legitimate scripts, and its blocking
    /// decisions (`1; mode=block` included) leaked information about the page
    /// cross-site (XS-Leaks). Where a legacy browser still honours `1`, it reintroduces
    /// those problems; everywhere else it does nothing and gives a false sense of XSS
    /// protection, which is the job of a Content-Security-Policy.
    ///
    /// OWASP's Secure Headers Project lists the header as deprecated and recommends
    /// `X-XSS-Protection: 0` or not sending it; helmet sends `0`, and flask-talisman no
    /// longer sends `1; mode=block` by default (1.1.0).
    ///
    /// Severities: **low** for values that turn the auditor on (`1`, `1; mode=block`,
    /// `1; report=…`); **info** for other values, which every browser ignores. The MDN
    /// Observatory does not score it.
    ///
    /// ## Example
    /// ```http
    /// X-XSS-Protection: 1; mode=block
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// X-XSS-Protection: 0
    /// Content-Security-Policy: script-src 'nonce-…' 'strict-dynamic'; object-src 'none'; base-uri 'none'
    /// ```
    /// (or drop the header).
    ///
    /// ## References
    /// - [MDN: X-XSS-Protection](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-XSS-Protection)
    /// - [OWASP Secure Headers Project: X-XSS-Protection](https://owasp.org/www-project-secure-headers/#x-xss-protection)
    /// - [OWASP HTTP Headers Cheat Sheet: X-XSS-Protection](https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html#x-xss-protection)
    pub static DEPRECATED_X_XSS_PROTECTION = {
        id: "deprecated-x-xss-protection",
        title: "X-XSS-Protection turns on the obsolete XSS auditor",
        severity: Low,
        family: Deprecated,
        since: "0.1.0",
        check: Check::Exchange(deprecated_x_xss_protection),
        fixes: {
            flask: "Talisman(app, x_xss_protection=False)  # the default since flask-talisman 1.1.0\n# or, to state it:\n@app.after_request\ndef no_xss_auditor(resp):\n    resp.headers['X-XSS-Protection'] = '0'\n    return resp",
            policy: "[remove]\nheaders = [\"X-XSS-Protection\"]",
            nginx: "proxy_hide_header X-XSS-Protection;\nadd_header X-XSS-Protection 0 always;",
        },
    };
}

fn deprecated_x_xss_protection(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let mut worst: Option<(Severity, &crate::Header)> = None;
    for line in ctx.headers().get_all("x-xss-protection") {
        let value = line.value.trim();
        let severity = if value == "0" {
            continue;
        } else if value.starts_with('1') {
            Severity::Low
        } else {
            Severity::Info
        };
        if worst.is_none_or(|(s, _)| severity > s) {
            worst = Some((severity, line));
        }
    }
    if let Some((severity, line)) = worst {
        let detail = if severity == Severity::Low {
            "X-XSS-Protection turns on the XSS auditor, removed from every current browser; where it survives it can be abused to disable scripts and leak data. Send `0` or nothing."
        } else {
            "X-XSS-Protection has a value every browser ignores; send `0` or nothing."
        };
        out.push(
            Finding::new(&DEPRECATED_X_XSS_PROTECTION, detail)
                .severity(severity)
                .header_evidence(&line.name, &line.value),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::one;

    const ID: &str = "deprecated-x-xss-protection";

    #[test]
    fn fires_on_values_that_enable_the_auditor() {
        for value in ["1; mode=block", "1", "1;report=https://r.example"] {
            let report = fires(
                ID,
                &format!("HTTP/1.1 200 OK\r\nX-XSS-Protection: {value}\r\n\r\n"),
            );
            assert_eq!(one(&report, ID).severity, Severity::Low, "{value}");
        }
        let report = fires(ID, "HTTP/1.1 200 OK\r\nX-XSS-Protection: on\r\n\r\n");
        assert_eq!(one(&report, ID).severity, Severity::Info);
        let report = fires(
            ID,
            "HTTP/1.1 200 OK\r\nX-XSS-Protection: 0\r\nX-XSS-Protection: 1; mode=block\r\n\r\n",
        );
        assert_eq!(one(&report, ID).severity, Severity::Low);
    }

    #[test]
    fn quiet_on_zero_or_absent() {
        quiet(ID, "HTTP/1.1 200 OK\r\nX-XSS-Protection: 0\r\n\r\n");
        quiet(ID, "HTTP/1.1 200 OK\r\n\r\n");
    }
}
