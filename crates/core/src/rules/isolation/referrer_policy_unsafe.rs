use crate::headers::referrer::{Exposure, ReferrerPolicy, ReferrerPolicyList};
use crate::report::{Evidence, Finding, Severity};
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks the referrer policy a page states (`Referrer-Policy` header, then
    /// `<meta name="referrer">`, which wins) for values that leak more than the origin
    /// to other sites, or that browsers cannot read.
    ///
    /// The header is a comma-separated list and browsers apply the **last token they
    /// know**, skipping the others (so `no-referrer, strict-origin-when-cross-origin` is a
    /// valid fallback list); headwarden reads it the same way.
    ///
    /// ## Why is this bad?
    /// The `Referer` header then carries the page's full URL, path and query string
    /// included, to other sites: search terms, document ids, password-reset or
    /// invitation tokens in URLs end up in third parties' logs.
    ///
    /// Severities:
    /// - **medium** for `unsafe-url`: the full URL goes to every site, even over plain
    ///   HTTP where anyone on the network reads it;
    /// - **low** for `no-referrer-when-downgrade` (the full URL goes to every HTTPS
    ///   site; it was the browsers' default before 2020) and for a header with no valid
    ///   token (browsers ignore it and use their default); the MDN Observatory deducts 5
    ///   points for both;
    /// - **info** for `origin` and `origin-when-cross-origin`: only the origin leaves the
    ///   site, but it is also sent from HTTPS pages to plain-HTTP ones. The MDN
    ///   Observatory deducts 5 points here too; headwarden does not, because the origin
    ///   alone is rarely secret. `strict-origin-when-cross-origin` gives the same
    ///   information to HTTPS sites without the downgrade leak;
    /// - **info** for unknown tokens next to a valid one (skipped by browsers).
    ///
    /// Checked on pages and on redirects (a redirect's policy applies to the request it
    /// leads to); not on JSON or other subresources.
    ///
    /// ## Example
    /// ```http
    /// Referrer-Policy: unsafe-url
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Referrer-Policy: strict-origin-when-cross-origin
    /// ```
    ///
    /// ## References
    /// - [W3C Referrer Policy §3: referrer policies](https://www.w3.org/TR/referrer-policy/#referrer-policies)
    /// - [W3C Referrer Policy §8.1: parse a referrer policy from a Referrer-Policy header](https://www.w3.org/TR/referrer-policy/#parse-referrer-policy-from-header)
    /// - [MDN: Referrer-Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Referrer-Policy)
    pub static REFERRER_POLICY_UNSAFE = {
        id: "referrer-policy-unsafe",
        title: "Referrer-Policy leaks URLs or is invalid",
        severity: Low,
        family: Isolation,
        since: "0.1.0",
        check: Check::Exchange(referrer_policy_unsafe),
        fixes: {
            flask: "Talisman(app, referrer_policy='strict-origin-when-cross-origin')\n# or:\n@app.after_request\ndef referrer(resp):\n    resp.headers['Referrer-Policy'] = 'strict-origin-when-cross-origin'\n    return resp",
            policy: "[referrer]\npolicy = \"strict-origin-when-cross-origin\"",
            nginx: "add_header Referrer-Policy strict-origin-when-cross-origin always;\n# if the app sends its own too: proxy_hide_header Referrer-Policy;",
        },
    };
}

fn referrer_policy_unsafe(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let response = &ctx.exchange.response;
    if !ctx.renders_document() && !response.is_redirect() {
        return Outcome::NotApplicable;
    }
    let header = ctx.headers().get_header("referrer-policy");
    let meta = super::meta_referrer(ctx);
    if header.is_none() && meta.is_none() {
        return Outcome::NotApplicable;
    }
    let list = ReferrerPolicyList::parse(
        ctx.headers()
            .get_all("referrer-policy")
            .map(|h| h.value.as_str()),
    );
    let evidence = || match (meta, header) {
        (Some(content), _) => {
            Evidence::body(&format!("<meta name=\"referrer\" content=\"{content}\">"))
        }
        (None, Some(h)) => Evidence::header(&h.name, &h.value),
        (None, None) => Evidence::body(""),
    };
    let effective = meta.and_then(ReferrerPolicy::from_meta).or(list.effective);
    match effective {
        None => out.push(
            Finding::new(
                &REFERRER_POLICY_UNSAFE,
                "Referrer-Policy has no valid token; browsers ignore it and fall back to their default.",
            )
            .evidence(evidence()),
        ),
        Some(policy) => {
            let exposure = policy.exposure();
            let (severity, what) = match exposure {
                Exposure::Private => (None, ""),
                Exposure::FullUrlEverywhere => (
                    Some(Severity::Medium),
                    "sends the full URL (path and query) to every site, even over plain HTTP",
                ),
                Exposure::FullUrlCrossOrigin => (
                    Some(Severity::Low),
                    "sends the full URL (path and query) to every other HTTPS site",
                ),
                Exposure::OriginOnDowngrade => (
                    Some(Severity::Info),
                    "sends the origin even from HTTPS pages to plain-HTTP sites; strict-origin-when-cross-origin does not",
                ),
            };
            if let Some(severity) = severity {
                out.push(
                    Finding::new(&REFERRER_POLICY_UNSAFE, format!("`{policy}` {what}."))
                        .severity(severity)
                        .source(policy.as_str())
                        .evidence(evidence()),
                );
            }
        }
    }
    if effective.is_some() && !list.unknown.is_empty() {
        if let Some(h) = header {
            let unknown = list
                .unknown
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                Finding::new(
                    &REFERRER_POLICY_UNSAFE,
                    format!("Browsers skip the unknown token(s) {unknown} in Referrer-Policy."),
                )
                .severity(Severity::Info)
                .header_evidence(&h.name, &h.value),
            );
        }
    }
    Outcome::Checked
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};
    use crate::rules::transport::testkit::{assert_not_applicable, exchange, findings, one, run};

    const ID: &str = "referrer-policy-unsafe";

    fn page(policy: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nReferrer-Policy: {policy}\r\n\r\n")
    }

    #[test]
    fn severity_follows_what_leaks() {
        for (policy, severity) in [
            ("unsafe-url", Severity::Medium),
            ("no-referrer-when-downgrade", Severity::Low),
            ("origin-when-cross-origin", Severity::Info),
            ("origin", Severity::Info),
            ("bogus", Severity::Low),
            ("", Severity::Low),
            // The last valid token wins.
            ("no-referrer, unsafe-url", Severity::Medium),
        ] {
            let report = fires(ID, &page(policy));
            assert_eq!(one(&report, ID).severity, severity, "{policy}");
        }
    }

    #[test]
    fn quiet_on_private_policies() {
        for policy in [
            "no-referrer",
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin",
            "unsafe-url, strict-origin-when-cross-origin",
            "No-Referrer",
        ] {
            quiet(ID, &page(policy));
        }
    }

    #[test]
    fn unknown_tokens_next_to_a_valid_one_are_info() {
        let report = fires(ID, &page("no-referrer, strict-origin-when-crossorigin"));
        let f = one(&report, ID);
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("strict-origin-when-crossorigin"));
    }

    #[test]
    fn meta_wins_over_the_header() {
        let ex = exchange(
            200,
            &[
                ("Content-Type", "text/html"),
                ("Referrer-Policy", "no-referrer"),
            ],
            Some("<!doctype html><meta name=referrer content=always>"),
        );
        let report = run(ex, None);
        assert_eq!(one(&report, ID).severity, Severity::Medium);
        let ex = exchange(
            200,
            &[
                ("Content-Type", "text/html"),
                ("Referrer-Policy", "unsafe-url"),
            ],
            Some("<!doctype html><meta name=referrer content=no-referrer>"),
        );
        assert!(findings(&run(ex, None), ID).is_empty());
    }

    #[test]
    fn redirects_count_json_does_not() {
        let redirect = exchange(
            302,
            &[("Location", "/next"), ("Referrer-Policy", "unsafe-url")],
            None,
        );
        one(&run(redirect, None), ID);
        let api = exchange(
            200,
            &[
                ("Content-Type", "application/json"),
                ("Referrer-Policy", "unsafe-url"),
            ],
            None,
        );
        assert_not_applicable(&run(api, None), ID);
        let page = exchange(200, &[("Content-Type", "text/html")], None);
        assert_not_applicable(&run(page, None), ID);
    }
}
