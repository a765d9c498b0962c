#!/usr/bin/env python3
"""Writes fixtures/pdf-cases/: one small PDF per real-world case the PDF path must handle
(hidden text, earlier redactions, labels, annotations, odd content streams, fonts without a
Unicode map, images and scans, a huge content stream). tests/pdf_cases.rs reads
fixtures/pdf-cases/expect.toml and checks what `woo-redact redact` and `woo-redact check` do
with each file, with poppler's pdftotext as the independent reader.

Made with (the files are byte-for-byte reproducible with these versions; others give the same
pages but possibly other bytes):
    Python 3.11.7, reportlab 5.1.0, pikepdf 10.18.0 (libqpdf 12.4.2), Pillow 13.0.0,
    fonts from Debian 12 fonts-dejavu-core and fonts-liberation; checked with poppler-utils
    22.12.0 (pdftotext, pdffonts, pdftoppm) and qpdf 11.3.0.

    python3 -m venv /tmp/cases-venv
    /tmp/cases-venv/bin/pip install reportlab==5.1.0 pikepdf==10.18.0 pillow==13.0.0
    /tmp/cases-venv/bin/python scripts/pdf-cases.py fixtures/pdf-cases

Pages come from reportlab (a real producer, `invariant=1`: fixed dates and /ID); what
reportlab cannot write (annotations with appearance streams, unbalanced q/Q, a Type0 font
without /ToUnicode, optional content, split content streams) is added with pikepdf and saved
with `deterministic_id=True`. Images are drawn with Pillow. Every name, address and number is
invented (BSN 111222333 and IBAN NL91ABNA0417164300 are the usual check-digit-valid test
numbers).
"""
import io
import math
import re
import struct
import sys
from pathlib import Path

VERSIONS = {"reportlab": "5.1.0", "pikepdf": "10.18.0", "PIL": "13.0.0"}

try:
    import pikepdf
    import PIL
    import reportlab
    from PIL import Image, ImageDraw, ImageFilter, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
except ImportError as e:
    sys.exit(
        f"pdf-cases.py: Python package '{e.name}' is missing. Set up a venv outside the repository:\n"
        "    python3 -m venv /tmp/cases-venv\n"
        "    /tmp/cases-venv/bin/pip install reportlab==5.1.0 pikepdf==10.18.0 pillow==13.0.0\n"
        "and run the script with /tmp/cases-venv/bin/python."
    )

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation")]


def font_file(name):
    for d in FONT_DIRS:
        if (d / name).exists():
            return d / name
    sys.exit(f"pdf-cases.py: font {name} not found in {', '.join(map(str, FONT_DIRS))} "
             "(Debian: apt-get install fonts-dejavu-core fonts-liberation)")


W, H = A4  # 595.27 x 841.89 pt

# The invented people of the memo. The contact person and the signer are civil servants
# (redacted under 5.1.2e); the requester is a citizen.
CONTACT = "mr. J.P. de Vries"
CONTACT_PHONE = "T 06-12345678"
CONTACT_MAIL = "j.devries@minbzk.nl"
SIGNER = "drs. L.M. van den Berg"


class Line:
    """One line of text on the page: where, in which font, what. Shared by the reportlab
    pages, the Pillow scans and the OCR text layer so all three agree on positions."""

    def __init__(self, x, y, text, font="Helvetica", size=10, gray=0.0):
        self.x, self.y, self.text, self.font, self.size, self.gray = x, y, text, font, size, gray


def wrap(x, y, text, width=310, font="Helvetica", size=10, leading=13.5):
    """A paragraph as lines; returns (lines, y below the paragraph)."""
    out = []
    for part in simpleSplit(text, font, size, width):
        out.append(Line(x, y, part, font, size))
        y -= leading
    return out, y - 6


ORG_BZK = {
    "name": "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    "address": ["Directie Openbaar Bestuur", "Turfmarkt 147", "2511 DP Den Haag", "Postbus 20011",
                "2500 EA Den Haag"],
    "mail": CONTACT_MAIL,
}
ORG_GEMEENTE = {
    "name": "Gemeente Voorbeeldstad",
    "address": ["Afdeling Publiekszaken", "Stadhuisplein 1", "9999 XX Voorbeeldstad", "Postbus 100",
                "9990 AA Voorbeeldstad"],
    "mail": "j.devries@voorbeeldstad.nl",
}


def letterhead(org=ORG_BZK, contact=True):
    """Rijkshuisstijl-like letterhead: the organisation top left, the sender column on the
    right with the contact block, date and reference."""
    lines = [Line(72, 790, org["name"], "Helvetica-Bold", 11)]
    for k, a in enumerate(org["address"]):
        lines.append(Line(400, 740 - 10 * k, a, "Helvetica-Bold" if k == 0 else "Helvetica", 7.5))
    y = 680
    if contact:
        lines += [
            Line(400, y, "Contactpersoon", "Helvetica-Bold", 7.5),
            Line(400, y - 10, CONTACT, size=7.5),
            Line(400, y - 20, CONTACT_PHONE, size=7.5),
            Line(400, y - 30, org["mail"], size=7.5),
        ]
        y -= 50
    lines += [
        Line(400, y, "Datum", "Helvetica-Bold", 7.5),
        Line(400, y - 10, "12 maart 2024", size=7.5),
        Line(400, y - 25, "Onze referentie", "Helvetica-Bold", 7.5),
        Line(400, y - 35, "2024-0000174633", size=7.5),
    ]
    return lines


BODY = [
    "Aanleiding: tijdens het commissiedebat van 4 maart 2024 is toegezegd de subsidieregeling "
    "voor lokale energie-initiatieven te evalueren en de Tweede Kamer voor de zomer te informeren.",
    "Advies: wij adviseren u in te stemmen met bijgaande brief aan de Tweede Kamer, waarin de "
    "uitkomsten van de evaluatie worden toegelicht.",
    "Kern: de regeling heeft in 2023 ruim 240 initiatieven ondersteund. Het budget van "
    "EUR 12,5 miljoen is volledig benut; de uitvoeringskosten bleven binnen de begroting.",
]


def nota(title="Nota", subject="Evaluatie subsidieregeling lokale energie-initiatieven",
         body=BODY, signer=True, contact=True, y=640):
    """A one-page memo (nota) as lines; returns (lines, y below the body)."""
    lines = letterhead(contact=contact)
    lines.append(Line(72, y + 40, title, "Helvetica-Bold", 16))
    lines.append(Line(72, y + 15, "Aan: de minister van Binnenlandse Zaken", size=9))
    lines.append(Line(72, y + 3, "Onderwerp: " + subject, size=9))
    y -= 30
    for p in body:
        ls, y = wrap(72, y, p)
        lines += ls
    if signer:
        lines += signature(72, y - 10)
        y -= 80
    return lines, y


def signature(x, y, name=SIGNER, role="teamleider Subsidies"):
    return [
        Line(x, y, "Met vriendelijke groet,"),
        Line(x, y - 13, "de " + role + ","),
        Line(x, y - 55, name),
    ]


def new_canvas(title):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("")
    c.setCreator("")
    c.setSubject("")
    return buf, c


def draw(c, lines):
    for ln in lines:
        c.setFillGray(ln.gray)
        c.setFont(ln.font, ln.size)
        c.drawString(ln.x, ln.y, ln.text)
    c.setFillGray(0)


def finish(buf, c):
    c.showPage()
    c.save()
    return buf.getvalue()


def simple(lines, extra=None, title="Nota"):
    """A reportlab page with the lines, then `extra(c)` on top."""
    buf, c = new_canvas(title)
    draw(c, lines)
    if extra:
        extra(c)
    return finish(buf, c)


def save(pdf):
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True,
             stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
    return out.getvalue()


def find(lines, text):
    for ln in lines:
        if text in ln.text:
            return ln
    raise KeyError(text)


def span_box(ln, part, pad=1.0):
    """The rectangle (x0, y0, x1, y1) of `part` inside line `ln`."""
    i = ln.text.index(part)
    x0 = ln.x + pdfmetrics.stringWidth(ln.text[:i], ln.font, ln.size)
    x1 = x0 + pdfmetrics.stringWidth(part, ln.font, ln.size)
    return (x0 - pad, ln.y - 0.25 * ln.size - pad, x1 + pad, ln.y + 0.8 * ln.size + pad)


def black_box(c, r):
    c.setFillGray(0)
    c.rect(r[0], r[1], r[2] - r[0], r[3] - r[1], stroke=0, fill=1)


# ---------------------------------------------------------------------------------------------
# Hidden text


def offpage_text():
    """A concept note left of the page (x < 0) and a line above it (y > page height)."""
    lines, _ = nota()

    def extra(c):
        c.setFont("Helvetica", 10)
        c.drawString(-420, 600, "Conceptnotitie: afgestemd met mw. A.M. Bakker, T 06-23456789.")
        c.drawString(-420, 586, "Nog niet delen buiten de directie.")
        c.drawString(72, H + 30, "Kopie aan: ing. R. Meijer, r.meijer@minbzk.nl")

    return simple(lines, extra)


def white_text():
    """Search keywords in white on the white page, a trick of some authoring templates."""
    lines, y = nota()

    def extra(c):
        c.setFillGray(1)
        c.setFont("Helvetica", 9)
        c.drawString(72, 120, "Trefwoorden: subsidieregeling, evaluatie, dossierhouder Henk Smit, h.smit@minbzk.nl")
        c.setFillGray(0)

    return simple(lines, extra)


def tiny_text():
    """A line at 0.5 pt with a citizen's name, BSN and IBAN: a dot to the eye, a sentence to
    an extractor."""
    lines, y = nota()

    def extra(c):
        c.setFont("Helvetica", 0.5)
        c.drawString(72, 110, "Interne notitie: aanvraag van de heer P. Visser, BSN 111222333, "
                     "IBAN NL91ABNA0417164300, afgewezen.")

    return simple(lines, extra)


def clipped_text():
    """Text painted inside a clip rectangle that excludes it: nothing shows."""
    lines, y = nota()
    buf, c = new_canvas("Nota")
    draw(c, lines)
    # reportlab has no bare clip operator: write it as raw content (re W n, then text).
    c._code.append("q 500 800 10 10 re W n")
    c.setFont("Helvetica", 10)
    c.drawString(72, 140, "Niet publiceren: overleg gehad met mw. A.M. Bakker (06-23456789).")
    c._code.append("Q")
    return finish(buf, c)


def alpha_zero_text():
    """Text painted with fill alpha 0 (ExtGState /ca 0): transparent but extractable."""
    lines, y = nota()

    def extra(c):
        c.saveState()
        c.setFillAlpha(0)
        c.setFont("Helvetica", 10)
        c.drawString(72, 140, "Verborgen: terugbellen mw. A.M. Bakker, 06-23456789.")
        c.restoreState()

    return simple(lines, extra)


def ocg_off_text():
    """Text in an optional content group (layer) that is OFF by default."""
    lines, y = nota()
    base = simple(lines)
    pdf = pikepdf.open(io.BytesIO(base))
    ocg = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Aantekeningen"))
    pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=[ocg], D=pikepdf.Dictionary(Order=[ocg], OFF=[ocg], Name="Standaard")
    )
    page = pdf.pages[0]
    page.Resources.Properties = pikepdf.Dictionary(OC1=ocg)
    font = font_name(page, "Helvetica")
    layer = (
        b"/OC /OC1 BDC BT %s 10 Tf 72 140 Td (Aantekening: mw. A.M. Bakker belt terug, 06-23456789.) Tj ET EMC\n"
        % font.encode()
    )
    page.contents_add(pdf.make_stream(layer), prepend=False)
    return save(pdf)


def font_name(page, base):
    """The resource name of the font with BaseFont `base` on a page."""
    for k, f in page.Resources.Font.items():
        if str(f.BaseFont) == "/" + base:
            return k
    raise KeyError(base)


# ---------------------------------------------------------------------------------------------
# Earlier redactions and their labels


def text_under_box():
    """A "redaction" that only painted over the text: name, phone and e-mail drawn, a black
    box over each, with the ground in white on the box (as Acrobat's overlay text); and a
    policy opinion under a box labelled 5.2."""
    lines, y = nota(body=BODY + ["Standpunt: de directeur vindt verlenging onverstandig."])
    covered = [
        (find(lines, CONTACT), CONTACT, "5.1.2e"),
        (find(lines, CONTACT_PHONE), "06-12345678", "5.1.2e"),
        (find(lines, CONTACT_MAIL), "j.devries", "5.1.2e"),
        (find(lines, SIGNER), SIGNER, "5.1.2e"),
        (find(lines, "Standpunt:"), "de directeur vindt verlenging onverstandig", "5.2"),
    ]

    def extra(c):
        for ln, part, ground in covered:
            r = span_box(ln, part)
            black_box(c, r)
            c.setFillGray(1)
            c.setFont("Helvetica", 7)
            c.drawString(r[0] + 1.5, r[1] + 2.5, ground)
            c.setFillGray(0)

    return simple(lines, extra)


def redacted_lines(keep_domain=True):
    """The memo as published after a proper redaction: no personal data left in the text,
    a box (x0, y0, x1, y1) where each piece was. `keep_domain` keeps "@minbzk.nl" of the
    e-mail address visible after its box."""
    lines, y = nota()
    holes = {CONTACT: "", CONTACT_PHONE: "T ", CONTACT_MAIL: "", SIGNER: ""}
    out = []
    boxes = []
    for ln in lines:
        if ln.text not in holes:
            out.append(ln)
            continue
        keep = holes[ln.text]
        x0 = ln.x + pdfmetrics.stringWidth(keep, ln.font, ln.size)
        if keep:
            out.append(Line(ln.x, ln.y, keep, ln.font, ln.size))
        gap = 40 if ln.text == CONTACT_MAIL else 60
        h = 9 if ln.size < 9 else 12
        y0 = ln.y - 0.25 * ln.size - 1
        boxes.append((ln, (x0, y0, x0 + gap, y0 + h)))
        if ln.text == CONTACT_MAIL and keep_domain:
            out.append(Line(x0 + gap + 1, ln.y, "@minbzk.nl", ln.font, ln.size))
    return out, boxes


def label_beside_box():
    """A properly redacted publication: black boxes with nothing under them and the ground
    printed in black next to each box: beside it on the same line, or just above it in the
    old Wob style (10.2.e)."""
    lines, boxes = redacted_lines(keep_domain=False)

    def extra(c):
        for ln, r in boxes:
            black_box(c, r)
            c.setFillGray(0)
            if ln.text == SIGNER:
                c.setFont("Helvetica", 7)
                c.drawString(r[0], r[3] + 2, "10.2.e")
            else:
                c.setFont("Helvetica", 6)
                c.drawString(r[2] + 3, ln.y, "5.1.2e")

    return simple(lines, extra)


def appearance(pdf, rect, content, resources=None):
    """An annotation appearance (a Form XObject) whose /BBox is the annotation's size."""
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    s = pdf.make_stream(content)
    s.Type = pikepdf.Name.XObject
    s.Subtype = pikepdf.Name.Form
    s.BBox = [0, 0, round(w, 2), round(h, 2)]
    s.Resources = resources if resources is not None else pikepdf.Dictionary()
    return s


def helv(pdf):
    return pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            Helv=pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding,
            ))
        )
    )


def rect_list(r):
    return [round(v, 2) for v in r]


def overlay_freetext_label():
    """Redacted in Acrobat: black boxes burned into the page content (nothing under them) and
    each label a FreeText annotation whose appearance shows 5.1.2e in white over the box."""
    lines, boxes = redacted_lines()

    def extra(c):
        for _, r in boxes:
            black_box(c, r)

    pdf = pikepdf.open(io.BytesIO(simple(lines, extra)))
    page = pdf.pages[0]
    res = helv(pdf)
    annots = []
    for i, (_, r) in enumerate(boxes):
        ap = appearance(pdf, r, b"BT /Helv 6.5 Tf 1 g 2 2.2 Td (5.1.2e) Tj ET\n", res)
        annots.append(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FreeText, Rect=rect_list(r),
            Contents=pikepdf.String("5.1.2e"), DA=pikepdf.String("/Helv 6.5 Tf 1 g"),
            F=4, NM=pikepdf.String(f"woo-label-{i + 1}"), BS=pikepdf.Dictionary(W=0),
            P=page.obj, AP=pikepdf.Dictionary(N=ap),
        )))
    page.Annots = pdf.make_indirect(pikepdf.Array(annots))
    return save(pdf)


def marker_annotation():
    """A decision letter whose requester's name and address, live text, are hidden under black
    markup annotations (Square, Ink, Highlight) and an unapplied Redact annotation. The text
    is still in the page content; only the annotations' appearances hide it."""
    lines = letterhead(org=ORG_GEMEENTE)
    lines += [
        Line(72, 700, "De heer P. Visser"),
        Line(72, 687, "Dorpsstraat 12"),
        Line(72, 674, "1234 AB Ergenshuizen"),
        Line(72, 600, "Besluit op uw Woo-verzoek", "Helvetica-Bold", 14),
        Line(72, 570, "Geachte heer Visser,"),
    ]
    y = 550
    for p in [
        "Op 5 februari 2024 hebben wij uw verzoek ontvangen om openbaarmaking van documenten over "
        "de herinrichting van het Marktplein. In deze brief leest u ons besluit.",
        "Wij hebben 14 documenten gevonden. Wij maken deze documenten deels openbaar. Namen en "
        "contactgegevens van medewerkers zijn weggelakt op grond van artikel 5.1, tweede lid, "
        "aanhef en onder e, van de Woo.",
    ]:
        ls, y = wrap(72, y, p, width=440)
        lines += ls
    lines += signature(72, y - 10, role="burgemeester en wethouders, namens dezen, het hoofd Publiekszaken")
    pdf = pikepdf.open(io.BytesIO(simple(lines, title="Besluit")))
    page = pdf.pages[0]
    annots = []

    def annot(subtype, r, content, resources=None, **kw):
        d = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name("/" + subtype), Rect=rect_list(r), F=4,
            NM=pikepdf.String(f"markup-{len(annots) + 1}"), P=page.obj,
            AP=pikepdf.Dictionary(N=appearance(pdf, r, content, resources)), **kw,
        )
        annots.append(pdf.make_indirect(d))

    # Square with a black fill over the name.
    r = span_box(find(lines, "De heer P. Visser"), "P. Visser", pad=2)
    w, h = r[2] - r[0], r[3] - r[1]
    annot("Square", r, b"0 g 0 G 1 w 0.5 0.5 %.2f %.2f re B\n" % (w - 1, h - 1),
          C=[0, 0, 0], IC=[0, 0, 0], BS=pikepdf.Dictionary(W=1))
    # Ink: a thick felt-tip stroke over the street.
    ln = find(lines, "Dorpsstraat 12")
    r0 = span_box(ln, "Dorpsstraat 12", pad=0)
    y_mid = (r0[1] + r0[3]) / 2
    r = (r0[0] - 7, y_mid - 7, r0[2] + 7, y_mid + 7)
    annot("Ink", r, b"0 G 13 w 1 J 7 7 m %.2f 7 l S\n" % (r[2] - r[0] - 7),
          C=[0, 0, 0], BS=pikepdf.Dictionary(W=13),
          InkList=[[round(r0[0], 2), round(y_mid, 2), round(r0[2], 2), round(y_mid, 2)]])
    # Highlight in black over postcode and town (multiply blend, as highlighters draw).
    r = span_box(find(lines, "1234 AB Ergenshuizen"), "1234 AB Ergenshuizen", pad=1.5)
    w, h = r[2] - r[0], r[3] - r[1]
    gs = pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(G0=pikepdf.Dictionary(
        Type=pikepdf.Name.ExtGState, BM=pikepdf.Name.Multiply)))
    annot("Highlight", r, b"/G0 gs 0 g 0 0 %.2f %.2f re f\n" % (w, h), gs, C=[0, 0, 0],
          QuadPoints=[round(v, 2) for v in (r[0], r[3], r[2], r[3], r[0], r[1], r[2], r[1])])
    # An unapplied Redact annotation over the surname in the salutation, with its overlay text.
    r = span_box(find(lines, "Geachte heer Visser,"), "Visser", pad=1.5)
    w, h = r[2] - r[0], r[3] - r[1]
    look = b"0 g 0 0 %.2f %.2f re f BT /Helv 7 Tf 1 g 1.5 2.5 Td (5.1.2e) Tj ET\n" % (w, h)
    res = helv(pdf)
    annot("Redact", r, look, res, IC=[0, 0, 0], OverlayText=pikepdf.String("5.1.2e"),
          DA=pikepdf.String("/Helv 7 Tf 1 g"), RO=appearance(pdf, r, look, res),
          QuadPoints=[round(v, 2) for v in (r[0], r[3], r[2], r[3], r[0], r[1], r[2], r[1])])
    page.Annots = pdf.make_indirect(pikepdf.Array(annots))
    return save(pdf)


# ---------------------------------------------------------------------------------------------
# Content-stream quirks


def plain_memo():
    """Control: the memo template alone, nothing special."""
    lines, _ = nota()
    return simple(lines)


def unbalanced_q():
    """Two pages as sloppy producers write them: page 1 opens a `q` that is never closed,
    page 2 has a stray `Q` without any `q` before it. Viewers shrug; so must we. (The stray
    `Q` is at the end of the page: poppler stops reading a page at an unmatched `Q`, and
    pdftotext has to see the text to check the output.)"""
    lines, _ = nota(signer=False)
    buf, c = new_canvas("Nota")
    draw(c, lines)
    c.showPage()
    page2 = [
        Line(72, 790, "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties", "Helvetica-Bold", 11),
        Line(400, 760, "Onze referentie", "Helvetica-Bold", 7.5),
        Line(400, 750, "2024-0000174633", size=7.5),
        Line(72, 700, "Vervolg: de regeling wordt na de zomer opnieuw opengesteld."),
        Line(72, 686, "Voor vragen kunt u terecht bij mw. A.M. Bakker, T 06-23456789."),
    ] + signature(72, 650)
    draw(c, page2)
    data = finish(buf, c)
    pdf = pikepdf.open(io.BytesIO(data))
    p1, p2 = pdf.pages[0], pdf.pages[1]
    p1.Contents = pdf.make_stream(b"q 1 0 0 1 0 0 cm\n" + p1.Contents.read_bytes())
    p2.Contents = pdf.make_stream(p2.Contents.read_bytes() + b"\nQ\n")
    return save(pdf)


def form_font_inherited():
    """A footer Form XObject that shows text without its own `Tf`: the page selects the font
    before `Do`, and the form inherits it with the rest of the graphics state."""
    lines, _ = nota()
    pdf = pikepdf.open(io.BytesIO(simple(lines)))
    page = pdf.pages[0]
    font = font_name(page, "Helvetica")
    form = pdf.make_stream(
        b"0.4 G 0.5 w 72 92 m 523 92 l S\n"
        b"BT 72 80 Td (Behandeld door: ing. K. Jansen, T 06-34567890, k.jansen@minbzk.nl) Tj "
        b"0 -11 Td (Bijlage bij nota 2024-0000174633) Tj ET\n"
    )
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = [0, 0, W, 120]
    form.Resources = pikepdf.Dictionary()  # no /Font: the text uses the inherited one
    page.Resources.XObject = pikepdf.Dictionary(Voet=pdf.make_indirect(form))
    page.contents_add(pdf.make_stream(b"q %s 8 Tf 0.2 g /Voet Do Q\n" % font.encode()), prepend=False)
    return save(pdf)


def contents_split():
    """/Contents is an array of streams, split between tokens as some producers do: one
    stream ends with the string operand of the contact person's name, the next begins with
    its `Tj`; another split falls inside a TJ array."""
    lines, _ = nota()
    data = simple(lines)
    pdf = pikepdf.open(io.BytesIO(data))
    page = pdf.pages[0]
    raw = page.Contents.read_bytes()
    name = b"(" + CONTACT.encode() + b") Tj"
    i = raw.index(name) + len(name) - 3
    j = raw.index(b"(" + SIGNER.encode())
    # Rewrite the signer's line as a TJ array so the second cut can fall inside it.
    end = raw.index(b") Tj", j) + 4
    words = SIGNER.split(" ")
    tj = b"[(" + b") -250 (".join(w.encode() for w in words) + b")] TJ"
    raw = raw[:j] + tj + raw[end:]
    k = raw.index(b"-250", j)
    parts = [raw[:i], raw[i:k], raw[k:]]
    page.Contents = pdf.make_indirect(pikepdf.Array([pdf.make_stream(p) for p in parts]))
    return save(pdf)


def hex_escaped_strings():
    """Names written as hex strings and as literal strings with escapes (\\( \\) \\ddd and a
    line continuation), the way some producers encode text."""
    lines, _ = nota(signer=False)
    pdf = pikepdf.open(io.BytesIO(simple(lines)))
    page = pdf.pages[0]
    font = font_name(page, "Helvetica").encode()
    hexname = SIGNER.encode().hex().encode()
    extra = (
        b"BT %s 10 Tf 72 330 Td (Met vriendelijke groet,) Tj 0 -13 Td (de teamleider Subsidies,) Tj "
        b"0 -42 Td <%s> Tj ET\n"
        b"BT %s 9 Tf 72 250 Td (Afschrift: ing. K. Jan\\\nsen \\(team Subsidies\\), T 06\\05534567890) Tj ET\n"
        % (font, hexname, font)
    )
    page.contents_add(pdf.make_stream(extra), prepend=False)
    return save(pdf)


def logo_png(w=90, h=150):
    """A Rijkslint-like logo: a blue bar with a white emblem (a ship's wheel)."""
    img = Image.new("RGB", (w, h), (21, 66, 115))
    d = ImageDraw.Draw(img)
    cx, cy, r = w / 2, h * 0.6, w * 0.3
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(255, 255, 255), width=4)
    for k in range(8):
        a = k * math.pi / 4
        d.line([cx, cy, cx + math.cos(a) * (r + 8), cy + math.sin(a) * (r + 8)], fill=(255, 255, 255), width=3)
    return img


def logo_image():
    """The letterhead carries the organisation's logo as an image XObject, as nearly every
    government PDF does; it overlaps no text."""
    lines, _ = nota()

    def extra(c):
        c.drawImage(ImageReader(logo_png()), 283, 803, width=22, height=36)

    return simple(lines, extra)


def inline_image():
    """The same logo as an inline image (BI … ID … EI) inside the content stream."""
    lines, _ = nota()

    def extra(c):
        c.drawInlineImage(logo_png(30, 50), 283, 803, width=22, height=36)

    return simple(lines, extra)


def big_content_stream():
    """A map excerpt drawn as a hatch of some 270,000 tiny path segments: the page's content
    stream inflates to more than 8 MiB but deflates to a few KB."""
    lines, y = nota(body=BODY[:1] + [
        "Bijlage: kaartuitsnede van het perceel waarop de aanvraag betrekking heeft (schaal 1:500)."
    ])
    segment = "1 0 0 1 0.5 0 cm 0 0 m 0.3 1.8 l S\n"
    row = segment * 800
    buf, c = new_canvas("Nota")
    draw(c, lines)
    code = ["q 0.45 G 0.2 w"]
    for k in range(340):
        code.append("q 1 0 0 1 72 %.2f cm" % (170 + k * 0.6))
        code.append(row)
        code.append("Q")
    code.append("Q")
    c._code.append("\n".join(code))
    return finish(buf, c)


# ---------------------------------------------------------------------------------------------
# Fonts


def ttf_tables(data):
    n = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for k in range(n):
        tag, _, off, length = struct.unpack(">4sIII", data[12 + 16 * k: 28 + 16 * k])
        tables[tag.decode("latin-1")] = data[off: off + length]
    return data[:4], tables


def ttf_build(version, tables):
    """A TrueType file from its tables, with checksums and head.checkSumAdjustment."""
    tags = sorted(tables)
    n = len(tags)
    es = int(math.log2(n))
    head = version + struct.pack(">HHHH", n, 16 * 2 ** es, es, 16 * n - 16 * 2 ** es)
    off = 12 + 16 * n
    dirs, body = b"", b""
    tables = dict(tables)
    tables["head"] = tables["head"][:8] + b"\0\0\0\0" + tables["head"][12:]

    def checksum(b):
        b += b"\0" * (-len(b) % 4)
        return sum(struct.unpack(">%dI" % (len(b) // 4), b)) & 0xFFFFFFFF

    for t in tags:
        data = tables[t]
        dirs += struct.pack(">4sIII", t.encode("latin-1"), checksum(data), off + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = head + dirs + body
    adj = (0xB1B0AFBA - checksum(font)) & 0xFFFFFFFF
    pos = 12 + 16 * n + sum(len(tables[t]) + (-len(tables[t]) % 4) for t in tags[: tags.index("head")])
    return font[: pos + 8] + struct.pack(">I", adj) + font[pos + 12:]


def cmap_format4(uni_to_gid):
    """A (3,1) Unicode cmap table, one segment per character."""
    codes = sorted(uni_to_gid) + [0xFFFF]
    seg = len(codes)
    es = int(math.log2(seg))
    sr = 2 * 2 ** es
    ends = b"".join(struct.pack(">H", u) for u in codes)
    starts = ends
    deltas = b"".join(struct.pack(">H", (uni_to_gid[u] - u) & 0xFFFF) for u in codes[:-1]) + struct.pack(">H", 1)
    ranges = b"\0\0" * seg
    body = struct.pack(">HHHH", 2 * seg, sr, es, 2 * seg - sr) + ends + b"\0\0" + starts + deltas + ranges
    sub = struct.pack(">HHH", 4, 6 + len(body), 0) + body
    return struct.pack(">HHHHI", 0, 1, 3, 1, 12) + sub


def to_type0_without_tounicode(pdf):
    """Turns every embedded simple TrueType font that reportlab wrote into a Type0 font with
    Identity-H encoding and CIDToGIDMap /Identity (as Chromium and Word write them), and
    leaves out /ToUnicode. The embedded subset gets a real Unicode cmap, so the text can
    still be recovered by reading the font program, as MuPDF and pdf.js do."""
    for page in pdf.pages:
        fonts = page.Resources.Font
        codes_to_gid = {}
        for key, f in list(fonts.items()):
            if f.Subtype != pikepdf.Name.TrueType:
                continue
            fd = f.FontDescriptor
            version, tables = ttf_tables(fd.FontFile2.read_bytes())
            # reportlab's subset cmap is (1,0) format 6: code -> glyph.
            cm = tables["cmap"]
            off = struct.unpack(">I", cm[8:12])[0]
            fmt, _, _, first, count = struct.unpack(">HHHHH", cm[off: off + 10])
            assert fmt == 6, fmt
            gids = struct.unpack(">%dH" % count, cm[off + 10: off + 10 + 2 * count])
            code_gid = {first + k: g for k, g in enumerate(gids)}
            tu = f.ToUnicode.read_bytes().decode("latin-1")
            code_uni = {int(a, 16): int(b, 16) for a, b in re.findall(r"<([0-9A-Fa-f]{2})> <([0-9A-Fa-f]{4})>", tu)}
            tables["cmap"] = cmap_format4({code_uni[c]: g for c, g in code_gid.items() if c in code_uni})
            fd.FontFile2 = pdf.make_stream(ttf_build(version, tables))
            first_char = int(f.FirstChar)
            widths = [float(w) for w in f.Widths]
            w_arr = []
            for c, g in sorted(code_gid.items(), key=lambda x: x[1]):
                if 0 <= c - first_char < len(widths):
                    w_arr += [g, [widths[c - first_char]]]
            cid = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=f.BaseFont,
                CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"),
                                                 Ordering=pikepdf.String("Identity"), Supplement=0),
                FontDescriptor=fd, DW=1000, W=w_arr, CIDToGIDMap=pikepdf.Name.Identity,
            ))
            fonts[key] = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=f.BaseFont,
                Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid],
            ))
            codes_to_gid[key] = code_gid
        # Re-encode the strings shown in these fonts: one byte per code -> two bytes per glyph.
        ops = []
        current = None
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name == "Tf":
                current = str(operands[0])
            elif current in codes_to_gid and name in ("Tj", "'", '"', "TJ"):
                m = codes_to_gid[current]

                def enc(s):
                    return pikepdf.String(b"".join(struct.pack(">H", m[b]) for b in bytes(s)))

                if name == "TJ":
                    operands = [pikepdf.Array([enc(x) if isinstance(x, pikepdf.String) else x for x in operands[0]])]
                else:
                    operands = list(operands[:-1]) + [enc(operands[-1])]
            ops.append((operands, op))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def cid_no_tounicode():
    """The whole memo in an embedded DejaVu Sans as Type0/Identity-H without /ToUnicode."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(font_file("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(font_file("DejaVuSans-Bold.ttf"))))
    lines, _ = nota()
    for ln in lines:
        ln.font = "DejaVuSans-Bold" if ln.font.endswith("Bold") else "DejaVuSans"
        ln.size = min(ln.size, 9.5)
    pdf = pikepdf.open(io.BytesIO(simple(lines)))
    to_type0_without_tounicode(pdf)
    return save(pdf)


# ---------------------------------------------------------------------------------------------
# Images and scans


def scribble(w=360, h=130):
    """A signature: a pen stroke along a fixed curve, dark blue on transparent."""
    img = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    pts = []
    for k in range(240):
        t = k / 239
        x = 20 + t * (w - 40) + 18 * math.sin(t * 23)
        y = h / 2 + 38 * math.sin(t * 11.3) * math.cos(t * 3.1) - 10 * math.sin(t * 41)
        pts.append((x, y))
    d.line(pts, fill=(18, 30, 90, 255), width=5, joint="curve")
    d.line([(40, h - 22), (w - 60, h - 30)], fill=(18, 30, 90, 255), width=4)
    return img


def image_over_name():
    """A scanned signature (PNG with transparency) placed over the signer's typed name."""
    lines, _ = nota()
    ln = find(lines, SIGNER)

    def extra(c):
        c.drawImage(ImageReader(scribble()), ln.x - 10, ln.y - 18, width=130, height=47, mask="auto")

    return simple(lines, extra)


DPI = 200


def scan_lines():
    lines, _ = nota(body=BODY[:2])  # two paragraphs: the JPEG stays under 60 KB
    return lines


def render_scan(lines):
    """The memo printed and scanned: a 200 dpi grey JPEG of the whole page, slightly soft
    (a scanner's blur, which also keeps the JPEG small)."""
    px = lambda v: round(v * DPI / 72)  # noqa: E731
    img = Image.new("L", (px(W), px(H)), 248)
    d = ImageDraw.Draw(img)
    fonts = {}
    for ln in lines:
        key = (ln.font, ln.size)
        if key not in fonts:
            f = "LiberationSans-Bold.ttf" if ln.font.endswith("Bold") else "LiberationSans-Regular.ttf"
            fonts[key] = ImageFont.truetype(str(font_file(f)), ln.size * DPI / 72)
        d.text((px(ln.x), px(H - ln.y)), ln.text, fill=30, font=fonts[key], anchor="ls")
    img = img.filter(ImageFilter.GaussianBlur(0.9))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=35, optimize=True, progressive=True, dpi=(DPI, DPI))
    return out.getvalue(), fonts


def ocr_layer():
    """A scanned page with an invisible OCR text layer (render mode 3), each line stretched
    (Tz) to the width of the line in the image, as OCR engines write it."""
    lines = scan_lines()
    jpeg, fonts = render_scan(lines)
    buf, c = new_canvas("Scan")
    c.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=W, height=H)
    t = c.beginText()
    t.setTextRenderMode(3)
    for ln in lines:
        shown = fonts[(ln.font, ln.size)].getlength(ln.text) * 72 / DPI
        t.setFont("Helvetica", ln.size)
        t.setHorizScale(100 * shown / pdfmetrics.stringWidth(ln.text, "Helvetica", ln.size))
        t.setTextOrigin(ln.x, ln.y)
        t.textOut(ln.text)
    c.drawText(t)
    return finish(buf, c)


def scan_only():
    """The same scan without any text layer."""
    jpeg, _ = render_scan(scan_lines())
    buf, c = new_canvas("Scan")
    c.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=W, height=H)
    return finish(buf, c)


# ---------------------------------------------------------------------------------------------
# Detection in context


def functional_mailbox():
    """Functional mailboxes (kept) next to a personal address (redacted), and the word
    "subsidies" on its own."""
    lines, _ = nota(body=[
        "Aanleiding: de subsidies voor lokale energie-initiatieven worden vanaf 2025 door de "
        "gemeenten verstrekt. Aanvragen lopen dan via subsidies@gemeente.nl.",
        "Vragen van burgers over de overgang kunnen naar info@minbzk.nl; vragen van gemeenten "
        "naar de contactpersoon, j.devries@minbzk.nl.",
        BODY[2],
    ])
    return simple(lines)


CASES = {
    "plain-memo.pdf": plain_memo,
    "offpage-text.pdf": offpage_text,
    "white-text.pdf": white_text,
    "tiny-text.pdf": tiny_text,
    "clipped-text.pdf": clipped_text,
    "alpha-zero-text.pdf": alpha_zero_text,
    "ocg-off-text.pdf": ocg_off_text,
    "text-under-box.pdf": text_under_box,
    "label-beside-box.pdf": label_beside_box,
    "overlay-freetext-label.pdf": overlay_freetext_label,
    "marker-annotation.pdf": marker_annotation,
    "unbalanced-q.pdf": unbalanced_q,
    "form-font-inherited.pdf": form_font_inherited,
    "contents-split.pdf": contents_split,
    "hex-escaped-strings.pdf": hex_escaped_strings,
    "cid-no-tounicode.pdf": cid_no_tounicode,
    "logo-image.pdf": logo_image,
    "inline-image.pdf": inline_image,
    "image-over-name.pdf": image_over_name,
    "ocr-layer.pdf": ocr_layer,
    "scan-only.pdf": scan_only,
    "functional-mailbox.pdf": functional_mailbox,
    "big-content-stream.pdf": big_content_stream,
}


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.exit("usage: pdf-cases.py OUTDIR   (e.g. fixtures/pdf-cases)")
    found = {"reportlab": reportlab.Version, "pikepdf": pikepdf.__version__, "PIL": PIL.__version__}
    for k, v in VERSIONS.items():
        if found[k] != v:
            print(f"pdf-cases.py: note: {k} {found[k]} (made with {v}): the bytes may differ", file=sys.stderr)
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, make in CASES.items():
        data = make()
        (out / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv)
