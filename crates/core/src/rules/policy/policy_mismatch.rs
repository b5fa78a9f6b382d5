use crate::exchange::Headers;
use crate::policy::{Policy, SameSite};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Compares a response with the policy the user chose (`--policy`, the worker's
    /// `POLICY`) and reports each header whose value departs from it: a CSP directive
    /// that is missing or has other sources than the policy's, a `Referrer-Policy`,
    /// `Permissions-Policy`, `X-Frame-Options` or cross-origin header with another value,
    /// a header the policy removes, a cookie with a weaker `SameSite` than the policy
    /// allows or without the prefix it asks for, HSTS without the `preload` it asks for.
    ///
    /// It runs only when the policy was given explicitly: with the implicit default
    /// (`balanced`), a site is not reported for merely differing from it. What other rules
    /// already report (a missing CSP or HSTS, a short `max-age`, a cookie without
    /// `Secure`) is left to them.
    ///
    /// ## Why is this bad?
    /// The policy is what the site means to send, and what the headwarden worker
    /// enforces. A response that departs from it is configuration drift: the app, a
    /// proxy or a framework upgrade changed a header, and the page is no longer protected
    /// the way its owners think (or the worker is not in front of it).
    ///
    /// ## Example
    /// With a policy that sets `[referrer] policy = "strict-origin-when-cross-origin"`:
    /// ```http
    /// Referrer-Policy: unsafe-url
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Referrer-Policy: strict-origin-when-cross-origin
    /// ```
    /// Put the headwarden worker in front of the app (it enforces the policy), or change
    /// the app, or change the policy if the site's value is what you want.
    ///
    /// ## References
    /// - [headwarden policy reference (`headwarden policy init`)](https://example.invalid/headwarden)
    pub static POLICY_MISMATCH = {
        id: "policy-mismatch",
        title: "The response departs from its policy",
        severity: Low,
        family: Policy,
        since: "0.1.0",
        check: Check::Exchange(policy_mismatch),
        fixes: {
            flask: "# Make the app send what the policy says, e.g.\n@app.after_request\ndef headers(resp):\n    resp.headers['Referrer-Policy'] = 'strict-origin-when-cross-origin'\n    return resp",
            policy: "# Enforce the policy with the worker (POLICY = your policy),\n# or change the key the finding names if the site's value is the one you want.",
            nginx: "# proxy_hide_header <Header>; add_header <Header> \"<policy value>\" always;",
        },
    };
}

fn policy_mismatch(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let policy = ctx.policy;
    if !policy.explicit {
        return Outcome::NotApplicable;
    }
    let headers = ctx.headers();
    let https = ctx.scheme.is_https();
    check_csp(policy, headers, out);
    if let (Some(hsts), true) = (&policy.hsts, https) {
        if hsts.preload {
            if let Some(h) = headers.get_header("strict-transport-security") {
                let has_preload = h
                    .value
                    .split(';')
                    .any(|d| d.trim().eq_ignore_ascii_case("preload"));
                if !has_preload {
                    out.push(
                        Finding::new(
                            &POLICY_MISMATCH,
                            "Strict-Transport-Security lacks `preload`, which the policy asks for.",
                        )
                        .header_evidence(&h.name, &h.value)
                        .fix(format!(
                            "Strict-Transport-Security: {}",
                            hsts.header_value()
                        )),
                    );
                }
            }
        }
    }
    if let Some(frame) = &policy.frame {
        let expected = frame.x_frame_options.as_str();
        let has_frame_ancestors = headers.get_all("content-security-policy").any(|h| {
            directives(&h.value)
                .iter()
                .any(|(n, _)| n == "frame-ancestors")
        });
        compare(
            headers,
            "X-Frame-Options",
            expected,
            |a, b| a.trim().eq_ignore_ascii_case(b),
            has_frame_ancestors,
            "[frame] x_frame_options",
            out,
        );
    }
    if let Some(r) = &policy.referrer {
        compare(
            headers,
            "Referrer-Policy",
            &r.policy,
            same_list,
            false,
            "[referrer] policy",
            out,
        );
    }
    if let Some(p) = &policy.permissions {
        compare(
            headers,
            "Permissions-Policy",
            &p.policy,
            same_list,
            false,
            "[permissions] policy",
            out,
        );
    }
    if let Some(co) = &policy.cross_origin {
        let eq = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b);
        if let Some(v) = &co.opener {
            compare(
                headers,
                "Cross-Origin-Opener-Policy",
                v,
                eq,
                false,
                "[cross_origin] opener",
                out,
            );
        }
        if let Some(v) = &co.resource {
            compare(
                headers,
                "Cross-Origin-Resource-Policy",
                v,
                eq,
                false,
                "[cross_origin] resource",
                out,
            );
        }
        if let Some(v) = &co.embedder {
            compare(
                headers,
                "Cross-Origin-Embedder-Policy",
                v,
                eq,
                true,
                "[cross_origin] embedder",
                out,
            );
        }
    }
    if let Some(remove) = &policy.remove {
        // These have rules of their own.
        const OWN_RULES: [&str; 6] = [
            "x-powered-by",
            "x-xss-protection",
            "public-key-pins",
            "public-key-pins-report-only",
            "expect-ct",
            "feature-policy",
        ];
        for name in &remove.headers {
            if OWN_RULES.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                continue;
            }
            if let Some(h) = headers.get_header(name) {
                out.push(
                    Finding::new(
                        &POLICY_MISMATCH,
                        format!(
                            "{} is sent, but the policy removes it ([remove] headers).",
                            h.name
                        ),
                    )
                    .header_evidence(&h.name, &h.value),
                );
            }
        }
    }
    for cookie in ctx.cookies() {
        if cookie.name.is_empty() {
            continue;
        }
        let Some(rule) = policy.cookie_rule(&cookie.name) else {
            continue;
        };
        let sent = match cookie.same_site {
            Some(crate::cookies::SameSite::Strict) => Some(SameSite::Strict),
            Some(crate::cookies::SameSite::Lax) => Some(SameSite::Lax),
            Some(crate::cookies::SameSite::None) => Some(SameSite::None),
            _ => None,
        };
        if let (Some(min), Some(sent)) = (rule.same_site, sent) {
            if sent < min {
                out.push(
                    Finding::new(
                        &POLICY_MISMATCH,
                        format!(
                            "Cookie `{}` is SameSite={sent}; the policy asks for {min} or stricter.",
                            cookie.name
                        ),
                    )
                    .cookie(cookie.name.clone())
                    .header_evidence("Set-Cookie", &cookie.raw),
                );
            }
        }
        if let (Some(prefix), true) = (rule.prefix, https) {
            if !cookie.name.starts_with(prefix.as_str()) {
                out.push(
                    Finding::new(
                        &POLICY_MISMATCH,
                        format!(
                            "Cookie `{}` lacks the {} prefix the policy asks for.",
                            cookie.name,
                            prefix.as_str()
                        ),
                    )
                    .cookie(cookie.name.clone())
                    .header_evidence("Set-Cookie", &cookie.raw),
                );
            }
        }
    }
    Outcome::Checked
}

/// Reports every line of `name` whose value differs from `expected`; a missing header
/// only when `report_missing` (others have a `*-missing` rule).
fn compare(
    headers: &Headers,
    name: &str,
    expected: &str,
    same: impl Fn(&str, &str) -> bool,
    report_missing: bool,
    key: &str,
    out: &mut Vec<Finding>,
) {
    let mut any = false;
    for h in headers.get_all(name) {
        any = true;
        if !same(&h.value, expected) {
            out.push(
                Finding::new(
                    &POLICY_MISMATCH,
                    format!(
                        "{} is `{}`; the policy ({key}) sets `{expected}`.",
                        h.name, h.value
                    ),
                )
                .header_evidence(&h.name, &h.value)
                .fix(format!("{name}: {expected}")),
            );
            return;
        }
    }
    if !any && report_missing {
        out.push(
            Finding::new(
                &POLICY_MISMATCH,
                format!("{name} is missing; the policy ({key}) sets `{expected}`."),
            )
            .fix(format!("{name}: {expected}")),
        );
    }
}

fn same_list(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> Vec<String> {
        s.split(',')
            .map(|i| {
                i.chars()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase()
            })
            .collect()
    };
    norm(a) == norm(b)
}

/// The directives of the first policy in a CSP header value: `(name, sources)`, the first
/// occurrence of each name (browsers ignore repeats).
fn directives(value: &str) -> Vec<(String, Vec<String>)> {
    let first_policy = value.split(',').next().unwrap_or("");
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for d in first_policy.split(';') {
        let mut tokens = d.split_ascii_whitespace();
        let Some(name) = tokens.next().map(str::to_ascii_lowercase) else {
            continue;
        };
        if out.iter().any(|(n, _)| *n == name) {
            continue;
        }
        out.push((name, tokens.map(str::to_ascii_lowercase).collect()));
    }
    out
}

fn check_csp(policy: &Policy, headers: &Headers, out: &mut Vec<Finding>) {
    let Some(csp) = &policy.csp else { return };
    let name = csp.header_name();
    let Some(h) = headers.get_header(name) else {
        if csp.report_only {
            out.push(
                Finding::new(
                    &POLICY_MISMATCH,
                    "Content-Security-Policy-Report-Only is missing; the policy ([csp] report_only) sends its CSP report-only.",
                )
                .fix(format!("{name}: {}", csp.header_value(Some("{nonce}")))),
            );
        }
        return;
    };
    let sent = directives(&h.value);
    let expected_value = csp.header_value(Some("{nonce}"));
    for (directive, value) in &csp.directives {
        let want: Vec<String> = value
            .split_ascii_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let got = sent.iter().find(|(n, _)| n == directive);
        let detail = match got {
            None => Some(format!(
                "The CSP lacks `{directive}`; the policy sets `{directive} {value}`."
            )),
            Some((_, got)) => {
                let got_sources: Vec<&String> =
                    got.iter().filter(|t| !t.starts_with("'nonce-")).collect();
                let differs = got_sources.len() != want.len()
                    || want.iter().any(|w| !got_sources.contains(&w));
                let wants_nonce = (csp.nonce && directive == "script-src")
                    || (csp.nonce_styles && directive == "style-src");
                let has_nonce = got.iter().any(|t| t.starts_with("'nonce-"));
                if differs {
                    Some(format!(
                        "The CSP's `{directive}` is `{}`; the policy sets `{value}`.",
                        got.join(" ")
                    ))
                } else if wants_nonce && !has_nonce {
                    Some(format!(
                        "The CSP's `{directive}` has no nonce; the policy adds a fresh one per response."
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(detail) = detail {
            out.push(
                Finding::new(&POLICY_MISMATCH, detail)
                    .directive(directive.clone())
                    .header_evidence(&h.name, &h.value)
                    .fix(format!("{name}: {expected_value}")),
            );
        }
    }
    if let Some(uri) = &csp.report_uri {
        let got = sent.iter().find(|(n, _)| n == "report-uri");
        if !got.is_some_and(|(_, v)| v.iter().any(|t| t.eq_ignore_ascii_case(uri))) {
            out.push(
                Finding::new(
                    &POLICY_MISMATCH,
                    format!("The CSP does not report to `{uri}` ([csp] report_uri)."),
                )
                .directive("report-uri")
                .header_evidence(&h.name, &h.value)
                .fix(format!("{name}: {expected_value}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{check, parse, Policy, Report};

    fn run(policy: &Policy, input: &str) -> Report {
        check(
            &parse(input.as_bytes()).unwrap(),
            policy,
            &Default::default(),
        )
    }

    fn mismatches(report: &Report) -> Vec<String> {
        report.exchanges[0]
            .findings
            .iter()
            .filter(|f| f.rule == "policy-mismatch")
            .map(|f| f.detail.clone())
            .collect()
    }

    #[test]
    fn fires_when_a_header_differs_from_an_explicit_policy() {
        let policy = Policy::load("balanced").unwrap();
        let report = run(
            &policy,
            "HTTP/1.1 200 OK\r\nReferrer-Policy: no-referrer\r\nContent-Security-Policy: default-src 'self'; object-src 'none'\r\n\r\n",
        );
        let found = mismatches(&report);
        assert!(
            found.iter().any(|d| d.contains("Referrer-Policy")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|d| d.contains("lacks `base-uri`")),
            "{found:#?}"
        );
        assert!(found.iter().any(|d| d.contains("script-src")), "{found:#?}");
    }

    #[test]
    fn quiet_with_the_implicit_default() {
        let report = run(
            &Policy::default(),
            "HTTP/1.1 200 OK\r\nReferrer-Policy: no-referrer\r\n\r\n",
        );
        assert!(mismatches(&report).is_empty());
        assert!(!report.exchanges[0].passed.contains(&"policy-mismatch"));
    }

    #[test]
    fn quiet_when_the_response_matches() {
        let policy = Policy::load("flask-talisman").unwrap();
        let report = run(
            &policy,
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; object-src 'none'\r\n\
             X-Frame-Options: SAMEORIGIN\r\nReferrer-Policy: strict-origin-when-cross-origin\r\n\
             Permissions-Policy: browsing-topics=()\r\nSet-Cookie: session=x; Secure; HttpOnly; SameSite=Strict\r\n\r\n",
        );
        assert!(mismatches(&report).is_empty(), "{:#?}", mismatches(&report));
        assert!(report.exchanges[0].passed.contains(&"policy-mismatch"));
    }

    #[test]
    fn fires_for_a_weaker_cookie() {
        let policy = Policy::load("strict").unwrap();
        let report = run(
            &policy,
            "HTTP/1.1 200 OK\r\nSet-Cookie: sid=1; Secure; HttpOnly; SameSite=Lax\r\n\r\n",
        );
        assert!(mismatches(&report)
            .iter()
            .any(|d| d.contains("SameSite=Lax")));
    }
}
