//! One file's metrics: what its facts and diagnostics say about the canonical symbols'
//! imports and the factory calls ([`file_metrics`], cached by the driver next to the
//! diagnostics), and its contribution to the report ([`FileFigures`]). Values and pure
//! functions of one file: the file loop that produces them is [`crate::report`]'s.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::python::{Facts, ImportKind};
use crate::rules::imports;
use crate::rules::registry::Rule;
use crate::source::SourceText;

/// How one import of a canonical symbol stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportClass {
    Canonical,
    /// Fragmented: from a legacy module (listed in the entry or under `[legacy-modules]`).
    LegacyModule,
    /// Fragmented: through a re-export (shim module, package `__init__`).
    ReExport,
    /// Fragmented: a relative import of a non-canonical module.
    Relative,
    /// Fragmented: the canonical module, under another local name (SSOT002).
    Alias,
    /// Fragmented: the module defines a competing object of that name (SSOT001, no fix).
    Competing,
    /// Fragmented: the canonical name, from a first-party module no file provides (SSOT001).
    MissingModule,
    /// The import names a first-party module no file provides (SSOT005).
    Unresolved,
}

/// One import binding of a canonical symbol in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SymbolImport {
    /// Qualified name of the canonical symbol.
    pub symbol: String,
    pub class: ImportClass,
    /// The local name when it differs from the canonical name.
    pub alias: Option<String>,
    pub row: usize,
    pub column: usize,
}

/// A finding shown by location in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub path: String,
    pub row: usize,
    pub column: usize,
    pub message: String,
}

/// What one file contributes to the figures. Cheap to keep per file (history caches it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFigures {
    pub path: String,
    pub symbol_imports: Vec<SymbolImport>,
    /// Diagnostics per rule code.
    pub rules: BTreeMap<&'static str, usize>,
    /// Calls of a configured factory method (`Factory.create_instance(...)`).
    pub factory_calls: usize,
    pub competing: Vec<Finding>,
}

/// The part of a file's figures that needs its facts: computed where the file is linted
/// and kept in the check cache next to its diagnostics, so a warm report parses nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMetrics {
    pub symbol_imports: Vec<SymbolImport>,
    pub factory_calls: usize,
}

impl FileFigures {
    /// One file's contribution from its diagnostics and metrics. `source` is needed only
    /// when there are diagnostics (for the rows of competing definitions).
    pub fn new(
        path: &str,
        source: &SourceText,
        diagnostics: &[Diagnostic],
        metrics: FileMetrics,
    ) -> FileFigures {
        let mut out = FileFigures {
            path: path.to_string(),
            symbol_imports: metrics.symbol_imports,
            factory_calls: metrics.factory_calls,
            ..FileFigures::default()
        };
        for d in diagnostics {
            *out.rules.entry(d.rule.code()).or_default() += 1;
            if d.rule == Rule::CompetingDefinition {
                let loc = source.location(d.range.start);
                out.competing.push(Finding {
                    path: path.to_string(),
                    row: loc.row,
                    column: loc.column,
                    message: d.message.clone(),
                });
            }
        }
        out
    }
}

/// Derive one file's contribution from its facts and diagnostics.
pub fn file_figures(
    path: &str,
    source: &SourceText,
    facts: &Facts,
    diagnostics: &[Diagnostic],
    settings: &Settings,
) -> FileFigures {
    let metrics = file_metrics(source, facts, diagnostics, settings);
    FileFigures::new(path, source, diagnostics, metrics)
}

/// Strings every text with a non-empty [`FileMetrics`] contains: the names a canonical
/// symbol is imported under and the factory methods. The prefilter keeps a file that
/// holds one; the reducer keeps every `import` and the bodies that call a factory method
/// (`check::Prefilters`), so the fast path measures what a full parse does.
pub fn metric_needles(settings: &Settings) -> Vec<String> {
    let mut out: Vec<String> = settings.by_name.keys().cloned().collect();
    out.extend(
        settings
            .factories
            .iter()
            .flat_map(|f| f.methods.iter().cloned()),
    );
    out.sort();
    out
}

/// The facts-derived part of a file's figures.
pub fn file_metrics(
    source: &SourceText,
    facts: &Facts,
    diagnostics: &[Diagnostic],
    settings: &Settings,
) -> FileMetrics {
    let mut out = FileMetrics::default();
    let at: HashMap<(Rule, usize), &Diagnostic> = diagnostics
        .iter()
        .map(|d| ((d.rule, d.range.start), d))
        .collect();
    for import in &facts.imports {
        if import.kind != ImportKind::From {
            continue;
        }
        let Some(module_ref) = &import.module else {
            continue;
        };
        let Some(module) = module_ref.resolved.as_deref() else {
            continue;
        };
        let unresolved =
            at.contains_key(&(Rule::UnresolvedFirstPartyImport, module_ref.range.start()));
        for name in &import.names {
            let candidates = || settings.canonical_for_name(&name.name);
            let found = if let Some(d) = at.get(&(Rule::FragmentedImport, name.name_range.start()))
            {
                // SSOT001 names the canonical module in its message; pick that entry.
                candidates()
                    .find(|s| d.message.contains(&format!("`{}`", s.module)))
                    .or_else(|| candidates().next())
                    .map(|s| {
                        let legacy = s.legacy_modules.iter().any(|m| m == module)
                            || settings.legacy_module_for(module).is_some();
                        let class = if d.message.contains(imports::COMPETING_MARK) {
                            ImportClass::Competing
                        } else if d.message.contains(imports::MISSING_MARK) {
                            ImportClass::MissingModule
                        } else if unresolved {
                            ImportClass::Unresolved
                        } else if legacy {
                            ImportClass::LegacyModule
                        } else if module_ref.level > 0 {
                            ImportClass::Relative
                        } else {
                            ImportClass::ReExport
                        };
                        (s, class)
                    })
            } else if at.contains_key(&(Rule::AliasedImport, name.range.start())) {
                candidates()
                    .find(|s| s.module == module && s.name == name.name)
                    .map(|s| (s, ImportClass::Alias))
            } else if unresolved {
                candidates().next().map(|s| (s, ImportClass::Unresolved))
            } else {
                candidates()
                    .find(|s| s.module == module && s.name == name.name)
                    .map(|s| (s, ImportClass::Canonical))
            };
            let Some((symbol, class)) = found else {
                continue;
            };
            let loc = source.location(name.name_range.start());
            let alias = name
                .alias
                .as_ref()
                .map(|(a, _)| a.to_string())
                .filter(|a| *a != symbol.name);
            out.symbol_imports.push(SymbolImport {
                symbol: symbol.qualified.clone(),
                class,
                alias,
                row: loc.row,
                column: loc.column,
            });
        }
    }
    let methods: Vec<&str> = settings
        .factories
        .iter()
        .flat_map(|f| f.methods.iter().map(String::as_str))
        .collect();
    let text = source.text();
    out.factory_calls = facts
        .defs
        .calls
        .iter()
        .filter_map(|c| text.get(c.callee?.range()))
        .filter(|callee| {
            callee
                .rsplit_once('.')
                .is_some_and(|(_, method)| methods.contains(&method))
        })
        .count();
    out
}
