//! Git access for the pre-commit mode: repository discovery the way git does it, the
//! index as a [`ModuleFiles`] backend (so module lookups see staged content), and the
//! hooks directory git actually runs.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use git2::{ErrorCode, Repository};

use crate::project::ModuleFiles;

/// Open the repository the way git does: `GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`
/// (set by `git commit -a` for its temporary index) and linked worktrees honoured,
/// searching upward from the current directory otherwise.
pub fn open_repository(cwd: &Path) -> Result<Repository, String> {
    Repository::open_from_env().map_err(|e| {
        if e.code() == ErrorCode::NotFound {
            format!(
                "not a git repository (or any parent up to the mount point): {}",
                cwd.display()
            )
        } else {
            format!("cannot open the git repository: {}", e.message())
        }
    })
}

/// The working tree root, absolute and without a trailing slash.
pub fn workdir(repo: &Repository) -> Result<PathBuf, String> {
    repo.workdir()
        .map(crate::config::normalize)
        .ok_or_else(|| "the repository is bare; there is no working tree to check".to_string())
}

/// `a/b.py` with `/` separators, as git stores paths; `None` outside the work tree.
pub fn repo_relative(workdir: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(workdir).ok()?;
    let mut out = String::new();
    for c in rel.components() {
        match c {
            Component::Normal(part) => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(part.to_str()?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The directory git runs hooks from: `core.hooksPath` (relative to the work tree root,
/// `~` expanded) when set, else `hooks` under the common git directory (shared by all
/// worktrees).
pub fn hooks_dir(repo: &Repository) -> Result<PathBuf, String> {
    let config = repo
        .config()
        .map_err(|e| format!("cannot read the git config: {}", e.message()))?;
    match config.get_string("core.hooksPath") {
        Ok(value) if !value.is_empty() => {
            let expanded = match value.strip_prefix("~/") {
                Some(rest) => match std::env::var_os("HOME") {
                    Some(home) => PathBuf::from(home).join(rest),
                    None => PathBuf::from(&value),
                },
                None => PathBuf::from(&value),
            };
            if expanded.is_absolute() {
                Ok(expanded)
            } else {
                let base = match repo.workdir() {
                    Some(w) => w.to_path_buf(),
                    None => repo.path().to_path_buf(),
                };
                Ok(crate::config::normalize(&base.join(expanded)))
            }
        }
        _ => Ok(repo.commondir().join("hooks")),
    }
}

/// The index file the commit is made from: `GIT_INDEX_FILE` when set (`git commit -a`
/// and `git commit <paths>` run hooks on a temporary index; relative to the current
/// directory, as git and libgit2 take it), else `index` in the repository's git
/// directory (a linked worktree's own).
pub fn index_path(repo: &Repository, cwd: &Path) -> PathBuf {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(file) if !file.is_empty() => cwd.join(file),
        _ => repo.path().join("index"),
    }
}

/// A merged (stage 0) index entry that `git commit` would record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedEntry {
    pub path: String,
    pub oid: git2::Oid,
    pub mode: u32,
}

impl StagedEntry {
    /// From [`crate::git_index`] entries (already stage 0, sorted); non-UTF-8 paths
    /// cannot name Python modules and are left out.
    pub fn from_index(entries: &[&crate::git_index::Entry]) -> Vec<StagedEntry> {
        entries
            .iter()
            .filter_map(|e| {
                Some(StagedEntry {
                    path: String::from_utf8(e.path.clone()).ok()?,
                    oid: e.oid,
                    mode: e.mode,
                })
            })
            .collect()
    }

    /// From libgit2's index (the fallback for split/sparse/conflicted indexes).
    pub fn from_libgit2(index: &git2::Index) -> Vec<StagedEntry> {
        index
            .iter()
            .filter(|e| is_stage0(e.flags) && e.flags_extended & INTENT_TO_ADD == 0)
            .filter_map(|e| {
                Some(StagedEntry {
                    path: String::from_utf8(e.path).ok()?,
                    oid: e.id,
                    mode: e.mode,
                })
            })
            .collect()
    }
}

const INTENT_TO_ADD: u16 = 1 << 13;

/// The git index seen as files: what `is_file`/`read` answer is what would be
/// committed. Paths outside the work tree are answered from the file system. Lookups
/// search the entries the staged diff already read (sorted bytewise, as git keeps
/// them), so the index is read once per run.
pub struct IndexFiles {
    workdir: PathBuf,
    repo: Arc<Mutex<Repository>>,
    entries: Vec<StagedEntry>,
}

impl IndexFiles {
    pub fn new(
        workdir: PathBuf,
        repo: Arc<Mutex<Repository>>,
        entries: Vec<StagedEntry>,
    ) -> IndexFiles {
        IndexFiles {
            workdir,
            repo,
            entries,
        }
    }

    /// The staged blob at `rel`, when it is a regular file.
    fn find(&self, rel: &str) -> Option<git2::Oid> {
        let at = self.entries.partition_point(|e| e.path.as_str() < rel);
        self.entries
            .get(at)
            .filter(|e| e.path == rel && is_regular_blob(e.mode))
            .map(|e| e.oid)
    }

    /// Index entries below `dir` (`""` for the root), as a slice of the sorted list.
    fn below(&self, dir: &str) -> &[StagedEntry] {
        if dir.is_empty() {
            return &self.entries;
        }
        let prefix = format!("{dir}/");
        let start = self
            .entries
            .partition_point(|e| e.path.as_str() < prefix.as_str());
        let len = self.entries[start..].partition_point(|e| e.path.starts_with(&prefix));
        &self.entries[start..start + len]
    }
}

fn is_stage0(flags: u16) -> bool {
    (flags >> 12) & 0x3 == 0
}

/// Regular or executable file (not a symlink, not a gitlink).
pub fn is_regular_blob(mode: u32) -> bool {
    mode & 0o170000 == 0o100000
}

impl ModuleFiles for IndexFiles {
    fn is_file(&self, path: &Path) -> bool {
        match repo_relative(&self.workdir, path) {
            Some(rel) => self.find(&rel).is_some(),
            None => path.is_file(),
        }
    }

    fn is_dir(&self, path: &Path) -> bool {
        match repo_relative(&self.workdir, path) {
            Some(rel) => rel.is_empty() || !self.below(&rel).is_empty(),
            None => path.is_dir(),
        }
    }

    fn read(&self, path: &Path) -> Option<String> {
        let Some(rel) = repo_relative(&self.workdir, path) else {
            return std::fs::read(path)
                .ok()
                .and_then(|b| crate::source::decode(b).ok());
        };
        let id = self.find(&rel)?;
        let repo = self.repo.lock().ok()?;
        let blob = repo.find_blob(id).ok()?;
        crate::source::decode(blob.content().to_vec()).ok()
    }

    fn list(&self, dir: &Path) -> Vec<(String, bool)> {
        let Some(rel) = repo_relative(&self.workdir, dir) else {
            return crate::project::FsFiles.list(dir);
        };
        let skip = if rel.is_empty() { 0 } else { rel.len() + 1 };
        let entries = self.below(&rel);
        let mut out: Vec<(String, bool)> = Vec::new();
        let mut i = 0;
        while let Some(StagedEntry { path, mode, .. }) = entries.get(i) {
            let rest = &path[skip..];
            match rest.split_once('/') {
                Some((name, _)) => {
                    // Jump over the whole subdirectory: cost follows the entries of
                    // `dir`, not the size of the tree below it.
                    let sub = format!("{}{name}/", &path[..skip]);
                    i += entries[i..].partition_point(|e| e.path.starts_with(&sub));
                    out.push((name.to_string(), true));
                }
                None => {
                    if is_regular_blob(*mode) {
                        out.push((rest.to_string(), false));
                    }
                    i += 1;
                }
            }
        }
        out
    }
}
