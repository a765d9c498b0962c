//! PDF reading: our own font model and content interpreter over lopdf's object layer, giving
//! glyph records and a text layer that maps back to them (PDF.md). Redaction of PDFs builds on
//! this; until it exists the batch fails PDFs closed.

pub mod afm;
pub mod cmap;
pub mod encoding;
pub mod font;
pub mod fontprog;
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
}

/// Loads and interprets a PDF, or says why it cannot be read. Within a [`crate::limits::Budget`]
/// a document over a limit (pages, time, decompressed bytes) is refused with the limit named.
pub fn load(bytes: &[u8]) -> Result<PdfDoc, String> {
    let opts = lopdf::LoadOptions {
        max_decompressed_size: Some(crate::limits::decompress_allowance(MAX_DECOMPRESSED)),
        ..Default::default()
    };
    let doc = Document::load_mem_with_options(bytes, opts).map_err(|e| {
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
    let mut pages: Vec<PageScan> = Vec::with_capacity(page_ids.len());
    for &id in page_ids.values() {
        crate::limits::check_time().map_err(|e| e.to_string())?;
        pages.push(scan_page(&doc, id));
    }
    // A limit reached inside a page (time, decompressed bytes) makes the reading incomplete.
    if let Some(e) = crate::limits::exceeded() {
        return Err(e.to_string());
    }
    let glyphs: Vec<Vec<interp::Glyph>> = pages.iter().map(|p| p.glyphs.clone()).collect();
    let text = layer::build(&glyphs);
    Ok(PdfDoc { doc, pages, text })
}

/// Reasons the pages cannot be read with certainty, each with its page number (PDF.md §6.7):
/// problems found by the interpreter, pages that show images but no text (scans), and
/// invisible text over an image (an OCR layer, which may not match what is visible).
pub fn page_problems(pdf: &PdfDoc) -> Vec<String> {
    let mut out = document_problems(&pdf.doc);
    for (i, p) in pdf.pages.iter().enumerate() {
        let n = i + 1;
        for problem in &p.problems {
            out.push(format!("page {n}: {problem}"));
        }
        if !p.images.is_empty()
            && p.glyphs
                .iter()
                .all(|g| g.invisible || g.text.as_deref().is_none_or(|t| t.trim().is_empty()))
        {
            out.push(format!(
                "page {n}: an image without a text layer (a scan?): needs manual review or OCR"
            ));
        }
        let ocr = p.glyphs.iter().any(|g| {
            g.invisible
                && p.images
                    .iter()
                    .any(|im| im[0] < g.bbox[2] && g.bbox[0] < im[2] && im[1] < g.bbox[3] && g.bbox[1] < im[3])
        });
        if ocr {
            out.push(format!(
                "page {n}: invisible text over an image (an OCR layer): needs manual review"
            ));
        }
    }
    out
}

/// Text that a filled shape drawn later covers (at least half of each glyph's box): still in
/// the file, hidden only to the eye. Per fill (index into `fills`), the glyphs it covers.
pub fn text_under_fills(page: &PageScan) -> Vec<(usize, Vec<usize>)> {
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let mut out = Vec::new();
    for (fi, fill) in page.fills.iter().enumerate() {
        let r = &fill.rect;
        let covered: Vec<usize> = page.glyphs[..fill.after_glyphs.min(page.glyphs.len())]
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                let b = &g.bbox;
                let inter = area(&[b[0].max(r[0]), b[1].max(r[1]), b[2].min(r[2]), b[3].min(r[3])]);
                !g.invisible && g.text.as_deref().is_some_and(|t| !t.trim().is_empty()) && inter >= 0.5 * area(b)
            })
            .map(|(i, _)| i)
            .collect();
        if !covered.is_empty() {
            out.push((fi, covered));
        }
    }
    out
}

/// Document-level reasons to fail closed: form fields holding values (their appearance would
/// vanish without a box when forms are removed) and optional content switched off (removing
/// the switch would reveal it; keeping it would hide text from review).
fn document_problems(doc: &Document) -> Vec<String> {
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
                out.push("a form field holds a value: needs manual review".to_string());
                break;
            }
            if let Ok(kids) = d.get(b"Kids").map(deref)
                && let Ok(kids) = kids.as_array()
            {
                stack.extend(kids.iter().map(deref));
            }
        }
    }
    if let Ok(oc) = cat.get(b"OCProperties").map(deref)
        && let Ok(oc) = oc.as_dict()
        && let Ok(d) = oc.get(b"D").map(deref)
        && let Ok(d) = d.as_dict()
        && d.get(b"OFF")
            .map(deref)
            .is_ok_and(|o| o.as_array().is_ok_and(|a| !a.is_empty()))
    {
        out.push("optional content is switched off (hidden layers may hold text): needs manual review".to_string());
    }
    out
}
