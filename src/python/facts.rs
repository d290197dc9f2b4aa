//! Facts: what the rules need to know about one file, extracted from its syntax tree in
//! a single walk. Every fact carries byte ranges into the source.

use compact_str::CompactString;
use tree_sitter::{Node, Tree};

use super::defs::{is_main_guard, Collector};
use super::grammar::{fields, holds_statements, is, kinds};
use super::model::{
    AttributeRef, Facts, Import, ImportContext, ImportKind, ImportedName, ModuleRef, Scope,
    StringLiteral,
};
use super::modules::{resolve_relative, ModuleName};

impl Facts {
    pub fn extract<'a>(tree: &'a Tree, text: &'a str, module: Option<&'a ModuleName>) -> Facts {
        let mut walker = Walker {
            text,
            module,
            facts: Facts::default(),
            defs: Collector::default(),
            marks: Marks::default(),
        };
        walker.walk(tree.root_node());
        walker.facts.defs = walker.defs.finish();
        walker.facts.shrink_to_fit();
        walker.facts
    }
}

/// How the walk goes on below a node: the context of its children, another one for its
/// `block` children (the body of `if TYPE_CHECKING:` or of a guarded `try:`), and
/// whether a class or function scope ends after them.
#[derive(Clone, Copy)]
struct Descend {
    ctx: ImportContext,
    block: Option<ImportContext>,
    leave: bool,
}

impl Descend {
    fn same(ctx: ImportContext) -> Descend {
        Descend {
            ctx,
            block: None,
            leave: false,
        }
    }
}

/// A node whose children are being walked.
struct Frame<'a> {
    node: Node<'a>,
    descend: Descend,
    /// The subtree holds an ERROR or MISSING node (`Node::has_error`); without one, its
    /// nodes skip the test.
    errors: bool,
    level: Level,
}

/// Where a node's children sit for the module-level bindings
/// (`defs::Collector::module_assignment`): the module's statements, through the blocks
/// of `if` (not a `__main__` guard), `try` and `with` statements and of their clauses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Module-level statements (of the module or such a block).
    Statements,
    /// The children of a module-level expression statement: an assignment is a binding.
    Assignments,
    /// The children of a module-level `if`, `try` or `with`: blocks and clauses.
    Compound,
    /// The children of such a statement's clause: blocks.
    Clause,
    Outside,
}

struct Walker<'a> {
    text: &'a str,
    module: Option<&'a ModuleName>,
    facts: Facts,
    defs: Collector,
    marks: Marks,
}

/// The next byte, from where the walk is on, without which no attribute or call is
/// written: `.` or `(` (a string is a fact only with a `.` in it or as a call's
/// argument). Nodes start in document order, never earlier than the one before, so each
/// byte of the text is searched once.
#[derive(Default)]
struct Marks {
    /// The search started here, and found no mark before `next`.
    from: usize,
    /// The first mark at or after `from` (the text's length if there is none).
    next: usize,
}

impl Marks {
    /// The first mark at or after `start` (which is at least the last `start` asked).
    fn next_from(&mut self, text: &str, start: usize) -> usize {
        if start < self.from || start > self.next {
            self.from = start;
            self.next = text
                .as_bytes()
                .get(start..)
                .and_then(|rest| memchr::memchr2(b'.', b'(', rest))
                .map_or(text.len(), |i| start + i);
        }
        self.next
    }
}

impl<'a> Walker<'a> {
    fn text_of(&self, node: Node) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// Walk the tree below `root` in document order with one cursor and an explicit
    /// stack of the nodes it is inside: the depth of a tree is the user's (10k nested
    /// brackets), not bounded by ours.
    fn walk(&mut self, root: Node<'a>) {
        let errors = root.has_error();
        let Some(descend) = self.visit(root, ImportContext::default(), errors, &[]) else {
            return;
        };
        let level = if is(root, kinds().module) {
            Level::Statements
        } else {
            Level::Outside
        };
        let mut stack = vec![Frame {
            node: root,
            descend,
            errors,
            level,
        }];
        let mut cursor = root.walk();
        let mut down = cursor.goto_first_child();
        loop {
            if down {
                let child = cursor.node();
                let Some(frame) = stack.last() else {
                    return;
                };
                let ctx = match frame.descend.block {
                    Some(block) if is(child, kinds().block) => block,
                    _ => frame.descend.ctx,
                };
                let errors = frame.errors;
                let level = self.module_level(child, frame.level);
                if let Some(descend) = self.visit(child, ctx, errors, &stack) {
                    if !self.bare(child, errors) && cursor.goto_first_child() {
                        stack.push(Frame {
                            node: child,
                            descend,
                            errors: errors && child.has_error(),
                            level,
                        });
                        continue;
                    }
                    if descend.leave {
                        self.defs.leave();
                    }
                }
            } else {
                // Back from the last child: the parent's frame ends.
                if let Some(done) = stack.pop() {
                    if done.descend.leave {
                        self.defs.leave();
                    }
                }
                if stack.is_empty() {
                    return;
                }
            }
            down = cursor.goto_next_sibling();
            if !down && !cursor.goto_parent() {
                return;
            }
        }
    }

    /// What `node` is for the module-level bindings, given where its parent puts it;
    /// records the binding when it is one.
    fn module_level(&mut self, node: Node, placed: Level) -> Level {
        let k = kinds();
        let id = node.kind_id();
        match placed {
            Level::Statements if id == k.expression_statement => Level::Assignments,
            Level::Statements if id == k.try_statement || id == k.with_statement => Level::Compound,
            Level::Statements if id == k.if_statement => {
                let main = node
                    .child_by_field_id(fields().condition)
                    .is_some_and(|c| is_main_guard(self.text_of(c)));
                if main {
                    Level::Outside
                } else {
                    Level::Compound
                }
            }
            Level::Assignments if id == k.assignment => {
                self.defs.module_assignment(node);
                Level::Outside
            }
            Level::Compound | Level::Clause if id == k.block => Level::Statements,
            Level::Compound
                if id == k.elif_clause
                    || id == k.else_clause
                    || id == k.except_clause
                    || id == k.finally_clause =>
            {
                Level::Clause
            }
            _ => Level::Outside,
        }
    }

    /// Nothing below `node` can be a fact, so its children need no visit: no statement
    /// (by its kind), no attribute, call or string that is a fact (no `.` or `(` after its
    /// first byte: a descendant's `.` or `(` never starts the node; an `argument_list`'s
    /// own `(` makes its strings import arguments, so it is searched from its first
    /// byte), no ERROR or MISSING node (`errors`: its parent's subtree holds one).
    fn bare(&mut self, node: Node, errors: bool) -> bool {
        let id = node.kind_id();
        if holds_statements(id) {
            return false;
        }
        let range = node.byte_range();
        let from = if id == kinds().argument_list {
            range.start
        } else {
            range.start + 1
        };
        if self.marks.next_from(self.text, from) < range.end {
            return false;
        }
        !(errors && node.has_error())
    }

    /// Record what `node` says; `Some` when its children are to be visited, and how.
    /// `errors`: the parent's subtree holds an error; `parents`: the frames `node` is in.
    fn visit(
        &mut self,
        node: Node<'a>,
        ctx: ImportContext,
        errors: bool,
        parents: &[Frame<'a>],
    ) -> Option<Descend> {
        if errors && (node.is_error() || node.is_missing()) {
            self.facts.syntax_errors.push(node.byte_range().into());
        }
        let id = node.kind_id();
        self.defs.on_node(node, id);
        let k = kinds();
        if id == k.import_statement {
            self.import(node, ctx);
        } else if id == k.import_from_statement {
            self.import_from(node, ctx);
        } else if id == k.string {
            self.string(node, parents);
        } else if id == k.attribute {
            self.attribute(node);
            return Some(Descend::same(ctx));
        } else if id == k.expression_statement
            && node.named_child_count() == 1
            && node.named_child(0).is_some_and(|c| {
                let c = c.kind_id();
                c == k.string || c == k.concatenated_string
            })
        {
            // A bare string statement is a docstring (or a comment in disguise).
            self.collect_errors(node);
        } else if id == k.concatenated_string {
            // Parts of an implicit concatenation are not whole paths on their own.
            self.collect_errors(node);
        } else if id == k.class_definition || id == k.function_definition {
            let scope = if id == k.class_definition {
                Scope::Class
            } else {
                Scope::Function
            };
            let inner = ImportContext { scope, ..ctx };
            return Some(Descend {
                ctx: inner,
                block: None,
                leave: true,
            });
        } else if id == k.if_statement {
            let is_type_checking = node
                .child_by_field_id(fields().condition)
                .is_some_and(|c| is_type_checking_test(self.text_of(c)));
            let block = is_type_checking.then_some(ImportContext {
                type_checking: true,
                ..ctx
            });
            return Some(Descend {
                ctx,
                block,
                leave: false,
            });
        } else if id == k.try_statement {
            let mut cursor = node.walk();
            let guarded = node
                .children(&mut cursor)
                .any(|c| is(c, k.except_clause) && catches_import_error(self.text_of(c)));
            let block = guarded.then_some(ImportContext {
                guarded: true,
                ..ctx
            });
            return Some(Descend {
                ctx,
                block,
                leave: false,
            });
        } else {
            return Some(Descend::same(ctx));
        }
        None
    }

    /// Record the errors below a node whose facts are read without walking it (strings
    /// are not paths there). (Comments come from the scanner, `python::comments`, not
    /// from the tree.)
    fn collect_errors(&mut self, node: Node<'a>) {
        if !node.has_error() {
            return;
        }
        let mut cursor = node.walk();
        // Pre-order over the descendants, by the cursor alone (no recursion).
        let mut depth = 0usize;
        loop {
            if cursor.goto_first_child() {
                depth += 1;
            } else {
                loop {
                    if depth == 0 {
                        return;
                    }
                    if cursor.goto_next_sibling() {
                        break;
                    }
                    cursor.goto_parent();
                    depth -= 1;
                }
            }
            let child = cursor.node();
            if child.is_error() || child.is_missing() {
                self.facts.syntax_errors.push(child.byte_range().into());
            }
        }
    }

    fn attribute(&mut self, node: Node) {
        let f = fields();
        let (Some(object), Some(attribute)) = (
            node.child_by_field_id(f.object),
            node.child_by_field_id(f.attribute),
        ) else {
            return;
        };
        let identifier = kinds().identifier;
        if is(object, identifier) && is(attribute, identifier) {
            self.facts.attributes.push(AttributeRef {
                object: object.byte_range().into(),
                attribute: attribute.byte_range().into(),
            });
        }
    }

    fn imported_name(&self, node: Node) -> Option<ImportedName> {
        let k = kinds();
        if is(node, k.dotted_name) {
            Some(ImportedName {
                name: CompactString::from(dotted_text(self.text_of(node)).as_str()),
                name_range: node.byte_range().into(),
                alias: None,
                range: node.byte_range().into(),
            })
        } else if is(node, k.aliased_import) {
            let name = node.child_by_field_id(fields().name)?;
            let alias = node.child_by_field_id(fields().alias)?;
            Some(ImportedName {
                name: CompactString::from(dotted_text(self.text_of(name)).as_str()),
                name_range: name.byte_range().into(),
                alias: Some((
                    CompactString::from(self.text_of(alias)),
                    alias.byte_range().into(),
                )),
                range: node.byte_range().into(),
            })
        } else {
            None
        }
    }

    /// The names an import statement imports (its `name` fields), in order.
    fn imported_names(&self, node: Node) -> Vec<ImportedName> {
        let mut names = Vec::new();
        let mut cursor = node.walk();
        if !cursor.goto_first_child() {
            return names;
        }
        let name = fields().name;
        loop {
            if cursor.field_id().is_some_and(|f| f.get() == name) {
                if let Some(imported) = self.imported_name(cursor.node()) {
                    names.push(imported);
                }
            }
            if !cursor.goto_next_sibling() {
                return names;
            }
        }
    }

    fn import(&mut self, node: Node<'a>, context: ImportContext) {
        let names = self.imported_names(node);
        self.collect_errors(node);
        self.facts.imports.push(Import {
            kind: ImportKind::Import,
            range: node.byte_range().into(),
            module: None,
            names,
            star: None,
            context,
        });
    }

    fn import_from(&mut self, node: Node<'a>, context: ImportContext) {
        let k = kinds();
        let Some(module_node) = node.child_by_field_id(fields().module_name) else {
            self.collect_errors(node);
            return;
        };
        let (level, written) = if is(module_node, k.relative_import) {
            let mut level = 0;
            let mut written = String::new();
            let mut cursor = module_node.walk();
            for child in module_node.children(&mut cursor) {
                let id = child.kind_id();
                if id == k.import_prefix {
                    level = self.text_of(child).matches('.').count();
                } else if id == k.dotted_name {
                    written = dotted_text(self.text_of(child));
                }
            }
            (level, written)
        } else {
            (0, dotted_text(self.text_of(module_node)))
        };
        // What is written (without the dots) is not kept: `range` has it, and nothing
        // reads it but the resolution here.
        let resolved = if level == 0 {
            Some(written)
        } else {
            self.module
                .and_then(|m| resolve_relative(m, level, (!written.is_empty()).then_some(&written)))
        };
        let names = self.imported_names(node);
        let mut cursor = node.walk();
        let star = node
            .children(&mut cursor)
            .find(|c| is(*c, k.wildcard_import))
            .map(|c| c.byte_range().into());
        self.collect_errors(node);
        self.facts.imports.push(Import {
            kind: ImportKind::From,
            range: node.byte_range().into(),
            module: Some(ModuleRef {
                level,
                resolved: resolved.map(|r| CompactString::from(r.as_str())),
                range: module_node.byte_range().into(),
            }),
            names,
            star,
            context,
        });
    }

    /// A string literal; `parents`: the frames it is in, innermost last.
    fn string(&mut self, node: Node, parents: &[Frame]) {
        let k = kinds();
        let mut cursor = node.walk();
        let mut start = None;
        let mut end = None;
        let mut plain = true;
        for child in node.children(&mut cursor) {
            let id = child.kind_id();
            if id == k.string_start {
                start = Some(child);
            } else if id == k.string_end {
                end = Some(child);
            } else if id != k.string_content {
                plain = false;
            }
        }
        let (Some(start), Some(end)) = (start, end) else {
            return;
        };
        let prefix = self.text_of(start).to_ascii_lowercase();
        if !plain || prefix.contains('f') || prefix.contains('b') || prefix.contains('t') {
            return;
        }
        let content_range = start.end_byte()..end.start_byte();
        let Some(value) = self.text.get(content_range.clone()) else {
            return;
        };
        if !is_dotted_path(value) {
            return;
        }
        // One name (`"a"`: a dictionary key, a message) is a path only as an import's or
        // patch's argument; SSOT004 reads no other, and a big file holds many.
        let import_argument = self.is_import_argument(node, parents);
        if value.contains('.') || import_argument {
            self.facts.strings.push(StringLiteral {
                content_range: content_range.into(),
                range: node.byte_range().into(),
                import_argument,
            });
        }
    }
}

impl Walker<'_> {
    /// `node` is the first argument of `import_module(…)`, `__import__(…)` or `patch(…)`.
    /// Its parent and grandparent are the last two frames (`Node::parent` would search
    /// down from the root).
    fn is_import_argument(&self, node: Node, parents: &[Frame]) -> bool {
        let k = kinds();
        let [.., call, arguments] = parents else {
            return false;
        };
        let (call, arguments) = (call.node, arguments.node);
        if !is(arguments, k.argument_list) {
            return false;
        }
        if arguments.named_child(0).map(|c| c.id()) != Some(node.id()) {
            return false;
        }
        let Some(function) = Some(call)
            .filter(|c| is(*c, k.call))
            .and_then(|c| c.child_by_field_id(fields().function))
        else {
            return false;
        };
        let callee = self.text_of(function);
        let last = callee.rsplit('.').next().unwrap_or(callee).trim();
        matches!(last, "import_module" | "__import__" | "patch")
    }
}

/// `a . b` (with continuations or spaces) → `a.b`.
fn dotted_text(text: &str) -> String {
    if text
        .bytes()
        .all(|b| b != b' ' && b != b'\\' && b != b'\n' && b != b'\t' && b != b'\r')
    {
        return text.to_string();
    }
    text.split('.')
        .map(|part| part.trim_matches(|c: char| c.is_whitespace() || c == '\\'))
        .collect::<Vec<_>>()
        .join(".")
}

/// `a.b.C`, `a`, `a.b:func` is not; identifiers separated by dots, nothing else.
pub(crate) fn is_dotted_path(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 512
        && value.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
        })
}

pub(crate) fn is_type_checking_test(condition: &str) -> bool {
    let c = condition.trim();
    c == "TYPE_CHECKING" || c.ends_with(".TYPE_CHECKING")
}

pub(crate) fn catches_import_error(except_clause: &str) -> bool {
    let header = except_clause.split(':').next().unwrap_or("");
    let header = header.trim();
    header == "except"
        || header.contains("ImportError")
        || header.contains("ModuleNotFoundError")
        || header.contains("Exception")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse;

    fn facts(text: &str) -> Facts {
        Facts::extract(&parse(text), text, None)
    }

    /// The walk skips a subtree only when nothing below it can be a fact: a string is an
    /// import argument inside an `argument_list` (never skipped), not inside parentheses
    /// of its own; parameter lists are entered for attributes, calls and dotted strings;
    /// module-level bindings are found through `try`, `except` and `with` blocks, not in
    /// a `for` loop or below a `__main__` guard (its `elif` included).
    #[test]
    fn facts_below_skipped_and_entered_subtrees() {
        let text = "import_module(\"a\")\nf((\"b\"))\n\
            def g(a: str = \"x\", b=c.d, e=h(), *, f: 'p.q' = None): pass\n\
            try:\n    X = 1\nexcept ImportError:\n    Y = Z = make()\n\
            with o:\n    W = 2\nfor i in r:\n    V = 3\n\
            if __name__ == \"__main__\":\n    U = 4\nelif k:\n    T = 5\n";
        let facts = facts(text);
        let strings: Vec<(&str, bool)> = facts
            .strings
            .iter()
            .map(|s| (&text[s.content_range], s.import_argument))
            .collect();
        assert_eq!(strings, [("a", true), ("p.q", false)]);
        let attributes: Vec<(&str, &str)> = facts
            .attributes
            .iter()
            .map(|a| (&text[a.object], &text[a.attribute]))
            .collect();
        assert_eq!(attributes, [("c", "d")]);
        let calls: Vec<&str> = facts
            .defs
            .calls
            .iter()
            .filter_map(|c| c.callee.map(|s| &text[s]))
            .collect();
        assert_eq!(calls, ["import_module", "f", "h", "make"]);
        let bindings: Vec<&str> = facts
            .defs
            .module_assignments
            .iter()
            .map(|a| &text[a.name])
            .collect();
        assert_eq!(bindings, ["X", "Y", "Z", "W"]);
        assert!(facts.syntax_errors.is_empty());
    }

    /// An error inside a subtree that holds no fact is still found (`has_error`).
    #[test]
    fn errors_below_a_bare_subtree_are_recorded() {
        let text = "def g(a, b: int = , c=1): pass\n";
        let errors: Vec<&str> = facts(text)
            .syntax_errors
            .iter()
            .map(|s| &text[*s])
            .collect();
        assert_eq!(errors, ["="]);
    }
}
