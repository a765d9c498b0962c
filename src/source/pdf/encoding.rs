//! Placeholder until the encodings land.
#![allow(missing_docs, dead_code, unused_variables)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    Standard,
    WinAnsi,
    MacRoman,
    MacExpert,
    PdfDoc,
}
impl BaseEncoding {
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        None
    }
    pub fn glyph_name(self, code: u8) -> Option<&'static str> {
        None
    }
}
pub fn glyph_to_unicode(name: &str) -> Option<String> {
    None
}
