//! Token helpers of the reducer's needle search: where a name token stands in an
//! expression, and the identifier bytes around a needle.

use crate::python::scan::{Tok, Token};

/// What `Reducer::found` collects in one pass over the tokens, in token order: token
/// indexes of the comments and of the `import` and `global` keywords, and the string
/// literals' hits.
#[derive(Default)]
pub(super) struct Found {
    pub(super) comments: Vec<usize>,
    pub(super) imports: Vec<usize>,
    pub(super) globals: Vec<usize>,
    pub(super) strings: Vec<(usize, usize)>,
}

/// The index of the `Name` token that is exactly `start..end`.
pub(super) fn name_token(tokens: &[Token], start: usize, end: usize) -> Option<usize> {
    let mut i = tokens.partition_point(|t| (t.start as usize) < start);
    // Zero-width `Indent`/`Dedent` tokens stand where a line's first token starts.
    while tokens.get(i).is_some_and(|t| t.start == t.end) {
        i += 1;
    }
    tokens
        .get(i)
        .filter(|t| t.kind == Tok::Name && t.end as usize == end)
        .map(|_| i)
}

/// Tokens that may stand between two tokens of one expression.
pub(super) fn is_filler(t: &Token) -> bool {
    matches!(t.kind, Tok::Nl | Tok::Comment)
}

pub(super) fn previous_code(tokens: &[Token], i: usize) -> Option<usize> {
    (0..i).rev().find(|&j| !is_filler(&tokens[j]))
}

pub(super) fn next_code(tokens: &[Token], i: usize) -> Option<&Token> {
    tokens[i + 1..].iter().find(|t| !is_filler(t))
}

pub(super) fn is_op(b: &[u8], t: &Token, op: &[u8]) -> bool {
    t.kind == Tok::Op && &b[t.range()] == op
}

/// Is the name token `i` the attribute of a plain name (`typing.Mapping`, not
/// `a.typing.Mapping` or `f().Mapping`: the facts keep only the first)?
pub(super) fn is_attribute_of_name(b: &[u8], tokens: &[Token], i: usize) -> bool {
    let Some(dot) = previous_code(tokens, i).filter(|&d| is_op(b, &tokens[d], b".")) else {
        return false;
    };
    let Some(object) = previous_code(tokens, dot).filter(|&o| tokens[o].kind == Tok::Name) else {
        return false;
    };
    !previous_code(tokens, object).is_some_and(|p| is_op(b, &tokens[p], b"."))
}

/// Is `op` an assignment's operator (`=`, an augmented one, an annotation's `:`)?
pub(super) fn is_assignment_op(op: &[u8]) -> bool {
    op == b"="
        || op == b":"
        || op.len() > 1 && op.ends_with(b"=") && !matches!(op, b"==" | b"!=" | b"<=" | b">=")
}

/// Is `span` inside one of `spans` (sorted, not overlapping)?
pub(super) fn within(spans: &[(usize, usize)], (start, end): (usize, usize)) -> bool {
    let i = spans.partition_point(|&(s, _)| s <= start);
    i > 0 && spans[i - 1].1 >= end
}

pub(super) fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// After a needle ending at `at`: the rest of its identifier, then `as NAME`? (Spaces,
/// line breaks, continuations and comments may stand between, as in a parenthesised
/// `from` list.) Returns `NAME`.
pub(super) fn alias_after(b: &[u8], mut at: usize) -> Option<String> {
    while at < b.len() && is_ident(b[at]) {
        at += 1;
    }
    at = skip_blank(b, at);
    if b.get(at..at + 2) != Some(b"as") || b.get(at + 2).is_some_and(|&c| is_ident(c)) {
        return None;
    }
    let start = skip_blank(b, at + 2);
    let mut end = start;
    while end < b.len() && is_ident(b[end]) {
        end += 1;
    }
    (end > start)
        .then(|| String::from_utf8_lossy(&b[start..end]).into_owned())
        .filter(|a| a != "as")
}

pub(super) fn skip_blank(b: &[u8], mut at: usize) -> usize {
    while at < b.len() {
        match b[at] {
            b' ' | b'\t' | b'\n' | b'\r' | b'\\' | 0x0c => at += 1,
            b'#' => {
                while at < b.len() && b[at] != b'\n' && b[at] != b'\r' {
                    at += 1;
                }
            }
            _ => break,
        }
    }
    at
}

/// The indexes of the tokens that start in `start..end` (`tokens` sorted by start).
pub(super) fn token_range(tokens: &[Token], start: usize, end: usize) -> std::ops::Range<usize> {
    let from = tokens.partition_point(|t| (t.start as usize) < start);
    let to = tokens.partition_point(|t| (t.start as usize) < end);
    from..to
}

/// The names a `global` statement declares, after its keyword `tokens[keyword]`.
pub(super) fn declared_names<'b>(
    b: &'b [u8],
    tokens: &'b [Token],
    keyword: usize,
) -> impl Iterator<Item = &'b [u8]> + 'b {
    tokens[keyword + 1..]
        .iter()
        .filter(|t| !matches!(t.kind, Tok::Nl | Tok::Comment))
        .take_while(move |t| t.kind == Tok::Name || is_op(b, t, b","))
        .filter(|t| t.kind == Tok::Name)
        .map(move |t| &b[t.range()])
}
