//! The content interpreter (PDF.md §2.1–2.4): runs a page's content streams (read as one, as
//! viewers do), and the Form XObjects they draw, through the graphics and text state, and
//! records every shown glyph with its Unicode, box in page space and address in the content it
//! came from; images with their placement, filled shapes and the clip, so [`classify`] can tell
//! text a reader sees from text only an extractor reads. Everything that makes a page
//! unreadable with certainty is recorded too, so callers can fail closed.
//!
//! Where real files bend the syntax, it reads them the way viewers do: a `Q` without its `q` is
//! ignored and a `q` left open at the end of the page is closed there (both counted, so the
//! writer can balance its own wrapper), a Form XObject inherits the graphics state (the current
//! font included) of the place it is drawn, and a malformed token is skipped.

use super::content::{Lexer, join_streams};
use super::font::{Font, stream_bytes};
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

/// Which content a glyph was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StreamRef {
    /// The page's content: its `/Contents` streams joined into one.
    Page,
    /// A Form XObject.
    Form(ObjectId),
}

/// Where a glyph's code sits: content, operation index, element of a `TJ` array, byte range in
/// the string operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlyphAddr {
    /// The content.
    pub stream: StreamRef,
    /// Index of the operation in the content.
    pub op: usize,
    /// Index of the string in a `TJ` array (0 for `Tj`, `'`, `"`).
    pub elem: usize,
    /// Byte offset of the code in the string.
    pub byte: usize,
    /// Code length.
    pub len: u8,
}

/// Why a reader cannot see a glyph that an extractor still reads (PDF.md §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hidden {
    /// Render mode 3 or 7 (not painted), and not an OCR layer over an image.
    NotPainted,
    /// Painted fully transparent (`ca` 0 in the graphics state).
    Transparent,
    /// Outside the clipping path (or a form's bounding box).
    Clipped,
    /// Outside the visible page (the crop box).
    OffPage,
    /// Smaller than one point.
    Tiny,
    /// White (or nearly) on a white background.
    White,
    /// Under an opaque shape drawn over it later (an earlier redaction that only covered the
    /// text, or a marker annotation); the index is the shape's in [`PageScan::fills`].
    UnderFill(usize),
    /// In optional content that is switched off (a hidden layer).
    OffLayer,
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
    /// Opacity it is painted with (`ca`, or `CA` for stroked text).
    pub alpha: f32,
    /// Entirely outside the clip in effect when it was drawn.
    pub clipped: bool,
    /// Drawn in optional content that is switched off.
    pub off_layer: bool,
    /// Set by [`classify`]: why a reader cannot see it, if so.
    pub hidden: Option<Hidden>,
    /// Set by [`classify`]: invisible text over an image, as OCR software writes it. It stands
    /// for the text in the image: read for detection, kept as the searchable layer.
    pub ocr: bool,
    /// The glyph's whole advance as a `TJ` adjustment (thousandths of text space, before the
    /// font size): writing `-tj_advance` in place of the glyph keeps what follows in place.
    pub tj_advance: f32,
    /// Where it is written.
    pub addr: GlyphAddr,
    /// Which drawing of its content: 0 for the page's own content, else one number per Form
    /// XObject drawing on the page (a form drawn twice yields two placements).
    pub placement: u32,
}

impl Glyph {
    /// Does it carry text other than white space?
    pub fn has_text(&self) -> bool {
        self.text.as_deref().is_some_and(|t| !t.trim().is_empty())
    }

    /// Is it read as text of the page (visible, or an OCR layer standing for an image)?
    pub fn readable(&self) -> bool {
        self.hidden.is_none()
    }
}

/// An image drawn on the page.
#[derive(Debug, Clone)]
pub struct ImageUse {
    /// Bounding box in page space.
    pub bbox: [f32; 4],
    /// The matrix mapping the image's unit square to page space.
    pub ctm: Matrix,
    /// The image XObject; `None` for an inline image.
    pub xobject: Option<ObjectId>,
    /// Where it is drawn: the content and the operation (`Do`, or `BI` for an inline image).
    pub stream: StreamRef,
    /// The drawing operation's index.
    pub op: usize,
    /// A stencil mask (`/ImageMask true`): paints the fill colour through its shape.
    pub stencil: bool,
    /// Glyphs recorded before it was drawn.
    pub after_glyphs: usize,
}

/// Everything the interpreter learned about a page.
#[derive(Debug, Default)]
pub struct PageScan {
    /// Glyphs in content order.
    pub glyphs: Vec<Glyph>,
    /// Images drawn on the page.
    pub images: Vec<ImageUse>,
    /// Reasons the page cannot be read with certainty.
    pub problems: Vec<String>,
    /// Filled shapes, for finding text hidden under a box.
    pub fills: Vec<Fill>,
    /// `Q` operators of the page content without a `q` to restore (ignored, as viewers do).
    pub stray_q: usize,
    /// `q` operators still open at the end of the page content (closed there, as viewers do).
    pub open_q: usize,
    /// Show operations that ran without a font (viewers draw nothing): (content, op).
    pub fontless: Vec<(StreamRef, usize)>,
    /// Painting operations inside optional content that is switched off (a hidden layer), and
    /// XObjects drawn under an off group: removed when the document is written (a path is
    /// ended without painting), since the switch itself goes with the catalog's
    /// `/OCProperties`. Text there is hidden glyphs ([`Hidden::OffLayer`]).
    pub off_ops: Vec<(StreamRef, usize)>,
    /// The visible area (crop box within the media box) in page space, if known.
    pub crop: Option<[f32; 4]>,
}

/// A filled path: its bounding box in page space, colour, and when it was painted.
#[derive(Debug, Clone)]
pub struct Fill {
    /// Bounding box in page space (within the clip): x0, y0, x1, y1.
    pub rect: [f32; 4],
    /// Luminance of the fill colour (0 black … 1 white).
    pub lum: f32,
    /// Glyphs recorded on the page before this fill was painted: those with a lower index lie
    /// under it, later ones on top.
    pub after_glyphs: usize,
    /// It hides what lies under it: opaque, and in a blend mode that covers (a black
    /// "multiply" marker covers too; a yellow one does not).
    pub opaque: bool,
    /// The path is one axis-aligned rectangle, so its bounding box is its shape.
    pub rectangle: bool,
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

#[derive(Clone, Copy, PartialEq)]
enum Blend {
    Normal,
    /// Multiply, Darken and the like: dark paint covers, light paint does not.
    Darkening,
    /// Screen, Lighten, difference modes: never counted as covering.
    Other,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    text: TextState,
    /// Non-stroking colour as luminance.
    fill: f32,
    /// Stroking colour as luminance.
    stroke: f32,
    /// Line width (user space).
    line_width: f32,
    /// Non-stroking and stroking opacity.
    fill_alpha: f32,
    stroke_alpha: f32,
    blend: Blend,
    /// A soft mask is in effect: paint may be partly transparent.
    soft_mask: bool,
    /// Bounding box of the clip in page space.
    clip: [f32; 4],
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
/// One content stream or form, decompressed. The lexer holds one operation at a time, so memory
/// is the stream itself: 64 MiB is far above real pages (a detailed map drawing is a few MiB)
/// and the document's decompression budget bounds the total.
const MAX_STREAM: usize = 64 << 20;
/// Glyphs on one page: a dense A4 page in 6 pt type holds about 20,000; a page with five times
/// that is not for reading, and a few KiB of compressed `(a) Tj` repeated would otherwise cost
/// gigabytes of glyph records.
pub const MAX_GLYPHS_PER_PAGE: usize = 100_000;
/// A clip that clips nothing.
const NO_CLIP: [f32; 4] = [f32::MIN, f32::MIN, f32::MAX, f32::MAX];

struct Interp<'a> {
    doc: &'a Document,
    fonts: Vec<Font>,
    font_ids: FxHashMap<ObjectId, usize>,
    out: PageScan,
    form_stack: Vec<ObjectId>,
    placements: u32,
    /// Optional content groups switched off in the default configuration.
    off_groups: rustc_hash::FxHashSet<ObjectId>,
    /// Depth of nesting in switched-off optional content (0: visible).
    off_depth: usize,
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

fn intersect(a: &[f32; 4], b: &[f32; 4]) -> [f32; 4] {
    [a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])]
}

fn empty(r: &[f32; 4]) -> bool {
    r[2] <= r[0] || r[3] <= r[1]
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

/// The page's content streams joined into one buffer (what [`StreamRef::Page`] addresses), or
/// the first stream that cannot be read.
pub fn page_content(doc: &Document, page: ObjectId) -> Result<Vec<u8>, ObjectId> {
    let mut parts = Vec::new();
    for id in doc.get_page_contents(page) {
        match doc.get_object(id).ok().and_then(|o| stream_bytes(o, MAX_STREAM)) {
            Some(b) => parts.push(b),
            None => return Err(id),
        }
    }
    Ok(join_streams(&parts))
}

/// The decompressed content of a Form XObject (bounded), for the writer.
pub fn form_content(doc: &Document, id: ObjectId) -> Option<Vec<u8>> {
    doc.get_object(id).ok().and_then(|o| stream_bytes(o, MAX_STREAM))
}

/// The page's visible area: the crop box (default: the media box) clipped to the media box,
/// both inherited through the page tree.
pub fn page_area(doc: &Document, page: ObjectId) -> Option<[f32; 4]> {
    let find = |key: &[u8]| -> Option<[f32; 4]> {
        let mut id = page;
        for _ in 0..64 {
            let d = doc.get_dictionary(id).ok()?;
            if let Ok(o) = d.get(key)
                && let Ok((_, Object::Array(a))) = doc.dereference(o)
                && a.len() == 4
            {
                let v: Vec<f32> = a
                    .iter()
                    .filter_map(|x| doc.dereference(x).ok().and_then(|(_, x)| num(x)))
                    .collect();
                if v.len() == 4 {
                    return Some([v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])]);
                }
            }
            id = d.get(b"Parent").ok()?.as_reference().ok()?;
        }
        None
    };
    let media = find(b"MediaBox");
    match (find(b"CropBox"), media) {
        (Some(c), Some(m)) => Some(intersect(&c, &m)).filter(|r| !empty(r)).or(Some(m)),
        (c, m) => c.or(m),
    }
}

/// The optional content groups the document's default configuration switches off.
fn off_groups(doc: &Document) -> rustc_hash::FxHashSet<ObjectId> {
    let mut out = rustc_hash::FxHashSet::default();
    let d = |o: &Object| doc.dereference(o).map(|(_, o)| o.clone()).unwrap_or_else(|_| o.clone());
    if let Ok(cat) = doc.catalog()
        && let Ok(oc) = cat.get(b"OCProperties").map(d)
        && let Ok(oc) = oc.as_dict()
        && let Ok(dflt) = oc.get(b"D").map(d)
        && let Ok(dflt) = dflt.as_dict()
    {
        let base_off = dflt.get(b"BaseState").ok().and_then(|b| b.as_name().ok()) == Some(b"OFF");
        if let Ok(Object::Array(off)) = dflt.get(b"OFF").map(d) {
            out.extend(off.iter().filter_map(|o| o.as_reference().ok()));
        }
        if base_off && let Ok(Object::Array(all)) = oc.get(b"OCGs").map(d) {
            let on: Vec<ObjectId> = match dflt.get(b"ON").map(d) {
                Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
                _ => Vec::new(),
            };
            out.extend(
                all.iter()
                    .filter_map(|o| o.as_reference().ok())
                    .filter(|id| !on.contains(id)),
            );
        }
    }
    out
}

/// Interprets one page.
pub fn scan_page(doc: &Document, page: ObjectId) -> PageScan {
    let mut it = Interp {
        doc,
        fonts: Vec::new(),
        font_ids: FxHashMap::default(),
        out: PageScan::default(),
        form_stack: Vec::new(),
        placements: 0,
        off_groups: off_groups(doc),
        off_depth: 0,
    };
    it.out.crop = page_area(doc, page);
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
        stroke: 0.0,
        line_width: 1.0,
        fill_alpha: 1.0,
        stroke_alpha: 1.0,
        blend: Blend::Normal,
        soft_mask: false,
        clip: NO_CLIP,
    };
    let bytes = match page_content(doc, page) {
        Ok(b) => b,
        Err(id) => {
            it.out.problems.push(unreadable_stream("content stream", id));
            return it.out;
        }
    };
    let mut stack: Vec<GState> = Vec::new();
    let stray = it.run(&bytes, StreamRef::Page, &resources, &mut gs, &mut stack, 0);
    it.out.stray_q = stray;
    it.out.open_q = stack.len();
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

/// Bounding box in page space of the unit square under `m`.
fn unit_box(m: &Matrix) -> [f32; 4] {
    let pts = [
        apply(m, 0.0, 0.0),
        apply(m, 1.0, 1.0),
        apply(m, 1.0, 0.0),
        apply(m, 0.0, 1.0),
    ];
    [
        pts.iter().map(|p| p.0).fold(f32::MAX, f32::min),
        pts.iter().map(|p| p.1).fold(f32::MAX, f32::min),
        pts.iter().map(|p| p.0).fold(f32::MIN, f32::max),
        pts.iter().map(|p| p.1).fold(f32::MIN, f32::max),
    ]
}

/// The path under construction: its bounding box in page space and whether it is one
/// axis-aligned rectangle.
#[derive(Default)]
struct Path {
    bbox: Option<[f32; 4]>,
    /// Points of `m`/`l` subpaths, to recognise a rectangle drawn with lines.
    points: Vec<(f32, f32)>,
    rects: usize,
    /// Each `re` of the path in page space (a redaction tool may fill many boxes at once).
    rect_list: Vec<[f32; 4]>,
    curves: bool,
    subpaths: usize,
}

impl Path {
    fn extend(&mut self, (x, y): (f32, f32)) {
        let r = self.bbox.get_or_insert([x, y, x, y]);
        *r = [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)];
    }

    fn rectangle(&self) -> bool {
        if self.curves {
            return false;
        }
        if self.rects == 1 && self.subpaths == 0 {
            return true;
        }
        // m + 3 or 4 l (+ h): every point on the bounding box's corners.
        if self.rects == 0
            && self.subpaths == 1
            && (4..=5).contains(&self.points.len())
            && let Some(b) = self.bbox
        {
            let near = |a: f32, b: f32| (a - b).abs() < 0.01 * (1.0 + a.abs());
            return self
                .points
                .iter()
                .all(|&(x, y)| (near(x, b[0]) || near(x, b[2])) && (near(y, b[1]) || near(y, b[3])));
        }
        false
    }
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

    /// Is an optional-content group or membership dictionary (`/OC` of a `BDC` or an XObject)
    /// switched off? A membership dictionary is off when its policy says so (default AnyOn:
    /// off when all its groups are off).
    fn oc_off(&self, o: &Object) -> bool {
        if self.off_groups.is_empty() {
            return false;
        }
        let (id, obj) = match self.doc.dereference(o) {
            Ok(x) => x,
            Err(_) => return false,
        };
        let Ok(d) = obj.as_dict() else { return false };
        if d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"OCMD") {
            let groups: Vec<ObjectId> = match d.get(b"OCGs").map(|g| self.doc.dereference(g).map(|(_, g)| g.clone())) {
                Ok(Ok(Object::Array(a))) => a.iter().filter_map(|x| x.as_reference().ok()).collect(),
                Ok(Ok(Object::Reference(r))) => vec![r],
                _ => d.get(b"OCGs").and_then(|x| x.as_reference()).into_iter().collect(),
            };
            if groups.is_empty() {
                return false;
            }
            let off = |g: &ObjectId| self.off_groups.contains(g);
            return match d.get(b"P").and_then(|p| p.as_name()).unwrap_or(b"AnyOn") {
                b"AllOn" => groups.iter().any(off),
                b"AnyOff" => groups.iter().any(off),
                b"AllOff" => !groups.iter().all(off),
                _ => groups.iter().all(off),
            };
        }
        id.is_some_and(|id| self.off_groups.contains(&id))
    }

    /// Applies an ExtGState (`gs`): opacity, blend mode, soft mask, and a font set there.
    fn ext_gstate(&mut self, res: &Dictionary, name: &[u8], gs: &mut GState) {
        let Some((_, obj)) = self.resource(res, b"ExtGState", name) else {
            return;
        };
        let Ok(d) = obj.as_dict() else { return };
        let d = d.clone();
        let get = |k: &[u8]| {
            d.get(k).ok().map(|o| {
                self.doc
                    .dereference(o)
                    .map(|(_, o)| o.clone())
                    .unwrap_or_else(|_| o.clone())
            })
        };
        if let Some(a) = get(b"ca").as_ref().and_then(num) {
            gs.fill_alpha = a.clamp(0.0, 1.0);
        }
        if let Some(a) = get(b"CA").as_ref().and_then(num) {
            gs.stroke_alpha = a.clamp(0.0, 1.0);
        }
        if let Some(bm) = get(b"BM") {
            let first = match &bm {
                Object::Array(a) => a.first().cloned(),
                o => Some(o.clone()),
            };
            gs.blend = match first.as_ref().and_then(|o| o.as_name().ok()) {
                Some(b"Normal" | b"Compatible") | None => Blend::Normal,
                Some(b"Multiply" | b"Darken" | b"ColorBurn" | b"HardLight" | b"SoftLight" | b"Luminosity") => {
                    Blend::Darkening
                }
                Some(_) => Blend::Other,
            };
        }
        if let Some(sm) = get(b"SMask") {
            gs.soft_mask = !matches!(sm, Object::Name(ref n) if n == b"None");
        }
        if let Some(Object::Array(f)) = get(b"Font")
            && let (Some(Object::Reference(fid)), Some(size)) = (f.first(), f.get(1).and_then(num))
            && let Ok(Object::Dictionary(fd)) = self.doc.get_object(*fid)
        {
            let k = match self.font_ids.get(fid) {
                Some(&k) => k,
                None => {
                    self.fonts.push(Font::load(self.doc, fd));
                    let k = self.fonts.len() - 1;
                    self.font_ids.insert(*fid, k);
                    k
                }
            };
            gs.text.font = Some(k);
            gs.text.size = size;
        }
    }

    /// Runs one content buffer; returns the number of `Q` without a `q` (ignored).
    fn run(
        &mut self,
        bytes: &[u8],
        stream: StreamRef,
        res: &Dictionary,
        gs: &mut GState,
        stack: &mut Vec<GState>,
        placement: u32,
    ) -> usize {
        let mut stray = 0;
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut path = Path::default();
        // `W`/`W*` mark the current path as the next clip, applied when the path is painted.
        let mut pending_clip = false;
        // Per marked-content level: did it switch optional content off?
        let mut marked: Vec<bool> = Vec::new();
        for (op_index, op) in Lexer::new(bytes).enumerate() {
            // Many operators (or forms drawn many times) must not outlast the time limit.
            if op_index % 1024 == 0 && crate::limits::check_time().is_err() {
                return stray;
            }
            if self.out.glyphs.len() > MAX_GLYPHS_PER_PAGE {
                let p = format!("more than {MAX_GLYPHS_PER_PAGE} glyphs on one page (a hostile or broken file?)");
                if !self.out.problems.contains(&p) {
                    self.out.problems.push(p);
                }
                return stray;
            }
            let o = &op.operands;
            // Inside switched-off optional content nothing is drawn: the operations are
            // recorded for removal; text is still read (its glyphs are hidden, not lost).
            match op.operator {
                b"BDC" => {
                    let off = self.off_depth > 0
                        || (matches!(o.first(), Some(Object::Name(n)) if n == b"OC")
                            && match o.get(1) {
                                Some(Object::Name(n)) => {
                                    self.resource(res, b"Properties", n).is_some_and(|(id, obj)| match id {
                                        Some(id) => self.oc_off(&Object::Reference(id)),
                                        None => self.oc_off(obj),
                                    })
                                }
                                Some(d @ Object::Dictionary(_)) => self.oc_off(d),
                                _ => false,
                            });
                    if off {
                        self.off_depth += 1;
                    }
                    marked.push(off);
                }
                b"BMC" => marked.push(self.off_depth > 0),
                b"EMC" if marked.pop() == Some(true) => {
                    self.off_depth = self.off_depth.saturating_sub(1);
                }
                _ => {}
            }
            if self.off_depth > 0 {
                // Text state, positioning and the graphics state still run, so what follows
                // the hidden content stays where it was; its text is hidden glyphs, and its
                // painting is recorded for removal and skipped here.
                if matches!(
                    op.operator,
                    b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" | b"S" | b"s" | b"sh" | b"Do" | b"BI"
                ) {
                    self.out.off_ops.push((stream, op_index));
                    path = Path::default();
                    pending_clip = false;
                    continue;
                }
            }
            match op.operator {
                b"m" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 2) {
                        let p = apply(&gs.ctm, v[0], v[1]);
                        path.extend(p);
                        path.subpaths += 1;
                        path.points.clear();
                        path.points.push(p);
                    }
                }
                b"l" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 2) {
                        let p = apply(&gs.ctm, v[0], v[1]);
                        path.extend(p);
                        path.points.push(p);
                    }
                }
                b"c" | b"v" | b"y" => {
                    path.curves = true;
                    if let Some(v) = nums(o) {
                        for p in v.chunks_exact(2) {
                            path.extend(apply(&gs.ctm, p[0], p[1]));
                        }
                    }
                }
                b"re" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 4) {
                        path.rects += 1;
                        let mut one: Option<[f32; 4]> = None;
                        for (x, y) in [
                            (v[0], v[1]),
                            (v[0] + v[2], v[1] + v[3]),
                            (v[0] + v[2], v[1]),
                            (v[0], v[1] + v[3]),
                        ] {
                            let p = apply(&gs.ctm, x, y);
                            path.extend(p);
                            let r = one.get_or_insert([p.0, p.1, p.0, p.1]);
                            *r = [r[0].min(p.0), r[1].min(p.1), r[2].max(p.0), r[3].max(p.1)];
                        }
                        if path.rect_list.len() < 4096 {
                            path.rect_list.extend(one);
                        }
                        // A rectangle under a rotation is not axis-aligned in page space.
                        if gs.ctm[1].abs() > 1e-3 || gs.ctm[2].abs() > 1e-3 {
                            path.curves = true;
                        }
                    }
                }
                b"W" | b"W*" => pending_clip = true,
                b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" | b"S" | b"s" | b"n" => {
                    let painted = std::mem::take(&mut path);
                    let fills = !matches!(op.operator, b"S" | b"s" | b"n");
                    if let Some(rect) = painted.bbox {
                        let within = intersect(&rect, &gs.clip);
                        if fills && !empty(&within) {
                            let opaque = !gs.soft_mask
                                && gs.fill_alpha >= 0.95
                                && match gs.blend {
                                    Blend::Normal => true,
                                    Blend::Darkening => gs.fill < 0.35,
                                    Blend::Other => false,
                                };
                            // Boxes filled in one path (`re re re f`) are each a box.
                            let several = painted.rects > 1
                                && painted.subpaths == 0
                                && !painted.curves
                                && painted.rect_list.len() == painted.rects;
                            if several {
                                for r in &painted.rect_list {
                                    let within = intersect(r, &gs.clip);
                                    if !empty(&within) {
                                        self.out.fills.push(Fill {
                                            rect: within,
                                            lum: gs.fill,
                                            after_glyphs: self.out.glyphs.len(),
                                            opaque,
                                            rectangle: true,
                                        });
                                    }
                                }
                            } else {
                                self.out.fills.push(Fill {
                                    rect: within,
                                    lum: gs.fill,
                                    after_glyphs: self.out.glyphs.len(),
                                    opaque,
                                    rectangle: painted.rectangle(),
                                });
                            }
                        }
                        // A thick straight stroke (a marker line over a name) covers like a box.
                        let scale = (gs.ctm[0] * gs.ctm[3] - gs.ctm[1] * gs.ctm[2]).abs().sqrt();
                        let width = gs.line_width * scale;
                        let straight = painted.rects == 0
                            && !painted.curves
                            && painted.points.len() == 2
                            && (rect[3] - rect[1] < 0.01 || rect[2] - rect[0] < 0.01);
                        if matches!(op.operator, b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*") && straight && width >= 3.0
                        {
                            let half = width / 2.0;
                            let band = [rect[0] - half, rect[1] - half, rect[2] + half, rect[3] + half];
                            let within = intersect(&band, &gs.clip);
                            if !empty(&within) {
                                self.out.fills.push(Fill {
                                    rect: within,
                                    lum: gs.stroke,
                                    after_glyphs: self.out.glyphs.len(),
                                    opaque: !gs.soft_mask
                                        && gs.stroke_alpha >= 0.95
                                        && match gs.blend {
                                            Blend::Normal => true,
                                            Blend::Darkening => gs.stroke < 0.35,
                                            Blend::Other => false,
                                        },
                                    rectangle: true,
                                });
                            }
                        }
                        if pending_clip {
                            gs.clip = intersect(&gs.clip, &rect);
                        }
                    }
                    pending_clip = false;
                }
                b"sh" => {
                    // A shading paints the whole clip.
                    let rect = match self.out.crop {
                        Some(c) => intersect(&gs.clip, &c),
                        None => gs.clip,
                    };
                    if !empty(&rect) && rect[2] - rect[0] < 1e6 {
                        self.out.fills.push(Fill {
                            rect,
                            lum: 0.5,
                            after_glyphs: self.out.glyphs.len(),
                            opaque: !gs.soft_mask && gs.fill_alpha >= 0.95 && gs.blend == Blend::Normal,
                            rectangle: false,
                        });
                    }
                }
                b"g" | b"rg" | b"k" | b"sc" | b"scn" => {
                    if let Some(l) = nums(o).as_deref().and_then(luminance) {
                        gs.fill = l;
                    }
                }
                b"G" | b"RG" | b"K" | b"SC" | b"SCN" => {
                    if let Some(l) = nums(o).as_deref().and_then(luminance) {
                        gs.stroke = l;
                    }
                }
                b"CS" => gs.stroke = 0.0,
                b"w" => gs.line_width = o.first().and_then(num).unwrap_or(1.0).abs(),
                // A new colour space starts at its initial colour: black for the device spaces.
                b"cs" => gs.fill = 0.0,
                b"gs" => {
                    if let Some(Object::Name(n)) = o.first() {
                        self.ext_gstate(res, n, gs);
                    }
                }
                b"q" => stack.push(gs.clone()),
                b"Q" => match stack.pop() {
                    Some(s) => *gs = s,
                    // Viewers ignore a Q without its q; counted so the writer can balance the
                    // wrapper it puts around the page.
                    None => stray += 1,
                },
                b"cm" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 6) {
                        gs.ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &gs.ctm);
                    }
                }
                b"BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                b"Tc" => gs.text.char_spacing = o.first().and_then(num).unwrap_or(0.0),
                b"Tw" => gs.text.word_spacing = o.first().and_then(num).unwrap_or(0.0),
                b"Tz" => gs.text.scale = o.first().and_then(num).unwrap_or(100.0) / 100.0,
                b"TL" => gs.text.leading = o.first().and_then(num).unwrap_or(0.0),
                b"Ts" => gs.text.rise = o.first().and_then(num).unwrap_or(0.0),
                b"Tr" => gs.text.render = o.first().and_then(|x| x.as_i64().ok()).unwrap_or(0),
                b"Tf" => {
                    if let (Some(Object::Name(n)), Some(size)) = (o.first(), o.get(1).and_then(num)) {
                        gs.text.size = size;
                        match self.font(res, n) {
                            Some(f) => gs.text.font = Some(f),
                            // Viewers keep drawing with the font they had; with none, they
                            // draw nothing (the show is recorded as fontless).
                            None => {
                                let p = format!("font /{} is not in the resources", String::from_utf8_lossy(n));
                                if gs.text.font.is_none() && !self.out.problems.contains(&p) {
                                    self.out.problems.push(p);
                                }
                            }
                        }
                    }
                }
                b"Td" | b"TD" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 2) {
                        if op.operator == b"TD" {
                            gs.text.leading = -v[1];
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, v[0], v[1]], &tlm);
                        tm = tlm;
                    }
                }
                b"Tm" => {
                    if let Some(v) = nums(o).filter(|v| v.len() == 6) {
                        tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                        tm = tlm;
                    }
                }
                b"T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.text.leading], &tlm);
                    tm = tlm;
                }
                b"Tj" | b"'" | b"\"" => {
                    if op.operator != b"Tj" {
                        if op.operator == b"\"" && o.len() == 3 {
                            gs.text.word_spacing = num(&o[0]).unwrap_or(gs.text.word_spacing);
                            gs.text.char_spacing = num(&o[1]).unwrap_or(gs.text.char_spacing);
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.text.leading], &tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(s, _)) = o.last() {
                        let addr = GlyphAddr {
                            stream,
                            op: op_index,
                            elem: 0,
                            byte: 0,
                            len: 0,
                        };
                        self.show(s, gs, &mut tm, addr, placement);
                    }
                }
                b"TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        for (elem, item) in items.iter().enumerate() {
                            match item {
                                Object::String(s, _) => {
                                    let addr = GlyphAddr {
                                        stream,
                                        op: op_index,
                                        elem,
                                        byte: 0,
                                        len: 0,
                                    };
                                    self.show(s, gs, &mut tm, addr, placement)
                                }
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
                b"Do" => {
                    if let Some(Object::Name(n)) = o.first() {
                        self.draw_xobject(res, n, gs, stream, op_index);
                    }
                }
                b"BI" => {
                    let stencil = match o.first() {
                        Some(Object::Dictionary(d)) => d
                            .get(b"IM")
                            .or_else(|_| d.get(b"ImageMask"))
                            .ok()
                            .and_then(|b| b.as_bool().ok())
                            .unwrap_or(false),
                        _ => false,
                    };
                    self.out.images.push(ImageUse {
                        bbox: intersect(&unit_box(&gs.ctm), &gs.clip),
                        ctm: gs.ctm,
                        xobject: None,
                        stream,
                        op: op_index,
                        stencil,
                        after_glyphs: self.out.glyphs.len(),
                    });
                }
                _ => {}
            }
            // Text shown without a font: viewers draw nothing; the writer removes the bytes.
            if matches!(op.operator, b"Tj" | b"TJ" | b"'" | b"\"") && gs.text.font.is_none() {
                self.out.fontless.push((stream, op_index));
            }
        }
        stray
    }

    fn show(&mut self, s: &[u8], gs: &GState, tm: &mut Matrix, addr: GlyphAddr, placement: u32) {
        let Some(fi) = gs.text.font else {
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
        let alpha = if matches!(t.render, 1 | 5) {
            gs.stroke_alpha
        } else {
            gs.fill_alpha
        };
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
            // A zero-width glyph (a space in some fonts) is outside nothing.
            let probe = if bbox[2] - bbox[0] < 0.01 || bbox[3] - bbox[1] < 0.01 {
                [bbox[0] - 0.01, bbox[1] - 0.01, bbox[2] + 0.01, bbox[3] + 0.01]
            } else {
                bbox
            };
            self.out.glyphs.push(Glyph {
                text: d.unicode,
                bbox,
                origin,
                size,
                dir: (dx / len, dy / len),
                invisible,
                fill: gs.fill,
                alpha,
                clipped: empty(&intersect(&probe, &gs.clip)),
                off_layer: self.off_depth > 0,
                hidden: None,
                ocr: false,
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
                placement,
            });
            let tx = (w * t.size + t.char_spacing + if d.word_space { t.word_spacing } else { 0.0 }) * t.scale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }

    fn draw_xobject(&mut self, res: &Dictionary, name: &[u8], gs: &GState, stream: StreamRef, op: usize) {
        let Some((id, obj)) = self.resource(res, b"XObject", name) else {
            return;
        };
        let Ok(xo) = obj.as_stream() else { return };
        if let Ok(oc) = xo.dict.get(b"OC")
            && self.oc_off(oc)
        {
            self.out.off_ops.push((stream, op));
            return;
        }
        let subtype = xo.dict.get(b"Subtype").and_then(|o| o.as_name()).unwrap_or(b"");
        if subtype == b"Image" {
            let stencil = xo.dict.get(b"ImageMask").and_then(|b| b.as_bool()).unwrap_or(false);
            self.out.images.push(ImageUse {
                bbox: intersect(&unit_box(&gs.ctm), &gs.clip),
                ctm: gs.ctm,
                xobject: id,
                stream,
                op,
                stencil,
                after_glyphs: self.out.glyphs.len(),
            });
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
        let matrix = xo
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|m| self.doc.dereference(m).ok())
            .and_then(|(_, m)| m.as_array().ok())
            .and_then(|a| nums(a))
            .filter(|v| v.len() == 6)
            .map(|v| [v[0], v[1], v[2], v[3], v[4], v[5]])
            .unwrap_or(IDENTITY);
        let bbox = xo
            .dict
            .get(b"BBox")
            .ok()
            .and_then(|m| self.doc.dereference(m).ok())
            .and_then(|(_, m)| m.as_array().ok())
            .and_then(|a| nums(a))
            .filter(|v| v.len() == 4);
        let form_res = xo
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
        // The form runs in the graphics state of the place it is drawn (font included), under
        // its matrix and clipped to its bounding box; what it changes is restored after it.
        let mut inner = gs.clone();
        inner.ctm = mul(&matrix, &gs.ctm);
        if let Some(b) = bbox {
            let corners = [(b[0], b[1]), (b[2], b[3]), (b[0], b[3]), (b[2], b[1])];
            let pts: Vec<(f32, f32)> = corners.iter().map(|&(x, y)| apply(&inner.ctm, x, y)).collect();
            let r = [
                pts.iter().map(|p| p.0).fold(f32::MAX, f32::min),
                pts.iter().map(|p| p.1).fold(f32::MAX, f32::min),
                pts.iter().map(|p| p.0).fold(f32::MIN, f32::max),
                pts.iter().map(|p| p.1).fold(f32::MIN, f32::max),
            ];
            inner.clip = intersect(&inner.clip, &r);
        }
        self.form_stack.push(id);
        self.placements += 1;
        let placement = self.placements;
        let mut stack = Vec::new();
        self.run(
            &bytes,
            StreamRef::Form(id),
            &form_res,
            &mut inner,
            &mut stack,
            placement,
        );
        self.form_stack.pop();
    }
}

fn area(r: &[f32; 4]) -> f32 {
    (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0)
}

fn center_in(g: &[f32; 4], r: &[f32; 4]) -> bool {
    let (cx, cy) = ((g[0] + g[2]) / 2.0, (g[1] + g[3]) / 2.0);
    cx > r[0] && cx < r[2] && cy > r[1] && cy < r[3]
}

/// Share of a glyph's box a shape covers, below which the glyph counts as visible: a box that
/// covers most of a glyph hides it; a glyph half under a box still shows its other half.
const COVERED: f32 = 0.8;

/// Decides for every glyph of a page whether a reader sees it ([`Glyph::hidden`]), and which
/// invisible glyphs are an OCR layer over an image ([`Glyph::ocr`]).
pub fn classify(page: &mut PageScan) {
    let PageScan {
        glyphs,
        images,
        fills,
        crop,
        ..
    } = page;
    #[allow(clippy::needless_range_loop)] // the index is the glyph's place in drawing order
    for i in 0..glyphs.len() {
        // Glyphs times shapes: a hostile page of both must not outlast the time limit (the
        // loader reports the limit when this stops early).
        if i % 1024 == 0 && crate::limits::check_time().is_err() {
            return;
        }
        let g = &glyphs[i];
        let b = g.bbox;
        let over_image = images.iter().any(|im| !im.stencil && center_in(&b, &im.bbox));
        let hidden = if g.off_layer {
            Some(Hidden::OffLayer)
        } else if g.invisible {
            if over_image && g.has_text() {
                None
            } else {
                Some(Hidden::NotPainted)
            }
        } else if g.alpha < 0.05 {
            Some(Hidden::Transparent)
        } else if g.clipped {
            Some(Hidden::Clipped)
        } else if crop.is_some_and(|c| area(&intersect(&b, &c)) <= 0.0 && !(b[2] - b[0] < 0.01 && center_in(&b, &c))) {
            Some(Hidden::OffPage)
        } else if g.size < 1.0 {
            Some(Hidden::Tiny)
        } else if let Some(fi) = fills.iter().position(|f| {
            f.after_glyphs > i && f.opaque && f.rectangle && area(&intersect(&b, &f.rect)) >= COVERED * area(&b)
        }) {
            Some(Hidden::UnderFill(fi))
        } else if g.fill > 0.9 {
            // White text shows on a darker background drawn before it: a fill, an image.
            let on_dark = fills
                .iter()
                .any(|f| f.after_glyphs <= i && f.lum < g.fill - 0.2 && center_in(&b, &f.rect))
                || images.iter().any(|im| im.after_glyphs <= i && center_in(&b, &im.bbox));
            (!on_dark).then_some(Hidden::White)
        } else {
            None
        };
        let ocr = g.invisible && hidden.is_none();
        glyphs[i].hidden = hidden;
        glyphs[i].ocr = ocr;
    }
}
