//! Chunks of plain module-level statements read off the scanner's tokens: one import
//! or simple assignment (`NAME = 0`, `NAME = other.name`), or a block of them under
//! `if TYPE_CHECKING:` or in `try: … except ImportError: …` (the shapes of nearly every
//! kept chunk that is no definition). What tree-sitter's walk makes of them: imports
//! with their context, module-level bindings (`defs::Collector::module_assignment`) and
//! the `a.b` attribute of a dotted value. Any other shape is `None`.

use crate::python::model::{AttributeRef, CallFact, Facts, ImportContext, ModuleAssignment};
use crate::python::modules::ModuleName;
use crate::python::scan::{self, Tok};

use super::imports::Reader;

/// The facts of a chunk whose kept ranges of `text` have a shape read here.
pub(super) fn facts(
    text: &str,
    ranges: &[tree_sitter::Range],
    module: Option<&ModuleName>,
) -> Option<Facts> {
    // One range from the start of a line: a gap inside would join lines tree-sitter's
    // way, which is not the scanner's.
    let [range] = ranges else {
        return None;
    };
    if range.start_point.column != 0 {
        return None;
    }
    let base = range.start_byte;
    let kept = text.get(base..range.end_byte)?;
    // Cheap refusal of every other chunk before lexing it.
    if !plausible(skip_comment_lines(kept)) {
        return None;
    }
    let tokens = scan::tokenize(kept);
    let mut reader = Reader {
        kept,
        tokens: &tokens,
        at: 0,
    };
    let mut facts = Facts::default();
    reader.skip(blank);
    let top = ImportContext::default();
    if reader.eat(Tok::Name, "if").is_some() {
        reader.eat(Tok::Name, "TYPE_CHECKING")?;
        reader.eat(Tok::Op, ":")?;
        let context = ImportContext {
            type_checking: true,
            ..top
        };
        block(&mut reader, module, context, &mut facts)?;
    } else if reader.eat(Tok::Name, "try").is_some() {
        reader.eat(Tok::Op, ":")?;
        let guarded = ImportContext {
            guarded: true,
            ..top
        };
        block(&mut reader, module, guarded, &mut facts)?;
        reader.skip(blank);
        reader.eat(Tok::Name, "except")?;
        if reader.eat(Tok::Name, "ImportError").is_none() {
            reader.eat(Tok::Name, "ModuleNotFoundError")?;
        }
        reader.eat(Tok::Op, ":")?;
        block(&mut reader, module, top, &mut facts)?;
    } else {
        statement(&mut reader, module, top, &mut facts)?;
    }
    reader.skip(blank);
    if reader.kind() != Some(Tok::EndMarker) {
        return None;
    }
    if base == 0 {
        return Some(facts);
    }
    // Read off the kept text, the offsets count from its start, not the chunk's.
    let mut shifted = Facts::default();
    shifted.append(facts, base);
    Some(shifted)
}

/// A comment or a line break inside brackets or of a blank line.
fn blank(kind: Tok) -> bool {
    matches!(kind, Tok::Comment | Tok::Nl)
}

/// `text` after its leading blank and comment-only lines.
fn skip_comment_lines(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_start_matches([' ', '\t', '\r', '\n', '\x0c']);
        match trimmed.strip_prefix('#') {
            Some(comment) => match comment.find('\n') {
                Some(end) => text = &comment[end..],
                None => return "",
            },
            None => return trimmed,
        }
    }
}

/// `head` may start a shape read here: a keyword of one, or a name and `=` or `:`.
fn plausible(head: &str) -> bool {
    let keyword = |word: &str| {
        head.strip_prefix(word)
            .is_some_and(|rest| rest.starts_with([' ', '\t', '\\', '.', '(', ':']))
    };
    if keyword("import") || keyword("from") || keyword("if") || keyword("try") {
        return true;
    }
    let name_end = head
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(head.len());
    let rest = head[name_end..].trim_start_matches([' ', '\t']);
    name_end > 0 && (rest.starts_with(':') || (rest.starts_with('=') && !rest.starts_with("==")))
}

/// An indented block of statements after a `:`, each import given `context`.
fn block(
    reader: &mut Reader,
    module: Option<&ModuleName>,
    context: ImportContext,
    facts: &mut Facts,
) -> Option<()> {
    reader.skip(blank);
    if reader.kind() != Some(Tok::Newline) {
        return None;
    }
    reader.at += 1;
    reader.skip(blank);
    if reader.kind() != Some(Tok::Indent) {
        return None;
    }
    reader.at += 1;
    loop {
        statement(reader, module, context, facts)?;
        reader.skip(blank);
        if reader.kind() == Some(Tok::Dedent) {
            reader.at += 1;
            return Some(());
        }
    }
}

/// One simple statement and its end of line: an import or an assignment.
fn statement(
    reader: &mut Reader,
    module: Option<&ModuleName>,
    context: ImportContext,
    facts: &mut Facts,
) -> Option<()> {
    if matches!(reader.text(), "import" | "from") {
        if let Some(mut import) = reader.statement(module)? {
            import.context = context;
            facts.imports.push(import);
        }
    } else {
        assignment(reader, facts)?;
    }
    // The end of the line (after a comment); at the end of the text, the end marker.
    reader.skip(|t| t == Tok::Comment);
    match reader.kind()? {
        Tok::Newline => reader.at += 1,
        Tok::EndMarker => {}
        _ => return None,
    }
    Some(())
}

/// `NAME = value` or `NAME: TYPE = value`, where the value is a [`literal`], a dotted
/// name written without spaces, or a call of one with [`arguments`] (`threading.Lock()`,
/// `timedelta(seconds=5)`, `getLogger(__name__)`).
fn assignment(reader: &mut Reader, facts: &mut Facts) -> Option<()> {
    let name = reader.name()?;
    let annotated = reader.eat(Tok::Op, ":").is_some();
    if annotated {
        reader.name()?;
    }
    reader.eat(Tok::Op, "=")?;
    let value = *reader.tokens.get(reader.at)?;
    let value_text = reader.kept.get(value.range())?;
    let (value, dotted) = match value.kind {
        Tok::Number | Tok::String | Tok::Name if literal(value.kind, value_text) => {
            reader.at += 1;
            (None, None)
        }
        Tok::Name => {
            let first = reader.at;
            let dotted = reader.dotted()?;
            // `a.b.c`: only the innermost attribute, `a.b`, has a name for its object.
            if reader.at >= first + 3 {
                let object = *reader.tokens.get(first)?;
                let attribute = *reader.tokens.get(first + 2)?;
                facts.attributes.push(AttributeRef {
                    object: object.range().into(),
                    attribute: attribute.range().into(),
                });
            }
            if reader.eat(Tok::Op, "(").is_none() {
                (None, Some(dotted.into()))
            } else {
                // The first argument of these is a module path even without a dot.
                let callee = reader.kept.get(dotted.clone())?;
                let last = callee.rsplit('.').next().unwrap_or(callee);
                if matches!(last, "import_module" | "__import__" | "patch") {
                    return None;
                }
                arguments(reader)?;
                let end = reader.tokens.get(reader.at.checked_sub(1)?)?.end as usize;
                let call = CallFact {
                    range: (dotted.start..end).into(),
                    callee: Some(dotted.into()),
                };
                facts.defs.calls.push(call.clone());
                (Some(call), None)
            }
        }
        _ => return None,
    };
    let end = reader.tokens.get(reader.at.checked_sub(1)?)?.end as usize;
    facts.defs.module_assignments.push(ModuleAssignment {
        name: name.range().into(),
        value,
        dotted,
        annotated,
        statement: (name.start as usize..end).into(),
    });
    Some(())
}

/// A value that gives no fact: a number, a string without a `.` (no path), `None`,
/// `True` or `False`.
fn literal(kind: Tok, text: &str) -> bool {
    match kind {
        Tok::Number => true,
        Tok::String => !text.contains('.'),
        Tok::Name => matches!(text, "None" | "True" | "False"),
        _ => false,
    }
}

/// The arguments of a call after its `(`, up to and with its `)`: [`literal`]s and
/// plain names, positional or as `NAME=value`, comments and line breaks between.
fn arguments(reader: &mut Reader) -> Option<()> {
    loop {
        reader.skip(blank);
        if reader.eat(Tok::Op, ")").is_some() {
            return Some(());
        }
        if reader
            .tokens
            .get(reader.at + 1)
            .is_some_and(|t| t.kind == Tok::Op && reader.kept.get(t.range()) == Some("="))
        {
            reader.name()?;
            reader.at += 1;
            reader.skip(blank);
        }
        let value = *reader.tokens.get(reader.at)?;
        if literal(value.kind, reader.kept.get(value.range())?) {
            reader.at += 1;
        } else {
            reader.name()?;
        }
        reader.skip(blank);
        if reader.eat(Tok::Op, ",").is_none() {
            reader.eat(Tok::Op, ")")?;
            return Some(());
        }
    }
}
