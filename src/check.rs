//! The whole-tree check behind `ssotlint check`: walk, lint every file in parallel,
//! collect results. Reading files and decoding them happens here; linting a text is
//! [`crate::lint::lint_text`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::cache::{content_hash, CacheOptions, RunCache};
use crate::config::{Settings, SettingsStore};
use crate::diagnostic::Diagnostic;
use crate::lint::{lint_text, lint_with, LintOptions};
use crate::output::display_path;
use crate::prefilter::{body_needles, Prefilter};
use crate::project::record_dependencies;
use crate::python::recognize::certainly_valid;
use crate::reduce::Reducer;
use crate::source::{decode, SourceText};
use crate::walk;

/// One checked file that has something to say.
#[derive(Debug)]
pub struct FileReport {
    /// The path as walked (relative when the user gave a relative path).
    pub path: PathBuf,
    pub source: SourceText,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
pub struct CheckReport {
    /// Files with diagnostics, sorted by path.
    pub files: Vec<FileReport>,
    /// How many files were linted.
    pub checked: usize,
    /// Files skipped (binary, not UTF-8), one line each.
    pub warnings: Vec<String>,
    /// Problems that stop the tool doing its job (bad config, unreadable paths).
    pub errors: Vec<String>,
}

impl CheckReport {
    pub fn diagnostic_count(&self) -> usize {
        self.files.iter().map(|f| f.diagnostics.len()).sum()
    }
}

enum Outcome {
    Linted(FileReport),
    Skipped(String),
    Failed(String),
}

/// Check every Python file under `paths`. Function and class bodies that no enabled
/// rule reads are not parsed ([`crate::reduce`]), nor files no rule can flag, unless
/// `reduce` is off (`--no-fast-path`: every file parsed whole, only to verify
/// that it changes nothing: `scripts/reduce_equivalence.sh`); with `cache`, files whose
/// results still hold are not parsed either ([`crate::cache`]).
pub fn check_paths_with(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
    reduce: bool,
    cache: Option<CacheOptions>,
) -> CheckReport {
    let walked = walk::python_files(paths, store);
    let prefilters = Prefilters {
        reduce,
        ..Prefilters::default()
    };
    let cache = cache.map(|c| RunCache::new(c, options));
    let outcomes: Vec<Outcome> = walked
        .files
        .par_iter()
        .map(|path| check_file(path, store, options, &prefilters, cache.as_ref()))
        .collect();
    if let Some(cache) = &cache {
        cache.persist();
    }
    let mut report = CheckReport {
        errors: walked.errors,
        warnings: factory_warnings(&walked.files, store),
        ..CheckReport::default()
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Linted(file) => {
                report.checked += 1;
                if !file.diagnostics.is_empty() {
                    report.files.push(file);
                }
            }
            Outcome::Skipped(warning) => report.warnings.push(warning),
            Outcome::Failed(error) => report.errors.push(error),
        }
    }
    report.errors.sort();
    report.errors.dedup();
    report
}

/// What a file is checked with before parsing: may it match at all, and which bodies
/// can be blanked (`None`: none). Both are built for the selection without SSOT000;
/// [`fast_path`] says whether a text may use them.
pub(crate) struct Filters {
    pub(crate) prefilter: Prefilter,
    reducer: Option<Reducer>,
    /// SSOT000 is enabled: syntax errors can be anywhere in a text.
    syntax_errors: bool,
}

/// May `text` skip parsing work (the prefilter's skip, the reducer's blanks)? Only when
/// no enabled rule needs every byte parsed: SSOT000 reports syntax errors anywhere, so
/// with it on a text is parsed whole unless it is known to parse without error (the one
/// place to ask a recognizer that tells so: [`certainly_valid`]).
pub(crate) fn fast_path(filters: &Filters, text: &str) -> bool {
    !filters.syntax_errors || certainly_valid(text, &crate::python::scan::tokenize(text))
}

/// One prefilter and reducer per distinct settings (config file) in the run.
#[derive(Default)]
pub(crate) struct Prefilters {
    reduce: bool,
    by_settings: Mutex<HashMap<usize, Arc<Filters>>>,
}

impl Prefilters {
    pub(crate) fn get(&self, settings: &Arc<Settings>, options: &LintOptions) -> Arc<Filters> {
        let key = Arc::as_ptr(settings) as usize;
        if let Some(found) = self
            .by_settings
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return found;
        }
        let mut selection = options.selection(settings);
        let syntax_errors = selection.is_enabled(crate::rules::Rule::InvalidSyntax);
        selection
            .ignore
            .push(crate::rules::Rule::InvalidSyntax.code().to_string());
        let reducer = if self.reduce {
            body_needles(settings, &selection).map(|needles| Reducer::new(&needles))
        } else {
            None
        };
        let filter = Arc::new(Filters {
            prefilter: Prefilter::new(settings, &selection),
            reducer,
            syntax_errors,
        });
        if let Ok(mut map) = self.by_settings.lock() {
            map.insert(key, filter.clone());
        }
        filter
    }
}

fn check_file(
    path: &Path,
    store: &SettingsStore,
    options: &LintOptions,
    prefilters: &Prefilters,
    cache: Option<&RunCache>,
) -> Outcome {
    let settings = match store.for_file(path) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    // The stamp is taken before reading, so a write during the lint makes the entry stale.
    let stamp = std::fs::metadata(path).ok();
    if let Some(warning) = stamp.as_ref().and_then(|m| settings.too_big(m.len())) {
        return Outcome::Skipped(format!("{}: {warning}", display_path(path)));
    }
    let absolute = crate::config::normalize(path);
    let hit = cache
        .zip(stamp.as_ref())
        .and_then(|(c, m)| c.lookup(&settings, &absolute, m));
    if let Some(hit) = hit {
        // Only files with findings need their text (for rows, columns and code frames).
        let source = if hit.diagnostics.is_empty() {
            Some(SourceText::new(String::new()))
        } else {
            std::fs::read(path)
                .ok()
                .and_then(|b| decode(b).ok())
                .map(SourceText::new)
        };
        if let Some(source) = source {
            return Outcome::Linted(FileReport {
                path: path.to_path_buf(),
                source,
                diagnostics: hit.diagnostics,
            });
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(format!("{}: cannot read: {e}", display_path(path))),
    };
    let hash = cache.map(|_| content_hash(&bytes)).unwrap_or(0);
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(e) => return Outcome::Skipped(format!("{}: {e}", display_path(path))),
    };
    let filters = prefilters.get(&settings, options);
    let (linted, deps) = record_dependencies(|| {
        if !prefilters.reduce || !fast_path(&filters, &text) {
            return Some(lint_text(&absolute, text, &settings, options));
        }
        if !filters.prefilter.may_match(&text) {
            return None;
        }
        Some(lint_reduced(
            &absolute,
            text,
            &settings,
            options,
            filters.reducer.as_ref(),
        ))
    });
    let (source, diagnostics) = match linted {
        Some(linted) => (linted.source, linted.diagnostics),
        None => (SourceText::new(String::new()), Vec::new()),
    };
    if let Some(cache) = cache {
        cache.store(&settings, &absolute, stamp, hash, deps, &diagnostics);
    }
    Outcome::Linted(FileReport {
        path: path.to_path_buf(),
        source,
        diagnostics,
    })
}

/// Lint `text` with the bodies no rule reads blanked (and not even lexed). The report keeps the original
/// text (offsets are the same). When the reduced text does not parse cleanly, the
/// original is linted instead, so tree-sitter's error recovery sees what it always saw.
pub(crate) fn lint_reduced(
    path: &Path,
    text: String,
    settings: &Settings,
    options: &LintOptions,
    reducer: Option<&Reducer>,
) -> crate::lint::Linted {
    let Some(reduced) = reducer.and_then(|r| r.reduce(&text)) else {
        return lint_text(path, text, settings, options);
    };
    // An indentation error puts the lines after it in a chunk of their own; blanking a
    // body can move where that happens, so such a text is linted whole.
    let chunks = crate::python::chunks::chunks(&text);
    if chunks.iter().any(|r| {
        text.get(r.clone())
            .is_some_and(crate::python::chunks::is_indented)
    }) {
        return lint_text(path, text, settings, options);
    }
    let ranges = reduced.included;
    let mut linted = lint_with(path, reduced.text, settings, options, |t, module| {
        crate::python::analyze_included(t, module, &ranges)
            .unwrap_or_else(|| crate::python::analyze(t, module))
    });
    if linted.facts.has_syntax_errors() {
        return lint_text(path, text, settings, options);
    }
    linted.source = SourceText::new(text);
    linted
}

/// Config warnings for factory classes the project does not define, once per config.
fn factory_warnings(files: &[PathBuf], store: &SettingsStore) -> Vec<String> {
    let mut seen: Vec<Arc<crate::config::Settings>> = Vec::new();
    for path in files {
        if let Ok(settings) = store.for_file(path) {
            if !settings.factories.is_empty() && !seen.iter().any(|s| Arc::ptr_eq(s, &settings)) {
                seen.push(settings);
            }
        }
    }
    seen.iter()
        .flat_map(|s| crate::rules::factories::config_warnings(s))
        .collect()
}
