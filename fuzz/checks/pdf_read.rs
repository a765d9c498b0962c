//! The `pdf_read` fuzz target's checks, shared with the replay in `tests/hostile.rs` (which
//! includes this file).

use woo_redact::limits::{Budget, Limits};
use woo_redact::source::pdf::{self, audit, content::Lexer, interp};

/// Reads `data` as a PDF as far as it goes; panics when an invariant does not hold.
pub fn check(data: &[u8]) {
    // Tighter than the `pdf` target: the fuzzer should find crashes, not spend its time in big
    // inputs.
    let _budget = Budget::enter(&Limits {
        max_seconds: 10,
        max_decompressed: 4 << 20,
        max_pages: 50,
    });
    let Ok(doc) = pdf::load(data) else { return };
    let _ = pdf::page_problems(&doc);
    let _ = audit::audit(&doc, data, &|_| false);
    for b in audit::dark_boxes(&doc) {
        assert!(b.page >= 1 && b.page <= doc.pages.len());
        assert!(b.fill < doc.pages[b.page - 1].fills.len());
    }

    // The text layer maps every piece of text to a glyph that exists, in text order, on char
    // boundaries.
    let t = &doc.text;
    assert_eq!(t.page_starts.len(), doc.pages.len());
    let mut prev = 0;
    for &(a, b, p, g) in &t.spans {
        assert!(prev <= a && a <= b && b <= t.text.len(), "span {a}..{b} after {prev}");
        assert!(t.text.is_char_boundary(a) && t.text.is_char_boundary(b));
        assert!(p < doc.pages.len() && g < doc.pages[p].glyphs.len());
        prev = a;
    }

    // The lexer over each page's content: operations in order, within the buffer.
    for &id in doc.doc.get_pages().values() {
        let Ok(buf) = interp::page_content(&doc.doc, id) else {
            continue;
        };
        let mut end = 0;
        for op in Lexer::new(&buf) {
            assert!(end <= op.start && op.start <= op.end && op.end <= buf.len());
            end = op.end;
        }
    }
}
