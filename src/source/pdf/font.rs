//! Our own font model (PDF.md §2.5–2.6): how a string operand splits into codes, what Unicode
//! each code stands for, and how wide it is. lopdf's own decoding is not used: it ignores
//! `/ToUnicode` when `/Encoding` is present and silently falls back to StandardEncoding for
//! `Identity-H` and unknown glyph names, which would hide text from the detector.
//!
//! Precedence: `/ToUnicode` first; then, for simple fonts, the encoding (base encoding plus
//! `/Differences`) through glyph names; then the embedded font program's own cmap and glyph
//! names ([`super::fontprog`]), for codes the first two leave unmapped or map to the Private
//! Use Area or U+FFFD (which say "unknown" and hide cairo's ligatures); last, for a font that
//! has no ToUnicode and whose program names nothing, identical glyphs of other fonts of its
//! family in the document. A code none of these decodes has no Unicode (`Decoded::unicode` is
//! `None`: the caller decides what an unknown glyph blocks); a font that decodes nothing at
//! all, or cannot be measured, carries a `problem`. `Decoded::source` says where each code's
//! text came from.

use super::afm;
use super::cmap::CMap;
use super::encoding::{BaseEncoding, glyph_to_unicode};
use super::fontprog::{self, CidToGid, Program, ProgramError, ProgramKind, SimpleCodes, usable};
use lopdf::{Dictionary, Document, Object};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Kind of font, as far as text extraction cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontKind {
    /// Type1, TrueType, MMType1: one byte per code.
    Simple,
    /// Type0 with a CID font: codes split by the encoding CMap.
    Composite,
    /// Type3: glyphs are drawn by content streams; never trusted.
    Type3,
}

/// One code of a shown string, decoded.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Byte offset of the code in the string operand.
    pub offset: usize,
    /// Code length in bytes.
    pub len: u8,
    /// Unicode text, or `None` when the font gives no trustworthy mapping for it.
    pub unicode: Option<String>,
    /// Advance width in text space units (1/1000 em already divided out).
    pub width: f32,
    /// A single-byte code 32: word spacing (`Tw`) applies to it.
    pub word_space: bool,
    /// Where `unicode` came from (`None` with it).
    pub source: Option<UnicodeSource>,
}

/// Where the Unicode of a code came from, so that reports can say how text was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnicodeSource {
    /// The font's `/ToUnicode` CMap.
    ToUnicode,
    /// A simple font's encoding: the glyph name `/Encoding` (or StandardEncoding) gives the code.
    Encoding,
    /// The embedded font program: its cmap or its glyph names ([`super::fontprog`]).
    FontProgram,
    /// Another font of the same family in the document draws this very glyph (same outline,
    /// same advance) and states its Unicode ([`super::fontprog::outline_keys`]): Word writes
    /// composite subsets without any Unicode next to simple subsets of the same face with it.
    SameGlyph,
}

/// Where the embedded font program is, kept unread until a code needs it.
#[derive(Debug, Clone)]
struct ProgramSource {
    kind: ProgramKind,
    /// The `/FontFile*` stream; `None` when the descriptor has none.
    file: Option<Object>,
    /// A CIDFontType2's `/CIDToGIDMap` when it is a stream.
    cid_map: Option<Object>,
}

/// The program as read, with the CID → glyph map its composite font uses.
#[derive(Debug, Clone)]
struct Loaded {
    program: Program,
    cid_map: CidToGid,
}

impl Loaded {
    /// A glyph's text from the program, or else from an identical glyph of another font.
    fn glyph_text(&self, gid: u16) -> Option<(String, UnicodeSource)> {
        let p = &self.program;
        (p.unicode(gid).map(|t| (t, UnicodeSource::FontProgram)))
            .or_else(|| p.matched(gid).map(|t| (t, UnicodeSource::SameGlyph)))
            .map(|(t, s)| (t.to_string(), s))
    }

    fn code_matched(&self, code: u8) -> Option<&str> {
        self.program.matched(self.program.code_gid(code)?)
    }
}

/// A font ready to decode strings.
#[derive(Debug, Clone)]
pub struct Font {
    /// Kind.
    pub kind: FontKind,
    /// `/BaseFont`, for messages.
    pub name: String,
    /// Why this font's text cannot be trusted as a whole: no code decodes at all, no widths,
    /// Type3, vertical writing, an unsupported encoding. Single codes without Unicode are not a
    /// problem of the font: they decode to `None`.
    pub problem: Option<String>,
    to_unicode: Option<CMap>,
    encoding_cmap: CMap,
    /// Simple fonts: Unicode by code from the encoding.
    simple_unicode: Vec<Option<String>>,
    /// Simple fonts: glyph name by code (for standard-14 widths).
    glyph_names: Vec<Option<String>>,
    /// Simple fonts without a base encoding: unnamed codes use the program's built-in one.
    builtin_encoding: bool,
    /// Simple fonts: width by code from `/Widths`.
    widths: Vec<Option<f32>>,
    missing_width: f32,
    std14: Option<&'static str>,
    /// Composite fonts: width by CID.
    cid_widths: FxHashMap<u32, f32>,
    default_width: f32,
    program_source: Option<ProgramSource>,
    /// A pictograph font (Symbol, Wingdings): its Private Use code points are its symbols by
    /// Microsoft's convention (U+F0B7 a bullet), not letters hidden from the text.
    pictographs: bool,
    /// Read on first need: most fonts decode fully without their program, and reading one
    /// costs a decompression and a cmap scan.
    program: OnceLock<Result<Loaded, ProgramError>>,
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

fn name_of(o: Option<&Object>) -> Option<String> {
    o.and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

/// Decompressed bytes of a stream object, bounded against decompression bombs: by `limit` for
/// the one stream and by what is left of the document's budget ([`crate::limits`]).
pub fn stream_bytes(o: &Object, limit: usize) -> Option<Vec<u8>> {
    let s = o.as_stream().ok()?;
    if s.dict.get(b"Filter").is_ok() {
        let allowance = crate::limits::decompress_allowance(limit);
        match s.decompressed_content_with_limit(allowance) {
            Ok(b) => {
                crate::limits::spend_decompressed(b.len());
                Some(b)
            }
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
                crate::limits::decompress_failed(allowance, limit);
                None
            }
            Err(_) => None,
        }
    } else {
        Some(s.content.clone())
    }
}

const CMAP_LIMIT: usize = 8 << 20;

/// The embedded program a font descriptor names, unread.
fn program_source(doc: &Document, descriptor: Option<&Dictionary>, cid_map: Option<&Object>) -> ProgramSource {
    let file = |key: &[u8]| {
        descriptor
            .and_then(|d| get(doc, d, key))
            .filter(|o| o.as_stream().is_ok())
    };
    let (kind, file) = if let Some(f) = file(b"FontFile2") {
        (ProgramKind::TrueType, Some(f))
    } else if let Some(f) = file(b"FontFile3") {
        let subtype = f.as_stream().ok().and_then(|s| name_of(get(doc, &s.dict, b"Subtype")));
        let kind = match subtype.as_deref() {
            Some("OpenType") => ProgramKind::OpenType,
            _ => ProgramKind::Cff,
        };
        (kind, Some(f))
    } else {
        (ProgramKind::Type1, file(b"FontFile"))
    };
    ProgramSource {
        kind,
        file: file.cloned(),
        cid_map: cid_map.filter(|o| o.as_stream().is_ok()).cloned(),
    }
}

/// Fonts of pictographs, by the name producers give them: what they draw are symbols (bullets,
/// arrows, check marks), mapped into the Private Use Area by convention.
fn is_pictograph_font(base_font: &str) -> bool {
    let name = base_font
        .split_once('+')
        .map_or(base_font, |(_, n)| n)
        .to_ascii_lowercase();
    ["symbol", "wingding", "webding", "dingbat", "marlett"]
        .iter()
        .any(|p| name.contains(p))
}

/// The text a CMap or encoding gives, when it can stand for the glyph.
fn usable_text(t: Option<&str>) -> Option<&str> {
    t.filter(|t| usable(t))
}

/// Fonts of the family searched for glyphs drawn identically, at most.
const MAX_DONORS: usize = 8;

/// A `/BaseFont` without its subset tag and the CMap name some producers append.
fn family(base_font: &str) -> &str {
    let name = base_font.split_once('+').map_or(base_font, |(_, n)| n);
    name.strip_suffix("-Identity-H")
        .or_else(|| name.strip_suffix("-Identity-V"))
        .unwrap_or(name)
}

/// Glyph outline keys of the fonts of `family` in the document, each with the text its font
/// states for it (ToUnicode or encoding); `None` where fonts disagree about one outline.
fn stated_outlines(doc: &Document, family_name: &str) -> FxHashMap<Box<[u8]>, Option<String>> {
    let mut out = FxHashMap::default();
    let mut donors = 0;
    for obj in doc.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        let subtype = name_of(get(doc, d, b"Subtype"));
        let composite = match subtype.as_deref() {
            Some("TrueType") => false,
            // Only Identity-H fonts with ToUnicode, whose codes are CIDs, state a glyph's text.
            Some("Type0") => true,
            _ => continue,
        };
        if composite
            && (get(doc, d, b"ToUnicode").is_none()
                || name_of(get(doc, d, b"Encoding")).as_deref() != Some("Identity-H"))
        {
            continue;
        }
        if name_of(get(doc, d, b"BaseFont")).is_none_or(|b| family(&b) != family_name) {
            continue;
        }
        donors += 1;
        if donors > MAX_DONORS {
            break;
        }
        Font::load_with(doc, d, false).add_stated_outlines(&mut out);
    }
    out
}

impl Font {
    /// Reads a font dictionary. Never fails: problems are recorded in `problem`.
    pub fn load(doc: &Document, dict: &Dictionary) -> Font {
        Font::load_with(doc, dict, true)
    }

    /// `load`; `match_glyphs` allows looking for this font's glyphs in other fonts of the
    /// document (off while loading those, so the search does not recurse).
    fn load_with(doc: &Document, dict: &Dictionary, match_glyphs: bool) -> Font {
        let subtype = name_of(get(doc, dict, b"Subtype")).unwrap_or_default();
        let name = name_of(get(doc, dict, b"BaseFont")).unwrap_or_else(|| "(unnamed)".into());
        let mut font = Font {
            kind: match subtype.as_str() {
                "Type0" => FontKind::Composite,
                "Type3" => FontKind::Type3,
                _ => FontKind::Simple,
            },
            name: name.clone(),
            problem: None,
            to_unicode: None,
            encoding_cmap: CMap::identity(),
            simple_unicode: vec![None; 256],
            glyph_names: vec![None; 256],
            builtin_encoding: false,
            widths: vec![None; 256],
            missing_width: 0.0,
            std14: afm::std14_name(&name),
            cid_widths: FxHashMap::default(),
            default_width: 1.0,
            program_source: None,
            pictographs: is_pictograph_font(&name),
            program: OnceLock::new(),
        };
        if let Some(tu) = get(doc, dict, b"ToUnicode") {
            match stream_bytes(tu, CMAP_LIMIT).map(|b| CMap::parse(&b)) {
                Some(Ok(cm)) if cm.has_unicode() => font.to_unicode = Some(cm),
                Some(Ok(_)) => {}
                Some(Err(e)) => font.problem = Some(format!("font {name}: unreadable ToUnicode CMap ({})", e.0)),
                None => font.problem = Some(format!("font {name}: unreadable ToUnicode stream")),
            }
        }
        match font.kind {
            FontKind::Type3 => font.problem = Some(format!("font {name} is a Type3 font (glyphs drawn as graphics)")),
            FontKind::Simple => font.load_simple(doc, dict, match_glyphs),
            FontKind::Composite => font.load_composite(doc, dict, match_glyphs),
        }
        font
    }

    fn load_simple(&mut self, doc: &Document, dict: &Dictionary, match_glyphs: bool) {
        let descriptor = get(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok());
        let flags = descriptor
            .and_then(|d| get(doc, d, b"Flags"))
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        let symbolic = flags & 4 != 0 && flags & 32 == 0;
        if let Some(mw) = descriptor.and_then(|d| get(doc, d, b"MissingWidth")).and_then(num) {
            self.missing_width = mw / 1000.0;
        }
        // Encoding: a name, or a dictionary with /BaseEncoding and /Differences.
        let enc = get(doc, dict, b"Encoding");
        let mut base = match enc {
            Some(Object::Name(n)) => BaseEncoding::from_name(n),
            Some(Object::Dictionary(d)) => {
                name_of(get(doc, d, b"BaseEncoding")).and_then(|n| BaseEncoding::from_name(n.as_bytes()))
            }
            _ => None,
        };
        let has_encoding = enc.is_some();
        // A symbolic font's own encoding (its cmap) selects the glyph of every code the PDF
        // names no glyph for, also when a standard-14 look-alike name gets StandardEncoding
        // names below (Neevia's symbolic Arial subsets show ö that way).
        self.builtin_encoding = base.is_none() && symbolic;
        if base.is_none() && (!symbolic || self.std14.is_some_and(|s| s != "Symbol" && s != "ZapfDingbats")) {
            // Non-symbolic fonts without an encoding use StandardEncoding (PDF 32000-1 §9.6.6).
            base = Some(BaseEncoding::Standard);
        }
        if let Some(b) = base {
            for code in 0..=255u8 {
                if let Some(g) = b.glyph_name(code) {
                    self.glyph_names[code as usize] = Some(g.to_string());
                }
            }
        }
        if let Some(Object::Dictionary(d)) = enc
            && let Some(diffs) = get(doc, d, b"Differences").and_then(|o| o.as_array().ok())
        {
            let mut code: i64 = -1;
            for item in diffs {
                match deref(doc, item) {
                    Object::Integer(i) => code = *i,
                    Object::Name(n) if (0..256).contains(&code) => {
                        self.glyph_names[code as usize] = Some(String::from_utf8_lossy(n).into_owned());
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
        for code in 0..256 {
            self.simple_unicode[code] = self.glyph_names[code].as_deref().and_then(glyph_to_unicode);
        }
        self.program_source = Some(program_source(doc, descriptor, None));
        // A font no code of which decodes cannot be read at all; one with a few unknown codes
        // leaves them to the caller (`Decoded::unicode` is `None`).
        let pictograph = |c: u8| {
            self.pictograph(self.to_unicode_text(u32::from(c), 1), UnicodeSource::ToUnicode)
                .or_else(|| self.pictograph(self.simple_unicode[usize::from(c)].as_deref(), UnicodeSource::Encoding))
        };
        if !(0..=255u8).any(|c| self.simple_text(c).is_some() || pictograph(c).is_some()) {
            if match_glyphs {
                self.match_glyphs(doc);
            }
            let why = match self.loaded() {
                Ok(l) if (0..=255u8).any(|c| l.program.code_unicode(c).or_else(|| l.code_matched(c)).is_some()) => None,
                Ok(_) => Some("its embedded font program names none of its glyphs".to_string()),
                Err(e) => Some(e.to_string()),
            };
            let what = if self.to_unicode.is_some() {
                "its ToUnicode maps no code to usable text"
            } else if base.is_none() && !has_encoding {
                "it has no ToUnicode and no encoding (symbolic font with a built-in encoding)"
            } else {
                "it has no ToUnicode and its glyph names carry no Unicode"
            };
            if let Some(why) = why {
                self.problem
                    .get_or_insert(format!("font {}: text cannot be decoded: {what}, and {why}", self.name));
            }
        }
        // Widths.
        let first = get(doc, dict, b"FirstChar").and_then(|o| o.as_i64().ok()).unwrap_or(0);
        if let Some(ws) = get(doc, dict, b"Widths").and_then(|o| o.as_array().ok()) {
            for (i, w) in ws.iter().enumerate() {
                let code = first + i as i64;
                if (0..256).contains(&code)
                    && let Some(w) = num(deref(doc, w))
                {
                    self.widths[code as usize] = Some(w / 1000.0);
                }
            }
        } else if self.std14.is_none() {
            self.problem.get_or_insert(format!(
                "font {} has no /Widths and is not a standard-14 font: glyph widths unknown",
                self.name
            ));
        }
    }

    fn load_composite(&mut self, doc: &Document, dict: &Dictionary, match_glyphs: bool) {
        match get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) if n == b"Identity-H" => {}
            Some(Object::Name(n)) if n == b"Identity-V" => {
                self.problem = Some(format!("font {} uses vertical writing (Identity-V)", self.name));
            }
            Some(o @ Object::Stream(_)) => match stream_bytes(o, CMAP_LIMIT).map(|b| CMap::parse(&b)) {
                Some(Ok(cm)) => self.encoding_cmap = cm,
                _ => self.problem = Some(format!("font {}: unreadable encoding CMap", self.name)),
            },
            Some(Object::Name(n)) => {
                self.problem = Some(format!(
                    "font {} uses the predefined CMap {} (not supported)",
                    self.name,
                    String::from_utf8_lossy(n)
                ));
            }
            _ => self.problem = Some(format!("font {}: composite font without an encoding", self.name)),
        }
        let descendant = get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let Some(cid) = descendant else {
            self.problem
                .get_or_insert(format!("font {}: composite font without a descendant font", self.name));
            return;
        };
        let descriptor = get(doc, cid, b"FontDescriptor").and_then(|o| o.as_dict().ok());
        // Only a CIDFontType2 (TrueType) selects glyphs through /CIDToGIDMap.
        let truetype = name_of(get(doc, cid, b"Subtype")).as_deref() == Some("CIDFontType2");
        let cid_map = get(doc, cid, b"CIDToGIDMap").filter(|_| truetype);
        self.program_source = Some(program_source(doc, descriptor, cid_map));
        if self.to_unicode.is_none() && self.problem.is_none() {
            if match_glyphs {
                self.match_glyphs(doc);
            }
            let why = match self.loaded() {
                Ok(l) if l.program.recovered() > 0 => None,
                Ok(_) => Some("its embedded font program names none of its glyphs".to_string()),
                Err(e) => Some(e.to_string()),
            };
            if let Some(why) = why {
                self.problem.get_or_insert(format!(
                    "font {} is a composite font without ToUnicode: its glyphs carry no Unicode ({why})",
                    self.name
                ));
            }
        }
        self.default_width = get(doc, cid, b"DW").and_then(num).unwrap_or(1000.0) / 1000.0;
        if let Some(w) = get(doc, cid, b"W").and_then(|o| o.as_array().ok()) {
            let items: Vec<&Object> = w.iter().map(|o| deref(doc, o)).collect();
            let mut i = 0;
            while i < items.len() {
                let Some(c) = num(items[i]) else { break };
                match items.get(i + 1) {
                    Some(Object::Array(ws)) => {
                        for (k, w) in ws.iter().enumerate() {
                            if let Some(w) = num(deref(doc, w)) {
                                self.cid_widths.insert(c as u32 + k as u32, w / 1000.0);
                            }
                        }
                        i += 2;
                    }
                    Some(last) => {
                        let (Some(last), Some(w)) = (num(last), items.get(i + 2).and_then(|o| num(o))) else {
                            break;
                        };
                        let (a, b) = (c as u32, (last as u32).min(c as u32 + 65_536));
                        for cid in a..=b {
                            self.cid_widths.insert(cid, w / 1000.0);
                        }
                        i += 3;
                    }
                    None => break,
                }
            }
        }
    }

    /// The embedded font program, read on first call.
    fn loaded(&self) -> Result<&Loaded, &ProgramError> {
        self.program.get_or_init(|| self.read_program()).as_ref()
    }

    fn read_program(&self) -> Result<Loaded, ProgramError> {
        self.read_program_from(&self.program_bytes()?)
    }

    fn program_bytes(&self) -> Result<Vec<u8>, ProgramError> {
        let src = self.program_source.as_ref().ok_or(ProgramError::Missing)?;
        let file = src.file.as_ref().ok_or(ProgramError::Missing)?;
        if src.kind == ProgramKind::Type1 {
            return Err(ProgramError::Type1);
        }
        stream_bytes(file, fontprog::MAX_PROGRAM_BYTES).ok_or(ProgramError::Unreadable)
    }

    fn read_program_from(&self, bytes: &[u8]) -> Result<Loaded, ProgramError> {
        let src = self.program_source.as_ref().ok_or(ProgramError::Missing)?;
        let codes = (self.kind == FontKind::Simple).then_some(SimpleCodes {
            names: &self.glyph_names,
            builtin: self.builtin_encoding,
        });
        let program = Program::parse(bytes, src.kind, codes)?;
        let cid_map = match &src.cid_map {
            Some(o) => CidToGid::from_bytes(&stream_bytes(o, CMAP_LIMIT).ok_or(ProgramError::Unreadable)?),
            None => CidToGid::Identity,
        };
        Ok(Loaded { program, cid_map })
    }

    /// Reads the program and fills the glyphs it leaves without Unicode from identical glyphs
    /// of other fonts of the same family ([`UnicodeSource::SameGlyph`]).
    fn match_glyphs(&mut self, doc: &Document) {
        let bytes = match self.program_bytes() {
            Ok(b) => b,
            Err(e) => {
                let _ = self.program.set(Err(e));
                return;
            }
        };
        let mut loaded = self.read_program_from(&bytes);
        if let Ok(l) = &mut loaded
            && let Ok(ours) = fontprog::outline_keys(&bytes)
        {
            let unknown = |(gid, key): (usize, &Option<Box<[u8]>>)| {
                let gid = u16::try_from(gid).ok()?;
                (key.is_some() && l.program.unicode(gid).is_none()).then_some(gid)
            };
            if ours.iter().enumerate().any(|g| unknown(g).is_some()) {
                let stated = stated_outlines(doc, family(&self.name));
                for (gid, key) in ours.iter().enumerate() {
                    if let (Ok(gid), Some(key)) = (u16::try_from(gid), key)
                        && let Some(Some(text)) = stated.get(key)
                    {
                        l.program.adopt(gid, text);
                    }
                }
            }
        }
        let _ = self.program.set(loaded);
    }

    /// Adds the outline key of every glyph whose text this font states (ToUnicode or encoding)
    /// to `out`, marking keys with conflicting texts. A glyph that draws nothing counts only as
    /// whitespace, and then as a space.
    fn add_stated_outlines(&self, out: &mut FxHashMap<Box<[u8]>, Option<String>>) {
        let Ok(bytes) = self.program_bytes() else { return };
        let (Ok(keys), Ok(loaded)) = (fontprog::outline_keys(&bytes), self.read_program_from(&bytes)) else {
            return;
        };
        let mut add = |gid: Option<u16>, text: &str| {
            let Some(key) = gid.and_then(|g| keys.get(usize::from(g))).and_then(Option::as_ref) else {
                return;
            };
            let text = if !fontprog::is_blank_key(key) {
                Some(text.to_string())
            } else if text.chars().all(char::is_whitespace) {
                Some(" ".to_string())
            } else {
                None
            };
            match out.entry(key.clone()) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(text);
                }
                std::collections::hash_map::Entry::Occupied(mut e) if *e.get() != text => {
                    e.insert(None);
                }
                std::collections::hash_map::Entry::Occupied(_) => {}
            }
        };
        match self.kind {
            FontKind::Simple => {
                for code in 0..=255u8 {
                    if let Some((text, _)) = self.simple_text(code) {
                        add(loaded.program.code_gid(code), text);
                    }
                }
            }
            FontKind::Composite => {
                let cids = match &loaded.cid_map {
                    CidToGid::Identity => keys.len(),
                    CidToGid::Map(m) => m.len(),
                };
                for cid in 0..u32::try_from(cids).unwrap_or(0) {
                    if let Some(text) = usable_text(self.to_unicode_text(cid, 2)) {
                        add(loaded.program.cid_gid(cid, &loaded.cid_map), text);
                    }
                }
            }
            FontKind::Type3 => {}
        }
    }

    /// Whether this font's embedded program was read and names the Unicode of some glyph: then
    /// codes the PDF leaves unmapped were decoded through it ([`UnicodeSource::FontProgram`]).
    /// `None` while the program has not been needed.
    pub fn program_recovers(&self) -> Option<bool> {
        self.program
            .get()
            .map(|r| r.as_ref().is_ok_and(|l| l.program.recovered() > 0))
    }

    /// ToUnicode's text for a code. A CMap whose codespace differs in length from the font's
    /// codes (Neevia writes 1-byte ToUnicode codes for a 2-byte Identity-H font) is looked up
    /// by value, as poppler and pdf.js do.
    fn to_unicode_text(&self, code: u32, len: u8) -> Option<&str> {
        let t = self.to_unicode.as_ref()?;
        t.unicode(code, len).or_else(|| {
            (1..=4u8)
                .filter(|&l| l != len && (l == 4 || code >> (8 * u32::from(l)) == 0))
                .find_map(|l| t.unicode(code, l))
        })
    }

    /// A simple font's text for a code from ToUnicode or the encoding, when usable.
    fn simple_text(&self, code: u8) -> Option<(&str, UnicodeSource)> {
        usable_text(self.to_unicode_text(u32::from(code), 1))
            .map(|t| (t, UnicodeSource::ToUnicode))
            .or_else(|| {
                usable_text(self.simple_unicode[usize::from(code)].as_deref()).map(|t| (t, UnicodeSource::Encoding))
            })
    }

    /// A pictograph font's own Private Use text, kept when nothing better is known. U+FFFD and
    /// controls stay unknown.
    fn pictograph(&self, text: Option<&str>, source: UnicodeSource) -> Option<(String, UnicodeSource)> {
        let text = text.filter(|t| self.pictographs && !t.is_empty() && !t.contains(['\u{FFFD}', '\0']))?;
        Some((text.to_string(), source))
    }

    /// Decodes a string operand into codes with their Unicode and width.
    pub fn decode(&self, bytes: &[u8]) -> Vec<Decoded> {
        match self.kind {
            FontKind::Composite => self
                .encoding_cmap
                .split(bytes)
                .into_iter()
                .map(|c| {
                    let cid = self.encoding_cmap.cid(c.code, c.len).unwrap_or(c.code);
                    let found = if c.valid {
                        usable_text(self.to_unicode_text(c.code, c.len))
                            .map(|t| (t.to_string(), UnicodeSource::ToUnicode))
                            .or_else(|| {
                                let l = self.loaded().ok()?;
                                l.glyph_text(l.program.cid_gid(cid, &l.cid_map)?)
                            })
                            .or_else(|| self.pictograph(self.to_unicode_text(c.code, c.len), UnicodeSource::ToUnicode))
                    } else {
                        None
                    };
                    let (unicode, source) = found.unzip();
                    Decoded {
                        offset: c.offset,
                        len: c.len,
                        unicode,
                        width: self.cid_widths.get(&cid).copied().unwrap_or(self.default_width),
                        word_space: c.len == 1 && c.code == 32,
                        source,
                    }
                })
                .collect(),
            _ => bytes
                .iter()
                .enumerate()
                .map(|(i, &b)| {
                    let code = b as usize;
                    let found = self
                        .simple_text(b)
                        .map(|(t, s)| (t.to_string(), s))
                        .or_else(|| {
                            let l = self.loaded().ok()?;
                            l.glyph_text(l.program.code_gid(b)?)
                        })
                        .or_else(|| self.pictograph(self.to_unicode_text(u32::from(b), 1), UnicodeSource::ToUnicode))
                        .or_else(|| self.pictograph(self.simple_unicode[code].as_deref(), UnicodeSource::Encoding));
                    let (unicode, source) = found.unzip();
                    let width = self.widths[code]
                        .or_else(|| {
                            let font = self.std14?;
                            let g = self.glyph_names[code].as_deref()?;
                            afm::std14_width(font, g).map(|w| w as f32 / 1000.0)
                        })
                        .unwrap_or(self.missing_width);
                    Decoded {
                        offset: i,
                        len: 1,
                        unicode,
                        width,
                        word_space: b == 32,
                        source,
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fontprog::build::{cmap, composite_glyph, format0, format4, outlines, post, sfnt, simple_glyph};
    use super::*;
    use lopdf::{Stream, dictionary};

    fn stream(doc: &mut Document, bytes: &[u8]) -> Object {
        Object::Reference(doc.add_object(Stream::new(Dictionary::new(), bytes.to_vec())))
    }

    fn to_unicode(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut s = String::from("begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
        s += &format!("{} beginbfchar\n", pairs.len());
        for (c, u) in pairs {
            s += &format!("<{c}> <{u}>\n");
        }
        s += "endbfchar\nendcmap\n";
        s.into_bytes()
    }

    /// A Type0 Identity-H font over a TrueType program, with an optional ToUnicode and
    /// `/CIDToGIDMap` stream.
    fn composite(program: &[u8], tu: Option<&[u8]>, cid_map: Option<&[u8]>) -> (Document, Dictionary) {
        let mut doc = Document::with_version("1.7");
        let file = stream(&mut doc, program);
        let descriptor = doc.add_object(
            dictionary! {"Type" => "FontDescriptor", "FontName" => "ABCDEF+Test", "Flags" => 32, "FontFile2" => file},
        );
        let mut cid = dictionary! {"Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+Test", "FontDescriptor" => descriptor, "DW" => 500};
        if let Some(m) = cid_map {
            cid.set("CIDToGIDMap", stream(&mut doc, m));
        }
        let cid = doc.add_object(cid);
        let mut font = dictionary! {"Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+Test", "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()]};
        if let Some(tu) = tu {
            font.set("ToUnicode", stream(&mut doc, tu));
        }
        (doc, font)
    }

    fn text(font: &Font, bytes: &[u8]) -> Vec<(Option<String>, Option<UnicodeSource>)> {
        font.decode(bytes).into_iter().map(|d| (d.unicode, d.source)).collect()
    }

    fn ligature_program() -> Vec<u8> {
        sfnt(&[
            (b"cmap", cmap(&[(3, 1, format4(&[(0x41, 1), (0xE01E, 2)]))])),
            (b"post", post(&[".notdef", "A", "f_f"])),
        ])
    }

    #[test]
    fn private_use_to_unicode_is_replaced_by_the_glyph_name() {
        // cairo's ligature subset: <0002> → U+E01E, the program names glyph 2 `f_f`.
        let tu = to_unicode(&[("0001", "0041"), ("0002", "E01E"), ("0003", "FFFD")]);
        let (doc, dict) = composite(&ligature_program(), Some(&tu), None);
        let font = Font::load(&doc, &dict);
        assert_eq!(font.problem, None);
        assert_eq!(font.program_recovers(), None, "the program is read only when needed");
        let got = text(&font, &[0, 1, 0, 2, 0, 3]);
        assert_eq!(
            got,
            vec![
                (Some("A".into()), Some(UnicodeSource::ToUnicode)),
                (Some("ff".into()), Some(UnicodeSource::FontProgram)),
                (None, None),
            ]
        );
        assert_eq!(font.program_recovers(), Some(true));
    }

    #[test]
    fn composite_font_without_to_unicode_decodes_through_its_program() {
        let (doc, dict) = composite(&ligature_program(), None, None);
        let font = Font::load(&doc, &dict);
        assert_eq!(font.problem, None);
        let got = text(&font, &[0, 1, 0, 2, 0, 9]);
        assert_eq!(got[0], (Some("A".into()), Some(UnicodeSource::FontProgram)));
        assert_eq!(got[1].0.as_deref(), Some("ff"));
        assert_eq!(got[2], (None, None), "a glyph the program does not name stays unknown");
        // Through a CIDToGIDMap stream: CID 1 → glyph 2, CID 2 → glyph 1.
        let (doc, dict) = composite(&ligature_program(), None, Some(&[0, 0, 0, 2, 0, 1]));
        let font = Font::load(&doc, &dict);
        let got: Vec<_> = text(&font, &[0, 1, 0, 2]).into_iter().map(|t| t.0).collect();
        assert_eq!(got, vec![Some("ff".to_string()), Some("A".to_string())]);
    }

    #[test]
    fn composite_font_whose_program_names_nothing_has_a_problem() {
        let bare = sfnt(&[(b"cmap", cmap(&[(1, 0, format0(&[(1, 1)]))]))]);
        let (doc, dict) = composite(&bare, None, None);
        let font = Font::load(&doc, &dict);
        let p = font.problem.as_deref().unwrap_or_default();
        assert!(p.contains("without ToUnicode") && p.contains("names none"), "{p}");
        let (doc, mut dict) = composite(b"garbage", None, None);
        dict.set("BaseFont", "Other");
        let p = Font::load(&doc, &dict).problem.unwrap_or_default();
        assert!(p.contains("malformed"), "{p}");
    }

    fn simple(program: &[u8], encoding: Option<Object>, flags: i64) -> (Document, Dictionary) {
        let mut doc = Document::with_version("1.7");
        let file = stream(&mut doc, program);
        let descriptor = doc.add_object(
            dictionary! {"Type" => "FontDescriptor", "FontName" => "ABCDEF+Test", "Flags" => flags, "FontFile2" => file},
        );
        let widths: Vec<Object> = vec![500.into(); 256];
        let mut font = dictionary! {"Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+Test", "FirstChar" => 0, "Widths" => widths, "FontDescriptor" => descriptor};
        if let Some(e) = encoding {
            font.set("Encoding", e);
        }
        (doc, font)
    }

    #[test]
    fn symbolic_truetype_without_encoding_uses_its_symbol_cmap() {
        let program = sfnt(&[
            (b"cmap", cmap(&[(3, 0, format4(&[(0xF041, 1), (0xF061, 2)]))])),
            (b"post", post(&[".notdef", "A", "f_f"])),
        ]);
        let (doc, dict) = simple(&program, None, 4);
        let font = Font::load(&doc, &dict);
        assert_eq!(font.problem, None);
        let got: Vec<_> = text(&font, b"Aab").into_iter().map(|t| t.0).collect();
        assert_eq!(got, vec![Some("A".to_string()), Some("ff".to_string()), None]);
        // The same font with a program that names nothing cannot be decoded at all.
        let bare = sfnt(&[(b"cmap", cmap(&[(3, 0, format4(&[(0xF041, 1)]))]))]);
        let (doc, dict) = simple(&bare, None, 4);
        let p = Font::load(&doc, &dict).problem.unwrap_or_default();
        assert!(p.contains("text cannot be decoded"), "{p}");
    }

    #[test]
    fn meaningless_differences_names_decode_through_the_program() {
        let program = sfnt(&[
            (b"cmap", cmap(&[(3, 1, format4(&[(0x4A, 1)]))])),
            (b"post", post(&[".notdef", "g1", "g2"])),
        ]);
        let diffs: Vec<Object> = vec![65.into(), Object::Name(b"g1".to_vec()), Object::Name(b"g2".to_vec())];
        let enc = Object::Dictionary(dictionary! {"Type" => "Encoding", "Differences" => diffs});
        let (doc, dict) = simple(&program, Some(enc), 4);
        let font = Font::load(&doc, &dict);
        assert_eq!(font.problem, None);
        let got = text(&font, b"AB");
        assert_eq!(got[0], (Some("J".into()), Some(UnicodeSource::FontProgram)));
        assert_eq!(got[1], (None, None), "g2 names nothing and the cmap does not map it");
    }

    #[test]
    fn pictograph_fonts_keep_their_private_use_symbols() {
        let program = sfnt(&[(b"cmap", cmap(&[(1, 0, format0(&[(1, 1)]))]))]);
        let tu =
            b"begincmap 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <01> <F0B7> endbfchar endcmap";
        let (mut doc, mut dict) = simple(&program, None, 4);
        dict.set("ToUnicode", stream(&mut doc, tu));
        for (name, want) in [("ABCDEF+OpenSymbol", Some("\u{F0B7}")), ("ABCDEF+Calibri", None)] {
            dict.set("BaseFont", name);
            let font = Font::load(&doc, &dict);
            assert_eq!(font.decode(&[1])[0].unicode.as_deref(), want, "{name}");
        }
    }

    #[test]
    fn to_unicode_is_looked_up_by_code_value_across_code_lengths() {
        // Neevia: a 1-byte ToUnicode for a 2-byte Identity-H font.
        let tu = b"begincmap 1 begincodespacerange <00> <ff> endcodespacerange 1 beginbfrange <44> <45> <0061> endbfrange endcmap";
        let (doc, dict) = composite(&ligature_program(), Some(tu), None);
        let font = Font::load(&doc, &dict);
        let got: Vec<_> = text(&font, &[0, 0x44, 0, 0x45]).into_iter().map(|t| t.0).collect();
        assert_eq!(got, vec![Some("a".to_string()), Some("b".to_string())]);
    }

    #[test]
    fn glyphs_without_unicode_take_it_from_identical_glyphs_of_the_family() {
        let (a, b, e, acute, x) = (
            simple_glyph(1),
            simple_glyph(2),
            simple_glyph(3),
            simple_glyph(4),
            simple_glyph(5),
        );
        // The donor: a simple subset with ToUnicode, codes → glyphs through its (1,0) cmap.
        let mut tables = outlines(&[
            (0, Vec::new()),
            (600, a.clone()),
            (600, b.clone()),
            (500, composite_glyph([4, 5])),
            (500, e.clone()),
            (0, acute.clone()),
            (250, Vec::new()),
        ]);
        tables.push((
            b"cmap",
            cmap(&[(1, 0, format0(&[(0x41, 1), (0x42, 2), (0x43, 3), (0x20, 6)]))]),
        ));
        let donor_program = sfnt(&tables);
        // The font to decode: the same family renumbered, without ToUnicode, cmap or names.
        let target_program = sfnt(&outlines(&[
            (0, Vec::new()),
            (600, b.clone()),
            (500, e),
            (0, acute),
            (500, composite_glyph([2, 3])),
            (700, a),
            (250, Vec::new()),
            (600, x),
        ]));
        let (mut doc, dict) = composite(&target_program, None, None);
        let (donor_doc, mut donor) = simple(&donor_program, None, 4);
        let tu = b"begincmap 1 begincodespacerange <00> <FF> endcodespacerange 4 beginbfchar <41> <0041> <42> <0042> <43> <00E9> <20> <0020> endbfchar endcmap";
        // Move the donor's objects into the document under fresh ids.
        let file = stream(&mut doc, &donor_program);
        let descriptor = doc.add_object(dictionary! {"Type" => "FontDescriptor", "Flags" => 4, "FontFile2" => file});
        donor.set("FontDescriptor", descriptor);
        donor.set("ToUnicode", stream(&mut doc, tu));
        donor.set("BaseFont", "GHIJKL+Test-Identity-H");
        drop(donor_doc);
        doc.add_object(donor.clone());
        let font = Font::load(&doc, &dict);
        assert_eq!(font.problem, None);
        let got = text(&font, &[0, 1, 0, 4, 0, 5, 0, 6, 0, 7]);
        assert_eq!(got[0], (Some("B".into()), Some(UnicodeSource::SameGlyph)));
        assert_eq!(
            got[1].0.as_deref(),
            Some("\u{e9}"),
            "a composite glyph matches through its components"
        );
        assert_eq!(
            got[2],
            (None, None),
            "the same outline with another advance is another glyph"
        );
        assert_eq!(got[3].0.as_deref(), Some(" "), "a blank glyph matches a stated space");
        assert_eq!(got[4], (None, None), "a glyph no other font has stays unknown");
        // A second donor that states glyph B as another letter makes it ambiguous.
        let tu2 =
            b"begincmap 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <42> <0058> endbfchar endcmap";
        donor.set("ToUnicode", stream(&mut doc, tu2));
        doc.add_object(donor);
        let font = Font::load(&doc, &dict);
        assert_eq!(text(&font, &[0, 1])[0], (None, None));
        assert_eq!(text(&font, &[0, 4])[0].0.as_deref(), Some("\u{e9}"));
    }

    #[test]
    fn codes_an_encoding_leaves_unnamed_use_the_built_in_encoding_only_of_symbolic_fonts() {
        // Neevia's symbolic Arial subset without /Encoding: StandardEncoding names most codes
        // (Arial looks like Helvetica), but not 0xF6, which its (1,0) cmap maps to ö.
        let program = sfnt(&[(
            b"cmap",
            cmap(&[
                (1, 0, format0(&[(0x41, 1), (0xF6, 2)])),
                (3, 1, format4(&[(0x41, 1), (0xF6, 2)])),
            ]),
        )]);
        let (doc, mut dict) = simple(&program, None, 4);
        dict.set("BaseFont", "UJAQZT+Arial-BoldMT");
        let font = Font::load(&doc, &dict);
        assert_eq!(
            text(&font, &[0x41, 0xF6]),
            vec![
                (Some("A".into()), Some(UnicodeSource::Encoding)),
                (Some("\u{f6}".into()), Some(UnicodeSource::FontProgram)),
            ]
        );
        // With an encoding of the PDF's, a code it leaves undefined selects no glyph.
        let (doc, dict) = simple(&program, Some(Object::Name(b"StandardEncoding".to_vec())), 4);
        let font = Font::load(&doc, &dict);
        assert_eq!(text(&font, &[0xF6]), vec![(None, None)]);
    }
}
