//! Node kind ids and field ids of tree-sitter-python, looked up once. The facts walk
//! visits every node of every parsed tree: comparing `Node::kind` (a C string, turned
//! into `&str` per call) or naming a field (`child_by_field_name` compares the name
//! with every field's) cost more there than the rest of the visit.

use std::sync::OnceLock;

use tree_sitter::{Language, Node};

/// Ids of the named node kinds the walk and the collector read (`id_for_node_kind` with
/// `named`: of these names, none is also an anonymous token of the grammar).
pub(crate) struct Kinds {
    pub aliased_import: u16,
    pub argument_list: u16,
    pub assignment: u16,
    pub attribute: u16,
    pub augmented_assignment: u16,
    pub block: u16,
    pub call: u16,
    pub class_definition: u16,
    pub comment: u16,
    pub concatenated_string: u16,
    pub decorated_definition: u16,
    pub decorator: u16,
    pub default_parameter: u16,
    pub dictionary_splat_pattern: u16,
    pub dotted_name: u16,
    pub elif_clause: u16,
    pub else_clause: u16,
    pub except_clause: u16,
    pub expression_list: u16,
    pub expression_statement: u16,
    pub finally_clause: u16,
    pub function_definition: u16,
    pub global_statement: u16,
    pub identifier: u16,
    pub if_statement: u16,
    pub import_from_statement: u16,
    pub import_prefix: u16,
    pub import_statement: u16,
    pub keyword_argument: u16,
    pub list: u16,
    pub list_pattern: u16,
    pub list_splat_pattern: u16,
    pub module: u16,
    pub parenthesized_expression: u16,
    pub pattern_list: u16,
    pub relative_import: u16,
    pub return_statement: u16,
    pub string: u16,
    pub string_content: u16,
    pub string_end: u16,
    pub string_start: u16,
    pub subscript: u16,
    pub try_statement: u16,
    pub tuple: u16,
    pub tuple_pattern: u16,
    pub typed_default_parameter: u16,
    pub typed_parameter: u16,
    pub wildcard_import: u16,
    pub with_statement: u16,
}

/// Ids of the fields the walk and the collector read.
pub(crate) struct Fields {
    pub alias: u16,
    pub attribute: u16,
    pub condition: u16,
    pub definition: u16,
    pub function: u16,
    pub left: u16,
    pub module_name: u16,
    pub name: u16,
    pub object: u16,
    pub parameters: u16,
    pub right: u16,
    pub superclasses: u16,
    pub type_: u16,
    pub value: u16,
}

fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

pub(crate) fn kinds() -> &'static Kinds {
    static KINDS: OnceLock<Kinds> = OnceLock::new();
    KINDS.get_or_init(|| {
        let lang = language();
        let id = |k: &str| lang.id_for_node_kind(k, true);
        Kinds {
            aliased_import: id("aliased_import"),
            argument_list: id("argument_list"),
            assignment: id("assignment"),
            attribute: id("attribute"),
            augmented_assignment: id("augmented_assignment"),
            block: id("block"),
            call: id("call"),
            class_definition: id("class_definition"),
            comment: id("comment"),
            concatenated_string: id("concatenated_string"),
            decorated_definition: id("decorated_definition"),
            decorator: id("decorator"),
            default_parameter: id("default_parameter"),
            dictionary_splat_pattern: id("dictionary_splat_pattern"),
            dotted_name: id("dotted_name"),
            elif_clause: id("elif_clause"),
            else_clause: id("else_clause"),
            except_clause: id("except_clause"),
            expression_list: id("expression_list"),
            expression_statement: id("expression_statement"),
            finally_clause: id("finally_clause"),
            function_definition: id("function_definition"),
            global_statement: id("global_statement"),
            identifier: id("identifier"),
            if_statement: id("if_statement"),
            import_from_statement: id("import_from_statement"),
            import_prefix: id("import_prefix"),
            import_statement: id("import_statement"),
            keyword_argument: id("keyword_argument"),
            list: id("list"),
            list_pattern: id("list_pattern"),
            list_splat_pattern: id("list_splat_pattern"),
            module: id("module"),
            parenthesized_expression: id("parenthesized_expression"),
            pattern_list: id("pattern_list"),
            relative_import: id("relative_import"),
            return_statement: id("return_statement"),
            string: id("string"),
            string_content: id("string_content"),
            string_end: id("string_end"),
            string_start: id("string_start"),
            subscript: id("subscript"),
            try_statement: id("try_statement"),
            tuple: id("tuple"),
            tuple_pattern: id("tuple_pattern"),
            typed_default_parameter: id("typed_default_parameter"),
            typed_parameter: id("typed_parameter"),
            wildcard_import: id("wildcard_import"),
            with_statement: id("with_statement"),
        }
    })
}

pub(crate) fn fields() -> &'static Fields {
    static FIELDS: OnceLock<Fields> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let lang = language();
        // 0 is no field: `child_by_field_id(0)` finds nothing, as the name would.
        let id = |f: &str| lang.field_id_for_name(f).map_or(0, |id| id.get());
        Fields {
            alias: id("alias"),
            attribute: id("attribute"),
            condition: id("condition"),
            definition: id("definition"),
            function: id("function"),
            left: id("left"),
            module_name: id("module_name"),
            name: id("name"),
            object: id("object"),
            parameters: id("parameters"),
            right: id("right"),
            superclasses: id("superclasses"),
            type_: id("type"),
            value: id("value"),
        }
    })
}

/// Whether a statement (or an assignment: `a = b = c` nests them) can sit below a node
/// of kind `id`: the module, blocks, compound statements and their clauses, definitions,
/// expression statements and assignments (the closure over the grammar's
/// `node-types.json`). Below any other node there are only expressions. An id outside
/// the table (ERROR's) can hold anything.
pub(crate) fn holds_statements(id: u16) -> bool {
    static TABLE: OnceLock<Vec<bool>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let lang = language();
        let mut table = vec![false; lang.node_kind_count()];
        for kind in [
            "assignment",
            "augmented_assignment",
            "block",
            "case_clause",
            "class_definition",
            "decorated_definition",
            "elif_clause",
            "else_clause",
            "except_clause",
            "expression_statement",
            "finally_clause",
            "for_statement",
            "function_definition",
            "if_statement",
            "match_statement",
            "module",
            "try_statement",
            "while_statement",
            "with_statement",
        ] {
            if let Some(slot) = table.get_mut(usize::from(lang.id_for_node_kind(kind, true))) {
                *slot = true;
            }
        }
        table
    });
    table.get(usize::from(id)).copied().unwrap_or(true)
}

/// The node's kind is `kind` (an id from [`kinds`]).
pub(crate) fn is(node: Node, kind: u16) -> bool {
    node.kind_id() == kind
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name is one the grammar knows (an unknown kind's id is 0, an unknown
    /// field's too), so no comparison silently never matches.
    #[test]
    fn every_id_is_found() {
        let k = kinds();
        let all = [
            k.aliased_import,
            k.argument_list,
            k.assignment,
            k.attribute,
            k.augmented_assignment,
            k.block,
            k.call,
            k.class_definition,
            k.comment,
            k.concatenated_string,
            k.decorated_definition,
            k.decorator,
            k.default_parameter,
            k.dictionary_splat_pattern,
            k.dotted_name,
            k.elif_clause,
            k.else_clause,
            k.except_clause,
            k.expression_list,
            k.expression_statement,
            k.finally_clause,
            k.function_definition,
            k.global_statement,
            k.identifier,
            k.if_statement,
            k.import_from_statement,
            k.import_prefix,
            k.import_statement,
            k.keyword_argument,
            k.list,
            k.list_pattern,
            k.list_splat_pattern,
            k.module,
            k.parenthesized_expression,
            k.pattern_list,
            k.relative_import,
            k.return_statement,
            k.string,
            k.string_content,
            k.string_end,
            k.string_start,
            k.subscript,
            k.try_statement,
            k.tuple,
            k.tuple_pattern,
            k.typed_default_parameter,
            k.typed_parameter,
            k.wildcard_import,
            k.with_statement,
        ];
        assert!(all.iter().all(|&id| id != 0));
        let f = fields();
        let all = [
            f.alias,
            f.attribute,
            f.condition,
            f.definition,
            f.function,
            f.left,
            f.module_name,
            f.name,
            f.object,
            f.parameters,
            f.right,
            f.superclasses,
            f.type_,
            f.value,
        ];
        assert!(all.iter().all(|&id| id != 0));
    }
}
