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
//!
//! The parts: `lines` (the reducer's logical lines, chunk starts, the `TabError` check),
//! `tables` (module-level literal tables), `blanks` (what to blank and the ranges left).

mod blanks;
mod lines;
mod statements;
mod tables;

use aho_corasick::AhoCorasick;

use crate::prefilter::BodyNeedles;
use crate::python::scan::{self, LogicalLine, Tok, Token};
use blanks::{gaps, included_ranges, plan, Hits};
use lines::{chunk_starts, lines_of, Kind, Line};
use tables::literal_tables;

pub(crate) use lines::has_tab_error;

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
/// blanked bodies after their `...` and the blank and comment-only lines between logical
/// lines (parsing only those gives the same tree as parsing the spaces and comments,
/// without lexing them).
pub struct Reduced {
    pub text: String,
    pub included: Vec<tree_sitter::Range>,
    /// Where the text's chunks start after the first (`python::chunks` places them
    /// there too), from the scanner's logical lines.
    pub chunks: Vec<usize>,
    /// Every comment of the text, from the scanner: tree-sitter does not see those on
    /// the lines left out, so the facts take their comments (`# noqa`) from here.
    pub comments: Vec<crate::python::Comment>,
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
        let text_in = text;
        let scanned = scan::logical_lines(text, tokens);
        let lines = lines_of(text, tokens, &scanned)?;
        let chunks = chunk_starts(text.as_bytes(), tokens, &scanned);
        let mut blanks = Vec::new();
        let tables = literal_tables(text.as_bytes(), tokens, &scanned);
        let definitions = lines
            .iter()
            .any(|l| matches!(l.kind, Kind::Def | Kind::Class) && l.colon_last);
        let statements = statements::module_statements(text.as_bytes(), tokens, &scanned);
        if definitions || !tables.is_empty() || !statements.is_empty() {
            let (hits, others) = self.hits(text, tokens, &scanned, &lines)?;
            let strings = self.strings.as_ref();
            let bytes = text.as_bytes();
            blanks.extend(statements::unread(
                bytes, tokens, statements, &hits, strings,
            ));
            blanks.extend(
                tables
                    .into_iter()
                    .filter(|&t| !tables::is_read(text.as_bytes(), tokens, t, strings))
                    .map(|(s, e)| (s, e, false)),
            );
            plan(&lines, 0, lines.len(), &hits, &others, &mut blanks);
        }
        blanks.sort_unstable();
        let mut skipped = blanks.clone();
        skipped.extend(gaps(tokens, &scanned, text.len()));
        skipped.sort_unstable();
        let included = included_ranges(text.as_bytes(), &skipped);
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
            comments: scan::comments(text_in, tokens),
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

#[cfg(test)]
mod tests;
