//! Simple-font decoding data: the single-byte base encodings (code → glyph name) and glyph name
//! → Unicode. Used only for simple fonts without `/ToUnicode` (PDF.md §2.6 step 2), so anything
//! we cannot map with certainty returns `None`, letting the caller fail closed instead of
//! guessing text that redaction would then miss.
//!
//! Provenance of the tables:
//! - Standard, MacRoman, WinAnsi and PDFDoc: PDF 32000-1:2008 Annex D.2, one row per glyph with
//!   its octal code in each encoding, as the spec prints it. Transcribed from pdfminer.six
//!   20260107 (`latin_enc.py`, itself a copy of Annex D) and checked code by code against
//!   reportlab 5.1.0's encoding tables; the two agree except where noted at `EXTRA`.
//! - MacExpert (Annex D.4): reportlab 5.1.0. Nearly all its glyphs (small caps, old-style
//!   figures) have only Private Use code points in the AGL, so they decode to `None`.
//! - Glyph list: a subset of the Adobe Glyph List 2.0 (notice below), taken from reportlab
//!   5.1.0's copy and checked against pdfminer.six's copy. Kept: every name the encodings above
//!   use, the MacExpert names with a real (non-PUA) code point, and every name whose code point
//!   lies in U+0020–U+024F, U+02B0–U+02FF, U+1E00–U+1EFF, U+2000–U+206F, U+20A0–U+20CF,
//!   U+2100–U+215F or is U+2212. Left out on purpose: the ligatures in `LIGATURES`.

/// The single-byte base encodings of simple fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    /// Adobe StandardEncoding: the default of a non-symbolic font without `/Encoding`.
    Standard,
    /// WinAnsiEncoding (Windows code page 1252, minus its unassigned codes).
    WinAnsi,
    /// MacRomanEncoding as PDF defines it: Mac OS Roman without its math and Greek glyphs
    /// (0xB0, 0xB9, 0xC6 … are unassigned) and with `currency` at 0xDB.
    MacRoman,
    /// MacExpertEncoding: small caps, old-style figures, fractions.
    MacExpert,
    /// PDFDocEncoding: the text-string encoding, which some producers also use for fonts.
    PdfDoc,
}

impl BaseEncoding {
    /// From a PDF name (`WinAnsiEncoding`, `MacRomanEncoding`, `StandardEncoding`,
    /// `MacExpertEncoding`, `PDFDocEncoding`); `None` for anything else.
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        Some(match name {
            b"StandardEncoding" => BaseEncoding::Standard,
            b"WinAnsiEncoding" => BaseEncoding::WinAnsi,
            b"MacRomanEncoding" => BaseEncoding::MacRoman,
            b"MacExpertEncoding" => BaseEncoding::MacExpert,
            b"PDFDocEncoding" => BaseEncoding::PdfDoc,
            _ => return None,
        })
    }

    /// Glyph name of a code; `None` for unassigned codes.
    ///
    /// WinAnsi's unused codes (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D) stay `None` although Annex D
    /// says viewers may show them as a bullet: no producer means a bullet by them.
    pub fn glyph_name(self, code: u8) -> Option<&'static str> {
        let table = match self {
            BaseEncoding::Standard => &STANDARD,
            BaseEncoding::WinAnsi => &WIN_ANSI,
            BaseEncoding::MacRoman => &MAC_ROMAN,
            BaseEncoding::MacExpert => &MAC_EXPERT,
            BaseEncoding::PdfDoc => &PDF_DOC,
        };
        table[code as usize]
    }
}

type Table = [Option<&'static str>; 256];

static STANDARD: Table = latin_column(0);
static MAC_ROMAN: Table = latin_column(1);
static WIN_ANSI: Table = latin_column(2);
static PDF_DOC: Table = latin_column(3);
static MAC_EXPERT: Table = mac_expert();

const fn latin_column(col: usize) -> Table {
    let mut table = [None; 256];
    let mut i = 0;
    while i < LATIN.len() {
        let (name, std, mac, win, pdf) = LATIN[i];
        let code = [std, mac, win, pdf][col];
        if code != 0 {
            table[code as usize] = Some(name);
        }
        i += 1;
    }
    let mut i = 0;
    while i < EXTRA.len() {
        let (c, code, name) = EXTRA[i];
        if c == col {
            table[code as usize] = Some(name);
        }
        i += 1;
    }
    table
}

const fn mac_expert() -> Table {
    let mut table = [None; 256];
    let mut i = 0;
    while i < MAC_EXPERT_CODES.len() {
        let (code, name) = MAC_EXPERT_CODES[i];
        table[code as usize] = Some(name);
        i += 1;
    }
    table
}

/// Second codes of a glyph (Annex D.2 footnotes), as (column, code, name) with the columns of
/// [`LATIN`] (0 Standard, 1 MacRoman, 2 WinAnsi, 3 PDFDoc). pdfminer.six has 0o255 as `space`;
/// the spec and reportlab have `hyphen`, which is also what cp1252's soft hyphen is.
const EXTRA: [(usize, u8, &str); 3] = [(1, 0o312, "space"), (2, 0o240, "space"), (2, 0o255, "hyphen")];

/// Annex D.2: (glyph name, StandardEncoding, MacRomanEncoding, WinAnsiEncoding, PDFDocEncoding),
/// codes in octal as the spec prints them, 0 = not encoded (code 0 is unassigned everywhere).
#[rustfmt::skip]
const LATIN: [(&str, u8, u8, u8, u8); 229] = [
    ("A", 0o101, 0o101, 0o101, 0o101),              ("AE", 0o341, 0o256, 0o306, 0o306),
    ("Aacute", 0, 0o347, 0o301, 0o301),             ("Acircumflex", 0, 0o345, 0o302, 0o302),
    ("Adieresis", 0, 0o200, 0o304, 0o304),          ("Agrave", 0, 0o313, 0o300, 0o300),
    ("Aring", 0, 0o201, 0o305, 0o305),              ("Atilde", 0, 0o314, 0o303, 0o303),
    ("B", 0o102, 0o102, 0o102, 0o102),              ("C", 0o103, 0o103, 0o103, 0o103),
    ("Ccedilla", 0, 0o202, 0o307, 0o307),           ("D", 0o104, 0o104, 0o104, 0o104),
    ("E", 0o105, 0o105, 0o105, 0o105),              ("Eacute", 0, 0o203, 0o311, 0o311),
    ("Ecircumflex", 0, 0o346, 0o312, 0o312),        ("Edieresis", 0, 0o350, 0o313, 0o313),
    ("Egrave", 0, 0o351, 0o310, 0o310),             ("Eth", 0, 0, 0o320, 0o320),
    ("Euro", 0, 0, 0o200, 0o240),                   ("F", 0o106, 0o106, 0o106, 0o106),
    ("G", 0o107, 0o107, 0o107, 0o107),              ("H", 0o110, 0o110, 0o110, 0o110),
    ("I", 0o111, 0o111, 0o111, 0o111),              ("Iacute", 0, 0o352, 0o315, 0o315),
    ("Icircumflex", 0, 0o353, 0o316, 0o316),        ("Idieresis", 0, 0o354, 0o317, 0o317),
    ("Igrave", 0, 0o355, 0o314, 0o314),             ("J", 0o112, 0o112, 0o112, 0o112),
    ("K", 0o113, 0o113, 0o113, 0o113),              ("L", 0o114, 0o114, 0o114, 0o114),
    ("Lslash", 0o350, 0, 0, 0o225),                 ("M", 0o115, 0o115, 0o115, 0o115),
    ("N", 0o116, 0o116, 0o116, 0o116),              ("Ntilde", 0, 0o204, 0o321, 0o321),
    ("O", 0o117, 0o117, 0o117, 0o117),              ("OE", 0o352, 0o316, 0o214, 0o226),
    ("Oacute", 0, 0o356, 0o323, 0o323),             ("Ocircumflex", 0, 0o357, 0o324, 0o324),
    ("Odieresis", 0, 0o205, 0o326, 0o326),          ("Ograve", 0, 0o361, 0o322, 0o322),
    ("Oslash", 0o351, 0o257, 0o330, 0o330),         ("Otilde", 0, 0o315, 0o325, 0o325),
    ("P", 0o120, 0o120, 0o120, 0o120),              ("Q", 0o121, 0o121, 0o121, 0o121),
    ("R", 0o122, 0o122, 0o122, 0o122),              ("S", 0o123, 0o123, 0o123, 0o123),
    ("Scaron", 0, 0, 0o212, 0o227),                 ("T", 0o124, 0o124, 0o124, 0o124),
    ("Thorn", 0, 0, 0o336, 0o336),                  ("U", 0o125, 0o125, 0o125, 0o125),
    ("Uacute", 0, 0o362, 0o332, 0o332),             ("Ucircumflex", 0, 0o363, 0o333, 0o333),
    ("Udieresis", 0, 0o206, 0o334, 0o334),          ("Ugrave", 0, 0o364, 0o331, 0o331),
    ("V", 0o126, 0o126, 0o126, 0o126),              ("W", 0o127, 0o127, 0o127, 0o127),
    ("X", 0o130, 0o130, 0o130, 0o130),              ("Y", 0o131, 0o131, 0o131, 0o131),
    ("Yacute", 0, 0, 0o335, 0o335),                 ("Ydieresis", 0, 0o331, 0o237, 0o230),
    ("Z", 0o132, 0o132, 0o132, 0o132),              ("Zcaron", 0, 0, 0o216, 0o231),
    ("a", 0o141, 0o141, 0o141, 0o141),              ("aacute", 0, 0o207, 0o341, 0o341),
    ("acircumflex", 0, 0o211, 0o342, 0o342),        ("acute", 0o302, 0o253, 0o264, 0o264),
    ("adieresis", 0, 0o212, 0o344, 0o344),          ("ae", 0o361, 0o276, 0o346, 0o346),
    ("agrave", 0, 0o210, 0o340, 0o340),             ("ampersand", 0o046, 0o046, 0o046, 0o046),
    ("aring", 0, 0o214, 0o345, 0o345),              ("asciicircum", 0o136, 0o136, 0o136, 0o136),
    ("asciitilde", 0o176, 0o176, 0o176, 0o176),     ("asterisk", 0o052, 0o052, 0o052, 0o052),
    ("at", 0o100, 0o100, 0o100, 0o100),             ("atilde", 0, 0o213, 0o343, 0o343),
    ("b", 0o142, 0o142, 0o142, 0o142),              ("backslash", 0o134, 0o134, 0o134, 0o134),
    ("bar", 0o174, 0o174, 0o174, 0o174),            ("braceleft", 0o173, 0o173, 0o173, 0o173),
    ("braceright", 0o175, 0o175, 0o175, 0o175),     ("bracketleft", 0o133, 0o133, 0o133, 0o133),
    ("bracketright", 0o135, 0o135, 0o135, 0o135),   ("breve", 0o306, 0o371, 0, 0o030),
    ("brokenbar", 0, 0, 0o246, 0o246),              ("bullet", 0o267, 0o245, 0o225, 0o200),
    ("c", 0o143, 0o143, 0o143, 0o143),              ("caron", 0o317, 0o377, 0, 0o031),
    ("ccedilla", 0, 0o215, 0o347, 0o347),           ("cedilla", 0o313, 0o374, 0o270, 0o270),
    ("cent", 0o242, 0o242, 0o242, 0o242),           ("circumflex", 0o303, 0o366, 0o210, 0o032),
    ("colon", 0o072, 0o072, 0o072, 0o072),          ("comma", 0o054, 0o054, 0o054, 0o054),
    ("copyright", 0, 0o251, 0o251, 0o251),          ("currency", 0o250, 0o333, 0o244, 0o244),
    ("d", 0o144, 0o144, 0o144, 0o144),              ("dagger", 0o262, 0o240, 0o206, 0o201),
    ("daggerdbl", 0o263, 0o340, 0o207, 0o202),      ("degree", 0, 0o241, 0o260, 0o260),
    ("dieresis", 0o310, 0o254, 0o250, 0o250),       ("divide", 0, 0o326, 0o367, 0o367),
    ("dollar", 0o044, 0o044, 0o044, 0o044),         ("dotaccent", 0o307, 0o372, 0, 0o033),
    ("dotlessi", 0o365, 0o365, 0, 0o232),           ("e", 0o145, 0o145, 0o145, 0o145),
    ("eacute", 0, 0o216, 0o351, 0o351),             ("ecircumflex", 0, 0o220, 0o352, 0o352),
    ("edieresis", 0, 0o221, 0o353, 0o353),          ("egrave", 0, 0o217, 0o350, 0o350),
    ("eight", 0o070, 0o070, 0o070, 0o070),          ("ellipsis", 0o274, 0o311, 0o205, 0o203),
    ("emdash", 0o320, 0o321, 0o227, 0o204),         ("endash", 0o261, 0o320, 0o226, 0o205),
    ("equal", 0o075, 0o075, 0o075, 0o075),          ("eth", 0, 0, 0o360, 0o360),
    ("exclam", 0o041, 0o041, 0o041, 0o041),         ("exclamdown", 0o241, 0o301, 0o241, 0o241),
    ("f", 0o146, 0o146, 0o146, 0o146),              ("fi", 0o256, 0o336, 0, 0o223),
    ("five", 0o065, 0o065, 0o065, 0o065),           ("fl", 0o257, 0o337, 0, 0o224),
    ("florin", 0o246, 0o304, 0o203, 0o206),         ("four", 0o064, 0o064, 0o064, 0o064),
    ("fraction", 0o244, 0o332, 0, 0o207),           ("g", 0o147, 0o147, 0o147, 0o147),
    ("germandbls", 0o373, 0o247, 0o337, 0o337),     ("grave", 0o301, 0o140, 0o140, 0o140),
    ("greater", 0o076, 0o076, 0o076, 0o076),        ("guillemotleft", 0o253, 0o307, 0o253, 0o253),
    ("guillemotright", 0o273, 0o310, 0o273, 0o273), ("guilsinglleft", 0o254, 0o334, 0o213, 0o210),
    ("guilsinglright", 0o255, 0o335, 0o233, 0o211), ("h", 0o150, 0o150, 0o150, 0o150),
    ("hungarumlaut", 0o315, 0o375, 0, 0o034),       ("hyphen", 0o055, 0o055, 0o055, 0o055),
    ("i", 0o151, 0o151, 0o151, 0o151),              ("iacute", 0, 0o222, 0o355, 0o355),
    ("icircumflex", 0, 0o224, 0o356, 0o356),        ("idieresis", 0, 0o225, 0o357, 0o357),
    ("igrave", 0, 0o223, 0o354, 0o354),             ("j", 0o152, 0o152, 0o152, 0o152),
    ("k", 0o153, 0o153, 0o153, 0o153),              ("l", 0o154, 0o154, 0o154, 0o154),
    ("less", 0o074, 0o074, 0o074, 0o074),           ("logicalnot", 0, 0o302, 0o254, 0o254),
    ("lslash", 0o370, 0, 0, 0o233),                 ("m", 0o155, 0o155, 0o155, 0o155),
    ("macron", 0o305, 0o370, 0o257, 0o257),         ("minus", 0, 0, 0, 0o212),
    ("mu", 0, 0o265, 0o265, 0o265),                 ("multiply", 0, 0, 0o327, 0o327),
    ("n", 0o156, 0o156, 0o156, 0o156),              ("nine", 0o071, 0o071, 0o071, 0o071),
    ("ntilde", 0, 0o226, 0o361, 0o361),             ("numbersign", 0o043, 0o043, 0o043, 0o043),
    ("o", 0o157, 0o157, 0o157, 0o157),              ("oacute", 0, 0o227, 0o363, 0o363),
    ("ocircumflex", 0, 0o231, 0o364, 0o364),        ("odieresis", 0, 0o232, 0o366, 0o366),
    ("oe", 0o372, 0o317, 0o234, 0o234),             ("ogonek", 0o316, 0o376, 0, 0o035),
    ("ograve", 0, 0o230, 0o362, 0o362),             ("one", 0o061, 0o061, 0o061, 0o061),
    ("onehalf", 0, 0, 0o275, 0o275),                ("onequarter", 0, 0, 0o274, 0o274),
    ("onesuperior", 0, 0, 0o271, 0o271),            ("ordfeminine", 0o343, 0o273, 0o252, 0o252),
    ("ordmasculine", 0o353, 0o274, 0o272, 0o272),   ("oslash", 0o371, 0o277, 0o370, 0o370),
    ("otilde", 0, 0o233, 0o365, 0o365),             ("p", 0o160, 0o160, 0o160, 0o160),
    ("paragraph", 0o266, 0o246, 0o266, 0o266),      ("parenleft", 0o050, 0o050, 0o050, 0o050),
    ("parenright", 0o051, 0o051, 0o051, 0o051),     ("percent", 0o045, 0o045, 0o045, 0o045),
    ("period", 0o056, 0o056, 0o056, 0o056),         ("periodcentered", 0o264, 0o341, 0o267, 0o267),
    ("perthousand", 0o275, 0o344, 0o211, 0o213),    ("plus", 0o053, 0o053, 0o053, 0o053),
    ("plusminus", 0, 0o261, 0o261, 0o261),          ("q", 0o161, 0o161, 0o161, 0o161),
    ("question", 0o077, 0o077, 0o077, 0o077),       ("questiondown", 0o277, 0o300, 0o277, 0o277),
    ("quotedbl", 0o042, 0o042, 0o042, 0o042),       ("quotedblbase", 0o271, 0o343, 0o204, 0o214),
    ("quotedblleft", 0o252, 0o322, 0o223, 0o215),   ("quotedblright", 0o272, 0o323, 0o224, 0o216),
    ("quoteleft", 0o140, 0o324, 0o221, 0o217),      ("quoteright", 0o047, 0o325, 0o222, 0o220),
    ("quotesinglbase", 0o270, 0o342, 0o202, 0o221), ("quotesingle", 0o251, 0o047, 0o047, 0o047),
    ("r", 0o162, 0o162, 0o162, 0o162),              ("registered", 0, 0o250, 0o256, 0o256),
    ("ring", 0o312, 0o373, 0, 0o036),               ("s", 0o163, 0o163, 0o163, 0o163),
    ("scaron", 0, 0, 0o232, 0o235),                 ("section", 0o247, 0o244, 0o247, 0o247),
    ("semicolon", 0o073, 0o073, 0o073, 0o073),      ("seven", 0o067, 0o067, 0o067, 0o067),
    ("six", 0o066, 0o066, 0o066, 0o066),            ("slash", 0o057, 0o057, 0o057, 0o057),
    ("space", 0o040, 0o040, 0o040, 0o040),          ("sterling", 0o243, 0o243, 0o243, 0o243),
    ("t", 0o164, 0o164, 0o164, 0o164),              ("thorn", 0, 0, 0o376, 0o376),
    ("three", 0o063, 0o063, 0o063, 0o063),          ("threequarters", 0, 0, 0o276, 0o276),
    ("threesuperior", 0, 0, 0o263, 0o263),          ("tilde", 0o304, 0o367, 0o230, 0o037),
    ("trademark", 0, 0o252, 0o231, 0o222),          ("two", 0o062, 0o062, 0o062, 0o062),
    ("twosuperior", 0, 0, 0o262, 0o262),            ("u", 0o165, 0o165, 0o165, 0o165),
    ("uacute", 0, 0o234, 0o372, 0o372),             ("ucircumflex", 0, 0o236, 0o373, 0o373),
    ("udieresis", 0, 0o237, 0o374, 0o374),          ("ugrave", 0, 0o235, 0o371, 0o371),
    ("underscore", 0o137, 0o137, 0o137, 0o137),     ("v", 0o166, 0o166, 0o166, 0o166),
    ("w", 0o167, 0o167, 0o167, 0o167),              ("x", 0o170, 0o170, 0o170, 0o170),
    ("y", 0o171, 0o171, 0o171, 0o171),              ("yacute", 0, 0, 0o375, 0o375),
    ("ydieresis", 0, 0o330, 0o377, 0o377),          ("yen", 0o245, 0o264, 0o245, 0o245),
    ("z", 0o172, 0o172, 0o172, 0o172),              ("zcaron", 0, 0, 0o236, 0o236),
    ("zero", 0o060, 0o060, 0o060, 0o060),
];

/// Annex D.4 MacExpertEncoding: (code, glyph name).
#[rustfmt::skip]
const MAC_EXPERT_CODES: [(u8, &str); 165] = [
    (0o040, "space"), (0o041, "exclamsmall"), (0o042, "Hungarumlautsmall"), (0o043, "centoldstyle"),
    (0o044, "dollaroldstyle"), (0o045, "dollarsuperior"), (0o046, "ampersandsmall"), (0o047, "Acutesmall"),
    (0o050, "parenleftsuperior"), (0o051, "parenrightsuperior"), (0o052, "twodotenleader"),
    (0o053, "onedotenleader"), (0o054, "comma"), (0o055, "hyphen"), (0o056, "period"), (0o057, "fraction"),
    (0o060, "zerooldstyle"), (0o061, "oneoldstyle"), (0o062, "twooldstyle"), (0o063, "threeoldstyle"),
    (0o064, "fouroldstyle"), (0o065, "fiveoldstyle"), (0o066, "sixoldstyle"), (0o067, "sevenoldstyle"),
    (0o070, "eightoldstyle"), (0o071, "nineoldstyle"), (0o072, "colon"), (0o073, "semicolon"),
    (0o075, "threequartersemdash"), (0o077, "questionsmall"), (0o104, "Ethsmall"), (0o107, "onequarter"),
    (0o110, "onehalf"), (0o111, "threequarters"), (0o112, "oneeighth"), (0o113, "threeeighths"),
    (0o114, "fiveeighths"), (0o115, "seveneighths"), (0o116, "onethird"), (0o117, "twothirds"), (0o126, "ff"),
    (0o127, "fi"), (0o130, "fl"), (0o131, "ffi"), (0o132, "ffl"), (0o133, "parenleftinferior"),
    (0o135, "parenrightinferior"), (0o136, "Circumflexsmall"), (0o137, "hypheninferior"), (0o140, "Gravesmall"),
    (0o141, "Asmall"), (0o142, "Bsmall"), (0o143, "Csmall"), (0o144, "Dsmall"), (0o145, "Esmall"),
    (0o146, "Fsmall"), (0o147, "Gsmall"), (0o150, "Hsmall"), (0o151, "Ismall"), (0o152, "Jsmall"),
    (0o153, "Ksmall"), (0o154, "Lsmall"), (0o155, "Msmall"), (0o156, "Nsmall"), (0o157, "Osmall"),
    (0o160, "Psmall"), (0o161, "Qsmall"), (0o162, "Rsmall"), (0o163, "Ssmall"), (0o164, "Tsmall"),
    (0o165, "Usmall"), (0o166, "Vsmall"), (0o167, "Wsmall"), (0o170, "Xsmall"), (0o171, "Ysmall"),
    (0o172, "Zsmall"), (0o173, "colonmonetary"), (0o174, "onefitted"), (0o175, "rupiah"), (0o176, "Tildesmall"),
    (0o201, "asuperior"), (0o202, "centsuperior"), (0o207, "Aacutesmall"), (0o210, "Agravesmall"),
    (0o211, "Acircumflexsmall"), (0o212, "Adieresissmall"), (0o213, "Atildesmall"), (0o214, "Aringsmall"),
    (0o215, "Ccedillasmall"), (0o216, "Eacutesmall"), (0o217, "Egravesmall"), (0o220, "Ecircumflexsmall"),
    (0o221, "Edieresissmall"), (0o222, "Iacutesmall"), (0o223, "Igravesmall"), (0o224, "Icircumflexsmall"),
    (0o225, "Idieresissmall"), (0o226, "Ntildesmall"), (0o227, "Oacutesmall"), (0o230, "Ogravesmall"),
    (0o231, "Ocircumflexsmall"), (0o232, "Odieresissmall"), (0o233, "Otildesmall"), (0o234, "Uacutesmall"),
    (0o235, "Ugravesmall"), (0o236, "Ucircumflexsmall"), (0o237, "Udieresissmall"), (0o241, "eightsuperior"),
    (0o242, "fourinferior"), (0o243, "threeinferior"), (0o244, "sixinferior"), (0o245, "eightinferior"),
    (0o246, "seveninferior"), (0o247, "Scaronsmall"), (0o251, "centinferior"), (0o252, "twoinferior"),
    (0o254, "Dieresissmall"), (0o256, "Caronsmall"), (0o257, "osuperior"), (0o260, "fiveinferior"),
    (0o262, "commainferior"), (0o263, "periodinferior"), (0o264, "Yacutesmall"), (0o266, "dollarinferior"),
    (0o271, "Thornsmall"), (0o273, "nineinferior"), (0o274, "zeroinferior"), (0o275, "Zcaronsmall"),
    (0o276, "AEsmall"), (0o277, "Oslashsmall"), (0o300, "questiondownsmall"), (0o301, "oneinferior"),
    (0o302, "Lslashsmall"), (0o311, "Cedillasmall"), (0o317, "OEsmall"), (0o320, "figuredash"),
    (0o321, "hyphensuperior"), (0o326, "exclamdownsmall"), (0o330, "Ydieresissmall"), (0o332, "onesuperior"),
    (0o333, "twosuperior"), (0o334, "threesuperior"), (0o335, "foursuperior"), (0o336, "fivesuperior"),
    (0o337, "sixsuperior"), (0o340, "sevensuperior"), (0o341, "ninesuperior"), (0o342, "zerosuperior"),
    (0o344, "esuperior"), (0o345, "rsuperior"), (0o346, "tsuperior"), (0o351, "isuperior"), (0o352, "ssuperior"),
    (0o353, "dsuperior"), (0o361, "lsuperior"), (0o362, "Ogoneksmall"), (0o363, "Brevesmall"),
    (0o364, "Macronsmall"), (0o365, "bsuperior"), (0o366, "nsuperior"), (0o367, "msuperior"),
    (0o370, "commasuperior"), (0o371, "periodsuperior"), (0o372, "Dotaccentsmall"), (0o373, "Ringsmall"),
];

/// Names whose AGL code points are presentation forms (U+FB00–U+FB04, U+0132/U+0133): text
/// search and name detection work on letters, and a ToUnicode CMap for the same glyph usually
/// says "fi" too, so both decoding paths give the same text.
const LIGATURES: [(&str, &str); 7] = [
    ("IJ", "IJ"),
    ("ff", "ff"),
    ("ffi", "ffi"),
    ("ffl", "ffl"),
    ("fi", "fi"),
    ("fl", "fl"),
    ("ij", "ij"),
];

// Adobe Glyph List 2.0 (subset, see the module doc). Its notice, kept as its licence requires:
//
// Copyright 2002-2019 Adobe (http://www.adobe.com/).
//
// Redistribution and use in source and binary forms, with or without modification, are
// permitted provided that the following conditions are met:
//
// Redistributions of source code must retain the above copyright notice, this list of
// conditions and the following disclaimer.
//
// Redistributions in binary form must reproduce the above copyright notice, this list of
// conditions and the following disclaimer in the documentation and/or other materials provided
// with the distribution.
//
// Neither the name of Adobe nor the names of its contributors may be used to endorse or
// promote products derived from this software without specific prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS
// OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
// MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
// COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
// EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE
// GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND
// ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
// NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF
// THE POSSIBILITY OF SUCH DAMAGE.
#[rustfmt::skip]
static AGL: [(&str, char); 919] = [
    ("A", '\u{41}'), ("AE", '\u{C6}'), ("AEacute", '\u{1FC}'), ("AEmacron", '\u{1E2}'), ("Aacute", '\u{C1}'),
    ("Abreve", '\u{102}'), ("Abreveacute", '\u{1EAE}'), ("Abrevedotbelow", '\u{1EB6}'),
    ("Abrevegrave", '\u{1EB0}'), ("Abrevehookabove", '\u{1EB2}'), ("Abrevetilde", '\u{1EB4}'),
    ("Acaron", '\u{1CD}'), ("Acircumflex", '\u{C2}'), ("Acircumflexacute", '\u{1EA4}'),
    ("Acircumflexdotbelow", '\u{1EAC}'), ("Acircumflexgrave", '\u{1EA6}'), ("Acircumflexhookabove", '\u{1EA8}'),
    ("Acircumflextilde", '\u{1EAA}'), ("Adblgrave", '\u{200}'), ("Adieresis", '\u{C4}'),
    ("Adieresismacron", '\u{1DE}'), ("Adotbelow", '\u{1EA0}'), ("Adotmacron", '\u{1E0}'), ("Agrave", '\u{C0}'),
    ("Ahookabove", '\u{1EA2}'), ("Ainvertedbreve", '\u{202}'), ("Amacron", '\u{100}'), ("Aogonek", '\u{104}'),
    ("Aring", '\u{C5}'), ("Aringacute", '\u{1FA}'), ("Aringbelow", '\u{1E00}'), ("Atilde", '\u{C3}'),
    ("B", '\u{42}'), ("Bdotaccent", '\u{1E02}'), ("Bdotbelow", '\u{1E04}'), ("Bhook", '\u{181}'),
    ("Blinebelow", '\u{1E06}'), ("Btopbar", '\u{182}'), ("C", '\u{43}'), ("Cacute", '\u{106}'),
    ("Ccaron", '\u{10C}'), ("Ccedilla", '\u{C7}'), ("Ccedillaacute", '\u{1E08}'), ("Ccircumflex", '\u{108}'),
    ("Cdot", '\u{10A}'), ("Cdotaccent", '\u{10A}'), ("Chook", '\u{187}'), ("D", '\u{44}'), ("DZ", '\u{1F1}'),
    ("DZcaron", '\u{1C4}'), ("Dafrican", '\u{189}'), ("Dcaron", '\u{10E}'), ("Dcedilla", '\u{1E10}'),
    ("Dcircumflexbelow", '\u{1E12}'), ("Dcroat", '\u{110}'), ("Ddotaccent", '\u{1E0A}'), ("Ddotbelow", '\u{1E0C}'),
    ("Dhook", '\u{18A}'), ("Dlinebelow", '\u{1E0E}'), ("Dslash", '\u{110}'), ("Dtopbar", '\u{18B}'),
    ("Dz", '\u{1F2}'), ("Dzcaron", '\u{1C5}'), ("E", '\u{45}'), ("Eacute", '\u{C9}'), ("Ebreve", '\u{114}'),
    ("Ecaron", '\u{11A}'), ("Ecedillabreve", '\u{1E1C}'), ("Ecircumflex", '\u{CA}'),
    ("Ecircumflexacute", '\u{1EBE}'), ("Ecircumflexbelow", '\u{1E18}'), ("Ecircumflexdotbelow", '\u{1EC6}'),
    ("Ecircumflexgrave", '\u{1EC0}'), ("Ecircumflexhookabove", '\u{1EC2}'), ("Ecircumflextilde", '\u{1EC4}'),
    ("Edblgrave", '\u{204}'), ("Edieresis", '\u{CB}'), ("Edot", '\u{116}'), ("Edotaccent", '\u{116}'),
    ("Edotbelow", '\u{1EB8}'), ("Egrave", '\u{C8}'), ("Ehookabove", '\u{1EBA}'), ("Einvertedbreve", '\u{206}'),
    ("Emacron", '\u{112}'), ("Emacronacute", '\u{1E16}'), ("Emacrongrave", '\u{1E14}'), ("Eng", '\u{14A}'),
    ("Eogonek", '\u{118}'), ("Eopen", '\u{190}'), ("Ereversed", '\u{18E}'), ("Esh", '\u{1A9}'), ("Eth", '\u{D0}'),
    ("Etilde", '\u{1EBC}'), ("Etildebelow", '\u{1E1A}'), ("Euro", '\u{20AC}'), ("Ezh", '\u{1B7}'),
    ("Ezhcaron", '\u{1EE}'), ("Ezhreversed", '\u{1B8}'), ("F", '\u{46}'), ("Fdotaccent", '\u{1E1E}'),
    ("Fhook", '\u{191}'), ("G", '\u{47}'), ("Gacute", '\u{1F4}'), ("Gammaafrican", '\u{194}'),
    ("Gbreve", '\u{11E}'), ("Gcaron", '\u{1E6}'), ("Gcedilla", '\u{122}'), ("Gcircumflex", '\u{11C}'),
    ("Gcommaaccent", '\u{122}'), ("Gdot", '\u{120}'), ("Gdotaccent", '\u{120}'), ("Ghook", '\u{193}'),
    ("Gmacron", '\u{1E20}'), ("Gstroke", '\u{1E4}'), ("H", '\u{48}'), ("Hbar", '\u{126}'),
    ("Hbrevebelow", '\u{1E2A}'), ("Hcedilla", '\u{1E28}'), ("Hcircumflex", '\u{124}'), ("Hdieresis", '\u{1E26}'),
    ("Hdotaccent", '\u{1E22}'), ("Hdotbelow", '\u{1E24}'), ("I", '\u{49}'), ("Iacute", '\u{CD}'),
    ("Ibreve", '\u{12C}'), ("Icaron", '\u{1CF}'), ("Icircumflex", '\u{CE}'), ("Idblgrave", '\u{208}'),
    ("Idieresis", '\u{CF}'), ("Idieresisacute", '\u{1E2E}'), ("Idot", '\u{130}'), ("Idotaccent", '\u{130}'),
    ("Idotbelow", '\u{1ECA}'), ("Ifraktur", '\u{2111}'), ("Igrave", '\u{CC}'), ("Ihookabove", '\u{1EC8}'),
    ("Iinvertedbreve", '\u{20A}'), ("Imacron", '\u{12A}'), ("Iogonek", '\u{12E}'), ("Iotaafrican", '\u{196}'),
    ("Istroke", '\u{197}'), ("Itilde", '\u{128}'), ("Itildebelow", '\u{1E2C}'), ("J", '\u{4A}'),
    ("Jcircumflex", '\u{134}'), ("K", '\u{4B}'), ("Kacute", '\u{1E30}'), ("Kcaron", '\u{1E8}'),
    ("Kcedilla", '\u{136}'), ("Kcommaaccent", '\u{136}'), ("Kdotbelow", '\u{1E32}'), ("Khook", '\u{198}'),
    ("Klinebelow", '\u{1E34}'), ("L", '\u{4C}'), ("LJ", '\u{1C7}'), ("Lacute", '\u{139}'), ("Lcaron", '\u{13D}'),
    ("Lcedilla", '\u{13B}'), ("Lcircumflexbelow", '\u{1E3C}'), ("Lcommaaccent", '\u{13B}'), ("Ldot", '\u{13F}'),
    ("Ldotaccent", '\u{13F}'), ("Ldotbelow", '\u{1E36}'), ("Ldotbelowmacron", '\u{1E38}'), ("Lj", '\u{1C8}'),
    ("Llinebelow", '\u{1E3A}'), ("Lslash", '\u{141}'), ("M", '\u{4D}'), ("Macute", '\u{1E3E}'),
    ("Mdotaccent", '\u{1E40}'), ("Mdotbelow", '\u{1E42}'), ("Mturned", '\u{19C}'), ("N", '\u{4E}'),
    ("NJ", '\u{1CA}'), ("Nacute", '\u{143}'), ("Ncaron", '\u{147}'), ("Ncedilla", '\u{145}'),
    ("Ncircumflexbelow", '\u{1E4A}'), ("Ncommaaccent", '\u{145}'), ("Ndotaccent", '\u{1E44}'),
    ("Ndotbelow", '\u{1E46}'), ("Nhookleft", '\u{19D}'), ("Nj", '\u{1CB}'), ("Nlinebelow", '\u{1E48}'),
    ("Ntilde", '\u{D1}'), ("O", '\u{4F}'), ("OE", '\u{152}'), ("Oacute", '\u{D3}'), ("Obreve", '\u{14E}'),
    ("Ocaron", '\u{1D1}'), ("Ocenteredtilde", '\u{19F}'), ("Ocircumflex", '\u{D4}'),
    ("Ocircumflexacute", '\u{1ED0}'), ("Ocircumflexdotbelow", '\u{1ED8}'), ("Ocircumflexgrave", '\u{1ED2}'),
    ("Ocircumflexhookabove", '\u{1ED4}'), ("Ocircumflextilde", '\u{1ED6}'), ("Odblacute", '\u{150}'),
    ("Odblgrave", '\u{20C}'), ("Odieresis", '\u{D6}'), ("Odotbelow", '\u{1ECC}'), ("Ograve", '\u{D2}'),
    ("Ohm", '\u{2126}'), ("Ohookabove", '\u{1ECE}'), ("Ohorn", '\u{1A0}'), ("Ohornacute", '\u{1EDA}'),
    ("Ohorndotbelow", '\u{1EE2}'), ("Ohorngrave", '\u{1EDC}'), ("Ohornhookabove", '\u{1EDE}'),
    ("Ohorntilde", '\u{1EE0}'), ("Ohungarumlaut", '\u{150}'), ("Oi", '\u{1A2}'), ("Oinvertedbreve", '\u{20E}'),
    ("Omacron", '\u{14C}'), ("Omacronacute", '\u{1E52}'), ("Omacrongrave", '\u{1E50}'), ("Omega", '\u{2126}'),
    ("Oogonek", '\u{1EA}'), ("Oogonekmacron", '\u{1EC}'), ("Oopen", '\u{186}'), ("Oslash", '\u{D8}'),
    ("Oslashacute", '\u{1FE}'), ("Ostrokeacute", '\u{1FE}'), ("Otilde", '\u{D5}'), ("Otildeacute", '\u{1E4C}'),
    ("Otildedieresis", '\u{1E4E}'), ("P", '\u{50}'), ("Pacute", '\u{1E54}'), ("Pdotaccent", '\u{1E56}'),
    ("Phook", '\u{1A4}'), ("Q", '\u{51}'), ("R", '\u{52}'), ("Racute", '\u{154}'), ("Rcaron", '\u{158}'),
    ("Rcedilla", '\u{156}'), ("Rcommaaccent", '\u{156}'), ("Rdblgrave", '\u{210}'), ("Rdotaccent", '\u{1E58}'),
    ("Rdotbelow", '\u{1E5A}'), ("Rdotbelowmacron", '\u{1E5C}'), ("Rfraktur", '\u{211C}'),
    ("Rinvertedbreve", '\u{212}'), ("Rlinebelow", '\u{1E5E}'), ("Rsmallinvertedsuperior", '\u{2B6}'),
    ("S", '\u{53}'), ("Sacute", '\u{15A}'), ("Sacutedotaccent", '\u{1E64}'), ("Scaron", '\u{160}'),
    ("Scarondotaccent", '\u{1E66}'), ("Scedilla", '\u{15E}'), ("Schwa", '\u{18F}'), ("Scircumflex", '\u{15C}'),
    ("Scommaaccent", '\u{218}'), ("Sdotaccent", '\u{1E60}'), ("Sdotbelow", '\u{1E62}'),
    ("Sdotbelowdotaccent", '\u{1E68}'), ("T", '\u{54}'), ("Tbar", '\u{166}'), ("Tcaron", '\u{164}'),
    ("Tcedilla", '\u{162}'), ("Tcircumflexbelow", '\u{1E70}'), ("Tcommaaccent", '\u{162}'),
    ("Tdotaccent", '\u{1E6A}'), ("Tdotbelow", '\u{1E6C}'), ("Thook", '\u{1AC}'), ("Thorn", '\u{DE}'),
    ("Tlinebelow", '\u{1E6E}'), ("Tonefive", '\u{1BC}'), ("Tonesix", '\u{184}'), ("Tonetwo", '\u{1A7}'),
    ("Tretroflexhook", '\u{1AE}'), ("U", '\u{55}'), ("Uacute", '\u{DA}'), ("Ubreve", '\u{16C}'),
    ("Ucaron", '\u{1D3}'), ("Ucircumflex", '\u{DB}'), ("Ucircumflexbelow", '\u{1E76}'), ("Udblacute", '\u{170}'),
    ("Udblgrave", '\u{214}'), ("Udieresis", '\u{DC}'), ("Udieresisacute", '\u{1D7}'),
    ("Udieresisbelow", '\u{1E72}'), ("Udieresiscaron", '\u{1D9}'), ("Udieresisgrave", '\u{1DB}'),
    ("Udieresismacron", '\u{1D5}'), ("Udotbelow", '\u{1EE4}'), ("Ugrave", '\u{D9}'), ("Uhookabove", '\u{1EE6}'),
    ("Uhorn", '\u{1AF}'), ("Uhornacute", '\u{1EE8}'), ("Uhorndotbelow", '\u{1EF0}'), ("Uhorngrave", '\u{1EEA}'),
    ("Uhornhookabove", '\u{1EEC}'), ("Uhorntilde", '\u{1EEE}'), ("Uhungarumlaut", '\u{170}'),
    ("Uinvertedbreve", '\u{216}'), ("Umacron", '\u{16A}'), ("Umacrondieresis", '\u{1E7A}'), ("Uogonek", '\u{172}'),
    ("Upsilonafrican", '\u{1B1}'), ("Uring", '\u{16E}'), ("Utilde", '\u{168}'), ("Utildeacute", '\u{1E78}'),
    ("Utildebelow", '\u{1E74}'), ("V", '\u{56}'), ("Vdotbelow", '\u{1E7E}'), ("Vhook", '\u{1B2}'),
    ("Vtilde", '\u{1E7C}'), ("W", '\u{57}'), ("Wacute", '\u{1E82}'), ("Wcircumflex", '\u{174}'),
    ("Wdieresis", '\u{1E84}'), ("Wdotaccent", '\u{1E86}'), ("Wdotbelow", '\u{1E88}'), ("Wgrave", '\u{1E80}'),
    ("X", '\u{58}'), ("Xdieresis", '\u{1E8C}'), ("Xdotaccent", '\u{1E8A}'), ("Y", '\u{59}'), ("Yacute", '\u{DD}'),
    ("Ycircumflex", '\u{176}'), ("Ydieresis", '\u{178}'), ("Ydotaccent", '\u{1E8E}'), ("Ydotbelow", '\u{1EF4}'),
    ("Ygrave", '\u{1EF2}'), ("Yhook", '\u{1B3}'), ("Yhookabove", '\u{1EF6}'), ("Ytilde", '\u{1EF8}'),
    ("Z", '\u{5A}'), ("Zacute", '\u{179}'), ("Zcaron", '\u{17D}'), ("Zcircumflex", '\u{1E90}'),
    ("Zdot", '\u{17B}'), ("Zdotaccent", '\u{17B}'), ("Zdotbelow", '\u{1E92}'), ("Zlinebelow", '\u{1E94}'),
    ("Zstroke", '\u{1B5}'), ("a", '\u{61}'), ("aacute", '\u{E1}'), ("abreve", '\u{103}'),
    ("abreveacute", '\u{1EAF}'), ("abrevedotbelow", '\u{1EB7}'), ("abrevegrave", '\u{1EB1}'),
    ("abrevehookabove", '\u{1EB3}'), ("abrevetilde", '\u{1EB5}'), ("acaron", '\u{1CE}'), ("acircumflex", '\u{E2}'),
    ("acircumflexacute", '\u{1EA5}'), ("acircumflexdotbelow", '\u{1EAD}'), ("acircumflexgrave", '\u{1EA7}'),
    ("acircumflexhookabove", '\u{1EA9}'), ("acircumflextilde", '\u{1EAB}'), ("acute", '\u{B4}'),
    ("acutelowmod", '\u{2CF}'), ("adblgrave", '\u{201}'), ("adieresis", '\u{E4}'), ("adieresismacron", '\u{1DF}'),
    ("adotbelow", '\u{1EA1}'), ("adotmacron", '\u{1E1}'), ("ae", '\u{E6}'), ("aeacute", '\u{1FD}'),
    ("aemacron", '\u{1E3}'), ("afii00208", '\u{2015}'), ("afii08941", '\u{20A4}'), ("afii299", '\u{200E}'),
    ("afii300", '\u{200F}'), ("afii301", '\u{200D}'), ("afii57636", '\u{20AA}'), ("afii57929", '\u{2BC}'),
    ("afii61248", '\u{2105}'), ("afii61289", '\u{2113}'), ("afii61352", '\u{2116}'), ("afii61573", '\u{202C}'),
    ("afii61574", '\u{202D}'), ("afii61575", '\u{202E}'), ("afii61664", '\u{200C}'), ("afii64937", '\u{2BD}'),
    ("agrave", '\u{E0}'), ("ahookabove", '\u{1EA3}'), ("ainvertedbreve", '\u{203}'), ("aleph", '\u{2135}'),
    ("amacron", '\u{101}'), ("ampersand", '\u{26}'), ("angstrom", '\u{212B}'), ("aogonek", '\u{105}'),
    ("apostrophemod", '\u{2BC}'), ("arighthalfring", '\u{1E9A}'), ("aring", '\u{E5}'), ("aringacute", '\u{1FB}'),
    ("aringbelow", '\u{1E01}'), ("arrowheaddownmod", '\u{2C5}'), ("arrowheadleftmod", '\u{2C2}'),
    ("arrowheadrightmod", '\u{2C3}'), ("arrowheadupmod", '\u{2C4}'), ("asciicircum", '\u{5E}'),
    ("asciitilde", '\u{7E}'), ("asterisk", '\u{2A}'), ("asterism", '\u{2042}'), ("at", '\u{40}'),
    ("atilde", '\u{E3}'), ("b", '\u{62}'), ("backslash", '\u{5C}'), ("bar", '\u{7C}'), ("bdotaccent", '\u{1E03}'),
    ("bdotbelow", '\u{1E05}'), ("blinebelow", '\u{1E07}'), ("braceleft", '\u{7B}'), ("braceright", '\u{7D}'),
    ("bracketleft", '\u{5B}'), ("bracketright", '\u{5D}'), ("breve", '\u{2D8}'), ("brokenbar", '\u{A6}'),
    ("bstroke", '\u{180}'), ("btopbar", '\u{183}'), ("bullet", '\u{2022}'), ("c", '\u{63}'), ("cacute", '\u{107}'),
    ("careof", '\u{2105}'), ("caron", '\u{2C7}'), ("ccaron", '\u{10D}'), ("ccedilla", '\u{E7}'),
    ("ccedillaacute", '\u{1E09}'), ("ccircumflex", '\u{109}'), ("cdot", '\u{10B}'), ("cdotaccent", '\u{10B}'),
    ("cedilla", '\u{B8}'), ("cent", '\u{A2}'), ("centigrade", '\u{2103}'), ("chook", '\u{188}'),
    ("circumflex", '\u{2C6}'), ("clickalveolar", '\u{1C2}'), ("clickdental", '\u{1C0}'),
    ("clicklateral", '\u{1C1}'), ("clickretroflex", '\u{1C3}'), ("colon", '\u{3A}'), ("colonmonetary", '\u{20A1}'),
    ("colonsign", '\u{20A1}'), ("colontriangularhalfmod", '\u{2D1}'), ("colontriangularmod", '\u{2D0}'),
    ("comma", '\u{2C}'), ("commareversedmod", '\u{2BD}'), ("commaturnedmod", '\u{2BB}'), ("controlDEL", '\u{7F}'),
    ("copyright", '\u{A9}'), ("cruzeiro", '\u{20A2}'), ("currency", '\u{A4}'), ("d", '\u{64}'),
    ("dagger", '\u{2020}'), ("daggerdbl", '\u{2021}'), ("dbllowline", '\u{2017}'), ("dblprimemod", '\u{2BA}'),
    ("dblverticalbar", '\u{2016}'), ("dcaron", '\u{10F}'), ("dcedilla", '\u{1E11}'),
    ("dcircumflexbelow", '\u{1E13}'), ("dcroat", '\u{111}'), ("ddotaccent", '\u{1E0B}'), ("ddotbelow", '\u{1E0D}'),
    ("degree", '\u{B0}'), ("deltaturned", '\u{18D}'), ("dieresis", '\u{A8}'), ("divide", '\u{F7}'),
    ("dlinebelow", '\u{1E0F}'), ("dmacron", '\u{111}'), ("dollar", '\u{24}'), ("dong", '\u{20AB}'),
    ("dotaccent", '\u{2D9}'), ("dotlessi", '\u{131}'), ("downtackmod", '\u{2D5}'), ("dtopbar", '\u{18C}'),
    ("dz", '\u{1F3}'), ("dzcaron", '\u{1C6}'), ("e", '\u{65}'), ("eacute", '\u{E9}'), ("ebreve", '\u{115}'),
    ("ecaron", '\u{11B}'), ("ecedillabreve", '\u{1E1D}'), ("ecircumflex", '\u{EA}'),
    ("ecircumflexacute", '\u{1EBF}'), ("ecircumflexbelow", '\u{1E19}'), ("ecircumflexdotbelow", '\u{1EC7}'),
    ("ecircumflexgrave", '\u{1EC1}'), ("ecircumflexhookabove", '\u{1EC3}'), ("ecircumflextilde", '\u{1EC5}'),
    ("edblgrave", '\u{205}'), ("edieresis", '\u{EB}'), ("edot", '\u{117}'), ("edotaccent", '\u{117}'),
    ("edotbelow", '\u{1EB9}'), ("egrave", '\u{E8}'), ("ehookabove", '\u{1EBB}'), ("eight", '\u{38}'),
    ("eightinferior", '\u{2088}'), ("eightsuperior", '\u{2078}'), ("einvertedbreve", '\u{207}'),
    ("ellipsis", '\u{2026}'), ("emacron", '\u{113}'), ("emacronacute", '\u{1E17}'), ("emacrongrave", '\u{1E15}'),
    ("emdash", '\u{2014}'), ("endash", '\u{2013}'), ("eng", '\u{14B}'), ("enspace", '\u{2002}'),
    ("eogonek", '\u{119}'), ("equal", '\u{3D}'), ("eshreversedloop", '\u{1AA}'), ("estimated", '\u{212E}'),
    ("eth", '\u{F0}'), ("etilde", '\u{1EBD}'), ("etildebelow", '\u{1E1B}'), ("eturned", '\u{1DD}'),
    ("euro", '\u{20AC}'), ("exclam", '\u{21}'), ("exclamdbl", '\u{203C}'), ("exclamdown", '\u{A1}'),
    ("ezhcaron", '\u{1EF}'), ("ezhreversed", '\u{1B9}'), ("ezhtail", '\u{1BA}'), ("f", '\u{66}'),
    ("fahrenheit", '\u{2109}'), ("fdotaccent", '\u{1E1F}'), ("figuredash", '\u{2012}'),
    ("firsttonechinese", '\u{2C9}'), ("five", '\u{35}'), ("fiveeighths", '\u{215D}'), ("fiveinferior", '\u{2085}'),
    ("fivesuperior", '\u{2075}'), ("florin", '\u{192}'), ("four", '\u{34}'), ("fourinferior", '\u{2084}'),
    ("foursuperior", '\u{2074}'), ("fourthtonechinese", '\u{2CB}'), ("fraction", '\u{2044}'),
    ("franc", '\u{20A3}'), ("g", '\u{67}'), ("gacute", '\u{1F5}'), ("gammasuperior", '\u{2E0}'),
    ("gbreve", '\u{11F}'), ("gcaron", '\u{1E7}'), ("gcedilla", '\u{123}'), ("gcircumflex", '\u{11D}'),
    ("gcommaaccent", '\u{123}'), ("gdot", '\u{121}'), ("gdotaccent", '\u{121}'), ("germandbls", '\u{DF}'),
    ("glottalinvertedstroke", '\u{1BE}'), ("glottalstopmod", '\u{2C0}'), ("glottalstopreversedmod", '\u{2C1}'),
    ("glottalstopreversedsuperior", '\u{2E4}'), ("gmacron", '\u{1E21}'), ("grave", '\u{60}'),
    ("gravelowmod", '\u{2CE}'), ("greater", '\u{3E}'), ("gstroke", '\u{1E5}'), ("guillemotleft", '\u{AB}'),
    ("guillemotright", '\u{BB}'), ("guilsinglleft", '\u{2039}'), ("guilsinglright", '\u{203A}'), ("h", '\u{68}'),
    ("hbar", '\u{127}'), ("hbrevebelow", '\u{1E2B}'), ("hcedilla", '\u{1E29}'), ("hcircumflex", '\u{125}'),
    ("hdieresis", '\u{1E27}'), ("hdotaccent", '\u{1E23}'), ("hdotbelow", '\u{1E25}'), ("hhooksuperior", '\u{2B1}'),
    ("hlinebelow", '\u{1E96}'), ("horizontalbar", '\u{2015}'), ("hsuperior", '\u{2B0}'),
    ("hungarumlaut", '\u{2DD}'), ("hv", '\u{195}'), ("hyphen", '\u{2D}'), ("hyphentwo", '\u{2010}'),
    ("i", '\u{69}'), ("iacute", '\u{ED}'), ("ibreve", '\u{12D}'), ("icaron", '\u{1D0}'), ("icircumflex", '\u{EE}'),
    ("idblgrave", '\u{209}'), ("idieresis", '\u{EF}'), ("idieresisacute", '\u{1E2F}'), ("idotbelow", '\u{1ECB}'),
    ("igrave", '\u{EC}'), ("ihookabove", '\u{1EC9}'), ("iinvertedbreve", '\u{20B}'), ("ilde", '\u{2DC}'),
    ("imacron", '\u{12B}'), ("iogonek", '\u{12F}'), ("itilde", '\u{129}'), ("itildebelow", '\u{1E2D}'),
    ("j", '\u{6A}'), ("jcaron", '\u{1F0}'), ("jcircumflex", '\u{135}'), ("jsuperior", '\u{2B2}'), ("k", '\u{6B}'),
    ("kacute", '\u{1E31}'), ("kcaron", '\u{1E9}'), ("kcedilla", '\u{137}'), ("kcommaaccent", '\u{137}'),
    ("kdotbelow", '\u{1E33}'), ("kgreenlandic", '\u{138}'), ("khook", '\u{199}'), ("klinebelow", '\u{1E35}'),
    ("l", '\u{6C}'), ("lacute", '\u{13A}'), ("lambdastroke", '\u{19B}'), ("lbar", '\u{19A}'),
    ("lcaron", '\u{13E}'), ("lcedilla", '\u{13C}'), ("lcircumflexbelow", '\u{1E3D}'), ("lcommaaccent", '\u{13C}'),
    ("ldot", '\u{140}'), ("ldotaccent", '\u{140}'), ("ldotbelow", '\u{1E37}'), ("ldotbelowmacron", '\u{1E39}'),
    ("less", '\u{3C}'), ("lira", '\u{20A4}'), ("lj", '\u{1C9}'), ("llinebelow", '\u{1E3B}'),
    ("logicalnot", '\u{AC}'), ("longs", '\u{17F}'), ("lslash", '\u{142}'), ("lsquare", '\u{2113}'),
    ("m", '\u{6D}'), ("macron", '\u{AF}'), ("macronlowmod", '\u{2CD}'), ("macute", '\u{1E3F}'),
    ("mdotaccent", '\u{1E41}'), ("mdotbelow", '\u{1E43}'), ("middot", '\u{B7}'), ("minus", '\u{2212}'),
    ("minusmod", '\u{2D7}'), ("minute", '\u{2032}'), ("mu", '\u{B5}'), ("mu1", '\u{B5}'), ("multiply", '\u{D7}'),
    ("n", '\u{6E}'), ("nacute", '\u{144}'), ("napostrophe", '\u{149}'), ("nbspace", '\u{A0}'),
    ("ncaron", '\u{148}'), ("ncedilla", '\u{146}'), ("ncircumflexbelow", '\u{1E4B}'), ("ncommaaccent", '\u{146}'),
    ("ndotaccent", '\u{1E45}'), ("ndotbelow", '\u{1E47}'), ("newsheqelsign", '\u{20AA}'), ("nine", '\u{39}'),
    ("nineinferior", '\u{2089}'), ("ninesuperior", '\u{2079}'), ("nj", '\u{1CC}'), ("nlegrightlong", '\u{19E}'),
    ("nlinebelow", '\u{1E49}'), ("nonbreakingspace", '\u{A0}'), ("nsuperior", '\u{207F}'), ("ntilde", '\u{F1}'),
    ("numbersign", '\u{23}'), ("numero", '\u{2116}'), ("o", '\u{6F}'), ("oacute", '\u{F3}'), ("obreve", '\u{14F}'),
    ("ocaron", '\u{1D2}'), ("ocircumflex", '\u{F4}'), ("ocircumflexacute", '\u{1ED1}'),
    ("ocircumflexdotbelow", '\u{1ED9}'), ("ocircumflexgrave", '\u{1ED3}'), ("ocircumflexhookabove", '\u{1ED5}'),
    ("ocircumflextilde", '\u{1ED7}'), ("odblacute", '\u{151}'), ("odblgrave", '\u{20D}'), ("odieresis", '\u{F6}'),
    ("odotbelow", '\u{1ECD}'), ("oe", '\u{153}'), ("ogonek", '\u{2DB}'), ("ograve", '\u{F2}'),
    ("ohookabove", '\u{1ECF}'), ("ohorn", '\u{1A1}'), ("ohornacute", '\u{1EDB}'), ("ohorndotbelow", '\u{1EE3}'),
    ("ohorngrave", '\u{1EDD}'), ("ohornhookabove", '\u{1EDF}'), ("ohorntilde", '\u{1EE1}'),
    ("ohungarumlaut", '\u{151}'), ("oi", '\u{1A3}'), ("oinvertedbreve", '\u{20F}'), ("omacron", '\u{14D}'),
    ("omacronacute", '\u{1E53}'), ("omacrongrave", '\u{1E51}'), ("one", '\u{31}'), ("onedotenleader", '\u{2024}'),
    ("oneeighth", '\u{215B}'), ("onehalf", '\u{BD}'), ("oneinferior", '\u{2081}'), ("onequarter", '\u{BC}'),
    ("onesuperior", '\u{B9}'), ("onethird", '\u{2153}'), ("oogonek", '\u{1EB}'), ("oogonekmacron", '\u{1ED}'),
    ("ordfeminine", '\u{AA}'), ("ordmasculine", '\u{BA}'), ("oslash", '\u{F8}'), ("oslashacute", '\u{1FF}'),
    ("ostrokeacute", '\u{1FF}'), ("otilde", '\u{F5}'), ("otildeacute", '\u{1E4D}'), ("otildedieresis", '\u{1E4F}'),
    ("overline", '\u{203E}'), ("overscore", '\u{AF}'), ("p", '\u{70}'), ("pacute", '\u{1E55}'),
    ("paragraph", '\u{B6}'), ("parenleft", '\u{28}'), ("parenleftinferior", '\u{208D}'),
    ("parenleftsuperior", '\u{207D}'), ("parenright", '\u{29}'), ("parenrightinferior", '\u{208E}'),
    ("parenrightsuperior", '\u{207E}'), ("pdotaccent", '\u{1E57}'), ("percent", '\u{25}'), ("period", '\u{2E}'),
    ("periodcentered", '\u{B7}'), ("perthousand", '\u{2030}'), ("peseta", '\u{20A7}'), ("phook", '\u{1A5}'),
    ("plus", '\u{2B}'), ("plusminus", '\u{B1}'), ("plusmod", '\u{2D6}'), ("prescription", '\u{211E}'),
    ("primemod", '\u{2B9}'), ("primereversed", '\u{2035}'), ("q", '\u{71}'), ("question", '\u{3F}'),
    ("questiondown", '\u{BF}'), ("quotedbl", '\u{22}'), ("quotedblbase", '\u{201E}'), ("quotedblleft", '\u{201C}'),
    ("quotedblright", '\u{201D}'), ("quoteleft", '\u{2018}'), ("quoteleftreversed", '\u{201B}'),
    ("quotereversed", '\u{201B}'), ("quoteright", '\u{2019}'), ("quoterightn", '\u{149}'),
    ("quotesinglbase", '\u{201A}'), ("quotesingle", '\u{27}'), ("r", '\u{72}'), ("racute", '\u{155}'),
    ("rcaron", '\u{159}'), ("rcedilla", '\u{157}'), ("rcommaaccent", '\u{157}'), ("rdblgrave", '\u{211}'),
    ("rdotaccent", '\u{1E59}'), ("rdotbelow", '\u{1E5B}'), ("rdotbelowmacron", '\u{1E5D}'),
    ("referencemark", '\u{203B}'), ("registered", '\u{AE}'), ("rhookturnedsuperior", '\u{2B5}'),
    ("rhotichookmod", '\u{2DE}'), ("ring", '\u{2DA}'), ("ringhalfleft", '\u{2BF}'),
    ("ringhalfleftcentered", '\u{2D3}'), ("ringhalfright", '\u{2BE}'), ("ringhalfrightcentered", '\u{2D2}'),
    ("rinvertedbreve", '\u{213}'), ("rlinebelow", '\u{1E5F}'), ("rturnedsuperior", '\u{2B4}'), ("s", '\u{73}'),
    ("sacute", '\u{15B}'), ("sacutedotaccent", '\u{1E65}'), ("scaron", '\u{161}'), ("scarondotaccent", '\u{1E67}'),
    ("scedilla", '\u{15F}'), ("scircumflex", '\u{15D}'), ("scommaaccent", '\u{219}'), ("sdotaccent", '\u{1E61}'),
    ("sdotbelow", '\u{1E63}'), ("sdotbelowdotaccent", '\u{1E69}'), ("second", '\u{2033}'),
    ("secondtonechinese", '\u{2CA}'), ("section", '\u{A7}'), ("semicolon", '\u{3B}'), ("seven", '\u{37}'),
    ("seveneighths", '\u{215E}'), ("seveninferior", '\u{2087}'), ("sevensuperior", '\u{2077}'),
    ("sfthyphen", '\u{AD}'), ("sheqel", '\u{20AA}'), ("sheqelhebrew", '\u{20AA}'), ("six", '\u{36}'),
    ("sixinferior", '\u{2086}'), ("sixsuperior", '\u{2076}'), ("slash", '\u{2F}'), ("slong", '\u{17F}'),
    ("slongdotaccent", '\u{1E9B}'), ("softhyphen", '\u{AD}'), ("space", '\u{20}'), ("spacehackarabic", '\u{20}'),
    ("sterling", '\u{A3}'), ("t", '\u{74}'), ("tbar", '\u{167}'), ("tcaron", '\u{165}'), ("tcedilla", '\u{163}'),
    ("tcircumflexbelow", '\u{1E71}'), ("tcommaaccent", '\u{163}'), ("tdieresis", '\u{1E97}'),
    ("tdotaccent", '\u{1E6B}'), ("tdotbelow", '\u{1E6D}'), ("telephone", '\u{2121}'), ("thook", '\u{1AD}'),
    ("thorn", '\u{FE}'), ("three", '\u{33}'), ("threeeighths", '\u{215C}'), ("threeinferior", '\u{2083}'),
    ("threequarters", '\u{BE}'), ("threesuperior", '\u{B3}'), ("tilde", '\u{2DC}'), ("tlinebelow", '\u{1E6F}'),
    ("tonebarextrahighmod", '\u{2E5}'), ("tonebarextralowmod", '\u{2E9}'), ("tonebarhighmod", '\u{2E6}'),
    ("tonebarlowmod", '\u{2E8}'), ("tonebarmidmod", '\u{2E7}'), ("tonefive", '\u{1BD}'), ("tonesix", '\u{185}'),
    ("tonetwo", '\u{1A8}'), ("tpalatalhook", '\u{1AB}'), ("trademark", '\u{2122}'), ("two", '\u{32}'),
    ("twodotenleader", '\u{2025}'), ("twodotleader", '\u{2025}'), ("twoinferior", '\u{2082}'),
    ("twostroke", '\u{1BB}'), ("twosuperior", '\u{B2}'), ("twothirds", '\u{2154}'), ("u", '\u{75}'),
    ("uacute", '\u{FA}'), ("ubreve", '\u{16D}'), ("ucaron", '\u{1D4}'), ("ucircumflex", '\u{FB}'),
    ("ucircumflexbelow", '\u{1E77}'), ("udblacute", '\u{171}'), ("udblgrave", '\u{215}'), ("udieresis", '\u{FC}'),
    ("udieresisacute", '\u{1D8}'), ("udieresisbelow", '\u{1E73}'), ("udieresiscaron", '\u{1DA}'),
    ("udieresisgrave", '\u{1DC}'), ("udieresismacron", '\u{1D6}'), ("udotbelow", '\u{1EE5}'), ("ugrave", '\u{F9}'),
    ("uhookabove", '\u{1EE7}'), ("uhorn", '\u{1B0}'), ("uhornacute", '\u{1EE9}'), ("uhorndotbelow", '\u{1EF1}'),
    ("uhorngrave", '\u{1EEB}'), ("uhornhookabove", '\u{1EED}'), ("uhorntilde", '\u{1EEF}'),
    ("uhungarumlaut", '\u{171}'), ("uinvertedbreve", '\u{217}'), ("umacron", '\u{16B}'),
    ("umacrondieresis", '\u{1E7B}'), ("underscore", '\u{5F}'), ("underscoredbl", '\u{2017}'),
    ("uogonek", '\u{173}'), ("uptackmod", '\u{2D4}'), ("uring", '\u{16F}'), ("utilde", '\u{169}'),
    ("utildeacute", '\u{1E79}'), ("utildebelow", '\u{1E75}'), ("v", '\u{76}'), ("vdotbelow", '\u{1E7F}'),
    ("verticalbar", '\u{7C}'), ("verticallinelowmod", '\u{2CC}'), ("verticallinemod", '\u{2C8}'),
    ("vtilde", '\u{1E7D}'), ("w", '\u{77}'), ("wacute", '\u{1E83}'), ("wcircumflex", '\u{175}'),
    ("wdieresis", '\u{1E85}'), ("wdotaccent", '\u{1E87}'), ("wdotbelow", '\u{1E89}'), ("weierstrass", '\u{2118}'),
    ("wgrave", '\u{1E81}'), ("won", '\u{20A9}'), ("wring", '\u{1E98}'), ("wsuperior", '\u{2B7}'),
    ("wynn", '\u{1BF}'), ("x", '\u{78}'), ("xdieresis", '\u{1E8D}'), ("xdotaccent", '\u{1E8B}'),
    ("xsuperior", '\u{2E3}'), ("y", '\u{79}'), ("yacute", '\u{FD}'), ("ycircumflex", '\u{177}'),
    ("ydieresis", '\u{FF}'), ("ydotaccent", '\u{1E8F}'), ("ydotbelow", '\u{1EF5}'), ("yen", '\u{A5}'),
    ("ygrave", '\u{1EF3}'), ("yhook", '\u{1B4}'), ("yhookabove", '\u{1EF7}'), ("yr", '\u{1A6}'),
    ("yring", '\u{1E99}'), ("ysuperior", '\u{2B8}'), ("ytilde", '\u{1EF9}'), ("z", '\u{7A}'),
    ("zacute", '\u{17A}'), ("zcaron", '\u{17E}'), ("zcircumflex", '\u{1E91}'), ("zdot", '\u{17C}'),
    ("zdotaccent", '\u{17C}'), ("zdotbelow", '\u{1E93}'), ("zero", '\u{30}'), ("zeroinferior", '\u{2080}'),
    ("zerosuperior", '\u{2070}'), ("zerowidthnonjoiner", '\u{200C}'), ("zerowidthspace", '\u{200B}'),
    ("zlinebelow", '\u{1E95}'), ("zstroke", '\u{1B6}'),
];

/// Unicode text for a glyph name, following the Adobe Glyph List specification: drop a suffix
/// after the first dot (`a.sc`, `one.oldstyle`), split on `_` (`f_f_i`), and map each component
/// through the glyph list, `uniXXXX[XXXX…]` or `uXXXX`–`uXXXXXX` (uppercase hex, no surrogates).
///
/// `None` when any component is unknown: names such as `g123`, `a45`, `cid123`, `index12`,
/// `glyph5` or `.notdef` carry no text, and guessing (as poppler does for `aNN`/`gNN`) would make
/// the text we search differ from what the page shows.
pub fn glyph_to_unicode(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or_default();
    if base.is_empty() {
        return None;
    }
    let mut text = String::new();
    for component in base.split('_') {
        push_component(component, &mut text)?;
    }
    Some(text)
}

fn push_component(name: &str, text: &mut String) -> Option<()> {
    if let Some((_, letters)) = LIGATURES.iter().find(|(n, _)| *n == name) {
        text.push_str(letters);
        return Some(());
    }
    if let Ok(i) = AGL.binary_search_by(|(n, _)| n.cmp(&name)) {
        text.push(AGL[i].1);
        return Some(());
    }
    if let Some(hex) = name.strip_prefix("uni")
        && !hex.is_empty()
        && hex.len() % 4 == 0
    {
        // Every group must be valid, so decode into a scratch string first.
        let mut chars = String::new();
        for group in hex.as_bytes().chunks(4) {
            chars.push(char::from_u32(upper_hex(group)?)?);
        }
        text.push_str(&chars);
        return Some(());
    }
    let hex = name.strip_prefix('u')?;
    if !(4..=6).contains(&hex.len()) {
        return None;
    }
    text.push(char::from_u32(upper_hex(hex.as_bytes())?)?);
    Some(())
}

/// The AGL specification allows only uppercase hex digits; a lowercase name is not a code point.
fn upper_hex(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &d| {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'A'..=b'F' => d - b'A' + 10,
            _ => return None,
        };
        Some(acc * 16 + u32::from(v))
    })
}

/// A PDF text string (document information, bookmarks, annotations, `/ActualText`): UTF-16BE
/// or UTF-8 after their byte-order mark, else PDFDocEncoding (PDF 32000-1 §7.9.2.2, Annex D).
/// Codes PDFDocEncoding leaves unassigned come out as U+FFFD, never dropped, so a scan for a
/// redacted name cannot be dodged by them.
pub fn decode_text_string(s: &[u8]) -> String {
    if let Some(rest) = s.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = s.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    s.iter().map(|&b| PDF_DOC_CHARS[b as usize]).collect()
}

/// PDFDocEncoding as characters, from the glyph names of the Annex D table.
static PDF_DOC_CHARS: std::sync::LazyLock<[char; 256]> = std::sync::LazyLock::new(|| {
    let mut t = ['\u{FFFD}'; 256];
    for (code, c) in t.iter_mut().enumerate() {
        let b = code as u8;
        *c = match b {
            // Control characters that text strings use as such.
            b'\t' | b'\n' | b'\r' | 0x0C => b as char,
            _ => BaseEncoding::PdfDoc
                .glyph_name(b)
                .and_then(glyph_to_unicode)
                .and_then(|u| {
                    let mut it = u.chars();
                    let c = it.next()?;
                    it.next().is_none().then_some(c)
                })
                .unwrap_or('\u{FFFD}'),
        };
    }
    t
});

#[cfg(test)]
mod tests {
    use super::*;

    fn text(enc: BaseEncoding, code: u8) -> Option<String> {
        enc.glyph_name(code).and_then(glyph_to_unicode)
    }

    #[test]
    fn from_name() {
        assert_eq!(BaseEncoding::from_name(b"WinAnsiEncoding"), Some(BaseEncoding::WinAnsi));
        assert_eq!(
            BaseEncoding::from_name(b"MacRomanEncoding"),
            Some(BaseEncoding::MacRoman)
        );
        assert_eq!(
            BaseEncoding::from_name(b"StandardEncoding"),
            Some(BaseEncoding::Standard)
        );
        assert_eq!(
            BaseEncoding::from_name(b"MacExpertEncoding"),
            Some(BaseEncoding::MacExpert)
        );
        assert_eq!(BaseEncoding::from_name(b"PDFDocEncoding"), Some(BaseEncoding::PdfDoc));
        assert_eq!(BaseEncoding::from_name(b"Identity-H"), None);
    }

    #[test]
    fn win_ansi() {
        use BaseEncoding::WinAnsi;
        assert_eq!(WinAnsi.glyph_name(0xE9), Some("eacute"));
        assert_eq!(text(WinAnsi, 0xE9).as_deref(), Some("é"));
        assert_eq!(WinAnsi.glyph_name(0x80), Some("Euro"));
        assert_eq!(text(WinAnsi, 0x80).as_deref(), Some("€"));
        // Windows code page 1252 from 0x80 to 0x9F, with `_` at its five unassigned codes.
        let cp1252 = "€_‚ƒ„…†‡ˆ‰Š‹Œ_Ž__‘’“”•–—˜™š›œ_žŸ";
        assert_eq!(cp1252.chars().count(), 32);
        for (code, expect) in (0x80..=0x9F_u8).zip(cp1252.chars()) {
            let expect = (expect != '_').then(|| expect.to_string());
            assert_eq!(text(WinAnsi, code), expect, "{code:#x}");
        }
        for code in [0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D] {
            assert_eq!(WinAnsi.glyph_name(code), None, "{code:#x}");
        }
        assert_eq!(WinAnsi.glyph_name(0x20), Some("space"));
        assert_eq!(WinAnsi.glyph_name(0xA0), Some("space"));
        assert_eq!(WinAnsi.glyph_name(0xAD), Some("hyphen"));
        assert_eq!(WinAnsi.glyph_name(0x27), Some("quotesingle"));
        assert_eq!(WinAnsi.glyph_name(0x60), Some("grave"));
        assert_eq!(text(WinAnsi, 0x92).as_deref(), Some("\u{2019}"));
        // From 0xA1 up WinAnsi is Latin-1, except that 0xAD (soft hyphen) is the glyph `hyphen`.
        for code in 0xA1..=0xFF_u8 {
            let expect = if code == 0xAD {
                "-".to_string()
            } else {
                char::from(code).to_string()
            };
            assert_eq!(text(WinAnsi, code), Some(expect), "{code:#x}");
        }
        for code in 0x20..=0x7E_u8 {
            assert_eq!(text(WinAnsi, code), Some(char::from(code).to_string()), "{code:#x}");
        }
    }

    #[test]
    fn standard_mac_pdfdoc() {
        use BaseEncoding::*;
        assert_eq!(Standard.glyph_name(0x27), Some("quoteright"));
        assert_eq!(text(Standard, 0x27).as_deref(), Some("\u{2019}"));
        assert_eq!(Standard.glyph_name(0x60), Some("quoteleft"));
        assert_eq!(text(Standard, 0xAE).as_deref(), Some("fi"));
        assert_eq!(Standard.glyph_name(0xE9), Some("Oslash"));
        assert_eq!(Standard.glyph_name(0x80), None);
        assert_eq!(MacRoman.glyph_name(0x8E), Some("eacute"));
        assert_eq!(text(MacRoman, 0x8E).as_deref(), Some("é"));
        assert_eq!(MacRoman.glyph_name(0xCA), Some("space"));
        assert_eq!(MacRoman.glyph_name(0xDB), Some("currency"));
        assert_eq!(MacRoman.glyph_name(0xB0), None);
        assert_eq!(PdfDoc.glyph_name(0xA0), Some("Euro"));
        assert_eq!(decode_text_string(b"J\x80n \xa0"), "J\u{2022}n \u{20AC}");
        assert_eq!(decode_text_string(b"\xfe\xff\x00J\x00a"), "Ja");
        assert_eq!(PdfDoc.glyph_name(0x93), Some("fi"));
        assert_eq!(PdfDoc.glyph_name(0xAD), None);
        assert_eq!(MacExpert.glyph_name(0x56), Some("ff"));
        assert_eq!(text(MacExpert, 0x61), None); // Asmall: only a PUA code point
    }

    #[test]
    fn tables_are_consistent() {
        // No code is assigned twice in a column (else the later row would silently win).
        for col in 0..4 {
            let mut seen = [false; 256];
            for row in LATIN {
                let code = [row.1, row.2, row.3, row.4][col] as usize;
                assert!(
                    code == 0 || !std::mem::replace(&mut seen[code], true),
                    "column {col} code {code:#o}"
                );
            }
        }
        assert!(AGL.windows(2).all(|w| w[0].0 < w[1].0), "AGL not sorted");
        for enc in [
            BaseEncoding::Standard,
            BaseEncoding::WinAnsi,
            BaseEncoding::MacRoman,
            BaseEncoding::PdfDoc,
        ] {
            for code in 0..=255 {
                if let Some(name) = enc.glyph_name(code) {
                    assert!(glyph_to_unicode(name).is_some(), "{enc:?} {code:#x} {name}");
                }
            }
        }
        let count = |e: BaseEncoding| (0..=255).filter(|&c| e.glyph_name(c).is_some()).count();
        assert_eq!(count(BaseEncoding::Standard), 149);
        assert_eq!(count(BaseEncoding::WinAnsi), 218);
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_to_unicode("uni00E9").as_deref(), Some("é"));
        assert_eq!(glyph_to_unicode("uni00660069").as_deref(), Some("fi"));
        assert_eq!(glyph_to_unicode("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_to_unicode("u00E9").as_deref(), Some("é"));
        assert_eq!(glyph_to_unicode("f_f_i").as_deref(), Some("ffi"));
        assert_eq!(glyph_to_unicode("fi").as_deref(), Some("fi"));
        assert_eq!(glyph_to_unicode("ffl").as_deref(), Some("ffl"));
        assert_eq!(glyph_to_unicode("A.sc").as_deref(), Some("A"));
        assert_eq!(glyph_to_unicode("one.oldstyle").as_deref(), Some("1"));
        assert_eq!(glyph_to_unicode("f_f_i.liga").as_deref(), Some("ffi"));
        assert_eq!(glyph_to_unicode("dotlessi").as_deref(), Some("ı"));
        assert_eq!(glyph_to_unicode("Lslash").as_deref(), Some("Ł"));
        assert_eq!(glyph_to_unicode("scommaaccent").as_deref(), Some("\u{219}"));
        assert_eq!(glyph_to_unicode("Ccaron").as_deref(), Some("Č"));
        assert_eq!(glyph_to_unicode("ij").as_deref(), Some("ij"));
        assert_eq!(glyph_to_unicode("quotedblleft").as_deref(), Some("\u{201C}"));
        assert_eq!(glyph_to_unicode("endash").as_deref(), Some("\u{2013}"));
        assert_eq!(glyph_to_unicode("trademark").as_deref(), Some("\u{2122}"));
        assert_eq!(glyph_to_unicode("minus").as_deref(), Some("\u{2212}"));
        for bad in [
            "g123", "a45", "cid123", "index12", "glyph5", ".notdef", "", "f__i", "f_g12", "uni00e9", "uniD800",
            "uni00E", "u110000", "uD800", "u12", "u1234567", "Asmall",
        ] {
            assert_eq!(glyph_to_unicode(bad), None, "{bad}");
        }
    }
}
