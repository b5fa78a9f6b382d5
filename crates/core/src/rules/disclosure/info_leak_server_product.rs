use crate::report::Finding;
use crate::rules::disclosure::{is_edge_server, products, versions};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Notes a `Server` header that names the software without a version (`gunicorn`,
    /// `nginx`, `Apache`). Values with versions are `info-leak-server-version`; CDN and
    /// hosting edge values (`cloudflare`, `AmazonS3`) are skipped, since the site cannot
    /// change them.
    ///
    /// ## Why is this bad?
    /// It is not, much: the product name alone narrows an attacker's guesses a little
    /// and costs nothing to remove. An info note, for completeness and for policies that
    /// want the header gone (`[remove] headers = ["Server"]`).
    ///
    /// ## Example
    /// ```http
    /// Server: gunicorn
    /// ```
    ///
    /// ## Use instead
    /// No `Server` header, or one set by the proxy in front.
    ///
    /// ## References
    /// - [RFC 9110 §10.2.4: Server](https://www.rfc-editor.org/rfc/rfc9110#section-10.2.4)
    /// - [OWASP Secure Headers Project: headers to remove](https://owasp.org/www-project-secure-headers/#div-headers)
    pub static INFO_LEAK_SERVER_PRODUCT = {
        id: "info-leak-server-product",
        title: "Server header names the server software",
        severity: Info,
        family: Disclosure,
        since: "0.1.0",
        check: Check::Exchange(info_leak_server_product),
        fixes: {
            flask: "# gunicorn.conf.py\nimport gunicorn\ngunicorn.SERVER = 'web'",
            policy: "[remove]\nheaders = [\"Server\"]",
            nginx: "server_tokens off;\n# remove it entirely (headers-more module): more_clear_headers Server;",
        },
    };
}

fn info_leak_server_product(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let mut any = false;
    for h in ctx.headers().get_all("server") {
        let value = h.value.trim();
        if value.is_empty() || is_edge_server(value) {
            continue;
        }
        any = true;
        if !versions(value).is_empty() {
            continue;
        }
        let names: Vec<&str> = products(value).iter().map(|p| p.name).collect();
        out.push(
            Finding::new(
                &INFO_LEAK_SERVER_PRODUCT,
                format!(
                    "`Server: {value}` names the software ({}), without a version.",
                    names.join(", ")
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
    use crate::rules::testing::{fires, quiet};

    const ID: &str = "info-leak-server-product";

    #[test]
    fn fires_on_bare_product() {
        fires(ID, "HTTP/1.1 200 OK\r\nServer: gunicorn\r\n\r\n");
    }

    #[test]
    fn quiet_when_versioned() {
        quiet(ID, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
    }
}
