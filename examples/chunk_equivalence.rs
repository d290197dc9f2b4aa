//! Checks, on real code, what the front end and the language server rest on.
//!
//! 1. For a file that tree-sitter parses without errors, the facts of its chunks (each
//!    parsed on its own, as the CLI does) and the facts of a server document (classes
//!    and functions member by member) equal the facts of one parse of the whole file.
//! 2. With `--edits N`: every `--step`th file is opened as a server document and edited
//!    `N` times at random (pieces that move statement boundaries pasted in, lines
//!    copied, text cut out); after each edit the document's facts must equal a fresh
//!    analysis of its text.
//!
//! Prints each file where a check fails; exits 1 if one does. Run through
//! `scripts/chunk_equivalence.sh`, or:
//! `cargo run --release --example chunk_equivalence -- [--edits N] [--step N] DIR...`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ssotlint::python::{self, Facts};
use ssotlint::server::document::{Document, Encoding};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

const PIECES: &[&str] = &[
    "\n",
    " ",
    "    ",
    "#",
    "'",
    "\"",
    "'''",
    "\"\"\"",
    "(",
    ")",
    "[",
    "]",
    "\\",
    "@",
    "else:",
    "def f():\n",
    "class C:\n",
    "x",
    "é😀",
    "import os\n",
    "from . import y\n",
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
    let edits = option("--edits", 0);
    let step = option("--step", 10).max(1);
    let (mut files, mut clean, mut chunks, mut differ) = (0, 0, 0, 0);
    let (mut edited, mut stale) = (0, 0);
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for dir in &args {
        for entry in ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .build()
        {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "py") || !path.is_file() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            files += 1;
            let mut whole = Facts::extract(&python::parse(&text), &text, None);
            whole.comments = python::comments(&text);
            if !whole.has_syntax_errors() {
                clean += 1;
                chunks += python::chunks::chunks(&text).count();
                let document = Document::new(PathBuf::from(path), 1, text.clone()).facts();
                if python::analyze(&text, None) != whole || document != whole {
                    differ += 1;
                    report(path, &text);
                }
            }
            if edits > 0 && files % step == 0 {
                edited += 1;
                if let Err(at) = edit(path, text, edits, &mut rng) {
                    stale += 1;
                    println!("{}: document differs after edit {at}", path.display());
                }
            }
        }
    }
    println!(
        "{files} files, {clean} parse without errors ({chunks} chunks); \
         chunked facts differ in {differ}"
    );
    if edits > 0 {
        println!("{edited} files x {edits} random edits: documents differ in {stale}");
    }
    if differ + stale == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Name the first chunk whose own parse has errors (the usual cause of a difference).
fn report(path: &Path, text: &str) {
    let broken = python::chunks::chunks(text).into_iter().find(|r| {
        let chunk = &text[r.clone()];
        Facts::extract(&python::parse(chunk), chunk, None).has_syntax_errors()
    });
    match broken {
        Some(r) => {
            let line = text[..r.start].matches('\n').count() + 1;
            let head: String = text[r].lines().take(3).collect::<Vec<_>>().join("⏎");
            println!(
                "{}:{line}: chunk does not parse alone: {head}",
                path.display()
            );
        }
        None => println!("{}: facts differ", path.display()),
    }
}

/// Random edits on `text` as a server document; the number of the first edit after
/// which its facts differ from a fresh analysis.
fn edit(path: &Path, text: String, edits: usize, rng: &mut Rng) -> Result<(), usize> {
    let mut doc = Document::new(PathBuf::from(path), 1, text);
    for n in 0..edits {
        let source = &doc.source;
        let text = source.text();
        let start = char_floor(text, rng.below(text.len() + 1));
        let end = char_floor(text, (start + rng.below(40)).min(text.len()));
        let inserted = match rng.below(4) {
            0 => String::new(),
            1 => {
                let line = rng.below(source.line_count().max(1));
                format!(
                    "{}\n",
                    source.line_text(line).trim_end_matches(['\r', '\n'])
                )
            }
            _ => PIECES[rng.below(PIECES.len())].to_string(),
        };
        let position = |offset: usize| {
            let (line, col) = source.utf8_position(offset);
            Position::new(
                u32::try_from(line).unwrap_or(0),
                u32::try_from(col).unwrap_or(0),
            )
        };
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(position(start), position(end))),
            range_length: None,
            text: inserted,
        };
        if doc.apply(change, Encoding::Utf8).is_err()
            || doc.facts() != python::analyze(doc.source.text(), None)
        {
            return Err(n);
        }
    }
    Ok(())
}

fn char_floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
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
