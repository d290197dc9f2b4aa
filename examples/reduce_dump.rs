//! The body reducer on real files, for comparing two builds and profiling it alone.
//!
//! `reduce_dump CONFIG OUT DIR...` reduces every `.py` file under the directories (sorted
//! by path; the prefilter is not asked, so every file is reduced) with the reducer of
//! `CONFIG`'s settings (all rules but SSOT000), and also four variants of each with one
//! byte deleted (at 1/5, 2/5, 3/5 and 4/5 of its length, moved back to a character
//! boundary), which exercise the unsure paths. It writes to `OUT` one line per text:
//! the path (and the variant), then whether the reducer answered, and a hash of the
//! reduced text, the included ranges (bytes and points), the chunk starts and the
//! comments. Two builds agree when their `OUT` files are identical (`cmp`).
//! `OUT` may be `-` for no output and no variants (profiling: `valgrind
//! --tool=callgrind`, then read `Reducer::reduce_tokens` inclusive).

#[path = "common/files.rs"]
mod files;
#[path = "common/setup.rs"]
mod setup;
use files::{python_files, read_text};
use setup::reducer_of;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use ssotlint::python::scan::tokenize;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: reduce_dump CONFIG OUT DIR...");
        return ExitCode::from(2);
    }
    let reducer = match reducer_of(&args[0]) {
        Ok((_, reducer)) => reducer,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut paths = Vec::new();
    for dir in &args[2..] {
        python_files(Path::new(dir), &mut paths);
    }
    paths.sort();
    let profile = args[1] == "-";
    let mut out: Box<dyn Write> = if profile {
        Box::new(std::io::sink())
    } else {
        match std::fs::File::create(&args[1]) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("cannot write {}: {e}", args[1]);
                return ExitCode::from(2);
            }
        }
    };
    let (mut texts, mut answered) = (0, 0);
    for path in &paths {
        let Some(text) = read_text(path) else {
            continue;
        };
        let mut variants = vec![(0, text.clone())];
        for k in (1..5).filter(|_| !profile) {
            let mut at = text.len() * k / 5;
            while at > 0 && !text.is_char_boundary(at) {
                at -= 1;
            }
            let Some(c) = text[at..].chars().next() else {
                continue;
            };
            let mut variant = text.clone();
            variant.replace_range(at..at + c.len_utf8(), "");
            variants.push((k, variant));
        }
        for (k, text) in variants {
            texts += 1;
            let tokens = tokenize(&text);
            let reduced = reducer.reduce_tokens(&text, &tokens);
            let line = match reduced {
                None => "none".to_string(),
                Some(r) => {
                    answered += 1;
                    let mut h = DefaultHasher::new();
                    r.text.hash(&mut h);
                    for range in &r.included {
                        (range.start_byte, range.end_byte).hash(&mut h);
                        (range.start_point.row, range.start_point.column).hash(&mut h);
                        (range.end_point.row, range.end_point.column).hash(&mut h);
                    }
                    r.chunks.hash(&mut h);
                    format!("{:?}", r.comments).hash(&mut h);
                    format!(
                        "{} ranges {} chunks {} comments {:016x}",
                        r.included.len(),
                        r.chunks.len(),
                        r.comments.len(),
                        h.finish()
                    )
                }
            };
            if writeln!(out, "{} #{k} {line}", path.display()).is_err() {
                eprintln!("cannot write {}", args[1]);
                return ExitCode::from(2);
            }
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(2);
    }
    eprintln!("{texts} texts, {answered} reduced");
    ExitCode::SUCCESS
}
