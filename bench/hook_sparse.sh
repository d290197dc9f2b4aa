#!/usr/bin/env bash
# Cost of the sparse-index expansion: `ssotlint hook` with one staged file in a
# repository of N small files, once with a full index and once as a sparse checkout
# (`--sparse-index`, everything but `app/` collapsed into directory entries that
# ssotlint expands from their trees). Mean wall time of RUNS runs each (no hyperfine
# needed: a plain loop, timed by python).
#
#   bench/hook_sparse.sh                       # N=10000, RUNS=20, target/release/ssotlint
#   N=50000 SSOTLINT_BIN=/path/to/ssotlint bench/hook_sparse.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSOTLINT_BIN:-$root/target/release/ssotlint}
work=${BENCH_DIR:-$root/target/bench-hook-sparse}
n=${N:-10000}
runs=${RUNS:-20}
[ -x "$bin" ] || { echo "no ssotlint binary at $bin (cargo build --release)" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work/full"
python3 - "$work/full" "$n" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(out, "pkg", f"d{i // 500}", f"s{(i // 50) % 10}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"m{i}.py"), "w") as f:
        f.write(f"import os\n\n\ndef f{i}(x):\n    return os.path.join(str(x), 'a')\n")
os.makedirs(os.path.join(out, "app"), exist_ok=True)
open(os.path.join(out, "app", "a.py"), "w").write("x = 1\n")
PY
g() { git -C "$1" -c user.name=b -c user.email=b@example.com "${@:2}"; }
g "$work/full" init -q -b main
g "$work/full" config gc.auto 0
g "$work/full" add -A
g "$work/full" commit -q -m corpus
git clone -q "$work/full" "$work/sparse"
g "$work/sparse" sparse-checkout set --cone --sparse-index app
for repo in full sparse; do
    echo 'y = 2' >>"$work/$repo/app/a.py"
    g "$work/$repo" add app/a.py
done
printf "%-8s %8s %12s\n" index entries mean_ms
for repo in full sparse; do
    entries=$(git -C "$work/$repo" ls-files --sparse | wc -l)
    mean=$(python3 - "$bin" "$work/$repo" "$runs" <<'PY'
import subprocess, sys, time
binary, repo, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(3):
    subprocess.run([binary, "hook"], cwd=repo, stdout=subprocess.DEVNULL)
start = time.perf_counter()
for _ in range(runs):
    subprocess.run([binary, "hook"], cwd=repo, stdout=subprocess.DEVNULL)
print(f"{(time.perf_counter() - start) / runs * 1000:.1f}")
PY
)
    printf "%-8s %8s %12s\n" "$repo" "$entries" "$mean"
done
