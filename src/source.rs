//! A source text with its line index. Offsets are byte offsets into the text; rows and
//! columns shown to users are 1-based, columns counted in Unicode scalar values (ruff's
//! convention). The language server converts to UTF-16 or UTF-8 code units on demand.

use std::ops::Range;
use std::sync::OnceLock;

/// A byte range in a source text.
pub type TextRange = Range<usize>;

/// A 1-based row and column (column in Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub row: usize,
    pub column: usize,
}

/// Text plus the byte offset of every line start.
#[derive(Debug, Clone)]
pub struct SourceText {
    text: String,
    /// As `u32`, half the size of `usize` offsets (a 20 MB file has a million lines,
    /// issue 13); offsets past `u32::MAX` saturate, beyond what tree-sitter parses anyway.
    /// Built on first use: a check asks for rows only in files with findings (issue 11).
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceText {
    pub fn new(text: String) -> Self {
        SourceText {
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// The line index, built the first time it is asked for.
    fn starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut line_starts = vec![0];
            let bytes = self.text.as_bytes();
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                // "\r\n" is one line break; a lone "\r" is one too (Python agrees).
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    continue;
                }
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
            // A big text's index lives as long as the text (an open document): no spare room.
            line_starts.shrink_to_fit();
            line_starts
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// `text`, whose line breaks stand at the same offsets as this text's (the reducer's
    /// blanks keep every `\n` and `\r`), keeping the line index if one was built; a text
    /// of another length gets its own.
    pub fn with_text(self, text: String) -> SourceText {
        if text.len() != self.text.len() {
            return SourceText::new(text);
        }
        if let Some(starts) = self.line_starts.get() {
            debug_assert_eq!(SourceText::new(text.clone()).starts(), &starts[..]);
        }
        SourceText {
            text,
            line_starts: self.line_starts,
        }
    }

    pub fn into_text(self) -> String {
        self.text
    }

    pub fn line_count(&self) -> usize {
        self.starts().len()
    }

    /// 0-based line index containing `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte range of a 0-based line, without its line break.
    pub fn line_range(&self, line: usize) -> TextRange {
        let start = self.start_of(line).unwrap_or(self.text.len());
        let mut end = self.start_of(line + 1).unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_text(&self, line: usize) -> &str {
        &self.text[self.line_range(line)]
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.start_of(line).unwrap_or(self.text.len())
    }

    /// 1-based row and column (Unicode scalar values) of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.starts()[line] as usize;
        Location {
            row: line + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// 0-based line and UTF-16 code-unit column of a byte offset (LSP's default).
    pub fn utf16_position(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.starts()[line] as usize;
        let col = self.text[start..offset]
            .chars()
            .map(char::len_utf16)
            .sum::<usize>();
        (line, col)
    }

    /// 0-based line and byte column of a byte offset (LSP's UTF-8 encoding).
    pub fn utf8_position(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        (line, offset - self.starts()[line] as usize)
    }

    /// Byte offset of a 0-based line and UTF-16 column; `None` when out of range.
    /// A column past the end of the line clamps to the line end, as LSP requires.
    pub fn offset_from_utf16(&self, line: usize, col: usize) -> Option<usize> {
        if line == self.starts().len() && col == 0 {
            return Some(self.text.len());
        }
        let range = self.line_range_with_break(line)?;
        let mut units = 0;
        for (i, ch) in self.text[range.clone()].char_indices() {
            if units >= col || ch == '\n' || ch == '\r' {
                return Some(range.start + i);
            }
            units += ch.len_utf16();
        }
        Some(range.end)
    }

    /// Byte offset of a 0-based line and UTF-8 column; `None` when out of range.
    pub fn offset_from_utf8(&self, line: usize, col: usize) -> Option<usize> {
        if line == self.starts().len() && col == 0 {
            return Some(self.text.len());
        }
        let range = self.line_range_with_break(line)?;
        let content_end = self.line_range(line).end;
        let mut offset = (range.start + col).min(content_end);
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        Some(offset)
    }

    fn line_range_with_break(&self, line: usize) -> Option<TextRange> {
        let start = self.start_of(line)?;
        let end = self.start_of(line + 1).unwrap_or(self.text.len());
        Some(start..end)
    }

    fn start_of(&self, line: usize) -> Option<usize> {
        self.starts().get(line).map(|&s| s as usize)
    }

    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Why a file's bytes could not be taken as Python source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Binary { offset: usize },
    NotUtf8 { offset: usize },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Binary { offset } => {
                write!(f, "binary file (NUL byte at offset {offset}); skipped")
            }
            DecodeError::NotUtf8 { offset } => {
                write!(f, "not valid UTF-8 (at byte offset {offset}); skipped")
            }
        }
    }
}

/// Decode file bytes as UTF-8 Python source; NUL bytes mean a binary file.
pub fn decode(bytes: Vec<u8>) -> Result<String, DecodeError> {
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(DecodeError::Binary { offset });
    }
    String::from_utf8(bytes).map_err(|e| DecodeError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_scalar_values() {
        let s = SourceText::new("é = 1\r\nx😀 = 2\ny".to_string());
        assert_eq!(s.line_count(), 3);
        assert_eq!(s.location(0), Location { row: 1, column: 1 });
        let x = s.text().find('x').unwrap();
        assert_eq!(s.location(x), Location { row: 2, column: 1 });
        let eq = s.text()[x..].find('=').unwrap() + x;
        assert_eq!(s.location(eq), Location { row: 2, column: 4 });
        assert_eq!(s.utf16_position(eq), (1, 4));
        assert_eq!(s.utf8_position(eq), (1, 6));
        assert_eq!(s.offset_from_utf16(1, 4), Some(eq));
        assert_eq!(s.offset_from_utf8(1, 6), Some(eq));
        assert_eq!(s.line_text(0), "é = 1");
    }

    #[test]
    fn decode_rejects_binary_and_invalid_utf8() {
        assert_eq!(
            decode(b"a\0b".to_vec()),
            Err(DecodeError::Binary { offset: 1 })
        );
        assert_eq!(
            decode(b"ab\xff".to_vec()),
            Err(DecodeError::NotUtf8 { offset: 2 })
        );
        assert_eq!(decode(b"ok".to_vec()).unwrap(), "ok");
    }
}
