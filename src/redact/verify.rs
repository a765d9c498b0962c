//! Verification of a written output before it counts (PDF.md §5): the bytes are read back and
//! must hold nothing of what was redacted, seen through every channel a reader could use.

use crate::detect::{BatchNames, Detector};
use crate::source::pdf;
use crate::text::TextLayer;
use crate::text::fold::fold_keep_case;
use lopdf::Object;

/// Checks a redacted PDF: re-extracted with our interpreter and with lopdf's extractor, every
/// object (streams decompressed, strings, reachable or not) scanned for the redacted texts
/// (`needles`, folded with case kept: a redacted surname may stay as a lower-case word), and the detector run again on the new text.
pub fn pdf(
    bytes: &[u8],
    needles: &[String],
    detector: &Detector,
    batch: &BatchNames,
    kept_by_decision: &[String],
) -> Result<(), String> {
    let back = pdf::load(bytes).map_err(|e| format!("verification: the written PDF cannot be read back ({e})"))?;
    // The publication gate's own inspection, page problems first: what `check` would reject
    // is never written.
    let personal = |t: &str| {
        detector
            .scan_with(&TextLayer::plain(t.to_string()), Some(batch))
            .findings
            .iter()
            .any(|f| f.redacted() && !kept_by_decision.contains(&crate::text::fold::fold_str(&t[f.start..f.end])))
    };
    let gate = crate::check::pdf::inspect(&back, bytes, &detector.rules().grounds, &personal);
    if let Some(i) = gate.issues.first() {
        return Err(format!(
            "verification: the written PDF fails the publication check: {}",
            i.message
        ));
    }
    let again = detector.scan_with(&TextLayer::plain(back.text.text.clone()), Some(batch));
    if let Some(f) = again.findings.iter().find(|f| {
        f.redacted() && !kept_by_decision.contains(&crate::text::fold::fold_str(&back.text.text[f.start..f.end]))
    }) {
        return Err(format!(
            "verification found {} ({}) in the written PDF",
            f.category.as_str(),
            f.rule
        ));
    }
    let ours = collapse(&fold_keep_case(&back.text.text));
    let pages: Vec<u32> = back.doc.get_pages().keys().copied().collect();
    let theirs = collapse(&fold_keep_case(&back.doc.extract_text(&pages).unwrap_or_default()));
    let mut raw = String::new();
    for obj in back.doc.objects.values() {
        collect_raw(obj, &mut raw);
    }
    let raw = collapse(&fold_keep_case(&raw));
    for n in needles {
        for (channel, hay) in [("text layer", &ours), ("lopdf text", &theirs), ("raw objects", &raw)] {
            if contains_word(hay, n) {
                return Err(format!(
                    "verification: redacted text ({}) still found in the written PDF ({channel})",
                    crate::report::mask::mask(n)
                ));
            }
        }
    }
    Ok(())
}

/// Strings and decompressed stream bytes of an object, as lossy text.
fn collect_raw(o: &Object, out: &mut String) {
    match o {
        Object::String(s, _) => {
            out.push_str(&decode_pdf_string(s));
            out.push(' ');
        }
        Object::Name(n) => {
            out.push_str(&String::from_utf8_lossy(n));
            out.push(' ');
        }
        Object::Array(a) => a.iter().for_each(|x| collect_raw(x, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, v)| collect_raw(v, out)),
        Object::Stream(s) => {
            s.dict.iter().for_each(|(_, v)| collect_raw(v, out));
            let bytes = if s.dict.get(b"Filter").is_ok() {
                s.decompressed_content_with_limit(64 << 20).ok()
            } else {
                Some(s.content.clone())
            };
            if let Some(b) = bytes {
                out.push_str(&String::from_utf8_lossy(&b));
                out.push(' ');
            }
        }
        _ => {}
    }
}

/// A PDF text string: UTF-16BE with a BOM, else PDFDocEncoding (Latin-1 is close enough here).
pub fn decode_pdf_string(s: &[u8]) -> String {
    if s.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = s[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        s.iter().map(|&b| b as char).collect()
    }
}

/// Runs of white space as one space.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `needle` occurs in `hay` with no letter or digit right before or after it.
pub fn contains_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        hay[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
            && hay[i + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}
