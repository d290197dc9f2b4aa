//! `--config KEY=VALUE`, `--exclude` and `--extend-exclude`: TOML merged into each
//! config file's table (and into the defaults) before resolution.

use std::path::{Path, PathBuf};

use super::resolution::{resolve, toml_error};
use super::schema::RawConfig;
use super::settings::Settings;
use super::ConfigError;

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

    /// Settings from a config file's text with the overrides merged in. The caller has
    /// parsed the text as it is first, so the file's own errors keep their lines.
    pub(super) fn resolve(&self, path: &Path, text: &str) -> Result<Settings, ConfigError> {
        let merged = self.merged(path, text)?;
        let raw: RawConfig =
            toml::from_str(&merged).map_err(|e| toml_error(path, &merged, &e, ""))?;
        let root = path.parent().unwrap_or(Path::new("."));
        resolve(raw, path, &merged, root)
    }

    /// The config file's own table (`[tool.ssotlint]` of a `pyproject.toml`) with the
    /// overrides merged in, as TOML text (`--show-settings` prints it).
    pub fn merged_text(&self, path: &Path) -> Result<String, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read config: {e}"),
        })?;
        self.merged(path, &text)
    }

    fn merged(&self, path: &Path, text: &str) -> Result<String, ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message,
        };
        let mut doc: toml::Table =
            toml::from_str(text).map_err(|e| error(e.message().to_string()))?;
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
    pub(super) fn defaults(&self, root: &Path) -> Result<Settings, String> {
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
