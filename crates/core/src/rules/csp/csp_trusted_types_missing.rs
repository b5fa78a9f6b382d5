use crate::csp::evaluate::{CspFinding, Fix};
use crate::csp::{DirectiveId, Disposition, PolicyList};
use crate::report::Finding;
use crate::rules::{Check, Context, Outcome};

crate::declare_rule! {
    /// ## What it does
    /// Checks whether the policy requires Trusted Types for scripts
    /// (`require-trusted-types-for 'script'`). Report-only policies are not checked.
    ///
    /// (Google CSP Evaluator, strict-CSP checks: `REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS`.)
    ///
    /// ## Why is this bad?
    /// A nonce-based CSP stops injected markup, but not DOM XSS: page code that writes
    /// attacker-controlled strings into `innerHTML`, `eval` or `script.src`. Trusted Types
    /// make those sinks refuse plain strings. It is a hardening step, best rolled out in
    /// report-only mode first.
    ///
    /// ## Example
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'
    /// ```
    ///
    /// ## Use instead
    /// ```http
    /// Content-Security-Policy: script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; require-trusted-types-for 'script'
    /// ```
    ///
    /// ## References
    /// - [W3C Trusted Types](https://www.w3.org/TR/trusted-types/)
    /// - [web.dev: Trusted Types](https://web.dev/articles/trusted-types)
    pub static CSP_TRUSTED_TYPES_MISSING = {
        id: "csp-trusted-types-missing",
        title: "Content-Security-Policy does not require Trusted Types",
        severity: Info,
        family: Csp,
        since: "0.1.0",
        check: Check::Exchange(check),
        fixes: {
            flask: "Talisman(app, content_security_policy={..., 'require-trusted-types-for': \"'script'\"})",
            policy: "[csp.directives]\nrequire-trusted-types-for = \"'script'\"",
            nginx: "add_header Content-Security-Policy \"...; require-trusted-types-for 'script'\" always;",
        },
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Outcome {
    super::check_exchange(ctx, evaluate, out)
}

/// Google CSP Evaluator `checkRequiresTrustedTypesForScripts`, over the enforced list.
pub(crate) fn evaluate(list: &PolicyList, out: &mut Vec<CspFinding>) -> Outcome {
    let mut first = None;
    for (i, p) in super::policies_of(list, Disposition::Enforce) {
        let requires = p.get(DirectiveId::RequireTrustedTypesFor).is_some_and(|d| {
            d.values()
                .any(|v| v.text().eq_ignore_ascii_case("'script'"))
        });
        if requires {
            return Outcome::Checked;
        }
        first.get_or_insert(i);
    }
    let Some(i) = first else {
        return Outcome::NotApplicable;
    };
    out.push(
        CspFinding::new(&CSP_TRUSTED_TYPES_MISSING, detail)
            .policy(i)
            .known_directive(DirectiveId::RequireTrustedTypesFor)
            .fix(Fix::Append("require-trusted-types-for 'script'")),
    );
    Outcome::Checked
}

fn detail(_: &CspFinding, _: &PolicyList) -> String {
    "The policy does not require Trusted Types: DOM sinks such as innerHTML and eval still accept plain strings. Consider require-trusted-types-for 'script' (roll it out report-only first).".to_string()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, quiet};

    #[test]
    fn fires_without_require_trusted_types_for() {
        fires(
            "csp-trusted-types-missing",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'\r\n\r\n",
        );
    }

    #[test]
    fn quiet_with_it() {
        quiet(
            "csp-trusted-types-missing",
            "HTTP/1.1 200 OK\r\nContent-Security-Policy: default-src 'self'; require-trusted-types-for 'script'\r\n\r\n",
        );
    }
}
