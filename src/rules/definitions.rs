//! SSOT301 competing-definition: a module-level class or function named like a
//! canonical symbol (or one of its `legacy-names`) outside the symbol's canonical module.

use crate::diagnostic::Diagnostic;
use crate::python::{DefinitionKind, Scope};
use crate::rules::context::FileContext;
use crate::rules::registry::{BodyReads, FixAvailability, Rule, RuleSpec, Severity};

pub const SSOT301: RuleSpec = RuleSpec {
    code: "SSOT301",
    name: "competing-definition",
    severity: Severity::Warning,
    summary: "A definition that competes with a canonical symbol",
    fix: FixAvailability::None,
    needles: None,
    // Reads only module-level definitions.
    body: Some(BodyReads::NOTHING),
    doc: "\
## What it does
Flags a module-level class or function whose name is a canonical symbol's name (or one
of its `legacy-names`) in any module other than the symbol's canonical module.

## Why is this bad?
A second definition under the same name is a second source of truth: imports drift to
whichever one autocomplete offers, and fixes land in only one of them.

## Example
```toml
[canonical]
\"app.engine.UserExecutionEngine\" = { legacy-names = [\"ExecutionEngine\"] }
```
```python
# app/legacy/engine.py
class ExecutionEngine: ...   # SSOT301
```
Use instead: import the canonical class.
",
};

pub fn check(ctx: &FileContext, out: &mut Vec<Diagnostic>) {
    if ctx.settings.canonical.is_empty() || !ctx.is_enabled(Rule::CompetingDefinition) {
        return;
    }
    let module = ctx.module.map(|m| m.name.as_str());
    for def in ctx.facts.definitions() {
        if def.scope != Scope::Module {
            continue;
        }
        let name = ctx.text(def.name_range.range());
        let Some(symbol) = ctx
            .settings
            .canonical_for_name(name)
            .find(|s| Some(s.module.as_str()) != module)
        else {
            continue;
        };
        let kind = match def.kind {
            DefinitionKind::Class => "class",
            DefinitionKind::Function => "function",
        };
        let how = if name == symbol.name {
            String::new()
        } else {
            " (a legacy name)".to_string()
        };
        out.push(Diagnostic::new(
            Rule::CompetingDefinition,
            format!(
                "competing definition: {kind} `{}`{how} competes with canonical `{}`; import it from `{}`",
                name, symbol.qualified, symbol.module
            ),
            def.name_range.range(),
        ));
    }
}
