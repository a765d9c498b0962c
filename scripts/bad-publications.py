#!/usr/bin/env python3
"""Writes fixtures/bad/: publications that look redacted but are not safe, one flaw each,
plus one clean control. `woo-redact check` must catch every flaw with its own message
(tests/check.rs reads fixtures/bad/expect.toml).

The pages come from reportlab (a real producer); flaws that reportlab cannot make are added
with pikepdf (qpdf) or, for the byte-level ones (an incremental update, an orphaned object),
by editing the file the way other tools do. All names are invented.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install reportlab pikepdf
    /tmp/v/bin/python scripts/bad-publications.py fixtures/bad
"""
import io
import re
import sys
from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

NAME = "Jan de Vries"
FONT = ("Helvetica", 11)


def page(draw, *, info_author=None, compress=0):
    """A one-page memo; `draw(c, x, y)` paints what goes after "Contactpersoon:"."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=compress, invariant=1)
    c.setTitle("Nota")
    c.setAuthor(info_author or "")
    c.setCreator("")
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 770, "Ministerie van Voorbeeldzaken")
    c.setFont(*FONT)
    c.drawString(72, 740, "Nota aan de minister over de subsidieregeling")
    c.drawString(72, 710, "Contactpersoon:")
    draw(c, 160, 710)
    c.drawString(72, 680, "De minister wordt geadviseerd in te stemmen met de regeling.")
    c.showPage()
    c.save()
    return buf.getvalue()


def box(c, x, y, label="5.1.2e", width=70):
    """A redaction box where the name was, with its ground label in white."""
    c.setFillColorRGB(0, 0, 0)
    c.rect(x, y - 3, width, 13, stroke=0, fill=1)
    if label:
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica", 8)
        c.drawString(x + 2, y, label)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(*FONT)


def clean(c, x, y):
    box(c, x, y)


def name_then_box(c, x, y):
    c.drawString(x, y, NAME)
    box(c, x - 1, y, width=c.stringWidth(NAME, *FONT) + 2)


def invisible_name(c, x, y):
    box(c, x, y)
    t = c.beginText(300, 710)
    t.setTextRenderMode(3)
    t.setFont(*FONT)
    t.textLine(NAME)
    # The render mode is graphics state: without this the rest of the page is invisible too.
    t.setTextRenderMode(0)
    c.drawText(t)


def rebuild(data, extra_objects):
    """Rewrites an uncompressed classic-xref PDF with extra objects and a fresh xref table
    (one revision), as a tool that writes whole files would."""
    head = data[: data.rindex(b"\nxref") + 1]
    objs = list(re.finditer(rb"(?m)^(\d+) 0 obj", head))
    size = max(int(m.group(1)) for m in objs) + 1
    trailer = re.search(rb"trailer\s*<<(.*?)>>\s*startxref", data, re.S).group(1)
    body = head
    numbers = []
    for text in extra_objects:
        numbers.append(size)
        body += b"%d 0 obj\n%s\nendobj\n" % (size, text)
        size += 1
    offsets = {int(m.group(1)): m.start() for m in re.finditer(rb"(?m)^(\d+) 0 obj", body)}
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        xref += b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
    trailer = re.sub(rb"/Size \d+", b"/Size %d" % size, trailer)
    out = body + xref + b"trailer\n<<" + trailer + b">>\nstartxref\n%d\n%%%%EOF\n" % len(body)
    return out, numbers


def incremental(data, new_content):
    """Appends an incremental update that replaces the page's content stream: the old
    revision, with the name, stays in the file."""
    pdf = pikepdf.open(io.BytesIO(data))
    pg = pdf.pages[0].obj
    content_num = pg.Contents.objgen[0]
    root_num = pdf.Root.objgen[0]
    info_num = pdf.trailer.Info.objgen[0]
    size = int(pdf.trailer.Size)
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    body = data if data.endswith(b"\n") else data + b"\n"
    off = len(body)
    stream = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        content_num,
        len(new_content),
        new_content,
    )
    xref = b"xref\n%d 1\n%010d 00000 n \n" % (content_num, off)
    body += stream
    tail = b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        root_num,
        info_num,
        prev,
        len(body),
    )
    return body + xref + tail


def content_of(data):
    pdf = pikepdf.open(io.BytesIO(data))
    return pdf.pages[0].Contents.read_bytes()


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    files["clean.pdf"] = page(clean)
    files["box-over-text.pdf"] = page(name_then_box)
    files["author-in-info.pdf"] = page(clean, info_author=NAME)

    with pikepdf.open(io.BytesIO(page(clean))) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:creator"] = [NAME]
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
        files["xmp-creator.pdf"] = buf.getvalue()

    with_name = page(lambda c, x, y: c.drawString(x, y, NAME))
    files["incremental-update.pdf"] = incremental(with_name, content_of(page(clean)))

    with pikepdf.open(io.BytesIO(page(clean))) as pdf:
        spec = pikepdf.AttachedFileSpec(pdf, f"Aantekeningen van {NAME}\n".encode(), mime_type="text/plain")
        pdf.attachments["aantekeningen.txt"] = spec
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
        files["attachment.pdf"] = buf.getvalue()

    files["tr3-text.pdf"] = page(invisible_name)

    with pikepdf.open(io.BytesIO(page(clean))) as pdf:
        p = pdf.pages[0]
        old = p.Contents.read_bytes()
        new = b"/Span << /ActualText (" + NAME.encode() + b") >> BDC\n" + old + b"\nEMC\n"
        p.Contents = pdf.make_stream(new)
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
        files["actualtext.pdf"] = buf.getvalue()

    files["orphan-object.pdf"], _ = rebuild(page(clean), [b"(" + NAME.encode() + b")"])
    files["box-without-label.pdf"] = page(lambda c, x, y: box(c, x, y, label=None))
    files["unknown-ground.pdf"] = page(lambda c, x, y: box(c, x, y, label="5.1.9z"))

    for name, data in files.items():
        (out / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fixtures/bad")
