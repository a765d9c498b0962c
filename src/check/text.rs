//! Labels in a text file: `[5.1.2e]` codes checked against the grounds table, and blacked-out
//! characters without any label.

use super::{IssueKind, RawIssue};
use crate::rules::grounds::GroundTable;
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// `[…]` with something code-like inside: a digit first, short.
static LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\s*(\d[^\[\]\n]{0,40})\]").expect("valid regex"));
pub use crate::rules::grounds::code_like;

/// Runs of block characters people use to black out text by hand.
static BLACKED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[█■▇▆]{2,}").expect("valid regex"));

/// Issues about labels in `text`, and the canonical codes of the valid labels.
pub fn labels(text: &str, grounds: &GroundTable) -> (Vec<RawIssue>, BTreeSet<String>) {
    let mut issues = Vec::new();
    let mut found = BTreeSet::new();
    for m in LABEL.captures_iter(text) {
        let inner = &m[1];
        for part in split_codes(inner) {
            match grounds.resolve(part) {
                Some(g) => {
                    found.insert(g.code.clone());
                }
                // Only code-shaped text is a label; "[3 bijlagen]" is not.
                None if code_like(part) => {
                    let line = crate::text::line_col(text, m.get(0).map_or(0, |x| x.start())).0;
                    issues.push(
                        RawIssue::new(
                            IssueKind::UnknownGround,
                            None,
                            format!("line {line}: label [{part}] is not a Woo ground in the grounds table"),
                        )
                        .with_key(format!("{part} line {line}")),
                    );
                }
                None => {}
            }
        }
    }
    for m in BLACKED.find_iter(text) {
        let line = crate::text::line_col(text, m.start()).0;
        issues.push(
            RawIssue::new(
                IssueKind::BoxWithoutLabel,
                None,
                format!("line {line}: blacked-out text without a Woo ground label"),
            )
            .with_key(format!("line {line}")),
        );
    }
    (issues, found)
}

/// The codes in one label: `5.1.2e`, or several separated by commas, semicolons or slashes.
pub fn split_codes(label: &str) -> impl Iterator<Item = &str> {
    label
        .split([',', ';', '/', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes() {
        let g = GroundTable::builtin();
        let (issues, found) = labels("Naam: [5.1.2e], BSN [5.1.1e]\nZie [5.1.9z] en [3 bijlagen] ██████", &g);
        assert_eq!(found.into_iter().collect::<Vec<_>>(), ["5.1.1e", "5.1.2e"]);
        let kinds: Vec<IssueKind> = issues.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [IssueKind::UnknownGround, IssueKind::BoxWithoutLabel]);
        assert!(issues[0].message.contains("[5.1.9z]") && issues[0].message.starts_with("line 2"));
    }
}
