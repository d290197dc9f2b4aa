//! The one lexical scanner of the front end: an exact, error-tolerant Python tokenizer
//! modelled on CPython 3.12's `tokenize` (so `python3.12 -m tokenize` is its oracle:
//! `scripts/scan_oracle.py`).
//!
//! Why: the chunker, the reducer and the syntax recognizer each need to know where
//! strings, comments, brackets and logical lines are. One scanner, tested against
//! CPython, replaces their private lexers, so they cannot disagree.
//!
//! Contract (shared with the syntax recognizer): [`tokenize`] never panics, never
//! recurses (f-string nesting is an explicit stack), and always ends with
//! [`Tok::EndMarker`]. Tokens are in text order; offsets are bytes into the text.
//!
//! Known differences from `tokenize` (documented, checked by the oracle script):
//! - `Indent` is zero-width at the first token of the line (CPython's spans the
//!   indentation whitespace).
//! - Literal text of an f-string is one `FStringMiddle` per run between replacement
//!   fields, `{{`/`}}` included (CPython splits it at doubled braces).
//! - Any non-ASCII character is an identifier character (CPython rejects a few, such as
//!   U+00A0).
//! - Where CPython raises an error, we emit [`Tok::Error`] and go on.

/// The kind of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// Identifier or keyword (Unicode identifiers included).
    Name,
    /// int/float/imaginary, with `_` separators, 0x/0o/0b.
    Number,
    /// One whole non-f string literal, any prefix, `'` `"` `'''` `"""`.
    String,
    /// `f"`/`rf'`/`F'''`… (and t-strings) up to the opening quote.
    FStringStart,
    /// Literal text inside an f-string (`{{` and `}}` included).
    FStringMiddle,
    /// Closing quote(s) of an f-string.
    FStringEnd,
    /// Operator or delimiter, longest match; inside f-string replacement fields `{` `}`
    /// `:` `!` are `Op` too.
    Op,
    /// End of a logical line.
    Newline,
    /// Line break that does not end a logical line (inside brackets, blank or
    /// comment-only lines).
    Nl,
    /// `# ...` to the end of the line (line break excluded).
    Comment,
    /// Zero-width, before the first token of a more-indented logical line.
    Indent,
    /// Zero-width, one per closed level.
    Dedent,
    /// What Python cannot tokenize: unterminated string, stray `$` `?` backtick, dedent
    /// to a level never opened, inconsistent tabs, bad continuation, unmatched or
    /// unclosed bracket…
    Error,
    /// Zero-width, at the end of the text.
    EndMarker,
}

/// One token: its kind and byte range in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
}

impl Token {
    /// The token's byte range, for slicing the text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Tokenize `text`. Never panics, never recurses, always ends with `EndMarker`.
/// Texts over 4 GiB are tokenized up to 4 GiB (offsets are `u32`); the caller's file
/// size limit keeps them out long before.
pub fn tokenize(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let b = &b[..b.len().min(u32::MAX as usize)];
    let mut lexer = Lexer {
        b,
        pos: 0,
        out: Vec::with_capacity(b.len() / 5 + 8),
        stack: Vec::new(),
        indents: vec![(0, 0)],
        line_has_tokens: false,
        at_line_start: true,
    };
    lexer.run();
    lexer.out
}

/// What the lexer is inside of, innermost last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// An open `(`, `[` or `{` (the byte).
    Bracket(u8),
    /// The literal part of an f-string.
    FString { quote: u8, triple: bool, raw: bool },
    /// A replacement field `{…}` of an f-string: code until its `}`.
    Field,
    /// A format spec after `:` in a replacement field: literal text until `}`.
    Spec,
}

struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
    out: Vec<Token>,
    stack: Vec<Frame>,
    /// Indentation levels: (column with tabs to multiples of 8, column with tabs as 1),
    /// the second for CPython's inconsistent-tabs check.
    indents: Vec<(u32, u32)>,
    /// The current logical line has a token other than a comment.
    line_has_tokens: bool,
    /// At the start of a physical line that starts a logical line.
    at_line_start: bool,
}

/// Identifier bytes: ASCII letters, digits, `_`, and every byte of a non-ASCII character.
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        i += 1;
    }
    t
};

fn is_ident(c: u8) -> bool {
    IDENT[c as usize]
}

impl Lexer<'_> {
    fn emit(&mut self, kind: Tok, start: usize, end: usize) {
        self.out.push(Token {
            kind,
            start: start as u32,
            end: end as u32,
        });
    }

    fn peek(&self, at: usize) -> u8 {
        self.b.get(at).copied().unwrap_or(0)
    }

    fn run(&mut self) {
        loop {
            match self.stack.last() {
                Some(Frame::FString { .. }) | Some(Frame::Spec) => self.literal(),
                _ => {
                    if self.at_line_start {
                        self.indentation();
                    }
                    if !self.code_token() {
                        break;
                    }
                }
            }
        }
        self.finish();
    }

    /// End of text: close the logical line, report what is still open, dedent to 0.
    fn finish(&mut self) {
        let end = self.b.len();
        if !self.stack.is_empty() {
            self.emit(Tok::Error, end, end);
            self.stack.clear();
        }
        if self.line_has_tokens {
            self.emit(Tok::Newline, end, end);
        }
        for _ in 1..self.indents.len() {
            self.emit(Tok::Dedent, end, end);
        }
        self.emit(Tok::EndMarker, end, end);
    }

    /// At the start of a logical line: measure the indentation and emit `Indent`/`Dedent`
    /// unless the line is blank or comment-only.
    fn indentation(&mut self) {
        self.at_line_start = false;
        let (mut col, mut alt) = (0u32, 0u32);
        let start = self.pos;
        while let Some(&c) = self.b.get(self.pos) {
            match c {
                b' ' => {
                    col += 1;
                    alt += 1;
                }
                b'\t' => {
                    col = (col / 8 + 1) * 8;
                    alt += 1;
                }
                b'\x0c' => {
                    col = 0;
                    alt = 0;
                }
                _ => break,
            }
            self.pos += 1;
        }
        match self.b.get(self.pos) {
            None | Some(b'#') | Some(b'\n') | Some(b'\r') => return,
            _ => {}
        }
        let at = self.pos;
        let &(top, top_alt) = self.indents.last().unwrap_or(&(0, 0));
        if col > top {
            if alt <= top_alt {
                self.emit(Tok::Error, start, at);
            }
            self.indents.push((col, alt));
            self.emit(Tok::Indent, at, at);
        } else if col < top {
            while self.indents.len() > 1 && self.indents.last().is_some_and(|&(c, _)| c > col) {
                self.indents.pop();
                self.emit(Tok::Dedent, at, at);
            }
            let &(top, top_alt) = self.indents.last().unwrap_or(&(0, 0));
            if top != col {
                // A dedent to a level never opened: report it and take it as a level.
                self.emit(Tok::Error, start, at);
                self.indents.push((col, alt));
            } else if top_alt != alt {
                self.emit(Tok::Error, start, at);
            }
        } else if alt != top_alt {
            self.emit(Tok::Error, start, at);
        }
    }

    /// One token in code (outside string literals). Returns false at the end of text.
    fn code_token(&mut self) -> bool {
        let b = self.b;
        while let Some(b' ' | b'\t' | b'\x0c') = b.get(self.pos) {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(&c) = b.get(start) else {
            return false;
        };
        match c {
            b'#' => {
                let end = memchr::memchr2(b'\n', b'\r', &b[start..]).map_or(b.len(), |i| start + i);
                self.emit(Tok::Comment, start, end);
                self.pos = end;
                return true;
            }
            b'\n' | b'\r' => {
                let end = if c == b'\r' && self.peek(start + 1) == b'\n' {
                    start + 2
                } else {
                    start + 1
                };
                self.pos = end;
                if self.stack.is_empty() {
                    let kind = if self.line_has_tokens {
                        Tok::Newline
                    } else {
                        Tok::Nl
                    };
                    self.emit(kind, start, end);
                    self.line_has_tokens = false;
                    self.at_line_start = true;
                } else {
                    self.emit(Tok::Nl, start, end);
                }
                return true;
            }
            b'\\' => {
                let next = self.peek(start + 1);
                if next == b'\n' {
                    self.pos = start + 2;
                } else if next == b'\r' {
                    self.pos = start + if self.peek(start + 2) == b'\n' { 3 } else { 2 };
                } else {
                    self.emit(Tok::Error, start, start + 1);
                    self.pos = start + 1;
                    self.line_has_tokens = true;
                }
                return true;
            }
            _ => {}
        }
        self.line_has_tokens = true;
        if c == b'"' || c == b'\'' {
            self.string(start, start, false, false);
        } else if is_ident(c) && !c.is_ascii_digit() {
            let mut end = start + 1;
            while end < b.len() && is_ident(b[end]) {
                end += 1;
            }
            let q = self.peek(end);
            if (q == b'"' || q == b'\'') && end - start <= 2 {
                if let Some((formatted, raw)) = string_prefix(&b[start..end]) {
                    self.string(start, end, formatted, raw);
                    return true;
                }
            }
            self.emit(Tok::Name, start, end);
            self.pos = end;
        } else if c.is_ascii_digit() || (c == b'.' && self.peek(start + 1).is_ascii_digit()) {
            let end = number_end(b, start);
            self.emit(Tok::Number, start, end);
            self.pos = end;
        } else {
            self.operator(start, c);
        }
        true
    }

    /// An operator, a delimiter, or a stray character.
    fn operator(&mut self, start: usize, c: u8) {
        let b = self.b;
        let len = match c {
            b'(' | b'[' | b'{' => {
                self.stack.push(Frame::Bracket(c));
                1
            }
            b')' | b']' | b'}' => {
                let kind = match self.stack.last() {
                    Some(&Frame::Bracket(open)) if closer(open) == c => Tok::Op,
                    Some(Frame::Field) if c == b'}' => Tok::Op,
                    _ => Tok::Error,
                };
                // A mismatched closer still closes the innermost bracket, so one typo
                // does not leave the rest of the file inside brackets.
                if matches!(self.stack.last(), Some(Frame::Bracket(_) | Frame::Field)) {
                    self.stack.pop();
                }
                self.emit(kind, start, start + 1);
                self.pos = start + 1;
                return;
            }
            b':' if self.stack.last() == Some(&Frame::Field) => {
                self.emit(Tok::Op, start, start + 1);
                self.pos = start + 1;
                self.stack.push(Frame::Spec);
                return;
            }
            b'.' => {
                if b[start..].starts_with(b"...") {
                    3
                } else {
                    1
                }
            }
            b'*' | b'/' | b'<' | b'>' => {
                let next = self.peek(start + 1);
                if next == c {
                    if self.peek(start + 2) == b'=' {
                        3
                    } else {
                        2
                    }
                } else if next == b'=' || (c == b'<' && next == b'>') {
                    2
                } else {
                    1
                }
            }
            b'-' => match self.peek(start + 1) {
                b'=' | b'>' => 2,
                _ => 1,
            },
            b'+' | b'%' | b'&' | b'|' | b'^' | b'@' | b'=' | b'!' | b':' => {
                if self.peek(start + 1) == b'=' {
                    2
                } else {
                    1
                }
            }
            b',' | b';' | b'~' => 1,
            _ => {
                // `$`, `?`, a backtick, control characters: nothing Python accepts.
                self.emit(Tok::Error, start, start + 1);
                self.pos = start + 1;
                return;
            }
        };
        self.emit(Tok::Op, start, start + len);
        self.pos = start + len;
    }

    /// A string literal whose prefix spans `start..quote_at`.
    fn string(&mut self, start: usize, quote_at: usize, formatted: bool, raw: bool) {
        let b = self.b;
        let quote = b[quote_at];
        let triple = b[quote_at..].starts_with(&[quote, quote, quote]);
        let body = quote_at + if triple { 3 } else { 1 };
        if formatted {
            self.emit(Tok::FStringStart, start, body);
            self.pos = body;
            self.stack.push(Frame::FString { quote, triple, raw });
            return;
        }
        let mut i = body;
        if triple {
            loop {
                match memchr::memchr2(quote, b'\\', &b[i..]) {
                    None => {
                        self.emit(Tok::Error, start, b.len());
                        self.pos = b.len();
                        return;
                    }
                    Some(k) => {
                        i += k;
                        if b[i] == b'\\' {
                            i += 2;
                        } else if b[i..].starts_with(&[quote, quote, quote]) {
                            i += 3;
                            break;
                        } else {
                            i += 1;
                        }
                    }
                }
                if i >= b.len() {
                    self.emit(Tok::Error, start, b.len());
                    self.pos = b.len();
                    return;
                }
            }
        } else {
            loop {
                let Some(&c) = b.get(i) else {
                    self.emit(Tok::Error, start, b.len());
                    self.pos = b.len();
                    return;
                };
                if c == quote {
                    i += 1;
                    break;
                } else if c == b'\\' {
                    i += if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                        3
                    } else {
                        2
                    };
                } else if c == b'\n' || c == b'\r' {
                    self.emit(Tok::Error, start, i);
                    self.pos = i;
                    return;
                } else {
                    i += 1;
                }
            }
        }
        let end = i.min(b.len());
        self.emit(Tok::String, start, end);
        self.pos = end;
    }

    /// Literal text of an f-string or of a format spec, up to a replacement field, the
    /// end of the spec, or the closing quote.
    fn literal(&mut self) {
        let b = self.b;
        let in_spec = self.stack.last() == Some(&Frame::Spec);
        let Some(&Frame::FString { quote, triple, raw }) = self
            .stack
            .iter()
            .rev()
            .find(|f| matches!(f, Frame::FString { .. }))
        else {
            self.stack.clear();
            return;
        };
        let start = self.pos;
        let mut i = start;
        loop {
            let Some(&c) = b.get(i) else {
                self.middle(start, i);
                self.pos = i;
                self.close_fstring(Tok::Error, i, i);
                return;
            };
            match c {
                _ if c == quote && (!triple || b[i..].starts_with(&[quote, quote, quote])) => {
                    self.middle(start, i);
                    let end = i + if triple { 3 } else { 1 };
                    self.pos = end;
                    let kind = if in_spec { Tok::Error } else { Tok::FStringEnd };
                    self.close_fstring(kind, i, end);
                    return;
                }
                b'\\' => {
                    let next = self.peek(i + 1);
                    if !raw && next == b'N' && self.peek(i + 2) == b'{' {
                        // `\N{NAME}`: a named character, its braces are no field.
                        i = match memchr::memchr(b'}', &b[i..]) {
                            Some(k) => i + k + 1,
                            None => b.len(),
                        };
                    } else if next == b'{' || next == b'}' {
                        i += 1;
                    } else if next == b'\r' && self.peek(i + 2) == b'\n' {
                        i += 3;
                    } else if (next == 0 && i + 1 >= b.len())
                        || (raw && next != quote && next != b'\\')
                    {
                        // At the end of text, or a raw backslash that escapes nothing.
                        i += 1;
                    } else {
                        i += 2;
                    }
                }
                b'{' => {
                    if !in_spec && self.peek(i + 1) == b'{' {
                        i += 2;
                        continue;
                    }
                    self.middle(start, i);
                    self.emit(Tok::Op, i, i + 1);
                    self.pos = i + 1;
                    self.stack.push(Frame::Field);
                    return;
                }
                b'}' => {
                    if in_spec {
                        self.middle(start, i);
                        self.emit(Tok::Op, i, i + 1);
                        self.pos = i + 1;
                        self.stack.pop();
                        if self.stack.last() == Some(&Frame::Field) {
                            self.stack.pop();
                        }
                        return;
                    }
                    if self.peek(i + 1) == b'}' {
                        i += 2;
                        continue;
                    }
                    // A single `}` in literal text: CPython rejects it.
                    self.middle(start, i);
                    self.emit(Tok::Error, i, i + 1);
                    self.pos = i + 1;
                    return;
                }
                b'\n' | b'\r' if !triple => {
                    // Unterminated single-quoted f-string: the line break is code again.
                    self.middle(start, i);
                    self.pos = i;
                    self.close_fstring(Tok::Error, i, i);
                    return;
                }
                _ => i += 1,
            }
        }
    }

    fn middle(&mut self, start: usize, end: usize) {
        if end > start {
            self.emit(Tok::FStringMiddle, start, end);
        }
    }

    /// Pop frames down to and including the innermost f-string, emitting `kind` for its
    /// end.
    fn close_fstring(&mut self, kind: Tok, start: usize, end: usize) {
        while let Some(frame) = self.stack.pop() {
            if matches!(frame, Frame::FString { .. }) {
                break;
            }
        }
        self.emit(kind, start, end);
    }
}

/// What a logical line is, from its first words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// `import …`
    Import,
    /// `from … import …`
    From,
    /// `def` or `async def`.
    Def,
    Class,
    /// `@…`
    Decorator,
    Try,
    /// `except …`
    Except,
    /// `if …`
    If,
    /// `global …`
    Global,
    Other,
}

/// One logical line: physical lines joined by brackets, strings or `\` continuations.
/// Blank and comment-only lines are none (as in CPython).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogicalLine {
    /// Start of its first physical line (its indentation included).
    pub line_start: u32,
    /// Its first token.
    pub start: u32,
    /// Its `Newline` token (or the end of the text); a trailing comment is inside.
    pub end: u32,
    /// Indentation width, tabs to multiples of 8 (CPython's column).
    pub indent: u32,
    /// Indentation width counting a tab as 1 (CPython's check for inconsistent tabs).
    pub alt_indent: u32,
    pub kind: LineKind,
    /// The last token before the line's end (comments aside) is a `:` that opens a
    /// block (not `:=`).
    pub colon_last: bool,
    /// Its tokens: indexes into the token list, `Indent`/`Dedent` before it and its
    /// `Newline` excluded.
    pub tokens: std::ops::Range<u32>,
    /// One of its tokens (or the indentation before it) is an [`Tok::Error`].
    pub error: bool,
}

/// The logical lines of `text`, from its `tokens` ([`tokenize`]).
pub fn logical_lines(text: &str, tokens: &[Token]) -> Vec<LogicalLine> {
    let b = text.as_bytes();
    let mut lines = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // Skip what is no logical line: blank and comment-only lines, indentation tokens.
        let mut error = false;
        while let Some(t) = tokens.get(i) {
            match t.kind {
                Tok::Nl | Tok::Comment | Tok::Indent | Tok::Dedent => i += 1,
                Tok::Error if t.start == t.end || is_indentation(b, t) => {
                    error = true;
                    i += 1;
                }
                _ => break,
            }
        }
        let Some(first) = tokens.get(i) else {
            break;
        };
        if first.kind == Tok::EndMarker {
            break;
        }
        let first_index = i;
        let mut last_code: Option<&Token> = None;
        let mut end = b.len() as u32;
        while let Some(t) = tokens.get(i) {
            match t.kind {
                Tok::Newline => {
                    end = t.start;
                    break;
                }
                Tok::EndMarker => break,
                Tok::Comment | Tok::Nl => {}
                Tok::Error => {
                    error = true;
                    last_code = Some(t);
                }
                _ => last_code = Some(t),
            }
            i += 1;
        }
        let token_end = i;
        if tokens.get(i).is_some_and(|t| t.kind == Tok::Newline) {
            i += 1;
        }
        let line_start = b[..first.start as usize]
            .iter()
            .rposition(|&c| c == b'\n' || c == b'\r')
            .map_or(0, |k| k + 1);
        let (indent, alt_indent) = columns(&b[line_start..first.start as usize]);
        let colon_last = last_code.is_some_and(|t| t.kind == Tok::Op && &b[t.range()] == b":");
        lines.push(LogicalLine {
            line_start: line_start as u32,
            start: first.start,
            end,
            indent,
            alt_indent,
            kind: line_kind(b, &tokens[first_index..token_end]),
            colon_last,
            tokens: first_index as u32..token_end as u32,
            error,
        });
    }
    lines
}

/// Is `t` (an error token) the indentation of a line, not text on it?
fn is_indentation(b: &[u8], t: &Token) -> bool {
    b[t.range()]
        .iter()
        .all(|&c| matches!(c, b' ' | b'\t' | b'\x0c'))
}

/// The indentation's column (tabs to multiples of 8, a form feed resets) and its width
/// with a tab as 1; `ws` may hold a continuation's text, only its last line counts.
fn columns(ws: &[u8]) -> (u32, u32) {
    let (mut col, mut alt) = (0u32, 0u32);
    for &c in ws {
        match c {
            b'\t' => (col, alt) = ((col / 8 + 1) * 8, alt + 1),
            b'\x0c' => (col, alt) = (0, 0),
            _ => (col, alt) = (col + 1, alt + 1),
        }
    }
    (col, alt)
}

fn line_kind(b: &[u8], tokens: &[Token]) -> LineKind {
    let word = |k: usize| tokens.get(k).map_or(&b""[..], |t| &b[t.range()]);
    match word(0) {
        b"@" => LineKind::Decorator,
        b"import" => LineKind::Import,
        b"from" => LineKind::From,
        b"def" => LineKind::Def,
        b"class" => LineKind::Class,
        b"async" if word(1) == b"def" => LineKind::Def,
        b"try" => LineKind::Try,
        b"except" => LineKind::Except,
        b"if" => LineKind::If,
        b"global" => LineKind::Global,
        _ => LineKind::Other,
    }
}

/// What encloses a logical line: the block stack, summed up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Number of enclosing `def`s and `class`es.
    pub scope_depth: u32,
    /// The innermost enclosing `def` or `class` is a `def`.
    pub in_function: bool,
    /// The innermost enclosing `def` or `class` is a `class`.
    pub in_class: bool,
    /// Inside the body of a `try:` one of whose handlers catches `ImportError` or
    /// `ModuleNotFoundError`.
    pub guarded: bool,
    /// Inside `if TYPE_CHECKING:` (or `if typing.TYPE_CHECKING:`).
    pub type_checking: bool,
}

/// The context of each of `lines` (same order), from an explicit block stack: a line
/// ending in `:` opens a block that the next less-indented line closes.
pub fn contexts(text: &str, tokens: &[Token], lines: &[LogicalLine]) -> Vec<Context> {
    #[derive(Clone, Copy)]
    struct Open {
        indent: u32,
        ctx: Context,
    }
    let b = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        while stack.last().is_some_and(|o| o.indent >= line.indent) {
            stack.pop();
        }
        let ctx = stack.last().map_or(Context::default(), |o| o.ctx);
        out.push(ctx);
        if !line.colon_last {
            continue;
        }
        let mut inner = ctx;
        match line.kind {
            LineKind::Def | LineKind::Class => {
                inner.scope_depth += 1;
                inner.in_function = line.kind == LineKind::Def;
                inner.in_class = line.kind == LineKind::Class;
            }
            LineKind::Try => inner.guarded |= catches_import_error(b, tokens, lines, n),
            LineKind::If => {
                let words: Vec<&[u8]> = tokens
                    [line.tokens.start as usize..line.tokens.end as usize]
                    .iter()
                    .map(|t| &b[t.range()])
                    .collect();
                inner.type_checking |= matches!(
                    words[..],
                    [b"if", b"TYPE_CHECKING", b":"]
                        | [b"if", b"typing", b".", b"TYPE_CHECKING", b":"]
                );
            }
            _ => {}
        }
        stack.push(Open {
            indent: line.indent,
            ctx: inner,
        });
    }
    out
}

/// Does the `try:` at `lines[n]` have a handler (a later `except` at its indentation,
/// before its statement ends) that names `ImportError` or `ModuleNotFoundError`?
fn catches_import_error(b: &[u8], tokens: &[Token], lines: &[LogicalLine], n: usize) -> bool {
    let indent = lines[n].indent;
    for line in &lines[n + 1..] {
        if line.indent > indent {
            continue;
        }
        if line.indent < indent || line.kind != LineKind::Except {
            return false;
        }
        let names = tokens[line.tokens.start as usize..line.tokens.end as usize].iter();
        if names
            .filter(|t| t.kind == Tok::Name)
            .any(|t| matches!(&b[t.range()], b"ImportError" | b"ModuleNotFoundError"))
        {
            return true;
        }
    }
    false
}

/// The comments of `text` with their `# noqa` directives, parsed once.
pub fn comments(text: &str, tokens: &[Token]) -> Vec<crate::python::Comment> {
    tokens
        .iter()
        .filter(|t| t.kind == Tok::Comment)
        .map(|t| crate::python::Comment {
            range: t.range(),
            noqa: crate::python::NoqaDirective::parse(&text[t.range()]),
        })
        .collect()
}

/// The string literals of `text` (whole `String` tokens, not f-strings), each with
/// whether it is a docstring-like statement: a logical line that is nothing but the
/// string, first in its module or block.
pub fn strings(tokens: &[Token], lines: &[LogicalLine]) -> Vec<(Token, bool)> {
    let mut out = Vec::new();
    let mut prev: Option<&LogicalLine> = None;
    for line in lines {
        let toks = &tokens[line.tokens.start as usize..line.tokens.end as usize];
        let code: Vec<&Token> = toks
            .iter()
            .filter(|t| !matches!(t.kind, Tok::Comment | Tok::Nl))
            .collect();
        let first_in_block = prev.is_none_or(|p| p.colon_last && p.indent < line.indent);
        let doc = first_in_block && code.len() == 1 && code[0].kind == Tok::String;
        out.extend(
            toks.iter()
                .filter(|t| t.kind == Tok::String)
                .map(|&t| (t, doc)),
        );
        prev = Some(line);
    }
    out
}

fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// Is `word` a string prefix CPython accepts? `Some((formatted, raw))` if so: at most
/// one of b/u/f/t, `r` with any but `u`, each once (CPython's `saw_*` flags).
fn string_prefix(word: &[u8]) -> Option<(bool, bool)> {
    let (mut b, mut u, mut r, mut f) = (false, false, false, false);
    for &c in word {
        match c.to_ascii_lowercase() {
            b'b' if !(b || u || f) => b = true,
            b'u' if !(b || u || r || f) => u = true,
            b'r' if !(r || u) => r = true,
            b'f' | b't' if !(f || b || u) => f = true,
            _ => return None,
        }
    }
    Some((f, r))
}

/// End of a number literal starting at `start` (a digit, or `.` before a digit).
fn number_end(b: &[u8], start: usize) -> usize {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = start;
    if at(i) == b'0' && matches!(at(i + 1), b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
        i += 2;
        while at(i).is_ascii_hexdigit() || at(i) == b'_' {
            i += 1;
        }
        return i;
    }
    let digits = |mut i: usize| {
        while at(i).is_ascii_digit() || (at(i) == b'_' && at(i + 1).is_ascii_digit()) {
            i += 1;
        }
        i
    };
    i = digits(i);
    if at(i) == b'.' {
        i = digits(i + 1);
    }
    if matches!(at(i), b'e' | b'E') {
        let sign = matches!(at(i + 1), b'+' | b'-') as usize;
        if at(i + 1 + sign).is_ascii_digit() {
            i = digits(i + 1 + sign);
        }
    }
    if matches!(at(i), b'j' | b'J') {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kind text` per token, zero-width ones without text.
    fn toks(text: &str) -> Vec<String> {
        tokenize(text)
            .iter()
            .map(|t| format!("{:?} {:?}", t.kind, &text[t.range()]))
            .collect()
    }

    #[test]
    fn simple_module() {
        assert_eq!(
            toks("import os\nif x:\n    y = 1  # c\n"),
            [
                "Name \"import\"",
                "Name \"os\"",
                "Newline \"\\n\"",
                "Name \"if\"",
                "Name \"x\"",
                "Op \":\"",
                "Newline \"\\n\"",
                "Indent \"\"",
                "Name \"y\"",
                "Op \"=\"",
                "Number \"1\"",
                "Comment \"# c\"",
                "Newline \"\\n\"",
                "Dedent \"\"",
                "EndMarker \"\"",
            ]
        );
    }

    #[test]
    fn fstrings_nest() {
        assert_eq!(
            toks("f'a{x!r:>{w}}b{{c}}' rb\"\\\"\""),
            [
                "FStringStart \"f'\"",
                "FStringMiddle \"a\"",
                "Op \"{\"",
                "Name \"x\"",
                "Op \"!\"",
                "Name \"r\"",
                "Op \":\"",
                "FStringMiddle \">\"",
                "Op \"{\"",
                "Name \"w\"",
                "Op \"}\"",
                "Op \"}\"",
                "FStringMiddle \"b{{c}}\"",
                "FStringEnd \"'\"",
                "String \"rb\\\"\\\\\\\"\\\"\"",
                "Newline \"\"",
                "EndMarker \"\"",
            ]
        );
    }

    #[test]
    fn errors_are_tokens() {
        let kinds = |t: &str| tokenize(t).iter().map(|t| t.kind).collect::<Vec<_>>();
        assert!(kinds("x = 'abc\ny = 2\n").contains(&Tok::Error));
        assert!(kinds("x = (1,\n").contains(&Tok::Error));
        assert!(kinds("if x:\n        a\n    b\n").contains(&Tok::Error));
        assert!(kinds("a $ b").contains(&Tok::Error));
        assert!(kinds("x = '''abc").contains(&Tok::Error));
        assert!(kinds("x = f'{a").contains(&Tok::Error));
        assert!(!kinds("x = (1,\n 2)\n").contains(&Tok::Error));
        // Prefixes CPython does not take are a name then a string.
        assert_eq!(toks("ur'x'")[..2], ["Name \"ur\"", "String \"'x'\""]);
    }

    #[test]
    fn line_ends_continuations_tabs() {
        assert_eq!(
            toks("a = \\\r\n  1\rif b:\r\n\tc\r\n        d\n"),
            [
                "Name \"a\"",
                "Op \"=\"",
                "Number \"1\"",
                "Newline \"\\r\"",
                "Name \"if\"",
                "Name \"b\"",
                "Op \":\"",
                "Newline \"\\r\\n\"",
                "Indent \"\"",
                "Name \"c\"",
                "Newline \"\\r\\n\"",
                "Error \"        \"",
                "Name \"d\"",
                "Newline \"\\n\"",
                "Dedent \"\"",
                "EndMarker \"\"",
            ]
        );
    }

    #[test]
    fn logical_lines_kinds_and_contexts() {
        let text = "import a\n# c\n\ntry:\n    from b import (c,\n        d)\nexcept (ImportError, OSError):\n    pass\nif TYPE_CHECKING:\n    import e\n@dec\nclass C:\n    '''doc'''\n    async def f(self):\n        global g; x = 's'\n";
        let tokens = tokenize(text);
        let lines = logical_lines(text, &tokens);
        let summary: Vec<(LineKind, u32, bool, &str)> = lines
            .iter()
            .map(|l| {
                let first = &text[l.start as usize..l.end as usize];
                (
                    l.kind,
                    l.indent,
                    l.colon_last,
                    first.split('\n').next().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (LineKind::Import, 0, false, "import a"),
                (LineKind::Try, 0, true, "try:"),
                (LineKind::From, 4, false, "from b import (c,"),
                (LineKind::Except, 0, true, "except (ImportError, OSError):"),
                (LineKind::Other, 4, false, "pass"),
                (LineKind::If, 0, true, "if TYPE_CHECKING:"),
                (LineKind::Import, 4, false, "import e"),
                (LineKind::Decorator, 0, false, "@dec"),
                (LineKind::Class, 0, true, "class C:"),
                (LineKind::Other, 4, false, "'''doc'''"),
                (LineKind::Def, 4, true, "async def f(self):"),
                (LineKind::Global, 8, false, "global g; x = 's'"),
            ]
        );
        let ctx = contexts(text, &tokens, &lines);
        assert!(ctx[2].guarded && !ctx[4].guarded && !ctx[2].type_checking);
        assert!(ctx[6].type_checking && !ctx[6].guarded);
        assert!(ctx[9].in_class && ctx[9].scope_depth == 1);
        assert!(ctx[11].in_function && ctx[11].scope_depth == 2);
        assert_eq!(ctx[0], Context::default());
        let docs: Vec<(&str, bool)> = strings(&tokens, &lines)
            .iter()
            .map(|(t, doc)| (&text[t.range()], *doc))
            .collect();
        assert_eq!(docs, [("'''doc'''", true), ("'s'", false)]);
        let text = "x  # noqa: SSOT001\n# c\n";
        let noqa = comments(text, &tokenize(text));
        assert_eq!(noqa.len(), 2);
        assert!(noqa[0].noqa.is_some() && noqa[1].noqa.is_none());
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let text = "f'{".repeat(50_000) + &"}'".repeat(50_000);
        let tokens = tokenize(&text);
        assert_eq!(tokens.last().map(|t| t.kind), Some(Tok::EndMarker));
        let text = "(".repeat(100_000);
        assert_eq!(tokenize(&text).len(), 100_003);
    }
}
