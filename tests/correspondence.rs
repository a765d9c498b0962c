//! Issue 16: detection on correspondence written the way Woo material is written (Outlook
//! headers, chat exports, first names, citizens' letters, minutes, a motie, a decision letter).
//! The documents are `fixtures/correspondence/docs/`, written for this purpose with fictional
//! people; what must go and what must stay is `fixtures/correspondence/expect.toml`. Each
//! document is scanned on its own (what it confirms itself counts, not the rest of the batch),
//! once without any list and once with the fixtures' staff and officials lists.

use crate::util::root;
use serde::Deserialize;
use std::collections::BTreeSet;
use woo_redact::detect::Detector;
use woo_redact::people;
use woo_redact::redact::text::apply;
use woo_redact::rules::RuleSet;
use woo_redact::text::TextLayer;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    doc: Vec<Doc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    file: String,
    check: Vec<Check>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    bullet: String,
    #[serde(default)]
    redact: Vec<String>,
    #[serde(default)]
    keep: Vec<String>,
}

/// The bullets: each must have cases in `expect.toml`.
const BULLETS: [&str; 12] = [
    "outlook-display-names",
    "chat-authors",
    "bare-first-names",
    "citizens-addresses",
    "officials-apposition",
    "citations-and-labels",
    "more-officials",
    "rooms-and-agencies",
    "switchboard",
    "running-first-names",
    "functional-mailboxes",
    "organisations-with-names",
];

fn detector(with_lists: bool) -> Detector {
    let rules = RuleSet::builtin().expect("rules");
    let dir = root().join("fixtures/correspondence/lists");
    let (staff, officials) = if with_lists {
        (
            people::load(&dir.join("staff.csv"), &rules.lists).expect("staff list"),
            people::load(&dir.join("officials.txt"), &rules.lists).expect("officials list"),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Detector::new(rules, staff, officials)
}

fn run(with_lists: bool) -> Vec<String> {
    let dir = root().join("fixtures/correspondence");
    let expect: Expect = toml::from_str(&std::fs::read_to_string(dir.join("expect.toml")).unwrap()).unwrap();
    let det = detector(with_lists);
    let mut failures = Vec::new();
    let mut bullets = BTreeSet::new();
    for doc in &expect.doc {
        let text = std::fs::read_to_string(dir.join("docs").join(&doc.file)).unwrap();
        let layer = TextLayer::plain(text.clone());
        let out = apply(&layer.text, &det.scan(&layer).findings);
        for c in &doc.check {
            assert!(BULLETS.contains(&c.bullet.as_str()), "unknown bullet {}", c.bullet);
            bullets.insert(c.bullet.clone());
            for r in &c.redact {
                assert!(
                    text.contains(r.as_str()),
                    "{}: redact item {r:?} not in the text",
                    doc.file
                );
                if out.contains(r.as_str()) {
                    failures.push(format!("{} [{}]: still visible: {r:?}", doc.file, c.bullet));
                }
            }
            for k in &c.keep {
                assert!(
                    text.contains(k.as_str()),
                    "{}: keep item {k:?} not in the text",
                    doc.file
                );
                if !out.contains(k.as_str()) {
                    failures.push(format!("{} [{}]: lost: {k:?}", doc.file, c.bullet));
                }
            }
        }
    }
    let missing: Vec<_> = BULLETS.iter().filter(|b| !bullets.contains(**b)).collect();
    assert!(missing.is_empty(), "bullets without cases: {missing:?}");
    failures
}

#[test]
fn correspondence_without_lists() {
    let f = run(false);
    assert!(f.is_empty(), "{} failures:\n{}", f.len(), f.join("\n"));
}

#[test]
fn correspondence_with_lists() {
    let f = run(true);
    assert!(f.is_empty(), "{} failures:\n{}", f.len(), f.join("\n"));
}

/// The ordinary-words list decides the cases the issue names, in both directions.
#[test]
fn ordinary_words_decide_name_positions() {
    let det = detector(false);
    let scan = |t: &str| {
        let layer = TextLayer::plain(t.to_string());
        apply(&layer.text, &det.scan(&layer).findings)
    };
    // A first name that is an ordinary word: a name in a name position, the word in prose.
    assert_eq!(scan("Hoi Roos,\n\nkun je kijken?"), "Hoi [5.1.2e],\n\nkun je kijken?");
    assert_eq!(scan("Roos en Groen zijn de kleuren."), "Roos en Groen zijn de kleuren.");
    // Enumerations of ordinary words are not names; of first names they are.
    assert_eq!(
        scan("Wij kozen Roos, Groen en Bakker."),
        "Wij kozen Roos, Groen en Bakker."
    );
    assert_eq!(
        scan("Dank aan Fleur, Bram en Sevda!"),
        "Dank aan [5.1.2e], [5.1.2e] en [5.1.2e]!"
    );
    // A mailbox named with ordinary words stays; one named after a person goes.
    assert_eq!(scan("Mail archeologie@rce.nl."), "Mail archeologie@rce.nl.");
    assert_eq!(scan("Mail roos@rce.nl."), "Mail [5.1.2e]@rce.nl.");
}
