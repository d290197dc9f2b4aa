//! Settings: found upward from each checked file (`ssotlint.toml`, `.ssotlint.toml`,
//! `[tool.ssotlint]` in `pyproject.toml`; first found wins), parsed strictly (unknown
//! keys and wrong types are errors that name the file, the key and the line) and
//! resolved into [`Settings`] with absolute paths and compiled globs.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::project::{FsFiles, ModuleFiles, ModuleIndex};
use crate::rules::registry::{Rule, RuleSelection, Severity};

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

// ---------------------------------------------------------------------------------
// The file format, as written by users.

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    #[serde(default)]
    pub project: RawProject,
    #[serde(default)]
    pub canonical: BTreeMap<Spanned<String>, RawCanonical>,
    #[serde(default)]
    pub legacy_modules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub singletons: RawSingletons,
    #[serde(default)]
    pub factories: BTreeMap<Spanned<String>, RawFactory>,
    #[serde(default)]
    pub lint: RawLint,
    #[serde(default)]
    pub report: RawReport,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawProject {
    pub src: Option<Vec<Spanned<String>>>,
    pub first_party: Option<Vec<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    pub max_file_size: Option<Spanned<RawSize>>,
}

/// A size in bytes, or as text with a unit (`"4MiB"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawSize {
    Bytes(u64),
    Text(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCanonical {
    #[serde(default)]
    pub legacy_modules: Vec<String>,
    #[serde(default)]
    pub legacy_names: Vec<String>,
    #[serde(default)]
    pub allow_alias: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSingletons {
    pub scope: Option<Spanned<String>>,
    #[serde(default)]
    pub allow: Vec<Spanned<String>>,
    #[serde(default)]
    pub isolated: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFactory {
    #[serde(default)]
    pub builds: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub allowed_in: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLint {
    pub select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    #[serde(default)]
    pub per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawReport {
    #[serde(default)]
    pub weights: BTreeMap<Spanned<String>, f64>,
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<PyprojectTool>,
}

#[derive(Deserialize)]
struct PyprojectTool {
    ssotlint: Option<toml::Value>,
}

// ---------------------------------------------------------------------------------
// Resolved settings, as the engine reads them.

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

/// `a.b.c` is `a.b` or below it.
pub fn is_module_or_submodule(module: &str, parent: &str) -> bool {
    module == parent
        || (module.len() > parent.len()
            && module.starts_with(parent)
            && module.as_bytes()[parent.len()] == b'.')
}

// ---------------------------------------------------------------------------------
// Loading.

/// Parse a config file. `pyproject.toml` without `[tool.ssotlint]` gives `Ok(None)`.
pub fn load_file(path: &Path) -> Result<Option<Settings>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot read config: {e}"),
    })?;
    parse(path, &text)
}

/// Parse config text that was read from `path` (which may be a staged blob).
pub fn parse(path: &Path, text: &str) -> Result<Option<Settings>, ConfigError> {
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let raw: RawConfig = if is_pyproject {
        let doc: Pyproject = toml::from_str(text).map_err(|e| toml_error(path, text, &e, ""))?;
        if doc.tool.and_then(|t| t.ssotlint).is_none() {
            return Ok(None);
        }
        // Parse the section again, strictly, so that errors keep their spans.
        let wrapped: PyprojectStrict =
            toml::from_str(text).map_err(|e| toml_error(path, text, &e, "tool.ssotlint."))?;
        wrapped.tool.ssotlint
    } else {
        toml::from_str(text).map_err(|e| toml_error(path, text, &e, ""))?
    };
    let root = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    resolve(raw, path, text, &root).map(Some)
}

#[derive(Deserialize)]
struct PyprojectStrict {
    tool: PyprojectStrictTool,
}

#[derive(Deserialize)]
struct PyprojectStrictTool {
    ssotlint: RawConfig,
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error, key_prefix: &str) -> ConfigError {
    let line = e.span().map(|span| line_of(text, span.start));
    let mut message = e.message().trim().to_string();
    if let Some(key) = e.span().and_then(|span| key_at(text, span.start)) {
        if !message.contains(&format!("`{key}`")) {
            message = format!("key `{key_prefix}{key}`: {message}");
        }
    }
    ConfigError {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The key written on the line of `offset` (`key = value`), if any.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `"4MiB"`, `"500 KB"`, `"1048576"` → bytes (KB = 1000, KiB = 1024).
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..digits].parse().ok()?;
    let unit: u64 = match text[digits..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "mb" => 1000 * 1000,
        "gb" => 1000 * 1000 * 1000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(unit)
}

/// The modules a fix would rewrite `old` through when the `[legacy-modules]` moves
/// lead back to a legacy module already passed (`a → b → a`, `a → a`, `a → a.sub`).
fn legacy_cycle(settings: &Settings, old: &str) -> Option<Vec<String>> {
    let mut passed: Vec<&str> = Vec::new();
    let mut chain = vec![old.to_string()];
    let mut module = old.to_string();
    // Each step passes a distinct entry, so a chain ends within as many steps as entries.
    for _ in 0..=settings.legacy_modules.len() {
        let (from, to) = settings.legacy_module_for(&module)?;
        if passed.contains(&from) {
            return Some(chain);
        }
        passed.push(from);
        module = crate::python::modules::moved(&module, from, to);
        chain.push(module.clone());
    }
    Some(chain)
}

struct Resolver<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Resolver<'_> {
    fn error<T>(&self, span: std::ops::Range<usize>, message: String) -> Result<T, ConfigError> {
        Err(ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line_of(self.text, span.start)),
            message,
        })
    }

    fn globs(&self, key: &str, patterns: &[Spanned<String>]) -> Result<GlobSet, ConfigError> {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            builder.add(self.glob(key, p)?);
        }
        builder.build().map_err(|e| ConfigError {
            path: self.path.to_path_buf(),
            line: None,
            message: format!("key `{key}`: {e}"),
        })
    }

    fn glob(&self, key: &str, pattern: &Spanned<String>) -> Result<Glob, ConfigError> {
        let text = pattern.get_ref().trim_start_matches("./");
        match globset::GlobBuilder::new(text)
            .literal_separator(false)
            .build()
        {
            Ok(g) => {
                // A bare directory name (`backups`) also covers everything below it.
                Ok(g)
            }
            Err(e) => self.error(
                pattern.span(),
                format!(
                    "key `{key}`: invalid glob `{}`: {}",
                    pattern.get_ref(),
                    e.kind()
                ),
            ),
        }
    }

    fn codes(&self, key: &str, codes: &[Spanned<String>]) -> Result<Vec<String>, ConfigError> {
        codes
            .iter()
            .map(|c| {
                let code = c.get_ref().trim().to_ascii_uppercase();
                if Rule::is_valid_prefix(&code) {
                    Ok(code)
                } else {
                    self.error(
                        c.span(),
                        format!("key `{key}`: unknown rule code or prefix `{}`", c.get_ref()),
                    )
                }
            })
            .collect()
    }

    fn dotted(
        &self,
        key: &str,
        name: &Spanned<String>,
        min_parts: usize,
    ) -> Result<(), ConfigError> {
        let parts: Vec<&str> = name.get_ref().split('.').collect();
        if parts.len() < min_parts || !parts.iter().all(|p| is_identifier(p)) {
            let what = if min_parts > 1 {
                "a qualified name like `package.module.Name`"
            } else {
                "a dotted module name"
            };
            return self.error(
                name.span(),
                format!("key `{key}`: `{}` is not {what}", name.get_ref()),
            );
        }
        Ok(())
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

fn resolve(raw: RawConfig, path: &Path, text: &str, root: &Path) -> Result<Settings, ConfigError> {
    let r = Resolver { path, text };
    let mut settings = Settings::default_at(root);
    settings.config_path = Some(path.to_path_buf());

    if let Some(src) = &raw.project.src {
        settings.src = src
            .iter()
            .map(|s| normalize(&root.join(s.get_ref())))
            .collect();
    }
    settings.first_party = raw.project.first_party.clone();
    if let Some(size) = &raw.project.max_file_size {
        settings.max_file_size = Some(match size.get_ref() {
            RawSize::Bytes(n) => *n,
            RawSize::Text(text) => match parse_size(text) {
                Some(n) => n,
                None => {
                    return r.error(
                        size.span(),
                        format!(
                            "key `project.max-file-size`: `{text}` is not a size (bytes, or a number with B, KB, MB, GB, KiB, MiB or GiB)"
                        ),
                    )
                }
            },
        });
    }
    settings.exclude = r.globs("project.exclude", &with_dir_variants(&raw.project.exclude))?;

    for (key, entry) in &raw.canonical {
        r.dotted("canonical", key, 2)?;
        let qualified = key.get_ref().clone();
        let (module, name) = qualified
            .rsplit_once('.')
            .map(|(m, n)| (m.to_string(), n.to_string()))
            .unwrap_or_default();
        let index = settings.canonical.len();
        settings
            .by_name
            .entry(name.clone())
            .or_default()
            .push(index);
        for legacy in &entry.legacy_names {
            settings
                .by_name
                .entry(legacy.clone())
                .or_default()
                .push(index);
        }
        settings.canonical.push(CanonicalSymbol {
            qualified,
            module,
            name,
            legacy_modules: entry.legacy_modules.clone(),
            legacy_names: entry.legacy_names.clone(),
            allow_alias: entry.allow_alias,
        });
    }

    for (old, new) in &raw.legacy_modules {
        r.dotted("legacy-modules", old, 1)?;
        r.dotted(&format!("legacy-modules.\"{}\"", old.get_ref()), new, 1)?;
        settings
            .legacy_modules
            .push((old.get_ref().clone(), new.get_ref().clone()));
    }
    for old in raw.legacy_modules.keys() {
        if let Some(cycle) = legacy_cycle(&settings, old.get_ref()) {
            return r.error(
                old.span(),
                format!(
                    "key `legacy-modules.\"{}\"`: the moves go round in a cycle ({}); fixes would never settle",
                    old.get_ref(),
                    cycle.join(" → ")
                ),
            );
        }
    }

    if let Some(scope) = &raw.singletons.scope {
        settings.singletons.scope = match scope.get_ref().as_str() {
            "first-party" => SingletonScope::FirstParty,
            "all" => SingletonScope::All,
            "listed" => SingletonScope::Listed,
            other => {
                return r.error(
                    scope.span(),
                    format!(
                        "key `singletons.scope`: `{other}` is not one of `first-party`, `all`, `listed`"
                    ),
                )
            }
        };
    }
    settings.singletons.allow = raw
        .singletons
        .allow
        .iter()
        .map(|a| a.get_ref().clone())
        .collect();
    settings.singletons.allow_globs = r.globs("singletons.allow", &raw.singletons.allow)?;
    settings.singletons.isolated = raw.singletons.isolated.clone();

    for (class, factory) in &raw.factories {
        r.dotted("factories", class, 2)?;
        settings.factories.push(FactorySettings {
            class: class.get_ref().clone(),
            builds: factory.builds.clone(),
            methods: factory.methods.clone(),
            allowed_in: r.globs(
                &format!("factories.\"{}\".allowed-in", class.get_ref()),
                &with_dir_variants(&factory.allowed_in),
            )?,
        });
    }

    if let Some(select) = &raw.lint.select {
        settings.selection.select = r.codes("lint.select", select)?;
    }
    settings.selection.ignore = r.codes("lint.ignore", &raw.lint.ignore)?;
    for (pattern, codes) in &raw.lint.per_file_ignores {
        let key = format!("lint.per-file-ignores.\"{}\"", pattern.get_ref());
        let globs = r.globs(&key, &with_dir_variants(std::slice::from_ref(pattern)))?;
        settings
            .per_file_ignores
            .push((globs, r.codes(&key, codes)?));
    }
    for (code, level) in &raw.lint.severity {
        let rule = Rule::from_code(code.get_ref()).map_or_else(
            || {
                r.error(
                    code.span(),
                    format!(
                        "key `lint.severity`: unknown rule code `{}`",
                        code.get_ref()
                    ),
                )
            },
            Ok,
        )?;
        let severity = Severity::parse(level.get_ref()).map_or_else(
            || {
                r.error(
                    level.span(),
                    format!(
                        "key `lint.severity.{}`: `{}` is not one of `error`, `warning`, `info`",
                        code.get_ref(),
                        level.get_ref()
                    ),
                )
            },
            Ok,
        )?;
        settings.severity.insert(rule, severity);
    }
    settings.report_weights = raw
        .report
        .weights
        .iter()
        .map(|(k, v)| (k.get_ref().clone(), *v))
        .collect();
    settings.modules = ModuleIndex::new(
        settings.src.clone(),
        settings.first_party.clone(),
        Arc::new(FsFiles),
    );
    Ok(settings)
}

/// `backups` and `backups/` also match everything below that directory.
fn with_dir_variants(patterns: &[Spanned<String>]) -> Vec<Spanned<String>> {
    let mut out = Vec::with_capacity(patterns.len() * 2);
    for p in patterns {
        out.push(p.clone());
        let trimmed = p.get_ref().trim_end_matches('/');
        if !trimmed.ends_with("**") {
            out.push(Spanned::new(p.span(), format!("{trimmed}/**")));
        }
    }
    out
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

// ---------------------------------------------------------------------------------
// Discovery.

/// Finds and caches the settings that apply to each directory.
#[derive(Debug)]
pub struct SettingsStore {
    /// A `--config FILE` that applies everywhere.
    fixed: Option<Arc<Settings>>,
    /// Settings for trees without a config file.
    fallback: Arc<Settings>,
    cache: Mutex<HashMap<PathBuf, Result<Arc<Settings>, ConfigError>>>,
    /// `--config KEY=VALUE` overrides, applied to every config this store loads.
    overrides: Overrides,
}

impl SettingsStore {
    /// Settings looked up per file, with defaults rooted at `cwd` when none is found.
    pub fn discover(cwd: &Path) -> SettingsStore {
        SettingsStore {
            fixed: None,
            fallback: Arc::new(Settings::default_at(&normalize(cwd))),
            cache: Mutex::new(HashMap::new()),
            overrides: Overrides::default(),
        }
    }

    /// One config file for everything (`--config FILE`).
    pub fn fixed(path: &Path) -> Result<SettingsStore, ConfigError> {
        let path = normalize(path);
        let settings = match load_file(&path)? {
            Some(s) => s,
            None => Settings {
                config_path: Some(path.clone()),
                ..Settings::default_at(path.parent().unwrap_or(Path::new("/")))
            },
        };
        let settings = Arc::new(settings);
        Ok(SettingsStore {
            fixed: Some(settings.clone()),
            fallback: settings,
            cache: Mutex::new(HashMap::new()),
            overrides: Overrides::default(),
        })
    }

    /// Apply a function to every setting this store could hand out (e.g. CLI overrides).
    pub fn fixed_settings(&self) -> Option<&Arc<Settings>> {
        self.fixed.as_ref()
    }

    /// The settings for a file (looked up from its directory upward).
    pub fn for_file(&self, file: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let dir = normalize(file.parent().unwrap_or(Path::new(".")));
        self.for_dir(&dir)
    }

    pub fn for_dir(&self, dir: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(found) = self.cache.lock().ok().and_then(|c| c.get(dir).cloned()) {
            return found;
        }
        let found = self.lookup(dir);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(dir.to_path_buf(), found.clone());
        }
        found
    }

    fn lookup(&self, dir: &Path) -> Result<Arc<Settings>, ConfigError> {
        for name in CONFIG_FILES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                if let Some(settings) = self.overrides.load_file(&candidate)? {
                    return Ok(Arc::new(settings));
                }
            }
        }
        match dir.parent() {
            Some(parent) => self.for_dir(parent),
            None => Ok(self.fallback.clone()),
        }
    }
}

// ---------------------------------------------------------------------------------
// `--config KEY=VALUE` overrides.

/// ruff's `--config "key = value"`: TOML in the config's own key paths
/// (`lint.ignore = ['SSOT101']`), applied on top of every config file found (and of
/// the defaults where there is none). Each override is validated on its own first, so
/// an error names the override rather than a line of a merged text.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    table: toml::Table,
    /// `--extend-exclude`: appended to each config's `project.exclude`.
    extend_exclude: Vec<String>,
}

/// What a `--config` argument is, the ruff way: an existing file, or `key = value`.
pub enum ConfigArg {
    File(PathBuf),
    Override(String),
}

impl ConfigArg {
    /// Without a `=` it is a path (a missing one is reported when it is read).
    pub fn classify(arg: &str) -> Result<ConfigArg, String> {
        if Path::new(arg).is_file() || !arg.contains('=') {
            Ok(ConfigArg::File(PathBuf::from(arg)))
        } else {
            Ok(ConfigArg::Override(arg.to_string()))
        }
    }
}

impl Overrides {
    /// Parse and validate every `key = value` override; later ones win.
    pub fn parse(items: &[String]) -> Result<Overrides, String> {
        let mut table = toml::Table::new();
        for item in items {
            let name = |message: &str| format!("--config `{item}`: {message}");
            let parsed: toml::Table = toml::from_str(item).map_err(|e| name(e.message().trim()))?;
            let raw: RawConfig = toml::from_str(item).map_err(|e| name(e.message().trim()))?;
            resolve(raw, Path::new("--config"), item, Path::new("."))
                .map_err(|e| name(&e.message))?;
            merge(&mut table, parsed);
        }
        Ok(Overrides {
            table,
            extend_exclude: Vec::new(),
        })
    }

    /// `--exclude` (replaces `project.exclude`) and `--extend-exclude` (adds to it);
    /// patterns as in `project.exclude`, relative to the config's directory.
    pub fn with_excludes(
        mut self,
        exclude: Option<&[String]>,
        extend: &[String],
    ) -> Result<Overrides, String> {
        if let Some(patterns) = exclude {
            let item = format!(
                "project.exclude = {}",
                toml::Value::Array(patterns.iter().cloned().map(toml::Value::String).collect())
            );
            let parsed = Overrides::parse(&[item])
                .map_err(|e| e.replacen("--config `", "--exclude (`", 1))?;
            merge(&mut self.table, parsed.table);
        }
        if !extend.is_empty() {
            let item = format!(
                "project.exclude = {}",
                toml::Value::Array(extend.iter().cloned().map(toml::Value::String).collect())
            );
            Overrides::parse(&[item])
                .map_err(|e| e.replacen("--config `", "--extend-exclude (`", 1))?;
            self.extend_exclude.extend(extend.iter().cloned());
        }
        Ok(self)
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty() && self.extend_exclude.is_empty()
    }

    /// Merge the overrides into a config's table.
    fn apply(&self, doc: &mut toml::Table) {
        merge(doc, self.table.clone());
        if self.extend_exclude.is_empty() {
            return;
        }
        let project = doc
            .entry("project")
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let Some(project) = project.as_table_mut() {
            let exclude = project
                .entry("exclude")
                .or_insert_with(|| toml::Value::Array(Vec::new()));
            if let Some(list) = exclude.as_array_mut() {
                list.extend(self.extend_exclude.iter().cloned().map(toml::Value::String));
            }
        }
    }

    /// [`load_file`] with the overrides applied. The file is parsed as it is first, so
    /// its own errors keep their lines.
    pub fn load_file(&self, path: &Path) -> Result<Option<Settings>, ConfigError> {
        let settings = load_file(path)?;
        if self.is_empty() || settings.is_none() {
            return Ok(settings);
        }
        let merged = self.merged_text(path)?;
        let raw: RawConfig =
            toml::from_str(&merged).map_err(|e| toml_error(path, &merged, &e, ""))?;
        let root = path.parent().unwrap_or(Path::new("."));
        resolve(raw, path, &merged, root).map(Some)
    }

    /// The config file's own table (`[tool.ssotlint]` of a `pyproject.toml`) with the
    /// overrides merged in, as TOML text (`--show-settings` prints it).
    pub fn merged_text(&self, path: &Path) -> Result<String, ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| error(format!("cannot read config: {e}")))?;
        let mut doc: toml::Table =
            toml::from_str(&text).map_err(|e| error(e.message().to_string()))?;
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            doc = doc
                .get("tool")
                .and_then(|t| t.get("ssotlint"))
                .and_then(|t| t.as_table())
                .cloned()
                .unwrap_or_default();
        }
        self.apply(&mut doc);
        toml::to_string(&doc).map_err(|e| error(e.to_string()))
    }

    /// The overrides as TOML text.
    pub fn text(&self) -> String {
        let mut doc = toml::Table::new();
        self.apply(&mut doc);
        toml::to_string(&doc).unwrap_or_default()
    }

    /// Settings from the overrides alone, rooted at `root` (no config file found).
    fn defaults(&self, root: &Path) -> Result<Settings, String> {
        let text = self.text();
        let raw: RawConfig =
            toml::from_str(&text).map_err(|e| format!("--config: {}", e.message().trim()))?;
        let mut settings = resolve(raw, Path::new("--config"), &text, root)
            .map_err(|e| format!("--config: {}", e.message))?;
        settings.config_path = None;
        Ok(settings)
    }
}

/// Deep-merge `from` into `into`: tables merge key by key, anything else replaces.
fn merge(into: &mut toml::Table, from: toml::Table) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(toml::Value::Table(old)), toml::Value::Table(new)) => merge(old, new),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

impl SettingsStore {
    /// Apply `--config KEY=VALUE` overrides to every config this store hands out
    /// (the `--config FILE` one, the ones found by lookup, and the defaults).
    pub fn with_overrides(mut self, overrides: Overrides) -> Result<SettingsStore, String> {
        if overrides.is_empty() {
            return Ok(self);
        }
        let with = |settings: &Arc<Settings>| -> Result<Arc<Settings>, String> {
            match &settings.config_path {
                Some(path) if path.is_file() => overrides
                    .load_file(path)
                    .map_err(|e| e.to_string())?
                    .map(Arc::new)
                    .map_or_else(|| overrides.defaults(&settings.root).map(Arc::new), Ok),
                _ => overrides.defaults(&settings.root).map(Arc::new),
            }
        };
        self.fallback = with(&self.fallback)?;
        if let Some(fixed) = &self.fixed {
            self.fixed = Some(with(fixed)?);
        }
        self.overrides = overrides;
        Ok(self)
    }

    /// The overrides this store applies.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Settings, ConfigError> {
        parse(Path::new("/p/ssotlint.toml"), text).map(|s| s.expect("settings"))
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = parse_str("[project]\nsrc = [\".\"]\nbogus = 1\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("bogus"), "{}", err.message);
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let err = parse_str("[lint]\nselect = \"SSOT\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("select"), "{}", err.message);
    }

    #[test]
    fn bad_glob_names_key_and_line() {
        let err = parse_str("[project]\nexclude = [\n  \"a/[b\",\n]\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("project.exclude"), "{}", err.message);
    }

    #[test]
    fn pyproject_section() {
        let s = parse(
            Path::new("/p/pyproject.toml"),
            "[project]\nname='x'\n[tool.ssotlint.canonical]\n\"a.b.C\" = {}\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.canonical[0].module, "a.b");
        assert_eq!(s.canonical[0].name, "C");
        assert!(
            parse(Path::new("/p/pyproject.toml"), "[project]\nname='x'\n")
                .unwrap()
                .is_none()
        );
        let err = parse(
            Path::new("/p/pyproject.toml"),
            "[tool.ssotlint.lint]\nselectt = []\n",
        )
        .unwrap_err();
        assert_eq!(err.line, Some(2));
    }
}
