//! The `report` and `baseline` commands (argument types and runners), kept out of
//! `main.rs` so that file only dispatches.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::history::{self, Range};
use super::{figures_of, measure_paths, render, svg, Measurement};
use crate::baseline::{self, Baseline};
use crate::cache::CacheOptions;
use crate::config::{normalize, Settings, SettingsStore};
use crate::diagnostic::CheckReport;
use crate::lint::LintOptions;
use crate::output::message::display_path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files or directories to measure (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Use this config file for every file (no lookup).
    #[arg(long)]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Compare with the figures stored in this baseline: then → now → change.
    #[arg(long, conflicts_with_all = ["history", "since"])]
    pub baseline: Option<PathBuf>,
    /// Measure the last N commits of the first-parent history (from git objects).
    #[arg(long, value_name = "N", conflicts_with = "since")]
    pub history: Option<usize>,
    /// Measure every first-parent commit from REV (included) to HEAD.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// With --history/--since: also draw the trend as an SVG line chart.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Print the report only: no progress line and no closing summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// How files are read: the check cache, shared with `check` (same folder, same
/// entries), and the fast path.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Read and write no cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Keep the cache in DIR instead (also `SSOTLINT_CACHE_DIR`).
    #[arg(long, value_name = "DIR", env = "SSOTLINT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Parse every file whole: no prefilter, no body reducer (to verify that the fast
    /// path changes no figure, as `check --no-fast-path`).
    #[arg(long)]
    pub no_fast_path: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Files or directories to check (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Use this config file for every file (no lookup).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where to write the baseline.
    #[arg(short, long, default_value = "ssotlint-baseline.json")]
    pub output: PathBuf,
    /// Only drop entries that are gone from the existing baseline; add nothing.
    #[arg(long)]
    pub prune: bool,
    #[command(flatten)]
    pub cache: CacheArgs,
}

fn store_for(config: Option<&Path>) -> Result<(Arc<SettingsStore>, PathBuf), String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let store = match config {
        Some(path) => SettingsStore::fixed(path).map_err(|e| e.to_string())?,
        None => SettingsStore::discover(&cwd),
    };
    Ok((Arc::new(store), cwd))
}

fn default_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

/// The settings a report is measured against: those of the first path's directory.
fn report_settings(store: &SettingsStore, paths: &[PathBuf]) -> Result<Arc<Settings>, String> {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let dir = if first.is_dir() {
        first
    } else {
        first.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    store.for_dir(&normalize(&dir)).map_err(|e| e.to_string())
}

fn measure(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    cache_args: &CacheArgs,
    entries: bool,
) -> Result<Measurement, String> {
    // The key `check` uses without `--config KEY=VALUE`, so both commands share entries.
    let cache = (!cache_args.no_cache).then(|| CacheOptions {
        dir: cache_args.cache_dir.clone(),
        key: format!("{:?}", store.overrides()),
    });
    let fast = !cache_args.no_fast_path;
    let measured = measure_paths(paths, store, &LintOptions::default(), fast, cache, entries)
        .map_err(|e| e.join("\nerror: "))?;
    for warning in &measured.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(measured)
}

fn write_out(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write output: {e}"))
}

fn json(value: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| format!("cannot encode JSON: {e}"))
}

pub fn run_report(args: ReportArgs) -> Result<ExitCode, String> {
    let paths = default_paths(&args.paths);
    let (store, cwd) = store_for(args.config.as_deref())?;
    let settings = report_settings(&store, &paths)?;
    if args.plot.is_some() && args.history.is_none() && args.since.is_none() {
        return Err("--plot needs --history N or --since REV".to_string());
    }
    if let Some(range) = match (&args.history, &args.since) {
        (Some(n), _) => Some(Range::Last(*n)),
        (None, Some(rev)) => Some(Range::Since(rev.clone())),
        (None, None) => None,
    } {
        return run_history(&args, &range, &paths, &cwd, &settings);
    }
    let measured = measure(&paths, &store, &args.cache, false)?;
    let now = figures_of(&measured, &settings)?;
    if let Some(path) = &args.baseline {
        let then = Baseline::read(path)?.figures.ok_or_else(|| {
            format!(
                "{}: the baseline holds no figures (write it with `ssotlint baseline`)",
                path.display()
            )
        })?;
        let rows = render::comparison_rows(&then, &now);
        let text = match args.format {
            ReportFormat::Text => render::comparison_text(&rows),
            ReportFormat::Markdown => render::comparison_markdown(&rows),
            ReportFormat::Json => json(&render::comparison_json(&rows))?,
        };
        write_out(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = match args.format {
        ReportFormat::Text => render::text(&now),
        ReportFormat::Markdown => render::markdown(&now),
        ReportFormat::Json => json(&now)?,
    };
    write_out(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn run_history(
    args: &ReportArgs,
    range: &Range,
    paths: &[PathBuf],
    cwd: &Path,
    settings: &Settings,
) -> Result<ExitCode, String> {
    let repo = git2::Repository::discover(cwd).map_err(|e| format!("not a git repository: {e}"))?;
    let workdir = repo
        .workdir()
        .map(normalize)
        .ok_or("the repository has no working directory")?;
    let mut filter = Vec::new();
    for path in paths {
        let abs = normalize(&cwd.join(path));
        let rel = abs
            .strip_prefix(&workdir)
            .map_err(|_| format!("{}: outside the repository", path.display()))?;
        let rel = display_path(rel);
        if !rel.is_empty() {
            filter.push(rel);
        }
    }
    let started = Instant::now();
    let measured = history::history(
        &workdir,
        range,
        &filter,
        settings.config_path.as_deref(),
        &LintOptions::default(),
        args.quiet,
    )?;
    let s = &measured.stats;
    if !args.quiet {
        eprintln!(
        "history: {} commits, {} file versions, {} blobs parsed, {} files linted, {} module reads in {:.2}s",
        s.commits,
        s.file_versions,
        s.blobs_parsed,
        s.files_linted,
        s.module_reads,
        started.elapsed().as_secs_f64()
    );
    }
    if let Some(plot) = &args.plot {
        let labels: Vec<String> = measured
            .rows
            .iter()
            .map(|r| format!("{} {}", r.commit.get(..7).unwrap_or(&r.commit), r.date))
            .collect();
        let series: Vec<(&str, Vec<f64>)> = history::series(&measured).into_iter().collect();
        let chart = svg::line_chart("ssotlint: SSOT figures per commit", &labels, &series);
        std::fs::write(plot, chart)
            .map_err(|e| format!("{}: cannot write: {e}", plot.display()))?;
    }
    let text = match args.format {
        ReportFormat::Text => history::table(&measured, false),
        ReportFormat::Markdown => history::table(&measured, true),
        ReportFormat::Json => json(&measured)?,
    };
    write_out(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_baseline(args: BaselineArgs) -> Result<ExitCode, String> {
    let paths = default_paths(&args.paths);
    let (store, _) = store_for(args.config.as_deref())?;
    let settings = report_settings(&store, &paths)?;
    let measured = measure(&paths, &store, &args.cache, true)?;
    let figures = figures_of(&measured, &settings)?;
    let current = measured.entries;
    if args.prune {
        let old = Baseline::read(&args.output)?;
        let pruned = old.pruned(&current, Some(figures));
        let removed = old.violations.len() - pruned.violations.len();
        pruned.write(&args.output)?;
        eprintln!(
            "Pruned {removed} gone entr{} from {}; {} remain.",
            if removed == 1 { "y" } else { "ies" },
            args.output.display(),
            pruned.violations.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let n = current.len();
    Baseline::new(current, Some(figures)).write(&args.output)?;
    eprintln!(
        "Wrote {n} violation{} to {}.",
        if n == 1 { "" } else { "s" },
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `check --baseline FILE`: keep only violations not in the baseline; returns how many
/// baseline entries (under the checked paths) are gone.
pub fn apply_baseline(
    report: &mut CheckReport,
    file: &Path,
    paths: &[PathBuf],
) -> Result<usize, String> {
    let baseline = Baseline::read(file)?;
    let mut current = Vec::new();
    for f in &report.files {
        current.extend(baseline::entries(
            &display_path(&f.path),
            &f.source,
            &f.diagnostics,
        ));
    }
    let prefixes: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
    let under = |path: &str| {
        prefixes.iter().any(|p| {
            p.is_empty()
                || p == "."
                || path == p
                || path.starts_with(&format!("{}/", p.trim_end_matches('/')))
        })
    };
    let scoped = Baseline::new(
        baseline
            .violations
            .into_iter()
            .filter(|e| under(&e.path))
            .collect(),
        None,
    );
    let comparison = scoped.compare(&current);
    let mut keep: Vec<bool> = vec![false; current.len()];
    for i in comparison.new {
        keep[i] = true;
    }
    let mut index = 0;
    for f in &mut report.files {
        f.diagnostics.retain(|_| {
            let k = keep[index];
            index += 1;
            k
        });
    }
    report.files.retain(|f| !f.diagnostics.is_empty());
    Ok(comparison.gone)
}
