//! Settings: found upward from each checked file (`ssotlint.toml`, `.ssotlint.toml`,
//! `[tool.ssotlint]` in `pyproject.toml`; first found wins), parsed strictly (unknown
//! keys and wrong types are errors that name the file, the key and the line) and
//! resolved into [`Settings`] with absolute paths and compiled globs.

mod overrides;
mod resolution;
mod schema;
mod settings;
mod store;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

pub use overrides::{ConfigArg, Overrides};
pub use resolution::{load_file, parse};
pub use schema::{
    RawCanonical, RawConfig, RawFactory, RawLint, RawProject, RawReport, RawSingletons, RawSize,
};
pub use settings::{
    CanonicalSymbol, FactorySettings, Settings, SingletonScope, SingletonSettings,
    DEFAULT_MAX_FILE_SIZE,
};
pub use store::{ConfigSource, SettingsStore};

/// Config file names, in lookup order within one directory.
pub const CONFIG_FILES: [&str; 3] = ["ssotlint.toml", ".ssotlint.toml", "pyproject.toml"];

/// A configuration problem: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// `a.b.c` is `a.b` or below it.
pub fn is_module_or_submodule(module: &str, parent: &str) -> bool {
    module == parent
        || (module.len() > parent.len()
            && module.starts_with(parent)
            && module.as_bytes()[parent.len()] == b'.')
}

/// Make a path absolute and drop `.` components, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
