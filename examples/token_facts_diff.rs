//! Checks `python::token_facts` against tree-sitter on real files.
//!
//! `token_facts_diff CONFIG DIR...`: reduces every `.py` file under the directories as a
//! check with `CONFIG` does (all rules but SSOT000), and for every chunk whose facts
//! `token_facts` reads off its tokens, compares them with `Facts::extract` of
//! tree-sitter's parse of the same kept ranges. Prints the chunks, those read without
//! tree-sitter and the first mismatches (kept text, both facts); exit 1 on a mismatch.
//!
//! `cargo run --release --example token_facts_diff -- bench/out/stdlib/ssotlint.toml bench/out/stdlib`
//!
//! `token_facts_diff --why CONFIG DIR...`: instead, a histogram of the chunks left to
//! tree-sitter, weighted by kept bytes: the chunk's first statement kind, the first
//! node (depth first) of a kind the token readers do not read, as tree-sitter parses
//! the kept text, and the tokens where the definitions reader stopped. A guide to
//! which shape to read next, not a verdict.

#[path = "common/files.rs"]
mod files;
#[path = "common/setup.rs"]
mod setup;
use files::{python_files, read_text};
use setup::reducer_of;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ssotlint::python::ModuleName;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let why = args.first().is_some_and(|a| a == "--why");
    if why {
        args.remove(0);
    }
    // `--why` then `--show SHAPE`: also print the kept text of the first chunks of that shape.
    let show = if why && args.first().is_some_and(|a| a == "--show") && args.len() > 1 {
        args.remove(0);
        Some(args.remove(0))
    } else {
        None
    };
    let Some((config, dirs)) = args.split_first() else {
        eprintln!("usage: token_facts_diff CONFIG DIR...");
        return ExitCode::from(2);
    };
    let reducer = match reducer_of(config) {
        Ok((_, reducer)) => reducer,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
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
    if why {
        return histogram(&paths, &reducer, &module, show.as_deref());
    }
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

/// Prints the unread chunks' shapes, heaviest first (see the module's doc).
fn histogram(
    paths: &[PathBuf],
    reducer: &ssotlint::reduce::Reducer,
    module: &ModuleName,
    show: Option<&str>,
) -> ExitCode {
    let mut shown = 0;
    let mut stops: std::collections::HashMap<String, (usize, usize)> = Default::default();
    let mut shapes: std::collections::HashMap<String, (usize, usize)> = Default::default();
    let (mut count, mut bytes) = (0, 0);
    for path in paths {
        let Some(text) = read_text(path) else {
            continue;
        };
        let Some(reduced) = reducer.reduce(&text) else {
            continue;
        };
        let Some(unread) = ssotlint::python::unread_chunks(
            &reduced.text,
            Some(module),
            &reduced.included,
            &reduced.chunks,
        ) else {
            continue;
        };
        for (kept, stuck) in unread {
            let tree = ssotlint::python::parse(&kept);
            let stop = stuck.rsplit(" | ").next().unwrap_or("").to_string();
            let entry = stops.entry(stop).or_default();
            entry.0 += 1;
            entry.1 += kept.len();
            let shape = format!("{} @ {stuck}", shape(tree.root_node()));
            if show == Some(shape.as_str()) && shown < 8 {
                shown += 1;
                println!("--- {}\n{kept}", path.display());
            }
            let entry = shapes.entry(shape).or_default();
            entry.0 += 1;
            entry.1 += kept.len();
            count += 1;
            bytes += kept.len();
        }
    }
    println!("{count} chunks left to tree-sitter, {bytes} kept bytes");
    print_heaviest(shapes, bytes, 60);
    println!("by the token the definitions reader stopped at:");
    print_heaviest(stops, bytes, 30);
    ExitCode::SUCCESS
}

/// Prints the `take` heaviest rows (name → chunks, kept bytes), with their share of `bytes`.
fn print_heaviest(
    rows: std::collections::HashMap<String, (usize, usize)>,
    bytes: usize,
    take: usize,
) {
    let mut rows: Vec<_> = rows.into_iter().collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(&b.0)));
    for (name, (n, b)) in rows.iter().take(take) {
        println!(
            "{:>6.2}% {b:>10} {n:>7}  {name}",
            100.0 * *b as f64 / bytes.max(1) as f64
        );
    }
}

/// Node kinds the token readers read (some only in some places).
const READ: &[&str] = &[
    "module",
    "comment",
    "expression_statement",
    "assignment",
    "augmented_assignment",
    "identifier",
    "attribute",
    "call",
    "argument_list",
    "keyword_argument",
    "string",
    "string_start",
    "string_content",
    "string_end",
    "escape_sequence",
    "integer",
    "float",
    "true",
    "false",
    "none",
    "ellipsis",
    "binary_operator",
    "comparison_operator",
    "boolean_operator",
    "unary_operator",
    "not_operator",
    "parenthesized_expression",
    "tuple",
    "list",
    "dictionary",
    "set",
    "pair",
    "subscript",
    "return_statement",
    "global_statement",
    "pass_statement",
    "type",
    "block",
    "function_definition",
    "class_definition",
    "decorated_definition",
    "decorator",
    "parameters",
    "list_splat_pattern",
    "dictionary_splat_pattern",
    "keyword_separator",
    "positional_separator",
    "import_statement",
    "import_from_statement",
    "dotted_name",
    "aliased_import",
    "relative_import",
    "import_prefix",
    "wildcard_import",
    "future_import_statement",
];

/// `first statement kind / first unread node kind` of a parsed chunk.
fn shape(root: tree_sitter::Node) -> String {
    let mut cursor = root.walk();
    let first = root
        .named_children(&mut cursor)
        .find(|n| n.kind() != "comment")
        .map_or("empty", |n| n.kind());
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            return format!("{first} / ERROR");
        }
        if !READ.contains(&node.kind()) {
            return format!("{first} / {}", node.kind());
        }
        let mut cursor = node.walk();
        let children: Vec<_> = node.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    format!("{first} / (all read kinds)")
}
