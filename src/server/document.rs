//! One open document: its text, line index and syntax tree, kept up to date by
//! incremental edits (the tree is edited and reparsed, not rebuilt).

use std::path::PathBuf;

use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Point, Tree};

use crate::lint::Linted;
use crate::python;
use crate::source::SourceText;

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
    pub source: SourceText,
    pub tree: Tree,
    /// Lint result for the current text; `None` once the text or settings changed.
    pub linted: Option<Linted>,
    /// The version whose diagnostics were last pushed.
    pub published: Option<i32>,
}

impl Document {
    pub fn new(path: PathBuf, version: i32, text: String) -> Document {
        let tree = python::parse(&text, None);
        Document {
            path,
            version,
            source: SourceText::new(text),
            tree,
            linted: None,
            published: None,
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
            self.tree = python::parse(&change.text, None);
            self.source = SourceText::new(change.text);
            return Ok(());
        };
        let bytes = encoding.byte_range(&self.source, range)?;
        let old = self.source.text();
        let start_position = point(old, bytes.start);
        let old_end_position = point(old, bytes.end);
        let mut text = String::with_capacity(old.len() + change.text.len());
        text.push_str(&old[..bytes.start]);
        text.push_str(&change.text);
        text.push_str(&old[bytes.end..]);
        let new_end_byte = bytes.start + change.text.len();
        let new_end_position = match change.text.rfind('\n') {
            Some(last) => Point::new(
                start_position.row + memchr::memchr_iter(b'\n', change.text.as_bytes()).count(),
                change.text.len() - last - 1,
            ),
            None => Point::new(
                start_position.row,
                start_position.column + change.text.len(),
            ),
        };
        self.tree.edit(&InputEdit {
            start_byte: bytes.start,
            old_end_byte: bytes.end,
            new_end_byte,
            start_position,
            old_end_position,
            new_end_position,
        });
        self.tree = python::parse(&text, Some(&self.tree));
        self.source = SourceText::new(text);
        Ok(())
    }
}

/// Tree-sitter's point of a byte offset: rows count `\n`, columns count bytes.
fn point(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset];
    let row = memchr::memchr_iter(b'\n', before).count();
    let column = match memchr::memrchr(b'\n', before) {
        Some(nl) => offset - nl - 1,
        None => offset,
    };
    Point::new(row, column)
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

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut doc = Document::new(PathBuf::from("/t.py"), 1, "x = 1\r\ny😀 = 2\n".to_string());
        doc.apply(change(1, 3, 1, 3, "\tz"), Encoding::Utf16)
            .unwrap_or_default();
        doc.apply(change(0, 0, 0, 1, "import a\nq"), Encoding::Utf8)
            .unwrap_or_default();
        assert_eq!(doc.source.text(), "import a\nq = 1\r\ny😀\tz = 2\n");
        let fresh = python::parse(doc.source.text(), None);
        assert_eq!(doc.tree.root_node().to_sexp(), fresh.root_node().to_sexp());
        assert!(doc.apply(change(9, 0, 9, 0, "x"), Encoding::Utf16).is_err());
        assert_eq!(doc.source.text(), "import a\nq = 1\r\ny😀\tz = 2\n");
    }
}
