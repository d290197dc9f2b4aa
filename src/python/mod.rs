//! The Python front end: one tree-sitter parse per file, turned into [`Facts`] that the
//! rules read. Nothing downstream walks raw syntax.

pub mod chunks;
pub mod defs;
mod facts;
mod grammar;
mod model;
pub mod modules;
pub mod names;
pub(crate) mod noqa;
pub mod recognize;
pub mod scan;
mod shift;
pub mod token_facts;

pub use chunks::Block;
pub use model::{
    AssignFact, AttributeRef, CallFact, ClassAttribute, ClassFact, Decorator, DefFacts, Definition,
    DefinitionKind, Facts, FunctionFact, Import, ImportContext, ImportKind, ImportedName, Keyword,
    ModuleAssignment, ModuleRef, Parameters, Scope, Span, StringLiteral, Target,
};
pub use modules::ModuleName;
pub use noqa::{noqa_on_line, Comment, NoqaDirective};

use std::cell::RefCell;

use tree_sitter::{Parser, Point, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse Python source with a per-thread parser.
pub fn parse(text: &str) -> Tree {
    parse_edited(text, None)
}

/// [`parse`] reusing `old`, a tree of the text before an edit that `Tree::edit` was told
/// about: tree-sitter's incremental reparse.
pub fn parse_edited(text: &str, old: Option<&Tree>) -> Tree {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(new_parser);
        // `parse` only returns `None` without a language, a timeout or a cancellation
        // flag, none of which is set here; retry with a fresh parser to be safe.
        match parser.parse(text, old) {
            Some(tree) => tree,
            None => {
                *parser = new_parser();
                parser
                    .parse(text, None)
                    .unwrap_or_else(|| unreachable!("tree-sitter parser without language"))
            }
        }
    })
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap_or_else(|e| unreachable!("tree-sitter-python is ABI-compatible: {e}"));
    parser
}

/// Parse and extract facts. The facts of a file are the facts of its chunks (runs of
/// top-level statements, see `chunks.rs`), each parsed on its own: a syntax error stays
/// in its statement instead of turning the rest of the file into one error node, and
/// the language server re-parses only the chunks an edit touches. For valid Python this
/// equals one parse of the whole file (`scripts/chunk_equivalence.sh` checks it on real
/// code).
pub fn analyze(text: &str, module: Option<&ModuleName>) -> Facts {
    let mut facts = Facts::default();
    for chunk in chunks::chunks(text) {
        facts.append(analyze_chunk(&text[chunk.clone()], module), chunk.start);
    }
    facts.shrink_to_fit();
    facts
}

/// The classes and functions `text` defines at module level (`true`: a class), in text
/// order: what [`Facts::definitions`] lists at [`Scope::Module`], read from the scanner's
/// logical lines and block stack instead of a parse (the project index asks this of
/// every module a singleton rule resolves a name through, and parsing them whole was a
/// sixth of a cold check of the stdlib). `None` when the recognizer is unsure of the
/// text: there tree-sitter's error recovery decides what is defined, so the caller parses.
pub fn module_definitions(text: &str) -> Option<Vec<(&str, bool)>> {
    let tokens = scan::tokenize(text);
    if !recognize::certainly_valid(text, &tokens) {
        return None;
    }
    valid_module_definitions(text, &tokens)
}

/// The chunks of `text` as [`analyze`] cuts it, each with its tokens when the recognizer
/// accepts it alone (`None`: unsure). For a text it is unsure of as a whole: the CLI's
/// check (`check::unsure_chunks`) and the project index read such a text this way, so
/// one odd statement does not make them parse it all. With `known` verdicts on the same
/// text, only the chunks the recognizer accepted are lexed, and none is asked again.
pub fn recognized_chunks<'a>(
    text: &'a str,
    known: Option<&'a ChunkVerdicts>,
) -> impl Iterator<Item = (std::ops::Range<usize>, Option<Vec<scan::Token>>)> + 'a {
    let judged = known.into_iter().flat_map(move |known| {
        known
            .chunks
            .iter()
            .zip(&known.unsure)
            .map(move |(range, &unsure)| {
                let tokens = (!unsure).then(|| scan::tokenize(&text[range.clone()]));
                (range.clone(), tokens)
            })
    });
    let fresh = known.is_none().then(|| chunks::chunks(text));
    judged.chain(fresh.into_iter().flatten().map(move |range| {
        let chunk = &text[range.clone()];
        let tokens = scan::tokenize(chunk);
        let valid = recognize::certainly_valid(chunk, &tokens);
        (range, valid.then_some(tokens))
    }))
}

/// The recognizer's verdicts on a text it does not accept whole: its chunks as
/// [`analyze`] cuts it, and whether it is unsure of each alone. The CLI's check finds
/// them and lends them to the project index with the text (`ModuleIndex::lend`), which
/// reads the linted module again when a rule resolves a name through it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChunkVerdicts {
    pub chunks: Vec<std::ops::Range<usize>>,
    /// `unsure[i]`: the recognizer does not accept `chunks[i]` alone.
    pub unsure: Vec<bool>,
}

impl ChunkVerdicts {
    pub fn of(text: &str) -> ChunkVerdicts {
        let mut verdicts = ChunkVerdicts::default();
        for (range, tokens) in recognized_chunks(text, None) {
            verdicts.chunks.push(range);
            verdicts.unsure.push(tokens.is_none());
        }
        verdicts
    }

    /// The chunks the recognizer is unsure of, in text order.
    pub fn unsure_chunks(&self) -> Vec<std::ops::Range<usize>> {
        self.chunks
            .iter()
            .zip(&self.unsure)
            .filter(|(_, &unsure)| unsure)
            .map(|(range, _)| range.clone())
            .collect()
    }
}

/// What a chunk the recognizer accepts defines at module level, read off its bytes when
/// its shape is plain: nothing when it holds no `def` or `class` at all; else the one
/// class or function it starts with (`class NAME`, `def NAME`, `async def NAME` at its
/// first byte; what follows a definition in its chunk starts lines at column 0 with no
/// letter, so defines nothing). `None`: read it with the scanner
/// ([`valid_module_definitions`]). The project index asks this of every chunk of a
/// linted module it reads again, without lexing each (`scan chunk-reads` checks it
/// against the scanner on real files).
pub fn plain_chunk_definitions(chunk: &str) -> Option<Option<(&str, bool)>> {
    let b = chunk.as_bytes();
    if memchr::memmem::find(b, b"def").is_none() && memchr::memmem::find(b, b"class").is_none() {
        return Some(None);
    }
    fn blank(s: &str) -> &str {
        s.trim_start_matches([' ', '\t'])
    }
    fn after<'a>(s: &'a str, word: &str) -> Option<&'a str> {
        s.strip_prefix(word)
            .filter(|rest| rest.starts_with([' ', '\t']))
            .map(blank)
    }
    let (rest, class) = match after(chunk, "class") {
        Some(rest) => (rest, true),
        None => (
            after(chunk, "def").or_else(|| after(chunk, "async").and_then(|r| after(r, "def")))?,
            false,
        ),
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, tail) = rest.split_at(end);
    let opens = if class { "(:[" } else { "([" };
    let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && blank(tail).starts_with(|c: char| opens.contains(c));
    plain.then_some(Some((name, class)))
}

/// [`module_definitions`] of a text the recognizer already accepted, from its `tokens`
/// (the project index knows a module's validity from reading its bindings).
pub fn valid_module_definitions<'a>(
    text: &'a str,
    tokens: &[scan::Token],
) -> Option<Vec<(&'a str, bool)>> {
    let lines = scan::logical_lines(text, tokens);
    let contexts = scan::contexts(text, tokens, &lines);
    let mut out = Vec::new();
    for (line, context) in lines.iter().zip(&contexts) {
        let class = match line.kind {
            scan::LineKind::Class => true,
            scan::LineKind::Def => false,
            _ => continue,
        };
        if context.scope_depth != 0 {
            continue;
        }
        // `class NAME`, `def NAME`, `async def NAME`: the first name after the keywords.
        let name = tokens
            .get(line.tokens.start as usize..line.tokens.end as usize)?
            .iter()
            .filter(|t| t.kind == scan::Tok::Name)
            .filter_map(|t| text.get(t.range()))
            .find(|word| !matches!(*word, "async" | "def" | "class"))?;
        out.push((name, class));
    }
    Some(out)
}

/// A member of a class or function chunk: its range in the chunk, what it belongs to and
/// its facts as parsed inside that block's wrapper.
pub type Member = (std::ops::Range<usize>, Block, Facts);

/// Facts of one chunk, offsets relative to it: a class or function member by member, as
/// the language server does (parsing a clean chunk whole would give the same facts for
/// valid Python, but not for everything tree-sitter accepts).
pub fn analyze_chunk(text: &str, module: Option<&ModuleName>) -> Facts {
    chunk_facts(text, module, |_, _| None, None, &mut || {
        extract(text, module)
    })
}

/// [`analyze_chunk`] of a chunk, read off its tokens when the recognizer accepts it and
/// [`token_facts`] reads its shape (one import statement, a definition without a body;
/// equal to the parse's facts there: `examples/token_facts_diff.rs`, and for import
/// chunks `scan chunk-reads`). The project index
/// reads a module's top-level imports this way: tree-sitter's parse of a big module's
/// thousands of import chunks was a twentieth of its check.
pub fn read_chunk(text: &str, module: Option<&ModuleName>) -> Facts {
    let tokens = scan::tokenize(text);
    if recognize::certainly_valid(text, &tokens) {
        let whole = tree_sitter::Range {
            start_byte: 0,
            end_byte: text.len(),
            start_point: Point::new(0, 0),
            end_point: point(text, text.len()),
        };
        if let Some(mut facts) = token_facts::chunk_facts(text, &[whole], module) {
            facts.comments = scan::comments(text, &tokens);
            return facts;
        }
    }
    analyze_chunk(text, module)
}

/// Chunks shorter than this keep no members ([`analyze_chunk_reusing`]).
const KEEP_MEMBERS_FROM: usize = 4096;

/// A chunk's facts as the language server keeps them. A chunk split into members keeps
/// its header's facts and each member's, not also their sum: that second copy of every
/// fact of a class or function was a large part of a big document's memory (issue 13).
#[derive(Debug, Default)]
pub struct ChunkFacts {
    /// The whole chunk's facts, or only its header's when it has members.
    pub facts: Facts,
    /// The members parsed one by one, to be reused when an edit leaves them unchanged.
    pub members: Vec<Member>,
    /// The class or function the members join (`Facts::append_member`).
    pub owner: Option<usize>,
}

impl ChunkFacts {
    /// Append the chunk's facts, which start `start` bytes into the text, to `out`: the
    /// same facts as [`analyze_chunk`] of the chunk.
    pub fn append_to(&self, out: &mut Facts, start: usize) {
        let mut facts = self.facts.clone();
        for (range, block, raw) in &self.members {
            // Every member joined when the chunk was analysed (else it has no members),
            // and joining is a pure function of the same facts.
            let _ = facts.append_member(raw.clone(), range.start, *block, self.owner);
        }
        out.append(facts, start);
    }
}

/// [`analyze_chunk`] keeping the members it parsed one by one ([`ChunkFacts`]), and
/// taking a member's facts from `cached` when it has those of the same block and text
/// (the language server keeps the members of the previous text, so typing in a method of
/// a big class re-parses the method, not the class).
///
/// A class or function is split into members when its header and each member parse as
/// such (`chunks::members` says where); otherwise, the chunk is parsed whole.
///
/// A chunk parsed whole is parsed incrementally from `old` (its tree before the edit,
/// already told about it with `Tree::edit`) when given, and its tree is returned for the
/// next edit when `keep_tree`.
pub fn analyze_chunk_reusing(
    text: &str,
    module: Option<&ModuleName>,
    cached: impl FnMut(Block, &str) -> Option<Facts>,
    old: Option<Tree>,
    keep_tree: bool,
) -> (ChunkFacts, Option<Tree>) {
    let mut kept = ChunkFacts::default();
    let mut tree = None;
    let facts = chunk_facts(text, module, cached, Some(&mut kept), &mut || {
        let mut parsed = parse_edited(text, old.as_ref());
        // After an edit that leaves errors, tree-sitter's error recovery can differ from a
        // fresh parse's (random edits on real files found one); the CLI parses fresh.
        if old.is_some() && parsed.root_node().has_error() {
            parsed = parse(text);
        }
        let mut facts = Facts::extract(&parsed, text, module);
        facts.comments = comments(text);
        // A tree costs many times its text: only the one an edit will reuse is kept.
        tree = keep_tree.then_some(parsed);
        facts
    });
    // A small chunk keeps only its sum: reparsing it whole is quick, and each kept member
    // costs a record of empty lists (a `Facts` is 240 bytes; 19k members of a 10 MB
    // document took 5 MB). An indented chunk (a class body cut by a line at column 0)
    // keeps its member: that is what the class reuses when it joins up again.
    let small = text.len() < KEEP_MEMBERS_FROM && !chunks::is_indented(text);
    if kept.members.is_empty() || small {
        kept.members = Vec::new();
        kept.owner = None;
        kept.facts = facts;
    }
    // Kept as long as the document is open: no spare capacity.
    kept.members.shrink_to_fit();
    (kept, tree)
}

/// [`analyze_chunk_reusing`], keeping the header's and members' facts only when asked
/// to; `whole` parses a chunk that does not split.
fn chunk_facts(
    text: &str,
    module: Option<&ModuleName>,
    mut cached: impl FnMut(Block, &str) -> Option<Facts>,
    mut keep: Option<&mut ChunkFacts>,
    whole: &mut dyn FnMut() -> Facts,
) -> Facts {
    let (mut facts, block, owner, ranges): (Facts, Block, _, Vec<std::ops::Range<usize>>) =
        if chunks::is_indented(text) {
            // A chunk that starts indented (after an indentation error) is parsed like a
            // class member, so its facts are shared by text with the member it was or will be.
            (
                Facts::default(),
                Block::Class,
                None,
                std::iter::once(0..text.len()).collect(),
            )
        } else {
            let Some((block, starts)) = chunks::members(text) else {
                return whole();
            };
            let first = starts.first().copied().unwrap_or(text.len());
            let header = extract(&text[..first], module);
            let owner_scope = match block {
                Block::Class => header.defs.classes.first().map(|c| c.scope),
                Block::Function => header.defs.functions.first().map(|f| f.scope),
            };
            if owner_scope != Some(Scope::Module) {
                return extract(text, module);
            }
            let ranges = chunks::member_ranges(&starts, text.len()).collect();
            (header, block, Some(0), ranges)
        };
    if let Some(kept) = keep.as_deref_mut() {
        kept.facts = facts.clone();
        kept.owner = owner;
    }
    for range in ranges {
        let member = &text[range.clone()];
        let raw = cached(block, member)
            .unwrap_or_else(|| extract(&format!("{}{member}", block.wrapper()), module));
        let appended = match keep.as_deref_mut() {
            Some(kept) => {
                let appended = facts.append_member(raw.clone(), range.start, block, owner);
                kept.members.push((range, block, raw));
                appended
            }
            None => facts.append_member(raw, range.start, block, owner),
        };
        if appended.is_none() {
            if let Some(kept) = keep {
                kept.members.clear();
            }
            return extract(text, module);
        }
    }
    facts.shrink_to_fit();
    facts
}

/// A parse's facts and the scanner's comments of `text`.
fn extract(text: &str, module: Option<&ModuleName>) -> Facts {
    let tree = parse(text);
    let mut facts = Facts::extract(&tree, text, module);
    facts.comments = comments(text);
    facts
}

/// The comments of `text`, each with its `# noqa` directive parsed: the scanner is the
/// one source of comments on every path (the CLI's fast path takes the same from the
/// reducer's tokens, `Reduced::comments`; the syntax tree's comment nodes are not read).
/// A chunk starts where a top-level statement does, so the comments of its text are
/// those of the whole file's text within it.
pub fn comments(text: &str) -> Vec<Comment> {
    scan::comments(text, &scan::tokenize(text))
}

/// [`analyze`] parsing only `ranges` of `text` (node offsets stay those of `text`): the
/// CLI's body reducer skips blanked bodies this way instead of lexing their spaces.
/// The facts hold no comments: the caller has the scanner's (`Reduced::comments`).
/// `chunk_starts` are where the text's chunks start after the first (the reducer knows
/// them from the scanner, so the chunker's lexer does not run again). `None` when
/// tree-sitter rejects the ranges.
pub fn analyze_included(
    text: &str,
    module: Option<&ModuleName>,
    ranges: &[tree_sitter::Range],
    chunk_starts: &[usize],
) -> Option<Facts> {
    analyze_included_with(text, module, ranges, chunk_starts, Vec::new())
}

/// [`analyze_included`] with the facts of some chunks made elsewhere: `given` holds
/// `(start, facts)` in text order, each starting where a chunk does that holds none of
/// `ranges` (the CLI parses a text's broken chunks whole, as [`analyze`] does, and reduces
/// the others: `check::lint_fast`). Each is appended in its chunk's place.
pub fn analyze_included_with(
    text: &str,
    module: Option<&ModuleName>,
    ranges: &[tree_sitter::Range],
    chunk_starts: &[usize],
    given: Vec<(usize, Facts)>,
) -> Option<Facts> {
    let mut facts = Facts::default();
    let mut given = given.into_iter().peekable();
    for (chunk, local) in included_chunks(text, ranges, chunk_starts)? {
        while let Some((start, made)) = given.next_if(|(start, _)| *start < chunk.start) {
            facts.append(made, start);
        }
        let chunk_text = &text[chunk.clone()];
        let chunk_facts = match token_facts::chunk_facts(chunk_text, &local, module) {
            Some(read) => read,
            None => Facts::extract(&parse_ranges(chunk_text, &local)?, chunk_text, module),
        };
        facts.append(chunk_facts, chunk.start);
    }
    for (start, made) in given {
        facts.append(made, start);
    }
    Some(facts)
}

/// The chunks of `text` (starting at 0 and at `chunk_starts`) that hold some of
/// `ranges`, each with those ranges relative to it. `None` when a chunk start is not
/// a character boundary.
pub(crate) fn included_chunks(
    text: &str,
    mut ranges: &[tree_sitter::Range],
    chunk_starts: &[usize],
) -> Option<Vec<(std::ops::Range<usize>, Vec<tree_sitter::Range>)>> {
    let mut out = Vec::new();
    let mut row = 0;
    let ends = chunk_starts.iter().copied().chain([text.len()]);
    let starts = std::iter::once(0).chain(chunk_starts.iter().copied());
    for chunk in starts.zip(ends).map(|(s, e)| s..e) {
        let chunk_text = text.get(chunk.clone())?;
        let rows = memchr::memchr_iter(b'\n', chunk_text.as_bytes()).count();
        // `ranges` are sorted and disjoint: skip those wholly before this chunk once.
        while ranges.first().is_some_and(|r| r.end_byte <= chunk.start) {
            ranges = &ranges[1..];
        }
        let local: Vec<tree_sitter::Range> = ranges
            .iter()
            .take_while(|r| r.start_byte < chunk.end)
            .filter_map(|r| clip(r, &chunk, row, rows))
            .collect();
        row += rows;
        if !local.is_empty() {
            out.push((chunk, local));
        }
    }
    Some(out)
}

/// For a reduced text (`reduce::Reduced`'s text, included ranges and chunk starts):
/// how many chunks there are, how many [`token_facts::chunk_facts`] answered, and where its answer
/// differs from tree-sitter's facts. `None` when the ranges are not sound.
pub fn compare_token_facts(
    text: &str,
    module: Option<&ModuleName>,
    ranges: &[tree_sitter::Range],
    chunk_starts: &[usize],
) -> Option<(usize, usize, Vec<token_facts::Mismatch>)> {
    let chunks = included_chunks(text, ranges, chunk_starts)?;
    let (mut answered, mut mismatches) = (0, Vec::new());
    for (chunk, local) in &chunks {
        let chunk_text = &text[chunk.clone()];
        let Some(read) = token_facts::chunk_facts(chunk_text, local, module) else {
            continue;
        };
        answered += 1;
        let parsed = Facts::extract(&parse_ranges(chunk_text, local)?, chunk_text, module);
        if read != parsed {
            let kept = local
                .iter()
                .filter_map(|r| chunk_text.get(r.start_byte..r.end_byte))
                .collect();
            mismatches.push(token_facts::Mismatch {
                kept,
                read: format!("{read:#?}"),
                parsed: format!("{parsed:#?}"),
            });
        }
    }
    Some((chunks.len(), answered, mismatches))
}

/// For a reduced text, the kept text (ranges joined) of every chunk
/// [`token_facts::chunk_facts`] does not read, and where the reader stopped
/// ([`token_facts::stuck_at`]): what tree-sitter still parses
/// (`examples/token_facts_diff.rs --why`). `None` when the ranges are not sound.
pub fn unread_chunks(
    text: &str,
    module: Option<&ModuleName>,
    ranges: &[tree_sitter::Range],
    chunk_starts: &[usize],
) -> Option<Vec<(String, String)>> {
    let chunks = included_chunks(text, ranges, chunk_starts)?;
    let mut unread = Vec::new();
    for (chunk, local) in &chunks {
        let chunk_text = &text[chunk.clone()];
        if token_facts::chunk_facts(chunk_text, local, module).is_none() {
            let kept = local
                .iter()
                .filter_map(|r| chunk_text.get(r.start_byte..r.end_byte))
                .collect();
            let stuck = token_facts::stuck_at(chunk_text, local, module).unwrap_or_default();
            unread.push((kept, stuck));
        }
    }
    Some(unread)
}

/// The part of `range` inside `chunk` (which starts at column 0 of row `row` and spans
/// `rows` line breaks), relative to the chunk.
fn clip(
    range: &tree_sitter::Range,
    chunk: &std::ops::Range<usize>,
    row: usize,
    rows: usize,
) -> Option<tree_sitter::Range> {
    let start = range.start_byte.max(chunk.start);
    let end = range.end_byte.min(chunk.end);
    if start >= end {
        return None;
    }
    let start_point = if start == range.start_byte {
        Point::new(range.start_point.row - row, range.start_point.column)
    } else {
        Point::new(0, 0)
    };
    let end_point = if end == range.end_byte {
        Point::new(range.end_point.row - row, range.end_point.column)
    } else {
        Point::new(rows, 0)
    };
    Some(tree_sitter::Range {
        start_byte: start - chunk.start,
        end_byte: end - chunk.start,
        start_point,
        end_point,
    })
}

/// Tree-sitter's point of a byte offset: rows count `\n`, columns count bytes.
pub fn point(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let row = memchr::memchr_iter(b'\n', before).count();
    let column = memchr::memrchr(b'\n', before).map_or(before.len(), |nl| before.len() - nl - 1);
    Point::new(row, column)
}

/// Parse only `ranges` of `text` with the per-thread parser.
pub(crate) fn parse_ranges(text: &str, ranges: &[tree_sitter::Range]) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(new_parser);
        parser.set_included_ranges(ranges).ok()?;
        let tree = parser.parse(text, None);
        // The per-thread parser must parse whole texts again for everyone else.
        if parser.set_included_ranges(&[]).is_err() {
            *parser = new_parser();
        }
        tree
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a parse says a text defines at module level.
    fn parsed(text: &str) -> Vec<(&str, bool)> {
        analyze(text, None)
            .definitions()
            .iter()
            .filter(|d| d.scope == Scope::Module)
            .map(|d| (d.name(text), d.kind == DefinitionKind::Class))
            .collect()
    }

    #[test]
    fn module_definitions_equal_the_parse() {
        let text = "import os\n\n@dec(lambda: 1)\nclass A(B, metaclass=M):\n    def m(self):\n        def inner(): pass\n    class N: pass\n\nasync def f(x: int) -> 'g':\n    class Local: ...\n\nif TYPE_CHECKING:\n    def g(): ...\nelse:\n    try:\n        class C: x = 1\n    except ImportError:\n        def g(a, b): return a\nclass A: pass\nx = '''\ndef not_a_def(): pass\n'''\n";
        let expected = vec![
            ("A", true),
            ("f", false),
            ("g", false),
            ("C", true),
            ("g", false),
            ("A", true),
        ];
        assert_eq!(parsed(text), expected);
        assert_eq!(module_definitions(text), Some(expected));
    }

    /// A text the recognizer is unsure of (invalid, or beyond what it knows) is left to
    /// the parse.
    #[test]
    fn module_definitions_of_an_unsure_text_are_unknown() {
        for text in [
            "def f(:\n    pass\nclass A: pass\n",
            "type X = int\ndef h(): pass\n",
        ] {
            assert_eq!(module_definitions(text), None, "{text:?}");
        }
    }
}
