//! The scale-out commands: `names`, the shard plan of `redact`, and `merge`.

use super::args::{MergeArgs, NamesArgs, RedactArgs};
use super::run::{INCOMPLETE, build_detector, check_inputs, normalise_exts, set_jobs};
use anyhow::Context;
use woo_redact::batch::{self, DocRef};
use woo_redact::detect::BatchNames;
use woo_redact::error::Error;
use woo_redact::layout::OutLayout;
use woo_redact::publish::PackageOptions;
use woo_redact::rules::RuleSet;
use woo_redact::scale::{NamesFile, ShardInfo};

/// `woo-redact names`: the first pass alone, written as a names file.
pub fn names(a: NamesArgs) -> anyhow::Result<u8> {
    set_jobs(a.jobs)?;
    check_inputs(&a.inputs)?;
    let (detector, skip) = build_detector(&a.detect, &a.inputs)?;
    let docs = batch::discover_ignoring(&a.inputs, &skip, &normalise_exts(&a.ext), &a.ignore)?;
    let names = batch::batch_names(&docs, &detector);
    let file = NamesFile::new(&docs, &names, woo_redact::scale::settings_digest(&skip));
    batch::write_atomic(&a.out, file.to_text().as_bytes())?;
    Ok(0)
}

/// The documents of this run (all, or those of `--shard`), the batch names to propagate (from
/// `--names`), and what to record in `shard.json`.
pub fn plan(
    all: Vec<DocRef>,
    a: &RedactArgs,
    package: PackageOptions,
    settings_files: &[std::path::PathBuf],
) -> anyhow::Result<(Vec<DocRef>, Option<BatchNames>, Option<ShardInfo>)> {
    let settings = woo_redact::scale::settings_digest(settings_files);
    let file = match &a.names {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read --names {}", p.display()))?;
            Some(NamesFile::parse(&text).map_err(|e| Error::Usage(format!("--names {}: {e}", p.display())))?)
        }
        None => None,
    };
    let names = file.as_ref().map(|f| f.batch_for(&all, &settings)).transpose()?;
    let Some(shard) = a.shard else {
        return Ok((all, names, None));
    };
    if shard.count > 1 && file.is_none() {
        return Err(Error::Usage(
            "--shard with more than one shard needs --names (from `woo-redact names` over the same inputs), or names confirmed in one shard would not be redacted in the others".into(),
        )
        .into());
    }
    let info = ShardInfo {
        shard,
        batch_documents: all.len(),
        batch: woo_redact::scale::batch_digest(&all),
        documents: 0,
        names: file.as_ref().map(NamesFile::digest),
        settings,
        package,
    };
    let mine: Vec<DocRef> = all.into_iter().filter(|d| shard.owns(&d.rel)).collect();
    let info = ShardInfo {
        documents: mine.len(),
        ..info
    };
    Ok((mine, names, Some(info)))
}

/// `woo-redact merge`: the shards' out folders combined into one.
pub fn merge(a: MergeArgs) -> anyhow::Result<u8> {
    for d in &a.shards {
        if !d.is_dir() {
            return Err(Error::Usage(format!("shard folder {} does not exist", d.display())).into());
        }
    }
    batch::check_out_dir(&a.out, &a.shards)?;
    let out_abs = a.out.canonicalize().ok();
    if let Some(d) = a.shards.iter().find(|d| {
        d.canonicalize()
            .is_ok_and(|d| out_abs.as_ref().is_some_and(|o| d.starts_with(o)))
    }) {
        return Err(Error::Usage(format!(
            "shard folder {} is inside --out {}; merge into a folder of its own",
            d.display(),
            a.out.display()
        ))
        .into());
    }
    let merged = woo_redact::scale::read_shards(&a.shards)?;
    let rules = RuleSet::load(a.config.as_deref())?;
    woo_redact::scale::check_grounds(&merged.report, &rules.grounds, &merged.package.document_prefix)?;
    let out = OutLayout::new(&a.out);
    out.prepare(a.overwrite)?;
    let publication = out.publication();
    let mut on_disk: std::collections::HashMap<&std::path::Path, _> = std::collections::HashMap::new();
    for (dir, rel) in &merged.files {
        if !on_disk.contains_key(dir.as_path()) {
            on_disk.insert(dir.as_path(), batch::files_by_rel(dir)?);
        }
        let files = &on_disk[dir.as_path()];
        woo_redact::scale::place_file(files, dir, rel, &publication, a.move_files)?;
    }
    let rep = merged.report;
    let mut incomplete = 0;
    for e in rep.documents.iter().filter(|e| e.status.incomplete()) {
        incomplete += 1;
        super::run::say_incomplete(e);
    }
    for s in &rep.stale_decisions {
        eprintln!("woo-redact: stale decision (matches nothing): {s}");
    }
    let totals = woo_redact::publish::write(&out, rep, &rules.grounds, &merged.package)?;
    if !a.quiet {
        let redactions: usize = totals.grounds.values().sum();
        eprintln!(
            "woo-redact: merged {} shards: {} documents, {} redactions, {} incomplete; report: {}",
            a.shards.len(),
            totals.documents,
            redactions,
            incomplete,
            out.report().display()
        );
    }
    Ok(if incomplete > 0 { INCOMPLETE } else { 0 })
}
