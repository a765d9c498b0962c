//! OCR with Tesseract (`source::pdf::ocr`) on the synthetic scan of `fixtures/pdf-cases`: the
//! memo's key words are read, and their boxes land where the invisible text layer of
//! `ocr-layer.pdf` (the same scan, its text at the true positions) has them; also when the
//! image is stored turned or flipped, placed at 100 dpi, or shown on a page with `/Rotate`; and
//! a word painted over with `redact::image::paint` is no longer read.
//!
//! Without Tesseract and its Dutch model the tests say so and pass, except under `CI=true`.

use lopdf::{Document, Object, ObjectId, Stream, dictionary};
use woo_redact::redact::image::{paint, region_in_image};
use woo_redact::source::pdf::image::decode;
use woo_redact::source::pdf::interp::{ImageUse, Matrix, mul, scan_page};
use woo_redact::source::pdf::ocr::{OcrOptions, OcrWord, available, ocr_image, ocr_stream, page_rotation};
use woo_redact::source::pdf::{PdfDoc, load};

use crate::util::root;

/// Words of the memo that must be read, as the text layer writes them.
const KEY_WORDS: &[&str] = &[
    "Vries",
    "06-12345678",
    "j.devries@minbzk.nl",
    "Berg",
    "Turfmarkt",
    "subsidieregeling",
    "Contactpersoon",
    "2024-0000174633",
];

/// How far (points) an OCR word's box may be from the text layer's box of the same word. The
/// layer's glyph boxes run from the font's descender to its ascender, the OCR box holds the
/// ink, so vertically only the centres are compared.
const X_TOLERANCE: f32 = 2.0;
const Y_TOLERANCE: f32 = 3.0;

/// The options, or `None` (with the message) when Tesseract or its model is missing outside CI.
fn engine() -> Option<OcrOptions> {
    let opts = OcrOptions::default();
    match available(&opts) {
        Ok(()) => Some(opts),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => panic!("{e} (CI: .ci/run installs it)"),
        Err(e) => {
            crate::util::skipped(&format!("skipped: tesseract-ocr-nld not installed ({e})"));
            None
        }
    }
}

fn pdf(name: &str) -> PdfDoc {
    let bytes = std::fs::read(root().join("fixtures/pdf-cases").join(name)).expect("fixture");
    load(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Lower case letters and digits only: OCR noise in punctuation does not count.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The box of `word` in the text layer of ocr-layer.pdf: the hull of its glyphs.
fn truth(layer: &PdfDoc, word: &str) -> [f32; 4] {
    let at = layer
        .text
        .text
        .find(word)
        .unwrap_or_else(|| panic!("{word} not in the layer"));
    let mut hull = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for (p, g) in layer.text.glyphs_in(at, at + word.len()) {
        let b = layer.pages[p].glyphs[g].bbox;
        hull = [
            hull[0].min(b[0]),
            hull[1].min(b[1]),
            hull[2].max(b[2]),
            hull[3].max(b[3]),
        ];
    }
    hull
}

/// The OCR word that reads as `word` (folded), or a message listing what was read.
fn find<'a>(words: &'a [OcrWord], word: &str) -> Result<&'a OcrWord, String> {
    let want = fold(word);
    words.iter().find(|w| fold(&w.text) == want).ok_or_else(|| {
        let read: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        format!("{word:?} not read; read: {read:?}")
    })
}

/// Every key word is read and lands on its truth box (mapped by `to_page` from the original
/// page to the page under test); returns the failures.
fn check_words(
    words: &[OcrWord],
    layer: &PdfDoc,
    keys: &[&str],
    to_page: impl Fn([f32; 4]) -> [f32; 4],
) -> Vec<String> {
    let mut bad = Vec::new();
    for key in keys {
        let w = match find(words, key) {
            Ok(w) => w,
            Err(e) => {
                bad.push(e);
                continue;
            }
        };
        let t = to_page(truth(layer, key));
        let b = w.bbox;
        let (cy_b, cy_t) = ((b[1] + b[3]) / 2.0, (t[1] + t[3]) / 2.0);
        let (cx_b, cx_t) = ((b[0] + b[2]) / 2.0, (t[0] + t[2]) / 2.0);
        // Turned pages swap which extent is the word's length: compare along the longer side.
        let along_x = (t[2] - t[0]) >= (t[3] - t[1]);
        let ok = if along_x {
            (b[0] - t[0]).abs() <= X_TOLERANCE
                && (b[2] - t[2]).abs() <= X_TOLERANCE
                && (cy_b - cy_t).abs() <= Y_TOLERANCE
        } else {
            (b[1] - t[1]).abs() <= X_TOLERANCE
                && (b[3] - t[3]).abs() <= X_TOLERANCE
                && (cx_b - cx_t).abs() <= Y_TOLERANCE
        };
        if !ok {
            bad.push(format!("{key:?}: OCR box {b:?}, text layer {t:?}"));
        }
    }
    bad
}

/// The only image of a one-page PDF.
fn the_image(pdf: &PdfDoc) -> &ImageUse {
    let page = pdf.pages.first().expect("a page");
    assert_eq!(page.images.len(), 1);
    &page.images[0]
}

#[test]
fn the_scan_is_read_where_the_text_layer_has_it() {
    let Some(opts) = engine() else { return };
    let (scan, layer) = (pdf("scan-only.pdf"), pdf("ocr-layer.pdf"));
    let t = std::time::Instant::now();
    let words = ocr_image(&scan.doc, the_image(&scan), 0, &opts).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "scan-only.pdf: {} words in {:.2} s (debug build)",
        words.len(),
        t.elapsed().as_secs_f64()
    );
    let bad = check_words(&words, &layer, KEY_WORDS, |b| b);
    assert!(bad.is_empty(), "{bad:#?}");

    // Nearly every word of the layer is read, in the same place (the accuracy on the page).
    let layer_words: Vec<&str> = layer.text.text.split_whitespace().collect();
    let read: std::collections::HashSet<String> = words.iter().map(|w| fold(&w.text)).collect();
    let found = layer_words.iter().filter(|w| read.contains(&fold(w))).count();
    eprintln!(
        "scan-only.pdf: {found} of {} layer words read exactly (folded)",
        layer_words.len()
    );
    assert!(
        found * 100 >= layer_words.len() * 95,
        "{found} of {}",
        layer_words.len()
    );

    // Lines: "J.P. de Vries" is one line, "Turfmarkt" another.
    let line = |w: &str| find(&words, w).map(|w| w.line).unwrap_or(u32::MAX);
    assert_eq!(line("J.P."), line("Vries"));
    assert_ne!(line("Vries"), line("Turfmarkt"));
    assert!(
        words
            .iter()
            .all(|w| !w.text.trim().is_empty() && (0.0..=100.0).contains(&w.conf))
    );
}

/// A one-page PDF that draws `grey` (`w × h`, rows top down) with `ctm` on a page of `media`
/// turned by `rotate`; the image as the interpreter sees it.
fn one_image(grey: Vec<u8>, w: u32, h: u32, media: [f32; 2], ctm: Matrix, rotate: i64) -> (Document, ImageUse) {
    let mut doc = Document::with_version("1.7");
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        grey,
    ));
    let content = format!(
        "q {} cm /Im0 Do Q",
        ctm.iter().map(|v| format!("{v:.4}")).collect::<Vec<_>>().join(" ")
    );
    let contents = doc.add_object(Stream::new(lopdf::Dictionary::new(), content.into_bytes()));
    let pages: ObjectId = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => contents, "Rotate" => rotate,
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(media[0]), Object::Real(media[1])],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut scan = scan_page(&doc, page);
    assert_eq!(scan.images.len(), 1, "{:?}", scan.problems);
    let im = scan.images.remove(0);
    (doc, im)
}

/// The scan's pixels (grey, rows top down), size and placement.
fn scan_pixels(scan: &PdfDoc) -> (Vec<u8>, u32, u32, Matrix) {
    let im = the_image(scan);
    let id = im.xobject.expect("an XObject");
    let stream = scan
        .doc
        .get_object(id)
        .and_then(|o| o.as_stream())
        .expect("image stream");
    let d = decode(&scan.doc, stream).expect("decodes");
    (d.raster.to_gray8(), d.raster.width(), d.raster.height(), im.ctm)
}

/// Point `(x, y)` of the original page in the unit square of its image.
fn unit(ctm: &Matrix, x: f32, y: f32) -> (f32, f32) {
    let [a, b, c, d, e, f] = *ctm;
    let det = a * d - b * c;
    let (x, y) = (x - e, y - f);
    ((d * x - c * y) / det, (a * y - b * x) / det)
}

#[test]
fn turned_and_flipped_images_are_read_upright_and_mapped_back() {
    let Some(opts) = engine() else { return };
    let (scan, layer) = (pdf("scan-only.pdf"), pdf("ocr-layer.pdf"));
    let (grey, w, h, ctm) = scan_pixels(&scan);
    let media = [595.2756, 841.8898];
    let (wu, hu) = (w as usize, h as usize);
    let px = |x: usize, y: usize| grey[y * wu + x];
    let keys = &["Vries", "06-12345678", "Berg", "subsidieregeling"];
    let mut bad = Vec::new();

    // Stored turned a quarter counter-clockwise (rows of the page are columns of the image),
    // placed turned back: the page looks the same.
    let turned: Vec<u8> = (0..wu)
        .flat_map(|j| (0..hu).map(move |i| (i, j)))
        .map(|(i, j)| px(wu - 1 - j, i))
        .collect();
    let (doc, im) = one_image(turned, h, w, media, mul(&[0.0, -1.0, 1.0, 0.0, 0.0, 1.0], &ctm), 0);
    let words = ocr_image(&doc, &im, 0, &opts).unwrap_or_else(|e| panic!("{e}"));
    bad.extend(
        check_words(&words, &layer, keys, |b| b)
            .into_iter()
            .map(|e| format!("turned: {e}")),
    );

    // Stored upside down in rows (mirrored), placed with a flip: the page looks the same.
    let flipped: Vec<u8> = (0..hu)
        .rev()
        .flat_map(|y| grey[y * wu..(y + 1) * wu].to_vec())
        .collect();
    let (doc, im) = one_image(flipped, w, h, media, mul(&[1.0, 0.0, 0.0, -1.0, 0.0, 1.0], &ctm), 0);
    let words = ocr_image(&doc, &im, 0, &opts).unwrap_or_else(|e| panic!("{e}"));
    bad.extend(
        check_words(&words, &layer, keys, |b| b)
            .into_iter()
            .map(|e| format!("flipped: {e}")),
    );

    // Scanned sideways onto a landscape page that a viewer turns upright with /Rotate 90: the
    // image is read as the viewer shows it; page point (x, y) of the original is at
    // (PH·(1 − v), PW·u) here.
    let sideways: Vec<u8> = (0..wu)
        .flat_map(|j| (0..hu).map(move |i| (i, j)))
        .map(|(i, j)| px(wu - 1 - j, i))
        .collect();
    let (pw, ph) = (media[0], media[1]);
    let (doc, im) = one_image(sideways, h, w, [ph, pw], [ph, 0.0, 0.0, pw, 0.0, 0.0], 90);
    let words = ocr_image(&doc, &im, 90, &opts).unwrap_or_else(|e| panic!("{e}"));
    let to_page = |b: [f32; 4]| {
        let (u0, v0) = unit(&ctm, b[0], b[1]);
        let (u1, v1) = unit(&ctm, b[2], b[3]);
        [ph * (1.0 - v1), pw * u0, ph * (1.0 - v0), pw * u1]
    };
    bad.extend(
        check_words(&words, &layer, keys, to_page)
            .into_iter()
            .map(|e| format!("/Rotate 90: {e}")),
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn a_low_resolution_scan_is_upsampled() {
    let Some(opts) = engine() else { return };
    let (scan, layer) = (pdf("scan-only.pdf"), pdf("ocr-layer.pdf"));
    let (grey, w, h, ctm) = scan_pixels(&scan);
    // 100 dpi: every 2 x 2 block averaged.
    let (hw, hh) = (w / 2, h / 2);
    let at = |x: u32, y: u32| u32::from(grey[(y * w + x) as usize]);
    let half: Vec<u8> = (0..hh)
        .flat_map(|y| (0..hw).map(move |x| (x, y)))
        .map(|(x, y)| {
            ((at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1) + 2) / 4) as u8
        })
        .collect();
    let (doc, im) = one_image(half, hw, hh, [595.2756, 841.8898], ctm, 0);
    let words = ocr_image(&doc, &im, 0, &opts).unwrap_or_else(|e| panic!("{e}"));
    // The memo's body text (11 pt); the 7 pt column on the right is too small at 100 dpi to
    // demand it.
    let bad = check_words(
        &words,
        &layer,
        &["Berg", "subsidieregeling", "commissiedebat", "Nota"],
        |b| b,
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn a_painted_word_is_no_longer_read() {
    let Some(opts) = engine() else { return };
    let scan = pdf("scan-only.pdf");
    let im = the_image(&scan);
    let stream = scan
        .doc
        .get_object(im.xobject.expect("an XObject"))
        .and_then(|o| o.as_stream())
        .expect("image stream");
    let before = ocr_stream(&scan.doc, stream, &im.ctm, 0, &opts).unwrap_or_else(|e| panic!("{e}"));
    let mut regions = Vec::new();
    for key in ["Vries", "06-12345678", "j.devries@minbzk.nl"] {
        let w = find(&before, key).unwrap_or_else(|e| panic!("{e}"));
        let b = w.bbox;
        let r = region_in_image(&im.ctm, [b[0] - 1.0, b[1] - 1.0, b[2] + 1.0, b[3] + 1.0]).expect("a region");
        regions.push(r);
    }
    let painted = paint(&scan.doc, stream, &regions).unwrap_or_else(|e| panic!("{e}"));
    let after = ocr_stream(&scan.doc, &painted.image, &im.ctm, 0, &opts).unwrap_or_else(|e| panic!("{e}"));
    for gone in ["vries", "12345678"] {
        let leaked: Vec<&str> = after
            .iter()
            .map(|w| w.text.as_str())
            .filter(|t| fold(t).contains(&fold(gone)))
            .collect();
        assert!(leaked.is_empty(), "{gone} read after painting: {leaked:?}");
    }
    // The rest of the page is still read: the test would pass on a blank image otherwise. (The
    // line above the phone number, "Contactpersoon", may lose its lower edge: a JPEG is painted
    // in whole 16-pixel blocks.)
    for kept in ["J.P.", "Turfmarkt", "Datum", "Berg"] {
        find(&after, kept).unwrap_or_else(|e| panic!("after painting: {e}"));
    }
}

#[test]
fn an_inline_image_is_refused_by_name() {
    let scan = pdf("scan-only.pdf");
    let mut im = the_image(&scan).clone();
    im.xobject = None;
    let e = ocr_image(&scan.doc, &im, 0, &OcrOptions::default()).unwrap_err();
    assert!(e.to_string().contains("inline image"), "{e}");
}

#[test]
fn a_missing_model_is_not_installed_and_named() {
    let Some(opts) = engine() else { return };
    let empty = crate::util::tmp();
    let opts = OcrOptions {
        tessdata_dir: Some(empty.path().to_path_buf()),
        ..opts
    };
    for e in [
        available(&opts).unwrap_err(),
        woo_redact::source::pdf::ocr::ocr_gray(&[255; 400], 20, 20, &[7.2, 0.0, 0.0, 7.2, 0.0, 0.0], 0, &opts)
            .unwrap_err(),
    ] {
        assert!(
            matches!(e, woo_redact::source::pdf::ocr::OcrError::NotInstalled { .. }),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("model for nld") && e.to_string().contains("tesseract-ocr-nld"),
            "{e}"
        );
    }
}

/// Real scanned pages of `../shared/real-dev` (read by path, never copied; only counts are
/// printed, the words name real people): each is read about as well as Tesseract reads
/// poppler's rendering of the page at 300 dpi, the independent route. Covers RGB JPEGs at
/// 300 dpi on a page with `/Rotate 270` and images at 144 dpi (upsampled).
#[test]
#[ignore = "reads real PDFs and runs Tesseract 14 times: cargo test --test integration real_scans -- --ignored"]
fn real_scans_are_read_like_the_rendered_page() {
    let Some(opts) = engine() else { return };
    let dir = root().join("../shared/real-dev");
    if !dir.is_dir() {
        crate::util::skipped(&format!("skipped: {} not present (real published PDFs)", dir.display()));
        return;
    }
    let files = [
        "wob-letter-extraction/02_besluit_wob-verzoek_mail.pdf",
        "wob-letter-extraction/10_wob-besluit_woningdelen_-_mail_wethouder_6-12.pdf",
        "pzh-wooverzicht/9ba65b69a449b2794c0558720ea22e19_240620_Verslag_BO_ATT.pdf",
        "plooi/blg-1007826.pdf",
    ];
    let mut bad = Vec::new();
    for file in files {
        let path = dir.join(file);
        let pdf = load(&std::fs::read(&path).expect("real PDF")).expect("loads");
        for (n, (page_id, scan)) in pdf.doc.get_pages().into_values().zip(&pdf.pages).enumerate() {
            let rotate = page_rotation(&pdf.doc, page_id);
            let Some(im) = scan.images.iter().max_by(|a, b| area(a.bbox).total_cmp(&area(b.bbox))) else {
                continue;
            };
            let t = std::time::Instant::now();
            let words = ocr_image(&pdf.doc, im, rotate, &opts).unwrap_or_else(|e| panic!("{file} p{}: {e}", n + 1));
            let secs = t.elapsed().as_secs_f64();
            let rendered = rendered_words(&path, n + 1);
            let conf = words.iter().map(|w| w.conf).sum::<f32>() / words.len().max(1) as f32;
            eprintln!(
                "{file} p{} /Rotate {rotate}: {} words (rendered page: {rendered}), mean confidence {conf:.1}, {secs:.2} s",
                n + 1,
                words.len()
            );
            if words.len() * 10 < rendered * 9 || conf < 80.0 {
                bad.push(format!(
                    "{file} p{}: {} words of {rendered}, confidence {conf:.1}",
                    n + 1,
                    words.len()
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

fn area(b: [f32; 4]) -> f32 {
    (b[2] - b[0]).max(0.0) * (b[3] - b[1]).max(0.0)
}

/// Words Tesseract reads in poppler's 300 dpi rendering of a page (piped, never on disk).
fn rendered_words(pdf: &std::path::Path, page: usize) -> usize {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let p = page.to_string();
    let pgm = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-f", &p, "-l", &p])
        .arg(pdf)
        .output()
        .expect("pdftoppm (poppler-utils)");
    let mut child = Command::new("tesseract")
        .args(["stdin", "stdout", "-l", "nld", "--psm", "3", "--dpi", "300", "tsv"])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tesseract");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&pgm.stdout));
    let out = child.wait_with_output().expect("tesseract runs");
    let _ = writer.join();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("5\t") && l.rsplit('\t').next().is_some_and(|t| !t.trim().is_empty()))
        .count()
}
