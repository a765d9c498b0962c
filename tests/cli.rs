//! CLI behaviour: exit codes, bad files, refused --out, untouched inputs, determinism, masking.

use crate::util::{cmd, copy_example, root, snapshot, tmp, write};
use predicates::prelude::*;

fn example_args(out: &std::path::Path) -> Vec<String> {
    let r = root();
    vec![
        "redact".into(),
        r.join("fixtures/example").display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--staff".into(),
        r.join("fixtures/lists/staff.csv").display().to_string(),
        "--officials".into(),
        r.join("fixtures/lists/officials.txt").display().to_string(),
    ]
}

#[test]
fn example_is_redacted_and_must_keep_items_stay() {
    let d = tmp();
    let out = d.path().join("out");
    cmd().args(example_args(&out)).assert().code(0);
    let memo = std::fs::read_to_string(out.join("publicatie").join("beslisnota-motie.txt")).unwrap();
    for gone in [
        "Reinier",
        "Wolterbeek",
        "070-2145566",
        "06-41239870",
        "reinier.wolterbeek",
        "Oosterhuis",
        "Hamelink",
        "Smeekens",
        "111222333",
        "J. de Groot",
        "06 12345678",
        "Lindenlaan",
    ] {
        assert!(!memo.contains(gone), "{gone} still in output");
    }
    for kept in [
        "de leden Ceder (CU) en Dierderik van Dijk (SGP)",
        "Turfmarkt 147",
        "2511 DP Den Haag",
        "Postbus 20011",
        "Onze referentie\n7476377",
        "36 871, nr. 67",
        "€ 1750",
        "5. Informatie die niet openbaar gemaakt kan worden",
        "T 070 426 64 26",
        "Minister Uitermark",
        "Universiteit Utrecht",
        "123456789",
        "27371734",
        "DE89370400440532013000",
        "BZ-24-KL",
        "[5.1.2e]@minbzk.nl",
        "BSN [5.1.1e]",
    ] {
        assert!(memo.contains(kept), "{kept:?} lost");
    }
    let mail = std::fs::read_to_string(out.join("publicatie").join("email-overleg.md")).unwrap();
    assert!(
        mail.contains("het lid Sneller (D66)") && mail.contains("woo@minbzk.nl") && !mail.contains("Sanne Verhoef")
    );
    let letter = std::fs::read_to_string(out.join("publicatie").join("brief-verzoeker.txt")).unwrap();
    assert!(
        !letter.contains("Brouwer") && !letter.contains("Wolterbeek") && letter.contains("namens deze,\n\n[5.1.2e]")
    );
    assert!(letter.contains("het algemene nummer 070 426 64 26"));
}

#[test]
fn without_lists_the_same_people_are_found() {
    let d = tmp();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    cmd().args(example_args(&a)).assert().code(0);
    cmd()
        .args([
            "redact",
            root().join("fixtures/example").to_str().unwrap(),
            "--out",
            b.to_str().unwrap(),
        ])
        .assert()
        .code(0);
    for name in ["beslisnota-motie.txt", "email-overleg.md", "brief-verzoeker.txt"] {
        assert_eq!(
            std::fs::read_to_string(a.join("publicatie").join(name)).unwrap(),
            std::fs::read_to_string(b.join("publicatie").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn report_is_masked_and_complete() {
    let d = tmp();
    let out = d.path().join("out");
    cmd().args(example_args(&out)).assert().code(0);
    let raw = std::fs::read_to_string(out.join("werkbestanden/report.json")).unwrap();
    for clear in [
        "Wolterbeek",
        "Reinier",
        "111222333",
        "06-41239870",
        "Smeekens",
        "Hamelink",
    ] {
        assert!(!raw.contains(clear), "report leaks {clear}");
    }
    let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 3);
    let memo = docs.iter().find(|d| d["path"] == "beslisnota-motie.txt").unwrap();
    assert_eq!(memo["status"], "redacted");
    let f = &memo["findings"].as_array().unwrap()[0];
    for key in [
        "rule",
        "category",
        "ground",
        "confidence",
        "masked",
        "line",
        "column",
        "start",
        "end",
        "explanation",
        "fingerprint",
    ] {
        assert!(!f[key].is_null(), "finding lacks {key}");
    }
    assert!(
        memo["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["masked"] == "R****** W*********")
    );
    let kept = memo["kept"].as_array().unwrap();
    assert!(
        kept.iter()
            .any(|k| k["reason"].as_str().unwrap().contains("publieke functionaris")),
        "officials shown as kept"
    );
    assert!(v["totals"]["grounds"]["5.1.2e"].as_u64().unwrap() > 10);
    assert_eq!(v["totals"]["grounds"]["5.1.1e"], 1);
}

#[test]
fn identical_output_for_any_thread_count_and_inputs_untouched() {
    let d = tmp();
    let input = d.path().join("in");
    copy_example(&input);
    for i in 0..12 {
        write(
            &input,
            &format!("extra/memo-{i:02}.txt"),
            format!("Behandeld door: J. Vermeer-{i}\nT 06-1234567{}\n", i % 10).as_bytes(),
        );
    }
    let before = snapshot(&input);
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", a.to_str().unwrap(), "-j1"])
        .assert()
        .code(0);
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", b.to_str().unwrap(), "-j2"])
        .assert()
        .code(0);
    assert_eq!(snapshot(&a), snapshot(&b));
    assert_eq!(snapshot(&input), before, "inputs modified");
    assert!(
        !snapshot(&a).iter().any(|(p, _)| p.contains(".tmp")),
        "temporary file left behind"
    );
}

#[test]
fn sync_each_file_writes_the_same_outputs_and_leaves_no_temporary_file() {
    // Per-file fsync (`--sync-each-file`, global to every command) and the default single sync
    // at the end of the run must publish the same bytes.
    let d = tmp();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    cmd().args(example_args(&a)).assert().code(0);
    let mut each = example_args(&b);
    each.insert(0, "--sync-each-file".into());
    cmd().args(&each).assert().code(0);
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert!(sa.iter().any(|(p, _)| p == "publicatie/beslisnota-motie.txt"), "{sa:?}");
    assert_eq!(sa, sb);
    assert!(
        !sb.iter().any(|(p, _)| p.contains(".tmp")),
        "temporary file left behind"
    );
}

#[test]
fn bad_files_are_reported_and_the_batch_goes_on() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input, "goed.txt", b"Contactpersoon: J. de Vries\n");
    write(&input, "binair.txt", b"\x00\x01\x02PK\x03\x04");
    write(&input, "latin1.txt", b"Contactpersoon: Jos\xe9 Pe\xf1a\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(input.join("bestaat-niet.txt"), input.join("kapot.txt")).unwrap();
    let out = d.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("binair.txt: failed: binary file"))
        .stderr(predicate::str::contains("latin1.txt: failed: not valid UTF-8"));
    assert_eq!(
        std::fs::read_to_string(out.join("publicatie").join("goed.txt")).unwrap(),
        "Contactpersoon: [5.1.2e]\n"
    );
    assert!(
        !out.join("publicatie").join("binair.txt").exists()
            && !out.join("publicatie").join("latin1.txt").exists()
            && !out.join("publicatie").join("kapot.txt").exists()
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("werkbestanden/report.json")).unwrap()).unwrap();
    assert_eq!(v["totals"]["status"]["failed"], if cfg!(unix) { 3 } else { 2 });
}

#[test]
fn out_inside_input_is_refused() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input, "a.txt", b"x");
    // A single file with --out its own folder would be overwritten by its copy.
    cmd()
        .args([
            "redact",
            input.join("a.txt").to_str().unwrap(),
            "--out",
            input.to_str().unwrap(),
        ])
        .assert()
        .code(64);
    for out in [input.clone(), input.join("sub/out")] {
        cmd()
            .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .assert()
            .code(64)
            .stderr(predicate::str::contains("inside input"));
    }
    assert_eq!(snapshot(&input).len(), 1);
}

#[test]
fn usage_errors_exit_64() {
    cmd().args(["redact", "--bogus"]).assert().code(64);
    cmd()
        .args(["redact", "does-not-exist", "--out", "/tmp/x"])
        .assert()
        .code(64);
    cmd()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("78  invalid rules"));
}

#[test]
fn config_errors_are_all_reported_with_lines_and_exit_78() {
    let d = tmp();
    let cfg = write(
        d.path(),
        "woo-redact.toml",
        br#"schema = 1

[[rule]]
id = "projectnaam"
category = "other"
ground = "5.1.9z"
regex = '''Project \w+'''

[[rule]]
id = "kapot"
category = "nonsense"
ground = "5.1.2e"
regex = '''(unclosed'''
"#,
    );
    let input = write(d.path(), "in/a.txt", b"x");
    cmd()
        .args([
            "redact",
            input.to_str().unwrap(),
            "--out",
            d.path().join("o").to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ])
        .assert()
        .code(78)
        .stderr(predicate::str::contains(
            "woo-redact.toml:6: rule `projectnaam`: unknown Woo ground `5.1.9z`",
        ))
        .stderr(predicate::str::contains(
            "woo-redact.toml:11: rule `kapot`: unknown category",
        ))
        .stderr(predicate::str::contains(
            "woo-redact.toml:13: rule `kapot`: invalid regex",
        ));
    let typo = write(d.path(), "typo.toml", b"schema = 1\nstaf = \"x.csv\"\n");
    cmd()
        .args(["rules", "list", "--config", typo.to_str().unwrap()])
        .assert()
        .code(78)
        .stderr(predicate::str::contains("typo.toml:2"));
}

#[test]
fn config_beside_inputs_extends_defaults() {
    let d = tmp();
    let input = d.path().join("in");
    write(
        &input,
        "woo-redact.toml",
        b"schema = 1\n[ground-overrides]\nvnummer = \"5.1.2e\"\n\n[[rule]]\nid = \"dossier\"\ncategory = \"other\"\nground = \"art. 5.1 lid 2 sub i\"\nregex = '''Dossier [A-Z]{3}-\\d{4}'''\nexamples.match = [\"Dossier ABC-1234\"]\n",
    );
    write(&input, "a.txt", b"Zie Dossier XYZ-2026 en V-nummer 7275447945.\n");
    let out = d.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(out.join("publicatie").join("a.txt")).unwrap(),
        "Zie [5.1.2i] en V-nummer [5.1.2e].\n"
    );
    assert!(!out.join("woo-redact.toml").exists(), "config is not a document");
}

#[test]
fn broken_pdf_fails_closed_and_the_batch_goes_on() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input, "a.txt", b"Van: J. de Vries\n");
    write(&input, "scan.pdf", b"%PDF-1.4\n");
    let out = d.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scan.pdf: needs-review"));
    assert!(out.join("publicatie").join("a.txt").exists() && !out.join("publicatie").join("scan.pdf").exists());
    cmd()
        .args([
            "redact",
            input.to_str().unwrap(),
            "--out",
            d.path().join("o2").to_str().unwrap(),
            "--ext",
            "txt",
        ])
        .assert()
        .code(0);
}

#[test]
fn rules_test_and_explain() {
    cmd()
        .args(["rules", "test"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" passed, 0 failed"));
    cmd()
        .args(["rules", "explain", "Bel mevrouw J. de Vries op 06-12345678."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Bel mevrouw [5.1.2e] op [5.1.2e]."))
        .stdout(predicate::str::contains("naam-titel"));
}

#[test]
fn reviewer_decisions_keep_redact_and_report_stale_entries() {
    let d = tmp();
    let input = d.path().join("in");
    write(
        &input,
        "memo.txt",
        b"Contactpersoon: J. Zwartendijk\nHet project Zeus loopt. Overleg met mevrouw A. Oudekerk.\n",
    );
    let out1 = d.path().join("out1");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out1.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out1.join("werkbestanden/report.json")).unwrap()).unwrap();
    let f = rep["documents"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["masked"] == "A. O*******")
        .unwrap()
        .clone();
    let decisions = d.path().join("besluiten.toml");
    std::fs::write(
        &decisions,
        format!(
            "[[keep]]\nfingerprint = \"{}\"\nreason = \"externe adviseur, zelf openbaar opgetreden\"\n\n\
             [[redact]]\ntext = \"project Zeus\"\nground = \"5.1.2i\"\nreason = \"goed functioneren van de Staat\"\n\n\
             [[redact]]\ntext = \"bestaat niet\"\nground = \"5.1.2e\"\nreason = \"oud\"\n",
            f["fingerprint"].as_str().unwrap()
        ),
    )
    .unwrap();
    let out2 = d.path().join("out2");
    cmd()
        .args([
            "redact",
            input.to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
            "--decisions",
            decisions.to_str().unwrap(),
        ])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "stale decision (matches nothing): redact \"bestaat niet\"",
        ));
    let text = std::fs::read_to_string(out2.join("publicatie").join("memo.txt")).unwrap();
    assert_eq!(
        text,
        "Contactpersoon: [5.1.2e]\nHet [5.1.2i] loopt. Overleg met mevrouw A. Oudekerk.\n"
    );
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out2.join("werkbestanden/report.json")).unwrap()).unwrap();
    let kept = rep["documents"][0]["kept"].as_array().unwrap();
    assert!(
        kept.iter()
            .any(|k| k["masked"] == "A. O*******" && k["reason"].as_str().unwrap().starts_with("besluit reviewer:"))
    );
    assert_eq!(rep["stale_decisions"].as_array().unwrap().len(), 1);
    // A ground that does not exist is a configuration error.
    std::fs::write(
        &decisions,
        "[[redact]]\ntext = \"x\"\nground = \"5.1.9\"\nreason = \"r\"\n",
    )
    .unwrap();
    cmd()
        .args([
            "redact",
            input.to_str().unwrap(),
            "--out",
            d.path().join("o3").to_str().unwrap(),
            "--decisions",
            decisions.to_str().unwrap(),
        ])
        .assert()
        .code(78);
}

#[test]
fn review_shows_redactions_in_context_and_filters() {
    let d = tmp();
    let input = d.path().join("in");
    write(
        &input,
        "memo.txt",
        b"Contactpersoon: J. Zwartendijk\nMinister Van Roijen belt.\nNummer 111222333 in het dossier.\n",
    );
    write(&input, "kapot.txt", b"\x00\x01binair");
    let assert = cmd()
        .args(["review", input.to_str().unwrap(), "--no-color"])
        .assert()
        .code(2);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(out.contains("== memo.txt (1 redactions, 2 kept)"), "{out}");
    assert!(
        out.contains("    1 - Contactpersoon: J. Zwartendijk") && out.contains("      + Contactpersoon: [5.1.2e]"),
        "{out}"
    );
    assert!(out.contains("keep (genoemd in publieke functie (minister))"), "{out}");
    assert!(out.contains("== needs review: kapot.txt"), "{out}");
    let assert = cmd()
        .args([
            "review",
            input.join("memo.txt").to_str().unwrap(),
            "--no-color",
            "--only",
            "candidates",
        ])
        .assert()
        .code(0);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        out.contains("\"111222333\" bsn Candidate") && !out.contains("Zwartendijk"),
        "{out}"
    );
}
