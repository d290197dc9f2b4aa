#!/usr/bin/env bash
# SSOT000 (invalid-syntax) against CPython's own parser: check a copy of the installed
# standard library (site-packages excluded) with `--select SSOT000`, then `compile()`
# every flagged file with the same Python. A flagged file that compiles is a false
# positive (tree-sitter-python not knowing some syntax); one that does not is a true
# positive (the stdlib's test suite keeps deliberately broken files).
# Usage: scripts/syntax_false_positives.sh [WORKDIR]   (SSOTLINT=path/to/binary, PYTHON=python3)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SSOTLINT:-$here/target/debug/ssotlint}"
python="${PYTHON:-python3}"
work="${1:-/tmp/syntax-false-positives}"
stdlib="$("$python" -c "import sysconfig;print(sysconfig.get_paths()['stdlib'])")"
if [ ! -d "$work/stdlib" ]; then
  mkdir -p "$work/stdlib"
  (cd "$stdlib" && tar --exclude=./site-packages --exclude=__pycache__ -cf - .) | (cd "$work/stdlib" && tar -xf -)
fi
cd "$work/stdlib"
set +e
"$bin" check --no-cache --select SSOT000 --output-format json . > "$work/ssot000.json" 2> "$work/stderr.txt"
status=$?
set -e
if [ "$status" -gt 1 ]; then cat "$work/stderr.txt"; exit "$status"; fi
"$python" - "$work/ssot000.json" "$("$python" -V)" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
files = sorted({r["filename"] for r in rows})
checked = sum(1 for _ in open(sys.argv[1])) and None
false_pos, true_pos = [], []
for f in files:
    try:
        compile(open(f, "rb").read(), f, "exec")
        false_pos.append(f)
    except (SyntaxError, ValueError):
        true_pos.append(f)
print(f"{sys.argv[2]}: {len(rows)} SSOT000 findings in {len(files)} files")
print(f"  CPython cannot compile {len(true_pos)} of them (true positives)")
print(f"  CPython compiles {len(false_pos)} of them (false positives)")
for f in false_pos:
    print(f"    false positive: {f}")
PY
