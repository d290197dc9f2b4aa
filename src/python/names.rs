//! Name references per scope, for fixes that rename a local name. Computed on demand
//! from a fresh parse (only when an unsafe rename fix is applied or shown), never while
//! linting.

use tree_sitter::Node;

use crate::source::TextRange;

const SCOPES: &[&str] = &[
    "function_definition",
    "class_definition",
    "lambda",
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
];

/// The ranges of every reference to `from` that the import statement starting at
/// `statement` binds, in that statement's scope and in nested scopes that do not bind
/// `from` themselves. `None` when a rename to `to` would not be exact: `to` already
/// appears as a name anywhere in the file, `from` is bound again in the same scope, or a
/// class, lambda or comprehension shadows it.
pub fn references(text: &str, statement: usize, from: &str, to: &str) -> Option<Vec<TextRange>> {
    let tree = super::parse(text);
    let root = tree.root_node();
    let import = find_statement(root, statement)?;
    let scope = enclosing_scope(import).unwrap_or(root);
    let finder = Finder { text, import };
    if finder.name_used(root, to) {
        return None;
    }
    if finder.count_bindings(scope, from) != 0 {
        return None;
    }
    let mut out = Vec::new();
    finder.collect(scope, from, &mut out)?;
    Some(out)
}

struct Finder<'a> {
    text: &'a str,
    import: Node<'a>,
}

impl<'a> Finder<'a> {
    fn text_of(&self, node: Node) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn is_import(&self, node: Node) -> bool {
        node.id() == self.import.id()
    }

    /// `name` appears as a variable anywhere (bound or read), outside the fixed import.
    fn name_used(&self, root: Node, name: &str) -> bool {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if self.is_import(node) {
                continue;
            }
            if node.kind() == "identifier" && self.text_of(node) == name && is_variable(node) {
                return true;
            }
            push_children(&mut stack, node);
        }
        false
    }

    /// Bindings of `name` in the scope `scope` (not in nested scopes), besides the import.
    fn count_bindings(&self, scope: Node, name: &str) -> usize {
        let mut count = 0;
        let mut stack = vec![(scope, true)];
        while let Some((node, top)) = stack.pop() {
            if self.is_import(node) {
                continue;
            }
            if !top && SCOPES.contains(&node.kind()) {
                if let Some(n) = node.child_by_field_name("name") {
                    if self.text_of(n) == name {
                        count += 1;
                    }
                }
                continue;
            }
            if node.kind() == "identifier" && self.text_of(node) == name && is_binding(node) {
                count += 1;
            }
            if matches!(node.kind(), "import_statement" | "import_from_statement") {
                count += usize::from(import_binds(self, node, name));
                continue;
            }
            let mut children = Vec::new();
            push_children(&mut children, node);
            stack.extend(children.into_iter().map(|c| (c, false)));
        }
        count
    }

    /// Every read or write of `name` below `root`, in this scope and nested scopes that
    /// do not rebind it, in document order. `None` on shadowing we do not rename around.
    /// Nodes wait on an explicit stack (children pushed in reverse): the depth is the
    /// user's.
    fn collect(&self, root: Node, name: &str, out: &mut Vec<TextRange>) -> Option<()> {
        let mut stack = vec![(root, true)];
        while let Some((node, top)) = stack.pop() {
            if self.is_import(node) {
                continue;
            }
            if !top && SCOPES.contains(&node.kind()) {
                let inner = self.count_bindings(node, name);
                if inner > 0 && !self.declares_global(node, name) {
                    if node.kind() != "function_definition" {
                        return None;
                    }
                    // The function's own scope shadows the name: only its header is ours,
                    // the parameters' defaults and annotations, then the return type.
                    if let Some(n) = node.child_by_field_name("name") {
                        if self.text_of(n) == name {
                            return None;
                        }
                    }
                    let mut header = Vec::new();
                    if let Some(params) = node.child_by_field_name("parameters") {
                        let mut cursor = params.walk();
                        for param in params.named_children(&mut cursor) {
                            for field in ["value", "type"] {
                                header.extend(param.child_by_field_name(field));
                            }
                        }
                    }
                    header.extend(node.child_by_field_name("return_type"));
                    stack.extend(header.into_iter().rev().map(|c| (c, false)));
                    continue;
                }
            }
            if node.kind() == "identifier" && self.text_of(node) == name && is_variable(node) {
                out.push(node.byte_range());
                continue;
            }
            if matches!(node.kind(), "import_statement" | "import_from_statement")
                && import_binds(self, node, name)
            {
                return None;
            }
            let mut children = Vec::new();
            push_children(&mut children, node);
            stack.extend(children.into_iter().map(|c| (c, false)));
        }
        Some(())
    }

    /// A `global` or `nonlocal` statement of `name` in the scope `scope` (not in nested
    /// scopes).
    fn declares_global(&self, scope: Node, name: &str) -> bool {
        let mut stack = vec![scope];
        while let Some(node) = stack.pop() {
            if matches!(node.kind(), "global_statement" | "nonlocal_statement") {
                let mut cursor = node.walk();
                if node
                    .named_children(&mut cursor)
                    .any(|c| self.text_of(c) == name)
                {
                    return true;
                }
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(
                node.children(&mut cursor)
                    .filter(|c| !SCOPES.contains(&c.kind())),
            );
        }
        false
    }
}

/// Push the children of `node` in reverse, so that popping visits them in order.
fn push_children<'t>(stack: &mut Vec<Node<'t>>, node: Node<'t>) {
    let at = stack.len();
    let mut cursor = node.walk();
    stack.extend(node.children(&mut cursor));
    stack[at..].reverse();
}

fn import_binds(finder: &Finder, node: Node, name: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children_by_field_name("name", &mut cursor).any(|n| {
        let bound = match n.kind() {
            "aliased_import" => n.child_by_field_name("alias").map(|a| finder.text_of(a)),
            _ => finder.text_of(n).split('.').next(),
        };
        bound.is_some_and(|b| b.trim() == name)
    });
    found
}

/// An identifier that names a variable: not an attribute, a keyword argument's name, a
/// part of an imported module path, or a `global` declaration.
fn is_variable(node: Node) -> bool {
    let Some(parent) = node.parent() else {
        return true;
    };
    match parent.kind() {
        "attribute" => parent
            .child_by_field_name("object")
            .is_some_and(|o| o.id() == node.id()),
        "keyword_argument" => parent
            .child_by_field_name("value")
            .is_some_and(|v| v.id() == node.id()),
        "dotted_name" | "global_statement" | "nonlocal_statement" => false,
        "function_definition" | "class_definition" => true,
        _ => true,
    }
}

/// An identifier in a binding position: assignment and loop targets, walrus, `as`
/// targets, parameters, definition names.
fn is_binding(node: Node) -> bool {
    let mut child = node;
    let mut parent = match node.parent() {
        Some(p) => p,
        None => return false,
    };
    while matches!(
        parent.kind(),
        "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "list_splat_pattern"
            | "tuple"
            | "list"
            | "parenthesized_expression"
            | "as_pattern_target"
    ) {
        child = parent;
        parent = match parent.parent() {
            Some(p) => p,
            None => return false,
        };
    }
    let is_field = |field: &str| {
        parent
            .child_by_field_name(field)
            .is_some_and(|c| c.id() == child.id())
    };
    match parent.kind() {
        "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
            is_field("left")
        }
        "named_expression" | "function_definition" | "class_definition" => is_field("name"),
        "as_pattern" => is_field("alias"),
        "default_parameter" | "typed_default_parameter" => is_field("name"),
        "parameters" | "lambda_parameters" | "typed_parameter" | "dictionary_splat_pattern" => true,
        _ => false,
    }
}

fn find_statement(root: Node, start: usize) -> Option<Node> {
    let mut node = root.descendant_for_byte_range(start, start)?;
    loop {
        if matches!(node.kind(), "import_statement" | "import_from_statement")
            && node.start_byte() == start
        {
            return Some(node);
        }
        node = node.parent()?;
    }
}

fn enclosing_scope(node: Node) -> Option<Node> {
    let mut current = node.parent()?;
    loop {
        if SCOPES.contains(&current.kind()) {
            return Some(current);
        }
        current = current.parent()?;
    }
}
