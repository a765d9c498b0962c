//! `review --html`, `--decide` and `--against`: the reviewer's page lists exactly what `redact`
//! reports (checked against report.json and, after its script ran, in headless Chromium), the
//! interactive decisions stick on the next run, and redacted folders are compared.

use crate::util::{cmd, root, tmp, write};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command as Proc;
use std::time::Instant;

fn lists() -> Vec<String> {
    vec![
        "--staff".into(),
        root().join("fixtures/lists/staff.csv").display().to_string(),
        "--officials".into(),
        root().join("fixtures/lists/officials.txt").display().to_string(),
    ]
}

/// A small batch: the example text documents, two PDFs of different producers and a file that
/// cannot be read.
fn fixture_batch(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    crate::util::copy_example(&input);
    for (src, dst) in [
        ("fixtures/pdf/lo-docx/0006-beslisnota.pdf", "pdf/0006-beslisnota.pdf"),
        ("fixtures/pdf/pdftex/0004-email.pdf", "pdf/0004-email.pdf"),
    ] {
        write(&input, dst, &std::fs::read(root().join(src)).unwrap());
    }
    write(&input, "kapot.txt", b"\x00\x01binair");
    input
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Values of `attr="…"` in order of appearance.
fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').expect("closed attribute");
        out.push(unescape(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// Per document of the page: the fingerprints of its findings (rows), sorted.
fn html_findings(html: &str) -> BTreeMap<String, Vec<String>> {
    let mut per: BTreeMap<String, Vec<String>> =
        attr_values(html, "data-doc").into_iter().map(|d| (d, vec![])).collect();
    let fps = attr_values(html, "data-finding");
    let docs = attr_values(html, "data-doc-ref");
    assert_eq!(fps.len(), docs.len());
    for (fp, d) in fps.into_iter().zip(docs) {
        per.get_mut(&d).expect("finding of a listed document").push(fp);
    }
    per.values_mut().for_each(|v| v.sort());
    per
}

/// Per document of report.json: the fingerprints of its redactions and kept findings, sorted.
fn report_findings(rep: &serde_json::Value) -> BTreeMap<String, Vec<String>> {
    rep["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let mut fps: Vec<String> = ["findings", "kept"]
                .iter()
                .flat_map(|k| d[*k].as_array().unwrap().iter())
                .map(|f| f["fingerprint"].as_str().unwrap().to_string())
                .collect();
            fps.sort();
            (d["path"].as_str().unwrap().to_string(), fps)
        })
        .collect()
}

/// Runs `redact` and `review --html` over the same inputs; returns (page, report).
fn redact_and_page(dir: &Path, inputs: &[PathBuf], extra: &[String]) -> (String, serde_json::Value, PathBuf) {
    let out = dir.join("out");
    let page = dir.join("review.html");
    let ins: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let code = cmd()
        .arg("redact")
        .args(&ins)
        .args(["--out", out.to_str().unwrap(), "-q"])
        .args(extra)
        .output()
        .unwrap()
        .status
        .code();
    assert!(matches!(code, Some(0 | 2)), "redact exit {code:?}");
    let o = cmd()
        .arg("review")
        .args(&ins)
        .args(["--html", page.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), code, "review and redact agree on completeness");
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("werkbestanden/report.json")).unwrap()).unwrap();
    (std::fs::read_to_string(&page).unwrap(), rep, page)
}

fn assert_page_matches_report(html: &str, rep: &serde_json::Value) {
    let from_html = html_findings(html);
    let from_report = report_findings(rep);
    assert_eq!(from_html.len(), rep["totals"]["documents"].as_u64().unwrap() as usize);
    assert_eq!(
        from_html.keys().collect::<Vec<_>>(),
        from_report.keys().collect::<Vec<_>>(),
        "same documents"
    );
    for (doc, fps) in &from_report {
        assert_eq!(&from_html[doc], fps, "findings of {doc}");
    }
    // Every redaction and kept finding is also highlighted in the text (or listed as a box).
    let total: usize = from_report.values().map(Vec::len).sum();
    assert!(total > 0);
    assert_eq!(
        attr_values(html, "data-redactions")[0].parse::<usize>().unwrap(),
        rep["totals"]["grounds"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap() as usize)
            .sum::<usize>()
    );
}

#[test]
fn html_page_lists_every_document_and_finding_of_report_json() {
    let d = tmp();
    let input = fixture_batch(d.path());
    let (html, rep, _) = redact_and_page(d.path(), &[input], &lists());
    assert_page_matches_report(&html, &rep);
    // The unreadable file is listed with its status; the PDFs per page with their boxes.
    assert!(
        html.contains("data-doc=\"kapot.txt\" data-status=\"needs-review\""),
        "needs-review listed"
    );
    assert!(html.contains("data-doc=\"pdf/0004-email.pdf\" data-status=\"redacted\" data-kind=\"pdf\""));
    assert!(html.contains("<div class=\"page\" data-page=\"1\">"));
    let pdf_redactions: usize = rep["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().ends_with(".pdf"))
        .map(|d| {
            d["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["rect"].is_array())
                .count()
        })
        .sum();
    assert!(pdf_redactions > 0);
    assert_eq!(attr_values(&html, "data-box").len(), pdf_redactions);
    // Self-contained: no external resources of any kind.
    for bad in ["src=\"http", "href=\"http", "url(", "@import", "<link", "src=\"//"] {
        assert!(!html.contains(bad), "external reference {bad}");
    }
}

#[test]
fn html_page_matches_report_on_a_corpus_sample() {
    let corpus = root().join("../shared/corpus-dev/input");
    let corpus = if corpus.is_dir() {
        corpus
    } else {
        PathBuf::from("/work/shared/corpus-dev/input")
    };
    if !corpus.is_dir() {
        crate::util::skipped("skipped: corpus-dev not present (the fixture test covers the same check)");
        return;
    }
    let d = tmp();
    let input = d.path().join("in");
    for i in [1, 2, 4, 6, 10, 13, 17, 21, 25, 33] {
        for entry in std::fs::read_dir(corpus.join("txt")).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(&format!("{i:04}-")) {
                write(&input, &format!("txt/{name}"), &std::fs::read(&p).unwrap());
                let pdf = corpus.join("pdf/rl-helv").join(name.replace(".txt", ".pdf"));
                if pdf.is_file() && i % 3 == 1 {
                    write(
                        &input,
                        &format!("pdf/{}", pdf.file_name().unwrap().to_string_lossy()),
                        &std::fs::read(&pdf).unwrap(),
                    );
                }
            }
        }
    }
    let lists = corpus.join("../lists");
    let extra: Vec<String> = vec![
        "--staff".into(),
        lists.join("staff_list.csv").display().to_string(),
        "--officials".into(),
        lists.join("public_officials.csv").display().to_string(),
    ];
    let (html, rep, _) = redact_and_page(d.path(), &[input], &extra);
    assert!(rep["totals"]["documents"].as_u64().unwrap() >= 10);
    assert_page_matches_report(&html, &rep);
}

const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs headless Chromium with a fresh profile; None (after saying why) when it is not installed
/// outside CI. Under CI a missing Chromium is a failure.
fn chromium(args: &[String]) -> Option<std::process::Output> {
    if !Path::new(CHROMIUM).exists() {
        if std::env::var_os("CI").is_some() {
            panic!("{CHROMIUM} is missing: install Debian's `chromium` package (.ci/run does)");
        }
        crate::util::skipped(&format!("skipped: {CHROMIUM} not installed (apt-get install chromium)"));
        return None;
    }
    let profile = tmp();
    let out = Proc::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out)
}

#[test]
fn html_page_in_headless_chromium_shows_every_finding_and_is_not_blank() {
    let d = tmp();
    let input = fixture_batch(d.path());
    let (html, rep, page) = redact_and_page(d.path(), &[input], &lists());
    let url = format!("file://{}", page.display());
    let t = Instant::now();
    let Some(out) = chromium(&["--dump-dom".into(), url.clone()]) else {
        return;
    };
    let dom = String::from_utf8(out.stdout).unwrap();
    let from_report = report_findings(&rep);
    let total: usize = from_report.values().map(Vec::len).sum();
    // The DOM after the script ran: same documents and findings as report.json ...
    assert_page_matches_report(&dom, &rep);
    // ... and the script counted them all as visible (no filter set), per document too.
    assert!(
        dom.contains(&format!("<span id=\"shown\">{total}</span>")),
        "script did not count {total} findings"
    );
    // The per-document counts are filled in by the script only.
    assert!(html.contains("id=\"vis-0\"></td>") && !dom.contains("id=\"vis-0\"></td>"));
    for (i, (doc, fps)) in html_findings(&dom).iter().enumerate() {
        assert!(
            dom.contains(&format!("id=\"vis-{i}\">{}</td>", fps.len())),
            "visible count of {doc}"
        );
    }
    // The filters run in the browser: set from the address, they hide what does not match.
    let all: Vec<&serde_json::Value> = rep["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            ["findings", "kept"]
                .into_iter()
                .flat_map(move |k| d[k].as_array().unwrap())
        })
        .collect();
    let count = |p: &dyn Fn(&serde_json::Value) -> bool| all.iter().filter(|f| p(f)).count();
    for (hash, expect) in [
        ("confidence=candidate", count(&|f| f["confidence"] == "candidate")),
        ("ground=5.1.1e", count(&|f| f["ground"] == "5.1.1e")),
        ("kept=0", count(&|f| f["reason"].is_null())),
        (
            "rule=bsn,naam-kopregel&kept=0",
            count(&|f| (f["rule"] == "bsn" || f["rule"] == "naam-kopregel") && f["reason"].is_null()),
        ),
    ] {
        assert!(
            expect > 0 && expect < total,
            "{hash}: {expect} of {total} is not a useful check"
        );
        let out = chromium(&["--dump-dom".into(), format!("{url}#{hash}")]).unwrap();
        let dom = String::from_utf8(out.stdout).unwrap();
        assert!(
            dom.contains(&format!("<span id=\"shown\">{expect}</span>")),
            "filter {hash}: expected {expect}"
        );
        assert_eq!(
            dom.matches("<tr class=\"finding").count() - dom.matches(" off\" data-finding").count(),
            expect
        );
    }
    let shot = d.path().join("review.png");
    chromium(&[
        format!("--screenshot={}", shot.display()),
        "--window-size=1200,900".into(),
        url,
    ]);
    eprintln!("chromium: dom + screenshot in {:?}", t.elapsed());
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1200, 900));
    let px = info.color_type.samples();
    let mut counts: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    for p in buf[..info.buffer_size()].chunks(px) {
        *counts.entry(p).or_default() += 1;
    }
    let pixels = (info.width * info.height) as usize;
    let most = counts.values().max().copied().unwrap_or(0);
    assert!(counts.len() > 50, "only {} distinct colours: blank page?", counts.len());
    assert!(most < pixels * 95 / 100, "one colour covers {most} of {pixels} pixels");
    // The red highlight of redacted spans and the black labels are on screen.
    let has = |rgb: [u8; 3]| counts.keys().any(|p| p[..3] == rgb);
    assert!(has([0xff, 0xb3, 0xb3]), "no highlighted span visible");
    assert!(has([0x11, 0x11, 0x11]), "no redaction label visible");
}

#[test]
fn decide_walks_findings_from_stdin_and_the_next_redact_honours_the_answers() {
    let d = tmp();
    let input = d.path().join("in");
    write(
        &input,
        "memo.txt",
        b"Contactpersoon: J. Zwartendijk\nNummer 111222333 in het dossier.\nMinister Van Roijen belt.\n",
    );
    // Before: the name is redacted, the number only a candidate.
    let out1 = d.path().join("out1");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out1.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    let rep1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out1.join("werkbestanden/report.json")).unwrap()).unwrap();
    let name_fp = rep1["documents"][0]["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let bsn = rep1["documents"][0]["kept"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["rule"] == "bsn")
        .expect("bsn candidate kept")
        .clone();
    assert_eq!(bsn["confidence"], "candidate");

    // Reject the name (an empty reason is refused), accept the number, skip the minister.
    let o = cmd()
        .args(["review", input.to_str().unwrap(), "--decide", "--only", "all"])
        .write_stdin("r\n\nofficial spokesperson\na\ns\nq\n")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("    1 | Contactpersoon: »J. Zwartendijk«"), "{shown}");
    assert!(
        shown.contains("now redacted [5.1.2e]; ground 5.1.2e, rule naam-kopregel"),
        "{shown}"
    );
    assert!(shown.contains("a reason is required"), "{shown}");
    assert_eq!(shown.matches("[a/r/s/q]?").count(), 3, "{shown}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("2 decisions written to"), "{stderr}");

    // The file beside the inputs: a keep and an accepted redaction, by fingerprint, no clear text.
    let file = std::fs::read_to_string(input.join("woo-redact.decisions.toml")).unwrap();
    assert!(
        file.contains(&format!(
            "[[keep]]\nfingerprint = \"{name_fp}\"\nreason = \"official spokesperson\"\n"
        )),
        "{file}"
    );
    assert!(
        file.contains(&format!(
            "[[redact]]\nfingerprint = \"{}\"\nground = \"{}\"\n",
            bsn["fingerprint"].as_str().unwrap(),
            bsn["ground"].as_str().unwrap()
        )),
        "{file}"
    );
    assert!(!file.contains("Zwartendijk") && !file.contains("111222333"), "{file}");

    // The next run (which finds the file beside the inputs) honours both.
    let out2 = d.path().join("out2");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out2.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    let text = std::fs::read_to_string(out2.join("publicatie").join("memo.txt")).unwrap();
    assert_eq!(
        text,
        format!(
            "Contactpersoon: J. Zwartendijk\nNummer [{}] in het dossier.\nMinister Van Roijen belt.\n",
            bsn["ground"].as_str().unwrap()
        )
    );
    let rep2: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out2.join("werkbestanden/report.json")).unwrap()).unwrap();
    let doc = &rep2["documents"][0];
    assert!(
        doc["kept"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["fingerprint"] == name_fp.as_str() && k["reason"] == "besluit reviewer: official spokesperson")
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["fingerprint"] == bsn["fingerprint"])
    );
    assert!(rep2.get("stale_decisions").is_none(), "{rep2}");

    // A second walk keeps the earlier entries and has no candidate left to ask about.
    let o = cmd()
        .args(["review", input.to_str().unwrap(), "--decide"])
        .write_stdin("q\n")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing to decide"));
    assert_eq!(
        std::fs::read_to_string(input.join("woo-redact.decisions.toml")).unwrap(),
        file
    );
}

#[test]
fn against_compares_originals_with_a_redacted_folder_and_two_runs() {
    let d = tmp();
    let input = d.path().join("in");
    write(
        &input,
        "memo.txt",
        b"Contactpersoon: J. Zwartendijk\nHet project Zeus loopt.\nNummer 111222333 in het dossier.\n",
    );
    write(&input, "sub/leeg.txt", b"Niets te melden.\n");
    write(&input, "nieuw.txt", b"Van: P. Hoogwerf\n");
    let old = d.path().join("old");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", old.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    // A copy the run did not write, and one it wrote that is gone now.
    write(&old.join("publicatie"), "vreemd.txt", b"los bestand\n");
    std::fs::remove_file(old.join("publicatie").join("nieuw.txt")).unwrap();
    let o = cmd()
        .args(["review", input.to_str().unwrap(), "--against", old.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "a missing document leaves the comparison incomplete"
    );
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("== memo.txt: 1 original / 1 redacted lines differ"), "{s}");
    assert!(
        s.contains("    1 original | Contactpersoon: J. Zwartendijk\n    1 redacted | Contactpersoon: [5.1.2e]\n"),
        "{s}"
    );
    assert!(!s.contains("Het project Zeus"), "unchanged lines are not shown: {s}");
    assert!(s.contains("== sub/leeg.txt: identical (nothing redacted)"), "{s}");
    assert!(
        s.contains(&format!("== nieuw.txt: missing from {} (redacted)", old.display())),
        "{s}"
    );
    assert!(
        s.contains(&format!("== vreemd.txt: extra in {} (no such input)", old.display())),
        "{s}"
    );
    assert!(!s.contains("toelichting.md"), "package files are not documents: {s}");
    assert!(
        s.contains("2 documents compared, 1 with redactions, 1 missing from") && s.ends_with(", 1 extra\n"),
        "{s}"
    );

    // A second run after a decision change: the name kept, project Zeus withheld under 5.1.2i.
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(old.join("werkbestanden/report.json")).unwrap()).unwrap();
    let memo = rep["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "memo.txt")
        .unwrap();
    let name_fp = memo["findings"][0]["fingerprint"].as_str().unwrap();
    let decisions = d.path().join("besluiten.toml");
    std::fs::write(
        &decisions,
        format!(
            "[[keep]]\nfingerprint = \"{name_fp}\"\nreason = \"woordvoerder\"\n\n\
             [[redact]]\ntext = \"project Zeus\"\nground = \"5.1.2i\"\nreason = \"goed functioneren van de Staat\"\n"
        ),
    )
    .unwrap();
    let new = d.path().join("new");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", new.to_str().unwrap(), "-q"])
        .args(["--decisions", decisions.to_str().unwrap()])
        .assert()
        .code(0);
    let o = cmd()
        .args([
            "review",
            "--against",
            old.to_str().unwrap(),
            "--against",
            new.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains(&format!(
            "      - redaction gone:     [5.1.2e] J. Z********** naam-kopregel (line 1) {name_fp}"
        )),
        "{s}"
    );
    assert!(
        s.contains("      + redaction appeared: [5.1.2i] p****** Z*** handmatig (line 2)"),
        "{s}"
    );
    assert!(
        s.contains("    2 old | Het project Zeus loopt.\n") && s.contains("    2 new | Het [5.1.2i] loopt.\n"),
        "{s}"
    );
    assert!(s.contains("== nieuw.txt\n      written by the new run only"), "{s}");
    assert!(s.contains("== vreemd.txt\n      written by the old run only"), "{s}");
    assert!(
        !s.contains("== sub/leeg.txt"),
        "unchanged documents are not listed: {s}"
    );
    assert!(
        s.contains("redactions per ground: 5.1.2e: 2 -> 1 (-1), 5.1.2i: 0 -> 1 (+1)"),
        "{s}"
    );
    assert!(s.contains("1 redactions appeared, 1 disappeared"), "{s}");
    // Inputs with two folders is a usage error.
    cmd()
        .args([
            "review",
            input.to_str().unwrap(),
            "--against",
            old.to_str().unwrap(),
            "--against",
            new.to_str().unwrap(),
        ])
        .assert()
        .code(64);
}

#[test]
fn terminal_review_groups_findings_in_hunks_with_context() {
    let d = tmp();
    let f = write(
        d.path(),
        "h.txt",
        b"Kop\n\nContactpersoon: J. Zwartendijk\nregel 4\nregel 5\nregel 6\nregel 7\nregel 8\n\
          Minister Van Roijen belt.\nNummer 111222333 in het dossier.\nslot\n",
    );
    let o = cmd()
        .args(["review", f.to_str().unwrap(), "--no-color"])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains(
            "@@ line 1-5 @@\n    1   Kop\n    2   \n    3 - Contactpersoon: J. Zwartendijk\n      + Contactpersoon: [5.1.2e]\n"
        ),
        "{s}"
    );
    // Two finding lines close together share one hunk; line 6 is in neither; no line after the
    // final newline.
    assert!(
        s.contains("    5   regel 5\n@@ line 7-11 @@\n    7   regel 7\n    8   regel 8\n    9 - Minister"),
        "{s}"
    );
    assert!(s.contains("   10 - Nummer 111222333"), "{s}");
    assert!(s.contains("\n   11   slot\n\n"), "{s}");
    assert_eq!(s.matches("@@ line").count(), 2, "{s}");
    assert!(!s.contains("regel 6"), "{s}");
}
