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
    AttributeRef, CallFact, ClassAttribute, ClassFact, Decorator, DefFacts, Facts, FunctionFact,
    Keyword, Owned, Parameters, Scope, Span,
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
    let mut tokens = tokenize(&kept.text);
    let mut comments = Vec::new();
    tokens.retain(|t| match t.kind {
        Tok::Nl => false,
        Tok::Comment => {
            comments.push(t.start as usize);
            false
        }
        _ => true,
    });
    let mut reader = Reader {
        text: &kept.text,
        kept: &kept,
        tokens: &tokens,
        at: 0,
        comments: Vec::new(),
        facts: Facts::default(),
    };
    // Comments in the chunk's offsets, to compare with spans.
    for c in comments {
        reader.comments.push(kept.span(c, c + 1)?.start());
    }
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
    /// Where the comments the scanner found start (left out of `tokens`).
    comments: Vec<usize>,
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
        let decorators = self.decorators()?;
        let first = *self.peek()?;
        let end = match self.word(&first) {
            "class" => self.class(first, decorators, Scope::Module)?,
            "def" | "async" => self.function(first, decorators, None)?,
            _ => return None,
        };
        self.eat(Tok::EndMarker, None)?;
        // A comment after the last statement may fall inside tree-sitter's block.
        if self.comments.iter().any(|&c| c >= end.end()) || self.at != self.tokens.len() {
            return None;
        }
        if self.facts.defs.items.is_some() {
            self.facts.defs.cover_items(&Default::default());
        }
        Some(())
    }

    /// `@a.b` or `@a.b()` lines, each a dotted name called without arguments or not at all.
    fn decorators(&mut self) -> Option<Vec<Decorator>> {
        let mut decorators = Vec::new();
        while self.op("@").is_some() {
            decorators.push(self.decorator()?);
            self.eat(Tok::Newline, None)?;
        }
        Some(decorators)
    }

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

    /// `class Name:`, `class Name(Base, key=value, ...):` and its body: at module level
    /// a block of members ([`Self::member`]), in a class a placeholder. Its range.
    fn class(&mut self, first: Token, decorators: Vec<Decorator>, scope: Scope) -> Option<Span> {
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
        // Pushed before its members, as the walk enters it.
        let index = self.facts.defs.classes.len();
        self.facts.defs.classes.push(ClassFact {
            name: self.span(&name, &name)?,
            range: Span::default(),
            scope,
            bases,
            keywords,
            decorators,
            attributes: Vec::new(),
            methods: Vec::new(),
        });
        let members = (scope == Scope::Module).then_some(index);
        let end = self.body(members)?;
        let range = Span::new(self.span(&first, &first)?.start()..end.end());
        self.facts.defs.classes[index].range = range;
        Some(range)
    }

    /// `def name(params):`, `async def …` and a placeholder body; `class`: the class it
    /// is a method of. Its range.
    fn function(
        &mut self,
        first: Token,
        decorators: Vec<Decorator>,
        class: Option<usize>,
    ) -> Option<Span> {
        if self.word(&first) == "async" {
            self.at += 1;
        }
        self.eat(Tok::Name, Some("def"))?;
        let name = self.name()?;
        self.op("(")?;
        let parameters = self.parameters()?;
        let end = self.body(None)?;
        let name = self.span(&name, &name)?;
        let range = Span::new(self.span(&first, &first)?.start()..end.end());
        let defs: &mut DefFacts = &mut self.facts.defs;
        let index = defs.functions.len();
        defs.functions.push(FunctionFact {
            name,
            range,
            scope: if class.is_some() {
                Scope::Class
            } else {
                Scope::Module
            },
            class,
            parameters,
            extents: Default::default(),
        });
        if let Some(c) = class {
            defs.classes.get_mut(c)?.methods.push(index);
        }
        if !decorators.is_empty() {
            let owner = u32::try_from(index).ok()?;
            let owned = decorators.into_iter().map(|item| Owned {
                function: owner,
                item,
            });
            defs.items_mut().decorators.extend(owned);
        }
        Some(range)
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

    /// `:` and a body on the header's line or as an indented block: placeholders, or,
    /// for the members of class `members`, what [`Self::member`] reads. The span of its
    /// last statement.
    fn body(&mut self, members: Option<usize>) -> Option<Span> {
        self.op(":")?;
        if self.eat(Tok::Newline, None).is_none() {
            return self.placeholder();
        }
        self.eat(Tok::Indent, None)?;
        loop {
            let last = match members {
                Some(class) => self.member(class)?,
                None => self.placeholder()?,
            };
            if self.eat(Tok::Dedent, None).is_some() {
                return Some(last);
            }
        }
    }

    /// `...`, `pass` or one plain string (a docstring) and the line's end.
    fn placeholder(&mut self) -> Option<Span> {
        let t = *self.peek()?;
        let word = self.word(&t);
        let placeholder = matches!((t.kind, word), (Tok::Op, "...") | (Tok::Name, "pass"))
            || (t.kind == Tok::String && plain_string(word));
        if !placeholder {
            return None;
        }
        self.at += 1;
        let span = self.span(&t, &t)?;
        self.eat(Tok::Newline, None)?;
        Some(span)
    }

    /// A statement of the body of class `class`: a placeholder, a method or a class with
    /// a placeholder body, or an attribute (`name = value`, `name: T`, `name: T = value`,
    /// of the values `values.rs` reads). The span of the statement.
    fn member(&mut self, class: usize) -> Option<Span> {
        let t = *self.peek()?;
        let word = self.word(&t);
        let definition = (t.kind == Tok::Op && word == "@")
            || (t.kind == Tok::Name && matches!(word, "def" | "async" | "class"));
        if definition {
            let decorators = self.decorators()?;
            let first = *self.peek()?;
            return match self.word(&first) {
                "class" => self.class(first, decorators, Scope::Class),
                "def" | "async" => self.function(first, decorators, Some(class)),
                _ => None,
            };
        }
        if t.kind != Tok::Name || word == "pass" {
            return self.placeholder();
        }
        let name = self.name()?;
        let name = self.span(&name, &name)?;
        let mut end = name;
        if self.op(":").is_some() {
            end = self.expression(0)?.span;
        }
        let mut attribute = ClassAttribute {
            name,
            value: None,
            call: None,
        };
        if self.op("=").is_some() {
            let value = self.expression_list()?;
            attribute.value = Some(value.span);
            attribute.call = value.call;
            end = value.span;
        } else if end == name {
            return None;
        }
        self.eat(Tok::Newline, None)?;
        self.facts
            .defs
            .classes
            .get_mut(class)?
            .attributes
            .push(attribute);
        Some(end)
    }
}

/// An expression read: its span and, when it is a call (inside parentheses or not), the
/// call (`defs::value_call`).
struct Value {
    span: Span,
    call: Option<CallFact>,
}

/// Brackets deeper than this are left to tree-sitter (the reader recurses on them).
const MAX_DEPTH: usize = 16;

/// Operators between two operands that make no fact.
const BINARY: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "@", "|", "&", "^", "<<", ">>", "<", ">", "<=", ">=",
    "==", "!=",
];

impl Reader<'_> {
    /// `a, b, ...` (a tuple without parentheses, trailing comma included) or one
    /// expression.
    fn expression_list(&mut self) -> Option<Value> {
        let first = self.expression(0)?;
        if self.peek().is_none_or(|t| self.word(t) != ",") {
            return Some(first);
        }
        let mut end = first.span;
        while let Some(comma) = self.op(",") {
            end = self.span(&comma, &comma)?;
            if self.peek().is_some_and(|t| t.kind == Tok::Newline) {
                break;
            }
            end = self.expression(0)?.span;
        }
        Some(Value {
            span: Span::new(first.span.start()..end.end()),
            call: None,
        })
    }

    /// Operands joined by binary, comparison and boolean operators.
    fn expression(&mut self, depth: usize) -> Option<Value> {
        let first = self.unary(depth)?;
        let mut value = first;
        loop {
            let Some(&t) = self.peek() else {
                return Some(value);
            };
            let word = self.word(&t);
            let operator = match t.kind {
                Tok::Op => BINARY.contains(&word),
                Tok::Name => matches!(word, "and" | "or" | "in" | "is" | "not"),
                _ => false,
            };
            if !operator {
                return Some(value);
            }
            let not = word == "not";
            self.at += 1;
            if not {
                self.eat(Tok::Name, Some("in"))?;
            }
            let next = self.unary(depth)?;
            value = Value {
                span: Span::new(value.span.start()..next.span.end()),
                call: None,
            };
        }
    }

    /// An operand after `-`, `+`, `~` and `not`.
    fn unary(&mut self, depth: usize) -> Option<Value> {
        let start = *self.peek()?;
        let mut prefixed = false;
        while let Some(&t) = self.peek() {
            let word = self.word(&t);
            let prefix = match t.kind {
                Tok::Op => matches!(word, "-" | "+" | "~"),
                Tok::Name => word == "not",
                _ => false,
            };
            if !prefix {
                break;
            }
            self.at += 1;
            prefixed = true;
        }
        let value = self.primary(depth)?;
        if !prefixed {
            return Some(value);
        }
        Some(Value {
            span: Span::new(self.span(&start, &start)?.start()..value.span.end()),
            call: None,
        })
    }

    /// A number, strings without a `.` (never a fact then), `...`, `None`, `True`,
    /// `False`, a dotted name, called without arguments or subscripted, a parenthesized
    /// expression, a tuple, list, dict or set display.
    fn primary(&mut self, depth: usize) -> Option<Value> {
        let t = *self.peek()?;
        let word = self.word(&t);
        let leaf = match t.kind {
            Tok::Number => true,
            Tok::Op => word == "...",
            Tok::Name => matches!(word, "None" | "True" | "False"),
            _ => false,
        };
        if leaf {
            self.at += 1;
            return Some(Value {
                span: self.span(&t, &t)?,
                call: None,
            });
        }
        if t.kind == Tok::String {
            let mut last = t;
            while let Some(&s) = self.peek().filter(|s| s.kind == Tok::String) {
                let literal = self.word(&s);
                if literal.contains('.') || !plain_string(literal) {
                    return None;
                }
                self.at += 1;
                last = s;
            }
            return Some(Value {
                span: self.span(&t, &last)?,
                call: None,
            });
        }
        if t.kind == Tok::Op {
            return self.display(t, depth + 1);
        }
        let dotted = self.dotted()?;
        self.push_attribute(&dotted);
        if self.op("(").is_some() {
            let close = self.op(")")?;
            let call = CallFact {
                range: Span::new(dotted.span.start()..self.span(&close, &close)?.end()),
                callee: Some(dotted.span),
            };
            self.facts.defs.calls.push(call.clone());
            return Some(Value {
                span: call.range,
                call: Some(call),
            });
        }
        if self.op("[").is_some() {
            let close = self.items("]", false, depth + 1)?.1;
            return Some(Value {
                span: Span::new(dotted.span.start()..close.end()),
                call: None,
            });
        }
        Some(Value {
            span: dotted.span,
            call: None,
        })
    }

    /// `( … )`, `[ … ]` or `{ … }` opened by `open`.
    fn display(&mut self, open: Token, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (close, pairs) = match self.word(&open) {
            "(" => (")", false),
            "[" => ("]", false),
            "{" => ("}", true),
            _ => return None,
        };
        self.at += 1;
        let (single, end) = self.items(close, pairs, depth)?;
        let span = Span::new(self.span(&open, &open)?.start()..end.end());
        // `(f())` is the call `defs::value_call` finds through the parentheses.
        let call = if close == ")" {
            single.and_then(|v| v.call)
        } else {
            None
        };
        Some(Value { span, call })
    }

    /// Comma-separated expressions (`key: value` pairs where `pairs` allows) up to
    /// `close`: the only one when there is one without a comma, and the span of `close`.
    fn items(&mut self, close: &str, pairs: bool, depth: usize) -> Option<(Option<Value>, Span)> {
        let mut count = 0;
        let mut single = None;
        loop {
            if let Some(end) = self.op(close) {
                let single = if count == 1 { single } else { None };
                return Some((single, self.span(&end, &end)?));
            }
            let value = self.expression(depth)?;
            if pairs && self.op(":").is_some() {
                self.expression(depth)?;
            }
            count += 1;
            single = Some(value);
            if self.op(",").is_some() {
                count += 1;
            } else {
                let end = self.op(close)?;
                let single = if count == 1 { single } else { None };
                return Some((single, self.span(&end, &end)?));
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
