//! A byte-level prefilter for whole-tree checks: a file that contains none of the
//! enabled rules' needles cannot produce a diagnostic, so it is not parsed at all.
//! The filter is conservative by construction (every flagged span contains a needle),
//! so skipping a file never changes the result; the language server does not use it.

use aho_corasick::AhoCorasick;

use crate::config::Settings;
use crate::rules::registry::{Rule, RuleSelection};

pub struct Prefilter {
    /// `None`: some enabled rule has no needles, so every file must be parsed.
    needles: Option<AhoCorasick>,
}

impl Prefilter {
    pub fn new(settings: &Settings, selection: &RuleSelection) -> Prefilter {
        Prefilter::with_extra(settings, selection, &[])
    }

    /// [`Prefilter::new`] that also lets through texts holding one of `extra` (what a
    /// caller reads from facts besides the diagnostics: the report's metrics).
    pub fn with_extra(
        settings: &Settings,
        selection: &RuleSelection,
        extra: &[String],
    ) -> Prefilter {
        let mut needles: Vec<String> = extra.to_vec();
        for &rule in Rule::ALL {
            if !selection.is_enabled(rule) {
                continue;
            }
            match rule_needles(rule, settings) {
                Some(found) => needles.extend(found),
                None => return Prefilter { needles: None },
            }
        }
        needles.retain(|n| !n.is_empty());
        needles.sort();
        needles.dedup();
        Prefilter {
            needles: AhoCorasick::new(&needles).ok(),
        }
    }

    /// Could this text produce any diagnostic?
    pub fn may_match(&self, text: &str) -> bool {
        match &self.needles {
            Some(needles) => needles.is_match(text),
            None => true,
        }
    }
}

/// Strings that every diagnostic of `rule` contains in its file; `None` when the rule
/// can fire without any fixed string (so the file must be parsed).
fn rule_needles(rule: Rule, settings: &Settings) -> Option<Vec<String>> {
    let last_segment = |m: &str| m.rsplit('.').next().unwrap_or(m).to_string();
    match rule {
        // The flagged name is a canonical or legacy name, or (star imports, strings)
        // the path of a legacy module, which contains its last segment.
        Rule::FragmentedImport
        | Rule::AliasedImport
        | Rule::LegacyModuleImport
        | Rule::LegacyPathString => {
            let mut out = Vec::new();
            for symbol in &settings.canonical {
                out.push(symbol.name.clone());
                out.extend(symbol.legacy_names.iter().cloned());
                out.extend(symbol.legacy_modules.iter().map(|m| last_segment(m)));
            }
            out.extend(
                settings
                    .legacy_modules
                    .iter()
                    .map(|(old, _)| last_segment(old)),
            );
            Some(out)
        }
        // An unresolved first-party import names a first-party package or is relative.
        Rule::UnresolvedFirstPartyImport => {
            let mut out: Vec<String> = settings.modules.first_party().iter().cloned().collect();
            out.extend(["from .", "from\t."].map(String::from));
            Some(out)
        }
        _ => None,
    }
}

/// What makes a rule read a `def`/`class` body, for [`crate::reduce`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BodyNeedles {
    /// Strings that count anywhere but in comments and docstrings.
    pub exact: Vec<String>,
    /// Strings that count only in decorator, `def` and `class` lines, in any ASCII case.
    pub headers: Vec<String>,
    /// An import statement (the keyword `import` as a token, so not `important` or a
    /// comment).
    pub imports: bool,
    /// Strings that count only inside string literals that are not docstrings.
    pub strings: Vec<String>,
}

/// What the enabled rules read inside `def`/`class` bodies: a body whose definition
/// (decorators, header, body) holds none of it can be blanked without changing any
/// diagnostic. `None` when some enabled rule is not known to this function (so nothing
/// may be blanked).
///
/// Why each rule needs what it needs (facts outside bodies are never blanked: module
/// statements, class and function headers, decorators, methods of a kept class):
/// - every rule that resolves names (imports, singletons, factories) reads import
///   statements at any depth: [`BodyNeedles::imports`];
/// - SSOT004 reads string literals that name a legacy path as a whole: the full dotted
///   path of each legacy module, which every such literal contains, inside literals;
/// - SSOT102 reads `__new__` and class/static methods (their assignments) and class
///   attributes: `__new__`, `classmethod`, `staticmethod` in headers, `_instance`;
/// - SSOT103 reads a function's `global` statements and assignments: `global`;
/// - SSOT104 reads the returns of a function decorated with a cache: `cache` in headers
///   (`lru_cache`, `functools.cache`);
/// - SSOT105 reads decorators and keywords of classes nested in bodies: `singleton` in
///   headers;
/// - SSOT201 reads calls anywhere: the short names of the classes factories build;
/// - SSOT202 reads a factory class's methods: the factory class names;
/// - SSOT101 and SSOT301 read only module-level statements and definitions.
///
/// No rule reads comments or docstrings, so a needle there keeps nothing. A local alias
/// of a needle (`from functools import lru_cache as memo`) is a needle too; the reducer
/// finds those per file.
pub fn body_needles(settings: &Settings, selection: &RuleSelection) -> Option<BodyNeedles> {
    let last_segment = |m: &str| m.rsplit('.').next().unwrap_or(m).to_string();
    let short = |q: &String| last_segment(q);
    let mut out = BodyNeedles::default();
    for &rule in Rule::ALL {
        if !selection.is_enabled(rule) {
            continue;
        }
        match rule {
            // `typing.Mapping` in a body (attribute access through a module import).
            Rule::FragmentedImport => {
                out.imports = true;
                out.exact
                    .extend(settings.canonical.iter().map(|s| s.name.clone()));
            }
            Rule::AliasedImport
            | Rule::LegacyModuleImport
            | Rule::UnresolvedFirstPartyImport
            | Rule::ModuleLevelSingleton => out.imports = true,
            Rule::LegacyPathString => {
                for symbol in &settings.canonical {
                    out.strings.extend(symbol.legacy_modules.iter().cloned());
                }
                out.strings
                    .extend(settings.legacy_modules.iter().map(|(old, _)| old.clone()));
            }
            Rule::SingletonClass
            | Rule::GlobalLazySingleton
            | Rule::CachedInstanceFactory
            | Rule::SingletonDecoratorOrMetaclass
            | Rule::SharedIsolatedInstance => {
                out.imports = true;
                out.exact.extend(["_instance", "global"].map(String::from));
                out.headers.extend(
                    [
                        "__new__",
                        "classmethod",
                        "staticmethod",
                        "cache",
                        "singleton",
                    ]
                    .map(String::from),
                );
            }
            Rule::FactoryBypass => {
                out.imports = true;
                for factory in &settings.factories {
                    out.exact.extend(factory.builds.iter().map(short));
                }
            }
            Rule::FactoryContract => {
                out.exact
                    .extend(settings.factories.iter().map(|f| short(&f.class)));
            }
            Rule::CompetingDefinition => {}
            #[allow(unreachable_patterns)]
            _ => return None,
        }
    }
    for list in [&mut out.exact, &mut out.headers, &mut out.strings] {
        list.retain(|n| !n.is_empty());
        list.sort();
        list.dedup();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn needles_come_from_the_config() {
        let settings = crate::config::parse(
            Path::new("/nonexistent/ssotlint.toml"),
            "[project]\nfirst-party = [\"app\"]\n[canonical]\n\"a.b.Engine\" = { legacy-modules = [\"a.old\"] }\n",
        )
        .expect("config")
        .expect("settings");
        // Syntax errors (SSOT000) can be anywhere: with them on, every file is parsed.
        let with_syntax = RuleSelection {
            select: vec!["SSOT00".into()],
            ignore: vec![],
        };
        assert!(Prefilter::new(&settings, &with_syntax).may_match("x = 1\n"));
        let imports_only = RuleSelection {
            select: vec!["SSOT00".into()],
            ignore: vec!["SSOT000".into()],
        };
        let filter = Prefilter::new(&settings, &imports_only);
        assert!(filter.may_match("from a.b import Engine"));
        assert!(filter.may_match("from a.old import *"));
        assert!(filter.may_match("import app.x"));
        assert!(filter.may_match("from .x import y"));
        assert!(!filter.may_match("import os\nx = 1\n"));
        let everything = RuleSelection::default();
        assert!(Prefilter::new(&settings, &everything).may_match("import os\n"));
    }
}
