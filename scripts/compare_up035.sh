#!/usr/bin/env bash
# Real-code check of `ssotlint check --fix` against a peer: migrate `typing` aliases to
# `collections.abc` over a copy of the installed CPython standard library, the job ruff's
# UP035 (deprecated-import) fixes. Asserts 0 broken files (CPython compiles every changed
# file) and 0 fixes left on a second run, then compares the imports both tools wrote.
#
#   scripts/compare_up035.sh [SCRATCH_DIR]
#
# Env: SSOTLINT (binary; default target/release or target/debug, built if missing),
# RUFF (binary; default bench/.venv/bin/ruff, else a scratch venv with ruff from PyPI),
# PYTHON (default python3).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
scratch="${1:-$(mktemp -d /tmp/ssotlint-up035.XXXXXX)}"
mkdir -p "$scratch"

ssotlint="${SSOTLINT:-}"
if [ -z "$ssotlint" ]; then
    for candidate in "$repo/target/release/ssotlint" "$repo/target/debug/ssotlint"; do
        if [ -x "$candidate" ]; then ssotlint="$candidate"; break; fi
    done
fi
if [ -z "$ssotlint" ]; then
    (cd "$repo" && cargo build --quiet)
    ssotlint="$repo/target/debug/ssotlint"
fi

ruff="${RUFF:-}"
if [ -z "$ruff" ] && [ -x "$repo/bench/.venv/bin/ruff" ]; then ruff="$repo/bench/.venv/bin/ruff"; fi
if [ -z "$ruff" ]; then
    "$python" -m venv "$scratch/venv"
    "$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check ruff
    ruff="$scratch/venv/bin/ruff"
fi

stdlib="$("$python" -c "import sysconfig;print(sysconfig.get_paths()['stdlib'])")"
echo "stdlib:   $stdlib"
echo "ssotlint: $ssotlint"
echo "ruff:     $("$ruff" --version)"
echo "scratch:  $scratch"

# The names UP035 moves from `typing` to `collections.abc` (target py311). `Set` is left
# out on purpose: `typing.Set` is an alias of the builtin `set`, not `collections.abc.Set`.
names="AsyncGenerator AsyncIterable AsyncIterator Awaitable ByteString Callable Collection
Container Coroutine Generator Hashable ItemsView Iterable Iterator KeysView Mapping
MappingView MutableMapping MutableSequence MutableSet Reversible Sequence Sized ValuesView"
# Runs both tools on a copy of $work/orig and compares (exit 1 on a broken file).
compare() {
    local work="$1"
    rm -rf "$work/ssot" "$work/ruff"
    cp -r "$work/orig" "$work/ssot"
    cp -r "$work/orig" "$work/ruff"
    {
        echo '[project]'
        echo 'src = ["."]'
        echo '[canonical]'
        for n in $names; do echo "\"collections.abc.$n\" = { legacy-modules = [\"typing\"] }"; done
    } > "$work/ssot/ssotlint.toml"

    run_ssot() {
        (cd "$work/ssot" && "$ssotlint" check --fix --select SSOT001 --output-format concise . 2>/dev/null \
            | grep -E '^Fixed [0-9]+, [0-9]+ left$' || true)
    }
    first="$(run_ssot)"
    second="$(run_ssot)"
    (cd "$work/ruff" && "$ruff" check --isolated --no-cache --target-version py311 --select UP035 --fix \
        --exit-zero --quiet . >/dev/null 2>&1 || true)
    "$python" - "$work" "$first" "$second" $names <<'PY'
import ast, difflib, os, subprocess, sys

scratch, first, second, names = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
print(f"\n## {os.path.basename(scratch)}")
orig, ssot, ruff = (os.path.join(scratch, d) for d in ("orig", "ssot", "ruff"))

def read(root, rel):
    with open(os.path.join(root, rel), "rb") as f:
        return f.read()

changed = {"ssot": [], "ruff": []}
rels = []
for dirpath, _, files in os.walk(orig):
    for f in files:
        if f.endswith(".py"):
            rels.append(os.path.relpath(os.path.join(dirpath, f), orig))
rels.sort()
for rel in rels:
    o = read(orig, rel)
    for tool, root in (("ssot", ssot), ("ruff", ruff)):
        if read(root, rel) != o:
            changed[tool].append(rel)

def broken(root, files):
    bad = []
    for rel in files:
        path = os.path.join(root, rel)
        r = subprocess.run([sys.executable, "-c",
            "import sys; f=sys.argv[1]; compile(open(f,'rb').read(), f, 'exec')", path],
            capture_output=True)
        if r.returncode != 0:
            bad.append((rel, r.stderr.decode(errors="replace").strip().splitlines()[-1:]))
    return bad

def bindings(src):
    """(scope path, module, name, asname) for every `from typing|collections.abc import` name."""
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return None
    out = set()
    def walk(node, scope):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                walk(child, scope + (child.name,))
            elif isinstance(child, ast.ImportFrom) and child.module in ("typing", "collections.abc"):
                for a in child.names:
                    if a.name in names:
                        out.add((".".join(scope), child.module, a.name, a.asname))
                walk(child, scope)
            else:
                walk(child, scope)
    walk(tree, ())
    return out

def normalized(bs):
    return {(scope, "collections.abc", name, alias) for scope, _, name, alias in bs}

def leftovers(bs):
    return [b for b in bs if b[1] == "typing"]

left_names = {"ssot": 0, "ruff": 0}
for rel in rels:
    for tool, root in (("ssot", ssot), ("ruff", ruff)):
        b = bindings(read(root, rel))
        left_names[tool] += len(leftovers(b or set()))
left_behind = {"ssot": 0, "ruff": 0}

bad_ssot = broken(ssot, changed["ssot"])
bad_ruff = broken(ruff, changed["ruff"])
both = sorted(set(changed["ssot"]) | set(changed["ruff"]))
identical = same_bindings = 0
only = {"ssot": [], "ruff": []}
differ = []
for rel in both:
    s, r = read(ssot, rel), read(ruff, rel)
    if s == r:
        identical += 1
        continue
    bs, br = bindings(s), bindings(r)
    if bs == br:
        same_bindings += 1
    elif bs is not None and br is not None and normalized(bs) == normalized(br):
        # Same result once the names a tool left in `typing` are counted as moved.
        left_behind[("ssot" if leftovers(bs) else "ruff")] += 1
    elif rel not in changed["ruff"]:
        only["ssot"].append(rel)
    elif rel not in changed["ssot"]:
        only["ruff"].append(rel)
    else:
        differ.append(rel)

print()
print(f"files (.py, site-packages excluded): {len(rels)}")
print(f"ssotlint --fix, first run:  {first or 'no summary line'}")
print(f"ssotlint --fix, second run: {second or 'no summary line'}")
print(f"files changed: ssotlint {len(changed['ssot'])}, ruff {len(changed['ruff'])}")
print(f"broken after fix (CPython compile): ssotlint {len(bad_ssot)}, ruff {len(bad_ruff)}")
for rel, err in bad_ssot:
    print(f"  ssotlint broke {rel}: {err}")
print(f"changed by either: {len(both)}; byte-identical results: {identical}; "
      f"same imported bindings, different text: {same_bindings}")
print(f"listed names still imported from typing after the fix: ssotlint {left_names['ssot']}, "
      f"ruff {left_names['ruff']}")
print(f"same bindings once those leftovers count as moved: left by ruff {left_behind['ruff']} files, "
      f"left by ssotlint {left_behind['ssot']} files")
print(f"changed only by ssotlint: {len(only['ssot'])}; only by ruff: {len(only['ruff'])}; "
      f"both, different bindings: {len(differ)}")
shown = 0
for label, files in (("only ssotlint", only["ssot"]), ("only ruff", only["ruff"]), ("different", differ)):
    for rel in files[:3]:
        print(f"\n== {label}: {rel} (ssotlint vs ruff)")
        diff = difflib.unified_diff(read(ssot, rel).decode(errors="replace").splitlines(),
                                    read(ruff, rel).decode(errors="replace").splitlines(),
                                    "ssotlint", "ruff", lineterm="", n=1)
        print("\n".join(list(diff)[:30]))
if bad_ssot or "0 left" not in second:
    sys.exit(1)
PY
}

status=0
rm -rf "$scratch/stdlib" && mkdir -p "$scratch/stdlib/orig"
# Python sources only, site-packages and bytecode caches left out.
(cd "$stdlib" && find . \( -name site-packages -o -name __pycache__ \) -prune -o -name '*.py' -print0 \
    | tar --null -cf - -T -) | tar -xf - -C "$scratch/stdlib/orig"
compare "$scratch/stdlib" || status=1

# A synthetic corpus: every import form, in every kind of block, mixed with names that stay.
rm -rf "$scratch/synthetic" && mkdir -p "$scratch/synthetic/orig"
"$python" - "$scratch/synthetic/orig" <<'PY'
import os, random, sys
out = sys.argv[1]
rng = random.Random(35)
moving = ["Mapping", "Sequence", "Iterable", "Iterator", "Callable", "MutableMapping", "Awaitable",
          "Generator", "Hashable", "Sized", "Container", "Collection", "Reversible", "AsyncIterator"]
staying = ["Any", "Optional", "Union", "TypeVar", "Dict", "List", "cast", "overload", "NamedTuple"]

def names():
    picked = rng.sample(moving, rng.randint(1, 3)) + rng.sample(staying, rng.randint(0, 3))
    rng.shuffle(picked)
    return [n + (f" as {n[:2]}{i}" if rng.random() < 0.15 else "") for i, n in enumerate(picked)]

def statement(indent):
    ns = names()
    form = rng.choice(["line", "paren", "paren_comments", "backslash"])
    if form == "line":
        return f"{indent}from typing import {', '.join(ns)}\n"
    if form == "backslash":
        return f"{indent}from typing import {ns[0]}" + "".join(f", \\\n{indent}    {n}" for n in ns[1:]) + "\n"
    body = "".join(f"{indent}    {n},{'  # about ' + n.split()[0] if form == 'paren_comments' and rng.random() < 0.5 else ''}\n" for n in ns)
    return f"{indent}from typing import (\n{body}{indent})\n"

for i in range(300):
    parts = ['"""Synthetic module %d."""\n' % i]
    if rng.random() < 0.3:
        parts.append("from collections.abc import Sized\n")
    parts.append(statement(""))
    block = rng.choice(["def", "try", "typecheck", "class", "none"])
    if block == "def":
        parts.append("\n\ndef f():\n" + statement("    ") + "    return None\n")
    elif block == "try":
        parts.append("\ntry:\n" + statement("    ") + "except ImportError:\n    pass\n")
    elif block == "typecheck":
        parts.append("\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n" + statement("    "))
    elif block == "class":
        parts.append("\n\nclass C:\n" + statement("    ") + "    x = 1\n")
    parts.append("\nVALUE = 1  # untouched\n")
    with open(os.path.join(out, f"mod_{i:03}.py"), "w", newline="\r\n" if i % 10 == 0 else "\n") as f:
        f.write("".join(parts))
PY
compare "$scratch/synthetic" || status=1
exit $status
