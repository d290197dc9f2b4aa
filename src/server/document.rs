//! One open document: its text, line index and facts, kept up to date by incremental
//! edits (only the chunks of top-level statements an edit touches are parsed again, and
//! in a class or function only the members it touches).

use std::path::PathBuf;
use std::sync::Arc;

use std::collections::HashMap;

use tree_sitter::{InputEdit, Tree};

use crate::diagnostic::Diagnostic;
use crate::python::{self, chunks, ChunkFacts, Comment, Facts, ModuleName};
use crate::source::SourceText;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

/// How LSP positions count columns (negotiated at `initialize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    pub fn position(self, source: &SourceText, offset: usize) -> Position {
        let (line, col) = match self {
            Encoding::Utf8 => source.utf8_position(offset),
            Encoding::Utf16 => source.utf16_position(offset),
        };
        Position::new(to_u32(line), to_u32(col))
    }

    pub fn range(self, source: &SourceText, range: &std::ops::Range<usize>) -> Range {
        Range::new(
            self.position(source, range.start),
            self.position(source, range.end),
        )
    }

    /// Byte offset of a position; `None` when its line is past the end of the text.
    pub fn offset(self, source: &SourceText, position: Position) -> Option<usize> {
        let line = position.line as usize;
        let col = position.character as usize;
        match self {
            Encoding::Utf8 => source.offset_from_utf8(line, col),
            Encoding::Utf16 => source.offset_from_utf16(line, col),
        }
    }

    /// Byte range of an LSP range, or an error naming the bad position.
    pub fn byte_range(
        self,
        source: &SourceText,
        range: Range,
    ) -> Result<std::ops::Range<usize>, String> {
        let out_of_range = |p: Position| {
            format!(
                "position {}:{} is outside the document ({} lines)",
                p.line,
                p.character,
                source.line_count()
            )
        };
        let start = self
            .offset(source, range.start)
            .ok_or_else(|| out_of_range(range.start))?;
        let end = self
            .offset(source, range.end)
            .ok_or_else(|| out_of_range(range.end))?;
        if start > end {
            return Err(format!(
                "range end {}:{} is before its start {}:{}",
                range.end.line, range.end.character, range.start.line, range.start.character
            ));
        }
        Ok(start..end)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub struct Document {
    /// The file the document stands for (module name, config lookup, per-file ignores).
    pub path: PathBuf,
    pub version: i32,
    /// Shared with the module lookup's overlay ([`super::workspace::WorkspaceFiles`]);
    /// an edit makes a new one.
    pub source: Arc<SourceText>,
    /// The module name the chunk facts were extracted for (relative imports).
    module: Option<ModuleName>,
    /// The text's chunks in order, each with its own facts: an edit re-parses the
    /// chunks it touches and keeps the others (see `python/chunks.rs`).
    chunks: Vec<Chunk>,
    /// Lint result for the current text; `None` once the text or settings changed.
    pub linted: Option<Lint>,
    /// The version whose diagnostics were last pushed.
    pub published: Option<i32>,
}

/// What the rules found in the current text. The text and facts stay the document's
/// own: a lint result holding copies of them doubled a big document's memory (issue 13).
#[derive(Debug)]
pub struct Lint {
    pub diagnostics: Vec<Diagnostic>,
    /// The text's comments, for `# noqa` code actions.
    pub comments: Vec<Comment>,
    /// The modules the rules looked up (re-export chains followed): an edit to one of
    /// them in the editor makes this result stale.
    pub modules: std::collections::BTreeSet<String>,
}

/// A run of top-level statements and its facts, offsets relative to `start`.
struct Chunk {
    start: usize,
    /// Its facts; a class's or function's members parsed one by one
    /// (`python::analyze_chunk_reusing`), so an edit in one re-parses only that one.
    facts: ChunkFacts,
    /// The syntax tree of a chunk parsed whole, for tree-sitter's incremental reparse.
    tree: Option<Tree>,
}

impl Document {
    pub fn new(path: PathBuf, version: i32, text: String) -> Document {
        Document::with_module(path, version, text, None)
    }

    /// A document whose facts are extracted for `module` (relative imports) from the
    /// start, so opening it parses it once.
    pub fn with_module(
        path: PathBuf,
        version: i32,
        text: String,
        module: Option<ModuleName>,
    ) -> Document {
        let mut doc = Document {
            path,
            version,
            source: Arc::new(SourceText::new(text)),
            module,
            chunks: Vec::new(),
            linted: None,
            published: None,
        };
        doc.rechunk_all();
        doc
    }

    /// The facts of the whole text: the same as `python::analyze` of it.
    pub fn facts(&self) -> Facts {
        let mut facts = Facts::default();
        let parts = self.chunks.iter().flat_map(|c| {
            std::iter::once(&c.facts.facts).chain(c.facts.members.iter().map(|(_, _, f)| f))
        });
        reserve_for(&mut facts, parts);
        for chunk in &self.chunks {
            chunk.facts.append_to(&mut facts, chunk.start);
        }
        facts
    }

    /// Extract facts for `module` from now on (the settings' source roots changed).
    pub fn set_module(&mut self, module: Option<ModuleName>) {
        if module != self.module {
            self.module = module;
            self.rechunk_all();
        }
    }

    /// Apply one content change. A bad range leaves the document unchanged.
    pub fn apply(
        &mut self,
        change: TextDocumentContentChangeEvent,
        encoding: Encoding,
    ) -> Result<(), String> {
        self.linted = None;
        let Some(range) = change.range else {
            self.source = Arc::new(SourceText::new(change.text));
            self.rechunk_all();
            return Ok(());
        };
        let bytes = encoding.byte_range(&self.source, range)?;
        let old = self.source.text();
        let mut text = String::with_capacity(old.len() + change.text.len());
        text.push_str(&old[..bytes.start]);
        text.push_str(&change.text);
        text.push_str(&old[bytes.end..]);
        let old = std::mem::replace(&mut self.source, Arc::new(SourceText::new(text)));
        self.rechunk(old.text(), bytes, change.text.len());
        Ok(())
    }

    fn rechunk_all(&mut self) {
        self.chunks.clear();
        self.rechunk("", 0..0, 0);
        // Pushed one by one: up to half the capacity would stay spare while open.
        self.chunks.shrink_to_fit();
    }

    /// Old text `replaced` was replaced by `inserted` bytes: re-lex from the chunk the edit
    /// starts in (or the one before, when the edit is on a chunk's first line, which may
    /// stop starting a chunk) until a chunk start after the edit that was one before.
    fn rechunk(&mut self, old: &str, replaced: std::ops::Range<usize>, inserted: usize) {
        let text = self.source.text();
        let edit_start = replaced.start;
        let mut first = self
            .chunks
            .partition_point(|c| c.start <= edit_start)
            .saturating_sub(1);
        let line_start =
            memchr::memrchr(b'\n', &text.as_bytes()[..edit_start]).map_or(0, |n| n + 1);
        if first > 0 && line_start <= self.chunks[first].start {
            first -= 1;
        }
        let from = self.chunks.get(first).map_or(0, |c| c.start);
        let new_end = edit_start + inserted;
        let removed = replaced.len();
        let mut starts = vec![from];
        let mut resume = self.chunks.len();
        for p in chunks::boundaries(text, from) {
            if p >= new_end {
                let old_p = p - inserted + removed;
                if let Ok(m) = self.chunks.binary_search_by_key(&old_p, |c| c.start) {
                    resume = m;
                    break;
                }
            }
            starts.push(p);
        }
        let editing = !self.chunks.is_empty();
        let kept: Vec<Chunk> = self.chunks.drain(resume..).collect();
        let mut replaced: Vec<Chunk> = self.chunks.drain(first..).collect();
        let end_of_new = kept
            .first()
            .map_or(text.len(), |c| c.start - removed + inserted);
        // An edit inside one chunk parsed whole that stays one chunk: tree-sitter reparses
        // it incrementally from its old tree.
        let mut old_tree = None;
        if let ([chunk], [start]) = (&mut replaced[..], &starts[..]) {
            let old_end = kept.first().map_or(old.len(), |c| c.start);
            if let (Some(mut tree), Some(old_chunk)) = (chunk.tree.take(), old.get(*start..old_end))
            {
                let new_chunk = &text[*start..end_of_new];
                let (at, old_to, new_to) = (
                    edit_start - start,
                    edit_start + removed - start,
                    edit_start + inserted - start,
                );
                tree.edit(&InputEdit {
                    start_byte: at,
                    old_end_byte: old_to,
                    new_end_byte: new_to,
                    start_position: python::point(old_chunk, at),
                    old_end_position: python::point(old_chunk, old_to),
                    new_end_position: python::point(new_chunk, new_to),
                });
                old_tree = Some(tree);
            }
        }
        // The members of the replaced chunks by their text, to be reused where unchanged.
        let mut members: HashMap<&str, Vec<(python::Block, Facts)>> = HashMap::new();
        for chunk in replaced {
            for (range, block, facts) in chunk.facts.members {
                if let Some(text) = old.get(chunk.start + range.start..chunk.start + range.end) {
                    members.entry(text).or_default().push((block, facts));
                }
            }
        }
        starts.push(end_of_new);
        // Keep the syntax tree only of the one chunk an edit re-parses (where the next
        // keystroke most likely lands): a tree costs many times its text.
        let keep_tree = editing && starts.len() == 2;
        for pair in starts.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            let (facts, tree) = python::analyze_chunk_reusing(
                &text[start..end],
                self.module.as_ref(),
                |b, m| {
                    let same = members.get_mut(m)?;
                    let at = same.iter().position(|(block, _)| *block == b)?;
                    Some(same.swap_remove(at).1)
                },
                old_tree.take(),
                keep_tree,
            );
            self.chunks.push(Chunk { start, facts, tree });
        }
        for mut chunk in kept {
            chunk.start = chunk.start - removed + inserted;
            self.chunks.push(chunk);
        }
        self.keep_one_tree(first, keep_tree);
    }

    /// Keep the syntax tree only of the chunk just re-parsed by an edit: keeping every
    /// chunk's tree made a 10 MB document cost over 1 GB (issue 13).
    fn keep_one_tree(&mut self, first: usize, keep_tree: bool) {
        let keep = keep_tree.then_some(first);
        for (i, chunk) in self.chunks.iter_mut().enumerate() {
            if Some(i) != keep {
                chunk.tree = None;
            }
        }
    }
}

/// Room in `out` for the items of all `parts` (a member's wrapper definition, which is
/// dropped, is counted too): grown by doubling, the lists of a big document's assembled
/// facts had up to half their room unused while the rules ran (issue 13).
fn reserve_for<'a>(out: &mut Facts, parts: impl Iterator<Item = &'a Facts>) {
    let mut n = [0usize; 13];
    for f in parts {
        let items = f.defs.items.as_deref().map_or([0; 4], |i| {
            [
                i.decorators.len(),
                i.globals.len(),
                i.assignments.len(),
                i.returns.len(),
            ]
        });
        let lens = [
            f.imports.len(),
            f.strings.len(),
            f.comments.len(),
            f.syntax_errors.len(),
            f.attributes.len(),
            f.defs.module_assignments.len(),
            f.defs.classes.len(),
            f.defs.functions.len(),
            f.defs.calls.len(),
            items[0],
            items[1],
            items[2],
            items[3],
        ];
        for (total, len) in n.iter_mut().zip(lens) {
            *total += len;
        }
    }
    out.imports.reserve_exact(n[0]);
    out.strings.reserve_exact(n[1]);
    out.comments.reserve_exact(n[2]);
    out.syntax_errors.reserve_exact(n[3]);
    out.attributes.reserve_exact(n[4]);
    out.defs.module_assignments.reserve_exact(n[5]);
    out.defs.classes.reserve_exact(n[6]);
    out.defs.functions.reserve_exact(n[7]);
    out.defs.calls.reserve_exact(n[8]);
    // No list while no function holds an item (an empty list is no list).
    if n[9..].iter().any(|&k| k > 0) {
        let items = out.defs.items.get_or_insert_with(Default::default);
        items.decorators.reserve_exact(n[9]);
        items.globals.reserve_exact(n[10]);
        items.assignments.reserve_exact(n[11]);
        items.returns.reserve_exact(n[12]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.to_string(),
        }
    }

    fn assert_fresh(doc: &Document) {
        let text = doc.source.text();
        assert_eq!(doc.facts(), python::analyze(text, None), "{text:?}");
        let starts: Vec<usize> = doc.chunks.iter().map(|c| c.start).collect();
        let fresh: Vec<usize> = chunks::chunks(text).map(|r| r.start).collect();
        assert_eq!(starts, fresh, "{text:?}");
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut doc = Document::new(PathBuf::from("/t.py"), 1, "x = 1\r\ny😀 = 2\n".to_string());
        doc.apply(change(1, 3, 1, 3, "\tz"), Encoding::Utf16)
            .unwrap_or_default();
        assert_fresh(&doc);
        doc.apply(change(0, 0, 0, 1, "import a\nq"), Encoding::Utf8)
            .unwrap_or_default();
        assert_eq!(doc.source.text(), "import a\nq = 1\r\ny😀\tz = 2\n");
        assert_fresh(&doc);
        assert!(doc.apply(change(9, 0, 9, 0, "x"), Encoding::Utf16).is_err());
        assert_eq!(doc.source.text(), "import a\nq = 1\r\ny😀\tz = 2\n");
    }

    /// Edits that merge, split and re-open chunks: the document's chunks and facts are
    /// always those of a fresh analysis of its text.
    #[test]
    fn chunks_follow_edits_that_move_statement_boundaries() {
        let text = "import a\n@dec\ndef f():\n    x = A()\n\nclass C:\n    y = 1\nz = 2\n";
        let mut doc = Document::new(PathBuf::from("/t.py"), 1, text.to_string());
        assert_fresh(&doc);
        let edits = [
            (1, 0, 1, 0, " "),    // the decorator indented: an error, chunks merge
            (1, 0, 1, 1, ""),     // and back
            (5, 0, 5, 0, "else"), // `elseclass C:`: a new (broken) statement
            (5, 0, 5, 4, ""),
            (3, 12, 3, 12, "("), // an open bracket, until the next definition
            (3, 12, 3, 13, ""),
            (0, 0, 0, 0, "s = '''\n"), // an open string swallows the rest
            (0, 0, 1, 0, ""),
            (2, 0, 6, 0, "y = (\n"), // a multi-line replacement
            (0, 0, 5, 0, "from b import c\n"),
        ];
        for (l1, c1, l2, c2, new) in edits {
            doc.apply(change(l1, c1, l2, c2, new), Encoding::Utf8)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_fresh(&doc);
        }
        assert_eq!(doc.source.text(), "from b import c\n");
    }

    /// Random edits made of the characters that move chunk boundaries, on a text with
    /// every kind of statement: after each one the chunks and facts are a fresh
    /// analysis's.
    #[test]
    fn random_edits_keep_chunks_fresh() {
        let text = r#""""Doc."""
import os
from a.b import (
    C,  # noqa
)

@dec
class K(Base, metaclass=M):
    _instance = None

    def __new__(cls):
        return cls._instance

    @staticmethod
    def get():
        return K()

_x = None

def get():
    global _x
    if _x is None:
        _x = K()
    return _x

x = f"{y['k']}" + '''
z
'''
try:
    import b
except ImportError:
    b = None
else:
    pass
if TYPE_CHECKING:
    from c import D
v = 1 + \
    2
"#;
        let pieces = [
            "\n",
            " ",
            "    ",
            "#",
            "'",
            "\"",
            "'''",
            "(",
            ")",
            "[",
            "]",
            "\\",
            "@",
            "else:",
            "def f():\n",
            "x",
            "class ",
            "é😀",
        ];
        let mut doc = Document::new(PathBuf::from("/t.py"), 1, text.to_string());
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        for _ in 0..400 {
            let len = doc.source.text().len();
            let mut start = next(len + 1);
            while !doc.source.text().is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + next(4)).min(len);
            while !doc.source.text().is_char_boundary(end) {
                end += 1;
            }
            let inserted = if next(3) == 0 {
                ""
            } else {
                pieces[next(pieces.len())]
            };
            let (l1, c1) = doc.source.utf8_position(start);
            let (l2, c2) = doc.source.utf8_position(end);
            let position = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            doc.apply(
                change(
                    position(l1),
                    position(c1),
                    position(l2),
                    position(c2),
                    inserted,
                ),
                Encoding::Utf8,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            assert_fresh(&doc);
        }
    }
}
