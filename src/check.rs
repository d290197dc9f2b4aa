//! The whole-tree check behind `ssotlint check`: walk, lint every file in parallel,
//! collect results. Reading files and decoding them happens here; linting a text is
//! [`crate::lint::lint_text`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SettingsStore;
use crate::diagnostic::Diagnostic;
use crate::lint::{lint_text, LintOptions};
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
    let outcomes: Vec<Outcome> = walked
        .files
        .par_iter()
        .map(|path| check_file(path, store, options))
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

fn check_file(path: &Path, store: &SettingsStore, options: &LintOptions) -> Outcome {
    let settings = match store.for_file(path) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(format!("{}: cannot read: {e}", path.display())),
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(e) => return Outcome::Skipped(format!("{}: {e}", path.display())),
    };
    let absolute = crate::config::normalize(path);
    let linted = lint_text(&absolute, text, &settings, options);
    Outcome::Linted(FileReport {
        path: path.to_path_buf(),
        source: linted.source,
        diagnostics: linted.diagnostics,
    })
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
