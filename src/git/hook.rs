//! Pre-commit mode: lint only what is about to be committed (`check --staged`, alias
//! `hook`), or what changed since a revision (`check --diff-base REV`). Sources are the
//! index blobs (or the working tree for `--diff-base`), diffed with rename detection
//! ([`super::diff`]); only diagnostics that touch an added line are kept. Cost follows
//! the size of the change, not of the repository.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::diff::{self, Backend, Change, ChangeKind, Target};
use super::index;
use super::index_files::{is_regular_blob, IndexFiles};
use super::lines::added_rows;
use super::repo::{self, Write};
use crate::config::{self, ConfigSource, Settings, SettingsStore, CONFIG_FILES};
use crate::diagnostic::{CheckReport, FileReport};
use crate::fixer::fix_text;
use crate::lint::{lint_text, LintOptions};
use crate::project::ModuleFiles;
use crate::source::{decode, DecodeError};

/// What a hook run by the pre-commit framework (`ssotlint hook --pre-commit FILES`)
/// checks, decided from the environment pre-commit and git give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreCommitMode {
    /// `pre-commit run --from-ref A --to-ref B` (or a pre-push hook): what the range
    /// adds, read from `B`'s tree.
    Range { from: String, to: String },
    /// Inside `git commit` (git sets `GIT_INDEX_FILE` for its hooks): the staged blobs'
    /// added lines, of the named files.
    Staged,
    /// `pre-commit run --all-files`, `--files F`, or a plain `pre-commit run` outside a
    /// commit: the named files, whole, as they are on disk.
    Files,
}

/// Decide [`PreCommitMode`] from environment variables (`var` looks one up).
/// pre-commit 4.x sets `PRE_COMMIT=1` for every run and `PRE_COMMIT_FROM_REF` /
/// `PRE_COMMIT_TO_REF` (older: `PRE_COMMIT_ORIGIN` / `PRE_COMMIT_SOURCE`) for a range;
/// it says nothing about being run by `git commit`, but git does: it exports
/// `GIT_INDEX_FILE` to the pre-commit hook (`.git/index`, or the temporary index of
/// `git commit -a`), and pre-commit passes its environment on to hooks.
pub fn pre_commit_mode(var: impl Fn(&str) -> Option<String>) -> PreCommitMode {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    let from = set("PRE_COMMIT_FROM_REF").or_else(|| set("PRE_COMMIT_ORIGIN"));
    let to = set("PRE_COMMIT_TO_REF").or_else(|| set("PRE_COMMIT_SOURCE"));
    if let (Some(from), Some(to)) = (from, to) {
        return PreCommitMode::Range { from, to };
    }
    if set("GIT_INDEX_FILE").is_some() {
        return PreCommitMode::Staged;
    }
    PreCommitMode::Files
}

/// The files `hook --pre-commit` checks whole ([`PreCommitMode::Files`]): the named
/// Python files that exist and that neither the config (`project.exclude`, found from
/// each file, or `config` for all) nor the default excludes leave out, as `check DIR`
/// and the staged check would (ruff's pre-commit hook passes `--force-exclude` for the
/// same reason). Named config files are dropped: discovery finds them.
pub fn pre_commit_files(paths: &[PathBuf], config: Option<&Path>) -> Result<Vec<PathBuf>, String> {
    let store = SettingsStore::open(ConfigSource::Disk, None, config, Path::new("."))
        .map_err(|e| e.to_string())?;
    Ok(paths
        .iter()
        .filter(|p| {
            let abs = config::normalize(p);
            crate::walk::is_python_file(p)
                && p.is_file()
                && !default_excluded(p)
                && !store.for_file(&abs).is_ok_and(|s| s.is_excluded(&abs))
        })
        .cloned()
        .collect())
}

/// A path through a directory every walk skips (`.git`, `.venv`, `node_modules`, ...);
/// `path` is relative to the work tree root, so the root's own location does not count.
fn default_excluded(path: &Path) -> bool {
    path.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|s| crate::walk::DEFAULT_EXCLUDES.contains(&s))
    })
}

#[derive(Debug, Clone, Default)]
pub struct ChangeOptions {
    /// Keep diagnostics on unchanged lines of changed files too.
    pub all_lines: bool,
    /// Only files under these paths (absolute); empty means all.
    pub paths: Vec<PathBuf>,
    /// `--config FILE`: one config for everything.
    pub config: Option<PathBuf>,
    pub lint: LintOptions,
    /// `--fix` (staged mode only): fix files whose working tree equals the index.
    pub fix: bool,
    pub unsafe_fixes: bool,
}

/// What a changed-lines check found (and fixed).
#[derive(Debug, Default)]
pub struct ChangesReport {
    pub check: CheckReport,
    /// Diagnostics fixed by `--fix`.
    pub fixed: usize,
}

/// Whether `--fix` may touch a file.
enum FixPlan {
    No,
    /// Fix, then diff the result against `old` (the `HEAD` blob) for the added lines.
    Yes {
        old: Vec<u8>,
        rel: PathBuf,
    },
}

/// One changed Python file, read and ready to lint.
struct Changed {
    abs: PathBuf,
    text: String,
    /// 1-based rows of added lines; `None` keeps every diagnostic.
    added: Option<HashSet<usize>>,
    fix: FixPlan,
}

/// Lint what changed. `Err` is a reason the job could not be done (exit 2).
pub fn check_changes(
    target: &Target,
    options: &ChangeOptions,
    cwd: &Path,
) -> Result<ChangesReport, String> {
    if options.fix && !matches!(target, Target::Staged) {
        return Err(
            "--fix works with --staged only; use `ssotlint check --fix` on files".to_string(),
        );
    }
    // One staged file may be big: its blob, text and facts go back once linted.
    crate::memory::return_big_blocks();
    let opened = repo::open(cwd)?;
    let workdir = match &opened {
        repo::Opened::Lib(repo) => repo::workdir(repo)?,
        repo::Opened::Cli(cli) => cli.workdir.clone(),
    };
    let mut report = CheckReport::default();
    let backend = match &opened {
        repo::Opened::Lib(repo) => Backend::Lib(repo),
        repo::Opened::Cli(cli) => Backend::Cli(cli),
    };
    let mut collected = collect(&backend, &workdir, cwd, target, options, &mut report)?;
    let (repo_handle, cli) = match opened {
        repo::Opened::Lib(repo) => (Some(Arc::new(Mutex::new(repo))), None),
        repo::Opened::Cli(cli) => (None, Some(cli)),
    };
    let staged_entries = std::mem::take(&mut collected.staged);
    // Module lookups read the index in staged mode through libgit2; elsewhere (and in
    // repositories only the git CLI can read) they read the working tree.
    let module_files: Option<Arc<dyn ModuleFiles>> = match (target, &repo_handle) {
        (Target::Staged, Some(handle)) => Some(Arc::new(IndexFiles::new(
            workdir.clone(),
            handle.clone(),
            Arc::new(staged_entries),
        ))),
        _ => None,
    };
    // A config changed on the new side is read from git, any other from the disk.
    let configs = SettingsStore::open(
        ConfigSource::Overlay(collected.configs),
        module_files,
        options.config.as_deref(),
        &workdir,
    )
    .map_err(|e| e.to_string())?;
    let mut jobs = Vec::new();
    for file in collected.files {
        let dir = file.abs.parent().unwrap_or(&workdir).to_path_buf();
        match configs.for_dir(&dir) {
            Ok(settings) if settings.is_excluded(&file.abs) => {}
            Ok(settings) => match settings.too_big(file.text.len() as u64) {
                Some(warning) => report.warnings.push(format!(
                    "{}: {warning}",
                    relative_to(&file.abs, &workdir).display()
                )),
                None => jobs.push((file, settings)),
            },
            Err(e) => report.errors.push(e.to_string()),
        }
    }
    report.errors.sort();
    report.errors.dedup();
    let done: Vec<(FileReport, usize, Option<Write>)> = jobs
        .into_par_iter()
        .map(|(file, settings)| lint_changed(file, &settings, options, cwd))
        .collect();
    let mut out = ChangesReport {
        check: report,
        fixed: 0,
    };
    let mut writes = Vec::new();
    for (file, fixed, write) in done {
        out.check.checked += 1;
        out.fixed += fixed;
        writes.extend(write);
        if !file.diagnostics.is_empty() {
            out.check.files.push(file);
        }
    }
    out.check.files.sort_by(|a, b| a.path.cmp(&b.path));
    if !writes.is_empty() {
        if let Some(handle) = &repo_handle {
            // `git add` first: git smudges the entries it sees as racily clean when it
            // rewrites the index (it compares mtimes in whole seconds), libgit2 does not,
            // so after a libgit2 write a file edited in the same second as the last index
            // write looks unmodified to git. libgit2 is the fallback when git cannot run.
            repo::CliRepo::discover(&workdir)
                .and_then(|cli| cli.stage_fixes(&writes))
                .or_else(|e| {
                    repo::stage_fixes(handle, &writes)
                        .map_err(|lib_error| format!("{e}; with libgit2: {lib_error}"))
                })?;
        } else if let Some(cli) = &cli {
            cli.stage_fixes(&writes)?;
        }
    }
    Ok(out)
}

/// Lint (and with `--fix`, fix) one changed file; keep diagnostics on added lines.
fn lint_changed(
    file: Changed,
    settings: &Settings,
    options: &ChangeOptions,
    cwd: &Path,
) -> (FileReport, usize, Option<Write>) {
    let mut added = file.added;
    let mut fixed = 0;
    let mut write = None;
    let linted = match file.fix {
        FixPlan::No => lint_text(&file.abs, file.text, settings, &options.lint),
        FixPlan::Yes { old, rel } => {
            let (bom, body) = match file.text.strip_prefix(BOM) {
                Some(rest) => (BOM, rest.to_string()),
                None => ("", file.text),
            };
            let outcome = fix_text(
                &file.abs,
                body,
                settings,
                &options.lint,
                options.unsafe_fixes,
            );
            fixed = outcome.fixed;
            if outcome.fixed > 0 {
                let content = format!("{bom}{}", outcome.text);
                if added.is_some() {
                    added = Some(added_rows(&old, content.as_bytes()));
                }
                write = Some(Write {
                    abs: file.abs.clone(),
                    rel,
                    content,
                });
            }
            outcome.linted
        }
    };
    let source = linted.source;
    let diagnostics = linted
        .diagnostics
        .into_iter()
        .filter(|d| match &added {
            None => true,
            Some(added) => {
                let first = source.location(d.range.start).row;
                let last = source.location(d.range.end).row.max(first);
                (first..=last).any(|row| added.contains(&row))
            }
        })
        .collect();
    let report = FileReport {
        path: relative_to(&file.abs, cwd),
        source,
        diagnostics,
    };
    (report, fixed, write)
}

const BOM: &str = "\u{feff}";

struct Collected {
    files: Vec<Changed>,
    /// Config files changed on the new side: path → staged text (`None`: deleted).
    configs: HashMap<PathBuf, Option<String>>,
    /// Staged mode: the index entries, for module lookups ([`IndexFiles`]).
    staged: index::Index,
}

/// The changed files to lint and the config files changed on the new side: the
/// changes, each kept or passed over ([`wanted`]), read, and turned into a
/// [`Changed`] (fix plan, added rows, decoded text).
fn collect(
    backend: &Backend<'_>,
    workdir: &Path,
    cwd: &Path,
    target: &Target,
    options: &ChangeOptions,
    report: &mut CheckReport,
) -> Result<Collected, String> {
    let mut staged = index::Index::default();
    let changes = diff::changes(backend, cwd, target, &mut staged)?;
    let mut collected = Collected {
        files: Vec::new(),
        configs: HashMap::new(),
        staged,
    };
    // Configs are taken from the new side when it is a git object (staged or a range).
    let configs_from_git = !matches!(target, Target::Since(_));
    for change in changes {
        let rel = change.rel.as_path();
        let abs = workdir.join(rel);
        let is_config = rel
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| CONFIG_FILES.contains(&n));
        match change.kind {
            ChangeKind::Changed | ChangeKind::Copied => {}
            ChangeKind::Deleted => {
                if is_config {
                    collected.configs.insert(abs, None);
                }
                continue;
            }
            ChangeKind::Conflicted => {
                report.warnings.push(format!(
                    "{}: unmerged (conflict not resolved); skipped",
                    relative_to(&abs, workdir).display()
                ));
                continue;
            }
        }
        let is_python = crate::walk::is_python_file(rel);
        if !wanted(
            &change,
            &abs,
            is_python,
            is_config && configs_from_git,
            options,
        ) {
            continue;
        }
        let bytes = match &change.new_id {
            Some(id) => backend.blob(id, rel)?,
            None => match std::fs::read(&abs) {
                Ok(b) => b,
                Err(_) => continue,
            },
        };
        if is_config && !is_python {
            collected
                .configs
                .insert(abs, Some(String::from_utf8_lossy(&bytes).into_owned()));
            continue;
        }
        if let Some(file) = changed_file(backend, &change, abs, bytes, workdir, options, report)? {
            collected.files.push(file);
        }
    }
    Ok(collected)
}

/// Whether a changed (not deleted) path is read at all: a regular file (not a symlink
/// or a submodule), Python or a config to take from git, outside the directories every
/// walk skips, and for Python under the paths asked for.
fn wanted(
    change: &Change,
    abs: &Path,
    is_python: bool,
    config_from_git: bool,
    options: &ChangeOptions,
) -> bool {
    is_regular_blob(change.new_mode)
        && (is_python || config_from_git)
        && !default_excluded(&change.rel)
        && !(is_python
            && !options.paths.is_empty()
            && !options.paths.iter().any(|p| abs.starts_with(p)))
}

/// A changed Python file read and ready to lint: its fix plan, the rows it adds and
/// its text. `None` when it is binary or cannot be decoded (a warning says so).
fn changed_file(
    backend: &Backend<'_>,
    change: &Change,
    abs: PathBuf,
    bytes: Vec<u8>,
    workdir: &Path,
    options: &ChangeOptions,
    report: &mut CheckReport,
) -> Result<Option<Changed>, String> {
    let old = match &change.old_id {
        Some(id) => Some(backend.blob(id, &change.rel)?),
        None => None,
    };
    let fix = fix_plan(
        change,
        &abs,
        &bytes,
        old.as_deref(),
        workdir,
        options,
        report,
    );
    // A rename moves lines; an added file or a copy adds every line (`None`).
    let added = match old {
        Some(old) if !options.all_lines && change.kind != ChangeKind::Copied => {
            Some(added_rows(&old, &bytes))
        }
        _ => None,
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(DecodeError::Binary { .. }) => return Ok(None),
        Err(e) => {
            report
                .warnings
                .push(format!("{}: {e}", relative_to(&abs, workdir).display()));
            return Ok(None);
        }
    };
    Ok(Some(Changed {
        abs,
        text,
        added,
        fix,
    }))
}

/// `--fix` touches a file only when its working tree equals the staged blob, so the
/// fix is exactly what gets staged.
fn fix_plan(
    change: &Change,
    abs: &Path,
    bytes: &[u8],
    old: Option<&[u8]>,
    workdir: &Path,
    options: &ChangeOptions,
    report: &mut CheckReport,
) -> FixPlan {
    if !options.fix {
        return FixPlan::No;
    }
    if std::fs::read(abs).ok().as_deref() == Some(bytes) {
        FixPlan::Yes {
            old: old.map(<[u8]>::to_vec).unwrap_or_default(),
            rel: change.rel.clone(),
        }
    } else {
        report.warnings.push(format!(
            "{}: the working tree differs from the staged content; not fixed (stage or stash the difference first)",
            relative_to(abs, workdir).display()
        ));
        FixPlan::No
    }
}

/// `path` as seen from `base` (`../x.py` when outside it), like `git status` shows it.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let path = config::normalize(path);
    let base = config::normalize(base);
    if let Ok(rel) = path.strip_prefix(&base) {
        return rel.to_path_buf();
    }
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    out
}
