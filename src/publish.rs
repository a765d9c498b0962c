//! The files of an out folder besides the redacted documents: `report.json` and the
//! publication package. A single run and `merge` both write through here, so a merged batch
//! gives the same bytes as one run over it.

use crate::batch::{write_atomic, write_atomic_with};
use crate::error::{Error, Result};
use crate::report::json::Report;
use crate::rules::grounds::GroundTable;
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

/// Findings serialised at once (about 300 bytes of JSON each): enough to keep every core busy,
/// few enough that the text of a large report is never held whole.
const CHUNK_FINDINGS: usize = 32_768;

/// Consecutive runs of documents of about [`CHUNK_FINDINGS`] findings (at least one document).
fn chunks(docs: &[crate::report::json::DocEntry]) -> Vec<&[crate::report::json::DocEntry]> {
    let mut out = Vec::new();
    let (mut start, mut n) = (0, 0);
    for (i, d) in docs.iter().enumerate() {
        n += 1 + d.findings.len() + d.kept.len();
        if n >= CHUNK_FINDINGS {
            out.push(&docs[start..=i]);
            (start, n) = (i + 1, 0);
        }
    }
    if start < docs.len() {
        out.push(&docs[start..]);
    }
    out
}

/// Writes the report as `serde_json::to_writer_pretty` would, byte for byte, but with the
/// documents serialised in parallel chunks: a dense batch's report is several times the size
/// of its input, and written serially it was a sixth of a text run and capped `-j2`.
fn write_report(w: &mut dyn Write, rep: &mut Report) -> std::io::Result<()> {
    let documents = std::mem::take(&mut rep.documents);
    let frame = serde_json::to_string_pretty(&*rep);
    rep.documents = documents;
    let frame = frame.map_err(std::io::Error::other)?;
    // The pretty printer writes an empty list as `[]` at two spaces of indentation; elements
    // go one level deeper, each on its own lines.
    const EMPTY: &str = "\n  \"documents\": []";
    let at = match frame.find(EMPTY) {
        Some(at) if !rep.documents.is_empty() => at + EMPTY.len() - 1,
        _ => return serde_json::to_writer_pretty(w, &*rep).map_err(std::io::Error::other),
    };
    w.write_all(&frame.as_bytes()[..at])?;
    let mut first = true;
    for chunk in chunks(&rep.documents) {
        let parts: Vec<String> = chunk
            .par_iter()
            .map(|d| serde_json::to_string_pretty(d).map(|s| s.replace('\n', "\n    ")))
            .collect::<Result<_, _>>()
            .map_err(std::io::Error::other)?;
        for p in parts {
            w.write_all(if first { b"\n    " } else { b",\n    " })?;
            w.write_all(p.as_bytes())?;
            first = false;
        }
    }
    w.write_all(b"\n  ")?;
    w.write_all(&frame.as_bytes()[at..])
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
            let mut got = Vec::new();
            write_report(&mut got, &mut rep).unwrap();
            assert!(got == want, "{n} documents");
            assert_eq!(rep.documents.len(), n);
        }
    }
}

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

/// Adds each document's section-5 block to the report, then writes `report.json`,
/// `toelichting.md`, `toelichting.html`, `inventaris.csv` (and `.xlsx`) and `redactielog.csv`.
pub fn write(out: &Path, rep: &mut Report, grounds: &GroundTable, opts: &PackageOptions) -> Result<()> {
    let fail = |name: &str, e: String| Error::Io {
        path: out.join(name),
        source: std::io::Error::other(e),
    };
    crate::justify::annotate(rep, grounds);
    write_atomic_with(&out.join("report.json"), |w| write_report(w, rep))?;
    let package = crate::justify::build(rep, grounds, &opts.document_prefix, &opts.decision_name);
    write_atomic(&out.join("toelichting.md"), package.toelichting_md.as_bytes())?;
    write_atomic(&out.join("toelichting.html"), package.toelichting_html.as_bytes())?;
    write_atomic(&out.join("inventaris.csv"), &package.inventaris_csv)?;
    if opts.xlsx {
        let xlsx = crate::justify::inventory_xlsx(&package.inventaris_csv).map_err(|e| fail("inventaris.xlsx", e))?;
        write_atomic(&out.join("inventaris.xlsx"), &xlsx)?;
    }
    write_atomic(&out.join("redactielog.csv"), &package.redactielog_csv)?;
    Ok(())
}
