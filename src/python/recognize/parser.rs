//! The recognizer's cursor over the significant tokens, the token helpers the grammar
//! files share, and the small types they pass around (binding powers, [`Shape`], [`Last`]).

use crate::python::scan::Tok;

/// Deepest descent followed before answering "unsure": the recognizer recurses a few
/// calls per bracket level (about 3), so this bounds the stack whatever the input and
/// still takes some 60 nested brackets.
pub const MAX_DEPTH: u32 = 200;

/// The first bytes of keywords ([`is_keyword`]): most names start with another one
/// (`self`, `_x`, `x`), and this table rules them out before any comparison.
static KEYWORD_START: [bool; 256] = {
    let mut t = [false; 256];
    let starts = b"FNTabcdefgilnoprtwy";
    let mut i = 0;
    while i < starts.len() {
        t[starts[i] as usize] = true;
        i += 1;
    }
    t
};

/// A keyword of Python 3 (tree-sitter reserves all of them; its soft keywords are
/// names here).
pub(super) fn is_keyword(b: &[u8]) -> bool {
    // Keywords are 2 to 8 bytes long.
    if !(2..=8).contains(&b.len()) || !KEYWORD_START[b[0] as usize] {
        return false;
    }
    matches!(
        b,
        b"False"
            | b"None"
            | b"True"
            | b"and"
            | b"as"
            | b"assert"
            | b"async"
            | b"await"
            | b"break"
            | b"class"
            | b"continue"
            | b"def"
            | b"del"
            | b"elif"
            | b"else"
            | b"except"
            | b"finally"
            | b"for"
            | b"from"
            | b"global"
            | b"if"
            | b"import"
            | b"in"
            | b"is"
            | b"lambda"
            | b"nonlocal"
            | b"not"
            | b"or"
            | b"pass"
            | b"raise"
            | b"return"
            | b"try"
            | b"while"
            | b"with"
            | b"yield"
    )
}

/// A non-ASCII letter an identifier may hold anywhere: Latin-1 and Latin Extended-A
/// letters, basic Greek and Cyrillic, CJK ideographs. All are `XID_Start` for
/// tree-sitter's identifier pattern and CPython alike, old enough for any Unicode table,
/// and stay letters under CPython's NFKC normalisation (`ſ`, `ª` and `º`, which NFKC maps
/// to ASCII and so could spell a keyword, are left out). Anything else: unsure.
fn plain_letter(c: char) -> bool {
    matches!(c,
        'µ'
        | '\u{c0}'..='\u{d6}'
        | '\u{d8}'..='\u{f6}'
        | '\u{f8}'..='\u{17e}'
        | '\u{391}'..='\u{3a1}'
        | '\u{3a3}'..='\u{3a9}'
        | '\u{3b1}'..='\u{3c9}'
        | '\u{410}'..='\u{44f}'
        | '\u{4e00}'..='\u{9fa5}'
    )
}

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

/// A significant token. Its text is sliced on use ([`Word::text`]): holding a `&str`
/// made a token 32 bytes instead of 12, and the server's project index recognizes a
/// whole open document at once (a 10.5 MB document's peak grew by 30 MB).
#[derive(Clone, Copy, Debug)]
pub(super) struct Word {
    pub(super) kind: Tok,
    pub(super) start: u32,
    pub(super) end: u32,
    /// A plain identifier ([`plain_name`]), decided once here for the grammar's many
    /// asks.
    pub(super) name: bool,
    /// The text packed by [`short`]: most of the grammar's asks are whether the token is
    /// some one- or two-byte operator, and comparing this costs less than slicing the
    /// text (it fits in the padding: a `Word` stays 12 bytes).
    pub(super) short: u16,
}

/// A text of one or two bytes as `b0 | b1 << 8`, `0` for any other length. Two texts
/// that pack alike are equal: the recognizer sees no NUL byte (`layout` refuses it).
pub(super) const fn short(s: &[u8]) -> u16 {
    match s {
        [a] => *a as u16,
        [a, b] => *a as u16 | (*b as u16) << 8,
        _ => 0,
    }
}

impl Word {
    /// The word of a token whose text is `text`: the layout loop makes one per
    /// significant token, so this is inlined there and reads bytes (no `str` slicing).
    #[inline(always)]
    pub(super) fn new(kind: Tok, start: u32, end: u32, text: &[u8]) -> Self {
        let name = kind == Tok::Name && plain_name(text);
        Word {
            kind,
            start,
            end,
            name,
            short: short(text),
        }
    }

    /// Is the token's text `s` (in `source`, the text it was scanned from)? Texts of up
    /// to two bytes (`s` is a literal at every call, so this folds) compare packed.
    pub(super) fn is(self, source: &str, s: &str) -> bool {
        if s.len() <= 2 {
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

/// A plain identifier: not a keyword, ASCII or made of [`plain_letter`]s (a name that is
/// not valid UTF-8 on its own, which the scanner never makes, is not plain).
fn plain_name(b: &[u8]) -> bool {
    if b.iter().all(|&c| c < 0x80) {
        !is_keyword(b)
    } else {
        std::str::from_utf8(b).is_ok_and(|s| {
            s.chars()
                .all(|c| c == '_' || c.is_ascii_alphanumeric() || plain_letter(c))
        })
    }
}

pub(super) struct Parser<'a> {
    pub(super) text: &'a str,
    pub(super) toks: &'a [Word],
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
    pub(super) fn tok(&self) -> Word {
        self.toks.get(self.pos).copied().unwrap_or(Word {
            kind: Tok::EndMarker,
            start: self.text.len() as u32,
            end: self.text.len() as u32,
            name: false,
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

    pub(super) fn at_op(&self, op: &str) -> bool {
        let t = self.tok();
        t.kind == Tok::Op && t.is(self.text, op)
    }

    pub(super) fn at_kw(&self, kw: &str) -> bool {
        let t = self.tok();
        t.kind == Tok::Name && t.is(self.text, kw)
    }

    pub(super) fn eat_op(&mut self, op: &str) -> bool {
        let yes = self.at_op(op);
        self.pos += usize::from(yes);
        yes
    }

    pub(super) fn eat_kw(&mut self, kw: &str) -> bool {
        let yes = self.at_kw(kw);
        self.pos += usize::from(yes);
        yes
    }

    pub(super) fn op(&mut self, op: &str) -> R {
        self.eat_op(op).then_some(())
    }

    pub(super) fn kw(&mut self, kw: &str) -> R {
        self.eat_kw(kw).then_some(())
    }

    pub(super) fn advance(&mut self) {
        self.pos += 1;
    }

    /// A plain identifier ([`Word::name`]).
    pub(super) fn at_name(&self) -> bool {
        self.tok().name
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
