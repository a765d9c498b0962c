//! Unicode from the embedded font program, for glyphs the PDF gives no usable mapping
//! (PDF.md §2.6 steps 2–3 and §3 "Other producers"): a composite font without `/ToUnicode`, a
//! ToUnicode that maps a glyph into the Private Use Area (cairo's ligatures), a symbolic
//! TrueType font with only its built-in encoding, or `/Differences` with meaningless names.
//!
//! A glyph's Unicode is taken only from what the font itself states: a Unicode `cmap` subtable
//! ((3,1), (3,10), (0,*)) that maps some code point to the glyph, or a meaningful glyph name
//! in the `post` table or the CFF charset (`f_f`, `fi`, `uniFB01`; see
//! [`glyph_to_unicode`]). Names such as `g12` or `glyph7`, Private Use code points and
//! controls carry no text and are never used. When a font's cmap and its names disagree on
//! more than a few glyphs, one of them is stale (a subsetter renumbered glyphs and kept the
//! other table) and nothing from that program is trusted.
//!
//! A program that states nothing (Word's and cairo's TrueType subsets keep neither cmap nor
//! post) can still be compared with the other fonts of the document: [`outline_keys`] gives
//! each glyph a key of its outline and advance, and a glyph drawn identically by a font of the
//! same family whose Unicode the PDF states takes that Unicode ([`Program::adopt`]).
//!
//! Font programs are hostile input: ttf-parser reads them without panicking, and the work done
//! here is bounded by the program's size, its glyph count (at most 65 536) and the document's
//! time limit.

use super::encoding::glyph_to_unicode;
use rustc_hash::FxHashMap;
use ttf_parser::{GlyphId, PlatformId, RawFace, Tag, cff, cmap, post};

/// Largest decompressed font program read; CJK fonts reach a few tens of MiB, Dutch memos use
/// subsets of a few hundred KiB.
pub const MAX_PROGRAM_BYTES: usize = 32 << 20;

/// Disagreements between cmap and glyph names tolerated before a program is distrusted: real
/// fonts give a few glyphs two code points (µ U+00B5/U+03BC, Ω U+03A9/U+2126) whose name
/// follows the other one.
const MAX_DISAGREEMENTS: usize = 3;

/// What the PDF says the embedded program is (`/FontFile`, `/FontFile2`, `/FontFile3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramKind {
    /// `/FontFile2`: a TrueType program.
    TrueType,
    /// `/FontFile3` with `/Subtype /Type1C` or `/CIDFontType0C`: a bare CFF program.
    Cff,
    /// `/FontFile3` with `/Subtype /OpenType`: TrueType or CFF outlines in an OpenType file.
    OpenType,
    /// `/FontFile`: a Type 1 (PostScript) program, which is not read.
    Type1,
}

/// Why a font program gives no Unicode at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgramError {
    /// The font descriptor holds no program.
    #[error("no embedded font program")]
    Missing,
    /// The stream could not be decompressed, or is larger than [`MAX_PROGRAM_BYTES`].
    #[error("embedded font program unreadable or larger than {} MiB", MAX_PROGRAM_BYTES >> 20)]
    Unreadable,
    /// A Type 1 program: its glyph names are not read.
    #[error("embedded font program is Type 1 (not read)")]
    Type1,
    /// Not a TrueType/OpenType file, or no readable table in it.
    #[error("embedded font program is malformed ({0})")]
    Malformed(&'static str),
    /// The program's cmap and glyph names contradict each other.
    #[error("embedded font program's cmap and glyph names disagree on {0} glyphs")]
    Inconsistent(usize),
    /// The document's time limit ran out while reading the program.
    #[error("time limit reached while reading the embedded font program")]
    Time,
}

/// How a composite font's CIDs select glyphs in a TrueType program (`/CIDToGIDMap`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CidToGid {
    /// `/Identity`, or no entry: the glyph id is the CID.
    #[default]
    Identity,
    /// A stream of big-endian 2-byte glyph ids indexed by CID.
    Map(Vec<u16>),
}

impl CidToGid {
    /// Reads a `/CIDToGIDMap` stream's bytes. A CID cannot exceed 65 535, so bytes past 128 KiB
    /// are ignored, as is an odd last byte.
    pub fn from_bytes(bytes: &[u8]) -> CidToGid {
        let bytes = bytes.get(..bytes.len().min(2 << 16)).unwrap_or_default();
        CidToGid::Map(
            bytes
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect(),
        )
    }

    /// The glyph id of a CID, or `None` when the map has no entry for it (the spec then shows
    /// `.notdef`).
    pub fn gid(&self, cid: u32) -> Option<u16> {
        match self {
            CidToGid::Identity => u16::try_from(cid).ok(),
            CidToGid::Map(m) => usize::try_from(cid).ok().and_then(|i| m.get(i)).copied(),
        }
    }
}

/// True when text can stand for a glyph: not empty, and no Private Use code point, U+FFFD,
/// noncharacter or control other than whitespace (these say "unknown", or hide the letters
/// cairo's ligatures show). Producers map tab glyphs to U+0009, which is kept.
pub fn usable(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| usable_char(c) || c.is_whitespace())
}

/// A font's cmap maps controls (U+000D) to blank glyphs: never take them as a glyph's text.
fn usable_char(c: char) -> bool {
    let u = u32::from(c);
    !(c.is_control()
        || (0xE000..=0xF8FF).contains(&u)
        || u >= 0xF0000
        || (0xFDD0..=0xFDEF).contains(&u)
        || u & 0xFFFE == 0xFFFE
        || c == '\u{FFFD}')
}

/// What an embedded font program says about its glyphs' Unicode, read once per font.
#[derive(Debug, Clone, Default)]
pub struct Program {
    /// Unicode by glyph id, for the glyphs it is known of.
    by_gid: FxHashMap<u16, Box<str>>,
    /// A CID-keyed CFF program's charset, inverted: CID → glyph id.
    cff_cids: Option<FxHashMap<u16, u16>>,
    /// Simple fonts: the glyph each single-byte code selects.
    code_gids: Vec<Option<u16>>,
    /// Unicode of glyphs that another font of the document draws identically ([`Program::adopt`]).
    matched: FxHashMap<u16, Box<str>>,
}

/// A program's tables, borrowed from its bytes.
struct Tables<'a> {
    cmap: Option<cmap::Table<'a>>,
    /// The raw `cmap` table, for the code ranges each subtable covers.
    cmap_data: &'a [u8],
    /// Glyph names from `post` or the CFF charset, by glyph id.
    names: Vec<Option<&'a str>>,
    cff: Option<cff::Table<'a>>,
}

/// How the PDF names a simple font's codes, for finding the glyph each code selects.
#[derive(Debug, Clone, Copy)]
pub struct SimpleCodes<'a> {
    /// The glyph name the PDF's encoding gives each code 0..=255 (`None` where it gives none).
    pub names: &'a [Option<String>],
    /// The font has no base encoding of its own (a symbolic font without `/Encoding`, or with
    /// only `/Differences`): codes without a name select glyphs through the program's built-in
    /// encoding. Otherwise such codes are undefined.
    pub builtin: bool,
}

impl Program {
    /// Reads a program. A simple font passes its `codes`: each code's glyph is then found as a
    /// viewer finds it (PDF 32000-1 §9.6.6.4): by name (the Unicode cmap, then the glyph
    /// names), else, for a name the program does not know or a code of the built-in encoding,
    /// through the (3,0) or (1,0) cmap, or a CFF program's built-in encoding. Composite fonts
    /// pass `None`.
    ///
    /// Errors when the program cannot be read or its tables contradict each other; a program
    /// that reads but names no glyph is `Ok` with [`Program::recovered`] 0.
    pub fn parse(data: &[u8], kind: ProgramKind, codes: Option<SimpleCodes<'_>>) -> Result<Program, ProgramError> {
        if data.len() > MAX_PROGRAM_BYTES {
            return Err(ProgramError::Unreadable);
        }
        if kind == ProgramKind::Type1 {
            return Err(ProgramError::Type1);
        }
        // Producers label programs loosely (an OpenType file as CIDFontType0C, a bare CFF as
        // OpenType): the bytes decide. A CFF header starts with major version 1, an sfnt with
        // 0x00 or a four-letter tag.
        let tables = if data.first() == Some(&1) {
            Tables::from_cff(data)?
        } else {
            Tables::from_sfnt(data)?
        };
        let mut program = Program {
            by_gid: tables.unicode_by_gid()?,
            ..Program::default()
        };
        if let Some(cff) = &tables.cff
            && cff.glyph_cid(GlyphId(0)).is_some()
        {
            let mut cids = FxHashMap::default();
            for gid in 0..cff.number_of_glyphs() {
                if gid % 1024 == 0 && crate::limits::check_time().is_err() {
                    return Err(ProgramError::Time);
                }
                if let Some(cid) = cff.glyph_cid(GlyphId(gid)) {
                    cids.entry(cid).or_insert(gid);
                }
            }
            program.cff_cids = Some(cids);
        }
        if let Some(codes) = codes {
            program.code_gids = tables.code_gids(codes);
        }
        Ok(program)
    }

    /// Number of glyphs whose Unicode the program gives.
    pub fn recovered(&self) -> usize {
        self.by_gid.len() + self.matched.len()
    }

    /// Takes a glyph's Unicode from another font of the document that draws the same outline
    /// with the same advance and states its Unicode ([`outline_keys`]). The program's own
    /// knowledge of the glyph, if any, is kept.
    pub fn adopt(&mut self, gid: u16, text: &str) {
        if gid != 0 && !self.by_gid.contains_key(&gid) && usable(text) {
            self.matched.insert(gid, text.into());
        }
    }

    /// Unicode adopted for a glyph from an identical glyph of another font ([`Program::adopt`]).
    pub fn matched(&self, gid: u16) -> Option<&str> {
        self.matched.get(&gid).map(|s| &**s)
    }

    /// The glyph a composite font's CID selects: through a CID-keyed CFF program's charset, or
    /// else through `map` (CIDFontType2's `/CIDToGIDMap`; pass [`CidToGid::Identity`] for
    /// CIDFontType0, whose non-CID-keyed CFF uses the CID as the glyph id).
    pub fn cid_gid(&self, cid: u32, map: &CidToGid) -> Option<u16> {
        match &self.cff_cids {
            Some(cids) => cids.get(&u16::try_from(cid).ok()?).copied(),
            None => map.gid(cid),
        }
    }

    /// The glyph a simple font's code selects.
    pub fn code_gid(&self, code: u8) -> Option<u16> {
        self.code_gids.get(usize::from(code)).copied().flatten()
    }

    /// Unicode of a glyph id, or `None` when the program does not say.
    pub fn unicode(&self, gid: u16) -> Option<&str> {
        if gid == 0 {
            return None;
        }
        self.by_gid.get(&gid).map(|s| &**s)
    }

    /// Unicode of a composite font's CID: a CID-keyed CFF program selects the glyph through its
    /// charset, any other program through `map` (CIDFontType2's `/CIDToGIDMap`; pass
    /// [`CidToGid::Identity`] for CIDFontType0, whose non-CID-keyed CFF uses the CID as the
    /// glyph id).
    pub fn cid_unicode(&self, cid: u32, map: &CidToGid) -> Option<&str> {
        self.unicode(self.cid_gid(cid, map)?)
    }

    /// Unicode of a simple font's code, through the glyph that code selects.
    pub fn code_unicode(&self, code: u8) -> Option<&str> {
        self.unicode(self.code_gid(code)?)
    }
}

/// Deepest nesting of composite glyphs followed; real fonts nest two or three deep.
const MAX_COMPOSITE_DEPTH: usize = 8;

/// A comparable key for each glyph of a TrueType program, by glyph id: its advance width and
/// its `glyf` record, with a composite glyph's component ids replaced by their components'
/// keys (subsetters renumber glyphs, so the ids differ between two subsets of one font while
/// the outlines do not). Two glyphs with equal keys draw the same shape with the same advance.
/// A glyph without outline (a space) has a key of its advance alone, which
/// [`is_blank_key`] tells; padding after a record is not part of its key. `None` for glyphs
/// whose record cannot be read.
///
/// Errors for programs without `glyf` outlines (CFF): their charstrings depend on each subset's
/// subroutines and are not compared.
pub fn outline_keys(data: &[u8]) -> Result<Vec<Option<Box<[u8]>>>, ProgramError> {
    use ttf_parser::{head, hhea, hmtx, loca, maxp};
    let raw = RawFace::parse(data, 0).map_err(|_| ProgramError::Malformed("no TrueType header"))?;
    let table = |tag| sfnt_table(&raw, tag).ok_or(ProgramError::Malformed("no glyf outlines"));
    let glyphs = maxp::Table::parse(table(b"maxp")?)
        .ok_or(ProgramError::Malformed("maxp"))?
        .number_of_glyphs;
    let head = head::Table::parse(table(b"head")?).ok_or(ProgramError::Malformed("head"))?;
    let metrics = hhea::Table::parse(table(b"hhea")?)
        .ok_or(ProgramError::Malformed("hhea"))?
        .number_of_metrics;
    let hmtx = hmtx::Table::parse(metrics, glyphs, table(b"hmtx")?).ok_or(ProgramError::Malformed("hmtx"))?;
    let loca = loca::Table::parse(glyphs, head.index_to_location_format, table(b"loca")?)
        .ok_or(ProgramError::Malformed("loca"))?;
    let glyf = table(b"glyf")?;
    let record = |gid: u16| glyf.get(loca.glyph_range(GlyphId(gid))?).filter(|r| !r.is_empty());
    let mut keys: Vec<Option<Box<[u8]>>> = Vec::with_capacity(usize::from(glyphs.get()));
    let mut memo: FxHashMap<u16, Option<u64>> = FxHashMap::default();
    for gid in 0..glyphs.get() {
        if gid % 1024 == 0 && crate::limits::check_time().is_err() {
            return Err(ProgramError::Time);
        }
        // ttf-parser reports an empty record as no range at all.
        let outline = match loca.glyph_range(GlyphId(gid)) {
            None => Some(Vec::new()),
            Some(_) => canonical(gid, &record, &mut memo, 0),
        };
        let key = outline.map(|mut k| {
            k.splice(0..0, hmtx.advance(GlyphId(gid)).unwrap_or(0).to_be_bytes());
            k.into_boxed_slice()
        });
        keys.push(key);
    }
    Ok(keys)
}

/// True for the key of a glyph that draws nothing ([`outline_keys`]).
pub fn is_blank_key(key: &[u8]) -> bool {
    key.len() == 2
}

/// A glyph's record with composite component ids replaced by a hash of the components' own
/// canonical records (a hash, so nested composites cannot blow the key up).
fn canonical<'a>(
    gid: u16,
    record: &impl Fn(u16) -> Option<&'a [u8]>,
    memo: &mut FxHashMap<u16, Option<u64>>,
    depth: usize,
) -> Option<Vec<u8>> {
    let r = record(gid)?;
    if i16::from_be_bytes([*r.first()?, *r.get(1)?]) >= 0 {
        // Subsetters pad records to 2 or 4 bytes differently. A simple glyph's point count
        // comes first, so two different glyphs never differ only in trailing zeros.
        let end = r.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        return r.get(..end).map(<[u8]>::to_vec);
    }
    if depth >= MAX_COMPOSITE_DEPTH {
        return None;
    }
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    const INSTRUCTIONS: u16 = 0x0100;
    let mut out = r.get(..10)?.to_vec();
    let mut at = 10;
    loop {
        let flags = u16::from_be_bytes([*r.get(at)?, *r.get(at + 1)?]);
        let component = u16::from_be_bytes([*r.get(at + 2)?, *r.get(at + 3)?]);
        let mut len = 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        len += if flags & SCALE != 0 {
            2
        } else if flags & XY_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        let hash = match memo.get(&component) {
            Some(h) => *h,
            None => {
                // Marked first, so a component that refers back to itself ends the walk.
                memo.insert(component, None);
                let h = canonical(component, record, memo, depth + 1).map(|k| {
                    use std::hash::{Hash, Hasher};
                    let mut hasher = std::collections::hash_map::DefaultHasher::new();
                    k.hash(&mut hasher);
                    hasher.finish()
                });
                memo.insert(component, h);
                h
            }
        }?;
        out.extend(flags.to_be_bytes());
        out.extend(hash.to_be_bytes());
        out.extend(r.get(at + 4..at + len)?);
        at += len;
        if flags & MORE == 0 {
            if flags & INSTRUCTIONS != 0 {
                let n = usize::from(u16::from_be_bytes([*r.get(at)?, *r.get(at + 1)?]));
                out.extend(r.get(at..at + 2 + n)?);
            }
            break;
        }
    }
    Some(out)
}

/// Linear search: the spec wants table records sorted, but PDF subsetters do not always sort
/// them, and ttf-parser's own lookup is a binary search. A length running past the end is
/// clipped, as viewers do.
fn sfnt_table<'a>(raw: &RawFace<'a>, tag: &[u8; 4]) -> Option<&'a [u8]> {
    let tag = Tag::from_bytes(tag);
    let rec = raw.table_records.into_iter().find(|r| r.tag == tag)?;
    let start = usize::try_from(rec.offset).ok()?;
    let end = start
        .checked_add(usize::try_from(rec.length).ok()?)?
        .min(raw.data.len());
    raw.data.get(start..end)
}

impl<'a> Tables<'a> {
    fn from_cff(data: &'a [u8]) -> Result<Tables<'a>, ProgramError> {
        let cff = cff::Table::parse(data).ok_or(ProgramError::Malformed("CFF"))?;
        Ok(Tables {
            cmap: None,
            cmap_data: &[],
            names: cff_names(&cff)?,
            cff: Some(cff),
        })
    }

    fn from_sfnt(data: &'a [u8]) -> Result<Tables<'a>, ProgramError> {
        let raw = RawFace::parse(data, 0).map_err(|_| ProgramError::Malformed("no TrueType/OpenType header"))?;
        let cmap_data = sfnt_table(&raw, b"cmap").unwrap_or_default();
        let cmap = cmap::Table::parse(cmap_data);
        let cff = sfnt_table(&raw, b"CFF ").and_then(cff::Table::parse);
        let mut names = sfnt_table(&raw, b"post").map(post_names).unwrap_or_default();
        if names.iter().all(Option::is_none)
            && let Some(cff) = &cff
        {
            names = cff_names(cff)?;
        }
        Ok(Tables {
            cmap,
            cmap_data,
            names,
            cff,
        })
    }

    /// Every Unicode subtable inverted, over the code points it says it covers (below U+20000).
    /// ttf-parser's `codepoints` would let a hostile format 4 or 12 table list billions of code
    /// points; here the declared ranges are merged first, so each code point is looked up at
    /// most once per subtable.
    fn cmap_candidates(&self) -> Result<FxHashMap<u16, Vec<char>>, ProgramError> {
        const TOP: u32 = 0x1FFFF;
        let mut cands: FxHashMap<u16, Vec<char>> = FxHashMap::default();
        let Some(cmap) = &self.cmap else { return Ok(cands) };
        for (i, st) in cmap.subtables.into_iter().enumerate() {
            if !st.is_unicode() {
                continue;
            }
            let mut ranges: Vec<(u32, u32)> = u16::try_from(i)
                .ok()
                .and_then(|i| subtable_ranges(self.cmap_data, i))
                .unwrap_or_else(|| vec![(0, 0xFFFF)])
                .into_iter()
                .filter(|&(lo, hi)| lo <= hi && lo <= TOP)
                .map(|(lo, hi)| (lo, hi.min(TOP)))
                .collect();
            ranges.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::new();
            for (lo, hi) in ranges {
                match merged.last_mut() {
                    Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                    _ => merged.push((lo, hi)),
                }
            }
            for (lo, hi) in merged {
                for u in lo.max(0x20)..=hi {
                    if u % 0x4000 == 0 && crate::limits::check_time().is_err() {
                        return Err(ProgramError::Time);
                    }
                    let Some(c) = char::from_u32(u).filter(|&c| usable_char(c)) else {
                        continue;
                    };
                    if let Some(gid) = st.glyph_index(u)
                        && gid.0 != 0
                    {
                        let v = cands.entry(gid.0).or_default();
                        if !v.contains(&c) {
                            v.push(c);
                        }
                    }
                }
            }
        }
        Ok(cands)
    }

    /// Unicode per glyph: the cmap's code point where there is one (the one the glyph's name
    /// names if it is among several, else the lowest), else the glyph name's text.
    fn unicode_by_gid(&self) -> Result<FxHashMap<u16, Box<str>>, ProgramError> {
        let cands = self.cmap_candidates()?;
        let mut out: FxHashMap<u16, Box<str>> = FxHashMap::default();
        let mut disagree = 0usize;
        for (gid, cs) in &cands {
            let named = self
                .names
                .get(usize::from(*gid))
                .copied()
                .flatten()
                .and_then(glyph_to_unicode)
                .filter(|t| usable(t));
            // The name decides among several code points, and spells a compatibility form out
            // (`fi` for U+FB01), which is what the detector's folding and poppler give too.
            let chosen = match named {
                Some(t) if cs.iter().any(|&c| same_text(c, &t)) => Some(t),
                Some(_) => {
                    disagree += 1;
                    None
                }
                None => None,
            }
            .or_else(|| cs.iter().copied().min().map(String::from));
            if let Some(t) = chosen {
                out.insert(*gid, t.into_boxed_str());
            }
        }
        if disagree > MAX_DISAGREEMENTS {
            return Err(ProgramError::Inconsistent(disagree));
        }
        for (gid, name) in self.names.iter().enumerate() {
            let Ok(gid) = u16::try_from(gid) else { break };
            if gid == 0 || out.contains_key(&gid) {
                continue;
            }
            if let Some(t) = name.and_then(glyph_to_unicode).filter(|t| usable(t)) {
                out.insert(gid, t.into_boxed_str());
            }
        }
        Ok(out)
    }

    /// The glyph each code 0..=255 of a simple font selects.
    fn code_gids(&self, codes: SimpleCodes<'_>) -> Vec<Option<u16>> {
        let mut by_name: FxHashMap<&str, u16> = FxHashMap::default();
        for (gid, name) in self.names.iter().enumerate() {
            if let (Some(name), Ok(gid)) = (name, u16::try_from(gid)) {
                by_name.entry(name).or_insert(gid);
            }
        }
        let subtable = |platform: PlatformId, encoding: u16| {
            self.cmap.and_then(|c| {
                c.subtables
                    .into_iter()
                    .find(|s| s.platform_id == platform && s.encoding_id == encoding)
            })
        };
        let unicode = self.cmap.and_then(|c| c.subtables.into_iter().find(|s| s.is_unicode()));
        let (symbol, mac) = (subtable(PlatformId::Windows, 0), subtable(PlatformId::Macintosh, 0));
        (0..=255u8)
            .map(|code| {
                let name = codes.names.get(usize::from(code)).and_then(Option::as_deref);
                let by_text = || {
                    let text = glyph_to_unicode(name?)?;
                    let mut t = text.chars();
                    let (Some(c), None) = (t.next(), t.next()) else {
                        return None;
                    };
                    unicode?.glyph_index(u32::from(c))
                };
                let named = name.and_then(|n| by_name.get(n).copied()).filter(|&g| g != 0);
                let by_code = || {
                    if name.is_none() && !codes.builtin {
                        return None;
                    }
                    let c = u32::from(code);
                    [0xF000 | c, c, 0xF100 | c, 0xF200 | c]
                        .into_iter()
                        .find_map(|u| symbol?.glyph_index(u))
                        .or_else(|| mac?.glyph_index(c))
                };
                // A CFF program's built-in encoding applies only to codes the PDF leaves unnamed.
                let builtin = || match (&self.cff, name) {
                    (Some(cff), None) if codes.builtin => cff.glyph_index(code),
                    _ => None,
                };
                by_text()
                    .map(|g| g.0)
                    .or(named)
                    .or_else(|| by_code().map(|g| g.0))
                    .or_else(|| builtin().map(|g| g.0))
                    .filter(|&g| g != 0)
            })
            .collect()
    }
}

fn be16_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at.checked_add(2)?)
        .map(|b| u32::from(u16::from_be_bytes([b[0], b[1]])))
}

fn be32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at.checked_add(4)?)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The code ranges a cmap subtable (the `index`th record) declares, read from its header and
/// segment arrays; `None` for formats without ranges, which are then probed over the BMP.
fn subtable_ranges(cmap: &[u8], index: u16) -> Option<Vec<(u32, u32)>> {
    let offset = usize::try_from(be32_at(cmap, 8 + 8 * usize::from(index))?).ok()?;
    let st = cmap.get(offset..)?;
    match be16_at(st, 0)? {
        0 => Some(vec![(0, 255)]),
        4 => {
            let segs = usize::try_from(be16_at(st, 6)? / 2).ok()?;
            (0..segs)
                .map(|k| Some((be16_at(st, 16 + 2 * segs + 2 * k)?, be16_at(st, 14 + 2 * k)?)))
                .collect()
        }
        6 => {
            let (first, count) = (be16_at(st, 6)?, be16_at(st, 8)?);
            Some(vec![(first, first + count.saturating_sub(1))])
        }
        10 => {
            let (first, count) = (be32_at(st, 12)?, be32_at(st, 16)?);
            Some(vec![(first, first.saturating_add(count.saturating_sub(1)))])
        }
        12 | 13 => {
            // Each group takes 12 bytes: the count cannot exceed what the data holds.
            let groups = usize::try_from(be32_at(st, 12)?).ok()?.min(st.len() / 12);
            (0..groups)
                .map(|k| Some((be32_at(st, 16 + 12 * k)?, be32_at(st, 20 + 12 * k)?)))
                .collect()
        }
        _ => None,
    }
}

/// True when a cmap code point and a name's text say the same, up to compatibility forms (the
/// name `fi` for U+FB01).
fn same_text(c: char, text: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    c.to_string().nfkc().eq(text.nfkc())
}

/// Glyph names of a CFF program by glyph id (none for a CID-keyed program). ttf-parser walks a
/// range-format charset from the start for each glyph, so a hostile program could make this
/// quadratic: the document's time limit bounds it.
fn cff_names<'a>(cff: &cff::Table<'a>) -> Result<Vec<Option<&'a str>>, ProgramError> {
    let n = cff.number_of_glyphs();
    let mut names = Vec::with_capacity(usize::from(n));
    for gid in 0..n {
        if gid % 1024 == 0 && crate::limits::check_time().is_err() {
            return Err(ProgramError::Time);
        }
        names.push(cff.glyph_name(GlyphId(gid)));
    }
    Ok(names)
}

/// Glyph names from a `post` table (formats 1 and 2; format 3 has none). ttf-parser's
/// `glyph_name` walks the name list from the start for each custom name, which is quadratic
/// in the glyph count: the list is collected once instead.
fn post_names(data: &[u8]) -> Vec<Option<&str>> {
    let Some(table) = post::Table::parse(data) else {
        return Vec::new();
    };
    match data.get(..4) {
        Some([0, 1, 0, 0]) => (0..258u16).map(|g| table.glyph_name(GlyphId(g))).collect(),
        Some([0, 2, 0, 0]) => {
            let custom: Vec<&str> = table.names().collect();
            let count = data.get(32..34).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
            (0..count)
                .map(|gid| {
                    let at = 34 + 2 * usize::from(gid);
                    let index = data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))?;
                    match index.checked_sub(258) {
                        None => table.glyph_name(GlyphId(gid)),
                        Some(i) => custom.get(usize::from(i)).copied(),
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Small font programs built byte by byte, for tests here and in `font`.
#[cfg(test)]
pub(crate) mod build {
    fn be16(v: &mut Vec<u8>, n: usize) {
        v.extend(u16::try_from(n).expect("test value fits u16").to_be_bytes());
    }

    /// An sfnt file holding `tables` in the order given (not sorted by tag, as some PDF
    /// subsetters write them).
    pub fn sfnt(tables: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut v = vec![0, 1, 0, 0];
        be16(&mut v, tables.len());
        v.extend([0; 6]);
        let mut offset = 12 + 16 * tables.len();
        for (tag, data) in tables {
            v.extend(*tag);
            v.extend([0; 4]);
            v.extend(u32::try_from(offset).expect("small").to_be_bytes());
            v.extend(u32::try_from(data.len()).expect("small").to_be_bytes());
            offset += data.len();
        }
        for (_, data) in tables {
            v.extend(data);
        }
        v
    }

    /// A `cmap` table with (platform, encoding, subtable) entries.
    pub fn cmap(subtables: &[(u16, u16, Vec<u8>)]) -> Vec<u8> {
        let mut v = vec![0, 0];
        be16(&mut v, subtables.len());
        let mut offset = 4 + 8 * subtables.len();
        for (p, e, data) in subtables {
            be16(&mut v, usize::from(*p));
            be16(&mut v, usize::from(*e));
            v.extend(u32::try_from(offset).expect("small").to_be_bytes());
            offset += data.len();
        }
        for (_, _, data) in subtables {
            v.extend(data);
        }
        v
    }

    /// A format 4 subtable mapping each (code, glyph) pair, one segment each.
    pub fn format4(pairs: &[(u16, u16)]) -> Vec<u8> {
        let mut pairs = pairs.to_vec();
        pairs.sort_unstable();
        pairs.push((0xFFFF, 0));
        let seg = pairs.len();
        let mut v = Vec::new();
        be16(&mut v, 4);
        be16(&mut v, 16 + 8 * seg);
        be16(&mut v, 0);
        be16(&mut v, 2 * seg);
        v.extend([0; 6]);
        for (c, _) in &pairs {
            be16(&mut v, usize::from(*c));
        }
        be16(&mut v, 0);
        for (c, _) in &pairs {
            be16(&mut v, usize::from(*c));
        }
        for (c, g) in &pairs {
            let delta = if *c == 0xFFFF { 1 } else { g.wrapping_sub(*c) };
            be16(&mut v, usize::from(delta));
        }
        for _ in &pairs {
            be16(&mut v, 0);
        }
        v
    }

    /// A format 0 subtable (single-byte codes).
    pub fn format0(pairs: &[(u8, u8)]) -> Vec<u8> {
        let mut v = vec![0, 0, 1, 6, 0, 0];
        let mut glyphs = [0u8; 256];
        for (c, g) in pairs {
            glyphs[usize::from(*c)] = *g;
        }
        v.extend(glyphs);
        v
    }

    /// A `post` table, format 2, naming glyphs 0.. in order. `.notdef`, `space` and `A` use the
    /// Macintosh standard names (indexes 0, 3 and 36), every other name is stored.
    pub fn post(names: &[&str]) -> Vec<u8> {
        let mut v = vec![0, 2, 0, 0];
        v.extend([0; 28]);
        be16(&mut v, names.len());
        let mut custom: Vec<&str> = Vec::new();
        for n in names {
            let index = match *n {
                ".notdef" => 0,
                "space" => 3,
                "A" => 36,
                _ => {
                    custom.push(n);
                    257 + custom.len()
                }
            };
            be16(&mut v, index);
        }
        for n in custom {
            v.push(u8::try_from(n.len()).expect("short name"));
            v.extend(n.as_bytes());
        }
        v
    }

    /// The tables of a TrueType program with `glyf` outlines: (advance, record) per glyph.
    pub fn outlines(glyphs: &[(u16, Vec<u8>)]) -> Vec<(&'static [u8; 4], Vec<u8>)> {
        let mut head = vec![0u8; 54];
        head[18..20].copy_from_slice(&1000u16.to_be_bytes());
        head[50..52].copy_from_slice(&1u16.to_be_bytes());
        let mut hhea = vec![0u8; 36];
        hhea[34..36].copy_from_slice(&u16::try_from(glyphs.len()).expect("few").to_be_bytes());
        let mut maxp = vec![0, 0, 0x50, 0];
        be16(&mut maxp, glyphs.len());
        let (mut hmtx, mut loca, mut glyf) = (Vec::new(), Vec::new(), Vec::new());
        for (advance, record) in glyphs {
            be16(&mut hmtx, usize::from(*advance));
            be16(&mut hmtx, 0);
            loca.extend(u32::try_from(glyf.len()).expect("small").to_be_bytes());
            glyf.extend(record);
        }
        loca.extend(u32::try_from(glyf.len()).expect("small").to_be_bytes());
        vec![
            (b"head", head),
            (b"hhea", hhea),
            (b"maxp", maxp),
            (b"hmtx", hmtx),
            (b"loca", loca),
            (b"glyf", glyf),
        ]
    }

    /// A simple glyph record whose points are `seed` (not a drawable outline; only compared).
    pub fn simple_glyph(seed: u8) -> Vec<u8> {
        vec![0, 1, 0, 0, 0, 0, 0, 9, 0, 9, 0, 0, 0, 0, 1, seed, seed, 7]
    }

    /// A composite glyph record placing `components` at (0, 0) and (10, 20).
    pub fn composite_glyph(components: [u16; 2]) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFF, 0, 0, 0, 0, 0, 9, 0, 9];
        for (i, c) in components.iter().enumerate() {
            // ARG_1_AND_2_ARE_WORDS | ARGS_ARE_XY_VALUES, and MORE_COMPONENTS before the last.
            be16(&mut v, if i == 0 { 0x0023 } else { 0x0003 });
            be16(&mut v, usize::from(*c));
            be16(&mut v, 10 * i);
            be16(&mut v, 20 * i);
        }
        v
    }

    fn index(items: &[&[u8]]) -> Vec<u8> {
        let mut v = Vec::new();
        be16(&mut v, items.len());
        if items.is_empty() {
            return v;
        }
        v.push(4);
        let mut offset = 1u32;
        v.extend(offset.to_be_bytes());
        for it in items {
            offset += u32::try_from(it.len()).expect("small");
            v.extend(offset.to_be_bytes());
        }
        for it in items {
            v.extend(*it);
        }
        v
    }

    fn int(v: &mut Vec<u8>, n: usize) {
        v.push(29);
        v.extend(u32::try_from(n).expect("small").to_be_bytes());
    }

    /// A bare CFF program with `charset[i]` for glyph i + 1 (a SID, or a CID when `cid`),
    /// `strings` as its custom strings (SID 391 onwards) and empty glyphs.
    pub fn cff(charset: &[u16], strings: &[&str], cid: bool) -> Vec<u8> {
        let glyphs = charset.len() + 1;
        let top = |charstrings: usize, charset: usize, fd_select: usize, fd_array: usize| {
            let mut d = Vec::new();
            if cid {
                int(&mut d, 391);
                int(&mut d, 392);
                int(&mut d, 0);
                d.extend([12, 30]);
            }
            int(&mut d, charset);
            d.push(15);
            int(&mut d, charstrings);
            d.push(17);
            if cid {
                int(&mut d, fd_array);
                d.extend([12, 36]);
                int(&mut d, fd_select);
                d.extend([12, 37]);
            }
            d
        };
        let header = [1u8, 0, 4, 4];
        let name = index(&[b"T"]);
        let string_bytes: Vec<&[u8]> = strings.iter().map(|s| s.as_bytes()).collect();
        let string_index = index(&string_bytes);
        let global_subrs = index(&[]);
        let top_len = index(&[&top(0, 0, 0, 0)]).len();
        let mut charset_bytes = vec![0u8];
        for s in charset {
            be16(&mut charset_bytes, usize::from(*s));
        }
        let mut fd_select = vec![3u8, 0, 1, 0, 0, 0];
        be16(&mut fd_select, glyphs);
        let fd_array = index(&[&[]]);
        let endchar: &[u8] = &[14];
        let charstrings = index(&vec![endchar; glyphs]);
        let charset_at = header.len() + name.len() + top_len + string_index.len() + global_subrs.len();
        let fd_select_at = charset_at + charset_bytes.len();
        let fd_array_at = fd_select_at + fd_select.len();
        let charstrings_at = fd_array_at + fd_array.len();
        let mut v = header.to_vec();
        v.extend(name);
        v.extend(index(&[&top(charstrings_at, charset_at, fd_select_at, fd_array_at)]));
        v.extend(string_index);
        v.extend(global_subrs);
        v.extend(charset_bytes);
        v.extend(fd_select);
        v.extend(fd_array);
        v.extend(charstrings);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;

    fn tt(tables: &[(&[u8; 4], Vec<u8>)]) -> Program {
        Program::parse(&sfnt(tables), ProgramKind::TrueType, None).expect("program reads")
    }

    #[test]
    fn cmap_inverted_lowest_usable_code_point_wins() {
        // Glyph 3 is both space and no-break space, and CR in the font's cmap; glyph 4 is
        // reachable only through a Private Use code point.
        let cmap = cmap(&[(
            3,
            1,
            format4(&[(0x41, 1), (0x42, 2), (0x0D, 3), (0x20, 3), (0xA0, 3), (0xE01E, 4)]),
        )]);
        let p = tt(&[(b"cmap", cmap)]);
        assert_eq!(p.unicode(1), Some("A"));
        assert_eq!(p.unicode(2), Some("B"));
        assert_eq!(p.unicode(3), Some(" "));
        assert_eq!(p.unicode(4), None);
        assert_eq!(p.unicode(0), None);
        assert_eq!(p.recovered(), 3);
    }

    #[test]
    fn post_names_fill_what_the_cmap_does_not_say() {
        // Tables in reverse tag order, as some subsetters write them.
        let names = post(&[".notdef", "A", "f_f", "g3", "uniFB01", "uniE01E", "space", "fi", "f_t"]);
        let cmap = cmap(&[(3, 1, format4(&[(0x41, 1)]))]);
        let p = tt(&[(b"post", names), (b"cmap", cmap)]);
        assert_eq!(p.unicode(1), Some("A"));
        assert_eq!(p.unicode(2), Some("ff"));
        assert_eq!(p.unicode(3), None, "gNN names carry no text");
        assert_eq!(p.unicode(4), Some("\u{FB01}"));
        assert_eq!(p.unicode(5), None, "a Private Use name carries no text");
        assert_eq!(p.unicode(6), Some(" "));
        assert_eq!(p.unicode(7), Some("fi"));
        assert_eq!(p.unicode(8), Some("ft"));
    }

    #[test]
    fn a_name_picks_among_code_points_and_spells_ligatures_out() {
        let cmap = cmap(&[(3, 1, format4(&[(0xB5, 1), (0x3BC, 1), (0xFB01, 2)]))]);
        let p = tt(&[(b"cmap", cmap), (b"post", post(&[".notdef", "uni03BC", "fi"]))]);
        assert_eq!(p.unicode(1), Some("\u{3BC}"));
        assert_eq!(p.unicode(2), Some("fi"));
    }

    #[test]
    fn a_stale_post_table_makes_the_program_untrusted() {
        // The cmap says glyphs 1..=5 are A..E, the names say V..Z: one of them is stale.
        let pairs: Vec<(u16, u16)> = (1..=5).map(|g| (0x40 + g, g)).collect();
        let names = post(&[".notdef", "V", "W", "X", "Y", "Z"]);
        let r = Program::parse(
            &sfnt(&[(b"cmap", cmap(&[(3, 1, format4(&pairs))])), (b"post", names)]),
            ProgramKind::TrueType,
            None,
        );
        assert_eq!(r.err(), Some(ProgramError::Inconsistent(5)));
    }

    #[test]
    fn simple_font_codes_find_their_glyph_as_a_viewer_does() {
        // (3,0) symbol cmap at 0xF0xx, a (1,0) cmap, and post names for /Differences.
        let symbol = format4(&[(0xF041, 1), (0xF042, 2)]);
        let mac = format0(&[(0x43, 3)]);
        let unicode = format4(&[(0x41, 1), (0x42, 2), (0x43, 3), (0x44, 4), (0xE000, 5)]);
        let names = post(&[".notdef", "A", "B", "C", "D", "f_f", "g6"]);
        let data = sfnt(&[
            (b"cmap", cmap(&[(3, 0, symbol), (1, 0, mac), (3, 1, unicode)])),
            (b"post", names),
        ]);
        let mut code_names: Vec<Option<String>> = vec![None; 256];
        code_names[0x61] = Some("g6".into()); // a meaningless name, found in post
        code_names[0x62] = Some("D".into()); // a real name, through the Unicode cmap
        code_names[0x63] = Some("uniE000".into()); // a Private Use name, through the cmap
        let codes = SimpleCodes {
            names: &code_names,
            builtin: true,
        };
        let p = Program::parse(&data, ProgramKind::TrueType, Some(codes)).expect("reads");
        assert_eq!(p.code_unicode(0x41), Some("A"), "(3,0) at 0xF041");
        assert_eq!(p.code_unicode(0x42), Some("B"));
        assert_eq!(p.code_unicode(0x43), Some("C"), "(1,0)");
        assert_eq!(p.code_unicode(0x61), None, "g6 is found but names nothing");
        assert_eq!(p.code_unicode(0x62), Some("D"));
        assert_eq!(p.code_unicode(0x63), Some("ff"));
        assert_eq!(p.code_unicode(0x64), None);
    }

    #[test]
    fn cff_charset_names_and_builtin_encoding() {
        // SID 34 is "A" in the standard strings; 391 and 392 are the custom strings.
        let data = cff(&[34, 391, 392], &["f_f", "glyph3"], false);
        let unnamed = vec![None; 256];
        let codes = SimpleCodes {
            names: &unnamed,
            builtin: true,
        };
        let p = Program::parse(&data, ProgramKind::Cff, Some(codes)).expect("reads");
        assert_eq!(p.unicode(1), Some("A"));
        assert_eq!(p.unicode(2), Some("ff"));
        assert_eq!(p.unicode(3), None);
        // No encoding in the program: StandardEncoding puts "A" at 0x41.
        assert_eq!(p.code_unicode(0x41), Some("A"));
        // A non-CID-keyed CFF under CIDFontType0 uses the CID as glyph id.
        assert_eq!(p.cid_unicode(2, &CidToGid::Identity), Some("ff"));
    }

    #[test]
    fn cid_keyed_cff_maps_cids_through_its_charset() {
        // Glyphs 1 and 2 are CIDs 100 and 7; an OpenType wrapper's cmap names glyph 1.
        let program = cff(&[100, 7], &["Adobe", "Identity"], true);
        let bare = Program::parse(&program, ProgramKind::Cff, None).expect("reads");
        assert_eq!(bare.recovered(), 0, "a bare CID-keyed CFF names no glyph");
        let otf = sfnt(&[
            (b"CFF ", program),
            (b"cmap", cmap(&[(3, 1, format4(&[(0x41, 1), (0x42, 2)]))])),
        ]);
        let p = Program::parse(&otf, ProgramKind::OpenType, None).expect("reads");
        assert_eq!(p.cid_unicode(100, &CidToGid::Identity), Some("A"));
        assert_eq!(p.cid_unicode(7, &CidToGid::Identity), Some("B"));
        assert_eq!(p.cid_unicode(1, &CidToGid::Identity), None);
    }

    #[test]
    fn cid_to_gid_map_stream() {
        let map = CidToGid::from_bytes(&[0, 0, 0, 2, 0, 1, 9]);
        assert_eq!(map.gid(1), Some(2));
        assert_eq!(map.gid(2), Some(1));
        assert_eq!(map.gid(3), None, "the odd last byte is no entry");
        let p = tt(&[(b"cmap", cmap(&[(3, 1, format4(&[(0x41, 1), (0x42, 2)]))]))]);
        assert_eq!(p.cid_unicode(1, &map), Some("B"));
        assert_eq!(p.cid_unicode(2, &map), Some("A"));
        assert_eq!(p.cid_unicode(1, &CidToGid::Identity), Some("A"));
        assert_eq!(CidToGid::Identity.gid(70_000), None);
    }

    #[test]
    fn usable_text() {
        assert!(usable("fi") && usable("\t") && usable("é"));
        for bad in ["", "\u{E01E}", "\u{FFFD}", "a\u{F0B7}", "\0", "\u{10FFFD}", "\u{FFFF}"] {
            assert!(!usable(bad), "{bad:?}");
        }
    }

    #[test]
    fn hostile_programs_are_refused_without_panicking() {
        assert!(Program::parse(b"", ProgramKind::TrueType, None).is_err());
        assert!(Program::parse(&[1, 0, 4, 1, 0, 0], ProgramKind::Cff, None).is_err());
        assert_eq!(
            Program::parse(b"%!PS-AdobeFont", ProgramKind::Type1, None).err(),
            Some(ProgramError::Type1)
        );
        let good = sfnt(&[
            (b"cmap", cmap(&[(3, 1, format4(&[(0x41, 1)]))])),
            (b"post", post(&[".notdef", "A", "f_f"])),
        ]);
        let names = vec![Some("A".to_string()); 256];
        let names = SimpleCodes {
            names: &names,
            builtin: false,
        };
        for cut in 0..good.len() {
            let _ = Program::parse(&good[..cut], ProgramKind::TrueType, Some(names));
        }
        let mut flipped = good.clone();
        for i in 0..flipped.len() {
            flipped[i] ^= 0xFF;
            let _ = Program::parse(&flipped, ProgramKind::TrueType, Some(names));
            flipped[i] ^= 0xFF;
        }
        let cff = cff(&[34, 391], &["f_f"], false);
        for cut in 0..cff.len() {
            let _ = Program::parse(&cff[..cut], ProgramKind::Cff, Some(names));
        }
        let glyphs = sfnt(&outlines(&[
            (0, Vec::new()),
            (500, simple_glyph(1)),
            (500, composite_glyph([1, 3])),
            (500, composite_glyph([2, 1])),
        ]));
        for cut in 0..glyphs.len() {
            let _ = outline_keys(&glyphs[..cut]);
        }
        let mut flipped = glyphs.clone();
        for i in 0..flipped.len() {
            flipped[i] ^= 0xFF;
            let _ = outline_keys(&flipped);
            flipped[i] ^= 0xFF;
        }
    }

    #[test]
    fn outline_keys_survive_renumbering_and_padding() {
        let (a, e) = (simple_glyph(1), simple_glyph(2));
        let mut padded = a.clone();
        padded.extend([0, 0]);
        let one = sfnt(&outlines(&[
            (0, Vec::new()),
            (500, a),
            (500, e.clone()),
            (500, composite_glyph([2, 1])),
            (250, Vec::new()),
        ]));
        let other = sfnt(&outlines(&[
            (0, Vec::new()),
            (500, e),
            (500, composite_glyph([1, 3])),
            (500, padded),
            (250, Vec::new()),
            // Refers to itself: no key, and no endless walk.
            (500, composite_glyph([5, 1])),
        ]));
        let (k1, k2) = (outline_keys(&one).expect("reads"), outline_keys(&other).expect("reads"));
        assert_eq!(k1[1], k2[3], "padding is not part of the outline");
        assert_eq!(k1[2], k2[1]);
        assert_eq!(k1[3], k2[2], "components compared by outline, not by id");
        assert_ne!(k1[1], k1[2]);
        assert!(k1[4].as_deref().is_some_and(is_blank_key) && k1[4] == k2[4]);
        assert_eq!(k2[5], None);
        // CFF outlines are not compared.
        assert!(outline_keys(&cff(&[34], &[], false)).is_err());
    }

    #[test]
    fn huge_overlapping_cmap_ranges_are_read_once() {
        // 20 000 format 12 groups each claiming every code point, and a format 4 subtable of
        // overlapping full-range segments: enumerated naively, billions of code points.
        let groups = 20_000u32;
        let mut f12 = vec![0, 12, 0, 0];
        f12.extend((16 + 12 * groups).to_be_bytes());
        f12.extend([0; 4]);
        f12.extend(groups.to_be_bytes());
        for _ in 0..groups {
            f12.extend(0u32.to_be_bytes());
            f12.extend(u32::MAX.to_be_bytes());
            f12.extend(1u32.to_be_bytes());
        }
        let mut f4 = format4(&[(0x41, 1)]);
        // Widen every segment's end code to 0xFFFE (end codes start at byte 14).
        for seg in 0..2 {
            f4[14 + 2 * seg..16 + 2 * seg].copy_from_slice(&[0xFF, 0xFE]);
        }
        let started = std::time::Instant::now();
        let data = sfnt(&[(b"cmap", cmap(&[(3, 10, f12), (3, 1, f4)]))]);
        assert!(Program::parse(&data, ProgramKind::TrueType, None).is_ok());
        assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());
    }

    #[test]
    #[allow(clippy::print_stderr)] // says why the test is skipped
    fn system_truetype_font_round_trips_through_its_cmap() {
        let path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        let Ok(data) = std::fs::read(path) else {
            eprintln!("{path} not installed: skipping");
            return;
        };
        let face = ttf_parser::Face::parse(&data, 0).expect("DejaVu parses");
        let p = Program::parse(&data, ProgramKind::TrueType, None).expect("DejaVu reads");
        for c in ['a', 'Z', 'é', 'ë', '€', '’', 'ß', '0'] {
            let gid = face.glyph_index(c).expect("DejaVu has it").0;
            assert_eq!(p.unicode(gid), Some(c.to_string().as_str()), "{c}");
        }
        // DejaVu's ligature glyphs: the cmap maps U+FB01, whose name spells it out.
        let fi = face.glyph_index('\u{FB01}').expect("fi ligature").0;
        assert_eq!(p.unicode(fi), Some("fi"));
        let ij = face.glyph_index('\u{133}').expect("ij").0;
        assert_eq!(p.unicode(ij), Some("ij"));
    }
}
