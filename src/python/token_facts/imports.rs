//! One `import …` or `from … import …` statement read off the scanner's tokens (the
//! definitions reader's, `definitions/compound.rs`). Module-level imports are a quarter
//! of what a reduced corpus file parses, and an import gives nothing but its
//! [`Import`] (no binding, call, attribute or string).
//!
//! Only what both CPython and tree-sitter-python read the same way is answered: no
//! keyword or non-ASCII name (tree-sitter has keyword-like identifiers of its own),
//! dotted names without spaces, no trailing comma outside brackets. Anything else is
//! `None`, and tree-sitter parses the chunk.

use compact_str::CompactString;

use crate::python::model::{Import, ImportContext, ImportKind, ImportedName, ModuleRef};
use crate::python::modules::{resolve_relative, ModuleName};
use crate::python::scan::{Tok, Token};

/// Words tree-sitter-python or CPython do not read as a plain name everywhere
/// (keywords, soft keywords, Python 2's `print`/`exec` statements): a chunk naming one is
/// left to tree-sitter.
pub(super) const RESERVED: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "case", "class",
    "continue", "def", "del", "elif", "else", "except", "exec", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "match", "nonlocal", "not", "or", "pass", "print",
    "raise", "return", "try", "type", "while", "with", "yield",
];

/// A cursor over the kept text's tokens.
pub(super) struct Reader<'a> {
    pub(super) kept: &'a str,
    pub(super) tokens: &'a [Token],
    pub(super) at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn kind(&self) -> Option<Tok> {
        self.tokens.get(self.at).map(|t| t.kind)
    }

    pub(super) fn text(&self) -> &'a str {
        self.tokens
            .get(self.at)
            .and_then(|t| self.kept.get(t.range()))
            .unwrap_or("")
    }

    pub(super) fn skip(&mut self, mut skipped: impl FnMut(Tok) -> bool) {
        while self.kind().is_some_and(&mut skipped) {
            self.at += 1;
        }
    }

    /// Inside brackets, comments and line breaks between tokens (tree-sitter's extras).
    fn skip_in_brackets(&mut self) {
        self.skip(|t| matches!(t, Tok::Comment | Tok::Nl));
    }

    /// The current token is the operator or keyword `word`; taken if so.
    pub(super) fn eat(&mut self, kind: Tok, word: &str) -> Option<Token> {
        let token = *self.tokens.get(self.at)?;
        (token.kind == kind && self.kept.get(token.range()) == Some(word)).then(|| {
            self.at += 1;
            token
        })
    }

    /// A plain ASCII name that is no keyword.
    pub(super) fn name(&mut self) -> Option<Token> {
        let token = *self.tokens.get(self.at)?;
        let text = self.kept.get(token.range())?;
        if token.kind != Tok::Name || !text.is_ascii() || RESERVED.contains(&text) {
            return None;
        }
        self.at += 1;
        Some(token)
    }

    /// `a.b.c` written without spaces: its span.
    pub(super) fn dotted(&mut self) -> Option<std::ops::Range<usize>> {
        let first = self.name()?;
        let mut end = first.end;
        while let Some(dot) = self.tokens.get(self.at).filter(|t| t.start == end) {
            if dot.kind != Tok::Op || self.kept.get(dot.range()) != Some(".") {
                break;
            }
            self.at += 1;
            let next = self.name().filter(|n| n.start == dot.end)?;
            end = next.end;
        }
        Some(first.start as usize..end as usize)
    }

    /// `name` or `name as alias`; `dotted` for the names of `import`, not of `from`.
    fn imported(&mut self, dotted: bool, brackets: bool) -> Option<ImportedName> {
        let name_range = if dotted {
            self.dotted()?
        } else {
            self.name()?.range()
        };
        let mut end = name_range.end;
        if brackets {
            self.skip_in_brackets();
        }
        let alias = match self.eat(Tok::Name, "as") {
            Some(_) => {
                if brackets {
                    self.skip_in_brackets();
                }
                let alias = self.name()?;
                end = alias.end as usize;
                Some((
                    CompactString::from(self.kept.get(alias.range())?),
                    alias.range().into(),
                ))
            }
            None => None,
        };
        Some(ImportedName {
            name: CompactString::from(self.kept.get(name_range.clone())?),
            name_range: name_range.clone().into(),
            alias,
            range: (name_range.start..end).into(),
        })
    }

    /// The statement at the cursor: `Some(None)` for a `from __future__` import, which
    /// tree-sitter reads as a statement of its own that gives no fact.
    pub(super) fn statement(&mut self, module: Option<&ModuleName>) -> Option<Option<Import>> {
        let start = *self.tokens.get(self.at)?;
        if self.eat(Tok::Name, "import").is_some() {
            let mut names = vec![self.imported(true, false)?];
            while self.eat(Tok::Op, ",").is_some() {
                names.push(self.imported(true, false)?);
            }
            let end = names.last().map(|n| n.range.end())?;
            return Some(Some(Import {
                kind: ImportKind::Import,
                range: (start.start as usize..end).into(),
                module: None,
                names,
                star: None,
                context: ImportContext::default(),
            }));
        }
        self.eat(Tok::Name, "from")?;
        let (level, module_range, written) = self.module()?;
        self.eat(Tok::Name, "import")?;
        let future = level == 0 && written == "__future__";
        // tree-sitter reads `__future__` as a keyword: `from __future__.x` is its error.
        if level == 0 && !future && written.starts_with("__future__.") {
            return None;
        }
        if let Some(star) = self.eat(Tok::Op, "*") {
            if future {
                return None;
            }
            let star = star.range();
            return Some(Some(Import {
                kind: ImportKind::From,
                range: (start.start as usize..star.end).into(),
                module: Some(module_ref(module, level, written, module_range)),
                names: Vec::new(),
                star: Some(star.into()),
                context: ImportContext::default(),
            }));
        }
        let (names, end) = self.imported_names()?;
        if future {
            return Some(None);
        }
        Some(Some(Import {
            kind: ImportKind::From,
            range: (start.start as usize..end).into(),
            module: Some(module_ref(module, level, written, module_range)),
            names,
            star: None,
            context: ImportContext::default(),
        }))
    }

    /// The module of a `from` import: its level (leading dots), span and name as written.
    fn module(&mut self) -> Option<(usize, std::ops::Range<usize>, &'a str)> {
        let start = self.tokens.get(self.at)?.start as usize;
        let mut level = 0;
        let mut end = start;
        while let Some(token) = self.tokens.get(self.at) {
            let text = self.kept.get(token.range())?;
            if token.kind != Tok::Op || text.is_empty() || text.bytes().any(|b| b != b'.') {
                break;
            }
            level += text.len();
            end = token.end as usize;
            self.at += 1;
        }
        let written = if level > 0 && self.kind() == Some(Tok::Name) && self.text() == "import" {
            ""
        } else {
            let dotted = self.dotted()?;
            end = dotted.end;
            self.kept.get(dotted)?
        };
        Some((level, start..end, written))
    }

    /// The names of a `from` import, in brackets or not, and where they end.
    fn imported_names(&mut self) -> Option<(Vec<ImportedName>, usize)> {
        if self.eat(Tok::Op, "(").is_none() {
            let mut names = vec![self.imported(false, false)?];
            while self.eat(Tok::Op, ",").is_some() {
                names.push(self.imported(false, false)?);
            }
            let end = names.last().map(|n| n.range.end())?;
            return Some((names, end));
        }
        let mut names = Vec::new();
        loop {
            self.skip_in_brackets();
            names.push(self.imported(false, true)?);
            self.skip_in_brackets();
            if let Some(close) = self.eat(Tok::Op, ")") {
                return Some((names, close.end as usize));
            }
            self.eat(Tok::Op, ",")?;
            self.skip_in_brackets();
            // A trailing comma.
            if let Some(close) = self.eat(Tok::Op, ")") {
                return Some((names, close.end as usize));
            }
        }
    }
}

/// The `ModuleRef` tree-sitter's walk makes of a `from` import's module.
fn module_ref(
    module: Option<&ModuleName>,
    level: usize,
    written: &str,
    range: std::ops::Range<usize>,
) -> ModuleRef {
    let resolved = if level == 0 {
        Some(written.to_string())
    } else {
        module.and_then(|m| resolve_relative(m, level, (!written.is_empty()).then_some(written)))
    };
    ModuleRef {
        level,
        resolved: resolved.map(|r| CompactString::from(r.as_str())),
        range: range.into(),
    }
}
