//! Definition facts for the singleton, factory and definition rules: module-level
//! bindings and what their value constructs, classes (bases, keywords, decorators,
//! attributes, methods), functions (parameters, decorators, `global`s, assignments,
//! returns) and calls with a dotted callee.
//!
//! The [`Collector`] is driven by the one walk in `facts.rs`: it sees every node once
//! through [`Collector::on_node`] and is told when a class or function ends. Facts hold
//! byte ranges, not strings, so collecting them allocates little; rules read the text.

use std::sync::OnceLock;

use tree_sitter::Node;

use super::model::{
    AssignFact, CallFact, ClassAttribute, ClassFact, Decorator, DefFacts, FunctionFact, Keyword,
    ModuleAssignment, Owned, Parameters, Scope, Span, Target,
};

/// Node kind ids, looked up once, so the per-node test is an integer compare.
struct Kinds {
    module: u16,
    call: u16,
    assignment: u16,
    augmented_assignment: u16,
    global_statement: u16,
    return_statement: u16,
    decorated_definition: u16,
    class_definition: u16,
    function_definition: u16,
}

fn kinds() -> &'static Kinds {
    static KINDS: OnceLock<Kinds> = OnceLock::new();
    KINDS.get_or_init(|| {
        let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let id = |k: &str| lang.id_for_node_kind(k, true);
        Kinds {
            module: id("module"),
            call: id("call"),
            assignment: id("assignment"),
            augmented_assignment: id("augmented_assignment"),
            global_statement: id("global_statement"),
            return_statement: id("return_statement"),
            decorated_definition: id("decorated_definition"),
            class_definition: id("class_definition"),
            function_definition: id("function_definition"),
        }
    })
}

#[derive(Debug, Clone, Copy)]
enum Frame {
    Class(usize),
    Function(usize),
}

/// Builds [`DefFacts`] while the facts walk visits each node.
#[derive(Default)]
pub struct Collector {
    facts: DefFacts,
    stack: Vec<Frame>,
    /// Decorators waiting for the definition they wrap (its node id).
    pending: Option<(usize, Vec<Decorator>)>,
}

impl Collector {
    pub fn finish(mut self) -> DefFacts {
        self.facts.cover_items(&Default::default());
        self.facts
    }

    /// An item of function `f`, its extent set by [`Self::finish`].
    fn owned<T>(f: usize, item: T) -> Owned<T> {
        Owned {
            function: u32::try_from(f).unwrap_or(u32::MAX),
            item,
        }
    }

    /// Called for every node, before its children.
    pub fn on_node(&mut self, node: Node, text: &str) {
        let k = kinds();
        let id = node.kind_id();
        if id == k.call {
            if let Some(callee) = node
                .child_by_field_name("function")
                .filter(|f| is_dotted(*f))
            {
                self.facts.calls.push(CallFact {
                    range: node.byte_range().into(),
                    callee: Some(callee.byte_range().into()),
                });
            }
        } else if id == k.assignment {
            self.assignment(node, false);
        } else if id == k.augmented_assignment {
            self.assignment(node, true);
        } else if id == k.global_statement {
            if let Some(f) = self.current_function() {
                let mut cursor = node.walk();
                for name in node.named_children(&mut cursor) {
                    if name.kind() == "identifier" {
                        self.facts
                            .items_mut()
                            .globals
                            .push(Self::owned(f, name.byte_range().into()));
                    }
                }
            }
        } else if id == k.return_statement {
            if let Some(f) = self.current_function() {
                let value = node.named_child(0).and_then(value_call);
                self.facts.items_mut().returns.push(Self::owned(f, value));
            }
        } else if id == k.decorated_definition {
            if let Some(def) = node.child_by_field_name("definition") {
                let mut cursor = node.walk();
                let decorators = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "decorator")
                    .filter_map(|c| c.named_child(0).map(decorator))
                    .collect();
                self.pending = Some((def.id(), decorators));
            }
        } else if id == k.class_definition {
            self.enter_class(node);
        } else if id == k.function_definition {
            self.enter_function(node);
        } else if id == k.module {
            self.module_block(node, text);
        }
    }

    /// Called after the children of a class or function definition.
    pub fn leave(&mut self) {
        self.stack.pop();
    }

    fn current_function(&self) -> Option<usize> {
        match self.stack.last() {
            Some(Frame::Function(f)) if *f != usize::MAX => Some(*f),
            _ => None,
        }
    }

    fn scope(&self) -> Scope {
        match self.stack.last() {
            None => Scope::Module,
            Some(Frame::Class(_)) => Scope::Class,
            Some(Frame::Function(_)) => Scope::Function,
        }
    }

    fn take_decorators(&mut self, node: Node) -> Vec<Decorator> {
        match self.pending.take() {
            Some((id, decorators)) if id == node.id() => decorators,
            other => {
                self.pending = other;
                Vec::new()
            }
        }
    }

    fn enter_class(&mut self, node: Node) {
        let decorators = self.take_decorators(node);
        let Some(name) = node.child_by_field_name("name") else {
            // Keep `leave` balanced.
            self.stack.push(Frame::Class(usize::MAX));
            return;
        };
        let mut bases = Vec::new();
        let mut keywords = Vec::new();
        if let Some(args) = node.child_by_field_name("superclasses") {
            let mut cursor = args.walk();
            for arg in args.named_children(&mut cursor) {
                match arg.kind() {
                    "keyword_argument" => {
                        if let (Some(n), Some(v)) = (
                            arg.child_by_field_name("name"),
                            arg.child_by_field_name("value"),
                        ) {
                            keywords.push(Keyword {
                                name: n.byte_range().into(),
                                value: v.byte_range().into(),
                            });
                        }
                    }
                    "comment" => {}
                    _ => bases.push(arg.byte_range().into()),
                }
            }
        }
        let index = self.facts.classes.len();
        self.facts.classes.push(ClassFact {
            name: name.byte_range().into(),
            range: node.byte_range().into(),
            scope: self.scope(),
            bases,
            keywords,
            decorators,
            attributes: Vec::new(),
            methods: Vec::new(),
        });
        self.stack.push(Frame::Class(index));
    }

    fn enter_function(&mut self, node: Node) {
        let decorators = self.take_decorators(node);
        let Some(name) = node.child_by_field_name("name") else {
            self.stack.push(Frame::Function(usize::MAX));
            return;
        };
        let class = match self.stack.last() {
            Some(Frame::Class(c)) if *c != usize::MAX => Some(*c),
            _ => None,
        };
        let mut parameters = Parameters::default();
        if let Some(params) = node.child_by_field_name("parameters") {
            let mut cursor = params.walk();
            for (name, star) in params.named_children(&mut cursor).filter_map(parameter) {
                parameters.first = parameters.first.or(Some(name));
                parameters.count = parameters.count.saturating_add(1);
                parameters.star |= star;
            }
        }
        let index = self.facts.functions.len();
        self.facts.functions.push(FunctionFact {
            name: name.byte_range().into(),
            range: node.byte_range().into(),
            scope: self.scope(),
            class,
            parameters,
            extents: Default::default(),
        });
        if !decorators.is_empty() {
            let owned = decorators.into_iter().map(|d| Self::owned(index, d));
            self.facts.items_mut().decorators.extend(owned);
        }
        if let Some(c) = class {
            self.facts.classes[c].methods.push(index);
        }
        self.stack.push(Frame::Function(index));
    }

    /// Assignments in function and class bodies (module level has its own scan); an
    /// augmented one (`self.n += 1`) counts in functions, not as a class attribute.
    fn assignment(&mut self, node: Node, augmented: bool) {
        let Some(frame) = self.stack.last().copied() else {
            return;
        };
        let Some(left) = node.child_by_field_name("left") else {
            return;
        };
        let right = node.child_by_field_name("right");
        match frame {
            Frame::Function(f) if f != usize::MAX => {
                let value_node = right.map(strip_parens);
                let assign = AssignFact {
                    target: target(left),
                    range: node.byte_range().into(),
                    value_is_call: value_node.is_some_and(|v| v.kind() == "call"),
                    value_is_name: value_node.is_some_and(|v| v.kind() == "identifier"),
                    value: right.and_then(value_call),
                };
                self.facts
                    .items_mut()
                    .assignments
                    .push(Self::owned(f, assign));
            }
            Frame::Class(c) if c != usize::MAX && !augmented && left.kind() == "identifier" => {
                self.facts.classes[c].attributes.push(ClassAttribute {
                    name: left.byte_range().into(),
                    value: right.map(|r| r.byte_range().into()),
                    call: right.and_then(value_call),
                });
            }
            _ => {}
        }
    }

    /// Module-level statements, through `if`/`try`/`with` blocks, in document order. The
    /// work waits on an explicit stack (nodes pushed in reverse): the nesting of blocks is
    /// the user's, not bounded by ours.
    fn module_block(&mut self, module: Node, text: &str) {
        let mut work = vec![module];
        while let Some(node) = work.pop() {
            if node.kind() == "expression_statement" {
                let mut inner = node.walk();
                for child in node.named_children(&mut inner) {
                    if child.kind() == "assignment" {
                        self.module_assignment(child);
                    }
                }
                continue;
            }
            let mut next = Vec::new();
            let mut cursor = node.walk();
            for stmt in node.named_children(&mut cursor) {
                match stmt.kind() {
                    "expression_statement" => next.push(stmt),
                    "if_statement" => {
                        let is_main = stmt
                            .child_by_field_name("condition")
                            .is_some_and(|c| is_main_guard(text.get(c.byte_range()).unwrap_or("")));
                        if !is_main {
                            next.extend(nested_blocks(stmt));
                        }
                    }
                    "try_statement" | "with_statement" => next.extend(nested_blocks(stmt)),
                    _ => {}
                }
            }
            work.extend(next.into_iter().rev());
        }
    }

    fn module_assignment(&mut self, statement: Node) {
        let annotated = statement.child_by_field_name("type").is_some();
        let mut lefts = Vec::new();
        let mut node = statement;
        let value = loop {
            if let Some(left) = node.child_by_field_name("left") {
                lefts.push(left);
            }
            match node.child_by_field_name("right") {
                Some(right) if right.kind() == "assignment" => node = right,
                other => break other,
            }
        };
        let Some(value) = value else {
            return;
        };
        for left in lefts {
            match left.kind() {
                "identifier" => self.facts.module_assignments.push(ModuleAssignment {
                    name: left.byte_range().into(),
                    value: value_call(value),
                    dotted: value_dotted(value),
                    annotated,
                    statement: statement.byte_range().into(),
                }),
                "pattern_list" | "tuple_pattern" | "list_pattern" => {
                    let names = named(left);
                    let value = strip_parens(value);
                    let values = match value.kind() {
                        "expression_list" | "tuple" | "list" => named(value),
                        _ => Vec::new(),
                    };
                    let pairwise = values.len() == names.len();
                    for (i, name) in names.iter().enumerate() {
                        if name.kind() != "identifier" {
                            continue;
                        }
                        let (call, dotted) = if pairwise {
                            (value_call(values[i]), value_dotted(values[i]))
                        } else {
                            (None, None)
                        };
                        self.facts.module_assignments.push(ModuleAssignment {
                            name: name.byte_range().into(),
                            value: call,
                            dotted,
                            annotated,
                            statement: statement.byte_range().into(),
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

/// The blocks of a compound statement: its body and those of its `elif`/`else`/`except`/
/// `finally` clauses.
fn nested_blocks(stmt: Node) -> Vec<Node> {
    let mut blocks = Vec::new();
    let mut cursor = stmt.walk();
    for child in stmt.named_children(&mut cursor) {
        match child.kind() {
            "block" => blocks.push(child),
            "elif_clause"
            | "else_clause"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause" => {
                let mut inner = child.walk();
                blocks.extend(
                    child
                        .named_children(&mut inner)
                        .filter(|b| b.kind() == "block"),
                );
            }
            _ => {}
        }
    }
    blocks
}

fn named(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

fn strip_parens(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The call a value is (the last call of a chain: `a.b.Engine(x)`), if it is one.
fn value_call(node: Node) -> Option<CallFact> {
    let node = strip_parens(node);
    if node.kind() != "call" {
        return None;
    }
    let callee = node.child_by_field_name("function")?;
    Some(CallFact {
        range: node.byte_range().into(),
        callee: is_dotted(callee).then(|| callee.byte_range().into()),
    })
}

/// The value's range when it is a dotted name (`a`, `a.b.C`, parentheses dropped).
fn value_dotted(node: Node) -> Option<Span> {
    let node = strip_parens(node);
    is_dotted(node).then(|| node.byte_range().into())
}

/// `a`, `a.b.c`: identifiers joined by attribute access.
fn is_dotted(mut node: Node) -> bool {
    loop {
        match node.kind() {
            "identifier" => return true,
            "attribute" => {
                if node
                    .child_by_field_name("attribute")
                    .is_none_or(|a| a.kind() != "identifier")
                {
                    return false;
                }
                match node.child_by_field_name("object") {
                    Some(object) => node = object,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
}

fn target(left: Node) -> Target {
    match left.kind() {
        "identifier" => Target::Name(left.byte_range().into()),
        "attribute" => match (
            left.child_by_field_name("object"),
            left.child_by_field_name("attribute"),
        ) {
            (Some(object), Some(attr)) if is_dotted(object) => Target::Attribute {
                object: object.byte_range().into(),
                attr: attr.byte_range().into(),
            },
            _ => Target::Other,
        },
        "subscript" => match left.child_by_field_name("value") {
            Some(object) if is_dotted(object) => Target::Subscript {
                object: object.byte_range().into(),
            },
            _ => Target::Other,
        },
        _ => Target::Other,
    }
}

fn decorator(expr: Node) -> Decorator {
    let (callee, called) = if expr.kind() == "call" {
        (expr.child_by_field_name("function"), true)
    } else {
        (Some(expr), false)
    };
    Decorator {
        name: callee
            .filter(|c| is_dotted(*c))
            .map(|c| c.byte_range().into()),
        called,
        range: expr.byte_range().into(),
    }
}

/// A parameter's name and whether it is `*args` or `**kwargs`.
fn parameter(p: Node) -> Option<(Span, bool)> {
    match p.kind() {
        "identifier" => Some((p.byte_range().into(), false)),
        "typed_parameter" => {
            let inner = p.named_child(0)?;
            match inner.kind() {
                "identifier" => Some((inner.byte_range().into(), false)),
                _ => Some((
                    inner.named_child(0).unwrap_or(inner).byte_range().into(),
                    true,
                )),
            }
        }
        "default_parameter" | "typed_default_parameter" => {
            Some((p.child_by_field_name("name")?.byte_range().into(), false))
        }
        "list_splat_pattern" | "dictionary_splat_pattern" => {
            Some((p.named_child(0).unwrap_or(p).byte_range().into(), true))
        }
        _ => None,
    }
}

/// `__name__ == "__main__"` (either order, either quote), alone or as one operand of an
/// `and` (`sys.platform != "win32" and __name__ == "__main__"`): the block runs only as a
/// script either way.
fn is_main_guard(condition: &str) -> bool {
    condition.split(" and ").any(|part| {
        let c: String = part.chars().filter(|c| !c.is_whitespace()).collect();
        let c = c
            .trim_start_matches('(')
            .trim_end_matches(')')
            .replace('\'', "\"");
        c == "__name__==\"__main__\"" || c == "\"__main__\"==__name__"
    })
}

/// What instances of a class hold, judged from its own body (bases are judged by the
/// caller): the singleton rules flag shared *mutable* state, so they ask this of the
/// class a module-level binding constructs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClassState {
    /// Immutable by declaration: `@dataclass(frozen=True)`, attrs `frozen`.
    Value,
    /// No instance state at all: no method (constructors included) assigns or mutates
    /// an attribute of `self`, and it is no dataclass (sentinels, null objects).
    Stateless,
    /// State set only by dunders that do not mutate (`__init__`, `__post_init__`, or
    /// `__hash__`/`__str__` caching a derived value) and private helpers: no public
    /// method changes it.
    ConstructorOnly,
    /// A public method, or a dunder that mutates (`__setitem__`, `__call__`, …),
    /// changes the instance's state.
    Mutable,
}

/// Dunders that exist to change the instance (or run it as a process step).
const MUTATING_DUNDERS: &[&str] = &[
    "__setitem__",
    "__delitem__",
    "__setattr__",
    "__delattr__",
    "__call__",
    "__enter__",
    "__exit__",
    "__aenter__",
    "__aexit__",
    "__next__",
    "__anext__",
    "__set__",
    "__delete__",
    "__iadd__",
    "__isub__",
    "__imul__",
    "__ior__",
    "__iand__",
    "__ixor__",
];

/// Methods of built-in containers and queues that change them in place.
pub(crate) const MUTATING_CALLS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "extendleft",
    "insert",
    "remove",
    "pop",
    "popleft",
    "popitem",
    "clear",
    "update",
    "setdefault",
    "add",
    "discard",
    "sort",
    "reverse",
    "put",
    "put_nowait",
    "__setitem__",
    "__delitem__",
];

/// [`ClassState`] of `defs.classes[class]` from its decorators and methods.
pub fn class_state(defs: &DefFacts, class: usize, text: &str) -> ClassState {
    let Some(fact) = defs.classes.get(class) else {
        return ClassState::Mutable;
    };
    let at = |r: &Span| text.get(r.range()).unwrap_or("");
    let mut dataclass = false;
    for d in &fact.decorators {
        let name = d.name.as_ref().map_or("", at);
        let last = name.rsplit('.').next().unwrap_or(name);
        let args: String = at(&d.range)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let frozen = args.contains("frozen=True") || last == "frozen";
        let kind = matches!(
            last,
            "dataclass" | "define" | "mutable" | "frozen" | "s" | "attrs"
        );
        if kind && frozen {
            return ClassState::Value;
        }
        dataclass |= kind;
    }
    let mut state = if dataclass {
        ClassState::ConstructorOnly
    } else {
        ClassState::Stateless
    };
    for &m in &fact.methods {
        let Some(method) = defs.functions.get(m) else {
            continue;
        };
        let bound = !defs.decorators(m).any(|d| {
            let name = d.name.as_ref().map_or("", at);
            name == "staticmethod" || name == "classmethod"
        });
        let Some(slf) = method.parameters.first.filter(|_| bound).map(|p| at(&p)) else {
            continue;
        };
        let on_self = |object: &str| {
            object == slf || object.strip_prefix(slf).is_some_and(|r| r.starts_with('.'))
        };
        let assigns = defs.assignments(m).any(|a| match &a.target {
            Target::Attribute { object, .. } | Target::Subscript { object } => on_self(at(object)),
            _ => false,
        });
        let calls = defs.calls.iter().any(|c| {
            let Some(callee) = c.callee.as_ref() else {
                return false;
            };
            if c.range.start() < method.range.start() || c.range.end() > method.range.end() {
                return false;
            }
            match at(callee) {
                // `setattr(self, …)`, `object.__setattr__(self, …)`: the first argument.
                "setattr" | "delattr" | "object.__setattr__" | "object.__delattr__" => {
                    let args = text.get(callee.end()..c.range.end()).unwrap_or("");
                    let first = args.trim_start_matches('(').split(',').next().unwrap_or("");
                    first.trim() == slf
                }
                written => written.rsplit_once('.').is_some_and(|(object, call)| {
                    on_self(object) && MUTATING_CALLS.contains(&call)
                }),
            }
        });
        if !assigns && !calls {
            continue;
        }
        let name = at(&method.name);
        let dunder = name.len() > 4 && name.starts_with("__") && name.ends_with("__");
        let mutator = if dunder {
            MUTATING_DUNDERS.contains(&name)
        } else {
            !name.starts_with('_')
        };
        if mutator {
            return ClassState::Mutable;
        }
        state = ClassState::ConstructorOnly;
    }
    state
}
