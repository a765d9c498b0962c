//! The ordinary Dutch words of `rules/lists/gewone-woorden.txt` (see
//! `scripts/ordinary-words.py`): a sorted list looked up by binary search in the embedded file
//! itself, so loading it costs nothing on a run (no table of 220,000 words is built).

/// The embedded list: a `#` comment line, then one folded word per line, sorted by bytes.
const BUILTIN: &str = include_str!("../../rules/lists/gewone-woorden.txt");

/// A sorted, newline-separated word list, searched in place.
#[derive(Debug, Clone, Copy)]
pub struct OrdinaryWords {
    /// The words, one per line, sorted by bytes, ending with a line break.
    text: &'static str,
}

impl Default for OrdinaryWords {
    fn default() -> Self {
        Self::builtin()
    }
}

impl OrdinaryWords {
    /// The built-in list.
    pub fn builtin() -> Self {
        // The comment lines come first; `#` sorts before every letter but is skipped anyway.
        let mut text = BUILTIN;
        while text.starts_with('#') {
            text = text.find('\n').map_or("", |i| &text[i + 1..]);
        }
        OrdinaryWords { text }
    }

    /// Is `folded` (a word folded as [`crate::text::fold::fold_str`] folds) an ordinary word?
    pub fn contains(&self, folded: &str) -> bool {
        let b = self.text.as_bytes();
        let w = folded.as_bytes();
        if w.is_empty() || w.contains(&b'\n') {
            return false;
        }
        // Binary search over byte offsets: each probe reads the line around its midpoint.
        let (mut lo, mut hi) = (0usize, b.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = b[lo..mid].iter().rposition(|&c| c == b'\n').map_or(lo, |p| lo + p + 1);
            let end = b[mid..hi].iter().position(|&c| c == b'\n').map_or(hi, |p| mid + p);
            match b[start..end].cmp(w) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => lo = end + 1,
                std::cmp::Ordering::Greater => hi = start,
            }
        }
        false
    }

    /// Every word, in order.
    pub fn words(&self) -> impl Iterator<Item = &'static str> {
        self.text.lines()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold::fold_str;

    /// The file is what the binary search needs: folded words, strictly sorted by bytes.
    #[test]
    fn list_is_folded_and_sorted() {
        let w = OrdinaryWords::builtin();
        let mut prev: Option<&str> = None;
        let mut n = 0;
        for word in w.words() {
            assert_eq!(word, fold_str(word), "not folded: {word:?}");
            assert!(
                prev.is_none_or(|p| p.as_bytes() < word.as_bytes()),
                "not sorted at {word:?}"
            );
            prev = Some(word);
            n += 1;
        }
        assert!(n > 100_000, "only {n} words");
    }

    #[test]
    fn finds_words_and_not_names() {
        let w = OrdinaryWords::builtin();
        for word in [
            "roos",
            "groen",
            "bakker",
            "evenementen",
            "archeologie",
            "aad",
            "zwijgen",
        ] {
            assert!(w.contains(word), "{word}");
        }
        // Names are capitalised in the source and left out; so is everything not a word.
        for word in [
            "sevda",
            "dijkstra",
            "jolien",
            "",
            "roo",
            "roosx",
            "zzzzzz",
            "a",
            "roos\ngroen",
        ] {
            assert!(!w.contains(word), "{word}");
        }
        // First and last entries are found too.
        let all: Vec<&str> = w.words().collect();
        assert!(w.contains(all[0]) && w.contains(all[all.len() - 1]));
        assert!(all.iter().step_by(997).all(|x| w.contains(x)));
    }
}
