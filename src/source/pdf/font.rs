//! Our own font model (PDF.md §2.5–2.6): how a string operand splits into codes, what Unicode
//! each code stands for, and how wide it is. lopdf's own decoding is not used: it ignores
//! `/ToUnicode` when `/Encoding` is present and silently falls back to StandardEncoding for
//! `Identity-H` and unknown glyph names, which would hide text from the detector.
//!
//! Precedence: `/ToUnicode` first; then, for simple fonts, the encoding (base encoding plus
//! `/Differences`) through glyph names. Anything else is undecodable, and a font that cannot
//! be decoded or measured carries a `problem`: the page is then failed closed.

use super::afm;
use super::cmap::CMap;
use super::encoding::{BaseEncoding, glyph_to_unicode};
use lopdf::{Dictionary, Document, Object};
use rustc_hash::FxHashMap;

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
}

/// A font ready to decode strings.
#[derive(Debug, Clone)]
pub struct Font {
    /// Kind.
    pub kind: FontKind,
    /// `/BaseFont`, for messages.
    pub name: String,
    /// Why this font's text cannot be trusted (no Unicode mapping, no widths, Type3, vertical).
    pub problem: Option<String>,
    to_unicode: Option<CMap>,
    encoding_cmap: CMap,
    /// Simple fonts: Unicode by code from the encoding.
    simple_unicode: Vec<Option<String>>,
    /// Simple fonts: glyph name by code (for standard-14 widths).
    glyph_names: Vec<Option<String>>,
    /// Simple fonts: width by code from `/Widths`.
    widths: Vec<Option<f32>>,
    missing_width: f32,
    std14: Option<&'static str>,
    /// Composite fonts: width by CID.
    cid_widths: FxHashMap<u32, f32>,
    default_width: f32,
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

impl Font {
    /// Reads a font dictionary. Never fails: problems are recorded in `problem`.
    pub fn load(doc: &Document, dict: &Dictionary) -> Font {
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
            widths: vec![None; 256],
            missing_width: 0.0,
            std14: afm::std14_name(&name),
            cid_widths: FxHashMap::default(),
            default_width: 1.0,
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
            FontKind::Simple => font.load_simple(doc, dict),
            FontKind::Composite => font.load_composite(doc, dict),
        }
        font
    }

    fn load_simple(&mut self, doc: &Document, dict: &Dictionary) {
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
        if self.to_unicode.is_none() && base.is_none() && !has_encoding {
            self.problem.get_or_insert(format!(
                "font {} has no ToUnicode and no encoding (symbolic font with a built-in encoding): text cannot be decoded",
                self.name
            ));
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

    fn load_composite(&mut self, doc: &Document, dict: &Dictionary) {
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
        if self.to_unicode.is_none() {
            self.problem.get_or_insert(format!(
                "font {} is a composite font without ToUnicode: its glyphs carry no Unicode",
                self.name
            ));
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

    /// Decodes a string operand into codes with their Unicode and width.
    pub fn decode(&self, bytes: &[u8]) -> Vec<Decoded> {
        match self.kind {
            FontKind::Composite => self
                .encoding_cmap
                .split(bytes)
                .into_iter()
                .map(|c| {
                    let unicode = if c.valid {
                        self.to_unicode
                            .as_ref()
                            .and_then(|t| t.unicode(c.code, c.len))
                            .map(str::to_string)
                    } else {
                        None
                    };
                    let cid = self.encoding_cmap.cid(c.code, c.len).unwrap_or(c.code);
                    Decoded {
                        offset: c.offset,
                        len: c.len,
                        unicode,
                        width: self.cid_widths.get(&cid).copied().unwrap_or(self.default_width),
                        word_space: c.len == 1 && c.code == 32,
                    }
                })
                .collect(),
            _ => bytes
                .iter()
                .enumerate()
                .map(|(i, &b)| {
                    let code = b as usize;
                    let unicode = match &self.to_unicode {
                        Some(t) => t
                            .unicode(b as u32, 1)
                            .map(str::to_string)
                            .or_else(|| self.simple_unicode[code].clone()),
                        None => self.simple_unicode[code].clone(),
                    };
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
                    }
                })
                .collect(),
        }
    }
}
