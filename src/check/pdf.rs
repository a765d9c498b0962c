//! PDF hygiene for the gate: maps the hazards of the PDF audit (`source::pdf::audit`) to
//! issues, and checks the labels of the dark boxes earlier redactions left: a box whose label
//! is a Woo ground (on the box or printed beside it) is a proper redaction; a label that looks
//! like a code but is no ground is an error; a box without any label is reported as a warning,
//! since a dark box that hides nothing leaks nothing (text still under a box is its own error).

use super::{IssueKind, RawIssue};
use crate::rules::grounds::{GroundTable, box_label};
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
        let label = box_label(&b.label, &b.beside, grounds);
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
        found.labels.extend(label.grounds);
        for part in label.unknown {
            found.issues.push(
                RawIssue::new(
                    IssueKind::UnknownGround,
                    Some(page),
                    format!("page {page}: box label {part} is not a Woo ground in the grounds table"),
                )
                .with_key(format!("{part} page {page}")),
            );
        }
    }
    found
}
