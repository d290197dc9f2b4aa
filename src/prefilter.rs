//! A byte-level prefilter for whole-tree checks: a file that contains none of the
//! enabled rules' needles cannot produce a diagnostic, so it is not parsed at all.
//! The filter is conservative by construction (every flagged span contains a needle),
//! so skipping a file never changes the result; the language server does not use it.

use aho_corasick::AhoCorasick;

use crate::config::Settings;
use crate::rules::registry::{Needle, Rule, RuleSelection};

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

/// Strings that every diagnostic of `rule` contains in its file (its spec's needles,
/// resolved against the settings); `None` when the rule can fire without any fixed
/// string (so the file must be parsed).
fn rule_needles(rule: Rule, settings: &Settings) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for needle in rule.spec().needles? {
        resolve(*needle, settings, &mut out);
    }
    Some(out)
}

/// The strings a spec's needle stands for under `settings`.
fn resolve(needle: Needle, settings: &Settings, out: &mut Vec<String>) {
    let last_segment = |m: &String| m.rsplit('.').next().unwrap_or(m).to_string();
    let legacy_modules = || {
        let of_symbols = settings.canonical.iter().flat_map(|s| &s.legacy_modules);
        of_symbols.chain(settings.legacy_modules.iter().map(|(old, _)| old))
    };
    match needle {
        Needle::Text(text) => out.push(text.to_string()),
        Needle::CanonicalNames => out.extend(settings.canonical.iter().map(|s| s.name.clone())),
        Needle::LegacyNames => {
            out.extend(
                settings
                    .canonical
                    .iter()
                    .flat_map(|s| s.legacy_names.iter().cloned()),
            );
        }
        Needle::LegacyModuleTails => out.extend(legacy_modules().map(last_segment)),
        Needle::LegacyModulePaths => out.extend(legacy_modules().cloned()),
        Needle::FirstPartyPackages => {
            out.extend(settings.modules.first_party().iter().cloned());
        }
        Needle::FactoryBuildTails => {
            let builds = settings.factories.iter().flat_map(|f| &f.builds);
            out.extend(builds.map(last_segment));
        }
        Needle::FactoryClassTails => {
            out.extend(settings.factories.iter().map(|f| last_segment(&f.class)));
        }
    }
}

/// What makes a rule read a `def`/`class` body, for [`crate::reduce`]. Name needles
/// are whole identifiers in code (not inside a longer name, a comment or a string), each
/// counted only where a rule reads it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BodyNeedles {
    /// Strings that count anywhere but in comments and docstrings, inside longer words
    /// and string literals too: no rule's, what a caller reads besides (the report's
    /// metrics).
    pub exact: Vec<String>,
    /// A `global` statement counts when its function assigns one of its names.
    pub globals: bool,
    /// Identifiers that count after a `.` whose object is a plain name (`typing.Mapping`).
    pub attributes: Vec<String>,
    /// Identifiers that count before a `(` (`Engine(…)`, `m.Engine(…)`).
    pub calls: Vec<String>,
    /// Strings that count only in decorator, `def` and `class` lines, in any ASCII case,
    /// also inside longer words (`lru_cache`, `SingletonMeta`).
    pub headers: Vec<String>,
    /// Header needles that count only when the definition they head (the `def` after a
    /// decorator) assigns an attribute of a plain name in its body (`cls._x = …`).
    pub storing: Vec<String>,
    /// Header needles that count only in a decorator of a function with at most one
    /// parameter (`@lru_cache` on `def engine()`, not on `def key(a, b)`).
    pub getters: Vec<String>,
    /// An import statement (the keyword `import` as a token, so not `important` or a
    /// comment).
    pub imports: bool,
    /// Dotted paths that count as the whole content of a string literal or its first
    /// segments (`"old.mod"`, `"old.mod.Engine"`; not `"see old.mod"`, `"old.module"`).
    pub strings: Vec<String>,
    /// Every module-level statement is read, so none is blanked: no rule's, what the
    /// project index reads of a module (its imports and `X = a.b.X` assignments).
    pub module_statements: bool,
    /// The top-level packages whose classes SSOT101 may count when a module-level
    /// statement constructs one (`[singletons] scope` first-party or listed: the
    /// first-party packages and those of the listed classes); `None` (under `scope =
    /// "all"`, or unknown) keeps every module-level assignment that may be a call.
    pub singleton_packages: Option<Vec<String>>,
}

/// What the enabled rules read inside `def`/`class` bodies (each rule's spec says it:
/// `RuleSpec::body`, with why next to the rule): a body whose definition (decorators,
/// header, body) holds none of it can be blanked without changing any diagnostic.
/// `None` when some enabled rule may read any body (so nothing may be blanked).
///
/// Facts outside bodies are never blanked: module statements, class and function
/// headers, decorators, methods of a kept class. No rule reads comments or docstrings,
/// so a needle there keeps nothing. A local alias of a needle (`from functools import
/// lru_cache as memo`) is a needle too; the reducer finds those per file.
pub fn body_needles(settings: &Settings, selection: &RuleSelection) -> Option<BodyNeedles> {
    let mut out = BodyNeedles::default();
    for &rule in Rule::ALL {
        if !selection.is_enabled(rule) {
            continue;
        }
        let reads = rule.spec().body?;
        out.imports |= reads.imports;
        out.globals |= reads.globals;
        for (needles, list) in [
            (reads.attributes, &mut out.attributes),
            (reads.calls, &mut out.calls),
            (reads.headers, &mut out.headers),
            (reads.storing, &mut out.storing),
            (reads.getters, &mut out.getters),
            (reads.strings, &mut out.strings),
        ] {
            for needle in needles {
                resolve(*needle, settings, list);
            }
        }
    }
    if settings.singletons.scope != crate::config::SingletonScope::All {
        let mut packages: Vec<String> = settings.modules.first_party().iter().cloned().collect();
        let listed = settings.singletons.isolated.iter();
        let listed = listed.chain(settings.factories.iter().flat_map(|f| f.builds.iter()));
        packages.extend(listed.map(|q| q.split('.').next().unwrap_or(q).to_string()));
        packages.sort();
        packages.dedup();
        out.singleton_packages = Some(packages);
    }
    for list in [
        &mut out.attributes,
        &mut out.calls,
        &mut out.headers,
        &mut out.storing,
        &mut out.getters,
        &mut out.strings,
    ] {
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
