//! The facts of real files, for comparing two builds of the facts walk.
//!
//! `facts_dump DIR...`: for every `.py` file under the directories (sorted), one line
//! `HASH PATH` per variant: the whole text, and the text cut at a third and at two
//! thirds of its lines (cut texts end inside statements, so their trees hold ERROR and
//! MISSING nodes). `HASH` digests the `Debug` form of `Facts::extract` of one
//! tree-sitter parse, so two builds agree on every fact exactly when their outputs are
//! equal: `diff <(old/facts_dump DIR) <(new/facts_dump DIR)`.
//!
//! `cargo run --release --example facts_dump -- DIR`

#[path = "common/files.rs"]
mod files;
use files::{python_files, read_text};

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use ssotlint::python::{parse, Facts, ModuleName};

fn main() {
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in std::env::args().skip(1) {
        python_files(Path::new(&dir), &mut paths);
    }
    paths.sort();
    // A fixed module so relative imports resolve (and their resolution is compared).
    let module = ModuleName {
        name: "pkg.sub.mod".to_string(),
        is_package: false,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for path in &paths {
        let Some(text) = read_text(path) else {
            continue;
        };
        let lines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
        let cuts = [
            text.len(),
            lines.get(lines.len() / 3).copied().unwrap_or(0),
            lines.get(lines.len() * 2 / 3).copied().unwrap_or(0),
        ];
        for (variant, cut) in cuts.into_iter().enumerate() {
            // Cut inside the line too (`- 2`), so the statement is left unfinished.
            let end = if variant == 0 {
                cut
            } else {
                (0..=cut.saturating_sub(2))
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0)
            };
            let part = &text[..end];
            let facts = Facts::extract(&parse(part), part, Some(&module));
            let mut hasher = DefaultHasher::new();
            format!("{facts:?}").hash(&mut hasher);
            let _ = writeln!(out, "{:016x} {variant} {}", hasher.finish(), path.display());
        }
    }
}
