//! Facts of a chunk read off its tokens: one definition (`def`, `async def` or
//! `class`, with plain decorators, parameters with annotations and defaults, bases), a
//! class's body of methods, nested classes and attributes, a function's body of
//! statements (`definitions/statements.rs`, `definitions/compound.rs`), or module-level
//! statements: imports, assignments, expression statements and the compound statements
//! holding them. A reduced file's kept chunks are nearly all of these.
//!
//! The kept ranges are joined (tree-sitter reads them as one text too) and lexed with
//! the scanner; the tokens must match the shapes below exactly, or the chunk is left to
//! tree-sitter (`None`). What such a definition contributes, as `Facts::extract` finds it
//! (`facts.rs`, `defs.rs`): its `FunctionFact` or `ClassFact` (name, range without the
//! decorators, ending at the body's last token), its decorators (a `Decorator` each: of
//! a function, an item it owns; a call's `CallFact`), the class's bases and keywords,
//! and an `AttributeRef` for each `a.b` whose two sides are names; a class's methods
//! and attributes, a function's items. A comment after the last statement, or a comment
//! line as deep as a block before its end, is left to tree-sitter (its block, and so a
//! definition, may end after it).
mod compound;
mod reader;
mod statements;
mod values;

use reader::{Kept, Reader};
use statements::Place;

use crate::python::model::{
    CallFact, ClassAttribute, ClassFact, Decorator, DefFacts, Facts, FunctionFact, ImportContext,
    Keyword, Owned, Parameters, Scope, Span,
};
use crate::python::modules::ModuleName;
use crate::python::scan::{tokenize, Tok, Token};

/// The facts of `text` restricted to `ranges` when they hold one definition of the
/// shapes read here; `None` otherwise.
pub(super) fn facts(
    text: &str,
    ranges: &[tree_sitter::Range],
    module: Option<&ModuleName>,
) -> Option<Facts> {
    let kept = Kept::join(text, ranges)?;
    let mut tokens = tokenize(&kept.text);
    let mut comments = Vec::new();
    tokens.retain(|t| match t.kind {
        Tok::Nl => false,
        Tok::Comment => {
            comments.push((t.start as usize, t.end as usize));
            false
        }
        _ => true,
    });
    let mut reader = Reader {
        text: &kept.text,
        kept: &kept,
        tokens: &tokens,
        at: 0,
        comments,
        module,
        facts: Facts::default(),
    };
    reader.chunk()?;
    Some(reader.facts)
}

/// Where the reader gives up on a chunk it does not read: the token it stopped at and
/// the one before (`examples/token_facts_diff.rs --why`); `None` when it reads it.
pub(super) fn stuck_at(
    text: &str,
    ranges: &[tree_sitter::Range],
    module: Option<&ModuleName>,
) -> Option<String> {
    let Some(kept) = Kept::join(text, ranges) else {
        return Some("(too long)".to_string());
    };
    let mut tokens = tokenize(&kept.text);
    tokens.retain(|t| !matches!(t.kind, Tok::Nl | Tok::Comment));
    let mut reader = Reader {
        text: &kept.text,
        kept: &kept,
        tokens: &tokens,
        at: 0,
        comments: Vec::new(),
        module,
        facts: Facts::default(),
    };
    if reader.chunk().is_some() {
        return None;
    }
    let word = |at: usize| {
        tokens.get(at).map_or_else(String::new, |t| {
            format!("{:?} {:?}", t.kind, reader.word(t))
        })
    };
    Some(format!(
        "{} | {}",
        word(reader.at.wrapping_sub(1)),
        word(reader.at)
    ))
}

/// What a body may hold.
#[derive(Clone, Copy)]
enum Body {
    /// The members of this class ([`Reader::member`]), their imports in this context.
    Members(usize, ImportContext),
    /// Statements (`statements.rs`) at this place, their imports in this context.
    Statements(Place, ImportContext),
}

impl Reader<'_> {
    /// A definition, or module-level statements.
    fn chunk(&mut self) -> Option<()> {
        let t = *self.peek()?;
        let word = self.word(&t);
        let definition = (t.kind == Tok::Op && word == "@")
            || (t.kind == Tok::Name && matches!(word, "def" | "async" | "class"));
        if definition {
            return self.definition();
        }
        let place = Place::Module { bindings: true };
        while self.eat(Tok::EndMarker, None).is_none() {
            self.statement(place, ImportContext::default())?;
        }
        if self.at != self.tokens.len() {
            return None;
        }
        if self.facts.defs.items.is_some() {
            self.facts.defs.cover_items(&Default::default());
        }
        Some(())
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
        // A comment after the last statement but on its line may fall inside
        // tree-sitter's block (`Reader::line_end` knows only those).
        let after = |&(from, to): &(usize, usize)| {
            self.kept
                .span(from, to)
                .is_none_or(|c| c.start() >= end.end())
        };
        if self.comments.iter().any(after) || self.at != self.tokens.len() {
            return None;
        }
        if self.facts.defs.items.is_some() {
            self.facts.defs.cover_items(&Default::default());
        }
        Some(())
    }

    /// `@a.b` or `@a.b()` lines, each a dotted name called without arguments or not at all.
    pub(super) fn decorators(&mut self) -> Option<Vec<Decorator>> {
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
        let context = ImportContext::default();
        self.class_in(first, decorators, scope, context)
    }

    /// [`Self::class`] in a block whose imports have `context`: its methods' imports are
    /// in that context too (`facts.rs` keeps it below definitions, changing the scope).
    pub(super) fn class_in(
        &mut self,
        first: Token,
        decorators: Vec<Decorator>,
        scope: Scope,
        context: ImportContext,
    ) -> Option<Span> {
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
        let context = ImportContext {
            scope: Scope::Class,
            ..context
        };
        let end = self.body(Body::Members(index, context))?;
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
        let scope = if class.is_some() {
            Scope::Class
        } else {
            Scope::Module
        };
        self.function_in(first, decorators, class, scope, ImportContext::default())
    }

    /// [`Self::function`] in `scope`, in a block whose imports have `context`.
    pub(super) fn function_in(
        &mut self,
        first: Token,
        decorators: Vec<Decorator>,
        class: Option<usize>,
        scope: Scope,
        context: ImportContext,
    ) -> Option<Span> {
        if self.word(&first) == "async" {
            self.at += 1;
        }
        self.eat(Tok::Name, Some("def"))?;
        let name = self.name()?;
        self.op("(")?;
        let parameters = self.parameters()?;
        if self.op("->").is_some() {
            self.expression(0)?;
        }
        let name = self.span(&name, &name)?;
        // Pushed before its body's items, as the walk enters it.
        let defs: &mut DefFacts = &mut self.facts.defs;
        let index = defs.functions.len();
        defs.functions.push(FunctionFact {
            name,
            range: Span::default(),
            scope,
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
        let context = ImportContext {
            scope: Scope::Function,
            ..context
        };
        let end = self.body(Body::Statements(Place::Function(index), context))?;
        let range = Span::new(self.span(&first, &first)?.start()..end.end());
        self.facts.defs.functions.get_mut(index)?.range = range;
        Some(range)
    }

    /// Parameters up to the `)`: names, `*args`, `**kwargs`, a bare `*` and `/` (which
    /// tree-sitter does not count), commas; annotations and defaults of the values
    /// `values.rs` reads (their calls and attributes are facts).
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
                if self.op(":").is_some() {
                    self.expression(0)?;
                }
                if !star && self.op("=").is_some() {
                    self.expression(0)?;
                }
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
    fn body(&mut self, body: Body) -> Option<Span> {
        self.op(":")?;
        let inline = self.eat(Tok::Newline, None).is_none();
        if !inline {
            self.eat(Tok::Indent, None)?;
        }
        let indent = self.peek()?.start as usize;
        loop {
            let last = match body {
                Body::Members(class, context) => self.member(class, context)?,
                Body::Statements(place, context) => self.statement(place, context)?,
            };
            if inline {
                return Some(last);
            }
            if self.eat(Tok::Dedent, None).is_some() {
                self.no_comment_kept_in(indent)?;
                return Some(last);
            }
        }
    }

    /// After a block's `Dedent`: `None` when a comment line before it is indented as
    /// deep as the block (whose first statement starts at `indent`): tree-sitter's
    /// scanner keeps such a comment in the block, which then ends after it.
    fn no_comment_kept_in(&self, indent: usize) -> Option<()> {
        let column = |at: usize| {
            let line = self.text.get(..at)?.rfind('\n').map_or(0, |n| n + 1);
            let lead = self.text.get(line..at)?;
            // Tabs count otherwise; a comment after code is the line's (`line_end`).
            lead.bytes().all(|b| b == b' ').then_some(at - line)
        };
        let dedent = self.tokens.get(self.at.checked_sub(1)?)?;
        let before = self.tokens[..self.at - 1]
            .iter()
            .rev()
            .find(|t| t.kind != Tok::Dedent)?;
        let block = column(indent)?;
        for &(start, _) in &self.comments {
            let between = before.end as usize <= start && start <= dedent.start as usize;
            if between && column(start).is_none_or(|c| c >= block) {
                return None;
            }
        }
        Some(())
    }

    /// The block after a compound statement's header at `place`: `:` and
    /// statements, their imports in `context`. Its last statement's span.
    fn block(&mut self, place: Place, context: ImportContext) -> Option<Span> {
        self.body(Body::Statements(place, context))
    }

    /// A statement of the body of class `class`: a placeholder, a method or a class with
    /// a placeholder body, or an attribute (`name = value`, `name: T`, `name: T = value`,
    /// of the values `values.rs` reads). The span of the statement.
    fn member(&mut self, class: usize, context: ImportContext) -> Option<Span> {
        let t = *self.peek()?;
        let word = self.word(&t);
        let definition = (t.kind == Tok::Op && word == "@")
            || (t.kind == Tok::Name && matches!(word, "def" | "async" | "class"));
        if definition {
            let decorators = self.decorators()?;
            let first = *self.peek()?;
            return match self.word(&first) {
                "class" => self.class_in(first, decorators, Scope::Class, context),
                "def" | "async" => {
                    self.function_in(first, decorators, Some(class), Scope::Class, context)
                }
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
        let end = self.line_end(end)?;
        self.facts
            .defs
            .classes
            .get_mut(class)?
            .attributes
            .push(attribute);
        Some(end)
    }
}
