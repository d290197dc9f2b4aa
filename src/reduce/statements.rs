//! Module-level simple statements that no rule reads: blanked whole, line break
//! included, so tree-sitter sees the module without them.
//!
//! What rules read of a module-level simple statement (imports aside, never blanked):
//! - `Facts::strings`, `Facts::attributes` and `DefFacts::calls` anywhere (SSOT004,
//!   SSOT001 through `import typing` … `typing.Mapping`, SSOT201 and the report's
//!   factory calls): each is behind a needle, so a statement with a hit is kept (but
//!   for a hit inside a string literal that cannot be a legacy path: [`unread`]);
//! - `DefFacts::module_assignments`: SSOT101 reads those whose value is a call, SSOT103
//!   the names that a function declares `global`; an assignment that may hold a call,
//!   or binds a name that follows a `global` anywhere in the text, is kept, but for
//!   `name = a.b(…)` where every binding of `a` in the text is an absolute import of a
//!   module outside [`BodyNeedles::singleton_packages`] (SSOT101 counts no class of such
//!   a module: on the 10k corpus, `re.compile`, `logging.getLogger`, `timedelta`,
//!   `threading.Lock` were 0.57 % of all bytes);
//! - comments, for `# noqa`: a blanked statement covers whole lines, on which no
//!   diagnostic can be.
//!
//! Docstrings, expression statements (`print(…)`, `register(Handler)`), `del`, `pass`,
//! `assert` and assignments of constants (`__all__ = […]`, `X = 1`, `Y = a.b`) go.

use super::blanks::{Blank, Hits};
use super::tokens::{declared_names, Found};
#[cfg(doc)]
use crate::prefilter::BodyNeedles;
use crate::python::scan::{LineKind, LogicalLine, Tok, Token};

/// Is `word` the first word of a compound statement or a clause (one-liners such as
/// `for x in y: f(x)` included)? Those lines are kept. (A `match`, not a list walked
/// with a comparison each: it is asked of every module-level statement.)
fn is_compound(word: &[u8]) -> bool {
    matches!(
        word,
        b"if"
            | b"elif"
            | b"else"
            | b"for"
            | b"while"
            | b"with"
            | b"try"
            | b"except"
            | b"finally"
            | b"async"
            | b"match"
            | b"case"
            | b"class"
            | b"def"
    )
}

/// Candidate blanks: module-level simple statements that no rule reads but through a
/// needle (the caller drops those holding a hit). Each blank runs from the statement's
/// first token past its line break. `found`: the text's keywords (an assignment to a
/// name a `global` declares is read).
pub(super) fn module_statements(
    b: &[u8],
    tokens: &[Token],
    scanned: &[LogicalLine],
    found: &Found,
    packages: Option<&[String]>,
) -> Vec<Blank> {
    let globals = global_names(b, tokens, &found.globals);
    // What each name is bound to, computed once and only when a call may be foreign.
    // What import lines bind, then (only once one binds a callee outside) the names
    // `def`/`class` bind: each computed once per text, and only when needed.
    let mut imports: Option<Option<Imports>> = None;
    let mut definitions: Option<Option<Vec<&[u8]>>> = None;
    let mut foreign = |root: &[u8]| {
        let Some(packages) = packages else {
            return false;
        };
        let Some(Imports { bound, statements }) = imports
            .get_or_insert_with(|| import_bindings(b, tokens, scanned, packages))
            .as_ref()
        else {
            return false;
        };
        let mut bound = bound.iter().filter(|(n, _)| *n == root);
        if !bound.next().is_some_and(|(_, f)| *f) || !bound.all(|(_, f)| *f) {
            return false;
        }
        definitions
            .get_or_insert_with(|| {
                // An `import` keyword outside the import lines read: unsure.
                (found.imports.len() == *statements).then(|| defined_names(b, tokens))
            })
            .as_ref()
            .is_some_and(|names| !names.contains(&root))
    };
    let mut out = Vec::new();
    // One buffer for every statement's code tokens.
    let mut code: Vec<&Token> = Vec::new();
    for line in scanned {
        if line.indent != 0 || line.kind != LineKind::Other || line.colon_last || line.error {
            continue;
        }
        code.clear();
        code.extend(
            tokens[line.tokens.start as usize..line.tokens.end as usize]
                .iter()
                .filter(|t| !matches!(t.kind, Tok::Nl | Tok::Comment)),
        );
        let Some(first) = code.first() else {
            continue;
        };
        if first.kind == Tok::Name && is_compound(&b[first.range()]) {
            continue;
        }
        if !blankable(b, &code, &globals, &mut foreign) {
            continue;
        }
        let end = match tokens.get(line.tokens.end as usize) {
            Some(t) if t.kind == Tok::Newline => t.end as usize,
            _ => line.end as usize,
        };
        out.push((line.start as usize, end, false));
    }
    out
}

/// May the statement of `code` (its tokens, comments aside) go when it holds no hit? Not
/// with a `;` (another statement, an import, may follow), nor as an assignment that
/// binds a `global` name, nor as one whose value may be a call but for a call SSOT101
/// cannot count ([`foreign_call`]).
fn blankable(
    b: &[u8],
    code: &[&Token],
    globals: &[&[u8]],
    foreign: &mut dyn FnMut(&[u8]) -> bool,
) -> bool {
    let text = |t: &Token| &b[t.range()];
    let mut depth = 0u32;
    // Indexes of the `=` of an assignment (`a = b = v`: two).
    let mut equals = Vec::new();
    for (i, t) in code.iter().enumerate() {
        if t.kind != Tok::Op {
            continue;
        }
        match text(t) {
            b";" => return false,
            b"=" if depth == 0 => equals.push(i),
            b"(" | b"[" | b"{" => depth += 1,
            b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let Some(&last) = equals.last() else {
        return true;
    };
    if code
        .iter()
        .any(|t| t.kind == Tok::Name && globals.contains(&text(t)))
    {
        return false;
    }
    // A target pattern (`a, b = …`, `[a, b] = …`) takes the value's elements one by one.
    let mut pattern = false;
    let mut from = 0;
    for &eq in &equals {
        let target = &code[from..eq];
        pattern |= target
            .first()
            .is_some_and(|t| matches!(text(t), b"(" | b"["))
            || depth_zero(b, target).any(|t| text(t) == b",");
        from = eq + 1;
    }
    !may_be_call(b, &code[last + 1..], pattern) || foreign_call(b, code, &equals, foreign)
}

/// Is `code` `name = a.b.c(…)` or `name: T = a.b.c(…)`, one call whose callee's first
/// name is `foreign`? SSOT101 resolves that callee through the import that binds the name
/// to a module outside its packages, and counts no such class (`Kind::Unknown` of a
/// module that is not first-party, not listed): `logger = logging.getLogger(…)`,
/// `_RE = re.compile(…)`.
fn foreign_call(
    b: &[u8],
    code: &[&Token],
    equals: &[usize],
    foreign: &mut dyn FnMut(&[u8]) -> bool,
) -> bool {
    let text = |t: &Token| &b[t.range()];
    let &[eq] = equals else {
        return false;
    };
    let target = code[0].kind == Tok::Name
        && (eq == 1
            || code
                .get(1)
                .is_some_and(|t| t.kind == Tok::Op && text(t) == b":"));
    let value = &code[eq + 1..];
    let Some(root) = value.first().filter(|t| t.kind == Tok::Name) else {
        return false;
    };
    let mut k = 1;
    while value.get(k).is_some_and(|t| text(t) == b".")
        && value.get(k + 1).is_some_and(|t| t.kind == Tok::Name)
    {
        k += 2;
    }
    target
        && value
            .get(k)
            .is_some_and(|t| t.kind == Tok::Op && text(t) == b"(")
        && encloses(b, &value[k..])
        && foreign(text(root))
}

/// What the `import` statements of a text bind ([`import_bindings`]).
struct Imports<'t> {
    /// Each bound name, and whether it is bound to a module outside the packages.
    bound: Vec<(&'t [u8], bool)>,
    /// How many import statements there are.
    statements: usize,
}

/// Every name an `import` statement at the start of a logical line binds, with whether
/// the binding is an absolute import of a module outside `packages` (sorted: the
/// `Reducer` sorts them; a relative import's is not), and how many such statements there
/// are; `None` when one has a `;`.
fn import_bindings<'t>(
    b: &'t [u8],
    tokens: &[Token],
    scanned: &[LogicalLine],
    packages: &[String],
) -> Option<Imports<'t>> {
    let text = |t: &Token| &b[t.range()];
    let outside = |top: &[u8]| {
        packages
            .binary_search_by(|p| p.as_bytes().cmp(top))
            .is_err()
    };
    let mut out = Vec::new();
    let mut statements = 0;
    let mut code: Vec<&Token> = Vec::new();
    for line in scanned {
        // The scanner's kinds: the line's first token is the word `import` or `from`.
        let from = match line.kind {
            LineKind::Import => false,
            LineKind::From => true,
            _ => continue,
        };
        code.clear();
        code.extend(
            tokens[line.tokens.start as usize..line.tokens.end as usize]
                .iter()
                .filter(|t| !matches!(t.kind, Tok::Nl | Tok::Comment)),
        );
        statements += 1;
        if code.iter().any(|t| text(t) == b";") {
            return None;
        }
        let mut names = &code[1..];
        // Of `from m import …`, the module: relative when it starts with dots.
        let mut module_outside = true;
        if from {
            let at = names
                .iter()
                .position(|t| t.kind == Tok::Name && text(t) == b"import")?;
            let module = &names[..at];
            module_outside =
                module.first().is_some_and(|t| t.kind == Tok::Name) && outside(text(module[0]));
            names = &names[at + 1..];
            if names.first().is_some_and(|t| text(t) == b"(") {
                names = &names[1..names.len().checked_sub(1)?];
            }
        }
        for part in names.split(|t| text(t) == b",") {
            let (local, top) = match part {
                [] => continue,
                [star] if from && text(star) == b"*" => continue,
                [name, .., as_, alias] if text(as_) == b"as" => (*alias, *name),
                [name, ..] => (*name, *name),
            };
            if local.kind != Tok::Name || top.kind != Tok::Name {
                return None;
            }
            let bound_outside = if from {
                module_outside
            } else {
                outside(text(top))
            };
            out.push((text(local), bound_outside));
        }
    }
    Some(Imports {
        bound: out,
        statements,
    })
}

/// The names `def` and `class` bind anywhere in the text (asked only when every `import`
/// keyword is in an import line [`import_bindings`] read: none after a `;` or in a
/// one-line compound statement).
fn defined_names<'t>(b: &'t [u8], tokens: &[Token]) -> Vec<&'t [u8]> {
    let text = |t: &Token| &b[t.range()];
    let mut out = Vec::new();
    // One pass over the tokens, lengths compared before bytes (most tokens are neither).
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != Tok::Name || !matches!(t.end - t.start, 3 | 5) {
            continue;
        }
        if matches!(text(t), b"def" | b"class") {
            if let Some(name) = tokens.get(i + 1).filter(|n| n.kind == Tok::Name) {
                out.push(text(name));
            }
        }
    }
    out
}

/// The tokens of `code` outside its brackets (the brackets themselves included).
fn depth_zero<'c>(b: &'c [u8], code: &'c [&'c Token]) -> impl Iterator<Item = &'c Token> + 'c {
    let mut depth = 0u32;
    code.iter().filter_map(move |t| {
        let before = depth;
        if t.kind == Tok::Op {
            match &b[t.range()] {
                b"(" | b"[" | b"{" => depth += 1,
                b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        (before == 0).then_some(*t)
    })
}

/// Could `value` be a call, as `DefFacts::module_assignments` records one (the value
/// without parentheses, or with a target pattern one of its elements)? A call ends with
/// its `)`: a value or element that ends otherwise is none, and so is a parenthesized
/// tuple of a plain target.
fn may_be_call(b: &[u8], mut value: &[&Token], pattern: bool) -> bool {
    let text = |t: &Token| &b[t.range()];
    let closes = |t: Option<&&Token>| t.is_some_and(|t| text(t) == b")");
    // Parentheses around the whole value go, as `strip_parens` drops them.
    while let Some(inner) = parenthesized(b, value) {
        if !depth_zero(b, inner).any(|t| text(t) == b",") {
            value = inner;
            continue;
        }
        // A tuple: one of its elements is a call only for a target pattern.
        return pattern && element_calls(b, inner);
    }
    if closes(value.last()) {
        return true;
    }
    if !pattern {
        return false;
    }
    match value.first().map(|t| text(t)) {
        Some(b"[") if text(value[value.len() - 1]) == b"]" && encloses(b, value) => {
            element_calls(b, &value[1..value.len() - 1])
        }
        _ => element_calls(b, value),
    }
}

/// Does some element of the comma-separated `items` end with a `)`?
fn element_calls(b: &[u8], items: &[&Token]) -> bool {
    let text = |t: &Token| &b[t.range()];
    let mut depth = 0u32;
    let mut previous: Option<&Token> = None;
    for t in items {
        if t.kind == Tok::Op {
            match text(t) {
                b"(" | b"[" | b"{" => depth += 1,
                b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
                b"," if depth == 0 && previous.is_some_and(|p| text(p) == b")") => return true,
                _ => {}
            }
        }
        previous = Some(t);
    }
    previous.is_some_and(|p| text(p) == b")")
}

/// The inside of `value` when it is one pair of parentheses around the rest.
fn parenthesized<'v, 'c>(b: &[u8], value: &'v [&'c Token]) -> Option<&'v [&'c Token]> {
    let (first, last) = (value.first()?, value.last()?);
    (value.len() >= 2
        && &b[first.range()] == b"("
        && &b[last.range()] == b")"
        && encloses(b, value))
    .then(|| &value[1..value.len() - 1])
}

/// Does the first token of `value` (an opening bracket) close only at its last token?
fn encloses(b: &[u8], value: &[&Token]) -> bool {
    let mut depth = 0u32;
    for (i, t) in value.iter().enumerate() {
        if t.kind != Tok::Op {
            continue;
        }
        match &b[t.range()] {
            b"(" | b"[" | b"{" => depth += 1,
            b")" | b"]" | b"}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == value.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// The names that follow the `global` keywords `keywords` (token indexes: every one in
/// the text).
fn global_names<'t>(b: &'t [u8], tokens: &'t [Token], keywords: &[usize]) -> Vec<&'t [u8]> {
    let mut names = Vec::new();
    for &i in keywords {
        names.extend(declared_names(b, tokens, i));
    }
    names
}

/// The candidates of [`module_statements`] that hold no hit a rule can read: a needle
/// inside a string literal (a canonical name in a message, in a doctest) names no
/// attribute, call or definition; only a legacy path that is a whole literal is read
/// (`strings`, `Reducer::string_hit`).
pub(super) fn unread<'a>(
    tokens: &'a [Token],
    candidates: Vec<Blank>,
    hits: &'a Hits,
    strings: &'a dyn Fn(&Token) -> bool,
) -> impl Iterator<Item = Blank> + 'a {
    candidates.into_iter().filter(move |&(s, e, _)| {
        !hits.within(s, e).any(|&(hs, he)| {
            let i = tokens.partition_point(|t| (t.start as usize) <= hs);
            match i.checked_sub(1).map(|i| &tokens[i]) {
                Some(t) if t.kind == Tok::String && he <= t.end as usize => strings(t),
                _ => true,
            }
        })
    })
}
