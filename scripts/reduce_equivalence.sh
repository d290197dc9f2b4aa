#!/usr/bin/env bash
# The fast path (prefilter, body reducer: src/prefilter.rs, src/reduce/) must never
# change a result. This runs
#   ssotlint check --output-format json .                 (fast path, the default)
#   ssotlint check --output-format json --no-fast-path .  (every file parsed whole)
# on a copy of the installed CPython standard library, on a synthetic 10k-file
# corpus and on any directories given as arguments (checked with the stdlib copy's
# config: e.g. a venv's site-packages), for the whole rule set and for each rule
# family alone, and diffs the outputs. Exit 0 when every pair is byte-identical,
# 1 otherwise.
#
# Measured 2026-11-30 (precise body needles on python::scan) with a venv's
# site-packages holding django, numpy and sqlalchemy as the argument: 27 pairs,
# 0 differences.
# Re-run after statement-level blanking (import-only bodies, literal tables), on a loaded
# machine, for a subset: the stdlib with all 10 selections, the site-packages and the
# corpus with the default selection and all rules: 14 pairs, 0 differences.
# Re-run 2026-11-30 after comments came from the scanner on every path (issue 16), the
# stdlib and the corpus with all 10 selections: 20 pairs, 0 differences.
#
# Trees are shared with bench/check_vs_ruff.sh (bench/out/stdlib, bench/out/corpus)
# and created here when missing. Environment: SSOTLINT=PATH (default: build
# target/release/ssotlint), FILES=N (corpus size, default 10000), PYTHON.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/bench/out"
python="${PYTHON:-python3}"
files="${FILES:-10000}"
mkdir -p "$out"

if [ -n "${SSOTLINT:-}" ]; then
    ssotlint="$SSOTLINT"
else
    (cd "$root" && cargo build --release --quiet)
    ssotlint="$root/target/release/ssotlint"
fi

stdlib="$out/stdlib"
if [ ! -f "$stdlib/ssotlint.toml" ]; then
    src="$("$python" -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")"
    "$python" - "$src" "$stdlib" <<'PY'
import os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
for dirpath, dirnames, filenames in os.walk(src):
    dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "dist-packages", "__pycache__"))
    rel = os.path.relpath(dirpath, src)
    for name in sorted(filenames):
        if name.endswith(".py"):
            os.makedirs(os.path.join(dst, rel), exist_ok=True)
            shutil.copyfile(os.path.join(dirpath, name), os.path.join(dst, rel, name))
abc = ("AsyncGenerator AsyncIterable AsyncIterator Awaitable Callable Collection Container "
       "Coroutine Generator Hashable ItemsView Iterable Iterator KeysView Mapping MappingView "
       "MutableMapping MutableSequence MutableSet Reversible Sequence Sized ValuesView").split()
with open(os.path.join(dst, "ssotlint.toml"), "w") as f:
    f.write('[project]\nsrc = ["."]\n\n[canonical]\n')
    for name in abc:
        f.write(f'"collections.abc.{name}" = {{ legacy-modules = ["typing"], allow-alias = true }}\n')
PY
fi

corpus="$out/corpus"
if [ ! -f "$corpus/ssotlint.toml" ]; then
    "$python" "$root/scripts/gen_corpus.py" "$corpus" --files "$files" --seed 1
fi

source "$root/scripts/compare_runs.sh"
for dir in "$stdlib" "$corpus" "$@"; do
    config=ssotlint.toml
    [ -f "$dir/ssotlint.toml" ] || config="$stdlib/ssotlint.toml"
    for select in default "" SSOT0 SSOT101 SSOT102 SSOT103 SSOT104 SSOT105 SSOT2 SSOT301; do
        # "default": the default selection, SSOT000 on (only files the recognizer calls
        # certainly valid take the fast path); the others with SSOT000 off.
        args=(check --no-cache --config "$config" --output-format json)
        case "$select" in
            default) ;;
            "") args+=(--ignore SSOT000) ;;
            *) args+=(--ignore SSOT000 --select "$select") ;;
        esac
        first=("$ssotlint" "${args[@]}" --no-fast-path .)
        second=("$ssotlint" "${args[@]}" .)
        compare "$(basename "$dir") ${select:-all rules}" "$dir"
    done
done
finish reduce_equivalence
