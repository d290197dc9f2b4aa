//! Finding the Python files to check: .gitignore honoured (via the `ignore` crate),
//! common virtualenv/build folders skipped, `project.exclude` applied, in parallel.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};

use crate::config::{normalize, SettingsStore};

/// Folders never descended into (unless given explicitly), as ruff does.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "node_modules",
    "venv",
    "__pycache__",
];

#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<PathBuf>,
    /// Paths that could not be read (one line each).
    pub errors: Vec<String>,
}

pub fn is_python_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("py" | "pyi")
    )
}

/// All Python files under `paths`. Files named explicitly are always included.
pub fn python_files(paths: &[PathBuf], store: &Arc<SettingsStore>) -> Walked {
    let mut walked = Walked::default();
    let mut dirs = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => dirs.push(path.clone()),
            Ok(_) => walked.files.push(path.clone()),
            Err(e) => walked
                .errors
                .push(format!("{}: cannot read: {}", path.display(), e)),
        }
    }
    let Some((first, rest)) = dirs.split_first() else {
        if paths.len() > 1 {
            dedupe(&mut walked.files);
        }
        return walked;
    };
    let mut builder = WalkBuilder::new(first);
    for dir in rest {
        builder.add(dir);
    }
    let filter_store = store.clone();
    builder
        .hidden(false)
        .require_git(false)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if entry.depth() == 0 || !is_dir {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if DEFAULT_EXCLUDES.contains(&name.as_ref()) {
                return false;
            }
            match filter_store.for_dir(entry.path()) {
                Ok(settings) => !settings.is_excluded(entry.path()),
                Err(_) => true,
            }
        });
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && is_python_file(entry.path()) {
                        if let Ok(mut f) = found.lock() {
                            f.push(entry.into_path());
                        }
                    }
                }
                Err(e) => {
                    if let Ok(mut errs) = errors.lock() {
                        errs.push(e.to_string());
                    }
                }
            }
            WalkState::Continue
        })
    });
    let mut files = found.into_inner().unwrap_or_default();
    files.retain(|path| match store.for_file(path) {
        Ok(settings) => !settings.is_excluded(path),
        Err(_) => true,
    });
    walked.files.extend(files);
    if paths.len() > 1 {
        dedupe(&mut walked.files);
    }
    walked.files.sort();
    walked
        .errors
        .extend(errors.into_inner().unwrap_or_default());
    walked
}

/// `f.py f.py ./f.py`, or a file and its directory: each file once, named as first given
/// (fixing a file twice would fail on the second write).
fn dedupe(files: &mut Vec<PathBuf>) {
    let mut seen = std::collections::HashSet::new();
    files.retain(|path| {
        seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path)))
    });
}
