//! Where the parsed bytes of module-level simple statements are, by statement kind:
//! `cargo run --release --example module_bytes -- CONFIG DIR...`.

#[path = "common/files.rs"]
mod files;
use files::{python_files, read_text};

use std::collections::BTreeMap;
use std::path::Path;

use ssotlint::python::scan::{logical_lines, tokenize, LineKind, Tok};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = &args[0];
    let text = std::fs::read_to_string(config).expect("config");
    let settings = ssotlint::config::parse(Path::new(config), &text)
        .expect("config")
        .unwrap_or_default();
    let selection = ssotlint::rules::registry::RuleSelection {
        ignore: vec!["SSOT000".into()],
        ..Default::default()
    };
    let needles = ssotlint::prefilter::body_needles(&settings, &selection).expect("needles");
    let reducer = ssotlint::reduce::Reducer::new(&needles);
    let mut paths = Vec::new();
    for dir in &args[1..] {
        python_files(Path::new(dir), &mut paths);
    }
    let mut total = 0usize;
    let mut by: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for path in &paths {
        let Some(text) = read_text(path) else {
            continue;
        };
        total += text.len();
        let Some(reduced) = reducer.reduce(&text) else {
            continue;
        };
        let included: Vec<(usize, usize)> = reduced
            .included
            .iter()
            .map(|r| (r.start_byte, r.end_byte))
            .collect();
        let b = text.as_bytes();
        let tokens = tokenize(&text);
        for line in logical_lines(&text, &tokens) {
            if line.indent != 0 {
                continue;
            }
            let (s, e) = (line.line_start as usize, line.end as usize + 1);
            let n: usize = included
                .iter()
                .map(|&(a, z)| z.min(e).saturating_sub(a.max(s)))
                .sum();
            let toks = &tokens[line.tokens.start as usize..line.tokens.end as usize];
            let code: Vec<_> = toks
                .iter()
                .filter(|t| !matches!(t.kind, Tok::Nl | Tok::Comment))
                .collect();
            let txt = |t: &ssotlint::python::scan::Token| &b[t.range()];
            let mut depth = 0i32;
            let mut assign = None;
            let mut call = false;
            for (i, t) in code.iter().enumerate() {
                if t.kind == Tok::Op {
                    match txt(t) {
                        b"(" | b"[" | b"{" => depth += 1,
                        b")" | b"]" | b"}" => depth -= 1,
                        b"=" | b"+=" | b"-=" | b"|=" | b"*=" | b"&="
                            if depth == 0 && assign.is_none() =>
                        {
                            assign = Some(i)
                        }
                        _ => {}
                    }
                }
                if t.kind == Tok::Op
                    && txt(t) == b"("
                    && i > 0
                    && matches!(code[i - 1].kind, Tok::Name)
                {
                    call = true;
                }
            }
            let first = code.first().map(|t| (t.kind, txt(t)));
            let kind = match line.kind {
                LineKind::Def | LineKind::Class | LineKind::Decorator => continue,
                LineKind::Import | LineKind::From => "import",
                LineKind::Try | LineKind::Except | LineKind::If => "compound header",
                LineKind::Global => "global",
                _ => match first {
                    Some((Tok::String, _)) | Some((Tok::FStringStart, _)) if assign.is_none() => {
                        "string expression"
                    }
                    _ if line.colon_last => "compound header",
                    Some((_, b"pass" | b"del" | b"assert" | b"raise" | b"return")) => {
                        "pass/del/assert/raise"
                    }
                    _ => match (assign, call) {
                        (Some(_), true) => {
                            let value_starts_call = code.len() > assign.unwrap() + 2
                                && code[assign.unwrap() + 1].kind == Tok::Name;
                            if value_starts_call {
                                "assign, value with call"
                            } else {
                                "assign, call elsewhere"
                            }
                        }
                        (Some(_), false) => "assign, no call",
                        (None, true) => "expression with call",
                        (None, false) => "expression, no call",
                    },
                },
            };
            let slot = by.entry(kind).or_default();
            slot.0 += n;
            slot.1 += 1;
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
    for (k, (n, c)) in &by {
        println!("{k:28} {:6.2} % of all bytes ({c} statements)", pct(*n));
    }
}
