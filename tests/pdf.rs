//! PDF reading against an independent extractor: for PDFs from eight real producers, our text
//! layer must hold the words poppler's `pdftotext` finds, and the fonts must decode without
//! problems. `.ci/run` installs poppler-utils; without it (outside CI) the test says so.

use crate::util::{cmd, fixtures, root, snapshot, tmp, write};
use lopdf::dictionary;
use std::path::Path;
use std::process::Command;
use woo_redact::redact::verify::contains_word;
use woo_redact::text::fold::fold_str;

fn pdftotext(p: &Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(p).arg("-").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn words(s: &str) -> Vec<String> {
    fold_str(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(str::to_string)
        .collect()
}

#[test]
fn text_layer_matches_pdftotext_on_real_producers() {
    let files = fixtures();
    assert!(files.len() >= 8, "fixtures/pdf holds too few PDFs");
    let mut report = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let pdf = woo_redact::source::pdf::load(&bytes).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let problems: Vec<&String> = pdf.pages.iter().flat_map(|p| &p.problems).collect();
        assert!(problems.is_empty(), "{}: {problems:?}", f.display());
        assert!(
            !pdf.text.text.contains('\u{FFFD}'),
            "{}: undecodable glyphs",
            f.display()
        );
        let Some(reference) = pdftotext(f) else {
            assert!(
                std::env::var("CI").is_err(),
                "pdftotext missing in CI: .ci/run must install poppler-utils"
            );
            crate::util::skipped(&format!(
                "pdftotext not installed: skipping the comparison for {}",
                f.display()
            ));
            continue;
        };
        let ours: std::collections::HashSet<String> = words(&pdf.text.text).into_iter().collect();
        let theirs = words(&reference);
        let missing: Vec<&String> = theirs.iter().filter(|w| !ours.contains(*w)).collect();
        let recall = 1.0 - missing.len() as f64 / theirs.len().max(1) as f64;
        report.push(format!(
            "{}: {:.3} ({} of {} words missing, e.g. {:?})",
            f.display(),
            recall,
            missing.len(),
            theirs.len(),
            &missing[..missing.len().min(5)]
        ));
        assert!(recall >= 0.99, "{}", report.last().unwrap());
    }
    eprintln!("{}", report.join("\n"));
}

fn collapse(s: &str) -> String {
    woo_redact::redact::verify::collapse(&fold_str(s))
}

#[derive(serde::Deserialize)]
struct Expect {
    gone: Vec<String>,
    keep: Vec<String>,
}

fn redact_fixtures(out: &Path) {
    cmd()
        .args([
            "redact",
            root().join("fixtures/pdf").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            // The fixtures' expectations beside the PDFs are not a document.
            "--ignore",
            "expect.toml",
            "-q",
        ])
        .assert()
        .code(0);
}

#[test]
fn redacted_pdfs_from_every_producer_hold_no_personal_data() {
    let d = tmp();
    let out = d.path().join("out");
    redact_fixtures(&out);
    let expect: std::collections::BTreeMap<String, Expect> =
        toml::from_str(&std::fs::read_to_string(root().join("fixtures/pdf/expect.toml")).unwrap()).unwrap();
    for f in fixtures() {
        let rel = f.strip_prefix(root().join("fixtures/pdf")).unwrap();
        let red = out.join("publicatie").join(rel);
        let bytes = std::fs::read(&red).unwrap_or_else(|_| panic!("{} not written", rel.display()));
        // Structure: fresh save, no document-level text.
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(
            doc.trailer.get(b"Info").is_err() && doc.trailer.get(b"Prev").is_err(),
            "{}",
            rel.display()
        );
        let cat = doc.catalog().unwrap();
        for key in [
            &b"Metadata"[..],
            b"Outlines",
            b"Names",
            b"StructTreeRoot",
            b"AcroForm",
            b"OpenAction",
        ] {
            assert!(
                cat.get(key).is_err(),
                "{}: catalog keeps {}",
                rel.display(),
                String::from_utf8_lossy(key)
            );
        }
        let doc_id = rel.file_stem().unwrap().to_string_lossy().into_owned();
        let e = &expect[&format!("doc-{doc_id}")];
        let Some(after) = pdftotext(&red) else {
            assert!(std::env::var("CI").is_err(), "pdftotext missing in CI");
            continue;
        };
        let before = collapse(&pdftotext(&f).unwrap());
        let after = collapse(&after);
        for g in &e.gone {
            assert!(
                !contains_word(&after, &collapse(g)),
                "{}: {g:?} still readable",
                rel.display()
            );
        }
        for k in &e.keep {
            let k = collapse(k);
            if contains_word(&before, &k) {
                assert!(contains_word(&after, &k), "{}: {k:?} lost", rel.display());
            }
        }
        assert!(after.contains("5.1.2e"), "{}: labels missing", rel.display());
        if let Ok(o) = Command::new("qpdf").arg("--check").arg(&red).output() {
            assert!(
                o.status.success(),
                "{}: qpdf --check: {}",
                rel.display(),
                String::from_utf8_lossy(&o.stdout)
            );
        }
    }
}

#[test]
fn redaction_is_deterministic() {
    let d = tmp();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    redact_fixtures(&a);
    redact_fixtures(&b);
    assert_eq!(snapshot(&a), snapshot(&b));
}

/// Words and their positions from `pdftotext -bbox`.
fn word_boxes(p: &Path) -> Option<Vec<(String, f32, f32)>> {
    let out = Command::new("pdftotext").arg("-bbox").arg(p).arg("-").output().ok()?;
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut words = Vec::new();
    for line in html.lines().filter(|l| l.contains("<word ")) {
        let attr = |name: &str| -> f32 {
            let k = format!("{name}=\"");
            let i = line.find(&k).unwrap() + k.len();
            line[i..].split('"').next().unwrap().parse().unwrap()
        };
        let text = line
            .split('>')
            .nth(1)
            .unwrap_or("")
            .split('<')
            .next()
            .unwrap_or("")
            .to_string();
        words.push((text, attr("xMin"), attr("yMin")));
    }
    Some(words)
}

#[test]
fn surviving_words_do_not_move() {
    let d = tmp();
    let out = d.path().join("out");
    redact_fixtures(&out);
    for f in fixtures() {
        let rel = f.strip_prefix(root().join("fixtures/pdf")).unwrap();
        let (Some(before), Some(after)) = (word_boxes(&f), word_boxes(&out.join("publicatie").join(rel))) else {
            continue;
        };
        let mut moved = Vec::new();
        for (w, x, y) in after.iter().filter(|(w, _, _)| !w.contains("5.1.")) {
            // Words that pdftotext splits differently next to a box are skipped; every other
            // word must be found where it was.
            let candidates: Vec<&(String, f32, f32)> = before.iter().filter(|(b, _, _)| b == w).collect();
            if !candidates.is_empty()
                && !candidates
                    .iter()
                    .any(|(_, bx, by)| (bx - x).abs() < 0.05 && (by - y).abs() < 0.05)
            {
                moved.push(w.clone());
            }
        }
        assert!(moved.is_empty(), "{}: words moved: {moved:?}", rel.display());
    }
}

#[test]
fn encrypted_and_scanned_pdfs_fail_closed() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input, "ok.txt", b"Van: J. de Vries\n");
    // A scan: one page that only draws an image.
    let mut doc = lopdf::Document::with_version("1.5");
    let img = doc.add_object(lopdf::Stream::new(
        dictionary! {"Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8},
        vec![0],
    ));
    add_page(
        &mut doc,
        b"q 500 0 0 700 50 50 cm /Im0 Do Q",
        dictionary! {"XObject" => dictionary! {"Im0" => img}},
    );
    doc.save(input.join("scan.pdf")).unwrap();
    // Encrypted with a user password, when qpdf is there to make one.
    let src = root().join("fixtures/pdf/rl-helv/0004-email.pdf");
    let encrypted = Command::new("qpdf")
        .args(["--encrypt", "geheim", "eigenaar", "256", "--"])
        .arg(&src)
        .arg(input.join("versleuteld.pdf"))
        .status()
        .is_ok_and(|s| s.success());
    let out = d.path().join("out");
    let assert = cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("scan.pdf: needs-review: page 1: an image without a text layer"),
        "{stderr}"
    );
    if encrypted {
        assert!(stderr.contains("versleuteld.pdf: needs-review: encrypted"), "{stderr}");
    }
    assert!(
        out.join("publicatie").join("ok.txt").exists()
            && !out.join("publicatie").join("scan.pdf").exists()
            && !out.join("publicatie").join("versleuteld.pdf").exists()
    );
}

/// A one-page PDF with a standard-14 font `/F1` (WinAnsi) and the given content stream.
fn one_page(content: &[u8], extra_font: Option<lopdf::Dictionary>) -> lopdf::Document {
    let mut doc = lopdf::Document::with_version("1.7");
    let f1 = doc.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding"});
    let mut fonts = dictionary! {"F1" => f1};
    if let Some(f) = extra_font {
        let id = doc.add_object(f);
        fonts.set("F3", id);
    }
    add_page(&mut doc, content, dictionary! {"Font" => fonts});
    doc
}

/// Makes `doc` a one-page document drawing `content` with `resources`.
fn add_page(doc: &mut lopdf::Document, content: &[u8], resources: lopdf::Dictionary) {
    let pages_id = doc.new_object_id();
    let c = doc.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), content.to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => c, "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    });
    doc.objects.insert(
        pages_id,
        lopdf::Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1}),
    );
    let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
    doc.trailer.set("Root", catalog);
}

/// Every string and decompressed stream of a file, folded: what a raw scan of it reads.
fn raw_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let mut out = String::from_utf8_lossy(bytes).into_owned();
    for o in doc.objects.values() {
        if let lopdf::Object::Stream(s) = o
            && let Ok(b) = s.decompressed_content()
        {
            out.push_str(&String::from_utf8_lossy(&b));
        }
    }
    fold_str(&out)
}

#[test]
fn text_outside_the_page_content_is_removed() {
    let content = b"BT /F1 11 Tf 72 700 Td (Contactpersoon: J. Zwartendijk) Tj ET\n\
        /Span << /ActualText (Wubbien Oudekerk) >> BDC BT /F1 11 Tf 72 680 Td (xxxx) Tj ET EMC\n\
        BT 3 Tr /F1 11 Tf 72 660 Td (Verborgen: mevrouw T. Hoekstra-Kroes) Tj ET";
    let mut doc = one_page(content, None);
    let info = doc.add_object(dictionary! {"Author" => lopdf::Object::string_literal("Casper Jorlink"), "Title" => lopdf::Object::string_literal("Nota")});
    doc.trailer.set("Info", info);
    let xmp = doc.add_object(lopdf::Stream::new(
        dictionary! {"Type" => "Metadata", "Subtype" => "XML"},
        b"<x:xmpmeta><dc:creator>Puck de Pauw</dc:creator></x:xmpmeta>".to_vec(),
    ));
    let attachment = doc.add_object(lopdf::Stream::new(
        dictionary! {"Type" => "EmbeddedFile"},
        b"Jill Dijkman-Doorn".to_vec(),
    ));
    let filespec = doc.add_object(dictionary! {"Type" => "Filespec", "F" => lopdf::Object::string_literal("bijlage.txt"), "EF" => dictionary! {"F" => attachment}});
    let outline_item = doc.new_object_id();
    let outlines = doc
        .add_object(dictionary! {"Type" => "Outlines", "First" => outline_item, "Last" => outline_item, "Count" => 1});
    doc.objects.insert(
        outline_item,
        lopdf::Object::Dictionary(
            dictionary! {"Title" => lopdf::Object::string_literal("Notitie van Simon van Mil"), "Parent" => outlines},
        ),
    );
    doc.add_object(lopdf::Object::string_literal("Quinten Zwartendijk-Orphan"));
    let page_id = *doc.get_pages().values().next().unwrap();
    let annot = doc.add_object(dictionary! {"Type" => "Annot", "Subtype" => "Text", "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()], "Contents" => lopdf::Object::string_literal("Opmerking van Daan Rutten")});
    doc.get_object_mut(page_id)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("Annots", vec![annot.into()]);
    let root_id = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let cat = doc.get_object_mut(root_id).unwrap().as_dict_mut().unwrap();
    cat.set("Metadata", xmp);
    cat.set("Outlines", outlines);
    cat.set("Names", dictionary! {"EmbeddedFiles" => dictionary! {"Names" => vec![lopdf::Object::string_literal("bijlage.txt"), filespec.into()]}});
    cat.set(
        "OpenAction",
        dictionary! {"S" => "JavaScript", "JS" => lopdf::Object::string_literal("app.alert('Casper')")},
    );
    let d = tmp();
    let input = d.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    doc.save(input.join("nota.pdf")).unwrap();
    let before = raw_text(&std::fs::read(input.join("nota.pdf")).unwrap());
    assert!(before.contains("casper jorlink") && before.contains("quinten zwartendijk-orphan"));
    let out = d.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    let after = raw_text(&std::fs::read(out.join("publicatie").join("nota.pdf")).unwrap());
    for gone in [
        "zwartendijk",
        "casper",
        "jorlink",
        "puck de pauw",
        "jill dijkman",
        "simon van mil",
        "daan rutten",
        "wubbien",
        "hoekstra-kroes",
        "orphan",
        "app.alert",
    ] {
        assert!(!after.contains(gone), "{gone} still in the file");
    }
    assert!(after.contains("contactpersoon") && after.contains("5.1.2e"));
}

#[test]
fn type3_text_fails_closed() {
    let t3 = dictionary! {
        "Type" => "Font", "Subtype" => "Type3", "FontBBox" => vec![0.into(), 0.into(), 1.into(), 1.into()],
        "FontMatrix" => vec![0.001.into(), 0.into(), 0.into(), 0.001.into(), 0.into(), 0.into()],
        "CharProcs" => dictionary! {}, "Encoding" => dictionary! {"Differences" => vec![97.into(), lopdf::Object::Name(b"a".to_vec())]},
        "FirstChar" => 97, "LastChar" => 97, "Widths" => vec![500.into()],
    };
    let doc = one_page(b"BT /F3 12 Tf 72 700 Td (aaa) Tj ET", Some(t3));
    let d = tmp();
    let input = d.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let mut doc = doc;
    doc.save(input.join("type3.pdf")).unwrap();
    let out = d.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "type3.pdf: needs-review: page 1: font (unnamed) is a Type3 font",
        ));
    assert!(!out.join("publicatie").join("type3.pdf").exists());
}

#[test]
fn filled_form_fields_fail_closed_and_hidden_layers_are_removed() {
    let d = tmp();
    let input = d.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let mut form = one_page(b"BT /F1 11 Tf 72 700 Td (Formulier) Tj ET", None);
    let field = form.add_object(dictionary! {"FT" => "Tx", "T" => lopdf::Object::string_literal("naam"), "V" => lopdf::Object::string_literal("Jan Zwartendijk")});
    let root_id = form.trailer.get(b"Root").unwrap().as_reference().unwrap();
    form.get_object_mut(root_id)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("AcroForm", dictionary! {"Fields" => vec![field.into()]});
    form.save(input.join("formulier.pdf")).unwrap();
    // A layer switched off by default holds a note and a drawing: removing the switch (as
    // sanitising does) would show them, so they go from the content.
    let mut layers = lopdf::Document::with_version("1.7");
    let f1 = layers.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding"});
    let ocg = layers.add_object(dictionary! {"Type" => "OCG", "Name" => lopdf::Object::string_literal("verborgen")});
    add_page(
        &mut layers,
        b"BT /F1 11 Tf 72 700 Td (Lagen) Tj ET /OC /L0 BDC BT /F1 11 Tf 72 650 Td (Notitie over Zwartendijk) Tj ET 0 g 72 600 100 20 re f EMC",
        dictionary! {"Font" => dictionary! {"F1" => f1}, "Properties" => dictionary! {"L0" => ocg}},
    );
    let root_id = layers.trailer.get(b"Root").unwrap().as_reference().unwrap();
    layers.get_object_mut(root_id).unwrap().as_dict_mut().unwrap().set(
        "OCProperties",
        dictionary! {"OCGs" => vec![ocg.into()], "D" => dictionary! {"OFF" => vec![ocg.into()]}},
    );
    layers.save(input.join("lagen.pdf")).unwrap();
    let out = d.path().join("out");
    cmd()
        .args([
            "redact",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--no-render-check",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "formulier.pdf: needs-review: a form field holds a value",
        ));
    let written = std::fs::read(out.join("publicatie").join("lagen.pdf")).expect("the layered PDF is written");
    let back = woo_redact::source::pdf::load(&written).unwrap();
    assert!(back.text.text.contains("Lagen"), "{}", back.text.text);
    assert!(
        !raw_text(&written).contains("zwartendijk"),
        "hidden layer text left in the file"
    );
    assert!(back.pages[0].fills.is_empty(), "the hidden drawing is painted now");
}

/// Redacts one PDF (written to a temp folder) and returns the output bytes, or panics with the
/// tool's stderr.
fn redact_one_pdf(doc: &mut lopdf::Document) -> (Vec<u8>, tempfile::TempDir) {
    let d = tmp();
    let input = d.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    doc.save(input.join("doc.pdf")).unwrap();
    let out = d.path().join("out");
    let a = cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .assert();
    let o = a.get_output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (std::fs::read(out.join("publicatie").join("doc.pdf")).unwrap(), d)
}

fn pdftotext_bytes(bytes: &[u8], dir: &Path) -> Option<String> {
    let p = dir.join("check.pdf");
    std::fs::write(&p, bytes).unwrap();
    pdftotext(&p)
}

#[test]
fn spacing_scaling_rotation_and_shared_forms_are_redacted() {
    // Tc, Tw and Tz change every advance; the second line is rotated 90°.
    let mut doc = one_page(
        b"BT /F1 11 Tf 1.5 Tc 4 Tw 85 Tz 72 700 Td (Contactpersoon: J. Zwartendijk, T 070-1234567) Tj ET\n\
          BT /F1 11 Tf 0 1 -1 0 500 300 Tm (Behandeld door: mevrouw A. Oudekerk-Bremer) Tj ET",
        None,
    );
    let (bytes, d) = redact_one_pdf(&mut doc);
    let raw = raw_text(&bytes);
    assert!(!raw.contains("zwartendijk") && !raw.contains("oudekerk") && !raw.contains("1234567"));
    if let Some(t) = pdftotext_bytes(&bytes, d.path()) {
        // Character spacing makes pdftotext space the letters out: compare without spaces.
        let t = t.replace(' ', "");
        assert!(
            t.contains("Contactpersoon:") && t.contains("Behandelddoor:mevrouw5.1.2e"),
            "{t}"
        );
    }
    // A form XObject drawn on two pages.
    let mut doc = lopdf::Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let f1 = doc.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding"});
    let form = doc.add_object(lopdf::Stream::new(
        dictionary! {"Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! {"Font" => dictionary! {"F1" => f1}}},
        b"BT /F1 10 Tf 72 750 Td (Opgesteld door: drs. K.L. Verweij-Haanstra) Tj ET".to_vec(),
    ));
    let mut kids = Vec::new();
    for n in 0..2 {
        let c = doc.add_object(lopdf::Stream::new(
            lopdf::Dictionary::new(),
            format!("q /Fm0 Do Q BT /F1 11 Tf 72 600 Td (Pagina {n}) Tj ET").into_bytes(),
        ));
        kids.push(lopdf::Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => c,
            "Resources" => dictionary! {"XObject" => dictionary! {"Fm0" => form}, "Font" => dictionary! {"F1" => f1}},
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        })));
    }
    doc.objects.insert(
        pages_id,
        lopdf::Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => kids, "Count" => 2}),
    );
    let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
    doc.trailer.set("Root", catalog);
    let (bytes, d) = redact_one_pdf(&mut doc);
    assert!(!raw_text(&bytes).contains("verweij"));
    if let Some(t) = pdftotext_bytes(&bytes, d.path()) {
        assert_eq!(t.matches("Opgesteld door:").count(), 2, "{t}");
        assert_eq!(t.matches("5.1.2e").count(), 2, "{t}");
    }
}

#[test]
fn earlier_revisions_are_dropped_and_empty_passwords_opened() {
    // Revision 1 names a person; revision 2 (an incremental update) replaces the text.
    let mut doc = one_page(b"BT /F1 11 Tf 72 700 Td (Contactpersoon: J. Zwartendijk) Tj ET", None);
    let mut first = Vec::new();
    doc.save_to(&mut first).unwrap();
    let prev = lopdf::Document::load_mem(&first).unwrap();
    let page_id = *prev.get_pages().values().next().unwrap();
    let mut inc = lopdf::IncrementalDocument::create_from(first.clone(), prev);
    inc.opt_clone_object_to_new_document(page_id).unwrap();
    let c = inc.new_document.add_object(lopdf::Stream::new(
        lopdf::Dictionary::new(),
        b"BT /F1 11 Tf 72 700 Td (Contactpersoon: het secretariaat) Tj ET".to_vec(),
    ));
    inc.new_document
        .get_object_mut(page_id)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("Contents", c);
    let mut updated = Vec::new();
    inc.save_to(&mut updated).unwrap();
    assert!(
        String::from_utf8_lossy(&updated).contains("Zwartendijk")
            && String::from_utf8_lossy(&updated).contains("/Prev")
    );
    let d = tmp();
    let input = d.path().join("in");
    write(&input, "revisies.pdf", &updated);
    // Encrypted with an empty user password: opened, processed, written without encryption.
    let plain = input.join("plain.pdf");
    one_page(
        b"BT /F1 11 Tf 72 700 Td (Behandeld door: mevrouw A. Oudekerk) Tj ET",
        None,
    )
    .save(&plain)
    .unwrap();
    let encrypted = Command::new("qpdf")
        .args(["--encrypt", "", "eigenaar", "256", "--"])
        .arg(&plain)
        .arg(input.join("leeg-wachtwoord.pdf"))
        .status()
        .is_ok_and(|s| s.success());
    std::fs::remove_file(&plain).unwrap();
    let out = d.path().join("out");
    cmd()
        .args(["redact", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
        .assert()
        .code(0);
    let rev = std::fs::read(out.join("publicatie").join("revisies.pdf")).unwrap();
    assert!(!raw_text(&rev).contains("zwartendijk") && !String::from_utf8_lossy(&rev).contains("/Prev"));
    if encrypted {
        let e = std::fs::read(out.join("publicatie").join("leeg-wachtwoord.pdf")).unwrap();
        let raw = raw_text(&e);
        assert!(
            !raw.contains("oudekerk") && !raw.contains("/encrypt"),
            "still encrypted or leaking"
        );
    }
}

mod tj_rewrite {
    //! Property: whatever glyphs a redaction removes from a `TJ`, every other glyph stays where
    //! it was (< 0.05 pt), under any character spacing, word spacing, scaling and kerning.
    use super::one_page;
    use proptest::prelude::*;
    use std::sync::Arc;
    use woo_redact::detect::{Disposition, Finding};
    use woo_redact::rules::{Category, Confidence};

    fn finding(start: usize, end: usize) -> Finding {
        Finding {
            start,
            end,
            rule: Arc::from("test"),
            category: Category::Other,
            ground: Arc::from("5.1.2e"),
            confidence: Confidence::Confirmed,
            explanation: Arc::from("test"),
            disposition: Disposition::Redact,
        }
    }

    fn tj_operand(parts: &[(String, i32)]) -> String {
        parts.iter().map(|(s, k)| format!("({s}) {k} ")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn kept_glyphs_do_not_move(
            parts in prop::collection::vec(("[a-z ]{1,8}", -300i32..300), 1..6),
            tc in 0.0f32..3.0, tw in 0.0f32..6.0, tz in 60.0f32..140.0,
            remove in prop::collection::vec(any::<bool>(), 48),
        ) {
            let content = format!("BT /F1 10 Tf {tc:.2} Tc {tw:.2} Tw {tz:.1} Tz 72 700 Td [{}] TJ ET", tj_operand(&parts));
            let mut doc = one_page(content.as_bytes(), None);
            let mut bytes = Vec::new();
            doc.save_to(&mut bytes).unwrap();
            let pdf = woo_redact::source::pdf::load(&bytes).unwrap();
            let glyphs = &pdf.pages[0].glyphs;
            // One finding per removed glyph, through the text layer like the batch does.
            let mut findings = Vec::new();
            let mut kept = Vec::new();
            for &(s, e, _, gi) in &pdf.text.spans {
                if remove.get(gi).copied().unwrap_or(false) && !glyphs[gi].text.as_deref().unwrap_or("").trim().is_empty() {
                    findings.push(finding(s, e));
                } else {
                    kept.push(glyphs[gi].origin);
                }
            }
            let (out, _) = woo_redact::redact::pdf::redact(&pdf, &findings, b"seed", None).unwrap();
            let back = woo_redact::source::pdf::load(&out).unwrap();
            // Our labels are white on the boxes; the page's own glyphs are black.
            let after: Vec<(f32, f32)> = back.pages[0].glyphs.iter().filter(|g| g.fill < 0.5).map(|g| g.origin).collect();
            let mut kept_sorted = kept.clone();
            kept_sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut after_sorted = after.clone();
            after_sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            prop_assert_eq!(kept_sorted.len(), after_sorted.len());
            for (k, a) in kept_sorted.iter().zip(&after_sorted) {
                prop_assert!((k.0 - a.0).abs() < 0.05 && (k.1 - a.1).abs() < 0.05, "moved: {:?} -> {:?}", k, a);
            }
        }
    }
}

mod hostile {
    //! Corrupted PDFs (bytes flipped, cut short) never crash the library: loading, interpreting
    //! and redacting either work or return an error.
    use super::root;
    use proptest::prelude::*;
    use woo_redact::detect::Detector;
    use woo_redact::rules::RuleSet;
    use woo_redact::text::TextLayer;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        #[test]
        fn corrupted_pdfs_do_not_panic(
            file in prop::sample::select(vec![
                "pdf/lo-docx/0004-email.pdf", "pdf/chromium/0004-email.pdf", "pdf/pdftex/0004-email.pdf",
                "pdf/rl-helv/0004-email.pdf", "pdf/groff-gs/0004-email.pdf", "bad/incremental-update.pdf",
                "bad/actualtext.pdf", "bad/attachment.pdf", "bad/xmp-creator.pdf", "bad/orphan-object.pdf",
            ]),
            flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..24),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let mut bytes = std::fs::read(root().join("fixtures").join(file)).unwrap();
            for (i, b) in &flips {
                let k = i.index(bytes.len());
                bytes[k] = *b;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len()).max(1));
            }
            if let Ok(pdf) = woo_redact::source::pdf::load(&bytes) {
                let det = Detector::new(RuleSet::builtin().unwrap(), vec![], vec![]);
                let scan = det.scan(&TextLayer::plain(pdf.text.text.clone()));
                let _ = woo_redact::redact::pdf::redact(&pdf, &scan.findings, b"seed", None);
                // The gate's inspection reads whatever a folder holds, broken files included.
                let grounds = woo_redact::rules::grounds::GroundTable::builtin();
                let _ = woo_redact::check::pdf::inspect(&pdf, &bytes, &grounds, &|_: &str| false);
            }
        }
    }
}
