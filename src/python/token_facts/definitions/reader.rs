//! The reader's state and its basic steps: the kept text joined and lexed, tokens
//! taken one at a time, names, dotted names and placeholder statements.

use crate::python::model::{AttributeRef, Facts, Span};
use crate::python::modules::ModuleName;
use crate::python::scan::{Tok, Token};

/// The kept ranges of a chunk joined into one text, and where each piece came from.
pub(super) struct Kept {
    pub(super) text: String,
    /// (start in `text`, start in the chunk, length) per range.
    pieces: Vec<(usize, usize, usize)>,
}

impl Kept {
    /// The ranges' text joined; `None` when a range is not inside the text. Definition
    /// chunks are short: a longer one (a kept body) is not read here.
    pub(super) fn join(text: &str, ranges: &[tree_sitter::Range]) -> Option<Kept> {
        let mut joined = String::new();
        let mut pieces = Vec::with_capacity(ranges.len());
        for r in ranges {
            let piece = text.get(r.start_byte..r.end_byte)?;
            pieces.push((joined.len(), r.start_byte, piece.len()));
            joined.push_str(piece);
            if joined.len() > MAX_KEPT {
                return None;
            }
        }
        Some(Kept {
            text: joined,
            pieces,
        })
    }

    /// Where a span of the chunk is in the joined text (the inverse of [`Self::span`]).
    fn joined(&self, span: Span) -> Option<std::ops::Range<usize>> {
        let &(at, from, _) = self
            .pieces
            .iter()
            .find(|&&(_, from, len)| from <= span.start() && span.end() <= from + len)?;
        Some(at + span.start() - from..at + span.end() - from)
    }

    /// The chunk's span of `start..end` of the joined text, when it lies in one piece.
    pub(super) fn span(&self, start: usize, end: usize) -> Option<Span> {
        let &(at, from, len) = self
            .pieces
            .iter()
            .rev()
            .find(|&&(at, _, len)| at <= start && start < at + len)?;
        (end <= at + len).then(|| Span::new(from + start - at..from + end - at))
    }
}

/// Kept texts longer than this are left to tree-sitter (a reader gives up on most huge
/// chunks somewhere, after lexing them all).
const MAX_KEPT: usize = 1 << 16;

pub(super) struct Reader<'a> {
    pub(super) text: &'a str,
    pub(super) kept: &'a Kept,
    /// The kept text's tokens without `Nl`.
    pub(super) tokens: &'a [Token],
    pub(super) at: usize,
    /// The comments the scanner found (left out of `tokens`), in the joined text.
    pub(super) comments: Vec<(usize, usize)>,
    /// The module the chunk is in: relative imports resolve against it.
    pub(super) module: Option<&'a ModuleName>,
    pub(super) facts: Facts,
}

/// A dotted name read: its span in the chunk and the `AttributeRef` of its first two
/// names (tree-sitter's innermost `attribute`, the only one whose object is a name).
pub(super) struct Dotted {
    pub(super) span: Span,
    pub(super) attribute: Option<AttributeRef>,
    /// All but the last name, when there are two or more (`a.b` of `a.b.c`).
    pub(super) object: Option<Span>,
    /// The last name.
    pub(super) last: Span,
}

impl Reader<'_> {
    pub(super) fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    pub(super) fn word(&self, t: &Token) -> &str {
        self.text.get(t.range()).unwrap_or("")
    }

    /// The next token when it is `kind` with text `word` (any text for `None`).
    pub(super) fn eat(&mut self, kind: Tok, word: Option<&str>) -> Option<Token> {
        let t = *self.peek()?;
        if t.kind != kind || word.is_some_and(|w| self.word(&t) != w) {
            return None;
        }
        self.at += 1;
        Some(t)
    }

    /// The text of a span of the chunk that lies in one piece.
    pub(super) fn text_of(&self, span: Span) -> &str {
        self.kept
            .joined(span)
            .and_then(|r| self.text.get(r))
            .unwrap_or("")
    }

    pub(super) fn op(&mut self, op: &str) -> Option<Token> {
        self.eat(Tok::Op, Some(op))
    }

    pub(super) fn span(&self, start: &Token, end: &Token) -> Option<Span> {
        self.kept.span(start.start as usize, end.end as usize)
    }

    /// A plain name: ASCII (the scanner takes any non-ASCII byte as a name's, tree-sitter
    /// does not), not a keyword.
    pub(super) fn name(&mut self) -> Option<Token> {
        let t = *self.peek()?;
        let word = self.word(&t);
        let plain = t.kind == Tok::Name
            && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !crate::python::token_facts::imports::RESERVED.contains(&word);
        plain.then(|| {
            self.at += 1;
            t
        })
    }

    /// `a`, `a.b.c`.
    pub(super) fn dotted(&mut self) -> Option<Dotted> {
        let first = self.name()?;
        let mut last = first;
        let mut attribute = None;
        let mut object = None;
        while self.peek().is_some_and(|t| self.word(t) == ".") {
            self.at += 1;
            object = Some(self.span(&first, &last)?);
            let next = self.name()?;
            if attribute.is_none() {
                attribute = Some(AttributeRef {
                    object: self.span(&first, &first)?,
                    attribute: self.span(&next, &next)?,
                });
            }
            last = next;
        }
        Some(Dotted {
            span: self.span(&first, &last)?,
            attribute,
            object,
            last: self.span(&last, &last)?,
        })
    }

    pub(super) fn push_attribute(&mut self, dotted: &Dotted) {
        if let Some(a) = &dotted.attribute {
            self.facts.attributes.push(a.clone());
        }
    }

    /// `...`, `pass` or one plain string (a docstring) and the line's end.
    pub(super) fn placeholder(&mut self) -> Option<Span> {
        let t = *self.peek()?;
        let word = self.word(&t);
        let placeholder = matches!((t.kind, word), (Tok::Op, "...") | (Tok::Name, "pass"))
            || (t.kind == Tok::String && plain_string(word));
        if !placeholder {
            return None;
        }
        self.at += 1;
        let span = self.span(&t, &t)?;
        self.line_end(span)
    }

    /// The end of the line of a statement that spans `statement`: its span, or to the end
    /// of a comment after it on its line (tree-sitter's block, and so its definition,
    /// ends there when the statement is its last).
    pub(super) fn line_end(&mut self, statement: Span) -> Option<Span> {
        let last = self.tokens.get(self.at.checked_sub(1)?)?.end as usize;
        let newline = self.eat(Tok::Newline, None)?;
        let comment = self
            .comments
            .iter()
            .find(|&&(start, _)| last <= start && start <= newline.start as usize);
        match comment {
            Some(&(start, end)) => Some(Span::new(
                statement.start()..self.kept.span(start, end)?.end(),
            )),
            None => Some(statement),
        }
    }
}

/// A string token tree-sitter takes as one `string` without interpolation: no `f`/`t`
/// prefix (bytes and raw strings are fine: a bare string statement is no fact).
pub(super) fn plain_string(token: &str) -> bool {
    !token
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic())
        .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
}
