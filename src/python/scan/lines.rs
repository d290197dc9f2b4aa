//! Views over the tokens that the rules read line by line: logical lines and their
//! kinds, the comments with their `# noqa` directives, and the string tokens.

use super::token::{Tok, Token};

/// What a logical line is, from its first words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// `import …`
    Import,
    /// `from … import …`
    From,
    /// `def` or `async def`.
    Def,
    Class,
    /// `@…`
    Decorator,
    Try,
    /// `except …`
    Except,
    /// `if …`
    If,
    /// `global …`
    Global,
    Other,
}

/// One logical line: physical lines joined by brackets, strings or `\` continuations.
/// Blank and comment-only lines are none (as in CPython).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogicalLine {
    /// Start of its first physical line (its indentation included).
    pub line_start: u32,
    /// Its first token.
    pub start: u32,
    /// Its `Newline` token (or the end of the text); a trailing comment is inside.
    pub end: u32,
    /// Indentation width, tabs to multiples of 8 (CPython's column).
    pub indent: u32,
    /// Indentation width counting a tab as 1 (CPython's check for inconsistent tabs).
    pub alt_indent: u32,
    pub kind: LineKind,
    /// The last token before the line's end (comments aside) is a `:` that opens a
    /// block (not `:=`).
    pub colon_last: bool,
    /// Its tokens: indexes into the token list, `Indent`/`Dedent` before it and its
    /// `Newline` excluded.
    pub tokens: std::ops::Range<u32>,
    /// One of its tokens (or the indentation before it) is an [`Tok::Error`].
    pub error: bool,
    /// Its indentation holds a form feed, or tabs and spaces both: what tree-sitter and
    /// the chunker may measure differently (the reducer leaves such a text alone).
    pub mixed_indent: bool,
    /// Its first physical line follows a `\` continuation (not a comment's last byte):
    /// the chunker and tree-sitter may join it to the line before.
    pub after_continuation: bool,
}

/// The logical lines of `text`, from its `tokens` ([`tokenize`]).
pub fn logical_lines(text: &str, tokens: &[Token]) -> Vec<LogicalLine> {
    let b = text.as_bytes();
    // Fewer than one logical line per 8 tokens is usual: one allocation, rarely two.
    let mut lines = Vec::with_capacity(tokens.len() / 8);
    let mut i = 0;
    while i < tokens.len() {
        // Skip what is no logical line: blank and comment-only lines, indentation tokens.
        let mut error = false;
        while let Some(t) = tokens.get(i) {
            match t.kind {
                Tok::Nl | Tok::Comment | Tok::Indent | Tok::Dedent => i += 1,
                Tok::Error if t.start == t.end || is_indentation(b, t) => {
                    error = true;
                    i += 1;
                }
                _ => break,
            }
        }
        let Some(first) = tokens.get(i) else {
            break;
        };
        if first.kind == Tok::EndMarker {
            break;
        }
        let first_index = i;
        let mut last_code: Option<&Token> = None;
        let mut end = b.len() as u32;
        while let Some(t) = tokens.get(i) {
            match t.kind {
                Tok::Newline => {
                    end = t.start;
                    break;
                }
                Tok::EndMarker => break,
                Tok::Comment | Tok::Nl => {}
                Tok::Error => {
                    error = true;
                    last_code = Some(t);
                }
                _ => last_code = Some(t),
            }
            i += 1;
        }
        let token_end = i;
        if tokens.get(i).is_some_and(|t| t.kind == Tok::Newline) {
            i += 1;
        }
        let (line_start, indent, alt_indent, mixed_indent) = indentation(b, first.start as usize);
        let colon_last = last_code.is_some_and(|t| t.kind == Tok::Op && &b[t.range()] == b":");
        lines.push(LogicalLine {
            line_start: line_start as u32,
            start: first.start,
            end,
            indent,
            alt_indent,
            kind: line_kind(b, &tokens[first_index..token_end]),
            colon_last,
            tokens: first_index as u32..token_end as u32,
            error,
            mixed_indent,
            after_continuation: after_continuation(b, tokens, line_start),
        });
    }
    lines
}

/// Is `t` (an error token) the indentation of a line, not text on it?
fn is_indentation(b: &[u8], t: &Token) -> bool {
    b[t.range()]
        .iter()
        .all(|&c| matches!(c, b' ' | b'\t' | b'\x0c'))
}

/// The start of the physical line of the token at `first`, its indentation's columns
/// ([`columns`]) and whether it is mixed ([`LogicalLine::mixed_indent`]). Most
/// indentation is spaces after a line break: one backward pass over them answers all
/// four.
fn indentation(b: &[u8], first: usize) -> (usize, u32, u32, bool) {
    let spaces = b[..first].iter().rev().take_while(|&&c| c == b' ').count();
    let before = first - spaces;
    if before == 0 || matches!(b[before - 1], b'\n' | b'\r') {
        return (before, spaces as u32, spaces as u32, false);
    }
    let line_start = b[..first]
        .iter()
        .rposition(|&c| c == b'\n' || c == b'\r')
        .map_or(0, |k| k + 1);
    let ws = &b[line_start..first];
    let (indent, alt_indent) = columns(ws);
    let mixed =
        !all_spaces(ws) && (ws.contains(&0x0c) || (ws.contains(&b'\t') && ws.contains(&b' ')));
    (line_start, indent, alt_indent, mixed)
}

/// Is `ws` spaces only? Most indentation is: eight at a time, then the rest.
fn all_spaces(ws: &[u8]) -> bool {
    let mut chunks = ws.chunks_exact(8);
    chunks.all(|c| c == b"        ") && chunks.remainder().iter().all(|&c| c == b' ')
}

/// Does the physical line starting at `line_start` follow a `\` continuation? A `\`
/// that ends a comment continues nothing (`# ^\` in `curses/ascii.py`).
#[inline]
fn after_continuation(b: &[u8], tokens: &[Token], line_start: usize) -> bool {
    let mut at = line_start;
    if at > 0 && b[at - 1] == b'\n' {
        at -= 1;
    }
    if at > 0 && b[at - 1] == b'\r' {
        at -= 1;
    }
    at > 0 && b[at - 1] == b'\\' && !ends_comment(tokens, at)
}

/// Does a comment token end at byte `end`?
fn ends_comment(tokens: &[Token], end: usize) -> bool {
    let before = tokens.partition_point(|t| (t.start as usize) < end);
    tokens[..before]
        .iter()
        .rev()
        .find(|t| t.end > t.start)
        .is_some_and(|t| t.kind == Tok::Comment && t.end as usize == end)
}

/// The indentation's column (tabs to multiples of 8, a form feed resets) and its width
/// with a tab as 1; `ws` may hold a continuation's text, only its last line counts.
fn columns(ws: &[u8]) -> (u32, u32) {
    // Indentation is mostly spaces: skip them eight at a time.
    let spaces = ws.chunks_exact(8).take_while(|c| c == b"        ").count() * 8;
    let (mut col, mut alt) = (spaces as u32, spaces as u32);
    for &c in &ws[spaces..] {
        match c {
            b'\t' => (col, alt) = ((col / 8 + 1) * 8, alt + 1),
            b'\x0c' => (col, alt) = (0, 0),
            _ => (col, alt) = (col + 1, alt + 1),
        }
    }
    (col, alt)
}

fn line_kind(b: &[u8], tokens: &[Token]) -> LineKind {
    let word = |k: usize| tokens.get(k).map_or(&b""[..], |t| &b[t.range()]);
    match word(0) {
        b"@" => LineKind::Decorator,
        b"import" => LineKind::Import,
        b"from" => LineKind::From,
        b"def" => LineKind::Def,
        b"class" => LineKind::Class,
        b"async" if word(1) == b"def" => LineKind::Def,
        b"try" => LineKind::Try,
        b"except" => LineKind::Except,
        b"if" => LineKind::If,
        b"global" => LineKind::Global,
        _ => LineKind::Other,
    }
}

/// The comments of `text` with their `# noqa` directives, parsed once: every path's
/// comments come from here (`python::comments`, `Reduced::comments`).
pub fn comments(text: &str, tokens: &[Token]) -> Vec<crate::python::noqa::Comment> {
    tokens
        .iter()
        .filter(|t| t.kind == Tok::Comment)
        .map(|t| crate::python::noqa::Comment::new(text, t.range()))
        .collect()
}

/// The string literals of `text` (whole `String` tokens, not f-strings), each with
/// whether it is a docstring-like statement: a logical line that is nothing but the
/// string, first in its module or block.
pub fn strings(tokens: &[Token], lines: &[LogicalLine]) -> Vec<(Token, bool)> {
    let mut out = Vec::new();
    let mut prev: Option<&LogicalLine> = None;
    for line in lines {
        let toks = &tokens[line.tokens.start as usize..line.tokens.end as usize];
        let mut code = toks
            .iter()
            .filter(|t| !matches!(t.kind, Tok::Comment | Tok::Nl));
        let first_in_block = prev.is_none_or(|p| p.colon_last && p.indent < line.indent);
        let doc = first_in_block
            && code.next().is_some_and(|t| t.kind == Tok::String)
            && code.next().is_none();
        out.extend(
            toks.iter()
                .filter(|t| t.kind == Tok::String)
                .map(|&t| (t, doc)),
        );
        prev = Some(line);
    }
    out
}
