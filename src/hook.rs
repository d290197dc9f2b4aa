//! Pre-commit mode: lint only what is about to be committed (`check --staged`, alias
//! `hook`), or what changed since a revision (`check --diff-base REV`). Sources are the
//! index blobs (or the working tree for `--diff-base`), diffed with rename detection;
//! only diagnostics that touch an added line are kept. Cost follows the size of the
//! change, not of the repository.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use git2::{Delta, DiffFindOptions, DiffOptions, Repository};
use rayon::prelude::*;

use crate::check::{CheckReport, FileReport};
use crate::config::{self, ConfigError, Settings, SettingsStore, CONFIG_FILES};
use crate::fix::fix_text;
use crate::git::{self, IndexFiles};
use crate::git_index::{self, IndexError};
use crate::lint::{lint_text, LintOptions};
use crate::project::ModuleFiles;
use crate::source::{decode, DecodeError};

/// The hook script `install-hook` writes; `hooks/pre-commit` is the same file.
pub const HOOK_SCRIPT: &str = include_str!("../hooks/pre-commit");
/// The line that tells our hook apart from one somebody else wrote.
const HOOK_MARKER: &str = "# ssotlint-managed-hook";

/// What to compare.
#[derive(Debug, Clone)]
pub enum Target {
    /// `HEAD` (or the empty tree) against the index: what `git commit` would record.
    Staged,
    /// The merge base of `REV` and `HEAD` against the working tree, like `git diff REV...`
    /// plus uncommitted changes.
    Since(String),
    /// What `to` adds over the merge base of `from` and `to`, read from `to`'s tree:
    /// `pre-commit run --from-ref A --to-ref B` (CI on a pull request).
    Range { from: String, to: String },
}

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
    let store = match config {
        Some(path) => SettingsStore::fixed(path).map_err(|e| e.to_string())?,
        None => SettingsStore::discover(Path::new(".")),
    };
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

/// A fixed file to write to the working tree and stage.
pub(crate) struct Write {
    pub(crate) abs: PathBuf,
    pub(crate) rel: PathBuf,
    pub(crate) content: String,
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
    let opened = git::open(cwd)?;
    let workdir = match &opened {
        git::Opened::Lib(repo) => git::workdir(repo)?,
        git::Opened::Cli(cli) => cli.workdir.clone(),
    };
    let mut report = CheckReport::default();
    let backend = match &opened {
        git::Opened::Lib(repo) => Backend::Lib(repo),
        git::Opened::Cli(cli) => Backend::Cli(cli),
    };
    let mut collected = collect(&backend, &workdir, cwd, target, options, &mut report)?;
    let (repo_handle, cli) = match opened {
        git::Opened::Lib(repo) => (Some(Arc::new(Mutex::new(repo))), None),
        git::Opened::Cli(cli) => (None, Some(cli)),
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
    let mut configs = ConfigLookup::new(
        &workdir,
        collected.configs,
        module_files,
        options.config.as_deref(),
    )?;
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
            git::CliRepo::discover(&workdir)
                .and_then(|cli| cli.stage_fixes(&writes))
                .or_else(|e| {
                    stage_fixes(handle, &writes)
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

/// Rows (1-based) of `new` that a line diff from `old` adds. Lines end at LF, CRLF or
/// a lone CR, as [`crate::source::SourceText`] counts rows (git's own diff counts LF
/// only, so a CR-only file would be one long line to it), and are compared without
/// their line ends (an autocrlf checkout does not make every line "added").
///
/// Memory: each line is held as a 64-bit hash (no hunk text, no copies), and the
/// common head and tail are cut before Myers runs, so its work arrays cover only the
/// changed middle. Two different lines with equal hashes at matching places would
/// hide a change; at 64 bits that is not a practical concern.
pub fn added_rows(old: &[u8], new: &[u8]) -> HashSet<usize> {
    let old_lines = line_hashes(old);
    let new_lines = line_hashes(new);
    let head = old_lines
        .iter()
        .zip(&new_lines)
        .take_while(|(a, b)| a == b)
        .count();
    let tail = old_lines[head..]
        .iter()
        .rev()
        .zip(new_lines[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &old_lines[head..old_lines.len() - tail];
    let new_mid = &new_lines[head..new_lines.len() - tail];
    // A pathological diff falls back to a coarser (still complete) answer in time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        old_mid,
        new_mid,
        Some(deadline),
    );
    let mut rows = HashSet::new();
    for op in ops {
        if let similar::DiffOp::Insert {
            new_index, new_len, ..
        }
        | similar::DiffOp::Replace {
            new_index, new_len, ..
        } = op
        {
            rows.extend(head + new_index + 1..=head + new_index + new_len);
        }
    }
    rows
}

/// A hash of each line, without its line end; a final line end starts no further line.
fn line_hashes(text: &[u8]) -> Vec<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let hasher = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut ends = memchr::memchr2_iter(b'\n', b'\r', text).peekable();
    while let Some(i) = ends.next() {
        lines.push(hasher.hash_one(&text[start..i]));
        start = i + 1;
        if text[i] == b'\r' && text.get(i + 1) == Some(&b'\n') {
            ends.next();
            start = i + 2;
        }
    }
    if start < text.len() {
        lines.push(hasher.hash_one(&text[start..]));
    }
    lines
}

#[cfg(test)]
mod added_rows_tests {
    use super::added_rows;

    fn rows(old: &str, new: &str) -> Vec<usize> {
        let mut rows: Vec<usize> = added_rows(old.as_bytes(), new.as_bytes())
            .into_iter()
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn rows_follow_lf_crlf_and_cr() {
        assert_eq!(rows("a\nb\nc\n", "a\nx\nb\nc\ny\n"), vec![2, 5]);
        assert_eq!(rows("a\rb\r", "a\rb\rc\r"), vec![3]);
        assert_eq!(rows("a\nb\n", "a\r\nb\r\n"), Vec::<usize>::new());
        assert_eq!(rows("a\nb", "a\nb\n"), Vec::<usize>::new());
        assert_eq!(rows("", "a\nb"), vec![1, 2]);
        // One line of three can stay; which one is the diff's choice.
        assert_eq!(rows("a\nb\nc", "c\nb\na").len(), 2);
        assert_eq!(rows("x\na\nx\n", "x\na\nb\nx\n"), vec![3]);
    }
}

/// Write fixed files and stage exactly them (as `git add` would: stat data, filters,
/// mode from the file), in the index the commit is made from: the fallback when the git
/// CLI cannot run.
fn stage_fixes(repo: &Mutex<Repository>, writes: &[Write]) -> Result<(), String> {
    let repo = repo
        .lock()
        .map_err(|_| "the repository handle is poisoned".to_string())?;
    let mut index = repo
        .index()
        .map_err(|e| git_error("cannot read the git index", e))?;
    for w in writes {
        std::fs::write(&w.abs, &w.content)
            .map_err(|e| format!("{}: cannot write: {e}", w.abs.display()))?;
        index
            .add_path(&w.rel)
            .map_err(|e| git_error(&format!("{}: cannot stage the fix", w.rel.display()), e))?;
    }
    index
        .write()
        .map_err(|e| git_error("cannot write the git index", e))
}

struct Collected {
    files: Vec<Changed>,
    /// Config files changed on the new side: path → staged text (`None`: deleted).
    configs: HashMap<PathBuf, Option<String>>,
    /// Staged mode: the index entries, for module lookups ([`IndexFiles`]).
    staged: git_index::Index,
}

fn git_error(what: &str, e: git2::Error) -> String {
    format!("{what}: {}", e.message())
}

/// One changed path, found through libgit2 or the git CLI.
struct Change {
    kind: ChangeKind,
    /// The new path (the old one for a deletion), relative to the work tree root.
    rel: PathBuf,
    new_mode: u32,
    /// Blob ids in hex; `old_id` is `None` for an added file, `new_id` is `None` when the
    /// new side is the working tree (`--diff-base`).
    old_id: Option<String>,
    new_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeKind {
    /// Added, modified, renamed or changed type.
    Changed,
    /// A copy adds new occurrences of everything it copies.
    Copied,
    Deleted,
    Conflicted,
}

/// Where blobs and diffs come from: libgit2, or the git CLI for repositories libgit2
/// cannot open (SHA-256 object format).
enum Backend<'r> {
    Lib(&'r Repository),
    Cli(&'r git::CliRepo),
}

impl Backend<'_> {
    fn blob(&self, id: &str, rel: &Path) -> Result<Vec<u8>, String> {
        match self {
            Backend::Lib(repo) => git2::Oid::from_str(id)
                .and_then(|oid| repo.find_blob(oid))
                .map(|b| b.content().to_vec())
                .map_err(|e| git_error(&format!("{}: cannot read blob {id}", rel.display()), e)),
            Backend::Cli(cli) => cli.blob(id),
        }
    }
}

fn collect(
    backend: &Backend<'_>,
    workdir: &Path,
    cwd: &Path,
    target: &Target,
    options: &ChangeOptions,
    report: &mut CheckReport,
) -> Result<Collected, String> {
    let mut staged = git_index::Index::default();
    let changes = match backend {
        Backend::Lib(repo) => lib_changes(repo, cwd, target, &mut staged)?,
        Backend::Cli(cli) => cli_changes(cli, target)?,
    };
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
        // Symlinks and submodules (gitlinks) are not source files.
        if !git::is_regular_blob(change.new_mode) {
            continue;
        }
        let is_python = crate::walk::is_python_file(rel);
        if !(is_python || (is_config && configs_from_git)) {
            continue;
        }
        if default_excluded(rel) {
            continue;
        }
        if !options.paths.is_empty()
            && is_python
            && !options.paths.iter().any(|p| abs.starts_with(p))
        {
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
        let old = match &change.old_id {
            Some(id) => Some(backend.blob(id, rel)?),
            None => None,
        };
        let fix = if options.fix {
            let on_disk = std::fs::read(&abs).ok();
            if on_disk.as_deref() == Some(bytes.as_slice()) {
                FixPlan::Yes {
                    old: old.clone().unwrap_or_default(),
                    rel: rel.to_path_buf(),
                }
            } else {
                report.warnings.push(format!(
                    "{}: the working tree differs from the staged content; not fixed (stage or stash the difference first)",
                    relative_to(&abs, workdir).display()
                ));
                FixPlan::No
            }
        } else {
            FixPlan::No
        };
        // A rename moves lines; an added file or a copy adds every line (`None`).
        let added = match old {
            Some(old) if !options.all_lines && change.kind != ChangeKind::Copied => {
                Some(added_rows(&old, &bytes))
            }
            _ => None,
        };
        let text = match decode(bytes) {
            Ok(t) => t,
            Err(DecodeError::Binary { .. }) => continue,
            Err(e) => {
                report
                    .warnings
                    .push(format!("{}: {e}", relative_to(&abs, workdir).display()));
                continue;
            }
        };
        collected.files.push(Changed {
            abs,
            text,
            added,
            fix,
        });
    }
    Ok(collected)
}

/// The changes through libgit2, renames and copies detected. Staged mode also fills
/// `staged` with the index entries (for module lookups).
fn lib_changes(
    repo: &Repository,
    cwd: &Path,
    target: &Target,
    staged: &mut git_index::Index,
) -> Result<Vec<Change>, String> {
    let mut diff_options = DiffOptions::new();
    diff_options.context_lines(0).ignore_submodules(true);
    let mut diff = match target {
        Target::Staged => {
            let head_tree = match repo.head() {
                Ok(head) => Some(
                    head.peel_to_tree()
                        .map_err(|e| git_error("cannot read the tree of HEAD", e))?,
                ),
                Err(e)
                    if matches!(
                        e.code(),
                        git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
                    ) =>
                {
                    None
                }
                Err(e) => return Err(git_error("cannot resolve HEAD", e)),
            };
            let (diff, entries) = staged_diff(repo, head_tree.as_ref(), cwd, &mut diff_options)?;
            *staged = entries;
            match diff {
                Some(diff) => diff,
                None => return Ok(Vec::new()),
            }
        }
        Target::Since(rev) => {
            let base = repo
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| git_error(&format!("--diff-base: cannot resolve `{rev}`"), e))?;
            let base_id = match repo.head().and_then(|h| h.peel_to_commit()) {
                Ok(head) => repo.merge_base(base.id(), head.id()).unwrap_or(base.id()),
                Err(_) => base.id(),
            };
            let tree = repo
                .find_commit(base_id)
                .and_then(|c| c.tree())
                .map_err(|e| {
                    git_error(&format!("--diff-base: cannot read the tree of `{rev}`"), e)
                })?;
            repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut diff_options))
                .map_err(|e| {
                    git_error(&format!("cannot diff `{rev}` against the working tree"), e)
                })?
        }
        Target::Range { from, to } => {
            let commit = |rev: &str| {
                repo.revparse_single(rev)
                    .and_then(|o| o.peel_to_commit())
                    .map_err(|e| git_error(&format!("cannot resolve `{rev}`"), e))
            };
            let (from_commit, to_commit) = (commit(from)?, commit(to)?);
            let base_id = repo
                .merge_base(from_commit.id(), to_commit.id())
                .unwrap_or(from_commit.id());
            let trees = repo
                .find_commit(base_id)
                .and_then(|c| c.tree())
                .and_then(|base| to_commit.tree().map(|new| (base, new)));
            let (base_tree, to_tree) = trees
                .map_err(|e| git_error(&format!("cannot read the trees of {from}...{to}"), e))?;
            repo.diff_tree_to_tree(Some(&base_tree), Some(&to_tree), Some(&mut diff_options))
                .map_err(|e| git_error(&format!("cannot diff {from}...{to}"), e))?
        }
    };
    let mut find = DiffFindOptions::new();
    find.renames(true).copies(true);
    diff.find_similar(Some(&mut find))
        .map_err(|e| git_error("rename detection failed", e))?;
    let new_from_git = !matches!(target, Target::Since(_));
    let mut out = Vec::new();
    for delta in diff.deltas() {
        let new = delta.new_file();
        let Some(rel) = new.path().or_else(|| delta.old_file().path()) else {
            continue;
        };
        let kind = match delta.status() {
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Typechange => {
                ChangeKind::Changed
            }
            Delta::Copied => ChangeKind::Copied,
            Delta::Deleted => ChangeKind::Deleted,
            Delta::Conflicted => ChangeKind::Conflicted,
            _ => continue,
        };
        let old_id = delta.old_file().id();
        out.push(Change {
            kind,
            rel: rel.to_path_buf(),
            new_mode: u32::from(new.mode()),
            old_id: (!old_id.is_zero()).then(|| old_id.to_string()),
            new_id: new_from_git.then(|| new.id().to_string()),
        });
    }
    Ok(out)
}

/// The changes through the git CLI (`git diff --raw -z`, renames and copies detected),
/// for repositories libgit2 cannot open.
fn cli_changes(cli: &git::CliRepo, target: &Target) -> Result<Vec<Change>, String> {
    let mut args = vec![
        "diff",
        "--raw",
        "-z",
        "-M",
        "-C",
        "--no-abbrev",
        "--no-ext-diff",
        "--no-textconv",
        "--ignore-submodules",
    ];
    let base;
    let range;
    match target {
        Target::Staged => args.push("--cached"),
        Target::Since(rev) => {
            let merge_base = cli.run(&["merge-base", rev, "HEAD"]);
            base = match merge_base {
                Ok(out) => String::from_utf8_lossy(&out).trim().to_string(),
                Err(_) => rev.clone(),
            };
            args.push(&base);
        }
        Target::Range { from, to } => {
            range = format!("{from}...{to}");
            args.push(&range);
        }
    }
    let out = cli.run(&args)?;
    parse_raw_diff(&out, !matches!(target, Target::Since(_)))
}

/// `git diff --raw -z`: `:oldmode newmode oldid newid STATUS NUL path NUL [path NUL]`.
fn parse_raw_diff(out: &[u8], new_from_git: bool) -> Result<Vec<Change>, String> {
    let bad = || "unexpected `git diff --raw` output".to_string();
    let mut fields = out.split(|&b| b == 0).filter(|f| !f.is_empty());
    let mut changes = Vec::new();
    while let Some(header) = fields.next() {
        let header = std::str::from_utf8(header).map_err(|_| bad())?;
        let parts: Vec<&str> = header.trim_start_matches(':').split(' ').collect();
        let [_old_mode, new_mode, old_id, new_id, status] = parts[..] else {
            return Err(bad());
        };
        let first = fields.next().ok_or_else(bad)?;
        let letter = status.chars().next().ok_or_else(bad)?;
        let path = if matches!(letter, 'R' | 'C') {
            fields.next().ok_or_else(bad)?
        } else {
            first
        };
        let kind = match letter {
            'A' | 'M' | 'R' | 'T' => ChangeKind::Changed,
            'C' => ChangeKind::Copied,
            'D' => ChangeKind::Deleted,
            'U' => ChangeKind::Conflicted,
            _ => continue,
        };
        let is_zero = |id: &str| id.bytes().all(|b| b == b'0');
        changes.push(Change {
            kind,
            rel: PathBuf::from(String::from_utf8_lossy(path).into_owned()),
            new_mode: u32::from_str_radix(new_mode, 8).map_err(|_| bad())?,
            old_id: (!is_zero(old_id)).then(|| old_id.to_string()),
            new_id: (new_from_git && !is_zero(new_id)).then(|| new_id.to_string()),
        });
    }
    Ok(changes)
}

/// The diff of `HEAD` (`head`, `None` when unborn) against the index, narrowed to the
/// paths that changed, and the index's stage-0 entries for module lookups. `None`
/// when nothing is staged.
///
/// The index is read by [`git_index`] (see there for the measured reason), and only
/// the changed entries are handed to libgit2, in an in-memory index. Split and sparse
/// indexes and merges in progress (conflict stages) go through libgit2's own index.
fn staged_diff<'r>(
    repo: &'r Repository,
    head: Option<&git2::Tree>,
    cwd: &Path,
    diff_options: &mut DiffOptions,
) -> Result<(Option<git2::Diff<'r>>, git_index::Index), String> {
    let path = git::index_path(repo, cwd);
    let mut parsed = match git_index::read_file(&path, repo.path()) {
        Ok(index) if !index.has_conflicts() => index,
        Ok(_) | Err(IndexError::Unsupported(_)) => {
            return libgit2_staged_diff(repo, head, diff_options)
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut changed = Vec::new();
    let compare = |index: &git_index::Index, changed: &mut Vec<Vec<u8>>| {
        let whole = 0..index.entries.len();
        compare_index(
            repo,
            head,
            index,
            whole,
            b"",
            index.cache_tree.as_ref(),
            changed,
        )
    };
    match compare(&parsed, &mut changed) {
        // Sparse directories are normally HEAD's trees (their cache-tree nodes are
        // valid and skipped); one that is not is expanded, and the walk redone.
        Err(e) if e == SPARSE_DIR_CHANGED => {
            parsed = parsed.expand_sparse(repo)?;
            changed.clear();
            compare(&parsed, &mut changed)?;
        }
        other => other?,
    }
    if changed.is_empty() {
        return Ok((None, parsed));
    }
    changed.sort();
    changed.dedup();
    let mut narrowed =
        git2::Index::new().map_err(|e| git_error("cannot create an in-memory index", e))?;
    for path in &changed {
        let at = parsed
            .entries
            .partition_point(|e| parsed.path(e) < path.as_slice());
        let found = parsed.entries[at..]
            .iter()
            .take_while(|e| parsed.path(e) == path.as_slice())
            .find(|e| !e.intent_to_add);
        if let Some(entry) = found {
            narrowed
                .add(&in_memory_entry(path, entry))
                .map_err(|e| git_error("cannot build the staged index", e))?;
        }
    }
    diff_options.disable_pathspec_match(true);
    for path in &changed {
        diff_options.pathspec(path.as_slice());
    }
    let diff = repo
        .diff_tree_to_index(head, Some(&narrowed), Some(diff_options))
        .map_err(|e| git_error("cannot diff HEAD against the index", e))?;
    Ok((Some(diff), parsed))
}

/// [`compare_index`] met a sparse directory whose tree is not `HEAD`'s.
const SPARSE_DIR_CHANGED: &str = "a sparse directory differs from HEAD; expand it";

fn in_memory_entry(path: &[u8], entry: &git_index::Entry) -> git2::IndexEntry {
    let zero = git2::IndexTime::new(0, 0);
    git2::IndexEntry {
        ctime: zero,
        mtime: zero,
        dev: 0,
        ino: 0,
        mode: entry.mode,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: entry.oid,
        flags: 0,
        flags_extended: 0,
        path: path.to_vec(),
    }
}

/// The same through libgit2's index, for what [`git_index`] leaves to it.
fn libgit2_staged_diff<'r>(
    repo: &'r Repository,
    head: Option<&git2::Tree>,
    diff_options: &mut DiffOptions,
) -> Result<(Option<git2::Diff<'r>>, git_index::Index), String> {
    let index = repo
        .index()
        .map_err(|e| git_error("cannot read the git index", e))?;
    let entries = git::index_from_libgit2(&index);
    let diff = repo
        .diff_tree_to_index(head, Some(&index), Some(diff_options))
        .map_err(|e| git_error("cannot diff HEAD against the index", e))?;
    Ok((Some(diff), entries))
}

/// Paths (bytes, from the root) whose entries differ between the tree `old` and the
/// sorted index entries `new` of the directory `dir` (with its `/`; empty for the
/// root). A directory whose valid cache-tree id equals the tree id is
/// skipped whole; elsewhere the cost follows the directory's direct children (index
/// subdirectories are jumped over by binary search).
#[allow(clippy::too_many_arguments)]
fn compare_index(
    repo: &Repository,
    old: Option<&git2::Tree>,
    index: &git_index::Index,
    range: std::ops::Range<usize>,
    dir: &[u8],
    cache: Option<&git_index::CacheTree>,
    out: &mut Vec<Vec<u8>>,
) -> Result<(), String> {
    if let (Some(tree), Some(valid)) = (old, cache.and_then(|c| c.valid_oid())) {
        if tree.id() == valid {
            return Ok(());
        }
    }
    let new = index.entries.get(range.clone()).unwrap_or_default();
    let skip = dir.len();
    let mut seen: HashSet<&[u8]> = HashSet::new();
    let mut i = 0;
    while let Some(entry) = new.get(i) {
        let path = index.path(entry);
        let rest = path.get(skip..).unwrap_or_default();
        match memchr::memchr(b'/', rest) {
            Some(slash) => {
                let name = &rest[..slash];
                let prefix = &path[..skip + slash + 1];
                let len = new[i..]
                    .partition_point(|e| index.path(e).starts_with(prefix))
                    .max(1);
                let sub_tree = match old.and_then(|t| t.get_name_bytes(name)) {
                    Some(te) if te.kind() == Some(git2::ObjectType::Tree) => Some(
                        repo.find_tree(te.id())
                            .map_err(|e| git_error("cannot read a tree", e))?,
                    ),
                    Some(_) => {
                        // A file replaced by a directory.
                        out.push(path[..skip + slash].to_vec());
                        None
                    }
                    None => None,
                };
                let start = range.start + i;
                compare_index(
                    repo,
                    sub_tree.as_ref(),
                    index,
                    start..start + len,
                    prefix,
                    cache.and_then(|c| c.child(name)),
                    out,
                )?;
                seen.insert(name);
                i += len;
            }
            // A sparse index's directory entry (the only entry of its range): equal to
            // HEAD's tree, nothing below changed; else the caller expands and retries.
            None if entry.mode == git_index::MODE_SPARSE_DIR && new.len() == 1 => {
                return if old.is_some_and(|t| t.id() == entry.oid) {
                    Ok(())
                } else {
                    Err(SPARSE_DIR_CHANGED.to_string())
                };
            }
            // Not recorded by `git commit`: as if absent (the tree side reports it).
            None if entry.intent_to_add => i += 1,
            None => {
                let in_tree = old.and_then(|t| t.get_name_bytes(rest));
                let same = in_tree.as_ref().is_some_and(|te| {
                    te.kind() != Some(git2::ObjectType::Tree)
                        && te.id() == entry.oid
                        && te.filemode() as u32 == entry.mode
                });
                if !same {
                    out.push(path.to_vec());
                    if let Some(te) = in_tree.filter(|te| te.kind() == Some(git2::ObjectType::Tree))
                    {
                        // A directory replaced by a file: all of it is deleted.
                        let tree = repo
                            .find_tree(te.id())
                            .map_err(|e| git_error("cannot read a tree", e))?;
                        deleted_below(repo, &tree, &[path, b"/"].concat(), out)?;
                    }
                }
                seen.insert(rest);
                i += 1;
            }
        }
    }
    let Some(tree) = old else {
        return Ok(());
    };
    for te in tree.iter().filter(|te| !seen.contains(te.name_bytes())) {
        deleted_entry(repo, &te, dir, out)?;
    }
    Ok(())
}

/// Every file of a tree that the index no longer has.
fn deleted_below(
    repo: &Repository,
    tree: &git2::Tree,
    prefix: &[u8],
    out: &mut Vec<Vec<u8>>,
) -> Result<(), String> {
    for te in tree.iter() {
        deleted_entry(repo, &te, prefix, out)?;
    }
    Ok(())
}

/// One tree entry the index no longer has: a file, or every file below a directory.
fn deleted_entry(
    repo: &Repository,
    te: &git2::TreeEntry,
    prefix: &[u8],
    out: &mut Vec<Vec<u8>>,
) -> Result<(), String> {
    let path = [prefix, te.name_bytes()].concat();
    if te.kind() == Some(git2::ObjectType::Tree) {
        let sub = repo
            .find_tree(te.id())
            .map_err(|e| git_error("cannot read a tree", e))?;
        deleted_below(repo, &sub, &[path.as_slice(), b"/"].concat(), out)
    } else {
        out.push(path);
        Ok(())
    }
}

/// Config lookup for changed files: a staged config wins, else the working tree, else
/// defaults rooted at the work tree. Module lookups go through `module_files`.
struct ConfigLookup {
    staged: HashMap<PathBuf, Option<String>>,
    module_files: Option<Arc<dyn ModuleFiles>>,
    fixed: Option<Arc<Settings>>,
    fallback: Arc<Settings>,
    cache: HashMap<PathBuf, Result<Arc<Settings>, ConfigError>>,
}

impl ConfigLookup {
    fn new(
        workdir: &Path,
        staged: HashMap<PathBuf, Option<String>>,
        module_files: Option<Arc<dyn ModuleFiles>>,
        fixed: Option<&Path>,
    ) -> Result<ConfigLookup, String> {
        let attach = |s: Settings| match &module_files {
            Some(files) => s.with_module_files(files.clone()),
            None => s,
        };
        let fixed = match fixed {
            Some(path) => {
                let path = config::normalize(path);
                let settings = match config::load_file(&path).map_err(|e| e.to_string())? {
                    Some(s) => s,
                    None => Settings {
                        config_path: Some(path.clone()),
                        ..Settings::default_at(path.parent().unwrap_or(workdir))
                    },
                };
                Some(Arc::new(attach(settings)))
            }
            None => None,
        };
        let fallback = Arc::new(attach(Settings::default_at(workdir)));
        Ok(ConfigLookup {
            staged,
            module_files,
            fixed,
            fallback,
            cache: HashMap::new(),
        })
    }

    fn for_dir(&mut self, dir: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        if let Some(found) = self.cache.get(dir) {
            return found.clone();
        }
        let found = self.lookup(dir);
        self.cache.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn lookup(&mut self, dir: &Path) -> Result<Arc<Settings>, ConfigError> {
        for name in CONFIG_FILES {
            let candidate = dir.join(name);
            let parsed = match self.staged.get(&candidate) {
                Some(Some(text)) => config::parse(&candidate, text)?,
                Some(None) => None,
                None if candidate.is_file() => config::load_file(&candidate)?,
                None => None,
            };
            if let Some(settings) = parsed {
                let settings = match &self.module_files {
                    Some(files) => settings.with_module_files(files.clone()),
                    None => settings,
                };
                return Ok(Arc::new(settings));
            }
        }
        match dir.parent() {
            Some(parent) => self.for_dir(parent),
            None => Ok(self.fallback.clone()),
        }
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

/// What `install-hook` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    New(PathBuf),
    Updated(PathBuf),
    /// The previous hook was kept under this name and is called first.
    KeptPrevious(PathBuf, PathBuf),
}

/// Write the pre-commit hook into the directory git runs hooks from.
pub fn install_hook(cwd: &Path, force: bool) -> Result<Installed, String> {
    let dir = match git::open(cwd)? {
        git::Opened::Lib(repo) => git::hooks_dir(&repo)?,
        git::Opened::Cli(cli) => cli.hooks_dir()?,
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let hook = dir.join("pre-commit");
    let outcome = match std::fs::symlink_metadata(&hook) {
        Err(_) => Installed::New(hook.clone()),
        Ok(_) => {
            let existing = std::fs::read(&hook).unwrap_or_default();
            let ours = String::from_utf8_lossy(&existing).contains(HOOK_MARKER);
            if ours {
                Installed::Updated(hook.clone())
            } else if !force {
                return Err(format!(
                    "{} exists and was not written by ssotlint; rerun with --force to keep it as \
                     pre-commit.local (called first) and install the ssotlint hook",
                    hook.display()
                ));
            } else {
                let local = dir.join("pre-commit.local");
                if std::fs::symlink_metadata(&local).is_ok() {
                    return Err(format!(
                        "{} already exists; move it away before installing over {}",
                        local.display(),
                        hook.display()
                    ));
                }
                std::fs::rename(&hook, &local).map_err(|e| {
                    format!(
                        "{}: cannot rename to {}: {e}",
                        hook.display(),
                        local.display()
                    )
                })?;
                Installed::KeptPrevious(hook.clone(), local)
            }
        }
    };
    std::fs::write(&hook, hook_script(std::env::current_exe().ok().as_deref()))
        .map_err(|e| format!("{}: cannot write: {e}", hook.display()))?;
    make_executable(&hook)?;
    Ok(outcome)
}

/// [`HOOK_SCRIPT`] with `installed_by` set to `binary` (shell-quoted), the fallback
/// when `ssotlint` is not on `PATH` (installed with `cargo run`, or from a venv that
/// is not active when git runs the hook).
pub fn hook_script(binary: Option<&Path>) -> String {
    match binary.and_then(Path::to_str) {
        Some(path) => HOOK_SCRIPT.replacen(
            "installed_by=''",
            &format!("installed_by='{}'", path.replace('\'', "'\\''")),
            1,
        ),
        None => HOOK_SCRIPT.to_string(),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: cannot make executable: {e}", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// The cache-tree walk finds exactly the paths `git diff --cached` lists.
    fn assert_changed_paths_match_git(dir: &Path) {
        let repo = Repository::open(dir).expect("open");
        let head = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
        let parsed =
            git_index::read_file(&dir.join(".git/index"), &dir.join(".git")).expect("index");
        let mut changed = Vec::new();
        compare_index(
            &repo,
            head.as_ref(),
            &parsed,
            0..parsed.entries.len(),
            b"",
            parsed.cache_tree.as_ref(),
            &mut changed,
        )
        .expect("walk");
        changed.sort();
        changed.dedup();
        let ours: Vec<String> = changed
            .into_iter()
            .map(|p| String::from_utf8(p).expect("utf-8"))
            .collect();
        let theirs: Vec<String> = git(dir, &["diff", "--cached", "--name-only", "--no-renames"])
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn changed_paths_equal_git_diff_cached() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        git(d, &["init", "-q", "-b", "main"]);
        for i in 0..5 {
            for j in 0..4 {
                write(d, &format!("p{i}/q{j}/m.py"), &format!("x = {i}{j}\n"));
            }
        }
        write(d, "top.py", "t = 1\n");
        write(d, "gone/a.py", "a = 1\n");
        write(d, "gone/deeper/b.py", "b = 1\n");
        write(d, "becomes_dir", "f\n");
        write(d, "becomes_file/c.py", "c = 1\n");
        write(d, "run.sh", "#!/bin/sh\n");
        git(d, &["add", "-A"]);
        assert_changed_paths_match_git(d);
        git(d, &["commit", "-q", "-m", "init"]);
        assert_changed_paths_match_git(d);

        write(d, "p1/q2/m.py", "x = 'changed'\n");
        write(d, "p4/new/n.py", "n = 1\n");
        write(d, "p3/q0/extra.py", "e = 1\n");
        std::fs::remove_file(d.join("p0/q1/m.py")).expect("rm");
        std::fs::remove_dir_all(d.join("gone")).expect("rm");
        std::fs::remove_file(d.join("becomes_dir")).expect("rm");
        write(d, "becomes_dir/inside.py", "i = 1\n");
        std::fs::remove_dir_all(d.join("becomes_file")).expect("rm");
        write(d, "becomes_file", "now a file\n");
        git(d, &["add", "-A"]);
        git(d, &["update-index", "--chmod=+x", "top.py"]);
        write(d, "p2/ita.py", "not committed\n");
        git(d, &["add", "-N", "p2/ita.py"]);
        assert_changed_paths_match_git(d);

        // Without a cache tree every directory is compared entry by entry.
        git(d, &["read-tree", "HEAD"]);
        write(d, "p2/q3/m.py", "x = 'again'\n");
        git(d, &["add", "p2/q3/m.py"]);
        let parsed = git_index::read_file(&d.join(".git/index"), &d.join(".git")).expect("index");
        assert!(parsed
            .cache_tree
            .as_ref()
            .and_then(git_index::CacheTree::valid_oid)
            .is_none());
        assert_changed_paths_match_git(d);

        // A fully valid cache tree equal to HEAD: nothing to walk.
        git(d, &["reset", "-q", "--hard"]);
        git(d, &["write-tree"]);
        assert_changed_paths_match_git(d);
        git(d, &["update-index", "--index-version", "4"]);
        write(d, "p0/q0/m.py", "x = 'v4'\n");
        git(d, &["add", "-A"]);
        assert_changed_paths_match_git(d);
    }
}
