//! The batch runner: find the documents, scan them in parallel (rayon over a sorted list,
//! ordered collect, so output is identical for any thread count), propagate names across the
//! batch, write redacted copies atomically, and collect one report entry per document.

use crate::detect::{BatchNames, Detector, DocScan};
use crate::error::{Error, Result};
use crate::report::json::{DocEntry, doc_entry};
use crate::{redact, source};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Outcome of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocStatus {
    /// Written with at least one redaction.
    Redacted,
    /// Written unchanged: nothing to redact.
    Clean,
    /// Not written: the tool cannot vouch for it; a person must look.
    NeedsReview,
    /// Not written: could not be read.
    Failed,
}

impl DocStatus {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Redacted => "redacted",
            DocStatus::Clean => "clean",
            DocStatus::NeedsReview => "needs-review",
            DocStatus::Failed => "failed",
        }
    }

    /// The batch is incomplete because of this document (exit 2).
    pub fn incomplete(self) -> bool {
        matches!(self, DocStatus::NeedsReview | DocStatus::Failed)
    }
}

/// Kind of input document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// `.txt` or `.md`.
    Text,
    /// Anything else found in an input folder that we cannot process yet (reported, not skipped silently).
    Unsupported,
}

/// One input document.
#[derive(Debug, Clone)]
pub struct DocRef {
    /// Where it is.
    pub path: PathBuf,
    /// Relative path used under `--out` and in reports (`/`-separated).
    pub rel: String,
    /// Kind by extension.
    pub kind: DocKind,
}

fn kind_of(p: &Path, exts: &[String]) -> Option<DocKind> {
    let ext = p.extension()?.to_str()?.to_ascii_lowercase();
    if !exts.is_empty() && !exts.contains(&ext) {
        return None;
    }
    match ext.as_str() {
        "txt" | "md" => Some(DocKind::Text),
        "pdf" => Some(DocKind::Unsupported),
        _ => None,
    }
}

fn rel_string(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Collects the documents under the inputs, sorted by relative path. Files named on the
/// command line are taken whatever their extension; folders are walked for `.txt`, `.md`
/// (and `.pdf`, reported as unsupported until the PDF path exists), or only the extensions in
/// `exts` when it is not empty. `skip` lists files that are configuration (lists, config),
/// never documents.
pub fn discover(inputs: &[PathBuf], skip: &[PathBuf], exts: &[String]) -> Result<Vec<DocRef>> {
    let skip: Vec<PathBuf> = skip.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let mut docs = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| Error::Io {
            path: input.clone(),
            source: e,
        })?;
        if meta.is_dir() {
            let mut stack = vec![input.clone()];
            while let Some(dir) = stack.pop() {
                let rd = std::fs::read_dir(&dir).map_err(|e| Error::Io {
                    path: dir.clone(),
                    source: e,
                })?;
                for entry in rd {
                    let entry = entry.map_err(|e| Error::Io {
                        path: dir.clone(),
                        source: e,
                    })?;
                    let p = entry.path();
                    let ft = entry.file_type().map_err(|e| Error::Io {
                        path: p.clone(),
                        source: e,
                    })?;
                    if ft.is_dir() {
                        stack.push(p);
                    } else if let Some(kind) = kind_of(&p, exts) {
                        if p.file_name().is_some_and(|n| n == "woo-redact.toml")
                            || p.canonicalize().is_ok_and(|c| skip.contains(&c))
                        {
                            continue;
                        }
                        let rel = rel_string(p.strip_prefix(input).unwrap_or(&p));
                        docs.push(DocRef { path: p, rel, kind });
                    }
                }
            }
        } else {
            let rel = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            docs.push(DocRef {
                path: input.clone(),
                rel,
                kind: kind_of(input, &[]).unwrap_or(DocKind::Text),
            });
        }
    }
    docs.sort_by(|a, b| a.rel.cmp(&b.rel).then(a.path.cmp(&b.path)));
    for w in docs.windows(2) {
        if w[0].rel == w[1].rel {
            return Err(Error::Usage(format!(
                "two inputs would be written to the same output `{}`: {} and {}",
                w[0].rel,
                w[0].path.display(),
                w[1].path.display()
            )));
        }
    }
    Ok(docs)
}

/// Refuses an output folder equal to or inside an input folder (outputs would become inputs
/// and could overwrite originals).
pub fn check_out_dir(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    let out_abs = absolute(out);
    for input in inputs {
        let in_abs = absolute(input);
        let is_dir = input.is_dir();
        if (is_dir && out_abs.starts_with(&in_abs)) || out_abs == in_abs {
            return Err(Error::Usage(format!(
                "--out {} is inside input {}; choose an output folder outside the inputs",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    // Canonicalise the longest existing ancestor so a not-yet-created --out still compares.
    let mut existing = p.to_path_buf();
    let mut tail = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(n), Some(parent)) => {
                tail.push(n);
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => break,
        }
    }
    let mut base = existing.canonicalize().unwrap_or(existing);
    for n in tail.into_iter().rev() {
        base.push(n);
    }
    base
}

/// Writes bytes to `path` via a temporary file in the same folder and a rename, so a reader
/// never sees half a file and an interrupted run leaves no partial output.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.woo-redact-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Loads a document's text layer, or says why it cannot be read.
fn load(doc: &DocRef) -> std::result::Result<crate::text::TextLayer, (DocStatus, String)> {
    match doc.kind {
        DocKind::Unsupported => Err((
            DocStatus::NeedsReview,
            "PDF is not supported by this version; review by hand".into(),
        )),
        DocKind::Text => {
            let bytes = std::fs::read(&doc.path).map_err(|e| (DocStatus::Failed, format!("cannot read: {e}")))?;
            source::plain::load(bytes).map_err(|r| (DocStatus::Failed, r))
        }
    }
}

/// Options of a redaction run.
pub struct RedactOptions<'a> {
    /// Output folder.
    pub out: &'a Path,
    /// Called once per finished document (progress).
    pub progress: &'a (dyn Fn() + Sync),
}

/// Runs the whole batch; returns one report entry per document in path order.
pub fn redact_all(docs: &[DocRef], detector: &Detector, opts: &RedactOptions) -> Vec<DocEntry> {
    // Pass 1: scan every document and collect the names it confirms.
    let first: Vec<Option<DocScan>> = docs
        .par_iter()
        .map(|d| load(d).ok().map(|layer| detector.scan(&layer)))
        .collect();
    let mut batch = BatchNames::default();
    for s in first.iter().flatten() {
        batch.surnames.extend(s.surnames.iter().cloned());
    }
    for s in first.iter().flatten() {
        for o in &s.official_surnames {
            batch.surnames.remove(o);
        }
    }
    // Pass 2: rescan where a batch name is new to the document, redact, verify, write.
    docs.par_iter()
        .zip(first.into_par_iter())
        .map(|(doc, scan)| {
            let entry = redact_one(doc, scan, detector, &batch, opts.out);
            (opts.progress)();
            entry
        })
        .collect()
}

fn redact_one(doc: &DocRef, scan: Option<DocScan>, detector: &Detector, batch: &BatchNames, out: &Path) -> DocEntry {
    let layer = match load(doc) {
        Ok(l) => l,
        Err((status, reason)) => return doc_entry(&doc.rel, status, Some(reason), "", &[]),
    };
    let mut scan = scan.unwrap_or_default();
    if batch.surnames.iter().any(|s| !scan.surnames.contains(s)) {
        scan = detector.scan_with(&layer, Some(batch));
    }
    let redacted = redact::text::apply(&layer.text, &scan.findings);
    // Verify: the output, scanned again, must hold nothing more to redact.
    let again = detector.scan_with(&crate::text::TextLayer::plain(redacted.clone()), Some(batch));
    if let Some(f) = again.findings.iter().find(|f| f.redacted()) {
        let (line, _) = crate::text::line_col(&redacted, f.start);
        let reason = format!(
            "verification found {} ({}) still present near line {line} after redaction",
            f.category.as_str(),
            f.rule
        );
        return doc_entry(
            &doc.rel,
            DocStatus::NeedsReview,
            Some(reason),
            &layer.text,
            &scan.findings,
        );
    }
    let status = if scan.findings.iter().any(|f| f.redacted()) {
        DocStatus::Redacted
    } else {
        DocStatus::Clean
    };
    let target = out.join(&doc.rel);
    if let Err(e) = write_atomic(&target, redacted.as_bytes()) {
        return doc_entry(
            &doc.rel,
            DocStatus::Failed,
            Some(format!("cannot write output: {e}")),
            &layer.text,
            &scan.findings,
        );
    }
    doc_entry(&doc.rel, status, None, &layer.text, &scan.findings)
}
