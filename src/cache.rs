//! The persistent check cache (`.ssotlint_cache/`, as ruff keeps `.ruff_cache/`): per
//! file, the diagnostics of its last lint (and, once `report` or `baseline` linted it,
//! the report's per-file metrics), so a run over an unchanged tree parses nothing.
//!
//! One cache file per settings (config file, its bytes, the rule options, the tool
//! version), holding one entry per linted file. An entry is reused when
//! - the file's size and modification time are unchanged, or else its content hashes
//!   the same (a `touch` costs a read, not a parse), and
//! - the folders that decide where each module it looked up is found hold the same
//!   names, and every module file it read (re-export shims, definitions) has the same
//!   size and time. Linting one file reads others, so those dependencies are recorded
//!   while it is linted ([`crate::project::record_dependencies`]) and each is checked
//!   once per run.
//!
//! Writes go to a temporary file renamed into place, so two runs at once each leave a
//! whole cache; a file that does not parse is ignored and rewritten. Entries of files not
//! seen for a week are dropped and at most [`MAX_PACKAGES`] cache files are kept.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix, Rename};
use crate::lint::LintOptions;
use crate::project::Dependencies;
use crate::report::metrics::FileMetrics;
use crate::rules::registry::{Rule, Severity};

/// The folder name used when neither `--cache-dir` nor `SSOTLINT_CACHE_DIR` says.
pub const DEFAULT_DIR: &str = ".ssotlint_cache";
/// Cache files kept per tool version (one per distinct config and rule selection).
pub const MAX_PACKAGES: usize = 32;
/// Entries of files not checked for this long are dropped.
const KEEP_UNSEEN_SECS: u64 = 7 * 24 * 3600;
/// Stamps younger than this are not trusted (see [`Stamp::settled`]).
const RACY_SECS: i64 = 2;
/// `seen` is refreshed (forcing a write) only when older than this.
const SEEN_REFRESH_SECS: u64 = 24 * 3600;

/// Where the cache lives: a fixed folder, or `.ssotlint_cache` beside each config.
#[derive(Debug, Clone, Default)]
pub struct CacheOptions {
    /// `--cache-dir` or `SSOTLINT_CACHE_DIR`; `None`: the settings' root.
    pub dir: Option<PathBuf>,
    /// What else decides the results besides the config file and the rule options
    /// (`--config KEY=VALUE` overrides), hashed into the key.
    pub key: String,
}

/// Size and modification time: what a stat tells without reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    secs: i64,
    nanos: u32,
}

/// What a dependency path was: a file's stamp, or a folder's listing. A folder is
/// judged by the names it holds, not its time: exact (no clock-tick races) and blind
/// to the cache's own folder appearing in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Mark {
    File(Stamp),
    Dir(u64),
}

impl Mark {
    /// The path as it is now; `None` when it does not exist.
    fn read(path: &Path) -> Option<Mark> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_dir() {
            return Some(Mark::File(Stamp::of(&meta)));
        }
        let mut names: Vec<(std::ffi::OsString, bool)> = std::fs::read_dir(path)
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.file_name() != DEFAULT_DIR)
            .map(|e| (e.file_name(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect();
        names.sort();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        names.hash(&mut h);
        Some(Mark::Dir(h.finish()))
    }

    fn settled(self, now: u64) -> Mark {
        match self {
            Mark::File(stamp) => Mark::File(stamp.settled(now)),
            dir => dir,
        }
    }
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let (secs, nanos) = match meta.modified() {
            Ok(t) => match t.duration_since(UNIX_EPOCH) {
                Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
                Err(e) => (
                    -(e.duration().as_secs() as i64),
                    e.duration().subsec_nanos(),
                ),
            },
            Err(_) => (0, 0),
        };
        Stamp {
            size: meta.len(),
            secs,
            nanos,
        }
    }

    fn read(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
    }

    /// File systems keep times at a clock tick's resolution, so a change made in the
    /// same tick as the stamp leaves it unchanged ("racy git"). A stamp taken less than
    /// [`RACY_SECS`] after its time is stored as one that never matches: the file is
    /// hashed, a module file's dependents are linted again, and the next run stores it
    /// settled.
    fn settled(self, now: u64) -> Stamp {
        if self.secs >= now as i64 - RACY_SECS {
            Stamp {
                size: u64::MAX,
                secs: i64::MIN,
                nanos: 0,
            }
        } else {
            self
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredFix {
    unsafe_: bool,
    title: String,
    edits: Vec<(usize, usize, String)>,
    rename: Option<(usize, String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredDiagnostic {
    code: String,
    message: String,
    start: usize,
    end: usize,
    parent: Option<usize>,
    severity: String,
    fix: Option<StoredFix>,
}

impl StoredDiagnostic {
    fn from(d: &Diagnostic) -> StoredDiagnostic {
        StoredDiagnostic {
            code: d.rule.code().to_string(),
            message: d.message.clone(),
            start: d.range.start,
            end: d.range.end,
            parent: d.parent,
            severity: d.severity.as_str().to_string(),
            fix: d.fix.as_ref().map(|f| StoredFix {
                unsafe_: f.applicability == Applicability::Unsafe,
                title: f.title.clone(),
                edits: f
                    .edits
                    .iter()
                    .map(|e| (e.range.start, e.range.end, e.content.clone()))
                    .collect(),
                rename: f
                    .rename
                    .as_ref()
                    .map(|r| (r.statement, r.from.clone(), r.to.clone())),
            }),
        }
    }

    /// `None` when the entry names a rule this version does not know (a corrupt file).
    fn restore(&self) -> Option<Diagnostic> {
        let fix = self.fix.as_ref().map(|f| {
            let applicability = if f.unsafe_ {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            let edits = f
                .edits
                .iter()
                .map(|(start, end, content)| Edit {
                    range: *start..*end,
                    content: content.clone(),
                })
                .collect();
            let mut fix = Fix::new(applicability, f.title.clone(), edits);
            if let Some((statement, from, to)) = &f.rename {
                fix = fix.with_rename(Rename {
                    statement: *statement,
                    from: from.clone(),
                    to: to.clone(),
                });
            }
            fix
        });
        Some(Diagnostic {
            rule: Rule::from_code(&self.code)?,
            message: self.message.clone(),
            range: self.start..self.end,
            parent: self.parent,
            severity: Severity::parse(&self.severity)?,
            fix,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    hash: u64,
    /// Unix seconds of the last run that checked the file.
    seen: u64,
    /// The module name the file was linted as (it depends on `__init__.py` files
    /// outside the source roots).
    module: Option<(String, bool)>,
    /// Indexes into [`Stored::paths`]: what the lint's result depends on.
    paths: Vec<u32>,
    diagnostics: Vec<StoredDiagnostic>,
    /// What the report needs from the file's facts; `None` when only `check` linted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metrics: Option<FileMetrics>,
}

/// One cache file, as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    version: String,
    key: u64,
    /// The project's top-level first-party names when it was written.
    first_party: Vec<String>,
    /// Paths some lint depended on, with their marks (`None`: absent): the folders
    /// that decide where a looked-up module is found (by their listings) and the module
    /// files read (shims, definitions; by their stamps).
    paths: Vec<(PathBuf, Option<Mark>)>,
    /// Keyed by the file's absolute path (a path that is not UTF-8 is not cached).
    entries: HashMap<String, Entry>,
}

/// What a file's cached entry says, when it still holds.
pub struct Hit {
    pub diagnostics: Vec<Diagnostic>,
    pub metrics: Option<FileMetrics>,
}

/// What a lint found, to be stored: its diagnostics and (from `report`) its metrics.
pub struct Results<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub metrics: Option<&'a FileMetrics>,
}

/// The cache of one settings for one run: what was loaded, validated lazily, and the
/// entries this run adds.
struct Package {
    path: PathBuf,
    stored: Stored,
    /// Per stored path: does its stamp still hold? Computed once per run.
    path_ok: Vec<OnceLock<bool>>,
    fresh: Mutex<Fresh>,
}

/// Entries written during this run, with their own dependency tables.
#[derive(Default)]
struct Fresh {
    index: HashMap<PathBuf, u32>,
    paths: Vec<(PathBuf, Option<Mark>)>,
    entries: HashMap<String, Entry>,
    /// Stored entries that were reused this run (kept on write).
    reused: Vec<String>,
}

/// The cache for one run of `check`, shared by the worker threads.
pub struct RunCache {
    options: CacheOptions,
    lint: LintOptions,
    now: u64,
    packages: Mutex<HashMap<usize, Option<Arc<Package>>>>,
}

impl RunCache {
    pub fn new(options: CacheOptions, lint: &LintOptions) -> RunCache {
        RunCache {
            options,
            lint: lint.clone(),
            now: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            packages: Mutex::new(HashMap::new()),
        }
    }

    /// The cached diagnostics of `path` (absolute) when nothing they depend on changed.
    /// `text` is read lazily: only a changed stamp needs the content.
    /// `meta` is the file's metadata as the caller just read it (one stat per file).
    /// With `metrics`, an entry written without the report's metrics is a miss.
    pub fn lookup(
        &self,
        settings: &Arc<Settings>,
        path: &Path,
        meta: &std::fs::Metadata,
        metrics: bool,
    ) -> Option<Hit> {
        let package = self.package(settings)?;
        let entry = package.stored.entries.get(path.to_str()?)?;
        if metrics && entry.metrics.is_none() {
            return None;
        }
        let stamp = Stamp::of(meta);
        if stamp != entry.stamp {
            let bytes = std::fs::read(path).ok()?;
            if Stamp::read(path)? != stamp || content_hash(&bytes) != entry.hash {
                return None;
            }
        }
        if !package.holds(entry, settings, path) {
            return None;
        }
        let diagnostics = entry
            .diagnostics
            .iter()
            .map(StoredDiagnostic::restore)
            .collect::<Option<Vec<_>>>()?;
        let mut fresh = package.fresh.lock().ok()?;
        if stamp != entry.stamp || self.now.saturating_sub(entry.seen) > SEEN_REFRESH_SECS {
            let mut renewed = entry.clone();
            renewed.stamp = stamp.settled(self.now);
            renewed.seen = self.now;
            let paths = package.paths_of(entry);
            fresh.insert(path, renewed, paths);
        } else {
            fresh.reused.push(path.to_str()?.to_string());
        }
        Some(Hit {
            diagnostics,
            metrics: entry.metrics.clone(),
        })
    }

    /// Remember the lint of `path` whose content was `bytes` (as read before linting).
    pub fn store(
        &self,
        settings: &Arc<Settings>,
        path: &Path,
        stamp_before: Option<std::fs::Metadata>,
        bytes_hash: u64,
        deps: Dependencies,
        results: Results,
    ) {
        let Some(package) = self.package(settings) else {
            return;
        };
        let Some(stamp) = stamp_before.as_ref().map(Stamp::of) else {
            return;
        };
        let stamp = stamp.settled(self.now);
        let entry = Entry {
            stamp,
            hash: bytes_hash,
            seen: self.now,
            module: crate::python::modules::module_of(path, &settings.src)
                .map(|m| (m.name, m.is_package)),
            paths: Vec::new(),
            diagnostics: results
                .diagnostics
                .iter()
                .map(StoredDiagnostic::from)
                .collect(),
            metrics: results.metrics.cloned(),
        };
        let mut paths: Vec<PathBuf> = deps.files.into_iter().collect();
        for module in deps.modules.keys() {
            let rel: PathBuf = module.split('.').collect();
            for root in &settings.src {
                // `root/a/b` lists whether `c.py`, `c.pyi`, `c/` or `c.*.so` exist; only
                // a package folder `c/` needs its own listing (its `__init__.py`).
                let base = root.join(&rel);
                paths.extend(base.parent().map(Path::to_path_buf));
                if base.is_dir() {
                    paths.push(base);
                }
            }
        }
        paths.sort();
        paths.dedup();
        let paths = paths
            .into_iter()
            .map(|p| {
                let mark = Mark::read(&p).map(|m| m.settled(self.now));
                (p, mark)
            })
            .collect();
        if let Ok(mut fresh) = package.fresh.lock() {
            fresh.insert(path, entry, paths);
        };
    }

    /// Write every cache file this run changed. Failures are not errors: the next run
    /// is only slower.
    pub fn persist(&self) {
        let Ok(packages) = self.packages.lock() else {
            return;
        };
        for package in packages.values().flatten() {
            package.persist(self.now);
        }
    }

    fn package(&self, settings: &Arc<Settings>) -> Option<Arc<Package>> {
        let id = Arc::as_ptr(settings) as usize;
        let mut packages = self.packages.lock().ok()?;
        packages
            .entry(id)
            .or_insert_with(|| self.load(settings).map(Arc::new))
            .clone()
    }

    fn load(&self, settings: &Settings) -> Option<Package> {
        let dir = self
            .options
            .dir
            .clone()
            .unwrap_or_else(|| settings.root.join(DEFAULT_DIR))
            .join(env!("CARGO_PKG_VERSION"));
        let key = settings_key(settings, &self.lint, &self.options.key);
        let path = dir.join(format!("{key:016x}.json"));
        let first_party = sorted_first_party(settings);
        let stored = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| {
                s.version == env!("CARGO_PKG_VERSION")
                    && s.key == key
                    && s.first_party == first_party
            })
            .unwrap_or_else(|| Stored {
                version: env!("CARGO_PKG_VERSION").to_string(),
                key,
                first_party,
                ..Stored::default()
            });
        Some(Package {
            path_ok: (0..stored.paths.len()).map(|_| OnceLock::new()).collect(),
            path,
            stored,
            fresh: Mutex::new(Fresh::default()),
        })
    }
}

impl Fresh {
    fn insert(&mut self, path: &Path, mut entry: Entry, paths: Vec<(PathBuf, Option<Mark>)>) {
        entry.paths = paths
            .into_iter()
            .map(|(p, stamp)| {
                let next = self.paths.len() as u32;
                *self.index.entry(p.clone()).or_insert_with(|| {
                    self.paths.push((p, stamp));
                    next
                })
            })
            .collect();
        if let Some(key) = path.to_str() {
            self.entries.insert(key.to_string(), entry);
        }
    }
}

impl Package {
    /// Do the entry's module name and the stamps of what it depended on still hold?
    fn holds(&self, entry: &Entry, settings: &Settings, path: &Path) -> bool {
        let module = crate::python::modules::module_of(path, &settings.src);
        module.map(|m| (m.name, m.is_package)) == entry.module
            && entry.paths.iter().all(|&i| {
                let i = i as usize;
                match (self.path_ok.get(i), self.stored.paths.get(i)) {
                    (Some(ok), Some((p, mark))) => *ok.get_or_init(|| Mark::read(p) == *mark),
                    _ => false,
                }
            })
    }

    fn paths_of(&self, entry: &Entry) -> Vec<(PathBuf, Option<Mark>)> {
        entry
            .paths
            .iter()
            .filter_map(|&i| self.stored.paths.get(i as usize).cloned())
            .collect()
    }

    fn persist(&self, now: u64) {
        let Ok(mut fresh) = self.fresh.lock() else {
            return;
        };
        if fresh.entries.is_empty() {
            return;
        }
        // Stored entries kept as they were: reused this run, or not checked this run
        // but seen lately (a check of a subfolder keeps the rest of the tree's cache).
        let reused: std::collections::HashSet<String> = fresh.reused.drain(..).collect();
        let kept: Vec<(String, Entry)> = self
            .stored
            .entries
            .iter()
            .filter(|(p, e)| {
                !fresh.entries.contains_key(*p)
                    && (reused.contains(*p) || now.saturating_sub(e.seen) <= KEEP_UNSEEN_SECS)
            })
            .map(|(p, e)| (p.clone(), e.clone()))
            .collect();
        for (path, entry) in kept {
            let paths = self.paths_of(&entry);
            fresh.insert(Path::new(&path), entry, paths);
        }
        let fresh = std::mem::take(&mut *fresh);
        let stored = Stored {
            version: self.stored.version.clone(),
            key: self.stored.key,
            first_party: self.stored.first_party.clone(),
            paths: fresh.paths,
            entries: fresh.entries,
        };
        let _ = write_atomically(&self.path, &stored);
    }
}

fn write_atomically(path: &Path, stored: &Stored) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    if let Some(root) = dir.parent() {
        mark_cache_dir(root)?;
    }
    let bytes = serde_json::to_vec(stored).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("cache"),
        std::process::id()
    ));
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    prune(dir);
    Ok(())
}

/// A cache folder says what it is: backup tools skip it, git ignores it.
fn mark_cache_dir(root: &Path) -> std::io::Result<()> {
    let tag = root.join("CACHEDIR.TAG");
    if !tag.exists() {
        std::fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by ssotlint.\n",
        )?;
    }
    let ignore = root.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, "# Automatically created by ssotlint.\n*\n")?;
    }
    Ok(())
}

/// Keep the newest [`MAX_PACKAGES`] cache files of a version folder.
fn prune(dir: &Path) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(SystemTime, PathBuf)> = read
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= MAX_PACKAGES {
        return;
    }
    files.sort();
    for (_, path) in &files[..files.len() - MAX_PACKAGES] {
        let _ = std::fs::remove_file(path);
    }
}

pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// What makes two runs' diagnostics comparable: the tool, the config (its bytes, where
/// it is), the root, the source roots, the rule options and the caller's extra key.
fn settings_key(settings: &Settings, lint: &LintOptions, extra: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    extra.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    settings.root.hash(&mut h);
    settings.src.hash(&mut h);
    settings.config_path.hash(&mut h);
    if let Some(config) = &settings.config_path {
        std::fs::read(config).ok().hash(&mut h);
    }
    format!("{lint:?}").hash(&mut h);
    h.finish()
}

fn sorted_first_party(settings: &Settings) -> Vec<String> {
    let mut names: Vec<String> = settings.modules.first_party().iter().cloned().collect();
    names.sort();
    names
}
