//! Compound statements (`if`/`elif`/`else`, `while`, `for`, `try`/`except`/`else`/
//! `finally`, `with`) and imports, in functions or at module level. A block under `if
//! TYPE_CHECKING` holds imports of that context; a `try:` whose handler catches
//! `ImportError` guards the imports of its block; at module level, the blocks of `for`,
//! `while` and a main guard bind no module-level names (`facts.rs`'s `Level`).

use super::reader::Reader;
use super::statements::Place;
use crate::python::defs::is_main_guard;
use crate::python::facts::{catches_import_error, is_type_checking_test};
use crate::python::model::{ImportContext, Span};
use crate::python::scan::Tok;
use crate::python::shift::Shift;
use crate::python::token_facts::imports;

impl Reader<'_> {
    /// An `import` or `from` statement (`imports::Reader` reads it off the same tokens),
    /// its import in `context`.
    pub(super) fn import(&mut self, context: ImportContext) -> Option<Span> {
        let mut reader = imports::Reader {
            kept: self.text,
            tokens: self.tokens,
            at: self.at,
        };
        let first = *self.peek()?;
        let read = reader.statement(self.module)?;
        self.at = reader.at;
        // `from __future__ import …`: a statement of its own to tree-sitter, no fact.
        let Some(mut import) = read else {
            let last = *self.tokens.get(self.at.checked_sub(1)?)?;
            let span = self.span(&first, &last)?;
            return self.line_end(span);
        };
        let joined = import.range;
        let span = self.kept.span(joined.start(), joined.end())?;
        import.shift(span.start() as isize - joined.start() as isize);
        import.context = context;
        self.facts.imports.push(import);
        self.line_end(span)
    }

    /// `if` with its `elif`s and `else`, or `while` with its `else`: a block under `if
    /// TYPE_CHECKING` holds imports of that context (`facts.rs`: the `if`'s own block only).
    pub(super) fn conditional(&mut self, place: Place, context: ImportContext) -> Option<Span> {
        let first = *self.peek()?;
        let keyword = self.word(&first).to_owned();
        self.at += 1;
        let condition = self.expression(0)?.span;
        let test = self.text_of(condition);
        let place = if keyword == "while" || is_main_guard(test) {
            place.unbound()
        } else {
            place
        };
        let inner = if keyword == "if" && is_type_checking_test(test) {
            ImportContext {
                type_checking: true,
                ..context
            }
        } else {
            context
        };
        let mut end = self.block(place, inner)?;
        if keyword == "if" {
            while self.eat(Tok::Name, Some("elif")).is_some() {
                self.expression(0)?;
                end = self.block(place, context)?;
            }
        }
        if self.eat(Tok::Name, Some("else")).is_some() {
            end = self.block(place, context)?;
        }
        Some(Span::new(self.span(&first, &first)?.start()..end.end()))
    }

    /// `for NAMES in VALUES:` and its block, maybe an `else`; the targets are plain or
    /// dotted names.
    pub(super) fn for_loop(&mut self, place: Place, context: ImportContext) -> Option<Span> {
        let place = place.unbound();
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
        let mut end = self.block(place, context)?;
        if self.eat(Tok::Name, Some("else")).is_some() {
            end = self.block(place, context)?;
        }
        Some(Span::new(self.span(&first, &first)?.start()..end.end()))
    }

    /// `try:`, its handlers, `else` and `finally`. When a handler catches `ImportError`
    /// (`facts::catches_import_error` of its text up to the first `:`), the imports of
    /// the `try:` block, at any depth, are guarded: the flag only ever turns on below.
    pub(super) fn try_statement(&mut self, place: Place, context: ImportContext) -> Option<Span> {
        let first = *self.peek()?;
        self.at += 1;
        let body_from = self.facts.imports.len();
        let mut end = self.block(place, context)?;
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
            end = self.block(place, context)?;
        }
        if handled && self.eat(Tok::Name, Some("else")).is_some() {
            end = self.block(place, context)?;
        }
        if self.eat(Tok::Name, Some("finally")).is_some() {
            end = self.block(place, context)?;
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
    pub(super) fn with_statement(&mut self, place: Place, context: ImportContext) -> Option<Span> {
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
        let end = self.block(place, context)?;
        Some(Span::new(self.span(&first, &first)?.start()..end.end()))
    }
}
