//! Moving facts by a byte offset, so facts extracted from one chunk of a file (offsets
//! relative to the chunk) join the facts of the others ([`Facts::append`]), and facts of
//! a class or function member parsed on its own join their owner
//! ([`Facts::append_member`]).
//!
//! Every type that holds a [`TextRange`] implements [`Shift`]; a new range field that
//! is not shifted here shows up as a difference in the chunk equivalence tests.

use super::chunks::Block;
use super::model::{
    AssignFact, AttributeRef, CallFact, ClassAttribute, ClassFact, Decorator, DefFacts, Facts,
    FunctionFact, FunctionItems, Import, ImportedName, Keyword, ModuleAssignment, ModuleRef, Owned,
    Parameters, Span, StringLiteral, Target,
};
use super::noqa::Comment;
use crate::source::TextRange;

/// Add `by` to every byte offset.
pub trait Shift {
    fn shift(&mut self, by: isize);
}

impl Facts {
    /// Append the facts of a later part of the same file, whose offsets count from
    /// `offset`.
    pub fn append(&mut self, mut other: Facts, offset: usize) {
        other.shift(signed(offset));
        self.defs.renumber(&mut other.defs);
        self.extend(other);
    }

    /// Append the facts of a member of a `block` parsed inside its wrapper
    /// ([`Block::wrapper`]; offsets count from the wrapper, which stands `offset` bytes
    /// after this text's start): the wrapper's own class or function is dropped and what
    /// it held goes to class or function `owner` (methods, attributes, assignments,
    /// returns, `global`s, its end), or to nothing. `None` (nothing appended) when `other`
    /// does not start with the wrapper's definition.
    pub fn append_member(
        &mut self,
        mut other: Facts,
        offset: usize,
        block: Block,
        owner: Option<usize>,
    ) -> Option<()> {
        let name = Span::new(block.wrapper_name());
        // The wrapper's definition comes first: before any other class or function.
        let class = other.defs.classes.first().map(|c| &c.name);
        let function = other.defs.functions.first().map(|f| &f.name);
        let wrapped = match block {
            Block::Class => {
                class == Some(&name) && function.is_none_or(|f| f.start() > name.start())
            }
            Block::Function => {
                function == Some(&name) && class.is_none_or(|c| c.start() > name.start())
            }
        };
        let owners = match block {
            Block::Class => self.defs.classes.len(),
            Block::Function => self.defs.functions.len(),
        };
        if !wrapped || owner.is_some_and(|o| o >= owners) {
            return None;
        }
        let delta = signed(offset) - signed(block.wrapper().len());
        other.shift(delta);
        let (classes, functions) = (self.defs.classes.len(), self.defs.functions.len());
        match block {
            Block::Class => {
                let mut wrapper = other.defs.classes.remove(0);
                for function in &mut other.defs.functions {
                    function.class = match function.class {
                        Some(0) => owner,
                        Some(c) => Some(classes + c - 1),
                        None => None,
                    };
                }
                if let Some(items) = other.defs.items.as_deref_mut() {
                    items.renumber(|f| Some(f + index(functions)));
                }
                for c in &mut other.defs.classes {
                    for method in &mut c.methods {
                        *method += functions;
                    }
                }
                if let Some(target) = owner.and_then(|o| self.defs.classes.get_mut(o)) {
                    target
                        .methods
                        .extend(wrapper.methods.iter().map(|m| m + functions));
                    target.attributes.append(&mut wrapper.attributes);
                    target.range = Span::new(target.range.start()..wrapper.range.end());
                }
            }
            Block::Function => {
                let wrapper = other.defs.functions.remove(0);
                let owner_index = owner.map(index);
                if let Some(items) = other.defs.items.as_deref_mut() {
                    items.renumber(|f| match f {
                        0 => owner_index,
                        f => Some(f - 1 + index(functions)),
                    });
                }
                for function in &mut other.defs.functions {
                    if let Some(c) = &mut function.class {
                        *c += classes;
                    }
                }
                for c in &mut other.defs.classes {
                    for method in &mut c.methods {
                        *method = method.saturating_sub(1) + functions;
                    }
                }
                // The wrapper's assignments, returns and `global`s went to the owner above.
                if let Some(target) = owner.and_then(|o| self.defs.functions.get_mut(o)) {
                    target.range = Span::new(target.range.start()..wrapper.range.end());
                }
            }
        }
        self.extend(other);
        Some(())
    }

    /// Append without renumbering or shifting; the functions' items are placed anew.
    fn extend(&mut self, mut other: Facts) {
        let counts = self.defs.item_counts();
        for function in &mut other.defs.functions {
            function.extents = Default::default();
        }
        // An empty list is no list, so facts that hold the same compare equal.
        if let Some(mut theirs) = other.defs.items.take().filter(|i| !i.is_empty()) {
            match &mut self.defs.items {
                Some(items) => {
                    items.decorators.append(&mut theirs.decorators);
                    items.globals.append(&mut theirs.globals);
                    items.assignments.append(&mut theirs.assignments);
                    items.returns.append(&mut theirs.returns);
                }
                None => self.defs.items = Some(theirs),
            }
        }
        self.imports.append(&mut other.imports);
        self.strings.append(&mut other.strings);
        self.comments.append(&mut other.comments);
        self.syntax_errors.append(&mut other.syntax_errors);
        self.attributes.append(&mut other.attributes);
        let defs = &mut self.defs;
        defs.module_assignments
            .append(&mut other.defs.module_assignments);
        defs.classes.append(&mut other.defs.classes);
        defs.functions.append(&mut other.defs.functions);
        defs.calls.append(&mut other.defs.calls);
        defs.cover_items(&counts);
    }
}

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

/// A function index as items name it.
fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl FunctionItems {
    /// Give each item its function's new index (`None`: the item goes).
    fn renumber(&mut self, new: impl Fn(u32) -> Option<u32>) {
        fn each<T>(list: &mut Vec<Owned<T>>, new: &impl Fn(u32) -> Option<u32>) {
            list.retain_mut(|o| match new(o.function) {
                Some(f) => {
                    o.function = f;
                    true
                }
                None => false,
            });
        }
        each(&mut self.decorators, &new);
        each(&mut self.globals, &new);
        each(&mut self.assignments, &new);
        each(&mut self.returns, &new);
    }
}

impl DefFacts {
    /// Renumber the class and function indexes of `other`, which is to follow these.
    fn renumber(&self, other: &mut DefFacts) {
        let classes = self.classes.len();
        let functions = self.functions.len();
        for class in &mut other.classes {
            for method in &mut class.methods {
                *method += functions;
            }
        }
        for function in &mut other.functions {
            if let Some(class) = &mut function.class {
                *class += classes;
            }
        }
        if let Some(items) = other.items.as_deref_mut() {
            items.renumber(|f| Some(f + index(functions)));
        }
    }
}

impl Shift for TextRange {
    fn shift(&mut self, by: isize) {
        self.start = self.start.saturating_add_signed(by);
        self.end = self.end.saturating_add_signed(by);
    }
}

impl Shift for Span {
    fn shift(&mut self, by: isize) {
        *self = self.shifted(by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: isize) {
        if let Some(t) = self {
            t.shift(by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: isize) {
        for t in self {
            t.shift(by);
        }
    }
}

impl Shift for Facts {
    fn shift(&mut self, by: isize) {
        self.imports.shift(by);
        self.strings.shift(by);
        self.comments.shift(by);
        self.syntax_errors.shift(by);
        self.defs.shift(by);
        self.attributes.shift(by);
    }
}

impl Shift for Import {
    fn shift(&mut self, by: isize) {
        self.range.shift(by);
        self.module.shift(by);
        self.names.shift(by);
        self.star.shift(by);
    }
}

impl Shift for ModuleRef {
    fn shift(&mut self, by: isize) {
        self.range.shift(by);
    }
}

impl Shift for ImportedName {
    fn shift(&mut self, by: isize) {
        self.name_range.shift(by);
        if let Some((_, range)) = &mut self.alias {
            range.shift(by);
        }
        self.range.shift(by);
    }
}

impl Shift for StringLiteral {
    fn shift(&mut self, by: isize) {
        self.content_range.shift(by);
        self.range.shift(by);
    }
}

impl Shift for Comment {
    fn shift(&mut self, by: isize) {
        self.range.shift(by);
    }
}

impl Shift for AttributeRef {
    fn shift(&mut self, by: isize) {
        self.object.shift(by);
        self.attribute.shift(by);
    }
}

impl Shift for DefFacts {
    fn shift(&mut self, by: isize) {
        self.module_assignments.shift(by);
        self.classes.shift(by);
        self.functions.shift(by);
        self.calls.shift(by);
        if let Some(items) = self.items.as_deref_mut() {
            items.shift(by);
        }
    }
}

impl Shift for FunctionItems {
    fn shift(&mut self, by: isize) {
        self.decorators.shift(by);
        self.globals.shift(by);
        self.assignments.shift(by);
        self.returns.shift(by);
    }
}

impl<T: Shift> Shift for Owned<T> {
    fn shift(&mut self, by: isize) {
        self.item.shift(by);
    }
}

impl Shift for CallFact {
    fn shift(&mut self, by: isize) {
        self.range.shift(by);
        self.callee.shift(by);
    }
}

impl Shift for ModuleAssignment {
    fn shift(&mut self, by: isize) {
        self.name.shift(by);
        self.value.shift(by);
        self.dotted.shift(by);
        self.statement.shift(by);
    }
}

impl Shift for Target {
    fn shift(&mut self, by: isize) {
        match self {
            Target::Name(r) => r.shift(by),
            Target::Attribute { object, attr } => {
                object.shift(by);
                attr.shift(by);
            }
            Target::Subscript { object } => object.shift(by),
            Target::Other => {}
        }
    }
}

impl Shift for AssignFact {
    fn shift(&mut self, by: isize) {
        self.target.shift(by);
        self.range.shift(by);
        self.value.shift(by);
    }
}

impl Shift for Decorator {
    fn shift(&mut self, by: isize) {
        self.name.shift(by);
        self.range.shift(by);
    }
}

impl Shift for Parameters {
    fn shift(&mut self, by: isize) {
        self.first.shift(by);
    }
}

impl Shift for FunctionFact {
    fn shift(&mut self, by: isize) {
        self.name.shift(by);
        self.range.shift(by);
        self.parameters.shift(by);
    }
}

impl Shift for Keyword {
    fn shift(&mut self, by: isize) {
        self.name.shift(by);
        self.value.shift(by);
    }
}

impl Shift for ClassAttribute {
    fn shift(&mut self, by: isize) {
        self.name.shift(by);
        self.value.shift(by);
        self.call.shift(by);
    }
}

impl Shift for ClassFact {
    fn shift(&mut self, by: isize) {
        self.name.shift(by);
        self.range.shift(by);
        self.bases.shift(by);
        self.keywords.shift(by);
        self.decorators.shift(by);
        self.attributes.shift(by);
    }
}

#[cfg(test)]
mod tests {
    use crate::python::{analyze, parse, Facts};

    /// A function parsed member by member, a nested function between its statements,
    /// and a class whose methods are members: each function reads its own items, the
    /// same as from one parse of the whole text.
    #[test]
    fn members_keep_each_functions_items() {
        let text = "@cache\ndef outer(self, *args):\n    global g\n    a = make()\n    def inner():\n        b = make()\n        return make()\n    c = other()\n    return build()\n\n\nclass C:\n    def m(self):\n        self.x = 1\n\n    @staticmethod\n    def s():\n        return C()\n";
        let whole = Facts::extract(&parse(text), text, None);
        let chunked = analyze(text, None);
        assert_eq!(chunked, whole);
        let defs = &chunked.defs;
        let at = |s: &crate::python::Span| &text[*s];
        let names: Vec<&str> = defs.functions.iter().map(|f| at(&f.name)).collect();
        assert_eq!(names, ["outer", "inner", "m", "s"]);
        let assigned =
            |f: usize| -> Vec<&str> { defs.assignments(f).map(|a| &text[a.range]).collect() };
        assert_eq!(assigned(0), ["a = make()", "c = other()"]);
        assert_eq!(assigned(1), ["b = make()"]);
        assert_eq!(assigned(2), ["self.x = 1"]);
        assert_eq!(assigned(3), Vec::<&str>::new());
        let returned = |f: usize| -> Vec<&str> {
            defs.returns(f)
                .map(|r| r.as_ref().map_or("", |c| &text[c.range]))
                .collect()
        };
        assert_eq!(returned(0), ["build()"]);
        assert_eq!(returned(1), ["make()"]);
        assert_eq!(returned(3), ["C()"]);
        let globals: Vec<&str> = defs.globals(0).map(at).collect();
        assert_eq!(globals, ["g"]);
        assert_eq!(defs.globals(1).count(), 0);
        let decorated =
            |f: usize| -> Vec<&str> { defs.decorators(f).map(|d| &text[d.range]).collect() };
        assert_eq!(decorated(0), ["cache"]);
        assert_eq!(decorated(3), ["staticmethod"]);
        assert_eq!(decorated(2), Vec::<&str>::new());
        let outer = &defs.functions[0].parameters;
        assert_eq!(
            (outer.first.map(|p| at(&p)), outer.count, outer.star),
            (Some("self"), 2, true)
        );
        assert_eq!(defs.functions[3].parameters.count, 0);
        assert_eq!(defs.assignments(99).count(), 0);
    }
}
