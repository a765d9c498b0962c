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
}

/// A program's tables, borrowed from its bytes.
struct Tables<'a> {
    cmap: Option<cmap::Table<'a>>,
    /// Glyph names from `post` or the CFF charset, by glyph id.
    names: Vec<Option<&'a str>>,
    cff: Option<cff::Table<'a>>,
}

impl Program {
    /// Reads a program. For a simple font, `code_names` holds the glyph name the PDF's encoding
    /// gives each code 0..=255 (`None` where it gives none): each code's glyph is then found
    /// as a viewer finds it (PDF 32000-1 §9.6.6.4: by name, else through the (3,0) or (1,0)
    /// cmap, or a CFF program's built-in encoding). Composite fonts pass `None`.
    ///
    /// Errors when the program cannot be read or its tables contradict each other; a program
    /// that reads but names no glyph is `Ok` with [`Program::recovered`] 0.
    pub fn parse(
        data: &[u8],
        kind: ProgramKind,
        code_names: Option<&[Option<String>]>,
    ) -> Result<Program, ProgramError> {
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
        if let Some(names) = code_names {
            program.code_gids = tables.code_gids(names);
        }
        Ok(program)
    }

    /// Number of glyphs whose Unicode the program gives.
    pub fn recovered(&self) -> usize {
        self.by_gid.len()
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
        let gid = match &self.cff_cids {
            Some(cids) => cids.get(&u16::try_from(cid).ok()?).copied(),
            None => map.gid(cid),
        }?;
        self.unicode(gid)
    }

    /// Unicode of a simple font's code, through the glyph that code selects.
    pub fn code_unicode(&self, code: u8) -> Option<&str> {
        self.unicode(self.code_gids.get(usize::from(code)).copied().flatten()?)
    }
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
            names: cff_names(&cff)?,
            cff: Some(cff),
        })
    }

    fn from_sfnt(data: &'a [u8]) -> Result<Tables<'a>, ProgramError> {
        let raw = RawFace::parse(data, 0).map_err(|_| ProgramError::Malformed("no TrueType/OpenType header"))?;
        let cmap = sfnt_table(&raw, b"cmap").and_then(cmap::Table::parse);
        let cff = sfnt_table(&raw, b"CFF ").and_then(cff::Table::parse);
        let mut names = sfnt_table(&raw, b"post").map(post_names).unwrap_or_default();
        if names.iter().all(Option::is_none)
            && let Some(cff) = &cff
        {
            names = cff_names(cff)?;
        }
        if cmap.is_none() && cff.is_none() && names.is_empty() {
            return Err(ProgramError::Malformed("neither cmap, post nor CFF table"));
        }
        Ok(Tables { cmap, names, cff })
    }

    /// Every Unicode subtable probed over the code points that can stand for text: the BMP,
    /// plus plane 1 for the 32-bit formats. Enumerating the subtables instead (ttf-parser's
    /// `codepoints`) would let a hostile format 4 or 12 table list billions of code points.
    fn cmap_candidates(&self) -> Result<FxHashMap<u16, Vec<char>>, ProgramError> {
        let mut cands: FxHashMap<u16, Vec<char>> = FxHashMap::default();
        let Some(cmap) = &self.cmap else { return Ok(cands) };
        for st in cmap.subtables {
            if !st.is_unicode() {
                continue;
            }
            let wide = matches!(
                st.format,
                cmap::Format::SegmentedCoverage(_) | cmap::Format::ManyToOneRangeMappings(_)
            );
            let top: u32 = if wide { 0x1FFFF } else { 0xFFFF };
            for u in 0x20..=top {
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
    fn code_gids(&self, code_names: &[Option<String>]) -> Vec<Option<u16>> {
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
                let name = code_names.get(usize::from(code)).and_then(Option::as_deref);
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
                    let c = u32::from(code);
                    [0xF000 | c, c, 0xF100 | c, 0xF200 | c]
                        .into_iter()
                        .find_map(|u| symbol?.glyph_index(u))
                        .or_else(|| mac?.glyph_index(c))
                };
                // A CFF program's built-in encoding applies only to codes the PDF leaves unnamed.
                let builtin = || match (&self.cff, name) {
                    (Some(cff), None) => cff.glyph_index(code),
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
