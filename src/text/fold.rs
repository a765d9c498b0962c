//! Folding for matching: case, diacritics, compatibility forms (ligatures, NBSP), soft hyphens,
//! dashes and quotes. The folded text keeps a map back to the original byte offsets, so a match
//! in the folded view can always be turned into a span of the original.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// A folded view of a text plus the map back to it.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// One entry per original character whose folded form differs in byte length or content
    /// outside ASCII: (folded start, folded end, original start, original end). Between
    /// entries the two texts advance byte for byte.
    segments: Vec<(u32, u32, u32, u32)>,
}

impl Folded {
    /// Folded offset of an original char-boundary offset.
    pub fn to_folded(&self, orig: usize) -> usize {
        let k = self.segments.partition_point(|s| (s.3 as usize) <= orig);
        if k == 0 {
            orig
        } else {
            let (_, fe, _, oe) = self.segments[k - 1];
            fe as usize + (orig - oe as usize)
        }
    }

    /// A map from original to folded offsets for offsets asked in ascending order (the
    /// tokens of a text, start and end), in one forward sweep.
    pub fn forward(&self) -> ForwardMap<'_> {
        ForwardMap {
            segments: &self.segments,
            k: 0,
        }
    }

    /// Original offset of a folded start offset.
    pub fn orig_start(&self, pos: usize) -> usize {
        self.map(pos, false)
    }

    /// Original offset of a folded (exclusive) end offset.
    pub fn orig_end(&self, pos: usize) -> usize {
        self.map(pos, true)
    }

    fn map(&self, pos: usize, end: bool) -> usize {
        let p = pos as u32;
        // Last segment starting at or before p (for ends: strictly before, so a span ending
        // where a segment starts maps to that segment's original start).
        let idx = self.segments.partition_point(|s| if end { s.0 < p } else { s.0 <= p });
        if idx == 0 {
            return pos;
        }
        let (_, fe, os, oe) = self.segments[idx - 1];
        let (p, fe, os, oe) = (p as usize, fe as usize, os as usize, oe as usize);
        match (end, p < fe, p <= fe) {
            (false, true, _) => os,
            (true, _, true) => oe,
            _ => oe + (p - fe),
        }
    }
}

/// See [`Folded::forward`].
#[derive(Debug)]
pub struct ForwardMap<'a> {
    segments: &'a [(u32, u32, u32, u32)],
    /// Segments that end at or before the last offset asked.
    k: usize,
}

impl ForwardMap<'_> {
    /// Folded offset of original char-boundary offset `o`, not below any offset asked before.
    #[inline]
    pub fn map(&mut self, o: u32) -> u32 {
        let seg = self.segments;
        while self.k < seg.len() && seg[self.k].3 <= o {
            self.k += 1;
        }
        if self.k == 0 {
            o
        } else {
            seg[self.k - 1].1 + (o - seg[self.k - 1].3)
        }
    }
}

/// Folds one character into `out`.
fn fold_char(c: char, out: &mut String) {
    match c {
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => {}
        '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\u{200A}' | '\u{2002}' | '\u{2003}' | '\u{3000}' => {
            out.push(' ')
        }
        '\u{2010}'..='\u{2014}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => out.push('-'),
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '`' | '\u{00B4}' => out.push('\''),
        '\u{201C}' | '\u{201D}' => out.push('"'),
        'ß' => out.push_str("ss"),
        _ => decompose_compatible(c, |d| {
            if !is_combining_mark(d) {
                for l in d.to_lowercase() {
                    out.push(l);
                }
            }
        }),
    }
}

/// The length of the ASCII run `b` starts with. Whole chunks are tested first (the standard
/// library tests a chunk a word at a time): Dutch text has long ASCII runs between accented
/// letters, and a byte-by-byte search was most of the cost of folding.
pub fn ascii_run(b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let mut n = 0;
    for c in b.chunks(CHUNK) {
        if c.is_ascii() {
            n += c.len();
        } else {
            return n + c.iter().position(|&x| x >= 0x80).unwrap_or(c.len());
        }
    }
    n
}

/// Folds a text and keeps the map back.
pub fn fold(s: &str) -> Folded {
    let bytes = s.as_bytes();
    let mut text = String::with_capacity(s.len());
    let mut segments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let run = ascii_run(&bytes[i..]);
        if run > 0 {
            let start = text.len();
            text.push_str(&s[i..i + run]);
            text[start..].make_ascii_lowercase();
            i += run;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or('\u{FFFD}');
        let fs = text.len();
        fold_char(c, &mut text);
        segments.push((fs as u32, text.len() as u32, i as u32, (i + c.len_utf8()) as u32));
        i += c.len_utf8();
    }
    Folded { text, segments }
}

/// Folds compatibility forms, diacritics, spaces and dashes but keeps letter case (for checks
/// where a capital matters: a surname versus the same word in lower case).
pub fn fold_keep_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if c.is_uppercase() {
            let mut tmp = String::new();
            fold_char(c, &mut tmp);
            let mut it = tmp.chars();
            if let Some(f) = it.next() {
                out.extend(f.to_uppercase());
                out.extend(it);
            }
        } else {
            fold_char(c, &mut out);
        }
    }
    out
}

/// Folds a string without keeping the map (for list entries and keywords).
pub fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        // ASCII runs (nearly all of Dutch text) are copied and lower-cased in one go.
        let run = ascii_run(rest.as_bytes());
        if run > 0 {
            let start = out.len();
            out.push_str(&rest[..run]);
            out[start..].make_ascii_lowercase();
            rest = &rest[run..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            fold_char(c, &mut out);
        }
        rest = chars.as_str();
    }
    out
}

/// Checks the invariants of the map back on `s` (for fuzzing and property tests): the folded
/// text equals [`fold_str`]; every folded span maps to an original span on char boundaries,
/// in order, whose own folding contains the folded span; original offsets map forward within
/// the folded text, in order. Returns the first violation.
pub fn check_map(s: &str) -> Result<(), String> {
    let f = fold(s);
    if f.text != fold_str(s) {
        return Err("fold and fold_str differ".into());
    }
    let bounds: Vec<usize> = (0..=f.text.len()).filter(|&i| f.text.is_char_boundary(i)).collect();
    let mut last_start = 0;
    for (k, &a) in bounds.iter().enumerate() {
        let oa = f.orig_start(a);
        if oa < last_start || oa > s.len() || !s.is_char_boundary(oa) {
            return Err(format!("folded {a} maps to bad original start {oa}"));
        }
        last_start = oa;
        // Spans of up to 8 folded chars from here.
        for &b in bounds.iter().skip(k + 1).take(8) {
            let ob = f.orig_end(b);
            if ob < oa || ob > s.len() || !s.is_char_boundary(ob) {
                return Err(format!("folded {a}..{b} maps to bad original {oa}..{ob}"));
            }
            if !fold_str(&s[oa..ob]).contains(&f.text[a..b]) {
                return Err(format!(
                    "folded {a}..{b} is not found in the folding of original {oa}..{ob}"
                ));
            }
        }
    }
    let mut last = 0;
    for o in (0..=s.len()).filter(|&i| s.is_char_boundary(i)) {
        let t = f.to_folded(o);
        if t < last || t > f.text.len() {
            return Err(format!("original {o} maps to bad folded {t}"));
        }
        last = t;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_run_stops_at_the_first_non_ascii_byte() {
        for len in [0, 1, 63, 64, 65, 130] {
            for at in [0, 1, 62, 63, 64, 65, 129] {
                let mut b = vec![b'a'; len];
                if at < len {
                    b[at] = 0xC3;
                }
                let expect = b.iter().position(|&x| x >= 0x80).unwrap_or(len);
                assert_eq!(ascii_run(&b), expect, "len {len} at {at}");
            }
        }
    }

    #[test]
    fn folds_case_diacritics_and_compat_forms() {
        assert_eq!(fold_str("Zoë Françoise"), "zoe francoise");
        assert_eq!(fold_str("ĳsselmeer"), "ijsselmeer");
        assert_eq!(fold_str("ﬁets"), "fiets");
        assert_eq!(fold_str("J.\u{00A0}de\u{00A0}Vries"), "j. de vries");
        assert_eq!(fold_str("Jan\u{00AD}sen"), "jansen");
        assert_eq!(fold_str("Kuipers\u{2013}Jansen"), "kuipers-jansen");
    }

    #[test]
    fn maps_back_to_original_spans() {
        let s = "Beste Zoë van Dĳk, groet";
        let f = fold(s);
        let needle = "zoe van dijk";
        let p = f.text.find(needle).unwrap();
        let (a, b) = (f.orig_start(p), f.orig_end(p + needle.len()));
        assert_eq!(&s[a..b], "Zoë van Dĳk");
        let p = f.text.find("groet").unwrap();
        assert_eq!(&s[f.orig_start(p)..f.orig_end(p + 5)], "groet");
    }

    #[test]
    fn soft_hyphen_maps_inside() {
        let s = "x Jan\u{00AD}sen y";
        let f = fold(s);
        let p = f.text.find("jansen").unwrap();
        assert_eq!(&s[f.orig_start(p)..f.orig_end(p + 6)], "Jan\u{00AD}sen");
    }
}
