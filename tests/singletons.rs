//! Singleton, factory and competing-definition rules (SSOT101–110, SSOT201–202, SSOT301)
//! through the real binary: exact code, file, row and column.

mod common;

use std::path::Path;

use serde_json::Value;

/// (code, file relative to the project, row, column)
type Finding = (String, String, u64, u64);

struct Run {
    findings: Vec<Finding>,
    messages: Vec<String>,
    severities: Vec<String>,
    stderr: String,
    code: i32,
}

fn run(files: &[(&str, &str)], config: &str) -> Run {
    let dir = common::project(files);
    let root = dir.path().canonicalize().expect("canonical tempdir");
    common::write(&root.join("ssotlint.toml"), config);
    let output = common::ssotlint(&root, &["check", ".", "--output-format", "json"]);
    let values: Vec<Value> = serde_json::from_value(common::json(&output)).expect("an array");
    let rel = |v: &Value| {
        let name = v["filename"].as_str().unwrap_or("");
        Path::new(name)
            .strip_prefix(&root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| name.to_string())
    };
    Run {
        findings: values
            .iter()
            .map(|v| {
                (
                    v["code"].as_str().unwrap_or("").to_string(),
                    rel(v),
                    v["location"]["row"].as_u64().unwrap_or(0),
                    v["location"]["column"].as_u64().unwrap_or(0),
                )
            })
            .collect(),
        messages: values
            .iter()
            .map(|v| v["message"].as_str().unwrap_or("").to_string())
            .collect(),
        severities: values
            .iter()
            .map(|v| v["severity"].as_str().unwrap_or("").to_string())
            .collect(),
        stderr: common::stderr(&output),
        code: common::code(&output),
    }
}

fn f(code: &str, file: &str, row: u64, column: u64) -> Finding {
    (code.to_string(), file.to_string(), row, column)
}

const OTHER: (&str, &str) = (
    "app/other.py",
    "class Engine:\n    pass\n\n\ndef MakeEngine():\n    return Engine()\n\n\nconf = MakeEngine()\n",
);
const INIT: (&str, &str) = ("app/__init__.py", "");

#[test]
fn ssot101_every_syntactic_variant() {
    // Every class holds mutable state through `Store`, so only the syntax is tested.
    let other = "class Store:\n    def add(self, x):\n        self.items.append(x)\n\n\nclass Engine(Store):\n    pass\n\n\nclass Engine2(Store):\n    pass\n\n\nclass Engine3(Store):\n    pass\n";
    let src = "\
from app.other import Engine as E, Store
import app.other as other
import app.other

class L1(Store): pass
class L2(Store): pass
class L3(Store): pass
class L4(Store): pass
class L5(Store): pass
class L6(Store): pass
class L7(Store): pass
class L8(Store): pass
class L9(Store): pass
class L10(Store): pass
plain = L1()
annotated: L2 = L2()
first, second = L3(), 3
x = y = E()
by_module = other.Engine2()
by_package = app.other.Engine3()
if True:
    in_if = L4()
else:
    in_else = L5()
try:
    in_try = L6()
except ImportError:
    in_except = L7()
finally:
    in_finally = L8()
with open('f') as fh:
    in_with = L9()
parenthesized = (L10())
";
    let r = run(&[INIT, ("app/other.py", other), ("app/m.py", src)], "");
    let m = "app/m.py";
    assert_eq!(
        r.findings,
        vec![
            f("SSOT101", m, 15, 1),
            f("SSOT101", m, 16, 1),
            f("SSOT101", m, 17, 1),
            f("SSOT101", m, 18, 1),
            f("SSOT101", m, 18, 5),
            f("SSOT101", m, 19, 1),
            f("SSOT101", m, 20, 1),
            f("SSOT101", m, 22, 5),
            f("SSOT101", m, 24, 5),
            f("SSOT101", m, 26, 5),
            f("SSOT101", m, 28, 5),
            f("SSOT101", m, 30, 5),
            f("SSOT101", m, 32, 5),
            f("SSOT101", m, 33, 1),
        ]
    );
    assert_eq!(
        r.messages[3],
        "module-level singleton: `x` holds an instance of `app.other.Engine` (`E(...)` at import time)"
    );
    assert_eq!(r.severities[0], "warning");
    assert_eq!(r.code, 1);
}

#[test]
fn ssot101_repeated_instances_are_a_value_table() {
    let src = "\
class Descriptor:
    pass

class Listed:
    pass

a = Descriptor()
b = Descriptor()
c = Listed()
d = Listed()
";
    let r = run(
        &[("m.py", src)],
        "[singletons]\nisolated = [\"m.Listed\"]\n",
    );
    assert_eq!(
        r.findings,
        vec![f("SSOT110", "m.py", 9, 1), f("SSOT110", "m.py", 10, 1)]
    );
}

#[test]
fn ssot101_negative_look_alikes() {
    let src = r#""""Docs: engine = Local() is how not to do it."""
import collections
from dataclasses import dataclass, field
from typing import NamedTuple, NewType, TypeVar
from collections import namedtuple, OrderedDict
from requests import Session
from app.other import MakeEngine, conf

# engine = Local()
class Local:
    pass

def Factory():
    return Local()

__all__ = ["Local"]
T = TypeVar("T")
UserId = NewType("UserId", int)
Point = namedtuple("Point", "x y")
Pair = NamedTuple("Pair", [("a", int)])
CACHE = dict()
SENTINEL = object()
NAMES = frozenset(["a"])
ORDER = OrderedDict()
COUNTS = collections.Counter()
MISSING = ValueError("missing")
made = Factory()
imported_function = MakeEngine()
method_call = conf.GetKeySet()
session = Session()
text = "engine = Local()"

def f():
    inner = Local()
    return inner

@dataclass
class Config:
    engine: Local = Local()
    other: Local = field(default_factory=Local)

if __name__ == "__main__":
    main_only = Local()
"#;
    let r = run(&[INIT, OTHER, ("app/m.py", src)], "");
    assert_eq!(r.findings, Vec::<Finding>::new(), "{:?}", r.messages);
    assert_eq!(r.code, 0);
}

#[test]
fn ssot101_scope_all_and_allow() {
    let src = "\
from requests import Session
import logging
session = Session()
client = Client()
log = logging.getLogger(__name__)
";
    let r = run(&[("m.py", src)], "[singletons]\nscope = \"all\"\n");
    assert_eq!(
        r.findings,
        vec![f("SSOT101", "m.py", 3, 1), f("SSOT101", "m.py", 4, 1)]
    );
    let r = run(
        &[("m.py", src)],
        "[singletons]\nscope = \"all\"\nallow = [\"requests.*\"]\n",
    );
    assert_eq!(r.findings, vec![f("SSOT101", "m.py", 4, 1)]);
    let r = run(&[("m.py", src)], "[singletons]\nscope = \"listed\"\n");
    assert_eq!(r.findings, Vec::<Finding>::new());
}

#[test]
fn ssot102_new_classmethod_staticmethod() {
    let src = "\
class ViaNew:
    _instance = None

    def __new__(cls, *args):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance


class ViaClassmethod:
    @classmethod
    def get_instance(cls):
        if not hasattr(cls, '_shared'):
            cls._shared = cls()
        return cls._shared


class ViaStaticmethod:
    @staticmethod
    def instance():
        if ViaStaticmethod._it is None:
            ViaStaticmethod._it = ViaStaticmethod()
        return ViaStaticmethod._it


class NotACache:
    _instance = None

    def __init__(self):
        self._instance = ViaNew()

    @classmethod
    def create(cls):
        return cls()


class ResetsAttribute:
    descr = None

    def __new__(cls):
        cls.descr = None
        return super().__new__(cls)
";
    let r = run(&[("m.py", src)], "");
    assert_eq!(
        r.findings,
        vec![
            f("SSOT102", "m.py", 1, 7),
            f("SSOT102", "m.py", 10, 7),
            f("SSOT102", "m.py", 18, 7),
        ]
    );
    assert_eq!(
        r.messages[1],
        "singleton class: `ViaClassmethod` caches its own instance in `_shared` (classmethod `get_instance`)"
    );
}

#[test]
fn ssot103_global_lazy_getter() {
    let src = "\
class Engine:
    def connect(self): self.connected = True

_engine = None

def get_engine():
    global _engine
    if _engine is None:
        _engine = Engine()
    return _engine

def local_only():
    engine = Engine()
    return engine

def global_but_not_instance():
    global _engine
    _engine = None

def main():
    global window
    window = Engine()

def setUpModule():
    global _engine
    _engine = Engine()
";
    let r = run(&[("m.py", src)], "");
    assert_eq!(r.findings, vec![f("SSOT103", "m.py", 9, 9)]);
    assert_eq!(
        r.messages[0],
        "global lazy singleton: `get_engine()` assigns global `_engine` an instance of `m.Engine`"
    );
}

#[test]
fn ssot104_cached_factories() {
    let src = "\
import functools
from functools import lru_cache, cache

class Engine:
    @lru_cache
    def shared(self):
        return Engine()
    def connect(self): self.connected = True

@lru_cache
def a():
    return Engine()

@lru_cache()
def b():
    return Engine()

@lru_cache(maxsize=1)
def c():
    return Engine()

@functools.cache
def d():
    return Engine()

@cache
def e():
    return Engine()

@lru_cache
def with_parameter(user):
    return Engine()

@lru_cache
def not_an_instance():
    return 42

def not_cached():
    return Engine()
";
    let r = run(&[("m.py", src)], "");
    assert_eq!(
        r.findings,
        vec![
            f("SSOT104", "m.py", 6, 9),
            f("SSOT104", "m.py", 11, 5),
            f("SSOT104", "m.py", 15, 5),
            f("SSOT104", "m.py", 19, 5),
            f("SSOT104", "m.py", 23, 5),
            f("SSOT104", "m.py", 27, 5),
        ]
    );
}

#[test]
fn ssot105_decorator_and_metaclass() {
    let src = "\
import utils
from abc import ABCMeta

@singleton
class A:
    pass

@utils.Singleton()
class B:
    pass

class C(Base, metaclass=SingletonMeta):
    pass

class D(metaclass=ABCMeta):
    pass

# @singleton
class E:
    '''@singleton'''
";
    let r = run(&[("m.py", src)], "");
    assert_eq!(
        r.findings,
        vec![
            f("SSOT105", "m.py", 5, 7),
            f("SSOT105", "m.py", 9, 7),
            f("SSOT105", "m.py", 12, 7),
        ]
    );
    assert_eq!(
        r.messages[2],
        "singleton class: `C` is made a singleton by metaclass `SingletonMeta`"
    );
}

#[test]
fn ssot110_isolated_classes_are_errors() {
    let engine = "\
class UserEngine:
    _instance = None

    def __new__(cls):
        cls._instance = super().__new__(cls)
        return cls._instance

@singleton
class UserSession:
    pass
";
    let user = "\
from functools import lru_cache
from app.engine import UserEngine as UE

shared = UE()
_e = None

def get():
    global _e
    _e = UE()

@lru_cache
def cached():
    return UE()
";
    let config =
        "[singletons]\nisolated = [\"app.engine.UserEngine\", \"app.engine.UserSession\"]\n";
    let r = run(
        &[INIT, ("app/engine.py", engine), ("app/user.py", user)],
        config,
    );
    let e = "app/engine.py";
    let u = "app/user.py";
    assert_eq!(
        r.findings,
        vec![
            f("SSOT110", e, 1, 7),
            f("SSOT110", e, 9, 7),
            f("SSOT110", u, 4, 1),
            f("SSOT110", u, 9, 5),
            f("SSOT110", u, 12, 5),
        ]
    );
    assert!(
        r.severities.iter().all(|s| s == "error"),
        "{:?}",
        r.severities
    );
    assert_eq!(
        r.messages[2],
        "module-level singleton: `shared` holds an instance of `app.engine.UserEngine` (`UE(...)` at import time); \
         `app.engine.UserEngine` is isolated (per-user state): one shared instance leaks state across users (SSOT101)"
    );
}

const FACTORY_CONFIG: &str = r#"
[factories."app.factory.EngineFactory"]
builds = ["app.engine.UserEngine"]
methods = ["create_instance", "close"]
allowed-in = ["tests/**"]
"#;

#[test]
fn ssot201_outside_and_inside_allowed_in() {
    let engine = "class UserEngine:\n    pass\n";
    let factory = "\
from app.engine import UserEngine

class EngineFactory:
    def create_instance(self):
        return UserEngine()

    def close(self):
        pass
";
    let service = "\
from app.engine import UserEngine as UE
import app.engine

def handle():
    a = UE()
    b = app.engine.UserEngine()
    return a, b
";
    let test = "from app.engine import UserEngine\n\ndef test_it():\n    UserEngine()\n";
    let r = run(
        &[
            INIT,
            ("app/engine.py", engine),
            ("app/factory.py", factory),
            ("app/service.py", service),
            ("tests/test_engine.py", test),
        ],
        FACTORY_CONFIG,
    );
    let s = "app/service.py";
    assert_eq!(
        r.findings,
        vec![f("SSOT201", s, 5, 9), f("SSOT201", s, 6, 9)]
    );
    assert_eq!(
        r.messages[0],
        "factory bypass: `app.engine.UserEngine` constructed directly (`UE(...)`); use `EngineFactory.create_instance()`"
    );
    assert_eq!(r.stderr, "");
}

#[test]
fn ssot202_missing_method_and_missing_factory_class() {
    let engine = "class UserEngine:\n    pass\n";
    let factory = "\
class EngineFactory:
    def create_instance(self):
        pass
";
    let r = run(
        &[INIT, ("app/engine.py", engine), ("app/factory.py", factory)],
        FACTORY_CONFIG,
    );
    assert_eq!(r.findings, vec![f("SSOT202", "app/factory.py", 1, 7)]);
    assert_eq!(
        r.messages[0],
        "factory contract: `app.factory.EngineFactory` lacks configured method `close`"
    );

    // The factory module does not exist: a config warning, no finding, no crash.
    let r = run(&[INIT, ("app/engine.py", engine)], FACTORY_CONFIG);
    assert_eq!(r.findings, Vec::<Finding>::new());
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("warning: ")
            && r.stderr.contains(
                "ssotlint.toml: factory class `app.factory.EngineFactory` is not defined in the project; SSOT202 skips it"
            ),
        "{}",
        r.stderr
    );
}

#[test]
fn ssot301_competing_definitions() {
    let config = r#"
[canonical]
"app.engine.UserEngine" = { legacy-names = ["Engine"] }
"#;
    let canonical = "class UserEngine:\n    pass\n";
    let legacy = "\
class UserEngine:
    pass

def Engine():
    pass

def helper():
    class UserEngine:
        pass
";
    let r = run(
        &[
            INIT,
            ("app/engine.py", canonical),
            ("app/legacy.py", legacy),
        ],
        config,
    );
    let l = "app/legacy.py";
    assert_eq!(
        r.findings,
        vec![f("SSOT301", l, 1, 7), f("SSOT301", l, 4, 5)]
    );
    assert_eq!(
        r.messages[1],
        "competing definition: function `Engine` (a legacy name) competes with canonical `app.engine.UserEngine`; import it from `app.engine`"
    );
}

#[test]
fn every_rule_has_a_doc_page() {
    for code in [
        "SSOT101", "SSOT102", "SSOT103", "SSOT104", "SSOT105", "SSOT110", "SSOT201", "SSOT202",
        "SSOT301",
    ] {
        let out = common::ssotlint(Path::new(env!("CARGO_MANIFEST_DIR")), &["rule", code]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0));
        assert!(
            text.contains("## What it does") && text.contains("## Why is this bad?"),
            "{code}"
        );
    }
}

const VALUES: (&str, &str) = (
    "app/values.py",
    r#"import enum
from dataclasses import dataclass
from typing import Dict, NamedTuple
from collections import namedtuple


class Point(NamedTuple):
    x: int
    y: int


class Color(enum.Enum):
    RED = 1


@dataclass(
    frozen=True,
)
class Money:
    amount: int


class Pair(namedtuple("Pair", "a b")):
    pass


class Sentinel:
    """A marker."""


class NullWriter:
    def write(self, text):
        return 0


class Style:
    __slots__ = ("_color", "_hash")

    def __init__(self, color=None):
        self._color = color
        self._hash = None

    def __hash__(self):
        if self._hash is None:
            self._hash = hash(self._color)
        return self._hash


@dataclass
class Settings:
    debug: bool = False


class Registry:
    def __init__(self):
        self._items = {}

    def register(self, name, item):
        self._items[name] = item


class Counter:
    def bump(self):
        self.count += 1


class Cache:
    def remember(self, key, value):
        self.store.setdefault(key, value)


class Lazy:
    def load(self, name):
        setattr(self, name, object())


class Local(Registry):
    pass


class Bag(Dict[str, int]):
    pass
"#,
);

#[test]
fn ssot101_value_stateless_and_constant_instances() {
    let constants = r#"import sys
from app.values import Point, Color, Money, Pair, Sentinel, NullWriter, Style, Settings
from app.values import Registry, Counter, Cache, Lazy, Local, Bag

ORIGIN = Point(0, 0)
red = Color(1)
zero = Money(0)
pair = Pair(1, 2)
_sentinel = Sentinel()
null = NullWriter()
NULL_STYLE = Style()
SETTINGS = Settings()
REGISTRY = Registry()
counter = Counter()
cache = Cache()
lazy = Lazy()
local = Local()
BAG = Bag()

if sys.platform != "win32" and __name__ == "__main__":
    script = Registry()
"#;
    let lowercase = r#"from app.values import Style, Settings, Point


class NoChange:
    pass


class Pool:
    def take(self):
        return self.free.pop()


NO_CHANGE = NoChange()
style = Style()
settings = Settings()
pool = Pool()
_origin = None


def get_origin():
    global _origin
    _origin = Point(0, 0)
    return _origin
"#;
    let r = run(
        &[
            INIT,
            VALUES,
            ("app/constants.py", constants),
            ("app/lowercase.py", lowercase),
        ],
        "",
    );
    assert_eq!(
        r.findings,
        vec![
            f("SSOT101", "app/constants.py", 13, 1),
            f("SSOT101", "app/constants.py", 14, 1),
            f("SSOT101", "app/constants.py", 15, 1),
            f("SSOT101", "app/constants.py", 16, 1),
            f("SSOT101", "app/constants.py", 17, 1),
            f("SSOT101", "app/constants.py", 18, 1),
            f("SSOT101", "app/lowercase.py", 14, 1),
            f("SSOT101", "app/lowercase.py", 15, 1),
            f("SSOT101", "app/lowercase.py", 16, 1),
        ],
        "{:?}",
        r.messages
    );
    assert_eq!(
        r.messages[0],
        "module-level singleton: `REGISTRY` holds an instance of `app.values.Registry` (`Registry(...)` at import time)"
    );
    assert_eq!(r.code, 1);

    // A listed class counts whatever it holds.
    let listed = run(
        &[
            INIT,
            VALUES,
            (
                "app/m.py",
                "from app.values import Sentinel\n\n_sentinel = Sentinel()\n",
            ),
        ],
        "[singletons]\nisolated = [\"app.values.Sentinel\"]\n",
    );
    assert_eq!(listed.findings, vec![f("SSOT110", "app/m.py", 3, 1)]);
}
