//! Content-Security-Policy: the parser (CSP Level 3 §2.2 "Policies", §2.3 "Directives"),
//! the effective policy, and the evaluator behind the `csp-*` rules.

use crate::exchange::Response;
use crate::html::Document;

/// Whether a policy is enforced or only reported (CSP3 §2.2 "disposition").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Disposition {
    Enforce,
    Report,
}

/// Where a policy was delivered (CSP3 §2.2 "source").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicySource {
    Header,
    Meta,
}

/// One serialized policy as delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredPolicy {
    pub text: String,
    pub disposition: Disposition,
    pub source: PolicySource,
    /// The header name as sent (for evidence).
    pub header: String,
}

/// Every policy a response delivers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyList {
    pub policies: Vec<DeliveredPolicy>,
}

impl PolicyList {
    /// Collects the policies of a response's headers and of `<meta http-equiv>` in its body.
    pub fn from_response(response: &Response, html: Option<&Document>) -> Self {
        let mut policies = Vec::new();
        for h in response.headers.iter() {
            let disposition = if h.is("content-security-policy") {
                Disposition::Enforce
            } else if h.is("content-security-policy-report-only") {
                Disposition::Report
            } else {
                continue;
            };
            policies.push(DeliveredPolicy {
                text: h.value.clone(),
                disposition,
                source: PolicySource::Header,
                header: h.name.clone(),
            });
        }
        if let Some(doc) = html {
            for meta in doc.elements("meta") {
                let Some(equiv) = meta.attr("http-equiv") else {
                    continue;
                };
                if !equiv.trim().eq_ignore_ascii_case("content-security-policy") {
                    continue;
                }
                policies.push(DeliveredPolicy {
                    text: meta.attr("content").unwrap_or_default().to_string(),
                    disposition: Disposition::Enforce,
                    source: PolicySource::Meta,
                    header: "meta".to_string(),
                });
            }
        }
        PolicyList { policies }
    }

    /// The enforced policies.
    pub fn enforced(&self) -> impl Iterator<Item = &DeliveredPolicy> {
        self.policies
            .iter()
            .filter(|p| p.disposition == Disposition::Enforce)
    }
}
