//! The one config resolver: [`SettingsStore`] finds the settings for each directory
//! (discovery upward, or one `--config FILE`) in a [`ConfigSource`]. The CLI, the
//! pre-commit hook, the language server and report history all resolve through it, so
//! they find, parse and fall back the same way and differ only in the source.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::overrides::Overrides;
use super::resolution::parse;
use super::settings::Settings;
use super::{normalize, ConfigError, CONFIG_FILES};
use crate::project::ModuleFiles;

/// Where config files are read from.
#[derive(Debug, Default)]
pub enum ConfigSource {
    /// The file system.
    #[default]
    Disk,
    /// Texts in front of the disk, by absolute path: the config blobs of the git index
    /// or of a commit's tree (the staged and range checks), or an editor's unsaved
    /// buffers. `None`: deleted there, so the disk is not asked.
    Overlay(HashMap<PathBuf, Option<String>>),
}

impl ConfigSource {
    /// The text of the config file at `path` when there is one (discovery).
    pub fn find(&self, path: &Path) -> Result<Option<String>, ConfigError> {
        if let ConfigSource::Overlay(texts) = self {
            if let Some(text) = texts.get(path) {
                return Ok(text.clone());
            }
        }
        if !path.is_file() {
            return Ok(None);
        }
        read_disk(path).map(Some)
    }

    /// The text of a config file that must exist (`--config FILE`).
    pub fn read(&self, path: &Path) -> Result<String, ConfigError> {
        match self {
            ConfigSource::Overlay(texts) => match texts.get(path) {
                Some(Some(text)) => Ok(text.clone()),
                Some(None) => Err(ConfigError {
                    path: path.to_path_buf(),
                    line: None,
                    message: "cannot read config: deleted in the checked version".to_string(),
                }),
                None => read_disk(path),
            },
            ConfigSource::Disk => read_disk(path),
        }
    }
}

fn read_disk(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot read config: {e}"),
    })
}

/// Finds and caches the settings that apply to each directory. A `pyproject.toml`
/// without `[tool.ssotlint]` is passed over by discovery; named by `--config` it gives
/// the defaults, rooted at its directory. Where no config is found, the defaults are
/// rooted at the store's root.
pub struct SettingsStore {
    source: ConfigSource,
    /// Where the settings' module lookups read from (the git index for the staged
    /// check, the editor's workspace for the server); `None`: the disk.
    module_files: Option<Arc<dyn ModuleFiles>>,
    /// A `--config FILE` that applies everywhere.
    fixed: Option<Arc<Settings>>,
    /// Settings for trees without a config file.
    fallback: Arc<Settings>,
    cache: Mutex<HashMap<PathBuf, Result<Arc<Settings>, ConfigError>>>,
    /// `--config KEY=VALUE` overrides, applied to every config this store loads.
    overrides: Overrides,
}

impl std::fmt::Debug for SettingsStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsStore")
            .field("source", &self.source)
            .field("fixed", &self.fixed.as_ref().map(|s| &s.config_path))
            .field("root", &self.fallback.root)
            .field("overrides", &self.overrides)
            .finish()
    }
}

impl SettingsStore {
    /// Settings looked up per file on disk, with defaults rooted at `cwd` when none is
    /// found.
    pub fn discover(cwd: &Path) -> SettingsStore {
        SettingsStore::with_source(ConfigSource::Disk, None, cwd)
    }

    /// One config file on disk for everything (`--config FILE`).
    pub fn fixed(path: &Path) -> Result<SettingsStore, ConfigError> {
        SettingsStore::open(ConfigSource::Disk, None, Some(path), Path::new("/"))
    }

    /// Settings looked up per file in `source`, defaults rooted at `root`.
    pub fn with_source(
        source: ConfigSource,
        module_files: Option<Arc<dyn ModuleFiles>>,
        root: &Path,
    ) -> SettingsStore {
        let mut store = SettingsStore {
            source,
            module_files,
            fixed: None,
            fallback: Arc::new(Settings::default()),
            cache: Mutex::new(HashMap::new()),
            overrides: Overrides::default(),
        };
        store.fallback = Arc::new(store.attach(Settings::default_at(&normalize(root))));
        store
    }

    /// The store every entry point builds: `config` (`--config FILE`, or the editor's
    /// `configPath`) for everything when given, else discovery in `source` with
    /// defaults rooted at `root`.
    pub fn open(
        source: ConfigSource,
        module_files: Option<Arc<dyn ModuleFiles>>,
        config: Option<&Path>,
        root: &Path,
    ) -> Result<SettingsStore, ConfigError> {
        let mut store = SettingsStore::with_source(source, module_files, root);
        if let Some(path) = config {
            let path = normalize(path);
            let text = store.source.read(&path)?;
            let settings = match store.load(&path, &text)? {
                Some(settings) => settings,
                None => store.attach(Settings {
                    config_path: Some(path.clone()),
                    ..Settings::default_at(path.parent().unwrap_or(Path::new("/")))
                }),
            };
            let settings = Arc::new(settings);
            store.fixed = Some(settings.clone());
            store.fallback = settings;
        }
        Ok(store)
    }

    /// The settings for a file (looked up from its directory upward).
    pub fn for_file(&self, file: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let dir = normalize(file.parent().unwrap_or(Path::new(".")));
        self.for_dir(&dir)
    }

    /// The settings for a directory (absolute): its own config, else its parent's.
    pub fn for_dir(&self, dir: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
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
            if let Some(text) = self.source.find(&candidate)? {
                if let Some(settings) = self.load(&candidate, &text)? {
                    return Ok(Arc::new(settings));
                }
            }
        }
        match dir.parent() {
            Some(parent) => self.for_dir(parent),
            None => Ok(self.fallback.clone()),
        }
    }

    /// A config file's settings, overrides applied; `None` for a `pyproject.toml`
    /// without `[tool.ssotlint]`. The text is parsed as it is first, so its own errors
    /// keep their lines.
    fn load(&self, path: &Path, text: &str) -> Result<Option<Settings>, ConfigError> {
        let Some(settings) = parse(path, text)? else {
            return Ok(None);
        };
        let settings = if self.overrides.is_empty() {
            settings
        } else {
            self.overrides.resolve(path, text)?
        };
        Ok(Some(self.attach(settings)))
    }

    fn attach(&self, settings: Settings) -> Settings {
        match &self.module_files {
            Some(files) => settings.with_module_files(files.clone()),
            None => settings,
        }
    }

    /// Apply `--config KEY=VALUE` overrides to every config this store hands out
    /// (the `--config FILE` one, the ones found by lookup, and the defaults).
    pub fn with_overrides(mut self, overrides: Overrides) -> Result<SettingsStore, String> {
        if overrides.is_empty() {
            return Ok(self);
        }
        self.overrides = overrides;
        let fallback = self.overridden(&self.fallback)?;
        let fixed = match &self.fixed {
            Some(fixed) => Some(self.overridden(fixed)?),
            None => None,
        };
        self.fallback = fallback;
        self.fixed = fixed;
        Ok(self)
    }

    /// `settings` loaded again with the overrides: from its config file, or, where it
    /// has none (or no `[tool.ssotlint]`), as the overrides over the defaults.
    fn overridden(&self, settings: &Settings) -> Result<Arc<Settings>, String> {
        let loaded = match &settings.config_path {
            Some(path) => match self.source.find(path).map_err(|e| e.to_string())? {
                Some(text) => self.load(path, &text).map_err(|e| e.to_string())?,
                None => None,
            },
            None => None,
        };
        match loaded {
            Some(settings) => Ok(Arc::new(settings)),
            None => Ok(Arc::new(
                self.attach(self.overrides.defaults(&settings.root)?),
            )),
        }
    }

    /// The overrides this store applies.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }
}
