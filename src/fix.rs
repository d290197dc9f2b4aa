//! Fixes: sets of non-overlapping text edits with an applicability and a title.

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub title: String,
    /// Sorted, non-overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(
        applicability: Applicability,
        title: impl Into<String>,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by(|a, b| (a.range.start, a.range.end).cmp(&(b.range.start, b.range.end)));
        Fix {
            applicability,
            title: title.into(),
            edits,
        }
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
