//! The rule-file model: what `rules/default.toml` and a project's `woo-redact.toml` may say.
//! Every struct denies unknown fields so a typo is a configuration error, not a silent no-op.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A rules/config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesFile {
    /// Format version; only 1 exists.
    pub schema: Option<Spanned<u32>>,
    /// Staff list (names, e-mails, phones of civil servants), relative to this file.
    pub staff: Option<Spanned<String>>,
    /// Public officials list, relative to this file.
    pub officials: Option<Spanned<String>>,
    /// Reviewer decisions file, relative to this file (used by review/check).
    pub decisions: Option<Spanned<String>>,
    /// Rule ids of the defaults to switch off.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Per rule id, a different ground (e.g. V-nummer under 5.1.2e).
    #[serde(default)]
    pub ground_overrides: BTreeMap<String, Spanned<String>>,
    /// Extra things that are never redacted.
    #[serde(default)]
    pub allow: AllowSection,
    /// Extra word lists, relative to this file.
    #[serde(default)]
    pub lists: ListsSection,
    /// Structural cues for names (labels, closings, salutations, parties).
    #[serde(default)]
    pub names: NamesSection,
    /// Pattern rules.
    #[serde(default)]
    pub rule: Vec<RuleDef>,
}

/// `[allow]`: organisation-specific things that stay visible.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AllowSection {
    /// Local parts of functional mailboxes (`info`, `woo`, …); prefixes match too (`woo-verzoeken`).
    #[serde(default)]
    pub mailboxes: Vec<String>,
    /// Endings of functional mailbox local parts (`burgerzaken`, `subsidies`, `woo-verzoeken`):
    /// a whole local part, or its first segment, ending in one of these names a service, not
    /// a person.
    #[serde(default)]
    pub mailbox_suffixes: Vec<String>,
    /// The organisation's general numbers (switchboards), in any layout.
    #[serde(default)]
    pub numbers: Vec<String>,
    /// Words that, before a phone number, mark it as a general number ("algemene nummer").
    #[serde(default)]
    pub number_context: Vec<String>,
    /// Words that, in brackets right after a phone number, mark it as the general number:
    /// `070 456 3000 (algemeen)`.
    #[serde(default)]
    pub number_context_after: Vec<String>,
    /// Names of public officials, inline.
    #[serde(default)]
    pub names: Vec<String>,
    /// Words and phrases never treated as a name (organisations, places).
    #[serde(default)]
    pub terms: Vec<String>,
}

/// `[lists]`: extra word lists that extend the built-in seeds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ListsSection {
    /// First names (one per line).
    #[serde(default)]
    pub first_names: Vec<String>,
    /// Surnames (one per line).
    #[serde(default)]
    pub surnames: Vec<String>,
    /// Public-function words (minister, wethouder, …).
    #[serde(default)]
    pub official_functions: Vec<String>,
    /// Words that are never names.
    #[serde(default)]
    pub non_names: Vec<String>,
}

/// `[names]`: the structural cues the name detector looks for; extends the defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NamesSection {
    /// Labels followed on the same line by names (`Van:`, `Aanwezig:`).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Labels alone on a line, the name on the next line (`Contactpersoon`).
    #[serde(default)]
    pub block_labels: Vec<String>,
    /// Closing phrases that open a signature block.
    #[serde(default)]
    pub closings: Vec<String>,
    /// Salutations followed by a name.
    #[serde(default)]
    pub salutations: Vec<String>,
    /// Party abbreviations: `Name (PARTY)` is a public official.
    #[serde(default)]
    pub parties: Vec<String>,
    /// Words for a person's role that precede a name (`collega De Vries`, `de tolk (Daan X)`).
    #[serde(default)]
    pub person_nouns: Vec<String>,
    /// Closing formulas after which public officials sign line by line (a motie's `en gaat
    /// over tot de orde van de dag`).
    #[serde(default)]
    pub official_closings: Vec<String>,
}

/// One pattern rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleDef {
    /// Stable identifier, used in reports, decisions and `disable`.
    pub id: Spanned<String>,
    /// One line for humans.
    #[serde(default)]
    pub description: String,
    /// Category of personal data (name, email, phone, bsn, iban, vnummer, birthdate, kenteken, address, other).
    pub category: Spanned<String>,
    /// Woo ground code in any accepted spelling.
    pub ground: Spanned<String>,
    /// The pattern (Rust regex syntax).
    pub regex: Spanned<String>,
    /// Capture group that is redacted (0 = whole match).
    #[serde(default)]
    pub group: usize,
    /// Check applied to the redacted text: elfproef, iban, phone-nl, date, email-personal, kenteken.
    pub validator: Option<Spanned<String>>,
    /// Words that, found before the match, confirm it.
    #[serde(default)]
    pub context: Vec<String>,
    /// How many characters before the match are searched for a context word.
    #[serde(default = "default_window")]
    pub context_window: usize,
    /// What a match without a context word is: confirmed, plausible, candidate or drop.
    #[serde(default = "default_without")]
    pub without_context: Spanned<String>,
    /// Lower-case literals; the rule only runs on documents containing one (prefilter).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Matches of these patterns (on the redacted text) are kept, with the reason.
    #[serde(default)]
    pub keep: Vec<KeepDef>,
    /// Higher wins when spans of different rules overlap.
    #[serde(default)]
    pub priority: i32,
    /// Texts the rule must and must not redact; run by `rules test` and the test suite.
    #[serde(default)]
    pub examples: Examples,
}

fn default_window() -> usize {
    40
}
fn default_without() -> Spanned<String> {
    Spanned::new(0..0, "confirmed".to_string())
}

/// A keep pattern inside a rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepDef {
    /// Pattern on the redacted text.
    pub regex: Spanned<String>,
    /// Shown to the reviewer.
    pub reason: String,
}

/// Examples that must and must not be redacted by a rule. `"text => span"` also checks the span.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Examples {
    /// Texts in which the rule must redact something (or exactly `span`).
    #[serde(default, rename = "match")]
    pub matches: Vec<String>,
    /// Texts in which the rule must redact nothing.
    #[serde(default)]
    pub no_match: Vec<String>,
}
