//! Image XObjects decoded into rasters: the samples in the image's own colour space, packed as
//! PDF lays them out, so a painted copy can be written back faithfully
//! ([`crate::redact::image`]); and an 8-bit grey view of them for OCR.
//!
//! Supported: the filters FlateDecode, LZWDecode (with PNG and TIFF predictors), ASCIIHexDecode,
//! ASCII85Decode, RunLengthDecode and BrotliDecode (through lopdf), DCTDecode, CCITTFaxDecode,
//! JBIG2Decode and JPXDecode, also chained; the colour spaces DeviceGray, DeviceRGB, DeviceCMYK,
//! CalGray, CalRGB, Lab, ICCBased and Indexed over any of them, and stencil masks; 1, 2, 4, 8 and
//! 16 bits per component with `/Decode` arrays. Not supported (an [`ImageError`] names it):
//! Separation and DeviceN colour spaces, 12-bit JPEG, JBIG2 coloured regions, JPX images whose
//! components have different sizes, colour spaces named in page resources (inline images).
//! Inline images' abbreviated keys and names are read.
//!
//! The input is untrusted: sizes are checked before anything is allocated for them, the decoder
//! crates run under `catch_unwind`, and no input makes this module panic.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Dictionary, Document, Object, Stream};

/// Largest image decoded, in pixels: a 600 dpi scan of an A1 sheet is about 140 megapixels.
pub const MAX_PIXELS: u64 = 200_000_000;

/// Largest decoded raster, in bytes (a 200-megapixel CMYK image at 8 bits).
pub const MAX_RASTER_BYTES: u64 = 800_000_000;

/// Why an image cannot be decoded (or painted). Messages name what is unsupported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImageError {
    /// The stream is not an image XObject.
    #[error("not an image XObject")]
    NotAnImage,
    /// A dictionary entry is missing or has the wrong type or value.
    #[error("image dictionary: {0}")]
    Malformed(String),
    /// More pixels or bytes than this module decodes.
    #[error(
        "image of {width} x {height} pixels is over the limit of {} megapixels / {} MB decoded",
        MAX_PIXELS / 1_000_000,
        MAX_RASTER_BYTES / 1_000_000
    )]
    TooLarge {
        /// Width in samples.
        width: u64,
        /// Height in samples.
        height: u64,
    },
    /// A filter we do not decode.
    #[error("image with the filter {0}, which we cannot decode")]
    UnsupportedFilter(String),
    /// A colour space we do not decode.
    #[error("image in the colour space {0}, which we cannot decode")]
    UnsupportedColourSpace(String),
    /// A feature of an encoding we do not decode; the message says which.
    #[error("{0}")]
    Unsupported(String),
    /// The encoded data is damaged.
    #[error("{filter} image data cannot be decoded ({reason})")]
    Corrupt {
        /// The filter that failed.
        filter: &'static str,
        /// What its decoder said.
        reason: String,
    },
    /// The decoded data does not have the size the dictionary promises.
    #[error("decoded image data has {got} bytes where {width} x {height} pixels need {expected}")]
    SizeMismatch {
        /// Bytes decoded.
        got: u64,
        /// Bytes expected.
        expected: u64,
        /// Width in samples.
        width: u64,
        /// Height in samples.
        height: u64,
    },
    /// A redaction region that is not a finite rectangle.
    #[error("redaction region {0:?} is not a finite rectangle")]
    BadRegion([f32; 4]),
    /// Writing the painted image failed.
    #[error("the painted image cannot be encoded ({0})")]
    Encode(String),
}

fn malformed(what: impl Into<String>) -> ImageError {
    ImageError::Malformed(what.into())
}

/// The colour space samples are in, reduced to what painting and grey conversion need. The
/// image dictionary keeps the original `/ColorSpace`; this is only its meaning.
#[derive(Debug, Clone, PartialEq)]
pub enum Colour {
    /// One component, 0 = black (DeviceGray, CalGray, ICCBased with one component).
    Gray,
    /// Three components, 0 0 0 = black (DeviceRGB, CalRGB, ICCBased with three components).
    Rgb,
    /// Four components, 1 1 1 1 = black (DeviceCMYK, ICCBased with four components).
    Cmyk,
    /// CIE L*a*b*: L in 0..100, a and b within `a` and `b` (the `/Range`).
    Lab {
        /// Range of a*.
        a: [f32; 2],
        /// Range of b*.
        b: [f32; 2],
    },
    /// One index component into `lookup`, `base.components()` bytes per entry.
    Indexed {
        /// The space of the palette entries (not Indexed).
        base: Box<Colour>,
        /// Palette entries, `hival + 1` of them (a short table is kept short).
        lookup: Vec<u8>,
    },
    /// An `/ImageMask`: one bit, decoded 0 = painted with the fill colour, 1 = not painted.
    Stencil,
}

impl Colour {
    /// Components per pixel.
    pub fn components(&self) -> usize {
        match self {
            Colour::Gray | Colour::Indexed { .. } | Colour::Stencil => 1,
            Colour::Rgb | Colour::Lab { .. } => 3,
            Colour::Cmyk => 4,
        }
    }

    /// The `/Decode` array a viewer uses when the dictionary has none.
    pub fn default_decode(&self, bits: u8) -> Vec<[f32; 2]> {
        match self {
            Colour::Lab { a, b } => vec![[0.0, 100.0], *a, *b],
            Colour::Indexed { .. } => vec![[0.0, max_value(bits) as f32]],
            other => vec![[0.0, 1.0]; other.components()],
        }
    }

    /// Grey level in 0..=1 (0 black) of a colour given by its decoded components.
    fn grey(&self, c: &[f32]) -> f32 {
        let at = |i: usize| c.get(i).copied().unwrap_or(0.0);
        let g = match self {
            Colour::Gray | Colour::Stencil => at(0),
            Colour::Rgb => 0.299 * at(0) + 0.587 * at(1) + 0.114 * at(2),
            // The device conversion of ISO 32000-1 §10.4.2.4 (red = 1 - min(1, cyan + black)).
            Colour::Cmyk => {
                let k = at(3);
                let ink = |c: f32| 1.0 - (c + k).min(1.0);
                0.299 * ink(at(0)) + 0.587 * ink(at(1)) + 0.114 * ink(at(2))
            }
            Colour::Lab { .. } => at(0) / 100.0,
            Colour::Indexed { base, lookup } => {
                let n = base.components();
                let i = at(0).round().max(0.0) as usize;
                let comps: Vec<f32> = (0..n)
                    .map(|j| {
                        let byte = lookup.get(i * n + j).copied().unwrap_or(0);
                        base.palette_component(j, byte)
                    })
                    .collect();
                base.grey(&comps)
            }
        };
        g.clamp(0.0, 1.0)
    }

    /// A palette byte as a component value of this (base) space.
    fn palette_component(&self, j: usize, byte: u8) -> f32 {
        let t = f32::from(byte) / 255.0;
        match self {
            Colour::Lab { a, b } => match j {
                0 => t * 100.0,
                1 => a[0] + t * (a[1] - a[0]),
                _ => b[0] + t * (b[1] - b[0]),
            },
            _ => t,
        }
    }

    /// Distance from black of a palette entry (for choosing the darkest one).
    pub(crate) fn palette_darkness(&self, index: usize) -> Option<f32> {
        let Colour::Indexed { base, lookup } = self else {
            return None;
        };
        let n = base.components();
        let entry = lookup.get(index * n..index * n + n)?;
        let comps: Vec<f32> = entry
            .iter()
            .enumerate()
            .map(|(j, &b)| base.palette_component(j, b))
            .collect();
        // Grey alone ties dark blue with black; the spread between components breaks the tie.
        let rgb = match base.as_ref() {
            Colour::Rgb => [comps[0], comps[1], comps[2]],
            _ => {
                let g = base.grey(&comps);
                [g, g, g]
            }
        };
        Some(rgb.iter().map(|v| v * v).sum())
    }

    /// The decoded components of black (for a stencil: "not painted"; the caller decides).
    pub(crate) fn black(&self) -> Vec<f32> {
        match self {
            Colour::Gray => vec![0.0],
            Colour::Rgb => vec![0.0; 3],
            Colour::Cmyk => vec![1.0; 4],
            Colour::Lab { .. } => vec![0.0; 3],
            Colour::Stencil => vec![1.0],
            Colour::Indexed { lookup, base } => {
                let entries = lookup.len() / base.components().max(1);
                let best = (0..entries)
                    .filter_map(|i| self.palette_darkness(i).map(|d| (i, d)))
                    .fold(None::<(usize, f32)>, |acc, (i, d)| match acc {
                        Some((_, bd)) if bd <= d => acc,
                        _ => Some((i, d)),
                    });
                vec![best.map_or(0.0, |(i, _)| i as f32)]
            }
        }
    }
}

fn max_value(bits: u8) -> u32 {
    (1u32 << bits.min(16)) - 1
}

/// Decoded samples of one image, rows top to bottom (row 0 is the top of the placed image),
/// each row packed most significant bit first and padded to a whole byte, 16-bit samples big
/// endian: exactly the layout of an unfiltered PDF image stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Raster {
    width: u32,
    height: u32,
    bits: u8,
    colour: Colour,
    decode: Vec<[f32; 2]>,
    data: Vec<u8>,
}

/// Bytes of one packed row.
fn row_bytes(width: u32, components: usize, bits: u8) -> Result<u64, ImageError> {
    u64::from(width)
        .checked_mul(components as u64)
        .and_then(|n| n.checked_mul(u64::from(bits)))
        .map(|b| b.div_ceil(8))
        .ok_or(ImageError::TooLarge {
            width: u64::from(width),
            height: 0,
        })
}

/// Checks the size of a raster before anything is allocated for it; returns its byte count.
fn check_size(width: u32, height: u32, components: usize, bits: u8) -> Result<usize, ImageError> {
    if width == 0 || height == 0 {
        return Err(malformed("zero /Width or /Height"));
    }
    let too_large = ImageError::TooLarge {
        width: u64::from(width),
        height: u64::from(height),
    };
    let pixels = u64::from(width) * u64::from(height);
    let bytes = row_bytes(width, components, bits)?
        .checked_mul(u64::from(height))
        .ok_or_else(|| too_large.clone())?;
    if pixels > MAX_PIXELS || bytes > MAX_RASTER_BYTES {
        return Err(too_large);
    }
    usize::try_from(bytes).map_err(|_| too_large)
}

impl Raster {
    /// A raster from packed rows; `data` must hold `height` rows of [`Raster::stride`] bytes
    /// (more is cut off), `decode` one range per component.
    pub fn new(
        width: u32,
        height: u32,
        bits: u8,
        colour: Colour,
        decode: Vec<[f32; 2]>,
        mut data: Vec<u8>,
    ) -> Result<Raster, ImageError> {
        if !matches!(bits, 1 | 2 | 4 | 8 | 16) {
            return Err(malformed(format!("/BitsPerComponent {bits}")));
        }
        if decode.len() != colour.components() {
            return Err(malformed(format!(
                "/Decode has {} ranges for {} components",
                decode.len(),
                colour.components()
            )));
        }
        let expected = check_size(width, height, colour.components(), bits)?;
        if data.len() < expected {
            return Err(ImageError::SizeMismatch {
                got: data.len() as u64,
                expected: expected as u64,
                width: u64::from(width),
                height: u64::from(height),
            });
        }
        data.truncate(expected);
        Ok(Raster {
            width,
            height,
            bits,
            colour,
            decode,
            data,
        })
    }

    /// Width in samples.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in samples.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bits per component: 1, 2, 4, 8 or 16.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// What the samples mean.
    pub fn colour(&self) -> &Colour {
        &self.colour
    }

    /// The decode range of every component (the dictionary's `/Decode` or the default).
    pub fn decode(&self) -> &[[f32; 2]] {
        &self.decode
    }

    /// Components per pixel.
    pub fn components(&self) -> usize {
        self.colour.components()
    }

    /// Bytes of one packed row.
    pub fn stride(&self) -> usize {
        (self.width as usize * self.components() * usize::from(self.bits)).div_ceil(8)
    }

    /// The packed rows.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The raw sample of component `c` at column `x`, row `y` (row 0 at the top).
    pub fn sample(&self, x: u32, y: u32, c: usize) -> Option<u16> {
        let (byte, shift) = self.locate(x, y, c)?;
        match self.bits {
            16 => Some(u16::from_be_bytes([*self.data.get(byte)?, *self.data.get(byte + 1)?])),
            8 => self.data.get(byte).map(|&b| u16::from(b)),
            bits => self.data.get(byte).map(|&b| u16::from(b >> shift) & ((1 << bits) - 1)),
        }
    }

    /// Sets the raw sample of component `c` at column `x`, row `y`; false when out of range.
    pub fn set_sample(&mut self, x: u32, y: u32, c: usize, value: u16) -> bool {
        let Some((byte, shift)) = self.locate(x, y, c) else {
            return false;
        };
        match self.bits {
            16 => {
                let [hi, lo] = value.to_be_bytes();
                match self.data.get_mut(byte..byte + 2) {
                    Some(s) => {
                        s[0] = hi;
                        s[1] = lo;
                        true
                    }
                    None => false,
                }
            }
            8 => match self.data.get_mut(byte) {
                Some(b) => {
                    *b = value as u8;
                    true
                }
                None => false,
            },
            bits => match self.data.get_mut(byte) {
                Some(b) => {
                    let mask = (((1u16 << bits) - 1) as u8) << shift;
                    *b = (*b & !mask) | (((value as u8) << shift) & mask);
                    true
                }
                None => false,
            },
        }
    }

    /// Byte index and (for sub-byte samples) right shift of one sample.
    fn locate(&self, x: u32, y: u32, c: usize) -> Option<(usize, u32)> {
        let n = self.components();
        if x >= self.width || y >= self.height || c >= n {
            return None;
        }
        let bit = (x as usize * n + c) * usize::from(self.bits);
        let byte = y as usize * self.stride() + bit / 8;
        let shift = match self.bits {
            1 | 2 | 4 => 8 - u32::from(self.bits) - (bit % 8) as u32,
            _ => 0,
        };
        Some((byte, shift))
    }

    /// The sample value a viewer maps to `target` through this component's decode range.
    pub fn sample_for(&self, c: usize, target: f32) -> u16 {
        let [d0, d1] = self.decode.get(c).copied().unwrap_or([0.0, 1.0]);
        let max = max_value(self.bits) as f32;
        if (d1 - d0).abs() < f32::EPSILON {
            return 0;
        }
        ((target - d0) / (d1 - d0) * max).round().clamp(0.0, max) as u16
    }

    /// The decoded value of a raw sample of component `c`.
    fn decoded(&self, c: usize, raw: u16) -> f32 {
        let [d0, d1] = self.decode.get(c).copied().unwrap_or([0.0, 1.0]);
        d0 + f32::from(raw) * (d1 - d0) / max_value(self.bits) as f32
    }

    /// The image as 8-bit grey, one byte per pixel, rows top to bottom, 0 = black: for OCR.
    /// A stencil mask is black where it paints. Colour conversion is the simple device one,
    /// without ICC profiles.
    pub fn to_gray8(&self) -> Vec<u8> {
        let n = self.components();
        let mut out = Vec::with_capacity(self.width as usize * self.height as usize);
        // Few distinct raw values for one component: a table per value is cheaper than the
        // conversion per pixel.
        let table: Option<Vec<u8>> = (n == 1 && self.bits <= 8).then(|| {
            (0..=max_value(self.bits) as u16)
                .map(|raw| (self.colour.grey(&[self.decoded(0, raw)]) * 255.0).round() as u8)
                .collect()
        });
        if let Some(t) = &table {
            let bits = usize::from(self.bits);
            let mask = (1u16 << bits) - 1;
            for row in self.data.chunks_exact(self.stride().max(1)) {
                // Samples of up to 8 bits never straddle a byte.
                for x in 0..self.width as usize {
                    let bit = x * bits;
                    let byte = row.get(bit / 8).copied().unwrap_or(0);
                    let raw = (u16::from(byte) >> (8 - bits - bit % 8)) & mask;
                    out.push(t.get(usize::from(raw)).copied().unwrap_or(0));
                }
            }
            return out;
        }
        let mut comps = vec![0.0f32; n];
        if self.bits == 8 {
            let decoded: Vec<Vec<f32>> = (0..n)
                .map(|c| (0..=255u16).map(|raw| self.decoded(c, raw)).collect())
                .collect();
            for px in self.data.chunks_exact(n) {
                for ((v, &raw), table) in comps.iter_mut().zip(px).zip(&decoded) {
                    *v = table.get(usize::from(raw)).copied().unwrap_or(0.0);
                }
                out.push((self.colour.grey(&comps) * 255.0).round() as u8);
            }
            return out;
        }
        for y in 0..self.height {
            for x in 0..self.width {
                let g = {
                    for (c, v) in comps.iter_mut().enumerate() {
                        *v = self.decoded(c, self.sample(x, y, c).unwrap_or(0));
                    }
                    (self.colour.grey(&comps) * 255.0).round() as u8
                };
                out.push(g);
            }
        }
        out
    }
}

/// How the image data was encoded, which decides how a painted copy is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Lossless filters only (or none).
    Lossless,
    /// A JPEG (DCTDecode); `adobe`: it had an Adobe APP14 marker.
    Dct {
        /// The JPEG had an Adobe APP14 marker.
        adobe: bool,
    },
    /// JPEG 2000 (JPXDecode): colour samples rescaled to [`Raster::bits`] (8, or 16 above 8
    /// bits of precision), palette indices kept as they are.
    Jpx,
    /// CCITT fax.
    Ccitt,
    /// JBIG2.
    Jbig2,
}

/// A decoded image XObject.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The samples.
    pub raster: Raster,
    /// The encoding they came from.
    pub source: Source,
    /// For a JPX image with `/SMaskInData` 1 or 2 and an alpha channel: that channel as an
    /// 8-bit grey soft mask (1 = opaque).
    pub alpha: Option<Raster>,
}

/// What an image stream is used as; masks default to the colour spaces they must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// An image XObject (colour or `/ImageMask`).
    Image,
    /// The `/SMask` of an image (DeviceGray).
    SoftMask,
    /// The `/Mask` stream of an image (a stencil).
    StencilMask,
}

/// Decodes an image XObject. `doc` resolves indirect references in its dictionary.
pub fn decode(doc: &Document, image: &Stream) -> Result<Decoded, ImageError> {
    decode_as(doc, image, Role::Image)
}

/// Decodes an image stream used as `role` (masks take the colour space their role implies).
pub(crate) fn decode_as(doc: &Document, image: &Stream, role: Role) -> Result<Decoded, ImageError> {
    let dict = &image.dict;
    if role == Role::Image
        && let Some(sub) = get(doc, dict, b"Subtype")
        && sub.as_name().ok() != Some(b"Image")
    {
        return Err(ImageError::NotAnImage);
    }
    let width = dimension(doc, dict, b"Width")?;
    let height = dimension(doc, dict, b"Height")?;
    let stencil = role == Role::StencilMask
        || get(doc, dict, b"ImageMask")
            .and_then(|o| o.as_bool().ok())
            .unwrap_or(false);
    let filters = filters(doc, dict)?;
    let image_filter = filters.last().map(|f| f.name).filter(|n| n.is_image());
    if filters.iter().rev().skip(1).any(|f| f.name.is_image()) {
        return Err(ImageError::Unsupported(
            "image data with an image filter before another filter".into(),
        ));
    }

    let colour = if stencil {
        Colour::Stencil
    } else {
        match get(doc, dict, b"ColorSpace") {
            Some(cs) => colour_space(doc, cs, 0)?,
            None if role == Role::SoftMask => Colour::Gray,
            // A JPX image may leave its colour space to the codestream.
            None if image_filter == Some(FilterName::Jpx) => return decode_jpx(doc, image, width, height, None, role),
            None => return Err(malformed("no /ColorSpace")),
        }
    };
    if image_filter == Some(FilterName::Jpx) {
        if stencil {
            return Err(ImageError::Unsupported("JPX-encoded stencil mask".into()));
        }
        return decode_jpx(doc, image, width, height, Some(colour), role);
    }

    let bits = match get(doc, dict, b"BitsPerComponent") {
        Some(o) => {
            let b = number(o).ok_or_else(|| malformed("/BitsPerComponent is not a number"))?;
            if !matches!(b, 1 | 2 | 4 | 8 | 16) {
                return Err(malformed(format!("/BitsPerComponent {b}")));
            }
            b as u8
        }
        None if stencil || matches!(image_filter, Some(FilterName::Ccitt | FilterName::Jbig2)) => 1,
        None => return Err(malformed("no /BitsPerComponent")),
    };
    if stencil && bits != 1 {
        return Err(malformed(format!("stencil mask with /BitsPerComponent {bits}")));
    }
    let decode = decode_array(doc, dict, &colour, bits)?;
    let n = colour.components();
    let expected = check_size(width, height, n, bits)?;
    crate::limits::check_time().map_err(|e| ImageError::Unsupported(e.to_string()))?;

    let generic: Vec<&Filter> = filters.iter().filter(|f| !f.name.is_image()).collect();
    // The lossless layers either produce the raster (bounded by its size plus a PNG predictor
    // byte per row) or compressed data for the image filter, which is smaller than the raster
    // except for tiny images.
    let limit = expected
        .saturating_mul(2)
        .saturating_add(height as usize)
        .saturating_add(1 << 20);
    let bytes = apply_generic(image, &generic, limit)?;

    let (data, source) = match image_filter {
        None => (bytes, Source::Lossless),
        Some(FilterName::Dct) => {
            if bits != 8 {
                return Err(ImageError::Unsupported(format!("{bits}-bit JPEG image")));
            }
            let params = filters.last().and_then(|f| f.params.as_ref());
            let (data, adobe) = decode_dct(&bytes, width, height, n, params)?;
            (data, Source::Dct { adobe })
        }
        Some(FilterName::Ccitt) => {
            check_one_bit(bits, n, "CCITT")?;
            let params = filters.last().and_then(|f| f.params.as_ref());
            (decode_ccitt(&bytes, width, height, params)?, Source::Ccitt)
        }
        Some(FilterName::Jbig2) => {
            check_one_bit(bits, n, "JBIG2")?;
            let params = filters.last().and_then(|f| f.params.as_ref());
            (decode_jbig2(doc, &bytes, width, height, params)?, Source::Jbig2)
        }
        Some(_) => return Err(ImageError::UnsupportedFilter("(unknown)".into())),
    };
    let raster = Raster::new(width, height, bits, colour, decode, data)?;
    Ok(Decoded {
        raster,
        source,
        alpha: None,
    })
}

fn check_one_bit(bits: u8, n: usize, what: &str) -> Result<(), ImageError> {
    if bits != 1 || n != 1 {
        return Err(malformed(format!(
            "{what} image with {n} components of {bits} bits (must be 1 component of 1 bit)"
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Dictionary access

const MAX_DEREF: usize = 16;

/// Follows references (a bounded number of them); a dangling one reads as absent.
fn resolve<'a>(doc: &'a Document, mut o: &'a Object) -> Option<&'a Object> {
    for _ in 0..MAX_DEREF {
        match o {
            Object::Reference(id) => o = doc.get_object(*id).ok()?,
            Object::Null => return None,
            other => return Some(other),
        }
    }
    None
}

/// A dictionary entry, resolved; an inline image's abbreviated key stands for the full one.
fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let o = dict.get(key).ok().or_else(|| {
        ABBREVIATIONS
            .iter()
            .find(|(full, _)| *full == key)
            .and_then(|(_, a)| dict.get(a).ok())
    })?;
    resolve(doc, o)
}

/// Inline-image abbreviations of image dictionary keys (ISO 32000-1 Table 93).
pub(crate) const ABBREVIATIONS: [(&[u8], &[u8]); 9] = [
    (b"BitsPerComponent", b"BPC"),
    (b"ColorSpace", b"CS"),
    (b"Decode", b"D"),
    (b"DecodeParms", b"DP"),
    (b"Filter", b"F"),
    (b"Height", b"H"),
    (b"ImageMask", b"IM"),
    (b"Interpolate", b"I"),
    (b"Width", b"W"),
];

fn number(o: &Object) -> Option<i64> {
    match o {
        Object::Integer(i) => Some(*i),
        Object::Real(r) if r.fract() == 0.0 && r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

fn float(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn dimension(doc: &Document, dict: &Dictionary, key: &[u8]) -> Result<u32, ImageError> {
    let name = String::from_utf8_lossy(key);
    let o = get(doc, dict, key).ok_or_else(|| malformed(format!("no /{name}")))?;
    number(o)
        .and_then(|v| u32::try_from(v).ok())
        .filter(|&v| v > 0)
        .ok_or_else(|| malformed(format!("/{name} is not a positive integer")))
}

fn floats(doc: &Document, o: &Object) -> Option<Vec<f32>> {
    resolve(doc, o)?
        .as_array()
        .ok()?
        .iter()
        .map(|e| resolve(doc, e).and_then(float))
        .collect()
}

fn decode_array(doc: &Document, dict: &Dictionary, colour: &Colour, bits: u8) -> Result<Vec<[f32; 2]>, ImageError> {
    let Some(o) = get(doc, dict, b"Decode") else {
        return Ok(colour.default_decode(bits));
    };
    let v = floats(doc, o).ok_or_else(|| malformed("/Decode is not an array of numbers"))?;
    if v.len() != 2 * colour.components() {
        return Err(malformed(format!(
            "/Decode has {} numbers for {} components",
            v.len(),
            colour.components()
        )));
    }
    Ok(v.chunks_exact(2).map(|p| [p[0], p[1]]).collect())
}

// ---------------------------------------------------------------------------------------------
// Colour spaces

const MAX_LOOKUP: usize = 256 * 4;

fn colour_space(doc: &Document, cs: &Object, depth: usize) -> Result<Colour, ImageError> {
    if depth > 2 {
        return Err(ImageError::UnsupportedColourSpace("nested too deeply".into()));
    }
    let cs = resolve(doc, cs).ok_or_else(|| malformed("/ColorSpace is missing"))?;
    let (family, args): (&[u8], &[Object]) = match cs {
        Object::Name(n) => (n, &[]),
        Object::Array(a) => {
            let family = a
                .first()
                .and_then(|o| resolve(doc, o))
                .and_then(|o| o.as_name().ok())
                .ok_or_else(|| malformed("/ColorSpace array without a family name"))?;
            (family, a.get(1..).unwrap_or(&[]))
        }
        _ => return Err(malformed("/ColorSpace is neither a name nor an array")),
    };
    let arg = |i: usize| args.get(i).and_then(|o| resolve(doc, o));
    match family {
        b"DeviceGray" | b"G" | b"CalGray" => Ok(Colour::Gray),
        b"DeviceRGB" | b"RGB" | b"CalRGB" => Ok(Colour::Rgb),
        b"DeviceCMYK" | b"CMYK" => Ok(Colour::Cmyk),
        b"Lab" => {
            let range = arg(0)
                .and_then(|o| o.as_dict().ok())
                .and_then(|d| d.get(b"Range").ok())
                .and_then(|r| floats(doc, r));
            Ok(lab(range.as_deref()))
        }
        b"ICCBased" => {
            let s = arg(0)
                .and_then(|o| o.as_stream().ok())
                .ok_or_else(|| malformed("ICCBased colour space without a profile stream"))?;
            icc(doc, s, depth)
        }
        b"Indexed" | b"I" => {
            let base = colour_space(
                doc,
                arg(0).ok_or_else(|| malformed("Indexed without a base"))?,
                depth + 1,
            )?;
            if matches!(base, Colour::Indexed { .. } | Colour::Stencil) {
                return Err(malformed("Indexed over Indexed"));
            }
            let hival = arg(1)
                .and_then(number)
                .ok_or_else(|| malformed("Indexed without hival"))?
                .clamp(0, 255) as usize;
            let want = (hival + 1) * base.components();
            let mut lookup = match arg(2) {
                Some(Object::String(s, _)) => s.clone(),
                Some(Object::Stream(s)) => {
                    crate::source::pdf::font::stream_bytes(&Object::Stream(s.clone()), MAX_LOOKUP)
                        .ok_or_else(|| malformed("Indexed lookup stream cannot be read"))?
                }
                _ => return Err(malformed("Indexed without a lookup table")),
            };
            lookup.truncate(want);
            Ok(Colour::Indexed {
                base: Box::new(base),
                lookup,
            })
        }
        b"Separation" | b"DeviceN" | b"Pattern" => Err(ImageError::UnsupportedColourSpace(
            String::from_utf8_lossy(family).into_owned(),
        )),
        other => Err(ImageError::UnsupportedColourSpace(
            String::from_utf8_lossy(other).into_owned(),
        )),
    }
}

fn lab(range: Option<&[f32]>) -> Colour {
    match range {
        Some([a0, a1, b0, b1, ..]) => Colour::Lab {
            a: [*a0, *a1],
            b: [*b0, *b1],
        },
        _ => Colour::Lab {
            a: [-100.0, 100.0],
            b: [-100.0, 100.0],
        },
    }
}

/// An ICC-based space by its profile's data colour space (header bytes 16..20), else by `/N`.
fn icc(doc: &Document, s: &Stream, depth: usize) -> Result<Colour, ImageError> {
    let n = get(doc, &s.dict, b"N").and_then(number);
    let profile = crate::source::pdf::font::stream_bytes(&Object::Stream(s.clone()), 16 << 20);
    let signature = profile.as_ref().and_then(|p| p.get(16..20));
    let range = get(doc, &s.dict, b"Range").and_then(|r| floats(doc, r));
    let by_header = match signature {
        Some(b"GRAY") => Some(Colour::Gray),
        Some(b"RGB ") => Some(Colour::Rgb),
        Some(b"CMYK") => Some(Colour::Cmyk),
        Some(b"Lab ") => Some(lab(range.as_deref().and_then(|r| r.get(2..)))),
        Some(other) => {
            return Err(ImageError::UnsupportedColourSpace(format!(
                "ICCBased with a profile in '{}'",
                String::from_utf8_lossy(other).trim()
            )));
        }
        None => None,
    };
    let colour = match by_header {
        Some(c) => c,
        None => match (n, get(doc, &s.dict, b"Alternate")) {
            (_, Some(alt)) => colour_space(doc, alt, depth + 1)?,
            (Some(1), None) => Colour::Gray,
            (Some(3), None) => Colour::Rgb,
            (Some(4), None) => Colour::Cmyk,
            _ => return Err(malformed("ICCBased without a usable /N")),
        },
    };
    if let Some(n) = n
        && n != colour.components() as i64
    {
        return Err(malformed(format!(
            "ICCBased /N {n} with a {}-component profile",
            colour.components()
        )));
    }
    Ok(colour)
}

// ---------------------------------------------------------------------------------------------
// Filters

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterName {
    Flate,
    Lzw,
    AsciiHex,
    Ascii85,
    RunLength,
    Brotli,
    Dct,
    Ccitt,
    Jbig2,
    Jpx,
}

impl FilterName {
    fn parse(name: &[u8]) -> Result<FilterName, ImageError> {
        Ok(match name {
            b"FlateDecode" | b"Fl" => FilterName::Flate,
            b"LZWDecode" | b"LZW" => FilterName::Lzw,
            b"ASCIIHexDecode" | b"AHx" => FilterName::AsciiHex,
            b"ASCII85Decode" | b"A85" => FilterName::Ascii85,
            b"RunLengthDecode" | b"RL" => FilterName::RunLength,
            b"BrotliDecode" => FilterName::Brotli,
            b"DCTDecode" | b"DCT" => FilterName::Dct,
            b"CCITTFaxDecode" | b"CCF" => FilterName::Ccitt,
            b"JBIG2Decode" => FilterName::Jbig2,
            b"JPXDecode" => FilterName::Jpx,
            other => {
                return Err(ImageError::UnsupportedFilter(
                    String::from_utf8_lossy(other).into_owned(),
                ));
            }
        })
    }

    fn is_image(self) -> bool {
        matches!(
            self,
            FilterName::Dct | FilterName::Ccitt | FilterName::Jbig2 | FilterName::Jpx
        )
    }

    /// The name lopdf's decoder knows.
    fn lopdf_name(self) -> &'static str {
        match self {
            FilterName::Flate => "FlateDecode",
            FilterName::Lzw => "LZWDecode",
            FilterName::AsciiHex => "ASCIIHexDecode",
            FilterName::Ascii85 => "ASCII85Decode",
            FilterName::RunLength => "RunLengthDecode",
            FilterName::Brotli => "BrotliDecode",
            FilterName::Dct => "DCTDecode",
            FilterName::Ccitt => "CCITTFaxDecode",
            FilterName::Jbig2 => "JBIG2Decode",
            FilterName::Jpx => "JPXDecode",
        }
    }
}

struct Filter {
    name: FilterName,
    params: Option<Dictionary>,
}

/// The filter chain in decoding order, with each filter's parameters resolved.
fn filters(doc: &Document, dict: &Dictionary) -> Result<Vec<Filter>, ImageError> {
    let names: Vec<FilterName> = match get(doc, dict, b"Filter") {
        None => Vec::new(),
        Some(Object::Name(n)) => vec![FilterName::parse(n)?],
        Some(Object::Array(a)) => a
            .iter()
            .map(|o| {
                resolve(doc, o)
                    .and_then(|o| o.as_name().ok())
                    .ok_or_else(|| malformed("/Filter array with a non-name"))
                    .and_then(FilterName::parse)
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(malformed("/Filter is neither a name nor an array")),
    };
    if names.len() > lopdf::Stream::MAX_FILTERS {
        return Err(malformed(format!("{} filters", names.len())));
    }
    let params_of = |i: usize| -> Option<Dictionary> {
        match get(doc, dict, b"DecodeParms") {
            Some(Object::Dictionary(d)) if i == 0 => Some(d.clone()),
            Some(Object::Array(a)) => a
                .get(i)
                .and_then(|o| resolve(doc, o))
                .and_then(|o| o.as_dict().ok())
                .cloned(),
            _ => None,
        }
    };
    Ok(names
        .into_iter()
        .enumerate()
        .map(|(i, name)| Filter {
            name,
            params: params_of(i).map(|d| resolve_params(doc, d)),
        })
        .collect())
}

/// A parameter dictionary with its direct values resolved (lopdf reads them without a document).
fn resolve_params(doc: &Document, d: Dictionary) -> Dictionary {
    let mut out = Dictionary::new();
    for (k, v) in d.iter() {
        // Streams (JBIG2Globals) stay references: only their key is read here.
        match v {
            Object::Reference(_) if k.as_slice() == b"JBIG2Globals" => out.set(k.clone(), v.clone()),
            _ => {
                if let Some(r) = resolve(doc, v) {
                    out.set(k.clone(), r.clone());
                }
            }
        }
    }
    out
}

/// Runs the lossless filters through lopdf, bounded by `limit` bytes per layer.
fn apply_generic(image: &Stream, filters: &[&Filter], limit: usize) -> Result<Vec<u8>, ImageError> {
    if filters.is_empty() {
        return Ok(image.content.clone());
    }
    let mut dict = Dictionary::new();
    dict.set(
        "Filter",
        Object::Array(
            filters
                .iter()
                .map(|f| Object::Name(f.name.lopdf_name().into()))
                .collect(),
        ),
    );
    dict.set(
        "DecodeParms",
        Object::Array(
            filters
                .iter()
                .map(|f| f.params.clone().map_or(Object::Null, Object::Dictionary))
                .collect(),
        ),
    );
    let s = Stream::new(dict, image.content.clone());
    s.decompressed_content_with_limit(limit).map_err(|e| match e {
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => ImageError::Corrupt {
            filter: "compressed",
            reason: format!("more than {limit} bytes"),
        },
        other => ImageError::Corrupt {
            filter: "compressed",
            reason: other.to_string(),
        },
    })
}

/// Runs a third-party decoder, turning a panic on hostile data into an error.
fn guarded<T>(filter: &'static str, f: impl FnOnce() -> Result<T, ImageError>) -> Result<T, ImageError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(ImageError::Corrupt {
            filter,
            reason: "the decoder gave up on malformed data".into(),
        })
    })
}

fn param_int(p: Option<&Dictionary>, key: &[u8]) -> Option<i64> {
    p.and_then(|d| d.get(key).ok()).and_then(number)
}

fn param_bool(p: Option<&Dictionary>, key: &[u8]) -> Option<bool> {
    p.and_then(|d| d.get(key).ok()).and_then(|o| o.as_bool().ok())
}

// ---------------------------------------------------------------------------------------------
// DCT

/// The Adobe APP14 marker's colour transform, if the JPEG has that marker.
fn adobe_transform(jpeg: &[u8]) -> Option<u8> {
    let mut i = 2usize;
    while i + 4 <= jpeg.len() {
        if jpeg[i] != 0xFF {
            return None;
        }
        let marker = jpeg[i + 1];
        // Fill bytes and markers without a length.
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if matches!(marker, 0xD0..=0xD9 | 0x01) {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if marker == 0xDA {
            return None;
        }
        if marker == 0xEE && len >= 14 && jpeg.get(i + 4..i + 9) == Some(b"Adobe") {
            return jpeg.get(i + 15).copied();
        }
        i += 2 + len;
    }
    None
}

/// Decodes a JPEG into the samples the DCT filter delivers: after the colour transform, with
/// no Adobe inversion of CMYK (viewers leave that to the image's `/Decode`, as poppler and
/// MuPDF do). Returns the samples and whether the JPEG had an Adobe marker.
fn decode_dct(
    jpeg: &[u8],
    width: u32,
    height: u32,
    n: usize,
    params: Option<&Dictionary>,
) -> Result<(Vec<u8>, bool), ImageError> {
    use zune_jpeg::JpegDecoder;
    use zune_jpeg::zune_core::bytestream::ZCursor;
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;

    let corrupt = |e: &dyn std::fmt::Display| ImageError::Corrupt {
        filter: "DCT",
        reason: e.to_string(),
    };
    let adobe = adobe_transform(jpeg);
    guarded("DCT", || {
        let options = DecoderOptions::default()
            .set_max_width(width as usize)
            .set_max_height(height as usize)
            .set_strict_mode(false);
        let mut dec = JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
        dec.decode_headers().map_err(|e| corrupt(&e))?;
        let (w, h) = dec.dimensions().ok_or_else(|| corrupt(&"no frame header"))?;
        if (w, h) != (width as usize, height as usize) {
            return Err(malformed(format!(
                "JPEG of {w} x {h} pixels in an image of {width} x {height}"
            )));
        }
        let input = dec.input_colorspace().ok_or_else(|| corrupt(&"no colour space"))?;
        if input.num_components() != n {
            return Err(malformed(format!(
                "JPEG with {} components in a colour space with {n}",
                input.num_components()
            )));
        }
        // The raw components; the colour transform is decided and applied below.
        let raw_space = match input {
            ColorSpace::Luma => ColorSpace::Luma,
            ColorSpace::YCbCr | ColorSpace::RGB => input,
            ColorSpace::CMYK | ColorSpace::YCCK => input,
            other => {
                return Err(ImageError::Unsupported(format!("JPEG in the colour space {other:?}")));
            }
        };
        dec.set_options(options.jpeg_set_out_colorspace(raw_space));
        let mut out = dec.decode().map_err(|e| corrupt(&e))?;
        // The Adobe marker wins over /ColorTransform, which wins over the decoder's own guess
        // (JFIF, component ids).
        let transform = match (adobe, param_int(params, b"ColorTransform")) {
            (Some(t), _) => t != 0,
            (None, Some(t)) => t != 0,
            (None, None) => matches!(input, ColorSpace::YCbCr | ColorSpace::YCCK),
        };
        if transform {
            match n {
                3 => out.chunks_exact_mut(3).for_each(|p| {
                    let [r, g, b] = ycc_to_rgb(p[0], p[1], p[2]);
                    p.copy_from_slice(&[r, g, b]);
                }),
                4 => out.chunks_exact_mut(4).for_each(|p| {
                    let [r, g, b] = ycc_to_rgb(p[0], p[1], p[2]);
                    p[..3].copy_from_slice(&[255 - r, 255 - g, 255 - b]);
                }),
                _ => {}
            }
        }
        Ok((out, adobe.is_some()))
    })
}

fn ycc_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let (y, cb, cr) = (f32::from(y), f32::from(cb) - 128.0, f32::from(cr) - 128.0);
    let c = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    [
        c(y + 1.402 * cr),
        c(y - 0.344_136 * cb - 0.714_136 * cr),
        c(y + 1.772 * cb),
    ]
}

// ---------------------------------------------------------------------------------------------
// CCITT

struct CcittRows {
    width: u32,
    height: u32,
    stride: usize,
    black_bit: bool,
    rows: u32,
    data: Vec<u8>,
}

impl hayro_ccitt::Decoder for CcittRows {
    fn push_row(&mut self, changes: &[u32]) {
        if self.rows >= self.height {
            return;
        }
        let start = self.rows as usize * self.stride;
        let Some(row) = self.data.get_mut(start..start + self.stride) else {
            return;
        };
        // Rows start white; each change flips the colour.
        fill_bits(row, 0, self.width, !self.black_bit);
        let mut from = None;
        for &c in changes.iter().chain(std::iter::once(&self.width)) {
            let c = c.min(self.width);
            match from.take() {
                None => from = Some(c),
                Some(f) => fill_bits(row, f, c, self.black_bit),
            }
        }
        self.rows += 1;
    }
}

/// Sets bits `from..to` of a packed 1-bit row.
fn fill_bits(row: &mut [u8], from: u32, to: u32, value: bool) {
    let (mut i, to) = (from as usize, to as usize);
    while i < to {
        let Some(byte) = row.get_mut(i / 8) else { return };
        if i % 8 == 0 && to - i >= 8 {
            *byte = if value { 0xFF } else { 0 };
            i += 8;
            continue;
        }
        let mask = 0x80u8 >> (i % 8);
        if value {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
        i += 1;
    }
}

fn decode_ccitt(data: &[u8], width: u32, height: u32, params: Option<&Dictionary>) -> Result<Vec<u8>, ImageError> {
    use hayro_ccitt::{DecodeSettings, DecoderContext, EncodingMode};
    let k = param_int(params, b"K").unwrap_or(0);
    let columns = param_int(params, b"Columns").unwrap_or(1728);
    if columns != i64::from(width) {
        return Err(malformed(format!(
            "CCITT /Columns {columns} in an image {width} samples wide"
        )));
    }
    let settings = DecodeSettings {
        columns: width,
        rows: height,
        end_of_block: param_bool(params, b"EndOfBlock").unwrap_or(true),
        end_of_line: param_bool(params, b"EndOfLine").unwrap_or(false),
        rows_are_byte_aligned: param_bool(params, b"EncodedByteAlign").unwrap_or(false),
        encoding: match k {
            k if k < 0 => EncodingMode::Group4,
            0 => EncodingMode::Group3_1D,
            _ => EncodingMode::Group3_2D,
        },
        strict: false,
    };
    let stride = width.div_ceil(8) as usize;
    let mut sink = CcittRows {
        width,
        height,
        stride,
        black_bit: param_bool(params, b"BlackIs1").unwrap_or(false),
        rows: 0,
        data: vec![0; stride * height as usize],
    };
    let result = guarded("CCITT", || {
        let mut ctx = DecoderContext::new(settings);
        Ok(hayro_ccitt::decode(data, &mut sink, &mut ctx))
    })?;
    // A decoder error after the last row (trailing garbage) loses nothing.
    if sink.rows < height {
        return Err(match result {
            Err(e) => ImageError::Corrupt {
                filter: "CCITT",
                reason: format!("{e} after {} of {height} rows", sink.rows),
            },
            Ok(_) => ImageError::Corrupt {
                filter: "CCITT",
                reason: format!("data ends after {} of {height} rows", sink.rows),
            },
        });
    }
    Ok(sink.data)
}

// ---------------------------------------------------------------------------------------------
// JBIG2

struct Jbig2Rows {
    width: u32,
    height: u32,
    stride: usize,
    x: u32,
    y: u32,
    data: Vec<u8>,
}

impl Jbig2Rows {
    fn push(&mut self, black: bool, count: u32) {
        if self.y >= self.height {
            return;
        }
        let start = self.y as usize * self.stride;
        let to = self.x.saturating_add(count).min(self.width);
        if let Some(row) = self.data.get_mut(start..start + self.stride) {
            // PDF's JBIG2Decode delivers 0 for black, the reverse of JBIG2 itself.
            fill_bits(row, self.x, to, !black);
        }
        self.x = to;
    }
}

impl hayro_jbig2::Decoder for Jbig2Rows {
    fn push_pixel(&mut self, black: bool) {
        self.push(black, 1);
    }

    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        self.push(black, chunk_count.saturating_mul(8));
    }

    fn next_line(&mut self) {
        self.x = 0;
        self.y = self.y.saturating_add(1);
    }
}

fn jbig2_error(e: hayro_jbig2::DecodeError) -> ImageError {
    match e {
        hayro_jbig2::DecodeError::Unsupported => {
            ImageError::Unsupported("JBIG2 image with a coloured region or extension we cannot decode".into())
        }
        other => ImageError::Corrupt {
            filter: "JBIG2",
            reason: other.to_string(),
        },
    }
}

/// Segment types that start with region segment information (ISO 14492 §7.4.1): text,
/// halftone, generic and refinement regions, intermediate or immediate.
const JBIG2_REGION_TYPES: [u8; 10] = [6, 7, 22, 23, 36, 38, 39, 40, 42, 43];

/// The first region segment of an embedded JBIG2 stream larger than the page, as (width,
/// height). The decoder allocates and decodes a region at the size its segment states (up to
/// 65535 x 65535) whatever the page: 80 bytes made it spend seconds per decode, and half a
/// gigabyte. Nothing of a region outside the page is shown, so a sane encoder never writes one.
fn jbig2_oversized_region(data: &[u8], page_width: u32, page_height: u32) -> Option<(u32, u32)> {
    let be32 = |at: usize| {
        data.get(at..at.checked_add(4)?)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut at = 0usize;
    // Each segment header is at least 11 bytes, so the loop is bounded by the data.
    while at < data.len() {
        let number = be32(at)?;
        let flags = *data.get(at + 4)?;
        let kind = flags & 0x3F;
        let first = *data.get(at + 5)?;
        let (referred, mut h) = if first >> 5 == 7 {
            let n = be32(at + 5)? & 0x1FFF_FFFF;
            (n as usize, at + 9 + (n as usize + 8) / 8)
        } else {
            (usize::from(first >> 5), at + 6)
        };
        let width = match number {
            0..=256 => 1,
            257..=65536 => 2,
            _ => 4,
        };
        h = h.checked_add(referred.checked_mul(width)?)?;
        h = h.checked_add(if flags & 0x40 != 0 { 4 } else { 1 })?;
        let length = be32(h)?;
        let body = h.checked_add(4)?;
        if JBIG2_REGION_TYPES.contains(&kind) {
            let (w, ht) = (be32(body)?, be32(body + 4)?);
            if w > page_width || ht > page_height {
                return Some((w, ht));
            }
        }
        if length == u32::MAX {
            // An immediate generic region of unknown length runs to the end of the stream.
            return None;
        }
        at = body.checked_add(length as usize)?;
    }
    None
}

fn decode_jbig2(
    doc: &Document,
    data: &[u8],
    width: u32,
    height: u32,
    params: Option<&Dictionary>,
) -> Result<Vec<u8>, ImageError> {
    use hayro_jbig2::{DecodeSettings, Globals, Page};
    let globals_bytes = match params.and_then(|p| p.get(b"JBIG2Globals").ok()) {
        Some(o) => {
            let s = resolve(doc, o)
                .and_then(|o| o.as_stream().ok())
                .ok_or_else(|| malformed("/JBIG2Globals is not a stream"))?;
            Some(
                crate::source::pdf::font::stream_bytes(&Object::Stream(s.clone()), 64 << 20)
                    .ok_or_else(|| malformed("/JBIG2Globals cannot be decompressed"))?,
            )
        }
        None => None,
    };
    if let Some((w, h)) = jbig2_oversized_region(data, width, height) {
        return Err(ImageError::Unsupported(format!(
            "JBIG2 region of {w} x {h} in an image of {width} x {height}"
        )));
    }
    let settings = DecodeSettings::default();
    let stride = width.div_ceil(8) as usize;
    guarded("JBIG2", || {
        let globals = match &globals_bytes {
            Some(g) => Some(Globals::new(g, &settings).map_err(jbig2_error)?),
            None => None,
        };
        let page = Page::new_embedded(data, globals.as_ref(), &settings).map_err(jbig2_error)?;
        if (page.width(), page.height()) != (width, height) {
            return Err(malformed(format!(
                "JBIG2 page of {} x {} in an image of {width} x {height}",
                page.width(),
                page.height()
            )));
        }
        let mut sink = Jbig2Rows {
            width,
            height,
            stride,
            x: 0,
            y: 0,
            data: vec![0xFF; stride * height as usize],
        };
        page.decode(&mut sink).map_err(jbig2_error)?;
        if sink.y < height {
            return Err(ImageError::Corrupt {
                filter: "JBIG2",
                reason: format!("{} of {height} rows", sink.y),
            });
        }
        Ok(sink.data)
    })
}

// ---------------------------------------------------------------------------------------------
// JPX

fn decode_jpx(
    doc: &Document,
    image: &Stream,
    width: u32,
    height: u32,
    colour: Option<Colour>,
    role: Role,
) -> Result<Decoded, ImageError> {
    use hayro_jpeg2000::{ColorSpace, DecodeSettings, DecoderContext, Image};
    let dict = &image.dict;
    let filters = filters(doc, dict)?;
    let generic: Vec<&Filter> = filters.iter().filter(|f| !f.name.is_image()).collect();
    // Bounded like the lossless layers in front of any image filter: by the raster's size.
    let max_raster = check_size(width, height, 5, 16)?;
    let bytes = apply_generic(image, &generic, max_raster.saturating_add(1 << 20))?;
    let indexed = matches!(colour, Some(Colour::Indexed { .. }));
    let smask_in_data = get(doc, dict, b"SMaskInData").and_then(number).unwrap_or(0);
    let corrupt = |e: &dyn std::fmt::Display| ImageError::Corrupt {
        filter: "JPX",
        reason: e.to_string(),
    };
    crate::limits::check_time().map_err(|e| ImageError::Unsupported(e.to_string()))?;

    guarded("JPX", || {
        let settings = DecodeSettings {
            // A PDF Indexed space looks the indices up itself.
            resolve_palette_indices: !indexed,
            ..DecodeSettings::default()
        };
        let img = Image::new(&bytes, &settings).map_err(|e| corrupt(&e))?;
        if (img.width(), img.height()) != (width, height) {
            return Err(malformed(format!(
                "JPX codestream of {} x {} in an image of {width} x {height}",
                img.width(),
                img.height()
            )));
        }
        let colour = match colour {
            Some(c) => c,
            None => match img.color_space() {
                ColorSpace::Gray => Colour::Gray,
                ColorSpace::RGB => Colour::Rgb,
                ColorSpace::CMYK => Colour::Cmyk,
                ColorSpace::Icc { profile, num_channels } => match (profile.get(16..20), num_channels) {
                    (Some(b"Lab "), _) => {
                        return Err(ImageError::Unsupported(
                            "JPX image in CIE Lab without a PDF colour space".into(),
                        ));
                    }
                    (_, 1) => Colour::Gray,
                    (_, 3) => Colour::Rgb,
                    (_, 4) => Colour::Cmyk,
                    (_, n) => return Err(ImageError::Unsupported(format!("JPX image with {n} colour channels"))),
                },
                ColorSpace::Unknown { num_channels } => {
                    return Err(ImageError::Unsupported(format!(
                        "JPX image with {num_channels} channels of unknown meaning"
                    )));
                }
            },
        };
        let n = colour.components();
        let has_alpha = img.has_alpha();
        check_size(width, height, n + usize::from(has_alpha), 16)?;
        let mut ctx = DecoderContext::default();
        let decoded = img.decode(&mut ctx).map_err(|e| corrupt(&e))?;
        let comps = decoded.components();
        if comps.len() < n || comps.len() > n + 1 {
            return Err(malformed(format!(
                "JPX image with {} components in a colour space with {n}",
                comps.len()
            )));
        }
        let pixels = width as usize * height as usize;
        if comps.iter().any(|c| c.samples().len() < pixels) {
            return Err(ImageError::Unsupported(
                "JPX image with components of different sizes".into(),
            ));
        }
        let precision = comps.iter().take(n).map(|c| c.bit_depth()).max().unwrap_or(8);
        // Indices keep their values; colour samples are rescaled to 8 or 16 bits.
        let bits: u8 = match precision {
            1 | 2 | 4 | 8 if indexed => precision,
            0..=8 => 8,
            _ => 16,
        };
        let size = check_size(width, height, n, bits)?;
        let decode = colour.default_decode(bits);
        let mut raster = Raster::new(width, height, bits, colour, decode, vec![0; size])?;
        for (c, comp) in comps.iter().take(n).enumerate() {
            let scale = if indexed {
                1.0
            } else {
                max_value(bits) as f32 / max_value(comp.bit_depth().clamp(1, 16)) as f32
            };
            let max = max_value(bits) as f32;
            for (i, &v) in comp.samples().iter().take(pixels).enumerate() {
                let (x, y) = ((i % width as usize) as u32, (i / width as usize) as u32);
                raster.set_sample(x, y, c, (v * scale).round().clamp(0.0, max) as u16);
            }
        }
        let alpha = if has_alpha && comps.len() == n + 1 && smask_in_data > 0 && role == Role::Image {
            let a = &comps[n];
            let scale = 255.0 / max_value(a.bit_depth().clamp(1, 16)) as f32;
            let data: Vec<u8> = a
                .samples()
                .iter()
                .take(pixels)
                .map(|&v| (v * scale).round().clamp(0.0, 255.0) as u8)
                .collect();
            Some(Raster::new(width, height, 8, Colour::Gray, vec![[0.0, 1.0]], data)?)
        } else {
            None
        };
        Ok(Decoded {
            raster,
            source: Source::Jpx,
            alpha,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn doc() -> Document {
        Document::with_version("1.7")
    }

    fn flate(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).ok();
        e.finish().unwrap_or_default()
    }

    #[test]
    fn gray_4bit_samples_and_grey_view() {
        // Two rows of three 4-bit samples: 0 5 15 / 15 0 8, rows padded to a byte.
        let data = vec![0x05, 0xF0, 0xF0, 0x80];
        let s = Stream::new(
            dictionary! { "Subtype" => "Image", "Width" => 3, "Height" => 2, "BitsPerComponent" => 4,
            "ColorSpace" => "DeviceGray", "Filter" => "FlateDecode" },
            flate(&data),
        );
        let d = decode(&doc(), &s).expect("decodes");
        assert_eq!(d.source, Source::Lossless);
        let r = &d.raster;
        let got: Vec<u16> = (0..2)
            .flat_map(|y| (0..3).map(move |x| (x, y)))
            .map(|(x, y)| r.sample(x, y, 0).unwrap_or(99))
            .collect();
        assert_eq!(got, [0, 5, 15, 15, 0, 8]);
        assert_eq!(r.to_gray8(), [0, 85, 255, 255, 0, 136]);
    }

    #[test]
    fn short_data_is_refused_and_long_data_cut() {
        let d = dictionary! { "Subtype" => "Image", "Width" => 4, "Height" => 2, "BitsPerComponent" => 8,
        "ColorSpace" => "DeviceGray" };
        let short = Stream::new(d.clone(), vec![0; 7]);
        assert!(matches!(decode(&doc(), &short), Err(ImageError::SizeMismatch { .. })));
        let long = Stream::new(d, vec![7; 9]);
        assert_eq!(decode(&doc(), &long).map(|d| d.raster.data().len()), Ok(8));
    }

    #[test]
    fn huge_dimensions_are_refused_before_allocating() {
        let s = Stream::new(
            dictionary! { "Subtype" => "Image", "Width" => 100_000, "Height" => 100_000, "BitsPerComponent" => 8,
            "ColorSpace" => "DeviceRGB", "Filter" => "FlateDecode" },
            flate(&[0; 16]),
        );
        assert!(matches!(decode(&doc(), &s), Err(ImageError::TooLarge { .. })));
    }

    #[test]
    fn unsupported_things_are_named() {
        let base = dictionary! { "Subtype" => "Image", "Width" => 1, "Height" => 1, "BitsPerComponent" => 8 };
        let mut sep = base.clone();
        sep.set(
            "ColorSpace",
            vec![Object::Name(b"Separation".to_vec()), Object::Name(b"Spot".to_vec())],
        );
        let e = decode(&doc(), &Stream::new(sep, vec![0])).err().map(|e| e.to_string());
        assert!(e.is_some_and(|m| m.contains("Separation")));
        let mut odd = base;
        odd.set("ColorSpace", "DeviceGray");
        odd.set("Filter", "Foo");
        let e = decode(&doc(), &Stream::new(odd, vec![0])).err().map(|e| e.to_string());
        assert!(e.is_some_and(|m| m.contains("Foo")));
    }

    #[test]
    fn garbage_never_panics() {
        let filters = [
            "FlateDecode",
            "DCTDecode",
            "CCITTFaxDecode",
            "JBIG2Decode",
            "JPXDecode",
            "LZWDecode",
            "RunLengthDecode",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for f in filters {
            for len in [0usize, 1, 7, 64, 300] {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        seed as u8
                    })
                    .collect();
                for (w, h, bits, cs) in [
                    (8, 8, 8, "DeviceGray"),
                    (3, 5, 8, "DeviceRGB"),
                    (1, 1, 8, "DeviceCMYK"),
                    (16, 4, 1, "DeviceGray"),
                ] {
                    let s = Stream::new(
                        dictionary! { "Subtype" => "Image", "Width" => w, "Height" => h, "BitsPerComponent" => bits,
                        "ColorSpace" => cs, "Filter" => f, "DecodeParms" => dictionary! { "Columns" => w, "K" => -1 } },
                        bytes.clone(),
                    );
                    let _ = decode(&doc(), &s);
                }
            }
        }
    }
}
