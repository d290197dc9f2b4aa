//! The block stack around each logical line (scope depth, `if`/`try` nesting), summed
//! up per line for the rules that care where an import or assignment sits.

use super::lines::{LineKind, LogicalLine};
use super::token::{Tok, Token};

/// What encloses a logical line: the block stack, summed up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Number of enclosing `def`s and `class`es.
    pub scope_depth: u32,
    /// The innermost enclosing `def` or `class` is a `def`.
    pub in_function: bool,
    /// The innermost enclosing `def` or `class` is a `class`.
    pub in_class: bool,
    /// Inside the body of a `try:` one of whose handlers catches `ImportError` or
    /// `ModuleNotFoundError`.
    pub guarded: bool,
    /// Inside `if TYPE_CHECKING:` (or `if typing.TYPE_CHECKING:`).
    pub type_checking: bool,
}

/// The context of each of `lines` (same order), from an explicit block stack: a line
/// ending in `:` opens a block that the next less-indented line closes.
pub fn contexts(text: &str, tokens: &[Token], lines: &[LogicalLine]) -> Vec<Context> {
    #[derive(Clone, Copy)]
    struct Open {
        indent: u32,
        ctx: Context,
    }
    let b = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        while stack.last().is_some_and(|o| o.indent >= line.indent) {
            stack.pop();
        }
        let ctx = stack.last().map_or(Context::default(), |o| o.ctx);
        out.push(ctx);
        if !line.colon_last {
            continue;
        }
        let mut inner = ctx;
        match line.kind {
            LineKind::Def | LineKind::Class => {
                inner.scope_depth += 1;
                inner.in_function = line.kind == LineKind::Def;
                inner.in_class = line.kind == LineKind::Class;
            }
            LineKind::Try => inner.guarded |= catches_import_error(b, tokens, lines, n),
            LineKind::If => {
                let words: Vec<&[u8]> = tokens
                    [line.tokens.start as usize..line.tokens.end as usize]
                    .iter()
                    .map(|t| &b[t.range()])
                    .collect();
                inner.type_checking |= matches!(
                    words[..],
                    [b"if", b"TYPE_CHECKING", b":"]
                        | [b"if", b"typing", b".", b"TYPE_CHECKING", b":"]
                );
            }
            _ => {}
        }
        stack.push(Open {
            indent: line.indent,
            ctx: inner,
        });
    }
    out
}

/// Does the `try:` at `lines[n]` have a handler (a later `except` at its indentation,
/// before its statement ends) that names `ImportError` or `ModuleNotFoundError`?
fn catches_import_error(b: &[u8], tokens: &[Token], lines: &[LogicalLine], n: usize) -> bool {
    let indent = lines[n].indent;
    for line in &lines[n + 1..] {
        if line.indent > indent {
            continue;
        }
        if line.indent < indent || line.kind != LineKind::Except {
            return false;
        }
        let names = tokens[line.tokens.start as usize..line.tokens.end as usize].iter();
        if names
            .filter(|t| t.kind == Tok::Name)
            .any(|t| matches!(&b[t.range()], b"ImportError" | b"ModuleNotFoundError"))
        {
            return true;
        }
    }
    false
}
