//! The reviewer's view in the terminal: per document, every line with a proposed redaction,
//! original and redacted, with a line of context, and under it each finding with ground, rule,
//! confidence and why; kept findings (public officials, functional mailboxes, candidates,
//! decisions) are shown distinctly. Clear text: this is for a reviewer at their own desk.

use crate::batch::Reviewed;
use crate::detect::{Disposition, Finding};
use crate::rules::Confidence;
use std::collections::BTreeMap;
use std::io::Write;

/// What to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// Every document with findings.
    All,
    /// Only findings that are candidates (not redacted without a decision).
    Candidates,
    /// Only documents that cannot be processed.
    NeedsReview,
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn is_candidate(f: &Finding) -> bool {
    f.confidence == Confidence::Candidate
}

/// Writes the review of a batch; returns the number of findings shown.
pub fn write(out: &mut dyn Write, docs: &[Reviewed], only: Only, color: bool) -> std::io::Result<usize> {
    let st = Style { on: color };
    let mut per_ground: BTreeMap<String, usize> = BTreeMap::new();
    let mut shown = 0;
    for d in docs {
        if let Some(p) = &d.problem {
            writeln!(out, "{} {}\n  {}\n", st.paint("1;33", "== needs review:"), d.rel, p)?;
            continue;
        }
        if only == Only::NeedsReview {
            continue;
        }
        let wanted: Vec<&Finding> = d
            .findings
            .iter()
            .filter(|f| only == Only::All || is_candidate(f))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let red = d.findings.iter().filter(|f| f.redacted()).count();
        writeln!(
            out,
            "{} {} ({} redactions, {} kept)",
            st.paint("1", "=="),
            d.rel,
            red,
            d.findings.len() - red
        )?;
        // Group findings by line.
        let mut by_line: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
        let starts: Vec<usize> = std::iter::once(0)
            .chain(d.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for f in &wanted {
            let line = starts.partition_point(|&s| s <= f.start) - 1;
            by_line.entry(line).or_default().push(f);
        }
        for (line, fs) in by_line {
            let (a, b) = (starts[line], starts.get(line + 1).map_or(d.text.len(), |e| e - 1));
            let text = &d.text[a..b.max(a)];
            let mut orig = String::new();
            let mut redacted = String::new();
            let mut pos = a;
            for f in &fs {
                if f.start < pos || f.end > b {
                    continue;
                }
                orig.push_str(&d.text[pos..f.start]);
                redacted.push_str(&d.text[pos..f.start]);
                let span = &d.text[f.start..f.end];
                if f.redacted() {
                    orig.push_str(&st.paint("1;31", span));
                    redacted.push_str(&st.paint("7", &format!("[{}]", f.ground)));
                } else {
                    orig.push_str(&st.paint("1;32", span));
                    redacted.push_str(&st.paint("1;32", span));
                }
                pos = f.end;
            }
            if pos <= b {
                orig.push_str(&d.text[pos..b.max(pos)]);
                redacted.push_str(&d.text[pos..b.max(pos)]);
            }
            if text.is_empty() {
                continue;
            }
            writeln!(out, "{:>5} - {orig}", line + 1)?;
            writeln!(out, "{:>5} + {redacted}", "")?;
            for f in fs {
                let what = match &f.disposition {
                    Disposition::Redact => st.paint("31", &format!("redact [{}]", f.ground)),
                    Disposition::Keep(r) => st.paint("32", &format!("keep ({r})")),
                };
                writeln!(
                    out,
                    "        {} {:?} {} {:?}: {}",
                    what,
                    &d.text[f.start..f.end],
                    f.rule,
                    f.confidence,
                    f.explanation
                )?;
                if f.redacted() {
                    *per_ground.entry(f.ground.to_string()).or_default() += 1;
                }
                shown += 1;
            }
        }
        writeln!(out)?;
    }
    let totals: Vec<String> = per_ground.iter().map(|(g, n)| format!("{g}: {n}")).collect();
    writeln!(
        out,
        "{} findings shown; redactions per ground: {}",
        shown,
        if totals.is_empty() {
            "none".into()
        } else {
            totals.join(", ")
        }
    )?;
    Ok(shown)
}
