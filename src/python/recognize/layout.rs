//! The layout half of the recognizer: what lies between tokens (spaces, line ends,
//! continuations, indentation), checked on the raw text before the grammar runs.

use super::parser::{eight_at, ESCAPED, K_ASYNC, K_CLASS, K_DEF, K_IMPORT};
use crate::python::scan::{Tok, Token};

/// The checks on what lies between tokens: only spaces and tabs, backslash continuations
/// inside a statement (after code, at any column but for a line the chunker would start
/// a statement at), line ends CR LF or LF; every physical line starts with spaces
/// only, and a continuation line is indented at least as deep as its statement (else
/// tree-sitter's scanner ends the block there) unless it starts with a closing bracket
/// or a plain string inside brackets; no comment line left of the decorator above it
/// (below); no newline or comment in an f-string replacement field; no tokenizer error;
/// no NUL byte; no escape tree-sitter reads otherwise ([`escapes`]). In the same pass,
/// the significant tokens (no comments, no `Nl`) for the grammar, copied a run at a time.
pub(super) fn layout(text: &str, tokens: &[Token]) -> Result<Vec<Token>, usize> {
    let b = text.as_bytes();
    // tree-sitter's string scanner stops at a NUL byte, even inside a string.
    if let Some(at) = memchr::memchr(0, b) {
        return Err(at);
    }
    let mut significant = Vec::with_capacity(tokens.len());
    // The first token not yet copied: each comment or `Nl` copies the run before it.
    let mut run = 0;
    let mut prev_end = usize::from(text.starts_with('\u{feff}')) * 3;
    let mut prev_kind = Tok::Newline;
    let mut in_statement = false;
    let mut statement_col = 0;
    let mut fstring_depth = 0u32;
    // Open brackets: a line inside them may sit left of its statement when it starts
    // with a closing bracket or a plain string. tree-sitter's scanner ends a block at such
    // a line unless the parser could take a closing bracket there, or a string there
    // and the line starts with a quote; a closing bracket or string the grammar accepts
    // there proves it could (`x = {` / `    1: 2,` / `}` inside a `def`).
    let mut brackets = 0usize;
    // The column of the open decorator: a comment line left of it, before its
    // definition, makes tree-sitter's indentation scanner end the block there (`if r:` /
    // ` @t` / `#` / ` def n():e` is an error). Only lines outside brackets and f-strings
    // count (not `@t"""` / `"""`, `@x(` / `1)`). A line after a `\` continuation is
    // still the decorator's, whatever its column (`@\` / `t` / `#` / ` def n():e` is an
    // error too), so it ends no decorator and moves none to the left.
    let mut decorator: Option<usize> = None;
    for (i, t) in tokens.iter().enumerate() {
        let (start, end) = (t.start as usize, t.end as usize);
        // The commonest token: a name, number or operator after code on its line, with
        // nothing or one space before it. Of the checks below only the brackets' count
        // and the statement's start concern it (its range is not checked here: the tokens
        // are `tokenize(text)`'s, and nothing below indexes with an unchecked range).
        let plain = matches!(t.kind, Tok::Name | Tok::Number | Tok::Op)
            && !matches!(prev_kind, Tok::Newline | Tok::Nl)
            && (start == prev_end || (start == prev_end + 1 && b.get(prev_end) == Some(&b' ')));
        if plain {
            if t.kind == Tok::Op {
                brackets = count_bracket(brackets, t.short);
            }
            in_statement = true;
            prev_end = end;
            prev_kind = t.kind;
            continue;
        }
        // Bytes, not `str`: the scanner ends every token at an ASCII byte or the text's
        // end, so a token's text is whole characters.
        let Some(token) = b.get(start..end) else {
            return Err(start);
        };
        let Some(gap) = b.get(prev_end..start) else {
            return Err(prev_end);
        };
        let mut line_start = matches!(prev_kind, Tok::Newline | Tok::Nl).then_some(prev_end);
        let after_code = line_start.is_none();
        let mut backslash = false;
        // A tab since the line's start (the gap's last backslash continuation, if any).
        let mut tab = false;
        // Most gaps are empty or one space, the rest mostly indentation: spaces only are
        // skipped whole, eight bytes at a time.
        let mut k = if only_spaces(b, prev_end, start) {
            gap.len()
        } else {
            usize::from(gap.first() == Some(&b' '))
        };
        while k < gap.len() {
            match gap[k] {
                b' ' => k += 1,
                b'\t' => {
                    tab = true;
                    k += 1;
                }
                b'\\' => {
                    let n = match (gap.get(k + 1), gap.get(k + 2)) {
                        (Some(b'\n'), _) => 2,
                        (Some(b'\r'), Some(b'\n')) => 3,
                        _ => return Err(start),
                    };
                    if !in_statement
                        || matches!(
                            t.kind,
                            Tok::Newline | Tok::Nl | Tok::Comment | Tok::EndMarker
                        )
                    {
                        return Err(start);
                    }
                    k += n;
                    line_start = Some(prev_end + k);
                    backslash = true;
                    tab = false;
                }
                _ => return Err(start),
            }
        }
        if let Some(ls) = line_start {
            if t.kind != Tok::Nl && t.kind != Tok::EndMarker {
                // The indentation is the gap's end, spaces and tabs: spaces only.
                if tab {
                    return Err(start);
                }
                let col = start - ls;
                if backslash && after_code {
                    // A `\` after code hides the line end from tree-sitter's scanner, and
                    // CPython takes any column after it; but the chunker
                    // (`python::chunks`) starts a statement again at a line there that
                    // begins with `def`, `class`, `async def` or `import` (`from a \` /
                    // `import b`) when it is not indented past its statement.
                    let resync = matches!(t.word, K_DEF | K_CLASS | K_ASYNC | K_IMPORT);
                    if resync && col <= statement_col {
                        return Err(start);
                    }
                } else if (in_statement
                    && col < statement_col
                    && !(brackets > 0 && !backslash && closes_or_quotes(t, token)))
                    || (backslash && col <= statement_col)
                {
                    // A `\` on a line of its own: the scanner has seen the line end.
                    return Err(start);
                }
                if !in_statement && !matches!(t.kind, Tok::Comment | Tok::Indent | Tok::Dedent) {
                    statement_col = col;
                }
                if brackets == 0 && fstring_depth == 0 {
                    match t.kind {
                        Tok::Indent | Tok::Dedent => {}
                        // A line after a `\` continues the decorator's line: its column
                        // moves the decorator's only to the right, and its token ends none.
                        Tok::Op if t.short == u16::from(b'@') && backslash => {
                            decorator = Some(decorator.map_or(col, |d| d.max(col)));
                        }
                        Tok::Op if t.short == u16::from(b'@') => decorator = Some(col),
                        Tok::Comment if decorator.is_some_and(|d| col < d) => return Err(start),
                        Tok::Comment => {}
                        _ if backslash => {}
                        _ => decorator = None,
                    }
                }
            }
        }
        match t.kind {
            Tok::Op => {
                brackets = count_bracket(brackets, t.short);
                in_statement = true;
            }
            Tok::Name | Tok::Number => in_statement = true,
            // The lexer marks the strings that hold a backslash.
            Tok::String => {
                if t.word == ESCAPED {
                    escapes(token).map_err(|at| start + at)?;
                }
                in_statement = true;
            }
            Tok::Error => return Err(start),
            Tok::Newline => in_statement = false,
            Tok::FStringStart => fstring_depth += 1,
            Tok::FStringEnd => fstring_depth = fstring_depth.saturating_sub(1),
            Tok::Nl | Tok::Comment if fstring_depth > 0 => return Err(start),
            Tok::Nl | Tok::Comment | Tok::Indent | Tok::Dedent | Tok::EndMarker => {}
            _ => in_statement = true,
        }
        // A CR must end a line as CR LF: tree-sitter's scanner sees a line end only at LF.
        if matches!(t.kind, Tok::Newline | Tok::Nl)
            && b.get(start) == Some(&b'\r')
            && end - start != 2
        {
            return Err(start);
        }
        if !matches!(t.kind, Tok::Indent | Tok::Dedent) {
            prev_end = end;
            prev_kind = t.kind;
        }
        if matches!(t.kind, Tok::Comment | Tok::Nl) {
            significant.extend_from_slice(tokens.get(run..i).unwrap_or_default());
            run = i + 1;
        }
    }
    significant.extend_from_slice(tokens.get(run..).unwrap_or_default());
    if prev_end == b.len() {
        Ok(significant)
    } else {
        Err(prev_end)
    }
}

/// The count of open brackets after an operator whose packed text is `short`.
#[inline(always)]
fn count_bracket(brackets: usize, short: u16) -> usize {
    match short.to_le_bytes() {
        [b'(' | b'[' | b'{', 0] => brackets + 1,
        [b')' | b']' | b'}', 0] => brackets.saturating_sub(1),
        _ => brackets,
    }
}

/// Is `b[from..to]` (in range, `from <= to`) only spaces? Compared eight bytes at a time;
/// a gap shorter than eight bytes is read as the high bytes of the eight that end it.
#[inline(always)]
fn only_spaces(b: &[u8], from: usize, to: usize) -> bool {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let eight = |at: usize| eight_at(b, at);
    let len = to.saturating_sub(from);
    if len == 0 {
        return true;
    }
    if len < 8 {
        if let Some(w) = to.checked_sub(8).and_then(eight) {
            let shift = 8 * (8 - len as u32);
            return w >> shift == SPACES >> shift;
        }
        return b
            .get(from..to)
            .is_some_and(|g| g.iter().all(|&c| c == b' '));
    }
    let mut at = from;
    while at + 8 <= to {
        if eight(at) != Some(SPACES) {
            return false;
        }
        at += 8;
    }
    // The last eight bytes, overlapping those already read.
    at == to || eight(to - 8) == Some(SPACES)
}

/// The escapes of a string that is not raw (in a raw string a backslash escapes nothing),
/// where tree-sitter reads them otherwise than CPython. In a string, tree-sitter reads `\N`
/// as a named escape up to the next `}` whatever lies between (`'\N{'}` is one string to
/// it): sure only with a plain name in its braces, inside the string. In bytes, its scanner
/// ends the content before a `\N`, `\u` or `\U` and then may not resume (`b"d\u"` alone
/// is an error): not sure at all. A backslash escaped by the one before it (`'\\N'`) is
/// text. Where an escape is not sure, as an offset in `string` (a `String` token; comments
/// hold no escapes, f-strings are checked by the grammar).
fn escapes(string: &[u8]) -> Result<(), usize> {
    let prefix = string
        .iter()
        .take_while(|&&c| c != b'\'' && c != b'"')
        .count();
    let prefix = &string[..prefix];
    if prefix.iter().any(|&c| c == b'r' || c == b'R') {
        return Ok(());
    }
    let bytes = prefix.iter().any(|&c| c == b'b' || c == b'B');
    let mut at = prefix.len();
    while let Some(found) = memchr::memchr(b'\\', &string[at..]) {
        at += found;
        let sure = match string.get(at + 1) {
            Some(b'N' | b'u' | b'U') if bytes => false,
            Some(b'N') => named_escape(&string[at + 2..]),
            _ => true,
        };
        if !sure {
            return Err(at);
        }
        at += 2;
    }
    Ok(())
}

/// Is `token` (the text of `t`) a closing bracket, or a string with no prefix?
fn closes_or_quotes(t: &Token, token: &[u8]) -> bool {
    match t.kind {
        Tok::Op => matches!(token, b")" | b"]" | b"}"),
        Tok::String => matches!(token.first(), Some(b'\'' | b'"')),
        _ => false,
    }
}

/// Does `rest` (what follows a `\N`) start with `{NAME}`, NAME one or more ASCII letters,
/// digits, spaces or hyphens (what a Unicode character name is made of)?
fn named_escape(rest: &[u8]) -> bool {
    let Some(body) = rest.strip_prefix(b"{") else {
        return false;
    };
    let name = body
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || c == b' ' || c == b'-')
        .count();
    name > 0 && body.get(name) == Some(&b'}')
}
