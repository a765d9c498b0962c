//! Inventory consistency: when the folder holds `inventaris.csv`, every document is listed,
//! every listed file is there, and each row's grounds are the labels found in the document.

use super::{DocCheck, IssueKind, PACKAGE_FILES, RawIssue, number};
use crate::batch::DocRef;
use crate::error::{Error, Result};
use crate::rules::grounds::GroundTable;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The inventory's file name.
pub const FILE: &str = "inventaris.csv";

/// Checks `dir/inventaris.csv` against the documents; `None` when there is no inventory.
pub fn check(
    dir: &Path,
    docs: &[DocRef],
    labels: &HashMap<String, BTreeSet<String>>,
    table: &GroundTable,
) -> Result<Option<DocCheck>> {
    let path = dir.join(FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::Io {
        path: path.clone(),
        source: e,
    })?;
    let mut raws = Vec::new();
    let rows = match parse(&bytes, table) {
        Ok(r) => r,
        Err(reason) => {
            raws.push(RawIssue::new(
                IssueKind::NeedsReview,
                None,
                format!("{FILE} cannot be read: {reason}"),
            ));
            return Ok(Some(DocCheck {
                path: FILE.into(),
                issues: number(FILE, raws),
            }));
        }
    };
    let documents: Vec<&DocRef> = docs
        .iter()
        .filter(|d| !PACKAGE_FILES.contains(&d.rel.as_str()))
        .collect();
    let name_of = |rel: &str| rel.rsplit('/').next().unwrap_or(rel).to_string();
    let listed: HashMap<&str, &Row> = rows.iter().map(|r| (r.file.as_str(), r)).collect();
    for d in &documents {
        let name = name_of(&d.rel);
        match listed.get(name.as_str()) {
            None => raws.push(
                RawIssue::new(
                    IssueKind::InventoryMissing,
                    None,
                    format!("{} is not listed in {FILE}", d.rel),
                )
                .with_key(d.rel.clone()),
            ),
            Some(row) => {
                let found = labels.get(&d.rel).cloned().unwrap_or_default();
                if row.grounds != found {
                    let show = |s: &BTreeSet<String>| {
                        if s.is_empty() {
                            "none".to_string()
                        } else {
                            s.iter().cloned().collect::<Vec<_>>().join(", ")
                        }
                    };
                    raws.push(
                        RawIssue::new(
                            IssueKind::InventoryGrounds,
                            None,
                            format!(
                                "{}: {FILE} gives grounds {} but the document's labels are {}",
                                d.rel,
                                show(&row.grounds),
                                show(&found)
                            ),
                        )
                        .with_key(d.rel.clone()),
                    );
                }
            }
        }
    }
    let present: BTreeSet<String> = documents.iter().map(|d| name_of(&d.rel)).collect();
    for r in &rows {
        // A withheld document is listed without being published: nothing to find.
        if !present.contains(&r.file) && !r.withheld {
            raws.push(
                RawIssue::new(
                    IssueKind::InventoryExtra,
                    None,
                    format!("{FILE} lists {} but the folder does not hold it", r.file),
                )
                .with_key(r.file.clone()),
            );
        }
    }
    Ok(Some(DocCheck {
        path: FILE.into(),
        issues: number(FILE, raws),
    }))
}

/// One row: file name, canonical ground codes, and whether the document is withheld.
#[derive(Debug)]
struct Row {
    file: String,
    grounds: BTreeSet<String>,
    withheld: bool,
}

fn parse(bytes: &[u8], table: &GroundTable) -> std::result::Result<Vec<Row>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = r.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let file_col = col("Bestandsnaam").ok_or("no column Bestandsnaam")?;
    let ground_col = col("Beoordelingsgrond").ok_or("no column Beoordelingsgrond")?;
    let assess_col = col("Beoordeling");
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let file = rec.get(file_col).unwrap_or("").trim().to_string();
        if file.is_empty() {
            continue;
        }
        let grounds = rec
            .get(ground_col)
            .unwrap_or("")
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                table
                    .resolve(s)
                    .map(|g| g.code.clone())
                    .unwrap_or_else(|| s.to_string())
            })
            .collect();
        let withheld = assess_col
            .and_then(|c| rec.get(c))
            .is_some_and(|a| a.trim().eq_ignore_ascii_case("niet openbaar"));
        rows.push(Row {
            file,
            grounds,
            withheld,
        });
    }
    Ok(rows)
}
