//! Names that are on no list: structural cues (header labels, signature blocks, salutations,
//! attendee lists) and Dutch name grammar (titles, initials, tussenvoegsels, hyphenated
//! surnames), plus recognition of public officials, who are kept. WOO.md §2 and §4.

use super::spans::SpanIndex;
use super::tokens::{Kind, MAX_FOLDED_WORD, Tok, tokenize_into};
use crate::rules::{Confidence, Lists, word};
use crate::text::fold::Folded;
use crate::text::fold::fold_str;
use compact_str::CompactString;
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::{SmallVec, smallvec};

/// Why a phrase is a person's name (or an official's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// Initials followed by a surname (J.P. de Vries).
    Initials,
    /// A title or form of address before the name (dhr., mevrouw, drs.).
    Title,
    /// A known first name followed by a surname.
    FirstName,
    /// A header label (Van:, Aanwezig:, Contactpersoon).
    Label,
    /// A signature block after a closing phrase.
    Signature,
    /// A salutation (Beste …,).
    Salutation,
    /// A name followed by an organisation abbreviation in parentheses.
    OrgParen,
    /// A word for a person's role before the name (collega, tolk, betrokkene).
    PersonNoun,
    /// A full name in the same sentence as an identification number, IBAN or date of birth.
    Identifier,
}

impl Cue {
    /// Every cue, in declaration order (`cue as usize` indexes it).
    pub const ALL: [Cue; 9] = [
        Cue::Initials,
        Cue::Title,
        Cue::FirstName,
        Cue::Label,
        Cue::Signature,
        Cue::Salutation,
        Cue::OrgParen,
        Cue::PersonNoun,
        Cue::Identifier,
    ];

    /// Rule id used in reports.
    pub fn rule_id(self) -> &'static str {
        match self {
            Cue::Initials => "naam-initialen",
            Cue::Title => "naam-titel",
            Cue::FirstName => "naam-voornaam",
            Cue::Label => "naam-kopregel",
            Cue::Signature => "naam-ondertekening",
            Cue::Salutation => "naam-aanhef",
            Cue::OrgParen => "naam-organisatie",
            Cue::PersonNoun => "naam-rol",
            Cue::Identifier => "naam-bij-identificatie",
        }
    }

    fn confidence(self) -> Confidence {
        match self {
            Cue::Label | Cue::Signature | Cue::Salutation => Confidence::Confirmed,
            _ => Confidence::Plausible,
        }
    }

    /// Why the cue makes a name, for reports.
    pub fn explain(self) -> &'static str {
        match self {
            Cue::Initials => "initialen gevolgd door een achternaam",
            Cue::Title => "aanspreekvorm of titel voor de naam",
            Cue::FirstName => "bekende voornaam gevolgd door een achternaam",
            Cue::Label => "naam achter een kopregel (Van:, Aan:, Aanwezig:, Contactpersoon)",
            Cue::Signature => "naam in een ondertekening na een groet",
            Cue::Salutation => "naam in een aanhef",
            Cue::OrgParen => "naam gevolgd door een organisatie tussen haakjes",
            Cue::PersonNoun => "naam na een aanduiding van een persoon (collega, tolk, betrokkene)",
            Cue::Identifier => "volledige naam in dezelfde zin als een identificatienummer, IBAN of geboortedatum",
        }
    }
}

/// A person's name found in a text, or a public official's (to be kept).
#[derive(Debug, Clone)]
pub struct NamePhrase {
    /// Byte start.
    pub start: usize,
    /// Byte end.
    pub end: usize,
    /// What pointed to it.
    pub cue: Cue,
    /// Public official (kept) and why, or `None` for a person to redact.
    pub official: Option<String>,
    /// How sure.
    pub confidence: Confidence,
    /// Human explanation.
    pub explanation: &'static str,
    /// Folded surname without particles ("beeck"); `None` for a lone first name. Names are kept
    /// inline (up to 24 bytes): a document has tens of thousands of phrases.
    pub surname: Option<CompactString>,
    /// Folded first name, if written.
    pub first: Option<CompactString>,
    /// The token after the phrase, so what follows it is read without searching the tokens.
    end_tok: u32,
}

/// Token indices of a name part; names are short, so no heap allocation.
type Idx = SmallVec<[usize; 6]>;

/// A name found around a surname, as tokens and bytes.
#[derive(Debug, Clone)]
pub struct Extended {
    /// First token.
    pub tok_start: usize,
    /// Token after the last.
    pub tok_end: usize,
    /// Byte start.
    pub start: usize,
    /// Byte end.
    pub end: usize,
    /// First token of the surname.
    first: usize,
    /// Last token of the surname.
    last: usize,
}

/// What was written with a surname: given names, initials and particles, borrowed from the
/// scanned text (see [`NameScanner::name_parts`]).
#[derive(Debug, Clone, Default)]
pub struct NameParts<'a> {
    /// Folded given names.
    pub given: SmallVec<[&'a str; 4]>,
    /// First letters of initials (folded).
    pub initials: SmallVec<[char; 4]>,
    /// Folded particles right before the surname (`van`, `den`), in order.
    pub particles: SmallVec<[&'a str; 3]>,
}

/// The parts of a parsed name, as token indices.
#[derive(Debug, Clone)]
struct Parsed {
    start: usize,
    end: usize,
    given: Idx,
    initials: bool,
    tussen: Idx,
    surname: Option<usize>,
}

/// Endings that make a capitalised word a street, never a surname.
const STREET_SUFFIXES: [&str; 11] = [
    "straat",
    "laan",
    "plein",
    "gracht",
    "kade",
    "singel",
    "dreef",
    "steeg",
    "plantsoen",
    "boulevard",
    "straatweg",
];

/// Endings shared by streets and surnames (Houdijk, Groenveld): a street only before a number.
const STREET_OR_NAME_SUFFIXES: [&str; 10] = [
    "weg", "markt", "dijk", "hof", "park", "veld", "wal", "pad", "ring", "haven",
];

/// Tussenvoegsels that may start a surname written alone with a capital (Van Dijk, De Vries).
const CAP_PARTICLES: [&str; 10] = ["van", "de", "den", "der", "ter", "ten", "von", "du", "d'", "in"];

/// The per-token buffers of a [`NameScanner`], kept per thread between documents: for a
/// large text they run to tens of megabytes, which the allocator would otherwise hand back to
/// the kernel and fault in afresh for the next document.
#[derive(Default)]
struct Buffers {
    toks: Vec<Tok>,
    marks: Vec<u32>,
    numbers: Vec<(usize, usize)>,
}

/// Token buffers larger than this (in tokens) are freed after their document.
const MAX_KEPT_TOKENS: usize = 2 << 20;

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::new(Buffers::default());
}

impl Drop for NameScanner<'_> {
    fn drop(&mut self) {
        let b = Buffers {
            toks: std::mem::take(&mut self.toks),
            marks: std::mem::take(&mut self.marks),
            numbers: std::mem::take(&mut self.numbers),
        };
        // Keep the larger set, so a thread that met one big document keeps its buffers; but
        // not those of a giant one (about 50 MB for a 10 MB text), which would stay allocated
        // for the rest of the run.
        if b.toks.capacity() > MAX_KEPT_TOKENS {
            return;
        }
        let _ = BUFFERS.try_with(|cell| {
            let mut cur = cell.borrow_mut();
            if b.toks.capacity() >= cur.toks.capacity() {
                *cur = b;
            }
        });
    }
}

/// Word token `t` (folded `w`) is one the name passes must visit: a capitalised word, a
/// title, a function or a person noun (cues before a name), or "de" (of "de heer"). With `(`
/// these are the [`NameScanner`]'s marks.
fn is_mark(t: &Tok, w: &str) -> bool {
    t.cap() || t.flags & (word::PERSON_NOUN | word::TITLE | word::TITLE_DOT | word::FUNCTION) != 0 || w == "de"
}

/// A position in a [`NameScanner`]'s marks, for a pass that moves forward through the tokens.
#[derive(Debug, Default)]
pub struct MarkCursor(usize);

impl MarkCursor {
    /// The first mark at or after token `i`, if any.
    pub fn seek(&mut self, sc: &NameScanner, i: usize) -> Option<usize> {
        while sc.marks.get(self.0).is_some_and(|&m| (m as usize) < i) {
            self.0 += 1;
        }
        sc.marks.get(self.0).map(|&m| m as usize)
    }
}

/// Scans a text for names with the given lists.
pub struct NameScanner<'a> {
    text: &'a str,
    folded: &'a Folded,
    /// The tokens, each word with its folded range and list bits (see [`word`]).
    toks: Vec<Tok>,
    /// Indices of the tokens a name or an official's name can start at or be cued by (see
    /// [`is_mark`]), in order: the passes that look for names visit only these,
    /// about one token in five, instead of every token.
    marks: Vec<u32>,
    lists: &'a Lists,
    /// Byte ranges of the numbers: runs of ASCII digits, and any other numeric character
    /// (which `\d` may match).
    numbers: Vec<(usize, usize)>,
    /// Every number is ASCII digits (no other numeric character in the text).
    ascii_numbers: bool,
}

impl<'a> NameScanner<'a> {
    /// Tokenizes `text`; `folded` is its folded view.
    pub fn new(text: &'a str, folded: &'a Folded, lists: &'a Lists) -> Self {
        let mut b = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
        tokenize_into(text, &mut b.toks);
        // One sweep over the tokens for the folded ranges and list bits of the words, and the
        // numbers.
        b.numbers.clear();
        b.marks.clear();
        let mut fwd = folded.forward();
        let mut wide_digits = false;
        for (i, t) in b.toks.iter_mut().enumerate() {
            match t.kind() {
                Kind::Word => {
                    let (a, c) = (fwd.map(t.start), fwd.map(t.end));
                    let w = &folded.text[a as usize..c as usize];
                    // A word too long to be a name gets no folded text (see `Tok::set_folded`).
                    if w.len() <= MAX_FOLDED_WORD {
                        t.set_folded(a, w.len(), lists.flags.get(w).copied().unwrap_or(0));
                    }
                    if is_mark(t, w) {
                        b.marks.push(i as u32);
                    }
                }
                Kind::Punct('(') => b.marks.push(i as u32),
                Kind::Number => b.numbers.push((t.start as usize, t.end as usize)),
                Kind::Punct(ch) if ch.is_numeric() => {
                    b.numbers.push((t.start as usize, t.end as usize));
                    wide_digits = true;
                }
                _ => {}
            }
        }
        NameScanner {
            text,
            folded,
            toks: b.toks,
            marks: b.marks,
            lists,
            numbers: b.numbers,
            ascii_numbers: !wide_digits,
        }
    }

    /// The tokens.
    pub fn tokens(&self) -> &[Tok] {
        &self.toks
    }

    /// Byte ranges of the numbers in the text, in order.
    pub fn numbers(&self) -> &[(usize, usize)] {
        &self.numbers
    }

    /// Every number in the text is written in ASCII digits.
    pub fn ascii_numbers(&self) -> bool {
        self.ascii_numbers
    }

    #[inline]
    fn f(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.folded.text.get(t.folded()))
            .unwrap_or("")
    }

    /// The folded bytes of token i (empty for non-words). Unlike [`f`](Self::f) it does not
    /// read the text to check character boundaries, so comparing it with a word of another
    /// length never touches the text: the name passes test many tokens against a few words.
    #[inline]
    fn fb(&self, i: usize) -> &[u8] {
        self.toks
            .get(i)
            .and_then(|t| self.folded.text.as_bytes().get(t.folded()))
            .unwrap_or(b"")
    }

    /// Is token i the folded word `w`?
    #[inline]
    fn is_word(&self, i: usize, w: &str) -> bool {
        self.fb(i) == w.as_bytes()
    }

    /// Does word token i carry list bit `bit`?
    fn has(&self, i: usize, bit: u16) -> bool {
        self.toks.get(i).is_some_and(|t| t.flags & bit != 0)
    }

    fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i)
    }

    /// Token i follows token i-1 on the same line with at most one space.
    fn tight(&self, i: usize) -> bool {
        self.tok(i).is_some_and(|t| !t.is_newline() && !t.wide_gap())
    }

    fn is_tussen(&self, i: usize, at_start: bool) -> bool {
        let Some(t) = self.tok(i) else { return false };
        if !t.is_word() {
            return false;
        }
        if !self.has(i, word::TUSSEN) {
            return false;
        }
        if t.cap() {
            !at_start || CAP_PARTICLES.iter().any(|p| self.is_word(i, p))
        } else {
            true
        }
    }

    /// A capitalised word that can be part of a name.
    fn is_name_word(&self, i: usize) -> bool {
        let Some(t) = self.tok(i) else { return false };
        if !t.is_cap_word() || t.end - t.start < 2 {
            return false;
        }
        !self.has(
            i,
            word::NON_NAME
                | word::FUNCTION
                | word::TITLE
                | word::TITLE_DOT
                | word::POSTNOMINAL
                | word::TUSSEN
                | word::ORG_WORD,
        )
    }

    fn is_surname_word(&self, i: usize) -> bool {
        if !self.is_name_word(i) {
            return false;
        }
        let f = self.f(i);
        let ends = |list: &[&str]| list.iter().any(|s| f.len() > s.len() + 2 && f.ends_with(s));
        let number_follows = self
            .tok(i + 1)
            .is_some_and(|t| t.kind() == Kind::Number && t.gap() <= 1);
        let org_ending = self
            .lists
            .org_suffixes
            .iter()
            .any(|s| f.len() > s.len() + 2 && f.ends_with(s.as_str()));
        !(ends(&STREET_SUFFIXES) || ends(&STREET_OR_NAME_SUFFIXES) && number_follows || org_ending)
    }

    /// The name that ends before token `end` is part of an organisation's or a building's name:
    /// an organisation word follows, directly or after one more capitalised word ("Anne Frank
    /// Stichting", "Van Leer Foundation", "Erasmus MC").
    fn org_follows(&self, end: usize) -> bool {
        let org = |k: usize| self.tight(k) && self.has(k, word::ORG_WORD) && self.tok(k).is_some_and(|t| t.cap());
        org(end) || (self.tight(end) && self.tok(end).is_some_and(|t| t.is_cap_word()) && org(end + 1))
    }

    /// The words of a chat or meeting export before an author's name: `[09:41]`,
    /// `[12-03-26 10:01]`, `12-03-2026 09:14 -`. Index after them, if the line opens with one.
    fn chat_stamp(&self, i: usize, le: usize) -> Option<usize> {
        let t = self.tok(i)?;
        let stampish = |k: usize| {
            self.tok(k).is_some_and(|t| {
                t.kind() == Kind::Number || matches!(t.kind(), Kind::Punct(':' | '-' | '/' | '.' | ','))
            })
        };
        if t.is('[') {
            let close = (i + 1..le.min(i + 14)).find(|&k| self.toks[k].is(']'))?;
            let time = (i + 1..close).any(|k| self.toks[k].is(':'));
            return ((i + 1..close).all(stampish) && time).then_some(close + 1);
        }
        if t.kind() != Kind::Number {
            return None;
        }
        // "12-03-2026 09:14 - Name:" (WhatsApp): numbers with a time, then a dash.
        let mut k = i;
        while k < le && stampish(k) && k < i + 14 {
            k += 1;
        }
        let time = (i..k).any(|x| self.toks[x].is(':'));
        (time && k > i + 1 && self.toks[k - 1].is('-') && self.toks[k - 1].gap() > 0).then_some(k)
    }

    /// A chat line's author: a name right after a time stamp and before `:` (`[09:41] Smit,
    /// J.:`, `12-03-2026 09:15 - Ilse:`), or before a time in brackets (`Jolien (11:02):`).
    fn chat_author(&self, i: usize, le: usize, out: &mut Vec<NamePhrase>) -> bool {
        let first = self.toks[i];
        if !(first.is('[') || first.kind() == Kind::Number || first.is_cap_word()) {
            return false;
        }
        let stamped = self.chat_stamp(i, le);
        // Without a stamp, only "Name (11:02):" (a bracket and a number within a few words).
        if stamped.is_none()
            && !(i + 1..le.min(i + 8))
                .any(|k| self.toks[k].is('(') && self.tok(k + 1).is_some_and(|n| n.kind() == Kind::Number))
        {
            return false;
        }
        let k = stamped.unwrap_or(i);
        let p = match self.parse(k, true) {
            Some(mut p) => {
                self.display_tail(&mut p);
                // "Smit, J.:": initials after the comma end at the colon.
                if p.end < le && self.tok(p.end).is_some_and(|t| t.is(',')) && self.initials_at(p.end + 1).is_some() {
                    p.end = self.initials_at(p.end + 1).unwrap_or(p.end);
                }
                p
            }
            None if self.is_name_word(k) => Parsed {
                start: k,
                end: k + 1,
                given: smallvec![k],
                initials: false,
                tussen: Idx::new(),
                surname: None,
            },
            None => return false,
        };
        let colon = |x: usize| self.tok(x).is_some_and(|t| t.is(':'));
        let after = if stamped.is_some() && colon(p.end) {
            Some(p.end)
        } else if stamped.is_none()
            && self.tok(p.end).is_some_and(|t| t.is('('))
            && self.tok(p.end + 1).is_some_and(|t| t.kind() == Kind::Number)
            && colon(p.end + 2)
            && self.tok(p.end + 3).is_some_and(|t| t.kind() == Kind::Number)
            && self.tok(p.end + 4).is_some_and(|t| t.is(')'))
            && colon(p.end + 5)
        {
            Some(p.end + 5)
        } else {
            None
        };
        if after.is_none() || p.end > le {
            return false;
        }
        let mut ph = self.phrase(&p, Cue::Label);
        // A chat author written with one word is (nearly always) a given name: "Roos:".
        if p.end - p.start == 1 && (p.surname.is_none() || self.has(p.start, word::FIRST)) {
            ph.surname = None;
            ph.first = Some(CompactString::from(self.f(p.start)));
        }
        out.push(ph);
        true
    }

    /// Given names in an enumeration mid-sentence (`Dank aan Fleur, Bram en Sevda!`): single
    /// capitalised words joined by commas and `en`, at least two of them known first names and
    /// at least one of those not an ordinary Dutch word (so `Roos, Groen en Bakker` stays).
    fn enumeration_at(&self, i: usize) -> Option<SmallVec<[usize; 6]>> {
        let joined =
            self.tok(i + 1).is_some_and(|t| t.is(',')) || self.is_word(i + 1, "en") || self.is_word(i + 1, "and");
        if !joined || self.sentence_start(i) {
            return None;
        }
        let single = |k: usize| {
            self.is_name_word(k)
                && !self.tok(k + 1).is_some_and(|t| t.is_cap_word() && t.gap() <= 1)
                && !self.org_follows(k + 1)
        };
        let mut items: SmallVec<[usize; 6]> = SmallVec::new();
        let mut k = i;
        loop {
            if !single(k) {
                return None;
            }
            items.push(k);
            match self.tok(k + 1) {
                Some(t) if t.is(',') && self.tok(k + 2).is_some_and(|n| n.is_cap_word()) => k += 2,
                Some(t) if t.is_word() && (self.is_word(k + 1, "en") || self.is_word(k + 1, "and")) => {
                    if !single(k + 2) {
                        return None;
                    }
                    items.push(k + 2);
                    break;
                }
                _ => return None,
            }
            if items.len() > 8 {
                return None;
            }
        }
        let firsts = items.iter().filter(|&&k| self.has(k, word::FIRST)).count();
        if firsts < 2 {
            return None;
        }
        let plain = items
            .iter()
            .any(|&k| self.has(k, word::FIRST) && !self.has(k, word::ORDINARY))
            || items
                .iter()
                .any(|&k| !self.has(k, word::FIRST | word::SURNAME) && !self.lists.ordinary.contains(self.f(k)));
        plain.then_some(items)
    }

    fn is_first_name(&self, i: usize) -> bool {
        self.is_name_word(i) && self.has(i, word::FIRST)
    }

    /// Initials (J., J.P., Chr., Th.) starting at i: index after them.
    fn initials_at(&self, i: usize) -> Option<usize> {
        let mut j = i;
        let mut n = 0;
        loop {
            let t = self.tok(j)?;
            if !t.is_word() || !t.cap() || (n > 0 && t.gap() > 1) {
                break;
            }
            // Every initial is at most four bytes long and followed by a full stop: both are
            // read from the tokens, before the text, which for a large text is out of the cache.
            if t.end - t.start > 4 || !self.tok(j + 1).is_some_and(|d| d.is('.') && d.gap() == 0) {
                break;
            }
            let w = t.text(self.text);
            let ok = w.chars().count() == 1
                || matches!(
                    w,
                    "Chr" | "Th" | "Ph" | "Joh" | "Jac" | "Ch" | "Fr" | "Wm" | "IJ" | "Ij" | "Gerh"
                );
            if !ok {
                break;
            }
            j += 2;
            n += 1;
        }
        (n > 0).then_some(j)
    }

    /// A title (dhr., mevrouw, de heer, drs.) at i: index after it.
    fn title_at(&self, i: usize) -> Option<usize> {
        let t = self.tok(i)?;
        if !t.is_word() {
            return None;
        }
        if self.is_word(i, "de") && self.is_word(i + 1, "heer") {
            return Some(i + 2);
        }
        let dotted = self.tok(i + 1).is_some_and(|d| d.is('.') && d.gap() == 0);
        if dotted && self.has(i, word::TITLE_DOT) {
            return Some(i + 2);
        }
        if self.has(i, word::TITLE) && !dotted && t.folded().len() > 3 {
            return Some(i + 1);
        }
        None
    }

    /// Parses a name at token i. `relaxed`: any capitalised words may be given names (label
    /// contexts); otherwise a given name must be initials or a known first name.
    fn parse(&self, i: usize, relaxed: bool) -> Option<Parsed> {
        let mut j = i;
        while let Some(n) = self.title_at(j) {
            j = n;
        }
        let start = j;
        let mut given = Idx::new();
        let mut initials = false;
        if let Some(n) = self.initials_at(j) {
            initials = true;
            given.extend((j..n).step_by(2));
            j = n;
        }
        let mut words = Idx::new();
        let mut tussen = Idx::new();
        while j < self.toks.len() && (j == start || self.tight(j)) {
            if self.is_tussen(j, j == start && !initials) {
                tussen.push(j);
                j += 1;
                continue;
            }
            if self.tok(j).is_some_and(|t| t.is('\'')) && self.is_word(j + 1, "t") && self.tight(j + 1) {
                tussen.push(j);
                tussen.push(j + 1);
                j += 2;
                continue;
            }
            if self.is_name_word(j) {
                words.push(j);
                j += 1;
                if !tussen.is_empty() || words.len() >= 4 {
                    break;
                }
                continue;
            }
            break;
        }
        // Trailing particles without a surname are not part of the name.
        while tussen.last().is_some_and(|&t| words.last().is_none_or(|&w| w < t)) {
            tussen.pop();
        }
        let surname = *words.last()?;
        if !self.is_surname_word(surname) {
            return None;
        }
        let mut firsts: Vec<usize> = words[..words.len() - 1].to_vec();
        if !tussen.is_empty() {
            firsts.retain(|&w| w < tussen[0]);
        }
        if !relaxed && !initials {
            // Strict: given names must be known first names, or a title must have come first.
            if start == i && (firsts.is_empty() || !firsts.iter().all(|&w| self.is_first_name(w))) {
                return None;
            }
        }
        given.extend(firsts);
        let end = surname + 1;
        // Places and organisations that look like names ("Den Haag", "Ter Apel").
        let core_start = tussen.first().copied().unwrap_or(surname).min(surname);
        if (self.has(core_start, word::NON_NAME_START)
            && self.lists.non_names.contains(&self.folded_span(core_start, end)))
            || (self.has(start, word::NON_NAME_START) && self.lists.non_names.contains(&self.folded_span(start, end)))
        {
            return None;
        }
        Some(Parsed {
            start,
            end,
            given,
            initials,
            tussen,
            surname: Some(surname),
        })
    }

    /// Extends a parsed name over a display-name tail: "Pauw, P.R.N. de" / "Mil, Simon van".
    fn display_tail(&self, p: &mut Parsed) {
        let j = p.end;
        if !self.tok(j).is_some_and(|t| t.is(',')) {
            return;
        }
        let mut k = j + 1;
        if let Some(n) = self.initials_at(k) {
            k = n;
        } else if self.is_name_word(k) && self.tok(k).is_some_and(|t| t.gap() <= 1) {
            k += 1;
        } else {
            return;
        }
        while self.is_tussen(k, false) && self.tight(k) {
            k += 1;
        }
        let ends = match self.tok(k) {
            None => true,
            Some(t) => {
                t.is_newline()
                    || t.is('<')
                    || t.is(';')
                    || t.is('(')
                    || t.is('[')
                    || t.wide_gap()
                    || t.is(',')
                    || t.is(':')
            }
        };
        if ends {
            p.end = k;
        }
    }

    fn phrase(&self, p: &Parsed, cue: Cue) -> NamePhrase {
        let s = self.toks[p.start].start as usize;
        let e = self.toks[p.end - 1].end as usize;
        let surname = p.surname.map(|i| CompactString::from(self.f(i)));
        let first = p
            .given
            .iter()
            .find(|&&g| !p.initials || self.tok(g).is_some_and(|t| t.end - t.start > 1))
            .map(|&g| CompactString::from(self.f(g)));
        let first = if p.initials { None } else { first };
        NamePhrase {
            start: s,
            end: e,
            cue,
            official: None,
            confidence: cue.confidence(),
            explanation: cue.explain(),
            surname,
            first,
            end_tok: p.end as u32,
        }
    }

    fn line_start(&self, i: usize) -> bool {
        i == 0 || self.toks[i - 1].is_newline()
    }

    /// Index of the next newline at or after i (or len).
    fn line_end(&self, i: usize) -> usize {
        let mut j = i;
        while j < self.toks.len() && !self.toks[j].is_newline() {
            j += 1;
        }
        j
    }

    /// Folded text of tokens [a, b) joined by single spaces (punctuation glued).
    fn folded_span(&self, a: usize, b: usize) -> String {
        let mut out = String::new();
        for k in a..b.min(self.toks.len()) {
            let t = &self.toks[k];
            if k > a && t.gap() > 0 {
                out.push(' ');
            }
            match t.kind() {
                Kind::Word => out.push_str(self.f(k)),
                _ => out.push_str(&fold_str(t.text(self.text))),
            }
        }
        out
    }

    /// Matches a phrase list (folded) at the start of line token i: index after it.
    fn phrase_at<'p>(&self, i: usize, phrases: impl IntoIterator<Item = &'p String>) -> Option<usize> {
        let first = self.f(i);
        phrases
            .into_iter()
            .filter(|p| !first.is_empty() && p.starts_with(first))
            .filter_map(|p| self.match_phrase(i, p))
            .max()
    }

    /// Index after `phrase` (folded, words separated by single spaces) written at token i on
    /// one line; compared piece by piece, without building strings.
    fn match_phrase(&self, i: usize, phrase: &str) -> Option<usize> {
        let mut rest = phrase;
        let mut k = i;
        while !rest.is_empty() {
            let t = self.tok(k)?;
            if t.is_newline() {
                return None;
            }
            if k > i && t.gap() > 0 {
                rest = rest.strip_prefix(' ')?;
            }
            let piece = if t.is_word() { self.f(k) } else { t.text(self.text) };
            rest = rest.strip_prefix(piece)?;
            k += 1;
        }
        Some(k)
    }

    /// Names in a label value (tokens [a, b)), split into items at `;` `,` and brackets.
    fn names_in_items(&self, a: usize, b: usize, cue: Cue, out: &mut Vec<NamePhrase>) {
        let mut k = a;
        let mut depth = 0i32;
        let mut item_start = true;
        while k < b {
            let t = self.toks[k];
            match t.kind() {
                Kind::Punct('(' | '<' | '[') => {
                    depth += 1;
                    k += 1;
                    continue;
                }
                Kind::Punct(')' | '>' | ']') => {
                    depth -= 1;
                    k += 1;
                    item_start = true;
                    continue;
                }
                Kind::Punct(';' | ',' | '|' | '/' | '&') => {
                    item_start = true;
                    k += 1;
                    continue;
                }
                _ => {}
            }
            if depth > 0 {
                k += 1;
                continue;
            }
            if t.wide_gap() {
                item_start = true;
            }
            if item_start && t.is_word() {
                item_start = false;
                // An item that opens with an organisation or function word is not a person.
                if t.is_word() && self.has(k, word::NON_NAME | word::FUNCTION) && !self.has(k, word::TUSSEN) {
                    k = self.skip_item(k, b);
                    continue;
                }
                if let Some(mut p) = self.parse(k, true)
                    && p.end <= b
                {
                    self.display_tail(&mut p);
                    let p_end = p.end.min(b);
                    out.push(self.phrase(
                        &Parsed {
                            end: p_end,
                            ..p.clone()
                        },
                        cue,
                    ));
                    k = p_end;
                    continue;
                }
            }
            k += 1;
        }
    }

    fn skip_item(&self, mut k: usize, b: usize) -> usize {
        while k < b && !matches!(self.toks[k].kind(), Kind::Punct(';' | ',' | '(' | '<')) {
            k += 1;
        }
        k
    }

    /// Runs every cue over the text and returns the phrases found, officials marked.
    pub fn scan(&self) -> Vec<NamePhrase> {
        let mut out = Vec::new();
        let n = self.toks.len();
        let mut i = 0;
        let mut after_closing: Option<(usize, bool)> = None; // (lines left, official context)
        let mut official_line_recent = 0usize;
        let mut signers = false;
        while i < n {
            if self.line_start(i) {
                let le = self.line_end(i);
                let blank = i == le;
                // Markdown and quoting marks before a label ("**Van:**", "> Aan:") do not count.
                let mut j = i;
                while j < le && matches!(self.toks[j].kind(), Kind::Punct('*' | '#' | '>' | '_' | '|' | '-')) {
                    j += 1;
                }
                if !blank && j < le && !self.signer_line(j, le, &mut signers, &mut out) {
                    self.scan_line_start(j, le, &mut out, &mut after_closing, &mut official_line_recent);
                }
                if !blank {
                    official_line_recent = official_line_recent.saturating_sub(1);
                }
                // No line starts before the line break at `le`.
                i = le.max(i);
            }
            i += 1;
        }
        self.scan_grammar(&mut out);
        self.mark_officials(&mut out);
        // A name that an organisation word follows names the organisation ("Anne Frank
        // Stichting"), not a person.
        out.retain(|ph| ph.official.is_some() || !self.org_follows(ph.end_tok as usize));
        out
    }

    /// The lines after an official closing formula (a motie's `en gaat over tot de orde van de
    /// dag.`): each line that is a name is a signing member of parliament, kept. Returns whether
    /// line [i, le) was handled so.
    fn signer_line(&self, i: usize, le: usize, signers: &mut bool, out: &mut Vec<NamePhrase>) -> bool {
        if *signers {
            let p = self.parse(i, true).filter(|p| p.end == le).or_else(|| {
                (self.is_name_word(i) && i + 1 == le).then(|| Parsed {
                    start: i,
                    end: le,
                    given: Idx::new(),
                    initials: false,
                    tussen: Idx::new(),
                    surname: Some(i),
                })
            });
            match p {
                Some(p) => {
                    let mut ph = self.phrase(&p, Cue::Signature);
                    ph.official = Some("ondertekening van een motie door Kamerleden".into());
                    out.push(ph);
                    return true;
                }
                None => *signers = false,
            }
        }
        // The first words of the closing formulas are cue starts (see `Lists::reindex`).
        if !self.has(i, word::CUE_START) {
            return false;
        }
        let first = self.f(i);
        if !first.is_empty() && self.lists.official_closings.iter().any(|c| c.starts_with(first)) {
            let mut lend = le;
            while lend > i && matches!(self.toks[lend - 1].kind(), Kind::Punct('.' | ',' | ':' | ';')) {
                lend -= 1;
            }
            if self
                .lists
                .official_closings
                .iter()
                .any(|c| self.match_phrase(i, c) == Some(lend))
            {
                *signers = true;
                return true;
            }
        }
        false
    }

    fn scan_line_start(
        &self,
        i: usize,
        le: usize,
        out: &mut Vec<NamePhrase>,
        after_closing: &mut Option<(usize, bool)>,
        official_recent: &mut usize,
    ) {
        // Signature: the lines after a closing phrase.
        if let Some((left, official)) = *after_closing {
            let start = out.len();
            if let Some(mut p) = self.parse(i, true)
                && p.end == le
            {
                p.start = p.start.max(i);
                out.push(self.phrase(&p, Cue::Signature));
            } else if self.is_name_word(i) && i + 1 == le && (self.has(i, word::FIRST | word::SURNAME) || left > 0) {
                // A first name alone ("Puck").
                let p = Parsed {
                    start: i,
                    end: i + 1,
                    given: smallvec![i],
                    initials: false,
                    tussen: Idx::new(),
                    surname: None,
                };
                let mut ph = self.phrase(&p, Cue::Signature);
                ph.first = Some(CompactString::from(self.f(i)));
                out.push(ph);
            }
            if official || *official_recent > 0 {
                for ph in &mut out[start..] {
                    ph.official = Some("ondertekening door een bewindspersoon".into());
                }
            }
            *after_closing = if left > 1 && out.len() == start {
                Some((left - 1, official))
            } else {
                None
            };
        }
        // "namens deze," under a minister's title: a civil servant signs, not the official.
        if ["namens", "voor", "n"].iter().any(|w| self.is_word(i, w))
            && let whole = self.folded_span(i, le)
            && matches!(
                whole.trim_end_matches(',').trim(),
                "namens deze"
                    | "namens dezen"
                    | "voor deze"
                    | "n.d."
                    | "namens de minister"
                    | "namens de staatssecretaris"
            )
        {
            *official_recent = 0;
            *after_closing = Some((1, false));
            return;
        }
        // A line opening with a public function ("De Minister van …,") signs for an official.
        let fi = if self.is_word(i, "de") || self.is_word(i, "het") {
            i + 1
        } else {
            i
        };
        if self.has(fi, word::FUNCTION) && self.toks[le.saturating_sub(1)].is(',') {
            *official_recent = 3;
            *after_closing = Some((2, true));
            return;
        }
        // A chat or meeting export line: its author.
        if self.chat_author(i, le, out) {
            return;
        }
        // Everything below starts with a label, closing or salutation word.
        if !self.has(i, word::CUE_START) {
            return;
        }
        // Token i is a word, so only phrases starting with its folded text can match.
        let first = self.f(i);
        let [labels, block_labels, closings, salutations] = self.lists.sorted.starting_with(first);
        // Closing phrase alone on its line (optionally with a comma).
        // Trailing comma, colon and Markdown emphasis ("**Contactpersoon**") are not part of it.
        let mut lend = le;
        while lend > i && matches!(self.toks[lend - 1].kind(), Kind::Punct(',' | ':' | '*' | '_')) {
            lend -= 1;
        }
        if lend > i && closings.iter().any(|c| self.match_phrase(i, c) == Some(lend)) {
            *after_closing = Some((1, *official_recent > 0));
            return;
        }
        // Closing and name on one line: "Groet, Ilse" / "Met vriendelijke groet, Jolien van den Berg".
        if let Some(c) = closings.iter().filter_map(|c| self.match_phrase(i, c)).max()
            && self.tok(c).is_some_and(|t| t.is(','))
            && c + 1 < lend
        {
            let k = c + 1;
            let p = self.parse(k, true).filter(|p| p.end == lend).or_else(|| {
                (self.is_name_word(k) && k + 1 == lend && self.has(k, word::FIRST) && !self.has(k, word::ORDINARY))
                    .then(|| Parsed {
                        start: k,
                        end: k + 1,
                        given: smallvec![k],
                        initials: false,
                        tussen: Idx::new(),
                        surname: None,
                    })
            });
            if let Some(p) = p {
                let mut ph = self.phrase(&p, Cue::Signature);
                if p.surname.is_none() {
                    ph.first = Some(CompactString::from(self.f(k)));
                }
                if *official_recent > 0 {
                    ph.official = Some("ondertekening door een bewindspersoon".into());
                }
                out.push(ph);
                return;
            }
        }
        // Block label alone on its line: the name is on the next non-empty line.
        if block_labels.iter().any(|c| self.match_phrase(i, c) == Some(lend)) {
            let mut j = le + 1;
            while j < self.toks.len() && self.toks[j].is_newline() {
                j += 1;
            }
            let e = self.line_end(j);
            if j < e {
                self.names_in_items(j, e, Cue::Label, out);
            }
            return;
        }
        // Label + ':' or tab, then names on the same line.
        if let Some(after) = self.phrase_at(i, labels) {
            let colon = self.tok(after).is_some_and(|t| t.is(':'));
            let tab = self.tok(after).is_some_and(|t| t.wide_gap() && !t.is_newline());
            if colon || tab {
                let a = if colon { after + 1 } else { after };
                self.names_in_items(a, le, Cue::Label, out);
                // A list that ends its line with a comma goes on on the next line (wrapped
                // attendee lists, long Aan:/CC: lines).
                let mut end = le;
                for _ in 0..8 {
                    if end == 0 || end >= self.toks.len() || !self.toks[end - 1].is(',') {
                        break;
                    }
                    let next_end = self.line_end(end + 1);
                    self.names_in_items(end + 1, next_end, Cue::Label, out);
                    end = next_end;
                }
                return;
            }
        }
        // Salutation: "Beste Simon," / "Geachte heer Jansen,".
        if let Some(after) = self.phrase_at(i, salutations)
            && let Some(p) = self.parse(after, true)
        {
            let next = self.tok(p.end);
            if next.is_none_or(|t| t.is(',') || t.is_newline() || t.is('!')) {
                let mut ph = self.phrase(&p, Cue::Salutation);
                if p.given.is_empty() && p.tussen.is_empty() && self.has(p.end - 1, word::FIRST) {
                    ph.first = ph.surname.take();
                }
                out.push(ph);
            }
        }
    }

    /// Grammar cues anywhere: initials + surname, title + name, first name + surname, and
    /// `Name (ORG)`.
    fn scan_grammar(&self, out: &mut Vec<NamePhrase>) {
        let mut covered_until = 0usize;
        let mut taken: Vec<(usize, usize)> = out.iter().map(|p| (p.start, p.end)).collect();
        taken.sort();
        let mut tk = 0;
        let mut i = 0;
        let mut marks = MarkCursor::default();
        // Only marks can start a name here: the `interesting` test below holds for no other.
        while let Some(m) = marks.seek(self, i) {
            i = m;
            let t = self.toks[i];
            let pos = t.start as usize;
            while tk < taken.len() && taken[tk].1 <= pos {
                tk += 1;
            }
            let in_taken = tk < taken.len() && taken[tk].0 <= pos;
            // Most tokens cannot start a name: skip them before any parsing.
            let interesting = match t.kind() {
                Kind::Word if t.cap() => true,
                Kind::Word => self.has(i, word::PERSON_NOUN | word::TITLE | word::TITLE_DOT) || self.is_word(i, "de"),
                Kind::Punct('(') => true,
                _ => false,
            };
            if !interesting || pos < covered_until || in_taken {
                i += 1;
                continue;
            }
            // "(Maria Groenendaal)" after an organisation: a full name in parentheses.
            if t.is('(')
                && let Some(p) = self.parse(i + 1, true)
                && p.given.len() + usize::from(!p.tussen.is_empty()) >= 1
                && self.tok(p.end).is_some_and(|c| c.is(')'))
            {
                let ph = self.phrase(&p, Cue::OrgParen);
                covered_until = ph.end;
                out.push(ph);
                i = p.end;
                continue;
            }
            if t.is_word() && !t.cap() && self.has(i, word::PERSON_NOUN) {
                let j = if self.tok(i + 1).is_some_and(|x| x.is('(')) {
                    i + 2
                } else {
                    i + 1
                };
                if let Some(p) = self.parse(j, true)
                    && self.tok(j).is_some_and(|x| x.gap() <= 1)
                    && (p.end - p.start >= 2 || self.has(p.end - 1, word::SURNAME) || self.has(p.start, word::FIRST))
                {
                    let ph = self.phrase(&p, Cue::PersonNoun);
                    covered_until = ph.end;
                    out.push(ph);
                    i = p.end;
                    continue;
                }
            }
            if t.is_cap_word()
                && let Some(items) = self.enumeration_at(i)
            {
                for &k in &items {
                    let p = Parsed {
                        start: k,
                        end: k + 1,
                        given: smallvec![k],
                        initials: false,
                        tussen: Idx::new(),
                        surname: None,
                    };
                    let mut ph = self.phrase(&p, Cue::FirstName);
                    ph.first = Some(CompactString::from(self.f(k)));
                    ph.explanation = "voornamen in een opsomming";
                    covered_until = ph.end;
                    out.push(ph);
                }
                i = items[items.len() - 1] + 1;
                continue;
            }
            let cue = if self.title_at(i).is_some() {
                Some(Cue::Title)
            } else if self.initials_at(i).is_some() {
                Some(Cue::Initials)
            } else if self.is_first_name(i) {
                Some(Cue::FirstName)
            } else {
                None
            };
            if let Some(cue) = cue
                && let Some(p) = self.parse(i, false)
            {
                if cue == Cue::Initials && p.given.len() == 1 && p.tussen.is_empty() && self.single_letter_heading(i) {
                    i += 1;
                    continue;
                }
                let ph = self.phrase(&p, cue);
                covered_until = ph.end;
                out.push(ph);
                i = p.end;
                continue;
            }
            // "Name (ORG)" where ORG is an abbreviation and not a party.
            if t.is_cap_word()
                && self.is_name_word(i)
                && (i + 1..i + 7)
                    .map_while(|k| self.tok(k))
                    .take_while(|x| !x.is_newline())
                    .any(|x| x.is('('))
                && let Some(p) = self
                    .parse(i, false)
                    .or_else(|| self.parse(i, true).filter(|p| p.given.is_empty()))
                && self.tok(p.end).is_some_and(|t| t.is('('))
                && let Some(abbr) = self.tok(p.end + 1)
                && abbr.is_word()
                && let Some(close) =
                    (p.end + 2..p.end + 5).find(|&k| self.tok(k).is_some_and(|t| t.is(')') || t.is(',')))
            {
                // "DT&V", "JenV": the abbreviation may span a few tokens.
                let a = &self.text[abbr.start as usize..self.toks[close - 1].end as usize];
                let is_abbr = a.chars().filter(|c| c.is_uppercase()).count() >= 2 && a.len() <= 8;
                let strong = !p.given.is_empty()
                    || p.tussen.first().is_some_and(|&x| self.toks[x].cap() && x == p.start)
                    || self.has(p.end - 1, word::SURNAME);
                if is_abbr && strong && !self.lists.parties.contains(a) {
                    let ph = self.phrase(&p, Cue::OrgParen);
                    covered_until = ph.end;
                    out.push(ph);
                    i = p.end;
                    continue;
                }
            }
            i += 1;
        }
    }

    /// Token i opens a sentence or a line (a capital there says nothing about names).
    fn sentence_start(&self, i: usize) -> bool {
        if i == 0 {
            return true;
        }
        let p = self.toks[i - 1];
        if p.is_newline() {
            // A line that wraps mid-sentence (PDF text, table cells) ends in a lower-case word
            // or a comma; anything else (blank line, full stop, heading) starts afresh.
            return !(i >= 2 && (self.toks[i - 2].is_word() && !self.toks[i - 2].cap() || self.toks[i - 2].is(',')));
        }
        p.is('.') || p.is('?') || p.is('!') || p.is(':') || p.wide_gap()
    }

    /// "A. Inleiding" at the start of a line is a numbered heading, not a name.
    fn single_letter_heading(&self, i: usize) -> bool {
        self.line_start(i) && self.tok(i + 3).is_none_or(|t| t.is_newline() || !t.is_cap_word())
    }

    /// Marks phrases that name public officials: a function word before the name, a party
    /// abbreviation after it, or a function before the parentheses it stands in.
    fn mark_officials(&self, out: &mut Vec<NamePhrase>) {
        // Official spans found directly from function words and parties, even where no cue fired.
        let mut extra = Vec::new();
        // Function words and `(` are marks.
        for &m in &self.marks {
            let i = m as usize;
            let t = self.toks[i];
            if t.is_word() && self.has(i, word::FUNCTION) {
                // "Jan Jansen, staatssecretaris van Financiën": the name before, in apposition.
                let comma = if i >= 2 && (self.is_word(i - 1, "de") || self.is_word(i - 1, "het")) {
                    i - 2
                } else {
                    i.saturating_sub(1)
                };
                if comma > 0
                    && self.toks[comma].is(',')
                    && let Some(p) = self.parse_back(comma)
                {
                    let mut ph = self.phrase(&p, Cue::Title);
                    ph.official = Some(format!("genoemd in publieke functie ({})", self.f(i)));
                    extra.push(ph);
                }
                // "trad af als minister": a name earlier in the sentence held the office.
                if i > 0 && self.is_word(i - 1, "als") {
                    let at = t.start as usize;
                    let (lo, _) = self.sentence_of(at, t.end as usize);
                    if let Some(k) = (0..out.len())
                        .filter(|&k| out[k].end <= at && out[k].start >= lo && at - out[k].end <= 80)
                        .max_by_key(|&k| out[k].end)
                    {
                        out[k].official = Some(format!("genoemd in (voormalige) publieke functie ({})", self.f(i)));
                    }
                }
                let mut j = i + 1;
                // "minister van Financiën" names the office; "minister Van Roijen" the person;
                // "de minister van Financiën, Jan Jansen," both, the name in apposition.
                if (self.is_word(j, "van") || self.is_word(j, "voor")) && !self.tok(j).is_some_and(|t| t.cap()) {
                    if let Some(c) = (j + 1..(j + 10).min(self.toks.len()))
                        .take_while(|&k| !self.toks[k].is_newline() && !self.toks[k].is('.'))
                        .find(|&k| self.toks[k].is(','))
                        && let Some(p) = self.parse(c + 1, true)
                        && self.tight(c + 1)
                        && self
                            .tok(p.end)
                            .is_none_or(|x| x.is(',') || x.is(')') || x.is('.') || x.is_newline())
                    {
                        let mut ph = self.phrase(&p, Cue::Title);
                        ph.official = Some(format!("genoemd in publieke functie ({})", self.f(i)));
                        extra.push(ph);
                    }
                    continue;
                }
                if self.is_word(j, "de") && self.is_word(j + 1, "heer") || self.is_word(j, "mevrouw") {
                    j += if self.is_word(j, "de") { 2 } else { 1 };
                }
                if let Some(p) = self.parse(j, true)
                    && self.tight(j)
                {
                    let mut ph = self.phrase(&p, Cue::Title);
                    ph.official = Some(format!("genoemd in publieke functie ({})", self.f(i)));
                    extra.push(ph);
                }
            }
            if t.is('(')
                && let Some(a) = self.tok(i + 1)
                && a.is_word()
                && self.tok(i + 2).is_some_and(|c| c.is(')'))
                && self.lists.parties.contains(a.text(self.text))
                && let Some(p) = self.parse_back(i)
            {
                let mut ph = self.phrase(&p, Cue::Title);
                ph.official = Some(format!("volksvertegenwoordiger ({})", a.text(self.text)));
                extra.push(ph);
            }
            // "De Minister van Asiel en Migratie (Van Roijen)"
            if t.is('(')
                && self.function_before(i)
                && let Some(p) = self.parse(i + 1, true)
                && self.tok(p.end).is_some_and(|c| c.is(')'))
            {
                let mut ph = self.phrase(&p, Cue::Title);
                ph.official = Some("genoemd bij een publieke functie".into());
                extra.push(ph);
            }
        }
        if extra.is_empty() {
            return;
        }
        let extra_ix = SpanIndex::new(extra.iter().enumerate().map(|(k, x)| (x.start, x.end, k)));
        for ph in out.iter_mut() {
            if ph.official.is_none()
                && let Some(k) = extra_ix.overlapping(ph.start, ph.end).min()
            {
                ph.official = extra[k].official.clone();
            }
        }
        let out_ix = SpanIndex::new(out.iter().map(|p| (p.start, p.end, 0)));
        extra.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut last_end = 0;
        for x in extra {
            if x.start >= last_end && !out_ix.any(x.start, x.end) {
                last_end = x.end;
                out.push(x);
            }
        }
    }

    /// Parses the name that ends just before token `i` (for "Name (PARTY)").
    fn parse_back(&self, i: usize) -> Option<Parsed> {
        let mut j = i;
        let mut saw_word = false;
        while j > 0 {
            let k = j - 1;
            let t = self.toks[k];
            if t.is_newline() || (k + 1 < i && self.toks[k + 1].wide_gap()) {
                break;
            }
            if self.is_name_word(k)
                || self.is_tussen(k, false)
                || (t.is('.') && k > 0 && self.initials_at(k - 1).is_some())
            {
                saw_word |= self.is_name_word(k);
                j = k;
                continue;
            }
            if t.is_word() && t.cap() && t.end - t.start == 1 && self.tok(k + 1).is_some_and(|d| d.is('.')) {
                j = k;
                continue;
            }
            break;
        }
        if !saw_word || j == i {
            return None;
        }
        // Drop leading particles that belong to the sentence ("de leden", "het lid").
        while j < i && self.toks[j].is_word() && !self.toks[j].cap() && self.is_tussen(j, false) {
            j += 1;
        }
        let p = self.parse(j, true)?;
        (p.end == i).then_some(p)
    }

    /// A public-function word within the few tokens before `(` on the same line.
    fn function_before(&self, i: usize) -> bool {
        let lo = i.saturating_sub(8);
        (lo..i)
            .rev()
            .take_while(|&k| !self.toks[k].is_newline())
            .any(|k| self.has(k, word::FUNCTION) && self.toks[k].cap())
    }

    /// The byte range of the sentence around [a, b).
    pub fn sentence_of(&self, a: usize, b: usize) -> (usize, usize) {
        sentence_bounds(self.text, a, b)
    }

    /// Full names (two or more name words) in a byte range: the data subject of an
    /// identification number, bank account or date of birth in the same sentence.
    pub fn names_in_range(&self, (lo, hi): (usize, usize)) -> Vec<NamePhrase> {
        let mut out = Vec::new();
        let mut i = self.toks.partition_point(|t| (t.start as usize) < lo);
        while i < self.toks.len() && (self.toks[i].end as usize) <= hi {
            if (self.is_name_word(i) || self.is_tussen(i, true))
                && let Some(p) = self.parse(i, true)
                && p.given.len() + usize::from(!p.tussen.is_empty()) >= 1
                && (self.toks[p.end - 1].end as usize) <= hi
            {
                out.push(self.phrase(&p, Cue::Identifier));
                i = p.end;
                continue;
            }
            i += 1;
        }
        out
    }

    /// Extends a surname at tokens [first, last] to the whole name written around it: particles,
    /// given names and initials before it, a display-name tail after it ("Pauw, P.R.N. de").
    pub fn extend_name(&self, first: usize, last: usize, firsts: impl Fn(&str) -> bool) -> Extended {
        let mut a = first;
        let mut given = 0;
        let mut crossed = false;
        loop {
            if a == 0 {
                break;
            }
            let mut k = a - 1;
            // A name wrapped at the end of a line ("S." / "van Mil", "Aiden" / "Kartosen") goes
            // on across one line break, when the line before ends in initials or a name word.
            if self.toks[k].is_newline() {
                if crossed || k == 0 || self.toks[k - 1].is_newline() {
                    break;
                }
                let before = k - 1;
                let initial_end = self.toks[before].is('.') && before > 0 && self.initials_at(before - 1) == Some(k);
                // A known first name, or a single capitalised word after a lower-case word ("aan
                // Sereem" / "Vuwos"); not the tail of a capitalised phrase ("het Europees
                // Migratiepact" / "Vink").
                let lone_word = self.is_name_word(before)
                    && before > 0
                    && self.toks[before - 1].is_word()
                    && !self.toks[before - 1].cap()
                    && !self.is_tussen(before - 1, false);
                let given_name =
                    self.is_name_word(before) && (self.has(before, word::FIRST) || firsts(self.f(before)) || lone_word);
                if !(initial_end || given_name || self.is_tussen(before, false)) {
                    break;
                }
                crossed = true;
                a = k;
                k = before;
            } else if !self.tight(a) {
                break;
            }
            // Any name word right before a confirmed surname is a given name ("aan Wam Horoes").
            let given_ok = self.is_name_word(k) && given < 2 && !self.sentence_start(k);
            if self.is_tussen(k, false)
                || self.is_name_word(k) && (self.has(k, word::FIRST) || firsts(self.f(k)))
                || given_ok
            {
                given += usize::from(self.is_name_word(k));
                a = k;
            } else if self.toks[k].is('.') {
                // Initials end here: find where the chain (J.P.) starts.
                if let Some(c) = (1..=4)
                    .map(|n| k as isize + 1 - 2 * n as isize)
                    .filter(|&c| c >= 0)
                    .map(|c| c as usize)
                    .filter(|&c| self.initials_at(c) == Some(k + 1))
                    .min()
                {
                    a = c;
                }
                break;
            } else {
                break;
            }
        }
        let mut p = Parsed {
            start: a,
            end: last + 1,
            given: Idx::new(),
            initials: false,
            tussen: Idx::new(),
            surname: Some(last),
        };
        self.display_tail(&mut p);
        Extended {
            tok_start: p.start,
            tok_end: p.end,
            start: self.toks[p.start].start as usize,
            end: self.toks[p.end - 1].end as usize,
            first,
            last,
        }
    }

    /// The given names, initials and particles written with an extended name (asked only when
    /// a listed person must be chosen, so propagation does not pay for them).
    pub fn name_parts(&self, ext: &Extended) -> NameParts<'_> {
        let around = || (ext.tok_start..ext.first).chain(ext.last + 1..ext.tok_end);
        let given = around().filter(|&k| self.is_name_word(k)).map(|k| self.f(k)).collect();
        let initials = around()
            .filter(|&k| self.toks[k].is_word() && self.toks[k].cap() && self.toks[k].end - self.toks[k].start <= 3)
            .filter_map(|k| self.f(k).chars().next())
            .collect();
        let mut particles: SmallVec<[&str; 3]> = SmallVec::new();
        let mut k = ext.first;
        while k > ext.tok_start && self.toks[k - 1].is_word() && self.has(k - 1, word::TUSSEN) {
            k -= 1;
            particles.push(self.f(k));
        }
        particles.reverse();
        NameParts {
            given,
            initials,
            particles,
        }
    }

    /// Every capitalised occurrence of a surname (or first name) key, extended to the full name
    /// written around it: used for propagation. Returns (start, end, is a lone first name).
    pub fn find_mentions(
        &self,
        surnames: &FxHashSet<CompactString>,
        firsts: &FxHashSet<CompactString>,
    ) -> Vec<(usize, usize, bool)> {
        let mut out = Vec::new();
        // Both sets in one table, so each capitalised word is looked up once; its keys are
        // kept in the table (see `Lists::flags`).
        const SURNAME: u8 = 1;
        const FIRST: u8 = 2;
        let mut keys: FxHashMap<CompactString, u8> = FxHashMap::default();
        keys.reserve(surnames.len() + firsts.len());
        for s in surnames {
            *keys.entry(s.clone()).or_default() |= SURNAME;
        }
        for s in firsts {
            *keys.entry(s.clone()).or_default() |= FIRST;
        }
        let mut i = 0;
        let mut marks = MarkCursor::default();
        // Capitalised words are marks.
        while let Some(m) = marks.seek(self, i) {
            i = m;
            let t = self.toks[i];
            if !t.is_cap_word() {
                i += 1;
                continue;
            }
            let f = self.f(i);
            let key = keys.get(f).copied().unwrap_or(0);
            let is_sur = key & SURNAME != 0
                || (f.contains('-') && f.split('-').all(|p| keys.get(p).is_some_and(|k| k & SURNAME != 0)));
            if is_sur {
                let e = self.extend_name(i, i, |w| keys.get(w).is_some_and(|k| k & FIRST != 0));
                if !self.org_follows(e.tok_end) {
                    out.push((e.start, e.end, false));
                }
                i = e.tok_end;
                continue;
            }
            // A first name that is also an ordinary word (Roos) is that word at the start of a
            // sentence ("Roos en Groen zijn de kleuren"), the name elsewhere ("top, Roos neemt").
            if key & FIRST != 0
                && self.is_name_word(i)
                && !self.org_follows(i + 1)
                && !(self.has(i, word::ORDINARY) && self.sentence_start(i))
            {
                out.push((t.start as usize, t.end as usize, true));
            }
            i += 1;
        }
        out
    }

    /// Folded text of token i (empty for non-words).
    pub fn folded_word(&self, i: usize) -> &str {
        self.f(i)
    }

    /// Is token i a capitalised word?
    pub fn is_cap(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_cap_word())
    }

    /// Token i+1 follows token i closely on the same line.
    pub fn follows(&self, i: usize) -> bool {
        self.tight(i + 1)
    }
}

/// The sentence around [a, b): bounded by line breaks, a colon, or a full stop followed by a
/// space and a capital (so "geb. 17-7-1952" does not end it).
fn sentence_bounds(text: &str, a: usize, b: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let is_end = |i: usize| -> bool {
        match bytes[i] {
            b'\n' | b':' | b';' => true,
            b'.' | b'?' | b'!' => {
                i + 2 < bytes.len() && bytes[i + 1] == b' ' && (bytes[i + 2] as char).is_ascii_uppercase()
            }
            _ => false,
        }
    };
    let mut lo = a.min(bytes.len());
    while lo > 0 && !is_end(lo - 1) {
        lo -= 1;
    }
    let mut hi = b.min(bytes.len());
    while hi < bytes.len() && !is_end(hi) {
        hi += 1;
    }
    (lo, hi)
}
