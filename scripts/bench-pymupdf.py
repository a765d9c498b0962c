#!/usr/bin/env python3
"""The PyMuPDF pipeline a user would write to redact PDFs: the reference of scripts/bench.sh.

  bench-pymupdf.py STAFF_LIST OUT_DIR PDF_DIR

For every PDF under PDF_DIR: per page, the staff-list variants (full name, initials and
surname, "Surname, I.", the surname alone) and the identifier regexes (e-mail, Dutch phone
numbers, BSN-like nine digits, IBAN) found in the page text are located with `search_for`,
covered with `add_redact_annot` and removed with `apply_redactions`; the metadata (Info and
XMP) is scrubbed and the file saved with garbage collection. No verification, no
sanitising, no report: the work a minimal tool does. Prints "files pages seconds" (CPU
time of this process, so a busy machine counts less against it).
"""
import re
import sys
import time
from pathlib import Path

import pymupdf

PARTICLES = {"van", "de", "der", "den", "het", "ter", "ten", "te", "in", "'t", "op", "von", "la", "le", "du"}
IDENTIFIERS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|\b0(?:6[ -]?\d{8}|\d{2}[ -]?\d{7}|\d{2}[ -]?\d{3}[ -]?\d{2}[ -]?\d{2})\b"  # phone
    r"|\b\d{9}\b"  # BSN-like
    r"|\bNL\d{2}[A-Z]{4}\d{10}\b"  # IBAN
)


def variants(line):
    words = line.split()
    if len(words) < 2:
        return set()
    first = words[0]
    rest = words[1:]
    surname = " ".join(rest)
    core = " ".join(w for w in rest if w.lower() not in PARTICLES) or surname
    out = {line.strip(), f"{first[0]}. {surname}", f"{core}, {first[0]}.", core}
    if rest[0].lower() in PARTICLES:
        out.add(surname[0].upper() + surname[1:])
    return {v for v in out if len(v) >= 3}


def main():
    staff, out_dir, pdf_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    names = set()
    for line in staff.read_text(encoding="utf-8").splitlines():
        names |= variants(line)
    names = sorted(names, key=len, reverse=True)
    files = pages = 0
    start = time.process_time()
    for src in sorted(pdf_dir.rglob("*.pdf")):
        dst = out_dir / src.relative_to(pdf_dir)
        dst.parent.mkdir(parents=True, exist_ok=True)
        with pymupdf.open(src) as doc:
            for page in doc:
                text = page.get_text()
                hits = [n for n in names if n in text]
                hits += sorted({m.group(0) for m in IDENTIFIERS.finditer(text)})
                for h in hits:
                    for rect in page.search_for(h):
                        page.add_redact_annot(rect, text="[5.1.2e]", fill=(0, 0, 0))
                if hits:
                    page.apply_redactions()
                pages += 1
            doc.set_metadata({})
            doc.del_xml_metadata()
            doc.save(dst, garbage=3, deflate=True)
        files += 1
    print(files, pages, f"{time.process_time() - start:.2f}")


if __name__ == "__main__":
    main()
