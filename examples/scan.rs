//! The scanner on real files.
//!
//! - `scan dump FILE...`: per file a line `= PATH`, then one line `KIND START END` per
//!   token (byte offsets); read by `scripts/scan_oracle.py`, which compares them with
//!   CPython's `tokenize`.
//! - `scan bench DIR...`: reads every `.py` file under the directories, then tokenizes
//!   them all on one thread, 5 times, and prints the best wall and on-CPU times and the
//!   throughputs.
//!
//! - `scan parsed CONFIG DIR...`: how much of the text a check with `CONFIG` (all rules
//!   but SSOT000) hands to tree-sitter: files the prefilter skips, bytes the reducer
//!   blanks, bytes left. With `--why` (`scan parsed --why CONFIG DIR...`), also the
//!   bytes kept inside module-level definitions per needle that matched in them (the
//!   matched text; `import` for import statements): all of them, and those where it
//!   was the only needle, so removing it would have let the body go. Where the needles
//!   are local (`reduce/blanks.rs`, the keep policy) the bytes are the statements
//!   holding them and the headers around; `(none)` is what every blanked body keeps:
//!   its first line's indentation, the `...` and the line break (8 bytes for a body
//!   indented by 4).
//!
//! - `scan classes DIR...`: for every module-level class, what `class_summary` reads
//!   (`class_state` and the bases' text) from the whole parse and from the reduced one
//!   (`reduce::classes`); prints each class where they differ, then the counts and the
//!   bytes both parsed. Exit 1 on a difference.
//!
//! - `scan unsure FILE...`: the chunks of each file the recognizer is unsure of
//!   (`check::unsure_chunks`: a check parses those as the front end does and reduces
//!   the rest), one line each: the path, the byte range, the line and the chunk's first
//!   line.
//!
//! - `scan chunk-reads DIR...`: for every chunk the recognizer accepts, what
//!   `python::plain_chunk_definitions` reads off its bytes against the scanner's
//!   `valid_module_definitions`, and for every top-level import chunk the imports
//!   `python::read_chunk` reads against `analyze_chunk`'s; prints each chunk where they
//!   differ, then the counts. Exit 1 on a difference.
//!
//! `cargo run --release --example scan -- bench DIR`

#[path = "common/files.rs"]
mod files;
#[path = "common/setup.rs"]
mod setup;
use files::{python_files, read_text};
use setup::reducer_of;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use ssotlint::python::scan::tokenize;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dump") => dump(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("parsed") if args.len() > 3 && args[1] == "--why" => {
            parsed(&args[2], &args[3..], true)
        }
        Some("parsed") if args.len() > 2 => parsed(&args[1], &args[2..], false),
        Some("classes") => classes(&args[1..]),
        Some("unsure") => unsure(&args[1..]),
        Some("chunk-reads") => chunk_reads(&args[1..]),
        _ => {
            eprintln!(
                "usage: scan dump FILE... | scan bench DIR... | scan parsed [--why] CONFIG DIR... | scan classes DIR... | scan unsure FILE... | scan chunk-reads DIR..."
            );
            ExitCode::from(2)
        }
    }
}

/// What `class_summary` reads of the first module-level class of `facts` (parsed from
/// `text`): its state and its bases as written.
fn class_reads(
    facts: &ssotlint::python::Facts,
    text: &str,
) -> Option<(ssotlint::python::defs::ClassState, Vec<String>)> {
    let defs = &facts.defs;
    let index = defs
        .classes
        .iter()
        .position(|c| c.scope == ssotlint::python::Scope::Module)?;
    let bases = defs.classes[index]
        .bases
        .iter()
        .map(|b| text.get(b.range()).unwrap_or("").to_string())
        .collect();
    Some((
        ssotlint::python::defs::class_state(defs, index, text),
        bases,
    ))
}

fn classes(dirs: &[String]) -> ExitCode {
    let (mut classes, mut reduced, mut differ) = (0usize, 0usize, 0usize);
    let (mut whole_bytes, mut kept_bytes) = (0usize, 0usize);
    let mut paths = Vec::new();
    for dir in dirs {
        python_files(Path::new(dir), &mut paths);
    }
    for path in paths {
        let Some(text) = read_text(&path) else {
            continue;
        };
        for range in ssotlint::python::chunks::chunks(&text) {
            let chunk = &text[range];
            let first = chunk.trim_start();
            if !(first.starts_with("class") || first.starts_with('@')) {
                continue;
            }
            let whole = ssotlint::python::analyze_chunk(chunk, None);
            let Some(expected) = class_reads(&whole, chunk) else {
                continue;
            };
            classes += 1;
            let solid = |t: &str| t.bytes().filter(|b| !b.is_ascii_whitespace()).count();
            whole_bytes += solid(chunk);
            let Some((facts, text)) = ssotlint::reduce::classes::class_state_facts(chunk) else {
                kept_bytes += solid(chunk);
                continue;
            };
            reduced += 1;
            if std::env::var_os("SCAN_SHOW").is_some() {
                println!("{text}");
            }
            kept_bytes += solid(&text);
            let got = class_reads(&facts, &text);
            if got.as_ref() != Some(&expected) {
                differ += 1;
                println!("{}: {expected:?} != {got:?}", path.display());
            }
        }
    }
    println!(
        "{classes} classes, {reduced} reduced, {differ} differ; non-blank bytes kept: {kept_bytes} of {whole_bytes}"
    );
    if differ == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn dump(files: &[String]) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for file in files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let mut s = format!("= {file}\n");
        for t in tokenize(&text) {
            s.push_str(&format!("{:?} {} {}\n", t.kind, t.start, t.end));
        }
        if out.write_all(s.as_bytes()).is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Time this process has run on a CPU (Linux `/proc/self/schedstat`, nanoseconds), so a
/// figure taken on a busy machine is not the machine's load; NaN elsewhere.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}

fn bench(dirs: &[String]) -> ExitCode {
    let mut paths = Vec::new();
    for dir in dirs {
        python_files(Path::new(dir), &mut paths);
    }
    let texts: Vec<String> = paths.iter().filter_map(|p| read_text(p)).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
    let mut tokens = 0;
    for _ in 0..5 {
        let (started, cpu) = (Instant::now(), cpu_seconds());
        tokens = texts.iter().map(|t| tokenize(t).len()).sum::<usize>();
        best = best.min(started.elapsed().as_secs_f64());
        best_cpu = best_cpu.min(cpu_seconds() - cpu);
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {mb:.1} MB, {tokens} tokens; best of 5: wall {best:.3} s ({:.0} MB/s), \
         on-CPU {best_cpu:.3} s ({:.0} MB/s)",
        texts.len(),
        mb / best,
        mb / best_cpu
    );
    ExitCode::SUCCESS
}

fn parsed(config: &str, dirs: &[String], why: bool) -> ExitCode {
    let (prefilter, reducer) = match reducer_of(config) {
        Ok(both) => both,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut paths = Vec::new();
    for dir in dirs {
        python_files(Path::new(dir), &mut paths);
    }
    let (mut total, mut skipped, mut kept, mut files, mut skipped_files) = (0, 0, 0, 0, 0);
    let (mut unsure, mut by_kind) = (0, Categories::default());
    let mut reasons = Reasons::default();
    for path in &paths {
        let Some(text) = read_text(path) else {
            continue;
        };
        files += 1;
        total += text.len();
        if !prefilter.may_match(&text) {
            skipped += text.len();
            skipped_files += 1;
            continue;
        }
        let included: Vec<(usize, usize)> = match reducer.reduce(&text) {
            Some(r) => r
                .included
                .iter()
                .map(|r| (r.start_byte, r.end_byte))
                .collect(),
            None => {
                unsure += text.len();
                vec![(0, text.len())]
            }
        };
        kept += included.iter().map(|(s, e)| e - s).sum::<usize>();
        by_kind.add(&text, &included);
        if why {
            if let Some(hits) = reducer.hit_spans(&text) {
                reasons.add(&text, &included, &hits);
            }
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
    println!(
        "{files} files, {total} bytes: prefilter skips {skipped_files} files ({:.1} %), \
         the reducer blanks {:.1} %, tree-sitter parses {:.1} %",
        pct(skipped),
        pct(total - skipped - kept),
        pct(kept)
    );
    println!(
        "of the parsed bytes, in % of all bytes: {:.1} in files the reducer is unsure of; \
         module-level simple statements {:.1} (imports {:.1}, string expressions {:.1}), def/class/decorator \
         lines at module level {:.1}, inside module-level defs and classes {:.1} (of which in \
         lines that are definitions {:.1}, import lines {:.1}), inside other module-level \
         blocks {:.1}, blank and comment lines {:.1}",
        pct(unsure),
        pct(by_kind.simple),
        pct(by_kind.top_imports),
        pct(by_kind.strings),
        pct(by_kind.headers),
        pct(by_kind.in_defs),
        pct(by_kind.nested_headers),
        pct(by_kind.imports),
        pct(by_kind.in_blocks),
        pct(kept - by_kind.simple - by_kind.headers - by_kind.in_defs - by_kind.in_blocks),
    );
    if why {
        println!("bytes parsed inside module-level definition bodies, in % of all bytes, per needle matched in the definition (all / as the only needle):");
        let mut rows: Vec<_> = reasons.all.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (needle, &bytes) in rows.into_iter().take(40) {
            let sole = reasons.sole.get(needle).copied().unwrap_or(0);
            println!("  {:>6.2} {:>6.2}  {needle}", pct(bytes), pct(sole));
        }
    }
    ExitCode::SUCCESS
}

/// Bytes parsed inside module-level definition bodies, per needle text that matched in
/// the definition.
#[derive(Default)]
struct Reasons {
    all: std::collections::HashMap<String, usize>,
    sole: std::collections::HashMap<String, usize>,
}

impl Reasons {
    fn add(&mut self, text: &str, included: &[(usize, usize)], hits: &[(usize, usize)]) {
        use ssotlint::python::scan::{logical_lines, LineKind};
        let tokens = tokenize(text);
        let lines = logical_lines(text, &tokens);
        let mut i = 0;
        while i < lines.len() {
            let first = i;
            while i < lines.len() && lines[i].indent == 0 && lines[i].kind == LineKind::Decorator {
                i += 1;
            }
            let is_definition = i < lines.len()
                && lines[i].indent == 0
                && matches!(lines[i].kind, LineKind::Def | LineKind::Class);
            i += 1;
            if !is_definition {
                continue;
            }
            let body = i;
            while i < lines.len() && lines[i].indent > 0 {
                i += 1;
            }
            if body == i {
                continue;
            }
            let start = lines[first].line_start as usize;
            let (body_start, end) = (
                lines[body].line_start as usize,
                lines[i - 1].end as usize + 1,
            );
            let kept: usize = included
                .iter()
                .map(|&(a, b)| b.min(end).saturating_sub(a.max(body_start)))
                .sum();
            if kept == 0 {
                continue;
            }
            let mut needles: Vec<&str> = hits
                .iter()
                .filter(|&&(s, e)| s >= start && e <= end)
                .map(|&(s, e)| &text[s..e])
                .collect();
            needles.sort_unstable();
            needles.dedup();
            if needles.is_empty() {
                needles.push("(none)");
            }
            for needle in &needles {
                *self.all.entry(needle.to_string()).or_default() += kept;
            }
            if let [needle] = needles[..] {
                *self.sole.entry(needle.to_string()).or_default() += kept;
            }
        }
    }
}

/// Parsed bytes by where their logical line stands.
#[derive(Default)]
struct Categories {
    simple: usize,
    top_imports: usize,
    strings: usize,
    headers: usize,
    in_defs: usize,
    nested_headers: usize,
    imports: usize,
    in_blocks: usize,
}

impl Categories {
    fn add(&mut self, text: &str, included: &[(usize, usize)]) {
        use ssotlint::python::scan::{logical_lines, LineKind, Tok};
        let tokens = tokenize(text);
        let mut top = LineKind::Other;
        for line in logical_lines(text, &tokens) {
            let (s, e) = (line.line_start as usize, line.end as usize + 1);
            let n: usize = included
                .iter()
                .map(|&(a, b)| b.min(e).saturating_sub(a.max(s)))
                .sum();
            let definition = matches!(
                line.kind,
                LineKind::Def | LineKind::Class | LineKind::Decorator
            );
            if line.indent == 0 {
                top = line.kind;
                if definition {
                    self.headers += n;
                } else {
                    self.simple += n;
                    if matches!(line.kind, LineKind::Import | LineKind::From) {
                        self.top_imports += n;
                    }
                    let first = tokens[line.tokens.start as usize].kind;
                    if first == Tok::String || first == Tok::FStringStart {
                        self.strings += n;
                    }
                }
            } else if matches!(top, LineKind::Def | LineKind::Class | LineKind::Decorator) {
                self.in_defs += n;
                if definition {
                    self.nested_headers += n;
                }
                if matches!(line.kind, LineKind::Import | LineKind::From) {
                    self.imports += n;
                }
            } else {
                self.in_blocks += n;
            }
        }
    }
}

fn unsure(paths: &[String]) -> ExitCode {
    for path in paths {
        let Some(text) = read_text(Path::new(path)) else {
            continue;
        };
        for chunk in ssotlint::check::unsure_chunks(&text, &tokenize(&text)) {
            let line = text[..chunk.start].matches('\n').count() + 1;
            let first = text[chunk.clone()].lines().next().unwrap_or("");
            println!("{path} {}..{} line {line}: {first}", chunk.start, chunk.end);
        }
    }
    ExitCode::SUCCESS
}

/// `scan chunk-reads DIR...`: the plain reading of each accepted chunk's definitions
/// against the scanner's, and the token reading of each import chunk against the parse.
fn chunk_reads(dirs: &[String]) -> ExitCode {
    let (mut chunks, mut plain, mut imports, mut differ) = (0usize, 0usize, 0usize, 0usize);
    let mut paths = Vec::new();
    for dir in dirs {
        python_files(std::path::Path::new(dir), &mut paths);
    }
    paths.sort();
    for path in paths {
        let Some(text) = read_text(&path) else {
            continue;
        };
        for (range, tokens) in ssotlint::python::recognized_chunks(&text, None) {
            let Some(tokens) = tokens else {
                continue;
            };
            chunks += 1;
            let chunk = &text[range.clone()];
            if chunk.starts_with("from") || chunk.starts_with("import") {
                imports += 1;
                let read = ssotlint::python::read_chunk(chunk, None).imports;
                let parsed = ssotlint::python::analyze_chunk(chunk, None).imports;
                if format!("{read:?}") != format!("{parsed:?}") {
                    differ += 1;
                    println!(
                        "{}:{range:?}: read {read:?}, parsed {parsed:?}",
                        path.display()
                    );
                }
            }
            let Some(read) = ssotlint::python::plain_chunk_definitions(chunk) else {
                continue;
            };
            plain += 1;
            let scanned = ssotlint::python::valid_module_definitions(chunk, &tokens);
            if scanned != Some(read.into_iter().collect()) {
                differ += 1;
                println!(
                    "{}:{range:?}: plain {read:?}, scanner {scanned:?}",
                    path.display()
                );
            }
        }
    }
    println!("{chunks} accepted chunks, {plain} definitions read plainly, {imports} import chunks read, {differ} differ");
    if differ == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
