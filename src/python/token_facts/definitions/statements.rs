//! Statements of a function's body whose facts are read exactly: placeholders, `global`
//! names, `return`, `raise`, `break`, `continue`, imports (`imports.rs`), assignments
//! (augmented and annotated too) to a name, a dotted attribute or a subscript of a dotted
//! name, expression statements, of the values `values.rs` reads, and the compound
//! statements `if`, `while`, `for`, `try` and `with` holding such statements. What they
//! contribute (`defs::Collector`, `facts.rs`): items of the function (`globals`,
//! `returns`, `assignments`), imports in their context (`if TYPE_CHECKING:`, a `try:`
//! whose handlers catch `ImportError`) and, from their expressions, calls and attributes.

use super::reader::Reader;
use crate::python::facts::{catches_import_error, is_type_checking_test};
use crate::python::model::{AssignFact, ImportContext, Owned, Span};
use crate::python::scan::Tok;
use crate::python::shift::Shift;
use crate::python::token_facts::imports;

const AUGMENTED: &[&str] = &[
    "+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "|=", "&=", "^=", "<<=", ">>=",
];

impl Reader<'_> {
    /// One statement of the body of function `function` and its line's end (a compound
    /// statement's: its blocks), its imports in `context`; the span of the statement.
    pub(super) fn statement(&mut self, function: usize, context: ImportContext) -> Option<Span> {
        let owner = u32::try_from(function).ok()?;
        let t = *self.peek()?;
        let word = self.word(&t).to_owned();
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
                "if" | "while" => return self.conditional(function, context),
                "for" => return self.for_loop(function, context),
                "try" => return self.try_statement(function, context),
                "with" => return self.with_statement(function, context),
                "break" | "continue" => {
                    self.at += 1;
                    return self.line_end(start);
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
        let next = *self.peek()?;
        let operator = self.word(&next).to_owned();
        if next.kind != Tok::Op
            || !(operator == "=" || operator == ":" || AUGMENTED.contains(&operator.as_str()))
        {
            return self.line_end(left.span);
        }
        self.at += 1;
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
}

impl Reader<'_> {
    /// An `import` or `from` statement (`imports::Reader` reads it off the same tokens),
    /// its import in `context`.
    fn import(&mut self, context: ImportContext) -> Option<Span> {
        let mut reader = imports::Reader {
            kept: self.text,
            tokens: self.tokens,
            at: self.at,
        };
        // `from __future__` in a function is CPython's error, not tree-sitter's.
        let mut import = reader.statement(self.module)??;
        self.at = reader.at;
        let joined = import.range;
        let span = self.kept.span(joined.start(), joined.end())?;
        import.shift(span.start() as isize - joined.start() as isize);
        import.context = context;
        self.facts.imports.push(import);
        self.line_end(span)
    }

    /// `if` with its `elif`s and `else`, or `while` with its `else`: a block under `if
    /// TYPE_CHECKING` holds imports of that context (`facts.rs`: the `if`'s own block only).
    fn conditional(&mut self, function: usize, context: ImportContext) -> Option<Span> {
        let first = *self.peek()?;
        let keyword = self.word(&first).to_owned();
        self.at += 1;
        let condition = self.expression(0)?.span;
        let inner = if keyword == "if" && is_type_checking_test(self.text_of(condition)) {
            ImportContext {
                type_checking: true,
                ..context
            }
        } else {
            context
        };
        let mut end = self.block(function, inner)?;
        if keyword == "if" {
            while self.eat(Tok::Name, Some("elif")).is_some() {
                self.expression(0)?;
                end = self.block(function, context)?;
            }
        }
        if self.eat(Tok::Name, Some("else")).is_some() {
            end = self.block(function, context)?;
        }
        Some(Span::new(self.span(&first, &first)?.start()..end.end()))
    }

    /// `for NAMES in VALUES:` and its block, maybe an `else`; the targets are plain or
    /// dotted names.
    fn for_loop(&mut self, function: usize, context: ImportContext) -> Option<Span> {
        let first = *self.peek()?;
        self.at += 1;
        loop {
            let target = self.dotted()?;
            self.push_attribute(&target);
            if self.op(",").is_none() || self.peek().is_some_and(|t| self.word(t) == "in") {
                break;
            }
        }
        self.eat(Tok::Name, Some("in"))?;
        self.expression_list()?;
        let mut end = self.block(function, context)?;
        if self.eat(Tok::Name, Some("else")).is_some() {
            end = self.block(function, context)?;
        }
        Some(Span::new(self.span(&first, &first)?.start()..end.end()))
    }

    /// `try:`, its handlers, `else` and `finally`. When a handler catches `ImportError`
    /// (`facts::catches_import_error` of its text up to the first `:`), the imports of
    /// the `try:` block, at any depth, are guarded: the flag only ever turns on below.
    fn try_statement(&mut self, function: usize, context: ImportContext) -> Option<Span> {
        let first = *self.peek()?;
        self.at += 1;
        let body_from = self.facts.imports.len();
        let mut end = self.block(function, context)?;
        let body_to = self.facts.imports.len();
        let (mut guarded, mut handled) = (false, false);
        while let Some(except) = self.eat(Tok::Name, Some("except")) {
            if self.peek().is_some_and(|t| self.word(t) != ":") {
                self.expression(0)?;
                if self.eat(Tok::Name, Some("as")).is_some() {
                    self.name()?;
                }
            }
            let colon = *self.peek().filter(|t| self.word(t) == ":")?;
            self.kept.span(except.start as usize, colon.end as usize)?;
            let clause = self.text.get(except.start as usize..colon.end as usize)?;
            guarded |= catches_import_error(clause);
            handled = true;
            end = self.block(function, context)?;
        }
        if handled && self.eat(Tok::Name, Some("else")).is_some() {
            end = self.block(function, context)?;
        }
        if self.eat(Tok::Name, Some("finally")).is_some() {
            end = self.block(function, context)?;
        } else if !handled {
            return None;
        }
        if guarded {
            for import in self.facts.imports.get_mut(body_from..body_to)? {
                import.context.guarded = true;
            }
        }
        Some(Span::new(self.span(&first, &first)?.start()..end.end()))
    }

    /// `with VALUE [as NAME], ...:` and its block; targets are plain or dotted names.
    fn with_statement(&mut self, function: usize, context: ImportContext) -> Option<Span> {
        let first = *self.peek()?;
        self.at += 1;
        loop {
            self.expression(0)?;
            if self.eat(Tok::Name, Some("as")).is_some() {
                let target = self.dotted()?;
                self.push_attribute(&target);
            }
            if self.op(",").is_none() {
                break;
            }
        }
        let end = self.block(function, context)?;
        Some(Span::new(self.span(&first, &first)?.start()..end.end()))
    }
}
