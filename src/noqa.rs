//! `ssotlint check --add-noqa`: silence today's findings in place, as ruff does. Every
//! flagged line gets `  # noqa: CODE` (codes already in a `# noqa: …` there are kept and
//! the new ones appended), written atomically like `--fix`. A line whose end lies inside
//! a string, or that continues with a backslash, is left alone with a warning: a comment
//! there would change the program. The result must parse as well as the input did and
//! must leave none of the silenced findings, or the file is not written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{normalize, SettingsStore};
use crate::fixer::write_atomic;
use crate::lint::{lint_text, LintOptions, Linted};
use crate::python::noqa_on_line;
use crate::rules::registry::Rule;
use crate::source::decode;
use crate::walk;

const BOM: &str = "\u{feff}";

#[derive(Debug, Default)]
pub struct NoqaReport {
    /// Directives added (one per line changed).
    pub added: usize,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

enum Outcome {
    Done(usize, Vec<String>),
    Skipped(String),
    Failed(String),
}

/// Add `# noqa` directives to every Python file under `paths`.
pub fn add_noqa_paths(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
) -> NoqaReport {
    let walked = walk::python_files(paths, store);
    let outcomes: Vec<Outcome> = walked
        .files
        .par_iter()
        .map(|path| add_noqa_file(path, store, options))
        .collect();
    let mut report = NoqaReport {
        errors: walked.errors,
        ..NoqaReport::default()
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Done(added, mut warnings) => {
                report.added += added;
                report.warnings.append(&mut warnings);
            }
            Outcome::Skipped(w) => report.warnings.push(w),
            Outcome::Failed(e) => report.errors.push(e),
        }
    }
    report.warnings.sort();
    report.errors.sort();
    report
}

fn add_noqa_file(path: &Path, store: &SettingsStore, options: &LintOptions) -> Outcome {
    let shown = crate::output::message::display_path(path);
    let settings = match store.for_file(path) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(format!("{shown}: cannot read: {e}")),
    };
    let text = match decode(bytes.clone()) {
        Ok(t) => t,
        Err(e) => return Outcome::Skipped(format!("{shown}: {e}")),
    };
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest.to_string()),
        None => ("", text),
    };
    let absolute = normalize(path);
    let linted = lint_text(&absolute, body, &settings, options);
    let (new, added, skipped) = add_noqa_text(&linted);
    let warnings: Vec<String> = skipped
        .iter()
        .map(|row| {
            format!("{shown}:{row}: no `# noqa` added: the line ends inside a string or continues")
        })
        .collect();
    if added == 0 {
        return Outcome::Done(0, warnings);
    }
    let check = lint_text(&absolute, new.clone(), &settings, options);
    let silenced = check
        .diagnostics
        .iter()
        .filter(|d| d.rule != Rule::InvalidSyntax)
        .all(|d| skipped.contains(&check.source.location(d.range.start).row));
    if check.facts.syntax_errors.len() > linted.facts.syntax_errors.len() || !silenced {
        return Outcome::Failed(format!(
            "{shown}: adding `# noqa` comments would change what the file parses to; not written"
        ));
    }
    match write_atomic(path, &bytes, format!("{bom}{new}").as_bytes()) {
        Ok(()) => Outcome::Done(added, warnings),
        Err(e) => Outcome::Failed(format!("{shown}: {e}")),
    }
}

/// The text with a `# noqa` for every finding of `linted` (syntax errors excepted: they
/// cannot be silenced), how many lines got one, and the 1-based rows left alone.
pub fn add_noqa_text(linted: &Linted) -> (String, usize, Vec<usize>) {
    let source = &linted.source;
    let text = source.text();
    let mut by_line: BTreeMap<usize, Vec<&'static str>> = BTreeMap::new();
    for d in &linted.diagnostics {
        if d.rule != Rule::InvalidSyntax {
            let codes = by_line.entry(source.line_index(d.range.start)).or_default();
            if !codes.contains(&d.rule.code()) {
                codes.push(d.rule.code());
            }
        }
    }
    if by_line.is_empty() {
        return (text.to_string(), 0, Vec::new());
    }
    let tree = crate::python::parse(text);
    let mut edits: Vec<(usize, String)> = Vec::new();
    let mut skipped = Vec::new();
    for (line, codes) in by_line {
        match noqa_on_line(source, &linted.facts.comments, line) {
            Some(comment) => edits.extend(comment.add_codes(&codes)),
            None => {
                let end = source.line_range(line).end;
                let line_text = text.get(source.line_start(line)..end).unwrap_or("");
                if line_text.trim_end().ends_with('\\') || inside_string(&tree, end) {
                    skipped.push(line + 1);
                    continue;
                }
                edits.push((end, format!("  # noqa: {}", codes.join(", "))));
            }
        }
    }
    let added = edits.len();
    let mut new = text.to_string();
    for (at, insert) in edits.into_iter().rev() {
        new.insert_str(at, &insert);
    }
    (new, added, skipped)
}

/// Whether byte `offset` lies strictly inside a string literal (a triple-quoted string
/// spanning lines).
fn inside_string(tree: &tree_sitter::Tree, offset: usize) -> bool {
    let mut node = tree.root_node().descendant_for_byte_range(offset, offset);
    while let Some(n) = node {
        if n.kind() == "string" && n.start_byte() < offset && offset < n.end_byte() {
            return true;
        }
        node = n.parent();
    }
    false
}
