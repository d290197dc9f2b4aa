//! What the definitions of one text do (stores, getters, `global`s): asked by the
//! reducer's needle pass only where a conditional needle stands.

use std::collections::HashMap;

use super::lines::{Kind, Line};
use super::tokens::{
    declared_names, is_assignment_op, is_attribute_of_name, is_op, next_code, previous_code,
    token_range,
};
use crate::python::scan::{LogicalLine, Tok, Token};

/// What the definitions of one text do, asked for only where a conditional needle
/// stands (each definition scanned once).
pub(super) struct Definitions<'a> {
    b: &'a [u8],
    tokens: &'a [Token],
    lines: &'a [LogicalLine],
    /// Per definition line, whether its body assigns an attribute of a plain name.
    stores: HashMap<usize, bool>,
}

impl<'a> Definitions<'a> {
    pub(super) fn new(b: &'a [u8], tokens: &'a [Token], lines: &'a [LogicalLine]) -> Self {
        Definitions {
            b,
            tokens,
            lines,
            stores: HashMap::new(),
        }
    }

    /// The tokens of the definition `lines[d]` (its header and its indented body), as
    /// an index range.
    pub(super) fn tokens_of(&self, d: usize) -> std::ops::Range<usize> {
        let lines = self.lines;
        let mut end = d + 1;
        while end < lines.len() && lines[end].indent > lines[d].indent {
            end += 1;
        }
        token_range(self.tokens, lines[d].start(), lines[end - 1].end())
    }

    /// Does the definition headed at `lines[h]` (a decorator, `def` or `class` line)
    /// assign an attribute of a plain name (`cls._x = …`, `C._x: T = …`, `cls._n += 1`)
    /// in its header or body? What SSOT102 reads of `__new__` and class/static methods.
    pub(super) fn stores(&mut self, h: usize) -> bool {
        let mut d = h;
        while d + 1 < self.lines.len() && self.lines[d].kind() == Kind::Decorator {
            d += 1;
        }
        if let Some(&known) = self.stores.get(&d) {
            return known;
        }
        let (b, tokens) = (self.b, self.tokens);
        let found = self.tokens_of(d).any(|i| {
            is_attribute_of_name(b, tokens, i)
                && next_code(tokens, i)
                    .is_some_and(|t| t.kind == Tok::Op && is_assignment_op(&b[t.range()]))
        });
        self.stores.insert(d, found);
        found
    }

    /// May the decorator at `lines[h]` decorate a function of at most one parameter (a
    /// name segment of its parameter list; SSOT104 reads no other)? A parameter list
    /// with a `lambda` default, whose commas are no separators, may.
    pub(super) fn is_getter(&self, h: usize) -> bool {
        let mut d = h;
        while d + 1 < self.lines.len() && self.lines[d].kind() == Kind::Decorator {
            d += 1;
        }
        if self.lines[d].kind() != Kind::Def {
            return true;
        }
        let (b, tokens) = (self.b, self.tokens);
        let from = tokens.partition_point(|t| (t.start as usize) < self.lines[d].start());
        let Some(open) = tokens[from..]
            .iter()
            .take_while(|t| (t.start as usize) < self.lines[d].end())
            .position(|t| is_op(b, t, b"("))
            .map(|p| from + p)
        else {
            return true;
        };
        let (mut depth, mut named, mut segment_named) = (0usize, 0usize, false);
        for t in &tokens[open..] {
            let text = &b[t.range()];
            match t.kind {
                Tok::Op if matches!(text, b"(" | b"[" | b"{") => depth += 1,
                Tok::Op if matches!(text, b")" | b"]" | b"}") => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Op if depth == 1 && text == b"," => {
                    named += usize::from(segment_named);
                    segment_named = false;
                }
                Tok::Name if text == b"lambda" => return true,
                Tok::Name if depth == 1 => segment_named = true,
                Tok::Newline | Tok::EndMarker => break,
                _ => {}
            }
        }
        named + usize::from(segment_named) <= 1
    }

    /// The `global` statements (indexes of their keyword tokens) grouped by the
    /// function they stand in (`None`: at module level or in a class body).
    pub(super) fn globals(&self, statements: &[usize]) -> Vec<(Option<usize>, Vec<usize>)> {
        let mut out: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        if statements.is_empty() {
            return out;
        }
        // The innermost open `def`/`class` of every line, from one pass.
        let mut owner = Vec::with_capacity(self.lines.len());
        let mut open: Vec<usize> = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            while open
                .last()
                .is_some_and(|&o| self.lines[o].indent >= line.indent)
            {
                open.pop();
            }
            owner.push(
                open.last()
                    .copied()
                    .filter(|&o| self.lines[o].kind() == Kind::Def),
            );
            if matches!(line.kind(), Kind::Def | Kind::Class) && line.colon_last {
                open.push(i);
            }
        }
        for &g in statements {
            let at = self.tokens[g].start as usize;
            let line = self
                .lines
                .partition_point(|l| l.start() <= at)
                .saturating_sub(1);
            let def = owner.get(line).copied().flatten();
            match out.iter_mut().find(|(d, _)| *d == def) {
                Some((_, list)) => list.push(g),
                None => out.push((def, vec![g])),
            }
        }
        out
    }

    /// Does the function `lines[d]` assign (`x = …`, `x += …`) one of the names its
    /// `global` statements (keyword token indexes) declare? What SSOT103 reads.
    pub(super) fn assigns_global(&self, d: usize, statements: &[usize]) -> bool {
        let (b, tokens) = (self.b, self.tokens);
        let mut names: Vec<&[u8]> = Vec::new();
        for &g in statements {
            names.extend(declared_names(b, tokens, g));
        }
        self.tokens_of(d).any(|i| {
            tokens[i].kind == Tok::Name
                && names.contains(&&b[tokens[i].range()])
                && !previous_code(tokens, i).is_some_and(|p| is_op(b, &tokens[p], b"."))
                && next_code(tokens, i)
                    .is_some_and(|t| t.kind == Tok::Op && is_assignment_op(&b[t.range()]))
        })
    }
}
