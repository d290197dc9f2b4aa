//! Code actions: a quick fix per fixable diagnostic, "disable for this line"
//! (`# noqa: CODE`), and `source.fixAll.ssotlint`.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit};
use crate::fixer::fix_text;
use crate::lint::LintOptions;
use crate::python::{noqa_on_line, Comment};
use crate::server::document::{Document, Encoding};
use crate::server::world::lsp_diagnostic;
use crate::source::SourceText;

pub const FIX_ALL: &str = "source.fixAll.ssotlint";

/// Does a requested `only` list admit this kind (kinds are hierarchical: `source`
/// admits `source.fixAll.ssotlint`)?
pub fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    let Some(only) = only else { return true };
    only.iter().any(|k| {
        let k = k.as_str();
        kind == k
            || kind
                .strip_prefix(k)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Actions for the diagnostics that touch `range` (byte offsets).
pub fn code_actions(
    uri: &Uri,
    doc: &Document,
    range: std::ops::Range<usize>,
    only: Option<&[CodeActionKind]>,
    encoding: Encoding,
    settings: &Settings,
    options: &LintOptions,
) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    let Some(linted) = doc.linted.as_ref() else {
        return actions;
    };
    let touching: Vec<&Diagnostic> = linted
        .diagnostics
        .iter()
        .filter(|d| d.range.start <= range.end && range.start <= d.range.end)
        .collect();
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        for d in &touching {
            let Some(fix) = &d.fix else { continue };
            // `None`: the rename cannot be done safely here; offer nothing.
            let Some(edits) = fix.edits_for(doc.source.text()) else {
                continue;
            };
            let safe = fix.applicability == Applicability::Safe;
            let title = if safe {
                format!("{} ({})", fix.title, d.rule.code())
            } else {
                format!("{} ({}, unsafe)", fix.title, d.rule.code())
            };
            actions.push(action(
                title,
                CodeActionKind::QUICKFIX,
                uri,
                text_edits(doc, &edits, encoding),
                Some(lsp_diagnostic(doc, d, encoding)),
                safe,
            ));
        }
        for d in &touching {
            if let Some(edit) = noqa_edit(&doc.source, &linted.comments, d) {
                actions.push(action(
                    format!("Disable {} for this line", d.rule.code()),
                    CodeActionKind::QUICKFIX,
                    uri,
                    text_edits(doc, &[edit], encoding),
                    Some(lsp_diagnostic(doc, d, encoding)),
                    false,
                ));
            }
        }
    }
    if wanted(only, FIX_ALL) {
        if let Some(edit) = fix_all(doc, settings, options, encoding) {
            actions.push(action(
                "Fix all safe ssotlint problems".to_string(),
                CodeActionKind::new(FIX_ALL),
                uri,
                vec![edit],
                None,
                false,
            ));
        }
    }
    actions
}

fn action(
    title: String,
    kind: CodeActionKind,
    uri: &Uri,
    edits: Vec<TextEdit>,
    diagnostic: Option<tower_lsp_server::ls_types::Diagnostic>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

fn text_edits(doc: &Document, edits: &[Edit], encoding: Encoding) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| TextEdit::new(encoding.range(&doc.source, &e.range), e.content.clone()))
        .collect()
}

/// Every safe fix, through the same multi-pass applier as `ssotlint check --fix`; one
/// edit that replaces the whole text, or `None` when there is nothing to fix.
pub fn fix_all(
    doc: &Document,
    settings: &Settings,
    options: &LintOptions,
    encoding: Encoding,
) -> Option<TextEdit> {
    let linted = doc.linted.as_ref()?;
    let any_safe = linted.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
    });
    if !any_safe {
        return None;
    }
    let original = doc.source.text();
    let outcome = fix_text(&doc.path, original.to_string(), settings, options, false);
    (outcome.fixed > 0 && outcome.text != original).then(|| {
        TextEdit::new(
            Range::new(
                encoding.position(&doc.source, 0),
                encoding.position(&doc.source, original.len()),
            ),
            outcome.text,
        )
    })
}

/// `# noqa: CODE` for the diagnostic's line: merged into an existing `# noqa: A`
/// comment, else appended at the end of the line.
pub fn noqa_edit(source: &SourceText, comments: &[Comment], d: &Diagnostic) -> Option<Edit> {
    let line = source.line_index(d.range.start);
    let code = d.rule.code();
    if let Some(comment) = noqa_on_line(source, comments, line) {
        let (end, content) = comment.add_codes(&[code])?;
        return Some(Edit {
            range: end..end,
            content,
        });
    }
    let range = source.line_range(line);
    let content = source.text().get(range.clone())?;
    let end = range.start + content.trim_end().len();
    Some(Edit {
        range: end..end,
        content: format!("  # noqa: {code}"),
    })
}
