//! The values the front end produces and the rules read: [`Facts`] of one file and
//! their parts, [`DefFacts`] among them. Only values live here, below both the walk
//! (`facts.rs`) and the definition collector (`defs.rs`) that fill them.

use std::num::NonZeroU32;

use compact_str::CompactString;
use std::ops::Range;

use super::noqa::Comment;
use crate::source::TextRange;

/// A byte range in the source text, as facts hold it: two `u32`s, half the size of a
/// [`TextRange`]. A big file's facts are mostly ranges (issue 13: a 20 MB file's facts
/// took 110 MB). Nothing is lost: tree-sitter's own offsets are `u32`. The end is kept
/// plus one, never zero, so an `Option<Span>` (a callee, an alias, a decorator's name) is
/// no bigger than a `Span`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    start: u32,
    end_plus_one: NonZeroU32,
}

impl Span {
    /// Offsets past `u32::MAX - 1` (beyond what tree-sitter can parse) saturate.
    pub fn new(range: TextRange) -> Span {
        let end = saturate(range.end).min(u32::MAX - 1);
        Span {
            start: saturate(range.start),
            end_plus_one: NonZeroU32::MIN.saturating_add(end),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        (self.end_plus_one.get() - 1) as usize
    }

    /// As the engine's byte range (diagnostics, fixes, slicing).
    pub fn range(self) -> TextRange {
        self.start()..self.end()
    }

    pub fn is_empty(self) -> bool {
        self.end() <= self.start()
    }

    /// Moved by `by` bytes (saturating at both ends).
    pub fn shifted(self, by: isize) -> Span {
        Span::new(self.start().saturating_add_signed(by)..self.end().saturating_add_signed(by))
    }
}

impl Default for Span {
    fn default() -> Span {
        Span::new(0..0)
    }
}

impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Span")
            .field("start", &self.start())
            .field("end", &self.end())
            .finish()
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
    /// Leading dots.
    pub level: usize,
    /// Absolute module name (relative imports resolved); `None` when it cannot be.
    pub resolved: Option<CompactString>,
    /// Span of the whole module reference including the dots.
    pub range: Span,
}

/// One bound name of an import statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedName {
    /// The imported name: `X` in `from m import X`, `a.b` in `import a.b`.
    pub name: CompactString,
    pub name_range: Span,
    pub alias: Option<(CompactString, Span)>,
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

/// What rules read of a function's parameters (not the list: one allocation per
/// function was most of a big file's facts, issue 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Parameters {
    /// The first parameter's name (`self` of a method).
    pub first: Option<Span>,
    /// How many there are (saturating).
    pub count: u16,
    /// One of them is `*args` or `**kwargs`.
    pub star: bool,
}

/// Where a function's items lie in one of [`DefFacts`]' per-file lists: from the first to
/// past the last; items of functions nested in it may lie between (each item names its
/// owner), so [`DefFacts`]' accessors filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Extent {
    start: u32,
    end: u32,
}

impl Extent {
    /// Widen to cover the item at `at`.
    pub(crate) fn include(&mut self, at: usize) {
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        if self.start >= self.end {
            *self = Extent {
                start: at,
                end: at.saturating_add(1),
            };
        } else {
            self.start = self.start.min(at);
            self.end = self.end.max(at.saturating_add(1));
        }
    }

    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// An item of one function (a decorator, a `global` name, an assignment, a return) in a
/// per-file list: `function` indexes [`DefFacts::functions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned<T> {
    pub function: u32,
    pub item: T,
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
    pub parameters: Parameters,
    /// Its items in the lists of [`DefFacts`] (read them through its accessors).
    pub(crate) extents: FunctionExtents,
}

/// Where a function's items lie in the per-file lists of [`DefFacts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct FunctionExtents {
    pub(crate) decorators: Extent,
    pub(crate) globals: Extent,
    pub(crate) assignments: Extent,
    pub(crate) returns: Extent,
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
    /// What the functions hold, one list per kind for the whole file (not four per
    /// function: issue 13), read through [`DefFacts::decorators`] and its siblings.
    /// `None` while no function holds anything: the server keeps facts per chunk, and
    /// most chunks have none, so four list headers each would add up.
    pub(crate) items: Option<Box<FunctionItems>>,
}

/// The items of every function of a file, each naming its function, in text order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FunctionItems {
    pub(crate) decorators: Vec<Owned<Decorator>>,
    /// Names of `global` statements.
    pub(crate) globals: Vec<Owned<Span>>,
    /// Assignments, augmented ones too, anywhere in the body (nested functions and
    /// classes excluded).
    pub(crate) assignments: Vec<Owned<AssignFact>>,
    /// `return` statements: the returned call, if the value is one.
    pub(crate) returns: Vec<Owned<Option<CallFact>>>,
}

impl FunctionItems {
    pub(crate) fn is_empty(&self) -> bool {
        self.decorators.is_empty()
            && self.globals.is_empty()
            && self.assignments.is_empty()
            && self.returns.is_empty()
    }
}

/// The items of `list` that belong to function `index` (its extent `extent`).
fn owned_by<T>(list: &[Owned<T>], extent: Extent, index: usize) -> impl Iterator<Item = &T> {
    list.get(extent.range())
        .unwrap_or_default()
        .iter()
        .filter(move |o| o.function as usize == index)
        .map(|o| &o.item)
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
        if let Some(items) = &mut self.items {
            items.decorators.shrink_to_fit();
            items.globals.shrink_to_fit();
            items.assignments.shrink_to_fit();
            items.returns.shrink_to_fit();
        }
        self.calls.shrink_to_fit();
    }

    /// The decorators of function `index` (none for an index out of range).
    pub fn decorators(&self, index: usize) -> impl Iterator<Item = &Decorator> {
        let extent = self.extents(index).decorators;
        owned_by(
            self.items.as_ref().map_or(&[][..], |i| &i.decorators[..]),
            extent,
            index,
        )
    }

    /// The names of the `global` statements in the body of function `index`.
    pub fn globals(&self, index: usize) -> impl Iterator<Item = &Span> {
        let extent = self.extents(index).globals;
        owned_by(
            self.items.as_ref().map_or(&[][..], |i| &i.globals[..]),
            extent,
            index,
        )
    }

    /// The assignments in the body of function `index`.
    pub fn assignments(&self, index: usize) -> impl Iterator<Item = &AssignFact> {
        let extent = self.extents(index).assignments;
        owned_by(
            self.items.as_ref().map_or(&[][..], |i| &i.assignments[..]),
            extent,
            index,
        )
    }

    /// The `return` statements of function `index`: the returned call, if it is one.
    pub fn returns(&self, index: usize) -> impl Iterator<Item = &Option<CallFact>> {
        let extent = self.extents(index).returns;
        owned_by(
            self.items.as_ref().map_or(&[][..], |i| &i.returns[..]),
            extent,
            index,
        )
    }

    fn extents(&self, index: usize) -> FunctionExtents {
        self.functions
            .get(index)
            .map(|f| f.extents)
            .unwrap_or_default()
    }

    /// Set the extents of the items from `from` on in each list (their functions are in
    /// [`Self::functions`]): after items were added.
    pub(crate) fn cover_items(&mut self, from: &FunctionItemCounts) {
        let functions = &mut self.functions;
        let mut cover = |owner: u32, at: usize, pick: fn(&mut FunctionExtents) -> &mut Extent| {
            if let Some(f) = functions.get_mut(owner as usize) {
                pick(&mut f.extents).include(at);
            }
        };
        let Some(items) = self.items.as_deref() else {
            return;
        };
        for (at, o) in items.decorators.iter().enumerate().skip(from.decorators) {
            cover(o.function, at, |e| &mut e.decorators);
        }
        for (at, o) in items.globals.iter().enumerate().skip(from.globals) {
            cover(o.function, at, |e| &mut e.globals);
        }
        for (at, o) in items.assignments.iter().enumerate().skip(from.assignments) {
            cover(o.function, at, |e| &mut e.assignments);
        }
        for (at, o) in items.returns.iter().enumerate().skip(from.returns) {
            cover(o.function, at, |e| &mut e.returns);
        }
    }

    /// How many items each list holds now (see [`Self::cover_items`]).
    pub(crate) fn item_counts(&self) -> FunctionItemCounts {
        self.items
            .as_deref()
            .map_or_else(FunctionItemCounts::default, |items| FunctionItemCounts {
                decorators: items.decorators.len(),
                globals: items.globals.len(),
                assignments: items.assignments.len(),
                returns: items.returns.len(),
            })
    }

    /// The item lists, made when the first item comes.
    pub(crate) fn items_mut(&mut self) -> &mut FunctionItems {
        self.items.get_or_insert_with(Default::default)
    }
}

/// Lengths of the lists of [`FunctionItems`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FunctionItemCounts {
    decorators: usize,
    globals: usize,
    assignments: usize,
    returns: usize,
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn a_span_keeps_its_offsets_and_an_option_of_it_costs_nothing() {
        assert_eq!(std::mem::size_of::<Option<Span>>(), 8);
        let span = Span::new(3..17);
        assert_eq!((span.start(), span.end(), span.range()), (3, 17, 3..17));
        assert_eq!(Span::default().range(), 0..0);
        assert!(Span::new(5..5).is_empty());
        assert_eq!(span.shifted(-5).range(), 0..12);
        assert!(Span::new(1..2) < Span::new(1..3));
        let max = u32::MAX as usize;
        assert_eq!(Span::new(max..max + 10).range(), max..max - 1);
        assert_eq!(format!("{span:?}"), "Span { start: 3, end: 17 }");
    }
}
