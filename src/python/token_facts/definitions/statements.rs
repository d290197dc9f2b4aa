//! Statements of a function's body whose facts are read exactly: placeholders, `global`
//! names, `return`, assignments (augmented and annotated too) to a name, a dotted
//! attribute or a subscript of a dotted name, and expression statements, of the values
//! `values.rs` reads. What they contribute (`defs::Collector`): items of the function
//! (`globals`, `returns`, `assignments`) and, from their expressions, calls and
//! attributes.

use super::reader::Reader;
use crate::python::model::{AssignFact, Owned, Span};
use crate::python::scan::Tok;

const AUGMENTED: &[&str] = &[
    "+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "|=", "&=", "^=", "<<=", ">>=",
];

impl Reader<'_> {
    /// One statement of the body of function `function` and its line's end; the span of
    /// the statement.
    pub(super) fn statement(&mut self, function: usize) -> Option<Span> {
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
