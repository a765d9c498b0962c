//! Hostile and broken inputs (issue #8): the generated suite with its expected outcomes, a disk
//! that fills up mid-batch, interrupted runs, limits, determinism over hostile folders, replay
//! of fuzz seeds and regressions, and property tests of folding and overlap resolution.

use crate::util::{root, tmp, write};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[derive(Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    status: String,
    #[serde(default)]
    message: Option<String>,
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("woo-redact")
}

/// Runs the generator script into `dir` (with `extra` arguments).
fn generate(dir: &Path, extra: &[&str]) {
    let st = Command::new("python3")
        .arg(root().join("scripts/hostile-suite.py"))
        .arg(dir)
        .args(extra)
        .status()
        .expect("python3 runs");
    assert!(st.success(), "scripts/hostile-suite.py failed");
}

/// Regular files under `dir` with their bytes, plus every other entry (pipes, links) with its
/// kind; never opens anything but regular files (a pipe would block).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = escaped(p.strip_prefix(dir).unwrap());
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.insert(
                    rel,
                    std::fs::read(&p).unwrap_or_else(|e| format!("unreadable: {e}").into_bytes()),
                );
            } else {
                out.insert(rel, format!("{:?}", meta.file_type()).into_bytes());
            }
        }
    }
    out
}

/// A relative path as the report writes it: bytes that are not UTF-8 as `\xE9`.
fn escaped(p: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in p.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

fn redact(input: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(bin())
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .args(extra)
        .output()
        .expect("binary runs")
}

fn report(out: &Path) -> BTreeMap<String, (String, Option<String>)> {
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("werkbestanden/report.json")).unwrap()).unwrap();
    documents(&r)
}

/// Per document path in a report (a `report.json`, or `check --format json`): status and reason.
fn documents(r: &serde_json::Value) -> BTreeMap<String, (String, Option<String>)> {
    r["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                (
                    d["status"].as_str().unwrap().to_string(),
                    d["reason"].as_str().map(String::from),
                ),
            )
        })
        .collect()
}

/// The publication set's files besides the documents.
const PACKAGE: [&str; 3] = ["toelichting.md", "toelichting.html", "inventaris.csv"];

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn no_temp_files(out: &Path) {
    let left: Vec<String> = tree(out)
        .into_keys()
        .filter(|p| p.contains(".tmp") || p.contains(".woo-redact-"))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

#[test]
fn suite_every_file_has_its_expected_outcome() {
    let d = tmp();
    let input = d.path().join("in");
    generate(&input, &[]);
    let manifest: Manifest =
        toml::from_str(&std::fs::read_to_string(root().join("fixtures/hostile/expect.toml")).unwrap()).unwrap();
    let mut cases = manifest.case;
    // An unreadable file: chmod 000 blocks everyone but root, so as root the case is skipped
    // (the dangling link `verwijzing.txt` is the unreadable file root cannot read either).
    if is_root() {
        crate::util::skipped(
            "hostile suite: running as root, chmod 000 does not block reads: unreadable-file case skipped",
        );
    } else {
        let p = write(&input, "onleesbaar.txt", b"Van: J. de Vries\n");
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
        cases.push(Case {
            file: "onleesbaar.txt".into(),
            status: "failed".into(),
            message: Some("cannot read: Permission denied".into()),
        });
    }
    let before = tree(&input);
    let out = d.path().join("out");
    let o = redact(&input, &out, &["-j2"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr:\n{stderr}");
    let rep = report(&out);
    assert_eq!(
        rep.len(),
        cases.len(),
        "every file in the report, no other: {:?}",
        rep.keys()
    );
    // The publication set and, apart, the review copies.
    let written = tree(&out.join("publicatie"));
    let review = tree(&out.join("werkbestanden/ter-beoordeling"));
    for c in &cases {
        let (status, reason) = rep
            .get(&c.file)
            .unwrap_or_else(|| panic!("{} not in report.json", c.file));
        assert_eq!(status, &c.status, "{}: {reason:?}", c.file);
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with(&format!("woo-redact: {}: ", c.file)))
            .collect();
        if c.status == "redacted" || c.status == "clean" {
            assert!(lines.is_empty(), "{}: no message expected: {lines:?}", c.file);
            assert!(written.contains_key(&c.file), "{}: output missing", c.file);
        } else {
            let msg = c.message.as_deref().expect("message in manifest");
            assert_eq!(lines.len(), 1, "{}: one message naming the file, got {lines:?}", c.file);
            assert!(
                lines[0].starts_with(&format!("woo-redact: {}: {}: ", c.file, c.status)) && lines[0].contains(msg),
                "{}: message {:?} does not say {msg:?}",
                c.file,
                lines[0]
            );
            assert!(
                reason.as_deref().is_some_and(|r| r.contains(msg)),
                "{}: report reason",
                c.file
            );
            assert!(!written.contains_key(&c.file), "{}: partial output written", c.file);
        }
    }
    // Nothing but the good documents and the package.
    let expected: Vec<&str> = cases
        .iter()
        .filter(|c| c.status == "redacted" || c.status == "clean")
        .map(|c| c.file.as_str())
        .chain(PACKAGE)
        .collect();
    // Best-effort copies of documents that need review go under werkbestanden/, never beside
    // the publication; each belongs to a needs-review document.
    let mut got: Vec<&str> = written.keys().map(String::as_str).collect();
    for p in review.keys() {
        assert!(
            cases.iter().any(|c| &c.file == p && c.status == "needs-review"),
            "{p}: review copy of a document that does not need review"
        );
    }
    let mut want = expected.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "files in --out");
    no_temp_files(&out);
    // Inputs byte-identical (and the pipe and link still what they were).
    assert_eq!(tree(&input), before, "inputs modified");
}

#[test]
fn outputs_identical_across_runs_and_thread_counts_with_hostile_inputs() {
    let d = tmp();
    let input = d.path().join("in");
    generate(&input, &[]);
    // The slow cases do not add to this check; the rest mixes good and bad documents.
    for slow in ["bomb.pdf", "many-pages.pdf"] {
        std::fs::remove_file(input.join(slow)).unwrap();
    }
    let before = tree(&input);
    let runs: Vec<BTreeMap<String, Vec<u8>>> = [("a", "-j1"), ("b", "-j2"), ("c", "-j2")]
        .iter()
        .map(|(name, j)| {
            let out = d.path().join(name);
            let o = redact(&input, &out, &[j]);
            assert_eq!(o.status.code(), Some(2));
            tree(&out)
        })
        .collect();
    assert!(runs[0].contains_key("publicatie/goed/memo.pdf"));
    assert!(runs[0] == runs[1], "-j1 and -j2 differ");
    assert!(runs[1] == runs[2], "two -j2 runs differ");
    assert_eq!(tree(&input), before, "inputs modified");
}

/// Unmounts on drop, so a failing test leaves no mount behind.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn full_disk_mid_batch_fails_that_document_only() {
    if !is_root() {
        crate::util::skipped("full-disk test skipped: mounting a small tmpfs needs root");
        return;
    }
    let d = tmp();
    let out = d.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&out)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        crate::util::skipped("full-disk test skipped: mount -t tmpfs failed here (no privilege in this container)");
        return;
    }
    let _guard = Mount(out.clone());
    let input = d.path().join("in");
    write(&input, "a-klein.txt", b"Van: J. de Vries\nDe zaak is besproken.\n");
    // 150 KiB with one name: the copy does not fit in 64 KiB, the report still does.
    let big: String = std::iter::once("Van: P. Jansen\n".to_string())
        .chain((0..4000).map(|i| format!("Regel {i}: de zaak is besproken.\n")))
        .collect();
    write(&input, "b-groot.txt", big.as_bytes());
    write(&input, "c-klein.txt", b"Aan: A. Bakker\nAkkoord.\n");
    let o = redact(&input, &out, &["-j1"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("b-groot.txt")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("woo-redact: b-groot.txt: failed: cannot write output")
            && lines[0].contains("No space left"),
        "{}",
        lines[0]
    );
    let written = tree(&out.join("publicatie"));
    assert!(!written.contains_key("b-groot.txt"), "partial output");
    assert!(
        written.contains_key("a-klein.txt") && written.contains_key("c-klein.txt"),
        "{:?}",
        written.keys()
    );
    assert_eq!(report(&out)["b-groot.txt"].0, "failed");
    no_temp_files(&out);
}

/// Spawns a run over `input`, sends `signal` once `ready` holds for the output folder, and
/// returns the exit code and stderr.
fn interrupted_run(input: &Path, out: &Path, signal: &str, ready: impl Fn(&Path) -> bool) -> (Option<i32>, String) {
    let mut child = Command::new(bin())
        .args([
            "redact",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
            "-j2",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("binary runs");
    let start = std::time::Instant::now();
    while !ready(out) {
        assert!(start.elapsed().as_secs() < 120, "run never got ready");
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
    let o = child.wait_with_output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn interrupted_runs_leave_only_complete_files() {
    let d = tmp();
    let input = d.path().join("in");
    let n = 120;
    generate(&input, &["--batch", &n.to_string()]);
    let before = tree(&input);
    let full = d.path().join("full");
    let o = redact(&input, &full, &["-j2"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let full = tree(&full);

    // SIGTERM once the first document is written: mid-batch.
    let out = d.path().join("term");
    let has_pdf = |o: &Path| {
        std::fs::read_dir(o.join("publicatie"))
            .is_ok_and(|mut r| r.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pdf"))))
    };
    let (code, stderr) = interrupted_run(&input, &out, "-TERM", has_pdf);
    assert_eq!(code, Some(143), "{stderr}");
    assert!(stderr.contains("interrupted (signal 15)"), "{stderr}");
    let got = tree(&out);
    no_temp_files(&out);
    assert!(
        !got.contains_key("werkbestanden/report.json"),
        "no report after an interrupt"
    );
    assert!(
        !got.is_empty() && got.len() < n,
        "interrupted mid-batch: {} of {n} written",
        got.len()
    );
    for (rel, bytes) in &got {
        assert!(full.get(rel) == Some(bytes), "{rel} differs from a full run's output");
    }

    // SIGINT right at the start (during the first pass): nothing half-written either.
    let out = d.path().join("int");
    let (code, stderr) = interrupted_run(&input, &out, "-INT", |o| o.exists());
    assert_eq!(code, Some(130), "{stderr}");
    let got = tree(&out);
    no_temp_files(&out);
    for (rel, bytes) in &got {
        assert!(full.get(rel) == Some(bytes), "{rel} differs from a full run's output");
    }
    assert_eq!(tree(&input), before, "inputs modified");
}

#[test]
fn limits_send_a_document_to_review_and_the_batch_goes_on() {
    let d = tmp();
    let input = d.path().join("in");
    generate(&input, &[]);
    let good = d.path().join("good");
    for f in ["goed/memo.pdf", "goed/memo.txt"] {
        write(&good, f, &std::fs::read(input.join(f)).unwrap());
    }
    // Time: 0 s is over at once, for every kind of document.
    let out = d.path().join("t");
    let o = redact(&good, &out, &["--max-seconds-per-document", "0"]);
    assert_eq!(o.status.code(), Some(2));
    for (path, (status, reason)) in report(&out) {
        assert_eq!(status, "needs-review", "{path}");
        assert!(
            reason.unwrap().contains("longer than the limit of 0 s per document"),
            "{path}"
        );
    }
    // Pages and decompressed bytes, lowered: the memo (1 page) passes a 1-page limit,
    // the nested forms (0 pages) pass, the bomb fails a 1 MiB limit.
    let mixed = d.path().join("mixed");
    for f in ["goed/memo.pdf", "bomb.pdf"] {
        write(&mixed, f, &std::fs::read(input.join(f)).unwrap());
    }
    let out = d.path().join("p");
    let o = redact(&mixed, &out, &["--max-pages", "1", "--max-decompressed-mib", "1"]);
    assert_eq!(o.status.code(), Some(2));
    let rep = report(&out);
    assert_eq!(rep["goed/memo.pdf"].0, "redacted");
    assert!(
        rep["bomb.pdf"]
            .1
            .as_deref()
            .unwrap()
            .contains("over the limit of 1 MiB")
    );
    let out = d.path().join("q");
    let o = redact(&mixed, &out, &["--max-pages", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        report(&out)["goed/memo.pdf"]
            .1
            .as_deref()
            .unwrap()
            .contains("1 pages, over the limit of 0 pages")
    );
}

// The checks of the `pdf_read` and `image` fuzz targets, compiled here as they are there.
#[path = "../fuzz/checks/image.rs"]
mod image_checks;
#[path = "../fuzz/checks/pdf_read.rs"]
mod pdf_read_checks;

mod replay {
    //! Every fuzz seed and every crash found by fuzzing (`fuzz/regressions/<target>/`), replayed
    //! with the fuzz targets' own checks.
    use super::root;
    use std::path::PathBuf;
    use woo_redact::batch::{DocKind, DocStatus, redact_bytes};
    use woo_redact::detect::Detector;
    use woo_redact::limits::Limits;
    use woo_redact::rules::RuleSet;
    use woo_redact::source::pdf::cmap::CMap;

    use super::{image_checks, pdf_read_checks};

    /// Runs `check` on every input of `target`, naming the input that fails.
    fn replay(target: &str, check: impl Fn(&[u8])) {
        for (p, data) in inputs(target) {
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data))).is_err() {
                panic!("{}: the {target} target's checks fail", p.display());
            }
        }
    }

    #[test]
    fn pdf_read() {
        replay("pdf_read", pdf_read_checks::check);
    }

    #[test]
    fn image() {
        let doc = image_checks::fixed_doc();
        assert!(inputs("image").iter().any(|(_, i)| image_checks::build(i).is_some()));
        replay("image", |i| image_checks::check(&doc, i));
    }

    fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for dir in ["seeds", "regressions"] {
            let d = root().join("fuzz").join(dir).join(target);
            let Ok(rd) = std::fs::read_dir(&d) else { continue };
            for e in rd {
                let p = e.unwrap().path();
                let bytes = std::fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
        out.sort();
        assert!(!out.is_empty(), "no inputs for {target}");
        out
    }

    #[test]
    fn pdf() {
        let det = Detector::new(RuleSet::builtin().unwrap(), vec![], vec![]);
        let limits = Limits {
            max_seconds: 60,
            max_decompressed: 16 << 20,
            max_pages: 200,
        };
        let mut published = 0;
        for (p, bytes) in inputs("pdf") {
            let seed = p.to_string_lossy().contains("/seeds/");
            let (entry, out) = redact_bytes("x.pdf", DocKind::Pdf, bytes, &det, &limits);
            match out {
                Some(b) => {
                    assert!(
                        matches!(entry.status, DocStatus::Redacted | DocStatus::Clean),
                        "{}",
                        p.display()
                    );
                    assert!(
                        woo_redact::source::pdf::load(&b).is_ok(),
                        "{}: output does not load",
                        p.display()
                    );
                    published += 1;
                }
                None => assert!(entry.status.incomplete() && entry.reason.is_some(), "{}", p.display()),
            }
            // Seeds are real producers' files: they go through, as in a batch of one.
            if seed {
                assert_eq!(entry.status, DocStatus::Redacted, "{}: {:?}", p.display(), entry.reason);
            }
        }
        assert!(published > 0);
    }

    #[test]
    fn cmap() {
        let mut parsed = 0;
        for (p, data) in inputs("cmap") {
            if let Ok(cmap) = CMap::parse(&data) {
                parsed += 1;
                let codes = cmap.split(&data);
                let mut at = 0;
                for c in codes {
                    assert_eq!(c.offset, at, "{}", p.display());
                    at += usize::from(c.len);
                    let _ = cmap.unicode(c.code, c.len);
                }
                assert_eq!(at, data.len());
            }
        }
        assert!(parsed > 0);
    }

    #[test]
    fn rules() {
        let d = super::tmp();
        let path = d.path().join("woo-redact.toml");
        let mut ok = 0;
        for (p, data) in inputs("rules") {
            let Ok(src) = std::str::from_utf8(&data) else { continue };
            std::fs::write(&path, src).unwrap();
            match RuleSet::load(Some(&path)) {
                Ok(set) => {
                    assert!(!set.rules.is_empty());
                    ok += 1;
                }
                Err(woo_redact::error::Error::Config(e)) => assert!(!e.is_empty(), "{}", p.display()),
                Err(e) => panic!("{}: {e}", p.display()),
            }
        }
        assert!(ok > 0);
    }

    #[test]
    fn fold() {
        for (p, data) in inputs("fold") {
            if let Ok(s) = std::str::from_utf8(&data) {
                woo_redact::text::fold::check_map(s).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            }
        }
    }
}

mod props {
    //! Properties: folding maps back to the original; overlap resolution is idempotent. (The
    //! TJ rewrite keeping kept glyphs in place is `pdf::tj_rewrite`.)
    use proptest::prelude::*;
    use std::sync::Arc;
    use woo_redact::detect::{Disposition, Finding, resolve};
    use woo_redact::rules::{Category, Confidence};

    fn text_strategy() -> impl Strategy<Value = String> {
        // Dutch text with the characters folding treats specially.
        let alphabet: Vec<char> = "aAzZ .-'ëËéïĳĲßẞ\u{00AD}\u{00A0}\u{2013}\u{2019}\u{201C}ﬁﬀ½İǅ\u{0301}\u{200B}Ω日"
            .chars()
            .collect();
        prop::collection::vec(prop::sample::select(alphabet), 0..40).prop_map(|v| v.into_iter().collect())
    }

    fn key(f: &Finding) -> (usize, usize, String, Category, String, Disposition) {
        (
            f.start,
            f.end,
            f.rule.to_string(),
            f.category,
            f.ground.to_string(),
            f.disposition.clone(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn folding_maps_back_to_the_original(s in text_strategy()) {
            if let Err(e) = woo_redact::text::fold::check_map(&s) {
                prop_assert!(false, "{}: {:?}", e, s);
            }
        }

        #[test]
        fn resolve_is_idempotent(
            text in "[a-z ]{40}",
            spans in prop::collection::vec((0usize..40, 1usize..12, 0usize..4, any::<bool>()), 0..12),
        ) {
            let cats = [Category::Name, Category::Phone, Category::Email, Category::Name];
            let rules = ["naam-titel", "telefoon", "email", "naam-propagatie"];
            let findings: Vec<Finding> = spans
                .iter()
                .map(|&(s, len, k, keep)| Finding {
                    start: s,
                    end: (s + len).min(40),
                    rule: Arc::from(rules[k]),
                    category: cats[k],
                    ground: Arc::from(if k == 1 { "5.1.1d" } else { "5.1.2e" }),
                    confidence: Confidence::Confirmed,
                    explanation: Arc::from("t"),
                    disposition: if keep { Disposition::Keep("ambtenaar".into()) } else { Disposition::Redact },
                })
                .collect();
            let once = resolve(findings, &text);
            let twice = resolve(once.clone(), &text);
            let a: Vec<_> = once.iter().map(key).collect();
            let b: Vec<_> = twice.iter().map(key).collect();
            prop_assert_eq!(a, b);
            // Redactions do not overlap each other, and no keep overlaps a redaction.
            let red: Vec<&Finding> = once.iter().filter(|f| f.redacted()).collect();
            for w in red.windows(2) {
                prop_assert!(w[0].end <= w[1].start);
            }
            for k in once.iter().filter(|f| !f.redacted()) {
                prop_assert!(red.iter().all(|r| k.end <= r.start || r.end <= k.start));
            }
        }
    }
}

#[test]
fn the_gate_reads_the_hostile_suite_without_crashing_and_names_every_file_it_cannot_vouch_for() {
    let d = tmp();
    let input = d.path().join("in");
    generate(&input, &[]);
    let manifest: Manifest =
        toml::from_str(&std::fs::read_to_string(root().join("fixtures/hostile/expect.toml")).unwrap()).unwrap();
    let before = tree(&input);
    let o = Command::new(bin())
        .args(["check", input.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    // Files it cannot read with certainty make the check incomplete, which wins over findings.
    assert_eq!(o.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        !stderr.contains("internal error") && !stderr.contains("panicked"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let status: BTreeMap<String, String> = documents(&v).into_iter().map(|(p, (s, _))| (p, s)).collect();
    for c in manifest
        .case
        .iter()
        .filter(|c| c.status != "redacted" && c.status != "clean")
    {
        if let Some(s) = status.get(&c.file) {
            assert_eq!(s, "needs-review", "{}: {}", c.file, c.status);
        }
    }
    // Good documents with personal data fail the gate; nothing is passed that redact refused.
    for c in manifest.case.iter().filter(|c| c.status == "redacted") {
        if let Some(s) = status.get(&c.file) {
            assert_eq!(s, "fail", "{}", c.file);
        }
    }
    assert_eq!(before, tree(&input), "check never touches its folder");
}
