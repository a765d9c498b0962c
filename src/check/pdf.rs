//! PDF hygiene for the gate: what a reader cannot see but an extractor can (text under a box,
//! invisible, white, off-page or tiny text), text outside the pages (document information,
//! XMP, bookmarks, annotations, attachments, JavaScript, form values, replacement text),
//! earlier revisions and orphaned objects, and redaction boxes without a valid ground label.

use super::text::{code_like, split_codes};
use super::{IssueKind, RawIssue};
use crate::redact::verify::decode_pdf_string;
use crate::rules::grounds::GroundTable;
use crate::source::pdf::font::stream_bytes;
use crate::source::pdf::interp::{Glyph, PageScan};
use crate::source::pdf::{PdfDoc, page_problems, text_under_fills};
use crate::text::fold::fold_str;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::{BTreeSet, HashSet};

/// Decompressed size accepted for one stream while inspecting.
const STREAM_LIMIT: usize = 64 << 20;
/// Objects visited while walking bookmark and field trees (cycles, hostile files).
const WALK_LIMIT: usize = 100_000;

/// What the inspection found.
#[derive(Debug, Default)]
pub struct Found {
    /// Issues.
    pub issues: Vec<RawIssue>,
    /// Canonical codes of the valid box labels.
    pub labels: BTreeSet<String>,
}

/// Inspects a loaded PDF. `personal` says whether a piece of text outside the page content
/// holds personal data (the detector, with the batch's names).
pub fn inspect(pdf: &PdfDoc, bytes: &[u8], grounds: &GroundTable, personal: &dyn Fn(&str) -> bool) -> Found {
    let mut found = Found::default();
    for p in page_problems(pdf) {
        let page = p
            .strip_prefix("page ")
            .and_then(|r| r.split(':').next())
            .and_then(|n| n.parse().ok());
        found.issues.push(RawIssue::new(IssueKind::NeedsReview, page, p));
    }
    let page_ids: Vec<ObjectId> = pdf.doc.get_pages().values().copied().collect();
    for (i, scan) in pdf.pages.iter().enumerate() {
        let media = page_ids.get(i).and_then(|&id| page_box(&pdf.doc, id));
        inspect_page(i + 1, scan, media, grounds, &mut found);
    }
    let visible = visible_text(pdf);
    let doc = &pdf.doc;
    info(doc, personal, &mut found.issues);
    xmp(doc, &mut found.issues);
    bookmarks(doc, &visible, personal, &mut found.issues);
    annotations(doc, &page_ids, &mut found.issues);
    attachments_and_scripts(doc, &mut found.issues);
    form_values(doc, &mut found.issues);
    replacement_text(doc, &page_ids, &visible, personal, &mut found.issues);
    revisions(bytes, &mut found.issues);
    orphans(doc, &mut found.issues);
    found
}

/// The painted text of all pages, folded, without white space: what a reader can see.
fn visible_text(pdf: &PdfDoc) -> String {
    let mut s = String::new();
    for p in &pdf.pages {
        for g in p.glyphs.iter().filter(|g| !g.invisible) {
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

fn area(r: &[f32; 4]) -> f32 {
    (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0)
}

fn overlap(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    area(&[a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])])
}

fn has_text(g: &Glyph) -> bool {
    g.text.as_deref().is_some_and(|t| !t.trim().is_empty())
}

/// Joins the text of the given glyphs, with a space where the page moves on by more than a
/// glyph's width (good enough to mask and fingerprint it).
fn join(glyphs: &[&Glyph]) -> String {
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

/// Page-content checks: text under boxes, hidden text, and the labels of redaction boxes.
fn inspect_page(page: usize, scan: &PageScan, media: Option<[f32; 4]>, grounds: &GroundTable, found: &mut Found) {
    let g = &scan.glyphs;
    let under = text_under_fills(scan);
    for (fi, glyphs) in &under {
        let fill = &scan.fills[*fi];
        let covered: Vec<&Glyph> = glyphs.iter().map(|&i| &g[i]).collect();
        found.issues.push(
            RawIssue::new(
                IssueKind::TextUnderBox,
                Some(page),
                format!(
                    "page {page}: {} characters are still in the file under a {} box drawn over them",
                    covered.len(),
                    if fill.lum < 0.35 { "dark" } else { "filled" }
                ),
            )
            .with_text(join(&covered))
            .with_key(format!("page {page} box {fi}")),
        );
    }
    for (fi, fill) in scan.fills.iter().enumerate() {
        let (w, h) = (fill.rect[2] - fill.rect[0], fill.rect[3] - fill.rect[1]);
        // A redaction box: black, about a line high, narrower than the page. Bullets, rules
        // and banners are not.
        let page_wide = media.is_some_and(|m| w > 0.9 * (m[2] - m[0]));
        if fill.lum >= 0.2 || !(6.0..=40.0).contains(&h) || w < 6.0 || page_wide {
            continue;
        }
        let on_top: Vec<&Glyph> = g[fill.after_glyphs.min(g.len())..]
            .iter()
            .filter(|x| {
                let (cx, cy) = ((x.bbox[0] + x.bbox[2]) / 2.0, (x.bbox[1] + x.bbox[3]) / 2.0);
                !x.invisible
                    && x.fill > 0.6
                    && has_text(x)
                    && cx > fill.rect[0]
                    && cx < fill.rect[2]
                    && cy > fill.rect[1]
                    && cy < fill.rect[3]
            })
            .collect();
        let label: String = on_top.iter().filter_map(|x| x.text.as_deref()).collect();
        let label = label.trim();
        if label.is_empty() {
            if !under.iter().any(|(i, _)| *i == fi) {
                found.issues.push(
                    RawIssue::new(
                        IssueKind::BoxWithoutLabel,
                        Some(page),
                        format!(
                            "page {page}: a redaction box at ({:.0}, {:.0}) without a Woo ground label",
                            fill.rect[0], fill.rect[1]
                        ),
                    )
                    .with_key(format!("page {page} box {fi}")),
                );
            }
            continue;
        }
        let inner = label.trim_start_matches('[').trim_end_matches(']');
        for part in split_codes(inner) {
            match grounds.resolve(part) {
                Some(gr) => {
                    found.labels.insert(gr.code.clone());
                }
                None if code_like(part) => found.issues.push(
                    RawIssue::new(
                        IssueKind::UnknownGround,
                        Some(page),
                        format!("page {page}: box label {part} is not a Woo ground in the grounds table"),
                    )
                    .with_key(format!("{part} page {page}")),
                ),
                None => {}
            }
        }
    }
    hidden_text(page, scan, media, found);
}

/// Text that is painted so nobody sees it: render mode 3/7, white on white, off the page, tiny.
fn hidden_text(page: usize, scan: &PageScan, media: Option<[f32; 4]>, found: &mut Found) {
    let g = &scan.glyphs;
    let mut invisible = Vec::new();
    let mut white = Vec::new();
    let mut off = Vec::new();
    let mut tiny = Vec::new();
    for (i, x) in g.iter().enumerate().filter(|(_, x)| has_text(x)) {
        if x.invisible {
            invisible.push(x);
            continue;
        }
        if let Some(m) = media
            && overlap(&x.bbox, &m) <= 0.0
        {
            off.push(x);
            continue;
        }
        if x.size < 1.0 {
            tiny.push(x);
            continue;
        }
        if x.fill > 0.9 {
            let (cx, cy) = ((x.bbox[0] + x.bbox[2]) / 2.0, (x.bbox[1] + x.bbox[3]) / 2.0);
            let inside = |r: &[f32; 4]| cx > r[0] && cx < r[2] && cy > r[1] && cy < r[3];
            let on_dark = scan
                .fills
                .iter()
                .any(|f| f.after_glyphs <= i && f.lum < 0.6 && inside(&f.rect))
                || scan.images.iter().any(inside);
            if !on_dark {
                white.push(x);
            }
        }
    }
    for (kind, glyphs, what) in [
        (
            IssueKind::InvisibleText,
            invisible,
            "invisible text (render mode 3 or 7)",
        ),
        (IssueKind::WhiteText, white, "white text on a white background"),
        (IssueKind::OffPageText, off, "text outside the visible page"),
        (IssueKind::TinyText, tiny, "text smaller than 1 point"),
    ] {
        if !glyphs.is_empty() {
            found.issues.push(
                RawIssue::new(
                    kind,
                    Some(page),
                    format!("page {page}: {} characters of {what}", glyphs.len()),
                )
                .with_text(join(&glyphs))
                .with_key(format!("page {page}")),
            );
        }
    }
}

/// The page's crop box (else media box), inherited through the page tree.
fn page_box(doc: &Document, page: ObjectId) -> Option<[f32; 4]> {
    let mut id = page;
    for _ in 0..64 {
        let d = doc.get_dictionary(id).ok()?;
        for key in [&b"CropBox"[..], b"MediaBox"] {
            if let Ok(o) = d.get(key)
                && let Ok((_, Object::Array(a))) = doc.dereference(o)
                && a.len() == 4
            {
                let v: Vec<f32> = a.iter().filter_map(|x| x.as_float().ok()).collect();
                if v.len() == 4 {
                    return Some([v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])]);
                }
            }
        }
        id = d.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
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
            let t = decode_pdf_string(s);
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
fn info(doc: &Document, personal: &dyn Fn(&str) -> bool, out: &mut Vec<RawIssue>) {
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
                RawIssue::new(
                    IssueKind::DocumentInfo,
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
fn xmp(doc: &Document, out: &mut Vec<RawIssue>) {
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
                    RawIssue::new(
                        IssueKind::XmpMetadata,
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
fn bookmarks(doc: &Document, visible: &str, personal: &dyn Fn(&str) -> bool, out: &mut Vec<RawIssue>) {
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
                RawIssue::new(
                    IssueKind::BookmarkText,
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
fn annotations(doc: &Document, pages: &[ObjectId], out: &mut Vec<RawIssue>) {
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
                out.push(RawIssue::new(
                    IssueKind::Attachment,
                    Some(page),
                    format!("page {page}: a file attachment annotation"),
                ));
                continue;
            }
            if subtype == "Widget" {
                continue;
            }
            for key in [&b"Contents"[..], b"T", b"RC", b"Subj"] {
                if let Some(t) = string_of(doc, a, key) {
                    out.push(
                        RawIssue::new(
                            IssueKind::AnnotationText,
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
fn attachments_and_scripts(doc: &Document, out: &mut Vec<RawIssue>) {
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
        out.push(RawIssue::new(
            IssueKind::Attachment,
            None,
            format!("the PDF holds {files} embedded file(s)"),
        ));
    }
    if scripts > 0 {
        out.push(RawIssue::new(
            IssueKind::Javascript,
            None,
            format!("the PDF holds {scripts} JavaScript action(s)"),
        ));
    }
}

/// Form fields holding values.
fn form_values(doc: &Document, out: &mut Vec<RawIssue>) {
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
                Object::String(s, _) => Some(decode_pdf_string(s)),
                Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
                _ => None,
            };
            if let Some(value) = value.filter(|v| !v.trim().is_empty() && v != "Off") {
                out.push(
                    RawIssue::new(IssueKind::FormValue, None, "a form field holds a value")
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
    out: &mut Vec<RawIssue>,
) {
    let check = |d: &Dictionary, page: Option<usize>, out: &mut Vec<RawIssue>| {
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
                    RawIssue::new(
                        IssueKind::ReplacementText,
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
            let Ok(content) = Content::decode(&bytes) else { continue };
            for op in content.operations.iter().filter(|o| o.operator == "BDC") {
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
fn revisions(bytes: &[u8], out: &mut Vec<RawIssue>) {
    let n = bytes.windows(9).filter(|w| w == b"startxref").count();
    let head = &bytes[..bytes.len().min(2048)];
    let linearized = head.windows(11).any(|w| w == b"/Linearized");
    let allowed = if linearized { 2 } else { 1 };
    if n > allowed {
        out.push(
            RawIssue::new(
                IssueKind::EarlierRevision,
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
fn orphans(doc: &Document, out: &mut Vec<RawIssue>) {
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
                RawIssue::new(
                    IssueKind::OrphanObject,
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
            Object::String(s, _) => parts.push(decode_pdf_string(s)),
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
                if content_like
                    && let Some(b) = stream_bytes(o, STREAM_LIMIT)
                    && let Ok(c) = Content::decode(&b)
                {
                    for op in &c.operations {
                        if matches!(op.operator.as_str(), "Tj" | "TJ" | "'" | "\"") {
                            for x in &op.operands {
                                match x {
                                    Object::String(s, _) => parts.push(decode_pdf_string(s)),
                                    Object::Array(a) => {
                                        for y in a {
                                            if let Object::String(s, _) = y {
                                                parts.push(decode_pdf_string(s));
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
