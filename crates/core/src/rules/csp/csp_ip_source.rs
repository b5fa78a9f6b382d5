use crate::csp::evaluate::CspFinding;
use crate::csp::parse::Facts;
use crate::csp::source::lexical_host;
use crate::csp::PolicyList;
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Reports sources whose host is an IP address (`10.0.0.5`, `127.0.0.1:*`,
    /// `[::1]`).
    ///
    /// (Google CSP Evaluator: `IP_SOURCE`.)
    ///
    /// ## Why is this bad?
    /// Browsers only match IP sources for `127.0.0.1` (CSP3 §2.3.1), and IPv6 literals are
    /// not valid sources at all, so these entries do nothing — except the localhost one,
    /// which is usually a development leftover that lets anything listening on the
    /// user's machine serve script.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'self' 127.0.0.1:*; img-src 10.0.0.5
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'self'; img-src https://images.example.com
    /// ```
    ///
    /// ## References
    /// - [CSP3 §2.3.1: Source lists](https://www.w3.org/TR/CSP3/#framework-directive-source-list)
    /// - [Google CSP Evaluator](https://csp-evaluator.withgoogle.com/)
    pub static CSP_IP_SOURCE = {
        id: "csp-ip-source",
        title: "Content-Security-Policy lists an IP address",
        severity: Info,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "# use host names in Talisman's policy, and keep dev-only sources out of production config\nif app.debug: csp['script-src'].append('127.0.0.1:*')",
            policy: "[csp.directives]\nimg-src = \"'self' https://images.example.com\"",
            nginx: "add_header Content-Security-Policy \"img-src 'self' https://images.example.com\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkIpSource` (every directive, lexical host).
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::every_policy(list, out, |pi, policy, out| {
        // At most MAX_FINDINGS_PER_RULE per policy; the rest are summed up.
        let mut out = super::Capped::new(out);
        if !policy.facts.has(Facts::IP) {
            return;
        }
        for d in policy.active_directives() {
            if !d.directive().facts.has(Facts::IP) {
                continue;
            }
            for v in d.values() {
                // The parser marks tokens whose lexical host looks like an IP.
                if !v.value().duplicate && v.value().facts.has(Facts::IP) {
                    out.push(
                        CspFinding::new(&CSP_IP_SOURCE, detail)
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
    let text = f.source_text(list).unwrap_or_default();
    let host = lexical_host(text);
    if host == "127.0.0.1" {
        format!("`{text}` in `{name}` allows localhost: anything listening on the visitor's machine can serve content. Remove it in production.")
    } else {
        format!("`{text}` in `{name}` names the IP address {host}; browsers ignore IP sources (except 127.0.0.1), so it allows nothing. Use a host name.")
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_on_ip_sources() {
        fires(
            "csp-ip-source",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; connect-src http://127.0.0.1:8080\r\n\r\n",
        );
    }

    #[test]
    fn quiet_on_host_names() {
        quiet(
            "csp-ip-source",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self' localhost cdn1.example.com\r\n\r\n",
        );
    }
}
