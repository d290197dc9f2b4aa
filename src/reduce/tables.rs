//! Module-level literal tables (`NAME = [...]` of literals only): data no rule reads,
//! blanked inside their brackets.

use crate::python::scan::{LogicalLine, Tok, Token};

/// The shortest literal table worth blanking (each blank splits tree-sitter's ranges).
pub(super) const MIN_TABLE: usize = 64;

/// The insides of module-level `NAME = (…)`, `[…]` or `{…}` whose brackets hold only
/// literals (strings, numbers, `None`, `True`, `False`, `,` `:` `+` `-` and brackets):
/// data tables, often most of a module's bytes, that no rule reads. Blanking the inside
/// leaves `NAME = ()`: the binding stays, and its value is still no call and no dotted
/// name, which is all SSOT101 and SSOT103 read of a module-level assignment.
pub(super) fn literal_tables(
    b: &[u8],
    tokens: &[Token],
    scanned: &[LogicalLine],
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for line in scanned.iter().filter(|l| l.indent == 0) {
        let mut code = tokens[line.tokens.start as usize..line.tokens.end as usize]
            .iter()
            .filter(|t| !matches!(t.kind, Tok::Nl | Tok::Comment));
        let text = |t: &Token| &b[t.range()];
        let (Some(name), Some(equals), Some(open)) = (code.next(), code.next(), code.next()) else {
            continue;
        };
        if name.kind != Tok::Name
            || matches!(text(name), b"None" | b"True" | b"False")
            || text(equals) != b"="
            || !matches!(text(open), b"(" | b"[" | b"{")
        {
            continue;
        }
        let mut depth = 1u32;
        let mut close = None;
        for t in code {
            if depth == 0 {
                close = None;
                break;
            }
            let literal = match t.kind {
                Tok::String | Tok::Number => true,
                Tok::Name => matches!(text(t), b"None" | b"True" | b"False"),
                Tok::Op => match text(t) {
                    b"(" | b"[" | b"{" => {
                        depth += 1;
                        true
                    }
                    b")" | b"]" | b"}" => {
                        depth -= 1;
                        close = Some(t.start as usize);
                        true
                    }
                    op => matches!(op, b"," | b":" | b"+" | b"-"),
                },
                _ => false,
            };
            if !literal {
                close = None;
                break;
            }
        }
        if let Some(close) = close.filter(|_| depth == 0) {
            if close - open.end as usize >= MIN_TABLE {
                out.push((open.end as usize, close));
            }
        }
    }
    out
}

/// Does a rule read the table `start..end`? Of a table's literals only a plain string
/// that is a whole dotted path becomes a fact (`Facts::strings`, for SSOT004), and only
/// one that holds a legacy path can be flagged: so a table is read only when `strings`
/// reads one of its string tokens as a legacy path (`Reducer::string_hit`: content of
/// identifier characters and dots, the whole path or its first segments). Any other needle inside a table (a canonical name in a prose string, as in
/// `pydoc_data/topics.py`) names nothing a rule reads: tables hold no names, calls or
/// attributes.
pub(super) fn is_read(
    tokens: &[Token],
    (start, end): (usize, usize),
    strings: &dyn Fn(&Token) -> bool,
) -> bool {
    let first = tokens.partition_point(|t| (t.start as usize) < start);
    tokens[first..]
        .iter()
        .take_while(|t| (t.end as usize) <= end)
        .filter(|t| t.kind == Tok::String)
        .any(strings)
}
