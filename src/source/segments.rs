//! A text layer assembled from pieces of a structured document (a run of a Word paragraph, a
//! text node of an HTML body, a mail header): each piece keeps its place in the layer, so a
//! finding can be carried back to the pieces it covers, also a name split over several runs.

use crate::text::TextLayer;
use std::ops::Range;

/// The layer text and, per segment, the byte range it occupies in it. Text between segments
/// (separators such as a line break between paragraphs) is the reader's own and is never
/// written back.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    /// The text the detector reads.
    pub text: String,
    /// Where each segment sits in `text`, in order.
    pub spans: Vec<Range<usize>>,
}

impl Segmented {
    /// Appends a segment; returns its index.
    pub fn push(&mut self, s: &str) -> usize {
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push(start..self.text.len());
        self.spans.len() - 1
    }

    /// Appends text that belongs to no segment (a separator).
    pub fn sep(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Ends the current line unless the text is empty or already ends one.
    pub fn line(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Ends a table cell: the cells of a row are one line, tab-separated, as the detector
    /// reads a key-value row (`Aanwezig<TAB>J. Jansen`) the way it reads `Aanwezig: J. Jansen`.
    pub fn cell_end(&mut self) {
        let own = self.spans.last().map_or(0, |r| r.end);
        if self.text.len() > own && self.text.ends_with('\n') {
            self.text.pop();
        }
        self.text.push('\t');
    }

    /// The text of segment `i`.
    pub fn get(&self, i: usize) -> &str {
        self.spans.get(i).and_then(|r| self.text.get(r.clone())).unwrap_or("")
    }

    /// The layer the detector scans.
    pub fn layer(&self) -> TextLayer {
        TextLayer::plain(self.text.clone())
    }
}
