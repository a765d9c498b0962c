//! The engine corpus as data: `fixtures/cases/*.toml`, each case a text with what must be
//! redacted and what must stay. Adding a case needs no Rust.

use crate::util::root;
use serde::Deserialize;
use woo_redact::detect::Detector;
use woo_redact::people;
use woo_redact::redact::text::apply;
use woo_redact::rules::RuleSet;
use woo_redact::text::TextLayer;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    staff: Vec<String>,
    #[serde(default)]
    officials: Vec<String>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    text: String,
    #[serde(default)]
    redact: Vec<String>,
    #[serde(default)]
    keep: Vec<String>,
    /// Exact expected output, when given.
    output: Option<String>,
}

#[test]
fn engine_cases() {
    let mut failures = Vec::new();
    let mut n = 0;
    let mut files: Vec<_> = std::fs::read_dir(root().join("fixtures/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let file: File = toml::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rules = RuleSet::builtin().unwrap();
        let staff = people::parse_list(&file.staff.join("\n"), &rules.lists).unwrap();
        let officials = people::parse_list(&file.officials.join("\n"), &rules.lists).unwrap();
        let det = Detector::new(rules, staff, officials);
        for c in &file.case {
            n += 1;
            let layer = TextLayer::plain(c.text.clone());
            let out = apply(&layer.text, &det.scan(&layer).findings);
            let mut problems = Vec::new();
            for r in &c.redact {
                assert!(c.text.contains(r.as_str()), "{}: redact item {r:?} not in text", c.name);
                if out.contains(r.as_str()) {
                    problems.push(format!("still visible: {r:?}"));
                }
            }
            for k in &c.keep {
                assert!(c.text.contains(k.as_str()), "{}: keep item {k:?} not in text", c.name);
                if !out.contains(k.as_str()) {
                    problems.push(format!("lost: {k:?}"));
                }
            }
            if let Some(o) = &c.output
                && o != &out
            {
                problems.push(format!("output {out:?}, expected {o:?}"));
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{} / {}: {}\n    -> {out}",
                    path.file_name().unwrap().to_string_lossy(),
                    c.name,
                    problems.join("; ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
