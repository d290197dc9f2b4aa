//! The one file loop behind `check`, `check --fix`, `report` and `baseline`: walk →
//! settings → stat → cache → read → prefilter/reducer → facts → rules → sink, in
//! parallel. The commands differ only in their sink (what they keep of each file), so
//! the report gets the check's fast path and its persistent cache, and no command holds
//! every file's facts at once: each worker turns a file into a [`FileOutcome`] and hands
//! it to the sink before taking the next file. `check`'s sink ([`check_paths_with`]) is
//! here; the report's is [`crate::report::measure_paths`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{content_hash, CacheOptions, Results, RunCache};
use crate::check::{lint_fast, Prefilters};
use crate::config::{Settings, SettingsStore};
use crate::diagnostic::{CheckReport, Diagnostic, FileReport};
use crate::lint::LintOptions;
use crate::output::message::display_path;
use crate::project::record_dependencies;
use crate::python::Facts;
use crate::report::metrics::{file_metrics, FileMetrics};
use crate::source::{decode, SourceText};
use crate::walk;

/// What one file came to: its diagnostics and, when asked for, the report's metrics.
pub struct FileOutcome {
    /// The path as walked (relative when the user gave a relative path).
    pub path: PathBuf,
    pub settings: Arc<Settings>,
    /// The text; empty when it was not needed (a cache hit without diagnostics, or a
    /// file the prefilter ruled out).
    pub source: SourceText,
    pub diagnostics: Vec<Diagnostic>,
    /// `Some` when the driver was built with metrics.
    pub metrics: Option<FileMetrics>,
}

/// What the per-file step of a loop returns.
pub enum Step<T> {
    Done(T),
    /// A file left out with a warning (binary, not UTF-8, too big).
    Skipped(String),
    /// A problem that stops the tool doing its job (bad config, unreadable file).
    Failed(String),
}

/// The result of one loop over a tree.
pub struct Run<T> {
    /// One item per file that was done, in walk order.
    pub items: Vec<T>,
    pub warnings: Vec<String>,
    /// Sorted, without duplicates.
    pub errors: Vec<String>,
    /// Every walked file (for warnings about the configs that apply to them).
    pub walked: Vec<PathBuf>,
}

/// Walk `paths` and run `step` on every Python file in parallel with the settings that
/// apply to it. `--fix` uses this loop with its own step; linting commands use [`Driver`].
pub fn for_each_file<T: Send>(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    step: impl Fn(&Path, Arc<Settings>) -> Step<T> + Sync,
) -> Run<T> {
    let walked = walk::python_files(paths, store);
    let steps: Vec<Step<T>> = walked
        .files
        .par_iter()
        .map(|path| match store.for_file(path) {
            Ok(settings) => step(path, settings),
            Err(e) => Step::Failed(e.to_string()),
        })
        .collect();
    let mut run = Run {
        items: Vec::with_capacity(steps.len()),
        warnings: Vec::new(),
        errors: walked.errors,
        walked: walked.files,
    };
    for step in steps {
        match step {
            Step::Done(item) => run.items.push(item),
            Step::Skipped(warning) => run.warnings.push(warning),
            Step::Failed(error) => run.errors.push(error),
        }
    }
    run.errors.sort();
    run.errors.dedup();
    run
}

/// The linting loop: one per run, shared by the worker threads.
pub struct Driver {
    options: LintOptions,
    prefilters: Prefilters,
    cache: Option<RunCache>,
    metrics: bool,
}

impl Driver {
    /// `reduce` off parses whole texts (only to verify the reducer changes nothing);
    /// `metrics` computes the report's per-file metrics (and widens the prefilter and the
    /// reducer to keep what they read); `cache` reuses and records results.
    pub fn new(
        options: &LintOptions,
        reduce: bool,
        metrics: bool,
        cache: Option<CacheOptions>,
    ) -> Driver {
        Driver {
            options: options.clone(),
            prefilters: Prefilters::new(reduce, metrics),
            cache: cache.map(|c| RunCache::new(c, options)),
            metrics,
        }
    }

    /// Lint every Python file under `paths`, handing each outcome to `sink` in the worker
    /// that produced it; then write the cache.
    pub fn run<T: Send>(
        &self,
        paths: &[PathBuf],
        store: &Arc<SettingsStore>,
        sink: impl Fn(FileOutcome) -> T + Sync,
    ) -> Run<T> {
        let run = for_each_file(paths, store, |path, settings| {
            match self.lint_file(path, settings) {
                Step::Done(outcome) => Step::Done(sink(outcome)),
                Step::Skipped(w) => Step::Skipped(w),
                Step::Failed(e) => Step::Failed(e),
            }
        });
        if let Some(cache) = &self.cache {
            cache.persist();
        }
        run
    }

    fn lint_file(&self, path: &Path, settings: Arc<Settings>) -> Step<FileOutcome> {
        // The stamp is taken before reading, so a write during the lint makes the entry stale.
        let stamp = std::fs::metadata(path).ok();
        if let Some(warning) = stamp.as_ref().and_then(|m| settings.too_big(m.len())) {
            return Step::Skipped(format!("{}: {warning}", display_path(path)));
        }
        let absolute = crate::config::normalize(path);
        let hit = self
            .cache
            .as_ref()
            .zip(stamp.as_ref())
            .and_then(|(c, m)| c.lookup(&settings, &absolute, m, self.metrics));
        if let Some(hit) = hit {
            // Only files with findings need their text (for rows, columns and code frames).
            let source = if hit.diagnostics.is_empty() {
                Some(SourceText::new(String::new()))
            } else {
                std::fs::read(path)
                    .ok()
                    .and_then(|b| decode(b).ok())
                    .map(SourceText::new)
            };
            if let Some(source) = source {
                return Step::Done(FileOutcome {
                    path: path.to_path_buf(),
                    settings,
                    source,
                    diagnostics: hit.diagnostics,
                    metrics: hit.metrics,
                });
            }
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return Step::Failed(format!("{}: cannot read: {e}", display_path(path))),
        };
        let hash = self
            .cache
            .as_ref()
            .map(|_| content_hash(&bytes))
            .unwrap_or(0);
        let text = match decode(bytes) {
            Ok(t) => t,
            Err(e) => return Step::Skipped(format!("{}: {e}", display_path(path))),
        };
        let ((source, diagnostics, metrics), deps) =
            record_dependencies(|| self.lint_text(&absolute, text, &settings));
        if let Some(cache) = &self.cache {
            let results = Results {
                diagnostics: &diagnostics,
                metrics: metrics.as_ref(),
            };
            cache.store(&settings, &absolute, stamp, hash, deps, results);
        }
        Step::Done(FileOutcome {
            path: path.to_path_buf(),
            settings,
            source,
            diagnostics,
            metrics,
        })
    }

    /// Lint one text as the file at `absolute` through the fast path: a text the prefilter
    /// rules out is not parsed; otherwise only the bodies some rule (or metric) reads are.
    /// The facts are dropped here; what the sinks need of them is in the metrics.
    pub fn lint_text(
        &self,
        absolute: &Path,
        text: String,
        settings: &Arc<Settings>,
    ) -> (SourceText, Vec<Diagnostic>, Option<FileMetrics>) {
        let (source, diagnostics, metrics, ()) =
            self.lint_text_with(absolute, text, settings, |_| ());
        (source, diagnostics, metrics)
    }

    /// [`Driver::lint_text`], also keeping what `keep` takes from the facts (`None`: the
    /// prefilter ruled the text out, nothing was parsed). Report history keeps the
    /// modules a file imports, to key its per-file results by them.
    pub fn lint_text_with<R>(
        &self,
        absolute: &Path,
        text: String,
        settings: &Arc<Settings>,
        keep: impl FnOnce(Option<&Facts>) -> R,
    ) -> (SourceText, Vec<Diagnostic>, Option<FileMetrics>, R) {
        let filters = self.prefilters.get(settings, &self.options);
        let linted = if !self.prefilters.reduce {
            crate::lint::lint_text(absolute, text, settings, &self.options)
        } else if let Some(linted) = lint_fast(&filters, absolute, text, settings, &self.options) {
            linted
        } else {
            let metrics = self.metrics.then(FileMetrics::default);
            return (
                SourceText::new(String::new()),
                Vec::new(),
                metrics,
                keep(None),
            );
        };
        let metrics = self
            .metrics
            .then(|| file_metrics(&linted.source, &linted.facts, &linted.diagnostics, settings));
        let kept = keep(Some(&linted.facts));
        (linted.source, linted.diagnostics, metrics, kept)
    }
}

/// Check every Python file under `paths`. Function and class bodies that no enabled
/// rule reads are not parsed ([`crate::reduce`]), nor files no rule can flag, unless
/// `reduce` is off (`--no-fast-path`: every file parsed whole, only to verify
/// that it changes nothing: `scripts/reduce_equivalence.sh`); with `cache`, files whose
/// results still hold are not parsed either ([`crate::cache`]).
pub fn check_paths_with(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
    reduce: bool,
    cache: Option<CacheOptions>,
) -> CheckReport {
    let driver = Driver::new(options, reduce, false, cache);
    // A file without findings is dropped in its worker, text and all.
    let run = driver.run(paths, store, |outcome| {
        (!outcome.diagnostics.is_empty()).then_some(FileReport {
            path: outcome.path,
            source: outcome.source,
            diagnostics: outcome.diagnostics,
        })
    });
    let mut report = CheckReport {
        checked: run.items.len(),
        warnings: factory_warnings(&run.walked, store),
        errors: run.errors,
        ..CheckReport::default()
    };
    report.warnings.extend(run.warnings);
    report.files = run.items.into_iter().flatten().collect();
    report
}

/// Config warnings for factory classes the project does not define, once per config.
fn factory_warnings(files: &[PathBuf], store: &SettingsStore) -> Vec<String> {
    let mut seen: Vec<Arc<crate::config::Settings>> = Vec::new();
    for path in files {
        if let Ok(settings) = store.for_file(path) {
            if !settings.factories.is_empty() && !seen.iter().any(|s| Arc::ptr_eq(s, &settings)) {
                seen.push(settings);
            }
        }
    }
    seen.iter()
        .flat_map(|s| crate::rules::factories::config_warnings(s))
        .collect()
}
