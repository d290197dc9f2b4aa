//! Import rules: SSOT001 fragmented-import, SSOT002 aliased-import, SSOT003
//! legacy-module-import, SSOT005 unresolved-first-party-import (SSOT004, the same
//! paths in strings, is `path_strings.rs`).
//!
//! One finding per imported name: SSOT001 wins over SSOT002 and SSOT003.

use crate::config::CanonicalSymbol;
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix, Rename};
use crate::python::modules::moved;
use crate::python::{Import, ImportKind, ImportedName};
use crate::rules::canonical::{is_fragmented, is_missing_module};
use crate::rules::context::FileContext;
use crate::rules::registry::{BodyReads, FixAvailability, Needle, Rule, RuleSpec, Severity};

/// Every SSOT001–004 finding names a canonical or legacy name, or (star imports,
/// strings) the path of a legacy module, which contains its last segment.
pub const IMPORT_NEEDLES: &[Needle] = &[
    Needle::CanonicalNames,
    Needle::LegacyNames,
    Needle::LegacyModuleTails,
];

pub const SSOT001: RuleSpec = RuleSpec {
    code: "SSOT001",
    name: "fragmented-import",
    severity: Severity::Warning,
    summary: "A canonical symbol imported from a module other than its canonical one",
    fix: FixAvailability::Sometimes,
    needles: Some(IMPORT_NEEDLES),
    // Imports at any depth, and `typing.Mapping` in a body (an attribute of a module;
    // `canonical_for_name` knows legacy names too).
    body: Some(BodyReads {
        imports: true,
        attributes: &[Needle::CanonicalNames, Needle::LegacyNames],
        ..BodyReads::NOTHING
    }),
    doc: "\
## What it does
Flags a canonical symbol (a `[canonical]` entry) imported from a module other than its
canonical one: a listed legacy module, a module listed under `[legacy-modules]`, a parent
package that re-exports it from its `__init__`, or a first-party re-export shim (a module
that imports the symbol, or assigns it at module level: `Engine = _engine.Engine`,
`Engine = _E`; shims of shims are followed, a cycle of shims re-exports nothing). Any
import form counts, relative imports included, wherever the import stands (module level,
functions, `if TYPE_CHECKING:`, `try` blocks), and a renamed symbol imported under a
`legacy-names` name counts too, and so does a symbol reached as an attribute of a module
bound by `import` (`import typing` … `typing.Mapping`).

Two more cases name the canonical symbol without reaching it:
- the module defines its own class or function of that name (a competing definition,
  SSOT301 in that module): its importers hold another object;
- the first-party module does not exist (a deleted shim still imported). When every name
  of the statement is reported so, SSOT005 does not report the statement besides.

## Why is this bad?
A class importable from five paths has five places that can drift: shims get edited,
monkeypatches miss the real class, and readers cannot tell which module owns it. Code that
imports a competing class works with a second source of truth; code that imports from a
deleted module fails in the one path tests did not cover.

## Example
```python
from app.agents.execution_engine import UserExecutionEngine
```
Use instead:
```python
from app.agents.supervisor.user_execution_engine import UserExecutionEngine
```
A shim by assignment, a competing class and a deleted module:
```python
# app/agents/shim.py
from app.agents.supervisor import user_execution_engine as _engine
UserExecutionEngine = _engine.UserExecutionEngine

# app/registry.py
class UserExecutionEngine: ...

# app/service.py
from app.agents.shim import UserExecutionEngine   # SSOT001, safe fix
from app.registry import UserExecutionEngine      # SSOT001: competing, no fix
from app.agents.deleted import UserExecutionEngine  # SSOT001: no such module, unsafe fix
```

## Fix
Safe: rewrite the import to the canonical module (splitting a `from` list when other
names stay behind). None for a module that defines a competing object (the canonical one
is another object; merge the definitions first). Unsafe for a module that does not exist:
the import stops failing, so an `except ImportError` fallback stops running.
",
};

pub const SSOT002: RuleSpec = RuleSpec {
    code: "SSOT002",
    name: "aliased-import",
    severity: Severity::Warning,
    summary: "A canonical symbol bound under another local name",
    fix: FixAvailability::Unsafe,
    needles: Some(IMPORT_NEEDLES),
    body: Some(BodyReads::IMPORTS),
    doc: "\
## What it does
Flags a canonical symbol bound under another local name (`from m import X as Y`) when
its entry has `allow-alias = false` (the default).

## Why is this bad?
Aliases hide the canonical name from searches and reviews: `grep UserExecutionEngine`
no longer finds every use.

## Example
```python
from app.engine import UserExecutionEngine as Engine
```
Use instead:
```python
from app.engine import UserExecutionEngine
```

## Fix
Unsafe: drop the alias and rename the file's references to the canonical name.
",
};

pub const SSOT003: RuleSpec = RuleSpec {
    code: "SSOT003",
    name: "legacy-module-import",
    severity: Severity::Warning,
    summary: "An import of a module that moved",
    fix: FixAvailability::Sometimes,
    needles: Some(IMPORT_NEEDLES),
    body: Some(BodyReads::IMPORTS),
    doc: "\
## What it does
Flags imports of a module listed under `[legacy-modules]` (it moved): `import old.mod`,
`from old import mod`, `from old.mod import anything`, submodules included.

## Why is this bad?
Compatibility modules keep old paths alive forever; every new import makes them harder
to delete.

## Example
```python
# [legacy-modules] \"app.old_utils\" = \"app.utils.text\"
from app.old_utils import slugify
```
Use instead:
```python
from app.utils.text import slugify
```

## Fix
Safe: rewrite the module path (when the new module exports the name).
",
};

pub const SSOT005: RuleSpec = RuleSpec {
    code: "SSOT005",
    name: "unresolved-first-party-import",
    severity: Severity::Warning,
    summary: "An import of a first-party module that no file provides",
    fix: FixAvailability::None,
    needles: Some(&[
        Needle::FirstPartyPackages,
        Needle::Text("from ."),
        Needle::Text("from\t."),
    ]),
    body: Some(BodyReads::IMPORTS),
    doc: "\
## What it does
Flags an import of a first-party module (one under `project.first-party`, by default the
top-level packages found under `project.src`) that no file in the project provides:
neither `mod.py`, `mod.pyi`, `mod/__init__.py`, a namespace directory nor a compiled
extension. Imports guarded by `try: … except ImportError` are flagged too, and the message
says \"guarded\": a first-party module does not come and go with the environment, so the
fallback always runs. A statement whose every name is a canonical symbol is reported by
SSOT001 instead (which offers the canonical import).

## Why is this bad?
It is usually a deleted shim that something still imports: the code fails at import time
in the one path that tests did not cover, or, guarded, silently runs its fallback (a test
that skips itself for months).

## Example
```python
from app.agents.execution_engine_consolidated import run_engine  # file deleted
try:
    from app.deleted import helper  # SSOT005 (guarded)
except ImportError:
    helper = None
```

## Fix
None: point the import at the module that now provides the name.
",
};

/// Run the import rules over every import statement.
pub fn check(ctx: &FileContext, out: &mut Vec<Diagnostic>) {
    let settings = ctx.settings;
    let import_rules = [
        Rule::FragmentedImport,
        Rule::AliasedImport,
        Rule::LegacyModuleImport,
    ];
    let wants_imports = import_rules.iter().any(|&r| ctx.is_enabled(r))
        && (!settings.canonical.is_empty() || !settings.legacy_modules.is_empty());
    for import in &ctx.facts.imports {
        let all_missing = wants_imports && check_import(ctx, import, out);
        if ctx.is_enabled(Rule::UnresolvedFirstPartyImport) && !all_missing {
            unresolved(ctx, import, out);
        }
    }
    if ctx.is_enabled(Rule::FragmentedImport) && !settings.canonical.is_empty() {
        attribute_access(ctx, out);
    }
}

/// SSOT001 for `import typing` … `typing.Mapping`: a canonical symbol reached as an
/// attribute of a module bound by `import M` / `import a.b as M` elsewhere in the file.
fn attribute_access(ctx: &FileContext, out: &mut Vec<Diagnostic>) {
    let mut modules: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for import in ctx
        .facts
        .imports
        .iter()
        .filter(|i| i.kind == ImportKind::Import)
    {
        for name in &import.names {
            let module = match &name.alias {
                Some(_) => name.name.as_str(),
                None => name.name.split('.').next().unwrap_or(&name.name),
            };
            modules.insert(name.local_name(ImportKind::Import), module);
        }
    }
    if modules.is_empty() {
        return;
    }
    for reference in &ctx.facts.attributes {
        let Some(module) = modules.get(ctx.text(reference.object.range())) else {
            continue;
        };
        let attribute = ctx.text(reference.attribute.range());
        let Some(symbol) = ctx
            .settings
            .canonical_for_name(attribute)
            .find(|symbol| is_fragmented(ctx, module, attribute, symbol))
        else {
            continue;
        };
        out.push(Diagnostic::new(
            Rule::FragmentedImport,
            format!(
                "`{attribute}` used through module `{module}`; its canonical module is `{}`",
                symbol.module
            ),
            reference.object.start()..reference.attribute.end(),
        ));
    }
}

/// Check one statement; true when it is a `from` import of a missing module whose
/// every name got an unsuppressed SSOT001 (then SSOT005 would say nothing new).
fn check_import(ctx: &FileContext, import: &Import, out: &mut Vec<Diagnostic>) -> bool {
    match import.kind {
        ImportKind::Import => {
            for name in &import.names {
                if let Some(d) = legacy_module_plain(ctx, name) {
                    let fix = crate::rules::import_fix::plain_import_fix(ctx, name);
                    out.push(d.with_parent(import.range.start()).with_fix(fix));
                }
            }
            false
        }
        ImportKind::From => {
            let Some(module) = import.module.as_ref().and_then(|m| m.resolved.as_deref()) else {
                return false;
            };
            let level = import.module.as_ref().map_or(0, |m| m.level);
            let missing = import.star.is_none()
                && import
                    .names
                    .iter()
                    .any(|n| ctx.settings.canonical_for_name(&n.name).next().is_some())
                && is_missing_module(ctx, level, module);
            let mut found = Vec::new();
            for (i, name) in import.names.iter().enumerate() {
                let d = fragmented(ctx, module, name, missing).or_else(|| {
                    aliased(ctx, import, module, name)
                        .or_else(|| legacy_module_from(ctx, module, name))
                        .map(|d| (Source::Other, d))
                });
                if let Some((source, d)) = d {
                    found.push((i, (source, d.with_parent(import.range.start()))));
                }
            }
            let reported = |d: &(Source, Diagnostic)| {
                !ctx.is_suppressed(d.1.rule, d.1.range.start, d.1.parent)
            };
            let movable: Vec<usize> = found
                .iter()
                .filter(|(_, d)| {
                    matches!(d.1.rule, Rule::FragmentedImport | Rule::LegacyModuleImport)
                        && d.0 != Source::Competing
                        && reported(d)
                })
                .map(|(i, _)| *i)
                .collect();
            let all_missing = missing
                && !import.names.is_empty()
                && found.len() == import.names.len()
                && found
                    .iter()
                    .all(|(_, d)| d.0 == Source::MissingModule && reported(d));
            let fix = if movable.is_empty() {
                None
            } else {
                crate::rules::import_fix::statement_fix(ctx, import, module, &movable).map(
                    |mut fix| {
                        // The import stops failing: behaviour changes.
                        if found.iter().any(|(_, d)| d.0 == Source::MissingModule) {
                            fix.applicability = Applicability::Unsafe;
                        }
                        fix
                    },
                )
            };
            for (i, (_, d)) in found {
                if movable.contains(&i) {
                    out.push(d.with_fix(fix.clone()));
                } else {
                    out.push(d);
                }
            }
            if let Some(star) = &import.star {
                if let Some(d) = star_import(ctx, module, star.range()) {
                    out.push(d.with_parent(import.range.start()));
                }
            }
            all_missing
        }
    }
}

/// Why a name's import is not canonical, which decides its fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Legacy module, re-export shim, package `__init__`: safe fix.
    Shim,
    /// The module defines its own class or function of that name: no fix (another object).
    Competing,
    /// The module does not exist: unsafe fix (the import stops failing).
    MissingModule,
    /// Not SSOT001 (SSOT002, SSOT003).
    Other,
}

/// In SSOT001 messages of an import from a module that defines a competing object;
/// the report classifies by it.
pub const COMPETING_MARK: &str = "which defines a competing";
/// In SSOT001 messages of an import from a module that does not exist.
pub const MISSING_MARK: &str = "which does not exist";

/// SSOT001: `from <not canonical> import X` for a canonical `X` (or a legacy name):
/// through a shim, from a module defining a competing `X`, or from a `missing` module.
fn fragmented(
    ctx: &FileContext,
    module: &str,
    name: &ImportedName,
    missing: bool,
) -> Option<(Source, Diagnostic)> {
    if !ctx.is_enabled(Rule::FragmentedImport) {
        return None;
    }
    let candidates = || ctx.settings.canonical_for_name(&name.name);
    let Some(symbol) = candidates().find(|symbol| is_fragmented(ctx, module, &name.name, symbol))
    else {
        // Another canonical symbol of the same name is imported from its own module.
        if candidates().any(|s| s.module == module) {
            return None;
        }
        let symbol = candidates().next()?;
        let source = if missing {
            Source::MissingModule
        } else if competes(ctx, module, &name.name, symbol) {
            Source::Competing
        } else {
            return None;
        };
        let what = match source {
            Source::Competing => format!("{COMPETING_MARK} `{}`", name.name),
            _ => MISSING_MARK.to_string(),
        };
        let message = format!(
            "`{}` imported from `{module}`, {what}; the canonical `{}` lives in `{}`",
            name.name, symbol.name, symbol.module
        );
        return Some((
            source,
            Diagnostic::new(Rule::FragmentedImport, message, name.name_range.range()),
        ));
    };
    let renamed = name.name != symbol.name;
    let message = if renamed {
        format!(
            "`{}` imported from `{module}`; it is now `{}` in its canonical module `{}`",
            name.name, symbol.name, symbol.module
        )
    } else {
        format!(
            "`{}` imported from `{module}`; its canonical module is `{}`",
            name.name, symbol.module
        )
    };
    Some((
        Source::Shim,
        Diagnostic::new(Rule::FragmentedImport, message, name.name_range.range()),
    ))
}

/// Does the first-party `module` define its own module-level class or function `name`,
/// another object than `symbol`? Not when the canonical module takes the symbol from
/// there (`from module import *`, or a chain of imports ending there).
fn competes(ctx: &FileContext, module: &str, name: &str, symbol: &CanonicalSymbol) -> bool {
    let modules = &ctx.settings.modules;
    modules.is_first_party(module)
        && modules.defined_names(module).contains_key(name)
        && modules.defining_name(&symbol.qualified) != format!("{module}.{name}")
        && !modules
            .star_imports(&symbol.module)
            .iter()
            .any(|m| m == module)
}

/// SSOT002: `from <canonical> import X as Y`.
fn aliased(
    ctx: &FileContext,
    import: &Import,
    module: &str,
    name: &ImportedName,
) -> Option<Diagnostic> {
    if !ctx.is_enabled(Rule::AliasedImport) {
        return None;
    }
    let (alias, _) = name.alias.as_ref()?;
    let symbol = ctx
        .settings
        .canonical_for_name(&name.name)
        .find(|s| s.module == module && s.name == name.name && !s.allow_alias)?;
    if alias == symbol.name {
        return None;
    }
    let fix = Fix::new(
        Applicability::Unsafe,
        format!(
            "Drop the alias `{alias}` and rename its references to `{}`",
            symbol.name
        ),
        vec![Edit {
            range: name.range.range(),
            content: symbol.name.clone(),
        }],
    )
    .with_rename(Rename {
        statement: import.range.start(),
        from: alias.to_string(),
        to: symbol.name.clone(),
    });
    Some(
        Diagnostic::new(
            Rule::AliasedImport,
            format!(
                "`{}` imported as `{alias}`; use the canonical name `{}`",
                symbol.name, symbol.name
            ),
            name.range.range(),
        )
        .with_fix(Some(fix)),
    )
}

/// SSOT003 for `from old.mod import x` and `from old import mod`.
fn legacy_module_from(ctx: &FileContext, module: &str, name: &ImportedName) -> Option<Diagnostic> {
    if !ctx.is_enabled(Rule::LegacyModuleImport) {
        return None;
    }
    if let Some((old, new)) = ctx.settings.legacy_module_for(module) {
        return Some(Diagnostic::new(
            Rule::LegacyModuleImport,
            format!(
                "`{}` imported from legacy module `{module}`; use `{}`",
                name.name,
                moved(module, old, new)
            ),
            name.name_range.range(),
        ));
    }
    let submodule = format!("{module}.{}", name.name);
    let (old, new) = ctx.settings.legacy_module_for(&submodule)?;
    Some(Diagnostic::new(
        Rule::LegacyModuleImport,
        format!(
            "legacy module `{submodule}` imported; use `{}`",
            moved(&submodule, old, new)
        ),
        name.name_range.range(),
    ))
}

/// SSOT003 for `import old.mod` (reported on the dotted name).
fn legacy_module_plain(ctx: &FileContext, name: &ImportedName) -> Option<Diagnostic> {
    if !ctx.is_enabled(Rule::LegacyModuleImport) {
        return None;
    }
    let (old, new) = ctx.settings.legacy_module_for(&name.name)?;
    Some(Diagnostic::new(
        Rule::LegacyModuleImport,
        format!(
            "legacy module `{}` imported; use `{}`",
            name.name,
            moved(&name.name, old, new)
        ),
        name.name_range.range(),
    ))
}

/// `from legacy import *`: SSOT001 when it may bind canonical symbols, else SSOT003.
fn star_import(
    ctx: &FileContext,
    module: &str,
    star: std::ops::Range<usize>,
) -> Option<Diagnostic> {
    let symbols: Vec<&CanonicalSymbol> = ctx
        .settings
        .canonical
        .iter()
        .filter(|s| s.legacy_modules.iter().any(|m| m == module))
        .collect();
    if !symbols.is_empty() && ctx.is_enabled(Rule::FragmentedImport) {
        let names: Vec<String> = symbols.iter().map(|s| format!("`{}`", s.name)).collect();
        return Some(Diagnostic::new(
            Rule::FragmentedImport,
            format!(
                "star import from legacy module `{module}` binds {}; import from the canonical module `{}`",
                names.join(", "),
                symbols[0].module
            ),
            star,
        ));
    }
    if !ctx.is_enabled(Rule::LegacyModuleImport) {
        return None;
    }
    let (old, new) = ctx.settings.legacy_module_for(module)?;
    Some(Diagnostic::new(
        Rule::LegacyModuleImport,
        format!(
            "star import from legacy module `{module}`; use `{}`",
            moved(module, old, new)
        ),
        star,
    ))
}

/// SSOT005: a first-party module that no file provides, guarded or not: a first-party
/// module does not come and go with the environment, so an `except ImportError`
/// fallback just always runs.
fn unresolved(ctx: &FileContext, import: &Import, out: &mut Vec<Diagnostic>) {
    let guarded = if import.context.guarded {
        " (guarded: its `except ImportError` fallback always runs)"
    } else {
        ""
    };
    let mut flag = |module: &str, level: usize, range: std::ops::Range<usize>| {
        if is_missing_module(ctx, level, module) {
            out.push(
                Diagnostic::new(
                    Rule::UnresolvedFirstPartyImport,
                    format!(
                        "first-party module `{module}` is imported but no file provides it{guarded}"
                    ),
                    range,
                )
                .with_parent(import.range.start()),
            );
        }
    };
    match import.kind {
        ImportKind::Import => {
            for name in &import.names {
                flag(&name.name, 0, name.name_range.range());
            }
        }
        ImportKind::From => {
            let Some(module) = &import.module else { return };
            let Some(resolved) = &module.resolved else {
                return;
            };
            flag(resolved, module.level, module.range.range());
        }
    }
}
