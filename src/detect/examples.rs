//! Runs the examples every rule carries (`examples.match` / `examples.no-match`), as
//! gitleaks does: a rule whose examples fail is a broken rule.

use super::Detector;
use crate::text::TextLayer;

/// One failed example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// Rule id.
    pub rule: String,
    /// The example text.
    pub example: String,
    /// What went wrong.
    pub problem: String,
}

/// Runs all examples of all rules; returns the failures (empty: all pass) and the count run.
pub fn run_examples(det: &Detector) -> (Vec<ExampleFailure>, usize) {
    let mut fails = Vec::new();
    let mut n = 0;
    for rule in &det.rules().rules {
        for ex in &rule.examples_match {
            n += 1;
            let (text, want) = match ex.split_once(" => ") {
                Some((t, w)) => (t, Some(w)),
                None => (ex.as_str(), None),
            };
            let scan = det.scan(&TextLayer::plain(text.to_string()));
            let got: Vec<&str> = scan
                .findings
                .iter()
                .filter(|f| f.redacted() && *f.rule == *rule.id)
                .map(|f| &text[f.start..f.end])
                .collect();
            let ok = match want {
                Some(w) => got.contains(&w),
                None => !got.is_empty(),
            };
            if !ok {
                fails.push(ExampleFailure {
                    rule: rule.id.clone(),
                    example: ex.clone(),
                    problem: format!("must be redacted by this rule; redacted by it: {got:?}"),
                });
            }
        }
        for ex in &rule.examples_no_match {
            n += 1;
            let scan = det.scan(&TextLayer::plain(ex.clone()));
            let got: Vec<&str> = scan
                .findings
                .iter()
                .filter(|f| f.redacted() && *f.rule == *rule.id)
                .map(|f| &ex[f.start..f.end])
                .collect();
            if !got.is_empty() {
                fails.push(ExampleFailure {
                    rule: rule.id.clone(),
                    example: ex.clone(),
                    problem: format!("must not be redacted, but was: {got:?}"),
                });
            }
        }
    }
    (fails, n)
}
