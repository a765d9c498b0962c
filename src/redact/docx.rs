//! Writes a redacted Word document: every walked part cleaned and its segments replaced
//! ([`crate::source::docx::walk`]), parts that are never published left out with their
//! relationships and content-type overrides, the document properties written empty, and the
//! package zipped again (deflate, fixed timestamps, so the same input gives the same bytes).

use crate::source::docx::{Docx, Role, role, text_order, walk};
use crate::source::segments::Segmented;
use std::io::Write;

const CORE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/>";
const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"/>";

/// The cleaned document with segment `k` written as `new[k]` where set.
pub fn write(doc: &Docx, new: &[Option<String>]) -> Result<Vec<u8>, String> {
    let mut problems = Vec::new();
    let mut seg = Segmented::default();
    let mut walked: Vec<Option<Vec<u8>>> = vec![None; doc.entries.len()];
    for i in text_order(&doc.entries) {
        let e = &doc.entries[i];
        walked[i] = Some(walk(
            &e.name,
            &e.bytes,
            role(&e.name),
            &mut seg,
            Some(new),
            &mut problems,
        )?);
        seg.line();
    }
    if seg.spans.len() != doc.seg.spans.len() {
        return Err("internal error: the writer's walk found other text than the reader's".into());
    }
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (i, e) in doc.entries.iter().enumerate() {
        let r = role(&e.name);
        let bytes: Vec<u8> = match r {
            Role::Removed => continue,
            Role::Props if e.name.eq_ignore_ascii_case("docProps/core.xml") => CORE.as_bytes().to_vec(),
            Role::Props => APP.as_bytes().to_vec(),
            Role::Text | Role::Rels => walked[i].take().unwrap_or_default(),
            Role::ContentTypes | Role::Settings => {
                walk(&e.name, &e.bytes, r, &mut Segmented::default(), None, &mut problems)?
            }
            Role::Copy => e.bytes.clone(),
        };
        z.start_file(e.name.as_str(), opts)
            .map_err(|x| format!("cannot write {}: {x}", e.name))?;
        z.write_all(&bytes)
            .map_err(|x| format!("cannot write {}: {x}", e.name))?;
    }
    let out = z.finish().map_err(|x| format!("cannot finish the package: {x}"))?;
    Ok(out.into_inner())
}
