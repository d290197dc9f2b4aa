//! Statements whose facts are read exactly, in a function's body or at module level
//! ([`Place`]): placeholders, `global` names and `return` (in functions), `raise`,
//! `del`, `assert`, `break`, `continue`, imports (`imports.rs`), assignments (augmented and annotated
//! too) to a name, a dotted attribute or a subscript of a dotted name, expression
//! statements, of the values `values.rs` reads, and the compound statements
//! (`compound.rs`) holding such statements. What they contribute (`defs::Collector`,
//! `facts.rs`): items of the function (`globals`, `returns`, `assignments`), module-level
//! bindings (`defs::Collector::module_assignment`), imports in their context and, from
//! their expressions, calls and attributes.

use super::reader::Reader;
use crate::python::model::{
    AssignFact, ImportContext, ModuleAssignment, Owned, Scope, Span, Target,
};
use crate::python::scan::Tok;

const AUGMENTED: &[&str] = &[
    "+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "|=", "&=", "^=", "<<=", ">>=",
];

impl Reader<'_> {
    /// One statement at `place` and its line's end (a compound statement's: its
    /// blocks), its imports in `context`; the span of the statement.
    pub(super) fn statement(&mut self, place: Place, context: ImportContext) -> Option<Span> {
        let t = *self.peek()?;
        let word = self.word(&t).to_owned();
        let async_def = word == "async"
            && self
                .tokens
                .get(self.at + 1)
                .is_some_and(|n| self.word(n) == "def");
        let definition = match t.kind {
            Tok::Op => word == "@",
            Tok::Name => matches!(word.as_str(), "def" | "class") || async_def,
            _ => false,
        };
        if definition {
            return self.nested_definition(place, context);
        }
        let placeholder = match t.kind {
            Tok::String => true,
            Tok::Op => word == "...",
            Tok::Name => word == "pass",
            _ => false,
        };
        if placeholder {
            return self.placeholder();
        }
        let start = self.span(&t, &t)?;
        if t.kind == Tok::Name {
            match word.as_str() {
                "import" | "from" => return self.import(context),
                "if" | "while" => return self.conditional(place, context),
                "for" => return self.for_loop(place, context),
                "try" => return self.try_statement(place, context),
                "with" => return self.with_statement(place, context),
                "break" | "continue" => {
                    self.at += 1;
                    return self.line_end(start);
                }
                "del" => {
                    self.at += 1;
                    let end = self.expression_list()?.span;
                    return self.line_end(Span::new(start.start()..end.end()));
                }
                "assert" => {
                    self.at += 1;
                    let mut end = self.expression(0)?.span;
                    if self.op(",").is_some() {
                        end = self.expression(0)?.span;
                    }
                    return self.line_end(Span::new(start.start()..end.end()));
                }
                "raise" => {
                    self.at += 1;
                    let mut end = start;
                    if self.peek().is_some_and(|t| t.kind != Tok::Newline) {
                        end = self.expression_list()?.span;
                        if self.eat(Tok::Name, Some("from")).is_some() {
                            end = self.expression(0)?.span;
                        }
                    }
                    return self.line_end(Span::new(start.start()..end.end()));
                }
                _ => {}
            }
        }
        let Place::Function(function) = place else {
            return self.module_level(place);
        };
        let owner = u32::try_from(function).ok()?;
        if t.kind == Tok::Name && word == "global" {
            self.at += 1;
            let end = loop {
                let name = self.name()?;
                let end = self.span(&name, &name)?;
                let item = Owned {
                    function: owner,
                    item: end,
                };
                self.facts.defs.items_mut().globals.push(item);
                if self.op(",").is_none() {
                    break end;
                }
            };
            return self.line_end(Span::new(start.start()..end.end()));
        }
        if t.kind == Tok::Name && word == "return" {
            self.at += 1;
            let (mut end, mut call) = (start, None);
            if self.peek().is_some_and(|t| t.kind != Tok::Newline) {
                let value = self.expression_list()?;
                (end, call) = (value.span, value.call);
            }
            let line = self.line_end(Span::new(start.start()..end.end()))?;
            let item = Owned {
                function: owner,
                item: call,
            };
            self.facts.defs.items_mut().returns.push(item);
            return Some(line);
        }
        let left = self.expression_list()?;
        let Some(operator) = self.assignment_operator() else {
            return self.line_end(left.span);
        };
        let target = left.target?;
        let mut end = left.span;
        if operator == ":" {
            end = self.expression(0)?.span;
        }
        let right = if operator != ":" || self.op("=").is_some() {
            Some(self.expression_list()?)
        } else {
            None
        };
        if let Some(value) = &right {
            end = value.span;
        }
        let range = Span::new(left.span.start()..end.end());
        let line = self.line_end(range)?;
        let assign = AssignFact {
            target,
            range,
            value_is_call: right.as_ref().is_some_and(|v| v.call.is_some()),
            value_is_name: right.as_ref().is_some_and(|v| v.name),
            value: right.and_then(|v| v.call),
        };
        let item = Owned {
            function: owner,
            item: assign,
        };
        self.facts.defs.items_mut().assignments.push(item);
        Some(line)
    }

    /// A definition in a block or a function's body: a function of no class, a class
    /// in the scope of `place`.
    fn nested_definition(&mut self, place: Place, context: ImportContext) -> Option<Span> {
        let decorators = self.decorators()?;
        let first = *self.peek()?;
        let scope = match place {
            Place::Function(_) => Scope::Function,
            Place::Module { .. } => Scope::Module,
        };
        match self.word(&first) {
            "class" => self.class_in(first, decorators, scope, context),
            "def" | "async" => self.function_in(first, decorators, None, scope, context),
            _ => None,
        }
    }

    /// After a statement's first expression list: its assignment operator (`=`, the `:`
    /// of an annotation or an augmented one), taken; `None`, nothing taken, for an
    /// expression statement (or the end of the tokens).
    fn assignment_operator(&mut self) -> Option<String> {
        let next = *self.peek()?;
        let operator = self.word(&next);
        if next.kind != Tok::Op
            || !(operator == "=" || operator == ":" || AUGMENTED.contains(&operator))
        {
            return None;
        }
        let operator = operator.to_owned();
        self.at += 1;
        Some(operator)
    }

    /// An expression statement or assignment outside functions: at `Place::Module` with
    /// `bindings`, each name an assignment binds is a `ModuleAssignment` (`a = b = v`
    /// too); other targets bind nothing, and a tuple target is left to tree-sitter.
    fn module_level(&mut self, place: Place) -> Option<Span> {
        let bindings = matches!(place, Place::Module { bindings: true });
        let first = self.expression_list()?;
        let Some(operator) = self.assignment_operator() else {
            return self.line_end(first.span);
        };
        first.target.as_ref()?;
        let start = first.span;
        let annotated = operator == ":";
        if annotated {
            let end = self.expression(0)?.span;
            if self.op("=").is_none() {
                return self.line_end(Span::new(start.start()..end.end()));
            }
        }
        let mut targets = vec![first];
        let mut value = self.expression_list()?;
        if operator == "=" {
            while self.op("=").is_some() {
                value.target.as_ref()?;
                targets.push(std::mem::replace(&mut value, self.expression_list()?));
            }
        }
        let statement = Span::new(start.start()..value.span.end());
        let line = self.line_end(statement)?;
        if bindings && !AUGMENTED.contains(&operator.as_str()) {
            for target in targets {
                if let Some(Target::Name(name)) = target.target {
                    self.facts.defs.module_assignments.push(ModuleAssignment {
                        name,
                        value: value.call.clone(),
                        dotted: value.dotted,
                        annotated,
                        statement,
                    });
                }
            }
        }
        Some(line)
    }
}

/// Where a statement is, for what its assignments are.
#[derive(Clone, Copy)]
pub(super) enum Place {
    /// In the body of this function: an assignment is its item.
    Function(usize),
    /// Outside functions and classes; `bindings`: where the walk records module-level
    /// bindings (`facts.rs`'s `Level::Statements`: not under `for`, `while` or
    /// `if __name__ == "__main__"`).
    Module { bindings: bool },
}

impl Place {
    /// The place of statements in a block that binds no module-level names.
    pub(super) fn unbound(self) -> Place {
        match self {
            Place::Module { .. } => Place::Module { bindings: false },
            function => function,
        }
    }
}
