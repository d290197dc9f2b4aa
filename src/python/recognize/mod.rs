//! A recognizer for plain, valid Python: [`certainly_valid`] says from the tokens alone
//! that tree-sitter-python will find no syntax error in a text, so the whole-tree check
//! may skip or reduce it even with SSOT000 on (a syntax error can be anywhere, so
//! otherwise every byte must go through tree-sitter).
//!
//! It accepts a strict subset of what both CPython and tree-sitter-python 0.25 accept, and
//! answers `false` ("unsure, parse it") for anything rare or where the two differ:
//! Python 2 statements, `type` aliases and type parameters, mapping and complex `case`
//! patterns, other soft keywords at the start of a statement, names with non-ASCII
//! characters outside a plain set of letters, tabs or form feeds in indentation, CR-only
//! line ends, continuation lines indented less than their statement (tree-sitter's
//! scanner would close the block there), star expressions outside displays, calls and
//! subscripts, newlines
//! or comments inside f-string replacement fields, and nesting deeper than
//! [`MAX_DEPTH`]. Proof: `tests/recognize.rs` and `scripts/recognize_diff.sh`.
//!
//! The parts: `layout` checks what lies between tokens (and picks the significant
//! ones), `parser` holds the cursor and the token helpers (the names' classes, plain
//! name, keyword id or other, and the operators' packed texts are decided once per token
//! by the lexer: `scan::words`), `stmt` the statement grammar,
//! `patterns` the `case` patterns, `expr` the expression grammar and `literals`
//! f-strings and numbers.

mod expr;
mod layout;
mod literals;
mod parser;
mod patterns;
mod stmt;

use crate::python::scan::Token;
use layout::layout;
use parser::Parser;

pub use parser::MAX_DEPTH;

/// `true` only when tree-sitter-python, parsing `text` as the front end does, reports no
/// ERROR or MISSING node and CPython would not raise a `TabError`. `tokens` is
/// `scan::tokenize(text)`. `false` means unsure.
pub fn certainly_valid(text: &str, tokens: &[Token]) -> bool {
    unsure_at(text, tokens).is_none()
}

/// Where [`certainly_valid`] gave up (a byte offset), `None` when it did not: for tests
/// and for finding what to teach it next.
pub fn unsure_at(text: &str, tokens: &[Token]) -> Option<usize> {
    let significant = match layout(text, tokens) {
        Ok(significant) => significant,
        Err(at) => return Some(at),
    };
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
