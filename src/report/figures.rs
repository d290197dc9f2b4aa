//! The report's figures: per-file contributions ([`FileFigures`]) summed into
//! [`Figures`] (canonical share, singletons, factory adoption, competing definitions,
//! the weighted score). Values and pure functions; baselines and history compare them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::metrics::{FileFigures, Finding, ImportClass};
use crate::config::Settings;
use crate::rules::registry::Rule;

/// An alias under which a symbol is imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AliasVariation {
    pub alias: String,
    pub count: usize,
    /// `path:row:column` of the first occurrence (by path, then position).
    pub example: String,
}

/// Import counts of one canonical symbol (or of all of them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportFigures {
    /// Files with at least one import of the symbol.
    pub files: usize,
    pub imports: usize,
    pub canonical: usize,
    pub fragmented: usize,
    pub legacy_module: usize,
    pub re_export: usize,
    pub relative: usize,
    pub alias: usize,
    pub competing: usize,
    pub missing_module: usize,
    pub unresolved: usize,
    /// canonical / imports in percent; `None` when nothing imports it.
    pub canonical_share: Option<f64>,
}

impl ImportFigures {
    fn add(&mut self, class: ImportClass) {
        self.imports += 1;
        match class {
            ImportClass::Canonical => self.canonical += 1,
            ImportClass::LegacyModule => self.legacy_module += 1,
            ImportClass::ReExport => self.re_export += 1,
            ImportClass::Relative => self.relative += 1,
            ImportClass::Alias => self.alias += 1,
            ImportClass::Competing => self.competing += 1,
            ImportClass::MissingModule => self.missing_module += 1,
            ImportClass::Unresolved => self.unresolved += 1,
        }
        self.fragmented = self.legacy_module
            + self.re_export
            + self.relative
            + self.alias
            + self.competing
            + self.missing_module;
        self.canonical_share = Some(percent(self.canonical, self.imports));
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymbolFigures {
    pub symbol: String,
    #[serde(flatten)]
    pub imports: ImportFigures,
    pub aliases: Vec<AliasVariation>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SingletonFigures {
    /// Every singleton finding (SSOT1xx), isolated ones included.
    pub total: usize,
    /// SSOT110: a per-user class shared through a singleton (critical).
    pub isolated: usize,
    pub by_rule: BTreeMap<String, usize>,
    /// Files with the most singleton findings (at most 5).
    pub top_files: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FactoryFigures {
    /// Calls of a configured factory method.
    pub via_factory: usize,
    /// SSOT201: direct constructions outside `allowed-in`.
    pub direct: usize,
    /// via / (via + direct) in percent; `None` when there is neither.
    pub adoption: Option<f64>,
    /// SSOT202: required methods a factory class lacks.
    pub contract_gaps: usize,
}

/// One term of the compliance score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub name: String,
    pub value: f64,
    pub weight: f64,
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub value: f64,
    pub formula: String,
    pub components: Vec<Component>,
}

/// The score's components: name, default weight, definition. Each is 100 when nothing
/// of its kind is left.
pub const COMPONENTS: &[(&str, f64, &str)] = &[
    (
        "imports",
        40.0,
        "canonical share of all imports of canonical symbols (100 when none)",
    ),
    (
        "legacy",
        10.0,
        "100 x files without SSOT003/SSOT004/SSOT005 findings / files checked",
    ),
    (
        "singletons",
        25.0,
        "100 x files without singleton findings (SSOT1xx) / files checked",
    ),
    (
        "factories",
        15.0,
        "factory adoption x factories without contract gaps / factories (100 when none)",
    ),
    (
        "definitions",
        10.0,
        "100 x files without competing definitions (SSOT301) / files checked",
    ),
];

/// Resolve the weights: defaults overridden by `[report] weights`, names validated.
pub fn weights(settings: &Settings) -> Result<Vec<(&'static str, f64)>, String> {
    let origin = settings
        .config_path
        .as_ref()
        .map(|p| format!("{}: ", p.display()))
        .unwrap_or_default();
    for (name, weight) in &settings.report_weights {
        if !COMPONENTS.iter().any(|(n, _, _)| n == name) {
            let known: Vec<&str> = COMPONENTS.iter().map(|(n, _, _)| *n).collect();
            return Err(format!(
                "{origin}[report] weights: unknown component `{name}` (known: {})",
                known.join(", ")
            ));
        }
        if !weight.is_finite() || *weight < 0.0 {
            return Err(format!(
                "{origin}[report] weights: `{name}` must be a number >= 0, found {weight}"
            ));
        }
    }
    let resolved: Vec<(&'static str, f64)> = COMPONENTS
        .iter()
        .map(|(n, w, _)| (*n, settings.report_weights.get(*n).copied().unwrap_or(*w)))
        .collect();
    if resolved.iter().all(|(_, w)| *w == 0.0) {
        return Err(format!(
            "{origin}[report] weights: at least one weight must be above 0"
        ));
    }
    Ok(resolved)
}

/// Every figure of one report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub files: usize,
    /// All canonical symbols together.
    pub imports: ImportFigures,
    pub symbols: Vec<SymbolFigures>,
    pub singletons: SingletonFigures,
    pub factories: FactoryFigures,
    pub competing_definitions: Vec<Finding>,
    /// Diagnostics per rule code, every rule.
    pub rules: BTreeMap<String, usize>,
    pub score: Score,
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        // Rounded to 0.1 so figures compare and print the same everywhere.
        (1000.0 * part as f64 / whole as f64).round() / 10.0
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl Figures {
    /// Sum per-file contributions (any order) into the report's figures.
    pub fn aggregate<'a>(
        files: impl IntoIterator<Item = &'a FileFigures>,
        settings: &Settings,
        weights: &[(&'static str, f64)],
    ) -> Figures {
        let mut files: Vec<&FileFigures> = files.into_iter().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut imports = ImportFigures::default();
        let mut symbols: Vec<SymbolFigures> = settings
            .canonical
            .iter()
            .map(|s| SymbolFigures {
                symbol: s.qualified.clone(),
                imports: ImportFigures::default(),
                aliases: Vec::new(),
            })
            .collect();
        let mut rules: BTreeMap<String, usize> = BTreeMap::new();
        let mut singletons = SingletonFigures::default();
        let mut factories = FactoryFigures::default();
        let mut competing = Vec::new();
        let (mut legacy_files, mut singleton_files, mut competing_files) = (0, 0, 0);
        for file in &files {
            let mut seen = vec![false; symbols.len()];
            for import in &file.symbol_imports {
                let Some(i) = symbols.iter().position(|s| s.symbol == import.symbol) else {
                    continue;
                };
                let sym = &mut symbols[i];
                sym.imports.add(import.class);
                imports.add(import.class);
                if !seen[i] {
                    seen[i] = true;
                    sym.imports.files += 1;
                }
                if let Some(alias) = &import.alias {
                    match sym.aliases.iter_mut().find(|a| &a.alias == alias) {
                        Some(a) => a.count += 1,
                        None => sym.aliases.push(AliasVariation {
                            alias: alias.clone(),
                            count: 1,
                            example: format!("{}:{}:{}", file.path, import.row, import.column),
                        }),
                    }
                }
            }
            if !file.symbol_imports.is_empty() {
                imports.files += 1;
            }
            let mut file_singletons = 0;
            for (&code, &n) in &file.rules {
                *rules.entry(code.to_string()).or_default() += n;
                if code.starts_with("SSOT1") {
                    file_singletons += n;
                    *singletons.by_rule.entry(code.to_string()).or_default() += n;
                }
            }
            let has = |codes: &[Rule]| codes.iter().any(|r| file.rules.contains_key(r.code()));
            if has(&[
                Rule::LegacyModuleImport,
                Rule::LegacyPathString,
                Rule::UnresolvedFirstPartyImport,
            ]) {
                legacy_files += 1;
            }
            if file_singletons > 0 {
                singleton_files += 1;
                singletons.total += file_singletons;
                singletons
                    .top_files
                    .push((file.path.clone(), file_singletons));
            }
            if has(&[Rule::CompetingDefinition]) {
                competing_files += 1;
            }
            factories.via_factory += file.factory_calls;
            competing.extend(file.competing.iter().cloned());
        }
        for sym in &mut symbols {
            sym.aliases
                .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.alias.cmp(&b.alias)));
        }
        singletons.isolated = rules
            .get(Rule::SharedIsolatedInstance.code())
            .copied()
            .unwrap_or(0);
        singletons
            .top_files
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        singletons.top_files.truncate(5);
        factories.direct = rules.get(Rule::FactoryBypass.code()).copied().unwrap_or(0);
        factories.contract_gaps = rules
            .get(Rule::FactoryContract.code())
            .copied()
            .unwrap_or(0);
        let constructions = factories.via_factory + factories.direct;
        factories.adoption =
            (constructions > 0).then(|| percent(factories.via_factory, constructions));
        let n = files.len();
        let configured = settings.factories.len();
        let factories_component = if configured == 0 {
            factories.adoption.unwrap_or(100.0)
        } else {
            let intact = configured.saturating_sub(factories.contract_gaps.min(configured));
            factories.adoption.unwrap_or(100.0) * intact as f64 / configured as f64
        };
        let values = [
            imports.canonical_share.unwrap_or(100.0),
            percent(n - legacy_files, n),
            percent(n - singleton_files, n),
            round1(factories_component),
            percent(n - competing_files, n),
        ];
        let score = score(&values, weights);
        Figures {
            files: n,
            imports,
            symbols,
            singletons,
            factories,
            competing_definitions: competing,
            rules,
            score,
        }
    }

    /// The headline figures, named, in print order: what `--baseline` and history compare.
    pub fn headline(&self) -> Vec<(String, f64)> {
        let mut out = vec![
            ("files checked".to_string(), self.files as f64),
            (
                "canonical share %".to_string(),
                self.imports.canonical_share.unwrap_or(100.0),
            ),
            (
                "imports of canonical symbols".to_string(),
                self.imports.imports as f64,
            ),
            (
                "canonical imports".to_string(),
                self.imports.canonical as f64,
            ),
            (
                "fragmented imports".to_string(),
                self.imports.fragmented as f64,
            ),
            (
                "  from a legacy module".to_string(),
                self.imports.legacy_module as f64,
            ),
            (
                "  through a re-export".to_string(),
                self.imports.re_export as f64,
            ),
            ("  relative".to_string(), self.imports.relative as f64),
            ("  aliased".to_string(), self.imports.alias as f64),
            (
                "  from a competing definition".to_string(),
                self.imports.competing as f64,
            ),
            (
                "  from a missing module".to_string(),
                self.imports.missing_module as f64,
            ),
            (
                "unresolved imports".to_string(),
                self.imports.unresolved as f64,
            ),
        ];
        for sym in &self.symbols {
            let short = sym.symbol.rsplit('.').next().unwrap_or(&sym.symbol);
            out.push((
                format!("canonical share % {short}"),
                sym.imports.canonical_share.unwrap_or(100.0),
            ));
        }
        out.push(("singletons".to_string(), self.singletons.total as f64));
        out.push((
            "isolated singletons (SSOT110)".to_string(),
            self.singletons.isolated as f64,
        ));
        out.push((
            "factory adoption %".to_string(),
            self.factories.adoption.unwrap_or(100.0),
        ));
        out.push((
            "direct constructions (SSOT201)".to_string(),
            self.factories.direct as f64,
        ));
        out.push((
            "factory contract gaps (SSOT202)".to_string(),
            self.factories.contract_gaps as f64,
        ));
        out.push((
            "competing definitions (SSOT301)".to_string(),
            self.competing_definitions.len() as f64,
        ));
        out.push(("compliance score".to_string(), self.score.value));
        out
    }
}

fn score(values: &[f64], weights: &[(&'static str, f64)]) -> Score {
    let total: f64 = weights.iter().map(|(_, w)| w).sum();
    let components: Vec<Component> = COMPONENTS
        .iter()
        .zip(values)
        .map(|((name, _, definition), value)| Component {
            name: name.to_string(),
            value: *value,
            weight: weights
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0.0, |(_, w)| *w),
            definition: definition.to_string(),
        })
        .collect();
    let weighted: f64 = components.iter().map(|c| c.weight * c.value).sum();
    let value = if total > 0.0 {
        round1(weighted / total)
    } else {
        100.0
    };
    let terms: Vec<String> = components
        .iter()
        .map(|c| format!("{} x {}", fmt_num(c.weight), c.name))
        .collect();
    Score {
        value,
        formula: format!("score = ({}) / {}", terms.join(" + "), fmt_num(total)),
        components,
    }
}

/// A number as a person writes it: `80`, `80.5`.
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{:.1}", x)
    }
}
