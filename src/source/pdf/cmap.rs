//! Placeholder until the CMap parser lands.
#![allow(missing_docs, dead_code, unused_variables)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CMapError(pub String);
#[derive(Debug, Clone, Default)]
pub struct CMap;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub code: u32,
    pub len: u8,
    pub offset: usize,
    pub valid: bool,
}
impl CMap {
    pub fn parse_with(data: &[u8], resolve: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<CMap, CMapError> {
        Err(CMapError("stub".into()))
    }
    pub fn parse(data: &[u8]) -> Result<CMap, CMapError> {
        Err(CMapError("stub".into()))
    }
    pub fn identity() -> CMap {
        CMap
    }
    pub fn split(&self, bytes: &[u8]) -> Vec<Code> {
        bytes
            .chunks(2)
            .enumerate()
            .map(|(i, c)| Code {
                code: c.iter().fold(0, |a, &b| a * 256 + b as u32),
                len: c.len() as u8,
                offset: i * 2,
                valid: true,
            })
            .collect()
    }
    pub fn unicode(&self, code: u32, len: u8) -> Option<&str> {
        None
    }
    pub fn cid(&self, code: u32, len: u8) -> Option<u32> {
        Some(code)
    }
    pub fn has_unicode(&self) -> bool {
        false
    }
    pub fn unicode_len(&self) -> usize {
        0
    }
}
