//! What a rule sees of one file: its path, text, facts, module, settings and rule
//! selection, and the suppression test a fix consults. Built by the engine
//! ([`crate::lint`]) once per file; rules only read it.

use std::path::Path;

use crate::config::Settings;
use crate::python::{noqa_on_line, Facts, ModuleName};
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
    /// Is `path` under a source root ([`FileContext::is_under_src`]), asked once per file:
    /// a path comparison per import was a fifth of the import rules' time.
    under_src: std::cell::OnceCell<bool>,
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
            under_src: std::cell::OnceCell::new(),
        }
    }

    /// Is the file under one of the settings' source roots (`project.src`)?
    pub fn is_under_src(&self) -> bool {
        *self.under_src.get_or_init(|| {
            self.settings
                .src
                .iter()
                .any(|root| self.path.starts_with(root))
        })
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

    /// Whether a `# noqa` on the line of `offset` covers `code`.
    fn noqa_covers(&self, offset: usize, code: &str) -> bool {
        let line = self.source.line_index(offset);
        noqa_on_line(self.source, &self.facts.comments, line)
            .and_then(|c| c.noqa.as_ref())
            .is_some_and(|d| d.covers(code))
    }

    /// Source text of a range.
    pub fn text(&self, range: std::ops::Range<usize>) -> &str {
        self.source.text().get(range).unwrap_or("")
    }
}
