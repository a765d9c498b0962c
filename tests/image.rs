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
}

const CASES: &[Case] = &[
    Case {
        kind: "CCITT G4",
        file: "wob-letter-extraction/Bes-Besluit+op+Wob-verzoek+mbt+de+beantwoording+van+Kamervragen+inzake+een+tv-uitzending+van+Medialogica.pdf",
        page: 3,
        object: 9,
        tolerance: 0.01,
    },
    Case {
        kind: "JBIG2",
        file: "wob-letter-extraction/Bes-Wob-besluit-koerslijsten-gebruikte-autos.pdf",
        page: 3,
        object: 8,
        tolerance: 0.01,
    },
    Case {
        kind: "JPX Indexed",
        file: "wob-letter-extraction/wob-besluit_meldpunt_zorg.pdf",
        page: 1,
        object: 75,
        tolerance: 1.0,
    },
    Case {
        kind: "DCT grey behind Flate",
        file: "wob-letter-extraction/2_wob_besluit_gwc_geanonimiseerd.pdf",
        page: 6,
        object: 39,
        tolerance: 1.0,
    },
    Case {
        kind: "DCT ICCBased",
        file: "wob-letter-extraction/Bes-Besluit+Wob-verzoek+diergegevens+Sondel.pdf",
        page: 1,
        object: 110,
        tolerance: 1.5,
    },
    Case {
        kind: "DCT with a JPX SMask",
        file: "wob-letter-extraction/besluit_1.pdf",
        page: 3,
        object: 6,
        tolerance: 1.5,
    },
    Case {
        kind: "Flate RGB",
        file: "plooi/blg-1007826.pdf",
        page: 1,
        object: 18,
        tolerance: 0.01,
    },
    Case {
        kind: "Flate RGB with an SMask",
        file: "wob-letter-extraction/Bes-Besluit+op+Wob-verzoek+over+levensmiddelenbedrijf.pdf",
        page: 1,
        object: 875,
        tolerance: 0.01,
    },
    Case {
        kind: "Indexed 4-bit",
        file: "wob-letter-extraction/Bes-Besluit+op+Wob-verzoek+over+levensmiddelenbedrijf.pdf",
        page: 11,
        object: 334,
        tolerance: 0.01,
    },
    Case {
        kind: "CCITT stencil mask",
        file: "wob-letter-extraction/Bes-Besluit+op+Wob-verzoek+over+levensmiddelenbedrijf.pdf",
        page: 11,
        object: 331,
        tolerance: 0.01,
    },
];

fn real_dev() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/real-dev");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} not present (real published PDFs)", dir.display());
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
        eprintln!("skipped: pdfimages (poppler-utils) not installed");
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
    for case in CASES {
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
    for case in CASES {
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
            "{}: painted; region max {worst:?}, outside mean |diff| {diff:.3}",
            case.kind
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
