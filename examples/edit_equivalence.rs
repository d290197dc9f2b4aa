//! The language server's incremental documents against a fresh analysis, on real files:
//! for every `STEP`th Python file under the given directories, open it as a server
//! document, make `EDITS` random edits (text cut out, pieces that move statement
//! boundaries pasted in, whole lines moved) and after each one compare the document's
//! facts with `python::analyze` of its text. Prints each file where they differ.
//! `cargo run --release --example edit_equivalence -- [--edits N] [--step N] DIR...`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ssotlint::python;
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
    let mut take = |flag: &str, default: usize| match args.iter().position(|a| a == flag) {
        Some(i) if i + 1 < args.len() => {
            let value = args.remove(i + 1);
            args.remove(i);
            value.parse().unwrap_or(default)
        }
        _ => default,
    };
    let edits = take("--edits", 100);
    let step = take("--step", 10).max(1);
    let (mut files, mut checked, mut differ) = (0usize, 0usize, 0usize);
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
            files += 1;
            if files % step != 0 {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            checked += 1;
            if let Err(at) = edit_file(path, text, edits, &mut rng) {
                differ += 1;
                println!("{}: differs after edit {at}", path.display());
            }
        }
    }
    println!("{checked} files x {edits} edits: documents differ from a fresh analysis in {differ}");
    if differ == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn edit_file(path: &Path, text: String, edits: usize, rng: &mut Rng) -> Result<(), usize> {
    let mut doc = Document::new(PathBuf::from(path), 1, text);
    for n in 0..edits {
        let source = &doc.source;
        let text = source.text();
        let start = char_floor(text, rng.below(text.len() + 1));
        let end = char_floor(text, (start + rng.below(40)).min(text.len()));
        let inserted = match rng.below(4) {
            0 => String::new(),
            // Move a line: paste a copy of a random line.
            1 => {
                let line = rng.below(source.line_count().max(1));
                format!(
                    "{}\n",
                    source.line_text(line).trim_end_matches(['\r', '\n'])
                )
            }
            _ => PIECES[rng.below(PIECES.len())].to_string(),
        };
        let (l1, c1) = source.utf8_position(start);
        let (l2, c2) = source.utf8_position(end);
        let position = |l: usize, c: usize| {
            Position::new(u32::try_from(l).unwrap_or(0), u32::try_from(c).unwrap_or(0))
        };
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(position(l1, c1), position(l2, c2))),
            range_length: None,
            text: inserted,
        };
        if doc.apply(change, Encoding::Utf8).is_err() {
            return Err(n);
        }
        if doc.facts() != python::analyze(doc.source.text(), None) {
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
