//! `review --decide`: walks the findings a reviewer must decide on (the candidates, or every
//! finding), shows each in context with ground, rule, confidence and why, and asks accept /
//! reject / skip / quit. Answers are read line by line, so a script can drive it. The answers
//! become entries of the decisions file (see `triage`): a rejection a `[[keep]]` with the
//! reviewer's reason, an acceptance a `[[redact]]` by fingerprint with the finding's ground.
//! New entries are appended to the existing file text (comments and earlier entries stay), the
//! result is parsed again before it is written, and it is written atomically.
//! The file holds fingerprints and masked text only, never the found text in clear.

use crate::batch::Reviewed;
use crate::detect::{Disposition, Finding};
use crate::error::Error;
use crate::report::mask::{fingerprints, mask};
use crate::rules::Confidence;
use crate::rules::grounds::GroundTable;
use crate::triage::Decisions;
use std::io::{BufRead, Write};
use std::path::Path;

/// Which findings to walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Findings the detector left visible for lack of context.
    Candidates,
    /// Every finding, redacted or kept.
    All,
}

/// One answer that becomes an entry of the decisions file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewDecision {
    /// Do not redact this finding.
    Keep {
        /// Content fingerprint.
        fingerprint: String,
        /// The reviewer's reason.
        reason: String,
        /// For the comment above the entry: document, rule and masked text.
        note: String,
    },
    /// Redact this finding with this ground.
    Accept {
        /// Content fingerprint.
        fingerprint: String,
        /// Woo ground.
        ground: String,
        /// Why (generated: the reviewer confirmed it).
        reason: String,
        /// For the comment above the entry.
        note: String,
    },
}

/// What a walk produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// New entries, in the order decided.
    pub decisions: Vec<NewDecision>,
    /// Findings shown.
    pub shown: usize,
    /// Findings skipped.
    pub skipped: usize,
    /// The reviewer quit (or input ended) before the last finding.
    pub quit: bool,
}

/// Reads one trimmed line; None at end of input.
fn read_line(input: &mut dyn BufRead) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim().to_string()))
}

/// The finding's line with the span marked `»…«`, and the lines before and after it.
fn context(text: &str, f: &Finding) -> Vec<(usize, String)> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line = starts.partition_point(|&s| s <= f.start).saturating_sub(1);
    let end_of = |l: usize| starts.get(l + 1).map_or(text.len(), |&e| e - 1);
    let mut out = Vec::new();
    let last = (line + 1).min(starts.len() - 1);
    for (l, &a) in starts.iter().enumerate().take(last + 1).skip(line.saturating_sub(1)) {
        let b = end_of(l).max(a);
        if l != line && a == b {
            continue;
        }
        let s = if l == line && f.start >= a && f.end <= b {
            format!("{}»{}«{}", &text[a..f.start], &text[f.start..f.end], &text[f.end..b])
        } else if l == line {
            // A span across lines: mark where it starts.
            format!("{}»{}", &text[a..f.start], &text[f.start..b])
        } else {
            text[a..b].to_string()
        };
        out.push((l + 1, s));
    }
    out
}

fn conf(c: Confidence) -> &'static str {
    match c {
        Confidence::Candidate => "candidate",
        Confidence::Plausible => "plausible",
        Confidence::Confirmed => "confirmed",
    }
}

/// Asks about every wanted finding that has no decision yet. Manual redactions (rule
/// `handmatig`) are decisions already and are not asked about.
pub fn walk(
    docs: &[Reviewed],
    existing: Option<&Decisions>,
    which: Walk,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> std::io::Result<Outcome> {
    let mut todo: Vec<(&Reviewed, &Finding, String)> = Vec::new();
    for d in docs.iter().filter(|d| d.problem.is_none()) {
        for (f, fp) in d.findings.iter().zip(fingerprints(&d.rel, &d.text, &d.findings)) {
            let wanted = which == Walk::All || f.confidence == Confidence::Candidate;
            if wanted && &*f.rule != "handmatig" && !existing.is_some_and(|e| e.decided(&fp)) {
                todo.push((d, f, fp));
            }
        }
    }
    let mut res = Outcome::default();
    let total = todo.len();
    if total == 0 {
        writeln!(out, "nothing to decide")?;
    }
    'walk: for (i, (d, f, fp)) in todo.into_iter().enumerate() {
        res.shown += 1;
        writeln!(out, "== {} ({} of {total})", d.rel, i + 1)?;
        for (n, l) in context(&d.text, f) {
            writeln!(out, "{n:>5} | {l}")?;
        }
        let now = match &f.disposition {
            Disposition::Redact => format!("now redacted [{}]", f.ground),
            Disposition::Keep(r) => format!("now visible ({r})"),
        };
        writeln!(
            out,
            "      {now}; ground {}, rule {}, {}: {}",
            f.ground,
            f.rule,
            conf(f.confidence),
            f.explanation
        )?;
        let note = format!(
            "{}: {} {}",
            d.rel,
            f.rule,
            mask(d.text.get(f.start..f.end).unwrap_or(""))
        );
        loop {
            write!(out, "accept (redact) / reject (keep visible) / skip / quit [a/r/s/q]? ")?;
            out.flush()?;
            let Some(answer) = read_line(input)? else {
                writeln!(out)?;
                res.quit = true;
                break 'walk;
            };
            match answer.to_lowercase().as_str() {
                "a" | "accept" => {
                    let reason = if f.redacted() {
                        "redactie bevestigd door reviewer"
                    } else {
                        "kandidaat bevestigd door reviewer"
                    };
                    res.decisions.push(NewDecision::Accept {
                        fingerprint: fp.clone(),
                        ground: f.ground.to_string(),
                        reason: reason.into(),
                        note: note.clone(),
                    });
                    break;
                }
                "r" | "reject" => loop {
                    write!(out, "reason (required): ")?;
                    out.flush()?;
                    let Some(reason) = read_line(input)? else {
                        writeln!(out)?;
                        res.quit = true;
                        break 'walk;
                    };
                    if !reason.is_empty() {
                        res.decisions.push(NewDecision::Keep {
                            fingerprint: fp.clone(),
                            reason,
                            note: note.clone(),
                        });
                        break;
                    }
                    writeln!(out, "a reason is required to keep a finding visible")?;
                },
                "s" | "skip" => {
                    res.skipped += 1;
                    break;
                }
                "q" | "quit" => {
                    res.quit = true;
                    break 'walk;
                }
                _ => {
                    writeln!(out, "please answer a, r, s or q")?;
                    continue;
                }
            }
            break;
        }
    }
    Ok(res)
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Today's date (UTC) as YYYY-MM-DD, for the `date` of keep entries.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The decisions file text with the new entries appended to `existing` (kept as it was).
pub fn append(existing: &str, new: &[NewDecision]) -> String {
    let mut s = existing.to_string();
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    let date = today();
    for d in new {
        if !s.is_empty() {
            s.push('\n');
        }
        match d {
            NewDecision::Keep {
                fingerprint,
                reason,
                note,
            } => s.push_str(&format!(
                "# {}\n[[keep]]\nfingerprint = {}\nreason = {}\ndate = {}\n",
                note.replace('\n', " "),
                quoted(fingerprint),
                quoted(reason),
                quoted(&date)
            )),
            NewDecision::Accept {
                fingerprint,
                ground,
                reason,
                note,
            } => s.push_str(&format!(
                "# {}\n[[redact]]\nfingerprint = {}\nground = {}\nreason = {}\n",
                note.replace('\n', " "),
                quoted(fingerprint),
                quoted(ground),
                quoted(reason)
            )),
        }
    }
    s
}

/// Appends the new entries to the decisions file at `path` (created if missing), checks that
/// the result still loads, and writes it atomically.
pub fn save(path: &Path, new: &[NewDecision], grounds: &GroundTable) -> Result<(), Error> {
    let existing = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: e,
            });
        }
    };
    let text = append(&existing, new);
    Decisions::parse(&path.display().to_string(), &text, grounds)?;
    crate::batch::write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::DocKind;
    use crate::rules::Category;
    use std::sync::Arc;

    fn doc() -> Reviewed {
        let text = "Contactpersoon: J. Zwartendijk\nNummer 111222333 hier.\n".to_string();
        let f = |start, end, rule: &str, confidence, disposition| Finding {
            start,
            end,
            rule: Arc::from(rule),
            category: Category::Name,
            ground: Arc::from("5.1.2e"),
            confidence,
            explanation: Arc::from("test"),
            disposition,
        };
        Reviewed {
            rel: "memo.txt".into(),
            kind: DocKind::Text,
            findings: vec![
                f(16, 30, "naam-kopregel", Confidence::Confirmed, Disposition::Redact),
                f(
                    38,
                    47,
                    "bsn",
                    Confidence::Candidate,
                    Disposition::Keep("kandidaat".into()),
                ),
            ],
            text,
            places: vec![],
            page_starts: vec![],
            problem: None,
        }
    }

    #[test]
    fn walks_answers_and_insists_on_a_reason() {
        let docs = [doc()];
        let mut out = Vec::new();
        let mut input: &[u8] = b"x\nr\n\n  \nambtenaar in publieke rol\na\n";
        let res = walk(&docs, None, Walk::All, &mut input, &mut out).unwrap();
        let shown = String::from_utf8(out).unwrap();
        assert!(shown.contains("    1 | Contactpersoon: »J. Zwartendijk«"), "{shown}");
        assert!(shown.contains("please answer a, r, s or q"));
        assert_eq!(shown.matches("a reason is required").count(), 2);
        assert_eq!(res.decisions.len(), 2);
        assert!(matches!(&res.decisions[0], NewDecision::Keep { reason, .. } if reason == "ambtenaar in publieke rol"));
        assert!(
            matches!(&res.decisions[1], NewDecision::Accept { ground, note, .. } if ground == "5.1.2e" && note == "memo.txt: bsn *********")
        );
        assert!(!res.quit);
        // Candidates only: the redacted name is not asked about; end of input is a quit.
        let mut input: &[u8] = b"";
        let mut out = Vec::new();
        let res = walk(&docs, None, Walk::Candidates, &mut input, &mut out).unwrap();
        assert_eq!((res.shown, res.decisions.len(), res.quit), (1, 0, true));
    }

    #[test]
    fn appended_file_keeps_old_entries_and_loads() {
        let grounds = crate::rules::RuleSet::builtin().unwrap().grounds;
        let old = "# oud\n[[keep]]\nfingerprint = \"wr1:0000000000000000\"\nreason = \"eerder\"";
        let text = append(
            old,
            &[
                NewDecision::Keep {
                    fingerprint: "wr1:1".into(),
                    reason: "zegt \"ja\"\nen meer".into(),
                    note: "a.txt: naam J***".into(),
                },
                NewDecision::Accept {
                    fingerprint: "wr1:2".into(),
                    ground: "5.1.2e".into(),
                    reason: "kandidaat bevestigd door reviewer".into(),
                    note: "a.txt: bsn ***".into(),
                },
            ],
        );
        assert!(text.starts_with(old));
        assert!(text.contains("# a.txt: naam J***\n[[keep]]\nfingerprint = \"wr1:1\""));
        let d = Decisions::parse("t", &text, &grounds).unwrap();
        assert!(d.decided("wr1:0000000000000000") && d.decided("wr1:1") && d.decided("wr1:2"));
        assert!(!d.decided("wr1:3"));
        assert_eq!(today().len(), 10);
    }
}
