//! Visual verification (PDF.md §5 point 5): what a reader *sees*. The input and the written
//! output are rendered by an independent renderer (poppler's `pdftoppm`) and compared pixel by
//! pixel: outside the redaction boxes the output must look like the input, inside each box it
//! must be dark. Extractors cannot catch a content stream that a viewer gives up on halfway
//! (poppler stops drawing a page at "Too few (0) args to 'TJ' operator", taking the rest of the
//! page and every box with it, while lopdf and our own reader accept the stream); a rendering
//! does, and poppler's own complaint about the output is reported as well.
//!
//! Both files are piped through `pdftoppm -gray` (stdin in, every page as a binary PGM on
//! stdout: poppler 22.12 does both, so no rendered page with personal data ever touches the
//! disk) and compared page by page while they stream, so memory stays at two pages whatever
//! the length of the document.
//!
//! What it does not see: anything that moves by less than about a pixel (1.8 pt at 40 dpi:
//! the renderer itself moves glyphs by a pixel when a coordinate changes in its last digit),
//! a change confined to a few pixels (a removed full stop), what lies under a box (whether the
//! text there is really gone is for the extractors), and how other viewers draw the file.

use std::io::{BufReader, ErrorKind, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where the output of one page may differ from the input, and which parts must be dark.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMask {
    /// 0-based page index (in the input).
    pub page: usize,
    /// Rectangles `[x0, y0, x1, y1]` in the page's default user space where the output may
    /// look different (our boxes, anything removed on purpose).
    pub changed: Vec<[f32; 4]>,
    /// Our boxes `[x0, y0, x1, y1]` in default user space: they must render dark. They may
    /// differ from the input as well, so they need not be repeated in `changed`.
    pub dark: Vec<[f32; 4]>,
}

/// How the renderer is run. The comparison thresholds are fixed (see the constants below):
/// they were measured at [`DEFAULT_DPI`].
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The `pdftoppm` executable (looked up in `PATH` when it is a bare name).
    pub program: PathBuf,
    /// Resolution in dots per inch.
    pub dpi: f32,
    /// Time allowed for rendering both files, before the per-page allowance.
    pub timeout: Duration,
    /// Extra time allowed per page of the input.
    pub timeout_per_page: Duration,
    /// Bytes of images read from one renderer at most (a bound on a runaway renderer; the
    /// pages themselves are compared one at a time).
    pub max_output_bytes: u64,
}

/// The resolution used by default, the lowest that caught every kind of damage on the PDFs of
/// all eight producers in `fixtures/pdf` (`render::resolution` in `tests/render.rs`): a
/// missing line of 5.5–7.7 pt text changes 126–445 pixels, text moved by 3 pt across or 2 pt
/// down 67 or more, and every box on 7 pt text keeps pixels after shrinking. At 36 dpi text
/// moved 2 pt down passed on every producer; at 24 dpi boxes on small text were too thin to
/// check. Smaller shifts are the word-position check's to find (PDF.md §5 point 4).
pub const DEFAULT_DPI: f32 = 40.0;

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            program: PathBuf::from("pdftoppm"),
            dpi: DEFAULT_DPI,
            timeout: Duration::from_secs(20),
            timeout_per_page: Duration::from_millis(500),
            max_output_bytes: 4 << 30,
        }
    }
}

/// A pixel may have changed when its grey level differs by more than this (anti-aliasing of
/// the same drawing differs by a few levels at most).
const PIXEL_DELTA: u8 = 48;
/// ... and the mean grey level of the 3 × 3 pixels around it differs by more than this. A
/// single pixel that changed completely moves a mean by at most 255 / 9 = 28 and is never
/// counted; a stem moved by a quarter pixel by about 3 × 64 / 9 = 21.
const LOCAL_DELTA: u8 = 32;
/// Changed pixels tolerated per page. The smallest real damage measured at 40 dpi is far
/// larger: a missing 7.7 pt line 126 pixels, text moved by 2 pt 16; the renderer's own noise on
/// our redactions is 0 at 24–50 dpi (1 at 72 dpi).
const MAX_CHANGED: usize = 8;
/// "Changed" rectangles grow by this many pixels on each side: anti-aliasing spreads a box's
/// edge (and the ink of removed glyphs) into the next pixel.
const DILATE_PX: f32 = 2.0;
/// "Dark" rectangles shrink by this many pixels on each side, past their anti-aliased edge.
const SHRINK_PX: f32 = 1.0;
/// A pixel darker than this counts as part of a box.
const DARK_LEVEL: u8 = 128;
/// Share of a box's pixels that must be dark; the rest is the white label. Measured on the 434
/// boxes of the redacted fixtures of eight producers: the least dark one is 0.74 at 40 dpi
/// (0.67 at 24–72 dpi); a box that is not drawn is 0.00 (the text under it is gone).
const DARK_SHARE: f32 = 0.5;
/// Bytes of the renderer's stderr kept (the rest is read and dropped, so it never blocks).
const MAX_STDERR: usize = 256 << 10;

/// Which of the two files the renderer was working on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The original document.
    Input,
    /// The redacted document.
    Output,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Input => "input",
            Side::Output => "output",
        })
    }
}

/// Why a comparison could not be made or did not pass.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The renderer is not installed: the caller decides whether that is fatal.
    #[error("renderer not installed: {program} not found (Debian: poppler-utils)")]
    NotInstalled {
        /// The program that was looked for.
        program: String,
    },
    /// The renderer could not do its work (failed on the input, timed out, produced something
    /// unreadable): nothing is known about the output.
    #[error("renderer failed on the {side}: {reason}")]
    Renderer {
        /// The file it was rendering.
        side: Side,
        /// What happened.
        reason: String,
    },
    /// The renderers did not finish in time and were killed.
    #[error("renderer timed out after {:.1} s (killed)", .after.as_secs_f32())]
    TimedOut {
        /// The time allowed.
        after: Duration,
    },
    /// The input's page geometry cannot be read, or the masks do not fit the input.
    #[error("cannot compare: {0}")]
    Input(String),
    /// The output does not look like the input.
    #[error(transparent)]
    Mismatch(#[from] Mismatch),
}

/// What is visibly wrong with the output.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Mismatch {
    /// Poppler could not open or render the output at all.
    #[error("poppler cannot render the output: {message}")]
    Unrenderable {
        /// Poppler's exit status and messages.
        message: String,
    },
    /// Poppler complains about the output where it did not about the input: a viewer may stop
    /// drawing the page there.
    #[error("poppler reports a syntax error in the output: {message}")]
    SyntaxError {
        /// Poppler's message (the first new one).
        message: String,
    },
    /// An input page has no counterpart.
    #[error("page {} missing in the output", .page + 1)]
    PageMissing {
        /// 0-based page index.
        page: usize,
    },
    /// The page has another size or orientation.
    #[error("page {}: the output page is {out_w}×{out_h} px, the input page {in_w}×{in_h} px", .page + 1)]
    PageSize {
        /// 0-based page index.
        page: usize,
        /// Input width in pixels.
        in_w: usize,
        /// Input height in pixels.
        in_h: usize,
        /// Output width in pixels.
        out_w: usize,
        /// Output height in pixels.
        out_h: usize,
    },
    /// Pixels outside the redaction boxes changed.
    #[error("page {}: {pixels} pixels changed outside the redaction boxes (first at x {x}, y {y} px)", .page + 1)]
    Changed {
        /// 0-based page index.
        page: usize,
        /// How many pixels changed.
        pixels: usize,
        /// Column of the first changed pixel, from the left.
        x: usize,
        /// Row of the first changed pixel, from the top.
        y: usize,
    },
    /// A box is not dark: not drawn, or drawn somewhere else.
    #[error("page {}: a redaction box is not dark (not drawn?): {:.0}% dark at {rect:?}", .page + 1, .share * 100.0)]
    NotDark {
        /// 0-based page index.
        page: usize,
        /// The box in user space.
        rect: [f32; 4],
        /// Share of its pixels that are dark.
        share: f32,
    },
}

/// What the comparison saw when it passed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderReport {
    /// One entry per input page.
    pub pages: Vec<PageReport>,
    /// Pages the output has after the input's (a justification page).
    pub extra_output_pages: usize,
    /// Wall time for rendering both files and comparing them.
    pub elapsed: Duration,
}

/// The comparison of one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageReport {
    /// Width of the rendering in pixels.
    pub width: usize,
    /// Height of the rendering in pixels.
    pub height: usize,
    /// Largest grey level difference of one pixel outside the masks.
    pub max_delta: u8,
    /// Largest difference of the mean grey level of 3 × 3 pixels, among the pixels outside the
    /// masks that differ by more than the pixel threshold.
    pub max_local_delta: u8,
    /// Pixels outside the masks whose 3 × 3 mean differs by more than the threshold
    /// (tolerated up to a few).
    pub changed: usize,
    /// Boxes whose darkness was checked.
    pub boxes_checked: usize,
    /// Boxes too thin to check at this resolution (nothing is left after shrinking them).
    pub boxes_too_small: usize,
    /// The smallest dark share among the checked boxes (1.0 without boxes).
    pub darkest_min: f32,
}

/// Renders `input` and `output` and checks that every input page looks the same in the output
/// except inside the masks' `changed` and `dark` rectangles, and that every `dark` rectangle is
/// dark. Output pages after the input's are rendered (a syntax error there counts) but not
/// compared.
pub fn compare(
    input: &[u8],
    output: &[u8],
    masks: &[PageMask],
    opts: &RenderOptions,
) -> Result<RenderReport, RenderError> {
    let started = Instant::now();
    let geometry = page_geometry(input).map_err(RenderError::Input)?;
    let mut by_page: Vec<Vec<&PageMask>> = vec![Vec::new(); geometry.len()];
    for m in masks {
        match by_page.get_mut(m.page) {
            Some(v) => v.push(m),
            None => {
                return Err(RenderError::Input(format!(
                    "a mask for page {}, but the input has {} pages",
                    m.page + 1,
                    geometry.len()
                )));
            }
        }
    }
    let pages = u32::try_from(geometry.len()).unwrap_or(u32::MAX);
    let timeout = opts.timeout.saturating_add(opts.timeout_per_page.saturating_mul(pages));
    let inp = Renderer::spawn(opts, Side::Input)?;
    let out = match Renderer::spawn(opts, Side::Output) {
        Ok(r) => r,
        Err(e) => {
            kill(&inp.process);
            let _ = reap(&inp.process);
            return Err(e);
        }
    };
    let Renderer {
        process: in_proc,
        stdin: in_stdin,
        stdout: mut in_stdout,
        stderr: in_stderr,
    } = inp;
    let Renderer {
        process: out_proc,
        stdin: out_stdin,
        stdout: mut out_stdout,
        stderr: out_stderr,
    } = out;
    let timed_out = AtomicBool::new(false);
    let (done, wake) = mpsc::channel::<()>();
    let k = opts.dpi / 72.0;
    let (walk, in_status, out_status, in_err, out_err) = std::thread::scope(|s| {
        // Separate writers and stderr readers: a renderer that blocks on one pipe while we
        // wait on another would otherwise hang both of us.
        s.spawn(move || feed(in_stdin, input));
        s.spawn(move || feed(out_stdin, output));
        let in_err = s.spawn(move || drain(in_stderr));
        let out_err = s.spawn(move || drain(out_stderr));
        let (in_ref, out_ref, flag) = (&in_proc, &out_proc, &timed_out);
        s.spawn(move || {
            // Woken (or disconnected) once both renderers are reaped; at the deadline it kills
            // them, which closes their pipes and ends every read in this function.
            if let Err(mpsc::RecvTimeoutError::Timeout) = wake.recv_timeout(timeout) {
                flag.store(true, Ordering::SeqCst);
                kill(in_ref);
                kill(out_ref);
            }
        });
        let walk = walk_pages(&mut in_stdout, &mut out_stdout, &geometry, &by_page, k);
        if walk.is_err() {
            kill(&in_proc);
            kill(&out_proc);
        }
        // A renderer still writing gets a broken pipe instead of waiting for a reader.
        drop(in_stdout);
        drop(out_stdout);
        let statuses = (reap(&in_proc), reap(&out_proc));
        drop(done);
        (
            walk,
            statuses.0,
            statuses.1,
            in_err.join().unwrap_or_default(),
            out_err.join().unwrap_or_default(),
        )
    });
    if timed_out.load(Ordering::SeqCst) {
        return Err(RenderError::TimedOut { after: timeout });
    }
    let renderer = |side: Side| move |reason: String| RenderError::Renderer { side, reason };
    let in_status = in_status.map_err(renderer(Side::Input))?;
    let out_status = out_status.map_err(renderer(Side::Output))?;
    let failed = |status: ExitStatus, stderr: &str| format!("{status}: {}", first_lines(stderr));
    // A renderer that gave up on the input by itself says more than the pages it left out.
    if in_status.code().is_some_and(|c| c != 0) {
        return Err(renderer(Side::Input)(failed(in_status, &in_err)));
    }
    // After a failed read both were killed: their statuses say nothing.
    let walk = walk?;
    if !in_status.success() {
        return Err(renderer(Side::Input)(failed(in_status, &in_err)));
    }
    if !out_status.success() {
        return Err(Mismatch::Unrenderable {
            message: failed(out_status, &out_err),
        }
        .into());
    }
    if let Some(message) = new_syntax_error(&in_err, &out_err) {
        return Err(Mismatch::SyntaxError { message }.into());
    }
    if let Some(m) = walk.mismatch {
        return Err(m.into());
    }
    Ok(RenderReport {
        pages: walk.pages,
        extra_output_pages: walk.extra_output_pages,
        elapsed: started.elapsed(),
    })
}

/// One running `pdftoppm` and its pipes.
struct Renderer {
    /// Shared with the watchdog, which may kill it while this thread reads its output.
    process: Mutex<Child>,
    stdin: Option<ChildStdin>,
    stdout: Counted,
    stderr: Option<ChildStderr>,
}

impl Renderer {
    fn spawn(opts: &RenderOptions, side: Side) -> Result<Renderer, RenderError> {
        // `-cropbox`: a viewer shows the crop box, pdftoppm by default the media box.
        // The input's annotations are hidden: the redactor removes every annotation on purpose
        // and what must survive is the page content. The output's are drawn: whatever the
        // output still shows, a reader sees.
        let mut cmd = Command::new(&opts.program);
        cmd.arg("-gray").arg("-r").arg(opts.dpi.to_string()).arg("-cropbox");
        if side == Side::Input {
            cmd.arg("-hide-annotations");
        }
        // `-` reads the PDF from stdin; without an output prefix every page goes to stdout,
        // one PGM after the other.
        cmd.arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| match e.kind() {
            ErrorKind::NotFound => RenderError::NotInstalled {
                program: opts.program.display().to_string(),
            },
            _ => RenderError::Renderer {
                side,
                reason: format!("cannot start {}: {e}", opts.program.display()),
            },
        })?;
        let (stdin, stderr) = (child.stdin.take(), child.stderr.take());
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RenderError::Renderer {
                side,
                reason: "no stdout".into(),
            });
        };
        Ok(Renderer {
            process: Mutex::new(child),
            stdin,
            stdout: Counted {
                inner: BufReader::with_capacity(1 << 16, stdout),
                read: 0,
                limit: opts.max_output_bytes,
            },
            stderr,
        })
    }
}

fn kill(p: &Mutex<Child>) {
    let mut c = p.lock().unwrap_or_else(|e| e.into_inner());
    let _ = c.kill();
}

/// Waits for the process to end without holding the lock, so the watchdog can still kill it.
fn reap(p: &Mutex<Child>) -> Result<ExitStatus, String> {
    let mut pause = Duration::from_micros(200);
    loop {
        let polled = p.lock().unwrap_or_else(|e| e.into_inner()).try_wait();
        match polled {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(10));
            }
            Err(e) => return Err(format!("cannot wait for the renderer: {e}")),
        }
    }
}

fn feed(stdin: Option<ChildStdin>, bytes: &[u8]) {
    if let Some(mut w) = stdin {
        // A renderer that stops reading (it failed, or was killed) breaks the pipe; its exit
        // status says what happened.
        let _ = w.write_all(bytes);
    }
}

fn drain(stderr: Option<ChildStderr>) -> String {
    let Some(mut r) = stderr else { return String::new() };
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let room = MAX_STDERR.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

fn first_lines(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).take(3).collect();
    if lines.is_empty() {
        "no message".into()
    } else {
        lines.join("; ")
    }
}

/// The first "Syntax Error" line of the output that the input does not have as often. Byte
/// offsets are dropped: the output's streams are rewritten, so the same problem sits elsewhere.
fn new_syntax_error(input: &str, output: &str) -> Option<String> {
    fn errors(s: &str) -> Vec<(&str, String)> {
        s.lines()
            .filter_map(|l| {
                let rest = l.trim().strip_prefix("Syntax Error")?;
                let rest = match rest.trim_start().strip_prefix('(') {
                    Some(r) => r.split_once(')').map_or(r, |(_, after)| after),
                    None => rest,
                };
                Some((l.trim(), rest.trim_start_matches([':', ' ']).to_string()))
            })
            .collect()
    }
    let mut seen: Vec<String> = errors(input).into_iter().map(|(_, m)| m).collect();
    for (line, m) in errors(output) {
        match seen.iter().position(|s| *s == m) {
            Some(i) => {
                seen.swap_remove(i);
            }
            None => return Some(line.to_string()),
        }
    }
    None
}

/// A renderer's stdout, with a bound on what is read from it.
struct Counted {
    inner: BufReader<ChildStdout>,
    read: u64,
    limit: u64,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other(format!(
                "more than {} bytes of images",
                self.limit
            )));
        }
        Ok(n)
    }
}

/// What reading both renderings page by page found.
#[derive(Default)]
struct Walk {
    pages: Vec<PageReport>,
    extra_output_pages: usize,
    /// The first page that does not pass (all pages are still read: poppler's complaints,
    /// reported first, come with the rest of the file).
    mismatch: Option<Mismatch>,
}

fn walk_pages(
    inp: &mut Counted,
    out: &mut Counted,
    geometry: &[PageGeometry],
    masks: &[Vec<&PageMask>],
    k: f32,
) -> Result<Walk, RenderError> {
    let renderer = |side: Side| move |reason: String| RenderError::Renderer { side, reason };
    // The largest page PDF allows without `/UserUnit` (which poppler ignores) is 200 × 200
    // inches; a pixel of slack on each side for rounding.
    let max_side = (200.0 * 72.0 * k).ceil().max(0.0) as usize + 2;
    let max_pixels = max_side.saturating_mul(max_side);
    let mut walk = Walk::default();
    let (mut a, mut b) = (Gray::default(), Gray::default());
    let mut output_ended = false;
    for (page, geom) in geometry.iter().enumerate() {
        if !read_pgm(inp, &mut a, max_pixels).map_err(renderer(Side::Input))? {
            return Err(renderer(Side::Input)(format!(
                "{page} pages rendered, the page tree lists {}",
                geometry.len()
            )));
        }
        // Our reading of the page boxes must agree with poppler's, or every mask is misplaced.
        let (w, h) = geom.size_px(k);
        if (a.width as f32 - w).abs() >= 1.5 || (a.height as f32 - h).abs() >= 1.5 {
            return Err(renderer(Side::Input)(format!(
                "page {} rendered as {}×{} px, its crop box and rotation give {w:.1}×{h:.1}",
                page + 1,
                a.width,
                a.height
            )));
        }
        if !output_ended && !read_pgm(out, &mut b, max_pixels).map_err(renderer(Side::Output))? {
            output_ended = true;
        }
        if output_ended {
            walk.mismatch.get_or_insert(Mismatch::PageMissing { page });
            continue;
        }
        match compare_page(page, geom, &a, &b, &masks[page], k) {
            Ok(r) => walk.pages.push(r),
            Err(m) => {
                walk.mismatch.get_or_insert(m);
            }
        }
    }
    if read_pgm(inp, &mut a, max_pixels).map_err(renderer(Side::Input))? {
        return Err(renderer(Side::Input)(format!(
            "poppler renders more pages than the {} the page tree lists",
            geometry.len()
        )));
    }
    while !output_ended && read_pgm(out, &mut b, max_pixels).map_err(renderer(Side::Output))? {
        walk.extra_output_pages += 1;
    }
    Ok(walk)
}

/// One rendered page: 8-bit grey, rows top to bottom.
#[derive(Default)]
struct Gray {
    width: usize,
    height: usize,
    px: Vec<u8>,
}

/// Reads the next binary PGM (P5) into `img`; `false` at the end of the stream.
/// `max_pixels` bounds the page (a renderer's header is not trusted with an allocation).
fn read_pgm(r: &mut impl Read, img: &mut Gray, max_pixels: usize) -> Result<bool, String> {
    let mut byte = || -> Result<Option<u8>, String> {
        let mut b = [0u8; 1];
        loop {
            return match r.read(&mut b) {
                Ok(0) => Ok(None),
                Ok(_) => Ok(Some(b[0])),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => Err(format!("reading the rendering: {e}")),
            };
        }
    };
    match byte()? {
        None => return Ok(false),
        Some(b'P') => {}
        Some(_) => return Err("the rendering is not a PGM image".into()),
    }
    if byte()? != Some(b'5') {
        return Err("the rendering is not a binary PGM image".into());
    }
    // Width, height and maximum value, each after whitespace or comments; exactly one
    // whitespace byte ends the header (it is the delimiter read after the last digit).
    let mut fields = [0usize; 3];
    for field in &mut fields {
        let mut c = byte()?.ok_or("the rendering ends in its header")?;
        loop {
            if c == b'#' {
                while c != b'\n' {
                    c = byte()?.ok_or("the rendering ends in its header")?;
                }
            }
            if !c.is_ascii_whitespace() {
                break;
            }
            c = byte()?.ok_or("the rendering ends in its header")?;
        }
        let mut digits = 0;
        while c.is_ascii_digit() {
            digits += 1;
            if digits > 9 {
                return Err("a number in the PGM header is too long".into());
            }
            *field = *field * 10 + usize::from(c - b'0');
            c = byte()?.ok_or("the rendering ends in its header")?;
        }
        if digits == 0 || !c.is_ascii_whitespace() {
            return Err("malformed PGM header".into());
        }
    }
    let [width, height, maxval] = fields;
    if maxval == 0 || maxval > 255 {
        return Err(format!("PGM with maximum value {maxval}, expected 8 bits"));
    }
    let n = width
        .checked_mul(height)
        .filter(|&n| n <= max_pixels)
        .ok_or_else(|| format!("a rendered page of {width}×{height} px is too large"))?;
    img.width = width;
    img.height = height;
    img.px.resize(n, 0);
    r.read_exact(&mut img.px)
        .map_err(|e| format!("the rendering ends inside a page ({e})"))?;
    if maxval != 255 {
        for p in &mut img.px {
            *p = (usize::from(*p) * 255 / maxval).min(255) as u8;
        }
    }
    Ok(true)
}

/// The visible area of a page as poppler renders it: the crop box (clipped to the media box)
/// turned by `/Rotate`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PageGeometry {
    /// x0, y0, x1, y1 with x0 < x1 and y0 < y1.
    crop: [f32; 4],
    /// 0, 90, 180 or 270 degrees clockwise.
    rotate: u16,
}

impl PageGeometry {
    /// Image size in (fractional) pixels at `k` pixels per point.
    fn size_px(&self, k: f32) -> (f32, f32) {
        let [x0, y0, x1, y1] = self.crop;
        let (w, h) = ((x1 - x0) * k, (y1 - y0) * k);
        if self.rotate % 180 == 90 { (h, w) } else { (w, h) }
    }

    /// A user-space point in pixels from the top left of the rendering.
    fn pixel(&self, x: f32, y: f32, k: f32) -> (f32, f32) {
        let [x0, y0, x1, y1] = self.crop;
        // Turning the page clockwise: at 90° its left edge is on top and its bottom on the
        // left, at 180° it is upside down, at 270° its right edge is on top.
        let (px, py) = match self.rotate {
            90 => (y - y0, x - x0),
            180 => (x1 - x, y - y0),
            270 => (y1 - y, x1 - x),
            _ => (x - x0, y1 - y),
        };
        (px * k, py * k)
    }

    /// A user-space rectangle in pixels: left, top, right, bottom.
    fn rect_px(&self, r: &[f32; 4], k: f32) -> [f32; 4] {
        let (ax, ay) = self.pixel(r[0], r[1], k);
        let (bx, by) = self.pixel(r[2], r[3], k);
        [ax.min(bx), ay.min(by), ax.max(bx), ay.max(by)]
    }
}

/// Every page's geometry, in page order, read the way poppler reads it.
fn page_geometry(pdf: &[u8]) -> Result<Vec<PageGeometry>, String> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| format!("the input cannot be read: {e}"))?;
    doc.page_iter()
        .enumerate()
        .map(|(i, id)| {
            let media = inherited(&doc, id, b"MediaBox", |o| read_box(&doc, o)).unwrap_or([0.0, 0.0, 612.0, 792.0]);
            let mut crop = inherited(&doc, id, b"CropBox", |o| read_box(&doc, o)).unwrap_or(media);
            // As poppler does: a crop box wider (taller) than the media box takes the media
            // box's extent, then it is clipped to the media box.
            for (lo, hi) in [(0, 2), (1, 3)] {
                if crop[hi] - crop[lo] > media[hi] - media[lo] {
                    crop[lo] = media[lo];
                    crop[hi] = media[hi];
                }
                crop[lo] = crop[lo].max(media[lo]);
                crop[hi] = crop[hi].min(media[hi]);
            }
            if !(crop[2] > crop[0] && crop[3] > crop[1]) || crop.iter().any(|v| !v.is_finite()) {
                return Err(format!("page {}: empty crop box", i + 1));
            }
            // Only an integer counts (poppler ignores anything else); a value that is not a
            // multiple of 90 is drawn unrotated.
            let rotate = inherited(&doc, id, b"Rotate", |o| match doc.dereference(o) {
                Ok((_, lopdf::Object::Integer(r))) => Some(r.rem_euclid(360)),
                _ => None,
            })
            .unwrap_or(0);
            let rotate = match rotate {
                90 => 90,
                180 => 180,
                270 => 270,
                _ => 0,
            };
            Ok(PageGeometry { crop, rotate })
        })
        .collect()
}

/// The first value of `key` that `read` accepts, on the page or up its page tree.
fn inherited<T>(
    doc: &lopdf::Document,
    page: lopdf::ObjectId,
    key: &[u8],
    read: impl Fn(&lopdf::Object) -> Option<T>,
) -> Option<T> {
    let mut id = page;
    // A bound instead of a visited set: page trees are shallow, and a cycle just ends here.
    for _ in 0..64 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Some(v) = dict.get(key).ok().and_then(&read) {
            return Some(v);
        }
        id = dict.get(b"Parent").and_then(|p| p.as_reference()).ok()?;
    }
    None
}

/// A rectangle of four numbers, normalised; all zero counts as absent (as in poppler).
fn read_box(doc: &lopdf::Document, o: &lopdf::Object) -> Option<[f32; 4]> {
    let (_, o) = doc.dereference(o).ok()?;
    let a = o.as_array().ok()?;
    if a.len() != 4 {
        return None;
    }
    let mut v = [0f32; 4];
    for (slot, item) in v.iter_mut().zip(a) {
        *slot = doc.dereference(item).ok()?.1.as_float().ok()?;
    }
    if v == [0.0; 4] {
        return None;
    }
    Some([v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])])
}

/// Compares one page; the masks are in user space.
fn compare_page(
    page: usize,
    geom: &PageGeometry,
    a: &Gray,
    b: &Gray,
    masks: &[&PageMask],
    k: f32,
) -> Result<PageReport, Mismatch> {
    if (a.width, a.height) != (b.width, b.height) {
        return Err(Mismatch::PageSize {
            page,
            in_w: a.width,
            in_h: a.height,
            out_w: b.width,
            out_h: b.height,
        });
    }
    let (w, h) = (a.width, a.height);
    let mut report = PageReport {
        width: w,
        height: h,
        darkest_min: 1.0,
        ..PageReport::default()
    };
    if a.px != b.px {
        let mut allowed = vec![false; w * h];
        for r in masks.iter().flat_map(|m| m.changed.iter().chain(&m.dark)) {
            let [l, t, rt, bt] = geom.rect_px(r, k);
            let (x0, x1) = span(l - DILATE_PX, rt + DILATE_PX, w, true);
            let (y0, y1) = span(t - DILATE_PX, bt + DILATE_PX, h, true);
            for y in y0..y1 {
                allowed[y * w + x0..y * w + x1].fill(true);
            }
        }
        // The renderer does not draw the same thing twice the same way when a coordinate only
        // changed in its last digit (lopdf writes `0.24` for `.23999999`), and two effects
        // were measured on the Chromium fixture:
        // - poppler puts a glyph on a whole pixel row (and a quarter-pixel column): a line of
        //   text can jump by one pixel, so a pixel only differs when its value lies outside
        //   the range of the other rendering's 3 × 3 neighbourhood (in either direction);
        // - a thin stem moved by a quarter pixel spreads its ink over two pixels instead of
        //   one (87/255 becomes 139/203 at 50 dpi), which is outside that range; but the ink
        //   stays: the sums over 3 × 3 pixels stay within a quarter of a black column.
        // Ink that is gone, new or more than a pixel away fails both.
        let window = |img: &[u8], i: usize| {
            let (x, y) = (i % w, i / w);
            let (mut lo, mut hi, mut sum) = (u8::MAX, u8::MIN, 0u16);
            for ny in y.saturating_sub(1)..(y + 2).min(h) {
                for &p in &img[ny * w + x.saturating_sub(1)..ny * w + (x + 2).min(w)] {
                    lo = lo.min(p);
                    hi = hi.max(p);
                    sum += u16::from(p);
                }
            }
            (lo.saturating_sub(PIXEL_DELTA), hi.saturating_add(PIXEL_DELTA), sum)
        };
        let mut first = None;
        // Rows that are byte-identical (most of a page) are skipped with one comparison.
        let differing_rows = (0..h).filter(|&y| a.px[y * w..(y + 1) * w] != b.px[y * w..(y + 1) * w]);
        for i in differing_rows.flat_map(|y| y * w..(y + 1) * w).filter(|&i| !allowed[i]) {
            let (pa, pb) = (a.px[i], b.px[i]);
            let d = pa.abs_diff(pb);
            report.max_delta = report.max_delta.max(d);
            if d <= PIXEL_DELTA {
                continue;
            }
            let (alo, ahi, asum) = window(&a.px, i);
            let (blo, bhi, bsum) = window(&b.px, i);
            let local = (asum.abs_diff(bsum) / 9) as u8;
            report.max_local_delta = report.max_local_delta.max(local);
            let out_of_range = !(alo..=ahi).contains(&pb) || !(blo..=bhi).contains(&pa);
            if out_of_range && local > LOCAL_DELTA {
                report.changed += 1;
                first.get_or_insert(i);
            }
        }
        if let Some(i) = first.filter(|_| report.changed > MAX_CHANGED) {
            return Err(Mismatch::Changed {
                page,
                pixels: report.changed,
                x: i % w,
                y: i / w,
            });
        }
    }
    for r in masks.iter().flat_map(|m| &m.dark) {
        let [l, t, rt, bt] = geom.rect_px(r, k);
        let (x0, x1) = span(l + SHRINK_PX, rt - SHRINK_PX, w, false);
        let (y0, y1) = span(t + SHRINK_PX, bt - SHRINK_PX, h, false);
        if x0 >= x1 || y0 >= y1 {
            report.boxes_too_small += 1;
            continue;
        }
        let dark: usize = (y0..y1)
            .map(|y| b.px[y * w + x0..y * w + x1].iter().filter(|&&p| p < DARK_LEVEL).count())
            .sum();
        let share = dark as f32 / ((x1 - x0) * (y1 - y0)) as f32;
        report.boxes_checked += 1;
        report.darkest_min = report.darkest_min.min(share);
        if share < DARK_SHARE {
            return Err(Mismatch::NotDark { page, rect: *r, share });
        }
    }
    Ok(report)
}

/// Pixel columns (or rows) `[from, to)` covered by the interval `[lo, hi]` within `0..len`:
/// every pixel it touches (`touch`), or only those wholly inside it.
fn span(lo: f32, hi: f32, len: usize, touch: bool) -> (usize, usize) {
    let (lo, hi) = if touch {
        (lo.floor(), hi.ceil())
    } else {
        (lo.ceil(), hi.floor())
    };
    // Saturating float-to-int casts: NaN and negatives become 0, huge values the length.
    let clamp = |v: f32| (v.max(0.0) as usize).min(len);
    (clamp(lo), clamp(hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Object, dictionary};

    #[test]
    fn pgm_streams_are_read_page_by_page() {
        let mut bytes = b"P5\n3 2\n255\n".to_vec();
        bytes.extend([0, 1, 2, 3, 4, 5]);
        bytes.extend(b"P5 # a comment\n1\t1 15 ");
        bytes.push(15);
        let mut r = &bytes[..];
        let mut img = Gray::default();
        assert_eq!(read_pgm(&mut r, &mut img, 100), Ok(true));
        assert_eq!(
            (img.width, img.height, img.px.as_slice()),
            (3, 2, &[0, 1, 2, 3, 4, 5][..])
        );
        assert_eq!(read_pgm(&mut r, &mut img, 100), Ok(true));
        assert_eq!((img.width, img.height, img.px.as_slice()), (1, 1, &[255][..]));
        assert_eq!(read_pgm(&mut r, &mut img, 100), Ok(false));
        for bad in [
            &b"P6\n1 1\n255\n\0"[..],
            b"P5\n1 1\n65535\n\0\0",
            b"P5\n2 2\n255\n\0",
            b"P5\n1",
            b"P5\n9999999999 1\n255\n",
            b"P5\n-1 1\n255\n",
        ] {
            assert!(read_pgm(&mut &bad[..], &mut img, 100).is_err(), "{bad:?}");
        }
        assert!(read_pgm(&mut &b"P5\n11 10\n255\n"[..], &mut img, 100).is_err());
    }

    #[test]
    fn only_syntax_errors_the_input_does_not_have_count() {
        let input = "Syntax Error (12): Unknown operator 'xx'\nSyntax Warning: something\n";
        assert_eq!(
            new_syntax_error(input, "Syntax Error (977): Unknown operator 'xx'\n"),
            None
        );
        assert_eq!(new_syntax_error(input, "Syntax Warning: other\n"), None);
        assert_eq!(
            new_syntax_error(input, "Syntax Error (5): Too few (0) args to 'TJ' operator\n").as_deref(),
            Some("Syntax Error (5): Too few (0) args to 'TJ' operator")
        );
        // The same complaint once more than in the input is new.
        let twice = "Syntax Error (1): Unknown operator 'xx'\nSyntax Error (2): Unknown operator 'xx'";
        assert!(new_syntax_error(input, twice).is_some());
        assert!(new_syntax_error("", "Syntax Error: Couldn't find trailer dictionary").is_some());
    }

    #[test]
    fn user_space_maps_to_pixels_for_every_rotation() {
        // A 100 × 50 pt crop box at (10, 20), 72 dpi: one pixel per point.
        let geom = |rotate| PageGeometry {
            crop: [10.0, 20.0, 110.0, 70.0],
            rotate,
        };
        let corner = [10.0, 20.0, 12.0, 21.0]; // 2 × 1 pt at the crop box's lower left
        assert_eq!(geom(0).rect_px(&corner, 1.0), [0.0, 49.0, 2.0, 50.0]);
        assert_eq!(geom(90).rect_px(&corner, 1.0), [0.0, 0.0, 1.0, 2.0]);
        assert_eq!(geom(180).rect_px(&corner, 1.0), [98.0, 0.0, 100.0, 1.0]);
        assert_eq!(geom(270).rect_px(&corner, 1.0), [49.0, 98.0, 50.0, 100.0]);
        assert_eq!(geom(90).size_px(2.0), (100.0, 200.0));
        assert_eq!(span(-3.5, 2.2, 10, true), (0, 3));
        assert_eq!(span(1.5, 4.5, 10, false), (2, 4));
        assert_eq!(span(f32::NAN, 1e12, 10, true), (0, 10));
    }

    #[test]
    fn page_boxes_and_rotation_are_inherited_and_clipped_like_poppler() {
        let mut doc = lopdf::Document::with_version("1.7");
        let pages = doc.new_object_id();
        let media = doc.add_object(Object::Array(vec![0.into(), 0.into(), 200.into(), 100.into()]));
        let inherits = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages });
        let own = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Rotate" => -90,
            // Wider than the media box: takes its width; below it: clipped.
            "CropBox" => vec![(-10).into(), 50.into(), 300.into(), (-20).into()],
        });
        let odd = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Rotate" => 45, "CropBox" => vec![0.into(); 4],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![inherits.into(), own.into(), odd.into()], "Count" => 3,
                "MediaBox" => media, "Rotate" => 180,
            }),
        );
        let cat = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", cat);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let g = page_geometry(&bytes).unwrap();
        assert_eq!(
            g,
            [
                PageGeometry {
                    crop: [0.0, 0.0, 200.0, 100.0],
                    rotate: 180
                },
                PageGeometry {
                    crop: [0.0, 0.0, 200.0, 50.0],
                    rotate: 270
                },
                PageGeometry {
                    crop: [0.0, 0.0, 200.0, 100.0],
                    rotate: 0
                },
            ]
        );
        assert!(page_geometry(b"not a pdf").is_err());
    }

    #[test]
    fn a_missing_renderer_is_reported_as_such() {
        let opts = RenderOptions {
            program: "/nonexistent/pdftoppm".into(),
            ..RenderOptions::default()
        };
        let pdf = minimal_pdf();
        assert!(matches!(
            compare(&pdf, &pdf, &[], &opts),
            Err(RenderError::NotInstalled { .. })
        ));
    }

    #[test]
    fn a_renderer_that_hangs_is_killed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("hang");
        // Reads nothing and writes nothing: the pipes stay open until it is killed.
        std::fs::write(&script, "#!/bin/sh\nexec sleep 30\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
        let opts = RenderOptions {
            program: script,
            timeout: Duration::from_millis(300),
            timeout_per_page: Duration::ZERO,
            ..RenderOptions::default()
        };
        let pdf = minimal_pdf();
        let started = Instant::now();
        assert!(matches!(
            compare(&pdf, &pdf, &[], &opts),
            Err(RenderError::TimedOut { .. })
        ));
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    fn minimal_pdf() -> Vec<u8> {
        let mut doc = lopdf::Document::with_version("1.7");
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
            }),
        );
        let cat = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", cat);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }
}
