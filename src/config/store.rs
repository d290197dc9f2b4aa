//! Where settings come from for each directory: [`SettingsStore`] (discovery upward
//! from a directory, or one `--config FILE`) and [`Overrides`] (`--config KEY=VALUE`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::resolution::{load_file, resolve, toml_error};
use super::schema::RawConfig;
use super::settings::Settings;
use super::{normalize, ConfigError, CONFIG_FILES};

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
