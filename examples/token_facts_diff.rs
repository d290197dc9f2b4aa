//! Checks `python::token_facts` against tree-sitter on real files.
//!
//! `token_facts_diff CONFIG DIR...`: reduces every `.py` file under the directories as a
//! check with `CONFIG` does (all rules but SSOT000), and for every chunk whose facts
//! `token_facts` reads off its tokens, compares them with `Facts::extract` of
//! tree-sitter's parse of the same kept ranges. Prints the chunks, those read without
//! tree-sitter and the first mismatches (kept text, both facts); exit 1 on a mismatch.
//!
//! `cargo run --release --example token_facts_diff -- bench/out/stdlib/ssotlint.toml bench/out/stdlib`

#[path = "common/files.rs"]
mod files;
use files::{python_files, read_text};

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ssotlint::python::ModuleName;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((config, dirs)) = args.split_first() else {
        eprintln!("usage: token_facts_diff CONFIG DIR...");
        return ExitCode::from(2);
    };
    let settings = match std::fs::read_to_string(config)
        .map_err(|e| e.to_string())
        .and_then(|text| {
            ssotlint::config::parse(Path::new(config), &text).map_err(|e| e.to_string())
        }) {
        Ok(settings) => settings.unwrap_or_default(),
        Err(e) => {
            eprintln!("{config}: {e}");
            return ExitCode::from(2);
        }
    };
    let selection = ssotlint::rules::registry::RuleSelection {
        ignore: vec!["SSOT000".into()],
        ..Default::default()
    };
    let Some(needles) = ssotlint::prefilter::body_needles(&settings, &selection) else {
        eprintln!("no body needles");
        return ExitCode::from(2);
    };
    let reducer = ssotlint::reduce::Reducer::new(&needles);
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        python_files(Path::new(dir), &mut paths);
    }
    paths.sort();
    // A fixed module so relative imports resolve (and their resolution is compared).
    let module = ModuleName {
        name: "pkg.sub.mod".to_string(),
        is_package: false,
    };
    let (mut chunks, mut read, mut wrong) = (0, 0, 0);
    for path in &paths {
        let Some(text) = read_text(path) else {
            continue;
        };
        let Some(reduced) = reducer.reduce(&text) else {
            continue;
        };
        let Some((total, answered, mismatches)) = ssotlint::python::compare_token_facts(
            &reduced.text,
            Some(&module),
            &reduced.included,
            &reduced.chunks,
        ) else {
            continue;
        };
        chunks += total;
        read += answered;
        for m in mismatches {
            wrong += 1;
            if wrong <= 5 {
                println!(
                    "MISMATCH {}\n--- kept\n{}\n--- read\n{}\n--- parsed\n{}",
                    path.display(),
                    m.kept,
                    m.read,
                    m.parsed
                );
            }
        }
    }
    println!(
        "{} files, {chunks} chunks with kept text, {read} read without tree-sitter, {wrong} mismatches",
        paths.len()
    );
    if wrong > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
