//! Reviewer decisions (`woo-redact.decisions.toml`): keep a finding the detector proposed
//! (matched by its content fingerprint, never by line number), or redact something the
//! detector does not find (literal text or a pattern, with the ground it is withheld on; this is
//! how grounds that are never detected automatically, such as 5.1.2i or 5.2, get applied).
//! Entries that match nothing in a run are reported as stale.

use crate::detect::{Disposition, Finding};
use crate::error::{ConfigError, Error};
use crate::report::mask::fingerprints;
use crate::rules::grounds::GroundTable;
use crate::rules::{Category, Confidence};
use crate::text::fold::fold_str;
use regex::Regex;
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    keep: Vec<KeepDef>,
    #[serde(default)]
    redact: Vec<RedactDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeepDef {
    fingerprint: String,
    reason: String,
    #[serde(default)]
    by: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedactDef {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    /// One finding the detector proposed but did not redact (a candidate), by fingerprint.
    #[serde(default)]
    fingerprint: Option<String>,
    ground: String,
    reason: String,
    /// Only in these documents (relative paths); all documents when empty.
    #[serde(default)]
    documents: Vec<String>,
}

/// One manual redaction.
#[derive(Debug)]
struct Manual {
    pattern: Regex,
    ground: Arc<str>,
    reason: Arc<str>,
    documents: Vec<String>,
    used: AtomicBool,
    label: String,
}

/// One kept finding.
#[derive(Debug)]
struct Keep {
    fingerprint: String,
    reason: String,
    used: AtomicBool,
}

/// One finding a reviewer accepted for redaction (a candidate the detector left visible).
#[derive(Debug)]
struct Accept {
    fingerprint: String,
    ground: Arc<str>,
    reason: String,
    used: AtomicBool,
}

/// The reviewer's decisions, shared by all workers of a batch.
#[derive(Debug, Default)]
pub struct Decisions {
    keep: Vec<Keep>,
    accept: Vec<Accept>,
    manual: Vec<Manual>,
}

impl Decisions {
    /// Reads a decisions file; all errors at once, with lines.
    pub fn load(path: &Path, grounds: &GroundTable) -> Result<Decisions, Error> {
        let name = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(vec![ConfigError {
                file: name.clone(),
                line: None,
                message: format!("cannot read: {e}"),
            }])
        })?;
        Self::parse(&name, &src, grounds)
    }

    /// Parses decisions text (see [`load`](Self::load)).
    pub fn parse(name: &str, src: &str, grounds: &GroundTable) -> Result<Decisions, Error> {
        let f: File = toml::from_str(src).map_err(|e| {
            Error::Config(vec![ConfigError::at(
                name,
                src,
                e.span().map(|s| s.start),
                e.message().trim().to_string(),
            )])
        })?;
        let mut errors = Vec::new();
        let err = |errors: &mut Vec<ConfigError>, m: String| {
            errors.push(ConfigError {
                file: name.into(),
                line: None,
                message: m,
            })
        };
        let mut d = Decisions::default();
        for k in f.keep {
            if k.reason.trim().is_empty() {
                err(&mut errors, format!("keep {}: a reason is required", k.fingerprint));
            }
            let _ = (&k.by, &k.date);
            d.keep.push(Keep {
                fingerprint: k.fingerprint,
                reason: k.reason,
                used: AtomicBool::new(false),
            });
        }
        for r in f.redact {
            let Some(ground) = grounds.resolve(&r.ground) else {
                err(&mut errors, format!("redact: unknown Woo ground `{}`", r.ground));
                continue;
            };
            if r.reason.trim().is_empty() {
                err(&mut errors, "redact: a reason is required".into());
            }
            let (pattern, label) = match (&r.text, &r.regex, &r.fingerprint) {
                (Some(t), None, None) => (Regex::new(&format!("(?i){}", regex::escape(t))), t.clone()),
                (None, Some(rx), None) => (Regex::new(rx), rx.clone()),
                (None, None, Some(fp)) => {
                    d.accept.push(Accept {
                        fingerprint: fp.clone(),
                        ground: Arc::from(ground.code.as_str()),
                        reason: r.reason,
                        used: AtomicBool::new(false),
                    });
                    continue;
                }
                _ => {
                    err(
                        &mut errors,
                        "redact: give exactly one of `text`, `regex` or `fingerprint`".into(),
                    );
                    continue;
                }
            };
            match pattern {
                Ok(pattern) => d.manual.push(Manual {
                    pattern,
                    ground: Arc::from(ground.code.as_str()),
                    reason: Arc::from(format!("handmatig besluit: {}", r.reason)),
                    documents: r.documents,
                    used: AtomicBool::new(false),
                    label,
                }),
                Err(e) => err(&mut errors, format!("redact: invalid regex: {e}")),
            }
        }
        if errors.is_empty() {
            Ok(d)
        } else {
            Err(Error::Config(errors))
        }
    }

    /// True when there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.keep.is_empty() && self.accept.is_empty() && self.manual.is_empty()
    }

    /// Is there a keep or accept entry for this fingerprint (the reviewer already decided)?
    pub fn decided(&self, fingerprint: &str) -> bool {
        self.keep.iter().any(|k| k.fingerprint == fingerprint)
            || self.accept.iter().any(|a| a.fingerprint == fingerprint)
    }

    /// Applies the decisions to one document's findings (sorted, as the detector returns
    /// them): kept findings change disposition, manual redactions are added. Returns the
    /// folded texts kept by decision (verification must not count them).
    pub fn apply(&self, rel: &str, text: &str, findings: &mut Vec<Finding>) -> Vec<String> {
        let mut kept_texts = Vec::new();
        if !self.keep.is_empty() || !self.accept.is_empty() {
            let fps = fingerprints(rel, text, findings);
            for (k, fp) in fps.iter().enumerate() {
                if let Some(keep) = self.keep.iter().find(|e| &e.fingerprint == fp) {
                    keep.used.store(true, Ordering::Relaxed);
                    let f = &mut findings[k];
                    if f.redacted() {
                        kept_texts.push(fold_str(text.get(f.start..f.end).unwrap_or("")));
                    }
                    f.disposition = Disposition::Keep(format!("besluit reviewer: {}", keep.reason));
                } else if let Some(acc) = self.accept.iter().find(|e| &e.fingerprint == fp) {
                    acc.used.store(true, Ordering::Relaxed);
                    let (start, end) = (findings[k].start, findings[k].end);
                    // Redactions never overlap; a redaction already covering part of this
                    // span wins (the reviewer sees the result in the next review).
                    let overlaps = findings
                        .iter()
                        .enumerate()
                        .any(|(j, g)| j != k && g.redacted() && g.start < end && start < g.end);
                    let f = &mut findings[k];
                    if !f.redacted() && !overlaps {
                        f.disposition = Disposition::Redact;
                        f.ground = acc.ground.clone();
                        f.explanation = Arc::from(format!("{}; besluit reviewer: {}", f.explanation, acc.reason));
                    }
                }
            }
        }
        let mut added = Vec::new();
        for m in self
            .manual
            .iter()
            .filter(|m| m.documents.is_empty() || m.documents.iter().any(|d| d == rel))
        {
            for hit in m.pattern.find_iter(text) {
                if hit.is_empty() {
                    continue;
                }
                m.used.store(true, Ordering::Relaxed);
                added.push(Finding {
                    start: hit.start(),
                    end: hit.end(),
                    rule: Arc::from("handmatig"),
                    category: Category::Other,
                    ground: m.ground.clone(),
                    confidence: Confidence::Confirmed,
                    explanation: m.reason.clone(),
                    disposition: Disposition::Redact,
                });
            }
        }
        if !added.is_empty() {
            // Manual redactions win where they overlap a finding.
            findings.retain(|f| !added.iter().any(|a| a.start < f.end && f.start < a.end));
            findings.extend(added);
            findings.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
        }
        kept_texts
    }

    /// Entries that matched nothing in the run (after every document was processed).
    pub fn stale(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .keep
            .iter()
            .filter(|k| !k.used.load(Ordering::Relaxed))
            .map(|k| format!("keep {}", k.fingerprint))
            .collect();
        out.extend(
            self.accept
                .iter()
                .filter(|a| !a.used.load(Ordering::Relaxed))
                .map(|a| format!("redact {}", a.fingerprint)),
        );
        out.extend(
            self.manual
                .iter()
                .filter(|m| !m.used.load(Ordering::Relaxed))
                .map(|m| format!("redact {:?}", m.label)),
        );
        out
    }
}
