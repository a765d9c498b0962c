//! From glyphs to text: groups a page's glyphs into lines along their baseline direction,
//! orders lines top to bottom and glyphs along the line, infers spaces from gaps (pdfTeX writes
//! spaces as kerning, Chromium one glyph per operator), and keeps for every byte of the text the
//! glyph it came from, so a span found in the text maps back to glyphs exactly.

use super::interp::Glyph;

/// The text of a document's pages and the glyph behind each piece of it.
#[derive(Debug, Default, Clone)]
pub struct GlyphText {
    /// Text in reading order, pages separated by a blank line.
    pub text: String,
    /// (text start, text end, page index, glyph index), sorted by text start.
    pub spans: Vec<(usize, usize, usize, usize)>,
    /// Byte offset where each page's text starts.
    pub page_starts: Vec<usize>,
}

impl GlyphText {
    /// Glyphs (page, index) behind the text range [a, b).
    pub fn glyphs_in(&self, a: usize, b: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let i = self.spans.partition_point(|s| s.1 <= a);
        self.spans[i..].iter().take_while(move |s| s.0 < b).map(|s| (s.2, s.3))
    }
}

struct Line {
    dir: (i32, i32),
    v: f32,
    size: f32,
    glyphs: Vec<(f32, usize)>,
}

/// Builds the text of all pages.
pub fn build(pages: &[&[Glyph]]) -> GlyphText {
    let mut out = GlyphText::default();
    for (pi, glyphs) in pages.iter().enumerate() {
        if pi > 0 {
            out.text.push_str("\n\n");
        }
        out.page_starts.push(out.text.len());
        page_text(pi, glyphs, &mut out);
    }
    out
}

fn page_text(pi: usize, glyphs: &[Glyph], out: &mut GlyphText) {
    let mut lines: Vec<Line> = Vec::new();
    // Only what a reader sees (and an OCR layer standing for an image): hidden text is removed
    // from the output whatever it says, and must not make visible words look like names.
    for (gi, g) in glyphs.iter().enumerate().filter(|(_, g)| g.readable()) {
        let dir = ((g.dir.0 * 10.0).round() as i32, (g.dir.1 * 10.0).round() as i32);
        // Coordinates along the baseline (u) and across it (v).
        let u = g.origin.0 * g.dir.0 + g.origin.1 * g.dir.1;
        let v = -g.origin.0 * g.dir.1 + g.origin.1 * g.dir.0;
        let tol = 0.35 * g.size.max(1.0);
        match lines
            .iter_mut()
            .rev()
            .take(64)
            .find(|l| l.dir == dir && (l.v - v).abs() <= tol)
        {
            Some(l) => {
                l.glyphs.push((u, gi));
                l.size = l.size.max(g.size);
            }
            None => lines.push(Line {
                dir,
                v,
                size: g.size,
                glyphs: vec![(u, gi)],
            }),
        }
    }
    lines.sort_by(|a, b| a.dir.cmp(&b.dir).then(b.v.total_cmp(&a.v)));
    let mut prev_v: Option<(f32, (i32, i32))> = None;
    for line in &mut lines {
        line.glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
        // A word broken with a hyphen at the end of the line continues on the next one:
        // joined, so names and addresses split there ("Groote-" / "Kathagen") stay whole.
        let first_letter = line
            .glyphs
            .first()
            .and_then(|&(_, gi)| glyphs[gi].text.as_deref())
            .is_some_and(|t| t.starts_with(char::is_alphabetic));
        let mut tail = out.text.chars().rev();
        let hyphenated = tail.next() == Some('-') && tail.next().is_some_and(char::is_alphabetic);
        let join = matches!(prev_v, Some((pv, pd)) if hyphenated && first_letter && pd == line.dir && (pv - line.v) < 1.9 * line.size.max(1.0));
        if let Some((pv, pd)) = prev_v
            && !join
        {
            out.text.push('\n');
            if pd == line.dir && (pv - line.v) > 1.9 * line.size.max(1.0) {
                out.text.push('\n');
            }
        }
        prev_v = Some((line.v, line.dir));
        let mut last_end: Option<f32> = None;
        let mut last_op = None;
        // Producers that position every glyph on its own (Chromium) say nothing by operations.
        let ops: std::collections::HashSet<_> = line
            .glyphs
            .iter()
            .map(|&(_, gi)| (glyphs[gi].addr.stream, glyphs[gi].addr.op))
            .collect();
        let line_is_glyphwise = ops.len() * 2 > line.glyphs.len();
        let mut last_was_space = true;
        // A spacing accent drawn over a letter (pdfTeX writes "¨" and "E" as two glyphs) is
        // attached to that letter as a combining mark, so "Ëlsinga" reads as one word.
        let mut pending: Option<(char, usize)> = None;
        let mut last_letter: Option<usize> = None;
        for (k, &(u, gi)) in line.glyphs.iter().enumerate() {
            let g = &glyphs[gi];
            let text = g.text.as_deref().unwrap_or("\u{FFFD}");
            if let Some(mark) = combining_for(text) {
                let cx = (g.bbox[0] + g.bbox[2]) / 2.0;
                let over = |o: usize| glyphs[o].bbox[0] <= cx && cx <= glyphs[o].bbox[2] && is_letter(&glyphs[o]);
                if last_letter.is_some_and(over) {
                    let start = out.text.len();
                    out.text.push(mark);
                    out.spans.push((start, out.text.len(), pi, gi));
                    continue;
                }
                if line.glyphs.get(k + 1).is_some_and(|&(_, n)| over(n)) {
                    pending = Some((mark, gi));
                    continue;
                }
            }
            if let Some(end) = last_end {
                let gap = u - end;
                // A gap wider than any word space is a column or tab stop: written as several
                // spaces, which the name scanner treats as a boundary between cells. Table cells
                // are separate show operations, so a smaller gap counts there too.
                let new_op = last_op.is_some_and(|(s, o)| s != g.addr.stream || o != g.addr.op);
                let wide = if new_op && !line_is_glyphwise { 0.5 } else { 0.9 };
                if gap > wide * g.size.max(1.0) && !last_was_space {
                    out.text.push_str("   ");
                } else if gap > 0.2 * g.size.max(1.0) && !last_was_space && !text.starts_with(' ') {
                    out.text.push(' ');
                }
            }
            let start = out.text.len();
            out.text.push_str(text);
            out.spans.push((start, out.text.len(), pi, gi));
            if let Some((mark, agi)) = pending.take() {
                let s2 = out.text.len();
                out.text.push(mark);
                out.spans.push((s2, out.text.len(), pi, agi));
            }
            last_letter = is_letter(g).then_some(gi);
            let width = (g.bbox[2] - g.bbox[0]) * g.dir.0.abs() + (g.bbox[3] - g.bbox[1]) * g.dir.1.abs();
            last_end = Some(u + width.max(0.0));
            last_was_space = text.ends_with(' ') || text.is_empty();
            last_op = Some((g.addr.stream, g.addr.op));
        }
    }
}

fn is_letter(g: &Glyph) -> bool {
    g.text
        .as_deref()
        .is_some_and(|t| t.chars().next().is_some_and(char::is_alphabetic))
}

/// The combining mark for a spacing accent glyph.
fn combining_for(text: &str) -> Option<char> {
    let mut it = text.chars();
    let c = it.next()?;
    if it.next().is_some() {
        return None;
    }
    Some(match c {
        '\u{A8}' => '\u{308}',
        '\u{B4}' => '\u{301}',
        '`' | '\u{2CB}' => '\u{300}',
        '^' | '\u{2C6}' => '\u{302}',
        '~' | '\u{2DC}' => '\u{303}',
        '\u{B8}' => '\u{327}',
        '\u{2DD}' => '\u{30B}',
        '\u{2DA}' => '\u{30A}',
        '\u{2C7}' => '\u{30C}',
        '\u{2D8}' => '\u{306}',
        '\u{AF}' => '\u{304}',
        '\u{2D9}' => '\u{307}',
        '\u{2DB}' => '\u{328}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::pdf::interp::{GlyphAddr, StreamRef};

    fn glyph(t: &str, x: f32, w: f32) -> Glyph {
        Glyph {
            text: Some(t.into()),
            bbox: [x, 698.0, x + w, 710.0],
            origin: (x, 700.0),
            size: 10.0,
            dir: (1.0, 0.0),
            invisible: false,
            fill: 0.0,
            alpha: 1.0,
            clipped: false,
            off_layer: false,
            hidden: None,
            ocr: false,
            placement: 0,
            tj_advance: w * 100.0,
            addr: GlyphAddr {
                stream: StreamRef::Page,
                op: 0,
                elem: 0,
                byte: 0,
                len: 1,
            },
        }
    }

    #[test]
    fn accents_attach_to_their_letter_and_spaces_are_inferred() {
        // "Berg-Ëlsinga de" with the diaeresis drawn as its own glyph over the E.
        let mut gs = Vec::new();
        let mut x = 100.0;
        for c in ["B", "e", "r", "g", "-"] {
            gs.push(glyph(c, x, 5.0));
            x += 5.0;
        }
        gs.push(glyph("\u{A8}", x + 0.5, 4.0));
        for c in ["E", "l", "s", "i", "n", "g", "a"] {
            gs.push(glyph(c, x, 5.0));
            x += 5.0;
        }
        x += 3.0;
        gs.push(glyph("d", x, 5.0));
        gs.push(glyph("e", x + 5.0, 5.0));
        let t = build(&[&gs]);
        assert_eq!(t.text, "Berg-E\u{308}lsinga de");
        // Every glyph is reachable from the text.
        assert_eq!(t.spans.len(), 15);
        let accent = t.text.find('\u{308}').unwrap();
        assert_eq!(t.glyphs_in(accent, accent + 2).next(), Some((0, 5)));
    }
}
