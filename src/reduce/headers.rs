//! What no rule reads of `def` and `class` lines: blanked, so tree-sitter parses less of
//! them (on the 10k corpus, module-level definition lines were 5.5 % of all bytes, the
//! most of what was parsed).
//!
//! What rules read of a function (`FunctionFact`, `DefFacts::decorators`):
//! - its name (SSOT301, SSOT202's method names, the project index): kept;
//! - `Parameters { first, count, star }`: SSOT102 names the `cls` its assignments store
//!   on, SSOT104 wants at most one parameter (`count`, `star`) of a function under a
//!   cache decorator whose returns it reads (`class_state` reads `first` too, but on
//!   the project index's own parse of the class); each also needs an item of the body
//!   (an assignment, a return), and a blanked body has none;
//! - its decorators: SSOT102 (`classmethod`, `staticmethod`, with the body's
//!   assignments) and SSOT104 (a cache, with the body's returns): none without a body;
//! - no rule reads a return annotation.
//!
//! What rules read of a class (`ClassFact`) in the file's own lint: its name, methods
//! and class attributes; SSOT105 its decorators and keywords (behind the `singleton`
//! needle). Its bases and `class_state`'s decorators are read by
//! `ModuleIndex::class_summary`, which parses the class's chunk on its own.
//!
//! Strings, attributes and calls anywhere in a header (SSOT004, SSOT001, SSOT201, the
//! report) are behind needles: a header (decorators included where they go) with a hit
//! is left whole.
//!
//! So once a body is blank nothing of its header is read but the name; with the body
//! kept, the return annotation, a class's bases and keywords, and the parameters after
//! the first of a function without decorators are not. Blanked parts become gaps of the
//! included ranges (the parameter list's inside, with its `*`, `/`, trailing commas,
//! comments, `lambda` defaults and line breaks; everything between the `)` and the final
//! `:`, a `\` continuation included), so what tree-sitter sees always parses:
//! `def name[T]():`, `def name(self):`, `class Name():`. A decorator line goes whole but
//! for its indentation and line break, which leave a blank line.

use super::blanks::{Blank, Hits};
use super::lines::{Kind, Line};
use crate::python::scan::{LogicalLine, Tok, Token};

/// Blanks for the definition headers in `lines` that no rule reads. Where `blanks`
/// (sorted by start) already blanks a body whole (a `...` where it starts) and the
/// decorators and header hold no hit: the decorators, the parameter list's (or the
/// bases') inside and the return annotation. Where a function's body is kept and its
/// header holds no hit: the return annotation and, with no decorator (SSOT104 reads
/// `count` and `star` only under a cache decorator), the parameters after a first one
/// that is a plain name (`first` stays exact). Where a class's body is kept and its
/// header holds no hit: the bases and keywords.
pub(super) fn unread(
    b: &[u8],
    tokens: &[Token],
    lines: &[LogicalLine],
    hits: &Hits,
    blanks: &[Blank],
) -> Vec<Blank> {
    let mut out = Vec::new();
    for (i, header) in lines.iter().enumerate() {
        if !matches!(header.kind(), Kind::Def | Kind::Class) || !header.colon_last {
            continue;
        }
        let Some(body) = lines.get(i + 1).filter(|l| l.indent > header.indent) else {
            continue;
        };
        let mut first = i;
        while first > 0
            && lines[first - 1].kind() == Kind::Decorator
            && lines[first - 1].indent == header.indent
        {
            first -= 1;
        }
        let at = blanks.partition_point(|&(s, _, _)| s < body.start());
        let body_blank = blanks
            .get(at)
            .is_some_and(|&(s, _, dots)| s == body.start() && dots);
        let from = if body_blank { first } else { i };
        if hits.any_within(lines[from].start(), header.end()) {
            continue;
        }
        if body_blank {
            out.extend(lines[first..i].iter().map(|d| (d.start(), d.end(), false)));
        }
        let Some(signature) = signature(b, tokens, header) else {
            continue;
        };
        let inside = match header.kind() {
            Kind::Def if !body_blank => (first == i)
                .then_some(signature.first_name)
                .flatten()
                .map(|end| (end, signature.close)),
            _ => Some((signature.open, signature.close)),
        };
        if let Some((start, end)) = inside.filter(|(s, e)| e > s) {
            out.push((start, end, false));
        }
        if signature.colon > signature.close + 1 {
            out.push((signature.close + 1, signature.colon, false));
        }
    }
    out
}

/// Where the parts of a `def` or `class` line lie.
struct Signature {
    /// The end of the parameter list's (or the bases') `(`.
    open: usize,
    /// The end of the first parameter when it is a plain name (`self`, `cls`, `x`).
    first_name: Option<usize>,
    /// The start of the matching `)`.
    close: usize,
    /// The start of the line's final `:`.
    colon: usize,
}

/// The parts of the `def` or `class` line `header`; `None` when it has no `(` outside
/// type parameters or something other than a return annotation follows the `)`.
fn signature(b: &[u8], tokens: &[Token], header: &LogicalLine) -> Option<Signature> {
    // The zero-width indentation tokens before the line's first token, which a search
    // by offsets would find too, are no `Op` and start no name: leaving them out
    // changes nothing below.
    let line = &tokens[header.tokens.start as usize..header.tokens.end as usize];
    let text = |t: &Token| &b[t.range()];
    // The first `(` outside brackets: type parameters (`def f[T: (A, B)]`) come before.
    let mut depth = 0u32;
    let mut open = None;
    for (k, t) in line.iter().enumerate() {
        if t.kind != Tok::Op {
            continue;
        }
        match text(t) {
            b"(" if depth == 0 => {
                open = Some(k);
                break;
            }
            b"(" | b"[" | b"{" => depth += 1,
            b")" | b"]" | b"}" => depth = depth.checked_sub(1)?,
            _ => {}
        }
    }
    let open = open?;
    let mut depth = 0u32;
    let mut close = None;
    for (k, t) in line.iter().enumerate().skip(open) {
        if t.kind != Tok::Op {
            continue;
        }
        match text(t) {
            b"(" | b"[" | b"{" => depth += 1,
            b")" | b"]" | b"}" => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    close = Some(k);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    if text(&line[close]) != b")" {
        return None;
    }
    let colon = line
        .iter()
        .rev()
        .find(|t| !matches!(t.kind, Tok::Nl | Tok::Comment))?;
    if colon.kind != Tok::Op || text(colon) != b":" || colon.start <= line[close].start {
        return None;
    }
    // After the `)`: nothing, or a return annotation (`-> T`).
    let after = line[close + 1..]
        .iter()
        .find(|t| !matches!(t.kind, Tok::Nl | Tok::Comment))?;
    if after.start != colon.start && !(after.kind == Tok::Op && text(after) == b"->") {
        return None;
    }
    let code = |k: usize| {
        line[k..]
            .iter()
            .find(|t| !matches!(t.kind, Tok::Nl | Tok::Comment))
    };
    let first_name = code(open + 1)
        .filter(|t| t.kind == Tok::Name)
        .and_then(|name| {
            let k = line.iter().position(|t| t.start == name.start)?;
            let next = code(k + 1)?;
            (next.kind == Tok::Op && matches!(text(next), b"," | b")")).then_some(name.end as usize)
        });
    Some(Signature {
        open: line[open].end as usize,
        first_name,
        close: line[close].start as usize,
        colon: colon.start as usize,
    })
}
