//! The publication package (WOO.md §6): the section-5 justification per ground
//! (`toelichting.md` and `.html`), the inventory list for the national platform
//! (`inventaris.csv`) and the redaction log (`redactielog.csv`). All wording comes from the
//! `[template]` of the grounds table; the same report gives the same bytes.

use crate::batch::DocStatus;
use crate::report::json::{DocEntry, Report};
use crate::rules::grounds::GroundTable;
use std::collections::{BTreeMap, BTreeSet};

/// The files of a publication package, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// `toelichting.md`.
    pub toelichting_md: String,
    /// `toelichting.html` (the same content).
    pub toelichting_html: String,
    /// `inventaris.csv`.
    pub inventaris_csv: Vec<u8>,
    /// `redactielog.csv`.
    pub redactielog_csv: Vec<u8>,
}

/// Stable document number: the prefix and a hash of the relative path, so adding or removing
/// other documents never renumbers this one.
pub fn document_number(prefix: &str, rel: &str) -> String {
    let mut h: u32 = 0x811c9dc5;
    for b in rel.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    format!("{prefix}{h:08X}")
}

const CATEGORY_ORDER: [&str; 10] = [
    "name",
    "email",
    "phone",
    "address",
    "birthdate",
    "bsn",
    "vnummer",
    "iban",
    "kenteken",
    "other",
];

pub(crate) fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Joins Dutch style: "a", "a en b", "a, b en c".
fn join_nl(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} en {last}", init.join(", ")),
    }
}

/// Grounds used in one document: code → (categories, redaction count).
fn grounds_of(d: &DocEntry) -> BTreeMap<String, (BTreeSet<String>, usize)> {
    let mut m: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    for f in &d.findings {
        let e = m.entry(f.ground.clone()).or_default();
        e.0.insert(f.category.to_string());
        e.1 += 1;
    }
    m
}

/// The section-5 text (Markdown) for a set of documents, named by their inventory numbers
/// (`prefix` and a hash of the path, as in `inventaris.csv`).
pub fn section5(docs: &[&DocEntry], table: &GroundTable, prefix: &str) -> String {
    let mut s = Section5::new(prefix);
    for d in docs {
        s.add(d);
    }
    s.render(table)
}

/// The section-5 text built one document at a time, so a batch's documents need not all be
/// in memory: per ground its categories, redaction count and documents.
#[derive(Debug, Default)]
pub struct Section5 {
    uses: BTreeMap<String, (BTreeSet<String>, usize, Vec<String>)>,
    prefix: String,
}

impl Section5 {
    /// An empty section whose documents are named with inventory numbers of `prefix`.
    pub fn new(prefix: &str) -> Self {
        Section5 {
            uses: BTreeMap::new(),
            prefix: prefix.to_string(),
        }
    }

    /// Counts a document (only redacted documents are named).
    pub fn add(&mut self, d: &DocEntry) {
        if d.status != DocStatus::Redacted {
            return;
        }
        let number = document_number(&self.prefix, &d.path);
        for (code, (cats, n)) in grounds_of(d) {
            let e = self.uses.entry(code).or_default();
            e.0.extend(cats);
            e.1 += n;
            e.2.push(format!("{number} ({n})"));
        }
    }

    /// The Markdown text.
    pub fn render(&self, table: &GroundTable) -> String {
        render_section5(&self.uses, table)
    }
}

/// One paragraph per ground (its justification states the weighing once, with the categories
/// withheld and the documents), then the sentence on public officials, once, at the end.
fn render_section5(uses: &BTreeMap<String, (BTreeSet<String>, usize, Vec<String>)>, table: &GroundTable) -> String {
    let t = &table.template;
    let mut out = format!("## {}\n\n### {}\n\n", t.heading, t.subheading);
    if uses.is_empty() {
        out.push_str(&t.none);
        out.push('\n');
        return out;
    }
    out.push_str(&t.intro);
    out.push_str("\n\n");
    let mut privacy = false;
    // Table order: absolute grounds first, as in the statute.
    for g in table.all() {
        let Some((cats, n, documents)) = uses.get(&g.code) else {
            continue;
        };
        privacy |= g.code == crate::detect::PRIVACY;
        // Names first, numbers after, as a reader expects them.
        let mut cats: Vec<&String> = cats.iter().collect();
        cats.sort_by_key(|c| CATEGORY_ORDER.iter().position(|o| o == c).unwrap_or(usize::MAX));
        let categories: Vec<String> = cats
            .iter()
            .map(|c| t.categories.get(*c).cloned().unwrap_or_else(|| c.to_string()))
            .collect();
        let justification = fill(
            &g.justification,
            &[
                ("citation", g.citation.clone()),
                ("categories", join_nl(&categories)),
                ("interest", g.interest.clone()),
            ],
        );
        out.push_str(&fill(
            &t.ground,
            &[
                ("code", g.code.clone()),
                ("label", g.label.clone()),
                ("citation", g.citation.clone()),
                ("interest", g.interest.clone()),
                ("categories", join_nl(&categories)),
                ("justification", justification),
                ("document_count", documents.len().to_string()),
                (
                    "documents_word",
                    if documents.len() == 1 {
                        t.document_singular.clone()
                    } else {
                        t.document_plural.clone()
                    },
                ),
                ("redaction_count", n.to_string()),
                (
                    "redactions_word",
                    if *n == 1 {
                        t.redaction_singular.clone()
                    } else {
                        t.redaction_plural.clone()
                    },
                ),
                ("documents", join_nl(documents)),
            ],
        ));
        out.push_str("\n\n");
    }
    if privacy {
        out.push_str(&t.officials);
        out.push('\n');
    }
    out.trim_end().to_string() + "\n"
}

/// Minimal Markdown to HTML for the section-5 text (headings, paragraphs, code spans).
fn to_html(md: &str) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let code = |s: &str| {
        let parts: Vec<&str> = s.split('`').collect();
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i % 2 == 1 {
                    format!("<code>{}</code>", esc(p))
                } else {
                    esc(p)
                }
            })
            .collect::<String>()
    };
    let mut body = String::new();
    for block in md.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        if let Some(h) = block.strip_prefix("### ") {
            body.push_str(&format!("<h3>{}</h3>\n", code(h)));
        } else if let Some(h) = block.strip_prefix("## ") {
            body.push_str(&format!("<h2>{}</h2>\n", code(h)));
        } else {
            body.push_str(&format!("<p>{}</p>\n", code(block)));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head><meta charset=\"utf-8\"><title>Toelichting</title></head>\n<body>\n{body}</body>\n</html>\n"
    )
}

/// The inventory as an Excel workbook (one sheet, the same columns as `inventaris.csv`). The
/// creation date is fixed so the same inventory gives the same bytes.
pub fn inventory_xlsx(csv_bytes: &[u8]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| e.to_string())?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let ws = wb.add_worksheet();
    ws.set_name("Inventarislijst").map_err(|e| e.to_string())?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(csv_bytes);
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        for (c, v) in rec.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).map_err(|e| e.to_string())?;
        }
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// Builds the package from a run's report.
pub fn build(report: &Report, table: &GroundTable, prefix: &str, decision_name: &str) -> Package {
    let mut section = Section5::new(prefix);
    let mut rows = PackageRows::new(Vec::new(), Vec::new(), prefix, decision_name);
    for d in &report.documents {
        section.add(d);
        // Writing to memory cannot fail.
        let _ = rows.add(d, table);
    }
    let toelichting_md = section.render(table);
    let toelichting_html = to_html(&toelichting_md);
    let (inventaris_csv, redactielog_csv) = rows.finish().unwrap_or_default();
    Package {
        toelichting_md,
        toelichting_html,
        inventaris_csv,
        redactielog_csv,
    }
}

/// The Markdown section-5 text as HTML (the content of `toelichting.html`).
pub fn toelichting_html(md: &str) -> String {
    to_html(md)
}

/// The rows of `inventaris.csv` and `redactielog.csv`, written one document at a time (in path
/// order) to any writers, so a large batch's package need not be held in memory.
pub struct PackageRows<I: std::io::Write, L: std::io::Write> {
    inv: csv::Writer<I>,
    log: csv::Writer<L>,
    n: usize,
    prefix: String,
    decision_name: String,
}

impl<I: std::io::Write, L: std::io::Write> PackageRows<I, L> {
    /// Starts both files with their header rows.
    pub fn new(inv: I, log: L, prefix: &str, decision_name: &str) -> Self {
        let mut rows = PackageRows {
            inv: csv::WriterBuilder::new().delimiter(b';').from_writer(inv),
            log: csv::WriterBuilder::new().delimiter(b';').from_writer(log),
            n: 0,
            prefix: prefix.to_string(),
            decision_name: decision_name.to_string(),
        };
        // Headers are written on the first flush; a failure shows up there.
        let _ = rows.inv.write_record([
            "Document ID",
            "Documentnummer",
            "Bestandsnaam",
            "Beoordeling",
            "Beoordelingsgrond",
            "Toelichting",
            "Publieke link",
            "Opgeschort",
            "Gerelateerd Documentnummer",
            "Besluitnaam",
        ]);
        let _ = rows.log.write_record([
            "Documentnummer",
            "Bestandsnaam",
            "Pagina",
            "x0",
            "y0",
            "x1",
            "y1",
            "Regel",
            "Kolom",
            "Grond",
            "Regelcode",
            "Categorie",
            "Besluit",
        ]);
        rows
    }

    /// Adds the next document: its inventory row and, if redacted, a log row per redaction.
    pub fn add(&mut self, d: &DocEntry, table: &GroundTable) -> csv::Result<()> {
        let t = &table.template;
        self.n += 1;
        let number = document_number(&self.prefix, &d.path);
        let name = d.path.rsplit('/').next().unwrap_or(&d.path).to_string();
        let mut codes: Vec<String> = grounds_of(d).into_keys().collect();
        for g in &d.earlier_grounds {
            if !codes.contains(g) {
                codes.push(g.clone());
            }
        }
        codes.sort();
        // A document that already carried labelled redactions is published in part, on those
        // grounds, even when this run removed nothing more.
        let partial = d.status == DocStatus::Redacted || d.status == DocStatus::Clean && !d.earlier_grounds.is_empty();
        let (assessment, note) = match d.status {
            _ if partial => (t.assessment_partial.clone(), String::new()),
            DocStatus::Redacted => (t.assessment_partial.clone(), String::new()),
            DocStatus::Clean => (t.assessment_public.clone(), String::new()),
            DocStatus::NeedsReview | DocStatus::Failed => {
                let reason = d.reason.clone().unwrap_or_default();
                let note = match reason.strip_prefix(crate::batch::UNSUPPORTED) {
                    // The public reads the file's extension, not the English type name.
                    Some(_) if !t.unsupported_note.is_empty() => {
                        let ext = name
                            .rsplit_once('.')
                            .map(|(_, e)| format!(".{e}"))
                            .unwrap_or_else(|| name.clone());
                        fill(&t.unsupported_note, &[("type", ext)])
                    }
                    _ => fill(&t.review_note, &[("reason", t.review_reason_text(&reason))]),
                };
                (t.assessment_withheld.clone(), note)
            }
        };
        let related = d
            .attached_to
            .as_deref()
            .map(|m| document_number(&self.prefix, m))
            .unwrap_or_default();
        // A withheld document carries the grounds of what was found in it so far (the
        // reviewer confirms them); one that could not be read at all has none yet, and its
        // note says why.
        let withheld = matches!(d.status, DocStatus::NeedsReview | DocStatus::Failed);
        let grounds = if partial || withheld {
            codes.join("; ")
        } else {
            String::new()
        };
        self.inv.write_record([
            self.n.to_string(),
            number.clone(),
            name,
            assessment,
            grounds,
            note,
            String::new(),
            String::new(),
            related,
            self.decision_name.clone(),
        ])?;
        if d.status == DocStatus::Redacted {
            for f in &d.findings {
                let (page, rect) = match (f.page, f.rect) {
                    (Some(p), Some(r)) => (p.to_string(), r.map(|v| format!("{v:.2}"))),
                    _ => (
                        String::new(),
                        [String::new(), String::new(), String::new(), String::new()],
                    ),
                };
                let [x0, y0, x1, y1] = rect;
                self.log.write_record([
                    number.clone(),
                    d.path.clone(),
                    page,
                    x0,
                    y0,
                    x1,
                    y1,
                    f.line.to_string(),
                    f.column.to_string(),
                    f.ground.clone(),
                    f.rule.clone(),
                    t.category_label(f.category).to_string(),
                    "automatisch".into(),
                ])?;
            }
        }
        Ok(())
    }

    /// Flushes both files and hands back their writers.
    pub fn finish(self) -> std::io::Result<(I, L)> {
        let inv = self.inv.into_inner().map_err(|e| e.into_error())?;
        let log = self.log.into_inner().map_err(|e| e.into_error())?;
        Ok((inv, log))
    }
}

/// Adds the section-5 block of each document to its report entry.
pub fn annotate(report: &mut Report, table: &GroundTable, prefix: &str) {
    for d in &mut report.documents {
        if d.status == DocStatus::Redacted {
            let text = section5(&[&*d], table, prefix);
            d.section5 = Some(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_are_stable_and_prefixed() {
        assert_eq!(document_number("WOO-", "a/b.pdf"), document_number("WOO-", "a/b.pdf"));
        assert_ne!(document_number("WOO-", "a/b.pdf"), document_number("WOO-", "a/c.pdf"));
        assert!(document_number("BZK-2026-", "x.txt").starts_with("BZK-2026-"));
    }

    #[test]
    fn a_withheld_document_carries_its_grounds_and_a_dutch_note_and_the_log_dutch_categories() {
        let table = GroundTable::builtin();
        let det = crate::detect::Detector::new(crate::rules::RuleSet::builtin().unwrap(), vec![], vec![]);
        let text = "Contactpersoon: J. de Vries, T 070-1234567\n";
        let scan = det.scan(&crate::text::TextLayer::plain(text.into()));
        let review = crate::report::json::doc_entry(
            "scan.pdf",
            DocStatus::NeedsReview,
            Some("page 2: OCR could not read the scan with confidence (mean 40 %)".into()),
            text,
            &scan.findings,
            &[],
        );
        let done = crate::report::json::doc_entry("memo.txt", DocStatus::Redacted, None, text, &scan.findings, &[]);
        let mut rows = PackageRows::new(Vec::new(), Vec::new(), "WOO-", "");
        rows.add(&review, &table).unwrap();
        rows.add(&done, &table).unwrap();
        let (inv, log) = rows.finish().unwrap();
        let inv = String::from_utf8(inv).unwrap();
        let row = inv.lines().nth(1).unwrap();
        assert!(row.contains(";niet openbaar;5.1.2e;"), "{row}");
        assert!(
            row.contains("tekstherkenning") && !row.contains("OCR could not"),
            "{row}"
        );
        let log = String::from_utf8(log).unwrap();
        assert!(log.contains(";naam;") && log.contains(";telefoonnummer;"), "{log}");
        assert!(!log.contains(";name;") && !log.contains(";phone;"), "{log}");
    }

    #[test]
    fn dutch_lists() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_nl(&s(&["a"])), "a");
        assert_eq!(join_nl(&s(&["a", "b"])), "a en b");
        assert_eq!(join_nl(&s(&["a", "b", "c"])), "a, b en c");
    }
}
