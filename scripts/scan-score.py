#!/usr/bin/env python3
"""Scores redacted *scanned* PDFs by reading them the way a person would: every page is
rendered with poppler (`pdftoppm -r 300 -gray`) and read with Tesseract (`tesseract - - -l
nld`, stdin/stdout). It knows nothing about woo-redact: it only looks at the files a redaction
command wrote, next to the inputs and the corpus truth (`truth/<id>.json`, keys `sensitive`
and `must_keep`, each item `{text, category, ...}`).

    nice -n 10 scripts/scan-score.py INPUT_DIR OUTPUT_DIR \
        --truth /work/shared/corpus-dev/truth \
        [--staff /work/shared/corpus-dev/lists/staff_list.csv] [--json FILE]

For every INPUT_DIR/**/*.pdf the output is OUTPUT_DIR/publicatie/<same relative path> (or
OUTPUT_DIR/<same relative path> for another tool's folder); if that is missing,
OUTPUT_DIR/werkbestanden/ter-beoordeling/<same relative path> is used and reported separately (a
reviewer's copy, not for publication); if both are missing the document counts as not
processed. Non-PDF files in OUTPUT_DIR (report.json, toelichting, ...) are ignored.

Reported, per document and in total:
  (a) readable: truth `sensitive` items Tesseract reads in the INPUT. Only these can be
      scored: an item the OCR cannot read in the input says nothing about the output.
  (b) leaks: readable items still read in the OUTPUT, listed masked (first char + ***).
  (c) staff: names (full, display "Achternaam, Voornaam", initials + surname), e-mail
      addresses and phone numbers of the staff list read in the OUTPUT. Must be 0.
  (d) must-keep items read in the input and lost in the output (over-redaction, lost %).
  (e) whether each output has a text layer (`pdftotext` finds non-blank text) and carries
      ground labels (5.1.2e / 5.1.1e; in pdftotext output or in the OCR). A Woo decision may
      cite the grounds itself, so a document counts as labelled only when the output holds
      more of a label than the input's OCR does (column labels+: label + how many more).
Matching: NFKC, dashes/spaces/quotes unified, whitespace collapsed, case folded, word
boundaries; needles of >= 8 characters also match with whitespace and hyphens removed
(letter-spaced or hyphenated OCR). Phone numbers, IBAN, BSN and V-numbers (and public
phone numbers among the must-keep items) are compared on their digits only, within one OCR
line or two consecutive lines (the number may wrap).

Exit status: 0 when (b) and (c) are zero for the published outputs, 1 otherwise, 2 on usage
errors. Leaks in review copies are reported but do not fail the run.

OCR results are cached per (PDF bytes, dpi, language, tesseract version) under
$XDG_CACHE_HOME/woo-scan-score (default ~/.cache/woo-scan-score); --no-cache disables this.
Pages are OCR'd with --jobs workers (default 2), each Tesseract limited to one thread.
Run it under `nice -n 10` on shared machines.
"""
import argparse
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DIGIT_CATEGORIES = {"phone", "iban", "bsn", "vnummer", "public_phone"}
DIGIT_MIN = 6
COMPACT_MIN = 8
REVIEW_DIR = "ter-beoordeling"
LABEL_RE = re.compile(r"(?<![0-9])5\s*[.,]\s*1\s*[.,]\s*([12])\s*([a-z])(?![a-z])", re.I)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), "-")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000"), " ")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"'}
_DROP = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"), None)
WORDCH = "0-9a-z\u00c0-\u024f"


# ------------------------------------------------------------------ matching
def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = s.translate(_DROP).translate(_DASHES).translate(_SPACES).translate(_QUOTES)
    return re.sub(r"\s+", " ", s).strip()


def fold(s: str) -> str:
    return norm(s).casefold()


def compact(s: str) -> str:
    return re.sub(r"[\s-]+", "", fold(s))


def digits(s: str) -> str:
    return re.sub(r"\D", "", s)


class Haystack:
    """An OCR text prepared for the three kinds of matching."""

    def __init__(self, text: str):
        self.folded = fold(text)
        self.compact = compact(text)
        lines = [digits(line) for line in text.splitlines()]
        lines = [d for d in lines if d]
        self.digit_lines = lines + [a + b for a, b in zip(lines, lines[1:])]


def is_digit_item(item: dict) -> bool:
    return item.get("category") in DIGIT_CATEGORIES and len(digits(item["text"])) >= DIGIT_MIN


def found(item: dict, hay: Haystack) -> bool:
    text = item["text"]
    if is_digit_item(item):
        d = digits(text)
        return any(d in line for line in hay.digit_lines)
    parts = [re.escape(p) for p in fold(text).split(" ")]
    rx = re.compile(rf"(?<![{WORDCH}])" + r"\s+".join(parts) + rf"(?![{WORDCH}])")
    if rx.search(hay.folded):
        return True
    c = compact(text)
    return len(c) >= COMPACT_MIN and c in hay.compact


def mask(text: str) -> str:
    t = norm(text)
    return (t[:1] + "***") if t else "***"


def count_labels(text: str) -> dict:
    out = {}
    for m in LABEL_RE.finditer(norm(text)):
        g = f"5.1.{m.group(1)}{m.group(2).lower()}"
        out[g] = out.get(g, 0) + 1
    return out


# ------------------------------------------------------------------ staff list
def staff_items(path: Path) -> list:
    """Strings from the staff list that must never be read in an output."""
    items, seen = [], set()

    def add(text, category, form):
        text = norm(text or "")
        if not text or (category, fold(text)) in seen:
            return
        if category == "phone" and len(digits(text)) < DIGIT_MIN:
            return
        seen.add((category, fold(text)))
        items.append({"text": text, "category": category, "form": form})

    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f, delimiter=";"):
            first, tv, last = (row.get(k, "").strip() for k in ("Voornaam", "Tussenvoegsel", "Achternaam"))
            ini = row.get("Initialen", "").strip()
            add(" ".join(p for p in (first, tv, last) if p), "name", "full")
            add(row.get("Weergavenaam"), "name", "display")
            if ini and last:
                add(" ".join(p for p in (ini, tv, last) if p), "name", "initials")
            add(row.get("E-mailadres"), "email", "email")
            add(row.get("Telefoon"), "phone", "landline")
            add(row.get("Mobiel"), "phone", "mobile")
    return items


# ------------------------------------------------------------------ OCR
def tool_version(cmd) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).splitlines()[0].strip()
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def page_count(pdf: Path) -> int:
    r = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    m = re.search(r"^Pages:\s+(\d+)", r.stdout, re.M)
    return int(m.group(1)) if m else 0


OCR_ENV = dict(os.environ, OMP_THREAD_LIMIT="1")


def ocr_page(pdf: Path, page: int, dpi: int, lang: str) -> str:
    render = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True, timeout=600)
    if render.returncode != 0 or not render.stdout:
        return ""
    r = subprocess.run(["tesseract", "-", "-", "-l", lang], input=render.stdout,
                       capture_output=True, timeout=600, env=OCR_ENV)
    return r.stdout.decode("utf-8", "replace")


class OCR:
    def __init__(self, dpi, lang, jobs, cache_dir):
        self.dpi, self.lang, self.jobs = dpi, lang, jobs
        self.cache_dir = cache_dir
        self.version = tool_version(["tesseract", "--version"])
        if cache_dir:
            cache_dir.mkdir(parents=True, exist_ok=True)

    def _key(self, pdf: Path) -> str:
        h = hashlib.sha256(pdf.read_bytes())
        h.update(f"|{self.dpi}|{self.lang}|{self.version}".encode())
        return h.hexdigest()

    def read_all(self, pdfs: list) -> dict:
        """{pdf: [page texts]} for all PDFs, pages spread over the workers."""
        out, todo = {}, []
        for pdf in pdfs:
            key = self._key(pdf)
            cached = self.cache_dir / f"{key}.json" if self.cache_dir else None
            if cached and cached.exists():
                out[pdf] = json.loads(cached.read_text())
                continue
            n = page_count(pdf)
            out[pdf] = [None] * n
            todo += [(pdf, p, cached) for p in range(1, n + 1)]
        with ThreadPoolExecutor(max_workers=self.jobs) as ex:
            futs = [(pdf, p, cached, ex.submit(ocr_page, pdf, p, self.dpi, self.lang))
                    for pdf, p, cached in todo]
            for pdf, p, cached, fut in futs:
                out[pdf][p - 1] = fut.result()
        for pdf, _, cached in todo:
            if cached and all(t is not None for t in out[pdf]):
                cached.write_text(json.dumps(out[pdf], ensure_ascii=False))
        return out


def text_layer(pdf: Path) -> str:
    r = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True)
    return r.stdout.decode("utf-8", "replace") if r.returncode == 0 else ""


# ------------------------------------------------------------------ scoring
def score_doc(rel, inp_text, inp_layer, out_text, out_layer, truth, staff):
    hin = Haystack(inp_text)
    readable = [it for it in truth.get("sensitive", []) if found(it, hin)]
    keep_read = [it for it in truth.get("must_keep", []) if found(it, hin)]
    doc = {
        "file": rel,
        "readable": len(readable),
        "readable_by_category": {},
        "keep_read": len(keep_read),
    }
    for it in readable:
        c = doc["readable_by_category"].setdefault(it["category"], [0, 0])
        c[0] += 1
    if out_text is None:
        return doc
    hout = Haystack(out_text)
    leaks = [it for it in readable if found(it, hout)]
    for it in leaks:
        doc["readable_by_category"][it["category"]][1] += 1
    lost = [it for it in keep_read if not found(it, hout)]
    staff_hits = [it for it in staff if found(it, hout)]
    labels_layer = count_labels(out_layer)
    labels_ocr = count_labels(out_text)
    labels_in_ocr = count_labels(inp_text)
    labels_in_layer = count_labels(inp_layer)
    # A woobesluit may cite the grounds in its own text: count only labels beyond the input's,
    # like for like (OCR against OCR; text layer against the input's text layer or OCR).
    labels_added = {}
    for g in set(labels_layer) | set(labels_ocr):
        n = max(labels_ocr.get(g, 0) - labels_in_ocr.get(g, 0),
                labels_layer.get(g, 0) - max(labels_in_layer.get(g, 0), labels_in_ocr.get(g, 0)))
        if n > 0:
            labels_added[g] = n
    doc.update({
        "leaks": len(leaks),
        "leaked": [{"text": mask(it["text"]), "category": it["category"], "role": it.get("role")}
                   for it in leaks],
        "staff_hits": len(staff_hits),
        "staff_read": [{"text": mask(it["text"]), "category": it["category"], "form": it["form"]}
                       for it in staff_hits],
        "keep_lost": len(lost),
        "lost": [{"text": it["text"], "category": it["category"]} for it in lost],
        "text_layer": bool(out_layer.strip()),
        "labels_text_layer": labels_layer,
        "labels_ocr": labels_ocr,
        "labels_input_ocr": labels_in_ocr,
        "labels_input_text_layer": labels_in_layer,
        "labels_added": labels_added,
        "labelled": bool(labels_added),
    })
    return doc


def pct(a, b):
    return f"{100.0 * a / b:5.1f}%" if b else "    -"


def summarize(docs):
    s = {"docs": len(docs), "readable": 0, "leaks": 0, "staff_hits": 0, "keep_read": 0,
         "keep_lost": 0, "text_layer": 0, "labelled": 0, "by_category": {}}
    for d in docs:
        for k in ("readable", "leaks", "staff_hits", "keep_read", "keep_lost"):
            s[k] += d.get(k, 0)
        s["text_layer"] += int(d.get("text_layer", False))
        s["labelled"] += int(d.get("labelled", False))
        for cat, (r, l) in d["readable_by_category"].items():
            c = s["by_category"].setdefault(cat, [0, 0])
            c[0] += r
            c[1] += l
    return s


def print_report(groups, missing, out=sys.stdout):
    p = lambda *a: print(*a, file=out)
    for name, docs in groups.items():
        if not docs:
            continue
        p(f"\n== {name}: {len(docs)} document(s)")
        p(f"{'file':34} {'read':>4} {'leak':>4} {'staff':>5} {'keep':>4} {'lost':>4} {'layer':>5} labels+ leaked (masked)")
        for d in docs:
            lab = ",".join(f"{g}+{n}" for g, n in sorted(d["labels_added"].items())) or "-"
            leaked = ", ".join(x["text"] for x in d["leaked"] + d["staff_read"])
            p(f"{d['file'][:34]:34} {d['readable']:4} {d['leaks']:4} {d['staff_hits']:5} "
              f"{d['keep_read']:4} {d['keep_lost']:4} {'yes' if d['text_layer'] else 'NO':>5} {lab:7} {leaked}")
        s = summarize(docs)
        p(f"-- total: readable {s['readable']}, leaked {s['leaks']} ({pct(s['leaks'], s['readable']).strip()}), "
          f"staff read back {s['staff_hits']}, must-keep lost {s['keep_lost']}/{s['keep_read']} "
          f"({pct(s['keep_lost'], s['keep_read']).strip()}), text layer {s['text_layer']}/{s['docs']}, "
          f"labelled {s['labelled']}/{s['docs']}")
        p("   per category (readable / leaked): " + ", ".join(
            f"{c} {r}/{l}" for c, (r, l) in sorted(s["by_category"].items())))
    if missing:
        p(f"\n== not processed: {len(missing)} document(s), {sum(d['readable'] for d in missing)} readable item(s)")
        p("   " + ", ".join(d["file"] for d in missing))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input_dir", type=Path)
    ap.add_argument("output_dir", type=Path)
    ap.add_argument("--truth", type=Path, required=True, help="folder with <id>.json truth files")
    ap.add_argument("--staff", type=Path, help="staff_list.csv (';'-separated address book)")
    ap.add_argument("--json", type=Path, help="write the full result as JSON here")
    ap.add_argument("--jobs", type=int, default=2, help="pages OCR'd in parallel (default 2)")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--lang", default="nld")
    ap.add_argument("--cache", type=Path,
                    default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "woo-scan-score")
    ap.add_argument("--no-cache", action="store_true")
    a = ap.parse_args(argv)

    if not a.input_dir.is_dir() or not a.truth.is_dir():
        ap.error("INPUT_DIR and --truth must be folders")
    inputs = sorted(p for p in a.input_dir.rglob("*.pdf") if p.is_file())
    if not inputs:
        ap.error(f"no PDFs under {a.input_dir}")
    staff = staff_items(a.staff) if a.staff else []

    jobs = []  # (rel, input, output or None, group)
    for inp in inputs:
        rel = inp.relative_to(a.input_dir)
        # woo-redact's --out: the publication set and, apart, the reviewer's copies; another
        # tool's folder holds the outputs directly.
        pub = a.output_dir / "publicatie"
        out = (pub if pub.is_dir() else a.output_dir) / rel
        rev = a.output_dir / "werkbestanden" / REVIEW_DIR / rel
        if out.is_file():
            jobs.append((rel, inp, out, "published"))
        elif rev.is_file():
            jobs.append((rel, inp, rev, "review"))
        else:
            jobs.append((rel, inp, None, "missing"))

    ocr = OCR(a.dpi, a.lang, max(1, a.jobs), None if a.no_cache else a.cache)
    texts = ocr.read_all([j[1] for j in jobs] + [j[2] for j in jobs if j[2]])

    groups = {"published": [], "review": []}
    missing = []
    for rel, inp, out, group in jobs:
        tpath = a.truth / f"{inp.stem}.json"
        if not tpath.is_file():
            print(f"scan-score: no truth for {rel}, skipped", file=sys.stderr)
            continue
        truth = json.loads(tpath.read_text(encoding="utf-8"))
        inp_text = "\n".join(texts[inp])
        if out is None:
            d = score_doc(str(rel), inp_text, "", None, "", truth, staff)
            missing.append(d)
            continue
        d = score_doc(str(rel), inp_text, text_layer(inp), "\n".join(texts[out]), text_layer(out), truth, staff)
        d["output"] = str(out)
        d["pages_in"], d["pages_out"] = len(texts[inp]), len(texts[out])
        groups[group].append(d)

    print_report({"published outputs": groups["published"], "review copies": groups["review"]}, missing)
    pub = summarize(groups["published"])
    result = {
        "input_dir": str(a.input_dir), "output_dir": str(a.output_dir),
        "ocr": {"dpi": a.dpi, "lang": a.lang, "tesseract": ocr.version},
        "summary": {"published": pub, "review": summarize(groups["review"]),
                    "not_processed": len(missing),
                    "not_processed_readable": sum(d["readable"] for d in missing)},
        "published": groups["published"], "review": groups["review"], "not_processed": missing,
    }
    if a.json:
        a.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if (pub["leaks"] or pub["staff_hits"]) else 0


if __name__ == "__main__":
    sys.exit(main())
