//! The reviewer's view in the terminal: per document, every line with a proposed redaction,
//! original and redacted, in hunks with a few lines of context (`@@ line a-b @@`, merged where
//! they touch, as in a unified diff), and under it each finding with ground, rule,
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

/// Lines of context shown before and after each line with a finding.
const CONTEXT: usize = 2;

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
        // A context line is shown as it will be published: a finding not shown in full
        // (with --only candidates) is already replaced by its label there.
        let line_text = |l: usize| {
            let (a, b) = (starts[l], starts.get(l + 1).map_or(d.text.len(), |e| e - 1));
            let b = b.max(a);
            let mut s = String::new();
            let mut pos = a;
            for f in d.findings.iter().filter(|f| f.redacted() && f.start < b && f.end > a) {
                // A span from the line before continues here: its rest is hidden too.
                s.push_str(d.text.get(pos..f.start.max(pos)).unwrap_or(""));
                s.push_str(&crate::redact::text::label(&f.ground));
                pos = f.end.min(b);
            }
            s.push_str(d.text.get(pos..b).unwrap_or(""));
            s
        };
        // Hunks as in a unified diff: CONTEXT lines around each finding line, merged where
        // they touch.
        let mut hunks: Vec<(usize, usize)> = Vec::new();
        // The empty "line" after a final newline is not a line.
        let last = starts.len() - 1 - usize::from(starts.len() > 1 && d.text.ends_with('\n'));
        for &l in by_line.keys() {
            let (a, b) = (l.saturating_sub(CONTEXT), (l + CONTEXT).min(last).max(l));
            match hunks.last_mut() {
                Some(h) if a <= h.1 + 1 => h.1 = b,
                _ => hunks.push((a, b)),
            }
        }
        let mut hunk = 0;
        // Next context line to print, and the last line of the open hunk.
        let mut next_context = 0;
        let mut hunk_end: Option<usize> = None;
        for (line, fs) in by_line {
            if hunk < hunks.len() && hunks[hunk].0 <= line {
                if let Some(e) = hunk_end {
                    for l in next_context..=e {
                        writeln!(out, "{:>5}   {}", l + 1, line_text(l))?;
                    }
                }
                let (a, b) = hunks[hunk];
                writeln!(out, "{}", st.paint("36", &format!("@@ line {}-{} @@", a + 1, b + 1)))?;
                next_context = a;
                hunk_end = Some(b);
                hunk += 1;
            }
            for l in next_context..line {
                writeln!(out, "{:>5}   {}", l + 1, line_text(l))?;
            }
            next_context = line + 1;
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
        if let Some(e) = hunk_end {
            for l in next_context..=e {
                writeln!(out, "{:>5}   {}", l + 1, line_text(l))?;
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
