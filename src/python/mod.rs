//! The Python front end: one tree-sitter parse per file, turned into [`Facts`] that the
//! rules read. Nothing downstream walks raw syntax.

pub mod defs;
mod facts;
pub mod modules;
pub mod names;

pub use facts::{
    AttributeRef, Comment, Definition, DefinitionKind, Facts, Import, ImportContext, ImportKind,
    ImportedName, ModuleRef, NoqaDirective, Scope, StringLiteral,
};
pub use modules::ModuleName;

use std::cell::RefCell;

use tree_sitter::{Parser, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse Python source with a per-thread parser. `old` enables incremental reparsing
/// (the tree must have been edited with `Tree::edit` to match `text`).
pub fn parse(text: &str, old: Option<&Tree>) -> Tree {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(new_parser);
        // `parse` only returns `None` without a language, a timeout or a cancellation
        // flag, none of which is set here; retry with a fresh parser to be safe.
        match parser.parse(text, old) {
            Some(tree) => tree,
            None => {
                *parser = new_parser();
                parser
                    .parse(text, None)
                    .unwrap_or_else(|| unreachable!("tree-sitter parser without language"))
            }
        }
    })
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap_or_else(|e| unreachable!("tree-sitter-python is ABI-compatible: {e}"));
    parser
}

/// Parse only `ranges` of `text` and extract facts (node offsets stay those of `text`):
/// the CLI's body reducer skips blanked bodies this way instead of lexing their spaces.
/// `None` when tree-sitter rejects the ranges.
pub fn analyze_included(
    text: &str,
    module: Option<&ModuleName>,
    ranges: &[tree_sitter::Range],
) -> Option<Facts> {
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(new_parser);
        parser.set_included_ranges(ranges).ok()?;
        let tree = parser.parse(text, None);
        // The per-thread parser must parse whole texts again for everyone else.
        if parser.set_included_ranges(&[]).is_err() {
            *parser = new_parser();
        }
        tree
    })?;
    Some(Facts::extract(&tree, text, module))
}

/// Parse and extract facts in one go.
pub fn analyze(text: &str, module: Option<&ModuleName>) -> Facts {
    let tree = parse(text, None);
    Facts::extract(&tree, text, module)
}
