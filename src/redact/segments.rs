//! Carries findings on a [`Segmented`] layer back to its segments: the part of a redacted span
//! in the first segment it touches becomes the label, its parts in later segments are removed,
//! so a name split over three runs leaves one label and no letter of it.

use crate::detect::Finding;
use crate::redact::text::label;
use crate::source::segments::Segmented;

/// The new text of every segment, `None` where it is unchanged.
pub fn apply(seg: &Segmented, findings: &[Finding]) -> Vec<Option<String>> {
    // (segment, local start, local end, replacement)
    let mut cuts: Vec<Vec<(usize, usize, String)>> = vec![Vec::new(); seg.spans.len()];
    for f in findings.iter().filter(|f| f.redacted()) {
        let mut first = true;
        // Spans are in order: start at the first segment ending after the finding's start.
        let from = seg.spans.partition_point(|r| r.end <= f.start);
        for (i, r) in seg.spans.iter().enumerate().skip(from) {
            if r.start >= f.end {
                break;
            }
            let a = f.start.max(r.start) - r.start;
            let b = f.end.min(r.end) - r.start;
            if a >= b {
                continue;
            }
            let with = if first { label(&f.ground) } else { String::new() };
            first = false;
            cuts[i].push((a, b, with));
        }
    }
    cuts.into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            if c.is_empty() {
                return None;
            }
            c.sort_by_key(|x| x.0);
            let old = seg.get(i);
            let mut out = String::with_capacity(old.len());
            let mut pos = 0;
            for (a, b, with) in c {
                if a < pos || !old.is_char_boundary(a) || !old.is_char_boundary(b) {
                    continue;
                }
                out.push_str(&old[pos..a]);
                out.push_str(&with);
                pos = b;
            }
            out.push_str(&old[pos..]);
            Some(out)
        })
        .collect()
}

/// The layer text as it reads after [`apply`] (separators kept), for verification.
pub fn redacted_text(seg: &Segmented, new: &[Option<String>]) -> String {
    let mut out = String::with_capacity(seg.text.len());
    let mut pos = 0;
    for (i, r) in seg.spans.iter().enumerate() {
        out.push_str(&seg.text[pos..r.start]);
        match new.get(i).and_then(|n| n.as_deref()) {
            Some(n) => out.push_str(n),
            None => out.push_str(&seg.text[r.clone()]),
        }
        pos = r.end;
    }
    out.push_str(&seg.text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Disposition;
    use crate::rules::{Category, Confidence};

    fn finding(start: usize, end: usize) -> Finding {
        Finding {
            start,
            end,
            rule: "t".into(),
            category: Category::Name,
            ground: "5.1.2e".into(),
            confidence: Confidence::Confirmed,
            explanation: "".into(),
            disposition: Disposition::Redact,
        }
    }

    #[test]
    fn a_name_split_over_runs_leaves_one_label() {
        let mut s = Segmented::default();
        s.push("Gesprek met Ja");
        s.push("n de V");
        s.push("ries over");
        s.sep("\n");
        s.push("de begroting");
        let start = s.text.find("Jan").expect("name");
        let end = s.text.find(" over").expect("tail");
        let new = apply(&s, &[finding(start, end)]);
        assert_eq!(new[0].as_deref(), Some("Gesprek met [5.1.2e]"));
        assert_eq!(new[1].as_deref(), Some(""));
        assert_eq!(new[2].as_deref(), Some(" over"));
        assert_eq!(new[3], None);
        assert_eq!(redacted_text(&s, &new), "Gesprek met [5.1.2e] over\nde begroting");
    }
}
