//! `report.json`: per document the status, the redactions and the kept findings (masked,
//! never in clear), and totals per ground. Stable field order; no timings, so two runs over
//! the same inputs give the same bytes.

use super::mask::{fingerprints, mask};
use crate::batch::DocStatus;
use crate::detect::Disposition;
use crate::text::LineIndex;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Wire format of report.json (schema 1).
#[derive(Debug, Serialize)]
pub struct Report {
    /// Format version.
    pub schema: u32,
    /// Tool name and version.
    pub tool: Tool,
    /// One entry per input document, in path order.
    pub documents: Vec<DocEntry>,
    /// Batch totals.
    pub totals: Totals,
    /// Reviewer decisions that matched nothing in this run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale_decisions: Vec<String>,
}

/// Tool identification.
#[derive(Debug, Serialize)]
pub struct Tool {
    /// Name.
    pub name: &'static str,
    /// Version.
    pub version: &'static str,
}

/// One document. Read back by `merge`, so a shard's entries give the same bytes again.
#[derive(Debug, Serialize, Deserialize)]
pub struct DocEntry {
    /// Path relative to the input root (and to `--out`).
    pub path: String,
    /// redacted, clean, needs-review or failed.
    pub status: DocStatus,
    /// Why it failed or needs review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Redactions.
    pub findings: Vec<FindingEntry>,
    /// Findings left visible, with their reason.
    pub kept: Vec<FindingEntry>,
    /// Redactions per ground.
    pub grounds: BTreeMap<String, usize>,
    /// The section-5 justification of this document (Markdown), for redacted documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section5: Option<String>,
    /// PDF: what cleaning removed or painted besides the redactions, per page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleaned: Vec<Cleaning>,
    /// A document that needs review: where its best-effort redacted copy was written (under
    /// `--out`, outside the publication), for the reviewer; never published as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_copy: Option<String>,
    /// PDF: grounds named by the labels of redactions already in the input (an earlier
    /// redaction round), canonical codes: the published document withholds on them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_grounds: Vec<String>,
    /// An attachment: the path of the message it came with (a document of its own, listed
    /// in the inventory with the message as its related document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_to: Option<String>,
}

/// What cleaning a PDF removed or painted on one page besides the redactions: hidden text a
/// reader could not see but an extractor could read, pixels of an image under a box.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cleaning {
    /// 1-based page; 0 for a document without fixed pages (Word).
    pub page: usize,
    /// Stable id (`under-box`, `off-page`, `white`, `clipped`, `tiny`, `invisible`,
    /// `transparent`, `image-painted`; for Word `comments`, `tracked-changes`, `hidden-text`,
    /// `properties`, `custom-xml`, `embedded-object`, `macros`, `thumbnail`, `template`).
    pub kind: String,
    /// Characters removed (0 for painted images).
    pub chars: usize,
    /// What it means, in Dutch, for the Woo officer (from the grounds table's template).
    pub note: String,
}

/// One finding, masked.
#[derive(Debug, Serialize, Deserialize)]
pub struct FindingEntry {
    /// Rule id.
    pub rule: String,
    /// Category.
    #[serde(deserialize_with = "category_str")]
    pub category: CategoryName,
    /// Woo ground.
    pub ground: String,
    /// Confidence.
    pub confidence: crate::rules::Confidence,
    /// Masked text (`J*** d* V****`).
    pub masked: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Byte offsets in the document text.
    pub start: usize,
    /// Byte end.
    pub end: usize,
    /// Why it matched.
    pub explanation: String,
    /// Why it was kept (kept findings only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Content fingerprint.
    pub fingerprint: String,
    /// PDF: 1-based page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// PDF: box in page space (x0, y0, x1, y1, points).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rect: Option<[f32; 4]>,
}

/// A category identifier. Named so serde's derive does not take the `&'static str` for text
/// borrowed from the input (which would tie a parsed report to its source buffer).
pub type CategoryName = &'static str;

fn category_str<'de, D: Deserializer<'de>>(d: D) -> Result<CategoryName, D::Error> {
    let s = String::deserialize(d)?;
    crate::rules::Category::parse(&s)
        .map(crate::rules::Category::as_str)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown category `{s}`")))
}

/// Batch totals.
#[derive(Debug, Serialize, Default)]
pub struct Totals {
    /// Documents seen.
    pub documents: usize,
    /// Per status.
    pub status: BTreeMap<String, usize>,
    /// Redactions per ground.
    pub grounds: BTreeMap<String, usize>,
}

/// The report entry of one document, built in the worker so the text can be dropped there.
pub fn doc_entry(
    rel: &str,
    status: DocStatus,
    reason: Option<String>,
    text: &str,
    found: &[crate::detect::Finding],
    places: &[Option<(usize, [f32; 4])>],
) -> DocEntry {
    let fps = fingerprints(rel, text, found);
    let mut findings = Vec::new();
    let mut kept = Vec::new();
    let mut grounds = BTreeMap::new();
    let lines = LineIndex::new(text);
    for (k, f) in found.iter().enumerate() {
        let place = places.get(k).copied().flatten();
        let clear = text.get(f.start..f.end).unwrap_or("");
        let fp = fps[k].clone();
        let (line, column) = lines.line_col(text, f.start);
        let entry = FindingEntry {
            rule: f.rule.to_string(),
            category: f.category.as_str(),
            ground: f.ground.to_string(),
            confidence: f.confidence,
            masked: mask(clear),
            line,
            column,
            start: f.start,
            end: f.end,
            explanation: f.explanation.to_string(),
            reason: match &f.disposition {
                Disposition::Keep(r) => Some(r.clone()),
                Disposition::Redact => None,
            },
            fingerprint: fp,
            page: place.map(|p| p.0 + 1),
            rect: place.map(|p| p.1.map(|v| (v * 100.0).round() / 100.0)),
        };
        if f.redacted() {
            *grounds.entry(f.ground.to_string()).or_default() += 1;
            findings.push(entry);
        } else {
            kept.push(entry);
        }
    }
    DocEntry {
        path: rel.to_string(),
        status,
        reason,
        findings,
        kept,
        grounds,
        section5: None,
        cleaned: Vec::new(),
        review_copy: None,
        earlier_grounds: Vec::new(),
        attached_to: None,
    }
}

/// Builds the report from document entries in path order.
pub fn build(documents: Vec<DocEntry>) -> Report {
    let mut totals = Totals {
        documents: documents.len(),
        ..Default::default()
    };
    for d in &documents {
        *totals.status.entry(d.status.as_str().to_string()).or_default() += 1;
        for (g, n) in &d.grounds {
            *totals.grounds.entry(g.clone()).or_default() += n;
        }
    }
    Report {
        schema: 1,
        tool: Tool {
            name: "woo-redact",
            version: env!("CARGO_PKG_VERSION"),
        },
        documents,
        totals,
        stale_decisions: Vec::new(),
    }
}
