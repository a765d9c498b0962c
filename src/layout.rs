//! Where a run puts what it writes. The publication set (the redacted documents, the inventory
//! and the section-5 justification) and the working files (the report, the redaction log, the
//! review copies) go to two folders under `--out`, so the folder a Woo officer hands over holds
//! nothing else: the working files carry masked names (`K.L. H*******`), which still give
//! initials and name lengths.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The publication set: what goes to the platform, as is.
pub const PUBLICATION: &str = "publicatie";
/// The working files: for the Woo team, never for publication.
pub const WORK: &str = "werkbestanden";
/// Under [`WORK`]: best-effort copies of documents that need review.
pub const REVIEW: &str = "ter-beoordeling";
/// Under [`WORK`]: the machine-readable report.
pub const REPORT: &str = "report.json";
/// Under [`WORK`]: one row per redaction.
pub const LOG: &str = "redactielog.csv";
/// Under [`WORK`]: what a shard of a split run records for `merge`.
pub const SHARD: &str = "shard.json";
/// Under [`PUBLICATION`]: the platform's inventory.
pub const INVENTORY: &str = "inventaris.csv";
/// Under [`PUBLICATION`]: the inventory as a spreadsheet (`--inventory-format xlsx`).
pub const INVENTORY_XLSX: &str = "inventaris.xlsx";
/// Under [`PUBLICATION`]: the section-5 justification.
pub const JUSTIFICATION_MD: &str = "toelichting.md";
/// Under [`PUBLICATION`]: the same justification as a web page.
pub const JUSTIFICATION_HTML: &str = "toelichting.html";

/// Files of the publication set that are not documents of the inventory.
pub const PACKAGE_FILES: [&str; 4] = [JUSTIFICATION_MD, JUSTIFICATION_HTML, INVENTORY, INVENTORY_XLSX];
/// Working files by name: found in a folder about to be published, they fail `check`.
pub const WORKING_FILES: [&str; 3] = [REPORT, LOG, SHARD];
/// Folders (as the first part of a relative path) that only ever hold working files; `_review`
/// is where earlier versions put review copies.
pub const WORKING_DIRS: [&str; 3] = [WORK, REVIEW, "_review"];

/// The two folders of one `--out`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutLayout {
    root: PathBuf,
}

impl OutLayout {
    /// The layout under the `--out` folder `root`.
    pub fn new(root: &Path) -> Self {
        OutLayout {
            root: root.to_path_buf(),
        }
    }

    /// The `--out` folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the publication set goes.
    pub fn publication(&self) -> PathBuf {
        self.root.join(PUBLICATION)
    }

    /// Where the working files go.
    pub fn work(&self) -> PathBuf {
        self.root.join(WORK)
    }

    /// Where review copies go.
    pub fn review(&self) -> PathBuf {
        self.work().join(REVIEW)
    }

    /// The report of the run.
    pub fn report(&self) -> PathBuf {
        self.work().join(REPORT)
    }

    /// Makes `--out` ready for a run: created when missing, refused when it holds anything
    /// unless `overwrite`, which removes an earlier run's two folders first. Anything else in
    /// `--out` is not ours to remove, so it is refused even then.
    pub fn prepare(&self, overwrite: bool) -> Result<()> {
        let io = |path: &Path, e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        };
        std::fs::create_dir_all(&self.root).map_err(|e| io(&self.root, e))?;
        let mut entries: Vec<std::ffi::OsString> = std::fs::read_dir(&self.root)
            .map_err(|e| io(&self.root, e))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<std::io::Result<_>>()
            .map_err(|e| io(&self.root, e))?;
        entries.sort();
        if entries.is_empty() {
            return Ok(());
        }
        let shown = |n: &std::ffi::OsString| self.root.join(n).display().to_string();
        if !overwrite {
            return Err(Error::Usage(format!(
                "--out {} is not empty (it holds {}); choose an empty folder, or pass --overwrite to replace an earlier run's output",
                self.root.display(),
                shown(&entries[0])
            )));
        }
        if let Some(foreign) = entries.iter().find(|n| *n != PUBLICATION && *n != WORK) {
            return Err(Error::Usage(format!(
                "--out {}: {} is not the output of a run; --overwrite only replaces `{PUBLICATION}/` and `{WORK}/`, so move it away first",
                self.root.display(),
                shown(foreign)
            )));
        }
        for n in entries {
            let p = self.root.join(n);
            let removed = if p.is_dir() && !p.is_symlink() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            removed.map_err(|e| io(&p, e))?;
        }
        Ok(())
    }
}

/// Whether a relative path (`/`-separated, as in reports) inside a folder about to be published
/// is a working file of a run: by name, or inside a working folder.
pub fn is_working_file(rel: &str) -> bool {
    let first = rel.split('/').next().unwrap_or_default();
    let name = rel.rsplit('/').next().unwrap_or_default();
    WORKING_DIRS.contains(&first) || WORKING_FILES.contains(&name) || name.starts_with(".woo-redact-entries-")
}

/// Whether a relative path lies in a folder of review copies.
pub fn is_review_copy(rel: &str) -> bool {
    let mut parts = rel.split('/');
    matches!(
        (parts.next(), parts.next()),
        (Some(REVIEW | "_review"), _) | (Some(WORK), Some(REVIEW))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_files_are_recognised_by_name_and_folder() {
        for w in [
            "report.json",
            "sub/redactielog.csv",
            "werkbestanden/x.txt",
            "ter-beoordeling/a.pdf",
            "_review/a.pdf",
            ".woo-redact-entries-12.jsonl",
            "shard.json",
        ] {
            assert!(is_working_file(w), "{w}");
        }
        for p in [
            "nota.pdf",
            "toelichting.md",
            "inventaris.csv",
            "dossier/report.json.txt",
            "rapport/a.txt",
        ] {
            assert!(!is_working_file(p), "{p}");
        }
        assert!(is_review_copy("werkbestanden/ter-beoordeling/a.pdf"));
        assert!(is_review_copy("_review/a.pdf"));
        assert!(!is_review_copy("werkbestanden/report.json"));
    }

    #[test]
    fn prepare_refuses_a_full_folder_and_overwrite_replaces_only_our_folders() {
        let dir = std::env::temp_dir().join(format!("woo-layout-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let l = OutLayout::new(&dir);
        l.prepare(false).unwrap();
        std::fs::create_dir_all(l.publication()).unwrap();
        std::fs::write(l.publication().join("oud.txt"), "x").unwrap();
        std::fs::create_dir_all(l.work()).unwrap();
        let err = l.prepare(false).unwrap_err().to_string();
        assert!(err.contains("not empty") && err.contains("--overwrite"), "{err}");
        l.prepare(true).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::write(dir.join("eigen.txt"), "x").unwrap();
        let err = l.prepare(true).unwrap_err().to_string();
        assert!(err.contains("eigen.txt") && err.contains("move it away"), "{err}");
        assert!(dir.join("eigen.txt").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
