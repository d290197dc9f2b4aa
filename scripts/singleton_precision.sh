#!/usr/bin/env bash
# Counts of the singleton rules (SSOT101-SSOT105) over the installed CPython stdlib
# (site-packages excluded) and over django, requests and sqlalchemy from PyPI, with
# `[singletons] scope` at its default (first-party) and at `all`.
# Usage: scripts/singleton_precision.sh [WORKDIR]   (SSOTLINT=path/to/binary to override)
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
