//! A recognizer for plain, valid Python: [`certainly_valid`] says from the tokens alone
//! that tree-sitter-python will find no syntax error in a text, so the whole-tree check
//! may skip or reduce it even with SSOT000 on (a syntax error can be anywhere, so
//! otherwise every byte must go through tree-sitter).
//!
//! It accepts a strict subset of what both CPython and tree-sitter-python 0.25 accept, and
//! answers `false` ("unsure, parse it") for anything rare or where the two differ:
//! Python 2 statements, `match`, `type` aliases and type parameters, soft keywords at the
//! start of a statement, non-ASCII names, tabs or form feeds in indentation, CR-only line
//! ends, continuation lines indented less than their statement (tree-sitter's scanner
//! would close the block there), star expressions outside displays and calls, newlines
//! or comments inside f-string replacement fields, and nesting deeper than
//! [`MAX_DEPTH`]. Proof: `tests/recognize.rs` and `scripts/recognize_diff.sh`.

use crate::python::scan::{Tok, Token};

/// Deepest descent followed before answering "unsure": the recognizer recurses a few
/// calls per bracket level (about 3), so this bounds the stack whatever the input and
/// still takes some 60 nested brackets.
pub const MAX_DEPTH: u32 = 200;

/// `true` only when tree-sitter-python, parsing `text` as the front end does, reports no
/// ERROR or MISSING node and CPython would not raise a `TabError`. `tokens` is
/// `scan::tokenize(text)`. `false` means unsure.
pub fn certainly_valid(text: &str, tokens: &[Token]) -> bool {
    unsure_at(text, tokens).is_none()
}

/// Where [`certainly_valid`] gave up (a byte offset), `None` when it did not: for tests
/// and for finding what to teach it next.
pub fn unsure_at(text: &str, tokens: &[Token]) -> Option<usize> {
    if let Err(at) = layout(text, tokens) {
        return Some(at);
    }
    if let Some(at) = comment_left_of_decorator(text, tokens) {
        return Some(at);
    }
    let significant: Vec<Token> = tokens
        .iter()
        .copied()
        .filter(|t| !matches!(t.kind, Tok::Comment | Tok::Nl))
        .collect();
    let mut p = Parser {
        text,
        toks: &significant,
        pos: 0,
        depth: 0,
        annotation: false,
    };
    match p.module() {
        Some(()) => None,
        None => Some(p.tok().start as usize),
    }
}

/// A comment line left of the decorator above it, before its definition: tree-sitter's
/// indentation scanner then ends the block there (`if r:` / ` @t` / `#` / ` def n():e`
/// is an error). Where it is, `None` when there is none.
fn comment_left_of_decorator(text: &str, tokens: &[Token]) -> Option<usize> {
    let column = |t: &Token| {
        let start = t.start as usize;
        let line = memchr::memrchr(b'\n', &text.as_bytes()[..start]).map_or(0, |n| n + 1);
        text[line..start]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            .then_some(start - line)
    };
    let mut decorator: Option<usize> = None;
    for t in tokens {
        let Some(col) = column(t) else { continue };
        let s = &text[t.range()];
        match t.kind {
            Tok::Op if s == "@" => decorator = Some(col),
            Tok::Comment if decorator.is_some_and(|d| col < d) => return Some(t.start as usize),
            Tok::Comment | Tok::Nl => {}
            _ => decorator = None,
        }
    }
    None
}

/// The checks on what lies between tokens: only spaces and tabs, backslash continuations
/// inside a statement, line ends CR LF or LF; every physical line starts with spaces
/// only, and a continuation line is indented at least as deep as its statement (else
/// tree-sitter's scanner ends the block there); no newline or comment in an f-string
/// replacement field; no tokenizer error; no NUL byte; no `\N` without its `{`.
fn layout(text: &str, tokens: &[Token]) -> Result<(), usize> {
    let b = text.as_bytes();
    // tree-sitter's string scanner stops at a NUL byte, even inside a string.
    if let Some(at) = memchr::memchr(0, b) {
        return Err(at);
    }
    // tree-sitter reads `\N` as the start of a named escape, even in bytes (`b'\N'`): one
    // without its `{` is an error there.
    if let Some(at) = memchr::memmem::find_iter(b, b"\\N").find(|&at| b.get(at + 2) != Some(&b'{'))
    {
        return Err(at);
    }
    let mut prev_end = usize::from(text.starts_with('\u{feff}')) * 3;
    let mut prev_kind = Tok::Newline;
    let mut in_statement = false;
    let mut statement_col = 0;
    let mut fstring_depth = 0u32;
    for t in tokens {
        let (start, end) = (t.start as usize, t.end as usize);
        let Some(gap) = b.get(prev_end..start) else {
            return Err(prev_end);
        };
        let mut line_start = matches!(prev_kind, Tok::Newline | Tok::Nl).then_some(prev_end);
        let mut backslash = false;
        let mut k = 0;
        while k < gap.len() {
            match gap[k] {
                b' ' | b'\t' => k += 1,
                b'\\' => {
                    let n = match (gap.get(k + 1), gap.get(k + 2)) {
                        (Some(b'\n'), _) => 2,
                        (Some(b'\r'), Some(b'\n')) => 3,
                        _ => return Err(start),
                    };
                    if !in_statement
                        || matches!(
                            t.kind,
                            Tok::Newline | Tok::Nl | Tok::Comment | Tok::EndMarker
                        )
                    {
                        return Err(start);
                    }
                    k += n;
                    line_start = Some(prev_end + k);
                    backslash = true;
                }
                _ => return Err(start),
            }
        }
        if let Some(ls) = line_start {
            if t.kind != Tok::Nl && t.kind != Tok::EndMarker {
                let indent = &b[ls..start];
                if indent.iter().any(|&c| c != b' ') {
                    return Err(start);
                }
                let col = start - ls;
                if in_statement && col < statement_col {
                    return Err(start);
                }
                // The chunker (`python::chunks`) may start a statement at a line after a
                // backslash that is not indented past its statement.
                if backslash && col <= statement_col {
                    return Err(start);
                }
                if !in_statement && !matches!(t.kind, Tok::Comment | Tok::Indent | Tok::Dedent) {
                    statement_col = col;
                }
            }
        }
        match t.kind {
            Tok::Error => return Err(start),
            Tok::Newline => in_statement = false,
            Tok::FStringStart => fstring_depth += 1,
            Tok::FStringEnd => fstring_depth = fstring_depth.saturating_sub(1),
            Tok::Nl | Tok::Comment if fstring_depth > 0 => return Err(start),
            Tok::Nl | Tok::Comment | Tok::Indent | Tok::Dedent | Tok::EndMarker => {}
            _ => in_statement = true,
        }
        // A CR must end a line as CR LF: tree-sitter's scanner sees a line end only at LF.
        if matches!(t.kind, Tok::Newline | Tok::Nl)
            && b.get(start) == Some(&b'\r')
            && end - start != 2
        {
            return Err(start);
        }
        if !matches!(t.kind, Tok::Indent | Tok::Dedent) {
            prev_end = end;
            prev_kind = t.kind;
        }
    }
    if prev_end == b.len() {
        Ok(())
    } else {
        Err(prev_end)
    }
}

/// A keyword of Python 3 (tree-sitter reserves all of them; its soft keywords are
/// names here).
fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

/// Binding powers of the binary operators (higher binds tighter).
const BP_OR: u8 = 1;
const BP_AND: u8 = 2;
const BP_NOT: u8 = 3;
const BP_CMP: u8 = 4;
const BP_BOR: u8 = 5;
const BP_UNARY: u8 = 11;

/// What an expression is, as far as assignment targets care: tree-sitter's `pattern` is a
/// name, an attribute, a subscript, a starred one of those, or a parenthesised or
/// bracketed list of patterns.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Name,
    AttrSub,
    /// `*` and a name, attribute or subscript.
    Star,
    /// `*` and anything else: not a target.
    StarOther,
    Group,
    Other,
}

impl Shape {
    fn is_target(self) -> bool {
        !matches!(self, Shape::Other | Shape::StarOther)
    }

    fn is_star(self) -> bool {
        matches!(self, Shape::Star | Shape::StarOther)
    }
}

/// How the last statement of a block ends, for the clauses that may follow it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Other,
    If,
    Loop,
    /// `try:` with no handler yet: an `except` or `finally` must follow.
    Try,
    TryExcept,
    TryElse,
}

struct Parser<'a> {
    text: &'a str,
    toks: &'a [Token],
    pos: usize,
    depth: u32,
    /// Inside an annotation, where tree-sitter's `type` rules (`constrained_type`
    /// `a: b`, `generic_type`) compete with subscripts: no slices there.
    annotation: bool,
}

type R<T = ()> = Option<T>;

fn fail<T>() -> R<T> {
    None
}

impl<'a> Parser<'a> {
    fn tok(&self) -> Token {
        self.toks.get(self.pos).copied().unwrap_or(Token {
            kind: Tok::EndMarker,
            start: self.text.len() as u32,
            end: self.text.len() as u32,
        })
    }

    fn kind(&self) -> Tok {
        self.tok().kind
    }

    fn str_at(&self, t: Token) -> &'a str {
        self.text
            .get(t.start as usize..t.end as usize)
            .unwrap_or("")
    }

    fn s(&self) -> &'a str {
        self.str_at(self.tok())
    }

    fn next_str(&self) -> &'a str {
        self.toks.get(self.pos + 1).map_or("", |&t| self.str_at(t))
    }

    fn at_op(&self, op: &str) -> bool {
        self.kind() == Tok::Op && self.s() == op
    }

    fn at_kw(&self, kw: &str) -> bool {
        self.kind() == Tok::Name && self.s() == kw
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let yes = self.at_op(op);
        self.pos += usize::from(yes);
        yes
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let yes = self.at_kw(kw);
        self.pos += usize::from(yes);
        yes
    }

    fn op(&mut self, op: &str) -> R {
        self.eat_op(op).then_some(())
    }

    fn kw(&mut self, kw: &str) -> R {
        self.eat_kw(kw).then_some(())
    }

    fn advance(&mut self) {
        self.pos += 1;
    }

    /// A plain identifier: ASCII, not a keyword.
    fn at_name(&self) -> bool {
        let s = self.s();
        self.kind() == Tok::Name && s.is_ascii() && !is_keyword(s)
    }

    fn name(&mut self) -> R {
        if self.at_name() {
            self.advance();
            Some(())
        } else {
            None
        }
    }

    /// An annotation: primaries joined by `|` only, since tree-sitter's `type` may read
    /// `list[int]` as a `generic_type`, which no other operator can follow.
    fn annotation(&mut self) -> R {
        let outer = self.annotation;
        self.annotation = true;
        let r = self.union();
        self.annotation = outer;
        r
    }

    fn union(&mut self) -> R {
        self.enter()?;
        let mut r = self.primary().map(|_| ());
        while r.is_some() && self.eat_op("|") {
            r = self.primary().map(|_| ());
        }
        self.leave();
        r
    }

    fn enter(&mut self) -> R {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- statements -------------------------------------------------------------

    fn module(&mut self) -> R {
        let mut levels: Vec<Last> = vec![Last::Other];
        loop {
            match self.kind() {
                Tok::EndMarker => {
                    return (levels.len() == 1 && levels[0] != Last::Try).then_some(());
                }
                Tok::Dedent => {
                    if levels.pop() == Some(Last::Try) {
                        return fail();
                    }
                    if levels.is_empty() {
                        return fail();
                    }
                    self.advance();
                }
                Tok::Name | Tok::Number | Tok::String | Tok::FStringStart | Tok::Op => {
                    let last = levels.last_mut()?;
                    if self.statement(last)? {
                        levels.push(Last::Other);
                    }
                }
                _ => return fail(),
            }
        }
    }

    /// One statement at the current level; `true` when it opened an indented block (its
    /// `Indent` consumed).
    fn statement(&mut self, last: &mut Last) -> R<bool> {
        let s = self.s();
        let is_name = self.kind() == Tok::Name;
        let clause = is_name && matches!(s, "elif" | "else" | "except" | "finally");
        if *last == Last::Try && !(clause && matches!(s, "except" | "finally")) {
            return fail();
        }
        if clause {
            self.advance();
            *last = match (s, *last) {
                ("elif", Last::If) => {
                    self.named_test()?;
                    Last::If
                }
                ("else", Last::If | Last::Loop) => Last::Other,
                ("else", Last::TryExcept) => Last::TryElse,
                ("except", Last::Try | Last::TryExcept) => {
                    // `except*` mixed with `except` is an error for CPython only.
                    if !self.at_op(":") {
                        self.test()?;
                        if self.eat_kw("as") {
                            self.name()?;
                        }
                    }
                    Last::TryExcept
                }
                ("finally", Last::Try | Last::TryExcept | Last::TryElse) => Last::Other,
                _ => return fail(),
            };
            return self.suite();
        }
        if is_name {
            let compound = match s {
                "if" | "while" => {
                    self.advance();
                    self.named_test()?;
                    Some(if s == "if" { Last::If } else { Last::Loop })
                }
                "for" => {
                    self.advance();
                    self.for_header()?;
                    Some(Last::Loop)
                }
                "try" => {
                    self.advance();
                    Some(Last::Try)
                }
                "with" => {
                    self.advance();
                    self.with_items()?;
                    Some(Last::Other)
                }
                "def" | "class" => {
                    self.definition()?;
                    Some(Last::Other)
                }
                "async" => {
                    self.advance();
                    match self.s() {
                        "def" => self.definition()?,
                        "for" => {
                            self.advance();
                            self.for_header()?;
                        }
                        "with" => {
                            self.advance();
                            self.with_items()?;
                        }
                        _ => return fail(),
                    }
                    Some(Last::Other)
                }
                _ => None,
            };
            if let Some(kind) = compound {
                *last = kind;
                return self.suite();
            }
        }
        if self.at_op("@") {
            while self.eat_op("@") {
                self.named_test()?;
                if self.kind() != Tok::Newline {
                    return fail();
                }
                self.advance();
            }
            if self.at_kw("async") {
                self.advance();
                if !self.at_kw("def") {
                    return fail();
                }
            }
            if !self.at_kw("def") && !self.at_kw("class") {
                return fail();
            }
            self.definition()?;
            *last = Last::Other;
            return self.suite();
        }
        *last = Last::Other;
        self.simple_statements()?;
        Some(false)
    }

    /// After a compound header: `:` then statements on the same line or an indented block.
    fn suite(&mut self) -> R<bool> {
        self.op(":")?;
        if self.kind() == Tok::Newline {
            self.advance();
            if self.kind() != Tok::Indent {
                return fail();
            }
            self.advance();
            return Some(true);
        }
        self.simple_statements()?;
        Some(false)
    }

    fn simple_statements(&mut self) -> R {
        loop {
            self.simple_statement()?;
            if !self.eat_op(";") {
                break;
            }
            if self.kind() == Tok::Newline {
                break;
            }
        }
        if self.kind() != Tok::Newline {
            return fail();
        }
        self.advance();
        Some(())
    }

    fn at_end_of_simple(&self) -> bool {
        self.kind() == Tok::Newline || self.at_op(";")
    }

    fn simple_statement(&mut self) -> R {
        if self.kind() == Tok::Name {
            match self.s() {
                "pass" | "break" | "continue" => {
                    self.advance();
                    return Some(());
                }
                "return" => {
                    self.advance();
                    if !self.at_end_of_simple() {
                        self.exprlist(false)?;
                    }
                    return Some(());
                }
                "raise" => {
                    self.advance();
                    if !self.at_end_of_simple() {
                        self.test()?;
                        if self.eat_kw("from") {
                            self.test()?;
                        }
                    }
                    return Some(());
                }
                "global" | "nonlocal" => {
                    self.advance();
                    self.name()?;
                    while self.eat_op(",") {
                        self.name()?;
                    }
                    return Some(());
                }
                "del" => {
                    self.advance();
                    self.exprlist(false)?;
                    return Some(());
                }
                "assert" => {
                    self.advance();
                    self.test()?;
                    if self.eat_op(",") {
                        self.test()?;
                    }
                    return Some(());
                }
                "import" => {
                    self.advance();
                    loop {
                        self.dotted()?;
                        if self.eat_kw("as") {
                            self.name()?;
                        }
                        if !self.eat_op(",") {
                            return Some(());
                        }
                    }
                }
                "from" => return self.import_from(),
                // Soft keywords and Python 2 statements: tree-sitter has statements for
                // them, so only the unambiguous call form is taken.
                "print" | "exec" | "match" | "case" | "type"
                    if matches!(self.next_str(), "(" | "=" | "." | ":") => {}
                "print" | "exec" | "match" | "case" | "type" => return fail(),
                "yield" => {
                    self.yield_expr()?;
                    return Some(());
                }
                _ => {}
            }
        }
        let shape = self.exprlist(true)?;
        if self.at_op("=") {
            let mut shape = shape;
            while self.eat_op("=") {
                if !shape.is_target() {
                    return fail();
                }
                shape = self.rhs()?;
            }
            return Some(());
        }
        if self.at_op(":") {
            if !matches!(shape, Shape::Name | Shape::AttrSub) {
                return fail();
            }
            self.advance();
            self.annotation()?;
            if self.eat_op("=") {
                self.rhs()?;
            }
            return Some(());
        }
        if self.kind() == Tok::Op
            && matches!(
                self.s(),
                "+=" | "-="
                    | "*="
                    | "/="
                    | "@="
                    | "//="
                    | "%="
                    | "**="
                    | ">>="
                    | "<<="
                    | "&="
                    | "^="
                    | "|="
            )
        {
            if !matches!(shape, Shape::Name | Shape::AttrSub) {
                return fail();
            }
            self.advance();
            self.rhs()?;
            return Some(());
        }
        Some(())
    }

    /// The right of `=`: a yield or an expression list.
    fn rhs(&mut self) -> R<Shape> {
        if self.at_kw("yield") {
            self.yield_expr()?;
            return Some(Shape::Other);
        }
        self.exprlist(true)
    }

    fn yield_expr(&mut self) -> R {
        self.kw("yield")?;
        if self.eat_kw("from") {
            self.test()?;
        } else if !self.at_end_of_simple() && !self.at_op(")") && !self.at_op("=") {
            self.exprlist(false)?;
        }
        Some(())
    }

    fn dotted(&mut self) -> R {
        self.name()?;
        while self.eat_op(".") {
            self.name()?;
        }
        Some(())
    }

    fn import_from(&mut self) -> R {
        self.kw("from")?;
        let mut dots = false;
        while self.at_op(".") || self.at_op("...") {
            dots = true;
            self.advance();
        }
        let future = !dots && self.at_kw("__future__");
        // tree-sitter's `from __future__` must be followed by `import`.
        if future && self.next_str() != "import" {
            return fail();
        }
        if !self.at_kw("import") {
            self.dotted()?;
        } else if !dots {
            return fail();
        }
        self.kw("import")?;
        // tree-sitter's `from __future__ import` takes names only.
        if !future && self.eat_op("*") {
            return Some(());
        }
        let paren = self.eat_op("(");
        loop {
            self.name()?;
            if self.eat_kw("as") {
                self.name()?;
            }
            if !self.eat_op(",") {
                break;
            }
            if paren && self.at_op(")") {
                break;
            }
        }
        if paren {
            self.op(")")?;
        }
        Some(())
    }

    fn for_header(&mut self) -> R {
        self.targets()?;
        self.kw("in")?;
        self.exprlist(false)?;
        Some(())
    }

    /// Assignment targets of `for` (no comparison, so `in` ends them).
    fn targets(&mut self) -> R {
        loop {
            let shape = if self.eat_op("*") {
                let inner = self.binary(BP_BOR)?;
                if !matches!(inner, Shape::Name | Shape::AttrSub) {
                    return fail();
                }
                Shape::Star
            } else {
                self.binary(BP_BOR)?
            };
            if !shape.is_target() {
                return fail();
            }
            if !self.eat_op(",") || self.at_kw("in") {
                return Some(());
            }
        }
    }

    fn with_items(&mut self) -> R {
        if self.at_op("(") {
            let save = self.pos;
            if self.paren_with_items().is_some() && self.at_op(":") {
                return Some(());
            }
            self.pos = save;
        }
        loop {
            self.with_item()?;
            if !self.eat_op(",") {
                return Some(());
            }
        }
    }

    fn paren_with_items(&mut self) -> R {
        self.op("(")?;
        loop {
            self.with_item()?;
            if !self.eat_op(",") {
                break;
            }
            if self.at_op(")") {
                break;
            }
        }
        self.op(")")
    }

    fn with_item(&mut self) -> R {
        self.test()?;
        if self.eat_kw("as") {
            let shape = self.binary(BP_BOR)?;
            if !shape.is_target() {
                return fail();
            }
        }
        Some(())
    }

    /// `def` or `class` up to (not including) the `:`.
    fn definition(&mut self) -> R {
        if self.eat_kw("class") {
            self.plain_name()?;
            if self.at_op("(") {
                self.call_args()?;
            }
            return Some(());
        }
        self.kw("def")?;
        self.plain_name()?;
        self.op("(")?;
        self.parameters(true, ")")?;
        self.op(")")?;
        if self.eat_op("->") {
            self.annotation()?;
            // `-> A: body` on one line: tree-sitter reads `A: body` as a constrained type.
            let next = self.toks.get(self.pos + 1).map(|t| t.kind);
            if !self.at_op(":") || next != Some(Tok::Newline) {
                return fail();
            }
        }
        Some(())
    }

    /// A definition's name: not a soft keyword (tree-sitter wants an `identifier`).
    fn plain_name(&mut self) -> R {
        self.name()
    }

    /// Parameters of a `def` (`annotated`) or a `lambda`, up to `end`.
    fn parameters(&mut self, annotated: bool, end: &str) -> R {
        while !self.at_op(end) {
            if self.eat_op("/") {
                // positional-only marker
            } else if self.eat_op("**") {
                self.name()?;
                if annotated && self.eat_op(":") {
                    self.annotation()?;
                }
            } else if self.eat_op("*") {
                if self.at_name() {
                    self.advance();
                    if annotated && self.eat_op(":") {
                        self.annotation()?;
                    }
                }
            } else {
                self.name()?;
                if annotated && self.eat_op(":") {
                    self.annotation()?;
                }
                if self.eat_op("=") {
                    self.test()?;
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.at_op(end).then_some(())
    }

    // ---- expressions ------------------------------------------------------------

    /// A comma list of expressions (with `*name` items when `star`); a bare tuple of
    /// targets is a target.
    fn exprlist(&mut self, star: bool) -> R<Shape> {
        let mut shape: Option<Shape> = None;
        let mut count = 0;
        loop {
            let item = if star && self.eat_op("*") {
                let inner = self.binary(BP_BOR)?;
                if !matches!(inner, Shape::Name | Shape::AttrSub) {
                    return fail();
                }
                Shape::Star
            } else {
                self.test()?
            };
            count += 1;
            shape = Some(match shape {
                None => item,
                Some(s) if s.is_target() && item.is_target() => Shape::Group,
                Some(_) => Shape::Other,
            });
            if !self.eat_op(",") || self.at_end_of_list() {
                break;
            }
        }
        let shape = shape?;
        if count == 1 && shape == Shape::Star {
            return fail();
        }
        Some(if count > 1 && shape.is_target() {
            Shape::Group
        } else {
            shape
        })
    }

    /// After a trailing comma: nothing more in this list.
    fn at_end_of_list(&self) -> bool {
        self.at_end_of_simple()
            || (self.kind() == Tok::Op
                && matches!(self.s(), "=" | ")" | "]" | "}" | ":" | "+=" | "-="))
            || self.at_kw("in")
    }

    /// An expression with an optional walrus (`name := value`).
    fn named_test(&mut self) -> R<Shape> {
        let shape = self.test()?;
        if self.at_op(":=") {
            if shape != Shape::Name {
                return fail();
            }
            self.advance();
            self.test()?;
            return Some(Shape::Other);
        }
        Some(shape)
    }

    /// Python's `test`: a conditional expression or a lambda.
    fn test(&mut self) -> R<Shape> {
        self.enter()?;
        let r = self.test_inner();
        self.leave();
        r
    }

    fn test_inner(&mut self) -> R<Shape> {
        if self.eat_kw("lambda") {
            self.parameters(false, ":")?;
            self.op(":")?;
            self.test()?;
            return Some(Shape::Other);
        }
        let shape = self.binary(BP_OR)?;
        if self.eat_kw("if") {
            self.binary(BP_OR)?;
            self.kw("else")?;
            self.test()?;
            return Some(Shape::Other);
        }
        Some(shape)
    }

    /// Operators binding at least as tight as `min` (precedence climbing).
    fn binary(&mut self, min: u8) -> R<Shape> {
        self.enter()?;
        let r = self.binary_inner(min);
        self.leave();
        r
    }

    fn binary_inner(&mut self, min: u8) -> R<Shape> {
        let mut shape = if min <= BP_NOT && self.eat_kw("not") {
            self.binary(BP_NOT)?;
            Shape::Other
        } else if self.kind() == Tok::Op && matches!(self.s(), "+" | "-" | "~") {
            self.advance();
            self.binary(BP_UNARY)?;
            Shape::Other
        } else {
            let shape = if self.eat_kw("await") {
                self.primary()?;
                Shape::Other
            } else {
                self.primary()?
            };
            if self.eat_op("**") {
                self.binary(BP_UNARY)?;
                Shape::Other
            } else {
                shape
            }
        };
        loop {
            let (bp, width) = self.infix();
            if bp == 0 || bp < min {
                return Some(shape);
            }
            self.pos += width;
            // Comparisons chain, the rest are left-associative.
            self.binary(bp + 1)?;
            shape = Shape::Other;
        }
    }

    /// The binding power of the operator here and its width in tokens (0: none).
    fn infix(&self) -> (u8, usize) {
        let s = self.s();
        match self.kind() {
            Tok::Name => match s {
                "or" => (BP_OR, 1),
                "and" => (BP_AND, 1),
                "in" => (BP_CMP, 1),
                "is" if self.next_str() == "not" => (BP_CMP, 2),
                "is" => (BP_CMP, 1),
                "not" if self.next_str() == "in" => (BP_CMP, 2),
                _ => (0, 0),
            },
            Tok::Op => match s {
                "<" | ">" | "==" | ">=" | "<=" | "!=" => (BP_CMP, 1),
                "|" => (BP_BOR, 1),
                "^" => (6, 1),
                "&" => (7, 1),
                "<<" | ">>" => (8, 1),
                "+" | "-" => (9, 1),
                "*" | "/" | "//" | "%" | "@" => (10, 1),
                _ => (0, 0),
            },
            _ => (0, 0),
        }
    }

    /// An atom and its trailers (`.name`, calls, subscripts).
    fn primary(&mut self) -> R<Shape> {
        let mut shape = self.atom()?;
        loop {
            if self.eat_op(".") {
                // tree-sitter takes any word after a dot as an identifier, keywords
                // excepted.
                self.name()?;
                shape = Shape::AttrSub;
            } else if self.at_op("(") {
                self.call_args()?;
                shape = Shape::Other;
            } else if self.eat_op("[") {
                self.subscripts()?;
                shape = Shape::AttrSub;
            } else {
                return Some(shape);
            }
        }
    }

    fn atom(&mut self) -> R<Shape> {
        let t = self.tok();
        match t.kind {
            Tok::Name => {
                let s = self.s();
                if matches!(s, "True" | "False" | "None") {
                    self.advance();
                    return Some(Shape::Other);
                }
                self.name()?;
                Some(Shape::Name)
            }
            Tok::Number => {
                if !number_ok(self.s()) {
                    return fail();
                }
                self.advance();
                // `1if x else y`: CPython warns, tree-sitter may lex it otherwise.
                if self.kind() == Tok::Name && self.tok().start == t.end {
                    return fail();
                }
                Some(Shape::Other)
            }
            Tok::String | Tok::FStringStart => {
                while matches!(self.kind(), Tok::String | Tok::FStringStart) {
                    if self.kind() == Tok::String {
                        self.advance();
                    } else {
                        self.fstring()?;
                    }
                }
                Some(Shape::Other)
            }
            Tok::Op => match self.s() {
                "..." => {
                    self.advance();
                    Some(Shape::Other)
                }
                "(" => self.enclosure("(", ")"),
                "[" => self.enclosure("[", "]"),
                "{" => self.braces(),
                _ => fail(),
            },
            _ => fail(),
        }
    }

    /// `( … )` or `[ … ]`: empty, a single parenthesised expression or yield, a tuple
    /// or list, or a comprehension.
    fn enclosure(&mut self, open: &str, close: &str) -> R<Shape> {
        self.enter()?;
        let r = self.enclosure_inner(open, close);
        self.leave();
        r
    }

    fn enclosure_inner(&mut self, open: &str, close: &str) -> R<Shape> {
        self.op(open)?;
        if self.eat_op(close) {
            return Some(if open == "(" {
                Shape::Group
            } else {
                Shape::Other
            });
        }
        if open == "(" && self.at_kw("yield") {
            self.yield_expr()?;
            self.op(close)?;
            return Some(Shape::Other);
        }
        let first = self.element()?;
        if self.at_comprehension() {
            if first.is_star() {
                return fail();
            }
            self.comprehension()?;
            self.op(close)?;
            return Some(Shape::Other);
        }
        let mut all_targets = first.is_target();
        let mut count = 1;
        while self.eat_op(",") {
            if self.at_op(close) {
                count += 1;
                break;
            }
            all_targets &= self.element()?.is_target();
            count += 1;
        }
        self.op(close)?;
        if open == "(" && count == 1 && first.is_star() {
            return fail();
        }
        Some(if all_targets {
            Shape::Group
        } else {
            Shape::Other
        })
    }

    /// An item of a tuple, list or set display: an expression (walrus allowed) or a
    /// starred one.
    fn element(&mut self) -> R<Shape> {
        if self.eat_op("*") {
            let inner = self.binary(BP_BOR)?;
            return Some(if matches!(inner, Shape::Name | Shape::AttrSub) {
                Shape::Star
            } else {
                Shape::StarOther
            });
        }
        self.named_test()
    }

    fn at_comprehension(&self) -> bool {
        self.at_kw("for") || (self.at_kw("async") && self.next_str() == "for")
    }

    /// `for … in …` clauses and `if` filters.
    fn comprehension(&mut self) -> R {
        while self.at_comprehension() {
            self.eat_kw("async");
            self.kw("for")?;
            self.targets()?;
            self.kw("in")?;
            self.binary(BP_OR)?;
            while self.eat_kw("if") {
                self.binary(BP_OR)?;
            }
        }
        Some(())
    }

    /// `{ … }`: dict or set display or comprehension.
    fn braces(&mut self) -> R<Shape> {
        self.enter()?;
        let r = self.braces_inner();
        self.leave();
        r
    }

    fn braces_inner(&mut self) -> R<Shape> {
        self.op("{")?;
        if self.eat_op("}") {
            return Some(Shape::Other);
        }
        let starred;
        let dict = if self.eat_op("**") {
            self.binary(BP_BOR)?;
            starred = true;
            true
        } else {
            let first = self.element()?;
            starred = first.is_star();
            if self.eat_op(":") {
                if starred {
                    return fail();
                }
                self.test()?;
                true
            } else {
                false
            }
        };
        if self.at_comprehension() {
            if starred {
                return fail();
            }
            self.comprehension()?;
            self.op("}")?;
            return Some(Shape::Other);
        }
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            if dict {
                if self.eat_op("**") {
                    self.binary(BP_BOR)?;
                } else {
                    self.test()?;
                    self.op(":")?;
                    self.test()?;
                }
            } else {
                self.element()?;
            }
        }
        self.op("}")?;
        Some(Shape::Other)
    }

    /// `( arguments )` of a call or a class header.
    fn call_args(&mut self) -> R {
        self.enter()?;
        let r = self.call_args_inner();
        self.leave();
        r
    }

    fn call_args_inner(&mut self) -> R {
        self.op("(")?;
        let mut count = 0;
        while !self.at_op(")") {
            if self.eat_op("**") || self.eat_op("*") {
                self.test()?;
            } else {
                let shape = self.test()?;
                // A keyword argument or a walrus: a plain name on the left.
                if self.at_op("=") || self.at_op(":=") {
                    if shape != Shape::Name {
                        return fail();
                    }
                    self.advance();
                    self.test()?;
                } else if self.at_comprehension() {
                    // A bare generator is the only argument.
                    if count > 0 {
                        return fail();
                    }
                    self.comprehension()?;
                    return self.op(")");
                }
            }
            count += 1;
            if !self.eat_op(",") {
                break;
            }
        }
        self.op(")")
    }

    /// Subscripts after `[`, through the `]`.
    fn subscripts(&mut self) -> R {
        self.enter()?;
        let r = self.subscripts_inner();
        self.leave();
        r
    }

    fn subscripts_inner(&mut self) -> R {
        loop {
            if self.annotation {
                // tree-sitter may read the subscript of an annotation as a generic type's
                // parameters, each of them a type again: `dict[str, a[b] + c]` is an error.
                self.union()?;
            } else if !self.at_op(":") {
                self.named_test()?;
            }
            if self.at_op(":") && self.annotation {
                return fail();
            }
            if self.eat_op(":") {
                if !self.at_op(":") && !self.at_op(",") && !self.at_op("]") {
                    self.test()?;
                }
                if self.eat_op(":") && !self.at_op(",") && !self.at_op("]") {
                    self.test()?;
                }
            }
            if !self.eat_op(",") || self.at_op("]") {
                break;
            }
        }
        self.op("]")
    }

    /// An f-string: start, literal parts and replacement fields, end.
    fn fstring(&mut self) -> R {
        self.enter()?;
        let r = self.fstring_inner();
        self.leave();
        r
    }

    fn fstring_inner(&mut self) -> R {
        if self.kind() != Tok::FStringStart {
            return fail();
        }
        // A string in a replacement field that reuses the f-string's quote (Python 3.12,
        // PEP 701) ends the f-string for tree-sitter (`(f'{')'}'` + a line `)`: an error).
        let outer = quote_of(self.s());
        let mut depth = 0usize;
        for &t in &self.toks[self.pos..] {
            match t.kind {
                Tok::FStringEnd if depth == 1 => break,
                Tok::FStringEnd => depth -= 1,
                Tok::FStringStart | Tok::String => {
                    if depth > 0 && quote_of(self.str_at(t)).starts_with(outer) {
                        return fail();
                    }
                    depth += usize::from(t.kind == Tok::FStringStart);
                }
                _ => {}
            }
        }
        self.advance();
        loop {
            match self.kind() {
                Tok::FStringMiddle => {
                    // `\N{…}` is lexed differently by tree-sitter's f-string scanner.
                    if self.s().contains("\\N") {
                        return fail();
                    }
                    self.advance();
                }
                Tok::FStringEnd => {
                    self.advance();
                    return Some(());
                }
                Tok::Op if self.s() == "{" => self.field()?,
                _ => return fail(),
            }
        }
    }

    /// `{ expression [=] [!c] [: spec] }`.
    fn field(&mut self) -> R {
        self.enter()?;
        let r = self.field_inner();
        self.leave();
        r
    }

    fn field_inner(&mut self) -> R {
        self.op("{")?;
        if self.at_kw("yield") {
            self.yield_expr()?;
        } else {
            self.exprlist(false)?;
        }
        self.eat_op("=");
        if self.at_op("!") {
            let bang = self.tok();
            self.advance();
            let conv = self.tok();
            if conv.start != bang.end || !matches!(self.s(), "r" | "s" | "a") {
                return fail();
            }
            self.advance();
        }
        if self.eat_op(":") {
            // tree-sitter lexes `:=` here as the walrus operator (`f'{b:=)}'` is an error).
            if self.kind() == Tok::FStringMiddle && self.s().starts_with('=') {
                return fail();
            }
            loop {
                match self.kind() {
                    Tok::FStringMiddle => {
                        if self.s().contains(['{', '}', '\n', '\r', '\\']) {
                            return fail();
                        }
                        self.advance();
                    }
                    Tok::Op if self.s() == "{" => self.field()?,
                    _ => break,
                }
            }
        }
        self.op("}")
    }
}

/// The quote that opens a string or f-string token: `'`, `"`, `'''` or `"""`.
fn quote_of(token: &str) -> &str {
    let s = token.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    match s.get(..3) {
        Some(q @ ("'''" | "\"\"\"")) => q,
        _ => s.get(..1).unwrap_or(""),
    }
}

/// A number literal as both CPython and tree-sitter read it: `0x`/`0o`/`0b` and digits,
/// or decimal digits with an optional fraction, exponent and `j`; single `_` between
/// digits.
fn number_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |i: &mut usize, ok: fn(u8) -> bool| -> bool {
        let start = *i;
        while *i < b.len() {
            let underscore = b[*i] == b'_' && *i > start && b.get(*i + 1).is_some_and(|&c| ok(c));
            if ok(b[*i]) || underscore {
                *i += 1;
            } else {
                break;
            }
        }
        *i > start
    };
    let mut i = 0;
    if b.len() > 2 && b[0] == b'0' && b[1].is_ascii_alphabetic() {
        let ok: fn(u8) -> bool = match b[1] {
            b'x' | b'X' => |c| c.is_ascii_hexdigit(),
            b'o' | b'O' => |c| (b'0'..=b'7').contains(&c),
            b'b' | b'B' => |c| c == b'0' || c == b'1',
            _ => return false,
        };
        i = 2;
        if b.get(i) == Some(&b'_') {
            i += 1;
        }
        return digits(&mut i, ok) && i == b.len();
    }
    let dec: fn(u8) -> bool = |c| c.is_ascii_digit();
    let whole = digits(&mut i, dec);
    let mut fraction = false;
    if b.get(i) == Some(&b'.') {
        i += 1;
        fraction = digits(&mut i, dec);
    }
    if !whole && !fraction {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i, dec) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'j' | b'J')) {
        i += 1;
    }
    i == b.len()
}
