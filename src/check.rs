//! The whole-tree check behind `ssotlint check`: walk, lint every file in parallel,
//! collect results. Reading files and decoding them happens here; linting a text is
//! [`crate::lint::lint_text`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::config::{Settings, SettingsStore};
use crate::diagnostic::Diagnostic;
use crate::lint::{lint_text, LintOptions};
use crate::output::display_path;
use crate::prefilter::Prefilter;
use crate::source::{decode, SourceText};
use crate::walk;

/// One checked file that has something to say.
#[derive(Debug)]
pub struct FileReport {
    /// The path as walked (relative when the user gave a relative path).
    pub path: PathBuf,
    pub source: SourceText,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
pub struct CheckReport {
    /// Files with diagnostics, sorted by path.
    pub files: Vec<FileReport>,
    /// How many files were linted.
    pub checked: usize,
    /// Files skipped (binary, not UTF-8), one line each.
    pub warnings: Vec<String>,
    /// Problems that stop the tool doing its job (bad config, unreadable paths).
    pub errors: Vec<String>,
}

impl CheckReport {
    pub fn diagnostic_count(&self) -> usize {
        self.files.iter().map(|f| f.diagnostics.len()).sum()
    }
}

enum Outcome {
    Linted(FileReport),
    Skipped(String),
    Failed(String),
}

/// Check every Python file under `paths`.
pub fn check_paths(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
) -> CheckReport {
    let walked = walk::python_files(paths, store);
    let prefilters = Prefilters::default();
    let outcomes: Vec<Outcome> = walked
        .files
        .par_iter()
        .map(|path| check_file(path, store, options, &prefilters))
        .collect();
    let mut report = CheckReport {
        errors: walked.errors,
        ..CheckReport::default()
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Linted(file) => {
                report.checked += 1;
                if !file.diagnostics.is_empty() {
                    report.files.push(file);
                }
            }
            Outcome::Skipped(warning) => report.warnings.push(warning),
            Outcome::Failed(error) => report.errors.push(error),
        }
    }
    report.errors.sort();
    report.errors.dedup();
    report
}

/// One prefilter per distinct settings (config file) in the run.
#[derive(Default)]
struct Prefilters {
    by_settings: Mutex<HashMap<usize, Arc<Prefilter>>>,
}

impl Prefilters {
    fn get(&self, settings: &Arc<Settings>, options: &LintOptions) -> Arc<Prefilter> {
        let key = Arc::as_ptr(settings) as usize;
        if let Some(found) = self
            .by_settings
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return found;
        }
        let filter = Arc::new(Prefilter::new(settings, &options.selection(settings)));
        if let Ok(mut map) = self.by_settings.lock() {
            map.insert(key, filter.clone());
        }
        filter
    }
}

fn check_file(
    path: &Path,
    store: &SettingsStore,
    options: &LintOptions,
    prefilters: &Prefilters,
) -> Outcome {
    let settings = match store.for_file(path) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(format!("{}: cannot read: {e}", display_path(path))),
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(e) => return Outcome::Skipped(format!("{}: {e}", display_path(path))),
    };
    if !prefilters.get(&settings, options).may_match(&text) {
        return Outcome::Linted(FileReport {
            path: path.to_path_buf(),
            source: SourceText::new(String::new()),
            diagnostics: Vec::new(),
        });
    }
    let absolute = crate::config::normalize(path);
    let linted = lint_text(&absolute, text, &settings, options);
    Outcome::Linted(FileReport {
        path: path.to_path_buf(),
        source: linted.source,
        diagnostics: linted.diagnostics,
    })
}
