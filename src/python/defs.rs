//! Definition facts for the singleton, factory and definition rules: module-level
//! bindings and what their value constructs, classes (bases, keywords, decorators,
//! attributes, methods), functions (parameters, decorators, `global`s, assignments,
//! returns) and calls with a dotted callee.
//!
//! The [`Collector`] is driven by the one walk in `facts.rs`: it sees each node that can
//! hold a fact once through [`Collector::on_node`] (the walk skips subtrees that cannot),
//! is handed the module-level assignments, and is told when a class or function ends.
//! Facts hold byte ranges, not strings, so collecting them allocates little; rules read
//! the text.

use tree_sitter::Node;

use super::grammar::{fields, is, kinds};
use super::model::{
    AssignFact, CallFact, ClassAttribute, ClassFact, Decorator, DefFacts, FunctionFact, Keyword,
    ModuleAssignment, Owned, Parameters, Scope, Span, Target,
};

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

    /// Called for every node the walk visits, before its children, with its kind id.
    pub fn on_node(&mut self, node: Node, id: u16) {
        let k = kinds();
        if id == k.call {
            if let Some(callee) = node
                .child_by_field_id(fields().function)
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
                    if is(name, k.identifier) {
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
            if let Some(def) = node.child_by_field_id(fields().definition) {
                let mut cursor = node.walk();
                let decorators = node
                    .named_children(&mut cursor)
                    .filter(|c| is(*c, k.decorator))
                    .filter_map(|c| c.named_child(0).map(decorator))
                    .collect();
                self.pending = Some((def.id(), decorators));
            }
        } else if id == k.class_definition {
            self.enter_class(node);
        } else if id == k.function_definition {
            self.enter_function(node);
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
        let Some(name) = node.child_by_field_id(fields().name) else {
            // Keep `leave` balanced.
            self.stack.push(Frame::Class(usize::MAX));
            return;
        };
        let mut bases = Vec::new();
        let mut keywords = Vec::new();
        if let Some(args) = node.child_by_field_id(fields().superclasses) {
            let mut cursor = args.walk();
            let k = kinds();
            for arg in args.named_children(&mut cursor) {
                let id = arg.kind_id();
                if id == k.keyword_argument {
                    if let (Some(n), Some(v)) = (
                        arg.child_by_field_id(fields().name),
                        arg.child_by_field_id(fields().value),
                    ) {
                        keywords.push(Keyword {
                            name: n.byte_range().into(),
                            value: v.byte_range().into(),
                        });
                    }
                } else if id != k.comment {
                    bases.push(arg.byte_range().into());
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
        let Some(name) = node.child_by_field_id(fields().name) else {
            self.stack.push(Frame::Function(usize::MAX));
            return;
        };
        let class = match self.stack.last() {
            Some(Frame::Class(c)) if *c != usize::MAX => Some(*c),
            _ => None,
        };
        let mut parameters = Parameters::default();
        if let Some(params) = node.child_by_field_id(fields().parameters) {
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
        let Some(left) = node.child_by_field_id(fields().left) else {
            return;
        };
        let right = node.child_by_field_id(fields().right);
        match frame {
            Frame::Function(f) if f != usize::MAX => {
                let value_node = right.map(strip_parens);
                let assign = AssignFact {
                    target: target(left),
                    range: node.byte_range().into(),
                    value_is_call: value_node.is_some_and(|v| is(v, kinds().call)),
                    value_is_name: value_node.is_some_and(|v| is(v, kinds().identifier)),
                    value: right.and_then(value_call),
                };
                self.facts
                    .items_mut()
                    .assignments
                    .push(Self::owned(f, assign));
            }
            Frame::Class(c) if c != usize::MAX && !augmented && is(left, kinds().identifier) => {
                self.facts.classes[c].attributes.push(ClassAttribute {
                    name: left.byte_range().into(),
                    value: right.map(|r| r.byte_range().into()),
                    call: right.and_then(value_call),
                });
            }
            _ => {}
        }
    }

    /// A module-level assignment statement (the facts walk finds them: the module's
    /// statements, through the blocks of `if`/`try`/`with`), a binding per name.
    pub(super) fn module_assignment(&mut self, statement: Node) {
        let annotated = statement.child_by_field_id(fields().type_).is_some();
        let mut lefts = Vec::new();
        let mut node = statement;
        let value = loop {
            if let Some(left) = node.child_by_field_id(fields().left) {
                lefts.push(left);
            }
            match node.child_by_field_id(fields().right) {
                Some(right) if is(right, kinds().assignment) => node = right,
                other => break other,
            }
        };
        let Some(value) = value else {
            return;
        };
        let k = kinds();
        for left in lefts {
            let id = left.kind_id();
            if id == k.identifier {
                self.facts.module_assignments.push(ModuleAssignment {
                    name: left.byte_range().into(),
                    value: value_call(value),
                    dotted: value_dotted(value),
                    annotated,
                    statement: statement.byte_range().into(),
                });
            } else if id == k.pattern_list || id == k.tuple_pattern || id == k.list_pattern {
                let names = named(left);
                let value = strip_parens(value);
                let v = value.kind_id();
                let values = if v == k.expression_list || v == k.tuple || v == k.list {
                    named(value)
                } else {
                    Vec::new()
                };
                let pairwise = values.len() == names.len();
                for (i, name) in names.iter().enumerate() {
                    if !is(*name, k.identifier) {
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
        }
    }
}

fn named(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    let comment = kinds().comment;
    node.named_children(&mut cursor)
        .filter(|c| !is(*c, comment))
        .collect()
}

fn strip_parens(mut node: Node) -> Node {
    while is(node, kinds().parenthesized_expression) {
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
    if !is(node, kinds().call) {
        return None;
    }
    let callee = node.child_by_field_id(fields().function)?;
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
    let k = kinds();
    loop {
        let id = node.kind_id();
        if id == k.identifier {
            return true;
        }
        if id != k.attribute
            || node
                .child_by_field_id(fields().attribute)
                .is_none_or(|a| !is(a, k.identifier))
        {
            return false;
        }
        match node.child_by_field_id(fields().object) {
            Some(object) => node = object,
            None => return false,
        }
    }
}

fn target(left: Node) -> Target {
    let k = kinds();
    let id = left.kind_id();
    if id == k.identifier {
        Target::Name(left.byte_range().into())
    } else if id == k.attribute {
        match (
            left.child_by_field_id(fields().object),
            left.child_by_field_id(fields().attribute),
        ) {
            (Some(object), Some(attr)) if is_dotted(object) => Target::Attribute {
                object: object.byte_range().into(),
                attr: attr.byte_range().into(),
            },
            _ => Target::Other,
        }
    } else if id == k.subscript {
        match left.child_by_field_id(fields().value) {
            Some(object) if is_dotted(object) => Target::Subscript {
                object: object.byte_range().into(),
            },
            _ => Target::Other,
        }
    } else {
        Target::Other
    }
}

fn decorator(expr: Node) -> Decorator {
    let (callee, called) = if is(expr, kinds().call) {
        (expr.child_by_field_id(fields().function), true)
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
    let k = kinds();
    let id = p.kind_id();
    if id == k.identifier {
        Some((p.byte_range().into(), false))
    } else if id == k.typed_parameter {
        let inner = p.named_child(0)?;
        if is(inner, k.identifier) {
            Some((inner.byte_range().into(), false))
        } else {
            Some((
                inner.named_child(0).unwrap_or(inner).byte_range().into(),
                true,
            ))
        }
    } else if id == k.default_parameter || id == k.typed_default_parameter {
        Some((
            p.child_by_field_id(fields().name)?.byte_range().into(),
            false,
        ))
    } else if id == k.list_splat_pattern || id == k.dictionary_splat_pattern {
        Some((p.named_child(0).unwrap_or(p).byte_range().into(), true))
    } else {
        None
    }
}

/// `__name__ == "__main__"` (either order, either quote), alone or as one operand of an
/// `and` (`sys.platform != "win32" and __name__ == "__main__"`): the block runs only as a
/// script either way.
pub(crate) fn is_main_guard(condition: &str) -> bool {
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
