//! The recognizer's cursor over the significant tokens, the token helpers the grammar
//! files share, and the small types they pass around (binding powers, [`Shape`], [`Last`]).

use crate::python::scan::Tok;

/// Deepest descent followed before answering "unsure": the recognizer recurses a few
/// calls per bracket level (about 3), so this bounds the stack whatever the input and
/// still takes some 60 nested brackets.
pub const MAX_DEPTH: u32 = 200;

/// The keywords of Python 3 (tree-sitter reserves all of them; its soft keywords are
/// names here). A keyword's id ([`Word::word`]) is its index here plus [`FIRST_KEYWORD`].
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// [`Word::word`] of a token that is no plain name and no keyword: not a `Name`, or a name
/// with a character outside [`plain_letter`]s.
pub(super) const OTHER: u8 = 0;
/// [`Word::word`] of a plain identifier ([`classify`]).
pub(super) const NAME: u8 = 1;
const FIRST_KEYWORD: u8 = 2;

/// The id of a keyword (`keyword_id("if")`), for the grammar's constants below.
const fn keyword_id(kw: &str) -> u8 {
    let mut i = 0;
    while i < KEYWORDS.len() {
        if pack(KEYWORDS[i].as_bytes()) == pack(kw.as_bytes()) {
            return i as u8 + FIRST_KEYWORD;
        }
        i += 1;
    }
    panic!("not a keyword")
}

pub(super) const K_FALSE: u8 = keyword_id("False");
pub(super) const K_NONE: u8 = keyword_id("None");
pub(super) const K_TRUE: u8 = keyword_id("True");
pub(super) const K_AND: u8 = keyword_id("and");
pub(super) const K_AS: u8 = keyword_id("as");
pub(super) const K_ASSERT: u8 = keyword_id("assert");
pub(super) const K_ASYNC: u8 = keyword_id("async");
pub(super) const K_AWAIT: u8 = keyword_id("await");
pub(super) const K_BREAK: u8 = keyword_id("break");
pub(super) const K_CLASS: u8 = keyword_id("class");
pub(super) const K_CONTINUE: u8 = keyword_id("continue");
pub(super) const K_DEF: u8 = keyword_id("def");
pub(super) const K_DEL: u8 = keyword_id("del");
pub(super) const K_ELIF: u8 = keyword_id("elif");
pub(super) const K_ELSE: u8 = keyword_id("else");
pub(super) const K_EXCEPT: u8 = keyword_id("except");
pub(super) const K_FINALLY: u8 = keyword_id("finally");
pub(super) const K_FOR: u8 = keyword_id("for");
pub(super) const K_FROM: u8 = keyword_id("from");
pub(super) const K_GLOBAL: u8 = keyword_id("global");
pub(super) const K_IF: u8 = keyword_id("if");
pub(super) const K_IMPORT: u8 = keyword_id("import");
pub(super) const K_IN: u8 = keyword_id("in");
pub(super) const K_IS: u8 = keyword_id("is");
pub(super) const K_LAMBDA: u8 = keyword_id("lambda");
pub(super) const K_NONLOCAL: u8 = keyword_id("nonlocal");
pub(super) const K_NOT: u8 = keyword_id("not");
pub(super) const K_OR: u8 = keyword_id("or");
pub(super) const K_PASS: u8 = keyword_id("pass");
pub(super) const K_RAISE: u8 = keyword_id("raise");
pub(super) const K_RETURN: u8 = keyword_id("return");
pub(super) const K_TRY: u8 = keyword_id("try");
pub(super) const K_WHILE: u8 = keyword_id("while");
pub(super) const K_WITH: u8 = keyword_id("with");
pub(super) const K_YIELD: u8 = keyword_id("yield");

/// Up to eight bytes as a little-endian `u64` (zero-padded); longer texts give 0. No
/// keyword holds a NUL byte, so two texts of up to eight bytes pack alike only if equal.
const fn pack(b: &[u8]) -> u64 {
    if b.len() > 8 {
        return 0;
    }
    let mut w = 0u64;
    let mut i = 0;
    while i < b.len() {
        w |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    w
}

/// The multiplier of the keyword hash: `(pack(kw) * KEYWORD_HASH) >> 58` differs for
/// every keyword (found by search; `KEYWORD_TABLE`'s construction fails the build if a
/// new list collides).
const KEYWORD_HASH: u64 = 0xb57c_8e05_e3c9_b0e1;

fn keyword_slot(w: u64) -> usize {
    (w.wrapping_mul(KEYWORD_HASH) >> 58) as usize
}

/// Each keyword's packed text and id at its hash slot; empty slots hold `(0, NAME)`
/// (no name packs to 0).
static KEYWORD_TABLE: [(u64, u8); 64] = {
    let mut t = [(0u64, NAME); 64];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let w = pack(KEYWORDS[i].as_bytes());
        let slot = (w.wrapping_mul(KEYWORD_HASH) >> 58) as usize;
        assert!(t[slot].0 == 0, "keyword hash collision");
        t[slot] = (w, i as u8 + FIRST_KEYWORD);
        i += 1;
    }
    t
};

/// The eight bytes of `b` from `at` as a little-endian `u64`, if there are eight: the
/// recognizer's word-at-a-time reads (names here, space runs in the layout pass).
#[inline(always)]
pub(super) fn eight_at(b: &[u8], at: usize) -> Option<u64> {
    match b.get(at..at + 8) {
        Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) => {
            Some(u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]))
        }
        _ => None,
    }
}

/// What the `Name` token at `start..end` of `text` is: a keyword (its id), a plain
/// identifier ([`NAME`]: ASCII or made of [`plain_letter`]s) or neither ([`OTHER`]).
/// Names of up to eight bytes with eight bytes of text from their start, nearly all, are
/// read as one `u64`: one test for ASCII and one hash probe for a keyword; inlined into
/// the layout loop, the rest is out of line ([`classify_rest`]).
#[inline(always)]
pub(super) fn classify(text: &[u8], start: usize, end: usize) -> u8 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let eight = |at: usize| eight_at(text, at);
    let len = end.wrapping_sub(start);
    if (1..=8).contains(&len) {
        if let Some(all) = eight(start) {
            let w = all & (u64::MAX >> (64 - 8 * len as u32));
            if w & HIGH == 0 {
                let (k, id) = KEYWORD_TABLE[keyword_slot(w)];
                return if k == w { id } else { NAME };
            }
        }
    } else if (9..=16).contains(&len) {
        // No keyword is this long: ASCII is all to check, in its first and last eight
        // bytes.
        if let (Some(first), Some(last)) = (eight(start), eight(end - 8)) {
            if (first | last) & HIGH == 0 {
                return NAME;
            }
        }
    }
    classify_rest(text, start, end)
}

/// [`classify`] for a name near the text's end, longer than eight bytes or not ASCII.
#[cold]
#[inline(never)]
fn classify_rest(text: &[u8], start: usize, end: usize) -> u8 {
    let Some(b) = text.get(start..end).filter(|b| !b.is_empty()) else {
        return OTHER;
    };
    if b.is_ascii() {
        let w = pack(b);
        let (k, id) = KEYWORD_TABLE[keyword_slot(w)];
        // Longer names pack to 0, which no keyword does.
        return if k == w { id } else { NAME };
    }
    let plain = std::str::from_utf8(b).is_ok_and(|s| {
        s.chars()
            .all(|c| c == '_' || c.is_ascii_alphanumeric() || plain_letter(c))
    });
    if plain {
        NAME
    } else {
        OTHER
    }
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
    /// For a `Name`, a plain identifier ([`NAME`]), a keyword's id (`K_IF`…) or
    /// [`OTHER`], decided once ([`classify`]) for the grammar's many asks; [`OTHER`] for
    /// any other token.
    pub(super) word: u8,
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
    /// The word of a token whose text is `token`, at `start..end` of `text`: the layout
    /// loop makes one per significant token, so this is inlined there and reads bytes
    /// (no `str` slicing).
    #[inline(always)]
    pub(super) fn new(kind: Tok, start: u32, end: u32, token: &[u8], text: &[u8]) -> Self {
        let word = if kind == Tok::Name {
            classify(text, start as usize, end as usize)
        } else {
            OTHER
        };
        Word {
            kind,
            start,
            end,
            word,
            short: short(token),
        }
    }

    /// A plain identifier: no keyword, no odd character.
    pub(super) fn is_name(self) -> bool {
        self.word == NAME
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

    /// The id ([`Word::word`]) of the token after this one.
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

    /// A plain identifier ([`Word::word`]).
    pub(super) fn at_name(&self) -> bool {
        self.tok().is_name()
    }

    /// The id ([`Word::word`]) of the token here.
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
