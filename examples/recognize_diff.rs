//! The recognizer's promise on real code: for every `.py` file under the given
//! directories, `certainly_valid ⇒ tree-sitter finds no syntax error (and CPython no
//! TabError)`; with `--mutations N`, the same for N broken variants of every `--step`th
//! accepted file (a token deleted, inserted or swapped, a line duplicated, a bracket
//! unbalanced, an indentation changed). The same for `check::parses_cleanly` (the
//! recognizer, then chunk by chunk) on every file and variant the recognizer is unsure
//! of: `true` ⇒ neither the front end nor one tree-sitter parse of the whole text finds
//! a syntax error. Prints the share of files accepted and each
//! counterexample; exits 1 if there is one. `--time N` instead times the recognizer
//! against the tokenizer (N passes over every file, no parsing). `--verdicts N` instead
//! prints where the recognizer gives up (`unsure_at`) on every file and on N broken
//! variants of each, one line per text, so two builds' outputs can be compared with
//! `cmp` (a change meant to make it cheaper must not change a verdict). Run through
//! `scripts/recognize_diff.sh`, or:
//! `cargo run --release --example recognize_diff -- [--mutations N] [--step N] DIR...`

use std::path::PathBuf;
use std::process::ExitCode;

use ssotlint::fuzz::{break_python, recognize_outcome, Recognized};
use ssotlint::python::scan::tokenize;

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
    let repeat = option("--time", 0);
    let step = option("--step", 1).max(1);
    let verdicts = option("--verdicts", usize::MAX);
    let (mut files, mut clean, mut accepted, mut wrong) = (0usize, 0usize, 0usize, 0usize);
    let (mut variants, mut variants_accepted) = (0usize, 0usize);
    let (mut clean_bytes, mut accepted_bytes) = (0usize, 0usize);
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
    if repeat > 0 {
        time(&paths, repeat);
        return ExitCode::SUCCESS;
    }
    if verdicts != usize::MAX {
        print_verdicts(&paths, verdicts, &mut rng);
        return ExitCode::SUCCESS;
    }
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        files += 1;
        let whole_clean = !ssotlint::python::analyze(&text, None).has_syntax_errors();
        clean += usize::from(whole_clean);
        clean_bytes += if whole_clean { text.len() } else { 0 };
        let outcome = recognize_outcome(&text);
        if outcome == Recognized::Unsure && chunks_wrong(&text) {
            wrong += 1;
            println!("WRONG (chunks) {}", path.display());
        }
        match outcome {
            Recognized::Unsure => {
                if std::env::var_os("SHOW_UNSURE").is_some() && whole_clean {
                    let at = ssotlint::python::recognize::unsure_at(&text, &tokenize(&text))
                        .unwrap_or(0);
                    let line = text[..at.min(text.len())].matches('\n').count() + 1;
                    let rest: String = text.get(at..).unwrap_or("").chars().take(30).collect();
                    println!("unsure: {}:{line}: {rest:?}", path.display());
                }
                // Broken variants of a file the recognizer is unsure of go through the
                // chunk-by-chunk check.
                for _ in 0..mutations {
                    let variant = break_python(&mut || rng.next(), &text);
                    variants += 1;
                    if chunks_wrong(&variant) {
                        wrong += 1;
                        keep_wrong("chunks-wrong", "WRONG (chunks)", wrong, path, &variant);
                    }
                }
                continue;
            }
            Recognized::Valid => {
                accepted += 1;
                accepted_bytes += text.len();
            }
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
                variant = break_python(&mut || rng.next(), &variant);
            }
            variants += 1;
            match recognize_outcome(&variant) {
                Recognized::Unsure => {
                    if chunks_wrong(&variant) {
                        wrong += 1;
                        keep_wrong("chunks-wrong", "WRONG (chunks)", wrong, path, &variant);
                    }
                }
                Recognized::Valid => variants_accepted += 1,
                Recognized::Wrong => {
                    wrong += 1;
                    keep_wrong("recognize-wrong", "WRONG", wrong, path, &variant);
                }
            }
        }
    }
    let share = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "{files} files, {clean} without syntax error; accepted {accepted} ({:.1} % of those, \
         {:.1} % of their bytes); {variants} mutated variants, {variants_accepted} accepted; \
         {wrong} wrong",
        share(accepted, clean),
        share(accepted_bytes, clean_bytes)
    );
    if wrong == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Does `check::parses_cleanly` call `text` clean when the front end (chunk by chunk) or
/// one tree-sitter parse of the whole text finds a syntax error?
fn chunks_wrong(text: &str) -> bool {
    ssotlint::check::parses_cleanly(text, &tokenize(text))
        && (ssotlint::python::analyze(text, None).has_syntax_errors()
            || ssotlint::python::parse(text).root_node().has_error())
}

/// `--time N`: the recognizer's cost against the tokenizer's, each over every file N
/// times (texts read first; no tree-sitter).
fn time(paths: &[PathBuf], repeat: usize) {
    use std::time::{Duration, Instant};
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let (mut scan, mut recognize, mut accepted) = (Duration::ZERO, Duration::ZERO, 0);
    for _ in 0..repeat {
        for text in &texts {
            let start = Instant::now();
            let tokens = tokenize(text);
            let scanned = Instant::now();
            let valid = ssotlint::python::recognize::certainly_valid(text, &tokens);
            recognize += scanned.elapsed();
            scan += scanned - start;
            accepted += usize::from(valid);
        }
    }
    println!(
        "{} files, {:.1} MB, {repeat} times: tokenize {:.3} s, certainly_valid {:.3} s \
         ({:.2} of tokenizing); {} accepted",
        texts.len(),
        bytes as f64 / 1e6,
        scan.as_secs_f64(),
        recognize.as_secs_f64(),
        recognize.as_secs_f64() / scan.as_secs_f64().max(1e-9),
        accepted / repeat
    );
}

/// `--verdicts N`: `unsure_at` of every file and of `variants` broken variants of each
/// (one or two breaks, as for `--mutations`), one line per text.
fn print_verdicts(paths: &[PathBuf], variants: usize, rng: &mut Rng) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let unsure = |text: &str| ssotlint::python::recognize::unsure_at(text, &tokenize(text));
    for path in paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let _ = writeln!(out, "{} {:?}", path.display(), unsure(&text));
        for k in 0..variants {
            let mut variant = text.clone();
            for _ in 0..1 + rng.below(2) {
                variant = break_python(&mut || rng.next(), &variant);
            }
            let _ = writeln!(out, "{}#{k} {:?}", path.display(), unsure(&variant));
        }
    }
}

/// xorshift64: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Keep a wrongly judged variant in the temporary directory and say where.
fn keep_wrong(file: &str, label: &str, wrong: usize, path: &std::path::Path, variant: &str) {
    let out = std::env::temp_dir().join(format!("{file}-{wrong}.py"));
    let _ = std::fs::write(&out, variant);
    println!(
        "{label} variant of {} kept as {}",
        path.display(),
        out.display()
    );
}
