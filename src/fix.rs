//! Fixes as values: sets of non-overlapping text edits with an applicability and a
//! title, attached to diagnostics by the rules. Applying them (lint, apply, re-lint) is
//! the fixer's job ([`crate::fixer::fix_text`]); this module lints nothing.

use crate::source::TextRange;

/// Whether a fix may be applied without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Changes only what the rule is about; behaviour is kept.
    Safe,
    /// May change behaviour (e.g. renames references); needs `--unsafe-fixes`.
    Unsafe,
}

/// Replace `range` with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

/// Rename every reference to the local name bound by the import statement starting at
/// `statement`. Kept symbolic so that linting never pays for a scope analysis; the edits
/// are computed by [`Fix::edits_for`] only when the fix is applied or shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rename {
    pub statement: usize,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub title: String,
    /// Sorted, non-overlapping.
    pub edits: Vec<Edit>,
    /// References to rename on top of `edits` (see [`Fix::edits_for`]).
    pub rename: Option<Rename>,
}

impl Fix {
    pub fn new(
        applicability: Applicability,
        title: impl Into<String>,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|a| (a.range.start, a.range.end));
        Fix {
            applicability,
            title: title.into(),
            edits,
            rename: None,
        }
    }

    pub fn with_rename(mut self, rename: Rename) -> Fix {
        self.rename = Some(rename);
        self
    }

    /// Every edit of this fix against `text` (the text it was computed on), rename
    /// included; `None` when the references cannot be renamed safely (shadowing, the new
    /// name already bound), in which case the fix must not be applied.
    pub fn edits_for(&self, text: &str) -> Option<Vec<Edit>> {
        self.edits_with(text, &std::cell::OnceCell::new())
    }

    /// [`Fix::edits_for`] with the text's name index shared between fixes (built on
    /// the first rename), so a pass over many renames parses the text once.
    pub fn edits_with(
        &self,
        text: &str,
        names: &std::cell::OnceCell<crate::python::names::Names>,
    ) -> Option<Vec<Edit>> {
        let mut edits = self.edits.clone();
        if let Some(rename) = &self.rename {
            let ranges = names
                .get_or_init(|| crate::python::names::Names::new(text))
                .references(text, rename.statement, &rename.from, &rename.to)?;
            edits.extend(ranges.into_iter().map(|range| Edit {
                range,
                content: rename.to.clone(),
            }));
            edits.sort_by_key(|a| (a.range.start, a.range.end));
            if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
                return None;
            }
        }
        Some(edits)
    }

    pub fn is_applicable(&self, unsafe_fixes: bool) -> bool {
        self.applicability == Applicability::Safe || unsafe_fixes
    }
}

/// Apply sorted, non-overlapping edits to `text`. Edits that overlap an earlier one are
/// skipped and returned, so callers can run another pass.
pub fn apply_edits(text: &str, edits: &[Edit]) -> (String, Vec<Edit>) {
    let mut out = String::with_capacity(text.len());
    let mut skipped = Vec::new();
    let mut last = 0;
    for edit in edits {
        if edit.range.start < last
            || edit.range.end > text.len()
            || edit.range.start > edit.range.end
            || !text.is_char_boundary(edit.range.start)
            || !text.is_char_boundary(edit.range.end)
        {
            skipped.push(edit.clone());
            continue;
        }
        out.push_str(&text[last..edit.range.start]);
        out.push_str(&edit.content);
        last = edit.range.end;
    }
    out.push_str(&text[last..]);
    (out, skipped)
}
