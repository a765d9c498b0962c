//! Scale-out: one batch split over N independent runs (`--shard K/N`), the batch-wide names
//! carried between them in a names file, and `merge`, which turns the N out folders into what
//! one run over the whole batch would have written.
//!
//! A shard is picked by a hash of the document's relative path, so the split does not depend
//! on the order of discovery, the machine or the number of threads. Every shard discovers the
//! whole batch (a directory walk), keeps its own documents, and records in `shard.json` what it
//! saw, so `merge` can refuse a missing shard, a shard of another batch or another names file.

use crate::batch::{DocRef, DocStatus, write_atomic};
use crate::detect::BatchNames;
use crate::error::{Error, Result};
use crate::layout::OutLayout;
use crate::publish::PackageOptions;
use crate::report::json::{DocEntry, Report};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file a shard writes beside its report (in the working folder).
pub const SHARD_FILE: &str = crate::layout::SHARD;

/// First line of a names file.
const NAMES_MAGIC: &str = "# woo-redact names 1";

/// FNV-1a, 64 bits: tiny, stable across versions and platforms (unlike std's hasher).
fn fnv1a64(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One part of a batch: `index` of `count`, 1-based (`--shard 1/3` … `3/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based position.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("`{s}`: expected K/N with 1 <= K <= N (1-based), e.g. 2/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether a document (by its relative path) belongs to this shard.
    pub fn owns(&self, rel: &str) -> bool {
        shard_of(rel, self.count) == self.index
    }
}

/// The 1-based shard of a relative path among `count` shards.
pub fn shard_of(rel: &str, count: u32) -> u32 {
    (fnv1a64(rel.bytes()) % u64::from(count.max(1))) as u32 + 1
}

/// Identifies the detection settings by the contents of the files they came from (staff and
/// officials lists, config): a names file or a shard made with other lists is refused, since
/// it would redact other names. A file that cannot be read counts as absent.
pub fn settings_digest(files: &[PathBuf]) -> String {
    let mut bytes = Vec::new();
    for f in files {
        let content = std::fs::read(f).unwrap_or_default();
        bytes.extend_from_slice(&(content.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&content);
    }
    format!("{:016x}", fnv1a64(bytes))
}

/// Identifies a batch by its document paths (sorted, as `discover` returns them), so a names
/// file or a shard of another batch is refused.
pub fn batch_digest(docs: &[DocRef]) -> String {
    let h = fnv1a64(docs.iter().flat_map(|d| d.rel.bytes().chain(std::iter::once(b'\n'))));
    format!("{h:016x}")
}

/// The names a batch propagates (folded surnames, personal data in clear: keep the file with
/// the inputs), with the batch it was collected from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamesFile {
    /// Documents in the batch.
    pub documents: usize,
    /// [`batch_digest`] of the batch.
    pub batch: String,
    /// [`settings_digest`] of the lists and config used.
    pub settings: String,
    /// Folded surnames, sorted, without duplicates.
    pub names: Vec<String>,
}

impl NamesFile {
    /// The names of a finished first pass over `docs`.
    pub fn new(docs: &[DocRef], names: &BatchNames, settings: String) -> Self {
        let mut v: Vec<String> = names.surnames.iter().cloned().collect();
        v.sort();
        NamesFile {
            documents: docs.len(),
            batch: batch_digest(docs),
            settings,
            names: v,
        }
    }

    /// The file's text: four header lines, then one name a line.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{NAMES_MAGIC}\n# documents {}\n# batch {}\n# settings {}\n",
            self.documents, self.batch, self.settings
        );
        for n in &self.names {
            s.push_str(n);
            s.push('\n');
        }
        s
    }

    /// Reads the text written by [`NamesFile::to_text`].
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut lines = text.lines();
        if lines.next() != Some(NAMES_MAGIC) {
            return Err(format!("not a names file (first line must be `{NAMES_MAGIC}`)"));
        }
        let header = |line: Option<&str>, key: &str| -> std::result::Result<String, String> {
            line.and_then(|l| l.strip_prefix(&format!("# {key} ")))
                .map(str::to_string)
                .ok_or_else(|| format!("names file: missing `# {key}` line"))
        };
        let documents = header(lines.next(), "documents")?
            .parse()
            .map_err(|_| "names file: bad `# documents` line".to_string())?;
        let batch = header(lines.next(), "batch")?;
        let settings = header(lines.next(), "settings")?;
        let mut names: Vec<String> = lines
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        names.sort();
        names.dedup();
        Ok(NamesFile {
            documents,
            batch,
            settings,
            names,
        })
    }

    /// The names as a batch to propagate, after checking they were collected from `docs` with
    /// the same settings.
    pub fn batch_for(&self, docs: &[DocRef], settings: &str) -> Result<BatchNames> {
        if self.settings != settings {
            return Err(Error::Usage(
                "--names was collected with other staff or officials lists or another config than this run; run `names` again with the same --staff, --officials and --config".into(),
            ));
        }
        if self.documents != docs.len() || self.batch != batch_digest(docs) {
            return Err(Error::Usage(format!(
                "--names was collected from another batch ({} documents, batch {}); these inputs are {} documents, batch {}: run `names` again over the same inputs and --ext",
                self.documents,
                self.batch,
                docs.len(),
                batch_digest(docs)
            )));
        }
        let mut b = BatchNames::default();
        b.surnames.extend(self.names.iter().cloned());
        b.index();
        Ok(b)
    }

    /// A short digest of the names, so `merge` can check every shard used the same file
    /// without the names themselves appearing in `shard.json`.
    pub fn digest(&self) -> String {
        format!("{:016x}", fnv1a64(self.to_text().into_bytes()))
    }
}

/// What a shard records about its run (`shard.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// Which shard.
    pub shard: Shard,
    /// Documents in the whole batch.
    pub batch_documents: usize,
    /// [`batch_digest`] of the whole batch.
    pub batch: String,
    /// Documents of this shard.
    pub documents: usize,
    /// [`NamesFile::digest`] of the names used, if any.
    pub names: Option<String>,
    /// [`settings_digest`] of the lists and config used.
    pub settings: String,
    /// The package settings, so `merge` writes the package as the shards would have.
    pub package: PackageOptions,
}

/// `report.json` as `merge` reads it back.
#[derive(Debug, Deserialize)]
struct ShardReport {
    documents: Vec<DocEntry>,
    #[serde(default)]
    stale_decisions: Vec<String>,
}

/// The inputs of a merge, read and checked.
#[derive(Debug)]
pub struct Merged {
    /// The combined report (section-5 blocks as the shards wrote them), in path order.
    pub report: Report,
    /// The package settings the shards agreed on.
    pub package: PackageOptions,
    /// For each written document: the shard's publication folder it is in.
    pub files: Vec<(PathBuf, String)>,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Decode {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Reads N shard folders and combines them: every shard of one batch present exactly once,
/// all with the same names and package settings, and their documents adding up to the batch.
pub fn read_shards(dirs: &[PathBuf]) -> Result<Merged> {
    let mut infos: Vec<(ShardInfo, &PathBuf)> = Vec::new();
    for d in dirs {
        let p = OutLayout::new(d).work().join(SHARD_FILE);
        if !p.is_file() {
            return Err(Error::Usage(format!(
                "{} has no {SHARD_FILE}: not the --out folder of a `redact --shard` run (or the shard did not finish)",
                d.display()
            )));
        }
        infos.push((read_json(&p)?, d));
    }
    let Some((first, _)) = infos.first().cloned() else {
        return Err(Error::Usage("merge needs at least one shard folder".into()));
    };
    // A shard.json is input like any other: check it before using its numbers as indexes.
    for (i, d) in &infos {
        if i.shard.index == 0 || i.shard.index > i.shard.count {
            return Err(Error::Usage(format!(
                "{}: {SHARD_FILE} names shard {}",
                d.display(),
                i.shard
            )));
        }
    }
    if first.shard.count as usize > infos.len() || infos.iter().any(|(i, _)| i.shard.count != first.shard.count) {
        let given: Vec<String> = infos.iter().map(|(i, _)| i.shard.to_string()).collect();
        let have: std::collections::BTreeSet<u32> = infos.iter().map(|(i, _)| i.shard.index).collect();
        let missing: Vec<String> = (1..=first.shard.count)
            .filter(|k| !have.contains(k))
            .take(20)
            .map(|k| format!("{k}/{}", first.shard.count))
            .collect();
        return Err(Error::Usage(
            if infos.iter().all(|(i, _)| i.shard.count == first.shard.count) {
                format!("missing shards: {}", missing.join(", "))
            } else {
                format!("the folders are shards of different splits: {}", given.join(", "))
            },
        ));
    }
    let mut seen = vec![false; first.shard.count as usize];
    for (i, d) in &infos {
        let same = i.shard.count == first.shard.count
            && i.batch == first.batch
            && i.batch_documents == first.batch_documents
            && i.names == first.names
            && i.settings == first.settings
            && i.package == first.package;
        if !same {
            return Err(Error::Usage(format!(
                "{} is a shard of another run than {} (batch, shard count, names file, lists or config, or package options differ)",
                d.display(),
                infos[0].1.display()
            )));
        }
        let slot = &mut seen[(i.shard.index - 1) as usize];
        if *slot {
            return Err(Error::Usage(format!("shard {} is given twice", i.shard)));
        }
        *slot = true;
    }
    let missing: Vec<String> = (1..=first.shard.count)
        .filter(|k| !seen[(*k - 1) as usize])
        .map(|k| format!("{k}/{}", first.shard.count))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!("missing shards: {}", missing.join(", "))));
    }
    let mut documents: Vec<(DocEntry, &PathBuf)> = Vec::new();
    let mut stale: Option<Vec<String>> = None;
    for (info, d) in &infos {
        let rep: ShardReport = read_json(&OutLayout::new(d).report())?;
        // Attachments of messages are entries of their own, not documents of the batch.
        let inputs = rep.documents.iter().filter(|e| e.attached_to.is_none()).count();
        if inputs != info.documents {
            return Err(Error::Usage(format!(
                "{}: report.json has {} documents, shard.json says {}",
                d.display(),
                inputs,
                info.documents
            )));
        }
        // A decision is stale only if no shard used it.
        stale = Some(match stale {
            None => rep.stale_decisions,
            Some(s) => s.into_iter().filter(|x| rep.stale_decisions.contains(x)).collect(),
        });
        documents.extend(rep.documents.into_iter().map(|e| (e, *d)));
    }
    let inputs = documents.iter().filter(|(e, _)| e.attached_to.is_none()).count();
    if inputs != first.batch_documents {
        return Err(Error::Usage(format!(
            "the shards hold {} documents; the batch has {}",
            inputs, first.batch_documents
        )));
    }
    // Paths come from files on a shared volume: one that leaves the out folder is refused.
    if let Some((e, d)) = documents.iter().find(|(e, _)| !is_plain_relative(&e.path)) {
        return Err(Error::Usage(format!(
            "{}: report.json names `{}`, not a path inside the batch",
            d.display(),
            e.path
        )));
    }
    documents.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    if let Some(w) = documents.windows(2).find(|w| w[0].0.path == w[1].0.path) {
        return Err(Error::Usage(format!("document `{}` is in two shards", w[0].0.path)));
    }
    let files = documents
        .iter()
        .filter(|(e, _)| matches!(e.status, DocStatus::Redacted | DocStatus::Clean))
        .map(|(e, d)| (OutLayout::new(d).publication(), e.path.clone()))
        .collect();
    let mut report = crate::report::json::build(documents.into_iter().map(|(e, _)| e).collect());
    report.stale_decisions = stale.unwrap_or_default();
    Ok(Merged {
        report,
        package: first.package,
        files,
    })
}

/// A `/`-separated relative path that stays inside its folder: no root, no `..`, no empty part.
fn is_plain_relative(rel: &str) -> bool {
    !rel.is_empty() && !Path::new(rel).is_absolute() && rel.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Checks that each document's section-5 block is what `grounds` gives, so the merged
/// justification cannot silently use another grounds table than the shards did.
pub fn check_grounds(report: &Report, grounds: &crate::rules::grounds::GroundTable, prefix: &str) -> Result<()> {
    for d in report.documents.iter().filter(|d| d.status == DocStatus::Redacted) {
        if d.section5.as_deref() != Some(crate::justify::section5(&[d], grounds, prefix).as_str()) {
            return Err(Error::Usage(format!(
                "`{}`: its section-5 text differs from the one the grounds table of this merge gives; pass merge the same --config as the shards",
                d.path
            )));
        }
    }
    Ok(())
}

/// Puts each written document of a shard's publication folder under `out` (renamed when
/// `moving` and on the same file system, else copied), atomically. `files` maps the report's
/// relative paths to the files as they are named on disk ([`crate::batch::files_by_rel`]), so a
/// name that is not UTF-8 is found by its bytes, not by the escaped form the report shows.
pub fn place_file(
    files: &std::collections::HashMap<String, PathBuf>,
    shard_dir: &Path,
    rel: &str,
    out: &Path,
    moving: bool,
) -> Result<()> {
    let Some(rel_path) = files.get(rel) else {
        return Err(Error::Usage(format!(
            "{}: report.json names `{rel}`, which is not in the shard's folder",
            shard_dir.display()
        )));
    };
    let from = shard_dir.join(rel_path);
    let to = out.join(rel_path);
    if moving {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::Io {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        if std::fs::rename(&from, &to).is_ok() {
            return Ok(());
        }
    }
    let bytes = std::fs::read(&from).map_err(|e| Error::Io { path: from, source: e })?;
    write_atomic(&to, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs_are_validated() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/2", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn assignment_is_stable_and_spreads() {
        // Fixed values: a change of hash would reshuffle running batches.
        assert_eq!(fnv1a64(*b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(*b"a"), 0xaf63_dc4c_8601_ec8c);
        let mut counts = [0usize; 4];
        for i in 0..4000 {
            let k = shard_of(&format!("dossier/{i}.pdf"), 4);
            counts[(k - 1) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| (850..1150).contains(&c)), "{counts:?}");
        let s = Shard { index: 3, count: 4 };
        assert_eq!(s.owns("x/y.txt"), shard_of("x/y.txt", 4) == 3);
    }

    #[test]
    fn only_plain_relative_paths_are_merged() {
        for ok in ["a.txt", "dossier/2026/b.pdf", "é.md"] {
            assert!(is_plain_relative(ok), "{ok}");
        }
        for bad in ["", "/etc/passwd", "../x.txt", "a/../../x", "a//b", "./a"] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
    }

    #[test]
    fn names_file_round_trips_and_rejects_junk() {
        let f = NamesFile {
            documents: 2,
            batch: "00ff".into(),
            settings: "12ab".into(),
            names: vec!["bakker".into(), "de vries".into()],
        };
        assert_eq!(NamesFile::parse(&f.to_text()), Ok(f.clone()));
        assert!(NamesFile::parse("jansen\n").is_err());
        assert!(NamesFile::parse("# woo-redact names 1\n# documents x\n# batch 1\n# settings 2\n").is_err());
        assert!(NamesFile::parse("# woo-redact names 1\n# documents 1\n# batch 1\njansen\n").is_err());
    }
}
