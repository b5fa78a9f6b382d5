use crate::cookies::{is_public_suffix_like, SetCookie};
use crate::report::{Finding, Severity};
use crate::rules::cookies::{by_class, finding, fix_for, live, shown, Setting};
use crate::rules::cors::Origin;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Flags cookies set with a `Domain` attribute. Without `Domain` a cookie is
    /// host-only: sent back to the exact host that set it. With `Domain=example.com` it
    /// goes to `example.com` and every subdomain, and any of them can overwrite it.
    ///
    /// Also flags, more severely, a `Domain` that browsers refuse: a public suffix
    /// (`com`, `co.uk`, `github.io`; approximated with a short list) or, when the input
    /// names the URL, a domain that does not cover the host that set the cookie.
    ///
    /// Severity: medium for session/auth cookies, low for CSRF tokens, info for other
    /// cookies (sharing a language preference across subdomains is fine); medium for a
    /// domain browsers refuse. Deleted cookies are skipped (a deletion must repeat the
    /// `Domain` of the cookie it removes).
    ///
    /// ## Why is this bad?
    /// Every subdomain becomes part of the cookie's trust boundary: a forgotten staging
    /// host, a marketing site on a SaaS CNAME, a subdomain that serves user uploads. Any
    /// of them that is compromised or taken over (dangling DNS) reads the session cookie
    /// from requests, and can set a cookie of the same name that the app then trusts
    /// (cookie tossing, session fixation). A `__Host-` prefix makes the browser enforce
    /// host-only scope.
    ///
    /// ## Example
    /// ```http
    /// Set-Cookie: session=abc; Domain=.example.com; Secure; HttpOnly; Path=/
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Set-Cookie: __Host-session=abc; Secure; HttpOnly; Path=/; SameSite=Lax
    /// ```
    ///
    /// ## References
    /// - [RFC 6265bis §4.1.2.3: The Domain Attribute](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-the-domain-attribute)
    /// - [RFC 6265bis §8.6: Weak Integrity](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-weak-integrity)
    /// - [Flask: SESSION_COOKIE_DOMAIN](https://flask.palletsprojects.com/en/stable/config/#SESSION_COOKIE_DOMAIN)
    pub static COOKIE_BROAD_DOMAIN = {
        id: "cookie-broad-domain",
        title: "Cookie shared with every subdomain (Domain attribute)",
        severity: Low,
        family: Cookies,
        since: "0.1.0",
        check: Check::Exchange(cookie_broad_domain),
        fixes: {
            flask: "app.config['SESSION_COOKIE_DOMAIN'] = None  # host-only (the default since Flask 2.3)\napp.config['REMEMBER_COOKIE_DOMAIN'] = None  # flask-login\n# other cookies: resp.set_cookie('name', value) without domain=",
            policy: "[[cookies]]\npattern = \"session\"\nprefix = \"__Host-\"  # renames it, drops Domain; only if the app reads the new name",
        },
    };
}

/// How a `Domain` attribute relates to the host that set it.
enum Scope {
    /// A public suffix: browsers refuse the cookie.
    PublicSuffix,
    /// Does not cover the host: browsers refuse the cookie.
    Foreign(String),
    /// A public-suffix-like single label that is the host itself (`localhost`).
    HostItself,
    /// Covers the host and its subdomains.
    Subdomains,
}

fn scope(domain: &str, host: Option<&str>) -> Scope {
    let host = host.map(|h| h.trim_end_matches('.'));
    if host == Some(domain) && !domain.contains('.') {
        return Scope::HostItself;
    }
    if is_public_suffix_like(domain) && host != Some(domain) {
        return Scope::PublicSuffix;
    }
    match host {
        Some(h) if h != domain && !h.ends_with(&format!(".{domain}")) => {
            Scope::Foreign(h.to_string())
        }
        _ => Scope::Subdomains,
    }
}

fn cookie_broad_domain(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    if ctx.cookies().is_empty() {
        return Outcome::NotApplicable;
    }
    let host = Origin::of_response(ctx).map(|o| o.host);
    for c in live(ctx) {
        let Some(domain) = c.domain_normalized() else {
            continue;
        };
        let (severity, detail) = match scope(&domain, host.as_deref()) {
            Scope::PublicSuffix => (
                Severity::Medium,
                format!(
                    "{} has `Domain={domain}`, a public suffix: browsers refuse the cookie (one without a public-suffix list would share it with every site under `{domain}`).",
                    shown(c)
                ),
            ),
            Scope::Foreign(h) => (
                Severity::Medium,
                format!(
                    "{} has `Domain={domain}`, which does not cover the host `{h}` that set it: browsers refuse the cookie.",
                    shown(c)
                ),
            ),
            Scope::HostItself => (
                Severity::Info,
                format!(
                    "{} has `Domain={domain}` on the host `{domain}` itself; drop the attribute to make it host-only.",
                    shown(c)
                ),
            ),
            Scope::Subdomains => subdomain_finding(c, &domain),
        };
        out.push(
            finding(&COOKIE_BROAD_DOMAIN, c, detail)
                .severity(severity)
                .fix(fix_for(c, Setting::Domain)),
        );
    }
    Outcome::Checked
}

fn subdomain_finding(c: &SetCookie, domain: &str) -> (Severity, String) {
    let severity = by_class(c.class, Severity::Medium, Severity::Low, Severity::Info);
    let why = match c.class {
        crate::cookies::CookieClass::Session => {
            "any of them that is compromised or taken over reads the session, and can plant a cookie of the same name (session fixation)"
        }
        crate::cookies::CookieClass::Csrf => {
            "any of them can read or overwrite the token, which weakens double-submit CSRF protection"
        }
        crate::cookies::CookieClass::Other => "fine for preferences, but check it is meant",
    };
    (
        severity,
        format!(
            "{} has `Domain={domain}`, so it is sent to `{domain}` and every subdomain: {why}.",
            shown(c)
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet, report};

    const ID: &str = "cookie-broad-domain";

    fn severity(input: &str) -> Severity {
        let r = report(input);
        r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == ID)
            .map(|f| f.severity)
            .expect("finding")
    }

    #[test]
    fn fires_on_domain_attribute() {
        fires(ID, "HTTP/1.1 200 OK\r\nSet-Cookie: session=a; Domain=.example.com; Secure; HttpOnly\r\n\r\n");
        assert_eq!(
            severity("HTTP/1.1 200 OK\r\nSet-Cookie: session=a; Domain=.example.com\r\n\r\n"),
            Severity::Medium
        );
        assert_eq!(
            severity("HTTP/1.1 200 OK\r\nSet-Cookie: lang=en; Domain=example.com\r\n\r\n"),
            Severity::Info
        );
        assert_eq!(
            severity("HTTP/1.1 200 OK\r\nSet-Cookie: lang=en; Domain=co.uk\r\n\r\n"),
            Severity::Medium
        );
    }

    #[test]
    fn foreign_domain_with_known_host() {
        use crate::rules::cors::test_support::{check_one, finding};
        let r = check_one(
            "https://app.example.com/",
            &[],
            &[("Set-Cookie", "lang=en; Domain=other.org")],
        );
        let f = finding(&r, ID).unwrap();
        assert_eq!(f.severity, Severity::Medium);
        assert!(f.detail.contains("does not cover"), "{}", f.detail);
        let r = check_one(
            "https://app.example.com/",
            &[],
            &[("Set-Cookie", "lang=en; Domain=example.com")],
        );
        assert_eq!(finding(&r, ID).unwrap().severity, Severity::Info);
        let r = check_one(
            "http://localhost:5000/",
            &[],
            &[("Set-Cookie", "a=b; Domain=localhost")],
        );
        assert_eq!(finding(&r, ID).unwrap().severity, Severity::Info);
    }

    #[test]
    fn quiet_without_domain_or_on_deletion() {
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=a; Secure; HttpOnly; Path=/\r\n\r\n",
        );
        quiet(
            ID,
            "HTTP/1.1 200 OK\r\nSet-Cookie: session=; Domain=example.com; Max-Age=0\r\n\r\n",
        );
    }
}
