//! The tokenizer itself: a byte-at-a-time state machine with an explicit stack for
//! brackets and f-strings, so it never recurses.

use super::token::{Tok, Token};
use super::words::{classify, ESCAPED, OTHER};

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
            word: OTHER,
            short: 0,
            start: start as u32,
            end: end as u32,
        });
    }

    /// An operator of `len` bytes at `start`, its text packed when it is one or two bytes.
    fn emit_op(&mut self, start: usize, len: usize) {
        let short = match len {
            1 => u16::from(self.peek(start)),
            2 => u16::from(self.peek(start)) | u16::from(self.peek(start + 1)) << 8,
            _ => 0,
        };
        self.out.push(Token {
            kind: Tok::Op,
            word: OTHER,
            short,
            start: start as u32,
            end: (start + len) as u32,
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
        // Indentation is mostly spaces: skip them eight at a time.
        while self.b.get(self.pos..self.pos + 8) == Some(b"        ") {
            col += 8;
            alt += 8;
            self.pos += 8;
        }
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
            let end = ident_end(b, start + 1);
            let q = self.peek(end);
            if (q == b'"' || q == b'\'') && end - start <= 2 {
                if let Some((formatted, raw)) = string_prefix(&b[start..end]) {
                    self.string(start, end, formatted, raw);
                    return true;
                }
            }
            self.out.push(Token {
                kind: Tok::Name,
                word: classify(b, start, end),
                short: 0,
                start: start as u32,
                end: end as u32,
            });
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
                if kind == Tok::Op {
                    self.emit_op(start, 1);
                } else {
                    self.emit(kind, start, start + 1);
                }
                self.pos = start + 1;
                return;
            }
            b':' if self.stack.last() == Some(&Frame::Field) => {
                self.emit_op(start, 1);
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
        self.emit_op(start, len);
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
        let mut escaped = false;
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
                            escaped = true;
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
                    escaped = true;
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
        self.out.push(Token {
            kind: Tok::String,
            word: if escaped { ESCAPED } else { OTHER },
            short: 0,
            start: start as u32,
            end: end as u32,
        });
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
                    self.emit_op(i, 1);
                    self.pos = i + 1;
                    self.stack.push(Frame::Field);
                    return;
                }
                b'}' => {
                    if in_spec {
                        self.middle(start, i);
                        self.emit_op(i, 1);
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

/// The end of the run of identifier bytes ([`IDENT`]) from `at`. Names are most of the
/// tokens: eight bytes are tested at once ([`non_ident_mask`]) while eight remain.
fn ident_end(b: &[u8], mut at: usize) -> usize {
    while let Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) = b.get(at..at + 8) {
        let non = non_ident_mask(u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]));
        if non != 0 {
            return at + (non.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while b.get(at).is_some_and(|&c| is_ident(c)) {
        at += 1;
    }
    at
}

/// The high bit of each byte of `w` (little-endian) that is no identifier byte: not an
/// ASCII letter, digit or `_`, and below 0x80. Per byte, on its low seven bits `x`: `x +
/// (0x80 - lo)` has its high bit set when `x >= lo`, `x + (0x7f - hi)` when `x > hi`,
/// and no sum carries into the next byte.
fn non_ident_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x80 * ONES;
    let x = w & !HIGH;
    let at_least = |x: u64, lo: u64| x + (0x80 - lo) * ONES;
    let above = |x: u64, hi: u64| x + (0x7f - hi) * ONES;
    let digit = at_least(x, b'0' as u64) & !above(x, b'9' as u64);
    let lower = x | (0x20 * ONES);
    let letter = at_least(lower, b'a' as u64) & !above(lower, b'z' as u64);
    let underscore = !((x ^ (b'_' as u64 * ONES)) + 0x7f * ONES);
    let ident = w | digit | letter | underscore;
    !ident & HIGH
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
    use super::{ident_end, is_ident};

    /// [`ident_end`] (eight bytes at a time) ends where the byte table says, for every
    /// byte value at every offset of the eight-byte blocks and in the tail.
    #[test]
    fn ident_end_matches_the_table() {
        for c in 0..=255u8 {
            for k in 0..20 {
                let mut text = vec![b'a'; k];
                text.push(c);
                text.extend_from_slice(b"bc9_\xc3");
                for len in 0..=text.len() {
                    let b = &text[..len];
                    let expected = b.iter().position(|&x| !is_ident(x)).unwrap_or(len);
                    assert_eq!(
                        ident_end(b, 0),
                        expected,
                        "byte {c:#x} after {k}, len {len}"
                    );
                }
            }
        }
    }
}
