//! The project index behind `ssotlint init` and `check --infer`: for every first-party
//! module what it defines, what it re-exports (imports, star imports, `X = mod.X`
//! assignments) and which names it imports from where.
//!
//! Built from the front end's [`Facts`](crate::python::Facts), one file at a time in
//! parallel; only the few strings the discovery needs are kept per module, never the
//! facts or the text, so memory follows the number of imports, not the size of the
//! code. Module names and first-party tests come from the settings' module rules
//! (`modules::module_of`, [`ModuleIndex`](crate::project::ModuleIndex)).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::config::{normalize, Settings};
use crate::progress::Progress;
use crate::python::{self, DefinitionKind, ImportKind, Scope};
use crate::source::decode;

/// What one module contributes to the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleRecord {
    /// Dotted module name.
    pub name: String,
    /// A package's `__init__`.
    pub is_package: bool,
    pub path: PathBuf,
    /// Module-level classes and functions: name → is it a class.
    pub defined: HashMap<String, bool>,
    /// Module-level names bound to something of another module or to another local
    /// name: local → qualified target (`from m import X as Y`: `Y` → `m.X`; `import a.b
    /// as c`: `c` → `a.b`; `Old = mod.New`: `Old` → `mod.New`).
    pub bindings: HashMap<String, String>,
    /// Modules of module-level `from m import *`.
    pub stars: Vec<String>,
    /// Those of `stars` under a `# noqa` covering SSOT001.
    pub stars_noqa: Vec<String>,
    /// Every `from m import X [as Y]` of the file, in any scope.
    pub uses: Vec<Use>,
}

/// One imported name of a `from` import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The module imported from (relative imports resolved).
    pub module: String,
    /// The name imported.
    pub name: String,
    /// Bound under another name (`X as Y`, `Y != X`).
    pub aliased: bool,
    /// At module level (a re-export candidate), not in a function or class.
    pub module_level: bool,
    /// A `# noqa` covering SSOT001 stands on its line (or its statement's first line):
    /// `check` would not report it.
    pub noqa: bool,
}

/// Where a name is really defined, and the modules that pass it on along the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The defining module.
    pub module: String,
    /// The name there (a renamed re-export changes it).
    pub name: String,
    pub is_class: bool,
    /// Modules that re-export it between the start and the definition, start first.
    pub via: Vec<String>,
}

/// All first-party modules of a tree.
#[derive(Debug, Default)]
pub struct ProjectIndex {
    pub modules: HashMap<String, ModuleRecord>,
    /// Files read (whether or not they had a module name).
    pub files: usize,
    /// Files skipped (unreadable, not UTF-8, too big), one line each.
    pub warnings: Vec<String>,
}

/// Longest re-export chain followed; real chains are a few hops.
const MAX_HOPS: usize = 32;

impl ProjectIndex {
    /// Index `files` (as walked) with the module rules of `settings`, in parallel,
    /// drawing `progress` when it is shown.
    pub fn build<W: std::io::Write + Send>(
        files: &[PathBuf],
        settings: &Settings,
        progress: Progress<W>,
    ) -> ProjectIndex {
        let done = AtomicUsize::new(0);
        let progress = Mutex::new(progress);
        let results: Vec<Result<Option<ModuleRecord>, String>> = files
            .par_iter()
            .map(|path| {
                let record = read_record(path, settings);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                // Another thread drawing is reason enough to skip this update.
                if let Ok(mut p) = progress.try_lock() {
                    p.update(n, "");
                }
                record
            })
            .collect();
        if let Ok(mut p) = progress.lock() {
            p.finish();
        }
        let mut index = ProjectIndex {
            files: files.len(),
            ..ProjectIndex::default()
        };
        for result in results {
            match result {
                Ok(Some(record)) => index.insert(record),
                Ok(None) => {}
                Err(warning) => index.warnings.push(warning),
            }
        }
        index.warnings.sort();
        index
    }

    /// Add a module; a `.py` wins over a `.pyi` of the same module.
    pub fn insert(&mut self, record: ModuleRecord) {
        let is_stub = |r: &ModuleRecord| r.path.extension().is_some_and(|e| e == "pyi");
        match self.modules.get(&record.name) {
            Some(old) if !is_stub(old) || is_stub(&record) => {}
            _ => {
                self.modules.insert(record.name.clone(), record);
            }
        }
    }

    /// Is `name` a module (indexed, or found by the settings' module lookup)?
    pub fn is_module(&self, name: &str, settings: &Settings) -> bool {
        self.modules.contains_key(name)
            || (settings.modules.is_first_party(name) && settings.modules.locate(name).is_some())
    }

    /// Where `module.name` is defined: bindings, assignment aliases and star imports
    /// followed through indexed modules, cycles cut. `None` for a module, a name no
    /// indexed module defines as a class or function, or an unindexed module.
    pub fn resolve(&self, module: &str, name: &str, settings: &Settings) -> Option<Resolved> {
        // Depth-first over (module, name, modules passed): a star import offers one
        // more way on per starred module.
        let mut stack = vec![(module.to_string(), name.to_string(), Vec::new())];
        let mut seen = HashSet::new();
        while let Some((module, name, via)) = stack.pop() {
            if via.len() > MAX_HOPS || !seen.insert((module.clone(), name.clone())) {
                continue;
            }
            let Some(record) = self.modules.get(&module) else {
                continue;
            };
            if let Some(&is_class) = record.defined.get(&name) {
                return Some(Resolved {
                    module,
                    name,
                    is_class,
                    via,
                });
            }
            let mut next_via = via.clone();
            next_via.push(module.clone());
            if let Some(target) = record.bindings.get(&name) {
                if self.is_module(target, settings) {
                    continue;
                }
                if let Some((m, n)) = target.rsplit_once('.') {
                    stack.push((m.to_string(), n.to_string(), next_via));
                }
                continue;
            }
            if name.starts_with('_') {
                continue;
            }
            for star in record.stars.iter().rev() {
                stack.push((star.clone(), name.clone(), next_via.clone()));
            }
        }
        None
    }
}

/// Read and index one file; `Ok(None)` when it has no module name.
fn read_record(path: &Path, settings: &Settings) -> Result<Option<ModuleRecord>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if let Some(warning) = settings.too_big(meta.len()) {
        return Err(format!("{shown}: {warning}"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let text = decode(bytes).map_err(|e| format!("{shown}: {e}"))?;
    let absolute = normalize(path);
    let Some(module) = python::modules::module_of(&absolute, &settings.src) else {
        return Ok(None);
    };
    Ok(Some(record(&text, &module, absolute)))
}

/// The index entry of one module's text.
pub fn record(text: &str, module: &python::ModuleName, path: PathBuf) -> ModuleRecord {
    let facts = python::analyze(text, Some(module));
    let mut record = ModuleRecord {
        name: module.name.clone(),
        is_package: module.is_package,
        path,
        ..ModuleRecord::default()
    };
    for def in facts
        .definitions()
        .iter()
        .filter(|d| d.scope == Scope::Module)
    {
        record.defined.insert(
            def.name(text).to_string(),
            def.kind == DefinitionKind::Class,
        );
    }
    let noqa_lines = noqa_lines(text, &facts);
    let noqa_at = |offset: usize| {
        !noqa_lines.is_empty()
            && noqa_lines.contains(&memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count())
    };
    for import in &facts.imports {
        let module_level = import.context.scope == Scope::Module;
        match (import.kind, &import.module) {
            (ImportKind::From, Some(from)) => {
                let Some(resolved) = &from.resolved else {
                    continue;
                };
                if import.star.is_some() && module_level {
                    record.stars.push(resolved.to_string());
                    if noqa_at(import.range.start()) {
                        record.stars_noqa.push(resolved.to_string());
                    }
                }
                for imported in &import.names {
                    let local = imported.local_name(ImportKind::From);
                    if module_level {
                        record
                            .bindings
                            .insert(local.to_string(), format!("{resolved}.{}", imported.name));
                    }
                    let noqa =
                        noqa_at(imported.name_range.start()) || noqa_at(import.range.start());
                    record.uses.push(Use {
                        module: resolved.to_string(),
                        name: imported.name.to_string(),
                        aliased: local != imported.name,
                        module_level,
                        noqa,
                    });
                }
            }
            (ImportKind::Import, _) if module_level => {
                for imported in &import.names {
                    // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
                    let target = match &imported.alias {
                        Some(_) => imported.name.to_string(),
                        None => imported.local_name(ImportKind::Import).to_string(),
                    };
                    record
                        .bindings
                        .insert(imported.local_name(ImportKind::Import).to_string(), target);
                }
            }
            _ => {}
        }
    }
    // `Old = New` / `X = mod.X` at module level: an alias through an assignment.
    for assignment in &facts.defs.module_assignments {
        let Some(name) = text.get(assignment.name.range()) else {
            continue;
        };
        let Some(value) = text
            .get(assignment.statement.range())
            .and_then(assigned_name)
        else {
            continue;
        };
        let (root, rest) = value.split_once('.').unwrap_or((value, ""));
        let base = match record.bindings.get(root) {
            Some(target) => target.clone(),
            None if record.defined.contains_key(root) => format!("{}.{root}", record.name),
            None => continue,
        };
        let target = if rest.is_empty() {
            base
        } else {
            format!("{base}.{rest}")
        };
        if target != format!("{}.{name}", record.name) {
            record.bindings.insert(name.to_string(), target);
        }
    }
    record
}

/// Lines (0-based) holding a `# noqa` that covers SSOT001.
fn noqa_lines(text: &str, facts: &python::Facts) -> HashSet<usize> {
    facts
        .comments
        .iter()
        .filter(|c| c.noqa.as_ref().is_some_and(|d| d.covers("SSOT001")))
        .map(|c| memchr::memchr_iter(b'\n', &text.as_bytes()[..c.range.start]).count())
        .collect()
}

/// The value of `name = a.b.c` (also `name: T = a.b.c`) when it is a dotted name.
fn assigned_name(statement: &str) -> Option<&str> {
    if statement.contains('\n') {
        return None;
    }
    let (targets, value) = statement.rsplit_once('=')?;
    // Every part before the value is a target (`a = b = c`, `x: T = v`); this rules out
    // comparisons (`x = a == b`).
    let targets_ok = targets.split('=').all(|t| {
        let name = t.split(':').next().unwrap_or(t).trim();
        python::modules::is_identifier(name)
    });
    if !targets_ok {
        return None;
    }
    let value = value.trim();
    let dotted = !value.is_empty()
        && value
            .split('.')
            .all(|part| python::modules::is_identifier(part.trim_end()));
    dotted.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_dotted_values_are_aliases() {
        assert_eq!(assigned_name("Old = New"), Some("New"));
        assert_eq!(assigned_name("X: type = mod.X"), Some("mod.X"));
        assert_eq!(assigned_name("X = mod.X()"), None);
        assert_eq!(assigned_name("X = a == b"), None);
        assert_eq!(assigned_name("X = a != b"), None);
        assert_eq!(assigned_name("A = B = mod.X"), Some("mod.X"));
        assert_eq!(assigned_name("X = 'a.b'"), None);
        assert_eq!(assigned_name("X = (\n  mod.X\n)"), None);
    }

    #[test]
    fn a_record_holds_definitions_bindings_stars_and_uses() {
        let module = python::ModuleName {
            name: "app.shim".to_string(),
            is_package: false,
        };
        let text = "from .core import Engine as E, Other  # noqa: SSOT001\nfrom app.star import *  # noqa\nimport app.mod as m\nclass Local: ...\nAlias = m.Thing\nAgain = Local\n\ndef f():\n    from app.late import Late\n";
        let r = record(text, &module, PathBuf::from("app/shim.py"));
        assert_eq!(
            r.defined,
            HashMap::from([("Local".to_string(), true), ("f".to_string(), false)])
        );
        let mut bindings: Vec<_> = r.bindings.into_iter().collect();
        bindings.sort();
        assert_eq!(
            bindings,
            [
                ("Again", "app.shim.Local"),
                ("Alias", "app.mod.Thing"),
                ("E", "app.core.Engine"),
                ("Other", "app.core.Other"),
                ("m", "app.mod"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(r.stars, ["app.star"]);
        assert_eq!(r.stars_noqa, ["app.star"]);
        let uses: Vec<_> = r
            .uses
            .iter()
            .map(|u| {
                (
                    u.module.as_str(),
                    u.name.as_str(),
                    u.aliased,
                    u.module_level,
                )
            })
            .collect();
        assert_eq!(
            uses,
            [
                ("app.core", "Engine", true, true),
                ("app.core", "Other", false, true),
                ("app.late", "Late", false, false),
            ]
        );
    }
}
