//! PDF hygiene for the gate: maps the hazards of the PDF audit (`source::pdf::audit`) to
//! issues, and checks the labels of the dark boxes earlier redactions left: a box whose label
//! is a Woo ground (on the box or printed beside it) is a proper redaction; a label that looks
//! like a code but is no ground is an error; a box without any label is reported as a warning,
//! since a dark box that hides nothing leaks nothing (text still under a box is its own error).

use super::text::{code_like, split_codes};
use super::{IssueKind, RawIssue};
use crate::rules::grounds::GroundTable;
use crate::source::pdf::audit::{self, HazardKind};
use crate::source::pdf::{PdfDoc, page_problems};
use std::collections::BTreeSet;

/// What the inspection found.
#[derive(Debug, Default)]
pub struct Found {
    /// Issues.
    pub issues: Vec<RawIssue>,
    /// Canonical codes of the valid box labels.
    pub labels: BTreeSet<String>,
}

/// The issue kind of a hazard.
pub fn issue_kind(kind: HazardKind) -> IssueKind {
    match kind {
        HazardKind::TextUnderBox => IssueKind::TextUnderBox,
        HazardKind::InvisibleText | HazardKind::ClippedText => IssueKind::InvisibleText,
        HazardKind::WhiteText => IssueKind::WhiteText,
        HazardKind::OffPageText => IssueKind::OffPageText,
        HazardKind::TinyText => IssueKind::TinyText,
        HazardKind::DocumentInfo => IssueKind::DocumentInfo,
        HazardKind::XmpMetadata => IssueKind::XmpMetadata,
        HazardKind::BookmarkText => IssueKind::BookmarkText,
        HazardKind::AnnotationText => IssueKind::AnnotationText,
        HazardKind::Attachment => IssueKind::Attachment,
        HazardKind::Javascript => IssueKind::Javascript,
        HazardKind::FormValue => IssueKind::FormValue,
        HazardKind::ReplacementText => IssueKind::ReplacementText,
        HazardKind::EarlierRevision => IssueKind::EarlierRevision,
        HazardKind::OrphanObject => IssueKind::OrphanObject,
    }
}

/// Inspects a loaded PDF. `personal` says whether a piece of text outside the page content
/// holds personal data (the detector, with the batch's names).
pub fn inspect(pdf: &PdfDoc, bytes: &[u8], grounds: &GroundTable, personal: &dyn Fn(&str) -> bool) -> Found {
    let mut found = Found::default();
    for p in page_problems(pdf) {
        found
            .issues
            .push(RawIssue::new(IssueKind::NeedsReview, p.page, p.message));
    }
    for h in audit::audit(pdf, bytes, personal) {
        let mut raw = RawIssue::new(issue_kind(h.kind), h.page, h.message).with_key(h.key);
        raw.text = h.text;
        found.issues.push(raw);
    }
    for b in audit::dark_boxes(pdf) {
        let page = b.page;
        // The label on the box, else the nearest code-like word beside it.
        let label = if b.label.is_empty() {
            b.beside
                .iter()
                .find(|w| split_codes(trim_label(w)).any(|p| code_like(p) || grounds.resolve(p).is_some()))
                .cloned()
                .unwrap_or_default()
        } else {
            b.label.clone()
        };
        if label.is_empty() {
            if !b.covers_text {
                found.issues.push(
                    RawIssue::new(
                        IssueKind::BoxWithoutLabel,
                        Some(page),
                        format!(
                            "page {page}: a redaction box at ({:.0}, {:.0}) without a Woo ground label",
                            b.rect[0], b.rect[1]
                        ),
                    )
                    .with_key(format!("page {page} box {}", b.fill)),
                );
            }
            continue;
        }
        for part in split_codes(trim_label(&label)) {
            match grounds.resolve(part) {
                Some(gr) => {
                    found.labels.insert(gr.code.clone());
                }
                None if code_like(part) => found.issues.push(
                    RawIssue::new(
                        IssueKind::UnknownGround,
                        Some(page),
                        format!("page {page}: box label {part} is not a Woo ground in the grounds table"),
                    )
                    .with_key(format!("{part} page {page}")),
                ),
                None => {}
            }
        }
    }
    found
}

/// A label without the brackets or punctuation around it.
fn trim_label(s: &str) -> &str {
    s.trim_matches(|c: char| c == '[' || c == ']' || c == '(' || c == ')' || c == ':' || c == ',' || c.is_whitespace())
}
