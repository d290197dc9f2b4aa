//! Which byte ranges to blank (bodies without needles, all but the imports of import-only
//! bodies) and the ranges tree-sitter still has to see once they are blank.

use super::lines::{Kind, Line};
use crate::python::scan::{LogicalLine, Tok, Token};

/// Needle occurrences, sorted by start.
pub(super) struct Hits(pub(super) Vec<(usize, usize)>);

impl Hits {
    /// Is some occurrence wholly inside `start..end`?
    pub(super) fn any_within(&self, start: usize, end: usize) -> bool {
        self.within(start, end).next().is_some()
    }

    /// The occurrences wholly inside `start..end`.
    pub(super) fn within(
        &self,
        start: usize,
        end: usize,
    ) -> impl Iterator<Item = &(usize, usize)> + '_ {
        let first = self.0.partition_point(|&(s, _)| s < start);
        self.0[first..]
            .iter()
            .take_while(move |&&(s, _)| s < end)
            .filter(move |&&(_, e)| e <= end)
    }
}

/// A blanked range `(start, end, dots)`: from a statement's first token to a line end,
/// with `...` written at its start when it was a block's only content.
pub(super) type Blank = (usize, usize, bool);

/// Blank the bodies of `lines[a..b]` that hold no needle, then those inside the kept
/// ones (ranges wait on an explicit stack: nesting is the user's); `blanks` ends sorted.
/// A definition whose only needles are `import` statements ([`BodyNeedles::imports`]:
/// `others` has none in it) keeps just those and the headers around them
/// ([`keep_imports`]).
pub(super) fn plan(
    lines: &[Line],
    a: usize,
    b: usize,
    hits: &Hits,
    others: &Hits,
    blanks: &mut Vec<Blank>,
) {
    let mut ranges = vec![(a, b)];
    while let Some((a, b)) = ranges.pop() {
        let mut i = a;
        while i < b {
            let first = i;
            let mut k = i;
            while k < b && lines[k].kind == Kind::Decorator {
                k += 1;
            }
            if k >= b {
                break;
            }
            let header = &lines[k];
            let body = k + 1;
            if matches!(header.kind, Kind::Def | Kind::Class)
                && header.colon_last
                && header.indent == lines[first].indent
                && body < b
                && lines[body].indent > header.indent
            {
                let mut end = body;
                while end < b && lines[end].indent > header.indent {
                    end += 1;
                }
                let last = &lines[end - 1];
                let first_line = &lines[body];
                let span = (lines[first].start, last.end);
                if !hits.any_within(span.0, span.1)
                    && first_line.first_break - first_line.start >= 3
                {
                    blanks.push((first_line.start, last.end, true));
                } else if others.any_within(span.0, span.1)
                    || !keep_imports(lines, body, end, hits, blanks)
                {
                    ranges.push((body, end));
                }
                i = end;
                continue;
            }
            i = k + 1;
        }
    }
    blanks.sort_unstable();
}

/// Blank every statement of the body `lines[a..b]` but those holding a hit (`import`
/// statements: no other rule needle is in the body) and the headers of the blocks around
/// them: of a compound statement, every clause header stays (`try` with its `except
/// ImportError:`, `if` with its `else:`, which give an import its context), and of a
/// definition, its decorators. A block left with no statement gets `...`. `false` (and
/// nothing blanked) when a `...` does not fit where it must go.
pub(super) fn keep_imports(
    lines: &[Line],
    a: usize,
    b: usize,
    hits: &Hits,
    blanks: &mut Vec<Blank>,
) -> bool {
    let mut kept = vec![false; b - a];
    // Headers of the blocks open at the current line (indexes into `lines`).
    let mut open: Vec<usize> = Vec::new();
    // Per line, the first line of its statement's group (clauses, decorators and their
    // definition); `siblings` holds the last line seen at each open indentation.
    let mut group: Vec<usize> = Vec::with_capacity(b - a);
    let mut siblings: Vec<usize> = Vec::new();
    for i in a..b {
        let line = &lines[i];
        while open.last().is_some_and(|&h| lines[h].indent >= line.indent) {
            open.pop();
        }
        while siblings
            .last()
            .is_some_and(|&s| lines[s].indent > line.indent)
        {
            siblings.pop();
        }
        let previous = siblings
            .last()
            .copied()
            .filter(|&s| lines[s].indent == line.indent);
        group.push(match previous {
            Some(s) if line.clause || lines[s].kind == Kind::Decorator => group[s - a],
            _ => i,
        });
        if previous.is_some() {
            siblings.pop();
        }
        siblings.push(i);
        if hits.any_within(line.start, line.end) {
            kept[i - a] = true;
            for &h in open.iter().rev() {
                if std::mem::replace(&mut kept[h - a], true) {
                    break;
                }
            }
        }
        if line.colon_last && lines.get(i + 1).is_some_and(|n| n.indent > line.indent) {
            open.push(i);
        }
    }
    let mut kept_group = vec![false; b - a];
    for i in 0..b - a {
        kept_group[group[i] - a] |= kept[i];
    }
    for i in 0..b - a {
        kept[i] |= kept_group[group[i] - a];
    }
    let mut planned = Vec::new();
    let mut i = a;
    while i < b {
        if kept[i - a] {
            i += 1;
            continue;
        }
        let run = i;
        while i < b && !kept[i - a] {
            i += 1;
        }
        // The run is a whole block when it starts one and reaches its end.
        let whole = if run == a {
            i == b
        } else {
            let before = &lines[run - 1];
            before.colon_last
                && lines[run].indent > before.indent
                && (i == b || lines[i].indent <= before.indent)
        };
        let first = &lines[run];
        if whole && first.first_break - first.start < 3 {
            return false;
        }
        planned.push((first.start, lines[i - 1].end, whole));
    }
    blanks.extend(planned);
    true
}

/// The blank and comment-only lines: before the first logical line, between two and
/// after the last (from the end of a line break to the start of the next logical
/// line's first physical line). Python ignores them, and so does tree-sitter but for
/// their comment nodes, which the facts take from the scanner instead
/// (`Reduced::comments`): leaving them out of the parse changes no other fact.
pub(super) fn gaps(tokens: &[Token], scanned: &[LogicalLine], len: usize) -> Vec<Blank> {
    let mut out = Vec::new();
    let mut from = 0;
    for line in scanned {
        let start = line.line_start as usize;
        if start > from {
            out.push((from, start, false));
        }
        from = match tokens.get(line.tokens.end as usize) {
            Some(t) if t.kind == Tok::Newline => t.end as usize,
            _ => len,
        };
    }
    if len > from {
        out.push((from, len, false));
    }
    out
}

/// The complement of `blanks` (sorted by start; those with `dots` keeping their first
/// three bytes, the `...`), with the rows and byte columns tree-sitter wants.
pub(super) fn included_ranges(b: &[u8], blanks: &[Blank]) -> Vec<tree_sitter::Range> {
    let mut ranges = Vec::with_capacity(blanks.len() + 1);
    let (mut row, mut line_start, mut scanned) = (0usize, 0usize, 0usize);
    // Rows counted with memchr: a byte loop here was a fifth of the reducer's time.
    let mut point = |at: usize| {
        let part = &b[scanned..at];
        if let Some(last) = memchr::memrchr(b'\n', part) {
            row += memchr::memchr_iter(b'\n', part).count();
            line_start = scanned + last + 1;
        }
        scanned = at;
        tree_sitter::Point::new(row, at - line_start)
    };
    let mut start = 0;
    let mut start_point = point(0);
    for &(s, e, dots) in blanks {
        // A blank inside an earlier one (a literal table in a blanked statement) adds
        // nothing; adjacent blanks leave no range between them.
        if e <= start {
            continue;
        }
        let end = if dots { s + 3 } else { s };
        if end > start {
            let end_point = point(end);
            ranges.push(tree_sitter::Range {
                start_byte: start,
                end_byte: end,
                start_point,
                end_point,
            });
        }
        start = e;
        start_point = point(e);
    }
    let end_point = point(b.len());
    ranges.push(tree_sitter::Range {
        start_byte: start,
        end_byte: b.len(),
        start_point,
        end_point,
    });
    ranges
}
