//! The text layer: the text a document is matched on, and the map from every byte of it back
//! to where it came from. Plain text maps one to one; the PDF loader maps to glyphs.

pub mod fold;

/// Where the text of a [`TextLayer`] came from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Byte offsets in the layer are byte offsets in the source file.
    Identity,
}

/// Text in reading order plus its origin map. Findings are spans into `text`.
#[derive(Debug, Clone)]
pub struct TextLayer {
    /// The text in reading order.
    pub text: String,
    /// How layer offsets map back to the source.
    pub origin: Origin,
}

impl TextLayer {
    /// A layer over plain text, mapping one to one.
    pub fn plain(text: String) -> Self {
        TextLayer {
            text,
            origin: Origin::Identity,
        }
    }
}

/// 1-based line and character column of a byte offset in a text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    let before = &text[..o];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// Line starts of a text, for line/column lookups in logarithmic time.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line and character column of a byte offset (the same text as indexed).
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut o = offset.min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= o);
        let start = self.starts[line - 1];
        (line, text[start..o].chars().count() + 1)
    }
}
