//! OCR of the images on a page with Tesseract 5 (its command-line program), giving words with
//! their boxes in page space, so scanned pages can be detected and redacted like text.
//!
//! The image is decoded ([`super::image`]), converted to 8-bit grey, turned the way it appears
//! on the page (a placement that flips or rotates it by quarter turns, and the page's
//! `/Rotate`), upsampled when it is placed at less than [`OcrOptions::min_dpi`], and written to
//! Tesseract's standard input as a PGM; the words come back on its standard output as TSV. No
//! pixel or word ever touches the disk: the pages hold personal data. The program runs under a
//! timeout and an output cap, on one core per image (`OMP_THREAD_LIMIT=1`: callers parallelise
//! over pages, and OpenMP's threads on a busy machine made one page four times slower), and is
//! killed as well when the run is interrupted ([`crate::interrupt`]) or the document on this
//! thread goes over its time budget ([`crate::limits`]).
//!
//! What is read is the image's own samples: a soft mask or colour-key mask is not applied (text
//! a mask hides is read too, which errs on the side of redacting), and an image partly clipped
//! off the page is read whole.
//!
//! Without Tesseract or its language model, every entry point fails with
//! [`OcrError::NotInstalled`], whose message names the Debian packages to install.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lopdf::{Document, Object, ObjectId, Stream};

use super::image::{ImageError, decode};
use super::interp::{ImageUse, Matrix};

/// Largest image handed to Tesseract after upsampling, in pixels (an A4 page at 600 dpi is 35
/// megapixels); upsampling stops short of it. A larger original is passed as it is.
pub const MAX_OCR_PIXELS: u64 = 60_000_000;

/// Largest upsampling factor along one axis: a thumbnail stretched over a page stays
/// unreadable at any factor, and only costs time.
const MAX_UPSCALE: f64 = 6.0;

/// Bytes kept of Tesseract's standard error for an error message.
const STDERR_KEEP: usize = 4096;

/// How Tesseract is run.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrOptions {
    /// The program: `tesseract`, found on `PATH`, unless a path is given.
    pub program: PathBuf,
    /// Where the language models are (`--tessdata-dir`); `None`: Tesseract's own default.
    pub tessdata_dir: Option<PathBuf>,
    /// Language models, joined with `+` as Tesseract takes them (`nld`, `nld+eng`).
    pub lang: String,
    /// Page segmentation mode (`--psm`): 3 is fully automatic without orientation detection.
    pub psm: u8,
    /// An image placed at a lower resolution than this (dots per inch on the page) is
    /// upsampled before OCR: Tesseract reads text best at 200–300 dpi.
    pub min_dpi: f32,
    /// The resolution an image below [`OcrOptions::min_dpi`] is upsampled to.
    pub target_dpi: f32,
    /// Longest run of Tesseract for one image; it is killed after that.
    pub timeout: Duration,
    /// Most bytes of TSV read from Tesseract for one image; more means something is wrong
    /// (a page of text is some tens of KiB), and it is killed.
    pub max_output: usize,
}

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            program: PathBuf::from("tesseract"),
            tessdata_dir: None,
            lang: "nld".into(),
            psm: 3,
            min_dpi: 200.0,
            target_dpi: 300.0,
            timeout: Duration::from_secs(120),
            max_output: 16 << 20,
        }
    }
}

impl OcrOptions {
    /// The Debian packages that provide the program and the language models.
    pub fn packages(&self) -> String {
        let mut p = vec!["tesseract-ocr".to_string()];
        for l in self.lang.split('+').filter(|l| !l.is_empty()) {
            // Debian names the model packages in lower case with '-' (chi_sim → chi-sim).
            p.push(format!("tesseract-ocr-{}", l.to_lowercase().replace('_', "-")));
        }
        p.join(" ")
    }

    /// Rejects options Tesseract would misread: a language or psm that is not one.
    fn check(&self) -> Result<(), OcrError> {
        let lang_ok = !self.lang.is_empty()
            && self.lang.split('+').all(|l| {
                !l.is_empty()
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    && !l.starts_with('-')
            });
        if !lang_ok {
            return Err(OcrError::Options(format!(
                "language {:?} is not a Tesseract language name",
                self.lang
            )));
        }
        if self.psm > 13 {
            return Err(OcrError::Options(format!("page segmentation mode {} (0–13)", self.psm)));
        }
        let dpi_ok = |d: f32| d.is_finite() && (1.0..=2400.0).contains(&d);
        if !dpi_ok(self.min_dpi) || !dpi_ok(self.target_dpi) {
            return Err(OcrError::Options(format!(
                "resolutions {} / {} dpi (1–2400)",
                self.min_dpi, self.target_dpi
            )));
        }
        Ok(())
    }
}

/// One word read by Tesseract.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWord {
    /// The word as read (never empty or only white space).
    pub text: String,
    /// Box in page space, `[x0, y0, x1, y1]`: the axis-aligned hull of the word's pixel box as
    /// placed on the page. Not clipped to what the page shows of the image.
    pub bbox: [f32; 4],
    /// Tesseract's confidence in the word, 0–100.
    pub conf: f32,
    /// The line the word is on: words with the same number are one line (Tesseract's block,
    /// paragraph and line), numbered from 0 in reading order within one image.
    pub line: u32,
}

/// Why an image could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OcrError {
    /// Tesseract, or its model for the language, is not installed.
    #[error("OCR is not available ({detail}): install the Debian packages {packages}")]
    NotInstalled {
        /// What is missing.
        detail: String,
        /// The packages that provide it.
        packages: String,
    },
    /// Options Tesseract cannot take.
    #[error("OCR options: {0}")]
    Options(String),
    /// An inline image (`BI … ID … EI`): its data is not kept by the interpreter.
    #[error("an inline image cannot be read for OCR yet")]
    InlineImage,
    /// The image XObject is missing or not a stream.
    #[error("image object {0} {1} is missing or not a stream")]
    MissingObject(u32, u16),
    /// The image cannot be decoded.
    #[error("the image cannot be decoded for OCR: {0}")]
    Image(#[from] ImageError),
    /// The placement matrix or the raster size is unusable.
    #[error("image for OCR: {0}")]
    Placement(String),
    /// Tesseract did not finish in time and was killed.
    #[error("Tesseract did not finish within {0} s and was stopped")]
    Timeout(u64),
    /// Tesseract wrote more than [`OcrOptions::max_output`] bytes and was stopped.
    #[error("Tesseract wrote more than {0} bytes and was stopped")]
    OutputTooLarge(usize),
    /// The run was interrupted (a signal), or the document went over its time budget.
    #[error("OCR stopped: {0}")]
    Stopped(String),
    /// Tesseract failed; its exit status and the end of what it said.
    #[error("Tesseract failed ({status}): {stderr}")]
    Failed {
        /// The exit status as text.
        status: String,
        /// The end of its standard error.
        stderr: String,
    },
    /// Starting Tesseract or talking to it failed.
    #[error("running Tesseract: {0}")]
    Io(String),
}

/// Checks that Tesseract runs and has the model of every language of `opts.lang` (one short
/// run of `tesseract --list-langs`): call it once before reading pages, to say early and once
/// which packages are missing.
pub fn available(opts: &OcrOptions) -> Result<(), OcrError> {
    opts.check()?;
    let mut args: Vec<std::ffi::OsString> = vec!["--list-langs".into()];
    if let Some(dir) = &opts.tessdata_dir {
        args.push("--tessdata-dir".into());
        args.push(dir.into());
    }
    let run = run(opts, &args, &[], Duration::from_secs(30).min(opts.timeout), 1 << 20)?;
    if !run.success {
        return Err(not_installed(
            opts,
            format!("`tesseract --list-langs` failed: {}", run.stderr_tail()),
        ));
    }
    // The first line is a heading ("List of available languages in …"), then one name a line.
    let listed: Vec<&str> = run.stdout.lines().skip(1).map(str::trim).collect();
    let missing: Vec<&str> = opts.lang.split('+').filter(|l| !listed.contains(l)).collect();
    if !missing.is_empty() {
        return Err(not_installed(
            opts,
            format!("no Tesseract model for {}", missing.join(", ")),
        ));
    }
    Ok(())
}

/// Reads the words of an image drawn on a page, with their boxes in page space.
/// `page_rotate` is the page's `/Rotate` ([`page_rotation`]): the image is read the way a viewer
/// shows the page, upright. Fails for an inline image ([`OcrError::InlineImage`]) and for an
/// image that cannot be decoded; a placement of no area reads nothing.
pub fn ocr_image(
    doc: &Document,
    image: &ImageUse,
    page_rotate: i64,
    opts: &OcrOptions,
) -> Result<Vec<OcrWord>, OcrError> {
    let id = image.xobject.ok_or(OcrError::InlineImage)?;
    let stream = doc
        .get_object(id)
        .and_then(|o| o.as_stream())
        .map_err(|_| OcrError::MissingObject(id.0, id.1))?;
    ocr_stream(doc, stream, &image.ctm, page_rotate, opts)
}

/// Reads the words of an image stream placed with `ctm` (the matrix mapping its unit square to
/// page space), for instance a painted copy that is not in the document yet.
pub fn ocr_stream(
    doc: &Document,
    stream: &Stream,
    ctm: &Matrix,
    page_rotate: i64,
    opts: &OcrOptions,
) -> Result<Vec<OcrWord>, OcrError> {
    opts.check()?;
    let decoded = decode(doc, stream)?;
    let raster = decoded.raster;
    let grey = raster.to_gray8();
    ocr_gray(&grey, raster.width(), raster.height(), ctm, page_rotate, opts)
}

/// Reads the words of an 8-bit grey raster (`width × height` bytes, rows top to bottom,
/// 0 = black) placed with `ctm`, as [`ocr_stream`] does after decoding.
pub fn ocr_gray(
    grey: &[u8],
    width: u32,
    height: u32,
    ctm: &Matrix,
    page_rotate: i64,
    opts: &OcrOptions,
) -> Result<Vec<OcrWord>, OcrError> {
    opts.check()?;
    let needed = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 || (grey.len() as u64) < needed {
        return Err(OcrError::Placement(format!(
            "raster of {width} x {height} pixels with {} bytes",
            grey.len()
        )));
    }
    let Some(view) = View::plan(ctm, width, height, page_rotate, opts)? else {
        // A placement of no area shows no text.
        return Ok(Vec::new());
    };
    let pgm = view.pgm(grey);
    let tsv = recognise(&pgm, view.dpi, opts)?;
    Ok(parse_tsv(&tsv)
        .into_iter()
        .map(|w| OcrWord {
            bbox: view.page_box(w.left, w.top, w.width, w.height),
            text: w.text,
            conf: w.conf,
            line: w.line,
        })
        .collect())
}

/// A page's `/Rotate` (inherited from its parents, as viewers read it) in quarter turns
/// clockwise, as 0, 90, 180 or 270: the `page_rotate` of [`ocr_image`]. A value that is not a
/// multiple of 90 is rounded to the nearest one; a missing or broken one is 0.
pub fn page_rotation(doc: &Document, page: ObjectId) -> i64 {
    let mut id = Some(page);
    // Bounded: a /Parent cycle in a broken file ends here.
    for _ in 0..64 {
        let Some(dict) = id.and_then(|i| doc.get_dictionary(i).ok()) else {
            break;
        };
        if let Ok(r) = dict.get(b"Rotate") {
            let degrees = match doc.dereference(r).map(|(_, o)| o) {
                Ok(Object::Integer(i)) => *i as f64,
                Ok(Object::Real(f)) if f.is_finite() => f64::from(*f),
                _ => 0.0,
            };
            return ((degrees / 90.0).round() as i64).rem_euclid(4) * 90;
        }
        id = dict.get(b"Parent").and_then(Object::as_reference).ok();
    }
    0
}

fn not_installed(opts: &OcrOptions, detail: String) -> OcrError {
    OcrError::NotInstalled {
        detail,
        packages: opts.packages(),
    }
}

/// How the raster is shown to Tesseract: turned upright as on the page, and scaled. Output
/// pixels are those of the image Tesseract reads.
#[derive(Debug, Clone, PartialEq)]
struct View {
    /// Source raster size.
    src: (u32, u32),
    /// Size of the image Tesseract reads.
    out: (u32, u32),
    /// Output x runs along the source's rows (y), output y along its columns (x).
    transpose: bool,
    /// Output x runs against the source axis it follows.
    flip_x: bool,
    /// Output y runs against the source axis it follows.
    flip_y: bool,
    /// The placement.
    ctm: Matrix,
    /// The resolution of the output image on the page, as told to Tesseract.
    dpi: u32,
}

impl View {
    /// Works out the view of a `width × height` raster placed with `ctm` on a page shown with
    /// `/Rotate` `rotate`. `None` when the placement has no area.
    fn plan(ctm: &Matrix, width: u32, height: u32, rotate: i64, opts: &OcrOptions) -> Result<Option<View>, OcrError> {
        if ctm.iter().any(|v| !v.is_finite()) {
            return Err(OcrError::Placement(format!("placement matrix {ctm:?} is not finite")));
        }
        let [a, b, c, d, ..] = ctm.map(f64::from);
        if (a * d - b * c).abs() < 1e-9 {
            return Ok(None);
        }
        // Page-space directions of the source's column (x) and row (y) axes, per unit square;
        // rows run down the image, against the unit square's v.
        let (dx, dy) = ((a, b), (-c, -d));
        // To screen coordinates (y down) of the page turned clockwise by /Rotate.
        let quarter = (((rotate as f64 / 90.0).round() as i64) % 4 + 4) % 4;
        let screen = |(x, y): (f64, f64)| match quarter {
            0 => (x, -y),
            1 => (y, x),
            2 => (-x, y),
            _ => (-y, -x),
        };
        let (sx, sy) = (screen(dx), screen(dy));
        let transpose = sx.0.abs() < sy.0.abs();
        let (flip_x, flip_y) = if transpose {
            (sy.0 < 0.0, sx.1 < 0.0)
        } else {
            (sx.0 < 0.0, sy.1 < 0.0)
        };

        // Resolution along each source axis: pixels per inch of its length on the page.
        let (w, h) = (f64::from(width), f64::from(height));
        let dpi_x = w / (a.hypot(b) / 72.0);
        let dpi_y = h / (c.hypot(d) / 72.0);
        let (min_dpi, target) = (
            f64::from(opts.min_dpi),
            f64::from(opts.target_dpi).max(f64::from(opts.min_dpi)),
        );
        let factor = |dpi: f64| {
            if dpi < min_dpi {
                (target / dpi).clamp(1.0, MAX_UPSCALE)
            } else {
                1.0
            }
        };
        let (mut kx, mut ky) = (factor(dpi_x), factor(dpi_y));
        // Shrink the factors over 1 alike to the pixel budget, never below the original size;
        // a second round when one of them reached 1 first.
        for _ in 0..2 {
            let over = w * kx * h * ky / MAX_OCR_PIXELS as f64;
            if over <= 1.0 {
                break;
            }
            let s = if kx > 1.0 && ky > 1.0 {
                over.sqrt().recip()
            } else {
                over.recip()
            };
            kx = (kx * s).max(1.0);
            ky = (ky * s).max(1.0);
        }
        let len = |n: f64, k: f64| ((n * k).round() as u32).max(1);
        let (ox, oy) = (len(w, kx), len(h, ky));
        let out = if transpose { (oy, ox) } else { (ox, oy) };
        let dpi_out = (dpi_x * f64::from(ox) / w).min(dpi_y * f64::from(oy) / h);
        // Tesseract takes 70 dpi as its floor and treats less as unknown.
        let dpi = dpi_out.round().clamp(70.0, 2400.0) as u32;
        Ok(Some(View {
            src: (width, height),
            out,
            transpose,
            flip_x,
            flip_y,
            ctm: *ctm,
            dpi,
        }))
    }

    /// The source pixel coordinates (continuous, column and row from the top-left corner) of an
    /// output point.
    fn to_source(&self, x: f64, y: f64) -> (f64, f64) {
        let (ow, oh) = (f64::from(self.out.0), f64::from(self.out.1));
        let (sw, sh) = (f64::from(self.src.0), f64::from(self.src.1));
        let (along_x, along_y) = if self.transpose { (sh, sw) } else { (sw, sh) };
        let mut p = x / ow * along_x;
        let mut q = y / oh * along_y;
        if self.flip_x {
            p = along_x - p;
        }
        if self.flip_y {
            q = along_y - q;
        }
        if self.transpose { (q, p) } else { (p, q) }
    }

    /// The page-space hull of an output pixel box.
    fn page_box(&self, left: u32, top: u32, width: u32, height: u32) -> [f32; 4] {
        let [a, b, c, d, e, f] = self.ctm.map(f64::from);
        let (sw, sh) = (f64::from(self.src.0), f64::from(self.src.1));
        let (x0, y0) = (f64::from(left), f64::from(top));
        let (x1, y1) = (x0 + f64::from(width), y0 + f64::from(height));
        let mut hull = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for (x, y) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1)] {
            let (sx, sy) = self.to_source(x, y);
            let (u, v) = (sx / sw, 1.0 - sy / sh);
            let (px, py) = (a * u + c * v + e, b * u + d * v + f);
            hull = [hull[0].min(px), hull[1].min(py), hull[2].max(px), hull[3].max(py)];
        }
        hull.map(|v| v as f32)
    }

    /// The raster as Tesseract reads it, a binary PGM: turned, and scaled bilinearly.
    fn pgm(&self, grey: &[u8]) -> Vec<u8> {
        let (ow, oh) = self.out;
        let header = format!("P5\n{ow} {oh}\n255\n");
        let mut out = Vec::with_capacity(header.len() + ow as usize * oh as usize);
        out.extend_from_slice(header.as_bytes());
        let (sw, sh) = (self.src.0 as usize, self.src.1 as usize);
        if self.out == self.src && !(self.transpose || self.flip_x || self.flip_y) {
            // Most scans: upright at 200 dpi or more.
            out.extend_from_slice(grey.get(..sw * sh).unwrap_or_default());
            return out;
        }
        // Output x follows one source axis and output y the other, so the interpolation taps
        // and weights are per output column and per output row.
        let taps = |n_out: u32, n_src: usize, horizontal: bool| -> Vec<(usize, usize, f32)> {
            (0..n_out)
                .map(|i| {
                    let centre = f64::from(i) + 0.5;
                    let (sx, sy) = if horizontal {
                        self.to_source(centre, 0.0)
                    } else {
                        self.to_source(0.0, centre)
                    };
                    tap(if horizontal != self.transpose { sx } else { sy }, n_src)
                })
                .collect()
        };
        let (x_len, y_len) = if self.transpose { (sh, sw) } else { (sw, sh) };
        let cols = taps(ow, x_len, true);
        let rows = taps(oh, y_len, false);
        let at = |col: usize, row: usize| -> f32 {
            // `col` indexes the source axis output x follows, `row` the other.
            let (x, y) = if self.transpose { (row, col) } else { (col, row) };
            f32::from(grey.get(y * sw + x).copied().unwrap_or(255))
        };
        for &(r0, r1, rw) in &rows {
            for &(c0, c1, cw) in &cols {
                let top = at(c0, r0) * (1.0 - cw) + at(c1, r0) * cw;
                let bottom = at(c0, r1) * (1.0 - cw) + at(c1, r1) * cw;
                out.push((top * (1.0 - rw) + bottom * rw).round().clamp(0.0, 255.0) as u8);
            }
        }
        out
    }
}

/// The two source samples around a continuous coordinate (sample centres at `i + 0.5`) and the
/// weight of the second.
fn tap(s: f64, n: usize) -> (usize, usize, f32) {
    let last = n.saturating_sub(1);
    let p = (s - 0.5).clamp(0.0, last as f64);
    let i = p.floor() as usize;
    let j = (i + 1).min(last);
    (i.min(last), j, (p - p.floor()) as f32)
}

/// What a finished process left.
struct Run {
    success: bool,
    status: String,
    stdout: String,
    stderr: Vec<u8>,
}

impl Run {
    /// The last lines of standard error, for a message.
    fn stderr_tail(&self) -> String {
        let text = String::from_utf8_lossy(&self.stderr);
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        lines[lines.len().saturating_sub(4)..].join("; ")
    }
}

/// Runs Tesseract on one PGM and returns its TSV.
fn recognise(pgm: &[u8], dpi: u32, opts: &OcrOptions) -> Result<String, OcrError> {
    let mut args: Vec<std::ffi::OsString> = vec!["stdin".into(), "stdout".into()];
    if let Some(dir) = &opts.tessdata_dir {
        args.push("--tessdata-dir".into());
        args.push(dir.into());
    }
    for a in [
        "-l",
        &opts.lang,
        "--psm",
        &opts.psm.to_string(),
        "--dpi",
        &dpi.to_string(),
        "tsv",
    ] {
        args.push(a.into());
    }
    let run = run(opts, &args, pgm, opts.timeout, opts.max_output)?;
    if run.success {
        return Ok(run.stdout);
    }
    let text = String::from_utf8_lossy(&run.stderr);
    if text.contains("Failed loading language") || text.contains("Could not initialize tesseract") {
        return Err(not_installed(opts, format!("no Tesseract model for {}", opts.lang)));
    }
    Err(OcrError::Failed {
        stderr: run.stderr_tail(),
        status: run.status,
    })
}

/// Runs the program with `input` on its standard input, bounded in time and output.
fn run(
    opts: &OcrOptions,
    args: &[std::ffi::OsString],
    input: &[u8],
    timeout: Duration,
    max_output: usize,
) -> Result<Run, OcrError> {
    let mut child = Command::new(&opts.program)
        .args(args)
        // One core per page: callers run pages in parallel, and OpenMP's threads would fight
        // them. The C locale keeps the TSV's decimal point a point.
        .env("OMP_THREAD_LIMIT", "1")
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                not_installed(opts, format!("program {} not found", opts.program.display()))
            } else {
                OcrError::Io(format!("starting {}: {e}", opts.program.display()))
            }
        })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(OcrError::Io("no pipes to the program".into()));
    };
    let over = AtomicBool::new(false);
    let deadline = Instant::now() + timeout;
    std::thread::scope(|s| {
        // Three threads so that no pipe fills while another is waited on.
        let writer = s.spawn(move || {
            let r = stdin.write_all(input);
            drop(stdin);
            r
        });
        let over = &over;
        let reader = s.spawn(move || read_capped(stdout, max_output, over));
        let errors = s.spawn(move || read_tail(stderr));
        let mut wait = Duration::from_millis(1);
        let outcome = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) => {}
                Err(e) => break Err(OcrError::Io(format!("waiting for the program: {e}"))),
            }
            let stop = if Instant::now() >= deadline {
                Some(OcrError::Timeout(timeout.as_secs()))
            } else if over.load(Ordering::Relaxed) {
                Some(OcrError::OutputTooLarge(max_output))
            } else if let Some(sig) = crate::interrupt::requested() {
                Some(OcrError::Stopped(format!("interrupted by signal {sig}")))
            } else {
                crate::limits::check_time()
                    .err()
                    .map(|e| OcrError::Stopped(e.to_string()))
            };
            if let Some(e) = stop {
                break Err(e);
            }
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_millis(20));
        };
        if outcome.is_err() {
            // Killing closes its pipes, which ends the threads.
            let _ = child.kill();
            let _ = child.wait();
        }
        let written = writer.join();
        let stdout = reader.join();
        let stderr = errors.join().unwrap_or_default();
        let status = outcome?;
        let stdout = match stdout {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => return Err(OcrError::Io(format!("reading the program's output: {e}"))),
            Err(_) => return Err(OcrError::Io("the output reader failed".into())),
        };
        if over.load(Ordering::Relaxed) {
            return Err(OcrError::OutputTooLarge(max_output));
        }
        let run = Run {
            success: status.success(),
            status: status.to_string(),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr,
        };
        // A program that stopped reading early (a bad language) is reported by its status; a
        // write error with a successful exit would mean a truncated image.
        if run.success
            && let Ok(Err(e)) = written
        {
            return Err(OcrError::Io(format!("writing the image to the program: {e}")));
        }
        Ok(run)
    })
}

/// Reads a pipe to its end, up to `cap` bytes; sets `over` and stops reading past it.
fn read_capped(mut r: impl Read, cap: usize, over: &AtomicBool) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if out.len() + n > cap {
            over.store(true, Ordering::Relaxed);
            return Ok(out);
        }
        out.extend_from_slice(buf.get(..n).unwrap_or_default());
    }
}

/// Reads a pipe to its end, keeping the last [`STDERR_KEEP`] bytes.
fn read_tail(mut r: impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                out.extend_from_slice(buf.get(..n).unwrap_or_default());
                if out.len() > 2 * STDERR_KEEP {
                    out.drain(..out.len() - STDERR_KEEP);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let cut = out.len().saturating_sub(STDERR_KEEP);
    out.split_off(cut)
}

/// A word row of Tesseract's TSV, in the pixels of the image it read.
#[derive(Debug, Clone, PartialEq)]
struct TsvWord {
    text: String,
    left: u32,
    top: u32,
    width: u32,
    height: u32,
    conf: f32,
    line: u32,
}

/// The words (level 5 rows) of Tesseract's TSV, skipping empty ones and rows that do not parse;
/// lines numbered in order of appearance.
fn parse_tsv(tsv: &str) -> Vec<TsvWord> {
    let mut lines: Vec<(u32, u32, u32)> = Vec::new();
    let mut out = Vec::new();
    for row in tsv.lines() {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        let [
            level,
            _page,
            block,
            par,
            line,
            _word,
            left,
            top,
            width,
            height,
            conf,
            text,
        ] = cols[..]
        else {
            continue;
        };
        if level != "5" || text.trim().is_empty() {
            continue;
        }
        let num = |s: &str| s.trim().parse::<u32>().ok();
        let (Some(block), Some(par), Some(line), Some(left), Some(top), Some(width), Some(height)) = (
            num(block),
            num(par),
            num(line),
            num(left),
            num(top),
            num(width),
            num(height),
        ) else {
            continue;
        };
        let Some(conf) = conf.trim().parse::<f32>().ok().filter(|c| c.is_finite()) else {
            continue;
        };
        let key = (block, par, line);
        let id = match lines.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                lines.push(key);
                lines.len() - 1
            }
        };
        out.push(TsvWord {
            text: text.trim().to_string(),
            left,
            top,
            width,
            height,
            conf: conf.clamp(0.0, 100.0),
            line: u32::try_from(id).unwrap_or(u32::MAX),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const A4: (f32, f32) = (595.0, 842.0);

    fn plan(ctm: Matrix, w: u32, h: u32, rotate: i64) -> View {
        match View::plan(&ctm, w, h, rotate, &OcrOptions::default()) {
            Ok(Some(v)) => v,
            other => panic!("no view for {ctm:?}: {other:?}"),
        }
    }

    /// The eight ways to place a 4 x 3 raster at 240 dpi (1.2 x 0.9 points, or 0.9 x 1.2
    /// turned): the image's unit square onto the page, flipped and turned by quarter turns.
    fn placements() -> Vec<Matrix> {
        let (w, h) = (1.2, 0.9);
        vec![
            [w, 0.0, 0.0, h, 100.0, 200.0],
            [-w, 0.0, 0.0, h, 101.2, 200.0],
            [w, 0.0, 0.0, -h, 100.0, 200.9],
            [-w, 0.0, 0.0, -h, 101.2, 200.9],
            [0.0, w, h, 0.0, 100.0, 200.0],
            [0.0, -w, h, 0.0, 100.0, 201.2],
            [0.0, w, -h, 0.0, 100.9, 200.0],
            [0.0, -w, -h, 0.0, 100.9, 201.2],
        ]
    }

    #[test]
    fn every_placement_is_read_upright_and_maps_back_to_its_pixels() {
        let (w, h) = (4u32, 3u32);
        let grey: Vec<u8> = (0..(w * h) as u8).map(|i| i * 10).collect();
        for rotate in [0, 90, 180, 270, -90, 450] {
            for ctm in placements() {
                let v = plan(ctm, w, h, rotate);
                let pgm = v.pgm(&grey);
                let header = format!("P5\n{} {}\n255\n", v.out.0, v.out.1);
                assert!(pgm.starts_with(header.as_bytes()));
                let pixels = &pgm[header.len()..];
                assert_eq!(pixels.len() as u32, w * h, "{ctm:?}");
                // Screen position (x right, y down) of a page point under the page's /Rotate.
                let screen = |x: f32, y: f32| match ((rotate / 90) % 4 + 4) % 4 {
                    0 => (x, -y),
                    1 => (y, x),
                    2 => (-x, y),
                    _ => (-y, -x),
                };
                let centre = |b: [f32; 4]| screen((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
                for oy in 0..v.out.1 {
                    for ox in 0..v.out.0 {
                        // The source pixel this output pixel shows (each value is unique)...
                        let value = pixels[(oy * v.out.0 + ox) as usize];
                        let i = u32::from(value / 10);
                        let (sx, sy) = (i % w, i / w);
                        // ...sits on the page where the output pixel's box maps to.
                        let b = v.page_box(ox, oy, 1, 1);
                        let (u0, u1) = (sx as f32 / w as f32, (sx + 1) as f32 / w as f32);
                        let (v0, v1) = (1.0 - (sy + 1) as f32 / h as f32, 1.0 - sy as f32 / h as f32);
                        let pt =
                            |u: f32, vv: f32| (ctm[0] * u + ctm[2] * vv + ctm[4], ctm[1] * u + ctm[3] * vv + ctm[5]);
                        let corners = [pt(u0, v0), pt(u1, v1)];
                        let want = [
                            corners[0].0.min(corners[1].0),
                            corners[0].1.min(corners[1].1),
                            corners[0].0.max(corners[1].0),
                            corners[0].1.max(corners[1].1),
                        ];
                        for k in 0..4 {
                            assert!(
                                (b[k] - want[k]).abs() < 1e-4,
                                "{ctm:?} r{rotate} ({ox},{oy}): {b:?} vs {want:?}"
                            );
                        }
                        // Upright: the next output column is right of this one on screen, the
                        // next row below.
                        if ox + 1 < v.out.0 {
                            let (a, b) = (centre(v.page_box(ox, oy, 1, 1)), centre(v.page_box(ox + 1, oy, 1, 1)));
                            assert!(b.0 > a.0 && (b.1 - a.1).abs() < 1e-3, "{ctm:?} r{rotate}");
                        }
                        if oy + 1 < v.out.1 {
                            let (a, b) = (centre(v.page_box(ox, oy, 1, 1)), centre(v.page_box(ox, oy + 1, 1, 1)));
                            assert!(b.1 > a.1 && (b.0 - a.0).abs() < 1e-3, "{ctm:?} r{rotate}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_upright_scan_at_200_dpi_is_passed_as_it_is() {
        let v = plan([A4.0, 0.0, 0.0, A4.1, 0.0, 0.0], 1653, 2339, 0);
        assert_eq!(
            (v.out, v.transpose, v.flip_x, v.flip_y, v.dpi),
            ((1653, 2339), false, false, false, 200)
        );
        let b = v.page_box(0, 0, 1653, 2339);
        assert!(
            b.iter().zip([0.0, 0.0, A4.0, A4.1]).all(|(a, b)| (a - b).abs() < 1e-3),
            "{b:?}"
        );
        // The top-left pixel is at the top-left of the page.
        let b = v.page_box(0, 0, 1, 1);
        assert!(b[0] == 0.0 && (b[3] - A4.1).abs() < 1e-3, "{b:?}");
    }

    #[test]
    fn low_resolutions_are_upsampled_per_axis() {
        // 100 dpi: three times, to 300 dpi.
        let v = plan([A4.0, 0.0, 0.0, A4.1, 0.0, 0.0], 826, 1169, 0);
        assert_eq!((v.out, v.dpi), ((2479, 3508), 300));
        // A fax at 204 x 98 dpi: only the rows are multiplied.
        let v = plan([A4.0, 0.0, 0.0, A4.1, 0.0, 0.0], 1686, 1146, 0);
        assert_eq!(v.out.0, 1686);
        assert_eq!(v.out.1, (1146.0f64 * 300.0 / (1146.0 / (842.0 / 72.0))).round() as u32);
        assert_eq!(v.dpi, 204);
        // A thumbnail stretched over the page: at most six times.
        let v = plan([A4.0, 0.0, 0.0, A4.1, 0.0, 0.0], 60, 80, 0);
        assert_eq!(v.out, (360, 480));
        // Never past the pixel budget, never below the original.
        let v = plan([A4.0 * 10.0, 0.0, 0.0, A4.1 * 10.0, 0.0, 0.0], 8000, 9000, 0);
        assert_eq!(v.out, (8000, 9000));
        for (w, h) in [(3000, 4000), (3000, 400), (300, 4000), (2000, 2000)] {
            let v = plan([A4.0 * 10.0, 0.0, 0.0, A4.1 * 10.0, 0.0, 0.0], w, h, 0);
            assert!(
                u64::from(v.out.0) * u64::from(v.out.1) <= MAX_OCR_PIXELS + 20_000,
                "{:?}",
                v.out
            );
            assert!(v.out.0 >= w && v.out.1 >= h && v.out != (w, h), "{:?}", v.out);
        }
        let v = plan([A4.0, 0.0, 0.0, A4.1, 0.0, 0.0], 10_000, 14_000, 0);
        assert_eq!(v.out, (10_000, 14_000));
    }

    #[test]
    fn upsampling_interpolates_between_samples() {
        // Two samples, black and white, stretched to six: a ramp, edges kept.
        let v = plan([1.44, 0.0, 0.0, 0.72, 0.0, 0.0], 2, 1, 0);
        assert_eq!(v.out, (6, 3));
        let pgm = v.pgm(&[0, 255]);
        let px = &pgm[pgm.len() - 18..];
        assert_eq!(&px[..6], &[0, 0, 85, 170, 255, 255]);
        assert_eq!(&px[..6], &px[6..12]);
    }

    #[test]
    fn placements_without_area_or_finite_numbers() {
        let o = OcrOptions::default();
        assert_eq!(View::plan(&[0.0; 6], 10, 10, 0, &o), Ok(None));
        assert_eq!(View::plan(&[1.0, 1.0, 1.0, 1.0, 0.0, 0.0], 10, 10, 0, &o), Ok(None));
        assert!(matches!(
            View::plan(&[f32::NAN, 0.0, 0.0, 1.0, 0.0, 0.0], 10, 10, 0, &o),
            Err(OcrError::Placement(_))
        ));
        assert!(matches!(
            ocr_gray(&[0; 5], 3, 2, &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 0, &o),
            Err(OcrError::Placement(_))
        ));
        assert_eq!(ocr_gray(&[0; 6], 3, 2, &[0.0; 6], 0, &o), Ok(Vec::new()));
    }

    #[test]
    fn page_rotation_is_inherited_and_normalised() {
        use lopdf::dictionary;
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let cases: [(Option<Object>, i64); 6] = [
            (None, 270),
            (Some(90.into()), 90),
            (Some((-90).into()), 270),
            (Some(450.into()), 90),
            (Some(Object::Real(179.0)), 180),
            (Some("x".into()), 0),
        ];
        let mut kids = Vec::new();
        for (r, _) in &cases {
            let mut d = dictionary! { "Type" => "Page", "Parent" => pages };
            if let Some(r) = r {
                d.set("Rotate", r.clone());
            }
            kids.push(doc.add_object(d));
        }
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Rotate" => -90, "Parent" => pages }),
        );
        for (id, (_, want)) in kids.iter().zip(&cases) {
            assert_eq!(page_rotation(&doc, *id), *want);
        }
        assert_eq!(page_rotation(&doc, (999, 0)), 0);
    }

    #[test]
    fn tsv_words_with_their_lines() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t\n\
            4\t1\t1\t1\t1\t0\t202\t120\t832\t31\t-1\t\n\
            5\t1\t1\t1\t1\t1\t202\t121\t141\t23\t96.607803\tMinisterie\n\
            5\t1\t1\t1\t1\t2\t351\t126\t52\t18\t96.455780\tvan\n\
            5\t1\t1\t1\t1\t3\t351\t126\t52\t18\t96.4\t \n\
            5\t1\t2\t1\t1\t1\t200\t502\t49\t17\t12.5\tJ.P. de\n\
            5\t1\t2\t1\tx\t1\t200\t502\t49\t17\t12.5\tbroken\n\
            5\t1\t1\t1\t1\t4\t400\t126\t52\t18\t95\tterug\n";
        let words = parse_tsv(tsv);
        let got: Vec<(&str, u32, f32)> = words.iter().map(|w| (w.text.as_str(), w.line, w.conf)).collect();
        assert_eq!(
            got,
            [
                ("Ministerie", 0, 96.607_8),
                ("van", 0, 96.45578),
                ("J.P. de", 1, 12.5),
                ("terug", 0, 95.0)
            ]
        );
        assert_eq!(
            (words[0].left, words[0].top, words[0].width, words[0].height),
            (202, 121, 141, 23)
        );
        assert!(parse_tsv("").is_empty());
        assert!(parse_tsv("garbage\n\t\t\n5\t1").is_empty());
    }

    #[test]
    fn options_are_checked_and_name_their_packages() {
        let o = OcrOptions::default();
        assert_eq!(o.packages(), "tesseract-ocr tesseract-ocr-nld");
        let o = OcrOptions {
            lang: "nld+chi_sim".into(),
            ..OcrOptions::default()
        };
        assert_eq!(o.packages(), "tesseract-ocr tesseract-ocr-nld tesseract-ocr-chi-sim");
        assert_eq!(o.check(), Ok(()));
        for lang in ["", "-l", "nld+", "nld eng", "../x"] {
            let o = OcrOptions {
                lang: lang.into(),
                ..OcrOptions::default()
            };
            assert!(matches!(o.check(), Err(OcrError::Options(_))), "{lang:?}");
        }
    }

    #[test]
    fn a_missing_program_is_not_installed() {
        let o = OcrOptions {
            program: "/nonexistent/tesseract".into(),
            ..OcrOptions::default()
        };
        let e = available(&o).unwrap_err();
        assert!(matches!(e, OcrError::NotInstalled { .. }), "{e:?}");
        assert!(e.to_string().contains("tesseract-ocr tesseract-ocr-nld"), "{e}");
        let e = ocr_gray(&[255; 100], 10, 10, &[100.0, 0.0, 0.0, 100.0, 0.0, 0.0], 0, &o).unwrap_err();
        assert!(matches!(e, OcrError::NotInstalled { .. }), "{e:?}");
    }

    fn with_program(p: &str) -> OcrOptions {
        OcrOptions {
            program: p.into(),
            ..OcrOptions::default()
        }
    }

    #[test]
    fn the_pipes_carry_large_inputs_and_outputs_without_blocking() {
        // `cat` echoes 8 MiB while it is still being written.
        let input: Vec<u8> = (0..8 << 20).map(|i: u32| (i % 251) as u8).collect();
        let r =
            run(&with_program("cat"), &[], &input, Duration::from_secs(60), 16 << 20).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.success);
        assert_eq!(
            r.stdout.len(),
            input.len() + input.iter().filter(|&&b| b >= 0x80).count() * 2
        );
    }

    #[test]
    fn a_slow_program_is_stopped_in_time() {
        let t = Instant::now();
        let e = run(
            &with_program("sleep"),
            &["30".into()],
            &[],
            Duration::from_millis(200),
            1024,
        );
        assert!(matches!(e, Err(OcrError::Timeout(_))), "{:?}", e.err());
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_chatty_program_is_stopped_at_the_cap() {
        let t = Instant::now();
        let e = run(&with_program("yes"), &[], &[], Duration::from_secs(30), 1 << 20);
        assert!(matches!(e, Err(OcrError::OutputTooLarge(_))), "{:?}", e.err());
        assert!(t.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_failing_program_reports_its_status_and_words() {
        let r = run(
            &with_program("sh"),
            &["-c".into(), "echo one >&2; echo two >&2; exit 3".into()],
            &[],
            Duration::from_secs(10),
            1024,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!r.success);
        assert!(r.status.contains('3'), "{}", r.status);
        assert_eq!(r.stderr_tail(), "one; two");
    }
}
