//! SSOT004 legacy-path-string: a string literal that names a legacy import path as a
//! whole (`"old.mod.Engine"` in `mock.patch`, `import_module`, settings).

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::python::StringLiteral;
use crate::rules::context::FileContext;
use crate::rules::imports::IMPORT_NEEDLES;
use crate::rules::registry::{BodyReads, FixAvailability, Needle, Rule, RuleSpec, Severity};

pub const SSOT004: RuleSpec = RuleSpec {
    code: "SSOT004",
    name: "legacy-path-string",
    severity: Severity::Warning,
    summary: "A string literal naming a legacy import path",
    fix: FixAvailability::Unsafe,
    needles: Some(IMPORT_NEEDLES),
    // A literal that names a legacy path as a whole starts with its full dotted path.
    body: Some(BodyReads {
        strings: &[Needle::LegacyModulePaths],
        ..BodyReads::NOTHING
    }),
    doc: "\
## What it does
Flags a string literal that names a legacy path as a whole: `mock.patch(\"old.mod.X\")`,
`importlib.import_module(\"old.mod\")`, `__import__(\"old.mod\")`. Docstrings, f-strings
and strings that are not dotted paths are never flagged; a string of one name (`\"imp\"`)
only as the first argument of `import_module`, `__import__` or a `patch` call.

## Why is this bad?
A patch of the legacy path patches the shim, not the class the code really uses, so the
test passes while the patch does nothing; string paths also survive refactors unseen.

## Example
```python
with mock.patch(\"app.agents.execution_engine.UserExecutionEngine\"):
```
Use instead:
```python
with mock.patch(\"app.agents.supervisor.user_execution_engine.UserExecutionEngine\"):
```

## Fix
Unsafe: rewrite the string, keeping its quotes and prefix. Unlike an import, a string
changes what the program does when rewritten: another object is patched, another module
imported, and a string in a table may be compared or printed rather than imported. Apply
it with `--unsafe-fixes` after reading the diff.
",
};

/// Check every path-like string literal.
pub fn check(ctx: &FileContext, out: &mut Vec<Diagnostic>) {
    let settings = ctx.settings;
    if ctx.is_enabled(Rule::LegacyPathString)
        && (!settings.canonical.is_empty() || !settings.legacy_modules.is_empty())
    {
        for string in &ctx.facts.strings {
            legacy_path_string(ctx, string, out);
        }
    }
}

/// SSOT004: a string that names a legacy path as a whole.
fn legacy_path_string(ctx: &FileContext, string: &StringLiteral, out: &mut Vec<Diagnostic>) {
    // One name (`"imp"`) is a module path only where a module is imported or patched;
    // elsewhere it is a dictionary key, a message, anything.
    let value = string.value(ctx.source.text());
    if !value.contains('.') && !string.import_argument {
        return;
    }
    let Some(replacement) = legacy_path_replacement(ctx, value) else {
        return;
    };
    out.push(
        Diagnostic::new(
            Rule::LegacyPathString,
            format!("string names legacy path `{value}`; use `{replacement}`"),
            string.range.range(),
        )
        .with_fix(Some(Fix::new(
            Applicability::Unsafe,
            format!("Rewrite to `{replacement}`"),
            vec![Edit {
                range: string.content_range.range(),
                content: replacement.clone(),
            }],
        ))),
    );
}

/// The canonical spelling of a legacy dotted path, if it is one.
pub fn legacy_path_replacement(ctx: &FileContext, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('.').collect();
    // `legacy.mod.Name[.attr…]` for a canonical symbol.
    for i in 1..parts.len() {
        for symbol in ctx.settings.canonical_for_name(parts[i]) {
            let module = parts[..i].join(".");
            if symbol.legacy_modules.contains(&module) {
                let rest = parts[i + 1..]
                    .iter()
                    .map(|p| format!(".{p}"))
                    .collect::<String>();
                return Some(format!("{}{rest}", symbol.qualified));
            }
        }
    }
    let (old, new) = ctx.settings.legacy_module_for(path)?;
    Some(format!("{new}{}", &path[old.len()..]))
}
