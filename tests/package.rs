//! The publication package: section-5 justification (golden file), inventory list and
//! redaction log.

use crate::util::{cmd, root, tmp, write};
use std::collections::BTreeSet;

fn run_example(out: &std::path::Path) {
    let r = root();
    cmd()
        .args([
            "redact",
            r.join("fixtures/example").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .args(["--staff", r.join("fixtures/lists/staff.csv").to_str().unwrap()])
        .args(["--officials", r.join("fixtures/lists/officials.txt").to_str().unwrap()])
        .args(["--decision-name", "Besluit Woo-verzoek 2026-01"])
        .assert()
        .code(0);
}

fn rows(path: &std::path::Path) -> Vec<csv::StringRecord> {
    let mut rdr = csv::ReaderBuilder::new().delimiter(b';').from_path(path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    assert!(
        header[0] == "Document ID" || header[0] == "Documentnummer",
        "{header:?}"
    );
    rdr.records().map(|r| r.unwrap()).collect()
}

#[test]
fn toelichting_matches_the_reviewed_golden_file() {
    let d = tmp();
    let out = d.path().join("out");
    run_example(&out);
    let got = std::fs::read_to_string(out.join("publicatie/toelichting.md")).unwrap();
    let want = std::fs::read_to_string(root().join("tests/golden/toelichting-example.md")).unwrap();
    assert_eq!(
        got, want,
        "toelichting.md changed: review it and update tests/golden/toelichting-example.md"
    );
    // It reads like a decision: one paragraph per ground, the statute cited once in it, the
    // documents by their inventory number, the officials sentence once, at the end.
    let paragraphs: Vec<&str> = got.split("\n\n").collect();
    let grounds: Vec<&&str> = paragraphs.iter().filter(|p| p.starts_with("Op grond van")).collect();
    assert_eq!(grounds.len(), 2, "{got}");
    for p in &grounds {
        assert_eq!(p.matches("Op grond van").count(), 1, "{p}");
        assert_eq!(
            p.matches("weegt").count() + p.matches("geen afweging").count(),
            1,
            "{p}"
        );
        assert!(p.contains("WOO-") && !p.contains(".txt") && !p.contains(".md"), "{p}");
    }
    assert!(!got.contains("belang van de bescherming van nationale identificatienummers"));
    assert!(
        paragraphs.last().unwrap().starts_with("Namen van bewindspersonen"),
        "{got}"
    );
    assert_eq!(got.matches("Namen van bewindspersonen").count(), 1);
    let html = std::fs::read_to_string(out.join("publicatie/toelichting.html")).unwrap();
    assert!(html.contains("<h3>5.1.2e – Eerbiediging van de persoonlijke levenssfeer</h3>") && !html.contains("http"));
    // The per-document block sits in report.json.
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("werkbestanden/report.json")).unwrap()).unwrap();
    let memo = rep["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "beslisnota-motie.txt")
        .unwrap();
    assert!(
        memo["section5"]
            .as_str()
            .unwrap()
            .contains("5.1.1e – Nationale identificatienummers")
    );
}

#[test]
fn inventory_has_one_row_per_input_with_the_grounds_of_its_labels() {
    let d = tmp();
    let input = d.path().join("in");
    for (rel, bytes) in crate::util::snapshot(&root().join("fixtures/example")) {
        write(&input, &rel, &bytes);
    }
    write(&input, "schoon.txt", b"Er staat niets persoonlijks in deze notitie.\n");
    write(&input, "kapot.txt", b"\xff\xfe niet te lezen");
    let out = d.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .assert()
        .code(2);
    let inv = rows(&out.join("publicatie/inventaris.csv"));
    assert_eq!(inv.len(), 5);
    let mut numbers = BTreeSet::new();
    for r in &inv {
        let (nr, name, assessment, grounds, note) = (&r[1], &r[2], &r[3], &r[4], &r[5]);
        assert!(
            nr.starts_with("WOO-") && numbers.insert(nr.to_string()),
            "document numbers unique"
        );
        match name {
            "schoon.txt" => assert_eq!((assessment, grounds), ("openbaar", "")),
            "kapot.txt" => assert!(
                assessment == "niet openbaar"
                    && note.contains("handmatige beoordeling")
                    && note.contains("tekencodering")
                    && !note.contains("UTF-8 (first"),
                "{r:?}"
            ),
            _ => {
                assert_eq!(assessment, "deels openbaar");
                // The grounds column equals the labels in the redacted document.
                let text = std::fs::read_to_string(out.join("publicatie").join(name)).unwrap();
                let labels: BTreeSet<String> = ["5.1.1e", "5.1.2e"]
                    .iter()
                    .filter(|g| text.contains(&format!("[{g}]")))
                    .map(|g| g.to_string())
                    .collect();
                let listed: BTreeSet<String> = grounds.split("; ").map(str::to_string).collect();
                assert_eq!(labels, listed, "{name}");
            }
        }
    }
    // Document numbers do not depend on the other documents in the batch.
    let out2 = d.path().join("out2");
    cmd()
        .args([
            "redact",
            input.join("schoon.txt").to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
            "-q",
        ])
        .assert()
        .code(0);
    let solo = rows(&out2.join("publicatie/inventaris.csv"));
    assert_eq!(&solo[0][1], &inv.iter().find(|r| &r[2] == "schoon.txt").unwrap()[1]);
    // One log row per redaction, no text of the redaction itself.
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("werkbestanden/report.json")).unwrap()).unwrap();
    let total: u64 = rep["totals"]["grounds"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let log = std::fs::read_to_string(out.join("werkbestanden/redactielog.csv")).unwrap();
    assert_eq!(log.lines().count() as u64, total + 1);
    assert!(!log.contains("Wolterbeek") && !log.contains("111222333"));
}

#[test]
fn justification_page_closes_each_redacted_document_and_xlsx_is_deterministic() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input, "memo.txt", b"Contactpersoon: J. de Vries\nT 06-12345678\n");
    write(&input, "schoon.txt", b"Niets persoonlijks.\n");
    std::fs::copy(
        root().join("fixtures/pdf/rl-helv/0004-email.pdf"),
        input.join("mail.pdf"),
    )
    .unwrap();
    let run = |out: &std::path::Path| {
        cmd()
            .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
            .args(["--justification-page", "--inventory-format", "xlsx"])
            .assert()
            .code(0);
    };
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    run(&a);
    run(&b);
    let memo = std::fs::read_to_string(a.join("publicatie").join("memo.txt")).unwrap();
    assert!(
        memo.starts_with(
            "Contactpersoon: [5.1.2e]\nT [5.1.2e]\n\n## 5. Informatie die niet openbaar gemaakt kan worden"
        ),
        "{memo}"
    );
    assert_eq!(
        std::fs::read_to_string(a.join("publicatie").join("schoon.txt")).unwrap(),
        "Niets persoonlijks.\n"
    );
    let before = lopdf::Document::load(input.join("mail.pdf")).unwrap().get_pages().len();
    let after = lopdf::Document::load(a.join("publicatie").join("mail.pdf"))
        .unwrap()
        .get_pages()
        .len();
    assert!(after > before, "no justification page added");
    if let Ok(o) = std::process::Command::new("pdftotext")
        .arg(a.join("publicatie").join("mail.pdf"))
        .arg("-")
        .output()
    {
        let t = String::from_utf8_lossy(&o.stdout);
        assert!(
            t.contains("5.1 Toelichting") && t.contains("Eerbiediging van de persoonlijke levenssfeer"),
            "{t}"
        );
    }
    let xlsx = std::fs::read(a.join("publicatie/inventaris.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK"));
    assert_eq!(
        xlsx,
        std::fs::read(b.join("publicatie/inventaris.xlsx")).unwrap(),
        "xlsx differs between runs"
    );
    assert_eq!(
        crate::util::snapshot(&a),
        crate::util::snapshot(&b),
        "package differs between runs"
    );
}
