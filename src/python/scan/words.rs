//! What each `Name` token is (a keyword and which, a plain identifier, or a name with an
//! unusual character), each operator's packed text and whether a string holds a
//! backslash: set by the lexer on every token
//! ([`Token::word`](super::Token::word), [`Token::short`](super::Token::short)), so the
//! syntax recognizer reads them off the tokens it is given instead of building a second
//! list of tokens with them.

/// The keywords of Python 3 (tree-sitter reserves all of them; its soft keywords are
/// names here). A keyword's id ([`Token::word`](super::Token::word)) is its index here plus [`FIRST_KEYWORD`].
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// [`Token::word`](super::Token::word) of a token that is no plain name and no keyword: not a `Name`, or a name
/// with a character outside [`plain_letter`]s.
pub(crate) const OTHER: u8 = 0;
/// [`Token::word`](super::Token::word) of a plain identifier ([`classify`]).
pub(crate) const NAME: u8 = 1;
const FIRST_KEYWORD: u8 = 2;
/// [`Token::word`](super::Token::word) of a `String` token that holds a backslash (an
/// escape the recognizer checks); no class or keyword id is this.
pub(crate) const ESCAPED: u8 = u8::MAX;

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

pub(crate) const K_FALSE: u8 = keyword_id("False");
pub(crate) const K_NONE: u8 = keyword_id("None");
pub(crate) const K_TRUE: u8 = keyword_id("True");
pub(crate) const K_AND: u8 = keyword_id("and");
pub(crate) const K_AS: u8 = keyword_id("as");
pub(crate) const K_ASSERT: u8 = keyword_id("assert");
pub(crate) const K_ASYNC: u8 = keyword_id("async");
pub(crate) const K_AWAIT: u8 = keyword_id("await");
pub(crate) const K_BREAK: u8 = keyword_id("break");
pub(crate) const K_CLASS: u8 = keyword_id("class");
pub(crate) const K_CONTINUE: u8 = keyword_id("continue");
pub(crate) const K_DEF: u8 = keyword_id("def");
pub(crate) const K_DEL: u8 = keyword_id("del");
pub(crate) const K_ELIF: u8 = keyword_id("elif");
pub(crate) const K_ELSE: u8 = keyword_id("else");
pub(crate) const K_EXCEPT: u8 = keyword_id("except");
pub(crate) const K_FINALLY: u8 = keyword_id("finally");
pub(crate) const K_FOR: u8 = keyword_id("for");
pub(crate) const K_FROM: u8 = keyword_id("from");
pub(crate) const K_GLOBAL: u8 = keyword_id("global");
pub(crate) const K_IF: u8 = keyword_id("if");
pub(crate) const K_IMPORT: u8 = keyword_id("import");
pub(crate) const K_IN: u8 = keyword_id("in");
pub(crate) const K_IS: u8 = keyword_id("is");
pub(crate) const K_LAMBDA: u8 = keyword_id("lambda");
pub(crate) const K_NONLOCAL: u8 = keyword_id("nonlocal");
pub(crate) const K_NOT: u8 = keyword_id("not");
pub(crate) const K_OR: u8 = keyword_id("or");
pub(crate) const K_PASS: u8 = keyword_id("pass");
pub(crate) const K_RAISE: u8 = keyword_id("raise");
pub(crate) const K_RETURN: u8 = keyword_id("return");
pub(crate) const K_TRY: u8 = keyword_id("try");
pub(crate) const K_WHILE: u8 = keyword_id("while");
pub(crate) const K_WITH: u8 = keyword_id("with");
pub(crate) const K_YIELD: u8 = keyword_id("yield");

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
/// word-at-a-time reads of names here and of space runs in the recognizer's layout pass.
#[inline(always)]
pub(crate) fn eight_at(b: &[u8], at: usize) -> Option<u64> {
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
/// the lexer, the rest is out of line ([`classify_rest`]).
#[inline(always)]
pub(crate) fn classify(text: &[u8], start: usize, end: usize) -> u8 {
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

/// A text of one or two bytes as `b0 | b1 << 8`, `0` for any other length
/// ([`Token::short`](super::Token::short) of an operator). Two texts that pack alike are
/// equal: no operator holds a NUL byte.
pub(crate) const fn short(s: &[u8]) -> u16 {
    match s {
        [a] => *a as u16,
        [a, b] => *a as u16 | (*b as u16) << 8,
        _ => 0,
    }
}
