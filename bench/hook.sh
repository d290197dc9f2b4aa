#!/usr/bin/env bash
# Pre-commit mode benchmark (DESIGN.md quality bar: 3 staged files, under 50 ms wall,
# flat as the repository grows). For each synthetic repository size it stages 3
# modified files and times `ssotlint check --staged` next to `git diff --cached
# --name-only` with hyperfine.
#
#   bench/hook.sh                 # sizes 1000 10000 50000, release binary
#   SIZES="1000 10000" bench/hook.sh
#   SSOTLINT_BIN=/path/to/ssotlint BENCH_DIR=/tmp/b bench/hook.sh
#
# Repositories are generated once under $BENCH_DIR (default target/bench-hook) with
# /work/main/scripts/gen_corpus.py (or scripts/gen_corpus.py in this checkout), else a
# small built-in generator, and reused on later runs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSOTLINT_BIN:-$root/target/release/ssotlint}
work=${BENCH_DIR:-$root/target/bench-hook}
sizes=${SIZES:-"1000 10000 50000"}
runs=${RUNS:-30}

command -v hyperfine >/dev/null || { echo "hyperfine is missing (apt-get install -y hyperfine)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no ssotlint binary at $bin (cargo build --release)" >&2; exit 2; }

gen=""
for candidate in "$root/scripts/gen_corpus.py" /work/main/scripts/gen_corpus.py; do
    if [ -f "$candidate" ]; then gen=$candidate; break; fi
done

# Built-in fallback: N small modules in nested packages, one commit.
tiny_gen() {
    python3 - "$1" "$2" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(out, "pkg", f"d{i // 1000}", f"s{(i // 50) % 20}")
    os.makedirs(d, exist_ok=True)
    for p in (os.path.join(out, "pkg"), os.path.join(out, "pkg", f"d{i // 1000}"), d):
        open(os.path.join(p, "__init__.py"), "a").close()
    with open(os.path.join(d, f"m{i}.py"), "w") as f:
        f.write(f"import os\nfrom pkg.d0.s0 import m0\n\n\ndef f{i}(x):\n    return os.path.join(str(x), 'a')\n" * 10)
with open(os.path.join(out, "ssotlint.toml"), "w") as f:
    f.write('[legacy-modules]\n"pkg.old" = "pkg.d0"\n')
PY
    git -C "$1" init -q -b main
    git -C "$1" add -A
    git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -q -m corpus
}

mkdir -p "$work"
printf "%-8s %-34s %10s %10s %10s\n" files command mean_ms stddev_ms max_ms
for n in $sizes; do
    repo=$work/repo-$n
    if [ ! -d "$repo/.git" ]; then
        rm -rf "$repo"
        if [ -n "$gen" ]; then
            python3 "$gen" "$repo" --files "$n" --git >/dev/null
        else
            mkdir -p "$repo" && tiny_gen "$repo" "$n"
        fi
    fi
    git -C "$repo" reset -q --hard HEAD
    # Three tracked files spread over the tree, each with one appended line, staged.
    mapfile -t picked < <(git -C "$repo" ls-files '*.py' | awk -v n="$n" 'NR == int(n/4) || NR == int(n/2) || NR == int(3*n/4)')
    for f in "${picked[@]}"; do
        printf '\nbench_marker = 1\n' >>"$repo/$f"
        git -C "$repo" add "$f"
    done
    [ "$(git -C "$repo" diff --cached --name-only | wc -l)" -eq 3 ] || { echo "expected 3 staged files in $repo" >&2; exit 2; }
    json=$work/hook-$n.json
    (cd "$repo" && hyperfine -N -i --warmup 5 --runs "$runs" --export-json "$json" \
        "$bin check --staged" "git diff --cached --name-only" >/dev/null)
    python3 - "$json" "$n" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for r in data["results"]:
    cmd = r["command"].split("/")[-1]
    print(f"{sys.argv[2]:<8} {cmd:<34} {r['mean']*1000:10.2f} {r['stddev']*1000:10.2f} {r['max']*1000:10.2f}")
PY
    git -C "$repo" reset -q --hard HEAD
done
