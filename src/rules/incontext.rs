//! A rule's pattern compiled for searching stretches of a text while the rest of the text
//! stays visible to its look-arounds (`\b` at a stretch's edge sees the text beyond it), with
//! a search cache per thread: rules that run on many short stretches of every document would
//! otherwise spend more on taking a cache from the regex's pool, or building one, than on
//! searching.

use regex_automata::meta::{Cache, Regex};
use regex_automata::{Input, Span};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Numbers the compiled patterns, so a thread's cache is never used with another pattern.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// Search caches a thread keeps at most.
const MAX_CACHES: usize = 64;

thread_local! {
    /// This thread's search caches, by pattern id.
    static CACHES: RefCell<FxHashMap<u64, Cache>> = RefCell::new(FxHashMap::default());
}

/// A pattern for searching parts of a text in context.
#[derive(Debug, Clone)]
pub struct InContext {
    regex: Regex,
    id: u64,
}

impl InContext {
    /// Compiles `pattern` with the syntax and match semantics of `regex::Regex::new`.
    pub fn new(pattern: &str) -> Option<Self> {
        let regex = Regex::new(pattern).ok()?;
        Some(InContext {
            regex,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Every match in the byte ranges `windows` of `text` (sorted, not overlapping), as
    /// (group start, group end, match start, match end); `group` 0 is the whole match.
    pub fn find_in(&self, text: &str, windows: &[(usize, usize)], group: usize) -> Vec<(usize, usize, usize, usize)> {
        let mut out = Vec::new();
        CACHES.with(|caches| {
            let mut caches = caches.borrow_mut();
            // Caches of patterns compiled and dropped earlier (a process that loads rules many
            // times) are never asked for again: past a few dozen, start afresh.
            if caches.len() >= MAX_CACHES && !caches.contains_key(&self.id) {
                caches.clear();
            }
            let cache = caches.entry(self.id).or_insert_with(|| self.regex.create_cache());
            let mut caps = (group > 0).then(|| self.regex.create_captures());
            for &(a, b) in windows {
                let mut input = Input::new(text).range(a..b);
                let mut last_end = None;
                loop {
                    let (g, m): (Option<Span>, Span) = match &mut caps {
                        None => match self.regex.search_with(cache, &input) {
                            Some(m) => (Some(m.span()), m.span()),
                            None => break,
                        },
                        Some(caps) => {
                            self.regex.search_captures_with(cache, &input, caps);
                            match caps.get_match() {
                                Some(m) => (caps.get_group(group), m.span()),
                                None => break,
                            }
                        }
                    };
                    // As `regex`'s iterators: no empty match right where the last one ended.
                    if let Some(g) = g
                        && !(m.is_empty() && last_end == Some(m.start))
                    {
                        out.push((g.start, g.end, m.start, m.end));
                    }
                    last_end = Some(m.end);
                    // An empty match moves the search on by one character.
                    let next = if m.is_empty() {
                        text[m.end..].chars().next().map_or(b + 1, |c| m.end + c.len_utf8())
                    } else {
                        m.end
                    };
                    if next > b {
                        break;
                    }
                    input.set_start(next);
                }
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::InContext;

    #[test]
    fn a_thread_keeps_a_bounded_number_of_caches() {
        let first = InContext::new(r"\d").expect("pattern");
        for _ in 0..(super::MAX_CACHES + 10) {
            let re = InContext::new(r"[0-9]{2}").expect("pattern");
            assert_eq!(re.find_in("a12", &[(0, 3)], 0).len(), 1);
        }
        assert!(super::CACHES.with(|c| c.borrow().len()) <= super::MAX_CACHES);
        assert_eq!(
            first.find_in("7", &[(0, 1)], 0).len(),
            1,
            "a dropped cache is made again"
        );
    }

    #[test]
    fn windows_see_their_context() {
        let re = InContext::new(r"(?-u:\b)\d{3}(?-u:\b)").expect("pattern");
        let text = "x123 456 7890";
        // "123" is glued to "x" before the window, "789" to "0" after it: no word boundary.
        assert_eq!(re.find_in(text, &[(1, 12)], 0), vec![(5, 8, 5, 8)]);
        let g = InContext::new(r"(\d)(\d)").expect("pattern");
        assert_eq!(
            g.find_in("a12b34", &[(0, 3), (3, 6)], 2),
            vec![(2, 3, 1, 3), (5, 6, 4, 6)]
        );
        let e = InContext::new(r"\d*").expect("pattern");
        let empty: Vec<_> = e.find_in("a1", &[(0, 2)], 0).iter().map(|m| (m.2, m.3)).collect();
        let reference: Vec<_> = regex::Regex::new(r"\d*")
            .expect("pattern")
            .find_iter("a1")
            .map(|m| (m.start(), m.end()))
            .collect();
        assert_eq!(empty, reference, "empty matches as the regex crate gives them");
    }
}
