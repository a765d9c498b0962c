//! The files of an out folder besides the redacted documents: `report.json` and the
//! publication package. A single run and `merge` both write through here, so a merged batch
//! gives the same bytes as one run over it.

use crate::batch::{write_atomic, write_atomic_with};
use crate::error::{Error, Result};
use crate::report::json::Report;
use crate::rules::grounds::GroundTable;
use std::path::Path;

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
    // Streamed: the report of a large batch is the biggest thing a run would hold twice.
    write_atomic_with(&out.join("report.json"), |w| {
        serde_json::to_writer_pretty(w, &*rep).map_err(std::io::Error::other)
    })?;
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
