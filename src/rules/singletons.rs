//! Singleton rules: SSOT101 module-level-singleton, SSOT102 singleton-class, SSOT103
//! global-lazy-singleton, SSOT104 cached-instance-factory, SSOT105
//! singleton-decorator-or-metaclass, and SSOT110 shared-isolated-instance (any of them
//! holding a class listed in `singletons.isolated`).

use crate::diagnostic::Diagnostic;
use crate::project::ModuleIndex;
use crate::python::defs::ClassState;
use crate::python::Scope;
use crate::python::{ClassFact, FunctionFact, ModuleAssignment, Span, Target};
use crate::rules::classes::Resolver;
use crate::rules::context::FileContext;
use crate::rules::registry::{BodyReads, FixAvailability, Needle, Rule, RuleSpec, Severity};
use crate::source::TextRange;

/// SSOT102 reads `__new__` and class/static methods that store an attribute of the
/// class or `cls` (their assignments; the class attributes they may store are in the
/// kept class); SSOT103 a function's `global` statements and its assignments to those
/// names; SSOT104 the returns of a function of at most one parameter decorated with a
/// cache (`lru_cache`, `functools.cache`); SSOT105 decorators and keywords of classes nested in bodies. All
/// of them resolve names through imports at any depth.
const SINGLETON_BODY: BodyReads = BodyReads {
    imports: true,
    globals: true,
    headers: &[Needle::Text("singleton")],
    getters: &[Needle::Text("cache")],
    storing: &[
        Needle::Text("__new__"),
        Needle::Text("classmethod"),
        Needle::Text("staticmethod"),
    ],
    ..BodyReads::NOTHING
};

pub const SSOT101: RuleSpec = RuleSpec {
    code: "SSOT101",
    name: "module-level-singleton",
    severity: Severity::Warning,
    summary: "A module-level instance of an in-scope class",
    fix: FixAvailability::None,
    needles: None,
    // Reads only module-level statements, but resolves names through any import.
    body: Some(BodyReads::IMPORTS),
    doc: "\
## What it does
Flags a module-level binding whose value constructs an in-scope class: plain,
annotated and tuple assignments, also inside module-level `if`/`try`/`with` blocks
(never inside `if __name__ == \"__main__\":`, also when it is one operand of an `and`).
The value is the call itself or the last
call of a chain (`mod.Engine()`). The constructed name is resolved through the file's
imports and definitions (`from a.b import Engine as E` … `E()` is `a.b.Engine`).

In scope (`[singletons] scope`): `first-party` (default) counts classes defined in this
file or in a first-party module (a CamelCase name from a first-party module that cannot
be read counts too); `all` also counts any CamelCase callee; `listed` counts only
`isolated` classes and what factories build (these count in every scope). Never counted:
`allow` entries (qualified names or globs), builtins, type constructs (`TypeVar`,
`NewType`, `namedtuple`, `NamedTuple`, `TypedDict`, functional `Enum`, …), exception
instances, and value types from `collections`, `typing`, `enum`, `decimal`, `datetime`,
`pathlib`, `re`, `threading`, `contextvars`, `weakref`, … Dunder names (`__all__`) and
bindings inside functions and classes (dataclass defaults) are not module-level
singletons, and neither are several module-level instances of one class in one file (a
table of values such as descriptors, signals or sentinels) unless the class is listed.

A singleton is shared *mutable* state, so what the class holds decides too (listed
classes always count). The class is read from its module file as the project holds it
(saved files; the staged blobs for the hook), with its first-party bases:
- value classes are never flagged: a `NamedTuple`/`namedtuple` or `Enum` subclass, a
  `@dataclass(frozen=True)` or attrs `frozen` class (`ORIGIN = Point(0, 0)`);
- stateless classes are never flagged: no method, `__init__` included, assigns or
  mutates an attribute of `self`, and it is no dataclass — sentinels and null objects
  (`_sentinel = Sentinel()`, `NULL_FILE = NullFile()`);
- a constant name (`UPPER_CASE`) is not flagged when no public method of the class
  changes its state: `self` is assigned or mutated only in dunders that do not mutate
  (`__init__`, `__post_init__`, `__hash__` caching a value) and in private helpers
  (`NULL_STYLE = Style()`); the same instance under a lowercase name is flagged.
A mutation is an assignment or augmented assignment to `self.x`, `self.x[k]`, `self.x.y`;
`setattr(self, …)`/`object.__setattr__(self, …)`; or a call of a container mutator on
`self` or its attributes (`append`, `update`, `setdefault`, `pop`, `add`, `clear`, …).
A public method, or a mutating dunder (`__setitem__`, `__setattr__`, `__call__`,
`__enter__`, `__iadd__`, …), that mutates makes the class mutable, and so does a base the
project cannot read (third-party, a builtin container or its `typing` alias such as
`Dict[str, int]`; `object`, `typing` protocols and generics, and ABCs add nothing), and
so does a class not defined at the top level of its module. Known misses: a public
method that mutates only through a private helper, and mutations through a local alias
of `self`, leave an `UPPER_CASE` instance unflagged.

## Why is this bad?
A module-level instance is created at import time and shared by every request and every
user of the process: state leaks between users, tests share it, and it cannot be
configured per call.

## Example
```python
engine = UserExecutionEngine()
```
Use instead: create the instance where it is needed (per request, through a factory).
",
};

pub const SSOT102: RuleSpec = RuleSpec {
    code: "SSOT102",
    name: "singleton-class",
    severity: Severity::Warning,
    summary: "A class that caches its own instance",
    fix: FixAvailability::None,
    needles: None,
    body: Some(SINGLETON_BODY),
    doc: "\
## What it does
Flags a class that stores its own instance: `__new__` that assigns `cls._x` a call
(`super().__new__(cls)`) or a name when `_x` is a class attribute (`_instance = None`), or a classmethod/staticmethod (`get_instance`,
`instance`, `shared`, …) that assigns `cls._x = cls(...)` or `Klass._x = Klass(...)`.
Reported on the class name. An `_instance` attribute that is not assigned by `__new__`
or such a method is not flagged.

## Why is this bad?
The class hands every caller the same object: per-user state becomes process state.

## Example
```python
class Engine:
    _instance = None
    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance
```
",
};

pub const SSOT103: RuleSpec = RuleSpec {
    code: "SSOT103",
    name: "global-lazy-singleton",
    severity: Severity::Warning,
    summary: "A function that assigns a global to a constructed instance",
    fix: FixAvailability::None,
    needles: None,
    body: Some(SINGLETON_BODY),
    doc: "\
## What it does
Flags a function with `global X` that assigns `X` an instance of an in-scope class (a
lazy getter), where `X` is also bound at module level (the `X = None` placeholder the
getter tests). Test fixtures (`setUpModule`, `setup_module`, …) are not getters, and
value or stateless classes (see SSOT101) are not shared state.
Reported on the assignment; the message names the getter.

## Why is this bad?
The first caller's instance is shared by all later callers, whoever they are.

## Example
```python
_engine = None
def get_engine():
    global _engine
    if _engine is None:
        _engine = Engine()
    return _engine
```
",
};

pub const SSOT104: RuleSpec = RuleSpec {
    code: "SSOT104",
    name: "cached-instance-factory",
    severity: Severity::Warning,
    summary: "A cached parameterless function that returns a constructed instance",
    fix: FixAvailability::None,
    needles: None,
    body: Some(SINGLETON_BODY),
    doc: "\
## What it does
Flags `@lru_cache`, `@lru_cache()`, `@lru_cache(maxsize=…)`, `@functools.cache` or
`@cache` on a function without parameters (a method: only `self`/`cls`) that returns an
instance of an in-scope class. A cached function with parameters is a memo, not a
singleton, and is not flagged; neither is a cached value or stateless instance (see
SSOT101).

## Why is this bad?
The cache makes the returned instance process-wide: a singleton in disguise.

## Example
```python
@lru_cache
def get_engine():
    return Engine()
```
",
};

pub const SSOT105: RuleSpec = RuleSpec {
    code: "SSOT105",
    name: "singleton-decorator-or-metaclass",
    severity: Severity::Warning,
    summary: "A singleton decorator or metaclass",
    fix: FixAvailability::None,
    needles: None,
    body: Some(SINGLETON_BODY),
    doc: "\
## What it does
Flags a class decorated with a decorator whose name contains `singleton` (any case), or
declared with a `metaclass=` whose name contains `Singleton`.

## Why is this bad?
The decorator or metaclass makes every construction return one shared instance.

## Example
```python
@singleton
class Engine: ...

class Registry(metaclass=SingletonMeta): ...
```
",
};

pub const SSOT110: RuleSpec = RuleSpec {
    code: "SSOT110",
    name: "shared-isolated-instance",
    severity: Severity::Error,
    summary: "A singleton holding a class whose state must be per user",
    fix: FixAvailability::None,
    needles: None,
    body: Some(SINGLETON_BODY),
    doc: "\
## What it does
Any finding of SSOT101–SSOT105 whose class is listed in `[singletons] isolated`. It
replaces the finding it upgrades and is an error by default.

## Why is this bad?
Isolated classes hold per-user state (a user's execution context, credentials,
conversation). One shared instance serves every user of the process: one user's data
reaches another. This is the most serious finding ssotlint makes.

## Example
```toml
[singletons]
isolated = [\"app.engine.UserExecutionEngine\"]
```
```python
engine = UserExecutionEngine()   # SSOT110
```
Use instead: build one instance per user request, through the configured factory.
",
};

const SINGLETON_RULES: [Rule; 6] = [
    Rule::ModuleLevelSingleton,
    Rule::SingletonClass,
    Rule::GlobalLazySingleton,
    Rule::CachedInstanceFactory,
    Rule::SingletonDecoratorOrMetaclass,
    Rule::SharedIsolatedInstance,
];

pub fn check(ctx: &FileContext, out: &mut Vec<Diagnostic>) {
    if !SINGLETON_RULES.iter().any(|&r| ctx.is_enabled(r)) {
        return;
    }
    let defs = &ctx.facts.defs;
    if defs.module_assignments.is_empty() && defs.classes.is_empty() && defs.functions.is_empty() {
        return;
    }
    let resolver = Resolver::new(ctx);
    module_level(ctx, &resolver, out);
    for class in &defs.classes {
        singleton_class(ctx, &resolver, class, out);
        decorator_or_metaclass(ctx, &resolver, class, out);
    }
    for (index, function) in defs.functions.iter().enumerate() {
        global_lazy(ctx, &resolver, index, function, out);
        cached_factory(ctx, &resolver, index, function, out);
    }
}

/// Push `rule`, or SSOT110 when `class` is isolated.
fn emit(
    ctx: &FileContext,
    resolver: &Resolver,
    rule: Rule,
    class: &str,
    message: String,
    range: TextRange,
    out: &mut Vec<Diagnostic>,
) {
    if resolver.is_isolated(class) && ctx.is_enabled(Rule::SharedIsolatedInstance) {
        out.push(Diagnostic::new(
            Rule::SharedIsolatedInstance,
            format!(
                "{message}; `{class}` is isolated (per-user state): one shared instance leaks state across users ({})",
                rule.code()
            ),
            range,
        ));
    } else if ctx.is_enabled(rule) {
        out.push(Diagnostic::new(rule, message, range));
    }
}

/// The in-scope class a call constructs, as a qualified name.
fn constructed(resolver: &Resolver, callee: Option<&Span>) -> Option<String> {
    let resolved = resolver.resolve(&resolver.dotted(callee?));
    resolver
        .constructs_in_scope(&resolved)
        .then_some(resolved.qualified)
}

/// Bases whose instances are immutable values: named tuples and enum members.
const VALUE_BASES: &[&str] = &[
    "typing.NamedTuple",
    "typing_extensions.NamedTuple",
    "collections.namedtuple",
    "enum.Enum",
    "enum.IntEnum",
    "enum.StrEnum",
    "enum.Flag",
    "enum.IntFlag",
    "enum.ReprEnum",
];

/// `typing` aliases of mutable containers: a subclass is a container.
const CONTAINER_ALIASES: &[&str] = &[
    "Dict",
    "List",
    "Set",
    "DefaultDict",
    "OrderedDict",
    "Deque",
    "Counter",
    "ChainMap",
];

/// Bases that add no instance state: `object`, protocols, ABCs and generics.
fn is_stateless_base(qualified: &str) -> bool {
    let short = qualified.rsplit('.').next().unwrap_or(qualified);
    qualified == "object"
        || !CONTAINER_ALIASES.contains(&short)
            && ["typing", "typing_extensions", "abc", "collections.abc"]
                .iter()
                .any(|m| {
                    qualified
                        .strip_prefix(m)
                        .and_then(|r| r.strip_prefix('.'))
                        .is_some_and(|r| !r.contains('.'))
                })
}

/// What an instance of the first-party class `qualified` holds: its own [`ClassState`]
/// and its bases' (a value base makes it a value; an unknown base may hold anything).
/// Read from the class's module as the project holds it, not from this file's facts:
/// the CLI's reducer blanks bodies that the other singleton checks do not read.
fn instance_state(index: &ModuleIndex, qualified: &str, depth: usize) -> ClassState {
    if VALUE_BASES.contains(&qualified) {
        return ClassState::Value;
    }
    if is_stateless_base(qualified) {
        return ClassState::Stateless;
    }
    let Some(summary) = (depth > 0)
        .then(|| index.class_summary(qualified))
        .flatten()
    else {
        return ClassState::Mutable;
    };
    let mut state = summary.state;
    for base in &summary.bases {
        if state == ClassState::Value {
            break;
        }
        match instance_state(index, base, depth - 1) {
            ClassState::Value => state = ClassState::Value,
            other => state = state.max(other),
        }
    }
    state
}

/// `NULL_STYLE`, `_DEFAULT`, `DEFAULT_TIMEOUT_2`: a name PEP 8 spells as a constant.
fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Instances of value classes (named tuples, enums, frozen dataclasses) and of classes
/// with no state (sentinels, null objects) are not shared mutable state; a constant
/// name holding a class whose state no public method changes is a constant. Listed
/// classes always count.
fn is_not_shared_state(
    ctx: &FileContext,
    resolver: &Resolver,
    class: &str,
    name: Option<&str>,
) -> bool {
    if resolver.is_listed(class) {
        return false;
    }
    match instance_state(&ctx.settings.modules, class, 8) {
        ClassState::Value | ClassState::Stateless => true,
        ClassState::ConstructorOnly => name.is_some_and(is_constant_name),
        ClassState::Mutable => false,
    }
}

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// SSOT101.
fn module_level(ctx: &FileContext, resolver: &Resolver, out: &mut Vec<Diagnostic>) {
    let mut found: Vec<(&ModuleAssignment, String)> = Vec::new();
    for assignment in &ctx.facts.defs.module_assignments {
        let Some(call) = &assignment.value else {
            continue;
        };
        if is_dunder(ctx.text(assignment.name.range())) {
            continue;
        }
        if let Some(class) = constructed(resolver, call.callee.as_ref()) {
            found.push((assignment, class));
        }
    }
    for (assignment, class) in &found {
        let Some(call) = &assignment.value else {
            continue;
        };
        // Several module-level instances of one class are a table of values (descriptors,
        // signals, sentinels), not a singleton; listed classes always count.
        let repeated = found.iter().any(|(other, c)| {
            c == class && other.value.as_ref().is_some_and(|v| v.range != call.range)
        });
        if repeated && !resolver.is_listed(class) {
            continue;
        }
        let class = class.as_str();
        let name = ctx.text(assignment.name.range());
        if is_not_shared_state(ctx, resolver, class, Some(name)) {
            continue;
        }
        let callee = call.callee.as_ref().map_or("", |c| ctx.text(c.range()));
        emit(
            ctx,
            resolver,
            Rule::ModuleLevelSingleton,
            class,
            format!("module-level singleton: `{name}` holds an instance of `{class}` (`{callee}(...)` at import time)"),
            assignment.name.range(),
            out,
        );
    }
}

/// Is function `index` decorated with `name`?
fn has_decorator(ctx: &FileContext, index: usize, name: &str) -> bool {
    ctx.facts
        .defs
        .decorators(index)
        .any(|d| d.name.as_ref().is_some_and(|n| ctx.text(n.range()) == name))
}

/// SSOT102: `__new__` or a class/static method that stores an instance on the class.
fn singleton_class(
    ctx: &FileContext,
    resolver: &Resolver,
    class: &ClassFact,
    out: &mut Vec<Diagnostic>,
) {
    let class_name = ctx.text(class.name.range());
    let attributes: Vec<&str> = class
        .attributes
        .iter()
        .map(|a| ctx.text(a.name.range()))
        .collect();
    for &m in &class.methods {
        let method = &ctx.facts.defs.functions[m];
        let method_name = ctx.text(method.name.range());
        let is_new = method_name == "__new__";
        let is_classmethod = has_decorator(ctx, m, "classmethod");
        let is_staticmethod = has_decorator(ctx, m, "staticmethod");
        if !is_new && !is_classmethod && !is_staticmethod {
            continue;
        }
        let cls = if is_new || is_classmethod {
            method.parameters.first.map(|p| ctx.text(p.range()))
        } else {
            None
        };
        let is_owner = |text: &str| text == class_name || Some(text) == cls;
        for assign in ctx.facts.defs.assignments(m) {
            let Target::Attribute { object, attr } = &assign.target else {
                continue;
            };
            if !is_owner(ctx.text(object.range())) {
                continue;
            }
            let attr = ctx.text(attr.range());
            let caches = if is_new {
                assign.value_is_call || (assign.value_is_name && attributes.contains(&attr))
            } else {
                assign
                    .value
                    .as_ref()
                    .and_then(|v| v.callee.as_ref())
                    .is_some_and(|c| is_owner(ctx.text(c.range())))
            };
            if !caches {
                continue;
            }
            let how = if is_new {
                "`__new__`".to_string()
            } else {
                format!(
                    "{} `{method_name}`",
                    if is_classmethod {
                        "classmethod"
                    } else {
                        "staticmethod"
                    }
                )
            };
            let qualified = qualified_class(resolver, class, class_name);
            emit(
                ctx,
                resolver,
                Rule::SingletonClass,
                &qualified,
                format!(
                    "singleton class: `{class_name}` caches its own instance in `{attr}` ({how})"
                ),
                class.name.range(),
                out,
            );
            return;
        }
    }
}

fn qualified_class(resolver: &Resolver, class: &ClassFact, name: &str) -> String {
    if class.scope == Scope::Module {
        resolver.local_qualified(name)
    } else {
        name.to_string()
    }
}

/// SSOT105.
fn decorator_or_metaclass(
    ctx: &FileContext,
    resolver: &Resolver,
    class: &ClassFact,
    out: &mut Vec<Diagnostic>,
) {
    let class_name = ctx.text(class.name.range());
    let decorator = class.decorators.iter().find_map(|d| {
        let name = ctx.text((d.name?).range());
        name.to_ascii_lowercase()
            .contains("singleton")
            .then(|| format!("decorator `@{name}`"))
    });
    let metaclass = || {
        class.keywords.iter().find_map(|k| {
            let value = ctx.text(k.value.range());
            (ctx.text(k.name.range()) == "metaclass"
                && value.to_ascii_lowercase().contains("singleton"))
            .then(|| format!("metaclass `{value}`"))
        })
    };
    let Some(how) = decorator.or_else(metaclass) else {
        return;
    };
    let qualified = qualified_class(resolver, class, class_name);
    emit(
        ctx,
        resolver,
        Rule::SingletonDecoratorOrMetaclass,
        &qualified,
        format!("singleton class: `{class_name}` is made a singleton by {how}"),
        class.name.range(),
        out,
    );
}

const TEST_FIXTURES: &[&str] = &[
    "setUp",
    "setUpClass",
    "setUpModule",
    "setup_module",
    "setup_class",
    "setup_method",
    "setup_function",
];

/// SSOT103.
fn global_lazy(
    ctx: &FileContext,
    resolver: &Resolver,
    index: usize,
    function: &FunctionFact,
    out: &mut Vec<Diagnostic>,
) {
    let defs = &ctx.facts.defs;
    if defs.globals(index).next().is_none() {
        return;
    }
    let getter = ctx.text(function.name.range());
    // Test fixtures set module globals once per test module; they are not getters.
    if TEST_FIXTURES.contains(&getter) {
        return;
    }
    for assign in defs.assignments(index) {
        let Target::Name(name) = &assign.target else {
            continue;
        };
        let name_text = ctx.text(name.range());
        if !defs
            .globals(index)
            .any(|g| ctx.text(g.range()) == name_text)
        {
            continue;
        }
        // A lazy getter tests a placeholder bound at module level (`_engine = None`);
        // a `main()` or test setup that merely sets globals is not one.
        if !ctx
            .facts
            .defs
            .module_assignments
            .iter()
            .any(|a| ctx.text(a.name.range()) == name_text)
        {
            continue;
        }
        let Some(class) = assign
            .value
            .as_ref()
            .and_then(|v| constructed(resolver, v.callee.as_ref()))
        else {
            continue;
        };
        if is_not_shared_state(ctx, resolver, &class, None) {
            continue;
        }
        emit(
            ctx,
            resolver,
            Rule::GlobalLazySingleton,
            &class,
            format!("global lazy singleton: `{getter}()` assigns global `{name_text}` an instance of `{class}`"),
            assign.range.range(),
            out,
        );
    }
}

/// SSOT104.
fn cached_factory(
    ctx: &FileContext,
    resolver: &Resolver,
    index: usize,
    function: &FunctionFact,
    out: &mut Vec<Diagnostic>,
) {
    // Parameters first: resolving every decorator of every function read other modules.
    let allowed_parameters = u16::from(function.class.is_some());
    if function.parameters.count > allowed_parameters || function.parameters.star {
        return;
    }
    let defs = &ctx.facts.defs;
    let Some(cache) = defs.decorators(index).find_map(|d| {
        let name = resolver.dotted(d.name.as_ref()?);
        let qualified = resolver.resolve(&name).qualified;
        matches!(
            qualified.as_str(),
            "functools.lru_cache" | "functools.cache" | "lru_cache" | "cache"
        )
        .then(|| ctx.text(d.range.range()).to_string())
    }) else {
        return;
    };
    let Some(class) = defs
        .returns(index)
        .flatten()
        .find_map(|call| constructed(resolver, call.callee.as_ref()))
    else {
        return;
    };
    if is_not_shared_state(ctx, resolver, &class, None) {
        return;
    }
    let name = ctx.text(function.name.range());
    emit(
        ctx,
        resolver,
        Rule::CachedInstanceFactory,
        &class,
        format!("cached instance factory: `@{cache}` on `{name}()` makes its `{class}` instance process-wide"),
        function.name.range(),
        out,
    );
}
