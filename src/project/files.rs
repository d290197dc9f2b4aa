//! Where module files are read from ([`ModuleFiles`]: the working tree, or a git tree
//! for the hook) and what a module lookup finds ([`ModuleLocation`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::SourceText;

/// Where module files are read from: the file system, or (for the hook) a git tree.
pub trait ModuleFiles: Send + Sync {
    fn is_file(&self, path: &Path) -> bool;
    fn is_dir(&self, path: &Path) -> bool;
    fn read(&self, path: &Path) -> Option<String>;
    /// The text of `path` without a copy where the source holds it already (the
    /// server's open documents: a big one was read whole into a copy, issue 13).
    fn read_shared(&self, path: &Path) -> Option<Arc<SourceText>> {
        self.read(path).map(|text| Arc::new(SourceText::new(text)))
    }
    /// Names of the entries of a directory, with whether each is a directory.
    fn list(&self, dir: &Path) -> Vec<(String, bool)>;
}

/// The working tree.
#[derive(Debug, Default)]
pub struct FsFiles;

impl ModuleFiles for FsFiles {
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn read(&self, path: &Path) -> Option<String> {
        std::fs::read(path)
            .ok()
            .and_then(|b| crate::source::decode(b).ok())
    }
    fn list(&self, dir: &Path) -> Vec<(String, bool)> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let is_dir = e.file_type().ok()?.is_dir();
                Some((name, is_dir))
            })
            .collect()
    }
}

/// A module found in the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleLocation {
    /// A `.py`/`.pyi` file, a package's `__init__`, or a compiled extension.
    File(PathBuf),
    /// A directory without `__init__.py` (PEP 420 namespace package).
    Namespace(PathBuf),
}
