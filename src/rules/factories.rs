//! Factory rules: SSOT201 factory-bypass, SSOT202 factory-contract. Also the config
//! warning for a configured factory class that the project does not define.

use crate::config::{FactorySettings, Settings};
use crate::diagnostic::Diagnostic;
use crate::python::Scope;
use crate::rules::classes::Resolver;
use crate::rules::context::FileContext;
use crate::rules::registry::{BodyReads, FixAvailability, Needle, Rule, RuleSpec, Severity};

pub const SSOT201: RuleSpec = RuleSpec {
    code: "SSOT201",
    name: "factory-bypass",
    severity: Severity::Warning,
    summary: "Direct construction of a class that a factory builds",
    fix: FixAvailability::None,
    needles: None,
    // Reads calls anywhere: the short names of the classes factories build, called (an
    // alias of an import is found by the reducer).
    body: Some(BodyReads {
        imports: true,
        calls: &[Needle::FactoryBuildTails],
        ..BodyReads::NOTHING
    }),
    doc: "\
## What it does
Flags a direct construction of a class that a configured factory `builds`, in a file
outside the factory's `allowed-in` globs (relative to the config file). The factory's
own module may always construct it. The constructed name is resolved through the file's
imports, so aliases and module attributes (`engines.UserExecutionEngine(...)`) count. The
name as written must be the class's own or an alias the file binds to it: a class
another module re-exports under a different name (`from .engine import
UserExecutionEngine as Engine`) is not followed when called by that name.

## Why is this bad?
The factory is where per-user isolation, wiring and cleanup happen; a direct
construction skips them.

## Example
```toml
[factories.\"app.factory.AgentInstanceFactory\"]
builds = [\"app.engine.UserExecutionEngine\"]
methods = [\"create_instance\"]
allowed-in = [\"tests/**\"]
```
```python
engine = UserExecutionEngine(user)   # SSOT201: use AgentInstanceFactory.create_instance()
```
",
};

pub const SSOT202: RuleSpec = RuleSpec {
    code: "SSOT202",
    name: "factory-contract",
    severity: Severity::Warning,
    summary: "A configured factory class lacks a required method",
    fix: FixAvailability::None,
    needles: None,
    // Reads the method names of a module-level factory class: its `class` line names it.
    body: Some(BodyReads {
        headers: &[Needle::FactoryClassTails],
        ..BodyReads::NOTHING
    }),
    doc: "\
## What it does
Flags a configured factory class, defined in the project, that lacks one of its
configured `methods`. Reported on the class name. A factory class that the project does
not define gives a configuration warning, not a finding.

## Why is this bad?
Callers are told to use the factory method; when it is missing they construct directly.

## Example
```toml
[factories.\"app.factory.AgentInstanceFactory\"]
methods = [\"create_instance\"]
```
```python
class AgentInstanceFactory:     # SSOT202: no `create_instance`
    def build(self): ...
```
",
};

pub fn check(ctx: &FileContext, out: &mut Vec<Diagnostic>) {
    let factories = &ctx.settings.factories;
    if factories.is_empty() {
        return;
    }
    if ctx.is_enabled(Rule::FactoryBypass) && !ctx.facts.defs.calls.is_empty() {
        bypass(ctx, factories, out);
    }
    if ctx.is_enabled(Rule::FactoryContract) {
        for factory in factories {
            contract(ctx, factory, out);
        }
    }
}

fn split(qualified: &str) -> (&str, &str) {
    qualified.rsplit_once('.').unwrap_or(("", qualified))
}

fn bypass(ctx: &FileContext, factories: &[FactorySettings], out: &mut Vec<Diagnostic>) {
    let rel = ctx.settings.relative_path(ctx.path);
    let module = ctx.module.map(|m| m.name.as_str());
    let active: Vec<&FactorySettings> = factories
        .iter()
        .filter(|f| !f.builds.is_empty())
        .filter(|f| Some(split(&f.class).0) != module && !f.allowed_in.is_match(&rel))
        .collect();
    if active.is_empty() {
        return;
    }
    let tails: Vec<&str> = active
        .iter()
        .flat_map(|f| f.builds.iter().map(|b| split(b).1))
        .collect();
    let aliases = tail_aliases(ctx, &tails);
    let resolver = Resolver::new(ctx);
    for call in &ctx.facts.defs.calls {
        let Some(callee) = &call.callee else { continue };
        let text = resolver.dotted(callee);
        let short = text.rsplit('.').next().unwrap_or(&text);
        let root = text.split('.').next().unwrap_or(&text);
        // Only what the reducer keeps is resolved: the written name or an alias of it
        // (a class re-exported under another name is not followed).
        if !tails.contains(&short) && !aliases.contains(&root) {
            continue;
        }
        let qualified = resolver.resolve(&text).qualified;
        let Some(factory) = active.iter().find(|f| f.builds.contains(&qualified)) else {
            continue;
        };
        let factory_name = split(&factory.class).1;
        let use_instead = match factory.methods.first() {
            Some(method) => format!("`{factory_name}.{method}()`"),
            None => format!("factory `{}`", factory.class),
        };
        out.push(Diagnostic::new(
            Rule::FactoryBypass,
            format!(
                "factory bypass: `{qualified}` constructed directly (`{text}(...)`); use {use_instead}"
            ),
            callee.range(),
        ));
    }
}

/// The names the file's imports bind to `tails` (`from m import UserEngine as UE`), and
/// to those names in turn (`from n import UE as U2`): the reducer's alias needles.
fn tail_aliases<'a>(ctx: &'a FileContext, tails: &[&str]) -> Vec<&'a str> {
    let mut aliases: Vec<&str> = Vec::new();
    loop {
        let before = aliases.len();
        for import in &ctx.facts.imports {
            for name in &import.names {
                let Some((alias, _)) = &name.alias else {
                    continue;
                };
                let last = name.name.rsplit('.').next().unwrap_or(&name.name);
                let alias = alias.as_str();
                if (tails.contains(&last) || aliases.contains(&last)) && !aliases.contains(&alias) {
                    aliases.push(alias);
                }
            }
        }
        if aliases.len() == before {
            return aliases;
        }
    }
}

fn contract(ctx: &FileContext, factory: &FactorySettings, out: &mut Vec<Diagnostic>) {
    let (module, name) = split(&factory.class);
    if ctx.module.map(|m| m.name.as_str()) != Some(module) {
        return;
    }
    let defs = &ctx.facts.defs;
    let Some(class) = defs
        .classes
        .iter()
        .find(|c| c.scope == Scope::Module && ctx.text(c.name.range()) == name)
    else {
        return;
    };
    let missing: Vec<String> = factory
        .methods
        .iter()
        .filter(|m| {
            !class
                .methods
                .iter()
                .any(|&i| ctx.text(defs.functions[i].name.range()) == m.as_str())
        })
        .map(|m| format!("`{m}`"))
        .collect();
    if missing.is_empty() {
        return;
    }
    out.push(Diagnostic::new(
        Rule::FactoryContract,
        format!(
            "factory contract: `{}` lacks configured method{} {}",
            factory.class,
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        ),
        class.name.range(),
    ));
}

/// Configured factory classes that the project does not define: one warning each.
pub fn config_warnings(settings: &Settings) -> Vec<String> {
    let config = settings
        .config_path
        .as_ref()
        .map_or_else(|| "config".to_string(), |p| p.display().to_string());
    settings
        .factories
        .iter()
        .filter_map(|factory| {
            let (module, name) = split(&factory.class);
            let defined = settings.modules.locate(module).is_some()
                && settings.modules.defined_names(module).get(name) == Some(&true);
            (!defined).then(|| {
                format!(
                    "{config}: factory class `{}` is not defined in the project; SSOT202 skips it",
                    factory.class
                )
            })
        })
        .collect()
}
