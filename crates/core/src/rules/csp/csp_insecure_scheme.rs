use crate::csp::evaluate::CspFinding;
use crate::csp::parse::Facts;
use crate::csp::{DirectiveId, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks for sources and report endpoints written with a clear-text scheme:
    /// `http://…` (and `ws://…`) in any directive.
    ///
    /// (Google CSP Evaluator: `SRC_HTTP`; it checks `http://` only.)
    ///
    /// ## Why is this bad?
    /// Anything loaded over plain HTTP can be replaced by an attacker on the network;
    /// a script so loaded runs with the page's privileges. Violation reports sent over
    /// HTTP leak the URLs and samples they carry.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'self' http://cdn.example.com; report-uri http://reports.example.com/csp
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'self' https://cdn.example.com; report-uri https://reports.example.com/csp
    /// ```
    ///
    /// ## References
    /// - [W3C Mixed Content](https://www.w3.org/TR/mixed-content/)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_INSECURE_SCHEME = {
        id: "csp-insecure-scheme",
        title: "Content-Security-Policy allows resources over plain HTTP",
        severity: Medium,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# write every host in the Talisman policy with https:// (wss:// for websockets)\nTalisman(app, content_security_policy={'script-src': [\"'self'\", 'https://cdn.example.com']})",
            policy: "[csp.directives]\nscript-src = \"'self' https://cdn.example.com\"",
            nginx: "add_header Content-Security-Policy \"script-src 'self' https://cdn.example.com\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkSrcHttp` (every directive, written text), plus `ws://`
/// (the parser marks such tokens [`Facts::CLEAR_TEXT`]).
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::every_policy(list, out, |pi, policy, out| {
        // At most MAX_FINDINGS_PER_RULE per policy; the rest are summed up.
        let mut out = super::Capped::new(out);
        if !policy.facts.has(Facts::CLEAR_TEXT) {
            return;
        }
        for d in policy.active_directives() {
            if !d.directive().facts.has(Facts::CLEAR_TEXT) {
                continue;
            }
            for v in d.values() {
                if !v.value().duplicate && v.value().facts.has(Facts::CLEAR_TEXT) {
                    out.push(
                        CspFinding::new(&CSP_INSECURE_SCHEME, detail)
                            .at(pi, &d)
                            .source(&v),
                    );
                }
            }
        }
    })
}

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    let name = f.directive_name(list).unwrap_or_default();
    let source = f.source_text(list).unwrap_or_default();
    if name == DirectiveId::ReportUri.as_str() {
        format!(
            "Violation reports go to `{source}` in clear text; use https:// to send them securely."
        )
    } else {
        format!("`{source}` in `{name}` allows loading over a clear-text connection, which an attacker on the network can tamper with; use https:// (or wss://).")
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_http_sources_and_report_uri() {
        fires(
            "csp-insecure-scheme",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; report-uri http://reports.example.com/csp\r\n\r\n",
        );
    }

    #[test]
    fn quiet_on_https_sources() {
        quiet(
            "csp-insecure-scheme",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self' https://cdn.example.com wss://ws.example.com; img-src http:\r\n\r\n",
        );
    }
}
