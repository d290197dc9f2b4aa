#!/usr/bin/env python3
"""Print every import circle among the source files under src/ and exit 1 if there is one.

A file depends on another when it names an item there: `use crate::…`, `use super::…`,
an inline `crate::a::b` path, or (in a parent module) `child::item`. Paths resolve to
the deepest module file that exists, so `crate::rules::registry::Rule` is
`rules/registry.rs` while a re-export such as `crate::project::FsFiles` counts as
`project.rs`. Unit-test modules (`#[cfg(test)] mod tests`) are left out.
Usage: python3 scripts/import_circles.py [SRC]
"""

import os
import re
import sys


def module_path(rel):
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts


def expand(prefix, body):
    """`a::{b, c::{d, e}}` (the part inside the outer braces) → lists of path segments."""
    items, depth, current = [], 0, ""
    for ch in body:
        depth += (ch == "{") - (ch == "}")
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    out = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        group = re.match(r"^([\w:]*?)::\{(.*)\}$", item, re.S)
        if group:
            out += expand(prefix + group.group(1).split("::"), group.group(2))
        elif item.startswith("{") and item.endswith("}"):
            out += expand(prefix, item[1:-1])
        else:
            out.append(prefix + item.split("::"))
    return out


def use_paths(spec):
    """One `use` tree (whitespace removed) → lists of path segments."""
    group = re.match(r"^([\w:]*?)::\{(.*)\}$", spec, re.S)
    if group:
        return expand(group.group(1).split("::"), group.group(2))
    return [spec.split("::")]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    files[os.path.relpath(path, root).replace(os.sep, "/")] = f.read()
    modules = {tuple(module_path(rel)): rel for rel in files if rel != "main.rs"}

    def resolve(parts):
        parts = [p for p in parts if p and p != "self"]
        for n in range(len(parts), 0, -1):
            if tuple(parts[:n]) in modules:
                return modules[tuple(parts[:n])], parts[n:]
        return None, parts

    edges = {}
    for rel, text in files.items():
        cut = text.find("#[cfg(test)]\nmod tests")
        text = re.sub(r"//[^\n]*", "", text if cut < 0 else text[:cut])
        me = [] if rel == "main.rs" else module_path(rel)
        if rel == "main.rs":
            text = text.replace("ssotlint::", "crate::")
        paths = []
        for m in re.finditer(r"\buse\s+((?:crate|super|self)::[^;]*);", text, re.S):
            paths += use_paths(re.sub(r"\s+", "", re.sub(r"\s+as\s+\w+", "", m.group(1))))
        for m in re.finditer(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?mod\s+(\w+)\s*;", text, re.M):
            child = m.group(1)
            for use in re.finditer(r"\buse\s+" + child + r"::([^;]*);", text, re.S):
                spec = re.sub(r"\s+", "", re.sub(r"\s+as\s+\w+", "", use.group(1)))
                paths += use_paths("self::" + child + "::" + spec)
            for inline in re.finditer(r"(?<![\w:])" + child + r"((?:::\w+)+)", text):
                paths.append(["self", child] + inline.group(1).split("::")[1:])
        for m in re.finditer(r"\b((?:crate|super)(?:::\w+)+)", re.sub(r"\buse\s+[^;]*;", "", text, flags=re.S)):
            paths.append(m.group(1).split("::"))
        for p in paths:
            if p[0] == "crate" or (p[0] == "self" and rel in ("lib.rs", "main.rs")):
                target = p[1:]
            elif p[0] == "super":
                target = me[:-1] + p[1:]
            elif p[0] == "self":
                target = me + p[1:]
            else:
                continue
            found, rest = resolve(target)
            if found and found != rel:
                edges.setdefault(rel, {}).setdefault(found, set()).add("::".join(rest) or "*")

    # Tarjan's strongly connected components, iteratively.
    index, low, on_stack, stack, circles = {}, {}, set(), [], []
    for start in sorted(files):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    for component in circles:
        print(f"circle of {len(component)} files:")
        for a in component:
            for b, names in sorted(edges.get(a, {}).items()):
                if b in component:
                    print(f"  {a} -> {b} ({', '.join(sorted(names))})")
    if not circles:
        print("no import circles")
    return 1 if circles else 0


if __name__ == "__main__":
    sys.exit(main())
