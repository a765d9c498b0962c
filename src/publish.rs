//! The files of an out folder besides the redacted documents: `report.json` and the
//! publication package. A single run and `merge` both write through here, so a merged batch
//! gives the same bytes as one run over it.

use crate::batch::{DocStatus, write_atomic};
use crate::error::{Error, Result};
use crate::layout::{self, OutLayout};
use crate::report::json::{DocEntry, Report, Totals};
use crate::rules::grounds::GroundTable;
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// Findings serialised at once (about 300 bytes of JSON each): enough to keep every core busy,
/// few enough that the text of a large report is never held whole.
const CHUNK_FINDINGS: usize = 32_768;

/// What the package files say besides the report itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PackageOptions {
    /// Prefix of the stable document numbers.
    pub document_prefix: String,
    /// The Besluitnaam column of the inventory.
    pub decision_name: String,
    /// Also write `inventaris.xlsx`.
    pub xlsx: bool,
}

/// A file written under a temporary name beside its place and renamed there by `commit`, so a
/// reader never sees half a file; dropped uncommitted, the temporary file is removed.
struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    w: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    fn create(path: &Path) -> Result<Self> {
        let tmp = crate::batch::temp_path(path);
        // Registered so a second interrupt can remove it before the process exits.
        crate::interrupt::track(&tmp);
        let f = std::fs::File::create(&tmp).map_err(|e| io_error(&tmp, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            w: Some(std::io::BufWriter::new(f)),
        })
    }

    fn commit(mut self) -> Result<()> {
        let done = (|| {
            let f = self.w.take().map(|w| w.into_inner().map_err(|e| e.into_error()));
            if let Some(f) = f {
                let dir = self.path.parent().unwrap_or(Path::new("."));
                crate::durable::written(&f?, dir)?;
            }
            std::fs::rename(&self.tmp, &self.path)
        })();
        done.map_err(|e| io_error(&self.path, e))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.w {
            Some(w) => w.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.w {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // After a rename there is nothing left to remove; after a failure, the partial file.
        self.w = None;
        let _ = std::fs::remove_file(&self.tmp);
        crate::interrupt::untrack(&self.tmp);
    }
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// The report entries of a run, parked on disk (one JSON line each, in path order) as the
/// documents finish, with the totals kept as they come: a run then holds one chunk of entries
/// at a time, not one per finding of the whole batch. The file is removed when dropped.
pub struct Spill {
    path: PathBuf,
    w: Option<std::io::BufWriter<std::fs::File>>,
    totals: Totals,
}

impl Spill {
    /// A new spill file in the working folder of `out` (same disk, and cleaned up with it).
    pub fn create(out: &OutLayout) -> Result<Self> {
        let dir = out.work();
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let path = dir.join(format!(".woo-redact-entries-{}.jsonl", std::process::id()));
        crate::interrupt::track(&path);
        let f = std::fs::File::create(&path).map_err(|e| io_error(&path, e))?;
        Ok(Spill {
            path,
            w: Some(std::io::BufWriter::new(f)),
            totals: Totals::default(),
        })
    }

    /// Appends the next document's entry (documents must come in path order).
    pub fn push(&mut self, e: &DocEntry) -> Result<()> {
        add_to_totals(&mut self.totals, e);
        let path = &self.path;
        let w = self
            .w
            .as_mut()
            .ok_or_else(|| io_error(path, std::io::Error::other("spill already read")))?;
        serde_json::to_writer(&mut *w, e)
            .map_err(std::io::Error::other)
            .and_then(|_| w.write_all(b"\n"))
            .map_err(|e| io_error(path, e))
    }

    /// The totals so far.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        self.w = None;
        let _ = std::fs::remove_file(&self.path);
        crate::interrupt::untrack(&self.path);
    }
}

/// The same totals `report::json::build` computes, one document at a time.
fn add_to_totals(t: &mut Totals, d: &DocEntry) {
    t.documents += 1;
    *t.status.entry(d.status.as_str().to_string()).or_default() += 1;
    for (g, n) in &d.grounds {
        *t.grounds.entry(g.clone()).or_default() += n;
    }
}

/// Writes `report.json` and the package of a finished run from its spilled entries; returns
/// the totals. `stale` are the reviewer decisions no document used.
pub fn write_spilled(
    out: &OutLayout,
    mut spill: Spill,
    stale: Vec<String>,
    grounds: &GroundTable,
    opts: &PackageOptions,
) -> Result<Totals> {
    let totals = std::mem::take(&mut spill.totals);
    if let Some(w) = spill.w.take() {
        w.into_inner()
            .map_err(|e| e.into_error())
            .map_err(|e| io_error(&spill.path, e))?;
    }
    let f = std::fs::File::open(&spill.path).map_err(|e| io_error(&spill.path, e))?;
    let path = spill.path.clone();
    // Lines are parsed in the parallel part of the report writer, not here.
    let docs = std::io::BufReader::new(f)
        .lines()
        .map(move |l| l.map(Pending::Line).map_err(|e| io_error(&path, e)));
    write_stream(out, totals, stale, docs, grounds, opts)
}

/// Writes `report.json` and the package of a report held in memory (`merge`); returns the
/// totals.
pub fn write(out: &OutLayout, rep: Report, grounds: &GroundTable, opts: &PackageOptions) -> Result<Totals> {
    write_stream(
        out,
        rep.totals,
        rep.stale_decisions,
        rep.documents.into_iter().map(|d| Ok(Pending::Entry(Box::new(d)))),
        grounds,
        opts,
    )
}

/// One pass over the documents (path order) writes `report.json`, `inventaris.csv` and
/// `redactielog.csv` and gathers the section-5 text; then `toelichting.md`, `.html` and, if
/// asked, `inventaris.xlsx`. Each document gets its own section-5 block in the report.
fn write_stream(
    out: &OutLayout,
    totals: Totals,
    stale: Vec<String>,
    docs: impl Iterator<Item = Result<Pending>>,
    grounds: &GroundTable,
    opts: &PackageOptions,
) -> Result<Totals> {
    let mut frame = crate::report::json::build(Vec::new());
    frame.totals = totals;
    frame.stale_decisions = stale;
    let (publication, work) = (out.publication(), out.work());
    for d in [&publication, &work] {
        std::fs::create_dir_all(d).map_err(|e| io_error(d, e))?;
    }
    let inv_path = publication.join(layout::INVENTORY);
    let report_path = work.join(layout::REPORT);
    let mut report = AtomicFile::create(&report_path)?;
    let inv = AtomicFile::create(&inv_path)?;
    let log = AtomicFile::create(&work.join(layout::LOG))?;
    let mut rows = crate::justify::PackageRows::new(inv, log, &opts.document_prefix, &opts.decision_name);
    let mut section = crate::justify::Section5::new(&opts.document_prefix);
    let annotate = |mut d: DocEntry| {
        if d.status == DocStatus::Redacted {
            d.section5 = Some(crate::justify::section5(&[&d], grounds, &opts.document_prefix));
        }
        d
    };
    write_report(&mut report, &frame, docs, annotate, |d| {
        section.add(d);
        rows.add(d, grounds).map_err(|e| io_error(&inv_path, e.into()))
    })
    .map_err(|e| match e {
        ReportError::Io(e) => io_error(&report_path, e),
        ReportError::Doc(e) => e,
    })?;
    report.commit()?;
    let (inv, log) = rows.finish().map_err(|e| io_error(&inv_path, e))?;
    inv.commit()?;
    log.commit()?;
    let md = section.render(grounds);
    write_atomic(&publication.join(layout::JUSTIFICATION_MD), md.as_bytes())?;
    write_atomic(
        &publication.join(layout::JUSTIFICATION_HTML),
        crate::justify::toelichting_html(&md).as_bytes(),
    )?;
    if opts.xlsx {
        let csv = std::fs::read(&inv_path).map_err(|e| io_error(&inv_path, e))?;
        let xlsx_path = publication.join(layout::INVENTORY_XLSX);
        let xlsx = crate::justify::inventory_xlsx(&csv).map_err(|e| io_error(&xlsx_path, std::io::Error::other(e)))?;
        write_atomic(&xlsx_path, &xlsx)?;
    }
    Ok(frame.totals)
}

/// A document on its way into the report: in memory already, or a spilled JSON line.
enum Pending {
    Entry(Box<DocEntry>),
    Line(String),
}

impl Pending {
    /// About how many findings it holds (a spilled finding is some 250 bytes of JSON).
    fn weight(&self) -> usize {
        match self {
            Pending::Entry(d) => 1 + d.findings.len() + d.kept.len(),
            Pending::Line(l) => 1 + l.len() / 256,
        }
    }

    fn into_entry(self) -> std::io::Result<DocEntry> {
        match self {
            Pending::Entry(d) => Ok(*d),
            Pending::Line(l) => serde_json::from_str(&l)
                .map_err(|e| std::io::Error::other(format!("a spilled report entry cannot be read back: {e}"))),
        }
    }
}

/// Why writing the report stopped: the file, or a document that could not be read back.
enum ReportError {
    Io(std::io::Error),
    Doc(Error),
}

/// Writes the report as `serde_json::to_writer_pretty` would, byte for byte, with the
/// documents taken from an iterator and serialised in parallel chunks: a dense batch's report
/// is several times the size of its input, and written serially it was a sixth of a text run
/// and capped `-j2`. `prepare` completes each document first; `each` sees it after, in order.
fn write_report(
    w: &mut dyn Write,
    frame: &Report,
    docs: impl Iterator<Item = Result<Pending>>,
    prepare: impl Fn(DocEntry) -> DocEntry + Sync,
    mut each: impl FnMut(&DocEntry) -> Result<()>,
) -> std::result::Result<(), ReportError> {
    let io = ReportError::Io;
    let text = serde_json::to_string_pretty(frame).map_err(|e| io(e.into()))?;
    // The pretty printer writes an empty list as `[]` at two spaces of indentation; elements
    // go one level deeper, each on its own lines.
    const EMPTY: &str = "\n  \"documents\": []";
    let mut docs = docs.peekable();
    let at = match text.find(EMPTY) {
        Some(at) if docs.peek().is_some() => at + EMPTY.len() - 1,
        _ => {
            // No documents: the frame is the whole report.
            return w.write_all(text.as_bytes()).map_err(io);
        }
    };
    w.write_all(&text.as_bytes()[..at]).map_err(io)?;
    let mut first = true;
    loop {
        let mut chunk = Vec::new();
        let mut n = 0;
        while n < CHUNK_FINDINGS {
            let Some(d) = docs.next() else { break };
            let d = d.map_err(ReportError::Doc)?;
            n += d.weight();
            chunk.push(d);
        }
        if chunk.is_empty() {
            break;
        }
        let parts: Vec<(DocEntry, String)> = chunk
            .into_par_iter()
            .map(|p| {
                let d = prepare(p.into_entry()?);
                let s = serde_json::to_string_pretty(&d)?;
                Ok((d, s.replace('\n', "\n    ")))
            })
            .collect::<std::io::Result<_>>()
            .map_err(io)?;
        for (d, p) in parts {
            each(&d).map_err(ReportError::Doc)?;
            w.write_all(if first { b"\n    " } else { b",\n    " }).map_err(io)?;
            w.write_all(p.as_bytes()).map_err(io)?;
            first = false;
        }
    }
    w.write_all(b"\n  ").map_err(io)?;
    w.write_all(&text.as_bytes()[at..]).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::DocStatus;
    use crate::report::json::{build, doc_entry};

    fn report(n: usize) -> Report {
        let det = crate::detect::Detector::new(crate::rules::RuleSet::builtin().unwrap(), vec![], vec![]);
        let text = "Contactpersoon: J. de Vries, T 070-1234567, \"quote\" en \\ backslash\nregel twee\n";
        let layer = crate::text::TextLayer::plain(text.into());
        let scan = det.scan(&layer);
        assert!(!scan.findings.is_empty());
        build(
            (0..n)
                .map(|i| {
                    doc_entry(
                        &format!("d/{i:05}.txt"),
                        DocStatus::Redacted,
                        None,
                        text,
                        &scan.findings,
                        &[],
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn parallel_report_equals_serde_pretty() {
        // Empty, one document, and enough documents for several chunks.
        for n in [0, 1, 3, 2 * CHUNK_FINDINGS / 3] {
            let mut rep = report(n);
            rep.stale_decisions = vec!["keep abc".into()];
            let want = serde_json::to_vec_pretty(&rep).unwrap();
            let docs = std::mem::take(&mut rep.documents);
            let mut got = Vec::new();
            let mut seen = 0;
            let counted = |_: &DocEntry| {
                seen += 1;
                Ok(())
            };
            assert!(
                write_report(
                    &mut got,
                    &rep,
                    docs.into_iter().map(|d| Ok(Pending::Entry(Box::new(d)))),
                    |d| d,
                    counted
                )
                .is_ok()
            );
            assert!(got == want, "{n} documents");
            assert_eq!(seen, n);
        }
    }

    #[test]
    fn spilled_and_in_memory_reports_write_the_same_files_and_leave_nothing_behind() {
        let grounds = crate::rules::RuleSet::builtin().unwrap().grounds;
        let opts = PackageOptions {
            document_prefix: "WOO-".into(),
            decision_name: "Besluit".into(),
            xlsx: true,
        };
        let (ta, tb) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (a, b) = (OutLayout::new(ta.path()), OutLayout::new(tb.path()));
        let mut spill = Spill::create(&a).unwrap();
        for d in &report(5).documents {
            spill.push(d).unwrap();
        }
        let mut rep = report(5);
        rep.stale_decisions = vec!["keep abc".into()];
        let t1 = write_spilled(&a, spill, rep.stale_decisions.clone(), &grounds, &opts).unwrap();
        let t2 = write(&b, rep, &grounds, &opts).unwrap();
        assert_eq!(format!("{t1:?}"), format!("{t2:?}"));
        let files = |d: &Path| {
            let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().path())
                .map(|p| {
                    (
                        p.file_name().unwrap().to_string_lossy().into_owned(),
                        std::fs::read(&p).unwrap(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        let (pa, pb) = (files(&a.publication()), files(&b.publication()));
        assert_eq!(
            names(&pa),
            [
                "inventaris.csv",
                "inventaris.xlsx",
                "toelichting.html",
                "toelichting.md"
            ]
        );
        let (wa, wb) = (files(&a.work()), files(&b.work()));
        // The spill file is gone: only the report and the log are left.
        assert_eq!(names(&wa), ["redactielog.csv", "report.json"]);
        assert!(pa == pb && wa == wb);
        let report = String::from_utf8(wa[1].1.clone()).unwrap();
        assert!(report.contains("\"section5\"") && report.contains("keep abc"));
    }
}
