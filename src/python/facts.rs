//! Facts: what the rules need to know about one file, extracted from its syntax tree in
//! a single walk. Every fact carries byte ranges into the source.

use std::sync::OnceLock;

use compact_str::CompactString;
use tree_sitter::{Node, Tree, TreeCursor};

use super::defs::Collector;
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
            cursors: Vec::new(),
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

/// A node whose children are being walked: `cursor` sits on the current child.
struct Frame<'a> {
    cursor: TreeCursor<'a>,
    started: bool,
    descend: Descend,
}

impl<'a> Frame<'a> {
    fn new(cursor: TreeCursor<'a>, descend: Descend) -> Frame<'a> {
        Frame {
            cursor,
            started: false,
            descend,
        }
    }
}

struct Walker<'a> {
    text: &'a str,
    module: Option<&'a ModuleName>,
    facts: Facts,
    defs: Collector,
    /// Cursors of finished frames, reused so walking allocates one per depth, not one
    /// per node.
    cursors: Vec<TreeCursor<'a>>,
}

/// Node kinds that `Walker::visit` dispatches on, by kind id: other nodes skip the
/// string compare (`Node::kind` is a C string, measured per node).
fn dispatched(id: u16) -> bool {
    static IDS: OnceLock<Vec<bool>> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let mut ids = vec![false; lang.node_kind_count()];
        for kind in [
            "import_statement",
            "import_from_statement",
            "string",
            "expression_statement",
            "concatenated_string",
            "class_definition",
            "function_definition",
            "if_statement",
            "try_statement",
            "attribute",
        ] {
            for named in [true, false] {
                if let Some(slot) = ids.get_mut(usize::from(lang.id_for_node_kind(kind, named))) {
                    *slot = true;
                }
            }
        }
        ids
    });
    ids.get(usize::from(id)).copied().unwrap_or(true)
}

impl<'a> Walker<'a> {
    fn text_of(&self, node: Node) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// Walk the tree below `root` in document order with an explicit stack of cursors:
    /// the depth of a tree is the user's (10k nested brackets), not bounded by ours.
    fn walk(&mut self, root: Node<'a>) {
        let Some(descend) = self.visit(root, ImportContext::default()) else {
            return;
        };
        let mut stack = vec![Frame::new(root.walk(), descend)];
        while let Some(frame) = stack.last_mut() {
            let moved = if frame.started {
                frame.cursor.goto_next_sibling()
            } else {
                frame.started = true;
                frame.cursor.goto_first_child()
            };
            if !moved {
                if let Some(done) = stack.pop() {
                    if done.descend.leave {
                        self.defs.leave();
                    }
                    self.cursors.push(done.cursor);
                }
                continue;
            }
            let child = frame.cursor.node();
            let ctx = match frame.descend.block {
                Some(block) if child.kind() == "block" => block,
                _ => frame.descend.ctx,
            };
            if let Some(descend) = self.visit(child, ctx) {
                let mut cursor = self.cursors.pop().unwrap_or_else(|| child.walk());
                cursor.reset(child);
                stack.push(Frame::new(cursor, descend));
            }
        }
    }

    /// Record what `node` says; `Some` when its children are to be visited, and how.
    fn visit(&mut self, node: Node<'a>, ctx: ImportContext) -> Option<Descend> {
        if node.is_error() || node.is_missing() {
            self.facts.syntax_errors.push(node.byte_range().into());
        }
        self.defs.on_node(node, self.text);
        let kind = if dispatched(node.kind_id()) {
            node.kind()
        } else {
            ""
        };
        match kind {
            "import_statement" => self.import(node, ctx),
            "import_from_statement" => self.import_from(node, ctx),
            "string" => self.string(node),
            "attribute" => {
                self.attribute(node);
                return Some(Descend::same(ctx));
            }
            // A bare string statement is a docstring (or a comment in disguise).
            "expression_statement"
                if node.named_child_count() == 1
                    && node
                        .named_child(0)
                        .is_some_and(|c| matches!(c.kind(), "string" | "concatenated_string")) =>
            {
                self.visit_children_errors_only(node);
            }
            "concatenated_string" => {
                // Parts of an implicit concatenation are not whole paths on their own.
                self.visit_children_errors_only(node);
            }
            "class_definition" | "function_definition" => {
                let scope = if node.kind() == "class_definition" {
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
            }
            "if_statement" => {
                let is_type_checking = node
                    .child_by_field_name("condition")
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
            }
            "try_statement" => {
                let mut cursor = node.walk();
                let guarded = node
                    .children(&mut cursor)
                    .any(|c| c.kind() == "except_clause" && catches_import_error(self.text_of(c)));
                let block = guarded.then_some(ImportContext {
                    guarded: true,
                    ..ctx
                });
                return Some(Descend {
                    ctx,
                    block,
                    leave: false,
                });
            }
            _ => return Some(Descend::same(ctx)),
        }
        None
    }

    /// Record the errors below a node without treating strings as paths. (Comments come
    /// from the scanner, `python::comments`, not from the tree.)
    fn visit_children_errors_only(&mut self, node: Node<'a>) {
        let mut cursor = self.cursors.pop().unwrap_or_else(|| node.walk());
        cursor.reset(node);
        // Pre-order over the descendants, by the cursor alone (no recursion).
        let mut depth = 0usize;
        loop {
            if cursor.goto_first_child() {
                depth += 1;
            } else {
                loop {
                    if depth == 0 {
                        self.cursors.push(cursor);
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
        let (Some(object), Some(attribute)) = (
            node.child_by_field_name("object"),
            node.child_by_field_name("attribute"),
        ) else {
            return;
        };
        if object.kind_id() == attribute.kind_id() && attribute.kind() == "identifier" {
            self.facts.attributes.push(AttributeRef {
                object: object.byte_range().into(),
                attribute: attribute.byte_range().into(),
            });
        }
    }

    fn imported_name(&self, node: Node) -> Option<ImportedName> {
        match node.kind() {
            "dotted_name" => Some(ImportedName {
                name: CompactString::from(dotted_text(self.text_of(node)).as_str()),
                name_range: node.byte_range().into(),
                alias: None,
                range: node.byte_range().into(),
            }),
            "aliased_import" => {
                let name = node.child_by_field_name("name")?;
                let alias = node.child_by_field_name("alias")?;
                Some(ImportedName {
                    name: CompactString::from(dotted_text(self.text_of(name)).as_str()),
                    name_range: name.byte_range().into(),
                    alias: Some((
                        CompactString::from(self.text_of(alias)),
                        alias.byte_range().into(),
                    )),
                    range: node.byte_range().into(),
                })
            }
            _ => None,
        }
    }

    fn import(&mut self, node: Node<'a>, context: ImportContext) {
        let mut cursor = node.walk();
        let names = node
            .children_by_field_name("name", &mut cursor)
            .filter_map(|n| self.imported_name(n))
            .collect();
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
        let Some(module_node) = node.child_by_field_name("module_name") else {
            self.collect_errors(node);
            return;
        };
        let (level, written) = if module_node.kind() == "relative_import" {
            let mut level = 0;
            let mut written = String::new();
            let mut cursor = module_node.walk();
            for child in module_node.children(&mut cursor) {
                match child.kind() {
                    "import_prefix" => level = self.text_of(child).matches('.').count(),
                    "dotted_name" => written = dotted_text(self.text_of(child)),
                    _ => {}
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
        let mut cursor = node.walk();
        let names = node
            .children_by_field_name("name", &mut cursor)
            .filter_map(|n| self.imported_name(n))
            .collect();
        let mut cursor = node.walk();
        let star = node
            .children(&mut cursor)
            .find(|c| c.kind() == "wildcard_import")
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

    /// Import statements are leaves for facts, but they may hold errors.
    fn collect_errors(&mut self, node: Node<'a>) {
        self.visit_children_errors_only(node);
    }

    fn string(&mut self, node: Node) {
        let mut cursor = node.walk();
        let mut start = None;
        let mut end = None;
        let mut plain = true;
        for child in node.children(&mut cursor) {
            match child.kind() {
                "string_start" => start = Some(child),
                "string_end" => end = Some(child),
                "string_content" => {}
                _ => plain = false,
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
        let import_argument = self.is_import_argument(node);
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
    fn is_import_argument(&self, node: Node) -> bool {
        let Some(arguments) = node.parent().filter(|p| p.kind() == "argument_list") else {
            return false;
        };
        if arguments.named_child(0).map(|c| c.id()) != Some(node.id()) {
            return false;
        }
        let Some(function) = arguments
            .parent()
            .filter(|c| c.kind() == "call")
            .and_then(|c| c.child_by_field_name("function"))
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
fn is_dotted_path(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 512
        && value.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
        })
}

fn is_type_checking_test(condition: &str) -> bool {
    let c = condition.trim();
    c == "TYPE_CHECKING" || c.ends_with(".TYPE_CHECKING")
}

fn catches_import_error(except_clause: &str) -> bool {
    let header = except_clause.split(':').next().unwrap_or("");
    let header = header.trim();
    header == "except"
        || header.contains("ImportError")
        || header.contains("ModuleNotFoundError")
        || header.contains("Exception")
}
