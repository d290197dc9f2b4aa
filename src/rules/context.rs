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
}

impl FileContext<'_> {
    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.selection.is_enabled(rule)
    }

    /// Whether `per-file-ignores` or a `# noqa` (on the line of `offset` or of the
    /// statement start `parent`) drops a finding of `rule`; fixes leave such names alone.
    pub fn is_suppressed(&self, rule: Rule, offset: usize, parent: Option<usize>) -> bool {
        if self
            .settings
            .ignored_for(self.path)
            .iter()
            .any(|p| rule.matches_prefix(p))
        {
            return true;
        }
        let code = rule.code();
        // Comments are in text order (one walk per chunk, chunks in order): the line's
        // are found by binary search, not by a scan per finding, which grew with the
        // square of a big file's size (issue 11).
        let comments = &self.facts.comments;
        let on_line = |o: usize| {
            let line = self.source.line_index(o);
            let line_start = self.source.line_range(line).start;
            let from = comments.partition_point(|c| c.range.start < line_start);
            comments[from..]
                .iter()
                .take_while(|c| self.source.line_index(c.range.start) == line)
                .any(|c| c.noqa.as_ref().is_some_and(|d| d.covers(code)))
        };
        on_line(offset) || parent.is_some_and(on_line)
    }

    /// Source text of a range.
    pub fn text(&self, range: std::ops::Range<usize>) -> &str {
        self.source.text().get(range).unwrap_or("")
    }
}
