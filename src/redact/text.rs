//! Text writer: every redacted span becomes `[ground]`; all other bytes stay as they were.

use crate::detect::Finding;

/// The label written in place of a redacted span.
pub fn label(ground: &str) -> String {
    format!("[{ground}]")
}

/// Applies the redacted findings (sorted, non-overlapping) to `text`.
pub fn apply(text: &str, findings: &[Finding]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for f in findings.iter().filter(|f| f.redacted()) {
        if f.start < pos || f.end > text.len() {
            continue;
        }
        out.push_str(&text[pos..f.start]);
        out.push_str(&label(&f.ground));
        pos = f.end;
    }
    out.push_str(&text[pos..]);
    out
}
