//! PDF writer (PDF.md §2.8–2.9, §6.5–6.6): removes the glyphs of every redacted span from the
//! content streams, keeping every surviving glyph where it was (a removed glyph becomes a `TJ`
//! adjustment equal to its advance), draws a black box with the ground code in white over each
//! redacted run, strips everything outside the page content that can carry text (metadata,
//! XMP, outlines, attachments, JavaScript, annotations, forms, the structure tree, marked
//! content `/ActualText`), prunes unreferenced objects and saves a fresh file (never an
//! incremental update) with a new deterministic `/ID`.

use crate::detect::Finding;
use crate::source::pdf::interp::{Glyph, StreamRef, page_resources};
use crate::source::pdf::{PdfDoc, afm};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat, dictionary};
use rustc_hash::FxHashMap;
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

/// Redacts `pdf` per the redacted findings (spans in `pdf.text.text`); returns the new file's
/// bytes and the boxes drawn, or why it could not be done.
pub fn redact(
    pdf: &PdfDoc,
    findings: &[Finding],
    seed: &[u8],
    closing: Option<&str>,
) -> Result<(Vec<u8>, Vec<BoxOnPage>), String> {
    let mut doc = pdf.doc.clone();
    let page_ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    // Glyphs to remove per stream and operation, and boxes per page.
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
    // Invisible text (render mode 3 or 7) shows nothing, yet every extractor reads it: it goes,
    // without a box. (An OCR layer over a scan never gets here: it is failed closed.)
    for (page, scan) in pdf.pages.iter().enumerate() {
        for g in scan.glyphs.iter().filter(|g| g.invisible) {
            if !g.tj_advance.is_finite() {
                return Err(format!("page {}: invisible text has font size 0", page + 1));
            }
            add_cut(&mut remove, page, g);
        }
    }
    // Rewrite every affected stream; page streams get a fresh object (copy-on-write).
    for ((page, stream), ops) in &remove {
        let (bytes, id) = match (page, stream) {
            (Some(page), StreamRef::Page(i)) => {
                let contents = pdf.doc.get_page_contents(page_ids[*page]);
                let Some(&id) = contents.get(*i) else {
                    return Err(format!("page {}: content stream {i} not found", page + 1));
                };
                (stream_content(&doc, id)?, id)
            }
            (_, StreamRef::Form(id)) => (stream_content(&doc, *id)?, *id),
            _ => return Err("internal: page stream without its page".into()),
        };
        let content = Content::decode(&bytes).map_err(|e| format!("content stream cannot be parsed again: {e}"))?;
        let new_ops = rewrite_ops(content.operations, ops);
        let encoded = Content { operations: new_ops }
            .encode()
            .map_err(|e| format!("cannot encode content: {e}"))?;
        let mut s = match doc.get_object(id).and_then(|o| o.as_stream()) {
            Ok(s) => s.clone(),
            Err(e) => return Err(format!("content stream {} {}: {e}", id.0, id.1)),
        };
        s.set_plain_content(encoded);
        let _ = s.compress();
        match stream {
            StreamRef::Form(_) => {
                // A form can be drawn on several pages; its text is the same everywhere, so it
                // is redacted in place.
                if let Ok(o) = doc.get_object_mut(id) {
                    *o = Object::Stream(s);
                }
            }
            StreamRef::Page(_) => {
                // A new object, referenced from this page only: another page sharing the
                // stream keeps its own (and gets its own redactions if it shows the same text).
                let new_id = doc.add_object(Object::Stream(s));
                if let Some(page) = page {
                    replace_content_ref(&mut doc, page_ids[*page], id, new_id);
                }
            }
        }
    }
    // Boxes and labels, appended as a new content stream per page.
    let mut by_page: BTreeMap<usize, Vec<&BoxOnPage>> = BTreeMap::new();
    for b in &boxes {
        by_page.entry(b.page).or_default().push(b);
    }
    for (page, list) in by_page {
        let pid = page_ids[page];
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
        // Earlier content may leave the graphics state changed: isolate it with q/Q around it.
        let open = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let close = doc.add_object(Stream::new(Dictionary::new(), format!("Q\n{ops}").into_bytes()));
        if let Ok(page) = doc.get_object_mut(pid).and_then(|o| o.as_dict_mut()) {
            let mut contents: Vec<Object> = match page.get(b"Contents") {
                Ok(Object::Array(a)) => a.clone(),
                Ok(r @ Object::Reference(_)) => vec![r.clone()],
                _ => vec![],
            };
            contents.insert(0, Object::Reference(open));
            contents.push(Object::Reference(close));
            page.set("Contents", Object::Array(contents));
            page.set("Resources", Object::Dictionary(res));
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
    Ok((out, boxes))
}

/// Glyphs to remove, per (page for page streams, stream) and operation.
type Removals = BTreeMap<(Option<usize>, StreamRef), FxHashMap<usize, Vec<Cut>>>;

/// Records that glyph `g` of `page` is to be removed (once).
fn add_cut(remove: &mut Removals, page: usize, g: &Glyph) {
    let a = g.addr;
    // Page streams are keyed with their page: "the first stream" differs per page.
    let key = (matches!(a.stream, StreamRef::Page(_)).then_some(page), a.stream);
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

fn stream_content(doc: &lopdf::Document, id: ObjectId) -> Result<Vec<u8>, String> {
    let s = doc
        .get_object(id)
        .and_then(|o| o.as_stream())
        .map_err(|e| format!("stream {} {}: {e}", id.0, id.1))?;
    if s.dict.get(b"Filter").is_ok() {
        s.decompressed_content_with_limit(64 << 20)
            .map_err(|e| format!("stream {} {}: {e}", id.0, id.1))
    } else {
        Ok(s.content.clone())
    }
}

fn replace_content_ref(doc: &mut lopdf::Document, page: ObjectId, old: ObjectId, new: ObjectId) {
    if let Ok(p) = doc.get_object_mut(page).and_then(|o| o.as_dict_mut()) {
        match p.get_mut(b"Contents") {
            Ok(Object::Reference(r)) if *r == old => *r = new,
            Ok(Object::Array(a)) => {
                for o in a.iter_mut() {
                    if matches!(o, Object::Reference(r) if *r == old) {
                        *o = Object::Reference(new);
                    }
                }
            }
            _ => {}
        }
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

/// Rewrites the operations of one stream: removed codes leave `TJ` adjustments.
fn rewrite_ops(ops: Vec<Operation>, remove: &FxHashMap<usize, Vec<Cut>>) -> Vec<Operation> {
    let mut out = Vec::with_capacity(ops.len() + 8);
    for (i, op) in ops.into_iter().enumerate() {
        let Some(cuts) = remove.get(&i) else {
            out.push(op);
            continue;
        };
        match op.operator.as_str() {
            "TJ" => {
                let items = match op.operands.first() {
                    Some(Object::Array(a)) => a.clone(),
                    _ => vec![],
                };
                let mut new = Vec::new();
                for (elem, item) in items.into_iter().enumerate() {
                    match item {
                        Object::String(s, f) => split_string(&s, f, elem, cuts, &mut new),
                        other => push_num(&mut new, other),
                    }
                }
                out.push(Operation::new("TJ", vec![Object::Array(new)]));
            }
            "Tj" | "'" | "\"" => {
                let (s, f) = match op.operands.last() {
                    Some(Object::String(s, f)) => (s.clone(), *f),
                    _ => {
                        out.push(op);
                        continue;
                    }
                };
                if op.operator == "\"" && op.operands.len() == 3 {
                    out.push(Operation::new("Tw", vec![op.operands[0].clone()]));
                    out.push(Operation::new("Tc", vec![op.operands[1].clone()]));
                }
                if op.operator != "Tj" {
                    out.push(Operation::new("T*", vec![]));
                }
                let mut new = Vec::new();
                split_string(&s, f, 0, cuts, &mut new);
                out.push(Operation::new("TJ", vec![Object::Array(new)]));
            }
            _ => out.push(op),
        }
    }
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
            for key in [&b"ActualText"[..], b"Alt", b"E", b"T", b"TU"] {
                if d.has(b"MCID") || d.has(b"S") && d.has(b"P") {
                    d.remove(key);
                }
            }
        }
    }
    strip_marked_content_text(doc, pages)
}

/// Rewrites `BDC` operators whose properties carry `/ActualText`, `/Alt` or `/E` (text a reader
/// extracts instead of the glyphs) into plain `BMC`.
fn strip_marked_content_text(doc: &mut lopdf::Document, pages: &[ObjectId]) -> Result<(), String> {
    let mut streams: Vec<ObjectId> = pages.iter().flat_map(|&p| doc.get_page_contents(p)).collect();
    streams.extend(doc.objects.iter().filter(|(_, o)| matches!(o, Object::Stream(s) if s.dict.get(b"Subtype").and_then(|x| x.as_name()).ok() == Some(b"Form"))).map(|(id, _)| *id));
    streams.sort();
    streams.dedup();
    for id in streams {
        let Ok(bytes) = stream_content(doc, id) else { continue };
        if !bytes.windows(3).any(|w| w == b"BDC") {
            continue;
        }
        let Ok(content) = Content::decode(&bytes) else { continue };
        let mut changed = false;
        let ops: Vec<Operation> = content
            .operations
            .into_iter()
            .map(|op| {
                if op.operator == "BDC"
                    && let Some(Object::Dictionary(d)) = op.operands.get(1)
                    && (d.has(b"ActualText") || d.has(b"Alt") || d.has(b"E"))
                {
                    changed = true;
                    return Operation::new("BMC", vec![op.operands[0].clone()]);
                }
                op
            })
            .collect();
        if changed {
            let encoded = Content { operations: ops }
                .encode()
                .map_err(|e| format!("cannot encode content: {e}"))?;
            if let Ok(Object::Stream(s)) = doc.get_object_mut(id) {
                s.set_plain_content(encoded);
                let _ = s.compress();
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
