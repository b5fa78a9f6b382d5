use crate::csp::evaluate::{Arg, CspFinding};
use crate::csp::parse::{DeliveryIssue, DirectiveState, Facts, PolicyIssue, ValueKind};
use crate::csp::source::Escaped;
use crate::csp::PolicyList;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports what a browser silently drops when it parses a policy (CSP3 §2.2.1):
    /// - a directive that holds a non-ASCII character (a NO-BREAK SPACE, a typographic
    ///   quote, an IDN): the *whole directive* is ignored;
    /// - a repeated directive: only the first one counts;
    /// - a source that does not follow the grammar (bad port, `*` in the middle of a
    ///   host, IPv6 literal, stray characters), a value on a directive that takes none,
    ///   an unknown sandbox flag, `'none'` next to other sources;
    /// - a directive name in a value (`script-src 'self' object-src 'none'`): a
    ///   semicolon is missing;
    /// - an empty policy, and `<meta>` policies browsers ignore (report-only, outside
    ///   `<head>`, or carrying `frame-ancestors`, `report-uri` or `sandbox`).
    ///
    /// Quoting mistakes have their own rule, `csp-invalid-keyword`.
    ///
    /// ## Why is this bad?
    /// The policy the browser enforces is not the one that was written. A dropped
    /// `script-src` falls back to `default-src` (or to nothing); a dropped source
    /// silently breaks the page or, worse, a dropped `'none'` opens a directive up.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: default-src 'self'; script-src 'self' https://cdn.example.com:abc; script-src 'none'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: default-src 'self'; script-src 'self' https://cdn.example.com
    /// ```
    ///
    /// ## References
    /// - [CSP3 §2.2.1: Parse a serialized CSP](https://www.w3.org/TR/CSP3/#parse-serialized-policy)
    /// - [CSP3 §2.3.1: Source lists](https://www.w3.org/TR/CSP3/#framework-directive-source-list)
    /// - [CSP3 §3.3: The `<meta>` element](https://www.w3.org/TR/CSP3/#meta-element)
    pub static CSP_PARSE_ERROR = {
        id: "csp-parse-error",
        title: "Content-Security-Policy has a syntax error",
        severity: Medium,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# Flask-Talisman builds the header from a dict, one key per directive:\nTalisman(app, content_security_policy={\n    'default-src': \"'self'\",\n    'script-src': [\"'self'\", 'https://cdn.example.com'],\n})",
            policy: "[csp.directives]\ndefault-src = \"'self'\"\nscript-src = \"'self' https://cdn.example.com\"",
            nginx: "# one directive per name, separated by '; ', ASCII only\nadd_header Content-Security-Policy \"default-src 'self'; script-src 'self' https://cdn.example.com\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    for i in 0..list.delivery_issues.len() {
        out.push(CspFinding::new(&CSP_PARSE_ERROR, delivery_detail).arg(Arg::Delivery(i)));
    }
    if list.policies.is_empty() {
        return if list.delivery_issues.is_empty() {
            Outcome::NotApplicable
        } else {
            Outcome::Checked
        };
    }
    for (pi, policy) in list.indexed() {
        // At most MAX_FINDINGS_PER_RULE per policy; the rest are summed up.
        let mut out = super::Capped::new(out);
        for issue in &policy.issues {
            let arg = match issue {
                // An empty member next to others ("a, , b") is harmless.
                PolicyIssue::Empty
                    if list
                        .policies
                        .iter()
                        .any(|o| o.header == policy.header && !o.is_empty()) =>
                {
                    continue
                }
                PolicyIssue::Empty => "empty",
                PolicyIssue::Truncated => "truncated",
            };
            out.push(
                CspFinding::new(&CSP_PARSE_ERROR, policy_detail)
                    .policy(pi)
                    .arg(Arg::Text(arg)),
            );
        }
        if !policy
            .facts
            .has(Facts::INACTIVE | Facts::INVALID | Facts::DIRECTIVE_NAME)
        {
            continue;
        }
        for d in policy.all_directives() {
            if d.state() != DirectiveState::Active {
                out.push(
                    CspFinding::new(&CSP_PARSE_ERROR, directive_detail)
                        .at(pi, &d)
                        .arg(Arg::Directive(d.index)),
                );
                continue;
            }
            if !d
                .directive()
                .facts
                .has(Facts::INVALID | Facts::DIRECTIVE_NAME)
            {
                continue;
            }
            for v in d.values() {
                let value = v.value();
                if let (ValueKind::Invalid(e), Some(_)) = (value.kind, d.id()) {
                    if !e.is_keyword_error() {
                        out.push(
                            CspFinding::new(&CSP_PARSE_ERROR, value_detail)
                                .at(pi, &d)
                                .source(&v),
                        );
                        continue;
                    }
                }
                if value.facts.has(Facts::DIRECTIVE_NAME) {
                    out.push(
                        CspFinding::new(&CSP_PARSE_ERROR, semicolon_detail)
                            .at(pi, &d)
                            .source(&v),
                    );
                }
            }
        }
    }
    Outcome::Checked
}

fn delivery_detail(f: &CspFinding, list: &PolicyList) -> String {
    let Arg::Delivery(i) = f.arg else {
        return String::new();
    };
    match list.delivery_issues.get(i) {
        Some(DeliveryIssue::MetaReportOnly { .. }) => "A <meta http-equiv=\"Content-Security-Policy-Report-Only\"> is ignored: report-only policies can only be sent as a header (CSP3 §3.3).".into(),
        Some(DeliveryIssue::MetaOutsideHead { .. }) => "A <meta> Content-Security-Policy outside <head> is ignored by browsers; move it to the top of <head>, or send a header.".into(),
        Some(DeliveryIssue::MetaWithoutContent) | None => "A <meta> Content-Security-Policy without a content attribute is ignored.".into(),
        Some(DeliveryIssue::TooManyPolicies { dropped }) => format!(
            "The response delivers more than {} Content-Security-Policies; the {dropped} after them were not checked (browsers enforce them all).",
            crate::csp::parse::MAX_POLICIES
        ),
    }
}

fn policy_detail(f: &CspFinding, list: &PolicyList) -> String {
    let header = f
        .policy_of(list)
        .map_or("Content-Security-Policy", |p| p.header.as_str());
    match f.arg {
        Arg::Text("truncated") => format!(
            "The `{header}` policy is longer than {} bytes; only the start was checked.",
            crate::csp::parse::MAX_POLICY_BYTES
        ),
        _ => format!("The `{header}` policy has no directive, so browsers ignore it."),
    }
}

fn directive_detail(f: &CspFinding, list: &PolicyList) -> String {
    let Some(d) = f.directive_at(list) else {
        return String::new();
    };
    let name = d.name().to_ascii_lowercase();
    match d.state() {
        DirectiveState::Duplicate { .. } => format!(
            "Duplicate `{name}` directive: browsers apply the first `{name}` and ignore this one (`{}`).",
            crate::report::shorten(d.policy.str(d.directive().token), 120)
        ),
        DirectiveState::NonAscii { at, ch } => format!(
            "`{name}` contains the non-ASCII character {} at position {at}, so browsers ignore the whole directive (CSP3 §2.2.1). Use plain spaces and ASCII quotes, and write international domain names in punycode.",
            Escaped(ch)
        ),
        DirectiveState::IgnoredInMeta => format!(
            "`{name}` is not supported in a <meta> policy and is ignored (CSP3 §3.3); send it in a Content-Security-Policy header."
        ),
        DirectiveState::Active => String::new(),
    }
}

fn value_detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    let text = f.source_text(list).unwrap_or_default();
    match f.value(list).map(|v| v.kind) {
        Some(ValueKind::Invalid(e)) => {
            format!("`{text}` in `{name}` is ignored by browsers: {e}.")
        }
        _ => format!("`{text}` in `{name}` is ignored by browsers."),
    }
}

fn semicolon_detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    let text = f.source_text(list).unwrap_or_default();
    format!(
        "`{text}` inside `{name}` is a directive name: a semicolon is probably missing before it, so it and what follows are read as sources of `{name}`."
    )
}

#[cfg(test)]
mod tests {
    use crate::csp::check_csp;
    use crate::rules::testing::{fires, quiet};

    fn details(policy: &str) -> Vec<String> {
        check_csp(policy)
            .findings()
            .into_iter()
            .filter(|f| f.rule == "csp-parse-error")
            .map(|f| f.detail)
            .collect()
    }

    #[test]
    fn fires_on_a_duplicate_directive() {
        fires(
            "csp-parse-error",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: script-src 'self'; script-src 'unsafe-inline'\r\n\r\n",
        );
    }

    #[test]
    fn says_precisely_what_is_wrong() {
        let d = details("script-src 'self'\u{a0}https://a.example; img-src https://a.example:abc; upgrade-insecure-requests 1; default-src 'self' object-src 'none'");
        assert!(d[0].contains("U+00A0 at position 17"), "{d:?}");
        assert!(
            d[1].contains("'a' at position 18 is not allowed in a port"),
            "{d:?}"
        );
        assert!(d[2].contains("takes no value"), "{d:?}");
        assert!(d[3].contains("semicolon is probably missing"), "{d:?}");
        assert!(
            d[4].contains("'none' has no effect next to other sources"),
            "{d:?}"
        );
        assert_eq!(d.len(), 5);
        assert!(details("")[0].contains("no directive"));
        assert!(details("a, , b").is_empty());
    }

    #[test]
    fn meta_policies_browsers_ignore() {
        let r = fires(
            "csp-parse-error",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; frame-ancestors 'none'\"><meta http-equiv=\"Content-Security-Policy-Report-Only\" content=\"default-src 'none'\"></head></html>",
        );
        let details: Vec<&str> = r.exchanges[0]
            .findings
            .iter()
            .filter(|f| f.rule == "csp-parse-error")
            .map(|f| f.detail.as_str())
            .collect();
        assert_eq!(details.len(), 2, "{details:?}");
    }

    #[test]
    fn quiet_on_a_clean_policy() {
        quiet(
            "csp-parse-error",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; img-src https://a.example:8443/x/\r\n\r\n",
        );
    }
}
