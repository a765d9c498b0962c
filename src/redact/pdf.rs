//! PDF writer (PDF.md §2.8–2.9, §6.5–6.6): removes the glyphs of every redacted span from the
//! content, keeping every surviving glyph where it was (a removed glyph becomes a `TJ`
//! adjustment equal to its advance), removes text a reader cannot see (hidden under a box, off
//! the page, white on white, clipped, tiny, invisible) so extractors cannot read it either,
//! paints the pixels of images under a redaction black, draws a black box with the ground code
//! in white over each redacted run, strips everything outside the page content that can carry
//! text (metadata, XMP, outlines, attachments, JavaScript, annotations, forms, the structure
//! tree, marked content `/ActualText`), prunes unreferenced objects and saves a fresh file
//! (never an incremental update) with a new deterministic `/ID`.
//!
//! Content is edited by splicing: only the operations that change are written anew; every other
//! byte stays as the producer wrote it.

use crate::detect::Finding;
use crate::source::pdf::content::{Lexer, write_op};
use crate::source::pdf::interp::{Glyph, Hidden, StreamRef, form_content, page_content, page_resources};
use crate::source::pdf::{PdfDoc, afm};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat, dictionary};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// Name of the font resource we add for labels; chosen to be unlikely in real files.
const LABEL_FONT: &[u8] = b"WooRedactHelv";

/// One redacted run on a page: its box and ground.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxOnPage {
    /// 0-based page index.
    pub page: usize,
    /// Box in page space: x0, y0, x1, y1.
    pub rect: [f32; 4],
    /// Ground code written in the box.
    pub ground: String,
    /// Direction of the baseline (unit vector), for labels on rotated text.
    pub dir: (f32, f32),
    /// Extent along the baseline (u from, u to) and position across it (v), in the frame
    /// u = p·dir, v = p·perp(dir): the label is written on the removed text's own baseline.
    pub along: (f32, f32, f32),
    /// Font size of the removed text.
    pub size: f32,
}

/// Text a reader could not see, removed from one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HiddenRemoved {
    /// 0-based page index.
    pub page: usize,
    /// Why it was hidden.
    pub kind: Hidden,
    /// Characters removed.
    pub chars: usize,
}

/// What a redaction wrote.
#[derive(Debug, Clone, Default)]
pub struct Redacted {
    /// The new file.
    pub bytes: Vec<u8>,
    /// The boxes drawn.
    pub boxes: Vec<BoxOnPage>,
    /// Hidden text removed, per page and kind.
    pub hidden: Vec<HiddenRemoved>,
    /// Images whose pixels under a box were painted: (0-based page, object).
    pub painted: Vec<(usize, ObjectId)>,
    /// Where painting may have changed pixels beyond a box (a JPEG is painted in whole 16×16
    /// blocks so the black survives compression): (0-based page, area in page space).
    pub painted_areas: Vec<(usize, [f32; 4])>,
}

/// Redacts `pdf` per the redacted findings (spans in `pdf.text.text`); returns the new file's
/// bytes and the boxes drawn, or why it could not be done.
pub fn redact(
    pdf: &PdfDoc,
    findings: &[Finding],
    seed: &[u8],
    closing: Option<&str>,
) -> Result<(Vec<u8>, Vec<BoxOnPage>), String> {
    redact_with(pdf, findings, seed, closing).map(|r| (r.bytes, r.boxes))
}

/// [`redact`], with the hidden text it removed and the images it painted.
pub fn redact_with(pdf: &PdfDoc, findings: &[Finding], seed: &[u8], closing: Option<&str>) -> Result<Redacted, String> {
    let mut doc = pdf.doc.clone();
    let page_ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    // Glyphs to remove per content and operation, and boxes per page.
    let mut remove: Removals = BTreeMap::new();
    let mut boxes: Vec<BoxOnPage> = Vec::new();
    for f in findings.iter().filter(|f| f.redacted()) {
        let mut run: Option<BoxOnPage> = None;
        for (page, gi) in pdf.text.glyphs_in(f.start, f.end) {
            let g: &Glyph = &pdf.pages[page].glyphs[gi];
            if !g.tj_advance.is_finite() {
                return Err(format!("page {}: a redacted glyph has font size 0", page + 1));
            }
            add_cut(&mut remove, page, g);
            // Runs follow the baseline (any direction) and break at line or page changes.
            let (dx, dy) = g.dir;
            let u = g.origin.0 * dx + g.origin.1 * dy;
            let v = -g.origin.0 * dy + g.origin.1 * dx;
            let len = (g.bbox[2] - g.bbox[0]) * dx.abs() + (g.bbox[3] - g.bbox[1]) * dy.abs();
            match &mut run {
                Some(r)
                    if r.page == page
                        && (r.dir.0 - dx).abs() < 0.05
                        && (r.dir.1 - dy).abs() < 0.05
                        && (r.along.2 - v).abs() < 0.5 * g.size.max(1.0)
                        && u >= r.along.0 - g.size =>
                {
                    r.rect = [
                        r.rect[0].min(g.bbox[0]),
                        r.rect[1].min(g.bbox[1]),
                        r.rect[2].max(g.bbox[2]),
                        r.rect[3].max(g.bbox[3]),
                    ];
                    r.along.1 = r.along.1.max(u + len);
                }
                _ => {
                    if let Some(r) = run.take() {
                        boxes.push(r);
                    }
                    run = Some(BoxOnPage {
                        page,
                        rect: g.bbox,
                        ground: f.ground.to_string(),
                        dir: g.dir,
                        along: (u, u + len, v),
                        size: g.size,
                    });
                }
            }
        }
        if let Some(r) = run {
            boxes.push(r);
        }
    }
    // Text a reader cannot see is read by every extractor: it goes, without a box. A glyph of
    // a form drawn in several places goes only when it is hidden in every one of them.
    let mut shown_in_forms: FxHashSet<(StreamRef, usize, usize, usize)> = FxHashSet::default();
    for scan in &pdf.pages {
        for g in scan.glyphs.iter().filter(|g| g.hidden.is_none()) {
            if matches!(g.addr.stream, StreamRef::Form(_)) {
                shown_in_forms.insert((g.addr.stream, g.addr.op, g.addr.elem, g.addr.byte));
            }
        }
    }
    let mut hidden: BTreeMap<(usize, Hidden), usize> = BTreeMap::new();
    for (page, scan) in pdf.pages.iter().enumerate() {
        for g in &scan.glyphs {
            let Some(kind) = g.hidden else { continue };
            let a = g.addr;
            if shown_in_forms.contains(&(a.stream, a.op, a.elem, a.byte)) {
                continue;
            }
            if !g.tj_advance.is_finite() {
                // Size 0: it advances nothing, so it can go with a zero adjustment.
                add_cut(
                    &mut remove,
                    page,
                    &Glyph {
                        tj_advance: 0.0,
                        ..g.clone()
                    },
                );
            } else {
                add_cut(&mut remove, page, g);
            }
            if g.has_text() {
                *hidden.entry((page, kind)).or_default() += g.text.as_deref().map_or(0, |t| t.chars().count());
            }
        }
    }
    // Shows without a font draw nothing in a viewer; their bytes go. So does the painting of
    // hidden layers (the switch that hid it goes with the catalog).
    let mut drop_ops: BTreeMap<(Option<usize>, StreamRef), FxHashSet<usize>> = BTreeMap::new();
    for (page, scan) in pdf.pages.iter().enumerate() {
        for &(stream, op) in scan.fontless.iter().chain(&scan.off_ops) {
            let key = (matches!(stream, StreamRef::Page).then_some(page), stream);
            drop_ops.entry(key).or_default().insert(op);
        }
    }
    // Images under a box: their pixels there are painted black.
    let (painted, painted_areas) = paint_images(&mut doc, pdf, &boxes)?;
    // Rewrite every affected content. Page content becomes one new stream (copy-on-write);
    // a form is redacted in place (its text is the same wherever it is drawn).
    let mut keys: Vec<(Option<usize>, StreamRef)> = remove.keys().copied().collect();
    keys.extend(drop_ops.keys().copied());
    keys.extend(marked_content_to_strip(pdf, &page_ids));
    keys.sort();
    keys.dedup();
    let empty_cuts = FxHashMap::default();
    let empty_drops = FxHashSet::default();
    let mut new_page_content: FxHashMap<usize, Vec<u8>> = FxHashMap::default();
    for key in keys {
        let cuts = remove.get(&key).unwrap_or(&empty_cuts);
        let drops = drop_ops.get(&key).unwrap_or(&empty_drops);
        match key {
            (Some(page), StreamRef::Page) => {
                let bytes = page_content(&pdf.doc, page_ids[page])
                    .map_err(|id| format!("page {}: content stream {} {} cannot be read", page + 1, id.0, id.1))?;
                new_page_content.insert(page, splice(&bytes, cuts, drops));
            }
            (_, StreamRef::Form(id)) => {
                let bytes = form_content(&pdf.doc, id)
                    .ok_or_else(|| format!("Form XObject {} {} cannot be read", id.0, id.1))?;
                let new = splice(&bytes, cuts, drops);
                let mut s = match doc.get_object(id).and_then(|o| o.as_stream()) {
                    Ok(s) => s.clone(),
                    Err(e) => return Err(format!("Form XObject {} {}: {e}", id.0, id.1)),
                };
                s.set_plain_content(new);
                let _ = s.compress();
                if let Ok(o) = doc.get_object_mut(id) {
                    *o = Object::Stream(s);
                }
            }
            (None, StreamRef::Page) => return Err("internal: page content without its page".into()),
        }
    }
    // Per page: its content (new or as it was), wrapped in q … Q balanced against the page's
    // own stray and unclosed q/Q, then the boxes and labels.
    let mut by_page: BTreeMap<usize, Vec<&BoxOnPage>> = BTreeMap::new();
    for b in &boxes {
        by_page.entry(b.page).or_default().push(b);
    }
    let mut touched: Vec<usize> = by_page
        .keys()
        .copied()
        .chain(new_page_content.keys().copied())
        .collect();
    touched.sort();
    touched.dedup();
    for page in touched {
        let pid = page_ids[page];
        let scan = &pdf.pages[page];
        let list = by_page.get(&page).map(Vec::as_slice).unwrap_or(&[]);
        let mut contents: Vec<Object> = match new_page_content.remove(&page) {
            Some(bytes) => {
                let mut s = Stream::new(Dictionary::new(), bytes);
                let _ = s.compress();
                vec![Object::Reference(doc.add_object(s))]
            }
            None => pdf
                .doc
                .get_page_contents(pid)
                .into_iter()
                .map(Object::Reference)
                .collect(),
        };
        if list.is_empty() && scan.stray_q == 0 {
            set_contents(&mut doc, pid, contents);
            continue;
        }
        let open = "q\n".repeat(1 + scan.stray_q);
        let mut close = "Q\n".repeat(1 + scan.open_q);
        if !list.is_empty() {
            close.push_str(&box_ops(list));
        }
        contents.insert(
            0,
            Object::Reference(doc.add_object(Stream::new(Dictionary::new(), open.into_bytes()))),
        );
        contents.push(Object::Reference(
            doc.add_object(Stream::new(Dictionary::new(), close.into_bytes())),
        ));
        set_contents(&mut doc, pid, contents);
        if !list.is_empty() {
            let mut res = page_resources(&pdf.doc, pid);
            let mut fonts = match res.get(b"Font") {
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            let helv = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
            });
            fonts.set(LABEL_FONT.to_vec(), Object::Reference(helv));
            res.set("Font", Object::Dictionary(fonts));
            if let Ok(page) = doc.get_object_mut(pid).and_then(|o| o.as_dict_mut()) {
                page.set("Resources", Object::Dictionary(res));
            }
        }
    }
    sanitize(&mut doc, &page_ids)?;
    if let Some(text) = closing {
        append_text_pages(&mut doc, text)?;
    }
    let id_bytes = fnv128(seed);
    doc.trailer = dictionary! {
        "Root" => doc.trailer.get(b"Root").cloned().unwrap_or(Object::Null),
        "ID" => vec![Object::String(id_bytes.to_vec(), StringFormat::Hexadecimal), Object::String(id_bytes.to_vec(), StringFormat::Hexadecimal)],
    };
    doc.prune_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| format!("cannot write the PDF: {e}"))?;
    Ok(Redacted {
        bytes: out,
        boxes,
        hidden: hidden
            .into_iter()
            .map(|((page, kind), chars)| HiddenRemoved { page, kind, chars })
            .collect(),
        painted,
        painted_areas,
    })
}

/// Sets a page's `/Contents` (an array of stream references, written directly on the page).
fn set_contents(doc: &mut lopdf::Document, page: ObjectId, contents: Vec<Object>) {
    if let Ok(p) = doc.get_object_mut(page).and_then(|o| o.as_dict_mut()) {
        p.set("Contents", Object::Array(contents));
    }
}

/// The operators drawing the boxes and their labels.
fn box_ops(list: &[&BoxOnPage]) -> String {
    let mut ops = String::from("q\n");
    for b in list {
        let [x0, y0, x1, y1] = b.rect;
        let (w, h) = (x1 - x0, y1 - y0);
        ops.push_str(&format!("0 g {x0:.2} {y0:.2} {w:.2} {h:.2} re f\n"));
        let label_w: f32 = b.ground.chars().map(|c| win_ansi(c).1 / 1000.0).sum();
        // On the removed text's baseline, along its direction, at its size, stretched or
        // squeezed (Tz) to the run's length: extractors measure gaps between glyphs, and a
        // label narrower than the text it replaces would leave a gap they read as a column
        // break, scrambling the reading order of the line.
        let (dx, dy) = b.dir;
        let (u0, u1, v) = b.along;
        let length = (u1 - u0).max(1.0);
        let thickness = (w * dy.abs() + h * dx.abs()).max(1.0);
        let size = b.size.min(thickness).max(1.5);
        let scale = ((length - 0.5) / (label_w * size).max(0.01) * 100.0).clamp(20.0, 500.0);
        let (ox, oy) = (u0 * dx - v * dy + 0.25 * dx, u0 * dy + v * dx + 0.25 * dy);
        ops.push_str(&format!(
            "1 g BT /{} {size:.2} Tf {scale:.1} Tz {dx:.4} {dy:.4} {:.4} {dx:.4} {ox:.2} {oy:.2} Tm ({}) Tj ET\n",
            String::from_utf8_lossy(LABEL_FONT),
            -dy,
            b.ground
        ));
    }
    ops.push_str("Q\n");
    ops
}

/// Paints, in every image drawn under a box, the part under the box black (the painter
/// decodes, paints and re-encodes). Returns the images painted.
type PaintedImages = (Vec<(usize, ObjectId)>, Vec<(usize, [f32; 4])>);

fn paint_images(doc: &mut lopdf::Document, pdf: &PdfDoc, boxes: &[BoxOnPage]) -> Result<PaintedImages, String> {
    // Regions per image, in the image's unit square.
    let mut regions: BTreeMap<ObjectId, (usize, Vec<[f32; 4]>)> = BTreeMap::new();
    let mut areas = Vec::new();
    for b in boxes {
        let scan = &pdf.pages[b.page];
        for im in &scan.images {
            let r = b.rect;
            let i = im.bbox;
            if !(i[0] < r[2] && r[0] < i[2] && i[1] < r[3] && r[1] < i[3]) {
                continue;
            }
            let Some(id) = im.xobject else {
                return Err(format!(
                    "page {}: an inline image lies under text to redact (its pixels cannot be painted yet)",
                    b.page + 1
                ));
            };
            if let Some(u) = crate::redact::image::region_in_image(&im.ctm, r)
                && u[2] > u[0]
                && u[3] > u[1]
            {
                regions.entry(id).or_insert((b.page, Vec::new())).1.push(u);
                // Seventeen samples around the box: a JPEG block and the margin.
                let dims = |k: &[u8]| {
                    pdf.doc
                        .get_object(id)
                        .and_then(|o| o.as_stream())
                        .and_then(|s| s.dict.get(k).and_then(|w| w.as_i64()))
                        .unwrap_or(1)
                        .max(1) as f32
                };
                let (sx, sy) = ((i[2] - i[0]) / dims(b"Width"), (i[3] - i[1]) / dims(b"Height"));
                areas.push((
                    b.page,
                    [r[0] - 17.0 * sx, r[1] - 17.0 * sy, r[2] + 17.0 * sx, r[3] + 17.0 * sy],
                ));
            }
        }
    }
    let mut done = Vec::new();
    for (id, (page, rects)) in regions {
        let Ok(stream) = pdf.doc.get_object(id).and_then(|o| o.as_stream()) else {
            continue;
        };
        let p = crate::redact::image::paint(&pdf.doc, stream, &rects).map_err(|e| {
            format!(
                "page {}: an image under text to redact cannot be painted ({e}): needs manual review",
                page + 1
            )
        })?;
        let mut image = p.image;
        for (key, new) in [(&b"SMask"[..], p.smask), (b"Mask", p.mask)] {
            if let Some(m) = new {
                let mid = doc.add_object(m);
                image.dict.set(key.to_vec(), Object::Reference(mid));
            }
        }
        if let Ok(o) = doc.get_object_mut(id) {
            *o = Object::Stream(image);
        }
        done.push((page, id));
    }
    Ok((done, areas))
}

/// Glyphs to remove, per (page for page content, content) and operation.
type Removals = BTreeMap<(Option<usize>, StreamRef), FxHashMap<usize, Vec<Cut>>>;

/// Records that glyph `g` of `page` is to be removed (once).
fn add_cut(remove: &mut Removals, page: usize, g: &Glyph) {
    let a = g.addr;
    // Page content is keyed with its page; forms are shared.
    let key = (matches!(a.stream, StreamRef::Page).then_some(page), a.stream);
    let cuts = remove.entry(key).or_default().entry(a.op).or_default();
    if !cuts.iter().any(|c| c.elem == a.elem && c.byte == a.byte) {
        cuts.push(Cut {
            elem: a.elem,
            byte: a.byte,
            len: a.len as usize,
            advance: g.tj_advance,
        });
    }
}

/// One code to remove: where it is and how far it advanced.
#[derive(Debug, Clone, Copy)]
struct Cut {
    elem: usize,
    byte: usize,
    len: usize,
    advance: f32,
}

/// Contents (page or form) holding marked content whose properties carry text a reader
/// extracts instead of the glyphs (`/ActualText`, `/Alt`, `/E`): rewritten to plain `BMC`.
fn marked_content_to_strip(pdf: &PdfDoc, page_ids: &[ObjectId]) -> Vec<(Option<usize>, StreamRef)> {
    let mut out = Vec::new();
    let carries = |bytes: &[u8]| {
        bytes.windows(3).any(|w| w == b"BDC") && Lexer::new(bytes).any(|op| strip_bdc(&op.operands, op.operator))
    };
    for (i, &pid) in page_ids.iter().enumerate() {
        if let Ok(b) = page_content(&pdf.doc, pid)
            && carries(&b)
        {
            out.push((Some(i), StreamRef::Page));
        }
    }
    for (id, o) in &pdf.doc.objects {
        if let Object::Stream(s) = o
            && s.dict.get(b"Subtype").and_then(|x| x.as_name()).ok() == Some(b"Form")
            && let Some(b) = form_content(&pdf.doc, *id)
            && carries(&b)
        {
            out.push((None, StreamRef::Form(*id)));
        }
    }
    out
}

/// Is this a `BDC` whose inline property list carries replacement text?
fn strip_bdc(operands: &[Object], operator: &[u8]) -> bool {
    operator == b"BDC"
        && matches!(operands.get(1), Some(Object::Dictionary(d)) if d.has(b"ActualText") || d.has(b"Alt") || d.has(b"E"))
}

/// Writes `bytes` again with the cut glyphs replaced by adjustments, the dropped operations
/// left out, and replacement text stripped from marked content; every other byte as it was.
fn splice(bytes: &[u8], cuts: &FxHashMap<usize, Vec<Cut>>, drops: &FxHashSet<usize>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut copied = 0;
    for (i, op) in Lexer::new(bytes).enumerate() {
        let replacement: Option<Vec<u8>> = if drops.contains(&i) {
            // A path is still ended, unpainted, so the next painting does not pick it up.
            let paints_path = matches!(
                op.operator,
                b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" | b"S" | b"s"
            );
            Some(if paints_path { b"n".to_vec() } else { Vec::new() })
        } else if let Some(c) = cuts.get(&i) {
            Some(rewrite_show(&op.operands, op.operator, c))
        } else if strip_bdc(&op.operands, op.operator) {
            let mut v = Vec::new();
            write_op(&mut v, &op.operands[..1], "BMC");
            Some(v)
        } else {
            None
        };
        if let Some(r) = replacement {
            out.extend_from_slice(&bytes[copied..op.start]);
            out.extend_from_slice(&r);
            // Keep a separator: the next token must not run into what we wrote.
            out.push(b' ');
            copied = op.end;
        }
    }
    out.extend_from_slice(&bytes[copied..]);
    out
}

/// A show operation with its cut codes replaced by adjustments (`Tj`, `'` and `"` become
/// `TJ`, keeping their other effects).
fn rewrite_show(operands: &[Object], operator: &[u8], cuts: &[Cut]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut items: Vec<Object> = Vec::new();
    match operator {
        b"TJ" => {
            if let Some(Object::Array(a)) = operands.first() {
                for (elem, item) in a.iter().enumerate() {
                    match item {
                        Object::String(s, f) => split_string(s, *f, elem, cuts, &mut items),
                        other => push_num(&mut items, other.clone()),
                    }
                }
            }
        }
        _ => {
            let Some(Object::String(s, f)) = operands.last() else {
                // Nothing to show: written back as it was.
                write_op(&mut out, operands, std::str::from_utf8(operator).unwrap_or("n"));
                return out;
            };
            if operator == b"\"" && operands.len() == 3 {
                write_op(&mut out, &operands[..1], "Tw");
                write_op(&mut out, &operands[1..2], "Tc");
            }
            if operator != b"Tj" {
                write_op(&mut out, &[], "T*");
            }
            split_string(s, *f, 0, cuts, &mut items);
        }
    }
    // Never an empty array: some readers reject `[] TJ`.
    if items.is_empty() {
        items.push(Object::Integer(0));
    }
    write_op(&mut out, &[Object::Array(items)], "TJ");
    out
}

/// Splits one string into kept pieces and, for each removed code, an adjustment of exactly its
/// advance, so what follows stays where it was.
fn split_string(s: &[u8], format: StringFormat, elem: usize, cuts: &[Cut], out: &mut Vec<Object>) {
    let mut here: Vec<&Cut> = cuts.iter().filter(|c| c.elem == elem).collect();
    here.sort_by_key(|c| c.byte);
    let mut kept: Vec<u8> = Vec::new();
    let mut i = 0;
    let mut k = 0;
    while i < s.len() {
        while k < here.len() && here[k].byte < i {
            k += 1;
        }
        if k < here.len() && here[k].byte == i {
            if !kept.is_empty() {
                out.push(Object::String(std::mem::take(&mut kept), format));
            }
            push_num(out, Object::Real(-here[k].advance));
            i += here[k].len.max(1);
            k += 1;
        } else {
            kept.push(s[i]);
            i += 1;
        }
    }
    if !kept.is_empty() {
        out.push(Object::String(kept, format));
    }
}

/// Appends a number, merging it with a number just before.
fn push_num(out: &mut Vec<Object>, n: Object) {
    let v = match n {
        Object::Integer(i) => i as f32,
        Object::Real(r) => r,
        other => {
            out.push(other);
            return;
        }
    };
    let v = if v.is_finite() { v } else { 0.0 };
    if let Some(last) = out.last_mut() {
        match last {
            Object::Integer(i) => {
                *last = Object::Real(*i as f32 + v);
                return;
            }
            Object::Real(r) => {
                *r += v;
                return;
            }
            _ => {}
        }
    }
    out.push(Object::Real(v));
}

/// Removes everything outside page content that can carry text (PDF.md §6.6).
fn sanitize(doc: &mut lopdf::Document, pages: &[ObjectId]) -> Result<(), String> {
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(|o| o.as_reference())
        .map_err(|_| "no document catalog".to_string())?;
    // Whitelists, not blacklists: a key we do not know (PDF 2.0's /AF, a vendor's private
    // dictionary) may carry text or files, so only what a page needs to be drawn survives.
    if let Ok(cat) = doc.get_object_mut(root).and_then(|o| o.as_dict_mut()) {
        const CATALOG_KEEP: [&[u8]; 7] = [
            b"Type",
            b"Pages",
            b"Version",
            b"PageLayout",
            b"PageMode",
            b"ViewerPreferences",
            b"Lang",
        ];
        let drop: Vec<Vec<u8>> = cat
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !CATALOG_KEEP.contains(&k.as_slice()))
            .collect();
        for k in drop {
            cat.remove(&k);
        }
    }
    const PAGE_KEEP: [&[u8]; 15] = [
        b"Type",
        b"Parent",
        b"Kids",
        b"Count",
        b"Resources",
        b"MediaBox",
        b"CropBox",
        b"BleedBox",
        b"TrimBox",
        b"ArtBox",
        b"Contents",
        b"Rotate",
        b"UserUnit",
        b"Group",
        b"Tabs",
    ];
    let mut tree: Vec<ObjectId> = pages.to_vec();
    // The page tree's inner nodes too: they can carry inherited keys.
    for &p in pages {
        let mut id = p;
        for _ in 0..64 {
            match doc
                .get_dictionary(id)
                .ok()
                .and_then(|d| d.get(b"Parent").ok()?.as_reference().ok())
            {
                Some(parent) if !tree.contains(&parent) => {
                    tree.push(parent);
                    id = parent;
                }
                _ => break,
            }
        }
    }
    for id in tree {
        if let Ok(page) = doc.get_object_mut(id).and_then(|o| o.as_dict_mut()) {
            let drop: Vec<Vec<u8>> = page
                .iter()
                .map(|(k, _)| k.clone())
                .filter(|k| !PAGE_KEEP.contains(&k.as_slice()))
                .collect();
            for k in drop {
                page.remove(&k);
            }
        }
    }
    // XMP on every object, and marked-content text replacements in every content stream.
    let ids: Vec<ObjectId> = doc.objects.keys().copied().collect();
    for id in ids {
        if let Some(Object::Stream(s)) = doc.objects.get_mut(&id) {
            s.dict.remove(b"Metadata");
            s.dict.remove(b"PieceInfo");
            s.dict.remove(b"AF");
        }
        if let Some(Object::Dictionary(d)) = doc.objects.get_mut(&id) {
            d.remove(b"Metadata");
            d.remove(b"AF");
            // Replacement text is read instead of the glyphs wherever it is (a property list
            // named from a content stream, a structure element): it never stays.
            d.remove(b"ActualText");
            // An optional-content group outlives the catalog's /OCProperties when content
            // still names it; its name and creator info are free text (a layer called after a
            // person, the author's software): neutral name, no usage dictionary.
            if d.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|t| t == b"OCG") {
                d.remove(b"Usage");
                d.set("Name", Object::string_literal("Laag"));
            }
            for key in [&b"Alt"[..], b"E", b"T", b"TU"] {
                if d.has(b"MCID") || d.has(b"S") && d.has(b"P") {
                    d.remove(key);
                }
            }
        }
    }
    Ok(())
}

/// WinAnsi code and Helvetica width (1/1000 em) of a character; `?` for anything else.
fn win_ansi(c: char) -> (u8, f32) {
    use crate::source::pdf::encoding::{BaseEncoding, glyph_to_unicode};
    for code in 32..=255u8 {
        if let Some(name) = BaseEncoding::WinAnsi.glyph_name(code)
            && glyph_to_unicode(name).is_some_and(|u| u.chars().eq(std::iter::once(c)))
        {
            return (code, afm::std14_width("Helvetica", name).unwrap_or(556) as f32);
        }
    }
    (b'?', 556.0)
}

/// Appends pages with `text` (Markdown-ish: `#` headings, blank lines between paragraphs) set
/// in Helvetica: the section-5 justification closing a published PDF.
fn append_text_pages(doc: &mut lopdf::Document, text: &str) -> Result<(), String> {
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(|o| o.as_reference())
        .map_err(|_| "no catalog".to_string())?;
    let pages_id = doc
        .get_dictionary(root)
        .and_then(|c| c.get(b"Pages"))
        .and_then(|o| o.as_reference())
        .map_err(|_| "no page tree".to_string())?;
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    // Lay out lines of at most the text width (A4, 56 pt margins).
    let (width, top, bottom) = (595.0 - 2.0 * 56.0, 842.0 - 56.0, 56.0);
    let mut lines: Vec<(f32, Vec<u8>)> = Vec::new();
    for para in text.split("\n\n") {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        let (size, body) = match para.trim_start_matches('#') {
            b if b.len() < para.len() => (12.0, b.trim()),
            _ => (10.0, para),
        };
        let mut line: Vec<u8> = Vec::new();
        let mut used = 0.0;
        for word in body.replace('`', "").split_whitespace() {
            let enc: Vec<(u8, f32)> = word.chars().map(win_ansi).collect();
            let w: f32 = enc.iter().map(|e| e.1).sum::<f32>() * size / 1000.0;
            let space = 278.0 * size / 1000.0;
            if !line.is_empty() && used + space + w > width {
                lines.push((size, std::mem::take(&mut line)));
                used = 0.0;
            }
            if !line.is_empty() {
                line.push(b' ');
                used += space;
            }
            line.extend(enc.iter().map(|e| e.0));
            used += w;
        }
        lines.push((size, line));
        lines.push((size, Vec::new()));
    }
    let mut kids_added = Vec::new();
    let mut rest = &lines[..];
    while !rest.is_empty() {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Td", vec![56.into(), top.into()]),
        ];
        let mut y = top;
        let mut n = 0;
        for (size, bytes) in rest {
            let lead = size * 1.35;
            if y - lead < bottom && n > 0 {
                break;
            }
            ops.push(Operation::new(
                "Tf",
                vec![Object::Name(LABEL_FONT.to_vec()), (*size).into()],
            ));
            ops.push(Operation::new("Td", vec![0.into(), (-lead).into()]));
            ops.push(Operation::new(
                "Tj",
                vec![Object::String(bytes.clone(), StringFormat::Literal)],
            ));
            y -= lead;
            n += 1;
        }
        rest = &rest[n..];
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops }
            .encode()
            .map_err(|e| format!("cannot encode the justification page: {e}"))?;
        let c = doc.add_object(Stream::new(Dictionary::new(), content));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => c,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! {"Font" => dictionary! {LABEL_FONT.to_vec() => font}},
        });
        kids_added.push(page);
    }
    let pages = doc
        .get_object_mut(pages_id)
        .and_then(|o| o.as_dict_mut())
        .map_err(|_| "no page tree".to_string())?;
    let mut kids = pages
        .get(b"Kids")
        .and_then(|k| k.as_array())
        .cloned()
        .unwrap_or_default();
    kids.extend(kids_added.iter().map(|&p| Object::Reference(p)));
    let count = pages.get(b"Count").and_then(|c| c.as_i64()).unwrap_or(0) + kids_added.len() as i64;
    pages.set("Kids", Object::Array(kids));
    pages.set("Count", count);
    Ok(())
}

/// A deterministic 16-byte file identifier from `seed` (FNV-1a, two lanes).
fn fnv128(seed: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (lane, chunk) in out.chunks_mut(8).enumerate() {
        let mut h: u64 = 0xcbf29ce484222325 ^ (lane as u64 + 1).wrapping_mul(0x9E3779B97F4A7C15);
        for &b in seed {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        chunk.copy_from_slice(&h.to_be_bytes());
    }
    out
}
