//! The `ssotlint` command line as clap sees it: every subcommand and flag. Part of the
//! binary, not the library (`report` and `baseline` take theirs from
//! `ssotlint::report::cli`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use ssotlint::output::Format;

#[derive(Parser)]
#[command(
    name = "ssotlint",
    version,
    about = "Keep a Python code base on a single source of truth"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check files or directories (default: the current directory).
    Check(CheckArgs),
    /// Show the documentation of one rule.
    Rule {
        /// A code (`SSOT001`) or name (`fragmented-import`).
        code: String,
    },
    /// List every rule.
    Rules {
        /// Print every rule's documentation as one Markdown page (docs/rules.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Check only what is staged for commit (same as `check --staged`).
    Hook(HookArgs),
    /// Install the pre-commit hook where git runs hooks (`core.hooksPath` honoured).
    InstallHook {
        /// Replace a hook ssotlint did not write; it is kept as `pre-commit.local` and
        /// called first.
        #[arg(long)]
        force: bool,
    },
    /// Measure SSOT figures: canonical share, singletons, factory adoption, score.
    Report(ssotlint::report::cli::ReportArgs),
    /// Write the current violations to a baseline file.
    Baseline(ssotlint::report::cli::BaselineArgs),
    /// Run the language server (LSP over stdin/stdout).
    Server,
    /// Write a starter config, proposing `[canonical]` entries found in the project.
    Init(InitArgs),
}

#[derive(Args)]
pub struct InitArgs {
    /// The project directory (default: the current one).
    pub dir: Option<PathBuf>,
    /// Write `[tool.ssotlint]` into `pyproject.toml` instead of `ssotlint.toml`.
    #[arg(long)]
    pub pyproject: bool,
    /// Print the config instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an existing config.
    #[arg(long)]
    pub force: bool,
    /// Propose only symbols imported at least N times.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_imports: usize,
    /// No progress line and no summary.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct HookArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Run as a pre-commit framework hook (`pass_filenames: true`): a `git commit`
    /// checks the named files' staged added lines, `--from-ref/--to-ref` what the range
    /// adds, `--all-files`/`--files` the named files whole.
    #[arg(long)]
    pub pre_commit: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Files or directories to check.
    pub paths: Vec<PathBuf>,
    /// A config file for every checked file (no lookup), or a TOML `key = value`
    /// override of the config's own keys (`--config "lint.ignore = ['SSOT101']"`);
    /// repeatable, as in ruff.
    #[arg(long, value_name = "CONFIG_OPTION")]
    pub config: Vec<String>,
    /// Output format (default: full on a terminal, concise otherwise).
    #[arg(long, value_enum)]
    pub output_format: Option<Format>,
    /// Rule codes or prefixes to run, replacing the config's `select`.
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Rule codes or prefixes to skip, on top of the config's `ignore`.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print a count per rule instead of each diagnostic.
    #[arg(long)]
    pub statistics: bool,
    /// Print diagnostics only, no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Apply the safe fixes (and the unsafe ones with `--unsafe-fixes`), writing files.
    #[arg(long)]
    pub fix: bool,
    /// Also apply fixes that may change behaviour (renames of references).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing; exit 1 when there is one
    /// (with `--fix` too, as in ruff).
    #[arg(long)]
    pub diff: bool,
    /// Do not read or write the cache (`.ssotlint_cache/` beside the config).
    #[arg(long)]
    pub no_cache: bool,
    /// Keep the cache in DIR instead (also `SSOTLINT_CACHE_DIR`).
    #[arg(long, value_name = "DIR", env = "SSOTLINT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Check only what is staged for commit: index blobs, added lines.
    #[arg(long, conflicts_with = "diff_base")]
    pub staged: bool,
    /// Only lines changed since REV (its merge base with HEAD), for CI on pull requests.
    #[arg(long, value_name = "REV")]
    pub diff_base: Option<String>,
    /// `hook --pre-commit` with pre-commit's `--from-ref/--to-ref`: (FROM, TO).
    #[arg(skip)]
    pub range: Option<(String, String)>,
    /// With `--staged`/`--diff-base`: keep diagnostics on unchanged lines of changed files.
    #[arg(long)]
    pub all_lines: bool,
    /// Report only violations not in this baseline (`ssotlint baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Parse every file whole: no prefilter-free fast path, no body reducer (to verify
    /// that the fast path changes nothing; `scripts/reduce_equivalence.sh`).
    #[arg(long, alias = "no-reduce")]
    pub no_fast_path: bool,
    /// Exit 0 even when violations are found (2 still means the tool failed).
    #[arg(long, short = 'e')]
    pub exit_zero: bool,
    /// Rule codes or prefixes to run on top of the selection.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub extend_select: Vec<String>,
    /// Same as `--ignore` (ruff's name).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub extend_ignore: Vec<String>,
    /// With the path `-`: the name of the file whose text comes on stdin (config is
    /// looked up from it, findings name it).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Write the report to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// List the fixes applied (with `--fix`) or available, per file and rule.
    #[arg(long)]
    pub show_fixes: bool,
    /// Apply fixes and report nothing else; exit 0 unless the tool failed.
    #[arg(long)]
    pub fix_only: bool,
    /// Replace `project.exclude` with these patterns (relative to the config's directory).
    #[arg(long, value_delimiter = ',', value_name = "PATTERN")]
    pub exclude: Option<Vec<String>>,
    /// Add these patterns to `project.exclude`.
    #[arg(long, value_delimiter = ',', value_name = "PATTERN")]
    pub extend_exclude: Vec<String>,
    /// Add `# noqa: CODE` to every flagged line (existing noqa codes kept).
    #[arg(long, conflicts_with_all = ["fix", "diff", "fix_only", "staged", "diff_base"])]
    pub add_noqa: bool,
    /// Check again whenever a Python or config file changes (Ctrl-C stops).
    #[arg(long, short = 'w', conflicts_with_all = ["fix", "diff", "fix_only", "add_noqa", "staged", "diff_base"])]
    pub watch: bool,
    /// Say on stderr which config applies, which files are checked and how long it took.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Print the resolved settings for the first path (default `.`) and exit.
    #[arg(long)]
    pub show_settings: bool,
    /// Add the `[canonical]` entries `ssotlint init` would propose for the checked tree
    /// to the configured ones (configured names win).
    #[arg(long, conflicts_with_all = ["staged", "diff_base"])]
    pub infer: bool,
}
