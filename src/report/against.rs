//! `review --against`: compares what was written with what went in. With one folder, the
//! originals with a redacted folder (what `redact` wrote): per document the lines that differ,
//! original against redacted, and the documents missing from the folder or extra in it. With
//! two folders, two runs with each other (after a rule or decision change): per document the
//! redactions that appeared or disappeared (by content fingerprint, masked, from each
//! `report.json`), status changes, the redacted lines that changed, and the totals per ground.
//! Clear text of the originals is printed: local use, like the rest of `review`.

use crate::batch::{DocKind, DocRef};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// Files `redact` writes at the top of its output folder besides the documents.
use crate::layout::PACKAGE_FILES;

/// The text of a document as the detector sees it (PDF: the text layer of every page).
pub fn read_text(path: &Path, kind: DocKind) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    match kind {
        DocKind::Text => crate::source::plain::load(bytes).map(|l| l.text),
        DocKind::Pdf => crate::source::pdf::load(&bytes).map(|p| p.text.text),
        _ => crate::batch::read_layer(&path.to_string_lossy(), kind, bytes).map(|l| l.text),
    }
}

/// One step of a line diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Same line (index in a, index in b).
    Same(usize, usize),
    /// Only in a.
    Old(usize),
    /// Only in b.
    New(usize),
}

/// Line diff by longest common subsequence over the lines between the common head and tail
/// (redaction keeps almost every line, so the middle is small). Very long middles fall back
/// to pairing lines in order, which is what redaction of a text file does anyway.
pub fn diff_lines(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Same(i, i)).collect();
    if ma.len().saturating_mul(mb.len()) <= 16_000_000 {
        // lcs[i][j]: LCS length of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut lcs = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() && j < mb.len() {
            if ma[i] == mb[j] {
                ops.push(Op::Same(head + i, head + j));
                i += 1;
                j += 1;
            } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
                ops.push(Op::Old(head + i));
                i += 1;
            } else {
                ops.push(Op::New(head + j));
                j += 1;
            }
        }
        ops.extend((i..ma.len()).map(|i| Op::Old(head + i)));
        ops.extend((j..mb.len()).map(|j| Op::New(head + j)));
    } else {
        for k in 0..ma.len().max(mb.len()) {
            match (ma.get(k), mb.get(k)) {
                (Some(x), Some(y)) if x == y => ops.push(Op::Same(head + k, head + k)),
                (x, y) => {
                    if x.is_some() {
                        ops.push(Op::Old(head + k));
                    }
                    if y.is_some() {
                        ops.push(Op::New(head + k));
                    }
                }
            }
        }
    }
    ops.extend((0..tail).map(|k| Op::Same(a.len() - tail + k, b.len() - tail + k)));
    ops
}

/// Writes the differing lines of two texts with line numbers and labels; returns how many
/// lines of each side differ.
fn write_diff(out: &mut dyn Write, a: &str, b: &str, la: &str, lb: &str) -> std::io::Result<(usize, usize)> {
    let al: Vec<&str> = a.lines().collect();
    let bl: Vec<&str> = b.lines().collect();
    let mut n = (0, 0);
    let w = la.len().max(lb.len());
    for op in diff_lines(&al, &bl) {
        match op {
            Op::Same(..) => {}
            Op::Old(i) => {
                n.0 += 1;
                writeln!(out, "{:>5} {la:<w$} | {}", i + 1, al[i])?;
            }
            Op::New(j) => {
                n.1 += 1;
                writeln!(out, "{:>5} {lb:<w$} | {}", j + 1, bl[j])?;
            }
        }
    }
    Ok(n)
}

/// Counts of a comparison, for the summary line and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Documents compared (present on both sides).
    pub compared: usize,
    /// Documents with differing lines.
    pub changed: usize,
    /// Documents only on the first side (inputs, or the old run).
    pub missing: usize,
    /// Documents only on the second side.
    pub extra: usize,
    /// Redactions that appeared (runs only).
    pub appeared: usize,
    /// Redactions that disappeared (runs only).
    pub disappeared: usize,
}

/// Where a run's documents and report are: `dir` is an `--out` folder (its `publicatie/` and
/// `werkbestanden/`), the `publicatie/` folder of one, or a folder redacted by another tool.
fn run_folders(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let layout = crate::layout::OutLayout::new(dir);
    if layout.publication().is_dir() {
        return (layout.publication(), layout.report());
    }
    if dir.file_name().is_some_and(|n| n == crate::layout::PUBLICATION)
        && let Some(root) = dir.parent()
    {
        return (dir.to_path_buf(), crate::layout::OutLayout::new(root).report());
    }
    (dir.to_path_buf(), dir.join(crate::layout::REPORT))
}

/// Documents in a redacted folder, keyed by relative path (package files left out).
fn out_docs(dir: &Path) -> Result<BTreeMap<String, DocRef>, String> {
    let (docs_dir, _) = run_folders(dir);
    let docs = crate::batch::discover(&[docs_dir], &[], &[]).map_err(|e| e.to_string())?;
    Ok(docs
        .into_iter()
        // Every file is discovered now (none is skipped in silence): the package files a run
        // writes beside the documents are not documents.
        .filter(|d| {
            !PACKAGE_FILES.contains(&d.rel.as_str())
                && !crate::check::PACKAGE_FILES.contains(&d.rel.as_str())
                && d.rel != crate::scale::SHARD_FILE
        })
        .map(|d| (d.rel.clone(), d))
        .collect())
}

/// Report entries of a run folder by document path, if it has a report.json.
fn report(dir: &Path) -> Option<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(run_folders(dir).1).ok()?).ok()
}

fn status_of(rep: Option<&serde_json::Value>, rel: &str) -> Option<String> {
    let d = rep?["documents"].as_array()?.iter().find(|d| d["path"] == rel)?;
    let mut s = d["status"].as_str()?.to_string();
    if let Some(r) = d["reason"].as_str() {
        s.push_str(": ");
        s.push_str(r);
    }
    Some(s)
}

/// Compares the original documents with a redacted folder.
pub fn originals(out: &mut dyn Write, docs: &[DocRef], dir: &Path) -> std::io::Result<Counts> {
    let mut c = Counts::default();
    let written = match out_docs(dir) {
        Ok(w) => w,
        Err(e) => {
            writeln!(out, "cannot read {}: {e}", dir.display())?;
            return Ok(c);
        }
    };
    let rep = report(dir);
    let inputs: BTreeSet<&str> = docs.iter().map(|d| d.rel.as_str()).collect();
    for d in docs {
        let Some(w) = written.get(&d.rel) else {
            c.missing += 1;
            let why = status_of(rep.as_ref(), &d.rel).unwrap_or_else(|| "not in report.json".into());
            writeln!(out, "== {}: missing from {} ({why})\n", d.rel, dir.display())?;
            continue;
        };
        c.compared += 1;
        let (a, b) = match (read_text(&d.path, d.kind), read_text(&w.path, w.kind)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) => {
                writeln!(out, "== {}: original cannot be read: {e}\n", d.rel)?;
                continue;
            }
            (_, Err(e)) => {
                writeln!(out, "== {}: redacted copy cannot be read: {e}\n", d.rel)?;
                continue;
            }
        };
        let mut buf = Vec::new();
        let (na, nb) = write_diff(&mut buf, &a, &b, "original", "redacted")?;
        if na + nb == 0 {
            writeln!(out, "== {}: identical (nothing redacted)\n", d.rel)?;
            continue;
        }
        c.changed += 1;
        writeln!(out, "== {}: {na} original / {nb} redacted lines differ", d.rel)?;
        out.write_all(&buf)?;
        writeln!(out)?;
    }
    for rel in written.keys().filter(|r| !inputs.contains(r.as_str())) {
        c.extra += 1;
        writeln!(out, "== {rel}: extra in {} (no such input)\n", dir.display())?;
    }
    writeln!(
        out,
        "{} documents compared, {} with redactions, {} missing from {}, {} extra",
        c.compared,
        c.changed,
        c.missing,
        dir.display(),
        c.extra
    )?;
    Ok(c)
}

/// A redaction from report.json: fingerprint → (masked, rule, ground, line or page).
fn redactions(rep: Option<&serde_json::Value>) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let Some(docs) = rep.and_then(|r| r["documents"].as_array()) else {
        return out;
    };
    for d in docs {
        let rel = d["path"].as_str().unwrap_or("").to_string();
        let entry = out.entry(rel).or_default();
        for f in d["findings"].as_array().into_iter().flatten() {
            let place = match f["page"].as_u64() {
                Some(p) => format!("page {p}"),
                None => format!("line {}", f["line"].as_u64().unwrap_or(0)),
            };
            entry.insert(
                f["fingerprint"].as_str().unwrap_or("").to_string(),
                format!(
                    "[{}] {} {} ({place})",
                    f["ground"].as_str().unwrap_or(""),
                    f["masked"].as_str().unwrap_or(""),
                    f["rule"].as_str().unwrap_or("")
                ),
            );
        }
    }
    out
}

fn ground_totals(rep: Option<&serde_json::Value>) -> BTreeMap<String, i64> {
    rep.and_then(|r| r["totals"]["grounds"].as_object())
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_i64().unwrap_or(0))).collect())
        .unwrap_or_default()
}

/// Compares two redaction runs (output folders of `redact`), old then new.
pub fn runs(out: &mut dyn Write, old: &Path, new: &Path) -> std::io::Result<Counts> {
    let mut c = Counts::default();
    let (a, b) = match (out_docs(old), out_docs(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            writeln!(out, "cannot read the folders: {e}")?;
            return Ok(c);
        }
    };
    let (ra, rb) = (report(old), report(new));
    for (dir, r) in [(old, &ra), (new, &rb)] {
        if r.is_none() {
            writeln!(
                out,
                "note: {} has no readable report.json; only the texts are compared",
                dir.display()
            )?;
        }
    }
    let (fa, fb) = (redactions(ra.as_ref()), redactions(rb.as_ref()));
    let empty = BTreeMap::new();
    let mut names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names.extend(fa.keys().chain(fb.keys()));
    for rel in names {
        let mut buf: Vec<u8> = Vec::new();
        let (sa, sb) = (status_of(ra.as_ref(), rel), status_of(rb.as_ref(), rel));
        if sa != sb {
            writeln!(
                buf,
                "      status: {} -> {}",
                sa.as_deref().unwrap_or("(absent)"),
                sb.as_deref().unwrap_or("(absent)")
            )?;
        }
        let (xa, xb) = (fa.get(rel).unwrap_or(&empty), fb.get(rel).unwrap_or(&empty));
        for (fp, what) in xa.iter().filter(|(fp, _)| !xb.contains_key(*fp)) {
            c.disappeared += 1;
            writeln!(buf, "      - redaction gone:     {what} {fp}")?;
        }
        for (fp, what) in xb.iter().filter(|(fp, _)| !xa.contains_key(*fp)) {
            c.appeared += 1;
            writeln!(buf, "      + redaction appeared: {what} {fp}")?;
        }
        match (a.get(rel), b.get(rel)) {
            (Some(x), Some(y)) => {
                c.compared += 1;
                match (read_text(&x.path, x.kind), read_text(&y.path, y.kind)) {
                    (Ok(ta), Ok(tb)) => {
                        write_diff(&mut buf, &ta, &tb, "old", "new")?;
                    }
                    (Err(e), _) | (_, Err(e)) => writeln!(buf, "      cannot read a copy: {e}")?,
                }
            }
            (Some(_), None) => {
                c.missing += 1;
                writeln!(buf, "      written by the old run only")?;
            }
            (None, Some(_)) => {
                c.extra += 1;
                writeln!(buf, "      written by the new run only")?;
            }
            (None, None) => {}
        }
        if !buf.is_empty() {
            c.changed += 1;
            writeln!(out, "== {rel}")?;
            out.write_all(&buf)?;
            writeln!(out)?;
        }
    }
    let (ga, gb) = (ground_totals(ra.as_ref()), ground_totals(rb.as_ref()));
    let grounds: BTreeSet<&String> = ga.keys().chain(gb.keys()).collect();
    let per: Vec<String> = grounds
        .into_iter()
        .map(|g| {
            let (x, y) = (ga.get(g).copied().unwrap_or(0), gb.get(g).copied().unwrap_or(0));
            format!("{g}: {x} -> {y} ({:+})", y - x)
        })
        .collect();
    writeln!(
        out,
        "redactions per ground: {}",
        if per.is_empty() { "none".into() } else { per.join(", ") }
    )?;
    writeln!(
        out,
        "{} documents in both, {} changed, {} only in old, {} only in new; {} redactions appeared, {} disappeared",
        c.compared, c.changed, c.missing, c.extra, c.appeared, c.disappeared
    )?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_diff_pairs_changes_and_keeps_order() {
        let a = ["x", "Van: Jan", "y", "z"];
        let b = ["x", "Van: [5.1.2e]", "y", "z", "toelichting"];
        assert_eq!(
            diff_lines(&a, &b),
            vec![
                Op::Same(0, 0),
                Op::Old(1),
                Op::New(1),
                Op::Same(2, 2),
                Op::Same(3, 3),
                Op::New(4)
            ]
        );
        let mut out = Vec::new();
        let n = write_diff(&mut out, "a\nb\n", "a\nc\n", "original", "redacted").unwrap();
        assert_eq!(n, (1, 1));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "    2 original | b\n    2 redacted | c\n"
        );
        assert!(diff_lines(&[], &[]).is_empty());
    }
}
