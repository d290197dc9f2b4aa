//! The whole-tree check behind `ssotlint check`: walk, lint every file in parallel,
//! collect results. Reading files and decoding them happens here; linting a text is
//! [`crate::lint::lint_text`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::config::{Settings, SettingsStore};
use crate::diagnostic::Diagnostic;
use crate::lint::{lint_text, lint_with, LintOptions};
use crate::output::display_path;
use crate::prefilter::{body_needles, Prefilter};
use crate::reduce::Reducer;
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

/// Check every Python file under `paths`. Function and class bodies that no enabled
/// rule reads are not parsed ([`crate::reduce`]) unless `SSOTLINT_NO_REDUCE` is set.
pub fn check_paths(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
) -> CheckReport {
    let reduce = std::env::var_os("SSOTLINT_NO_REDUCE").is_none_or(|v| v.is_empty());
    check_paths_with(paths, store, options, reduce)
}

/// [`check_paths`] with the body reducer on or off (off only to verify that it changes
/// nothing: `scripts/reduce_equivalence.sh`).
pub fn check_paths_with(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
    reduce: bool,
) -> CheckReport {
    let walked = walk::python_files(paths, store);
    let prefilters = Prefilters {
        reduce,
        ..Prefilters::default()
    };
    let outcomes: Vec<Outcome> = walked
        .files
        .par_iter()
        .map(|path| check_file(path, store, options, &prefilters))
        .collect();
    let mut report = CheckReport {
        errors: walked.errors,
        warnings: factory_warnings(&walked.files, store),
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

/// What a file is checked with before parsing: may it match at all, and which bodies
/// can be blanked (`None`: none).
pub(crate) struct Filters {
    pub(crate) prefilter: Prefilter,
    reducer: Option<Reducer>,
}

/// One prefilter and reducer per distinct settings (config file) in the run.
#[derive(Default)]
pub(crate) struct Prefilters {
    reduce: bool,
    by_settings: Mutex<HashMap<usize, Arc<Filters>>>,
}

impl Prefilters {
    pub(crate) fn get(&self, settings: &Arc<Settings>, options: &LintOptions) -> Arc<Filters> {
        let key = Arc::as_ptr(settings) as usize;
        if let Some(found) = self
            .by_settings
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return found;
        }
        let selection = options.selection(settings);
        let reducer = if self.reduce {
            body_needles(settings, &selection)
                .map(|(exact, headers)| Reducer::new(&exact, &headers))
        } else {
            None
        };
        let filter = Arc::new(Filters {
            prefilter: Prefilter::new(settings, &selection),
            reducer,
        });
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
    let filters = prefilters.get(&settings, options);
    if !filters.prefilter.may_match(&text) {
        return Outcome::Linted(FileReport {
            path: path.to_path_buf(),
            source: SourceText::new(String::new()),
            diagnostics: Vec::new(),
        });
    }
    let absolute = crate::config::normalize(path);
    let linted = lint_reduced(
        &absolute,
        text,
        &settings,
        options,
        filters.reducer.as_ref(),
    );
    Outcome::Linted(FileReport {
        path: path.to_path_buf(),
        source: linted.source,
        diagnostics: linted.diagnostics,
    })
}

/// Lint `text` with the bodies no rule reads blanked (and not even lexed). The report keeps the original
/// text (offsets are the same). When the reduced text does not parse cleanly, the
/// original is linted instead, so tree-sitter's error recovery sees what it always saw.
pub(crate) fn lint_reduced(
    path: &Path,
    text: String,
    settings: &Settings,
    options: &LintOptions,
    reducer: Option<&Reducer>,
) -> crate::lint::Linted {
    let Some(reduced) = reducer.and_then(|r| r.reduce(&text)) else {
        return lint_text(path, text, settings, options);
    };
    let ranges = reduced.included;
    let mut linted = lint_with(path, reduced.text, settings, options, |t, module| {
        crate::python::analyze_included(t, module, &ranges)
            .unwrap_or_else(|| crate::python::analyze(t, module))
    });
    if linted.facts.has_syntax_errors() {
        return lint_text(path, text, settings, options);
    }
    linted.source = SourceText::new(text);
    linted
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
