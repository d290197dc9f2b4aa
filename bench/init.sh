#!/usr/bin/env bash
# `ssotlint init` on a large real code base against a cold `ssotlint check` of the same
# tree (issue 15's bar: init within 3x the check). The tree is Django's installed
# package (site-packages/django, about 900 files), copied under bench/out/init/tree so
# that `django` is a first-party package of the project root.
#   SSOTLINT=PATH   binary (default: target/release/ssotlint, built if missing)
#   RUNS=N          timed runs of each command (default 5; the median is reported)
#   DJANGO=VERSION  Django version to install (default 5.2.*)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SSOTLINT:-$root/target/release/ssotlint}"
[ -x "$bin" ] || (cd "$root" && cargo build --release --quiet)
out="$root/bench/out/init"
venv="$out/venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "django==${DJANGO:-5.2.*}"
fi
site="$("$venv/bin/python" -c 'import django, os; print(os.path.dirname(os.path.dirname(django.__file__)))')"
tree="$out/tree"
rm -rf "$tree" && mkdir -p "$tree"
cp -r "$site/django" "$tree/django"
echo "django $("$venv/bin/python" -c 'import django; print(django.__version__)'): $(find "$tree" -name '*.py' | wc -l) .py files"
echo "ssotlint: $bin ($("$bin" --version))"

# Median wall time of a command run in the tree, over RUNS runs after one warm-up (the OS
# page cache is warm; neither command reuses earlier results: no cache, no config).
median() {
    python3 - "$tree" "${RUNS:-5}" "$@" <<'PY'
import statistics, subprocess, sys, time
tree, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def once():
    t = time.perf_counter()
    subprocess.run(cmd, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
once()
times = sorted(once() for _ in range(runs))
print(f"{statistics.median(times):.3f} s median of {runs} (min {times[0]:.3f}, max {times[-1]:.3f})")
PY
}

check=$(median "$bin" check --no-cache --output-format concise .)
init=$(median "$bin" init --dry-run --quiet .)
echo "check --no-cache .  : $check"
echo "init --dry-run .    : $init"
"$bin" init --dry-run --quiet "$tree" > "$out/ssotlint.toml"
head -1 "$out/ssotlint.toml"
echo "proposal written to $out/ssotlint.toml"
python3 - "$check" "$init" <<'PY'
import sys
check, init = (float(a.split()[0]) for a in sys.argv[1:])
ratio = init / check
print(f"init / check = {ratio:.2f} (bar: at most 3.00) -> {'ok' if ratio <= 3 else 'OVER'}")
sys.exit(0 if ratio <= 3 else 1)
PY
