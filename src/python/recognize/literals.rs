//! Literals whose insides the grammar checks: f-strings with their replacement fields,
//! and number literals.

use super::parser::{fail, Parser, K_YIELD, R};
use crate::python::scan::Tok;

impl<'a> Parser<'a> {
    /// An f-string: start, literal parts and replacement fields, end.
    pub(super) fn fstring(&mut self) -> R {
        self.enter()?;
        let r = self.fstring_inner();
        self.leave();
        r
    }

    pub(super) fn fstring_inner(&mut self) -> R {
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
                    if depth > 0 && quote_of(t.text(self.text)).starts_with(outer) {
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
    pub(super) fn field(&mut self) -> R {
        self.enter()?;
        let r = self.field_inner();
        self.leave();
        r
    }

    pub(super) fn field_inner(&mut self) -> R {
        self.op("{")?;
        if self.at_kw(K_YIELD) {
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
pub(super) fn number_ok(s: &str) -> bool {
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
