//! A finding: which rule, where (byte range), what it says, and an optional fix.

use crate::fix::Fix;
use crate::rules::registry::{Rule, Severity};
use crate::source::TextRange;

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
