//! The values the front end produces and the rules read: [`Facts`] of one file and
//! their parts, [`DefFacts`] among them. Only values live here, below both the walk
//! (`facts.rs`) and the definition collector (`defs.rs`) that fill them.

use std::ops::Range;

use super::noqa::Comment;
use crate::source::TextRange;

/// A byte range in the source text, as facts hold it: two `u32`s, half the size of a
/// [`TextRange`]. A big file's facts are mostly ranges (issue 13: a 20 MB file's facts
/// took 110 MB). Nothing is lost: tree-sitter's own offsets are `u32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// Offsets past `u32::MAX` (beyond what tree-sitter can parse) saturate.
    pub fn new(range: TextRange) -> Span {
        Span {
            start: saturate(range.start),
            end: saturate(range.end),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    /// As the engine's byte range (diagnostics, fixes, slicing).
    pub fn range(self) -> TextRange {
        self.start()..self.end()
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// Moved by `by` bytes (saturating at both ends).
    pub fn shifted(self, by: isize) -> Span {
        Span::new(self.start().saturating_add_signed(by)..self.end().saturating_add_signed(by))
    }
}

fn saturate(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Span {
        Span::new(range)
    }
}

impl From<Span> for Range<usize> {
    fn from(span: Span) -> Range<usize> {
        span.range()
    }
}

impl std::ops::Index<Span> for str {
    type Output = str;

    fn index(&self, span: Span) -> &str {
        &self[span.range()]
    }
}

/// Everything the rules read about one file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Facts {
    pub imports: Vec<Import>,
    /// String literals that are whole dotted paths (`"a.b.C"`), docstrings excluded.
    pub strings: Vec<StringLiteral>,
    /// Every comment, its `# noqa` directive parsed.
    pub comments: Vec<Comment>,
    /// Ranges of tree-sitter ERROR and MISSING nodes.
    pub syntax_errors: Vec<Span>,
    /// Module-level bindings, classes, functions and calls (singleton/factory rules).
    pub defs: DefFacts,
    /// `name.attr` where both are identifiers (`typing.Mapping`): a symbol reached
    /// through a module bound by `import`.
    pub attributes: Vec<AttributeRef>,
}

/// An attribute access on a plain name, as byte ranges into the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeRef {
    /// `typing` in `typing.Mapping`.
    pub object: Span,
    /// `Mapping` in `typing.Mapping`.
    pub attribute: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `import a.b`, `import a.b as c`
    Import,
    /// `from m import x`, `from . import x`, `from m import *`
    From,
}

/// Where an import statement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Module,
    Class,
    Function,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportContext {
    pub scope: Scope,
    /// Inside a `try:` whose handlers catch `ImportError`/`ModuleNotFoundError`.
    pub guarded: bool,
    /// Inside `if TYPE_CHECKING:`.
    pub type_checking: bool,
}

/// The module part of a `from` import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleRef {
    /// As written, without the dots: `pkg.mod` in `from ..pkg.mod import x`.
    pub written: String,
    /// Leading dots.
    pub level: usize,
    /// Absolute module name (relative imports resolved); `None` when it cannot be.
    pub resolved: Option<String>,
    /// Span of the whole module reference including the dots.
    pub range: Span,
}

/// One bound name of an import statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedName {
    /// The imported name: `X` in `from m import X`, `a.b` in `import a.b`.
    pub name: String,
    pub name_range: Span,
    pub alias: Option<(String, Span)>,
    /// `name` plus ` as alias`.
    pub range: Span,
}

impl ImportedName {
    /// The local name this binds (`Y` for `X as Y`; `a` for `import a.b`).
    pub fn local_name(&self, kind: ImportKind) -> &str {
        match (&self.alias, kind) {
            (Some((alias, _)), _) => alias,
            (None, ImportKind::From) => &self.name,
            (None, ImportKind::Import) => self.name.split('.').next().unwrap_or(&self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub kind: ImportKind,
    /// The whole statement.
    pub range: Span,
    /// `from` imports only.
    pub module: Option<ModuleRef>,
    pub names: Vec<ImportedName>,
    /// `from m import *`: the span of `*`.
    pub star: Option<Span>,
    pub context: ImportContext,
}

/// A plain string literal whose content is a dotted path: one with a dot (`"a.b"`), or
/// one name as an [`import_argument`](Self::import_argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringLiteral {
    /// The content between the quotes (the path: [`StringLiteral::value`]).
    pub content_range: Span,
    /// The literal with prefix and quotes.
    pub range: Span,
    /// The first argument of a call of `import_module`, `__import__` or `patch` (any
    /// object's: `mock.patch`, `mocker.patch`): there even one name is a module path.
    pub import_argument: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    Class,
    Function,
}

/// A class or function at any depth, as [`Facts::definitions`] lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub kind: DefinitionKind,
    pub name_range: Span,
    /// Where the definition stands (module level, in a class, in a function).
    pub scope: Scope,
}

impl Definition {
    pub fn name<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.name_range.range()).unwrap_or("")
    }
}

impl StringLiteral {
    /// The path as written (a dotted path has no escapes: the content is the value).
    pub fn value<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.content_range.range()).unwrap_or("")
    }
}

impl Facts {
    /// Every class and function in text order: the classes and functions of
    /// [`DefFacts`], merged by position (there is no second list of them).
    pub fn definitions(&self) -> Vec<Definition> {
        let classes = self.defs.classes.iter().map(|c| Definition {
            kind: DefinitionKind::Class,
            name_range: c.name,
            scope: c.scope,
        });
        let functions = self.defs.functions.iter().map(|f| Definition {
            kind: DefinitionKind::Function,
            name_range: f.name,
            scope: f.scope,
        });
        let mut all: Vec<Definition> = classes.chain(functions).collect();
        all.sort_by_key(|d| d.name_range.start());
        all
    }

    /// Drop spare capacity, inner lists included: a list pushed once keeps room for four
    /// (an import's one name, a function's one assignment), which made a big file's facts
    /// several times larger than their content (issue 13).
    pub fn shrink_to_fit(&mut self) {
        self.imports.shrink_to_fit();
        for import in &mut self.imports {
            import.names.shrink_to_fit();
        }
        self.strings.shrink_to_fit();
        self.comments.shrink_to_fit();
        self.syntax_errors.shrink_to_fit();
        self.attributes.shrink_to_fit();
        self.defs.shrink_to_fit();
    }

    pub fn has_syntax_errors(&self) -> bool {
        !self.syntax_errors.is_empty()
    }
}

/// A call whose value is taken: `Engine(...)`, `a.b.Engine(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFact {
    /// The whole call.
    pub range: Span,
    /// The callee when it is a dotted name (`a.b.Engine`); `None` for `f()()`,
    /// `Engine().build()`, `x[0]()`.
    pub callee: Option<Span>,
}

/// One name bound at module level (`x = …`, `x: T = …`, `a, b = …`), also inside
/// module-level `if`/`try`/`with` blocks, never inside `if __name__ == "__main__":`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleAssignment {
    pub name: Span,
    /// What the value constructs: the value itself, or its element for tuple targets,
    /// when it is a call (the last call of a chain).
    pub value: Option<CallFact>,
    /// The value (or its element for tuple targets) when it is a dotted name
    /// (`Engine = _engine.Engine`, `Engine = _E`): a re-export by assignment.
    pub dotted: Option<Span>,
    pub annotated: bool,
    /// The assignment statement.
    pub statement: Span,
}

/// The target of an assignment inside a function or class body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `x = …`
    Name(Span),
    /// `obj.attr = …` where `obj` is a dotted name.
    Attribute {
        object: Span,
        attr: Span,
    },
    /// `obj.attr[key] = …` / `obj[key] = …` where `obj…` is a dotted name.
    Subscript {
        object: Span,
    },
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignFact {
    pub target: Target,
    /// The whole assignment.
    pub range: Span,
    /// The value is a call (of anything).
    pub value_is_call: bool,
    /// The value is a plain name (`cls._instance = instance`).
    pub value_is_name: bool,
    /// The value's call, when it is one.
    pub value: Option<CallFact>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decorator {
    /// The decorator as a dotted name (`functools.lru_cache`); `None` for other forms.
    pub name: Option<Span>,
    /// Written as a call: `@lru_cache()`, `@lru_cache(maxsize=1)`.
    pub called: bool,
    /// The whole decorator expression (without `@`).
    pub range: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    pub name: Span,
    /// `*args` or `**kwargs`.
    pub star: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionFact {
    pub name: Span,
    /// The `def` (without decorators).
    pub range: Span,
    /// Where it is defined.
    pub scope: Scope,
    /// Index into [`DefFacts::classes`] when defined directly in a class body.
    pub class: Option<usize>,
    pub parameters: Vec<Parameter>,
    pub decorators: Vec<Decorator>,
    /// Names of `global` statements in its body.
    pub globals: Vec<Span>,
    /// Assignments, augmented ones too, anywhere in its body (nested functions and
    /// classes excluded).
    pub assignments: Vec<AssignFact>,
    /// `return` statements: the returned call, if the value is one.
    pub returns: Vec<Option<CallFact>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyword {
    pub name: Span,
    pub value: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassAttribute {
    pub name: Span,
    /// The value, if any (`_instance = None`, `x: int` has none).
    pub value: Option<Span>,
    pub call: Option<CallFact>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassFact {
    pub name: Span,
    pub range: Span,
    pub scope: Scope,
    /// Positional entries of the class header.
    pub bases: Vec<Span>,
    /// `metaclass=…` and other keywords of the class header.
    pub keywords: Vec<Keyword>,
    pub decorators: Vec<Decorator>,
    /// Names assigned directly in the class body.
    pub attributes: Vec<ClassAttribute>,
    /// Indexes into [`DefFacts::functions`].
    pub methods: Vec<usize>,
}

/// Definition facts of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefFacts {
    pub module_assignments: Vec<ModuleAssignment>,
    pub classes: Vec<ClassFact>,
    pub functions: Vec<FunctionFact>,
    /// Every call with a dotted callee, at any depth.
    pub calls: Vec<CallFact>,
}

impl DefFacts {
    /// Drop spare capacity, per class and function too (see `Facts::shrink_to_fit`).
    pub fn shrink_to_fit(&mut self) {
        self.module_assignments.shrink_to_fit();
        self.classes.shrink_to_fit();
        for class in &mut self.classes {
            class.bases.shrink_to_fit();
            class.keywords.shrink_to_fit();
            class.decorators.shrink_to_fit();
            class.attributes.shrink_to_fit();
            class.methods.shrink_to_fit();
        }
        self.functions.shrink_to_fit();
        for function in &mut self.functions {
            function.parameters.shrink_to_fit();
            function.decorators.shrink_to_fit();
            function.globals.shrink_to_fit();
            function.assignments.shrink_to_fit();
            function.returns.shrink_to_fit();
        }
        self.calls.shrink_to_fit();
    }
}
