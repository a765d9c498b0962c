//! The detector: a [`RuleSet`] and the name lists applied to a [`TextLayer`], giving findings
//! with their disposition (redact, or keep with the reason). No I/O, no printing.

pub mod dictionary;
pub mod examples;
pub mod names;
pub mod spans;
pub mod tokens;
pub mod validate;

use crate::people::Person;
use crate::rules::{Category, Confidence, RuleSet, Validator, word};
use crate::text::TextLayer;
use crate::text::fold::{Folded, fold, fold_str};
use dictionary::{Dictionary, ListKind};
use names::{NamePhrase, NameScanner};
use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;
use spans::SpanIndex;
use std::sync::Arc;

/// Folded name keys collected while scanning a document, kept inline (see `Lists::flags`).
type KeySet = HashSet<compact_str::CompactString>;

/// Ground for names, e-mail and phone numbers of people.
pub const PRIVACY: &str = "5.1.2e";

/// What happens to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", content = "reason", rename_all = "lowercase")]
pub enum Disposition {
    /// Removed and labelled.
    Redact,
    /// Left visible, with the reason (public official, functional mailbox, candidate, decision).
    Keep(String),
}

/// One piece of personal data found in a text layer.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Byte start in the layer text.
    pub start: usize,
    /// Byte end in the layer text.
    pub end: usize,
    /// Rule id.
    pub rule: Arc<str>,
    /// Category.
    pub category: Category,
    /// Woo ground code.
    pub ground: Arc<str>,
    /// Confidence.
    pub confidence: Confidence,
    /// Why it matched.
    pub explanation: Arc<str>,
    /// Redact or keep.
    pub disposition: Disposition,
}

impl Finding {
    /// Is this finding redacted?
    pub fn redacted(&self) -> bool {
        self.disposition == Disposition::Redact
    }
}

/// Name keys (folded surnames) confirmed somewhere in a batch, propagated to every document.
#[derive(Debug, Default, Clone)]
pub struct BatchNames {
    /// Folded surnames.
    pub surnames: HashSet<String>,
    /// One automaton over `surnames` (built by [`BatchNames::index`]), so finding which of
    /// them a document mentions is one pass over its text, not one search per name.
    finder: Option<(aho_corasick::AhoCorasick, Vec<String>)>,
}

impl BatchNames {
    /// Builds the automaton after `surnames` is complete.
    pub fn index(&mut self) {
        let mut keys: Vec<String> = self.surnames.iter().cloned().collect();
        keys.sort();
        self.finder = aho_corasick::AhoCorasick::new(&keys)
            .ok()
            .filter(|_| !keys.is_empty())
            .map(|ac| (ac, keys));
    }

    /// The batch surnames a scanned document can mention: each equal to one of its
    /// capitalised words or to a part of a hyphenated one, the only words
    /// [`NameScanner::find_mentions`] takes for a surname. A surname that occurs only inside a
    /// longer word ("bos" in "bosbouw") cannot be a mention, so leaving it out changes no
    /// finding; a hash lookup per capitalised word costs a fraction of a pass of
    /// [`found_in`](Self::found_in) over the text with thousands of names.
    pub fn named_in<'a>(&'a self, scanner: &NameScanner) -> Vec<&'a str> {
        let mut out = Vec::new();
        if self.surnames.is_empty() {
            return out;
        }
        for i in 0..scanner.tokens().len() {
            if !scanner.is_cap(i) {
                continue;
            }
            let f = scanner.folded_word(i);
            out.extend(self.surnames.get(f).map(String::as_str));
            if f.contains('-') {
                out.extend(f.split('-').filter_map(|p| self.surnames.get(p)).map(String::as_str));
            }
        }
        out
    }

    /// The batch surnames that occur in a folded text, as substrings anywhere (a superset of
    /// [`named_in`](Self::named_in), without tokenizing).
    pub fn found_in<'a>(&'a self, folded: &str) -> HashSet<&'a str> {
        match &self.finder {
            Some((ac, keys)) => ac
                .find_overlapping_iter(folded)
                .map(|m| keys[m.pattern().as_usize()].as_str())
                .collect(),
            // Not indexed: look for each name (correct, slower).
            None => self
                .surnames
                .iter()
                .filter(|s| folded.contains(s.as_str()))
                .map(String::as_str)
                .collect(),
        }
    }
}

/// The result of scanning one document.
#[derive(Debug, Default, Clone)]
pub struct DocScan {
    /// Findings, sorted by start; redactions never overlap each other.
    pub findings: Vec<Finding>,
    /// Surnames of people confirmed in this document (for batch propagation); with batch
    /// names, also those of them the document mentions ([`BatchNames::named_in`]).
    pub surnames: HashSet<String>,
    /// Surnames of public officials named in this document (never propagated as staff).
    pub official_surnames: HashSet<String>,
}

/// Detection engine; build once, share across threads.
#[derive(Debug)]
pub struct Detector {
    rules: RuleSet,
    dict: Dictionary,
    staff_phones: HashSet<String>,
    /// The rules' functional mailboxes (folded local parts), for lookup.
    mailboxes: HashSet<String>,
    /// Shared strings for findings, so a finding costs no allocation.
    labels: Labels,
}

/// A pattern rule's id, ground, and explanation without/with context × validator.
type RuleLabel = (Arc<str>, Arc<str>, [Arc<str>; 4]);

/// Rule ids, grounds and explanations shared by all findings (cloning an `Arc` is cheap).
#[derive(Debug, Default)]
struct Labels {
    /// Per pattern rule: id, ground, and explanation without/with context × validator.
    rules: Vec<RuleLabel>,
    /// Name rules and fixed texts by their static key.
    fixed: rustc_hash::FxHashMap<&'static str, Arc<str>>,
    /// Per name cue (`cue as usize`): rule id and explanation, so a name finding needs no
    /// lookup of its long explanation text.
    cues: Vec<(Arc<str>, Arc<str>)>,
    /// The privacy ground, on most findings.
    privacy: Arc<str>,
}

impl Labels {
    fn new(rules: &RuleSet) -> Self {
        let rules = rules
            .rules
            .iter()
            .map(|r| {
                // The description is the organisation's Dutch wording (rules/default.toml); the
                // validator is named by what it checks, not by its code identifier.
                let ex = [
                    r.description.clone(),
                    format!("{}; contextwoord ervoor", r.description),
                    format!("{}; controle geslaagd", r.description),
                    format!("{}; controle geslaagd; contextwoord ervoor", r.description),
                ]
                .map(Arc::from);
                (Arc::from(r.id.as_str()), Arc::from(r.ground.as_str()), ex)
            })
            .collect();
        let fixed: rustc_hash::FxHashMap<&'static str, Arc<str>> = FIXED.iter().map(|&k| (k, Arc::from(k))).collect();
        let shared = |k: &'static str| fixed.get(k).cloned().unwrap_or_else(|| Arc::from(k));
        let cues = names::Cue::ALL
            .iter()
            .map(|c| (shared(c.rule_id()), shared(c.explain())))
            .collect();
        let privacy = shared(PRIVACY);
        Labels {
            rules,
            fixed,
            cues,
            privacy,
        }
    }

    /// Rule id and explanation of a name found by `cue` with `explanation`.
    fn cue(&self, cue: names::Cue, explanation: &'static str) -> (Arc<str>, Arc<str>) {
        match self.cues.get(cue as usize) {
            // The cue's own text (always so today): no lookup. Compared by value: a literal may
            // have more than one address in the binary.
            Some((rule, expl)) if explanation == cue.explain() => (rule.clone(), expl.clone()),
            _ => (self.get(cue.rule_id()), self.get(explanation)),
        }
    }

    /// The shared copy of a fixed text.
    fn get(&self, key: &'static str) -> Arc<str> {
        self.fixed.get(key).cloned().unwrap_or_else(|| Arc::from(key))
    }
}

/// Fixed texts used in findings, interned once per detector.
const FIXED: [&str; 30] = [
    PRIVACY,
    "naam-personeelslijst",
    "naam-propagatie",
    "ambtsdrager",
    "naam van een publieke functionaris",
    "naam van een medewerker op de personeelslijst",
    "achternaam van een medewerker op de personeelslijst",
    "voornaam van een elders in het document genoemde persoon",
    "naam die elders in het document of de batch als persoonsnaam is herkend",
    "naam-initialen",
    "naam-titel",
    "naam-voornaam",
    "naam-kopregel",
    "naam-ondertekening",
    "naam-aanhef",
    "naam-organisatie",
    "naam-rol",
    "naam-bij-identificatie",
    "kandidaat; handmatig beoordelen",
    "kandidaat zonder contextwoord; handmatig beoordelen",
    "initialen gevolgd door een achternaam",
    "aanspreekvorm of titel voor de naam",
    "bekende voornaam gevolgd door een achternaam",
    "naam achter een kopregel (Van:, Aan:, Aanwezig:, Contactpersoon)",
    "naam in een ondertekening na een groet",
    "naam in een aanhef",
    "naam gevolgd door een organisatie tussen haakjes",
    "naam na een aanduiding van een persoon (collega, tolk, betrokkene)",
    "volledige naam in dezelfde zin als een identificatienummer, IBAN of geboortedatum",
    "publieke functionaris (lijst ambtsdragers)",
];

impl Detector {
    /// Builds the detector from rules and the staff and officials lists.
    pub fn new(rules: RuleSet, staff: Vec<Person>, mut officials: Vec<Person>) -> Self {
        for n in &rules.official_names {
            if let Some(p) = Person::parse(n, &rules.lists) {
                officials.push(p);
            }
        }
        let staff_phones = staff
            .iter()
            .flat_map(|p| p.phones.iter())
            .map(|p| validate::national_digits(p))
            .collect();
        let dict = Dictionary::new(staff, officials);
        let labels = Labels::new(&rules);
        let mailboxes = rules.mailboxes.iter().cloned().collect();
        Detector {
            rules,
            dict,
            staff_phones,
            mailboxes,
            labels,
        }
    }

    /// The rules in use.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Scans one text layer: pattern rules, listed names, names by cue and grammar, officials,
    /// propagation within the document; overlaps resolved.
    pub fn scan(&self, layer: &TextLayer) -> DocScan {
        self.scan_with(layer, None)
    }

    /// As [`scan`](Self::scan), also propagating names confirmed elsewhere in the batch.
    pub fn scan_with(&self, layer: &TextLayer, batch: Option<&BatchNames>) -> DocScan {
        let text = layer.text.as_str();
        let folded = fold(text);
        let mut findings = Vec::with_capacity(text.len() / 64);
        let mut person_keys = KeySet::default();
        let mut first_keys = KeySet::default();
        let lists = &self.rules.lists;
        let scanner = NameScanner::new(text, &folded, lists);
        let digits = scanner.numbers();
        let mut digit_windows: Option<Vec<(usize, usize)>> = None;
        let gate_windows = self.context_windows(text, &folded);
        let whole_text = [(0, text.len())];
        for (ri, rule) in self.rules.rules.iter().enumerate() {
            let near;
            let (windows, search): (&[(usize, usize)], Search) = if rule.gated {
                (&gate_windows[ri], Search::Slices)
            } else if let (Some(reach), Some(re)) = (near_digits_reach(rule, &scanner), &rule.near_digits) {
                near = near_digit_windows(text, digits, reach);
                (&near, Search::InContext(re))
            } else if rule.digit_lines {
                (
                    digit_windows.get_or_insert_with(|| digit_line_windows(text)),
                    Search::Slices,
                )
            } else {
                (&whole_text, Search::Slices)
            };
            self.run_rule(
                ri,
                text,
                (windows, search),
                &folded,
                &mut findings,
                (&mut person_keys, &mut first_keys),
            );
        }
        let mut phrases = scanner.scan();
        // The person an identifier belongs to is named in the same sentence. (Indexes are built
        // only when there is something to look up in them.)
        let mut phrase_ix: Option<SpanIndex> = None;
        let mut near_ids: Vec<NamePhrase> = Vec::new();
        let mut sentences_done: rustc_hash::FxHashSet<(usize, usize)> = Default::default();
        for f in findings.iter().filter(|f| {
            f.redacted()
                && matches!(
                    f.category,
                    Category::Bsn | Category::Vnummer | Category::Iban | Category::Birthdate
                )
        }) {
            let sentence = scanner.sentence_of(f.start, f.end);
            if !sentences_done.insert(sentence) {
                continue;
            }
            let phrase_ix =
                phrase_ix.get_or_insert_with(|| SpanIndex::new(phrases.iter().map(|p| (p.start, p.end, 0))));
            for ph in scanner.names_in_range(sentence) {
                if !phrase_ix.any(ph.start, ph.end)
                    && !near_ids
                        .iter()
                        .any(|p: &NamePhrase| p.start < ph.end && ph.start < p.end)
                {
                    near_ids.push(ph);
                }
            }
        }
        phrases.extend(near_ids);
        let mut official_keys = KeySet::default();
        let mut keeps: Vec<(usize, usize, String, bool)> = Vec::new();
        let mut staff_spans: Vec<(usize, usize)> = Vec::new();
        let staff_rule = self.labels.get("naam-personeelslijst");
        let [staff_full, staff_surname] = [
            "naam van een medewerker op de personeelslijst",
            "achternaam van een medewerker op de personeelslijst",
        ]
        .map(|what| self.labels.get(what));
        for hit in self.dict.find(&scanner) {
            match hit.entry.list {
                ListKind::Official => {
                    insert_str(&mut official_keys, &hit.surname);
                    keeps.push((
                        hit.start,
                        hit.end,
                        "publieke functionaris (lijst ambtsdragers)".into(),
                        true,
                    ));
                }
                ListKind::Staff => {
                    insert_str(&mut person_keys, &hit.surname);
                    if !hit.first.is_empty() {
                        insert_str(&mut first_keys, &hit.first);
                    }
                    staff_spans.push((hit.start, hit.end));
                    findings.push(Finding {
                        start: hit.start,
                        end: hit.end,
                        rule: staff_rule.clone(),
                        category: Category::Name,
                        ground: self.labels.privacy.clone(),
                        confidence: Confidence::Confirmed,
                        explanation: if hit.full { &staff_full } else { &staff_surname }.clone(),
                        disposition: Disposition::Redact,
                    });
                }
            }
        }
        // Tolerant match against the officials list (one-letter misspellings).
        if self.dict.has_official_forms() {
            for ph in phrases.iter_mut().filter(|p| p.official.is_none()) {
                if self.dict.is_official_like(&fold_str(&text[ph.start..ph.end])) {
                    ph.official = Some("publieke functionaris (lijst ambtsdragers, spelling variant)".into());
                }
            }
        }
        for ph in &phrases {
            if ph.official.is_some()
                && let Some(s) = &ph.surname
            {
                insert_str(&mut official_keys, s);
            }
        }
        let staff_ix = SpanIndex::new(staff_spans.iter().enumerate().map(|(k, &(s, e))| (s, e, k)));
        for ph in phrases.iter_mut() {
            // Any overlap with a staff-list name: "Braloel Hoek" where Hoek is on the staff list
            // is that colleague, not the minister Van den Hoek named elsewhere.
            let staff_listed = staff_ix.overlapping(ph.start, ph.end).next().is_some();
            if ph.official.is_none()
                && !staff_listed
                && ph.surname.as_ref().is_some_and(|s| official_keys.contains(s.as_str()))
            {
                ph.official = Some("zelfde naam als een publieke functionaris in dit document".into());
            }
        }
        for ph in &phrases {
            match &ph.official {
                Some(reason) => keeps.push((ph.start, ph.end, reason.clone(), false)),
                None => {
                    if ph.confidence >= Confidence::Plausible {
                        if let Some(s) = &ph.surname {
                            add_surname_keys(s, &mut person_keys, lists);
                        }
                        if let Some(f) = &ph.first {
                            insert_str(&mut first_keys, f);
                        }
                    }
                    findings.push(name_finding(ph, &self.labels));
                }
            }
        }
        if let Some(b) = batch {
            for s in b.named_in(&scanner) {
                if !official_keys.contains(s) {
                    insert_str(&mut person_keys, s);
                }
            }
        }
        person_keys
            .retain(|k| !official_keys.contains(k) && k.chars().count() >= 3 && !lists.non_names.contains(k.as_str()));
        first_keys
            .retain(|k| k.chars().count() >= 3 && !lists.non_names.contains(k.as_str()) && !official_keys.contains(k));
        // Mentions already redacted whole by another finding add nothing.
        let redacted_ix = SpanIndex::new(findings.iter().filter(|f| f.redacted()).map(|f| (f.start, f.end, 0)));
        let mention_rule = self.labels.get("naam-propagatie");
        let [mention_first, mention_name] = [
            "voornaam van een elders in het document genoemde persoon",
            "naam die elders in het document of de batch als persoonsnaam is herkend",
        ]
        .map(|what| self.labels.get(what));
        for (s, e, first) in scanner.find_mentions(&person_keys, &first_keys) {
            if redacted_ix.contains(s, e) {
                continue;
            }
            findings.push(Finding {
                start: s,
                end: e,
                rule: mention_rule.clone(),
                category: Category::Name,
                ground: self.labels.privacy.clone(),
                confidence: Confidence::Confirmed,
                explanation: if first { &mention_first } else { &mention_name }.clone(),
                disposition: Disposition::Redact,
            });
        }
        self.apply_keeps(&mut findings, &keeps);
        DocScan {
            findings: resolve(findings, text),
            surnames: person_keys
                .into_iter()
                .filter(|k| k.chars().count() >= 3)
                .map(String::from)
                .collect(),
            official_surnames: official_keys.into_iter().map(String::from).collect(),
        }
    }

    /// Officials win over names that are not on the staff list; an official's name that no
    /// finding covers is reported as kept. `keeps`: (start, end, reason, from the officials list).
    fn apply_keeps(&self, findings: &mut Vec<Finding>, keeps: &[(usize, usize, String, bool)]) {
        if keeps.is_empty() {
            return;
        }
        let keep_ix = SpanIndex::new(keeps.iter().enumerate().map(|(k, x)| (x.0, x.1, k)));
        for f in findings
            .iter_mut()
            .filter(|f| f.category == Category::Name && f.redacted())
        {
            let listed = &*f.rule == "naam-personeelslijst";
            // A staff-list name beats an official recognised by context, and a longer listed name
            // beats a listed official's shorter form ("Tess van Dijk" vs official "Van Dijk").
            if let Some(k) = keep_ix
                .overlapping(f.start, f.end)
                .filter(|&k| {
                    let (s, e, _, from_list) = &keeps[k];
                    !(listed && (!from_list || f.end - f.start > e - s))
                })
                .min()
            {
                f.disposition = Disposition::Keep(keeps[k].2.clone());
            }
        }
        let found_ix = SpanIndex::new(findings.iter().map(|f| (f.start, f.end, 0)));
        let (rule, explanation) = (
            self.labels.get("ambtsdrager"),
            self.labels.get("naam van een publieke functionaris"),
        );
        for (s, e, reason, _) in keeps {
            if !found_ix.any(*s, *e) {
                findings.push(Finding {
                    start: *s,
                    end: *e,
                    rule: rule.clone(),
                    category: Category::Name,
                    ground: self.labels.privacy.clone(),
                    confidence: Confidence::Confirmed,
                    explanation: explanation.clone(),
                    disposition: Disposition::Keep(reason.clone()),
                });
            }
        }
    }

    /// For each gated rule, the stretches of text right after one of its context words: the only
    /// places a match can be kept. One automaton pass over the folded text serves all rules.
    fn context_windows(&self, text: &str, folded: &Folded) -> Vec<Vec<(usize, usize)>> {
        let mut out = vec![Vec::new(); self.rules.rules.len()];
        let Some((ac, users)) = &self.rules.context_index else {
            return out;
        };
        let f = folded.text.as_str();
        for m in ac.find_iter(f) {
            let before_ok = f[..m.start()].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            if !before_ok {
                continue;
            }
            let start = folded.orig_end(m.end());
            for &ri in &users[m.pattern().as_usize()] {
                let rule = &self.rules.rules[ri];
                // The match must start within the context window; it may run on to the end of
                // that line (or a little further for patterns that span lines).
                let mut reach = (start + rule.context_window * 4).min(text.len());
                while !text.is_char_boundary(reach) {
                    reach += 1;
                }
                let end = match text[reach..].find('\n') {
                    Some(p) if !rule.multiline => reach + p,
                    _ => (reach + 256).min(text.len()),
                };
                let mut end = end.min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let w = &mut out[ri];
                match w.last_mut() {
                    Some(last) if last.1 >= start => last.1 = last.1.max(end),
                    _ => w.push((start, end)),
                }
            }
        }
        out
    }

    fn run_rule(
        &self,
        ri: usize,
        text: &str,
        (windows, search): (&[(usize, usize)], Search),
        folded: &Folded,
        out: &mut Vec<Finding>,
        (person_keys, first_keys): (&mut KeySet, &mut KeySet),
    ) {
        let rule = &self.rules.rules[ri];
        let (rule_id, ground, explain) = &self.labels.rules[ri];
        if !rule.keywords.is_empty() && !rule.keywords.iter().any(|k| folded.text.contains(k.as_str())) {
            return;
        }
        let first_new = out.len();
        // (group start, group end, match start, match end); captures only when a group is asked
        // for, since plain matching never leaves the fast DFA.
        let spans: Vec<(usize, usize, usize, usize)> = match search {
            Search::InContext(re) => re.find_in(text, windows, rule.group),
            Search::Slices => {
                let mut spans = Vec::new();
                for &(a, b) in windows {
                    let hay = &text[a..b];
                    if rule.group == 0 {
                        spans.extend(
                            rule.regex
                                .find_iter(hay)
                                .map(|m| (a + m.start(), a + m.end(), a + m.start(), a + m.end())),
                        );
                    } else {
                        for c in rule.regex.captures_iter(hay) {
                            if let (Some(g), Some(w)) = (c.get(rule.group), c.get(0)) {
                                spans.push((a + g.start(), a + g.end(), a + w.start(), a + w.end()));
                            }
                        }
                    }
                }
                spans
            }
        };
        for (m_start, m_end, w_start, w_end) in spans {
            let whole = &text[w_start..w_end];
            let s = &text[m_start..m_end];
            let mut keep: Option<String> = None;
            let mut confirmed_by_list = false;
            match rule.validator {
                Some(Validator::Elfproef) if !validate::elfproef(s) => continue,
                Some(Validator::Iban) if !validate::iban_mod97(s) => continue,
                Some(Validator::Date) if !validate::date(s) => continue,
                Some(Validator::Kenteken) if !validate::kenteken(s) => continue,
                Some(Validator::PhoneNl) => {
                    let d = validate::national_digits(s);
                    if !validate::phone_nl_digits(&d) {
                        continue;
                    }
                    confirmed_by_list = self.staff_phones.contains(&d);
                    if self.rules.numbers.contains(&d) {
                        keep = Some("algemeen nummer van de organisatie".into());
                    } else if !confirmed_by_list && !d.starts_with("06") && in_letterhead(text, m_start) {
                        keep = Some("algemeen nummer in het briefhoofd (postbus/website in hetzelfde blok)".into());
                    } else if !confirmed_by_list
                        && (context_before(folded, m_start, 40, &self.rules.number_context)
                            || marked_after(text, m_end, &self.rules.number_context_after))
                    {
                        keep = Some("algemeen nummer van de organisatie (genoemd als algemeen nummer)".into());
                    }
                }
                Some(Validator::EmailPersonal) => {
                    let local = fold_str(s);
                    let head = local.split(['.', '-', '_', '+']).next().unwrap_or("");
                    let service = |w: &str| {
                        self.rules
                            .mailbox_suffixes
                            .iter()
                            .any(|suf| w.len() >= suf.len() && w.ends_with(suf.as_str()))
                    };
                    // A local part that is an ordinary Dutch word and not a name (`evenementen@`,
                    // `erfgoed@`) is a service's mailbox.
                    let lists = &self.rules.lists;
                    let plain_word = |w: &str| {
                        w.chars().count() >= 4
                            && lists.ordinary.contains(w)
                            && lists
                                .flags
                                .get(w)
                                .is_none_or(|f| f & (word::FIRST | word::SURNAME) == 0)
                    };
                    // One word only: a person's address is nearly always two parts.
                    let words_only = !local.contains(['.', '-', '_']) && plain_word(&local);
                    if self.mailboxes.contains(&local)
                        || self.mailboxes.contains(head)
                        || service(&local)
                        || service(head)
                        || words_only
                    {
                        keep = Some("functionele mailbox".into());
                    } else {
                        email_name_keys(&local, person_keys, first_keys, &self.rules.lists);
                    }
                }
                _ => {}
            }
            if keep.is_none()
                && let Some((_, reason)) = rule.keep.iter().find(|(r, _)| r.is_match(whole))
            {
                keep = Some(reason.clone());
            }
            let has_context =
                !rule.context.is_empty() && context_before(folded, m_start, rule.context_window, &rule.context);
            let confidence = if confirmed_by_list || has_context || rule.context.is_empty() {
                if rule.context.is_empty() {
                    rule.without_context.unwrap_or(Confidence::Confirmed)
                } else {
                    Confidence::Confirmed
                }
            } else {
                match rule.without_context {
                    Some(c) => c,
                    None => continue,
                }
            };
            if keep.is_none() && confidence == Confidence::Candidate {
                keep = Some("kandidaat zonder contextwoord; handmatig beoordelen".into());
            }
            let explanation = explain[usize::from(has_context) + 2 * usize::from(rule.validator.is_some())].clone();
            out.push(Finding {
                start: m_start,
                end: m_end,
                rule: rule_id.clone(),
                category: rule.category,
                ground: ground.clone(),
                confidence,
                explanation,
                disposition: keep.map(Disposition::Keep).unwrap_or(Disposition::Redact),
            });
        }
        // A number kept as the organisation's somewhere in the document is kept everywhere in it.
        if rule.validator == Some(Validator::PhoneNl) {
            let org: HashSet<String> = out[first_new..]
                .iter()
                .filter(|f| !f.redacted())
                .map(|f| validate::national_digits(&text[f.start..f.end]))
                .collect();
            for f in out[first_new..].iter_mut().filter(|f| !org.is_empty() && f.redacted()) {
                let d = validate::national_digits(&text[f.start..f.end]);
                if org.contains(&d) && !self.staff_phones.contains(&d) {
                    f.disposition = Disposition::Keep("zelfde nummer als het algemene nummer in dit document".into());
                }
            }
        }
    }
}

fn name_finding(ph: &NamePhrase, labels: &Labels) -> Finding {
    let (rule, explanation) = labels.cue(ph.cue, ph.explanation);
    let keep = (ph.confidence < Confidence::Plausible).then(|| "kandidaat; handmatig beoordelen".to_string());
    Finding {
        start: ph.start,
        end: ph.end,
        rule,
        category: Category::Name,
        ground: labels.privacy.clone(),
        confidence: ph.confidence,
        explanation,
        disposition: keep.map(Disposition::Keep).unwrap_or(Disposition::Redact),
    }
}

/// Adds `s` to `set`, allocating only when it is new (most names recur in a document).
fn insert_str(set: &mut KeySet, s: &str) {
    if !set.contains(s) {
        set.insert(s.into());
    }
}

fn add_surname_keys(s: &str, keys: &mut KeySet, lists: &crate::rules::Lists) {
    insert_str(keys, s);
    if s.contains('-') {
        for part in s.split('-') {
            if part.chars().count() >= 4 && !lists.non_names.contains(part) {
                insert_str(keys, part);
            }
        }
    }
}

/// Names spelled by a personal e-mail local part: `maria.groenendaal`, `c.jorlink`,
/// `prn.depauw`, `simon.vanmil`.
fn email_name_keys(local: &str, keys: &mut KeySet, firsts: &mut KeySet, lists: &crate::rules::Lists) {
    let parts: Vec<&str> = local.split(['.', '_', '-']).filter(|p| !p.is_empty()).collect();
    if parts.len() < 2 {
        return;
    }
    let last = parts[parts.len() - 1];
    if last.chars().any(|c| !c.is_alphabetic()) {
        return;
    }
    let given = parts[0];
    if given.chars().count() > 3 && lists.first_names.contains(given) || parts.len() == 2 && given.chars().count() > 3 {
        insert_str(firsts, given);
    }
    // The surname may carry its particles glued on: "vanmil", "depauw", "vanderwal".
    let mut sur = last.to_string();
    for tv in [
        "vanden", "vander", "vande", "van", "den", "der", "de", "ter", "ten", "te",
    ] {
        if let Some(r) = last.strip_prefix(tv)
            && r.chars().count() >= 3
        {
            sur = r.to_string();
            break;
        }
    }
    // A middle part may be the particle ("jan.van.dijk").
    if sur.chars().count() >= 3 {
        add_surname_keys(&sur, keys, lists);
        if sur != last {
            // "depauw" could also be a surname written as one word ("Depauw").
            insert_str(keys, last);
        }
    }
}

/// A phone number ending at `end` is followed by one of `words` in brackets: `(algemeen)`,
/// `(centrale)`.
fn marked_after(text: &str, end: usize, words: &[String]) -> bool {
    let rest = text[end..].trim_start_matches([' ', '\t']);
    let Some(inner) = rest.strip_prefix('(') else {
        return false;
    };
    let Some(close) = inner.char_indices().take(40).find(|&(_, c)| c == ')').map(|(i, _)| i) else {
        return false;
    };
    let w = fold_str(inner[..close].trim());
    words.contains(&w)
}

/// A context word ends within `window` characters before `pos`.
fn context_before(folded: &Folded, pos: usize, window: usize, words: &[String]) -> bool {
    let f = folded.text.as_str();
    let end = folded.to_folded(pos);
    // The window is counted in bytes of the folded text (characters, for Dutch text folded to
    // ASCII): cheaper than walking characters back, and the same for every rule.
    let mut start = end.saturating_sub(window);
    while !f.is_char_boundary(start) {
        start += 1;
    }
    let hay = &f[start..end];
    let bytes = hay.as_bytes();
    // One pass over the places a word could start (not right after an ASCII letter or digit,
    // and on a byte some word starts with), trying the words there.
    let mut firsts = [0u64; 4];
    for w in words {
        if let Some(&b) = w.as_bytes().first() {
            firsts[usize::from(b >> 6)] |= 1 << (b & 63);
        }
    }
    (0..bytes.len())
        .filter(|&i| {
            let b = bytes[i];
            firsts[usize::from(b >> 6)] & (1 << (b & 63)) != 0 && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
        })
        .any(|i| {
            // The first byte is compared before the words themselves, so only the one or two
            // words that start with it are compared in full.
            words.iter().any(|w| {
                w.as_bytes().first() == Some(&bytes[i])
                    && bytes[i..].starts_with(w.as_bytes())
                    && (if i == 0 {
                        f[..start].chars().next_back()
                    } else {
                        hay[..i].chars().next_back()
                    })
                    .is_none_or(|c| !c.is_alphanumeric())
                    && hay[i + w.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphabetic() || w.ends_with('.'))
            })
        })
}

/// How a rule's regex is run over its windows.
#[derive(Clone, Copy)]
enum Search<'r> {
    /// Each window on its own, as a separate text (whole lines, or the stretch after a context
    /// word).
    Slices,
    /// Each window as a range of the whole text, so look-arounds at its edges see the text
    /// beyond it.
    InContext(&'r crate::rules::incontext::InContext),
}

/// How far from a number a match of the rule can reach in this text: narrower when all its
/// digits are ASCII. `None`: the rule is not run around numbers.
fn near_digits_reach(rule: &crate::rules::CompiledRule, scanner: &NameScanner) -> Option<usize> {
    let reach = rule.digit_reach?;
    Some(match rule.ascii_digit_reach {
        Some(a) if scanner.ascii_numbers() => a,
        _ => reach,
    })
}

/// The stretches within `reach` bytes of a number (merged, on character boundaries): every
/// match of a rule whose matches hold a digit and are at most `reach` bytes long lies
/// entirely inside one of them, so searching these finds exactly what searching the whole
/// text would.
fn near_digit_windows(text: &str, runs: &[(usize, usize)], reach: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in runs {
        let mut a = s.saturating_sub(reach);
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = (e + reach).min(text.len());
        while !text.is_char_boundary(b) {
            b += 1;
        }
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Maximal runs of whole lines that contain an ASCII digit, as byte ranges.
fn digit_line_windows(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    // A non-ASCII decimal digit (Arabic-Indic, full-width…) could match `\d`: scan everything.
    let mut k = crate::text::fold::ascii_run(b);
    while k < b.len() {
        let c = text[k..].chars().next().unwrap_or(' ');
        if c.is_numeric() {
            return vec![(0, text.len())];
        }
        k += c.len_utf8();
        k += crate::text::fold::ascii_run(&b[k..]);
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let Some(d) = b[i..].iter().position(u8::is_ascii_digit) else {
            break;
        };
        let d = i + d;
        let start = b[..d].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
        let end = b[d..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| d + p);
        match out.last_mut() {
            Some(last) if last.1 + 1 >= start => last.1 = end,
            _ => out.push((start, end)),
        }
        i = end + 1;
    }
    out
}

/// The number at `pos` belongs to a letterhead: going up from its line, the nearest marker is a
/// letterhead one (a Postbus with its number, a website, a return address) rather than one of a
/// person's contact block (Contactpersoon, Behandeld door, an e-mail address), and the next line
/// is not the person's e-mail address.
fn in_letterhead(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let next = text[line_end..].trim_start_matches('\n').lines().next().unwrap_or("");
    if line_end < text.len() && text[line_end + 1..].starts_with(next) && next.contains('@') {
        return false;
    }
    for line in text[..line_start].lines().rev().take(8) {
        // Most lines are ASCII: lower-casing is then all the folding there is.
        let l = if line.is_ascii() {
            line.to_ascii_lowercase()
        } else {
            fold_str(line)
        };
        if l.trim().is_empty() {
            return false;
        }
        let person = l.contains('@')
            || [
                "contactpersoon",
                "behandeld door",
                "inlichtingen",
                "opgesteld door",
                "auteur",
            ]
            .iter()
            .any(|m| l.contains(m));
        if person {
            return false;
        }
        let postbus = l
            .match_indices("postbus")
            .any(|(i, _)| l[i + 7..].trim_start().starts_with(|c: char| c.is_ascii_digit()));
        if postbus || l.contains("www.") || l.contains("retouradres") {
            return true;
        }
    }
    false
}

/// Pushes `f` onto `out`; a redaction that runs over a line break is split into one per
/// line, so a text file keeps its lines (each part gets its own label) and a PDF gets one box
/// per line. `breaks` are the offsets of the text's line breaks from `f.start` on (or
/// beyond): whether a finding holds one is known without reading the text, which for a large
/// text is no longer in the cache.
fn push_split_lines(out: &mut Vec<Finding>, f: Finding, text: &str, breaks: &[usize]) {
    if !f.redacted() || breaks.first().is_none_or(|&b| b >= f.end) {
        out.push(f);
        return;
    }
    let mut pos = f.start;
    for part in text[f.start..f.end].split('\n') {
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let mut g = f.clone();
            g.start = pos + lead;
            g.end = g.start + trimmed.len();
            out.push(g);
        }
        pos += part.len() + 1;
    }
}

/// Resolves overlaps: redactions win over keeps of other categories; overlapping or
/// whitespace-adjacent name redactions merge; redactions over a line break are split per line
/// (see `push_split_lines`); result sorted by start.
pub fn resolve(findings: Vec<Finding>, text: &str) -> Vec<Finding> {
    // Ties: the most specific rule names the span; propagation only repeats another finding.
    // A stable sort of small keys (the detector makes findings in a few sorted runs, which
    // it merges cheaply), rule names compared only on ties. Equal keys keep the order the
    // detector made them in. Everything below works on indices: the findings, which are
    // large, are moved once, into the result.
    let mut order: Vec<(usize, std::cmp::Reverse<usize>, bool, usize)> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (
                f.start,
                std::cmp::Reverse(f.end - f.start),
                &*f.rule == "naam-propagatie",
                i,
            )
        })
        .collect();
    order.sort_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| findings[a.3].rule.cmp(&findings[b.3].rule))
    });
    /// A redaction kept: its finding, its end after merging, and the finding whose ground it
    /// takes (a number inside a name span keeps the stronger identification ground).
    struct Red {
        index: usize,
        end: usize,
        ground_of: Option<usize>,
    }
    let mut red: Vec<Red> = Vec::with_capacity(findings.len());
    let mut kept: Vec<usize> = Vec::new();
    for &(_, _, _, k) in &order {
        let f = &findings[k];
        if !f.redacted() {
            kept.push(k);
            continue;
        }
        if let Some(last) = red.last_mut() {
            let first = &findings[last.index];
            // The text is read only where two names may be one space or two apart.
            let adjacent = f.start >= last.end
                && first.category == Category::Name
                && f.category == Category::Name
                && f.start - last.end <= 2
                && text.as_bytes()[last.end..f.start].iter().all(|&c| c == b' ');
            if f.start < last.end || adjacent {
                if f.end > last.end {
                    last.end = f.end;
                }
                if f.category != Category::Name && first.category == Category::Name {
                    last.ground_of = Some(k);
                }
                continue;
            }
        }
        red.push(Red {
            index: k,
            end: f.end,
            ground_of: None,
        });
    }
    let red_ix = SpanIndex::new(red.iter().map(|r| (findings[r.index].start, r.end, 0)));
    kept.retain(|&k| !red_ix.any(findings[k].start, findings[k].end));
    kept.dedup_by(|a, b| findings[*a].start == findings[*b].start && findings[*a].end == findings[*b].end);
    // (start, end, index, redaction) in the order of the result: redactions, then kept findings,
    // by start and end.
    let mut result: Vec<(usize, usize, usize, Option<usize>)> = red
        .iter()
        .enumerate()
        .map(|(r, x)| (findings[x.index].start, x.end, x.index, Some(r)))
        .chain(kept.iter().map(|&k| (findings[k].start, findings[k].end, k, None)))
        .collect();
    result.sort_by_key(|r| (r.0, r.1));
    let grounds: Vec<Option<Arc<str>>> = red
        .iter()
        .map(|r| r.ground_of.map(|g| findings[g].ground.clone()))
        .collect();
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(result.len());
    let breaks: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let mut next_break = 0;
    for (start, end, k, r) in result {
        while breaks.get(next_break).is_some_and(|&b| b < start) {
            next_break += 1;
        }
        let Some(mut f) = slots[k].take() else { continue };
        if let Some(r) = r {
            f.end = end;
            if let Some(g) = &grounds[r] {
                f.ground = g.clone();
            }
        }
        push_split_lines(&mut out, f, text, &breaks[next_break..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Searching only around the numbers finds exactly what searching the whole text finds,
    /// for every rule that is run that way, on texts full of digits, separators, line breaks,
    /// letters and multi-byte characters (including a non-ASCII digit).
    fn same_as_whole_text(text: &str) {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        let rules = RULES.get_or_init(|| RuleSet::builtin().expect("rules"));
        let folded = fold(text);
        let scanner = NameScanner::new(text, &folded, &rules.lists);
        let runs = scanner.numbers();
        for rule in rules.rules.iter().filter(|r| r.near_digits.is_some()) {
            let (Some(reach), Some(re)) = (near_digits_reach(rule, &scanner), &rule.near_digits) else {
                continue;
            };
            let windows = near_digit_windows(text, runs, reach);
            let near = re.find_in(text, &windows, rule.group);
            let whole: Vec<_> = rule
                .regex
                .captures_iter(text)
                .filter_map(|c| Some((c.get(rule.group)?, c.get(0)?)))
                .map(|(g, m)| (g.start(), g.end(), m.start(), m.end()))
                .collect();
            assert_eq!(near, whole, "rule {} on {text:?}", rule.id);
        }
    }

    /// The direct reading of [`context_before`]: every word at every place in the window.
    fn context_before_reference(folded: &Folded, pos: usize, window: usize, words: &[String]) -> bool {
        let f = folded.text.as_str();
        let end = folded.to_folded(pos);
        let mut start = end.saturating_sub(window);
        while !f.is_char_boundary(start) {
            start += 1;
        }
        let hay = &f[start..end];
        words.iter().any(|w| {
            (0..hay.len()).filter(|&i| hay.is_char_boundary(i)).any(|i| {
                !w.is_empty()
                    && hay[i..].starts_with(w.as_str())
                    && f[..start + i].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
                    && hay[i + w.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphabetic() || w.ends_with('.'))
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn context_before_agrees_with_the_reference(
            text in "(bsn|geb\\.|geb|é|x|1| |\\.|:|\n|Geboren){0,30}",
            cut in 0usize..200,
            window in 1usize..60,
        ) {
            let words: Vec<String> = ["bsn", "geb.", "geb", "geboren", "geboren op", "é"].map(String::from).to_vec();
            let folded = fold(&text);
            let mut pos = cut.min(text.len());
            while !text.is_char_boundary(pos) {
                pos -= 1;
            }
            prop_assert_eq!(
                context_before(&folded, pos, window, &words),
                context_before_reference(&folded, pos, window, &words)
            );
        }
    }

    #[test]
    fn around_numbers_equals_whole_text_on_examples() {
        same_as_whole_text("BSN 111222333, x123456782 en 123 456\n782. Kenteken 12-ABC-3 of XX-99-99z.");
        same_as_whole_text("١٢٣ 4567 89 ée 1234.56.782\n\n99-XX-99 geb. 12-03-1990");
        assert!(
            RuleSet::builtin()
                .expect("rules")
                .rules
                .iter()
                .any(|r| r.near_digits.is_some())
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn around_numbers_equals_whole_text(
            parts in proptest::collection::vec(
                prop_oneof![
                    "[0-9]{1,10}",
                    Just(" ".to_string()),
                    Just("\n".to_string()),
                    Just(".".to_string()),
                    Just("-".to_string()),
                    "[A-Z]{1,3}",
                    "[a-z]{1,5}",
                    Just("é".to_string()),
                    Just("٣".to_string()),
                ],
                0..60,
            )
        ) {
            same_as_whole_text(&parts.concat());
        }
    }

    fn spans(scan: &DocScan) -> Vec<(usize, usize, String, bool)> {
        scan.findings
            .iter()
            .map(|f| (f.start, f.end, f.rule.to_string(), f.redacted()))
            .collect()
    }

    #[test]
    fn a_batch_name_is_a_mention_as_a_capitalised_word_or_hyphen_part_only() {
        let det = Detector::new(RuleSet::builtin().expect("rules"), vec![], vec![]);
        let text = "Het bosbouwplan kwam van Bos. Ook Linden-Bos las het Bosplan, net als \
                    mevrouw Kok; de kokkin niet.";
        let layer = TextLayer::plain(text.into());
        let batch = |names: &[&str]| {
            let mut b = BatchNames::default();
            b.surnames.extend(names.iter().map(|n| n.to_string()));
            b.index();
            b
        };
        let with = batch(&["bos", "kok", "linden", "bouw", "plan"]);
        let folded = fold(text);
        let scanner = NameScanner::new(text, &folded, &det.rules().lists);
        let mut named = with.named_in(&scanner);
        named.sort();
        named.dedup();
        // "bouw" and "plan" occur only inside longer words.
        assert_eq!(named, ["bos", "kok", "linden"]);
        let found = with.found_in(&folded.text);
        assert!(found.contains("bouw") && found.contains("plan"), "{found:?}");
        // So they change no finding: the scan with them equals the scan with the others alone.
        let scan = det.scan_with(&layer, Some(&with));
        assert_eq!(
            spans(&scan),
            spans(&det.scan_with(&layer, Some(&batch(&["bos", "kok", "linden"]))))
        );
        let redacted: Vec<&str> = scan
            .findings
            .iter()
            .filter(|f| f.redacted())
            .map(|f| &text[f.start..f.end])
            .collect();
        for mention in ["van Bos", "Linden-Bos", "Kok"] {
            assert!(redacted.contains(&mention), "{mention} not redacted: {redacted:?}");
        }
        assert!(
            !redacted
                .iter()
                .any(|r| r.contains("bosbouw") || r.contains("Bosplan") || r.contains("kokkin"))
        );
    }
}
