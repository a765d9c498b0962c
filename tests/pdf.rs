//! PDF reading against an independent extractor: for PDFs from eight real producers, our text
//! layer must hold the words poppler's `pdftotext` finds, and the fonts must decode without
//! problems. `.ci/run` installs poppler-utils; without it (outside CI) the test says so.

use crate::util::root;
use std::path::{Path, PathBuf};
use std::process::Command;
use woo_redact::text::fold::fold_str;

fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for producer in std::fs::read_dir(root().join("fixtures/pdf")).unwrap() {
        for f in std::fs::read_dir(producer.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out.sort();
    out
}

fn pdftotext(p: &Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(p).arg("-").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn words(s: &str) -> Vec<String> {
    fold_str(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(str::to_string)
        .collect()
}

#[test]
fn text_layer_matches_pdftotext_on_real_producers() {
    let files = fixtures();
    assert!(files.len() >= 8, "fixtures/pdf holds too few PDFs");
    let mut report = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let pdf = woo_redact::source::pdf::load(&bytes).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let problems: Vec<&String> = pdf.pages.iter().flat_map(|p| &p.problems).collect();
        assert!(problems.is_empty(), "{}: {problems:?}", f.display());
        assert!(
            !pdf.text.text.contains('\u{FFFD}'),
            "{}: undecodable glyphs",
            f.display()
        );
        let Some(reference) = pdftotext(f) else {
            assert!(
                std::env::var("CI").is_err(),
                "pdftotext missing in CI: .ci/run must install poppler-utils"
            );
            eprintln!("pdftotext not installed: skipping the comparison for {}", f.display());
            continue;
        };
        let ours: std::collections::HashSet<String> = words(&pdf.text.text).into_iter().collect();
        let theirs = words(&reference);
        let missing: Vec<&String> = theirs.iter().filter(|w| !ours.contains(*w)).collect();
        let recall = 1.0 - missing.len() as f64 / theirs.len().max(1) as f64;
        report.push(format!(
            "{}: {:.3} ({} of {} words missing, e.g. {:?})",
            f.display(),
            recall,
            missing.len(),
            theirs.len(),
            &missing[..missing.len().min(5)]
        ));
        assert!(recall >= 0.99, "{}", report.last().unwrap());
    }
    eprintln!("{}", report.join("\n"));
}
