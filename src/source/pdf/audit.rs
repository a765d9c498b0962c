//! The object-level audit of a PDF: everything a reader cannot see but an extractor can (text
//! under a box, invisible, white, off-page, clipped or tiny text), text outside the pages
//! (document information, XMP, bookmarks, annotations, attachments, JavaScript, form values,
//! replacement text), earlier revisions and orphaned objects, and the dark boxes of earlier
//! redactions with the label next to each. It returns typed [`Hazard`]s: the CI gate maps
//! them to issues, the verifier refuses an output that holds any. It may use the rest of
//! `source::pdf` and `text::fold`; it knows nothing of rules, detection or reports (whether a
//! text is personal data is a callback).

use super::PdfDoc;
use super::content::Lexer;
use super::encoding::decode_text_string;
use super::font::stream_bytes;
use super::interp::{Glyph, Hidden, PageScan};
use crate::text::fold::fold_str;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashSet;

/// Decompressed size accepted for one stream while inspecting.
const STREAM_LIMIT: usize = 64 << 20;
/// Objects visited while walking bookmark and field trees (cycles, hostile files).
const WALK_LIMIT: usize = 100_000;

/// What kind of hazard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HazardKind {
    /// Text still in the file under an opaque box drawn over it.
    TextUnderBox,
    /// Text in render mode 3 or 7 that is not an OCR layer over an image, or painted fully
    /// transparent.
    InvisibleText,
    /// White text on a white page.
    WhiteText,
    /// Text placed outside the visible page.
    OffPageText,
    /// Text outside its clipping path.
    ClippedText,
    /// Text smaller than one point.
    TinyText,
    /// The document information dictionary holds an author or personal data.
    DocumentInfo,
    /// XMP metadata names a creator or author.
    XmpMetadata,
    /// A bookmark holds text not shown on any page, or personal data.
    BookmarkText,
    /// An annotation carries text (a comment, an author).
    AnnotationText,
    /// An embedded file.
    Attachment,
    /// JavaScript.
    Javascript,
    /// A form field holds a value.
    FormValue,
    /// `/ActualText`, `/E` or `/Alt` that is not shown on the page.
    ReplacementText,
    /// Earlier revisions (incremental updates).
    EarlierRevision,
    /// An object nothing refers to that holds text.
    OrphanObject,
}

/// One hazard found in a PDF.
#[derive(Debug, Clone)]
pub struct Hazard {
    /// What kind.
    pub kind: HazardKind,
    /// Page (1-based), when it is on one.
    pub page: Option<usize>,
    /// What is wrong, in English, without the text concerned.
    pub message: String,
    /// The text concerned, in clear (callers mask it).
    pub text: Option<String>,
    /// What makes it itself when there is no text (a page, an object), for fingerprints.
    pub key: String,
}

impl Hazard {
    /// A new hazard.
    pub fn new(kind: HazardKind, page: Option<usize>, message: impl Into<String>) -> Hazard {
        Hazard {
            kind,
            page,
            message: message.into(),
            text: None,
            key: page.map(|p| format!("page {p}")).unwrap_or_default(),
        }
    }

    /// With the text concerned.
    pub fn with_text(mut self, text: impl Into<String>) -> Hazard {
        self.text = Some(text.into());
        self
    }

    /// With a fingerprint key.
    pub fn with_key(mut self, key: impl Into<String>) -> Hazard {
        self.key = key.into();
        self
    }
}

/// Audits a loaded PDF. `personal` says whether a piece of text outside the page content holds
/// personal data.
pub fn audit(pdf: &PdfDoc, bytes: &[u8], personal: &dyn Fn(&str) -> bool) -> Vec<Hazard> {
    let mut out = Vec::new();
    for (i, scan) in pdf.pages.iter().enumerate() {
        hidden_text(i + 1, scan, &mut out);
    }
    let page_ids: Vec<ObjectId> = pdf.doc.get_pages().values().copied().collect();
    let visible = visible_text(pdf);
    let doc = &pdf.doc;
    info(doc, personal, &mut out);
    xmp(doc, &mut out);
    bookmarks(doc, &visible, personal, &mut out);
    annotations(doc, &page_ids, &visible, personal, &mut out);
    attachments_and_scripts(doc, &mut out);
    form_values(doc, &mut out);
    replacement_text(doc, &page_ids, &visible, personal, &mut out);
    revisions(bytes, &mut out);
    orphans(doc, &mut out);
    out
}

/// The painted text of all pages, folded, without white space: what a reader can see.
fn visible_text(pdf: &PdfDoc) -> String {
    let mut s = String::new();
    for p in &pdf.pages {
        for g in p.glyphs.iter().filter(|g| g.readable()) {
            if let Some(t) = &g.text {
                s.push_str(t);
            }
        }
        s.push('\n');
    }
    squash(&s)
}

/// Folded, white space removed: for "is this text shown somewhere" questions.
fn squash(s: &str) -> String {
    fold_str(s).chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_shown_text(visible: &str, s: &str) -> bool {
    let n = squash(s);
    n.is_empty() || visible.contains(&n)
}

/// Joins the text of the given glyphs, with a space where the page moves on by more than a
/// glyph's width (good enough to mask and fingerprint it).
pub fn join(glyphs: &[&Glyph]) -> String {
    let mut s = String::new();
    let mut last: Option<&Glyph> = None;
    for g in glyphs {
        if let Some(l) = last {
            let gap = (g.origin.0 - l.bbox[2]).abs() + (g.origin.1 - l.origin.1).abs();
            if gap > l.size * 0.25 {
                s.push(' ');
            }
        }
        s.push_str(g.text.as_deref().unwrap_or(""));
        last = Some(g);
    }
    s.trim().chars().take(200).collect()
}

/// Text a reader cannot see, per page and kind; text under a box per box.
fn hidden_text(page: usize, scan: &PageScan, out: &mut Vec<Hazard>) {
    let mut by_kind: std::collections::BTreeMap<Hidden, Vec<&Glyph>> = Default::default();
    for g in scan.glyphs.iter().filter(|g| g.has_text()) {
        if let Some(h) = g.hidden {
            by_kind.entry(h).or_default().push(g);
        }
    }
    for (hidden, glyphs) in by_kind {
        let n = glyphs.len();
        let (kind, what, key) = match hidden {
            Hidden::UnderFill(fi) => {
                let dark = scan.fills.get(fi).is_some_and(|f| f.lum < 0.35);
                out.push(
                    Hazard::new(
                        HazardKind::TextUnderBox,
                        Some(page),
                        format!(
                            "page {page}: {n} characters are still in the file under a {} box drawn over them",
                            if dark { "dark" } else { "filled" }
                        ),
                    )
                    .with_text(join(&glyphs))
                    .with_key(format!("page {page} box {fi}")),
                );
                continue;
            }
            Hidden::NotPainted => (HazardKind::InvisibleText, "invisible text (render mode 3 or 7)", ""),
            Hidden::Transparent => (HazardKind::InvisibleText, "fully transparent text", " transparent"),
            Hidden::White => (HazardKind::WhiteText, "white text on a white background", ""),
            Hidden::OffPage => (HazardKind::OffPageText, "text outside the visible page", ""),
            Hidden::Clipped => (HazardKind::ClippedText, "text outside its clipping path", ""),
            Hidden::Tiny => (HazardKind::TinyText, "text smaller than 1 point", ""),
            Hidden::OffLayer => (
                HazardKind::InvisibleText,
                "text in a hidden layer (optional content switched off)",
                " layer",
            ),
        };
        out.push(
            Hazard::new(kind, Some(page), format!("page {page}: {n} characters of {what}"))
                .with_text(join(&glyphs))
                .with_key(format!("page {page}{key}")),
        );
    }
}

/// A dark filled rectangle the size of a line or a few, as redaction tools draw them, and the
/// text that labels it.
#[derive(Debug, Clone)]
pub struct DarkBox {
    /// Page (1-based).
    pub page: usize,
    /// The box in page space.
    pub rect: [f32; 4],
    /// Light text drawn on the box (its label, as redaction tools write it); may be empty.
    pub label: String,
    /// Words right beside the box, nearest first (left, right, just above or below): tools
    /// that print the ground code next to the box.
    pub beside: Vec<String>,
    /// Index of the fill in the page's [`PageScan::fills`].
    pub fill: usize,
    /// Text is still hidden under it.
    pub covers_text: bool,
}

/// The dark boxes of every page with their labels (for the gate's label checks).
pub fn dark_boxes(pdf: &PdfDoc) -> Vec<DarkBox> {
    let mut out = Vec::new();
    for (i, scan) in pdf.pages.iter().enumerate() {
        let page_w = scan.crop.map(|c| c[2] - c[0]);
        for (fi, fill) in scan.fills.iter().enumerate() {
            let r = fill.rect;
            let (w, h) = (r[2] - r[0], r[3] - r[1]);
            // A redaction box: dark, about one to a few lines high, narrower than the page.
            // Bullets, rules and banners are not.
            if fill.lum >= 0.2
                || !fill.opaque
                || !(6.0..=40.0).contains(&h)
                || w < 6.0
                || page_w.is_some_and(|pw| w > 0.9 * pw)
            {
                continue;
            }
            let covers_text = scan
                .glyphs
                .iter()
                .any(|g| g.hidden == Some(Hidden::UnderFill(fi)) && g.has_text());
            let (label, beside) = box_label(scan, fi);
            out.push(DarkBox {
                page: i + 1,
                rect: r,
                label,
                beside,
                fill: fi,
                covers_text,
            });
        }
    }
    out
}

/// The text labelling box `fi`: light glyphs drawn on it, and the words right next to it.
fn box_label(scan: &PageScan, fi: usize) -> (String, Vec<String>) {
    let fill = &scan.fills[fi];
    let r = fill.rect;
    let center = |g: &Glyph| ((g.bbox[0] + g.bbox[2]) / 2.0, (g.bbox[1] + g.bbox[3]) / 2.0);
    let on_top: Vec<&Glyph> = scan.glyphs[fill.after_glyphs.min(scan.glyphs.len())..]
        .iter()
        .filter(|g| {
            let (cx, cy) = center(g);
            // A label stands out from its box: white on black, black on a red box. A label
            // longer than its box is clipped to it; its clipped rest still names the code.
            let on = g.readable() && cx > r[0] && cx < r[2];
            let clipped_on =
                g.hidden == Some(Hidden::Clipped) && g.bbox[0] >= r[0] - 0.5 && g.bbox[0] < r[2] + 3.0 * (r[3] - r[1]);
            (on || clipped_on) && (g.fill - fill.lum).abs() > 0.25 && g.has_text() && cy > r[1] && cy < r[3]
        })
        .collect();
    let label: String = on_top.iter().filter_map(|g| g.text.as_deref()).collect();
    let label = label.trim().to_string();
    // Beside the box: readable glyphs on the same line within about three line heights to the
    // left or right, or on the line just above or below overlapping it horizontally. Words
    // are built from runs of glyphs without a gap, and the nearest word wins.
    let h = r[3] - r[1];
    let near: Vec<&Glyph> = scan
        .glyphs
        .iter()
        .filter(|g| g.readable() && g.has_text())
        .filter(|g| {
            let (cx, cy) = center(g);
            let same_line = cy > r[1] - 0.2 * h && cy < r[3] + 0.2 * h && (cx < r[0] || cx > r[2]);
            let dist_x = if cx < r[0] { r[0] - cx } else { cx - r[2] };
            let stacked = cx > r[0] - h && cx < r[2] + h && (cy < r[1] || cy > r[3]);
            let dist_y = if cy < r[1] { r[1] - cy } else { cy - r[3] };
            (same_line && dist_x < 3.0 * h.max(8.0)) || (stacked && dist_y < 1.5 * h.max(8.0))
        })
        .collect();
    let mut words: Vec<(f32, String)> = Vec::new();
    let mut cur: Vec<&Glyph> = Vec::new();
    let flush = |cur: &mut Vec<&Glyph>, words: &mut Vec<(f32, String)>| {
        if cur.is_empty() {
            return;
        }
        let b = [
            cur.iter().map(|g| g.bbox[0]).fold(f32::MAX, f32::min),
            cur.iter().map(|g| g.bbox[1]).fold(f32::MAX, f32::min),
            cur.iter().map(|g| g.bbox[2]).fold(f32::MIN, f32::max),
            cur.iter().map(|g| g.bbox[3]).fold(f32::MIN, f32::max),
        ];
        let dx = (r[0] - b[2]).max(b[0] - r[2]).max(0.0);
        let dy = (r[1] - b[3]).max(b[1] - r[3]).max(0.0);
        let text: String = cur.iter().filter_map(|g| g.text.as_deref()).collect();
        words.push((dx + dy, text.trim().to_string()));
        cur.clear();
    };
    for g in near {
        let joined = cur.last().is_some_and(|l: &&Glyph| {
            (g.origin.1 - l.origin.1).abs() < 0.3 * l.size.max(1.0)
                && (g.bbox[0] - l.bbox[2]).abs() < 0.25 * l.size.max(1.0)
                && !l.text.as_deref().is_some_and(|t| t.trim().is_empty())
        });
        if !joined {
            flush(&mut cur, &mut words);
        }
        if !g.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
            cur.push(g);
        }
    }
    flush(&mut cur, &mut words);
    words.sort_by(|a, b| a.0.total_cmp(&b.0));
    let beside = words
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    (label, beside)
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn dict_of<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    deref(doc, d.get(key).ok()?).as_dict().ok()
}

fn string_of(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<String> {
    match deref(doc, d.get(key).ok()?) {
        Object::String(s, _) => {
            let t = decode_text_string(s);
            let t = t.trim_matches(|c: char| c.is_whitespace() || c == '\0');
            (!t.is_empty()).then(|| t.to_string())
        }
        _ => None,
    }
}

fn catalog(doc: &Document) -> Option<&Dictionary> {
    doc.catalog().ok()
}

/// Document information: an author always counts; title, subject and keywords when they hold
/// personal data; entries of the producer's own are never harmless, so any other is reported.
fn info(doc: &Document, personal: &dyn Fn(&str) -> bool, out: &mut Vec<Hazard>) {
    let Some(info) = doc
        .trailer
        .get(b"Info")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
    else {
        return;
    };
    for (k, _) in info.iter() {
        let key = String::from_utf8_lossy(k).into_owned();
        let Some(value) = string_of(doc, info, k) else { continue };
        let report = match key.as_str() {
            "Author" => true,
            "Title" | "Subject" | "Keywords" => personal(&value),
            "Creator" | "Producer" | "CreationDate" | "ModDate" | "Trapped" => false,
            _ => true,
        };
        if report {
            out.push(
                Hazard::new(
                    HazardKind::DocumentInfo,
                    None,
                    format!("document information /{key} is filled in"),
                )
                .with_text(value)
                .with_key(key),
            );
        }
    }
}

/// XMP packets naming a creator or author.
fn xmp(doc: &Document, out: &mut Vec<Hazard>) {
    for (id, o) in &doc.objects {
        let Ok(s) = o.as_stream() else { continue };
        let is_xmp = s
            .dict
            .get(b"Type")
            .and_then(|t| t.as_name())
            .is_ok_and(|n| n == b"Metadata")
            || s.dict
                .get(b"Subtype")
                .and_then(|t| t.as_name())
                .is_ok_and(|n| n == b"XML");
        if !is_xmp {
            continue;
        }
        let Some(bytes) = stream_bytes(o, STREAM_LIMIT) else {
            continue;
        };
        let xml = String::from_utf8_lossy(&bytes);
        for tag in [
            "dc:creator",
            "pdf:Author",
            "xmp:Author",
            "photoshop:AuthorsPosition",
            "xmpRights:Owner",
        ] {
            if let Some(v) = xmp_value(&xml, tag) {
                out.push(
                    Hazard::new(
                        HazardKind::XmpMetadata,
                        None,
                        format!("XMP metadata (object {} {}) names a person in {tag}", id.0, id.1),
                    )
                    .with_text(v)
                    .with_key(format!("{tag} {} {}", id.0, id.1)),
                );
            }
        }
    }
}

/// The text of an XMP property, as an element (with `rdf:li` items) or an attribute.
fn xmp_value(xml: &str, tag: &str) -> Option<String> {
    if let Some(start) = xml.find(&format!("<{tag}")) {
        let rest = &xml[start..];
        let end = rest.find(&format!("</{tag}>")).unwrap_or(rest.len());
        let body = &rest[..end];
        let body = &body[body.find('>').map_or(body.len(), |i| i + 1)..];
        let mut text = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    text.push(' ');
                }
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            return Some(t);
        }
    }
    let attr = format!("{tag}=\"");
    let i = xml.find(&attr)? + attr.len();
    let v = xml[i..].split('"').next()?.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Bookmark titles that are not shown on any page, or that hold personal data.
fn bookmarks(doc: &Document, visible: &str, personal: &dyn Fn(&str) -> bool, out: &mut Vec<Hazard>) {
    let Some(outlines) = catalog(doc).and_then(|c| dict_of(doc, c, b"Outlines")) else {
        return;
    };
    let mut stack: Vec<&Dictionary> = dict_of(doc, outlines, b"First").into_iter().collect();
    let mut seen = 0;
    while let Some(item) = stack.pop() {
        seen += 1;
        if seen > WALK_LIMIT {
            break;
        }
        if let Some(title) = string_of(doc, item, b"Title")
            && (!is_shown_text(visible, &title) || personal(&title))
        {
            out.push(
                Hazard::new(
                    HazardKind::BookmarkText,
                    None,
                    "a bookmark holds text that is not shown on any page",
                )
                .with_text(title),
            );
        }
        stack.extend(dict_of(doc, item, b"Next"));
        stack.extend(dict_of(doc, item, b"First"));
    }
}

/// Annotations with text: comments, their authors, rich text; file attachments.
fn annotations(
    doc: &Document,
    pages: &[ObjectId],
    visible: &str,
    personal: &dyn Fn(&str) -> bool,
    out: &mut Vec<Hazard>,
) {
    for (i, &p) in pages.iter().enumerate() {
        let page = i + 1;
        let Ok(d) = doc.get_dictionary(p) else { continue };
        let Some(annots) = d
            .get(b"Annots")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
        else {
            continue;
        };
        for a in annots {
            let Ok(a) = deref(doc, a).as_dict() else { continue };
            let subtype = a
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            if subtype == "FileAttachment" {
                out.push(Hazard::new(
                    HazardKind::Attachment,
                    Some(page),
                    format!("page {page}: a file attachment annotation"),
                ));
                continue;
            }
            if subtype == "Widget" {
                continue;
            }
            for key in [&b"Contents"[..], b"T", b"RC", b"Subj"] {
                // The text a FreeText or stamp shows (flattened into the page when redacted,
                // read as page text by the gate) is not hidden; its author (/T) always counts.
                let shown = |t: &str| key == b"Contents" && is_shown_text(visible, t) && !personal(t);
                if let Some(t) = string_of(doc, a, key)
                    && !shown(&t)
                {
                    out.push(
                        Hazard::new(
                            HazardKind::AnnotationText,
                            Some(page),
                            format!(
                                "page {page}: a {subtype} annotation carries text in /{}",
                                String::from_utf8_lossy(key)
                            ),
                        )
                        .with_text(t),
                    );
                }
            }
        }
    }
}

/// Embedded files and JavaScript anywhere in the file.
fn attachments_and_scripts(doc: &Document, out: &mut Vec<Hazard>) {
    let mut files = 0;
    let mut scripts = 0;
    for o in doc.objects.values() {
        let d = match o {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        let type_is = |n: &[u8]| d.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|t| t == n);
        // Count the files themselves; a file specification is only a label for one.
        if type_is(b"EmbeddedFile") {
            files += 1;
        }
        if d.has(b"JS") || d.get(b"S").and_then(|s| s.as_name()).is_ok_and(|s| s == b"JavaScript") {
            scripts += 1;
        }
    }
    if let Some(names) = catalog(doc).and_then(|c| dict_of(doc, c, b"Names")) {
        if names.has(b"EmbeddedFiles") && files == 0 {
            files += 1;
        }
        if names.has(b"JavaScript") && scripts == 0 {
            scripts += 1;
        }
    }
    if files > 0 {
        out.push(Hazard::new(
            HazardKind::Attachment,
            None,
            format!("the PDF holds {files} embedded file(s)"),
        ));
    }
    if scripts > 0 {
        out.push(Hazard::new(
            HazardKind::Javascript,
            None,
            format!("the PDF holds {scripts} JavaScript action(s)"),
        ));
    }
}

/// Form fields holding values.
fn form_values(doc: &Document, out: &mut Vec<Hazard>) {
    let Some(fields) = catalog(doc)
        .and_then(|c| dict_of(doc, c, b"AcroForm"))
        .and_then(|f| f.get(b"Fields").ok())
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
    else {
        return;
    };
    let mut stack: Vec<&Object> = fields.iter().collect();
    let mut seen = 0;
    while let Some(f) = stack.pop() {
        seen += 1;
        if seen > WALK_LIMIT {
            break;
        }
        let Ok(d) = deref(doc, f).as_dict() else { continue };
        if let Ok(v) = d.get(b"V") {
            let name = string_of(doc, d, b"T").unwrap_or_default();
            let value = match deref(doc, v) {
                Object::String(s, _) => Some(decode_text_string(s)),
                Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
                _ => None,
            };
            if let Some(value) = value.filter(|v| !v.trim().is_empty() && v != "Off") {
                out.push(
                    Hazard::new(HazardKind::FormValue, None, "a form field holds a value")
                        .with_text(value)
                        .with_key(name),
                );
            }
        }
        if let Ok(kids) = d.get(b"Kids").map(|k| deref(doc, k))
            && let Ok(kids) = kids.as_array()
        {
            stack.extend(kids.iter());
        }
    }
}

/// `/ActualText` and `/E` that are not shown on the page, and `/Alt` that holds personal data,
/// in the structure tree and in marked content.
fn replacement_text(
    doc: &Document,
    pages: &[ObjectId],
    visible: &str,
    personal: &dyn Fn(&str) -> bool,
    out: &mut Vec<Hazard>,
) {
    let check = |d: &Dictionary, page: Option<usize>, out: &mut Vec<Hazard>| {
        for key in [&b"ActualText"[..], b"E", b"Alt"] {
            let Some(t) = string_of(doc, d, key) else { continue };
            let leak = if key == b"Alt" {
                personal(&t)
            } else {
                !is_shown_text(visible, &t) || personal(&t)
            };
            if leak {
                let k = String::from_utf8_lossy(key);
                let at = page.map(|p| format!("page {p}: ")).unwrap_or_default();
                out.push(
                    Hazard::new(
                        HazardKind::ReplacementText,
                        page,
                        format!("{at}/{k} holds text that is not shown on the page"),
                    )
                    .with_text(t),
                );
            }
        }
    };
    // Structure elements and other dictionaries.
    for o in doc.objects.values() {
        if let Object::Dictionary(d) = o
            && (d.has(b"ActualText") || d.has(b"E") && d.has(b"S") || d.has(b"Alt"))
        {
            check(d, None, out);
        }
    }
    // Marked content in the page streams and the forms they draw.
    let mut seen_forms: HashSet<ObjectId> = HashSet::new();
    for (i, &p) in pages.iter().enumerate() {
        let res = crate::source::pdf::interp::page_resources(doc, p);
        let mut streams: Vec<(Vec<u8>, Dictionary)> = doc
            .get_page_contents(p)
            .iter()
            .filter_map(|id| doc.get_object(*id).ok().and_then(|o| stream_bytes(o, STREAM_LIMIT)))
            .map(|b| (b, res.clone()))
            .collect();
        if let Some(xo) = res
            .get(b"XObject")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
        {
            for (_, r) in xo.iter() {
                let Ok(id) = r.as_reference() else { continue };
                if !seen_forms.insert(id) {
                    continue;
                }
                if let Ok(s) = doc.get_object(id).and_then(|o| o.as_stream())
                    && s.dict
                        .get(b"Subtype")
                        .and_then(|n| n.as_name())
                        .is_ok_and(|n| n == b"Form")
                    && let Some(b) = stream_bytes(&Object::Stream(s.clone()), STREAM_LIMIT)
                {
                    streams.push((b, res.clone()));
                }
            }
        }
        for (bytes, res) in streams {
            for op in Lexer::new(&bytes).filter(|o| o.operator == b"BDC") {
                match op.operands.get(1) {
                    Some(Object::Dictionary(d)) => check(d, Some(i + 1), out),
                    Some(Object::Name(n)) => {
                        if let Some(d) = dict_of(doc, &res, b"Properties").and_then(|props| dict_of(doc, props, n)) {
                            check(d, Some(i + 1), out);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Earlier revisions: more than one cross-reference section, beyond the two of a linearized
/// file.
fn revisions(bytes: &[u8], out: &mut Vec<Hazard>) {
    let n = bytes.windows(9).filter(|w| w == b"startxref").count();
    let head = &bytes[..bytes.len().min(2048)];
    let linearized = head.windows(11).any(|w| w == b"/Linearized");
    let allowed = if linearized { 2 } else { 1 };
    if n > allowed {
        out.push(
            Hazard::new(
                HazardKind::EarlierRevision,
                None,
                format!(
                    "the file holds {} revisions (incremental updates): an earlier one may keep text that was removed",
                    n - allowed + 1
                ),
            )
            .with_key(format!("{n} startxref")),
        );
    }
}

/// Objects that nothing in the document refers to, but that hold text.
fn orphans(doc: &Document, out: &mut Vec<Hazard>) {
    let mut reached: HashSet<ObjectId> = HashSet::new();
    let mut todo: Vec<&Object> = doc.trailer.iter().map(|(_, v)| v).collect();
    while let Some(o) = todo.pop() {
        match o {
            Object::Reference(id) => {
                if reached.insert(*id)
                    && let Some(t) = doc.objects.get(id)
                {
                    todo.push(t);
                }
            }
            Object::Array(a) => todo.extend(a.iter()),
            Object::Dictionary(d) => todo.extend(d.iter().map(|(_, v)| v)),
            Object::Stream(s) => todo.extend(s.dict.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    for (id, o) in &doc.objects {
        if reached.contains(id) {
            continue;
        }
        let d = match o {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        };
        if d.is_some_and(|d| {
            d.has(b"Linearized")
                || d.get(b"Type")
                    .and_then(|t| t.as_name())
                    .is_ok_and(|t| t == b"ObjStm" || t == b"XRef")
        }) {
            continue;
        }
        if let Some(text) = text_in(o) {
            out.push(
                Hazard::new(
                    HazardKind::OrphanObject,
                    None,
                    format!("object {} {} is not used by the document but holds text", id.0, id.1),
                )
                .with_text(text)
                .with_key(format!("object {} {}", id.0, id.1)),
            );
        }
    }
}

/// Readable text in an object: strings, and the strings a content stream shows.
fn text_in(o: &Object) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut todo = vec![o];
    while let Some(o) = todo.pop() {
        match o {
            Object::String(s, _) => parts.push(decode_text_string(s)),
            Object::Array(a) => todo.extend(a.iter()),
            Object::Dictionary(d) => todo.extend(d.iter().map(|(_, v)| v)),
            Object::Stream(s) => {
                todo.extend(s.dict.iter().map(|(_, v)| v));
                // Only content streams: font programs and images are binary.
                let content_like = s
                    .dict
                    .get(b"Subtype")
                    .and_then(|n| n.as_name())
                    .is_ok_and(|n| n == b"Form")
                    || !(s.dict.has(b"Subtype") || s.dict.has(b"Length1") || s.dict.has(b"Length2"));
                if content_like && let Some(b) = stream_bytes(o, STREAM_LIMIT) {
                    for op in Lexer::new(&b) {
                        if matches!(op.operator, b"Tj" | b"TJ" | b"'" | b"\"") {
                            for x in &op.operands {
                                match x {
                                    Object::String(s, _) => parts.push(decode_text_string(s)),
                                    Object::Array(a) => {
                                        for y in a {
                                            if let Object::String(s, _) = y {
                                                parts.push(decode_text_string(s));
                                            }
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let text = parts.join(" ");
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    (letters >= 3).then(|| {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(200)
            .collect()
    })
}
