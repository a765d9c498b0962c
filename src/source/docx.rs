//! Word `.docx` (a zip of WordprocessingML parts, read with `zip` and `quick-xml`): the text
//! of every run a reader sees (body, tables, text boxes, headers, footers, footnotes,
//! endnotes, field instructions, link targets, image alt text) as segments of one layer.
//!
//! Reading and cleaning are one walk ([`walk`]), so the segments the detector reads are
//! exactly the ones the writer replaces: deleted revisions (`w:del`, `w:moveFrom`) and hidden
//! runs (`w:vanish`) are left out, insertions are accepted, comment anchors dropped; parts that
//! are never published (comments, people, custom XML, document variables, embedded objects,
//! macros, the thumbnail) are listed as [`Docx::problems`] and removed by the writer.

use crate::source::segments::Segmented;
use quick_xml::events::{BytesStart, Event};
use std::io::Read;

/// One part of the package.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path in the zip.
    pub name: String,
    /// Decompressed bytes.
    pub bytes: Vec<u8>,
}

/// What a part is to the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// WordprocessingML with text: walked, segments replaced.
    Text,
    /// A relationships part: external link targets are segments, links to removed parts go.
    Rels,
    /// `[Content_Types].xml`: overrides of removed parts go.
    ContentTypes,
    /// `word/settings.xml`: template path, document variables and mail-merge source go.
    Settings,
    /// `docProps/core.xml` or `app.xml`: written empty (author, last modified by, company).
    Props,
    /// Never published: removed.
    Removed,
    /// Copied as is (styles, numbering, fonts, theme, images).
    Copy,
}

/// A Word document read into memory.
#[derive(Debug, Clone)]
pub struct Docx {
    /// The parts, in the package's order.
    pub entries: Vec<Entry>,
    /// The layer: every walked part's text in order.
    pub seg: Segmented,
    /// What the document holds that is never published (comments, tracked changes, hidden
    /// text, author properties, custom XML, embedded objects), one line each; cleaning removes
    /// it, `check` reports it.
    pub problems: Vec<Problem>,
}

/// Something in a document that is not published as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable id: `comments`, `tracked-changes`, `hidden-text`, `properties`, `custom-xml`,
    /// `embedded-object`, `macros`, `thumbnail`, `template`.
    pub kind: &'static str,
    /// Where (a part name).
    pub part: String,
}

/// Largest number of parts read.
const MAX_ENTRIES: usize = 10_000;
/// Largest part read (decompressed), also bounded by the document's budget.
const MAX_PART: usize = 512 << 20;

/// The role of a part by its name.
pub fn role(name: &str) -> Role {
    let lower = name.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    if lower == "[content_types].xml" {
        Role::ContentTypes
    } else if lower.ends_with(".rels") {
        Role::Rels
    } else if lower == "word/settings.xml" {
        Role::Settings
    } else if lower == "docprops/core.xml" || lower == "docprops/app.xml" {
        Role::Props
    } else if lower.starts_with("customxml/")
        || lower.starts_with("word/embeddings/")
        || lower.starts_with("word/activex/")
        || lower.starts_with("word/glossary/")
        || lower.starts_with("docprops/thumbnail")
        || lower == "docprops/custom.xml"
        || file.starts_with("comments")
        || file == "people.xml"
        || file.starts_with("vbaproject")
        || file == "vbadata.xml"
    {
        Role::Removed
    } else if lower.starts_with("word/")
        && lower.ends_with(".xml")
        && (file == "document.xml"
            || file.starts_with("header")
            || file.starts_with("footer")
            || file == "footnotes.xml"
            || file == "endnotes.xml")
    {
        Role::Text
    } else {
        Role::Copy
    }
}

fn removed_problem(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    Some(if file.starts_with("comments") || file == "people.xml" {
        "comments"
    } else if lower.starts_with("customxml/") || lower == "docprops/custom.xml" {
        "custom-xml"
    } else if lower.starts_with("word/embeddings/") || lower.starts_with("word/activex/") {
        "embedded-object"
    } else if file.starts_with("vbaproject") || file == "vbadata.xml" {
        "macros"
    } else if lower.starts_with("docprops/thumbnail") {
        "thumbnail"
    } else if lower.starts_with("word/glossary/") {
        "custom-xml"
    } else {
        return None;
    })
}

/// Reads a `.docx`, or says why not.
pub fn read(bytes: &[u8]) -> Result<Docx, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not a readable zip: {e}"))?;
    if z.len() > MAX_ENTRIES {
        return Err(format!(
            "{} parts in the package: more than {MAX_ENTRIES}, not read",
            z.len()
        ));
    }
    let mut entries = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| format!("part {i} cannot be read: {e}"))?;
        if f.is_dir() {
            continue;
        }
        let name = f
            .name()
            .map_err(|e| format!("part {i} has a bad name: {e}"))?
            .into_owned();
        let allowance = crate::limits::decompress_allowance(MAX_PART);
        let mut data = Vec::new();
        (&mut f)
            .take(allowance as u64 + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("{name} cannot be decompressed: {e}"))?;
        if data.len() > allowance {
            crate::limits::decompress_failed(allowance, MAX_PART);
            return Err(format!(
                "{name} decompresses to more than {} MiB: not read",
                allowance >> 20
            ));
        }
        crate::limits::spend_decompressed(data.len());
        entries.push(Entry { name, bytes: data });
    }
    if !entries.iter().any(|e| e.name == "word/document.xml") {
        return Err("not a Word document: no word/document.xml".into());
    }
    let mut seg = Segmented::default();
    let mut problems = Vec::new();
    for e in &entries {
        if let Some(kind) = removed_problem(&e.name) {
            problems.push(Problem {
                kind,
                part: e.name.clone(),
            });
        }
        if role(&e.name) == Role::Props && props_name_someone(&e.bytes) {
            problems.push(Problem {
                kind: "properties",
                part: e.name.clone(),
            });
        }
        if role(&e.name) == Role::Settings {
            walk(
                &e.name,
                &e.bytes,
                Role::Settings,
                &mut Segmented::default(),
                None,
                &mut problems,
            )?;
        }
    }
    for i in text_order(&entries) {
        let e = &entries[i];
        walk(&e.name, &e.bytes, role(&e.name), &mut seg, None, &mut problems)?;
        seg.line();
    }
    problems.dedup();
    Ok(Docx { entries, seg, problems })
}

/// The parts walked for text, in layer order: the body first, then headers, footers and
/// notes, then the relationships (link targets). Reader and writer walk in this order.
pub fn text_order(entries: &[Entry]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..entries.len())
        .filter(|&i| matches!(role(&entries[i].name), Role::Text | Role::Rels))
        .collect();
    order.sort_by_key(|&i| {
        let n = &entries[i].name;
        (role(n) == Role::Rels, n != "word/document.xml", n.clone())
    });
    order
}

/// A relationship to a part that is removed, or of a kind never published.
fn relationship_removed(part: &str, e: &BytesStart) -> bool {
    let mut target = String::new();
    let mut kind = String::new();
    let mut external = false;
    for a in e.attributes().flatten() {
        match a.key.as_ref() {
            "Target" => target = a.value.into_owned(),
            "Type" => kind = a.value.into_owned(),
            "TargetMode" => external = a.value.as_ref() == "External",
            _ => {}
        }
    }
    let never = [
        "/comments",
        "/commentsExtended",
        "/commentsIds",
        "/commentsExtensible",
        "/people",
        "/customXml",
        "/custom-properties",
        "/attachedTemplate",
        "/oleObject",
        "/package",
        "/vbaProject",
        "/glossaryDocument",
        "/control",
        "/mailMergeSource",
        "/mailMergeHeaderSource",
        "/thumbnail",
    ];
    if never.iter().any(|n| kind.ends_with(n)) {
        return true;
    }
    if external {
        return false;
    }
    // Relative to the folder of the part the relationships belong to (`word/_rels/x.rels`).
    let base = part.rsplit_once("_rels/").map(|(b, _)| b).unwrap_or("");
    let full = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => {
            let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
            for t in target.split('/') {
                match t {
                    ".." => {
                        parts.pop();
                    }
                    "." | "" => {}
                    t => parts.push(t),
                }
            }
            parts.join("/")
        }
    };
    role(&full) == Role::Removed
}

fn override_removed(e: &BytesStart) -> bool {
    e.attributes()
        .flatten()
        .any(|a| a.key.as_ref() == "PartName" && role(a.value.trim_start_matches('/')) == Role::Removed)
}

/// Does a properties part name a person (creator, last modified by, manager, company)?
fn props_name_someone(xml: &[u8]) -> bool {
    let s = String::from_utf8_lossy(xml);
    ["dc:creator>", "cp:lastModifiedBy>", "<Manager>", "<Company>"]
        .iter()
        .any(|t| s.split(t).nth(1).is_some_and(|rest| !rest.starts_with('<')))
}

/// Elements left out with their content: deleted revisions, revision history, comment
/// anchors, embedded objects, and in settings the template, variables and mail merge.
const DROP: [&str; 26] = [
    "w:del",
    "w:moveFrom",
    "w:rPrChange",
    "w:pPrChange",
    "w:sectPrChange",
    "w:tblPrChange",
    "w:tblPrExChange",
    "w:tblGridChange",
    "w:trPrChange",
    "w:tcPrChange",
    "w:numberingChange",
    "w:commentRangeStart",
    "w:commentRangeEnd",
    "w:commentReference",
    "w:moveFromRangeStart",
    "w:moveFromRangeEnd",
    "w:moveToRangeStart",
    "w:moveToRangeEnd",
    "w:customXmlInsRangeStart",
    "w:customXmlInsRangeEnd",
    "w:customXmlDelRangeStart",
    "w:customXmlDelRangeEnd",
    "w:object",
    "w:attachedTemplate",
    "w:docVars",
    "w:mailMerge",
];

/// Elements whose tags go and whose content stays: accepted insertions and wrappers that
/// carry data bindings or a field instruction in an attribute.
const UNWRAP: [&str; 5] = ["w:ins", "w:moveTo", "w:customXml", "w:smartTag", "w:fldSimple"];

/// Attributes that hold text a reader sees or a link follows.
fn text_attrs(name: &str) -> &'static [&'static str] {
    match name {
        "wp:docPr" | "pic:cNvPr" | "wps:cNvPr" => &["descr", "title"],
        "w:hyperlink" => &["w:tooltip"],
        "v:shape" | "v:imagedata" => &["alt", "o:title"],
        _ => &[],
    }
}

/// What the walk is inside, per open element.
struct Frame {
    name: String,
    /// Output length at a run's start (to take back a hidden run).
    mark: usize,
}

/// Walks one part: collects its text into `seg` (segment by segment), notes problems, and
/// returns the cleaned part with segment `k` written as `new[k]` (when given). Segments are
/// numbered in `seg`, so one walk order gives the same numbers when reading and writing.
pub fn walk(
    part: &str,
    xml: &[u8],
    role: Role,
    seg: &mut Segmented,
    new: Option<&[Option<String>]>,
    problems: &mut Vec<Problem>,
) -> Result<Vec<u8>, String> {
    let src = std::str::from_utf8(xml).map_err(|_| format!("{part} is not UTF-8 XML"))?;
    let mut r = quick_xml::Reader::from_str(src);
    let mut out = String::with_capacity(src.len());
    let mut stack: Vec<Frame> = Vec::new();
    // Depth at which a dropped element started: everything until it closes is left out.
    let mut skip: Option<usize> = None;
    // Open run whose properties are still being read, and whether it is hidden.
    let mut run_hidden = false;
    // Text of an open w:t or w:instrText.
    let mut text: Option<String> = None;
    let problem = |kind: &'static str, problems: &mut Vec<Problem>| {
        let p = Problem {
            kind,
            part: part.to_string(),
        };
        if !problems.contains(&p) {
            problems.push(p);
        }
    };
    let replace = |seg: &mut Segmented, s: &str| -> String {
        let k = seg.push(s);
        new.and_then(|n| n.get(k).cloned().flatten())
            .unwrap_or_else(|| s.to_string())
    };
    loop {
        let ev = r.read_event().map_err(|e| format!("{part}: XML error: {e}"))?;
        if let Some(depth) = skip {
            match &ev {
                Event::Start(_) => stack.push(Frame {
                    name: String::new(),
                    mark: 0,
                }),
                Event::End(_) => {
                    stack.pop();
                    if stack.len() < depth {
                        skip = None;
                    }
                }
                Event::Eof => return Err(format!("{part}: XML ends inside an element")),
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Decl(d) => {
                out.push_str("<?");
                out.push_str(&d);
                out.push_str("?>");
            }
            Event::PI(p) => {
                out.push_str("<?");
                out.push_str(&p);
                out.push_str("?>");
            }
            Event::DocType(_) => return Err(format!("{part}: a DOCTYPE in a Word part is not read")),
            // Comments in XML are not shown by Word but are read by any extractor.
            Event::Comment(_) => {}
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if let Some(kind) = dropped(&name, role) {
                    problem(kind, problems);
                    stack.push(Frame { name, mark: 0 });
                    skip = Some(stack.len());
                    continue;
                }
                if name == "w:altChunk" {
                    return Err(format!(
                        "{part}: an embedded document (altChunk) that woo-redact cannot read"
                    ));
                }
                if UNWRAP.contains(&name.as_str()) {
                    if name != "w:smartTag" && name != "w:fldSimple" {
                        problem(
                            if name == "w:customXml" {
                                "custom-xml"
                            } else {
                                "tracked-changes"
                            },
                            problems,
                        );
                    }
                    stack.push(Frame { name, mark: usize::MAX });
                    continue;
                }
                // A run's children after its properties: a hidden run is taken back whole.
                if stack.last().is_some_and(|f| f.name == "w:r") && name != "w:rPr" && run_hidden {
                    let mark = stack.last().map(|f| f.mark).unwrap_or(out.len());
                    out.truncate(mark);
                    problem("hidden-text", problems);
                    run_hidden = false;
                    stack.push(Frame { name, mark: 0 });
                    skip = Some(stack.len() - 1);
                    continue;
                }
                let mark = out.len();
                if name == "w:r" {
                    run_hidden = false;
                }
                if name == "w:t" || name == "w:instrText" {
                    text = Some(String::new());
                    stack.push(Frame { name, mark });
                    continue;
                }
                write_start(&mut out, &e, &name, false, seg, &replace, role)?;
                stack.push(Frame { name, mark });
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                if let Some(kind) = dropped(&name, role) {
                    problem(kind, problems);
                    continue;
                }
                if name == "w:altChunk" {
                    return Err(format!(
                        "{part}: an embedded document (altChunk) that woo-redact cannot read"
                    ));
                }
                if UNWRAP.contains(&name.as_str()) || name == "w:del" || name == "w:ins" {
                    continue;
                }
                if (role == Role::Rels && name == "Relationship" && relationship_removed(part, &e))
                    || (role == Role::ContentTypes && name == "Override" && override_removed(&e))
                {
                    continue;
                }
                if (name == "w:vanish" || name == "w:specVanish")
                    && stack.last().is_some_and(|f| f.name == "w:rPr")
                    && stack.len() >= 2
                    && stack[stack.len() - 2].name == "w:r"
                    && !e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == "w:val" && matches!(a.value.as_ref(), "0" | "false" | "off"))
                {
                    run_hidden = true;
                }
                if stack.last().is_some_and(|f| f.name == "w:r") && run_hidden {
                    let mark = stack.last().map(|f| f.mark).unwrap_or(out.len());
                    out.truncate(mark);
                    problem("hidden-text", problems);
                    run_hidden = false;
                    skip = Some(stack.len());
                    continue;
                }
                match name.as_str() {
                    "w:tab" | "w:ptab" => seg.sep("\t"),
                    "w:br" | "w:cr" => seg.sep("\n"),
                    "w:noBreakHyphen" | "w:softHyphen" => seg.sep("-"),
                    _ => {}
                }
                write_start(&mut out, &e, &name, true, seg, &replace, role)?;
            }
            Event::Text(t) => match &mut text {
                Some(buf) => buf.push_str(&quick_xml::escape::unescape(&t).map_err(|e| format!("{part}: {e}"))?),
                None => out.push_str(&t),
            },
            Event::GeneralRef(g) => {
                let c = if g.is_char_ref() {
                    g.resolve_char_ref().ok().flatten()
                } else {
                    match g.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    }
                };
                let c = c.ok_or_else(|| format!("{part}: unknown entity &{};", g.as_ref()))?;
                match &mut text {
                    Some(buf) => buf.push(c),
                    None => out.push_str(&escape(&c.to_string(), false)),
                }
            }
            Event::CData(c) => match &mut text {
                Some(buf) => buf.push_str(&c),
                None => {
                    out.push_str("<![CDATA[");
                    out.push_str(&c);
                    out.push_str("]]>");
                }
            },
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                let Some(frame) = stack.pop() else {
                    return Err(format!("{part}: unbalanced XML"));
                };
                if frame.mark == usize::MAX {
                    continue;
                }
                if name == "w:t" || name == "w:instrText" {
                    let t = text.take().unwrap_or_default();
                    let written = replace(seg, &t);
                    out.push_str(&format!(
                        "<{name} xml:space=\"preserve\">{}</{name}>",
                        escape(&written, false)
                    ));
                    continue;
                }
                if name == "w:r" {
                    run_hidden = false;
                }
                match name.as_str() {
                    "w:tc" => seg.cell_end(),
                    "w:p" | "w:tr" | "w:txbxContent" => seg.line(),
                    _ => {}
                }
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
            }
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(format!("{part}: XML ends inside an element"));
    }
    Ok(out.into_bytes())
}

/// Is this element left out with its content in a part of this role? With the problem it is.
fn dropped(name: &str, role: Role) -> Option<&'static str> {
    if !DROP.contains(&name) {
        return None;
    }
    Some(match name {
        "w:commentRangeStart" | "w:commentRangeEnd" | "w:commentReference" => "comments",
        "w:object" => "embedded-object",
        "w:attachedTemplate" | "w:docVars" | "w:mailMerge" if role == Role::Settings => "template",
        "w:attachedTemplate" | "w:docVars" | "w:mailMerge" => "template",
        _ => "tracked-changes",
    })
}

/// Writes a start or empty tag, with its text attributes as segments (a relationship's
/// external target, an image's description).
fn write_start(
    out: &mut String,
    e: &BytesStart,
    name: &str,
    empty: bool,
    seg: &mut Segmented,
    replace: &dyn Fn(&mut Segmented, &str) -> String,
    role: Role,
) -> Result<(), String> {
    let external = role == Role::Rels
        && name == "Relationship"
        && e.attributes()
            .flatten()
            .any(|a| a.key.as_ref() == "TargetMode" && a.value.as_ref() == "External");
    let attrs = text_attrs(name);
    if !external && attrs.is_empty() {
        out.push('<');
        out.push_str(e);
        if empty {
            out.push('/');
        }
        out.push('>');
        return Ok(());
    }
    out.push('<');
    out.push_str(name);
    for a in e.attributes() {
        let a = a.map_err(|x| format!("bad attribute in <{name}>: {x}"))?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|x| format!("bad attribute in <{name}>: {x}"))?;
        let value = if (external && key == "Target") || attrs.contains(&key.as_str()) {
            seg.line();
            let v = replace(seg, &value);
            seg.line();
            v
        } else {
            value.into_owned()
        };
        out.push_str(&format!(" {key}=\"{}\"", escape(&value, true)));
    }
    out.push_str(if empty { "/>" } else { ">" });
    Ok(())
}

/// XML escaping of text (and of an attribute value).
pub fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            // Characters XML 1.0 does not allow are dropped rather than written invalid.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            _ => out.push(c),
        }
    }
    out
}
