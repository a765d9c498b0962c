//! The closed table of Woo grounds (`rules/grounds.toml`) and the parser that turns every
//! spelling seen in real documents (`5.1.2.e`, "art. 5.1 lid 2 sub e", Wob `10.2e`) into a code.

use crate::error::ConfigError;
use regex::Regex;
use serde::Deserialize;
use std::sync::LazyLock;

/// The grounds table shipped with the binary.
pub const BUILTIN_GROUNDS: &str = include_str!("../../rules/grounds.toml");

/// Absolute grounds need no balancing; relative grounds are weighed against disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroundKind {
    /// No balancing of interests (artikel 5.1, eerste lid).
    Absoluut,
    /// Weighed against the interest of disclosure (artikel 5.1, tweede lid; 5.1.5).
    Relatief,
    /// Other grounds (artikel 5.2, personal policy opinions).
    Overig,
}

/// One Woo ground: the code stamped on a redaction and the wording used to justify it.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ground {
    /// Canonical code, e.g. `5.1.2e`.
    pub code: String,
    /// Official Dutch label.
    pub label: String,
    /// Statutory citation ("artikel 5.1, tweede lid, aanhef en onder e, van de Woo").
    pub citation: String,
    /// Absolute, relative or other.
    pub kind: GroundKind,
    /// The interest protected, as a noun phrase.
    pub interest: String,
    /// Typical categories of withheld information.
    pub categories: Vec<String>,
    /// Standard justification text for the decision.
    pub justification: String,
    /// Old Wob codes meaning the same.
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroundsFile {
    ground: Vec<Ground>,
    template: Templates,
}

/// The wording of the publication package (section 5 and inventory), from `[template]`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// Section heading ("5. Informatie die niet openbaar gemaakt kan worden").
    pub heading: String,
    /// Sub-heading ("5.1 Toelichting").
    pub subheading: String,
    /// Opening paragraph.
    pub intro: String,
    /// Per ground; placeholders {code} {label} {citation} {interest} {categories}
    /// {justification} {document_count} {documents_word} {redaction_count} {redactions_word}
    /// {documents} (each with its number of redactions).
    pub ground: String,
    /// The sentence that public officials' names are not withheld.
    pub officials: String,
    /// Text when nothing was withheld.
    pub none: String,
    /// "document".
    pub document_singular: String,
    /// "documenten".
    pub document_plural: String,
    /// "weglakking".
    pub redaction_singular: String,
    /// "weglakkingen".
    pub redaction_plural: String,
    /// Inventory assessment of a document without redactions.
    pub assessment_public: String,
    /// Inventory assessment of a document with redactions.
    pub assessment_partial: String,
    /// Inventory assessment of a document that is not (yet) to be published.
    pub assessment_withheld: String,
    /// Inventory note for a document that needs review; placeholder {reason} (the Dutch notes
    /// of [`Templates::review_reason`]).
    pub review_note: String,
    /// The note when no [`ReviewReason`] matches.
    pub review_reason_default: String,
    /// Dutch notes for the technical reasons a document needs review.
    #[serde(default)]
    pub review_reason: Vec<ReviewReason>,
    /// Category id → the Dutch word for one item (`naam`), for the redaction log.
    #[serde(default)]
    pub category_labels: std::collections::BTreeMap<String, String>,
    /// Document status (`redacted`, `clean`, `needs-review`, `failed`) → Dutch, for the review
    /// page.
    #[serde(default)]
    pub status: std::collections::BTreeMap<String, String>,
    /// Inventory note for a file woo-redact cannot read (an unsupported type); placeholder
    /// {type}. Empty: the review note is used.
    #[serde(default)]
    pub unsupported_note: String,
    /// A line in a published e-mail for an attachment left out of it; placeholder {name}.
    /// Empty: no line is added.
    #[serde(default)]
    pub attachment_removed: String,
    /// Category id (name, email, …) → Dutch description.
    pub categories: std::collections::BTreeMap<String, String>,
    /// What cleaning a PDF removed or painted, by kind (`under-box`, `off-page`, `white`,
    /// `clipped`, `tiny`, `invisible`, `transparent`, `image-painted`, `annotation-flattened`)
    /// → the Dutch note a Woo officer reads in the report.
    #[serde(default)]
    pub cleaning: std::collections::BTreeMap<String, String>,
}

/// A Dutch note for technical reasons that contain one of `match`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewReason {
    /// Words of the technical reason (case-sensitive, as the tool writes them).
    #[serde(rename = "match")]
    pub words: Vec<String>,
    /// What the Woo officer reads.
    pub note: String,
}

impl Templates {
    /// The Dutch notes for a technical reason: per `; `-separated part the first note that
    /// matches it, each note once, in order; the default when none matches.
    pub fn review_reason_text(&self, reason: &str) -> String {
        let mut notes: Vec<&str> = Vec::new();
        let mut unexplained = false;
        for part in reason.split("; ").filter(|p| !p.trim().is_empty()) {
            match self
                .review_reason
                .iter()
                .find(|r| r.words.iter().any(|w| part.contains(w.as_str())))
            {
                Some(r) if !notes.contains(&r.note.as_str()) => notes.push(&r.note),
                Some(_) => {}
                None => unexplained = true,
            }
        }
        if unexplained || notes.is_empty() {
            notes.push(&self.review_reason_default);
        }
        notes.join(" ")
    }

    /// The Dutch word for one redaction's category; the id itself when the table has none.
    pub fn category_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.category_labels.get(id).map(String::as_str).unwrap_or(id)
    }

    /// The Dutch word for a document status; the id itself when the table has none.
    pub fn status_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.status.get(id).map(String::as_str).unwrap_or(id)
    }
}

/// The table of grounds; every code used anywhere must resolve through it.
#[derive(Debug, Clone)]
pub struct GroundTable {
    grounds: Vec<Ground>,
    /// Wording of the publication package.
    pub template: Templates,
}

impl GroundTable {
    /// Parses a grounds file; `name` is used in error messages.
    pub fn parse(name: &str, src: &str) -> Result<Self, Vec<ConfigError>> {
        let file: GroundsFile = toml::from_str(src).map_err(|e| {
            vec![ConfigError::at(
                name,
                src,
                e.span().map(|s| s.start),
                e.message().to_string(),
            )]
        })?;
        let mut errors = Vec::new();
        for g in &file.ground {
            if parse_code_shape(&g.code).as_deref() != Some(g.code.as_str()) {
                errors.push(ConfigError {
                    file: name.into(),
                    line: None,
                    message: format!("ground code `{}` is not in canonical form (like 5.1.2e)", g.code),
                });
            }
        }
        if errors.is_empty() {
            Ok(GroundTable {
                grounds: file.ground,
                template: file.template,
            })
        } else {
            Err(errors)
        }
    }

    /// The built-in table.
    pub fn builtin() -> Self {
        // The embedded file is tested in `tests`; a failure here is a build defect.
        Self::parse("builtin:grounds.toml", BUILTIN_GROUNDS).expect("built-in grounds table is valid")
    }

    /// All grounds in table order.
    pub fn all(&self) -> &[Ground] {
        &self.grounds
    }

    /// The ground with this canonical code.
    pub fn get(&self, code: &str) -> Option<&Ground> {
        self.grounds.iter().find(|g| g.code == code)
    }

    /// Resolves any accepted spelling (variants, prose, Wob aliases) to a ground.
    pub fn resolve(&self, spelling: &str) -> Option<&Ground> {
        let code = parse_code_shape(spelling)?;
        self.get(&code).or_else(|| {
            self.grounds
                .iter()
                .find(|g| g.aliases.iter().any(|a| parse_code_shape(a).as_deref() == Some(&code)))
        })
    }
}

static SHORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[?\s*(\d{1,2})\s*\.\s*(\d)(?:\s*\.\s*(\d))?(?:[\s.]*([a-i]))?\s*\]?$").unwrap());
static PROSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:art(?:ikel|\.)?\s*)?(\d{1,2})\.(\d)\s*,?\s*(?:(?:lid\s*(\d))|(?:(eerste|tweede|derde|vierde|vijfde)\s+lid))?\s*,?\s*(?:(?:aanhef\s+en\s+)?(?:onder|sub)\s*([a-i]))?\s*(?:,?\s*(?:van\s+de\s+)?(?:woo|wob))?\.?$",
    )
    .unwrap()
});

/// Normalises a spelling to the canonical shape `A.B.Cx` / `A.B.C` / `A.B` without checking
/// that the code exists.
pub fn parse_code_shape(s: &str) -> Option<String> {
    let t = s.trim().to_lowercase();
    let (a, b, c, l) = if let Some(m) = SHORT.captures(&t) {
        (
            m[1].to_string(),
            m[2].to_string(),
            m.get(3).map(|x| x.as_str().to_string()),
            m.get(4).map(|x| x.as_str().to_string()),
        )
    } else if let Some(m) = PROSE.captures(&t) {
        let lid = m.get(3).map(|x| x.as_str().to_string()).or_else(|| {
            m.get(4).map(|w| {
                match w.as_str() {
                    "eerste" => "1",
                    "tweede" => "2",
                    "derde" => "3",
                    "vierde" => "4",
                    _ => "5",
                }
                .to_string()
            })
        });
        (
            m[1].to_string(),
            m[2].to_string(),
            lid,
            m.get(5).map(|x| x.as_str().to_string()),
        )
    } else {
        return None;
    };
    let mut code = format!("{a}.{b}");
    match (c, l) {
        // "artikel 5.2, eerste lid" is ground 5.2; a letter after a two-part code is Wob style (10.2e).
        (Some(c), Some(l)) => code.push_str(&format!(".{c}{l}")),
        (Some(c), None) if !(a == "5" && b == "2" && c == "1") => code.push_str(&format!(".{c}")),
        (None, Some(l)) => code.push_str(&l),
        _ => {}
    }
    Some(code)
}

/// What the label of a redaction box in a PDF says: the grounds it names, and code-like parts
/// that name no ground.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BoxLabel {
    /// Canonical codes of the grounds named.
    pub grounds: Vec<String>,
    /// Parts written on the box that look like a code but name no ground.
    pub unknown: Vec<String>,
}

impl BoxLabel {
    /// Neither a ground nor a code-like text: the box has no label.
    pub fn is_empty(&self) -> bool {
        self.grounds.is_empty() && self.unknown.is_empty()
    }
}

/// Reads the label of a box: `on` is the text drawn on it, `beside` the words right next to it,
/// nearest first. Text on the box counts first, also when its code runs on past the box edge
/// (`10.2` on the box, `.e` beside it); words beside it count only when they name a ground
/// (a time "8.00" in a table next to a shaded cell is no label).
pub fn box_label(on: &str, beside: &[String], grounds: &GroundTable) -> BoxLabel {
    let trim = |s: &str| -> String {
        s.trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | ':' | ',') || c.is_whitespace())
            .to_string()
    };
    let split = |s: &str| -> Vec<String> {
        s.split([',', ';', '/', '|'])
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    };
    let resolve_all = |s: &str| -> Option<Vec<String>> {
        let parts = split(&trim(s));
        let codes: Vec<String> = parts
            .iter()
            .filter_map(|p| grounds.resolve(p).map(|g| g.code.clone()))
            .collect();
        (!codes.is_empty()).then_some(codes)
    };
    let on = trim(on);
    if !on.is_empty() {
        let mut tries = vec![on.clone()];
        if let Some(next) = beside.first() {
            tries.push(format!("{on}{}", next.trim()));
        }
        for t in &tries {
            if let Some(codes) = resolve_all(t) {
                return BoxLabel {
                    grounds: codes,
                    unknown: Vec::new(),
                };
            }
        }
        // A code cut short by its box (`10.2` of `10.2.e`) labels the box without naming the
        // ground; only a code no ground starts with is unknown.
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        };
        let truncated = |p: &str| {
            let p = squash(p);
            !p.is_empty()
                && grounds.all().iter().any(|g| {
                    std::iter::once(&g.code)
                        .chain(&g.aliases)
                        .any(|c| squash(c).starts_with(&p))
                })
        };
        let unknown: Vec<String> = split(&on)
            .into_iter()
            .filter(|p| code_like(p) && !truncated(p))
            .collect();
        return BoxLabel {
            grounds: Vec::new(),
            unknown,
        };
    }
    for w in beside {
        if let Some(codes) = resolve_all(w) {
            return BoxLabel {
                grounds: codes,
                unknown: Vec::new(),
            };
        }
    }
    BoxLabel::default()
}

/// Shaped like a ground code even when no ground has it (`5.1.9z`, `10.2`).
static CODE_LIKE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)^\d{1,2}\s*\.\s*\d{1,2}(\s*\.\s*\d{1,2})?\s*\.?\s*[a-z]?$").expect("valid regex")
});

/// Is this text a ground code, known or not?
pub fn code_like(s: &str) -> bool {
    parse_code_shape(s).is_some() || CODE_LIKE.is_match(s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technical_reasons_read_as_dutch_notes_each_once() {
        let t = GroundTable::builtin().template;
        let utf8 = t.review_reason_text("not valid UTF-8 (first bad byte at offset 27); convert it to UTF-8 first, e.g. `iconv -f WINDOWS-1252 -t UTF-8`");
        assert!(
            utf8.starts_with("Het tekstbestand heeft een andere tekencodering"),
            "{utf8}"
        );
        assert!(!utf8.contains("iconv") && !utf8.contains("offset"), "{utf8}");
        let two = t.review_reason_text(
            "page 2: OCR could not read the scan with confidence (mean 40 %); page 3: an image without a text layer in which OCR read no words",
        );
        assert_eq!(two.matches("tekstherkenning").count(), 1, "{two}");
        assert_eq!(t.review_reason_text("something new"), t.review_reason_default);
        assert_eq!(t.category_label("phone"), "telefoonnummer");
        assert_eq!(t.status_label("needs-review"), "handmatige beoordeling nodig");
        // Every category and status the tool writes has its Dutch word.
        for c in [
            "name",
            "email",
            "phone",
            "bsn",
            "iban",
            "vnummer",
            "birthdate",
            "kenteken",
            "address",
            "other",
        ] {
            assert!(t.category_labels.contains_key(c), "{c}");
            assert!(t.categories.contains_key(c), "{c}");
        }
        for s in [
            "redacted",
            "clean",
            "needs-review",
            "failed",
            "candidate",
            "plausible",
            "confirmed",
        ] {
            assert!(t.status.contains_key(s), "{s}");
        }
    }

    #[test]
    fn builtin_table_is_complete() {
        let t = GroundTable::builtin();
        for code in [
            "5.1.1a", "5.1.1b", "5.1.1c", "5.1.1d", "5.1.1e", "5.1.2a", "5.1.2b", "5.1.2c", "5.1.2d", "5.1.2e",
            "5.1.2f", "5.1.2g", "5.1.2h", "5.1.2i", "5.1.5", "5.2",
        ] {
            assert!(t.get(code).is_some(), "{code} missing");
        }
        assert_eq!(t.all().len(), 16);
    }

    #[test]
    fn variants_resolve() {
        let t = GroundTable::builtin();
        let cases = [
            ("5.1.2e", "5.1.2e"),
            ("5.1.2.e", "5.1.2e"),
            ("5.1.2 e", "5.1.2e"),
            ("5.1.2E", "5.1.2e"),
            ("[5.1.1e]", "5.1.1e"),
            ("art. 5.1 lid 2 sub e", "5.1.2e"),
            ("artikel 5.1, tweede lid, aanhef en onder e", "5.1.2e"),
            ("artikel 5.1, tweede lid, aanhef en onder e, van de Woo", "5.1.2e"),
            ("artikel 5.1, eerste lid, onder d", "5.1.1d"),
            ("10.2e", "5.1.2e"),
            ("10.2.e", "5.1.2e"),
            ("10.1d", "5.1.1d"),
            ("10.2g", "5.1.5"),
            ("11.1", "5.2"),
            ("5.2", "5.2"),
            ("artikel 5.2, eerste lid, van de Woo", "5.2"),
            ("5.1.5", "5.1.5"),
            ("artikel 5.1, vijfde lid", "5.1.5"),
        ];
        for (spelling, code) in cases {
            assert_eq!(t.resolve(spelling).map(|g| g.code.as_str()), Some(code), "{spelling}");
        }
        for bad in ["5.1.2z", "5.1.3a", "6.1", "privacy", "", "5.1.2ee"] {
            assert!(t.resolve(bad).is_none(), "{bad} should not resolve");
        }
    }
}
