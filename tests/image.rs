//! Image XObjects from real published PDFs: our decoder against poppler's (`pdfimages`), and
//! painting a region of each kind of image black. The PDFs name real people: they are read
//! from `../shared/real-dev` by path and never copied; without that folder the tests skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::{Document, Object, Stream};
use woo_redact::redact::image::{paint, sample_rect};
use woo_redact::source::pdf::image::{Colour, Decoded, Source, decode};

/// One real image: what it shows about the decoder, where it is, and how close to poppler its
/// grey view must be (mean absolute difference in 0..255; lossy decoders differ a little).
struct Case {
    kind: &'static str,
    file: &'static str,
    page: u32,
    object: u32,
    tolerance: f64,
    /// Also painted (the large images whose kind a smaller one covers are only decoded, to
    /// keep the debug-build test run short).
    paint: bool,
}

const CASES: &[Case] = &[
    Case {
        kind: "CCITT G4",
        file: "wob-letter-extraction/Bes-Besluit+op+Wob-verzoek+mbt+de+beantwoording+van+Kamervragen+inzake+een+tv-uitzending+van+Medialogica.pdf",
        page: 3,
        object: 9,
        tolerance: 0.01,
        paint: true,
    },
    Case {
        kind: "JBIG2",
        file: "wob-letter-extraction/Bes-Wob-besluit-koerslijsten-gebruikte-autos.pdf",
        page: 3,
        object: 8,
        tolerance: 0.01,
        paint: true,
    },
    Case {
        kind: "JPX Indexed",
        file: "wob-letter-extraction/wob-besluit_meldpunt_zorg.pdf",
        page: 1,
        object: 75,
        tolerance: 1.0,
        paint: true,
    },
    Case {
        kind: "DCT grey behind Flate",
        file: "wob-letter-extraction/2_wob_besluit_gwc_geanonimiseerd.pdf",
        page: 6,
        object: 39,
        tolerance: 1.0,
        paint: false,
    },
    Case {
        kind: "DCT ICCBased",
        file: "wob-letter-extraction/Bes-Besluit+Wob-verzoek+diergegevens+Sondel.pdf",
        page: 1,
        object: 110,
        tolerance: 1.5,
        paint: true,
    },
    Case {
        kind: "DCT with a JPX SMask",
        file: "wob-letter-extraction/besluit_1.pdf",
        page: 3,
        object: 6,
        tolerance: 1.5,
        paint: true,
    },
    Case {
        kind: "Flate RGB",
        file: "plooi/blg-1007826.pdf",
        page: 1,
        object: 18,
        tolerance: 0.01,
        paint: false,
    },
    Case {
        kind: "Flate RGB with an SMask",
        file: "wob-letter-extraction/Bes-Besluit+op+Wob-verzoek+over+levensmiddelenbedrijf.pdf",
        page: 1,
        object: 875,
        tolerance: 0.01,
        paint: true,
    },
    Case {
        kind: "Indexed 4-bit",
        file: "wob-letter-extraction/Bes-Besluit+op+Wob-verzoek+over+levensmiddelenbedrijf.pdf",
        page: 11,
        object: 334,
        tolerance: 0.01,
        paint: true,
    },
    Case {
        kind: "CCITT stencil mask",
        file: "wob-letter-extraction/Bes-Besluit+op+Wob-verzoek+over+levensmiddelenbedrijf.pdf",
        page: 11,
        object: 331,
        tolerance: 0.01,
        paint: true,
    },
];

fn real_dev() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/real-dev");
    if dir.is_dir() {
        Some(dir)
    } else {
        crate::util::skipped(&format!("skipped: {} not present (real published PDFs)", dir.display()));
        None
    }
}

/// Whether poppler's pdfimages runs; on CI its absence is a failure, not a skip.
fn have_pdfimages() -> bool {
    let ok = Command::new("pdfimages")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "pdfimages (poppler-utils) is required on CI"
        );
        crate::util::skipped("skipped: pdfimages (poppler-utils) not installed");
    }
    ok
}

fn load(dir: &Path, case: &Case) -> (Document, Stream) {
    let doc = Document::load(dir.join(case.file)).expect("real PDF loads");
    let stream = doc
        .get_object((case.object, 0))
        .and_then(Object::as_stream)
        .expect("image object")
        .clone();
    (doc, stream)
}

/// An image extracted by pdfimages as 8-bit grey: (width, height, pixels).
fn poppler_grey(pdf: &Path, page: u32, object: u32, smask: bool) -> (u32, u32, Vec<u8>) {
    let list = Command::new("pdfimages")
        .args(["-list", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .output()
        .expect("pdfimages -list");
    let list = String::from_utf8_lossy(&list.stdout);
    // Files are numbered in list order from 000 for the extracted page range.
    let index = list
        .lines()
        .skip(2)
        .position(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.get(10) == Some(&object.to_string().as_str()) && (f.get(2) == Some(&"smask")) == smask
        })
        .expect("object listed on its page");
    let tmp = tempfile::tempdir().expect("temp dir");
    let prefix = tmp.path().join("img");
    let st = Command::new("pdfimages")
        .args(["-png", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdfimages -png");
    assert!(st.success());
    let png_path = tmp.path().join(format!("img-{index:03}.png"));
    let mut dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png_path).expect("png")));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let px = &buf[..info.buffer_size()];
    let grey: Vec<u8> = match info.color_type {
        png::ColorType::Grayscale => px.to_vec(),
        png::ColorType::GrayscaleAlpha => px.chunks_exact(2).map(|p| p[0]).collect(),
        png::ColorType::Rgb => px.chunks_exact(3).map(luma).collect(),
        png::ColorType::Rgba => px.chunks_exact(4).map(luma).collect(),
        png::ColorType::Indexed => panic!("EXPAND leaves no palette"),
    };
    (info.width, info.height, grey)
}

fn luma(p: &[u8]) -> u8 {
    (0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])).round() as u8
}

fn mean_abs_diff(a: &[u8], b: &[u8]) -> f64 {
    let sum: u64 = a.iter().zip(b).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    sum as f64 / a.len().max(1) as f64
}

/// The soft mask an image names in `/SMask`, decoded.
fn soft_mask(doc: &Document, image: &Stream) -> Option<Decoded> {
    let id = image.dict.get(b"SMask").ok()?.as_reference().ok()?;
    let s = doc.get_object(id).ok()?.as_stream().ok()?;
    Some(decode(doc, s).expect("soft mask decodes"))
}

#[test]
fn real_images_decode_like_poppler() {
    let Some(dir) = real_dev() else { return };
    if !have_pdfimages() {
        return;
    }
    for case in CASES.iter().filter(|c| c.paint) {
        let t = std::time::Instant::now();
        let (doc, stream) = load(&dir, case);
        let d = decode(&doc, &stream).unwrap_or_else(|e| panic!("{}: {e}", case.kind));
        let ours = d.raster.to_gray8();
        let decode_ms = t.elapsed().as_millis();
        let (w, h, mut theirs) = poppler_grey(&dir.join(case.file), case.page, case.object, false);
        assert_eq!((w, h), (d.raster.width(), d.raster.height()), "{}: size", case.kind);
        if matches!(d.raster.colour(), Colour::Stencil) {
            // pdfimages writes a stencil mask white where it paints; we give the page's view,
            // black where it paints (a signature dark on white).
            theirs.iter_mut().for_each(|v| *v = 255 - *v);
        }
        let diff = mean_abs_diff(&ours, &theirs);
        eprintln!(
            "{}: {w}x{h} {:?} decoded in {decode_ms} ms, mean |diff| {diff:.3}",
            case.kind, d.source
        );
        assert!(
            diff <= case.tolerance,
            "{}: mean |diff| {diff} against poppler",
            case.kind
        );
        if let Some(mask) = soft_mask(&doc, &stream) {
            let (w, h, theirs) = poppler_grey(&dir.join(case.file), case.page, case.object, true);
            assert_eq!((w, h), (mask.raster.width(), mask.raster.height()));
            let diff = mean_abs_diff(&mask.raster.to_gray8(), &theirs);
            eprintln!("{} soft mask ({:?}): mean |diff| {diff:.3}", case.kind, mask.source);
            assert!(
                diff <= case.tolerance.max(1.0),
                "{} soft mask: mean |diff| {diff}",
                case.kind
            );
        }
    }
}

/// The region painted in the real images: a band left of the middle, above the centre.
const REAL_REGION: [f32; 4] = [0.2, 0.55, 0.6, 0.7];

/// Every sample of `rect` in a grey view.
fn grey_in(grey: &[u8], width: u32, rect: [u32; 4]) -> impl Iterator<Item = u8> + '_ {
    let [x0, y0, x1, y1] = rect;
    (y0..y1).flat_map(move |y| (x0..x1).map(move |x| grey[(y * width + x) as usize]))
}

/// The grey of the darkest colour an image can show: black, or an Indexed image's darkest
/// palette entry (painting never adds colours to a palette).
fn darkest(colour: &Colour) -> u8 {
    match colour {
        Colour::Indexed { base, lookup } if **base == Colour::Rgb => {
            lookup.chunks_exact(3).map(luma).min().unwrap_or(0)
        }
        Colour::Indexed { base, lookup } if **base == Colour::Gray => lookup.iter().copied().min().unwrap_or(0),
        _ => 0,
    }
}

/// Paints a region of each real image kind, puts the painted streams in place of the
/// originals and has poppler extract them again: the region is black (a stencil: not
/// painted; a soft mask: opaque), and outside it nothing changed (JPEG: close).
#[test]
fn real_images_paint_black_as_poppler_sees_them() {
    let Some(dir) = real_dev() else { return };
    if !have_pdfimages() {
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    for case in CASES.iter().filter(|c| c.paint) {
        let t = std::time::Instant::now();
        let (mut doc, stream) = load(&dir, case);
        let before = decode(&doc, &stream).expect("decodes");
        let painted = paint(&doc, &stream, &[REAL_REGION]).unwrap_or_else(|e| panic!("{}: {e}", case.kind));
        let (w, h) = (before.raster.width(), before.raster.height());
        let rect = sample_rect(REAL_REGION, w, h).expect("region inside");
        let lossy = matches!(before.source, Source::Dct { .. } | Source::Jpx);
        let filter = painted.image.dict.get(b"Filter").and_then(Object::as_name).ok();
        match before.source {
            Source::Dct { .. } => assert_eq!(filter, Some(&b"DCTDecode"[..]), "{}", case.kind),
            _ => assert_eq!(filter, Some(&b"FlateDecode"[..]), "{}", case.kind),
        }
        let smask_id = stream.dict.get(b"SMask").and_then(Object::as_reference).ok();
        assert_eq!(painted.smask.is_some(), smask_id.is_some(), "{}: soft mask", case.kind);
        // In place, so the page draws them and pdfimages lists them under the same ids.
        doc.objects.insert((case.object, 0), Object::Stream(painted.image));
        if let (Some(id), Some(s)) = (smask_id, painted.smask) {
            doc.objects.insert(id, Object::Stream(s));
        }
        let out = tmp.path().join(format!("{}.pdf", case.object));
        doc.save(&out).expect("saves");

        let (pw, ph, mut theirs) = poppler_grey(&out, case.page, case.object, false);
        assert_eq!((pw, ph), (w, h), "{}: size", case.kind);
        let stencil = matches!(before.raster.colour(), Colour::Stencil);
        if stencil {
            theirs.iter_mut().for_each(|v| *v = 255 - *v);
        }
        let black = if stencil { 255 } else { darkest(before.raster.colour()) };
        let worst = grey_in(&theirs, w, rect).map(|v| v.abs_diff(black)).max();
        assert!(
            worst.is_some_and(|v| v <= 8),
            "{}: region not black ({worst:?} off {black})",
            case.kind
        );
        // Outside the region: unchanged, or close for a JPEG encoded again.
        let ours = before.raster.to_gray8();
        let [x0, y0, x1, y1] = rect;
        let outside: Vec<(u8, u8)> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| !(x >= x0.saturating_sub(16) && x < x1 + 16 && y >= y0.saturating_sub(16) && y < y1 + 16))
            .map(|(x, y)| (ours[(y * w + x) as usize], theirs[(y * w + x) as usize]))
            .collect();
        let (a, b): (Vec<u8>, Vec<u8>) = outside.into_iter().unzip();
        let diff = mean_abs_diff(&a, &b);
        eprintln!(
            "{}: painted and extracted again in {} ms; region max {worst:?}, outside mean |diff| {diff:.3}",
            case.kind,
            t.elapsed().as_millis()
        );
        assert!(
            diff <= if lossy { 3.0 } else { case.tolerance },
            "{}: outside changed by {diff}",
            case.kind
        );
        if smask_id.is_some() {
            let (_, _, mask) = poppler_grey(&out, case.page, case.object, true);
            let least = grey_in(&mask, w, rect).min();
            assert!(
                least.is_some_and(|v| v >= 247),
                "{}: soft mask not opaque ({least:?})",
                case.kind
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Synthetic images

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("compress");
    e.finish().expect("compress")
}

/// Deterministic noise, so every sample differs from its neighbours.
fn noise(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 11) as u8
        })
        .collect()
}

/// An image dictionary with the usual entries.
fn dict(width: u32, height: u32, bits: u8, cs: Object) -> lopdf::Dictionary {
    let mut d = lopdf::Dictionary::new();
    d.set("Type", "XObject");
    d.set("Subtype", "Image");
    d.set("Width", width);
    d.set("Height", height);
    d.set("BitsPerComponent", i64::from(bits));
    if cs != Object::Null {
        d.set("ColorSpace", cs);
    }
    d
}

fn name(n: &str) -> Object {
    Object::Name(n.as_bytes().to_vec())
}

/// A Flate image of packed rows.
fn flate_image(mut d: lopdf::Dictionary, rows: &[u8]) -> Stream {
    d.set("Filter", "FlateDecode");
    Stream::new(d, zlib(rows))
}

/// Paints `region`, installs the result in `doc` and checks it decoded: every sample in the
/// region has the raw values `fill`, every other sample is unchanged. Returns the new image.
fn check_lossless(doc: &mut Document, image: &Stream, region: [f32; 4], fill: &[u16]) -> Stream {
    let before = decode(doc, image).expect("original decodes").raster;
    let painted = paint(doc, image, &[region]).expect("paints");
    assert_eq!(
        painted.image.dict.get(b"Filter").and_then(Object::as_name).ok(),
        Some(&b"FlateDecode"[..])
    );
    assert!(painted.image.dict.get(b"DecodeParms").is_err());
    assert_eq!(
        painted.image.dict.get(b"Length").and_then(Object::as_i64).ok(),
        Some(painted.image.content.len() as i64)
    );
    let id = painted.install(doc);
    let new = doc
        .get_object(id)
        .and_then(Object::as_stream)
        .expect("installed")
        .clone();
    let after = decode(doc, &new).expect("painted image decodes").raster;
    assert_eq!(after.bits(), before.bits(), "bit depth kept");
    assert_eq!(after.decode(), before.decode(), "decode kept");
    let rect = sample_rect(region, before.width(), before.height()).expect("region inside");
    compare(&before, &after, rect, fill);
    new
}

/// Inside `rect` every sample is `fill`, outside unchanged.
fn compare(
    before: &woo_redact::source::pdf::image::Raster,
    after: &woo_redact::source::pdf::image::Raster,
    rect: [u32; 4],
    fill: &[u16],
) {
    let [x0, y0, x1, y1] = rect;
    for y in 0..before.height() {
        for x in 0..before.width() {
            let inside = x >= x0 && x < x1 && y >= y0 && y < y1;
            for (c, &black) in fill.iter().enumerate().take(before.components()) {
                let got = after.sample(x, y, c);
                if inside {
                    assert_eq!(got, Some(black), "({x}, {y}) component {c} inside");
                } else {
                    assert_eq!(got, before.sample(x, y, c), "({x}, {y}) component {c} outside");
                }
            }
        }
    }
}

const REGION: [f32; 4] = [0.3, 0.2, 0.55, 0.6];

#[test]
fn flate_images_of_every_depth_and_space_are_painted_black() {
    let mut doc = Document::with_version("1.7");
    // (colour space, components, bits, /Decode, raw black)
    type Case = (Object, usize, u8, Option<Vec<f32>>, Vec<u16>);
    let cases: Vec<Case> = vec![
        (name("DeviceGray"), 1, 8, None, vec![0]),
        (name("DeviceGray"), 1, 4, None, vec![0]),
        (name("DeviceGray"), 1, 2, None, vec![0]),
        (name("DeviceGray"), 1, 1, Some(vec![1.0, 0.0]), vec![1]),
        (name("DeviceRGB"), 3, 8, None, vec![0, 0, 0]),
        (name("DeviceRGB"), 3, 16, None, vec![0, 0, 0]),
        (name("DeviceCMYK"), 4, 8, None, vec![255; 4]),
        (
            name("DeviceCMYK"),
            4,
            8,
            Some(vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]),
            vec![0; 4],
        ),
        (
            Object::Array(vec![
                name("CalRGB"),
                Object::Dictionary(
                    lopdf::dictionary! { "WhitePoint" => vec![Object::Real(0.95), 1.into(), Object::Real(1.09)] },
                ),
            ]),
            3,
            4,
            None,
            vec![0, 0, 0],
        ),
        (
            Object::Array(vec![
                name("Lab"),
                Object::Dictionary(
                    lopdf::dictionary! { "WhitePoint" => vec![Object::Real(0.95), 1.into(), Object::Real(1.09)] },
                ),
            ]),
            3,
            8,
            None,
            // L 0, a 0, b 0 within the default range -100..100.
            vec![0, 128, 128],
        ),
    ];
    let (w, h) = (37u32, 23u32);
    for (i, (cs, n, bits, decode_arr, black)) in cases.into_iter().enumerate() {
        let stride = (w as usize * n * usize::from(bits)).div_ceil(8);
        let rows = noise(stride * h as usize, i as u32 + 1);
        let mut d = dict(w, h, bits, cs);
        if let Some(a) = decode_arr {
            d.set("Decode", a.into_iter().map(Object::Real).collect::<Vec<_>>());
        }
        check_lossless(&mut doc, &flate_image(d, &rows), REGION, &black);
    }
}

#[test]
fn the_region_is_placed_with_row_zero_at_the_top() {
    let mut doc = Document::with_version("1.7");
    let img = flate_image(dict(8, 8, 8, name("DeviceGray")), &[200; 64]);
    // The top-left quarter of the placed image.
    let new = check_lossless(&mut doc, &img, [0.0, 0.5, 0.5, 1.0], &[0]);
    let after = decode(&doc, &new).expect("decodes").raster;
    assert_eq!(after.sample(0, 0, 0), Some(0));
    assert_eq!(after.sample(0, 7, 0), Some(200));
    assert_eq!(after.sample(7, 0, 0), Some(200));
}

/// PNG "Up" predictor rows.
fn png_up(rows: &[u8], stride: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev = vec![0u8; stride];
    for row in rows.chunks_exact(stride) {
        out.push(2);
        out.extend(row.iter().zip(&prev).map(|(a, b)| a.wrapping_sub(*b)));
        prev = row.to_vec();
    }
    out
}

/// TIFF predictor 2 on 8-bit samples.
fn tiff2(rows: &[u8], stride: usize, colors: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for row in rows.chunks_exact(stride) {
        out.extend((0..row.len()).map(|i| {
            if i < colors {
                row[i]
            } else {
                row[i].wrapping_sub(row[i - colors])
            }
        }));
    }
    out
}

/// RunLength: literal runs only.
fn run_length(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in data.chunks(128) {
        out.push((chunk.len() - 1) as u8);
        out.extend_from_slice(chunk);
    }
    out.push(128);
    out
}

#[test]
fn predictors_and_filter_chains_are_undone_and_dropped() {
    let mut doc = Document::with_version("1.7");
    let (w, h) = (19u32, 11u32);
    let gray = noise((w * h) as usize, 7);
    let mut d = dict(w, h, 8, name("DeviceGray"));
    d.set("Filter", "FlateDecode");
    d.set(
        "DecodeParms",
        lopdf::dictionary! { "Predictor" => 15, "Columns" => w, "Colors" => 1 },
    );
    check_lossless(
        &mut doc,
        &Stream::new(d, zlib(&png_up(&gray, w as usize))),
        REGION,
        &[0],
    );

    let rgb = noise((w * h * 3) as usize, 8);
    let mut d = dict(w, h, 8, name("DeviceRGB"));
    d.set("Filter", "FlateDecode");
    d.set(
        "DecodeParms",
        lopdf::dictionary! { "Predictor" => 2, "Columns" => w, "Colors" => 3 },
    );
    check_lossless(
        &mut doc,
        &Stream::new(d, zlib(&tiff2(&rgb, w as usize * 3, 3))),
        REGION,
        &[0, 0, 0],
    );

    // ASCIIHex in front of Flate with a predictor, parameters per filter in an array.
    let hex: String = zlib(&png_up(&gray, w as usize))
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let mut d = dict(w, h, 8, name("DeviceGray"));
    d.set("Filter", vec![name("ASCIIHexDecode"), name("FlateDecode")]);
    d.set(
        "DecodeParms",
        vec![
            Object::Null,
            Object::Dictionary(lopdf::dictionary! { "Predictor" => 12, "Columns" => w }),
        ],
    );
    check_lossless(&mut doc, &Stream::new(d, format!("{hex}>").into_bytes()), REGION, &[0]);

    let mut d = dict(w, h, 8, name("DeviceGray"));
    d.set("Filter", "RunLengthDecode");
    check_lossless(&mut doc, &Stream::new(d, run_length(&gray)), REGION, &[0]);
}

#[test]
fn indexed_images_take_the_palette_entry_closest_to_black() {
    let mut doc = Document::with_version("1.7");
    // white, red, dark grey, navy: dark grey (64, 64, 64) is nearest to black.
    let palette = vec![255, 255, 255, 255, 0, 0, 64, 64, 64, 0, 0, 128];
    let lookup_id = doc.add_object(Stream::new(lopdf::Dictionary::new(), palette.clone()));
    let (w, h) = (13u32, 9u32);
    for (bits, lookup) in [
        (2u8, Object::String(palette.clone(), lopdf::StringFormat::Hexadecimal)),
        (8, Object::Reference(lookup_id)),
    ] {
        let cs = Object::Array(vec![name("Indexed"), name("DeviceRGB"), 3.into(), lookup]);
        let stride = (w as usize * usize::from(bits)).div_ceil(8);
        // Indices 0..=3 only.
        let rows: Vec<u8> = noise(stride * h as usize, 3)
            .into_iter()
            .map(|b| if bits == 8 { b % 4 } else { b })
            .collect();
        check_lossless(&mut doc, &flate_image(dict(w, h, bits, cs), &rows), REGION, &[2]);
    }
}

#[test]
fn a_stencil_mask_stops_painting_in_the_region() {
    let mut doc = Document::with_version("1.7");
    let (w, h) = (21u32, 10u32);
    let rows = noise(w.div_ceil(8) as usize * h as usize, 5);
    let mut d = dict(w, h, 1, Object::Null);
    d.set("ImageMask", true);
    check_lossless(&mut doc, &flate_image(d.clone(), &rows), REGION, &[1]);
    d.set("Decode", vec![1.into(), 0.into()]);
    check_lossless(&mut doc, &flate_image(d, &rows), REGION, &[0]);
}

#[test]
fn soft_and_stencil_masks_are_made_opaque_in_the_region_and_relinked() {
    let mut doc = Document::with_version("1.7");
    let (w, h) = (24u32, 16u32);
    // A soft mask of another size than its image: regions are in the unit square.
    let (mw, mh) = (12u32, 32u32);
    let smask = flate_image(dict(mw, mh, 8, name("DeviceGray")), &noise((mw * mh) as usize, 9));
    let smask_id = doc.add_object(smask.clone());
    let stencil_rows = noise(w.div_ceil(8) as usize * h as usize, 10);
    let mut sd = dict(w, h, 1, Object::Null);
    sd.set("ImageMask", true);
    let stencil = flate_image(sd, &stencil_rows);
    let stencil_id = doc.add_object(stencil.clone());
    let mut d = dict(w, h, 8, name("DeviceRGB"));
    d.set("SMask", smask_id);
    d.set("Mask", stencil_id);
    d.set(
        "Metadata",
        doc.add_object(Stream::new(lopdf::Dictionary::new(), b"<x:xmpmeta/>".to_vec())),
    );
    let image = flate_image(d, &noise((w * h * 3) as usize, 11));

    let new = check_lossless(&mut doc, &image, REGION, &[0, 0, 0]);
    assert!(new.dict.get(b"Metadata").is_err(), "metadata may hold a thumbnail");
    let new_smask = new
        .dict
        .get(b"SMask")
        .and_then(Object::as_reference)
        .expect("soft mask");
    let new_mask = new.dict.get(b"Mask").and_then(Object::as_reference).expect("mask");
    assert_ne!(new_smask, smask_id);
    assert_ne!(new_mask, stencil_id);
    let get = |id| doc.get_object(id).and_then(Object::as_stream).expect("stream").clone();
    // Soft mask: opaque (1). Stencil mask: painting (0).
    let before = decode(&doc, &smask).expect("decodes").raster;
    let after = decode(&doc, &get(new_smask)).expect("decodes").raster;
    compare(&before, &after, sample_rect(REGION, mw, mh).expect("inside"), &[255]);
    let before = decode(&doc, &stencil).expect("decodes").raster;
    let after = decode(&doc, &get(new_mask)).expect("decodes").raster;
    compare(&before, &after, sample_rect(REGION, w, h).expect("inside"), &[0]);
}

#[test]
fn a_colour_key_mask_array_is_kept() {
    let mut doc = Document::with_version("1.7");
    let mut d = dict(10, 10, 4, name("DeviceGray"));
    let key: Vec<Object> = vec![3.into(), 5.into()];
    d.set("Mask", key.clone());
    let new = check_lossless(&mut doc, &flate_image(d, &noise(50, 12)), REGION, &[0]);
    assert_eq!(new.dict.get(b"Mask").ok(), Some(&Object::Array(key)));
}

/// A JPEG XObject made with jpeg-encoder.
fn jpeg_image(w: u16, h: u16, n: usize, decode_arr: Option<Vec<f32>>) -> (Stream, Vec<u8>) {
    use jpeg_encoder::{ColorType, Encoder};
    // Smooth content, which JPEG keeps well.
    let px: Vec<u8> = (0..usize::from(h))
        .flat_map(|y| {
            (0..usize::from(w)).flat_map(move |x| (0..n).map(move |c| ((x * 3 + y * 2 + c * 40) % 200 + 20) as u8))
        })
        .collect();
    let mut jpeg = Vec::new();
    let ct = match n {
        1 => ColorType::Luma,
        3 => ColorType::Rgb,
        _ => ColorType::Cmyk,
    };
    Encoder::new(&mut jpeg, 95).encode(&px, w, h, ct).expect("jpeg");
    let cs = match n {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        _ => "DeviceCMYK",
    };
    let mut d = dict(u32::from(w), u32::from(h), 8, name(cs));
    d.set("Filter", "DCTDecode");
    if let Some(a) = decode_arr {
        d.set("Decode", a.into_iter().map(Object::Real).collect::<Vec<_>>());
    }
    (Stream::new(d, jpeg.clone()), jpeg)
}

#[test]
fn jpegs_stay_jpegs_black_in_the_region_and_close_elsewhere() {
    let doc = Document::with_version("1.7");
    let inverted = Some(vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
    for (n, decode_arr) in [(1, None), (3, None), (4, inverted), (4, None)] {
        let (image, jpeg) = jpeg_image(83, 61, n, decode_arr);
        let adobe = jpeg.windows(5).any(|w| w == b"Adobe");
        let before = decode(&doc, &image).expect("jpeg decodes");
        let painted = paint(&doc, &image, &[REGION]).expect("paints");
        assert_eq!(
            painted.image.dict.get(b"Filter").and_then(Object::as_name).ok(),
            Some(&b"DCTDecode"[..])
        );
        assert!(painted.image.content.starts_with(&[0xFF, 0xD8]));
        assert_eq!(
            painted.image.content.windows(5).any(|w| w == b"Adobe"),
            adobe,
            "Adobe marker as before"
        );
        let after = decode(&doc, &painted.image).expect("painted jpeg decodes");
        let (w, h) = (after.raster.width(), after.raster.height());
        let [x0, y0, x1, y1] = sample_rect(REGION, w, h).expect("inside");
        let (a, b) = (before.raster.to_gray8(), after.raster.to_gray8());
        let mut outside = (0u64, 0u64);
        for y in 0..h {
            for x in 0..w {
                let i = (y * w + x) as usize;
                if x >= x0 && x < x1 && y >= y0 && y < y1 {
                    assert!(b[i] <= 2, "{n} components: ({x}, {y}) is {} inside", b[i]);
                } else if x + 16 < x0 || x >= x1 + 16 || y + 16 < y0 || y >= y1 + 16 {
                    outside.0 += u64::from(a[i].abs_diff(b[i]));
                    outside.1 += 1;
                }
            }
        }
        let mean = outside.0 as f64 / outside.1.max(1) as f64;
        assert!(mean < 3.0, "{n} components: outside changed by {mean}");
    }
}

#[test]
fn bad_regions_and_undecodable_images_are_refused() {
    let doc = Document::with_version("1.7");
    let img = flate_image(dict(4, 4, 8, name("DeviceGray")), &[0; 16]);
    assert!(paint(&doc, &img, &[[0.0, f32::NAN, 1.0, 1.0]]).is_err());
    let mut d = dict(
        4,
        4,
        8,
        Object::Array(vec![name("DeviceN"), vec![name("Spot")].into(), name("DeviceGray")]),
    );
    d.set("Filter", "FlateDecode");
    let e = paint(&doc, &Stream::new(d, zlib(&[0; 16])), &[REGION]).expect_err("DeviceN refused");
    assert!(e.to_string().contains("DeviceN"), "{e}");
}

/// A one-page PDF that draws `image` over the whole page; returns it and the image's id.
fn one_page(image: Stream) -> (Document, u32) {
    use lopdf::dictionary;
    let mut doc = Document::with_version("1.7");
    let (w, h) = (
        image.dict.get(b"Width").and_then(Object::as_i64).unwrap_or(1),
        image.dict.get(b"Height").and_then(Object::as_i64).unwrap_or(1),
    );
    let im = doc.add_object(image);
    let content = doc.add_object(Stream::new(
        dictionary! {},
        format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q").into_bytes(),
    ));
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), w.into(), h.into()],
        "Contents" => content, "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => im } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    (doc, im.0)
}

/// CMYK JPEGs (Adobe-inverted with `/Decode [1 0 ...]`, and plain): poppler sees the painted
/// region black and the rest as in the original, so the stored samples keep their meaning.
#[test]
fn painted_cmyk_jpegs_look_right_to_poppler() {
    if !have_pdfimages() {
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let inverted = Some(vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
    for (i, decode_arr) in [inverted, None].into_iter().enumerate() {
        let (image, _) = jpeg_image(64, 48, 4, decode_arr);
        let (mut doc, id) = one_page(image.clone());
        let original = tmp.path().join(format!("cmyk{i}-original.pdf"));
        doc.save(&original).expect("saves");
        let (_, _, before) = poppler_grey(&original, 1, id, false);
        let painted = paint(&doc, &image, &[REGION]).expect("paints");
        doc.objects.insert((id, 0), Object::Stream(painted.image));
        let out = tmp.path().join(format!("cmyk{i}.pdf"));
        doc.save(&out).expect("saves");
        let (w, h, after) = poppler_grey(&out, 1, id, false);
        let rect = sample_rect(REGION, w, h).expect("inside");
        let worst = grey_in(&after, w, rect).max();
        assert!(worst.is_some_and(|v| v <= 8), "case {i}: region {worst:?}");
        let far: Vec<(u8, u8)> = (0..w * h)
            .filter(|p| p % w < rect[0].saturating_sub(16) || p / w >= rect[3] + 16)
            .map(|p| (before[p as usize], after[p as usize]))
            .collect();
        let diff = far.iter().map(|(a, b)| f64::from(a.abs_diff(*b))).sum::<f64>() / far.len().max(1) as f64;
        eprintln!("CMYK JPEG case {i}: region max {worst:?}, outside mean |diff| {diff:.2}");
        assert!(diff < 3.0, "case {i}: outside changed by {diff} for poppler");
    }
}

#[test]
fn an_inline_image_with_abbreviations_is_read_and_written_with_full_keys() {
    let doc = Document::with_version("1.7");
    // lopdf parses unfiltered inline data only; abbreviated filters are read like the keys.
    let content = b"q 4 0 0 2 0 0 cm BI /W 4 /H 2 /BPC 8 /CS /G ID \x10\x20\x30\x40\x50\x60\x70\xFF EI Q";
    let ops = lopdf::content::Content::decode(content)
        .expect("content parses")
        .operations;
    let image = ops
        .iter()
        .find(|o| o.operator == "BI")
        .and_then(|o| o.operands.first())
        .and_then(|o| o.as_stream().ok())
        .expect("inline image")
        .clone();
    let d = decode(&doc, &image).expect("inline image decodes");
    assert_eq!(d.raster.data(), [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xFF]);
    let painted = paint(&doc, &image, &[[0.0, 0.0, 0.01, 0.01]]).expect("paints");
    let dict = &painted.image.dict;
    for short in [&b"W"[..], b"H", b"BPC", b"CS"] {
        assert!(dict.get(short).is_err(), "{} left", String::from_utf8_lossy(short));
    }
    assert_eq!(
        dict.get(b"ColorSpace").and_then(Object::as_name).ok(),
        Some(&b"DeviceGray"[..])
    );
    let after = decode(&doc, &painted.image).expect("decodes").raster;
    // The bottom-left corner with its margin of one sample: two columns of both rows.
    assert_eq!(after.data(), [0, 0, 0x30, 0x40, 0, 0, 0x70, 0xFF]);
}

/// Damaged image data (bytes flipped, cut short) is refused or decoded, never a panic, in
/// our code or under it; the same for painting.
#[test]
fn damaged_image_data_never_panics() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut samples: Vec<(Document, Stream)> = Vec::new();
    for n in [1, 3, 4] {
        samples.push((Document::with_version("1.7"), jpeg_image(40, 30, n, None).0));
    }
    let mut d = dict(33, 17, 8, name("DeviceRGB"));
    d.set("Filter", "FlateDecode");
    d.set(
        "DecodeParms",
        lopdf::dictionary! { "Predictor" => 15, "Columns" => 33, "Colors" => 3 },
    );
    samples.push((
        Document::with_version("1.7"),
        Stream::new(d, zlib(&png_up(&noise(33 * 17 * 3, 4), 99))),
    ));
    if let Some(dir) = real_dev() {
        // The small real images: JPX, CCITT (stencil), DCT with a JPX soft mask.
        for case in CASES.iter().filter(|c| [75, 331, 6].contains(&c.object)) {
            samples.push(load(&dir, case));
        }
    }
    for (doc, original) in &samples {
        for round in 0..12 {
            let mut s = original.clone();
            let len = s.content.len().max(1);
            if round % 4 == 3 {
                s.content.truncate(next() as usize % len);
            } else {
                for _ in 0..1 + round {
                    let i = next() as usize % len;
                    if let Some(b) = s.content.get_mut(i) {
                        *b ^= 1 << (next() % 8);
                    }
                }
            }
            let _ = decode(doc, &s);
            let _ = paint(doc, &s, &[REGION]);
        }
    }
}
