#!/usr/bin/env python3
"""Build a name-swapped copy of a corpus (text formats only) to measure how detection
generalises to names that are on none of our seed lists.

Every word of every person's name in the ground truth (and in the staff and officials lists)
is replaced, consistently and case-preserving, by an invented word built from syllables that
is checked against rules/lists/*.txt. Usage: alt-corpus.py SRC_CORPUS DST_CORPUS [SEED]
"""
import json, random, re, shutil, sys
from pathlib import Path

src, dst = Path(sys.argv[1]), Path(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
here = Path(__file__).resolve().parent.parent
known = set()
for f in (here / "rules/lists").glob("*.txt"):
    known |= {l.strip().lower() for l in f.read_text().splitlines() if l.strip() and not l.startswith("#")}
particles = {"van", "de", "der", "den", "ter", "ten", "te", "het", "in", "'t", "op"}
syl_a = ["br", "d", "fr", "g", "h", "j", "k", "kl", "l", "m", "n", "p", "r", "s", "st", "t", "v", "w", "z", "sch"]
syl_v = ["a", "e", "i", "o", "u", "ie", "oe", "ee", "aa", "ui", "ij"]
syl_e = ["n", "k", "rt", "ns", "l", "m", "rd", "s", "x", "ck", "nd"]


def invent(n):
    while True:
        w = "".join(rng.choice(syl_a) + rng.choice(syl_v) for _ in range(n)) + rng.choice(syl_e)
        if w not in known:
            known.add(w)
            return w


mapping = {}
truths = sorted((src / "truth").glob("*.json"))
for t in truths:
    d = json.loads(t.read_text())
    for it in d["sensitive"] + d["must_keep"]:
        if it["category"] in ("name", "official"):
            for w in re.findall(r"[^\W\d_]+", it["text"]):
                lw = w.lower()
                if len(w) > 1 and lw not in particles and lw not in mapping:
                    mapping[lw] = invent(rng.choice([1, 2, 2, 3]))
pat = re.compile(r"(?<![^\W\d_])(" + "|".join(sorted(map(re.escape, mapping), key=len, reverse=True)) + r")(?![^\W\d_])", re.I)


def swap(text):
    def one(m):
        w, new = m.group(0), mapping[m.group(0).lower()]
        if w.isupper() and len(w) > 1:
            return new.upper()
        return new.capitalize() if w[0].isupper() else new
    return pat.sub(one, text)


if dst.exists():
    shutil.rmtree(dst)
for sub in ("input/txt", "input/md", "truth", "lists"):
    (dst / sub).mkdir(parents=True)
for f in list((src / "input/txt").iterdir()) + list((src / "input/md").iterdir()):
    (dst / "input" / f.parent.name / f.name).write_text(swap(f.read_text()))
for f in (src / "lists").iterdir():
    (dst / "lists" / f.name).write_text(swap(f.read_text()))
for t in truths:
    d = json.loads(t.read_text())
    d["files"] = [x for x in d["files"] if x["format"] in ("txt", "md")]
    for it in d["sensitive"] + d["must_keep"]:
        it["text"] = swap(it["text"])
        if "tokens" in it:
            it["tokens"] = [swap(x) for x in it["tokens"]]
    (dst / "truth" / t.name).write_text(json.dumps(d, ensure_ascii=False, indent=1))
m = json.loads((src / "manifest.json").read_text())
m["files"] = [x for x in m["files"] if x["format"] in ("txt", "md")]
(dst / "manifest.json").write_text(json.dumps(m, indent=1))
print(f"{len(mapping)} name words swapped into {dst}")
