//! The Python front end: one tree-sitter parse per file, turned into [`Facts`] that the
//! rules read. Nothing downstream walks raw syntax.

mod facts;
pub mod modules;
pub mod names;

pub use facts::{
    Comment, Definition, DefinitionKind, Facts, Import, ImportContext, ImportKind, ImportedName,
    ModuleRef, NoqaDirective, Scope, StringLiteral,
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

/// Parse and extract facts in one go.
pub fn analyze(text: &str, module: Option<&ModuleName>) -> Facts {
    let tree = parse(text, None);
    Facts::extract(&tree, text, module)
}
