#!/usr/bin/env python3
"""Writes the hostile-input suite (issue #8) into a folder, next to good documents.

    python3 scripts/hostile-suite.py OUT            # the suite, OUT/<files>
    python3 scripts/hostile-suite.py OUT --batch N  # N good PDFs only (interrupt tests)

Python's standard library only, plus `qpdf` (installed by .ci/run) for the encrypted case.
Every PDF is written by hand here, so each case is exactly the defect it names. The expected
outcome of each file is in fixtures/hostile/expect.toml; tests/hostile.rs runs woo-redact
over OUT and checks it. Cases that need the file system (unreadable file, full disk) are made
by the test itself, not here: they depend on who runs it.
"""

import os
import shutil
import subprocess
import sys
import zlib


def pdf(objects, root=1, info=None, xref=True, bad_offsets=False):
    """A PDF from {number: body bytes}; `bad_offsets` writes an xref whose offsets all miss."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    trailer = b"<< /Size %d /Root %d 0 R" % (size, root)
    if info:
        trailer += b" /Info %d 0 R" % info
    trailer += b" >>"
    if not xref:
        return bytes(out + b"trailer\n" + trailer + b"\n%%EOF\n")
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        off = offsets.get(num, 0)
        if bad_offsets:
            off = off + 7 if off else 0
        flag = b"n" if num in offsets else b"f"
        out += b"%010d 00000 %s \n" % (off, flag)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def stream(data, extra=b"", compress=False):
    if compress:
        data = zlib.compress(data, 9)
        extra = b"/Filter /FlateDecode " + extra
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


HELV = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_ops(lines, x=72, y=720, size=11, render=0):
    ops = b"BT /F1 %d Tf %d Tr %d %d Td %d TL\n" % (size, render, x, y, size + 3)
    for line in lines:
        esc = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops += b"(" + esc + b") Tj T*\n"
    return ops + b"ET\n"


def one_page(content, resources=b"<< /Font << /F1 4 0 R >> >>", extra_objects=None, **kw):
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 5 0 R >>"
        % resources,
        4: HELV,
        5: stream(content),
    }
    objs.update(extra_objects or {})
    return pdf(objs, **kw)


MEMO = [
    "Memo over de aanvraag",
    "Van: J. de Vries",
    "Aan: afdeling Vergunningen",
    "Contactpersoon: Annelies Bakker, T 06-12345678",
    "De aanvraag is besproken; zie het advies in de bijlage.",
]


def good_pdf(n=0):
    lines = list(MEMO)
    lines[0] = "Memo %d over de aanvraag" % n
    return one_page(text_ops(lines))


def image_xobject(w=8, h=8):
    return stream(b"\x80" * (w * h), b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                  b"/ColorSpace /DeviceGray /BitsPerComponent 8 " % (w, h))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def suite(out):
    good = good_pdf()
    # Good documents the batch must still process.
    write(f"{out}/goed/memo.pdf", good)
    write(f"{out}/goed/memo.txt", ("\n".join(MEMO) + "\n").encode())
    write(f"{out}/map met spaties/notitie één.txt",
          "Notitie\nVan: P. Jansen\nDe zaak is afgerond.\n".encode())

    # Two Latin-1 file names (an old archive): not UTF-8, and the same text if bytes were
    # replaced by U+FFFD. Each must be written under its own name, byte for byte.
    for b, who in ((b"\xe9", "Van: K. Smit"), (b"\xe8", "Van: L. Visser")):
        with open(os.path.join(os.fsencode(out), b"latin1-caf" + b + b".txt"), "wb") as f:
            f.write((who + "\nDe afspraak staat.\n").encode())

    # Truncated: the first 60% of a good file (no xref, no trailer, a stream cut short).
    write(f"{out}/truncated.pdf", good[: len(good) * 6 // 10])

    # Broken xref: every offset points 7 bytes past its object; readers must rebuild it.
    write(f"{out}/broken-xref.pdf", one_page(text_ops(MEMO), bad_offsets=True))

    # Decompression bomb: forty content streams of 7 MiB of spaces each (~7 KiB compressed),
    # 280 MiB in all: each under the bound on one stream, together over 256 MiB.
    bomb = zlib.compress(b" " * (7 << 20), 9)
    bs = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    parts = 40
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents [5 0 R " + b" ".join(b"%d 0 R" % k for k in range(6, 6 + parts)) + b"] >>",
        4: HELV,
        5: stream(text_ops(MEMO[:2])),
    }
    for k in range(6, 6 + parts):
        objs[k] = bs
    write(f"{out}/bomb.pdf", pdf(objs))

    # Floods: 56 MiB of `(a) Tj` in one content stream (~80 KiB compressed), over the bound on
    # one stream; and 150,000 glyphs on one page in 1 MiB, over the bound on glyphs per page.
    for name, count in (("content-flood.pdf", 8_000_000), ("glyph-flood.pdf", 150_000)):
        flood = b"BT /F1 1 Tf 72 700 Td " + b"(a) Tj " * count + b"ET"
        write(f"{out}/{name}", pdf({
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
               b" /Contents 5 0 R >>",
            4: HELV,
            5: stream(flood, compress=True),
        }))

    # Nested forms: a chain of 40 Form XObjects, each drawing the next.
    objs = {}
    first = 10
    depth = 40
    for k in range(depth):
        num = first + k
        if k + 1 < depth:
            body = b"/X%d Do" % (num + 1)
            res = b"<< /XObject << /X%d %d 0 R >> /Font << /F1 4 0 R >> >>" % (num + 1, num + 1)
        else:
            body = text_ops(MEMO[:2])
            res = b"<< /Font << /F1 4 0 R >> >>"
        objs[num] = stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources %s " % res)
    write(f"{out}/forms-nested.pdf", one_page(
        text_ops(["Geneste formulieren"]) + b"/X%d Do\n" % first,
        resources=b"<< /Font << /F1 4 0 R >> /XObject << /X%d %d 0 R >> >>" % (first, first),
        extra_objects=objs))

    # Cyclic forms: A draws B, B draws A.
    objs = {
        10: stream(text_ops(["Formulier A"]) + b"/B Do",
                   b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /B 11 0 R >> >> "),
        11: stream(b"/A Do", b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /A 10 0 R >> >> "),
    }
    write(f"{out}/forms-cyclic.pdf", one_page(
        b"/A Do\n", resources=b"<< /Font << /F1 4 0 R >> /XObject << /A 10 0 R >> >>", extra_objects=objs))

    # 20,000 empty pages sharing one empty content stream.
    n = 20000
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: stream(b"")}
    kids = []
    for k in range(n):
        num = 4 + k
        kids.append(b"%d 0 R" % num)
        objs[num] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % n
    write(f"{out}/many-pages.pdf", pdf(objs))

    # Encrypted with a user password (qpdf, AES-256).
    plain = f"{out}/.plain-for-encryption.pdf"
    write(plain, good)
    subprocess.run(["qpdf", "--encrypt", "geheim", "eigenaar", "256", "--", plain, f"{out}/encrypted.pdf"],
                   check=True)
    os.remove(plain)

    # Type3 font: glyphs are drawings, the text cannot be trusted.
    t3 = (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0]"
          b" /CharProcs << /a 11 0 R >> /Encoding << /Type /Encoding /Differences [65 /a] >>"
          b" /FirstChar 65 /LastChar 65 /Widths [600] >>")
    write(f"{out}/type3.pdf", one_page(
        b"BT /T3 12 Tf 72 720 Td (AAAA) Tj ET\n",
        resources=b"<< /Font << /F1 4 0 R /T3 10 0 R >> >>",
        extra_objects={10: t3, 11: stream(b"600 0 0 0 600 600 d1 0 0 600 600 re f")}))

    # A scanned page: one image, no text.
    write(f"{out}/scan.pdf", one_page(
        b"q 500 0 0 700 50 70 cm /Im1 Do Q\n",
        resources=b"<< /XObject << /Im1 10 0 R >> >>", extra_objects={10: image_xobject()}))

    # OCR layer: the same scan with invisible text (Tr 3) over it.
    write(f"{out}/ocr.pdf", one_page(
        b"q 500 0 0 700 50 70 cm /Im1 Do Q\n" + text_ops(MEMO, render=3),
        resources=b"<< /Font << /F1 4 0 R >> /XObject << /Im1 10 0 R >> >>",
        extra_objects={10: image_xobject()}))

    # Empty files, a binary file named .txt, a Windows-1252 memo.
    write(f"{out}/leeg.pdf", b"")
    write(f"{out}/leeg.txt", b"")
    write(f"{out}/binair.txt", bytes(range(256)) * 16)
    write(f"{out}/memo-cp1252.txt", "Memo\nVan: Zoë Müller\nDe café-afspraak is verzet.\n".encode("cp1252"))

    # A named pipe called .txt: reading it would block for ever.
    os.mkfifo(f"{out}/pijp.txt")
    # A link to nothing: a file that is listed but cannot be read, also for root.
    os.symlink("bestaat-niet.txt", f"{out}/verwijzing.txt")


def batch(out, n):
    for k in range(n):
        write(f"{out}/doc-{k:04}.pdf", good_pdf(k))


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    out = args[0]
    if os.path.exists(out) and os.listdir(out):
        sys.exit(f"{out} is not empty")
    os.makedirs(out, exist_ok=True)
    if len(args) == 3 and args[1] == "--batch":
        batch(out, int(args[2]))
    else:
        suite(out)


if __name__ == "__main__":
    main()
