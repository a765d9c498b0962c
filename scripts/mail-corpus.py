#!/usr/bin/env python3
"""Builds a realistic e-mail and Word set from ../shared/corpus-dev (its texts, truth and
staff list), for measuring woo-redact on the formats of issue 17.

    python3 scripts/mail-corpus.py OUT [--corpus ../shared/corpus-dev]

Writes
  OUT/input/mail/<id>.eml   every e-mail thread of the corpus as an Outlook-style message:
                            multipart/alternative (text/plain in base64 or quoted-printable,
                            an Outlook-like HTML body with names split over tags and a mailto
                            link, some in ISO-8859-1), display names "Achternaam, Voornaam",
                            technical headers (Message-ID, Received, Thread-Topic) that name
                            people, and attachments: a Word memo (.docx) and, every other
                            message, a PDF of another corpus document.
  OUT/input/word/<id>.docx  every other corpus document as a Word memo: letterhead and title in
                            the header, a contact person in the footer, key-value blocks and
                            tables as Word tables, sidebars in a text box, names split over
                            runs, a comment naming a colleague, a tracked insertion and a
                            tracked deletion that holds personal data, a hidden run, and
                            document properties with author and last editor.
  OUT/truth/<rel>.json      per input file: "sensitive" (each must be gone from every part) and
                            "must_keep" (each must stay where the input shows it), the corpus
                            truth of the document and of its attachments, plus what the
                            generator added (comment authors, editors).

Only the standard library; deterministic (no clock, no randomness).
"""

import argparse
import csv
import email.policy
import html
import json
import re
import zipfile
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED = (1980, 1, 1, 0, 0, 0)


def blocks_text(blocks):
    """Plain text lines of a list of truth blocks (the corpus' own layout)."""
    out = []
    for b in blocks:
        t = b["t"]
        if t in ("p", "h", "title", "small"):
            out.append(b["text"])
        elif t == "kv":
            out.extend(f"{k}: {v}" for k, v in b["rows"])
        elif t in ("lines", "letterhead", "address"):
            out.extend(b["lines"])
        elif t == "ul":
            out.extend(f"- {i}" for i in b["items"])
        elif t == "table":
            out.extend("\t".join(r) for r in b.get("rows", []))
        elif t == "sidebar":
            for g in b.get("groups", []):
                if g.get("label"):
                    out.append(g["label"])
                out.extend(g.get("lines", []))
        elif t == "hr":
            out.append("-" * 40)
    return out


# ------------------------------------------------------------------------------------------
# Word


def esc(s):
    return html.escape(s, quote=True)


def run(text, bold=False, hidden=False):
    props = ""
    if bold or hidden:
        props = "<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:vanish/>" if hidden else "") + "</w:rPr>"
    return f'<w:r>{props}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'


def split_runs(text, names):
    """Runs for a paragraph: every few words a new run, and each sensitive name cut in the
    middle of a word (as Word does after an edit or a spelling check)."""
    cuts = set()
    for n in names:
        for m in re.finditer(re.escape(n), text):
            mid = m.start() + max(1, len(n) // 2)
            cuts.add(mid)
            cuts.add(m.start() + 1)
    for m in re.finditer(r" ", text):
        if m.start() % 3 == 0:
            cuts.add(m.start())
    pos = 0
    out = []
    for c in sorted(x for x in cuts if 0 < x < len(text)):
        out.append(run(text[pos:c], bold=len(out) % 5 == 4))
        pos = c
    out.append(run(text[pos:]))
    # Spelling marks between runs, as Word writes them.
    return '<w:proofErr w:type="spellStart"/>'.join(out[:2]) + "".join(out[2:])


def para(inner, style=None):
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{inner}</w:p>"


def table(rows):
    trs = []
    for r in rows:
        tcs = "".join(f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{para(run(c))}</w:tc>' for c in r)
        trs.append(f"<w:tr>{tcs}</w:tr>")
    return (
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        + '<w:gridCol w:w="3000"/>' * max(len(r) for r in rows)
        + "</w:tblGrid>"
        + "".join(trs)
        + "</w:tbl>"
    )


def textbox(lines):
    inner = "".join(para(run(l)) for l in lines)
    return para(
        '<w:r><w:pict><v:shape id="tb1" type="#_x0000_t202" style="width:180pt;height:120pt">'
        f"<v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )


def docx(path, truth, staff):
    """A Word memo of one corpus document; returns what the generator added to the truth."""
    names = [s["text"] for s in truth["sensitive"] if s["category"] == "name"]
    sensitive = [s["text"] for s in truth["sensitive"]]
    meta = truth.get("meta", {})
    author = meta.get("author") or (names[0] if names else "")
    editor = staff[len(truth["id"]) % len(staff)]
    commenter = staff[(len(truth["id"]) * 7) % len(staff)]
    added = [editor, commenter] + ([author] if author else [])
    body = []
    title = next((b["text"] for b in truth["blocks"] if b["t"] == "title"), truth["id"])
    first_p = True
    tracked = False
    for b in truth["blocks"]:
        t = b["t"]
        if t in ("kv", "table") and b.get("rows"):
            body.append(table(b["rows"]))
        elif t == "sidebar":
            lines = []
            for g in b.get("groups", []):
                lines += ([g["label"]] if g.get("label") else []) + g.get("lines", [])
            body.append(textbox(lines))
        elif t in ("p", "small") and first_p:
            first_p = False
            body.append(
                para(
                    '<w:commentRangeStart w:id="0"/>'
                    + split_runs(b["text"], names)
                    + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
                )
            )
        elif t in ("p", "small") and not tracked and sensitive:
            tracked = True
            deleted = f"Contact via {sensitive[-1]}. "
            body.append(
                para(
                    f'<w:del w:id="1" w:author="{esc(editor)}" w:date="2026-03-02T10:00:00Z">'
                    f'<w:r><w:delText xml:space="preserve">{esc(deleted)}</w:delText></w:r></w:del>'
                    f'<w:ins w:id="2" w:author="{esc(editor)}" w:date="2026-03-02T10:00:00Z">'
                    + split_runs(b["text"], names)
                    + "</w:ins>"
                    + run(f" Intern: {names[0]}." if names else " Intern.", hidden=True)
                )
            )
        else:
            lines = blocks_text([b])
            for l in lines:
                inner = split_runs(l, names)
                body.append(para(inner if t != "h" else run(l, bold=True)))
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        "<w:body>" + "".join(body) + '<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/>'
        '<w:footerReference w:type="default" r:id="rIdF"/><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/>'
        "</w:sectPr></w:body></w:document>"
    )
    contact = names[0] if names else ""
    header = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="{W}">'
        + para(run(title, bold=True))
        + (para(split_runs(f"Opgesteld door {author}", names)) if author else "")
        + "</w:hdr>"
    )
    footer = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W}">'
        + para(
            split_runs(f"Contactpersoon: {contact} | pagina ", names)
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )
        + "</w:ftr>"
    )
    comment_text = f"Graag nog afstemmen met {names[-1]}." if names else "Graag nog afstemmen."
    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="{W}">'
        f'<w:comment w:id="0" w:author="{esc(commenter)}" w:date="2026-03-01T09:00:00Z" w:initials="XX">'
        + para(run(comment_text))
        + "</w:comment></w:comments>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
        '<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
        '<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>'
        "</Relationships>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}">'
        '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>'
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{esc(title)}</dc:title><dc:creator>{esc(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{esc(editor)}</cp:lastModifiedBy><cp:revision>3</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-01T09:00:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>Microsoft Office Word</Application><Company>Rijksoverheid</Company><Manager>{esc(editor)}</Manager></Properties>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
        '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("[Content_Types].xml", types),
            ("_rels/.rels", root_rels),
            ("word/document.xml", document),
            ("word/_rels/document.xml.rels", rels),
            ("word/styles.xml", styles),
            ("word/header1.xml", header),
            ("word/footer1.xml", footer),
            ("word/comments.xml", comments),
            ("docProps/core.xml", core),
            ("docProps/app.xml", app),
        ]:
            z.writestr(zipfile.ZipInfo(name, FIXED), data.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return added


# ------------------------------------------------------------------------------------------
# E-mail


def mailboxes(value):
    """`Naam <adres>; Naam2 <adres2>` as Address objects (Outlook's display lines)."""
    out = []
    for part in value.split(";"):
        part = part.strip()
        m = re.match(r"^(.*?)\s*<([^>]+)>$", part)
        if m:
            local, _, domain = m.group(2).partition("@")
            out.append(Address(m.group(1).strip().strip('"'), local, domain))
        elif "@" in part:
            local, _, domain = part.partition("@")
            out.append(Address("", local, domain))
        elif part:
            out.append(Address(part, "onbekend", "invalid"))
    return out


def outlook_html(lines, names, sender):
    """Outlook-like HTML: MsoNormal paragraphs, &nbsp;, the first name of each paragraph split
    over a styled span, the sender's address as a mailto link."""
    ps = []
    for l in lines:
        t = html.escape(l)
        for n in names:
            if n in l and len(n) > 3:
                e = html.escape(n)
                half = len(e) // 2
                t = t.replace(e, f'{e[:half]}<span style="color:#1F497D">{e[half:]}</span>', 1)
                break
        t = t.replace(html.escape(sender), f'<a href="mailto:{sender}">{html.escape(sender)}</a>') if sender else t
        ps.append(f'<p class="MsoNormal">{t or "&nbsp;"}</p>')
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        "<style><!-- p.MsoNormal {margin:0cm; font-family:Calibri} --></style>"
        "<!--[if gte mso 9]><xml><o:shapedefaults v:ext=\"edit\" spidmax=\"1026\"/></xml><![endif]-->"
        '</head><body lang="NL" link="#0563C1"><div class="WordSection1">' + "\n".join(ps) + "</div></body></html>"
    )


def eml(path, truth, text, n, attachments):
    lines = text.splitlines()
    # Headers of the newest message: the first Van/Aan/CC/Onderwerp block of the thread.
    head = {}
    i = 0
    while i < len(lines) and "Onderwerp" not in head:
        m = re.match(r"^(Van|Verzonden|Aan|CC|Onderwerp): (.*)$", lines[i])
        if m:
            head[m.group(1)] = m.group(2)
        i += 1
    body = "\n".join(lines[i:]).strip("\n") + "\n"
    names = [s["text"] for s in truth["sensitive"] if s["category"] == "name"]
    msg = EmailMessage(policy=email.policy.SMTP)
    sender = mailboxes(head.get("Van", ""))
    msg["From"] = sender
    msg["To"] = mailboxes(head.get("Aan", ""))
    if head.get("CC"):
        msg["Cc"] = mailboxes(head["CC"])
    msg["Subject"] = head.get("Onderwerp", truth["id"])
    msg["Date"] = format_datetime(datetime(2026, 4, 23, 17, 35, tzinfo=timezone(timedelta(hours=2))) - timedelta(days=n))
    msg["Message-ID"] = f"<AM0PR09MB{4000 + n}.{sender[0].username if sender else 'x'}@prod.outlook.com>"
    msg["Thread-Topic"] = head.get("Onderwerp", "")
    msg["Received"] = f"from AM0PR09MB{4000 + n} ([10.1.2.{n}]) by mail.example.nl for <{msg['To'].addresses[0].addr_spec if msg['To'] else 'x'}>; {msg['Date']}"
    msg["X-MS-Exchange-Organization-AuthAs"] = "Internal"
    msg.set_content(body, cte="base64" if n % 2 == 0 else "quoted-printable")
    addr = sender[0].addr_spec if sender else ""
    page = outlook_html(body.splitlines(), names, addr)
    try:
        page.encode("iso-8859-1")
        charset = "iso-8859-1" if n % 3 == 0 else "utf-8"
    except UnicodeEncodeError:
        charset = "utf-8"
    msg.add_alternative(page.replace("charset=utf-8", f"charset={charset}"), subtype="html", charset=charset, cte="quoted-printable")
    for name, data, maintype, subtype in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msg.as_bytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent.parent / "../shared/corpus-dev")
    a = ap.parse_args()
    corpus = a.corpus.resolve()
    staff = []
    with open(corpus / "lists/staff_list.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            staff.append(" ".join(x for x in (row["Voornaam"], row["Tussenvoegsel"], row["Achternaam"]) if x))
    truths = {p.stem: json.load(open(p, encoding="utf-8")) for p in sorted((corpus / "truth").glob("*.json"))}
    mails = [k for k, t in truths.items() if t["type"] == "email"]
    others = [k for k, t in truths.items() if t["type"] != "email"]

    def truth_of(ids, added=()):
        sens, keep, seen = [], [], set()
        for i in ids:
            for s in truths[i]["sensitive"]:
                if s["text"] not in seen:
                    seen.add(s["text"])
                    sens.append({"text": s["text"], "category": s["category"], "source": i})
            keep += [{"text": k["text"], "category": k["category"], "source": i} for k in truths[i]["must_keep"]]
        for x in added:
            if x and x not in seen:
                seen.add(x)
                sens.append({"text": x, "category": "name", "source": "generator"})
        return {"sensitive": sens, "must_keep": keep}

    def save_truth(rel, t):
        p = a.out / "truth" / (rel + ".json")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(t, ensure_ascii=False, indent=1), encoding="utf-8")

    memo_added = {}
    for k in others:
        memo_added[k] = docx(a.out / "input/word" / f"{k}.docx", truths[k], staff)
        save_truth(f"word/{k}.docx", truth_of([k], memo_added[k]))
    tmp = a.out / "tmp"
    for n, k in enumerate(mails):
        memo = others[n % len(others)]
        atts, ids, added = [], [k], []
        tmp_docx = tmp / f"{memo}.docx"
        added += docx(tmp_docx, truths[memo], staff)
        atts.append((f"Memo {truths[memo]['type']} {memo}.docx", tmp_docx.read_bytes(), "application",
                     "vnd.openxmlformats-officedocument.wordprocessingml.document"))
        ids.append(memo)
        if n % 2 == 0:
            other = others[(n + 5) % len(others)]
            pdf = corpus / "input/pdf/rl-helv" / f"{other}.pdf"
            if pdf.is_file():
                atts.append((f"{other}.pdf", pdf.read_bytes(), "application", "pdf"))
                ids.append(other)
        text = (corpus / "input/txt" / f"{k}.txt").read_text(encoding="utf-8")
        eml(a.out / "input/mail" / f"{k}.eml", truths[k], text, n, atts)
        save_truth(f"mail/{k}.eml", truth_of(ids, added))
    for p in sorted(tmp.glob("*")):
        p.unlink()
    if tmp.is_dir():
        tmp.rmdir()
    print(f"{len(mails)} e-mail threads, {len(others)} Word memos in {a.out / 'input'}")


if __name__ == "__main__":
    main()
