//! The recognizer's promise on real code: for every `.py` file under the given
//! directories, `certainly_valid ⇒ tree-sitter finds no syntax error (and CPython no
//! TabError)`; with `--mutations N`, the same for N broken variants of every `--step`th
//! accepted file (a token deleted, inserted or swapped, a line duplicated, a bracket
//! unbalanced, an indentation changed). Prints the share of files accepted and each
//! counterexample; exits 1 if there is one. Run through `scripts/recognize_diff.sh`, or:
//! `cargo run --release --example recognize_diff -- [--mutations N] [--step N] DIR...`

use std::path::PathBuf;
use std::process::ExitCode;

use ssotlint::fuzz::{recognize_outcome, Recognized};
use ssotlint::python::scan::{tokenize, Tok};

/// Texts inserted by the mutations, besides copies of the file's own tokens.
const PIECES: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ":", ",", "=", "*", "**", "\n", "    ", "\\\n", "#", "'", "\"",
    "f'{", "}'", "if ", "else", "elif x:", "lambda", "yield", "async ", "await ", "not ", "in ",
    "is ", "print ", "match ", "type ", "@", ";", ".", "...", ":=", "->", "except:", "finally:",
    "try:", "else:", "pass", "\t", "\r", "0x", "1_", "u'", "rb'",
];

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut option = |flag: &str, default: usize| match args.iter().position(|a| a == flag) {
        Some(i) if i + 1 < args.len() => {
            let value = args.remove(i + 1);
            args.remove(i);
            value.parse().unwrap_or(default)
        }
        _ => default,
    };
    let mutations = option("--mutations", 0);
    let step = option("--step", 1).max(1);
    let (mut files, mut clean, mut accepted, mut wrong) = (0usize, 0usize, 0usize, 0usize);
    let (mut variants, mut variants_accepted) = (0usize, 0usize);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in &args {
        for entry in ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .build()
        {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "py") && path.is_file() {
                paths.push(path.to_path_buf());
            }
        }
    }
    paths.sort();
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        files += 1;
        let whole_clean = !ssotlint::python::analyze(&text, None).has_syntax_errors();
        clean += usize::from(whole_clean);
        match recognize_outcome(&text) {
            Recognized::Unsure => {
                if std::env::var_os("SHOW_UNSURE").is_some() && whole_clean {
                    let at = ssotlint::python::recognize::unsure_at(&text, &tokenize(&text))
                        .unwrap_or(0);
                    let line = text[..at.min(text.len())].matches('\n').count() + 1;
                    let rest: String = text.get(at..).unwrap_or("").chars().take(30).collect();
                    println!("unsure: {}:{line}: {rest:?}", path.display());
                }
                continue;
            }
            Recognized::Valid => accepted += 1,
            Recognized::Wrong => {
                wrong += 1;
                println!("WRONG {}", path.display());
                continue;
            }
        }
        if mutations == 0 || accepted % step != 0 {
            continue;
        }
        for _ in 0..mutations {
            let mut variant = text.clone();
            for _ in 0..1 + rng.below(2) {
                variant = mutate(&mut rng, &variant);
            }
            variants += 1;
            match recognize_outcome(&variant) {
                Recognized::Unsure => {}
                Recognized::Valid => variants_accepted += 1,
                Recognized::Wrong => {
                    wrong += 1;
                    let out = std::env::temp_dir().join(format!("recognize-wrong-{wrong}.py"));
                    let _ = std::fs::write(&out, &variant);
                    println!(
                        "WRONG variant of {} kept as {}",
                        path.display(),
                        out.display()
                    );
                }
            }
        }
    }
    let share = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "{files} files, {clean} without syntax error; accepted {accepted} ({:.1} % of those); \
         {variants} mutated variants, {variants_accepted} accepted; {wrong} wrong",
        share(accepted, clean)
    );
    if wrong == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One random break of `text`, at token boundaries (char boundaries by construction).
fn mutate(rng: &mut Rng, text: &str) -> String {
    let tokens: Vec<_> = tokenize(text)
        .into_iter()
        .filter(|t| t.end > t.start || t.kind == Tok::EndMarker)
        .collect();
    let pick = |rng: &mut Rng| tokens[rng.below(tokens.len())];
    let piece = |t: ssotlint::python::scan::Token| &text[t.start as usize..t.end as usize];
    let mut out = String::with_capacity(text.len() + 16);
    match rng.below(7) {
        0 => {
            let t = pick(rng);
            out.push_str(&text[..t.start as usize]);
            out.push_str(&text[t.end as usize..]);
        }
        1 | 2 => {
            let at = pick(rng).start as usize;
            let insert = if rng.below(2) == 0 {
                piece(pick(rng)).to_string()
            } else {
                PIECES[rng.below(PIECES.len())].to_string()
            };
            let sep = if rng.below(2) == 0 { " " } else { "" };
            out.push_str(&text[..at]);
            out.push_str(&insert);
            out.push_str(sep);
            out.push_str(&text[at..]);
        }
        3 => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let n = rng.below(lines.len().max(1));
            for (i, line) in lines.iter().enumerate() {
                out.push_str(line);
                if i == n {
                    out.push_str(line);
                }
            }
        }
        4 => {
            let brackets: Vec<_> = tokens
                .iter()
                .filter(|t| {
                    t.kind == Tok::Op && matches!(piece(**t), "(" | ")" | "[" | "]" | "{" | "}")
                })
                .collect();
            if brackets.is_empty() {
                return text.to_string();
            }
            let t = brackets[rng.below(brackets.len())];
            out.push_str(&text[..t.start as usize]);
            out.push_str(&text[t.end as usize..]);
        }
        5 => {
            // Swap two adjacent tokens.
            if tokens.len() < 3 {
                return text.to_string();
            }
            let i = rng.below(tokens.len() - 2);
            let (a, b) = (tokens[i], tokens[i + 1]);
            out.push_str(&text[..a.start as usize]);
            out.push_str(piece(b));
            out.push_str(&text[a.end as usize..b.start as usize]);
            out.push_str(piece(a));
            out.push_str(&text[b.end as usize..]);
        }
        _ => {
            // Indent or dedent one line by a few spaces.
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let n = rng.below(lines.len().max(1));
            let k = 1 + rng.below(4);
            for (i, line) in lines.iter().enumerate() {
                if i == n {
                    if rng.below(2) == 0 {
                        out.push_str(&" ".repeat(k));
                        out.push_str(line);
                    } else {
                        let spaces = line.len() - line.trim_start_matches(' ').len();
                        out.push_str(&line[spaces.min(k)..]);
                    }
                } else {
                    out.push_str(line);
                }
            }
        }
    }
    out
}

/// xorshift64: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}
