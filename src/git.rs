//! Git access for the pre-commit mode: repository discovery the way git does it, the
//! index as a [`ModuleFiles`] backend (so module lookups see staged content), and the
//! hooks directory git actually runs.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use git2::{ErrorCode, Repository};

use crate::git_index;
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

/// A repository opened for the pre-commit mode.
pub enum Opened {
    Lib(Repository),
    /// libgit2 (1.9, as built here) cannot open repositories with SHA-256 object ids
    /// (`git init --object-format=sha256`); the git CLI reads those.
    Cli(CliRepo),
}

/// [`open_repository`], falling back to the git CLI where libgit2 refuses the
/// repository's object format.
pub fn open(cwd: &Path) -> Result<Opened, String> {
    match open_repository(cwd) {
        Ok(repo) => Ok(Opened::Lib(repo)),
        Err(e) if e.contains("object format") => CliRepo::discover(cwd)
            .map(Opened::Cli)
            .map_err(|cli| format!("{e}; the git CLI fallback failed too: {cli}")),
        Err(e) => Err(e),
    }
}

/// A repository read through the `git` command (same environment, so `GIT_DIR`,
/// `GIT_INDEX_FILE` and friends mean what they mean to git).
pub struct CliRepo {
    pub workdir: PathBuf,
    cwd: PathBuf,
}

impl CliRepo {
    pub fn discover(cwd: &Path) -> Result<CliRepo, String> {
        let cli = CliRepo {
            workdir: PathBuf::new(),
            cwd: cwd.to_path_buf(),
        };
        let top = cli.run(&["rev-parse", "--show-toplevel"])?;
        let top =
            String::from_utf8(top).map_err(|_| "the work tree path is not UTF-8".to_string())?;
        Ok(CliRepo {
            workdir: crate::config::normalize(Path::new(top.trim_end_matches('\n'))),
            ..cli
        })
    }

    /// Run `git ARGS` from the work tree root (or the starting directory before it is
    /// known); stdout, or stderr as the error.
    pub fn run(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        let dir = if self.workdir.as_os_str().is_empty() {
            &self.cwd
        } else {
            &self.workdir
        };
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    /// Where git runs hooks from (`core.hooksPath` honoured), absolute.
    pub fn hooks_dir(&self) -> Result<PathBuf, String> {
        let out = self.run(&["rev-parse", "--path-format=absolute", "--git-path", "hooks"])?;
        let dir = String::from_utf8(out).map_err(|_| "the hooks path is not UTF-8".to_string())?;
        Ok(PathBuf::from(dir.trim_end_matches('\n')))
    }

    pub fn blob(&self, id: &str) -> Result<Vec<u8>, String> {
        self.run(&["cat-file", "blob", id])
    }

    /// Write fixed files and `git add` exactly them.
    pub(crate) fn stage_fixes(&self, writes: &[crate::hook::Write]) -> Result<(), String> {
        let mut args = vec!["add".to_string(), "--".to_string()];
        for w in writes {
            std::fs::write(&w.abs, &w.content)
                .map_err(|e| format!("{}: cannot write: {e}", w.abs.display()))?;
            args.push(w.rel.to_string_lossy().into_owned());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args).map(|_| ())
    }
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

/// libgit2's reading of the index (the fallback for split, sparse and conflicted
/// indexes) as a [`git_index::Index`] of what `git commit` would record.
pub fn index_from_libgit2(index: &git2::Index) -> git_index::Index {
    let mut out = git_index::Index::default();
    for e in index.iter() {
        if is_stage0(e.flags) && e.flags_extended & INTENT_TO_ADD == 0 {
            out.push(&e.path, e.mode, e.id, 0, false);
        }
    }
    out
}

const INTENT_TO_ADD: u16 = 1 << 13;

/// The git index seen as files: what `is_file`/`read` answer is what would be
/// committed. Paths outside the work tree are answered from the file system. Lookups
/// search the entries the staged diff already read (sorted bytewise, as git keeps
/// them), so the index is read once per run.
pub struct IndexFiles {
    workdir: PathBuf,
    repo: Arc<Mutex<Repository>>,
    index: Arc<git_index::Index>,
    expanded: OnceLock<Arc<git_index::Index>>,
}

/// An entry `git commit` records (merged, not a `git add -N` placeholder).
fn committed(e: &git_index::Entry) -> bool {
    e.stage == 0 && !e.intent_to_add
}

impl IndexFiles {
    pub fn new(
        workdir: PathBuf,
        repo: Arc<Mutex<Repository>>,
        index: Arc<git_index::Index>,
    ) -> IndexFiles {
        IndexFiles {
            workdir,
            repo,
            index,
            expanded: OnceLock::new(),
        }
    }

    /// The entries to answer a lookup of `rel` from: the index as read, or, for a path
    /// inside a sparse directory, the index with its sparse directories expanded (done
    /// once, on the first such lookup; most runs never need it).
    fn index_for(&self, rel: &str) -> &git_index::Index {
        if !self.index.in_sparse_dir(rel.as_bytes()) {
            return &self.index;
        }
        self.expanded.get_or_init(|| {
            let repo = self.repo.lock().ok();
            let expanded = repo.and_then(|repo| (*self.index).clone().expand_sparse(&repo).ok());
            Arc::new(expanded.unwrap_or_else(|| (*self.index).clone()))
        })
    }

    /// The staged blob at `rel`, when it is a regular file.
    fn find(&self, rel: &str) -> Option<git2::Oid> {
        let index = self.index_for(rel);
        let entries = &index.entries;
        let at = entries.partition_point(|e| index.path(e) < rel.as_bytes());
        entries[at..]
            .iter()
            .take_while(|e| index.path(e) == rel.as_bytes())
            .find(|e| committed(e) && is_regular_blob(e.mode))
            .map(|e| e.oid)
    }
}

/// Entries of `index` below `dir` (`""` for the root), as a slice of the sorted list.
fn below<'i>(index: &'i git_index::Index, dir: &str) -> &'i [git_index::Entry] {
    let entries = &index.entries;
    if dir.is_empty() {
        return entries;
    }
    let prefix = format!("{dir}/");
    let start = entries.partition_point(|e| index.path(e) < prefix.as_bytes());
    let len = entries[start..].partition_point(|e| index.path(e).starts_with(prefix.as_bytes()));
    &entries[start..start + len]
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
            Some(rel) => rel.is_empty() || !below(self.index_for(&rel), &rel).is_empty(),
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
        let index = self.index_for(&rel);
        let entries = below(index, &rel);
        let mut out: Vec<(String, bool)> = Vec::new();
        let mut i = 0;
        while let Some(entry) = entries.get(i) {
            let path = index.path(entry);
            let rest = path.get(skip..).unwrap_or_default();
            match memchr::memchr(b'/', rest) {
                Some(slash) => {
                    // Jump over the whole subdirectory: cost follows the entries of
                    // `dir`, not the size of the tree below it.
                    let sub = &path[..skip + slash + 1];
                    i += entries[i..]
                        .partition_point(|e| index.path(e).starts_with(sub))
                        .max(1);
                    if let Ok(name) = std::str::from_utf8(&rest[..slash]) {
                        out.push((name.to_string(), true));
                    }
                }
                None => {
                    if committed(entry) && is_regular_blob(entry.mode) {
                        if let Ok(name) = std::str::from_utf8(rest) {
                            out.push((name.to_string(), false));
                        }
                    }
                    i += 1;
                }
            }
        }
        out
    }
}
