//! The recognizer's cursor over the significant tokens, the token helpers the grammar
//! files share, and the small types they pass around (binding powers, [`Shape`], [`Last`]).

use crate::python::scan::{Tok, Token};

/// Deepest descent followed before answering "unsure": the recognizer recurses a few
/// calls per bracket level (about 3), so this bounds the stack whatever the input and
/// still takes some 60 nested brackets.
pub const MAX_DEPTH: u32 = 200;

/// The marks the lexer sets on tokens (names' classes and keyword ids, strings holding a
/// backslash) and the helpers the layout pass shares.
pub(super) use crate::python::scan::words::{
    eight_at, short, ESCAPED, K_AND, K_AS, K_ASSERT, K_ASYNC, K_AWAIT, K_BREAK, K_CLASS,
    K_CONTINUE, K_DEF, K_DEL, K_ELIF, K_ELSE, K_EXCEPT, K_FALSE, K_FINALLY, K_FOR, K_FROM,
    K_GLOBAL, K_IF, K_IMPORT, K_IN, K_IS, K_LAMBDA, K_NONE, K_NONLOCAL, K_NOT, K_OR, K_PASS,
    K_RAISE, K_RETURN, K_TRUE, K_TRY, K_WHILE, K_WITH, K_YIELD, NAME, OTHER,
};

/// Binding powers of the binary operators (higher binds tighter).
pub(super) const BP_OR: u8 = 1;
pub(super) const BP_AND: u8 = 2;
pub(super) const BP_NOT: u8 = 3;
pub(super) const BP_CMP: u8 = 4;
pub(super) const BP_BOR: u8 = 5;
pub(super) const BP_UNARY: u8 = 11;

/// What an expression is, as far as assignment targets care: tree-sitter's `pattern` is a
/// name, an attribute, a subscript, a starred one of those, or a parenthesised or
/// bracketed list of patterns.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Shape {
    Name,
    AttrSub,
    /// `*` and a name, attribute or subscript.
    Star,
    /// `*` and anything else: not a target.
    StarOther,
    Group,
    Other,
}

impl Shape {
    pub(super) fn is_target(self) -> bool {
        !matches!(self, Shape::Other | Shape::StarOther)
    }

    pub(super) fn is_star(self) -> bool {
        matches!(self, Shape::Star | Shape::StarOther)
    }
}

/// How the last statement of a block ends, for the clauses that may follow it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Last {
    Other,
    If,
    Loop,
    /// `try:` with no handler yet: an `except` or `finally` must follow.
    Try,
    TryExcept,
    /// After an `except*`: CPython takes no plain `except` in the same `try`.
    TryExceptStar,
    TryElse,
    /// A `match` block before its first `case`: only `case` clauses may follow.
    Match,
    /// A `match` block after a `case`.
    Case,
}

/// The grammar's questions about a significant token. Its class and keyword id
/// ([`Token::word`]) and, for an operator, its packed text ([`Token::short`]) come from
/// the lexer, and its text is sliced on use: the grammar reads the scanner's tokens as
/// they are (the layout pass copies them without the comments and `Nl`s, run by run).
impl Token {
    /// A plain identifier: no keyword, no odd character.
    pub(super) fn is_name(self) -> bool {
        self.word == NAME
    }

    /// Is the token's text `s` (in `source`, the text it was scanned from)? An operator
    /// of up to two bytes (`s` is a literal at every call, so this folds) compares packed.
    pub(super) fn is(self, source: &str, s: &str) -> bool {
        if s.len() <= 2 && self.kind == Tok::Op {
            self.short == short(s.as_bytes()) && !s.is_empty()
        } else {
            self.end.saturating_sub(self.start) as usize == s.len()
                && source
                    .as_bytes()
                    .get(self.start as usize..self.end as usize)
                    == Some(s.as_bytes())
        }
    }

    /// The token's text in `source` (the text it was scanned from).
    pub(super) fn text(self, source: &str) -> &str {
        source
            .get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

pub(super) struct Parser<'a> {
    pub(super) text: &'a str,
    pub(super) toks: &'a [Token],
    pub(super) pos: usize,
    pub(super) depth: u32,
    /// Inside an annotation, where tree-sitter's `type` rules (`constrained_type`
    /// `a: b`, `generic_type`) compete with subscripts: no slices there.
    pub(super) annotation: bool,
}

pub(super) type R<T = ()> = Option<T>;

pub(super) fn fail<T>() -> R<T> {
    None
}

impl<'a> Parser<'a> {
    pub(super) fn tok(&self) -> Token {
        self.toks.get(self.pos).copied().unwrap_or(Token {
            kind: Tok::EndMarker,
            start: self.text.len() as u32,
            end: self.text.len() as u32,
            word: OTHER,
            short: 0,
        })
    }

    pub(super) fn kind(&self) -> Tok {
        self.tok().kind
    }

    pub(super) fn s(&self) -> &'a str {
        self.tok().text(self.text)
    }

    pub(super) fn next_str(&self) -> &'a str {
        self.toks
            .get(self.pos + 1)
            .map_or("", |t| t.text(self.text))
    }

    /// The id ([`Token::word`]) of the token after this one.
    pub(super) fn next_word(&self) -> u8 {
        self.toks.get(self.pos + 1).map_or(OTHER, |t| t.word)
    }

    pub(super) fn at_op(&self, op: &str) -> bool {
        let t = self.tok();
        t.kind == Tok::Op && t.is(self.text, op)
    }

    /// At the keyword whose id is `kw` (`K_IF`…).
    pub(super) fn at_kw(&self, kw: u8) -> bool {
        self.tok().word == kw
    }

    /// At the name `word` (a soft keyword such as `match`, or another plain name).
    pub(super) fn at_word(&self, word: &str) -> bool {
        let t = self.tok();
        t.kind == Tok::Name && t.is(self.text, word)
    }

    pub(super) fn eat_op(&mut self, op: &str) -> bool {
        let yes = self.at_op(op);
        self.pos += usize::from(yes);
        yes
    }

    pub(super) fn eat_kw(&mut self, kw: u8) -> bool {
        let yes = self.at_kw(kw);
        self.pos += usize::from(yes);
        yes
    }

    pub(super) fn op(&mut self, op: &str) -> R {
        self.eat_op(op).then_some(())
    }

    pub(super) fn kw(&mut self, kw: u8) -> R {
        self.eat_kw(kw).then_some(())
    }

    pub(super) fn advance(&mut self) {
        self.pos += 1;
    }

    /// A plain identifier ([`Token::word`]).
    pub(super) fn at_name(&self) -> bool {
        self.tok().is_name()
    }

    /// The id ([`Token::word`]) of the token here.
    pub(super) fn word(&self) -> u8 {
        self.tok().word
    }

    pub(super) fn name(&mut self) -> R {
        if self.at_name() {
            self.advance();
            Some(())
        } else {
            None
        }
    }

    /// An annotation: primaries joined by `|` only, since tree-sitter's `type` may read
    /// `list[int]` as a `generic_type`, which no other operator can follow.
    pub(super) fn annotation(&mut self) -> R {
        let outer = self.annotation;
        self.annotation = true;
        let r = self.union();
        self.annotation = outer;
        r
    }

    pub(super) fn union(&mut self) -> R {
        self.enter()?;
        let mut r = self.primary().map(|_| ());
        while r.is_some() && self.eat_op("|") {
            r = self.primary().map(|_| ());
        }
        self.leave();
        r
    }

    pub(super) fn enter(&mut self) -> R {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }
}
