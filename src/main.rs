//! The `ssotlint` command: parse arguments, call the library, map results to exit codes
//! (0 nothing to report, 1 violations found, 2 the tool could not do its job).

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

mod cli;
mod commands;

use cli::{CheckArgs, Cli, Command, HookArgs};
use commands::{install_hook, list_rules, run_init, show_rule, show_settings};
use ssotlint::cache::CacheOptions;
use ssotlint::config::{ConfigArg, ConfigSource, Overrides, CONFIG_FILES};
use ssotlint::diagnostic::{CheckReport, FileReport};
use ssotlint::driver::check_paths_with;
use ssotlint::fixer::{fix_paths, unified_diff, FixMode};
use ssotlint::git::{check_changes, ChangeOptions, PreCommitMode, Target};
use ssotlint::output::{self, Format};
use ssotlint::{LintOptions, Rule, SettingsStore};

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
        Command::Init(args) => run_init(args),
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
    if args.watch {
        return run_watch(&args);
    }
    let code = run_check_once(&args)?;
    Ok(if args.exit_zero && code == ExitCode::from(1) {
        ExitCode::SUCCESS
    } else {
        code
    })
}

fn run_check_once(args: &CheckArgs) -> Result<ExitCode, String> {
    let started = std::time::Instant::now();
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let (config_file, overrides) = config_args(args)?;
    let new_store = |overrides| -> Result<Arc<SettingsStore>, String> {
        let store = SettingsStore::open(ConfigSource::Disk, None, config_file.as_deref(), &cwd)
            .map_err(|e| e.to_string())?;
        Ok(Arc::new(store.with_overrides(overrides)?))
    };
    let mut store = new_store(overrides)?;
    if args.infer {
        store = new_store(infer_overrides(args, &store, &cwd)?)?;
    }
    let mut extend_ignore = validate_codes(&args.ignore, "--ignore")?;
    extend_ignore.extend(validate_codes(&args.extend_ignore, "--extend-ignore")?);
    let options = LintOptions {
        select: args
            .select
            .as_deref()
            .map(|s| validate_codes(s, "--select"))
            .transpose()?,
        extend_select: validate_codes(&args.extend_select, "--extend-select")?,
        extend_ignore,
    };
    if args.staged || args.diff_base.is_some() || args.range.is_some() {
        if !store.overrides().is_empty() {
            return Err("--config KEY=VALUE, --exclude and --extend-exclude do not apply to --staged/--diff-base (staged configs are read from the index)".to_string());
        }
        return run_changes(args, &cwd, options, config_file);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.show_settings {
        return show_settings(&paths, &store, &options);
    }
    let stdin =
        paths == [PathBuf::from("-")] || (args.paths.is_empty() && args.stdin_filename.is_some());
    if stdin {
        return run_stdin(args, &store, &options);
    }
    if args.verbose {
        verbose_files(&paths, &store);
    }
    if args.add_noqa {
        return run_add_noqa(&paths, &store, &options, args);
    }
    if args.fix || args.diff || args.fix_only {
        let code = run_fix(&paths, &store, &options, args);
        verbose_time(args, started);
        return code;
    }
    let cache = (!args.no_cache).then(|| CacheOptions {
        dir: args.cache_dir.clone(),
        key: format!("{:?}", store.overrides()),
    });
    let mut report = check_paths_with(&paths, &store, &options, !args.no_fast_path, cache);
    if let Some(file) = &args.baseline {
        let gone = ssotlint::report::cli::apply_baseline(&mut report, file, &paths)?;
        if gone > 0 {
            eprintln!(
                "{gone} baseline entr{} gone (tighten the baseline with `ssotlint baseline --prune`).",
                if gone == 1 { "y is" } else { "ies are" }
            );
        }
    }
    let code = finish(&report, args)?;
    if args.show_fixes {
        show_available_fixes(&report, args).map_err(|e| format!("cannot write output: {e}"))?;
    }
    verbose_time(args, started);
    Ok(code)
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
fn run_changes(
    args: &CheckArgs,
    cwd: &Path,
    lint: LintOptions,
    config: Option<PathBuf>,
) -> Result<ExitCode, String> {
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
        config,
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
    let code = finish(&report.check, args)?;
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
/// [`ssotlint::git::pre_commit_mode`]).
fn run_hook(hook: HookArgs) -> Result<ExitCode, String> {
    let mut args = hook.check;
    if !hook.pre_commit {
        args.staged = true;
        return run_check(args);
    }
    match ssotlint::git::pre_commit_mode(|name| std::env::var(name).ok()) {
        PreCommitMode::Range { from, to } => args.range = Some((from, to)),
        PreCommitMode::Staged => args.staged = true,
        PreCommitMode::Files => {
            let (config_file, _) = config_args(&args)?;
            args.paths = ssotlint::git::pre_commit_files(&args.paths, config_file.as_deref())?;
            // No Python file named: nothing to check (no paths would mean `.`).
            if args.paths.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    run_check(args)
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
    } else if args.fix_only {
        if !args.quiet {
            println!(
                "Fixed {} diagnostic{}.",
                report.fixed,
                if report.fixed == 1 { "" } else { "s" }
            );
        }
    } else {
        print_report(&report.check, args).map_err(write_err)?;
        if !args.quiet {
            println!("Fixed {}, {left} left", report.fixed);
        }
    }
    if args.show_fixes && mode == FixMode::Write {
        let mut out = io::stdout().lock();
        write_fixes(&mut out, "Fixed", &report.fixed_by_file).map_err(write_err)?;
    }
    if !report.check.errors.is_empty() {
        for error in &report.check.errors {
            eprintln!("error: {error}");
        }
        return Ok(ExitCode::from(2));
    }
    let dirty = match mode {
        FixMode::Diff => !report.diffs.is_empty(),
        FixMode::Write => left > 0 && !args.fix_only,
    };
    Ok(if dirty {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_report(report: &CheckReport, args: &CheckArgs) -> io::Result<()> {
    let stdout = io::stdout();
    let (is_terminal, mut out): (bool, Box<dyn Write>) = match &args.output_file {
        Some(path) => (
            false,
            Box::new(io::BufWriter::new(std::fs::File::create(path)?)),
        ),
        None => (
            stdout.is_terminal(),
            Box::new(io::BufWriter::new(stdout.lock())),
        ),
    };
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

/// `--config` arguments the ruff way: at most one file, any number of `key = value`
/// overrides; `--exclude`/`--extend-exclude` ride along as overrides.
fn config_args(args: &CheckArgs) -> Result<(Option<PathBuf>, Overrides), String> {
    let mut file = None;
    let mut items = Vec::new();
    for arg in &args.config {
        match ConfigArg::classify(arg)? {
            ConfigArg::File(path) if file.is_none() => file = Some(path),
            ConfigArg::File(path) => {
                return Err(format!(
                    "--config `{}`: only one config file can be given",
                    path.display()
                ))
            }
            ConfigArg::Override(item) => items.push(item),
        }
    }
    let overrides =
        Overrides::parse(&items)?.with_excludes(args.exclude.as_deref(), &args.extend_exclude)?;
    Ok((file, overrides))
}

/// `check --infer`: the inferred `[canonical]` table under the user's own overrides.
fn infer_overrides(
    args: &CheckArgs,
    store: &Arc<SettingsStore>,
    cwd: &Path,
) -> Result<Overrides, String> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let first = ssotlint::config::normalize(&paths[0]);
    let settings = if first.is_dir() {
        store.for_dir(&first)
    } else {
        store.for_file(&first)
    }
    .or_else(|_| store.for_dir(cwd))
    .map_err(|e| e.to_string())?;
    let inferred = ssotlint::init::inferred_overrides(store, &settings, args.quiet);
    let mut items = vec![inferred];
    items.extend(
        args.config
            .iter()
            .filter(|a| matches!(ConfigArg::classify(a), Ok(ConfigArg::Override(_))))
            .cloned(),
    );
    Overrides::parse(&items)?.with_excludes(args.exclude.as_deref(), &args.extend_exclude)
}

/// `-` (with `--stdin-filename`): lint the text on stdin as that file. With `--fix` the
/// fixed text goes to stdout and what is left to stderr, as ruff does; with `--diff`
/// the diff goes to stdout.
fn run_stdin(
    args: &CheckArgs,
    store: &Arc<SettingsStore>,
    options: &LintOptions,
) -> Result<ExitCode, String> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let shown = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("-"));
    let absolute = ssotlint::config::normalize(&shown);
    let settings = store.for_file(&absolute).map_err(|e| e.to_string())?;
    if args.verbose {
        verbose_config(&settings);
    }
    let write_err = |e: io::Error| format!("cannot write output: {e}");
    if !(args.fix || args.diff || args.fix_only) {
        let linted = ssotlint::lint_text(&absolute, text, &settings, options);
        let mut report = CheckReport {
            checked: 1,
            ..CheckReport::default()
        };
        if !linted.diagnostics.is_empty() {
            report.files.push(FileReport {
                path: shown,
                source: linted.source,
                diagnostics: linted.diagnostics,
            });
        }
        let code = finish(&report, args)?;
        if args.show_fixes {
            show_available_fixes(&report, args).map_err(write_err)?;
        }
        return Ok(code);
    }
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest.to_string()),
        None => ("", text.clone()),
    };
    let outcome = ssotlint::fixer::fix_text(
        &absolute,
        body.clone(),
        &settings,
        options,
        args.unsafe_fixes,
    );
    let changed = outcome.text != body;
    let left = outcome.linted.diagnostics.len();
    let mut out = io::stdout().lock();
    if args.diff {
        write!(out, "{}", unified_diff(&shown, &body, &outcome.text)).map_err(write_err)?;
        eprintln!("Would fix {}, {left} left", outcome.fixed);
        return Ok(if changed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    write!(out, "{bom}{}", outcome.text).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    if args.fix_only {
        return Ok(ExitCode::SUCCESS);
    }
    let left_report = [FileReport {
        path: shown,
        source: outcome.linted.source,
        diagnostics: outcome.linted.diagnostics,
    }];
    let mut err = io::stderr().lock();
    output::write(Format::Concise, &left_report, false, &mut err).map_err(write_err)?;
    if !args.quiet {
        writeln!(err, "Fixed {}, {left} left", outcome.fixed).map_err(write_err)?;
    }
    Ok(if left > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--add-noqa`: a `# noqa` on every flagged line; prints how many were added.
fn run_add_noqa(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
    args: &CheckArgs,
) -> Result<ExitCode, String> {
    let report = ssotlint::noqa::add_noqa_paths(paths, store, options);
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    for error in &report.errors {
        eprintln!("error: {error}");
    }
    if !args.quiet {
        println!(
            "Added {} noqa directive{}.",
            report.added,
            if report.added == 1 { "" } else { "s" }
        );
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `--show-fixes` without `--fix`: the fixes `--fix` would apply, per file and rule.
fn show_available_fixes(report: &CheckReport, args: &CheckArgs) -> io::Result<()> {
    let by_file: Vec<(PathBuf, Vec<(Rule, usize)>)> = report
        .files
        .iter()
        .filter_map(|f| {
            let mut counts: std::collections::BTreeMap<Rule, usize> = Default::default();
            for d in &f.diagnostics {
                if d.fix
                    .as_ref()
                    .is_some_and(|x| x.is_applicable(args.unsafe_fixes))
                {
                    *counts.entry(d.rule).or_default() += 1;
                }
            }
            (!counts.is_empty()).then(|| (f.path.clone(), counts.into_iter().collect()))
        })
        .collect();
    write_fixes(&mut io::stdout().lock(), "Fixable with `--fix`:", &by_file)
}

/// ruff's `--show-fixes` list: `Fixed 2 diagnostics:` then `- path:` and
/// `    1 × CODE (name)` per rule.
fn write_fixes(
    out: &mut dyn Write,
    title: &str,
    by_file: &[(PathBuf, Vec<(Rule, usize)>)],
) -> io::Result<()> {
    let total: usize = by_file
        .iter()
        .flat_map(|(_, r)| r.iter().map(|(_, n)| n))
        .sum();
    if title == "Fixed" {
        if total == 0 {
            return writeln!(out, "No diagnostics fixed.");
        }
        writeln!(
            out,
            "Fixed {total} diagnostic{}:",
            if total == 1 { "" } else { "s" }
        )?;
    } else {
        if total == 0 {
            return writeln!(out, "No fixes available.");
        }
        writeln!(out, "{title}")?;
    }
    for (path, rules) in by_file {
        writeln!(out, "- {}:", output::message::display_path(path))?;
        for (rule, n) in rules {
            writeln!(out, "    {n} × {} ({})", rule.code(), rule.name())?;
        }
    }
    Ok(())
}

/// `-v`: the config of each distinct settings and the files to check, on stderr.
fn verbose_files(paths: &[PathBuf], store: &Arc<SettingsStore>) {
    let walked = ssotlint::walk::python_files(paths, store);
    let mut seen: Vec<Arc<ssotlint::Settings>> = Vec::new();
    for file in &walked.files {
        if let Ok(settings) = store.for_file(file) {
            if !seen.iter().any(|s| Arc::ptr_eq(s, &settings)) {
                verbose_config(&settings);
                seen.push(settings);
            }
        }
        eprintln!(
            "[ssotlint] checking {}",
            output::message::display_path(file)
        );
    }
    eprintln!("[ssotlint] {} files", walked.files.len());
}

fn verbose_config(settings: &ssotlint::Settings) {
    match &settings.config_path {
        Some(path) => eprintln!("[ssotlint] config: {}", path.display()),
        None => eprintln!(
            "[ssotlint] config: none found; defaults rooted at {}",
            settings.root.display()
        ),
    }
}

fn verbose_time(args: &CheckArgs, started: std::time::Instant) {
    if args.verbose {
        eprintln!("[ssotlint] done in {} ms", started.elapsed().as_millis());
    }
}

/// `--watch`: check, then poll the Python and config files' sizes and modification
/// times every 300 ms and check again when they change. Polling keeps it dependency-free
/// and works on every file system, network mounts included.
fn run_watch(args: &CheckArgs) -> Result<ExitCode, String> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let clear = io::stdout().is_terminal();
    let mut message = "Starting linter in watch mode...";
    loop {
        if clear {
            print!("\x1b[2J\x1b[H");
        }
        println!("[{}] {message}", clock());
        let _ = io::stdout().flush();
        // Taken before checking, so an edit made while the check runs is not missed.
        let before = watch_state(&paths);
        if let Err(e) = run_check_once(args) {
            eprintln!("error: {e}");
        }
        println!("[{}] Watching for file changes.", clock());
        let _ = io::stdout().flush();
        while watch_state(&paths) == before {
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        message = "File change detected...";
    }
}

/// Size and modification time of every Python and config file under `paths`.
fn watch_state(paths: &[PathBuf]) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let Some((first, rest)) = paths.split_first() else {
        return Vec::new();
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    let mut state: Vec<_> = builder
        .hidden(false)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            ssotlint::walk::is_python_file(e.path()) || CONFIG_FILES.contains(&name.as_ref())
        })
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((e.into_path(), meta.len(), meta.modified().ok()))
        })
        .collect();
    state.sort();
    state
}

/// The time of day (UTC), `HH:MM:SS`.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}
