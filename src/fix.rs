//! Fixes: sets of non-overlapping text edits with an applicability and a title, and the
//! one applier ([`fix_text`]) that the CLI, the pre-commit hook and the language server
//! share, so a fix behaves the same wherever it is applied.

use std::collections::HashSet;
use std::path::Path;

use crate::config::Settings;
use crate::lint::{lint_text, LintOptions, Linted};
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

/// What [`fix_text`] did to one text.
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed text (the input when nothing applied).
    pub text: String,
    /// How many diagnostics were fixed.
    pub fixed: usize,
    /// The lint of the final text: what is left.
    pub linted: Linted,
}

/// Passes over one text before giving up on overlapping fixes (ruff uses 100; import
/// fixes converge in two or three).
pub const MAX_PASSES: usize = 10;

/// Lint `text` and apply every applicable fix, over several passes when fixes overlap,
/// until nothing is left to apply. A text that does not parse cleanly (or that CPython
/// would reject with a `TabError`, which tree-sitter accepts) is not touched, and a fix
/// that would add syntax errors is dropped.
pub fn fix_text(
    path: &Path,
    text: String,
    settings: &Settings,
    options: &LintOptions,
    unsafe_fixes: bool,
) -> FixOutcome {
    let mut linted = lint_text(path, text, settings, options);
    let mut fixed = 0;
    if linted.facts.has_syntax_errors() || crate::reduce::has_tab_error(linted.source.text()) {
        return FixOutcome {
            text: linted.source.text().to_string(),
            fixed,
            linted,
        };
    }
    // Fixes that produced a broken text, by title and edits, never retried.
    let mut rejected: HashSet<(String, Vec<Edit>)> = HashSet::new();
    for _ in 0..MAX_PASSES {
        let current = linted.source.text().to_string();
        let Some((next, count)) = one_pass(&current, &linted, unsafe_fixes, &mut rejected, |t| {
            crate::python::analyze(t, None).has_syntax_errors()
        }) else {
            break;
        };
        fixed += count;
        linted = lint_text(path, next, settings, options);
    }
    FixOutcome {
        text: linted.source.text().to_string(),
        fixed,
        linted,
    }
}

/// One pass: the applicable fixes that do not overlap an earlier one, applied together.
/// Returns `None` when nothing was applied.
fn one_pass(
    text: &str,
    linted: &Linted,
    unsafe_fixes: bool,
    rejected: &mut HashSet<(String, Vec<Edit>)>,
    is_broken: impl Fn(&str) -> bool,
) -> Option<(String, usize)> {
    // Resolve every applicable fix; diagnostics sharing one fix are counted together.
    let mut candidates: Vec<(Vec<Edit>, String, usize)> = Vec::new();
    let names = std::cell::OnceCell::new();
    for d in &linted.diagnostics {
        let Some(fix) = d.fix.as_ref().filter(|f| f.is_applicable(unsafe_fixes)) else {
            continue;
        };
        let Some(edits) = fix.edits_with(text, &names) else {
            continue;
        };
        if edits.is_empty() || rejected.contains(&(fix.title.clone(), edits.clone())) {
            continue;
        }
        match candidates
            .iter_mut()
            .find(|(e, t, _)| *e == edits && *t == fix.title)
        {
            Some(c) => c.2 += 1,
            None => candidates.push((edits, fix.title.clone(), 1)),
        }
    }
    candidates.sort_by_key(|(edits, _, _)| edits.first().map(|e| e.range.start));
    let mut accepted: Vec<&(Vec<Edit>, String, usize)> = Vec::new();
    let mut taken: Vec<TextRange> = Vec::new();
    for candidate in &candidates {
        let overlaps = candidate.0.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.start < t.end && t.start < e.range.end
                    || (e.range.start == t.start && (e.range.is_empty() || t.is_empty()))
            })
        });
        if !overlaps {
            taken.extend(candidate.0.iter().map(|e| e.range.clone()));
            accepted.push(candidate);
        }
    }
    if accepted.is_empty() {
        return None;
    }
    let apply = |set: &[&(Vec<Edit>, String, usize)]| {
        let mut edits: Vec<Edit> = set.iter().flat_map(|c| c.0.iter().cloned()).collect();
        edits.sort_by_key(|a| (a.range.start, a.range.end));
        apply_edits(text, &edits)
    };
    let (joined, skipped) = apply(&accepted);
    if skipped.is_empty() && !is_broken(&joined) {
        return Some((joined, accepted.iter().map(|c| c.2).sum()));
    }
    // Something broke the text: keep only the fixes that are fine one by one.
    let mut good: Vec<&(Vec<Edit>, String, usize)> = Vec::new();
    for candidate in accepted {
        let mut trial = good.clone();
        trial.push(candidate);
        let (out, skipped) = apply(&trial);
        if skipped.is_empty() && !is_broken(&out) {
            good = trial;
        } else {
            rejected.insert((candidate.1.clone(), candidate.0.clone()));
        }
    }
    if good.is_empty() {
        return None;
    }
    let (out, _) = apply(&good);
    Some((out, good.iter().map(|c| c.2).sum()))
}
