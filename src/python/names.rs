//! Name references per scope, for fixes that rename a local name. Computed on demand
//! from a fresh parse (only when an unsafe rename fix is applied or shown), never while
//! linting. One [`Names`] per text serves every rename of it: the text is parsed once
//! and each walk descends only into nodes that hold an identifier of the name it looks
//! for, so N renames cost one parse plus work near their names (linear, not N × file).

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

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
    Names::new(text).references(text, statement, from, to)
}

/// A text's syntax tree and the start of every identifier, by name.
pub struct Names {
    tree: Tree,
    by_name: HashMap<String, Vec<usize>>,
}

impl Names {
    pub fn new(text: &str) -> Names {
        let tree = super::parse(text);
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut cursor = tree.walk();
        'walk: loop {
            let node = cursor.node();
            if node.kind() == "identifier" {
                if let Some(name) = text.get(node.byte_range()) {
                    by_name
                        .entry(name.to_string())
                        .or_default()
                        .push(node.start_byte());
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        drop(cursor);
        // A pre-order walk meets identifiers in text order: each list is sorted.
        Names { tree, by_name }
    }

    /// [`references`] against the text this index was built from.
    pub fn references(
        &self,
        text: &str,
        statement: usize,
        from: &str,
        to: &str,
    ) -> Option<Vec<TextRange>> {
        let root = self.tree.root_node();
        let import = find_statement(root, statement)?;
        let scope = enclosing_scope(import).unwrap_or(root);
        let finder = Finder {
            text,
            import,
            names: self,
        };
        finder.find(scope, root, from, to)
    }

    /// Starts of the identifiers spelled `name`, in text order.
    fn starts(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

impl<'a> Finder<'a> {
    fn find(
        &self,
        scope: Node<'a>,
        root: Node<'a>,
        from: &str,
        to: &str,
    ) -> Option<Vec<TextRange>> {
        if self.name_used(root, to) {
            return None;
        }
        if self.count_bindings(scope, from) != 0 {
            return None;
        }
        let mut out = Vec::new();
        self.collect(scope, from, &mut out)?;
        Some(out)
    }
}

struct Finder<'a> {
    text: &'a str,
    import: Node<'a>,
    names: &'a Names,
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
        if self.names.starts(name).is_empty() {
            return false;
        }
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if self.is_import(node) {
                continue;
            }
            if node.kind() == "identifier" && self.text_of(node) == name && is_variable(node) {
                return true;
            }
            push_children(&mut stack, node, self.names.starts(name));
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
            push_children(&mut children, node, self.names.starts(name));
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
            push_children(&mut children, node, self.names.starts(name));
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
            let starts = self.names.starts(name);
            let mut cursor = node.walk();
            stack.extend(
                node.children(&mut cursor)
                    .filter(|c| !SCOPES.contains(&c.kind()) && holds(starts, c)),
            );
        }
        false
    }
}

/// Push `node`'s children that hold an identifier starting at one of `starts` (sorted),
/// so that popping visits them in order: no other subtree can hold the name a walk looks
/// for. Each such child is found from a start (`first_child_for_byte`), not by
/// enumerating every child: the module's thousands of statements were enumerated per
/// walk, which made N renames cost N × file (issue 11).
fn push_children<'t>(stack: &mut Vec<Node<'t>>, node: Node<'t>, starts: &[usize]) {
    let at = stack.len();
    let end = node.end_byte();
    let mut i = starts.partition_point(|&s| s < node.start_byte());
    while let Some(&s) = starts.get(i).filter(|&&s| s < end) {
        let mut next = s + 1;
        if let Some(child) = node.first_child_for_byte(s) {
            if child.start_byte() <= s {
                next = child.end_byte().max(next);
                stack.push(child);
            }
        }
        i += starts[i..].partition_point(|&x| x < next);
    }
    stack[at..].reverse();
}

fn holds(starts: &[usize], node: &Node) -> bool {
    let i = starts.partition_point(|&s| s < node.start_byte());
    starts.get(i).is_some_and(|&s| s < node.end_byte())
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
