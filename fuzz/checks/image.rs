//! The `image` fuzz target's input format and checks, shared with the replay in
//! `tests/hostile.rs` (which includes this file), so a saved crash replays exactly.
//!
//! The first byte chooses how the rest becomes an image stream:
//!
//! - bit 7 clear (structured): bytes 1..9 choose the filters, colour space, bits per
//!   component, width and height (1..64), `/Decode`, `/DecodeParms`, masks and whether the
//!   harness Flate-compresses the data itself (so a Flate layer always opens); then up to
//!   three regions of four bytes; the rest is the stream data.
//! - bit 7 set (textual): the image dictionary in PDF syntax (`<< /Width 4 … >>`, or an inline
//!   image's `BI /W 4 … ID`), then the keyword `stream`, one end of line, and the data. A name
//!   `/@N` stands for a reference to object N of a small fixed document (a soft mask, an ICC
//!   profile, a stencil mask, a reference to itself, a palette, JBIG2 globals).

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use std::io::Write;
use woo_redact::limits::{Budget, Limits};
use woo_redact::redact::image::paint;
use woo_redact::source::pdf::content::Lexer;
use woo_redact::source::pdf::image::decode;

fn name(n: &str) -> Object {
    Object::Name(n.as_bytes().to_vec())
}

fn flate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).ok();
    e.finish().unwrap_or_default()
}

/// The fixed document the images refer into (objects 1..=6).
pub fn fixed_doc() -> Document {
    let mut doc = Document::with_version("1.7");
    let mut smask = Dictionary::new();
    for (k, v) in [("Width", 4), ("Height", 4), ("BitsPerComponent", 8)] {
        smask.set(k, v);
    }
    smask.set("Subtype", name("Image"));
    smask.set("ColorSpace", name("DeviceGray"));
    doc.objects.insert(
        (1, 0),
        Object::Stream(Stream::new(smask, (0u8..16).map(|i| i * 16).collect())),
    );
    let mut icc = Dictionary::new();
    icc.set("N", 3);
    icc.set("Alternate", name("DeviceRGB"));
    // A profile header naming its colour space (bytes 16..20).
    let mut profile = vec![0; 128];
    profile[16..20].copy_from_slice(b"RGB ");
    doc.objects.insert((2, 0), Object::Stream(Stream::new(icc, profile)));
    let mut mask = Dictionary::new();
    for (k, v) in [("Width", 8), ("Height", 8)] {
        mask.set(k, v);
    }
    mask.set("ImageMask", true);
    doc.objects.insert(
        (3, 0),
        Object::Stream(Stream::new(mask, vec![0xAA, 0x55, 0xF0, 0x0F, 0, 0xFF, 0x81, 0x7E])),
    );
    doc.objects.insert((4, 0), Object::Reference((4, 0)));
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, 255 - i, i / 2]).collect();
    doc.objects
        .insert((5, 0), Object::Stream(Stream::new(Dictionary::new(), palette)));
    doc.objects.insert(
        (6, 0),
        Object::Stream(Stream::new(Dictionary::new(), vec![0, 0, 0, 0, 0x30, 0, 1])),
    );
    doc.max_id = 6;
    doc
}

/// Replaces names `/@N` by references to object N, anywhere in `o`.
fn link(o: &mut Object) {
    match o {
        Object::Name(n) if n.first() == Some(&b'@') => {
            if let Some(id) = std::str::from_utf8(&n[1..]).ok().and_then(|s| s.parse::<u32>().ok()) {
                *o = Object::Reference((id, 0));
            }
        }
        Object::Array(a) => a.iter_mut().for_each(link),
        Object::Dictionary(d) => d.iter_mut().for_each(|(_, v)| link(v)),
        _ => {}
    }
}

/// The textual form: a dictionary in PDF syntax, `stream`, the data.
fn textual(input: &[u8]) -> Option<(Stream, Vec<[f32; 4]>)> {
    let at = input.windows(6).position(|w| w == b"stream")?;
    let mut data = &input[at + 6..];
    if let Some(rest) = data.strip_prefix(b"\r\n") {
        data = rest;
    } else if let Some(rest) = data.strip_prefix(b"\n") {
        data = rest;
    }
    // `stream` is lexed as the operator of the dictionary operand (or skipped as inline data
    // after `ID`).
    let mut dict = Lexer::new(&input[..at + 6])
        .flat_map(|op| op.operands)
        .find_map(|o| match o {
            Object::Dictionary(d) => Some(d),
            _ => None,
        })?;
    dict.iter_mut().for_each(|(_, v)| link(v));
    let regions = vec![[0.2, 0.3, 0.6, 0.9], [0.95, -0.5, 1.5, 0.05]];
    Some((Stream::new(dict, data.to_vec()), regions))
}

/// The structured form (see the module comment).
fn structured(input: &[u8]) -> Option<(Stream, Vec<[f32; 4]>)> {
    let (head, rest) = input.split_at_checked(9)?;
    let [_, filt, cs, bits, w, h, flags, params, nreg] = <[u8; 9]>::try_from(head).ok()?;
    let nreg = usize::from(nreg % 4);
    let (regs, data) = rest.split_at_checked(nreg * 4)?;
    let regions: Vec<[f32; 4]> = regs
        .chunks_exact(4)
        .map(|c| [0, 1, 2, 3].map(|i| f32::from(c[i]) / 200.0 - 0.1))
        .collect();
    let inline = flags & 0x40 != 0;
    let key = |full: &'static str, short: &'static str| if inline { short } else { full };
    let mut d = Dictionary::new();
    d.set("Subtype", name("Image"));
    let width = match w >> 6 {
        0 | 1 => i64::from(w & 63) + 1,
        2 => 0,
        _ => 4_000_000_000,
    };
    d.set(key("Width", "W"), width);
    d.set(key("Height", "H"), i64::from(h & 63) + 1);
    let bpc = [1, 2, 4, 8, 16, 0, 3, 12][usize::from(bits & 7)];
    if bits & 8 == 0 {
        d.set(key("BitsPerComponent", "BPC"), bpc);
    }
    let base = |b: u8| match b & 3 {
        0 => name("DeviceGray"),
        1 => name("DeviceRGB"),
        2 => name("DeviceCMYK"),
        _ => Object::Array(vec![name("ICCBased"), Object::Reference((2, 0))]),
    };
    let icc = |n: i64| {
        let mut p = Dictionary::new();
        p.set("N", n);
        Object::Array(vec![name("ICCBased"), Object::Stream(Stream::new(p, vec![0; 16]))])
    };
    let colour = match cs & 15 {
        0 => Some(name("DeviceGray")),
        1 => Some(name("DeviceRGB")),
        2 => Some(name("DeviceCMYK")),
        3 => Some(Object::Array(vec![
            name("CalGray"),
            Object::Dictionary(Dictionary::new()),
        ])),
        4 => Some(Object::Array(vec![
            name("CalRGB"),
            Object::Dictionary(Dictionary::new()),
        ])),
        5 => {
            let mut l = Dictionary::new();
            let r = |b: u8| Object::Real(f32::from(b as i8));
            l.set("Range", vec![r(params), r(!params), r(cs), r(bits)]);
            Some(Object::Array(vec![name("Lab"), Object::Dictionary(l)]))
        }
        6 => Some(icc(1)),
        7 => Some(Object::Array(vec![name("ICCBased"), Object::Reference((2, 0))])),
        8 => Some(icc(4)),
        9 | 10 => {
            // Indexed over a base the high bits choose; the palette a string or the stream.
            let hival = i64::from(params);
            let table = if cs & 15 == 9 {
                Object::String(
                    (0..=255u8).cycle().take(usize::from(params) * 3 + 2).collect(),
                    StringFormat::Literal,
                )
            } else {
                Object::Reference((5, 0))
            };
            Some(Object::Array(vec![
                name(key("Indexed", "I")),
                base(cs >> 4),
                hival.into(),
                table,
            ]))
        }
        11 => None,
        12 => Some(Object::Array(vec![name("Separation"), name("Spot")])),
        13 => Some(icc(2)),
        14 => Some(Object::Reference((4, 0))),
        _ => {
            d.set(key("ImageMask", "IM"), true);
            None
        }
    };
    if let Some(c) = colour {
        d.set(key("ColorSpace", "CS"), c);
    }
    if flags & 0x01 != 0 {
        // Eight numbers from the data: more or fewer than the components need is an error.
        let n = usize::from(params % 9);
        let v: Vec<Object> = data
            .iter()
            .take(n)
            .map(|&b| Object::Real(f32::from(b) / 64.0 - 1.0))
            .collect();
        d.set(key("Decode", "D"), v);
    }
    let image_filter = match filt & 7 {
        1 => Some("DCTDecode"),
        2 => Some("CCITTFaxDecode"),
        3 => Some("JBIG2Decode"),
        4 => Some("JPXDecode"),
        5 => Some("Foo"),
        _ => None,
    };
    let generic: &[&str] = match filt >> 4 {
        1 => &["FlateDecode"],
        2 => &["LZWDecode"],
        3 => &["ASCIIHexDecode"],
        4 => &["ASCII85Decode"],
        5 => &["RunLengthDecode"],
        6 => &["FlateDecode", "LZWDecode"],
        7 => &["ASCIIHexDecode", "FlateDecode"],
        8 => &["BrotliDecode"],
        _ => &[],
    };
    let pre_flate = flags & 0x80 != 0;
    let mut names: Vec<Object> = Vec::new();
    let mut parms: Vec<Object> = Vec::new();
    if pre_flate {
        names.push(name("FlateDecode"));
        parms.push(Object::Null);
    }
    for g in generic {
        names.push(name(g));
        let mut p = Dictionary::new();
        if flags & 0x02 != 0 && matches!(*g, "FlateDecode" | "LZWDecode") {
            p.set("Predictor", [1, 2, 10, 11, 12, 13, 14, 15][usize::from(params & 7)]);
            p.set("Colors", i64::from((params >> 3) & 3) + 1);
            p.set("BitsPerComponent", bpc);
            p.set("Columns", width);
            if *g == "LZWDecode" {
                p.set("EarlyChange", i64::from(params >> 7));
            }
        }
        parms.push(if p.is_empty() {
            Object::Null
        } else {
            Object::Dictionary(p)
        });
    }
    if let Some(f) = image_filter {
        names.push(name(f));
        let mut p = Dictionary::new();
        match f {
            "CCITTFaxDecode" => {
                p.set("K", i64::from(params as i8 % 3));
                p.set("Columns", if flags & 0x02 != 0 { width } else { 1728 });
                p.set("Rows", i64::from(h & 63) + 1);
                p.set("BlackIs1", params & 8 != 0);
                p.set("EncodedByteAlign", params & 16 != 0);
                p.set("EndOfBlock", params & 32 == 0);
                p.set("EndOfLine", params & 64 != 0);
            }
            "JBIG2Decode" if params & 1 != 0 => p.set("JBIG2Globals", Object::Reference((6, 0))),
            "DCTDecode" if params & 2 != 0 => p.set("ColorTransform", i64::from(params >> 7)),
            _ => {}
        }
        parms.push(if p.is_empty() {
            Object::Null
        } else {
            Object::Dictionary(p)
        });
    }
    if !names.is_empty() {
        d.set(key("Filter", "F"), Object::Array(names));
        d.set(key("DecodeParms", "DP"), Object::Array(parms));
    }
    if image_filter == Some("JPXDecode") && flags & 0x20 != 0 {
        d.set("SMaskInData", 1);
    }
    if flags & 0x04 != 0 {
        d.set("SMask", Object::Reference((1, 0)));
    }
    if flags & 0x08 != 0 {
        d.set("Mask", Object::Reference((3, 0)));
    } else if flags & 0x10 != 0 {
        d.set("Mask", vec![Object::Integer(0), Object::Integer(i64::from(params))]);
    }
    let content = if pre_flate { flate(data) } else { data.to_vec() };
    Some((Stream::new(d, content), regions))
}

/// Pixels over which an image is not tried: decoding a few megapixels takes the fuzzer's time
/// without new paths (the size checks refuse what is over the library's limit before
/// allocating, and those are still tried).
const MANY_PIXELS: i64 = 1 << 22;

/// The image an input describes, with the regions to paint.
pub fn build(input: &[u8]) -> Option<(Stream, Vec<[f32; 4]>)> {
    let &mode = input.first()?;
    let (image, regions) = if mode & 0x80 != 0 {
        textual(&input[1..])?
    } else {
        structured(input)?
    };
    let side = |full: &[u8], short: &[u8]| {
        let d = &image.dict;
        match d.get(full).or_else(|_| d.get(short)) {
            Ok(Object::Integer(v)) => *v,
            _ => 1,
        }
    };
    let pixels = side(b"Width", b"W").saturating_mul(side(b"Height", b"H"));
    let limit = woo_redact::source::pdf::image::MAX_PIXELS as i64;
    if pixels > MANY_PIXELS && pixels <= limit {
        return None;
    }
    Some((image, regions))
}

/// Decodes, paints and decodes again; panics when an invariant does not hold.
pub fn check(doc: &Document, input: &[u8]) {
    let Some((image, regions)) = build(input) else { return };
    let _budget = Budget::enter(&Limits {
        max_seconds: 10,
        max_decompressed: 16 << 20,
        max_pages: 1,
    });
    if let Ok(d) = decode(doc, &image) {
        let r = &d.raster;
        assert_eq!(r.data().len(), r.stride() * r.height() as usize);
        assert_eq!(r.components(), r.colour().components());
        assert_eq!(r.to_gray8().len(), r.width() as usize * r.height() as usize);
        if let Some(a) = &d.alpha {
            assert_eq!((a.width(), a.height()), (r.width(), r.height()));
        }
    }
    let Ok(painted) = paint(doc, &image, &regions) else {
        return;
    };
    // What we write must read back, at the same size.
    let again = decode(doc, &painted.image).expect("a painted image decodes again");
    let before = decode(doc, &image).expect("a painted image decoded before");
    assert_eq!(
        (again.raster.width(), again.raster.height()),
        (before.raster.width(), before.raster.height())
    );
}
