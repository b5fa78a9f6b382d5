use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports the `Expect-CT` header.
    ///
    /// ## Why is this bad?
    /// `Expect-CT` let a site ask browsers to require Certificate Transparency for its
    /// certificates. Chrome now requires CT for every publicly trusted certificate, so
    /// the header became pointless and was removed (Chrome 107); Firefox and Safari never
    /// supported it. It does nothing but add bytes and suggest a protection that comes
    /// from elsewhere.
    ///
    /// Severity is **info**: it is harmless.
    ///
    /// ## Example
    /// ```http
    /// Expect-CT: max-age=86400, enforce
    /// ```
    ///
    /// ## Use instead
    /// Remove the header.
    ///
    /// ## References
    /// - [RFC 9163: Expect-CT Extension for HTTP](https://www.rfc-editor.org/rfc/rfc9163)
    /// - [MDN: Expect-CT (deprecated)](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Expect-CT)
    /// - [OWASP Secure Headers Project: Expect-CT (deprecated)](https://owasp.org/www-project-secure-headers/#expect-ct)
    pub static DEPRECATED_EXPECT_CT = {
        id: "deprecated-expect-ct",
        title: "Expect-CT is obsolete",
        severity: Info,
        family: Deprecated,
        since: "0.1.0",
        check: Check::Exchange(deprecated_expect_ct),
        fixes: {
            flask: "@app.after_request\ndef drop_expect_ct(resp):\n    resp.headers.pop('Expect-CT', None)\n    return resp",
            policy: "[remove]\nheaders = [\"Expect-CT\"]",
            nginx: "proxy_hide_header Expect-CT;",
        },
    };
}

fn deprecated_expect_ct(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if let Some(line) = ctx.headers().get_header("expect-ct") {
        out.push(
            Finding::new(
                &DEPRECATED_EXPECT_CT,
                "Expect-CT is ignored by browsers (Certificate Transparency is always enforced now). Remove it.",
            )
            .header_evidence(&line.name, &line.value),
        );
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    const ID: &str = "deprecated-expect-ct";

    #[test]
    fn fires_on_expect_ct() {
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nExpect-CT: max-age=86400, enforce\r\n\r\n",
        );
    }

    #[test]
    fn quiet_without_it() {
        quiet(ID, "HTTP/1.1 200 OK\r\n\r\n");
    }
}
