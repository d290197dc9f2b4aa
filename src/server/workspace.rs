//! The workspace's module files, indexed in memory so SSOT005 lookups do not touch the
//! disk while typing. Until the background index is built (and for paths outside the
//! workspace) lookups go to the file system, so results never depend on timing. Open
//! documents come first: module lookups see the editor's unsaved text, as
//! rust-analyzer and pyright do.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::project::{FsFiles, ModuleFiles};
use crate::source::SourceText;

/// Directory → its entries (name → is a directory). Only what module lookup needs:
/// directories and Python sources, stubs and extension modules.
#[derive(Debug, Default)]
pub struct Index {
    root: PathBuf,
    dirs: HashMap<PathBuf, BTreeMap<String, bool>>,
}

impl Index {
    /// Walk `root`, skipping hidden directories, `__pycache__` and `node_modules`.
    pub fn build(root: &Path) -> Index {
        let mut index = Index {
            root: root.to_path_buf(),
            dirs: HashMap::new(),
        };
        index.dirs.insert(root.to_path_buf(), BTreeMap::new());
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok) {
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                if is_dir
                    && (name.starts_with('.') || name == "__pycache__" || name == "node_modules")
                {
                    continue;
                }
                if !is_dir && !is_module_file(&name) {
                    continue;
                }
                let path = dir.join(&name);
                if is_dir {
                    index.dirs.entry(path.clone()).or_default();
                    stack.push(path);
                }
                index
                    .dirs
                    .entry(dir.clone())
                    .or_default()
                    .insert(name, is_dir);
            }
        }
        index
    }

    pub fn file_count(&self) -> usize {
        self.dirs.values().flatten().filter(|(_, d)| !**d).count()
    }

    fn covers(&self, path: &Path) -> bool {
        path.starts_with(&self.root)
    }

    /// A file or directory appeared.
    pub fn created(&mut self, path: &Path, is_dir: bool) {
        if !self.covers(path) || path == self.root {
            return;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return;
        };
        if !is_dir && !is_module_file(name) {
            return;
        }
        if is_dir {
            self.dirs.entry(path.to_path_buf()).or_default();
        }
        if let Some(parent) = path.parent() {
            self.created(parent, true);
            self.dirs
                .entry(parent.to_path_buf())
                .or_default()
                .insert(name.to_string(), is_dir);
        }
    }

    /// A file or directory (and everything below it) disappeared.
    pub fn deleted(&mut self, path: &Path) {
        if let (Some(parent), Some(name)) =
            (path.parent(), path.file_name().and_then(|n| n.to_str()))
        {
            if let Some(entries) = self.dirs.get_mut(parent) {
                entries.remove(name);
            }
        }
        self.dirs.retain(|dir, _| !dir.starts_with(path));
    }
}

fn is_module_file(name: &str) -> bool {
    [".py", ".pyi", ".so", ".pyd"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// [`ModuleFiles`] answered from the open documents, then from the index when it covers
/// the path, then from the disk.
#[derive(Debug, Default)]
pub struct WorkspaceFiles {
    index: RwLock<Option<Index>>,
    /// Open documents' texts by path (the editor's buffers, saved or not), shared with
    /// the documents: a copy of each text here was a tenth of a big document's memory
    /// (issue 13).
    open: RwLock<HashMap<PathBuf, Arc<SourceText>>>,
}

impl WorkspaceFiles {
    /// The editor holds `path` with this text.
    pub fn set_open(&self, path: PathBuf, text: Arc<SourceText>) {
        if let Ok(mut open) = self.open.write() {
            open.insert(path, text);
        }
    }

    /// The editor closed `path`: lookups fall back to the disk.
    pub fn close(&self, path: &Path) {
        if let Ok(mut open) = self.open.write() {
            open.remove(path);
        }
    }

    fn open_text(&self, path: &Path) -> Option<String> {
        let open = self.open.read().ok()?;
        Some(open.get(path)?.text().to_string())
    }

    fn is_open(&self, path: &Path) -> bool {
        self.open.read().is_ok_and(|open| open.contains_key(path))
    }

    pub fn set(&self, index: Index) {
        if let Ok(mut slot) = self.index.write() {
            *slot = Some(index);
        }
    }

    /// Run `f` on the index, if one is built.
    pub fn update(&self, f: impl FnOnce(&mut Index)) {
        if let Ok(mut slot) = self.index.write() {
            if let Some(index) = slot.as_mut() {
                f(index);
            }
        }
    }

    fn lookup<T>(&self, path: &Path, f: impl FnOnce(&Index) -> T) -> Option<T> {
        let slot = self.index.read().ok()?;
        let index = slot.as_ref()?;
        index.covers(path).then(|| f(index))
    }
}

impl ModuleFiles for WorkspaceFiles {
    fn is_file(&self, path: &Path) -> bool {
        if self.is_open(path) {
            return true;
        }
        self.lookup(path, |index| {
            let (Some(parent), Some(name)) =
                (path.parent(), path.file_name().and_then(|n| n.to_str()))
            else {
                return false;
            };
            index
                .dirs
                .get(parent)
                .and_then(|entries| entries.get(name))
                .is_some_and(|is_dir| !is_dir)
        })
        .unwrap_or_else(|| FsFiles.is_file(path))
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.lookup(path, |index| index.dirs.contains_key(path))
            .unwrap_or_else(|| FsFiles.is_dir(path))
    }

    fn read(&self, path: &Path) -> Option<String> {
        self.open_text(path).or_else(|| FsFiles.read(path))
    }

    fn read_shared(&self, path: &Path) -> Option<Arc<SourceText>> {
        let open = self.open.read().ok().and_then(|o| o.get(path).cloned());
        open.or_else(|| FsFiles.read_shared(path))
    }

    fn list(&self, dir: &Path) -> Vec<(String, bool)> {
        let mut entries = self
            .lookup(dir, |index| {
                index
                    .dirs
                    .get(dir)
                    .map(|entries| entries.iter().map(|(n, d)| (n.clone(), *d)).collect())
                    .unwrap_or_default()
            })
            .unwrap_or_else(|| FsFiles.list(dir));
        if let Ok(open) = self.open.read() {
            for path in open.keys().filter(|p| p.parent() == Some(dir)) {
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if !entries.iter().any(|(n, _)| n == name) {
                    entries.push((name.to_string(), false));
                }
            }
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_tracks_created_and_deleted_files() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = tmp.path();
        std::fs::create_dir_all(root.join("app/sub")).unwrap_or_default();
        std::fs::write(root.join("app/__init__.py"), "").unwrap_or_default();
        std::fs::write(root.join("app/notes.txt"), "").unwrap_or_default();
        let files = WorkspaceFiles::default();
        files.set(Index::build(root));
        assert!(files.is_file(&root.join("app/__init__.py")));
        assert!(!files.is_file(&root.join("app/notes.txt")));
        assert!(files.is_dir(&root.join("app/sub")));
        files.update(|i| i.created(&root.join("app/sub/new.py"), false));
        assert!(files.is_file(&root.join("app/sub/new.py")));
        files.update(|i| i.deleted(&root.join("app/sub")));
        assert!(!files.is_dir(&root.join("app/sub")));
        assert!(!files.is_file(&root.join("app/sub/new.py")));
        assert_eq!(
            files.list(&root.join("app")),
            vec![("__init__.py".to_string(), false)]
        );
    }

    #[test]
    fn open_documents_come_before_the_disk_until_closed() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = tmp.path();
        std::fs::create_dir_all(root.join("app")).unwrap_or_default();
        std::fs::write(root.join("app/shim.py"), "X = 1\n").unwrap_or_default();
        let files = WorkspaceFiles::default();
        files.set(Index::build(root));
        let shim = root.join("app/shim.py");
        let unsaved = root.join("app/new.py");
        let text = |t: &str| Arc::new(SourceText::new(t.to_string()));
        files.set_open(shim.clone(), text("from app.core import Engine\n"));
        files.set_open(unsaved.clone(), text("Y = 2\n"));
        assert_eq!(
            files.read(&shim).as_deref(),
            Some("from app.core import Engine\n")
        );
        assert!(files.is_file(&unsaved));
        assert_eq!(files.read(&unsaved).as_deref(), Some("Y = 2\n"));
        let mut listed = files.list(&root.join("app"));
        listed.sort();
        assert_eq!(
            listed,
            vec![
                ("new.py".to_string(), false),
                ("shim.py".to_string(), false)
            ]
        );
        // The module index's reads of an open document share its text, no copy.
        let open = text("Z = 3\n");
        files.set_open(shim.clone(), open.clone());
        let shared = files.read_shared(&shim);
        assert!(shared.is_some_and(|s| Arc::ptr_eq(&s, &open)));
        files.close(&shim);
        files.close(&unsaved);
        assert_eq!(
            files.read_shared(&shim).map(|s| s.text().to_string()),
            Some("X = 1\n".to_string())
        );
        assert_eq!(files.read(&shim).as_deref(), Some("X = 1\n"));
        assert!(!files.is_file(&unsaved));
        assert_eq!(files.read(&unsaved), None);
    }
}
