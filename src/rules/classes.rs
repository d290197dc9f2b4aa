//! Class resolution for the singleton and factory rules: a callee as written in a file
//! (`E`, `mod.Engine`) is resolved through the file's imports and definitions to a
//! qualified name (`a.b.Engine`), and judged a class or not.

use crate::config::SingletonScope;
use crate::python::{DefinitionKind, ImportKind, Scope, Span};
use crate::rules::context::FileContext;

/// What a local name is bound to.
#[derive(Clone, Copy)]
enum Binding {
    /// An import: the name at `name` of the file's import at `import`; the qualified
    /// name it refers to is made only when a callee is resolved through it.
    Imported {
        import: u32,
        name: u32,
    },
    LocalClass,
    LocalFunction,
}

/// What a callee turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A class defined in this file or in a first-party module.
    Class { first_party: bool },
    /// A function, a module, a builtin: never a constructor.
    NotClass,
    /// Unknown (third-party, star import, nested attribute): judged by its spelling.
    Unknown { first_party: bool },
}

#[derive(Debug, Clone)]
pub struct Resolved {
    pub qualified: String,
    pub kind: Kind,
}

impl Resolved {
    /// The last dotted part: `Engine` for `a.b.Engine`.
    pub fn short(&self) -> &str {
        self.qualified.rsplit('.').next().unwrap_or(&self.qualified)
    }
}

/// Resolves callees of one file.
pub struct Resolver<'a> {
    ctx: &'a FileContext<'a>,
    /// The file's module-level names, sorted, the last binding of a name kept: a sorted
    /// list rather than a hash table, whose spare capacity was the biggest block at a
    /// 20 MB file's peak (issue 13).
    bindings: Vec<(&'a str, Binding)>,
    /// The file is first-party (or has no module name: it was asked for directly).
    file_first_party: bool,
}

/// Builtins that are called like classes but make plain values.
const BUILTINS: &[&str] = &[
    "object",
    "dict",
    "list",
    "set",
    "frozenset",
    "tuple",
    "str",
    "bytes",
    "bytearray",
    "int",
    "float",
    "complex",
    "bool",
    "range",
    "slice",
    "memoryview",
    "type",
    "property",
    "staticmethod",
    "classmethod",
    "super",
    "iter",
    "map",
    "filter",
    "zip",
    "enumerate",
    "reversed",
    "sorted",
    "len",
    "open",
    "print",
    "getattr",
    "setattr",
    "hasattr",
    "vars",
    "globals",
    "locals",
    "id",
    "hash",
    "repr",
    "format",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "isinstance",
    "issubclass",
    "callable",
    "compile",
    "eval",
    "exec",
    "__import__",
    "Ellipsis",
    "NotImplemented",
    "BaseException",
    "Exception",
];

/// The qualified name that name `name` of import `import` refers to (`None` for a
/// relative import that cannot be resolved).
fn import_target(ctx: &FileContext, import: u32, name: u32) -> Option<String> {
    let import = ctx.facts.imports.get(import as usize)?;
    let name = import.names.get(name as usize)?;
    match import.kind {
        ImportKind::From => {
            let module = import.module.as_ref()?.resolved.as_ref()?;
            Some(format!("{module}.{}", name.name))
        }
        ImportKind::Import if name.alias.is_some() => Some(name.name.to_string()),
        ImportKind::Import => Some(name.local_name(import.kind).to_string()),
    }
}

impl<'a> Resolver<'a> {
    pub fn new(ctx: &'a FileContext<'a>) -> Resolver<'a> {
        let mut bindings = Vec::new();
        for (i, import) in ctx.facts.imports.iter().enumerate() {
            if import.kind == ImportKind::From
                && import
                    .module
                    .as_ref()
                    .and_then(|m| m.resolved.as_ref())
                    .is_none()
            {
                continue;
            }
            for (j, name) in import.names.iter().enumerate() {
                let local = name.local_name(import.kind);
                let (Ok(import), Ok(name)) = (u32::try_from(i), u32::try_from(j)) else {
                    continue;
                };
                bindings.push((local, Binding::Imported { import, name }));
            }
        }
        for def in ctx.facts.definitions() {
            if def.scope == Scope::Module {
                let binding = match def.kind {
                    DefinitionKind::Class => Binding::LocalClass,
                    DefinitionKind::Function => Binding::LocalFunction,
                };
                bindings.push((ctx.text(def.name_range.range()), binding));
            }
        }
        // A stable sort keeps each name's bindings in text order; the last one wins, as
        // the later statement rebinds the name.
        bindings.sort_by(|a, b| a.0.cmp(b.0));
        bindings.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(later, kept);
            }
            same
        });
        bindings.shrink_to_fit();
        let file_first_party = ctx
            .module
            .is_none_or(|m| ctx.settings.modules.is_first_party(&m.name));
        Resolver {
            ctx,
            bindings,
            file_first_party,
        }
    }

    /// The text of a dotted name without spaces or continuations.
    pub fn dotted(&self, range: &Span) -> String {
        let text = self.ctx.text(range.range());
        if text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80)
        {
            return text.to_string();
        }
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '\\')
            .collect()
    }

    /// The qualified name of a class defined in this file.
    pub fn local_qualified(&self, name: &str) -> String {
        match self.ctx.module {
            Some(m) => format!("{}.{name}", m.name),
            None => name.to_string(),
        }
    }

    pub fn resolve(&self, callee: &str) -> Resolved {
        let (root, rest) = match callee.split_once('.') {
            Some((root, rest)) => (root, Some(rest)),
            None => (callee, None),
        };
        let index = &self.ctx.settings.modules;
        let binding = self
            .bindings
            .binary_search_by(|(name, _)| (*name).cmp(root))
            .ok()
            .map(|at| self.bindings[at].1);
        match (binding, rest) {
            (Some(Binding::LocalClass), None) => Resolved {
                qualified: self.local_qualified(callee),
                kind: Kind::Class {
                    first_party: self.file_first_party,
                },
            },
            (Some(Binding::LocalClass), Some(_)) => Resolved {
                qualified: self.local_qualified(callee),
                kind: Kind::Unknown {
                    first_party: self.file_first_party,
                },
            },
            (Some(Binding::LocalFunction), None) => Resolved {
                qualified: self.local_qualified(callee),
                kind: Kind::NotClass,
            },
            (Some(Binding::LocalFunction), Some(_)) => Resolved {
                qualified: self.local_qualified(callee),
                kind: Kind::Unknown {
                    first_party: self.file_first_party,
                },
            },
            (Some(Binding::Imported { import, name }), _) => {
                let target = import_target(self.ctx, import, name).unwrap_or_default();
                let qualified = match rest {
                    Some(rest) => format!("{target}.{rest}"),
                    None => target,
                };
                let first_party = qualified
                    .rsplit_once('.')
                    .is_some_and(|(module, _)| index.is_first_party(module));
                let kind = if !first_party {
                    Kind::Unknown { first_party }
                } else {
                    let qualified = index.defining_name(&qualified);
                    let kind = match index.is_class(&qualified) {
                        Some(true) => Kind::Class { first_party },
                        Some(false) => Kind::NotClass,
                        None => Kind::Unknown { first_party },
                    };
                    return Resolved { qualified, kind };
                };
                Resolved { qualified, kind }
            }
            (None, _) => Resolved {
                qualified: callee.to_string(),
                kind: if rest.is_none() && BUILTINS.contains(&root) {
                    Kind::NotClass
                } else {
                    Kind::Unknown { first_party: false }
                },
            },
        }
    }

    /// Does constructing `resolved` count for the singleton rules under `scope`?
    pub fn constructs_in_scope(&self, resolved: &Resolved) -> bool {
        let singletons = &self.ctx.settings.singletons;
        let q = resolved.qualified.as_str();
        if self.is_listed(q) {
            return true;
        }
        if is_allowed(self.ctx, q) || is_value_type(q, resolved.short()) {
            return false;
        }
        let camel = is_camel_case(resolved.short());
        match (singletons.scope, resolved.kind) {
            (_, Kind::NotClass) | (SingletonScope::Listed, _) => false,
            (SingletonScope::FirstParty, Kind::Class { first_party }) => first_party,
            (SingletonScope::FirstParty, Kind::Unknown { first_party }) => first_party && camel,
            (SingletonScope::All, Kind::Class { .. }) => true,
            (SingletonScope::All, Kind::Unknown { .. }) => camel,
        }
    }

    /// Listed classes count in every scope: `isolated` ones and what factories build.
    pub fn is_listed(&self, qualified: &str) -> bool {
        let settings = self.ctx.settings;
        settings.singletons.isolated.iter().any(|c| c == qualified)
            || settings
                .factories
                .iter()
                .any(|f| f.builds.iter().any(|b| b == qualified))
    }

    pub fn is_isolated(&self, qualified: &str) -> bool {
        self.ctx
            .settings
            .singletons
            .isolated
            .iter()
            .any(|c| c == qualified)
    }
}

fn is_allowed(ctx: &FileContext, qualified: &str) -> bool {
    let singletons = &ctx.settings.singletons;
    singletons.allow.iter().any(|a| a == qualified)
        || (!singletons.allow_globs.is_empty() && singletons.allow_globs.is_match(qualified))
}

/// `Engine`, `_Engine`, `HTTPClient`: a capital first letter and a lowercase letter
/// somewhere (so `MAX()` and `F()` are not).
pub fn is_camel_case(name: &str) -> bool {
    let name = name.trim_start_matches('_');
    name.chars().next().is_some_and(|c| c.is_uppercase()) && name.chars().any(|c| c.is_lowercase())
}

/// Type constructs: calls that define a type rather than make a service instance.
const TYPE_CONSTRUCTS: &[&str] = &[
    "TypeVar",
    "NewType",
    "namedtuple",
    "NamedTuple",
    "TypedDict",
    "ParamSpec",
    "TypeVarTuple",
    "TypeAliasType",
    "Enum",
    "IntEnum",
    "StrEnum",
    "Flag",
    "IntFlag",
    "make_dataclass",
    "field",
];

/// Modules whose classes are values, containers, locks or type machinery, never
/// per-user services: module-level instances of them are constants, not singletons.
const VALUE_MODULES: &[&str] = &[
    "collections",
    "typing",
    "typing_extensions",
    "enum",
    "decimal",
    "fractions",
    "datetime",
    "pathlib",
    "uuid",
    "re",
    "weakref",
    "_weakrefset",
    "threading",
    "contextvars",
    "ipaddress",
    "dataclasses",
    "types",
    "string",
    "struct",
    "functools",
    "operator",
    "abc",
];

/// Constants, not singletons: type constructs, exception instances, value types.
fn is_value_type(qualified: &str, short: &str) -> bool {
    if TYPE_CONSTRUCTS.contains(&short)
        || short.ends_with("Error")
        || short.ends_with("Exception")
        || short.ends_with("Warning")
    {
        return true;
    }
    qualified.rsplit_once('.').is_some_and(|(module, _)| {
        VALUE_MODULES
            .iter()
            .any(|m| crate::config::is_module_or_submodule(module, m))
    })
}
