//! The engine: one text and its settings → diagnostics (parse → facts → rules →
//! per-file ignores, `# noqa`, severities). Every caller ends in [`diagnostics_of`]; they
//! differ only in how the facts were made. [`lint_text`] parses the whole text (the hook,
//! `--fix` through [`crate::fixer::fix_text`], stdin, `--add-noqa`, the driver off the
//! fast path); [`lint_with`] takes the caller's parse (the driver's reducer,
//! `check::lint_reduced`, for check, report, baseline and history); the language
//! server hands its per-chunk facts to [`diagnostics_of`] directly. So the CLI, the hook
//! and the server cannot disagree about a file.

use std::path::Path;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::python::{self, Facts, ModuleName};
use crate::rules;
use crate::rules::context::FileContext;
use crate::rules::registry::RuleSelection;
use crate::source::SourceText;

/// Rule selection given on the command line or by an editor, on top of the config.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Replaces the config's `select` when given.
    pub select: Option<Vec<String>>,
    /// Added to the config's `ignore`.
    pub extend_ignore: Vec<String>,
    /// Added to the (config's or replaced) `select`.
    pub extend_select: Vec<String>,
}

impl LintOptions {
    pub fn selection(&self, settings: &Settings) -> RuleSelection {
        let mut selection = settings.selection.clone();
        if let Some(select) = &self.select {
            selection.select = select.clone();
        }
        selection.select.extend(self.extend_select.iter().cloned());
        selection.ignore.extend(self.extend_ignore.iter().cloned());
        selection
    }
}

/// The result of linting one text.
#[derive(Debug)]
pub struct Linted {
    pub source: SourceText,
    pub facts: Facts,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lint `text` as if it were the file at `path` (which need not exist on disk).
pub fn lint_text(path: &Path, text: String, settings: &Settings, options: &LintOptions) -> Linted {
    lint_with(path, text, settings, options, python::analyze)
}

/// [`lint_text`] with the parse supplied by the caller (the CLI's body reducer parses
/// only part of the text).
pub fn lint_with(
    path: &Path,
    text: String,
    settings: &Settings,
    options: &LintOptions,
    analyze: impl FnOnce(&str, Option<&ModuleName>) -> Facts,
) -> Linted {
    let source = SourceText::new(text);
    let module = python::modules::module_of(path, &settings.src);
    let facts = analyze(source.text(), module.as_ref());
    lint_parsed(path, source, facts, module, settings, options)
}

/// Run the rules on facts already extracted from `source` for `module` (as
/// [`lint_text`] would) and keep text, facts and diagnostics together: the step after
/// the parse of [`lint_with`], public so a benchmark (`benches/edit.rs`) can time the
/// rules alone.
pub fn lint_parsed(
    path: &Path,
    source: SourceText,
    facts: Facts,
    module: Option<ModuleName>,
    settings: &Settings,
    options: &LintOptions,
) -> Linted {
    let diagnostics = diagnostics_of(path, &source, &facts, module.as_ref(), settings, options);
    Linted {
        source,
        facts,
        diagnostics,
    }
}

/// The diagnostics of [`lint_parsed`], borrowing the text and facts: the language
/// server keeps its own and would otherwise hand the rules a copy of each.
pub fn diagnostics_of(
    path: &Path,
    source: &SourceText,
    facts: &Facts,
    module: Option<&ModuleName>,
    settings: &Settings,
    options: &LintOptions,
) -> Vec<Diagnostic> {
    let selection = options.selection(settings);
    let ctx = FileContext::new(path, source, facts, module, settings, &selection);
    let found = rules::check(&ctx);
    suppress(found, &ctx)
}

/// Drop what `per-file-ignores` and `# noqa` suppress; apply severities; sort.
fn suppress(diagnostics: Vec<Diagnostic>, ctx: &FileContext) -> Vec<Diagnostic> {
    let mut kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| !ctx.is_suppressed(d.rule, d.range.start, d.parent))
        .map(|mut d| {
            d.severity = ctx.settings.severity_of(d.rule);
            d
        })
        .collect();
    kept.sort_by(|a, b| {
        (a.range.start, a.rule, a.range.end).cmp(&(b.range.start, b.rule, b.range.end))
    });
    kept.dedup_by(|a, b| a.rule == b.rule && a.range == b.range);
    kept
}
