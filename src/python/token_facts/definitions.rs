//! Facts of a chunk that is one definition whose body says nothing: `def`, `async def`
//! or `class`, with plain decorators, a plain header and a body of `...`, `pass` and
//! bare strings (the reducer's placeholder for a blanked body; stubs, exception classes).
//! At module level of the stdlib and the corpus these are a third of the parsed chunks.
//!
//! The kept ranges are joined (tree-sitter reads them as one text too) and lexed with
//! the scanner; the tokens must match the shapes below exactly, or the chunk is left to
//! tree-sitter (`None`). What such a definition contributes, as `Facts::extract` finds it
//! (`facts.rs`, `defs.rs`): its `FunctionFact` or `ClassFact` (name, range without the
//! decorators, ending at the body's last token), its decorators (a `Decorator` each: of
//! a function, an item it owns; a call's `CallFact`), the class's bases and keywords,
//! and an `AttributeRef` for each `a.b` whose two sides are names.

use crate::python::model::{
    AttributeRef, CallFact, ClassFact, Decorator, DefFacts, Facts, FunctionFact, Keyword, Owned,
    Parameters, Scope, Span,
};
use crate::python::scan::{tokenize, Tok, Token};

/// The facts of `text` restricted to `ranges` when they hold one definition of the
/// shapes read here; `None` otherwise.
pub(super) fn facts(text: &str, ranges: &[tree_sitter::Range]) -> Option<Facts> {
    // Most chunks are something else: a look at the first kept byte turns them away.
    let first = ranges.first()?;
    let lead = text.get(first.start_byte..first.end_byte)?.trim_start();
    if !matches!(lead.bytes().next(), Some(b'@' | b'd' | b'a' | b'c') | None) {
        return None;
    }
    let kept = Kept::join(text, ranges)?;
    let tokens: Vec<Token> = tokenize(&kept.text)
        .into_iter()
        .filter(|t| !matches!(t.kind, Tok::Nl))
        .collect();
    let mut reader = Reader {
        text: &kept.text,
        kept: &kept,
        tokens: &tokens,
        at: 0,
        facts: Facts::default(),
    };
    reader.definition()?;
    Some(reader.facts)
}

/// The kept ranges of a chunk joined into one text, and where each piece came from.
struct Kept {
    text: String,
    /// (start in `text`, start in the chunk, length) per range.
    pieces: Vec<(usize, usize, usize)>,
}

impl Kept {
    /// The ranges' text joined; `None` when a range is not inside the text. Definition
    /// chunks are short: a longer one (a kept body) is not read here.
    fn join(text: &str, ranges: &[tree_sitter::Range]) -> Option<Kept> {
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

    /// The chunk's span of `start..end` of the joined text, when it lies in one piece.
    fn span(&self, start: usize, end: usize) -> Option<Span> {
        let &(at, from, len) = self
            .pieces
            .iter()
            .rev()
            .find(|&&(at, _, len)| at <= start && start < at + len)?;
        (end <= at + len).then(|| Span::new(from + start - at..from + end - at))
    }
}

/// Kept texts longer than this hold more than a definition with a placeholder body.
const MAX_KEPT: usize = 4096;

/// Words tree-sitter's grammar does not take as a plain name everywhere (keywords, and
/// Python 2's `print`/`exec` statements): such a name is left to tree-sitter.
const RESERVED: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "case", "class",
    "continue", "def", "del", "elif", "else", "except", "exec", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "match", "nonlocal", "not", "or", "pass", "print",
    "raise", "return", "try", "type", "while", "with", "yield",
];

struct Reader<'a> {
    text: &'a str,
    kept: &'a Kept,
    /// The kept text's tokens without `Nl`.
    tokens: &'a [Token],
    at: usize,
    facts: Facts,
}

/// A dotted name read: its span in the chunk and the `AttributeRef` of its first two
/// names (tree-sitter's innermost `attribute`, the only one whose object is a name).
struct Dotted {
    span: Span,
    attribute: Option<AttributeRef>,
}

impl Reader<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn word(&self, t: &Token) -> &str {
        self.text.get(t.range()).unwrap_or("")
    }

    /// The next token when it is `kind` with text `word` (any text for `None`).
    fn eat(&mut self, kind: Tok, word: Option<&str>) -> Option<Token> {
        let t = *self.peek()?;
        if t.kind != kind || word.is_some_and(|w| self.word(&t) != w) {
            return None;
        }
        self.at += 1;
        Some(t)
    }

    fn op(&mut self, op: &str) -> Option<Token> {
        self.eat(Tok::Op, Some(op))
    }

    fn span(&self, start: &Token, end: &Token) -> Option<Span> {
        self.kept.span(start.start as usize, end.end as usize)
    }

    /// A plain name: ASCII (the scanner takes any non-ASCII byte as a name's, tree-sitter
    /// does not), not a keyword.
    fn name(&mut self) -> Option<Token> {
        let t = *self.peek()?;
        let word = self.word(&t);
        let plain = t.kind == Tok::Name
            && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !RESERVED.contains(&word);
        plain.then(|| {
            self.at += 1;
            t
        })
    }

    /// `a`, `a.b.c`.
    fn dotted(&mut self) -> Option<Dotted> {
        let first = self.name()?;
        let mut last = first;
        let mut attribute = None;
        while self.peek().is_some_and(|t| self.word(t) == ".") {
            self.at += 1;
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
        })
    }

    fn push_attribute(&mut self, dotted: &Dotted) {
        if let Some(a) = &dotted.attribute {
            self.facts.attributes.push(a.clone());
        }
    }

    /// Decorators, then the definition; nothing after it.
    fn definition(&mut self) -> Option<()> {
        let mut decorators = Vec::new();
        while self.op("@").is_some() {
            decorators.push(self.decorator()?);
            self.eat(Tok::Newline, None)?;
        }
        let first = *self.peek()?;
        match self.word(&first) {
            "class" => self.class(first, decorators)?,
            "def" | "async" => self.function(first, decorators)?,
            _ => return None,
        }
        self.eat(Tok::EndMarker, None)?;
        (self.at == self.tokens.len()).then_some(())
    }

    /// `@a.b` or `@a.b()`: a dotted name, called without arguments or not at all.
    fn decorator(&mut self) -> Option<Decorator> {
        let dotted = self.dotted()?;
        self.push_attribute(&dotted);
        if self.op("(").is_none() {
            return Some(Decorator {
                name: Some(dotted.span),
                called: false,
                range: dotted.span,
            });
        }
        let close = self.op(")")?;
        let range = Span::new(dotted.span.start()..self.span(&close, &close)?.end());
        self.facts.defs.calls.push(CallFact {
            range,
            callee: Some(dotted.span),
        });
        Some(Decorator {
            name: Some(dotted.span),
            called: true,
            range,
        })
    }

    /// `class Name:`, `class Name(Base, key=value, ...):` and a placeholder body.
    fn class(&mut self, first: Token, decorators: Vec<Decorator>) -> Option<()> {
        self.at += 1;
        let name = self.name()?;
        let (mut bases, mut keywords) = (Vec::new(), Vec::new());
        if self.op("(").is_some() {
            while self.op(")").is_none() {
                if self
                    .tokens
                    .get(self.at + 1)
                    .is_some_and(|n| self.word(n) == "=")
                {
                    let key = self.name()?;
                    self.at += 1;
                    let value = self.dotted()?;
                    self.push_attribute(&value);
                    keywords.push(Keyword {
                        name: self.span(&key, &key)?,
                        value: value.span,
                    });
                } else {
                    let base = self.dotted()?;
                    self.push_attribute(&base);
                    bases.push(base.span);
                }
                if self.op(",").is_none() {
                    self.op(")")?;
                    break;
                }
            }
        }
        let end = self.body()?;
        self.facts.defs.classes.push(ClassFact {
            name: self.span(&name, &name)?,
            range: Span::new(self.span(&first, &first)?.start()..end.end()),
            scope: Scope::Module,
            bases,
            keywords,
            decorators,
            attributes: Vec::new(),
            methods: Vec::new(),
        });
        Some(())
    }

    /// `def name(params):`, `async def …` and a placeholder body.
    fn function(&mut self, first: Token, decorators: Vec<Decorator>) -> Option<()> {
        if self.word(&first) == "async" {
            self.at += 1;
        }
        self.eat(Tok::Name, Some("def"))?;
        let name = self.name()?;
        self.op("(")?;
        let parameters = self.parameters()?;
        let end = self.body()?;
        let name = self.span(&name, &name)?;
        let range = Span::new(self.span(&first, &first)?.start()..end.end());
        let defs: &mut DefFacts = &mut self.facts.defs;
        let index = defs.functions.len();
        defs.functions.push(FunctionFact {
            name,
            range,
            scope: Scope::Module,
            class: None,
            parameters,
            extents: Default::default(),
        });
        if !decorators.is_empty() {
            let owner = u32::try_from(index).ok()?;
            let owned = decorators.into_iter().map(|item| Owned {
                function: owner,
                item,
            });
            defs.items_mut().decorators.extend(owned);
            defs.cover_items(&Default::default());
        }
        Some(())
    }

    /// Plain parameters up to the `)`: names, `*args`, `**kwargs`, a bare `*` and `/`
    /// (which tree-sitter does not count), commas. A default or annotation is not read.
    fn parameters(&mut self) -> Option<Parameters> {
        let mut parameters = Parameters::default();
        loop {
            if self.op(")").is_some() {
                return Some(parameters);
            }
            let star = self.op("*").is_some() || self.op("**").is_some();
            let separator = !star && self.op("/").is_some();
            let bare_star = star && self.peek().is_some_and(|t| t.kind != Tok::Name);
            if !separator && !bare_star {
                let name = self.name()?;
                parameters.first = parameters.first.or(Some(self.span(&name, &name)?));
                parameters.count = parameters.count.saturating_add(1);
                parameters.star |= star;
            }
            if self.op(",").is_none() {
                self.op(")")?;
                return Some(parameters);
            }
        }
    }

    /// `:` and a body of `...`, `pass` and single plain strings, on the header's line or
    /// as an indented block; the span of its last statement. A comment after the colon is
    /// left to tree-sitter (where it ends a block, tree-sitter may count it in).
    fn body(&mut self) -> Option<Span> {
        self.op(":")?;
        let block = self.eat(Tok::Newline, None).is_some();
        if block {
            self.eat(Tok::Indent, None)?;
        }
        loop {
            let t = *self.peek()?;
            let word = self.word(&t);
            let placeholder = matches!((t.kind, word), (Tok::Op, "...") | (Tok::Name, "pass"))
                || (t.kind == Tok::String && plain_string(word));
            if !placeholder {
                return None;
            }
            self.at += 1;
            let last = self.span(&t, &t)?;
            self.eat(Tok::Newline, None)?;
            if !block || self.eat(Tok::Dedent, None).is_some() {
                return Some(last);
            }
        }
    }
}

/// A string token tree-sitter takes as one `string` without interpolation: no `f`/`t`
/// prefix (bytes and raw strings are fine: a bare string statement is no fact).
fn plain_string(token: &str) -> bool {
    !token
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic())
        .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
}
