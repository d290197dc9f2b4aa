//! Checks, on real code, the claim the front end rests on: for a file that tree-sitter
//! parses without errors, the facts of its chunks (each parsed on its own, big classes
//! member by member) equal the facts of one parse of the whole file. Prints each file
//! where they differ.
//! Run through `scripts/chunk_equivalence.sh`, or:
//! `cargo run --release --example chunk_equivalence -- DIR...`

use std::path::Path;
use std::process::ExitCode;

use ssotlint::python::{self, Facts};

fn main() -> ExitCode {
    let (mut files, mut clean, mut chunks, mut differ) = (0, 0, 0, 0);
    for dir in std::env::args().skip(1) {
        for entry in ignore::WalkBuilder::new(&dir)
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
            let whole = Facts::extract(&python::parse(&text), &text, None);
            if whole.has_syntax_errors() {
                continue;
            }
            clean += 1;
            chunks += python::chunks::chunks(&text).len();
            if python::analyze(&text, None) != whole {
                differ += 1;
                report(path, &text);
            }
        }
    }
    println!(
        "{files} files, {clean} parse without errors ({chunks} chunks); \
         chunked facts differ in {differ}"
    );
    if differ == 0 {
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
