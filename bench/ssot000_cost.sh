#!/usr/bin/env bash
# What reporting syntax errors (SSOT000) costs a whole-tree check: a syntax error can be
# in any function body, so with SSOT000 on the body reducer blanks nothing and every
# file is parsed in full. Compares `check` with `check --ignore SSOT000` (reducer on) on
# a copy of the installed CPython stdlib, RUNS times each, alternating, and prints the
# median wall time of each.
# Usage: bench/ssot000_cost.sh [WORKDIR]   (SSOTLINT=path/to/binary, RUNS=7)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SSOTLINT:-$here/target/release/ssotlint}"
runs="${RUNS:-7}"
work="${1:-$here/bench/out}"
stdlib="$(python3 -c "import sysconfig;print(sysconfig.get_paths()['stdlib'])")"
tree="$work/stdlib-ssot000"
if [ ! -d "$tree" ]; then
  mkdir -p "$tree"
  (cd "$stdlib" && tar --exclude=./site-packages --exclude=__pycache__ -cf - .) | (cd "$tree" && tar -xf -)
fi
cd "$tree"
python3 - "$bin" "$runs" <<'PY'
import statistics, subprocess, sys, time
binary, runs = sys.argv[1], int(sys.argv[2])
variants = {
    "check (SSOT000 on, every body parsed)": [binary, "check", "--output-format", "concise", "."],
    "check --ignore SSOT000 (body reducer on)": [binary, "check", "--output-format", "concise", "--ignore", "SSOT000", "."],
}
times = {name: [] for name in variants}
for _ in range(runs):
    for name, cmd in variants.items():
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[name].append(time.perf_counter() - start)
for name, t in times.items():
    print(f"{name}: median {statistics.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f}, {runs} runs)")
PY
