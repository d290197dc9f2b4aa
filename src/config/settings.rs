//! Resolved settings, as the engine reads them: absolute paths, compiled globs,
//! rule selection and severities.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;

use super::{is_module_or_submodule, normalize};
use crate::project::{FsFiles, ModuleFiles, ModuleIndex};
use crate::rules::registry::{Rule, RuleSelection, Severity};

/// One symbol with a single canonical home.
#[derive(Debug, Clone)]
pub struct CanonicalSymbol {
    /// `pkg.mod.Name`
    pub qualified: String,
    /// `pkg.mod`
    pub module: String,
    /// `Name`
    pub name: String,
    pub legacy_modules: Vec<String>,
    pub legacy_names: Vec<String>,
    pub allow_alias: bool,
}

/// Which constructed classes count for the singleton rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SingletonScope {
    #[default]
    FirstParty,
    All,
    Listed,
}

#[derive(Debug, Clone, Default)]
pub struct SingletonSettings {
    pub scope: SingletonScope,
    /// Qualified names or globs over qualified names that may be module-level instances.
    pub allow: Vec<String>,
    pub allow_globs: GlobSet,
    pub isolated: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FactorySettings {
    pub class: String,
    pub builds: Vec<String>,
    pub methods: Vec<String>,
    /// Globs relative to the config root where direct construction is allowed.
    pub allowed_in: GlobSet,
}

#[derive(Debug, Default)]
pub struct Settings {
    /// Directory holding the config file (or the working directory when none).
    pub root: PathBuf,
    pub config_path: Option<PathBuf>,
    /// Absolute source roots for module names.
    pub src: Vec<PathBuf>,
    /// Explicit first-party top-level packages; `None` means "found under src".
    pub first_party: Option<Vec<String>>,
    pub exclude: GlobSet,
    pub canonical: Vec<CanonicalSymbol>,
    /// Canonical or legacy name → indexes into `canonical`.
    pub by_name: HashMap<String, Vec<usize>>,
    /// Whole modules that moved: (old, new).
    pub legacy_modules: Vec<(String, String)>,
    pub singletons: SingletonSettings,
    pub factories: Vec<FactorySettings>,
    pub selection: RuleSelection,
    pub per_file_ignores: Vec<(GlobSet, Vec<String>)>,
    pub severity: HashMap<Rule, Severity>,
    pub report_weights: BTreeMap<String, f64>,
    /// First-party modules under `src`, looked up lazily.
    pub modules: ModuleIndex,
    /// `project.max-file-size` in bytes; `None`: [`DEFAULT_MAX_FILE_SIZE`].
    pub max_file_size: Option<u64>,
}

/// Files above this size are skipped with a warning unless `project.max-file-size` says
/// otherwise: large generated files (protobuf, vendored bundles) cost time and memory
/// and hold no imports worth fixing.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

impl Settings {
    /// Defaults for a tree without a config file, rooted at `root`.
    pub fn default_at(root: &Path) -> Settings {
        Settings {
            root: root.to_path_buf(),
            src: vec![root.to_path_buf()],
            modules: ModuleIndex::new(vec![root.to_path_buf()], None, Arc::new(FsFiles)),
            ..Settings::default()
        }
    }

    /// The warning for a file of `len` bytes over `project.max-file-size`, if it is.
    pub fn too_big(&self, len: u64) -> Option<String> {
        let max = self.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
        (len > max).then(|| format!("{len} bytes, over max-file-size ({max} bytes); skipped"))
    }

    /// Read modules from another source (e.g. the git index) instead of the disk.
    pub fn with_module_files(mut self, files: Arc<dyn ModuleFiles>) -> Settings {
        self.modules = ModuleIndex::new(self.src.clone(), self.first_party.clone(), files);
        self
    }

    /// The canonical entries a local name may refer to (by canonical or legacy name).
    pub fn canonical_for_name(&self, name: &str) -> impl Iterator<Item = &CanonicalSymbol> {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.canonical[i])
    }

    /// The moved-module entry that `module` falls under (itself or a submodule).
    pub fn legacy_module_for(&self, module: &str) -> Option<(&str, &str)> {
        self.legacy_modules
            .iter()
            .filter(|(old, _)| is_module_or_submodule(module, old))
            .max_by_key(|(old, _)| old.len())
            .map(|(old, new)| (old.as_str(), new.as_str()))
    }

    /// Path relative to the config root with `/` separators, for glob matching.
    pub fn relative_path(&self, path: &Path) -> String {
        // Walked paths are relative to the working directory, the root is absolute.
        let absolute;
        let path = if path.is_relative() {
            absolute = normalize(path);
            absolute.as_path()
        } else {
            path
        };
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.is_match(self.relative_path(path))
    }

    /// Codes (or prefixes) ignored for this file by `per-file-ignores`.
    pub fn ignored_for(&self, path: &Path) -> Vec<&str> {
        let rel = self.relative_path(path);
        self.per_file_ignores
            .iter()
            .filter(|(globs, _)| globs.is_match(&rel))
            .flat_map(|(_, codes)| codes.iter().map(String::as_str))
            .collect()
    }

    pub fn severity_of(&self, rule: Rule) -> Severity {
        self.severity
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.default_severity())
    }
}
