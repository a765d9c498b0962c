#!/usr/bin/env python3
"""Builds rules/lists/gewone-woorden.txt: ordinary Dutch words, to tell a capitalised word in a
name position (`Hoi Roos`) from the same word in prose, and a functional mailbox shaped like a
word (`evenementen@`) from a person's.

Source: the OpenTaal word list as packaged by Debian (`apt-get install wdutch`,
/usr/share/dict/dutch; BSD or CC-BY 3.0, see rules/lists/gewone-woorden.LICENSE). Filter, so
the result is reproducible from the same package version:
  - only entries written entirely in lower case (proper nouns such as `Roos`, `Bakker` or
    `Daan` are capitalised in the source and are left out, so `roos` stays in as the flower);
  - letters only (no digits, spaces, hyphens, apostrophes, dots), 3 to 12 letters (longer
    compounds are never names and rarely mailbox names);
  - folded as woo-redact folds text (lower case, accents removed), sorted by bytes, unique:
    the tool looks words up by binary search in the file as it is, without building a table.

Usage: scripts/ordinary-words.py [/usr/share/dict/dutch] > rules/lists/gewone-woorden.txt
"""
import re
import sys
import unicodedata

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict/dutch"
ok = re.compile(r"^[a-zàáâäãåèéêëìíîïòóôöõùúûüýÿçñ]{3,12}$")


def fold(w: str) -> str:
    d = unicodedata.normalize("NFKD", w)
    return "".join(c for c in d if not unicodedata.combining(c)).lower()


words = set()
with open(src, encoding="utf-8") as f:
    for line in f:
        w = line.strip()
        if ok.match(w):
            words.add(fold(w))
out = sys.stdout.buffer
out.write(
    b"# Ordinary Dutch words (lower case, folded), filtered from the OpenTaal word list (wdutch "
    b"2.20.19) by scripts/ordinary-words.py; licence: gewone-woorden.LICENSE.\n"
)
for w in sorted(w.encode("utf-8") for w in words):
    out.write(w + b"\n")
