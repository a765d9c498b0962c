//! The content interpreter (PDF.md §2.1–2.4): runs a page's content streams, and the Form
//! XObjects they draw, through the graphics and text state, and records every shown glyph
//! with its Unicode, box in page space and address in the stream it came from. Images and
//! everything that makes a page unreadable with certainty are recorded too, so callers can
//! fail closed.

use super::font::{Font, stream_bytes};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use rustc_hash::FxHashMap;

/// A 2-D affine matrix `[a b c d e f]` as in PDF.
pub type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n` (apply m, then n), the PDF convention for `cm` and `Tm × CTM`.
pub fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Which stream a glyph was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StreamRef {
    /// The n-th content stream of the page (`/Contents` array index).
    Page(usize),
    /// A Form XObject.
    Form(ObjectId),
}

/// Where a glyph's code sits: stream, operation index, element of a `TJ` array, byte range in
/// the string operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlyphAddr {
    /// The stream.
    pub stream: StreamRef,
    /// Index of the operation in the decoded stream.
    pub op: usize,
    /// Index of the string in a `TJ` array (0 for `Tj`, `'`, `"`).
    pub elem: usize,
    /// Byte offset of the code in the string.
    pub byte: usize,
    /// Code length.
    pub len: u8,
}

/// One shown glyph.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Unicode text; `None` when the font could not decode it.
    pub text: Option<String>,
    /// Box in page space: x0, y0, x1, y1.
    pub bbox: [f32; 4],
    /// Origin of the glyph (baseline start) in page space.
    pub origin: (f32, f32),
    /// Effective font size in page space (for line grouping and space inference).
    pub size: f32,
    /// Direction of the baseline in page space (unit vector).
    pub dir: (f32, f32),
    /// Not painted (render mode 3 or 7): an OCR layer or hidden text.
    pub invisible: bool,
    /// Luminance of the fill colour it is painted with (0 black … 1 white).
    pub fill: f32,
    /// The glyph's whole advance as a `TJ` adjustment (thousandths of text space, before the
    /// font size): writing `-tj_advance` in place of the glyph keeps what follows in place.
    pub tj_advance: f32,
    /// Where it is written.
    pub addr: GlyphAddr,
}

/// Everything the interpreter learned about a page.
#[derive(Debug, Default)]
pub struct PageScan {
    /// Glyphs in content order.
    pub glyphs: Vec<Glyph>,
    /// Boxes of images drawn on the page (page space).
    pub images: Vec<[f32; 4]>,
    /// Reasons the page cannot be read with certainty.
    pub problems: Vec<String>,
    /// Filled shapes (bounding boxes), for finding text hidden under a box.
    pub fills: Vec<Fill>,
}

/// A filled path: its bounding box in page space, colour, and when it was painted.
#[derive(Debug, Clone)]
pub struct Fill {
    /// Bounding box in page space: x0, y0, x1, y1.
    pub rect: [f32; 4],
    /// Luminance of the fill colour (0 black … 1 white).
    pub lum: f32,
    /// Glyphs recorded on the page before this fill was painted: those with a lower index lie
    /// under it, later ones on top.
    pub after_glyphs: usize,
}

#[derive(Clone)]
struct TextState {
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    font: Option<usize>,
    size: f32,
    render: i64,
    rise: f32,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    text: TextState,
    /// Non-stroking colour as luminance.
    fill: f32,
}

/// Luminance of a colour given as gray, RGB or CMYK components; `None` for anything else
/// (patterns, separations with a name operand).
fn luminance(c: &[f32]) -> Option<f32> {
    match c.len() {
        1 => Some(c[0]),
        3 => Some(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]),
        4 => {
            let k = 1.0 - c[3];
            let (r, g, b) = ((1.0 - c[0]) * k, (1.0 - c[1]) * k, (1.0 - c[2]) * k);
            Some(0.299 * r + 0.587 * g + 0.114 * b)
        }
        _ => None,
    }
}

/// Limits that keep hostile files from hanging or exhausting the process.
const MAX_FORM_DEPTH: usize = 12;
/// One content stream or form, decompressed. Parsing holds every operator in memory at once
/// (about 90 times the stream's size for `(a) Tj` repeated): 8 MiB is far above real pages (under
/// 1 MiB, a detailed map a few MiB) and keeps that near 700 MiB in the worst case.
const MAX_STREAM: usize = 8 << 20;
/// Glyphs on one page: a dense A4 page in 6 pt type holds about 20,000; a page with five times
/// that is not for reading, and a few KiB of compressed `(a) Tj` repeated would otherwise cost
/// gigabytes of glyph records.
pub const MAX_GLYPHS_PER_PAGE: usize = 100_000;

struct Interp<'a> {
    doc: &'a Document,
    fonts: Vec<Font>,
    font_ids: FxHashMap<ObjectId, usize>,
    out: PageScan,
    form_stack: Vec<ObjectId>,
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn nums(ops: &[Object]) -> Option<Vec<f32>> {
    ops.iter().map(num).collect()
}

/// Why a content stream or form was not interpreted.
fn unreadable_stream(what: &str, id: ObjectId) -> String {
    format!(
        "{what} {} {} cannot be decompressed or is over {} MiB decompressed",
        id.0,
        id.1,
        MAX_STREAM >> 20
    )
}

/// Interprets one page.
pub fn scan_page(doc: &Document, page: ObjectId) -> PageScan {
    let mut it = Interp {
        doc,
        fonts: Vec::new(),
        font_ids: FxHashMap::default(),
        out: PageScan::default(),
        form_stack: Vec::new(),
    };
    let resources = page_resources(doc, page);
    let mut gs = GState {
        ctm: IDENTITY,
        text: TextState {
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            font: None,
            size: 0.0,
            render: 0,
            rise: 0.0,
        },
        fill: 0.0,
    };
    let contents = doc.get_page_contents(page);
    let mut stack: Vec<GState> = Vec::new();
    for (i, id) in contents.iter().enumerate() {
        let Some(bytes) = doc.get_object(*id).ok().and_then(|o| stream_bytes(o, MAX_STREAM)) else {
            it.out.problems.push(unreadable_stream("content stream", *id));
            continue;
        };
        it.run(&bytes, StreamRef::Page(i), &resources, &mut gs, &mut stack);
    }
    // A page's streams are one content stream split in pieces: q/Q balance over all of them.
    if !stack.is_empty() {
        it.out.problems.push("unbalanced q/Q in the page content".into());
    }
    it.out
}

/// The page's resource dictionary, inherited from ancestors when absent (merged, nearest wins).
pub fn page_resources(doc: &Document, page: ObjectId) -> Dictionary {
    let mut merged = Dictionary::new();
    if let Ok((own, inherited)) = doc.get_page_resources(page) {
        let mut all: Vec<&Dictionary> = Vec::new();
        if let Some(d) = own {
            all.push(d);
        }
        for id in inherited {
            if let Ok(d) = doc.get_dictionary(id) {
                all.push(d);
            }
        }
        for d in all.into_iter().rev() {
            for (k, v) in d.iter() {
                let v = doc.dereference(v).map(|(_, o)| o.clone()).unwrap_or_else(|_| v.clone());
                match (merged.get_mut(k), v) {
                    (Ok(Object::Dictionary(have)), Object::Dictionary(new)) => {
                        for (k2, v2) in new.iter() {
                            have.set(k2.clone(), v2.clone());
                        }
                    }
                    (_, v) => merged.set(k.clone(), v),
                }
            }
        }
    }
    merged
}

impl Interp<'_> {
    fn resource<'r>(&'r self, res: &'r Dictionary, kind: &[u8], name: &[u8]) -> Option<(Option<ObjectId>, &'r Object)> {
        let cat = res.get(kind).ok()?;
        let cat = self.doc.dereference(cat).ok()?.1.as_dict().ok()?;
        let o = cat.get(name).ok()?;
        self.doc.dereference(o).ok()
    }

    fn font(&mut self, res: &Dictionary, name: &[u8]) -> Option<usize> {
        let (id, obj) = self.resource(res, b"Font", name)?;
        if let Some(id) = id
            && let Some(&k) = self.font_ids.get(&id)
        {
            return Some(k);
        }
        let dict = obj.as_dict().ok()?;
        let f = Font::load(self.doc, dict);
        self.fonts.push(f);
        let k = self.fonts.len() - 1;
        if let Some(id) = id {
            self.font_ids.insert(id, k);
        }
        Some(k)
    }

    fn run(&mut self, bytes: &[u8], stream: StreamRef, res: &Dictionary, gs: &mut GState, stack: &mut Vec<GState>) {
        let content = match Content::decode(bytes) {
            Ok(c) => c,
            Err(e) => {
                self.out.problems.push(format!("content stream cannot be parsed: {e}"));
                return;
            }
        };
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        // Bounding box of the path under construction, in page space.
        let mut path: Option<[f32; 4]> = None;
        let extend = |path: &mut Option<[f32; 4]>, (x, y): (f32, f32)| {
            let r = path.get_or_insert([x, y, x, y]);
            *r = [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)];
        };
        for (op_index, op) in content.operations.iter().enumerate() {
            // Many operators (or forms drawn many times) must not outlast the time limit.
            if op_index % 1024 == 0 && crate::limits::check_time().is_err() {
                return;
            }
            if self.out.glyphs.len() > MAX_GLYPHS_PER_PAGE {
                let p = format!("more than {MAX_GLYPHS_PER_PAGE} glyphs on one page (a hostile or broken file?)");
                if !self.out.problems.contains(&p) {
                    self.out.problems.push(p);
                }
                return;
            }
            let o = &op.operands;
            match op.operator.as_str() {
                "m" | "l" | "c" | "v" | "y" => {
                    if let Some(v) = nums(o) {
                        for p in v.chunks_exact(2) {
                            extend(&mut path, apply(&gs.ctm, p[0], p[1]));
                        }
                    }
                }
                "re" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 4) {
                        for (x, y) in [
                            (v[0], v[1]),
                            (v[0] + v[2], v[1] + v[3]),
                            (v[0] + v[2], v[1]),
                            (v[0], v[1] + v[3]),
                        ] {
                            extend(&mut path, apply(&gs.ctm, x, y));
                        }
                    }
                }
                "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    if let Some(rect) = path.take() {
                        self.out.fills.push(Fill {
                            rect,
                            lum: gs.fill,
                            after_glyphs: self.out.glyphs.len(),
                        });
                    }
                }
                "S" | "s" | "n" => path = None,
                "g" | "rg" | "k" | "sc" | "scn" => {
                    if let Some(l) = nums(o).as_deref().and_then(luminance) {
                        gs.fill = l;
                    }
                }
                // A new colour space starts at its initial colour: black for the device spaces.
                "cs" => gs.fill = 0.0,
                "q" => stack.push(gs.clone()),
                "Q" => match stack.pop() {
                    Some(s) => *gs = s,
                    None => self.out.problems.push("unbalanced q/Q in a content stream".into()),
                },
                "cm" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 6) {
                        gs.ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &gs.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tc" => gs.text.char_spacing = o.first().and_then(num).unwrap_or(0.0),
                "Tw" => gs.text.word_spacing = o.first().and_then(num).unwrap_or(0.0),
                "Tz" => gs.text.scale = o.first().and_then(num).unwrap_or(100.0) / 100.0,
                "TL" => gs.text.leading = o.first().and_then(num).unwrap_or(0.0),
                "Ts" => gs.text.rise = o.first().and_then(num).unwrap_or(0.0),
                "Tr" => gs.text.render = o.first().and_then(|x| x.as_i64().ok()).unwrap_or(0),
                "Tf" => {
                    if let (Some(Object::Name(n)), Some(size)) = (o.first(), o.get(1).and_then(num)) {
                        gs.text.font = self.font(res, n);
                        gs.text.size = size;
                        if gs.text.font.is_none() {
                            self.out
                                .problems
                                .push(format!("font /{} is not in the resources", String::from_utf8_lossy(n)));
                        }
                    }
                }
                "Td" | "TD" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 2) {
                        if op.operator == "TD" {
                            gs.text.leading = -v[1];
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, v[0], v[1]], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 6) {
                        tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                        tm = tlm;
                    }
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.text.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        if op.operator == "\"" && o.len() == 3 {
                            gs.text.word_spacing = num(&o[0]).unwrap_or(gs.text.word_spacing);
                            gs.text.char_spacing = num(&o[1]).unwrap_or(gs.text.char_spacing);
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.text.leading], &tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(s, _)) = o.last() {
                        self.show(
                            s,
                            gs,
                            &mut tm,
                            GlyphAddr {
                                stream,
                                op: op_index,
                                elem: 0,
                                byte: 0,
                                len: 0,
                            },
                        );
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        for (elem, item) in items.iter().enumerate() {
                            match item {
                                Object::String(s, _) => self.show(
                                    s,
                                    gs,
                                    &mut tm,
                                    GlyphAddr {
                                        stream,
                                        op: op_index,
                                        elem,
                                        byte: 0,
                                        len: 0,
                                    },
                                ),
                                other => {
                                    if let Some(n) = num(other) {
                                        let tx = -n / 1000.0 * gs.text.size * gs.text.scale;
                                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(Object::Name(n)) = o.first() {
                        self.draw_xobject(res, n, gs);
                    }
                }
                "BI" => {
                    let (x0, y0) = apply(&gs.ctm, 0.0, 0.0);
                    let (x1, y1) = apply(&gs.ctm, 1.0, 1.0);
                    self.out.images.push([x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)]);
                }
                _ => {}
            }
        }
    }

    fn show(&mut self, s: &[u8], gs: &GState, tm: &mut Matrix, addr: GlyphAddr) {
        let Some(fi) = gs.text.font else {
            self.out.problems.push("text shown without a font".into());
            return;
        };
        let t = &gs.text;
        let (decoded, problem) = {
            let f = &self.fonts[fi];
            (f.decode(s), f.problem.clone())
        };
        if let Some(p) = problem
            && !self.out.problems.contains(&p)
        {
            self.out.problems.push(p);
        }
        let invisible = t.render == 3 || t.render == 7;
        for d in decoded {
            let trm_base = [t.size * t.scale, 0.0, 0.0, t.size, 0.0, t.rise];
            let trm = mul(&mul(&trm_base, tm), &gs.ctm);
            let w = d.width;
            let corners = [(0.0, -0.22), (w, -0.22), (0.0, 0.88), (w, 0.88)];
            let pts: Vec<(f32, f32)> = corners.iter().map(|&(x, y)| apply(&trm, x, y)).collect();
            let bbox = [
                pts.iter().map(|p| p.0).fold(f32::MAX, f32::min),
                pts.iter().map(|p| p.1).fold(f32::MAX, f32::min),
                pts.iter().map(|p| p.0).fold(f32::MIN, f32::max),
                pts.iter().map(|p| p.1).fold(f32::MIN, f32::max),
            ];
            let origin = apply(&trm, 0.0, 0.0);
            let (ux, uy) = apply(&trm, 1.0, 0.0);
            let (dx, dy) = (ux - origin.0, uy - origin.1);
            let len = (dx * dx + dy * dy).sqrt().max(f32::MIN_POSITIVE);
            let (vx, vy) = apply(&trm, 0.0, 1.0);
            let size = ((vx - origin.0).powi(2) + (vy - origin.1).powi(2)).sqrt();
            self.out.glyphs.push(Glyph {
                text: d.unicode,
                bbox,
                origin,
                size,
                dir: (dx / len, dy / len),
                invisible,
                fill: gs.fill,
                tj_advance: if t.size != 0.0 {
                    (w * t.size + t.char_spacing + if d.word_space { t.word_spacing } else { 0.0 }) / t.size * 1000.0
                } else {
                    f32::NAN
                },
                addr: GlyphAddr {
                    byte: d.offset,
                    len: d.len,
                    ..addr
                },
            });
            let tx = (w * t.size + t.char_spacing + if d.word_space { t.word_spacing } else { 0.0 }) * t.scale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }

    fn draw_xobject(&mut self, res: &Dictionary, name: &[u8], gs: &GState) {
        let Some((id, obj)) = self.resource(res, b"XObject", name) else {
            return;
        };
        let Ok(stream) = obj.as_stream() else { return };
        let subtype = stream.dict.get(b"Subtype").and_then(|o| o.as_name()).unwrap_or(b"");
        if subtype == b"Image" {
            let (x0, y0) = apply(&gs.ctm, 0.0, 0.0);
            let (x1, y1) = apply(&gs.ctm, 1.0, 1.0);
            let (x2, y2) = apply(&gs.ctm, 1.0, 0.0);
            let (x3, y3) = apply(&gs.ctm, 0.0, 1.0);
            self.out.images.push([
                x0.min(x1).min(x2).min(x3),
                y0.min(y1).min(y2).min(y3),
                x0.max(x1).max(x2).max(x3),
                y0.max(y1).max(y2).max(y3),
            ]);
            return;
        }
        if subtype != b"Form" {
            return;
        }
        let Some(id) = id else { return };
        // Each drawing of a form decodes it again: a large form drawn many times is bounded
        // by the time limit here and by the decompressed-bytes budget.
        if crate::limits::check_time().is_err() {
            return;
        }
        if self.form_stack.contains(&id) || self.form_stack.len() >= MAX_FORM_DEPTH {
            self.out.problems.push(format!(
                "Form XObject {} {} is nested too deeply or draws itself",
                id.0, id.1
            ));
            return;
        }
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|m| m.as_array().ok())
            .and_then(|a| nums(a))
            .filter(|v| v.len() == 6)
            .map(|v| [v[0], v[1], v[2], v[3], v[4], v[5]])
            .unwrap_or(IDENTITY);
        let form_res = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| self.doc.dereference(r).ok())
            .and_then(|(_, r)| r.as_dict().ok())
            .cloned()
            .unwrap_or_else(|| res.clone());
        let Some(bytes) = stream_bytes(obj, MAX_STREAM) else {
            self.out.problems.push(unreadable_stream("Form XObject", id));
            return;
        };
        let mut inner = gs.clone();
        inner.ctm = mul(&matrix, &gs.ctm);
        self.form_stack.push(id);
        let mut stack = Vec::new();
        self.run(&bytes, StreamRef::Form(id), &form_res, &mut inner, &mut stack);
        if !stack.is_empty() {
            self.out
                .problems
                .push(format!("unbalanced q/Q in Form XObject {} {}", id.0, id.1));
        }
        self.form_stack.pop();
    }
}
