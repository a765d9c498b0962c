//! Rules as data: the model of rule files, loading with every error reported at once, the
//! Woo grounds table, and compilation into a [`RuleSet`] the detector runs.

pub mod grounds;
pub mod incontext;
pub mod model;
pub mod ordinary;
pub mod shape;

use crate::error::{ConfigError, Error};
use crate::text::fold::fold_str;
use grounds::GroundTable;
use model::{RuleDef, RulesFile};
use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The default rules shipped with the binary.
pub const BUILTIN_RULES: &str = include_str!("../../rules/default.toml");

/// Built-in seed lists: (name, contents).
const BUILTIN_LISTS: [(&str, &str); 8] = [
    ("voornamen", include_str!("../../rules/lists/voornamen.txt")),
    ("achternamen", include_str!("../../rules/lists/achternamen.txt")),
    ("tussenvoegsels", include_str!("../../rules/lists/tussenvoegsels.txt")),
    ("titels", include_str!("../../rules/lists/titels.txt")),
    ("postnominalen", include_str!("../../rules/lists/postnominalen.txt")),
    ("ambtsfuncties", include_str!("../../rules/lists/ambtsfuncties.txt")),
    ("niet-namen", include_str!("../../rules/lists/niet-namen.txt")),
    (
        "organisatiewoorden",
        include_str!("../../rules/lists/organisatiewoorden.txt"),
    ),
];

/// Kind of personal data a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A person's name.
    Name,
    /// An e-mail address (local part).
    Email,
    /// A phone number.
    Phone,
    /// Burgerservicenummer.
    Bsn,
    /// Bank account number.
    Iban,
    /// Alien registration number.
    Vnummer,
    /// Date of birth.
    Birthdate,
    /// Licence plate.
    Kenteken,
    /// Postcode + house number of a person.
    Address,
    /// Anything else (manual rules).
    Other,
}

impl Category {
    /// The category named by its identifier (`name`, `bsn`, …).
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "name" => Self::Name,
            "email" => Self::Email,
            "phone" => Self::Phone,
            "bsn" => Self::Bsn,
            "iban" => Self::Iban,
            "vnummer" => Self::Vnummer,
            "birthdate" => Self::Birthdate,
            "kenteken" => Self::Kenteken,
            "address" => Self::Address,
            "other" => Self::Other,
            _ => return None,
        })
    }

    /// Lower-case identifier as used in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Bsn => "bsn",
            Self::Iban => "iban",
            Self::Vnummer => "vnummer",
            Self::Birthdate => "birthdate",
            Self::Kenteken => "kenteken",
            Self::Address => "address",
            Self::Other => "other",
        }
    }
}

/// How sure the detector is. Only `Plausible` and `Confirmed` are redacted automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Shape only; shown to the reviewer, not redacted.
    Candidate,
    /// Shape plus grammar or a weak cue.
    Plausible,
    /// Validator passed with context, a list entry, or a structural cue.
    Confirmed,
}

impl Confidence {
    fn parse(s: &str) -> Option<Option<Self>> {
        Some(match s {
            "confirmed" => Some(Self::Confirmed),
            "plausible" => Some(Self::Plausible),
            "candidate" => Some(Self::Candidate),
            "drop" => None,
            _ => return None,
        })
    }
}

/// Offline checks a matched text must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// BSN 11-proef.
    Elfproef,
    /// ISO 13616 mod-97.
    Iban,
    /// Ten national digits, not an organisation number.
    PhoneNl,
    /// A real calendar date.
    Date,
    /// Not a functional mailbox.
    EmailPersonal,
    /// A valid Dutch licence-plate side code.
    Kenteken,
}

impl Validator {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "elfproef" => Self::Elfproef,
            "iban" => Self::Iban,
            "phone-nl" => Self::PhoneNl,
            "date" => Self::Date,
            "email-personal" => Self::EmailPersonal,
            "kenteken" => Self::Kenteken,
            _ => return None,
        })
    }
}

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    /// Identifier.
    pub id: String,
    /// Description for humans.
    pub description: String,
    /// Category of data.
    pub category: Category,
    /// Canonical ground code.
    pub ground: String,
    /// Compiled pattern.
    pub regex: Regex,
    /// Group that is redacted.
    pub group: usize,
    /// Optional validator.
    pub validator: Option<Validator>,
    /// Folded context words.
    pub context: Vec<String>,
    /// Characters searched before the match.
    pub context_window: usize,
    /// Confidence without context (`None`: drop).
    pub without_context: Option<Confidence>,
    /// Prefilter literals (folded); empty means always run.
    pub keywords: Vec<String>,
    /// Keep patterns with their reasons.
    pub keep: Vec<(Regex, String)>,
    /// Overlap priority.
    pub priority: i32,
    /// Every match holds a digit and is at most this long: run only around the numbers of a
    /// text, with `near_digits`.
    pub digit_reach: Option<usize>,
    /// As `digit_reach`, for a text whose digits are all ASCII.
    pub ascii_digit_reach: Option<usize>,
    /// The pattern compiled for searching part of a text with the rest still visible to its
    /// look-arounds (`\b` at a window's edge sees the text beyond it); set with `digit_reach`.
    pub near_digits: Option<incontext::InContext>,
    /// Every match holds a digit and stays on one line: run only on lines with a digit.
    pub digit_lines: bool,
    /// Matches without a context word are dropped: run only after a context word.
    pub gated: bool,
    /// A match can span lines.
    pub multiline: bool,
    /// Must-match examples.
    pub examples_match: Vec<String>,
    /// Must-not-match examples.
    pub examples_no_match: Vec<String>,
}

/// Word lists that drive name detection.
#[derive(Debug, Default, Clone)]
pub struct Lists {
    /// Folded first names.
    pub first_names: FxHashSet<String>,
    /// Folded surnames.
    pub surnames: FxHashSet<String>,
    /// Folded particles (`van`, `van der`, …).
    pub tussenvoegsels: FxHashSet<String>,
    /// Folded titles (`dhr.`, `mevrouw`, …).
    pub titles: FxHashSet<String>,
    /// Folded post-nominals (`msc`, …).
    pub postnominals: FxHashSet<String>,
    /// Folded public-function words.
    pub official_functions: FxHashSet<String>,
    /// Folded words and phrases that are never names.
    pub non_names: FxHashSet<String>,
    /// Folded same-line labels.
    pub labels: FxHashSet<String>,
    /// Folded block labels.
    pub block_labels: FxHashSet<String>,
    /// Folded closing phrases.
    pub closings: FxHashSet<String>,
    /// Folded salutations.
    pub salutations: Vec<String>,
    /// Party abbreviations as written (case matters: `CU`, `GL-PvdA`).
    pub parties: FxHashSet<String>,
    /// Folded words for a person's role that precede a name (collega, tolk).
    pub person_nouns: FxHashSet<String>,
    /// Ordinary Dutch words (`rules/lists/gewone-woorden.txt`): `Roos` the flower, `Groen` the
    /// colour, `evenementen@` a service's mailbox.
    pub ordinary: ordinary::OrdinaryWords,
    /// Folded words that after a name make an organisation or a place (`stichting`, `mc`), and
    /// endings (written `-zaal`) that make one word a room or a fund (`Thorbeckezaal`).
    pub org_words: FxHashSet<String>,
    /// The endings among `org_words`, without their `-`; rebuilt by [`Lists::reindex`].
    pub org_suffixes: Vec<String>,
    /// Folded phrases after which, line by line, public officials sign (the closing formula
    /// of a motie: `en gaat over tot de orde van de dag`).
    pub official_closings: Vec<String>,
    /// Per folded word, which lists it is on (bits in [`word`]); rebuilt by [`Lists::reindex`].
    /// Looked up for every word of a text: words up to 24 bytes are kept in the table itself,
    /// so a lookup follows no pointer.
    pub flags: FxHashMap<compact_str::CompactString, u16>,
    /// The cue phrase lists sorted, so the phrases that start with a given word are one
    /// contiguous range of each, indexed by first word (not every phrase compared at every
    /// line start); rebuilt by [`Lists::reindex`].
    pub sorted: SortedCues,
}

/// Sorted copies of the cue phrase lists (see [`Lists::sorted`]).
#[derive(Debug, Default, Clone)]
pub struct SortedCues {
    /// Same-line labels.
    pub labels: Vec<String>,
    /// Block labels.
    pub block_labels: Vec<String>,
    /// Closing phrases.
    pub closings: Vec<String>,
    /// Salutations.
    pub salutations: Vec<String>,
    /// For each first word of a phrase: the ranges of the four lists (in the order above)
    /// holding the phrases that start with it, so a line needs one lookup, not four searches.
    by_first: FxHashMap<String, [(u32, u32); 4]>,
}

impl SortedCues {
    fn new(labels: Vec<String>, block_labels: Vec<String>, closings: Vec<String>, salutations: Vec<String>) -> Self {
        let mut c = SortedCues {
            labels,
            block_labels,
            closings,
            salutations,
            by_first: FxHashMap::default(),
        };
        let firsts: FxHashSet<String> = [&c.labels, &c.block_labels, &c.closings, &c.salutations]
            .into_iter()
            .flatten()
            .filter_map(|p| p.split([' ', ':', ',']).next())
            .map(str::to_string)
            .collect();
        for f in firsts {
            let lists = [&c.labels, &c.block_labels, &c.closings, &c.salutations];
            let ranges = lists.map(|l| {
                let (a, b) = range_starting_with(l, &f);
                (a as u32, b as u32)
            });
            c.by_first.insert(f, ranges);
        }
        c
    }

    /// The labels, block labels, closings and salutations that start with `prefix`.
    pub fn starting_with(&self, prefix: &str) -> [&[String]; 4] {
        let lists = [&self.labels, &self.block_labels, &self.closings, &self.salutations];
        match self.by_first.get(prefix) {
            Some(r) => std::array::from_fn(|k| &lists[k][r[k].0 as usize..r[k].1 as usize]),
            None => std::array::from_fn(|k| {
                let (a, b) = range_starting_with(lists[k], prefix);
                &lists[k][a..b]
            }),
        }
    }
}

/// The range of a sorted list whose phrases start with `prefix`.
fn range_starting_with(sorted: &[String], prefix: &str) -> (usize, usize) {
    let from = sorted.partition_point(|p| p.as_str() < prefix);
    let n = sorted[from..].iter().take_while(|p| p.starts_with(prefix)).count();
    (from, from + n)
}

/// Bits of [`Lists::flags`].
pub mod word {
    /// On the first-name list.
    pub const FIRST: u16 = 1;
    /// On the surname list.
    pub const SURNAME: u16 = 1 << 1;
    /// A one-word particle.
    pub const TUSSEN: u16 = 1 << 2;
    /// A title written without a dot (mevrouw, heer).
    pub const TITLE: u16 = 1 << 3;
    /// A title written with a dot (dhr., mr.): the word without it.
    pub const TITLE_DOT: u16 = 1 << 4;
    /// A post-nominal.
    pub const POSTNOMINAL: u16 = 1 << 5;
    /// A one-word public function.
    pub const FUNCTION: u16 = 1 << 6;
    /// A one-word non-name.
    pub const NON_NAME: u16 = 1 << 7;
    /// First word of a multi-word non-name ("den haag").
    pub const NON_NAME_START: u16 = 1 << 8;
    /// A person's role noun.
    pub const PERSON_NOUN: u16 = 1 << 9;
    /// First word of a label, closing, salutation or official closing.
    pub const CUE_START: u16 = 1 << 10;
    /// A first name or surname that is also an ordinary Dutch word (Roos, Groen, Bakker): a
    /// name only in a name position, not in prose.
    pub const ORDINARY: u16 = 1 << 11;
    /// A word that, after a name, makes it an organisation or a place (Stichting, Foundation,
    /// MC, zaal): `Anne Frank Stichting`.
    pub const ORG_WORD: u16 = 1 << 12;
}

impl Lists {
    /// Rebuilds [`Lists::flags`] after the sets changed.
    pub fn reindex(&mut self) {
        let mut m: FxHashMap<compact_str::CompactString, u16> = FxHashMap::default();
        let mut set = |w: &str, bit: u16| *m.entry(w.into()).or_default() |= bit;
        for w in &self.first_names {
            set(w, word::FIRST);
        }
        for w in &self.surnames {
            set(w, word::SURNAME);
        }
        for w in self.tussenvoegsels.iter().filter(|w| !w.contains(' ')) {
            set(w, word::TUSSEN);
        }
        for w in &self.titles {
            match w.strip_suffix('.') {
                Some(d) if !d.contains(['.', ' ']) => set(d, word::TITLE_DOT),
                _ if !w.contains(['.', ' ']) => set(w, word::TITLE),
                _ => {}
            }
        }
        for w in &self.postnominals {
            set(w.trim_end_matches('.'), word::POSTNOMINAL);
        }
        for w in &self.official_functions {
            if !w.contains(' ') {
                set(w, word::FUNCTION);
            }
        }
        for w in &self.non_names {
            match w.split_once(' ') {
                None => set(w, word::NON_NAME),
                Some((first, _)) => set(first, word::NON_NAME_START),
            }
        }
        for w in &self.person_nouns {
            set(w, word::PERSON_NOUN);
        }
        // Only names need the bit: the word list itself is searched where a word is not one.
        for w in self.first_names.iter().chain(&self.surnames) {
            if self.ordinary.contains(w) {
                set(w, word::ORDINARY);
            }
        }
        for w in self.org_words.iter().filter(|w| !w.starts_with('-')) {
            set(w, word::ORG_WORD);
        }
        self.org_suffixes = self
            .org_words
            .iter()
            .filter_map(|w| w.strip_prefix('-'))
            .map(String::from)
            .collect();
        self.org_suffixes.sort();
        for w in self
            .labels
            .iter()
            .chain(&self.block_labels)
            .chain(&self.closings)
            .chain(&self.salutations)
            .chain(&self.official_closings)
        {
            if let Some(first) = w.split([' ', ':', ',']).next() {
                set(first, word::CUE_START);
            }
        }
        self.flags = m;
        let sorted = |set: &mut dyn Iterator<Item = &String>| {
            let mut v: Vec<String> = set.cloned().collect();
            v.sort();
            v.dedup();
            v
        };
        self.sorted = SortedCues::new(
            sorted(&mut self.labels.iter()),
            sorted(&mut self.block_labels.iter()),
            sorted(&mut self.closings.iter()),
            sorted(&mut self.salutations.iter()),
        );
    }
}

/// Everything the detector needs from configuration: compiled rules, grounds, lists, allow list.
#[derive(Debug)]
pub struct RuleSet {
    /// Compiled pattern rules in file order.
    pub rules: Vec<CompiledRule>,
    /// The grounds table.
    pub grounds: GroundTable,
    /// Name-detection word lists.
    pub lists: Lists,
    /// Functional mailbox local parts (folded).
    pub mailboxes: Vec<String>,
    /// Endings of functional mailbox local parts (folded).
    pub mailbox_suffixes: Vec<String>,
    /// Organisation numbers (digits only, national form).
    pub numbers: FxHashSet<String>,
    /// Folded words that, before a phone number, mark it as a general number.
    pub number_context: Vec<String>,
    /// Folded words that, in brackets right after a phone number, mark it as a general number.
    pub number_context_after: Vec<String>,
    /// Official names configured inline.
    pub official_names: Vec<String>,
    /// Staff list from the config, resolved against its directory.
    pub staff: Option<PathBuf>,
    /// Officials list from the config.
    pub officials: Option<PathBuf>,
    /// Decisions file from the config.
    pub decisions: Option<PathBuf>,
    /// Files loaded, in order (logged so users know which config applied).
    pub sources: Vec<String>,
    /// One automaton over the context words of gated rules, with the rules each word serves.
    pub context_index: Option<(aho_corasick::AhoCorasick, Vec<Vec<usize>>)>,
}

impl RuleSet {
    /// The built-in defaults alone.
    pub fn builtin() -> Result<Self, Error> {
        Self::load(None)
    }

    /// Built-in defaults extended by a config file; every error in all files at once.
    pub fn load(config: Option<&Path>) -> Result<Self, Error> {
        let mut errors = Vec::new();
        let grounds = GroundTable::builtin();
        let mut set = RuleSet {
            rules: Vec::new(),
            grounds,
            lists: Lists::default(),
            mailboxes: Vec::new(),
            mailbox_suffixes: Vec::new(),
            numbers: FxHashSet::default(),
            number_context: Vec::new(),
            number_context_after: Vec::new(),
            official_names: Vec::new(),
            staff: None,
            officials: None,
            decisions: None,
            sources: vec!["builtin:default.toml".into()],
            context_index: None,
        };
        for (name, src) in BUILTIN_LISTS {
            add_list(&mut set.lists, name, src);
        }
        let builtin = parse_file("builtin:default.toml", BUILTIN_RULES, &mut errors);
        if let Some(f) = builtin {
            set.apply(f, "builtin:default.toml", BUILTIN_RULES, None, &mut errors);
        }
        if let Some(path) = config {
            match std::fs::read_to_string(path) {
                Ok(src) => {
                    let name = path.display().to_string();
                    if let Some(f) = parse_file(&name, &src, &mut errors) {
                        set.sources.push(name.clone());
                        set.apply(f, &name, &src, path.parent(), &mut errors);
                    }
                }
                Err(e) => errors.push(ConfigError {
                    file: path.display().to_string(),
                    line: None,
                    message: format!("cannot read config: {e}"),
                }),
            }
        }
        set.lists.reindex();
        set.build_context_index();
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(Error::Config(errors))
        }
    }

    fn apply(&mut self, f: RulesFile, name: &str, src: &str, dir: Option<&Path>, errors: &mut Vec<ConfigError>) {
        let err = |errors: &mut Vec<ConfigError>, off: usize, msg: String| {
            errors.push(ConfigError::at(name, src, Some(off), msg));
        };
        if let Some(s) = &f.schema
            && *s.get_ref() != 1
        {
            err(
                errors,
                s.span().start,
                format!("unknown schema {}; this version reads schema = 1", s.get_ref()),
            );
        }
        let resolve = |p: &str| dir.map(|d| d.join(p)).unwrap_or_else(|| PathBuf::from(p));
        if let Some(p) = &f.staff {
            self.staff = Some(resolve(p.get_ref()));
        }
        if let Some(p) = &f.officials {
            self.officials = Some(resolve(p.get_ref()));
        }
        if let Some(p) = &f.decisions {
            self.decisions = Some(resolve(p.get_ref()));
        }
        for id in &f.disable {
            let before = self.rules.len();
            self.rules.retain(|r| &r.id != id.get_ref());
            if before == self.rules.len() {
                err(
                    errors,
                    id.span().start,
                    format!("disable: no rule with id `{}`", id.get_ref()),
                );
            }
        }
        for def in f.rule {
            if let Some(r) = compile_rule(def, &self.grounds, name, src, errors) {
                if self.rules.iter().any(|x| x.id == r.id) {
                    errors.push(ConfigError {
                        file: name.into(),
                        line: None,
                        message: format!("duplicate rule id `{}`", r.id),
                    });
                } else {
                    self.rules.push(r);
                }
            }
        }
        for (id, g) in &f.ground_overrides {
            let code = self.grounds.resolve(g.get_ref()).map(|g| g.code.clone());
            match (self.rules.iter_mut().find(|r| &r.id == id), code) {
                (Some(r), Some(c)) => r.ground = c,
                (None, _) => err(
                    errors,
                    g.span().start,
                    format!("ground-overrides: no rule with id `{id}`"),
                ),
                (_, None) => err(errors, g.span().start, format!("unknown Woo ground `{}`", g.get_ref())),
            }
        }
        self.mailboxes.extend(f.allow.mailboxes.iter().map(|m| fold_str(m)));
        self.mailbox_suffixes
            .extend(f.allow.mailbox_suffixes.iter().map(|m| fold_str(m)));
        for n in &f.allow.numbers {
            let d = crate::detect::validate::national_digits(n);
            if d.len() < 5 {
                errors.push(ConfigError {
                    file: name.into(),
                    line: None,
                    message: format!("allow.numbers: `{n}` is not a phone number"),
                });
            }
            self.numbers.insert(d);
        }
        self.official_names.extend(f.allow.names.iter().cloned());
        self.number_context
            .extend(f.allow.number_context.iter().map(|x| fold_str(x)));
        self.number_context_after
            .extend(f.allow.number_context_after.iter().map(|x| fold_str(x)));
        let n = &f.names;
        self.lists.labels.extend(n.labels.iter().map(|x| fold_str(x)));
        self.lists
            .block_labels
            .extend(n.block_labels.iter().map(|x| fold_str(x)));
        self.lists.closings.extend(n.closings.iter().map(|x| fold_str(x)));
        self.lists.salutations.extend(n.salutations.iter().map(|x| fold_str(x)));
        self.lists.parties.extend(n.parties.iter().cloned());
        self.lists
            .person_nouns
            .extend(n.person_nouns.iter().map(|x| fold_str(x)));
        self.lists
            .official_closings
            .extend(n.official_closings.iter().map(|x| fold_str(x)));
        for t in &f.allow.terms {
            self.lists.non_names.insert(fold_str(t));
        }
        let l = &f.lists;
        for (kind, paths) in [
            ("voornamen", &l.first_names),
            ("achternamen", &l.surnames),
            ("ambtsfuncties", &l.official_functions),
            ("niet-namen", &l.non_names),
        ] {
            for p in paths {
                let path = resolve(p);
                match std::fs::read_to_string(&path) {
                    Ok(s) => add_list(&mut self.lists, kind, &s),
                    Err(e) => errors.push(ConfigError {
                        file: name.into(),
                        line: None,
                        message: format!("list {}: {e}", path.display()),
                    }),
                }
            }
        }
    }

    /// Builds the context-word automaton of the gated rules (prefilter once, confirm after).
    fn build_context_index(&mut self) {
        let mut words: Vec<String> = Vec::new();
        let mut users: Vec<Vec<usize>> = Vec::new();
        for (ri, r) in self.rules.iter().enumerate().filter(|(_, r)| r.gated) {
            for w in &r.context {
                match words.iter().position(|x| x == w) {
                    Some(k) => users[k].push(ri),
                    None => {
                        words.push(w.clone());
                        users.push(vec![ri]);
                    }
                }
            }
        }
        // The automaton reports the longest word at a place: a word that starts with another
        // ("postcode en woonplaats", "postcode") serves the shorter word's rules too.
        let shorter: Vec<Vec<usize>> = words
            .iter()
            .map(|w| {
                let mut u: Vec<usize> = (0..words.len())
                    .filter(|&k| words[k].len() < w.len() && w.starts_with(words[k].as_str()))
                    .flat_map(|k| users[k].iter().copied())
                    .collect();
                u.sort_unstable();
                u
            })
            .collect();
        for (u, extra) in users.iter_mut().zip(shorter) {
            u.extend(extra);
            u.sort_unstable();
            u.dedup();
        }
        self.context_index = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&words)
            .ok()
            .filter(|_| !words.is_empty())
            .map(|ac| (ac, users));
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&CompiledRule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

fn parse_file(name: &str, src: &str, errors: &mut Vec<ConfigError>) -> Option<RulesFile> {
    match toml::from_str::<RulesFile>(src) {
        Ok(f) => Some(f),
        Err(e) => {
            errors.push(ConfigError::at(
                name,
                src,
                e.span().map(|s| s.start),
                e.message().trim().to_string(),
            ));
            None
        }
    }
}

fn add_list(lists: &mut Lists, kind: &str, src: &str) {
    let target = match kind {
        "voornamen" => &mut lists.first_names,
        "achternamen" => &mut lists.surnames,
        "tussenvoegsels" => &mut lists.tussenvoegsels,
        "titels" => &mut lists.titles,
        "postnominalen" => &mut lists.postnominals,
        "ambtsfuncties" => &mut lists.official_functions,
        "organisatiewoorden" => &mut lists.org_words,
        _ => &mut lists.non_names,
    };
    for line in src.lines() {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            target.insert(fold_str(t));
        }
    }
}

fn compile_rule(
    def: RuleDef,
    grounds: &GroundTable,
    name: &str,
    src: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<CompiledRule> {
    let n0 = errors.len();
    let id = def.id.get_ref().clone();
    let at = |s: &std::ops::Range<usize>| Some(s.start);
    let mut e = |span: &std::ops::Range<usize>, msg: String| {
        errors.push(ConfigError::at(name, src, at(span), format!("rule `{id}`: {msg}")))
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        e(
            &def.id.span(),
            "id must be non-empty ASCII letters, digits, `-` or `_`".into(),
        );
    }
    let category = Category::parse(def.category.get_ref());
    if category.is_none() {
        e(
            &def.category.span(),
            format!(
                "unknown category `{}` (name, email, phone, bsn, iban, vnummer, birthdate, kenteken, address, other)",
                def.category.get_ref()
            ),
        );
    }
    let ground = grounds.resolve(def.ground.get_ref()).map(|g| g.code.clone());
    if ground.is_none() {
        e(
            &def.ground.span(),
            format!(
                "unknown Woo ground `{}` (see rules/grounds.toml, e.g. 5.1.2e)",
                def.ground.get_ref()
            ),
        );
    }
    let regex = regex::RegexBuilder::new(def.regex.get_ref())
        .size_limit(1 << 22)
        .build();
    let regex = match regex {
        Ok(r) => {
            if def.group >= r.captures_len() {
                e(
                    &def.regex.span(),
                    format!(
                        "group {} does not exist (pattern has {})",
                        def.group,
                        r.captures_len() - 1
                    ),
                );
            }
            Some(r)
        }
        Err(err) => {
            e(&def.regex.span(), format!("invalid regex: {err}"));
            None
        }
    };
    let validator = match &def.validator {
        Some(v) => {
            let p = Validator::parse(v.get_ref());
            if p.is_none() {
                e(
                    &v.span(),
                    format!(
                        "unknown validator `{}` (elfproef, iban, phone-nl, date, email-personal, kenteken)",
                        v.get_ref()
                    ),
                );
            }
            p
        }
        None => None,
    };
    let without = Confidence::parse(def.without_context.get_ref());
    if without.is_none() {
        e(
            &def.without_context.span(),
            format!(
                "without-context must be confirmed, plausible, candidate or drop, not `{}`",
                def.without_context.get_ref()
            ),
        );
    }
    let mut keep = Vec::new();
    for k in &def.keep {
        match Regex::new(k.regex.get_ref()) {
            Ok(r) => keep.push((r, k.reason.clone())),
            Err(err) => e(&k.regex.span(), format!("invalid keep regex: {err}")),
        }
    }
    if errors.len() > n0 {
        return None;
    }
    // Searching around numbers pays off only for patterns the engine cannot skip through by
    // a literal prefix (measured in benches/RESULTS.md).
    let around_numbers =
        shape::digit_reach(def.regex.get_ref()).filter(|_| !shape::has_literal_prefix(def.regex.get_ref()));
    let (digit_reach, near_digits) =
        match around_numbers.and_then(|n| incontext::InContext::new(def.regex.get_ref()).map(|r| (n, r))) {
            Some((n, r)) => (Some(n), Some(r)),
            None => (None, None),
        };
    Some(CompiledRule {
        id,
        description: def.description,
        category: category?,
        ground: ground?,
        regex: regex?,
        group: def.group,
        validator,
        context: def.context.iter().map(|c| fold_str(c)).collect(),
        context_window: def.context_window,
        without_context: without.flatten(),
        keywords: def.keywords.iter().map(|k| fold_str(k)).collect(),
        keep,
        priority: def.priority,
        ascii_digit_reach: digit_reach.and(shape::ascii_digit_reach(def.regex.get_ref())),
        digit_reach,
        near_digits,
        digit_lines: shape::digit_lines_only(def.regex.get_ref()),
        gated: without?.is_none() && !def.context.is_empty(),
        multiline: shape::may_cross(def.regex.get_ref()),
        examples_match: def.examples.matches,
        examples_no_match: def.examples.no_match,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_index_agrees_with_searching_the_sorted_lists() {
        let rules = RuleSet::builtin().expect("rules");
        let c = &rules.lists.sorted;
        let lists = [&c.labels, &c.block_labels, &c.closings, &c.salutations];
        let mut prefixes: Vec<String> = c.by_first.keys().cloned().collect();
        prefixes.extend(["", "v", "van", "met", "zzz", "contactpersoon", "beste"].map(String::from));
        for p in &prefixes {
            let got = c.starting_with(p);
            for k in 0..4 {
                let want: Vec<&String> = lists[k].iter().filter(|x| x.starts_with(p.as_str())).collect();
                let got: Vec<&String> = got[k].iter().collect();
                assert_eq!(got, want, "list {k}, prefix {p:?}");
            }
        }
        assert!(!c.by_first.is_empty());
    }
}
