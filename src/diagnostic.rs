//! Findings as values: a [`Diagnostic`] (which rule, where, what it says, an optional
//! fix), the findings of one file ([`FileReport`]) and of one run ([`CheckReport`]).
//! Every producer (driver, fixer, hook) and consumer (outputs, baseline) meets here.

use std::path::PathBuf;

use crate::fix::Fix;
use crate::rules::registry::{Rule, Severity};
use crate::source::{SourceText, TextRange};

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub message: String,
    /// The flagged span (byte offsets).
    pub range: TextRange,
    /// Start of the enclosing statement, when a `# noqa` on its first line also counts
    /// (multi-line imports).
    pub parent: Option<usize>,
    pub severity: Severity,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(rule: Rule, message: impl Into<String>, range: TextRange) -> Diagnostic {
        Diagnostic {
            rule,
            message: message.into(),
            range,
            parent: None,
            severity: rule.default_severity(),
            fix: None,
        }
    }

    pub fn with_parent(mut self, parent: usize) -> Diagnostic {
        self.parent = Some(parent);
        self
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Diagnostic {
        self.fix = fix;
        self
    }
}

/// One checked file that has something to say.
#[derive(Debug)]
pub struct FileReport {
    /// The path as walked (relative when the user gave a relative path).
    pub path: PathBuf,
    pub source: SourceText,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
pub struct CheckReport {
    /// Files with diagnostics, sorted by path.
    pub files: Vec<FileReport>,
    /// How many files were linted.
    pub checked: usize,
    /// Files skipped (binary, not UTF-8), one line each.
    pub warnings: Vec<String>,
    /// Problems that stop the tool doing its job (bad config, unreadable paths).
    pub errors: Vec<String>,
}

impl CheckReport {
    pub fn diagnostic_count(&self) -> usize {
        self.files.iter().map(|f| f.diagnostics.len()).sum()
    }
}
