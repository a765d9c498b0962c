#!/usr/bin/env python3
"""Generate the synthetic corpus of scripts/bench.sh from the development corpus.

  bench-corpus.py CORPUS WORK TEXT_MB PDF_PAGES SMALL_COUNTS...

WORK/text/      memo text, files of about 1 MB, at least TEXT_MB MB: the corpus .txt memos
                over and over, each copy with its people's surnames replaced by invented ones
WORK/pdf/       at least PDF_PAGES pages: copies of the corpus PDFs (hard links when possible;
                the tool only reads its inputs), copy-NN/<producer>/<file>.pdf
WORK/small-N/   N single memos (a few KB each, names varied), for memory against document count
WORK/staff.txt  50,000 invented staff names (one a line), a fifth with the invented surnames
WORK/sizes.env  TEXT_BYTES, PDF_PAGES, PDF_FILES for the report
Deterministic (fixed seed): the same arguments give the same corpus.
"""
import json, os, random, re, shutil, sys
from pathlib import Path

corpus, work = Path(sys.argv[1]), Path(sys.argv[2])
text_mb, pdf_pages = int(sys.argv[3]), int(sys.argv[4])
small_counts = [int(x) for x in sys.argv[5:]]
rng = random.Random(20261129)

A = ["br", "d", "fr", "g", "h", "j", "k", "kl", "l", "m", "n", "p", "r", "s", "st", "t", "v", "w", "z"]
V = ["a", "e", "i", "o", "u", "ie", "oe", "ee", "aa", "ui"]
E = ["n", "k", "rt", "ns", "l", "m", "rd", "s", "ma", "sen", "link", "hof"]


def word():
    w = "".join(rng.choice(A) + rng.choice(V) for _ in range(rng.randint(1, 2))) + rng.choice(E)
    return w.capitalize()


pool = sorted({word() for _ in range(8000)})

# Surnames of the people in the ground truth, to vary per copy.
memos, surnames = [], set()
for p in sorted((corpus / "truth").glob("*.json")):
    t = json.loads(p.read_text())
    txt = corpus / "input" / "txt" / f"{t['id']}.txt"
    if txt.is_file():
        memos.append(txt.read_text())
    for s in t.get("sensitive", []):
        if s.get("category") == "name":
            surnames.update(tok for tok in s.get("tokens", []) if len(tok) >= 3 and tok[0].isupper())
word_re = re.compile(r"\b(" + "|".join(sorted(map(re.escape, surnames), key=len, reverse=True)) + r")\b")


def varied(memo):
    m = {s: rng.choice(pool) for s in surnames}
    return word_re.sub(lambda x: m[x.group(0)], memo)


def clean(d):
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)


work.mkdir(parents=True, exist_ok=True)
# Text: files of ~1 MB until TEXT_MB.
clean(work / "text")
total, n = 0, 0
while total < text_mb * 1_000_000:
    parts, size = [], 0
    while size < 1_000_000:
        v = varied(memos[rng.randrange(len(memos))])
        parts.append(v)
        size += len(v.encode())
    data = "\n\n".join(parts).encode()
    (work / "text" / f"memo-{n:04}.txt").write_bytes(data)
    total += len(data)
    n += 1
text_bytes = total

# PDF: whole copies of the corpus PDFs until PDF_PAGES.
clean(work / "pdf")
pdfs = []
for p in sorted((corpus / "truth").glob("*.json")):
    for f in json.loads(p.read_text())["files"]:
        if f["format"] == "pdf":
            pdfs.append((f["path"], f.get("pages", 1)))
per_copy = sum(pg for _, pg in pdfs)
copies = max(1, -(-pdf_pages // per_copy))
for c in range(copies):
    for rel, _ in pdfs:
        dst = work / "pdf" / f"copy-{c:02}" / Path(rel).relative_to("pdf")
        dst.parent.mkdir(parents=True, exist_ok=True)
        src = corpus / "input" / rel
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)

# Small documents.
for count in small_counts:
    d = work / f"small-{count}"
    clean(d)
    for i in range(count):
        sub = d / f"{i // 1000:03}"
        sub.mkdir(exist_ok=True)
        (sub / f"memo-{i:05}.txt").write_text(varied(memos[i % len(memos)]))

# Staff: 50,000 names.
with open(work / "staff.txt", "w") as f:
    for i in range(50_000):
        sur = rng.choice(pool) if i % 5 == 0 else word() + word().lower()
        f.write(f"{word()} {sur}\n")

(work / "sizes.env").write_text(
    f"TEXT_BYTES={text_bytes}\nTEXT_FILES={n}\nPDF_PAGES={per_copy * copies}\nPDF_FILES={len(pdfs) * copies}\n"
)
