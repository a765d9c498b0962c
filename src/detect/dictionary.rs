//! Dictionary matching of listed people (staff to redact, officials to keep) with one
//! leftmost-longest Aho-Corasick automaton over the folded text.

use crate::people::{Person, VariantKind};
use crate::text::fold::Folded;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Which list an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Staff: redact.
    Staff,
    /// Public officials: keep.
    Official,
}

/// One pattern's meaning.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Index into the list.
    pub person: usize,
    /// Staff or official.
    pub list: ListKind,
    /// Full form or surname alone.
    pub kind: VariantKind,
}

/// A hit of a listed name in a text (original byte offsets).
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    /// Byte start in the original text.
    pub start: usize,
    /// Byte end in the original text.
    pub end: usize,
    /// What matched.
    pub entry: Entry,
}

/// The compiled dictionary.
#[derive(Debug)]
pub struct Dictionary {
    ac: Option<AhoCorasick>,
    entries: Vec<Entry>,
    /// Staff members.
    pub staff: Vec<Person>,
    /// Public officials.
    pub officials: Vec<Person>,
    /// Folded full-name variants of officials, for tolerant matching.
    pub official_forms: Vec<String>,
}

impl Dictionary {
    /// Builds the automaton over all variants. Staff wins where a form is on both lists.
    pub fn new(staff: Vec<Person>, officials: Vec<Person>) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut official_forms = Vec::new();
        for (list, people) in [(ListKind::Staff, &staff), (ListKind::Official, &officials)] {
            for (pi, p) in people.iter().enumerate() {
                for (form, kind) in p.variants() {
                    if form.chars().filter(|c| c.is_alphabetic()).count() < 3 {
                        continue;
                    }
                    if list == ListKind::Official && kind == VariantKind::Full {
                        official_forms.push(form.clone());
                    }
                    if index.contains_key(&form) {
                        continue;
                    }
                    index.insert(form.clone(), patterns.len());
                    patterns.push(form);
                    entries.push(Entry { person: pi, list, kind });
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .ok()
        };
        Dictionary {
            ac,
            entries,
            staff,
            officials,
            official_forms,
        }
    }

    /// True when no list was given.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All hits in a text, with word boundaries checked on the original; surname-only forms
    /// must start with a capital letter there.
    pub fn find(&self, text: &str, folded: &Folded) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let fb = folded.text.as_bytes();
        let mut out = Vec::new();
        for m in ac.find_iter(&folded.text) {
            let (fs, fe) = (m.start(), m.end());
            let before_ok = fs == 0 || !is_word_byte_before(&folded.text, fs);
            let after_ok = fe >= fb.len() || !is_word_char_at(&folded.text, fe);
            if !before_ok || !after_ok {
                continue;
            }
            let entry = self.entries[m.pattern().as_usize()];
            let (s, e) = (folded.orig_start(fs), folded.orig_end(fe));
            if entry.kind == VariantKind::Surname && !text[s..].chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            out.push(Hit {
                start: s,
                end: e,
                entry,
            });
        }
        out
    }

    /// A folded name is within one edit of an official's full name (names of 6+ letters).
    pub fn is_official_like(&self, folded_name: &str) -> bool {
        if folded_name.chars().count() < 6 {
            return false;
        }
        self.official_forms.iter().any(|o| within_one_edit(o, folded_name))
    }
}

fn is_word_byte_before(s: &str, pos: usize) -> bool {
    s[..pos].chars().next_back().is_some_and(|c| c.is_alphanumeric())
}

fn is_word_char_at(s: &str, pos: usize) -> bool {
    s[pos..].chars().next().is_some_and(|c| c.is_alphanumeric())
}

/// Levenshtein distance ≤ 1.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let mut i = 0;
    while i < la.min(lb) && a[i] == b[i] {
        i += 1;
    }
    if i == la.min(lb) {
        return true;
    }
    if la == lb {
        a[i + 1..] == b[i + 1..]
    } else if la > lb {
        a[i + 1..] == b[i..]
    } else {
        a[i..] == b[i + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(within_one_edit("diederik van dijk", "dierderik van dijk"));
        assert!(within_one_edit("jansen", "janssen"));
        assert!(within_one_edit("jansen", "jansen"));
        assert!(!within_one_edit("jansen", "jonssen"));
    }
}
