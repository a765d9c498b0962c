//! The batch runner: find the documents, scan them in parallel (rayon over a sorted list,
//! ordered collect, so output is identical for any thread count), propagate names across the
//! batch, write redacted copies atomically, and collect one report entry per document.

use crate::detect::{BatchNames, Detector, DocScan};
use crate::error::{Error, Result};
use crate::limits::{Budget, Limits};
use crate::redact::verify::{self, collapse};
use crate::report::json::{DocEntry, doc_entry};
use crate::source::pdf::PdfDoc;
use crate::source::pdf::scanned::Ocr;
use crate::text::TextLayer;
use crate::text::fold::{fold_keep_case, fold_str};
use crate::{redact, source};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Outcome of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    /// `.pdf`.
    Pdf,
    /// `.eml`: an RFC 5322/MIME message.
    Eml,
    /// `.msg`: an Outlook message (written back as `.eml`).
    Msg,
    /// `.docx`: a Word document.
    Docx,
    /// A file in an input folder that no reader takes: reported, never skipped in silence.
    Unsupported,
}

/// Start of the reason of a file no reader takes; the type follows.
pub const UNSUPPORTED: &str = "unsupported: ";

/// The kind a document's content shows, which wins over its extension: a PDF named `.txt` is
/// read as a PDF, an e-mail named `.txt` as an e-mail. `Err` holds the type of a file no
/// reader takes.
pub fn resolve_kind(kind: DocKind, rel: &str, bytes: &[u8]) -> std::result::Result<DocKind, String> {
    use source::sniff::{Sniffed, sniff};
    match sniff(bytes) {
        Sniffed::Pdf => Ok(DocKind::Pdf),
        Sniffed::Docx => Ok(DocKind::Docx),
        Sniffed::Msg => Ok(DocKind::Msg),
        Sniffed::Eml => Ok(DocKind::Eml),
        Sniffed::Text if kind == DocKind::Unsupported => {
            let ext = rel.rsplit('/').next().and_then(|n| n.rsplit_once('.')).map(|x| x.1);
            Err(match ext {
                Some(e) => format!("text file with extension .{e} (not read as plain text)"),
                None => "text file without extension (not read as plain text)".into(),
            })
        }
        Sniffed::Text => Ok(kind),
        // Plain text that is not UTF-8 or holds NUL bytes gets the text reader's own advice.
        Sniffed::Other(d) if kind == DocKind::Text && (d.contains("not UTF-8") || d == "binary file") => Ok(kind),
        Sniffed::Other(d) => Err(d),
    }
}

/// One input document.
#[derive(Debug, Clone)]
pub struct DocRef {
    /// Where it is.
    pub path: PathBuf,
    /// Relative path used in reports (`/`-separated; bytes of a name that is not UTF-8 are
    /// written `\xE9`, so two such names stay apart).
    pub rel: String,
    /// Relative path under `--out`, byte for byte as the input's (even when not UTF-8).
    pub out_rel: PathBuf,
    /// Kind by extension.
    pub kind: DocKind,
}

fn kind_of(p: &Path, exts: &[String]) -> Option<DocKind> {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !exts.is_empty() && !exts.contains(&ext) {
        return None;
    }
    Some(match ext.as_str() {
        "txt" | "md" => DocKind::Text,
        "pdf" => DocKind::Pdf,
        "eml" => DocKind::Eml,
        "msg" => DocKind::Msg,
        "docx" => DocKind::Docx,
        _ => DocKind::Unsupported,
    })
}

/// The kind a file name's extension suggests (the content still decides, see
/// [`resolve_kind`]).
pub fn kind_of_name(name: &str) -> DocKind {
    kind_of(Path::new(name), &[]).unwrap_or(DocKind::Unsupported)
}

/// Does a `--ignore` pattern match this relative path? A pattern without `/` matches the file
/// name at any depth, one with `/` the whole relative path; `*` matches any run of characters
/// but `/`, `**` also `/`, `?` one character.
pub fn ignored(rel: &str, patterns: &[String]) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    patterns.iter().any(|p| {
        let target = if p.contains('/') { rel } else { name };
        glob(p.as_bytes(), target.as_bytes())
    })
}

fn glob(p: &[u8], t: &[u8]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some(b'*') if p.get(1) == Some(&b'*') => (0..=t.len()).any(|i| glob(&p[2..], &t[i..])),
        Some(b'*') => (0..=t.len())
            .take_while(|&i| i == 0 || t[i - 1] != b'/')
            .any(|i| glob(&p[1..], &t[i..])),
        Some(b'?') => !t.is_empty() && t[0] != b'/' && glob(&p[1..], &t[1..]),
        Some(&c) => t.first() == Some(&c) && glob(&p[1..], &t[1..]),
    }
}

fn rel_string(p: &Path) -> String {
    p.components()
        .map(|c| name_string(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// Every file under `dir` by the relative path a report gives it ([`DocRef::rel`]), with its
/// relative path as named on disk: the way back from a report to a file whose name is not
/// UTF-8.
pub fn files_by_rel(dir: &Path) -> Result<std::collections::HashMap<String, PathBuf>> {
    // The same walk that named the documents in the report, so the names agree.
    Ok(discover(&[dir.to_path_buf()], &[], &[])?
        .into_iter()
        .map(|d| (d.rel, d.out_rel))
        .collect())
}

/// A file name as text; bytes that are not UTF-8 (a Latin-1 name from an old archive) are
/// escaped, not replaced, so distinct names stay distinct.
fn name_string(n: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in n.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        n.to_string_lossy().into_owned()
    }
}

/// Collects the documents under the inputs, sorted by relative path. Files named on the
/// command line are taken whatever their extension; in folders every regular file is a
/// document (one no reader takes is [`DocKind::Unsupported`], reported, never skipped), or
/// only the extensions in `exts` when it is not empty. `skip` lists files that are
/// configuration (lists, config), never documents.
pub fn discover(inputs: &[PathBuf], skip: &[PathBuf], exts: &[String]) -> Result<Vec<DocRef>> {
    discover_ignoring(inputs, skip, exts, &[])
}

/// [`discover`], leaving out the files of folders that match an `--ignore` pattern
/// ([`ignored`]): what a platform export adds and the organisation chose not to publish.
pub fn discover_ignoring(
    inputs: &[PathBuf],
    skip: &[PathBuf],
    exts: &[String],
    ignore: &[String],
) -> Result<Vec<DocRef>> {
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
                        if p.file_name()
                            .is_some_and(|n| n == "woo-redact.toml" || n == "woo-redact.decisions.toml")
                            || p.canonicalize().is_ok_and(|c| skip.contains(&c))
                        {
                            continue;
                        }
                        let out_rel = p.strip_prefix(input).unwrap_or(&p).to_path_buf();
                        let rel = rel_string(&out_rel);
                        if ignored(&rel, ignore) {
                            continue;
                        }
                        docs.push(DocRef {
                            path: p,
                            rel,
                            out_rel,
                            kind,
                        });
                    }
                }
            }
        } else {
            let out_rel = PathBuf::from(input.file_name().unwrap_or_default());
            docs.push(DocRef {
                path: input.clone(),
                rel: name_string(out_rel.as_os_str()),
                out_rel,
                // Named on the command line: read as text unless its content says otherwise.
                kind: match kind_of(input, &[]) {
                    Some(DocKind::Unsupported) | None => DocKind::Text,
                    Some(k) => k,
                },
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
        // A file's copy lands at --out/<its name>: with --out its own folder, that is the file.
        let over_file = !is_dir && in_abs.parent() == Some(out_abs.as_path());
        if (is_dir && out_abs.starts_with(&in_abs)) || out_abs == in_abs || over_file {
            return Err(Error::Usage(format!(
                "--out {} is inside input {}; choose an output folder outside the inputs",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Is `path` (existing or not) equal to or inside the folder `dir`?
pub fn is_inside(path: &Path, dir: &Path) -> bool {
    absolute(path).starts_with(absolute(dir))
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
/// never sees half a file and an interrupted run leaves no partial output. Durable on disk
/// once [`crate::durable::sync_written`] has run (or at once with `--sync-each-file`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// As [`write_atomic`], with the content produced by `fill` into a buffered writer, so a large
/// file (the report of a big batch) need not be held in memory whole.
pub fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let io = |e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = temp_path(path);
    // Registered so a second interrupt can remove it before the process exits.
    crate::interrupt::track(&tmp);
    let result = (|| {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        crate::durable::written(&f, dir)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    crate::interrupt::untrack(&tmp);
    result.map_err(io)
}

/// A temporary name beside `path`, unique within the process (a counter) and between processes
/// (the pid), and short whatever the length of the final name: a name of 235-254 bytes plus a
/// suffix would pass the file system's 255-byte limit. `check` knows the pattern
/// (`.woo-redact-*.tmp`), so one left by a killed run is reported.
pub fn temp_path(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = path.parent().unwrap_or(Path::new("."));
    dir.join(format!(".woo-redact-{}-{n}.tmp", std::process::id()))
}

/// A document read into memory: its text layer, and for a PDF the interpreted document.
enum Loaded {
    Text(TextLayer),
    /// The PDF, its text layer, its bytes, and what keeps it from being published as is.
    Pdf(Box<PdfDoc>, TextLayer, Vec<u8>, Vec<source::pdf::Problem>),
    /// A message (from `.eml` or `.msg`) laid out as a reader sees it, and its layer.
    /// The flag: read from an Outlook `.msg` (written back as `.eml`).
    Mail(Box<source::mail::MailDoc>, TextLayer, bool),
    /// A Word document and its layer.
    Docx(Box<source::docx::Docx>, TextLayer),
}

impl Loaded {
    fn layer(&self) -> &TextLayer {
        match self {
            Loaded::Text(l) | Loaded::Pdf(_, l, _, _) | Loaded::Mail(_, l, _) | Loaded::Docx(_, l) => l,
        }
    }
}

/// Loads a document, or says why it cannot be read with certainty (fail closed).
/// Scans are not read here: this serves the names pass and review, OCR only the redaction.
fn load(doc: &DocRef) -> std::result::Result<Loaded, (DocStatus, String)> {
    let bytes = read_doc(&doc.path).map_err(|r| (DocStatus::Failed, r))?;
    load_bytes(&doc.rel, doc.kind, bytes, &Ocr::Off)
}

/// Reads a document's bytes, or says why not. Only regular files: reading a named pipe or a
/// device named `.txt` would block or never end.
pub fn read_doc(path: &Path) -> std::result::Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file (a pipe, socket or device): not read".into());
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

/// The text layer of a document of any kind (PDF without OCR), recognised by its content, or
/// why it cannot be read: for the commands that only read (`text`, `diff`).
pub fn read_layer(rel: &str, kind: DocKind, bytes: Vec<u8>) -> std::result::Result<TextLayer, String> {
    load_bytes(rel, kind, bytes, &Ocr::Off)
        .map(|l| match l {
            Loaded::Text(l) | Loaded::Pdf(_, l, _, _) | Loaded::Mail(_, l, _) | Loaded::Docx(_, l) => l,
        })
        .map_err(|(_, r)| r)
}

/// Loads a document from its bytes (within the current [`crate::limits::Budget`]).
fn load_bytes(rel: &str, kind: DocKind, bytes: Vec<u8>, ocr: &Ocr) -> std::result::Result<Loaded, (DocStatus, String)> {
    // An empty file is a broken export or save, not a document with nothing to redact.
    if bytes.is_empty() {
        return Err((
            DocStatus::Failed,
            "empty file (0 bytes): nothing to redact or publish; check the export".into(),
        ));
    }
    let kind = resolve_kind(kind, rel, &bytes).map_err(|t| (DocStatus::Failed, format!("{UNSUPPORTED}{t}")))?;
    match kind {
        DocKind::Unsupported => Err((DocStatus::Failed, format!("{UNSUPPORTED}unknown type"))),
        DocKind::Eml | DocKind::Msg => {
            let mail = if kind == DocKind::Eml {
                source::mail::parse_eml(&bytes)
            } else {
                source::msg::parse_msg(&bytes)
            }
            .map_err(|r| (DocStatus::Failed, r))?;
            let doc = source::mail::MailDoc::new(mail);
            let layer = doc.seg.layer();
            Ok(Loaded::Mail(Box::new(doc), layer, kind == DocKind::Msg))
        }
        DocKind::Docx => {
            let doc = source::docx::read(&bytes).map_err(|r| (DocStatus::Failed, r))?;
            let layer = doc.seg.layer();
            Ok(Loaded::Docx(Box::new(doc), layer))
        }
        DocKind::Text => source::plain::load(bytes)
            .map(Loaded::Text)
            .map_err(|r| (DocStatus::Failed, r)),
        DocKind::Pdf => {
            let pdf = source::pdf::load_with(&bytes, ocr).map_err(|r| (DocStatus::NeedsReview, r))?;
            // Problems do not stop the reading: the names it confirms still propagate, and a
            // best-effort copy is made for the reviewer.
            let problems = source::pdf::page_problems(&pdf);
            // Numbers OCR read with a letter for a digit are detected as the numbers they are.
            let layer = TextLayer::plain(source::pdf::scanned::text_for_detection(&pdf));
            Ok(Loaded::Pdf(Box::new(pdf), layer, bytes, problems))
        }
    }
}

/// Options of a redaction run.
pub struct RedactOptions<'a> {
    /// Where the publication set and the working files go.
    pub out: &'a crate::layout::OutLayout,
    /// Called once per finished document (progress).
    pub progress: &'a (dyn Fn() + Sync),
    /// Batch-wide names from a `names` pass. When set they replace the names this run would
    /// collect itself: a shard sees only part of the batch, and must propagate what all of it
    /// confirms.
    pub names: Option<&'a BatchNames>,
    /// Close every redacted document with its section-5 justification (a last page, a
    /// closing section), worded from this grounds table.
    pub justification: Option<&'a crate::rules::grounds::GroundTable>,
    /// Prefix of the inventory numbers, by which the justification names documents.
    pub document_prefix: &'a str,
    /// The reviewer's decisions, applied to every document.
    pub decisions: Option<&'a crate::triage::Decisions>,
    /// Per-document limits (time, decompressed bytes, pages).
    pub limits: Limits,
    /// Render every written PDF and its input with poppler and compare what a reader sees
    /// ([`redact::render`]); without the renderer a PDF then needs review.
    pub render_check: bool,
    /// Read scanned pages with OCR ([`source::pdf::scanned`]).
    pub ocr: Ocr,
    /// Write the OCR words that stay as an invisible text layer over the scan.
    pub ocr_layer: bool,
}

/// Pass 1: scan every document and collect the names it confirms, for batch propagation.
fn first_pass(docs: &[DocRef], detector: &Detector, limits: &Limits) -> (Vec<Option<DocScan>>, BatchNames) {
    let first = scan_all(docs, detector, limits);
    let batch = merge_names(first.iter().flatten().map(|s| (&s.surnames, &s.official_surnames)));
    (first, batch)
}

fn scan_all(docs: &[DocRef], detector: &Detector, limits: &Limits) -> Vec<Option<DocScan>> {
    docs.par_iter().map(|d| scan_one(d, detector, limits)).collect()
}

fn scan_one(d: &DocRef, detector: &Detector, limits: &Limits) -> Option<DocScan> {
    if crate::interrupt::requested().is_some() {
        return None;
    }
    // A defect triggered by one hostile file must not take the batch down with it.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _budget = Budget::enter(limits);
        let loaded = load(d).ok()?;
        crate::limits::check_time().ok()?;
        Some(detector.scan(loaded.layer()))
    }))
    .ok()
    .flatten()
}

/// Names confirmed anywhere, less any name that is an official's anywhere in the batch.
fn merge_names<'a>(scans: impl Iterator<Item = (&'a NameSet, &'a NameSet)> + Clone) -> BatchNames {
    let mut batch = BatchNames::default();
    for (surnames, _) in scans.clone() {
        batch.surnames.extend(surnames.iter().cloned());
    }
    for (_, officials) in scans {
        for o in officials {
            batch.surnames.remove(o);
        }
    }
    batch.index();
    batch
}

type NameSet = rustc_hash::FxHashSet<String>;

/// The names confirmed anywhere in the batch (pass 1 alone: the `names` command, and commands
/// that only read): the names a run over `docs` would propagate. Only the names of each
/// document are kept, never its findings or text, so memory grows with the number of distinct
/// names, not with the batch.
pub fn batch_names(docs: &[DocRef], detector: &Detector) -> BatchNames {
    batch_names_within(docs, detector, &Limits::default())
}

/// [`batch_names`] with each document read within `limits`.
fn batch_names_within(docs: &[DocRef], detector: &Detector, limits: &Limits) -> BatchNames {
    let (surnames, officials) = docs
        .par_iter()
        .map(|d| {
            scan_one(d, detector, limits)
                .map(|s| (s.surnames, s.official_surnames))
                .unwrap_or_default()
        })
        .reduce(
            || (NameSet::default(), NameSet::default()),
            |(mut a, mut b), (c, d)| {
                a.extend(c);
                b.extend(d);
                (a, b)
            },
        );
    merge_names(std::iter::once((&surnames, &officials)))
}

/// One document as a reviewer sees it: its text and findings, or why it cannot be read.
#[derive(Debug)]
pub struct Reviewed {
    /// Relative path.
    pub rel: String,
    /// Text or PDF.
    pub kind: DocKind,
    /// The text layer (clear text: review is local use).
    pub text: String,
    /// Findings after batch propagation and decisions, exactly as `redact` would report them.
    pub findings: Vec<crate::detect::Finding>,
    /// PDF: page (0-based) and box of each finding, parallel to `findings`; empty for text.
    pub places: Vec<Option<(usize, [f32; 4])>>,
    /// PDF: byte offset in `text` where each page starts; empty for text.
    pub page_starts: Vec<usize>,
    /// Why the document cannot be processed, if so.
    pub problem: Option<String>,
}

/// Pass 2 detection of one loaded document, shared by `redact` and `review` so the reviewer
/// sees exactly the findings a run would act on: rescan where a batch name is new to the
/// document, then apply the decisions. Returns the scan and the folded texts kept by decision.
fn detect_one(
    rel: &str,
    layer: &TextLayer,
    scan: Option<DocScan>,
    detector: &Detector,
    batch: &BatchNames,
    decisions: Option<&crate::triage::Decisions>,
) -> (DocScan, Vec<String>) {
    // Scan again only when a name confirmed elsewhere in the batch occurs here and is new; a
    // document without a first-pass scan (none was made, or it failed) is scanned here. Both
    // give the same findings as a scan with the batch: adding names the document already
    // confirms changes nothing, which is what lets a run with `--names` skip the first pass.
    let mut scan = match scan {
        Some(s)
            if !batch
                .found_in(&crate::text::fold::fold_str(&layer.text))
                .iter()
                .any(|n| !s.surnames.contains(*n)) =>
        {
            s
        }
        _ => detector.scan_with(layer, Some(batch)),
    };
    let kept = decisions
        .map(|d| d.apply(rel, &layer.text, &mut scan.findings))
        .unwrap_or_default();
    (scan, kept)
}

/// Detects over the whole batch (with batch-wide names and decisions) without writing
/// anything, for the reviewer.
pub fn review_all(docs: &[DocRef], detector: &Detector, decisions: Option<&crate::triage::Decisions>) -> Vec<Reviewed> {
    let limits = Limits::default();
    let (first, batch) = first_pass(docs, detector, &limits);
    docs.par_iter()
        .zip(first.into_par_iter())
        .map(|(doc, scan)| {
            let _budget = Budget::enter(&limits);
            let failed = |reason: String| Reviewed {
                rel: doc.rel.clone(),
                kind: doc.kind,
                text: String::new(),
                findings: Vec::new(),
                places: Vec::new(),
                page_starts: Vec::new(),
                problem: Some(reason),
            };
            let loaded = match load(doc) {
                Err((_, reason)) => return failed(reason),
                Ok(l) => l,
            };
            let work = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let layer = loaded.layer();
                let (scan, _) = detect_one(&doc.rel, layer, scan, detector, &batch, decisions);
                let (places, page_starts) = match &loaded {
                    Loaded::Pdf(pdf, _, _, _) => (pdf_places(pdf, &scan.findings), pdf.text.page_starts.clone()),
                    Loaded::Text(_) | Loaded::Mail(..) | Loaded::Docx(..) => (Vec::new(), Vec::new()),
                };
                let problem = match &loaded {
                    Loaded::Pdf(_, _, _, problems) if !problems.is_empty() => Some(problem_text(problems)),
                    _ => None,
                };
                Reviewed {
                    rel: doc.rel.clone(),
                    kind: doc.kind,
                    text: layer.text.clone(),
                    findings: scan.findings,
                    places,
                    page_starts,
                    problem,
                }
            }));
            work.unwrap_or_else(|_| {
                failed("internal error while processing this file (a defect: please report it)".into())
            })
        })
        .collect()
}

/// Runs the whole batch; returns one report entry per document in path order.
pub fn redact_all(docs: &[DocRef], detector: &Detector, opts: &RedactOptions) -> Vec<DocEntry> {
    let mut all = Vec::with_capacity(docs.len());
    redact_each(docs, detector, opts, &mut |e| all.push(e));
    all
}

/// Input bytes processed together (with at least four documents per thread): entries are
/// handed on per chunk, so a run holds the entries of one chunk (a few times its input), not
/// of the batch, while every core still has documents to take.
const CHUNK_BYTES: u64 = 4 << 20;

/// After an interrupt ([`crate::interrupt`]) documents not yet written get `failed` with reason
/// [`INTERRUPTED`] and nothing more is written.
///
/// Runs the whole batch and hands each document's entry to `sink`, in path order, a chunk
/// of documents at a time. Pass 1 keeps only the names each document confirms; pass 2 scans
/// every document with the batch's names (the same findings a scan without them gives where
/// the document already confirms every batch name it mentions), redacts, verifies and writes.
pub fn redact_each(docs: &[DocRef], detector: &Detector, opts: &RedactOptions, sink: &mut dyn FnMut(DocEntry)) {
    let own;
    let batch = match opts.names {
        Some(b) => b,
        None => {
            own = batch_names_within(docs, detector, &opts.limits);
            &own
        }
    };
    let mut rest = docs;
    while !rest.is_empty() {
        let sizes = rest
            .iter()
            .map(|d| std::fs::metadata(&d.path).map(|m| m.len()).unwrap_or(0));
        let n = chunk_len(sizes, 4 * rayon::current_num_threads(), CHUNK_BYTES);
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        let entries: Vec<Vec<DocEntry>> = chunk
            .par_iter()
            .map(|doc| {
                let entry = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    redact_one(doc, None, detector, batch, opts)
                }))
                .unwrap_or_else(|_| {
                    vec![doc_entry(
                        &doc.rel,
                        DocStatus::Failed,
                        Some(
                            "internal error while processing this file (a defect: please report it); no output written"
                                .into(),
                        ),
                        "",
                        &[],
                        &[],
                    )]
                });
                (opts.progress)();
                entry
            })
            .collect();
        for e in entries.into_iter().flatten() {
            sink(e);
        }
    }
}

/// How many of the next documents (by size) make a chunk: at least `min_docs` (and one), and
/// more while the chunk is under `max_bytes`.
fn chunk_len(sizes: impl Iterator<Item = u64>, min_docs: usize, max_bytes: u64) -> usize {
    let mut bytes = 0;
    sizes
        .enumerate()
        .take_while(|&(i, size)| {
            let fits = bytes < max_bytes || i < min_docs;
            bytes += size;
            fits
        })
        .count()
        .max(1)
}

/// Reason given to documents a run did not finish because it was interrupted.
pub const INTERRUPTED: &str = "interrupted before this document was written";

/// Processes and writes one document; a message gives its attachments' entries after its own.
fn redact_one(
    doc: &DocRef,
    scan: Option<DocScan>,
    detector: &Detector,
    batch: &BatchNames,
    opts: &RedactOptions,
) -> Vec<DocEntry> {
    let interrupted = || {
        vec![doc_entry(
            &doc.rel,
            DocStatus::Failed,
            Some(INTERRUPTED.into()),
            "",
            &[],
            &[],
        )]
    };
    if crate::interrupt::requested().is_some() {
        return interrupted();
    }
    let _budget = Budget::enter(&opts.limits);
    let bytes = match read_doc(&doc.path) {
        Ok(b) => b,
        Err(r) => return vec![doc_entry(&doc.rel, DocStatus::Failed, Some(r), "", &[], &[])],
    };
    let p = process(&doc.rel, doc.kind, bytes, scan, detector, batch, opts);
    let mut out_rel = doc.out_rel.clone().into_os_string();
    out_rel.push(p.suffix);
    let out_rel = PathBuf::from(out_rel);
    let mut folder = out_rel.clone().into_os_string();
    folder.push(ATTACHMENTS_SUFFIX);
    let folder = PathBuf::from(folder);
    let mut writes = vec![(out_rel, p.entry, p.output)];
    writes.extend(
        p.attachments
            .into_iter()
            .map(|a| (folder.join(&a.tail), a.entry, a.output)),
    );
    // Checked last: a document finished after the interrupt is dropped, not half-written.
    if crate::interrupt::requested().is_some() {
        return interrupted();
    }
    writes
        .into_iter()
        .map(|(rel_out, mut entry, output)| {
            let (path, bytes) = match output {
                Output::None => return entry,
                Output::Publish(b) => (opts.out.publication().join(&rel_out), b),
                Output::Review(b) => {
                    // Relative to the working folder, where the report that names it lies.
                    entry.review_copy = Some(format!("{}/{}", crate::layout::REVIEW, entry.path));
                    (opts.out.review().join(&rel_out), b)
                }
            };
            if let Err(e) = write_atomic(&path, &bytes) {
                entry.status = DocStatus::Failed;
                entry.reason = Some(format!("cannot write output: {e}"));
            }
            entry
        })
        .collect()
}

/// Redacts one document given as bytes, alone (no batch names, no decisions), within
/// `limits`: the report entry, and the verified output when the document may be published.
/// The whole pipeline of a batch minus the file system, for fuzzing and embedding.
pub fn redact_bytes(
    rel: &str,
    kind: DocKind,
    bytes: Vec<u8>,
    detector: &Detector,
    limits: &Limits,
) -> (DocEntry, Option<Vec<u8>>) {
    let _budget = Budget::enter(limits);
    // The names this document confirms propagate within it, as in a batch of one.
    let scan = load_bytes(rel, kind, bytes.clone(), &Ocr::Off)
        .ok()
        .map(|l| detector.scan(l.layer()));
    let mut batch = BatchNames::default();
    if let Some(s) = &scan {
        batch.surnames.extend(s.surnames.iter().cloned());
        for o in &s.official_surnames {
            batch.surnames.remove(o);
        }
    }
    batch.index();
    let nowhere = crate::layout::OutLayout::new(Path::new(""));
    let opts = RedactOptions {
        out: &nowhere,
        progress: &|| {},
        justification: None,
        document_prefix: "WOO-",
        decisions: None,
        names: None,
        limits: *limits,
        // Embedding and fuzzing run without a subprocess per document.
        render_check: false,
        ocr: Ocr::Off,
        ocr_layer: true,
    };
    let p = process(rel, kind, bytes, scan, detector, &batch, &opts);
    match p.output {
        Output::Publish(b) => (p.entry, Some(b)),
        _ => (p.entry, None),
    }
}

/// What processing one document gives to write.
enum Output {
    /// Verified: published at its path under `--out`.
    Publish(Vec<u8>),
    /// Not verified or not complete: a best-effort copy for the reviewer, under [`crate::layout::REVIEW`].
    Review(Vec<u8>),
    /// Nothing.
    None,
}

/// The problems of a PDF as one reason.
fn problem_text(problems: &[source::pdf::Problem]) -> String {
    let reasons: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    reasons.join("; ")
}

/// What processing one document gives: its entry, what to write, and for a message its
/// attachments, each a document of its own.
struct Processed {
    entry: DocEntry,
    output: Output,
    /// Appended to the output's file name: `.eml` for an Outlook message written as e-mail.
    suffix: &'static str,
    attachments: Vec<Attached>,
}

/// An attachment of a message, processed as a document of its own.
struct Attached {
    /// Its path below the message's attachment folder (`<message>.bijlagen/`), `/`-separated.
    tail: String,
    entry: DocEntry,
    output: Output,
}

/// The folder beside a message that holds its attachments as documents of their own.
pub const ATTACHMENTS_SUFFIX: &str = ".bijlagen";

/// Load, detect, redact and verify one document (within the caller's budget).
fn process(
    rel: &str,
    kind: DocKind,
    bytes: Vec<u8>,
    scan: Option<DocScan>,
    detector: &Detector,
    batch: &BatchNames,
    opts: &RedactOptions,
) -> Processed {
    let single = |(entry, output)| Processed {
        entry,
        output,
        suffix: "",
        attachments: Vec::new(),
    };
    let loaded = match load_bytes(rel, kind, bytes, &opts.ocr) {
        Ok(l) => l,
        Err((status, reason)) => return single((doc_entry(rel, status, Some(reason), "", &[], &[]), Output::None)),
    };
    if let Err(e) = crate::limits::check_time() {
        return single((
            doc_entry(rel, DocStatus::NeedsReview, Some(e.to_string()), "", &[], &[]),
            Output::None,
        ));
    }
    match loaded {
        Loaded::Mail(doc, layer, from_msg) => {
            let suffix = if from_msg { ".eml" } else { "" };
            process_mail(rel, suffix, &doc, &layer, scan, detector, batch, opts)
        }
        loaded => single(process_loaded(rel, loaded, scan, detector, batch, opts)),
    }
}

/// A message: headers, subject and bodies redacted in place, each attachment processed as a
/// document of its own (in its own format), the message written as `.eml` with the attachments
/// that may be published and a line for each one left out, and read back to verify.
#[allow(clippy::too_many_arguments)]
fn process_mail(
    rel: &str,
    suffix: &'static str,
    doc: &source::mail::MailDoc,
    layer: &TextLayer,
    scan: Option<DocScan>,
    detector: &Detector,
    batch: &BatchNames,
    opts: &RedactOptions,
) -> Processed {
    let path = format!("{rel}{suffix}");
    let (scan, kept) = detect_one(rel, layer, scan, detector, batch, opts.decisions);
    let new = redact::segments::apply(&doc.seg, &scan.findings);
    let template = &detector.rules().grounds.template;
    let mut outs = Vec::new();
    let mut notes = Vec::new();
    let mut attachments = Vec::new();
    for (i, a) in doc.mail.attachments.iter().enumerate() {
        let name = doc
            .attachment_segs
            .get(i)
            .copied()
            .flatten()
            .and_then(|k| new.get(k).cloned().flatten())
            .unwrap_or_else(|| a.name.clone());
        let safe = attachment_file_name(&name, i);
        let sub = format!("{path}{ATTACHMENTS_SUFFIX}/{safe}");
        let kind = kind_of(Path::new(&safe), &[]).unwrap_or(DocKind::Unsupported);
        let p = process(&sub, kind, a.bytes.clone(), None, detector, batch, opts);
        let tail = format!("{safe}{}", p.suffix);
        match &p.output {
            Output::Publish(b) => outs.push(redact::mail::OutAttachment {
                name: tail.clone(),
                content_type: if p.suffix == ".eml" {
                    "message/rfc822".into()
                } else {
                    a.content_type.clone()
                },
                bytes: b.clone(),
            }),
            _ if !template.attachment_removed.is_empty() => notes.push(crate::justify::fill(
                &template.attachment_removed,
                &[("name", name.clone())],
            )),
            _ => {}
        }
        let mut entry = p.entry;
        entry.attached_to = Some(path.clone());
        attachments.push(Attached {
            tail: tail.clone(),
            entry,
            output: p.output,
        });
        for inner in p.attachments {
            attachments.push(Attached {
                tail: format!("{tail}{ATTACHMENTS_SUFFIX}/{}", inner.tail),
                ..inner
            });
        }
    }
    let bytes = redact::mail::write_eml(doc, &new, &outs, &notes);
    let entry = |status, reason| doc_entry(&path, status, reason, &layer.text, &scan.findings, &[]);
    // Read back as a reader would, and detect again: nothing redacted may be found.
    let verified = source::mail::parse_eml(&bytes)
        .map_err(|r| format!("verification: the written message cannot be read back: {r}"))
        .and_then(|m| {
            let again = source::mail::MailDoc::new(m);
            let text = &again.seg.text;
            let found = detector.scan_with(&again.seg.layer(), Some(batch));
            match found
                .findings
                .iter()
                .find(|f| f.redacted() && !kept.contains(&fold_str(&text[f.start..f.end])))
            {
                Some(f) => Err(format!(
                    "verification found {} ({}) still present in the written message",
                    f.category.as_str(),
                    f.rule
                )),
                None => Ok(()),
            }
        });
    let (entry, output) = match verified.and_then(|()| crate::limits::check_time().map_err(|e| e.to_string())) {
        Ok(()) => {
            let status = if scan.findings.iter().any(|f| f.redacted()) {
                DocStatus::Redacted
            } else {
                DocStatus::Clean
            };
            (entry(status, None), Output::Publish(bytes))
        }
        Err(reason) => (entry(DocStatus::NeedsReview, Some(reason)), Output::Review(bytes)),
    };
    Processed {
        entry,
        output,
        suffix,
        attachments,
    }
}

/// An attachment's file name as written: its number first (two attachments may share a
/// name), no path separators or control characters.
fn attachment_file_name(name: &str, i: usize) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_start_matches('.');
    let clean = if clean.is_empty() { "bijlage" } else { clean };
    // Long names are cut on a character boundary, keeping the extension.
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((s, e)) if e.len() <= 8 && !s.is_empty() => (s, format!(".{e}")),
        _ => (clean, String::new()),
    };
    let stem: String = stem.chars().take(120).collect();
    format!("{}-{stem}{ext}", i + 1)
}

/// Detect, redact and verify one loaded document that is not a message.
fn process_loaded(
    rel: &str,
    loaded: Loaded,
    scan: Option<DocScan>,
    detector: &Detector,
    batch: &BatchNames,
    opts: &RedactOptions,
) -> (DocEntry, Output) {
    let over = |e: crate::limits::Exceeded| {
        (
            doc_entry(rel, DocStatus::NeedsReview, Some(e.to_string()), "", &[], &[]),
            Output::None,
        )
    };
    let layer = loaded.layer();
    let (scan, verifier_kept) = detect_one(rel, layer, scan, detector, batch, opts.decisions);
    // A page read by OCR is read again from the written pixels: its invisible layer is ours,
    // and must not stand in for what the image still shows.
    let reread = match (&opts.ocr, &loaded) {
        (Ocr::On(o), Loaded::Pdf(pdf, ..)) if pdf.pages.iter().any(|p| p.ocr.iter().any(|r| r.error.is_none())) => {
            Ocr::Reread(o.clone())
        }
        _ => Ocr::Off,
    };
    let verifier = Verifier {
        detector,
        batch,
        kept: &verifier_kept,
        ocr: &reread,
    };
    let places = match &loaded {
        Loaded::Pdf(pdf, _, _, _) => pdf_places(pdf, &scan.findings),
        Loaded::Text(_) | Loaded::Mail(..) | Loaded::Docx(..) => Vec::new(),
    };
    let closing = opts
        .justification
        .filter(|_| scan.findings.iter().any(|f| f.redacted()))
        .map(|table| {
            let entry = doc_entry(rel, DocStatus::Redacted, None, &layer.text, &scan.findings, &[]);
            crate::justify::section5(&[&entry], table, opts.document_prefix)
        });
    if let Err(e) = crate::limits::check_time() {
        return over(e);
    }
    let notes = &detector.rules().grounds.template.cleaning;
    let entry = |status, reason| doc_entry(rel, status, reason, &layer.text, &scan.findings, &places);
    let result = match &loaded {
        Loaded::Text(layer) => redact_text(layer, &scan, closing.as_deref(), &verifier)
            .map(|b| (b, Vec::new()))
            .map_err(|r| (r, None)),
        Loaded::Docx(doc, _) => redact_docx(doc, &scan, &verifier).map(|b| (b, docx_cleaning(doc, notes))),
        // Messages have their own path (`process_mail`) and never come here.
        Loaded::Mail(..) => Err(("internal error: a message reached the document writer".into(), None)),
        Loaded::Pdf(pdf, _, input, problems) if !problems.is_empty() => {
            // Not publishable as is: the best effort goes to the reviewer, unverified, unless
            // the reading itself was cut short (then even the best effort is not one).
            let mut e = entry(DocStatus::NeedsReview, Some(problem_text(problems)));
            if problems.iter().any(|p| p.review == source::pdf::Review::Unreadable) {
                return (e, Output::None);
            }
            let copy = redact_pdf_unverified(rel, pdf, input, &scan, closing.as_deref(), opts.ocr_layer);
            return match copy {
                Ok(done) => {
                    e.cleaned = cleaning(&done, pdf, notes, opts.ocr_layer);
                    (e, Output::Review(done.bytes))
                }
                Err(_) => (e, Output::None),
            };
        }
        Loaded::Pdf(pdf, _, input, _) => {
            redact_pdf(rel, pdf, input, &scan, closing.as_deref(), &verifier, opts.ocr_layer)
                .and_then(|done| {
                    if !opts.render_check {
                        return Ok(done);
                    }
                    match render_check(input, pdf, &done) {
                        Ok(()) => Ok(done),
                        Err(reason) => Err((reason, Some(Box::new(done)))),
                    }
                })
                .map(|done| (done.bytes.clone(), cleaning(&done, pdf, notes, opts.ocr_layer)))
                .map_err(|(reason, done)| (reason, done.map(|d| d.bytes)))
        }
    };
    let (bytes, cleaned) = match result {
        Ok(b) => b,
        Err((reason, Some(copy))) => return (entry(DocStatus::NeedsReview, Some(reason)), Output::Review(copy)),
        Err((reason, None)) => return (entry(DocStatus::NeedsReview, Some(reason)), Output::None),
    };
    // Verification may have run past the limit: a late result is not trusted either.
    if let Err(e) = crate::limits::check_time() {
        return (entry(DocStatus::NeedsReview, Some(e.to_string())), Output::None);
    }
    let redacted = scan.findings.iter().any(|f| f.redacted());
    let status = if redacted {
        DocStatus::Redacted
    } else {
        DocStatus::Clean
    };
    let mut e = entry(status, None);
    e.cleaned = cleaned;
    if let Loaded::Pdf(pdf, ..) = &loaded {
        e.earlier_grounds = earlier_grounds(pdf, &detector.rules().grounds);
    }
    (e, Output::Publish(bytes))
}

/// The grounds named by labelled boxes already in a PDF (an earlier redaction round).
fn earlier_grounds(pdf: &PdfDoc, grounds: &crate::rules::grounds::GroundTable) -> Vec<String> {
    let mut out: Vec<String> = source::pdf::audit::dark_boxes(pdf)
        .iter()
        .flat_map(|b| crate::rules::grounds::box_label(&b.label, &b.beside, grounds).grounds)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The report's account of what cleaning a PDF removed besides the redactions, worded from
/// the grounds table's template.
fn cleaning(
    done: &redact::pdf::Redacted,
    pdf: &PdfDoc,
    notes: &std::collections::BTreeMap<String, String>,
    ocr_layer: bool,
) -> Vec<crate::report::json::Cleaning> {
    let flattened = &pdf.flattened;
    use crate::source::pdf::interp::Hidden;
    let note = |kind: &str| notes.get(kind).cloned().unwrap_or_else(|| kind.to_string());
    let mut out: Vec<crate::report::json::Cleaning> = Vec::new();
    for h in &done.hidden {
        let kind = match h.kind {
            Hidden::UnderFill(_) => "under-box",
            Hidden::OffPage => "off-page",
            Hidden::White => "white",
            Hidden::Clipped => "clipped",
            Hidden::Tiny => "tiny",
            Hidden::NotPainted => "invisible",
            Hidden::Transparent => "transparent",
            Hidden::OffLayer => "hidden-layer",
        };
        match out.iter_mut().find(|c| c.page == h.page + 1 && c.kind == kind) {
            Some(c) => c.chars += h.chars,
            None => out.push(crate::report::json::Cleaning {
                page: h.page + 1,
                kind: kind.to_string(),
                chars: h.chars,
                note: note(kind),
            }),
        }
    }
    for f in flattened {
        if !out
            .iter()
            .any(|c| c.page == f.page + 1 && c.kind == "annotation-flattened")
        {
            out.push(crate::report::json::Cleaning {
                page: f.page + 1,
                kind: "annotation-flattened".into(),
                chars: 0,
                note: note("annotation-flattened"),
            });
        }
    }
    for &(page, _) in &done.painted {
        if !out.iter().any(|c| c.page == page + 1 && c.kind == "image-painted") {
            out.push(crate::report::json::Cleaning {
                page: page + 1,
                kind: "image-painted".into(),
                chars: 0,
                note: note("image-painted"),
            });
        }
    }
    // Scanned pages read by OCR: the characters read, and the searchable layer written.
    for (i, scan) in pdf.pages.iter().enumerate() {
        let read = scan
            .glyphs
            .iter()
            .filter(|g| g.addr.stream == source::pdf::interp::StreamRef::Ocr && g.has_text())
            .count();
        if read == 0 {
            continue;
        }
        out.push(crate::report::json::Cleaning {
            page: i + 1,
            kind: "ocr".into(),
            chars: read,
            note: note("ocr"),
        });
        if ocr_layer {
            out.push(crate::report::json::Cleaning {
                page: i + 1,
                kind: "ocr-layer".into(),
                chars: 0,
                note: note("ocr-layer"),
            });
        }
    }
    out.sort_by(|a, b| (a.page, &a.kind).cmp(&(b.page, &b.kind)));
    out
}

/// What verification needs: the detector, the names of the batch, and the texts a reviewer
/// decided to keep (they are not leaks).
struct Verifier<'a> {
    detector: &'a Detector,
    batch: &'a BatchNames,
    kept: &'a [String],
    /// How the written PDF's scanned images are read back.
    ocr: &'a Ocr,
}

/// Text: labels in place of the spans; verified by scanning the output again.
fn redact_text(
    layer: &TextLayer,
    scan: &DocScan,
    closing: Option<&str>,
    v: &Verifier,
) -> std::result::Result<Vec<u8>, String> {
    let mut redacted = redact::text::apply(&layer.text, &scan.findings);
    if let Some(c) = closing {
        redacted.push_str(if redacted.ends_with('\n') { "\n" } else { "\n\n" });
        redacted.push_str(c);
    }
    let again = v.detector.scan_with(&TextLayer::plain(redacted.clone()), Some(v.batch));
    if let Some(f) = again
        .findings
        .iter()
        .find(|f| f.redacted() && !v.kept.contains(&fold_str(&redacted[f.start..f.end])))
    {
        let (line, _) = crate::text::line_col(&redacted, f.start);
        return Err(format!(
            "verification found {} ({}) still present near line {line} after redaction",
            f.category.as_str(),
            f.rule
        ));
    }
    Ok(redacted.into_bytes())
}

/// Word: labels in the runs, revisions, comments, hidden text, properties and embedded parts
/// removed; verified by reading the written package back and detecting again. A failed
/// verification hands the copy to the reviewer.
fn redact_docx(
    doc: &source::docx::Docx,
    scan: &DocScan,
    v: &Verifier,
) -> std::result::Result<Vec<u8>, (String, Option<Vec<u8>>)> {
    let new = redact::segments::apply(&doc.seg, &scan.findings);
    let bytes = redact::docx::write(doc, &new).map_err(|r| (r, None))?;
    let back = match source::docx::read(&bytes) {
        Ok(b) => b,
        Err(r) => {
            return Err((
                format!("verification: the written document cannot be read back: {r}"),
                Some(bytes),
            ));
        }
    };
    if let Some(p) = back.problems.first() {
        return Err((
            format!("verification: the written document still holds {} ({})", p.kind, p.part),
            Some(bytes),
        ));
    }
    let text = &back.seg.text;
    let again = v.detector.scan_with(&back.seg.layer(), Some(v.batch));
    if let Some(f) = again
        .findings
        .iter()
        .find(|f| f.redacted() && !v.kept.contains(&fold_str(&text[f.start..f.end])))
    {
        return Err((
            format!(
                "verification found {} ({}) still present in the written document",
                f.category.as_str(),
                f.rule
            ),
            Some(bytes),
        ));
    }
    Ok(bytes)
}

/// The report's account of what cleaning a Word document removed (one line per kind, page 0:
/// a Word document has no fixed pages), worded from the grounds table's template.
fn docx_cleaning(
    doc: &source::docx::Docx,
    notes: &std::collections::BTreeMap<String, String>,
) -> Vec<crate::report::json::Cleaning> {
    let mut kinds: Vec<&str> = doc.problems.iter().map(|p| p.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|k| crate::report::json::Cleaning {
            page: 0,
            kind: k.to_string(),
            chars: 0,
            note: notes.get(k).cloned().unwrap_or_else(|| k.to_string()),
        })
        .collect()
}

/// Page and box of each finding of a PDF (for the report).
fn pdf_places(pdf: &PdfDoc, findings: &[crate::detect::Finding]) -> Vec<Option<(usize, [f32; 4])>> {
    findings
        .iter()
        .map(|f| {
            let mut it = pdf.text.glyphs_in(f.start, f.end);
            let (page, gi) = it.next()?;
            let mut r = pdf.pages[page].glyphs[gi].bbox;
            for (p, g) in it.filter(|(p, _)| *p == page) {
                let b = pdf.pages[p].glyphs[g].bbox;
                r = [r[0].min(b[0]), r[1].min(b[1]), r[2].max(b[2]), r[3].max(b[3])];
            }
            Some((page, r))
        })
        .collect()
}

/// PDF: glyphs removed, boxes drawn, document sanitised; verified by reading the written bytes
/// back with our interpreter and lopdf's extractor, scanning every object, and detecting again.
fn redact_pdf(
    rel: &str,
    pdf: &PdfDoc,
    input: &[u8],
    scan: &DocScan,
    closing: Option<&str>,
    v: &Verifier,
    ocr_layer: bool,
) -> std::result::Result<redact::pdf::Redacted, Unverified> {
    let done = redact_pdf_unverified(rel, pdf, input, scan, closing, ocr_layer).map_err(|r| (r, None))?;
    // Needles are the redacted texts, with the parts of one span that a line break split
    // joined again: "12 augustus" alone would also match an ordinary date elsewhere.
    let text = &source::pdf::scanned::text_for_detection(pdf);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for f in scan.findings.iter().filter(|f| f.redacted()) {
        match spans.last_mut() {
            Some(last) if text[last.1..f.start].trim().is_empty() && text[last.1..f.start].contains('\n') => {
                last.1 = f.end
            }
            _ => spans.push((f.start, f.end)),
        }
    }
    // Each may stay in the output as often as the input shows it outside every redaction
    // (an ordinary word that is also part of a redacted address, a name also kept elsewhere).
    let expected = collapse(&fold_keep_case(&redact::text::apply(text, &scan.findings)));
    let needles: Vec<verify::Needle> = spans
        .iter()
        .map(|&(a, b)| collapse(&fold_keep_case(&text[a..b])))
        .filter(|n| n.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
        .map(|n| verify::Needle {
            allowed: verify::count_words(&expected, &n),
            text: n,
        })
        .collect();
    match verify::pdf(&done.bytes, &needles, v.detector, v.batch, v.kept, v.ocr) {
        Ok(()) => Ok(done),
        Err(reason) => Err((reason, Some(Box::new(done)))),
    }
}

/// What a reader sees: the input and the output rendered by poppler must look the same
/// outside the boxes, and dark inside them.
fn render_check(input: &[u8], pdf: &PdfDoc, done: &redact::pdf::Redacted) -> std::result::Result<(), String> {
    use redact::render::{PageMask, RenderError, RenderOptions, compare};
    let mut masks: Vec<PageMask> = Vec::new();
    // The input is rendered without its annotations; those drawn into the page may differ.
    for f in &pdf.flattened {
        match masks.iter_mut().find(|m| m.page == f.page) {
            Some(m) => m.changed.push(f.rect),
            None => masks.push(PageMask {
                page: f.page,
                changed: vec![f.rect],
                dark: Vec::new(),
            }),
        }
    }
    for b in &done.boxes {
        match masks.iter_mut().find(|m| m.page == b.page) {
            Some(m) => m.dark.push(b.rect),
            None => masks.push(PageMask {
                page: b.page,
                changed: Vec::new(),
                dark: vec![b.rect],
            }),
        }
    }
    for &(page, area) in &done.painted_areas {
        match masks.iter_mut().find(|m| m.page == page) {
            Some(m) => m.changed.push(area),
            None => masks.push(PageMask {
                page,
                changed: vec![area],
                dark: Vec::new(),
            }),
        }
    }
    match compare(input, &done.bytes, &masks, &RenderOptions::default()) {
        Ok(_) => Ok(()),
        Err(RenderError::NotInstalled { .. }) => Err(
            "the rendered comparison cannot run: poppler's pdftoppm is not installed (apt-get install poppler-utils, or --no-render-check)".into(),
        ),
        Err(e) => Err(format!("verification (rendered comparison): {e}")),
    }
}

/// Why verification failed, and the redaction that failed it (for the reviewer's copy).
type Unverified = (String, Option<Box<redact::pdf::Redacted>>);

/// Removes, paints, draws and sanitises, without verifying.
fn redact_pdf_unverified(
    rel: &str,
    pdf: &PdfDoc,
    input: &[u8],
    scan: &DocScan,
    closing: Option<&str>,
    ocr_layer: bool,
) -> std::result::Result<redact::pdf::Redacted, String> {
    let mut seed = rel.as_bytes().to_vec();
    seed.extend_from_slice(&(input.len() as u64).to_be_bytes());
    seed.extend_from_slice(&input[..input.len().min(4096)]);
    redact::pdf::redact_with(pdf, &scan.findings, &seed, closing, ocr_layer)
}

#[cfg(test)]
mod tests {
    use super::chunk_len;

    #[test]
    fn chunks_hold_enough_documents_and_bounded_bytes() {
        // Small documents: cut once the bytes reach the limit.
        assert_eq!(chunk_len([10u64; 100].into_iter(), 4, 50), 5);
        // Large documents: never fewer than the minimum per chunk.
        assert_eq!(chunk_len([1000u64; 100].into_iter(), 4, 50), 4);
        // The tail, and an empty rest.
        assert_eq!(chunk_len([10u64; 3].into_iter(), 4, 50), 3);
        assert_eq!(chunk_len(std::iter::empty(), 4, 50), 1);
    }
}
