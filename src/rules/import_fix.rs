//! Fixes for SSOT001/SSOT003: rewrite an import statement to the canonical module.
//! A `from` list whose names all move is rewritten in place; otherwise the moving names
//! leave the list (their comments with them) and are merged into an earlier canonical
//! import of the same top-level block, or imported on a new line right below, at the
//! statement's indentation.

use crate::fix::{Applicability, Edit, Fix};
use crate::python::modules::moved;
use crate::python::modules::resolve_relative;
use crate::python::{Import, ImportKind, ImportedName, ModuleRef, Scope};
use crate::rules::canonical::canonical_target;
use crate::rules::context::FileContext;
use crate::source::TextRange;

/// Where one imported name goes.
#[derive(Debug, Clone)]
struct Target {
    /// Absolute module name.
    absolute: String,
    /// The module as it will be written (relative when it keeps the same form).
    written: String,
    name: String,
    alias: Option<String>,
}

impl Target {
    fn render(&self) -> String {
        match &self.alias {
            Some(alias) if *alias != self.name => format!("{} as {alias}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// The new home of a flagged `from` name, if it has one.
fn target_for(
    ctx: &FileContext,
    module_ref: &ModuleRef,
    module: &str,
    name: &ImportedName,
) -> Option<Target> {
    let alias = name.alias.as_ref().map(|(a, _)| a.to_string());
    let (absolute, new_name) =
        if let Some(symbol) = canonical_target(ctx, module_ref.level, module, &name.name) {
            (symbol.module.clone(), symbol.name.clone())
        } else if let Some((old, new)) = ctx.settings.legacy_module_for(module) {
            (moved(module, old, new), name.name.to_string())
        } else {
            let submodule = format!("{module}.{}", name.name);
            let (old, new) = ctx.settings.legacy_module_for(&submodule)?;
            let target = moved(&submodule, old, new);
            let (parent, last) = target.rsplit_once('.')?;
            (parent.to_string(), last.to_string())
        };
    // Keep the local name the code uses.
    let alias = alias.or_else(|| (new_name != name.name).then(|| name.name.to_string()));
    Some(Target {
        written: module_text(ctx, module_ref, &absolute),
        absolute,
        name: new_name,
        alias,
    })
}

/// A relative import stays relative when the target lies below the same package.
fn module_text(ctx: &FileContext, module_ref: &ModuleRef, absolute: &str) -> String {
    if module_ref.level == 0 {
        return absolute.to_string();
    }
    let dots = ".".repeat(module_ref.level);
    match ctx
        .module
        .and_then(|m| resolve_relative(m, module_ref.level, None))
    {
        Some(base) if base == absolute => dots,
        Some(base) if absolute.starts_with(&format!("{base}.")) => {
            format!("{dots}{}", &absolute[base.len() + 1..])
        }
        _ => absolute.to_string(),
    }
}

/// SSOT003 on `import old.mod as m`: rewrite the dotted name (only with an alias, which
/// keeps the bound name; without one the bound top-level name would change).
pub fn plain_import_fix(ctx: &FileContext, name: &ImportedName) -> Option<Fix> {
    name.alias.as_ref()?;
    let (old, new) = ctx.settings.legacy_module_for(&name.name)?;
    let target = moved(&name.name, old, new);
    Some(Fix::new(
        Applicability::Safe,
        format!("Import `{target}`"),
        vec![Edit {
            range: name.name_range.range(),
            content: target,
        }],
    ))
}

/// The fix for one `from` statement that moves the names at `moving` (indexes into
/// `import.names`).
pub fn statement_fix(
    ctx: &FileContext,
    import: &Import,
    module: &str,
    moving: &[usize],
) -> Option<Fix> {
    let module_ref = import.module.as_ref()?;
    if import.kind != ImportKind::From || import.star.is_some() {
        return None;
    }
    let text = ctx.source.text();
    let moves: Vec<(usize, Target)> = moving
        .iter()
        .filter_map(|&i| {
            Some((
                i,
                target_for(ctx, module_ref, module, import.names.get(i)?)?,
            ))
        })
        .collect();
    if moves.is_empty() {
        return None;
    }
    // Group by target module, in order of first appearance.
    let mut groups: Vec<(String, Vec<(usize, Target)>)> = Vec::new();
    for (i, target) in moves {
        match groups.iter_mut().find(|(m, _)| *m == target.written) {
            Some(g) => g.1.push((i, target)),
            None => groups.push((target.written.clone(), vec![(i, target)])),
        }
    }
    let moving_count: usize = groups.iter().map(|g| g.1.len()).sum();
    let mut edits = Vec::new();
    let mut titles = Vec::new();
    // With nothing staying behind, the first group keeps the statement.
    let in_place = (moving_count == import.names.len()).then(|| groups.remove(0));
    if let Some((written, members)) = &in_place {
        let current = ctx.text(module_ref.range.range());
        if current != written {
            edits.push(Edit {
                range: module_ref.range.range(),
                content: written.clone(),
            });
        }
        for (i, target) in members {
            let name = &import.names[*i];
            let rendered = target.render();
            if ctx.text(name.range.range()) != rendered {
                edits.push(Edit {
                    range: name.range.range(),
                    content: rendered,
                });
            }
        }
        titles.push(format!("Import from `{written}`"));
    }
    if !groups.is_empty() {
        let mut remove = vec![false; import.names.len()];
        for (_, members) in &groups {
            for (i, _) in members {
                remove[*i] = true;
            }
        }
        let (ranges, comments) = removal(text, import, module_ref, &remove)?;
        edits.extend(ranges.into_iter().map(|range| Edit {
            range,
            content: String::new(),
        }));
        let mut inserted = String::new();
        for (written, members) in &groups {
            let has_comments = members.iter().any(|(i, _)| comments[*i].is_some());
            let merged = if has_comments {
                None
            } else {
                merge_into_existing(ctx, import, members)
            };
            match merged {
                Some(edit) => edits.extend(edit),
                None => {
                    inserted.push_str(&new_statement(ctx, import, written, members, &comments)?)
                }
            }
            titles.push(format!("Import from `{written}`"));
        }
        if !inserted.is_empty() {
            let last_line = ctx.source.line_index(
                import
                    .range
                    .end()
                    .saturating_sub(1)
                    .max(import.range.start()),
            );
            let at = ctx.source.line_range(last_line).end;
            edits.push(Edit {
                range: at..at,
                content: inserted,
            });
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(Fix::new(Applicability::Safe, titles.join("; "), edits))
}

/// Add the moving names to an earlier `from <target> import …` of the module's top-level
/// block (nested or guarded blocks get a statement of their own).
fn merge_into_existing(
    ctx: &FileContext,
    import: &Import,
    members: &[(usize, Target)],
) -> Option<Vec<Edit>> {
    let top_level = |i: &Import| {
        i.context.scope == Scope::Module
            && !i.context.guarded
            && !i.context.type_checking
            && ctx
                .source
                .line_start(ctx.source.line_index(i.range.start()))
                == i.range.start()
    };
    if !top_level(import) {
        return None;
    }
    let absolute = &members.first()?.1.absolute;
    let existing = ctx.facts.imports.iter().find(|other| {
        other.kind == ImportKind::From
            && other.range.end() <= import.range.start()
            && other.star.is_none()
            && !other.names.is_empty()
            && other.module.as_ref().and_then(|m| m.resolved.as_deref()) == Some(absolute.as_str())
            && top_level(other)
    })?;
    let bound: Vec<String> = existing
        .names
        .iter()
        .map(|n| ctx.text(n.range.range()).to_string())
        .collect();
    let mut added = String::new();
    for (_, target) in members {
        let rendered = target.render();
        if !bound.contains(&rendered) {
            added.push_str(", ");
            added.push_str(&rendered);
        }
    }
    let last = existing.names.last()?;
    if added.is_empty() {
        return Some(Vec::new());
    }
    Some(vec![Edit {
        range: last.range.end()..last.range.end(),
        content: added,
    }])
}

/// `<line break><indent>from <module> import <names>`, parenthesised when comments travel.
fn new_statement(
    ctx: &FileContext,
    import: &Import,
    written: &str,
    members: &[(usize, Target)],
    comments: &[Option<String>],
) -> Option<String> {
    let line = ctx.source.line_index(import.range.start());
    let line_start = ctx.source.line_start(line);
    let indent = ctx.text(line_start..import.range.start());
    // Only a statement that starts its line can get a sibling line below it.
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let eol = line_break(ctx, line);
    let names: Vec<String> = members.iter().map(|(_, t)| t.render()).collect();
    if members.iter().all(|(i, _)| comments[*i].is_none()) {
        return Some(format!(
            "{eol}{indent}from {written} import {}",
            names.join(", ")
        ));
    }
    let mut out = format!("{eol}{indent}from {written} import (");
    for ((i, _), name) in members.iter().zip(&names) {
        out.push_str(&format!("{eol}{indent}    {name},"));
        if let Some(comment) = &comments[*i] {
            out.push_str("  ");
            out.push_str(comment);
        }
    }
    out.push_str(&format!("{eol}{indent})"));
    Some(out)
}

/// The line break ending `line`, else the file's first one, else `\n`.
fn line_break(ctx: &FileContext, line: usize) -> &'static str {
    let text = ctx.source.text();
    let end = ctx.source.line_range(line).end;
    let ending = |at: usize| {
        let rest = &text.as_bytes()[at.min(text.len())..];
        match rest {
            [b'\r', b'\n', ..] => Some("\r\n"),
            [b'\n', ..] => Some("\n"),
            [b'\r', ..] => Some("\r"),
            _ => None,
        }
    };
    ending(end)
        .or_else(|| text.find(['\n', '\r']).and_then(ending))
        .unwrap_or("\n")
}

/// Deletions that take the `remove`d names out of the statement's list, and the trailing
/// comment of each removed name that sat on a line of its own (it moves with the name).
fn removal(
    text: &str,
    import: &Import,
    module_ref: &ModuleRef,
    remove: &[bool],
) -> Option<(Vec<TextRange>, Vec<Option<String>>)> {
    let names = &import.names;
    let last_kept = remove.iter().rposition(|r| !r)?;
    let first_name = names.first()?.range.start();
    let parenthesised = text.get(module_ref.range.end()..first_name)?.contains('(');
    let mut comments = vec![None; names.len()];
    let mut ranges: Vec<TextRange> = Vec::new();
    // A gap without comments (commas, spaces, continuations) can go as a whole.
    let simple_gap = |gap: &str| !gap.contains('#');
    for (i, name) in names.iter().enumerate() {
        if !remove[i] {
            continue;
        }
        if parenthesised {
            if let Some((range, comment)) = own_line(text, name) {
                comments[i] = comment;
                ranges.push(range);
                continue;
            }
        }
        if i < last_kept {
            let next = names.get(i + 1)?;
            let gap = text.get(name.range.end()..next.range.start())?;
            if simple_gap(gap) {
                ranges.push(name.range.start()..next.range.start());
            } else {
                let comma = name.range.end() + gap.find(',')?;
                let after = text.get(comma + 1..)?;
                let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
                ranges.push(name.range.start()..comma + 1 + spaces);
            }
        } else {
            let prev = names.get(i.checked_sub(1)?)?;
            let gap = text.get(prev.range.end()..name.range.start())?;
            if simple_gap(gap) {
                ranges.push(prev.range.end()..name.range.end());
            } else {
                let comma = prev.range.end() + gap.find(',')?;
                ranges.push(comma..comma + 1);
                ranges.push(name.range.range());
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<TextRange> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    Some((merged, comments))
}

/// A name alone on its line (`    Name,  # comment`): the whole line, and the comment.
fn own_line(text: &str, name: &ImportedName) -> Option<(TextRange, Option<String>)> {
    let line_start = text[..name.range.start()]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    if !text[line_start..name.range.start()]
        .chars()
        .all(|c| c == ' ' || c == '\t')
    {
        return None;
    }
    let rest = &text[name.range.end()..];
    let line_len = rest.find(['\n', '\r'])?;
    let tail = rest[..line_len].trim_start_matches([' ', '\t']);
    let tail = tail
        .strip_prefix(',')
        .unwrap_or(tail)
        .trim_start_matches([' ', '\t']);
    let comment = if tail.is_empty() {
        None
    } else if tail.starts_with('#') {
        Some(tail.trim_end().to_string())
    } else {
        return None;
    };
    let mut end = name.range.end() + line_len;
    if rest[line_len..].starts_with("\r\n") {
        end += 2;
    } else {
        end += 1;
    }
    Some((line_start..end, comment))
}
