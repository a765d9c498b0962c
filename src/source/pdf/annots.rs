//! Flattening annotations into the page content, so that what a viewer shows is what we read,
//! redact and write. Sanitising removes every annotation (their comments, authors and links
//! can carry personal data), and an annotation that paints over text (a black square, a marker
//! stroke, a highlight, an unapplied redaction) is how people hide text in practice: dropping
//! it would make the hidden text visible again. So each visible annotation's appearance is
//! drawn into the page after its own content, as viewers draw it; the interpreter then sees it
//! like any other drawing (a box over text hides that text, a label on a box labels it).
//!
//! Links, notes (their icon), pop-ups, form widgets (failed closed elsewhere), attachments and
//! multimedia are not drawn; nor is an annotation a viewer would not show (the Hidden or NoView flag).

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// One annotation drawn into its page.
#[derive(Debug, Clone, PartialEq)]
pub struct Flattened {
    /// 0-based page.
    pub page: usize,
    /// Its rectangle in page space.
    pub rect: [f32; 4],
    /// Its subtype (`Square`, `FreeText`, …).
    pub subtype: String,
}

/// Annotations with nothing to show on the page, or handled elsewhere.
const NOT_DRAWN: [&[u8]; 11] = [
    b"Link",
    // A note's icon hides nothing; its text is a comment, which sanitising removes.
    b"Text",
    b"Popup",
    b"Widget",
    b"FileAttachment",
    b"Sound",
    b"Movie",
    b"Screen",
    b"3D",
    b"RichMedia",
    b"PrinterMark",
];

/// Resource-name prefix of flattened appearances; unlikely in real files.
const PREFIX: &str = "WooAnnot";

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn deref(doc: &Document, o: &Object) -> Object {
    doc.dereference(o).map(|(_, o)| o.clone()).unwrap_or_else(|_| o.clone())
}

fn numbers(doc: &Document, o: Option<&Object>) -> Vec<f32> {
    match o.map(|o| deref(doc, o)) {
        Some(Object::Array(a)) => a.iter().filter_map(|x| num(&deref(doc, x))).collect(),
        _ => Vec::new(),
    }
}

fn rect_of(v: &[f32]) -> Option<[f32; 4]> {
    (v.len() == 4 && v.iter().all(|x| x.is_finite()))
        .then(|| [v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])])
}

/// A colour array as PDF fill operators (`g`, `rg`, `k`); `None` for none.
fn colour_ops(c: &[f32]) -> Option<String> {
    match c.len() {
        1 => Some(format!("{} g", c[0])),
        3 => Some(format!("{} {} {} rg", c[0], c[1], c[2])),
        4 => Some(format!("{} {} {} {} k", c[0], c[1], c[2], c[3])),
        _ => None,
    }
}

/// Draws every visible annotation of every page into the page content (in memory) and returns
/// what was drawn. Never fails: an annotation that cannot be drawn is left as it was.
pub fn flatten(doc: &mut Document) -> Vec<Flattened> {
    let mut out = Vec::new();
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    for (pi, &pid) in pages.iter().enumerate() {
        let Some(annots) = doc
            .get_dictionary(pid)
            .ok()
            .and_then(|d| d.get(b"Annots").ok())
            .map(|a| deref(doc, a))
            .and_then(|a| a.as_array().ok().cloned())
        else {
            continue;
        };
        let mut draws = String::new();
        let mut xobjects: Vec<(String, ObjectId)> = Vec::new();
        for a in annots.iter().take(10_000) {
            let Ok(d) = deref(doc, a).as_dict().cloned() else {
                continue;
            };
            let subtype = d.get(b"Subtype").and_then(|s| s.as_name()).unwrap_or(b"").to_vec();
            if NOT_DRAWN.contains(&subtype.as_slice()) {
                continue;
            }
            let flags = d.get(b"F").and_then(|f| f.as_i64()).unwrap_or(0);
            if flags & (2 | 32) != 0 {
                continue;
            }
            let Some(rect) = rect_of(&numbers(doc, d.get(b"Rect").ok())) else {
                continue;
            };
            let name = String::from_utf8_lossy(&subtype).into_owned();
            if subtype == b"Redact" {
                // Not applied yet: it marks what must go. Drawn as the black box it becomes.
                let quads = numbers(doc, d.get(b"QuadPoints").ok());
                let mut areas: Vec<[f32; 4]> = quads
                    .chunks_exact(8)
                    .filter_map(|q| {
                        let xs = [q[0], q[2], q[4], q[6]];
                        let ys = [q[1], q[3], q[5], q[7]];
                        rect_of(&[
                            xs.iter().copied().fold(f32::MAX, f32::min),
                            ys.iter().copied().fold(f32::MAX, f32::min),
                            xs.iter().copied().fold(f32::MIN, f32::max),
                            ys.iter().copied().fold(f32::MIN, f32::max),
                        ])
                    })
                    .collect();
                if areas.is_empty() {
                    areas.push(rect);
                }
                for r in areas {
                    draws.push_str(&format!(
                        "q 0 g {} {} {} {} re f Q\n",
                        r[0],
                        r[1],
                        r[2] - r[0],
                        r[3] - r[1]
                    ));
                }
                out.push(Flattened {
                    page: pi,
                    rect,
                    subtype: name,
                });
                continue;
            }
            match appearance(doc, &d) {
                Some(ap) => {
                    let Ok(s) = doc.get_object(ap).and_then(|o| o.as_stream()) else {
                        continue;
                    };
                    let bbox = rect_of(&numbers(doc, s.dict.get(b"BBox").ok())).unwrap_or([0.0, 0.0, 1.0, 1.0]);
                    let m = match numbers(doc, s.dict.get(b"Matrix").ok()).as_slice() {
                        [a, b, c, dd, e, f] => [*a, *b, *c, *dd, *e, *f],
                        _ => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
                    };
                    // PDF 32000-1 §12.5.5: the transformed bounding box is fitted to /Rect.
                    let corners = [
                        (bbox[0], bbox[1]),
                        (bbox[2], bbox[3]),
                        (bbox[0], bbox[3]),
                        (bbox[2], bbox[1]),
                    ];
                    let pts: Vec<(f32, f32)> = corners
                        .iter()
                        .map(|&(x, y)| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]))
                        .collect();
                    let t = [
                        pts.iter().map(|p| p.0).fold(f32::MAX, f32::min),
                        pts.iter().map(|p| p.1).fold(f32::MAX, f32::min),
                        pts.iter().map(|p| p.0).fold(f32::MIN, f32::max),
                        pts.iter().map(|p| p.1).fold(f32::MIN, f32::max),
                    ];
                    let (tw, th) = (t[2] - t[0], t[3] - t[1]);
                    if tw.abs() < 1e-6 || th.abs() < 1e-6 {
                        continue;
                    }
                    let (sx, sy) = ((rect[2] - rect[0]) / tw, (rect[3] - rect[1]) / th);
                    let (ex, ey) = (rect[0] - sx * t[0], rect[1] - sy * t[1]);
                    let res_name = format!("{PREFIX}{}", xobjects.len());
                    draws.push_str(&format!("q {sx} 0 0 {sy} {ex} {ey} cm /{res_name} Do Q\n"));
                    xobjects.push((res_name, ap));
                }
                None => {
                    // No appearance: viewers draw a filled square or a highlight from its
                    // colours; so do we (a black one hides text).
                    let Some(fill) = synthesized(doc, &d, &subtype, rect) else {
                        continue;
                    };
                    draws.push_str(&fill);
                }
            }
            out.push(Flattened {
                page: pi,
                rect,
                subtype: name,
            });
        }
        if draws.is_empty() {
            continue;
        }
        // The appearance streams become Form XObjects of the page.
        for (_, id) in &xobjects {
            if let Ok(Object::Stream(s)) = doc.get_object_mut(*id) {
                s.dict.set("Type", Object::Name(b"XObject".to_vec()));
                s.dict.set("Subtype", Object::Name(b"Form".to_vec()));
            }
        }
        let mut res = super::interp::page_resources(doc, pid);
        if !xobjects.is_empty() {
            let mut xo = match res.get(b"XObject") {
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            for (name, id) in &xobjects {
                xo.set(name.as_bytes().to_vec(), Object::Reference(*id));
            }
            res.set("XObject", Object::Dictionary(xo));
        }
        // Viewers draw annotations in the page's default space, whatever state its content
        // leaves: the content is wrapped in q … Q.
        let open = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let close = doc.add_object(Stream::new(Dictionary::new(), format!("Q\n{draws}").into_bytes()));
        let mut contents: Vec<Object> = doc.get_page_contents(pid).into_iter().map(Object::Reference).collect();
        contents.insert(0, Object::Reference(open));
        contents.push(Object::Reference(close));
        if let Ok(page) = doc.get_object_mut(pid).and_then(|o| o.as_dict_mut()) {
            page.set("Contents", Object::Array(contents));
            page.set("Resources", Object::Dictionary(res));
        }
    }
    out
}

/// The normal appearance stream of an annotation (`/AP /N`, by `/AS` when it has states).
fn appearance(doc: &Document, d: &Dictionary) -> Option<ObjectId> {
    let ap = deref(doc, d.get(b"AP").ok()?);
    let n = ap.as_dict().ok()?.get(b"N").ok()?;
    match n {
        Object::Reference(id) => match doc.get_object(*id).ok()? {
            Object::Stream(_) => Some(*id),
            Object::Dictionary(states) => {
                let state = d.get(b"AS").ok()?.as_name().ok()?;
                states.get(state).ok()?.as_reference().ok()
            }
            _ => None,
        },
        Object::Dictionary(states) => {
            let state = d.get(b"AS").ok()?.as_name().ok()?;
            states.get(state).ok()?.as_reference().ok()
        }
        _ => None,
    }
}

/// Operators drawing an annotation that has no appearance, as viewers synthesise one: a
/// square filled with its interior colour, a highlight over its quadrilaterals.
fn synthesized(doc: &Document, d: &Dictionary, subtype: &[u8], rect: [f32; 4]) -> Option<String> {
    match subtype {
        b"Square" => {
            let fill = colour_ops(&numbers(doc, d.get(b"IC").ok()))?;
            Some(format!(
                "q {fill} {} {} {} {} re f Q\n",
                rect[0],
                rect[1],
                rect[2] - rect[0],
                rect[3] - rect[1]
            ))
        }
        b"Highlight" => {
            // Highlights multiply: a light one leaves the text readable (drawn or not, nothing
            // is hidden), a dark one covers it.
            let c = numbers(doc, d.get(b"C").ok());
            let lum = match c.len() {
                1 => c[0],
                3 => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2],
                4 => (1.0 - c[3]) * (1.0 - (c[0] + c[1] + c[2]) / 3.0),
                _ => 1.0,
            };
            if lum >= 0.35 {
                return None;
            }
            let fill = colour_ops(&c)?;
            let quads = numbers(doc, d.get(b"QuadPoints").ok());
            let mut ops = String::new();
            for q in quads.chunks_exact(8) {
                ops.push_str(&format!(
                    "{} {} m {} {} l {} {} l {} {} l h f\n",
                    q[0], q[1], q[2], q[3], q[6], q[7], q[4], q[5]
                ));
            }
            (!ops.is_empty()).then(|| format!("q {fill}\n{ops}Q\n"))
        }
        _ => None,
    }
}
