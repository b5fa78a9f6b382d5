//! Scoring, in one place: start at 100, subtract a weight per finding by severity; a
//! critical or high finding caps the grade; A+ needs an A with nothing above info and a
//! strict script policy. The weights are part of the policy (`[scoring]`).

use serde::{Deserialize, Serialize};

use crate::report::{Finding, Grade, Severity};

/// Points subtracted per finding, and the grade caps, by severity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    pub critical: u8,
    pub high: u8,
    pub medium: u8,
    pub low: u8,
    pub info: u8,
    /// Best grade possible with a critical finding.
    pub critical_cap: Grade,
    /// Best grade possible with a high finding.
    pub high_cap: Grade,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            critical: 40,
            high: 20,
            medium: 10,
            low: 5,
            info: 0,
            critical_cap: Grade::F,
            high_cap: Grade::C,
        }
    }
}

impl Weights {
    pub fn weight(&self, severity: Severity) -> u8 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    /// The score (0–100) and grade for a set of findings. `strict_script_policy` says
    /// whether the enforced CSP's script-src is nonce- or hash-based with
    /// `'strict-dynamic'` (or otherwise free of effective `'unsafe-inline'` and host
    /// allowlists), which A+ requires.
    pub fn grade(&self, findings: &[Finding], strict_script_policy: bool) -> (u8, Grade) {
        let lost: u32 = findings
            .iter()
            .map(|f| u32::from(self.weight(f.severity)))
            .sum();
        let score = 100u32.saturating_sub(lost) as u8;
        let mut grade = match score {
            90.. => Grade::A,
            80..=89 => Grade::B,
            70..=79 => Grade::C,
            60..=69 => Grade::D,
            _ => Grade::F,
        };
        let worst = findings.iter().map(|f| f.severity).max();
        match worst {
            Some(Severity::Critical) => grade = grade.min(self.critical_cap),
            Some(Severity::High) => grade = grade.min(self.high_cap),
            _ => {}
        }
        if grade == Grade::A && worst.is_none_or(|s| s == Severity::Info) && strict_script_policy {
            grade = Grade::APlus;
        }
        (score, grade)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::transport::HSTS_MISSING;

    #[test]
    fn no_findings_with_a_strict_policy_is_a_plus() {
        assert_eq!(Weights::default().grade(&[], true), (100, Grade::APlus));
        assert_eq!(Weights::default().grade(&[], false), (100, Grade::A));
    }

    #[test]
    fn a_high_finding_caps_the_grade() {
        let f = Finding::new(&HSTS_MISSING, "x");
        assert_eq!(Weights::default().grade(&[f], true), (80, Grade::C));
    }

    #[test]
    fn score_never_goes_below_zero() {
        let f = Finding::new(&HSTS_MISSING, "x").severity(Severity::Critical);
        let many = vec![f; 10];
        assert_eq!(Weights::default().grade(&many, false), (0, Grade::F));
    }
}
