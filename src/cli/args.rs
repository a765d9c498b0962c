//! Argument definitions. Parsing only; files are opened in `run`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Redact personal data from documents for publication under the Woo.
#[derive(Debug, Parser)]
#[command(name = "woo-redact", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Force every output file to disk before it is renamed into place (one fsync per file).
    /// Default: outputs appear whole by rename and the written folders are made durable once,
    /// at the end of the run.
    #[arg(long, global = true)]
    pub sync_each_file: bool,
}

/// Exit codes, shown in --help.
pub const EXIT_CODES: &str = "Exit codes:\n  0   done\n  1   check: personal data or an unsafe file found\n  2   incomplete: a document could not be processed or verified (needs review)\n  64  usage error\n  78  invalid rules or configuration\n  130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: documents written so far are complete, no report";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Redact documents: the publication set (redacted copies, inventory, justification) in
    /// OUT/publicatie/, the working files (report, log, review copies) in OUT/werkbestanden/.
    Redact(RedactArgs),
    /// Print the text layer the detector sees in a file, with page problems (local use: prints
    /// the text in clear).
    Text {
        /// A .txt, .md or .pdf file.
        file: std::path::PathBuf,
    },
    /// Show every proposed redaction in context, with rule, ground and reason (local use:
    /// prints the text in clear).
    Review(ReviewArgs),
    /// The first pass of `redact` alone: write every name the batch propagates (for sharded
    /// runs; the file holds surnames in clear: keep it with the inputs).
    Names(NamesArgs),
    /// Combine the --out folders of `redact --shard 1/N … N/N` into what one run would write.
    Merge(MergeArgs),
    /// Check a folder before publication (CI gate): personal data still present, unsafe PDFs,
    /// redactions without a valid ground label, an inventory that does not match.
    Check(CheckArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on standard output.
    Man,
    /// Work with the rules: run their examples, explain a text, list them.
    Rules {
        /// Rules action.
        #[command(subcommand)]
        action: RulesAction,
    },
}

/// Options shared by commands that detect.
#[derive(Debug, Args, Clone, Default)]
pub struct DetectArgs {
    /// Staff list: one name per line, or an address-book CSV export.
    #[arg(long, value_name = "FILE")]
    pub staff: Option<PathBuf>,
    /// Public officials (never redacted): one name per line, or CSV.
    #[arg(long, value_name = "FILE")]
    pub officials: Option<PathBuf>,
    /// Config file extending the built-in rules (default: woo-redact.toml beside the inputs).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `check` options.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The folder about to be published (walked recursively; a file check cannot read fails
    /// the check unless `--ignore` allows it).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Detection options.
    #[command(flatten)]
    pub detect: DetectArgs,
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "human",
          value_parser = ["human", "json", "sarif", "junit", "github"])]
    pub format: String,
    /// Write the output to FILE instead of standard output (not inside DIR).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write this format to FILE, from the same run (repeatable; not inside DIR), e.g.
    /// `--report sarif=woo.sarif --report junit=woo.xml`.
    #[arg(long, value_name = "FORMAT=FILE")]
    pub report: Vec<String>,
    /// Accept the findings recorded in this baseline (fingerprints only; not inside DIR).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding as a baseline to FILE (not inside DIR).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Reviewer decisions (keep / manual redact); default: `decisions` in the config.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Leave out files of the input folders that match GLOB (repeatable): what a platform
    /// export adds and is not to be published, e.g. `--ignore '*.xml'`. A pattern without `/`
    /// matches the file name at any depth, one with `/` the relative path; `*` does not cross
    /// `/`, `**` does. Every other file is processed or reported as one that cannot be read.
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// Print the found text in clear (human format, local use only: refused under CI).
    #[arg(long)]
    pub show_values: bool,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
}

/// `redact` options.
#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Files or folders (walked recursively: .txt, .md, .pdf, .eml, .msg, .docx; any other
    /// file is reported as unsupported). A file is recognised by its content.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder: empty or new, not inside an input folder. The publication set goes to
    /// DIR/publicatie/, the working files to DIR/werkbestanden/.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the output of an earlier run in --out (its publicatie/ and werkbestanden/);
    /// anything else in --out is refused.
    #[arg(long)]
    pub overwrite: bool,
    /// Detection options.
    #[command(flatten)]
    pub detect: DetectArgs,
    /// Only these file extensions from input folders (comma-separated, e.g. `txt,md`).
    /// Default: every file; one no reader takes is reported `unsupported` (exit 2).
    #[arg(long, value_name = "EXT,...", value_delimiter = ',')]
    pub ext: Vec<String>,
    /// Leave out files of the input folders that match GLOB (repeatable): what a platform
    /// export adds and is not to be published, e.g. `--ignore '*.xml'`. A pattern without `/`
    /// matches the file name at any depth, one with `/` the relative path; `*` does not cross
    /// `/`, `**` does. Every other file is processed or reported as one that cannot be read.
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// Prefix of the stable document numbers in inventaris.csv and redactielog.csv.
    #[arg(long, value_name = "PREFIX", default_value = "WOO-")]
    pub document_prefix: String,
    /// Reviewer decisions (keep / manual redact); default: `decisions` in the config.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Close every redacted document with its section-5 justification (a last page in a PDF,
    /// a closing section in a text file).
    #[arg(long)]
    pub justification_page: bool,
    /// Also write the inventory as `inventaris.xlsx` (`xlsx`); `csv` is always written.
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = ["csv", "xlsx"])]
    pub inventory_format: String,
    /// Name of the decision (Besluitnaam column of inventaris.csv).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub decision_name: String,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// No progress bar or summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Time limit per document in seconds; a document over it needs review.
    #[arg(long, value_name = "SECONDS", default_value_t = woo_redact::limits::Limits::default().max_seconds)]
    pub max_seconds_per_document: u64,
    /// Limit on decompressed PDF data per document in MiB (decompression bombs); a document
    /// over it needs review.
    #[arg(long, value_name = "MIB", default_value_t = woo_redact::limits::Limits::default().max_decompressed >> 20)]
    pub max_decompressed_mib: usize,
    /// Page limit per PDF; a document over it needs review.
    #[arg(long, value_name = "PAGES", default_value_t = woo_redact::limits::Limits::default().max_pages)]
    pub max_pages: usize,
    /// Do not render PDFs with poppler's pdftoppm to compare what a reader sees (by default
    /// every written PDF is rendered, and a PDF that cannot be compared needs review).
    #[arg(long)]
    pub no_render_check: bool,
    /// Do not read scanned pages with OCR (Tesseract): a page that is only an image then needs
    /// review. By default scans are read, redacted in their pixels and verified by reading the
    /// written page again.
    #[arg(long)]
    pub no_ocr: bool,
    /// Do not write the OCR words that stay as an invisible text layer over a scanned page
    /// (by default the published scan is searchable).
    #[arg(long)]
    pub no_ocr_layer: bool,
    /// Tesseract language models for OCR, joined with `+` (`nld`, `nld+eng`).
    #[arg(long, value_name = "LANGS", default_value = "nld")]
    pub ocr_lang: String,
    /// Process only shard K of N (1-based; by a hash of each relative path) and write
    /// shard.json for `merge`. With N > 1, --names is required.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<woo_redact::scale::Shard>,
    /// Names to propagate across the batch, from `woo-redact names` over the same inputs.
    #[arg(long, value_name = "FILE")]
    pub names: Option<PathBuf>,
}

/// `names` options.
#[derive(Debug, Args)]
pub struct NamesArgs {
    /// Files or folders, exactly as given to `redact`.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The names file to write.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// Detection options.
    #[command(flatten)]
    pub detect: DetectArgs,
    /// Only these file extensions from input folders, as given to `redact`.
    #[arg(long, value_name = "EXT,...", value_delimiter = ',')]
    pub ext: Vec<String>,
    /// Leave out files matching GLOB, as given to `redact`.
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// `merge` options.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The --out folders of every shard.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Output folder: redacted documents and the package, as one run writes them.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the output of an earlier run in --out (its publicatie/ and werkbestanden/).
    #[arg(long)]
    pub overwrite: bool,
    /// The config the shards used (its grounds table words the justification).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Move the redacted documents out of the shard folders instead of copying them.
    #[arg(long = "move")]
    pub move_files: bool,
    /// No summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `review` options.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Files or folders (none when comparing two runs with `--against OLD --against NEW`).
    #[arg(required_unless_present = "against", value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Detection options.
    #[command(flatten)]
    pub detect: DetectArgs,
    /// Reviewer decisions to apply.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Leave out files matching GLOB, as given to `redact`.
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// What to show: all, candidates (uncertain findings), needs-review (unreadable files).
    /// Default: all; with --decide: candidates.
    #[arg(long, value_parser = ["all", "candidates", "needs-review"])]
    pub only: Option<String>,
    /// No colours (also when stdout is not a terminal).
    #[arg(long)]
    pub no_color: bool,
    /// Write one self-contained HTML page for the whole batch to FILE instead of the terminal
    /// view (clear text: local use).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["decide", "against"])]
    pub html: Option<PathBuf>,
    /// Walk the candidates (with --only all: every finding) and ask accept / reject / skip /
    /// quit for each, reading answers from stdin; writes the decisions file.
    #[arg(long, conflicts_with = "against")]
    pub decide: bool,
    /// Compare the originals with a redacted folder (once), or two redacted folders with each
    /// other (twice: OLD then NEW).
    #[arg(long, value_name = "OUT_DIR", num_args = 1, action = clap::ArgAction::Append)]
    pub against: Vec<PathBuf>,
}

/// `rules` actions.
#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Run every rule's examples; exit 78 if one fails.
    Test {
        /// Detection options.
        #[command(flatten)]
        detect: DetectArgs,
    },
    /// Show what would be redacted in TEXT and why (local use: prints the text in clear).
    Explain {
        /// The text to explain.
        text: String,
        /// Detection options.
        #[command(flatten)]
        detect: DetectArgs,
    },
    /// List the rules and grounds in use.
    List {
        /// Detection options.
        #[command(flatten)]
        detect: DetectArgs,
    },
}
