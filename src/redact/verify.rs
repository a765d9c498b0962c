//! Verification of a written output before it counts (PDF.md §5): the bytes are read back and
//! must hold nothing of what was redacted, seen through every channel a reader could use, and
//! nothing the PDF audit calls a hazard (hidden text, metadata, annotations, attachments,
//! revisions, orphans). It refuses what the run failed to make safe, and only that: a redacted
//! word that also stands, unredacted, elsewhere in the document may stay there as often as it
//! did in the input.

use crate::detect::{BatchNames, Detector};
use crate::source::pdf;
use crate::source::pdf::encoding::decode_text_string;
use crate::text::TextLayer;
use crate::text::fold::fold_keep_case;
use lopdf::Object;

/// A redacted text to look for in the output, and how often it may occur there (the times it
/// occurs in the input outside every redaction).
#[derive(Debug, Clone, PartialEq)]
pub struct Needle {
    /// The text, folded with case kept and white space collapsed.
    pub text: String,
    /// Occurrences allowed in the output.
    pub allowed: usize,
}

/// Checks a redacted PDF: re-extracted with our interpreter and with lopdf's extractor, every
/// object (streams decompressed, strings, reachable or not) scanned for the redacted texts
/// (`needles`, folded with case kept: a redacted surname may stay as a lower-case word), the
/// PDF audit run on it, and the detector run again on the new text. With `ocr` the written
/// scans are read again by OCR ([`pdf::scanned::Ocr::Reread`]), and what it reads counts as
/// text of the page.
pub fn pdf(
    bytes: &[u8],
    needles: &[Needle],
    detector: &Detector,
    batch: &BatchNames,
    kept_by_decision: &[String],
    ocr: &pdf::scanned::Ocr,
) -> Result<(), String> {
    let back =
        pdf::load_with(bytes, ocr).map_err(|e| format!("verification: the written PDF cannot be read back ({e})"))?;
    if let Some(p) = pdf::page_problems(&back).first() {
        return Err(format!(
            "verification: the written PDF cannot be read with certainty: {}",
            p.message
        ));
    }
    let personal = |t: &str| {
        detector
            .scan_with(&TextLayer::plain(t.to_string()), Some(batch))
            .findings
            .iter()
            .any(|f| f.redacted() && !kept_by_decision.contains(&crate::text::fold::fold_str(&t[f.start..f.end])))
    };
    if let Some(h) = pdf::audit::audit(&back, bytes, &personal).first() {
        return Err(format!("verification: the written PDF still holds {}", h.message));
    }
    // Read as the detector read the input: numbers OCR read with a letter for a digit as numbers.
    let text = pdf::scanned::text_for_detection(&back);
    // With OCR read again, also as `check` reads the file (the written layer alone): the
    // re-read words interleave with it on one line and can hide a name the gate then finds.
    let layer_only = match ocr {
        pdf::scanned::Ocr::Reread(_) => pdf::load(bytes).ok().map(|p| pdf::scanned::text_for_detection(&p)),
        _ => None,
    };
    for t in std::iter::once(&text).chain(layer_only.as_ref()) {
        let again = detector.scan_with(&TextLayer::plain(t.clone()), Some(batch));
        if let Some(f) = again
            .findings
            .iter()
            .find(|f| f.redacted() && !kept_by_decision.contains(&crate::text::fold::fold_str(&t[f.start..f.end])))
        {
            return Err(format!(
                "verification found {} ({}) in the written PDF",
                f.category.as_str(),
                f.rule
            ));
        }
    }
    let ours = collapse(&fold_keep_case(&text));
    let pages: Vec<u32> = back.doc.get_pages().keys().copied().collect();
    let theirs = collapse(&fold_keep_case(&back.doc.extract_text(&pages).unwrap_or_default()));
    // Content (page streams, forms) is read by the extractors above, glyph by glyph; its raw
    // strings split words anywhere ("(Post) -4 (bus)"), so counting words in them means
    // nothing. The raw scan covers everything else: dictionaries, metadata, orphans.
    let mut content: std::collections::HashSet<lopdf::ObjectId> = back
        .doc
        .get_pages()
        .values()
        .flat_map(|&p| back.doc.get_page_contents(p))
        .collect();
    for (id, o) in &back.doc.objects {
        if let Object::Stream(s) = o
            && s.dict
                .get(b"Subtype")
                .and_then(|n| n.as_name())
                .is_ok_and(|n| n == b"Form")
        {
            content.insert(*id);
        }
    }
    let mut raw = String::new();
    for (id, obj) in &back.doc.objects {
        match obj {
            Object::Stream(s) if content.contains(id) => s.dict.iter().for_each(|(_, v)| collect_raw(v, &mut raw)),
            _ => collect_raw(obj, &mut raw),
        }
    }
    let raw = collapse(&fold_keep_case(&raw));
    for n in needles {
        for (channel, hay) in [("text layer", &ours), ("lopdf text", &theirs), ("raw objects", &raw)] {
            if count_words(hay, &n.text) > n.allowed {
                return Err(format!(
                    "verification: redacted text ({}) still found in the written PDF ({channel})",
                    crate::report::mask::mask(&n.text)
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
            out.push_str(&decode_text_string(s));
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

/// Runs of white space as one space.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `needle` occurs in `hay` with no letter or digit right before or after it.
pub fn contains_word(hay: &str, needle: &str) -> bool {
    count_words(hay, needle) > 0
}

/// How often `needle` occurs in `hay` with no letter or digit right before or after it.
pub fn count_words(hay: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    hay.match_indices(needle)
        .filter(|(i, _)| {
            hay[..*i].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
                && hay[i + needle.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_whole() {
        assert_eq!(count_words("Jan Jansen en Jansens, jansen Jansen", "Jansen"), 2);
        assert!(!contains_word("Jansens", "Jansen"));
    }
}
