//! Parser for PDF CMaps: the `/ToUnicode` streams that turn character codes into text, and the
//! embedded `/Encoding` CMaps of Type0 fonts that split strings into codes and map them to CIDs.
//!
//! Redaction depends on finding personal data in the text of a page, so the text must be decoded
//! exactly as a reader would show it (PDF 32000-1 §9.7.5, §9.10.3; Adobe TN 5014 and 5099).
//! The input is untrusted: the parser never panics, bounds the work a hostile CMap can cause,
//! and reports codes it cannot place (`Code::valid == false`, `unicode` → `None`) so callers
//! can fail closed instead of guessing.

use std::collections::HashMap;
use std::fmt;

/// Deepest `usecmap` chain followed; real chains are one or two deep, anything longer is a loop.
const MAX_USECMAP_DEPTH: usize = 8;
/// A range never yields more codes than this, so one malformed line cannot exhaust memory.
const MAX_RANGE_CODES: u64 = 65_536;
/// Total Unicode entries stored per parse (including used CMaps); bounds time and memory when
/// a hostile CMap repeats huge ranges. Large CJK ToUnicode maps stay far below it.
const MAX_UNICODE_ENTRIES: usize = 1 << 18;
/// The spec caps destination strings at 512 bytes; longer ones are garbage, and expanding them
/// over a range would multiply memory use.
const MAX_DST_BYTES: usize = 512;
/// Total CMaps parsed through `usecmap` per parse: the depth limit alone would still allow a
/// CMap that uses many CMaps that each use many more (exponential work).
const MAX_USED_CMAPS: usize = 32;
/// Codespace ranges kept per CMap. Real CMaps have a handful; `split` tests every range at
/// every byte, so a hostile list must not grow without bound. Extra ranges are dropped, which
/// leaves their codes invalid (fail closed).
const MAX_CODESPACE_RANGES: usize = 256;

/// Work still allowed for one top-level parse, shared with the CMaps it uses.
struct Budget {
    unicode_entries: usize,
    used_cmaps: usize,
}

/// Error while parsing a CMap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CMapError(pub String);

impl fmt::Display for CMapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CMap: {}", self.0)
    }
}

impl std::error::Error for CMapError {}

/// One code of a split string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The code value (big-endian bytes).
    pub code: u32,
    /// Its length in bytes (1..=4).
    pub len: u8,
    /// Byte offset of the code in the input string.
    pub offset: usize,
    /// False when no codespace range matched (undecodable byte).
    pub valid: bool,
}

/// A codespace range; bounds are checked byte by byte, not as numbers (§9.7.6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CodespaceRange {
    lo: [u8; 4],
    hi: [u8; 4],
    len: u8,
}

impl CodespaceRange {
    fn new(lo: &[u8], hi: &[u8]) -> Option<Self> {
        if lo.len() != hi.len() || lo.is_empty() || lo.len() > 4 {
            return None;
        }
        let mut r = CodespaceRange {
            lo: [0; 4],
            hi: [0; 4],
            len: u8::try_from(lo.len()).ok()?,
        };
        r.lo.get_mut(..lo.len())?.copy_from_slice(lo);
        r.hi.get_mut(..hi.len())?.copy_from_slice(hi);
        Some(r)
    }

    fn matches(&self, bytes: &[u8]) -> bool {
        usize::from(self.len) == bytes.len()
            && bytes
                .iter()
                .zip(&self.lo)
                .zip(&self.hi)
                .all(|((b, lo), hi)| lo <= b && b <= hi)
    }
}

/// A `cidrange`. `seq` (shared with `cidchar` entries) records definition order so that later
/// definitions win over earlier ones, also across `usecmap` merges.
#[derive(Debug, Clone, Copy)]
struct CidRange {
    lo: u32,
    hi: u32,
    len: u8,
    cid: u32,
    seq: u64,
}

/// A parsed CMap: codespace ranges (how a byte string splits into 1–4-byte codes),
/// code → Unicode mappings (bfchar/bfrange, ToUnicode), and code → CID mappings
/// (cidchar/cidrange, for embedded encoding CMaps).
#[derive(Debug, Clone, Default)]
pub struct CMap {
    codespace: Vec<CodespaceRange>,
    unicode: HashMap<(u32, u8), String>,
    /// `cidchar` entries, kept apart from ranges so that lookups stay O(1) for the common case.
    cid_chars: HashMap<(u32, u8), (u64, u32)>,
    /// `cidrange` entries in definition order (ascending `seq`).
    cid_ranges: Vec<CidRange>,
    next_seq: u64,
    /// Built on Identity-H/-V: a 2-byte code without an explicit mapping is its own CID.
    identity: bool,
}

impl CMap {
    /// Parses CMap program text. `usecmap` of another CMap is resolved through `resolve`
    /// (given the CMap name without the slash, returns its program bytes, or None);
    /// /Identity-H and /Identity-V are built in (2-byte codespace `<0000> <FFFF>`, CID = code,
    /// no Unicode). A `usecmap` chain deeper than 8, or more than 32 used CMaps in total,
    /// is an error.
    ///
    /// An unresolvable `usecmap` is not an error when the CMap has content of its own: the codes
    /// it would have supplied stay unmapped, which callers treat as undecodable.
    pub fn parse_with(data: &[u8], resolve: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<CMap, CMapError> {
        let mut budget = Budget {
            unicode_entries: MAX_UNICODE_ENTRIES,
            used_cmaps: MAX_USED_CMAPS,
        };
        parse_inner(data, resolve, 0, &mut budget)
    }

    /// `parse_with` with no external CMaps.
    pub fn parse(data: &[u8]) -> Result<CMap, CMapError> {
        Self::parse_with(data, &|_| None)
    }

    /// The predefined Identity-H (or -V) CMap.
    pub fn identity() -> CMap {
        CMap {
            codespace: vec![CodespaceRange {
                lo: [0, 0, 0, 0],
                hi: [0xFF, 0xFF, 0, 0],
                len: 2,
            }],
            identity: true,
            ..CMap::default()
        }
    }

    /// Splits a string operand into codes per the codespace ranges: at each position take the
    /// shortest code length n (1..=4) such that the first n bytes fall, byte by byte, within
    /// some codespace range of length n. If no range matches, emit a 1-byte code with
    /// `valid: false` (callers fail closed on it). With no codespace ranges at all, every
    /// byte is a 1-byte code (valid).
    pub fn split(&self, bytes: &[u8]) -> Vec<Code> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut pos = 0;
        while let Some(rest) = bytes.get(pos..).filter(|r| !r.is_empty()) {
            let hit = if self.codespace.is_empty() {
                rest.get(..1)
            } else {
                (1..=4)
                    .filter_map(|n| rest.get(..n))
                    .find(|c| self.codespace.iter().any(|r| r.matches(c)))
            };
            let (code, valid) = match hit {
                Some(c) => (c, true),
                None => (rest.get(..1).unwrap_or_default(), false),
            };
            // `code` holds 1..=4 bytes here, so the length always fits and pos always advances.
            let len = code.len().max(1);
            out.push(Code {
                code: be_value(code),
                len: u8::try_from(len).unwrap_or(1),
                offset: pos,
                valid,
            });
            pos += len;
        }
        out
    }

    /// Unicode text for a code (may be several chars: ligatures "fi", "ti"; surrogate pairs
    /// decoded), or None when unmapped.
    pub fn unicode(&self, code: u32, len: u8) -> Option<&str> {
        self.unicode.get(&(code, len)).map(String::as_str)
    }

    /// CID for a code via cidchar/cidrange; for Identity (and when the CMap has no CID
    /// mappings but is Identity) CID = code. None when unmapped.
    pub fn cid(&self, code: u32, len: u8) -> Option<u32> {
        let single = self.cid_chars.get(&(code, len)).copied();
        let single_seq = single.map_or(0, |(seq, _)| seq);
        // Ranges are in definition order; only ranges defined after the cidchar can override it.
        for r in self.cid_ranges.iter().rev().take_while(|r| r.seq > single_seq) {
            if r.len == len && r.lo <= code && code <= r.hi {
                return r.cid.checked_add(code - r.lo);
            }
        }
        if let Some((_, cid)) = single {
            return Some(cid);
        }
        (self.identity && len == 2).then_some(code)
    }

    /// True when the CMap has any Unicode mappings.
    pub fn has_unicode(&self) -> bool {
        !self.unicode.is_empty()
    }

    /// Number of code→Unicode entries (counting each code of a range), for diagnostics.
    pub fn unicode_len(&self) -> usize {
        self.unicode.len()
    }

    fn is_empty(&self) -> bool {
        self.codespace.is_empty()
            && self.unicode.is_empty()
            && self.cid_chars.is_empty()
            && self.cid_ranges.is_empty()
            && !self.identity
    }

    /// Lays `top` over `self`: `top`'s mappings win where both define a code.
    fn overlay(&mut self, top: CMap) {
        for r in top.codespace {
            if self.codespace.len() < MAX_CODESPACE_RANGES && !self.codespace.contains(&r) {
                self.codespace.push(r);
            }
        }
        self.unicode.extend(top.unicode);
        // Shift `top`'s sequence numbers above ours so that it wins in `cid`.
        let offset = self.next_seq;
        for (key, (seq, cid)) in top.cid_chars {
            self.cid_chars.insert(key, (seq.saturating_add(offset), cid));
        }
        for mut r in top.cid_ranges {
            r.seq = r.seq.saturating_add(offset);
            self.cid_ranges.push(r);
        }
        self.next_seq = offset.saturating_add(top.next_seq);
        self.identity |= top.identity;
    }

    fn take_seq(&mut self) -> u64 {
        // Starts at 1 so that 0 can mean "no cidchar" in `cid`.
        self.next_seq = self.next_seq.saturating_add(1);
        self.next_seq
    }

    fn insert_unicode(&mut self, key: (u32, u8), text: String, budget: &mut usize) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        self.unicode.insert(key, text);
        true
    }

    fn add_codespace(&mut self, ops: &[Obj]) {
        let strings: Vec<&[u8]> = ops.iter().filter_map(Obj::bytes).collect();
        for pair in strings.chunks_exact(2) {
            if let [lo, hi] = pair {
                if self.codespace.len() >= MAX_CODESPACE_RANGES {
                    break;
                }
                self.codespace.extend(CodespaceRange::new(lo, hi));
            }
        }
    }

    fn add_bfchar(&mut self, ops: &[Obj], budget: &mut usize) {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            let Some(src) = op.bytes() else {
                i += 1;
                continue;
            };
            let Some(dst) = ops.get(i + 1) else { break };
            i += 2;
            // Name destinations (`/fi`) are glyph names that the caller resolves; skip them.
            if let (Some(key), Some(units)) = (code_key(src), dst.bytes().and_then(utf16_units)) {
                self.insert_unicode(key, decode_utf16(&units), budget);
            }
        }
    }

    fn add_bfrange(&mut self, ops: &[Obj], budget: &mut usize) {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            let (Some(lo), Some(hi)) = (op.bytes(), ops.get(i + 1).and_then(Obj::bytes)) else {
                i += 1;
                continue;
            };
            let Some(dst) = ops.get(i + 2) else { break };
            i += 3;
            let Some((lo, len, count)) = range_bounds(lo, hi) else {
                continue;
            };
            match dst {
                Obj::Bytes(d) => {
                    let Some(mut units) = utf16_units(d) else { continue };
                    let Some(&last) = units.last() else { continue };
                    for k in 0..count {
                        // Only the last unit steps; a carry into earlier units is not propagated.
                        let step = u16::try_from(k).unwrap_or(u16::MAX);
                        if let Some(u) = units.last_mut() {
                            *u = last.wrapping_add(step);
                        }
                        let Some(code) = lo.checked_add(k) else { break };
                        if !self.insert_unicode((code, len), decode_utf16(&units), budget) {
                            return;
                        }
                    }
                }
                Obj::Array(items) => {
                    for (k, item) in (0..count).zip(items) {
                        let (Some(code), Some(units)) = (lo.checked_add(k), item.bytes().and_then(utf16_units)) else {
                            continue;
                        };
                        if !self.insert_unicode((code, len), decode_utf16(&units), budget) {
                            return;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn add_cidchar(&mut self, ops: &[Obj]) {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            let Some(src) = op.bytes() else {
                i += 1;
                continue;
            };
            let Some(dst) = ops.get(i + 1) else { break };
            i += 2;
            if let (Some(key), Some(cid)) = (code_key(src), dst.cid()) {
                let seq = self.take_seq();
                self.cid_chars.insert(key, (seq, cid));
            }
        }
    }

    fn add_cidrange(&mut self, ops: &[Obj]) {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            let (Some(lo), Some(hi)) = (op.bytes(), ops.get(i + 1).and_then(Obj::bytes)) else {
                i += 1;
                continue;
            };
            let Some(dst) = ops.get(i + 2) else { break };
            i += 3;
            // CID ranges are not expanded, so they need no clipping to the range limit.
            let (Some((lo, len)), Some(cid)) = (code_key(lo), dst.cid()) else {
                continue;
            };
            let Some(hi) = clipped_hi(hi, len) else { continue };
            if hi >= lo {
                let seq = self.take_seq();
                self.cid_ranges.push(CidRange { lo, hi, len, cid, seq });
            }
        }
    }
}

fn parse_inner(
    data: &[u8],
    resolve: &dyn Fn(&str) -> Option<Vec<u8>>,
    depth: usize,
    budget: &mut Budget,
) -> Result<CMap, CMapError> {
    // Own entries and used CMaps are collected apart so that own entries win no matter where
    // `usecmap` stands in the program.
    let mut own = CMap::default();
    let mut base = CMap::default();
    let mut used = false;
    let mut unresolved: Vec<String> = Vec::new();
    // The last three top-level tokens, newest last, to find the operand of `usecmap`.
    let mut recent: [Recent; 3] = [Recent::Other, Recent::Other, Recent::Other];
    let mut lex = Lexer::new(data);
    while let Some(tok) = lex.next_token() {
        let now = match tok {
            Tok::Kw(kw) => {
                match kw {
                    b"begincodespacerange" => own.add_codespace(&read_section(&mut lex, b"endcodespacerange")),
                    b"beginbfchar" => {
                        own.add_bfchar(&read_section(&mut lex, b"endbfchar"), &mut budget.unicode_entries)
                    }
                    b"beginbfrange" => {
                        own.add_bfrange(&read_section(&mut lex, b"endbfrange"), &mut budget.unicode_entries)
                    }
                    b"begincidchar" => own.add_cidchar(&read_section(&mut lex, b"endcidchar")),
                    b"begincidrange" => own.add_cidrange(&read_section(&mut lex, b"endcidrange")),
                    b"beginnotdefrange" => drop(read_section(&mut lex, b"endnotdefrange")),
                    b"usecmap" => {
                        if let Some(name) = usecmap_name(&recent) {
                            if name == "Identity-H" || name == "Identity-V" {
                                base.overlay(CMap::identity());
                                used = true;
                            } else if let Some(program) = resolve(&name) {
                                if depth + 1 > MAX_USECMAP_DEPTH {
                                    return Err(CMapError(format!("usecmap chain deeper than {MAX_USECMAP_DEPTH}")));
                                }
                                if budget.used_cmaps == 0 {
                                    return Err(CMapError(format!("more than {MAX_USED_CMAPS} used CMaps")));
                                }
                                budget.used_cmaps -= 1;
                                base.overlay(parse_inner(&program, resolve, depth + 1, budget)?);
                                used = true;
                            } else {
                                unresolved.push(name);
                            }
                        }
                    }
                    _ => {}
                }
                if kw == b"findresource" {
                    Recent::FindResource
                } else {
                    Recent::Other
                }
            }
            Tok::Name(n) => Recent::Name(String::from_utf8_lossy(&n).into_owned()),
            _ => Recent::Other,
        };
        recent.rotate_left(1);
        recent[2] = now;
    }
    if own.is_empty() && !used {
        return Err(CMapError(match unresolved.first() {
            Some(name) => format!("used CMap /{name} is not available and there are no own mappings"),
            None => "no codespace ranges or mappings found".to_string(),
        }));
    }
    base.overlay(own);
    Ok(base)
}

/// What `usecmap` may need to look back at.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Recent {
    Name(String),
    FindResource,
    Other,
}

/// The operand of `usecmap`: `/Name usecmap`, or the older `/Name /CMap findresource usecmap`.
fn usecmap_name(recent: &[Recent; 3]) -> Option<String> {
    match recent {
        [_, _, Recent::Name(n)] => Some(n.clone()),
        [Recent::Name(n), Recent::Name(cat), Recent::FindResource] if cat == "CMap" => Some(n.clone()),
        _ => None,
    }
}

/// An operand inside a mapping section.
#[derive(Debug, Clone, PartialEq)]
enum Obj {
    Bytes(Vec<u8>),
    Int(i64),
    Array(Vec<Obj>),
    /// Names, reals and nested arrays: kept as placeholders so entries stay aligned.
    Other,
}

impl Obj {
    fn bytes(&self) -> Option<&[u8]> {
        match self {
            Obj::Bytes(b) => Some(b),
            _ => None,
        }
    }

    fn cid(&self) -> Option<u32> {
        match self {
            Obj::Int(i) => u32::try_from(*i).ok(),
            _ => None,
        }
    }
}

/// Keywords that cannot occur inside a mapping section; meeting one means the section's end
/// keyword is missing, so the section stops there and the keyword is handled normally.
fn is_structural(kw: &[u8]) -> bool {
    kw.starts_with(b"begin") || kw.starts_with(b"end") || kw == b"usecmap"
}

/// Reads the operands of a section up to its end keyword (consumed) or a structural keyword
/// (left for the caller), so that a truncated section still yields its complete entries.
fn read_section(lex: &mut Lexer<'_>, end: &[u8]) -> Vec<Obj> {
    let mut ops = Vec::new();
    loop {
        let save = lex.pos;
        let Some(tok) = lex.next_token() else { break };
        match tok {
            Tok::Kw(kw) if kw == end => break,
            Tok::Kw(kw) if is_structural(kw) => {
                lex.pos = save;
                break;
            }
            Tok::Bytes(b) => ops.push(Obj::Bytes(b)),
            Tok::Int(i) => ops.push(Obj::Int(i)),
            Tok::Name(_) | Tok::Real => ops.push(Obj::Other),
            Tok::ArrOpen => ops.push(read_array(lex)),
            Tok::Kw(_) | Tok::ArrClose | Tok::Punct => {}
        }
    }
    ops
}

/// Reads array elements after `[`. Iterative, so deeply nested brackets cannot overflow the stack.
fn read_array(lex: &mut Lexer<'_>) -> Obj {
    let mut items = Vec::new();
    let mut depth = 0usize;
    loop {
        let save = lex.pos;
        let Some(tok) = lex.next_token() else { break };
        match tok {
            Tok::Kw(kw) if is_structural(kw) => {
                lex.pos = save;
                break;
            }
            Tok::ArrOpen => {
                if depth == 0 {
                    items.push(Obj::Other);
                }
                depth = depth.saturating_add(1);
            }
            Tok::ArrClose if depth == 0 => break,
            Tok::ArrClose => depth -= 1,
            _ if depth > 0 => {}
            Tok::Bytes(b) => items.push(Obj::Bytes(b)),
            Tok::Int(i) => items.push(Obj::Int(i)),
            Tok::Name(_) | Tok::Real => items.push(Obj::Other),
            Tok::Kw(_) | Tok::Punct => {}
        }
    }
    Obj::Array(items)
}

/// Big-endian value of up to 4 bytes.
fn be_value(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

/// The (code, length) key of a source code string, if it has a valid length.
fn code_key(src: &[u8]) -> Option<(u32, u8)> {
    let len = u8::try_from(src.len()).ok().filter(|l| (1..=4).contains(l))?;
    Some((be_value(src), len))
}

/// Upper bound of a range in a code space of `len` bytes. A `hi` of another length is accepted
/// (seen in the wild) but cannot reach past the largest code of that length.
fn clipped_hi(hi: &[u8], len: u8) -> Option<u32> {
    if hi.is_empty() || hi.len() > 4 {
        return None;
    }
    let max = u32::MAX >> (8 * (4 - u32::from(len.clamp(1, 4))));
    Some(be_value(hi).min(max))
}

/// (lo, length, number of codes) of a bfrange, clipped to `MAX_RANGE_CODES`.
fn range_bounds(lo: &[u8], hi: &[u8]) -> Option<(u32, u8, u32)> {
    let (lo, len) = code_key(lo)?;
    let hi = clipped_hi(hi, len)?;
    if hi < lo {
        return None;
    }
    let count = (u64::from(hi) - u64::from(lo) + 1).min(MAX_RANGE_CODES);
    Some((lo, len, u32::try_from(count).ok()?))
}

/// UTF-16BE code units of a destination string. An odd byte count gets a leading zero byte,
/// so that the single-byte destinations some producers write (`<41>`) still read as "A".
fn utf16_units(bytes: &[u8]) -> Option<Vec<u16>> {
    if bytes.is_empty() || bytes.len() > MAX_DST_BYTES {
        return None;
    }
    let (head, rest) = bytes.split_at(bytes.len() % 2);
    let mut units: Vec<u16> = head.iter().map(|&b| u16::from(b)).collect();
    units.extend(rest.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])));
    Some(units)
}

fn decode_utf16(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// A lexical token. Keywords borrow from the input; everything else is decoded.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    /// Hex or literal string.
    Bytes(Vec<u8>),
    Name(Vec<u8>),
    Int(i64),
    Real,
    ArrOpen,
    ArrClose,
    /// `<<`, `>>`, `{`, `}` and stray closers: structure we do not need.
    Punct,
    Kw(&'a [u8]),
}

fn is_ws(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(b: u8) -> bool {
    !is_ws(b) && !is_delim(b)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// PostScript-ish lexer over the CMap program. Every call consumes at least one byte or
/// returns None, so parsing is linear in the input.
struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.data.get(self.pos.saturating_add(ahead)).copied()
    }

    fn next_token(&mut self) -> Option<Tok<'a>> {
        loop {
            let b = self.peek()?;
            if is_ws(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|c| c != b'\n' && c != b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
        let b = self.peek()?;
        Some(match b {
            b'<' if self.peek_at(1) == Some(b'<') => {
                self.pos += 2;
                Tok::Punct
            }
            b'<' => {
                self.pos += 1;
                Tok::Bytes(self.hex_string())
            }
            b'>' => {
                self.pos += if self.peek_at(1) == Some(b'>') { 2 } else { 1 };
                Tok::Punct
            }
            b'(' => {
                self.pos += 1;
                Tok::Bytes(self.literal_string())
            }
            b'[' => {
                self.pos += 1;
                Tok::ArrOpen
            }
            b']' => {
                self.pos += 1;
                Tok::ArrClose
            }
            b'/' => {
                self.pos += 1;
                Tok::Name(self.name())
            }
            b')' | b'{' | b'}' => {
                self.pos += 1;
                Tok::Punct
            }
            _ => self.regular(),
        })
    }

    /// Hex string body after `<`. Stops without consuming at a byte that cannot belong to a
    /// hex string, so a missing `>` does not swallow the keywords that follow.
    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            if b == b'>' {
                self.pos += 1;
                break;
            }
            if let Some(v) = hex_val(b) {
                match high.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => high = Some(v),
                }
            } else if !is_ws(b) {
                break;
            }
            self.pos += 1;
        }
        if let Some(h) = high {
            // Odd digit count: the missing final digit is 0 (§7.3.4.3).
            out.push(h << 4);
        }
        out
    }

    /// Literal string body after `(`, with escapes and balanced nested parentheses (§7.3.4.2).
    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0C),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            // High-order overflow of \ddd is ignored (§7.3.4.2).
                            out.push((v & 0xFF) as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
        out
    }

    /// Name body after `/`, with `#xx` escapes decoded.
    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = self.peek().filter(|&b| is_regular(b)) {
            self.pos += 1;
            let escaped = (b == b'#')
                .then(|| Some((self.peek().and_then(hex_val)?, self.peek_at(1).and_then(hex_val)?)))
                .flatten();
            match escaped {
                Some((h, l)) => {
                    out.push(h << 4 | l);
                    self.pos += 2;
                }
                None => out.push(b),
            }
        }
        out
    }

    /// A number or a keyword. The caller guarantees the current byte is regular.
    fn regular(&mut self) -> Tok<'a> {
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        // Always advance, even if the caller's guarantee were broken, to keep the lexer linear.
        if self.pos == start {
            self.pos += 1;
        }
        let word = self.data.get(start..self.pos).unwrap_or_default();
        let text = std::str::from_utf8(word).unwrap_or("");
        if let Ok(i) = text.parse::<i64>() {
            return Tok::Int(i);
        }
        // Rust also parses "inf" and "NaN"; PostScript numbers start with a digit, sign or dot.
        if word
            .first()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
            && text.parse::<f64>().is_ok()
        {
            return Tok::Real;
        }
        Tok::Kw(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const LIBREOFFICE: &[u8] = b"/CIDInit/ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo<<
/Registry (Adobe)
/Ordering (UCS)
/Supplement 0
>> def
/CMapName/Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<00> <FF>
endcodespacerange
3 beginbfchar
<01> <0048>
<02> <0065>
<03> <006C>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end
";

    fn codes(list: &[(u32, u8, usize)]) -> Vec<Code> {
        list.iter()
            .map(|&(code, len, offset)| Code {
                code,
                len,
                offset,
                valid: true,
            })
            .collect()
    }

    /// Tiny deterministic PRNG so the garbage tests need no dependency.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn libreoffice_one_byte() {
        let cmap = CMap::parse(LIBREOFFICE).unwrap();
        assert_eq!(cmap.split(b"\x01\x02"), codes(&[(1, 1, 0), (2, 1, 1)]));
        assert_eq!(cmap.unicode(1, 1), Some("H"));
        assert_eq!(cmap.unicode(2, 1), Some("e"));
        assert_eq!(cmap.unicode(3, 1), Some("l"));
        assert_eq!(cmap.unicode(4, 1), None);
        assert_eq!(cmap.unicode(1, 2), None);
        assert!(cmap.has_unicode());
        assert_eq!(cmap.unicode_len(), 3);
        assert_eq!(cmap.cid(1, 1), None);
    }

    #[test]
    fn two_byte_with_ranges_and_array() {
        let src = b"begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfrange
<0003> <0005> <0041>
<0010> <0012> [<0078> <0079> <007A>]
endbfrange";
        let cmap = CMap::parse(src).unwrap();
        assert_eq!(cmap.split(b"\x00\x03\x00\x12"), codes(&[(3, 2, 0), (0x12, 2, 2)]));
        let text: Vec<_> = [3, 4, 5, 0x10, 0x11, 0x12]
            .iter()
            .map(|&c| cmap.unicode(c, 2))
            .collect();
        assert_eq!(text, [Some("A"), Some("B"), Some("C"), Some("x"), Some("y"), Some("z")]);
        assert_eq!(cmap.unicode(6, 2), None);
        assert_eq!(cmap.unicode_len(), 6);
    }

    #[test]
    fn array_shorter_than_range_and_names_in_array() {
        let cmap = CMap::parse(b"beginbfrange <01> <04> [<0061> /b <0063>] endbfrange").unwrap();
        assert_eq!(cmap.unicode(1, 1), Some("a"));
        assert_eq!(cmap.unicode(2, 1), None);
        assert_eq!(cmap.unicode(3, 1), Some("c"));
        assert_eq!(cmap.unicode(4, 1), None);
    }

    #[test]
    fn mixed_codespace() {
        let src = b"2 begincodespacerange
<00> <80>
<8140> <9FFC>
endcodespacerange";
        let cmap = CMap::parse(src).unwrap();
        assert_eq!(cmap.split(b"\x41\x81\x40"), codes(&[(0x41, 1, 0), (0x8140, 2, 1)]));
        // 0x81 0x30: second byte below 0x40, so no 2-byte range matches, byte by byte.
        let split = cmap.split(b"\x81\x30");
        assert_eq!(
            split[0],
            Code {
                code: 0x81,
                len: 1,
                offset: 0,
                valid: false
            }
        );
        assert_eq!(
            split[1],
            Code {
                code: 0x30,
                len: 1,
                offset: 1,
                valid: true
            }
        );
    }

    #[test]
    fn byte_outside_codespace_is_invalid() {
        let cmap = CMap::parse(b"begincodespacerange <20> <7E> endcodespacerange").unwrap();
        assert_eq!(
            cmap.split(b"A\x05"),
            vec![
                Code {
                    code: 0x41,
                    len: 1,
                    offset: 0,
                    valid: true
                },
                Code {
                    code: 0x05,
                    len: 1,
                    offset: 1,
                    valid: false
                }
            ]
        );
        // A trailing half of a 2-byte code cannot match either.
        let two = CMap::parse(b"begincodespacerange <0000> <FFFF> endcodespacerange").unwrap();
        assert_eq!(
            two.split(b"\x00\x41\x42")[1],
            Code {
                code: 0x42,
                len: 1,
                offset: 2,
                valid: false
            }
        );
    }

    #[test]
    fn no_codespace_means_single_bytes() {
        let cmap = CMap::parse(b"beginbfchar <41> <0061> endbfchar").unwrap();
        assert_eq!(cmap.split(b"AB"), codes(&[(0x41, 1, 0), (0x42, 1, 1)]));
        assert_eq!(cmap.unicode(0x41, 1), Some("a"));
        assert!(CMap::default().split(b"").is_empty());
    }

    #[test]
    fn ligatures_and_surrogates() {
        let src = b"begincodespacerange <00> <FF> endcodespacerange
beginbfchar
<01> <FB01>
<02> <00660069>
<03> <D835DC00>
<04> <D835>
<05> <DC00 0041>
<06> <0074 0069>
<07> /fi
endbfchar";
        let cmap = CMap::parse(src).unwrap();
        assert_eq!(cmap.unicode(1, 1), Some("\u{FB01}"));
        assert_eq!(cmap.unicode(2, 1), Some("fi"));
        assert_eq!(cmap.unicode(3, 1), Some("\u{1D400}"));
        assert_eq!(cmap.unicode(4, 1), Some("\u{FFFD}"));
        assert_eq!(cmap.unicode(5, 1), Some("\u{FFFD}A"));
        assert_eq!(cmap.unicode(6, 1), Some("ti"));
        assert_eq!(cmap.unicode(7, 1), None);
        assert_eq!(cmap.unicode_len(), 6);
    }

    #[test]
    fn bfrange_increments_last_unit() {
        let cmap = CMap::parse(b"beginbfrange <20> <22> <0041> endbfrange").unwrap();
        assert_eq!(
            [0x20, 0x21, 0x22].map(|c| cmap.unicode(c, 1)),
            [Some("A"), Some("B"), Some("C")]
        );
        // Multi-unit destination: only the last unit steps ("fi", "fj").
        let cmap = CMap::parse(b"beginbfrange <01> <02> <00660069> endbfrange").unwrap();
        assert_eq!(cmap.unicode(2, 1), Some("fj"));
        // Surrogate pair: the low surrogate steps.
        let cmap = CMap::parse(b"beginbfrange <01> <02> <D835DC00> endbfrange").unwrap();
        assert_eq!(cmap.unicode(2, 1), Some("\u{1D401}"));
        // No carry into the earlier unit.
        let cmap = CMap::parse(b"beginbfrange <01> <02> <0041FFFF> endbfrange").unwrap();
        assert_eq!(cmap.unicode(2, 1), Some("A\u{0}"));
    }

    #[test]
    fn bfrange_crossing_last_byte_is_numeric() {
        let cmap = CMap::parse(b"beginbfrange <00FF> <0101> <0041> endbfrange").unwrap();
        assert_eq!(cmap.unicode(0x00FF, 2), Some("A"));
        assert_eq!(cmap.unicode(0x0100, 2), Some("B"));
        assert_eq!(cmap.unicode(0x0101, 2), Some("C"));
        assert_eq!(cmap.unicode_len(), 3);
    }

    #[test]
    fn later_entries_override() {
        let src = b"beginbfrange <01> <03> <0061> endbfrange
beginbfchar <02> <005A> endbfchar
begincidrange <01> <03> 10 endcidrange
begincidchar <02> 99 endcidchar
begincidchar <03> 50 endcidchar
begincidrange <03> <03> 70 endcidrange";
        let cmap = CMap::parse(src).unwrap();
        assert_eq!(cmap.unicode(1, 1), Some("a"));
        assert_eq!(cmap.unicode(2, 1), Some("Z"));
        assert_eq!(cmap.cid(1, 1), Some(10));
        assert_eq!(cmap.cid(2, 1), Some(99));
        assert_eq!(cmap.cid(3, 1), Some(70));
    }

    #[test]
    fn cid_mappings() {
        let src = b"begincodespacerange <0000> <FFFF> endcodespacerange
begincidrange <0100> <01FF> 1000 <0300> <0300> 7 endcidrange
begincidchar <0042> 66 endcidchar";
        let cmap = CMap::parse(src).unwrap();
        assert_eq!(cmap.cid(0x0100, 2), Some(1000));
        assert_eq!(cmap.cid(0x01FF, 2), Some(1255));
        assert_eq!(cmap.cid(0x0300, 2), Some(7));
        assert_eq!(cmap.cid(0x0042, 2), Some(66));
        assert_eq!(cmap.cid(0x0200, 2), None);
        assert_eq!(cmap.cid(0x0100, 1), None);
        assert!(!cmap.has_unicode());
        // A CID beyond u32 does not wrap.
        let cmap = CMap::parse(b"begincidrange <00> <FF> 4294967295 endcidrange").unwrap();
        assert_eq!(cmap.cid(0, 1), Some(u32::MAX));
        assert_eq!(cmap.cid(1, 1), None);
    }

    #[test]
    fn identity_builtin() {
        let id = CMap::identity();
        assert_eq!(id.split(b"\x01\x02\xFF\xFF"), codes(&[(0x0102, 2, 0), (0xFFFF, 2, 2)]));
        assert_eq!(id.cid(0x0102, 2), Some(0x0102));
        assert_eq!(id.cid(0x01, 1), None);
        assert_eq!(id.unicode(0x0102, 2), None);
        assert!(!id.has_unicode());
        // An odd trailing byte cannot form a code.
        assert!(!id.split(b"\x01\x02\x03")[1].valid);

        let used = CMap::parse(b"/Identity-V usecmap").unwrap();
        assert_eq!(used.cid(0x1234, 2), Some(0x1234));
        assert_eq!(used.split(b"\x12\x34").len(), 1);
        // Own entries win over the identity base.
        let over = CMap::parse(b"/Identity-H usecmap begincidchar <0005> 77 endcidchar").unwrap();
        assert_eq!(over.cid(5, 2), Some(77));
        assert_eq!(over.cid(6, 2), Some(6));
    }

    #[test]
    fn usecmap_through_resolver() {
        let base: &[u8] = b"begincodespacerange <00> <FF> endcodespacerange
beginbfchar <01> <0041> <02> <0042> endbfchar
begincidchar <01> 5 endcidchar";
        let resolve = |name: &str| (name == "Base-UCS").then(|| base.to_vec());
        // `usecmap` after the own section: own entries must still win.
        let top = b"beginbfchar <02> <005A> <03> <0043> endbfchar
begincidchar <01> 6 endcidchar
/Base-UCS usecmap";
        let cmap = CMap::parse_with(top, &resolve).unwrap();
        assert_eq!(cmap.unicode(1, 1), Some("A"));
        assert_eq!(cmap.unicode(2, 1), Some("Z"));
        assert_eq!(cmap.unicode(3, 1), Some("C"));
        assert_eq!(cmap.cid(1, 1), Some(6));
        assert_eq!(cmap.split(b"\x01").len(), 1);
        // The older `findresource` form.
        let old = CMap::parse_with(b"/Base-UCS /CMap findresource usecmap", &resolve).unwrap();
        assert_eq!(old.unicode(2, 1), Some("B"));
        // Unresolvable without own content is an error; with own content it is not.
        assert!(CMap::parse(b"/Missing usecmap").is_err());
        let partial = CMap::parse(b"/Missing usecmap beginbfchar <01> <0041> endbfchar").unwrap();
        assert_eq!(partial.unicode(1, 1), Some("A"));
    }

    #[test]
    fn usecmap_depth_limited() {
        // A CMap that uses itself.
        let looping = |_: &str| Some(b"/Self usecmap beginbfchar <01> <0041> endbfchar".to_vec());
        let err = CMap::parse_with(b"/Self usecmap", &looping).unwrap_err();
        assert!(err.to_string().contains("usecmap"), "{err}");
        // A chain of 8 used CMaps is fine.
        let chain = |name: &str| {
            let n: u32 = name.strip_prefix('C')?.parse().ok()?;
            let next = if n < 8 {
                format!("/C{} usecmap ", n + 1)
            } else {
                String::new()
            };
            Some(format!("{next}beginbfchar <{n:02X}> <0041> endbfchar").into_bytes())
        };
        let cmap = CMap::parse_with(b"/C1 usecmap", &chain).unwrap();
        assert_eq!(cmap.unicode_len(), 8);
    }

    #[test]
    fn usecmap_fan_out_limited() {
        // Each CMap uses the next one ten times: exponential without a total limit.
        let fan = |_: &str| Some(b"/F usecmap ".repeat(10));
        let start = Instant::now();
        assert!(CMap::parse_with(b"/F usecmap", &fan).is_err());
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn codespace_ranges_capped() {
        let mut src = b"begincodespacerange ".to_vec();
        for i in 0..1000u32 {
            src.extend_from_slice(format!("<{i:04X}> <{i:04X}> ").as_bytes());
        }
        let cmap = CMap::parse(&src).unwrap();
        assert_eq!(cmap.codespace.len(), MAX_CODESPACE_RANGES);
        assert!(cmap.split(b"\x00\x05")[0].valid);
        assert!(!cmap.split(b"\x03\xE7")[0].valid);
    }

    #[test]
    fn syntax_details() {
        let src = b"% comment with <00> <FF> beginbfchar
/CIDSystemInfo << /Registry (Adobe\\051 (nested) \\) ) /Ordering (UCS) >> def
begincodespacerange <0 0> <f F> endcodespacerange
beginbfchar
<4> <0041>      % odd digit count: <40>
(B) <0042>      % literal source string
<43> <41>       % single-byte destination
<44><0 04 4>    % whitespace inside
endbfchar
/N#61me def";
        let cmap = CMap::parse(src).unwrap();
        assert_eq!(cmap.unicode(0x40, 1), Some("A"));
        assert_eq!(cmap.unicode(0x42, 1), Some("B"));
        assert_eq!(cmap.unicode(0x43, 1), Some("A"));
        assert_eq!(cmap.unicode(0x44, 1), Some("D"));
        assert!(cmap.split(b"\xFF")[0].valid);

        let mut lex = Lexer::new(b"(a\\101\\\nb\\(c) /x#20y -12 1.5 inf [ ]");
        assert_eq!(lex.next_token(), Some(Tok::Bytes(b"aAb(c".to_vec())));
        assert_eq!(lex.next_token(), Some(Tok::Name(b"x y".to_vec())));
        assert_eq!(lex.next_token(), Some(Tok::Int(-12)));
        assert_eq!(lex.next_token(), Some(Tok::Real));
        assert_eq!(lex.next_token(), Some(Tok::Kw(b"inf")));
        assert_eq!(lex.next_token(), Some(Tok::ArrOpen));
        assert_eq!(lex.next_token(), Some(Tok::ArrClose));
        assert_eq!(lex.next_token(), None);
    }

    #[test]
    fn invalid_entries_skipped() {
        let src = b"begincodespacerange <00> <FFFF> <> <> <0000000000> <0000000000> <00> <7F> endcodespacerange
beginbfchar <> <0041> <0102030405> <0041> <10> <> <11> 5 <12> <0042> endbfchar";
        let cmap = CMap::parse(src).unwrap();
        assert_eq!(cmap.codespace.len(), 1);
        assert_eq!(cmap.unicode_len(), 1);
        assert_eq!(cmap.unicode(0x12, 1), Some("B"));
    }

    #[test]
    fn truncated_sections_keep_complete_entries() {
        // Missing end keyword: the next section still parses.
        let src = b"begincodespacerange <00> <FF>
beginbfchar <01> <0041> <02>
beginbfrange <10> <11> <0061>";
        let cmap = CMap::parse(src).unwrap();
        assert_eq!(cmap.codespace.len(), 1);
        assert_eq!(cmap.unicode(1, 1), Some("A"));
        assert_eq!(cmap.unicode(0x11, 1), Some("b"));
        // An unterminated array stops at the next section keyword.
        let cmap = CMap::parse(b"beginbfrange <01> <02> [<0041> endbfrange beginbfchar <05> <0045> endbfchar").unwrap();
        assert_eq!(cmap.unicode(1, 1), Some("A"));
        assert_eq!(cmap.unicode(5, 1), Some("E"));
    }

    #[test]
    fn empty_or_useless_input_is_error() {
        assert!(CMap::parse(b"").is_err());
        assert!(CMap::parse(b"begincmap endcmap").is_err());
        assert!(CMap::parse(b"beginbfchar <01> /a endbfchar").is_err());
    }

    #[test]
    fn huge_ranges_are_clipped_and_bounded() {
        let start = Instant::now();
        let cmap = CMap::parse(b"beginbfrange <0000> <FFFFFFFF> <0041> endbfrange").unwrap();
        assert_eq!(cmap.unicode_len(), 65_536);
        let cmap = CMap::parse(b"beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange").unwrap();
        assert_eq!(cmap.unicode_len(), 65_536);
        assert_eq!(cmap.unicode(0xFFFF, 4), Some("@"));
        // Repeating huge ranges hits the global budget instead of running away.
        let mut src = b"beginbfrange\n".to_vec();
        for i in 0..200u32 {
            src.extend_from_slice(format!("<{:08X}> <FFFFFFFF> <0041>\n", i << 16).as_bytes());
        }
        src.extend_from_slice(b"endbfrange");
        let cmap = CMap::parse(&src).unwrap();
        assert_eq!(cmap.unicode_len(), MAX_UNICODE_ENTRIES);
        let cmap = CMap::parse(b"begincidrange <00000000> <FFFFFFFF> 0 endcidrange").unwrap();
        assert_eq!(cmap.cid(0xFFFF_FFFF, 4), Some(0xFFFF_FFFF));
        assert!(start.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn garbage_never_panics() {
        let start = Instant::now();
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        // Random bytes.
        for _ in 0..300 {
            let len = (rng.next() % 400) as usize;
            let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            if let Ok(cmap) = CMap::parse(&data) {
                let _ = cmap.split(&data);
            }
        }
        // Random soups of CMap tokens, which reach much deeper than random bytes.
        let pieces: &[&[u8]] = &[
            b"begincodespacerange",
            b"endcodespacerange",
            b"beginbfchar",
            b"endbfchar",
            b"beginbfrange",
            b"endbfrange",
            b"begincidchar",
            b"endcidchar",
            b"begincidrange",
            b"endcidrange",
            b"beginnotdefrange",
            b"/Identity-H usecmap",
            b"/X usecmap",
            b"usecmap",
            b"<00>",
            b"<FF>",
            b"<0000>",
            b"<FFFF>",
            b"<D800>",
            b"<FFFFFFFF>",
            b"<",
            b">",
            b"<<",
            b">>",
            b"[",
            b"]",
            b"(",
            b")",
            b"\\",
            b"%",
            b"\n",
            b"/fi",
            b"/",
            b"#",
            b"-1",
            b"4294967296",
            b"99999999999999999999",
            b"1.5",
            b"{",
            b"}",
        ];
        let resolve = |_: &str| Some(b"/X usecmap begincodespacerange <00> <FF> endcodespacerange".to_vec());
        for _ in 0..2000 {
            let n = rng.next() % 60;
            let mut data = Vec::new();
            for _ in 0..n {
                data.extend_from_slice(pieces[(rng.next() % pieces.len() as u64) as usize]);
                data.push(b' ');
            }
            if let Ok(cmap) = CMap::parse_with(&data, &resolve) {
                for c in cmap.split(&data) {
                    let _ = (cmap.unicode(c.code, c.len), cmap.cid(c.code, c.len));
                }
            }
        }
        // Every truncation of a valid CMap.
        for cut in 0..=LIBREOFFICE.len() {
            let _ = CMap::parse(&LIBREOFFICE[..cut]);
        }
        assert!(start.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut src = b"beginbfrange <01> <02> ".to_vec();
        src.extend(std::iter::repeat_n(b'[', 200_000));
        src.extend_from_slice(b" endbfrange");
        let _ = CMap::parse(&src);
        let mut src = vec![b'('; 200_000];
        src.extend_from_slice(b"beginbfchar <01> <0041> endbfchar");
        assert!(CMap::parse(&src).is_err());
    }

    #[test]
    fn error_display() {
        assert_eq!(CMapError("x".into()).to_string(), "CMap: x");
    }
}
