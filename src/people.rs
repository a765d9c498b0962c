//! Staff and public-official lists: read from a one-name-per-line file or an address-book CSV
//! export, and expanded into the written variants of each name (WOO.md §4).

use crate::error::{Error, Result};
use crate::rules::Lists;
use crate::text::fold::fold_str;
use std::path::Path;

/// One person from a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// First name(s) as written.
    pub first: String,
    /// Particles, lower case (`van der`).
    pub tussen: String,
    /// Surname without particles.
    pub surname: String,
    /// Initials with dots (`T.A.`).
    pub initials: String,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Phone numbers as written.
    pub phones: Vec<String>,
}

/// What kind of written form a variant is; surname-only forms need a capital in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantKind {
    /// Full name, initials + surname, "Surname, I." and the like.
    Full,
    /// The surname alone (with its particles).
    Surname,
}

fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Person {
    /// Parses a written name: "Tess van Beeck", "T.A. van Beeck", "Beeck, Tess van".
    pub fn parse(name: &str, lists: &Lists) -> Option<Person> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let (given_part, rest) = if let Some((sur, given)) = name.split_once(',') {
            // "Beeck, Tess van" / "Beeck, T.A. van"
            let mut g: Vec<&str> = given.split_whitespace().collect();
            let mut tv = Vec::new();
            while g.last().is_some_and(|w| lists.tussenvoegsels.contains(&fold_str(w))) {
                tv.insert(0, g.pop().unwrap_or_default());
            }
            (
                g.join(" "),
                format!("{} {}", tv.join(" "), sur.trim()).trim().to_string(),
            )
        } else {
            let words: Vec<&str> = name.split_whitespace().collect();
            // Given names run until the first particle or the last word.
            let mut k = 0;
            while k + 1 < words.len() && !lists.tussenvoegsels.contains(&fold_str(words[k])) {
                k += 1;
            }
            if k == 0 && words.len() > 1 && !lists.tussenvoegsels.contains(&fold_str(words[0])) {
                k = words.len() - 1;
            }
            if k + 1 == words.len() && words.len() > 1 {
                (words[..k].join(" "), words[k].to_string())
            } else {
                (words[..k].join(" "), words[k..].join(" "))
            }
        };
        let mut rw: Vec<&str> = rest.split_whitespace().collect();
        let surname = rw.pop()?.to_string();
        let tussen = rw.join(" ").to_lowercase();
        let (first, initials) =
            if given_part.contains('.') || (given_part.len() <= 3 && given_part.chars().all(|c| c.is_uppercase())) {
                (String::new(), given_part.clone())
            } else {
                let ini: String = given_part
                    .split_whitespace()
                    .filter_map(|w| w.chars().next())
                    .map(|c| format!("{c}."))
                    .collect();
                (given_part.clone(), ini)
            };
        Some(Person {
            first,
            tussen,
            surname,
            initials,
            emails: vec![],
            phones: vec![],
        })
    }

    /// The folded written forms of this name and their kind.
    pub fn variants(&self) -> Vec<(String, VariantKind)> {
        let mut v = Vec::new();
        let sur = if self.tussen.is_empty() {
            self.surname.clone()
        } else {
            format!("{} {}", self.tussen, self.surname)
        };
        let first = self.first.split_whitespace().next().unwrap_or("");
        let mut push = |s: String, k| {
            let f = fold_str(&s);
            if !v.iter().any(|(x, _)| *x == f) {
                v.push((f, k));
            }
        };
        if !self.first.is_empty() {
            push(format!("{} {}", self.first, sur), VariantKind::Full);
            push(format!("{first} {sur}"), VariantKind::Full);
            push(
                format!("{}, {} {}", self.surname, self.first, self.tussen)
                    .trim()
                    .to_string(),
                VariantKind::Full,
            );
            push(format!("{}, {}", sur, self.first), VariantKind::Full);
        }
        if !self.initials.is_empty() {
            let first_ini = self
                .initials
                .split('.')
                .next()
                .map(|c| format!("{c}."))
                .unwrap_or_default();
            for ini in [self.initials.clone(), first_ini] {
                push(format!("{ini} {sur}"), VariantKind::Full);
                push(
                    format!("{}, {} {}", self.surname, ini, self.tussen).trim().to_string(),
                    VariantKind::Full,
                );
                push(format!("{sur}, {ini}"), VariantKind::Full);
            }
        }
        push(sur.clone(), VariantKind::Surname);
        if !self.tussen.is_empty() {
            push(cap_first(&sur), VariantKind::Surname);
        }
        v
    }
}

/// Reads a staff or officials list: a CSV address-book export (`;` or `,`) or one name per line.
pub fn load(path: &Path, lists: &Lists) -> Result<Vec<Person>> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Decode {
        path: path.to_path_buf(),
        reason: "list is not UTF-8".into(),
    })?;
    parse_list(&text, lists).map_err(|reason| Error::Decode {
        path: path.to_path_buf(),
        reason,
    })
}

/// Parses list text (see [`load`]).
pub fn parse_list(text: &str, lists: &Lists) -> std::result::Result<Vec<Person>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or("");
    let header = fold_str(first_line);
    let is_csv = [
        "voornaam",
        "achternaam",
        "weergavenaam",
        "naam",
        "e-mailadres",
        "email",
        "first name",
        "last name",
    ]
    .iter()
    .any(|h| header.split([';', ',']).any(|c| c.trim().trim_matches('"') == *h));
    if !is_csv {
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| Person::parse(l, lists))
            .collect());
    }
    let delim = if first_line.matches(';').count() >= first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().map_err(|e| e.to_string())?.iter().map(fold_str).collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim()));
    let c_display = col(&["weergavenaam", "naam", "display name", "volledige naam"]);
    let c_first = col(&["voornaam", "roepnaam", "first name"]);
    let c_tv = col(&["tussenvoegsel", "tussenvoegsels"]);
    let c_last = col(&["achternaam", "last name", "surname"]);
    let c_ini = col(&["initialen", "voorletters"]);
    let c_mail: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.contains("mail"))
        .map(|(i, _)| i)
        .collect();
    let c_phone: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            ["telefoon", "mobiel", "tel", "phone", "mobile", "gsm"]
                .iter()
                .any(|p| h.contains(p))
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::trim).unwrap_or("").to_string();
        let mut p = if !get(c_last).is_empty() {
            let first = get(c_first);
            let ini = get(c_ini);
            let ini = if ini.is_empty() {
                first
                    .split_whitespace()
                    .filter_map(|w| w.chars().next())
                    .map(|c| format!("{c}."))
                    .collect()
            } else {
                ini
            };
            Person {
                first,
                tussen: get(c_tv).to_lowercase(),
                surname: get(c_last),
                initials: ini,
                emails: vec![],
                phones: vec![],
            }
        } else {
            match Person::parse(&get(c_display), lists) {
                Some(p) => p,
                None => continue,
            }
        };
        p.emails = c_mail
            .iter()
            .filter_map(|&c| rec.get(c))
            .map(str::trim)
            .filter(|s| s.contains('@'))
            .map(str::to_string)
            .collect();
        p.phones = c_phone
            .iter()
            .filter_map(|&c| rec.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        out.push(p);
    }
    Ok(out)
}
