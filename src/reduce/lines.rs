//! The reducer's view of the scanner's logical lines, the chunk starts computed from
//! them, and the `TabError` check `--fix` makes before touching a file.

use crate::python::scan::{self, LineKind, LogicalLine, Tok, Token};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `def` or `async def`.
    Def,
    Class,
    /// `@…`
    Decorator,
    Other,
}

/// One logical line (physical lines joined by brackets or backslashes).
#[derive(Debug)]
pub(super) struct Line {
    /// Its first token.
    pub(super) start: usize,
    /// Its terminating line break (or the end of the text); a trailing comment is inside.
    pub(super) end: usize,
    /// Where `...` would have to fit: its first line break or `\` continuation when one
    /// lies in its first three bytes, else `end`. The reducer only asks whether
    /// `first_break - start >= 3`, which this answers as the first break anywhere would.
    pub(super) first_break: usize,
    /// Indentation width, a tab counting 8.
    pub(super) indent: u32,
    pub(super) kind: Kind,
    /// The last token is a `:` (so a compound statement's block follows).
    pub(super) colon_last: bool,
    /// It starts with `else`, `elif`, `except` or `finally`: a clause of the compound
    /// statement before it.
    pub(super) clause: bool,
    /// Its tokens ([`LogicalLine::tokens`]: the indentation tokens before it and its
    /// `Newline` left out).
    pub(super) tokens: std::ops::Range<u32>,
}

/// Would CPython reject `text` with a `TabError` (tabs and spaces mixed so that the
/// indentation's meaning depends on the tab size)? tree-sitter accepts such text, so
/// `--fix` asks here before touching a file. CPython's rule: each logical line's
/// indentation, measured with tabs to multiples of 8 and with tabs as 1, must compare
/// the same way with the open levels under both measures.
pub(crate) fn has_tab_error(text: &str) -> bool {
    if memchr::memchr(b'\t', text.as_bytes()).is_none() {
        return false;
    }
    let tokens = scan::tokenize(text);
    let mut levels: Vec<(u32, u32)> = vec![(0, 0)];
    for line in scan::logical_lines(text, &tokens) {
        let (col, alt) = (line.indent, line.alt_indent);
        let (top, top_alt) = levels.last().copied().unwrap_or((0, 0));
        if col == top {
            if alt != top_alt {
                return true;
            }
        } else if col > top {
            if alt <= top_alt {
                return true;
            }
            levels.push((col, alt));
        } else {
            while levels.len() > 1 && levels.last().is_some_and(|&(c, _)| c > col) {
                levels.pop();
            }
            if levels.last().is_some_and(|&(c, a)| c == col && a != alt) {
                return true;
            }
        }
    }
    false
}

/// Is `ws` spaces only? Most indentation is: eight at a time, then the rest.
fn all_spaces(ws: &[u8]) -> bool {
    let mut chunks = ws.chunks_exact(8);
    chunks.all(|c| c == b"        ") && chunks.remainder().iter().all(|&c| c == b' ')
}

/// The reducer's view of the scanner's logical lines; `None` when the text is not
/// lexically sound Python or uses what tree-sitter or the chunker may read differently
/// (form feeds or tabs and spaces mixed in an indentation, CR-only line ends, a logical
/// line that starts after a `\` continuation, an indentation error: the chunker would
/// put what follows it in a chunk of its own, and blanking a body could move that).
pub(super) fn lines_of(text: &str, tokens: &[Token], scanned: &[LogicalLine]) -> Option<Vec<Line>> {
    let b = text.as_bytes();
    // An error token is in a line (its `error`) or after the last one: only those after
    // need a look.
    let tail = scanned.last().map_or(0, |l| l.tokens.end as usize);
    if tokens[tail..].iter().any(|t| t.kind == Tok::Error) {
        return None;
    }
    // Most texts hold no CR at all.
    if memchr::memchr(b'\r', b).is_some()
        && tokens
            .iter()
            .any(|t| matches!(t.kind, Tok::Newline | Tok::Nl) && &b[t.range()] == b"\r")
    {
        return None;
    }
    let mut lines = Vec::with_capacity(scanned.len());
    let mut opens_block = false;
    let mut indent = 0;
    for line in scanned {
        let (start, end) = (line.start as usize, line.end as usize);
        let indentation = &b[line.line_start as usize..start];
        if line.error
            || (!all_spaces(indentation)
                && (indentation.contains(&0x0c)
                    || (indentation.contains(&b'\t') && indentation.contains(&b' '))))
            || (line.indent > indent && !opens_block)
        {
            return None;
        }
        (indent, opens_block) = (line.indent, line.colon_last);
        let before = &b[..line.line_start as usize];
        let before = before.strip_suffix(b"\n").unwrap_or(before);
        let before = before.strip_suffix(b"\r").unwrap_or(before);
        if line.line_start > 0 && before.ends_with(b"\\") && !ends_comment(tokens, before.len()) {
            return None;
        }
        // A `\` continuation counts as a break: `...` must fit before it. Only the first
        // three bytes matter (see `Line::first_break`): no search through the line.
        let first_break = b[start..end.min(start + 3)]
            .iter()
            .position(|&c| matches!(c, b'\n' | b'\r' | b'\\'))
            .map_or(end, |k| start + k);
        let kind = match line.kind {
            LineKind::Def => Kind::Def,
            LineKind::Class => Kind::Class,
            LineKind::Decorator => Kind::Decorator,
            _ => Kind::Other,
        };
        let word = &b[tokens[line.tokens.start as usize].range()];
        lines.push(Line {
            start,
            end,
            first_break,
            indent: line.indent,
            kind,
            colon_last: line.colon_last,
            clause: matches!(word, b"else" | b"elif" | b"except" | b"finally"),
            tokens: line.tokens.clone(),
        });
    }
    Some(lines)
}

/// Does a comment token end at byte `end`? A `\\` that ends a comment continues nothing
/// (`# ^\\` in `curses/ascii.py`), so the line after it is a line like any other.
fn ends_comment(tokens: &[Token], end: usize) -> bool {
    let before = tokens.partition_point(|t| (t.start as usize) < end);
    tokens[..before]
        .iter()
        .rev()
        .find(|t| t.end > t.start)
        .is_some_and(|t| t.kind == Tok::Comment && t.end as usize == end)
}

/// Where `python::chunks` would start chunks after the first, for a text whose logical
/// lines are sound ([`lines_of`]): at each column-0 statement that begins with an ASCII
/// letter, `_` or `@`, is no `else`/`elif`/`except`/`finally` and follows no decorator.
pub(super) fn chunk_starts(b: &[u8], tokens: &[Token], scanned: &[LogicalLine]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut decorated = false;
    for line in scanned {
        let first = b[line.start as usize];
        if line.line_start != line.start
            || !(first.is_ascii_alphabetic() || first == b'_' || first == b'@')
        {
            continue;
        }
        if decorated {
            decorated = first == b'@';
            continue;
        }
        decorated = first == b'@';
        let word = &b[tokens[line.tokens.start as usize].range()];
        if line.line_start > 0 && !matches!(word, b"else" | b"elif" | b"except" | b"finally") {
            starts.push(line.line_start as usize);
        }
    }
    starts
}
