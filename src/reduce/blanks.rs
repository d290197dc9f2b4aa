//! Which byte ranges to blank (bodies without needles; of a body whose needles are all
//! read statement by statement, every other statement) and the ranges tree-sitter still
//! has to see once they are blank.
//!
//! # What the rules read inside a kept body (the keep policy)
//! A definition's span (decorators, header, body) with no hit goes whole ([`plan`]). In a
//! span with hits, what each rule reads (`rules/`, `prefilter::BodyNeedles`):
//! - an `import` statement (SSOT001/002/003/005, and every rule resolving names: SSOT101–
//!   105, SSOT201): the statement with its context, which the headers of its blocks give
//!   (the function or class it stands in, `try` … `except ImportError:`, `if
//!   TYPE_CHECKING:`); the import names an alias binds are hits too, wherever they stand.
//!   Rename fixes (SSOT002 `--unsafe-fixes`) find references on the whole text (`Fix::
//!   edits_for`), not on the reduced one;
//! - a name reference (`attributes`, `calls`: SSOT001 `mod.UserEngine`, SSOT201
//!   `UserEngine(…)`, an alias anywhere): one `AttributeRef` or `CallFact` inside the
//!   statement holding it, resolved through the file's imports (kept);
//! - a path string (SSOT004): one `StringLiteral` inside its statement (whether it is the
//!   first argument of `import_module`/`patch` is in the same call; a bare string
//!   statement is never read, wherever it stands);
//! - a `global` statement (SSOT103): the function's `global` names and its assignments
//!   to them (the value's callee), so every statement naming one of them is kept;
//! - a storing needle on a method's own decorator or `def` line (SSOT102 `__new__`,
//!   `@classmethod`, `@staticmethod`, counted only when the method stores an attribute
//!   of a plain name): the method's assignments to `cls._x`/`Klass._x`, so every
//!   statement holding an attribute of a plain name and an assignment operator is kept
//!   (the class attributes `__new__` may store are in the class, kept whole: the hit is
//!   on a line nested in it);
//! - any other hit on a decorator, `def` or `class` line (SSOT104 `cache`: the
//!   function's returns; SSOT105 `singleton`: a nested class's decorators and keywords;
//!   SSOT202 a factory class's methods; an alias there): not local, the whole body stays
//!   (nested definitions without hits still go);
//! - `exact` needles and `module_statements` (the report's metrics): the whole body.
//!
//! So a span whose hits are all local keeps the statements holding them (for a
//! `global`, those naming its names), the headers of their blocks (every clause header
//! of a kept compound statement) and the decorators of a kept definition
//! ([`keep_lines`]); everything else of the body goes.

use super::lines::{Kind, Line};
use super::tokens::{declared_names, is_assignment_op, is_attribute_of_name, token_range};
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

/// The text's tokens, for reading `global` statements, and whether statement-level
/// keeping applies to every local needle (off when exact needles or module statements
/// are read: the report's metrics, which read more than the rules).
pub(super) struct Statements<'a> {
    pub(super) b: &'a [u8],
    pub(super) tokens: &'a [Token],
    pub(super) local: bool,
    /// The storing needles, ASCII lowercase, that are needles of no other kind.
    pub(super) storing: &'a [String],
}

/// Blank the bodies of `lines[a..b]` that hold no needle, then those inside the kept
/// ones (ranges wait on an explicit stack: nesting is the user's); `blanks` ends sorted.
/// A definition whose needles are all local (the module's keep policy; with
/// `statements.local` off, only `import` statements: `others` has none in it) keeps just
/// the statements holding them and the headers around them ([`keep_lines`]).
pub(super) fn plan(
    lines: &[LogicalLine],
    a: usize,
    b: usize,
    hits: &Hits,
    others: &Hits,
    statements: &Statements,
    blanks: &mut Vec<Blank>,
) {
    let source = (statements.b, statements.tokens);
    let mut ranges = vec![(a, b)];
    while let Some((a, b)) = ranges.pop() {
        let mut i = a;
        while i < b {
            let first = i;
            let mut k = i;
            while k < b && lines[k].kind() == Kind::Decorator {
                k += 1;
            }
            if k >= b {
                break;
            }
            let header = &lines[k];
            let body = k + 1;
            if matches!(header.kind(), Kind::Def | Kind::Class)
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
                let span = (lines[first].start(), last.end());
                if !hits.any_within(span.0, span.1) && first_line.fits_dots(statements.b) {
                    blanks.push((first_line.start(), last.end(), true));
                } else if statements.local {
                    let kept = local_keep(lines, (first, k, end), hits, statements).is_some_and(
                        |stores| {
                            keep_statements(lines, body, end, hits, stores, statements, blanks)
                        },
                    );
                    if !kept {
                        ranges.push((body, end));
                    }
                } else if others.any_within(span.0, span.1)
                    || !keep_imports(lines, body, end, hits, source, blanks)
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

/// How the definition `lines[first..end]` (its header `lines[k]`) keeps its body when
/// its needles are local: `None` when a hit on a decorator, `def` or `class` line needs
/// the whole body; `Some(true)` when its own decorators and header hold storing needles
/// only (SSOT102 reads its stores), `Some(false)` when they hold none.
fn local_keep(
    lines: &[LogicalLine],
    (first, k, end): (usize, usize, usize),
    hits: &Hits,
    statements: &Statements,
) -> Option<bool> {
    let mut stores = false;
    for (i, line) in lines.iter().enumerate().take(end).skip(first) {
        if line.kind() == Kind::Other {
            continue;
        }
        for &(s, e) in hits.within(line.start(), line.end()) {
            let text = &statements.b[s..e];
            if i <= k
                && statements
                    .storing
                    .iter()
                    .any(|n| text.eq_ignore_ascii_case(n.as_bytes()))
            {
                stores = true;
            } else {
                return None;
            }
        }
    }
    Some(stores)
}

/// [`keep_lines`] for a body whose hits are all local: a line is kept when it holds a
/// hit, names a name declared by a `global` statement hit in the body (SSOT103 reads
/// the function's assignments to it) or, with `stores`, holds an attribute of a plain
/// name and an assignment operator (SSOT102 reads the method's `cls._x = …`).
fn keep_statements(
    lines: &[LogicalLine],
    a: usize,
    b: usize,
    hits: &Hits,
    stores: bool,
    statements: &Statements,
    blanks: &mut Vec<Blank>,
) -> bool {
    let (bytes, tokens) = (statements.b, statements.tokens);
    let tokens_of = |start: usize, end: usize| &tokens[token_range(tokens, start, end)];
    let (start, end) = (lines[a].start(), lines[b - 1].end());
    let mut names: Vec<&[u8]> = Vec::new();
    for &(s, _) in hits.within(start, end) {
        // Indentation tokens may start where the keyword does.
        let range = token_range(tokens, s, end);
        let Some(k) = (range.start..range.end).find(|&i| tokens[i].kind == Tok::Name) else {
            continue;
        };
        if tokens[k].start as usize == s && &bytes[tokens[k].range()] == b"global" {
            names.extend(declared_names(bytes, tokens, k));
        }
    }
    keep_lines(
        lines,
        (a, b),
        (bytes, tokens),
        |l| {
            hits.any_within(l.start(), l.end())
                || !names.is_empty()
                    && tokens_of(l.start(), l.end())
                        .iter()
                        .any(|t| t.kind == Tok::Name && names.contains(&&bytes[t.range()]))
                || stores && {
                    let line = token_range(tokens, l.start(), l.end());
                    line.clone().any(|i| is_attribute_of_name(bytes, tokens, i))
                        && tokens[line]
                            .iter()
                            .any(|t| t.kind == Tok::Op && is_assignment_op(&bytes[t.range()]))
                }
        },
        blanks,
    )
}

/// [`keep_lines`] keeping the lines that hold a hit (`import` statements in a body with
/// no other rule needle; the statements `reduce::classes` reads).
pub(super) fn keep_imports(
    lines: &[LogicalLine],
    a: usize,
    b: usize,
    hits: &Hits,
    source: (&[u8], &[Token]),
    blanks: &mut Vec<Blank>,
) -> bool {
    keep_lines(
        lines,
        (a, b),
        source,
        |l| hits.any_within(l.start(), l.end()),
        blanks,
    )
}

/// Blank every statement of the body `lines[a..b]` but those `holds` keeps and the
/// headers of the blocks around them: of a compound statement, every clause header stays
/// (`try` with its `except ImportError:`, `if` with its `else:`, which give an import its
/// context), and of a definition, its decorators. A block left with no statement gets
/// `...`. `false` (and nothing blanked) when a `...` does not fit where it must go.
fn keep_lines(
    lines: &[LogicalLine],
    (a, b): (usize, usize),
    (bytes, tokens): (&[u8], &[Token]),
    holds: impl Fn(&LogicalLine) -> bool,
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
            Some(s) if line.clause(bytes, tokens) || lines[s].kind() == Kind::Decorator => {
                group[s - a]
            }
            _ => i,
        });
        if previous.is_some() {
            siblings.pop();
        }
        siblings.push(i);
        if holds(line) {
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
        if whole && !first.fits_dots(bytes) {
            return false;
        }
        planned.push((first.start(), lines[i - 1].end(), whole));
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
