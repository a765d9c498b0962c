//! Scale-out (issue 7): `names`, three `redact --shard K/3` processes and `merge` give, byte for
//! byte, what one run over the batch writes; and `merge` refuses an incomplete or mixed set.

use crate::util::{root, snapshot, tmp, write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_woo-redact"))
}

/// A batch with names confirmed in one document and mentioned in another: the example, the
/// scale memos and PDFs of several producers (in subfolders, so paths have a `/`).
fn batch(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    for (rel, bytes) in snapshot(&root().join("fixtures/example")) {
        write(&input, &format!("example/{rel}"), &bytes);
    }
    for (rel, bytes) in snapshot(&root().join("fixtures/scale")) {
        write(&input, &format!("memo/{rel}"), &bytes);
    }
    for p in [
        "lo-docx/0004-email.pdf",
        "lo-docx/0006-beslisnota.pdf",
        "chromium/0004-email.pdf",
        "groff-gs/0004-email.pdf",
    ] {
        let bytes = std::fs::read(root().join("fixtures/pdf").join(p)).unwrap();
        write(&input, &format!("pdf/{p}"), &bytes);
    }
    input
}

fn lists() -> Vec<String> {
    let r = root();
    vec![
        "--staff".into(),
        r.join("fixtures/lists/staff.csv").to_string_lossy().into_owned(),
        "--officials".into(),
        r.join("fixtures/lists/officials.txt").to_string_lossy().into_owned(),
    ]
}

/// Every package option that changes the written bytes, so the merge must reproduce them all.
const PACKAGE: [&str; 6] = [
    "--justification-page",
    "--inventory-format",
    "xlsx",
    "--decision-name",
    "Besluit Woo-verzoek 2026-07",
    "-q",
];

fn run(c: &mut Command) -> Output {
    c.output().expect("binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Three shard processes started together, each with its own out folder.
fn shards(input: &Path, names: &Path, base: &Path, extra: &[String]) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = (1..=3).map(|k| base.join(format!("shard-{k}"))).collect();
    let children: Vec<_> = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            bin()
                .args(["redact", p(input), "--out", p(d), "--names", p(names)])
                .args(["--shard", &format!("{}/3", i + 1), "-j", "1"])
                .args(lists())
                .args(PACKAGE)
                .args(extra)
                .spawn()
                .expect("shard starts")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(code(&out), 0, "shard failed");
    }
    dirs
}

fn merge(dirs: &[PathBuf], out: &Path) -> Output {
    run(bin()
        .arg("merge")
        .args(dirs.iter().map(|d| p(d)))
        .args(["--out", p(out), "-q"]))
}

#[test]
fn three_shards_and_merge_equal_a_single_run() {
    let t = tmp();
    let input = batch(t.path());
    // Reviewer decisions: one used in a single document (so in one shard only), one used
    // nowhere. Only the second is stale for the batch, as each shard alone cannot know.
    let decisions = t.path().join("decisions.toml");
    std::fs::write(
        &decisions,
        "[[redact]]\ntext = \"7476377\"\nground = \"5.1.2e\"\nreason = \"kenmerk van een persoonlijk dossier\"\n\n[[redact]]\ntext = \"Nergens-voorkomend\"\nground = \"5.1.2e\"\nreason = \"test\"\n",
    )
    .unwrap();
    let extra = vec!["--decisions".to_string(), p(&decisions).to_string()];
    let single = t.path().join("single");
    let o = run(bin()
        .args(["redact", p(&input), "--out", p(&single)])
        .args(lists())
        .args(PACKAGE)
        .args(&extra));
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));

    let names = t.path().join("names.txt");
    let o = run(bin().args(["names", p(&input), "--out", p(&names)]).args(lists()));
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // The names file is the same for any thread count, sorted, one folded name a line.
    let names_j1 = t.path().join("names-j1.txt");
    let o = run(bin()
        .args(["names", p(&input), "--out", p(&names_j1), "-j", "1"])
        .args(lists()));
    assert_eq!(code(&o), 0);
    let text = std::fs::read_to_string(&names).unwrap();
    assert_eq!(text, std::fs::read_to_string(&names_j1).unwrap());
    let listed: Vec<&str> = text.lines().skip(4).collect();
    assert!(
        listed.windows(2).all(|w| w[0] < w[1]) && listed.len() > 10,
        "{}",
        listed.len()
    );
    assert!(listed.iter().all(|n| *n == n.to_lowercase()));
    let dirs = shards(&input, &names, &t.path().join("run"), &extra);
    // Every shard got part of the batch, none all of it.
    let docs = snapshot(&input).len();
    for d in &dirs {
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d.join("werkbestanden/shard.json")).unwrap()).unwrap();
        let n = info["documents"].as_u64().unwrap() as usize;
        assert!(n > 0 && n < docs, "{}: {n} of {docs}", d.display());
        assert_eq!(info["batch_documents"].as_u64().unwrap() as usize, docs);
    }
    let merged = t.path().join("merged");
    let o = merge(&dirs, &merged);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));

    let want = snapshot(&single);
    let got = snapshot(&merged);
    let names_of = |s: &[(String, Vec<u8>)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names_of(&got), names_of(&want));
    for ((n, a), (_, b)) in want.iter().zip(&got) {
        assert!(a == b, "{n} differs between the single run and the merge");
    }
    // The batch exercises what the names file is for: PDFs and text redacted, and names
    // propagated from other documents.
    let report = std::fs::read_to_string(single.join("werkbestanden/report.json")).unwrap();
    assert!(report.contains("naam-propagatie"));
    let stale: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        stale["stale_decisions"],
        serde_json::json!(["redact \"Nergens-voorkomend\""])
    );
    for must in [
        "werkbestanden/report.json",
        "publicatie/inventaris.csv",
        "publicatie/inventaris.xlsx",
        "werkbestanden/redactielog.csv",
        "publicatie/toelichting.md",
        "publicatie/toelichting.html",
        "publicatie/pdf/lo-docx/0006-beslisnota.pdf",
        "publicatie/memo/0002-woobesluit.txt",
    ] {
        assert!(want.iter().any(|(n, _)| n == must), "{must} missing");
    }

    // Without the batch's names each shard only propagates its own: the merge then differs
    // (names confirmed in one shard stay visible in another), so the test above proves the
    // names file carries them across.
    let header: String = text.lines().take(4).map(|l| format!("{l}\n")).collect();
    let empty = t.path().join("empty-names.txt");
    std::fs::write(&empty, header).unwrap();
    let dirs_empty = shards(&input, &empty, &t.path().join("run-empty"), &extra);
    let merged_empty = t.path().join("merged-empty");
    assert_eq!(code(&merge(&dirs_empty, &merged_empty)), 0);
    let lost = std::fs::read_to_string(merged_empty.join("werkbestanden/report.json")).unwrap();
    assert!(
        lost.matches("naam-propagatie").count() < report.matches("naam-propagatie").count(),
        "the batch has no cross-shard propagation; the equality above would prove nothing"
    );
}

#[test]
fn merge_refuses_missing_repeated_or_foreign_shards() {
    let t = tmp();
    let input = t.path().join("in");
    crate::util::copy_example(&input);
    let names = t.path().join("names.txt");
    assert_eq!(
        code(&run(bin().args(["names", p(&input), "--out", p(&names)]).args(lists()))),
        0
    );
    let dirs = shards(&input, &names, &t.path().join("run"), &[]);
    let out = t.path().join("merged");
    // A missing shard would silently drop documents.
    let o = merge(&dirs[..2], &out);
    assert_eq!(code(&o), 64);
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing shards: 3/3"));
    let o = merge(&[dirs[0].clone(), dirs[1].clone(), dirs[1].clone()], &out);
    assert_eq!(code(&o), 64);
    // A shard.json altered by hand (shard 7 of 3, or of 4 billion) is refused, not trusted.
    let info_path = dirs[0].join("werkbestanden/shard.json");
    let original = std::fs::read_to_string(&info_path).unwrap();
    for (from, to) in [
        ("\"index\": 1", "\"index\": 7"),
        ("\"count\": 3", "\"count\": 4000000000"),
    ] {
        assert!(original.contains(from));
        std::fs::write(&info_path, original.replace(from, to)).unwrap();
        assert_eq!(code(&merge(&dirs, &out)), 64, "{to}");
    }
    std::fs::write(&info_path, original).unwrap();
    // A folder that is not a finished shard.
    std::fs::remove_file(dirs[2].join("werkbestanden/shard.json")).unwrap();
    assert_eq!(code(&merge(&dirs, &out)), 64);
    assert!(!out.join("werkbestanden/report.json").exists());

    // A names file of another batch is refused before anything is redacted.
    let other = t.path().join("other");
    write(&other, "a.txt", b"Contactpersoon: J. de Vries\n");
    let o = run(bin()
        .args([
            "redact",
            p(&other),
            "--out",
            p(&t.path().join("x")),
            "--names",
            p(&names),
            "--shard",
            "1/2",
        ])
        .args(lists()));
    assert_eq!(code(&o), 64, "{}", String::from_utf8_lossy(&o.stderr));
    // Names collected with other lists (here: none) would redact other names.
    let o = run(bin().args([
        "redact",
        p(&input),
        "--out",
        p(&t.path().join("w")),
        "--names",
        p(&names),
        "--shard",
        "1/2",
    ]));
    assert_eq!(code(&o), 64);
    assert!(String::from_utf8_lossy(&o.stderr).contains("other staff or officials lists"));
    // More than one shard without names would leave propagated names visible.
    let o = run(bin()
        .args(["redact", p(&input), "--out", p(&t.path().join("y")), "--shard", "2/2"])
        .args(lists()));
    assert_eq!(code(&o), 64);
    for bad in ["0/3", "4/3", "x"] {
        let o = run(bin().args(["redact", p(&input), "--out", p(&t.path().join("z")), "--shard", bad]));
        assert_eq!(code(&o), 64, "{bad}");
    }
}
