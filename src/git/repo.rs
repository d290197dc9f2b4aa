//! The repository: discovery the way git does it (libgit2, or the git CLI for
//! SHA-256 repositories), paths inside it, the hooks directory git actually runs, and
//! staging fixed files.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use git2::{ErrorCode, Repository};

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
    pub(crate) fn stage_fixes(&self, writes: &[Write]) -> Result<(), String> {
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

/// A fixed file to write to the working tree and stage.
pub(crate) struct Write {
    pub(crate) abs: PathBuf,
    pub(crate) rel: PathBuf,
    pub(crate) content: String,
}

/// Write fixed files and stage exactly them (as `git add` would: stat data, filters,
/// mode from the file), in the index the commit is made from: the fallback when the git
/// CLI cannot run.
pub(super) fn stage_fixes(repo: &Mutex<Repository>, writes: &[Write]) -> Result<(), String> {
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

pub(super) fn git_error(what: &str, e: git2::Error) -> String {
    format!("{what}: {}", e.message())
}
