//! Top-level statement boundaries found by a line lexer, without parsing.
//!
//! Why: the front end parses a file as a sequence of *chunks* (runs of top-level
//! statements), so a syntax error stays in its statement, and the language server keeps
//! facts per chunk so a keystroke re-parses one chunk, not the file (a tree-sitter
//! reparse after error recovery can cost as much as a full parse).
//!
//! Invariants:
//! - The boundaries are a pure function of the text, and after a boundary the lexer is
//!   in its initial state, so boundaries after any boundary depend only on the text
//!   that follows it (the server relexes from a boundary and stops once it meets an old
//!   one).
//! - A boundary is only ever placed where valid Python starts a new top-level
//!   statement: a line at column 0 that begins with a letter, `_` or `@`, outside
//!   brackets, strings and `\` continuations, that is not `else`/`elif`/`except`/
//!   `finally` and does not follow a decorator. Missing a boundary is always safe (the
//!   whole file is one chunk); `scripts/chunk_equivalence.sh` checks that facts per chunk
//!   equal facts of the whole file on real code.
//! - Errors stay small. Inside unclosed brackets, a column-0 `def `/`class `/
//!   `async def `/`import ` starts a chunk again (none of them can stand inside
//!   brackets), so an open `(` does not swallow the rest of the file. A line that Python
//!   would reject with an `IndentationError` (a dedent to a level never opened, an indent
//!   after a line that opens no block) starts an *indented* chunk, whose statements at
//!   its own level start further ones: `z` typed at column 0 inside a class leaves the
//!   methods below it as chunks of their own, parsed as class members are
//!   (`python::analyze_chunk`), so their facts are reused when the `z` goes again.
//! - A chunk that is one class or function splits the same way at the statements of its
//!   body ([`members`], the same lexer with the body's indentation), so typing in a
//!   method of a 5,000-line class re-parses the method.

/// Byte offsets where a new chunk starts, after `from` (itself a chunk start: 0 or an
/// offset this iterator returned).
pub fn boundaries(text: &str, from: usize) -> Boundaries<'_> {
    Boundaries {
        text: text.as_bytes(),
        indent: b"",
        from,
        pos: from,
        depth: 0,
        string: None,
        continued: false,
        decorated: false,
        levels: Vec::new(),
        opens_block: false,
    }
}

/// Chunks of `text`: consecutive ranges covering it, each starting at a boundary, as
/// they come (a big file's list of them is large: 20 MB of one-line statements made
/// 1.2M ranges, 19 MB).
pub fn chunks(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    boundaries(text, 0).chain([text.len()]).map(move |end| {
        let chunk = start..end;
        start = end;
        chunk
    })
}

/// Does `chunk` start with an indented statement? Only a chunk that starts where a line
/// dedents to a level never opened does (never in valid code).
pub fn is_indented(chunk: &str) -> bool {
    let line = chunk.as_bytes();
    let line = &line[..memchr::memchr(b'\n', line).unwrap_or(line.len())];
    let (column, rest) = indentation(line);
    column != (0, 0) && rest.first().is_some_and(|&c| c != b'#' && c != b'\r')
}

/// What a chunk that splits into members is: its members are parsed inside the
/// block's [`Block::wrapper`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Block {
    Class,
    Function,
}

impl Block {
    /// The smallest header that gives a member its context.
    pub fn wrapper(self) -> &'static str {
        match self {
            Block::Class => "class _:\n",
            Block::Function => "def _():\n",
        }
    }

    /// Where the `_` of [`Block::wrapper`] stands.
    pub fn wrapper_name(self) -> std::ops::Range<usize> {
        match self {
            Block::Class => 6..7,
            Block::Function => 4..5,
        }
    }
}

/// The ranges of the members after the first that start at `starts` in a chunk of `len`
/// bytes ([`members`]): each runs to the next start, the last to the end.
pub fn member_ranges(
    starts: &[usize],
    len: usize,
) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let ends = starts.iter().skip(1).copied().chain([len]);
    starts.iter().copied().zip(ends).map(|(s, e)| s..e)
}

/// Where the members of a chunk that is one class or function start (offsets into
/// `chunk`), so a big one is parsed member by member: the first range holds the
/// decorators, the header and the first statement of the body (a block needs one);
/// each further one starts at a statement of the body. `None` when `chunk` is not one
/// class or function with an indented body of several statements.
pub fn members(chunk: &str) -> Option<(Block, Vec<usize>)> {
    let text = chunk.as_bytes();
    let mut lexer = boundaries(chunk, 0);
    // Decorators, comments and blank lines, then the `class` or `def` line.
    let mut block = None;
    let body = loop {
        if lexer.pos >= text.len() {
            return None;
        }
        let start = lexer.pos;
        let clean = lexer.string.is_none() && lexer.depth == 0 && !lexer.continued;
        let line = &text[start..];
        let code = line
            .iter()
            .find(|c| !matches!(c, b' ' | b'\t' | b'\x0c'))
            .is_some_and(|c| !matches!(c, b'\n' | b'\r' | b'#'));
        if clean && code {
            if block.is_some() {
                break start;
            }
            let def = line
                .strip_prefix(b"async")
                .map_or(line, |rest| rest.trim_ascii_start());
            if starts_with_word(line, b"class") {
                block = Some(Block::Class);
            } else if starts_with_word(def, b"def") {
                block = Some(Block::Function);
            } else if line.first() != Some(&b'@') {
                return None;
            }
        }
        lexer.lex_line();
    };
    let indent_len = text[body..]
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    if indent_len == 0 {
        return None;
    }
    lexer.indent = &text[body..body + indent_len];
    lexer.from = body;
    // The body's first statement is the first member's; a decorator there is followed by
    // its definition.
    lexer.decorated = text.get(body + indent_len) == Some(&b'@');
    lexer.lex_line();
    let starts: Vec<usize> = lexer.collect();
    Some((block?, starts)).filter(|(_, s)| !s.is_empty())
}

pub struct Boundaries<'a> {
    text: &'a [u8],
    /// The indentation of the statements sought: empty at top level, a class body's
    /// indentation for its members.
    indent: &'a [u8],
    from: usize,
    /// Start of the next line to lex.
    pos: usize,
    /// Open brackets.
    depth: u32,
    /// Inside a string: its quote and whether it is triple-quoted.
    string: Option<(u8, bool)>,
    /// The previous line ended with `\`.
    continued: bool,
    /// The last statement start was a decorator, which the next one belongs to.
    decorated: bool,
    /// Top level only: the indentation levels open in the current chunk, its first line's
    /// first. A line that dedents to a level never opened, or indents after a line that
    /// opens no block (`IndentationError`s, as when a column-0 line is typed inside a
    /// class), starts a chunk at its own level.
    levels: Vec<Column>,
    /// The last logical line ended with `:`, so the next may be indented deeper.
    opens_block: bool,
}

/// An indentation as Python measures it: columns with tabs to multiples of 8, and with
/// tabs as 1 (two levels are the same only when both agree).
type Column = (u32, u32);

impl Iterator for Boundaries<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.pos < self.text.len() {
            let start = self.pos;
            let boundary = self.starts_statement(start);
            self.lex_line();
            if boundary && start > self.from {
                return Some(start);
            }
        }
        None
    }
}

impl Boundaries<'_> {
    /// Does the line at `start` begin a chunk? Updates the decorator state.
    fn starts_statement(&mut self, start: usize) -> bool {
        if self.string.is_some() {
            return false;
        }
        let Some(line) = self.text[start..].strip_prefix(self.indent) else {
            return false;
        };
        if self.depth > 0 || self.continued {
            let resync = ["def ", "class ", "async def ", "import "]
                .iter()
                .any(|k| line.starts_with(k.as_bytes()));
            if resync {
                self.depth = 0;
                self.continued = false;
                self.decorated = false;
                self.levels = vec![(0, 0)];
            }
            return resync;
        }
        if self.indent.is_empty() {
            let (column, rest) = indentation(line);
            if !rest
                .first()
                .is_some_and(|c| !matches!(c, b'\n' | b'\r' | b'#'))
            {
                return false;
            }
            if column != (0, 0) {
                return self.indented(column, rest);
            }
            self.levels = vec![(0, 0)];
        }
        self.statement(line)
    }

    /// An indented code line at top level: inside the current chunk, unless it is a
    /// statement of an indented chunk's own level, or (an `IndentationError`) it dedents
    /// to a level never opened or indents after a line that opens no block.
    fn indented(&mut self, column: Column, rest: &[u8]) -> bool {
        let mut dedented = false;
        while self.levels.last().is_some_and(|l| l.0 > column.0) {
            self.levels.pop();
            dedented = true;
        }
        // Python's rule: the two measures must agree on deeper, equal or shallower.
        match self.levels.last() {
            Some(&l) if l == column => self.levels.len() == 1 && self.statement(rest),
            Some(&l) if !dedented && self.opens_block && l.0 < column.0 && l.1 < column.1 => {
                self.levels.push(column);
                false
            }
            _ => {
                self.levels = vec![column];
                self.decorated = rest.first() == Some(&b'@');
                true
            }
        }
    }

    /// Does `line` (after its indentation) start a statement of its own?
    fn statement(&mut self, line: &[u8]) -> bool {
        let Some(&first) = line.first() else {
            return false;
        };
        if !(first.is_ascii_alphabetic() || first == b'_' || first == b'@') {
            return false;
        }
        if self.decorated {
            self.decorated = first == b'@';
            return false;
        }
        self.decorated = first == b'@';
        !["else", "elif", "except", "finally"]
            .iter()
            .any(|k| starts_with_word(line, k.as_bytes()))
    }

    /// Advance past one line, tracking brackets, strings and continuations. Runs of bytes
    /// that change no state are skipped whole (`memchr3` inside a string, [`PLAIN`]
    /// outside one): a byte-by-byte loop was most of the chunker's time.
    fn lex_line(&mut self) {
        let text = self.text;
        let mut i = self.pos;
        self.continued = false;
        // The line's last byte of code (comments and blanks aside).
        let mut last = None;
        while i < text.len() {
            if let Some((quote, triple)) = self.string {
                last = Some(quote);
                // Only the quote, `\` and a line break matter inside a string.
                let Some(n) = memchr::memchr3(quote, b'\\', b'\n', &text[i..]) else {
                    i = text.len();
                    break;
                };
                i += n;
                match text[i] {
                    b'\\' => {
                        // An escaped newline continues a one-line string on the next line.
                        i += 2;
                        if text.get(i - 1) == Some(&b'\r') && text.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                        if text.get(i - 1) == Some(&b'\n') {
                            break;
                        }
                        continue;
                    }
                    b'\n' if !triple => {
                        // An unterminated string ends at the line (a syntax error).
                        self.string = None;
                        i += 1;
                        break;
                    }
                    b'\n' => {
                        i += 1;
                        break;
                    }
                    _ => {
                        if !triple {
                            self.string = None;
                        } else if text[i..].starts_with(&[quote; 3]) {
                            self.string = None;
                            i += 2;
                        }
                    }
                }
                i += 1;
                continue;
            }
            let c = text[i];
            if PLAIN[c as usize] {
                let run = text[i..]
                    .iter()
                    .position(|&b| !PLAIN[b as usize])
                    .map_or(text.len(), |n| i + n);
                if let Some(&code) = text[i..run]
                    .iter()
                    .rev()
                    .find(|&&b| !matches!(b, b' ' | b'\t' | b'\r' | b'\x0c'))
                {
                    last = Some(code);
                }
                i = run;
                continue;
            }
            match c {
                b'\n' => {
                    i += 1;
                    break;
                }
                b'#' => {
                    i = memchr::memchr(b'\n', &text[i..]).map_or(text.len(), |n| i + n);
                    continue;
                }
                b'"' | b'\'' => {
                    let triple = text[i..].starts_with(&[c; 3]);
                    self.string = Some((c, triple));
                    i += if triple { 3 } else { 1 };
                    continue;
                }
                b'(' | b'[' | b'{' => self.depth += 1,
                b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                b'\\' => {
                    let rest = &text[i + 1..];
                    if rest.starts_with(b"\n") || rest.starts_with(b"\r\n") {
                        self.continued = true;
                    }
                }
                _ => {}
            }
            if c != b'\\' {
                last = Some(c);
            }
            i += 1;
        }
        if self.string.is_none() && self.depth == 0 && !self.continued {
            if let Some(last) = last {
                self.opens_block = last == b':';
            }
        }
        self.pos = i.min(text.len());
    }
}

/// Bytes that change no state of [`Boundaries::lex_line`] outside strings: all but line
/// breaks, `#`, quotes, brackets and `\\`.
const PLAIN: [bool; 256] = {
    let mut plain = [true; 256];
    let special = *b"\n#\"'([{)]}\\";
    let mut k = 0;
    while k < special.len() {
        plain[special[k] as usize] = false;
        k += 1;
    }
    plain
};

/// A line's indentation and the rest of it.
fn indentation(line: &[u8]) -> (Column, &[u8]) {
    let mut column = (0u32, 0u32);
    for (i, &c) in line.iter().enumerate() {
        match c {
            b' ' => column = (column.0 + 1, column.1 + 1),
            b'\t' => column = ((column.0 / 8 + 1) * 8, column.1 + 1),
            b'\x0c' => column = (0, 0),
            _ => return (column, &line[i..]),
        }
    }
    (column, &[])
}

/// `line` starts with the keyword `word` (not with a longer identifier).
fn starts_with_word(line: &[u8], word: &[u8]) -> bool {
    line.starts_with(word)
        && line
            .get(word.len())
            .is_none_or(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of each chunk.
    fn split(text: &str) -> Vec<&str> {
        chunks(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn statements_with_their_comments_and_blank_lines() {
        assert_eq!(
            split("import os\n\n# c\nx = 1\ndef f():\n    return 1\n# end\n"),
            [
                "import os\n\n# c\n",
                "x = 1\n",
                "def f():\n    return 1\n# end\n"
            ]
        );
    }

    #[test]
    fn compound_statements_and_decorators_stay_whole() {
        let text = "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\n\
                    try:\n    pass\nexcept* E:\n    pass\nfinally:\n    pass\n\
                    @dec(\n  x)\n# c\n@other\nasync def f():\n    pass\nelsewhere = 1\n";
        assert_eq!(
            split(text),
            [
                "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\n",
                "try:\n    pass\nexcept* E:\n    pass\nfinally:\n    pass\n",
                "@dec(\n  x)\n# c\n@other\nasync def f():\n    pass\n",
                "elsewhere = 1\n",
            ]
        );
    }

    #[test]
    fn brackets_strings_and_continuations_hide_column_zero() {
        let text = "x = (\nfoo)\ns = '''\nimport os\n'''\nt = \"a\\\nb\"\nu = 1 + \\\nv\n\
                    w = f\"{d['k']}\" # '\nz = r'\\'' \n";
        assert_eq!(
            split(text),
            [
                "x = (\nfoo)\n",
                "s = '''\nimport os\n'''\n",
                "t = \"a\\\nb\"\n",
                "u = 1 + \\\nv\n",
                "w = f\"{d['k']}\" # '\n",
                "z = r'\\'' \n"
            ]
        );
    }

    #[test]
    fn an_open_bracket_ends_at_the_next_definition() {
        assert_eq!(
            split("x = foo(\n\ndef f():\n    pass\ny = 1\n"),
            ["x = foo(\n\n", "def f():\n    pass\n", "y = 1\n"]
        );
        assert_eq!(
            split("x = [\nimport os\nfrom a import (b,\nimport_c = 1\n"),
            [
                "x = [\n",
                "import os\n",
                "from a import (b,\nimport_c = 1\n"
            ]
        );
        assert_eq!(split("s = '''\ndef f():\n"), ["s = '''\ndef f():\n"]);
    }

    #[test]
    fn a_dedent_to_a_level_never_opened_starts_an_indented_chunk() {
        // "z" typed at column 0 in a class: the methods after it start chunks of their own.
        assert_eq!(
            split("class K:\n    x = 1\nz\n    def b(self):\n        pass\n    y = 2\n"),
            [
                "class K:\n    x = 1\n",
                "z\n",
                "    def b(self):\n        pass\n",
                "    y = 2\n"
            ]
        );
        let text =
            "class K:\n    def a(self):\n        x = 1\nz    def b(self):\n        y = 2\n\n\
                    \x20   @d\n    def c(self):\n        pass\n    # c\n\tt = 1\nw = 2\n";
        assert_eq!(
            split(text),
            [
                "class K:\n    def a(self):\n        x = 1\n",
                "z    def b(self):\n        y = 2\n\n",
                "    @d\n    def c(self):\n        pass\n    # c\n",
                "\tt = 1\n",
                "w = 2\n",
            ]
        );
        assert!(is_indented("    def c(self):\n"));
        assert!(!is_indented("  # c\nx = 1\n"));
        // Valid nesting never dedents to an unknown level.
        let nested = "def f():\n    if a:\n        b = 1\n    else:\n        c = 2\n    return 3\n";
        assert_eq!(split(nested), [nested]);
    }

    #[test]
    fn crlf_and_no_final_newline() {
        assert_eq!(
            split("a = 1\r\nb = (\r\n2)\r\nc = 3"),
            ["a = 1\r\n", "b = (\r\n2)\r\n", "c = 3"]
        );
        assert_eq!(split(""), [""]);
    }

    #[test]
    fn boundaries_after_a_boundary_depend_only_on_what_follows() {
        let text = "x = 1\ny = (\n2)\nz = 3\n";
        let all: Vec<usize> = boundaries(text, 0).collect();
        let from_y: Vec<usize> = boundaries(text, all[0]).collect();
        assert_eq!(&all[1..], &from_y[..]);
    }

    fn split_members(text: &str) -> Vec<&str> {
        let starts = members(text).map(|(_, s)| s).unwrap_or_default();
        let mut out = Vec::new();
        let mut start = 0;
        for s in starts {
            out.push(&text[start..s]);
            start = s;
        }
        out.push(&text[start..]);
        out
    }

    #[test]
    fn a_class_splits_into_members() {
        let text = "@dec\nclass K(\n    Base,\n):\n    \"\"\"Doc.\"\"\"\n    x = 1\n\n    @property\n    def a(self):\n        return (\n    1)\n# c\n    if X:\n        y = 2\n    else:\n        y = 3\n\n";
        assert_eq!(members(text).map(|(b, _)| b), Some(Block::Class));
        assert_eq!(
            split_members(text),
            [
                "@dec\nclass K(\n    Base,\n):\n    \"\"\"Doc.\"\"\"\n",
                "    x = 1\n\n",
                "    @property\n    def a(self):\n        return (\n    1)\n# c\n",
                "    if X:\n        y = 2\n    else:\n        y = 3\n\n",
            ]
        );
        let f = "async  def f(\n  a,\n):\n    global g\n    x = 1\n    return g\n";
        assert_eq!(members(f).map(|(b, _)| b), Some(Block::Function));
        assert_eq!(
            split_members(f),
            [
                "async  def f(\n  a,\n):\n    global g\n",
                "    x = 1\n",
                "    return g\n"
            ]
        );
        // Not one block with an indented body of several statements: not split.
        assert_eq!(members("class A: pass\n# c\n"), None);
        assert_eq!(members("class A:\n    x = 1\n"), None);
        assert_eq!(members("if a:\n    x = 1\n    y = 2\n"), None);
    }
}
