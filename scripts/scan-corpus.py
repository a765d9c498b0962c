#!/usr/bin/env python3
"""Makes scanned versions of the synthetic development corpus (../shared/corpus-dev), so the
OCR path of woo-redact can be tested and scored on pages that hold no text, only pictures
of text, the way paper that went through an office scanner arrives in a Woo request.

    nice -n 10 scripts/scan-corpus.py OUT_DIR [--producer rl-helv] [--dpi 200,300]
                                      [--ccitt-dpi 300] [--docs N] [--jobs 2]
    nice -n 10 scripts/scan-corpus.py --fixtures [DIR]      # default fixtures/scans

What it makes (one PDF per input PDF and variant, same file name):
    OUT_DIR/jpeg200/<id>.pdf   grey JPEG (quality 75) at 200 dpi
    OUT_DIR/jpeg300/<id>.pdf   grey JPEG (quality 75) at 300 dpi
    OUT_DIR/ccitt300/<id>.pdf  bi-level (threshold), CCITT Group 4, at 300 dpi
    OUT_DIR/scan-corpus.json   per file and page: the skew angle, image size and bytes
Every page is rendered with poppler (`pdftoppm -gray -r DPI`) and then degraded like a
real scanner: a slight skew (±0.3..1.2 degrees, pseudo-random but fixed by file name and
page number, the same for all variants of a page), a little blur, compressed contrast (ink
not black, paper not white) and light noise. The bi-level variant thresholds the same
degraded grey page. The images are wrapped into PDFs with img2pdf, which embeds the JPEG
and the CCITT G4 data as they are (no re-encoding), one image per page, placed at its dpi
so the page keeps the original's size (A4). The PDFs carry no text layer, no dates and no
/ID: a re-run with the same tool versions gives the same bytes.

--fixtures writes the small committed fixtures of fixtures/scans/ (see FIXTURES below) and
fixtures/scans/expect.toml: per fixture the truth `sensitive` strings that Tesseract
(`pdftoppm -r 300 -gray` | `tesseract - - -l nld`) reads on the fixture and that must be
gone after redaction, and a few must-keep strings it reads that must stay. Matching is
scan-score.py's (digits only for phone numbers, IBAN, BSN, V-numbers).

Personal data: corpus-dev is synthetic (generated names and numbers), so its scans may be
committed as fixtures. The real documents of ../shared/real-dev are never read here.
Corpus output goes to OUT_DIR, which should lie outside the repository.

Made with Python 3.11, Pillow 13.0.0, img2pdf 0.6.3, poppler-utils 22.12.0, tesseract 5.3.0
(`python3 -m pip install Pillow img2pdf`). ImageMagick is not used.
"""
import argparse
import hashlib
import importlib.util
import io
import json
import random
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

try:
    import img2pdf
    from PIL import Image, ImageChops, ImageFilter, TiffImagePlugin
except ImportError as e:
    sys.exit(f"scan-corpus.py: Python package '{e.name}' is missing: python3 -m pip install Pillow img2pdf")

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus-dev")
JPEG_QUALITY = 75
NOISE = 4            # noise amplitude (grey levels, triangular distribution ±NOISE)
INK, PAPER = 22, 241  # grey levels black and white end up at
THRESHOLD = 150       # bi-level: darker than this is ink

# The committed fixtures: (file, corpus id, page, kind, dpi, /Rotate, what)
FIXTURES = [
    ("email-jpeg200.pdf", "0011-email", 3, "jpeg", 200, 0,
     "last page of an e-mail thread, grey JPEG at 200 dpi: a private person with IBAN, the "
     "signature block of a listed civil servant (name, mobile, e-mail), a functional mailbox"),
    ("verslag-ccitt300.pdf", "0003-verslag", 1, "ccitt", 300, 0,
     "a full page of minutes, bi-level CCITT G4 at 300 dpi: attendees, BSN, date of birth, "
     "V-number, phone numbers and e-mail addresses"),
    ("email-rot90-jpeg200.pdf", "0004-email", 3, "jpeg", 200, 90,
     "e-mail page scanned sideways: the JPEG (200 dpi) is stored turned 90 degrees "
     "counter-clockwise and the page has /Rotate 90, so it shows upright; date of birth, "
     "V-number, phones, e-mail"),
    ("email-jpeg150.pdf", "0035-email", 2, "jpeg", 150, 0,
     "e-mail header and signature at a low 150 dpi (grey JPEG, below the 200 dpi the OCR "
     "upsamples to): display names 'Achternaam, Voornaam', e-mail addresses, phones"),
]


# ------------------------------------------------------------------ images
def seed_for(name: str, page: int) -> random.Random:
    return random.Random(hashlib.sha256(f"{name}:{page}".encode()).digest())


def skew_angle(name: str, page: int) -> float:
    rng = seed_for(name, page)
    return round(rng.choice((-1, 1)) * rng.uniform(0.3, 1.2), 2)


def render(pdf: Path, page: int, dpi: int) -> Image.Image:
    r = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                       capture_output=True, check=True)
    return Image.open(io.BytesIO(r.stdout)).convert("L")


def degrade(img: Image.Image, name: str, page: int, dpi: int) -> Image.Image:
    """Skew, blur, contrast and noise: the grey page a 'scanner' delivers."""
    rng = random.Random(hashlib.sha256(f"{name}:{page}:{dpi}:noise".encode()).digest())
    angle = skew_angle(name, page)
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(0.5 * dpi / 200))
    img = img.point(lambda v: INK + v * (PAPER - INK) // 255)
    w, h = img.size
    lut = [v * NOISE // 255 for v in range(256)]
    n1 = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(lut)
    n2 = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(lut)
    return ImageChops.add(img, ImageChops.add(n1, n2), 1, -NOISE)


def encode(img: Image.Image, kind: str, dpi: int) -> bytes:
    b = io.BytesIO()
    if kind == "jpeg":
        img.save(b, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi), optimize=True)
    elif kind == "ccitt":
        bw = img.point(lambda v: 255 if v >= THRESHOLD else 0).convert("1", dither=Image.Dither.NONE)
        # one strip, as PDF's CCITTFaxDecode needs (Pillow splits into 64 KB strips by default)
        old = TiffImagePlugin.STRIP_SIZE
        TiffImagePlugin.STRIP_SIZE = (bw.size[0] + 7) // 8 * bw.size[1]
        try:
            bw.save(b, "TIFF", compression="group4", dpi=(dpi, dpi))
        finally:
            TiffImagePlugin.STRIP_SIZE = old
    else:
        raise ValueError(kind)
    return b.getvalue()


def wrap(images: list, dpi: int, rotate: int = 0) -> bytes:
    rot = {0: img2pdf.Rotation.none, 90: img2pdf.Rotation["90"], 180: img2pdf.Rotation["180"],
           270: img2pdf.Rotation["270"]}[rotate]
    return img2pdf.convert(
        images, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)), nodate=True,
        engine=img2pdf.Engine.internal, producer="woo-redact scripts/scan-corpus.py",
        rotation=rot)


def page_count(pdf: Path) -> int:
    r = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", r.stdout, re.M).group(1))


def scan(pdf: Path, variants: list, pages=None, rotate: int = 0) -> dict:
    """{variant: (pdf bytes, [page info])} for one input PDF. variants: [(name, kind, dpi)]."""
    pages = pages or list(range(1, page_count(pdf) + 1))
    grey = {}  # (page, dpi) -> degraded grey page, shared by the variants at that dpi
    out = {}
    for vname, kind, dpi in variants:
        imgs, info = [], []
        for p in pages:
            if (p, dpi) not in grey:
                grey[(p, dpi)] = degrade(render(pdf, p, dpi), pdf.name, p, dpi)
            img = grey[(p, dpi)]
            if rotate:
                img = img.rotate(rotate, expand=True)  # stored turned counter-clockwise
            data = encode(img, kind, dpi)
            imgs.append(data)
            info.append({"page": p, "skew_deg": skew_angle(pdf.name, p), "px": list(img.size),
                         "image_bytes": len(data)})
        out[vname] = (wrap(imgs, dpi, rotate), info)
    return out


def _scan_job(args):
    pdf, out_dir, variants = args
    t = time.monotonic()
    res = scan(pdf, variants)
    meta = {}
    for vname, (data, info) in res.items():
        dest = out_dir / vname / pdf.name
        dest.write_bytes(data)
        meta[vname] = {"bytes": len(data), "pages": info}
    return pdf.name, meta, time.monotonic() - t


# ------------------------------------------------------------------ corpus
def make_corpus(a):
    src = a.corpus / "input" / "pdf" / a.producer
    pdfs = sorted(src.glob("*.pdf"))
    if not pdfs:
        sys.exit(f"scan-corpus.py: no PDFs in {src}")
    if a.docs:
        pdfs = pdfs[: a.docs]
    variants = [(f"jpeg{d}", "jpeg", d) for d in a.dpi]
    if a.ccitt_dpi:
        variants.append((f"ccitt{a.ccitt_dpi}", "ccitt", a.ccitt_dpi))
    out = Path(a.out_dir)
    if out.resolve().is_relative_to(REPO) and out.resolve() != (REPO / "fixtures" / "scans").resolve():
        print("scan-corpus.py: warning: writing the corpus inside the repository; do not commit it",
              file=sys.stderr)
    for v, _, _ in variants:
        (out / v).mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    manifest = {"producer": a.producer, "source": str(src), "jpeg_quality": JPEG_QUALITY,
                "variants": {v: {"kind": k, "dpi": d} for v, k, d in variants}, "files": {}}
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        for name, meta, secs in ex.map(_scan_job, [(p, out, variants) for p in pdfs]):
            manifest["files"][name] = meta
            print(f"{name}: " + ", ".join(f"{v} {m['bytes'] // 1024} KB" for v, m in meta.items())
                  + f" ({secs:.1f} s)", flush=True)
    (out / "scan-corpus.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"{len(pdfs)} PDF(s) x {len(variants)} variant(s) in {time.monotonic() - t0:.1f} s -> {out}")


# ------------------------------------------------------------------ fixtures
def load_scorer():
    spec = importlib.util.spec_from_file_location("scan_score", Path(__file__).with_name("scan-score.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def toml_list(items) -> str:
    return "[" + ", ".join(toml_str(s) for s in items) + "]"


MAX_KEPT = 6


def dedupe_numbers(items, hay, sc):
    """The truth lists a number once per written form ('070 236 11 83', '070-2361183'); on
    digits they all match. Keep, per number, the forms read as written, else the longest."""
    def literal(it):
        return sc.fold(it["text"]) in hay.folded
    out = []
    for it in items:
        if not sc.is_digit_item(it):
            out.append(it)
            continue
        d = sc.digits(it["text"])
        same = [o for o in items if sc.is_digit_item(o) and
                (d in sc.digits(o["text"]) or sc.digits(o["text"]) in d)]
        lit = [o for o in same if literal(o)]
        keep = lit or [max(same, key=lambda o: (len(sc.digits(o["text"])), len(o["text"])))]
        if it in keep:
            out.append(it)
    return out


def make_fixtures(a):
    sc = load_scorer()
    out = Path(a.fixtures)
    out.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Scanned pages of the synthetic corpus-dev (generated names and numbers), made by",
        "# `scripts/scan-corpus.py --fixtures`: pages rendered with pdftoppm, skewed, blurred,",
        "# noised, stored as grey JPEG or bi-level CCITT G4 and wrapped with img2pdf. No text layer.",
        "#",
        "# Per fixture:",
        "#   file     the PDF",
        "#   source   corpus-dev document, producer and page it was scanned from",
        "#   what     one line on what is special about it",
        "#   gone     truth `sensitive` strings Tesseract reads on the fixture (pdftoppm -r 300 -gray |",
        "#            tesseract - - -l nld) that must not be read in the redacted output. Phone",
        "#            numbers, IBAN, BSN and V-numbers are compared on their digits only (the OCR",
        "#            may write the separators differently); other strings ignoring case and spacing.",
        "#   gone_categories  the truth category of each `gone` string, in the same order",
        "#   kept     must-keep strings (truth `must_keep`) Tesseract reads that must still be read",
        f"#   ocr      what read them: {sc.tool_version(['tesseract', '--version'])}, lang nld, 300 dpi",
        "",
    ]
    for fname, doc, page, kind, dpi, rotate, what in FIXTURES:
        pdf = a.corpus / "input" / "pdf" / "rl-helv" / f"{doc}.pdf"
        data, info = scan(pdf, [("f", kind, dpi)], pages=[page], rotate=rotate)["f"]
        dest = out / fname
        dest.write_bytes(data)
        text = sc.ocr_page(dest, 1, 300, "nld")
        hay = sc.Haystack(text)
        truth = json.loads((a.corpus / "truth" / f"{doc}.json").read_text(encoding="utf-8"))
        gone = dedupe_numbers([it for it in truth["sensitive"] if sc.found(it, hay)], hay, sc)
        kept = [it for it in truth["must_keep"] if sc.found(it, hay)]
        # prefer long, specific must-keep strings; skip ones that contain a `gone` string
        kept = [it for it in kept if not any(sc.fold(g["text"]) in sc.fold(it["text"]) for g in gone)]
        kept = sorted(kept, key=lambda it: -len(it["text"]))[:MAX_KEPT]
        print(f"{fname}: {len(data) // 1024} KB, skew {info[0]['skew_deg']} deg, "
              f"{len(gone)}/{len(truth['sensitive'])} sensitive read, {len(kept)} kept")
        lines += [
            "[[fixture]]",
            f"file = {toml_str(fname)}",
            f"source = {toml_str(f'corpus-dev rl-helv/{doc}.pdf page {page}')}",
            f"what = {toml_str(what)}",
            f"kind = {toml_str(kind)}",
            f"dpi = {dpi}",
            f"rotate = {rotate}",
            f"skew_deg = {info[0]['skew_deg']}",
            f"gone = {toml_list(it['text'] for it in gone)}",
            f"gone_categories = {toml_list(it['category'] for it in gone)}",
            f"kept = {toml_list(it['text'] for it in kept)}",
            "",
        ]
    (out / "expect.toml").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out / 'expect.toml'}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", nargs="?", help="where the variants go (not inside the repository)")
    ap.add_argument("--producer", default="rl-helv", help="corpus-dev producer folder (default rl-helv)")
    ap.add_argument("--dpi", default="200,300", help="JPEG variants, comma-separated dpi (default 200,300)")
    ap.add_argument("--ccitt-dpi", type=int, default=300, help="bi-level CCITT variant dpi, 0 for none")
    ap.add_argument("--docs", type=int, default=0, help="only the first N documents")
    ap.add_argument("--jobs", type=int, default=2, help="documents in parallel (default 2)")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help=f"corpus-dev folder (default {CORPUS})")
    ap.add_argument("--fixtures", nargs="?", const=str(REPO / "fixtures" / "scans"), metavar="DIR",
                    help="write the committed fixtures and expect.toml (default fixtures/scans)")
    a = ap.parse_args(argv)
    if "real-dev" in str(a.corpus.resolve()):
        ap.error("real-dev holds real people's documents: never scanned into fixtures or corpora here")
    if a.fixtures:
        make_fixtures(a)
        return 0
    if not a.out_dir:
        ap.error("OUT_DIR is required (or --fixtures)")
    a.dpi = [int(x) for x in a.dpi.split(",") if x.strip()]
    make_corpus(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
