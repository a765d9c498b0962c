//! Content-stream syntax (PDF 32000-1 §7.8.2, §8.9.7): a lexer that yields one operation at a
//! time with the byte range it occupies, and a writer for operations we replace.
//!
//! Why our own and not lopdf's `Content::decode`: lopdf parses a whole stream into memory at
//! once (about 90 times the stream's size), so large real pages had to be refused; it cannot
//! say where an operation sits, so every edited stream was re-serialised in full (reals through
//! `f32`), where byte ranges let us splice only the operations we change and keep every other
//! byte as the producer wrote it; and it stops at syntax viewers shrug off (a stray `)` or
//! `>>`), where viewers skip the bad token and go on. This lexer reads the way viewers do:
//! a page's streams are read as one (operations may span them), comments are skipped, a
//! malformed token is skipped, and inline image data is stepped over.

use lopdf::{Dictionary, Object, StringFormat};

/// Most operands one operation may carry before the extras are dropped (viewers bound the
/// operand stack too; a hostile stream of numbers without an operator must not grow memory).
const MAX_OPERANDS: usize = 4096;
/// Deepest nesting of arrays and dictionaries in an operand.
const MAX_DEPTH: usize = 32;

/// One operation: its operands, its operator and where it sits in the buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct Op<'a> {
    /// The operator (`Tj`, `cm`, `BI` for an inline image, …).
    pub operator: &'a [u8],
    /// The operands, in order. For `BI` the image dictionary.
    pub operands: Vec<Object>,
    /// Byte offset of the first operand (or the operator when there are none).
    pub start: usize,
    /// Byte offset just after the operator (for `BI`, after `EI`).
    pub end: usize,
}

impl Op<'_> {
    /// The operator as text (operators are ASCII keywords).
    pub fn name(&self) -> &str {
        std::str::from_utf8(self.operator).unwrap_or("")
    }
}

/// Iterates over the operations of a content buffer.
pub struct Lexer<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// A lexer over `buf` (one stream, or a page's streams joined by [`join_streams`]).
    pub fn new(buf: &'a [u8]) -> Lexer<'a> {
        Lexer { buf, pos: 0 }
    }
}

/// The bytes of several content streams read as one, with a line break between them so a
/// token cannot run from one into the next.
pub fn join_streams(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        out.extend_from_slice(p);
        out.push(b'\n');
    }
    out
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

/// What one token turned out to be.
enum Token<'a> {
    Obj(Object),
    Keyword(&'a [u8]),
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    /// A byte that starts no token (a stray `)`, `{`, `}`): skipped.
    Junk,
}

impl<'a> Lexer<'a> {
    fn skip_white(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.buf.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn token(&mut self) -> Option<Token<'a>> {
        self.skip_white();
        let b = *self.buf.get(self.pos)?;
        let t = match b {
            b'(' => Token::Obj(self.literal_string()),
            b'<' if self.buf.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Token::DictOpen
            }
            b'<' => Token::Obj(self.hex_string()),
            b'>' if self.buf.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Token::DictClose
            }
            b'[' => {
                self.pos += 1;
                Token::ArrayOpen
            }
            b']' => {
                self.pos += 1;
                Token::ArrayClose
            }
            b'/' => Token::Obj(self.name()),
            b')' | b'>' | b'{' | b'}' => {
                self.pos += 1;
                Token::Junk
            }
            _ => {
                let start = self.pos;
                while self.buf.get(self.pos).is_some_and(|&c| is_regular(c)) {
                    self.pos += 1;
                }
                let word = &self.buf[start..self.pos];
                match word {
                    b"true" => Token::Obj(Object::Boolean(true)),
                    b"false" => Token::Obj(Object::Boolean(false)),
                    b"null" => Token::Obj(Object::Null),
                    _ => match number(word) {
                        Some(n) => Token::Obj(n),
                        None => Token::Keyword(word),
                    },
                }
            }
        };
        Some(t)
    }

    fn literal_string(&mut self) -> Object {
        // At '('.
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(&e) = self.buf.get(self.pos) else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.buf.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = (e - b'0') as u32;
                            for _ in 0..2 {
                                match self.buf.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + (d - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        Object::String(out, StringFormat::Literal)
    }

    fn hex_string(&mut self) -> Object {
        // At '<'.
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            let v = match c {
                b'>' => break,
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => continue,
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        Object::String(out, StringFormat::Hexadecimal)
    }

    fn name(&mut self) -> Object {
        // At '/'.
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(&c) = self.buf.get(self.pos) {
            if !is_regular(c) {
                break;
            }
            self.pos += 1;
            if c == b'#'
                && let (Some(h), Some(l)) = (
                    self.buf.get(self.pos).and_then(|&x| (x as char).to_digit(16)),
                    self.buf.get(self.pos + 1).and_then(|&x| (x as char).to_digit(16)),
                )
            {
                out.push((h * 16 + l) as u8);
                self.pos += 2;
                continue;
            }
            out.push(c);
        }
        Object::Name(out)
    }

    /// Reads the object a token starts (an array or dictionary reads to its end); `None` when
    /// the token is a keyword (returned through `keyword`) or the buffer ends.
    fn object(&mut self, first: Token<'a>, depth: usize) -> Result<Object, Option<&'a [u8]>> {
        match first {
            Token::Obj(o) => Ok(o),
            Token::Keyword(k) => Err(Some(k)),
            Token::Junk | Token::ArrayClose | Token::DictClose => Err(None),
            Token::ArrayOpen => {
                let mut items = Vec::new();
                loop {
                    let Some(t) = self.token() else { break };
                    match t {
                        Token::ArrayClose => break,
                        Token::Junk | Token::DictClose => {}
                        // A keyword inside an array is an operator after an unclosed array:
                        // the array ends there and the keyword is read as the operator.
                        Token::Keyword(k) => {
                            self.pos -= k.len();
                            break;
                        }
                        t => {
                            if depth >= MAX_DEPTH {
                                continue;
                            }
                            if let Ok(o) = self.object(t, depth + 1)
                                && items.len() < MAX_OPERANDS
                            {
                                items.push(o);
                            }
                        }
                    }
                }
                Ok(Object::Array(items))
            }
            Token::DictOpen => {
                let mut dict = Dictionary::new();
                let mut key: Option<Vec<u8>> = None;
                loop {
                    let Some(t) = self.token() else { break };
                    match t {
                        Token::DictClose => break,
                        Token::Junk | Token::ArrayClose => {}
                        Token::Keyword(k) => {
                            self.pos -= k.len();
                            break;
                        }
                        t => {
                            if depth >= MAX_DEPTH {
                                continue;
                            }
                            let Ok(o) = self.object(t, depth + 1) else { continue };
                            match (key.take(), o) {
                                (None, Object::Name(n)) => key = Some(n),
                                (None, _) => {}
                                (Some(k), v) => dict.set(k, v),
                            }
                        }
                    }
                }
                Ok(Object::Dictionary(dict))
            }
        }
    }

    /// After `ID`: the inline image's data ends at `EI` standing alone, followed by white space
    /// or the end and then something that reads as content again.
    fn skip_inline_data(&mut self) {
        // One white-space byte after ID belongs to the operator.
        if self.buf.get(self.pos).is_some_and(|&b| is_white(b)) {
            self.pos += 1;
        }
        let mut i = self.pos;
        while i + 1 < self.buf.len() {
            if self.buf[i] == b'E'
                && self.buf[i + 1] == b'I'
                && (i == self.pos || is_white(self.buf[i - 1]))
                && self.buf.get(i + 2).is_none_or(|&b| is_white(b))
                && plausible_after(&self.buf[i + 2..])
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = self.buf.len();
    }
}

/// Does what follows an `EI` candidate look like content (ASCII operators and operands) rather
/// than more binary image data?
fn plausible_after(rest: &[u8]) -> bool {
    rest.iter().take(32).all(|&b| b.is_ascii_graphic() || is_white(b))
}

/// A number token (`12`, `-3.5`, `.5`, `4.`, `+7`); `None` for anything else.
fn number(w: &[u8]) -> Option<Object> {
    let first = *w.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return None;
    }
    let s = std::str::from_utf8(w).ok()?;
    if !s.contains('.')
        && let Ok(i) = s.parse::<i64>()
    {
        return Some(Object::Integer(i));
    }
    // Viewers accept "4." and "-.5"; Rust parses both. Anything else with digits (e.g. "1-2",
    // "--5") is a malformed number that viewers read as 0.
    match s.parse::<f32>() {
        Ok(f) if f.is_finite() => Some(Object::Real(f)),
        _ if s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')) => Some(Object::Integer(0)),
        _ => None,
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Op<'a>;

    fn next(&mut self) -> Option<Op<'a>> {
        let mut operands: Vec<Object> = Vec::new();
        let mut start: Option<usize> = None;
        loop {
            self.skip_white();
            let at = self.pos;
            let t = self.token()?;
            match self.object(t, 0) {
                Ok(o) => {
                    start.get_or_insert(at);
                    if operands.len() < MAX_OPERANDS {
                        operands.push(o);
                    }
                }
                Err(Some(k)) => {
                    let start = start.unwrap_or(at);
                    if k == b"BI" {
                        // Inline image: key/value pairs up to ID, then binary data up to EI.
                        let mut dict = Dictionary::new();
                        let mut key: Option<Vec<u8>> = None;
                        loop {
                            let Some(t) = self.token() else { break };
                            match self.object(t, 1) {
                                Ok(o) => match (key.take(), o) {
                                    (None, Object::Name(n)) => key = Some(n),
                                    (None, _) => {}
                                    (Some(k), v) => dict.set(k, v),
                                },
                                Err(Some(b"ID")) => {
                                    self.skip_inline_data();
                                    break;
                                }
                                Err(Some(b"EI")) => break,
                                Err(_) => {}
                            }
                        }
                        return Some(Op {
                            operator: b"BI",
                            operands: vec![Object::Dictionary(dict)],
                            start: at,
                            end: self.pos,
                        });
                    }
                    return Some(Op {
                        operator: k,
                        operands,
                        start,
                        end: self.pos,
                    });
                }
                // A stray delimiter: skipped, as viewers do.
                Err(None) => {}
            }
        }
    }
}

/// Writes `operands operator` followed by a line break, in PDF syntax.
pub fn write_op(out: &mut Vec<u8>, operands: &[Object], operator: &str) {
    for o in operands {
        write_object(out, o);
        out.push(b' ');
    }
    out.extend_from_slice(operator.as_bytes());
    out.push(b'\n');
}

/// Writes one operand in PDF syntax. Reals get at most four decimals and never an exponent
/// (which PDF does not allow); a non-finite real, which no operator accepts, is written as 0.
pub fn write_object(out: &mut Vec<u8>, o: &Object) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => write_real(out, *r as f64),
        Object::Name(n) => {
            out.push(b'/');
            for &b in n {
                if is_regular(b) && b != b'#' && (33..127).contains(&b) {
                    out.push(b);
                } else {
                    out.extend_from_slice(format!("#{b:02X}").as_bytes());
                }
            }
        }
        Object::String(s, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in s {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::String(s, StringFormat::Literal) => {
            out.push(b'(');
            for &b in s {
                match b {
                    b'(' | b')' | b'\\' => {
                        out.push(b'\\');
                        out.push(b);
                    }
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    32..=126 => out.push(b),
                    _ => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
                }
            }
            out.push(b')');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, x);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => {
            out.extend_from_slice(b"<<");
            for (k, v) in d.iter() {
                write_object(out, &Object::Name(k.clone()));
                out.push(b' ');
                write_object(out, v);
                out.push(b' ');
            }
            out.extend_from_slice(b">>");
        }
        // Not valid inside content; never produced by the lexer.
        Object::Reference(_) | Object::Stream(_) => out.extend_from_slice(b"null"),
    }
}

/// A real with at most four decimals, trailing zeros dropped, never an exponent.
pub fn write_real(out: &mut Vec<u8>, r: f64) {
    let r = if r.is_finite() { r } else { 0.0 };
    let s = format!("{r:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s = if s == "-0" || s.is_empty() { "0" } else { s };
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(s: &str) -> Vec<(String, Vec<Object>)> {
        Lexer::new(s.as_bytes())
            .map(|o| (o.name().to_string(), o.operands))
            .collect()
    }

    #[test]
    fn reads_operators_operands_and_ranges() {
        let src = b"BT /F1 12 Tf 72 700 Td [(Jan) -250 <0041>] TJ ET";
        let all: Vec<Op> = Lexer::new(src).collect();
        let names: Vec<&str> = all.iter().map(|o| o.name()).collect();
        assert_eq!(names, ["BT", "Tf", "Td", "TJ", "ET"]);
        let tj = &all[3];
        assert_eq!(&src[tj.start..tj.end], b"[(Jan) -250 <0041>] TJ");
        assert_eq!(
            tj.operands,
            vec![Object::Array(vec![
                Object::String(b"Jan".to_vec(), StringFormat::Literal),
                Object::Integer(-250),
                Object::String(vec![0, 0x41], StringFormat::Hexadecimal),
            ])]
        );
        assert_eq!(all[1].operands, vec![Object::Name(b"F1".to_vec()), Object::Integer(12)]);
    }

    #[test]
    fn strings_escapes_and_nesting() {
        let o = ops(r"(a\(b\) (c) \101\n\
x) Tj");
        assert_eq!(
            o[0].1,
            vec![Object::String(b"a(b) (c) A\nx".to_vec(), StringFormat::Literal)]
        );
        assert_eq!(
            ops("<4 1 4>Tj")[0].1,
            vec![Object::String(vec![0x41, 0x40], StringFormat::Hexadecimal)]
        );
    }

    #[test]
    fn viewers_leniency_stray_tokens_comments_and_split_operations() {
        // A stray ')' and '>>' are skipped; a comment is skipped; an operation may span the
        // join between two streams.
        let joined = join_streams(&[b"q ) 1 0 0 1 5 5 % comment\n".to_vec(), b">> cm Q".to_vec()]);
        let o = ops(std::str::from_utf8(&joined).unwrap());
        assert_eq!(o.len(), 3);
        assert_eq!(o[1].0, "cm");
        assert_eq!(o[1].1.len(), 6);
        // Numbers in unusual forms.
        assert_eq!(
            ops("4. -.5 +3 0 0 1 cm")[0].1[..3],
            [Object::Real(4.0), Object::Real(-0.5), Object::Integer(3)]
        );
    }

    #[test]
    fn inline_images_are_stepped_over() {
        let src = b"q BI /W 2 /H 1 /BPC 8 /CS /G ID \x00EI\xffEI Q\nEI Q BT ET";
        let all: Vec<Op> = Lexer::new(src).collect();
        let names: Vec<&str> = all.iter().map(|o| o.name()).collect();
        // The first "EI" candidate is followed by binary bytes: still image data.
        assert_eq!(names, ["q", "BI", "Q", "BT", "ET"]);
        assert!(matches!(&all[1].operands[0], Object::Dictionary(d) if d.has(b"W")));
    }

    #[test]
    fn a_dictionary_operand_and_writing_back() {
        let src = b"/Span <</ActualText (Jan)>> BDC";
        let all: Vec<Op> = Lexer::new(src).collect();
        assert_eq!(all[0].name(), "BDC");
        let mut out = Vec::new();
        write_op(&mut out, &all[0].operands, "BDC");
        let again: Vec<Op> = Lexer::new(&out).collect();
        assert_eq!(again[0].operands, all[0].operands);
        let mut r = Vec::new();
        write_real(&mut r, -12.50004);
        assert_eq!(r, b"-12.5");
        let mut r = Vec::new();
        write_real(&mut r, 1e-9);
        assert_eq!(r, b"0");
    }

    #[test]
    fn agrees_with_lopdf_on_real_producers() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pdf");
        let mut seen = 0;
        for producer in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            for f in std::fs::read_dir(producer.path()).into_iter().flatten().flatten() {
                let Ok(doc) = lopdf::Document::load(f.path()) else {
                    continue;
                };
                for (_, page) in doc.get_pages() {
                    let bytes = doc.get_page_content(page);
                    let Ok(theirs) = lopdf::content::Content::decode(&bytes) else {
                        continue;
                    };
                    let ours: Vec<Op> = Lexer::new(&bytes).collect();
                    assert_eq!(ours.len(), theirs.operations.len(), "{}", f.path().display());
                    for (a, b) in ours.iter().zip(&theirs.operations) {
                        assert_eq!(a.name(), b.operator);
                        if a.name() != "BI" {
                            assert_eq!(a.operands.len(), b.operands.len());
                        }
                    }
                    seen += 1;
                }
            }
        }
        assert!(seen >= 8);
    }
}
