//! Baselines: findings a team has accepted, by fingerprint only. A baseline holds no clear
//! text (a hashed BSN is not anonymous, but a fingerprint also folds in the rule, the path and
//! the occurrence, and nothing else is stored).

use super::CheckReport;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The issue's fingerprint.
    pub fingerprint: String,
    /// The file it was in (for people reading the baseline).
    pub file: String,
    /// The rule or issue kind.
    pub rule: String,
}

/// A baseline file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version.
    pub version: u32,
    /// Accepted findings.
    pub accepted: Vec<Entry>,
    #[serde(skip)]
    index: BTreeSet<String>,
}

impl Baseline {
    /// Reads a baseline written by `--write-baseline`.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut b: Baseline =
            serde_json::from_str(&text).map_err(|e| format!("{} is not a baseline: {e}", path.display()))?;
        if b.version != 1 {
            return Err(format!(
                "{}: unsupported baseline version {}",
                path.display(),
                b.version
            ));
        }
        b.index = b.accepted.iter().map(|e| e.fingerprint.clone()).collect();
        Ok(b)
    }

    /// Every failing or warning issue of a report, as a baseline.
    pub fn from_report(report: &CheckReport) -> Baseline {
        let mut accepted: Vec<Entry> = report
            .documents
            .iter()
            .flat_map(|d| {
                d.issues
                    .iter()
                    .filter(|i| i.severity != super::Severity::Incomplete)
                    .map(|i| Entry {
                        fingerprint: i.fingerprint.clone(),
                        file: d.path.clone(),
                        rule: i.rule.clone(),
                    })
            })
            .collect();
        accepted.sort();
        accepted.dedup();
        Baseline {
            version: 1,
            index: accepted.iter().map(|e| e.fingerprint.clone()).collect(),
            accepted,
        }
    }

    /// Is this fingerprint accepted?
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.index.contains(fingerprint)
    }

    /// The file's text (pretty JSON, stable order).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}
