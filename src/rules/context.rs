//! What a rule sees of one file: its path, text, facts, module, settings and rule
//! selection, and the suppression test a fix consults. Built by the engine
//! ([`crate::lint`]) once per file; rules only read it.

use std::path::Path;

use crate::config::Settings;
use crate::python::{Facts, ModuleName};
use crate::rules::registry::{Rule, RuleSelection};
use crate::source::SourceText;

/// What a rule sees: one file, its facts and the settings that apply to it.
pub struct FileContext<'a> {
    pub path: &'a Path,
    pub source: &'a SourceText,
    pub facts: &'a Facts,
    pub module: Option<&'a ModuleName>,
    pub settings: &'a Settings,
    pub selection: &'a RuleSelection,
    /// The `per-file-ignores` prefixes that match `path`, matched once per file.
    ignored: Vec<&'a str>,
}

impl<'a> FileContext<'a> {
    pub fn new(
        path: &'a Path,
        source: &'a SourceText,
        facts: &'a Facts,
        module: Option<&'a ModuleName>,
        settings: &'a Settings,
        selection: &'a RuleSelection,
    ) -> FileContext<'a> {
        FileContext {
            path,
            source,
            facts,
            module,
            settings,
            selection,
            ignored: settings.ignored_for(path),
        }
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.selection.is_enabled(rule)
    }

    /// Whether `per-file-ignores` or a `# noqa` (on the line of `offset` or of the
    /// statement start `parent`) drops a finding of `rule`; fixes leave such names alone.
    /// Syntax errors (SSOT000) are never suppressed. The engine applies the same test to
    /// every finding (`lint::suppress`).
    pub fn is_suppressed(&self, rule: Rule, offset: usize, parent: Option<usize>) -> bool {
        if rule == Rule::InvalidSyntax {
            return false;
        }
        self.ignored.iter().any(|p| rule.matches_prefix(p))
            || self.noqa_covers(offset, rule.code())
            || parent.is_some_and(|p| self.noqa_covers(p, rule.code()))
    }

    /// Whether a `# noqa` on the line of `offset` covers `code`. Comments are in text
    /// order (one walk per chunk, chunks in order): the line's are found by binary
    /// search, not by a scan per finding, which grew with the square of a big file's
    /// size (issue 11).
    fn noqa_covers(&self, offset: usize, code: &str) -> bool {
        let comments = &self.facts.comments;
        let line = self.source.line_index(offset);
        let line_start = self.source.line_range(line).start;
        let from = comments.partition_point(|c| c.range.start < line_start);
        comments[from..]
            .iter()
            .take_while(|c| self.source.line_index(c.range.start) == line)
            .any(|c| c.noqa.as_ref().is_some_and(|d| d.covers(code)))
    }

    /// Source text of a range.
    pub fn text(&self, range: std::ops::Range<usize>) -> &str {
        self.source.text().get(range).unwrap_or("")
    }
}
