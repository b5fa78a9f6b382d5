use crate::csp::evaluate::{render_into, Arg, CspFinding, Fix};
use crate::csp::parse::ListFlags;
use crate::csp::{DirectiveId, PolicyList};
use crate::report::{Finding, Severity};
use crate::rules::{Check, Context, Outcome};

use super::csp_missing_script_src::missing;

crate::declare_rule! {
    /// ## What it does
    /// Checks that the policy sets `frame-ancestors`, which decides who may embed the
    /// page in a frame, to something narrower than `*` or a bare scheme. It does not fall
    /// back to `default-src`, and a `<meta>` policy cannot carry it (CSP3 §3.3). Info
    /// when a valid `X-Frame-Options` already protects
    /// the response; `framing-unprotected` reports a page that has neither.
    ///
    /// (Not checked by Google CSP Evaluator.)
    ///
    /// ## Why is this bad?
    /// A page that any site can frame is open to clickjacking: the attacker overlays it
    /// with a decoy and the user's clicks land on the real buttons. `frame-ancestors`
    /// supersedes `X-Frame-Options` and can name the origins that may embed the page.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: default-src 'self'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: default-src 'self'; frame-ancestors 'self'
    /// ```
    ///
    /// ## References
    /// - [CSP3 §6.4.2: frame-ancestors](https://www.w3.org/TR/CSP3/#directive-frame-ancestors)
    /// - [OWASP: Clickjacking Defense](https://cheatsheetseries.owasp.org/cheatsheets/Clickjacking_Defense_Cheat_Sheet.html)
    pub static CSP_MISSING_FRAME_ANCESTORS = {
        id: "csp-missing-frame-ancestors",
        title: "Content-Security-Policy does not restrict framing (frame-ancestors)",
        severity: Low,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy={..., 'frame-ancestors': \"'self'\"})\n# (Talisman's frame_options='SAMEORIGIN' sets X-Frame-Options for old browsers)",
            policy: "[csp.directives]\nframe-ancestors = \"'self'\"",
            nginx: "add_header Content-Security-Policy \"...; frame-ancestors 'self'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    let list = ctx.csp();
    let mut found = Vec::new();
    let outcome = evaluate(list, &mut found);
    let xfo = ctx.headers().get("x-frame-options").is_some_and(|v| {
        let v = v.trim();
        v.eq_ignore_ascii_case("deny") || v.eq_ignore_ascii_case("sameorigin")
    });
    if xfo {
        for f in found.iter_mut().filter(|f| f.arg == Arg::None) {
            f.severity = Severity::Info;
            f.arg = Arg::Text("xfo");
        }
    }
    render_into(list, &found, &mut ctx.csp_fixes(), out);
    outcome
}

pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    super::by_disposition(list, out, |list, disposition, out| {
        let start = out.len();
        missing(
            list,
            disposition,
            out,
            DirectiveId::FrameAncestors,
            &CSP_MISSING_FRAME_ANCESTORS,
            detail,
            Fix::Append("frame-ancestors 'self'"),
        );
        if out.len() > start {
            return;
        }
        // Present, but `*` or a bare scheme lets any site frame the page: report it when no
        // policy of this disposition restricts framing.
        let mut permissive = None;
        for (i, p) in super::policies_of(list, disposition) {
            let Some(d) = p.get(DirectiveId::FrameAncestors) else {
                continue;
            };
            if !d.flags().has(ListFlags::WILDCARD | ListFlags::SCHEME) {
                return;
            }
            permissive.get_or_insert((i, d));
        }
        if let Some((i, d)) = permissive {
            out.push(
                CspFinding::new(&CSP_MISSING_FRAME_ANCESTORS, detail)
                    .at(i, &d)
                    .arg(Arg::Text(PERMISSIVE))
                    .fix(Fix::Text(
                        "Set frame-ancestors 'self' (or list the origins that may embed the page).",
                    )),
            );
        }
    })
}

const PERMISSIVE: &str = "permissive";

fn detail(f: &CspFinding, list: &PolicyList) -> String {
    if f.arg == Arg::Text(PERMISSIVE) {
        let text = f
            .policy_of(list)
            .and_then(|p| p.get(DirectiveId::FrameAncestors))
            .map(|d| d.policy.str(d.directive().token).to_string())
            .unwrap_or_default();
        return format!("`{text}` lets any site frame the page, so it does not protect against clickjacking; use frame-ancestors 'self'.");
    }
    let meta = list
        .policies
        .iter()
        .any(|p| p.source == crate::csp::PolicySource::Meta);
    let mut s = String::from(
        "The policy has no frame-ancestors, so it does not say who may frame the page",
    );
    if meta {
        s.push_str(" (a <meta> policy cannot carry frame-ancestors; send it in a header)");
    }
    if f.arg == Arg::Text("xfo") {
        s.push_str(
            "; X-Frame-Options protects it for now, frame-ancestors is its modern replacement.",
        );
    } else {
        s.push_str(
            ": any site can embed it for clickjacking. Add frame-ancestors 'self' (or 'none').",
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_frame_ancestors() {
        let r = fires(
            "csp-missing-frame-ancestors",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "csp-missing-frame-ancestors")
            .unwrap();
        assert_eq!(f.severity, Severity::Low);
        let r = fires(
            "csp-missing-frame-ancestors",
            "HTTP/1.1 200 OK\r\nX-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'self'\r\n\r\n",
        );
        let f = r.exchanges[0]
            .findings
            .iter()
            .find(|f| f.rule == "csp-missing-frame-ancestors")
            .unwrap();
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn fires_when_only_a_meta_policy_has_it() {
        fires(
            "csp-missing-frame-ancestors",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; frame-ancestors 'none'\"></head>",
        );
    }

    #[test]
    fn fires_on_a_wildcard_frame_ancestors() {
        fires(
            "csp-missing-frame-ancestors",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; frame-ancestors https: *\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_frame_ancestors() {
        quiet(
            "csp-missing-frame-ancestors",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n\r\n",
        );
    }
}
