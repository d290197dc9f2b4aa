//! Where an editor keystroke's time goes in the language server, phase by phase, on the
//! same 5,000-line files and edits as `bench/lsp_latency.py` (which measures end to end
//! over stdio): top-level functions typed at column 0, and the same functions as the
//! methods of one class typed at their indentation. Also what analysing the whole text
//! would cost instead. Run: `cargo bench --bench edit`.

use std::time::Instant;

use ssotlint::config::Settings;
use ssotlint::lint::{lint_parsed, LintOptions};
use ssotlint::python;
use ssotlint::server::document::{Document, Encoding};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

fn big_file(in_class: bool) -> String {
    let mut lines: Vec<String> = [
        "import os",
        "from app.old import Engine",
        "from app.gone import Missing",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let indent = if in_class { "    " } else { "" };
    if in_class {
        lines.push("class Big:".to_string());
    }
    let mut i = 0;
    while lines.len() < 5000 {
        lines.push(format!("{indent}def func_{i}(self, x):"));
        lines.push(format!("{indent}    y = x + {i}  # é"));
        lines.push(format!("{indent}    return Engine(y)"));
        lines.push(String::new());
        i += 1;
    }
    lines.truncate(5000);
    lines.join("\n") + "\n"
}

fn change(line: u32, start: u32, end: u32, text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: Some(Range::new(
            Position::new(line, start),
            Position::new(line, end),
        )),
        range_length: None,
        text: text.to_string(),
    }
}

fn summary(name: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let p50 = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100 - 1];
    println!("  {name:<28} p50 {p50:>7.3} ms   p99 {p99:>7.3} ms");
}

fn run(in_class: bool) {
    let dir = std::env::temp_dir();
    let settings = Settings::default_at(&dir);
    let options = LintOptions::default();
    let text = big_file(in_class);
    let indents: Vec<u32> = text
        .lines()
        .map(|l| (l.len() - l.trim_start().len()) as u32)
        .collect();
    let mut doc = Document::new(dir.join("big.py"), 1, text);
    let (mut apply, mut facts, mut lint, mut whole) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for n in 0..1000u32 {
        let line = 5 + (n * 37) % 4900;
        let prev = 5 + (n.saturating_sub(1) * 37) % 4900;
        let col = |l: u32| if in_class { indents[l as usize] } else { 0 };
        let edit = if n % 2 == 0 {
            change(line, col(line), col(line), "z")
        } else {
            change(prev, col(prev), col(prev) + 1, "")
        };
        let t = Instant::now();
        if let Err(e) = doc.apply(edit, Encoding::Utf16) {
            panic!("edit {n}: {e}");
        }
        apply.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let all = doc.facts();
        facts.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let linted = lint_parsed(
            &doc.path,
            (*doc.source).clone(),
            all,
            None,
            &settings,
            &options,
        );
        lint.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(linted);
        if n % 50 == 0 {
            let t = Instant::now();
            std::hint::black_box(python::analyze(doc.source.text(), None));
            whole.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    summary("apply (edit + rechunk)", apply);
    summary("Document::facts (assemble)", facts);
    summary("lint_parsed (rules)", lint);
    summary("for scale: analyze whole", whole);
}

fn main() {
    // `cargo test --all-targets` runs benches without `--bench`: build-check only then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    println!("5,000 lines of top-level functions, typing at column 0:");
    run(false);
    println!("the same as methods of one class, typing at their indentation:");
    run(true);
}
