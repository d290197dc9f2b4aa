//! The fixer. [`fix_text`] is the one multi-pass applier of fixes to a text, shared by
//! the CLI, the pre-commit hook and the language server, so a fix behaves the same
//! wherever it is applied. On files (`ssotlint check --fix` / `--diff`) it reads, fixes,
//! then either prints a unified diff or writes the result atomically, owning the disk
//! side: BOM, line endings untouched, permissions, and never overwriting a file changed
//! meanwhile.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::Prefilters;
use crate::config::{Settings, SettingsStore};
use crate::diagnostic::{CheckReport, FileReport};
use crate::driver::{for_each_file, Step};
use crate::fix::{apply_edits, Edit};
use crate::lint::{lint_text, LintOptions, Linted};
use crate::rules::registry::Rule;
use crate::source::decode;
use crate::source::TextRange;
use std::collections::{BTreeMap, HashSet};

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

/// What fixing one file did.
struct Fixed {
    report: FileReport,
    fixed: usize,
    diff: Option<String>,
    changed: bool,
    by_rule: Vec<(Rule, usize)>,
}

/// Fix every Python file under `paths`.
pub fn fix_paths(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
    unsafe_fixes: bool,
    mode: FixMode,
) -> FixReport {
    let prefilters = Prefilters::default();
    let run = for_each_file(paths, store, |path, settings| {
        fix_file(path, settings, options, unsafe_fixes, mode, &prefilters)
    });
    let mut report = FixReport::default();
    report.check.errors = run.errors;
    report.check.warnings = run.warnings;
    let mut diffs: Vec<(PathBuf, String)> = Vec::new();
    for Fixed {
        report: file,
        fixed,
        diff,
        changed,
        by_rule,
    } in run.items
    {
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
    diffs.sort();
    report.diffs = diffs.into_iter().map(|(_, d)| d).collect();
    report.fixed_by_file.sort_by(|a, b| a.0.cmp(&b.0));
    report.check.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.check.errors.sort();
    report
}

fn fix_file(
    path: &Path,
    settings: Arc<Settings>,
    options: &LintOptions,
    unsafe_fixes: bool,
    mode: FixMode,
    prefilters: &Prefilters,
) -> Step<Fixed> {
    if let Some(warning) = fs::metadata(path)
        .ok()
        .and_then(|m| settings.too_big(m.len()))
    {
        return Step::Skipped(format!("{}: {warning}", path.display()));
    }
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => return Step::Failed(format!("{}: cannot read: {e}", path.display())),
    };
    let text = match decode(bytes.clone()) {
        Ok(t) => t,
        Err(e) => return Step::Skipped(format!("{}: {e}", path.display())),
    };
    // What no rule can flag has nothing to fix.
    let filters = prefilters.get(&settings, options);
    if crate::check::fast_path(&filters, &text) && !filters.prefilter.may_match(&text) {
        return Step::Done(Fixed {
            report: FileReport {
                path: path.to_path_buf(),
                source: crate::source::SourceText::new(text),
                diagnostics: Vec::new(),
            },
            fixed: 0,
            diff: None,
            changed: false,
            by_rule: Vec::new(),
        });
    }
    // The BOM is not Python source; keep it aside and put it back on write.
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest.to_string()),
        None => ("", text),
    };
    if mode == FixMode::Write {
        if let Some(warning) = outside_project(path, &settings.root) {
            return Step::Skipped(warning);
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
                    return Step::Failed(format!("{}: {e}", path.display()));
                }
            }
        }
    }
    Step::Done(Fixed {
        report: FileReport {
            path: path.to_path_buf(),
            source: outcome.linted.source,
            diagnostics: outcome.linted.diagnostics,
        },
        fixed: outcome.fixed,
        diff,
        changed,
        by_rule,
    })
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
    let name = crate::output::message::display_path(path);
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

/// What [`fix_text`] did to one text.
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed text (the input when nothing applied).
    pub text: String,
    /// How many diagnostics were fixed.
    pub fixed: usize,
    /// The lint of the final text: what is left.
    pub linted: Linted,
}

/// Passes over one text before giving up on overlapping fixes (ruff uses 100; import
/// fixes converge in two or three).
pub const MAX_PASSES: usize = 10;

/// Lint `text` and apply every applicable fix, over several passes when fixes overlap,
/// until nothing is left to apply. A text that does not parse cleanly (or that CPython
/// would reject with a `TabError`, which tree-sitter accepts) is not touched, and a fix
/// that would add syntax errors is dropped.
pub fn fix_text(
    path: &Path,
    text: String,
    settings: &Settings,
    options: &LintOptions,
    unsafe_fixes: bool,
) -> FixOutcome {
    let mut linted = lint_text(path, text, settings, options);
    let mut fixed = 0;
    if linted.facts.has_syntax_errors() || crate::reduce::has_tab_error(linted.source.text()) {
        return FixOutcome {
            text: linted.source.text().to_string(),
            fixed,
            linted,
        };
    }
    // Fixes that produced a broken text, by title and edits, never retried.
    let mut rejected: HashSet<(String, Vec<Edit>)> = HashSet::new();
    for _ in 0..MAX_PASSES {
        let current = linted.source.text().to_string();
        let Some((next, count)) = one_pass(&current, &linted, unsafe_fixes, &mut rejected, |t| {
            crate::python::analyze(t, None).has_syntax_errors()
        }) else {
            break;
        };
        fixed += count;
        linted = lint_text(path, next, settings, options);
    }
    FixOutcome {
        text: linted.source.text().to_string(),
        fixed,
        linted,
    }
}

/// One pass: the applicable fixes that do not overlap an earlier one, applied together.
/// Returns `None` when nothing was applied.
fn one_pass(
    text: &str,
    linted: &Linted,
    unsafe_fixes: bool,
    rejected: &mut HashSet<(String, Vec<Edit>)>,
    is_broken: impl Fn(&str) -> bool,
) -> Option<(String, usize)> {
    // Resolve every applicable fix; diagnostics sharing one fix are counted together.
    let mut candidates: Vec<(Vec<Edit>, String, usize)> = Vec::new();
    let names = std::cell::OnceCell::new();
    for d in &linted.diagnostics {
        let Some(fix) = d.fix.as_ref().filter(|f| f.is_applicable(unsafe_fixes)) else {
            continue;
        };
        let Some(edits) = fix.edits_with(text, &names) else {
            continue;
        };
        if edits.is_empty() || rejected.contains(&(fix.title.clone(), edits.clone())) {
            continue;
        }
        match candidates
            .iter_mut()
            .find(|(e, t, _)| *e == edits && *t == fix.title)
        {
            Some(c) => c.2 += 1,
            None => candidates.push((edits, fix.title.clone(), 1)),
        }
    }
    candidates.sort_by_key(|(edits, _, _)| edits.first().map(|e| e.range.start));
    let mut accepted: Vec<&(Vec<Edit>, String, usize)> = Vec::new();
    let mut taken: Vec<TextRange> = Vec::new();
    for candidate in &candidates {
        let overlaps = candidate.0.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.start < t.end && t.start < e.range.end
                    || (e.range.start == t.start && (e.range.is_empty() || t.is_empty()))
            })
        });
        if !overlaps {
            taken.extend(candidate.0.iter().map(|e| e.range.clone()));
            accepted.push(candidate);
        }
    }
    if accepted.is_empty() {
        return None;
    }
    let apply = |set: &[&(Vec<Edit>, String, usize)]| {
        let mut edits: Vec<Edit> = set.iter().flat_map(|c| c.0.iter().cloned()).collect();
        edits.sort_by_key(|a| (a.range.start, a.range.end));
        apply_edits(text, &edits)
    };
    let (joined, skipped) = apply(&accepted);
    if skipped.is_empty() && !is_broken(&joined) {
        return Some((joined, accepted.iter().map(|c| c.2).sum()));
    }
    // Something broke the text: keep only the fixes that are fine one by one.
    let mut good: Vec<&(Vec<Edit>, String, usize)> = Vec::new();
    for candidate in accepted {
        let mut trial = good.clone();
        trial.push(candidate);
        let (out, skipped) = apply(&trial);
        if skipped.is_empty() && !is_broken(&out) {
            good = trial;
        } else {
            rejected.insert((candidate.1.clone(), candidate.0.clone()));
        }
    }
    if good.is_empty() {
        return None;
    }
    let (out, _) = apply(&good);
    Some((out, good.iter().map(|c| c.2).sum()))
}
