//! The body reducer of whole-tree checks: parsing is most of a check's cost, and most of
//! a file's text is function and class bodies that no enabled rule looks into. Before
//! parsing, on the tokens and logical lines of `python::scan` (one lexical pass, shared
//! with the recognizer), the reducer finds every `def`/`async def`/`class` whose body is
//! an indented block, and blanks the body when the definition (decorators, header and
//! body) holds no needle of a rule that reads bodies
//! ([`crate::prefilter::body_needles`]). Blanking keeps every line break, so offsets,
//! rows and columns do not move, and writes `...` where the body's first statement stood
//! so the text still parses. A kept body is scanned for nested definitions that can be
//! blanked in turn; a body whose needles are all read statement by statement (imports,
//! names, path strings, `global`s, a method's stores: the keep policy in `blanks`) keeps
//! just those statements and the headers around them; module-level literal tables lose
//! their insides.
//!
//! Any text the scanner is unsure about (an unterminated string, unbalanced brackets, a
//! dedent to an unknown level or an unexpected indent, tabs mixed with spaces in one
//! indentation, form feeds, CR-only line ends, too many aliases) is left as it is. Only
//! the CLI check uses this; the language server, the hook and `--fix` always parse the
//! whole text (chunk by chunk, as everyone does: `python::analyze_included` cuts the kept
//! ranges at the chunk starts the reducer computed from the same logical lines).
//!
//! The parts: `lines` (the reducer's reading of the scanner's logical lines, chunk starts,
//! the `TabError` check),
//! `tables` (module-level literal tables), `blanks` (what to blank and the ranges left),
//! `headers` (the parameters, return annotation and decorators of blanked functions).

mod blanks;
pub mod classes;
mod definitions;
mod headers;
mod lines;
mod statements;
mod tables;
mod tokens;

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::prefilter::BodyNeedles;
use crate::python::scan::{self, LogicalLine, Tok, Token};
use blanks::{gaps, included_ranges, plan, Blank, Hits};
use definitions::Definitions;
use lines::{chunk_starts, sound, Kind, Line};
use tables::literal_tables;
use tokens::{
    alias_after, is_attribute_of_name, is_ident, is_op, name_token, next_code, within, Found,
};

pub(crate) use lines::has_tab_error;

/// Needles of the enabled rules for one configuration.
pub struct Reducer {
    /// Needles that count anywhere but in comments and docstrings (case-sensitive).
    exact: Option<AhoCorasick>,
    /// Whole identifiers ([`BodyNeedles::attributes`], `calls`) in one leftmost-longest
    /// automaton: a whole identifier is never hidden by a longer or an earlier match
    /// that is not one, so one non-overlapping pass finds them all.
    identifiers: Option<(AhoCorasick, Vec<Wants>)>,
    /// Needles that count only in decorator, `def` and `class` lines, in any ASCII case
    /// (`metaclass=SingletonMeta`), then from pattern `storing` on those that count only
    /// where the definition stores an attribute (`@classmethod`, `def __new__`), then
    /// from pattern `getters` on those that count only in a decorator of a function of at
    /// most one parameter (`@lru_cache`).
    headers: Option<AhoCorasick>,
    storing: usize,
    getters: usize,
    /// A body with an import statement is read.
    imports: bool,
    /// A `global` statement is read when its function assigns one of its names.
    globals: bool,
    /// Dotted paths that count at the start of a string literal's content.
    strings: HashSet<String>,
    /// The shortest and longest of `strings`: a literal's path of another length is
    /// looked up in no hash set (most literals are short words).
    string_lengths: (usize, usize),
    /// The first bytes of `strings`: most literals start with another and are looked
    /// at no further.
    string_first: [bool; 256],
    /// Module-level statements are all kept ([`BodyNeedles::module_statements`]).
    module_statements: bool,
    /// The storing needles that are no other kind's, ASCII lowercase: a kept method
    /// whose header holds only those keeps just its stores (`blanks::Statements`).
    storing_only: Vec<String>,
    /// [`BodyNeedles::singleton_packages`].
    singleton_packages: Option<Vec<String>>,
    /// Names that count as whole names in code wherever they stand, as aliases do
    /// ([`Reducer::around_chunks`]).
    names: Vec<String>,
}

/// Where a whole identifier counts, per identifier needle.
#[derive(Debug, Clone, Copy, Default)]
struct Wants {
    /// After a `.` whose object is a plain name.
    attribute: bool,
    /// Before a `(`.
    call: bool,
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
        // A name needle that is no identifier (never from a valid config) counts as a
        // plain substring: only whole identifiers may be matched as such.
        let mut exact = needles.exact.clone();
        let mut wanted: Vec<(String, Wants)> = Vec::new();
        for (list, set) in [
            (
                &needles.attributes,
                (|w: &mut Wants| w.attribute = true) as fn(&mut Wants),
            ),
            (&needles.calls, |w: &mut Wants| w.call = true),
        ] {
            for needle in list.iter().filter(|n| !n.is_empty()) {
                if !needle.bytes().all(is_ident) {
                    exact.push(needle.clone());
                    continue;
                }
                match wanted.iter_mut().find(|(n, _)| n == needle) {
                    Some((_, wants)) => set(wants),
                    None => {
                        let mut wants = Wants::default();
                        set(&mut wants);
                        wanted.push((needle.clone(), wants));
                    }
                }
            }
        }
        let identifiers = (!wanted.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(wanted.iter().map(|(n, _)| n))
                    .ok()
            })
            .flatten()
            .map(|ac| (ac, wanted.into_iter().map(|(_, w)| w).collect()));
        // A needle in several lists counts where any of them does: one of storing and
        // getters both counts as a plain header needle.
        let mut headers: Vec<String> = needles.headers.clone();
        headers.extend(
            needles
                .storing
                .iter()
                .filter(|n| needles.getters.contains(n))
                .cloned(),
        );
        headers.retain(|n| !n.is_empty());
        headers.sort();
        headers.dedup();
        let storing = headers.len();
        let mut getters = storing;
        for (list, conditional) in [(&needles.storing, true), (&needles.getters, false)] {
            for needle in list {
                if !needle.is_empty() && !headers.contains(needle) {
                    headers.push(needle.clone());
                    getters += usize::from(conditional);
                }
            }
        }

        let other_kinds = [
            &needles.headers,
            &needles.getters,
            &needles.attributes,
            &needles.calls,
            &needles.strings,
        ];
        let storing_only = needles
            .storing
            .iter()
            .filter(|n| {
                !n.is_empty()
                    && !other_kinds
                        .iter()
                        .any(|list| list.iter().any(|o| o.eq_ignore_ascii_case(n)))
            })
            .map(|n| n.to_ascii_lowercase())
            .collect();

        let strings: HashSet<String> = needles
            .strings
            .iter()
            .filter(|n| !n.is_empty())
            .cloned()
            .collect();
        let string_lengths = (
            strings.iter().map(String::len).min().unwrap_or(0),
            strings.iter().map(String::len).max().unwrap_or(0),
        );
        let mut string_first = [false; 256];
        for &c in strings.iter().filter_map(|s| s.as_bytes().first()) {
            string_first[usize::from(c)] = true;
        }
        Reducer {
            string_first,
            storing_only,
            exact: build(&exact, false),
            identifiers,
            headers: build(&headers, true),
            storing,
            getters,
            imports: needles.imports,
            globals: needles.globals,
            strings,
            string_lengths,
            module_statements: needles.module_statements,
            singleton_packages: needles.singleton_packages.clone().map(|mut packages| {
                packages.sort_unstable();
                packages
            }),
            names: Vec::new(),
        }
    }

    /// This reducer for a text with chunks blanked out before (`check::lint_mended`
    /// parses those alone): what a blanked chunk held can no longer keep anything, so
    /// this one keeps every module-level statement (one the blanked chunk declared
    /// `global` and assigns) and what uses one of `aliases` (the names its imports bind
    /// under another name) as it keeps what uses an alias it finds.
    pub fn around_chunks(&self, aliases: Vec<String>) -> Reducer {
        Reducer {
            names: aliases,
            module_statements: true,
            exact: self.exact.clone(),
            identifiers: self.identifiers.clone(),
            headers: self.headers.clone(),
            strings: self.strings.clone(),
            storing_only: self.storing_only.clone(),
            singleton_packages: self.singleton_packages.clone(),
            ..*self
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
        if !sound(text, tokens, &scanned) {
            return None;
        }
        let found = self.found(text.as_bytes(), tokens);
        let chunks = chunk_starts(text.as_bytes(), tokens, &scanned);
        let mut blanks = Vec::new();
        let tables = literal_tables(text.as_bytes(), tokens, &scanned);
        let definitions = scanned
            .iter()
            .any(|l| matches!(l.kind(), Kind::Def | Kind::Class) && l.colon_last);
        let packages = self.singleton_packages.as_deref();
        let statements =
            statements::module_statements(text.as_bytes(), tokens, &scanned, &found, packages);
        if definitions || !tables.is_empty() || !statements.is_empty() {
            let (hits, others) = self.hits(text, tokens, &scanned, &found)?;
            let bytes = text.as_bytes();
            // A string token's hit, looked up among those `found` made of every one
            // (a hit starts inside its token) rather than read again.
            let strings = |t: &Token| {
                let k = found
                    .strings
                    .partition_point(|&(s, _)| s < t.start as usize);
                found
                    .strings
                    .get(k)
                    .is_some_and(|&(s, _)| s < t.end as usize)
            };
            let strings: &dyn Fn(&Token) -> bool = &strings;
            if !self.module_statements {
                blanks.extend(statements::unread(tokens, statements, &hits, strings));
            }
            blanks.extend(
                tables
                    .into_iter()
                    .filter(|&t| !tables::is_read(tokens, t, strings))
                    .map(|(s, e)| (s, e, false)),
            );
            let statements = blanks::Statements {
                b: bytes,
                tokens,
                local: self.exact.is_none() && !self.module_statements,
                storing: &self.storing_only,
            };
            plan(
                &scanned,
                0,
                scanned.len(),
                &hits,
                &others,
                &statements,
                &mut blanks,
            );
            let headers = headers::unread(bytes, tokens, &scanned, &hits, &blanks);
            blanks.extend(headers);
        }
        let (text, included) = apply_blanks(text, tokens, &scanned, blanks)?;
        Some(Reduced {
            text,
            included,
            chunks,
            comments: found
                .comments
                .iter()
                .map(|&i| crate::python::Comment::new(text_in, tokens[i].range()))
                .collect(),
        })
    }

    /// Every needle occurrence that counts in `text` (imports, names, strings, headers,
    /// aliases), sorted by start; `None` when the text is left alone. For measuring which
    /// needles keep which bodies (`examples/scan.rs parsed --why`).
    pub fn hit_spans(&self, text: &str) -> Option<Vec<(usize, usize)>> {
        let tokens = scan::tokenize(text);
        let scanned = scan::logical_lines(text, &tokens);
        if !sound(text, &tokens, &scanned) {
            return None;
        }
        let found = self.found(text.as_bytes(), &tokens);
        self.hits(text, &tokens, &scanned, &found)
            .map(|(all, _)| all.0)
    }

    /// Every needle occurrence that counts, as `(start, end)`, sorted by start, aliases
    /// included, and those of them that are no `import` keyword; `None` when aliases keep
    /// appearing (the file is left alone).
    fn hits(
        &self,
        text: &str,
        tokens: &[Token],
        scanned: &[LogicalLine],
        found: &Found,
    ) -> Option<(Hits, Hits)> {
        let b = text.as_bytes();
        let mut imports = Vec::new();
        if self.imports {
            imports.extend(
                found
                    .imports
                    .iter()
                    .map(|&i| (tokens[i].start as usize, tokens[i].end as usize)),
            );
        }
        let mut hits = found.strings.clone();
        // Needle occurrences an alias may follow (`lru_cache as memo`).
        let mut fresh: Vec<(usize, usize)> = Vec::new();
        let mut definitions = Definitions::new(b, tokens, scanned);
        let globals = if self.globals {
            &found.globals[..]
        } else {
            &[]
        };
        for (def, statements) in definitions.globals(globals) {
            if def.is_none_or(|d| definitions.assigns_global(d, &statements)) {
                hits.extend(
                    statements
                        .iter()
                        .map(|&g| (tokens[g].start as usize, tokens[g].end as usize)),
                );
            }
        }
        if let Some((ac, wants)) = &self.identifiers {
            for m in ac.try_find_iter(text).ok()? {
                let Some(i) = name_token(tokens, m.start(), m.end()) else {
                    continue;
                };
                let span = (m.start(), m.end());
                fresh.push(span);
                let wants = wants[m.pattern().as_usize()];
                if wants.attribute && is_attribute_of_name(b, tokens, i)
                    || wants.call && next_code(tokens, i).is_some_and(|t| is_op(b, t, b"("))
                {
                    hits.push(span);
                }
            }
        }
        if let Some(ac) = &self.exact {
            // Comments and docstrings are read by no rule.
            let mut silent: Vec<(usize, usize)> = scan::strings(tokens, scanned)
                .into_iter()
                .filter(|&(_, doc)| doc)
                .map(|(t, _)| (t.start as usize, t.end as usize))
                .collect();
            silent.extend(
                found
                    .comments
                    .iter()
                    .map(|&i| (tokens[i].start as usize, tokens[i].end as usize)),
            );
            silent.sort_unstable();
            // Only an automaton built for another match kind errs: then be safe.
            for m in ac.try_find_overlapping_iter(text).ok()? {
                let span = (m.start(), m.end());
                fresh.push(span);
                if !within(&silent, span) {
                    hits.push(span);
                }
            }
        }
        if let Some(ac) = &self.headers {
            for (i, l) in scanned.iter().enumerate() {
                if l.kind() == Kind::Other {
                    continue;
                }
                for m in ac.try_find_iter(&text[l.start()..l.end()]).ok()? {
                    let p = m.pattern().as_usize();
                    let counts = if p < self.storing {
                        true
                    } else if p < self.getters {
                        definitions.stores(i)
                    } else {
                        l.kind() == Kind::Decorator && definitions.is_getter(i)
                    };
                    if counts {
                        hits.push((l.start() + m.start(), l.start() + m.end()));
                    }
                }
            }
            // Aliases of header needles (`from functools import lru_cache as memo`)
            // count too: an alias is bound by an import statement, so the lines holding
            // an `import` keyword are searched (walked along with the keywords `found`
            // holds, both in token order).
            let mut next = found.imports.iter().peekable();
            for line in scanned {
                if next.peek().is_none() {
                    break;
                }
                let (first, end) = (line.tokens.start as usize, line.tokens.end as usize);
                while next.next_if(|&&i| i < first).is_some() {}
                if next.next_if(|&&i| i < end).is_none() {
                    continue;
                }
                while next.next_if(|&&i| i < end).is_some() {}
                let (start, end) = (line.start as usize, line.end as usize);
                for m in ac.try_find_iter(&text[start..end]).ok()? {
                    fresh.push((start + m.start(), start + m.end()));
                }
            }
        }
        let mut aliases: Vec<String> = Vec::new();
        let mut seeds = self.names.clone();
        for _ in 0..ALIAS_ROUNDS {
            let mut new_aliases = std::mem::take(&mut seeds);
            for &(_, end) in &fresh {
                if let Some(alias) = alias_after(b, end) {
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
            // An alias counts as a whole name in code, wherever it stands.
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&new_aliases)
                .ok()?;
            fresh = ac
                .try_find_iter(text)
                .ok()?
                .filter(|m| name_token(tokens, m.start(), m.end()).is_some())
                .map(|m| (m.start(), m.end()))
                .collect();
            hits.extend(fresh.iter().copied());
            aliases.extend(new_aliases);
        }
        None
    }

    /// One pass over the tokens (the file's largest array) for what the reducer looks
    /// up by kind: comments, `import` and `global` keywords, string literals' hits.
    fn found(&self, b: &[u8], tokens: &[Token]) -> Found {
        let mut found = Found::default();
        let strings = !self.strings.is_empty();
        for (i, t) in tokens.iter().enumerate() {
            match t.kind {
                Tok::Comment => found.comments.push(i),
                Tok::Name if t.end - t.start == 6 => match &b[t.range()] {
                    b"import" => found.imports.push(i),
                    b"global" => found.globals.push(i),
                    _ => {}
                },
                Tok::String if strings => found.strings.extend(self.string_hit(b, t)),
                _ => {}
            }
        }
        found
    }

    /// The legacy path a string literal (`t`) starts with, whole segments: its content
    /// is that path or goes on with `.` (SSOT004 reads only literals that are dotted
    /// paths, so a content with other bytes holds nothing; f-strings and bytes are
    /// never read).
    fn string_hit(&self, b: &[u8], t: &Token) -> Option<(usize, usize)> {
        let literal = &b[t.range()];
        let prefix = literal
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if literal[..prefix]
            .iter()
            .any(|c| matches!(c.to_ascii_lowercase(), b'f' | b'b' | b't'))
        {
            return None;
        }
        let quote = *literal.get(prefix)?;
        let q = if literal.get(prefix..prefix + 3) == Some(&[quote; 3][..]) {
            3
        } else {
            1
        };
        let content = literal.get(prefix + q..literal.len().checked_sub(q)?)?;
        let (shortest, longest) = self.string_lengths;
        if content.len() < shortest
            || !content
                .first()
                .is_some_and(|&c| self.string_first[usize::from(c)])
            || !content.iter().all(|&c| c == b'.' || is_ident(c))
        {
            return None;
        }
        let start = t.start as usize + prefix + q;
        let ends = content
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c == b'.')
            .map(|(i, _)| i)
            .chain([content.len()])
            .filter(|&end| (shortest..=longest).contains(&end));
        for end in ends {
            let path = std::str::from_utf8(&content[..end]).ok()?;
            if self.strings.contains(path) {
                return Some((start, start + end));
            }
        }
        None
    }
}

/// `text` with `blanks` applied (spaces, line breaks kept; `...` where a body must
/// stay non-empty) and the ranges tree-sitter parses (the blanks and the scanner's gaps
/// left out): what both the file reducer and `classes` hand to the parse.
pub(super) fn apply_blanks(
    text: &str,
    tokens: &[Token],
    scanned: &[LogicalLine],
    mut blanks: Vec<Blank>,
) -> Option<(String, Vec<tree_sitter::Range>)> {
    blanks.sort_unstable();
    let skipped = merge_sorted(&blanks, &gaps(tokens, scanned, text.len()));
    let b = text.as_bytes();
    let included = included_ranges(b, &skipped);
    let mut out = b.to_vec();
    for &(start, end, dots) in &blanks {
        for c in &mut out[start..end] {
            *c = blank(*c);
        }
        if dots {
            out[start..start + 3].copy_from_slice(b"...");
        }
    }
    // Only ASCII replaced whole UTF-8 sequences (ranges start at a token and end at a
    // line break), so this cannot fail; `None` keeps the text if it ever did.
    Some((String::from_utf8(out).ok()?, included))
}

/// The sorted union of two sorted lists (the gaps come sorted: no sort of both).
fn merge_sorted(a: &[Blank], b: &[Blank]) -> Vec<Blank> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if y < x => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(&blank) => out.push(blank),
            None => return out,
        }
    }
}

/// A blanked byte: a space, but a line break stays where it is. Without branches, so
/// loops over it become vector instructions (a loop over `memchr2` hits cost a call
/// per line).
fn blank(c: u8) -> u8 {
    if matches!(c, b'\n' | b'\r') {
        c
    } else {
        b' '
    }
}

#[cfg(test)]
mod tests;
