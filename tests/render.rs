//! The rendered comparison (`redact::render`): real-producer PDFs against themselves and against
//! the library's own redaction pass; outputs broken on purpose (a box gone, text moved, a
//! content stream poppler rejects, a page gone) fail; rotated and cropped pages map the boxes
//! right. Needs poppler's `pdftoppm` (`.ci/run` installs it); without it the tests say so and
//! pass, except in CI.

use crate::util::{fixtures, root};
use lopdf::content::{Content, Operation};
use lopdf::{Object, ObjectId};
use woo_redact::detect::Detector;
use woo_redact::redact::pdf::BoxOnPage;
use woo_redact::redact::render::{Mismatch, PageMask, RenderError, RenderOptions, compare};
use woo_redact::rules::RuleSet;
use woo_redact::text::TextLayer;

/// Whether `pdftoppm` can be run; outside CI a missing renderer skips the test.
fn renderer() -> bool {
    match std::process::Command::new("pdftoppm").arg("-v").output() {
        Ok(_) => true,
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "pdftoppm not installed, and CI=true"
            );
            crate::util::skipped("skipped: pdftoppm not installed");
            false
        }
    }
}

fn name(p: &std::path::Path) -> String {
    p.strip_prefix(root().join("fixtures/pdf"))
        .unwrap()
        .display()
        .to_string()
}

/// The library's own redaction of `bytes` with the built-in rules: the file and its boxes.
fn redact(bytes: &[u8]) -> (Vec<u8>, Vec<BoxOnPage>) {
    let pdf = woo_redact::source::pdf::load(bytes).unwrap();
    let det = Detector::new(RuleSet::builtin().unwrap(), vec![], vec![]);
    let scan = det.scan(&TextLayer::plain(pdf.text.text.clone()));
    woo_redact::redact::pdf::redact(&pdf, &scan.findings, b"seed", None).unwrap()
}

/// One mask per page with boxes: each box may change and must be dark.
fn masks(boxes: &[BoxOnPage]) -> Vec<PageMask> {
    let mut out: Vec<PageMask> = Vec::new();
    for b in boxes {
        match out.iter_mut().find(|m| m.page == b.page) {
            Some(m) => m.dark.push(b.rect),
            None => out.push(PageMask {
                page: b.page,
                changed: vec![],
                dark: vec![b.rect],
            }),
        }
    }
    out
}

fn save(doc: &mut lopdf::Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn page_id(doc: &lopdf::Document, page: usize) -> ObjectId {
    doc.page_iter().nth(page).unwrap()
}

/// The page's content stream references, in order.
fn contents(doc: &lopdf::Document, page: usize) -> Vec<Object> {
    match doc
        .get_dictionary(page_id(doc, page))
        .unwrap()
        .get(b"Contents")
        .unwrap()
    {
        Object::Array(a) => a.clone(),
        r => vec![r.clone()],
    }
}

fn set_contents(doc: &mut lopdf::Document, page: usize, c: Vec<Object>) {
    let id = page_id(doc, page);
    doc.get_dictionary_mut(id).unwrap().set("Contents", Object::Array(c));
}

/// Rewrites the operations of one content stream.
fn edit_stream(doc: &mut lopdf::Document, id: ObjectId, f: impl FnOnce(&mut Vec<Operation>)) {
    let s = doc.get_object_mut(id).unwrap().as_stream_mut().unwrap();
    let _ = s.decompress();
    let mut content = Content::decode(&s.content).unwrap();
    f(&mut content.operations);
    s.set_plain_content(content.encode().unwrap());
}

#[test]
fn every_producer_renders_like_itself_and_like_its_redaction() {
    if !renderer() {
        return;
    }
    let opts = RenderOptions::default();
    let mut total = std::time::Duration::ZERO;
    let mut pages = 0;
    for f in fixtures() {
        let input = std::fs::read(&f).unwrap();
        let same = compare(&input, &input, &[], &opts).unwrap_or_else(|e| panic!("{}: {e}", name(&f)));
        let (output, boxes) = redact(&input);
        if let Ok(d) = std::env::var("RENDER_DUMP") {
            let n = name(&f).replace('/', "_");
            std::fs::write(format!("{d}/{n}"), &output).unwrap();
            std::fs::write(format!("{d}/{n}.boxes"), format!("{boxes:?}")).unwrap();
        }
        assert!(!boxes.is_empty(), "{}: nothing redacted", name(&f));
        let m = masks(&boxes);
        let r = compare(&input, &output, &m, &opts).unwrap_or_else(|e| panic!("{}: {e}", name(&f)));
        let checked: usize = r.pages.iter().map(|p| p.boxes_checked).sum();
        let small: usize = r.pages.iter().map(|p| p.boxes_too_small).sum();
        let darkest = r.pages.iter().map(|p| p.darkest_min).fold(1.0f32, f32::min);
        let delta = r.pages.iter().map(|p| p.max_delta).max().unwrap_or(0);
        let local = r.pages.iter().map(|p| p.max_local_delta).max().unwrap_or(0);
        eprintln!(
            "{:28} {} pages, {:3} boxes ({checked} checked, {small} too small), darkest {darkest:.2}, \
             outside: max delta {delta}, of 3×3 means {local}; {:.1} ms/page alone, {:.1} ms/page with redaction",
            name(&f),
            r.pages.len(),
            boxes.len(),
            same.elapsed.as_secs_f64() * 1000.0 / same.pages.len() as f64,
            r.elapsed.as_secs_f64() * 1000.0 / r.pages.len() as f64,
        );
        assert_eq!(checked + small, boxes.len(), "{}", name(&f));
        total += r.elapsed;
        pages += r.pages.len();
    }
    eprintln!(
        "input + output rendered and compared: {:.1} ms per page",
        total.as_secs_f64() * 1000.0 / pages as f64
    );
}

/// Adds a stream in front of the page's content.
fn prepend(doc: &mut lopdf::Document, page: usize, ops: &str) {
    let id = doc.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), ops.as_bytes().to_vec()));
    let mut c = contents(doc, page);
    c.insert(0, Object::Reference(id));
    set_contents(doc, page, c);
}

/// `bytes` with everything on `page` moved by (dx, dy) points.
fn shifted(bytes: &[u8], page: usize, dx: f32, dy: f32) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(bytes).unwrap();
    prepend(&mut doc, page, &format!("1 0 0 1 {dx} {dy} cm\n"));
    save(&mut doc)
}

/// `bytes` without the text of the first line set in the smallest size on page 0 (its
/// text-showing operations keep their operator, with nothing to show), and that line's box.
fn without_smallest_line(bytes: &[u8]) -> (Vec<u8>, [f32; 4]) {
    use woo_redact::source::pdf::interp::StreamRef;
    let pdf = woo_redact::source::pdf::load(bytes).unwrap();
    let visible = |g: &&woo_redact::source::pdf::interp::Glyph| {
        !g.invisible && g.text.as_deref().is_some_and(|t| !t.trim().is_empty())
    };
    let glyphs = &pdf.pages[0].glyphs;
    let size = glyphs.iter().filter(visible).map(|g| g.size).fold(f32::MAX, f32::min);
    let first = glyphs.iter().filter(visible).find(|g| g.size == size).unwrap();
    let line: Vec<_> = glyphs
        .iter()
        .filter(visible)
        .filter(|g| g.size == size && (g.origin.1 - first.origin.1).abs() < 0.5 * size)
        .collect();
    let mut bbox = first.bbox;
    for g in &line {
        bbox = [
            bbox[0].min(g.bbox[0]),
            bbox[1].min(g.bbox[1]),
            bbox[2].max(g.bbox[2]),
            bbox[3].max(g.bbox[3]),
        ];
    }
    let mut doc = pdf.doc.clone();
    // The page's streams are read as one: give the page that one stream, so operation
    // numbers of the page content address it.
    let pid = page_id(&doc, 0);
    let joined = woo_redact::source::pdf::interp::page_content(&doc, pid).unwrap();
    let one = doc.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), joined));
    doc.get_object_mut(pid)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("Contents", Object::Reference(one));
    let mut ops: Vec<(ObjectId, usize)> = line
        .iter()
        .map(|g| match g.addr.stream {
            StreamRef::Page => (one, g.addr.op),
            StreamRef::Form(id) => (id, g.addr.op),
            StreamRef::Ocr => unreachable!("this document is not read by OCR"),
        })
        .collect();
    ops.sort();
    ops.dedup();
    for (id, op) in ops {
        edit_stream(&mut doc, id, |o| {
            for operand in &mut o[op].operands {
                match operand {
                    Object::String(s, _) => s.clear(),
                    Object::Array(a) => a.clear(),
                    _ => {}
                }
            }
        });
    }
    (save(&mut doc), bbox)
}

/// How the comparison sees each kind of damage at several resolutions, to choose the default
/// (`cargo test --test integration render::resolution -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a check"]
fn resolution() {
    if !renderer() {
        return;
    }
    let outcome = |r: Result<woo_redact::redact::render::RenderReport, RenderError>| match r {
        Ok(_) => "pass".to_string(),
        Err(RenderError::Mismatch(Mismatch::Changed { pixels, .. })) => format!("{pixels}px"),
        Err(RenderError::Mismatch(Mismatch::NotDark { share, .. })) => format!("dark{share:.2}"),
        Err(e) => format!("{e}"),
    };
    for dpi in [24.0, 30.0, 36.0, 40.0, 50.0, 72.0] {
        let opts = RenderOptions {
            dpi,
            ..RenderOptions::default()
        };
        eprintln!("== {dpi} dpi");
        for f in fixtures() {
            let input = std::fs::read(&f).unwrap();
            let (output, boxes) = redact(&input);
            let m = masks(&boxes);
            let t = std::time::Instant::now();
            let ok = compare(&input, &output, &m, &opts);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let darkest = match &ok {
                Ok(r) => format!(
                    "darkest {:.2}",
                    r.pages.iter().map(|p| p.darkest_min).fold(1.0f32, f32::min)
                ),
                Err(e) => format!("FAILS: {e}"),
            };
            let (blank, line) = without_smallest_line(&input);
            let missing_line = outcome(compare(&input, &blank, &[], &opts));
            let shifts: Vec<String> = [
                (0.5, 0.0),
                (1.0, 0.0),
                (2.0, 0.0),
                (3.0, 0.0),
                (0.0, 1.0),
                (0.0, 2.0),
                (0.0, 3.0),
            ]
            .iter()
            .map(|&(dx, dy)| {
                format!(
                    "{dx}/{dy}:{}",
                    outcome(compare(&input, &shifted(&input, 0, dx, dy), &[], &opts))
                )
            })
            .collect();
            eprintln!(
                "{:28} {ms:5.1} ms, {darkest}; line of {:.1} pt gone: {missing_line}; moved {}",
                name(&f),
                line[3] - line[1],
                shifts.join(" ")
            );
        }
    }
}

/// The first page with boxes, and its boxes in the order they were drawn.
fn first_boxed_page(boxes: &[BoxOnPage]) -> (usize, Vec<&BoxOnPage>) {
    let page = boxes[0].page;
    (page, boxes.iter().filter(|b| b.page == page).collect())
}

#[test]
fn a_box_that_is_not_drawn_fails() {
    if !renderer() {
        return;
    }
    let opts = RenderOptions::default();
    for f in fixtures() {
        let input = std::fs::read(&f).unwrap();
        let (output, boxes) = redact(&input);
        let m = masks(&boxes);
        let (page, on_page) = first_boxed_page(&boxes);
        // Every box of the page gone: the stream our redactor appends, dropped.
        let mut doc = lopdf::Document::load_mem(&output).unwrap();
        let mut c = contents(&doc, page);
        c.pop();
        set_contents(&mut doc, page, c);
        match compare(&input, &save(&mut doc), &m, &opts) {
            Err(RenderError::Mismatch(Mismatch::NotDark { page: p, share, .. })) => {
                assert_eq!(p, page, "{}", name(&f));
                eprintln!("{}: page {} without boxes: first box {share:.2} dark", name(&f), p + 1);
                assert!(share < 0.1, "{}: a missing box is {share:.2} dark", name(&f));
            }
            other => panic!("{}: {other:?}", name(&f)),
        }
        // One box gone (its `re f`), its label still drawn, white on white.
        let mut doc = lopdf::Document::load_mem(&output).unwrap();
        let Some(Object::Reference(ours)) = contents(&doc, page).last().cloned() else {
            panic!("{}: no appended stream", name(&f))
        };
        edit_stream(&mut doc, ours, |ops| {
            let i = ops.iter().position(|o| o.operator == "re").unwrap();
            assert_eq!(ops[i + 1].operator, "f");
            ops.drain(i..i + 2);
        });
        match compare(&input, &save(&mut doc), &m, &opts) {
            Err(RenderError::Mismatch(Mismatch::NotDark { page: p, rect, .. })) => {
                assert_eq!((p, rect), (page, on_page[0].rect), "{}", name(&f));
            }
            other => panic!("{}: {other:?}", name(&f)),
        }
    }
}

#[test]
fn text_that_moved_or_vanished_fails() {
    if !renderer() {
        return;
    }
    let opts = RenderOptions::default();
    for f in fixtures() {
        let input = std::fs::read(&f).unwrap();
        let (output, boxes) = redact(&input);
        let m = masks(&boxes);
        // The whole page, boxes included, 5 pt to the right.
        match compare(&input, &shifted(&output, 0, 5.0, 0.0), &m, &opts) {
            Err(RenderError::Mismatch(Mismatch::Changed { page: 0, pixels, .. })) => {
                assert!(pixels > 100, "{}: {pixels}", name(&f));
            }
            other => panic!("{}: {other:?}", name(&f)),
        }
        // The first line in the smallest size on the page, gone from the input itself.
        let (blank, _) = without_smallest_line(&input);
        match compare(&input, &blank, &[], &opts) {
            Err(RenderError::Mismatch(Mismatch::Changed { page: 0, pixels, .. })) => {
                assert!(pixels > 50, "{}: {pixels}", name(&f));
            }
            other => panic!("{}: {other:?}", name(&f)),
        }
    }
}

#[test]
fn content_that_poppler_rejects_fails_with_its_message() {
    if !renderer() {
        return;
    }
    let opts = RenderOptions::default();
    for f in fixtures() {
        let input = std::fs::read(&f).unwrap();
        let (output, boxes) = redact(&input);
        let (page, _) = first_boxed_page(&boxes);
        // The page's own content sits between our `q` and our boxes; its first text-showing
        // operation loses its operand, as in the decision letter that started this.
        let mut doc = lopdf::Document::load_mem(&output).unwrap();
        let Object::Reference(id) = contents(&doc, page)[1] else {
            panic!("{}", name(&f))
        };
        edit_stream(&mut doc, id, |ops| {
            let op = ops
                .iter_mut()
                .find(|o| o.operator == "TJ" || o.operator == "Tj")
                .unwrap();
            op.operands.clear();
        });
        match compare(&input, &save(&mut doc), &masks(&boxes), &opts) {
            Err(RenderError::Mismatch(Mismatch::SyntaxError { message })) => {
                assert!(message.contains("Too few (0) args to 'T"), "{}: {message}", name(&f));
            }
            other => panic!("{}: {other:?}", name(&f)),
        }
    }
}

#[test]
fn pages_missing_or_unreadable_fail_and_pages_appended_pass() {
    if !renderer() {
        return;
    }
    let opts = RenderOptions::default();
    let f = root().join("fixtures/pdf/lo-docx/0004-email.pdf");
    let input = std::fs::read(&f).unwrap();
    let pdf = woo_redact::source::pdf::load(&input).unwrap();
    let det = Detector::new(RuleSet::builtin().unwrap(), vec![], vec![]);
    let scan = det.scan(&TextLayer::plain(pdf.text.text.clone()));
    let closing = "Verantwoording: gegevens zijn weggelakt op grond van de Woo.";
    let (output, boxes) = woo_redact::redact::pdf::redact(&pdf, &scan.findings, b"seed", Some(closing)).unwrap();
    let m = masks(&boxes);
    let r = compare(&input, &output, &m, &opts).unwrap();
    assert_eq!(r.pages.len(), pdf.pages.len());
    assert!(r.extra_output_pages >= 1);
    // Without the input's last page (and the appended one after it).
    let mut doc = lopdf::Document::load_mem(&output).unwrap();
    let n = doc.get_pages().len() as u32;
    let drop: Vec<u32> = (pdf.pages.len() as u32..=n).collect();
    doc.delete_pages(&drop);
    match compare(&input, &save(&mut doc), &m, &opts) {
        Err(RenderError::Mismatch(Mismatch::PageMissing { page })) => assert_eq!(page, pdf.pages.len() - 1),
        other => panic!("{other:?}"),
    }
    match compare(&input, b"%PDF-1.4\nnot a pdf", &m, &opts) {
        Err(RenderError::Mismatch(Mismatch::Unrenderable { message })) => assert!(!message.is_empty()),
        other => panic!("{other:?}"),
    }
    // A mask for a page the input does not have is the caller's mistake, not the output's.
    let wrong = [PageMask {
        page: 99,
        ..PageMask::default()
    }];
    assert!(matches!(
        compare(&input, &output, &wrong, &opts),
        Err(RenderError::Input(_))
    ));
}

#[test]
fn rotated_and_cropped_pages_map_the_boxes() {
    if !renderer() {
        return;
    }
    let opts = RenderOptions::default();
    let f = root().join("fixtures/pdf/lo-docx/0006-beslisnota.pdf");
    let original = std::fs::read(&f).unwrap();
    for (rotate, on_parent) in [(90, false), (180, false), (270, false), (90, true), (-90, false)] {
        // The crop box is off the media box's origin on every side; the rotation is on the
        // page or inherited from the page tree.
        let mut doc = lopdf::Document::load_mem(&original).unwrap();
        let id = page_id(&doc, 0);
        let media: Vec<f32> = {
            let page = doc.get_dictionary(id).unwrap();
            let parent = page.get(b"Parent").unwrap().as_reference().unwrap();
            let mb = page
                .get(b"MediaBox")
                .or_else(|_| doc.get_dictionary(parent).unwrap().get(b"MediaBox"));
            mb.unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_float().unwrap())
                .collect()
        };
        let crop = [media[0] + 30.0, media[1] + 40.0, media[2] - 20.0, media[3] - 50.0];
        let page = doc.get_dictionary_mut(id).unwrap();
        page.set("CropBox", crop.iter().map(|&v| Object::Real(v)).collect::<Vec<_>>());
        let target = if on_parent {
            page.get(b"Parent").unwrap().as_reference().unwrap()
        } else {
            id
        };
        doc.get_dictionary_mut(target)
            .unwrap()
            .set("Rotate", Object::Integer(rotate));
        let input = save(&mut doc);
        let (output, boxes) = redact(&input);
        let m = masks(&boxes);
        let r = compare(&input, &output, &m, &opts).unwrap_or_else(|e| panic!("/Rotate {rotate}: {e}"));
        let on_first = boxes.iter().filter(|b| b.page == 0).count();
        assert!(on_first > 0 && r.pages[0].boxes_checked == on_first, "/Rotate {rotate}");
        let (w, h) = (r.pages[0].width as f32, r.pages[0].height as f32);
        let (cw, ch) = ((crop[2] - crop[0]) * 40.0 / 72.0, (crop[3] - crop[1]) * 40.0 / 72.0);
        let (cw, ch) = if rotate.rem_euclid(180) == 90 {
            (ch, cw)
        } else {
            (cw, ch)
        };
        assert!(
            (w - cw).abs() < 1.5 && (h - ch).abs() < 1.5,
            "/Rotate {rotate}: {w}×{h}, crop {cw}×{ch}"
        );
        // A box that is not drawn is found where it is.
        let mut doc = lopdf::Document::load_mem(&output).unwrap();
        let mut c = contents(&doc, 0);
        c.pop();
        set_contents(&mut doc, 0, c);
        assert!(
            matches!(
                compare(&input, &save(&mut doc), &m, &opts),
                Err(RenderError::Mismatch(Mismatch::NotDark { page: 0, .. }))
            ),
            "/Rotate {rotate}"
        );
    }
}
