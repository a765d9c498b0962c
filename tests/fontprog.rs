//! Unicode recovered from embedded font programs, checked against poppler's `pdftotext` as the
//! independent reader: a real producer's fixture with its ToUnicode maps removed, and a real
//! government file whose composite font has none (from `../shared`, skipped when absent).

use crate::util::root;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use woo_redact::text::fold::fold_str;

fn pdftotext(p: &Path, page: Option<usize>) -> Option<String> {
    let mut c = Command::new("pdftotext");
    if let Some(n) = page {
        c.args(["-f", &n.to_string(), "-l", &n.to_string()]);
    }
    let out = c.arg(p).arg("-").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn words(s: &str) -> BTreeSet<String> {
    fold_str(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1)
        .map(str::to_string)
        .collect()
}

#[test]
fn chromium_fixture_without_to_unicode_reads_as_poppler_reads_the_original() {
    let path = root().join("fixtures/pdf/chromium/0004-email.pdf");
    let original = std::fs::read(&path).unwrap();
    let mut doc = lopdf::Document::load_mem(&original).unwrap();
    let mut stripped = 0;
    for obj in doc.objects.values_mut() {
        if let Ok(d) = obj.as_dict_mut()
            && d.get(b"Subtype")
                .is_ok_and(|s| s.as_name().is_ok_and(|n| n == b"Type0"))
            && d.remove(b"ToUnicode").is_some()
        {
            stripped += 1;
        }
    }
    assert!(stripped >= 2, "the fixture's composite fonts carry ToUnicode maps");
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let pdf = woo_redact::source::pdf::load(&bytes).unwrap();
    let problems: Vec<&String> = pdf.pages.iter().flat_map(|p| &p.problems).collect();
    assert!(problems.is_empty(), "{problems:?}");
    assert!(!pdf.text.text.contains('\u{FFFD}'), "undecodable glyphs");
    let with_to_unicode = woo_redact::source::pdf::load(&original).unwrap();
    assert_eq!(
        pdf.text.text, with_to_unicode.text.text,
        "the font program gives the text ToUnicode gives"
    );
    let Some(reference) = pdftotext(&path, None) else {
        assert!(std::env::var("CI").is_err(), "pdftotext missing in CI");
        crate::util::skipped("pdftotext not installed: skipping the comparison with poppler");
        return;
    };
    let ours = words(&pdf.text.text);
    let missing: Vec<String> = words(&reference).into_iter().filter(|w| !ours.contains(w)).collect();
    assert!(missing.is_empty(), "words poppler finds that we miss: {missing:?}");
}

/// The text of page `n` (1-based) of a loaded PDF.
fn page_text(pdf: &woo_redact::source::pdf::PdfDoc, n: usize) -> &str {
    let starts = &pdf.text.page_starts;
    let end = starts.get(n).copied().unwrap_or(pdf.text.text.len());
    &pdf.text.text[starts[n - 1]..end]
}

#[test]
fn real_composite_font_without_to_unicode_is_read_from_same_glyphs_of_its_family() {
    // A Word-made letter whose chart headings use an Identity-H Calibri subset with neither
    // ToUnicode nor cmap/post tables; Calibri subsets with ToUnicode elsewhere in the file draw
    // most of the same glyphs. Poppler shows these glyphs as their glyph ids (Latin Extended
    // and Greek letters), so its words from that font are not comparable.
    let path = root().join("../shared/real-dev/wob-letter-extraction/Bes-besluit-2021-008.pdf");
    let Ok(bytes) = std::fs::read(&path) else {
        crate::util::skipped(&format!("{} absent: skipping", path.display()));
        return;
    };
    let pdf = woo_redact::source::pdf::load(&bytes).unwrap();
    let font_problems: Vec<&String> = pdf
        .pages
        .iter()
        .flat_map(|p| &p.problems)
        .filter(|p| p.contains("KGMTCS"))
        .collect();
    assert!(font_problems.is_empty(), "{font_problems:?}");
    for n in [23, 46] {
        let ours_text = page_text(&pdf, n);
        let unknown = ours_text.matches('\u{FFFD}').count();
        let ours = words(ours_text);
        let Some(reference) = pdftotext(&path, Some(n)) else {
            assert!(std::env::var("CI").is_err(), "pdftotext missing in CI");
            crate::util::skipped("pdftotext not installed: skipping the comparison with poppler");
            return;
        };
        let latin = |w: &&str| w.chars().all(|c| c.is_ascii() || ('\u{A0}'..='\u{FF}').contains(&c));
        let reference: Vec<&str> = reference.split_whitespace().filter(latin).collect();
        let theirs = words(&reference.join(" "));
        let missing: Vec<&String> = theirs.difference(&ours).collect();
        let recovered: Vec<&String> = ours.difference(&theirs).collect();
        eprintln!(
            "page {n}: {} words; poppler's missing here: {missing:?}; ours beyond poppler's: {}; unknown glyphs: {unknown}",
            ours.len(),
            recovered.len()
        );
        assert!(
            missing.len() <= 2,
            "page {n}: words poppler finds that we miss: {missing:?}"
        );
        assert!(
            !recovered.is_empty(),
            "page {n}: nothing recovered beyond what poppler reads"
        );
        // Two glyphs of the subset (one letter each, twice per heading) occur in no other font.
        assert!(unknown <= 4, "page {n}: {unknown} glyphs without Unicode");
    }
}

#[test]
fn cairo_ligature_in_the_private_use_area_is_unknown_not_dropped() {
    // cairo 1.16 (pdftocairo of the lo-docx fixture) writes WinAnsi TrueType subsets plus a Type0
    // subset of the same face holding the `fi` ligature glyph, which its ToUnicode maps to "fi".
    // Firefox's cairo maps such glyphs into the Private Use Area instead (PDF.md §3); cairo's
    // TrueType subsets keep neither cmap nor post, so the glyph's text cannot be recovered: it
    // must come out unknown, never as a silently dropped or Private Use character.
    let path = root().join("fixtures/fontprog/cairo-0004-email.pdf");
    let original = std::fs::read(&path).unwrap();
    let pdf = woo_redact::source::pdf::load(&original).unwrap();
    let problems: Vec<&String> = pdf.pages.iter().flat_map(|p| &p.problems).collect();
    assert!(problems.is_empty(), "{problems:?}");
    assert!(!pdf.text.text.contains('\u{FFFD}'));
    if let Some(reference) = pdftotext(&path, None) {
        let ours = words(&pdf.text.text);
        let missing: Vec<String> = words(&reference).into_iter().filter(|w| !ours.contains(w)).collect();
        assert!(missing.is_empty(), "words poppler finds that we miss: {missing:?}");
    }
    let mut doc = lopdf::Document::load_mem(&original).unwrap();
    let to_unicode: Vec<lopdf::ObjectId> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| {
            d.get(b"Subtype")
                .is_ok_and(|s| s.as_name().is_ok_and(|n| n == b"Type0"))
        })
        .filter_map(|d| d.get(b"ToUnicode").ok()?.as_reference().ok())
        .collect();
    assert_eq!(to_unicode.len(), 1, "one ligature font");
    let cmap = b"begincmap 1 begincodespacerange <0000> <ffff> endcodespacerange 1 beginbfchar <0001> <e01e> endbfchar endcmap";
    let stream = lopdf::Stream::new(lopdf::Dictionary::new(), cmap.to_vec());
    doc.objects.insert(to_unicode[0], lopdf::Object::Stream(stream));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let pua = woo_redact::source::pdf::load(&bytes).unwrap();
    assert!(!pua.text.text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c)));
    let unknown = pua.text.text.matches('\u{FFFD}').count();
    assert!(unknown > 0, "the ligature glyphs are unknown");
    assert_eq!(pua.text.text.replace('\u{FFFD}', "fi"), pdf.text.text);
}
