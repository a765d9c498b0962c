//! HTML bodies of e-mail: a tolerant tokenizer that yields the text a reader sees (text nodes
//! with entities decoded and white space collapsed, and the attributes that carry text such as
//! a `mailto:` link or an image's alt text) as segments, and writes the markup back with only
//! those segments changed. Comments and scripts are dropped: a reader never sees them, an
//! extractor does.

use crate::source::segments::Segmented;
use std::ops::Range;

/// One piece of an HTML source.
#[derive(Debug, Clone)]
enum Piece {
    /// Copied as is (tags, CSS, white space).
    Verbatim(Range<usize>),
    /// Text content: its source range and its segment.
    Text(Range<usize>, usize),
    /// An attribute value (without quotes): its source range and its segment.
    Attr(Range<usize>, usize),
    /// Left out of the output (comments, scripts).
    Dropped,
}

/// A parsed HTML body.
#[derive(Debug, Clone)]
pub struct Html {
    src: String,
    pieces: Vec<Piece>,
}

/// Attributes whose values a reader or a link shows.
const TEXT_ATTRS: [&str; 8] = ["href", "alt", "title", "content", "value", "label", "summary", "abbr"];

/// Elements that end a line of text.
const BLOCKS: [&str; 21] = [
    "p",
    "div",
    "br",
    "tr",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "hr",
    "title",
    "pre",
    "body",
    "dd",
    "caption",
];

impl Html {
    /// Tokenizes `src`, adding its text to `seg` (segment indices are `seg`'s).
    pub fn parse(src: &str, seg: &mut Segmented) -> Html {
        let b = src.as_bytes();
        let mut pieces = Vec::new();
        let mut i = 0;
        let mut text_start = 0;
        let mut pre = 0usize;
        let flush_text = |from: usize, to: usize, pieces: &mut Vec<Piece>, seg: &mut Segmented, pre: bool| {
            if from >= to {
                return;
            }
            let t = decode(&src[from..to], !pre);
            if t.trim().is_empty() {
                if !t.is_empty() && !seg.text.ends_with([' ', '\n']) {
                    seg.sep(" ");
                }
                pieces.push(Piece::Verbatim(from..to));
            } else {
                let k = seg.push(&t);
                pieces.push(Piece::Text(from..to, k));
            }
        };
        while i < b.len() {
            if b[i] != b'<' {
                i += 1;
                continue;
            }
            flush_text(text_start, i, &mut pieces, seg, pre > 0);
            if src[i..].starts_with("<!--") {
                let end = src[i + 4..].find("-->").map(|e| i + 4 + e + 3).unwrap_or(b.len());
                pieces.push(Piece::Dropped);
                i = end;
                text_start = i;
                continue;
            }
            let end = tag_end(b, i);
            let tag = &src[i..end];
            let name = tag_name(tag);
            if name == "script" || name == "style" {
                // Skip to the closing tag: its content is code, not text.
                let close = format!("</{name}");
                let lower = src[end..].to_ascii_lowercase();
                let stop = lower.find(&close).map(|e| end + e).unwrap_or(b.len());
                let stop_end = if stop < b.len() { tag_end(b, stop) } else { stop };
                if name == "style" {
                    pieces.push(Piece::Verbatim(i..stop_end));
                } else {
                    pieces.push(Piece::Dropped);
                }
                i = stop_end;
                text_start = i;
                continue;
            }
            if BLOCKS.contains(&name.as_str()) {
                seg.line();
            } else if name == "/td" || name == "/th" {
                seg.cell_end();
            }
            if name == "pre" {
                pre += 1;
            } else if name == "/pre" {
                pre = pre.saturating_sub(1);
            }
            attrs(src, i, end, &mut pieces, seg);
            i = end;
            text_start = i;
        }
        flush_text(text_start, b.len(), &mut pieces, seg, pre > 0);
        Html {
            src: src.to_string(),
            pieces,
        }
    }

    /// The markup with segment `k` replaced by `new[k]` where that is set.
    pub fn write(&self, new: &[Option<String>]) -> String {
        let mut out = String::with_capacity(self.src.len());
        for p in &self.pieces {
            match p {
                Piece::Verbatim(r) => out.push_str(&self.src[r.clone()]),
                Piece::Text(r, k) => match new.get(*k).and_then(|n| n.as_deref()) {
                    Some(n) => out.push_str(&escape(n, false)),
                    None => out.push_str(&self.src[r.clone()]),
                },
                Piece::Attr(r, k) => match new.get(*k).and_then(|n| n.as_deref()) {
                    Some(n) => out.push_str(&escape(n, true)),
                    None => out.push_str(&self.src[r.clone()]),
                },
                Piece::Dropped => {}
            }
        }
        out
    }
}

/// End of a tag starting at `i` (after its `>`, quotes respected).
fn tag_end(b: &[u8], i: usize) -> usize {
    let mut q: Option<u8> = None;
    let mut j = i + 1;
    while j < b.len() {
        match (q, b[j]) {
            (None, b'"' | b'\'') => q = Some(b[j]),
            (Some(c), x) if x == c => q = None,
            (None, b'>') => return j + 1,
            _ => {}
        }
        j += 1;
    }
    b.len()
}

fn tag_name(tag: &str) -> String {
    let t = tag.trim_start_matches('<');
    let slash = t.starts_with('/');
    let name: String = t
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if slash { format!("/{name}") } else { name }
}

/// Splits a tag into verbatim parts and the values of its text attributes.
fn attrs(src: &str, start: usize, end: usize, pieces: &mut Vec<Piece>, seg: &mut Segmented) {
    let b = src.as_bytes();
    let mut pos = start;
    let mut j = start + 1;
    // Skip the tag name.
    while j < end && !b[j].is_ascii_whitespace() && b[j] != b'>' {
        j += 1;
    }
    while j < end {
        while j < end && (b[j].is_ascii_whitespace() || b[j] == b'/') {
            j += 1;
        }
        let ns = j;
        while j < end && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
            j += 1;
        }
        let name = src[ns..j].to_ascii_lowercase();
        if name.is_empty() {
            j += 1;
            continue;
        }
        let mut k = j;
        while k < end && b[k].is_ascii_whitespace() {
            k += 1;
        }
        if k >= end || b[k] != b'=' {
            continue;
        }
        k += 1;
        while k < end && b[k].is_ascii_whitespace() {
            k += 1;
        }
        let (vs, ve) = if k < end && (b[k] == b'"' || b[k] == b'\'') {
            let q = b[k];
            let ve = src[k + 1..end]
                .bytes()
                .position(|x| x == q)
                .map(|e| k + 1 + e)
                .unwrap_or(end);
            (k + 1, ve)
        } else {
            let mut e = k;
            while e < end && !b[e].is_ascii_whitespace() && b[e] != b'>' {
                e += 1;
            }
            (k, e)
        };
        j = (ve + 1).min(end);
        if TEXT_ATTRS.contains(&name.as_str()) && vs < ve {
            let v = decode(&src[vs..ve], true);
            if !v.trim().is_empty() {
                pieces.push(Piece::Verbatim(pos..vs));
                seg.line();
                let n = seg.push(&v);
                seg.line();
                pieces.push(Piece::Attr(vs..ve, n));
                pos = ve;
            }
        }
    }
    pieces.push(Piece::Verbatim(pos..end));
}

/// Decodes character references; with `collapse`, runs of white space (and no-break spaces)
/// become one space, as a browser shows them.
pub fn decode(s: &str, collapse: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|&e| e <= 10);
        let decoded = semi.and_then(|e| entity(&after[..e]));
        match (semi, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if !collapse {
        return out;
    }
    let mut c = String::with_capacity(out.len());
    let mut space = false;
    for ch in out.chars() {
        if ch.is_whitespace() {
            if !space {
                c.push(' ');
            }
            space = true;
        } else {
            c.push(ch);
            space = false;
        }
    }
    c
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(h) => u32::from_str_radix(h, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(n).filter(|c| *c != '\0');
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "euro" => '€',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "sect" => '§',
        "shy" => '\u{ad}',
        "szlig" => 'ß',
        _ => return latin1_letter(name),
    };
    Some(c)
}

/// `eacute`, `Ouml`, `ccedil`, … : a base letter with an accent name.
fn latin1_letter(name: &str) -> Option<char> {
    let mut chars = name.chars();
    let base = chars.next()?;
    let accent = chars.as_str();
    let table: &[(&str, &str, &str)] = &[
        ("acute", "aeiouyAEIOUY", "áéíóúýÁÉÍÓÚÝ"),
        ("grave", "aeiouAEIOU", "àèìòùÀÈÌÒÙ"),
        ("circ", "aeiouAEIOU", "âêîôûÂÊÎÔÛ"),
        ("uml", "aeiouyAEIOUY", "äëïöüÿÄËÏÖÜŸ"),
        ("tilde", "anoANO", "ãñõÃÑÕ"),
        ("cedil", "cC", "çÇ"),
        ("ring", "aA", "åÅ"),
        ("slash", "oO", "øØ"),
    ];
    let (_, from, to) = table.iter().find(|(a, _, _)| *a == accent)?;
    let i = from.chars().position(|c| c == base)?;
    to.chars().nth(i)
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_nodes_and_link_targets_are_segments() {
        let src = "<html><head><style>p{color:red}</style></head><body><!-- Jan de Vries -->\
                   <p>Beste <b>Jos&eacute;</b> Jansen,</p><p><a href=\"mailto:jose@x.nl\">mail</a></p></body></html>";
        let mut seg = Segmented::default();
        let h = Html::parse(src, &mut seg);
        assert!(seg.text.contains("Beste José Jansen,"), "{}", seg.text);
        assert!(seg.text.contains("mailto:jose@x.nl"));
        assert!(!seg.text.contains("Vries"));
        let mut new = vec![None; seg.spans.len()];
        let k = (0..seg.spans.len()).find(|&k| seg.get(k) == "José").expect("segment");
        new[k] = Some("[5.1.2e]".to_string());
        let out = h.write(&new);
        assert!(out.contains("<b>[5.1.2e]</b> Jansen"), "{out}");
        assert!(!out.contains("Vries"), "comment dropped: {out}");
        assert!(out.contains("p{color:red}"));
    }
}
