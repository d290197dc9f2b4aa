//! What a module's top level binds, read from its facts: names bound by imports and by
//! assigning an imported name (`Engine = _engine.Engine`), star imports, module-level
//! definitions, and which top-level chunk defines a class. Functions of one module's
//! text and facts; the lookups across modules are [`super::ModuleIndex`]'s.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::prefilter::BodyNeedles;
use crate::python::{self, ImportKind};
use crate::reduce::Reducer;

/// Local name → what it was imported as (`pkg.mod.Name` or a module name).
pub type ImportedNames = HashMap<String, String>;

/// What a module's top level binds to other modules' names, read in one parse.
#[derive(Debug, Clone, Default)]
pub(super) struct Bindings {
    /// By its import statements.
    pub(super) imported: Arc<ImportedNames>,
    /// By assigning an imported name or an attribute of one (`Engine = _engine.Engine`),
    /// for names no import binds.
    pub(super) assigned: Arc<ImportedNames>,
    /// Modules it star-imports (`from m import *`).
    pub(super) stars: Arc<Vec<String>>,
}

/// Module-level classes and functions of a module: name → is it a class.
pub type DefinedNames = HashMap<String, bool>;

/// Does this top-level chunk define class `name` (`class name(`/`:`, decorators first)?
/// The name of the class a top-level chunk defines, as [`defines_class`] reads it: the
/// text between `class` and the first space, `(`, `:` or `[`, when one of `(:[` follows.
pub(super) fn class_name(chunk: &str) -> Option<&str> {
    if !(chunk.starts_with("class") || chunk.starts_with('@')) {
        return None;
    }
    let line = chunk
        .lines()
        .find(|l| ["class", "def", "async"].iter().any(|k| l.starts_with(k)))?;
    let rest = line.strip_prefix("class")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let end = rest.find(|c: char| c.is_whitespace() || "(:[".contains(c))?;
    let (name, after) = rest.split_at(end);
    (!name.is_empty() && after.trim_start().starts_with(['(', ':', '['])).then_some(name)
}

pub(super) fn defines_class(chunk: &str, name: &str) -> bool {
    if !(chunk.starts_with("class") || chunk.starts_with('@')) {
        return false;
    }
    // The definition is the first column-0 `class`/`def` line after the decorators.
    chunk
        .lines()
        .find(|l| ["class", "def", "async"].iter().any(|k| l.starts_with(k)))
        .and_then(|l| l.strip_prefix("class"))
        .filter(|l| l.starts_with([' ', '\t']))
        .map(str::trim_start)
        .and_then(|l| l.strip_prefix(name))
        .is_some_and(|l| l.trim_start().starts_with(['(', ':', '[']))
}

/// Names bound by the top-level `import`/`from` statements among `chunks`, as
/// [`ModuleIndex::imported_names`] records them.
pub(super) fn top_level_imports(chunks: &[&str], module: &str, is_package: bool) -> ImportedNames {
    let name = python::ModuleName {
        name: module.to_string(),
        is_package,
    };
    let mut names = ImportedNames::new();
    for chunk in chunks {
        if !(chunk.starts_with("from") || chunk.starts_with("import")) {
            continue;
        }
        bind_imports(&python::read_chunk(chunk, Some(&name)), &mut names);
    }
    names
}

/// The names module-level imports of `facts` bind, and what each stands for
/// (`from m import X as Y`: `Y` → `m.X`; `import a.b as c`: `c` → `a.b`).
pub(super) fn bind_imports(facts: &python::Facts, names: &mut ImportedNames) {
    for import in &facts.imports {
        if import.context.scope != python::Scope::Module {
            continue;
        }
        for imported in &import.names {
            let local = imported.local_name(import.kind).to_string();
            let target = match (import.kind, &import.module) {
                (ImportKind::From, Some(m)) => match &m.resolved {
                    Some(base) => format!("{base}.{}", imported.name),
                    None => continue,
                },
                _ if imported.alias.is_some() => imported.name.to_string(),
                _ => continue,
            };
            names.insert(local, target);
        }
    }
}

/// Module-level assignments of a dotted name whose root an import binds
/// (`Engine = _engine.Engine` after `from app.core import engine as _engine`, `Engine = _E`
/// after `… import Engine as _E`, `Engine = app.core.engine.Engine` after
/// `import app.core.engine`), for names no import binds: what each stands for.
pub(super) fn bind_assignments(
    facts: &python::Facts,
    text: &str,
    imported: &ImportedNames,
) -> ImportedNames {
    let plain_roots: HashSet<&str> = facts
        .imports
        .iter()
        .filter(|i| i.kind == ImportKind::Import && i.context.scope == python::Scope::Module)
        .flat_map(|i| &i.names)
        .filter(|n| n.alias.is_none())
        .filter_map(|n| n.name.split('.').next())
        .collect();
    let mut names = ImportedNames::new();
    for assignment in &facts.defs.module_assignments {
        let (Some(local), Some(value)) = (
            text.get(assignment.name.range()),
            assignment
                .dotted
                .and_then(|r| text.get(r.range()))
                .map(|v| v.split_whitespace().collect::<String>()),
        ) else {
            continue;
        };
        if imported.contains_key(local) {
            continue;
        }
        let (root, rest) = match value.split_once('.') {
            Some((root, rest)) => (root, Some(rest)),
            None => (value.as_str(), None),
        };
        let target = match (imported.get(root), rest) {
            (Some(base), Some(rest)) => format!("{base}.{rest}"),
            (Some(base), None) => base.clone(),
            (None, Some(_)) if plain_roots.contains(root) => value.clone(),
            _ => {
                // Rebinding a name to something unknown hides an earlier re-export.
                names.remove(local);
                continue;
            }
        };
        names.insert(local.to_string(), target);
    }
    names
}

/// The facts [`bindings_of`] reads of a module: those of its module-level statements.
/// A text the recognizer accepts has its class and function bodies blanked first, as the
/// check's reducer does (module-level statements all kept), so tree-sitter parses only
/// what lies outside them: a whole parse of every module a name was followed through was
/// a twentieth of a cold check of the stdlib (issue 11). Bodies bind nothing at module
/// level, so the bindings are those of the whole parse, which any other text gets.
///
/// `valid`: whether the recognizer accepts the text, when known; returned with the facts.
/// `known`: its verdicts on the chunks of a text it does not accept whole, when known.
pub(super) fn module_level_facts(
    text: &str,
    module: &python::ModuleName,
    valid: Option<bool>,
    known: Option<&python::ChunkVerdicts>,
) -> (python::Facts, bool) {
    let reducer = Reducer::new(&BodyNeedles {
        module_statements: true,
        ..BodyNeedles::default()
    });
    let reduced = |text: &str, tokens: &[python::scan::Token]| {
        reducer
            .reduce_tokens(text, tokens)
            .and_then(|r| python::analyze_included(&r.text, Some(module), &r.included, &r.chunks))
            .filter(|f| !f.has_syntax_errors())
            .unwrap_or_else(|| python::analyze(text, Some(module)))
    };
    if valid != Some(false) && known.is_none() {
        let tokens = python::scan::tokenize(text);
        if valid.unwrap_or_else(|| python::recognize::certainly_valid(text, &tokens)) {
            return (reduced(text, &tokens), true);
        }
    }
    // Chunk by chunk, as `python::analyze` parses: each chunk the recognizer accepts is
    // reduced, the others are parsed whole (a big file with one odd statement was parsed
    // whole on every read).
    let mut facts = python::Facts::default();
    for (range, tokens) in python::recognized_chunks(text, known) {
        let chunk = &text[range.clone()];
        let chunk_facts = match tokens {
            Some(tokens) => reduced(chunk, &tokens),
            None => python::analyze_chunk(chunk, Some(module)),
        };
        facts.append(chunk_facts, range.start);
    }
    (facts, false)
}

/// A module's module-level classes and functions, read from its text: off the scanner's
/// lines when the recognizer accepts it, else from a whole parse. `valid`: whether the
/// recognizer accepts the text, when known; returned with the names. `lent`: of a text it
/// does not accept whole, its verdicts on the chunks and what each unsure one defines,
/// when the CLI's check found them (`ModuleIndex::lend`).
pub(super) fn definitions_of(
    text: &str,
    valid: Option<bool>,
    lent: Option<(&python::ChunkVerdicts, &[DefinedNames])>,
) -> (DefinedNames, bool) {
    let read = |text: &str, tokens: &[python::scan::Token], names: &mut DefinedNames| {
        match python::valid_module_definitions(text, tokens) {
            Some(found) => names.extend(found.into_iter().map(|(n, c)| (n.to_string(), c))),
            None => names.extend(defined_of(&python::analyze(text, None), text)),
        }
    };
    let mut names = DefinedNames::new();
    if valid != Some(false) && lent.is_none() {
        let tokens = python::scan::tokenize(text);
        if valid.unwrap_or_else(|| python::recognize::certainly_valid(text, &tokens)) {
            read(text, &tokens, &mut names);
            return (names, true);
        }
    }
    // Chunk by chunk, as `python::analyze` parses: later definitions win, as in one map.
    if let Some((verdicts, defined)) = lent {
        // The verdicts are known: a chunk of plain shape is not even lexed.
        let mut unsure_defined = defined.iter();
        for (range, &unsure) in verdicts.chunks.iter().zip(&verdicts.unsure) {
            let chunk = &text[range.clone()];
            if unsure {
                if let Some(defined) = unsure_defined.next() {
                    names.extend(defined.clone());
                }
            } else if let Some(plain) = python::plain_chunk_definitions(chunk) {
                names.extend(plain.map(|(n, c)| (n.to_string(), c)));
            } else {
                read(chunk, &python::scan::tokenize(chunk), &mut names);
            }
        }
        return (names, false);
    }
    for (range, tokens) in python::recognized_chunks(text, None) {
        let chunk = &text[range];
        match tokens {
            Some(tokens) => read(chunk, &tokens, &mut names),
            None => names.extend(defined_of(&python::analyze_chunk(chunk, None), chunk)),
        }
    }
    (names, false)
}

/// What a module's top level binds, from its facts.
pub(super) fn bindings_of(facts: &python::Facts, text: &str) -> Bindings {
    let mut imported = ImportedNames::new();
    bind_imports(facts, &mut imported);
    let assigned = bind_assignments(facts, text, &imported);
    let stars = facts
        .imports
        .iter()
        .filter(|i| i.star.is_some() && i.context.scope == python::Scope::Module)
        .filter_map(|i| i.module.as_ref()?.resolved.as_ref().map(|r| r.to_string()))
        .collect();
    Bindings {
        imported: Arc::new(imported),
        assigned: Arc::new(assigned),
        stars: Arc::new(stars),
    }
}

/// A module's module-level classes and functions, from its facts.
pub fn defined_of(facts: &python::Facts, text: &str) -> DefinedNames {
    facts
        .definitions()
        .iter()
        .filter(|d| d.scope == python::Scope::Module)
        .map(|d| {
            (
                d.name(text).to_string(),
                d.kind == python::DefinitionKind::Class,
            )
        })
        .collect()
}
