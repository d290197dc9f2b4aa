//! What changed: `HEAD` (or a base) against the index, the working tree or another
//! commit, as a list of [`Change`]s, through libgit2 or the git CLI. The staged diff
//! reads the index with our own reader ([`super::index`]), walks it against `HEAD`'s
//! tree with the cache tree, and hands only the changed paths to libgit2 for rename
//! detection.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use git2::{Delta, DiffFindOptions, DiffOptions, Repository};

use super::index::{self, IndexError};
use super::index_files::index_from_libgit2;
use super::repo::{self, git_error, CliRepo};

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

/// One changed path, found through libgit2 or the git CLI.
pub(super) struct Change {
    pub(super) kind: ChangeKind,
    /// The new path (the old one for a deletion), relative to the work tree root.
    pub(super) rel: PathBuf,
    pub(super) new_mode: u32,
    /// Blob ids in hex; `old_id` is `None` for an added file, `new_id` is `None` when the
    /// new side is the working tree (`--diff-base`).
    pub(super) old_id: Option<String>,
    pub(super) new_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChangeKind {
    /// Added, modified, renamed or changed type.
    Changed,
    /// A copy adds new occurrences of everything it copies.
    Copied,
    Deleted,
    Conflicted,
}

/// Where blobs and diffs come from: libgit2, or the git CLI for repositories libgit2
/// cannot open (SHA-256 object format).
pub(super) enum Backend<'r> {
    Lib(&'r Repository),
    Cli(&'r CliRepo),
}

impl Backend<'_> {
    pub(super) fn blob(&self, id: &str, rel: &Path) -> Result<Vec<u8>, String> {
        match self {
            Backend::Lib(repo) => git2::Oid::from_str(id)
                .and_then(|oid| repo.find_blob(oid))
                .map(|b| b.content().to_vec())
                .map_err(|e| git_error(&format!("{}: cannot read blob {id}", rel.display()), e)),
            Backend::Cli(cli) => cli.blob(id),
        }
    }
}

/// The changes through libgit2, renames and copies detected. Staged mode also fills
/// `staged` with the index entries (for module lookups).
/// The changes `target` names, through libgit2 or the git CLI. Staged mode through
/// libgit2 also fills `staged` with the index entries (for module lookups).
pub(super) fn changes(
    backend: &Backend<'_>,
    cwd: &Path,
    target: &Target,
    staged: &mut index::Index,
) -> Result<Vec<Change>, String> {
    match backend {
        Backend::Lib(repo) => lib_changes(repo, cwd, target, staged),
        Backend::Cli(cli) => cli_changes(cli, target),
    }
}

fn lib_changes(
    repo: &Repository,
    cwd: &Path,
    target: &Target,
    staged: &mut index::Index,
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
fn cli_changes(cli: &CliRepo, target: &Target) -> Result<Vec<Change>, String> {
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
) -> Result<(Option<git2::Diff<'r>>, index::Index), String> {
    let path = repo::index_path(repo, cwd);
    let mut parsed = match index::read_file(&path, repo.path()) {
        Ok(index) if !index.has_conflicts() => index,
        Ok(_) | Err(IndexError::Unsupported(_)) => {
            return libgit2_staged_diff(repo, head, diff_options)
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut changed = Vec::new();
    let compare = |index: &index::Index, changed: &mut Vec<Vec<u8>>| {
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

fn in_memory_entry(path: &[u8], entry: &index::Entry) -> git2::IndexEntry {
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
) -> Result<(Option<git2::Diff<'r>>, index::Index), String> {
    let index = repo
        .index()
        .map_err(|e| git_error("cannot read the git index", e))?;
    let entries = index_from_libgit2(&index);
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
pub(super) fn compare_index(
    repo: &Repository,
    old: Option<&git2::Tree>,
    index: &index::Index,
    range: std::ops::Range<usize>,
    dir: &[u8],
    cache: Option<&index::CacheTree>,
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
            None if entry.mode == index::MODE_SPARSE_DIR && new.len() == 1 => {
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
