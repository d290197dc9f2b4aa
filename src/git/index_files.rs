//! The git index seen as files ([`IndexFiles`]), so module lookups see staged
//! content.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use git2::Repository;

use super::index;
use super::repo::repo_relative;
use crate::project::ModuleFiles;

/// libgit2's reading of the index (the fallback for split, sparse and conflicted
/// indexes) as a [`index::Index`] of what `git commit` would record.
pub fn index_from_libgit2(index: &git2::Index) -> index::Index {
    let mut out = index::Index::default();
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
    index: Arc<index::Index>,
    expanded: OnceLock<Arc<index::Index>>,
}

/// An entry `git commit` records (merged, not a `git add -N` placeholder).
fn committed(e: &index::Entry) -> bool {
    e.stage == 0 && !e.intent_to_add
}

impl IndexFiles {
    pub fn new(
        workdir: PathBuf,
        repo: Arc<Mutex<Repository>>,
        index: Arc<index::Index>,
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
    fn index_for(&self, rel: &str) -> &index::Index {
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
fn below<'i>(index: &'i index::Index, dir: &str) -> &'i [index::Entry] {
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
