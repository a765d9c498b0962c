//! Painting redaction regions into the pixels of an image XObject, so no original sample under
//! a redaction box survives in any object: the image is decoded
//! ([`crate::source::pdf::image`]), every sample touching a region is set to black (for a
//! stencil mask: "not painted"), and the result is encoded again. A soft mask (`/SMask`, or the
//! alpha channel of a JPX image) and an explicit stencil mask (`/Mask` stream) are made opaque
//! in the same regions, because a mask's shape can show what was under the box as well.
//!
//! Encoding: a JPEG stays a JPEG (quality 90, same components; regions are widened to whole
//! 16-sample blocks so they decode exactly black); everything else becomes FlateDecode at the
//! bit depth it had (JPX at 8 or 16 bits). A colour-key `/Mask` array stays as it is: the sample
//! depth does not change, except for a JPX image of unusual precision (rescaled to 8 or 16
//! bits), where its key ranges keep their old scale. An inline image (the stream operand of a
//! `BI` operation) is painted too; its copy is written with full key names.

use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::source::pdf::image::{ABBREVIATIONS, Colour, Decoded, ImageError, Raster, Role, Source, decode, decode_as};

/// JPEG quality of a painted JPEG.
const JPEG_QUALITY: u8 = 90;

/// Dictionary entries that may carry the original pixels in another form: alternate images,
/// an OPI proxy's link, XMP metadata (which can hold a thumbnail).
const STALE_KEYS: [&[u8]; 3] = [b"Alternates", b"OPI", b"Metadata"];

/// The painted replacement of an image XObject and of its masks.
///
/// The streams are new objects to add: `image` still names the old `/SMask` and `/Mask`
/// references. [`Painted::install`] adds them and links them; a caller that does it by hand
/// must point the image at the new masks, never leave it at the old ones.
#[derive(Debug, Clone)]
pub struct Painted {
    /// The image with the regions painted, its dictionary adjusted to the new encoding.
    pub image: Stream,
    /// The replacement soft mask, opaque in the regions: for an image with an `/SMask`, or a
    /// JPX image whose alpha channel was its soft mask.
    pub smask: Option<Stream>,
    /// The replacement explicit stencil mask (`/Mask` stream), painting in the regions.
    pub mask: Option<Stream>,
}

impl Painted {
    /// Adds the painted image and its masks to `doc` as new objects, the image linked to the
    /// new masks, and returns the image's id. Whoever used the old image must be pointed at
    /// it; the old objects stay until pruned.
    pub fn install(self, doc: &mut Document) -> ObjectId {
        let mut image = self.image;
        if let Some(s) = self.smask {
            let id = doc.add_object(s);
            image.dict.set("SMask", id);
        }
        if let Some(m) = self.mask {
            let id = doc.add_object(m);
            image.dict.set("Mask", id);
        }
        doc.add_object(image)
    }
}

/// Paints `regions` of `image` black and returns the re-encoded image (and masks).
///
/// A region is `[x0, y0, x1, y1]` in the image's unit square as placed on the page: (0, 0) is
/// the bottom-left corner of the image, (1, 1) the top-right (sample row 0 is the top row).
/// Every sample touching a region is painted, rounded outward plus one sample of margin.
/// Without regions the image is only re-encoded. Fails when the image (or a mask) cannot be
/// decoded, or a region is not finite.
pub fn paint(doc: &Document, image: &Stream, regions: &[[f32; 4]]) -> Result<Painted, ImageError> {
    if let Some(bad) = regions.iter().find(|r| r.iter().any(|v| !v.is_finite())) {
        return Err(ImageError::BadRegion(*bad));
    }
    let Decoded {
        mut raster,
        source,
        alpha,
    } = decode(doc, image)?;
    let fill: Vec<u16> = match raster.colour() {
        // A stencil paints with the fill colour: the region becomes "not painted".
        Colour::Stencil => vec![raster.sample_for(0, 1.0)],
        colour => colour
            .black()
            .iter()
            .enumerate()
            .map(|(c, &t)| raster.sample_for(c, t))
            .collect(),
    };
    paint_raster(&mut raster, regions, &fill, source);
    let mut dict = image.dict.clone();
    let content = encode(&raster, source, &mut dict)?;
    if source == Source::Jpx {
        // The samples now carry their colour space and depth themselves, and /Decode (ignored
        // for JPX) would start to apply.
        if dict.get(b"ColorSpace").is_err() {
            dict.set("ColorSpace", device_name(raster.colour())?);
        }
        dict.remove(b"Decode");
        dict.remove(b"SMaskInData");
    }
    let image_out = Stream::new(dict, content);

    let smask = match image.dict.get(b"SMask").ok().and_then(|o| stream_of(doc, o)) {
        Some(s) => Some(paint_mask(doc, s, regions, Role::SoftMask)?),
        None => match alpha {
            Some(mut a) => {
                let opaque = vec![a.sample_for(0, 1.0)];
                paint_raster(&mut a, regions, &opaque, Source::Lossless);
                let mut d = Dictionary::new();
                d.set("Type", "XObject");
                d.set("Subtype", "Image");
                d.set("Width", a.width());
                d.set("Height", a.height());
                d.set("ColorSpace", "DeviceGray");
                let content = encode(&a, Source::Lossless, &mut d)?;
                Some(Stream::new(d, content))
            }
            None => None,
        },
    };
    let mask = match image.dict.get(b"Mask").ok().and_then(|o| stream_of(doc, o)) {
        Some(s) => Some(paint_mask(doc, s, regions, Role::StencilMask)?),
        None => None,
    };
    Ok(Painted {
        image: image_out,
        smask,
        mask,
    })
}

/// The stream behind a (possibly indirect) object.
fn stream_of<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Stream> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_stream().ok(),
        Object::Stream(s) => Some(s),
        _ => None,
    }
}

/// A soft mask made opaque, or a stencil mask made to paint, in the regions.
fn paint_mask(doc: &Document, s: &Stream, regions: &[[f32; 4]], role: Role) -> Result<Stream, ImageError> {
    let Decoded { mut raster, source, .. } = decode_as(doc, s, role)?;
    // Soft mask: 1 = opaque. Stencil mask: decoded 0 marks where the image is painted.
    let target = if role == Role::SoftMask { 1.0 } else { 0.0 };
    let fill = vec![raster.sample_for(0, target); raster.components()];
    paint_raster(&mut raster, regions, &fill, source);
    let mut dict = s.dict.clone();
    if role == Role::StencilMask {
        dict.set("ImageMask", true);
        dict.remove(b"ColorSpace");
    }
    let content = encode(&raster, source, &mut dict)?;
    if source == Source::Jpx {
        if dict.get(b"ColorSpace").is_err() && role == Role::SoftMask {
            dict.set("ColorSpace", "DeviceGray");
        }
        dict.remove(b"Decode");
        dict.remove(b"SMaskInData");
    }
    Ok(Stream::new(dict, content))
}

/// A page-space box (`[x0, y0, x1, y1]`) as a region of an image drawn with `ctm` (the
/// current transformation matrix at its `Do`, which maps the unit square onto the page): the
/// bounding box of the box's corners in the unit square, so a rotated or skewed placement is
/// covered generously, never short. `None` for a degenerate matrix.
pub fn region_in_image(ctm: &crate::source::pdf::interp::Matrix, rect: [f32; 4]) -> Option<[f32; 4]> {
    let [a, b, c, d, e, f] = ctm.map(f64::from);
    let det = a * d - b * c;
    if !det.is_finite() || det.abs() < 1e-12 {
        return None;
    }
    let corners = [
        (rect[0], rect[1]),
        (rect[2], rect[1]),
        (rect[0], rect[3]),
        (rect[2], rect[3]),
    ];
    let mut out = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for (x, y) in corners {
        let (x, y) = (f64::from(x) - e, f64::from(y) - f);
        let (u, v) = ((d * x - c * y) / det, (a * y - b * x) / det);
        out = [out[0].min(u), out[1].min(v), out[2].max(u), out[3].max(v)];
    }
    let out = out.map(|v| v as f32);
    out.iter().all(|v| v.is_finite()).then_some(out)
}

/// The sample rectangle `[x0, y0, x1, y1)` (rows from the top) touched by a region, with one
/// sample of margin, or `None` when it touches nothing.
pub fn sample_rect(region: [f32; 4], width: u32, height: u32) -> Option<[u32; 4]> {
    let [a, b, c, d] = region.map(f64::from);
    let (u0, u1) = (a.min(c), a.max(c));
    let (v0, v1) = (b.min(d), b.max(d));
    let (w, h) = (f64::from(width), f64::from(height));
    let clamp = |v: f64, max: f64| v.clamp(0.0, max) as u32;
    let x0 = clamp((u0 * w).floor() - 1.0, w);
    let x1 = clamp((u1 * w).ceil() + 1.0, w);
    // Row 0 is the top of the image (v = 1).
    let y0 = clamp(((1.0 - v1) * h).floor() - 1.0, h);
    let y1 = clamp(((1.0 - v0) * h).ceil() + 1.0, h);
    (x0 < x1 && y0 < y1).then_some([x0, y0, x1, y1])
}

/// Sets every sample of the regions to `fill` (one value per component).
fn paint_raster(raster: &mut Raster, regions: &[[f32; 4]], fill: &[u16], source: Source) {
    let (w, h) = (raster.width(), raster.height());
    for &region in regions {
        let Some([mut x0, mut y0, mut x1, mut y1]) = sample_rect(region, w, h) else {
            continue;
        };
        if matches!(source, Source::Dct { .. }) {
            // Whole JPEG blocks (16 x 16 covers chroma subsampling) decode as exactly the one
            // colour; a block only partly painted would ring into the region.
            x0 -= x0 % 16;
            y0 -= y0 % 16;
            x1 = x1.div_ceil(16).saturating_mul(16).min(w);
            y1 = y1.div_ceil(16).saturating_mul(16).min(h);
        }
        for y in y0..y1 {
            for x in x0..x1 {
                for (c, &v) in fill.iter().enumerate() {
                    raster.set_sample(x, y, c, v);
                }
            }
        }
    }
}

/// Encodes a raster as its source asks (JPEG for JPEG, Flate otherwise) and adjusts `dict`.
fn encode(raster: &Raster, source: Source, dict: &mut Dictionary) -> Result<Vec<u8>, ImageError> {
    // An inline image's abbreviated keys become full ones, so none of them is left stale
    // next to the entries written here.
    for (full, short) in ABBREVIATIONS {
        if let Some(v) = dict.remove(short)
            && dict.get(full).is_err()
        {
            dict.set(full.to_vec(), v);
        }
    }
    if let Ok(cs) = dict.get_mut(b"ColorSpace") {
        expand_colour_names(cs);
    }
    for key in STALE_KEYS {
        dict.remove(key);
    }
    dict.remove(b"DecodeParms");
    let content = match source {
        Source::Dct { adobe } => {
            dict.set("Filter", "DCTDecode");
            jpeg(raster, adobe)?
        }
        _ => {
            dict.set("Filter", "FlateDecode");
            dict.set("BitsPerComponent", i64::from(raster.bits()));
            flate(raster.data())?
        }
    };
    dict.set("Length", content.len() as i64);
    Ok(content)
}

fn flate(data: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 8), flate2::Compression::new(6));
    e.write_all(data)
        .and_then(|()| e.finish())
        .map_err(|err| ImageError::Encode(err.to_string()))
}

fn jpeg(raster: &Raster, adobe: bool) -> Result<Vec<u8>, ImageError> {
    use jpeg_encoder::{ColorType, Encoder};
    let too_big = || {
        ImageError::Encode(format!(
            "{} x {} is too large for JPEG",
            raster.width(),
            raster.height()
        ))
    };
    let w = u16::try_from(raster.width()).map_err(|_| too_big())?;
    let h = u16::try_from(raster.height()).map_err(|_| too_big())?;
    let mut out = Vec::new();
    let enc = Encoder::new(&mut out, JPEG_QUALITY);
    let result = match raster.components() {
        1 => enc.encode(raster.data(), w, h, ColorType::Luma),
        3 => enc.encode(raster.data(), w, h, ColorType::Rgb),
        4 => {
            // The encoder stores CMYK inverted (the Adobe convention); inverting first keeps
            // the stored samples, which is what viewers read with the image's /Decode.
            let inverted: Vec<u8> = raster.data().iter().map(|v| 255 - v).collect();
            enc.encode(&inverted, w, h, ColorType::Cmyk)
        }
        n => return Err(ImageError::Encode(format!("a JPEG with {n} components"))),
    };
    result.map_err(|e| ImageError::Encode(e.to_string()))?;
    if raster.components() == 4 && !adobe {
        out = strip_app14(out);
    }
    Ok(out)
}

/// Removes the Adobe APP14 segment the encoder writes for CMYK, for a source that had none:
/// for four components its "no transform" is also the default without it.
fn strip_app14(jpeg: Vec<u8>) -> Vec<u8> {
    let mut i = 2usize;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if marker == 0xDA {
            break;
        }
        if marker == 0xEE && jpeg.get(i + 4..i + 9) == Some(b"Adobe") {
            let mut out = jpeg[..i].to_vec();
            out.extend_from_slice(jpeg.get(i + 2 + len..).unwrap_or_default());
            return out;
        }
        i += 2 + len;
    }
    jpeg
}

/// Abbreviated colour space names of inline images, written out.
fn expand_colour_names(cs: &mut Object) {
    let full = |n: &[u8]| -> Option<&'static str> {
        match n {
            b"G" => Some("DeviceGray"),
            b"RGB" => Some("DeviceRGB"),
            b"CMYK" => Some("DeviceCMYK"),
            b"I" => Some("Indexed"),
            _ => None,
        }
    };
    match cs {
        Object::Name(n) => {
            if let Some(f) = full(n) {
                *n = f.as_bytes().to_vec();
            }
        }
        Object::Array(a) => a.iter_mut().take(2).for_each(|o| {
            if let Object::Name(n) = o
                && let Some(f) = full(n)
            {
                *n = f.as_bytes().to_vec();
            }
        }),
        _ => {}
    }
}

/// The device colour space name for a JPX image that left its colour space to the codestream.
fn device_name(colour: &Colour) -> Result<&'static str, ImageError> {
    match colour {
        Colour::Gray => Ok("DeviceGray"),
        Colour::Rgb => Ok("DeviceRGB"),
        Colour::Cmyk => Ok("DeviceCMYK"),
        other => Err(ImageError::Encode(format!("no device colour space for {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_round_outward_with_a_margin() {
        // 10 x 10 samples; the region covers u 0.25..0.45, v 0.5..0.7 (rows 3..5 from the top).
        assert_eq!(sample_rect([0.25, 0.5, 0.45, 0.7], 10, 10), Some([1, 2, 6, 6]));
        // Corners swapped mean the same rectangle.
        assert_eq!(sample_rect([0.45, 0.7, 0.25, 0.5], 10, 10), Some([1, 2, 6, 6]));
        // Clamped to the image; a region beyond the margin touches nothing.
        assert_eq!(sample_rect([-1.0, -1.0, 2.0, 2.0], 4, 3), Some([0, 0, 4, 3]));
        assert_eq!(sample_rect([1.5, 0.0, 2.0, 1.0], 4, 3), None);
        // A zero-width region on a sample boundary still takes a sample each side.
        assert_eq!(sample_rect([0.5, 0.5, 0.5, 0.5], 4, 4), Some([1, 1, 3, 3]));
    }

    #[test]
    fn page_boxes_map_into_the_unit_square() {
        // An image 200 x 100 at (50, 700): the box (100, 725)-(150, 775) is its middle.
        let r = region_in_image(&[200.0, 0.0, 0.0, 100.0, 50.0, 700.0], [100.0, 725.0, 150.0, 775.0]);
        assert_eq!(r, Some([0.25, 0.25, 0.5, 0.75]));
        // Flipped vertically (drawn upside down): v runs the other way.
        let r = region_in_image(&[200.0, 0.0, 0.0, -100.0, 50.0, 800.0], [100.0, 725.0, 150.0, 775.0]);
        assert_eq!(r, Some([0.25, 0.25, 0.5, 0.75]));
        let r = region_in_image(&[200.0, 0.0, 0.0, -100.0, 50.0, 800.0], [100.0, 780.0, 150.0, 800.0]);
        assert_eq!(r, Some([0.25, 0.0, 0.5, 0.2]));
        // Rotated 90 degrees: the page's x runs along the image's v.
        let r = region_in_image(&[0.0, 100.0, -200.0, 0.0, 300.0, 0.0], [250.0, 50.0, 300.0, 100.0]);
        assert_eq!(r, Some([0.5, 0.0, 1.0, 0.25]));
        assert_eq!(region_in_image(&[0.0; 6], [0.0, 0.0, 1.0, 1.0]), None);
    }

    #[test]
    fn app14_is_stripped() {
        let j = vec![
            0xFF, 0xD8, 0xFF, 0xEE, 0, 14, b'A', b'd', b'o', b'b', b'e', 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xDA, 0, 2,
        ];
        assert_eq!(strip_app14(j), vec![0xFF, 0xD8, 0xFF, 0xDA, 0, 2]);
    }
}
