//! The CI gate: checks a folder that is about to be published, also one redacted by another
//! tool. Personal data still present (the same detector, rules and decisions as `redact`),
//! unsafe PDFs (text under a box, hidden text, document-level leaks, earlier revisions, orphaned
//! objects), boxes without a valid ground label, and an inventory that does not match the
//! documents. Issues carry masked text only; the clear text is kept apart for a local
//! `--show-values` run.

pub mod baseline;
pub mod format;
pub mod inventory;
pub mod pdf;
pub mod text;

use crate::batch::{self, DocKind, DocRef};
use crate::detect::{BatchNames, Detector, Finding};
use crate::report::mask::{fingerprint, mask};
use crate::rules::Confidence;
use crate::text::TextLayer;
use crate::text::fold::fold_str;
use crate::triage::Decisions;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// What kind of problem an issue is. The kebab-case name is the stable rule id in SARIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IssueKind {
    /// Personal data the detector still finds.
    PersonalData,
    /// Text that is still in the file under a filled box drawn over it.
    TextUnderBox,
    /// Text drawn with an invisible render mode (3 or 7).
    InvisibleText,
    /// White text on a white page.
    WhiteText,
    /// Text placed outside the visible page.
    OffPageText,
    /// Text too small to see.
    TinyText,
    /// The document information dictionary holds an author or personal data.
    DocumentInfo,
    /// XMP metadata names a creator or author.
    XmpMetadata,
    /// A bookmark holds text that is not on any page.
    BookmarkText,
    /// An annotation carries text (a comment, an author).
    AnnotationText,
    /// An embedded file.
    Attachment,
    /// JavaScript or an automatic action.
    Javascript,
    /// A form field holds a value.
    FormValue,
    /// `/ActualText`, `/E` or `/Alt` text that is not shown on the page.
    ReplacementText,
    /// The file holds earlier revisions (incremental updates).
    EarlierRevision,
    /// An object the document does not use still holds text.
    OrphanObject,
    /// A redaction box (or blacked-out text) without a ground label.
    BoxWithoutLabel,
    /// A label with a code that is not in the grounds table.
    UnknownGround,
    /// A document in the folder is missing from `inventaris.csv`.
    InventoryMissing,
    /// A row of `inventaris.csv` names a file that is not in the folder.
    InventoryExtra,
    /// A row's grounds differ from the labels in the document.
    InventoryGrounds,
    /// The file cannot be read with certainty: a person must look.
    NeedsReview,
    /// A temporary file an interrupted run left behind.
    LeftoverFile,
    /// A reviewer's best-effort copy (`werkbestanden/ter-beoordeling/`), which is never for
    /// publication.
    ReviewCopy,
    /// A working file of a run (`report.json`, `redactielog.csv`, anything under
    /// `werkbestanden/`): masked names, not for publication.
    WorkingFile,
}

impl IssueKind {
    /// Every kind, in a stable order (SARIF rules list).
    pub const ALL: [IssueKind; 25] = [
        IssueKind::PersonalData,
        IssueKind::TextUnderBox,
        IssueKind::InvisibleText,
        IssueKind::WhiteText,
        IssueKind::OffPageText,
        IssueKind::TinyText,
        IssueKind::DocumentInfo,
        IssueKind::XmpMetadata,
        IssueKind::BookmarkText,
        IssueKind::AnnotationText,
        IssueKind::Attachment,
        IssueKind::Javascript,
        IssueKind::FormValue,
        IssueKind::ReplacementText,
        IssueKind::EarlierRevision,
        IssueKind::OrphanObject,
        IssueKind::BoxWithoutLabel,
        IssueKind::UnknownGround,
        IssueKind::InventoryMissing,
        IssueKind::InventoryExtra,
        IssueKind::InventoryGrounds,
        IssueKind::NeedsReview,
        IssueKind::LeftoverFile,
        IssueKind::ReviewCopy,
        IssueKind::WorkingFile,
    ];

    /// Stable id (kebab-case).
    pub fn id(self) -> &'static str {
        match self {
            IssueKind::PersonalData => "personal-data",
            IssueKind::TextUnderBox => "text-under-box",
            IssueKind::InvisibleText => "invisible-text",
            IssueKind::WhiteText => "white-text",
            IssueKind::OffPageText => "off-page-text",
            IssueKind::TinyText => "tiny-text",
            IssueKind::DocumentInfo => "document-info",
            IssueKind::XmpMetadata => "xmp-metadata",
            IssueKind::BookmarkText => "bookmark-text",
            IssueKind::AnnotationText => "annotation-text",
            IssueKind::Attachment => "attachment",
            IssueKind::Javascript => "javascript",
            IssueKind::FormValue => "form-value",
            IssueKind::ReplacementText => "replacement-text",
            IssueKind::EarlierRevision => "earlier-revision",
            IssueKind::OrphanObject => "orphan-object",
            IssueKind::BoxWithoutLabel => "box-without-label",
            IssueKind::UnknownGround => "unknown-ground",
            IssueKind::InventoryMissing => "inventory-missing",
            IssueKind::InventoryExtra => "inventory-extra",
            IssueKind::InventoryGrounds => "inventory-grounds",
            IssueKind::NeedsReview => "needs-review",
            IssueKind::LeftoverFile => "leftover-file",
            IssueKind::ReviewCopy => "review-copy",
            IssueKind::WorkingFile => "working-file",
        }
    }

    /// One line saying what the kind means and what to do (SARIF rule description).
    pub fn description(self) -> &'static str {
        match self {
            IssueKind::PersonalData => "Personal data is still in the document: redact it or record a keep decision.",
            IssueKind::TextUnderBox => {
                "Text is still in the file under a box drawn over it: a box hides nothing from copy, search or extraction."
            }
            IssueKind::InvisibleText => "Invisible text (render mode 3 or 7) is in the file: extractors read it.",
            IssueKind::WhiteText => "White text on a white page: invisible to a reader, not to an extractor.",
            IssueKind::OffPageText => "Text is placed outside the visible page: extractors read it.",
            IssueKind::TinyText => "Text is too small to see: extractors read it.",
            IssueKind::DocumentInfo => "The document information (Author, Title, …) holds personal data.",
            IssueKind::XmpMetadata => "XMP metadata names a creator or author.",
            IssueKind::BookmarkText => "A bookmark holds text that is not on any page.",
            IssueKind::AnnotationText => "An annotation carries text (a comment or its author).",
            IssueKind::Attachment => "The PDF holds an embedded file.",
            IssueKind::Javascript => "The PDF holds JavaScript or an automatic action.",
            IssueKind::FormValue => "A form field holds a value.",
            IssueKind::ReplacementText => {
                "Marked content or the structure tree holds /ActualText, /E or /Alt text that is not shown on the page."
            }
            IssueKind::EarlierRevision => {
                "The file holds earlier revisions (incremental updates) that may keep removed text."
            }
            IssueKind::OrphanObject => "An object the document does not use still holds text.",
            IssueKind::BoxWithoutLabel => "A redaction without a Woo ground label.",
            IssueKind::UnknownGround => "A redaction label with a code that is not a Woo ground.",
            IssueKind::InventoryMissing => "A document in the folder is not listed in inventaris.csv.",
            IssueKind::InventoryExtra => "inventaris.csv lists a file that is not in the folder.",
            IssueKind::InventoryGrounds => "The grounds in inventaris.csv differ from the labels in the document.",
            IssueKind::NeedsReview => "The file cannot be checked with certainty: a person must look.",
            IssueKind::LeftoverFile => {
                "A temporary file of an interrupted woo-redact run is in the folder: remove it or run again."
            }
            IssueKind::ReviewCopy => {
                "A best-effort copy of a document that needs review (ter-beoordeling/) is in the folder: it is not verified and never for publication; move it out."
            }
            IssueKind::WorkingFile => {
                "A working file of a woo-redact run (report.json, redactielog.csv, werkbestanden/) is in the folder: its masked names are not for publication; publish only OUT/publicatie/."
            }
        }
    }
}

/// How an issue counts for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Fails the gate (exit 1).
    Error,
    /// Reported, does not fail (a candidate without context, a box without a label).
    Warning,
    /// The file could not be checked (exit 2, which wins over 1).
    Incomplete,
}

/// One problem in one file.
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    /// What kind.
    pub kind: IssueKind,
    /// The detection rule for personal data; the kind's id otherwise.
    pub rule: String,
    /// The Woo ground of a personal-data finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ground: Option<String>,
    /// Error, warning or incomplete.
    pub severity: Severity,
    /// Page (1-based) in a PDF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// Line (1-based) in a text file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column (1-based, in characters) in a text file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong, without personal data.
    pub message: String,
    /// The text concerned, masked (`J** d* V****`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
    /// The text in clear: never serialised, shown only by a local `--show-values` run.
    #[serde(skip)]
    pub clear: Option<String>,
    /// Stable fingerprint (no clear text) for baselines and SARIF.
    pub fingerprint: String,
    /// Accepted by the baseline: reported, does not fail.
    pub baselined: bool,
}

impl Issue {
    /// Does it fail the gate?
    pub fn fails(&self) -> bool {
        self.severity == Severity::Error && !self.baselined
    }
}

/// The result for one file.
#[derive(Debug, Clone, Serialize)]
pub struct DocCheck {
    /// Path relative to the checked folder (`/`-separated).
    pub path: String,
    /// Issues in order of appearance.
    pub issues: Vec<Issue>,
}

impl DocCheck {
    /// `pass`, `fail` or `needs-review` (which wins).
    pub fn status(&self) -> &'static str {
        if self.issues.iter().any(|i| i.severity == Severity::Incomplete) {
            "needs-review"
        } else if self.issues.iter().any(Issue::fails) {
            "fail"
        } else {
            "pass"
        }
    }
}

/// The result for a folder.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The folder as given on the command line, `/`-separated (paths in CI formats are this
    /// plus the document path).
    pub root: String,
    /// One entry per file, sorted by path; the folder-level inventory issues come under the
    /// inventory's own path.
    pub documents: Vec<DocCheck>,
    /// Decision entries that matched nothing.
    pub stale_decisions: Vec<String>,
}

impl CheckReport {
    /// Exit code per DESIGN.md §7: 2 when a file could not be checked (wins), 1 when anything
    /// fails the gate, else 0.
    pub fn exit_code(&self) -> u8 {
        let all = || self.documents.iter().flat_map(|d| d.issues.iter());
        if all().any(|i| i.severity == Severity::Incomplete) {
            2
        } else if all().any(Issue::fails) {
            1
        } else {
            0
        }
    }

    /// The path of a document as CI systems want it: the root plus the relative path.
    pub fn display_path(&self, rel: &str) -> String {
        if self.root.is_empty() || self.root == "." {
            rel.to_string()
        } else {
            format!("{}/{}", self.root.trim_end_matches('/'), rel)
        }
    }

    /// Counts: documents, failing, needing review, issues failing, warnings, baselined.
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            documents: self.documents.len(),
            ..Counts::default()
        };
        for d in &self.documents {
            match d.status() {
                "fail" => c.failing += 1,
                "needs-review" => c.needs_review += 1,
                _ => {}
            }
            for i in &d.issues {
                if i.baselined {
                    c.baselined += 1;
                } else if i.fails() {
                    c.errors += 1;
                } else if i.severity == Severity::Warning {
                    c.warnings += 1;
                }
            }
        }
        c
    }
}

/// Summary numbers of a check.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    /// Files checked.
    pub documents: usize,
    /// Files that fail.
    pub failing: usize,
    /// Files that could not be checked.
    pub needs_review: usize,
    /// Failing issues.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Issues accepted by the baseline.
    pub baselined: usize,
}

/// A problem found by one of the inspectors, before it gets its place in the report.
#[derive(Debug, Clone)]
pub struct RawIssue {
    /// Kind.
    pub kind: IssueKind,
    /// Page (1-based).
    pub page: Option<usize>,
    /// What is wrong, without personal data.
    pub message: String,
    /// The text concerned, in clear (masked before output).
    pub text: Option<String>,
    /// What makes this issue itself for the fingerprint when there is no text (an object
    /// number, a page).
    pub key: String,
}

impl RawIssue {
    /// A new issue.
    pub fn new(kind: IssueKind, page: Option<usize>, message: impl Into<String>) -> RawIssue {
        RawIssue {
            kind,
            page,
            message: message.into(),
            text: None,
            key: page.map(|p| format!("page {p}")).unwrap_or_default(),
        }
    }

    /// With the text concerned.
    pub fn with_text(mut self, text: impl Into<String>) -> RawIssue {
        self.text = Some(text.into());
        self
    }

    /// With a fingerprint key.
    pub fn with_key(mut self, key: impl Into<String>) -> RawIssue {
        self.key = key.into();
        self
    }
}

/// What one document holds: its issues and the ground codes of its labels (for the inventory).
#[derive(Debug, Default)]
pub struct Inspected {
    /// Issues found.
    pub issues: Vec<Issue>,
    /// Canonical ground codes of the labels in the document.
    pub labels: BTreeSet<String>,
}

/// Files of the publication set besides the documents: checked for personal data, but not
/// documents of the inventory.
pub use crate::layout::PACKAGE_FILES;

/// Checks every document under `dir`.
pub fn check_folder(
    root_display: &str,
    dir: &std::path::Path,
    skip: &[std::path::PathBuf],
    detector: &Detector,
    decisions: Option<&Decisions>,
    baseline: Option<&baseline::Baseline>,
) -> crate::error::Result<CheckReport> {
    check_folder_ignoring(root_display, dir, skip, &[], detector, decisions, baseline)
}

/// [`check_folder`], leaving out the files that match an `--ignore` pattern
/// ([`batch::ignored`]). Every other file is read, or fails the check as one it cannot read.
pub fn check_folder_ignoring(
    root_display: &str,
    dir: &std::path::Path,
    skip: &[std::path::PathBuf],
    ignore: &[String],
    detector: &Detector,
    decisions: Option<&Decisions>,
    baseline: Option<&baseline::Baseline>,
) -> crate::error::Result<CheckReport> {
    let all: Vec<DocRef> = batch::discover_ignoring(&[dir.to_path_buf()], skip, &[], ignore)?
        .into_iter()
        // The package files of the publication set (the Markdown justification is read as
        // text) and temporary files, reported below as leftovers.
        .filter(|d| d.rel.ends_with(".md") || !PACKAGE_FILES.contains(&d.rel.as_str()))
        .collect();
    // Temporary files of a killed run, working files and review copies are not documents of
    // the publication: reported, never read as such.
    let (leftover, all): (Vec<DocRef>, Vec<DocRef>) = all
        .into_iter()
        .partition(|d| is_leftover(d.rel.rsplit('/').next().unwrap_or("")));
    let (working, docs): (Vec<DocRef>, Vec<DocRef>) =
        all.into_iter().partition(|d| crate::layout::is_working_file(&d.rel));
    let batch_names = batch::batch_names(&docs, detector);
    let inspected: Vec<(String, Inspected)> = docs
        .par_iter()
        .map(|d| {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                inspect(d, detector, &batch_names, decisions)
            }))
            .unwrap_or_else(|_| Inspected {
                issues: vec![issue(
                    &d.rel,
                    RawIssue::new(
                        IssueKind::NeedsReview,
                        None,
                        "internal error while checking this file (a defect: please report it)",
                    ),
                    0,
                )],
                labels: BTreeSet::new(),
            });
            (d.rel.clone(), r)
        })
        .collect();
    let mut documents: Vec<DocCheck> = Vec::new();
    let labels: HashMap<String, BTreeSet<String>> = inspected
        .iter()
        .map(|(rel, i)| (rel.clone(), i.labels.clone()))
        .collect();
    for (rel, i) in inspected {
        documents.push(DocCheck {
            path: rel,
            issues: i.issues,
        });
    }
    if let Some(inv) = inventory::check(dir, &docs, &labels, &detector.rules().grounds)? {
        match documents.iter_mut().find(|d| d.path == inv.path) {
            Some(d) => d.issues.extend(inv.issues),
            None => documents.push(inv),
        }
    }
    for rel in working.into_iter().map(|d| d.rel) {
        let raw = if crate::layout::is_review_copy(&rel) {
            RawIssue::new(
                IssueKind::ReviewCopy,
                None,
                "a best-effort copy for the reviewer (not verified, not for publication): move it out of the folder",
            )
        } else {
            RawIssue::new(
                IssueKind::WorkingFile,
                None,
                "a working file of a woo-redact run (masked names; not for publication): publish only OUT/publicatie/",
            )
        };
        documents.push(DocCheck {
            issues: number(&rel, vec![raw]),
            path: rel,
        });
    }
    for rel in leftover.into_iter().map(|d| d.rel) {
        let raw = RawIssue::new(
            IssueKind::LeftoverFile,
            None,
            "a temporary file of an interrupted woo-redact run (remove it, or run again)",
        );
        documents.push(DocCheck {
            issues: number(&rel, vec![raw]),
            path: rel,
        });
    }
    documents.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(b) = baseline {
        for i in documents.iter_mut().flat_map(|d| d.issues.iter_mut()) {
            i.baselined = b.contains(&i.fingerprint);
        }
    }
    Ok(CheckReport {
        root: root_display.to_string(),
        documents,
        stale_decisions: decisions.map(|d| d.stale()).unwrap_or_default(),
    })
}

/// A temporary file name of our own runs.
fn is_leftover(name: &str) -> bool {
    name.starts_with('.') && name.contains("woo-redact-") && (name.ends_with(".tmp") || name.ends_with(".jsonl"))
}

/// Turns a raw issue into a report issue: severity by kind, masked text, fingerprint.
fn issue(rel: &str, raw: RawIssue, occurrence: usize) -> Issue {
    let severity = match raw.kind {
        IssueKind::NeedsReview => Severity::Incomplete,
        // A box without a label hides nothing (text under a box is its own error): the
        // decision misses a ground, which a reviewer fixes; nothing leaks.
        IssueKind::BoxWithoutLabel => Severity::Warning,
        _ => Severity::Error,
    };
    let folded = raw.text.as_deref().map(fold_str).unwrap_or_default();
    let key = if folded.is_empty() { raw.key.clone() } else { folded };
    Issue {
        kind: raw.kind,
        rule: raw.kind.id().to_string(),
        ground: None,
        severity,
        page: raw.page,
        line: None,
        column: None,
        message: raw.message,
        masked: raw.text.as_deref().map(mask),
        clear: raw.text,
        fingerprint: fingerprint(raw.kind.id(), &key, rel, occurrence),
        baselined: false,
    }
}

/// Numbers issues by (kind, key) occurrence so equal issues get distinct, stable fingerprints.
fn number(rel: &str, raws: Vec<RawIssue>) -> Vec<Issue> {
    let mut seen: HashMap<(IssueKind, String), usize> = HashMap::new();
    raws.into_iter()
        .map(|r| {
            let key = r.text.as_deref().map(fold_str).unwrap_or_else(|| r.key.clone());
            let n = seen.entry((r.kind, key)).or_default();
            let i = issue(rel, r, *n);
            *n += 1;
            i
        })
        .collect()
}

/// Checks one document.
fn inspect(doc: &DocRef, detector: &Detector, batch_names: &BatchNames, decisions: Option<&Decisions>) -> Inspected {
    // The same per-document limits as `redact` (bombs, floods, huge page counts).
    let _budget = crate::limits::Budget::enter(&crate::limits::Limits::default());
    let bytes = match batch::read_doc(&doc.path) {
        // As in `redact`: an empty file is a broken export, not a clean document.
        Ok(b) if b.is_empty() => {
            let reason = "empty file (0 bytes): a broken export or save? check it before publishing";
            return Inspected {
                issues: number(&doc.rel, vec![RawIssue::new(IssueKind::NeedsReview, None, reason)]),
                labels: BTreeSet::new(),
            };
        }
        Ok(b) => b,
        Err(reason) => {
            return Inspected {
                issues: number(&doc.rel, vec![RawIssue::new(IssueKind::NeedsReview, None, reason)]),
                labels: BTreeSet::new(),
            };
        }
    };
    inspect_bytes(&doc.rel, doc.kind, bytes, detector, batch_names, decisions)
}

/// Checks one document given as bytes; a message's attachments are checked with it.
fn inspect_bytes(
    rel: &str,
    kind: DocKind,
    bytes: Vec<u8>,
    detector: &Detector,
    batch_names: &BatchNames,
    decisions: Option<&Decisions>,
) -> Inspected {
    let grounds = &detector.rules().grounds;
    let unreadable = |reason: String| Inspected {
        issues: number(rel, vec![RawIssue::new(IssueKind::NeedsReview, None, reason)]),
        labels: BTreeSet::new(),
    };
    let kind = match batch::resolve_kind(kind, rel, &bytes) {
        Ok(k) if k != DocKind::Unsupported => k,
        Ok(_) | Err(_) => {
            let what = batch::resolve_kind(kind, rel, &bytes)
                .err()
                .unwrap_or_else(|| "unknown type".into());
            return unreadable(format!(
                "{}{what}: check cannot read this file, so it cannot vouch for it; convert it, take it out of the folder, or allow it with --ignore GLOB",
                batch::UNSUPPORTED
            ));
        }
    };
    let mut attached: Vec<Issue> = Vec::new();
    let (raws, layer, page_of, labels): (Vec<RawIssue>, Option<TextLayer>, Vec<usize>, BTreeSet<String>) = match kind {
        DocKind::Eml | DocKind::Msg | DocKind::Docx | DocKind::Unsupported => {
            match batch::read_layer(rel, kind, bytes.clone()) {
                Ok(layer) => {
                    let (raws, labels) = text::labels(&layer.text, grounds);
                    let mut raws = raws;
                    if matches!(kind, DocKind::Eml | DocKind::Msg) {
                        attached = attachment_issues(rel, kind, &bytes, detector, batch_names, decisions);
                    }
                    if kind == DocKind::Docx
                        && let Ok(doc) = crate::source::docx::read(&bytes)
                    {
                        raws.extend(doc.problems.iter().map(docx_issue));
                    }
                    (raws, Some(layer), Vec::new(), labels)
                }
                Err(reason) => return unreadable(reason),
            }
        }
        DocKind::Text => match crate::source::plain::load(bytes) {
            Ok(layer) => {
                let (raws, labels) = text::labels(&layer.text, grounds);
                (raws, Some(layer), Vec::new(), labels)
            }
            Err(reason) => (
                vec![RawIssue::new(IssueKind::NeedsReview, None, reason)],
                None,
                Vec::new(),
                BTreeSet::new(),
            ),
        },
        DocKind::Pdf => match crate::source::pdf::load(&bytes) {
            Ok(pdf) => {
                let personal = |s: &str| -> bool {
                    detector
                        .scan_with(&TextLayer::plain(s.to_string()), Some(batch_names))
                        .findings
                        .iter()
                        .any(|f| f.redacted())
                };
                let found = pdf::inspect(&pdf, &bytes, grounds, &personal);
                let layer = TextLayer::plain(pdf.text.text.clone());
                (found.issues, Some(layer), pdf.text.page_starts.clone(), found.labels)
            }
            Err(reason) => (
                vec![RawIssue::new(IssueKind::NeedsReview, None, reason)],
                None,
                Vec::new(),
                BTreeSet::new(),
            ),
        },
    };
    let mut issues = number(rel, raws);
    if let Some(layer) = layer {
        let mut scan = detector.scan_with(&layer, Some(batch_names));
        if let Some(d) = decisions {
            d.apply(rel, &layer.text, &mut scan.findings);
        }
        issues.extend(personal_data(rel, &layer.text, &scan.findings, &page_of));
    }
    issues.extend(attached);
    Inspected { issues, labels }
}

/// What a Word document holds that is never published, as the issue a PDF would give.
fn docx_issue(p: &crate::source::docx::Problem) -> RawIssue {
    let (kind, what) = match p.kind {
        "comments" => (
            IssueKind::AnnotationText,
            "comments (or their authors) are in the document",
        ),
        "tracked-changes" => (
            IssueKind::EarlierRevision,
            "tracked changes are in the document: deleted text and authors can be read",
        ),
        "hidden-text" => (IssueKind::InvisibleText, "hidden text (w:vanish) is in the document"),
        "properties" => (
            IssueKind::DocumentInfo,
            "the document properties name an author or editor",
        ),
        "embedded-object" | "macros" => (IssueKind::Attachment, "an embedded object or macro is in the document"),
        "thumbnail" => (
            IssueKind::DocumentInfo,
            "a thumbnail image of the first page is in the document",
        ),
        _ => (
            IssueKind::DocumentInfo,
            "custom XML, document variables or a template path is in the document",
        ),
    };
    RawIssue::new(kind, None, format!("{what} ({})", p.part)).with_key(format!("{} {}", p.kind, p.part))
}

/// The issues of a message's attachments, each checked as a document of its own, the
/// message's issue saying which attachment.
fn attachment_issues(
    rel: &str,
    kind: DocKind,
    bytes: &[u8],
    detector: &Detector,
    batch_names: &BatchNames,
    decisions: Option<&Decisions>,
) -> Vec<Issue> {
    let mail = match kind {
        DocKind::Msg => crate::source::msg::parse_msg(bytes),
        _ => crate::source::mail::parse_eml(bytes),
    };
    let Ok(mail) = mail else { return Vec::new() };
    let mut out = Vec::new();
    for (i, a) in mail.attachments.into_iter().enumerate() {
        let sub = format!("{rel}{}/{}", batch::ATTACHMENTS_SUFFIX, i + 1);
        let kind = batch::kind_of_name(&a.name);
        let found = inspect_bytes(&sub, kind, a.bytes, detector, batch_names, decisions);
        for mut issue in found.issues {
            issue.message = format!("attachment {}: {}", i + 1, issue.message);
            out.push(issue);
        }
    }
    out
}

/// Issues for the detector's findings: redacted ones fail, candidates warn, kept ones are
/// not issues. `page_of` holds the byte offset where each PDF page starts (empty for text).
fn personal_data(rel: &str, text: &str, findings: &[Finding], page_of: &[usize]) -> Vec<Issue> {
    let mut occ: HashMap<(String, String), usize> = HashMap::new();
    let mut out = Vec::new();
    for f in findings {
        let clear = text.get(f.start..f.end).unwrap_or("");
        let folded = fold_str(clear);
        let n = occ.entry((f.rule.to_string(), folded.clone())).or_default();
        let fp = fingerprint(&f.rule, &folded, rel, *n);
        *n += 1;
        let candidate = !f.redacted() && f.confidence == Confidence::Candidate;
        if !f.redacted() && !candidate {
            continue;
        }
        let page = if page_of.is_empty() {
            None
        } else {
            Some(page_of.partition_point(|&s| s <= f.start).max(1))
        };
        let (line, column) = if page.is_none() {
            let (l, _) = crate::text::line_col(text, f.start);
            let line_start = text[..f.start].rfind('\n').map(|i| i + 1).unwrap_or(0);
            (Some(l), Some(text[line_start..f.start].chars().count() + 1))
        } else {
            (None, None)
        };
        let what = format!("{} ({}, {})", f.category.as_str(), f.rule, f.ground);
        out.push(Issue {
            kind: IssueKind::PersonalData,
            rule: f.rule.to_string(),
            ground: Some(f.ground.to_string()),
            severity: if candidate { Severity::Warning } else { Severity::Error },
            page,
            line,
            column,
            message: {
                let at = page.map(|p| format!("page {p}: ")).unwrap_or_default();
                if candidate {
                    format!("{at}possible {what}, without context: check it")
                } else {
                    format!("{at}{what} is still in the document")
                }
            },
            masked: Some(mask(clear)),
            clear: Some(clear.to_string()),
            fingerprint: fp,
            baselined: false,
        });
    }
    out
}
