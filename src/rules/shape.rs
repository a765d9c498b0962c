//! What a rule's pattern needs, read from its syntax tree: whether every match contains a digit
//! and whether a match can cross a line break. A rule whose matches always hold a digit and
//! stay on one line only needs to run on the lines that contain a digit, which is most of the
//! speed of pattern matching on prose.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Every match of `hir` contains an ASCII digit.
pub fn requires_digit(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(l) => l.0.iter().any(u8::is_ascii_digit),
        HirKind::Class(c) => class_only_digits(c),
        HirKind::Repetition(r) => r.min >= 1 && requires_digit(&r.sub),
        HirKind::Capture(c) => requires_digit(&c.sub),
        HirKind::Concat(xs) => xs.iter().any(requires_digit),
        HirKind::Alternation(xs) => xs.iter().all(requires_digit),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

/// The class holds decimal digits only (ASCII or Unicode `\d`).
fn class_only_digits(c: &Class) -> bool {
    match c {
        Class::Unicode(u) => {
            let mut digits = unicode_digits();
            digits.union(u);
            digits == unicode_digits()
        }
        Class::Bytes(b) => b.ranges().iter().all(|r| r.start() >= b'0' && r.end() <= b'9'),
    }
}

fn unicode_digits() -> regex_syntax::hir::ClassUnicode {
    match regex_syntax::parse(r"\d").map(|h| h.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(u))) => u,
        _ => regex_syntax::hir::ClassUnicode::new([regex_syntax::hir::ClassUnicodeRange::new('0', '9')]),
    }
}

/// Some match of `hir` may contain a line break.
pub fn may_cross_lines(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(l) => l.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(u)) => u.ranges().iter().any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(b)) => b.ranges().iter().any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Repetition(r) => may_cross_lines(&r.sub),
        HirKind::Capture(c) => may_cross_lines(&c.sub),
        HirKind::Concat(xs) | HirKind::Alternation(xs) => xs.iter().any(may_cross_lines),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

/// Some match of the pattern may contain a line break (unparsable patterns: assume yes).
pub fn may_cross(pattern: &str) -> bool {
    regex_syntax::parse(pattern).map_or(true, |h| may_cross_lines(&h))
}

/// When every match of the pattern contains a digit and is at most some number of bytes long:
/// that length. Such a rule can only match within that distance of a digit, so it needs to
/// run only on short stretches around the numbers of a text, even when it may cross lines.
pub fn digit_reach(pattern: &str) -> Option<usize> {
    let h = regex_syntax::parse(pattern).ok()?;
    if !requires_digit(&h) {
        return None;
    }
    h.properties().maximum_len()
}

/// As [`digit_reach`], for a text whose digits are all ASCII (one byte each, where `\d`
/// allows four): the windows around the numbers of such a text can be that much narrower.
pub fn ascii_digit_reach(pattern: &str) -> Option<usize> {
    let h = regex_syntax::parse(pattern).ok()?;
    if !requires_digit(&h) {
        return None;
    }
    max_len_ascii_digits(&h)
}

/// The longest match in bytes, counting a digits-only class as one byte.
fn max_len_ascii_digits(h: &Hir) -> Option<usize> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(0),
        HirKind::Literal(l) => Some(l.0.len()),
        HirKind::Class(c) if class_only_digits(c) => Some(1),
        HirKind::Class(c) => c.maximum_len(),
        HirKind::Repetition(r) => {
            let sub = max_len_ascii_digits(&r.sub)?;
            match r.max {
                _ if sub == 0 => Some(0),
                Some(m) => sub.checked_mul(m as usize),
                None => None,
            }
        }
        HirKind::Capture(c) => max_len_ascii_digits(&c.sub),
        HirKind::Concat(xs) => xs
            .iter()
            .try_fold(0usize, |acc, x| acc.checked_add(max_len_ascii_digits(x)?)),
        HirKind::Alternation(xs) => xs
            .iter()
            .try_fold(0usize, |acc, x| Some(acc.max(max_len_ascii_digits(x)?))),
    }
}

/// Every match starts with one of a small set of literal strings (`NL`, `+31`, `06`): the
/// regex engine then skips to those with a fast literal search, which beats searching many
/// short stretches around the numbers of a text.
pub fn has_literal_prefix(pattern: &str) -> bool {
    let Ok(h) = regex_syntax::parse(pattern) else {
        return false;
    };
    let seq = regex_syntax::hir::literal::Extractor::new().extract(&h);
    seq.is_finite() && seq.min_literal_len().is_some_and(|n| n > 0)
}

/// True when the pattern only ever matches within one line and always contains a digit.
pub fn digit_lines_only(pattern: &str) -> bool {
    match regex_syntax::parse(pattern) {
        Ok(h) => requires_digit(&h) && !may_cross_lines(&h),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{digit_lines_only, digit_reach};

    #[test]
    fn reach() {
        assert_eq!(digit_reach(r"(?-u:\b)[0-9]{3}(?: ?\n| )[0-9]{3}(?-u:\b)"), Some(8));
        assert_eq!(digit_reach(r"\d{2}"), Some(8), "a Unicode digit takes up to four bytes");
        assert_eq!(digit_reach(r"€ ?[0-9]{2}"), Some(6), "lengths are in bytes");
        assert_eq!(digit_reach(r"\d+"), None, "unbounded");
        assert_eq!(digit_reach(r"[a-z]{2}"), None, "no digit");
        assert_eq!(digit_reach(r"(?:a|[0-9])[0-9]"), Some(2));
        use super::ascii_digit_reach;
        assert_eq!(ascii_digit_reach(r"\d{2}"), Some(2));
        assert_eq!(ascii_digit_reach(r"(?-u:\b)\d{3}(?: ?\n| )\d{3}"), Some(8));
        assert_eq!(
            ascii_digit_reach(r"\p{Lu}\d"),
            Some(5),
            "other classes keep their width"
        );
        assert_eq!(ascii_digit_reach(r"\d+"), None);
        // Never wider than the true reach.
        for p in [r"\d{9}", r"NL\d{2} ?[A-Z]{4}", r"(\d{2}|é)x?\d"] {
            assert!(ascii_digit_reach(p) <= digit_reach(p), "{p}");
        }
    }

    #[test]
    fn literal_prefixes() {
        use super::has_literal_prefix;
        assert!(has_literal_prefix(r"NL\d{2}"));
        assert!(has_literal_prefix(r"(?:\+31|(?-u:\b)0[1-9])\d{8}"));
        assert!(!has_literal_prefix(r"(?-u:\b)\d{9}"), "a digit class is too wide");
        assert!(!has_literal_prefix(r"a?\d"), "may start with anything");
    }

    #[test]
    fn shapes() {
        assert!(digit_lines_only(r"(?-u:\b)(\d{9}|\d{4}\.\d{2}\.\d{3})(?-u:\b)"));
        assert!(digit_lines_only(r"NL\d{2} ?[A-Z]{4}"));
        assert!(!digit_lines_only(r"[a-z]+@[a-z]+"));
        assert!(!digit_lines_only(r"\d+\s+\d+"), "\\s matches a line break");
        assert!(!digit_lines_only(r"\d?x"));
        assert!(digit_lines_only(r"(?:a|\d)\d"));
        assert!(!digit_lines_only(r"(?:a|\d)"));
    }
}
