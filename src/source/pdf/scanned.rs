//! Scanned pages: which images on a page are scans without a text layer, and reading them with
//! OCR ([`super::ocr`]) into glyphs of the page, so detection, redaction and verification treat
//! the words like any other text. An OCR glyph is in no content stream
//! ([`StreamRef::Ocr`]): redacting it means painting the image's pixels under its box, and the
//! words that stay may be written back as an invisible text layer.

use lopdf::{Document, ObjectId};

use super::interp::{Glyph, GlyphAddr, PageScan, StreamRef};
use super::ocr::{OcrOptions, OcrWord, ocr_image, page_rotation};

/// Share of the visible page an image must cover before it is taken to hold text of its own
/// (a scanned letter, a printed e-mail pasted as a picture).
pub const LARGE_IMAGE: f32 = 0.3;

/// Readable characters over a large image below which the image is the page's content rather
/// than a background under real text.
pub const TEXT_OVER_IMAGE: usize = 150;

/// Mean word confidence (Tesseract's, 0–100) below which a reading is not trusted: handwriting,
/// a photograph, a fax too faint to read. Printed scans read at 85–95.
pub const MIN_CONFIDENCE: f32 = 55.0;

/// Whether and how scanned images are read.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Ocr {
    /// Not read: a scan without a text layer needs review.
    #[default]
    Off,
    /// Wanted but not possible (Tesseract or its model missing): the reason, for the report.
    Unavailable(String),
    /// Scans without a text layer are read.
    On(OcrOptions),
    /// Every large image is read, also under a text layer: verification of a written scan,
    /// whose own invisible layer must not stand in for what the pixels still show.
    Reread(OcrOptions),
}

/// What OCR made of one image on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrRead {
    /// Index of the image in [`PageScan::images`].
    pub image: usize,
    /// Words read.
    pub words: usize,
    /// Mean confidence of the words (0–100); 0 without words.
    pub confidence: f32,
    /// Why the image could not be read, if so.
    pub error: Option<String>,
    /// No words were read and the image is blank (almost no dark pixels): nothing to read,
    /// rather than something OCR could not read.
    pub blank: bool,
}

impl OcrRead {
    /// An image that could not be read, and why.
    fn failed(image: usize, why: String) -> Self {
        OcrRead {
            image,
            words: 0,
            confidence: 0.0,
            error: Some(why),
            blank: false,
        }
    }
}

/// The images of a page that cover much of it (drawn with their own colours, not stencils)
/// and have too little text over them to be anything but the page's content: scans without a
/// text layer. Text read by OCR does not count as a text layer here.
pub fn scan_images(p: &PageScan) -> Vec<usize> {
    large_images(p)
        .into_iter()
        .filter(|&i| {
            let visible = visible_box(p, p.images[i].bbox);
            let over = |g: &&Glyph| {
                let (cx, cy) = ((g.bbox[0] + g.bbox[2]) / 2.0, (g.bbox[1] + g.bbox[3]) / 2.0);
                g.readable()
                    && g.has_text()
                    && g.addr.stream != StreamRef::Ocr
                    && cx > visible[0]
                    && cx < visible[2]
                    && cy > visible[1]
                    && cy < visible[3]
            };
            // An OCR layer the producer wrote over the image stands for its text.
            let layer = p.glyphs.iter().filter(over).filter(|g| g.ocr).count();
            let shown = p.glyphs.iter().filter(over).count();
            layer == 0 && shown < TEXT_OVER_IMAGE
        })
        .collect()
}

/// The images of a page large enough to hold text of their own.
pub fn large_images(p: &PageScan) -> Vec<usize> {
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let page_area = p.crop.map(|c| area(&c)).unwrap_or(612.0 * 792.0).max(1.0);
    p.images
        .iter()
        .enumerate()
        .filter(|(_, im)| !im.stencil && area(&visible_box(p, im.bbox)) >= LARGE_IMAGE * page_area)
        .map(|(i, _)| i)
        .collect()
}

/// The part of a box inside the page's visible area.
fn visible_box(p: &PageScan, b: [f32; 4]) -> [f32; 4] {
    match p.crop {
        Some(c) => [b[0].max(c[0]), b[1].max(c[1]), b[2].min(c[2]), b[3].min(c[3])],
        None => b,
    }
}

/// Reads the page's scanned images as `ocr` asks, appending the words as glyphs
/// ([`StreamRef::Ocr`]) and recording each reading in [`PageScan::ocr`].
pub fn read_scans(doc: &Document, page: ObjectId, scan: &mut PageScan, ocr: &Ocr) {
    let (targets, opts) = match ocr {
        Ocr::Off => return,
        Ocr::Unavailable(why) => {
            for image in scan_images(scan) {
                scan.ocr.push(OcrRead::failed(image, why.clone()));
            }
            return;
        }
        Ocr::On(o) => (scan_images(scan), o),
        Ocr::Reread(o) => (large_images(scan), o),
    };
    if targets.is_empty() {
        return;
    }
    let rotate = page_rotation(doc, page);
    let mut line_base = 0u32;
    for image in targets {
        if let Err(e) = crate::limits::check_time() {
            scan.ocr.push(OcrRead::failed(image, e.to_string()));
            continue;
        }
        match ocr_image(doc, &scan.images[image], rotate, opts) {
            Ok(words) => {
                let confidence = if words.is_empty() {
                    0.0
                } else {
                    words.iter().map(|w| w.conf.max(0.0)).sum::<f32>() / words.len() as f32
                };
                let blank = words.is_empty() && is_blank(doc, &scan.images[image]);
                scan.ocr.push(OcrRead {
                    image,
                    words: words.len(),
                    confidence,
                    error: None,
                    blank,
                });
                let lines = words.iter().map(|w| w.line + 1).max().unwrap_or(0);
                scan.glyphs.extend(glyphs(&words, reading_direction(rotate), line_base));
                line_base += lines;
            }
            Err(e) => scan.ocr.push(OcrRead::failed(image, e.to_string())),
        }
    }
}

/// Share of dark pixels (below half grey) under which an image is a blank page.
const BLANK_DARK: f64 = 0.002;

/// Is the image blank paper: (almost) no dark pixels? A scanned empty back side is, a page of
/// handwriting or a photograph is not.
fn is_blank(doc: &Document, image: &super::interp::ImageUse) -> bool {
    let Some(stream) = image
        .xobject
        .and_then(|id| doc.get_object(id).ok())
        .and_then(|o| o.as_stream().ok())
    else {
        return false;
    };
    let Ok(decoded) = super::image::decode(doc, stream) else {
        return false;
    };
    let grey = decoded.raster.to_gray8();
    if grey.is_empty() {
        return false;
    }
    let dark = grey.iter().filter(|&&v| v < 128).count();
    (dark as f64) < BLANK_DARK * grey.len() as f64
}

/// The direction in page space of text that reads left to right on a page shown turned by
/// `rotate` degrees clockwise: the page's top edge is on the right at 90°.
pub fn reading_direction(rotate: i64) -> (f32, f32) {
    match rotate.rem_euclid(360) {
        90 => (0.0, 1.0),
        180 => (-1.0, 0.0),
        270 => (0.0, -1.0),
        _ => (1.0, 0.0),
    }
}

/// One glyph per character of each word, the word's box shared out evenly along the reading
/// direction; all words of a line share its baseline and size, so the text layer joins them
/// into one line with spaces where the gaps are. Lines are numbered from `line_base`.
fn glyphs(words: &[OcrWord], dir: (f32, f32), line_base: u32) -> Vec<Glyph> {
    let (dx, dy) = dir;
    // Along (u) and across (v) the baseline, as the text layer measures them.
    let frame = |b: &[f32; 4]| {
        let corners = [(b[0], b[1]), (b[2], b[1]), (b[0], b[3]), (b[2], b[3])];
        let us = corners.map(|(x, y)| x * dx + y * dy);
        let vs = corners.map(|(x, y)| -x * dy + y * dx);
        let min = |a: [f32; 4]| a.iter().copied().fold(f32::INFINITY, f32::min);
        let max = |a: [f32; 4]| a.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        (min(us), max(us), min(vs), max(vs))
    };
    let point = |u: f32, v: f32| (u * dx - v * dy, u * dy + v * dx);
    let mut out = Vec::new();
    let mut by_line: std::collections::BTreeMap<u32, Vec<(usize, &OcrWord)>> = Default::default();
    for (i, w) in words.iter().enumerate() {
        by_line.entry(w.line).or_default().push((i, w));
    }
    for (line, ws) in by_line {
        let frames: Vec<_> = ws.iter().map(|(_, w)| frame(&w.bbox)).collect();
        // The baseline: the bottom most words share (descenders reach below it).
        let mut bottoms: Vec<f32> = frames.iter().map(|f| f.2).collect();
        bottoms.sort_by(f32::total_cmp);
        let base = bottoms[bottoms.len() / 2];
        let size = frames.iter().map(|f| f.3 - f.2).fold(1.0f32, f32::max);
        for (k, ((_, w), (u0, u1, v0, v1))) in ws.iter().zip(frames).enumerate() {
            let chars: Vec<char> = w.text.chars().collect();
            let step = (u1 - u0) / chars.len().max(1) as f32;
            for (c, ch) in chars.iter().enumerate() {
                let (a, b) = (u0 + step * c as f32, u0 + step * (c + 1) as f32);
                let pts = [point(a, v0), point(b, v0), point(a, v1), point(b, v1)];
                let bbox = [
                    pts.iter().map(|p| p.0).fold(f32::INFINITY, f32::min),
                    pts.iter().map(|p| p.1).fold(f32::INFINITY, f32::min),
                    pts.iter().map(|p| p.0).fold(f32::NEG_INFINITY, f32::max),
                    pts.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max),
                ];
                out.push(Glyph {
                    text: Some(ch.to_string()),
                    bbox,
                    origin: point(a, base),
                    size,
                    dir,
                    invisible: false,
                    fill: 0.0,
                    alpha: 1.0,
                    clipped: false,
                    off_layer: false,
                    hidden: None,
                    ocr: true,
                    tj_advance: 0.0,
                    addr: GlyphAddr {
                        stream: StreamRef::Ocr,
                        op: (line_base + line) as usize,
                        elem: k,
                        byte: c,
                        len: 0,
                    },
                    placement: 0,
                });
            }
        }
    }
    out
}

/// The words of a page read by OCR, as the glyphs [`read_scans`] made of them: (line, word)
/// → indices of its glyphs in [`PageScan::glyphs`], in order.
pub fn ocr_words(scan: &PageScan) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut last: Option<(usize, usize)> = None;
    for (i, g) in scan.glyphs.iter().enumerate() {
        if g.addr.stream != StreamRef::Ocr {
            continue;
        }
        let key = (g.addr.op, g.addr.elem);
        if last == Some(key) {
            if let Some(w) = out.last_mut() {
                w.push(i);
            }
        } else {
            out.push(vec![i]);
            last = Some(key);
        }
    }
    out
}

/// The document's text for detection: where OCR read a letter for a digit inside a number
/// (`+31 (O)6`, `2O24`, `l2345`), the digit, so the validators see the number. Only text of
/// OCR glyphs changes (a layer the producer wrote or one read here), and only a confusable
/// letter (`O o` → 0, `I l |` → 1, `S` → 5) next to a digit with no other letter beside it;
/// every replacement is one byte for one byte, so offsets into [`super::PdfDoc::text`] hold.
pub fn text_for_detection(pdf: &super::PdfDoc) -> String {
    let text = &pdf.text.text;
    let mut ocr = vec![false; text.len()];
    for &(a, b, page, gi) in &pdf.text.spans {
        if pdf
            .pages
            .get(page)
            .and_then(|p| p.glyphs.get(gi))
            .is_some_and(|g| g.ocr)
        {
            ocr[a..b].iter_mut().for_each(|x| *x = true);
        }
    }
    if !ocr.contains(&true) {
        return text.clone();
    }
    let bytes = text.as_bytes();
    let digit_for = |b: u8| match b {
        b'O' | b'o' => Some(b'0'),
        b'I' | b'l' | b'|' => Some(b'1'),
        b'S' => Some(b'5'),
        _ => None,
    };
    // The nearest byte on one side that is not punctuation inside a number.
    let neighbour = |i: usize, step: isize| {
        let mut j = i as isize + step;
        while j >= 0 && (j as usize) < bytes.len() && matches!(bytes[j as usize], b'(' | b')' | b'-' | b'.') {
            j += step;
        }
        (j >= 0 && (j as usize) < bytes.len()).then(|| bytes[j as usize])
    };
    let kind = |b: Option<u8>| match b {
        Some(c) if c.is_ascii_digit() => 'd',
        Some(c) if digit_for(c).is_some() => 'c',
        Some(c) if c.is_ascii_alphabetic() || c >= 0x80 => 'l',
        _ => ' ',
    };
    let mut out = bytes.to_vec();
    for i in 0..bytes.len() {
        let Some(d) = digit_for(bytes[i]).filter(|_| ocr[i]) else {
            continue;
        };
        let (before, after) = (kind(neighbour(i, -1)), kind(neighbour(i, 1)));
        let digit_beside = before == 'd' || after == 'd';
        let letter_beside = before == 'l' || after == 'l';
        // A run of confusables between digits ("2OO4") reads as digits too.
        let run_of_them = before == 'c' && after == 'd' || before == 'd' && after == 'c';
        if (digit_beside && !letter_beside) || run_of_them {
            out[i] = d;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, bbox: [f32; 4], line: u32) -> OcrWord {
        OcrWord {
            text: text.into(),
            bbox,
            conf: 90.0,
            line,
        }
    }

    #[test]
    fn words_become_glyphs_on_one_baseline_that_the_layer_joins() {
        let words = vec![
            word("Jan", [100.0, 700.0, 118.0, 710.0], 0),
            word("Jansen,", [121.0, 697.5, 160.0, 710.0], 0),
            word("tel.", [100.0, 685.0, 115.0, 695.0], 1),
        ];
        let gs = glyphs(&words, (1.0, 0.0), 0);
        assert_eq!(gs.len(), 3 + 7 + 4);
        assert!(
            gs.iter()
                .all(|g| g.ocr && g.readable() && g.addr.stream == StreamRef::Ocr)
        );
        // "Jansen," shares the line's baseline although its comma reaches lower.
        assert_eq!(gs[3].origin.1, gs[0].origin.1);
        let t = super::super::layer::build(&[&gs]);
        assert_eq!(t.text, "Jan Jansen,\ntel.");
        let scan = PageScan {
            glyphs: gs,
            ..Default::default()
        };
        let ws = ocr_words(&scan);
        assert_eq!(ws.len(), 3);
        assert_eq!(ws[1].len(), 7);
    }

    #[test]
    fn letters_read_for_digits_in_numbers_become_digits() {
        let line = "M +31 (O)6 2541 2667, 2OO4, INGB0001234567, Ook 06-l2345678 Sl";
        let words: Vec<OcrWord> = line
            .split(' ')
            .enumerate()
            .map(|(i, t)| word(t, [10.0 + 53.0 * i as f32, 700.0, 60.0 + 53.0 * i as f32, 710.0], 0))
            .collect();
        let scan = PageScan {
            glyphs: glyphs(&words, (1.0, 0.0), 0),
            ..Default::default()
        };
        let pdf = super::super::PdfDoc {
            doc: lopdf::Document::new(),
            text: super::super::layer::build(&[&scan.glyphs]),
            pages: vec![scan],
            flattened: Vec::new(),
        };
        assert_eq!(
            text_for_detection(&pdf),
            "M +31 (0)6 2541 2667, 2004, INGB0001234567, Ook 06-12345678 Sl"
        );
    }

    #[test]
    fn turned_pages_read_along_their_own_direction() {
        // A page shown turned 90°: its lines run up the page, one x column per line.
        let words = vec![
            word("Jan", [300.0, 100.0, 310.0, 118.0], 0),
            word("Jansen", [300.0, 121.0, 310.0, 155.0], 0),
        ];
        let gs = glyphs(&words, reading_direction(90), 0);
        let t = super::super::layer::build(&[&gs]);
        assert_eq!(t.text, "Jan Jansen");
        // The J of Jansen starts where the word starts, at the bottom.
        assert!((gs[3].bbox[1] - 121.0).abs() < 0.01, "{:?}", gs[3].bbox);
    }
}
