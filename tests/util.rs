//! Helpers: a fresh temp dir per test, the binary, and file hashing.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The woo-redact binary.
pub fn cmd() -> Command {
    Command::cargo_bin("woo-redact").expect("binary built")
}

/// A new temporary directory.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes a file, creating folders.
pub fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Every file under `dir` with its bytes, sorted by relative path.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

/// Copies the bundled example into `dst`.
pub fn copy_example(dst: &Path) {
    for (rel, bytes) in snapshot(&root().join("fixtures/example")) {
        write(dst, &rel, &bytes);
    }
}

/// The PDFs from real producers in `fixtures/pdf/<producer>/`, sorted.
pub fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for producer in std::fs::read_dir(root().join("fixtures/pdf")).unwrap() {
        let dir = producer.unwrap().path();
        if dir.is_dir() {
            for f in std::fs::read_dir(dir).unwrap() {
                out.push(f.unwrap().path());
            }
        }
    }
    out.sort();
    out
}

/// The issue kinds per document of `check --format json` output.
pub fn kinds_by_doc(v: &serde_json::Value) -> std::collections::BTreeMap<String, Vec<String>> {
    v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let kinds = d["issues"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["kind"].as_str().unwrap().to_string())
                .collect();
            (d["path"].as_str().unwrap().to_string(), kinds)
        })
        .collect()
}

/// The report a `redact --out OUT` run wrote (one place to follow when the layout of OUT
/// changes).
pub fn report_json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("werkbestanden/report.json")).expect("report.json"))
        .expect("report parses")
}

/// The folder of a `redact --out OUT` run that holds the publication set (redacted documents,
/// inventaris.csv).
pub fn publication(out: &Path) -> PathBuf {
    out.join("publicatie")
}

/// Says that a test skipped part or all of its work, visibly: written to the process's stderr
/// directly, not through `eprintln!`, which the test harness swallows for a passing test (a
/// skipped comparison must not read as a silent `ok`). A missing tool fails under `CI=true`
/// (see [`have_tool`]); what remains skippable there is data outside this repository
/// (`../shared`) and a privilege the machine does not give (mounting a tmpfs).
pub fn skipped(msg: &str) {
    use std::io::Write;
    let test = std::thread::current().name().unwrap_or("?").to_string();
    let _ = writeln!(std::io::stderr(), "SKIPPED ({test}): {msg}");
}

/// Whether a tool is on the PATH; under `CI=true` its absence fails the test, as
/// `.ci/run` installs it.
pub fn have_tool(tool: &str, package: &str) -> bool {
    let ok =
        std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()));
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} missing in CI: .ci/run must install {package}"
        );
        crate::util::skipped(&format!("skipped: {tool} not installed (apt-get install {package})"));
    }
    ok
}
