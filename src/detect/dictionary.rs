//! Dictionary matching of listed people (staff to redact, officials to keep). Each
//! capitalised word of the text is looked up once in a hash map of folded surnames (multi-word
//! surnames by their first word); a hit is extended to the whole name written around it
//! (particles, given names, initials, display-name tail), and the person whose given names
//! fit best is chosen. This replaces an Aho-Corasick scan over every written variant: the
//! variants need not be enumerated, and a lookup per capitalised word is far cheaper than an
//! automaton over ~250,000 variant patterns for a 50,000-name list.

use super::names::{MarkCursor, NameParts, NameScanner};
use crate::people::Person;
use crate::text::fold::fold_str;
use compact_str::CompactString;
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;

/// Which list an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Staff: redact.
    Staff,
    /// Public officials: keep.
    Official,
}

/// One person on a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Index into the list.
    pub person: usize,
    /// Staff or official.
    pub list: ListKind,
}

/// A person under a surname key, with the folded given name and particles kept inline (up to
/// 24 bytes, which nearly every name fits): choosing between the people who share a surname
/// then reads one contiguous list, not strings elsewhere in memory. With 50,000 names that
/// memory is out of the cache, and each string followed costs a wait.
#[derive(Debug, Clone)]
struct Candidate {
    entry: Entry,
    /// Folded first given name (`None` when there is none).
    first: Option<CompactString>,
    /// Folded first initial.
    initial: Option<char>,
    /// Folded particles (`van der`).
    tussen: CompactString,
    /// Folded surname.
    surname: CompactString,
}

/// A person with a surname of more than one word: (all its folded words, person).
type MultiWord = (Vec<String>, Candidate);

/// The people under one folded word of [`Dictionary::by_word`], as ranges of
/// [`Dictionary::single`] and [`Dictionary::multi`]: every person is in one of two flat lists,
/// grouped by word, rather than in small vectors of their own.
#[derive(Debug, Default, Clone)]
struct SurnameKey {
    /// People whose surname is this one word.
    single: Range<u32>,
    /// People whose surname has more words and starts with this one.
    multi: Range<u32>,
}

/// A listed name found in a text.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Byte start.
    pub start: usize,
    /// Byte end.
    pub end: usize,
    /// Who.
    pub entry: Entry,
    /// Written with given names or initials (not the surname alone).
    pub full: bool,
    /// The person's folded surname.
    pub surname: CompactString,
    /// The person's folded first given name (empty when none is known).
    pub first: CompactString,
}

/// The compiled dictionary.
#[derive(Debug, Default)]
pub struct Dictionary {
    /// Staff members.
    pub staff: Vec<Person>,
    /// Public officials.
    pub officials: Vec<Person>,
    /// Folded word → the people whose surname is that word, or starts with it: one lookup
    /// per capitalised word of a text. Keys up to 24 bytes are stored in the table itself.
    by_word: FxHashMap<CompactString, SurnameKey>,
    /// The people with a one-word surname, grouped by surname.
    single: Vec<Candidate>,
    /// The people with a surname of more words, grouped by its first word: (all words, person).
    multi: Vec<MultiWord>,
    /// Folded full-name forms of officials, for tolerant matching.
    official_forms: Vec<String>,
    /// The forms by first and by last character (indices into `official_forms`): a name
    /// within one edit of a form shares at least one of the two with it, so a name is compared
    /// with those forms only, not with every official's.
    official_by_end: [FxHashMap<char, Vec<u32>>; 2],
    /// Folded first names of listed people (given names next to their surname).
    first_names: FxHashSet<CompactString>,
}

impl Dictionary {
    /// Indexes both lists by surname.
    pub fn new(staff: Vec<Person>, officials: Vec<Person>) -> Self {
        let mut d = Dictionary {
            staff,
            officials,
            ..Default::default()
        };
        let lists = [
            (ListKind::Staff, d.staff.clone()),
            (ListKind::Official, d.officials.clone()),
        ];
        // Per first word, in order of first appearance: the people, to be laid out grouped.
        let mut grouped: Vec<(CompactString, Vec<Candidate>, Vec<MultiWord>)> = Vec::new();
        let mut group_of: FxHashMap<String, usize> = FxHashMap::default();
        for (list, people) in lists {
            for (pi, p) in people.iter().enumerate() {
                let given = p.first.split_whitespace().next();
                let first = CompactString::from(fold_str(given.unwrap_or("")));
                let sur = fold_str(&p.surname);
                let entry = Candidate {
                    entry: Entry { person: pi, list },
                    first: (!first.is_empty()).then(|| first.clone()),
                    initial: fold_str(&p.initials).chars().next(),
                    tussen: fold_str(&p.tussen).into(),
                    surname: sur.as_str().into(),
                };
                if sur.chars().filter(|c| c.is_alphabetic()).count() < 2 {
                    continue;
                }
                let words: Vec<String> = sur.split_whitespace().map(str::to_string).collect();
                // A one-word surname is its own key; a longer one is found by its first word.
                let key: &str = match words.as_slice() {
                    [] => continue,
                    [_] => &sur,
                    [w, ..] => w,
                };
                let g = *group_of.entry(key.to_string()).or_insert_with(|| {
                    grouped.push((CompactString::from(key), Vec::new(), Vec::new()));
                    grouped.len() - 1
                });
                if words.len() == 1 {
                    grouped[g].1.push(entry);
                } else {
                    grouped[g].2.push((words, entry));
                }
                if given.is_some() {
                    d.first_names.insert(first);
                }
                if list == ListKind::Official {
                    for (form, kind) in p.variants() {
                        if kind == crate::people::VariantKind::Full {
                            d.official_forms.push(form);
                        }
                    }
                }
            }
        }
        let span = |from: usize, to: usize| from as u32..to as u32;
        for (word, single, multi) in grouped {
            let (s, m) = (d.single.len(), d.multi.len());
            d.single.extend(single);
            d.multi.extend(multi);
            d.by_word.insert(
                word,
                SurnameKey {
                    single: span(s, d.single.len()),
                    multi: span(m, d.multi.len()),
                },
            );
        }
        for (k, form) in d.official_forms.iter().enumerate() {
            let ends = [form.chars().next(), form.chars().next_back()];
            for (map, end) in d.official_by_end.iter_mut().zip(ends) {
                if let Some(c) = end {
                    map.entry(c).or_default().push(k as u32);
                }
            }
        }
        d
    }

    /// True when no list was given.
    pub fn is_empty(&self) -> bool {
        self.by_word.is_empty()
    }

    /// All listed names in the scanned text, each extended to the name written around it.
    pub fn find(&self, sc: &NameScanner) -> Vec<Hit> {
        let mut out = Vec::new();
        if self.is_empty() {
            return out;
        }
        let mut i = 0;
        let mut marks = MarkCursor::default();
        // Capitalised words are marks.
        while let Some(m) = marks.seek(sc, i) {
            i = m;
            if !sc.is_cap(i) {
                i += 1;
                continue;
            }
            let Some(key) = self.by_word.get(sc.folded_word(i)) else {
                i += 1;
                continue;
            };
            let slice = |r: &Range<u32>| r.start as usize..r.end as usize;
            let single = self.single.get(slice(&key.single)).unwrap_or(&[]);
            let multi = self.multi.get(slice(&key.multi)).unwrap_or(&[]);
            let mut found: Option<(usize, &[Candidate])> = (!single.is_empty()).then_some((i, single));
            let mut multi_entries: Vec<Candidate> = Vec::new();
            for (words, e) in multi {
                let mut k = i;
                let ok = words[1..].iter().all(|w| {
                    k += 1;
                    sc.follows(k - 1) && sc.folded_word(k) == w
                });
                if ok && found.is_none_or(|(last, _)| k > last) {
                    multi_entries.push(e.clone());
                    found = Some((k, &[]));
                }
            }
            let Some((last, entries)) = found else {
                i += 1;
                continue;
            };
            let entries: &[Candidate] = if multi_entries.is_empty() {
                entries
            } else {
                &multi_entries
            };
            let ext = sc.extend_name(i, last, |w| self.first_names.contains(w));
            let Some(c) = self.best(entries, &sc.name_parts(&ext)) else {
                i += 1;
                continue;
            };
            out.push(Hit {
                start: ext.start,
                end: ext.end,
                entry: c.entry,
                full: ext.tok_start < i || ext.tok_end > last + 1,
                surname: c.surname.clone(),
                first: c.first.clone().unwrap_or_default(),
            });
            i = ext.tok_end.max(i + 1);
        }
        out
    }

    /// Of the people whose particles fit the written name (particles are part of a Dutch
    /// surname: "Van den Hoek" is not staff member Hoek), the one whose given names or
    /// initials fit best; staff on a tie, then the later one. `None` when nobody fits.
    fn best<'c>(&self, entries: &'c [Candidate], ext: &NameParts) -> Option<&'c Candidate> {
        let first_initial = ext.initials.first().copied();
        let mut best: Option<((i32, bool), &Candidate)> = None;
        for c in entries {
            let e = &c.entry;
            // The person's particles as written ("van der" against "van", "der").
            if !ext.particles.is_empty() && !c.tussen.split(' ').eq(ext.particles.iter().copied()) {
                continue;
            }
            let named = c.first.as_ref().is_some_and(|f| ext.given.contains(&f.as_str()));
            let s = if named {
                3
            } else if c.initial.is_some() && first_initial == c.initial {
                2
            } else if ext.given.is_empty() && ext.initials.is_empty() {
                1
            } else {
                0
            };
            let score = (s, e.list == ListKind::Staff);
            // `>=`: on a tie the later person, as `Iterator::max_by_key` chooses.
            if best.is_none_or(|(b, _)| score >= b) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c)
    }

    /// Some official's full name is known, for [`is_official_like`](Self::is_official_like).
    pub fn has_official_forms(&self) -> bool {
        !self.official_forms.is_empty()
    }

    /// A folded name is within one edit of an official's full name (names of 6+ letters).
    pub fn is_official_like(&self, folded_name: &str) -> bool {
        if folded_name.chars().count() < 6 {
            return false;
        }
        // One edit (six characters or more) leaves the first or the last character in place:
        // an edit at the first one keeps the last.
        let ends = [folded_name.chars().next(), folded_name.chars().next_back()];
        self.official_by_end.iter().zip(ends).any(|(map, end)| {
            end.and_then(|c| map.get(&c)).is_some_and(|forms| {
                forms
                    .iter()
                    .any(|&k| within_one_edit(&self.official_forms[k as usize], folded_name))
            })
        })
    }
}

/// Levenshtein distance ≤ 1: after the longest common prefix and then the longest common
/// suffix, at most one character may remain on each side. Works on bytes without allocating,
/// since it runs for every name phrase against every official (the top cost of a run with an
/// officials list when it collected both strings into `Vec<char>`).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    // One edit changes the length by at most one character, four bytes.
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let mut p = ab.iter().zip(bb).take_while(|(x, y)| x == y).count();
    while !(a.is_char_boundary(p) && b.is_char_boundary(p)) {
        p -= 1;
    }
    let (a, b) = (&a[p..], &b[p..]);
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let mut s = ab.iter().rev().zip(bb.iter().rev()).take_while(|(x, y)| x == y).count();
    while !(a.is_char_boundary(a.len() - s) && b.is_char_boundary(b.len() - s)) {
        s -= 1;
    }
    let (a, b) = (&a[..a.len() - s], &b[..b.len() - s]);
    a.chars().nth(1).is_none() && b.chars().nth(1).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook check on characters, to compare the byte version with.
    fn one_edit_reference(a: &str, b: &str) -> bool {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let (la, lb) = (a.len(), b.len());
        if la.abs_diff(lb) > 1 {
            return false;
        }
        let i = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        if i == la.min(lb) {
            return true;
        }
        match la.cmp(&lb) {
            std::cmp::Ordering::Equal => a[i + 1..] == b[i + 1..],
            std::cmp::Ordering::Greater => a[i + 1..] == b[i..],
            std::cmp::Ordering::Less => a[i..] == b[i + 1..],
        }
    }

    #[test]
    fn one_edit_agrees_with_the_reference_on_every_short_string() {
        // Every string of up to four characters over an alphabet with 1-, 2- and 3-byte
        // characters, against every other: edits at the start, middle, end, and in runs.
        let alphabet = ['a', 'b', 'é', 'ë', '€'];
        let mut words = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        for a in &words {
            for b in &words {
                assert_eq!(within_one_edit(a, b), one_edit_reference(a, b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn official_like_by_first_or_last_character_equals_comparing_with_every_form() {
        let rules = crate::rules::RuleSet::builtin().expect("rules");
        let officials = ["Diederik van Dijk", "Eppo Bruins", "Ümit Öztürk", "Anna de Wit-Ooms"]
            .iter()
            .filter_map(|n| Person::parse(n, &rules.lists))
            .collect();
        let d = Dictionary::new(Vec::new(), officials);
        assert!(d.has_official_forms());
        let every = |name: &str| name.chars().count() >= 6 && d.official_forms.iter().any(|o| within_one_edit(o, name));
        // Every one-character edit of every form, at every position (the first and last
        // included), and a few names that are no form.
        let mut names = vec!["jan jansen".to_string(), "xiederik van dijx".to_string()];
        for form in &d.official_forms {
            let chars: Vec<char> = form.chars().collect();
            for i in 0..=chars.len() {
                for c in ['x', 'é', ' '] {
                    let mut ins = chars.clone();
                    ins.insert(i, c);
                    names.push(ins.iter().collect());
                    if i < chars.len() {
                        let mut sub = chars.clone();
                        sub[i] = c;
                        names.push(sub.iter().collect());
                        let mut del = chars.clone();
                        del.remove(i);
                        names.push(del.iter().collect());
                    }
                }
            }
        }
        let mut like = 0;
        for n in &names {
            assert_eq!(d.is_official_like(n), every(n), "{n:?}");
            like += usize::from(every(n));
        }
        assert!(like > names.len() / 2, "{like} of {}", names.len());
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("diederik van dijk", "dierderik van dijk"));
        assert!(within_one_edit("jansen", "janssen"));
        assert!(within_one_edit("jansen", "jansen"));
        assert!(!within_one_edit("jansen", "jonssen"));
    }
}
