//! The statement grammar: a module, blocks, simple and compound statements, imports,
//! `with` items, definitions and their parameters.

use super::parser::{
    fail, Last, Parser, Shape, BP_BOR, K_AS, K_ASSERT, K_ASYNC, K_BREAK, K_CLASS, K_CONTINUE,
    K_DEF, K_DEL, K_ELIF, K_ELSE, K_EXCEPT, K_FINALLY, K_FOR, K_FROM, K_GLOBAL, K_IF, K_IMPORT,
    K_IN, K_NONLOCAL, K_PASS, K_RAISE, K_RETURN, K_TRY, K_WHILE, K_WITH, K_YIELD, NAME, R,
};
use crate::python::scan::Tok;

impl<'a> Parser<'a> {
    /// The whole token list. Kept out of line: inlined into `unsure_at` beside the layout
    /// loop, the pair cost more instructions (callgrind on the stdlib, some 1.5 %).
    #[inline(never)]
    pub(super) fn module(&mut self) -> R {
        let mut levels: Vec<Last> = vec![Last::Other];
        loop {
            match self.kind() {
                Tok::EndMarker => {
                    return (levels.len() == 1 && levels[0] != Last::Try).then_some(());
                }
                Tok::Dedent => {
                    if matches!(levels.pop(), Some(Last::Try | Last::Match)) {
                        return fail();
                    }
                    if levels.is_empty() {
                        return fail();
                    }
                    self.advance();
                }
                Tok::Name | Tok::Number | Tok::String | Tok::FStringStart | Tok::Op => {
                    let last = levels.last_mut()?;
                    if let Some(level) = self.statement(last)? {
                        levels.push(level);
                    }
                }
                _ => return fail(),
            }
        }
    }

    /// One statement at the current level; the state of the indented block it opened
    /// (its `Indent` consumed), if it did.
    pub(super) fn statement(&mut self, last: &mut Last) -> R<Option<Last>> {
        let word = self.word();
        if matches!(*last, Last::Match | Last::Case) {
            // A `match` block holds `case` clauses only.
            if !self.at_word("case") {
                return fail();
            }
            self.advance();
            self.case_patterns()?;
            if self.eat_kw(K_IF) {
                self.named_test()?;
            }
            *last = Last::Case;
            return self.suite();
        }
        let clause = matches!(word, K_ELIF | K_ELSE | K_EXCEPT | K_FINALLY);
        if *last == Last::Try && !matches!(word, K_EXCEPT | K_FINALLY) {
            return fail();
        }
        if clause {
            self.advance();
            *last = match (word, *last) {
                (K_ELIF, Last::If) => {
                    self.named_test()?;
                    Last::If
                }
                (K_ELSE, Last::If | Last::Loop) => Last::Other,
                (K_ELSE, Last::TryExcept | Last::TryExceptStar) => Last::TryElse,
                (K_EXCEPT, Last::Try | Last::TryExcept | Last::TryExceptStar) => {
                    // `except*` takes a type, and one `try` takes `except` or `except*`,
                    // not both (for CPython; tree-sitter takes any mix).
                    let star = self.eat_op("*");
                    let handler = if star {
                        Last::TryExceptStar
                    } else {
                        Last::TryExcept
                    };
                    if *last != Last::Try && *last != handler || star && self.at_op(":") {
                        return fail();
                    }
                    if !self.at_op(":") {
                        self.test()?;
                        if self.eat_kw(K_AS) {
                            self.name()?;
                        }
                    }
                    handler
                }
                (K_FINALLY, Last::Try | Last::TryExcept | Last::TryExceptStar | Last::TryElse) => {
                    Last::Other
                }
                _ => return fail(),
            };
            return self.suite();
        }
        // A plain name is no keyword: of the words read below, it may only be the soft
        // keyword `match`.
        if word != NAME || self.at_word("match") {
            let compound = match word {
                K_IF | K_WHILE => {
                    self.advance();
                    self.named_test()?;
                    Some(if word == K_IF { Last::If } else { Last::Loop })
                }
                K_FOR => {
                    self.advance();
                    self.for_header()?;
                    Some(Last::Loop)
                }
                K_TRY => {
                    self.advance();
                    Some(Last::Try)
                }
                K_WITH => {
                    self.advance();
                    self.with_items()?;
                    Some(Last::Other)
                }
                K_DEF | K_CLASS => {
                    self.definition()?;
                    Some(Last::Other)
                }
                NAME if self.at_match_subject() => {
                    self.advance();
                    self.test()?;
                    self.op(":")?;
                    if self.kind() != Tok::Newline {
                        return fail();
                    }
                    self.advance();
                    if self.kind() != Tok::Indent {
                        return fail();
                    }
                    self.advance();
                    *last = Last::Other;
                    return Some(Some(Last::Match));
                }
                K_ASYNC => {
                    self.advance();
                    match self.word() {
                        K_DEF => {
                            self.definition()?;
                            Some(Last::Other)
                        }
                        // `async for` takes an `else` like `for`.
                        K_FOR => {
                            self.advance();
                            self.for_header()?;
                            Some(Last::Loop)
                        }
                        K_WITH => {
                            self.advance();
                            self.with_items()?;
                            Some(Last::Other)
                        }
                        _ => return fail(),
                    }
                }
                _ => None,
            };
            if let Some(kind) = compound {
                *last = kind;
                return self.suite();
            }
        }
        if self.at_op("@") {
            while self.eat_op("@") {
                self.named_test()?;
                if self.kind() != Tok::Newline {
                    return fail();
                }
                self.advance();
            }
            if self.at_kw(K_ASYNC) {
                self.advance();
                if !self.at_kw(K_DEF) {
                    return fail();
                }
            }
            if !self.at_kw(K_DEF) && !self.at_kw(K_CLASS) {
                return fail();
            }
            self.definition()?;
            *last = Last::Other;
            return self.suite();
        }
        *last = Last::Other;
        self.simple_statements()?;
        Some(None)
    }

    /// After a compound header: `:` then statements on the same line or an indented block.
    pub(super) fn suite(&mut self) -> R<Option<Last>> {
        self.op(":")?;
        if self.kind() == Tok::Newline {
            self.advance();
            if self.kind() != Tok::Indent {
                return fail();
            }
            self.advance();
            return Some(Some(Last::Other));
        }
        self.simple_statements()?;
        Some(None)
    }

    pub(super) fn simple_statements(&mut self) -> R {
        loop {
            self.simple_statement()?;
            if !self.eat_op(";") {
                break;
            }
            if self.kind() == Tok::Newline {
                break;
            }
        }
        if self.kind() != Tok::Newline {
            return fail();
        }
        self.advance();
        Some(())
    }

    pub(super) fn at_end_of_simple(&self) -> bool {
        self.kind() == Tok::Newline || self.at_op(";")
    }

    pub(super) fn simple_statement(&mut self) -> R {
        // A plain name is no keyword, only maybe one of the soft ones read here.
        if self.kind() == Tok::Name && (!self.at_name() || self.at_soft_word()) {
            match self.word() {
                K_PASS | K_BREAK | K_CONTINUE => {
                    self.advance();
                    return Some(());
                }
                K_RETURN => {
                    self.advance();
                    if !self.at_end_of_simple() {
                        self.exprlist(false)?;
                    }
                    return Some(());
                }
                K_RAISE => {
                    self.advance();
                    if !self.at_end_of_simple() {
                        self.test()?;
                        if self.eat_kw(K_FROM) {
                            self.test()?;
                        }
                    }
                    return Some(());
                }
                K_GLOBAL | K_NONLOCAL => {
                    self.advance();
                    self.name()?;
                    while self.eat_op(",") {
                        self.name()?;
                    }
                    return Some(());
                }
                K_DEL => {
                    self.advance();
                    self.exprlist(false)?;
                    return Some(());
                }
                K_ASSERT => {
                    self.advance();
                    self.test()?;
                    if self.eat_op(",") {
                        self.test()?;
                    }
                    return Some(());
                }
                K_IMPORT => {
                    self.advance();
                    loop {
                        self.dotted()?;
                        if self.eat_kw(K_AS) {
                            self.name()?;
                        }
                        if !self.eat_op(",") {
                            return Some(());
                        }
                    }
                }
                K_FROM => return self.import_from(),
                // Soft keywords and Python 2 statements: tree-sitter has statements for
                // them, so only forms none of those statements can take are taken: a
                // call, an assignment, an attribute, an annotation, a tuple
                // (`type, value, tb = sys.exc_info()`).
                NAME if matches!(self.next_str(), "(" | "=" | "." | ":" | ",") => {}
                NAME => return fail(),
                K_YIELD => {
                    self.yield_expr()?;
                    return Some(());
                }
                _ => {}
            }
        }
        let shape = self.exprlist(true)?;
        if self.at_op("=") {
            let mut shape = shape;
            while self.eat_op("=") {
                if !shape.is_target() {
                    return fail();
                }
                shape = self.rhs()?;
            }
            return Some(());
        }
        if self.at_op(":") {
            if !matches!(shape, Shape::Name | Shape::AttrSub) {
                return fail();
            }
            self.advance();
            self.annotation()?;
            if self.eat_op("=") {
                self.rhs()?;
            }
            return Some(());
        }
        if self.at_augmented_assignment() {
            if !matches!(shape, Shape::Name | Shape::AttrSub) {
                return fail();
            }
            self.advance();
            self.rhs()?;
            return Some(());
        }
        Some(())
    }

    /// At an augmented assignment's operator (`+=` … `|=`): the two-byte ones compare
    /// packed (`Token::short`), the three-byte ones (packed as 0) by their text.
    fn at_augmented_assignment(&self) -> bool {
        let t = self.tok();
        t.kind == Tok::Op
            && match t.short.to_le_bytes() {
                [b'+' | b'-' | b'*' | b'/' | b'@' | b'%' | b'&' | b'^' | b'|', b'='] => true,
                [0, 0] => matches!(t.text(self.text), "//=" | "**=" | ">>=" | "<<="),
                _ => false,
            }
    }

    /// At `print`, `exec`, `match`, `case` or `type`: a name that may start another
    /// statement for tree-sitter (the length first: most names are of another).
    fn at_soft_word(&self) -> bool {
        let t = self.tok();
        matches!(t.end.wrapping_sub(t.start), 4 | 5)
            && matches!(
                t.text(self.text),
                "print" | "exec" | "match" | "case" | "type"
            )
    }

    /// The right of `=`: a yield or an expression list.
    pub(super) fn rhs(&mut self) -> R<Shape> {
        if self.at_kw(K_YIELD) {
            self.yield_expr()?;
            return Some(Shape::Other);
        }
        self.exprlist(true)
    }

    pub(super) fn yield_expr(&mut self) -> R {
        self.kw(K_YIELD)?;
        if self.eat_kw(K_FROM) {
            self.test()?;
        } else if !self.at_end_of_simple() && !self.at_op(")") && !self.at_op("=") {
            self.exprlist(false)?;
        }
        Some(())
    }

    pub(super) fn dotted(&mut self) -> R {
        self.name()?;
        while self.eat_op(".") {
            self.name()?;
        }
        Some(())
    }

    pub(super) fn import_from(&mut self) -> R {
        self.kw(K_FROM)?;
        let mut dots = false;
        while self.at_op(".") || self.at_op("...") {
            dots = true;
            self.advance();
        }
        let future = !dots && self.at_word("__future__");
        // tree-sitter's `from __future__` must be followed by `import`.
        if future && self.next_str() != "import" {
            return fail();
        }
        if !self.at_kw(K_IMPORT) {
            self.dotted()?;
        } else if !dots {
            return fail();
        }
        self.kw(K_IMPORT)?;
        // tree-sitter's `from __future__ import` takes names only.
        if !future && self.eat_op("*") {
            return Some(());
        }
        let paren = self.eat_op("(");
        loop {
            self.name()?;
            if self.eat_kw(K_AS) {
                self.name()?;
            }
            if !self.eat_op(",") {
                break;
            }
            if paren && self.at_op(")") {
                break;
            }
        }
        if paren {
            self.op(")")?;
        }
        Some(())
    }

    pub(super) fn for_header(&mut self) -> R {
        self.targets()?;
        self.kw(K_IN)?;
        self.exprlist(false)?;
        Some(())
    }

    /// Assignment targets of `for` (no comparison, so `in` ends them).
    pub(super) fn targets(&mut self) -> R {
        loop {
            let shape = if self.eat_op("*") {
                let inner = self.binary(BP_BOR)?;
                if !matches!(inner, Shape::Name | Shape::AttrSub) {
                    return fail();
                }
                Shape::Star
            } else {
                self.binary(BP_BOR)?
            };
            if !shape.is_target() {
                return fail();
            }
            if !self.eat_op(",") || self.at_kw(K_IN) {
                return Some(());
            }
        }
    }

    pub(super) fn with_items(&mut self) -> R {
        if self.at_op("(") {
            let save = self.pos;
            if self.paren_with_items().is_some() && self.at_op(":") {
                return Some(());
            }
            self.pos = save;
        }
        loop {
            self.with_item()?;
            if !self.eat_op(",") {
                return Some(());
            }
        }
    }

    pub(super) fn paren_with_items(&mut self) -> R {
        self.op("(")?;
        loop {
            self.with_item()?;
            if !self.eat_op(",") {
                break;
            }
            if self.at_op(")") {
                break;
            }
        }
        self.op(")")
    }

    pub(super) fn with_item(&mut self) -> R {
        self.test()?;
        if self.eat_kw(K_AS) {
            let shape = self.binary(BP_BOR)?;
            if !shape.is_target() {
                return fail();
            }
        }
        Some(())
    }

    /// `def` or `class` up to (not including) the `:`.
    pub(super) fn definition(&mut self) -> R {
        if self.eat_kw(K_CLASS) {
            self.plain_name()?;
            if self.at_op("(") {
                self.call_args()?;
            }
            return Some(());
        }
        self.kw(K_DEF)?;
        self.plain_name()?;
        self.op("(")?;
        self.parameters(true, ")")?;
        self.op(")")?;
        if self.eat_op("->") {
            self.annotation()?;
            // `-> A: body` on one line: tree-sitter may read `A: body` as a constrained
            // type (`-> N: x: int = 1` is an error), so the body must be one no type
            // starts: a keyword statement, or `...` alone (`-> T: ...`).
            if !self.at_op(":") {
                return fail();
            }
            let body = |i: usize| {
                self.toks
                    .get(self.pos + i)
                    .map(|&t| (t.kind, t.text(self.text)))
            };
            let sure = match body(1) {
                Some((Tok::Newline, _)) => true,
                Some((Tok::Name, word)) => matches!(
                    word,
                    "pass"
                        | "return"
                        | "raise"
                        | "del"
                        | "global"
                        | "nonlocal"
                        | "assert"
                        | "import"
                        | "break"
                        | "continue"
                ),
                Some((Tok::Op, "...")) => {
                    matches!(body(2), Some((Tok::Newline, _)) | Some((Tok::Op, ";")))
                }
                _ => false,
            };
            if !sure {
                return fail();
            }
        }
        Some(())
    }

    /// A definition's name: not a soft keyword (tree-sitter wants an `identifier`).
    pub(super) fn plain_name(&mut self) -> R {
        self.name()
    }

    /// Parameters of a `def` (`annotated`) or a `lambda`, up to `end`.
    pub(super) fn parameters(&mut self, annotated: bool, end: &str) -> R {
        while !self.at_op(end) {
            if self.eat_op("/") {
                // positional-only marker
            } else if self.eat_op("**") {
                self.name()?;
                if annotated && self.eat_op(":") {
                    self.annotation()?;
                }
            } else if self.eat_op("*") {
                if self.at_name() {
                    self.advance();
                    if annotated && self.eat_op(":") {
                        // `*args: *Ts` (3.11): a name, a dotted name or a name and one
                        // subscript (`*tuple[int, str]`; tree-sitter refuses
                        // `*m.V[int]`).
                        if self.eat_op("*") {
                            self.name()?;
                            if self.eat_op("[") {
                                self.subscripts()?;
                            } else {
                                while self.eat_op(".") {
                                    self.name()?;
                                }
                            }
                            if !self.at_op(",") && !self.at_op(")") {
                                return fail();
                            }
                        } else {
                            self.annotation()?;
                        }
                    }
                }
            } else {
                self.name()?;
                if annotated && self.eat_op(":") {
                    self.annotation()?;
                }
                if self.eat_op("=") {
                    self.test()?;
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.at_op(end).then_some(())
    }
}
