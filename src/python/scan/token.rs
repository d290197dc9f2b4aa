//! The token type every user of the scanner shares, apart from the lexer that makes it.

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

/// One token: its kind and byte range in the text, and what the syntax recognizer asks of
/// nearly every token, decided once here (in the padding: a token stays 12 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    /// For a `Name`, a plain identifier, a keyword's id or a name with an unusual
    /// character (`words::classify`); for a `String` holding a backslash,
    /// `words::ESCAPED`; `words::OTHER` otherwise.
    pub word: u8,
    /// For an `Op` of one or two bytes, its text packed (`words::short`); 0 otherwise.
    pub short: u16,
    pub start: u32,
    pub end: u32,
}

impl Token {
    /// The token's byte range, for slicing the text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}
