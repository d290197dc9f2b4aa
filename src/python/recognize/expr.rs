//! The expression grammar: lists, operators by binding power, atoms, displays and
//! comprehensions, call arguments and subscripts.

use super::literals::number_ok;
use super::parser::{
    fail, Parser, Shape, BP_AND, BP_BOR, BP_CMP, BP_NOT, BP_OR, BP_UNARY, K_AND, K_ASYNC, K_AWAIT,
    K_ELSE, K_FALSE, K_FOR, K_IF, K_IN, K_IS, K_LAMBDA, K_NONE, K_NOT, K_OR, K_TRUE, K_YIELD,
    MAX_DEPTH, NAME, R,
};
use crate::python::scan::Tok;

impl<'a> Parser<'a> {
    /// A comma list of expressions (with `*name` items when `star`); a bare tuple of
    /// targets is a target.
    pub(super) fn exprlist(&mut self, star: bool) -> R<Shape> {
        let mut shape: Option<Shape> = None;
        let mut count = 0;
        loop {
            let item = if star && self.eat_op("*") {
                let inner = self.binary(BP_BOR)?;
                if !matches!(inner, Shape::Name | Shape::AttrSub) {
                    return fail();
                }
                Shape::Star
            } else {
                self.test()?
            };
            count += 1;
            shape = Some(match shape {
                None => item,
                Some(s) if s.is_target() && item.is_target() => Shape::Group,
                Some(_) => Shape::Other,
            });
            if !self.eat_op(",") || self.at_end_of_list() {
                break;
            }
        }
        let shape = shape?;
        if count == 1 && shape == Shape::Star {
            return fail();
        }
        Some(if count > 1 && shape.is_target() {
            Shape::Group
        } else {
            shape
        })
    }

    /// After a trailing comma: nothing more in this list.
    pub(super) fn at_end_of_list(&self) -> bool {
        let t = self.tok();
        self.at_end_of_simple()
            || (t.kind == Tok::Op
                && matches!(
                    t.short.to_le_bytes(),
                    [b'=' | b')' | b']' | b'}' | b':', 0] | [b'+' | b'-', b'=']
                ))
            || self.at_kw(K_IN)
    }

    /// An expression with an optional walrus (`name := value`).
    pub(super) fn named_test(&mut self) -> R<Shape> {
        let shape = self.test()?;
        if self.at_op(":=") {
            if shape != Shape::Name {
                return fail();
            }
            self.advance();
            self.test()?;
            return Some(Shape::Other);
        }
        Some(shape)
    }

    /// Python's `test`: a conditional expression or a lambda.
    pub(super) fn test(&mut self) -> R<Shape> {
        // The commonest expression, one token, read here without the call below (at the
        // depth it would be read at there).
        if let Some(shape) = self.lone_atom(self.depth + 1) {
            self.advance();
            return Some(shape);
        }
        self.enter()?;
        let r = self.test_inner();
        self.leave();
        r
    }

    pub(super) fn test_inner(&mut self) -> R<Shape> {
        let shape = if self.at_name() {
            // `binary(BP_OR)` for the commonest operand, a primary that starts with a plain
            // name (no keyword: no `lambda`), without the call.
            self.enter()?;
            let r = self
                .name_operand()
                .and_then(|shape| self.infix(shape, BP_OR));
            self.leave();
            r?
        } else {
            if self.eat_kw(K_LAMBDA) {
                self.parameters(false, ":")?;
                self.op(":")?;
                self.test()?;
                return Some(Shape::Other);
            }
            self.binary(BP_OR)?
        };
        if self.eat_kw(K_IF) {
            self.binary(BP_OR)?;
            self.kw(K_ELSE)?;
            self.test()?;
            return Some(Shape::Other);
        }
        Some(shape)
    }

    /// The commonest expression, an atom of one token that nothing extends: a plain
    /// name, a plain string, a number, `True`, `False` or `None`, followed by a `,`,
    /// `)`, `]`, `}`, `=`, `:` or the line's end. Its shape, without the descent
    /// `binary`, `primary` and `atom` would make to read the same token and stop at the
    /// same place (that descent enters one level more: the same depth bound holds here,
    /// at `depth`).
    #[inline(always)]
    fn lone_atom(&self, depth: u32) -> Option<Shape> {
        let t = self.toks.get(self.pos)?;
        let next = self.toks.get(self.pos + 1)?;
        let ends = match next.kind {
            Tok::Newline => true,
            Tok::Op => matches!(
                next.short.to_le_bytes(),
                [b',' | b')' | b']' | b'}' | b'=' | b':', 0]
            ),
            _ => false,
        };
        if !ends || depth >= MAX_DEPTH {
            return None;
        }
        match t.kind {
            Tok::Name => match t.word {
                NAME => Some(Shape::Name),
                K_TRUE | K_FALSE | K_NONE => Some(Shape::Other),
                _ => None,
            },
            Tok::String => Some(Shape::Other),
            Tok::Number => number_ok(t.text(self.text)).then_some(Shape::Other),
            _ => None,
        }
    }

    /// Operators binding at least as tight as `min` (precedence climbing).
    pub(super) fn binary(&mut self, min: u8) -> R<Shape> {
        self.enter()?;
        let r = self.binary_inner(min);
        self.leave();
        r
    }

    pub(super) fn binary_inner(&mut self, min: u8) -> R<Shape> {
        // Most operands start with a plain name, which is no `not`, sign or `await`.
        let shape = if self.at_name() {
            self.name_operand()?
        } else if min <= BP_NOT && self.eat_kw(K_NOT) {
            self.binary(BP_NOT)?;
            Shape::Other
        } else if self.kind() == Tok::Op
            && matches!(self.tok().short.to_le_bytes(), [b'+' | b'-' | b'~', 0])
        {
            self.advance();
            self.binary(BP_UNARY)?;
            Shape::Other
        } else {
            let shape = if self.eat_kw(K_AWAIT) {
                self.primary()?;
                Shape::Other
            } else {
                self.primary()?
            };
            if self.eat_op("**") {
                self.binary(BP_UNARY)?;
                Shape::Other
            } else {
                shape
            }
        };
        self.infix(shape, min)
    }

    /// An operand that starts with a plain name: a primary, and a power.
    fn name_operand(&mut self) -> R<Shape> {
        let shape = self.primary()?;
        if self.eat_op("**") {
            self.binary(BP_UNARY)?;
            return Some(Shape::Other);
        }
        Some(shape)
    }

    /// After an operand of shape `shape`, the operators binding at least as tight as `min`
    /// and their right operands.
    fn infix(&mut self, mut shape: Shape, min: u8) -> R<Shape> {
        loop {
            let (bp, width) = self.operator();
            if bp == 0 || bp < min {
                return Some(shape);
            }
            self.pos += width;
            // Comparisons chain, the rest are left-associative.
            self.binary(bp + 1)?;
            shape = Shape::Other;
        }
    }

    /// The binding power of the operator here and its width in tokens (0: none). Inlined:
    /// it is asked after every operand, and most often answers "none".
    #[inline(always)]
    pub(super) fn operator(&self) -> (u8, usize) {
        let t = self.tok();
        match t.kind {
            Tok::Name => match t.word {
                K_OR => (BP_OR, 1),
                K_AND => (BP_AND, 1),
                K_IN => (BP_CMP, 1),
                K_IS if self.next_word() == K_NOT => (BP_CMP, 2),
                K_IS => (BP_CMP, 1),
                K_NOT if self.next_word() == K_IN => (BP_CMP, 2),
                _ => (0, 0),
            },
            // The packed text (`Word::short`): `[byte, 0]` is a one-byte operator.
            Tok::Op => match t.short.to_le_bytes() {
                [b'<' | b'>', 0] | [b'=' | b'>' | b'<' | b'!', b'='] => (BP_CMP, 1),
                [b'|', 0] => (BP_BOR, 1),
                [b'^', 0] => (6, 1),
                [b'&', 0] => (7, 1),
                [b'<', b'<'] | [b'>', b'>'] => (8, 1),
                [b'+' | b'-', 0] => (9, 1),
                [b'*' | b'/' | b'%' | b'@', 0] | [b'/', b'/'] => (10, 1),
                _ => (0, 0),
            },
            _ => (0, 0),
        }
    }

    /// An atom and its trailers (`.name`, calls, subscripts).
    pub(super) fn primary(&mut self) -> R<Shape> {
        let mut shape = self.atom()?;
        loop {
            // Every trailer starts with a one-byte operator: one look at the token.
            let t = self.tok();
            let trailer = if t.kind == Tok::Op { t.short } else { 0 };
            if trailer == u16::from(b'.') {
                self.advance();
                // tree-sitter takes any word after a dot as an identifier, keywords
                // excepted.
                self.name()?;
                shape = Shape::AttrSub;
            } else if trailer == u16::from(b'(') {
                self.call_args()?;
                shape = Shape::Other;
            } else if trailer == u16::from(b'[') {
                self.advance();
                self.subscripts()?;
                shape = Shape::AttrSub;
                // In an annotation tree-sitter may have read a generic type, which takes
                // no trailer: `m: t[5]()` is an error.
                if self.annotation && (self.at_op("(") || self.at_op("[") || self.at_op(".")) {
                    return fail();
                }
            } else {
                return Some(shape);
            }
        }
    }

    pub(super) fn atom(&mut self) -> R<Shape> {
        let t = self.tok();
        match t.kind {
            Tok::Name => match t.word {
                NAME => {
                    self.advance();
                    Some(Shape::Name)
                }
                K_TRUE | K_FALSE | K_NONE => {
                    self.advance();
                    Some(Shape::Other)
                }
                _ => fail(),
            },
            Tok::Number => {
                if !number_ok(self.s()) {
                    return fail();
                }
                self.advance();
                // `1if x else y`: CPython warns, tree-sitter may lex it otherwise.
                if self.kind() == Tok::Name && self.tok().start == t.end {
                    return fail();
                }
                Some(Shape::Other)
            }
            Tok::String | Tok::FStringStart => {
                while matches!(self.kind(), Tok::String | Tok::FStringStart) {
                    if self.kind() == Tok::String {
                        self.advance();
                    } else {
                        self.fstring()?;
                    }
                }
                Some(Shape::Other)
            }
            // The packed text (`Token::short`): 0 for a three-byte operator.
            Tok::Op => match t.short.to_le_bytes() {
                [b'(', 0] => self.enclosure("(", ")"),
                [b'[', 0] => self.enclosure("[", "]"),
                [b'{', 0] => self.braces(),
                [0, 0] if self.s() == "..." => {
                    self.advance();
                    Some(Shape::Other)
                }
                _ => fail(),
            },
            _ => fail(),
        }
    }

    /// `( … )` or `[ … ]`: empty, a single parenthesised expression or yield, a tuple
    /// or list, or a comprehension.
    pub(super) fn enclosure(&mut self, open: &str, close: &str) -> R<Shape> {
        self.enter()?;
        let r = self.enclosure_inner(open, close);
        self.leave();
        r
    }

    pub(super) fn enclosure_inner(&mut self, open: &str, close: &str) -> R<Shape> {
        self.op(open)?;
        if self.eat_op(close) {
            return Some(if open == "(" {
                Shape::Group
            } else {
                Shape::Other
            });
        }
        if open == "(" && self.at_kw(K_YIELD) {
            self.yield_expr()?;
            self.op(close)?;
            return Some(Shape::Other);
        }
        let first = self.element()?;
        if self.at_comprehension() {
            if first.is_star() {
                return fail();
            }
            self.comprehension()?;
            self.op(close)?;
            return Some(Shape::Other);
        }
        let mut all_targets = first.is_target();
        let mut count = 1;
        while self.eat_op(",") {
            if self.at_op(close) {
                count += 1;
                break;
            }
            all_targets &= self.element()?.is_target();
            count += 1;
        }
        self.op(close)?;
        if open == "(" && count == 1 && first.is_star() {
            return fail();
        }
        Some(if all_targets {
            Shape::Group
        } else {
            Shape::Other
        })
    }

    /// An item of a tuple, list or set display: an expression (walrus allowed) or a
    /// starred one.
    pub(super) fn element(&mut self) -> R<Shape> {
        if self.eat_op("*") {
            let inner = self.binary(BP_BOR)?;
            return Some(if matches!(inner, Shape::Name | Shape::AttrSub) {
                Shape::Star
            } else {
                Shape::StarOther
            });
        }
        self.named_test()
    }

    pub(super) fn at_comprehension(&self) -> bool {
        self.at_kw(K_FOR) || (self.at_kw(K_ASYNC) && self.next_word() == K_FOR)
    }

    /// `for … in …` clauses and `if` filters.
    pub(super) fn comprehension(&mut self) -> R {
        while self.at_comprehension() {
            self.eat_kw(K_ASYNC);
            self.kw(K_FOR)?;
            self.targets()?;
            self.kw(K_IN)?;
            self.binary(BP_OR)?;
            while self.eat_kw(K_IF) {
                self.binary(BP_OR)?;
            }
        }
        Some(())
    }

    /// `{ … }`: dict or set display or comprehension.
    pub(super) fn braces(&mut self) -> R<Shape> {
        self.enter()?;
        let r = self.braces_inner();
        self.leave();
        r
    }

    pub(super) fn braces_inner(&mut self) -> R<Shape> {
        self.op("{")?;
        if self.eat_op("}") {
            return Some(Shape::Other);
        }
        let starred;
        let dict = if self.eat_op("**") {
            self.binary(BP_BOR)?;
            starred = true;
            true
        } else {
            let first = self.element()?;
            starred = first.is_star();
            if self.eat_op(":") {
                if starred {
                    return fail();
                }
                self.test()?;
                true
            } else {
                false
            }
        };
        if self.at_comprehension() {
            if starred {
                return fail();
            }
            self.comprehension()?;
            self.op("}")?;
            return Some(Shape::Other);
        }
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            if dict {
                if self.eat_op("**") {
                    self.binary(BP_BOR)?;
                } else {
                    self.test()?;
                    self.op(":")?;
                    self.test()?;
                }
            } else {
                self.element()?;
            }
        }
        self.op("}")?;
        Some(Shape::Other)
    }

    /// `( arguments )` of a call or a class header.
    pub(super) fn call_args(&mut self) -> R {
        self.enter()?;
        let r = self.call_args_inner();
        self.leave();
        r
    }

    pub(super) fn call_args_inner(&mut self) -> R {
        self.op("(")?;
        let mut count = 0;
        while !self.at_op(")") {
            if self.eat_op("**") || self.eat_op("*") {
                self.test()?;
            } else {
                let shape = self.test()?;
                // A keyword argument or a walrus: a plain name on the left.
                if self.at_op("=") || self.at_op(":=") {
                    if shape != Shape::Name {
                        return fail();
                    }
                    self.advance();
                    self.test()?;
                } else if self.at_comprehension() {
                    // A bare generator is the only argument.
                    if count > 0 {
                        return fail();
                    }
                    self.comprehension()?;
                    return self.op(")");
                }
            }
            count += 1;
            if !self.eat_op(",") {
                break;
            }
        }
        self.op(")")
    }

    /// Subscripts after `[`, through the `]`.
    pub(super) fn subscripts(&mut self) -> R {
        self.enter()?;
        let r = self.subscripts_inner();
        self.leave();
        r
    }

    pub(super) fn subscripts_inner(&mut self) -> R {
        loop {
            if self.eat_op("*") {
                // `a[*b]` (3.11): tree-sitter's `list_splat` takes a name, an attribute
                // or a subscript; in an annotation, where its `splat_type` competes, a
                // name only.
                let inner = if self.annotation {
                    self.name().map(|()| Shape::Name)?
                } else {
                    self.primary()?
                };
                if !matches!(inner, Shape::Name | Shape::AttrSub)
                    || !(self.at_op(",") || self.at_op("]"))
                {
                    return fail();
                }
            } else if self.annotation {
                // tree-sitter may read the subscript of an annotation as a generic type's
                // parameters, each of them a type again: `dict[str, a[b] + c]` is an error.
                self.union()?;
            } else if !self.at_op(":") {
                self.named_test()?;
            }
            if self.at_op(":") && self.annotation {
                return fail();
            }
            if self.eat_op(":") {
                if !self.at_op(":") && !self.at_op(",") && !self.at_op("]") {
                    self.test()?;
                }
                if self.eat_op(":") && !self.at_op(",") && !self.at_op("]") {
                    self.test()?;
                }
            }
            if !self.eat_op(",") || self.at_op("]") {
                break;
            }
        }
        self.op("]")
    }
}
