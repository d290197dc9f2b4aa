//! The `ssotlint` command: parse arguments, call the library, map results to exit codes
//! (0 nothing to report, 1 violations found, 2 the tool could not do its job).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use ssotlint::check::{check_paths, check_paths_with, CheckReport};
use ssotlint::fixer::{fix_paths, FixMode};
use ssotlint::hook::{check_changes, ChangeOptions, Installed, PreCommitMode, Target};
use ssotlint::output::{self, Format};
use ssotlint::{LintOptions, Rule, SettingsStore};

#[derive(Parser)]
#[command(
    name = "ssotlint",
    version,
    about = "Keep a Python code base on a single source of truth"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
}

#[derive(Args)]
struct HookArgs {
    #[command(flatten)]
    check: CheckArgs,
    /// Run as a pre-commit framework hook (`pass_filenames: true`): a `git commit`
    /// checks the named files' staged added lines, `--from-ref/--to-ref` what the range
    /// adds, `--all-files`/`--files` the named files whole.
    #[arg(long)]
    pre_commit: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// Files or directories to check.
    paths: Vec<PathBuf>,
    /// Use this config file for every checked file (no lookup).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Output format (default: full on a terminal, concise otherwise).
    #[arg(long, value_enum)]
    output_format: Option<Format>,
    /// Rule codes or prefixes to run, replacing the config's `select`.
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rule codes or prefixes to skip, on top of the config's `ignore`.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Print a count per rule instead of each diagnostic.
    #[arg(long)]
    statistics: bool,
    /// Print diagnostics only, no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Apply the safe fixes (and the unsafe ones with `--unsafe-fixes`), writing files.
    #[arg(long)]
    fix: bool,
    /// Also apply fixes that may change behaviour (renames of references).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing; exit 1 when there is one.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Accepted for ruff compatibility; ssotlint keeps no cache.
    #[arg(long)]
    no_cache: bool,
    /// Check only what is staged for commit: index blobs, added lines.
    #[arg(long, conflicts_with = "diff_base")]
    staged: bool,
    /// Only lines changed since REV (its merge base with HEAD), for CI on pull requests.
    #[arg(long, value_name = "REV")]
    diff_base: Option<String>,
    /// `hook --pre-commit` with pre-commit's `--from-ref/--to-ref`: (FROM, TO).
    #[arg(skip)]
    range: Option<(String, String)>,
    /// With `--staged`/`--diff-base`: keep diagnostics on unchanged lines of changed files.
    #[arg(long)]
    all_lines: bool,
    /// Report only violations not in this baseline (`ssotlint baseline`).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Parse every body in full (verifies the body reducer; see bench/README.md).
    #[arg(long, hide = true)]
    no_reduce: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rule { code } => show_rule(&code),
        Command::Rules { markdown } => list_rules(markdown),
        Command::Hook(args) => run_hook(args),
        Command::InstallHook { force } => install_hook(force),
        Command::Report(args) => ssotlint::report::cli::run_report(args),
        Command::Baseline(args) => ssotlint::report::cli::run_baseline(args),
        Command::Server => Ok(ExitCode::from(
            u8::try_from(ssotlint::server::run()).unwrap_or(2),
        )),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn validate_codes(codes: &[String], flag: &str) -> Result<Vec<String>, String> {
    codes
        .iter()
        .map(|c| {
            let c = c.trim().to_ascii_uppercase();
            if Rule::is_valid_prefix(&c) {
                Ok(c)
            } else {
                Err(format!("{flag}: unknown rule code or prefix `{c}`"))
            }
        })
        .collect()
}

fn run_check(args: CheckArgs) -> Result<ExitCode, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let store = match &args.config {
        Some(path) => SettingsStore::fixed(path).map_err(|e| e.to_string())?,
        None => SettingsStore::discover(&cwd),
    };
    let store = Arc::new(store);
    let options = LintOptions {
        select: args
            .select
            .as_deref()
            .map(|s| validate_codes(s, "--select"))
            .transpose()?,
        extend_ignore: validate_codes(&args.ignore, "--ignore")?,
    };
    if args.staged || args.diff_base.is_some() || args.range.is_some() {
        return run_changes(args, &cwd, options);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.fix || args.diff {
        return run_fix(&paths, &store, &options, &args);
    }
    let mut report = if args.no_reduce {
        check_paths_with(&paths, &store, &options, false)
    } else {
        check_paths(&paths, &store, &options)
    };
    if let Some(file) = &args.baseline {
        let gone = ssotlint::report::cli::apply_baseline(&mut report, file, &paths)?;
        if gone > 0 {
            eprintln!(
                "{gone} baseline entr{} gone (tighten the baseline with `ssotlint baseline --prune`).",
                if gone == 1 { "y is" } else { "ies are" }
            );
        }
    }
    finish(&report, &args)
}

/// Warnings, errors, output and the exit code, shared by every check mode.
fn finish(report: &CheckReport, args: &CheckArgs) -> Result<ExitCode, String> {
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    if !report.errors.is_empty() {
        for error in &report.errors {
            eprintln!("error: {error}");
        }
        return Ok(ExitCode::from(2));
    }
    print_report(report, args).map_err(|e| format!("cannot write output: {e}"))?;
    Ok(if report.diagnostic_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--staged` / `--diff-base`: lint only the changed lines, through git.
fn run_changes(args: CheckArgs, cwd: &Path, lint: LintOptions) -> Result<ExitCode, String> {
    let target = match (&args.diff_base, &args.range) {
        (_, Some((from, to))) => Target::Range {
            from: from.clone(),
            to: to.clone(),
        },
        (Some(rev), None) => Target::Since(rev.clone()),
        (None, None) => Target::Staged,
    };
    let options = ChangeOptions {
        all_lines: args.all_lines,
        paths: args
            .paths
            .iter()
            .map(|p| ssotlint::config::normalize(p))
            .collect(),
        config: args.config.clone(),
        lint,
        fix: args.fix,
        unsafe_fixes: args.unsafe_fixes,
    };
    if args.diff {
        return Err(
            "--diff works on files only; use `ssotlint check --diff` (or `--fix` with --staged)"
                .to_string(),
        );
    }
    let report = check_changes(&target, &options, cwd)?;
    let code = finish(&report.check, &args)?;
    if args.fix && report.check.errors.is_empty() && !args.quiet {
        println!(
            "Fixed {}, {} left",
            report.fixed,
            report.check.diagnostic_count()
        );
    }
    Ok(code)
}

/// `hook`: the staged changes; with `--pre-commit`, what pre-commit asked for (see
/// [`ssotlint::hook::pre_commit_mode`]).
fn run_hook(hook: HookArgs) -> Result<ExitCode, String> {
    let mut args = hook.check;
    if !hook.pre_commit {
        args.staged = true;
        return run_check(args);
    }
    match ssotlint::hook::pre_commit_mode(|name| std::env::var(name).ok()) {
        PreCommitMode::Range { from, to } => args.range = Some((from, to)),
        PreCommitMode::Staged => args.staged = true,
        PreCommitMode::Files => {
            args.paths = ssotlint::hook::pre_commit_files(&args.paths, args.config.as_deref())?;
            // No Python file named: nothing to check (no paths would mean `.`).
            if args.paths.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    run_check(args)
}

fn install_hook(force: bool) -> Result<ExitCode, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let message = match ssotlint::hook::install_hook(&cwd, force)? {
        Installed::New(path) => format!("Installed the ssotlint pre-commit hook at {}", path.display()),
        Installed::Updated(path) => format!("Updated the ssotlint pre-commit hook at {}", path.display()),
        Installed::KeptPrevious(path, local) => format!(
            "Installed the ssotlint pre-commit hook at {}; the previous hook is now {} and runs first",
            path.display(),
            local.display()
        ),
    };
    println!("{message}");
    Ok(ExitCode::SUCCESS)
}

fn run_fix(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
    args: &CheckArgs,
) -> Result<ExitCode, String> {
    let mode = if args.diff {
        FixMode::Diff
    } else {
        FixMode::Write
    };
    let report = fix_paths(paths, store, options, args.unsafe_fixes, mode);
    for warning in &report.check.warnings {
        eprintln!("warning: {warning}");
    }
    let write_err = |e: io::Error| format!("cannot write output: {e}");
    let left = report.check.diagnostic_count();
    if mode == FixMode::Diff {
        let mut out = io::BufWriter::new(io::stdout().lock());
        for diff in &report.diffs {
            write!(out, "{diff}").map_err(write_err)?;
        }
        out.flush().map_err(write_err)?;
        eprintln!("Would fix {}, {left} left", report.fixed);
    } else {
        print_report(&report.check, args).map_err(write_err)?;
        if !args.quiet {
            println!("Fixed {}, {left} left", report.fixed);
        }
    }
    if !report.check.errors.is_empty() {
        for error in &report.check.errors {
            eprintln!("error: {error}");
        }
        return Ok(ExitCode::from(2));
    }
    let dirty = match mode {
        FixMode::Diff => !report.diffs.is_empty(),
        FixMode::Write => left > 0,
    };
    Ok(if dirty {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_report(report: &CheckReport, args: &CheckArgs) -> io::Result<()> {
    let stdout = io::stdout();
    let is_terminal = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.statistics {
        output::write_statistics(&report.files, &mut out)?;
        return out.flush();
    }
    let format = args.output_format.unwrap_or(if is_terminal {
        Format::Full
    } else {
        Format::Concise
    });
    let color = is_terminal && std::env::var_os("NO_COLOR").is_none();
    output::write(format, &report.files, color, &mut out)?;
    if matches!(format, Format::Full | Format::Concise) && !args.quiet && !args.fix {
        let n = report.diagnostic_count();
        if n == 0 {
            writeln!(out, "All checks passed ({} files).", report.checked)?;
        } else {
            writeln!(
                out,
                "Found {n} diagnostic{} in {} file{} ({} checked).",
                if n == 1 { "" } else { "s" },
                report.files.len(),
                if report.files.len() == 1 { "" } else { "s" },
                report.checked
            )?;
        }
    }
    out.flush()
}

fn show_rule(code: &str) -> Result<ExitCode, String> {
    let rule = Rule::from_code(code)
        .ok_or_else(|| format!("unknown rule `{code}` (see `ssotlint rules`)"))?;
    println!("# {} ({})\n", rule.name(), rule.code());
    println!("{}\n", rule.summary());
    println!("Default severity: {}\n", rule.default_severity().as_str());
    print!("{}", rule.doc());
    Ok(ExitCode::SUCCESS)
}

fn list_rules(markdown: bool) -> Result<ExitCode, String> {
    if markdown {
        print!("{}", ssotlint::rules::markdown_page());
        return Ok(ExitCode::SUCCESS);
    }
    for rule in Rule::ALL {
        println!("{}  {:<34} {}", rule.code(), rule.name(), rule.summary());
    }
    Ok(ExitCode::SUCCESS)
}
