#!/usr/bin/env bash
# Counts of the singleton rules (SSOT101-SSOT105) over the installed CPython stdlib
# (site-packages excluded) and over django, requests and sqlalchemy from PyPI, with
# `[singletons] scope` at its default (first-party) and at `all`.
# Usage: scripts/singleton_precision.sh [WORKDIR]   (SSOTLINT=path/to/binary to override)
#
# Measured 2026-11-25 (CPython 3.11.7 stdlib; django 5.2.19, requests 2.34.2,
# sqlalchemy 2.1.9 plus their dependencies):
#   stdlib  first-party: 66 (SSOT101 59, SSOT103 7)
#   stdlib  all:         72 (SSOT101 65, SSOT103 7)
#   pkgs    first-party: 106 (SSOT101 103, SSOT102 1, SSOT105 2)
#   pkgs    all:         113 (SSOT101 108, SSOT102 1, SSOT103 1, SSOT104 1, SSOT105 2)
# Samples of 20 findings (shuf --random-source) read by hand: 0 wrong after the
# fixes in the singletons branch; 20 files without findings: 0 missed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SSOTLINT:-$here/target/debug/ssotlint}"
work="${1:-/tmp/singleton-precision}"
mkdir -p "$work"
stdlib="$(python3 -c "import sysconfig;print(sysconfig.get_paths()['stdlib'])")"
if [ ! -d "$work/stdlib" ]; then
  mkdir -p "$work/stdlib"
  (cd "$stdlib" && tar --exclude=./site-packages --exclude=__pycache__ -cf - .) | (cd "$work/stdlib" && tar -xf -)
fi
if [ ! -d "$work/pkgs/django" ]; then
  python3 -m pip install --quiet --target "$work/pkgs" django requests sqlalchemy
fi
for tree in stdlib pkgs; do
  printf '' > "$work/$tree/default.toml"
  printf '[singletons]\nscope = "all"\n' > "$work/$tree/all.toml"
  for scope in default all; do
    # Each tree is its own project: its top-level packages are the first party.
    (cd "$work/$tree" && "$bin" check . --config "$scope.toml" --select SSOT1 \
      --output-format concise --quiet > "$work/$tree-$scope.txt" 2>/dev/null) || true
    echo "== $tree, scope=$scope: $(wc -l < "$work/$tree-$scope.txt") findings"
    grep -oE ' SSOT1[0-9]+ ' "$work/$tree-$scope.txt" | sort | uniq -c || true
  done
done
