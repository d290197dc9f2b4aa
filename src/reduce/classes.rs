//! A class chunk reduced to what `python::defs::class_state` reads, for the project
//! index's `class_summary` (the singleton rules ask it of every class a module-level
//! binding constructs; parsing the whole class was 6.85 % of a stdlib check).
//!
//! `class_state` reads the class's decorators and header, and of each method its
//! decorators, its header (the first parameter, `slf`), its assignments whose target's
//! object is `slf` or starts with `slf.`, and the calls inside it whose callee is
//! `setattr`/`delattr`/`object.__setattr__`/`object.__delattr__` or a `MUTATING_CALLS`
//! method of an object on `slf`. An assignment (tree-sitter's `assignment` and
//! `augmented_assignment`: `=`, `:` or an augmented operator) or a call is inside one
//! logical line with its target or callee, so a method keeps just the logical lines that
//! name `setattr`/`delattr`, or hold `slf` with an assignment operator or a mutating
//! call's name ([`is_read`]; a superset), with the headers of the blocks around them
//! (`blanks::keep_imports`); a `@staticmethod`/`@classmethod` keeps none (`class_state`
//! skips it). A method is any `def` of the class body or of its `if`/`try` blocks
//! (not of a nested class or function). The class body's own simple statements (its docstring, attributes) are
//! read by no part of `class_state` and go; everything else of the class stays.
//!
//! Before that, one statement is parsed alone ([`probe`]): the first of a public method
//! that starts with its `self` and may change it. When it does, the class is `Mutable`
//! whatever else it holds, and nothing more is parsed.
//!
//! `scan classes DIR...` (examples/scan.rs) compares this with the whole parse: on
//! 2026-11-30, stdlib and the 10k corpus, 52,353 classes, 52,164 reduced, 0 differ,
//! 13.5 % of the non-blank bytes kept (26.7 % without the probe).

use super::blanks::{keep_imports, Blank, Hits};
use super::lines::{sound, Kind, Line};
use super::tokens::is_assignment_op;
use crate::python::defs::{class_state, ClassState, MUTATING_CALLS};
use crate::python::scan::{self, LogicalLine, Tok, Token};
use crate::python::{self as py, recognize, Facts};

/// The facts of the class chunk `text` parsed from its reduced text, and that text
/// (blanked bytes are spaces, offsets unchanged); `None` when the recognizer is unsure
/// of the chunk, the chunk is no single class, or the reduced parse has an error: the
/// caller parses the chunk whole.
pub fn class_state_facts(text: &str) -> Option<(Facts, String)> {
    let tokens = scan::tokenize(text);
    if !recognize::certainly_valid(text, &tokens) {
        return None;
    }
    let lines = scan::logical_lines(text, &tokens);
    if !sound(text, &tokens, &lines) {
        return None;
    }
    let blanks = methods(text.as_bytes(), &tokens, &lines)?;
    let parse = |blanks| {
        let (reduced, included) = super::apply_blanks(text, &tokens, &lines, blanks)?;
        let facts = py::analyze_included(&reduced, None, &included, &[])?;
        facts.syntax_errors.is_empty().then_some((facts, reduced))
    };
    // One public method that changes `self` makes the class `Mutable` whatever the rest
    // holds: the one statement that may show it is parsed first, the class only when it
    // does not.
    if let Some(probe) = probe(text.as_bytes(), &tokens, &lines) {
        if let Some((facts, reduced)) = parse(probe) {
            let class = facts
                .defs
                .classes
                .iter()
                .position(|c| c.scope == py::Scope::Module);
            if class.is_some_and(|i| class_state(&facts.defs, i, &reduced) == ClassState::Mutable) {
                return Some((facts, reduced));
            }
        }
    }
    parse(blanks)
}

/// The blanks that keep, of the class body `lines` hold (already accepted by
/// [`methods`]), only the first statement of a public method (in the class body itself,
/// bound: no `@staticmethod`/`@classmethod`) that starts with its first parameter and
/// may assign to it or mutate it ([`is_read`]), with that method's header and the
/// headers of the blocks around the statement; `None` when there is no such statement.
fn probe(b: &[u8], tokens: &[Token], lines: &[LogicalLine]) -> Option<Vec<Blank>> {
    let body = lines.iter().position(|l| l.kind() != Kind::Decorator)? + 1;
    let member = lines.get(body)?.indent;
    let mut i = body;
    while i < lines.len() {
        let line = &lines[i];
        let mut end = i + 1;
        while end < lines.len() && lines[end].indent > line.indent {
            end += 1;
        }
        let mut first = i;
        while first > body && lines[first - 1].kind() == Kind::Decorator {
            first -= 1;
        }
        let bound = !lines[first..i].iter().any(|d| {
            let text = b[d.start()..d.end()].trim_ascii_end();
            text == b"@staticmethod" || text == b"@classmethod"
        });
        if line.kind() == Kind::Def && line.indent == member && line.colon_last && bound {
            let public = method_name(b, tokens, line).is_some_and(|n| !n.starts_with(b"_"));
            if let Some(slf) = first_parameter(b, tokens, line).filter(|_| public) {
                let starts_with_self = |j: usize| {
                    let toks =
                        &tokens[lines[j].tokens.start as usize..lines[j].tokens.end as usize];
                    toks.iter()
                        .find(|t| {
                            !matches!(t.kind, Tok::Nl | Tok::Comment | Tok::Indent | Tok::Dedent)
                        })
                        .is_some_and(|t| t.kind == Tok::Name && &b[t.range()] == slf)
                };
                let found = (i + 1..end).find(|&j| {
                    !lines[j].colon_last
                        && starts_with_self(j)
                        && is_read(b, tokens, &lines[j], Some(slf))
                });
                if let Some(j) = found {
                    let hits = Hits(vec![(lines[j].start(), lines[j].end())]);
                    let mut blanks = Vec::new();
                    return keep_imports(lines, body, lines.len(), &hits, (b, tokens), &mut blanks)
                        .then_some(blanks);
                }
            }
        }
        i = if line.kind() == Kind::Decorator {
            i + 1
        } else {
            end.max(i + 1)
        };
    }
    None
}

/// The name of the function the `def` line `def` defines.
fn method_name<'a>(b: &'a [u8], tokens: &[Token], def: &LogicalLine) -> Option<&'a [u8]> {
    let from = tokens.partition_point(|t| (t.start as usize) < def.start());
    let mut names = tokens[from..]
        .iter()
        .take_while(|t| (t.start as usize) < def.end())
        .filter(|t| t.kind == Tok::Name)
        .map(|t| &b[t.range()]);
    let mut next = names.next()?;
    if next == b"async" {
        next = names.next()?;
    }
    (next == b"def").then(|| names.next()).flatten()
}

/// The blanks of every method body of the one class `lines` hold (decorators, then the
/// `class` line, then its body to the end); `None` when the lines are not that.
fn methods(b: &[u8], tokens: &[Token], lines: &[LogicalLine]) -> Option<Vec<Blank>> {
    let header = lines.iter().position(|l| l.kind() != Kind::Decorator)?;
    let class = &lines[header];
    let body = header + 1;
    if class.kind() != Kind::Class
        || !class.colon_last
        || lines.get(body).is_none_or(|l| l.indent <= class.indent)
        || lines[body..].iter().any(|l| l.indent <= class.indent)
    {
        return None;
    }
    let member = lines[body].indent;
    let mut blanks = Vec::new();
    // The class body's simple statements (docstring, attributes): no method's.
    let mut simple = Vec::new();
    // The decorators right before line `i`.
    let mut decorators = body;
    let mut i = body;
    while i < lines.len() {
        let line = &lines[i];
        if line.kind() == Kind::Decorator {
            if i == body || lines[i - 1].kind() != Kind::Decorator {
                decorators = i;
            }
            i += 1;
            continue;
        }
        let first = if i > body && lines[i - 1].kind() == Kind::Decorator {
            decorators
        } else {
            i
        };
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && lines[end].indent > line.indent {
            end += 1;
        }
        match line.kind() {
            // A method: in the class body or in one of its `if`/`try` blocks.
            Kind::Def if line.colon_last && end > start => {
                method(b, tokens, lines, (first, i, end), &mut blanks);
                i = end;
            }
            // A nested class stays whole.
            Kind::Class => i = end.max(start),
            _ => {
                // (A one-line `def` is no simple statement: it stays.)
                if line.kind() == Kind::Other && line.indent == member && !line.colon_last {
                    simple.push((line.start(), line.end(), false));
                }
                i = start;
            }
        }
    }
    let statements = lines[body..].iter().filter(|l| l.indent == member).count();
    if simple.len() < statements {
        blanks.extend(simple);
    } else if lines[body].fits_dots(b) {
        // Only simple statements: the body becomes `...`.
        blanks.push((lines[body].start(), lines[lines.len() - 1].end(), true));
    }
    Some(blanks)
}

/// Blank what `class_state` does not read of the method whose decorators start at
/// `lines[first]`, whose `def` line is `lines[def]` and whose body ends before
/// `lines[end]`; nothing when its first parameter is not a plain name.
fn method(
    b: &[u8],
    tokens: &[Token],
    lines: &[LogicalLine],
    (first, def, end): (usize, usize, usize),
    blanks: &mut Vec<Blank>,
) {
    let unbound = lines[first..def].iter().any(|d| {
        let text = b[d.start()..d.end()].trim_ascii_end();
        text == b"@staticmethod" || text == b"@classmethod"
    });
    let slf = if unbound {
        None
    } else {
        match first_parameter(b, tokens, &lines[def]) {
            Some(slf) => Some(slf),
            None => return,
        }
    };
    let hits = Hits(
        (def + 1..end)
            .filter(|&j| is_read(b, tokens, &lines[j], slf))
            .map(|j| (lines[j].start(), lines[j].end()))
            .collect(),
    );
    // `false`: a `...` does not fit, and the body stays whole.
    keep_imports(lines, def + 1, end, &hits, (b, tokens), blanks);
}

/// May the statement `line` of a method whose first parameter is
/// `slf` (`None`: a static or class method) be read by `class_state`? It names
/// `setattr`/`delattr`, or it holds `slf` and an assignment operator outside brackets
/// (an assignment statement's; the block's closing `:` aside) or a name of
/// `MUTATING_CALLS`.
fn is_read(b: &[u8], tokens: &[Token], line: &LogicalLine, slf: Option<&[u8]>) -> bool {
    let text = &b[line.start()..line.end()];
    if [&b"setattr"[..], b"delattr"]
        .iter()
        .any(|n| memchr::memmem::find(text, n).is_some())
    {
        return true;
    }
    let Some(slf) = slf else {
        return false;
    };
    if memchr::memmem::find(text, slf).is_none() {
        return false;
    }
    let toks = &tokens[line.tokens.start as usize..line.tokens.end as usize];
    let code = toks
        .iter()
        .rposition(|t| !matches!(t.kind, Tok::Nl | Tok::Comment));
    let block_colon = code.filter(|_| line.colon_last);
    // Assignment operators count outside brackets only: inside they are keyword
    // arguments, dict entries and slices.
    let mut depth = 0usize;
    toks.iter().enumerate().any(|(k, t)| {
        let word = &b[t.range()];
        match t.kind {
            Tok::Op if matches!(word, b"(" | b"[" | b"{") => {
                depth += 1;
                false
            }
            Tok::Op if matches!(word, b")" | b"]" | b"}") => {
                depth = depth.saturating_sub(1);
                false
            }
            Tok::Op => depth == 0 && Some(k) != block_colon && is_assignment_op(word),
            Tok::Name => MUTATING_CALLS.iter().any(|c| c.as_bytes() == word),
            _ => false,
        }
    })
}

/// The name of the first parameter of the `def` line `def` (`self` in `def f(self, x)`);
/// `None` unless the line starts `[async] def NAME(NAME` (`*args`, `/`, type
/// parameters and no parameter are left whole).
fn first_parameter<'a>(b: &'a [u8], tokens: &[Token], def: &LogicalLine) -> Option<&'a [u8]> {
    let from = tokens.partition_point(|t| (t.start as usize) < def.start());
    let mut code = tokens[from..]
        .iter()
        .take_while(|t| (t.start as usize) < def.end())
        .filter(|t| !matches!(t.kind, Tok::Nl | Tok::Comment) && t.end > t.start)
        .map(|t| (t.kind, &b[t.range()]));
    let is = |(kind, text): (Tok, &[u8]), k: Tok, word: &[u8]| kind == k && text == word;
    let mut next = code.next()?;
    if is(next, Tok::Name, b"async") {
        next = code.next()?;
    }
    if !is(next, Tok::Name, b"def")
        || code.next()?.0 != Tok::Name
        || !is(code.next()?, Tok::Op, b"(")
    {
        return None;
    }
    code.next()
        .filter(|&(kind, _)| kind == Tok::Name)
        .map(|(_, name)| name)
}
