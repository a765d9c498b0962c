//! What a new user meets in the first hour: an output folder that is refused or replaced, long
//! and non-UTF-8 file names, a closed pipe, errors printed once.

use crate::util::{cmd, copy_example, root, tmp, write};
use std::path::Path;

fn redact(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_full_out_folder_is_refused_and_overwrite_replaces_only_the_earlier_run() {
    let t = tmp();
    let input = t.path().join("in");
    write(&input, "a.txt", b"Contactpersoon: J. de Vries\n");
    write(&input, "b.txt", b"Niets bijzonders.\n");
    let out = t.path().join("out");
    assert_eq!(redact(&input, &out, &[]).status.code(), Some(0));
    // The second run has one document fewer: its stale copy must not stay behind.
    std::fs::remove_file(input.join("b.txt")).unwrap();
    let o = redact(&input, &out, &[]);
    assert_eq!(o.status.code(), Some(64));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not empty") && err.contains("--overwrite"), "{err}");
    assert!(out.join("publicatie/b.txt").exists(), "a refused run touches nothing");
    let o = redact(&input, &out, &["--overwrite"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !out.join("publicatie/b.txt").exists(),
        "stale output of the earlier run"
    );
    assert!(out.join("publicatie/a.txt").exists());
    // Something that is not ours is never removed.
    write(&out, "notities.txt", b"van de Woo-coordinator\n");
    let o = redact(&input, &out, &["--overwrite"]);
    assert_eq!(o.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&o.stderr).contains("notities.txt"));
    assert!(out.join("notities.txt").exists() && out.join("publicatie/a.txt").exists());
}

#[test]
fn names_of_up_to_255_bytes_are_written() {
    let t = tmp();
    let input = t.path().join("in");
    // 250 bytes: the temporary name beside it must stay within the file system's 255.
    let name = format!("{}.txt", "n".repeat(246));
    assert_eq!(name.len(), 250);
    write(&input, &name, b"Contactpersoon: J. de Vries\n");
    let out = t.path().join("out");
    let o = redact(&input, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out.join("publicatie").join(&name)).unwrap();
    assert_eq!(text, "Contactpersoon: [5.1.2e]\n");
}

#[test]
fn a_closed_pipe_is_a_normal_end() {
    let t = tmp();
    let input = t.path().join("in");
    copy_example(&input);
    // `review … | head -1`: the reader goes away after one line.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("woo-redact"))
        .args(["review", input.to_str().unwrap(), "--no-color"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

#[test]
fn an_error_names_its_cause_once() {
    let t = tmp();
    let input = write(t.path(), "a.txt", b"Niets.\n");
    // A file that cannot be written: its folder cannot be created (an I/O error with a source).
    let o = cmd()
        .args(["names", input.to_str().unwrap(), "--out", "/proc/geen-map/names.txt"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[cfg(unix)]
#[test]
fn merge_places_a_file_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let t = tmp();
    let input = t.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xE9.txt");
    std::fs::write(input.join(name), b"Contactpersoon: J. de Vries\n").unwrap();
    write(&input, "b.txt", b"Niets bijzonders.\n");
    let shard = t.path().join("shard");
    let o = redact(&input, &shard, &["--shard", "1/1"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let merged = t.path().join("merged");
    let o = cmd()
        .args([
            "merge",
            shard.to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let text = std::fs::read_to_string(merged.join("publicatie").join(name)).unwrap();
    assert_eq!(text, "Contactpersoon: [5.1.2e]\n");
}

#[test]
fn help_names_every_kind_of_input() {
    let o = cmd().args(["redact", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains(".pdf") && help.contains(".eml") && help.contains(".docx"),
        "{help}"
    );
    assert!(help.contains("--overwrite") && help.contains("publicatie"), "{help}");
    let _ = root();
}

#[test]
fn completions_and_man_page_are_generated() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef woo-redact"),
        ("fish", "complete -c woo-redact"),
    ] {
        let o = cmd().args(["completions", shell]).output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains(marker) && text.contains("redact"),
            "{shell}: {}",
            &text[..text.len().min(200)]
        );
    }
    let o = cmd().arg("man").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let man = String::from_utf8_lossy(&o.stdout);
    assert!(
        man.starts_with(".ie") || man.contains(".TH woo-redact"),
        "{}",
        &man[..man.len().min(200)]
    );
    assert!(man.contains("check"), "subcommands in the man page");
}

/// The README's first command, run as a newcomer would on a copy of the repository (with the
/// binary this test suite built instead of a second `cargo build`), gives a publication set
/// that holds only what is published, in Dutch, which the gate passes, and fails once a working
/// file is copied in.
#[test]
fn the_readme_example_gives_a_publication_set_the_gate_passes() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("cargo run --release -- redact")
        .expect("README's first command");
    let line_end = |from: usize| readme[from..].find('\n').map_or(readme.len(), |e| from + e);
    let first = &readme[start..line_end(start)];
    let mut command = first.trim_end_matches('\\').trim().to_string();
    if first.ends_with('\\') {
        let next = line_end(start) + 1;
        command.push(' ');
        command.push_str(readme[next..line_end(next)].trim());
    }
    let t = tmp();
    let clone = t.path().join("clone");
    for dir in ["fixtures/example", "fixtures/lists"] {
        for (rel, bytes) in crate::util::snapshot(&root().join(dir)) {
            write(&clone.join(dir), &rel, &bytes);
        }
    }
    let out = t.path().join("woo-example");
    let args: Vec<String> = command
        .trim_start_matches("cargo run --release --")
        .split_whitespace()
        .map(|a| {
            if a == "/tmp/woo-example" {
                out.to_string_lossy().into_owned()
            } else {
                a.to_string()
            }
        })
        .collect();
    assert!(args.contains(&"--out".to_string()), "{command}");
    let o = cmd().current_dir(&clone).args(&args).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{command}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let publication = out.join("publicatie");
    let mut names: Vec<String> = crate::util::snapshot(&publication)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "beslisnota-motie.txt",
            "brief-verzoeker.txt",
            "email-overleg.md",
            "inventaris.csv",
            "toelichting.html",
            "toelichting.md"
        ]
    );
    // What the public reads is Dutch: no status or category ids of the report in it.
    for f in ["inventaris.csv", "toelichting.md"] {
        let text = std::fs::read_to_string(publication.join(f)).unwrap();
        for english in ["redacted", "needs-review", ";name;", ";phone;", "`"] {
            assert!(!text.contains(english), "{f}: {english}");
        }
    }
    let check = |dir: &Path| {
        cmd()
            .current_dir(&clone)
            .arg("check")
            .arg(dir)
            .args(&args[4..])
            .output()
            .unwrap()
    };
    let o = check(&publication);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    std::fs::copy(out.join("werkbestanden/report.json"), publication.join("report.json")).unwrap();
    let o = check(&publication);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("working-file"));
    // And the --out folder itself is not a publication: its working files fail the gate.
    std::fs::remove_file(publication.join("report.json")).unwrap();
    let o = check(&out);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("working-file"));
}
