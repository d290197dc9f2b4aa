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

/// The reducer reads the scanner's logical lines as they are (no second list built
/// from them): offsets as `usize`, and the kinds it tells apart.
pub(super) trait Line {
    /// Its first token ([`LogicalLine::start`]).
    fn start(&self) -> usize;
    /// Its terminating line break (or the end of the text); a trailing comment is inside.
    fn end(&self) -> usize;
    fn kind(&self) -> Kind;
    /// Does `...` fit where it starts: no line break or `\` continuation in its first
    /// three bytes?
    fn fits_dots(&self, b: &[u8]) -> bool;
    /// It starts with `else`, `elif`, `except` or `finally`: a clause of the compound
    /// statement before it.
    fn clause(&self, b: &[u8], tokens: &[Token]) -> bool;
}

impl Line for LogicalLine {
    fn start(&self) -> usize {
        self.start as usize
    }

    fn end(&self) -> usize {
        self.end as usize
    }

    fn kind(&self) -> Kind {
        match self.kind {
            LineKind::Def => Kind::Def,
            LineKind::Class => Kind::Class,
            LineKind::Decorator => Kind::Decorator,
            _ => Kind::Other,
        }
    }

    fn fits_dots(&self, b: &[u8]) -> bool {
        let (start, end) = (self.start(), self.end());
        end.saturating_sub(start) >= 3
            && !b[start..start + 3]
                .iter()
                .any(|&c| matches!(c, b'\n' | b'\r' | b'\\'))
    }

    fn clause(&self, b: &[u8], tokens: &[Token]) -> bool {
        let word = &b[tokens[self.tokens.start as usize].range()];
        matches!(word, b"else" | b"elif" | b"except" | b"finally")
    }
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

/// Are the scanner's logical lines of `text` sound for the reducer? Not when the text
/// is not lexically sound Python or uses what tree-sitter or the chunker may read
/// differently (form feeds or tabs and spaces mixed in an indentation, CR-only line
/// ends, a logical line that starts after a `\` continuation, an indentation error: the
/// chunker would put what follows it in a chunk of its own, and blanking a body could
/// move that). A check of each line, no list built: the reducer reads `scanned` itself.
pub(super) fn sound(text: &str, tokens: &[Token], scanned: &[LogicalLine]) -> bool {
    let b = text.as_bytes();
    // An error token is in a line (its `error`) or after the last one: only those after
    // need a look.
    let tail = scanned.last().map_or(0, |l| l.tokens.end as usize);
    if tokens[tail..].iter().any(|t| t.kind == Tok::Error) {
        return false;
    }
    // Most texts hold no CR at all.
    if memchr::memchr(b'\r', b).is_some()
        && tokens
            .iter()
            .any(|t| matches!(t.kind, Tok::Newline | Tok::Nl) && &b[t.range()] == b"\r")
    {
        return false;
    }
    let mut opens_block = false;
    let mut indent = 0;
    for line in scanned {
        if line.error
            || line.mixed_indent
            || line.after_continuation
            || (line.indent > indent && !opens_block)
        {
            return false;
        }
        (indent, opens_block) = (line.indent, line.colon_last);
    }
    true
}

/// Where `python::chunks` would start chunks after the first, for a text whose logical
/// lines are [`sound`]: at each column-0 statement that begins with an ASCII
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
