//! `ssotlint check --fix` / `--diff` on files: read, fix with [`crate::fix::fix_text`],
//! then either print a unified diff or write the result atomically. The text-level work
//! is shared with the hook and the server; this module owns only the disk side: BOM,
//! line endings untouched, permissions, and never overwriting a file changed meanwhile.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::{CheckReport, FileReport, Prefilters};
use crate::config::SettingsStore;
use crate::fix::fix_text;
use crate::lint::{lint_text, LintOptions, Linted};
use crate::rules::Rule;
use crate::source::decode;
use crate::walk;
use std::collections::BTreeMap;

const BOM: &str = "\u{feff}";

/// What to do with fixed texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Write fixed files in place.
    Write,
    /// Print a unified diff; write nothing.
    Diff,
}

#[derive(Debug, Default)]
pub struct FixReport {
    /// What is left after fixing (same shape as a plain check).
    pub check: CheckReport,
    /// Diagnostics fixed (or that would be, with `--diff`).
    pub fixed: usize,
    /// Unified diffs, one per changed file, sorted by path (`--diff` only).
    pub diffs: Vec<String>,
    /// Files changed (or that would be).
    pub changed_files: usize,
    /// Per changed file, how many findings of each rule were fixed (`--show-fixes`),
    /// sorted by path.
    pub fixed_by_file: Vec<(PathBuf, Vec<(Rule, usize)>)>,
}

enum Outcome {
    Done {
        report: FileReport,
        fixed: usize,
        diff: Option<String>,
        changed: bool,
        by_rule: Vec<(Rule, usize)>,
    },
    Skipped(String),
    Failed(String),
}

/// Fix every Python file under `paths`.
pub fn fix_paths(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
    unsafe_fixes: bool,
    mode: FixMode,
) -> FixReport {
    let walked = walk::python_files(paths, store);
    let prefilters = Prefilters::default();
    let outcomes: Vec<Outcome> = walked
        .files
        .par_iter()
        .map(|path| fix_file(path, store, options, unsafe_fixes, mode, &prefilters))
        .collect();
    let mut report = FixReport::default();
    report.check.errors = walked.errors;
    let mut diffs: Vec<(PathBuf, String)> = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Done {
                report: file,
                fixed,
                diff,
                changed,
                by_rule,
            } => {
                report.check.checked += 1;
                if !by_rule.is_empty() {
                    report.fixed_by_file.push((file.path.clone(), by_rule));
                }
                report.fixed += fixed;
                report.changed_files += changed as usize;
                if let Some(diff) = diff {
                    diffs.push((file.path.clone(), diff));
                }
                if !file.diagnostics.is_empty() {
                    report.check.files.push(file);
                }
            }
            Outcome::Skipped(w) => report.check.warnings.push(w),
            Outcome::Failed(e) => report.check.errors.push(e),
        }
    }
    diffs.sort();
    report.diffs = diffs.into_iter().map(|(_, d)| d).collect();
    report.fixed_by_file.sort_by(|a, b| a.0.cmp(&b.0));
    report.check.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.check.errors.sort();
    report
}

fn fix_file(
    path: &Path,
    store: &SettingsStore,
    options: &LintOptions,
    unsafe_fixes: bool,
    mode: FixMode,
    prefilters: &Prefilters,
) -> Outcome {
    let settings = match store.for_file(path) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    if let Some(warning) = fs::metadata(path)
        .ok()
        .and_then(|m| settings.too_big(m.len()))
    {
        return Outcome::Skipped(format!("{}: {warning}", path.display()));
    }
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(format!("{}: cannot read: {e}", path.display())),
    };
    let text = match decode(bytes.clone()) {
        Ok(t) => t,
        Err(e) => return Outcome::Skipped(format!("{}: {e}", path.display())),
    };
    // What no rule can flag has nothing to fix.
    let filters = prefilters.get(&settings, options);
    if crate::check::fast_path(&filters, &text) && !filters.prefilter.may_match(&text) {
        return Outcome::Done {
            report: FileReport {
                path: path.to_path_buf(),
                source: crate::source::SourceText::new(text),
                diagnostics: Vec::new(),
            },
            fixed: 0,
            diff: None,
            changed: false,
            by_rule: Vec::new(),
        };
    }
    // The BOM is not Python source; keep it aside and put it back on write.
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest.to_string()),
        None => ("", text),
    };
    if mode == FixMode::Write {
        if let Some(warning) = outside_project(path, &settings.root) {
            return Outcome::Skipped(warning);
        }
    }
    let absolute = crate::config::normalize(path);
    let outcome = fix_text(&absolute, body.clone(), &settings, options, unsafe_fixes);
    let changed = outcome.text != body;
    let by_rule = if changed {
        fixed_by_rule(
            &lint_text(&absolute, body.clone(), &settings, options),
            &outcome.linted,
        )
    } else {
        Vec::new()
    };
    let mut diff = None;
    if changed {
        match mode {
            FixMode::Diff => diff = Some(unified_diff(path, &body, &outcome.text)),
            FixMode::Write => {
                let new = format!("{bom}{}", outcome.text);
                if let Err(e) = write_atomic(path, &bytes, new.as_bytes()) {
                    return Outcome::Failed(format!("{}: {e}", path.display()));
                }
            }
        }
    }
    Outcome::Done {
        report: FileReport {
            path: path.to_path_buf(),
            source: outcome.linted.source,
            diagnostics: outcome.linted.diagnostics,
        },
        fixed: outcome.fixed,
        diff,
        changed,
        by_rule,
    }
}

/// Findings per rule that were there `before` and are gone `after`.
pub fn fixed_by_rule(before: &Linted, after: &Linted) -> Vec<(Rule, usize)> {
    let mut counts: BTreeMap<Rule, isize> = BTreeMap::new();
    for d in &before.diagnostics {
        *counts.entry(d.rule).or_default() += 1;
    }
    for d in &after.diagnostics {
        *counts.entry(d.rule).or_default() -= 1;
    }
    counts
        .into_iter()
        .filter_map(|(rule, n)| Some((rule, usize::try_from(n).ok().filter(|&n| n > 0)?)))
        .collect()
}

/// A unified diff of one file, `--- a/path` / `+++ b/path`, three lines of context.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = crate::output::display_path(path);
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Why `path` must not be written: it resolves (through a symlink of its own or of a
/// directory) to a file outside the project, that is outside both `root` (the config's
/// directory) and the git work tree holding `path`. `--fix` on a link into another
/// project or a system directory must not rewrite what lies there.
fn outside_project(path: &Path, root: &Path) -> Option<String> {
    let target = fs::canonicalize(path).ok()?;
    let inside = |dir: &Path| fs::canonicalize(dir).is_ok_and(|dir| target.starts_with(dir));
    if inside(root) {
        return None;
    }
    let start = path.parent().filter(|p| !p.as_os_str().is_empty());
    let repository = git2::Repository::discover(start.unwrap_or(Path::new(".")))
        .ok()
        .and_then(|r| r.workdir().map(Path::to_path_buf));
    if repository.as_deref().is_some_and(inside) {
        return None;
    }
    Some(format!(
        "{}: resolves to {}, outside the project ({}); not fixed",
        path.display(),
        target.display(),
        repository.as_deref().unwrap_or(root).display()
    ))
}

/// Replace `path` with `new` through a temporary file in the same directory and a
/// rename, keeping its permissions; refuses when the file no longer holds `original`.
pub fn write_atomic(path: &Path, original: &[u8], new: &[u8]) -> Result<(), String> {
    let target = fs::canonicalize(path).map_err(|e| format!("cannot resolve path: {e}"))?;
    let unchanged = |what: &str| -> Result<(), String> {
        match fs::read(&target) {
            Ok(current) if current == original => Ok(()),
            Ok(_) => Err(format!(
                "changed on disk since it was read; not written ({what})"
            )),
            Err(e) => Err(format!("cannot re-read before writing: {e}")),
        }
    };
    unchanged("before writing")?;
    let permissions = fs::metadata(&target)
        .map_err(|e| format!("cannot read metadata: {e}"))?
        .permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{file_name}.ssotlint-{}-{attempt}.tmp",
            std::process::id()
        ));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1
            }
            Err(e) => {
                return Err(format!(
                    "cannot create a temporary file in {}: {e}",
                    dir.display()
                ))
            }
        }
    };
    let result = (|| {
        file.write_all(new)
            .map_err(|e| format!("cannot write: {e}"))?;
        file.sync_all().map_err(|e| format!("cannot sync: {e}"))?;
        drop(file);
        fs::set_permissions(&tmp, permissions)
            .map_err(|e| format!("cannot keep permissions: {e}"))?;
        unchanged("just before the rename")?;
        fs::rename(&tmp, &target).map_err(|e| format!("cannot replace the file: {e}"))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
