use crate::exchange::Scheme;
use crate::report::Finding;
use crate::rules::cookies::{finding, fix_for, Setting};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks that cookies whose name carries a prefix meet its rules:
    ///
    /// | Prefix | Requires |
    /// |---|---|
    /// | `__Secure-` | `Secure`, set from an HTTPS page |
    /// | `__Host-` | `Secure`, `Path=/`, no `Domain`, set from an HTTPS page |
    /// | `__Http-` | `Secure` and `HttpOnly` (newer drafts; Firefox) |
    /// | `__Host-Http-` | the `__Host-` rules plus `HttpOnly` (newer drafts; Firefox) |
    ///
    /// Prefixes are matched case-insensitively, as RFC 6265bis and current browsers do
    /// (so `__host-sid` is held to the `__Host-` rules; browsers that still match
    /// case-sensitively would not enforce them, so spell prefixes canonically).
    /// Deletions are checked too: browsers reject a prefixed deletion that breaks the
    /// rules, and the cookie is not deleted.
    ///
    /// ## Why is this bad?
    /// The prefix is a promise the browser enforces: a `__Host-` cookie can only have
    /// been set by this exact host over HTTPS, so a sibling subdomain or a network
    /// attacker cannot plant or overwrite it (cookie tossing, session fixation). A
    /// cookie that breaks the rules is **rejected by the browser**: the login, the CSRF
    /// token or the logout that relied on it silently stops working.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: __Host-session=abc; Secure; Path=/app; Domain=example.com
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: __Host-session=abc; Secure; HttpOnly; Path=/; SameSite=Lax
    /// ```
    ///
    /// ## References
    /// - [RFC 6265bis §4.1.3: Cookie Name Prefixes](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-cookie-name-prefixes)
    /// - [MDN: Cookie prefixes](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#cookie_prefixes)
    /// - [Flask: SESSION_COOKIE_NAME](https://flask.palletsprojects.com/en/stable/config/#SESSION_COOKIE_NAME)
    pub static COOKIE_PREFIX_VIOLATION = {
        id: "cookie-prefix-violation",
        title: "Prefixed cookie breaks its prefix's rules (browsers reject it)",
        severity: Medium,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_prefix_violation),
        fixes: {
            flask: "app.config['SESSION_COOKIE_NAME'] = '__Host-session'\napp.config['SESSION_COOKIE_SECURE'] = True\napp.config['SESSION_COOKIE_PATH'] = '/'\napp.config['SESSION_COOKIE_DOMAIN'] = None\n# other cookies:\nresp.set_cookie('__Host-name', value, secure=True, path='/')  # no domain=",
            policy: "[[cookies]]\npattern = \"*\"\nsecure = true  # with any [[cookies]] rule, the worker also adds what a __Host-/__Secure- name requires",
        },
    };
}

fn cookie_prefix_violation(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let mut any = false;
    for c in ctx.cookies() {
        let Some(m) = c.prefix else { continue };
        any = true;
        let prefix = m.prefix;
        let mut broken: Vec<&str> = Vec::new();
        if !c.secure {
            broken.push("it needs `Secure`");
        }
        if ctx.scheme == Scheme::Http {
            broken.push("it must be set from an HTTPS page, and this response is plain HTTP");
        }
        if prefix.is_host() {
            if !c.has_root_path() {
                broken.push("it needs `Path=/`");
            }
            if c.domain.is_some() {
                broken.push("it must not have a `Domain`");
            }
        }
        if prefix.needs_http_only() && !c.http_only {
            broken.push("it needs `HttpOnly`");
        }
        let written = c
            .name
            .get(..prefix.as_str().len())
            .unwrap_or(prefix.as_str());
        if broken.is_empty() {
            continue;
        }
        let outcome = if c.is_deleted() {
            "browsers reject this deletion and the cookie stays"
        } else {
            "browsers reject the cookie"
        };
        out.push(
            finding(
                &COOKIE_PREFIX_VIOLATION,
                c,
                format!(
                    "`{}` has the `{written}` prefix, so {outcome}: {}.",
                    c.name,
                    broken.join("; ")
                ),
            )
            .fix(fix_for(c, Setting::Prefix)),
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
    use crate::rules::testing::{fires, fires_with_scheme, quiet};

    const ID: &str = "cookie-prefix-violation";

    #[test]
    fn fires_on_host_prefix_without_its_rules() {
        let r = fires(ID, "HTTP/1.1 200 OK\r\nSet-Cookie: __Host-session=abc; Secure; Path=/app; Domain=example.com\r\n\r\n");
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .unwrap();
        assert!(
            f.detail.contains("Path=/") && f.detail.contains("Domain"),
            "{}",
            f.detail
        );
        assert!(f.fix.as_deref().unwrap().contains("SESSION_COOKIE_NAME"));
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: __Secure-id=abc; Path=/\r\n\r\n",
        );
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: __host-id=abc; Path=/\r\n\r\n",
        );
        fires(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: __Http-id=abc; Secure\r\n\r\n",
        );
    }

    #[test]
    fn fires_over_http() {
        fires_with_scheme(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: __Secure-id=abc; Secure\r\n\r\n",
            crate::Scheme::Http,
        );
    }

    #[test]
    fn quiet_when_rules_are_met() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: __Host-session=abc; Secure; HttpOnly; Path=/; SameSite=Lax\r\nSet-Cookie: __HOST-id=abc; Secure; Path=/\r\nSet-Cookie: __Secure-x=1; Secure; Domain=example.com\r\nSet-Cookie: __Host-Http-y=1; Secure; HttpOnly; Path=/\r\n\r\n",
        );
    }
}
