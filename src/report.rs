//! `ssotlint report` and `ssotlint baseline`: the file loop that measures a tree. Every
//! figure is derived from one file's facts and the diagnostics the engine produced for it
//! ([`metrics`]), then summed ([`figures::Figures::aggregate`]); history reuses the
//! per-file part, so a figure cannot mean one thing today and another in the trend.

use std::path::PathBuf;
use std::sync::Arc;

use crate::baseline::{self, Entry};
use crate::cache::CacheOptions;
use crate::config::{Settings, SettingsStore};
use crate::driver::Driver;
use crate::lint::LintOptions;
use crate::output::message::display_path;
use figures::{weights, Figures};
use metrics::FileFigures;

/// What `report` and `baseline` keep of a tree: one [`FileFigures`] per file (and the
/// baseline entries of its diagnostics, when asked for). No file's text or facts outlive
/// its lint.
pub struct Measurement {
    pub files: Vec<FileFigures>,
    pub entries: Vec<Entry>,
    pub warnings: Vec<String>,
}

/// Lint every Python file under `paths` through the [`crate::driver`] loop (prefilter and
/// reducer unless `fast` is off, `cache`), keeping per file its figures and, with `entries`, its baseline
/// entries. Each file's metrics are measured against the settings that apply to it
/// (those its diagnostics came from).
pub fn measure_paths(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
    fast: bool,
    cache: Option<CacheOptions>,
    entries: bool,
) -> Result<Measurement, Vec<String>> {
    let driver = Driver::new(options, fast, true, cache);
    let run = driver.run(paths, store, |outcome| {
        let display = display_path(&outcome.path);
        let found = if entries {
            baseline::entries(&display, &outcome.source, &outcome.diagnostics)
        } else {
            Vec::new()
        };
        let metrics = outcome.metrics.unwrap_or_default();
        let figures = FileFigures::new(&display, &outcome.source, &outcome.diagnostics, metrics);
        (figures, found)
    });
    if !run.errors.is_empty() {
        return Err(run.errors);
    }
    let mut out = Measurement {
        files: Vec::with_capacity(run.items.len()),
        entries: Vec::new(),
        warnings: run.warnings,
    };
    for (figures, found) in run.items {
        out.files.push(figures);
        out.entries.extend(found);
    }
    Ok(out)
}

/// Figures of a measured tree, aggregated against `settings` (the report's config).
pub fn figures_of(measured: &Measurement, settings: &Settings) -> Result<Figures, String> {
    let weights = weights(settings)?;
    Ok(Figures::aggregate(&measured.files, settings, &weights))
}

pub mod cli;
pub mod figures;
pub mod history;
pub mod metrics;
pub mod render;
pub mod svg;
