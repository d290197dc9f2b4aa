//! `report --history N` / `--since REV`: the headline figures along the first-parent
//! history, read from git objects (nothing is checked out).
//!
//! Files are linted through the [`crate::driver`] fast path (prefilter, reducer, the
//! report's metrics) and reduced to their figures in the worker that read them; no
//! text or facts are kept, so memory stays flat however long the history. Two small
//! caches make this cost about one parse per distinct blob rather than one per file
//! per commit:
//! - by (blob id, module name): the modules the blob imports;
//! - per-file figures by (path, blob id, dependency signature). A file's diagnostics
//!   also depend on the modules it imports (does the module exist, what does it
//!   re-export), so the signature records which file (blob) provides each first-party
//!   module the file imports, plus the first-party package set. A file is linted (and
//!   parsed) again only when it or one of those changed. A change two re-export hops
//!   away (A imports from B, which re-exports from a changed C) is not seen until A or
//!   B changes.
//!
//! Every commit is measured against today's configuration, so figures compare.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use git2::{ObjectType, Oid, Repository};
use rayon::prelude::*;
use serde::Serialize;

use super::figures::{weights, Figures};
use super::metrics::FileFigures;
use crate::config::{self, ConfigSource, Settings, SettingsStore};
use crate::driver::Driver;
use crate::lint::LintOptions;
use crate::progress::Progress;
use crate::project::{ModuleFiles, ModuleLocation};
use crate::python::{self, Facts};
use crate::source::decode;

/// Which commits to measure.
#[derive(Debug, Clone)]
pub enum Range {
    /// The last N commits of the first-parent history of HEAD.
    Last(usize),
    /// From REV (included) to HEAD along the first-parent history.
    Since(String),
}

/// One measured commit.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub commit: String,
    pub date: String,
    pub summary: String,
    pub files: usize,
    pub canonical_share: f64,
    pub fragmented: usize,
    pub singletons: usize,
    pub isolated: usize,
    pub factory_adoption: f64,
    pub score: f64,
}

/// What the cache did, for the closing summary and benchmarks.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub commits: usize,
    /// File versions measured: the sum over commits of the Python files in each.
    pub file_versions: usize,
    /// Distinct blobs parsed by the report.
    pub blobs_parsed: usize,
    /// Files linted (cache misses of per-file figures); each lint parses its blob again,
    /// since facts are not kept.
    pub files_linted: usize,
    /// Module files the module index read to resolve re-exports.
    pub module_reads: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// Oldest first.
    pub rows: Vec<Row>,
    pub stats: Stats,
}

/// A commit's tree as the module index sees it: absolute paths → blob ids.
struct TreeFiles {
    repo: Arc<Mutex<Repository>>,
    files: HashMap<PathBuf, Oid>,
    dirs: HashMap<PathBuf, Vec<(String, bool)>>,
    reads: Arc<AtomicUsize>,
}

impl ModuleFiles for TreeFiles {
    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.dirs.contains_key(path)
    }
    fn read(&self, path: &Path) -> Option<String> {
        let oid = self.files.get(path)?;
        self.reads.fetch_add(1, Ordering::Relaxed);
        let repo = self.repo.lock().ok()?;
        let blob = repo.find_blob(*oid).ok()?;
        decode(blob.content().to_vec()).ok()
    }
    fn list(&self, dir: &Path) -> Vec<(String, bool)> {
        self.dirs.get(dir).cloned().unwrap_or_default()
    }
}

type Listing = Arc<Vec<(String, Oid)>>;
/// Facts are cached by blob and module name (relative imports resolve from the module).
type ParseKey = (Oid, Option<String>);
/// Per-file figures by (path, blob), one per dependency signature seen.
type ResultCache = HashMap<(String, Oid), Vec<(u64, Arc<FileFigures>)>>;

/// Every blob below a tree (`a/b.py` → id), cached by tree id: commits share subtrees.
fn list_tree(
    repo: &Repository,
    id: Oid,
    cache: &mut HashMap<Oid, Listing>,
) -> Result<Listing, String> {
    if let Some(found) = cache.get(&id) {
        return Ok(found.clone());
    }
    let tree = repo
        .find_tree(id)
        .map_err(|e| format!("cannot read tree {id}: {e}"))?;
    let mut out = Vec::new();
    for entry in tree.iter() {
        let Ok(name) = entry.name() else { continue };
        match entry.kind() {
            Some(ObjectType::Tree) => {
                if crate::walk::DEFAULT_EXCLUDES.contains(&name) {
                    continue;
                }
                for (path, oid) in list_tree(repo, entry.id(), cache)?.iter() {
                    out.push((format!("{name}/{path}"), *oid));
                }
            }
            // 0o120000: a symlink, whose blob is a path, not Python.
            Some(ObjectType::Blob) if entry.filemode() != 0o120000 => {
                out.push((name.to_string(), entry.id()));
            }
            _ => {}
        }
    }
    let listing = Arc::new(out);
    cache.insert(id, listing.clone());
    Ok(listing)
}

fn first_parent_commits(repo: &Repository, range: &Range) -> Result<Vec<Oid>, String> {
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| format!("cannot read HEAD: {e}"))?;
    let stop = match range {
        Range::Since(rev) => Some(
            repo.revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| format!("--since: cannot resolve `{rev}`: {e}"))?
                .id(),
        ),
        Range::Last(_) => None,
    };
    let limit = match range {
        Range::Last(n) => *n,
        Range::Since(_) => usize::MAX,
    };
    let mut out = Vec::new();
    let mut current = Some(head);
    while let Some(commit) = current {
        if out.len() >= limit {
            break;
        }
        out.push(commit.id());
        if Some(commit.id()) == stop {
            out.reverse();
            return Ok(out);
        }
        current = commit.parent(0).ok();
    }
    if let (Range::Since(rev), Some(_)) = (range, stop) {
        return Err(format!(
            "--since: `{rev}` is not on the first-parent history of HEAD"
        ));
    }
    out.reverse();
    Ok(out)
}

fn is_python(path: &str) -> bool {
    path.ends_with(".py") || path.ends_with(".pyi")
}

/// One linted file version: path, blob, key, the modules it imports, its signature
/// and its figures.
type Linted = (
    String,
    Oid,
    ParseKey,
    Arc<Vec<String>>,
    u64,
    Arc<FileFigures>,
);

/// Measure the figures of every commit in `range`.
///
/// `filter` holds repository-relative path prefixes (empty: everything); `config_path`
/// the configuration to measure against (none: defaults at the repository root).
/// Progress goes to stderr when it is a terminal, unless `quiet`.
pub fn history(
    repo_dir: &Path,
    range: &Range,
    filter: &[String],
    config_path: Option<&Path>,
    options: &LintOptions,
    quiet: bool,
) -> Result<History, String> {
    let repo = Repository::discover(repo_dir).map_err(|e| format!("not a git repository: {e}"))?;
    let workdir = repo
        .workdir()
        .map(config::normalize)
        .ok_or("the repository has no working directory (bare repositories are not supported)")?;
    let shared_repo = Arc::new(Mutex::new(
        Repository::open(repo.path()).map_err(|e| format!("cannot open the repository: {e}"))?,
    ));
    // Resolved as the CLI resolves it; per commit again, with module lookups in its tree.
    let load_settings = |files: Option<Arc<dyn ModuleFiles>>| -> Result<Arc<Settings>, String> {
        SettingsStore::open(ConfigSource::Disk, files, config_path, &workdir)
            .and_then(|store| store.for_dir(&workdir))
            .map_err(|e| e.to_string())
    };
    let weights = weights(&*load_settings(None)?)?;
    let commits = first_parent_commits(&repo, range)?;

    let mut trees: HashMap<Oid, Listing> = HashMap::new();
    let driver = Driver::new(options, true, true, None);
    let mut imported: HashMap<ParseKey, Arc<Vec<String>>> = HashMap::new();
    let mut results: ResultCache = HashMap::new();
    let reads = Arc::new(AtomicUsize::new(0));
    let mut stats = Stats::default();
    let mut rows = Vec::new();
    let mut progress = Progress::stderr("commits", commits.len(), quiet);

    for (done, commit_id) in commits.iter().enumerate() {
        let commit = repo
            .find_commit(*commit_id)
            .map_err(|e| format!("cannot read commit {commit_id}: {e}"))?;
        let listing = list_tree(&repo, commit.tree_id(), &mut trees)?;
        let mut files = HashMap::new();
        let mut dirs: HashMap<PathBuf, BTreeSet<(String, bool)>> = HashMap::new();
        for (path, oid) in listing.iter() {
            let abs = workdir.join(path);
            let mut child = abs.clone();
            let mut is_dir = false;
            while let Some(parent) = child.parent() {
                if !parent.starts_with(&workdir) {
                    break;
                }
                let name = child
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let fresh = dirs
                    .entry(parent.to_path_buf())
                    .or_default()
                    .insert((name, is_dir));
                if !fresh {
                    break;
                }
                is_dir = true;
                child = parent.to_path_buf();
            }
            files.insert(abs, *oid);
        }
        let tree_files = Arc::new(TreeFiles {
            repo: shared_repo.clone(),
            files,
            dirs: dirs
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
            reads: reads.clone(),
        });
        let settings = load_settings(Some(tree_files.clone()))?;
        let selected: Vec<(&String, Oid, PathBuf)> = listing
            .iter()
            .filter(|(path, _)| is_python(path))
            .filter(|(path, _)| {
                filter.is_empty()
                    || filter.iter().any(|f| {
                        path == f || path.starts_with(&format!("{}/", f.trim_end_matches('/')))
                    })
            })
            .map(|(path, oid)| (path, *oid, workdir.join(path)))
            .filter(|(_, _, abs)| !settings.is_excluded(abs))
            .collect();

        // Per-file figures, reused when the file and what it imports are unchanged.
        let first_party: BTreeSet<&String> = settings.modules.first_party().iter().collect();
        let base = fnv(
            0xcbf2_9ce4_8422_2325,
            first_party.iter().map(|s| s.as_bytes()),
        );
        let mut figures: Vec<Arc<FileFigures>> = Vec::with_capacity(selected.len());
        let mut misses = Vec::new();
        let mut fresh_blobs = BTreeSet::new();
        for (path, oid, abs) in &selected {
            let module = python::modules::module_of(abs, &settings.src);
            let key: ParseKey = (*oid, module.as_ref().map(|m| m.name.clone()));
            let cached = imported.get(&key).and_then(|modules| {
                let sig = signature(base, modules, &settings, &tree_files.files);
                results
                    .get(&((*path).clone(), *oid))
                    .and_then(|v| v.iter().find(|(s, _)| *s == sig))
                    .map(|(_, f)| f.clone())
            });
            match cached {
                Some(f) => figures.push(f),
                None => {
                    if !imported.contains_key(&key) {
                        fresh_blobs.insert(key.clone());
                    }
                    misses.push(((*path).clone(), *oid, abs.clone(), key));
                }
            }
        }
        stats.blobs_parsed += fresh_blobs.len();
        stats.files_linted += misses.len();
        // Each miss is read, linted and reduced to its figures in one worker; its text
        // and facts are dropped there (only the modules it imports are kept).
        let linted: Vec<Linted> = misses
            .into_par_iter()
            .filter_map(|(path, oid, abs, key)| {
                let text = {
                    let repo = shared_repo.lock().ok()?;
                    let blob = repo.find_blob(oid).ok()?;
                    decode(blob.content().to_vec()).ok()?
                };
                let (source, diagnostics, metrics, modules) =
                    driver.lint_text_with(&abs, text, &settings, |facts| -> Arc<Vec<String>> {
                        Arc::new(facts.map(imported_modules).unwrap_or_default())
                    });
                let sig = signature(base, &modules, &settings, &tree_files.files);
                let f = FileFigures::new(&path, &source, &diagnostics, metrics.unwrap_or_default());
                Some((path, oid, key, modules, sig, Arc::new(f)))
            })
            .collect();
        for (path, oid, key, modules, sig, f) in linted {
            imported.insert(key, modules);
            results
                .entry((path, oid))
                .or_default()
                .push((sig, f.clone()));
            figures.push(f);
        }
        stats.file_versions += figures.len();
        let measured = Figures::aggregate(figures.iter().map(|f| f.as_ref()), &settings, &weights);
        rows.push(row(&commit, &measured));

        progress.update(done + 1, &format!("{} blobs parsed", stats.blobs_parsed));
    }
    progress.finish();
    stats.commits = rows.len();
    stats.module_reads = reads.load(Ordering::Relaxed);
    Ok(History { rows, stats })
}

/// The modules a file's imports may name (each `from` module, and each name under it,
/// which may be a submodule), for [`signature`].
fn imported_modules(facts: &Facts) -> Vec<String> {
    let mut modules: BTreeSet<String> = BTreeSet::new();
    for import in &facts.imports {
        match &import.module {
            Some(m) => {
                if let Some(resolved) = &m.resolved {
                    modules.insert(resolved.to_string());
                    for name in &import.names {
                        modules.insert(format!("{resolved}.{}", name.name));
                    }
                }
            }
            None => {
                for name in &import.names {
                    modules.insert(name.name.to_string());
                }
            }
        }
    }
    modules.into_iter().collect()
}

/// What a file's diagnostics depend on beyond its own text: which blob (or namespace
/// directory, or nothing) provides each first-party module it imports.
fn signature(
    base: u64,
    modules: &[String],
    settings: &Settings,
    blobs: &HashMap<PathBuf, Oid>,
) -> u64 {
    let index = &settings.modules;
    let parts: Vec<String> = modules
        .iter()
        .filter(|m| index.is_first_party(m))
        .map(|module| match index.locate(module) {
            Some(ModuleLocation::File(path)) => {
                let blob = blobs.get(&path).map(Oid::to_string).unwrap_or_default();
                format!("{module}={}@{blob}", path.display())
            }
            Some(ModuleLocation::Namespace(_)) => format!("{module}=namespace"),
            None => format!("{module}=-"),
        })
        .collect();
    fnv(base, parts.iter().map(|s| s.as_bytes()))
}

fn fnv<'a>(mut hash: u64, parts: impl Iterator<Item = &'a [u8]>) -> u64 {
    for part in parts {
        for &b in part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn row(commit: &git2::Commit, f: &Figures) -> Row {
    let id = commit.id().to_string();
    Row {
        commit: id.get(..10).unwrap_or(&id).to_string(),
        date: date_of(commit.time().seconds()),
        summary: commit.summary().ok().flatten().unwrap_or("").to_string(),
        files: f.files,
        canonical_share: f.imports.canonical_share.unwrap_or(100.0),
        fragmented: f.imports.fragmented,
        singletons: f.singletons.total,
        isolated: f.singletons.isolated,
        factory_adoption: f.factories.adoption.unwrap_or(100.0),
        score: f.score.value,
    }
}

/// `YYYY-MM-DD` (UTC) of a Unix time (civil-from-days, H. Hinnant).
fn date_of(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The history as a table (text or Markdown).
pub fn table(history: &History, markdown: bool) -> String {
    let header = [
        "commit",
        "date",
        "files",
        "canonical %",
        "fragmented",
        "singletons",
        "isolated",
        "adoption %",
        "score",
    ];
    let cells: Vec<Vec<String>> = history
        .rows
        .iter()
        .map(|r| {
            vec![
                r.commit.clone(),
                r.date.clone(),
                r.files.to_string(),
                format!("{:.1}", r.canonical_share),
                r.fragmented.to_string(),
                r.singletons.to_string(),
                r.isolated.to_string(),
                format!("{:.1}", r.factory_adoption),
                format!("{:.1}", r.score),
            ]
        })
        .collect();
    let mut s = String::new();
    if markdown {
        s.push_str(&format!("| {} |\n", header.join(" | ")));
        s.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for c in &cells {
            s.push_str(&format!("| {} |\n", c.join(" | ")));
        }
        return s;
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |c: &[String]| -> String {
        let parts: Vec<String> = c
            .iter()
            .enumerate()
            .map(|(i, v)| {
                if i < 2 {
                    format!("{v:<w$}", w = widths[i])
                } else {
                    format!("{v:>w$}", w = widths[i])
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    s.push_str(&line(
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    ));
    for c in &cells {
        s.push_str(&line(c));
    }
    s
}

/// Counts of figures per commit, for the SVG chart.
pub fn series(history: &History) -> BTreeMap<&'static str, Vec<f64>> {
    let mut out = BTreeMap::new();
    out.insert(
        "canonical share %",
        history.rows.iter().map(|r| r.canonical_share).collect(),
    );
    out.insert(
        "singletons",
        history.rows.iter().map(|r| r.singletons as f64).collect(),
    );
    out.insert("score", history.rows.iter().map(|r| r.score).collect());
    out
}
