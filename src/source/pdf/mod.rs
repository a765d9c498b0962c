//! PDF reading: our own font model and content interpreter over lopdf's object layer, giving
//! glyph records and a text layer that maps back to them (PDF.md). Redaction of PDFs builds on
//! this; until it exists the batch fails PDFs closed.

pub mod afm;
pub mod annots;
pub mod audit;
pub mod cmap;
pub mod content;
pub mod encoding;
pub mod font;
pub mod fontprog;
pub mod image;
pub mod interp;
pub mod layer;

use interp::{PageScan, scan_page};
use lopdf::Document;

/// Largest decompressed object accepted by the object parser (object streams, xref streams);
/// content, forms and fonts are bounded per document by [`crate::limits`].
pub const MAX_DECOMPRESSED: usize = 256 << 20;

/// A loaded PDF with every page interpreted.
#[derive(Debug)]
pub struct PdfDoc {
    /// The object layer.
    pub doc: Document,
    /// One scan per page, in page order.
    pub pages: Vec<PageScan>,
    /// Text of all pages with the glyph behind each piece.
    pub text: layer::GlyphText,
    /// Annotations drawn into their pages while loading ([`annots::flatten`]).
    pub flattened: Vec<annots::Flattened>,
}

/// Loads and interprets a PDF, or says why it cannot be read. Within a [`crate::limits::Budget`]
/// a document over a limit (pages, time, decompressed bytes) is refused with the limit named.
pub fn load(bytes: &[u8]) -> Result<PdfDoc, String> {
    let opts = lopdf::LoadOptions {
        max_decompressed_size: Some(crate::limits::decompress_allowance(MAX_DECOMPRESSED)),
        ..Default::default()
    };
    let mut doc = Document::load_mem_with_options(bytes, opts).map_err(|e| {
        let m = e.to_string();
        if m.to_lowercase().contains("decrypt") || m.to_lowercase().contains("password") {
            format!("encrypted PDF that cannot be opened without a password ({m})")
        } else {
            format!("not a readable PDF ({m})")
        }
    })?;
    if doc.is_encrypted() {
        return Err("encrypted PDF that cannot be opened without a password".into());
    }
    let page_ids = doc.get_pages();
    crate::limits::check_pages(page_ids.len()).map_err(|e| e.to_string())?;
    // What viewers show of the annotations becomes page content, read like the rest.
    let flattened = annots::flatten(&mut doc);
    let mut pages: Vec<PageScan> = Vec::with_capacity(page_ids.len());
    for &id in page_ids.values() {
        crate::limits::check_time().map_err(|e| e.to_string())?;
        let mut scan = scan_page(&doc, id);
        interp::classify(&mut scan);
        pages.push(scan);
    }
    // A limit reached inside a page (time, decompressed bytes) makes the reading incomplete.
    if let Some(e) = crate::limits::exceeded() {
        return Err(e.to_string());
    }
    let glyphs: Vec<&[interp::Glyph]> = pages.iter().map(|p| p.glyphs.as_slice()).collect();
    let text = layer::build(&glyphs);
    Ok(PdfDoc {
        doc,
        pages,
        text,
        flattened,
    })
}

/// Why a PDF (or one of its pages) cannot be processed with certainty: the categories a
/// report counts and a reviewer acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Review {
    /// A page shows an image (a scan) without a text layer for it: OCR or manual review.
    NoTextLayer,
    /// A font whose text cannot be decoded to Unicode (nor recovered from its font program),
    /// or drawn as graphics (Type3), or written vertically.
    NoUnicode,
    /// Content that cannot be read: a stream that does not decompress, a form drawn too
    /// deeply, a flood of glyphs.
    Unreadable,
    /// A form field holds a value.
    FormField,
}

/// One reason a PDF cannot be processed with certainty.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Page (1-based), or `None` for the whole document.
    pub page: Option<usize>,
    /// Its category.
    pub review: Review,
    /// What is wrong, for the report (English, starting with `page N: ` on a page).
    pub message: String,
}

/// Share of the visible page an image must cover before it is taken to hold text of its own
/// (a scanned letter, a printed e-mail pasted as a picture).
const LARGE_IMAGE: f32 = 0.3;
/// Readable characters over a large image below which the image is the page's content rather
/// than a background under real text.
const TEXT_OVER_IMAGE: usize = 150;

/// Reasons the pages cannot be read with certainty (PDF.md §6.7): problems found by the
/// interpreter, and pages where an image that may hold text covers much of the page without a
/// text layer for it (a scan: OCR is the next step).
pub fn page_problems(pdf: &PdfDoc) -> Vec<Problem> {
    let mut out = document_problems(&pdf.doc);
    for (i, p) in pdf.pages.iter().enumerate() {
        let n = i + 1;
        for problem in &p.problems {
            let review = if problem.starts_with("font ") {
                Review::NoUnicode
            } else {
                Review::Unreadable
            };
            out.push(Problem {
                page: Some(n),
                review,
                message: format!("page {n}: {problem}"),
            });
        }
        let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
        let page_area = p.crop.map(|c| area(&c)).unwrap_or(612.0 * 792.0).max(1.0);
        let scanned = p.images.iter().any(|im| {
            let visible = match p.crop {
                Some(c) => [
                    im.bbox[0].max(c[0]),
                    im.bbox[1].max(c[1]),
                    im.bbox[2].min(c[2]),
                    im.bbox[3].min(c[3]),
                ],
                None => im.bbox,
            };
            if im.stencil || area(&visible) < LARGE_IMAGE * page_area {
                return false;
            }
            let over = |g: &&interp::Glyph| {
                let (cx, cy) = ((g.bbox[0] + g.bbox[2]) / 2.0, (g.bbox[1] + g.bbox[3]) / 2.0);
                g.readable() && g.has_text() && cx > visible[0] && cx < visible[2] && cy > visible[1] && cy < visible[3]
            };
            // An OCR layer over the image stands for its text.
            let ocr = p.glyphs.iter().filter(over).filter(|g| g.ocr).count();
            let shown = p.glyphs.iter().filter(over).count();
            ocr == 0 && shown < TEXT_OVER_IMAGE
        });
        if scanned {
            out.push(Problem {
                page: Some(n),
                review: Review::NoTextLayer,
                message: format!("page {n}: an image without a text layer (a scan?): needs manual review or OCR"),
            });
        }
    }
    out
}

/// Document-level reasons to fail closed: form fields holding values (their appearance would
/// vanish without a box when forms are removed) and optional content switched off (removing
/// the switch would reveal it; keeping it would hide text from review).
fn document_problems(doc: &Document) -> Vec<Problem> {
    let mut out = Vec::new();
    let deref = |o: &lopdf::Object| doc.dereference(o).map(|(_, o)| o.clone()).unwrap_or_else(|_| o.clone());
    let Ok(cat) = doc.catalog() else { return out };
    if let Ok(form) = cat.get(b"AcroForm").map(deref)
        && let Ok(form) = form.as_dict()
        && let Ok(fields) = form.get(b"Fields").map(deref)
        && let Ok(fields) = fields.as_array()
    {
        let mut stack: Vec<lopdf::Object> = fields.iter().map(deref).collect();
        let mut seen = 0;
        while let Some(f) = stack.pop() {
            seen += 1;
            if seen > 10_000 {
                break;
            }
            let Ok(d) = f.as_dict() else { continue };
            if d.get(b"V").is_ok_and(|v| !matches!(deref(v), lopdf::Object::Null)) {
                out.push(Problem {
                    page: None,
                    review: Review::FormField,
                    message: "a form field holds a value: needs manual review".into(),
                });
                break;
            }
            if let Ok(kids) = d.get(b"Kids").map(deref)
                && let Ok(kids) = kids.as_array()
            {
                stack.extend(kids.iter().map(deref));
            }
        }
    }
    out
}
