//! Output formats of the gate: human, JSON, SARIF 2.1.0, JUnit XML, GitHub annotations. None
//! of them carries personal data in clear: human and JSON show masked text, the CI formats
//! (SARIF, JUnit, GitHub) only messages and fingerprints. The clear text appears only in a local human run with
//! `--show-values`.

use super::{CheckReport, Issue, IssueKind, Severity};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Which format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Lines for people, with a summary.
    Human,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, GitLab, Azure).
    Sarif,
    /// JUnit XML, one test case per document.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…`), then a summary line.
    Github,
}

impl Format {
    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "human" => Format::Human,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "github" => Format::Github,
            _ => return None,
        })
    }
}

/// Renders a report in a format. `show_values` (human only) prints the found text in clear.
pub fn render(report: &CheckReport, format: Format, show_values: bool) -> String {
    match format {
        Format::Human => human(report, show_values),
        Format::Json => json_report(report),
        Format::Sarif => sarif(report),
        Format::Junit => junit(report),
        Format::Github => github(report),
    }
}

fn severity_word(i: &Issue) -> &'static str {
    if i.baselined {
        return "baseline";
    }
    match i.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Incomplete => "needs-review",
    }
}

fn location(report: &CheckReport, path: &str, i: &Issue) -> String {
    let p = report.display_path(path);
    match (i.line, i.column) {
        (Some(l), Some(c)) => format!("{p}:{l}:{c}"),
        (Some(l), None) => format!("{p}:{l}"),
        _ => p,
    }
}

/// The one-line verdict every format ends with (CI logs show it even when annotations are
/// folded away).
pub fn summary_line(report: &CheckReport) -> String {
    let c = report.counts();
    let verdict = match report.exit_code() {
        0 => "PASS",
        1 => "FAIL",
        _ => "INCOMPLETE",
    };
    format!(
        "woo-redact check: {verdict}: {} documents, {} failing, {} need review; {} errors, {} warnings, {} accepted by the baseline",
        c.documents, c.failing, c.needs_review, c.errors, c.warnings, c.baselined
    )
}

fn human(report: &CheckReport, show_values: bool) -> String {
    let mut out = String::new();
    for d in &report.documents {
        for i in &d.issues {
            let value = if show_values {
                i.clear.as_ref()
            } else {
                i.masked.as_ref()
            };
            let _ = write!(
                out,
                "{}: {} [{}] {}",
                location(report, &d.path, i),
                severity_word(i),
                i.kind.id(),
                i.message
            );
            if let Some(v) = value {
                let _ = write!(out, ": \u{ab}{v}\u{bb}");
            }
            out.push('\n');
        }
    }
    for s in &report.stale_decisions {
        let _ = writeln!(out, "decisions: stale entry (matches nothing): {s}");
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

fn issue_json(i: &Issue) -> Value {
    let mut v = serde_json::to_value(i).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("kind".into(), json!(i.kind.id()));
    }
    v
}

fn json_report(report: &CheckReport) -> String {
    let c = report.counts();
    let docs: Vec<Value> = report
        .documents
        .iter()
        .map(|d| {
            json!({
                "path": d.path,
                "status": d.status(),
                "issues": d.issues.iter().map(issue_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let v = json!({
        "version": 1,
        "tool": {"name": "woo-redact", "version": env!("CARGO_PKG_VERSION")},
        "root": report.root,
        "exit_code": report.exit_code(),
        "summary": c,
        "documents": docs,
        "stale_decisions": report.stale_decisions,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

fn sarif(report: &CheckReport) -> String {
    let rules: Vec<Value> = IssueKind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.id(),
                "name": k.id(),
                "shortDescription": {"text": k.description()},
                "defaultConfiguration": {"level": "error"},
            })
        })
        .collect();
    let mut results = Vec::new();
    for d in &report.documents {
        for i in &d.issues {
            let rule_index = IssueKind::ALL.iter().position(|k| *k == i.kind).unwrap_or(0);
            let mut region = json!({"startLine": i.line.unwrap_or(1)});
            if let Some(c) = i.column {
                region["startColumn"] = json!(c);
            }
            let mut props = json!({"detectionRule": i.rule});
            if let Some(p) = i.page {
                props["page"] = json!(p);
            }
            if let Some(g) = &i.ground {
                props["ground"] = json!(g);
            }
            let mut r = json!({
                "ruleId": i.kind.id(),
                "ruleIndex": rule_index,
                "level": if i.severity == Severity::Warning { "warning" } else { "error" },
                "message": {"text": i.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": report.display_path(&d.path), "uriBaseId": "%SRCROOT%"},
                        "region": region,
                    }
                }],
                "partialFingerprints": {"wooRedact/v1": i.fingerprint},
                "properties": props,
            });
            if i.baselined {
                r["suppressions"] = json!([{"kind": "external", "justification": "accepted in the baseline"}]);
            }
            results.push(r);
        }
    }
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "woo-redact",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// XML text and attribute escaping: the HTML escaper's output is valid XML too.
fn xml_escape(s: &str) -> String {
    crate::report::html::escape(s)
}

fn junit(report: &CheckReport) -> String {
    let c = report.counts();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"woo-redact check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        c.documents, c.failing, c.needs_review
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"woo-redact check {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">",
        xml_escape(&report.root),
        c.documents,
        c.failing,
        c.needs_review
    );
    for d in &report.documents {
        let path = report.display_path(&d.path);
        let _ = write!(
            out,
            "    <testcase classname=\"woo-redact.check\" name=\"{}\" file=\"{}\"",
            xml_escape(&d.path),
            xml_escape(&path)
        );
        let status = d.status();
        if status == "pass" {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let (tag, wanted): (&str, fn(&Issue) -> bool) = if status == "needs-review" {
            ("error", |i| i.severity == Severity::Incomplete)
        } else {
            ("failure", Issue::fails)
        };
        let issues: Vec<&Issue> = d.issues.iter().filter(|i| wanted(i)).collect();
        let body: Vec<String> = issues
            .iter()
            .map(|i| {
                let at = match (i.page, i.line) {
                    (Some(p), _) => format!("page {p}: "),
                    (None, Some(l)) => format!("line {l}: "),
                    _ => String::new(),
                };
                // A CI format: messages only, not even masked values (CI logs are widely read).
                format!("[{}] {at}{}", i.kind.id(), i.message.trim_start_matches(&at))
            })
            .collect();
        let first = issues.first().map(|i| i.kind.id()).unwrap_or("issue");
        let _ = writeln!(
            out,
            "      <{tag} message=\"{} issue(s)\" type=\"{first}\">{}</{tag}>",
            issues.len(),
            xml_escape(&body.join("\n"))
        );
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escapes workflow-command data (`%`, CR, LF).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow-command property value (also `:` and `,`).
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(report: &CheckReport) -> String {
    let mut out = String::new();
    for d in &report.documents {
        for i in d.issues.iter().filter(|i| !i.baselined) {
            let level = if i.severity == Severity::Warning {
                "warning"
            } else {
                "error"
            };
            let mut props = format!("file={}", gh_prop(&report.display_path(&d.path)));
            if let Some(l) = i.line {
                let _ = write!(props, ",line={l}");
            }
            if let Some(c) = i.column {
                let _ = write!(props, ",col={c}");
            }
            let _ = write!(props, ",title={}", gh_prop(&format!("woo-redact {}", i.kind.id())));
            let _ = writeln!(out, "::{level} {props}::{}", gh_data(&i.message));
        }
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}
