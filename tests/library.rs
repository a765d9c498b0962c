//! Library-level tests: rule examples, name lists and their variants, batch propagation.

use crate::util::{cmd, root, tmp, write};
use woo_redact::detect::{Detector, examples::run_examples};
use woo_redact::people::{self, Person, VariantKind};
use woo_redact::rules::RuleSet;
use woo_redact::text::TextLayer;

#[test]
fn every_rule_example_passes() {
    let det = Detector::new(RuleSet::builtin().unwrap(), vec![], vec![]);
    let (fails, n) = run_examples(&det);
    assert!(n >= 40, "only {n} examples");
    assert!(fails.is_empty(), "{fails:#?}");
    // Every rule carries both kinds of example.
    for r in &det.rules().rules {
        assert!(
            !r.examples_match.is_empty() && !r.examples_no_match.is_empty(),
            "rule {} lacks examples",
            r.id
        );
    }
}

#[test]
fn name_variants() {
    let rules = RuleSet::builtin().unwrap();
    let p = Person::parse("Tess van Beeck", &rules.lists).unwrap();
    assert_eq!(
        (
            p.first.as_str(),
            p.tussen.as_str(),
            p.surname.as_str(),
            p.initials.as_str()
        ),
        ("Tess", "van", "Beeck", "T.")
    );
    let v: Vec<(String, VariantKind)> = p.variants();
    let forms: Vec<&str> = v.iter().map(|(f, _)| f.as_str()).collect();
    for want in [
        "tess van beeck",
        "t. van beeck",
        "beeck, tess van",
        "van beeck, tess",
        "beeck, t. van",
        "van beeck",
    ] {
        assert!(forms.contains(&want), "{want} missing from {forms:?}");
    }
    assert!(v.iter().any(|(f, k)| f == "van beeck" && *k == VariantKind::Surname));
    let d = Person::parse("Beeck, T.A. van", &rules.lists).unwrap();
    assert_eq!(
        (d.initials.as_str(), d.tussen.as_str(), d.surname.as_str()),
        ("T.A.", "van", "Beeck")
    );
    let j = Person::parse("Jan Peter Balkenende", &rules.lists).unwrap();
    assert_eq!(
        (j.first.as_str(), j.surname.as_str(), j.initials.as_str()),
        ("Jan Peter", "Balkenende", "J.P.")
    );
}

#[test]
fn address_book_export_is_read() {
    let rules = RuleSet::builtin().unwrap();
    let csv = std::fs::read_to_string(root().join("fixtures/lists/staff.csv")).unwrap();
    let staff = people::parse_list(&csv, &rules.lists).unwrap();
    assert_eq!(staff.len(), 2);
    assert_eq!(staff[1].surname, "Hamelink-de Wit");
    assert_eq!(staff[0].emails, ["reinier.wolterbeek@minbzk.nl"]);
    assert_eq!(staff[0].phones, ["070-2145566", "06-41239870"]);
    let comma = "Voornaam,Tussenvoegsel,Achternaam,E-mailadres\nJan,de,Vries,j.devries@x.nl\n";
    let p = people::parse_list(comma, &rules.lists).unwrap();
    assert_eq!(
        (p[0].tussen.as_str(), p[0].surname.as_str(), p[0].initials.as_str()),
        ("de", "Vries", "J.")
    );
    let plain = people::parse_list("# staff\nJan de Vries\n\nA.B. Smit\n", &rules.lists).unwrap();
    assert_eq!(plain.len(), 2);
}

#[test]
fn listed_staff_phone_is_redacted_even_in_letterhead_and_misspelled_official_kept() {
    let rules = RuleSet::builtin().unwrap();
    let staff = people::parse_list(
        "Voornaam;Achternaam;Telefoon\nAnna;Zwartendijk;070-1112223\n",
        &rules.lists,
    )
    .unwrap();
    let officials = people::parse_list("Diederik van Dijk\n", &rules.lists).unwrap();
    let det = Detector::new(rules, staff, officials);
    let layer = TextLayer::plain("Postbus 1\nT 070-1112223\n\nDierderik van Dijk sprak met Zwartendijk.".into());
    let out = woo_redact::redact::text::apply(&layer.text, &det.scan(&layer).findings);
    assert_eq!(out, "Postbus 1\nT [5.1.2e]\n\nDierderik van Dijk sprak met [5.1.2e].");
}

#[test]
fn names_propagate_across_the_batch() {
    let d = tmp();
    let input = d.path().join("in");
    write(
        &input,
        "a-verslag.txt",
        b"Aanwezig: Quinten Zwartendijk (IND), M. Oudeluis (BZK)\n",
    );
    write(
        &input,
        "b-notitie.txt",
        b"Zwartendijk meldt dat Oudeluis akkoord is. Het kamp is vol.\n",
    );
    let out = d.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(out.join("publicatie").join("b-notitie.txt")).unwrap(),
        "[5.1.2e] meldt dat [5.1.2e] akkoord is. Het kamp is vol.\n"
    );
}
