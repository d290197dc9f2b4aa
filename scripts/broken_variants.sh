#!/usr/bin/env bash
# Broken copies of real code (issue 11): a text the recognizer is unsure of is linted
# chunk by chunk (`check::lint_mended`) and its chunks are lent to the project index
# (`ModuleIndex::lend`). This makes such texts from every $STEP-th module of
# bench/out/stdlib (`bench/check_vs_ruff.sh` creates it), in four trees of the same
# layout, one change each, at a seeded random place: `delete` (one byte deleted),
# `duplicate` (one line duplicated), `paren` (a `(` put at a line's start, or the line
# indented by one space, alternately), `quote` (a `"""` put at a line's start: a string
# left open swallows the chunks below it when the text is lexed whole). Each tree is checked with the fast path and with
# `--no-fast-path`, and with OTHER_BINARY when given (say, main's); exit 0 when every
# pair prints the same, exit code included.
#
#   scripts/broken_variants.sh BINARY [OTHER_BINARY]     STEP=5 SEED=1
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BINARY [OTHER_BINARY]" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(realpath "$1")"
other="${2:+$(realpath "$2")}"
stdlib="$root/bench/out/stdlib"
[ -f "$stdlib/ssotlint.toml" ] || { echo "no $stdlib: run bench/check_vs_ruff.sh" >&2; exit 2; }
out="$root/bench/out/broken"
rm -rf "$out"
python3 - "$stdlib" "$out" "${STEP:-5}" "${SEED:-1}" <<'PY'
import os, random, shutil, sys
src, out, step, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
files = sorted(os.path.relpath(os.path.join(d, n), src)
               for d, _, names in os.walk(src) for n in names if n.endswith(".py"))
kinds = ("delete", "duplicate", "paren", "quote")
for kind in kinds:
    os.makedirs(os.path.join(out, kind))
    shutil.copy(os.path.join(src, "ssotlint.toml"), os.path.join(out, kind))
for i, rel in enumerate(files[::step]):
    with open(os.path.join(src, rel), encoding="utf-8", errors="replace") as f:
        text = f.read()
    lines = text.splitlines(keepends=True) or [""]
    for kind in kinds:
        if kind == "delete" and text:
            at = rng.randrange(len(text))
            changed = text[:at] + text[at + 1:]
        elif kind == "duplicate":
            at = rng.randrange(len(lines))
            changed = "".join(lines[:at + 1] + lines[at:])
        elif kind == "quote":
            at = rng.randrange(len(lines))
            changed = "".join(lines[:at] + ['"""' + lines[at]] + lines[at + 1:])
        else:
            at = rng.randrange(len(lines))
            mark = "(" if i % 2 == 0 else " "
            changed = "".join(lines[:at] + [mark + lines[at]] + lines[at + 1:])
        path = os.path.join(out, kind, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(changed)
print(f"{len(files[::step])} modules, {len(kinds)} variants each, in {out}")
PY
source "$root/scripts/compare_runs.sh"
for kind in delete duplicate paren quote; do
    first=("$bin" check --no-cache --output-format json .)
    second=("$bin" check --no-cache --no-fast-path --output-format json .)
    compare "$kind: fast path vs --no-fast-path" "$out/$kind"
    if [ -n "$other" ]; then
        first=("$other" check --no-cache --output-format json .)
        second=("$bin" check --no-cache --output-format json .)
        compare "$kind: OTHER_BINARY vs BINARY" "$out/$kind"
    fi
done
finish broken_variants
