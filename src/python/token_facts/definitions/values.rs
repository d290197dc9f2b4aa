//! The expression reader: expressions whose facts are read exactly (operators,
//! `lambda`, conditionals, calls, subscripts, displays, comprehensions, plain strings;
//! no f-string, walrus, `yield` or `await`); anything else is left to tree-sitter.

use super::reader::{plain_string, Dotted, Reader};
use crate::python::facts::is_dotted_path;
use crate::python::model::{CallFact, Span, StringLiteral, Target};
use crate::python::scan::{Tok, Token};

/// An expression read: its span and, when it is a call (inside parentheses or not), the
/// call (`defs::value_call`).
pub(super) struct Value {
    pub(super) span: Span,
    pub(super) call: Option<CallFact>,
    /// A plain name, inside parentheses or not (`AssignFact::value_is_name`).
    pub(super) name: bool,
    /// A dotted name, inside parentheses or not (`ModuleAssignment::dotted`).
    pub(super) dotted: Option<Span>,
    /// What it is as an assignment's target, when it is a name or a dotted attribute.
    pub(super) target: Option<Target>,
}

impl Value {
    fn plain(span: Span) -> Value {
        Value {
            span,
            call: None,
            name: false,
            dotted: None,
            target: None,
        }
    }
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
    pub(super) fn expression_list(&mut self) -> Option<Value> {
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
        Some(Value::plain(Span::new(first.span.start()..end.end())))
    }

    /// Operands joined by binary, comparison and boolean operators.
    /// An expression: a `lambda`, or operands joined by operators, maybe the first of a
    /// conditional expression (`a if b else c`).
    pub(super) fn expression(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let first = *self.peek()?;
        if first.kind == Tok::Name && self.word(&first) == "lambda" {
            return self.lambda(depth);
        }
        let value = self.disjunction(depth)?;
        if self.eat(Tok::Name, Some("if")).is_none() {
            return Some(value);
        }
        self.disjunction(depth)?;
        self.eat(Tok::Name, Some("else"))?;
        let end = self.expression(depth + 1)?.span;
        Some(Value::plain(Span::new(value.span.start()..end.end())))
    }

    /// `lambda PARAMETERS: BODY`: names, `*`/`**` before some, defaults (their facts).
    fn lambda(&mut self, depth: usize) -> Option<Value> {
        let start = self.peek()?.start as usize;
        let start = self.kept.span(start, start + 1)?.start();
        self.at += 1;
        while self.op(":").is_none() {
            if self.op("*").is_none() {
                self.op("**");
            }
            self.name()?;
            if self.op("=").is_some() {
                self.expression(depth + 1)?;
            }
            if self.op(",").is_none() {
                self.op(":")?;
                break;
            }
        }
        let end = self.expression(depth + 1)?.span;
        Some(Value::plain(Span::new(start..end.end())))
    }

    /// Operands joined by binary, comparison and boolean operators.
    fn disjunction(&mut self, depth: usize) -> Option<Value> {
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
            value = Value::plain(Span::new(value.span.start()..next.span.end()));
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
        Some(Value::plain(Span::new(
            self.span(&start, &start)?.start()..value.span.end(),
        )))
    }

    /// An atom (a number, plain strings, `...`, `None`, `True`, `False`, a dotted name,
    /// called or subscripted, a parenthesized expression, a tuple, list, dict or set
    /// display, a comprehension) and its trailers.
    fn primary(&mut self, depth: usize) -> Option<Value> {
        let value = self.atom(depth)?;
        self.trailers(value, depth)
    }

    /// `.name`, `(arguments)` and `[items]` after an atom that is no dotted name (a
    /// dotted name takes its own): no attribute of a name, and a call of no dotted name,
    /// so no fact of their own; the arguments' and items' facts are. The call a value is
    /// its last (`defs::value_call`), callee `None`.
    fn trailers(&mut self, mut value: Value, depth: usize) -> Option<Value> {
        let start = value.span.start();
        loop {
            let Some(&t) = self.peek().filter(|t| t.kind == Tok::Op) else {
                return Some(value);
            };
            let end = match self.word(&t) {
                "." => {
                    self.at += 1;
                    let name = self.name()?;
                    let name = self.span(&name, &name)?;
                    // `x().import_module("a")`: its string would be an import argument.
                    if matches!(self.text_of(name), "import_module" | "__import__" | "patch") {
                        return None;
                    }
                    name
                }
                "(" => {
                    self.at += 1;
                    let close = self.arguments(depth + 1, false)?;
                    let range = Span::new(start..close.end());
                    value = Value {
                        call: Some(CallFact {
                            range,
                            callee: None,
                        }),
                        ..Value::plain(range)
                    };
                    continue;
                }
                "[" => {
                    self.at += 1;
                    self.subscript(depth + 1)?
                }
                _ => return Some(value),
            };
            value = Value {
                target: Some(Target::Other),
                ..Value::plain(Span::new(start..end.end()))
            };
        }
    }

    /// [`Self::primary`] without trailers.
    fn atom(&mut self, depth: usize) -> Option<Value> {
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
            return Some(Value::plain(self.span(&t, &t)?));
        }
        if t.kind == Tok::String {
            let mut last = t;
            while let Some(&s) = self.peek().filter(|s| s.kind == Tok::String) {
                if !plain_string(self.word(&s)) {
                    return None;
                }
                self.at += 1;
                last = s;
            }
            // Parts of an implicit concatenation are no paths (`facts.rs`).
            if last.start == t.start && self.word(&t).contains('.') {
                self.string_fact(t)?;
            }
            return Some(Value::plain(self.span(&t, &last)?));
        }
        if t.kind == Tok::Op {
            return self.display(t, depth + 1);
        }
        // `print(…)` and `type(…)`: tree-sitter's keyword identifiers, called (its
        // `print` statement yields to a call where both parse).
        let called_keyword = t.kind == Tok::Name
            && matches!(word, "print" | "type")
            && self
                .tokens
                .get(self.at + 1)
                .is_some_and(|n| self.word(n) == "(");
        let dotted = if called_keyword {
            self.at += 1;
            let span = self.span(&t, &t)?;
            Dotted {
                span,
                attribute: None,
                object: None,
                last: span,
            }
        } else {
            self.dotted()?
        };
        self.push_attribute(&dotted);
        if self.op("(").is_some() {
            // A string first argument of these is an import's (`StringLiteral::import_argument`).
            let callee = self.text_of(dotted.last);
            let import = matches!(callee, "import_module" | "__import__" | "patch");
            // The walk records a call before the calls in its arguments.
            let slot = self.facts.defs.calls.len();
            self.facts.defs.calls.push(CallFact {
                range: dotted.span,
                callee: Some(dotted.span),
            });
            let close = self.arguments(depth + 1, import)?;
            let call = CallFact {
                range: Span::new(dotted.span.start()..close.end()),
                callee: Some(dotted.span),
            };
            *self.facts.defs.calls.get_mut(slot)? = call.clone();
            return Some(Value {
                span: call.range,
                call: Some(call),
                name: false,
                dotted: None,
                target: None,
            });
        }
        if self.op("[").is_some() {
            let close = self.subscript(depth + 1)?;
            return Some(Value {
                target: Some(Target::Subscript {
                    object: dotted.span,
                }),
                ..Value::plain(Span::new(dotted.span.start()..close.end()))
            });
        }
        let target = match dotted.object {
            None => Target::Name(dotted.span),
            Some(object) => Target::Attribute {
                object,
                attr: dotted.last,
            },
        };
        Some(Value {
            name: dotted.object.is_none(),
            dotted: Some(dotted.span),
            target: Some(target),
            ..Value::plain(dotted.span)
        })
    }

    /// The `StringLiteral` of one plain string token with a `.` when its content is a
    /// dotted path; none for bytes. `None` (left to tree-sitter) when its content holds
    /// a backslash (tree-sitter's escape sequences make a string no plain one).
    fn string_fact(&mut self, token: Token) -> Option<()> {
        let literal = self.word(&token);
        let prefix = literal
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let body = literal.get(prefix..)?;
        let quotes = if body.starts_with("\"\"\"") || body.starts_with("'''") {
            3
        } else {
            1
        };
        let content = body.get(quotes..body.len().checked_sub(quotes)?)?;
        if content.contains('\\') {
            return None;
        }
        let bytes = literal[..prefix]
            .bytes()
            .any(|b| b.eq_ignore_ascii_case(&b'b'));
        if bytes || !is_dotted_path(content) {
            return Some(());
        }
        let from = token.start as usize + prefix + quotes;
        let content_range = self.kept.span(from, from + content.len())?;
        let range = self.span(&token, &token)?;
        self.facts.strings.push(StringLiteral {
            content_range,
            range,
            import_argument: false,
        });
        Some(())
    }

    /// A call's arguments after its `(`: expressions, `name=` before some; none when
    /// `import` (a string among them could be an import argument). The span of the `)`.
    fn arguments(&mut self, depth: usize, import: bool) -> Option<Span> {
        if depth > MAX_DEPTH {
            return None;
        }
        loop {
            if let Some(close) = self.op(")") {
                return self.span(&close, &close);
            }
            if import {
                return None;
            }
            let keyword = self.peek().is_some_and(|t| t.kind == Tok::Name)
                && self
                    .tokens
                    .get(self.at + 1)
                    .is_some_and(|t| self.word(t) == "=");
            if keyword {
                self.name()?;
                self.at += 1;
            } else if self.op("*").is_none() {
                self.op("**");
            }
            self.expression(depth)?;
            if self.op(",").is_none() {
                // `f(x for x in y)`: one generator argument.
                self.comprehension(depth)?;
                let close = self.op(")")?;
                return self.span(&close, &close);
            }
        }
    }

    /// The `for … in …` and `if …` clauses of a comprehension after its first
    /// expression, if there are any (whether there were).
    fn comprehension(&mut self, depth: usize) -> Option<bool> {
        let mut any = false;
        while self.eat(Tok::Name, Some("for")).is_some() {
            any = true;
            loop {
                let target = self.dotted()?;
                self.push_attribute(&target);
                if self.op(",").is_none() {
                    break;
                }
            }
            self.eat(Tok::Name, Some("in"))?;
            self.disjunction(depth)?;
            while self.eat(Tok::Name, Some("if")).is_some() {
                self.disjunction(depth)?;
            }
        }
        Some(any)
    }

    /// The items of a subscript after its `[`, slices (`a:b:c`, parts left out) among
    /// them; the span of the `]`.
    pub(super) fn subscript(&mut self, depth: usize) -> Option<Span> {
        let ends = |word: &str| matches!(word, ":" | "]" | ",");
        loop {
            if let Some(end) = self.op("]") {
                return self.span(&end, &end);
            }
            if self.peek().is_some_and(|t| !ends(self.word(t))) {
                self.expression(depth)?;
            }
            for _ in 0..2 {
                if self.op(":").is_none() {
                    break;
                }
                if self.peek().is_some_and(|t| !ends(self.word(t))) {
                    self.expression(depth)?;
                }
            }
            if self.op(",").is_none() {
                let end = self.op("]")?;
                return self.span(&end, &end);
            }
        }
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
        // `(f())` is the call `defs::value_call` finds through the parentheses, `(x)` a
        // name to `AssignFact::value_is_name`.
        match single.filter(|_| close == ")") {
            Some(inner) => Some(Value {
                call: inner.call,
                name: inner.name,
                dotted: inner.dotted,
                ..Value::plain(span)
            }),
            None => Some(Value::plain(span)),
        }
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
            if count == 0 && self.comprehension(depth)? {
                let end = self.op(close)?;
                return Some((None, self.span(&end, &end)?));
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
