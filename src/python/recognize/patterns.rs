//! The `match` statement's subject and `case` patterns: the patterns both
//! tree-sitter-python and CPython take (literals, capture and value names, class,
//! sequence and or-patterns, `as`); mapping and complex-number patterns are unsure.

use super::literals::number_ok;
use super::parser::{fail, Parser, K_AS, K_FALSE, K_IF, K_NONE, K_TRUE, R};
use crate::python::scan::Tok;

impl<'a> Parser<'a> {
    /// After `match`, a subject that starts with a plain name (`match (a):` or
    /// `match [a]:` compete with a call or a subscript, `match case:` with soft keywords).
    pub(super) fn at_match_subject(&self) -> bool {
        self.toks.get(self.pos + 1).is_some_and(|&t| {
            t.is_name()
                && !matches!(
                    t.text(self.text),
                    "match" | "case" | "type" | "print" | "exec"
                )
        })
    }

    /// The patterns of a `case`, up to its guard or `:`: one pattern, or a comma list as
    /// in a sequence pattern (a star only there).
    pub(super) fn case_patterns(&mut self) -> R {
        if self.at_op(":") {
            return fail();
        }
        let (comma, star) = self.pattern_items(":")?;
        (comma || !star).then_some(())
    }

    /// Patterns and starred names separated by commas, up to `end` or an `if` guard and
    /// not through it: whether there was a comma, and whether there was a star (one at
    /// most).
    fn pattern_items(&mut self, end: &str) -> R<(bool, bool)> {
        let (mut comma, mut star) = (false, false);
        while !self.at_op(end) && !self.at_kw(K_IF) {
            if self.eat_op("*") {
                if star {
                    return fail();
                }
                star = true;
                self.pattern_name()?;
            } else {
                self.as_pattern()?;
            }
            if !self.eat_op(",") {
                break;
            }
            comma = true;
        }
        Some((comma, star))
    }

    /// An or-pattern, then `as` and a name (not `_`).
    fn as_pattern(&mut self) -> R {
        self.or_pattern()?;
        if self.eat_kw(K_AS) {
            if self.s() == "_" {
                return fail();
            }
            self.pattern_name()?;
        }
        Some(())
    }

    fn or_pattern(&mut self) -> R {
        self.enter()?;
        let mut r = self.closed_pattern();
        while r.is_some() && self.eat_op("|") {
            r = self.closed_pattern();
        }
        self.leave();
        r
    }

    /// A name in a pattern: tree-sitter's `identifier`, so not `print`, `exec` or a soft
    /// keyword.
    fn pattern_name(&mut self) -> R {
        if matches!(self.s(), "match" | "case" | "type" | "print" | "exec") {
            return fail();
        }
        self.name()
    }

    /// A literal, a capture or value name (dotted), a class pattern, or a group, tuple or
    /// list of patterns. No mapping or complex-number patterns.
    fn closed_pattern(&mut self) -> R {
        match self.kind() {
            Tok::String => {
                while self.kind() == Tok::String {
                    self.advance();
                }
                Some(())
            }
            Tok::Number => self.pattern_number(),
            Tok::Op if self.at_op("-") => {
                self.advance();
                self.pattern_number()
            }
            Tok::Op if self.at_op("(") => {
                self.advance();
                let (comma, star) = self.pattern_items(")")?;
                if star && !comma {
                    return fail();
                }
                self.op(")")
            }
            Tok::Op if self.at_op("[") => {
                self.advance();
                self.pattern_items("]")?;
                self.op("]")
            }
            Tok::Name if matches!(self.word(), K_NONE | K_TRUE | K_FALSE) => {
                self.advance();
                Some(())
            }
            Tok::Name => {
                self.pattern_name()?;
                while self.eat_op(".") {
                    self.pattern_name()?;
                }
                if self.eat_op("(") {
                    self.class_pattern_args()?;
                }
                Some(())
            }
            _ => fail(),
        }
    }

    /// A real number, not imaginary (`1j` alone is a complex pattern).
    fn pattern_number(&mut self) -> R {
        let s = self.s();
        if self.kind() != Tok::Number || !number_ok(s) || s.ends_with(['j', 'J']) {
            return fail();
        }
        self.advance();
        Some(())
    }

    /// After a class pattern's `(`, through its `)`: patterns, then keyword patterns
    /// whose value is an or-pattern (tree-sitter takes no `as` there).
    fn class_pattern_args(&mut self) -> R {
        let mut keywords = false;
        while !self.at_op(")") {
            if self.kind() == Tok::Name && self.next_str() == "=" {
                keywords = true;
                self.pattern_name()?;
                self.advance();
                self.or_pattern()?;
            } else if keywords {
                return fail();
            } else {
                self.as_pattern()?;
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.op(")")
    }
}
