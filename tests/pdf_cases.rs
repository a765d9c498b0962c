//! Real-world PDF cases: one small PDF per situation the PDF path must handle (hidden text,
//! earlier redactions and their labels, markup annotations, odd content streams, a font without
//! ToUnicode, images and scans, a huge content stream), made by `scripts/pdf-cases.py` with
//! reportlab, pikepdf and Pillow. `fixtures/pdf-cases/expect.toml` says per case what `redact`
//! must report, what must be gone from the output and what must stay, with poppler's pdftotext
//! (and qpdf for the raw bytes) as the independent reader, and what `check` must say about the
//! input. Every case is run and every failure collected, so one run shows which cases pass.

use crate::util::{cmd, kinds_by_doc, root, tmp};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

#[derive(serde::Deserialize)]
struct Expect {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    what: String,
    status: String,
    reason: Option<String>,
    #[serde(default)]
    gone: Vec<String>,
    #[serde(default)]
    kept: Vec<String>,
    #[serde(default)]
    added: Vec<String>,
    #[serde(default)]
    check_input: Vec<String>,
    #[serde(default)]
    check_input_absent: Vec<String>,
    /// The input is a scan: only OCR reads it, so `kept` is not looked for in the input, and
    /// the case is skipped where Tesseract is not installed (not under CI).
    #[serde(default)]
    ocr: bool,
}

/// Tesseract with its Dutch model, as woo-redact runs it.
fn tesseract() -> bool {
    woo_redact::source::pdf::ocr::available(&Default::default()).is_ok()
}

/// Whether a missing tool fails the test (CI) or only skips its part (a developer machine).
fn required() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Runs an external reader: `Ok(None)` when it is not installed (the caller decides what that
/// means), `Err` when it cannot read the file.
fn run(tool: &str, args: &[&str], file: &Path) -> Result<Option<String>, String> {
    let out = match Command::new(tool).args(args).arg(file).arg("-").output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{tool}: {e}")),
    };
    // qpdf exits with 3 when it only warns.
    if !(out.status.success() || tool == "qpdf" && out.status.code() == Some(3)) {
        return Err(format!(
            "{tool} {args:?} cannot read {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    // Runs of white space as one space (layout mode pads columns), control characters
    // dropped (poppler writes glyph ids of a font without ToUnicode as such characters).
    let text: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| c.is_whitespace() || !c.is_control())
        .collect();
    Ok(Some(text.split_whitespace().collect::<Vec<_>>().join(" ")))
}

/// What each reader finds in a PDF, by reader name. Readers that are not installed are left
/// out.
fn readers(file: &Path) -> Result<BTreeMap<&'static str, String>, String> {
    let mut out = BTreeMap::new();
    let modes: [(&str, &str, &[&str]); 4] = [
        ("pdftotext", "pdftotext", &[]),
        ("pdftotext -raw", "pdftotext", &["-raw"]),
        // A crop area far larger than the page: pdftotext drops text off the page otherwise.
        (
            "pdftotext off-page",
            "pdftotext",
            &["-x", "-3000", "-y", "-3000", "-W", "7000", "-H", "7000"],
        ),
        (
            "qpdf bytes",
            "qpdf",
            &["--qdf", "--object-streams=disable", "--decode-level=generalized"],
        ),
    ];
    for (name, tool, args) in modes {
        if let Some(t) = run(tool, args, file)? {
            out.insert(name, t);
        }
    }
    Ok(out)
}

/// The kinds `check --format json` reports per document of a folder.
fn check_kinds(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let out = cmd()
        .args(["check", dir.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("check --format json is JSON");
    kinds_by_doc(&v)
}

/// Redacts one case and returns what went wrong (empty: the case passes).
fn redact_case(dir: &Path, c: &Case, tools: bool) -> Vec<String> {
    let mut fails = Vec::new();
    let input = dir.join(&c.file);
    let out = tmp();
    let run = cmd()
        .args([
            "redact",
            input.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    let Ok(report) = std::fs::read(out.path().join("werkbestanden/report.json")) else {
        return vec![format!(
            "no report.json (exit {:?}): {}",
            run.status.code(),
            String::from_utf8_lossy(&run.stderr).trim()
        )];
    };
    let report: Value = serde_json::from_slice(&report).expect("report.json is JSON");
    let doc = &report["documents"][0];
    let status = doc["status"].as_str().unwrap_or("?");
    let reason = doc["reason"].as_str().unwrap_or("");
    if status != c.status {
        fails.push(format!("status {status} (want {}): {reason}", c.status));
    }
    let want_code = if c.status == "needs-review" { 2 } else { 0 };
    if status == c.status && run.status.code() != Some(want_code) {
        fails.push(format!("exit {:?} (want {want_code})", run.status.code()));
    }
    if let Some(r) = &c.reason
        && !reason.contains(r.as_str())
    {
        fails.push(format!("reason {reason:?} does not mention {r:?}"));
    }
    if !tools || c.status == "needs-review" {
        return fails;
    }
    let written = out.path().join("publicatie").join(&c.file);
    if !written.exists() {
        fails.push("no output PDF written".into());
        return fails;
    }
    let after = match readers(&written) {
        Ok(a) => a,
        Err(e) => {
            fails.push(format!("output: {e}"));
            return fails;
        }
    };
    for g in &c.gone {
        let found: Vec<&str> = after
            .iter()
            .filter(|(_, text)| text.contains(g.as_str()))
            .map(|(reader, _)| *reader)
            .collect();
        if !found.is_empty() {
            fails.push(format!("{g:?} still found by {}", found.join(", ")));
        }
    }
    let visible = [&after["pdftotext"], &after["pdftotext -raw"]];
    for k in &c.kept {
        if !visible.iter().any(|t| t.contains(k.as_str())) {
            fails.push(format!("{k:?} no longer found by pdftotext"));
        }
    }
    for a in &c.added {
        if !visible.iter().any(|t| t.contains(a.as_str())) {
            fails.push(format!("{a:?} not found by pdftotext"));
        }
    }
    fails
}

#[test]
fn real_world_pdf_cases() {
    let dir = root().join("fixtures/pdf-cases");
    let expect: Expect = toml::from_str(&std::fs::read_to_string(dir.join("expect.toml")).unwrap()).unwrap();
    // Every PDF in the folder has its case, and the other way round.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = expect.case.iter().map(|c| c.file.clone()).collect();
    listed.sort();
    assert_eq!(files, listed, "expect.toml and the PDFs in fixtures/pdf-cases differ");

    let tools =
        Command::new("pdftotext").arg("-v").output().is_ok() && Command::new("qpdf").arg("--version").output().is_ok();
    if !tools {
        assert!(
            !required(),
            "pdftotext or qpdf missing in CI: .ci/run must install poppler-utils and qpdf"
        );
        crate::util::skipped("pdftotext or qpdf not installed: checking statuses and check kinds only");
    }
    let kinds = check_kinds(&dir);
    let mut failed = Vec::new();
    let ocr = tesseract();
    assert!(
        ocr || !required(),
        "Tesseract with nld missing in CI: .ci/run must install it"
    );
    for c in &expect.case {
        assert!(!c.what.trim().is_empty(), "{}: say what the case is", c.file);
        if c.ocr && !ocr {
            crate::util::skipped(&format!(
                "skip  {} (Tesseract with its Dutch model is not installed)",
                c.file
            ));
            continue;
        }
        // The fixture itself: what must go is there to begin with, and what must stay is
        // readable; otherwise the case proves nothing.
        if tools {
            let before = readers(&dir.join(&c.file)).unwrap_or_else(|e| panic!("{}: {e}", c.file));
            for g in &c.gone {
                assert!(
                    before.values().any(|t| t.contains(g.as_str())),
                    "{}: {g:?} is in `gone` but no reader finds it in the input",
                    c.file
                );
            }
            for k in c.kept.iter().filter(|_| !c.ocr) {
                assert!(
                    before["pdftotext"].contains(k.as_str()) || before["pdftotext -raw"].contains(k.as_str()),
                    "{}: {k:?} is in `kept` but pdftotext does not find it in the input",
                    c.file
                );
            }
        }
        let mut fails = redact_case(&dir, c, tools);
        let got = kinds.get(&c.file).cloned().unwrap_or_default();
        for k in &c.check_input {
            if !got.contains(k) {
                fails.push(format!("check: {k} not reported (got {got:?})"));
            }
        }
        for k in &c.check_input_absent {
            if got.contains(k) {
                fails.push(format!("check: {k} reported"));
            }
        }
        if fails.is_empty() {
            eprintln!("pass  {}", c.file);
        } else {
            eprintln!("FAIL  {}", c.file);
            for f in &fails {
                eprintln!("        {f}");
            }
            failed.push(c.file.as_str());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases fail: {failed:?}",
        failed.len(),
        expect.case.len()
    );
}
