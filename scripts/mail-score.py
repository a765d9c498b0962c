#!/usr/bin/env python3
"""Scores woo-redact's output on the set of scripts/mail-corpus.py with readers that share no
code with woo-redact: Python's `email` package for messages, LibreOffice's text conversion
(`soffice --headless --convert-to txt`) and the raw XML of every part for Word documents,
poppler's `pdftotext` for PDF attachments.

    python3 scripts/mail-score.py GEN OUT [--json FILE]

GEN is the generator's folder (input/, truth/), OUT the folder `woo-redact redact GEN/input
--out OUT` wrote. For every input file the output at the same path (and for a message the
attachments written beside it under `<name>.bijlagen/`) is read whole:
  - leaks: a sensitive string of the truth found in any channel of the output (headers of
    every kind, text and HTML bodies, attachment names and contents; for Word the text
    LibreOffice shows and the text of every XML part, so comments, deleted revisions, hidden
    runs and properties count). Case-insensitive, white space collapsed.
  - labels: every output whose input held sensitive data shows a `[5.1.x]` label.
  - must-keep lost: must-keep strings a reader sees in the input and no longer in the output.
Exits 1 when anything leaks, a label is missing or more than 0.5 % of must-keep is lost.
"""

import argparse
import email
import email.policy
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LABEL = re.compile(r"\[\s*5\.\d\.\d[a-z]?\s*\]")


def norm(s):
    return re.sub(r"\s+", " ", s.replace("\u00ad", "").replace("\u00a0", " ")).casefold().strip()


def html_text(s):
    s = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", s)
    s = re.sub(r"(?s)<!--.*?-->", " ", s)
    s = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</td>", "\n", s)
    return html.unescape(re.sub(r"(?s)<[^>]+>", "", s))


class Readers:
    """Extracts channels (name, visible, text) from files; Word documents go to LibreOffice in
    one batch, as one soffice start per file would take minutes."""

    def __init__(self):
        self.docx = {}
        self.soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not self.soffice:
            sys.exit("soffice (LibreOffice) not found: apt-get install libreoffice-writer-nogui")

    def collect(self, name, data):
        """First pass: remember every Word document, however deep in a message."""
        low = name.lower()
        if low.endswith(".docx") or data[:2] == b"PK":
            self.docx[hashlib.sha256(data).hexdigest()] = data
        elif low.endswith(".eml") or low.endswith(".msg.eml"):
            msg = email.message_from_bytes(data, policy=email.policy.default)
            for part in msg.walk():
                if part.get_filename():
                    self.collect(part.get_filename(), part.get_payload(decode=True) or b"")

    def convert(self):
        self.text = {}
        if not self.docx:
            return
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            for h, data in self.docx.items():
                (d / f"{h}.docx").write_bytes(data)
            files = sorted(str(p) for p in d.glob("*.docx"))
            for i in range(0, len(files), 50):
                subprocess.run(
                    [self.soffice, "--headless", f"-env:UserInstallation=file://{d}/profile",
                     "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(d / "txt"), *files[i:i + 50]],
                    check=True, capture_output=True, timeout=900,
                )
            for h in self.docx:
                p = d / "txt" / f"{h}.txt"
                self.text[h] = p.read_text(encoding="utf-8-sig", errors="replace") if p.is_file() else None

    def channels(self, name, data):
        low = name.lower()
        if data[:5] == b"%PDF-":
            r = subprocess.run(["pdftotext", "-q", "-", "-"], input=data, capture_output=True)
            return [("pdftotext", True, r.stdout.decode("utf-8", "replace"))]
        if data[:2] == b"PK":
            out = []
            h = hashlib.sha256(data).hexdigest()
            lo = self.text.get(h)
            if lo is None:
                out.append(("libreoffice-failed", True, ""))
            else:
                out.append(("libreoffice", True, lo))
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for n in z.namelist():
                    if n.endswith(".xml") or n.endswith(".rels"):
                        raw = z.read(n).decode("utf-8", "replace")
                        out.append((f"raw:{n}", False, html.unescape(re.sub(r"<[^>]+>", " ", raw))))
                        # Attribute values (authors, link targets, alt text).
                        out.append((f"attr:{n}", False, " ".join(html.unescape(v) for v in re.findall(r'="([^"]*)"', raw))))
            return out
        if low.endswith(".eml"):
            msg = email.message_from_bytes(data, policy=email.policy.default)
            return self.message(msg)
        return [("text", True, data.decode("utf-8", "replace"))]

    def message(self, msg):
        out = [("headers", True, "\n".join(f"{k}: {v}" for k, v in msg.items()))]
        for part in msg.walk():
            if part.is_multipart():
                continue
            fn = part.get_filename()
            ctype = part.get_content_type()
            if fn:
                out.append(("attachment-name", True, fn))
                out += [(f"attachment:{c}", v, t) for c, v, t in self.channels(fn, part.get_payload(decode=True) or b"")]
            elif ctype == "text/html":
                src = part.get_content()
                out.append(("html", True, html_text(src)))
                out.append(("html-raw", False, html.unescape(src)))
            elif ctype.startswith("text/"):
                out.append(("text", True, part.get_content()))
            elif ctype == "message/rfc822":
                out += self.message(part.get_payload(0))
            out.append(("part-headers", False, "\n".join(f"{k}: {v}" for k, v in part.items())))
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gen", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    truths = sorted((a.gen / "truth").rglob("*.json"))
    readers = Readers()
    files = {}
    # woo-redact's --out holds the publication set in publicatie/; another tool's folder the
    # outputs themselves.
    base = a.out / "publicatie" if (a.out / "publicatie").is_dir() else a.out
    for t in truths:
        rel = str(t.relative_to(a.gen / "truth"))[: -len(".json")]
        src = a.gen / "input" / rel
        outs = []
        out = base / rel
        if out.is_file():
            outs.append(out)
        att = base / (rel + ".bijlagen")
        if att.is_dir():
            outs += sorted(p for p in att.rglob("*") if p.is_file())
        files[rel] = (src, outs)
        readers.collect(src.name, src.read_bytes())
        for p in outs:
            readers.collect(p.name, p.read_bytes())
    readers.convert()
    per = {}
    total = {"documents": 0, "written": 0, "sensitive": 0, "leaks": 0, "keep_present": 0, "keep_lost": 0,
             "labels_missing": 0}
    leaks, lost_items = [], []
    for t in truths:
        rel = str(t.relative_to(a.gen / "truth"))[: -len(".json")]
        kind = rel.split("/")[0]
        truth = json.loads(t.read_text(encoding="utf-8"))
        src, outs = files[rel]
        cin = readers.channels(src.name, src.read_bytes())
        cout = []
        for p in outs:
            cout += [(f"{p.name}:{c}", v, x) for c, v, x in readers.channels(p.name, p.read_bytes())]
        s = per.setdefault(kind, dict.fromkeys(total, 0))
        for d in (s, total):
            d["documents"] += 1
            d["written"] += bool(outs)
        seen_in = norm(" \n ".join(x for _, vis, x in cin if vis))
        all_out = [(c, norm(x)) for c, _, x in cout]
        vis_out = norm(" \n ".join(x for _, vis, x in cout if vis))
        for item in truth["sensitive"]:
            n = norm(item["text"])
            if len(n) < 3:
                continue
            for d in (s, total):
                d["sensitive"] += 1
            # A name is found as a word, not inside another ("Ali" in "Calibri").
            pat = re.compile(r"(?<![\w])" + re.escape(n) + r"(?![\w])")
            hit = [c for c, x in all_out if pat.search(x)]
            if hit:
                for d in (s, total):
                    d["leaks"] += 1
                leaks.append({"file": rel, "category": item["category"], "channels": hit[:5],
                              "length": len(item["text"])})
        if outs and truth["sensitive"] and not LABEL.search(vis_out):
            for d in (s, total):
                d["labels_missing"] += 1
        for item in truth["must_keep"]:
            n = norm(item["text"])
            if not n or n not in seen_in:
                continue
            for d in (s, total):
                d["keep_present"] += 1
            if n not in vis_out:
                for d in (s, total):
                    d["keep_lost"] += 1
                lost_items.append({"file": rel, "category": item["category"], "text": item["text"]})
    lost_pct = 100.0 * total["keep_lost"] / max(1, total["keep_present"])
    for k, s in sorted(per.items()) + [("all", total)]:
        pct = 100.0 * s["keep_lost"] / max(1, s["keep_present"])
        print(f"{k:5} documents {s['documents']:3} written {s['written']:3} sensitive {s['sensitive']:5} "
              f"leaks {s['leaks']:3} labels-missing {s['labels_missing']:2} must-keep lost "
              f"{s['keep_lost']}/{s['keep_present']} ({pct:.2f} %)")
    for l in leaks[:20]:
        print("LEAK", json.dumps(l, ensure_ascii=False))
    for l in lost_items[:20]:
        print("LOST", json.dumps(l, ensure_ascii=False))
    if a.json:
        a.json.write_text(json.dumps({"per_format": per, "total": total, "must_keep_lost_pct": lost_pct,
                                      "leaks": leaks, "lost": lost_items}, ensure_ascii=False, indent=1))
    ok = total["leaks"] == 0 and total["labels_missing"] == 0 and lost_pct <= 0.5 and total["written"] == total["documents"]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
