//! The body reducer of whole-tree checks: parsing is most of a check's cost, and most of
//! a file's text is function and class bodies that no enabled rule looks into. Before
//! parsing, on the tokens and logical lines of `python::scan` (one lexical pass, shared
//! with the recognizer), the reducer finds every `def`/`async def`/`class` whose body is
//! an indented block, and blanks the body when the definition (decorators, header and
//! body) holds no needle of a rule that reads bodies
//! ([`crate::prefilter::body_needles`]). Blanking keeps every line break, so offsets,
//! rows and columns do not move, and writes `...` where the body's first statement stood
//! so the text still parses. A kept body is scanned for nested definitions that can be
//! blanked in turn; a body whose only needles are `import` statements keeps just those
//! and the headers around them; module-level literal tables lose their insides.
//!
//! Any text the scanner is unsure about (an unterminated string, unbalanced brackets, a
//! dedent to an unknown level or an unexpected indent, tabs mixed with spaces in one
//! indentation, form feeds, CR-only line ends, too many aliases) is left as it is. Only
//! the CLI check uses this; the language server, the hook and `--fix` always parse the
//! whole text (chunk by chunk, as everyone does: `python::analyze_included` cuts the kept
//! ranges at the chunk starts the reducer computed from the same logical lines).

use aho_corasick::AhoCorasick;

use crate::prefilter::BodyNeedles;
use crate::python::scan::{self, LineKind, LogicalLine, Tok, Token};

/// Needles of the enabled rules for one configuration.
pub struct Reducer {
    /// Needles that count anywhere but in comments and docstrings (case-sensitive).
    exact: Option<AhoCorasick>,
    /// Needles that count only in decorator, `def` and `class` lines, in any ASCII case
    /// (`@lru_cache`, `@classmethod`, `def __new__`, `metaclass=SingletonMeta`).
    headers: Option<AhoCorasick>,
    /// A body with an import statement is read.
    imports: bool,
    /// Needles that count only inside string literals that are not docstrings.
    strings: Option<AhoCorasick>,
}

/// A reduced text and the ranges of it that tree-sitter needs to see: everything but the
/// blanked bodies after their `...` (parsing only those gives the same tree as parsing the
/// spaces, without lexing them).
pub struct Reduced {
    pub text: String,
    pub included: Vec<tree_sitter::Range>,
    /// Where the text's chunks start after the first (`python::chunks` places them
    /// there too), from the scanner's logical lines.
    pub chunks: Vec<usize>,
}

/// The complement of `blanks` (those with `dots` keeping their first three bytes, the
/// `...`), with the rows and byte columns tree-sitter wants.
fn included_ranges(b: &[u8], blanks: &[Blank]) -> Vec<tree_sitter::Range> {
    let mut ranges = Vec::with_capacity(blanks.len() + 1);
    let (mut row, mut line_start, mut scanned) = (0usize, 0usize, 0usize);
    let mut point = |at: usize| {
        for (i, &c) in b[scanned..at].iter().enumerate() {
            if c == b'\n' {
                row += 1;
                line_start = scanned + i + 1;
            }
        }
        scanned = at;
        tree_sitter::Point::new(row, at - line_start)
    };
    let mut start = 0;
    let mut start_point = point(0);
    for &(s, e, dots) in blanks {
        let end = if dots { s + 3 } else { s };
        let end_point = point(end);
        ranges.push(tree_sitter::Range {
            start_byte: start,
            end_byte: end,
            start_point,
            end_point,
        });
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

/// Rounds of alias discovery (`from m import Needle as Alias`) before giving up on a file.
const ALIAS_ROUNDS: usize = 4;

impl Reducer {
    /// A reducer for these needles; empty lists are fine (every body can go).
    pub fn new(needles: &BodyNeedles) -> Reducer {
        let build = |needles: &[String], ci: bool| {
            let needles: Vec<&String> = needles.iter().filter(|n| !n.is_empty()).collect();
            if needles.is_empty() {
                return None;
            }
            AhoCorasick::builder()
                .ascii_case_insensitive(ci)
                .build(needles)
                .ok()
        };
        Reducer {
            exact: build(&needles.exact, false),
            headers: build(&needles.headers, true),
            imports: needles.imports,
            strings: build(&needles.strings, false),
        }
    }

    /// The reduced text, or `None` when the scanner is unsure of the text.
    pub fn reduce(&self, text: &str) -> Option<Reduced> {
        self.reduce_tokens(text, &scan::tokenize(text))
    }

    /// [`Reducer::reduce`] on the text's tokens (`scan::tokenize(text)`), so a caller that
    /// already has them does not lex the text again. A text with nothing to blank is
    /// still `Some` (its chunks come from here, not from the chunker's lexer).
    pub fn reduce_tokens(&self, text: &str, tokens: &[Token]) -> Option<Reduced> {
        let scanned = scan::logical_lines(text, tokens);
        let lines = lines_of(text, tokens, &scanned)?;
        let chunks = chunk_starts(text.as_bytes(), tokens, &scanned);
        let mut blanks = Vec::new();
        let tables = literal_tables(text.as_bytes(), tokens, &scanned);
        let definitions = lines
            .iter()
            .any(|l| matches!(l.kind, Kind::Def | Kind::Class) && l.colon_last);
        if definitions || !tables.is_empty() {
            let (hits, others) = self.hits(text, tokens, &scanned, &lines)?;
            blanks.extend(
                tables
                    .into_iter()
                    .filter(|&(s, e)| !hits.any_within(s, e))
                    .map(|(s, e)| (s, e, false)),
            );
            plan(&lines, 0, lines.len(), &hits, &others, &mut blanks);
        }
        let included = included_ranges(text.as_bytes(), &blanks);
        let mut out = text.as_bytes().to_vec();
        for &(start, end, dots) in &blanks {
            for b in &mut out[start..end] {
                if *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
            if dots {
                out[start..start + 3].copy_from_slice(b"...");
            }
        }
        // Only ASCII replaced whole UTF-8 sequences (ranges start at a token and end at a
        // line break), so this cannot fail; `None` keeps the text if it ever did.
        let text = String::from_utf8(out).ok()?;
        Some(Reduced {
            text,
            included,
            chunks,
        })
    }

    /// Every needle occurrence that counts, as `(start, end)`, sorted by start, aliases
    /// included, and those of them that are no `import` keyword; `None` when aliases keep
    /// appearing (the file is left alone).
    fn hits(
        &self,
        text: &str,
        tokens: &[Token],
        scanned: &[LogicalLine],
        lines: &[Line],
    ) -> Option<(Hits, Hits)> {
        let mut imports = Vec::new();
        let mut hits = Vec::new();
        let mut fresh: Vec<(usize, usize)> = Vec::new();
        if self.imports {
            imports.extend(
                tokens
                    .iter()
                    .filter(|t| t.kind == Tok::Name && &text.as_bytes()[t.range()] == b"import")
                    .map(|t| (t.start as usize, t.end as usize)),
            );
        }
        if self.exact.is_some() || self.strings.is_some() {
            // Comments and docstrings are read by no rule; string literals (docstrings
            // aside) are where legacy paths are.
            let mut silent: Vec<(usize, usize)> = Vec::new();
            let mut literals: Vec<(usize, usize)> = Vec::new();
            for (t, doc) in scan::strings(tokens, scanned) {
                let span = (t.start as usize, t.end as usize);
                if doc {
                    silent.push(span);
                } else {
                    literals.push(span);
                }
            }
            silent.extend(
                tokens
                    .iter()
                    .filter(|t| t.kind == Tok::Comment)
                    .map(|t| (t.start as usize, t.end as usize)),
            );
            silent.sort_unstable();
            if let Some(ac) = &self.exact {
                // Only an automaton built for another match kind errs: then be safe.
                for m in ac.try_find_overlapping_iter(text).ok()? {
                    let span = (m.start(), m.end());
                    fresh.push(span);
                    if !within(&silent, span) {
                        hits.push(span);
                    }
                }
            }
            if let Some(ac) = &self.strings {
                for m in ac.try_find_overlapping_iter(text).ok()? {
                    let span = (m.start(), m.end());
                    if within(&literals, span) {
                        hits.push(span);
                    }
                }
            }
        }
        if let Some(ac) = &self.headers {
            let headers: Vec<(usize, usize)> = lines
                .iter()
                .filter(|l| l.kind != Kind::Other)
                .map(|l| (l.start, l.end))
                .collect();
            for m in ac.try_find_overlapping_iter(text).ok()? {
                // Aliases of header needles (`lru_cache as memo`) count anywhere.
                fresh.push((m.start(), m.end()));
                let i = headers.partition_point(|&(_, end)| end < m.end());
                if headers.get(i).is_some_and(|&(s, _)| s <= m.start()) {
                    hits.push((m.start(), m.end()));
                }
            }
        }
        let bytes = text.as_bytes();
        let mut aliases: Vec<String> = Vec::new();
        for _ in 0..ALIAS_ROUNDS {
            let mut new_aliases = Vec::new();
            for &(_, end) in &fresh {
                if let Some(alias) = alias_after(bytes, end) {
                    if !aliases.contains(&alias) && !new_aliases.contains(&alias) {
                        new_aliases.push(alias);
                    }
                }
            }
            if new_aliases.is_empty() {
                hits.sort_unstable();
                let mut all = imports;
                all.extend(hits.iter().copied());
                all.sort_unstable();
                return Some((Hits(all), Hits(hits)));
            }
            let ac = AhoCorasick::new(&new_aliases).ok()?;
            fresh = ac
                .try_find_overlapping_iter(text)
                .ok()?
                .map(|m| (m.start(), m.end()))
                .collect();
            hits.extend(fresh.iter().copied());
            aliases.extend(new_aliases);
        }
        None
    }
}

/// Is `span` inside one of `spans` (sorted, not overlapping)?
fn within(spans: &[(usize, usize)], (start, end): (usize, usize)) -> bool {
    let i = spans.partition_point(|&(s, _)| s <= start);
    i > 0 && spans[i - 1].1 >= end
}

/// Needle occurrences, sorted by start.
struct Hits(Vec<(usize, usize)>);

impl Hits {
    /// Is some occurrence wholly inside `start..end`?
    fn any_within(&self, start: usize, end: usize) -> bool {
        let first = self.0.partition_point(|&(s, _)| s < start);
        self.0[first..]
            .iter()
            .take_while(|&&(s, _)| s < end)
            .any(|&(_, e)| e <= end)
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// After a needle ending at `at`: the rest of its identifier, then `as NAME`? (Spaces,
/// line breaks, continuations and comments may stand between, as in a parenthesised
/// `from` list.) Returns `NAME`.
fn alias_after(b: &[u8], mut at: usize) -> Option<String> {
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

fn skip_blank(b: &[u8], mut at: usize) -> usize {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `def` or `async def`.
    Def,
    Class,
    /// `@…`
    Decorator,
    Other,
}

/// One logical line (physical lines joined by brackets or backslashes).
#[derive(Debug)]
struct Line {
    /// Its first token.
    start: usize,
    /// Its terminating line break (or the end of the text); a trailing comment is inside.
    end: usize,
    /// The first line break inside it (or `end`).
    first_break: usize,
    /// Indentation width, a tab counting 8.
    indent: u32,
    kind: Kind,
    /// The last token is a `:` (so a compound statement's block follows).
    colon_last: bool,
    /// It starts with `else`, `elif`, `except` or `finally`: a clause of the compound
    /// statement before it.
    clause: bool,
}

/// The shortest literal table worth blanking (each blank splits tree-sitter's ranges).
const MIN_TABLE: usize = 64;

/// The insides of module-level `NAME = (…)`, `[…]` or `{…}` whose brackets hold only
/// literals (strings, numbers, `None`, `True`, `False`, `,` `:` `+` `-` and brackets):
/// data tables, often most of a module's bytes, that no rule reads. Blanking the inside
/// leaves `NAME = ()`: the binding stays, and its value is still no call and no dotted
/// name, which is all SSOT101 and SSOT103 read of a module-level assignment.
fn literal_tables(b: &[u8], tokens: &[Token], scanned: &[LogicalLine]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for line in scanned.iter().filter(|l| l.indent == 0) {
        let mut code = tokens[line.tokens.start as usize..line.tokens.end as usize]
            .iter()
            .filter(|t| !matches!(t.kind, Tok::Nl | Tok::Comment));
        let text = |t: &Token| &b[t.range()];
        let (Some(name), Some(equals), Some(open)) = (code.next(), code.next(), code.next()) else {
            continue;
        };
        if name.kind != Tok::Name
            || matches!(text(name), b"None" | b"True" | b"False")
            || text(equals) != b"="
            || !matches!(text(open), b"(" | b"[" | b"{")
        {
            continue;
        }
        let mut depth = 1u32;
        let mut close = None;
        for t in code {
            if depth == 0 {
                close = None;
                break;
            }
            let literal = match t.kind {
                Tok::String | Tok::Number => true,
                Tok::Name => matches!(text(t), b"None" | b"True" | b"False"),
                Tok::Op => match text(t) {
                    b"(" | b"[" | b"{" => {
                        depth += 1;
                        true
                    }
                    b")" | b"]" | b"}" => {
                        depth -= 1;
                        close = Some(t.start as usize);
                        true
                    }
                    op => matches!(op, b"," | b":" | b"+" | b"-"),
                },
                _ => false,
            };
            if !literal {
                close = None;
                break;
            }
        }
        if let Some(close) = close.filter(|_| depth == 0) {
            if close - open.end as usize >= MIN_TABLE {
                out.push((open.end as usize, close));
            }
        }
    }
    out
}

/// A blanked range `(start, end, dots)`: from a statement's first token to a line end,
/// with `...` written at its start when it was a block's only content.
type Blank = (usize, usize, bool);

/// Blank the bodies of `lines[a..b]` that hold no needle, then those inside the kept
/// ones (ranges wait on an explicit stack: nesting is the user's); `blanks` ends sorted.
/// A definition whose only needles are `import` statements ([`BodyNeedles::imports`]:
/// `others` has none in it) keeps just those and the headers around them
/// ([`keep_imports`]).
fn plan(lines: &[Line], a: usize, b: usize, hits: &Hits, others: &Hits, blanks: &mut Vec<Blank>) {
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
fn keep_imports(lines: &[Line], a: usize, b: usize, hits: &Hits, blanks: &mut Vec<Blank>) -> bool {
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

/// The reducer's view of the scanner's logical lines; `None` when the text is not
/// lexically sound Python or uses what tree-sitter or the chunker may read differently
/// (form feeds or tabs and spaces mixed in an indentation, CR-only line ends, a logical
/// line that starts after a `\` continuation, an indentation error: the chunker would
/// put what follows it in a chunk of its own, and blanking a body could move that).
fn lines_of(text: &str, tokens: &[Token], scanned: &[LogicalLine]) -> Option<Vec<Line>> {
    let b = text.as_bytes();
    if tokens.iter().any(|t| {
        t.kind == Tok::Error || (matches!(t.kind, Tok::Newline | Tok::Nl) && &b[t.range()] == b"\r")
    }) {
        return None;
    }
    let mut lines = Vec::with_capacity(scanned.len());
    let mut opens_block = false;
    let mut indent = 0;
    for line in scanned {
        let (start, end) = (line.start as usize, line.end as usize);
        let indentation = &b[line.line_start as usize..start];
        if indentation.contains(&0x0c)
            || (indentation.contains(&b'\t') && indentation.contains(&b' '))
            || (line.indent > indent && !opens_block)
        {
            return None;
        }
        (indent, opens_block) = (line.indent, line.colon_last);
        let before = &b[..line.line_start as usize];
        let before = before.strip_suffix(b"\n").unwrap_or(before);
        let before = before.strip_suffix(b"\r").unwrap_or(before);
        if line.line_start > 0 && before.ends_with(b"\\") {
            return None;
        }
        // A `\` continuation counts as a break: `...` must fit before it.
        let first_break =
            memchr::memchr3(b'\n', b'\r', b'\\', &b[start..end]).map_or(end, |k| start + k);
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
        });
    }
    Some(lines)
}

/// Where `python::chunks` would start chunks after the first, for a text whose logical
/// lines are sound ([`lines_of`]): at each column-0 statement that begins with an ASCII
/// letter, `_` or `@`, is no `else`/`elif`/`except`/`finally` and follows no decorator.
fn chunk_starts(b: &[u8], tokens: &[Token], scanned: &[LogicalLine]) -> Vec<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(text: &str, needles: &[&str]) -> String {
        let needles: Vec<String> = needles.iter().map(|s| s.to_string()).collect();
        Reducer::new(&BodyNeedles {
            exact: needles,
            ..BodyNeedles::default()
        })
        .reduce(text)
        .map_or_else(|| text.to_string(), |r| r.text)
    }

    #[test]
    fn blanks_bodies_keeping_line_breaks() {
        let text = "def f(a):\n    x = 1\n    return x\n\nclass C:\n    y = 2\n";
        let out = reduce(text, &[]);
        assert_eq!(
            out,
            "def f(a):\n    ...  \n            \n\nclass C:\n    ...  \n"
        );
        assert_eq!(out.len(), text.len());
    }

    #[test]
    fn keeps_bodies_with_needles_and_blanks_inside() {
        let text = "class C:\n    _instance = None\n    def a(self):\n        return 1\n";
        let out = reduce(text, &["_instance"]);
        assert_eq!(
            out,
            "class C:\n    _instance = None\n    def a(self):\n        ...     \n"
        );
    }

    #[test]
    fn strings_comments_and_brackets() {
        let text = "def f():\n    s = '''\ndef g():\n    x'''\n    t = f\"{d['k']:>{w}}\" # :\n    u = (1,\n2)\ny = 1\n";
        let out = reduce(text, &[]);
        assert!(out.starts_with("def f():\n    ...   "));
        assert!(out.ends_with("\ny = 1\n"));
        assert_eq!(out.matches('\n').count(), text.matches('\n').count());
    }

    #[test]
    fn leaves_unsound_text_alone() {
        let unterminated = "def f():\n    s = 'abc\n";
        assert_eq!(reduce(unterminated, &[]), unterminated);
        let unbalanced = "def f():\n    x = (1,\n";
        assert_eq!(reduce(unbalanced, &[]), unbalanced);
        let bad_dedent = "def f():\n        x = 1\n    y = 2\n";
        assert_eq!(reduce(bad_dedent, &[]), bad_dedent);
    }

    #[test]
    fn aliases_of_needles_are_needles() {
        let text = "from functools import lru_cache as memo\nclass C:\n    def a(self):\n        memo(x)\n    def b(self):\n        return 2\n";
        let out = reduce(text, &["cache"]);
        assert!(out.contains("memo(x)"));
        assert!(!out.contains("return 2"));
    }

    #[test]
    fn header_needles_count_only_in_headers() {
        let reducer = Reducer::new(&BodyNeedles {
            headers: vec!["cache".to_string(), "singleton".to_string()],
            ..BodyNeedles::default()
        });
        let text = "def f():\n    self._cache = {}\n\ndef g():\n    @functools.lru_cache\n    def h():\n        return E()\n    return h\n\ndef k():\n    class S(metaclass=SingletonMeta):\n        pass\n";
        let out = reducer.reduce(text).expect("reduced").text;
        assert!(!out.contains("self._cache"));
        assert!(out.contains("return E()"));
        assert!(out.contains("class S(metaclass=SingletonMeta):"));
    }

    /// The scanner's chunk starts are the chunker's, so the CLI need not run its lexer.
    #[test]
    fn chunk_starts_are_the_chunkers() {
        let text = "import os\n\n# c\nx = (\nfoo)\n@dec\n# d\n@other\nasync def f():\n    pass\n\
                    if a:\n    pass\nelse:\n    pass\ntry:\n    pass\nexcept E:\n    pass\n\
                    s = '''\nimport os\n'''\n(a, b) = 1, 2\n_y = 3\nclass C:\n    z = 1\n";
        let reduced = Reducer::new(&BodyNeedles::default())
            .reduce(text)
            .expect("sound");
        let expected: Vec<usize> = crate::python::chunks::chunks(text)
            .into_iter()
            .skip(1)
            .map(|r| r.start)
            .collect();
        assert_eq!(reduced.chunks, expected);
        assert_eq!(expected.len(), 7);
    }

    #[test]
    fn indentation_errors_are_left_alone() {
        let reducer = Reducer::new(&BodyNeedles::default());
        assert!(reducer
            .reduce("x = 1\n    y = 2\ndef f():\n    z = 3\n")
            .is_none());
        assert!(reducer.reduce("    x = 1\ndef f():\n    z = 3\n").is_none());
        assert!(reducer.reduce("def f():\n    z = 3\n").is_some());
    }

    /// A body whose only needles are imports keeps them, the headers around them (every
    /// clause of their compound statements) and the decorators of kept definitions.
    #[test]
    fn import_only_bodies_keep_just_the_imports() {
        let reducer = Reducer::new(&BodyNeedles {
            imports: true,
            ..BodyNeedles::default()
        });
        let text = "def f(a):\n    x = a + 1\n    try:\n        import json\n    except ImportError:\n        json = None\n    else:\n        y = 2\n    @dec\n    def g():\n        import os\n        return os\n    def h():\n        return 3\n    return x\n";
        let reduced = reducer.reduce(text).expect("sound");
        let expected = "def f(a):\n             \n    try:\n        import json\n    except ImportError:\n        ...        \n    else:\n        ...  \n    @dec\n    def g():\n        import os\n                 \n            \n                \n            \n";
        assert_eq!(reduced.text, expected);
        let facts = crate::python::analyze_included(
            &reduced.text,
            None,
            &reduced.included,
            &reduced.chunks,
        )
        .expect("ranges accepted");
        assert!(!facts.has_syntax_errors());
        assert_eq!(facts.imports.len(), 2);
    }

    /// Module-level data tables lose their insides; a table with a call, a name or a
    /// needle, a short one and one inside a block stay.
    #[test]
    fn literal_tables_are_blanked_inside() {
        let reducer = Reducer::new(&BodyNeedles {
            exact: vec!["Mapping".to_string()],
            ..BodyNeedles::default()
        });
        let table = "(\n    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',  # c\n    1, -2.5, None, {'k': [True]},\n)";
        let text = format!(
            "T = {table}\nU = [f(x), {table}]\nV = ['Mapping', {table}]\nW = (1, 2)\nif a:\n    X = {table}\n"
        );
        let reduced = reducer.reduce(&text).expect("sound");
        let blank: String = table[1..table.len() - 1]
            .chars()
            .map(|c| if c == '\n' { c } else { ' ' })
            .collect();
        assert_eq!(reduced.text, text.replacen(table, &format!("({blank})"), 1));
        let facts = crate::python::analyze_included(
            &reduced.text,
            None,
            &reduced.included,
            &reduced.chunks,
        )
        .expect("ranges accepted");
        assert!(!facts.has_syntax_errors());
        assert_eq!(facts.defs.module_assignments.len(), 5);
    }

    #[test]
    fn one_line_and_short_bodies_stay() {
        let text = "def f(): pass\ndef g():\n    x\nclass C: y = 1\n";
        assert_eq!(reduce(text, &[]), text);
    }

    /// Cases with CPython 3.11's verdict (`compile()` raising `TabError` or not).
    #[test]
    fn tab_errors_as_cpython_reports_them() {
        let cases = [
            ("if a:\n\tx = 1\n        y = 2\n", true),
            ("if a:\n\tx = 1\n\ty = 2\n", false),
            ("if a:\n        x = 1\n\ty = 2\n", true),
            ("if a:\n    x = (1,\n\t\t2)\n    y = 3\n", false),
            ("if a:\n    x = '''\n\tz\n'''\n    y = 3\n", false),
            ("if a:\n  \tx = 1\n  \ty = 2\n", false),
            ("if a:\n\t# c\n    x = 1\n", false),
            ("if a:\n    if b:\n\tx = 1\n", true),
            (
                "if a:\n\tif b:\n\t\tx = 1\n\telse:\n\t        y = 2\n",
                false,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(has_tab_error(text), expected, "{text:?}");
        }
    }
}
