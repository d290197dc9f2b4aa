//! `python::token_facts` on definition chunks (`token_facts/definitions.rs`): a `def`,
//! `async def` or `class` whose body is a placeholder is read off its tokens, and the
//! facts equal tree-sitter's parse of the same ranges (`compare_token_facts`) and the
//! exact values below; every other shape is left to tree-sitter.

use ssotlint::prefilter::BodyNeedles;
use ssotlint::python::{self, Facts, Span};
use ssotlint::reduce::Reducer;

/// One range over the whole text, as tree-sitter wants it.
fn whole(text: &str) -> Vec<tree_sitter::Range> {
    let rows = text.matches('\n').count();
    let last = text.rfind('\n').map_or(0, |i| i + 1);
    vec![tree_sitter::Range {
        start_byte: 0,
        end_byte: text.len(),
        start_point: tree_sitter::Point::new(0, 0),
        end_point: tree_sitter::Point::new(rows, text.len() - last),
    }]
}

/// The facts of `ranges` of `text` through `analyze_included`, after checking that
/// `read` of its chunks were read off their tokens and equal tree-sitter's facts.
fn included(text: &str, ranges: &[tree_sitter::Range], read: usize) -> Facts {
    let starts: Vec<usize> = python::chunks::boundaries(text, 0).collect();
    let (_, answered, mismatches) =
        python::compare_token_facts(text, None, ranges, &starts).expect("sound ranges");
    if let Some(m) = mismatches.first() {
        panic!("{}\n--- read\n{}\n--- parsed\n{}", m.kept, m.read, m.parsed);
    }
    assert_eq!(
        answered, read,
        "chunks read without tree-sitter in {text:?}"
    );
    python::analyze_included(text, None, ranges, &starts).expect("parses")
}

/// A class as text: name, range, bases, keywords (name, value), decorators.
type ClassRow<'t> = (
    &'t str,
    &'t str,
    Vec<&'t str>,
    Vec<(&'t str, &'t str)>,
    Vec<&'t str>,
);

fn at(text: &str, span: Span) -> &str {
    &text[span]
}

/// Decorators (plain and called without arguments, dotted), `async def`, every kind of
/// plain parameter, class bases and keywords with dotted values, and bodies of `...`,
/// `pass` and docstrings, inline or indented: each read exactly.
#[test]
fn placeholder_definitions_are_read_exactly() {
    let text = "@a.b.c\n@dec()\n@m.cache()\nasync def f(self, *args, b, /, *, c, **kw):\n    ...\n\n\
                class K(Base, mod.Other, metaclass=abc.ABCMeta, flag=on,):\n    \"\"\"Doc.\"\"\"\n    pass\n\
                def g(): pass\n\
                @dataclass\nclass E: ...\n\
                def h(\n    x,\n):\n    'doc'\n";
    let facts = included(text, &whole(text), 5);
    assert!(facts.syntax_errors.is_empty());
    let defs = &facts.defs;
    let functions: Vec<(&str, &str, Option<&str>, u16, bool)> = defs
        .functions
        .iter()
        .map(|f| {
            let p = f.parameters;
            (
                at(text, f.name),
                at(text, f.range),
                p.first.map(|s| at(text, s)),
                p.count,
                p.star,
            )
        })
        .collect();
    assert_eq!(
        functions,
        [
            (
                "f",
                "async def f(self, *args, b, /, *, c, **kw):\n    ...",
                Some("self"),
                5,
                true
            ),
            ("g", "def g(): pass", None, 0, false),
            ("h", "def h(\n    x,\n):\n    'doc'", Some("x"), 1, false),
        ]
    );
    let decorators: Vec<(Option<&str>, bool, &str)> = defs
        .decorators(0)
        .map(|d| (d.name.map(|s| at(text, s)), d.called, at(text, d.range)))
        .collect();
    assert_eq!(
        decorators,
        [
            (Some("a.b.c"), false, "a.b.c"),
            (Some("dec"), true, "dec()"),
            (Some("m.cache"), true, "m.cache()"),
        ]
    );
    assert_eq!(defs.decorators(1).count(), 0);
    let classes: Vec<ClassRow> = defs
        .classes
        .iter()
        .map(|c| {
            (
                at(text, c.name),
                at(text, c.range),
                c.bases.iter().map(|b| at(text, *b)).collect(),
                c.keywords
                    .iter()
                    .map(|k| (at(text, k.name), at(text, k.value)))
                    .collect(),
                c.decorators.iter().map(|d| at(text, d.range)).collect(),
            )
        })
        .collect();
    assert_eq!(
        classes,
        [
            (
                "K",
                "class K(Base, mod.Other, metaclass=abc.ABCMeta, flag=on,):\n    \"\"\"Doc.\"\"\"\n    pass",
                vec!["Base", "mod.Other"],
                vec![("metaclass", "abc.ABCMeta"), ("flag", "on")],
                vec![],
            ),
            ("E", "class E: ...", vec![], vec![], vec!["dataclass"]),
        ]
    );
    let calls: Vec<(&str, Option<&str>)> = defs
        .calls
        .iter()
        .map(|c| (at(text, c.range), c.callee.map(|s| at(text, s))))
        .collect();
    assert_eq!(
        calls,
        [("dec()", Some("dec")), ("m.cache()", Some("m.cache"))]
    );
    let attributes: Vec<(&str, &str)> = facts
        .attributes
        .iter()
        .map(|a| (at(text, a.object), at(text, a.attribute)))
        .collect();
    assert_eq!(
        attributes,
        [
            ("a", "b"),
            ("m", "cache"),
            ("mod", "Other"),
            ("abc", "ABCMeta")
        ]
    );
    assert!(facts.imports.is_empty() && facts.strings.is_empty());
    assert!(defs.module_assignments.is_empty());
}

/// What the reader does not read exactly goes to tree-sitter: defaults, annotations,
/// decorator arguments, a kept import or loop, keywords and
/// Python 2's `print` as names, a non-ASCII name, type parameters, syntax errors,
/// something after the definition, an f-string body.
#[test]
fn other_shapes_are_left_to_tree_sitter() {
    // Near misses of these are read (and equal tree-sitter's facts).
    for text in [
        "def f(a=1):\n    ...\n",
        "def f(a: int):\n    ...\n",
        "def f() -> int:\n    ...\n",
        "@dec\n\ndef f():\n    import os\n",
        "def f():\n    for x in y:\n        pass\n",
        "def f(a: t.Optional[int] = g(1), *b: int, **c: 'x.Y') -> a.B[int]:\n    ...\n",
    ] {
        included(text, &whole(text), 1);
    }
    for text in [
        "@dec(1)\ndef f():\n    ...\n",
        "def f(*a=1):\n    ...\n",
        "def f(a=(yield)):\n    ...\n",
        "def print():\n    ...\n",
        "def match():\n    ...\n",
        "def caf\u{e9}():\n    ...\n",
        "class A[T]:\n    ...\n",
        "def f(:\n    ...\n",
        "class A(B\n",
        "def f():\n...\n",
        "def f(): ...; pass\n",
        "def f():\n    f\"{x}\"\n",
        "class A(B()):\n    ...\n",
        "class A(**kw):\n    ...\n",
    ] {
        included(text, &whole(text), 0);
    }
}

/// The reducer's output: bodies blanked to `...`, parameter lists and bases blanked
/// (gaps in the ranges), decorator lines blanked whole. Each definition is read, and
/// its range and name point into the original text.
#[test]
fn reduced_definitions_are_read() {
    let text = "import os\n\n\n@decorate(with_args=[1, 2])\ndef run(a, b=2, *rest) -> int:\n    \"\"\"Run.\"\"\"\n    # comment\n    return a + b\n\n\
                class Engine(Base, metaclass=Meta):\n    def start(self):\n        self.on = True\n\n\
                async def fetch(\n    url,\n    timeout: float = 1.0,\n):\n    await go(url)\n";
    let reduced = Reducer::new(&BodyNeedles::default())
        .reduce(text)
        .expect("reduced");
    let starts = &reduced.chunks;
    let (chunks, answered, mismatches) =
        python::compare_token_facts(&reduced.text, None, &reduced.included, starts).expect("sound");
    assert!(mismatches.is_empty());
    // `import os`, `run` (header and body blanked), `Engine`, `fetch`.
    assert_eq!((chunks, answered), (4, 4));
    let facts =
        python::analyze_included(&reduced.text, None, &reduced.included, starts).expect("parses");
    let names: Vec<(&str, usize, usize)> = facts
        .definitions()
        .iter()
        .map(|d| (d.name(text), d.name_range.start(), d.name_range.end()))
        .collect();
    let offset = |name: &str| text.find(name).expect("name");
    assert_eq!(
        names,
        [
            ("run", offset("run("), offset("run(") + 3),
            ("Engine", offset("Engine("), offset("Engine(") + 6),
            ("fetch", offset("fetch("), offset("fetch(") + 5),
        ]
    );
    let fetch = &facts.defs.functions[1];
    assert_eq!(fetch.range.start(), offset("async def"));
    // It ends with the reducer's `...`, over the first bytes of the blanked body.
    let body = offset("await go");
    assert_eq!(fetch.range.range(), offset("async def")..body + 3);
    assert_eq!(&reduced.text[body..body + 3], "...");
    assert_eq!(fetch.parameters, Default::default());
}

/// A class whose body holds blanked methods (decorators kept), a nested class, a
/// docstring, comments and attributes of plain values: the class's methods and
/// attributes and each method's `class` index, as tree-sitter's.
#[test]
fn class_members_are_read_exactly() {
    let text = "@frozen\nclass A(B):  # header\n    \"\"\"Doc.\"\"\"\n    x = 1  # one\n    y: int = f()\n    z: typing.Optional[int]\n    \
                t = -1, 'a' 'b', (g()), [None, ...], {1: 2, 3: not 4}, a.b is not c\n    \
                def a(self):\n        ...\n    @classmethod\n    def b(cls):\n        ...\n    \
                class Meta:\n        pass\n    @p.setter\n    async def c(self, v): ...\n";
    let facts = included(text, &whole(text), 1);
    let defs = &facts.defs;
    let class = &defs.classes[0];
    assert_eq!(
        at(text, class.range),
        &text[text.find("class A").expect("A")..text.len() - 1]
    );
    let attributes: Vec<(&str, Option<&str>, Option<&str>)> = class
        .attributes
        .iter()
        .map(|a| {
            (
                at(text, a.name),
                a.value.map(|v| at(text, v)),
                a.call.as_ref().map(|c| at(text, c.range)),
            )
        })
        .collect();
    assert_eq!(
        attributes,
        [
            ("x", Some("1"), None),
            ("y", Some("f()"), Some("f()")),
            ("z", None, None),
            (
                "t",
                Some("-1, 'a' 'b', (g()), [None, ...], {1: 2, 3: not 4}, a.b is not c"),
                None
            ),
        ]
    );
    let methods: Vec<(&str, Option<usize>, python::Scope)> = class
        .methods
        .iter()
        .map(|&m| {
            let f = &defs.functions[m];
            (at(text, f.name), f.class, f.scope)
        })
        .collect();
    let in_a = (Some(0), python::Scope::Class);
    assert_eq!(
        methods,
        [
            ("a", in_a.0, in_a.1),
            ("b", in_a.0, in_a.1),
            ("c", in_a.0, in_a.1)
        ]
    );
    let meta = &defs.classes[1];
    assert_eq!(
        (at(text, meta.name), meta.scope),
        ("Meta", python::Scope::Class)
    );
    let decorators: Vec<Vec<&str>> = (0..3)
        .map(|m| defs.decorators(m).map(|d| at(text, d.range)).collect())
        .collect();
    assert_eq!(decorators, [vec![], vec!["classmethod"], vec!["p.setter"]]);
    let calls: Vec<&str> = defs.calls.iter().map(|c| at(text, c.range)).collect();
    assert_eq!(calls, ["f()", "g()"]);
    let attributes: Vec<(&str, &str)> = facts
        .attributes
        .iter()
        .map(|a| (at(text, a.object), at(text, a.attribute)))
        .collect();
    assert_eq!(
        attributes,
        [("typing", "Optional"), ("a", "b"), ("p", "setter")]
    );
}

/// A class member the reader does not know sends the whole class to tree-sitter.
#[test]
fn classes_with_other_members_are_left_to_tree_sitter() {
    // Near misses of these are read (and equal tree-sitter's facts).
    for member in [
        "def a(self):\n        import os\n",
        "x = 'a.b'\n",
        "x = f(*a)\n",
        "x = lambda: 1\n",
        "x = [i for i in y]\n",
        "x = f()()\n",
        "class M:\n        def m(self): ...\n",
    ] {
        let text = format!("class A:\n    pass\n    {member}");
        included(&text, &whole(&text), 1);
    }
    for member in [
        "import os\n",
        "x = y = 1\n",
        "x += 1\n",
        "x, y = 1, 2\n",
        "x = f\"{y}\"\n",
        "if x:\n        y = 1\n",
        "x = 'a.\\n'\n",
    ] {
        let text = format!("class A:\n    pass\n    {member}");
        included(&text, &whole(&text), 0);
    }
}

/// A function body of `global` names, augmented, annotated and attribute assignments,
/// returns and calls with plain arguments: the function's items and the calls (a call
/// before those in its arguments), as tree-sitter's.
#[test]
fn function_statements_are_read_exactly() {
    let text = "def bump(self, n):\n    \"\"\"Doc.\"\"\"\n    global _CALLS, _N  # both\n    _CALLS += 1\n    \
                self.engine: Engine = (make.engine(a.b, key=g(1), other='x'))\n    cls._items[k] = n\n    \
                log.info('done')\n    total = n\n    return _CALLS\n    return (f())\n    return\n";
    let facts = included(text, &whole(text), 1);
    let defs = &facts.defs;
    let globals: Vec<&str> = defs.globals(0).map(|s| at(text, *s)).collect();
    assert_eq!(globals, ["_CALLS", "_N"]);
    let assignments: Vec<(&str, bool, bool, Option<&str>)> = defs
        .assignments(0)
        .map(|a| {
            (
                at(text, a.range),
                a.value_is_call,
                a.value_is_name,
                a.value.as_ref().map(|c| at(text, c.range)),
            )
        })
        .collect();
    assert_eq!(
        assignments,
        [
            ("_CALLS += 1", false, false, None),
            (
                "self.engine: Engine = (make.engine(a.b, key=g(1), other='x'))",
                true,
                false,
                Some("make.engine(a.b, key=g(1), other='x')")
            ),
            ("cls._items[k] = n", false, true, None),
            ("total = n", false, true, None),
        ]
    );
    let targets: Vec<String> = defs
        .assignments(0)
        .map(|a| match &a.target {
            python::Target::Name(n) => format!("name {}", at(text, *n)),
            python::Target::Attribute { object, attr } => {
                format!("attribute {}.{}", at(text, *object), at(text, *attr))
            }
            python::Target::Subscript { object } => format!("subscript {}", at(text, *object)),
            python::Target::Other => "other".into(),
        })
        .collect();
    assert_eq!(
        targets,
        [
            "name _CALLS",
            "attribute self.engine",
            "subscript cls._items",
            "name total"
        ]
    );
    let returns: Vec<Option<&str>> = defs
        .returns(0)
        .map(|r| r.as_ref().map(|c| at(text, c.range)))
        .collect();
    assert_eq!(returns, [None, Some("f()"), None]);
    let calls: Vec<&str> = defs.calls.iter().map(|c| at(text, c.range)).collect();
    assert_eq!(
        calls,
        [
            "make.engine(a.b, key=g(1), other='x')",
            "g(1)",
            "log.info('done')",
            "f()"
        ]
    );
}

/// A function statement the reader does not know sends the function to tree-sitter.
#[test]
fn functions_with_other_statements_are_left_to_tree_sitter() {
    // Near misses of these are read (and equal tree-sitter's facts).
    for statement in [
        "import os\n",
        "x = f(*a)\n",
        "if x:\n        pass\n",
        "x = 'a.b'\n",
        "del x\n",
        "f()()\n",
        "x = a if b else c\n",
        "x = {k: v for k, v in d.items() if k}\n",
        "f(x for x in y)\n",
        "x = y[1:2, ::3]\n",
        "assert x, 'why'\n",
        "raise E('m') from e\n",
        "print(x)\n",
        "x = type(y).__name__\n",
        "x = ''.join(a).split('.')\n",
        "def g():\n        import os\n",
        "with a() as b, c as d.e:\n        pass\n",
        "from __future__ import annotations\n",
    ] {
        let text = format!("def f():\n    pass\n    {statement}");
        included(&text, &whole(&text), 1);
    }
    for statement in [
        "x = import_module('a')\n",
        "x = patch('a')\n",
        "x = f().import_module('a')\n",
        "a, b = 1, 2\n",
        "(a) = 1\n",
        "x = y = 1\n",
        "yield x\n",
        "async for x in y:\n        pass\n",
        "async with a:\n        pass\n",
        "if (x := 1):\n        pass\n",
        "for (a, b) in c:\n        pass\n",
        "with (a as b):\n        pass\n",
        "try:\n        pass\n    except* E:\n        pass\n",
        "try:\n        pass\n",
        "print >>f, x\n",
        "x = [i for i in y if a if b else c]\n",
        "nonlocal x\n",
    ] {
        let text = format!("def f():\n    pass\n    {statement}");
        included(&text, &whole(&text), 0);
    }
}

/// Imports in function bodies, in the context tree-sitter's walk gives them: a `try:`
/// whose handler catches `ImportError` guards its block's imports at any depth (not its
/// handlers' or `else`'s), `if TYPE_CHECKING:` its own block's (not `elif`'s), and a
/// nested function or class keeps the context it is defined in.
#[test]
fn function_imports_are_read_in_their_context() {
    let text = "def f():\n    import a\n    try:\n        import b\n        if x:\n            import c\n    \
                except (ValueError, ImportError) as e:\n        import d\n    else:\n        import e\n    \
                try:\n        import f1\n    except OSError:\n        pass\n    finally:\n        import g\n    \
                if typing.TYPE_CHECKING:\n        from h import H\n    elif TYPE_CHECKING:\n        import i\n    \
                else:\n        import j\n    for x in y:\n        with open(p) as fh:\n            import k.l as m\n    \
                while z:\n        break\n    else:\n        from . import n\n    try:\n        def g():\n            \
                import o\n        class C:\n            def m(self):\n                import p\n    except:\n        raise\n";
    let facts = included(text, &whole(text), 1);
    use python::Scope::Function;
    let imports: Vec<(&str, python::Scope, bool, bool)> = facts
        .imports
        .iter()
        .map(|i| {
            let c = i.context;
            (at(text, i.range), c.scope, c.guarded, c.type_checking)
        })
        .collect();
    assert_eq!(
        imports,
        [
            ("import a", Function, false, false),
            ("import b", Function, true, false),
            ("import c", Function, true, false),
            ("import d", Function, false, false),
            ("import e", Function, false, false),
            ("import f1", Function, false, false),
            ("import g", Function, false, false),
            ("from h import H", Function, false, true),
            ("import i", Function, false, false),
            ("import j", Function, false, false),
            ("import k.l as m", Function, false, false),
            ("from . import n", Function, false, false),
            ("import o", Function, true, false),
            ("import p", Function, true, false),
        ]
    );
    let functions: Vec<&str> = facts
        .defs
        .functions
        .iter()
        .map(|f| at(text, f.name))
        .collect();
    assert_eq!(functions, ["f", "g", "m"]);
    assert_eq!(facts.defs.functions[2].class, Some(0));
    assert_eq!(facts.defs.functions[1].scope, Function);
    assert_eq!(facts.defs.classes[0].scope, Function);
}

/// A module-level binding as text: name, value's call, dotted value, annotated,
/// statement.
type Binding<'t> = (&'t str, Option<&'t str>, Option<&'t str>, bool, &'t str);

/// Module-level compound statements: names bound in the blocks of `if`/`elif`/`else`,
/// `try` and `with` are module-level bindings (with the value's call or dotted name),
/// those under `for`, `while` and a main guard are not; chains bind every name.
#[test]
fn module_statements_are_read_exactly() {
    let text = "if sys.version_info >= (3, 8):\n    X = load(a.b)\nelif y:\n    X = other.name\nelse:\n    \
                X: int = (pkg.make())\n\ntry:\n    import fast\nexcept ImportError:\n    fast = None\n\n\
                for i in range(3):\n    Y = i\n\nwith lock:\n    A = B = 'a.b'\n\n\
                if __name__ == \"__main__\":\n    Z = main()\n\nlog.info('x', *args)\n";
    let facts = included(text, &whole(text), 6);
    let bound: Vec<Binding> = facts
        .defs
        .module_assignments
        .iter()
        .map(|m| {
            (
                at(text, m.name),
                m.value.as_ref().map(|c| at(text, c.range)),
                m.dotted.map(|d| at(text, d)),
                m.annotated,
                at(text, m.statement),
            )
        })
        .collect();
    assert_eq!(
        bound,
        [
            ("X", Some("load(a.b)"), None, false, "X = load(a.b)"),
            ("X", None, Some("other.name"), false, "X = other.name"),
            ("X", Some("pkg.make()"), None, true, "X: int = (pkg.make())"),
            ("fast", None, None, false, "fast = None"),
            ("A", None, None, false, "A = B = 'a.b'"),
            ("B", None, None, false, "A = B = 'a.b'"),
        ]
    );
    let strings: Vec<&str> = facts
        .strings
        .iter()
        .map(|s| at(text, s.content_range))
        .collect();
    assert_eq!(strings, ["a.b"]);
    let calls: Vec<&str> = facts.defs.calls.iter().map(|c| at(text, c.range)).collect();
    assert_eq!(
        calls,
        [
            "load(a.b)",
            "pkg.make()",
            "range(3)",
            "main()",
            "log.info('x', *args)"
        ]
    );
    assert!(facts.imports[0].context.guarded);
}

/// A comment on the line of a block's last statement is inside tree-sitter's block: the
/// definition (and a method in the middle of its class) ends after it; a comment line
/// after the last statement is left to tree-sitter.
#[test]
fn trailing_comments_end_the_definitions_they_close() {
    let text = "class A:\n    def a(self):\n        self.x = 1  # mid\n    def b(self):\n        return 2  # end\n";
    let facts = included(text, &whole(text), 1);
    let ranges: Vec<&str> = facts
        .defs
        .functions
        .iter()
        .map(|f| at(text, f.range))
        .collect();
    assert_eq!(
        ranges,
        [
            "def a(self):\n        self.x = 1  # mid",
            "def b(self):\n        return 2  # end"
        ]
    );
    assert_eq!(at(text, facts.defs.classes[0].range), text.trim_end());
    let assigned: Vec<&str> = facts
        .defs
        .assignments(0)
        .map(|a| at(text, a.range))
        .collect();
    assert_eq!(assigned, ["self.x = 1"]);
    let text = "def f():\n    x = 1\n    # after\n";
    included(text, &whole(text), 0);
    // A comment line as deep as a nested block before its end: tree-sitter's block
    // takes it in; shallower, it is outside.
    let text = "class A:\n    def a(self):\n        if x:\n            y()\n            # in\n    def b(self): ...\n";
    included(text, &whole(text), 0);
    let text = "class A:\n    def a(self):\n        if x:\n            y()\n    # out\n    def b(self): ...\n";
    included(text, &whole(text), 1);
}
