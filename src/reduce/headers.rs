//! The headers of functions whose bodies are blanked: their parameters, return
//! annotation and decorators go too, so tree-sitter sees `def name():` and `...`.
//!
//! What rules read of a function (`FunctionFact`, `DefFacts::decorators`):
//! - its name (SSOT301, SSOT202's method names, the project index): kept;
//! - `Parameters { first, count, star }`: SSOT102 names the `cls`/`self` its assignments
//!   store on, SSOT104 wants at most one parameter of a function whose returns it reads,
//!   `class_state` (project index, on its own parse of a class) the `self` its
//!   assignments and calls use; each also needs an item of the body (an assignment, a
//!   call, a return), and a blanked body has none;
//! - its decorators: SSOT102 (`classmethod`, `staticmethod`, with the body's
//!   assignments) and SSOT104 (a cache, with the body's returns): none without a body;
//!   SSOT105 reads decorators of classes only;
//! - strings, attributes and calls in defaults, annotations and decorators (SSOT004,
//!   SSOT001, SSOT201, the report): each is behind a needle, and a body is blanked only
//!   when its definition, decorators and header included, holds no hit.
//!
//! So once the body is blank nothing of the header is read but the name. The parameter
//! list's inside (everything between its brackets: `*`, `/`, trailing commas, comments,
//! `lambda` defaults, multi-line lists) and everything between its `)` and the final
//! `:` (the return annotation, a `\` continuation) become gaps of the included ranges,
//! so what tree-sitter sees always parses: `def name[T]():`. A decorator line goes
//! whole but for its line break and indentation, which leave a blank line.

use super::blanks::{Blank, Hits};
use super::lines::{Kind, Line};
use crate::python::scan::{Tok, Token};

/// Blanks for the headers of the functions in `lines` whose body `blanks` (sorted by
/// start) already blanks whole (a `...` where the body starts) and whose decorators and
/// header hold no hit.
pub(super) fn unread(
    b: &[u8],
    tokens: &[Token],
    lines: &[Line],
    hits: &Hits,
    blanks: &[Blank],
) -> Vec<Blank> {
    let mut out = Vec::new();
    for (i, header) in lines.iter().enumerate() {
        if header.kind != Kind::Def || !header.colon_last {
            continue;
        }
        let Some(body) = lines.get(i + 1).filter(|l| l.indent > header.indent) else {
            continue;
        };
        let at = blanks.partition_point(|&(s, _, _)| s < body.start);
        if !blanks.get(at).is_some_and(|&(s, _, dots)| s == body.start && dots) {
            continue;
        }
        let mut first = i;
        while first > 0
            && lines[first - 1].kind == Kind::Decorator
            && lines[first - 1].indent == header.indent
        {
            first -= 1;
        }
        if hits.any_within(lines[first].start, header.end) {
            continue;
        }
        let Some((open, close, colon)) = signature(b, tokens, header) else {
            continue;
        };
        out.extend(lines[first..i].iter().map(|d| (d.start, d.end, false)));
        if close > open {
            out.push((open, close, false));
        }
        if colon > close + 1 {
            out.push((close + 1, colon, false));
        }
    }
    out
}

/// In the `def` line `header`: the end of its parameter list's `(`, the start of its
/// `)` and the start of the line's final `:`; `None` when the line is not of that form.
fn signature(b: &[u8], tokens: &[Token], header: &Line) -> Option<(usize, usize, usize)> {
    let from = tokens.partition_point(|t| (t.start as usize) < header.start);
    let to = tokens.partition_point(|t| (t.start as usize) < header.end);
    let line = &tokens[from..to];
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
    Some((
        line[open].end as usize,
        line[close].start as usize,
        colon.start as usize,
    ))
}
