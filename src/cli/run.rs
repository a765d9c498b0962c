//! The commands: build settings from arguments, run, and map the outcome to an exit code.

use super::args::{CheckArgs, Cli, Command, DetectArgs, RedactArgs, ReviewArgs, RulesAction};
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use woo_redact::batch::{self, RedactOptions};
use woo_redact::detect::{Detector, examples::run_examples};
use woo_redact::error::Error;
use woo_redact::layout::OutLayout;
use woo_redact::rules::RuleSet;
use woo_redact::text::TextLayer;

/// Exit code: incomplete.
pub const INCOMPLETE: u8 = 2;
/// Exit code: usage error.
pub const USAGE: u8 = 64;
/// Exit code: configuration error.
pub const CONFIG: u8 = 78;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    woo_redact::durable::set_each_file(cli.sync_each_file);
    let result = match cli.command {
        Command::Redact(a) => redact(a),
        Command::Rules { action } => rules(action),
        Command::Text { file } => text(&file),
        Command::Review(a) => review(a),
        Command::Names(a) => super::scale::names(a),
        Command::Merge(a) => super::scale::merge(a),
        Command::Check(a) => check(a),
        Command::Completions { shell } => generated(|out| {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "woo-redact", out);
            Ok(())
        }),
        Command::Man => generated(|out| clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(out)),
    };
    // Whatever the outcome, what was written is made durable before the exit code is given
    // (an interrupted run too: its finished outputs are kept).
    let result = match (result, woo_redact::durable::sync_written()) {
        (Ok(_), Err(e)) => Err(anyhow::Error::new(e).context("making the outputs durable (syncfs)")),
        (result, _) => result,
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A reader that stopped reading (`review … | head`) is a normal end, as in ripgrep.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Anything else (a report that cannot be written, a full disk) leaves the run
            // incomplete.
            let code = match e.downcast_ref::<Error>() {
                Some(Error::Config(_)) => CONFIG,
                Some(Error::Usage(_)) => USAGE,
                _ => INCOMPLETE,
            };
            eprintln!("woo-redact: {}", error_text(&e));
            ExitCode::from(code)
        }
    }
}

/// Writes what a generator makes (completions, man page) to standard output.
fn generated(make: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    make(&mut out)?;
    out.flush()?;
    Ok(0)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// An error and its causes on one line, each cause once: our errors often print their source
/// in their own message already (`path: No such file or directory`).
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

/// Finds the config: `--config`, else `woo-redact.toml` in an input folder (or a file's folder).
pub(super) fn find_config(explicit: &Option<PathBuf>, inputs: &[PathBuf]) -> Option<PathBuf> {
    if explicit.is_some() {
        return explicit.clone();
    }
    inputs.iter().find_map(|i| {
        let dir = if i.is_dir() {
            i.clone()
        } else {
            i.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let c = dir.join("woo-redact.toml");
        c.is_file().then_some(c)
    })
}

/// Loads rules and lists and builds the detector.
pub(super) fn build_detector(d: &DetectArgs, inputs: &[PathBuf]) -> anyhow::Result<(Detector, Vec<PathBuf>)> {
    let config = find_config(&d.config, inputs);
    let rules = RuleSet::load(config.as_deref())?;
    let staff_path = d.staff.clone().or_else(|| rules.staff.clone());
    let officials_path = d.officials.clone().or_else(|| rules.officials.clone());
    let load = |p: &Option<PathBuf>, what: &str| -> anyhow::Result<Vec<woo_redact::people::Person>> {
        match p {
            Some(p) => woo_redact::people::load(p, &rules.lists)
                .map_err(|e| anyhow::Error::new(Error::Usage(format!("{what}: {e}")))),
            None => Ok(Vec::new()),
        }
    };
    let staff = load(&staff_path, "--staff")?;
    let officials = load(&officials_path, "--officials")?;
    let mut skip: Vec<PathBuf> = [staff_path, officials_path, config].into_iter().flatten().collect();
    if let Some(d) = &rules.decisions {
        skip.push(d.clone());
    }
    Ok((Detector::new(rules, staff, officials), skip))
}

/// Sets the worker count of the global pool.
pub(super) fn set_jobs(jobs: Option<usize>) -> anyhow::Result<()> {
    if let Some(j) = jobs {
        if j == 0 {
            return Err(Error::Usage("-j must be at least 1".into()).into());
        }
        // The global pool can only be built once per process; a second build is harmless.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(j).build_global();
    }
    Ok(())
}

/// Refuses inputs that do not exist (a usage error, not an incomplete batch).
pub(super) fn check_inputs(inputs: &[PathBuf]) -> anyhow::Result<()> {
    for i in inputs {
        if !i.exists() {
            return Err(Error::Usage(format!("input {} does not exist", i.display())).into());
        }
    }
    Ok(())
}

/// Extensions as given to --ext, normalised.
pub(super) fn normalise_exts(ext: &[String]) -> Vec<String> {
    ext.iter()
        .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
        .collect()
}

fn package_options(a: &RedactArgs) -> woo_redact::publish::PackageOptions {
    woo_redact::publish::PackageOptions {
        document_prefix: a.document_prefix.clone(),
        decision_name: a.decision_name.clone(),
        xlsx: a.inventory_format == "xlsx",
    }
}

fn redact(a: RedactArgs) -> anyhow::Result<u8> {
    // Stop cleanly on Ctrl-C / SIGTERM rather than die with a file half-written.
    woo_redact::interrupt::install().context("cannot install the signal handler")?;
    set_jobs(a.jobs)?;
    check_inputs(&a.inputs)?;
    batch::check_out_dir(&a.out, &a.inputs)?;
    let (detector, skip) = build_detector(&a.detect, &a.inputs)?;
    let docs = batch::discover_ignoring(&a.inputs, &skip, &normalise_exts(&a.ext), &a.ignore)?;
    let (docs, names, shard_info) = super::scale::plan(docs, &a, package_options(&a), &skip)?;
    let out = OutLayout::new(&a.out);
    out.prepare(a.overwrite)?;
    let bar = if a.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new(docs.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} documents {elapsed}") {
            b.set_style(style);
        }
        b
    };
    let tick = || bar.inc(1);
    let justification = a.justification_page.then_some(&detector.rules().grounds);
    let decisions_path = decisions_file(&a.decisions, &detector, &a.inputs);
    let decisions = match &decisions_path {
        Some(p) => Some(woo_redact::triage::Decisions::load(p, &detector.rules().grounds)?),
        None => None,
    };
    // Entries go to a spill file as documents finish, so memory does not grow with the batch.
    let mut spill = woo_redact::publish::Spill::create(&out)?;
    let mut incomplete = 0;
    let mut written = 0;
    let mut spill_error = None;
    batch::redact_each(
        &docs,
        &detector,
        &RedactOptions {
            out: &out,
            progress: &tick,
            justification,
            document_prefix: &a.document_prefix,
            decisions: decisions.as_ref(),
            names: names.as_ref(),
            limits: woo_redact::limits::Limits {
                max_seconds: a.max_seconds_per_document,
                max_decompressed: a.max_decompressed_mib.saturating_mul(1 << 20),
                max_pages: a.max_pages,
            },
            render_check: !a.no_render_check,
            ocr: ocr_mode(a.no_ocr, &a.ocr_lang),
            ocr_layer: !a.no_ocr_layer,
        },
        &mut |e| {
            if !e.status.incomplete() {
                written += 1;
            }
            // After an interrupt, the documents not done are summed up once below.
            if e.status.incomplete() && e.reason.as_deref() != Some(batch::INTERRUPTED) {
                incomplete += 1;
                say_incomplete(&e);
            }
            if spill_error.is_none() {
                spill_error = spill.push(&e).err();
            }
        },
    );
    bar.finish_and_clear();
    if let Some(sig) = woo_redact::interrupt::requested() {
        // A partial report would read as the whole batch: write none (the spill file goes
        // with `spill`); what is in --out is complete and verified.
        eprintln!(
            "woo-redact: interrupted (signal {sig}): {written} of {} documents written to {}, complete and verified; no report written: run again with --overwrite to finish",
            docs.len(),
            out.publication().display()
        );
        return Ok(woo_redact::interrupt::exit_code(sig));
    }
    if let Some(e) = spill_error {
        return Err(e.into());
    }
    let mut stale = Vec::new();
    if let Some(d) = &decisions {
        stale = d.stale();
        // A shard's stale list is partial: `merge` reports what no shard used.
        for s in stale.iter().filter(|_| shard_info.is_none()) {
            eprintln!("woo-redact: stale decision (matches nothing): {s}");
        }
    }
    let totals =
        woo_redact::publish::write_spilled(&out, spill, stale, &detector.rules().grounds, &package_options(&a))?;
    if let Some(info) = &shard_info {
        // Written last: its presence tells `merge` the shard finished.
        batch::write_atomic(
            &out.work().join(woo_redact::scale::SHARD_FILE),
            &serde_json::to_vec_pretty(info)?,
        )?;
    }
    if !a.quiet {
        let redactions: usize = totals.grounds.values().sum();
        eprintln!(
            "woo-redact: {} documents, {} redactions, {} incomplete; to publish: {}; report: {}",
            totals.documents,
            redactions,
            incomplete,
            out.publication().display(),
            out.report().display()
        );
    }
    Ok(if incomplete > 0 { INCOMPLETE } else { 0 })
}

fn review(a: ReviewArgs) -> anyhow::Result<u8> {
    for i in a.inputs.iter().chain(&a.against) {
        if !i.exists() {
            return Err(Error::Usage(format!("{} does not exist", i.display())).into());
        }
    }
    if let [old, new] = a.against.as_slice() {
        if !a.inputs.is_empty() {
            return Err(Error::Usage("two --against folders compare two runs: give no INPUT".into()).into());
        }
        woo_redact::report::against::runs(&mut std::io::stdout().lock(), old, new)?;
        return Ok(0);
    }
    if a.against.len() > 2 || (a.against.len() == 1 && a.inputs.is_empty()) {
        return Err(Error::Usage(
            "use `review INPUT... --against OUT_DIR`, or `review --against OLD_OUT --against NEW_OUT`".into(),
        )
        .into());
    }
    let (detector, skip) = build_detector(&a.detect, &a.inputs)?;
    let docs = batch::discover_ignoring(&a.inputs, &skip, &[], &a.ignore)?;
    if let [dir] = a.against.as_slice() {
        let c = woo_redact::report::against::originals(&mut std::io::stdout().lock(), &docs, dir)?;
        return Ok(if c.missing > 0 { INCOMPLETE } else { 0 });
    }
    let decisions_path = decisions_file(&a.decisions, &detector, &a.inputs);
    let decisions = match &decisions_path {
        Some(p) if p.exists() || !a.decide => Some(woo_redact::triage::Decisions::load(p, &detector.rules().grounds)?),
        _ => None,
    };
    if a.decide {
        let which = match a.only.as_deref() {
            None | Some("candidates") => woo_redact::decide::Walk::Candidates,
            Some("all") => woo_redact::decide::Walk::All,
            Some(o) => return Err(Error::Usage(format!("--decide cannot walk `--only {o}`")).into()),
        };
        let path = decisions_path.unwrap_or_else(|| default_decisions(&a.inputs));
        let reviewed = batch::review_all(&docs, &detector, decisions.as_ref());
        let outcome = woo_redact::decide::walk(
            &reviewed,
            decisions.as_ref(),
            which,
            &mut std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
        )?;
        if !outcome.decisions.is_empty() {
            woo_redact::decide::save(&path, &outcome.decisions, &detector.rules().grounds)?;
        }
        eprintln!(
            "woo-redact: {} decisions written to {} ({} shown, {} skipped{})",
            outcome.decisions.len(),
            path.display(),
            outcome.shown,
            outcome.skipped,
            if outcome.quit { ", stopped early" } else { "" }
        );
        // Unreadable documents had nothing to decide on: say so, the batch is incomplete.
        let mut incomplete = 0;
        for r in reviewed.iter().filter(|r| r.problem.is_some()) {
            eprintln!(
                "woo-redact: {}: needs-review: {}",
                r.rel,
                r.problem.as_deref().unwrap_or("")
            );
            incomplete = INCOMPLETE;
        }
        return Ok(incomplete);
    }
    let reviewed = batch::review_all(&docs, &detector, decisions.as_ref());
    let incomplete = if reviewed.iter().any(|r| r.problem.is_some()) {
        INCOMPLETE
    } else {
        0
    };
    if let Some(path) = &a.html {
        let (page, sum) = woo_redact::report::html::render(&reviewed, &detector.rules().grounds.template);
        batch::write_atomic(path, page.as_bytes())?;
        eprintln!(
            "woo-redact: {} documents, {} redactions, {} kept; review page (clear text, local use): {}",
            sum.documents,
            sum.redactions,
            sum.kept,
            path.display()
        );
        return Ok(incomplete);
    }
    let only = match a.only.as_deref().unwrap_or("all") {
        "candidates" => woo_redact::report::diff::Only::Candidates,
        "needs-review" => woo_redact::report::diff::Only::NeedsReview,
        _ => woo_redact::report::diff::Only::All,
    };
    let color =
        !a.no_color && std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::stdout().lock();
    woo_redact::report::diff::write(&mut out, &reviewed, only, color)?;
    Ok(incomplete)
}

/// The decisions file: `--decisions`, else `decisions` in the config, else
/// `woo-redact.decisions.toml` beside the inputs when it exists (where `review --decide`
/// writes it).
fn decisions_file(explicit: &Option<PathBuf>, detector: &Detector, inputs: &[PathBuf]) -> Option<PathBuf> {
    explicit
        .clone()
        .or_else(|| detector.rules().decisions.clone())
        .or_else(|| Some(default_decisions(inputs)).filter(|p| p.is_file()))
}

/// `woo-redact.decisions.toml` in the first input folder (or the folder of the first input file).
fn default_decisions(inputs: &[PathBuf]) -> PathBuf {
    let dir = match inputs.first() {
        Some(i) if i.is_dir() => i.clone(),
        Some(i) => i.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => PathBuf::new(),
    };
    dir.join("woo-redact.decisions.toml")
}

fn check(a: CheckArgs) -> anyhow::Result<u8> {
    use woo_redact::check::{baseline::Baseline, format};
    if !a.dir.is_dir() {
        return Err(Error::Usage(format!("{} is not a folder", a.dir.display())).into());
    }
    set_jobs(a.jobs)?;
    let fmt = format::Format::parse(&a.format).ok_or_else(|| Error::Usage(format!("unknown --format {}", a.format)))?;
    if a.show_values {
        if fmt != format::Format::Human || a.output.is_some() {
            return Err(Error::Usage(
                "--show-values is only for the human format on a terminal, not with --output".into(),
            )
            .into());
        }
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            return Err(Error::Usage("--show-values is refused under CI (CI logs are widely read)".into()).into());
        }
    }
    let mut extra: Vec<(format::Format, PathBuf)> = Vec::new();
    for r in &a.report {
        let parsed = r
            .split_once('=')
            .and_then(|(f, p)| Some((format::Format::parse(f)?, PathBuf::from(p))))
            .filter(|(_, p)| !p.as_os_str().is_empty());
        match parsed {
            Some(x) => extra.push(x),
            None => {
                return Err(Error::Usage(format!(
                    "--report {r}: expected FORMAT=FILE with FORMAT one of human, json, sarif, junit, github"
                ))
                .into());
            }
        }
    }
    // A report or baseline inside the folder would be published with it.
    let paths = [
        ("--output", a.output.as_ref()),
        ("--baseline", a.baseline.as_ref()),
        ("--write-baseline", a.write_baseline.as_ref()),
    ]
    .into_iter()
    .chain(extra.iter().map(|(_, p)| ("--report", Some(p))));
    for (flag, p) in paths {
        if let Some(p) = p
            && batch::is_inside(p, &a.dir)
        {
            return Err(Error::Usage(format!("{flag} {} is inside the folder being checked", p.display())).into());
        }
    }
    let inputs = [a.dir.clone()];
    let (detector, skip) = build_detector(&a.detect, &inputs)?;
    let decisions_path = a.decisions.clone().or_else(|| detector.rules().decisions.clone());
    let decisions = match &decisions_path {
        Some(p) => Some(woo_redact::triage::Decisions::load(p, &detector.rules().grounds)?),
        None => None,
    };
    let baseline = match &a.baseline {
        Some(p) => Some(Baseline::load(p).map_err(Error::Usage)?),
        None => None,
    };
    let root = a.dir.to_string_lossy().replace('\\', "/");
    let root = root.trim_start_matches("./").trim_end_matches('/');
    let report = woo_redact::check::check_folder_ignoring(
        if root.is_empty() { "." } else { root },
        &a.dir,
        &skip,
        &a.ignore,
        &detector,
        decisions.as_ref(),
        baseline.as_ref(),
    )?;
    if let Some(p) = &a.write_baseline {
        batch::write_atomic(p, Baseline::from_report(&report).to_json().as_bytes())?;
    }
    for (f, p) in &extra {
        // Files are shared: never clear values in them.
        batch::write_atomic(p, format::render(&report, *f, false).as_bytes())?;
    }
    let text = format::render(&report, fmt, a.show_values);
    match &a.output {
        Some(p) => {
            batch::write_atomic(p, text.as_bytes())?;
            eprintln!("{}", format::summary_line(&report));
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not a failure of the check.
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    Ok(report.exit_code())
}

fn text(file: &Path) -> anyhow::Result<u8> {
    // The same per-document limits as a batch (a bomb must not take the terminal down).
    let _budget = woo_redact::limits::Budget::enter(&woo_redact::limits::Limits::default());
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut out = std::io::stdout().lock();
    if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        let pdf = woo_redact::source::pdf::load(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        writeln!(out, "{}", pdf.text.text)?;
        let mut incomplete = false;
        for (i, p) in pdf.pages.iter().enumerate() {
            for problem in &p.problems {
                incomplete = true;
                eprintln!("woo-redact: {}: page {}: {problem}", file.display(), i + 1);
            }
        }
        return Ok(if incomplete { INCOMPLETE } else { 0 });
    }
    // Recognised by content: an e-mail or a Word document prints the text a reader sees.
    let kind = batch::kind_of_name(&file.to_string_lossy());
    let kind = if kind == batch::DocKind::Unsupported {
        batch::DocKind::Text
    } else {
        kind
    };
    let layer = batch::read_layer(&file.to_string_lossy(), kind, bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    writeln!(out, "{}", layer.text)?;
    Ok(0)
}

fn rules(action: RulesAction) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    match action {
        RulesAction::Test { detect } => {
            let (det, _) = build_detector(&detect, &[])?;
            let (fails, n) = run_examples(&det);
            for f in &fails {
                writeln!(out, "FAIL {}: {:?}: {}", f.rule, f.example, f.problem)?;
            }
            writeln!(out, "{} passed, {} failed", n - fails.len(), fails.len())?;
            Ok(if fails.is_empty() { 0 } else { CONFIG })
        }
        RulesAction::Explain { text, detect } => {
            let (det, _) = build_detector(&detect, &[])?;
            let layer = TextLayer::plain(text);
            let scan = det.scan(&layer);
            writeln!(out, "{}", woo_redact::redact::text::apply(&layer.text, &scan.findings))?;
            for f in &scan.findings {
                let what = match &f.disposition {
                    woo_redact::detect::Disposition::Redact => format!("redact [{}]", f.ground),
                    woo_redact::detect::Disposition::Keep(r) => format!("keep ({r})"),
                };
                writeln!(
                    out,
                    "{:?} {} {} {:?}: {}; {}",
                    &layer.text[f.start..f.end],
                    f.rule,
                    f.category.as_str(),
                    f.confidence,
                    what,
                    f.explanation
                )?;
            }
            Ok(0)
        }
        RulesAction::List { detect } => {
            let (det, _) = build_detector(&detect, &[])?;
            let r = det.rules();
            writeln!(out, "config: {}", r.sources.join(", "))?;
            for rule in &r.rules {
                writeln!(
                    out,
                    "{:<22} {:<10} {:<7} {}",
                    rule.id,
                    rule.category.as_str(),
                    rule.ground,
                    rule.description
                )?;
            }
            writeln!(
                out,
                "name rules: naam-personeelslijst naam-initialen naam-titel naam-voornaam naam-kopregel naam-ondertekening naam-aanhef naam-organisatie naam-propagatie (5.1.2e)"
            )?;
            for g in r.grounds.all() {
                writeln!(
                    out,
                    "ground {:<7} {:<9} {}",
                    g.code,
                    format!("{:?}", g.kind).to_lowercase(),
                    g.label
                )?;
            }
            Ok(0)
        }
    }
}

/// One stderr line for a document that was not written: path, status, reason.
pub(super) fn say_incomplete(e: &woo_redact::report::json::DocEntry) {
    eprintln!(
        "woo-redact: {}: {}: {}",
        e.path,
        e.status.as_str(),
        e.reason.as_deref().unwrap_or("")
    );
}

/// OCR as asked: off, on, or wanted but not installed (scans then need review, and the report
/// says which packages to install).
fn ocr_mode(off: bool, lang: &str) -> woo_redact::source::pdf::scanned::Ocr {
    use woo_redact::source::pdf::{ocr, scanned::Ocr};
    if off {
        return Ocr::Off;
    }
    let opts = ocr::OcrOptions {
        lang: lang.to_string(),
        ..Default::default()
    };
    match ocr::available(&opts) {
        Ok(()) => Ocr::On(opts),
        Err(e) => Ocr::Unavailable(e.to_string()),
    }
}
