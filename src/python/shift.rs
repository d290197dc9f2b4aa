//! Moving facts by a byte offset, so facts extracted from one chunk of a file (offsets
//! relative to the chunk) join the facts of the others ([`Facts::append`]).
//!
//! Every type that holds a [`TextRange`] implements [`Shift`]; a new range field that
//! is not shifted here shows up as a difference in the chunk equivalence tests.

use super::defs::{
    AssignFact, CallFact, ClassAttribute, ClassFact, Decorator, DefFacts, FunctionFact, Keyword,
    ModuleAssignment, Parameter, Target,
};
use super::facts::{
    AttributeRef, Comment, Definition, Facts, Import, ImportedName, ModuleRef, StringLiteral,
};
use crate::source::TextRange;

/// Add `by` to every byte offset.
pub trait Shift {
    fn shift(&mut self, by: usize);
}

impl Facts {
    /// Append the facts of a later part of the same file, whose offsets count from
    /// `offset`.
    pub fn append(&mut self, mut other: Facts, offset: usize) {
        other.shift(offset);
        self.imports.append(&mut other.imports);
        self.strings.append(&mut other.strings);
        self.definitions.append(&mut other.definitions);
        self.comments.append(&mut other.comments);
        self.syntax_errors.append(&mut other.syntax_errors);
        self.attributes.append(&mut other.attributes);
        self.defs.append(other.defs);
    }
}

impl DefFacts {
    /// Append, renumbering the class and function indexes of `other`.
    fn append(&mut self, mut other: DefFacts) {
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
        self.module_assignments
            .append(&mut other.module_assignments);
        self.classes.append(&mut other.classes);
        self.functions.append(&mut other.functions);
        self.calls.append(&mut other.calls);
    }
}

impl Shift for TextRange {
    fn shift(&mut self, by: usize) {
        self.start += by;
        self.end += by;
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: usize) {
        if let Some(t) = self {
            t.shift(by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: usize) {
        for t in self {
            t.shift(by);
        }
    }
}

impl Shift for Facts {
    fn shift(&mut self, by: usize) {
        self.imports.shift(by);
        self.strings.shift(by);
        self.definitions.shift(by);
        self.comments.shift(by);
        self.syntax_errors.shift(by);
        self.defs.shift(by);
        self.attributes.shift(by);
    }
}

impl Shift for Import {
    fn shift(&mut self, by: usize) {
        self.range.shift(by);
        self.module.shift(by);
        self.names.shift(by);
        self.star.shift(by);
    }
}

impl Shift for ModuleRef {
    fn shift(&mut self, by: usize) {
        self.range.shift(by);
    }
}

impl Shift for ImportedName {
    fn shift(&mut self, by: usize) {
        self.name_range.shift(by);
        if let Some((_, range)) = &mut self.alias {
            range.shift(by);
        }
        self.range.shift(by);
    }
}

impl Shift for StringLiteral {
    fn shift(&mut self, by: usize) {
        self.content_range.shift(by);
        self.range.shift(by);
    }
}

impl Shift for Definition {
    fn shift(&mut self, by: usize) {
        self.name_range.shift(by);
    }
}

impl Shift for Comment {
    fn shift(&mut self, by: usize) {
        self.range.shift(by);
    }
}

impl Shift for AttributeRef {
    fn shift(&mut self, by: usize) {
        self.object.shift(by);
        self.attribute.shift(by);
    }
}

impl Shift for DefFacts {
    fn shift(&mut self, by: usize) {
        self.module_assignments.shift(by);
        self.classes.shift(by);
        self.functions.shift(by);
        self.calls.shift(by);
    }
}

impl Shift for CallFact {
    fn shift(&mut self, by: usize) {
        self.range.shift(by);
        self.callee.shift(by);
    }
}

impl Shift for ModuleAssignment {
    fn shift(&mut self, by: usize) {
        self.name.shift(by);
        self.value.shift(by);
        self.statement.shift(by);
    }
}

impl Shift for Target {
    fn shift(&mut self, by: usize) {
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
    fn shift(&mut self, by: usize) {
        self.target.shift(by);
        self.range.shift(by);
        self.value.shift(by);
    }
}

impl Shift for Decorator {
    fn shift(&mut self, by: usize) {
        self.name.shift(by);
        self.range.shift(by);
    }
}

impl Shift for Parameter {
    fn shift(&mut self, by: usize) {
        self.name.shift(by);
    }
}

impl Shift for FunctionFact {
    fn shift(&mut self, by: usize) {
        self.name.shift(by);
        self.range.shift(by);
        self.parameters.shift(by);
        self.decorators.shift(by);
        self.globals.shift(by);
        self.assignments.shift(by);
        self.returns.shift(by);
    }
}

impl Shift for Keyword {
    fn shift(&mut self, by: usize) {
        self.name.shift(by);
        self.value.shift(by);
    }
}

impl Shift for ClassAttribute {
    fn shift(&mut self, by: usize) {
        self.name.shift(by);
        self.value.shift(by);
        self.call.shift(by);
    }
}

impl Shift for ClassFact {
    fn shift(&mut self, by: usize) {
        self.name.shift(by);
        self.range.shift(by);
        self.bases.shift(by);
        self.keywords.shift(by);
        self.decorators.shift(by);
        self.attributes.shift(by);
    }
}
